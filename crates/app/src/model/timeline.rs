//! An index over the simulator's trace, built once per change, so that the view at any point
//! of the log (time travel) is a few binary searches rather than a replay.
//!
//! It also lays out the sequence chart's vertical axis: every event gets a `y`. Time flows
//! down in proportion to virtual time, with a fixed step for each user action (manual
//! delivery happens at one instant) and long idle gaps compressed to a marked break.

use synack_core::{DropCause, Event, Instant, Label, Peer, Signal, Sim, State, Timer, TraceEvent};

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

/// One segment's life in the log, by event index.
#[derive(Clone, Debug, PartialEq)]
pub struct SegSpan {
    pub label: Label,
    pub from: Peer,
    /// The event that sent it.
    pub sent: usize,
    /// The event that ended its flight, and how.
    pub end: Option<(usize, SegEnd)>,
    /// Events where a duplicate of it arrived.
    pub copies: Vec<usize>,
    /// Whether it was held at some point (the event index).
    pub held: Option<usize>,
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

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Timeline {
    /// Per peer: (event index from which it holds, state). Starts with (0, CLOSED).
    states: [Vec<(usize, State)>; 2],
    /// Per peer and timer: (event index, deadline or None).
    timers: [Vec<(usize, Timer, Option<Instant>)>; 2],
    /// Indexed by label - 1.
    pub segs: Vec<SegSpan>,
    /// The chart's y for each event.
    pub y: Vec<f32>,
    pub gaps: Vec<Gap>,
    /// Virtual time of each event.
    pub times: Vec<Instant>,
    /// Per peer: the events that signalled its user (reset, refused, timed out).
    signals: [Vec<(usize, Signal)>; 2],
    /// Per peer: the events of its user calls.
    calls: [Vec<usize>; 2],
}

impl Timeline {
    pub fn new(sim: &Sim) -> Timeline {
        let trace = sim.trace();
        let mut t = Timeline {
            states: [vec![(0, State::Closed)], vec![(0, State::Closed)]],
            ..Timeline::default()
        };
        t.y.reserve(trace.len());
        t.times.reserve(trace.len());
        let mut y = STEP_PX;
        let mut prev_time = Instant::ZERO;
        for (i, TraceEvent { time, event }) in trace.iter().enumerate() {
            if i > 0 && (starts_moment(event) || *time != prev_time) {
                let dt = (*time - prev_time).millis();
                let drawn = dt as f32 * PX_PER_MS;
                if drawn > GAP_CAP_PX {
                    t.gaps.push(Gap {
                        y: y + GAP_CAP_PX / 2.0,
                        skipped_ms: dt,
                    });
                }
                // Actions at one instant get a step; time gets its scale, but never less
                // than half a step so that rows stay readable.
                y += if dt == 0 {
                    STEP_PX
                } else {
                    drawn.clamp(STEP_PX / 2.0, GAP_CAP_PX)
                };
            }
            prev_time = *time;
            t.y.push(y);
            t.times.push(*time);
            match event {
                Event::StateChange { peer, to, .. } => t.states[peer.index()].push((i + 1, *to)),
                Event::Sent(rec) => t.segs.push(SegSpan {
                    label: rec.label,
                    from: rec.from,
                    sent: i,
                    end: None,
                    copies: Vec::new(),
                    held: None,
                }),
                Event::Delivered { label, copy, .. } => {
                    if let Some(s) = t.seg_mut(*label) {
                        if *copy {
                            s.copies.push(i);
                        } else {
                            s.end = Some((i, SegEnd::Delivered));
                        }
                    }
                }
                Event::Dropped { label, cause } => {
                    if let Some(s) = t.seg_mut(*label) {
                        s.end = Some((i, SegEnd::Dropped(*cause)));
                    }
                }
                Event::Held { label } => {
                    if let Some(s) = t.seg_mut(*label) {
                        s.held = Some(i);
                    }
                }
                Event::TimerSet {
                    peer,
                    timer,
                    deadline,
                } => t.timers[peer.index()].push((i + 1, *timer, Some(*deadline))),
                Event::TimerCleared { peer, timer } => {
                    t.timers[peer.index()].push((i + 1, *timer, None))
                }
                Event::Signal { peer, signal } if *signal != Signal::Closing => {
                    t.signals[peer.index()].push((i, *signal))
                }
                Event::Call { peer, .. } => t.calls[peer.index()].push(i),
                _ => {}
            }
        }
        t
    }

    fn seg_mut(&mut self, label: Label) -> Option<&mut SegSpan> {
        let i = (label.0 as usize).checked_sub(1)?;
        self.segs.get_mut(i)
    }

    pub fn len(&self) -> usize {
        self.y.len()
    }

    pub fn is_empty(&self) -> bool {
        self.y.is_empty()
    }

    /// A peer's state once the first `k` events have happened.
    pub fn state_at(&self, peer: Peer, k: usize) -> State {
        let v = &self.states[peer.index()];
        let i = v.partition_point(|(at, _)| *at <= k);
        v[i.saturating_sub(1)].1
    }

    /// The state changes of a peer among the first `k` events: (event index, new state).
    pub fn state_changes(&self, peer: Peer, k: usize) -> &[(usize, State)] {
        let v = &self.states[peer.index()];
        &v[1..v.partition_point(|(at, _)| *at <= k)]
    }

    /// The state a peer left by its last change among the first `k` events.
    pub fn previous_state_at(&self, peer: Peer, k: usize) -> Option<State> {
        let v = &self.states[peer.index()];
        let i = v.partition_point(|(at, _)| *at <= k);
        (i >= 2).then(|| v[i - 2].1)
    }

    /// The last signal a peer's user got within the first `k` events, unless the user has
    /// made a call since (which starts a new story).
    pub fn recent_signal(&self, peer: Peer, k: usize) -> Option<Signal> {
        let signals = &self.signals[peer.index()];
        let (at, signal) = *signals[..signals.partition_point(|(at, _)| *at < k)].last()?;
        let calls = &self.calls[peer.index()];
        let last_call = calls[..calls.partition_point(|&c| c < k)].last();
        (last_call.is_none_or(|&c| c < at)).then_some(signal)
    }

    /// A timer's deadline once the first `k` events have happened.
    pub fn timer_at(&self, peer: Peer, timer: Timer, k: usize) -> Option<Instant> {
        let v = &self.timers[peer.index()];
        let i = v.partition_point(|(at, _, _)| *at <= k);
        v[..i]
            .iter()
            .rev()
            .find(|(_, t, _)| *t == timer)
            .and_then(|(_, _, d)| *d)
    }

    /// Where a timer armed once the first `k` events have happened was last set: the index
    /// of its `TimerSet` event, and its deadline. The chart draws the countdown from there.
    pub fn timer_set_at(&self, peer: Peer, timer: Timer, k: usize) -> Option<(usize, Instant)> {
        let v = &self.timers[peer.index()];
        let i = v.partition_point(|(at, _, _)| *at <= k);
        let (at, _, deadline) = v[..i].iter().rev().find(|(_, t, _)| *t == timer)?;
        // Entries hold from the event after the one that logged them, so `at` is at least 1.
        deadline.map(|d| (at - 1, d))
    }

    /// Where segment `seg` is once the first `k` events have happened.
    pub fn status(&self, seg: &SegSpan, k: usize) -> SegStatus {
        if seg.sent >= k {
            return SegStatus::NotYetSent;
        }
        match seg.end {
            Some((at, SegEnd::Delivered)) if at < k => SegStatus::Delivered,
            Some((at, SegEnd::Dropped(_))) if at < k => SegStatus::Dropped,
            _ => SegStatus::InFlight,
        }
    }

    /// The virtual time after the first `k` events (the time of event k-1).
    pub fn time_at(&self, k: usize) -> Instant {
        k.checked_sub(1)
            .and_then(|i| self.times.get(i))
            .copied()
            .unwrap_or_default()
    }

    /// The y after the first `k` events.
    pub fn y_at(&self, k: usize) -> f32 {
        k.checked_sub(1)
            .and_then(|i| self.y.get(i))
            .copied()
            .unwrap_or(STEP_PX)
    }

    /// The segments whose arrows overlap the band `top..bottom` once `k` events happened.
    /// Segments are in send order, so those sent below the band are cut off by a binary
    /// search; earlier ones are kept when their flight reaches into the band.
    pub fn segs_in_band(&self, top: f32, bottom: f32, k: usize) -> impl Iterator<Item = &SegSpan> {
        let sent_above_bottom = self.segs.partition_point(|s| self.y[s.sent] <= bottom);
        self.segs[..sent_above_bottom].iter().filter(move |s| {
            if s.sent >= k {
                return false;
            }
            let end_y = match s.end {
                Some((at, _)) if at < k => self.y[at],
                _ => self.y_at(k),
            };
            end_y >= top
        })
    }
}

/// Whether an event is a new action that deserves its own row in the chart.
fn starts_moment(event: &Event) -> bool {
    match event {
        Event::Call { .. } | Event::Delivered { .. } | Event::Held { .. } => true,
        Event::Dropped { cause, .. } => *cause == DropCause::User,
        Event::Sent(rec) => rec.origin == synack_core::Origin::Injected,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use synack_core::script;

    fn timeline(src: &str) -> (Sim, Timeline) {
        let sim = script::run_source(src).unwrap().sim;
        let t = Timeline::new(&sim);
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
        let s1 = &t.segs[0];
        let s2 = &t.segs[1];
        assert_eq!(t.status(s1, s1.sent), SegStatus::NotYetSent);
        assert_eq!(t.status(s1, s1.sent + 1), SegStatus::InFlight);
        assert_eq!(t.status(s1, t.len()), SegStatus::Dropped);
        assert_eq!(t.status(s2, t.len()), SegStatus::InFlight);
    }

    #[test]
    fn y_grows_with_time_and_compresses_long_gaps() {
        let (_, t) = timeline("B listen\nA connect\ndrop s1\nwait 1s\n");
        assert!(t.y.windows(2).all(|w| w[0] <= w[1]));
        assert_eq!(t.gaps.len(), 1);
        assert_eq!(t.gaps[0].skipped_ms, 1000);
        let retransmit = t.segs[1].sent;
        assert!(t.y[retransmit] - t.y[t.segs[0].sent] <= GAP_CAP_PX + 3.0 * STEP_PX);
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
}
