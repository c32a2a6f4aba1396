//! A chosen connection's diagnosis, in the vocabulary of Zeek's conn.log and Wireshark's TCP
//! analysis: Zeek's conn_state with its meaning, the history string with every letter
//! explained (Zeek's documented meaning and the RFC rule behind it), the handshake, the
//! counts per direction, who reset and where each end was left.

use synack_core::capture::digest::{uncertain_key, Detail};
use synack_core::Peer;
use yew::prelude::*;

use crate::i18n::{fill, tr, tr_dyn, Lang};
use crate::model::capture::{fmt_duration, Diagnosis, Offer, DIRECTION_FIELDS};

/// Zeek's conn_state codes (base/protocols/conn/main.zeek), each with its text in the catalog
/// as `capture.zeek.CODE`.
pub const CONN_STATES: [&str; 13] = [
    "S0", "S1", "SF", "REJ", "S2", "S3", "RSTO", "RSTR", "RSTOS0", "RSTRH", "SH", "SHR", "OTH",
];

/// The history letters synack's analysis writes, each with `capture.hist.KEY` (Zeek's meaning)
/// and `capture.hist.KEY.rfc` (the rule behind it) in the catalog.
pub const LETTERS: [char; 12] = ['s', 'h', 'a', 'd', 'f', 'r', 'g', 't', 'w', 'i', 'q', '^'];

/// The catalog key of a history letter (either case), if it is one of [`LETTERS`].
pub fn letter_key(c: char) -> Option<&'static str> {
    Some(match c.to_ascii_lowercase() {
        's' => "s",
        'h' => "h",
        'a' => "a",
        'd' => "d",
        'f' => "f",
        'r' => "r",
        'g' => "g",
        't' => "t",
        'w' => "w",
        'i' => "i",
        'q' => "q",
        '^' => "flip",
        _ => return None,
    })
}

/// Who sent a history letter's packet: upper case is Zeek's originator, which is A unless
/// Zeek flipped the roles (`^`). `None` for the `^` itself.
pub fn letter_sender(c: char, flipped: bool) -> Option<Peer> {
    if !c.is_ascii_alphabetic() {
        return None;
    }
    let originator = c.is_ascii_uppercase();
    Some(if originator != flipped {
        Peer::A
    } else {
        Peer::B
    })
}

#[derive(Properties, Clone, PartialEq)]
pub struct DiagnosisProps {
    pub diagnosis: crate::model::shared::Shared<Diagnosis>,
    pub detail: crate::model::shared::Shared<Detail>,
}

#[function_component(DiagnosisView)]
pub fn diagnosis_view(props: &DiagnosisProps) -> Html {
    let lang = crate::hooks::lang::use_lang();
    let linux = crate::hooks::linux::use_linux();
    let g = &*props.diagnosis;
    html! {
        <section class="capture-diagnosis" data-testid="capture-diagnosis"
            aria-label={tr(lang, "capture.diag.title")}>
            { zeek_card(lang, g) }
            { handshake_card(lang, g) }
            { directions_card(lang, g) }
            { ends_card(lang, g, &props.detail, linux) }
        </section>
    }
}

fn zeek_card(lang: Lang, g: &Diagnosis) -> Html {
    let flipped = g.history.starts_with('^');
    let meaning = tr_dyn(lang, &format!("capture.zeek.{}", g.conn_state));
    let letters = g.history.chars().enumerate().map(|(i, c)| {
        let Some(key) = letter_key(c) else {
            return html! {
                <li key={i}><code class="hist-letter">{ c }</code>{ " " }{ tr(lang, "capture.hist.unknown") }</li>
            };
        };
        let who = match letter_sender(c, flipped) {
            Some(p) => {
                let role = if c.is_ascii_uppercase() {
                    "capture.hist.originator"
                } else {
                    "capture.hist.responder"
                };
                fill(tr_dyn(lang, role), &[("peer", &p.to_string())])
            }
            None => String::new(),
        };
        let class = match letter_sender(c, flipped) {
            Some(Peer::A) => "from-a",
            Some(Peer::B) => "from-b",
            None => "",
        };
        html! {
            <li key={i} class={class} data-letter={c.to_string()}>
                <code class="hist-letter">{ c }</code>
                if !who.is_empty() {
                    <span class="hist-who">{ who }</span>
                }
                <span class="hist-meaning">{ tr_dyn(lang, &format!("capture.hist.{key}")) }</span>
                <span class="hist-rfc muted">{ tr_dyn(lang, &format!("capture.hist.{key}.rfc")) }</span>
            </li>
        }
    });
    html! {
        <div class="diag-card zeek">
            <h3>{ tr(lang, "capture.diag.zeek") }</h3>
            <p data-testid="capture-conn-state">
                <code class="conn-state">{ &g.conn_state }</code>{ " " }
                { if meaning.is_empty() { tr(lang, "capture.zeek.unknown") } else { meaning } }
            </p>
            <p>
                { tr(lang, "capture.diag.history") }{ " " }
                <code class="history" data-testid="capture-history">{ &g.history }</code>
            </p>
            if !g.history.is_empty() {
                <p class="muted small">{ tr(lang, "capture.hist.case") }</p>
                <ol class="hist-letters" data-testid="capture-history-letters">{ for letters }</ol>
            }
        </div>
    }
}

/// A time in microseconds, or a dash when the capture cannot tell.
fn time_or_dash(lang: Lang, micros: Option<u64>) -> String {
    micros.map_or_else(|| "—".into(), |m| fmt_duration(lang, m))
}

fn count_or_dash(n: Option<u64>) -> String {
    n.map_or_else(|| "—".into(), |n| n.to_string())
}

fn yes_no(lang: Lang, on: bool) -> &'static str {
    if on {
        tr(lang, "capture.diag.yes")
    } else {
        tr(lang, "capture.diag.no")
    }
}

fn handshake_card(lang: Lang, g: &Diagnosis) -> Html {
    let row = |label: &'static str, value: String| {
        html! { <tr><th scope="row">{ tr_dyn(lang, label) }</th><td class="num">{ value }</td></tr> }
    };
    let offer = |o: &Option<Offer>, f: &dyn Fn(&Offer) -> String| match o {
        Some(o) => f(o),
        None => "—".into(),
    };
    let mss = |o: &Offer| {
        o.mss
            .map_or_else(|| tr(lang, "capture.diag.none").into(), |m| m.to_string())
    };
    let ws = |o: &Offer| {
        o.window_scale.map_or_else(
            || tr(lang, "capture.diag.none").into(),
            // RFC 7323 §2.2: the shift is the power of two the window is multiplied by.
            |s| format!("{s} (×{})", 1u64 << s.min(14)),
        )
    };
    let sack = |o: &Offer| yes_no(lang, o.sack_permitted).to_string();
    let ts = |o: &Offer| yes_no(lang, o.timestamps).to_string();
    let agreed_ws = match g.window_scale {
        Some((a, b)) => format!("{a} / {b}"),
        None => tr(lang, "capture.diag.none").into(),
    };
    let option_row = |label: &'static str, f: &dyn Fn(&Offer) -> String, agreed: String| {
        html! {
            <tr>
                <th scope="row">{ tr_dyn(lang, label) }</th>
                <td>{ offer(&g.offered[0], f) }</td>
                <td>{ offer(&g.offered[1], f) }</td>
                <td>{ agreed }</td>
            </tr>
        }
    };
    html! {
        <div class="diag-card handshake" data-testid="capture-handshake">
            <h3>{ tr(lang, "capture.diag.handshake") }</h3>
            <table class="diag">
                { row("capture.diag.syn_retx", count_or_dash(g.syn_retransmissions)) }
                { row("capture.diag.synack_retx", count_or_dash(g.synack_retransmissions)) }
                { row("capture.diag.rtt1", time_or_dash(lang, g.rtt_syn_to_synack)) }
                { row("capture.diag.rtt2", time_or_dash(lang, g.rtt_synack_to_ack)) }
                { row("capture.diag.irtt", time_or_dash(lang, g.initial_rtt)) }
            </table>
            <table class="diag options">
                <thead><tr>
                    <th scope="col">{ tr(lang, "capture.diag.option") }</th>
                    <th scope="col" class="from-a">{ tr(lang, "capture.diag.offered_a") }</th>
                    <th scope="col" class="from-b">{ tr(lang, "capture.diag.offered_b") }</th>
                    <th scope="col">{ tr(lang, "capture.diag.agreed") }</th>
                </tr></thead>
                <tbody>
                    { option_row("capture.diag.mss", &mss, g.mss.map_or_else(|| "—".into(), |m| m.to_string())) }
                    { option_row("capture.diag.wscale", &ws, agreed_ws) }
                    { option_row("capture.diag.sack", &sack, yes_no(lang, g.sack_permitted).into()) }
                    { option_row("capture.diag.ts", &ts, yes_no(lang, g.timestamps).into()) }
                </tbody>
            </table>
            if g.offered.iter().any(Option::is_none) {
                <p class="muted small">{ tr(lang, "capture.diag.nosyn") }</p>
            }
        </div>
    }
}

fn directions_card(lang: Lang, g: &Diagnosis) -> Html {
    let rows = DIRECTION_FIELDS.iter().map(|field| {
        let (a, b) = (g.count(Peer::A, field), g.count(Peer::B, field));
        // A row of zeros says nothing went wrong that way; keep the table short. The first
        // four (packets and bytes) always show.
        let basic = DIRECTION_FIELDS[..4].contains(field);
        if !basic && a.unwrap_or(0) == 0 && b.unwrap_or(0) == 0 {
            return Html::default();
        }
        html! {
            <tr key={*field} data-field={*field}>
                <th scope="row">{ tr_dyn(lang, &format!("capture.dir.{field}")) }</th>
                <td class="num">{ count_or_dash(a) }</td>
                <td class="num">{ count_or_dash(b) }</td>
            </tr>
        }
    });
    html! {
        <div class="diag-card directions" data-testid="capture-directions">
            <h3>{ tr(lang, "capture.diag.directions") }</h3>
            <table class="diag">
                <thead><tr>
                    // The corner above the rows' names heads nothing: a cell, not a header.
                    <td></td>
                    <th scope="col" class="from-a">{ tr(lang, "capture.diag.a_to_b") }</th>
                    <th scope="col" class="from-b">{ tr(lang, "capture.diag.b_to_a") }</th>
                </tr></thead>
                <tbody>{ for rows }</tbody>
            </table>
            <p class="muted small">{ tr(lang, "capture.diag.zeros") }</p>
        </div>
    }
}

fn ends_card(lang: Lang, g: &Diagnosis, d: &Detail, linux: bool) -> Html {
    let n = d.packets.len();
    let finals = d.states_at(n);
    let last = d.last_steps_at(n);
    let end = |i: usize, peer: &str, class: &'static str| {
        let uncertain = last[i].and_then(|(_, st)| st.uncertain);
        html! {
            <tr class={class}>
                <th scope="row">{ fill(tr(lang, "capture.diag.final"), &[("peer", peer)]) }</th>
                <td>
                    <code data-testid={format!("capture-final-{}", peer.to_ascii_lowercase())}>
                        { crate::hooks::linux::state_label(finals[i], linux) }{ if uncertain.is_some() { " ?" } else { "" } }
                    </code>
                    if let Some(u) = uncertain {
                        <span class="muted small">{ format!(" ({})", tr_dyn(lang, &format!("capture.uncertain.{}", uncertain_key(u)))) }</span>
                    }
                </td>
            </tr>
        }
    };
    let reset = match g.reset_by {
        Some(p) => fill(
            tr(lang, "capture.diag.reset_by"),
            &[("peer", &p.to_string())],
        ),
        None => tr(lang, "capture.diag.no_reset").to_string(),
    };
    html! {
        <div class="diag-card ends" data-testid="capture-ends">
            <h3>{ tr(lang, "capture.diag.ends") }</h3>
            <table class="diag">
                <tr><th scope="row">{ tr(lang, "capture.diag.duration") }</th><td>{ time_or_dash(lang, g.duration) }</td></tr>
                <tr><th scope="row">{ tr(lang, "capture.diag.reset") }</th><td>{ reset }</td></tr>
                <tr><th scope="row">{ tr(lang, "capture.diag.missed") }</th><td class="num">{ count_or_dash(g.missed_bytes) }</td></tr>
                { end(0, "A", "from-a") }
                { end(1, "B", "from-b") }
            </table>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::tests::install_chinese;

    #[test]
    fn every_code_letter_and_count_has_its_text_in_both_languages() {
        install_chinese();
        let mut keys: Vec<String> = CONN_STATES
            .iter()
            .map(|c| format!("capture.zeek.{c}"))
            .collect();
        for c in LETTERS {
            let k = letter_key(c).unwrap();
            keys.push(format!("capture.hist.{k}"));
            keys.push(format!("capture.hist.{k}.rfc"));
        }
        keys.extend(DIRECTION_FIELDS.iter().map(|f| format!("capture.dir.{f}")));
        for p in crate::model::capture::Problem::ALL {
            keys.push(format!("capture.filter.problem.{}", p.key()));
        }
        for key in &keys {
            let (en, zh) = (tr_dyn(Lang::En, key), tr_dyn(Lang::Zh, key));
            assert!(!en.is_empty(), "`{key}` has no English text");
            assert!(!zh.is_empty(), "`{key}` has no Chinese text");
            assert_ne!(en, zh, "`{key}` is not translated");
        }
    }

    #[test]
    fn upper_case_is_the_originator_unless_zeek_flipped_the_roles() {
        assert_eq!(letter_sender('S', false), Some(Peer::A));
        assert_eq!(letter_sender('h', false), Some(Peer::B));
        assert_eq!(letter_sender('S', true), Some(Peer::B));
        assert_eq!(letter_sender('h', true), Some(Peer::A));
        assert_eq!(letter_sender('^', true), None);
        assert_eq!(letter_key('T'), Some("t"));
        assert_eq!(letter_key('^'), Some("flip"));
        assert_eq!(letter_key('Z'), None);
    }
}
