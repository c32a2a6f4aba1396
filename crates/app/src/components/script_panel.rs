//! The script panel: every action as a `.tcps` line, editable and re-runnable, with the
//! built-in scenarios as presets. A script error names its line; the text is never lost.

use synack_core::script::ScriptError;
use yew::prelude::*;

use crate::hooks::lang::use_lang;
use crate::i18n::{fill, tr, Lang};
use crate::model::presets::PRESETS;
use crate::model::state::{Action, Notice};

#[derive(Properties, PartialEq, Clone)]
pub struct ScriptPanelProps {
    pub text: AttrValue,
    pub error: Option<ScriptError>,
    pub dispatch: Callback<Action>,
}

/// The Scenarios menu's `onchange`: fetches the chosen scenario and loads it, or says why not.
fn scenario_loader(d: Callback<Action>) -> Callback<Event> {
    Callback::from(move |e: Event| {
        let sel: web_sys::HtmlSelectElement = e.target_unchecked_into();
        let name = sel.value();
        sel.set_value("");
        if name.is_empty() {
            return;
        }
        let d = d.clone();
        wasm_bindgen_futures::spawn_local(async move {
            match crate::glue::fetch::text(&crate::model::presets::url(&name)).await {
                Ok(text) => d.emit(Action::Load(text)),
                Err(msg) => d.emit(Action::Notify(Notice::ScenarioFetchFailed(msg))),
            }
        });
    })
}

#[function_component(ScriptPanel)]
pub fn script_panel(props: &ScriptPanelProps) -> Html {
    let lang = use_lang();
    let copied = use_state(|| false);
    let on_input = {
        let d = props.dispatch.clone();
        let copied = copied.clone();
        Callback::from(move |e: InputEvent| {
            let area: web_sys::HtmlTextAreaElement = e.target_unchecked_into();
            copied.set(false);
            d.emit(Action::Edit(area.value()));
        })
    };
    let on_run = {
        let d = props.dispatch.clone();
        let text = props.text.clone();
        Callback::from(move |_: MouseEvent| d.emit(Action::Load(text.to_string())))
    };
    let on_copy = {
        let text = props.text.clone();
        let copied = copied.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(window) = web_sys::window() {
                // The clipboard may be unavailable (no permission, insecure origin); the text
                // stays selectable in the box either way.
                let _ = window.navigator().clipboard().write_text(&text);
                copied.set(true);
            }
        })
    };
    let on_preset = scenario_loader(props.dispatch.clone());
    let lines = props.text.lines().count().max(1);
    html! {
        <section class="script-panel" aria-label={tr(lang, "script.region")}>
            <header>
                <h2>{ tr(lang, "script.title") }</h2>
                <label class="presets-menu">
                    <span class="visually-hidden">{ tr(lang, "script.load") }</span>
                    <select onchange={on_preset} aria-label={tr(lang, "script.load")} data-action="presets">
                        <option value="" selected=true>{ tr(lang, "script.scenarios") }</option>
                        { for PRESETS.iter().map(|(name, en, zh)| html! {
                            <option value={*name}>{ if lang == Lang::Zh { *zh } else { *en } }</option>
                        }) }
                    </select>
                </label>
            </header>
            <textarea class="script" spellcheck="false" rows={lines.clamp(6, 18).to_string()}
                value={props.text.clone()} oninput={on_input}
                aria-label={tr(lang, "script.text")}
                aria-invalid={props.error.is_some().then_some("true")}
                aria-describedby={props.error.is_some().then_some("script-error")} />
            if let Some(e) = &props.error {
                <p id="script-error" class="error" role="alert">
                    { fill(tr(lang, "script.error_at"), &[
                        ("line", &e.line.to_string()),
                        ("column", &e.column.to_string()),
                        ("message", &e.message),
                    ]) }
                </p>
            }
            <div class="buttons">
                <button data-action="run" onclick={on_run} title={tr(lang, "script.run_title")}>{ tr(lang, "script.run") }</button>
                <button data-action="copy" onclick={on_copy}>{ if *copied { tr(lang, "script.copied") } else { tr(lang, "script.copy") } }</button>
            </div>
        </section>
    }
}
