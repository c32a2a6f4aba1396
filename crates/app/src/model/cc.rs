//! The congestion and window read model (issue 13, "The views"): per sender, the congestion
//! window, the slow start threshold, the bytes in flight and the peer's window over the run,
//! the phase of RFC 5681 it is in, and the events that changed them (three duplicate ACKs,
//! a partial ACK, a retransmission timeout); at one cursor, the numbers of the sliding-window
//! bars; and for one segment, why it was sent at that moment.
//!
//! Sources, all from the session's log, none from the engine: the series and the phases from
//! the `window` events (logged whenever a peer's numbers change, see `Event::Window`), the
//! markers from the congestion-control rules (rule.rs). The bars read the TCB recorded after
//! the last whole command (SND.UNA and SND.NXT are not in the `window` event).

use synack_core::{
    Call, Cause, CcPhase, Event, Label, Origin, Peer, Rule, SegmentRecord, State, Timer, TraceEvent,
};

use synack_core::tseq::{SpanKind, TimeSeq, Unwrap};

use crate::model::session::{PeerAfter, Session};
use crate::model::timeline::Timeline;

/// What the "over time" graphs' x axis counts, said on the axis. It is always the sequence
/// chart's rows; those rows are virtual time (idle stretches shortened) only when the clock
/// moved. When every delivery is by hand the clock never moves, and a time on the axis or a
/// marker ("0.000s three duplicate ACKs") would say nothing: events are counted instead.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Axis {
    /// Virtual time from 0 to `end`.
    Time { end: synack_core::Instant },
    /// The clock stood at `at` throughout; `events` events in order.
    Events {
        events: usize,
        at: synack_core::Instant,
    },
}

impl Axis {
    pub fn of(t: &Timeline) -> Axis {
        let first = t.time(0).unwrap_or(synack_core::Instant::ZERO);
        let end = t
            .len()
            .checked_sub(1)
            .and_then(|i| t.time(i))
            .unwrap_or(first);
        if end > first {
            Axis::Time { end }
        } else {
            Axis::Events {
                events: t.len(),
                at: end,
            }
        }
    }

    /// Where event `i` (0-based) lies on this axis, as its marker says it: "0.120s" or the
    /// event's number as the scrubber counts it ("event 12").
    pub fn place(&self, t: &Timeline, i: usize) -> AxisPlace {
        match self {
            Axis::Time { .. } => AxisPlace::Time(t.time(i).unwrap_or_default()),
            Axis::Events { .. } => AxisPlace::Event(i + 1),
        }
    }
}

/// One point on the axis, to be worded by the view.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AxisPlace {
    Time(synack_core::Instant),
    Event(usize),
}

/// The values of one sender from cursor `at` on (until the next sample).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sample {
    /// The cursor from which these values hold.
    pub at: usize,
    /// cwnd and ssthresh, while congestion control is on.
    pub cwnd: Option<u32>,
    pub ssthresh: Option<u32>,
    /// FlightSize (RFC 5681 §2): sent and not yet cumulatively acknowledged. This and
    /// SND.WND are `None` outside the synchronized states (no TCB, or not one yet).
    pub flight: Option<u32>,
    /// SND.WND: the window the peer offers.
    pub wnd: Option<u32>,
}

/// An event of the congestion controller worth a marker on the strip.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MarkKind {
    /// The third duplicate ACK: fast retransmit, fast recovery begins (RFC 5681 §3.2).
    FastRetransmit,
    /// A partial ACK in fast recovery: the next hole sent again (RFC 6582 §3.2).
    PartialAck,
    /// Fast recovery ended by a full ACK (RFC 6582 §3.2).
    RecoveryEnd,
    /// The retransmission timer expired (RFC 6298 §5.4, RFC 5681 §3.1's loss window).
    Rto,
}

impl MarkKind {
    /// Its key in the `cc` catalog and its `data-mark` attribute.
    pub fn key(self) -> &'static str {
        match self {
            MarkKind::FastRetransmit => "fast_retransmit",
            MarkKind::PartialAck => "partial_ack",
            MarkKind::RecoveryEnd => "recovery_end",
            MarkKind::Rto => "rto",
        }
    }
}

/// A marker: what happened, at which event, and the segments it concerns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Mark {
    pub at: usize,
    pub kind: MarkKind,
    /// The segment a click opens: the retransmission it sent, or the full ACK that ended the
    /// recovery.
    pub seg: Option<Label>,
    /// The ACK that set it off (none for a timeout).
    pub ack: Option<Label>,
}

/// The phase of RFC 5681 a sender is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// cwnd < ssthresh (§3.1).
    SlowStart,
    /// cwnd >= ssthresh (§3.1).
    Avoidance,
    /// After three duplicate ACKs, until the full ACK (§3.2, RFC 6582).
    FastRecovery,
    /// After a retransmission timeout, until what was outstanding then is acknowledged.
    RtoRecovery,
}

impl Phase {
    pub fn key(self) -> &'static str {
        match self {
            Phase::SlowStart => "slow_start",
            Phase::Avoidance => "avoidance",
            Phase::FastRecovery => "fast_recovery",
            Phase::RtoRecovery => "rto_recovery",
        }
    }
}

/// One sender's series over the whole run.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Series {
    /// In cursor order; a sample only where something changed.
    pub samples: Vec<Sample>,
    pub marks: Vec<Mark>,
    /// (cursor from which it holds, phase), in cursor order.
    pub phases: Vec<(usize, Option<Phase>)>,
    /// The sender sent data (a segment with payload) at some point of the run.
    pub sent_data: bool,
}

impl Series {
    /// The values at cursor `k`.
    pub fn at(&self, k: usize) -> Option<&Sample> {
        let n = self.samples.partition_point(|s| s.at <= k);
        n.checked_sub(1).and_then(|i| self.samples.get(i))
    }

    /// The phase at cursor `k`.
    pub fn phase_at(&self, k: usize) -> Option<Phase> {
        let n = self.phases.partition_point(|&(at, _)| at <= k);
        n.checked_sub(1)
            .and_then(|i| self.phases.get(i))
            .and_then(|&(_, p)| p)
    }

    /// The top of the strip's scale: what the sender controls (cwnd and the flight), and
    /// ssthresh and the peer's window only where they are within twice that. ssthresh starts
    /// "arbitrarily high" (RFC 5681 §3.1) and the peer's window is often 64 KiB against a
    /// cwnd of a few segments: on their scale cwnd would be a flat line at the bottom. Values
    /// above the top are not drawn; the readout gives them.
    pub fn scale(&self) -> u32 {
        let own = self
            .samples
            .iter()
            .flat_map(|s| [s.flight, s.cwnd])
            .flatten()
            .max()
            .unwrap_or(0);
        let near = self
            .samples
            .iter()
            .flat_map(|s| [s.ssthresh, s.wnd])
            .flatten()
            .filter(|&v| v <= own.saturating_mul(2))
            .max()
            .unwrap_or(0);
        own.max(near)
    }

    /// A phase from cursor `at` on, unless it is the one already in force.
    fn push_phase(&mut self, at: usize, phase: Option<Phase>) {
        let current = self.phases.last().and_then(|&(_, p)| p);
        if current != phase {
            self.phases.push((at, phase));
        }
    }
}

/// Both senders' series.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CcModel {
    pub peers: [Series; 2],
    /// Events in the run.
    pub len: usize,
}

impl CcModel {
    pub fn series(&self, peer: Peer) -> &Series {
        &self.peers[peer.index()]
    }

    /// Either peer sent data: the strip opens by itself for such a run.
    pub fn moves_data(&self) -> bool {
        self.peers.iter().any(|s| s.sent_data)
    }
}

/// The strip's phase for the engine's.
fn phase_of(p: CcPhase) -> Option<Phase> {
    match p {
        CcPhase::Off => None,
        CcPhase::SlowStart => Some(Phase::SlowStart),
        CcPhase::CongestionAvoidance => Some(Phase::Avoidance),
        CcPhase::FastRecovery => Some(Phase::FastRecovery),
        CcPhase::RtoRecovery => Some(Phase::RtoRecovery),
    }
}

/// Computes both senders' series from a session's log.
pub fn model(session: &Session) -> CcModel {
    let trace = session.trace();
    let mut out = CcModel {
        peers: Default::default(),
        len: trace.len(),
    };
    for (i, TraceEvent { event, .. }) in trace.iter().enumerate() {
        let at = i + 1;
        match event {
            Event::Window { peer, windows: w } => {
                let phase = phase_of(w.phase);
                let on = phase.is_some();
                let series = &mut out.peers[peer.index()];
                series.samples.push(Sample {
                    at,
                    cwnd: on.then_some(w.cwnd),
                    ssthresh: on.then_some(w.ssthresh),
                    flight: Some(w.flight),
                    wnd: Some(w.snd_wnd),
                });
                series.push_phase(at, phase);
            }
            // The series ends with the synchronized states (no `window` event then).
            Event::StateChange { peer, to, .. } if !to.is_synchronized() => {
                let series = &mut out.peers[peer.index()];
                if series.samples.last().is_some_and(|s| s.flight.is_some()) {
                    series.samples.push(Sample {
                        at,
                        cwnd: None,
                        ssthresh: None,
                        flight: None,
                        wnd: None,
                    });
                }
                series.push_phase(at, None);
            }
            Event::Sent(rec) if rec.origin != Origin::Injected && rec.segment.len > 0 => {
                out.peers[rec.from.index()].sent_data = true;
            }
            Event::Note { peer, rule, cause } => {
                let kind = match rule {
                    // CUBIC (`set cc cubic`, the Linux profile) logs its own rules for the
                    // same two events: its ssthresh is 0.7 × FlightSize, not half.
                    Rule::CcFastRetransmit | Rule::CubicFastRetransmit => MarkKind::FastRetransmit,
                    Rule::CcPartialAck => MarkKind::PartialAck,
                    Rule::CcFullAck => MarkKind::RecoveryEnd,
                    Rule::CcLossWindow | Rule::CubicLossWindow => MarkKind::Rto,
                    _ => continue,
                };
                let ack = match cause {
                    Cause::Segment(l) => Some(*l),
                    _ => None,
                };
                let seg = match kind {
                    MarkKind::RecoveryEnd => ack,
                    _ => next_retransmission(&trace[i..], *peer),
                };
                out.peers[peer.index()].marks.push(Mark {
                    at: i,
                    kind,
                    seg,
                    ack,
                });
            }
            _ => {}
        }
    }
    out
}

/// The label of the next retransmission `peer` sends in `events`.
fn next_retransmission(events: &[TraceEvent], peer: Peer) -> Option<Label> {
    events.iter().find_map(|e| match &e.event {
        Event::Sent(rec) if rec.from == peer && rec.origin == Origin::Retransmission => {
            Some(rec.label)
        }
        _ => None,
    })
}

/// One sender's time-sequence graph over the run, with the cursor from which each part is
/// drawn as seen (the simulator's cursor counts events; several share one virtual time, so
/// time alone cannot split "before" from "after").
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SimTimeSeq {
    pub graph: TimeSeq,
    /// Per span of `graph`, the cursor from which it has been sent.
    pub span_at: Vec<usize>,
    /// Per ACK of `graph`, the cursor from which it has been sent.
    pub ack_at: Vec<usize>,
    /// Per SACK block of `graph`, the cursor from which it has been sent.
    pub sack_at: Vec<usize>,
}

/// `sender`'s segments and the peer's ACKs as a [`TimeSeq`]: sequence numbers relative to the
/// sender's ISN (its SYN is 0), times in microseconds of virtual time. The peer's window is
/// scaled by its shift count once both SYNs carried the option (RFC 7323 §2.2; a SYN's own
/// window is never scaled); SACK blocks come from the ACKs' options (RFC 2018 §3). An
/// injected segment is not the sender's, so it is left out.
pub fn time_seq(session: &Session, sender: Peer) -> SimTimeSeq {
    let trace = session.trace();
    let mut out = SimTimeSeq::default();
    let mut unwrap = Unwrap::new(0);
    // Each side's window scale offered on its SYN, and the sender's ISN once seen.
    let mut offered: [Option<Option<u8>>; 2] = [None, None];
    let mut iss: Option<u32> = None;
    for (i, TraceEvent { time, event }) in trace.iter().enumerate() {
        let Event::Sent(rec) = event else { continue };
        if rec.origin == Origin::Injected {
            continue;
        }
        let at = i + 1;
        let micros = time.0.saturating_mul(1000);
        let seg = &rec.segment;
        if seg.flags.syn() {
            offered[rec.from.index()] = Some(seg.options.window_scale);
        }
        if rec.from == sender {
            iss = Some(seg.seq.0.wrapping_sub(rec.rel_seq));
            let len = seg.len + u32::from(seg.flags.syn()) + u32::from(seg.flags.fin());
            if len == 0 {
                continue;
            }
            let start = unwrap.rel(rec.rel_seq);
            let kind = if rec.origin == Origin::Retransmission {
                SpanKind::Retransmission
            } else {
                SpanKind::New
            };
            out.graph.span(micros, start, start + u64::from(len), kind);
            out.span_at.push(at);
        } else if let (Some(ack), false) = (rec.rel_ack, seg.flags.rst()) {
            let both = offered.iter().all(|o| o.is_some_and(|s| s.is_some()));
            let shift = match (seg.flags.syn(), both, offered[rec.from.index()]) {
                (false, true, Some(Some(s))) => s.min(14),
                _ => 0,
            };
            let ack = unwrap.rel(ack);
            out.graph.ack(micros, ack, u64::from(seg.window) << shift);
            out.ack_at.push(at);
            if let Some(base) = iss {
                for &(l, r) in seg.options.sack_blocks() {
                    let (l, r) = (
                        unwrap.rel(l.wrapping_sub(base)),
                        unwrap.rel(r.wrapping_sub(base)),
                    );
                    let before = out.graph.sacks.len();
                    out.graph.sack(micros, l, r);
                    if out.graph.sacks.len() > before {
                        out.sack_at.push(at);
                    }
                }
            }
        }
    }
    out
}

/// The sender's sliding window at the cursor (RFC 9293 §3.3.1, Figure 4), relative numbers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SendBar {
    pub snd_una: u32,
    pub snd_nxt: u32,
    pub snd_wnd: u32,
    /// cwnd, when congestion control is on.
    pub cwnd: Option<u32>,
    /// Bytes sent and not acknowledged: SND.NXT - SND.UNA.
    pub in_flight: u32,
    /// Queued bytes the windows let go now.
    pub sendable: u32,
    /// Queued bytes beyond the window: they wait for ACKs (or for the window to open).
    pub waiting: u32,
    /// Room in the window with nothing queued to fill it.
    pub idle: u32,
}

impl SendBar {
    /// The window's right edge the sender may fill up to: SND.UNA + min(SND.WND, cwnd).
    pub fn limit(&self) -> u32 {
        self.snd_una
            .wrapping_add(self.snd_wnd.min(self.cwnd.unwrap_or(u32::MAX)))
    }
}

/// The sender bar of a peer after a command (`None` before the connection is synchronized).
pub fn send_bar(after: &PeerAfter, cc_on: bool) -> Option<SendBar> {
    if !after.state.is_synchronized() {
        return None;
    }
    let t = &after.tcb;
    let snd_una = t.snd_una.offset_from(t.iss);
    let snd_nxt = t.snd_nxt.offset_from(t.iss);
    let in_flight = snd_nxt.wrapping_sub(snd_una);
    let cwnd = cc_on.then_some(t.cwnd);
    let window = t.snd_wnd.min(cwnd.unwrap_or(u32::MAX));
    let usable = window.saturating_sub(in_flight);
    let unsent = u32::try_from(t.unsent).unwrap_or(u32::MAX);
    let sendable = usable.min(unsent);
    Some(SendBar {
        snd_una,
        snd_nxt,
        snd_wnd: t.snd_wnd,
        cwnd,
        in_flight,
        sendable,
        waiting: unsent - sendable,
        idle: usable - sendable,
    })
}

/// The receiver's window at the cursor, relative numbers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RecvBar {
    pub rcv_nxt: u32,
    pub rcv_wnd: u32,
    /// Bytes received beyond RCV.NXT and held until the gap fills (SHLD-31).
    pub held: u32,
    /// Segments of them.
    pub held_segments: usize,
}

/// The receiver bar of `peer` after a command; the held bytes are counted from the segments
/// delivered to it within the first `cursor` events that lie beyond RCV.NXT.
pub fn recv_bar(
    session: &Session,
    peer: Peer,
    after: &PeerAfter,
    cursor: usize,
) -> Option<RecvBar> {
    if !after.state.is_synchronized() {
        return None;
    }
    let t = &after.tcb;
    let rcv_nxt = t.rcv_nxt.offset_from(t.irs);
    let mut held = 0u32;
    if t.ooo_queue_len > 0 {
        // Intervals beyond RCV.NXT, merged so overlapping copies count once.
        let mut spans: Vec<(u32, u32)> = session
            .timeline()
            .segs()
            .iter()
            .filter(|s| s.record.to == peer && s.record.segment.len > 0)
            .filter(|s| matches!(s.end, Some((at, crate::model::timeline::SegEnd::Delivered)) if at < cursor))
            .map(|s| (s.record.rel_seq, s.record.rel_seq.wrapping_add(s.record.segment.len)))
            .filter(|&(_, end)| end > rcv_nxt)
            .map(|(start, end)| (start.max(rcv_nxt), end))
            .collect();
        spans.sort_unstable();
        let mut reach = rcv_nxt;
        for (start, end) in spans {
            let start = start.max(reach);
            if end > start {
                held = held.saturating_add(end - start);
                reach = end;
            }
        }
    }
    Some(RecvBar {
        rcv_nxt,
        rcv_wnd: t.rcv_wnd,
        held,
        held_segments: t.ooo_queue_len,
    })
}

/// Why a segment left at that moment and not earlier.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WhyNow {
    /// The application wrote the data and the windows had room at once.
    Written,
    /// Sent in reply to an arriving segment (an ACK, or data to acknowledge).
    Answer(Label),
    /// An ACK of new data made room in the window (cwnd or the peer's) for queued data.
    WindowOpened(Label),
    /// Nagle held it until the ACK arrived (`by`, if an ACK released it).
    NagleHeld { since: usize, by: Option<Label> },
    /// Sender SWS avoidance held it until the window opened or its override timer ran out.
    SwsHeld { since: usize, by: Option<Label> },
    /// The delayed-ACK timer ran out.
    DelayedAckTimer,
    /// The second full-sized segment's worth of data: the ACK goes at once (SHLD-19).
    SecondSegment(Label),
    /// Fast retransmit after the third duplicate ACK.
    FastRetransmit(Label),
    /// A partial ACK in fast recovery sent the next hole.
    PartialAck(Label),
    /// The retransmission timer expired.
    Rto,
    /// The persist timer: a zero-window probe.
    ZeroWindowProbe,
    /// A keep-alive probe.
    Keepalive,
    /// A user call (connect, close, abort…) sent it.
    Call(Call),
}

/// Why the segment sent at event `sent` left then: from the reaction that sent it (the
/// sender's events just before it) and, for data, whether a hold (Nagle, SWS) kept it back.
pub fn why_now(trace: &[TraceEvent], sent: usize) -> Option<WhyNow> {
    let Some(Event::Sent(rec)) = trace.get(sent).map(|e| &e.event) else {
        return None;
    };
    if rec.origin == Origin::Injected {
        return None;
    }
    let peer = rec.from;
    // The reaction: the sender's notes, timers and earlier segments back to what set it off.
    let mut notes: Vec<(usize, Rule, Cause)> = Vec::new();
    let mut trigger = None;
    for i in (0..sent).rev() {
        match &trace[i].event {
            Event::Sent(r) if r.from == peer => {}
            Event::TimerSet { peer: p, .. } | Event::TimerCleared { peer: p, .. } if *p == peer => {
            }
            Event::Note {
                peer: p,
                rule,
                cause,
            } if *p == peer => notes.push((i, *rule, *cause)),
            Event::StateChange { peer: p, cause, .. } if *p == peer => {
                trigger = Some(*cause);
                break;
            }
            Event::Signal { peer: p, .. } if *p == peer => {}
            Event::Delivered { to, label, .. } if *to == peer => {
                trigger = Some(Cause::Segment(*label));
                break;
            }
            Event::Call { peer: p, call, .. } if *p == peer => {
                trigger = Some(Cause::Call(*call));
                break;
            }
            _ => break,
        }
    }
    let seg_of = |c: Cause| match c {
        Cause::Segment(l) => Some(l),
        _ => None,
    };
    let cause_of = |rule: Rule| notes.iter().find(|n| n.1 == rule).map(|n| n.2);
    if rec.origin == Origin::Retransmission {
        if let Some(c) =
            cause_of(Rule::CcFastRetransmit).or_else(|| cause_of(Rule::CubicFastRetransmit))
        {
            return seg_of(c).map(WhyNow::FastRetransmit);
        }
        if let Some(c) = cause_of(Rule::CcPartialAck) {
            return seg_of(c).map(WhyNow::PartialAck);
        }
        return Some(WhyNow::Rto);
    }
    if notes.iter().any(|n| n.1 == Rule::ZeroWindowProbe) {
        return Some(WhyNow::ZeroWindowProbe);
    }
    if notes.iter().any(|n| n.1 == Rule::KeepaliveProbe) {
        return Some(WhyNow::Keepalive);
    }
    if notes.iter().any(|n| n.1 == Rule::DelayedAckTimeout) {
        return Some(WhyNow::DelayedAckTimer);
    }
    if let Some(c) = cause_of(Rule::AckEverySecondSegment) {
        return seg_of(c).map(WhyNow::SecondSegment);
    }
    let by = trigger.and_then(seg_of);
    if rec.segment.len > 0 {
        if let Some(hold) = hold_before(trace, sent, peer, rec) {
            return Some(match hold {
                (since, Rule::SwsAvoidanceHolds) => WhyNow::SwsHeld { since, by },
                (since, _) => WhyNow::NagleHeld { since, by },
            });
        }
        if let Some(ack) = cause_of(Rule::AckAdvances).and_then(seg_of) {
            return Some(WhyNow::WindowOpened(ack));
        }
    }
    match trigger? {
        Cause::Call(Call::Send(_)) => Some(WhyNow::Written),
        Cause::Call(call) => Some(WhyNow::Call(call)),
        Cause::Segment(l) => Some(WhyNow::Answer(l)),
        Cause::Timer(Timer::SwsOverride) => Some(WhyNow::SwsHeld {
            since: sent,
            by: None,
        }),
        Cause::Timer(Timer::DelayedAck) => Some(WhyNow::DelayedAckTimer),
        Cause::Timer(_) => Some(WhyNow::Rto),
    }
}

/// The Nagle or SWS hold the sender noted for this data, if any: the latest hold note of
/// `peer` after its previous first transmission of data (a later hold concerns later data).
fn hold_before(
    trace: &[TraceEvent],
    sent: usize,
    peer: Peer,
    rec: &SegmentRecord,
) -> Option<(usize, Rule)> {
    for i in (0..sent).rev() {
        match &trace[i].event {
            Event::Note { peer: p, rule, .. }
                if *p == peer && matches!(rule, Rule::NagleHolds | Rule::SwsAvoidanceHolds) =>
            {
                return Some((i, *rule));
            }
            Event::Sent(r)
                if r.from == peer
                    && r.origin == Origin::Sent
                    && r.segment.len > 0
                    && r.rel_seq < rec.rel_seq =>
            {
                return None;
            }
            Event::StateChange { peer: p, to, .. } if *p == peer && *to == State::Closed => {
                return None;
            }
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session(text: &str) -> Session {
        Session::load(text).expect("the script runs")
    }

    fn path(name: &str) -> String {
        std::fs::read_to_string(format!(
            "{}/../../scenarios/{name}.tcps",
            env!("CARGO_MANIFEST_DIR")
        ))
        .expect("scenario")
    }

    #[test]
    fn fast_retransmit_by_hand_counts_events_on_the_axis_not_seconds() {
        let s = session(&path("fast-retransmit"));
        let t = s.timeline();
        let axis = Axis::of(t);
        assert!(
            matches!(axis, Axis::Events { events, .. } if events == t.len()),
            "{axis:?}"
        );
        assert_eq!(axis.place(t, 11), AxisPlace::Event(12));
        let timed = session("set delivery auto\nB listen\nA connect\nwait 1s\n");
        let axis = Axis::of(timed.timeline());
        assert!(
            matches!(axis, Axis::Time { end } if end > synack_core::Instant(0)),
            "{axis:?}"
        );
    }

    fn sent_at(s: &Session, label: u32) -> usize {
        s.timeline().seg(Label(label)).expect("segment").sent
    }

    #[test]
    fn the_time_seq_of_a_fast_retransmit_has_the_retransmission_and_the_ack_line() {
        let s = session(&path("fast-retransmit"));
        let t = time_seq(&s, Peer::A);
        let g = &t.graph;
        assert_eq!(t.span_at.len(), g.spans.len());
        assert_eq!(t.ack_at.len(), g.acks.len());
        // The SYN is [0, 1), the lost s5 is [1001, 2001), sent again as s15.
        assert_eq!((g.spans[0].seq, g.spans[0].end), (0, 1));
        let retx: Vec<_> = g
            .spans
            .iter()
            .zip(&t.span_at)
            .filter(|(sp, _)| sp.kind == SpanKind::Retransmission)
            .collect();
        assert_eq!(retx.len(), 1, "one fast retransmit: {retx:?}");
        let (sp, &at) = retx[0];
        assert_eq!((sp.seq, sp.end), (1001, 2001));
        assert_eq!(at, sent_at(&s, 15) + 1, "drawn from the cursor past s15");
        let first = g.spans.iter().find(|x| x.seq == 1001).unwrap();
        assert!(first.micros <= sp.micros && first.kind == SpanKind::New);
        // The ACK line: four ACKs of 1001 (one new, three duplicates before the fast
        // retransmit), then 6001 for the whole transfer; the window edge is ACK + 65535.
        let acks: Vec<u64> = g.acks.iter().map(|a| a.ack).collect();
        assert!(acks.windows(2).all(|w| w[0] <= w[1]), "{acks:?}");
        assert!(acks.iter().filter(|&&a| a == 1001).count() >= 4, "{acks:?}");
        assert!(acks.contains(&6001), "{acks:?}");
        let a = g.acks.iter().find(|a| a.ack == 6001).unwrap();
        assert_eq!(a.window_edge, 6001 + 65535);
        assert!(g.sacks.is_empty(), "SACK is off in this scenario");
        // B sent no data: its graph has only its SYN and FIN.
        let b = time_seq(&s, Peer::B);
        assert!(b.graph.spans.iter().all(|x| x.end - x.seq == 1));
    }

    #[test]
    fn the_time_seq_takes_sack_blocks_and_the_scaled_window() {
        let s = session(&path("sack-blocks"));
        let t = time_seq(&s, Peer::A);
        let g = &t.graph;
        assert_eq!(t.sack_at.len(), g.sacks.len());
        assert!(!g.sacks.is_empty());
        // B held s6 [2001, 3001) beyond the hole at 1001: its first SACK block starts there.
        assert!(
            g.sacks.iter().any(|b| b.left == 2001 && b.right >= 3001),
            "{:?}",
            g.sacks
        );
        assert!(g.sacks.iter().all(|b| b.left >= 1001 && b.right <= 8001));
        // `win=32768` with a shift of 3: the edge is ACK + 262144.
        let a = g.acks.iter().find(|a| a.ack == 1001).unwrap();
        assert_eq!(a.window_edge - a.ack, 32768 << 3);
        assert!(g.spans.iter().any(|x| x.kind == SpanKind::Retransmission));
    }

    #[test]
    fn fast_retransmit_is_marked_with_its_phases_and_cwnd() {
        let s = session(&path("fast-retransmit"));
        let m = model(&s);
        assert!(m.moves_data());
        // cwnd peaks at 6500 in fast recovery; ssthresh 65535 and the 65535-byte window are
        // off that scale, ssthresh 2500 on it.
        assert_eq!(m.series(Peer::A).scale(), 6500);
        let a = m.series(Peer::A);
        let kinds: Vec<_> = a.marks.iter().map(|m| (m.kind, m.ack, m.seg)).collect();
        assert_eq!(
            kinds,
            [
                // s13, the third duplicate ACK, sent s15 again.
                (MarkKind::FastRetransmit, Some(Label(13)), Some(Label(15))),
                (MarkKind::RecoveryEnd, Some(Label(16)), Some(Label(16)))
            ]
        );
        // Before the fast retransmit A was in slow start, then in fast recovery; after the
        // full ACK cwnd = min(ssthresh, FlightSize + SMSS) = 2000 < ssthresh = 2500: slow start
        // again (RFC 5681 §3.1), from the `window` event of that same input.
        let fr = a.marks[0].at;
        assert_eq!(a.phase_at(fr), Some(Phase::SlowStart));
        let next = |k: usize| a.samples.iter().find(|v| v.at > k).expect("a sample after");
        assert_eq!(a.phase_at(next(fr).at), Some(Phase::FastRecovery));
        let end = a.marks[1].at;
        let after_full_ack = next(end);
        assert_eq!(a.phase_at(after_full_ack.at), Some(Phase::SlowStart));
        assert_eq!(after_full_ack.cwnd, Some(2000));
        assert_eq!(after_full_ack.flight, Some(0));
        // At the command that delivered s13, cwnd = 5500 and ssthresh = 2500 (the script's
        // expectations); 5 segments were in flight past SND.UNA = 1001 (s5 lost, s6, s7,
        // s11, s12) and the retransmission adds none.
        let after_s13 = s
            .commands()
            .iter()
            .find(|r| r.trace_end > fr)
            .expect("command")
            .trace_end;
        let v = a.at(after_s13).expect("sample");
        assert_eq!((v.cwnd, v.ssthresh), (Some(5500), Some(2500)));
        assert_eq!(v.flight, Some(5000));
        // B sent no data: it has no markers.
        assert!(m.series(Peer::B).marks.is_empty());
        assert!(!m.series(Peer::B).sent_data);
    }

    #[test]
    fn the_series_starts_with_the_initial_window_and_follows_the_flight() {
        let s = session(
            "set delack off\nset mss 1000\nB listen\nA connect\ndeliver s1\ndeliver s2\ndeliver s3\nA send 3000\n",
        );
        let m = model(&s);
        let a = m.series(Peer::A);
        let s4 = sent_at(&s, 4);
        // Established, nothing sent: the initial window (RFC 5681 §3.1, 4 * 1000 for an MSS
        // of 1000), nothing in flight. After `A send 3000`, three segments in flight.
        let before = a.at(s4).expect("a sample from the handshake");
        assert_eq!((before.cwnd, before.flight), (Some(4000), Some(0)));
        assert_eq!(before.ssthresh, Some(65535));
        assert_eq!(a.phase_at(s4), Some(Phase::SlowStart));
        assert_eq!(a.at(s.len()).map(|v| v.flight), Some(Some(3000)));
        assert_eq!(a.at(s.len()).and_then(|v| v.cwnd), Some(4000));
        // Before the handshake there is nothing to draw.
        assert!(a.at(1).is_none());
    }

    /// CUBIC logs its own rules for fast retransmit and the loss window (its ssthresh is
    /// 0.7 × FlightSize): the strip marks them all the same.
    #[test]
    fn cubic_losses_are_marked_too() {
        let s = session(&format!("set cc cubic\n{}", path("fast-retransmit")));
        let a = model(&s).peers[0].clone();
        let kinds: Vec<_> = a.marks.iter().map(|m| m.kind).collect();
        assert_eq!(kinds, [MarkKind::FastRetransmit, MarkKind::RecoveryEnd]);
        let s = session(
            "set cc cubic\nset delack off\nset mss 1000\nB listen\nA connect\ndeliver s1\ndeliver s2\ndeliver s3\nA send 1000\ndrop s4\nwait 1s\n",
        );
        let a = model(&s).peers[0].clone();
        assert!(a.marks.iter().any(|m| m.kind == MarkKind::Rto));
    }

    #[test]
    fn a_timeout_marks_rto_and_loss_recovery() {
        let s = session(
            "set delack off\nset mss 1000\nB listen\nA connect\ndeliver s1\ndeliver s2\ndeliver s3\nA send 1000\ndrop s4\nwait 1s\n",
        );
        let a = model(&s).peers[0].clone();
        let rto = a
            .marks
            .iter()
            .find(|m| m.kind == MarkKind::Rto)
            .expect("RTO marked");
        assert_eq!(rto.seg, Some(Label(5)), "the retransmission");
        assert_eq!(rto.ack, None);
        assert_eq!(a.phase_at(s.len()), Some(Phase::RtoRecovery));
        let v = a.at(s.len()).unwrap();
        assert_eq!(v.cwnd, Some(1000), "the loss window, 1 SMSS");
    }

    #[test]
    fn without_congestion_control_there_is_no_cwnd() {
        let s = session(
            "set cc none\nB listen\nA connect\ndeliver s1\ndeliver s2\ndeliver s3\nA send 100\n",
        );
        let a = model(&s).peers[0].clone();
        let v = a.at(s.len()).unwrap();
        assert_eq!((v.cwnd, v.ssthresh), (None, None));
        assert_eq!(v.flight, Some(100));
        assert!(v.wnd.is_some());
        assert_eq!(a.phase_at(s.len()), None);
    }

    #[test]
    fn the_bars_split_the_sequence_space() {
        let s = session(&path("fast-retransmit"));
        // After `deliver s7` (s5 lost): A has 4000 in flight from SND.UNA = 1 (s8 not in
        // yet), 2000 queued; cwnd 4000 lets nothing more go.
        let n = s
            .commands()
            .iter()
            .position(|r| r.command.to_string() == "deliver s7")
            .unwrap();
        let after = s.after(n + 1);
        let bar = send_bar(&after.peers[0], true).unwrap();
        assert_eq!((bar.snd_una, bar.snd_nxt), (1, 4001));
        assert_eq!((bar.in_flight, bar.sendable, bar.waiting), (4000, 0, 2000));
        assert_eq!(bar.cwnd, Some(4000));
        assert_eq!(bar.limit(), 4001);
        // B holds s6 and s7 beyond RCV.NXT = 1001: 2000 bytes in two segments.
        let r = recv_bar(&s, Peer::B, &after.peers[1], s.end_of(n + 1)).unwrap();
        assert_eq!(r.rcv_nxt, 1001);
        assert_eq!((r.held, r.held_segments), (2000, 2));
        // Before the handshake there is no bar.
        assert!(send_bar(&s.after(1).peers[0], true).is_none());
    }

    #[test]
    fn why_now_names_the_nagle_hold_and_the_ack_that_released_it() {
        let s = session(&path("nagle-delayed-ack"));
        let trace = s.trace();
        // s6 carries the second piece: held by Nagle, released by B's ACK s5.
        match why_now(&trace, sent_at(&s, 6)) {
            Some(WhyNow::NagleHeld { by, .. }) => assert_eq!(by, Some(Label(5))),
            other => panic!("{other:?}"),
        }
        // s5 is B's ACK that the delayed-ACK timer released.
        assert_eq!(
            why_now(&trace, sent_at(&s, 5)),
            Some(WhyNow::DelayedAckTimer)
        );
        // s4, the first piece, went as soon as it was written.
        assert_eq!(why_now(&trace, sent_at(&s, 4)), Some(WhyNow::Written));
        // s1, the SYN: the connect call.
        assert_eq!(
            why_now(&trace, sent_at(&s, 1)),
            Some(WhyNow::Call(Call::Connect))
        );
    }

    #[test]
    fn why_now_names_fast_retransmit_and_the_ack_that_opened_the_window() {
        let s = session(&path("fast-retransmit"));
        let trace = s.trace();
        assert_eq!(
            why_now(&trace, sent_at(&s, 15)),
            Some(WhyNow::FastRetransmit(Label(13)))
        );
        // s11 and s12 waited for cwnd: s8's ACK made room.
        assert_eq!(
            why_now(&trace, sent_at(&s, 11)),
            Some(WhyNow::WindowOpened(Label(8)))
        );
        assert_eq!(
            why_now(&trace, sent_at(&s, 12)),
            Some(WhyNow::WindowOpened(Label(8)))
        );
        // s9 answers s6 (a duplicate ACK of RCV.NXT).
        assert_eq!(
            why_now(&trace, sent_at(&s, 9)),
            Some(WhyNow::Answer(Label(6)))
        );
    }
}
