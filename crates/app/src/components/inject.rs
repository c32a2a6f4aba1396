//! The inject form: build any segment and put it on the network, with presets for the
//! numbers that teach something (the next expected, an old duplicate, one out of window).

use synack_core::{Flags, Peer};
use yew::prelude::*;

use crate::hooks::lang::use_lang;
use crate::i18n::{tr, Lang};
use crate::model::inject::{build_command, InjectPresets};
use crate::model::state::Action;

#[derive(Properties, PartialEq, Clone)]
pub struct InjectProps {
    /// Relative numbers for the presets, computed at the cursor.
    pub presets: [InjectPresets; 2],
    pub dispatch: Callback<Action>,
}

crate::lazy::part! {
    /// The inject form, fetched when it is first opened.
    pub static INJECT = Inject(InjectProps) in inject, areas: &["inject-form"], stylesheets: &[];
}

/// A text field's `oninput`: keeps what is typed in `state`.
fn text_input(state: &UseStateHandle<String>) -> Callback<InputEvent> {
    let state = state.clone();
    Callback::from(move |e: InputEvent| {
        let input: web_sys::HtmlInputElement = e.target_unchecked_into();
        state.set(input.value());
    })
}

/// A checkbox per control bit.
fn flag_boxes(flags: &UseStateHandle<Flags>) -> Html {
    Flags::ORDER
        .iter()
        .map(|&(flag, name)| {
            let flags = flags.clone();
            let checked = flags.contains(flag);
            let onchange = Callback::from(move |_: Event| {
                let f = *flags;
                flags.set(if f.contains(flag) {
                    f.without(flag)
                } else {
                    f | flag
                });
            });
            html! {
                <label class="flag"><input type="checkbox" {checked} {onchange} />{ name }</label>
            }
        })
        .collect()
}

/// The preset buttons: each fills seq (and ack) with numbers computed at the cursor.
fn presets(
    lang: Lang,
    p: InjectPresets,
    seq: &UseStateHandle<String>,
    ack: &UseStateHandle<String>,
) -> Html {
    let preset = |label: &'static str, s: i64, a: Option<i64>, hint: &'static str| {
        let (seq, ack) = (seq.clone(), ack.clone());
        let onclick = Callback::from(move |_: MouseEvent| {
            seq.set(s.to_string());
            if let Some(a) = a {
                ack.set(a.to_string());
            }
        });
        html! { <button type="button" class="preset" {onclick} title={hint}>{ label }</button> }
    };
    html! {
        <div class="presets" role="group" aria-label={tr(lang, "inject.presets")}>
            { preset(tr(lang, "inject.next"), p.next_seq, Some(p.next_ack), tr(lang, "inject.next_hint")) }
            { preset(tr(lang, "inject.old"), p.old_seq, None, tr(lang, "inject.old_hint")) }
            { preset(tr(lang, "inject.oow"), p.out_of_window_seq, None, tr(lang, "inject.oow_hint")) }
        </div>
    }
}

#[function_component(Inject)]
pub fn inject(props: &InjectProps) -> Html {
    let lang = use_lang();
    let from = use_state(|| Peer::A);
    let flags = use_state(|| Flags::ACK);
    let seq = use_state(|| "0".to_string());
    let ack = use_state(|| "0".to_string());
    let len = use_state(|| "0".to_string());
    let error = use_state(|| None::<String>);
    // Issue 3: an injected segment enters the network like any other; the box makes it
    // arrive at once, as the script's plain `inject` does.
    let now = use_state(|| false);

    let on_dir = {
        let from = from.clone();
        Callback::from(move |e: Event| {
            let sel: web_sys::HtmlSelectElement = e.target_unchecked_into();
            from.set(if sel.value() == "B" { Peer::B } else { Peer::A });
        })
    };
    let onsubmit = {
        let (from, flags, seq, ack, len, error) = (
            from.clone(),
            flags.clone(),
            seq.clone(),
            ack.clone(),
            len.clone(),
            error.clone(),
        );
        let now = now.clone();
        let d = props.dispatch.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            match build_command(lang, *from, *flags, &seq, &ack, &len, !*now) {
                Ok(cmd) => {
                    error.set(None);
                    d.emit(Action::Do(cmd));
                }
                Err(msg) => error.set(Some(msg)),
            }
        })
    };
    html! {
        <form class="inject" {onsubmit} aria-label={tr(lang, "inject.title")}>
            <fieldset>
                <legend>{ tr(lang, "inject.title") }</legend>
                <label>{ tr(lang, "inject.from") }{ " " }
                    <select onchange={on_dir} aria-label={tr(lang, "inject.direction")}>
                        <option value="A" selected={*from == Peer::A}>{ "A → B" }</option>
                        <option value="B" selected={*from == Peer::B}>{ "B → A" }</option>
                    </select>
                </label>
                <div class="flags" role="group" aria-label={tr(lang, "inject.flags")}>{ flag_boxes(&flags) }</div>
                <div class="numbers">
                    <label>{ "seq " }<input class="num" value={(*seq).clone()} oninput={text_input(&seq)} aria-label={tr(lang, "inject.seq")} /></label>
                    <label>{ "ack " }<input class="num" value={(*ack).clone()} oninput={text_input(&ack)} disabled={!flags.ack()} aria-label={tr(lang, "inject.ack")} /></label>
                    <label>{ "len " }<input class="num" value={(*len).clone()} oninput={text_input(&len)} aria-label={tr(lang, "inject.len")} /></label>
                </div>
                { presets(lang, props.presets[from.index()], &seq, &ack) }
                if let Some(msg) = &*error {
                    <p class="error" role="alert">{ msg }</p>
                }
                <label class="arrive-now">
                    <input type="checkbox" checked={*now} onchange={{
                        let now = now.clone();
                        Callback::from(move |_: Event| now.set(!*now))
                    }} />
                    { tr(lang, "inject.at_once") }
                </label>
                <button type="submit" data-action="inject">{ tr(lang, "inject.submit") }</button>
            </fieldset>
        </form>
    }
}
