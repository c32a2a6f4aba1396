//! The inspector: a segment's header fields, and the receiver's reasoning when it arrived,
//! from the engine's events: the checks that applied, the transition, and the RFC sections.

use std::rc::Rc;

use synack_core::wire::address;
use synack_core::{Cause, Event, Label, Origin, Sim};
use yew::prelude::*;

use crate::components::hex_view::{self, HexView};
use crate::hooks::lang::use_lang;
use crate::i18n::{fill, rule_reason, tr, Lang};
use crate::model::session::Session;

#[derive(Properties, Clone)]
pub struct InspectorProps {
    pub session: Rc<Session>,
    pub label: Label,
    pub cursor: usize,
    pub on_close: Callback<()>,
}

impl PartialEq for InspectorProps {
    fn eq(&self, o: &InspectorProps) -> bool {
        Rc::ptr_eq(&self.session, &o.session) && self.label == o.label && self.cursor == o.cursor
    }
}

/// One line of the receiver's reasoning.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reason {
    pub text: String,
    pub section: &'static str,
}

/// What the receiver concluded from `label`, within the first `cursor` events: every note
/// and state change whose cause is that segment (each delivery, copies included).
pub fn reasoning(lang: Lang, sim: &Sim, label: Label, cursor: usize) -> Vec<Reason> {
    let trace = &sim.trace()[..cursor.min(sim.trace().len())];
    trace
        .iter()
        .filter_map(|ev| match &ev.event {
            Event::StateChange {
                from,
                to,
                cause: Cause::Segment(l),
                rule,
                ..
            } if *l == label => Some(Reason {
                text: format!("{from} → {to}: {}", rule_reason(lang, *rule)),
                section: rule.section(),
            }),
            Event::Note {
                cause: Cause::Segment(l),
                rule,
                ..
            } if *l == label => Some(Reason {
                text: rule_reason(lang, *rule).to_string(),
                section: rule.section(),
            }),
            _ => None,
        })
        .collect()
}

#[function_component(Inspector)]
pub fn inspector(props: &InspectorProps) -> Html {
    let lang = use_lang();
    // The header field shown in the hex view: chosen on a field row or on the bytes.
    let field = use_state(|| None::<&'static str>);
    let sim = props.session.sim();
    let Some(rec) = sim.segment(props.label) else {
        return html! {};
    };
    let seg = &rec.segment;
    let reasons = reasoning(lang, sim, props.label, props.cursor);
    let on_field = {
        let field = field.clone();
        Callback::from(move |f: Option<&'static str>| field.set(f))
    };
    let pick = |name: &'static str| on_field.reform(move |_: MouseEvent| Some(name));
    let packet = hex_view::headers(sim, props.label).map(Rc::new);
    let close = {
        let cb = props.on_close.clone();
        Callback::from(move |_: MouseEvent| cb.emit(()))
    };
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
                <tr><th></th><th scope="col">{ tr(lang, "inspector.relative") }</th><th scope="col">{ tr(lang, "inspector.absolute") }</th></tr>
                <tr class="pick" onclick={pick("Sequence Number")} onmouseenter={pick("Sequence Number")}><th scope="row">{ tr(lang, "inspector.seq") }</th><td>{ rec.rel_seq }</td><td>{ seg.seq.0 }</td></tr>
                <tr class="pick" onclick={pick("Acknowledgment Number")} onmouseenter={pick("Acknowledgment Number")}><th scope="row">{ tr(lang, "inspector.ack") }</th><td>{ rel_ack }</td><td>{ abs_ack }</td></tr>
                <tr class="pick" onclick={pick("Window")} onmouseenter={pick("Window")}><th scope="row">{ tr(lang, "inspector.window") }</th><td colspan="2">{ seg.window }</td></tr>
                <tr class="pick" onclick={pick("Total Length")} onmouseenter={pick("Total Length")}><th scope="row">{ tr(lang, "inspector.length") }</th><td colspan="2">{ fill(tr(lang, "inspector.length_value"), &[
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
            <h4>{ fill(tr(lang, "inspector.what_did"), &[("peer", rec.to.name())]) }</h4>
            if reasons.is_empty() {
                <p class="muted">{ tr(lang, "inspector.not_arrived") }</p>
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
        let r = reasoning(Lang::En, &sim, Label(1), sim.trace().len());
        assert_eq!(r.len(), 1);
        assert!(r[0].text.starts_with("LISTEN → SYN_RCVD"), "{:?}", r);
        assert_eq!(r[0].section, "3.10.7.2");
        assert!(reasoning(Lang::En, &sim, Label(2), sim.trace().len()).is_empty());
    }
}
