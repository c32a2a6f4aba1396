//! The connection list's "final states" column against the kernel: four real Linux 6.18
//! connections between two network namespaces (normal close, client reset, the server
//! keeping TIME-WAIT, a half-close left open), captured with tcpdump on the client's veth,
//! with `ss -tan` of both namespaces taken after the last packet
//! (tests/fixtures/ss-final.sh made both files).
//!
//! The column is read as the page gets it: the worker's summary digest, decoded. Each end's
//! final state must be the one `ss` listed for its socket, or CLOSED where `ss` listed none
//! (the socket was gone).

use std::collections::HashMap;
use std::path::PathBuf;

use synack_core::capture::digest::{decode_summary, summarize, Final};
use synack_core::State;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures")
        .join(name)
}

/// `ss`'s spelling back to a state (LISTEN and the rest are not asked for).
fn from_ss(name: &str) -> State {
    State::ALL
        .into_iter()
        .find(|s| s.ss_name() == name)
        .unwrap_or_else(|| panic!("unexpected ss state {name}"))
}

/// (local, peer) → state, from every namespace's `ss -tan` in the file; listeners left out.
fn ss_sockets(text: &str) -> HashMap<(String, String), State> {
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.starts_with("State"))
        .filter_map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            (f.len() >= 5 && f[0] != "LISTEN")
                .then(|| ((f[3].to_string(), f[4].to_string()), from_ss(f[0])))
        })
        .collect()
}

#[test]
fn final_states_column_says_what_ss_said_on_both_hosts() {
    let bytes = std::fs::read(fixture("ss-final.pcap")).expect("ss-final.pcap");
    let ss_text = std::fs::read_to_string(fixture("ss-final.ss.txt")).expect("ss-final.ss.txt");
    let ss = ss_sockets(&ss_text);
    let (text, _) = summarize(&bytes);
    let sum = decode_summary(&text).expect("a capture");
    assert_eq!(sum.conns.len(), 4, "{text}");
    let mut labels = Vec::new();
    for row in &sum.conns {
        let finals = row.finals.expect("the summary carries final states");
        for (k, (local, peer)) in [(&row.a, &row.b), (&row.b, &row.a)].into_iter().enumerate() {
            let want = ss
                .get(&(local.clone(), peer.clone()))
                .copied()
                .unwrap_or(State::Closed);
            assert_eq!(
                finals[k].state,
                want,
                "connection {} ({} -> {}): {} says {}, ss said {}",
                row.index,
                row.a,
                row.b,
                ["A", "B"][k],
                finals[k].state,
                want.ss_name()
            );
        }
        labels.push(Final::pair_label(finals, true));
    }
    // In the Linux view, with the capture's `?`: a socket ss no longer listed is CLOSED, which
    // the Linux view spells UNCONN. The `?` is on a state that the other end's last packet
    // caused (its last ACK, its RST), since nothing the receiver sent later shows it arrived.
    assert_eq!(
        labels,
        [
            "TIME-WAIT / UNCONN?", // 8001: the client closed first; the server got its last ACK
            "UNCONN / UNCONN?",    // 8002: the client's RST
            "UNCONN? / TIME-WAIT", // 8003: the server closed first and holds TIME-WAIT
            "FIN-WAIT-2 / CLOSE-WAIT", // 8004: half-closed, left open
        ]
    );
}
