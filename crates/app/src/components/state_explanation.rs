//! What a state of the diagram means, shown when it is clicked. The view and its texts (the
//! `states` catalog area) are fetched the first time, as a part (`split_explain.wasm`), so a
//! failed fetch is shown, with Try again, by [`Lazy`](crate::lazy::Lazy).

use synack_core::State;
use yew::prelude::*;

use crate::components::anchored::Anchored;
use crate::hooks::lang::use_lang;
use crate::i18n::{fill, tr};
use crate::model::explain::explain;

#[derive(Properties, PartialEq, Clone)]
pub struct StateExplanationProps {
    pub state: State,
    /// Emits `None` to close the explanation.
    pub on_select: Callback<Option<State>>,
}

crate::lazy::part! {
    /// The explanation of a state, fetched with its texts when a state is first clicked.
    pub static STATE_EXPLANATION = StateExplanation(StateExplanationProps) in explain, areas: &["states"], stylesheets: &[];
}

#[function_component(StateExplanation)]
pub fn state_explanation(props: &StateExplanationProps) -> Html {
    let lang = use_lang();
    let s = props.state;
    let close = {
        let cb = props.on_select.clone();
        Callback::from(move |_: MouseEvent| cb.emit(None))
    };
    let ex = explain(lang, s);
    // At the clicked node, in view (the anchored popover lives in this part, not the first
    // paint).
    html! {
        <Anchored anchor={format!("[data-state-node=\"{}\"]", s.name())} class="explain-popover">
        <section class="explain" aria-live="polite" aria-label={fill(tr(lang, "states.about"), &[("state", s.name())])}>
            // h2: the diagram, its panel, comes first in the page, before any other heading.
            <header>
                <h2>{ s.name() }</h2>
                <button class="icon" aria-label={tr(lang, "states.close")} onclick={close}>{ "×" }</button>
            </header>
            <p>{ ex.meaning }</p>
            <dl>
                <dt>{ tr(lang, "states.arrival") }</dt><dd>{ ex.arrival }</dd>
                <dt>{ tr(lang, "states.waits_for") }</dt><dd>{ ex.waits_for }</dd>
                <dt>{ tr(lang, "states.in_practice") }</dt><dd>{ ex.in_practice }</dd>
            </dl>
        </section>
        </Anchored>
    }
}
