//! The app's state and every way it can change: one `Action` enum and a reducer, kept apart
//! from the view so that it can be tested without a browser.

use std::rc::Rc;

use synack_core::script::{Command, ScriptError};
use synack_core::{Call, Delivery, Duration, Label, Peer, Setting, State};
use yew::Reducible;

use crate::i18n::{fill, tr, Lang};
use crate::model::lesson::{Lesson, Player};
use crate::model::session::Session;
use crate::model::timeline::Timeline;

/// Playback speeds offered, as multiples of the base pace.
pub const SPEEDS: [f32; 6] = [0.25, 0.5, 1.0, 2.0, 4.0, 8.0];
/// Their labels (spelled out: the float formatter is not worth its bytes in the bundle).
pub const SPEED_LABELS: [&str; 6] = ["0.25×", "0.5×", "1×", "2×", "4×", "8×"];
/// Real milliseconds between playback ticks.
pub const TICK_MS: u32 = 40;
/// At 1x, virtual time runs at a tenth of real time: a 50 ms flight takes half a second.
const BASE_PACE: f32 = 0.1;
/// Ticks to linger before jumping over idle time to the next timer.
const IDLE_TICKS_BEFORE_JUMP: u32 = 15;

/// A message shown to the user until dismissed or replaced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Notice {
    Info(String),
    Error(String),
}

#[derive(Clone, Debug)]
pub struct AppState {
    pub session: Rc<Session>,
    pub timeline: Rc<Timeline>,
    /// How many trace events are shown; `timeline.len()` is the live end.
    pub cursor: usize,
    pub selected_segment: Option<Label>,
    pub selected_state: Option<State>,
    pub absolute: bool,
    /// The Linux view: state names as `ss` prints them, the socket table, Linux's differences.
    pub linux: bool,
    pub playing: bool,
    pub speed: usize,
    idle_ticks: u32,
    /// The script panel's text, which may be edited before it is run.
    pub editor: String,
    /// The error of the last script run from the editor, with its line.
    pub script_error: Option<ScriptError>,
    pub notice: Option<Notice>,
    /// The page's language; switched to Chinese only once its catalog is loaded.
    pub lang: Lang,
    /// The guided lesson being played, if one is open.
    pub lesson: Option<Rc<Player>>,
}

impl PartialEq for AppState {
    fn eq(&self, other: &AppState) -> bool {
        Rc::ptr_eq(&self.session, &other.session)
            && self.cursor == other.cursor
            && self.selected_segment == other.selected_segment
            && self.selected_state == other.selected_state
            && self.absolute == other.absolute
            && self.linux == other.linux
            && self.playing == other.playing
            && self.speed == other.speed
            && self.editor == other.editor
            && self.script_error == other.script_error
            && self.notice == other.notice
            && self.lang == other.lang
            && match (&self.lesson, &other.lesson) {
                (Some(a), Some(b)) => Rc::ptr_eq(a, b),
                (a, b) => a.is_none() && b.is_none(),
            }
    }
}

/// Everything the user can do.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// A command at the cursor: a call, deliver, drop, dup, hold, inject or setting.
    Do(Command),
    /// One step forward: redo the next command, or at the live end do the next thing that
    /// would happen (deliver the oldest segment in flight, or wait for the next event).
    Step,
    /// Back to the end of the previous command.
    Back,
    /// Jump forward in time to the next timer.
    NextTimer,
    /// Show the first `n` events (the scrubber).
    Seek(usize),
    /// Empty script, both peers CLOSED.
    Reset,
    Play,
    Pause,
    Tick,
    SetSpeed(usize),
    /// Run a script (editor, preset or URL), replacing the session.
    Load(String),
    Edit(String),
    SelectSegment(Option<Label>),
    SelectState(Option<State>),
    ToggleAbsolute,
    ToggleLinux,
    /// Something outside the model failed (e.g. fetching a scenario): say so.
    Fail(String),
    Dismiss,
    /// Show the page in this language (its catalog must be loaded: see `glue::catalog::load`).
    SetLang(Lang),
    /// Open a guided lesson: its id and script text.
    OpenLesson(String, String),
    /// The lesson's next step (or the end).
    LessonStep,
    /// The lesson's previous page.
    LessonBack,
    /// The learner's answer to the lesson's question.
    Answer(State),
    CloseLesson,
    /// Replace the whole view with one a link describes (`link::restore`), keeping the language.
    Restore(Box<AppState>),
}

impl Default for AppState {
    fn default() -> AppState {
        AppState::from_session(Session::default())
    }
}

impl AppState {
    pub fn from_session(session: Session) -> AppState {
        let timeline = Timeline::new(session.sim());
        AppState {
            cursor: timeline.len(),
            editor: session.text(),
            session: Rc::new(session),
            timeline: Rc::new(timeline),
            selected_segment: None,
            selected_state: None,
            absolute: false,
            linux: false,
            playing: false,
            speed: 2,
            idle_ticks: 0,
            script_error: None,
            notice: None,
            lang: Lang::default(),
            lesson: None,
        }
    }

    /// Loads a script; on an error the state is unchanged but for the message, and the text
    /// stays in the editor.
    pub fn loaded(text: &str) -> AppState {
        let mut state = AppState::default();
        state.load(text.to_string());
        state
    }

    pub fn at_live_end(&self) -> bool {
        self.cursor >= self.timeline.len()
    }

    /// A peer's state at the cursor.
    pub fn state_of(&self, peer: Peer) -> State {
        self.timeline.state_at(peer, self.cursor)
    }

    /// The virtual time at the cursor (the live clock at the live end).
    pub fn now(&self) -> synack_core::Instant {
        if self.at_live_end() {
            self.session.sim().now()
        } else {
            self.timeline.time_at(self.cursor)
        }
    }

    fn set_session(&mut self, session: Session) {
        let timeline = Timeline::new(session.sim());
        self.cursor = timeline.len();
        self.editor = session.text();
        self.session = Rc::new(session);
        self.timeline = Rc::new(timeline);
        if let Some(l) = self.selected_segment {
            if self.session.sim().segment(l).is_none() {
                self.selected_segment = None;
            }
        }
    }

    /// The session as seen from the cursor: cut at the last whole command before it.
    fn session_at_cursor(&self) -> Session {
        let mut session = (*self.session).clone();
        if !self.at_live_end() {
            session.truncate(session.commands_within(self.cursor));
        }
        session
    }

    fn apply(&mut self, command: Command) {
        let mut session = self.session_at_cursor();
        match session.apply(command) {
            Ok(()) => {
                self.notice = None;
                self.set_session(session);
            }
            Err(message) => self.notice = Some(Notice::Error(message)),
        }
    }

    fn load(&mut self, text: String) {
        match Session::load(&text) {
            Ok(session) => {
                self.script_error = None;
                self.notice = match session.failures().len() {
                    0 => None,
                    n => Some(Notice::Error(fill(
                        tr(self.lang, "ui.expect_failed"),
                        &[
                            ("n", &n.to_string()),
                            ("line", &session.failures()[0].line.to_string()),
                            ("message", &session.failures()[0].message),
                        ],
                    ))),
                };
                self.playing = false;
                self.set_session(session);
                self.editor = text;
            }
            Err(e) => {
                self.editor = text;
                self.notice = Some(Notice::Error(fill(
                    tr(self.lang, "ui.script_error"),
                    &[
                        ("line", &e.line.to_string()),
                        ("column", &e.column.to_string()),
                        ("message", &e.message),
                    ],
                )));
                self.script_error = Some(e);
            }
        }
    }

    /// The next command "step" performs at the live end, if anything can happen.
    pub fn next_step_command(&self) -> Option<Command> {
        let sim = self.session.sim();
        if sim.network().delivery == Delivery::Manual {
            if let Some(f) = sim.in_flight().iter().find(|f| !f.held) {
                return Some(Command::Deliver(f.label));
            }
        }
        let next = sim.next_wakeup()?;
        Some(Command::Wait(next - sim.now()))
    }

    fn step(&mut self) {
        if !self.at_live_end() {
            // The end of the next command that adds events.
            let cursor = self.cursor;
            self.cursor = self
                .session
                .commands()
                .iter()
                .map(|c| c.trace_end)
                .find(|&end| end > cursor)
                .unwrap_or(self.timeline.len());
            return;
        }
        match self.next_step_command() {
            Some(command) => self.apply(command),
            None => self.notice = Some(Notice::Info(tr(self.lang, "ui.nothing_more").into())),
        }
    }

    /// Back to the end of the last command that ended before the cursor (or the start).
    fn back(&mut self) {
        let cursor = self.cursor;
        self.cursor = self
            .session
            .commands()
            .iter()
            .rev()
            .map(|c| c.trace_end)
            .find(|&end| end < cursor)
            .unwrap_or(0);
    }

    fn open_lesson(&mut self, id: String, text: String) {
        match Lesson::from_script(&text) {
            Ok(lesson) => {
                self.playing = false;
                self.notice = None;
                self.script_error = None;
                self.selected_state = None;
                self.selected_segment = None;
                self.editor = text;
                self.lesson = Some(Rc::new(Player::new(id, lesson)));
                self.show_lesson();
            }
            Err(e) => {
                self.notice = Some(Notice::Error(format!("Lesson {id}: {e}")));
            }
        }
    }

    /// Moves the lesson with `f` and shows its page: the lesson's own run (even if the user
    /// acted meanwhile) at the page's cursor.
    fn move_lesson(&mut self, f: impl FnOnce(&mut Player)) {
        let Some(player) = &self.lesson else {
            return;
        };
        let mut player = (**player).clone();
        f(&mut player);
        self.lesson = Some(Rc::new(player));
        self.playing = false;
        self.show_lesson();
    }

    fn show_lesson(&mut self) {
        let Some(player) = &self.lesson else {
            return;
        };
        let lesson = &player.lesson;
        if !Rc::ptr_eq(&self.session, &lesson.session) {
            self.session = lesson.session.clone();
            self.timeline = lesson.timeline.clone();
            self.editor = lesson.session.text();
        }
        self.cursor = player.cursor();
    }

    fn next_timer(&mut self) {
        let sim = self.session.sim();
        match sim.next_timer() {
            Some(at) if self.at_live_end() => {
                let by = at - sim.now();
                self.apply(Command::Wait(by));
            }
            Some(_) => self.notice = Some(Notice::Info(tr(self.lang, "ui.return_live").into())),
            None => self.notice = Some(Notice::Info(tr(self.lang, "ui.no_timer").into())),
        }
    }

    fn tick(&mut self) {
        if !self.playing {
            return;
        }
        if !self.at_live_end() {
            self.cursor += 1;
            return;
        }
        let sim = self.session.sim();
        let flying = sim.in_flight().iter().any(|f| f.arrive_at.is_some());
        let mut session = (*self.session).clone();
        let result = if flying {
            self.idle_ticks = 0;
            let ms = (TICK_MS as f32 * SPEEDS[self.speed] * BASE_PACE).max(1.0);
            session.playback_wait(Duration::from_millis(ms.round() as u64))
        } else if let Some(at) = sim.next_timer() {
            self.idle_ticks += 1;
            if self.idle_ticks * SPEEDS[self.speed].max(1.0) as u32 <= IDLE_TICKS_BEFORE_JUMP {
                return;
            }
            self.idle_ticks = 0;
            session.playback_wait(at - sim.now())
        } else {
            self.playing = false;
            self.notice = Some(Notice::Info(tr(self.lang, "ui.playback_paused").into()));
            return;
        };
        match result {
            Ok(()) => self.set_session(session),
            Err(e) => {
                self.playing = false;
                self.notice = Some(Notice::Error(e));
            }
        }
    }

    fn play(&mut self) {
        self.playing = true;
        self.idle_ticks = 0;
        if self.at_live_end() && self.session.sim().network().delivery == Delivery::Manual {
            self.apply(Command::Set(Setting::Delivery(Delivery::Auto)));
        }
    }
}

impl Reducible for AppState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut s = (*self).clone();
        match action {
            Action::Do(command) => {
                s.playing = s.playing && matches!(command, Command::Call { .. });
                s.apply(command);
            }
            // While a lesson is open, → and ← (and the step buttons) drive it.
            Action::Step | Action::LessonStep if s.lesson.is_some() => s.move_lesson(Player::next),
            Action::Back | Action::LessonBack if s.lesson.is_some() => s.move_lesson(Player::back),
            Action::LessonStep | Action::LessonBack => {}
            Action::Step => {
                s.playing = false;
                s.step();
            }
            Action::Back => {
                s.playing = false;
                s.back();
            }
            Action::NextTimer => s.next_timer(),
            Action::Seek(n) => {
                s.playing = false;
                s.cursor = n.min(s.timeline.len());
            }
            Action::Reset => {
                // Starting over keeps the page's language.
                s = AppState {
                    lang: s.lang,
                    ..AppState::default()
                }
            }
            Action::Play => s.play(),
            Action::Pause => s.playing = false,
            Action::Tick => s.tick(),
            Action::SetSpeed(i) => s.speed = i.min(SPEEDS.len() - 1),
            Action::Load(text) => {
                s.lesson = None;
                s.load(text)
            }
            Action::Edit(text) => s.editor = text,
            Action::SelectSegment(l) => s.selected_segment = l,
            // In a lesson's question, a click on a state is the answer.
            Action::SelectState(Some(st)) | Action::Answer(st)
                if s.lesson.as_ref().is_some_and(|p| p.asking()) =>
            {
                s.move_lesson(|p| p.answer(st))
            }
            Action::Answer(_) => {}
            Action::SelectState(st) => s.selected_state = st,
            Action::ToggleAbsolute => s.absolute = !s.absolute,
            Action::ToggleLinux => s.linux = !s.linux,
            Action::Fail(message) => s.notice = Some(Notice::Error(message)),
            Action::Dismiss => s.notice = None,
            Action::SetLang(lang) => s.lang = lang,
            Action::OpenLesson(id, text) => s.open_lesson(id, text),
            Action::CloseLesson => s.lesson = None,
            Action::Restore(view) => {
                let lang = s.lang;
                s = *view;
                s.lang = lang;
            }
        }
        Rc::new(s)
    }
}

/// A user call as a command.
pub fn call(peer: Peer, call: Call) -> Action {
    Action::Do(Command::Call { peer, call })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reduce(s: AppState, a: Action) -> AppState {
        (*Rc::new(s).reduce(a)).clone()
    }

    #[test]
    fn clicks_build_a_handshake_and_a_script() {
        let mut s = AppState::default();
        s = reduce(s, call(Peer::B, Call::Listen));
        s = reduce(s, call(Peer::A, Call::Connect));
        for _ in 0..3 {
            s = reduce(s, Action::Step);
        }
        assert_eq!(s.state_of(Peer::A), State::Established);
        assert_eq!(s.state_of(Peer::B), State::Established);
        assert_eq!(
            s.editor,
            "B listen\nA connect\ndeliver s1\ndeliver s2\ndeliver s3\n"
        );
    }

    #[test]
    fn back_and_step_return_to_identical_states() {
        let mut s = AppState::loaded("B listen\nA connect\ndeliver s1\ndeliver s2\ndeliver s3\n");
        let end = s.cursor;
        let mut seen = Vec::new();
        for _ in 0..5 {
            seen.push((s.cursor, s.state_of(Peer::A), s.state_of(Peer::B)));
            s = reduce(s, Action::Back);
        }
        assert_eq!(s.cursor, 0);
        for expected in seen.into_iter().rev() {
            s = reduce(s, Action::Step);
            assert_eq!(
                (s.cursor, s.state_of(Peer::A), s.state_of(Peer::B)),
                expected
            );
        }
        assert_eq!(s.cursor, end);
    }

    #[test]
    fn back_skips_commands_without_events() {
        // `wait` with no timer running adds no events: Back must not get stuck on it.
        let mut s = AppState::loaded("B listen\nwait 1s\nwait 1s\n");
        assert!(s.cursor > 0);
        s = reduce(s, Action::Back);
        assert_eq!(s.cursor, 0);
    }

    #[test]
    fn acting_in_the_past_cuts_the_script() {
        let mut s = AppState::loaded("B listen\nA connect\ndeliver s1\ndeliver s2\n");
        s = reduce(s, Action::Back);
        s = reduce(s, Action::Back);
        s = reduce(s, Action::Do(Command::Drop(Label(1))));
        assert_eq!(s.editor, "B listen\nA connect\ndrop s1\n");
        assert!(s.at_live_end());
    }

    #[test]
    fn reset_keeps_the_language() {
        let mut s = AppState::loaded("B listen\n");
        s = reduce(s, Action::SetLang(Lang::Zh));
        s = reduce(s, Action::Reset);
        assert_eq!(s.lang, Lang::Zh);
        assert_eq!(s.state_of(Peer::B), State::Closed);
    }

    #[test]
    fn a_bad_script_keeps_the_text_and_the_session() {
        let s = AppState::loaded("B listen\n");
        let s = reduce(s, Action::Load("B listen\nA conect\n".into()));
        assert_eq!(s.editor, "B listen\nA conect\n");
        assert_eq!(s.script_error.as_ref().map(|e| e.line), Some(2));
        assert_eq!(s.state_of(Peer::B), State::Listen);
    }

    #[test]
    fn playback_delivers_in_auto_mode() {
        let mut s = AppState::loaded("B listen\nA connect\n");
        s = reduce(s, Action::Play);
        assert!(s.editor.contains("set delivery auto"));
        for _ in 0..200 {
            s = reduce(s, Action::Tick);
        }
        assert_eq!(s.state_of(Peer::A), State::Established);
        assert_eq!(s.state_of(Peer::B), State::Established);
    }

    #[test]
    fn a_lesson_runs_step_by_step_and_a_state_click_answers_its_question() {
        let text = "title en T\ntitle zh 题\nB listen\nA connect\nask B\nsay en SYN.\nsay zh SYN。\ndeliver s1\nexpect B SYN_RCVD\n";
        let mut s = reduce(
            AppState::default(),
            Action::OpenLesson("t".into(), text.into()),
        );
        assert_eq!(s.editor, text);
        assert_eq!(s.state_of(Peer::B), State::Listen);
        assert_eq!(s.state_of(Peer::A), State::Closed);
        s = reduce(s, Action::Step); // → drives the lesson: A connects.
        assert_eq!(s.state_of(Peer::A), State::SynSent);
        s = reduce(s, Action::LessonStep); // The question: nothing runs yet.
        assert_eq!(s.state_of(Peer::B), State::Listen);
        assert!(s.lesson.as_ref().unwrap().asking());
        s = reduce(s, Action::SelectState(Some(State::SynReceived)));
        assert_eq!(s.selected_state, None, "a click in a question is an answer");
        assert_eq!(s.state_of(Peer::B), State::SynReceived);
        let (chosen, ask) = s.lesson.as_ref().unwrap().feedback().unwrap();
        assert_eq!(chosen, ask.answer);
        // Acting in the lesson's past is allowed; the lesson's next move shows its own run.
        s = reduce(s, Action::Back);
        s = reduce(s, Action::Back);
        s = reduce(s, call(Peer::A, Call::Abort));
        assert_eq!(s.state_of(Peer::A), State::Closed);
        s = reduce(s, Action::LessonStep);
        s = reduce(s, Action::Answer(State::Listen));
        assert_eq!(s.state_of(Peer::A), State::SynSent);
        assert_eq!(s.editor, text);
        s = reduce(s, Action::CloseLesson);
        assert!(s.lesson.is_none());
        s = reduce(s, Action::SelectState(Some(State::Listen)));
        assert_eq!(s.selected_state, Some(State::Listen));
        let bad = reduce(
            AppState::default(),
            Action::OpenLesson("x".into(), "A lisen\n".into()),
        );
        assert!(bad.lesson.is_none());
        assert!(matches!(bad.notice, Some(Notice::Error(_))));
    }

    #[test]
    fn next_timer_jumps_to_the_retransmission() {
        let mut s = AppState::loaded("B listen\nA connect\ndrop s1\n");
        s = reduce(s, Action::NextTimer);
        assert!(s.editor.ends_with("wait 1s\n"), "{}", s.editor);
        assert_eq!(s.session.sim().segments().len(), 2);
    }
}
