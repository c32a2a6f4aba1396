//! The eleven connection states of RFC 9293 §3.3.2.

use core::fmt;
use core::str::FromStr;

use serde::{Deserialize, Serialize};

/// A TCP connection state. `Display` and `FromStr` use the script format's spelling
/// (`SYN_RCVD`, `FIN_WAIT_1`), which is also what `netstat` prints.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum State {
    /// No connection: no TCB.
    Closed,
    /// Waiting for a connection request (a SYN) from any remote socket.
    Listen,
    /// Our SYN is sent; waiting for a matching SYN (and its ACK).
    SynSent,
    /// A SYN was received and ours sent; waiting for the ACK of ours.
    #[serde(rename = "SYN_RCVD")]
    SynReceived,
    /// The connection is open: data flows both ways.
    Established,
    /// We closed and our FIN is sent; waiting for its ACK or the peer's FIN.
    #[serde(rename = "FIN_WAIT_1")]
    FinWait1,
    /// Our FIN is acknowledged; waiting for the peer's FIN.
    #[serde(rename = "FIN_WAIT_2")]
    FinWait2,
    /// The peer closed (its FIN arrived); waiting for our user's CLOSE.
    CloseWait,
    /// Both FINs crossed; waiting for the ACK of ours.
    Closing,
    /// We closed after the peer did; waiting for the ACK of our FIN.
    LastAck,
    /// Both sides closed; waiting 2 x MSL so the peer surely got our last ACK.
    TimeWait,
}

impl State {
    /// All states, in the order of the RFC's list.
    pub const ALL: [State; 11] = [
        State::Closed,
        State::Listen,
        State::SynSent,
        State::SynReceived,
        State::Established,
        State::FinWait1,
        State::FinWait2,
        State::CloseWait,
        State::Closing,
        State::LastAck,
        State::TimeWait,
    ];

    /// The script format's (and netstat's) spelling.
    pub fn name(self) -> &'static str {
        match self {
            State::Closed => "CLOSED",
            State::Listen => "LISTEN",
            State::SynSent => "SYN_SENT",
            State::SynReceived => "SYN_RCVD",
            State::Established => "ESTABLISHED",
            State::FinWait1 => "FIN_WAIT_1",
            State::FinWait2 => "FIN_WAIT_2",
            State::CloseWait => "CLOSE_WAIT",
            State::Closing => "CLOSING",
            State::LastAck => "LAST_ACK",
            State::TimeWait => "TIME_WAIT",
        }
    }

    /// The spelling `ss -tan` prints on Linux.
    pub fn ss_name(self) -> &'static str {
        match self {
            State::Closed => "UNCONN",
            State::Listen => "LISTEN",
            State::SynSent => "SYN-SENT",
            State::SynReceived => "SYN-RECV",
            State::Established => "ESTAB",
            State::FinWait1 => "FIN-WAIT-1",
            State::FinWait2 => "FIN-WAIT-2",
            State::CloseWait => "CLOSE-WAIT",
            State::Closing => "CLOSING",
            State::LastAck => "LAST-ACK",
            State::TimeWait => "TIME-WAIT",
        }
    }

    /// Synchronized states (RFC 9293 §3.5): both sequence spaces are known.
    pub fn is_synchronized(self) -> bool {
        !matches!(
            self,
            State::Closed | State::Listen | State::SynSent | State::SynReceived
        )
    }
}

impl fmt::Display for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The error for a state name that is not one of the eleven.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownState;

impl FromStr for State {
    type Err = UnknownState;
    fn from_str(s: &str) -> Result<State, UnknownState> {
        State::ALL
            .into_iter()
            .find(|st| st.name() == s)
            .ok_or(UnknownState)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for st in State::ALL {
            assert_eq!(st.name().parse::<State>(), Ok(st));
        }
        assert_eq!("SYN_RECEIVED".parse::<State>(), Err(UnknownState));
    }
}
