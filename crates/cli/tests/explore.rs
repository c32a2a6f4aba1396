//! `synack explore`: the script it prints passes `synack check`, an unreachable target exits
//! 2 with the bound that ended the search, and `--map` lists the pairs within reach.

use std::path::PathBuf;
use std::process::{Command, Output};

fn synack(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_synack"))
        .args(args)
        .current_dir(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../.."))
        .output()
        .expect("synack runs")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn temp(name: &str, contents: &str) -> String {
    let dir = std::env::temp_dir().join(format!("synack-explore-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, contents).unwrap();
    path.to_string_lossy().into_owned()
}

const ESTABLISHED: &str = "B listen\nA connect\ndeliver s1\ndeliver s2\ndeliver s3";

/// Runs `explore` with `args`, requires it to succeed, writes what it printed to a file and
/// has `synack check` run that file.
#[track_caller]
fn explore_and_check(name: &str, args: &[&str]) -> String {
    let out = synack(args);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let printed = text(&out.stdout);
    let file = temp(name, &printed);
    let check = synack(&["check", &file]);
    assert!(check.status.success(), "{printed}\n{}", text(&check.stdout));
    printed
}

#[test]
fn the_printed_script_is_the_file_the_steps_and_expect_lines() {
    // No newline at the end of the file: the steps still start on a line of their own.
    let file = temp("established.tcps", ESTABLISHED);
    let printed = explore_and_check(
        "closing.tcps",
        &[
            "explore",
            &file,
            "--reach",
            "A=CLOSING,B=CLOSING",
            "--calls",
        ],
    );
    let expected_tail =
        "A close\nB close\ndeliver s4\ndeliver s5\nexpect A CLOSING\nexpect B CLOSING\n";
    assert!(
        printed.starts_with(&format!(
            "{ESTABLISHED}\n# synack explore --reach A=CLOSING,B=CLOSING: a shortest way, 4 steps"
        )),
        "{printed}"
    );
    assert!(printed.ends_with(expected_tail), "{printed}");
}

#[test]
fn transitions_and_any_state_as_targets() {
    let file = temp("established2.tcps", ESTABLISHED);
    let printed = explore_and_check(
        "fw1-tw.tcps",
        &[
            "explore",
            &file,
            "--reach",
            "A=FIN_WAIT_1->TIME_WAIT",
            "--calls=close",
        ],
    );
    assert!(
        printed.ends_with(
            "A close\ndeliver s4\nB close\ndeliver s6\nexpect A TIME_WAIT\nexpect B LAST_ACK\n"
        ),
        "{printed}"
    );
    let printed = explore_and_check(
        "any.tcps",
        &[
            "explore",
            &file,
            "--reach",
            "A=*,B=CLOSE_WAIT",
            "--calls=close",
        ],
    );
    assert!(
        printed.ends_with("A close\ndeliver s4\nexpect A FIN_WAIT_1\nexpect B CLOSE_WAIT\n"),
        "{printed}"
    );
}

#[test]
fn every_found_path_from_the_built_in_scenarios_passes_check() {
    let mut found = 0;
    for scenario in [
        "handshake",
        "simultaneous-open",
        "close-client-first",
        "half-close",
        "lost-final-ack",
    ] {
        for target in [
            "A=CLOSING,B=*",
            "A=CLOSED,B=CLOSED",
            "B=*->LISTEN",
            "A=TIME_WAIT,B=TIME_WAIT",
        ] {
            let path = format!("scenarios/{scenario}.tcps");
            let out = synack(&[
                "explore", &path, "--reach", target, "--calls", "--states", "4000",
            ]);
            match out.status.code() {
                Some(0) => {
                    found += 1;
                    let file = temp(&format!("{scenario}-{found}.tcps"), &text(&out.stdout));
                    let check = synack(&["check", &file]);
                    assert!(
                        check.status.success(),
                        "{scenario} {target}: {}",
                        text(&check.stdout)
                    );
                }
                Some(2) => assert!(
                    text(&out.stderr).contains("not reachable"),
                    "{}",
                    text(&out.stderr)
                ),
                other => panic!("{scenario} {target}: exit {other:?}: {}", text(&out.stderr)),
            }
        }
    }
    assert!(found >= 12, "only {found} paths found");
}

#[test]
fn an_unreachable_target_exits_2_and_says_why() {
    let file = temp("crashed.tcps", &format!("{ESTABLISHED}\nB crash\n"));
    let out = synack(&["explore", &file, "--reach", "A=CLOSED"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let why = text(&out.stderr);
    assert!(why.contains("A=CLOSED from the end of the script: unreachable: the search explored every state reachable from here (1 state"), "{why}");
    assert!(
        why.contains("A reached ESTABLISHED; B reached CLOSED"),
        "{why}"
    );
    assert!(why.contains("--calls lets the search also"), "{why}");
    let file = temp("handshake.tcps", "B listen\nA connect\n");
    let out = synack(&["explore", &file, "--reach", "A=TIME_WAIT", "--depth", "4"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr)
            .contains("not reachable within 4 steps: every sequence of up to 4 steps was explored"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn the_map_lists_every_pair_with_its_distance() {
    let file = temp("map.tcps", "B listen\nA connect\n");
    let out = synack(&["explore", &file, "--map", "--depth", "3"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let map = text(&out.stdout);
    assert!(
        map.contains("(A, B) pairs reached from the end of"),
        "{map}"
    );
    assert!(
        map.contains("every sequence of up to 3 steps was explored"),
        "{map}"
    );
    assert!(
        map.contains("    0  SYN_SENT     LISTEN       (here)\n"),
        "{map}"
    );
    assert!(
        map.contains("    1  SYN_SENT     SYN_RCVD     deliver s1\n"),
        "{map}"
    );
    assert!(
        map.contains("    3  ESTABLISHED  ESTABLISHED  deliver s1; deliver s2; deliver s3\n"),
        "{map}"
    );
}

#[test]
fn usage_errors_say_what_is_missing() {
    let file = temp("usage.tcps", "B listen\n");
    for (args, message) in [
        (vec!["explore", &file], "what to look for?"),
        (vec!["explore", "--map"], "which script?"),
        (
            vec!["explore", &file, "--reach", "A=CLOSE"],
            "`CLOSE` is not a state",
        ),
        (
            vec!["explore", &file, "--map", "--reach", "A=CLOSED"],
            "one --reach or --map",
        ),
        (
            vec!["explore", &file, "--map", "--calls=close,reboot"],
            "`reboot` is not a call",
        ),
        (
            vec!["explore", &file, "--map", "--depth", "x"],
            "--depth needs a whole number",
        ),
        (
            vec!["explore", &file, "--map", "--time", "0"],
            "--time needs seconds",
        ),
    ] {
        let out = synack(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(
            text(&out.stderr).contains(message),
            "{args:?}: {}",
            text(&out.stderr)
        );
    }
    // A script that fails is refused: the search starts where it ends.
    let failing = temp("failing.tcps", "B listen\nexpect B CLOSED\n");
    let out = synack(&["explore", &failing, "--map"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("the script must pass"),
        "{}",
        text(&out.stderr)
    );
}
