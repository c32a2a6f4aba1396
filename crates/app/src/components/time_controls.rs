//! Play/pause, speed, step, back, next timer, reset, and the timeline scrubber.

use synack_core::Instant;
use yew::prelude::*;

use crate::state::{Action, SPEED_LABELS};

#[derive(Properties, PartialEq, Clone)]
pub struct TimeControlsProps {
    pub playing: bool,
    pub speed: usize,
    pub cursor: usize,
    pub len: usize,
    pub now: Instant,
    pub dispatch: Callback<Action>,
}

#[function_component(TimeControls)]
pub fn time_controls(props: &TimeControlsProps) -> Html {
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
        <section class="time" aria-label="Time controls">
            <div class="buttons">
                if props.playing {
                    <button data-action="pause" onclick={emit(Action::Pause)} title="Pause (P)">{ "❚❚ Pause" }</button>
                } else {
                    <button data-action="play" onclick={emit(Action::Play)} title="Play with auto delivery (P)">{ "▶ Play" }</button>
                }
                <label class="speed">
                    <span class="visually-hidden">{ "Playback speed" }</span>
                    <select onchange={on_speed} aria-label="Playback speed">
                        { for SPEED_LABELS.iter().enumerate().map(|(i, s)| html! {
                            <option value={i.to_string()} selected={i == props.speed}>{ *s }</option>
                        }) }
                    </select>
                </label>
                <button data-action="back" onclick={emit(Action::Back)} disabled={props.cursor == 0} title="Step back (←)">{ "◀ Back" }</button>
                <button data-action="step" onclick={emit(Action::Step)} title="Step to the next event (→)">{ "Step ▶" }</button>
                <button data-action="next-timer" onclick={emit(Action::NextTimer)} title="Jump to the next timer (T)">{ "⇥ Next timer" }</button>
                <button data-action="reset" onclick={emit(Action::Reset)} title="Start over: both peers CLOSED, empty script">{ "↺ Reset" }</button>
            </div>
            <div class="scrubber">
                <input type="range" min="0" max={props.len.to_string()} value={props.cursor.to_string()}
                    oninput={on_scrub} aria-label="Timeline: events shown"
                    aria-valuetext={format!("event {} of {}, t = {}", props.cursor, props.len, props.now)} />
                <span class="clock" aria-live="off">
                    { format!("t = {}", props.now) }
                    // Always laid out, only hidden at the live end, so that the slider keeps its
                    // width while it is dragged to the end.
                    <button class="linkish live-link" onclick={emit(Action::Seek(props.len))}
                        style={live.then_some("visibility: hidden")} aria-hidden={live.then_some("true")}
                        tabindex={if live { "-1" } else { "0" }}>{ "back to live" }</button>
                </span>
            </div>
        </section>
    }
}
