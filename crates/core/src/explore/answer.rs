//! What a search reports: why it ended, how far it got, and the paths it found. Every type
//! here is serialisable, so a Web Worker can post it to the page as it is.

use core::fmt;

use serde::{Deserialize, Serialize};

use crate::state::State;

/// Why a search ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Stop {
    /// The goal was reached (by a shortest path).
    Found,
    /// Every state reachable from the start was explored: the answer is complete.
    Exhausted,
    /// States this many steps from the start were not expanded (the depth limit).
    DepthLimit {
        /// The limit.
        depth: u32,
    },
    /// The number of distinct states reached the limit.
    StateLimit {
        /// The limit.
        states: u64,
    },
    /// The caller stopped the search (its time budget ran out, or the user cancelled).
    Stopped,
}

impl Stop {
    /// Whether a bound cut the search short: what was not found may still be reachable.
    pub fn is_bound(self) -> bool {
        matches!(
            self,
            Stop::DepthLimit { .. } | Stop::StateLimit { .. } | Stop::Stopped
        )
    }
}

/// How far a search has got. Posted as it runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    /// Distinct states reached so far (the start included).
    pub states: u64,
    /// States whose next steps have all been tried.
    pub expanded: u64,
    /// Steps tried, each from a copy of the state it starts from, whether it led to a new
    /// state or to one seen before.
    pub tried: u64,
    /// States reached but not yet expanded.
    pub frontier: u64,
    /// Every sequence of up to this many steps has been explored: a target not found is not
    /// reachable in so few. Equal to the deepest state found once the search is exhausted.
    pub complete_depth: u32,
    /// Steps that could not run (a `wait` that hit the simulator's livelock bound).
    pub dead_ends: u64,
    /// Why the search ended, once it has.
    pub stop: Option<Stop>,
}

/// A shortest way to a state pair: script lines that, appended to the start's script,
/// replay it exactly.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Path {
    /// One `.tcps` command per step (`deliver s4`, `wait 1s`, `B close`).
    pub steps: Vec<String>,
    /// A's state at the end.
    pub a: State,
    /// B's state at the end.
    pub b: State,
}

impl Path {
    /// The steps, then an `expect` line for each peer's state at the end: appended to the
    /// start's script, a script that `synack check` passes.
    pub fn lines(&self) -> Vec<String> {
        let mut lines = self.steps.clone();
        lines.push(format!("expect A {}", self.a));
        lines.push(format!("expect B {}", self.b));
        lines
    }

    /// `start`'s text followed by [`lines`](Path::lines), one per line.
    pub fn script_after(&self, start: &str) -> String {
        let mut script = start.to_string();
        if !script.is_empty() && !script.ends_with('\n') {
            script.push('\n');
        }
        for line in self.lines() {
            script += &line;
            script.push('\n');
        }
        script
    }
}

/// A pair of states the search reached, how many steps away, and one shortest way there.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reached {
    /// Steps from the start.
    pub distance: u32,
    /// The way there; its `a` and `b` are the pair.
    pub path: Path,
}

/// The result of a search.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Answer {
    /// How far it got and why it ended.
    pub progress: Progress,
    /// The shortest path to the goal, when one was found.
    pub found: Option<Path>,
    /// Every (A, B) pair reached, nearest first (then in the order of [`State::ALL`]), each
    /// with its distance and a shortest path.
    pub reached: Vec<Reached>,
}

impl Answer {
    /// Why the search ended: a search that ran to its end always has a reason.
    pub fn stop(&self) -> Stop {
        self.progress.stop.unwrap_or(Stop::Stopped)
    }

    /// In words, why a goal was not found: what was explored and which bound ended it.
    pub fn why_not_found(&self) -> WhyNot {
        WhyNot(self.progress)
    }

    /// In words, how much of the space the search covered, for a map.
    pub fn coverage(&self) -> Coverage {
        Coverage(self.progress)
    }
}

/// How much a search covered, for messages: "every reachable state (812 states)" or "every
/// sequence of up to 6 steps (200000 states); the state limit stopped it".
#[derive(Clone, Copy, Debug)]
pub struct Coverage(Progress);

impl fmt::Display for Coverage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = &self.0;
        let (states, depth) = (p.states, p.complete_depth);
        let plural =
            |n: u64, one: &'static str, many: &'static str| if n == 1 { one } else { many };
        let states_word = plural(states, "state", "states");
        let steps_word = plural(u64::from(depth), "step", "steps");
        match p.stop {
            Some(Stop::Exhausted) => write!(
                f,
                "every reachable state was explored ({states} {states_word}, the farthest {depth} {steps_word} away)"
            ),
            Some(Stop::Found) => write!(f, "{states} {states_word} explored"),
            stop => {
                write!(f, "every sequence of up to {depth} {steps_word} was explored ({states} {states_word}); ")?;
                match stop {
                    Some(Stop::DepthLimit { depth }) => write!(f, "the depth limit ({depth}) stopped the search"),
                    Some(Stop::StateLimit { states }) => write!(f, "the state limit ({states}) stopped the search"),
                    _ => write!(f, "the time budget stopped the search"),
                }
            }
        }
    }
}

/// The explanation of an unsuccessful search, for messages.
#[derive(Clone, Copy, Debug)]
pub struct WhyNot(Progress);

impl fmt::Display for WhyNot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = &self.0;
        let states = p.states;
        let depth = p.complete_depth;
        let steps = |n: u32| if n == 1 { "step" } else { "steps" };
        match p.stop.unwrap_or(Stop::Stopped) {
            Stop::Found => write!(f, "it was found"),
            Stop::Exhausted => write!(
                f,
                "unreachable: the search explored every state reachable from here ({states} {}, \
                 at most {depth} {} away) and none is the target",
                if states == 1 { "state" } else { "states" },
                steps(depth)
            ),
            Stop::DepthLimit { depth: limit } => write!(
                f,
                "not reachable within {limit} {}: every sequence of up to {limit} {} was \
                 explored ({states} states); longer ones were not (the depth limit)",
                steps(limit),
                steps(limit)
            ),
            Stop::StateLimit { states: limit } => write!(
                f,
                "not reachable within {depth} {}: every sequence of up to {depth} {} was \
                 explored, and the search stopped at its limit of {limit} states while \
                 exploring step {}",
                steps(depth),
                steps(depth),
                depth + 1
            ),
            Stop::Stopped => write!(
                f,
                "not reachable within {depth} {}: every sequence of up to {depth} {} was \
                 explored ({states} states) before the time budget ran out",
                steps(depth),
                steps(depth)
            ),
        }
    }
}
