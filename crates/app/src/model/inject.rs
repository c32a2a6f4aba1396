//! Injecting a segment: the inject form's presets (the numbers that teach something) and the
//! check of its fields.

use synack_core::script::{Command, Num, SegmentSpec};
use synack_core::{Flags, Peer, State};

use crate::i18n::{fill, tr, Lang};
use crate::model::session::After;

/// Relative seq/ack that a segment from one peer would need, per preset.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct InjectPresets {
    /// Exactly what the receiver expects next: seq = its RCV.NXT, ack = its SND.NXT.
    pub next_seq: i64,
    pub next_ack: i64,
    /// A byte the receiver already has.
    pub old_seq: i64,
    /// Past the right edge of the receiver's window.
    pub out_of_window_seq: i64,
}

impl InjectPresets {
    /// Presets for a segment from `from` to the other peer, relative to their ISNs, given
    /// both peers as they are where the segment would be injected.
    pub fn at(after: &After, from: Peer) -> InjectPresets {
        let to = from.other();
        let base_from = after.peers[from.index()].isn_base;
        let base_to = after.peers[to.index()].isn_base;
        let rx = &after.peers[to.index()];
        if matches!(rx.state, State::Closed | State::Listen) {
            return InjectPresets::default();
        }
        let t = rx.tcb;
        let rel = |n: u32| i64::from(n as i32);
        InjectPresets {
            next_seq: rel(t.rcv_nxt.offset_from(base_from)),
            next_ack: rel(t.snd_nxt.offset_from(base_to)),
            old_seq: rel(t.rcv_nxt.offset_from(base_from)) - 1,
            out_of_window_seq: rel(t.rcv_nxt.offset_from(base_from)) + i64::from(t.rcv_wnd) + 1000,
        }
    }
}

/// Checks the form's fields and builds the command, or says what is wrong.
pub fn build_command(
    lang: Lang,
    from: Peer,
    flags: Flags,
    seq: &str,
    ack: &str,
    len: &str,
    in_flight: bool,
) -> Result<Command, String> {
    let num = |name: &str, text: &str| -> Result<Num, String> {
        let text = text.trim();
        if let Some(abs) = text.strip_prefix('@') {
            return abs.parse::<u32>().map(Num::Abs).map_err(|_| {
                fill(
                    tr(lang, "inject.err.abs"),
                    &[("field", name), ("text", text)],
                )
            });
        }
        let n: i64 = text.parse().map_err(|_| {
            fill(
                tr(lang, "inject.err.nan"),
                &[("field", name), ("text", text)],
            )
        })?;
        if !(-(1i64 << 31)..(1i64 << 32)).contains(&n) {
            return Err(fill(
                tr(lang, "inject.err.range"),
                &[("field", name), ("text", text)],
            ));
        }
        Ok(Num::Rel(n as u32))
    };
    if flags == Flags::NONE {
        return Err(tr(lang, "inject.err.flag").into());
    }
    let seq = num("seq", seq)?;
    let ack = if flags.ack() {
        Some(num("ack", ack)?)
    } else {
        None
    };
    let len: u32 = len
        .trim()
        .parse()
        .ok()
        .filter(|&n| n <= 65_535)
        .ok_or_else(|| fill(tr(lang, "inject.err.len"), &[("text", len.trim())]))?;
    Ok(Command::Inject {
        spec: SegmentSpec {
            from,
            flags,
            seq,
            ack,
            len,
            win: None,
            options: Default::default(),
        },
        in_flight,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::session::Session;

    #[test]
    fn build_command_checks_fields() {
        let ok = build_command(Lang::En, Peer::A, Flags::RST, "1", "", "0", false).unwrap();
        assert_eq!(ok.to_string(), "inject A->B RST seq=1");
        let ok = build_command(Lang::En, Peer::B, Flags::ACK, "@5", "-1", "10", true).unwrap();
        assert_eq!(
            ok.to_string(),
            "inject B->A ACK seq=@5 ack=4294967295 len=10 inflight"
        );
        assert!(
            build_command(Lang::En, Peer::A, Flags::NONE, "1", "", "0", false)
                .unwrap_err()
                .contains("flag")
        );
        assert!(
            build_command(Lang::En, Peer::A, Flags::ACK, "x", "1", "0", false)
                .unwrap_err()
                .contains("seq")
        );
        assert!(
            build_command(Lang::En, Peer::A, Flags::SYN, "1", "", "99999", false)
                .unwrap_err()
                .contains("len")
        );
    }

    #[test]
    fn next_expected_preset_is_acceptable() {
        let s = Session::load("B listen\nA connect\ndeliver s1\ndeliver s2\ndeliver s3\n").unwrap();
        let p = InjectPresets::at(&s.after(5), Peer::A);
        assert_eq!((p.next_seq, p.next_ack), (1, 1));
        assert_eq!(p.old_seq, 0);
        assert!(p.out_of_window_seq > 65_535);
    }
}
