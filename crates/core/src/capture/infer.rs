//! State inference: each end's view of a connection, fed through the engine.
//!
//! Each side gets its own engine ([`Endpoint`]). Its own packets are observed transmissions
//! ([`Endpoint::observe_transmit`]: a SYN is an active OPEN, data a SEND, a FIN a CLOSE…);
//! the other side's packets are arriving segments ([`Endpoint::handle_segment`]); timers
//! fire in between. What the engine would send itself is discarded: the capture shows what
//! was sent. The receive window is opened to 2^30 ([`Endpoint::set_receive_window`]), since a
//! real, scaled window is not in the capture.
//!
//! A capture is taken at one point, so two questions decide what a side's engine sees:
//!
//! - **Did the packet arrive at all?** Later packets are evidence ([`Undelivered`]): an end
//!   whose RST had arrived would send nothing but RSTs afterwards; an end that got the ACK
//!   of its FIN would not retransmit the FIN; a client that got the SYN,ACK would not
//!   retransmit its SYN. Such a packet is not delivered. Evidence counts only when it comes
//!   at least one round trip (measured from the capture point through that receiver) after
//!   the packet, so that packets that merely crossed prove nothing.
//! - **When did it arrive, relative to the receiver's own packets?** The receiver's ACK
//!   fields say. A packet that takes sequence space (data, SYN, FIN) is handed to the
//!   receiver after every packet of its own that does not acknowledge it yet: those were
//!   sent before it arrived (this is what makes a simultaneous close CLOSING on both ends,
//!   whichever side the capture was taken on). Packets from one sender keep their order.
//!
//! The sides' starts come from their own packets: a side that sends a bare SYN opened
//! actively; one whose first SYN carries an ACK answered from LISTEN; one that sends no SYN
//! had no listener (a RST,ACK answering a SYN is the kernel's reply for a closed port). A
//! capture that starts mid-connection starts both sides ESTABLISHED, marked as inferred.
//!
//! A state change that an arriving packet caused is [`Uncertain`] unless a later packet
//! from the receiver shows that it arrived.

use super::conn::{Connection, Start};
use super::read::TcpPacket;
use crate::endpoint::{Call, Config, Endpoint, EndpointEvent};
use crate::rule::Rule;
use crate::segment::{Flags, Segment};
use crate::seq::SeqNum;
use crate::state::State;
use crate::time::Instant;
use crate::trace::Peer;

/// RCV.WND during replay: 2^30, the largest window RFC 7323's scaling allows.
const REPLAY_WINDOW: u32 = 1 << 30;

/// Why an inferred state change may not have happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Uncertain {
    /// Caused by data, a SYN or a FIN that the receiver never acknowledged in the capture.
    NotAcknowledged,
    /// Caused by an ACK or RST after which the receiver sent nothing the capture shows.
    NoLaterPacket,
    /// A timer of the engine's defaults (TIME-WAIT's 2 MSL, retransmission limits).
    Timer,
    /// The end answered a segment as a port without a socket does, so a timer (Linux's
    /// orphaned FIN-WAIT-2 timeout, or TIME-WAIT's end) had removed it at some earlier time
    /// the capture does not show.
    SocketGone,
}

impl core::fmt::Display for Uncertain {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            Uncertain::NotAcknowledged => "? not acknowledged in the capture",
            Uncertain::NoLaterPacket => "? receiver sent nothing later",
            Uncertain::Timer => "? timer (engine defaults)",
            Uncertain::SocketGone => "? socket already gone when this arrived (time unknown)",
        })
    }
}

/// One inferred state change.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Step {
    /// Microseconds since the Unix epoch (the engine's clock counts milliseconds).
    pub micros: u64,
    /// Whose state changed.
    pub side: Peer,
    /// The state left.
    pub from: State,
    /// The state entered.
    pub to: State,
    /// The engine's rule for the change.
    pub rule: Rule,
    /// The frame whose packet caused it; `None` for a timer or B's passive OPEN.
    pub frame: Option<usize>,
    /// Where among the connection's packets it is shown, for ordering and scrubbing: 0 for
    /// a passive OPEN, `2j + 1` for a timer before packet `j`, `2j + 2` once packet `j` has
    /// been seen. A packet whose arrival the capture proves only later (by the receiver's
    /// ACK) is shown with that later packet.
    pub order: usize,
    /// Why the capture cannot confirm the change, if it cannot.
    pub uncertain: Option<Uncertain>,
}

/// Why a packet in the capture is taken as never having reached its receiver.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LostBecause {
    /// A RST, after which its receiver still sent something other than a RST.
    ReceiverKeptSending,
    /// An ACK whose receiver later retransmitted what it acknowledged.
    ReceiverRetransmitted,
    /// A SYN,ACK whose receiver later retransmitted its SYN.
    SynRetransmitted,
    /// A SYN that its sender retransmitted before any answer.
    SynUnanswered,
}

impl LostBecause {
    /// A short code for digests and catalogs.
    pub fn key(self) -> &'static str {
        match self {
            LostBecause::ReceiverKeptSending => "kept-sending",
            LostBecause::ReceiverRetransmitted => "retransmitted",
            LostBecause::SynRetransmitted => "syn-retransmitted",
            LostBecause::SynUnanswered => "syn-unanswered",
        }
    }
}

impl core::fmt::Display for LostBecause {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            LostBecause::ReceiverKeptSending => {
                "its receiver later sent segments a closed end never sends"
            }
            LostBecause::ReceiverRetransmitted => {
                "its receiver later retransmitted what it acknowledged"
            }
            LostBecause::SynRetransmitted => "its receiver later retransmitted its SYN",
            LostBecause::SynUnanswered => "its sender retransmitted it before any answer",
        })
    }
}

/// A packet of the capture that its receiver is inferred never to have received.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Undelivered {
    /// Its frame number in the file.
    pub frame: usize,
    /// The later packet that shows it.
    pub evidence_frame: usize,
    /// What that later packet shows.
    pub because: LostBecause,
}

/// Both timelines of one connection.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Inference {
    /// Both sides' changes, in time order; equal times in packet order, A before B.
    pub steps: Vec<Step>,
    /// The state of A and of B before the first packet.
    pub start_states: [State; 2],
    /// The start states are inferred from a capture that began mid-connection.
    pub start_inferred: bool,
    /// The state of A and of B after the last packet (and `until`).
    pub final_states: [State; 2],
    /// Packets taken as lost between the capture point and their receiver.
    pub undelivered: Vec<Undelivered>,
    /// A side that sent no packet at all: its states come only from what it received.
    pub silent: [bool; 2],
    /// Why nothing could be inferred, when so.
    pub note: Option<String>,
}

impl Inference {
    /// Whether the last change of `side` is uncertain (the `?` of "after the last packet").
    pub fn final_uncertain(&self, side: Peer) -> Option<Uncertain> {
        self.steps
            .iter()
            .rfind(|s| s.side == side)
            .and_then(|s| s.uncertain)
    }
}

/// The cause of engine events.
#[derive(Clone, Copy)]
enum Cause {
    /// A passive OPEN, before any packet.
    Listen,
    /// Packet `j` (index among the connection's packets), shown at `order`.
    Packet { j: usize, order: usize },
    /// A timer, shown at `order`.
    Timer { order: usize },
    /// A timer the capture proves fired before packet `j` arrived.
    Vanished { order: usize },
}

impl Cause {
    fn order(self) -> usize {
        match self {
            Cause::Listen => 0,
            Cause::Packet { order, .. } | Cause::Timer { order } | Cause::Vanished { order } => {
                order
            }
        }
    }
}

/// Infers both sides' states over `conn`. With `until_micros`, timers run on to that time
/// after the last packet (e.g. to let TIME-WAIT expire); otherwise the timeline stops at the
/// last packet.
pub fn infer(conn: &Connection, packets: &[TcpPacket], until_micros: Option<u64>) -> Inference {
    let config = Config::default();
    infer_with(conn, packets, until_micros, [&config, &config])
}

/// The connection's packets with their senders: what the replay works on, each field in
/// its own array so that the many passes over one of them read it straight through.
struct View {
    segs: Vec<Segment>,
    micros: Vec<u64>,
    frames: Vec<usize>,
    sides: Vec<Peer>,
}

impl View {
    fn new(conn: &Connection, packets: &[TcpPacket]) -> View {
        let n = conn.packets.len();
        let mut v = View {
            segs: Vec::with_capacity(n),
            micros: Vec::with_capacity(n),
            frames: Vec::with_capacity(n),
            sides: Vec::with_capacity(n),
        };
        // `conn` was found by `connections` over this same `packets`, so its indices are in it.
        for p in conn.packets.iter().map(|&i| &packets[i]) {
            v.segs.push(p.segment);
            v.micros.push(p.micros);
            v.frames.push(p.frame);
            v.sides.push(conn.side_of(p));
        }
        v
    }
    fn len(&self) -> usize {
        self.segs.len()
    }
    fn seg(&self, j: usize) -> &Segment {
        &self.segs[j]
    }
    fn micros(&self, j: usize) -> u64 {
        self.micros[j]
    }
    /// Whether packet `q`'s ACK field covers all of packet `p`'s sequence space.
    fn acks(&self, q: usize, p: usize) -> bool {
        let (qs, ps) = (self.seg(q), self.seg(p));
        qs.flags.ack() && qs.ack >= ps.seq + ps.seg_len()
    }
    /// Whether `q` is the RST a port without a socket sends for `p`: `<SEQ=SEG.ACK><CTL=RST>`.
    fn answers_with_rst(&self, q: usize, p: usize) -> bool {
        let (r, s) = (self.seg(q), self.seg(p));
        q > p && r.flags.rst() && !r.flags.ack() && s.flags.ack() && r.seq == s.ack
    }
    fn takes_space(&self, j: usize) -> bool {
        let s = self.seg(j);
        s.seg_len() > 0 && !s.flags.rst()
    }
}

/// The shortest time, seen from the capture point, from a packet of `side` to the other
/// side's first ACK of it: the least round trip through the other side. Segments sent more
/// than once are not sampled (Karn); the first 64 samples are enough for a minimum and keep
/// this linear. 0 when there is no sample.
fn round_trip_through_peer(v: &View, side: Peer) -> u64 {
    // A segment that starts below the highest sequence number already sent repeats sequence
    // space. Its start also marks the original it repeats (same start) as sent twice. There
    // are few: a linear search of them for each of at most 64 samples.
    let mut highest: Option<SeqNum> = None;
    let mut repeated: Vec<u32> = Vec::new();
    for j in (0..v.len()).filter(|&j| v.sides[j] == side && v.takes_space(j)) {
        let s = v.seg(j);
        if highest.is_some_and(|h| s.seq < h) {
            repeated.push(s.seq.0);
        }
        let end = s.seq + s.seg_len();
        if highest.is_none_or(|h| end > h) {
            highest = Some(end);
        }
    }
    let mut best: Option<u64> = None;
    let mut samples = 0;
    let mut q = 0;
    for p in 0..v.len() {
        if samples >= 64 {
            break;
        }
        if v.sides[p] != side || !v.takes_space(p) || repeated.contains(&v.seg(p).seq.0) {
            continue;
        }
        // ACKs are cumulative and come in order, so the search resumes where it stopped.
        q = q.max(p + 1);
        while q < v.len() && !(v.sides[q] != side && v.acks(q, p)) {
            q += 1;
        }
        if q == v.len() {
            break;
        }
        samples += 1;
        let rtt = v.micros(q).saturating_sub(v.micros(p));
        best = Some(best.map_or(rtt, |b| b.min(rtt)));
    }
    best.unwrap_or(0)
}

/// The first index at or after a starting point where a condition holds, kept between
/// searches whose starting point never moves back: then each index is looked at once.
#[derive(Clone, Copy, Default)]
struct Cursor {
    at: usize,
}

impl Cursor {
    /// The first `j` in `from..n` with `wanted(j)`. `from` must be at least the last call's.
    fn find(&mut self, from: usize, n: usize, wanted: impl Fn(usize) -> bool) -> Option<usize> {
        self.at = self.at.max(from);
        while self.at < n && !wanted(self.at) {
            self.at += 1;
        }
        (self.at < n).then_some(self.at)
    }
}

/// Packets the capture shows but whose receiver, later packets prove, never got them.
fn undelivered(v: &View) -> Vec<(usize, Undelivered)> {
    let rtt = [
        round_trip_through_peer(v, Peer::A),
        round_trip_through_peer(v, Peer::B),
    ];
    let n = v.len();
    // Per side: its retransmissions (sequence space it had sent before), so that each
    // question below is answered without rescanning the capture.
    let mut retx: [Vec<usize>; 2] = [Vec::new(), Vec::new()];
    let mut highest: [Option<SeqNum>; 2] = [None, None];
    for j in 0..n {
        let k = v.sides[j].index();
        if !v.takes_space(j) {
            continue;
        }
        let s = v.seg(j);
        let end = s.seq + s.seg_len();
        if highest[k].is_some_and(|h| end <= h) {
            retx[k].push(j);
        }
        if highest[k].is_none_or(|h| end > h) {
            highest[k] = Some(end);
        }
    }
    let bare_syn = |j: usize| v.seg(j).flags.syn() && !v.seg(j).flags.ack();
    // Each search below starts from a point that only moves forward among one sender's
    // packets (times are in order), so one cursor per sender and question serves them all.
    let mut first_after_rtt = [Cursor::default(); 2];
    let mut receiver_non_rst = [Cursor::default(); 2];
    let mut receiver_bare_syn = [Cursor::default(); 2];
    let mut sender_bare_syn = [Cursor::default(); 2];
    // The highest ACK each side had sent before each position.
    let mut acked_before: [Option<SeqNum>; 2] = [None, None];
    let mut out = Vec::new();
    for p in 0..n {
        let x = v.sides[p];
        let (xk, yk) = (x.index(), 1 - x.index());
        let s = *v.seg(p);
        // The first packet sent at least a round trip (through the receiver) after `p`.
        let t = v.micros(p).saturating_add(rtt[xk]);
        let after = first_after_rtt[xk]
            .find(p + 1, n, |q| v.micros(q) >= t)
            .unwrap_or(n);
        let found = if s.flags.rst() {
            receiver_non_rst[xk]
                .find(after, n, |q| v.sides[q] != x && !v.seg(q).flags.rst())
                .map(|q| (q, LostBecause::ReceiverKeptSending))
        } else if s.flags.syn() && s.flags.ack() {
            receiver_bare_syn[xk]
                .find(after, n, |q| v.sides[q] != x && bare_syn(q))
                .map(|q| (q, LostBecause::SynRetransmitted))
        } else if s.flags.syn() {
            // Retransmitted by its sender before the receiver answered it.
            sender_bare_syn[xk]
                .find(p + 1, n, |q| v.sides[q] == x && bare_syn(q))
                .filter(|&r| !(p + 1..r).any(|q| v.sides[q] != x && v.acks(q, p)))
                .map(|r| (r, LostBecause::SynUnanswered))
        } else if s.flags.ack() && s.seg_len() == 0 {
            // A pure ACK: its receiver retransmitted sequence space it covers (and that no
            // earlier ACK had covered), so it had not got it.
            let from = retx[yk].partition_point(|&q| q < after);
            retx[yk][from..]
                .iter()
                .copied()
                .find(|&q| {
                    let r = v.seg(q);
                    let end = r.seq + r.seg_len();
                    end <= s.ack && acked_before[xk].is_none_or(|h| h < end)
                })
                .map(|q| (q, LostBecause::ReceiverRetransmitted))
        } else {
            None
        };
        if s.flags.ack() && !s.flags.rst() && acked_before[xk].is_none_or(|h| s.ack > h) {
            acked_before[xk] = Some(s.ack);
        }
        if let Some((q, because)) = found {
            out.push((
                p,
                Undelivered {
                    frame: v.frames[p],
                    evidence_frame: v.frames[q],
                    because,
                },
            ));
        }
    }
    out
}

/// The order in which `side`'s engine meets the connection's packets: its own in capture
/// order, the other side's in their sending order, each of those after every packet of
/// `side` that does not yet acknowledge it. Lost packets are left out.
struct Arrivals<'v> {
    v: &'v View,
    side: Peer,
    lost: &'v [bool],
    /// The next packet of `side` not yet met (`v.len()` when none is left).
    own: usize,
    /// The next packet of the other side not yet met and not lost.
    other: usize,
}

impl<'v> Arrivals<'v> {
    fn new(v: &'v View, side: Peer, lost: &'v [bool]) -> Arrivals<'v> {
        let mut a = Arrivals {
            v,
            side,
            lost,
            own: 0,
            other: 0,
        };
        a.skip_own(0);
        a.skip_other(0);
        a
    }

    fn skip_own(&mut self, from: usize) {
        self.own = (from..self.v.len())
            .find(|&j| self.v.sides[j] == self.side)
            .unwrap_or(self.v.len());
    }

    fn skip_other(&mut self, from: usize) {
        self.other = (from..self.v.len())
            .find(|&j| self.v.sides[j] != self.side && !self.lost[j])
            .unwrap_or(self.v.len());
    }

    /// The next packet `side` sends after what it has met so far.
    fn next_own(&self) -> Option<usize> {
        (self.own < self.v.len()).then_some(self.own)
    }
}

impl Iterator for Arrivals<'_> {
    type Item = usize;

    fn next(&mut self) -> Option<usize> {
        let (n, v) = (self.v.len(), self.v);
        let (q, p) = (self.own, self.other);
        let take_other = match (q < n, p < n) {
            // A RST at SEG.ACK without an ACK of its own answers `p` (§3.10.7.1).
            (true, true) if v.answers_with_rst(q, p) => true,
            // `q` does not acknowledge `p`: it was sent before `p` arrived.
            (true, true) if v.takes_space(p) => v.acks(q, p),
            (true, true) => p < q,
            (false, true) => true,
            (true, false) => false,
            (false, false) => return None,
        };
        if take_other {
            self.skip_other(p + 1);
            Some(p)
        } else {
            self.skip_own(q + 1);
            Some(q)
        }
    }
}

/// How a side's connection began, from its own packets.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Opening {
    /// It sent a bare SYN: an active OPEN (observed when it is sent).
    Active,
    /// Its first SYN carries an ACK: it answered a SYN from LISTEN.
    Passive,
    /// It sent no SYN: nothing listened (or the capture cannot say).
    NoSocket,
}

fn opening(v: &View, side: Peer) -> Opening {
    let first_syn = (0..v.len())
        .filter(|&j| v.sides[j] == side)
        .map(|j| v.seg(j))
        .find(|s| s.flags.syn() && !s.flags.rst());
    match first_syn {
        Some(s) if s.flags.ack() => Opening::Passive,
        Some(_) => Opening::Active,
        None => Opening::NoSocket,
    }
}

/// [`infer`] with the settings of side A's and side B's engine (timers, MSL, RFC 5961
/// checks), when they are known to differ from the defaults.
pub fn infer_with(
    conn: &Connection,
    packets: &[TcpPacket],
    until_micros: Option<u64>,
    configs: [&Config; 2],
) -> Inference {
    let v = View::new(conn, packets);
    let n = v.len();
    let silent = [Peer::A, Peer::B].map(|s| !v.sides.contains(&s));
    let mut lost = vec![false; n];
    let undelivered: Vec<Undelivered> = undelivered(&v)
        .into_iter()
        .map(|(j, u)| {
            lost[j] = true;
            u
        })
        .collect();
    let midstream = conn.start == Start::MidStream;
    let mut steps = Vec::new();
    let mut starts = [State::Closed; 2];
    let mut finals = [State::Closed; 2];
    let t0 = v.micros.first().copied().unwrap_or(0);
    for (k, side) in [Peer::A, Peer::B].into_iter().enumerate() {
        let mut ep = Endpoint::new(configs[k].clone(), 0);
        let mut raw: Vec<(u64, Cause, State, State, Rule)> = Vec::new();
        if midstream {
            established_before(&mut ep, &v, side, Instant(t0 / 1000));
        } else if opening(&v, side) == Opening::Passive {
            // The ISS is the one its SYN,ACK carries.
            if let Some(j) = (0..n).find(|&j| v.sides[j] == side && v.seg(j).flags.syn()) {
                ep.set_next_isn(v.seg(j).seq.0);
            }
            let _ = ep.call(Call::Listen, Instant(t0 / 1000));
            collect(&mut ep, t0, Cause::Listen, &mut raw);
            raw.clear();
        }
        starts[k] = ep.state();
        let mut arrivals = Arrivals::new(&v, side, &lost);
        // The engine's clock (milliseconds) and the steps' (microseconds) only move forward:
        // a packet handed over late arrived no earlier than what came before it.
        let mut micros = t0;
        let mut shown = 0;
        while let Some(j) = arrivals.next() {
            // Shown no earlier than the latest packet this side has met.
            shown = shown.max(2 * j + 2);
            micros = micros.max(v.micros(j));
            let now = Instant(micros / 1000);
            run_timers(&mut ep, now, shown - 1, &mut raw);
            // The receiver's real (scaled) window is not in the capture: wide open.
            ep.set_receive_window(REPLAY_WINDOW);
            if v.sides[j] == side {
                ep.observe_transmit(v.seg(j), now);
            } else {
                // A RST at SEG.ACK right after it is a closed port's answer (§3.10.7.1):
                // the socket was already gone, by a timer the capture cannot show.
                let closed_port_reply = arrivals
                    .next_own()
                    .is_some_and(|answer| v.answers_with_rst(answer, j));
                if closed_port_reply && ep.observe_vanished() {
                    collect(
                        &mut ep,
                        micros,
                        Cause::Vanished { order: shown - 1 },
                        &mut raw,
                    );
                }
                ep.handle_segment(*v.seg(j), now);
            }
            collect(&mut ep, micros, Cause::Packet { j, order: shown }, &mut raw);
        }
        if let Some(until) = until_micros {
            run_timers(&mut ep, Instant(until / 1000), 2 * n + 1, &mut raw);
        }
        finals[k] = ep.state();
        for (micros, cause, from, to, rule) in raw {
            let (frame, uncertain) = match cause {
                Cause::Listen => (None, None),
                Cause::Timer { .. } => (None, Some(Uncertain::Timer)),
                Cause::Vanished { .. } => (None, Some(Uncertain::SocketGone)),
                Cause::Packet { j, .. } => (Some(v.frames[j]), uncertainty(&v, j, side, &lost)),
            };
            steps.push(Step {
                order: cause.order(),
                micros,
                side,
                from,
                to,
                rule,
                frame,
                uncertain,
            });
        }
    }
    // Stable: each side's changes keep the order the engine made them in.
    steps.sort_by_key(|s| (s.order, s.micros, s.side == Peer::B));
    Inference {
        steps,
        start_states: starts,
        start_inferred: midstream,
        final_states: finals,
        undelivered,
        silent,
        note: None,
    }
}

/// A capture that starts mid-connection: brings `ep` to ESTABLISHED as if the handshake
/// had happened just before the first packet, with the ISNs one before the first sequence
/// numbers the capture shows for each side (its own packets' SEQ or the peer's ACK, the
/// lower). The handshake's own changes are not reported.
fn established_before(ep: &mut Endpoint, v: &View, side: Peer, t: Instant) {
    let first = |of: Peer| -> Option<SeqNum> {
        let own = (0..v.len())
            .find(|&j| v.sides[j] == of)
            .map(|j| v.seg(j).seq);
        let acked = (0..v.len())
            .find(|&j| v.sides[j] != of && v.seg(j).flags.ack())
            .map(|j| v.seg(j).ack);
        match (own, acked) {
            (Some(a), Some(b)) => Some(if b < a { b } else { a }),
            (a, b) => a.or(b),
        }
    };
    let (Some(mine), Some(theirs)) = (first(side), first(side.other())) else {
        return;
    };
    let syn = |seq: SeqNum, ack: Option<SeqNum>| {
        let mut s = Segment::control(seq - 1, ack, Flags::SYN);
        if ack.is_some() {
            s.flags = Flags::SYN | Flags::ACK;
        }
        s.window = u16::MAX;
        s
    };
    ep.set_next_isn((mine - 1).0);
    if side == Peer::A {
        let _ = ep.call(Call::Connect, t);
        ep.handle_segment(syn(theirs, Some(mine)), t);
    } else {
        let _ = ep.call(Call::Listen, t);
        ep.handle_segment(syn(theirs, None), t);
        let mut ack = Segment::control(theirs, Some(mine), Flags::ACK);
        ack.window = u16::MAX;
        ep.handle_segment(ack, t);
    }
    while ep.poll_transmit().is_some() {}
    while ep.poll_event().is_some() {}
}

/// Fires the engine's timers due by `now`, at most 64 times (each firing moves a deadline on
/// or clears it, so this is only a guard).
fn run_timers(
    ep: &mut Endpoint,
    now: Instant,
    order: usize,
    raw: &mut Vec<(u64, Cause, State, State, Rule)>,
) {
    for _ in 0..64 {
        match ep.poll_timeout() {
            Some(due) if due <= now => {
                ep.handle_timeout(due);
                collect(ep, due.0.saturating_mul(1000), Cause::Timer { order }, raw);
            }
            _ => break,
        }
    }
}

fn collect(
    ep: &mut Endpoint,
    micros: u64,
    cause: Cause,
    raw: &mut Vec<(u64, Cause, State, State, Rule)>,
) {
    while ep.poll_transmit().is_some() {}
    while let Some(event) = ep.poll_event() {
        if let EndpointEvent::StateChange { from, to, rule } = event {
            raw.push((micros, cause, from, to, rule));
        }
    }
}

/// Whether the change that packet `j` caused at `side` is shown to have happened.
fn uncertainty(v: &View, j: usize, side: Peer, lost: &[bool]) -> Option<Uncertain> {
    if v.sides[j] == side {
        // The side's own packet: the capture saw it act.
        return None;
    }
    let seg = v.seg(j);
    let mut later = (j + 1..v.len()).filter(|&q| v.sides[q] == side);
    if seg.seg_len() > 0 && !seg.flags.rst() {
        let end = seg.seq + seg.seg_len();
        let acked = later.any(|q| {
            let s = v.seg(q);
            s.flags.ack() && s.ack >= end
        });
        (!acked).then_some(Uncertain::NotAcknowledged)
    } else {
        // Anything the receiver sent later shows it was alive to get this; a packet that
        // was lost is never delivered, so this is not asked of it.
        debug_assert!(!lost[j]);
        later.next().is_none().then_some(Uncertain::NoLaterPacket)
    }
}
