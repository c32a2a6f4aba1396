//! The troubleshooting mode's view: the import bar (drop zone and "Open capture…" button),
//! and, once a capture is read, its summary, the connection list, and the chosen connection
//! in a sequence chart with the state diagram following both ends as the user scrubs.

use synack_core::capture::digest::{
    end_key, skip_key, start_key, uncertain_key, ConnRow, Detail, Final, Summary,
};
use synack_core::capture::{End, ReadError, SkipReason};
use synack_core::State;
use yew::prelude::*;

use crate::components::capture::diagnosis::DiagnosisView;
use crate::components::capture::tseq::TimeSeqGraph;
use crate::components::capture_chart::CaptureChart;
use crate::components::diagram::Diagram;
use crate::hooks::lang::use_lang;
use crate::hooks::window_event::use_window_event;
use crate::i18n::{fill, tr, tr_dyn, Lang};
use crate::model::capture::{
    self, CaptureAction, CaptureState, Failure, Filter, Problem, Sort, SortKey,
};
use crate::model::shared::Shared;

type Dispatch = UseReducerDispatcher<CaptureState>;

#[derive(Properties, Clone, PartialEq)]
pub struct CaptureImportProps {
    pub dispatch: Dispatch,
    /// A capture is loaded but the simulator is shown: offer the way back to it.
    pub can_show: bool,
}

/// The drop zone and the file button; shown in both modes.
#[function_component(CaptureImport)]
pub fn capture_import(props: &CaptureImportProps) -> Html {
    let lang = use_lang();
    let over = use_state(|| false);
    let on_change = use_callback(props.dispatch.clone(), |e: Event, d| {
        let input: web_sys::HtmlInputElement = e.target_unchecked_into();
        open_first(input.files(), d);
        // Choosing the same file again must fire `change` again.
        input.set_value("");
    });
    let on_drag_over = {
        let over = over.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            over.set(true);
        })
    };
    let on_drag_leave = {
        let over = over.clone();
        Callback::from(move |_: DragEvent| over.set(false))
    };
    // A capture dropped anywhere on the page is opened (and never replaces the page, which
    // is what the browser does with a dropped file otherwise).
    let on_window_drag_over = use_callback((), |e: web_sys::DragEvent, _| e.prevent_default());
    let on_window_drop = use_callback(
        (props.dispatch.clone(), over.setter()),
        |e: web_sys::DragEvent, (d, over)| {
            e.prevent_default();
            over.set(false);
            open_first(e.data_transfer().and_then(|t| t.files()), d);
        },
    );
    use_window_event("dragover", on_window_drag_over);
    use_window_event("drop", on_window_drop);
    let show = {
        let d = props.dispatch.clone();
        Callback::from(move |_: MouseEvent| d.dispatch(CaptureAction::Show))
    };
    html! {
        <div class={classes!("capture-drop", over.then_some("over"))} data-testid="capture-drop"
            ondragover={on_drag_over} ondragleave={on_drag_leave}>
            <span class="muted">{ tr(lang, "capture.drop") }</span>
            <label class="button">
                { tr(lang, "capture.open") }
                <input type="file" class="visually-hidden" accept=".pcap,.pcapng,.cap"
                    data-testid="capture-open" onchange={on_change} />
            </label>
            if props.can_show {
                <button onclick={show}>{ tr(lang, "capture.show") }</button>
            }
        </div>
    }
}

fn open_first(files: Option<web_sys::FileList>, d: &Dispatch) {
    #[cfg(target_arch = "wasm32")]
    if let Some(file) = files.and_then(|f| f.get(0)) {
        crate::glue::worker::open_file(file, d);
    }
    #[cfg(not(target_arch = "wasm32"))]
    let _ = (files, d);
}

#[derive(Properties, Clone, PartialEq)]
pub struct CaptureViewProps {
    pub state: UseReducerHandle<CaptureState>,
}

crate::lazy::part! {
    /// The troubleshooting view, fetched when a capture is first opened.
    pub static CAPTURE_VIEW = CaptureView(CaptureViewProps) in capture, areas: &["capture-view"], stylesheets: &["capture.css", "tseq.css"];
}

#[function_component(CaptureView)]
pub fn capture_view(props: &CaptureViewProps) -> Html {
    let lang = use_lang();
    let s = &*props.state;
    let d = props.state.dispatcher();
    // The table's order and filters are this view's own: nothing else reads them.
    let sort = use_state(Sort::default);
    let filter = use_state(Filter::default);
    // The final-states column spells states as `ss` does in the Linux view.
    let linux = crate::hooks::linux::use_linux();
    // A chosen connection without its detail yet: ask the worker for it.
    {
        let d = d.clone();
        use_effect_with((s.selected, s.detail.is_some()), move |(sel, has)| {
            if let (Some(i), false) = (*sel, *has) {
                crate::glue::worker::request_detail(i, &d);
            }
        });
    }
    let back = {
        let d = d.clone();
        Callback::from(move |_: MouseEvent| d.dispatch(CaptureAction::Back))
    };
    let head = html! {
        <header class="capture-head">
            <h2>{ fill(tr(lang, "capture.title"), &[("name", &s.name)]) }</h2>
            <button onclick={back} data-testid="capture-back">{ tr(lang, "capture.back") }</button>
        </header>
    };
    let body = if s.loading {
        html! { <p class="muted" role="status">{ fill(tr(lang, "capture.reading"), &[("name", &s.name)]) }</p> }
    } else if let Some(f) = &s.failure {
        html! { <p class="notice error" role="alert" data-testid="capture-error">{ failure_text(lang, f) }</p> }
    } else if let Some(sum) = &s.summary {
        let conn = s
            .selected
            .and_then(|i| sum.conns.iter().find(|c| c.index == i));
        let detail = match (conn, &s.detail) {
            (None, _) => html! { <p class="muted">{ tr(lang, "capture.choose") }</p> },
            (Some(_), None) => {
                html! { <p class="muted" role="status">{ tr(lang, "capture.inferring") }</p> }
            }
            (Some(c), Some(det)) => html! {
                <ConnDetail a={AttrValue::from(c.a.clone())} b={AttrValue::from(c.b.clone())}
                    detail={det.clone()} cursor={s.cursor} dispatch={d.clone()} />
            },
        };
        html! {
            <>
                { summary_view(lang, sum) }
                { conn_list(lang, linux, s, sum, &d, &sort, &filter) }
                { detail }
            </>
        }
    } else {
        return Html::default();
    };
    html! { <main class="capture">{ head }{ body }</main> }
}

/// Why a capture could not be shown.
fn failure_text(lang: Lang, f: &Failure) -> String {
    match f {
        Failure::File(ReadError::NotACapture) => tr(lang, "capture.error.notcapture").to_string(),
        Failure::File(ReadError::BadFileHeader(why)) => {
            fill(tr(lang, "capture.error.header"), &[("why", why)])
        }
        Failure::Worker(why) => fill(tr(lang, "capture.error.worker"), &[("why", why)]),
    }
}

/// Counts, skips by reason, an early stop.
fn summary_view(lang: Lang, sum: &Summary) -> Html {
    let skipped = sum.skipped.iter().map(|(r, n)| {
        let name = tr_dyn(lang, &format!("capture.skip.{}", skip_key(*r)));
        let name = match r {
            SkipReason::LinkType(t) => fill(name, &[("type", &t.to_string())]),
            _ => name.to_string(),
        };
        html! { <li>{ format!("{name}: {n}") }</li> }
    });
    html! {
        <section class="capture-summary" data-testid="capture-summary">
            <p>{ fill(tr(lang, "capture.summary"), &[
                ("frames", &sum.frames.to_string()),
                ("tcp", &sum.tcp.to_string()),
                ("conns", &sum.conns.len().to_string()),
            ]) }</p>
            if !sum.skipped.is_empty() {
                <p>{ tr(lang, "capture.skipped") }</p>
                <ul class="skips">{ for skipped }</ul>
            }
            if let Some(why) = &sum.stopped {
                <p class="warn">{ fill(tr(lang, "capture.stopped"), &[("why", why)]) }</p>
            }
            if sum.conns.is_empty() {
                <p class="warn">{ tr(lang, "capture.none") }</p>
            }
        </section>
    }
}

/// The table's columns that sort: key, catalog key of the header.
const COLUMNS: [(SortKey, &str); 9] = [
    (SortKey::Index, "capture.col.index"),
    (SortKey::Endpoints, "capture.col.endpoints"),
    (SortKey::Packets, "capture.col.packets"),
    (SortKey::Duration, "capture.col.duration"),
    (SortKey::ConnState, "capture.col.conn_state"),
    (SortKey::Start, "capture.col.start"),
    (SortKey::End, "capture.col.end"),
    (SortKey::Final, "capture.col.final"),
    (SortKey::Problems, "capture.col.problems"),
];

/// The connections the filters let through, in the chosen order, as many as the user asked
/// to see.
fn conn_list(
    lang: Lang,
    linux: bool,
    s: &CaptureState,
    sum: &Summary,
    d: &Dispatch,
    sort: &UseStateHandle<Sort>,
    filter: &UseStateHandle<Filter>,
) -> Html {
    let order = capture::visible(sum, **sort, filter);
    let rows = order
        .iter()
        .take(s.shown)
        .map(|&i| &sum.conns[i])
        .map(|c| conn_row(lang, linux, c, s.selected == Some(c.index), d));
    let more = order.len().saturating_sub(s.shown);
    let show_more = {
        let d = d.clone();
        Callback::from(move |_: MouseEvent| d.dispatch(CaptureAction::ShowMore))
    };
    let headers = COLUMNS.iter().map(|&(key, label)| {
        let sorted = sort.key == key;
        let aria = match (sorted, sort.descending) {
            (false, _) => "none",
            (true, false) => "ascending",
            (true, true) => "descending",
        };
        let arrow = match aria {
            "ascending" => " ▲",
            "descending" => " ▼",
            _ => "",
        };
        let sort = sort.clone();
        let onclick = Callback::from(move |_: MouseEvent| sort.set(sort.by(key)));
        html! {
            <th scope="col" aria-sort={aria}>
                <button class="sort" {onclick} data-testid={format!("capture-sort-{}", label.trim_start_matches("capture.col."))}>
                    { tr_dyn(lang, label) }<span aria-hidden="true">{ arrow }</span>
                </button>
            </th>
        }
    });
    let shown = order.len();
    html! {
        <section class="capture-conns" aria-label={tr(lang, "capture.conns")}>
            { filters(lang, linux, sum, filter) }
            <p class="muted small" role="status" data-testid="capture-shown">
                { fill(tr(lang, "capture.shown"), &[("n", &shown.to_string()), ("total", &sum.conns.len().to_string())]) }
            </p>
            <div class="conns-scroll">
                <table class="conns">
                    <thead><tr>{ for headers }</tr></thead>
                    <tbody>{ for rows }</tbody>
                </table>
            </div>
            if more > 0 {
                <button onclick={show_more}>{ fill(tr(lang, "capture.more"), &[("n", &more.to_string())]) }</button>
            }
        </section>
    }
}

/// The filters above the table: by Zeek's conn_state, by kind of trouble, by port.
fn filters(lang: Lang, linux: bool, sum: &Summary, filter: &UseStateHandle<Filter>) -> Html {
    let f = &**filter;
    // Only the codes the capture has, in a stable order.
    let mut codes: Vec<&str> = sum.conns.iter().map(|c| c.conn_state.as_str()).collect();
    codes.sort_unstable();
    codes.dedup();
    // Each control replaces its own field and keeps the others.
    let set = |change: fn(&mut Filter, String)| {
        let filter = filter.clone();
        move |value: String| {
            let mut f = (*filter).clone();
            change(&mut f, value);
            filter.set(f);
        }
    };
    let on_state = {
        let set = set(|f, v| f.conn_state = (!v.is_empty()).then_some(v));
        Callback::from(move |e: Event| {
            set(e
                .target_unchecked_into::<web_sys::HtmlSelectElement>()
                .value())
        })
    };
    let on_final = {
        let set = set(|f, v| f.final_state = v.parse().ok());
        Callback::from(move |e: Event| {
            set(e
                .target_unchecked_into::<web_sys::HtmlSelectElement>()
                .value())
        })
    };
    let on_problem = {
        let set = set(|f, v| f.problem = Problem::from_key(&v));
        Callback::from(move |e: Event| {
            set(e
                .target_unchecked_into::<web_sys::HtmlSelectElement>()
                .value())
        })
    };
    let on_port = {
        let set = set(|f, v| f.port_text = v);
        Callback::from(move |e: InputEvent| {
            set(e
                .target_unchecked_into::<web_sys::HtmlInputElement>()
                .value())
        })
    };
    let clear = {
        let filter = filter.clone();
        Callback::from(move |_: MouseEvent| filter.set(Filter::default()))
    };
    let state_options = codes.into_iter().map(|code| {
        let meaning = tr_dyn(lang, &format!("capture.zeek.{code}"));
        html! {
            <option value={code.to_string()} selected={f.conn_state.as_deref() == Some(code)}>
                { if meaning.is_empty() { code.to_string() } else { format!("{code} — {meaning}") } }
            </option>
        }
    });
    // The value is the RFC name (what `State::from_str` reads); the label follows the view.
    let final_options = capture::final_states_present(sum).into_iter().map(|st| {
        html! {
            <option value={st.name()} selected={f.final_state == Some(st)}>
                { crate::hooks::linux::state_label(st, linux) }
            </option>
        }
    });
    let problem_options = Problem::ALL.into_iter().map(|p| {
        html! {
            <option value={p.key()} selected={f.problem == Some(p)}>
                { tr_dyn(lang, &format!("capture.filter.problem.{}", p.key())) }
            </option>
        }
    });
    let bad_port = f.port().is_err();
    html! {
        <div class="conn-filters">
            <label>
                <span>{ tr(lang, "capture.filter.state") }</span>
                <select data-testid="capture-filter-state" onchange={on_state}>
                    <option value="" selected={f.conn_state.is_none()}>{ tr(lang, "capture.filter.all") }</option>
                    { for state_options }
                </select>
            </label>
            <label>
                <span>{ tr(lang, "capture.filter.final") }</span>
                <select data-testid="capture-filter-final" onchange={on_final}>
                    <option value="" selected={f.final_state.is_none()}>{ tr(lang, "capture.filter.all") }</option>
                    { for final_options }
                </select>
            </label>
            <label>
                <span>{ tr(lang, "capture.filter.problem") }</span>
                <select data-testid="capture-filter-problem" onchange={on_problem}>
                    <option value="" selected={f.problem.is_none()}>{ tr(lang, "capture.filter.all") }</option>
                    { for problem_options }
                </select>
            </label>
            <label>
                <span>{ tr(lang, "capture.filter.port") }</span>
                <input type="text" inputmode="numeric" size="6" value={f.port_text.clone()}
                    data-testid="capture-filter-port" oninput={on_port}
                    aria-invalid={bad_port.to_string()}
                    aria-describedby={bad_port.then_some("capture-port-error")} />
            </label>
            if !f.is_empty() {
                <button onclick={clear} data-testid="capture-filter-clear">{ tr(lang, "capture.filter.clear") }</button>
            }
            if bad_port {
                <p class="warn small" id="capture-port-error" role="alert">
                    { fill(tr(lang, "capture.filter.badport"), &[("text", f.port_text.trim())]) }
                </p>
            }
        </div>
    }
}

/// What looks wrong with a connection, in words.
fn problems_text(lang: Lang, c: &ConnRow) -> String {
    let p = &c.problems;
    let flags = [
        (
            p.retransmissions > 0,
            "capture.flag.retx",
            p.retransmissions,
        ),
        (p.resets > 0, "capture.flag.rst", p.resets),
        (p.half_open, "capture.flag.halfopen", 0),
        (p.missing_handshake, "capture.flag.nohandshake", 0),
        (p.zero_windows > 0, "capture.flag.zerowin", p.zero_windows),
    ];
    let flags: Vec<String> = flags
        .into_iter()
        .filter(|(on, _, _)| *on)
        .map(|(_, key, n)| fill(tr_dyn(lang, key), &[("n", &n.to_string())]))
        .collect();
    flags.join(", ")
}

fn conn_row(lang: Lang, linux: bool, c: &ConnRow, selected: bool, d: &Dispatch) -> Html {
    let side = |e: End| match e {
        End::FinFrom(s) | End::ResetBy(s) => s.to_string(),
        _ => String::new(),
    };
    let end = fill(
        tr_dyn(lang, &format!("capture.end.{}", end_key(c.end))),
        &[("side", &side(c.end))],
    );
    let problems = problems_text(lang, c);
    // The whole row chooses the connection; the number's button is its keyboard way in
    // (Enter or Space), so the row needs no second tab stop.
    let choose = {
        let d = d.clone();
        let i = c.index;
        Callback::from(move |_: MouseEvent| d.dispatch(CaptureAction::Select(i)))
    };
    let meaning = tr_dyn(lang, &format!("capture.zeek.{}", c.conn_state));
    // "A / B" after the last packet, `?` where the capture cannot confirm it (the ladder
    // says why); a dash from a worker that sent none.
    // Each state stays whole; a narrow screen breaks the line after the slash. The text
    // reads as `Final::pair_label`, which the native test compares with `ss`.
    let finals = match c.finals {
        Some([a, b]) => html! {
            <><span>{ format!("{} /", a.label(linux)) }</span>{ " " }<span>{ b.label(linux) }</span></>
        },
        None => html! { "–" },
    };
    let unsure = c
        .finals
        .is_some_and(|f| f.iter().any(|x: &Final| x.uncertain));
    html! {
        <tr key={c.index} onclick={choose}
            class={classes!("pick", selected.then_some("selected"), (!problems.is_empty()).then_some("trouble"))}>
            <td>
                <button class="link" data-testid={format!("capture-conn-{}", c.index)}
                    aria-pressed={selected.to_string()}>{ c.index }</button>
            </td>
            // Each address stays whole; a narrow screen breaks the line after the arrow.
            <td class="endpoints"><span>{ format!("{} →", c.a) }</span>{ " " }<span>{ &c.b }</span></td>
            <td class="num">{ c.packets }</td>
            <td class="num">{ capture::fmt_duration(lang, capture::duration(c)) }</td>
            <td><abbr title={meaning}>{ &c.conn_state }</abbr></td>
            <td>{ tr_dyn(lang, &format!("capture.start.{}", start_key(c.start))) }</td>
            <td>{ end }</td>
            <td class="final" data-testid={format!("capture-finals-{}", c.index)}
                title={unsure.then(|| tr(lang, "capture.final.unsure"))}>
                { finals }
            </td>
            <td class="problems">{ if problems.is_empty() { tr(lang, "capture.flag.none").to_string() } else { problems } }</td>
        </tr>
    }
}

#[derive(Properties, Clone, PartialEq)]
pub struct ConnDetailProps {
    /// The two ends' addresses, as the list shows them.
    pub a: AttrValue,
    pub b: AttrValue,
    pub detail: Shared<Detail>,
    /// Packets seen (0 ..= the connection's packets).
    pub cursor: usize,
    pub dispatch: Dispatch,
}

/// The chosen connection: both ends' inferred states, the scrubber over its packets, its
/// sequence chart and the state diagram.
#[function_component(ConnDetail)]
pub fn conn_detail(props: &ConnDetailProps) -> Html {
    let lang = use_lang();
    let selected_state = use_state(|| None::<State>);
    let on_cursor = use_callback(props.dispatch.clone(), |k, d| {
        d.dispatch(CaptureAction::Cursor(k))
    });
    let det = &props.detail;
    let k = props.cursor;
    let linux = crate::hooks::linux::use_linux();
    // ← → move through the packets (the footer says so), Home and End to either end.
    let on_key = use_callback(
        (props.dispatch.clone(), k, det.packets.len()),
        |e: web_sys::KeyboardEvent, (d, k, n)| {
            if !crate::hooks::keyboard::is_shortcut(&e) {
                return;
            }
            if let Some(to) = capture::key_target(&e.key(), *k, *n) {
                e.prevent_default();
                d.dispatch(CaptureAction::Cursor(to));
            }
        },
    );
    use_window_event("keydown", on_key);
    // Decoded here, in the lazily loaded view, once per connection.
    let diagnosis = use_memo(det.clone(), |d| capture::diagnosis_of(d).map(Shared::new));
    let states = det.states_at(k);
    let last = det.last_steps_at(k);
    let transitions = [
        last[0].map(|(i, st)| (i, st.from, st.to)),
        last[1].map(|(i, st)| (i, st.from, st.to)),
    ];
    let side_line = |i: usize, addr: &str| {
        let uncertain = last[i].and_then(|(_, st)| st.uncertain);
        let why =
            uncertain.map(|u| tr_dyn(lang, &format!("capture.uncertain.{}", uncertain_key(u))));
        let (testid, peer, class) = match i {
            0 => ("capture-state-a", "A", "from-a"),
            _ => ("capture-state-b", "B", "from-b"),
        };
        html! {
            <p class={classes!("capture-state", class)}>
                <strong>{ format!("{peer} {addr}: ") }</strong>
                <span data-testid={testid} data-state={states[i].name()}
                    data-uncertain={uncertain.is_some().to_string()}>
                    { crate::hooks::linux::state_label(states[i], linux) }{ if uncertain.is_some() { " ?" } else { "" } }
                </span>
                if let Some(why) = why {
                    <span class="muted uncertain-why">{ format!(" ({why})") }</span>
                }
            </p>
        }
    };
    let on_state = {
        let sel = selected_state.clone();
        Callback::from(move |st: Option<State>| sel.set(st))
    };
    html! {
        <section class="capture-detail" aria-label={tr(lang, "capture.chart")}>
            if det.note.is_some() {
                <p class="warn">{ tr(lang, "capture.midstream") }</p>
            }
            if let Some(g) = &*diagnosis {
                <DiagnosisView diagnosis={g.clone()} detail={det.clone()} />
            }
            { side_line(0, &props.a) }
            { side_line(1, &props.b) }
            { scrubber(lang, det, k, &props.dispatch) }
            <p class="muted small">{ tr(lang, "capture.legend") }</p>
            <div class="capture-panels">
                <CaptureChart detail={det.clone()} cursor={k} on_cursor={on_cursor.clone()} />
                <section class="diagram-panel">
                    <Diagram current={states} last={transitions} selected={*selected_state} on_select={on_state} />
                </section>
                <TimeSeqGraph detail={det.clone()} cursor={k} {on_cursor} />
            </div>
        </section>
    }
}

/// Back and forth over the connection's packets, with where the cursor is.
fn scrubber(lang: Lang, det: &Detail, k: usize, d: &Dispatch) -> Html {
    let n = det.packets.len();
    let on_range = {
        let d = d.clone();
        Callback::from(move |e: InputEvent| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            if let Ok(k) = input.value().parse() {
                d.dispatch(CaptureAction::Cursor(k));
            }
        })
    };
    let step = |to: usize| {
        let d = d.clone();
        Callback::from(move |_: MouseEvent| d.dispatch(CaptureAction::Cursor(to)))
    };
    let at = match k.checked_sub(1) {
        Some(last) => capture::fmt_since(lang, det.packets[last].micros),
        None => String::new(),
    };
    html! {
        <div class="scrub">
            <button aria-label={tr(lang, "capture.prev")} disabled={k == 0}
                onclick={step(k.saturating_sub(1))}>{ "◀" }</button>
            <input type="range" min="0" max={n.to_string()} value={k.to_string()}
                aria-label={tr(lang, "capture.scrub")} data-testid="capture-scrub" oninput={on_range} />
            <button aria-label={tr(lang, "capture.next")} disabled={k >= n}
                onclick={step((k + 1).min(n))}>{ "▶" }</button>
            <span class="muted">{ fill(tr(lang, "capture.packet"), &[("k", &k.to_string()), ("n", &n.to_string())]) }{ " " }{ at }</span>
        </div>
    }
}
