//! What a state of the diagram means, shown when it is clicked. The texts are fetched the
//! first time (the `states` catalog area is lazy).

use synack_core::State;
use yew::prelude::*;

use crate::hooks::lang::use_lang;
use crate::i18n::{fill, tr};
use crate::model::explain::explain;

#[derive(Properties, PartialEq, Clone)]
pub struct StateExplanationProps {
    pub state: State,
    /// Emits `None` to close the explanation.
    pub on_select: Callback<Option<State>>,
}

#[function_component(StateExplanation)]
pub fn state_explanation(props: &StateExplanationProps) -> Html {
    let lang = use_lang();
    // `None` while the texts are on their way.
    let texts = use_state(|| crate::i18n::area_ready("states").then_some(Ok::<(), String>(())));
    {
        let texts = texts.clone();
        use_effect_with((), move |_| {
            if texts.is_none() {
                wasm_bindgen_futures::spawn_local(async move {
                    texts.set(Some(crate::glue::catalog::load_area("states").await));
                });
            }
        });
    }
    let s = props.state;
    let close = {
        let cb = props.on_select.clone();
        Callback::from(move |_: MouseEvent| cb.emit(None))
    };
    match &*texts {
        None => Html::default(),
        Some(Err(e)) => html! {
            <section class="explain" role="alert">
                <header>
                    <h3>{ s.name() }</h3>
                    <button class="icon" aria-label={tr(lang, "diagram.explain_close")} onclick={close}>{ "×" }</button>
                </header>
                <p class="error">{ fill(tr(lang, "diagram.explain_failed"), &[("error", e)]) }</p>
            </section>
        },
        Some(Ok(())) => {
            let ex = explain(lang, s);
            html! {
                <section class="explain" aria-live="polite" aria-label={fill(tr(lang, "states.about"), &[("state", s.name())])}>
                    <header>
                        <h3>{ s.name() }</h3>
                        <button class="icon" aria-label={tr(lang, "states.close")} onclick={close}>{ "×" }</button>
                    </header>
                    <p>{ ex.meaning }</p>
                    <dl>
                        <dt>{ tr(lang, "states.arrival") }</dt><dd>{ ex.arrival }</dd>
                        <dt>{ tr(lang, "states.waits_for") }</dt><dd>{ ex.waits_for }</dd>
                        <dt>{ tr(lang, "states.in_practice") }</dt><dd>{ ex.in_practice }</dd>
                    </dl>
                </section>
            }
        }
    }
}
