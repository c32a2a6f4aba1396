//! synack-core: a sans-IO TCP engine that follows RFC 9293's event processing (§3.10), and a
//! deterministic simulator that runs two such endpoints over a network you control.
//!
//! - [`Endpoint`] is one TCP peer. It does no I/O and reads no clock: every input takes the
//!   time as a value, and outputs are drained with `poll_*` methods.
//! - [`Sim`] joins two endpoints, labels every segment (`s1`, `s2`, …), lets segments be
//!   delivered, dropped, duplicated or held, and logs every event with the RFC rule behind it.
//! - [`script`] parses and runs `.tcps` scenario scripts.
//! - [`predict`] checks a learner's prediction of a segment field by field, with reasons.
//! - [`variant`] gives exercises fresh numbers: `let` lines whose values a seed picks.
//! - [`wire`] encodes a segment as the bytes of a real IPv4/TCP packet; [`pcap`] writes a run
//!   as a capture file for Wireshark.
//! - [`explore`] searches every interleaving from a moment of a run for the shortest way to
//!   a pair of states or a transition ("how do I get there?").
//! - [`capture`] reads a real `.pcap`/`.pcapng` file: its TCP connections, and the states both
//!   ends went through, inferred with the engine.

#![warn(missing_docs, unreachable_pub)]

pub mod capture;
mod endpoint;
pub mod explore;
pub mod ladder;
pub mod pcap;
mod permit;
pub mod predict;
mod rule;
pub mod script;
mod segment;
mod seq;
mod setting;
mod sim;
mod state;
mod time;
mod trace;
pub mod tseq;
pub mod variant;
pub mod wire;

pub use endpoint::{
    Call, CallError, CcPhase, Config, CongestionControl, Endpoint, EndpointEvent, Profile, Signal,
    TcbView, Timer, TimerTable, Transmit, Windows, MAX_WINDOW,
};
pub use permit::permitted;
pub use rule::Rule;
pub use script::Language;
pub use segment::{Flags, Segment, TcpOptions};
pub use seq::SeqNum;
pub use setting::{Setting, SettingKey, MAX_RETRIES};
pub use sim::{Checkpoint, Delivery, InFlight, NetworkSettings, Sim, SimError, DEFAULT_ISN};
pub use state::State;
pub use time::{Duration, Instant};
pub use trace::{Cause, DropCause, Event, Label, Origin, Peer, SegmentRecord, TraceEvent};

/// Runs a `.tcps` script and renders its trace as readable text, one event per line, followed
/// by any failed expectation or the error that stopped the run. Never panics.
pub fn trace_text(source: &str) -> String {
    let outcome = match script::run_source(source) {
        Ok(outcome) => outcome,
        Err(e) => return format!("script error: {e}\n"),
    };
    let mut out = String::new();
    for event in outcome.sim.trace() {
        out += &event.to_string();
        out.push('\n');
    }
    for failure in &outcome.failures {
        out += &format!("expectation failed: {failure}\n");
    }
    if let Some(e) = &outcome.error {
        out += &format!("stopped: {e}\n");
    }
    out
}
