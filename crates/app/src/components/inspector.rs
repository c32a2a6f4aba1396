//! The inspector: a segment's header fields, and the receiver's reasoning when it arrived,
//! from the engine's events: the checks that applied, the transition, and the RFC sections.

use synack_core::wire::address;
use synack_core::{Label, Origin};
use yew::prelude::*;

use crate::components::hex_view::{self, HexView};
use crate::hooks::lang::use_lang;
use crate::i18n::{fill, rule_reason, tr, Lang};
use crate::model::cc::{why_now, WhyNow};
use crate::model::session::Session;
use crate::model::shared::Shared;
use crate::model::timeline::{Effect, SegSpan, SegStatus, Timeline};

#[derive(Properties, Clone, PartialEq)]
pub struct InspectorProps {
    pub timeline: Shared<Timeline>,
    /// The run, for the sender's events before the segment ("why now").
    pub session: Session,
    pub label: Label,
    pub cursor: usize,
    pub on_close: Callback<()>,
}

crate::lazy::part! {
    /// The inspector and its hex view, fetched when a segment is first chosen.
    pub static INSPECTOR = Inspector(InspectorProps) in inspector, areas: &["inspector", "hex"], stylesheets: &["hex.css"];
}

/// One line of the receiver's reasoning.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reason {
    pub text: String,
    pub section: &'static str,
}

/// What the receiver concluded from a segment within the first `cursor` events: every note
/// and state change whose cause is that segment (each delivery, copies included); states
/// named as the page shows them (`linux`: the Linux view's).
pub fn reasoning(lang: Lang, span: &SegSpan, cursor: usize, linux: bool) -> Vec<Reason> {
    use crate::hooks::linux::{spell_states, state_label};
    span.effects
        .iter()
        .filter(|(at, _)| *at < cursor)
        .map(|&(_, effect)| {
            let rule = effect.rule();
            let reason = spell_states(rule_reason(lang, rule), linux);
            Reason {
                text: match effect {
                    Effect::Transition { from, to, .. } => format!(
                        "{} → {}: {reason}",
                        state_label(from, linux),
                        state_label(to, linux)
                    ),
                    Effect::Note(_) => reason,
                },
                section: rule.section(),
            }
        })
        .collect()
}

/// Why the sender sent the segment at that moment and not earlier, in `lang`.
pub fn why_text(lang: Lang, why: WhyNow, timeline: &Timeline) -> String {
    let seg = |key: &'static str, l: Label| fill(tr(lang, key), &[("seg", &l.to_string())]);
    let held = |key: &'static str, since: usize, by: Option<Label>| {
        let t = timeline
            .time(since)
            .map(|t| t.to_string())
            .unwrap_or_default();
        let release = match by {
            Some(l) => seg("inspector.why.released_by", l),
            None => tr(lang, "inspector.why.released_timer").to_string(),
        };
        format!("{} {release}", fill(tr(lang, key), &[("t", &t)]))
    };
    match why {
        WhyNow::Written => tr(lang, "inspector.why.written").to_string(),
        WhyNow::Answer(l) => seg("inspector.why.answer", l),
        WhyNow::WindowOpened(l) => seg("inspector.why.window_opened", l),
        WhyNow::NagleHeld { since, by } => held("inspector.why.nagle", since, by),
        WhyNow::SwsHeld { since, by } => held("inspector.why.sws", since, by),
        WhyNow::DelayedAckTimer => tr(lang, "inspector.why.delack").to_string(),
        WhyNow::SecondSegment(l) => seg("inspector.why.second", l),
        WhyNow::FastRetransmit(l) => seg("inspector.why.fast_retransmit", l),
        WhyNow::PartialAck(l) => seg("inspector.why.partial_ack", l),
        WhyNow::Rto => tr(lang, "inspector.why.rto").to_string(),
        WhyNow::ZeroWindowProbe => tr(lang, "inspector.why.zwp").to_string(),
        WhyNow::Keepalive => tr(lang, "inspector.why.keepalive").to_string(),
        WhyNow::Call(call) => fill(
            tr(lang, "inspector.why.call"),
            &[("call", &call.to_string())],
        ),
    }
}

/// What the inspector says of a segment the receiver has drawn no conclusion from (yet), at
/// the cursor.
fn fate_key(status: SegStatus) -> &'static str {
    match status {
        SegStatus::NotYetSent | SegStatus::InFlight => "inspector.not_arrived",
        SegStatus::Dropped => "inspector.dropped",
        SegStatus::Delivered => "inspector.arrived_quietly",
    }
}

#[function_component(Inspector)]
pub fn inspector(props: &InspectorProps) -> Html {
    let lang = use_lang();
    let linux = crate::hooks::linux::use_linux();
    // The header field shown in the hex view: chosen on a field row or on the bytes.
    let field = use_state(|| None::<&'static str>);
    let Some(span) = props.timeline.seg(props.label) else {
        return html! {};
    };
    let status = span.status(props.cursor);
    let close = {
        let cb = props.on_close.clone();
        let label = props.label;
        Callback::from(move |_: MouseEvent| {
            // Closing takes the close button away: focus returns to the segment's arrow.
            let arrow = crate::glue::focus::find(&format!("[data-seg=\"{label}\"]"));
            cb.emit(());
            if let Some(arrow) = arrow {
                crate::glue::focus::restore(arrow);
            }
        })
    };
    if status == SegStatus::NotYetSent {
        // Scrubbed back past its sending: its fields would tell the future (a lesson's
        // answer among them), so only say when it comes.
        return html! {
            <section class="inspector" aria-label={fill(tr(lang, "inspector.region"), &[("label", &span.record.label.to_string())])}>
                <header>
                    <h3>{ span.record.label.to_string() }</h3>
                    <button class="icon" aria-label={tr(lang, "inspector.close")} onclick={close}>{ "×" }</button>
                </header>
                <p class="muted" data-testid="inspector-fate">{ fill(tr(lang, "inspector.not_sent_yet"), &[
                    ("from", span.record.from.name()),
                    ("t", &span.record.sent_at.to_string()),
                ]) }</p>
            </section>
        };
    }
    let rec = &span.record;
    let seg = &rec.segment;
    let reasons = reasoning(lang, span, props.cursor, linux);
    let why =
        why_now(&props.session.trace(), span.sent).map(|w| why_text(lang, w, &props.timeline));
    let on_field = {
        let field = field.clone();
        Callback::from(move |f: Option<&'static str>| field.set(f))
    };
    let pick = |name: &'static str| on_field.reform(move |_: MouseEvent| Some(name));
    let packet = hex_view::headers(span).map(Shared::new);
    let origin = match rec.origin {
        Origin::Sent => tr(lang, "inspector.sent"),
        Origin::Retransmission => tr(lang, "inspector.retransmitted"),
        Origin::Injected => tr(lang, "inspector.injected"),
    };
    let rel_ack = rec.rel_ack.map_or("—".to_string(), |a| a.to_string());
    let abs_ack = if seg.flags.ack() {
        seg.ack.0.to_string()
    } else {
        "—".to_string()
    };
    html! {
        <section class="inspector" aria-label={fill(tr(lang, "inspector.region"), &[("label", &rec.label.to_string())])}>
            <header>
                <h3>{ fill(tr(lang, "inspector.title"), &[
                    ("label", &rec.label.to_string()),
                    ("from", rec.from.name()),
                    ("to", rec.to.name()),
                    ("origin", origin),
                    ("t", &rec.sent_at.to_string()),
                ]) }</h3>
                <button class="icon" aria-label={tr(lang, "inspector.close")} onclick={close}>{ "×" }</button>
            </header>
            <table class="fields">
                <tr class="pick" onclick={pick("Source Address")} onmouseenter={pick("Source Address")}><th scope="row">{ tr(lang, "inspector.addresses") }</th><td colspan="2">{ format!("{} → {}", address(rec.from), address(rec.to)) }</td></tr>
                <tr class="pick" onclick={pick("Control Bits")} onmouseenter={pick("Control Bits")}><th scope="row">{ tr(lang, "inspector.flags") }</th><td colspan="2"><code>{ seg.flags.to_string() }</code></td></tr>
                <tr><td aria-hidden="true"></td><th scope="col">{ tr(lang, "inspector.relative") }</th><th scope="col">{ tr(lang, "inspector.absolute") }</th></tr>
                <tr class="pick" onclick={pick("Sequence Number")} onmouseenter={pick("Sequence Number")}><th scope="row">{ tr(lang, "inspector.seq") }</th><td>{ rec.rel_seq }</td><td>{ seg.seq.0 }</td></tr>
                <tr class="pick" onclick={pick("Acknowledgment Number")} onmouseenter={pick("Acknowledgment Number")}><th scope="row">{ tr(lang, "inspector.ack") }</th><td>{ rel_ack }</td><td>{ abs_ack }</td></tr>
                <tr class="pick" onclick={pick("Window")} onmouseenter={pick("Window")}><th scope="row">{ tr(lang, "inspector.window") }</th><td colspan="2">{ seg.window }</td></tr>
                <tr class="pick" onclick={pick("Total Length")} onmouseenter={pick("Total Length")}><th scope="row">{ tr(lang, "inspector.length") }</th><td colspan="2">{ fill(tr(lang, if seg.seg_len() == 1 { "inspector.length_value_one" } else { "inspector.length_value" }), &[
                    ("len", &seg.len.to_string()),
                    ("seqs", &seg.seg_len().to_string()),
                ]) }</td></tr>
                if let Some(mss) = seg.mss {
                    <tr class="pick" onclick={pick("Option: Maximum Segment Size")} onmouseenter={pick("Option: Maximum Segment Size")}><th scope="row">{ tr(lang, "inspector.mss") }</th><td colspan="2">{ mss }</td></tr>
                }
            </table>
            if let Some(packet) = packet {
                <HexView packet={packet} selected={*field} on_select={on_field.clone()} />
            }
            if let Some(why) = why {
                <h4>{ fill(tr(lang, "inspector.why_title"), &[("peer", rec.from.name())]) }</h4>
                <p class="why-now" data-testid="inspector-why">{ why }</p>
            }
            <h4>{ fill(tr(lang, "inspector.what_did"), &[("peer", rec.to.name())]) }</h4>
            if reasons.is_empty() {
                <p class="muted" data-testid="inspector-fate">{ fill(tr(lang, fate_key(status)), &[
                    ("peer", rec.to.name()),
                ]) }</p>
            } else {
                <ol class="reasons">
                    { for reasons.iter().map(|r| html! {
                        <li>{ &r.text }<span class="section">{ format!(" RFC 9293 §{}", r.section) }</span></li>
                    }) }
                </ol>
            }
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use synack_core::script;

    #[test]
    fn reasoning_lists_the_receivers_rules() {
        let sim = script::run_source("B listen\nA connect\ndeliver s1\n")
            .unwrap()
            .sim;
        let t = Timeline::new(sim.trace());
        let s1 = t.seg(Label(1)).unwrap();
        let r = reasoning(Lang::En, s1, t.len(), false);
        assert_eq!(r.len(), 1);
        assert!(r[0].text.starts_with("LISTEN → SYN_RCVD"), "{:?}", r);
        let linux = reasoning(Lang::En, s1, t.len(), true);
        assert!(
            linux[0].text.starts_with("LISTEN → SYN-RECV"),
            "{:?}",
            linux
        );
        assert_eq!(r[0].section, "3.10.7.2");
        assert!(
            reasoning(Lang::En, s1, s1.sent + 1, false).is_empty(),
            "not arrived yet"
        );
        assert!(reasoning(Lang::En, t.seg(Label(2)).unwrap(), t.len(), false).is_empty());
    }

    #[test]
    fn why_now_says_nagle_held_the_second_piece_in_both_languages() {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../scenarios/nagle-delayed-ack.tcps"
        ))
        .unwrap();
        let s = Session::load(&text).unwrap();
        let t = s.timeline();
        let s6 = t.seg(Label(6)).unwrap();
        let why = why_now(&s.trace(), s6.sent).expect("a reason");
        let en = why_text(Lang::En, why, t);
        assert!(
            en.starts_with("Nagle's algorithm held it from 0.150s"),
            "{en}"
        );
        assert!(en.ends_with("The ACK s5 released it."), "{en}");
        crate::i18n::tests::install_chinese();
        let zh = why_text(Lang::Zh, why, t);
        assert!(zh.contains("Nagle 算法") && zh.contains("ACK s5"), "{zh}");
    }
}
