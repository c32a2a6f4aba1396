//! Property tests of the app's model: random sequences of what a user can do (calls,
//! deliveries, drops, duplicates, holds, injections, settings, waits, playback, acting in the
//! past, and acting on an older copy of the session), with after every step:
//!
//! - the timeline the session extended command by command equals one built from its whole log;
//! - the session's script, loaded afresh, gives the same log, the same timeline and the same
//!   TCBs after its last command (merged playback waits and cuts included);
//! - every older copy of the session still reads the run it had (the shared engine only
//!   ever appends; a copy that acts gets an engine of its own).
//!
//! The seed is fixed, so CI runs the same cases. A wider search:
//! `PROPTEST_CASES=2000 cargo test --release -p synack-app --test session_properties`.

use proptest::prelude::*;
use proptest::test_runner::RngSeed;
use synack_app::model::frame::Frame;
use synack_app::model::session::Session;
use synack_app::model::timeline::Timeline;
use synack_core::script::{Command, Num, SegmentSpec};
use synack_core::{Call, Duration, Flags, Label, Peer, Setting, TraceEvent};

#[derive(Clone, Copy, Debug)]
enum Net {
    Deliver,
    Drop,
    Dup,
    Hold,
}

#[derive(Clone, Debug)]
enum Op {
    Call(Peer, Call),
    /// A network action on the in-flight segment at this index (modulo their count), or on a
    /// label that is not in flight when none is.
    Net(Net, usize),
    Inject {
        from: Peer,
        flags: u8,
        seq: u32,
        ack: u32,
        len: u32,
        in_flight: bool,
    },
    Set(&'static str, &'static str),
    Wait(u64),
    /// A playback tick: extends the last playback `wait` line.
    Playback(u64),
    /// Act in the past: keep this many commands (modulo their count + 1), then do the op.
    Cut(usize, Box<Op>),
    /// Do the op on an older copy of the session (this many steps back).
    Older(usize, Box<Op>),
}

const SETTINGS: &[(&str, &str)] = &[
    ("delivery", "auto"),
    ("delivery", "auto"),
    ("delivery", "manual"),
    ("latency", "0ms"),
    ("latency", "10ms"),
    ("latency", "300ms"),
    ("loss", "0"),
    ("loss", "10%"),
    ("seed", "7"),
    ("profile", "linux"),
    ("profile", "rfc"),
    ("window", "0"),
    ("window", "1000"),
    ("rto", "200ms"),
    ("msl", "1s"),
];

fn peer() -> impl Strategy<Value = Peer> {
    prop_oneof![Just(Peer::A), Just(Peer::B)]
}

fn simple_op() -> impl Strategy<Value = Op> {
    let call = prop_oneof![
        Just(Call::Listen),
        Just(Call::Connect),
        (1u32..3000).prop_map(Call::Send),
        Just(Call::Close),
        Just(Call::Abort),
        Just(Call::Crash),
    ];
    let net = prop_oneof![
        Just(Net::Deliver),
        Just(Net::Deliver),
        Just(Net::Drop),
        Just(Net::Dup),
        Just(Net::Hold),
    ];
    let inject = (
        peer(),
        any::<u8>(),
        0u32..5000,
        0u32..5000,
        0u32..100,
        any::<bool>(),
    )
        .prop_map(|(from, flags, seq, ack, len, in_flight)| Op::Inject {
            from,
            flags,
            seq,
            ack,
            len,
            in_flight,
        });
    prop_oneof![
        4 => (peer(), call).prop_map(|(p, c)| Op::Call(p, c)),
        6 => (net, any::<usize>()).prop_map(|(n, k)| Op::Net(n, k)),
        1 => inject,
        2 => prop::sample::select(SETTINGS).prop_map(|(k, v)| Op::Set(k, v)),
        2 => (0u64..2500).prop_map(Op::Wait),
        2 => (1u64..60).prop_map(Op::Playback),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        12 => simple_op(),
        1 => (any::<usize>(), simple_op()).prop_map(|(k, op)| Op::Cut(k, Box::new(op))),
        1 => (1usize..6, simple_op()).prop_map(|(k, op)| Op::Older(k, Box::new(op))),
    ]
}

/// Does `op` on `s`. A refusal is fine (the engine said no); it must change nothing.
fn run(s: &mut Session, op: &Op) {
    let command = match op {
        Op::Call(peer, call) => Command::Call {
            peer: *peer,
            call: *call,
        },
        Op::Net(action, k) => {
            let in_flight: Vec<Label> =
                s.with_engine(|sim| sim.in_flight().iter().map(|f| f.label).collect());
            let label = match in_flight.len() {
                0 => Label(s.timeline().segs().len() as u32 + 1),
                n => in_flight[k % n],
            };
            match action {
                Net::Deliver => Command::Deliver(label),
                Net::Drop => Command::Drop(label),
                Net::Dup => Command::Dup(label),
                Net::Hold => Command::Hold(label),
            }
        }
        Op::Inject {
            from,
            flags,
            seq,
            ack,
            len,
            in_flight,
        } => {
            let flags = Flags::from_bits(*flags);
            Command::Inject {
                spec: SegmentSpec {
                    from: *from,
                    flags,
                    seq: Num::Rel(*seq),
                    ack: flags.ack().then_some(Num::Rel(*ack)),
                    len: *len,
                    win: None,
                    options: Default::default(),
                },
                in_flight: *in_flight,
            }
        }
        Op::Set(key, value) => match format!("{key} {value}").parse::<Setting>() {
            Ok(setting) => Command::Set(setting),
            Err(e) => panic!("`set {key} {value}`: {e}"),
        },
        Op::Wait(ms) => Command::Wait(Duration::from_millis(*ms)),
        Op::Playback(ms) => {
            let _ = s.playback_wait(Duration::from_millis(*ms));
            return;
        }
        Op::Cut(k, op) => {
            let n = s.commands().len();
            s.cut(k % (n + 1));
            return run(s, op);
        }
        Op::Older(..) => unreachable!("the test's loop picks the older copy"),
    };
    let before = s.text();
    if s.apply(command).is_err() {
        assert_eq!(s.text(), before, "a refused action changes nothing");
    }
}

/// The checks after a step (see the module's documentation).
fn check(s: &Session) -> Result<(), TestCaseError> {
    let trace: Vec<TraceEvent> = s.trace().to_vec();
    prop_assert_eq!(
        &**s.timeline(),
        &Timeline::new(&trace),
        "extended != rebuilt"
    );
    let text = s.text();
    let fresh = Session::load(&text).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
    prop_assert!(
        *fresh.trace() == trace[..],
        "the script gives another log:\n{}",
        text
    );
    prop_assert_eq!(&**fresh.timeline(), &**s.timeline());
    let n = s.commands().len();
    prop_assert_eq!(fresh.after(n), s.after(n));
    // The frame at the live end reads the same either way.
    prop_assert_eq!(Frame::new(&fresh, fresh.len()), Frame::new(s, s.len()));
    Ok(())
}

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        max_shrink_iters: 2_000,
        rng_seed: RngSeed::Fixed(0x7133_11E5),
        // The regressions file would need a lib.rs or main.rs next to the test to be found.
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config(96))]

    #[test]
    fn the_timeline_extended_after_every_command_equals_a_rebuilt_one(
        ops in prop::collection::vec(op(), 1..40)
    ) {
        // Every session value seen, with the log it showed then.
        let mut history: Vec<(Session, Vec<TraceEvent>)> = Vec::new();
        let mut s = Session::load("B listen\nA connect\n").unwrap();
        for op in &ops {
            history.push((s.clone(), s.trace().to_vec()));
            match op {
                Op::Older(back, op) => {
                    let i = history.len().saturating_sub(*back);
                    s = history[i].0.clone();
                    run(&mut s, op);
                }
                op => run(&mut s, op),
            }
            check(&s)?;
        }
        for (old, trace) in &history {
            prop_assert!(*old.trace() == trace[..], "an older copy lost its log");
            prop_assert_eq!(&**old.timeline(), &Timeline::new(trace));
        }
    }
}
