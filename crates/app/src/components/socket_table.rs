//! The Linux view's socket table: each host's sockets as `ss -tan` would list them, at the
//! cursor, with the peers' addresses from `synack_core::wire`.
//!
//! What the columns mean on Linux (`tcp_diag`): for a LISTEN socket, Recv-Q is the accept
//! queue and Send-Q the backlog; for a connection, Recv-Q is RCV.NXT minus what the
//! application has read and Send-Q is the write sequence minus SND.UNA: everything written and
//! not yet acknowledged, sent or not, with the SYN and the FIN counting one each (so a socket
//! in SYN-SENT shows Send-Q 1). Request sockets (SYN-RECV) and TIME-WAIT sockets have no
//! queues and show 0 0.

use std::rc::Rc;

use synack_core::{script, wire, Peer, Sim, State};
use yew::prelude::*;

use crate::hooks::lang::use_lang;
use crate::i18n::{fill, tr};
use crate::model::session::Session;

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

/// `peer`'s sockets in `sim`, as `ss -tan` would list them on its host.
pub fn rows(sim: &Sim, peer: Peer) -> Vec<SsRow> {
    let ep = sim.endpoint(peer);
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
    let connection = |state: State, send_q: u64| SsRow {
        state: state.ss_name(),
        // The application reads everything at once (see the engine's `receive_text`).
        recv_q: 0,
        send_q,
        local: here.to_string(),
        peer: there.to_string(),
    };
    let tcb = ep.tcb();
    match ep.state() {
        // No TCB, no socket: `ss` has nothing to list.
        State::Closed => Vec::new(),
        State::Listen => vec![listener()],
        // Linux answers a SYN with a request socket in SYN-RECV and leaves the listener alone.
        State::SynReceived if tcb.passive_open => {
            vec![listener(), connection(State::SynReceived, 0)]
        }
        // A TIME-WAIT socket is a small timewait socket without queues.
        State::TimeWait => vec![connection(State::TimeWait, 0)],
        state => {
            let unacked = u64::from(tcb.snd_nxt.offset_from(tcb.snd_una));
            vec![connection(state, unacked + tcb.unsent)]
        }
    }
}

/// The simulator at the last command that ends at or before `cursor`, replayed from the
/// script, and whether that is exactly the cursor (it is not when the cursor is in the middle
/// of a command, say a long `wait`). `None` at the live end, where the session's own simulator
/// is the answer.
pub fn sim_at(session: &Session, cursor: usize) -> Option<(Sim, bool)> {
    if cursor >= session.sim().trace().len() {
        return None;
    }
    let n = session.commands_within(cursor);
    let mut sim = Sim::new();
    for recorded in &session.commands()[..n] {
        // These commands ran before without a runtime error, and the engine is deterministic.
        let _ = script::execute(&mut sim, &recorded.command);
    }
    let exact = sim.trace().len() == cursor;
    Some((sim, exact))
}

#[derive(Properties)]
pub struct SocketTableProps {
    pub session: Rc<Session>,
    pub cursor: usize,
}

impl PartialEq for SocketTableProps {
    /// The session is compared by pointer: a new one is a new run.
    fn eq(&self, o: &SocketTableProps) -> bool {
        Rc::ptr_eq(&self.session, &o.session) && self.cursor == o.cursor
    }
}

#[function_component(SocketTable)]
pub fn socket_table(props: &SocketTableProps) -> Html {
    let lang = use_lang();
    // Replaying is only needed when the cursor moves to another command.
    let at = props.session.commands_within(props.cursor);
    let live = props.cursor >= props.session.sim().trace().len();
    let past = {
        let session = props.session.clone();
        let cursor = props.cursor;
        use_memo((Rc::as_ptr(&session) as usize, at, live), move |_| {
            sim_at(&session, cursor).map(|(sim, _)| sim)
        })
    };
    let sim = past.as_ref().as_ref().unwrap_or(props.session.sim());
    // Within one command the replay is the same; whether it is exact depends on the cursor.
    let exact = live || sim.trace().len() == props.cursor;
    let host = |peer: Peer| {
        let rows = rows(sim, peer);
        let ip = wire::address(peer).ip().to_string();
        html! {
            <div class={classes!("ss-host", format!("peer-{}", peer.name().to_lowercase()))} data-host={peer.name()}>
                <h4>{ fill(tr(lang, "linux.host"), &[("peer", peer.name()), ("ip", &ip)]) }<code class="ss-cmd">{ "$ ss -tan" }</code></h4>
                <div class="ss-scroll">
                <table class="ss">
                    <thead><tr>
                        <th scope="col">{ "State" }</th>
                        <th scope="col" class="num">{ "Recv-Q" }</th>
                        <th scope="col" class="num">{ "Send-Q" }</th>
                        <th scope="col">{ "Local Address:Port" }</th>
                        <th scope="col">{ "Peer Address:Port" }</th>
                    </tr></thead>
                    <tbody>
                    if rows.is_empty() {
                        <tr class="ss-empty"><td colspan="5">{ tr(lang, "linux.no_sockets") }</td></tr>
                    }
                    { for rows.iter().map(|r| html! {
                        <tr data-ss-state={r.state} key={r.state}>
                            <td>{ r.state }</td>
                            <td class="num" data-col="recv-q">{ r.recv_q }</td>
                            <td class="num" data-col="send-q">{ r.send_q }</td>
                            <td>{ &r.local }</td>
                            <td>{ &r.peer }</td>
                        </tr>
                    }) }
                    </tbody>
                </table>
                </div>
            </div>
        }
    };
    let syn_recv = [Peer::A, Peer::B].iter().any(|&p| rows(sim, p).len() > 1);
    html! {
        <section class="ss-panel" data-testid="ss-table" aria-label={tr(lang, "linux.table_title")}>
            <h3>{ tr(lang, "linux.table_title") }</h3>
            { host(Peer::A) }
            { host(Peer::B) }
            if !exact {
                <p class="muted ss-note" data-testid="ss-past">{ tr(lang, "linux.past_note") }</p>
            }
            if syn_recv {
                <p class="ss-note">{ tr(lang, "linux.synrecv_note") }</p>
            }
            <p class="muted ss-note">{ tr(lang, "linux.queues_note") }</p>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sim(text: &str) -> Sim {
        let out = script::run_source(text).unwrap();
        assert!(out.passed(), "{:?} {:?}", out.failures, out.error);
        out.sim
    }

    fn line(r: &SsRow) -> String {
        format!(
            "{} {} {} {} {}",
            r.state, r.recv_q, r.send_q, r.local, r.peer
        )
    }

    fn lines(sim: &Sim, peer: Peer) -> Vec<String> {
        rows(sim, peer).iter().map(line).collect()
    }

    #[test]
    fn a_closed_peer_has_no_socket_and_a_listener_shows_its_backlog() {
        let s = sim("B listen\n");
        assert!(rows(&s, Peer::A).is_empty());
        assert_eq!(lines(&s, Peer::B), ["LISTEN 0 128 0.0.0.0:80 0.0.0.0:*"]);
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
        let s = sim("B listen\nA connect\ndeliver s1\ndeliver s2\ndeliver s3\nA send 100\ndeliver s4\ndeliver s5\n");
        assert_eq!(
            lines(&s, Peer::A)[0],
            "ESTAB 0 0 192.0.2.1:49152 198.51.100.7:80"
        );
    }

    #[test]
    fn bytes_written_but_not_yet_sent_are_in_send_q_too() {
        // B advertises a zero window: A's 3000 bytes stay in its send queue, unsent.
        let s = sim("set window 0\nB listen\nA connect\ndeliver s1\ndeliver s2\ndeliver s3\nA send 3000\nexpect inflight none\n");
        assert_eq!(rows(&s, Peer::A)[0].send_q, 3000);
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

    #[test]
    fn the_table_follows_the_cursor() {
        let session =
            Session::load("B listen\nA connect\ndeliver s1\ndeliver s2\ndeliver s3\nA send 100\n")
                .unwrap();
        assert!(sim_at(&session, session.sim().trace().len()).is_none());
        // The end of `A connect`: A in SYN-SENT.
        let end = session.commands()[1].trace_end;
        let (past, exact) = sim_at(&session, end).unwrap();
        assert!(exact);
        assert_eq!(rows(&past, Peer::A)[0].state, "SYN-SENT");
        // One event into `deliver s1`: the table shows the end of `A connect` and says so.
        let (past, exact) = sim_at(&session, end + 1).unwrap();
        assert!(!exact);
        assert_eq!(
            rows(&past, Peer::B),
            rows(&sim("B listen\nA connect\n"), Peer::B)
        );
    }
}
