//! The first steps a newcomer is shown: B listens, A connects, the SYN is delivered. Each
//! ticks itself off from the run at the cursor, so the strip follows the user rather than
//! telling them what they already did.

use synack_core::{Peer, State};

use crate::model::state::AppState;
use crate::model::timeline::SegStatus;

/// One of the three first steps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FirstStep {
    /// B's Listen: the server opens passively.
    Listen,
    /// A's Connect: the client sends its SYN.
    Connect,
    /// A segment delivered from its menu.
    Deliver,
}

impl FirstStep {
    pub const ALL: [FirstStep; 3] = [FirstStep::Listen, FirstStep::Connect, FirstStep::Deliver];

    /// Its catalog key and the `data-step` name.
    pub fn name(self) -> &'static str {
        match self {
            FirstStep::Listen => "listen",
            FirstStep::Connect => "connect",
            FirstStep::Deliver => "deliver",
        }
    }
}

/// Which steps the run at the cursor has done.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Progress {
    pub done: [bool; 3],
}

impl Progress {
    pub fn of(s: &AppState) -> Progress {
        let cursor = s.cursor();
        let segs = s.timeline().segs();
        let sent = |by: Peer| {
            segs.iter()
                .any(|g| g.record.from == by && g.status(cursor) != SegStatus::NotYetSent)
        };
        let delivered = segs
            .iter()
            .any(|g| g.status(cursor) == SegStatus::Delivered);
        Progress {
            done: [
                s.state_of(Peer::B) != State::Closed || sent(Peer::B),
                s.state_of(Peer::A) != State::Closed || sent(Peer::A),
                delivered,
            ],
        }
    }

    pub fn is_done(&self, step: FirstStep) -> bool {
        self.done[step as usize]
    }

    /// The first step not done yet, in order: the one to point at.
    pub fn next(&self) -> Option<FirstStep> {
        FirstStep::ALL.into_iter().find(|&st| !self.is_done(st))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_steps_tick_off_as_the_handshake_starts() {
        let at = |text: &str| Progress::of(&AppState::loaded(text));
        assert_eq!(at("").next(), Some(FirstStep::Listen));
        assert_eq!(at("B listen\n").next(), Some(FirstStep::Connect));
        assert_eq!(at("B listen\nA connect\n").next(), Some(FirstStep::Deliver));
        assert_eq!(at("B listen\nA connect\ndeliver s1\n").next(), None);
        // Out of order: A connects first (B, still CLOSED, answers with a RST when the SYN
        // arrives); Listen is still the one to point at.
        let p = at("A connect\n");
        assert_eq!(p.done, [false, true, false]);
        assert_eq!(p.next(), Some(FirstStep::Listen));
    }

    #[test]
    fn the_steps_follow_the_cursor() {
        let mut s = AppState::loaded("B listen\nA connect\ndeliver s1\n");
        s.show(0);
        assert_eq!(Progress::of(&s).next(), Some(FirstStep::Listen));
    }
}
