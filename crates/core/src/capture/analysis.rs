//! Per-connection diagnosis: what Wireshark's TCP analysis and Zeek's conn.log tell an
//! engineer, computed from the capture alone.
//!
//! - Zeek: `conn_state` and `history` by Zeek's documented rules (each endpoint's state
//!   machine: inactive, SYN sent, SYN,ACK sent, partial, established, closed, reset; the
//!   history letters, upper case for the originator, once per direction except S/H/F/R on a
//!   new sequence number and the logarithmic t/g/w), packets and IP bytes per direction,
//!   missed bytes.
//! - The handshake: SYN and SYN,ACK retransmissions, the initial RTT in its two halves as
//!   seen from the capture point, options offered and agreed (MSS, window scale, SACK
//!   permitted, timestamps).
//! - Per packet, flags like Wireshark's `tcp.analysis.*` ([`PacketFlags`]), with two
//!   differences kept on purpose: a segment whose bytes the capture already showed is a
//!   retransmission whatever the time since the last one (Wireshark calls a quick one
//!   "out of order"), and a hole filled within one round trip of the segment that opened it
//!   is out of order, later a retransmission of a packet lost before the capture point;
//!   retransmissions are further told apart as fast (after two duplicate ACKs or a SACK
//!   above them), spurious (already acknowledged) or after a timeout.
//! - Per direction: packets, payload with and without retransmissions, the counts of each
//!   flag, windows scaled by the agreed factor.

use serde::Serialize;

use super::conn::Connection;
use super::read::TcpPacket;
use crate::trace::Peer;
use crate::tseq::{SpanKind, TimeSeq, Unwrap};

/// Analysis flags of one packet, as Wireshark's `tcp.analysis.*` names them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct PacketFlags(pub u16);

impl PacketFlags {
    /// Sequence space the capture already showed, sent again.
    pub const RETRANSMISSION: u16 = 1;
    /// A retransmission after two duplicate ACKs of its start, or after a SACK block above
    /// it (RFC 5681 §3.2, RFC 6675).
    pub const FAST_RETRANSMISSION: u16 = 1 << 1;
    /// A retransmission of bytes whose ACK the capture showed less than a round trip
    /// before: the ACK was on its way, the retransmission was not needed.
    pub const SPURIOUS_RETRANSMISSION: u16 = 1 << 2;
    /// Sent before a segment already seen (an older TSval), or, without timestamps, filling
    /// a hole within one round trip: reordered, not sent again.
    pub const OUT_OF_ORDER: u16 = 1 << 3;
    /// "Previous segment not captured": sequence space skipped before this segment.
    pub const LOST_SEGMENT: u16 = 1 << 4;
    /// "ACKed segment that wasn't captured".
    pub const ACKED_UNSEEN: u16 = 1 << 5;
    /// A pure ACK repeating the sender's last ACK and window while data is outstanding
    /// (RFC 5681 §2's definition).
    pub const DUPLICATE_ACK: u16 = 1 << 6;
    /// The sender advertises a zero window (SYN, FIN and RST packets not counted).
    pub const ZERO_WINDOW: u16 = 1 << 7;
    /// A segment sent into a zero window to learn when it opens (RFC 9293 §3.8.6.1).
    pub const ZERO_WINDOW_PROBE: u16 = 1 << 8;
    /// The segment's data reaches the right edge of the receiver's last advertised window.
    pub const WINDOW_FULL: u16 = 1 << 9;
    /// A pure ACK repeating the sender's last ACK with another window.
    pub const WINDOW_UPDATE: u16 = 1 << 10;
    /// A keep-alive: one byte or none at SND.NXT - 1, no SYN, FIN or RST (RFC 9293
    /// §3.8.4).
    pub const KEEP_ALIVE: u16 = 1 << 11;
    /// The pure ACK answering a keep-alive.
    pub const KEEP_ALIVE_ACK: u16 = 1 << 12;

    /// Each flag with its name (Wireshark's field name after `tcp.analysis.`).
    pub const NAMES: [(u16, &'static str); 13] = [
        (Self::RETRANSMISSION, "retransmission"),
        (Self::FAST_RETRANSMISSION, "fast_retransmission"),
        (Self::SPURIOUS_RETRANSMISSION, "spurious_retransmission"),
        (Self::OUT_OF_ORDER, "out_of_order"),
        (Self::LOST_SEGMENT, "lost_segment"),
        (Self::ACKED_UNSEEN, "ack_lost_segment"),
        (Self::DUPLICATE_ACK, "duplicate_ack"),
        (Self::ZERO_WINDOW, "zero_window"),
        (Self::ZERO_WINDOW_PROBE, "zero_window_probe"),
        (Self::WINDOW_FULL, "window_full"),
        (Self::WINDOW_UPDATE, "window_update"),
        (Self::KEEP_ALIVE, "keep_alive"),
        (Self::KEEP_ALIVE_ACK, "keep_alive_ack"),
    ];

    /// Whether `flag` (one of the constants) is set.
    pub fn has(self, flag: u16) -> bool {
        self.0 & flag != 0
    }

    /// The names of the flags set.
    pub fn names(self) -> impl Iterator<Item = &'static str> {
        Self::NAMES
            .into_iter()
            .filter(move |(f, _)| self.has(*f))
            .map(|(_, n)| n)
    }
}

/// The options one side offered on its SYN (or SYN,ACK).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Offer {
    /// The MSS option's value.
    pub mss: Option<u16>,
    /// The window scale option's shift count (RFC 7323 §2).
    pub window_scale: Option<u8>,
    /// The SACK-permitted option (RFC 2018).
    pub sack_permitted: bool,
    /// The timestamps option (RFC 7323 §3).
    pub timestamps: bool,
}

/// The handshake as the capture shows it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Handshake {
    /// Retransmissions of the originator's SYN.
    pub syn_retransmissions: u32,
    /// Retransmissions of the responder's SYN,ACK.
    pub synack_retransmissions: u32,
    /// From the last SYN before the answered SYN,ACK to that SYN,ACK, in microseconds.
    pub rtt_syn_to_synack: Option<u64>,
    /// From that SYN,ACK to the ACK that completes the handshake.
    pub rtt_synack_to_ack: Option<u64>,
    /// Their sum: Wireshark's `tcp.analysis.initial_rtt`.
    pub initial_rtt: Option<u64>,
    /// What A and B offered (`None` when the side's SYN is not in the capture).
    pub offered: [Option<Offer>; 2],
    /// Both sides offered window scaling: the shift applied to A's windows, then B's.
    pub window_scale: Option<(u8, u8)>,
    /// Both sides offered SACK-permitted, so SACK blocks may be sent.
    pub sack_permitted: bool,
    /// Both sides offered timestamps, so every segment carries them.
    pub timestamps: bool,
    /// The smaller MSS of the two, when both were offered.
    pub mss: Option<u16>,
}

/// Counts for the packets one side sent.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Direction {
    /// Packets sent.
    pub packets: u64,
    /// The IP packets' lengths added up (Zeek's `*_ip_bytes`).
    pub ip_bytes: u64,
    /// Payload bytes of every packet, retransmissions included.
    pub payload_bytes: u64,
    /// Distinct payload bytes by sequence number (Zeek's `*_bytes`).
    pub unique_bytes: u64,
    /// Packets flagged [`PacketFlags::RETRANSMISSION`].
    pub retransmissions: u32,
    /// Of those, fast ones.
    pub fast_retransmissions: u32,
    /// Of those, spurious ones.
    pub spurious_retransmissions: u32,
    /// Retransmissions neither fast nor spurious: after the retransmission timer.
    pub timeout_retransmissions: u32,
    /// Packets flagged [`PacketFlags::OUT_OF_ORDER`].
    pub out_of_order: u32,
    /// Packets flagged [`PacketFlags::DUPLICATE_ACK`].
    pub duplicate_acks: u32,
    /// Packets flagged [`PacketFlags::LOST_SEGMENT`].
    pub lost_segments: u32,
    /// Packets flagged [`PacketFlags::ACKED_UNSEEN`].
    pub acked_unseen: u32,
    /// Packets flagged [`PacketFlags::ZERO_WINDOW`].
    pub zero_windows: u32,
    /// Packets flagged [`PacketFlags::ZERO_WINDOW_PROBE`].
    pub zero_window_probes: u32,
    /// Packets flagged [`PacketFlags::WINDOW_FULL`].
    pub window_full: u32,
    /// Packets flagged [`PacketFlags::WINDOW_UPDATE`].
    pub window_updates: u32,
    /// Packets flagged [`PacketFlags::KEEP_ALIVE`].
    pub keep_alives: u32,
    /// Packets flagged [`PacketFlags::KEEP_ALIVE_ACK`].
    pub keep_alive_acks: u32,
    /// Packets with FIN, retransmissions included.
    pub fins: u32,
    /// Packets with RST.
    pub resets: u32,
    /// Smallest and largest window advertised after the handshake, scaled when the scale is
    /// known.
    pub min_window: Option<u64>,
    /// See `min_window`.
    pub max_window: Option<u64>,
}

/// The diagnosis of one connection.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Analysis {
    /// Zeek's `conn_state`.
    pub conn_state: &'static str,
    /// Zeek's `history`.
    pub history: String,
    /// Zeek flipped the roles, so its originator is B: A's first packet came from a likely
    /// server port, or the capture showed a SYN,ACK before its SYN (then the first ACK or
    /// data, or the late SYN, flips). `history` has the `^` where Zeek puts it.
    pub flipped: bool,
    /// Bytes in sequence space that the capture never showed but the peer acknowledged
    /// (Zeek's `missed_bytes`).
    pub missed_bytes: u64,
    /// From the first packet to the last.
    pub duration_micros: u64,
    /// The handshake as the capture shows it.
    pub handshake: Handshake,
    /// A's packets, then B's.
    pub directions: [Direction; 2],
    /// The side that sent the first RST.
    pub reset_by: Option<Peer>,
    /// One entry per packet of the connection, in its order.
    pub packet_flags: Vec<PacketFlags>,
    /// Each packet's window, scaled when the scale is known (SYNs are never scaled).
    pub packet_windows: Vec<u64>,
    /// The time-sequence graph of A's data, then B's.
    #[serde(skip)]
    pub time_seq: [TimeSeq; 2],
}

/// Zeek's per-endpoint TCP states.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ZeekState {
    Inactive,
    SynSent,
    SynAckSent,
    Partial,
    Established,
    Closed,
    Reset,
}

/// Sequence space seen: sorted `[start, end)` ranges, those that touch merged. Data mostly
/// arrives in order, so the last range grows and a hole adds one more.
#[derive(Default)]
struct Ranges(Vec<(u64, u64)>);

impl Ranges {
    /// Whether any byte of `[start, end)` is in.
    fn overlaps(&self, start: u64, end: u64) -> bool {
        // Of the ranges that start before `end`, the last reaches furthest.
        let i = self.0.partition_point(|r| r.0 < end);
        i > 0 && self.0[i - 1].1 > start
    }

    /// Whether every byte of `[start, end)` is in (one range, since touching ones merge).
    fn covers(&self, start: u64, end: u64) -> bool {
        let i = self.0.partition_point(|r| r.0 <= start);
        i > 0 && self.0[i - 1].1 >= end
    }

    /// Adds `[start, end)`, merged with every range it overlaps or touches.
    fn insert(&mut self, start: u64, end: u64) {
        if end <= start {
            return;
        }
        let lo = self.0.partition_point(|r| r.1 < start);
        let hi = self.0.partition_point(|r| r.0 <= end);
        if lo == hi {
            self.0.insert(lo, (start, end));
        } else {
            // `lo < hi`: ranges `lo..hi` touch the new one; they become one.
            let merged = (start.min(self.0[lo].0), end.max(self.0[hi - 1].1));
            self.0[lo] = merged;
            self.0.drain(lo + 1..hi);
        }
    }
}

/// One direction's running picture during the scan.
struct Track {
    unwrap: Option<Unwrap>,
    /// Highest end of sequence space seen (relative).
    next: Option<u64>,
    /// Captured ranges of sequence space `[start, end)`.
    seen: Ranges,
    /// Holes opened by a jump, with the time of the segment that opened each.
    holes: Vec<(u64, u64, u64)>,
    last_ack: Option<u32>,
    last_window: Option<u16>,
    /// The last window this side advertised, in bytes (a SYN's unscaled, RFC 7323 §2.2).
    last_window_bytes: Option<u64>,
    dup_acks_for_last: u32,
    /// SACK blocks this side sent since its ACK last moved, as raw numbers.
    sack_above: Option<u32>,
    prev_keepalive: bool,
    zeek: ZeekState,
    zeek_prev: ZeekState,
    letters_once: u32,
    last_syn: Option<u32>,
    last_fin: Option<u32>,
    last_rst: Option<u32>,
    scaled_counts: [u32; 3],
    syn_seq: Option<u32>,
    highest_ack_from_peer: Option<u64>,
    /// When the peer's ACK first reached each new height: (relative ack, micros).
    peer_ack_times: Vec<(u64, u64)>,
    /// The highest TSval (RFC 7323) on this side's segments so far: a TSval below it was
    /// sent before something already seen.
    max_tsval: Option<u32>,
}

impl Track {
    fn new() -> Track {
        Track {
            unwrap: None,
            next: None,
            seen: Ranges::default(),
            holes: Vec::new(),
            last_ack: None,
            last_window: None,
            last_window_bytes: None,
            dup_acks_for_last: 0,
            sack_above: None,
            prev_keepalive: false,
            zeek: ZeekState::Inactive,
            zeek_prev: ZeekState::Inactive,
            letters_once: 0,
            last_syn: None,
            last_fin: None,
            last_rst: None,
            scaled_counts: [0; 3],
            syn_seq: None,
            highest_ack_from_peer: None,
            peer_ack_times: Vec::new(),
            max_tsval: None,
        }
    }

    /// Whether any byte of `[start, end)` was captured before.
    fn overlaps(&self, start: u64, end: u64) -> bool {
        self.seen.overlaps(start, end)
    }

    fn insert(&mut self, start: u64, end: u64) {
        self.seen.insert(start, end);
    }

    fn set_zeek(&mut self, to: ZeekState) {
        self.zeek_prev = self.zeek;
        self.zeek = to;
    }
}

/// The bit of a letter recorded once per direction (A, D, I, Q).
fn once_bit(c: char) -> u32 {
    match c {
        'A' => 1,
        'D' => 1 << 1,
        'I' => 1 << 2,
        _ => 1 << 3,
    }
}

struct History {
    text: String,
}

impl History {
    fn letter(c: char, orig: bool) -> char {
        if orig {
            c.to_ascii_uppercase()
        } else {
            c.to_ascii_lowercase()
        }
    }

    /// A letter recorded once per direction.
    fn once(&mut self, t: &mut Track, c: char, orig: bool) -> bool {
        let bit = once_bit(c);
        let first = t.letters_once & bit == 0;
        if first {
            t.letters_once |= bit;
            self.text.push(Self::letter(c, orig));
        }
        first
    }

    /// A letter recorded again whenever its sequence number changes.
    fn on_new_seq(&mut self, last: &mut Option<u32>, seq: u32, c: char, orig: bool) {
        if *last != Some(seq) {
            self.text.push(Self::letter(c, orig));
        }
        *last = Some(seq);
    }

    /// t, g, w: at the 1st, 10th, 100th, … occurrence.
    fn scaled(&mut self, t: &mut Track, which: usize, c: char, orig: bool) {
        t.scaled_counts[which] += 1;
        let n = t.scaled_counts[which];
        let mut mark = 1;
        while mark < n {
            mark *= 10;
        }
        if mark == n {
            self.text.push(Self::letter(c, orig));
        }
    }
}

/// Analyzes one connection's packets.
pub fn analyze(conn: &Connection, packets: &[TcpPacket]) -> Analysis {
    let pkts: Vec<&TcpPacket> = conn.packets.iter().map(|&i| &packets[i]).collect();
    let sides: Vec<Peer> = pkts.iter().map(|p| conn.side_of(p)).collect();
    let handshake = handshake(&pkts, &sides);
    let shift = handshake.window_scale.map(|(a, b)| [a, b]);
    // Zeek's originator starts as the first packet's sender, A, and Zeek flips the roles in
    // three cases (`^` in the history): at the first packet by its ports, later by a SYN,ACK
    // seen before its SYN.
    let mut orig_side = Peer::A;
    let mut flipped = pkts.first().is_some_and(|p| flip_by_ports(p));
    if flipped {
        orig_side = Peer::B;
    }
    let rtt = handshake.initial_rtt.unwrap_or(0);

    let mut tracks = [Track::new(), Track::new()];
    let mut dirs = [Direction::default(), Direction::default()];
    let mut flags_out = Vec::with_capacity(pkts.len());
    let mut windows_out = Vec::with_capacity(pkts.len());
    let mut history = History {
        text: if flipped { "^".into() } else { String::new() },
    };
    // Each direction's graph gets at most one span per packet it sent and one ACK point per
    // packet the other side sent: room for both up front.
    let sent_by_a = sides.iter().filter(|&&s| s == Peer::A).count();
    let sent = [sent_by_a, sides.len() - sent_by_a];
    let mut time_seq = [0, 1].map(|k| TimeSeq {
        spans: Vec::with_capacity(sent[k]),
        acks: Vec::with_capacity(sent[1 - k]),
        sacks: Vec::new(),
    });
    let mut reset_by = None;
    let mut missed = 0u64;

    for (j, p) in pkts.iter().enumerate() {
        let x = sides[j];
        let (xi, yi) = (x.index(), 1 - x.index());
        let s = &p.segment;
        // A connection that began with a SYN,ACK and nothing else: the first pure ACK or data
        // segment makes a stealth scan unlikely, so Zeek flips it and rewrites its history
        // "H" as "^h" before recording this packet (`TCP_Endpoint::CheckHistory`).
        let a_or_d =
            !(s.flags.syn() || s.flags.fin() || s.flags.rst()) && (s.len > 0 || s.flags.ack());
        if !flipped && a_or_d && history.text == "H" {
            flipped = true;
            orig_side = orig_side.other();
            history.text = "^h".into();
        }
        let orig = x == orig_side;
        let mut f = 0u16;
        let (syn, fin, rst, ack) = (s.flags.syn(), s.flags.fin(), s.flags.rst(), s.flags.ack());
        let control = syn || fin || rst;
        let seg_len = s.seg_len();

        // The sender's sequence axis starts at its ISN (the SYN), or one before its first
        // sequence number when the capture shows no SYN, as Zeek and Wireshark count.
        let (tx, ty) = if xi == 0 {
            let (a, b) = tracks.split_at_mut(1);
            (&mut a[0], &mut b[0])
        } else {
            let (a, b) = tracks.split_at_mut(1);
            (&mut b[0], &mut a[0])
        };
        if syn && tx.syn_seq.is_none() && !rst {
            tx.syn_seq = Some(s.seq.0);
            if tx.next.is_none() {
                tx.unwrap = Some(Unwrap::new(s.seq.0));
            }
        }
        let mut unwrap = tx
            .unwrap
            .unwrap_or_else(|| Unwrap::new(s.seq.0.wrapping_sub(1)));
        let start = unwrap.rel(s.seq.0);
        tx.unwrap = Some(unwrap);
        let end = start + u64::from(seg_len);
        let scale = |side: usize, w: u16, syn: bool| -> u64 {
            match shift {
                Some(sh) if !syn => u64::from(w) << sh[side].min(14),
                _ => u64::from(w),
            }
        };
        let window = scale(xi, s.window, syn);
        windows_out.push(window);

        // Counts.
        let d = &mut dirs[xi];
        d.packets += 1;
        d.ip_bytes += u64::from(p.ip_len);
        d.payload_bytes += u64::from(s.len);
        if fin {
            d.fins += 1;
        }
        if rst {
            d.resets += 1;
            reset_by.get_or_insert(x);
        }

        // Keep-alive: one byte (or none) just below what was sent, no control bits.
        let below_next =
            !control && seg_len <= 1 && tx.next.is_some_and(|n| n > 0 && start + 1 == n);
        // Linux probes a zero window in the same shape (`tcp_xmit_probe_skb`: SND.UNA-1, no
        // data), which Wireshark calls a keep-alive. Into a window the peer has closed it is
        // a zero-window probe: data is waiting, so the connection is not idle.
        let closed = ty.last_window == Some(0);
        let keepalive = below_next && !closed;
        // Zero-window probe: one byte at the next sequence number into a zero window (RFC
        // 9293 §3.8.6.1), or Linux's empty one below it.
        let zwp =
            (below_next && closed) || (!control && s.len == 1 && tx.next == Some(start) && closed);
        if keepalive {
            f |= PacketFlags::KEEP_ALIVE;
        } else if zwp {
            f |= PacketFlags::ZERO_WINDOW_PROBE;
        }

        let mut kind = SpanKind::New;
        if seg_len > 0 && !rst && !keepalive {
            match tx.next {
                Some(next) if start > next => {
                    f |= PacketFlags::LOST_SEGMENT;
                    tx.holes.push((next, start, p.micros));
                }
                Some(next) if start < next && !zwp => {
                    let again = tx.overlaps(start, end);
                    // Spurious: the peer's ACK of it was captured less than a round trip
                    // before, so the retransmission raced an ACK that did arrive. Later than
                    // that, the ACK itself must have been lost.
                    let acked_at = tx
                        .peer_ack_times
                        .iter()
                        .find(|(a, _)| *a >= end)
                        .map(|(_, t)| *t);
                    let acked = acked_at.is_some_and(|t| p.micros.saturating_sub(t) < rtt.max(1));
                    let hole = tx
                        .holes
                        .iter()
                        .find(|h| h.0 <= start && start < h.1)
                        .map(|h| h.2);
                    // With timestamps, a TSval below one already seen was sent earlier: the
                    // segment was reordered, not sent again. Without them (or at equal
                    // TSvals), a hole filled within a round trip is reordered.
                    let tsval = p.options.timestamps.map(|(v, _)| v);
                    let older = match (tsval, tx.max_tsval) {
                        (Some(v), Some(m)) if v != m => Some((m.wrapping_sub(v) as i32) > 0),
                        _ => None,
                    };
                    let reordered = older.unwrap_or_else(|| {
                        !again && hole.is_some_and(|t| p.micros.saturating_sub(t) < rtt)
                    });
                    if reordered {
                        f |= PacketFlags::OUT_OF_ORDER;
                        kind = SpanKind::OutOfOrder;
                    } else {
                        f |= PacketFlags::RETRANSMISSION;
                        kind = SpanKind::Retransmission;
                        let sacked_above = ty.sack_above.is_some_and(|l| {
                            let mut u = unwrap;
                            u.rel(l) > start
                        });
                        let dup = ty.last_ack == Some(s.seq.0) && ty.dup_acks_for_last >= 2;
                        if acked && !syn {
                            f |= PacketFlags::SPURIOUS_RETRANSMISSION;
                        } else if dup || sacked_above {
                            f |= PacketFlags::FAST_RETRANSMISSION;
                        }
                    }
                }
                _ => {}
            }
            if syn && tx.syn_seq == Some(s.seq.0) && tx.next.is_some_and(|n| n >= end) {
                // A repeated SYN (or SYN,ACK) with the same ISN.
                if f & PacketFlags::RETRANSMISSION == 0 && tx.overlaps(start, end) {
                    f |= PacketFlags::RETRANSMISSION;
                }
            }
            if let Some((v, _)) = p.options.timestamps {
                let newer = tx.max_tsval.is_none_or(|m| (v.wrapping_sub(m) as i32) > 0);
                if newer {
                    tx.max_tsval = Some(v);
                }
            }
            tx.insert(start, end);
            // A hole is filled once every byte of it has been seen.
            let seen = &tx.seen;
            tx.holes.retain(|h| !seen.covers(h.0, h.1));
            tx.next = Some(tx.next.map_or(end, |n| n.max(end)));
        } else if tx.next.is_none() && !rst {
            tx.next = Some(end);
        }
        if zwp || keepalive {
            kind = SpanKind::Probe;
        }
        if seg_len > 0 && !rst {
            time_seq[xi].span(p.micros, start, end, kind);
        }

        // The ACK side: about what the other side sent.
        if ack && !syn {
            let mut yu = ty
                .unwrap
                .unwrap_or_else(|| Unwrap::new(s.ack.0.wrapping_sub(1)));
            let ack_rel = yu.rel(s.ack.0);
            if ty.unwrap.is_none() {
                ty.unwrap = Some(yu);
            }
            if let Some(ynext) = ty.next {
                let fin_slack = 0;
                if ack_rel > ynext + fin_slack && !rst {
                    f |= PacketFlags::ACKED_UNSEEN;
                    if !fin {
                        missed += ack_rel - ynext;
                    }
                }
            }
            // Holes the peer's data left that this ACK covers: content gaps.
            let gaps: u32 = ty.holes.iter().filter(|h| ack_rel >= h.1).count() as u32;
            if gaps > 0 && !rst && !fin {
                missed += ty
                    .holes
                    .iter()
                    .filter(|h| ack_rel >= h.1)
                    .map(|h| h.1 - h.0)
                    .sum::<u64>();
                ty.holes.retain(|h| ack_rel < h.1);
                for _ in 0..gaps {
                    history.scaled(ty, 1, 'g', !orig);
                }
            }
            if ty.highest_ack_from_peer.is_none_or(|h| ack_rel > h) && !rst {
                ty.peer_ack_times.push((ack_rel, p.micros));
            }
            ty.highest_ack_from_peer =
                Some(ty.highest_ack_from_peer.map_or(ack_rel, |h| h.max(ack_rel)));
            let pure = seg_len == 0 && !control;
            let same_ack = tx.last_ack == Some(s.ack.0);
            if pure && same_ack && !keepalive {
                if ty.prev_keepalive && tx.last_window == Some(s.window) {
                    f |= PacketFlags::KEEP_ALIVE_ACK;
                } else if tx.last_window == Some(s.window) {
                    let outstanding = ty.next.is_some_and(|n| n > ack_rel);
                    if outstanding {
                        f |= PacketFlags::DUPLICATE_ACK;
                        tx.dup_acks_for_last += 1;
                    }
                } else {
                    f |= PacketFlags::WINDOW_UPDATE;
                }
            }
            if !same_ack {
                tx.dup_acks_for_last = 0;
                tx.sack_above = None;
            }
            for &(l, r) in p.options.sack_blocks() {
                let (lr, rr) = (yu.rel(l), yu.rel(r));
                time_seq[yi].sack(p.micros, lr, rr);
                tx.sack_above = Some(l);
            }
            time_seq[yi].ack(p.micros, ack_rel, window);
            tx.last_ack = Some(s.ack.0);
        } else if ack {
            // A SYN,ACK: its ACK and window bound what the other side may send first.
            tx.last_ack = Some(s.ack.0);
        }
        if !syn {
            tx.last_window = Some(s.window);
        }
        if ack {
            tx.last_window_bytes = Some(window);
        }
        if s.window == 0 && !control {
            f |= PacketFlags::ZERO_WINDOW;
        }
        // Window full: this segment's data reaches the right edge of the peer's window.
        if s.len > 0 && !control {
            if let (Some(a), Some(w)) = (ty.last_ack, ty.last_window_bytes) {
                let mut u = unwrap;
                let edge = u.rel(a) + w;
                if end == edge && w > 0 {
                    f |= PacketFlags::WINDOW_FULL;
                }
            }
        }
        tx.prev_keepalive = keepalive;

        // Per-direction counts of the flags.
        let d = &mut dirs[xi];
        let pf = PacketFlags(f);
        if pf.has(PacketFlags::RETRANSMISSION) {
            d.retransmissions += 1;
            if pf.has(PacketFlags::SPURIOUS_RETRANSMISSION) {
                d.spurious_retransmissions += 1;
            } else if pf.has(PacketFlags::FAST_RETRANSMISSION) {
                d.fast_retransmissions += 1;
            } else {
                d.timeout_retransmissions += 1;
            }
        }
        // Most packets carry no flag at all.
        if f != 0 {
            for (flag, counter) in [
                (PacketFlags::OUT_OF_ORDER, &mut d.out_of_order),
                (PacketFlags::DUPLICATE_ACK, &mut d.duplicate_acks),
                (PacketFlags::LOST_SEGMENT, &mut d.lost_segments),
                (PacketFlags::ACKED_UNSEEN, &mut d.acked_unseen),
                (PacketFlags::ZERO_WINDOW, &mut d.zero_windows),
                (PacketFlags::ZERO_WINDOW_PROBE, &mut d.zero_window_probes),
                (PacketFlags::WINDOW_FULL, &mut d.window_full),
                (PacketFlags::WINDOW_UPDATE, &mut d.window_updates),
                (PacketFlags::KEEP_ALIVE, &mut d.keep_alives),
                (PacketFlags::KEEP_ALIVE_ACK, &mut d.keep_alive_acks),
            ] {
                if pf.has(flag) {
                    *counter += 1;
                }
            }
        }
        if !syn && !rst {
            d.min_window = Some(d.min_window.map_or(window, |m| m.min(window)));
            d.max_window = Some(d.max_window.map_or(window, |m| m.max(window)));
        }
        flags_out.push(pf);

        // Zeek's history and endpoint states.
        let (tx, ty) = if xi == 0 {
            let (a, b) = tracks.split_at_mut(1);
            (&mut a[0], &mut b[0])
        } else {
            let (a, b) = tracks.split_at_mut(1);
            (&mut b[0], &mut a[0])
        };
        zeek_history(&mut history, tx, s, start, orig);
        if s.len > 0 && !rst && tx.zeek != ZeekState::Reset && f & PacketFlags::LOST_SEGMENT == 0 {
            let below = tx.next.is_some_and(|n| end < n) || pf.has(PacketFlags::RETRANSMISSION);
            if below || pf.has(PacketFlags::OUT_OF_ORDER) {
                history.scaled(tx, 0, 't', orig);
            }
        }
        if s.window == 0 && !rst && ty.zeek != ZeekState::Closed && tx.zeek != ZeekState::Reset {
            history.scaled(tx, 2, 'w', orig);
        }
        if zeek_state(tx, ty, s, orig) && !flipped {
            // The responder's SYN after the originator's SYN,ACK: the capture saw the answer
            // before the question. Zeek flips after recording the SYN's letter.
            flipped = true;
            orig_side = orig_side.other();
            history.text.push('^');
        }
    }
    for (k, d) in dirs.iter_mut().enumerate() {
        d.unique_bytes = tracks[k]
            .seen
            .0
            .iter()
            .map(|(a, b)| b - a)
            .sum::<u64>()
            .saturating_sub(u64::from(tracks[k].syn_seq.is_some()))
            .saturating_sub(u64::from(d.fins > 0));
    }
    let (os, rs) = (
        tracks[orig_side.index()].zeek,
        tracks[1 - orig_side.index()].zeek,
    );
    let sizes_zero = dirs.iter().all(|d| d.unique_bytes == 0);
    let conn_state = conn_state(os, rs, sizes_zero, &history.text);
    Analysis {
        conn_state,
        history: history.text,
        flipped,
        missed_bytes: missed,
        duration_micros: conn.last_micros.saturating_sub(conn.first_micros),
        handshake,
        directions: dirs,
        reset_by,
        packet_flags: flags_out,
        packet_windows: windows_out,
        time_seq,
    }
}

/// The history letters for one packet (Zeek's `update_history`).
fn zeek_history(
    h: &mut History,
    t: &mut Track,
    s: &crate::segment::Segment,
    _rel: u64,
    orig: bool,
) {
    let (syn, fin, rst) = (s.flags.syn(), s.flags.fin(), s.flags.rst());
    let bits = u8::from(syn) + u8::from(fin) + u8::from(rst);
    if bits > 1 {
        if fin && rst {
            h.once(t, 'I', orig);
        } else {
            h.once(t, 'Q', orig);
        }
    } else if bits == 1 {
        if syn {
            let c = if s.flags.ack() { 'H' } else { 'S' };
            h.on_new_seq(&mut t.last_syn, s.seq.0, c, orig);
        }
        if fin {
            // A FIN's sequence number is taken after its data.
            h.on_new_seq(&mut t.last_fin, s.seq.0.wrapping_add(s.len), 'F', orig);
        }
        if rst {
            h.on_new_seq(&mut t.last_rst, s.seq.0, 'R', orig);
        }
    } else if s.len > 0 {
        h.once(t, 'D', orig);
    } else if s.flags.ack() {
        h.once(t, 'A', orig);
    }
}

/// Zeek's endpoint state machine for the packet's sender `t` (peer `p`).
/// Returns whether the packet reveals a SYN/SYN,ACK reversal: a bare SYN from the responder,
/// which had sent nothing, while the originator is in SynAckSent (Zeek then flips the roles).
fn zeek_state(t: &mut Track, p: &mut Track, s: &crate::segment::Segment, orig: bool) -> bool {
    use ZeekState::*;
    let mut reversal = false;
    let (syn, fin, rst, ack) = (s.flags.syn(), s.flags.fin(), s.flags.rst(), s.flags.ack());
    match t.zeek {
        Inactive => {
            if syn {
                if orig {
                    t.set_zeek(if ack { SynAckSent } else { SynSent });
                } else {
                    if !ack && p.zeek == SynAckSent {
                        p.set_zeek(Established);
                        reversal = true;
                    }
                    if p.zeek == SynSent {
                        p.set_zeek(Established);
                    }
                    t.set_zeek(Established);
                }
            }
            if fin {
                t.set_zeek(Closed);
            }
            if rst {
                t.set_zeek(Reset);
            }
            if t.zeek == Inactive {
                if !orig && s.len == 0 && p.zeek == SynSent {
                    // An ACK of the SYN before the SYN,ACK: not a partial connection.
                } else if ack && p.zeek == Established {
                    t.set_zeek(Established);
                } else {
                    t.set_zeek(Partial);
                }
            }
        }
        SynSent | SynAckSent => {
            if fin {
                t.set_zeek(Closed);
            }
            if rst {
                t.set_zeek(Reset);
            }
        }
        Established | Partial => {
            if syn && t.zeek == Partial && p.zeek == Inactive && !ack {
                t.set_zeek(SynSent);
            }
            if fin && !rst {
                t.set_zeek(Closed);
                if p.zeek == Reset && p.zeek_prev == Closed {
                    p.set_zeek(Closed);
                }
            }
            if rst {
                t.set_zeek(Reset);
            }
        }
        Closed => {
            if rst && p.zeek != Closed {
                t.set_zeek(Reset);
            }
        }
        Reset => {}
    }
    reversal
}

/// Zeek's default `likely_server_ports` for TCP: the ports its base protocol scripts register
/// for their analyzers (DCE-RPC, DNP3, DNS, finger, FTP, HTTP, IMAP, IRC, Kerberos, LDAP,
/// Modbus, MQTT, MySQL, PostgreSQL, RDP, Redis, SMB, SMTP, SOCKS, SSH, SSL/TLS, syslog, XMPP).
const LIKELY_SERVER_PORTS: [u16; 49] = [
    21, 22, 25, 53, 79, 80, 81, 88, 135, 139, 143, 389, 443, 445, 465, 502, 514, 563, 585, 587,
    614, 631, 636, 989, 990, 992, 993, 995, 1080, 1434, 1883, 2811, 3128, 3268, 3306, 3389, 5222,
    5223, 5269, 5432, 6379, 6666, 6667, 6668, 6669, 8000, 8080, 8888, 20000,
];

fn likely_server_port(port: u16) -> bool {
    // The table is sorted.
    LIKELY_SERVER_PORTS.binary_search(&port).is_ok()
}

/// Zeek's flip when a connection's first packet is not a bare SYN (`TCPAnalyzer::
/// WantConnection`): its sender is taken as the responder when its port is a likely server
/// port and the receiver's is not; when both are, only for a packet without SYN sent from the
/// lower port (a SYN,ACK between two server ports may be a stealth scan's answer).
fn flip_by_ports(p: &TcpPacket) -> bool {
    let flags = p.segment.flags;
    if flags.syn() && !flags.ack() {
        return false;
    }
    let (src, dst) = (p.src.port(), p.dst.port());
    likely_server_port(src) && (!likely_server_port(dst) || (!flags.syn() && src < dst))
}

/// Zeek's `conn_state` from both endpoints' states (base/protocols/conn/main.zeek).
fn conn_state(os: ZeekState, rs: ZeekState, sizes_zero: bool, history: &str) -> &'static str {
    use ZeekState::*;
    let o_inactive = matches!(os, Inactive | Partial);
    let r_inactive = matches!(rs, Inactive | Partial);
    if rs == Reset {
        if matches!(os, SynSent | SynAckSent) || (os == Reset && sizes_zero) {
            "REJ"
        } else if o_inactive {
            "RSTRH"
        } else {
            "RSTR"
        }
    } else if os == Reset {
        if r_inactive {
            // `^?S[^HAFGIQ]*R.*`: a SYN, then a RST, nothing acknowledged between.
            let h = history.strip_prefix('^').unwrap_or(history);
            let rst_after_syn = h.strip_prefix('S').is_some_and(|rest| {
                rest.chars()
                    .find(|c| matches!(c, 'R' | 'H' | 'A' | 'F' | 'G' | 'I' | 'Q'))
                    == Some('R')
            });
            if rst_after_syn {
                "RSTOS0"
            } else {
                "OTH"
            }
        } else {
            "RSTO"
        }
    } else if rs == Closed && os == Closed {
        "SF"
    } else if os == Closed {
        if r_inactive {
            "SH"
        } else {
            "S2"
        }
    } else if rs == Closed {
        if o_inactive {
            "SHR"
        } else {
            "S3"
        }
    } else if os == SynSent && rs == Inactive {
        "S0"
    } else if os == Established && rs == Established {
        "S1"
    } else {
        "OTH"
    }
}

/// SYN retries, the initial RTT's halves and the options of the handshake.
fn handshake(pkts: &[&TcpPacket], sides: &[Peer]) -> Handshake {
    let mut h = Handshake::default();
    let mut syns: Vec<(usize, Peer)> = Vec::new();
    for (j, p) in pkts.iter().enumerate() {
        let s = &p.segment;
        if s.flags.syn() && !s.flags.rst() {
            syns.push((j, sides[j]));
            let k = sides[j].index();
            if h.offered[k].is_none() {
                h.offered[k] = Some(Offer {
                    mss: s.mss,
                    window_scale: p.options.window_scale,
                    sack_permitted: p.options.sack_permitted,
                    timestamps: p.options.timestamps.is_some(),
                });
            }
        }
    }
    let bare: Vec<usize> = syns
        .iter()
        .filter(|(j, _)| !pkts[*j].segment.flags.ack())
        .map(|(j, _)| *j)
        .collect();
    let synacks: Vec<usize> = syns
        .iter()
        .filter(|(j, _)| pkts[*j].segment.flags.ack())
        .map(|(j, _)| *j)
        .collect();
    if let Some(&first) = bare.first() {
        let isn = pkts[first].segment.seq;
        h.syn_retransmissions = bare
            .iter()
            .skip(1)
            .filter(|&&j| pkts[j].segment.seq == isn && sides[j] == sides[first])
            .count() as u32;
    }
    if let Some(&first) = synacks.first() {
        let isn = pkts[first].segment.seq;
        h.synack_retransmissions = synacks
            .iter()
            .skip(1)
            .filter(|&&j| pkts[j].segment.seq == isn && sides[j] == sides[first])
            .count() as u32;
    }
    // The ACK that completes the handshake, the last SYN,ACK before it and the last SYN
    // before that: one round trip as the capture point saw it.
    let completing = (0..pkts.len()).find(|&j| {
        let s = &pkts[j].segment;
        s.flags.ack()
            && !s.flags.syn()
            && !s.flags.rst()
            && synacks
                .iter()
                .any(|&k| k < j && sides[k] != sides[j] && s.ack == pkts[k].segment.seq + 1)
    });
    if let Some(ack) = completing {
        let synack = synacks
            .iter()
            .rev()
            .find(|&&k| k < ack && sides[k] != sides[ack]);
        if let Some(&sa) = synack {
            let syn = bare
                .iter()
                .rev()
                .find(|&&k| k < sa && sides[k] == sides[ack]);
            h.rtt_synack_to_ack = Some(pkts[ack].micros.saturating_sub(pkts[sa].micros));
            if let Some(&sy) = syn {
                h.rtt_syn_to_synack = Some(pkts[sa].micros.saturating_sub(pkts[sy].micros));
                h.initial_rtt = Some(pkts[ack].micros.saturating_sub(pkts[sy].micros));
            }
        }
    }
    if let [Some(a), Some(b)] = h.offered {
        if let (Some(x), Some(y)) = (a.window_scale, b.window_scale) {
            h.window_scale = Some((x, y));
        }
        h.sack_permitted = a.sack_permitted && b.sack_permitted;
        h.timestamps = a.timestamps && b.timestamps;
        h.mss = match (a.mss, b.mss) {
            (Some(x), Some(y)) => Some(x.min(y)),
            _ => None,
        };
    }
    h
}

#[cfg(test)]
mod tests {
    use std::net::SocketAddr;

    use super::*;
    use crate::capture::{connections, TcpOptions};
    use crate::segment::{Flags, Segment};
    use crate::seq::SeqNum;

    const CLIENT: [u8; 4] = [192, 0, 2, 1];
    const SERVER: [u8; 4] = [192, 0, 2, 2];

    /// A packet `ms` milliseconds in, from `from` to `to` (address, port).
    fn pkt(
        ms: u64,
        from: ([u8; 4], u16),
        to: ([u8; 4], u16),
        flags: Flags,
        (seq, ack, len): (u32, u32, u32),
    ) -> TcpPacket {
        TcpPacket {
            frame: 0,
            micros: ms * 1000,
            src: SocketAddr::from(from),
            dst: SocketAddr::from(to),
            segment: Segment {
                seq: SeqNum(seq),
                ack: SeqNum(ack),
                flags,
                window: 1000,
                len,
                mss: None,
                options: crate::segment::TcpOptions::NONE,
            },
            ip_len: 40 + len,
            headers_only: false,
            options: TcpOptions::default(),
        }
    }

    fn analyze_all(mut packets: Vec<TcpPacket>) -> Analysis {
        for (k, p) in packets.iter_mut().enumerate() {
            p.frame = k + 1;
        }
        let conns = connections(&packets);
        assert_eq!(conns.len(), 1, "{conns:#?}");
        analyze(&conns[0], &packets)
    }

    const ACK: Flags = Flags::ACK;

    /// A capture that starts mid-connection with `first` sending data to `second`, which
    /// acknowledges it.
    fn midstream(first: ([u8; 4], u16), second: ([u8; 4], u16)) -> Analysis {
        analyze_all(vec![
            pkt(0, first, second, ACK, (1000, 5000, 100)),
            pkt(10, second, first, ACK, (5000, 1100, 0)),
        ])
    }

    #[test]
    fn midstream_capture_from_a_server_port_is_flipped_at_its_first_packet() {
        let a = midstream((SERVER, 8080), (CLIENT, 40000));
        assert!(a.flipped);
        // The server's data is the responder's (lower case); the client's ACK the originator's.
        assert_eq!(a.history, "^dA");
        let b = midstream((CLIENT, 40000), (SERVER, 8080));
        assert!(!b.flipped);
        assert_eq!(b.history, "Da");
    }

    #[test]
    fn between_two_server_ports_only_the_lower_ports_segment_without_syn_flips() {
        assert!(midstream((SERVER, 443), (CLIENT, 8080)).flipped);
        assert!(!midstream((SERVER, 8080), (CLIENT, 443)).flipped);
        // A SYN,ACK between two server ports may answer a stealth scan: not flipped by ports
        // (nor later, since nothing but RSTs follow).
        let scan = analyze_all(vec![
            pkt(
                0,
                (SERVER, 443),
                (CLIENT, 8080),
                Flags::SYN | ACK,
                (7000, 3001, 0),
            ),
            pkt(10, (CLIENT, 8080), (SERVER, 443), Flags::RST, (3001, 0, 0)),
        ]);
        assert!(!scan.flipped);
        assert_eq!(scan.history, "Hr");
    }

    /// The capture missed the client's SYN: it starts with the server's SYN,ACK.
    fn missed_syn(server_port: u16) -> Analysis {
        let (c, s) = ((CLIENT, 40000), (SERVER, server_port));
        analyze_all(vec![
            pkt(0, s, c, Flags::SYN | ACK, (7000, 3001, 0)),
            pkt(10, c, s, ACK, (3001, 7001, 0)),
            pkt(20, c, s, ACK, (3001, 7001, 50)),
        ])
    }

    #[test]
    fn a_syn_ack_first_is_flipped_by_the_first_ack_or_by_its_port() {
        // Port 9000 is no likely server port: the SYN,ACK's history "H" becomes "^h" when
        // the client's ACK arrives, which is then the originator's.
        let a = missed_syn(9000);
        assert!(a.flipped);
        assert_eq!(a.history, "^hAD");
        // Port 8080 is (HTTP): flipped at the first packet, the same history.
        let b = missed_syn(8080);
        assert!(b.flipped);
        assert_eq!(b.history, "^hAD");
    }

    #[test]
    fn a_syn_seen_after_its_syn_ack_is_a_reversal_flipped_after_the_syn() {
        let (c, s) = ((CLIENT, 40000), (SERVER, 9000));
        let a = analyze_all(vec![
            pkt(0, s, c, Flags::SYN | ACK, (7000, 3001, 0)),
            pkt(1, c, s, Flags::SYN, (3000, 0, 0)),
            pkt(10, c, s, ACK, (3001, 7001, 0)),
        ]);
        assert!(a.flipped);
        assert_eq!(a.history, "Hs^A");
        // Zeek establishes both ends on the reversal.
        assert_eq!(a.conn_state, "S1");
    }

    #[test]
    fn an_originator_reset_after_its_syn_alone_is_rstos0() {
        let (c, s) = ((CLIENT, 40000), (SERVER, 8080));
        let a = analyze_all(vec![
            pkt(0, c, s, Flags::SYN, (3000, 0, 0)),
            pkt(10, c, s, Flags::RST, (3001, 0, 0)),
        ]);
        assert_eq!((a.history.as_str(), a.conn_state), ("SR", "RSTOS0"));
        // An ACK between them (Zeek's `^?S[^HAFGIQ]*R` no longer matches): OTH.
        let b = analyze_all(vec![
            pkt(0, c, s, Flags::SYN, (3000, 0, 0)),
            pkt(5, c, s, ACK, (3001, 7001, 0)),
            pkt(10, c, s, Flags::RST, (3001, 0, 0)),
        ]);
        assert_eq!((b.history.as_str(), b.conn_state), ("SAR", "OTH"));
    }

    #[test]
    fn ranges_merge_what_touches_and_answer_overlap_and_cover() {
        let mut r = Ranges::default();
        r.insert(0, 10);
        r.insert(20, 30);
        r.insert(40, 50);
        assert_eq!(r.0, [(0, 10), (20, 30), (40, 50)]);
        assert!(r.overlaps(9, 12) && r.overlaps(15, 21) && !r.overlaps(10, 20));
        assert!(r.covers(22, 30) && !r.covers(25, 35) && !r.covers(10, 12));
        // Touching on both sides and swallowing one: one range.
        r.insert(10, 40);
        assert_eq!(r.0, [(0, 50)]);
        r.insert(60, 70);
        r.insert(55, 65);
        assert_eq!(r.0, [(0, 50), (55, 70)]);
        r.insert(5, 5);
        assert_eq!(r.0, [(0, 50), (55, 70)]);
    }

    #[test]
    fn an_ordinary_handshake_is_not_flipped() {
        let (c, s) = ((CLIENT, 40000), (SERVER, 8080));
        let a = analyze_all(vec![
            pkt(0, c, s, Flags::SYN, (3000, 0, 0)),
            pkt(10, s, c, Flags::SYN | ACK, (7000, 3001, 0)),
            pkt(20, c, s, ACK, (3001, 7001, 0)),
        ]);
        assert!(!a.flipped);
        assert_eq!(a.history, "ShA");
        assert_eq!(a.conn_state, "S1");
    }
}
