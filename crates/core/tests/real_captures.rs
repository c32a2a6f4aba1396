//! Real captures: Linux 6.18 TCP between two network namespaces, recorded by the capture lab
//! (`tests/captures/lab.py`) with the kernel's own `ss -tanoi` polled on both hosts. For each
//! capture, every socket the truth lists is found among the connections, and the states the
//! inference gives that end must contain the states `ss` saw, in order (a poll every ~15 ms
//! can miss a short state, so the truth's path is a subsequence of the inferred one), and
//! end in the same state.
//!
//! Each scenario is one of the inference bugs found on real traffic (issue 12): a lost final
//! ACK, a lost SYN,ACK seen at the server, a lost RST, simultaneous close from either point,
//! simultaneous open, a refused connection, Linux's orphaned FIN-WAIT-2 timeout, a
//! headers-only capture and one that starts mid-connection; plus bulk transfer with loss,
//! reordering, zero window, keep-alive, 4-tuple reuse, IPv6, SLL and SLL2, pcap and pcapng.

use std::net::SocketAddr;
use std::path::PathBuf;

use serde_json::Value;
use synack_core::capture::{self, Connection, End, Inference, Start};
use synack_core::Peer;
use synack_core::State;

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/captures")
}

fn truth(name: &str) -> Value {
    let text = std::fs::read_to_string(dir().join(format!("{name}.truth.json")))
        .unwrap_or_else(|e| panic!("{name}.truth.json: {e}"));
    serde_json::from_str(&text).expect("truth is JSON")
}

/// `ss` spells states its own way; `(gone)` means the socket no longer existed.
fn from_ss(name: &str) -> State {
    match name {
        "SYN-SENT" => State::SynSent,
        "SYN-RECV" => State::SynReceived,
        "ESTAB" => State::Established,
        "FIN-WAIT-1" => State::FinWait1,
        "FIN-WAIT-2" => State::FinWait2,
        "CLOSE-WAIT" => State::CloseWait,
        "CLOSING" => State::Closing,
        "LAST-ACK" => State::LastAck,
        "TIME-WAIT" => State::TimeWait,
        "(gone)" => State::Closed,
        other => panic!("unexpected ss state {other}"),
    }
}

fn addr(s: &str) -> SocketAddr {
    s.parse().unwrap_or_else(|_| panic!("address {s}"))
}

struct Case {
    conns: Vec<Connection>,
    packets: Vec<capture::TcpPacket>,
}

fn open(file: &str) -> Case {
    let bytes = std::fs::read(dir().join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
    let (packets, conns) = capture::analyze(&bytes).expect("a capture");
    assert!(packets.stopped.is_none(), "{file}: {:?}", packets.stopped);
    Case {
        conns,
        packets: packets.tcp,
    }
}

/// The connection between `local` and `peer`, and which side `local` is.
fn find(case: &Case, local: SocketAddr, peer: SocketAddr) -> (&Connection, Peer) {
    let c = case
        .conns
        .iter()
        .find(|c| (c.a == local && c.b == peer) || (c.a == peer && c.b == local))
        .unwrap_or_else(|| panic!("no connection {local} <-> {peer}"));
    (c, if c.a == local { Peer::A } else { Peer::B })
}

fn path_of(inf: &Inference, side: Peer) -> Vec<State> {
    let k = if side == Peer::A { 0 } else { 1 };
    let mut path = vec![inf.start_states[k]];
    path.extend(inf.steps.iter().filter(|s| s.side == side).map(|s| s.to));
    path.retain(|s| *s != State::Listen);
    path
}

fn is_subsequence(small: &[State], big: &[State]) -> bool {
    let mut it = big.iter();
    small.iter().all(|s| it.any(|b| b == s))
}

/// Checks every socket of the truth against the inference from `file`.
fn check(name: &str, file: &str) -> Vec<(Peer, Inference)> {
    let t = truth(name);
    let case = open(file);
    let mut out = Vec::new();
    for sock in t["sockets"].as_array().expect("sockets") {
        let (local, peer) = (
            addr(sock["local"].as_str().unwrap()),
            addr(sock["peer"].as_str().unwrap()),
        );
        let (conn, side) = find(&case, local, peer);
        let inf = capture::infer(conn, &case.packets, None);
        let seen: Vec<State> = sock["states"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| from_ss(s["state"].as_str().unwrap()))
            .collect();
        let inferred = path_of(&inf, side);
        let host = sock["host"].as_str().unwrap();
        assert!(
            is_subsequence(&seen, &inferred),
            "{file}: the {host}'s states {seen:?} (ss) are not all in the inferred {inferred:?}"
        );
        let k = if side == Peer::A { 0 } else { 1 };
        let last = from_ss(sock["final"].as_str().unwrap());
        assert_eq!(
            inf.final_states[k], last,
            "{file}: the {host}'s final state (ss: {last}, inferred {})",
            inf.final_states[k]
        );
        out.push((side, inf));
    }
    out
}

#[test]
fn lost_final_ack_the_server_closes_only_after_its_retransmitted_fin() {
    let infs = check("lost-final-ack", "lost-final-ack.pcap");
    // The client's first ACK of the FIN is taken as lost: the server retransmitted its FIN.
    let (_, server) = infs.iter().find(|(s, _)| *s == Peer::B).unwrap();
    assert_eq!(server.undelivered.len(), 1, "{:?}", server.undelivered);
    let closed = server
        .steps
        .iter()
        .find(|s| s.side == Peer::B && s.to == State::Closed)
        .unwrap();
    let last_ack = server.undelivered[0].evidence_frame;
    assert!(closed.frame.unwrap() > last_ack, "{closed:?}");
}

#[test]
fn lost_syn_ack_at_the_server_keeps_the_client_in_syn_sent() {
    let infs = check("lost-synack", "lost-synack.pcapng");
    let (_, inf) = &infs[0];
    assert!(inf
        .undelivered
        .iter()
        .any(|u| u.because == capture::LostBecause::SynRetransmitted));
}

#[test]
fn lost_keepalive_rst_leaves_the_server_established_until_its_fin() {
    let infs = check("keepalive-rst-lost", "keepalive-rst-lost.pcap");
    let (_, inf) = &infs[0];
    assert_eq!(inf.undelivered.len(), 2, "{:?}", inf.undelivered);
    assert!(inf
        .steps
        .iter()
        .any(|s| s.side == Peer::B && s.to == State::FinWait1));
}

#[test]
fn simultaneous_close_is_closing_on_both_ends_from_either_capture_point() {
    for file in [
        "simultaneous-close.client.pcapng",
        "simultaneous-close.any.pcap",
    ] {
        for (side, inf) in check("simultaneous-close", file) {
            assert!(
                path_of(&inf, side).contains(&State::Closing),
                "{file}: {side} never CLOSING"
            );
        }
    }
}

#[test]
fn simultaneous_open_has_no_listener_and_no_retransmission() {
    let infs = check("simultaneous-open", "simultaneous-open.pcap");
    for (side, inf) in &infs {
        assert_eq!(path_of(inf, *side)[..2], [State::Closed, State::SynSent]);
    }
    let case = open("simultaneous-open.pcap");
    assert_eq!(case.conns[0].problems.retransmissions, 0);
}

#[test]
fn refused_connection_invents_no_listener() {
    let case = open("refused.pcap");
    let inf = capture::infer(&case.conns[0], &case.packets, None);
    assert_eq!(inf.start_states, [State::Closed, State::Closed]);
    assert!(
        inf.steps.iter().all(|s| s.side == Peer::A),
        "{:?}",
        inf.steps
    );
    check("refused", "refused.pcap");
}

#[test]
fn orphaned_fin_wait_2_times_out_instead_of_time_wait() {
    let infs = check("orphan-fin-wait-2", "orphan-fin-wait-2.pcap");
    let (_, inf) = infs.iter().find(|(s, _)| *s == Peer::A).unwrap();
    let gone = inf
        .steps
        .iter()
        .find(|s| s.side == Peer::A && s.from == State::FinWait2)
        .unwrap();
    assert_eq!(gone.to, State::Closed);
    assert_eq!(gone.uncertain, Some(capture::Uncertain::SocketGone));
    assert!(!path_of(inf, Peer::A).contains(&State::TimeWait));
}

#[test]
fn headers_only_capture_keeps_the_segment_lengths() {
    let case = open("headers-only.pcap");
    assert!(case
        .packets
        .iter()
        .any(|p| p.headers_only && p.segment.len > 1000));
    check("headers-only", "headers-only.pcap");
}

#[test]
fn midstream_capture_starts_established_marked_inferred() {
    let case = open("midstream.pcapng");
    assert_eq!(case.conns[0].start, Start::MidStream);
    let infs = check("midstream", "midstream.pcapng");
    for (_, inf) in &infs {
        assert!(inf.start_inferred);
        assert_eq!(inf.start_states, [State::Established; 2]);
    }
}

#[test]
fn bulk_transfer_with_loss_reordering_and_zero_window() {
    check("bulk-loss", "bulk-loss.client.pcap");
    check("bulk-loss", "bulk-loss.server.pcap");
    check("reorder", "reorder.pcapng");
    check("zero-window", "zero-window.pcap");
}

#[test]
fn keepalive_ipv6_and_cooked_captures() {
    check("keepalive", "keepalive.pcap");
    check("ipv6", "ipv6.pcapng");
}

#[test]
fn reuse_of_a_four_tuple_in_time_wait_splits_the_connection() {
    let case = open("reuse.pcap");
    assert_eq!(case.conns.len(), 2);
    assert_eq!(case.conns[0].end, End::TimeWaitReuse);
    assert_eq!(case.conns[1].start, Start::Handshake);
}

/// Zeek's conn_state for each capture, by Zeek's rules (base/protocols/conn/main.zeek).
#[test]
fn zeek_conn_state_of_each_capture() {
    for (file, state, history) in [
        ("refused.pcap", "REJ", "Sr"),
        ("keepalive-rst-lost.pcap", "RSTO", "ShADaRf"),
        ("lost-final-ack.pcap", "SF", "ShADadFf"),
        ("simultaneous-open.pcap", "SF", "SsADaFf"),
        ("orphan-fin-wait-2.pcap", "SF", "ShADFafR"),
        ("zero-window.pcap", "SF", "ShADawFf"),
        ("bulk-loss.server.pcap", "SF", "ShADaTFf"),
    ] {
        let case = open(file);
        let a = capture::analysis::analyze(&case.conns[0], &case.packets);
        assert_eq!(
            (a.conn_state, a.history.as_str()),
            (state, history),
            "{file}"
        );
    }
    // Zero windows and their probes, keep-alives, and the handshake's options. Linux's two
    // probes (frames 19 and 21, `<SEQ=SND.UNA-1><CTL=ACK>` into B's zero window) are
    // zero-window probes, not the keep-alives tshark calls them.
    let case = open("zero-window.pcap");
    let a = capture::analysis::analyze(&case.conns[0], &case.packets);
    assert!(a.directions[1].zero_windows > 0);
    assert_eq!(
        (
            a.directions[0].zero_window_probes,
            a.directions[0].keep_alives
        ),
        (2, 0),
        "{:?}",
        a.directions[0]
    );
    let case = open("keepalive.pcap");
    let a = capture::analysis::analyze(&case.conns[0], &case.packets);
    assert!(a.directions[0].keep_alives >= 2, "{:?}", a.directions[0]);
    assert!(a.directions[1].keep_alive_acks >= 2);
    assert_eq!(a.handshake.window_scale.map(|(x, _)| x), Some(10));
    assert!(a.handshake.sack_permitted && a.handshake.timestamps);
}
