//! An index over the engine's log, so that any point of the run (time travel) is a few binary
//! searches rather than a replay.
//!
//! It is extended with each command's new events, never rebuilt: its lists are [`Chunked`],
//! so the copy a click makes costs what the click adds, however long the run. A property test
//! checks that an index extended command by command equals one built from the whole log.
//!
//! It also lays out the sequence chart's vertical axis: every event gets a `y`. Time flows
//! down in proportion to virtual time, with a fixed step for each user action (manual
//! delivery happens at one instant) and long idle gaps compressed to a marked break.
//!
//! Cursors: "the first `k` events have happened" is cursor `k`; `len()` is the live end.

use synack_core::{
    Cause, DropCause, Event, Instant, Label, Origin, Peer, Rule, SegmentRecord, Signal, State,
    Timer, TraceEvent,
};

use crate::model::chunked::{Chunked, CHUNK};
use crate::model::settings::Settings;

/// Vertical step for one action at the same instant.
pub const STEP_PX: f32 = 36.0;
/// Scale of virtual time.
pub const PX_PER_MS: f32 = 1.2;
/// Longest drawn gap; longer idle times are compressed to this and marked.
pub const GAP_CAP_PX: f32 = 120.0;

/// How a segment's flight ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SegEnd {
    Delivered,
    Dropped(DropCause),
}

/// What the receiver concluded from a segment (the inspector's reasoning).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Effect {
    Transition { from: State, to: State, rule: Rule },
    Note(Rule),
}

impl Effect {
    pub fn rule(self) -> Rule {
        match self {
            Effect::Transition { rule, .. } | Effect::Note(rule) => rule,
        }
    }
}

/// One segment's life in the log, by event index.
#[derive(Clone, Debug, PartialEq)]
pub struct SegSpan {
    /// The segment as it entered the network.
    pub record: SegmentRecord,
    /// The event that sent it.
    pub sent: usize,
    /// The event that ended its flight, and how.
    pub end: Option<(usize, SegEnd)>,
    /// Events where a duplicate of it arrived.
    pub copies: Vec<usize>,
    /// Whether it was held at some point (the event index).
    pub held: Option<usize>,
    /// The IPv4 Identification its sender gave it (1, 2, 3, … per sender, as
    /// `wire::identifications` numbers them).
    pub ident: u16,
    /// What the receiver concluded from it, each delivery and copy included: (event, effect).
    pub effects: Vec<(usize, Effect)>,
}

impl SegSpan {
    pub fn label(&self) -> Label {
        self.record.label
    }

    pub fn from(&self) -> Peer {
        self.record.from
    }

    /// Where the segment is once the first `k` events have happened.
    pub fn status(&self, k: usize) -> SegStatus {
        if self.sent >= k {
            return SegStatus::NotYetSent;
        }
        match self.end {
            Some((at, SegEnd::Delivered)) if at < k => SegStatus::Delivered,
            Some((at, SegEnd::Dropped(_))) if at < k => SegStatus::Dropped,
            _ => SegStatus::InFlight,
        }
    }

    /// Held in flight once the first `k` events have happened.
    pub fn held_at(&self, k: usize) -> bool {
        self.held.is_some_and(|h| h < k) && self.status(k) == SegStatus::InFlight
    }
}

/// Where a segment is at some point of the log.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SegStatus {
    NotYetSent,
    InFlight,
    Delivered,
    Dropped,
}

impl SegStatus {
    /// The `data-status` attribute's spelling.
    pub fn attr(self) -> &'static str {
        match self {
            SegStatus::NotYetSent => "unsent",
            SegStatus::InFlight => "in-flight",
            SegStatus::Delivered => "delivered",
            SegStatus::Dropped => "dropped",
        }
    }
}

/// A compressed stretch of idle time, drawn as a break in the chart.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Gap {
    pub y: f32,
    pub skipped_ms: u64,
}

/// How far down the flights of one chunk of segments reach (see [`Timeline::segs_in_band`]).
#[derive(Clone, Copy, Debug, PartialEq)]
struct Reach {
    /// Segments of the chunk whose flight has not ended: they reach the live end.
    open: u32,
    /// The lowest y an ended flight (or a copy) of the chunk reaches.
    max_end_y: f32,
}

/// A timer's entries: (index of the first event it holds from, deadline or `None` when
/// stopped). The index is that of the event after the one that logged the change.
type TimerLog = Chunked<(usize, Option<Instant>)>;

#[derive(Clone, Debug, PartialEq)]
pub struct Timeline {
    /// Per peer: (event index from which it holds, state). Starts with (0, CLOSED).
    states: [Chunked<(usize, State)>; 2],
    /// Per peer, per timer (by `Timer::index`).
    timers: [[TimerLog; Timer::COUNT]; 2],
    /// Indexed by label - 1: the engine labels segments 1, 2, 3… in the order it logs them.
    segs: Chunked<SegSpan>,
    /// One per chunk of `segs`.
    reach: Chunked<Reach>,
    /// The chart's y for each event.
    y: Chunked<f32>,
    gaps: Chunked<Gap>,
    /// Virtual time of each event.
    times: Chunked<Instant>,
    /// Per peer: the events that signalled its user (reset, refused, timed out).
    signals: [Chunked<(usize, Signal)>; 2],
    /// Per peer: the events of its user calls.
    calls: [Chunked<usize>; 2],
    /// (index of the first event it holds from, the settings then). Starts with the defaults.
    settings: Chunked<(usize, Settings)>,
    /// Packets each peer has sent so far, for the next IPv4 Identification.
    sent_by: [u16; 2],
}

impl Default for Timeline {
    fn default() -> Timeline {
        let initial = || [(0, State::Closed)].into_iter().collect();
        Timeline {
            states: [initial(), initial()],
            timers: Default::default(),
            segs: Chunked::new(),
            reach: Chunked::new(),
            y: Chunked::new(),
            gaps: Chunked::new(),
            times: Chunked::new(),
            signals: Default::default(),
            calls: Default::default(),
            settings: [(0, Settings::default())].into_iter().collect(),
            sent_by: [0; 2],
        }
    }
}

impl Timeline {
    /// The index of a whole log.
    pub fn new(trace: &[TraceEvent]) -> Timeline {
        let mut t = Timeline::default();
        t.extend(trace);
        t
    }

    /// Indexes `events`, the log's entries after the `len()` already indexed.
    pub fn extend(&mut self, events: &[TraceEvent]) {
        for event in events {
            self.push(event);
        }
    }

    fn push(&mut self, TraceEvent { time, event }: &TraceEvent) {
        let i = self.len();
        let y = self.next_y(*time, event);
        self.y.push(y);
        self.times.push(*time);
        match event {
            Event::StateChange {
                peer,
                from,
                to,
                cause,
                rule,
            } => {
                self.states[peer.index()].push((i + 1, *to));
                self.add_effect(
                    *cause,
                    i,
                    Effect::Transition {
                        from: *from,
                        to: *to,
                        rule: *rule,
                    },
                );
            }
            Event::Note { cause, rule, .. } => self.add_effect(*cause, i, Effect::Note(*rule)),
            Event::Sent(rec) => self.push_seg(rec, i),
            Event::Delivered { label, copy, .. } => {
                let end = (!*copy).then_some(SegEnd::Delivered);
                self.touch_seg(*label, i, y, end, |s| {
                    if *copy {
                        s.copies.push(i);
                    }
                });
            }
            Event::Dropped { label, cause } => {
                self.touch_seg(*label, i, y, Some(SegEnd::Dropped(*cause)), |_| {})
            }
            Event::Held { label } => self.touch_seg(*label, i, y, None, |s| s.held = Some(i)),
            Event::TimerSet {
                peer,
                timer,
                deadline,
            } => self.timers[peer.index()][timer.index()].push((i + 1, Some(*deadline))),
            Event::TimerCleared { peer, timer } => {
                self.timers[peer.index()][timer.index()].push((i + 1, None))
            }
            Event::Signal { peer, signal } if *signal != Signal::Closing => {
                self.signals[peer.index()].push((i, *signal))
            }
            Event::Call { peer, .. } => self.calls[peer.index()].push(i),
            Event::Config { .. } => {
                let current = self.settings.last().map(|(_, s)| s);
                if let Some(next) = current.and_then(|s| s.after(event)) {
                    self.settings.push((i + 1, next));
                }
            }
            // The congestion strip reads these (issue 13); the chart has nothing to index.
            Event::Signal { .. } | Event::Window { .. } => {}
        }
    }

    /// The chart's y of an event at `time` after the ones indexed.
    fn next_y(&mut self, time: Instant, event: &Event) -> f32 {
        match (self.y.last(), self.times.last()) {
            (Some(&y), Some(&prev)) if starts_moment(event) || time != prev => {
                let dt = (time - prev).millis();
                let drawn = dt as f32 * PX_PER_MS;
                if drawn > GAP_CAP_PX {
                    self.gaps.push(Gap {
                        y: y + GAP_CAP_PX / 2.0,
                        skipped_ms: dt,
                    });
                }
                // Actions at one instant get a step; time gets its scale, but never less
                // than half a step so that rows stay readable.
                y + if dt == 0 {
                    STEP_PX
                } else {
                    drawn.clamp(STEP_PX / 2.0, GAP_CAP_PX)
                }
            }
            (Some(&y), _) => y,
            (None, _) => STEP_PX,
        }
    }

    /// A segment sent at event `i`.
    fn push_seg(&mut self, rec: &SegmentRecord, i: usize) {
        let n = &mut self.sent_by[rec.from.index()];
        *n = n.wrapping_add(1);
        let ident = *n;
        if self.segs.len().is_multiple_of(CHUNK) {
            self.reach.push(Reach {
                open: 0,
                max_end_y: f32::NEG_INFINITY,
            });
        }
        if let Some(r) = self.reach.last_mut() {
            r.open += 1;
        }
        self.segs.push(SegSpan {
            record: *rec,
            sent: i,
            end: None,
            copies: Vec::new(),
            held: None,
            ident,
            effects: Vec::new(),
        });
    }

    /// Changes segment `label`'s span with `f` at event `i` (row `y`); `end` ends its flight.
    fn touch_seg(
        &mut self,
        label: Label,
        i: usize,
        y: f32,
        end: Option<SegEnd>,
        f: impl FnOnce(&mut SegSpan),
    ) {
        let Some(index) = seg_index(label) else {
            return;
        };
        let Some(span) = self.segs.get_mut(index) else {
            return;
        };
        f(span);
        let ended = end.is_some() && span.end.is_none();
        if let Some(end) = end {
            span.end.get_or_insert((i, end));
        }
        if let Some(r) = self.reach.get_mut(index / CHUNK) {
            r.max_end_y = r.max_end_y.max(y);
            if ended {
                r.open = r.open.saturating_sub(1);
            }
        }
    }

    fn add_effect(&mut self, cause: Cause, i: usize, effect: Effect) {
        if let Cause::Segment(label) = cause {
            if let Some(span) = seg_index(label).and_then(|k| self.segs.get_mut(k)) {
                span.effects.push((i, effect));
            }
        }
    }

    pub fn len(&self) -> usize {
        self.y.len()
    }

    pub fn is_empty(&self) -> bool {
        self.y.is_empty()
    }

    /// Every segment, in label order.
    pub fn segs(&self) -> &Chunked<SegSpan> {
        &self.segs
    }

    /// Segment `label`'s span.
    pub fn seg(&self, label: Label) -> Option<&SegSpan> {
        self.segs.get(seg_index(label)?)
    }

    /// The chart's y of event `i`.
    pub fn y(&self, i: usize) -> Option<f32> {
        self.y.get(i).copied()
    }

    /// The y of the last event (where the chart's drawing ends).
    pub fn last_y(&self) -> f32 {
        self.y.last().copied().unwrap_or(STEP_PX)
    }

    /// The virtual time of event `i`.
    pub fn time(&self, i: usize) -> Option<Instant> {
        self.times.get(i).copied()
    }

    /// The compressed idle stretches whose mark lies in `top..=bottom`, with their index.
    pub fn gaps_in(&self, top: f32, bottom: f32) -> impl Iterator<Item = (usize, &Gap)> + '_ {
        let lo = self.gaps.partition_point(|g| g.y < top);
        let hi = self.gaps.partition_point(|g| g.y <= bottom).max(lo);
        self.gaps
            .iter_from(lo)
            .take(hi - lo)
            .enumerate()
            .map(move |(k, g)| (lo + k, g))
    }

    /// A peer's state once the first `k` events have happened.
    pub fn state_at(&self, peer: Peer, k: usize) -> State {
        let v = &self.states[peer.index()];
        let i = v.partition_point(|(at, _)| *at <= k);
        // The list starts with (0, CLOSED), which every `k` passes.
        v[i.saturating_sub(1)].1
    }

    /// The state changes of a peer among the first `k` events: (event index + 1, new state).
    pub fn state_changes(&self, peer: Peer, k: usize) -> impl Iterator<Item = (usize, State)> + '_ {
        let v = &self.states[peer.index()];
        let end = v.partition_point(|(at, _)| *at <= k);
        v.iter_from(1).take(end.saturating_sub(1)).copied()
    }

    /// A peer's state changes among the first `k` events whose row lies in `top..=bottom`.
    pub fn state_changes_in(
        &self,
        peer: Peer,
        k: usize,
        top: f32,
        bottom: f32,
    ) -> impl Iterator<Item = (usize, State)> + '_ {
        let v = &self.states[peer.index()];
        let end = v.partition_point(|(at, _)| *at <= k);
        let row = |at: usize| self.y(at.saturating_sub(1)).unwrap_or(STEP_PX);
        // Entry 0 is the initial CLOSED, not a change.
        let lo = v
            .partition_point(|&(at, _)| at == 0 || row(at) < top)
            .max(1);
        let hi = v
            .partition_point(|&(at, _)| at == 0 || row(at) <= bottom)
            .min(end);
        v.iter_from(lo).take(hi.saturating_sub(lo)).copied()
    }

    /// A peer's latest transition among the first `k` events: (event index + 1, from, to).
    pub fn last_transition(&self, peer: Peer, k: usize) -> Option<(usize, State, State)> {
        let v = &self.states[peer.index()];
        let i = v.partition_point(|(at, _)| *at <= k);
        if i < 2 {
            return None;
        }
        let (at, to) = v[i - 1];
        Some((at, v[i - 2].1, to))
    }

    /// The last signal a peer's user got within the first `k` events, unless the user has
    /// made a call since (which starts a new story).
    pub fn recent_signal(&self, peer: Peer, k: usize) -> Option<Signal> {
        let signals = &self.signals[peer.index()];
        let n = signals.partition_point(|(at, _)| *at < k);
        let (at, signal) = *signals.get(n.checked_sub(1)?)?;
        let calls = &self.calls[peer.index()];
        let c = calls.partition_point(|&c| c < k);
        let last_call = c.checked_sub(1).and_then(|c| calls.get(c));
        (last_call.is_none_or(|&c| c < at)).then_some(signal)
    }

    /// A timer's entry in force once the first `k` events have happened.
    fn timer_entry(&self, peer: Peer, timer: Timer, k: usize) -> Option<(usize, Option<Instant>)> {
        let v = &self.timers[peer.index()][timer.index()];
        let i = v.partition_point(|(at, _)| *at <= k);
        v.get(i.checked_sub(1)?).copied()
    }

    /// A timer's deadline once the first `k` events have happened.
    pub fn timer_at(&self, peer: Peer, timer: Timer, k: usize) -> Option<Instant> {
        self.timer_entry(peer, timer, k)?.1
    }

    /// Where a timer running once the first `k` events have happened was last set: the index
    /// of its `TimerSet` event, and its deadline. The chart draws the countdown from there.
    pub fn timer_set_at(&self, peer: Peer, timer: Timer, k: usize) -> Option<(usize, Instant)> {
        let (at, deadline) = self.timer_entry(peer, timer, k)?;
        // Entries hold from the event after the one that logged them, so `at` is at least 1.
        deadline.map(|d| (at - 1, d))
    }

    /// The settings once the first `k` events have happened.
    pub fn settings_at(&self, k: usize) -> &Settings {
        let i = self.settings.partition_point(|(at, _)| *at <= k);
        // The list starts with the defaults at 0, which every `k` passes.
        &self.settings[i.saturating_sub(1)].1
    }

    /// The virtual time after the first `k` events (the time of event k-1).
    pub fn time_at(&self, k: usize) -> Instant {
        k.checked_sub(1)
            .and_then(|i| self.time(i))
            .unwrap_or_default()
    }

    /// The y after the first `k` events.
    pub fn y_at(&self, k: usize) -> f32 {
        k.checked_sub(1).and_then(|i| self.y(i)).unwrap_or(STEP_PX)
    }

    /// The segments whose arrows overlap the band `top..bottom` once `k` events happened.
    /// Segments are in send order, so a chunk of them sent below the band ends the search;
    /// a chunk whose flights all ended above the band is skipped whole. The cost is one test
    /// per chunk plus the segments of the chunks that reach the band.
    pub fn segs_in_band(&self, top: f32, bottom: f32, k: usize) -> impl Iterator<Item = &SegSpan> {
        let y = move |i: usize| self.y(i).unwrap_or(STEP_PX);
        self.segs
            .chunks()
            .zip(self.reach.iter())
            .take_while(move |(chunk, _)| chunk.first().is_some_and(|s| y(s.sent) <= bottom))
            .filter(move |(_, r)| r.open > 0 || r.max_end_y >= top)
            .flat_map(|(chunk, _)| chunk.iter())
            .filter(move |s| {
                if s.sent >= k || y(s.sent) > bottom {
                    return false;
                }
                let end_y = match s.end {
                    Some((at, _)) if at < k => y(at),
                    _ => self.y_at(k),
                };
                end_y >= top
            })
    }
}

/// A label's index in the segment list: labels count from 1.
fn seg_index(label: Label) -> Option<usize> {
    (label.0 as usize).checked_sub(1)
}

/// Whether an event is a new action that deserves its own row in the chart.
fn starts_moment(event: &Event) -> bool {
    match event {
        Event::Call { .. } | Event::Delivered { .. } | Event::Held { .. } => true,
        Event::Dropped { cause, .. } => *cause == DropCause::User,
        Event::Sent(rec) => rec.origin == Origin::Injected,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use synack_core::{script, Sim};

    fn timeline(src: &str) -> (Sim, Timeline) {
        let sim = script::run_source(src).unwrap().sim;
        let t = Timeline::new(sim.trace());
        (sim, t)
    }

    #[test]
    fn states_at_every_point_match_a_replay() {
        let src = "B listen\nA connect\ndeliver s1\ndeliver s2\ndeliver s3\nA close\n";
        let (sim, t) = timeline(src);
        assert_eq!(t.state_at(Peer::A, 0), State::Closed);
        assert_eq!(t.state_at(Peer::A, t.len()), sim.state(Peer::A));
        assert_eq!(t.state_at(Peer::B, t.len()), State::Established);
        // Replaying each prefix of the script gives the state the index reports there.
        let lines: Vec<&str> = src.lines().collect();
        for n in 0..=lines.len() {
            let prefix = script::run_source(&lines[..n].join("\n")).unwrap().sim;
            let k = prefix.trace().len();
            for peer in Peer::BOTH {
                assert_eq!(
                    t.state_at(peer, k),
                    prefix.state(peer),
                    "{peer} after {n} lines"
                );
            }
        }
    }

    #[test]
    fn segment_status_follows_the_log() {
        let (_, t) = timeline("B listen\nA connect\ndrop s1\nwait 1s\n");
        let s1 = t.seg(Label(1)).unwrap();
        let s2 = t.seg(Label(2)).unwrap();
        assert_eq!(s1.status(s1.sent), SegStatus::NotYetSent);
        assert_eq!(s1.status(s1.sent + 1), SegStatus::InFlight);
        assert_eq!(s1.status(t.len()), SegStatus::Dropped);
        assert_eq!(s2.status(t.len()), SegStatus::InFlight);
        assert_eq!(s2.record.origin, Origin::Retransmission);
    }

    #[test]
    fn y_grows_with_time_and_compresses_long_gaps() {
        let (_, t) = timeline("B listen\nA connect\ndrop s1\nwait 1s\n");
        let ys: Vec<f32> = (0..t.len()).filter_map(|i| t.y(i)).collect();
        assert!(ys.windows(2).all(|w| w[0] <= w[1]));
        let gaps: Vec<_> = t.gaps_in(f32::MIN, f32::MAX).collect();
        assert_eq!(gaps.len(), 1);
        assert_eq!(gaps[0].1.skipped_ms, 1000);
        let (s1, s2) = (t.seg(Label(1)).unwrap(), t.seg(Label(2)).unwrap());
        assert!(t.y[s2.sent] - t.y[s1.sent] <= GAP_CAP_PX + 3.0 * STEP_PX);
    }

    #[test]
    fn signals_last_until_the_next_call() {
        let (_, t) = timeline("A connect\ndeliver s1\ndeliver s2\n");
        assert_eq!(t.recent_signal(Peer::A, t.len()), Some(Signal::Refused));
        assert_eq!(t.recent_signal(Peer::B, t.len()), None);
        let (_, t) = timeline("A connect\ndeliver s1\ndeliver s2\nA listen\n");
        assert_eq!(t.recent_signal(Peer::A, t.len()), None);
    }

    #[test]
    fn timers_are_known_at_each_point() {
        let (_, t) = timeline("B listen\nA connect\n");
        assert_eq!(
            t.timer_at(Peer::A, Timer::Retransmission, t.len()),
            Some(Instant(1000))
        );
        assert_eq!(t.timer_at(Peer::A, Timer::Retransmission, 0), None);
    }

    #[test]
    fn timer_set_at_points_at_the_timer_set_event() {
        let (sim, t) = timeline("B listen\nA connect\n");
        let (at, deadline) = t
            .timer_set_at(Peer::A, Timer::Retransmission, t.len())
            .expect("A's RTO runs after connect");
        assert_eq!(deadline, Instant(1000));
        assert!(matches!(
            sim.trace()[at].event,
            Event::TimerSet {
                peer: Peer::A,
                timer: Timer::Retransmission,
                ..
            }
        ));
        assert_eq!(t.timer_set_at(Peer::A, Timer::Retransmission, at), None);
        assert_eq!(t.timer_set_at(Peer::A, Timer::TimeWait, t.len()), None);
    }

    #[test]
    fn settings_are_known_at_each_point() {
        let (_, t) = timeline("B listen\nA connect\nset delivery auto\nset latency 10ms\n");
        let before = t.seg(Label(1)).unwrap().sent + 1;
        assert_eq!(
            t.settings_at(before).network.delivery,
            synack_core::Delivery::Manual
        );
        let end = t.settings_at(t.len());
        assert_eq!(end.network.delivery, synack_core::Delivery::Auto);
        assert_eq!(end.network.latency, synack_core::Duration::from_millis(10));
    }

    #[test]
    fn the_receivers_reasoning_is_kept_with_the_segment() {
        let (_, t) = timeline("B listen\nA connect\ndeliver s1\n");
        let s1 = t.seg(Label(1)).unwrap();
        assert!(matches!(
            s1.effects.as_slice(),
            [(
                _,
                Effect::Transition {
                    from: State::Listen,
                    to: State::SynReceived,
                    ..
                }
            )]
        ));
        assert!(t.seg(Label(2)).unwrap().effects.is_empty());
    }

    #[test]
    fn identifications_count_per_sender_as_the_wire_module_does() {
        let (sim, t) = timeline("B listen\nA connect\ndeliver s1\ndeliver s2\nA send 10\n");
        let ids = synack_core::wire::identifications(sim.segments());
        let ours: Vec<u16> = t.segs().iter().map(|s| s.ident).collect();
        assert_eq!(ours, ids);
    }

    /// The band search skips whole chunks; it must find exactly what a scan of every segment
    /// finds, at any cursor and band, with long-held segments among many short flights.
    #[test]
    fn the_band_search_finds_what_a_full_scan_finds() {
        let mut src =
            String::from("set delivery auto\nset loss 2%\nB listen\nA connect\nwait 1s\n");
        // s4 is held in flight for the whole run; the loss adds retransmissions.
        src += "inject A->B ACK seq=1 ack=1 inflight\nhold s4\nA send 1000000\n";
        src += &"wait 100ms\n".repeat(150);
        let (_, t) = timeline(&src);
        assert!(t.segs().len() > 3 * CHUNK, "{} segments", t.segs().len());
        let bottom_of_run = t.last_y();
        for k in [t.len() / 7, t.len() / 2, t.len() - 3, t.len()] {
            for top in [0.0, bottom_of_run / 3.0, bottom_of_run * 0.8] {
                let bottom = top + 700.0;
                let scan: Vec<Label> = t
                    .segs()
                    .iter()
                    .filter(|s| {
                        let end_y = match s.end {
                            Some((at, _)) if at < k => t.y[at],
                            _ => t.y_at(k),
                        };
                        s.sent < k && t.y[s.sent] <= bottom && end_y >= top
                    })
                    .map(SegSpan::label)
                    .collect();
                let found: Vec<Label> =
                    t.segs_in_band(top, bottom, k).map(SegSpan::label).collect();
                assert_eq!(found, scan, "k {k}, band {top}..{bottom}");
            }
        }
    }
}
