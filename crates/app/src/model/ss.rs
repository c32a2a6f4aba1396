//! What `ss -tan` would list on each host: the Linux view's socket table, from a peer's TCB
//! as the session recorded it after a command, with the peers' addresses from
//! `synack_core::wire`.
//!
//! What the columns mean on Linux (`tcp_diag`): for a LISTEN socket, Recv-Q is the accept
//! queue and Send-Q the backlog; for a connection, Recv-Q is RCV.NXT minus what the
//! application has read and Send-Q is the write sequence minus SND.UNA: everything written and
//! not yet acknowledged, sent or not, with the SYN and the FIN counting one each (so a socket
//! in SYN-SENT shows Send-Q 1). Request sockets (SYN-RECV) and TIME-WAIT sockets have no
//! queues and show 0 0.

use synack_core::{wire, Peer, State};

use crate::model::session::PeerAfter;

/// The backlog shown for a listener: synack's LISTEN has no queue limit, so the table shows
/// what `listen(fd, 128)` would give.
pub const BACKLOG: u64 = 128;

/// One line of `ss -tan`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SsRow {
    pub state: &'static str,
    pub recv_q: u64,
    pub send_q: u64,
    pub local: String,
    pub peer: String,
}

/// `peer`'s sockets, as `ss -tan` would list them on its host, given the peer as the
/// session recorded it.
pub fn rows(at: &PeerAfter, peer: Peer) -> Vec<SsRow> {
    let here = wire::address(peer);
    let there = wire::address(peer.other());
    let listener = || SsRow {
        state: State::Listen.ss_name(),
        // Linux puts a connection in the accept queue once its handshake completes; synack's
        // application takes it at once, so the queue is empty.
        recv_q: 0,
        send_q: BACKLOG,
        local: format!("0.0.0.0:{}", here.port()),
        peer: "0.0.0.0:*".to_string(),
    };
    let connection = |state: State, send_q: u64, recv_q: u64| SsRow {
        state: state.ss_name(),
        // RCV.USER: what the application has not read (`set read manual`; else 0).
        recv_q,
        send_q,
        local: here.to_string(),
        peer: there.to_string(),
    };
    let tcb = at.tcb;
    // With `set listener keep` the application's listener stays beside the connection
    // (`ss` lists it first).
    let with_listener = |row: SsRow| {
        let kept = tcb.listener_kept.then(listener);
        kept.into_iter().chain([row]).collect()
    };
    match at.state {
        // No TCB, no socket: `ss` has nothing to list.
        State::Closed => Vec::new(),
        State::Listen => vec![listener()],
        // Linux answers a SYN with a request socket in SYN-RECV and leaves the listener alone.
        State::SynReceived if tcb.passive_open => {
            vec![listener(), connection(State::SynReceived, 0, 0)]
        }
        // A TIME-WAIT socket is a small timewait socket without queues.
        State::TimeWait => with_listener(connection(State::TimeWait, 0, 0)),
        state => {
            let unacked = u64::from(tcb.snd_nxt.offset_from(tcb.snd_una));
            with_listener(connection(
                state,
                unacked + tcb.unsent,
                u64::from(tcb.rcv_user),
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::model::session::Session;

    /// Both peers after the whole script.
    fn sim(text: &str) -> [PeerAfter; 2] {
        let s = Session::load(text).unwrap();
        assert!(s.failures().is_empty(), "{:?}", s.failures());
        s.after(s.commands().len()).peers
    }

    fn line(r: &SsRow) -> String {
        format!(
            "{} {} {} {} {}",
            r.state, r.recv_q, r.send_q, r.local, r.peer
        )
    }

    fn lines(sim: &[PeerAfter; 2], peer: Peer) -> Vec<String> {
        rows(&sim[peer.index()], peer).iter().map(line).collect()
    }

    #[test]
    fn a_closed_peer_has_no_socket_and_a_listener_shows_its_backlog() {
        let s = sim("B listen\n");
        assert!(rows(&s[0], Peer::A).is_empty());
        assert_eq!(lines(&s, Peer::B), ["LISTEN 0 128 0.0.0.0:80 0.0.0.0:*"]);
    }

    #[test]
    fn recv_q_is_what_the_application_has_not_read() {
        let hs = "set read manual\nB listen\nA connect\ndeliver s1\ndeliver s2\ndeliver s3\nA send 300\ndeliver s4\n";
        let s = sim(hs);
        assert_eq!(
            lines(&s, Peer::B),
            ["ESTAB 300 0 198.51.100.7:80 192.0.2.1:49152"]
        );
        let s = sim(&format!("{hs}B read 100\n"));
        assert_eq!(
            lines(&s, Peer::B),
            ["ESTAB 200 0 198.51.100.7:80 192.0.2.1:49152"]
        );
    }

    #[test]
    fn syn_sent_counts_the_syn_in_send_q() {
        let s = sim("B listen\nA connect\n");
        assert_eq!(
            lines(&s, Peer::A),
            ["SYN-SENT 0 1 192.0.2.1:49152 198.51.100.7:80"]
        );
    }

    #[test]
    fn a_kept_listener_is_listed_beside_the_connection_and_after_it() {
        let hs = "set listener keep\nB listen\nA connect\ndeliver s1\ndeliver s2\ndeliver s3\n";
        let s = sim(hs);
        assert_eq!(
            lines(&s, Peer::B),
            [
                "LISTEN 0 128 0.0.0.0:80 0.0.0.0:*",
                "ESTAB 0 0 198.51.100.7:80 192.0.2.1:49152"
            ]
        );
        assert_eq!(
            lines(&s, Peer::A),
            ["ESTAB 0 0 192.0.2.1:49152 198.51.100.7:80"]
        );
        let s = sim(&format!("{hs}B abort\n"));
        assert_eq!(lines(&s, Peer::B), ["LISTEN 0 128 0.0.0.0:80 0.0.0.0:*"]);
    }

    #[test]
    fn syn_recv_is_a_request_socket_beside_the_listener() {
        let s = sim("B listen\nA connect\ndeliver s1\n");
        assert_eq!(
            lines(&s, Peer::B),
            [
                "LISTEN 0 128 0.0.0.0:80 0.0.0.0:*",
                "SYN-RECV 0 0 198.51.100.7:80 192.0.2.1:49152"
            ]
        );
    }

    #[test]
    fn after_the_handshake_unacknowledged_bytes_are_in_send_q() {
        let s = sim("B listen\nA connect\ndeliver s1\ndeliver s2\ndeliver s3\nA send 100\n");
        assert_eq!(
            lines(&s, Peer::A),
            ["ESTAB 0 100 192.0.2.1:49152 198.51.100.7:80"]
        );
        // B has received the 100 bytes (its application read them at once), A not yet the ACK.
        let s = sim(
            "B listen\nA connect\ndeliver s1\ndeliver s2\ndeliver s3\nA send 100\ndeliver s4\n",
        );
        assert_eq!(
            lines(&s, Peer::B),
            ["ESTAB 0 0 198.51.100.7:80 192.0.2.1:49152"]
        );
        assert_eq!(
            lines(&s, Peer::A)[0],
            "ESTAB 0 100 192.0.2.1:49152 198.51.100.7:80"
        );
        // B's ACK waits for its delayed-ACK timer (200 ms).
        let s = sim("B listen\nA connect\ndeliver s1\ndeliver s2\ndeliver s3\nA send 100\ndeliver s4\nwait 200ms\ndeliver s5\n");
        assert_eq!(
            lines(&s, Peer::A)[0],
            "ESTAB 0 0 192.0.2.1:49152 198.51.100.7:80"
        );
    }

    #[test]
    fn bytes_written_but_not_yet_sent_are_in_send_q_too() {
        // B advertises a zero window: A's 3000 bytes stay in its send queue, unsent.
        let s = sim("set window 0\nB listen\nA connect\ndeliver s1\ndeliver s2\ndeliver s3\nA send 3000\nexpect inflight none\n");
        assert_eq!(rows(&s[0], Peer::A)[0].send_q, 3000);
    }

    #[test]
    fn the_fin_counts_one_and_time_wait_has_no_queues() {
        let hs = "B listen\nA connect\ndeliver s1\ndeliver s2\ndeliver s3\n";
        let s = sim(&format!("{hs}A close\n"));
        assert_eq!(
            lines(&s, Peer::A)[0],
            "FIN-WAIT-1 0 1 192.0.2.1:49152 198.51.100.7:80"
        );
        let s = sim(&format!("{hs}A close\ndeliver s4\ndeliver s5\nB close\n"));
        assert_eq!(
            lines(&s, Peer::A)[0],
            "FIN-WAIT-2 0 0 192.0.2.1:49152 198.51.100.7:80"
        );
        assert_eq!(
            lines(&s, Peer::B)[0],
            "LAST-ACK 0 1 198.51.100.7:80 192.0.2.1:49152"
        );
        let s = sim(&format!(
            "{hs}A close\ndeliver s4\ndeliver s5\nB close\ndeliver s6\n"
        ));
        assert_eq!(
            lines(&s, Peer::A),
            ["TIME-WAIT 0 0 192.0.2.1:49152 198.51.100.7:80"]
        );
        assert_eq!(
            lines(&s, Peer::B)[0],
            "LAST-ACK 0 1 198.51.100.7:80 192.0.2.1:49152"
        );
    }
}
