//! The page: the state and its reducer, the hooks that tie it to the browser (the link,
//! playback, the language, the keyboard), and the panels laid out.
//!
//! Data flows one way: a panel emits an [`Action`]; the reducer turns it into script commands
//! for the session, which extends its timeline; the state keeps a [`Frame`] at the cursor; the
//! panels draw the frame and the timeline. No panel sees the session or the engine.
//!
//! [`Frame`]: crate::model::frame::Frame

use synack_core::{Delivery, Label, Peer, Profile, State};
use yew::prelude::*;

use crate::components::capture_view::{CaptureImport, CaptureViewProps, CAPTURE_VIEW};
use crate::components::cc_panel::CcPanel;
use crate::components::chart::Chart;
use crate::components::coach::{CoachProps, COACH};
use crate::components::diagram::Diagram;
use crate::components::exercise::{ExercisePicker, ExerciseSetProps, EXERCISE_SET};
use crate::components::explore::{Explore, PICK_HOST};
use crate::components::export::Export;
use crate::components::inject::{InjectProps, INJECT};
use crate::components::inspector::{InspectorProps, INSPECTOR};
use crate::components::ladder::{LadderProps, LADDER};
use crate::components::lesson::{LessonPanelProps, LessonPicker, LESSON_PANEL};
use crate::components::linux_notes::{LinuxNotesProps, LINUX_NOTES};
use crate::components::notice_bar::NoticeBar;
use crate::components::peer_panel::PeerPanel;
use crate::components::script_panel::ScriptPanel;
use crate::components::segment_menu::{SegmentMenuProps, SEGMENT_MENU};
use crate::components::share::Share;
use crate::components::socket_table::{SocketTableProps, SOCKET_TABLE};
use crate::components::time_controls::{LessonClock, TimeControls};
use crate::components::top_bar::TopBar;
use crate::glue::link::{self, Link, View};
use crate::glue::storage;
use crate::hooks::keyboard::use_shortcuts;
use crate::hooks::ladder_link::{use_ladder_link, LadderOpen};
use crate::hooks::lang::use_page_language;
use crate::hooks::link::{use_embed_reset, use_link_view};
use crate::hooks::linux::LinuxView;
use crate::hooks::playback::use_playback;
use crate::hooks::sticky::use_sticky_height;
use crate::i18n::{tr, Lang};
use crate::lazy::{self, Lazy, LazyDetails};
use crate::model::capture::CaptureState;
use crate::model::first_steps::{FirstStep, Progress};
use crate::model::state::{Action, AppState};
use crate::model::timeline::SegStatus;

/// The callbacks the panels get, made once: a new callback each render would re-render
/// every panel that takes one.
struct Callbacks {
    dispatch: Callback<Action>,
    select_segment: Callback<Option<Label>>,
    select_state: Callback<Option<State>>,
    close_inspector: Callback<()>,
}

#[hook]
fn use_callbacks(dispatch: Callback<Action>) -> Callbacks {
    Callbacks {
        select_segment: use_callback(dispatch.clone(), |l, d| d.emit(Action::SelectSegment(l))),
        select_state: use_callback(dispatch.clone(), |st, d| d.emit(Action::SelectState(st))),
        close_inspector: use_callback(dispatch.clone(), |(), d| {
            d.emit(Action::SelectSegment(None))
        }),
        dispatch,
    }
}

#[function_component(App)]
pub fn app() -> Html {
    let link = use_memo((), |_| Link::from_location());
    let state = {
        let link = link.clone();
        use_reducer_eq(move || link::initial_state(&link))
    };
    // The reducer's dispatcher is made once, so this callback is the same every render.
    let dispatch = state.dispatcher().to_callback();
    use_link_view(link.clone(), dispatch.clone());
    let time_dispatch = use_embed_reset(link.clone(), dispatch.clone());
    use_playback(state.playing, dispatch.clone());
    use_page_language(state.lang, dispatch.clone());
    // The troubleshooting mode: an imported capture, shown instead of the simulator (with
    // keys of its own, components/capture_view.rs).
    let capture = use_reducer_eq(CaptureState::default);
    use_shortcuts(!capture.active, state.playing, dispatch.clone());
    let sticky = use_node_ref();
    use_sticky_height(sticky.clone());
    let cbs = use_callbacks(dispatch);

    let s = &*state;
    let embed = link.embed;
    let (view, script) = link::view_of(s);
    let (ladder, close_ladder) = use_ladder_link();
    // An open exercise is the visit's first step: the first steps' strip stays away.
    let coach = use_coach(&link, s, capture.active || ladder.is_some(), &cbs.dispatch);
    let ladder = ladder.map(|open| ladder_view(open, close_ladder));
    html! {
        <ContextProvider<Lang> context={s.lang}>
        <ContextProvider<LinuxView> context={LinuxView(s.linux)}>
        if embed {
            // The embed's layout (web/embed.css), kept out of the full page's first paint.
            <link rel="stylesheet" href="embed.css" />
        }
        <TopBar absolute={s.absolute} linux={s.linux} {embed} view={view.clone()}
            script={script.clone()} dispatch={cbs.dispatch.clone()} />
        if !embed {
            { toolbar(s, &capture, view, script, &cbs) }
        }
        if capture.active {
            <Lazy part={&CAPTURE_VIEW} props={lazy::props(CaptureViewProps { state: capture.clone() })} />
        } else {
            { simulator(s, embed, &cbs, coach, &time_dispatch, ladder, sticky) }
        }
        <footer class="foot">
            // Only the keys that work on the screen shown.
            <p>{ tr(s.lang, if capture.active { "ui.footer_keys_capture" } else { "ui.footer_keys" }) }</p>
        </footer>
        </ContextProvider<LinuxView>>
        </ContextProvider<Lang>>
    }
}

/// One row for the things that open something: lessons, exports, a capture, links.
fn toolbar(
    s: &AppState,
    capture: &UseReducerHandle<CaptureState>,
    view: View,
    script: AttrValue,
    cbs: &Callbacks,
) -> Html {
    let can_show = !capture.active && (capture.summary.is_some() || capture.failure.is_some());
    html! {
        <nav class="toolbar" aria-label={tr(s.lang, "ui.toolbar")}>
            <LessonPicker open={s.lesson.as_ref().filter(|p| p.seed.is_none()).map(|p| AttrValue::from(p.id.clone()))}
                dispatch={cbs.dispatch.clone()} />
            <ExercisePicker open={s.lesson.as_ref().filter(|p| p.seed.is_some()).map(|p| AttrValue::from(p.id.clone()))}
                dispatch={cbs.dispatch.clone()} />
            <Export script={s.script.clone()} />
            <CaptureImport dispatch={capture.dispatcher()} {can_show} />
            <Share {view} {script} />
        </nav>
    }
}

/// The first steps on a plain visit (no link script or lesson, not embedded), until put away
/// (remembered in localStorage) or a lesson is open: their props, if shown.
#[hook]
fn use_coach(
    link: &Link,
    s: &AppState,
    capture: bool,
    dispatch: &Callback<Action>,
) -> Option<CoachProps> {
    let hidden = use_state(|| storage::flag(storage::FIRST_STEPS_DONE));
    let plain = link.is_plain();
    // A run loaded whole (a scenario, Run, the explorer's way) is not the clicks the strip
    // narrates: its "go on delivering" would be stale advice.
    let shown = plain && !*hidden && s.lesson.is_none() && !capture && s.loads == 0;
    let progress = Progress::of(s);
    let on_dismiss = use_callback(hidden.clone(), |(), hidden| {
        storage::set_flag(storage::FIRST_STEPS_DONE);
        hidden.set(true);
    });
    shown.then(|| CoachProps {
        progress,
        dispatch: dispatch.clone(),
        on_dismiss,
    })
}

/// A ladder exercise ("fill the ladder", "order the segments") in the lesson's place; its
/// first check's score is recorded like every exercise's (crates/app/src/model/score.rs).
fn ladder_view(open: LadderOpen, on_close: Callback<()>) -> Html {
    let id = open.id.clone();
    let on_score = Callback::from(move |(right, total): (usize, usize)| {
        let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        crate::model::score::record(
            &id,
            crate::model::score::Score::new(count(right), count(total)),
        );
    });
    html! {
        <div class="guide lesson-bar">
            <Lazy part={&LADDER} props={lazy::props(LadderProps {
                id: open.id, seed: open.seed, source: open.text, on_score, on_close })} />
        </div>
    }
}

/// The simulator: time controls, notices, the lesson, the peers, the chart, the diagram and
/// the tools to act.
fn simulator(
    s: &AppState,
    embed: bool,
    cbs: &Callbacks,
    coach: Option<CoachProps>,
    time: &Callback<Action>,
    ladder: Option<Html>,
    sticky: NodeRef,
) -> Html {
    let frame = &s.frame;
    let d = &cbs.dispatch;
    // The lesson's current step, highlighted while the page shows the lesson's own run there.
    let lesson_step = s.lesson.as_ref().and_then(|p| {
        let shown = s.shows_lesson_run() && s.cursor() == p.cursor();
        p.current_step().filter(|_| shown)
    });
    // In a lesson's question, a click on a state answers it: the diagram says so.
    // While the explorer's targets are picked on it, a click picks instead (the picking
    // peer's colour says whose).
    let picking = s.explore.picking.map(|p| {
        classes!(
            "picking",
            format!("picking-{}", p.name().to_ascii_lowercase())
        )
    });
    let asking = s.lesson.as_ref().is_some_and(|p| p.asking_state()) && s.explore.picking.is_none();
    // An exercise's script holds its answers (its narration and `expect` lines, with the
    // numbers drawn): the script panel waits for the exercise's end.
    let answers_hidden = s
        .lesson
        .as_ref()
        .is_some_and(|p| p.seed.is_some() && p.page != crate::model::lesson::Page::End);
    let edge_highlight = lesson_step.map(|st| st.edges.clone()).unwrap_or_default();
    let mut seg_highlight = lesson_step
        .map(|st| st.segments.clone())
        .unwrap_or_default();
    // The first steps point at the next click: a peer's button (by a class the stylesheet
    // reads) or the arrow to deliver.
    let coach_next = coach.as_ref().and_then(|c| c.progress.next());
    if coach_next == Some(FirstStep::Deliver) {
        let cursor = s.cursor();
        seg_highlight.extend(
            s.timeline()
                .segs()
                .iter()
                .find(|g| g.status(cursor) == SegStatus::InFlight)
                .map(|g| g.record.label),
        );
    }
    // While a lesson is open the time bar's step buttons are its Back and Next.
    let lesson_clock = s.lesson.as_ref().map(|p| {
        use crate::model::lesson::Page;
        LessonClock {
            first: matches!(p.page, Page::Step(0) | Page::Question(0)),
            waits: p.page == Page::End || p.asking(),
        }
    });
    let coach_class = coach_next.map(|st| format!("coach-next-{}", st.name()));
    let profile_on = frame.settings.config.profile == Profile::Linux;
    html! {
        <>
        // In a lesson's own run the controls end at its current page (`AppState::end`).
        // The time bar and the notice stick to the top of the viewport together: a notice
        // answers the last click (Undo after acting in the past), which may come while the
        // page is scrolled down to the inspector (web/style.css `.time-sticky`).
        <div class="time-sticky" ref={sticky}>
        <TimeControls playing={s.playing} speed={s.speed} cursor={frame.cursor} len={s.end()}
            lesson={s.shows_lesson_run()} lesson_clock={lesson_clock} now={frame.now}
            manual={frame.settings.network.delivery == Delivery::Manual} dispatch={time.clone()} />
        <NoticeBar notice={s.notice.clone()} dispatch={d.clone()} />
        </div>
        <main class={classes!("layout", embed.then_some("embed"), coach_class)}>
            // The stage: what a lesson or the first steps say, the diagram, both peers and the
            // chart. On a wide screen it is one screen high (web/style.css: the diagram on the
            // left, the rest beside it); elsewhere its parts stack in this order, which is
            // also the tab order: the guide, then the diagram, then the right column.
            <div class="stage">
                if let Some(props) = coach {
                    <div class="guide">
                        <Lazy part={&COACH} props={lazy::props(props)} />
                    </div>
                }
                { for ladder }
                if let Some(p) = &s.lesson {
                    <div class="guide lesson-bar">
                        <Lazy part={&LESSON_PANEL} props={lazy::props(LessonPanelProps { player: p.clone(), set: s.set.clone(), dispatch: d.clone() })} />
                    </div>
                } else if let Some(set) = &s.set {
                    // An exercise-set link lists its exercises until one is opened.
                    <div class="guide lesson-bar">
                        <Lazy part={&EXERCISE_SET} props={lazy::props(ExerciseSetProps { set: set.clone(), dispatch: d.clone() })} />
                    </div>
                }
                <section class={classes!("diagram-panel", asking.then_some("asking"), picking)} aria-label={tr(s.lang, "ui.diagram_panel")}>
                    // The explorer's pick bar is drawn here by its panel (components/explore.rs).
                    <div id={PICK_HOST} class="pick-host"></div>
                    <Diagram current={frame.states()} last={frame.transitions()} selected={s.selected_state}
                        on_select={cbs.select_state.clone()} highlight={edge_highlight}
                        target_a={(s.explore.picking == Some(Peer::B)).then_some(s.explore.states[0]).flatten()} />
                </section>
                if !embed {
                    { peers(s, d) }
                }
                <section class="chart-panel" aria-label={tr(s.lang, "ui.chart_panel")}>
                    <Chart timeline={s.timeline().clone()} frame={frame.clone()}
                        absolute={s.absolute} selected={s.selected_segment}
                        on_select={cbs.select_segment.clone()} highlight={seg_highlight} />
                    // Issue 13: the congestion strip and the window bars, on the chart's time axis.
                    if !embed {
                        <CcPanel session={s.session.clone()} frame={frame.clone()} dispatch={d.clone()} />
                    }
                </section>
            </div>
            // The Linux view's socket table: under the peers on a phone, under the stage on a
            // wide screen, where its height would push the diagram off the first screen
            // (web/style.css, `.sockets`).
            if s.linux && !embed {
                <div class="sockets">
                    <Lazy part={&SOCKET_TABLE} props={lazy::props(SocketTableProps { frame: frame.clone() })} />
                </div>
            }
            { selection(s, cbs) }
            if !embed {
                <LazyDetails class="inject-box" testid="inject-box" summary={tr(s.lang, "inject.title")}
                    part={&INJECT} props={lazy::props(InjectProps { presets: frame.presets, dispatch: d.clone() })} />
                if !answers_hidden {
                    <ScriptPanel text={s.editor.clone()} error={s.script_error.clone()} dispatch={d.clone()} />
                }
                <Explore script={s.script_at_cursor()} target={s.explore} dispatch={d.clone()} />
                if s.linux {
                    <Lazy part={&LINUX_NOTES} props={lazy::props(LinuxNotesProps { profile_on, dispatch: d.clone() })} />
                }
            }
        </main>
        </>
    }
}

/// Both peers' panels.
fn peers(s: &AppState, d: &Callback<Action>) -> Html {
    let frame = &s.frame;
    let panel = |peer: Peer| {
        html! {
            <PeerPanel {peer} frame={frame.peer(peer).clone()} now={frame.now}
                live={frame.live()} dispatch={d.clone()} />
        }
    };
    html! {
        <div class="peers">
            { panel(Peer::A) }
            { panel(Peer::B) }
        </div>
    }
}

/// The chosen segment: its menu while it is in flight, in a popover at its arrow (the
/// result of the click, where the click was), and the inspector in its place.
fn selection(s: &AppState, cbs: &Callbacks) -> Html {
    let Some(label) = s.selected_segment else {
        return Html::default();
    };
    let Some(span) = s.timeline().seg(label) else {
        return Html::default();
    };
    let cursor = s.cursor();
    let in_flight = span.status(cursor) == SegStatus::InFlight;
    html! {
        <div class="selection">
            if in_flight {
                <Lazy part={&SEGMENT_MENU} props={lazy::props(SegmentMenuProps {
                    label, held: span.held_at(cursor) && s.at_live_end(), dispatch: cbs.dispatch.clone() })} />
            }
            <Lazy part={&INSPECTOR} props={lazy::props(InspectorProps {
                timeline: s.timeline().clone(), session: s.session.clone(), label, cursor, on_close: cbs.close_inspector.clone() })} />
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    /// A plain visit opens on nothing yet, both CLOSED, where the first steps begin; an
    /// embed without a script still shows the default scenario.
    fn the_page_opens_on_a_handshake_not_yet_started() {
        let s = link::initial_state(&Link::default());
        assert!(s.notice.is_none(), "{:?}", s.notice);
        assert!(s.session.is_empty());
        assert_eq!(s.state_of(Peer::A), State::Closed);
        assert_eq!(s.state_of(Peer::B), State::Closed);
        let embed = link::initial_state(&Link::parse("embed=1", ""));
        assert!(!embed.session.is_empty());
    }

    #[test]
    fn a_url_script_is_loaded_and_a_bad_one_falls_back() {
        let text = "B listen\nA connect\n";
        let s = link::initial_state(&Link::parse(
            "",
            &format!("#script={}", link::encode(text.as_bytes())),
        ));
        assert_eq!(s.editor, text);
        assert_eq!(s.state_of(Peer::A), State::SynSent);
        let bad = link::initial_state(&Link::parse("", "#script=***"));
        assert!(bad.notice.as_ref().is_some_and(|n| n.is_error()));
    }
}
