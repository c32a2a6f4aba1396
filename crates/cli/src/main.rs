//! `synack`: runs `.tcps` scenario scripts from the command line.
//!
//! - `synack run [--json] FILE`: prints the trace, one event per line (or as JSON).
//! - `synack check FILE...`: runs scripts, reports every failed `expect`, ends with
//!   `N passed, M failed`, and exits non-zero when any script failed.

use std::process::ExitCode;

use synack_core::script::{self, Outcome, ScriptError};

const USAGE: &str = "usage:
  synack run [--json] FILE     print the trace of a scenario script
  synack check FILE...         run scripts and check their `expect` lines";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("run") => run(&args[1..]),
        Some("check") => check(&args[1..]),
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        _ => {
            eprintln!("{USAGE}");
            ExitCode::from(2)
        }
    }
}

/// Reads and runs a script; a read or parse error comes back as `file:line:col: message`.
fn load(path: &str) -> Result<Outcome, String> {
    let source = std::fs::read_to_string(path).map_err(|e| format!("{path}: cannot read: {e}"))?;
    script::run_source(&source).map_err(|e| located(path, &e))
}

fn located(path: &str, e: &ScriptError) -> String {
    format!("{path}:{e}")
}

fn run(args: &[String]) -> ExitCode {
    let (json, files): (Vec<&String>, Vec<&String>) = args.iter().partition(|a| *a == "--json");
    let [path] = files.as_slice() else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    let outcome = match load(path) {
        Ok(o) => o,
        Err(msg) => {
            eprintln!("{msg}");
            return ExitCode::FAILURE;
        }
    };
    if json.is_empty() {
        for event in outcome.sim.trace() {
            println!("{event}");
        }
    } else {
        match serde_json::to_string_pretty(outcome.sim.trace()) {
            Ok(text) => println!("{text}"),
            Err(e) => {
                eprintln!("cannot encode the trace as JSON: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    for failure in &outcome.failures {
        eprintln!("{}: expectation failed", located(path, failure));
    }
    if let Some(e) = &outcome.error {
        eprintln!("{}", located(path, e));
    }
    if outcome.passed() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn check(files: &[String]) -> ExitCode {
    if files.is_empty() {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    }
    let (mut passed, mut failed) = (0, 0);
    for path in files {
        match load(path) {
            Ok(outcome) if outcome.passed() => {
                passed += 1;
                println!("ok    {path}");
            }
            Ok(outcome) => {
                failed += 1;
                println!("FAIL  {path}");
                for f in &outcome.failures {
                    println!("      {}", located(path, f));
                }
                if let Some(e) = &outcome.error {
                    println!("      {}", located(path, e));
                }
            }
            Err(msg) => {
                failed += 1;
                println!("FAIL  {path}");
                println!("      {msg}");
            }
        }
    }
    println!("{passed} passed, {failed} failed");
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
