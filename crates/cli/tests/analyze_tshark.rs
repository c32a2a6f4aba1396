//! `synack analyze --json` against tshark's `tcp.analysis.*` flags and
//! `tcp.analysis.initial_rtt`, on the real captures of `tests/captures/` (Linux 6.18, made by
//! the capture lab). Every packet's flags must agree, except in the places listed in
//! `DIFFERENCES`, each of which the README explains and the lab's own record of the wire
//! (`*.truth.json`, what it dropped or delayed) decides in synack's favour. A difference
//! that appears or disappears fails the test. Skipped, with a message, when `tshark` is not
//! installed (`scripts/test.sh` installs it).

// The test says what it skipped and why.
#![allow(clippy::print_stderr)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::process::Command;

const FLAGS: [&str; 13] = [
    "retransmission",
    "fast_retransmission",
    "spurious_retransmission",
    "out_of_order",
    "lost_segment",
    "ack_lost_segment",
    "duplicate_ack",
    "zero_window",
    "zero_window_probe",
    "window_full",
    "window_update",
    "keep_alive",
    "keep_alive_ack",
];

/// (capture, frame, tshark's flags, synack's flags): where they differ, and why.
const DIFFERENCES: [(&str, usize, &str, &str); 7] = [
    // The wire dropped data segments 20 and 21: these are their retransmissions (TSval
    // newer than every segment before), sent after duplicate ACKs with SACK. Wireshark calls
    // the second "out of order" because it came soon after the first.
    (
        "bulk-loss.client.pcap",
        78,
        "out_of_order",
        "fast_retransmission,retransmission",
    ),
    (
        "bulk-loss.server.pcap",
        86,
        "out_of_order",
        "fast_retransmission,retransmission",
    ),
    // The wire held this segment back 30 ms; the sender had already fast-retransmitted it.
    // This is the original arriving late (its TSval is older than what came before it).
    (
        "reorder.pcapng",
        91,
        "retransmission,spurious_retransmission",
        "out_of_order",
    ),
    // Same ACK again, but nothing of the peer's is outstanding (it answers a retransmitted
    // FIN, or the late original with a D-SACK): not a duplicate ACK by RFC 5681 §2's
    // definition, and no loss signal.
    ("lost-final-ack.pcap", 23, "duplicate_ack", ""),
    ("reorder.pcapng", 92, "duplicate_ack", ""),
    // Linux's zero-window probes (`tcp_xmit_probe_skb`: SEQ = SND.UNA - 1, no data) into
    // the window B closed in frame 14. Wireshark takes their shape for keep-alives; sent
    // into a closed window while data waits, they are the persist timer's probes.
    ("zero-window.pcap", 19, "keep_alive", "zero_window_probe"),
    ("zero-window.pcap", 21, "keep_alive", "zero_window_probe"),
];

/// Captures whose `initial_rtt` differs, and why.
const RTT_DIFFERENCES: [(&str, &str); 2] = [
    // A simultaneous open (RFC 9293 Figure 7): Wireshark times from the last packet with SYN
    // (A's SYN,ACK) to A's ACK, half a round trip on this 50 ms-each-way wire; synack times
    // from A's SYN to the ACK that completes A's handshake: one round trip (101.9 ms).
    (
        "simultaneous-open.pcap",
        "synack 101885 us, tshark 51351 us",
    ),
    // A refused connection has no handshake: Wireshark reports SYN to RST,ACK as an iRTT.
    ("refused.pcap", "synack none, tshark 10342 us"),
];

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/captures")
}

fn tshark(file: &str) -> (BTreeMap<usize, BTreeSet<String>>, BTreeSet<u64>) {
    let mut args = vec![
        "-r".to_string(),
        dir().join(file).to_string_lossy().into_owned(),
        "-Y".into(),
        "tcp".into(),
        "-T".into(),
        "fields".into(),
        "-E".into(),
        "separator=/t".into(),
        "-E".into(),
        "aggregator=|".into(),
        "-e".into(),
        "frame.number".into(),
    ];
    for f in FLAGS {
        args.push("-e".into());
        args.push(format!("tcp.analysis.{f}"));
    }
    args.push("-e".into());
    args.push("tcp.analysis.initial_rtt".into());
    let out = Command::new("tshark")
        .args(&args)
        .output()
        .expect("tshark runs");
    assert!(out.status.success(), "tshark failed on {file}");
    let mut flags = BTreeMap::new();
    let mut rtts = BTreeSet::new();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let cols: Vec<&str> = line.split('\t').collect();
        let frame: usize = cols[0].parse().expect("frame number");
        let set: BTreeSet<String> = FLAGS
            .iter()
            .enumerate()
            .filter(|(i, _)| cols.get(i + 1).is_some_and(|c| !c.is_empty()))
            .map(|(_, f)| f.to_string())
            .collect();
        if !set.is_empty() {
            flags.insert(frame, set);
        }
        if let Some(r) = cols.get(FLAGS.len() + 1).filter(|c| !c.is_empty()) {
            let secs: f64 = r.parse().expect("initial_rtt");
            rtts.insert((secs * 1e6).round() as u64);
        }
    }
    (flags, rtts)
}

fn synack(file: &str) -> (BTreeMap<usize, BTreeSet<String>>, BTreeSet<u64>) {
    let out = Command::new(env!("CARGO_BIN_EXE_synack"))
        .args(["analyze", "--json"])
        .arg(dir().join(file))
        .output()
        .expect("synack runs");
    assert!(out.status.success());
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let mut flags = BTreeMap::new();
    let mut rtts = BTreeSet::new();
    for conn in json.as_array().expect("an array") {
        for f in conn["flagged"].as_array().unwrap() {
            let set = f["flags"]
                .as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_str().unwrap().to_string())
                .collect();
            flags.insert(f["frame"].as_u64().unwrap() as usize, set);
        }
        if let Some(r) = conn["handshake"]["initial_rtt"].as_u64() {
            rtts.insert(r);
        }
    }
    (flags, rtts)
}

fn set(names: &str) -> BTreeSet<String> {
    names
        .split(',')
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect()
}

#[test]
fn analysis_flags_agree_with_tshark_except_where_explained() {
    if Command::new("tshark").arg("-v").output().is_err() {
        eprintln!(
            "SKIPPED analyze_tshark: `tshark` is not installed (Debian: apt-get install tshark; \
             scripts/test.sh installs it)"
        );
        return;
    }
    let mut files: Vec<String> = std::fs::read_dir(dir())
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".pcap") || n.ends_with(".pcapng"))
        .collect();
    files.sort();
    assert!(files.len() >= 15, "{files:?}");
    let mut differences = Vec::new();
    let mut flagged = 0;
    for file in &files {
        let (theirs, their_rtt) = tshark(file);
        let (ours, our_rtt) = synack(file);
        flagged += ours.len();
        let frames: BTreeSet<usize> = theirs.keys().chain(ours.keys()).copied().collect();
        for frame in frames {
            let (a, b) = (
                theirs.get(&frame).cloned().unwrap_or_default(),
                ours.get(&frame).cloned().unwrap_or_default(),
            );
            if a != b {
                differences.push((file.clone(), frame, a, b));
            }
        }
        let rtt_explained = RTT_DIFFERENCES.iter().any(|(f, _)| f == file);
        if !rtt_explained {
            assert_eq!(our_rtt, their_rtt, "{file}: initial RTT (microseconds)");
        } else {
            assert_ne!(
                our_rtt, their_rtt,
                "{file}: the listed RTT difference is gone"
            );
        }
    }
    let mut expected: Vec<(String, usize, BTreeSet<String>, BTreeSet<String>)> = DIFFERENCES
        .iter()
        .map(|(f, n, a, b)| (f.to_string(), *n, set(a), set(b)))
        .collect();
    expected.sort();
    differences.sort();
    assert_eq!(
        differences, expected,
        "(capture, frame, tshark, synack): differences other than the explained ones"
    );
    assert!(
        flagged > 100,
        "the captures exercise the analysis ({flagged} flagged packets)"
    );
}
