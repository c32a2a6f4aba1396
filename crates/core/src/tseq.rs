//! The time-sequence graph (Stevens' "tcptrace" graph) of one direction of a connection:
//! each segment as a vertical span of sequence numbers at the time it was seen, the
//! receiver's ACK line, the right edge of its advertised window, and its SACK blocks.
//!
//! Sequence numbers are relative to the sender's ISN (its SYN is 0) and unwrapped to 64
//! bits, so a long transfer keeps climbing. The builder takes plain numbers, so both a
//! capture ([`crate::capture::analysis`]) and, later, a simulated run can draw the same graph.

use serde::Serialize;

/// What a segment was, for its colour on the graph.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SpanKind {
    /// New sequence space (data, SYN, FIN).
    New,
    /// Sent again.
    Retransmission,
    /// New sequence space that arrived below the highest one seen (reordered).
    OutOfOrder,
    /// A zero-window or keep-alive probe.
    Probe,
}

/// One segment: `[seq, end)` at `micros`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Span {
    /// When the capture saw it, in microseconds.
    pub micros: u64,
    /// Its first sequence number, relative and unwrapped.
    pub seq: u64,
    /// One past its last (SEG.SEQ + SEG.LEN).
    pub end: u64,
    /// What it was.
    pub kind: SpanKind,
}

/// One ACK from the receiver: what it acknowledged and its window's right edge.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct AckPoint {
    /// When the capture saw it, in microseconds.
    pub micros: u64,
    /// SEG.ACK, relative to the data sender's ISN and unwrapped.
    pub ack: u64,
    /// `ack` plus the advertised window, scaled when the scale is known.
    pub window_edge: u64,
}

/// One SACK block reported by the receiver at `micros`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct SackBlock {
    /// When the capture saw the ACK carrying it, in microseconds.
    pub micros: u64,
    /// Its left edge, relative and unwrapped.
    pub left: u64,
    /// Its right edge (one past the last byte held).
    pub right: u64,
}

/// The graph of one direction.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct TimeSeq {
    /// The sender's segments, in capture order.
    pub spans: Vec<Span>,
    /// The receiver's ACKs, in capture order.
    pub acks: Vec<AckPoint>,
    /// The receiver's SACK blocks, in capture order.
    pub sacks: Vec<SackBlock>,
}

/// Unwraps 32-bit sequence numbers relative to a base into a climbing 64-bit axis.
#[derive(Clone, Copy, Debug)]
pub struct Unwrap {
    base: u32,
    last: u64,
}

impl Unwrap {
    /// `base` is the sender's ISN: it maps to 0.
    pub fn new(base: u32) -> Unwrap {
        Unwrap { base, last: 0 }
    }

    /// The 64-bit offset of `seq` from the base, taken as the one nearest the last value
    /// (numbers within 2^31 of each other compare as in RFC 1982).
    pub fn rel(&mut self, seq: u32) -> u64 {
        let low = seq.wrapping_sub(self.base);
        let last_low = self.last as u32;
        let delta = low.wrapping_sub(last_low) as i32;
        let value = (self.last as i64 + i64::from(delta)).max(0) as u64;
        if value > self.last {
            self.last = value;
        }
        value
    }
}

impl TimeSeq {
    /// Adds a segment `[seq, end)` seen at `micros`.
    pub fn span(&mut self, micros: u64, seq: u64, end: u64, kind: SpanKind) {
        self.spans.push(Span {
            micros,
            seq,
            end,
            kind,
        });
    }

    /// Adds an ACK of `ack` advertising `window` bytes.
    pub fn ack(&mut self, micros: u64, ack: u64, window: u64) {
        self.acks.push(AckPoint {
            micros,
            ack,
            window_edge: ack + window,
        });
    }

    /// Adds a SACK block `[left, right)`; an empty or inverted one is ignored.
    pub fn sack(&mut self, micros: u64, left: u64, right: u64) {
        if right > left {
            self.sacks.push(SackBlock {
                micros,
                left,
                right,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unwrap_climbs_past_the_32_bit_wrap() {
        let mut u = Unwrap::new(u32::MAX - 10);
        assert_eq!(u.rel(u32::MAX - 10), 0);
        assert_eq!(u.rel(u32::MAX), 10);
        assert_eq!(u.rel(5), 16);
        // An older number (a retransmission) maps below, without moving the reference.
        assert_eq!(u.rel(u32::MAX - 5), 5);
        assert_eq!(u.rel(100), 111);
    }

    #[test]
    fn window_edge_is_ack_plus_window() {
        let mut g = TimeSeq::default();
        g.ack(7, 1000, 64_000);
        g.sack(7, 2000, 1000);
        assert_eq!(g.acks[0].window_edge, 65_000);
        assert!(g.sacks.is_empty(), "an empty block is left out");
    }
}
