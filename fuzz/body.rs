//! The fuzz body, shared by the cargo-fuzz target (`fuzz/fuzz_targets/script.rs`) and the
//! stable test that replays nasty inputs in CI (`crates/core/tests/fuzz_corpus.rs`).
//!
//! It feeds arbitrary bytes, as lossy UTF-8, to the script parser, the script runner and
//! `trace_text`, and checks more than "no panic":
//! - every command the parser accepts prints back (`Display`) to a line that parses to the
//!   same command;
//! - parse errors point at a real line and column;
//! - after a run, every state is one of the eleven and SND.UNA =< SND.NXT (modulo 2^32);
//! - with congestion control (NewReno or CUBIC), cwnd is at least one SMSS in ESTABLISHED;
//! - the log's last `window` event of each peer gives its numbers at the end (the same
//!   for a slow reader's unread bytes);
//! - `trace_text` runs the script again and must print the same trace (determinism).

use synack_core::script::{self, Outcome};
use synack_core::{trace_text, CongestionControl, Event, Peer, State};

pub fn run(data: &[u8]) {
    let source = String::from_utf8_lossy(data);
    let lines = source.lines().count();

    match script::parse(&source) {
        Ok(parsed) => {
            for line in &parsed.lines {
                let printed = line.command.to_string();
                let reparsed = script::parse_line(line.line, &printed);
                assert_eq!(
                    reparsed,
                    Ok(Some(line.command.clone())),
                    "line {} does not round-trip through `{printed}`",
                    line.line
                );
            }
        }
        Err(e) => {
            assert!(
                e.line >= 1 && e.line <= lines.max(1),
                "error at line {} of {lines}",
                e.line
            );
            assert!(e.column >= 1, "error at column 0");
            assert!(!e.message.is_empty());
        }
    }

    // Exercises' `let` lines: with and without a seed, a seeded read either fails at a real
    // line or gives a script the plain reader takes as it is.
    for seed in [None, Some(data.len() as u64)] {
        match script::parse_seeded(&source, seed) {
            Ok((_, instance)) => {
                assert_eq!(instance.source.lines().count(), lines, "lines kept");
                assert!(script::parse(&instance.source).is_ok());
            }
            Err(e) => assert!(e.line >= 1 && e.line <= lines.max(1) && e.column >= 1),
        }
    }

    let outcome = script::run_source(&source);
    if let Ok(outcome) = &outcome {
        check_outcome(outcome, lines);
    }

    let text = trace_text(&source);
    match &outcome {
        Ok(outcome) => {
            let mut expected = String::new();
            for event in outcome.sim.trace() {
                expected += &event.to_string();
                expected.push('\n');
            }
            assert!(
                text.starts_with(&expected),
                "trace_text differs from a second run of the same script"
            );
        }
        Err(e) => assert!(
            text.contains(&e.to_string()),
            "trace_text does not report `{e}`"
        ),
    }
}

fn check_outcome(outcome: &Outcome, lines: usize) {
    let sim = &outcome.sim;
    for peer in Peer::BOTH {
        let state = sim.state(peer);
        assert!(State::ALL.contains(&state));
        if !matches!(state, State::Closed | State::Listen) {
            let t = sim.endpoint(peer).tcb();
            assert!(
                t.snd_nxt.offset_from(t.snd_una) < 1 << 31,
                "{peer} in {state}: SND.UNA {:?} > SND.NXT {:?}",
                t.snd_una,
                t.snd_nxt
            );
        }
    }
    for peer in Peer::BOTH {
        let ep = sim.endpoint(peer);
        if ep.state() == State::Established && ep.config().cc != CongestionControl::None {
            let t = ep.tcb();
            assert!(
                t.cwnd >= t.snd_mss,
                "{peer}: cwnd {} below SMSS {}",
                t.cwnd,
                t.snd_mss
            );
        }
        // The last `window` event since the peer last left the synchronized states.
        let mut logged = None;
        for e in sim.trace() {
            match e.event {
                Event::Window { peer: p, windows } if p == peer => logged = Some(windows),
                Event::StateChange { peer: p, to, .. } if p == peer && !to.is_synchronized() => {
                    logged = None
                }
                _ => {}
            }
        }
        assert_eq!(
            logged,
            ep.windows(),
            "{peer}: the log's windows are not its numbers"
        );
    }
    for failure in outcome.failures.iter().chain(&outcome.error) {
        assert!(
            failure.line >= 1 && failure.line <= lines,
            "failure at line {} of {lines}",
            failure.line
        );
    }
}
