//! The Linux view's socket table: each host's sockets as `ss -tan` would list them, at the
//! cursor (see [`crate::model::ss`]). Inside a command (say, a long `wait`) it shows the end
//! of the last whole command, and says so.

use synack_core::{wire, Peer};
use yew::prelude::*;

use crate::hooks::lang::use_lang;
use crate::i18n::{fill, tr};
use crate::model::frame::Frame;
use crate::model::shared::Shared;

#[derive(Properties, PartialEq, Clone)]
pub struct SocketTableProps {
    /// The run at the cursor.
    pub frame: Shared<Frame>,
}

crate::lazy::part! {
    /// The Linux view's socket table, fetched when the view is first turned on.
    pub static SOCKET_TABLE = SocketTable(SocketTableProps) in linux, areas: &["linux-view"], stylesheets: &["linux.css"];
}

#[function_component(SocketTable)]
pub fn socket_table(props: &SocketTableProps) -> Html {
    let lang = use_lang();
    let frame = &props.frame;
    let host = |peer: Peer| {
        let rows = frame.sockets(peer);
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
    let syn_recv = Peer::BOTH.into_iter().any(|p| frame.sockets(p).len() > 1);
    html! {
        <section class="ss-panel" data-testid="ss-table" aria-label={tr(lang, "linux.table_title")}>
            <h3>{ tr(lang, "linux.table_title") }</h3>
            { host(Peer::A) }
            { host(Peer::B) }
            if !frame.exact {
                <p class="muted ss-note" data-testid="ss-past">{ tr(lang, "linux.past_note") }</p>
            }
            if syn_recv {
                <p class="ss-note">{ tr(lang, "linux.synrecv_note") }</p>
            }
            <p class="muted ss-note">{ tr(lang, "linux.queues_note") }</p>
        </section>
    }
}
