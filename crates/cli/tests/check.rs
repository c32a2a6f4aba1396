//! `synack check`: every script is parsed before anything runs, and each problem is reported
//! as `file:line:column: message`.

use std::path::PathBuf;
use std::process::{Command, Output};

fn synack(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_synack"))
        .args(args)
        .current_dir(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../.."))
        .output()
        .expect("synack runs")
}

fn script(name: &str, text: &str) -> String {
    let dir = std::env::temp_dir().join(format!("synack-check-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.to_string_lossy().into_owned()
}

#[test]
fn a_bad_setting_value_is_reported_at_its_column_before_the_run() {
    // Line 4 would fail as a run-time error if the script ran first: s9 was never sent.
    let bad = script(
        "bad.tcps",
        "B listen\nA connect\n# a comment\nset mss banana\ndeliver s9\n",
    );
    let good = script("good.tcps", "set window 0\nB listen\nexpect B LISTEN\n");
    let out = synack(&["check", &bad, &good]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains(&format!(
            "{bad}:4:9: `banana` is not a segment size from 1 to 65535 (for `mss`)"
        )),
        "{stdout}"
    );
    assert!(!stdout.contains("s9"), "the script ran: {stdout}");
    assert!(stdout.contains(&format!("ok    {good}")), "{stdout}");
    assert!(stdout.ends_with("1 passed, 1 failed\n"), "{stdout}");
}
