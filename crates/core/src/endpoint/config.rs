//! Per-endpoint settings: the knobs the script's `set` command turns.

use serde::{Deserialize, Serialize};

use crate::time::Duration;

/// Settings for one endpoint. The defaults follow RFC 9293 and RFC 6298.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Config {
    /// Initial retransmission timeout (RFC 6298 §2.1: 1 s).
    pub rto: Duration,
    /// Upper bound for the backed-off RTO (RFC 6298 §2.5 allows any maximum of at least 60 s;
    /// 120 s is Linux's).
    pub rto_max: Duration,
    /// Retransmissions of one segment before the connection is aborted (RFC 9293 §3.8.3's R2,
    /// counted in retransmissions). With the RTO doubling from 1 s, 7 gives up after 255 s:
    /// more than the 100 s R2 must allow, and the 3 minutes a SYN must be tried (MUST-23).
    pub retries: u32,
    /// Maximum segment lifetime; TIME-WAIT lasts 2 x MSL (§3.4.2: 2 minutes).
    pub msl: Duration,
    /// Our MSS, sent as an option on SYN segments (§3.7.1).
    pub mss: u16,
    /// Receive window advertised. The application reads at once, so it does not shrink.
    pub window: u16,
    /// RFC 5961 checks (challenge ACKs, ACK range test); off gives RFC 793 behaviour.
    pub rfc5961: bool,
    /// Idle time before keep-alive probes start (§3.8.4); `None` disables keep-alives.
    pub keepalive: Option<Duration>,
    /// Time between unanswered keep-alive probes.
    pub keepalive_interval: Duration,
    /// Unanswered probes before the connection is aborted.
    pub keepalive_probes: u32,
    /// Least time between ACKs sent in answer to out-of-window segments that carry nothing
    /// (RFC 5961 §7's throttling; Linux's `tcp_invalid_ratelimit`). Without it, two peers
    /// that each find the other's ACKs unacceptable would answer each other forever. Data,
    /// SYN and FIN segments are always answered. Zero turns the limit off.
    pub ack_ratelimit: Duration,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            rto: Duration::from_secs(1),
            rto_max: Duration::from_secs(120),
            retries: 7,
            msl: Duration::from_secs(120),
            mss: 1460,
            window: 65535,
            rfc5961: true,
            keepalive: None,
            keepalive_interval: Duration::from_secs(75),
            keepalive_probes: 9,
            ack_ratelimit: Duration::from_millis(500),
        }
    }
}

impl Config {
    /// The floor for a computed RTO: RFC 6298 §2.4's 1 s, unless the script chose a smaller
    /// initial RTO, which then is the floor as well.
    pub fn rto_min(&self) -> Duration {
        self.rto.min(Duration::from_secs(1))
    }
}
