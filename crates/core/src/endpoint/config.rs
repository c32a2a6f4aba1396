//! Per-endpoint settings: the knobs the script's `set` command turns.

use serde::{Deserialize, Serialize};

use crate::time::Duration;

/// Settings for one endpoint. The defaults follow RFC 9293 and RFC 6298.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Config {
    /// Initial retransmission timeout (RFC 6298 §2.1: 1 s).
    pub rto: Duration,
    /// Upper bound for the backed-off RTO (RFC 6298 §2.5 allows a maximum of at least 60 s).
    pub rto_max: Duration,
    /// Retransmissions of one segment before the connection is aborted (RFC 9293 §3.8.3's R2,
    /// counted in retransmissions; 6 is Linux's `tcp_syn_retries`).
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
}

impl Default for Config {
    fn default() -> Config {
        Config {
            rto: Duration::from_secs(1),
            rto_max: Duration::from_secs(60),
            retries: 6,
            msl: Duration::from_secs(120),
            mss: 1460,
            window: 65535,
            rfc5961: true,
            keepalive: None,
            keepalive_interval: Duration::from_secs(75),
            keepalive_probes: 9,
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
