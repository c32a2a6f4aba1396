//! Play/pause, speed, step, back, next timer, reset, and the timeline scrubber.

use synack_core::Instant;
use yew::prelude::*;

use crate::hooks::lang::use_lang;
use crate::i18n::{fill, tr};
use crate::model::state::{Action, SPEED_LABELS};

#[derive(Properties, PartialEq, Clone)]
pub struct TimeControlsProps {
    pub playing: bool,
    pub speed: usize,
    pub cursor: usize,
    /// Where "back to live" goes: the live end, or in a lesson its current page.
    pub len: usize,
    /// The page shows a lesson's own run: "back to live" returns to its current step.
    #[prop_or_default]
    pub lesson: bool,
    pub now: Instant,
    pub dispatch: Callback<Action>,
}

#[function_component(TimeControls)]
pub fn time_controls(props: &TimeControlsProps) -> Html {
    let lang = use_lang();
    let d = &props.dispatch;
    let emit = |a: Action| {
        let d = d.clone();
        Callback::from(move |_: MouseEvent| d.emit(a.clone()))
    };
    let on_speed = {
        let d = d.clone();
        Callback::from(move |e: Event| {
            let sel: web_sys::HtmlSelectElement = e.target_unchecked_into();
            if let Ok(i) = sel.value().parse::<usize>() {
                d.emit(Action::SetSpeed(i));
            }
        })
    };
    let on_scrub = {
        let d = d.clone();
        Callback::from(move |e: InputEvent| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            if let Ok(n) = input.value().parse::<usize>() {
                d.emit(Action::Seek(n));
            }
        })
    };
    let live = props.cursor >= props.len;
    html! {
        <section class="time" aria-label={tr(lang, "controls.region")}>
            <div class="buttons">
                if props.playing {
                    <button data-action="pause" onclick={emit(Action::Pause)} title={tr(lang, "controls.pause_title")}>{ tr(lang, "controls.pause") }</button>
                } else {
                    <button data-action="play" onclick={emit(Action::Play)} title={tr(lang, "controls.play_title")}>{ tr(lang, "controls.play") }</button>
                }
                <label class="speed">
                    <span class="visually-hidden">{ tr(lang, "controls.speed") }</span>
                    <select onchange={on_speed} aria-label={tr(lang, "controls.speed")}>
                        { for SPEED_LABELS.iter().enumerate().map(|(i, s)| html! {
                            <option value={i.to_string()} selected={i == props.speed}>{ *s }</option>
                        }) }
                    </select>
                </label>
                <button data-action="back" onclick={emit(Action::Back)} disabled={props.cursor == 0} title={tr(lang, "controls.back_title")}>{ tr(lang, "controls.back") }</button>
                <button data-action="step" onclick={emit(Action::Step)} title={tr(lang, "controls.step_title")}>{ tr(lang, "controls.step") }</button>
                <button data-action="next-timer" onclick={emit(Action::NextTimer)} title={tr(lang, "controls.next_timer_title")}>{ tr(lang, "controls.next_timer") }</button>
                <button data-action="reset" onclick={emit(Action::Reset)} title={tr(lang, "controls.reset_title")}>{ tr(lang, "controls.reset") }</button>
            </div>
            <div class="scrubber">
                <input type="range" min="0" max={props.len.to_string()} value={props.cursor.to_string()}
                    oninput={on_scrub} aria-label={tr(lang, "controls.timeline")}
                    aria-valuetext={fill(tr(lang, "controls.timeline_value"), &[
                        ("n", &props.cursor.to_string()),
                        ("total", &props.len.to_string()),
                        ("t", &props.now.to_string()),
                    ])} />
                <span class="clock" aria-live="off">
                    { format!("t = {}", props.now) }
                    // Always laid out, only hidden at the live end, so that the slider keeps its
                    // width while it is dragged to the end.
                    <button data-action="live" onclick={emit(Action::Seek(props.len))}
                        class={classes!("linkish", "live-link", live.then_some("invisible"))} aria-hidden={live.then_some("true")}
                        tabindex={if live { "-1" } else { "0" }}>
                        { tr(lang, if props.lesson { "controls.live_lesson" } else { "controls.live" }) }
                    </button>
                </span>
            </div>
        </section>
    }
}
