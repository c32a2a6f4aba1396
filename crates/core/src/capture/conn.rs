//! Connection tracking: TCP packets grouped by 4-tuple, a reused 4-tuple split in two.

use std::net::SocketAddr;

use super::fasthash::{FastMap, FastSet};
use super::read::TcpPacket;
use crate::segment::{Flags, Segment};
use crate::trace::Peer;

/// How a connection started.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Start {
    /// SYN, SYN-ACK and an ACK of the SYN-ACK (or simultaneous SYNs, each acknowledged).
    Handshake,
    /// A SYN and its SYN-ACK, but no ACK of the SYN-ACK.
    SynAckOnly,
    /// A SYN and no answer with SYN.
    SynOnly,
    /// The capture starts in the middle: no SYN.
    MidStream,
}

impl core::fmt::Display for Start {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            Start::Handshake => "handshake",
            Start::SynAckOnly => "SYN, SYN-ACK, no ACK",
            Start::SynOnly => "SYN only",
            Start::MidStream => "mid-stream",
        })
    }
}

/// How a connection ended, as far as the capture shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum End {
    /// Both sides sent a FIN.
    FinBothWays,
    /// Only this side sent a FIN.
    FinFrom(Peer),
    /// This side sent a RST (the first one seen).
    ResetBy(Peer),
    /// Neither FIN nor RST.
    Open,
    /// A new connection reused the 4-tuple while this one's closer was still in TIME_WAIT
    /// (within 2 MSL = 4 minutes of its last FIN).
    TimeWaitReuse,
}

impl core::fmt::Display for End {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            End::FinBothWays => f.write_str("FIN both ways"),
            End::FinFrom(s) => write!(f, "FIN from {s} only"),
            End::ResetBy(s) => write!(f, "reset by {s}"),
            End::Open => f.write_str("still open"),
            End::TimeWaitReuse => f.write_str("FIN both ways, reused in TIME_WAIT"),
        }
    }
}

/// What looks wrong in a connection.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Problems {
    /// Segments whose sequence number and length were seen before from the same side.
    pub retransmissions: usize,
    /// RST segments.
    pub resets: usize,
    /// One side kept sending after the other reset the connection.
    pub half_open: bool,
    /// No handshake was seen (mid-stream, or the handshake never completed).
    pub missing_handshake: bool,
    /// Segments advertising a zero window.
    pub zero_windows: usize,
}

impl Problems {
    /// Short words for a table: `retx=3 rst=1 half-open no-handshake zero-window=2`, or `-`.
    pub fn summary(&self) -> String {
        let mut words = Vec::new();
        if self.retransmissions > 0 {
            words.push(format!("retx={}", self.retransmissions));
        }
        if self.resets > 0 {
            words.push(format!("rst={}", self.resets));
        }
        if self.half_open {
            words.push("half-open".to_string());
        }
        if self.missing_handshake {
            words.push("no-handshake".to_string());
        }
        if self.zero_windows > 0 {
            words.push(format!("zero-window={}", self.zero_windows));
        }
        if words.is_empty() {
            "-".to_string()
        } else {
            words.join(" ")
        }
    }
}

/// One TCP connection of a capture.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Connection {
    /// From 1, in order of first packet.
    pub index: usize,
    /// Peer A's address: the SYN's sender (else the first packet's).
    pub a: SocketAddr,
    /// Peer B's address.
    pub b: SocketAddr,
    /// Indices into the packet list given to [`connections`], in time order (ties keep
    /// file order).
    pub packets: Vec<usize>,
    /// Its first packet's time, in microseconds since the Unix epoch.
    pub first_micros: u64,
    /// Its last packet's time.
    pub last_micros: u64,
    /// How it started.
    pub start: Start,
    /// How it ended, as far as the capture shows.
    pub end: End,
    /// What looks wrong.
    pub problems: Problems,
}

impl Connection {
    /// The side that sent `p`.
    pub fn side_of(&self, p: &TcpPacket) -> Peer {
        if p.src == self.a && p.dst == self.b {
            Peer::A
        } else {
            Peer::B
        }
    }
}

/// 2 MSL with the engine's default MSL of two minutes.
const TWO_MSL_MICROS: u64 = 240_000_000;
/// An idle gap after which a new SYN starts a new connection even without a FIN or RST.
const IDLE_SPLIT_MICROS: u64 = 240_000_000;

/// What tracking needs to know of a connection while packets are still coming.
struct Open {
    conn: usize,
    syn_seq: Option<u32>,
    fin: [bool; 2],
    rst: bool,
    last_micros: u64,
    last_fin_micros: u64,
    non_syn_seen: bool,
}

/// Groups `packets` into connections. The 4-tuple's current connection takes each packet,
/// except that a SYN without ACK starts a new connection when the current one is over (a RST,
/// FINs both ways, or idle for 4 minutes) or had already got past its own handshake with
/// another initial sequence number.
pub fn connections(packets: &[TcpPacket]) -> Vec<Connection> {
    let mut order: Vec<usize> = (0..packets.len()).collect();
    order.sort_by_key(|&i| packets[i].micros);
    let mut conns: Vec<Connection> = Vec::new();
    let mut open: FastMap<(SocketAddr, SocketAddr), Open> = FastMap::default();
    for i in order {
        let p = &packets[i];
        let key = if p.src <= p.dst {
            (p.src, p.dst)
        } else {
            (p.dst, p.src)
        };
        let seg = &p.segment;
        let new_syn = seg.flags.syn() && !seg.flags.ack() && !seg.flags.rst();
        let start_new = match open.get(&key) {
            None => true,
            Some(o) => {
                new_syn
                    && (o.rst
                        || (o.fin[0] && o.fin[1])
                        || p.micros.saturating_sub(o.last_micros) > IDLE_SPLIT_MICROS
                        || (o.non_syn_seen && o.syn_seq.is_some_and(|s| s != seg.seq.0)))
            }
        };
        if start_new {
            if let Some(old) = open.get(&key) {
                // An `Open` is only made with the index of the connection pushed with it.
                let c = &mut conns[old.conn];
                if old.fin[0]
                    && old.fin[1]
                    && !old.rst
                    && p.micros.saturating_sub(old.last_fin_micros) < TWO_MSL_MICROS
                {
                    c.end = End::TimeWaitReuse;
                }
            }
            conns.push(Connection {
                index: conns.len() + 1,
                a: p.src,
                b: p.dst,
                packets: Vec::new(),
                first_micros: p.micros,
                last_micros: p.micros,
                start: Start::MidStream,
                end: End::Open,
                problems: Problems::default(),
            });
            open.insert(
                key,
                Open {
                    conn: conns.len() - 1,
                    syn_seq: new_syn.then_some(seg.seq.0),
                    fin: [false; 2],
                    rst: false,
                    last_micros: p.micros,
                    last_fin_micros: 0,
                    non_syn_seen: false,
                },
            );
        }
        let Some(o) = open.get_mut(&key) else {
            continue;
        };
        let c = &mut conns[o.conn];
        c.packets.push(i);
        c.last_micros = p.micros;
        o.last_micros = p.micros;
        if !seg.flags.syn() {
            o.non_syn_seen = true;
        }
        let side = c.side_of(p);
        if seg.flags.fin() {
            o.fin[side.index()] = true;
            o.last_fin_micros = p.micros;
        }
        if seg.flags.rst() {
            o.rst = true;
        }
    }
    for c in &mut conns {
        summarize(c, packets);
    }
    conns
}

/// Start, end and problems of a connection from its packets.
fn summarize(c: &mut Connection, packets: &[TcpPacket]) {
    // A connection's packet indices come from `connections`, over this same list.
    let seg_of = |i: usize| -> (&TcpPacket, &Segment) { (&packets[i], &packets[i].segment) };
    // Start.
    let mut syn: [Option<u32>; 2] = [None; 2];
    let mut syn_acked = [false; 2];
    for &i in &c.packets {
        let (p, s) = seg_of(i);
        let side = c.side_of(p).index();
        if s.flags.syn() && !s.flags.rst() && syn[side].is_none() {
            syn[side] = Some(s.seq.0);
        }
        if s.flags.ack() {
            // `side` is a `Peer::index`, 0 or 1, so `1 - side` is the other end's.
            if let Some(peer_syn) = syn[1 - side] {
                if s.ack.0 == peer_syn.wrapping_add(1) {
                    syn_acked[1 - side] = true;
                }
            }
        }
    }
    c.start = match (syn[0], syn[1]) {
        (None, _) => Start::MidStream,
        (Some(_), None) => Start::SynOnly,
        (Some(_), Some(_)) if syn_acked[0] && syn_acked[1] => Start::Handshake,
        (Some(_), Some(_)) => Start::SynAckOnly,
    };
    // End: the first RST wins; else FINs.
    let mut fin = [false; 2];
    let mut reset_by = None;
    let mut problems = Problems::default();
    // A SYN,ACK repeating the sender's own SYN (simultaneous open, RFC 9293 Figure 7) is
    // not a retransmission: the key holds the SYN and ACK bits.
    let mut seen: [FastSet<(u32, u32, u8)>; 2] = [FastSet::default(), FastSet::default()];
    for &i in &c.packets {
        let (p, s) = seg_of(i);
        let side = c.side_of(p);
        let k = side.index();
        if s.flags.fin() {
            fin[k] = true;
        }
        if s.flags.rst() {
            problems.resets += 1;
            reset_by.get_or_insert(side);
        } else {
            if reset_by == Some(side.other()) {
                problems.half_open = true;
            }
            if s.window == 0 {
                problems.zero_windows += 1;
            }
            let control = s.flags.bits() & (Flags::SYN | Flags::ACK).bits();
            if s.seg_len() > 0 && !seen[k].insert((s.seq.0, s.seg_len(), control)) {
                problems.retransmissions += 1;
            }
        }
    }
    problems.missing_handshake = c.start != Start::Handshake;
    c.problems = problems;
    if c.end == End::TimeWaitReuse {
        return;
    }
    c.end = match (reset_by, fin) {
        (Some(side), _) => End::ResetBy(side),
        (None, [true, true]) => End::FinBothWays,
        (None, [true, false]) => End::FinFrom(Peer::A),
        (None, [false, true]) => End::FinFrom(Peer::B),
        (None, [false, false]) => End::Open,
    };
}
