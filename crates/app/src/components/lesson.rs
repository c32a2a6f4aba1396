//! Guided lessons: the picker (the built-in list, titles in the page's language) and the
//! panel of the lesson being played (narration, question and feedback, Back/Next, Exit).

use synack_core::Origin;
use yew::prelude::*;

use crate::components::exercise::{ExerciseBarProps, PredictProps, EXERCISE_BAR, PREDICT};
use crate::hooks::lang::use_lang;
use crate::hooks::linux::{spell_states, state_label, use_linux};
use crate::i18n::{fill, rule_reason, tr, Lang};
use crate::lazy::{self, Lazy, LazyDetails};
use crate::model::exercise::SetItem;
use crate::model::lesson::{self, Answer, Fact, Page, Player, LESSONS};
use crate::model::shared::Shared;
use crate::model::state::{Action, Notice};

#[derive(Properties, PartialEq, Clone)]
pub struct LessonPickerProps {
    /// The open lesson's id, marked in the list.
    pub open: Option<AttrValue>,
    pub dispatch: Callback<Action>,
}

/// The "Lessons" menu: a disclosure whose list arrives, with the lesson panel's module, when it
/// is first opened (or the pointer reaches it); choosing a lesson fetches its text.
#[function_component(LessonPicker)]
pub fn lesson_picker(props: &LessonPickerProps) -> Html {
    let lang = use_lang();
    html! {
        <LazyDetails class="lesson-picker" testid="lesson-picker" summary={tr(lang, "lesson.menu")}
            title={tr(lang, "lesson.menu_hint")} part={&LESSON_LIST} props={lazy::props(props.clone())} />
    }
}

crate::lazy::part! {
    /// The list of lessons, in the lesson panel's module: a lesson chosen there opens the panel.
    pub static LESSON_LIST = LessonList(LessonPickerProps) in lesson, areas: &["lesson-panel"], stylesheets: &["lesson.css"];
}

/// Every lesson, the open one marked.
#[function_component(LessonList)]
fn lesson_list(props: &LessonPickerProps) -> Html {
    let lang = use_lang();
    let items: Vec<Html> = LESSONS.iter().enumerate().map(|(i, entry)| {
        let id = entry.0;
        let onclick = {
            let d = props.dispatch.clone();
            Callback::from(move |e: MouseEvent| {
                // The choice closes the menu.
                let menu = e
                    .target_dyn_into::<web_sys::Element>()
                    .and_then(|el| el.closest("details").ok().flatten());
                if let Some(menu) = menu {
                    let _ = menu.remove_attribute("open");
                }
                let d = d.clone();
                wasm_bindgen_futures::spawn_local(async move {
                    match crate::glue::fetch::text(&lesson::url(id)).await {
                        Ok(text) => d.emit(Action::OpenLesson(id.to_owned(), text)),
                        Err(msg) => d.emit(Action::Notify(Notice::LessonFetchFailed(msg))),
                    }
                });
            })
        };
        let current = props.open.as_deref() == Some(id);
        html! {
            <li key={id}>
                <button type="button" class={classes!("lesson-item", current.then_some("current"))}
                    data-testid={format!("lesson-item-{id}")} aria-current={current.then_some("true")}
                    {onclick}>
                    <span class="lesson-number">{ (i + 1).to_string() }</span>
                    <span>{ lesson::list_title(entry, lang) }</span>
                </button>
            </li>
        }
    }).collect();
    html! { <ol class="lesson-list">{ for items }</ol> }
}

#[derive(Properties, Clone, PartialEq)]
pub struct LessonPanelProps {
    pub player: Shared<Player>,
    /// *(exercises)* The set a link opened: its next exercise is offered at the end.
    #[prop_or_default]
    pub set: Option<Shared<Vec<SetItem>>>,
    pub dispatch: Callback<Action>,
}

crate::lazy::part! {
    /// The lesson player's panel, fetched when a lesson is first opened.
    pub static LESSON_PANEL = LessonPanel(LessonPanelProps) in lesson, areas: &["lesson-panel"], stylesheets: &["lesson.css"];
}

fn paragraphs(texts: &[String]) -> Html {
    texts
        .iter()
        .map(|t| html! { <p>{ t.as_str() }</p> })
        .collect::<Html>()
}

/// The lesson being played.
#[function_component(LessonPanel)]
pub fn lesson_panel(props: &LessonPanelProps) -> Html {
    let lang = use_lang();
    let linux = use_linux();
    let p = &props.player;
    let l = &p.lesson;
    let n = l.steps.len();
    let k = p.step_number();
    let emit = |a: Action| {
        let d = props.dispatch.clone();
        Callback::from(move |_: MouseEvent| d.emit(a.clone()))
    };
    // After an answer, on a phone the learner is down at the diagram: bring the feedback
    // back into view (a wrong try too, which stays on the question).
    let panel = use_node_ref();
    {
        let panel = panel.clone();
        let answered = p.feedback().is_some()
            || p.asking_state() && p.tries().is_some_and(|t| !t.answers.is_empty());
        let tries = p.tries().map_or(0, |t| t.answers.len());
        use_effect_with((p.page, tries), move |_| {
            if answered {
                if let Some(el) = panel.cast::<web_sys::Element>() {
                    el.scroll_into_view();
                }
            }
        });
    }
    // Exit leaves the plain page: a reload must not reopen what was closed, so the address
    // bar loses the lesson or exercise (and its numbers and step) that a link or the
    // exercise bar put there.
    let exit = {
        let d = props.dispatch.clone();
        Callback::from(move |_: MouseEvent| {
            crate::glue::link::forget_exercise();
            d.emit(Action::CloseLesson)
        })
    };
    let at_end = p.page == Page::End;
    let at_start = p.page == Page::Step(0) || p.page == Page::Question(0);

    html! {
        <section class="guide-panel lesson-panel" data-testid="lesson-panel" data-lesson={p.id.clone()} ref={panel}
            aria-label={tr(lang, "lesson.region")}>
            <header>
                <h2>{ l.title(lang).to_owned() }</h2>
                <span class="lesson-step" data-testid="lesson-step" data-step={k.to_string()} data-steps={n.to_string()}
                    data-page={match p.page { Page::Question(_) => "question", Page::Step(_) => "step", Page::End => "end" }}
                    aria-label={fill(tr(lang, "lesson.step_of"), &[("k", &k.to_string()), ("n", &n.to_string())])}>
                    { format!("{k}/{n}") }
                </span>
            </header>
            if p.seed.is_some() && p.page != Page::End {
                <Lazy part={&EXERCISE_BAR} props={lazy::props(ExerciseBarProps {
                    player: p.clone(), set: props.set.clone(), dispatch: props.dispatch.clone() })} />
            }
            { page_body(p, lang, linux, &props.dispatch) }
            if p.seed.is_some() && p.page == Page::End {
                <Lazy part={&EXERCISE_BAR} props={lazy::props(ExerciseBarProps {
                    player: p.clone(), set: props.set.clone(), dispatch: props.dispatch.clone() })} />
            }
            <nav class="lesson-nav">
                <button type="button" data-testid="lesson-back" disabled={at_start}
                    aria-label={tr(lang, "lesson.back_label")} onclick={emit(Action::LessonBack)}>
                    { "← " }{ tr(lang, "lesson.back") }
                </button>
                <button type="button" class="primary" data-testid="lesson-next" disabled={at_end || p.asking()}
                    aria-label={tr(lang, "lesson.next_label")} onclick={emit(Action::LessonStep)}>
                    { tr(lang, "lesson.next") }{ " →" }
                </button>
                <button type="button" class="lesson-exit" data-testid="lesson-exit"
                    aria-label={tr(lang, "lesson.exit_label")} onclick={exit}>
                    { tr(lang, "lesson.exit") }
                </button>
            </nav>
        </section>
    }
}

/// The page's text: the question, the step's narration (after the feedback to an answer),
/// or the closing words. States are named as the diagram names them (`linux`: the Linux
/// view's `ss` names), the rules' reasons included.
fn page_body(p: &Player, lang: Lang, linux: bool, dispatch: &Callback<Action>) -> Html {
    let l = &p.lesson;
    let to_diagram = Callback::from(|_: MouseEvent| {
        let el = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.query_selector(".diagram-panel").ok().flatten());
        if let Some(el) = el {
            el.scroll_into_view();
        }
    });
    match p.page {
        Page::Question(i) => {
            let step = &l.steps[i];
            let tries = p.tries.get(i).cloned().unwrap_or_default();
            if let Some(predict) = &step.predict {
                return html! {
                    <div class="lesson-question" data-testid="lesson-question">
                        <p class="lesson-command">
                            { tr(lang, "lesson.this_step") }{ " " }<code>{ step.command.to_string() }</code>
                        </p>
                        <Lazy part={&PREDICT} props={lazy::props(PredictProps {
                            step: i, predict: predict.clone(), tries, ran: false, dispatch: dispatch.clone() })} />
                    </div>
                };
            }
            let peer = step.ask.as_ref().map_or("B", |a| a.peer.name());
            let reveal = {
                let d = dispatch.clone();
                Callback::from(move |_: MouseEvent| d.emit(Action::Reveal))
            };
            let wrong = tries.answers.last().and_then(|a| match a {
                Answer::State(st) => Some(*st),
                Answer::Segment(..) => None,
            });
            html! {
                <div class="lesson-question" data-testid="lesson-question" role="status">
                    <p class="lesson-command">
                        { tr(lang, "lesson.this_step") }{ " " }<code>{ step.command.to_string() }</code>
                    </p>
                    <p class="ask"><strong>{ fill(tr(lang, "lesson.question"), &[("peer", peer)]) }</strong></p>
                    if let Some(chosen) = wrong {
                        <div class="lesson-feedback wrong" data-testid="lesson-feedback" data-correct="false">
                            <p><strong>{ fill(tr(lang, "lesson.try_again"), &[("peer", peer), ("chosen", state_label(chosen, linux))]) }</strong></p>
                            <button type="button" data-testid="lesson-reveal" onclick={reveal}>{ tr(lang, "lesson.reveal") }</button>
                        </div>
                    } else {
                        <p class="hint">{ tr(lang, "lesson.question_hint") }</p>
                    }
                    <button type="button" class="link to-diagram" onclick={to_diagram}>{ tr(lang, "lesson.to_diagram") }</button>
                </div>
            }
        }
        Page::Step(i) => {
            let step = &l.steps[i];
            let segment = step.predict.as_ref().map(|pr| {
                let tries = p.tries.get(i).cloned().unwrap_or_default();
                html! {
                    <Lazy part={&PREDICT} props={lazy::props(PredictProps {
                        step: i, predict: pr.clone(), tries, ran: true, dispatch: dispatch.clone() })} />
                }
            });
            html! {
                <>
                    { feedback(p, lang, linux) }
                    { for segment }
                    <div class="lesson-narration" data-testid="lesson-narration">
                        <p class="lesson-command"><code>{ step.command.to_string() }</code></p>
                        if step.narration.get(lang).is_empty() {
                            { facts(&step.facts(&l.session.trace()), lang, linux) }
                        } else {
                            { paragraphs(step.narration.get(lang)) }
                        }
                    </div>
                </>
            }
        }
        Page::End => html! {
            <div class="lesson-narration lesson-closing" data-testid="lesson-narration">
                { paragraphs(l.closing.get(lang)) }
                // An exercise's end is its score card (the exercises' part), which says it is done.
                if p.seed.is_none() {
                    <p class="lesson-done" data-testid="lesson-done"><strong>{ tr(lang, "lesson.done") }</strong></p>
                    <p class="hint">{ tr(lang, "lesson.done_hint") }</p>
                }
            </div>
        },
    }
}

/// The narration of a step the script does not narrate: what it did, from its events, one
/// sentence each (a delivery, a segment sent, a transition with its rule and RFC section).
fn facts(facts: &[Fact], lang: Lang, linux: bool) -> Html {
    let sentence = |fact: &Fact| -> String {
        match fact {
            Fact::Sent {
                label,
                from,
                to,
                origin,
                summary,
            } => {
                let key = match origin {
                    Origin::Sent => "lesson.fact.sent",
                    Origin::Retransmission => "lesson.fact.resent",
                    Origin::Injected => "lesson.fact.injected",
                };
                fill(
                    tr(lang, key),
                    &[
                        ("label", &label.to_string()),
                        ("from", from.name()),
                        ("to", to.name()),
                        ("summary", summary),
                    ],
                )
            }
            Fact::Delivered { label, to } => fill(
                tr(lang, "lesson.fact.delivered"),
                &[("label", &label.to_string()), ("to", to.name())],
            ),
            Fact::Dropped { label } => fill(
                tr(lang, "lesson.fact.dropped"),
                &[("label", &label.to_string())],
            ),
            Fact::Held { label } => fill(
                tr(lang, "lesson.fact.held"),
                &[("label", &label.to_string())],
            ),
            Fact::Moved {
                peer,
                from,
                to,
                rule,
            } => fill(
                tr(lang, "lesson.fact.moved"),
                &[
                    ("peer", peer.name()),
                    ("from", state_label(*from, linux)),
                    ("to", state_label(*to, linux)),
                    ("reason", &spell_states(rule_reason(lang, *rule), linux)),
                    ("section", rule.section()),
                ],
            ),
        }
    };
    if facts.is_empty() {
        return html! { <p class="lesson-fact">{ tr(lang, "lesson.fact.none") }</p> };
    }
    facts
        .iter()
        .map(|f| html! { <p class="lesson-fact">{ sentence(f) }</p> })
        .collect()
}

/// Right or wrong, and why: the rule behind the peer's state and its RFC section.
fn feedback(p: &Player, lang: Lang, linux: bool) -> Html {
    let Some((chosen, ask)) = p.feedback() else {
        return revealed_state(p, lang, linux);
    };
    let answer = state_label(ask.answer, linux);
    let right = chosen == ask.answer;
    let peer = ask.peer.name();
    let verdict = if right {
        fill(
            tr(lang, "lesson.right"),
            &[("peer", peer), ("state", answer)],
        )
    } else {
        fill(
            tr(lang, "lesson.wrong"),
            &[
                ("peer", peer),
                ("chosen", state_label(chosen, linux)),
                ("state", answer),
            ],
        )
    };
    let why = ask.rule.map(|rule| {
        html! {
            <p class="why">
                { fill(tr(lang, "lesson.why"), &[("reason", &spell_states(rule_reason(lang, rule), linux))]) }
                { " " }
                <span class="rfc">{ fill(tr(lang, "lesson.rfc"), &[("section", rule.section())]) }</span>
            </p>
        }
    });
    html! {
        <div class={classes!("lesson-feedback", if right { "right" } else { "wrong" })}
            data-testid="lesson-feedback" data-correct={if right { "true" } else { "false" }} role="status">
            <p><strong>{ verdict }</strong></p>
            if ask.answer == ask.before {
                <p>{ fill(tr(lang, "lesson.stays"), &[("peer", peer)]) }</p>
            }
            { for why }
        </div>
    }
}

/// A state question revealed without a try: the answer and its rule.
fn revealed_state(p: &Player, lang: Lang, linux: bool) -> Html {
    let (Some(step), Some(tries)) = (p.current_step(), p.tries()) else {
        return Html::default();
    };
    let Some(ask) = step.ask.as_ref().filter(|_| tries.revealed) else {
        return Html::default();
    };
    html! {
        <div class="lesson-feedback" data-testid="lesson-feedback" data-correct="false" role="status">
            <p><strong>{ fill(tr(lang, "lesson.revealed"), &[("peer", ask.peer.name()), ("state", state_label(ask.answer, linux))]) }</strong></p>
            if let Some(rule) = ask.rule {
                <p class="why">
                    { fill(tr(lang, "lesson.why"), &[("reason", &spell_states(rule_reason(lang, rule), linux))]) }{ " " }
                    <span class="rfc">{ fill(tr(lang, "lesson.rfc"), &[("section", rule.section())]) }</span>
                </p>
            }
        </div>
    }
}
