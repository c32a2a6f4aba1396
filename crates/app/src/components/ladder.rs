//! The ladder exercises: "fill the ladder" (a finished run drawn as a ladder, the fields its
//! `hide` lines name left as inputs in place on their arrows) and "order the segments" (the
//! `order` line's segments shuffled, put back with Up/Down buttons, which the keyboard
//! reaches like any button).
//!
//! The view draws its own ladder of the exercise's run and never loads the run into the
//! page's session: the main chart, inspector and script panel would show the hidden values.
//! It is a part fetched when an exercise with these lines is opened, with its texts and
//! stylesheet.

use synack_core::ladder::{Blank, Verdict};
use synack_core::predict::Field;
use synack_core::{Flags, Peer, SegmentRecord};
use yew::prelude::*;

use crate::hooks::lang::use_lang;
use crate::i18n::{fill, tr, Lang};
use crate::model::ladder::{Attempt, Msg, Tally};

#[derive(Properties, Clone, PartialEq)]
pub struct LadderProps {
    /// The exercise's id (its file stem), for the score and the page's test hooks.
    pub id: AttrValue,
    /// The seed that chose its values and shuffles its ordering.
    pub seed: u64,
    /// The exercise's text as written; the seed draws its `let` values.
    pub source: AttrValue,
    /// The score, (right, total) over every blank and place at their first check, emitted
    /// once per attempt when every kind the exercise has has been checked.
    pub on_score: Callback<Tally>,
    pub on_close: Callback<()>,
}

crate::lazy::part! {
    /// The ladder exercises' view, fetched when one is opened.
    pub static LADDER = LadderExercise(LadderProps) in ladder, areas: &["ladder"], stylesheets: &["ladder.css"];
}

/// The exercise, started again whenever another exercise or seed is opened.
#[function_component(LadderExercise)]
pub fn ladder_exercise(props: &LadderProps) -> Html {
    let key = format!("{}:{}", props.id, props.seed);
    html! { <LadderAttempt {key} ..props.clone() /> }
}

/// An exercise's attempt, or why it cannot be opened.
#[function_component(LadderAttempt)]
fn ladder_attempt(props: &LadderProps) -> Html {
    let lang = use_lang();
    let attempt = {
        let (source, seed) = (props.source.clone(), props.seed);
        use_state(move || Attempt::open(&source, seed))
    };
    let close = {
        let c = props.on_close.clone();
        Callback::from(move |_: MouseEvent| c.emit(()))
    };
    let a = match &*attempt {
        Ok(a) => a.clone(),
        Err(message) => {
            return html! {
                <section class="guide-panel ladder-exercise" data-testid="ladder-exercise" data-exercise={props.id.clone()}
                    aria-label={tr(lang, "ladder.region")}>
                    <p class="ladder-error" role="alert" data-testid="ladder-error">
                        { fill(tr(lang, "ladder.cannot_open"), &[("message", message)]) }
                    </p>
                    <button type="button" class="lesson-exit" data-testid="ladder-close" onclick={close}>{ tr(lang, "ladder.close") }</button>
                </section>
            }
        }
    };
    let update = {
        let attempt = attempt.clone();
        let on_score = props.on_score.clone();
        Callback::from(move |msg: Msg| {
            if let Ok(a) = &*attempt {
                let mut next = a.clone();
                if let Some(tally) = next.update(msg) {
                    on_score.emit(tally);
                }
                attempt.set(Ok(next));
            }
        })
    };
    let solved = a.solved();
    html! {
        <section class="guide-panel ladder-exercise" data-testid="ladder-exercise" data-exercise={props.id.clone()}
            data-seed={props.seed.to_string()} data-solved={solved.to_string()}
            data-revealed={a.revealed.to_string()} aria-label={tr(lang, "ladder.region")}>
            <header>
                <h2>{ a.texts.title(lang).to_owned() }</h2>
                <button type="button" class="lesson-exit" data-testid="ladder-close" onclick={close}>{ tr(lang, "ladder.close") }</button>
            </header>
            <div class="ladder-intro">
                { for a.texts.intro(lang).iter().map(|p| html! { <p>{ p.as_str() }</p> }) }
            </div>
            if !a.ladder.blanks.is_empty() {
                { fill_view(&a, lang, &update) }
            }
            if a.ladder.ordering.is_some() {
                { order_view(&a, lang, &update) }
            }
            if solved {
                <div class="ladder-closing" data-testid="ladder-closing" role="status">
                    <p><strong>{ tr(lang, if a.revealed { "ladder.revealed" } else { "ladder.solved" }) }</strong></p>
                    { for a.texts.closing(lang).iter().map(|p| html! { <p>{ p.as_str() }</p> }) }
                </div>
            }
        </section>
    }
}

/// The finished run as a ladder, A's lifeline left and B's right, one row per segment in the
/// order sent; a hidden field is an input where its value would be.
fn fill_view(a: &Attempt, lang: Lang, update: &Callback<Msg>) -> Html {
    let check = {
        let u = update.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            u.emit(Msg::CheckBlanks)
        })
    };
    let rows = a.segments.iter().map(|rec| row(a, rec, lang, update));
    let tally = a.checked.iter().all(Option::is_some).then(|| {
        let right = a.checked.iter().flatten().filter(|c| c.right()).count();
        (right, a.checked.len())
    });
    html! {
        <form class="ladder-fill" data-testid="ladder-fill" onsubmit={check}>
            <h3>{ tr(lang, "ladder.fill_title") }</h3>
            <p class="hint">{ tr(lang, "ladder.fill_hint") }</p>
            <div class="ladder-lanes" aria-hidden="true">
                <span class="peer-a">{ "A" }</span><span class="peer-b">{ "B" }</span>
            </div>
            <ol class="ladder-rows">{ for rows }</ol>
            <div class="ladder-actions">
                <button type="submit" class="primary" data-testid="ladder-check">{ tr(lang, "ladder.check") }</button>
                if let Some((right, total)) = tally {
                    <span class="ladder-tally" data-testid="ladder-fill-tally" role="status">
                        { fill(tr(lang, "ladder.tally"), &[("right", &right.to_string()), ("total", &total.to_string())]) }
                    </span>
                }
            </div>
            { blank_feedback(a, lang) }
        </form>
    }
}

/// One segment's arrow and its label, with inputs for its hidden fields.
fn row(a: &Attempt, rec: &SegmentRecord, lang: Lang, update: &Callback<Msg>) -> Html {
    let blanks: Vec<usize> = a.blanks_of(rec.label).collect();
    let hidden = |f: Field| {
        blanks
            .iter()
            .copied()
            .find(|&i| a.ladder.blanks[i].field == f)
    };
    let field = |f: Field, shown: String| -> Html {
        match hidden(f) {
            Some(i) => input(a, i, lang, update),
            None => html! { <span class="value">{ shown }</span> },
        }
    };
    let seg = &rec.segment;
    let flags = field(Field::Flags, seg.flags.without(Flags::PSH).to_string());
    let seq = field(Field::Seq, rec.rel_seq.to_string());
    let ack = match (hidden(Field::Ack), rec.rel_ack) {
        (Some(i), _) => input(a, i, lang, update),
        (None, Some(ack)) => html! { <span class="value">{ ack.to_string() }</span> },
        (None, None) => html! { <span class="value none">{ "—" }</span> },
    };
    let len = field(Field::Len, seg.len.to_string());
    let dir = if rec.from == Peer::A {
        "a-to-b"
    } else {
        "b-to-a"
    };
    html! {
        <li class={classes!("ladder-row", dir, (!blanks.is_empty()).then_some("has-blank"))}
            data-seg={rec.label.to_string()}>
            <span class="ladder-arrow" aria-hidden="true"></span>
            <span class="ladder-label">
                <span class="seg-id">{ rec.label.to_string() }</span>
                <span class="dir">{ format!("{}→{}", rec.from, rec.to) }</span>
                <span class="field">{ flags }</span>
                <span class="field"><span class="key">{ "seq=" }</span>{ seq }</span>
                <span class="field"><span class="key">{ "ack=" }</span>{ ack }</span>
                <span class="field"><span class="key">{ "len=" }</span>{ len }</span>
            </span>
        </li>
    }
}

fn field_name(lang: Lang, f: Field) -> &'static str {
    match f {
        Field::Flags => tr(lang, "ladder.field.flags"),
        Field::Seq => tr(lang, "ladder.field.seq"),
        Field::Ack => tr(lang, "ladder.field.ack"),
        Field::Len => tr(lang, "ladder.field.len"),
    }
}

/// The input for blank `i`, marked right or wrong once checked.
fn input(a: &Attempt, i: usize, lang: Lang, update: &Callback<Msg>) -> Html {
    let blank: &Blank = &a.ladder.blanks[i];
    let verdict = a.checked[i]
        .as_ref()
        .map(|c| if c.right() { "right" } else { "wrong" });
    let oninput = {
        let u = update.clone();
        Callback::from(move |e: InputEvent| {
            let value = e
                .target_dyn_into::<web_sys::HtmlInputElement>()
                .map(|el| el.value())
                .unwrap_or_default();
            u.emit(Msg::Type(i, value))
        })
    };
    let label = fill(
        tr(lang, "ladder.input_label"),
        &[
            ("field", field_name(lang, blank.field)),
            ("label", &blank.label().to_string()),
        ],
    );
    let width = if blank.field == Field::Flags {
        "8"
    } else {
        "6"
    };
    html! {
        <input type="text" class={classes!("ladder-input", verdict)} value={a.answers[i].clone()}
            data-testid={format!("ladder-blank-{}-{}", blank.label(), blank.field.name())}
            data-verdict={verdict} aria-invalid={(verdict == Some("wrong")).then_some("true")}
            aria-label={label} size={width} autocomplete="off" autocapitalize="characters" spellcheck="false"
            {oninput} />
    }
}

/// Each checked blank: right or wrong, the value sent and why, with its RFC section.
fn blank_feedback(a: &Attempt, lang: Lang) -> Html {
    if a.checked.iter().all(Option::is_none) {
        return Html::default();
    }
    let items = a.checked.iter().flatten().map(|c| {
        let right = c.right();
        let what = fill(
            tr(lang, "ladder.field_of"),
            &[("field", field_name(lang, c.field)), ("label", &c.label.to_string())],
        );
        let verdict = match &c.verdict {
            // An empty blank reads as "left blank", whatever the field makes of it.
            _ if c.given.is_empty() && !right => {
                fill(tr(lang, "ladder.left_blank"), &[("value", &c.expected)])
            }
            Verdict::Right => fill(tr(lang, "ladder.right"), &[("value", &c.expected)]),
            Verdict::Wrong => fill(
                tr(lang, "ladder.wrong"),
                &[("given", &c.given), ("value", &c.expected)],
            ),
            Verdict::Unreadable(message) => fill(
                tr(lang, "ladder.unreadable"),
                &[("message", message), ("given", &c.given), ("value", &c.expected)],
            ),
        };
        html! {
            <li class={if right { "right" } else { "wrong" }}
                data-testid={format!("ladder-verdict-{}-{}", c.label, c.field.name())} data-correct={right.to_string()}>
                <strong>{ what }{ " " }{ verdict }</strong>
                { " " }{ c.reason.text(lang) }{ " " }
                <span class="rfc">{ fill(tr(lang, "ladder.rfc"), &[("section", c.reason.section())]) }</span>
            </li>
        }
    });
    html! {
        <div role="status">
            <ul class="ladder-feedback" data-testid="ladder-feedback">{ for items }</ul>
        </div>
    }
}

/// The shuffled segments, each with Up and Down buttons; after a check each place says
/// whether it is right, and once the order is right (or revealed) what ties it to its
/// neighbour.
fn order_view(a: &Attempt, lang: Lang, update: &Callback<Msg>) -> Html {
    let Some(ordering) = a.ladder.ordering.as_ref() else {
        return Html::default();
    };
    let n = a.order.len();
    // Each place's tie to its neighbour, the segment that belongs there and the labels give
    // the order away: after a wrong check each card says only whether it is in place.
    let explained = a.order_explained();
    let items = a.order.iter().enumerate().map(|(i, label)| {
        let rec = ordering.segments.iter().find(|r| r.label == *label);
        let text = rec.map(card_text).unwrap_or_default();
        let dir = rec.map_or("a-to-b", |r| if r.from == Peer::A { "a-to-b" } else { "b-to-a" });
        let mv = |up: bool| {
            let u = update.clone();
            Callback::from(move |_: MouseEvent| u.emit(Msg::Move { from: i, up }))
        };
        let placed = a.placed.as_ref().and_then(|p| p.get(i));
        // A revealed order was put in place by the page, not the learner: no verdicts.
        let verdict = placed
            .filter(|_| !a.revealed)
            .map(|p| if p.in_place { "right" } else { "wrong" });
        let place = (i + 1).to_string();
        html! {
            <li key={label.0} class={classes!("ladder-card", dir, verdict)} data-testid={format!("ladder-card-{i}")}
                data-seg={label.to_string()} data-correct={placed.map(|p| p.in_place.to_string())}>
                <span class="place">{ place.clone() }</span>
                if explained {
                    <span class="seg-id">{ label.to_string() }</span>
                }
                <code class="seg">{ text.clone() }</code>
                <span class="moves">
                    <button type="button" disabled={i == 0} data-testid={format!("ladder-up-{i}")}
                        aria-label={fill(tr(lang, "ladder.up"), &[("segment", &text), ("place", &place)])}
                        onclick={mv(true)}>{ "↑" }</button>
                    <button type="button" disabled={i + 1 == n} data-testid={format!("ladder-down-{i}")}
                        aria-label={fill(tr(lang, "ladder.down"), &[("segment", &text), ("place", &place)])}
                        onclick={mv(false)}>{ "↓" }</button>
                </span>
                if let Some(p) = placed {
                    <p class="why" data-testid={format!("ladder-place-{i}")}>
                        if !a.revealed {
                            <strong>
                                <span class="mark" aria-hidden="true">{ if p.in_place { "✓ " } else { "✗ " } }</span>
                                { tr(lang, if p.in_place { "ladder.in_place" } else { "ladder.not_in_place" }) }
                            </strong>
                            { " " }
                        }
                        if explained {
                            { ordering.why(i, lang) }
                        }
                    </p>
                }
            </li>
        }
    });
    let check = {
        let u = update.clone();
        Callback::from(move |_: MouseEvent| u.emit(Msg::CheckOrder))
    };
    let reveal = {
        let u = update.clone();
        Callback::from(move |_: MouseEvent| u.emit(Msg::RevealOrder))
    };
    // A revealed order was put right by the page: no tally of the learner's.
    let tally = a
        .placed
        .as_ref()
        .filter(|_| !a.revealed)
        .map(|p| (p.iter().filter(|p| p.in_place).count(), p.len()));
    html! {
        <div class="ladder-order" data-testid="ladder-order">
            <h3>{ tr(lang, "ladder.order_title") }</h3>
            <p class="hint">{ tr(lang, "ladder.order_hint") }</p>
            <ol class="ladder-cards">{ for items }</ol>
            <div class="ladder-actions">
                <button type="button" class="primary" data-testid="ladder-check-order" onclick={check}>{ tr(lang, "ladder.check") }</button>
                if let Some((right, total)) = tally {
                    <span class="ladder-tally" data-testid="ladder-order-tally" role="status">
                        { fill(tr(lang, "ladder.tally_order"), &[("right", &right.to_string()), ("total", &total.to_string())]) }
                    </span>
                }
                // Offered once the learner has tried, as the predict form's Reveal is.
                if a.first_order.is_some() && !explained {
                    <button type="button" data-testid="ladder-reveal-order" onclick={reveal}>{ tr(lang, "ladder.reveal_order") }</button>
                }
            </div>
        </div>
    }
}

/// A segment as its card shows it, PSH aside as on the ladder (it is not asked for).
fn card_text(r: &SegmentRecord) -> String {
    let mut text = format!(
        "{}→{} {} seq={}",
        r.from,
        r.to,
        r.segment.flags.without(Flags::PSH),
        r.rel_seq
    );
    if let Some(ack) = r.rel_ack {
        text += &format!(" ack={ack}");
    }
    if r.segment.len > 0 {
        text += &format!(" len={}", r.segment.len);
    }
    text
}
