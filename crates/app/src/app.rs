//! The page: wires the state to the panels, drives playback with a timer, and handles the
//! keyboard shortcuts and the `#script=` URL fragment.

use gloo_timers::callback::Interval;
use synack_core::{Peer, Timer, TimerTable};
use yew::prelude::*;

use crate::components::capture_view::{CaptureImport, CaptureView};
use crate::components::chart::Chart;
use crate::components::diagram::{Diagram, DiagramProps};
use crate::components::export::Export;
use crate::components::inject::{Inject, InjectPresets};
use crate::components::inspector::Inspector;
use crate::components::lesson::{LessonPanel, LessonPicker};
use crate::components::linux_notes::LinuxNotes;
use crate::components::peer_panel::PeerPanel;
use crate::components::script_panel::ScriptPanel;
use crate::components::segment_menu::SegmentMenu;
use crate::components::share::{OpenFull, Share};
use crate::components::socket_table::SocketTable;
use crate::components::time_controls::TimeControls;
use crate::glue::link;
use crate::hooks::linux::LinuxView;
use crate::i18n::{tr, Lang};
use crate::model::presets;
use crate::model::state::{Action, AppState, Notice, TICK_MS};
use crate::model::timeline::SegStatus;

/// The state the page opens with: what the link asks for when that needs no waiting (see
/// `link::needs_waiting`), else the default scenario until the link's view is ready.
pub fn initial_state(link: &link::Link) -> AppState {
    if link::needs_waiting(link) {
        return AppState::loaded(presets::DEFAULT_SCRIPT);
    }
    let script = match &link.script {
        Some(link::Packed::Plain(text)) => Some(Ok(text.clone())),
        _ => None,
    };
    link::restore(link, script, None, Lang::En)
}

#[function_component(App)]
pub fn app() -> Html {
    let link = use_memo((), |_| link::Link::from_location());
    let state = {
        let link = link.clone();
        use_reducer(move || initial_state(&link))
    };
    // A link that needs fetching or inflating opens its view when that is done.
    {
        let d = state.dispatcher();
        let link = link.clone();
        use_effect_with((), move |_| {
            if link::needs_waiting(&link) {
                wasm_bindgen_futures::spawn_local(async move {
                    let view = link::restore_waiting(&link).await;
                    d.dispatch(Action::Restore(Box::new(view)));
                });
            }
        });
    }
    let embed = link.embed;
    // The troubleshooting mode: an imported capture, shown instead of the simulator.
    let capture = use_reducer(crate::model::capture::CaptureState::default);
    let dispatch = {
        let d = state.dispatcher();
        use_callback((), move |a: Action, _| d.dispatch(a))
    };

    // Playback: one tick every TICK_MS while playing.
    {
        let d = state.dispatcher();
        use_effect_with(state.playing, move |playing| {
            let interval =
                playing.then(|| Interval::new(TICK_MS, move || d.dispatch(Action::Tick)));
            move || drop(interval)
        });
    }

    // Language: the URL's or the browser's choice; Chinese once its catalog has arrived.
    {
        let d = state.dispatcher();
        use_effect_with((), move |_| {
            let lang = crate::glue::link::browser_initial_lang();
            if lang != Lang::En {
                switch_lang(lang, d, false);
            }
        });
    }
    use_effect_with(state.lang, |lang| {
        crate::glue::catalog::apply_to_document(*lang)
    });

    // Keyboard shortcuts, unless the user is typing in a field.
    {
        let d = state.dispatcher();
        let playing = state.playing;
        use_effect_with(playing, move |playing| {
            let playing = *playing;
            let listener = web_sys::window().map(|w| {
                gloo_events_listener(&w, move |e: web_sys::KeyboardEvent| {
                    let typing = e
                        .target()
                        .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
                        .is_some_and(|el| {
                            matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
                        });
                    if typing || e.ctrl_key() || e.meta_key() || e.alt_key() {
                        return;
                    }
                    let action = match e.key().as_str() {
                        "ArrowRight" => Action::Step,
                        "ArrowLeft" => Action::Back,
                        "p" | "P" => {
                            if playing {
                                Action::Pause
                            } else {
                                Action::Play
                            }
                        }
                        "t" | "T" => Action::NextTimer,
                        "Escape" => Action::SelectSegment(None),
                        _ => return,
                    };
                    e.prevent_default();
                    d.dispatch(action);
                })
            });
            move || drop(listener)
        });
    }

    let s = &*state;
    let sim = s.session.sim();
    let live = s.at_live_end();
    let now = s.now();
    let peer_panel = |peer: Peer| {
        let t = &s.timeline;
        let mut timers = TimerTable::default();
        for timer in Timer::ALL {
            if let Some(deadline) = t.timer_at(peer, timer, s.cursor) {
                timers.set(timer, deadline);
            }
        }
        html! {
            <PeerPanel peer={peer} state={s.state_of(peer)} now={now} timers={timers}
                tcb={live.then(|| sim.endpoint(peer).tcb())}
                received={live.then(|| sim.endpoint(peer).received())}
                signal={t.recent_signal(peer, s.cursor)}
                dispatch={dispatch.clone()} />
        }
    };

    let selection = s.selected_segment.and_then(|label| {
        let span = s.timeline.segs.get((label.0 as usize).checked_sub(1)?)?;
        let in_flight = s.timeline.status(span, s.cursor) == SegStatus::InFlight;
        let held = sim.in_flight().iter().any(|f| f.label == label && f.held);
        let on_close = {
            let d = dispatch.clone();
            Callback::from(move |_| d.emit(Action::SelectSegment(None)))
        };
        Some(html! {
            <div class="selection">
                if in_flight {
                    <SegmentMenu label={label} held={held && live} dispatch={dispatch.clone()} />
                }
                <Inspector session={s.session.clone()} label={label} cursor={s.cursor} on_close={on_close} />
            </div>
        })
    });

    let notice = s.notice.as_ref().map(|n| {
        let (class, text, role) = match n {
            Notice::Info(t) => ("notice info", t, "status"),
            Notice::Error(t) => ("notice error", t, "alert"),
        };
        let d = dispatch.clone();
        html! {
            <div class={class} role={role}>
                <span>{ text }</span>
                <button class="icon" aria-label={tr(s.lang, "ui.dismiss")} onclick={Callback::from(move |_: MouseEvent| d.emit(Action::Dismiss))}>{ "×" }</button>
            </div>
        }
    });

    let on_select_seg = {
        let d = dispatch.clone();
        use_callback((), move |l, _| d.emit(Action::SelectSegment(l)))
    };
    let on_select_state = {
        let d = dispatch.clone();
        use_callback((), move |st, _| d.emit(Action::SelectState(st)))
    };
    let toggle_abs = {
        let d = dispatch.clone();
        Callback::from(move |_: web_sys::Event| d.emit(Action::ToggleAbsolute))
    };
    let toggle_linux = {
        let d = dispatch.clone();
        Callback::from(move |_: web_sys::Event| d.emit(Action::ToggleLinux))
    };
    let linux_profile = sim.endpoint(Peer::A).config().profile == synack_core::Profile::Linux;
    let diagram = DiagramProps::at(&s.timeline, s.cursor);
    // The lesson's current step, highlighted while the page shows the lesson's own run there.
    let lesson_step = s.lesson.as_ref().and_then(|p| {
        let shown = std::rc::Rc::ptr_eq(&s.session, &p.lesson.session) && s.cursor == p.cursor();
        p.current_step().filter(|_| shown)
    });
    // In a lesson's question, a click on a state answers it: the diagram says so.
    let asking = s.lesson.as_ref().is_some_and(|p| p.asking());
    let edge_highlight = lesson_step.map(|st| st.edges.clone()).unwrap_or_default();
    let seg_highlight = lesson_step
        .map(|st| st.segments.clone())
        .unwrap_or_default();
    let lesson_bar = html! {
        if let Some(p) = &s.lesson {
            <div class="lesson-bar">
                <LessonPanel player={p.clone()} dispatch={dispatch.clone()} />
            </div>
        }
    };
    let presets = [
        InjectPresets::for_sender(sim, Peer::A),
        InjectPresets::for_sender(sim, Peer::B),
    ];

    let lang = s.lang;
    let share_view = crate::components::share::view_of(s);
    let toggle_lang = {
        let d = state.dispatcher();
        let other = match lang {
            Lang::En => Lang::Zh,
            Lang::Zh => Lang::En,
        };
        Callback::from(move |_: MouseEvent| switch_lang(other, d.clone(), true))
    };
    let other_lang = match lang {
        Lang::En => Lang::Zh,
        Lang::Zh => Lang::En,
    };
    html! {
        <ContextProvider<Lang> context={lang}>
        <ContextProvider<LinuxView> context={LinuxView(s.linux)}>
        <header class="top">
            <h1><span class="logo" aria-hidden="true">{ "⇄" }</span>{ tr(lang, "app.title") }</h1>
            <p class="tagline">{ tr(lang, "app.tagline") }</p>
            <label class="toggle">
                <input type="checkbox" checked={s.absolute} onchange={toggle_abs} />
                { tr(lang, "ui.absolute") }
            </label>
            <label class="toggle" title={tr(lang, "linux.toggle_title")}>
                <input type="checkbox" data-testid="linux-toggle" checked={s.linux} onchange={toggle_linux} />
                { tr(lang, "linux.toggle") }
            </label>
            <button class="lang-toggle" data-testid="lang-toggle" onclick={toggle_lang}
                lang={if other_lang == Lang::Zh { "zh-Hans" } else { "en" }}
                title={tr(lang, "app.language")}>{ other_lang.native_name() }</button>
            if embed {
                <OpenFull view={share_view.0.clone()} script={share_view.1.clone()} />
            }
        </header>
        // One row for the things that open something: lessons, exports, a capture, links.
        if !embed {
        <nav class="toolbar" aria-label={tr(lang, "ui.toolbar")}>
            <LessonPicker open={s.lesson.as_ref().map(|p| AttrValue::from(p.id.clone()))} dispatch={dispatch.clone()} />
            <Export session={s.session.clone()} script={share_view.1.clone()} />
            <CaptureImport dispatch={capture.dispatcher()}
                can_show={!capture.active && (capture.summary.is_some() || capture.failure.is_some())} />
            <Share view={share_view.0.clone()} script={share_view.1.clone()} />
        </nav>
        }
        if capture.active {
        <CaptureView state={capture.clone()} />
        } else {
        <TimeControls playing={s.playing} speed={s.speed} cursor={s.cursor} len={s.timeline.len()}
            now={now} dispatch={dispatch.clone()} />
        { for notice }
        { lesson_bar }
        <main class={classes!("layout", embed.then_some("embed"))}>
            if !embed {
            <div class="peers">
                { peer_panel(Peer::A) }
                { peer_panel(Peer::B) }
                if s.linux {
                    <SocketTable session={s.session.clone()} cursor={s.cursor} />
                }
            </div>
            }
            <section class="chart-panel" aria-label={tr(lang, "ui.chart_panel")}>
                <Chart session={s.session.clone()} timeline={s.timeline.clone()} cursor={s.cursor} now={now}
                    absolute={s.absolute} selected={s.selected_segment} on_select={on_select_seg}
                    highlight={seg_highlight} />
            </section>
            { for selection }
            <section class={classes!("diagram-panel", asking.then_some("asking"))} aria-label={tr(lang, "ui.diagram_panel")}>
                <Diagram current={diagram.0} last={diagram.1} selected={s.selected_state} on_select={on_select_state}
                    highlight={edge_highlight} />
            </section>
            if !embed {
            <Inject presets={presets} dispatch={dispatch.clone()} />
            <ScriptPanel text={s.editor.clone()} error={s.script_error.clone()} dispatch={dispatch.clone()} />
            if s.linux {
                <LinuxNotes profile_on={linux_profile} dispatch={dispatch.clone()} />
            }
            }
        </main>
        }
        <footer class="foot">
            <p>{ tr(lang, "ui.footer_keys") }</p>
        </footer>
        </ContextProvider<LinuxView>>
        </ContextProvider<Lang>>
    }
}

/// Shows the page in `lang`: at once for English, after fetching the catalog for Chinese (a
/// failed fetch keeps the current language and says why). `remember` puts the choice in the
/// URL, for a user's toggle but not for the language the page opened in.
fn switch_lang(lang: Lang, d: UseReducerDispatcher<AppState>, remember: bool) {
    wasm_bindgen_futures::spawn_local(async move {
        match crate::glue::catalog::load(lang).await {
            Ok(()) => {
                if remember {
                    crate::glue::link::remember_in_url(lang);
                }
                d.dispatch(Action::SetLang(lang));
            }
            Err(e) => d.dispatch(Action::Fail(crate::i18n::fill(
                tr(Lang::En, "ui.lang_load_failed"),
                &[("error", &e)],
            ))),
        }
    });
}

/// Adds a keydown listener to the window; dropping the guard removes it.
fn gloo_events_listener(
    window: &web_sys::Window,
    f: impl Fn(web_sys::KeyboardEvent) + 'static,
) -> KeyListener {
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;
    let closure = Closure::<dyn Fn(web_sys::KeyboardEvent)>::new(f);
    let _ = window.add_event_listener_with_callback("keydown", closure.as_ref().unchecked_ref());
    KeyListener {
        window: window.clone(),
        closure,
    }
}

/// A window keydown listener, removed on drop.
struct KeyListener {
    window: web_sys::Window,
    closure: wasm_bindgen::closure::Closure<dyn Fn(web_sys::KeyboardEvent)>,
}

impl Drop for KeyListener {
    fn drop(&mut self) {
        use wasm_bindgen::JsCast;
        let _ = self
            .window
            .remove_event_listener_with_callback("keydown", self.closure.as_ref().unchecked_ref());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_opens_with_the_default_scenario() {
        let s = initial_state(&link::Link::default());
        assert!(s.notice.is_none(), "{:?}", s.notice);
        assert!(!s.timeline.is_empty());
    }

    #[test]
    fn a_url_script_is_loaded_and_a_bad_one_falls_back() {
        let text = "B listen\nA connect\n";
        let s = initial_state(&link::Link::parse(
            "",
            &format!("#script={}", link::encode(text.as_bytes())),
        ));
        assert_eq!(s.editor, text);
        assert_eq!(s.state_of(Peer::A), synack_core::State::SynSent);
        let bad = initial_state(&link::Link::parse("", "#script=***"));
        assert!(matches!(bad.notice, Some(Notice::Error(_))));
    }
}
