//! "How do I get there?": what the page asks the explorer's worker
//! (crates/explore-worker) and how it reads the answers. Plain Rust, tested natively; the
//! worker's plumbing is in `glue::explore_worker`, the panel in `components::explore`.

use synack_core::explore::{Answer, CallKind, Goal, Options, PeerGoal, Progress, Request, Search};
use synack_core::{Peer, State};

/// How long a search for a pair may run (the worker's clock), as the CLI's default.
pub const REACH_TIME_MS: f64 = 10_000.0;
/// How long the map's search may run: the map is drawn from whatever was reached by then,
/// and says how far that is.
pub const MAP_TIME_MS: f64 = 5_000.0;

/// What the user asked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ask {
    /// The shortest way to A in `a` and B in `b` (`None`: any state).
    Reach { a: Option<State>, b: Option<State> },
    /// Every pair reachable from here, with its distance.
    Map,
}

/// Where the user wants each peer to end up, and whether they are picking it on the diagram.
/// It lives in the page's state (not the panel's) because the diagram, which the panel does
/// not draw, is where a pick happens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Target {
    /// A's and B's target state (`None`: any), by `Peer::index`.
    pub states: [Option<State>; 2],
    /// The peer whose target the next click on a diagram node sets, while picking.
    pub picking: Option<Peer>,
    /// Counts the picks completed on the diagram: the panel searches when it changes, so a
    /// student who picked both ends sees the way there without another click.
    pub picked: u32,
}

impl Default for Target {
    /// Both in CLOSING: the state the teaching material asks about most ("when does
    /// CLOSING appear?").
    fn default() -> Target {
        Target {
            states: [Some(State::Closing); 2],
            picking: None,
            picked: 0,
        }
    }
}

impl Target {
    /// The search this target asks for.
    pub fn ask(&self) -> Ask {
        Ask::Reach {
            a: self.states[0],
            b: self.states[1],
        }
    }

    /// Starts picking on the diagram: A's target first, then B's.
    pub fn start_picking(self) -> Target {
        Target {
            picking: Some(Peer::A),
            ..self
        }
    }

    pub fn stop_picking(self) -> Target {
        Target {
            picking: None,
            ..self
        }
    }

    /// Sets one peer's target from the panel's select; a pick under way is left as it is.
    pub fn set(mut self, peer: Peer, state: Option<State>) -> Target {
        self.states[peer.index()] = state;
        self
    }

    /// A click on the diagram (`Some` state) or on "any state" while picking: sets the
    /// picking peer's target and moves on to B, or after B ends the pick. Not picking, it
    /// changes nothing.
    pub fn pick(mut self, state: Option<State>) -> Target {
        let Some(peer) = self.picking else {
            return self;
        };
        self.states[peer.index()] = state;
        self.picking = match peer {
            Peer::A => Some(Peer::B),
            Peer::B => {
                self.picked += 1;
                None
            }
        };
        self
    }
}

/// The message for the worker: the search from the end of `script`, with the user calls
/// the states permit when `calls` is set (the CLI's `--calls`).
pub fn message(script: &str, ask: Ask, calls: bool) -> String {
    let (search, time_ms) = match ask {
        Ask::Reach { a, b } => {
            let peer = |s: Option<State>| s.map_or(PeerGoal::Any, PeerGoal::In);
            (
                Search::Reach(Goal {
                    a: peer(a),
                    b: peer(b),
                }),
                REACH_TIME_MS,
            )
        }
        Ask::Map => (Search::Map, MAP_TIME_MS),
    };
    let request = Request {
        script: script.to_string(),
        seed: None,
        search,
        options: Options {
            calls: if calls {
                CallKind::ALL.to_vec()
            } else {
                Vec::new()
            },
            ..Options::default()
        },
    };
    serde_json::json!({ "time_ms": time_ms, "request": request }).to_string()
}

/// A message from the worker.
#[derive(Clone, Debug, PartialEq)]
pub enum Reply {
    /// It started and reads messages now.
    Ready,
    /// How far the search has got.
    Progress(Progress),
    /// The search ended.
    Answer(Box<Answer>),
    /// The request was refused: why (the script does not run).
    Refused(String),
}

/// Reads a message from the worker (see the worker's protocol); `None` if it is not one.
pub fn reply_of(text: &str) -> Option<Reply> {
    let mut chars = text.chars();
    let kind = chars.next()?;
    let rest = chars.as_str();
    match kind {
        'R' => Some(Reply::Ready),
        'P' => serde_json::from_str(rest).ok().map(Reply::Progress),
        'A' => serde_json::from_str(rest)
            .ok()
            .map(|a| Reply::Answer(Box::new(a))),
        'E' => Some(Reply::Refused(rest.to_string())),
        _ => None,
    }
}

/// The map's colour band for a distance: 0, 1, … 5, then 6 and more together.
pub fn band(distance: u32) -> usize {
    distance.min(6) as usize
}

/// The legend's label of a band.
pub fn band_label(band: usize) -> String {
    if band >= 6 {
        "6+".into()
    } else {
        band.to_string()
    }
}

/// The 11 × 11 map: for each (A, B) pair by `State::ALL` index, the index of its entry in
/// `answer.reached`, if it was reached.
pub fn grid(answer: &Answer) -> [[Option<usize>; 11]; 11] {
    let mut grid = [[None; 11]; 11];
    let index = |s: State| State::ALL.iter().position(|&x| x == s);
    for (i, r) in answer.reached.iter().enumerate() {
        if let (Some(a), Some(b)) = (index(r.path.a), index(r.path.b)) {
            grid[a][b].get_or_insert(i);
        }
    }
    grid
}

/// A short name for a state, for the map's column headings where eleven full names do not
/// fit a phone's width (the full name is the heading's title and in every cell's label).
pub fn short_name(s: State) -> &'static str {
    match s {
        State::Closed => "CL",
        State::Listen => "LI",
        State::SynSent => "SS",
        State::SynReceived => "SR",
        State::Established => "ES",
        State::FinWait1 => "F1",
        State::FinWait2 => "F2",
        State::CloseWait => "CW",
        State::Closing => "CG",
        State::LastAck => "LA",
        State::TimeWait => "TW",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use synack_core::explore::{Path, Reached, Stop};

    #[test]
    fn the_message_carries_the_goal_the_calls_and_the_budget() {
        let m = message(
            "B listen\n",
            Ask::Reach {
                a: Some(State::Closing),
                b: None,
            },
            true,
        );
        let v: serde_json::Value = serde_json::from_str(&m).unwrap();
        assert_eq!(v["time_ms"], REACH_TIME_MS);
        let r: Request = serde_json::from_value(v["request"].clone()).unwrap();
        assert_eq!(r.script, "B listen\n");
        assert_eq!(
            r.search,
            Search::Reach(Goal {
                a: PeerGoal::In(State::Closing),
                b: PeerGoal::Any
            })
        );
        assert_eq!(r.options.calls, CallKind::ALL.to_vec());
        let m = message("", Ask::Map, false);
        let v: serde_json::Value = serde_json::from_str(&m).unwrap();
        let r: Request = serde_json::from_value(v["request"].clone()).unwrap();
        assert_eq!(r.search, Search::Map);
        assert!(r.options.calls.is_empty());
        assert_eq!(v["time_ms"], MAP_TIME_MS);
    }

    #[test]
    fn replies_are_read_and_garbage_is_not() {
        let answer = Answer {
            progress: Progress {
                states: 3,
                expanded: 1,
                tried: 2,
                frontier: 0,
                complete_depth: 1,
                dead_ends: 0,
                stop: Some(Stop::Exhausted),
            },
            found: None,
            reached: vec![],
        };
        let text = format!("A{}", serde_json::to_string(&answer).unwrap());
        assert_eq!(
            reply_of(&text),
            Some(Reply::Answer(Box::new(answer.clone())))
        );
        let text = format!("P{}", serde_json::to_string(&answer.progress).unwrap());
        assert_eq!(reply_of(&text), Some(Reply::Progress(answer.progress)));
        assert_eq!(reply_of("R"), Some(Reply::Ready));
        assert_eq!(
            reply_of("Ebad line"),
            Some(Reply::Refused("bad line".into()))
        );
        assert_eq!(reply_of("P{not json"), None);
        assert_eq!(reply_of(""), None);
    }

    #[test]
    fn the_grid_places_each_pair_once_at_its_nearest() {
        let reached = |distance, a, b| Reached {
            distance,
            path: Path {
                steps: vec!["wait".into(); distance as usize],
                a,
                b,
            },
        };
        let answer = Answer {
            progress: Progress {
                states: 0,
                expanded: 0,
                tried: 0,
                frontier: 0,
                complete_depth: 0,
                dead_ends: 0,
                stop: None,
            },
            found: None,
            reached: vec![
                reached(0, State::Established, State::Established),
                reached(2, State::Closing, State::Closing),
                reached(3, State::Closing, State::Closing),
            ],
        };
        let g = grid(&answer);
        assert_eq!(g[4][4], Some(0));
        assert_eq!(g[8][8], Some(1));
        assert_eq!(g.iter().flatten().flatten().count(), 2);
        assert_eq!(band(0), 0);
        assert_eq!(band(9), 6);
        assert_eq!(band_label(6), "6+");
        let shorts: std::collections::HashSet<_> =
            State::ALL.iter().map(|&s| short_name(s)).collect();
        assert_eq!(shorts.len(), 11, "short names are distinct");
    }

    #[test]
    fn picking_on_the_diagram_sets_a_then_b_then_asks() {
        let t = Target::default();
        assert_eq!(
            t.pick(Some(State::Listen)),
            t,
            "a click while not picking changes nothing"
        );
        let t = t.start_picking();
        assert_eq!(t.picking, Some(Peer::A));
        let t = t.pick(Some(State::TimeWait));
        assert_eq!(t.states, [Some(State::TimeWait), Some(State::Closing)]);
        assert_eq!((t.picking, t.picked), (Some(Peer::B), 0));
        let t = t.pick(None);
        assert_eq!(t.states, [Some(State::TimeWait), None]);
        assert_eq!((t.picking, t.picked), (None, 1), "B ends the pick and asks");
        assert_eq!(
            t.ask(),
            Ask::Reach {
                a: Some(State::TimeWait),
                b: None
            }
        );
        let stopped = t.start_picking().pick(Some(State::Closed)).stop_picking();
        assert_eq!(stopped.picking, None);
        assert_eq!(stopped.picked, 1, "a cancelled pick asks nothing");
        assert_eq!(
            stopped.states[0],
            Some(State::Closed),
            "what was picked stays"
        );
        assert_eq!(
            Target::default().set(Peer::B, Some(State::Listen)).states,
            [Some(State::Closing), Some(State::Listen)]
        );
    }
}
