//! One peer's panel: its state, its timers, its TCB, and the user calls it can make.
//! A call the RFC rejects in the current state is disabled, and says why.

use synack_core::{permitted, Call, Instant, Peer, Signal, State, TcbView, Timer};
use yew::prelude::*;

use crate::state::{call, Action};

#[derive(Properties, PartialEq, Clone)]
pub struct PeerPanelProps {
    pub peer: Peer,
    pub state: State,
    pub now: Instant,
    /// Deadlines of the retransmission and 2MSL timers, when armed.
    pub rto: Option<Instant>,
    pub time_wait: Option<Instant>,
    /// The live TCB (only at the live end of the log).
    pub tcb: Option<TcbView>,
    pub received: Option<u64>,
    /// The latest signal to this peer's user, e.g. "connection reset".
    pub signal: Option<Signal>,
    pub dispatch: Callback<Action>,
}

/// The calls offered, with the `data-action` name of each button.
const CALLS: [(&str, &str); 6] = [
    ("listen", "Listen"),
    ("connect", "Connect"),
    ("send", "Send"),
    ("close", "Close"),
    ("abort", "Abort"),
    ("crash", "Crash"),
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
fn describe(action: &str) -> &'static str {
    match action {
        "listen" => "Passive OPEN: wait for a connection",
        "connect" => "Active OPEN: send a SYN to the other peer",
        "send" => "Queue bytes to send",
        "close" => "CLOSE: no more data from this side; sends a FIN",
        "abort" => "ABORT: drop the connection; sends a RST where the RFC says so",
        _ => "The host crashes: the connection is forgotten and nothing is sent",
    }
}

/// The most bytes one Send button press queues (the script allows more).
pub const MAX_SEND_BYTES: u32 = 1_000_000;

/// Reads the bytes field: a whole number from 1 to [`MAX_SEND_BYTES`].
pub fn parse_bytes(text: &str) -> Result<u32, String> {
    let text = text.trim();
    match text.parse::<u64>() {
        Ok(n) if (1..=u64::from(MAX_SEND_BYTES)).contains(&n) => Ok(n as u32),
        Ok(_) => Err(format!("Send takes 1 to {MAX_SEND_BYTES} bytes.")),
        Err(_) if text.is_empty() => Err("Enter how many bytes to send.".to_string()),
        Err(_) => Err(format!("`{text}` is not a whole number of bytes.")),
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
    let bytes_text = use_state(|| "100".to_string());
    let parsed_bytes = parse_bytes(&bytes_text);
    let bytes = parsed_bytes.clone().unwrap_or(100);
    let peer = props.peer;
    let name = peer.name();
    let lower = name.to_ascii_lowercase();

    let buttons = CALLS.iter().map(|&(action, label)| {
        let c = call_for(action, bytes);
        let verdict = permitted(props.state, c);
        let bad_bytes = action == "send" && parsed_bytes.is_err();
        let title = match verdict {
            Ok(()) if bad_bytes => "Enter a byte count first".to_string(),
            Ok(()) => describe(action).to_string(),
            Err(e) => format!(
                "Not in {}: {} (RFC 9293 §{})",
                props.state,
                e.message(),
                e.section(c)
            ),
        };
        let onclick = {
            let dispatch = props.dispatch.clone();
            Callback::from(move |_: MouseEvent| dispatch.emit(call(peer, c)))
        };
        let reason_id = format!("why-{lower}-{action}");
        html! {
            <button data-action={action} {onclick} disabled={verdict.is_err() || bad_bytes} title={title.clone()}
                aria-describedby={verdict.is_err().then(|| reason_id.clone())}>
                { label }
                if verdict.is_err() {
                    <span id={reason_id} class="visually-hidden">{ title }</span>
                }
            </button>
        }
    });

    let refused: Vec<String> = CALLS
        .iter()
        .filter_map(|&(action, label)| {
            let c = call_for(action, bytes);
            permitted(props.state, c)
                .err()
                .map(|e| format!("{label}: {} (RFC 9293 §{})", e.message(), e.section(c)))
        })
        .collect();

    let on_bytes = {
        let bytes_text = bytes_text.clone();
        Callback::from(move |e: InputEvent| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            bytes_text.set(input.value());
        })
    };
    let bytes_error_id = format!("bytes-error-{lower}");

    let timers = [
        (Timer::Retransmission, props.rto, "RTO"),
        (Timer::TimeWait, props.time_wait, "2MSL"),
    ]
    .into_iter()
    .filter_map(|(timer, deadline, label)| {
        let deadline = deadline?;
        let left = deadline.0.saturating_sub(props.now.0);
        Some(html! {
            <li class={format!("timer timer-{timer:?}").to_ascii_lowercase()} data-timer={label}>
                <span class="timer-name">{ label }</span>
                <span class="timer-left">{ format_left(left) }</span>
                <span class="visually-hidden">{ " left" }</span>
            </li>
        })
    });

    let tcb = props.tcb.filter(|_| props.state != State::Closed).map(|t| {
        html! {
            <dl class="tcb" aria-label={format!("{name}'s TCB variables (absolute)")}>
                <dt>{ "SND.UNA" }</dt><dd>{ t.snd_una.0 }</dd>
                <dt>{ "SND.NXT" }</dt><dd>{ t.snd_nxt.0 }</dd>
                <dt>{ "SND.WND" }</dt><dd>{ t.snd_wnd }</dd>
                <dt>{ "RCV.NXT" }</dt><dd>{ t.rcv_nxt.0 }</dd>
                <dt>{ "RCV.WND" }</dt><dd>{ t.rcv_wnd }</dd>
                <dt>{ "ISS" }</dt><dd>{ t.iss.0 }</dd>
                <dt>{ "IRS" }</dt><dd>{ t.irs.0 }</dd>
                <dt>{ "RTO" }</dt><dd>{ format_left(t.rto.0) }</dd>
            </dl>
        }
    });

    html! {
        <section class={format!("peer peer-{lower}")} data-peer={name} data-state={props.state.name()}
            aria-label={format!("Peer {name}")}>
            <header>
                <h2><span class="peer-dot" aria-hidden="true"></span>{ format!("Peer {name}") }</h2>
                <output class="state" aria-live="polite" aria-label={format!("{name} state")}>{ props.state.name() }</output>
            </header>
            if let Some(signal) = props.signal {
                <p class="signal" role="status">{ format!("{name}'s application was told: {}", signal.message()) }</p>
            }
            <div class="calls">
                { for buttons }
                <label class="bytes">
                    <span class="visually-hidden">{ format!("Bytes for {name} to send") }</span>
                    <input type="text" inputmode="numeric" value={(*bytes_text).clone()} oninput={on_bytes}
                        aria-label={format!("Bytes for {name} to send")}
                        aria-invalid={parsed_bytes.is_err().then_some("true")}
                        aria-describedby={parsed_bytes.is_err().then(|| bytes_error_id.clone())} />
                    <span aria-hidden="true">{ "bytes" }</span>
                </label>
                if let Err(msg) = &parsed_bytes {
                    <p id={bytes_error_id} class="error" role="alert">{ msg }</p>
                }
            </div>
            if !refused.is_empty() {
                <details class="why">
                    <summary>{ format!("Why are some calls off in {}?", props.state) }</summary>
                    <ul>{ for refused.iter().map(|r| html! { <li>{ r }</li> }) }</ul>
                </details>
            }
            <ul class="timers" aria-label={format!("{name}'s timers")}>{ for timers }</ul>
            if let Some(received) = props.received {
                <p class="received">{ format!("received {received} bytes") }</p>
            }
            { for tcb }
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_field_explains_bad_input() {
        assert_eq!(parse_bytes(" 250 "), Ok(250));
        assert!(parse_bytes("0").unwrap_err().contains("1 to"));
        assert!(parse_bytes("99999999999999").unwrap_err().contains("1 to"));
        assert!(parse_bytes("-5")
            .unwrap_err()
            .contains("not a whole number"));
        assert!(parse_bytes("").unwrap_err().contains("Enter"));
    }

    #[test]
    fn time_left_formats() {
        assert_eq!(format_left(620), "0.620 s");
        assert_eq!(format_left(234_000), "3:54");
    }
}
