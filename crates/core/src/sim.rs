//! The simulator: two endpoints, a network between them, a virtual clock and the log.
//!
//! Every segment that enters the network gets the next label (`s1`, `s2`, …). In-flight
//! segments can be delivered in any order, dropped, duplicated or held. With manual delivery
//! they wait for `deliver`; with auto delivery they arrive one latency after they were sent as
//! time advances. Everything is deterministic: the same inputs give the same log.

use std::hash::{Hash, Hasher};

use serde::Serialize;

use crate::endpoint::{
    Call, CallError, Config, Endpoint, EndpointEvent, Timer, TimerTable, Windows,
};
use crate::segment::Segment;
use crate::seq::SeqNum;
use crate::setting::Setting;
use crate::state::State;
use crate::time::{Duration, Instant};
use crate::trace::{Cause, DropCause, Event, Label, Origin, Peer, SegmentRecord, TraceEvent};

/// How in-flight segments reach their destination.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Delivery {
    /// Segments stay in flight until delivered or dropped by hand.
    Manual,
    /// Segments arrive one latency after they were sent, as time advances.
    Auto,
}

/// Settings of the network (the endpoints' own are in [`Config`]).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct NetworkSettings {
    /// One-way delay in auto delivery.
    pub latency: Duration,
    /// Whether segments wait for `deliver` or arrive by themselves.
    pub delivery: Delivery,
    /// Chance that a segment a peer sends is lost, in parts per million.
    pub loss_ppm: u32,
    /// The seed of the loss generator.
    pub seed: u64,
}

impl Default for NetworkSettings {
    fn default() -> NetworkSettings {
        NetworkSettings {
            latency: Duration::from_millis(50),
            delivery: Delivery::Manual,
            loss_ppm: 0,
            seed: 1,
        }
    }
}

/// A runtime error: an action that the current situation does not allow.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SimError {
    /// The label names no segment that is in flight now.
    NotInFlight(Label),
    /// A setting's value is out of bounds.
    Setting(String),
    /// `wait` processed more events than any sane run needs: two peers are ping-ponging.
    Livelock {
        /// How many events that `wait` had processed.
        events: u64,
    },
}

impl core::fmt::Display for SimError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            SimError::NotInFlight(label) => write!(f, "{label} is not in flight"),
            SimError::Setting(msg) => f.write_str(msg),
            SimError::Livelock { events } => write!(
                f,
                "stopped after {events} events in one wait: too much happens in this stretch of time to simulate (endless retransmissions or answers)"
            ),
        }
    }
}

/// A segment on the network.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct InFlight {
    /// Which segment.
    pub label: Label,
    /// When auto delivery will deliver it; `None` in manual delivery or while held.
    pub arrive_at: Option<Instant>,
    /// `hold`: auto delivery passes it by until it is delivered or dropped by hand.
    pub held: bool,
}

/// The bound on events processed by one `wait`.
pub(crate) const MAX_EVENTS_PER_WAIT: u64 = 300_000;

/// Default ISNs, as in RFC 9293's figures: A starts at 100, B at 300.
pub const DEFAULT_ISN: [u32; 2] = [100, 300];

/// Two peers, the network and the log.
#[derive(Clone, Debug)]
pub struct Sim {
    now: Instant,
    /// Indexed by `Peer::index`, which is 0 or 1, as is every per-peer array here.
    peers: [Endpoint; 2],
    net: NetworkSettings,
    rng: u64,
    in_flight: Vec<InFlight>,
    segments: Vec<SegmentRecord>,
    trace: Vec<TraceEvent>,
    /// Each peer's timers as last written to the log, to log only changes.
    logged_timers: [TimerTable; 2],
    /// Each peer's windows as last written to the log, to log only changes.
    logged_windows: [Option<Windows>; 2],
    /// Scheduled arrivals are in `in_flight` order (see `next_arrival`).
    arrivals_in_send_order: bool,
}

impl Default for Sim {
    fn default() -> Sim {
        Sim::new()
    }
}

impl Sim {
    /// Two CLOSED peers with the default settings and ISNs, at time zero, manual delivery.
    pub fn new() -> Sim {
        let net = NetworkSettings::default();
        Sim {
            now: Instant::ZERO,
            peers: [
                Endpoint::new(Config::default(), DEFAULT_ISN[0]),
                Endpoint::new(Config::default(), DEFAULT_ISN[1]),
            ],
            rng: net.seed,
            net,
            in_flight: Vec::new(),
            segments: Vec::new(),
            trace: Vec::new(),
            logged_timers: [TimerTable::default(); 2],
            logged_windows: [None; 2],
            arrivals_in_send_order: true,
        }
    }

    /// The virtual clock.
    pub fn now(&self) -> Instant {
        self.now
    }

    /// The peer's state.
    pub fn state(&self, peer: Peer) -> State {
        self.peers[peer.index()].state()
    }

    /// The peer's endpoint, to read its TCB, timers and settings.
    pub fn endpoint(&self, peer: Peer) -> &Endpoint {
        &self.peers[peer.index()]
    }

    /// The network's settings now.
    pub fn network(&self) -> &NetworkSettings {
        &self.net
    }

    /// Every segment that ever entered the network; `segments()[k-1]` is `sk`.
    pub fn segments(&self) -> &[SegmentRecord] {
        &self.segments
    }

    /// Segment `label`, if it has entered the network.
    pub fn segment(&self, label: Label) -> Option<&SegmentRecord> {
        let index = usize::try_from(label.0).ok()?.checked_sub(1)?;
        self.segments.get(index)
    }

    /// The segments in flight now, in label order.
    pub fn in_flight(&self) -> &[InFlight] {
        &self.in_flight
    }

    /// The log: everything that happened, in order.
    pub fn trace(&self) -> &[TraceEvent] {
        &self.trace
    }

    /// When something happens next by itself: a timer, or an arrival in auto delivery.
    pub fn next_wakeup(&self) -> Option<Instant> {
        let arrival = self.next_arrival().map(|(_, at)| at);
        arrival.into_iter().chain(self.next_timer()).min()
    }

    /// The in-flight segment that auto delivery delivers next: its index and arrival time.
    ///
    /// Arrival is send time plus a latency, so while the latency stays the same the segments
    /// arrive in the order they were sent, which is the order of `in_flight`: the first one
    /// scheduled is the next. Only a latency change while segments fly breaks that, and
    /// then (until the network is empty again) the earliest is searched for.
    fn next_arrival(&self) -> Option<(usize, Instant)> {
        if self.net.delivery == Delivery::Manual {
            return None;
        }
        let scheduled = self
            .in_flight
            .iter()
            .enumerate()
            .filter_map(|(i, f)| f.arrive_at.map(|at| (i, at)));
        if self.arrivals_in_send_order {
            scheduled.into_iter().next()
        } else {
            scheduled.min_by_key(|&(i, at)| (at, i))
        }
    }

    /// The next timer deadline of either peer, ignoring arrivals.
    pub fn next_timer(&self) -> Option<Instant> {
        self.peers.iter().filter_map(Endpoint::poll_timeout).min()
    }

    // ---- Settings ----

    /// Applies a setting from now on, and logs it. A value out of bounds (possible only for
    /// a setting built in code; parsing checks them) is refused without a change.
    pub fn set(&mut self, setting: Setting) -> Result<(), SimError> {
        setting.check().map_err(SimError::Setting)?;
        if let Setting::Isn(peer, isn) = setting {
            self.peers[peer.index()].set_next_isn(isn);
        } else if self.net.apply(&setting) {
            match setting {
                Setting::Latency(_) if self.in_flight.iter().any(|f| f.arrive_at.is_some()) => {
                    self.arrivals_in_send_order = false;
                }
                Setting::Delivery(_) => self.reschedule_in_flight(),
                Setting::Seed(seed) => self.rng = seed,
                _ => {}
            }
        } else {
            let mut config = self.peers[0].config().clone();
            config.apply(&setting);
            for ep in &mut self.peers {
                ep.set_config(config.clone());
            }
            // A setting can stop a timer (keep-alive off): the log must say so.
            for peer in Peer::BOTH {
                self.log_timer_changes(peer);
            }
        }
        self.log(Event::Config(setting));
        // A setting can change a window (`set window`) or the phase (`set cc`).
        for peer in Peer::BOTH {
            self.log_window_changes(peer);
        }
        Ok(())
    }

    fn reschedule_in_flight(&mut self) {
        let auto = self.net.delivery == Delivery::Auto;
        let at = self.now + self.net.latency;
        for f in &mut self.in_flight {
            f.arrive_at = (auto && !f.held).then_some(at);
        }
    }

    // ---- User calls ----

    /// A user call on `peer`. A call the RFC rejects is logged with its error and returned.
    pub fn call(&mut self, peer: Peer, call: Call) -> Result<(), CallError> {
        let result = self.peers[peer.index()].call(call, self.now);
        self.log(Event::Call {
            peer,
            call,
            error: result.err(),
        });
        self.drain(peer, Some(Cause::Call(call)));
        result
    }

    // ---- The network ----

    fn in_flight_index(&self, label: Label) -> Result<usize, SimError> {
        self.in_flight
            .iter()
            .position(|f| f.label == label)
            .ok_or(SimError::NotInFlight(label))
    }

    /// In-flight segment `label` arrives now.
    pub fn deliver(&mut self, label: Label) -> Result<(), SimError> {
        let i = self.in_flight_index(label)?;
        self.in_flight.remove(i);
        self.arrive(label, false);
        Ok(())
    }

    /// In-flight segment `label` is lost.
    pub fn drop_segment(&mut self, label: Label) -> Result<(), SimError> {
        let i = self.in_flight_index(label)?;
        self.in_flight.remove(i);
        self.log(Event::Dropped {
            label,
            cause: DropCause::User,
        });
        Ok(())
    }

    /// A copy of in-flight segment `label` arrives now; the original stays in flight.
    pub fn duplicate(&mut self, label: Label) -> Result<(), SimError> {
        self.in_flight_index(label)?;
        self.arrive(label, true);
        Ok(())
    }

    /// In-flight segment `label` stays in flight until delivered or dropped by hand.
    pub fn hold(&mut self, label: Label) -> Result<(), SimError> {
        // `in_flight_index` found `i` in `in_flight` just now.
        let i = self.in_flight_index(label)?;
        self.in_flight[i].held = true;
        self.in_flight[i].arrive_at = None;
        self.log(Event::Held { label });
        Ok(())
    }

    /// A segment claiming to come from `from` arrives at the other peer now. Its label is
    /// returned.
    pub fn inject(&mut self, from: Peer, segment: Segment) -> Label {
        let label = self.record(from, segment, Origin::Injected);
        self.arrive(label, false);
        label
    }

    /// A segment claiming to come from `from` enters the network and stays in flight like
    /// any other (arriving after the latency in auto delivery). Its label is returned.
    pub fn inject_in_flight(&mut self, from: Peer, segment: Segment) -> Label {
        let label = self.record(from, segment, Origin::Injected);
        self.put_in_flight(label);
        label
    }

    fn put_in_flight(&mut self, label: Label) {
        let arrive_at = (self.net.delivery == Delivery::Auto).then(|| self.now + self.net.latency);
        self.in_flight.push(InFlight {
            label,
            arrive_at,
            held: false,
        });
    }

    /// The ISN that relative numbers of `peer` are counted from: its current connection's,
    /// else its last one's, else zero (a peer that never opened has no ISN).
    pub fn isn_base(&self, peer: Peer) -> SeqNum {
        self.peers[peer.index()].iss_base().unwrap_or_default()
    }

    fn arrive(&mut self, label: Label, copy: bool) {
        let Some(rec) = self.segment(label).copied() else {
            return;
        };
        self.log(Event::Delivered {
            label,
            to: rec.to,
            copy,
        });
        self.peers[rec.to.index()].handle_segment(rec.segment, self.now);
        self.drain(rec.to, Some(Cause::Segment(label)));
    }

    /// Labels a segment entering the network and logs it.
    fn record(&mut self, from: Peer, segment: Segment, origin: Origin) -> Label {
        let label = Label(self.segments.len() as u32 + 1);
        let to = from.other();
        let rec = SegmentRecord {
            label,
            from,
            to,
            sent_at: self.now,
            origin,
            segment,
            rel_seq: segment.seq.offset_from(self.isn_base(from)),
            rel_ack: segment
                .flags
                .ack()
                .then(|| segment.ack.offset_from(self.isn_base(to))),
        };
        self.segments.push(rec);
        self.log(Event::Sent(rec));
        label
    }

    /// Moves an endpoint's outputs into the log and onto the network. `cause` is what set
    /// them in motion: a call or a segment, or `None` after `handle_timeout`, whose
    /// `TimerFired` events name the timer behind the events that follow each.
    fn drain(&mut self, peer: Peer, mut cause: Option<Cause>) {
        let i = peer.index();
        while let Some(ev) = self.peers[i].poll_event() {
            let event = match (ev, cause) {
                (EndpointEvent::TimerFired(timer), _) => {
                    cause = Some(Cause::Timer(timer));
                    continue;
                }
                (EndpointEvent::Signal(signal), _) => Event::Signal { peer, signal },
                (EndpointEvent::StateChange { from, to, rule }, Some(cause)) => {
                    Event::StateChange {
                        peer,
                        from,
                        to,
                        cause,
                        rule,
                    }
                }
                (EndpointEvent::Note(rule), Some(cause)) => Event::Note { peer, cause, rule },
                (EndpointEvent::StateChange { .. } | EndpointEvent::Note(_), None) => {
                    // Unreachable: `handle_timeout` announces each timer before what it does.
                    debug_assert!(false, "{peer}: an event of a timeout before its TimerFired");
                    continue;
                }
            };
            self.log(event);
        }
        while let Some(tx) = self.peers[i].poll_transmit() {
            let origin = if tx.retransmission {
                Origin::Retransmission
            } else {
                Origin::Sent
            };
            let label = self.record(peer, tx.segment, origin);
            if self.lose_next() {
                self.log(Event::Dropped {
                    label,
                    cause: DropCause::Loss,
                });
                continue;
            }
            self.put_in_flight(label);
        }
        self.log_window_changes(peer);
        self.log_timer_changes(peer);
    }

    /// SplitMix64: a seeded generator, so loss is reproducible.
    fn lose_next(&mut self) -> bool {
        if self.net.loss_ppm == 0 {
            return false;
        }
        self.rng = self.rng.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.rng;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        z % 1_000_000 < u64::from(self.net.loss_ppm)
    }

    fn log_timer_changes(&mut self, peer: Peer) {
        let now = *self.peers[peer.index()].timers();
        for timer in Timer::ALL {
            let deadline = now.get(timer);
            if deadline != self.logged_timers[peer.index()].get(timer) {
                self.log(match deadline {
                    Some(deadline) => Event::TimerSet {
                        peer,
                        timer,
                        deadline,
                    },
                    None => Event::TimerCleared { peer, timer },
                });
            }
        }
        self.logged_timers[peer.index()] = now;
    }

    /// Logs the peer's windows when they differ from the last logged (see [`Event::Window`]).
    fn log_window_changes(&mut self, peer: Peer) {
        let now = self.peers[peer.index()].windows();
        if now != self.logged_windows[peer.index()] {
            self.logged_windows[peer.index()] = now;
            if let Some(windows) = now {
                self.log(Event::Window { peer, windows });
            }
        }
    }

    fn log(&mut self, event: Event) {
        self.trace.push(TraceEvent {
            time: self.now,
            event,
        });
    }

    // ---- Time ----

    /// Advances the clock by `by`. Due timers fire and, in auto delivery, segments arrive, in
    /// time order; at equal times arrivals come first (in label order), then A's timers, then
    /// B's.
    pub fn wait(&mut self, by: Duration) -> Result<(), SimError> {
        let until = self.now + by;
        let mut events = 0u64;
        loop {
            if self.in_flight.is_empty() {
                self.arrivals_in_send_order = true;
            }
            let arrival = self.next_arrival();
            let timer = self.next_timer();
            let next = match (arrival, timer) {
                (Some((_, a)), Some(t)) => a.min(t),
                (Some((_, a)), None) => a,
                (None, Some(t)) => t,
                (None, None) => break,
            };
            if next > until {
                break;
            }
            events += 1;
            if events > MAX_EVENTS_PER_WAIT {
                return Err(SimError::Livelock { events });
            }
            self.now = next;
            // At equal times arrivals come first.
            if let Some((i, at)) = arrival.filter(|&(_, at)| at == next) {
                debug_assert!(at <= next);
                let label = self.in_flight.remove(i).label;
                self.arrive(label, false);
                continue;
            }
            for peer in Peer::BOTH {
                let due = self.peers[peer.index()]
                    .poll_timeout()
                    .is_some_and(|t| t <= next);
                if due {
                    self.peers[peer.index()].handle_timeout(next);
                    self.drain(peer, None);
                    break;
                }
            }
        }
        self.now = until;
        Ok(())
    }
}

/// What the explorer (`crate::explore`) needs from the simulator: a copy to search from that
/// carries no history, and a fingerprint of the state that decides the future.
impl Sim {
    /// A copy of this moment without the log: the in-flight segments are the only records
    /// kept, relabelled `s1`, `s2`, … in label order, and the labels they had are returned
    /// in the same order. A segment the copy sends gets the label after them, so the copy's
    /// label `k` beyond those is the original's `k - in_flight + segments().len()`.
    pub(crate) fn search_root(&self) -> (Sim, Vec<Label>) {
        let mut segments = Vec::with_capacity(self.in_flight.len());
        let mut in_flight = Vec::with_capacity(self.in_flight.len());
        let mut labels = Vec::with_capacity(self.in_flight.len());
        for f in &self.in_flight {
            // Every in-flight label names a record: `put_in_flight` follows `record`.
            let Some(rec) = self.segment(f.label) else {
                continue;
            };
            let label = Label(segments.len() as u32 + 1);
            segments.push(SegmentRecord { label, ..*rec });
            in_flight.push(InFlight { label, ..*f });
            labels.push(f.label);
        }
        let root = Sim {
            now: self.now,
            peers: self.peers.clone(),
            net: self.net.clone(),
            rng: self.rng,
            in_flight,
            segments,
            trace: Vec::new(),
            logged_timers: self.logged_timers,
            logged_windows: self.logged_windows,
            arrivals_in_send_order: self.arrivals_in_send_order,
        };
        (root, labels)
    }

    /// Forgets the log (the records of sent segments stay: in-flight labels point at them).
    pub(crate) fn clear_trace(&mut self) {
        self.trace.clear();
    }

    /// Feeds into `h` what decides the run from here: both endpoints, the network settings,
    /// the loss generator and the in-flight segments in label order, but not their labels,
    /// nor the clock (every time is taken relative to `now`), nor the log. Two moments with
    /// the same fingerprint go on the same way, up to labels and a shift in time.
    ///
    /// The pattern names every field: a new one does not compile until it is dealt with here.
    pub(crate) fn fingerprint<H: Hasher>(&self, h: &mut H) {
        let Sim {
            now,
            peers,
            net,
            rng,
            in_flight,
            segments: _,
            trace: _,
            // What was last written to the log, so that the log shows changes only.
            logged_timers: _,
            logged_windows: _,
            // A shortcut: arrivals come in the same order with it or without.
            arrivals_in_send_order: _,
        } = self;
        for peer in peers {
            peer.fingerprint(*now, h);
        }
        (net, rng, in_flight.len()).hash(h);
        for f in in_flight {
            if let Some(rec) = self.segment(f.label) {
                (rec.from, rec.segment).hash(h);
            }
            (f.held, f.arrive_at.map(|at| at.since(*now))).hash(h);
        }
    }
}

/// A simulator's state at one moment without its log: with the log up to that moment,
/// [`Sim::resume`] carries on from there exactly. Its size does not grow with the run (the
/// peers, the network, what is in flight), so a front end can keep one every few steps and
/// go back without replaying from the start.
#[derive(Clone, Debug)]
pub struct Checkpoint {
    /// The simulator with an empty log.
    state: Sim,
    /// The log's lengths when it was taken.
    segments_len: usize,
    trace_len: usize,
}

impl Checkpoint {
    /// The length of the log when the checkpoint was taken.
    pub fn trace_len(&self) -> usize {
        self.trace_len
    }
}

impl Sim {
    /// The state now, without the log.
    pub fn checkpoint(&self) -> Checkpoint {
        Checkpoint {
            state: Sim {
                now: self.now,
                peers: self.peers.clone(),
                net: self.net.clone(),
                rng: self.rng,
                in_flight: self.in_flight.clone(),
                segments: Vec::new(),
                trace: Vec::new(),
                logged_timers: self.logged_timers,
                logged_windows: self.logged_windows,
                arrivals_in_send_order: self.arrivals_in_send_order,
            },
            segments_len: self.segments.len(),
            trace_len: self.trace.len(),
        }
    }

    /// The simulator as it was at `checkpoint`, given its log: `segments` and `trace` must
    /// start with the log as it was then (a later log of the same run will do: only that
    /// much of it is copied). `None` when they are shorter.
    pub fn resume(
        checkpoint: &Checkpoint,
        segments: &[SegmentRecord],
        trace: &[TraceEvent],
    ) -> Option<Sim> {
        let mut sim = checkpoint.state.clone();
        sim.segments = segments.get(..checkpoint.segments_len)?.to_vec();
        sim.trace = trace.get(..checkpoint.trace_len)?.to_vec();
        Some(sim)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::segment::Flags;

    #[test]
    fn a_latency_change_in_flight_keeps_arrivals_in_time_order() {
        let mut sim = Sim::new();
        sim.set(Setting::Delivery(Delivery::Auto)).unwrap();
        sim.set(Setting::Latency(Duration::from_millis(300)))
            .unwrap();
        sim.call(Peer::B, Call::Listen).unwrap();
        sim.call(Peer::A, Call::Connect).unwrap(); // s1 arrives at 300 ms
        sim.set(Setting::Latency(Duration::from_millis(10)))
            .unwrap();
        let s2 = sim.inject_in_flight(Peer::A, Segment::control(SeqNum(0), None, Flags::RST));
        // s2 was sent later but arrives first, at 10 ms.
        assert_eq!(sim.next_wakeup(), Some(Instant(10)));
        sim.wait(Duration::from_millis(10)).unwrap();
        assert_eq!(
            sim.in_flight().iter().map(|f| f.label).collect::<Vec<_>>(),
            vec![Label(1)]
        );
        assert!(sim.segment(s2).is_some());
        sim.wait(Duration::from_millis(290)).unwrap();
        assert_eq!(sim.state(Peer::B), State::SynReceived);
    }

    #[test]
    fn settings_built_in_code_out_of_bounds_are_refused_without_a_change() {
        let mut sim = Sim::new();
        assert!(sim.set(Setting::Retries(51)).is_err());
        assert!(sim.set(Setting::KeepaliveProbes(1000)).is_err());
        let err = sim
            .set(Setting::KeepaliveInterval(Duration::from_millis(500)))
            .unwrap_err();
        assert!(err.to_string().contains("at least 1s"), "{err}");
        assert!(sim.trace().is_empty());
        assert_eq!(sim.endpoint(Peer::A).config(), &Config::default());
        sim.set(Setting::Retries(50)).unwrap();
        assert_eq!(sim.endpoint(Peer::B).config().retries, 50);
        assert_eq!(
            sim.trace().last().map(|e| &e.event),
            Some(&Event::Config(Setting::Retries(50)))
        );
    }

    #[test]
    fn keepalive_off_stops_an_armed_timer() {
        let mut sim = Sim::new();
        sim.set(Setting::Keepalive(Some(Duration::from_secs(10))))
            .unwrap();
        for cmd in [Call::Listen, Call::Connect] {
            let peer = if cmd == Call::Listen {
                Peer::B
            } else {
                Peer::A
            };
            sim.call(peer, cmd).unwrap();
        }
        for l in 1..=3 {
            sim.deliver(Label(l)).unwrap();
        }
        assert!(sim.endpoint(Peer::A).timer(Timer::Keepalive).is_some());
        sim.set(Setting::Keepalive(None)).unwrap();
        assert_eq!(sim.endpoint(Peer::A).timer(Timer::Keepalive), None);
        sim.wait(Duration::from_secs(3600)).unwrap();
        assert_eq!(sim.state(Peer::A), State::Established);
    }

    #[test]
    fn a_zero_window_probe_is_the_persist_timers_work_in_the_log() {
        let outcome = crate::script::run_source(
            "B listen\nA connect\ndeliver s1\ndeliver s2\ndeliver s3\n\
             inject B->A ACK seq=1 ack=1 win=0\nA send 5\nwait 1s\n",
        )
        .unwrap();
        assert!(outcome.passed());
        let a_events: Vec<&Event> = outcome
            .sim
            .trace()
            .iter()
            .map(|e| &e.event)
            .filter(|e| {
                matches!(
                    e,
                    Event::Note { peer: Peer::A, .. }
                        | Event::TimerSet { peer: Peer::A, .. }
                        | Event::TimerCleared { peer: Peer::A, .. }
                )
            })
            .collect();
        // After the SYN's retransmission timer (set, then cleared by the SYN,ACK):
        assert_eq!(
            a_events[2..],
            [
                &Event::TimerSet {
                    peer: Peer::A,
                    timer: Timer::Persist,
                    deadline: Instant(1000)
                },
                &Event::Note {
                    peer: Peer::A,
                    cause: Cause::Timer(Timer::Persist),
                    rule: crate::rule::Rule::ZeroWindowProbe
                },
                &Event::TimerSet {
                    peer: Peer::A,
                    timer: Timer::Retransmission,
                    deadline: Instant(2000)
                },
                &Event::TimerCleared {
                    peer: Peer::A,
                    timer: Timer::Persist
                },
            ]
        );
        let text = crate::trace_text("B listen\nA connect\ndeliver s1\ndeliver s2\ndeliver s3\ninject B->A ACK seq=1 ack=1 win=0\nA send 5\nwait 1s\n");
        assert!(text.contains("A  (persist) peer's window zero"), "{text}");
    }

    /// The log records a peer's windows after every input that changed them, and only then:
    /// replaying the `window` events gives the endpoint's numbers at every point.
    #[test]
    fn window_events_follow_every_change_and_only_changes() {
        let mut sim = Sim::new();
        sim.set(Setting::Delivery(Delivery::Auto)).unwrap();
        sim.call(Peer::B, Call::Listen).unwrap();
        sim.call(Peer::A, Call::Connect).unwrap();
        sim.wait(Duration::from_millis(200)).unwrap();
        sim.call(Peer::A, Call::Send(30_000)).unwrap();
        let mut last: [Option<Windows>; 2] = [None; 2];
        let mut check = |sim: &Sim, from: usize| {
            for e in &sim.trace()[from..] {
                if let Event::Window { peer, windows } = e.event {
                    assert_ne!(
                        last[peer.index()],
                        Some(windows),
                        "an unchanged window logged"
                    );
                    last[peer.index()] = Some(windows);
                }
            }
            for peer in Peer::BOTH {
                assert_eq!(last[peer.index()], sim.endpoint(peer).windows(), "{peer}");
            }
            sim.trace().len()
        };
        let mut seen = check(&sim, 0);
        for _ in 0..40 {
            sim.wait(Duration::from_millis(25)).unwrap();
            seen = check(&sim, seen);
        }
        let a = last[0].unwrap();
        assert_eq!(a.flight, 0, "everything acknowledged");
        assert!(a.cwnd > 3 * 1460, "slow start grew cwnd: {a:?}");
        assert_eq!(a.phase, crate::endpoint::CcPhase::SlowStart);
        let window_json = sim
            .trace()
            .iter()
            .find(|e| matches!(e.event, Event::Window { peer: Peer::A, .. }))
            .map(|e| serde_json::to_string(e).unwrap_or_default())
            .unwrap_or_default();
        assert_eq!(
            window_json,
            r#"{"time":100,"event":"window","peer":"A","cwnd":4380,"ssthresh":65535,"flight":0,"snd_wnd":65535,"rcv_wnd":65535,"rcv_user":0,"phase":"slow_start"}"#
        );
    }

    /// A checkpoint and the log since give back the simulator: the run carried on from it is
    /// the run that went on without it.
    #[test]
    fn a_checkpoint_resumes_the_run_exactly() {
        let mut sim = Sim::new();
        sim.set(Setting::Delivery(Delivery::Auto)).unwrap();
        sim.set(Setting::Loss(50_000)).unwrap();
        sim.call(Peer::B, Call::Listen).unwrap();
        sim.call(Peer::A, Call::Connect).unwrap();
        sim.wait(Duration::from_millis(500)).unwrap();
        sim.call(Peer::A, Call::Send(20_000)).unwrap();
        sim.wait(Duration::from_millis(30)).unwrap();
        let checkpoint = sim.checkpoint();
        assert_eq!(checkpoint.trace_len(), sim.trace().len());
        let go_on = |sim: &mut Sim| {
            sim.call(Peer::B, Call::Send(3000)).unwrap();
            sim.wait(Duration::from_secs(3)).unwrap();
            sim.call(Peer::A, Call::Close).unwrap();
            sim.wait(Duration::from_secs(1)).unwrap();
        };
        let mut resumed = Sim::resume(&checkpoint, sim.segments(), sim.trace()).unwrap();
        go_on(&mut sim);
        // The later log holds the checkpoint's as its start.
        let mut from_later = Sim::resume(&checkpoint, sim.segments(), sim.trace()).unwrap();
        go_on(&mut resumed);
        go_on(&mut from_later);
        for other in [&resumed, &from_later] {
            assert_eq!(other.trace(), sim.trace());
            assert_eq!(other.segments(), sim.segments());
            assert_eq!(other.now(), sim.now());
            for peer in Peer::BOTH {
                assert_eq!(other.endpoint(peer).tcb(), sim.endpoint(peer).tcb());
            }
        }
        assert!(
            Sim::resume(&checkpoint, &[], &[]).is_none(),
            "a log too short"
        );
    }
}
