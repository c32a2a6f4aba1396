//! State inference: each end's view of a connection, fed through the engine.
//!
//! Peer A (the SYN's sender) starts CLOSED; its own SYN is an active OPEN with the capture's
//! ISN. Peer B starts with a passive OPEN at the first packet, its ISS set to the one its
//! SYN-ACK carries. Then, packet by packet in time order (ties in file order), each side gets
//! the other's packets as arriving segments ([`Endpoint::handle_segment`]) and its own as
//! observed transmissions ([`Endpoint::observe_transmit`], whose ACK also tells what the side
//! received when the capture missed a packet); timers fire in between. The receive window is
//! opened to 2^30 ([`Endpoint::set_receive_window`]), since a real, scaled window is not in
//! the capture. What the engine would send itself is discarded: the capture shows what was
//! sent.
//!
//! A capture is taken at one point, so a packet it shows may still have been lost on the way
//! to its receiver. A state change that an arriving packet caused is therefore marked
//! [`Uncertain`] unless a later packet from the receiver shows that it arrived.

use super::conn::{Connection, Start};
use super::read::TcpPacket;
use crate::endpoint::{Call, Config, Endpoint, EndpointEvent};
use crate::rule::Rule;
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
    /// A timer of the engine's defaults (TIME-WAIT's 2 MSL, retransmission limits), not a
    /// packet.
    Timer,
}

impl core::fmt::Display for Uncertain {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            Uncertain::NotAcknowledged => "? not acknowledged in the capture",
            Uncertain::NoLaterPacket => "? receiver sent nothing later",
            Uncertain::Timer => "? timer (engine defaults)",
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
    /// Where among the connection's packets it happened, for ordering equal times: 0 for
    /// B's passive OPEN, `2j + 1` for a timer before packet `j`, `2j + 2` for packet `j`.
    pub order: usize,
    /// Why the capture cannot confirm the change, if it cannot.
    pub uncertain: Option<Uncertain>,
}

/// Both timelines of one connection.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Inference {
    /// Both sides' changes, in time order; equal times in packet order, A before B.
    pub steps: Vec<Step>,
    /// The state of A and of B after the last packet (and `until`).
    pub final_states: [State; 2],
    /// Why nothing could be inferred, when so.
    pub note: Option<String>,
}

/// The cause of engine events: a packet (its position in the connection) or a timer.
#[derive(Clone, Copy)]
enum Cause {
    /// B's passive OPEN, before any packet.
    Listen,
    Packet(usize),
    /// A timer that fired before the packet at this position (or after the last).
    Timer(usize),
}

impl Cause {
    /// Orders changes at equal times: passive OPEN first, then timers due before a packet,
    /// then the packet's own effects, in packet order.
    fn order(self) -> usize {
        match self {
            Cause::Listen => 0,
            Cause::Timer(j) => 2 * j + 1,
            Cause::Packet(j) => 2 * j + 2,
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

/// [`infer`] with the settings of side A's and side B's engine (timers, MSL, RFC 5961
/// checks), when they are known to differ from the defaults.
pub fn infer_with(
    conn: &Connection,
    packets: &[TcpPacket],
    until_micros: Option<u64>,
    configs: [&Config; 2],
) -> Inference {
    if conn.start == Start::MidStream {
        return Inference {
            steps: Vec::new(),
            final_states: [State::Closed; 2],
            note: Some(
                "no SYN in the capture: the connection started before it, so states are not \
                 inferred"
                    .to_string(),
            ),
        };
    }
    // `conn` was found by `connections` over this same `packets`, so its indices are in it.
    let pkts: Vec<&TcpPacket> = conn.packets.iter().map(|&i| &packets[i]).collect();
    let mut steps = Vec::new();
    let mut finals = [State::Closed; 2];
    for (k, side) in [Peer::A, Peer::B].into_iter().enumerate() {
        let mut ep = Endpoint::new(configs[k].clone(), 0);
        let mut raw: Vec<(u64, Cause, State, State, Rule)> = Vec::new();
        if side == Peer::B {
            // B's ISS is the one its first SYN carries.
            if let Some(p) = pkts
                .iter()
                .find(|p| conn.side_of(p) == Peer::B && p.segment.flags.syn())
            {
                ep.set_next_isn(p.segment.seq.0);
            }
            let t0 = pkts.first().map_or(0, |p| p.micros);
            let _ = ep.call(Call::Listen, Instant(t0 / 1000));
            collect(&mut ep, t0, Cause::Listen, &mut raw);
        }
        for (j, p) in pkts.iter().enumerate() {
            let now = Instant(p.micros / 1000);
            run_timers(&mut ep, now, j, &mut raw);
            // The receiver's real (scaled) window is not in the capture: wide open.
            ep.set_receive_window(REPLAY_WINDOW);
            if conn.side_of(p) == side {
                ep.observe_transmit(&p.segment, now);
            } else {
                ep.handle_segment(p.segment, now);
            }
            collect(&mut ep, p.micros, Cause::Packet(j), &mut raw);
        }
        if let Some(until) = until_micros {
            run_timers(&mut ep, Instant(until / 1000), pkts.len(), &mut raw);
        }
        finals[k] = ep.state();
        for (micros, cause, from, to, rule) in raw {
            let (frame, uncertain) = match cause {
                Cause::Listen => (None, None),
                Cause::Timer(_) => (None, Some(Uncertain::Timer)),
                Cause::Packet(j) => (Some(pkts[j].frame), uncertainty(conn, &pkts, j, side)),
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
    steps.sort_by_key(|s| (s.micros, s.order, s.side == Peer::B));
    Inference {
        steps,
        final_states: finals,
        note: None,
    }
}

/// Fires the engine's timers due by `now`, at most 64 times (each firing moves a deadline on
/// or clears it, so this is only a guard).
fn run_timers(
    ep: &mut Endpoint,
    now: Instant,
    before: usize,
    raw: &mut Vec<(u64, Cause, State, State, Rule)>,
) {
    for _ in 0..64 {
        match ep.poll_timeout() {
            Some(due) if due <= now => {
                ep.handle_timeout(due);
                collect(ep, due.0.saturating_mul(1000), Cause::Timer(before), raw);
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

/// Whether the change that packet `j` caused at `side` is shown to have happened. `j` is
/// the index of a packet of `pkts` (a `Cause::Packet`).
fn uncertainty(conn: &Connection, pkts: &[&TcpPacket], j: usize, side: Peer) -> Option<Uncertain> {
    let p = pkts[j];
    if conn.side_of(p) == side {
        // The side's own packet: the capture saw it act.
        return None;
    }
    let seg = &p.segment;
    let later = pkts[j + 1..].iter().filter(|q| conn.side_of(q) == side);
    if seg.seg_len() > 0 && !seg.flags.rst() {
        let end = seg.seq + seg.seg_len();
        let acked = later
            .filter(|q| q.segment.flags.ack())
            .any(|q| q.segment.ack >= end);
        (!acked).then_some(Uncertain::NotAcknowledged)
    } else {
        let mut later = later;
        later.next().is_none().then_some(Uncertain::NoLaterPacket)
    }
}
