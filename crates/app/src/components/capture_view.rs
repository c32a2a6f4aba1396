//! The troubleshooting mode's view: the import bar (drop zone and "Open capture…" button),
//! and, once a capture is read, its summary, the connection list, and the chosen connection
//! in a sequence chart with the state diagram following both ends as the user scrubs.

use synack_core::capture::digest::{end_key, skip_key, start_key, uncertain_key, ConnRow};
use synack_core::capture::{End, ReadError, SkipReason};
use synack_core::State;
use yew::prelude::*;

use crate::components::capture_chart::CaptureChart;
use crate::components::diagram::Diagram;
use crate::hooks::lang::use_lang;
use crate::i18n::{fill, tr, tr_dyn, Lang};
use crate::model::capture::{self, CaptureAction, CaptureState, Failure};

#[derive(Properties, Clone, PartialEq)]
pub struct CaptureImportProps {
    pub dispatch: UseReducerDispatcher<CaptureState>,
    /// A capture is loaded but the simulator is shown: offer the way back to it.
    pub can_show: bool,
}

/// The drop zone and the file button; shown in both modes.
#[function_component(CaptureImport)]
pub fn capture_import(props: &CaptureImportProps) -> Html {
    let lang = use_lang();
    let over = use_state(|| false);
    let on_change = {
        let d = props.dispatch.clone();
        Callback::from(move |e: Event| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            open_first(input.files(), &d);
            // Choosing the same file again must fire `change` again.
            input.set_value("");
        })
    };
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
    {
        let d = props.dispatch.clone();
        let over = over.setter();
        use_effect_with((), move |_| {
            use wasm_bindgen::closure::Closure;
            use wasm_bindgen::JsCast;
            let on_over = Closure::<dyn Fn(web_sys::DragEvent)>::new(|e: web_sys::DragEvent| {
                e.prevent_default()
            });
            let on_drop =
                Closure::<dyn Fn(web_sys::DragEvent)>::new(move |e: web_sys::DragEvent| {
                    e.prevent_default();
                    over.set(false);
                    open_first(e.data_transfer().and_then(|t| t.files()), &d);
                });
            let window = web_sys::window();
            if let Some(w) = &window {
                let _ = w
                    .add_event_listener_with_callback("dragover", on_over.as_ref().unchecked_ref());
                let _ =
                    w.add_event_listener_with_callback("drop", on_drop.as_ref().unchecked_ref());
            }
            move || {
                if let Some(w) = &window {
                    let _ = w.remove_event_listener_with_callback(
                        "dragover",
                        on_over.as_ref().unchecked_ref(),
                    );
                    let _ = w.remove_event_listener_with_callback(
                        "drop",
                        on_drop.as_ref().unchecked_ref(),
                    );
                }
            }
        });
    }
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

fn open_first(files: Option<web_sys::FileList>, d: &UseReducerDispatcher<CaptureState>) {
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

#[function_component(CaptureView)]
pub fn capture_view(props: &CaptureViewProps) -> Html {
    let lang = use_lang();
    let s = &*props.state;
    let d = props.state.dispatcher();
    let selected_state = use_state(|| None::<State>);
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
    if s.loading {
        return html! {
            <main class="capture">{ head }
                <p class="muted" role="status">{ fill(tr(lang, "capture.reading"), &[("name", &s.name)]) }</p>
            </main>
        };
    }
    if let Some(f) = &s.failure {
        let text = match f {
            Failure::File(ReadError::NotACapture) => {
                tr(lang, "capture.error.notcapture").to_string()
            }
            Failure::File(ReadError::BadFileHeader(why)) => {
                fill(tr(lang, "capture.error.header"), &[("why", why)])
            }
            Failure::Worker(why) => fill(tr(lang, "capture.error.worker"), &[("why", why)]),
        };
        return html! {
            <main class="capture">{ head }
                <p class="notice error" role="alert" data-testid="capture-error">{ text }</p>
            </main>
        };
    }
    let Some(sum) = s.summary.clone() else {
        return html! {};
    };

    // Summary: counts, skips by reason, an early stop.
    let skipped = sum.skipped.iter().map(|(r, n)| {
        let name = tr_dyn(lang, &format!("capture.skip.{}", skip_key(*r)));
        let name = match r {
            SkipReason::LinkType(t) => fill(name, &[("type", &t.to_string())]),
            _ => name.to_string(),
        };
        html! { <li>{ format!("{name}: {n}") }</li> }
    });
    let summary = html! {
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
    };

    let rows = sum
        .conns
        .iter()
        .take(s.shown)
        .map(|c| conn_row(lang, c, s.selected == Some(c.index), &d));
    let more = sum.conns.len().saturating_sub(s.shown);
    let show_more = {
        let d = d.clone();
        Callback::from(move |_: MouseEvent| d.dispatch(CaptureAction::ShowMore))
    };
    let list = html! {
        <section class="capture-conns">
            <table class="conns">
                <thead><tr>
                    <th scope="col">{ "#" }</th>
                    <th scope="col">{ tr(lang, "capture.col.endpoints") }</th>
                    <th scope="col">{ tr(lang, "capture.col.packets") }</th>
                    <th scope="col">{ tr(lang, "capture.col.start") }</th>
                    <th scope="col">{ tr(lang, "capture.col.end") }</th>
                    <th scope="col">{ tr(lang, "capture.col.problems") }</th>
                </tr></thead>
                <tbody>{ for rows }</tbody>
            </table>
            if more > 0 {
                <button onclick={show_more}>{ fill(tr(lang, "capture.more"), &[("n", &more.to_string())]) }</button>
            }
        </section>
    };

    let conn = s
        .selected
        .and_then(|i| sum.conns.iter().find(|c| c.index == i));
    let detail = match (conn, &s.detail) {
        (None, _) => html! { <p class="muted">{ tr(lang, "capture.choose") }</p> },
        (Some(_), None) => {
            html! { <p class="muted" role="status">{ tr(lang, "capture.inferring") }</p> }
        }
        (Some(c), Some(det)) => {
            let n = det.packets.len();
            let k = s.cursor;
            let states = det.states_at(k);
            let last = det.last_steps_at(k);
            let transitions = [
                last[0].map(|(i, st)| (i, st.from, st.to)),
                last[1].map(|(i, st)| (i, st.from, st.to)),
            ];
            let on_cursor = {
                let d = d.clone();
                Callback::from(move |k: usize| d.dispatch(CaptureAction::Cursor(k)))
            };
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
            let side_line = |k: usize, addr: &str| {
                let st = last[k].map(|(_, st)| st);
                let uncertain = st.and_then(|st| st.uncertain);
                let why = uncertain
                    .map(|u| tr_dyn(lang, &format!("capture.uncertain.{}", uncertain_key(u))));
                let (testid, peer) = if k == 0 {
                    ("capture-state-a", "A")
                } else {
                    ("capture-state-b", "B")
                };
                html! {
                    <p class={classes!("capture-state", if k == 0 { "from-a" } else { "from-b" })}>
                        <strong>{ format!("{peer} {addr}: ") }</strong>
                        <span data-testid={testid} data-state={states[k].name()}
                            data-uncertain={uncertain.is_some().to_string()}>
                            { states[k].name() }{ if uncertain.is_some() { " ?" } else { "" } }
                        </span>
                        if let Some(why) = why {
                            <span class="muted uncertain-why">{ format!(" ({why})") }</span>
                        }
                    </p>
                }
            };
            let at = if k == 0 {
                String::new()
            } else {
                capture::fmt_since(lang, det.packets[k - 1].micros)
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
                    { side_line(0, &c.a) }
                    { side_line(1, &c.b) }
                    <div class="scrub">
                        <button aria-label={tr(lang, "capture.prev")} disabled={k == 0}
                            onclick={step(k.saturating_sub(1))}>{ "◀" }</button>
                        <input type="range" min="0" max={n.to_string()} value={k.to_string()}
                            aria-label={tr(lang, "capture.scrub")} data-testid="capture-scrub" oninput={on_range} />
                        <button aria-label={tr(lang, "capture.next")} disabled={k >= n}
                            onclick={step((k + 1).min(n))}>{ "▶" }</button>
                        <span class="muted">{ fill(tr(lang, "capture.packet"), &[("k", &k.to_string()), ("n", &n.to_string())]) }{ " " }{ at }</span>
                    </div>
                    <p class="muted small">{ tr(lang, "capture.legend") }</p>
                    <div class="capture-panels">
                        <CaptureChart detail={det.clone()} cursor={k} on_cursor={on_cursor} />
                        <section class="diagram-panel">
                            <Diagram current={states} last={transitions} selected={*selected_state} on_select={on_state} />
                        </section>
                    </div>
                </section>
            }
        }
    };

    html! {
        <main class="capture">
            { head }
            { summary }
            { list }
            { detail }
        </main>
    }
}

fn conn_row(
    lang: Lang,
    c: &ConnRow,
    selected: bool,
    d: &UseReducerDispatcher<CaptureState>,
) -> Html {
    let side = |e: End| match e {
        End::FinFrom(s) | End::ResetBy(s) => s.to_string(),
        _ => String::new(),
    };
    let end = fill(
        tr_dyn(lang, &format!("capture.end.{}", end_key(c.end))),
        &[("side", &side(c.end))],
    );
    let p = &c.problems;
    let mut flags: Vec<String> = Vec::new();
    let mut flag = |on: bool, key: &str, n: usize| {
        if on {
            flags.push(fill(tr_dyn(lang, key), &[("n", &n.to_string())]));
        }
    };
    flag(
        p.retransmissions > 0,
        "capture.flag.retx",
        p.retransmissions,
    );
    flag(p.resets > 0, "capture.flag.rst", p.resets);
    flag(p.half_open, "capture.flag.halfopen", 0);
    flag(p.missing_handshake, "capture.flag.nohandshake", 0);
    flag(p.zero_windows > 0, "capture.flag.zerowin", p.zero_windows);
    let problems = flags.join(", ");
    let choose = {
        let d = d.clone();
        let i = c.index;
        Callback::from(move |_: MouseEvent| d.dispatch(CaptureAction::Select(i)))
    };
    html! {
        <tr key={c.index} class={classes!(selected.then_some("selected"), (!problems.is_empty()).then_some("trouble"))}>
            <td>
                <button class="link" data-testid={format!("capture-conn-{}", c.index)}
                    aria-pressed={selected.to_string()} onclick={choose}>{ c.index }</button>
            </td>
            <td class="endpoints">{ format!("{} → {}", c.a, c.b) }</td>
            <td>{ c.packets }</td>
            <td>{ tr_dyn(lang, &format!("capture.start.{}", start_key(c.start))) }</td>
            <td>{ end }</td>
            <td class="problems">{ if problems.is_empty() { tr(lang, "capture.flag.none").to_string() } else { problems } }</td>
        </tr>
    }
}
