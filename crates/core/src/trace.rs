//! The simulator's event log: everything that happened, in order, with enough detail to
//! redraw any earlier moment and to explain each step.

use core::fmt;

use serde::Serialize;

use crate::endpoint::{Call, CallError, Signal, Timer};
use crate::rule::Rule;
use crate::segment::Segment;
use crate::setting::Setting;
use crate::state::State;
use crate::time::Instant;

/// One of the two ends of a connection: the simulator's peers A and B, or, in a capture,
/// A the end that sent the first SYN (else the first packet) and B the other.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Peer {
    A,
    B,
}

impl Peer {
    pub const BOTH: [Peer; 2] = [Peer::A, Peer::B];

    pub fn other(self) -> Peer {
        match self {
            Peer::A => Peer::B,
            Peer::B => Peer::A,
        }
    }

    pub fn index(self) -> usize {
        self as usize
    }

    pub fn name(self) -> &'static str {
        match self {
            Peer::A => "A",
            Peer::B => "B",
        }
    }
}

impl fmt::Display for Peer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A segment label: `s1` is the first segment that entered the network.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct Label(pub u32);

impl fmt::Display for Label {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "s{}", self.0)
    }
}

/// How a segment came to be on the network.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    /// A peer sent it for the first time.
    Sent,
    /// A peer sent it again after a retransmission timeout.
    Retransmission,
    /// The script or the user injected it.
    Injected,
}

/// A segment as it entered the network, with numbers relative to each peer's ISN.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct SegmentRecord {
    pub label: Label,
    pub from: Peer,
    pub to: Peer,
    pub sent_at: Instant,
    pub origin: Origin,
    /// The header as sent, with absolute numbers.
    pub segment: Segment,
    /// SEG.SEQ relative to the sender's ISN.
    pub rel_seq: u32,
    /// SEG.ACK relative to the receiver's ISN, when the ACK flag is set.
    pub rel_ack: Option<u32>,
}

impl SegmentRecord {
    /// `SYN,ACK seq=0 ack=1 len=5`, in relative numbers (the trace's and the chart's label).
    pub fn summary(&self) -> String {
        let mut s = format!("{} seq={}", self.segment.flags, self.rel_seq);
        if let Some(ack) = self.rel_ack {
            s += &format!(" ack={ack}");
        }
        if self.segment.len > 0 {
            s += &format!(" len={}", self.segment.len);
        }
        s
    }

    /// The same with absolute numbers.
    pub fn summary_absolute(&self) -> String {
        let seg = &self.segment;
        let mut s = format!("{} seq={}", seg.flags, seg.seq.0);
        if seg.flags.ack() {
            s += &format!(" ack={}", seg.ack.0);
        }
        if seg.len > 0 {
            s += &format!(" len={}", seg.len);
        }
        s
    }
}

/// What set an endpoint's reaction in motion.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Cause {
    Call(Call),
    Segment(Label),
    Timer(Timer),
}

impl fmt::Display for Cause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Cause::Call(call) => write!(f, "{call}"),
            Cause::Segment(label) => write!(f, "{label}"),
            Cause::Timer(timer) => f.write_str(timer.label()),
        }
    }
}

/// Why a segment left the network without arriving.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DropCause {
    /// `drop`: the user or script chose to lose it.
    User,
    /// The random loss of `set loss`.
    Loss,
}

/// One entry of the log.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    /// A `set` line took effect. Replaying these through [`Config::apply`] and
    /// [`NetworkSettings::apply`] gives every setting at any point of the log.
    ///
    /// [`Config::apply`]: crate::Config::apply
    /// [`NetworkSettings::apply`]: crate::NetworkSettings::apply
    Config(Setting),
    /// A user call; `error` is set when the RFC rejects it in this state.
    Call {
        peer: Peer,
        call: Call,
        error: Option<CallError>,
    },
    /// A segment entered the network.
    Sent(SegmentRecord),
    /// A segment (or, with `copy`, a duplicate of it) arrived.
    Delivered { label: Label, to: Peer, copy: bool },
    /// A segment was lost.
    Dropped { label: Label, cause: DropCause },
    /// A segment is held in flight: auto delivery passes it by.
    Held { label: Label },
    StateChange {
        peer: Peer,
        from: State,
        to: State,
        cause: Cause,
        rule: Rule,
    },
    /// A decision that did not change the state.
    Note {
        peer: Peer,
        cause: Cause,
        rule: Rule,
    },
    /// A signal to the peer's user, such as "connection reset".
    Signal { peer: Peer, signal: Signal },
    /// A timer was armed or moved.
    TimerSet {
        peer: Peer,
        timer: Timer,
        deadline: Instant,
    },
    /// A timer was stopped, or fired and was not re-armed.
    TimerCleared { peer: Peer, timer: Timer },
}

/// A log entry with the virtual time it happened at.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TraceEvent {
    pub time: Instant,
    #[serde(flatten)]
    pub event: Event,
}

impl fmt::Display for TraceEvent {
    /// One readable line: time, who, what.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:>9}  ", self.time.to_string())?;
        match &self.event {
            Event::Config(setting) => write!(f, "   set {setting}"),
            Event::Call { peer, call, error } => {
                write!(f, "{peer}  {call}")?;
                if let Some(e) = error {
                    write!(f, " -> {} [§{}]", e.message(), e.section(*call))?;
                }
                Ok(())
            }
            Event::Sent(rec) => {
                write!(
                    f,
                    "{}  {} {}->{} {}",
                    rec.from,
                    rec.label,
                    rec.from,
                    rec.to,
                    rec.summary()
                )?;
                match rec.origin {
                    Origin::Sent => Ok(()),
                    Origin::Retransmission => f.write_str(" (retransmission)"),
                    Origin::Injected => f.write_str(" (injected)"),
                }
            }
            Event::Delivered { label, to, copy } => {
                write!(
                    f,
                    "{to}  {} {label}",
                    if *copy { "duplicate of" } else { "receives" }
                )
            }
            Event::Dropped { label, cause } => match cause {
                DropCause::User => write!(f, "   {label} dropped"),
                DropCause::Loss => write!(f, "   {label} lost (random loss)"),
            },
            Event::Held { label } => write!(f, "   {label} held in flight"),
            Event::StateChange {
                peer,
                from,
                to,
                cause,
                rule,
            } => write!(
                f,
                "{peer}  {from} -> {to} on {cause}: {} [§{}]",
                rule.reason(),
                rule.section()
            ),
            Event::Note { peer, cause, rule } => {
                write!(
                    f,
                    "{peer}  ({cause}) {} [§{}]",
                    rule.reason(),
                    rule.section()
                )
            }
            Event::Signal { peer, signal } => write!(f, "{peer}  user told: {}", signal.message()),
            Event::TimerSet {
                peer,
                timer,
                deadline,
            } => write!(f, "{peer}  {} timer set for {deadline}", timer.name()),
            Event::TimerCleared { peer, timer } => {
                write!(f, "{peer}  {} timer off", timer.name())
            }
        }
    }
}
