//! `synack analyze`: the connection table, the state timeline, and clear errors.

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

fn temp(name: &str) -> String {
    let dir = std::env::temp_dir().join(format!("synack-analyze-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name).to_string_lossy().into_owned()
}

#[test]
fn table_and_timeline_of_an_exported_scenario() {
    let file = temp("close.pcap");
    let out = synack(&["pcap", "scenarios/close-client-first.tcps", "-o", &file]);
    assert!(out.status.success(), "{}", text(&out.stderr));

    let out = synack(&["analyze", &file]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let table = text(&out.stdout);
    assert!(table.contains("7 TCP packets, 1 connection"), "{table}");
    let row = table
        .lines()
        .find(|l| l.trim_start().starts_with("1 "))
        .unwrap();
    for word in [
        "192.0.2.1:49152",
        "198.51.100.7:80",
        " 7 ",
        "handshake",
        "FIN both ways",
        // As the timeline's last line says it, below.
        "TIME_WAIT / CLOSED?",
    ] {
        assert!(row.contains(word), "{word} in {row}");
    }
    assert!(table.contains("final (A / B)"), "{table}");

    let out = synack(&["analyze", &file, "--conn", "1"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let timeline = text(&out.stdout);
    for line in [
        "A    CLOSED -> SYN_SENT",
        "B    LISTEN -> SYN_RCVD",
        "A    FIN_WAIT_2 -> TIME_WAIT",
        "B    LAST_ACK -> CLOSED",
        "after the last packet: A TIME_WAIT, B CLOSED",
    ] {
        assert!(timeline.contains(line), "{line} in\n{timeline}");
    }
    // A's last ACK may have been lost after the capture point.
    let last = timeline
        .lines()
        .find(|l| l.contains("LAST_ACK -> CLOSED"))
        .unwrap();
    assert!(last.contains("? receiver sent nothing later"), "{last}");
    assert!(last.contains("LastAckFinAcked (§3.10.7.4)"), "{last}");
}

#[test]
fn errors_are_clear() {
    let out = synack(&["analyze", "no/such/file.pcap"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("no/such/file.pcap: cannot read"));

    let out = synack(&["analyze", "scenarios/handshake.tcps"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("not a capture file"));

    let file = temp("one.pcap");
    assert!(synack(&["pcap", "scenarios/handshake.tcps", "-o", &file])
        .status
        .success());
    let out = synack(&["analyze", &file, "--conn", "9"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("no connection 9 (the capture has 1)"));

    let out = synack(&["analyze", &file, "--conn", "zero"]);
    assert_eq!(out.status.code(), Some(2));
    let out = synack(&["analyze"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_cut_off_file_reports_where_reading_stopped() {
    let file = temp("cut.pcap");
    assert!(synack(&["pcap", "scenarios/handshake.tcps", "-o", &file])
        .status
        .success());
    let bytes = std::fs::read(&file).unwrap();
    std::fs::write(&file, &bytes[..bytes.len() - 7]).unwrap();
    let out = synack(&["analyze", &file]);
    assert!(out.status.success());
    let table = text(&out.stdout);
    assert!(table.contains("reading stopped early"), "{table}");
}

/// `synack analyze FILE | head -1`: the reader goes away; the program ends quietly.
#[test]
fn analyze_into_a_closed_pipe_ends_quietly() {
    use std::process::{Command, Stdio};
    let file = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/captures/bulk-loss.server.pcap"
    );
    let mut child = Command::new(env!("CARGO_BIN_EXE_synack"))
        .args(["analyze", "--json", file])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{:?}", out.status);
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `--conn-log` prints Zeek's header and one row per connection with its columns.
#[test]
fn conn_log_has_zeeks_columns() {
    use std::process::Command;
    let file = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/captures/reuse.pcap"
    );
    let out = Command::new(env!("CARGO_BIN_EXE_synack"))
        .args(["analyze", "--conn-log", file])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let fields = text.lines().find(|l| l.starts_with("#fields")).unwrap();
    let rows: Vec<&str> = text.lines().filter(|l| !l.starts_with('#')).collect();
    assert_eq!(rows.len(), 2);
    for row in rows {
        let cols: Vec<&str> = row.split('\t').collect();
        assert_eq!(cols.len(), fields.split('\t').count() - 1, "{row}");
        assert_eq!((cols[6], cols[11]), ("tcp", "SF"));
        assert_eq!(cols[5], "8080");
    }
}
