//! TCP segments as the engine sees them: header fields and a payload length.
//!
//! The payload's bytes do not matter to the state machine, so a segment carries only how many
//! there are. The wire encoder (pcap export) fills them with a pattern.

use core::fmt;

use serde::{Deserialize, Serialize};

use crate::seq::SeqNum;

/// The control bits of a TCP header that the engine uses.
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Flags(u8);

impl Flags {
    /// No flag at all (legal TCP, if useless).
    pub const NONE: Flags = Flags(0);
    /// FIN: no more data from the sender.
    pub const FIN: Flags = Flags(0x01);
    /// SYN: synchronize sequence numbers.
    pub const SYN: Flags = Flags(0x02);
    /// RST: reset the connection.
    pub const RST: Flags = Flags(0x04);
    /// PSH: push function.
    pub const PSH: Flags = Flags(0x08);
    /// ACK: the acknowledgment field is significant.
    pub const ACK: Flags = Flags(0x10);
    /// URG: the urgent pointer is significant (not modelled beyond the bit).
    pub const URG: Flags = Flags(0x20);

    /// The order flags are written in, by scripts, traces and the `data-flags` attribute.
    pub const ORDER: [(Flags, &'static str); 6] = [
        (Flags::SYN, "SYN"),
        (Flags::ACK, "ACK"),
        (Flags::FIN, "FIN"),
        (Flags::RST, "RST"),
        (Flags::PSH, "PSH"),
        (Flags::URG, "URG"),
    ];

    /// The header's flag byte (the low six bits of byte 13).
    pub fn bits(self) -> u8 {
        self.0
    }

    /// Flags from a header's flag byte; bits above URG (ECE, CWR) are dropped.
    pub fn from_bits(bits: u8) -> Flags {
        Flags(bits & 0x3f)
    }

    /// Whether every flag of `other` is set.
    pub fn contains(self, other: Flags) -> bool {
        self.0 & other.0 == other.0
    }

    /// These flags with those of `other` cleared.
    pub fn without(self, other: Flags) -> Flags {
        Flags(self.0 & !other.0)
    }

    /// SYN is set.
    pub fn syn(self) -> bool {
        self.contains(Flags::SYN)
    }
    /// ACK is set.
    pub fn ack(self) -> bool {
        self.contains(Flags::ACK)
    }
    /// FIN is set.
    pub fn fin(self) -> bool {
        self.contains(Flags::FIN)
    }
    /// RST is set.
    pub fn rst(self) -> bool {
        self.contains(Flags::RST)
    }

    /// Parses `SYN,ACK`-style lists. Each flag at most once; any order is accepted. `none`
    /// is the empty set, as `Display` prints it.
    pub fn parse(text: &str) -> Result<Flags, String> {
        if text == "none" {
            return Ok(Flags::NONE);
        }
        let mut flags = Flags::NONE;
        for name in text.split(',') {
            let Some((flag, _)) = Flags::ORDER.iter().find(|(_, n)| *n == name) else {
                return Err(format!(
                    "unknown flag `{name}` (flags are SYN, ACK, FIN, RST, PSH, URG, comma-separated)"
                ));
            };
            if flags.contains(*flag) {
                return Err(format!("flag `{name}` given twice"));
            }
            flags = flags | *flag;
        }
        Ok(flags)
    }
}

impl core::ops::BitOr for Flags {
    type Output = Flags;
    fn bitor(self, rhs: Flags) -> Flags {
        Flags(self.0 | rhs.0)
    }
}

impl fmt::Display for Flags {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for (flag, name) in Flags::ORDER {
            if self.contains(flag) {
                if !first {
                    f.write_str(",")?;
                }
                f.write_str(name)?;
                first = false;
            }
        }
        if first {
            f.write_str("none")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Flags {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// One TCP segment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Segment {
    /// SEG.SEQ: the first sequence number of the segment.
    pub seq: SeqNum,
    /// SEG.ACK. Meaningful only when `flags` has ACK; zero otherwise.
    pub ack: SeqNum,
    /// The control bits.
    pub flags: Flags,
    /// SEG.WND: the sender's receive window (unscaled).
    pub window: u16,
    /// Payload length in bytes.
    pub len: u32,
    /// The MSS option, sent on SYN segments (RFC 9293 §3.7.1).
    pub mss: Option<u16>,
    /// The other options: window scale, SACK-permitted, timestamps and SACK blocks.
    #[serde(default, skip_serializing_if = "TcpOptions::is_none")]
    pub options: TcpOptions,
}

/// The TCP options beyond MSS: window scale and SACK-permitted (RFC 7323 §2, RFC 2018 §2;
/// sent only on SYNs), timestamps (RFC 7323 §3) and SACK blocks (RFC 2018 §3). The capture
/// reader fills them from real packets; the engine sends them when `set wscale`, `set
/// timestamps` and `set sack` turn them on.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TcpOptions {
    /// The window scale option's shift count.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window_scale: Option<u8>,
    /// The SACK-permitted option.
    #[serde(default, skip_serializing_if = "core::ops::Not::not")]
    pub sack_permitted: bool,
    /// TSval and TSecr.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timestamps: Option<(u32, u32)>,
    /// Up to four SACK blocks (left edge, right edge), `sack_count` of them used; the first
    /// is the most recent (RFC 2018 §4).
    #[serde(default)]
    pub sack: [(u32, u32); 4],
    /// How many of `sack` are used.
    #[serde(default)]
    pub sack_count: u8,
}

impl TcpOptions {
    /// No option at all.
    pub const NONE: TcpOptions = TcpOptions {
        window_scale: None,
        sack_permitted: false,
        timestamps: None,
        sack: [(0, 0); 4],
        sack_count: 0,
    };

    /// Whether there is no option.
    pub fn is_none(&self) -> bool {
        *self == TcpOptions::NONE
    }

    /// The SACK blocks present.
    pub fn sack_blocks(&self) -> &[(u32, u32)] {
        &self.sack[..usize::from(self.sack_count).min(4)]
    }

    /// Adds a SACK block when there is room for it (four at most).
    pub fn push_sack(&mut self, left: u32, right: u32) {
        if let Some(slot) = self.sack.get_mut(usize::from(self.sack_count)) {
            *slot = (left, right);
            self.sack_count += 1;
        }
    }
}

impl Segment {
    /// SEG.LEN: the sequence space the segment occupies, counting SYN and FIN.
    pub fn seg_len(&self) -> u32 {
        self.len + u32::from(self.flags.syn()) + u32::from(self.flags.fin())
    }

    /// A segment with only these flags and numbers, no payload.
    pub fn control(seq: SeqNum, ack: Option<SeqNum>, flags: Flags) -> Segment {
        Segment {
            seq,
            ack: ack.unwrap_or_default(),
            flags: if ack.is_some() {
                flags | Flags::ACK
            } else {
                flags
            },
            window: 0,
            len: 0,
            mss: None,
            options: TcpOptions::NONE,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_print_in_canonical_order() {
        let f = Flags::parse("ACK,FIN,SYN").unwrap();
        assert_eq!(f.to_string(), "SYN,ACK,FIN");
    }

    #[test]
    fn flags_parse_rejects_unknown_and_repeated() {
        assert!(Flags::parse("SYN,XMAS").unwrap_err().contains("XMAS"));
        assert!(Flags::parse("ACK,ACK").unwrap_err().contains("twice"));
        assert!(Flags::parse("").is_err());
        assert_eq!(Flags::parse("none"), Ok(Flags::NONE));
        assert_eq!(Flags::NONE.to_string(), "none");
    }

    #[test]
    fn seg_len_counts_syn_and_fin() {
        let mut s = Segment::control(SeqNum(7), None, Flags::SYN);
        assert_eq!(s.seg_len(), 1);
        s.flags = Flags::FIN | Flags::ACK;
        s.len = 10;
        assert_eq!(s.seg_len(), 11);
    }
}
