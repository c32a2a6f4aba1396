//! The Linux view: what an engineer sees on a Linux host. The app provides the switch as a
//! context, so that every component that names a state can spell it as `ss -tan` does
//! without a new prop on each.

use synack_core::State;
use yew::prelude::*;

/// Whether the Linux view is on (the context's value).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LinuxView(pub bool);

/// The Linux view's switch, for a function component.
#[hook]
pub fn use_linux() -> bool {
    use_context::<LinuxView>().unwrap_or_default().0
}

/// A state's name as the page shows it: the RFC's (script) spelling, or `ss`'s in the Linux
/// view (`ESTAB`, `SYN-RECV`, `TIME-WAIT`, and `UNCONN` for a socket with no connection).
pub fn state_label(state: State, linux: bool) -> &'static str {
    if linux {
        state.ss_name()
    } else {
        state.name()
    }
}

/// The RFC's spelling of a state (RFC 9293 §3.3.2 writes `FIN-WAIT-2`, `SYN-RECEIVED`), which
/// the rules' reasons use because the CLI prints them as the RFC does.
fn rfc_name(state: State) -> &'static str {
    match state {
        State::SynSent => "SYN-SENT",
        State::SynReceived => "SYN-RECEIVED",
        State::FinWait1 => "FIN-WAIT-1",
        State::FinWait2 => "FIN-WAIT-2",
        State::CloseWait => "CLOSE-WAIT",
        State::LastAck => "LAST-ACK",
        State::TimeWait => "TIME-WAIT",
        other => other.name(),
    }
}

/// `text` with every state it names spelled as the page shows states ([`state_label`]): the
/// diagram's `FIN_WAIT_2`, or `ss`'s `FIN-WAIT-2` in the Linux view. The rules' reasons
/// (`synack_core::rule`, web/i18n/zh/rules.txt) keep the RFC's spelling for the CLI; on the
/// page a reason that says FIN-WAIT-2 beside a badge that says FIN_WAIT_2 reads as two
/// states. A name is only a whole word: `CLOSE` (the call) and `CLOSED` stay apart.
pub fn spell_states(text: &str, linux: bool) -> String {
    // Whatever can continue a state's name: `FIN-WAIT-1x` or `CLOSED_2` are not names.
    let part = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let mut after_part = false;
    'scan: while let Some(c) = rest.chars().next() {
        if !after_part && c.is_ascii_uppercase() {
            for state in State::ALL {
                for spelling in [rfc_name(state), state.name(), state.ss_name()] {
                    let Some(tail) = rest.strip_prefix(spelling) else {
                        continue;
                    };
                    if tail.chars().next().is_some_and(part) {
                        continue;
                    }
                    out.push_str(state_label(state, linux));
                    rest = tail;
                    after_part = true;
                    continue 'scan;
                }
            }
        }
        out.push(c);
        after_part = part(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rules_reason_names_states_as_the_page_shows_them() {
        let en = "FIN in FIN-WAIT-2: send ACK, start the 2MSL timer";
        assert_eq!(
            spell_states(en, false),
            "FIN in FIN_WAIT_2: send ACK, start the 2MSL timer"
        );
        assert_eq!(spell_states(en, true), en);
        let zh = "被动 OPEN 后在SYN-RECEIVED收到可接受的 RST：回到 LISTEN";
        assert_eq!(
            spell_states(zh, false),
            "被动 OPEN 后在SYN_RCVD收到可接受的 RST：回到 LISTEN"
        );
        assert_eq!(
            spell_states(zh, true),
            "被动 OPEN 后在SYN-RECV收到可接受的 RST：回到 LISTEN"
        );
        // Script spellings too (lessons' narration), and ss's back to the diagram's.
        assert_eq!(
            spell_states("A is in ESTABLISHED, B in CLOSE_WAIT.", true),
            "A is in ESTAB, B in CLOSE-WAIT."
        );
        assert_eq!(spell_states("ESTAB", false), "ESTABLISHED");
    }

    #[test]
    fn only_whole_names_are_respelled() {
        // The CLOSE call is not the CLOSED state; nor is CLOSE-WAIT; a longer word is no name.
        let text = "CLOSE in CLOSE-WAIT; CLOSED; XTIME-WAIT; TIME-WAITS; SYN-SENT2";
        assert_eq!(
            spell_states(text, false),
            "CLOSE in CLOSE_WAIT; CLOSED; XTIME-WAIT; TIME-WAITS; SYN-SENT2"
        );
        assert_eq!(spell_states("", true), "");
        assert_eq!(spell_states("CLOSED.", true), "UNCONN.");
    }

    #[test]
    fn the_linux_view_spells_states_as_ss_does() {
        assert_eq!(state_label(State::Established, true), "ESTAB");
        assert_eq!(state_label(State::SynReceived, true), "SYN-RECV");
        assert_eq!(state_label(State::TimeWait, true), "TIME-WAIT");
        assert_eq!(state_label(State::CloseWait, true), "CLOSE-WAIT");
        assert_eq!(state_label(State::Closed, true), "UNCONN");
        assert_eq!(state_label(State::TimeWait, false), "TIME_WAIT");
    }
}
