//! Play/pause, speed, step, back, next timer, reset, and the timeline scrubber.

use synack_core::Instant;
use yew::prelude::*;

use crate::hooks::lang::use_lang;
use crate::i18n::{fill, tr, Lang};
use crate::model::state::{Action, BASE_PACE, SPEEDS, SPEED_LABELS};

/// Where an open lesson is: while one is open, the step buttons (and → ←) move it a page, as
/// its own Back and Next do (model/state.rs, `Action::Step | LessonStep`), so the bar says so,
/// and leaves the counting to the panel's `k/n`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LessonClock {
    /// Its Back has nowhere to go (the first step).
    pub first: bool,
    /// Its Next is off: a question waits for its answer, or the lesson is at its end.
    pub waits: bool,
}

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
    /// The open lesson, which the step buttons drive.
    #[prop_or_default]
    pub lesson_clock: Option<LessonClock>,
    pub now: Instant,
    /// Segments wait for the user's hand (`set delivery manual`): no virtual time passes
    /// while they do, so the clock says why it stands still.
    #[prop_or_default]
    pub manual: bool,
    pub dispatch: Callback<Action>,
}

/// Real seconds one second of virtual time lasts at a playback speed: playback advances the
/// clock by `TICK_MS × speed × BASE_PACE` every `TICK_MS` (model/state.rs), a tenth of real
/// time at 1×.
pub fn real_seconds_per_virtual_second(speed: f32) -> f32 {
    if speed > 0.0 {
        1.0 / (speed * BASE_PACE)
    } else {
        f32::INFINITY
    }
}

/// `10`, `2.5`, `1.25`: seconds to the hundredth, with no trailing zeros. Integer
/// arithmetic only: float formatting would add its code to the first paint (svg.rs's `num`
/// does the same).
fn seconds(x: f32) -> String {
    let hundredths = (x * 100.0).round() as u64;
    let (whole, frac) = (hundredths / 100, hundredths % 100);
    match frac {
        0 => whole.to_string(),
        f if f % 10 == 0 => format!("{whole}.{}", f / 10),
        f => format!("{whole}.{f:02}"),
    }
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
    let lc = props.lesson_clock;
    // In a lesson the buttons are its Back and Next, off where the panel's are; Next says so
    // in the panel's word ("Step" read as a second, different control), Back's fit both.
    let back_off = lc.map_or(props.cursor == 0, |l| l.first);
    let (step_key, step_title, step_off) = match lc {
        Some(l) => (
            "controls.lesson_next",
            "controls.lesson_next_title",
            l.waits,
        ),
        None => ("controls.step", "controls.step_title", false),
    };
    // At the lesson's page its panel counts the steps ("10/34"): an event count beside it
    // ("event 37/37") read as a second, different step number. Scrubbed off it, the events
    // count again.
    let at_lesson_page = lc.is_some() && props.lesson && live;
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
                    <select onchange={on_speed} aria-label={tr(lang, "controls.speed")}
                        title={speed_title(lang, props.speed)} data-action="speed">
                        { for SPEED_LABELS.iter().enumerate().map(|(i, s)| html! {
                            <option value={i.to_string()} selected={i == props.speed}
                                title={speed_title(lang, i)}>{ *s }</option>
                        }) }
                    </select>
                </label>
                <button data-action="back" onclick={emit(Action::Back)} disabled={back_off} title={tr(lang, "controls.back_title")}>{ tr(lang, "controls.back") }</button>
                <button data-action="step" onclick={emit(Action::Step)} disabled={step_off} title={tr(lang, step_title)}>{ tr(lang, step_key) }</button>
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
                <span class="clock" aria-live="off" data-testid="clock" title={clock_title(lang, props)}>
                    if !at_lesson_page {
                        <span class="clock-event">{ fill(tr(lang, "controls.event"), &[
                            ("n", &props.cursor.to_string()),
                            ("total", &props.len.to_string()),
                        ]) }</span>
                    }
                    <span class="clock-t">{ format!("t = {}", props.now) }</span>
                    if props.manual {
                        <span class="clock-manual" data-testid="clock-manual">{ tr(lang, "controls.manual_time") }</span>
                    }
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

/// The speed menu's and each option's tooltip: what the speed means in real time.
fn speed_title(lang: Lang, i: usize) -> String {
    let speed = SPEEDS.get(i).copied().unwrap_or(1.0);
    fill(
        tr(lang, "controls.speed_title"),
        &[
            ("speed", SPEED_LABELS.get(i).copied().unwrap_or("1×")),
            ("real", &seconds(real_seconds_per_virtual_second(speed))),
        ],
    )
}

/// The clock's tooltip: what the event number and `t` are, and why `t` stands still in
/// manual delivery.
fn clock_title(lang: Lang, props: &TimeControlsProps) -> String {
    let key = if props.manual {
        "controls.clock_title_manual"
    } else {
        "controls.clock_title"
    };
    fill(
        tr(lang, key),
        &[
            ("n", &props.cursor.to_string()),
            ("total", &props.len.to_string()),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    /// At 1× a 50 ms flight takes half a second (model/state.rs: a tenth of real time).
    fn speeds_in_real_time() {
        assert_eq!(seconds(real_seconds_per_virtual_second(1.0)), "10");
        assert_eq!(seconds(real_seconds_per_virtual_second(4.0)), "2.5");
        assert_eq!(seconds(real_seconds_per_virtual_second(8.0)), "1.25");
        assert_eq!(seconds(real_seconds_per_virtual_second(0.25)), "40");
        assert!(
            speed_title(Lang::En, 2).contains("10 s"),
            "{}",
            speed_title(Lang::En, 2)
        );
    }
}
