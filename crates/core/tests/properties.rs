//! Property tests: random sequences of user calls, network actions, injections, settings and
//! waits, run against the simulator, with the engine's invariants checked after every step.
//!
//! Checked after every step:
//! - nothing panics;
//! - every state is one of the eleven, and the trace's state changes chain up to it;
//! - SND.UNA =< SND.NXT (modulo 2^32) for every peer that has a connection;
//! - in-flight segments are real labels, in label order; the clock never goes back;
//! - with congestion control, cwnd never falls below one SMSS (RFC 5681's loss window);
//! - after any input that sent new data, FlightSize =< cwnd and FlightSize =< SND.WND (RFC
//!   5681 §3.1, RFC 9293 §3.8.6), read from the log's `window` events. The RFCs' exceptions
//!   are not new data: retransmissions (fast retransmit and the RTO's go-back-N send under
//!   a cwnd already below the flight), and the zero-window probe (§3.8.6.1) which goes past
//!   a window of zero. A FIN takes one sequence number beyond the window's data;
//! - the `window` events agree with the endpoints' own numbers when the step ends;
//! - `wait` returns, and never with a livelock while the latency is above zero.
//!
//! And for the whole sequence: running it again from scratch gives the identical trace.
//!
//! A second group checks that the script printer round-trips: for a generated `Command`,
//! `parse_line(command.to_string())` gives the command back.
//!
//! The seed is fixed, so CI runs the same cases every time. A wider search:
//! `PROPTEST_RNG_SEED=$RANDOM PROPTEST_CASES=5000 cargo test --release -p synack-core --test properties`.
//! Such a search found the ACK war of `ack_war_after_injected_data_dies_down` (below) within a
//! few thousand cases, through the step bound.

use proptest::prelude::*;
use proptest::test_runner::RngSeed;
use synack_core::script::{
    self, Command, CongestionVar, Num, OptionCheck, SackBlocks, SegmentSpec, SpecOptions,
};
use synack_core::{
    Call, CcPhase, CongestionControl, Delivery, Duration, Event, Flags, Label, Origin, Peer,
    Profile, Segment, SeqNum, Setting, Sim, SimError, State, TcpOptions, Windows,
};

// ---- Operations ----

/// A sequence number picked near one the receiver (or sender) knows, or anywhere.
#[derive(Clone, Copy, Debug)]
enum SeqPick {
    /// The receiver's RCV.NXT plus a small offset: in or near its window.
    NearRcvNxt(i32),
    /// The sender's ISN plus an offset (what a script's relative `seq=` means).
    NearIsn(i32),
    /// Anywhere on the circle.
    Abs(u32),
}

/// An acknowledgment number picked near the receiver's send variables, or anywhere.
#[derive(Clone, Copy, Debug)]
enum AckPick {
    NearSndNxt(i32),
    NearSndUna(i32),
    Abs(u32),
}

#[derive(Clone, Copy, Debug)]
enum NetAction {
    Deliver,
    Drop,
    Dup,
    Hold,
}

#[derive(Clone, Debug)]
enum Op {
    Call(Peer, Call),
    /// A network action on the in-flight segment at this index (modulo the count).
    Net(NetAction, usize),
    /// A network action on a label that is not in flight: must be a clean error.
    NetMissing(NetAction, u32),
    Inject {
        from: Peer,
        flags: u8,
        seq: SeqPick,
        ack: AckPick,
        len: u32,
        win: u16,
        mss: Option<u16>,
        options: TcpOptions,
    },
    Set(&'static str, &'static str),
    Wait(u64),
}

/// Settings the sequences turn, a few bad ones included (they must fail cleanly).
const SETTINGS: &[(&str, &str)] = &[
    ("delivery", "auto"),
    ("delivery", "auto"),
    ("delivery", "manual"),
    ("rfc5961", "on"),
    ("rfc5961", "off"),
    ("loss", "0"),
    ("loss", "1"),
    ("loss", "10%"),
    ("loss", "50"),
    ("window", "0"),
    ("window", "1"),
    ("window", "100"),
    ("window", "2920"),
    ("window", "65535"),
    ("latency", "0ms"),
    ("latency", "1ms"),
    ("latency", "50ms"),
    ("latency", "300ms"),
    ("mss", "1"),
    ("mss", "536"),
    ("mss", "1460"),
    ("retries", "0"),
    ("retries", "2"),
    ("retries", "6"),
    ("rto", "1ms"),
    ("rto", "200ms"),
    ("rto", "1s"),
    ("msl", "1s"),
    ("msl", "2min"),
    ("keepalive", "off"),
    ("keepalive", "10s"),
    ("seed", "1"),
    ("seed", "42"),
    ("cc", "none"),
    ("cc", "newreno"),
    ("cc", "cubic"),
    ("read", "manual"),
    ("read", "manual"),
    ("read", "auto"),
    ("profile", "linux"),
    ("profile", "rfc"),
    ("iw", "1"),
    ("iw", "10"),
    ("iw", "101"),
    ("delack", "on"),
    ("delack", "off"),
    ("delack.timeout", "40ms"),
    ("nagle", "on"),
    ("nagle", "off"),
    ("sws", "on"),
    ("sws", "off"),
    ("wscale", "0"),
    ("wscale", "7"),
    ("wscale", "14"),
    ("wscale", "off"),
    ("window", "1048576"),
    ("window", "1073725440"),
    ("timestamps", "on"),
    ("timestamps", "off"),
    ("sack", "on"),
    ("sack", "off"),
    ("profile", "linux"),
    ("profile", "rfc"),
    // ISNs next to the wrap-around point and half a circle away, for the modulo arithmetic.
    ("isn.A", "4294967290"),
    ("isn.B", "2147483648"),
    ("isn.A", "0"),
    ("isn.B", "4294967295"),
    // Bad settings: rejected without a change.
    ("window", "-1"),
    ("loss", "101"),
    ("nonsense", "1"),
];

fn peer() -> impl Strategy<Value = Peer> {
    prop_oneof![Just(Peer::A), Just(Peer::B)]
}

fn call() -> impl Strategy<Value = Call> {
    prop_oneof![
        2 => Just(Call::Listen),
        2 => Just(Call::Connect),
        3 => prop_oneof![0u32..10, 0u32..3000].prop_map(Call::Send),
        1 => prop_oneof![0u32..10, 0u32..3000].prop_map(Call::Read),
        2 => Just(Call::Close),
        1 => Just(Call::Shutdown),
        1 => Just(Call::Abort),
        1 => Just(Call::Crash),
    ]
}

fn net_action() -> impl Strategy<Value = NetAction> {
    prop_oneof![
        4 => Just(NetAction::Deliver),
        1 => Just(NetAction::Drop),
        1 => Just(NetAction::Dup),
        1 => Just(NetAction::Hold),
    ]
}

fn offset() -> impl Strategy<Value = i32> {
    prop_oneof![
        4 => -3i32..=3,
        2 => -70_000i32..=70_000,
        1 => any::<i32>(),
    ]
}

fn seq_pick() -> impl Strategy<Value = SeqPick> {
    prop_oneof![
        4 => offset().prop_map(SeqPick::NearRcvNxt),
        2 => offset().prop_map(SeqPick::NearIsn),
        1 => any::<u32>().prop_map(SeqPick::Abs),
    ]
}

fn ack_pick() -> impl Strategy<Value = AckPick> {
    prop_oneof![
        3 => offset().prop_map(AckPick::NearSndNxt),
        2 => offset().prop_map(AckPick::NearSndUna),
        1 => any::<u32>().prop_map(AckPick::Abs),
    ]
}

fn flags() -> impl Strategy<Value = u8> {
    prop_oneof![
        // The combinations that matter most, then anything.
        Just(Flags::ACK.bits()),
        Just(Flags::SYN.bits()),
        Just((Flags::SYN | Flags::ACK).bits()),
        Just((Flags::FIN | Flags::ACK).bits()),
        Just(Flags::RST.bits()),
        Just((Flags::RST | Flags::ACK).bits()),
        0u8..64,
    ]
}

/// Options an injected segment may carry, nonsense included: shifts above 14, timestamps
/// from any clock, SACK blocks anywhere (RFC 7323, RFC 2018).
fn tcp_options() -> impl Strategy<Value = TcpOptions> {
    prop_oneof![
        2 => Just(TcpOptions::NONE),
        1 => (
            prop::option::of(0u8..=20),
            any::<bool>(),
            prop::option::of((any::<u32>(), any::<u32>())),
            prop::collection::vec((any::<u32>(), any::<u32>()), 0..=4),
        )
            .prop_map(|(window_scale, sack_permitted, timestamps, blocks)| {
                let mut o = TcpOptions {
                    window_scale,
                    sack_permitted,
                    timestamps,
                    ..TcpOptions::NONE
                };
                for (l, r) in blocks {
                    o.push_sack(l, r);
                }
                o
            }),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        6 => (peer(), call()).prop_map(|(p, c)| Op::Call(p, c)),
        8 => (net_action(), any::<usize>()).prop_map(|(a, i)| Op::Net(a, i)),
        1 => (net_action(), prop_oneof![Just(0u32), 1u32..100_000])
            .prop_map(|(a, l)| Op::NetMissing(a, l)),
        3 => (
            peer(),
            flags(),
            seq_pick(),
            ack_pick(),
            prop_oneof![3 => Just(0u32), 1 => 1u32..3000],
            prop_oneof![Just(0u16), Just(65535u16), any::<u16>()],
            prop::option::of(any::<u16>()),
            tcp_options(),
        )
            .prop_map(|(from, flags, seq, ack, len, win, mss, options)| Op::Inject {
                from,
                flags,
                seq,
                ack,
                len,
                win,
                mss,
                options,
            }),
        2 => prop::sample::select(SETTINGS).prop_map(|(k, v)| Op::Set(k, v)),
        4 => prop_oneof![
            4 => 0u64..=300,
            2 => 0u64..=5_000,
            1 => 0u64..=600_000,
        ]
        .prop_map(Op::Wait),
    ]
}

// ---- Running a sequence ----

fn add(n: SeqNum, delta: i32) -> SeqNum {
    SeqNum(n.0.wrapping_add(delta as u32))
}

/// What a step left behind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Step {
    Done,
    /// `wait` stopped at the simulator's event bound with zero latency (allowed, see below).
    Livelock,
}

/// Applies one operation. Errors the API is meant to return come back as values; anything
/// else (a livelock with a positive latency) fails the test.
fn apply(sim: &mut Sim, op: &Op) -> Result<Step, TestCaseError> {
    match *op {
        Op::Call(peer, call) => {
            // The RFC rejects some calls in some states; that is logged, not a failure.
            let _ = sim.call(peer, call);
        }
        Op::Net(action, index) => {
            if sim.in_flight().is_empty() {
                return Ok(Step::Done);
            }
            let label = sim.in_flight()[index % sim.in_flight().len()].label;
            let result = match action {
                NetAction::Deliver => sim.deliver(label),
                NetAction::Drop => sim.drop_segment(label),
                NetAction::Dup => sim.duplicate(label),
                NetAction::Hold => sim.hold(label),
            };
            prop_assert_eq!(result, Ok(()), "{:?} of in-flight {} failed", action, label);
        }
        Op::NetMissing(action, n) => {
            let label = Label(n);
            if sim.in_flight().iter().any(|f| f.label == label) {
                return Ok(Step::Done);
            }
            let result = match action {
                NetAction::Deliver => sim.deliver(label),
                NetAction::Drop => sim.drop_segment(label),
                NetAction::Dup => sim.duplicate(label),
                NetAction::Hold => sim.hold(label),
            };
            prop_assert_eq!(result, Err(SimError::NotInFlight(label)));
        }
        Op::Inject {
            from,
            flags,
            seq,
            ack,
            len,
            win,
            mss,
            options,
        } => {
            let to = sim.endpoint(from.other()).tcb();
            let seq = match seq {
                SeqPick::NearRcvNxt(d) => add(to.rcv_nxt, d),
                SeqPick::NearIsn(d) => add(sim.isn_base(from), d),
                SeqPick::Abs(n) => SeqNum(n),
            };
            let flags = Flags::from_bits(flags);
            let ack = if flags.ack() {
                match ack {
                    AckPick::NearSndNxt(d) => add(to.snd_nxt, d),
                    AckPick::NearSndUna(d) => add(to.snd_una, d),
                    AckPick::Abs(n) => SeqNum(n),
                }
            } else {
                SeqNum(0)
            };
            let segment = Segment {
                seq,
                ack,
                flags,
                window: win,
                len,
                mss: if flags.syn() { mss } else { None },
                options,
            };
            let before = sim.segments().len();
            let label = sim.inject(from, segment);
            prop_assert_eq!(
                label,
                Label(before as u32 + 1),
                "injected segments get the next label"
            );
        }
        Op::Set(key, value) => {
            // Bad values are refused by the parser, before the simulator sees them.
            let before = sim.trace().len();
            let result = format!("{key} {value}")
                .parse::<Setting>()
                .map(|setting| sim.set(setting));
            let bad = key == "nonsense" || value == "-1" || value == "101";
            prop_assert_eq!(result.is_err(), bad, "set {} {}: {:?}", key, value, result);
            if let Ok(applied) = result {
                prop_assert!(applied.is_ok(), "set {} {}: {:?}", key, value, applied);
            } else {
                prop_assert_eq!(sim.trace().len(), before, "a refused setting was logged");
            }
        }
        Op::Wait(ms) => {
            let before = sim.now();
            match sim.wait(Duration::from_millis(ms)) {
                Ok(()) => prop_assert_eq!(sim.now().millis(), before.millis() + ms),
                Err(SimError::Livelock { events }) => {
                    // Two peers answering each other with no delay between them can ping-pong
                    // forever at one instant (an ACK war after a blind injection desynchronised
                    // them, say); with any latency that must never happen.
                    prop_assert_eq!(
                        sim.network().latency,
                        Duration::ZERO,
                        "livelock after {} events with latency {}",
                        events,
                        sim.network().latency
                    );
                    return Ok(Step::Livelock);
                }
                Err(e) => return Err(TestCaseError::fail(format!("wait failed: {e}"))),
            }
        }
    }
    Ok(Step::Done)
}

/// What the checks carry from one step to the next.
struct Checker {
    /// How much of the trace was checked.
    seen: usize,
    /// Each peer's state, as the trace's state changes tell it.
    traced_state: [State; 2],
    last_time: u64,
    received: [u64; 2],
    /// Each peer's numbers as the log's `window` events last gave them.
    windows: [Option<Windows>; 2],
    /// A peer sent new data in the input the trace is in the middle of (its `window`
    /// event, logged at the input's end, is checked against it).
    sent_new: [Option<SentNew>; 2],
    /// The peer agreed SACK in a handshake (RFC 2018): its loss recovery paces by pipe.
    sack: [bool; 2],
}

/// What a peer's input sent: new data, perhaps with a FIN, at the time of the input.
#[derive(Clone, Copy, Debug)]
struct SentNew {
    time: u64,
    fin: bool,
}

impl Checker {
    fn new() -> Checker {
        Checker {
            seen: 0,
            traced_state: [State::Closed; 2],
            last_time: 0,
            received: [0; 2],
            windows: [None; 2],
            sent_new: [None; 2],
            sack: [false; 2],
        }
    }

    fn check(&mut self, sim: &Sim) -> Result<(), TestCaseError> {
        let trace = sim.trace();
        prop_assert!(trace.len() >= self.seen, "the trace shrank");
        for peer in Peer::BOTH {
            // Agreed once in the handshake and kept: what the TCB says after this step holds
            // for the step's events (a TCB that closed in it sent nothing more).
            self.sack[peer.index()] |= sim.endpoint(peer).tcb().sack;
        }
        for ev in &trace[self.seen..] {
            prop_assert!(
                ev.time.millis() >= self.last_time,
                "time went back in the trace"
            );
            self.last_time = ev.time.millis();
            if let Event::StateChange { peer, from, to, .. } = ev.event {
                prop_assert!(State::ALL.contains(&from) && State::ALL.contains(&to));
                prop_assert_eq!(
                    from,
                    self.traced_state[peer.index()],
                    "{}'s state change does not start where the last one ended: {}",
                    peer,
                    ev
                );
                self.traced_state[peer.index()] = to;
                if !to.is_synchronized() {
                    self.windows[peer.index()] = None;
                    self.sent_new[peer.index()] = None;
                }
            }
            let time = ev.time.millis();
            // A segment arriving or a call starts a new input for that peer: data an earlier
            // input sent with no `window` event after it changed no numbers, so the last ones
            // are its (two inputs can share a millisecond, so time cannot tell them apart).
            let starts_input = match ev.event {
                Event::Delivered { to, .. } => Some(to),
                Event::Call { peer, .. } => Some(peer),
                _ => None,
            };
            if let Some(peer) = starts_input {
                let p = peer.index();
                if let Some(sent) = self.sent_new[p].take() {
                    check_sent_new(sent, self.windows[p], self.sack[p])?;
                }
            }
            if let Event::Sent(rec) = &ev.event {
                if rec.origin == Origin::Sent && rec.segment.len > 0 {
                    let p = rec.from.index();
                    let mut fin = rec.segment.flags.fin();
                    match self.sent_new[p] {
                        Some(s) if s.time == time => fin |= s.fin,
                        // An earlier input's data: its numbers did not change after it.
                        Some(s) => check_sent_new(s, self.windows[p], self.sack[p])?,
                        None => {}
                    }
                    self.sent_new[p] = Some(SentNew { time, fin });
                }
            }
            if let Event::Window { peer, windows } = ev.event {
                let p = peer.index();
                if let Some(sent) = self.sent_new[p].take() {
                    // The event ends the input that sent, or a later one (then the sending
                    // input changed nothing, and the numbers before this event are its).
                    let after = if sent.time == time {
                        Some(windows)
                    } else {
                        self.windows[p]
                    };
                    check_sent_new(sent, after, self.sack[p])?;
                }
                self.windows[p] = Some(windows);
            }
        }
        self.seen = trace.len();
        for p in 0..2 {
            if let Some(sent) = self.sent_new[p].take() {
                check_sent_new(sent, self.windows[p], self.sack[p])?;
            }
        }

        for peer in Peer::BOTH {
            let state = sim.state(peer);
            prop_assert!(State::ALL.contains(&state));
            prop_assert_eq!(
                state,
                self.traced_state[peer.index()],
                "{} is in {} but the trace last put it in {}",
                peer,
                state,
                self.traced_state[peer.index()]
            );
            if state == State::Established {
                // RFC 5681: cwnd never falls below the loss window, one segment.
                let t = sim.endpoint(peer).tcb();
                prop_assert!(t.cwnd > 0, "{} in ESTABLISHED with cwnd 0", peer);
                if sim.endpoint(peer).config().cc != CongestionControl::None {
                    prop_assert!(
                        t.cwnd >= t.snd_mss,
                        "{}: cwnd {} below SMSS {}",
                        peer,
                        t.cwnd,
                        t.snd_mss
                    );
                }
            }
            prop_assert_eq!(
                self.windows[peer.index()],
                sim.endpoint(peer).windows(),
                "{}'s window events disagree with its numbers",
                peer
            );
            if !matches!(state, State::Closed | State::Listen) {
                let t = sim.endpoint(peer).tcb();
                prop_assert!(
                    t.snd_nxt.offset_from(t.snd_una) < 1 << 31,
                    "{} in {}: SND.UNA {:?} > SND.NXT {:?}",
                    peer,
                    state,
                    t.snd_una,
                    t.snd_nxt
                );
            }
            let received = sim.endpoint(peer).received();
            prop_assert!(
                received >= self.received[peer.index()],
                "received bytes went down"
            );
            self.received[peer.index()] = received;
        }

        let in_flight = sim.in_flight();
        for pair in in_flight.windows(2) {
            prop_assert!(
                pair[0].label < pair[1].label,
                "in-flight segments out of label order"
            );
        }
        for f in in_flight {
            prop_assert!(
                sim.segment(f.label).is_some(),
                "{} is in flight but was never sent",
                f.label
            );
        }
        prop_assert!(sim.now().millis() >= self.last_time);
        Ok(())
    }
}

/// After an input that sent new data (and `fin` if a FIN went with it): FlightSize =< cwnd
/// and =< SND.WND. A zero-window probe goes past a window of zero; a FIN takes a sequence
/// number the window does not count. In SACK-based recovery (RFC 6675 §5) the sender paces
/// by pipe, which leaves out SACKed bytes, so FlightSize may pass cwnd there.
fn check_sent_new(sent: SentNew, after: Option<Windows>, sack: bool) -> Result<(), TestCaseError> {
    let Some(w) = after else {
        return Ok(());
    };
    let fin = u32::from(sent.fin);
    let paced_by_pipe = sack && w.phase == CcPhase::FastRecovery;
    if w.phase != CcPhase::Off && !paced_by_pipe {
        prop_assert!(
            w.flight <= w.cwnd + fin,
            "at {} ms: flight above cwnd after new data: {:?}",
            sent.time,
            w
        );
    }
    if w.snd_wnd > 0 {
        prop_assert!(
            w.flight <= w.snd_wnd + fin,
            "at {} ms: flight above SND.WND after new data: {:?}",
            sent.time,
            w
        );
    }
    Ok(())
}

/// Runs a sequence from a fresh simulator, checking after every step.
fn run(ops: &[Op]) -> Result<Sim, TestCaseError> {
    let mut sim = Sim::new();
    let mut checker = Checker::new();
    checker.check(&sim)?;
    for op in ops {
        let step = apply(&mut sim, op)?;
        checker.check(&sim)?;
        if step == Step::Livelock {
            // A zero-latency ping-pong would only go on at the next wait; the run has shown
            // what it can.
            return Ok(sim);
        }
    }
    // The step bound: every wait is bounded by the simulator itself; this is a sanity check
    // that a whole sequence that never hit that bound stayed far from it.
    prop_assert!(
        sim.trace().len() < 2_000_000,
        "{} trace events",
        sim.trace().len()
    );
    Ok(sim)
}

/// The test's configuration: a fixed seed, so that a CI run is reproducible (the same 256
/// sequences every time). `PROPTEST_RNG_SEED=<n>` and `PROPTEST_CASES=<n>` override both for a
/// wider search.
fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        max_shrink_iters: 2_000,
        rng_seed: RngSeed::Fixed(0x5EED_F00D),
        // The regressions file would need a lib.rs or main.rs next to the test to be found.
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

proptest! {
    // Each case runs its sequence twice; 256 keeps the test to a few seconds in debug.
    #![proptest_config(config(256))]

    #[test]
    fn random_sequences_keep_the_invariants_and_replay_identically(
        ops in prop::collection::vec(op(), 1..80)
    ) {
        let first = run(&ops)?;
        let second = run(&ops)?;
        prop_assert!(first.trace() == second.trace(), "the same sequence gave two traces");
        prop_assert_eq!(first.in_flight(), second.in_flight());
        for peer in Peer::BOTH {
            prop_assert_eq!(first.endpoint(peer).tcb(), second.endpoint(peer).tcb());
        }
    }

    /// Sequences that start from a connected pair in auto delivery, so data flows, is lost
    /// and retransmitted more often than from a cold start.
    #[test]
    fn connected_pairs_keep_the_invariants(
        ops in prop::collection::vec(op(), 1..60)
    ) {
        let mut prefix = vec![
            Op::Set("delivery", "auto"),
            Op::Call(Peer::B, Call::Listen),
            Op::Call(Peer::A, Call::Connect),
            Op::Wait(200),
        ];
        prefix.extend(ops);
        let first = run(&prefix)?;
        let second = run(&prefix)?;
        prop_assert!(first.trace() == second.trace(), "the same sequence gave two traces");
    }
}

/// Settings for a bulk transfer: every controller, segment size, window and delay mix.
const BULK: &[&[(&str, &str)]] = &[
    &[
        ("cc", "newreno"),
        ("cc", "cubic"),
        ("cc", "none"),
        ("profile", "linux"),
    ],
    &[("mss", "100"), ("mss", "536"), ("mss", "1460")],
    &[("window", "1000"), ("window", "8000"), ("window", "65535")],
    &[
        ("latency", "1ms"),
        ("latency", "20ms"),
        ("latency", "100ms"),
    ],
    &[
        ("loss", "0%"),
        ("loss", "1%"),
        ("loss", "5%"),
        ("loss", "20%"),
    ],
    &[("delack", "on"), ("delack", "off")],
    &[("iw", "1"), ("iw", "4"), ("iw", "10")],
    &[("seed", "1"), ("seed", "2"), ("seed", "3"), ("seed", "4")],
];

proptest! {
    #![proptest_config(config(64))]

    /// Long transfers over lossy paths, where cwnd and the peer's window are what limit the
    /// sender: the invariants, the flight size above all, hold after every input.
    #[test]
    fn bulk_transfers_keep_the_flight_within_cwnd_and_the_window(
        picks in prop::collection::vec(any::<prop::sample::Index>(), BULK.len()),
        size in 1u32..300_000,
        both in any::<bool>(),
    ) {
        let mut ops = vec![Op::Set("delivery", "auto")];
        for (choices, pick) in BULK.iter().zip(&picks) {
            let (k, v) = choices[pick.index(choices.len())];
            ops.push(Op::Set(k, v));
        }
        ops.extend([
            Op::Call(Peer::B, Call::Listen),
            Op::Call(Peer::A, Call::Connect),
            Op::Wait(1_000),
            Op::Call(Peer::A, Call::Send(size)),
        ]);
        if both {
            ops.push(Op::Call(Peer::B, Call::Send(size / 3)));
        }
        ops.extend([Op::Wait(30_000), Op::Call(Peer::A, Call::Close), Op::Wait(30_000)]);
        let first = run(&ops)?;
        let second = run(&ops)?;
        prop_assert!(first.trace() == second.trace(), "the same transfer gave two traces");
    }
}

// ---- The script printer round-trips ----

fn label() -> impl Strategy<Value = Label> {
    prop_oneof![1u32..1000, 1u32..=u32::MAX].prop_map(Label)
}

fn num() -> impl Strategy<Value = Num> {
    prop_oneof![
        any::<u32>().prop_map(Num::Rel),
        any::<u32>().prop_map(Num::Abs)
    ]
}

/// Flags for generated commands: at least one (the empty set, `none`, has its own test,
/// `flagless_inject_round_trips`).
fn script_flags() -> impl Strategy<Value = Flags> {
    (1u8..64).prop_map(Flags::from_bits)
}

fn state() -> impl Strategy<Value = State> {
    prop::sample::select(State::ALL.to_vec())
}

/// A duration a script can write: up to 1000 days.
fn script_duration() -> impl Strategy<Value = Duration> {
    prop_oneof![
        0u64..100_000,
        (0u64..100).prop_map(|s| s * 1000),
        (0u64..100).prop_map(|m| m * 60_000),
        0u64..=1000 * 24 * 3600 * 1000,
    ]
    .prop_map(Duration::from_millis)
}

/// Any setting whose value is in bounds, each key with its own kind of value.
fn setting() -> impl Strategy<Value = Setting> {
    let retries = 0..=synack_core::MAX_RETRIES;
    let keepalive = (1000u64..=1000 * 24 * 3600 * 1000).prop_map(Duration::from_millis);
    prop_oneof![
        (peer(), any::<u32>()).prop_map(|(peer, isn)| Setting::Isn(peer, isn)),
        script_duration().prop_map(Setting::Msl),
        script_duration().prop_map(Setting::Rto),
        script_duration().prop_map(Setting::RtoMax),
        retries.clone().prop_map(Setting::Retries),
        script_duration().prop_map(Setting::Latency),
        (1u16..).prop_map(Setting::Mss),
        (0..=synack_core::MAX_WINDOW).prop_map(Setting::Window),
        any::<bool>().prop_map(Setting::Rfc5961),
        prop_oneof![Just(Delivery::Manual), Just(Delivery::Auto)].prop_map(Setting::Delivery),
        (0u32..=1_000_000).prop_map(Setting::Loss),
        any::<u64>().prop_map(Setting::Seed),
        prop::option::of(keepalive.clone()).prop_map(Setting::Keepalive),
        keepalive.prop_map(Setting::KeepaliveInterval),
        retries.clone().prop_map(Setting::KeepaliveProbes),
        script_duration().prop_map(Setting::AckRatelimit),
        prop_oneof![Just(Profile::Rfc), Just(Profile::Linux)].prop_map(Setting::Profile),
        retries.clone().prop_map(Setting::SynRetries),
        retries.clone().prop_map(Setting::SynackRetries),
        retries.prop_map(Setting::SynLinear),
        any::<bool>().prop_map(Setting::Rfc1337),
        any::<bool>().prop_map(Setting::Listener),
        prop_oneof![
            Just(CongestionControl::None),
            Just(CongestionControl::NewReno),
            Just(CongestionControl::Cubic)
        ]
        .prop_map(Setting::Cc),
        (1u32..=100).prop_map(Setting::Iw),
        any::<bool>().prop_map(Setting::Delack),
        (1u64..500).prop_map(|ms| Setting::DelackTimeout(Duration::from_millis(ms))),
        any::<bool>().prop_map(Setting::Nagle),
        any::<bool>().prop_map(Setting::Sws),
        prop::option::of(0u8..=14).prop_map(Setting::Wscale),
        any::<bool>().prop_map(Setting::Timestamps),
        any::<bool>().prop_map(Setting::Sack),
        any::<bool>().prop_map(Setting::ReadAuto),
    ]
}

/// One option of a segment spec: unlisted, `=none`, or a value.
fn option_check<T: core::fmt::Debug + Clone + 'static>(
    value: impl Strategy<Value = T> + 'static,
) -> impl Strategy<Value = OptionCheck<T>> {
    prop_oneof![
        Just(OptionCheck::Unlisted),
        Just(OptionCheck::Absent),
        value.prop_map(OptionCheck::Present),
    ]
}

/// The options of a segment spec (the caller drops SACK blocks without the ACK flag, as the
/// parser wants).
/// A segment spec as the parser accepts it: `ack=` goes with the ACK flag and only with it,
/// and so do SACK blocks.
fn spec(
    from: Peer,
    flags: Flags,
    seq: Num,
    ack: Num,
    len: u32,
    win: Option<u16>,
    mut options: SpecOptions,
) -> SegmentSpec {
    if !flags.ack() && matches!(options.sack, OptionCheck::Present(_)) {
        options.sack = OptionCheck::Unlisted;
    }
    SegmentSpec {
        from,
        flags,
        seq,
        ack: flags.ack().then_some(ack),
        len,
        win,
        options,
    }
}

fn spec_options() -> impl Strategy<Value = SpecOptions> {
    let blocks = prop::collection::vec((num(), num()), 1..=SackBlocks::MAX)
        .prop_map(|list| SackBlocks::new(&list).expect("1 to 4 blocks"));
    (
        option_check(any::<u16>()),
        option_check(any::<u8>()),
        option_check(Just(())),
        option_check((any::<u32>(), any::<u32>())),
        option_check(blocks),
    )
        .prop_map(
            |(mss, wscale, sack_permitted, timestamps, sack)| SpecOptions {
                mss,
                wscale,
                sack_permitted,
                timestamps,
                sack,
            },
        )
}

fn command() -> impl Strategy<Value = Command> {
    let send = (0u64..=script::MAX_SEND).prop_map(|n| Call::Send(n as u32));
    let any_call = prop_oneof![
        Just(Call::Listen),
        Just(Call::Connect),
        send,
        Just(Call::Close),
        Just(Call::Shutdown),
        Just(Call::Abort),
        Just(Call::Crash),
        (0u64..=script::MAX_SEND).prop_map(|n| Call::Read(n as u32)),
    ];
    let len = prop_oneof![Just(0u32), 0u32..=script::MAX_SEGMENT_LEN];
    let inject = (
        peer(),
        script_flags(),
        num(),
        num(),
        len.clone(),
        prop::option::of(any::<u16>()),
        any::<bool>(),
        spec_options(),
    )
        .prop_map(
            |(from, flags, seq, ack, len, win, in_flight, options)| Command::Inject {
                spec: spec(from, flags, seq, ack, len, win, options),
                in_flight,
            },
        );
    let expect_segment = (
        label(),
        peer(),
        script_flags(),
        num(),
        num(),
        len,
        prop::option::of(any::<u16>()),
        spec_options(),
    )
        .prop_map(
            |(label, from, flags, seq, ack, len, win, options)| Command::ExpectSegment {
                label,
                spec: spec(from, flags, seq, ack, len, win, options),
            },
        );
    let wait = script_duration().prop_map(Command::Wait);
    prop_oneof![
        setting().prop_map(Command::Set),
        (peer(), any_call).prop_map(|(peer, call)| Command::Call { peer, call }),
        label().prop_map(Command::Deliver),
        label().prop_map(Command::Drop),
        label().prop_map(Command::Dup),
        label().prop_map(Command::Hold),
        inject,
        wait,
        (peer(), state()).prop_map(|(peer, state)| Command::ExpectState { peer, state }),
        expect_segment,
        prop::collection::vec(label(), 0..5).prop_map(Command::ExpectInFlight),
        (peer(), any::<u64>()).prop_map(|(peer, bytes)| Command::ExpectReceived { peer, bytes }),
        (peer(), any::<bool>(), any::<u32>()).prop_map(|(peer, cwnd, bytes)| {
            let var = if cwnd {
                CongestionVar::Cwnd
            } else {
                CongestionVar::Ssthresh
            };
            Command::ExpectCongestion { peer, var, bytes }
        }),
    ]
}

proptest! {
    #![proptest_config(config(2_000))]

    #[test]
    fn script_printer_round_trips(command in command()) {
        let text = command.to_string();
        let parsed = script::parse_line(1, &text);
        prop_assert_eq!(parsed, Ok(Some(command)), "line: {}", text);
    }

    /// A whole script of printed commands parses back to the same commands, line by line.
    #[test]
    fn printed_scripts_parse_back(commands in prop::collection::vec(command(), 0..20)) {
        let text: String = commands.iter().map(|c| format!("{c}\n")).collect();
        let parsed = script::parse(&text).map(|s| s.lines.into_iter().map(|l| l.command).collect::<Vec<_>>());
        prop_assert_eq!(parsed, Ok(commands));
    }
}

/// A segment with no flags at all is legal TCP (and `Sim::inject` takes one); the printer
/// writes its flags as `none`, which the parser must read back.
#[test]
fn flagless_inject_round_trips() {
    let command = Command::Inject {
        spec: SegmentSpec {
            from: Peer::A,
            flags: Flags::NONE,
            seq: Num::Rel(1),
            ack: None,
            len: 5,
            win: None,
            options: SpecOptions::UNLISTED,
        },
        in_flight: false,
    };
    let text = command.to_string();
    assert_eq!(
        script::parse_line(1, &text),
        Ok(Some(command)),
        "line: {text}"
    );
}

/// An ACK war (found by the step bound of the sequence properties with a random seed): B
/// injects two bytes A takes as data, so A's RCV.NXT is now past anything B ever sent. B then
/// finds A's ACK "acking something not yet sent" and answers with an ACK (RFC 5961 §5's
/// challenge ACK, or RFC 793's "send an ACK, drop the segment"); A finds B's ACK outside its
/// window and answers it with an ACK (§3.10.7.4, first check), and so on: one segment per
/// one-way latency, for ever (72,000 segments in the hour, before the engine throttled these
/// ACKs as RFC 5961 §7 and Linux's `tcp_invalid_ratelimit` do; a 500 ms throttle bounds the
/// hour to about 14,400 at worst).
#[test]
fn ack_war_after_injected_data_dies_down() {
    let source = "set delivery auto\nB listen\nA connect\nwait 1s\n\
                  inject B->A ACK seq=1 ack=1 len=2\nwait 60min\n";
    let outcome = script::run_source(source).expect("the script parses");
    assert!(outcome.error.is_none(), "{:?}", outcome.error);
    let after = outcome.sim.segments().len() - 4;
    assert!(
        after < 20_000,
        "{after} segments in the hour after the injection"
    );
}
