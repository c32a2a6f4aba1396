//! "How do I get there?": pick a state for each peer and the explorer (run in a worker,
//! crates/explore-worker) finds the shortest way there from the moment shown, which is then
//! loaded as a normal run (stepped, inspected, shared like any other); or it says why the
//! pair cannot be reached within its bound. The map shows every (A, B) pair reachable from
//! here, by distance, each a button that loads its way.
//!
//! The targets can also be picked on the diagram ("Pick on the diagram"): a bar over the
//! diagram asks for A's state, then B's, and once both are picked the search runs and the
//! bar says how it went, where the student's eyes are. The bar is drawn by this panel into
//! a host the diagram's panel keeps (a portal), so the search's state stays in one place.
//!
//! The panel is a part fetched when its disclosure is first opened, and the worker starts
//! on the first search, so neither weighs on the first paint.

use std::cell::RefCell;
use std::rc::Rc;

use synack_core::explore::{Answer, Path, Progress, Stop};
use synack_core::{Peer, State};
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::glue::explore_worker;
use crate::hooks::lang::use_lang;
use crate::i18n::{fill, tr, Lang};
use crate::lazy::{self, LazyDetails};
use crate::model::explore::{self, Ask, Reply, Target};
use crate::model::state::Action;

#[derive(Properties, Clone, PartialEq)]
pub struct ExploreProps {
    /// The script up to the moment shown: the search starts where it ends.
    pub script: AttrValue,
    /// The target pair, which the diagram can pick too.
    pub target: Target,
    pub dispatch: Callback<Action>,
}

/// The id of the element in the diagram's panel where the pick bar is drawn (app.rs).
pub const PICK_HOST: &str = "explore-pick-host";

crate::lazy::part! {
    /// The explorer's panel and the worker's plumbing, fetched when the disclosure is first opened.
    pub static EXPLORE_PANEL = ExplorePanel(ExploreProps) in explore, areas: &["explore"], stylesheets: &["explore.css"];
}

/// The disclosure "How do I get there?", whose panel arrives when it is first opened.
#[function_component(Explore)]
pub fn explore(props: &ExploreProps) -> Html {
    let lang = use_lang();
    html! {
        <LazyDetails class="explore-box" testid="explore" summary={tr(lang, "ui.explore")}
            part={&EXPLORE_PANEL} props={lazy::props(props.clone())} />
    }
}

/// Where the panel is. A result belongs to the moment whose script is `at`, and is shown
/// only while the page is still there.
#[derive(Clone, Debug)]
enum Status {
    Idle,
    Running {
        progress: Option<Progress>,
    },
    /// A way was found and loaded: the page's run is now `at`.
    Loaded {
        at: AttrValue,
        path: Path,
        states: u64,
    },
    /// The target holds already.
    Already {
        at: AttrValue,
    },
    NotFound {
        at: AttrValue,
        progress: Progress,
        calls: bool,
    },
    Map {
        at: AttrValue,
        answer: Rc<Answer>,
    },
    /// A message with no result (cancelled, failed).
    Said(String),
}

impl Status {
    /// The moment the result is for, if it is one.
    fn at(&self) -> Option<&AttrValue> {
        match self {
            Status::Loaded { at, .. }
            | Status::Already { at }
            | Status::NotFound { at, .. }
            | Status::Map { at, .. } => Some(at),
            _ => None,
        }
    }
}

/// Loads `path` after `from` as the page's run (the script panel's Run does the same), and
/// the status that says so.
fn load(dispatch: &Callback<Action>, from: &str, path: Path, states: u64) -> Status {
    let script = path.script_after(from);
    dispatch.emit(Action::Load(script.clone()));
    Status::Loaded {
        at: AttrValue::from(script),
        path,
        states,
    }
}

#[function_component(ExplorePanel)]
fn explore_panel(props: &ExploreProps) -> Html {
    let lang = use_lang();
    let target = props.target;
    let calls = use_state(|| true);
    let status = use_state(|| Status::Idle);
    // Whether the last search started from a pick on the diagram: its progress and result
    // are then told in the bar over the diagram too.
    let on_diagram = use_state(|| false);
    // The moment shown now: an answer for an earlier one is not loaded over the user's work.
    let latest = use_mut_ref(|| props.script.clone());
    *latest.borrow_mut() = props.script.clone();
    // A search still running when the panel closes is ended, and so is a pick: the bar that
    // explains it is this panel's.
    {
        let dispatch = props.dispatch.clone();
        use_effect_with((), move |_| {
            move || {
                explore_worker::cancel();
                dispatch.emit(Action::ExplorePick(false));
            }
        });
    }

    let start = {
        let (status, latest, dispatch) = (status.clone(), latest.clone(), props.dispatch.clone());
        let calls = *calls;
        move |ask: Ask| {
            let from = latest.borrow().clone();
            let on_reply =
                reply_handler(ask, from.clone(), calls, &status, &latest, &dispatch, lang);
            match explore_worker::search(explore::message(&from, ask, calls), on_reply) {
                Ok(()) => status.set(Status::Running { progress: None }),
                Err(why) => status.set(Status::Said(fill(
                    tr(lang, "explore.failed"),
                    &[("why", &why)],
                ))),
            }
        }
    };
    // Both ends picked on the diagram: search at once.
    {
        let seen = use_mut_ref(|| target.picked);
        let (start, on_diagram) = (start.clone(), on_diagram.clone());
        use_effect_with(target.picked, move |&picked| {
            if *seen.borrow() != picked {
                *seen.borrow_mut() = picked;
                on_diagram.set(true);
                start(target.ask());
            }
        });
    }
    // A pick that starts brings the diagram's bar into view and focus, so a keyboard user
    // goes on from there (Tab reaches the states next).
    use_effect_with(target.picking.is_some(), |&picking| {
        if picking {
            focus_bar();
        }
    });
    let on_search = {
        let (start, on_diagram) = (start.clone(), on_diagram.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            on_diagram.set(false);
            start(target.ask());
        })
    };
    let on_map = {
        let (start, on_diagram) = (start.clone(), on_diagram.clone());
        Callback::from(move |_: MouseEvent| {
            on_diagram.set(false);
            start(Ask::Map)
        })
    };
    let on_cancel = {
        let status = status.clone();
        Callback::from(move |_: MouseEvent| {
            explore_worker::cancel();
            status.set(Status::Said(tr(lang, "explore.cancelled").into()));
        })
    };
    let on_calls = {
        let calls = calls.clone();
        Callback::from(move |_: Event| calls.set(!*calls))
    };
    let on_pick = {
        let (dispatch, on_diagram) = (props.dispatch.clone(), on_diagram.clone());
        Callback::from(move |_: MouseEvent| {
            on_diagram.set(false);
            dispatch.emit(Action::ExplorePick(true));
        })
    };
    let running = matches!(*status, Status::Running { .. });
    // A result for another moment is not shown: the page has moved on.
    let current = status.at().is_none_or(|at| *at == props.script);
    let on_cell = {
        let (status, dispatch, from) =
            (status.clone(), props.dispatch.clone(), props.script.clone());
        Callback::from(move |(path, states): (Path, u64)| {
            status.set(load(&dispatch, &from, path, states));
        })
    };
    let bar = Bar {
        lang,
        target,
        status: (*on_diagram && current).then_some(&*status),
        dispatch: &props.dispatch,
        on_cancel: on_cancel.clone(),
        on_close: {
            let on_diagram = on_diagram.clone();
            Callback::from(move |_: MouseEvent| on_diagram.set(false))
        },
    }
    .portal();
    html! {
        <div class="explore" data-testid="explore-panel">
            <p class="explore-intro">{ tr(lang, "explore.intro") }</p>
            <form class="explore-form" onsubmit={on_search}>
                { state_select(lang, "explore-a", tr(lang, "explore.peer_a"), Peer::A, target, &props.dispatch) }
                { state_select(lang, "explore-b", tr(lang, "explore.peer_b"), Peer::B, target, &props.dispatch) }
                <button type="button" class="explore-pick" data-testid="explore-pick"
                    aria-pressed={target.picking.is_some().to_string()} onclick={on_pick}>
                    { tr(lang, "explore.pick") }
                </button>
                <label class="explore-calls">
                    <input type="checkbox" data-testid="explore-calls" checked={*calls} onchange={on_calls} />
                    { tr(lang, "explore.calls") }
                </label>
                <div class="explore-actions">
                    <button type="submit" data-testid="explore-search" disabled={running}>{ tr(lang, "explore.search") }</button>
                    <button type="button" data-testid="explore-map-button" disabled={running} onclick={on_map}>{ tr(lang, "explore.map") }</button>
                    if running {
                        <button type="button" data-testid="explore-cancel" onclick={on_cancel}>{ tr(lang, "explore.cancel") }</button>
                    }
                </div>
            </form>
            // The bar over the diagram speaks for a search started there; this region then
            // stays quiet, so a screen reader hears it once.
            <div class="explore-result" role="status" aria-live={if *on_diagram { "off" } else { "polite" }} data-testid="explore-result">
                if current {
                    { result(lang, &status, on_cell) }
                }
            </div>
            { bar }
        </div>
    }
}

/// Brings the pick bar and the diagram under it into view, below the sticky time controls
/// (which would hide the bar if it were scrolled to the top), and gives the bar focus.
fn focus_bar() {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Some(bar) = doc.get_element_by_id("explore-pick-bar") else {
        return;
    };
    let panel = bar.closest(".diagram-panel").ok().flatten();
    let top = panel
        .as_ref()
        .unwrap_or(&bar)
        .get_bounding_client_rect()
        .top();
    let below = doc
        .query_selector(".time-sticky")
        .ok()
        .flatten()
        .map_or(0.0, |t| t.get_bounding_client_rect().bottom());
    let bar_bottom = bar.get_bounding_client_rect().bottom();
    let height = web_sys::window()
        .and_then(|w| w.inner_height().ok())
        .and_then(|h| h.as_f64())
        .unwrap_or(0.0);
    // Already in view (the stage at rest on a wide screen): the page stays where it is.
    if top < below || bar_bottom > height {
        if let Some(w) = web_sys::window() {
            w.scroll_by_with_x_and_y(0.0, top - below - 8.0);
        }
    }
    if let Some(bar) = bar.dyn_ref::<web_sys::HtmlElement>() {
        let options = web_sys::FocusOptions::new();
        options.set_prevent_scroll(true);
        let _ = bar.focus_with_options(&options);
    }
}

/// The bar over the diagram: while picking, what to click; after a search started there,
/// its progress and result.
struct Bar<'a> {
    lang: Lang,
    target: Target,
    /// The search's status, when it started from the diagram and is for the moment shown.
    status: Option<&'a Status>,
    dispatch: &'a Callback<Action>,
    on_cancel: Callback<MouseEvent>,
    on_close: Callback<MouseEvent>,
}

impl Bar<'_> {
    /// The bar drawn into the diagram's panel, or nothing when it has nothing to say (or the
    /// page has no host for it).
    fn portal(self) -> Html {
        let host = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id(PICK_HOST));
        match (self.view(), host) {
            (Some(view), Some(host)) => create_portal(view, host),
            _ => Html::default(),
        }
    }

    fn view(&self) -> Option<Html> {
        let lang = self.lang;
        let say = |text: String, peer: Option<Peer>, buttons: Html| {
            let class = classes!(
                "pick-bar",
                peer.map(|p| format!("peer-{}", p.name().to_ascii_lowercase()))
            );
            html! {
                <div id="explore-pick-bar" class={class} data-testid="explore-pick-bar"
                    role="status" aria-live="polite" tabindex="-1">
                    <p>{ text }</p>
                    <div class="pick-bar-buttons">{ buttons }</div>
                </div>
            }
        };
        if let Some(peer) = self.target.picking {
            let text = match peer {
                Peer::A => tr(lang, "explore.pick_a").to_string(),
                Peer::B => fill(
                    tr(lang, "explore.pick_b"),
                    &[("a", &state_name(lang, self.target.states[0]))],
                ),
            };
            let any = self.dispatch.reform(|_: MouseEvent| Action::PickAny);
            let cancel = self
                .dispatch
                .reform(|_: MouseEvent| Action::ExplorePick(false));
            return Some(say(
                text,
                Some(peer),
                html! {
                    <>
                    <button type="button" data-testid="explore-pick-any" onclick={any}>{ tr(lang, "explore.pick_any") }</button>
                    <button type="button" data-testid="explore-pick-cancel" onclick={cancel}>{ tr(lang, "explore.cancel") }</button>
                    </>
                },
            ));
        }
        let status = self.status?;
        let text = summary(lang, status)?;
        let button = if matches!(status, Status::Running { .. }) {
            html! { <button type="button" onclick={self.on_cancel.clone()}>{ tr(lang, "explore.cancel") }</button> }
        } else {
            html! { <button type="button" data-testid="explore-bar-close" onclick={self.on_close.clone()}>{ tr(lang, "explore.close") }</button> }
        };
        Some(say(text, None, button))
    }
}

/// A target as the bar names it: the state, or "any state".
fn state_name(lang: Lang, state: Option<State>) -> String {
    state.map_or_else(|| tr(lang, "explore.any").to_string(), |s| s.to_string())
}

/// The status in one line, for the bar over the diagram.
fn summary(lang: Lang, status: &Status) -> Option<String> {
    Some(match status {
        Status::Idle | Status::Map { .. } => return None,
        Status::Said(text) => text.clone(),
        Status::Running { progress: Some(p) } => fill(
            tr(lang, "explore.progress"),
            &[
                ("states", &p.states.to_string()),
                ("depth", &p.complete_depth.to_string()),
            ],
        ),
        Status::Running { progress: None } => tr(lang, "explore.starting").into(),
        Status::Already { .. } => tr(lang, "explore.already").into(),
        Status::Loaded { path, states, .. } => fill(
            tr(lang, "explore.found"),
            &[
                ("n", &path.steps.len().to_string()),
                ("states", &states.to_string()),
                ("a", &path.a.to_string()),
                ("b", &path.b.to_string()),
            ],
        ),
        Status::NotFound { progress, .. } => why_not(lang, progress),
    })
}

/// What to do with the worker's replies to one search (`ask` from the moment `from`).
fn reply_handler(
    ask: Ask,
    from: AttrValue,
    calls: bool,
    status: &UseStateHandle<Status>,
    latest: &Rc<RefCell<AttrValue>>,
    dispatch: &Callback<Action>,
    lang: Lang,
) -> Callback<Reply> {
    let (status, latest, dispatch) = (status.setter(), latest.clone(), dispatch.clone());
    Callback::from(move |reply: Reply| match reply {
        Reply::Ready => {}
        Reply::Progress(p) => status.set(Status::Running { progress: Some(p) }),
        Reply::Refused(why) if why.is_empty() => {
            status.set(Status::Said(tr(lang, "explore.worker_failed").into()))
        }
        Reply::Refused(why) => status.set(Status::Said(fill(
            tr(lang, "explore.failed"),
            &[("why", &why)],
        ))),
        Reply::Answer(answer) => {
            if *latest.borrow() != from {
                status.set(Status::Said(tr(lang, "explore.moved").into()));
                return;
            }
            let at = from.clone();
            status.set(match (ask, answer.found.clone()) {
                (Ask::Map, _) => Status::Map {
                    at,
                    answer: Rc::from(answer),
                },
                (Ask::Reach { .. }, Some(path)) if path.steps.is_empty() => Status::Already { at },
                (Ask::Reach { .. }, Some(path)) => {
                    load(&dispatch, &from, path, answer.progress.states)
                }
                (Ask::Reach { .. }, None) => Status::NotFound {
                    at,
                    progress: answer.progress,
                    calls,
                },
            });
        }
    })
}

/// A select of a peer's target state: `*` (any) or one of the eleven.
fn state_select(
    lang: Lang,
    testid: &'static str,
    label: &'static str,
    peer: Peer,
    target: Target,
    dispatch: &Callback<Action>,
) -> Html {
    let onchange = dispatch.reform(move |e: Event| {
        let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
        let state = State::ALL
            .into_iter()
            .find(|s| s.to_string() == select.value());
        Action::ExploreTarget(peer, state)
    });
    let current = target.states[peer.index()];
    html! {
        <label class="explore-peer">
            <span>{ label }</span>
            <select data-testid={testid} {onchange}>
                <option value="*" selected={current.is_none()}>{ tr(lang, "explore.any") }</option>
                { for State::ALL.iter().map(|&s| html! {
                    <option value={s.to_string()} selected={current == Some(s)}>{ s.to_string() }</option>
                }) }
            </select>
        </label>
    }
}

/// The result of the last search, or its progress.
fn result(lang: Lang, status: &Status, on_cell: Callback<(Path, u64)>) -> Html {
    let n = |x: u64| x.to_string();
    match status {
        Status::Idle => Html::default(),
        Status::Said(text) => html! { <p>{ text }</p> },
        Status::Running { progress, .. } => {
            let text = match progress {
                Some(p) => fill(
                    tr(lang, "explore.progress"),
                    &[
                        ("states", &n(p.states)),
                        ("depth", &p.complete_depth.to_string()),
                    ],
                ),
                None => tr(lang, "explore.starting").into(),
            };
            html! { <p class="explore-progress" data-testid="explore-progress">{ text }</p> }
        }
        Status::Already { .. } => html! { <p>{ tr(lang, "explore.already") }</p> },
        Status::Loaded { path, states, .. } => html! {
            <>
            <p data-testid="explore-found">{ fill(tr(lang, "explore.found"), &[
                ("n", &path.steps.len().to_string()), ("states", &n(*states)),
                ("a", &path.a.to_string()), ("b", &path.b.to_string()),
            ]) }</p>
            <ol class="explore-steps">
                { for path.steps.iter().map(|s| html! { <li><code>{ s }</code></li> }) }
            </ol>
            </>
        },
        Status::NotFound {
            progress, calls, ..
        } => html! {
            <p class="explore-unreachable" data-testid="explore-unreachable">
                { why_not(lang, progress) }
                if !*calls {
                    { " " }{ tr(lang, "explore.hint_calls") }
                }
            </p>
        },
        Status::Map { answer, .. } => map(lang, answer, on_cell),
    }
}

/// Why a target was not found, with the bound that ended the search.
fn why_not(lang: Lang, p: &Progress) -> String {
    let states = p.states.to_string();
    let depth = p.complete_depth.to_string();
    let seconds = (explore::REACH_TIME_MS / 1000.0).to_string();
    let (key, limit) = match p.stop {
        Some(Stop::Exhausted) => ("explore.unreachable", String::new()),
        Some(Stop::DepthLimit { depth }) => ("explore.not_within_depth", depth.to_string()),
        Some(Stop::StateLimit { states }) => ("explore.not_within_states", states.to_string()),
        _ => ("explore.not_within_time", seconds),
    };
    fill(
        tr(lang, key),
        &[("states", &states), ("depth", &depth), ("limit", &limit)],
    )
}

/// How much of the space the map covers.
fn coverage(lang: Lang, answer: &Answer) -> String {
    let p = &answer.progress;
    let pairs = answer.reached.len().to_string();
    let states = p.states.to_string();
    let depth = p.complete_depth.to_string();
    let bound = match p.stop {
        Some(Stop::Exhausted) | Some(Stop::Found) => {
            return fill(
                tr(lang, "explore.map_complete"),
                &[("pairs", &pairs), ("states", &states), ("depth", &depth)],
            )
        }
        Some(Stop::DepthLimit { .. }) => tr(lang, "explore.bound_depth").to_string(),
        Some(Stop::StateLimit { .. }) => tr(lang, "explore.bound_states").to_string(),
        _ => fill(
            tr(lang, "explore.bound_time"),
            &[("seconds", &(explore::MAP_TIME_MS / 1000.0).to_string())],
        ),
    };
    fill(
        tr(lang, "explore.map_bounded"),
        &[
            ("pairs", &pairs),
            ("states", &states),
            ("depth", &depth),
            ("bound", &bound),
        ],
    )
}

/// The 11 × 11 map: rows are A's state, columns B's; each reached pair shows its distance
/// (colour band and number) and is a button that loads its way.
fn map(lang: Lang, answer: &Rc<Answer>, on_cell: Callback<(Path, u64)>) -> Html {
    let grid = explore::grid(answer);
    let states = answer.progress.states;
    let cell = |ai: usize, bi: usize| {
        let (a, b) = (State::ALL[ai].to_string(), State::ALL[bi].to_string());
        let Some(i) = grid[ai][bi] else {
            let label = fill(tr(lang, "explore.cell_unreached"), &[("a", &a), ("b", &b)]);
            return html! {
                <td class="unreached"><span aria-hidden="true">{ "·" }</span><span class="visually-hidden">{ label }</span></td>
            };
        };
        let reached = &answer.reached[i];
        let d = reached.distance;
        let class = format!("d{}", explore::band(d));
        if d == 0 {
            let label = fill(tr(lang, "explore.cell_here"), &[("a", &a), ("b", &b)]);
            return html! {
                <td class={classes!(class, "here")}><span aria-hidden="true">{ "0" }</span><span class="visually-hidden">{ label }</span></td>
            };
        }
        let label = fill(
            tr(lang, "explore.cell"),
            &[("a", &a), ("b", &b), ("n", &d.to_string())],
        );
        let onclick = {
            let (path, on_cell) = (reached.path.clone(), on_cell.clone());
            Callback::from(move |_: MouseEvent| on_cell.emit((path.clone(), states)))
        };
        html! {
            <td class={class}>
                <button type="button" aria-label={label.clone()} title={label} {onclick}>{ d }</button>
            </td>
        }
    };
    html! {
        <div class="explore-map-box">
            <p data-testid="explore-coverage">{ coverage(lang, answer) }</p>
            // Outside the scrolling box, so a phone shows all of it.
            <p class="explore-map-note" id="explore-map-note">{ tr(lang, "explore.map_caption") }</p>
            <div class="explore-map-scroll">
                <table class="explore-map" data-testid="explore-map" aria-labelledby="explore-map-note">
                    <thead>
                        <tr>
                            <th scope="col"><span class="corner">{ "A \\ B" }</span></th>
                            { for State::ALL.iter().map(|&s| html! {
                                <th scope="col"><abbr title={s.to_string()}>{ explore::short_name(s) }</abbr></th>
                            }) }
                        </tr>
                    </thead>
                    <tbody>
                        { for (0..11).map(|ai| html! {
                            <tr>
                                <th scope="row">
                                    <span class="long">{ State::ALL[ai].to_string() }</span>
                                    <abbr class="short" aria-hidden="true" title={State::ALL[ai].to_string()}>{ explore::short_name(State::ALL[ai]) }</abbr>
                                </th>
                                { for (0..11).map(|bi| cell(ai, bi)) }
                            </tr>
                        }) }
                    </tbody>
                </table>
            </div>
            <p class="explore-legend" aria-hidden="true">
                <span>{ tr(lang, "explore.legend") }</span>
                { for (0..7).map(|band| html! {
                    <span class={classes!("swatch", format!("d{band}"))}>{ explore::band_label(band) }</span>
                }) }
                <span class="swatch unreached">{ "·" }</span><span>{ tr(lang, "explore.legend_unreached") }</span>
            </p>
        </div>
    }
}
