//! The first steps, for a newcomer on the plain page: a strip that says what to click (B's
//! Listen, A's Connect, then the SYN's arrow), ticks each step off as the run shows it done,
//! and offers lesson 1 as the other way in. Dismissed once, it stays away (localStorage);
//! never in an embed, a lesson or a shared link (see `App`).

use yew::prelude::*;

use crate::hooks::lang::use_lang;
use crate::i18n::tr;
use crate::model::first_steps::{FirstStep, Progress};
use crate::model::lesson;
use crate::model::state::{Action, Notice};

/// The lesson the strip offers.
pub const FIRST_LESSON: &str = "01-handshake";

#[derive(Properties, PartialEq, Clone)]
pub struct CoachProps {
    pub progress: Progress,
    pub dispatch: Callback<Action>,
    /// Put the strip away for good.
    pub on_dismiss: Callback<()>,
}

crate::lazy::part! {
    /// The first steps, in the lessons' module: the strip's main offer is lesson 1.
    pub static COACH = Coach(CoachProps) in lesson, areas: &["lesson-panel"], stylesheets: &["lesson.css"];
}

#[function_component(Coach)]
pub fn coach(props: &CoachProps) -> Html {
    let lang = use_lang();
    let next = props.progress.next();
    // Done once, remembered: the next visit opens without the strip.
    use_effect_with(next.is_none(), |&done| {
        if done {
            crate::glue::storage::set_flag(crate::glue::storage::FIRST_STEPS_DONE);
        }
    });
    let items = FirstStep::ALL.into_iter().map(|st| {
        let done = props.progress.is_done(st);
        let current = next == Some(st);
        html! {
            <li data-step={st.name()} data-done={done.to_string()}
                class={classes!(done.then_some("done"), current.then_some("current"))}
                aria-current={current.then_some("step")}>
                <span class="coach-mark" aria-hidden="true">{ if done { "✓" } else { "" } }</span>
                { tr_step(lang, st) }
            </li>
        }
    });
    let start_lesson = {
        let d = props.dispatch.clone();
        let dismiss = props.on_dismiss.clone();
        Callback::from(move |_: MouseEvent| {
            dismiss.emit(());
            let d = d.clone();
            wasm_bindgen_futures::spawn_local(async move {
                match crate::glue::fetch::text(&lesson::url(FIRST_LESSON)).await {
                    Ok(text) => d.emit(Action::OpenLesson(FIRST_LESSON.to_owned(), text)),
                    Err(msg) => d.emit(Action::Notify(Notice::LessonFetchFailed(msg))),
                }
            });
        })
    };
    let dismiss = {
        let dismiss = props.on_dismiss.clone();
        Callback::from(move |_: MouseEvent| dismiss.emit(()))
    };
    let lead = if next.is_none() {
        "coach.done"
    } else {
        "coach.lead"
    };
    html! {
        <section class="coach" data-testid="coach" aria-label={tr(lang, "coach.region")}>
            <p class="coach-lead">{ tr(lang, lead) }</p>
            // Once all are done, the list folds away: what is left is the way on.
            if next.is_some() {
                <ol class="coach-steps">{ for items }</ol>
            }
            <div class="coach-actions">
                <button type="button" class="primary" data-testid="coach-lesson" onclick={start_lesson}>
                    { tr(lang, "coach.lesson") }
                </button>
                <button type="button" class="linkish" data-testid="coach-dismiss" onclick={dismiss}>
                    { tr(lang, "coach.dismiss") }
                </button>
            </div>
        </section>
    }
}

fn tr_step(lang: crate::i18n::Lang, st: FirstStep) -> &'static str {
    match st {
        FirstStep::Listen => tr(lang, "coach.step.listen"),
        FirstStep::Connect => tr(lang, "coach.step.connect"),
        FirstStep::Deliver => tr(lang, "coach.step.deliver"),
    }
}
