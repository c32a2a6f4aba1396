//! The Linux lab's scenarios (`lab/linux/*.tcps`) hold `expect` lines taken from what this
//! machine's kernel did (`bash scripts/linux-lab.sh` checks them against it). Here, with no
//! kernel needed, synack under `set profile linux` must pass every one of them, except
//! those marked `# lab: pending=<reason>`: what Linux does there is not modelled yet, so they
//! must still fail. One that starts passing must lose its mark, so that it is checked.
//! Those marked `# lab: measured-only=<reason>` record what Linux did for a later issue and
//! are only run (they must parse and run to the end).

use std::path::{Path, PathBuf};

use synack_core::script;

fn lab_scenarios() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../lab/linux");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "tcps"))
        .collect();
    files.sort();
    files
}

/// The `# lab:` settings of a scenario, as lab.py reads them.
fn lab_settings(source: &str) -> Vec<&str> {
    source
        .lines()
        .filter_map(|l| l.strip_prefix("# lab:"))
        .map(str::trim)
        .collect()
}

#[test]
fn lab_scenarios_pass_under_the_linux_profile_unless_pending() {
    let files = lab_scenarios();
    assert!(files.len() >= 20, "only {} lab scenarios", files.len());
    let mut problems = Vec::new();
    for path in &files {
        let name = path.display();
        let source = std::fs::read_to_string(path).expect("readable scenario");
        let settings = lab_settings(&source);
        if !settings
            .iter()
            .any(|s| s.starts_with("kernel=A") || s.starts_with("kernel=B"))
        {
            problems.push(format!("{name}: no `# lab: kernel=A|B` line"));
        }
        if !source.lines().any(|l| l.trim() == "set profile linux") {
            problems.push(format!("{name}: no `set profile linux`"));
        }
        let pending = settings
            .iter()
            .find_map(|s| s.split_once("pending=").map(|(_, r)| r));
        let measured_only = settings.iter().any(|s| s.contains("measured-only="));
        let outcome = match script::run_source(&source) {
            Ok(outcome) => outcome,
            Err(e) => {
                problems.push(format!("{name}:{e}"));
                continue;
            }
        };
        if measured_only {
            if let Some(e) = &outcome.error {
                problems.push(format!("{name}:{e}"));
            }
            continue;
        }
        match (pending, outcome.passed()) {
            (None, false) => {
                let failures: Vec<String> = outcome
                    .failures
                    .iter()
                    .chain(&outcome.error)
                    .map(|f| format!("{name}:{f}"))
                    .collect();
                problems.push(failures.join("\n"));
            }
            (Some(reason), true) => problems.push(format!(
                "{name}: passes now, but is marked pending ({reason}): drop the mark"
            )),
            (Some(_), false) | (None, true) => {}
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
