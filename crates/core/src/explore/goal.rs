//! What the explorer looks for: a pair of states, or a transition a peer takes, with `*` for
//! "any", written `A=CLOSING,B=CLOSING` or `B=FIN_WAIT_1->CLOSING`.

use core::fmt;

use serde::{Deserialize, Serialize};

use crate::sim::Sim;
use crate::state::State;
use crate::trace::{Event, Peer};

/// What one peer must do or be for the goal to hold.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PeerGoal {
    /// Anything (`*`, or the peer left out).
    #[default]
    Any,
    /// Be in this state.
    In(State),
    /// Take this transition in the last step; `None` on either side is any state.
    Takes {
        /// The state left.
        from: Option<State>,
        /// The state entered.
        to: Option<State>,
    },
}

/// A target of the search: one condition per peer, both of which must hold.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Goal {
    /// What A must do or be.
    pub a: PeerGoal,
    /// What B must do or be.
    pub b: PeerGoal,
}

impl Goal {
    /// Both peers in these states.
    pub fn pair(a: State, b: State) -> Goal {
        Goal {
            a: PeerGoal::In(a),
            b: PeerGoal::In(b),
        }
    }

    /// `peer` takes `from -> to`; the other peer may be anywhere.
    pub fn transition(peer: Peer, from: State, to: State) -> Goal {
        let takes = PeerGoal::Takes {
            from: Some(from),
            to: Some(to),
        };
        match peer {
            Peer::A => Goal {
                a: takes,
                b: PeerGoal::Any,
            },
            Peer::B => Goal {
                a: PeerGoal::Any,
                b: takes,
            },
        }
    }

    /// The condition on `peer`.
    pub fn of(&self, peer: Peer) -> PeerGoal {
        match peer {
            Peer::A => self.a,
            Peer::B => self.b,
        }
    }

    /// Whether the goal holds in `sim`, whose log holds exactly the last step's events.
    pub(crate) fn holds(&self, sim: &Sim) -> bool {
        Peer::BOTH.into_iter().all(|peer| match self.of(peer) {
            PeerGoal::Any => true,
            PeerGoal::In(state) => sim.state(peer) == state,
            PeerGoal::Takes { from, to } => sim.trace().iter().any(|e| match e.event {
                Event::StateChange {
                    peer: p,
                    from: f,
                    to: t,
                    ..
                } => p == peer && from.is_none_or(|s| s == f) && to.is_none_or(|s| s == t),
                _ => false,
            }),
        })
    }

    /// Whether the goal can hold without a step: it asks for no transition.
    pub(crate) fn needs_a_step(&self) -> bool {
        Peer::BOTH
            .into_iter()
            .any(|p| matches!(self.of(p), PeerGoal::Takes { .. }))
    }
}

impl fmt::Display for PeerGoal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = |s: Option<State>| s.map_or("*", State::name);
        match self {
            PeerGoal::Any => f.write_str("*"),
            PeerGoal::In(state) => f.write_str(state.name()),
            PeerGoal::Takes { from, to } => write!(f, "{}->{}", name(*from), name(*to)),
        }
    }
}

impl fmt::Display for Goal {
    /// `A=CLOSING,B=CLOSING`; a peer with no condition is left out (`B=FIN_WAIT_1->CLOSING`),
    /// unless neither has one (`A=*,B=*`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = Peer::BOTH
            .into_iter()
            .filter(|&p| self.of(p) != PeerGoal::Any)
            .map(|p| format!("{p}={}", self.of(p)))
            .collect();
        if parts.is_empty() {
            f.write_str("A=*,B=*")
        } else {
            f.write_str(&parts.join(","))
        }
    }
}

impl core::str::FromStr for Goal {
    type Err = String;

    /// Reads `A=CLOSING,B=CLOSING`, `B=FIN_WAIT_1->CLOSING`, `A=*->CLOSED,B=LISTEN`: one
    /// `peer=condition` per peer, comma-separated, each peer at most once.
    fn from_str(text: &str) -> Result<Goal, String> {
        let state = |word: &str| -> Result<Option<State>, String> {
            if word == "*" {
                return Ok(None);
            }
            word.parse::<State>().map(Some).map_err(|_| {
                format!(
                    "`{word}` is not a state (CLOSED, LISTEN, SYN_SENT, SYN_RCVD, ESTABLISHED, \
                     FIN_WAIT_1, FIN_WAIT_2, CLOSE_WAIT, CLOSING, LAST_ACK, TIME_WAIT or *)"
                )
            })
        };
        let mut goal = Goal::default();
        let mut seen = [false; 2];
        for part in text.split(',') {
            let part = part.trim();
            let Some((who, what)) = part.split_once('=') else {
                return Err(format!(
                    "`{part}`: expected PEER=STATE or PEER=FROM->TO (e.g. A=CLOSING, B=FIN_WAIT_1->CLOSING)"
                ));
            };
            let peer = match who.trim() {
                "A" => Peer::A,
                "B" => Peer::B,
                other => return Err(format!("`{other}` is not a peer (A or B)")),
            };
            if std::mem::replace(&mut seen[peer.index()], true) {
                return Err(format!("{peer} is named twice"));
            }
            let what = what.trim();
            let condition = match what.split_once("->") {
                Some((from, to)) => PeerGoal::Takes {
                    from: state(from.trim())?,
                    to: state(to.trim())?,
                },
                None => state(what)?.map_or(PeerGoal::Any, PeerGoal::In),
            };
            match peer {
                Peer::A => goal.a = condition,
                Peer::B => goal.b = condition,
            }
        }
        Ok(goal)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn goals_parse_and_print_back() {
        for text in [
            "A=CLOSING,B=CLOSING",
            "B=FIN_WAIT_1->CLOSING",
            "A=*->CLOSED,B=LISTEN",
            "A=SYN_RCVD->*",
            "A=*,B=*",
        ] {
            let goal: Goal = text.parse().unwrap();
            assert_eq!(goal.to_string(), text);
        }
        assert_eq!(
            "B=CLOSING, A=TIME_WAIT".parse::<Goal>(),
            Ok(Goal::pair(State::TimeWait, State::Closing))
        );
        assert_eq!(
            "B=FIN_WAIT_1->CLOSING".parse::<Goal>(),
            Ok(Goal::transition(Peer::B, State::FinWait1, State::Closing))
        );
    }

    #[test]
    fn bad_goals_say_what_is_wrong() {
        let err = |t: &str| t.parse::<Goal>().unwrap_err();
        assert!(err("A=CLOSE").contains("`CLOSE` is not a state"));
        assert!(err("C=CLOSED").contains("`C` is not a peer"));
        assert!(err("A=CLOSED,A=LISTEN").contains("A is named twice"));
        assert!(err("CLOSING").contains("expected PEER=STATE"));
        assert!(err("").contains("expected PEER=STATE"));
    }
}
