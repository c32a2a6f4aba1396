//! TCP options in a segment spec, `mss=1460 wscale=7 sackok ts=100/0 sack=1001-2001`: what
//! `inject` carries and what `expect s<k>` checks. The words follow the order Linux writes
//! the options in a SYN (RFC 9293 §3.7.1's MSS, RFC 7323's window scale and timestamps,
//! RFC 2018's SACK-permitted and SACK blocks). A listed option is checked exactly and an
//! unlisted one not at all, as `win=`; `<name>=none` says the option is absent and
//! `options=none` that there is no option at all.

use core::fmt;

use super::{parse_num, Num};
use crate::segment::Segment;
use crate::seq::SeqNum;

/// What a segment spec says of one option.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum OptionCheck<T> {
    /// Not written: `inject` leaves it out and `expect` does not look at it.
    #[default]
    Unlisted,
    /// `<name>=none`: the segment does not carry the option.
    Absent,
    /// The segment carries the option with this value.
    Present(T),
}

impl<T: PartialEq> OptionCheck<T> {
    /// Whether `actual` (what the segment carries) satisfies this check.
    fn holds(&self, actual: Option<&T>) -> bool {
        match self {
            OptionCheck::Unlisted => true,
            OptionCheck::Absent => actual.is_none(),
            OptionCheck::Present(want) => actual == Some(want),
        }
    }
}

impl<T> OptionCheck<T> {
    fn present(&self) -> Option<&T> {
        match self {
            OptionCheck::Present(v) => Some(v),
            _ => None,
        }
    }

    fn is_unlisted(&self) -> bool {
        matches!(self, OptionCheck::Unlisted)
    }
}

/// SACK blocks as a script writes them, `[left, right)`, numbered like the ACK: relative to
/// the receiver's ISN unless absolute (RFC 2018 §3: at most four fit in the option space).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SackBlocks {
    blocks: [(Num, Num); 4],
    count: u8,
}

impl SackBlocks {
    /// The most blocks one SACK option can hold (RFC 2018 §3).
    pub const MAX: usize = 4;

    /// Blocks from a list of at most [`SackBlocks::MAX`]; `None` for more.
    pub fn new(list: &[(Num, Num)]) -> Option<SackBlocks> {
        if list.is_empty() || list.len() > SackBlocks::MAX {
            return None;
        }
        let mut blocks = [(Num::Rel(0), Num::Rel(0)); 4];
        blocks[..list.len()].copy_from_slice(list);
        Some(SackBlocks {
            blocks,
            // At most 4, checked above.
            count: list.len() as u8,
        })
    }

    /// The blocks, first (most recent, RFC 2018 §4) first.
    pub fn blocks(&self) -> &[(Num, Num)] {
        &self.blocks[..usize::from(self.count)]
    }

    /// The blocks as absolute edges, relative numbers counted from `base`.
    fn resolve(&self, base: SeqNum) -> impl Iterator<Item = (u32, u32)> + '_ {
        self.blocks()
            .iter()
            .map(move |&(l, r)| (l.resolve(base).0, r.resolve(base).0))
    }

    fn has_absolute(&self) -> bool {
        self.blocks()
            .iter()
            .any(|(l, r)| matches!(l, Num::Abs(_)) || matches!(r, Num::Abs(_)))
    }
}

impl fmt::Display for SackBlocks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, (l, r)) in self.blocks().iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            write!(f, "{l}-{r}")?;
        }
        Ok(())
    }
}

/// The options a segment spec lists. The default lists none, which `expect` does not check
/// and `inject` sends as a segment without options.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SpecOptions {
    /// `mss=<n>`: the MSS option (RFC 9293 §3.7.1).
    pub mss: OptionCheck<u16>,
    /// `wscale=<shift>`: the window scale option (RFC 7323 §2).
    pub wscale: OptionCheck<u8>,
    /// `sackok`: the SACK-permitted option (RFC 2018 §2).
    pub sack_permitted: OptionCheck<()>,
    /// `ts=<TSval>/<TSecr>`: the timestamps option (RFC 7323 §3).
    pub timestamps: OptionCheck<(u32, u32)>,
    /// `sack=<left>-<right>,...`: SACK blocks (RFC 2018 §3).
    pub sack: OptionCheck<SackBlocks>,
}

/// The option words, in the order they are written.
pub(super) const OPTION_KEYS: [&str; 6] = ["mss", "wscale", "sackok", "ts", "sack", "options"];

impl SpecOptions {
    /// Nothing listed.
    pub const UNLISTED: SpecOptions = SpecOptions {
        mss: OptionCheck::Unlisted,
        wscale: OptionCheck::Unlisted,
        sack_permitted: OptionCheck::Unlisted,
        timestamps: OptionCheck::Unlisted,
        sack: OptionCheck::Unlisted,
    };

    /// `options=none`: every option absent.
    pub const NONE: SpecOptions = SpecOptions {
        mss: OptionCheck::Absent,
        wscale: OptionCheck::Absent,
        sack_permitted: OptionCheck::Absent,
        timestamps: OptionCheck::Absent,
        sack: OptionCheck::Absent,
    };

    /// Whether no option is listed.
    pub fn is_unlisted(&self) -> bool {
        *self == SpecOptions::UNLISTED
    }

    /// Whether one of the listed SACK edges is written absolute (`@`).
    pub(super) fn has_absolute(&self) -> bool {
        self.sack.present().is_some_and(SackBlocks::has_absolute)
    }

    /// Whether SACK blocks are listed: they need the ACK flag, whose number they share.
    pub(super) fn lists_sack_blocks(&self) -> bool {
        self.sack.present().is_some()
    }

    /// Reads one option word, `key` with `value` (`None` for a bare word such as `sackok`).
    /// An error is the character offset in the word it points at, and a message.
    pub(super) fn read(&mut self, key: &str, value: Option<&str>) -> Result<(), (usize, String)> {
        let whole = |m: String| (0, m);
        if key == "sackok" {
            self.sack_permitted = match value {
                None => OptionCheck::Present(()),
                Some("none") => OptionCheck::Absent,
                Some(v) => {
                    return Err(whole(format!(
                        "`sackok={v}`: SACK-permitted has no value; write `sackok`, or `sackok=none` for its absence"
                    )))
                }
            };
            return Ok(());
        }
        let Some(value) = value else {
            return Err(whole(format!("`{key}` needs a value: {}", usage(key))));
        };
        if value == "none" {
            match key {
                "mss" => self.mss = OptionCheck::Absent,
                "wscale" => self.wscale = OptionCheck::Absent,
                "ts" => self.timestamps = OptionCheck::Absent,
                "sack" => self.sack = OptionCheck::Absent,
                _ => *self = SpecOptions::NONE,
            }
            return Ok(());
        }
        match key {
            "mss" => {
                let n = number(value, 65_535).map_err(|m| whole(format!("mss={value}: {m}")))?;
                // At most 65535, checked by `number`.
                self.mss = OptionCheck::Present(n as u16);
            }
            "wscale" => {
                // The option holds one byte; a shift above 14 is legal on the wire and taken
                // as 14 by the receiver (RFC 7323 §2.3), so `inject` may send one.
                let n = number(value, 255).map_err(|m| whole(format!("wscale={value}: {m}")))?;
                self.wscale = OptionCheck::Present(n as u8);
            }
            "ts" => {
                let bad = |m: String| {
                    whole(format!(
                        "ts={value}: {m} (ts=<TSval>/<TSecr>, e.g. ts=100/0)"
                    ))
                };
                let (val, ecr) = value
                    .split_once('/')
                    .ok_or_else(|| bad("missing `/`".into()))?;
                let val = number(val, u32::MAX.into()).map_err(|m| bad(format!("TSval {m}")))?;
                let ecr = number(ecr, u32::MAX.into()).map_err(|m| bad(format!("TSecr {m}")))?;
                self.timestamps = OptionCheck::Present((val as u32, ecr as u32));
            }
            "sack" => {
                // Offsets in the value, plus `sack=`, are offsets in the word.
                let blocks = sack_blocks(value).map_err(|(at, m)| (at + "sack=".len(), m))?;
                self.sack = OptionCheck::Present(blocks);
            }
            _ => {
                return Err(whole(format!(
                    "`options={value}`: only `options=none` (no option at all) is written this way"
                )))
            }
        }
        Ok(())
    }

    /// Whether `key` is listed already, for "given twice" errors; `options=none` lists all.
    pub(super) fn lists(&self, key: &str) -> bool {
        match key {
            "mss" => !self.mss.is_unlisted(),
            "wscale" => !self.wscale.is_unlisted(),
            "sackok" => !self.sack_permitted.is_unlisted(),
            "ts" => !self.timestamps.is_unlisted(),
            "sack" => !self.sack.is_unlisted(),
            _ => !self.is_unlisted(),
        }
    }

    /// Puts the listed options on a segment `inject` sends; SACK edges count from
    /// `sack_base`, the receiver's ISN, as the ACK does.
    pub(super) fn apply(&self, seg: &mut Segment, sack_base: SeqNum) {
        seg.mss = self.mss.present().copied();
        let o = &mut seg.options;
        o.window_scale = self.wscale.present().copied();
        o.sack_permitted = self.sack_permitted.present().is_some();
        o.timestamps = self.timestamps.present().copied();
        if let Some(blocks) = self.sack.present() {
            for (l, r) in blocks.resolve(sack_base) {
                o.push_sack(l, r);
            }
        }
    }

    /// Whether a sent segment carries the listed options, exactly; `ack_base` is the ISN its
    /// ACK counts from (none without the ACK flag).
    pub(super) fn hold_for(&self, seg: &Segment, ack_base: Option<SeqNum>) -> bool {
        let o = &seg.options;
        let sack_ok = match (&self.sack, ack_base) {
            (OptionCheck::Unlisted, _) => true,
            (OptionCheck::Absent, _) => o.sack_blocks().is_empty(),
            (OptionCheck::Present(want), Some(base)) => {
                want.resolve(base).eq(o.sack_blocks().iter().copied())
            }
            // Blocks are listed only with the ACK flag, whose number they count from.
            (OptionCheck::Present(_), None) => false,
        };
        self.mss.holds(seg.mss.as_ref())
            && self.wscale.holds(o.window_scale.as_ref())
            && self.sack_permitted.holds(o.sack_permitted.then_some(&()))
            && self.timestamps.holds(o.timestamps.as_ref())
            && sack_ok
    }

    /// The options a sent segment carries, written as a spec would: those it carries, and
    /// `<name>=none` for each this spec lists that it lacks (`options=none` for none at all). SACK edges are relative to
    /// `ack_base` (absolute when this spec writes them so, or without an ACK).
    pub(super) fn describe(&self, seg: &Segment, ack_base: Option<SeqNum>) -> String {
        let o = &seg.options;
        let mut words: Vec<String> = Vec::new();
        // Against `options=none`, what the segment carries is the whole story.
        let every_absent = *self == SpecOptions::NONE;
        let mut word = |listed: bool, carried: Option<String>, key: &str| match carried {
            Some(w) => words.push(w),
            None if listed && !every_absent => words.push(format!("{key}=none")),
            None => {}
        };
        word(
            !self.mss.is_unlisted(),
            seg.mss.map(|m| format!("mss={m}")),
            "mss",
        );
        word(
            !self.wscale.is_unlisted(),
            o.window_scale.map(|s| format!("wscale={s}")),
            "wscale",
        );
        word(
            !self.sack_permitted.is_unlisted(),
            o.sack_permitted.then(|| "sackok".to_string()),
            "sackok",
        );
        word(
            !self.timestamps.is_unlisted(),
            o.timestamps.map(|(v, e)| format!("ts={v}/{e}")),
            "ts",
        );
        let base = ack_base.filter(|_| !self.has_absolute());
        let edge = |n: u32| match base {
            Some(b) => SeqNum(n).offset_from(b).to_string(),
            None => format!("@{n}"),
        };
        let blocks = (o.sack_count > 0).then(|| {
            let list: Vec<String> = o
                .sack_blocks()
                .iter()
                .map(|&(l, r)| format!("{}-{}", edge(l), edge(r)))
                .collect();
            format!("sack={}", list.join(","))
        });
        word(!self.sack.is_unlisted(), blocks, "sack");
        if words.is_empty() {
            "options=none".into()
        } else {
            words.join(" ")
        }
    }
}

impl fmt::Display for SpecOptions {
    /// The listed options as a script writes them, each after a space.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if *self == SpecOptions::NONE {
            return f.write_str(" options=none");
        }
        let none = |f: &mut fmt::Formatter<'_>, listed: bool, key: &str| {
            if listed {
                write!(f, " {key}=none")
            } else {
                Ok(())
            }
        };
        match self.mss {
            OptionCheck::Present(m) => write!(f, " mss={m}")?,
            ref c => none(f, !c.is_unlisted(), "mss")?,
        }
        match self.wscale {
            OptionCheck::Present(s) => write!(f, " wscale={s}")?,
            ref c => none(f, !c.is_unlisted(), "wscale")?,
        }
        match self.sack_permitted {
            OptionCheck::Present(()) => f.write_str(" sackok")?,
            ref c => none(f, !c.is_unlisted(), "sackok")?,
        }
        match self.timestamps {
            OptionCheck::Present((v, e)) => write!(f, " ts={v}/{e}")?,
            ref c => none(f, !c.is_unlisted(), "ts")?,
        }
        match self.sack {
            OptionCheck::Present(b) => write!(f, " sack={b}")?,
            ref c => none(f, !c.is_unlisted(), "sack")?,
        }
        Ok(())
    }
}

/// How an option word is written, for "needs a value" errors.
fn usage(key: &str) -> &'static str {
    match key {
        "mss" => "mss=<bytes>, e.g. mss=1460",
        "wscale" => "wscale=<shift>, e.g. wscale=7",
        "ts" => "ts=<TSval>/<TSecr>, e.g. ts=100/0",
        "sack" => "sack=<left>-<right>,..., e.g. sack=1001-2001",
        _ => "options=none",
    }
}

/// A decimal number from 0 to `max`.
fn number(text: &str, max: u64) -> Result<u64, String> {
    match text.parse::<u64>() {
        Ok(n) if n <= max => Ok(n),
        Ok(_) => Err(format!("`{text}` is above {max}")),
        Err(_) => Err(format!("`{text}` is not a number from 0 to {max}")),
    }
}

/// `1001-2001,3001-4001`: blocks of two sequence numbers each, relative or `@` absolute; a
/// relative number may be negative (`-5-10`), so the dash between the edges is the first
/// one after the first character. Errors point at the block at fault.
fn sack_blocks(text: &str) -> Result<SackBlocks, (usize, String)> {
    let mut list = Vec::new();
    let mut offset = 0;
    for block in text.split(',') {
        let at = text[..offset].chars().count();
        let bad = |m: String| {
            (
                at,
                format!("sack block `{block}`: {m} (sack=<left>-<right>,..., e.g. sack=1001-2001)"),
            )
        };
        let dash = block
            .char_indices()
            .skip(1)
            .find(|&(_, c)| c == '-')
            .map(|(i, _)| i)
            .ok_or_else(|| bad("missing `-` between the edges".into()))?;
        let left = parse_num(&block[..dash]).map_err(bad)?;
        let right = parse_num(&block[dash + 1..]).map_err(bad)?;
        if list.len() == SackBlocks::MAX {
            return Err((
                at,
                format!(
                    "a fifth SACK block: at most {} fit in the option space (RFC 2018 §3)",
                    SackBlocks::MAX
                ),
            ));
        }
        list.push((left, right));
        offset += block.len() + 1;
    }
    // `split` gives at least one block and the loop stops at four.
    SackBlocks::new(&list).ok_or_else(|| (0, "missing SACK blocks".to_string()))
}
