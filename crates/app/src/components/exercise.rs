//! Exercises in the page: the "Exercises" menu (every exercise with its best score, and a
//! set of them to send as a link), the list an exercise-set link opens, and the form that
//! answers a predict-the-segment question with its per-field feedback. An exercise, once its
//! numbers are drawn, is played by the lesson panel (`components::lesson`).

use synack_core::predict::{Feedback, FieldCheck, Guess};
use synack_core::script::{Language, Num, Numbers};
use synack_core::Flags;
use yew::prelude::*;

use crate::glue::link::{self, View};
use crate::hooks::lang::use_lang;
use crate::i18n::{fill, tr, Lang};
use crate::lazy::{self, LazyDetails};
use crate::model::exercise::{self, SetItem, EXERCISES};
use crate::model::lesson::{Answer, Page, Player, Predict, Tries};
use crate::model::score;
use crate::model::shared::Shared;
use crate::model::state::{Action, Notice};

/// Opens exercise `id` with the numbers of `seed`, or fresh ones: fetches its text, draws
/// its numbers (in the exercises' module) and hands it to the reducer.
pub fn open(id: &'static str, seed: Option<u64>, dispatch: Callback<Action>) {
    wasm_bindgen_futures::spawn_local(async move {
        // Randomness at the page's edge: the engine only ever sees the seed.
        let seed = seed.unwrap_or_else(exercise::random_seed);
        let text = match crate::glue::fetch::text(&exercise::url(id)).await {
            Ok(text) => text,
            Err(msg) => return dispatch.emit(Action::Notify(Notice::LessonFetchFailed(msg))),
        };
        // A ladder exercise (`hide`, `order`) opens in the ladder view, which its link opens
        // (hooks::ladder_link): go to that link.
        if crate::hooks::ladder_link::is_ladder(&text) {
            if let Some(w) = web_sys::window() {
                // The link's other parameters (the language, the set) stay.
                let query = w.location().search().unwrap_or_default();
                let search = link::exercise_query(&query, id, seed)
                    .unwrap_or_else(|| link::with_params(&query, &[]));
                let _ = w.location().set_search(&search);
            }
            return;
        }
        match exercise::instantiate(&text, seed).await {
            Ok(source) => dispatch.emit(Action::OpenExercise {
                id: id.to_string(),
                seed,
                source,
            }),
            Err(error) => dispatch.emit(Action::Notify(Notice::LessonBroken {
                id: id.to_string(),
                error,
            })),
        }
    });
}

/// The exercise's number in the list (`01`), from its id.
fn number(id: &str) -> &str {
    id.split('-').next().unwrap_or(id)
}

/// The best score kept for an exercise, as the lists show it.
fn best(id: &str, lang: Lang) -> Html {
    match score::stored(id) {
        Some(r) => html! {
            <span class="exercise-best" data-testid={format!("exercise-best-{id}")}>
                { fill(tr(lang, "exercise.best"), &[("score", &r.best.to_string())]) }
            </span>
        },
        None => Html::default(),
    }
}

#[derive(Properties, PartialEq, Clone)]
pub struct ExercisePickerProps {
    /// The open exercise's id, marked in the list.
    pub open: Option<AttrValue>,
    pub dispatch: Callback<Action>,
}

/// The "Exercises" menu, beside "Lessons": a disclosure whose list arrives with the exercises'
/// module when it is first opened.
#[function_component(ExercisePicker)]
pub fn exercise_picker(props: &ExercisePickerProps) -> Html {
    let lang = use_lang();
    html! {
        <LazyDetails class="lesson-picker exercise-picker" testid="exercise-picker" summary={tr(lang, "exercise.menu")}
            title={tr(lang, "exercise.menu_hint")} part={&EXERCISE_LIST} props={lazy::props(props.clone())} />
    }
}

crate::lazy::part! {
    /// The list of exercises and the set builder, in the exercises' module.
    pub static EXERCISE_LIST = ExerciseList(ExercisePickerProps) in exercise, areas: &["exercise"], stylesheets: &["exercise.css"];
}

/// Closes the `<details>` menu around the element an event came from.
fn close_menu(e: &MouseEvent) {
    let menu = e
        .target_dyn_into::<web_sys::Element>()
        .and_then(|el| el.closest("details").ok().flatten());
    if let Some(menu) = menu {
        let _ = menu.remove_attribute("open");
    }
}

/// Every exercise, the open one marked, each with a box to put it in a set, and the set's
/// link to copy.
#[function_component(ExerciseList)]
fn exercise_list(props: &ExercisePickerProps) -> Html {
    let lang = use_lang();
    let picked = use_state(Vec::<&'static str>::new);
    let fixed = use_state(|| false);
    let copied = use_state(|| None::<(String, bool)>);
    let items: Vec<Html> = EXERCISES
        .iter()
        .map(|entry| {
            let id = entry.0;
            let title = exercise::list_title(entry, lang);
            let onclick = {
                let d = props.dispatch.clone();
                Callback::from(move |e: MouseEvent| {
                    close_menu(&e);
                    open(id, None, d.clone());
                })
            };
            let ontoggle = {
                let picked = picked.clone();
                Callback::from(move |_: Event| {
                    let mut now = (*picked).clone();
                    match now.iter().position(|p| *p == id) {
                        Some(i) => {
                            now.remove(i);
                        }
                        None => now.push(id),
                    }
                    // The set keeps the list's order.
                    now.sort_unstable();
                    picked.set(now);
                })
            };
            let current = props.open.as_deref() == Some(id);
            html! {
                <li key={id} class="exercise-entry">
                    <input type="checkbox" class="set-pick" data-testid={format!("exercise-pick-{id}")}
                        checked={picked.contains(&id)} onchange={ontoggle}
                        aria-label={fill(tr(lang, "exercise.pick"), &[("title", title)])} />
                    <button type="button" class={classes!("lesson-item", current.then_some("current"))}
                        data-testid={format!("exercise-item-{id}")} aria-current={current.then_some("true")}
                        {onclick}>
                        <span class="lesson-number">{ number(id) }</span>
                        <span>{ title }</span>
                        { best(id, lang) }
                    </button>
                </li>
            }
        })
        .collect();
    let on_fixed = {
        let fixed = fixed.clone();
        Callback::from(move |_: Event| fixed.set(!*fixed))
    };
    let on_copy = {
        let (picked, fixed, copied) = (picked.clone(), *fixed, copied.clone());
        Callback::from(move |_: MouseEvent| {
            let items: Vec<SetItem> = picked
                .iter()
                .map(|&id| SetItem {
                    id,
                    seed: fixed.then(exercise::random_seed),
                })
                .collect();
            let view = View {
                lang,
                set: Some(exercise::write_set(&items)),
                ..View::default()
            };
            let text = view.link(&link::page_base(), None);
            let copied = copied.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let ok = crate::components::share::copy_to_clipboard(&text).await;
                copied.set(Some((text, ok)));
            });
        })
    };
    let none = picked.is_empty();
    html! {
        <div class="exercise-menu">
            <ol class="lesson-list exercise-list">{ for items }</ol>
            <div class="set-builder" data-testid="set-builder">
                <p class="hint">{ tr(lang, "exercise.set_hint") }</p>
                <label class="set-fixed">
                    <input type="checkbox" data-testid="set-fixed" checked={*fixed} onchange={on_fixed} />
                    { " " }{ tr(lang, "exercise.set_fixed") }
                </label>
                <button type="button" data-testid="copy-set" disabled={none} onclick={on_copy}>
                    { tr(lang, "exercise.copy_set") }
                </button>
                if let Some((text, ok)) = &*copied {
                    <input type="text" readonly=true value={text.clone()} data-testid="set-field"
                        aria-label={tr(lang, "exercise.set_field")} />
                    <span class="share-status" role="status" data-testid="set-status">
                        { tr(lang, if *ok { "exercise.set_copied" } else { "exercise.set_copy_by_hand" }) }
                    </span>
                }
            </div>
        </div>
    }
}

#[derive(Properties, PartialEq, Clone)]
pub struct ExerciseSetProps {
    pub set: Shared<Vec<SetItem>>,
    pub dispatch: Callback<Action>,
}

crate::lazy::part! {
    /// The list an exercise-set link opens, shown while no exercise of it is open (drawn
    /// as a lesson panel is: lesson.css).
    pub static EXERCISE_SET = ExerciseSet(ExerciseSetProps) in exercise, areas: &["exercise"], stylesheets: &["lesson.css", "exercise.css"];
}

/// The exercises of a set, in the teacher's order, each with its best score.
#[function_component(ExerciseSet)]
fn exercise_set(props: &ExerciseSetProps) -> Html {
    let lang = use_lang();
    let items = props.set.iter().map(|item| {
        let id = item.id;
        let entry = EXERCISES.iter().find(|e| e.0 == id);
        let title = entry.map_or(id, |e| exercise::list_title(e, lang));
        let onclick = {
            let (d, seed) = (props.dispatch.clone(), item.seed);
            Callback::from(move |_: MouseEvent| open(id, seed, d.clone()))
        };
        html! {
            <li key={id}>
                <button type="button" class="lesson-item" data-testid={format!("set-item-{id}")} {onclick}>
                    <span class="lesson-number">{ number(id) }</span>
                    <span>{ title }</span>
                    { best(id, lang) }
                </button>
            </li>
        }
    });
    let close = {
        let d = props.dispatch.clone();
        Callback::from(move |_: MouseEvent| d.emit(Action::CloseSet))
    };
    html! {
        <section class="guide-panel lesson-panel exercise-set" data-testid="exercise-set" aria-label={tr(lang, "exercise.set_title")}>
            <header><h2>{ tr(lang, "exercise.set_title") }</h2></header>
            <p class="hint">{ fill(tr(lang, "exercise.set_lead"), &[("n", &props.set.len().to_string())]) }</p>
            <ol class="lesson-list">{ for items }</ol>
            <nav class="lesson-nav">
                <button type="button" class="lesson-exit" data-testid="set-close" onclick={close}>
                    { tr(lang, "exercise.set_close") }
                </button>
            </nav>
        </section>
    }
}

/// The language of the engine's texts (the reasons of `predict`).
fn language(lang: Lang) -> Language {
    match lang {
        Lang::En => Language::En,
        Lang::Zh => Language::Zh,
    }
}

/// The flags a form offers, in the order scripts write them (PSH is not asked for).
const FLAGS: [(Flags, &str); 4] = [
    (Flags::SYN, "SYN"),
    (Flags::ACK, "ACK"),
    (Flags::FIN, "FIN"),
    (Flags::RST, "RST"),
];

#[derive(Properties, PartialEq, Clone)]
pub struct PredictProps {
    /// The step's number, which keys the form: a new question, a new form.
    pub step: usize,
    pub predict: Predict,
    pub tries: Tries,
    /// The step has run (answered right, or revealed): its result shows, not the form.
    pub ran: bool,
    pub dispatch: Callback<Action>,
}

crate::lazy::part! {
    /// A predict-the-segment question, in the exercises' module: its form, and once the step
    /// has run, its result.
    pub static PREDICT = PredictQuestion(PredictProps) in exercise, areas: &["exercise"], stylesheets: &["exercise.css"];
}

/// The form, new for each question (so that one question's typing does not carry over), or
/// the result once the step has run.
#[function_component(PredictQuestion)]
fn predict_question(props: &PredictProps) -> Html {
    if props.ran {
        html! { <PredictResult ..props.clone() /> }
    } else {
        html! { <PredictForm key={props.step} ..props.clone() /> }
    }
}

/// Brings a question's feedback (or the end's card) into view: it is the result of the click
/// that made it, and on a phone it opens below the fold.
fn scroll_to_feedback(selector: &str, block: web_sys::ScrollLogicalPosition) {
    let el = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector(selector).ok().flatten());
    if let Some(el) = el {
        let options = web_sys::ScrollIntoViewOptions::new();
        options.set_block(block);
        el.scroll_into_view_with_scroll_into_view_options(&options);
    }
}

/// A number typed in the form: `Ok(None)` when empty.
fn read_number(text: &str) -> Result<Option<u32>, ()> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    t.parse::<u32>().map(Some).map_err(|_| ())
}

/// The form for `ask segment`: the flags as toggles, seq, ack and len as numbers (relative or
/// as on the wire, as the question says), both ISNs shown; Check sends the guess. What was
/// typed stays after a wrong try, to be corrected.
#[function_component(PredictForm)]
fn predict_form(props: &PredictProps) -> Html {
    let lang = use_lang();
    let flags = use_state(|| Flags::NONE);
    let seq = use_state(String::new);
    let ack = use_state(String::new);
    let len = use_state(String::new);
    let error = use_state(|| None::<String>);
    let q = &props.predict.question;
    let peer = q.peer.name();
    let absolute = q.numbers == Numbers::Absolute;
    let input = |value: &UseStateHandle<String>| {
        let value = value.clone();
        Callback::from(move |e: InputEvent| {
            let el: web_sys::HtmlInputElement = e.target_unchecked_into();
            value.set(el.value());
        })
    };
    let onsubmit = {
        let (flags, seq, ack, len, error) = (
            flags.clone(),
            seq.clone(),
            ack.clone(),
            len.clone(),
            error.clone(),
        );
        let d = props.dispatch.clone();
        let predict = props.predict.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let num = |n: u32| if absolute { Num::Abs(n) } else { Num::Rel(n) };
            let bad = |field: &str, value: &str| {
                fill(
                    tr(lang, "exercise.err_number"),
                    &[("field", field), ("value", value)],
                )
            };
            let guess = (|| {
                let s = read_number(&seq)
                    .map_err(|()| bad("seq", &seq))?
                    .ok_or_else(|| tr(lang, "exercise.err_seq").to_string())?;
                let a = if flags.contains(Flags::ACK) {
                    let a = read_number(&ack)
                        .map_err(|()| bad("ack", &ack))?
                        .ok_or_else(|| tr(lang, "exercise.err_ack").to_string())?;
                    Some(num(a))
                } else {
                    None
                };
                let l = read_number(&len)
                    .map_err(|()| bad("len", &len))?
                    .unwrap_or(0);
                Ok::<Guess, String>(Guess {
                    flags: *flags,
                    seq: num(s),
                    ack: a,
                    len: l,
                })
            })();
            match guess {
                Ok(g) => {
                    error.set(None);
                    // Checked here, in the exercises' module: `predict`'s checks and texts
                    // stay out of the first paint, and the reducer records the result.
                    let feedback = predict.question.check(&g);
                    d.emit(Action::Guess(Box::new(Answer::Segment(g, feedback))));
                }
                Err(msg) => error.set(Some(msg)),
            }
        })
    };
    let toggles = FLAGS.iter().map(|&(flag, name)| {
        let on = flags.contains(flag);
        let flags = flags.clone();
        let onchange = Callback::from(move |_: Event| {
            let now = *flags;
            flags.set(if now.contains(flag) {
                now.without(flag)
            } else {
                now | flag
            });
        });
        html! {
            <label class="flag-toggle">
                <input type="checkbox" data-testid={format!("predict-flag-{name}")}
                    checked={on} {onchange} />
                { name }
            </label>
        }
    });
    let [isn_a, isn_b] = props.predict.isn;
    let field = |name: &'static str, value: &UseStateHandle<String>, disabled: bool| {
        html! {
            <label class="predict-number">
                <span>{ name }</span>
                <input type="text" inputmode="numeric" autocomplete="off" data-testid={format!("predict-{name}")}
                    value={(**value).clone()} oninput={input(value)} {disabled}
                    aria-invalid={error.is_some().then_some("true")} />
            </label>
        }
    };
    let reveal = {
        let d = props.dispatch.clone();
        Callback::from(move |_: MouseEvent| d.emit(Action::Reveal))
    };
    let last = props.tries.answers.last().and_then(|a| match a {
        Answer::Segment(_, f) => Some(f),
        Answer::State(_) => None,
    });
    use_effect_with(props.tries.answers.len(), |tries| {
        if *tries > 0 {
            // Nearest: on a wide screen the form stays in view above the feedback, to be
            // corrected; a feedback taller than the screen (a phone's) shows from its top.
            scroll_to_feedback(
                ".predict-form .predict-feedback",
                web_sys::ScrollLogicalPosition::Nearest,
            );
        }
    });
    html! {
        <form class="predict-form" data-testid="predict-form" {onsubmit} novalidate=true>
            <p class="ask"><strong>{ fill(tr(lang, "exercise.predict"), &[("peer", peer)]) }</strong></p>
            <p class="hint" data-testid="predict-isn">
                { tr(lang, if absolute { "exercise.absolute" } else { "exercise.relative" }) }{ " " }
                { fill(tr(lang, "exercise.isns"), &[("a", &isn_a.to_string()), ("b", &isn_b.to_string())]) }
            </p>
            <fieldset class="predict-flags">
                <legend>{ tr(lang, "exercise.flags") }</legend>
                { for toggles }
            </fieldset>
            <div class="predict-numbers">
                { field("seq", &seq, false) }
                { field("ack", &ack, !flags.contains(Flags::ACK)) }
                { field("len", &len, false) }
            </div>
            if let Some(msg) = &*error {
                <p class="predict-error" role="alert" data-testid="predict-error">{ msg.clone() }</p>
            }
            <div class="predict-actions">
                <button type="submit" class="primary" data-testid="predict-check">{ tr(lang, "exercise.check") }</button>
                if !props.tries.answers.is_empty() {
                    <button type="button" data-testid="lesson-reveal" onclick={reveal}>{ tr(lang, "exercise.reveal") }</button>
                }
            </div>
            if let Some(f) = last {
                { segment_feedback(f, peer, false, lang) }
            }
        </form>
    }
}

/// A predicted segment's result once the step has run: the last try's feedback, or the
/// answer revealed untried.
#[function_component(PredictResult)]
fn predict_result(props: &PredictProps) -> Html {
    let lang = use_lang();
    // The step ran on the click of Check or Reveal, whose form is gone: show its result.
    use_effect_with((), |_| {
        scroll_to_feedback(
            ".lesson-panel .predict-feedback",
            web_sys::ScrollLogicalPosition::Nearest,
        );
    });
    let last = props.tries.answers.iter().rev().find_map(|a| match a {
        Answer::Segment(_, f) => Some(f),
        Answer::State(_) => None,
    });
    match last {
        Some(f) => segment_feedback(f, props.predict.question.peer.name(), true, lang),
        None => revealed_segment(&props.predict, lang),
    }
}

/// A field's value as the feedback shows it: `predict` writes a missing ack, or no flags, as
/// `none` (the CLI's and the scripts' word), which the page says in its language; `@` marks
/// an absolute number in scripts, and the form's numbers are plain.
fn shown_value(value: &str, lang: Lang) -> &str {
    match value.trim_start_matches('@') {
        "none" => tr(lang, "exercise.none"),
        v => v,
    }
}

/// A checked segment, field by field: right or wrong, and why (the rule and its RFC section).
/// Before the step runs (`settled` false) a wrong field shows why but not the value sent, so
/// the student can work it out; once answered right or revealed, every value is shown.
fn segment_feedback(f: &Feedback, peer: &str, settled: bool, lang: Lang) -> Html {
    let right = f.correct();
    let wrong = f.fields.iter().filter(|c| !c.correct).count();
    let verdict = match (right, settled) {
        (true, _) => fill(tr(lang, "exercise.right"), &[("peer", peer)]),
        (false, false) => fill(
            tr(lang, "exercise.wrong"),
            &[
                ("n", &wrong.to_string()),
                ("total", &f.fields.len().to_string()),
            ],
        ),
        (false, true) => fill(tr(lang, "exercise.revealed"), &[("peer", peer)]),
    };
    let rows = f.fields.iter().map(|c| {
        let show = settled || c.correct;
        let mark = if c.correct { "✓" } else { "✗" };
        html! {
            <li class={classes!("predict-field", if c.correct { "right" } else { "wrong" })}
                data-field={c.field.name()} data-correct={if c.correct { "true" } else { "false" }}>
                <span class="mark" aria-hidden="true">{ mark }</span>
                <strong>{ c.field.name() }</strong>
                <span class="values">
                    { fill(tr(lang, "exercise.yours"), &[("value", shown_value(&c.given, lang))]) }
                    if show {
                        { " · " }{ fill(tr(lang, "exercise.sent"), &[("value", shown_value(&c.expected, lang))]) }
                    }
                    <span class="visually-hidden">{ " " }{ tr(lang, if c.correct { "exercise.field_right" } else { "exercise.field_wrong" }) }</span>
                </span>
                if show || !c.correct {
                    { why(c, lang) }
                }
            </li>
        }
    });
    html! {
        <div class={classes!("lesson-feedback", "predict-feedback", if right { "right" } else { "wrong" })}
            data-testid="predict-feedback" data-correct={if right { "true" } else { "false" }}
            data-settled={if settled { "true" } else { "false" }} role="status">
            <p><strong>{ verdict }</strong></p>
            <ul class="predict-fields">{ for rows }</ul>
        </div>
    }
}

/// A field's rule, in the page's language, and its RFC section.
fn why(c: &FieldCheck, lang: Lang) -> Html {
    html! {
        <span class="why">
            { c.reason.text(language(lang)) }{ " " }
            <span class="rfc">{ fill(tr(lang, "exercise.rfc"), &[("section", c.reason.section())]) }</span>
        </span>
    }
}

/// The answer to a segment question that was revealed without a try: the segment sent,
/// field by field, with no "yours".
fn revealed_segment(p: &Predict, lang: Lang) -> Html {
    let none = Guess {
        flags: Flags::NONE,
        seq: Num::Rel(0),
        ack: None,
        len: 0,
    };
    let f = p.question.check(&none);
    let peer = p.question.peer.name();
    let rows = f.fields.iter().map(|c| {
        html! {
            <li class="predict-field" data-field={c.field.name()}>
                <strong>{ c.field.name() }</strong>
                <span class="values">{ fill(tr(lang, "exercise.sent"), &[("value", shown_value(&c.expected, lang))]) }</span>
                { why(c, lang) }
            </li>
        }
    });
    html! {
        <div class="lesson-feedback predict-feedback" data-testid="predict-feedback" data-correct="false"
            data-settled="true" role="status">
            <p><strong>{ fill(tr(lang, "exercise.revealed"), &[("peer", peer)]) }</strong></p>
            <ul class="predict-fields">{ for rows }</ul>
        </div>
    }
}

#[derive(Properties, PartialEq, Clone)]
pub struct ExerciseBarProps {
    pub player: Shared<Player>,
    /// The set a link opened: its next exercise is offered at the end.
    pub set: Option<Shared<Vec<SetItem>>>,
    pub dispatch: Callback<Action>,
}

crate::lazy::part! {
    /// What the lesson panel shows of an exercise but its questions: the numbers' seed with
    /// "New numbers", and at the end the card that says it is done, with its score; in the
    /// exercises' module.
    pub static EXERCISE_BAR = ExerciseBar(ExerciseBarProps) in exercise, areas: &["exercise"], stylesheets: &["exercise.css"];
}

#[function_component(ExerciseBar)]
fn exercise_bar(props: &ExerciseBarProps) -> Html {
    let lang = use_lang();
    let p = &props.player;
    // The address bar names the exercise and numbers shown, whichever way they came (the
    // menu, a set, "New numbers", a link without a seed): a reload or the address copied
    // gives them again.
    use_effect_with((p.id.clone(), p.seed), |(id, seed)| {
        if let Some(seed) = seed {
            link::remember_exercise(id, *seed);
        }
    });
    // The last Next brings the end: its card says the exercise is done, bring it into view
    // (after the last step's feedback the page is scrolled past the panel's top).
    use_effect_with(p.page == Page::End, |end| {
        if *end {
            scroll_to_feedback(
                ".lesson-panel .exercise-score",
                web_sys::ScrollLogicalPosition::Nearest,
            );
        }
    });
    let Some(seed) = p.seed else {
        return Html::default();
    };
    if p.page == Page::End {
        return done_card(p, seed, props.set.as_deref(), lang, &props.dispatch);
    }
    html! {
        <p class="exercise-numbers">
            { seed_label(seed, lang) }
            { new_numbers(p, lang, &props.dispatch, false) }
        </p>
    }
}

/// The seed that drew an attempt's numbers, which reproduces them in a link.
fn seed_label(seed: u64, lang: Lang) -> Html {
    html! {
        <span data-testid="exercise-seed" data-seed={seed.to_string()} title={tr(lang, "exercise.seed_hint")}>
            { fill(tr(lang, "exercise.seed"), &[("seed", &seed.to_string())]) }
        </span>
    }
}

/// The button that draws new numbers for the exercise and starts it again.
fn new_numbers(p: &Player, lang: Lang, dispatch: &Callback<Action>, primary: bool) -> Html {
    let id = crate::model::exercise::find(&p.id);
    let renew = {
        let d = dispatch.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(id) = id {
                open(id, None, d.clone());
            }
        })
    };
    html! {
        <button type="button" class={classes!(primary.then_some("primary"))} data-testid="exercise-new-numbers"
            onclick={renew}>
            { tr(lang, "exercise.new_numbers") }
        </button>
    }
}

/// The end's score: fields right at the first try over the questions scored, and the
/// questions a link skipped (it opened at a later step: `settle_before`), which are not
/// scored; with none scored, no "0 of 0 fields" but that they were skipped.
fn score_text(p: &Player, lang: Lang) -> Html {
    let score = p.score();
    let (scored, questions) = (p.scored(), p.questions());
    let skipped = questions.saturating_sub(scored);
    let n = |x: usize| x.to_string();
    if scored == 0 {
        return html! {
            <p data-testid="exercise-skipped" data-skipped={n(skipped)}>
                { fill(tr(lang, "exercise.no_score"), &[("questions", &n(questions))]) }
            </p>
        };
    }
    html! {
        <p>
            { fill(tr(lang, "exercise.score"), &[
                ("right", &score.right.to_string()),
                ("total", &score.total.to_string()),
                ("questions", &n(scored)),
            ]) }
            if skipped > 0 {
                { " " }
                <span data-testid="exercise-skipped" data-skipped={n(skipped)}>
                    { fill(tr(lang, "exercise.skipped"), &[("n", &n(skipped)), ("questions", &n(questions))]) }
                </span>
            }
        </p>
    }
}

/// An exercise's end: that it is done, the score of first tries and the best kept, and what
/// to do next: the set's next exercise, the same one with new numbers, or the set's list.
fn done_card(
    p: &Player,
    seed: u64,
    set: Option<&Vec<SetItem>>,
    lang: Lang,
    dispatch: &Callback<Action>,
) -> Html {
    let score = p.score();
    let best = p.record.map(|r| r.best);
    let next = set.and_then(|items| {
        let at = items.iter().position(|i| i.id == p.id)?;
        items.get(at + 1).cloned()
    });
    let open_next = next.as_ref().map(|item| {
        let (d, id, seed) = (dispatch.clone(), item.id, item.seed);
        Callback::from(move |_: MouseEvent| open(id, seed, d.clone()))
    });
    // Closing the exercise shows the set's list again (app.rs: the list stands while no
    // exercise is open).
    let to_set = set.map(|_| {
        let d = dispatch.clone();
        Callback::from(move |_: MouseEvent| {
            link::forget_exercise();
            d.emit(Action::CloseLesson)
        })
    });
    html! {
        <div class="exercise-score" data-testid="exercise-score" data-right={score.right.to_string()}
            data-total={score.total.to_string()}>
            <p class="exercise-done" data-testid="exercise-done"><strong>{ tr(lang, "exercise.done") }</strong></p>
            { score_text(p, lang) }
            <p class="hint">
                if let Some(best) = best {
                    <span data-testid="exercise-best-so-far">{ fill(tr(lang, "exercise.best_so_far"), &[("score", &best.to_string())]) }</span>{ " " }
                }
                { seed_label(seed, lang) }
            </p>
            <div class="exercise-actions">
                if let Some(onclick) = open_next.clone() {
                    <button type="button" class="primary" data-testid="set-next" {onclick}>{ tr(lang, "exercise.set_next") }</button>
                }
                { new_numbers(p, lang, dispatch, open_next.is_none()) }
                if let Some(onclick) = to_set {
                    <button type="button" data-testid="set-back" {onclick}>{ tr(lang, "exercise.set_back") }</button>
                }
            </div>
        </div>
    }
}
