//! The frame: everything the views ask about one moment of the run, computed once per
//! (session, cursor). Views read a frame and the timeline; none reads the engine.
//!
//! Most of it comes from the timeline (states, transitions, timers, signals, settings at the
//! cursor). What the log does not hold (the TCBs, the bytes received, the clock of a quiet
//! `wait`) comes from the session's record after the last command that ended by the cursor:
//! exactly where an action at the cursor would be applied.

use synack_core::{Instant, Peer, Signal, State, Timer};

use crate::model::inject::InjectPresets;
use crate::model::session::{After, PeerAfter, Session};
use crate::model::settings::Settings;
use crate::model::ss::{self, SsRow};
use crate::model::timeline::Timeline;

/// A transition: (index of the event after it, from, to).
pub type Transition = (usize, State, State);

/// A timer running at the cursor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RunningTimer {
    pub timer: Timer,
    pub deadline: Instant,
    /// The event that set it (the chart draws the countdown from its row).
    pub set_at: usize,
}

/// One peer at the cursor.
#[derive(Clone, Debug, PartialEq)]
pub struct PeerFrame {
    pub state: State,
    /// Its latest transition.
    pub last: Option<Transition>,
    /// Its running timers, in `Timer::ALL`'s order.
    pub timers: Vec<RunningTimer>,
    /// The latest signal to its user since its last call.
    pub signal: Option<Signal>,
    /// The peer after the last whole command (see [`Frame::exact`]).
    pub after: PeerAfter,
}

impl PeerFrame {
    /// The deadline of `timer`, if it runs.
    pub fn timer(&self, timer: Timer) -> Option<Instant> {
        self.timers
            .iter()
            .find(|t| t.timer == timer)
            .map(|t| t.deadline)
    }
}

/// The run at one cursor.
#[derive(Clone, Debug, PartialEq)]
pub struct Frame {
    /// How many log events have happened.
    pub cursor: usize,
    /// Events in the whole run: the live end's cursor.
    pub len: usize,
    /// The virtual time at the cursor (the engine's clock at the live end).
    pub now: Instant,
    /// Commands whose events have all happened: an action at the cursor comes after them.
    pub commands: usize,
    /// The cursor is exactly at the end of those commands (else it is inside the next one,
    /// say a long `wait`, and [`PeerFrame::after`] is from before it).
    pub exact: bool,
    pub peers: [PeerFrame; 2],
    /// Every setting at the cursor: delivery mode, latency, the timer profile…
    pub settings: Settings,
    /// The inject form's presets for a segment from A and from B, computed where it would
    /// be injected.
    pub presets: [InjectPresets; 2],
}

impl Frame {
    /// The frame of `session` once the first `cursor` events have happened (clamped to the
    /// live end).
    pub fn new(session: &Session, cursor: usize) -> Frame {
        let t: &Timeline = session.timeline();
        let cursor = cursor.min(t.len());
        let commands = session.commands_within(cursor);
        let after: After = session.after(commands);
        let live = cursor >= t.len();
        let peer = |p: Peer| PeerFrame {
            state: t.state_at(p, cursor),
            last: t.last_transition(p, cursor),
            timers: Timer::ALL
                .into_iter()
                .filter_map(|timer| {
                    let (set_at, deadline) = t.timer_set_at(p, timer, cursor)?;
                    Some(RunningTimer {
                        timer,
                        deadline,
                        set_at,
                    })
                })
                .collect(),
            signal: t.recent_signal(p, cursor),
            after: after.peers[p.index()],
        };
        Frame {
            cursor,
            len: t.len(),
            now: if live { after.now } else { t.time_at(cursor) },
            commands,
            exact: live || session.end_of(commands) == cursor,
            peers: [peer(Peer::A), peer(Peer::B)],
            settings: t.settings_at(cursor).clone(),
            presets: [
                InjectPresets::at(&after, Peer::A),
                InjectPresets::at(&after, Peer::B),
            ],
        }
    }

    /// At the live end of the run.
    pub fn live(&self) -> bool {
        self.cursor >= self.len
    }

    pub fn peer(&self, peer: Peer) -> &PeerFrame {
        &self.peers[peer.index()]
    }

    /// What `ss -tan` lists on `peer`'s host (see [`Frame::exact`]).
    pub fn sockets(&self, peer: Peer) -> Vec<SsRow> {
        ss::rows(&self.peer(peer).after, peer)
    }

    /// The states both peers are in, A first.
    pub fn states(&self) -> [State; 2] {
        [self.peers[0].state, self.peers[1].state]
    }

    /// Both peers' latest transitions, A first.
    pub fn transitions(&self) -> [Option<Transition>; 2] {
        [self.peers[0].last, self.peers[1].last]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use synack_core::script::Command;
    use synack_core::{Delivery, Duration, Label, Setting};

    use crate::model::chart_layout::{course, Course, Network};
    use crate::model::timeline::SegStatus;

    #[test]
    fn the_frame_follows_the_cursor() {
        let s = Session::load("B listen\nA connect\ndeliver s1\n").unwrap();
        let f = Frame::new(&s, s.len());
        assert!(f.live() && f.exact);
        assert_eq!(f.states(), [State::SynSent, State::SynReceived]);
        let (_, from, to) = f.peer(Peer::B).last.expect("B moved");
        assert_eq!((from, to), (State::Listen, State::SynReceived));
        assert!(f.peer(Peer::A).timer(Timer::Retransmission).is_some());
        // Before anything happened there is no transition and no timer.
        let f0 = Frame::new(&s, 0);
        assert_eq!(f0.states(), [State::Closed; 2]);
        assert_eq!(f0.transitions(), [None, None]);
        assert!(f0.peers.iter().all(|p| p.timers.is_empty()));
        // While nothing changes for a peer, its latest transition stays the same event.
        let before_b_moved = s.len() - 2;
        assert_eq!(
            Frame::new(&s, before_b_moved).peers[0].last,
            f.peers[0].last
        );
    }

    /// Issue 9: the chart at a past cursor is drawn with that cursor's delivery mode. A
    /// segment waiting for a manual `deliver` stays waiting when the cursor goes back across a
    /// later `set delivery auto` (which playback writes).
    #[test]
    fn a_past_cursor_has_its_own_delivery_mode_and_latency() {
        let mut s = Session::load("set latency 80ms\nB listen\nA connect\n").unwrap();
        let waiting = s.len();
        s.apply(Command::Set(Setting::Delivery(Delivery::Auto)))
            .unwrap();
        s.apply(Command::Set(Setting::Latency(Duration::from_millis(10))))
            .unwrap();
        let live = Frame::new(&s, s.len());
        assert_eq!(live.settings.network.delivery, Delivery::Auto);
        let past = Frame::new(&s, waiting);
        assert_eq!(past.settings.network.delivery, Delivery::Manual);
        assert_eq!(past.settings.network.latency.millis(), 80);
        let s1 = s.timeline().seg(Label(1)).unwrap();
        assert_eq!(s1.status(waiting), SegStatus::InFlight);
        // So the chart draws it waiting for a hand there, not flying.
        let t = s.timeline();
        let at = |f: &Frame| course(t, s1, f.cursor, &Network::at(&f.settings, f.now));
        assert!(
            matches!(at(&past), Some(Course::Waiting { held: false, .. })),
            "{:?}",
            at(&past)
        );
        // At the live end it has arrived (auto delivery moved it on once time passed)
        // or flies: in no case is it drawn by the other cursor's rules.
        assert!(
            !matches!(at(&live), Some(Course::Waiting { .. })),
            "{:?}",
            at(&live)
        );
    }

    /// Issue 9: the inject presets come from the peers at the cursor, not at the live end.
    #[test]
    fn inject_presets_are_computed_at_the_cursor() {
        let s = Session::load(
            "B listen\nA connect\ndeliver s1\ndeliver s2\ndeliver s3\nA send 100\ndeliver s4\n",
        )
        .unwrap();
        let live = Frame::new(&s, s.len());
        // B has A's 100 bytes: the next A->B segment starts at 101.
        assert_eq!(live.presets[0].next_seq, 101);
        // Back at the end of the handshake it starts at 1, as the engine said then.
        let handshake = s.end_of(5);
        let past = Frame::new(&s, handshake);
        assert!(past.exact);
        assert_eq!(past.commands, 5);
        assert_eq!((past.presets[0].next_seq, past.presets[0].next_ack), (1, 1));
        // Inside a command the presets are those where an action would be applied: after
        // the last whole command.
        let inside = Frame::new(&s, handshake + 1);
        assert!(!inside.exact);
        assert_eq!(inside.presets, past.presets);
    }

    #[test]
    fn the_socket_table_follows_the_cursor() {
        let s =
            Session::load("B listen\nA connect\ndeliver s1\ndeliver s2\ndeliver s3\nA send 100\n")
                .unwrap();
        let end_of_connect = s.end_of(2);
        let f = Frame::new(&s, end_of_connect);
        assert!(f.exact);
        assert_eq!(f.sockets(Peer::A)[0].state, "SYN-SENT");
        // One event into `deliver s1`: the table shows the end of `A connect` and says so.
        let f = Frame::new(&s, end_of_connect + 1);
        assert!(!f.exact);
        assert_eq!(f.sockets(Peer::B)[0].state, "LISTEN");
        assert_eq!(f.sockets(Peer::B).len(), 1);
        let live = Frame::new(&s, s.len());
        assert_eq!(live.sockets(Peer::A)[0].send_q, 100);
    }

    #[test]
    fn the_clock_at_the_live_end_counts_quiet_waits() {
        let s = Session::load("B listen\nwait 5s\n").unwrap();
        assert_eq!(Frame::new(&s, s.len()).now, Instant(5000));
        assert_eq!(Frame::new(&s, s.len() - 1).now, Instant(0));
    }
}
