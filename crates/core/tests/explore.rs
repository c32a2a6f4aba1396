//! The explorer finds the shortest ways the lessons teach, says when a target cannot be
//! reached and why, answers the same way every time, and every path it prints replays.

use synack_core::explore::{self, Answer, CallKind, Explorer, Goal, Options, Search, Stop};
use synack_core::script;
use synack_core::{Event, Flags, Peer, State};

const ESTABLISHED: &str = "B listen\nA connect\ndeliver s1\ndeliver s2\ndeliver s3\n";

fn with_calls() -> Options {
    Options {
        calls: CallKind::ALL.to_vec(),
        ..Options::default()
    }
}

fn search(start: &str, goal: &str, options: Options) -> Answer {
    let outcome = script::run_source(start).expect("the start script parses");
    assert!(
        outcome.passed(),
        "the start script runs: {:?}",
        outcome.failures
    );
    let goal: Goal = goal.parse().expect("the goal parses");
    explore::explore(&outcome.sim, Search::Reach(goal), options, |_| true)
}

/// The found path, replayed after the start with its `expect` lines: it must pass, and the
/// run it makes is returned.
#[track_caller]
fn replay_found(start: &str, answer: &Answer) -> script::Outcome {
    let path = answer.found.as_ref().expect("a path was found");
    let text = path.script_after(start);
    let outcome = script::run_source(&text).expect("the printed script parses");
    assert!(
        outcome.passed(),
        "the printed script fails:\n{text}\n{:?} {:?}",
        outcome.failures,
        outcome.error
    );
    outcome
}

#[test]
fn simultaneous_close_reaches_closing_closing_in_four_steps() {
    let answer = search(ESTABLISHED, "A=CLOSING,B=CLOSING", with_calls());
    let path = answer.found.clone().unwrap();
    assert_eq!(
        path.steps,
        ["A close", "B close", "deliver s4", "deliver s5"]
    );
    assert_eq!((path.a, path.b), (State::Closing, State::Closing));
    assert_eq!(answer.progress.stop, Some(Stop::Found));
    replay_found(ESTABLISHED, &answer);
    // Once both FINs are in flight, the network alone gets there in two.
    let crossed = format!("{ESTABLISHED}A close\nB close\n");
    let answer = search(&crossed, "A=CLOSING,B=CLOSING", Options::default());
    assert_eq!(answer.found.unwrap().steps, ["deliver s4", "deliver s5"]);
}

#[test]
fn fin_wait_1_goes_straight_to_time_wait_on_a_fin_that_acks_its_fin() {
    let answer = search(ESTABLISHED, "A=FIN_WAIT_1->TIME_WAIT", with_calls());
    let path = answer.found.clone().unwrap();
    // B's ACK (s5) stays in flight: its FIN,ACK (s6) acknowledges A's FIN as well.
    assert_eq!(
        path.steps,
        ["A close", "deliver s4", "B close", "deliver s6"]
    );
    assert_eq!((path.a, path.b), (State::TimeWait, State::LastAck));
    let run = replay_found(ESTABLISHED, &answer);
    let last = run.sim.trace().iter().rev().find_map(|e| match e.event {
        Event::StateChange {
            peer: Peer::A,
            from,
            to,
            ..
        } => Some((from, to)),
        _ => None,
    });
    assert_eq!(last, Some((State::FinWait1, State::TimeWait)));
}

#[test]
fn syn_rcvd_returns_to_listen_on_a_reset() {
    let start = "B listen\nA connect\ndeliver s1\n";
    let answer = search(start, "B=SYN_RCVD->LISTEN", with_calls());
    let path = answer.found.clone().unwrap();
    // A completes its side, aborts (a RST), and the RST reaches B in SYN_RCVD.
    assert_eq!(path.steps, ["deliver s2", "A abort", "deliver s4"]);
    let run = replay_found(start, &answer);
    let rst = run.sim.segment(synack_core::Label(4)).unwrap();
    assert!(rst.segment.flags.contains(Flags::RST), "{rst:?}");
    // Without user calls only B's own retransmissions can end SYN_RCVD: with two retries it
    // gives up after its second retransmission of the SYN,ACK, three waits (1 + 2 + 4 s).
    let start = format!("set retries 2\n{start}");
    let answer = search(&start, "B=SYN_RCVD->LISTEN", Options::default());
    let steps = answer.found.clone().unwrap().steps;
    assert_eq!(steps, ["wait 1s", "wait 2s", "wait 4s"]);
    let run = replay_found(&start, &answer);
    let gave_up = run.sim.trace().iter().rev().find_map(|e| match e.event {
        Event::StateChange {
            peer: Peer::B,
            rule,
            ..
        } => Some(rule),
        _ => None,
    });
    assert_eq!(gave_up, Some(synack_core::Rule::RetransmitGiveUpListen));
}

#[test]
fn a_half_open_connection_is_found_out_only_when_someone_sends() {
    let crashed = format!("{ESTABLISHED}B crash\n");
    // Nothing in flight, no timer running: A stays ESTABLISHED for ever, and the search
    // proves it by exploring the single state there is.
    let answer = search(&crashed, "A=CLOSED", Options::default());
    assert_eq!(answer.found, None);
    assert_eq!(answer.progress.stop, Some(Stop::Exhausted));
    assert_eq!(answer.progress.states, 1);
    assert!(
        answer
            .why_not_found()
            .to_string()
            .starts_with("unreachable: the search explored every state"),
        "{}",
        answer.why_not_found()
    );
    // Once B listens again and A sends, B's RST tells A in two steps (lesson 14).
    let sending = format!("{crashed}B listen\nA send 10\n");
    let answer = search(&sending, "A=CLOSED", Options::default());
    let path = answer.found.clone().unwrap();
    assert_eq!(path.steps, ["deliver s4", "deliver s5"]);
    assert_eq!((path.a, path.b), (State::Closed, State::Listen));
    replay_found(&sending, &answer);
}

#[test]
fn a_target_out_of_reach_is_reported_with_the_bound_that_ended_the_search() {
    // Without a CLOSE nobody sends a FIN: no number of deliveries, losses, duplicates or
    // timeouts brings A to TIME_WAIT.
    let start = "B listen\nA connect\n";
    let depth = Options {
        max_depth: Some(5),
        ..Options::default()
    };
    let answer = search(start, "A=TIME_WAIT", depth);
    assert_eq!(answer.found, None);
    assert_eq!(answer.progress.stop, Some(Stop::DepthLimit { depth: 5 }));
    assert_eq!(answer.progress.complete_depth, 5);
    let why = answer.why_not_found().to_string();
    assert!(why.starts_with("not reachable within 5 steps"), "{why}");
    let states = Options {
        max_states: 3000,
        ..Options::default()
    };
    let answer = search(start, "A=TIME_WAIT", states);
    assert_eq!(
        answer.progress.stop,
        Some(Stop::StateLimit { states: 3000 })
    );
    assert_eq!(answer.progress.states, 3000);
    let why = answer.why_not_found().to_string();
    assert!(why.contains("limit of 3000 states"), "{why}");
    // Every pair it did reach has A short of TIME_WAIT.
    assert!(answer.reached.iter().all(|r| r.path.a != State::TimeWait));
}

#[test]
fn the_caller_can_stop_a_search_and_it_says_so() {
    let outcome = script::run_source("B listen\nA connect\n").unwrap();
    let mut slices = 0;
    let answer = explore::explore(
        &outcome.sim,
        Search::Reach("A=TIME_WAIT".parse().unwrap()),
        Options::default(),
        |_| {
            slices += 1;
            slices < 3
        },
    );
    assert_eq!(answer.progress.stop, Some(Stop::Stopped));
    assert!(
        answer.progress.expanded >= 3 * 256 - 256,
        "{:?}",
        answer.progress
    );
    assert!(answer.why_not_found().to_string().contains("time budget"));
}

#[test]
fn answers_are_the_same_on_every_run_and_in_any_slicing() {
    let outcome = script::run_source(ESTABLISHED).unwrap();
    let options = Options {
        max_states: 5000,
        ..with_calls()
    };
    let whole = explore::explore(&outcome.sim, Search::Map, options.clone(), |_| true);
    let again = explore::explore(&outcome.sim, Search::Map, options.clone(), |_| true);
    assert_eq!(whole, again);
    let mut sliced = Explorer::new(&outcome.sim, Search::Map, options);
    while sliced.run(7).stop.is_none() {}
    assert_eq!(sliced.answer(), whole);
    assert!(whole.reached.len() > 20, "{} pairs", whole.reached.len());
}

#[test]
fn the_map_lists_each_pair_once_nearest_first_and_every_path_replays() {
    let options = Options {
        max_states: 4000,
        ..with_calls()
    };
    let outcome = script::run_source(ESTABLISHED).unwrap();
    let answer = explore::explore(&outcome.sim, Search::Map, options, |_| true);
    let mut pairs: Vec<_> = answer
        .reached
        .iter()
        .map(|r| (r.path.a, r.path.b))
        .collect();
    assert!(answer
        .reached
        .windows(2)
        .all(|w| w[0].distance <= w[1].distance));
    assert_eq!(answer.reached[0].distance, 0);
    assert_eq!(answer.reached[0].path.steps, Vec::<String>::new());
    pairs.sort();
    pairs.dedup();
    assert_eq!(pairs.len(), answer.reached.len());
    for reached in &answer.reached {
        assert_eq!(reached.path.steps.len() as u32, reached.distance);
        let text = reached.path.script_after(ESTABLISHED);
        let run = script::run_source(&text).unwrap();
        assert!(run.passed(), "{text}\n{:?}", run.failures);
    }
}

#[test]
fn labels_in_paths_are_the_runs_own() {
    // Segments s1..s5 were sent before the search starts, s4 and s5 are still in flight:
    // the search must call them s4 and s5, and the next segment s6.
    let start = format!("{ESTABLISHED}A close\nB close\n");
    let answer = search(&start, "A=TIME_WAIT", Options::default());
    let path = answer.found.clone().unwrap();
    assert_eq!(path.steps, ["deliver s4", "deliver s5", "deliver s6"]);
    replay_found(&start, &answer);
}

#[test]
fn a_goal_true_at_the_start_needs_no_step_and_a_transition_needs_one() {
    let answer = search(ESTABLISHED, "A=ESTABLISHED", Options::default());
    assert_eq!(answer.found.unwrap().steps, Vec::<String>::new());
    let answer = search(ESTABLISHED, "A=*->ESTABLISHED", Options::default());
    assert_eq!(answer.found, None);
    assert_eq!(answer.progress.stop, Some(Stop::Exhausted));
}

#[test]
fn a_request_runs_its_script_and_refuses_a_broken_one() {
    let request = explore::Request {
        script: "B listen\nA connect\n".into(),
        seed: None,
        search: Search::Reach("B=SYN_RCVD".parse().unwrap()),
        options: Options::default(),
    };
    let mut explorer = request.start().unwrap();
    let progress = explorer.run(100);
    assert_eq!(progress.stop, Some(Stop::Found));
    assert_eq!(explorer.answer().found.unwrap().steps, ["deliver s1"]);
    let broken = explore::Request {
        script: "B listen\nexpect B CLOSED\n".into(),
        ..request.clone()
    };
    let err = broken.start().err().unwrap();
    assert!(err.contains("expected B in CLOSED"), "{err}");
    let unparsable = explore::Request {
        script: "B listne\n".into(),
        ..request.clone()
    };
    assert!(unparsable.start().err().unwrap().starts_with("1:3:"));
    // An exercise's `let` values come from the request's seed.
    let script = "let who = A | B\n$who listen\n".to_string();
    let seed = (0..64)
        .find(|&seed| {
            synack_core::variant::instantiate(&script, Some(seed))
                .unwrap()
                .bindings[0]
                .value
                == "B"
        })
        .expect("a seed that draws B");
    for (seed, pair) in [
        (None, (State::Listen, State::Closed)),
        (Some(seed), (State::Closed, State::Listen)),
    ] {
        let exercise = explore::Request {
            script: script.clone(),
            seed,
            search: Search::Map,
            ..request.clone()
        };
        let answer = exercise.start().unwrap().answer();
        assert_eq!(
            (answer.reached[0].path.a, answer.reached[0].path.b),
            pair,
            "seed {seed:?}"
        );
    }
}

#[test]
fn requests_progress_and_answers_cross_to_a_worker_as_json() {
    let request = explore::Request {
        script: ESTABLISHED.into(),
        seed: None,
        search: Search::Reach("B=FIN_WAIT_1->CLOSING".parse().unwrap()),
        options: Options {
            calls: vec![CallKind::Close],
            max_depth: Some(6),
            ..Options::default()
        },
    };
    let json = serde_json::to_string(&request).unwrap();
    assert!(json.contains(r#""calls":["close"]"#), "{json}");
    let back: explore::Request = serde_json::from_str(&json).unwrap();
    assert_eq!(back, request);
    let mut explorer = back.start().unwrap();
    let progress = explorer.run(1_000_000);
    let progress_json = serde_json::to_string(&progress).unwrap();
    assert_eq!(
        serde_json::from_str::<explore::Progress>(&progress_json).unwrap(),
        progress
    );
    let answer = explorer.answer();
    let answer_json = serde_json::to_string(&answer).unwrap();
    assert!(
        answer_json.contains(r#""stop":{"kind":"found"}"#),
        "{answer_json}"
    );
    assert_eq!(
        serde_json::from_str::<Answer>(&answer_json).unwrap(),
        answer
    );
    assert_eq!(
        answer.found.unwrap().steps,
        ["A close", "B close", "deliver s4"]
    );
}

// ---- Property: every script the explorer prints replays to what it claims ----

mod replay_property {
    use proptest::prelude::*;
    use proptest::test_runner::RngSeed;
    use synack_core::explore::{self, CallKind, Goal, Options, PeerGoal, Search};
    use synack_core::script;
    use synack_core::{Event, Peer, State};

    /// An action of the start script; in-flight segments are picked by position.
    #[derive(Clone, Debug)]
    enum Op {
        Call(Peer, CallKind),
        Deliver(usize),
        Drop(usize),
        Dup(usize),
        Wait(u64),
    }

    fn op() -> impl Strategy<Value = Op> {
        let peer = prop_oneof![Just(Peer::A), Just(Peer::B)];
        prop_oneof![
            2 => (peer, prop::sample::select(CallKind::ALL.to_vec())).prop_map(|(p, k)| Op::Call(p, k)),
            3 => (0usize..4).prop_map(Op::Deliver),
            1 => (0usize..4).prop_map(Op::Drop),
            1 => (0usize..4).prop_map(Op::Dup),
            1 => prop::sample::select(vec![10u64, 500, 1000, 3000, 240_000]).prop_map(Op::Wait),
        ]
    }

    fn peer_goal() -> impl Strategy<Value = PeerGoal> {
        let state = prop::sample::select(State::ALL.to_vec());
        let maybe = prop::option::of(prop::sample::select(State::ALL.to_vec()));
        prop_oneof![
            1 => Just(PeerGoal::Any),
            3 => state.prop_map(PeerGoal::In),
            1 => (maybe.clone(), maybe).prop_map(|(from, to)| PeerGoal::Takes { from, to }),
        ]
    }

    /// Writes the ops as a script, each line checked against the run so far, so that every
    /// label names a segment in flight.
    fn start_script(prefix: &str, ops: &[Op]) -> String {
        let mut text = prefix.to_string();
        for op in ops {
            let sim = script::run_source(&text).unwrap().sim;
            let label = |i: usize| {
                let flying = sim.in_flight();
                (!flying.is_empty()).then(|| flying[i % flying.len()].label)
            };
            let line = match *op {
                Op::Call(peer, kind) => {
                    let arg = if kind == CallKind::Send { " 30" } else { "" };
                    Some(format!("{peer} {}{arg}", kind.name()))
                }
                Op::Deliver(i) => label(i).map(|l| format!("deliver {l}")),
                Op::Drop(i) => label(i).map(|l| format!("drop {l}")),
                Op::Dup(i) => label(i).map(|l| format!("dup {l}")),
                Op::Wait(ms) => Some(format!("wait {ms}ms")),
            };
            if let Some(line) = line {
                text += &line;
                text.push('\n');
            }
        }
        text
    }

    fn config() -> ProptestConfig {
        ProptestConfig {
            cases: 40,
            rng_seed: RngSeed::Fixed(0xE8_910E),
            failure_persistence: None,
            ..ProptestConfig::default()
        }
    }

    proptest! {
        #![proptest_config(config())]

        #[test]
        fn every_printed_script_replays_to_the_claimed_states(
            prefix in prop::sample::select(vec!["", "B listen\nA connect\n", "set delivery auto\nB listen\nA connect\n"]),
            ops in prop::collection::vec(op(), 0..10),
            a in peer_goal(),
            b in peer_goal(),
            calls in prop::sample::subsequence(CallKind::ALL.to_vec(), 0..=6),
            max_states in 50u64..600,
        ) {
            let start = start_script(prefix, &ops);
            let sim = script::run_source(&start).unwrap().sim;
            let goal = Goal { a, b };
            let options = Options { calls, max_states, max_depth: Some(12), ..Options::default() };
            let answer = explore::explore(&sim, Search::Reach(goal), options, |_| true);
            let mut paths: Vec<_> = answer.reached.iter().map(|r| r.path.clone()).collect();
            if let Some(found) = &answer.found {
                let text = found.script_after(&start);
                let run = script::run_source(&text).unwrap();
                prop_assert!(run.passed(), "{}\n{:?} {:?}", text, run.failures, run.error);
                // The goal holds at the end; a transition was taken by the last step.
                let last_step_from = script::run_source(&format!(
                    "{start}{}",
                    found.steps[..found.steps.len().saturating_sub(1)].iter().map(|s| format!("{s}\n")).collect::<String>()
                )).unwrap().sim.trace().len();
                for peer in Peer::BOTH {
                    let state = run.sim.state(peer);
                    match goal.of(peer) {
                        PeerGoal::Any => {}
                        PeerGoal::In(s) => prop_assert_eq!(state, s),
                        PeerGoal::Takes { from, to } => {
                            let took = run.sim.trace()[last_step_from..].iter().any(|e| matches!(
                                e.event,
                                Event::StateChange { peer: p, from: f, to: t, .. }
                                    if p == peer && from.is_none_or(|s| s == f) && to.is_none_or(|s| s == t)
                            ));
                            prop_assert!(took, "{}: {} did not take {}", text, peer, goal.of(peer));
                        }
                    }
                }
                paths.push(found.clone());
            } else {
                prop_assert!(answer.progress.stop.is_some());
            }
            for path in paths {
                let text = path.script_after(&start);
                let run = script::run_source(&text).unwrap();
                prop_assert!(run.passed(), "{}\n{:?} {:?}", text, run.failures, run.error);
            }
        }

        /// A pair the map reached is found by a search for it at the map's distance, and so is
        /// the last transition on the way there, at most that far.
        #[test]
        fn a_pair_on_the_map_is_found_at_its_distance(
            prefix in prop::sample::select(vec!["B listen\nA connect\n", "set delivery auto\nB listen\nA connect\n"]),
            ops in prop::collection::vec(op(), 0..8),
            pick in any::<prop::sample::Index>(),
            calls in prop::sample::subsequence(CallKind::ALL.to_vec(), 0..=6),
        ) {
            let start = start_script(prefix, &ops);
            let sim = script::run_source(&start).unwrap().sim;
            let options = Options { calls, max_states: 250, ..Options::default() };
            let map = explore::explore(&sim, Search::Map, options.clone(), |_| true);
            let target = &map.reached[pick.index(map.reached.len())];
            let goal = Goal::pair(target.path.a, target.path.b);
            let found = explore::explore(&sim, Search::Reach(goal), options.clone(), |_| true);
            let path = found.found.expect("a pair on the map is found");
            prop_assert_eq!(path.steps.len() as u32, target.distance);
            // The last state change of that path's last step, as a transition goal.
            let Some(last) = target.path.steps.last() else { return Ok(()) };
            let before = script::run_source(&format!(
                "{start}{}",
                target.path.steps[..target.path.steps.len() - 1].iter().map(|s| format!("{s}\n")).collect::<String>()
            )).unwrap().sim;
            let mut after = before.clone();
            script::execute(&mut after, &script::parse_line(1, last).unwrap().unwrap()).unwrap();
            let change = after.trace()[before.trace().len()..].iter().rev().find_map(|e| match e.event {
                Event::StateChange { peer, from, to, .. } => Some((peer, from, to)),
                _ => None,
            });
            if let Some((peer, from, to)) = change {
                let goal = Goal::transition(peer, from, to);
                let found = explore::explore(&sim, Search::Reach(goal), options, |_| true);
                let path = found.found.expect("a transition on the way to a mapped pair is found");
                prop_assert!(path.steps.len() as u32 <= target.distance);
                prop_assert!(!path.steps.is_empty());
            }
        }
    }
}
