//! The session: the write side of the model. The script is the source of truth; the engine is
//! what running it gives.
//!
//! Every user action becomes a script command appended to the text, so the script panel always
//! shows how to reproduce the view. A session records, for each command, where its events end
//! in the log and what the views need after it (both peers' TCBs, the clock), and keeps its
//! [`Timeline`] extended with the new events. Every [`CHECKPOINT_EVERY`] commands it keeps a
//! checkpoint of the engine, so that going back to act again replays at most that many
//! commands, and never parses text.
//!
//! A `Session` is a value: copies are cheap (its lists are [`Chunked`]) and an old copy stays
//! valid. The engine behind it is shared along one line of history: a copy at the engine's
//! latest point (its *revision*) appends to it in place; any other copy that acts first gets an
//! engine of its own, rebuilt from its nearest checkpoint. The engine's log is only ever
//! appended to, so every copy can still read the part of it that is its own.

use std::cell::{Ref, RefCell};
use std::rc::Rc;

use synack_core::script::{self, Command, ScriptError};
use synack_core::{Duration, Instant, Peer, SeqNum, Sim, SimError, State, TcbView, TraceEvent};

use crate::model::chunked::Chunked;
use crate::model::shared::Shared;
use crate::model::timeline::Timeline;

/// Commands between two checkpoints of the engine: the most a step back replays.
pub const CHECKPOINT_EVERY: usize = 32;

/// What the views need of one peer after a command, which the log alone does not say.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PeerAfter {
    pub state: State,
    pub tcb: TcbView,
    /// Bytes its application has received.
    pub received: u64,
    /// The ISN its relative numbers count from (`Sim::isn_base`).
    pub isn_base: SeqNum,
}

/// What the views need after a command: the clock and both peers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct After {
    /// The engine's clock, which a `wait` moves even when nothing happens.
    pub now: Instant,
    pub peers: [PeerAfter; 2],
}

impl After {
    fn of(sim: &Sim) -> After {
        let peer = |p: Peer| {
            let ep = sim.endpoint(p);
            PeerAfter {
                state: ep.state(),
                tcb: ep.tcb(),
                received: ep.received(),
                isn_base: sim.isn_base(p),
            }
        };
        After {
            now: sim.now(),
            peers: [peer(Peer::A), peer(Peer::B)],
        }
    }
}

/// A command of the script with where it is, where its events end in the log, and what the
/// views need after it.
#[derive(Clone, Debug, PartialEq)]
pub struct Recorded {
    /// Index into the script's lines.
    pub line: usize,
    pub command: Command,
    /// The log's length after this command ran.
    pub trace_end: usize,
    pub after: After,
}

/// The engine after some number of commands, without its log (see `synack_core::Checkpoint`).
#[derive(Clone, Debug)]
struct Checkpoint {
    commands: usize,
    state: Rc<synack_core::Checkpoint>,
}

/// The engine, shared by the copies of a session along one line of history.
#[derive(Debug)]
struct Engine {
    sim: Sim,
    /// Bumped by every change; a session whose revision is this one is at the engine's point.
    revision: u64,
}

/// The script, the engine that ran it, and the index of its log.
#[derive(Clone, Debug)]
pub struct Session {
    lines: Chunked<Rc<str>>,
    commands: Chunked<Recorded>,
    failures: Chunked<ScriptError>,
    checkpoints: Chunked<Checkpoint>,
    timeline: Shared<Timeline>,
    engine: Rc<RefCell<Engine>>,
    revision: u64,
    /// The last line is a `wait` written by playback, which the next tick extends.
    playback_wait: bool,
}

impl Default for Session {
    fn default() -> Session {
        Session::from_sim(Sim::new())
    }
}

impl PartialEq for Session {
    /// The same point of the same history: equal sessions show the same run.
    fn eq(&self, other: &Session) -> bool {
        Rc::ptr_eq(&self.engine, &other.engine) && self.revision == other.revision
    }
}

impl Session {
    fn from_sim(sim: Sim) -> Session {
        Session {
            lines: Chunked::new(),
            commands: Chunked::new(),
            failures: Chunked::new(),
            checkpoints: Chunked::new(),
            timeline: Shared::new(Timeline::new(sim.trace())),
            engine: Rc::new(RefCell::new(Engine { sim, revision: 0 })),
            revision: 0,
            playback_wait: false,
        }
    }

    /// Parses and runs a script. On an error nothing is kept: the caller keeps the text.
    pub fn load(text: &str) -> Result<Session, ScriptError> {
        let parsed = script::parse(text)?;
        let mut session = Session {
            lines: text.lines().map(Rc::from).collect(),
            ..Session::default()
        };
        for line in parsed.lines {
            session
                .run(line.line - 1, line.command)
                .map_err(|e| ScriptError {
                    line: line.line,
                    column: 1,
                    message: e.to_string(),
                })?;
        }
        Ok(session)
    }

    // ---- Reading ----

    /// The index of this session's log.
    pub fn timeline(&self) -> &Shared<Timeline> {
        &self.timeline
    }

    /// Events in the log: the live end's cursor.
    pub fn len(&self) -> usize {
        self.timeline.len()
    }

    pub fn is_empty(&self) -> bool {
        self.timeline.is_empty()
    }

    pub fn commands(&self) -> &Chunked<Recorded> {
        &self.commands
    }

    /// Expectations that failed, with their lines.
    pub fn failures(&self) -> &Chunked<ScriptError> {
        &self.failures
    }

    /// The log itself, for readers that need whole events (lessons). The engine's log may
    /// have grown past this session's end (a later copy acted); this is this session's part.
    pub fn trace(&self) -> Ref<'_, [TraceEvent]> {
        let len = self.len();
        Ref::map(self.engine.borrow(), |e| &e.sim.trace()[..len])
    }

    /// The script text, ending with a newline when it has any line.
    pub fn text(&self) -> String {
        let mut text = String::new();
        for line in self.lines.iter() {
            text += line;
            text.push('\n');
        }
        text
    }

    /// The script up to the end of the last command within the first `events` log events:
    /// the run as the page shows it at that cursor (the explorer searches from there).
    pub fn text_until(&self, events: usize) -> String {
        let n = self.commands_within(events);
        let end = n
            .checked_sub(1)
            .and_then(|i| self.commands.get(i))
            .map_or(0, |c| c.line + 1);
        let mut text = String::new();
        for line in self.lines.iter().take(end) {
            text += line;
            text.push('\n');
        }
        text
    }

    /// How many commands have all their events within the first `events` log events.
    pub fn commands_within(&self, events: usize) -> usize {
        self.commands.partition_point(|c| c.trace_end <= events)
    }

    /// Where the first `n` commands' events end in the log.
    pub fn end_of(&self, n: usize) -> usize {
        n.checked_sub(1)
            .and_then(|i| self.commands.get(i))
            .map_or(0, |c| c.trace_end)
    }

    /// What the views need after the first `n` commands.
    pub fn after(&self, n: usize) -> After {
        match n.checked_sub(1).and_then(|i| self.commands.get(i)) {
            Some(c) => c.after,
            None => After::of(&Sim::new()),
        }
    }

    /// The end of the first command that ends after event `k`, if any: one step forward.
    pub fn next_end_after(&self, k: usize) -> Option<usize> {
        let i = self.commands.partition_point(|c| c.trace_end <= k);
        self.commands.get(i).map(|c| c.trace_end)
    }

    /// The end of the last command that ends before event `k` (0 if none): one step back.
    /// Commands that added no events are passed over.
    pub fn previous_end_before(&self, k: usize) -> usize {
        let i = self.commands.partition_point(|c| c.trace_end < k);
        i.checked_sub(1)
            .and_then(|i| self.commands.get(i))
            .map_or(0, |c| c.trace_end)
    }

    /// Reads the engine at this session's end, rebuilding it first if a copy has moved it on.
    pub fn with_engine<R>(&mut self, f: impl FnOnce(&Sim) -> R) -> R {
        self.take_engine();
        f(&self.engine.borrow().sim)
    }

    // ---- Writing ----

    /// Appends a user action. When the engine refuses it (say, a label no longer in flight),
    /// nothing changes and the engine's error comes back.
    pub fn apply(&mut self, command: Command) -> Result<(), SimError> {
        let line = self.lines.len();
        self.run(line, command.clone())?;
        self.lines.push(Rc::from(command.to_string()));
        self.playback_wait = false;
        Ok(())
    }

    /// Runs one command at the end of the session and records it at script line `line`.
    fn run(&mut self, line: usize, command: Command) -> Result<(), SimError> {
        self.take_engine();
        let n = self.commands.len();
        if n > 0
            && n.is_multiple_of(CHECKPOINT_EVERY)
            && self.checkpoints.last().is_none_or(|c| c.commands < n)
        {
            let state = Rc::new(self.engine.borrow().sim.checkpoint());
            self.checkpoints.push(Checkpoint { commands: n, state });
        }
        let failure = self.change_engine(|sim| script::execute(sim, &command))?;
        if let Some(message) = failure {
            self.failures.push(ScriptError {
                line: line + 1,
                column: 1,
                message,
            });
        }
        let (trace_end, after) = self.index_new_events();
        self.commands.push(Recorded {
            line,
            command,
            trace_end,
            after,
        });
        Ok(())
    }

    /// Advances the clock for playback, extending the previous playback `wait` line rather
    /// than writing one line per animation frame.
    pub fn playback_wait(&mut self, by: Duration) -> Result<(), SimError> {
        let merge = self.playback_wait
            && matches!(
                self.commands.last(),
                Some(Recorded {
                    command: Command::Wait(_),
                    ..
                })
            );
        if !merge {
            self.apply(Command::Wait(by))?;
            self.playback_wait = true;
            return Ok(());
        }
        self.take_engine();
        self.change_engine(|sim| sim.wait(by))?;
        let (trace_end, after) = self.index_new_events();
        let Some(last) = self.commands.last_mut() else {
            return Ok(());
        };
        if let Command::Wait(total) = &mut last.command {
            *total = *total + by;
        }
        last.trace_end = trace_end;
        last.after = after;
        let (line, text) = (last.line, last.command.to_string());
        if let Some(l) = self.lines.get_mut(line) {
            *l = Rc::from(text);
        }
        Ok(())
    }

    /// Keeps the first `count` commands (and the script up to the last of them), to act
    /// again from there. Returns the commands cut off; the session value from before the cut
    /// stays whole, so either can be kept as a branch.
    pub fn cut(&mut self, count: usize) -> Vec<Command> {
        if count >= self.commands.len() {
            return Vec::new();
        }
        let discarded = self
            .commands
            .iter_from(count)
            .map(|c| c.command.clone())
            .collect();
        let keep_lines = match count {
            0 => self.commands.first().map_or(self.lines.len(), |c| c.line),
            n => self.commands[n - 1].line + 1,
        };
        let sim = self.engine_after(count);
        let mut cut = Session::from_sim(sim);
        cut.lines = self.lines.clone();
        cut.lines.truncate(keep_lines);
        cut.commands = self.commands.clone();
        cut.commands.truncate(count);
        cut.failures = self
            .failures
            .iter()
            .filter(|f| f.line <= keep_lines)
            .cloned()
            .collect();
        cut.checkpoints = self.checkpoints.clone();
        let kept = cut.checkpoints.partition_point(|c| c.commands <= count);
        cut.checkpoints.truncate(kept);
        *self = cut;
        discarded
    }

    // ---- The engine ----

    /// Makes sure the shared engine is at this session's point: if a copy has moved it, this
    /// session gets an engine of its own.
    fn take_engine(&mut self) {
        if self.engine.borrow().revision == self.revision {
            return;
        }
        let sim = self.engine_after(self.commands.len());
        self.engine = Rc::new(RefCell::new(Engine { sim, revision: 0 }));
        self.revision = 0;
    }

    /// Changes the engine with `f`, which must be at this session's point. On an error, an
    /// engine that moved partway (a livelocked wait) is left to whoever reads it next: its
    /// revision no longer matches any session, so the next one to act rebuilds its own.
    fn change_engine<R>(
        &mut self,
        f: impl FnOnce(&mut Sim) -> Result<R, SimError>,
    ) -> Result<R, SimError> {
        let mut engine = self.engine.borrow_mut();
        let result = f(&mut engine.sim);
        engine.revision += 1;
        if result.is_ok() {
            self.revision = engine.revision;
        }
        result
    }

    /// Indexes the events the engine logged since this session's end; returns the log's
    /// length and what the views need now.
    fn index_new_events(&mut self) -> (usize, After) {
        let engine = self.engine.borrow();
        let trace = engine.sim.trace();
        let from = self.timeline.len();
        if trace.len() > from {
            let timeline = std::mem::take(&mut self.timeline);
            self.timeline = timeline.update(|t| t.extend(&trace[from..]));
        }
        (trace.len(), After::of(&engine.sim))
    }

    /// A new engine after the first `n` commands: the nearest checkpoint at or before them,
    /// its log copied from the engine's, and the commands since.
    fn engine_after(&self, n: usize) -> Sim {
        let k = self.checkpoints.partition_point(|c| c.commands <= n);
        // The engine's log starts with this session's, which holds every checkpoint's (the
        // engine only appends, and a session gets a new engine only with its own log), so
        // `resume` finds the log it needs.
        let resumed = k.checked_sub(1).and_then(|k| {
            let c = self.checkpoints.get(k)?;
            let engine = self.engine.borrow();
            let sim = Sim::resume(&c.state, engine.sim.segments(), engine.sim.trace())?;
            Some((sim, c.commands))
        });
        let (mut sim, from) = resumed.unwrap_or_else(|| (Sim::new(), 0));
        for rec in self.commands.iter_from(from).take(n - from) {
            // These commands ran before without an error, and the engine is deterministic.
            let _ = script::execute(&mut sim, &rec.command);
        }
        sim
    }

    /// How many commands rebuilding the engine after `n` commands would replay.
    #[cfg(test)]
    fn replay_length(&self, n: usize) -> usize {
        let k = self.checkpoints.partition_point(|c| c.commands <= n);
        n - k
            .checked_sub(1)
            .and_then(|k| self.checkpoints.get(k))
            .map_or(0, |c| c.commands)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use synack_core::{Call, Label};

    fn handshake() -> Session {
        Session::load("# a comment\nB listen\nA connect\ndeliver s1\ndeliver s2\n").unwrap()
    }

    #[test]
    fn the_text_until_a_cursor_ends_with_the_last_command_shown() {
        let s = handshake();
        // After `A connect` (the third line), before `deliver s1`.
        let cursor = s.end_of(2);
        assert_eq!(s.text_until(cursor), "# a comment\nB listen\nA connect\n");
        assert_eq!(s.text_until(s.len()), s.text());
        assert_eq!(s.text_until(0), "");
        let replayed = Session::load(&s.text_until(cursor)).unwrap();
        assert_eq!(state(&replayed, Peer::A), State::SynSent);
    }

    fn state(s: &Session, peer: Peer) -> State {
        s.timeline().state_at(peer, s.len())
    }

    #[test]
    fn load_runs_and_keeps_the_text() {
        let s = handshake();
        assert_eq!(state(&s, Peer::A), State::Established);
        assert_eq!(s.commands().len(), 4);
        assert!(s.text().starts_with("# a comment\nB listen"));
        assert_eq!(s.after(4).peers[0].state, State::Established);
        assert_eq!(s.after(1).peers[1].state, State::Listen);
        assert_eq!(s.after(0).peers[1].state, State::Closed);
    }

    #[test]
    fn apply_appends_a_line() {
        let mut s = handshake();
        s.apply(Command::Deliver(Label(3))).unwrap();
        assert_eq!(state(&s, Peer::B), State::Established);
        assert!(s.text().ends_with("deliver s2\ndeliver s3\n"));
    }

    #[test]
    fn refused_action_changes_nothing() {
        let mut s = handshake();
        let before = s.text();
        let err = s.apply(Command::Deliver(Label(9))).unwrap_err();
        assert_eq!(err, SimError::NotInFlight(Label(9)));
        assert_eq!(s.text(), before);
        assert_eq!(s.commands().len(), 4);
        // The session still acts.
        s.apply(Command::Deliver(Label(3))).unwrap();
        assert_eq!(state(&s, Peer::B), State::Established);
    }

    #[test]
    fn cut_keeps_the_prefix_and_returns_the_rest() {
        let mut s = handshake();
        let before = s.clone();
        let rest = s.cut(2);
        assert_eq!(
            rest,
            [Command::Deliver(Label(1)), Command::Deliver(Label(2))]
        );
        assert_eq!(state(&s, Peer::A), State::SynSent);
        assert_eq!(s.text(), "# a comment\nB listen\nA connect\n");
        s.apply(Command::Call {
            peer: Peer::A,
            call: Call::Abort,
        })
        .unwrap();
        assert_eq!(state(&s, Peer::A), State::Closed);
        // The session from before the cut is whole: a branch to return to.
        assert_eq!(state(&before, Peer::A), State::Established);
        assert_eq!(before.commands().len(), 4);
    }

    #[test]
    fn playback_waits_merge_into_one_line() {
        let mut s = Session::load("set delivery auto\nB listen\nA connect\n").unwrap();
        for _ in 0..5 {
            s.playback_wait(Duration::from_millis(20)).unwrap();
        }
        assert!(
            s.text().ends_with("A connect\nwait 100ms\n"),
            "{}",
            s.text()
        );
        assert_eq!(state(&s, Peer::A), State::Established);
        // A user action ends the merge.
        s.apply(Command::Call {
            peer: Peer::A,
            call: Call::Close,
        })
        .unwrap();
        s.playback_wait(Duration::from_millis(20)).unwrap();
        assert!(s.text().ends_with("A close\nwait 20ms\n"), "{}", s.text());
    }

    #[test]
    fn script_errors_point_at_the_line() {
        let e = Session::load("B listen\ndeliver s4\n").unwrap_err();
        assert_eq!(e.line, 2);
        assert!(e.message.contains("not in flight"));
        let e = Session::load("B lisen\n").unwrap_err();
        assert_eq!((e.line, e.column), (1, 3));
    }

    #[test]
    fn an_old_copy_that_acts_gets_its_own_engine() {
        let old = handshake();
        let mut new = old.clone();
        new.apply(Command::Call {
            peer: Peer::A,
            call: Call::Close,
        })
        .unwrap();
        let mut other = old.clone();
        other
            .apply(Command::Call {
                peer: Peer::B,
                call: Call::Close,
            })
            .unwrap();
        assert_eq!(state(&new, Peer::A), State::FinWait1);
        assert_eq!(state(&new, Peer::B), State::SynReceived);
        assert_eq!(state(&other, Peer::B), State::FinWait1);
        assert_eq!(state(&other, Peer::A), State::Established);
        assert!(other.text().ends_with("deliver s2\nB close\n"));
        assert_eq!(*new.trace(), *new.engine.borrow().sim.trace());
        // And the first line of history goes on in place.
        new.apply(Command::Deliver(Label(3))).unwrap();
        assert_eq!(*new.trace(), *new.engine.borrow().sim.trace());
        assert_eq!(old.len(), handshake().len());
    }

    /// Going back never replays from the start: at most `CHECKPOINT_EVERY - 1` commands, and
    /// the engine it rebuilds is the one the commands gave.
    #[test]
    fn going_back_replays_from_the_nearest_checkpoint() {
        let mut text = String::from("set delivery auto\nB listen\nA connect\nwait 1s\n");
        text += &"A send 100\nwait 10ms\n".repeat(CHECKPOINT_EVERY * 2);
        let s = Session::load(&text).unwrap();
        let n = s.commands().len();
        for at in [n - 1, CHECKPOINT_EVERY + 3, CHECKPOINT_EVERY, 5] {
            assert!(s.replay_length(at) < CHECKPOINT_EVERY, "{at}");
            let mut cut = s.clone();
            cut.cut(at);
            let text = s.text();
            let lines: Vec<&str> = text.lines().collect();
            let replayed = Session::load(&(lines[..at].join("\n") + "\n")).unwrap();
            assert_eq!(*cut.trace(), *replayed.trace(), "cut at {at}");
            assert_eq!(cut.after(at), replayed.after(at));
            assert_eq!(**cut.timeline(), **replayed.timeline());
        }
        assert!(s.replay_length(n) < CHECKPOINT_EVERY);
    }
}
