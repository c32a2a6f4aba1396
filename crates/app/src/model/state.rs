//! The app's state and every way it can change: one `Action` enum and a reducer, kept apart
//! from the view so that it can be tested without a browser.

use std::rc::Rc;

use synack_core::script::{Command, ScriptError};
use synack_core::{Call, Delivery, Duration, Label, Peer, Setting, State};
use yew::{AttrValue, Reducible};

use crate::i18n::Lang;
use crate::model::exercise::SetItem;
use crate::model::explore::Target;
use crate::model::frame::Frame;
use crate::model::lesson::{Answer, Lesson, Page, Player};
pub use crate::model::notice::Notice;
use crate::model::score;
use crate::model::session::Session;
use crate::model::shared::Shared;
use crate::model::timeline::Timeline;

/// Playback speeds offered, as multiples of the base pace.
pub const SPEEDS: [f32; 6] = [0.25, 0.5, 1.0, 2.0, 4.0, 8.0];
/// Their labels (spelled out: the float formatter is not worth its bytes in the bundle).
pub const SPEED_LABELS: [&str; 6] = ["0.25×", "0.5×", "1×", "2×", "4×", "8×"];
/// Real milliseconds between playback ticks.
pub const TICK_MS: u32 = 40;
/// At 1x, virtual time runs at a tenth of real time: a 50 ms flight takes half a second.
pub const BASE_PACE: f32 = 0.1;
/// Ticks to linger before jumping over idle time to the next timer.
const IDLE_TICKS_BEFORE_JUMP: u32 = 15;
/// Cut-off futures kept to return to; the oldest go first. Each is a `Session` value, which
/// shares its lists with the others, so a branch costs little more than its own engine.
pub const BRANCHES_KEPT: usize = 16;

/// A run the user left by acting in its past (or by starting over): the whole session as it
/// was, and the cursor they were at, so that returning to it is exact.
#[derive(Clone, Debug, PartialEq)]
pub struct Branch {
    pub session: Session,
    pub cursor: usize,
}

/// Playback's pacing: how many ticks it has idled before jumping to the next timer. It does
/// not show on the page, so it never makes two states differ (and a quiet tick re-renders
/// nothing).
#[derive(Clone, Copy, Debug, Default)]
struct Pacing {
    idle_ticks: u32,
}

impl PartialEq for Pacing {
    fn eq(&self, _: &Pacing) -> bool {
        true
    }
}

/// The page's state: the session (the write side), the frame at the cursor (what the views
/// read), and the user's choices.
#[derive(Clone, Debug, PartialEq)]
pub struct AppState {
    pub session: Session,
    /// The run at the cursor, rebuilt whenever the session or the cursor changes; the cursor
    /// is `frame.cursor`.
    pub frame: Shared<Frame>,
    pub selected_segment: Option<Label>,
    pub selected_state: Option<State>,
    pub absolute: bool,
    /// The Linux view: state names as `ss` prints them, the socket table, Linux's differences.
    pub linux: bool,
    pub playing: bool,
    pub speed: usize,
    pacing: Pacing,
    /// The session's script (the text a link or an export carries).
    pub script: AttrValue,
    /// The script panel's text, which may be edited before it is run.
    pub editor: AttrValue,
    /// The error of the last script run from the editor, with its line.
    pub script_error: Option<ScriptError>,
    pub notice: Option<Notice>,
    /// The page's language; switched to Chinese only once its catalog is loaded.
    pub lang: Lang,
    /// The guided lesson being played, if one is open (an exercise is played as one: then
    /// its `seed` is set).
    pub lesson: Option<Shared<Player>>,
    /// *(exercises)* The exercise set a link opened, listed until closed.
    pub set: Option<Shared<Vec<SetItem>>>,
    /// Runs left by acting in the past, newest last: acting in the past never destroys the
    /// future, it moves it here (see [`Action::SwapBranch`]).
    pub branches: Vec<Branch>,
    /// *(issue 14)* The explorer's target pair, picked in its panel or on the diagram.
    pub explore: Target,
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
    /// Empty script, both peers CLOSED. The run left is kept as a branch.
    Reset,
    /// Back to the newest kept branch; the run left is kept in its place, so doing it again
    /// comes back (the notice's Undo, then Redo).
    SwapBranch,
    Play,
    Pause,
    Tick,
    SetSpeed(usize),
    /// Run a script (editor, preset or URL), replacing the session.
    Load(String),
    Edit(String),
    SelectSegment(Option<Label>),
    SelectState(Option<State>),
    /// Escape: ends a pick on the diagram, else closes the segment's inspector.
    Escape,
    /// The explorer's target for one peer, from its panel (`None`: any state).
    ExploreTarget(Peer, Option<State>),
    /// Start (`true`) or stop picking the explorer's targets on the diagram.
    ExplorePick(bool),
    /// "Any state" while picking on the diagram.
    PickAny,
    ToggleAbsolute,
    ToggleLinux,
    /// Something outside the model happened (e.g. fetching a scenario failed): say so.
    Notify(Notice),
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
    /// The learner's answer to an `ask segment` question, already checked field by field
    /// (`Answer::Segment`).
    Guess(Box<Answer>),
    /// Show the pending question's answer and run its step.
    Reveal,
    /// Open an exercise: its id, the seed that drew its numbers, and its text with the
    /// numbers drawn (`variant::instantiate`'s source, `let` lines turned into comments).
    OpenExercise {
        id: String,
        seed: u64,
        source: String,
    },
    /// Close the exercise set's list.
    CloseSet,
    CloseLesson,
    /// Back to the open lesson's run at its page, after acting on the peers (the run made
    /// meanwhile is kept as a branch).
    ResumeLesson,
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
        let script = AttrValue::from(session.text());
        AppState {
            frame: Shared::new(Frame::new(&session, session.len())),
            editor: script.clone(),
            script,
            session,
            selected_segment: None,
            selected_state: None,
            absolute: false,
            linux: false,
            playing: false,
            speed: 2,
            pacing: Pacing::default(),
            script_error: None,
            notice: None,
            lang: Lang::default(),
            lesson: None,
            set: None,
            branches: Vec::new(),
            explore: Target::default(),
        }
    }

    /// Loads a script; on an error the state is unchanged but for the message, and the text
    /// stays in the editor.
    pub fn loaded(text: &str) -> AppState {
        let mut state = AppState::default();
        state.load(text.to_string());
        state
    }

    /// The furthest the time controls go: in the open lesson's own run, its current page
    /// (so that no control shows a later step's outcome); elsewhere the live end.
    pub fn end(&self) -> usize {
        match &self.lesson {
            Some(p) if self.shows_lesson_run() => p.cursor(),
            _ => self.session.len(),
        }
    }

    /// How many log events are shown; `timeline().len()` is the live end.
    pub fn cursor(&self) -> usize {
        self.frame.cursor
    }

    pub fn timeline(&self) -> &Shared<Timeline> {
        self.session.timeline()
    }

    pub fn at_live_end(&self) -> bool {
        self.frame.live()
    }

    /// The script of the run up to the cursor: the whole script at the live end.
    pub fn script_at_cursor(&self) -> AttrValue {
        if self.at_live_end() {
            self.script.clone()
        } else {
            AttrValue::from(self.session.text_until(self.cursor()))
        }
    }

    /// A peer's state at the cursor.
    pub fn state_of(&self, peer: Peer) -> State {
        self.frame.peer(peer).state
    }

    /// The virtual time at the cursor (the live clock at the live end).
    pub fn now(&self) -> synack_core::Instant {
        self.frame.now
    }

    /// Moves the cursor, building the frame there (only when it moved).
    pub fn show(&mut self, cursor: usize) {
        let cursor = cursor.min(self.session.len());
        if cursor != self.frame.cursor || self.frame.len != self.session.len() {
            self.frame = Shared::new(Frame::new(&self.session, cursor));
        }
    }

    /// Puts a new session on screen at its live end.
    fn set_session(&mut self, session: Session) {
        self.script = AttrValue::from(session.text());
        self.editor = self.script.clone();
        self.session = session;
        self.frame = Shared::new(Frame::new(&self.session, self.session.len()));
        if let Some(l) = self.selected_segment {
            if self.timeline().seg(l).is_none() {
                self.selected_segment = None;
            }
        }
    }

    /// A command at the cursor: in the past, the script is cut there first, and the run as it
    /// was is kept as a branch the notice offers to go back to.
    ///
    /// Acting on the open lesson's own run leaves the lesson (it keeps its run: Resume goes
    /// back), so no branch is kept for it and the notice says how to return.
    fn apply(&mut self, command: Command) {
        let in_lesson = self.shows_lesson_run();
        let mut session = self.session.clone();
        let discarded = if self.at_live_end() {
            0
        } else {
            session.cut(self.frame.commands).len()
        };
        match session.apply(command) {
            Ok(()) => {
                self.notice = None;
                if in_lesson {
                    self.notice = Some(Notice::LeftLesson);
                } else if discarded > 0 {
                    self.keep_branch();
                    self.notice = Some(Notice::Branched { discarded });
                }
                self.set_session(session);
            }
            // Refused: nothing was cut, since `session` was a copy.
            Err(e) => self.notice = Some(Notice::Refused(e)),
        }
    }

    /// Keeps the run on screen, at the cursor, as the newest branch.
    fn keep_branch(&mut self) {
        if self.branches.len() >= BRANCHES_KEPT {
            self.branches.remove(0);
        }
        self.branches.push(Branch {
            session: self.session.clone(),
            cursor: self.cursor(),
        });
    }

    /// Shows the newest kept branch where the user left it, keeping the run on screen in its
    /// place.
    fn swap_branch(&mut self) {
        let Some(branch) = self.branches.pop() else {
            return;
        };
        let restored = self.notice != Some(Notice::BranchRestored);
        self.keep_branch();
        self.playing = false;
        self.script_error = None;
        self.set_session(branch.session);
        self.show(branch.cursor);
        self.notice = Some(if restored {
            Notice::BranchRestored
        } else {
            Notice::BranchReturned
        });
    }

    fn load(&mut self, text: String) {
        match Session::load(&text) {
            Ok(session) => {
                self.script_error = None;
                self.notice = session
                    .failures()
                    .first()
                    .map(|first| Notice::ExpectFailed {
                        n: session.failures().len(),
                        first: first.clone(),
                    });
                self.playing = false;
                self.set_session(session);
                self.editor = AttrValue::from(text);
            }
            Err(e) => {
                self.editor = AttrValue::from(text);
                self.notice = Some(Notice::ScriptError(e.clone()));
                self.script_error = Some(e);
            }
        }
    }

    /// The next command "step" performs at the live end, if anything can happen: deliver the
    /// oldest segment in flight (manual delivery), or wait for the next event.
    pub fn next_step_command(&mut self) -> Option<Command> {
        self.session.with_engine(|sim| {
            if sim.network().delivery == Delivery::Manual {
                if let Some(f) = sim.in_flight().iter().find(|f| !f.held) {
                    return Some(Command::Deliver(f.label));
                }
            }
            let next = sim.next_wakeup()?;
            Some(Command::Wait(next - sim.now()))
        })
    }

    fn step(&mut self) {
        if !self.at_live_end() {
            // The end of the next command that adds events.
            let cursor = self.cursor();
            let to = self
                .session
                .next_end_after(cursor)
                .unwrap_or(self.session.len());
            self.show(to);
            return;
        }
        match self.next_step_command() {
            Some(command) => self.apply(command),
            None => self.notice = Some(Notice::NothingMore),
        }
    }

    /// Back to the end of the last command that ended before the cursor (or the start).
    fn back(&mut self) {
        let to = self.session.previous_end_before(self.cursor());
        self.show(to);
    }

    fn open_lesson(&mut self, id: String, text: String) {
        self.open_player(id, text, None)
    }

    /// Opens a lesson, or with a seed an exercise, whose text is `text`.
    fn open_player(&mut self, id: String, text: String, seed: Option<u64>) {
        match Lesson::from_script(&text) {
            Ok(lesson) => {
                // The lesson shows its own run: one the user made is kept as a branch.
                let own_run = !self.session.commands().is_empty() && !self.shows_lesson_run();
                if own_run {
                    self.keep_branch();
                }
                self.playing = false;
                self.notice = None;
                self.script_error = None;
                self.selected_state = None;
                self.selected_segment = None;
                self.editor = AttrValue::from(text);
                let player = match seed {
                    Some(seed) => Player::exercise(id, lesson, seed),
                    None => Player::new(id, lesson),
                };
                self.lesson = Some(Shared::new(player));
                self.show_lesson();
                if own_run {
                    self.notice = Some(Notice::RunKept);
                }
            }
            Err(error) => self.notice = Some(Notice::LessonBroken { id, error }),
        }
    }

    /// Moves the lesson with `f` and shows its page: the lesson's own run at the page's
    /// cursor. A run the user made from the lesson meanwhile is kept as a branch, and the
    /// notice says so (Undo returns to it): going on never silently discards it.
    fn move_lesson(&mut self, f: impl FnOnce(&mut Player)) {
        if self.lesson.is_none() {
            return;
        }
        if !self.shows_lesson_run() {
            self.keep_branch();
            self.notice = Some(Notice::RunKept);
        } else if self.notice == Some(Notice::LeftLesson) {
            self.notice = None;
        }
        let Some(player) = self.lesson.take() else {
            return;
        };
        let mut player = player.update(f);
        // An exercise's end records its score, once per attempt.
        if player.page == Page::End && player.seed.is_some() && player.record.is_none() {
            let score = player.score();
            player = player.update(|p| p.record = score::record(&p.id, score));
        }
        self.lesson = Some(player);
        self.playing = false;
        self.show_lesson();
    }

    /// Shows the open lesson's own run at its page's cursor.
    pub fn show_lesson(&mut self) {
        let Some(player) = self.lesson.clone() else {
            return;
        };
        let lesson = &player.lesson;
        if self.session != lesson.session {
            self.session = lesson.session.clone();
            self.script = AttrValue::from(lesson.session.text());
            self.editor = self.script.clone();
            self.frame = Shared::new(Frame::new(&self.session, player.cursor()));
        }
        self.show(player.cursor());
    }

    /// Whether the page shows the open lesson's own run (not one the user made from it).
    pub fn shows_lesson_run(&self) -> bool {
        self.lesson
            .as_ref()
            .is_some_and(|p| p.lesson.session == self.session)
    }

    fn next_timer(&mut self) {
        let (next, now) = self
            .session
            .with_engine(|sim| (sim.next_timer(), sim.now()));
        match next {
            Some(at) if self.at_live_end() => self.apply(Command::Wait(at - now)),
            Some(_) => self.notice = Some(Notice::ReturnLive),
            None => self.notice = Some(Notice::NoTimer),
        }
    }

    fn tick(&mut self) {
        if !self.playing {
            return;
        }
        if !self.at_live_end() {
            // In a lesson, playback stops at the current page: the next step is Next's.
            if self.cursor() >= self.end() {
                self.playing = false;
                return;
            }
            self.show(self.cursor() + 1);
            return;
        }
        let (flying, next_timer, now) = self.session.with_engine(|sim| {
            (
                sim.in_flight().iter().any(|f| f.arrive_at.is_some()),
                sim.next_timer(),
                sim.now(),
            )
        });
        let by = if flying {
            self.pacing.idle_ticks = 0;
            let ms = (TICK_MS as f32 * SPEEDS[self.speed] * BASE_PACE).max(1.0);
            Duration::from_millis(ms.round() as u64)
        } else if let Some(at) = next_timer {
            self.pacing.idle_ticks += 1;
            let idled = self.pacing.idle_ticks * SPEEDS[self.speed].max(1.0) as u32;
            if idled <= IDLE_TICKS_BEFORE_JUMP {
                return;
            }
            self.pacing.idle_ticks = 0;
            at - now
        } else {
            self.playing = false;
            self.notice = Some(Notice::PlaybackPaused);
            return;
        };
        let mut session = self.session.clone();
        match session.playback_wait(by) {
            Ok(()) => self.set_session(session),
            Err(e) => {
                self.playing = false;
                self.notice = Some(Notice::Refused(e));
            }
        }
    }

    fn play(&mut self) {
        self.playing = true;
        self.pacing.idle_ticks = 0;
        if self.at_live_end() && self.frame.settings.network.delivery == Delivery::Manual {
            self.apply(Command::Set(Setting::Delivery(Delivery::Auto)));
        }
    }
}

impl Reducible for AppState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut s = Rc::unwrap_or_clone(self);
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
                s.show(n.min(s.end()));
            }
            Action::Reset => {
                // Starting over keeps the page's language, and the run as a branch.
                let kept = !s.session.commands().is_empty();
                if kept {
                    s.keep_branch();
                }
                let branches = std::mem::take(&mut s.branches);
                let notice = kept.then_some(Notice::StartedOver);
                s = AppState {
                    lang: s.lang,
                    branches,
                    notice,
                    explore: s.explore.stop_picking(),
                    ..AppState::default()
                }
            }
            Action::SwapBranch => s.swap_branch(),
            Action::Play => s.play(),
            Action::Pause => s.playing = false,
            Action::Tick => s.tick(),
            Action::SetSpeed(i) => s.speed = i.min(SPEEDS.len() - 1),
            Action::Load(text) => {
                s.lesson = None;
                s.load(text)
            }
            Action::Edit(text) => s.editor = AttrValue::from(text),
            Action::SelectSegment(l) => s.selected_segment = l,
            // While the explorer's targets are picked, a click on a state picks it (before a
            // lesson's question: the user asked to pick).
            Action::SelectState(Some(st)) if s.explore.picking.is_some() => {
                s.explore = s.explore.pick(Some(st))
            }
            Action::PickAny => s.explore = s.explore.pick(None),
            Action::ExplorePick(true) => {
                s.explore = s.explore.start_picking();
                s.selected_state = None;
            }
            Action::ExplorePick(false) => s.explore = s.explore.stop_picking(),
            Action::Escape if s.explore.picking.is_some() => s.explore = s.explore.stop_picking(),
            Action::Escape => s.selected_segment = None,
            Action::ExploreTarget(peer, st) => s.explore = s.explore.set(peer, st),
            // In a lesson's question about a state, a click on a state is the answer.
            Action::SelectState(Some(st)) | Action::Answer(st)
                if s.lesson.as_ref().is_some_and(|p| p.asking_state()) =>
            {
                s.move_lesson(|p| p.answer(st))
            }
            Action::Answer(_) => {}
            Action::Guess(answer) => s.move_lesson(|p| p.guess(*answer)),
            Action::Reveal => s.move_lesson(Player::reveal),
            Action::OpenExercise { id, seed, source } => s.open_player(id, source, Some(seed)),
            Action::CloseSet => s.set = None,
            Action::SelectState(st) => s.selected_state = st,
            Action::ToggleAbsolute => s.absolute = !s.absolute,
            Action::ToggleLinux => s.linux = !s.linux,
            Action::Notify(notice) => s.notice = Some(notice),
            Action::Dismiss => s.notice = None,
            Action::SetLang(lang) => s.lang = lang,
            Action::OpenLesson(id, text) => s.open_lesson(id, text),
            Action::CloseLesson => s.lesson = None,
            Action::ResumeLesson => s.move_lesson(|_| {}),
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
        let end = s.cursor();
        let mut seen = Vec::new();
        for _ in 0..5 {
            seen.push((s.cursor(), s.state_of(Peer::A), s.state_of(Peer::B)));
            s = reduce(s, Action::Back);
        }
        assert_eq!(s.cursor(), 0);
        for expected in seen.into_iter().rev() {
            s = reduce(s, Action::Step);
            assert_eq!(
                (s.cursor(), s.state_of(Peer::A), s.state_of(Peer::B)),
                expected
            );
        }
        assert_eq!(s.cursor(), end);
    }

    #[test]
    fn back_skips_commands_without_events() {
        // `wait` with no timer running adds no events: Back must not get stuck on it.
        let mut s = AppState::loaded("B listen\nwait 1s\nwait 1s\n");
        assert!(s.cursor() > 0);
        s = reduce(s, Action::Back);
        assert_eq!(s.cursor(), 0);
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

    /// The README's "a new branch": the run before the action in the past is kept whole, and
    /// Undo shows exactly it (same script, same log, same cursor); Redo comes back.
    #[test]
    fn acting_in_the_past_keeps_the_old_future_as_a_branch() {
        let text = "B listen\nA connect\ndeliver s1\ndeliver s2\ndeliver s3\n";
        let mut s = AppState::loaded(text);
        let old_timeline = (**s.timeline()).clone();
        s = reduce(s, Action::Back);
        s = reduce(s, Action::Back);
        let forked_at = s.cursor();
        s = reduce(s, call(Peer::A, Call::Abort));
        assert_eq!(s.editor, "B listen\nA connect\ndeliver s1\nA abort\n");
        assert_eq!(s.notice, Some(Notice::Branched { discarded: 2 }));
        assert_eq!(
            s.notice.as_ref().and_then(Notice::button).map(|b| b.action),
            Some("undo")
        );
        assert_eq!(s.branches.len(), 1);
        let new_text = s.editor.clone();

        s = reduce(s, Action::SwapBranch);
        assert_eq!(s.editor, text);
        assert_eq!(s.script, text);
        assert_eq!(**s.timeline(), old_timeline);
        assert_eq!(s.cursor(), forked_at, "back where the user acted");
        assert_eq!(s.notice, Some(Notice::BranchRestored));
        // The restored run goes on: forward to its end, exactly as before.
        s = reduce(s, Action::Seek(usize::MAX));
        assert_eq!(s.state_of(Peer::A), State::Established);
        assert_eq!(s.state_of(Peer::B), State::Established);

        // Redo: the new branch, kept in its turn.
        s = reduce(s, Action::SwapBranch);
        assert_eq!(s.editor, new_text);
        assert_eq!(s.state_of(Peer::A), State::Closed);
        assert_eq!(s.notice, Some(Notice::BranchReturned));
        assert_eq!(s.branches.len(), 1);
    }

    #[test]
    fn acting_at_the_live_end_or_being_refused_keeps_no_branch() {
        let mut s = AppState::loaded("B listen\nA connect\n");
        s = reduce(s, Action::Step);
        assert!(s.branches.is_empty());
        assert_eq!(s.notice, None);
        // A refused action in the past cuts nothing.
        s = reduce(s, Action::Back);
        s = reduce(s, Action::Do(Command::Deliver(Label(9))));
        assert!(s.branches.is_empty());
        assert!(matches!(s.notice, Some(Notice::Refused(_))));
        assert!(s.editor.ends_with("deliver s1\n"), "{}", s.editor);
        // Undo with no branch does nothing.
        let before = s.clone();
        s = reduce(s, Action::SwapBranch);
        assert_eq!(s, before);
    }

    #[test]
    fn reset_keeps_the_run_as_a_branch() {
        let text = "B listen\nA connect\n";
        let mut s = AppState::loaded(text);
        s = reduce(s, Action::Reset);
        assert_eq!(s.editor, "");
        assert_eq!(s.notice, Some(Notice::StartedOver));
        s = reduce(s, Action::SwapBranch);
        assert_eq!(s.editor, text);
        assert_eq!(s.state_of(Peer::A), State::SynSent);
        // Resetting an empty page keeps nothing new.
        let mut e = AppState::default();
        e = reduce(e, Action::Reset);
        assert!(e.branches.is_empty());
        assert_eq!(e.notice, None);
    }

    #[test]
    fn branches_kept_are_bounded() {
        let mut s = AppState::loaded("B listen\nA connect\n");
        for _ in 0..BRANCHES_KEPT + 3 {
            s = reduce(s, Action::Back);
            s = reduce(s, call(Peer::A, Call::Connect));
        }
        assert_eq!(s.branches.len(), BRANCHES_KEPT);
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
        assert!(matches!(bad.notice, Some(Notice::LessonBroken { .. })));
    }

    /// Picking the explorer's targets on the diagram: clicks pick A then B (even in a
    /// lesson's question) and open no explanation; Escape ends a pick; starting over keeps
    /// the targets.
    #[test]
    fn a_pick_on_the_diagram_sets_the_explorers_targets() {
        let text = "title en T\ntitle zh 题\nB listen\nA connect\nask B\ndeliver s1\n";
        let mut s = reduce(
            AppState::default(),
            Action::OpenLesson("t".into(), text.into()),
        );
        s = reduce(s, Action::LessonStep);
        s = reduce(s, Action::LessonStep);
        assert!(s.lesson.as_ref().unwrap().asking_state());
        s = reduce(s, Action::ExplorePick(true));
        assert_eq!(s.explore.picking, Some(Peer::A));
        s = reduce(s, Action::SelectState(Some(State::FinWait2)));
        assert_eq!(s.explore.picking, Some(Peer::B));
        assert!(
            s.lesson.as_ref().unwrap().asking_state(),
            "the pick did not answer the lesson"
        );
        s = reduce(s, Action::PickAny);
        assert_eq!(s.explore.states, [Some(State::FinWait2), None]);
        assert_eq!((s.explore.picking, s.explore.picked), (None, 1));
        assert_eq!(s.selected_state, None, "no explanation opened");
        s = reduce(s, Action::ExplorePick(true));
        s = reduce(s, Action::Escape);
        assert_eq!(s.explore.picking, None);
        s = reduce(s, Action::SelectState(Some(State::Listen)));
        assert_eq!(
            s.explore.states[0],
            Some(State::FinWait2),
            "not picking: no pick"
        );
        s = reduce(s, Action::ExploreTarget(Peer::B, Some(State::TimeWait)));
        s = reduce(s, Action::ExplorePick(true));
        s = reduce(s, Action::Reset);
        assert_eq!(
            s.explore.states,
            [Some(State::FinWait2), Some(State::TimeWait)]
        );
        assert_eq!(s.explore.picking, None, "starting over ends a pick");
    }

    /// An exercise opens with its seed, a state click does not answer its segment question,
    /// a checked guess is recorded (wrong: the step waits), Reveal runs the step, and the
    /// end keeps the score of first tries.
    #[test]
    fn an_exercise_waits_for_a_right_or_revealed_answer_and_scores_its_first_tries() {
        fn p(s: &AppState) -> Player {
            (**s.lesson.as_ref().unwrap()).clone()
        }
        let text =
            "title en T\ntitle zh 题\nB listen\nask segment A\nA connect\nask B\ndeliver s1\n";
        let mut s = reduce(
            AppState::default(),
            Action::OpenExercise {
                id: "t".into(),
                seed: 5,
                source: text.into(),
            },
        );
        assert_eq!(p(&s).seed, Some(5));
        s = reduce(s, Action::LessonStep);
        assert!(p(&s).asking() && !p(&s).asking_state());
        s = reduce(s, Action::SelectState(Some(State::SynSent)));
        assert_eq!(
            s.selected_state,
            Some(State::SynSent),
            "a click explains, not answers"
        );
        let question = p(&s).lesson.steps[1].predict.clone().unwrap().question;
        let answer = |text: &str| {
            let g = synack_core::predict::Guess::parse(text).unwrap();
            Action::Guess(Box::new(Answer::Segment(g, question.check(&g))))
        };
        s = reduce(s, answer("SYN seq=1"));
        assert!(p(&s).asking(), "a wrong guess does not run the step");
        assert_eq!(s.state_of(Peer::A), State::Closed);
        s = reduce(s, answer("SYN seq=0"));
        assert!(!p(&s).asking());
        assert_eq!(s.state_of(Peer::A), State::SynSent);
        s = reduce(s, Action::LessonStep);
        s = reduce(s, Action::Reveal);
        assert_eq!(s.state_of(Peer::B), State::SynReceived);
        s = reduce(s, Action::LessonStep);
        let end = p(&s);
        assert_eq!(end.page, Page::End);
        // Flags, ack and len right at the first try, seq wrong; the state revealed untried.
        assert_eq!(end.score(), score::Score::new(3, 5));
        assert_eq!(end.record.map(|r| r.last), Some(score::Score::new(3, 5)));
    }

    const LESSON: &str =
        "title en T\ntitle zh 题\nB listen\nA connect\ndeliver s1\ndeliver s2\ndeliver s3\n";

    /// In a lesson's own run the controls end at its current page: scrubbing or "back to
    /// live" never shows a later step, and playback stops there.
    #[test]
    fn a_lesson_owns_the_clock() {
        let mut s = reduce(
            AppState::default(),
            Action::OpenLesson("t".into(), LESSON.into()),
        );
        s = reduce(s, Action::LessonStep); // Step 2: A connect.
        let step_end = s.cursor();
        assert_eq!(s.end(), step_end);
        assert!(
            step_end < s.session.len(),
            "the lesson's run goes on past step 2"
        );
        s = reduce(s, Action::Seek(usize::MAX)); // "back to live"
        assert_eq!(s.cursor(), step_end);
        assert_eq!(s.state_of(Peer::A), State::SynSent);
        s = reduce(s, Action::Seek(0));
        s = reduce(s, Action::Play);
        for _ in 0..50 {
            s = reduce(s, Action::Tick);
        }
        assert_eq!(s.cursor(), step_end);
        assert!(!s.playing);
        assert!(s.shows_lesson_run());
        // Closed, the controls reach the end of the run again.
        s = reduce(s, Action::CloseLesson);
        assert_eq!(s.end(), s.session.len());
    }

    /// Acting on the peers in a lesson says it left the lesson; Next then shows the lesson's
    /// run and keeps the student's as a branch that Undo brings back.
    #[test]
    fn next_after_an_own_action_keeps_it() {
        let mut s = reduce(
            AppState::default(),
            Action::OpenLesson("t".into(), LESSON.into()),
        );
        s = reduce(s, Action::LessonStep);
        s = reduce(s, call(Peer::A, Call::Abort));
        assert_eq!(s.notice, Some(Notice::LeftLesson));
        assert!(!s.shows_lesson_run());
        assert_eq!(s.end(), s.session.len(), "the student's own run is live");
        let own = s.editor.clone();
        assert!(own.ends_with("A connect\nA abort\n"), "{own}");

        s = reduce(s, Action::LessonStep);
        assert!(s.shows_lesson_run());
        assert_eq!(s.notice, Some(Notice::RunKept));
        assert_eq!(s.editor, LESSON);
        assert_eq!(s.state_of(Peer::B), State::SynReceived);
        s = reduce(s, Action::SwapBranch);
        assert_eq!(s.editor, own);
        assert_eq!(s.state_of(Peer::A), State::Closed);

        // Resume from the notice: back to the lesson's page, the own run kept again.
        s = reduce(s, call(Peer::B, Call::Close));
        s = reduce(s, Action::ResumeLesson);
        assert!(s.shows_lesson_run());
        assert_eq!(s.notice, Some(Notice::RunKept));
        assert!(s
            .branches
            .iter()
            .any(|b| b.session.text().ends_with("B close\n")));
    }

    /// Opening a lesson over a run of the user's own keeps that run.
    #[test]
    fn opening_a_lesson_keeps_the_run_on_the_page() {
        let mut s = AppState::loaded("B listen\n");
        s = reduce(s, Action::OpenLesson("t".into(), LESSON.into()));
        assert_eq!(s.notice, Some(Notice::RunKept));
        s = reduce(s, Action::SwapBranch);
        assert_eq!(s.editor, "B listen\n");
    }

    #[test]
    fn next_timer_jumps_to_the_retransmission() {
        let mut s = AppState::loaded("B listen\nA connect\ndrop s1\n");
        s = reduce(s, Action::NextTimer);
        assert!(s.editor.ends_with("wait 1s\n"), "{}", s.editor);
        assert_eq!(s.timeline().segs().len(), 2);
    }
}
