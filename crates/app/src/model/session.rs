//! The session: the script is the source of truth, and the simulator is what running it gives.
//!
//! Every user action becomes a script command appended to the text, so the script panel always
//! shows how to reproduce the view. Going back in time and acting again cuts the script at
//! that point and replays it, which is exact because the engine is deterministic.

use synack_core::script::{self, Command, ScriptError};
use synack_core::{Duration, Sim};

/// A command of the script with where it is and where its events end in the trace.
#[derive(Clone, Debug, PartialEq)]
pub struct Recorded {
    /// Index into the script's lines.
    pub line: usize,
    pub command: Command,
    /// The trace's length after this command ran.
    pub trace_end: usize,
}

/// The script, the simulator that ran it, and the expectations that failed.
#[derive(Clone, Debug)]
pub struct Session {
    lines: Vec<String>,
    commands: Vec<Recorded>,
    sim: Sim,
    failures: Vec<ScriptError>,
    /// The last line is a `wait` written by playback, which the next tick extends.
    playback_wait: bool,
}

impl Default for Session {
    fn default() -> Session {
        Session {
            lines: Vec::new(),
            commands: Vec::new(),
            sim: Sim::new(),
            failures: Vec::new(),
            playback_wait: false,
        }
    }
}

impl Session {
    /// Parses and runs a script. On an error nothing is kept: the caller keeps the text.
    pub fn load(text: &str) -> Result<Session, ScriptError> {
        let parsed = script::parse(text)?;
        let mut session = Session {
            lines: text.lines().map(str::to_owned).collect(),
            ..Session::default()
        };
        for line in parsed.lines {
            session.run(line.line - 1, line.command)?;
        }
        Ok(session)
    }

    /// Runs one command at the end of the session and records it at `line`.
    fn run(&mut self, line: usize, command: Command) -> Result<(), ScriptError> {
        match script::execute(&mut self.sim, &command) {
            Ok(failure) => {
                if let Some(message) = failure {
                    self.failures.push(ScriptError {
                        line: line + 1,
                        column: 1,
                        message,
                    });
                }
                self.commands.push(Recorded {
                    line,
                    command,
                    trace_end: self.sim.trace().len(),
                });
                Ok(())
            }
            Err(e) => Err(ScriptError {
                line: line + 1,
                column: 1,
                message: e.to_string(),
            }),
        }
    }

    pub fn sim(&self) -> &Sim {
        &self.sim
    }

    pub fn commands(&self) -> &[Recorded] {
        &self.commands
    }

    pub fn failures(&self) -> &[ScriptError] {
        &self.failures
    }

    /// The script text, ending with a newline when it has any line.
    pub fn text(&self) -> String {
        let mut text = self.lines.join("\n");
        if !text.is_empty() {
            text.push('\n');
        }
        text
    }

    /// Appends a user action. When the simulator refuses it (say, a label no longer in
    /// flight), nothing changes and the message comes back.
    pub fn apply(&mut self, command: Command) -> Result<(), String> {
        self.lines.push(command.to_string());
        self.playback_wait = false;
        let line = self.lines.len() - 1;
        if let Err(e) = self.run(line, command) {
            // The simulator may have moved partway (a livelocked wait): replay what was
            // there before, which is rare enough not to keep a copy for it.
            self.lines.pop();
            *self = Session::load(&self.text()).unwrap_or_default();
            return Err(e.message);
        }
        Ok(())
    }

    /// Advances the clock for playback, extending the previous playback `wait` line rather
    /// than writing one line per animation frame.
    pub fn playback_wait(&mut self, by: Duration) -> Result<(), String> {
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
        self.sim.wait(by).map_err(|e| e.to_string())?;
        let last = self
            .commands
            .last_mut()
            .expect("merge is only true when the last command is a wait");
        if let Command::Wait(total) = &mut last.command {
            *total = *total + by;
        }
        last.trace_end = self.sim.trace().len();
        self.lines[last.line] = last.command.to_string();
        Ok(())
    }

    /// Keeps the first `count` commands (and the lines up to the last of them) and replays.
    pub fn truncate(&mut self, count: usize) {
        if count >= self.commands.len() {
            return;
        }
        let keep_lines = match count {
            0 => self.commands.first().map_or(self.lines.len(), |c| c.line),
            n => self.commands[n - 1].line + 1,
        };
        self.lines.truncate(keep_lines);
        let text = self.text();
        // Replaying a prefix of commands that already ran cannot fail.
        *self = Session::load(&text).unwrap_or_default();
    }

    /// How many commands have all their events within the first `events` trace events.
    pub fn commands_within(&self, events: usize) -> usize {
        self.commands.partition_point(|c| c.trace_end <= events)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use synack_core::{Call, Label, Peer, State};

    fn handshake() -> Session {
        Session::load("# a comment\nB listen\nA connect\ndeliver s1\ndeliver s2\n").unwrap()
    }

    #[test]
    fn load_runs_and_keeps_the_text() {
        let s = handshake();
        assert_eq!(s.sim().state(Peer::A), State::Established);
        assert_eq!(s.commands().len(), 4);
        assert!(s.text().starts_with("# a comment\nB listen"));
    }

    #[test]
    fn apply_appends_a_line() {
        let mut s = handshake();
        s.apply(Command::Deliver(Label(3))).unwrap();
        assert_eq!(s.sim().state(Peer::B), State::Established);
        assert!(s.text().ends_with("deliver s2\ndeliver s3\n"));
    }

    #[test]
    fn refused_action_changes_nothing() {
        let mut s = handshake();
        let before = s.text();
        let err = s.apply(Command::Deliver(Label(9))).unwrap_err();
        assert!(err.contains("s9 is not in flight"), "{err}");
        assert_eq!(s.text(), before);
    }

    #[test]
    fn truncate_replays_the_prefix() {
        let mut s = handshake();
        s.truncate(2);
        assert_eq!(s.sim().state(Peer::A), State::SynSent);
        assert_eq!(s.text(), "# a comment\nB listen\nA connect\n");
        s.apply(Command::Call {
            peer: Peer::A,
            call: Call::Abort,
        })
        .unwrap();
        assert_eq!(s.sim().state(Peer::A), State::Closed);
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
        assert_eq!(s.sim().state(Peer::A), State::Established);
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
}
