//! The simulator's event log: everything that happened, in order, with enough detail to
//! redraw any earlier moment and to explain each step.

use core::fmt;

use serde::Serialize;

use crate::endpoint::{Call, CallError, CcPhase, Signal, Timer, Windows};
use crate::rule::Rule;
use crate::segment::Segment;
use crate::setting::Setting;
use crate::state::State;
use crate::time::Instant;

/// One of the two ends of a connection: the simulator's peers A and B, or, in a capture,
/// A the end that sent the first SYN (else the first packet) and B the other.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Peer {
    /// The client in the default addresses; the first SYN's sender in a capture.
    A,
    /// The server in the default addresses.
    B,
}

impl Peer {
    /// Both peers, A first.
    pub const BOTH: [Peer; 2] = [Peer::A, Peer::B];

    /// The peer at the other end.
    pub fn other(self) -> Peer {
        match self {
            Peer::A => Peer::B,
            Peer::B => Peer::A,
        }
    }

    /// 0 for A, 1 for B: always a valid index into a per-peer `[_; 2]`.
    pub fn index(self) -> usize {
        self as usize
    }

    /// `A` or `B`.
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
    /// Its label: `s<k>` for the k-th segment that entered the network.
    pub label: Label,
    /// The sender (or, for an injected segment, the peer it claims to come from).
    pub from: Peer,
    /// The receiver.
    pub to: Peer,
    /// When it entered the network.
    pub sent_at: Instant,
    /// First transmission, retransmission or injection.
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

    /// The options beyond MSS, as tcpdump writes them: `<sackOK,TS val 0 ecr 0,wscale 10>`,
    /// SACK blocks relative like the ACK (`sack 2001-3001`); `None` when there are none.
    pub fn options_text(&self) -> Option<String> {
        let o = &self.segment.options;
        if o.is_none() {
            return None;
        }
        let mut words = Vec::new();
        if o.sack_permitted {
            words.push("sackOK".to_string());
        }
        if let Some((val, ecr)) = o.timestamps {
            words.push(format!("TS val {val} ecr {ecr}"));
        }
        if let Some(shift) = o.window_scale {
            words.push(format!("wscale {shift}"));
        }
        // The blocks are in the receiver's numbers, as the ACK is.
        let base = self
            .rel_ack
            .map_or(0, |rel| self.segment.ack.0.wrapping_sub(rel));
        for &(left, right) in o.sack_blocks() {
            words.push(format!(
                "sack {}-{}",
                left.wrapping_sub(base),
                right.wrapping_sub(base)
            ));
        }
        Some(format!("<{}>", words.join(",")))
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
    /// A user call.
    Call(Call),
    /// An arriving segment.
    Segment(Label),
    /// A timer that fired.
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
        /// Whose user made the call.
        peer: Peer,
        /// The call.
        call: Call,
        /// The RFC's error, when the state does not allow the call (nothing else changed).
        error: Option<CallError>,
    },
    /// A segment entered the network.
    Sent(SegmentRecord),
    /// A segment (or, with `copy`, a duplicate of it) arrived.
    Delivered {
        /// Which segment.
        label: Label,
        /// The peer it arrived at.
        to: Peer,
        /// A duplicate arrived (`dup`); the original is still in flight.
        copy: bool,
    },
    /// A segment was lost.
    Dropped {
        /// Which segment.
        label: Label,
        /// Who lost it: the user, or random loss.
        cause: DropCause,
    },
    /// A segment is held in flight: auto delivery passes it by.
    Held {
        /// Which segment.
        label: Label,
    },
    /// A peer entered another state.
    StateChange {
        /// Whose state changed.
        peer: Peer,
        /// The state it left.
        from: State,
        /// The state it entered.
        to: State,
        /// What set the change in motion: a call, a segment or a timer.
        cause: Cause,
        /// The RFC rule that prescribes the change.
        rule: Rule,
    },
    /// A decision that did not change the state.
    Note {
        /// Who decided.
        peer: Peer,
        /// What it was deciding about.
        cause: Cause,
        /// The rule applied.
        rule: Rule,
    },
    /// A signal to the peer's user, such as "connection reset".
    Signal {
        /// Whose user is told.
        peer: Peer,
        /// What they are told.
        signal: Signal,
    },
    /// A timer was armed or moved.
    TimerSet {
        /// Whose timer.
        peer: Peer,
        /// Which timer.
        timer: Timer,
        /// When it will fire, unless stopped or moved first.
        deadline: Instant,
    },
    /// A timer was stopped, or fired and was not re-armed.
    TimerCleared {
        /// Whose timer.
        peer: Peer,
        /// Which timer.
        timer: Timer,
    },
    /// A peer's congestion or window numbers changed (logged after the input that changed
    /// them, once per input, only while the connection is synchronized). In JSON the fields
    /// of [`Windows`] sit beside `peer`.
    Window {
        /// Whose numbers.
        peer: Peer,
        /// The numbers now.
        #[serde(flatten)]
        windows: Windows,
    },
}

/// A log entry with the virtual time it happened at.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TraceEvent {
    /// The virtual time.
    pub time: Instant,
    /// What happened.
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
                if let Some(options) = rec.options_text() {
                    write!(f, " {options}")?;
                }
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
            Event::Window { peer, windows: w } => {
                write!(f, "{peer}  ")?;
                if w.phase != CcPhase::Off {
                    write!(f, "cwnd {} ssthresh {} ", w.cwnd, w.ssthresh)?;
                }
                write!(
                    f,
                    "flight {} snd.wnd {} rcv.wnd {}",
                    w.flight, w.snd_wnd, w.rcv_wnd
                )?;
                if w.rcv_user > 0 {
                    write!(f, " unread {}", w.rcv_user)?;
                }
                write!(f, " ({})", w.phase.name())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::script;

    fn lines(src: &str) -> Vec<String> {
        let sim = script::run_source(src).expect("the script runs").sim;
        sim.trace().iter().map(|e| e.to_string()).collect()
    }

    #[test]
    fn sent_lines_show_the_options_as_tcpdump_does() {
        let log = lines(
            "set profile linux\nset delack off\nset mss 1000\nB listen\nA connect\n\
             deliver s1\ndeliver s2\ndeliver s3\nA send 3000\ndrop s4\ndeliver s5\n",
        );
        let sent = |label: &str| {
            log.iter()
                .find(|l| l.contains(&format!("  {label} ")))
                .unwrap_or_else(|| panic!("{label} in {log:#?}"))
                .clone()
        };
        assert!(
            sent("s1").ends_with("s1 A->B SYN seq=0 <sackOK,TS val 0 ecr 0,wscale 10>"),
            "{}",
            sent("s1")
        );
        // Timestamps take 12 bytes of each 1000-byte segment: data 988 a segment. The SACK
        // block is relative, like the ACK.
        assert!(
            sent("s5").ends_with("s5 A->B ACK seq=989 ack=1 len=988 <TS val 0 ecr 0>"),
            "{}",
            sent("s5")
        );
        assert!(
            sent("s8").ends_with("s8 B->A ACK seq=1 ack=1 <TS val 0 ecr 0,sack 989-1977>"),
            "{}",
            sent("s8")
        );
        // Without options, the line is as before.
        let plain = lines("B listen\nA connect\n");
        assert!(plain.iter().any(|l| l.ends_with("s1 A->B SYN seq=0")));
    }
}
