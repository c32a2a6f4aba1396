//! One peer's panel: its state, its timers, its TCB, and the user calls it can make.
//! A call the RFC rejects in the current state is disabled, and says why.

use synack_core::{permitted, Call, Instant, Peer, State, TcbView};
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::hooks::lang::use_lang;
use crate::i18n::keys::{call_error_key, signal_key};
use crate::i18n::{fill, timer_title, tr, tr_dyn, Lang};
use crate::model::frame::PeerFrame;
use crate::model::state::{call, Action};

#[derive(Properties, PartialEq, Clone)]
pub struct PeerPanelProps {
    pub peer: Peer,
    /// The peer at the cursor: its state, timers, latest signal and TCB.
    pub frame: PeerFrame,
    /// The virtual time at the cursor.
    pub now: Instant,
    /// At the live end: the TCB and the bytes received are shown there only.
    pub live: bool,
    pub dispatch: Callback<Action>,
}

/// The calls offered: the `data-action` name of each button and the catalog key of its label.
const CALLS: [(&str, &str); 6] = [
    ("listen", "peer.call.listen"),
    ("connect", "peer.call.connect"),
    ("send", "peer.call.send"),
    ("close", "peer.call.close"),
    ("abort", "peer.call.abort"),
    ("crash", "peer.call.crash"),
];

fn call_for(action: &str, bytes: u32) -> Call {
    match action {
        "listen" => Call::Listen,
        "connect" => Call::Connect,
        "send" => Call::Send(bytes),
        "close" => Call::Close,
        "abort" => Call::Abort,
        _ => Call::Crash,
    }
}

/// What a call does, for its tooltip when it is allowed.
fn describe(lang: Lang, action: &str) -> &'static str {
    match action {
        "listen" => tr(lang, "peer.does.listen"),
        "connect" => tr(lang, "peer.does.connect"),
        "send" => tr(lang, "peer.does.send"),
        "close" => tr(lang, "peer.does.close"),
        "abort" => tr(lang, "peer.does.abort"),
        _ => tr(lang, "peer.does.crash"),
    }
}

/// The RFC's error for a refused call, in `lang`.
fn call_error(lang: Lang, e: synack_core::CallError) -> &'static str {
    tr(lang, call_error_key(e))
}

/// The most bytes one Send button press queues (the script allows more).
pub const MAX_SEND_BYTES: u32 = 1_000_000;

/// Reads the bytes field: a whole number from 1 to [`MAX_SEND_BYTES`].
pub fn parse_bytes(lang: Lang, text: &str) -> Result<u32, String> {
    let text = text.trim();
    match text.parse::<u64>() {
        Ok(n) if (1..=u64::from(MAX_SEND_BYTES)).contains(&n) => Ok(n as u32),
        Ok(_) => Err(fill(
            tr(lang, "peer.bytes.range"),
            &[("max", &MAX_SEND_BYTES.to_string())],
        )),
        Err(_) if text.is_empty() => Err(tr(lang, "peer.bytes.empty").to_string()),
        Err(_) => Err(fill(tr(lang, "peer.bytes.nan"), &[("text", text)])),
    }
}

/// `1.234 s` or `3:54` for longer times.
pub fn format_left(ms: u64) -> String {
    if ms >= 60_000 {
        format!("{}:{:02}", ms / 60_000, (ms / 1000) % 60)
    } else {
        format!("{}.{:03} s", ms / 1000, ms % 1000)
    }
}

#[function_component(PeerPanel)]
pub fn peer_panel(props: &PeerPanelProps) -> Html {
    // The field's text as typed; Send uses it only when it is a byte count in range.
    let lang = use_lang();
    let linux = crate::hooks::linux::use_linux();
    let bytes_text = use_state(|| "100".to_string());
    let parsed_bytes = parse_bytes(lang, &bytes_text);
    let bytes = parsed_bytes.clone().unwrap_or(100);
    let peer = props.peer;
    let state = props.frame.state;
    let name = peer.name();
    let lower = name.to_ascii_lowercase();

    let buttons = CALLS.iter().map(|&(action, label_key)| {
        let bad_bytes = action == "send" && parsed_bytes.is_err();
        call_button(
            lang,
            linux,
            props,
            (action, label_key),
            call_for(action, bytes),
            bad_bytes,
        )
    });
    let refused = refusals(lang, state, bytes);

    let on_bytes = {
        let bytes_text = bytes_text.clone();
        Callback::from(move |e: InputEvent| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            bytes_text.set(input.value());
        })
    };
    let bytes_error_id = format!("bytes-error-{lower}");

    let after = &props.frame.after;
    let tcb =
        (props.live && state != State::Closed).then(|| tcb_view(lang, name, state, &after.tcb));

    html! {
        <section class={format!("peer peer-{lower}")} data-peer={name} data-state={state.name()}
            aria-label={fill(tr(lang, "peer.title"), &[("peer", name)])}>
            <header>
                <h2><span class="peer-dot" aria-hidden="true"></span>{ fill(tr(lang, "peer.title"), &[("peer", name)]) }</h2>
                <output class="state" aria-live="polite" aria-label={fill(tr(lang, "peer.state"), &[("peer", name)])}>{ crate::hooks::linux::state_label(state, linux) }</output>
            </header>
            if let Some(signal) = props.frame.signal {
                <p class="signal" role="status">{ fill(tr(lang, "peer.signal"), &[("peer", name), ("signal", tr(lang, signal_key(signal)))]) }</p>
            }
            <div class="calls">
                { for buttons }
                <label class="bytes">
                    <span class="visually-hidden">{ fill(tr(lang, "peer.bytes.label"), &[("peer", name)]) }</span>
                    <input type="text" inputmode="numeric" value={(*bytes_text).clone()} oninput={on_bytes}
                        aria-label={fill(tr(lang, "peer.bytes.label"), &[("peer", name)])}
                        aria-invalid={parsed_bytes.is_err().then_some("true")}
                        aria-describedby={parsed_bytes.is_err().then(|| bytes_error_id.clone())} />
                    <span aria-hidden="true">{ tr(lang, "peer.bytes.unit") }</span>
                </label>
                if let Err(msg) = &parsed_bytes {
                    <p id={bytes_error_id} class="error" role="alert">{ msg }</p>
                }
            </div>
            if !refused.is_empty() {
                <details class="why">
                    <summary>{ fill(tr(lang, "peer.why"), &[("state", crate::hooks::linux::state_label(state, linux))]) }</summary>
                    <ul>{ for refused.iter().map(|r| html! { <li>{ r }</li> }) }</ul>
                </details>
            }
            <ul class="timers" aria-label={fill(tr(lang, "peer.timers"), &[("peer", name)])}>{ timer_items(lang, &props.frame, props.now) }</ul>
            if props.live {
                <p class="received">{ fill(tr(lang, "peer.received"), &[("n", &after.received.to_string())]) }</p>
            }
            { for tcb }
        </section>
    }
}

/// One call's button: disabled, with the RFC's reason, when the state refuses the call.
fn call_button(
    lang: Lang,
    linux: bool,
    props: &PeerPanelProps,
    (action, label_key): (&'static str, &'static str),
    c: Call,
    bad_bytes: bool,
) -> Html {
    let (peer, state) = (props.peer, props.frame.state);
    let verdict = permitted(state, c);
    let title = match verdict {
        Ok(()) if bad_bytes => tr(lang, "peer.bytes.first").to_string(),
        Ok(()) => describe(lang, action).to_string(),
        Err(e) => fill(
            tr(lang, "peer.not_in"),
            &[
                ("state", crate::hooks::linux::state_label(state, linux)),
                ("error", call_error(lang, e)),
                ("section", e.section(c)),
            ],
        ),
    };
    let onclick = {
        let dispatch = props.dispatch.clone();
        Callback::from(move |e: MouseEvent| {
            dispatch.emit(call(peer, c));
            // Listen, Connect and Close disable themselves: focus goes on to this peer's next
            // call rather than to <body>.
            if let Some(button) = e.current_target().and_then(|t| t.dyn_into().ok()) {
                let calls = format!("[data-peer=\"{}\"] .calls button", peer.name());
                let panel = format!("[data-peer=\"{}\"] input", peer.name());
                crate::glue::focus::keep_near(button, calls, panel);
            }
        })
    };
    let reason_id = format!("why-{}-{action}", peer.name().to_ascii_lowercase());
    html! {
        <button data-action={action} {onclick} disabled={verdict.is_err() || bad_bytes} title={title.clone()}
            aria-describedby={verdict.is_err().then(|| reason_id.clone())}>
            { tr_dyn(lang, label_key) }
            if verdict.is_err() {
                <span id={reason_id} class="visually-hidden">{ title }</span>
            }
        </button>
    }
}

/// Each call the state refuses, with the RFC's error and section.
fn refusals(lang: Lang, state: State, bytes: u32) -> Vec<String> {
    CALLS
        .iter()
        .filter_map(|&(action, label_key)| {
            let c = call_for(action, bytes);
            permitted(state, c).err().map(|e| {
                fill(
                    tr(lang, "peer.refused"),
                    &[
                        ("call", tr_dyn(lang, label_key)),
                        ("error", call_error(lang, e)),
                        ("section", e.section(c)),
                    ],
                )
            })
        })
        .collect()
}

/// The running timers and the time each has left.
fn timer_items(lang: Lang, frame: &PeerFrame, now: Instant) -> Html {
    frame
        .timers
        .iter()
        .map(|running| {
            let timer = running.timer;
            let left = running.deadline.0.saturating_sub(now.0);
            html! {
                <li class={format!("timer timer-{}", timer.key())} data-timer={timer.label()} title={timer_title(lang, timer)}>
                    <span class="timer-name">{ timer.label() }</span>
                    <span class="timer-left">{ format_left(left) }</span>
                    <span class="visually-hidden">{ tr(lang, "peer.timer.left") }</span>
                </li>
            }
        })
        .collect()
}

/// The TCB's variables (RFC 9293 §3.3.1). A listener has chosen no ISS and knows no peer
/// yet, and a SYN-SENT end knows nothing of its peer's sequence space: those show as "—"
/// rather than as zeros that look like values.
fn tcb_view(lang: Lang, name: &str, state: State, t: &TcbView) -> Html {
    if state == State::Listen {
        return html! {
            <p class="tcb tcb-note" data-testid="tcb-listen">{ tr(lang, "peer.tcb_listen") }</p>
        };
    }
    let peer_known = state != State::SynSent;
    let known = |known: bool, value: String| if known { value } else { "—".to_string() };
    html! {
        <dl class="tcb" aria-label={fill(tr(lang, "peer.tcb"), &[("peer", name)])}>
            <dt>{ "SND.UNA" }</dt><dd>{ t.snd_una.0 }</dd>
            <dt>{ "SND.NXT" }</dt><dd>{ t.snd_nxt.0 }</dd>
            <dt>{ "SND.WND" }</dt><dd>{ known(peer_known, t.snd_wnd.to_string()) }</dd>
            <dt>{ "RCV.NXT" }</dt><dd>{ known(peer_known, t.rcv_nxt.0.to_string()) }</dd>
            <dt>{ "RCV.WND" }</dt><dd>{ t.rcv_wnd }</dd>
            <dt>{ "ISS" }</dt><dd>{ t.iss.0 }</dd>
            <dt>{ "IRS" }</dt><dd>{ known(peer_known, t.irs.0.to_string()) }</dd>
            <dt>{ "RTO" }</dt><dd>{ format_left(t.rto.0) }</dd>
        </dl>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_field_explains_bad_input() {
        let en = Lang::En;
        assert_eq!(parse_bytes(en, " 250 "), Ok(250));
        assert!(parse_bytes(en, "0").unwrap_err().contains("1 to 1000000"));
        assert!(parse_bytes(en, "99999999999999")
            .unwrap_err()
            .contains("1 to"));
        assert!(parse_bytes(en, "-5")
            .unwrap_err()
            .contains("`-5` is not a whole number"));
        assert!(parse_bytes(en, "").unwrap_err().contains("Enter"));
    }

    #[test]
    fn time_left_formats() {
        assert_eq!(format_left(620), "0.620 s");
        assert_eq!(format_left(234_000), "3:54");
    }
}
