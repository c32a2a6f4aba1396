//! The inspector: a segment's header fields, and the receiver's reasoning when it arrived,
//! from the engine's events: the checks that applied, the transition, and the RFC sections.

use std::rc::Rc;

use synack_core::wire::address;
use synack_core::{Cause, Event, Label, Origin, Sim};
use yew::prelude::*;

use crate::session::Session;

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
pub fn reasoning(sim: &Sim, label: Label, cursor: usize) -> Vec<Reason> {
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
                text: format!("{from} → {to}: {}", rule.reason()),
                section: rule.section(),
            }),
            Event::Note {
                cause: Cause::Segment(l),
                rule,
                ..
            } if *l == label => Some(Reason {
                text: rule.reason().to_string(),
                section: rule.section(),
            }),
            _ => None,
        })
        .collect()
}

#[function_component(Inspector)]
pub fn inspector(props: &InspectorProps) -> Html {
    let sim = props.session.sim();
    let Some(rec) = sim.segment(props.label) else {
        return html! {};
    };
    let seg = &rec.segment;
    let reasons = reasoning(sim, props.label, props.cursor);
    let close = {
        let cb = props.on_close.clone();
        Callback::from(move |_: MouseEvent| cb.emit(()))
    };
    let origin = match rec.origin {
        Origin::Sent => "sent",
        Origin::Retransmission => "retransmitted",
        Origin::Injected => "injected",
    };
    let rel_ack = rec.rel_ack.map_or("—".to_string(), |a| a.to_string());
    let abs_ack = if seg.flags.ack() {
        seg.ack.0.to_string()
    } else {
        "—".to_string()
    };
    html! {
        <section class="inspector" aria-label={format!("Segment {}", rec.label)}>
            <header>
                <h3>{ format!("{} {}→{} ({origin} at {})", rec.label, rec.from, rec.to, rec.sent_at) }</h3>
                <button class="icon" aria-label="Close the inspector" onclick={close}>{ "×" }</button>
            </header>
            <table class="fields">
                <tr><th scope="row">{ "Addresses" }</th><td colspan="2">{ format!("{} → {}", address(rec.from), address(rec.to)) }</td></tr>
                <tr><th scope="row">{ "Flags" }</th><td colspan="2"><code>{ seg.flags.to_string() }</code></td></tr>
                <tr><th></th><th scope="col">{ "relative" }</th><th scope="col">{ "absolute" }</th></tr>
                <tr><th scope="row">{ "Seq" }</th><td>{ rec.rel_seq }</td><td>{ seg.seq.0 }</td></tr>
                <tr><th scope="row">{ "Ack" }</th><td>{ rel_ack }</td><td>{ abs_ack }</td></tr>
                <tr><th scope="row">{ "Window" }</th><td colspan="2">{ seg.window }</td></tr>
                <tr><th scope="row">{ "Length" }</th><td colspan="2">{ format!("{} bytes (occupies {} sequence numbers)", seg.len, seg.seg_len()) }</td></tr>
                if let Some(mss) = seg.mss {
                    <tr><th scope="row">{ "MSS option" }</th><td colspan="2">{ mss }</td></tr>
                }
            </table>
            <h4>{ format!("What {} did with it", rec.to) }</h4>
            if reasons.is_empty() {
                <p class="muted">{ "It has not arrived (yet)." }</p>
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
        let r = reasoning(&sim, Label(1), sim.trace().len());
        assert_eq!(r.len(), 1);
        assert!(r[0].text.starts_with("LISTEN → SYN_RCVD"), "{:?}", r);
        assert_eq!(r[0].section, "3.10.7.2");
        assert!(reasoning(&sim, Label(2), sim.trace().len()).is_empty());
    }
}
