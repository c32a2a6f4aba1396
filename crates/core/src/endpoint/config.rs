//! Per-endpoint settings: the knobs the script's `set` command turns.

use serde::{Deserialize, Serialize};

use crate::time::Duration;

/// Settings for one endpoint. The defaults follow RFC 9293 and RFC 6298.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Config {
    /// Initial retransmission timeout (RFC 6298 §2.1: 1 s).
    pub rto: Duration,
    /// Upper bound for the backed-off RTO (RFC 6298 §2.5 allows any maximum of at least 60 s;
    /// 120 s is Linux's).
    pub rto_max: Duration,
    /// Retransmissions of one segment before the connection is aborted (RFC 9293 §3.8.3's R2,
    /// counted in retransmissions). With the RTO doubling from 1 s and capped at 120 s, 7 sends
    /// the last retransmission at 127 s and gives up one capped RTO later, at 247 s: more
    /// than the 100 s R2 must allow, and the 3 minutes a SYN must be tried (MUST-23).
    pub retries: u32,
    /// Maximum segment lifetime; TIME-WAIT lasts 2 x MSL (§3.4.2: 2 minutes).
    pub msl: Duration,
    /// Our MSS, sent as an option on SYN segments (§3.7.1).
    pub mss: u16,
    /// Receive window advertised, in bytes. The application reads at once, so it does not
    /// shrink. Above 65535 it needs window scaling (RFC 7323 §2): without it, the window
    /// field says at most 65535.
    pub window: u32,
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
    /// Whose timers these are: RFC 9293's (the default) or Linux's (`set profile linux`).
    pub profile: Profile,
    /// Retransmissions of a SYN before an active open gives up; `None`: `retries`. Linux's
    /// `tcp_syn_retries`.
    pub syn_retries: Option<u32>,
    /// Retransmissions of a SYN,ACK before a passive open goes back to LISTEN; `None`:
    /// `retries`. Linux's `tcp_synack_retries`.
    pub synack_retries: Option<u32>,
    /// SYN retransmissions that keep the initial RTO before it doubles, added to the SYN's
    /// retries: Linux's `tcp_syn_linear_timeouts` (4 since Linux 6.5; 0 in the RFC profile).
    #[serde(default)]
    pub syn_linear_timeouts: u32,
    /// RFC 1337's advice, Linux's `tcp_rfc1337`: a RST in TIME-WAIT is ignored, even at
    /// RCV.NXT. Off by default, as in RFC 9293 and in Linux.
    #[serde(default)]
    pub rfc1337: bool,
    /// Whether a passive peer's application keeps its listening socket open beside the
    /// connection it accepted (`set listener keep`), as a server does. Off by default: the
    /// listening TCB becomes the connection, as in RFC 9293's model of a passive OPEN. When
    /// on, a passive connection that ends leaves the peer in LISTEN, and under the Linux
    /// profile a new SYN in TIME-WAIT opens a new connection (RFC 9293 MAY-2).
    #[serde(default)]
    pub keep_listener: bool,
    /// The congestion controller (RFC 9293 §3.8.2, MUST-19: RFC 5681). `None` sends as much
    /// as the peer's window allows, the engine's behaviour before issue 13.
    #[serde(default)]
    pub cc: CongestionControl,
    /// The initial window in segments (`set iw`); `None`: RFC 5681 §3.1's formula in the RFC
    /// profile, Linux's TCP_INIT_CWND (10) in the Linux profile.
    #[serde(default)]
    pub iw: Option<u32>,
    /// Delayed ACKs (§3.8.6.3, SHLD-18): in-order data is acknowledged at least every
    /// second full-sized segment, or when `delack_timeout` runs out. Off: every data
    /// segment is acknowledged at once.
    #[serde(default = "on")]
    pub delack: bool,
    /// How long an ACK may wait (MUST-58: under 0.5 s). 200 ms, the common choice (RFC 5681
    /// §4.2 calls 500 ms the limit); Linux's TCP_DELACK_MIN, 40 ms, in the Linux profile.
    #[serde(default = "rfc_delack_timeout")]
    pub delack_timeout: Duration,
    /// The Nagle algorithm (§3.7.4, SHLD-7): while data is unacknowledged, a segment shorter
    /// than the MSS waits. Off is the sockets API's TCP_NODELAY.
    #[serde(default = "on")]
    pub nagle: bool,
    /// Sender silly window syndrome avoidance (§3.8.6.2.1, MUST-38): no short segment into a
    /// sliver of window while more data waits, until the override timer runs out.
    #[serde(default = "on")]
    pub sws: bool,
    /// The window scale shift our SYN offers (RFC 7323 §2, `set wscale`); `None` offers none.
    #[serde(default)]
    pub wscale: Option<u8>,
    /// Offer the timestamps option (RFC 7323 §3, `set timestamps`): RTTM and PAWS.
    #[serde(default)]
    pub timestamps: bool,
    /// Offer SACK-permitted (RFC 2018, `set sack`): the receiver reports what it holds out of
    /// order.
    #[serde(default)]
    pub sack: bool,
    /// Linux's tail loss probe (`set tlp`; RFC 8985 §7, tcp_schedule_loss_probe): with SACK
    /// agreed and no recovery under way, the tail of what is outstanding is probed after
    /// about two round trips instead of waiting for the RTO. RFC 9293 does not cite RFC 8985,
    /// so the RFC profile leaves it off; the Linux profile turns it on (`tcp_early_retrans`
    /// is 3 by default).
    #[serde(default)]
    pub tlp: bool,
    /// The application reads everything as it arrives (`set read auto`, the default), so the
    /// window never closes; `false` (`set read manual`): only `read` calls consume the
    /// receive buffer, and receiver SWS avoidance (§3.8.6.2.2, MUST-39) decides when the
    /// window reopens.
    #[serde(default = "on")]
    pub read_auto: bool,
}

/// Linux's window scale on a default host: ilog2 of the largest receive buffer, less 15
/// (tcp_select_initial_window). The lab's kernel (Linux 6.18.44, default sysctls) has
/// `tcp_rmem` up to 32 MiB and offers 10 (lab/linux/handshake-*.tcps); a kernel whose
/// `tcp_rmem` stops at 6 MiB offers 7.
pub(crate) const LINUX_WSCALE: u8 = 10;

/// §3.8.6.2.1's override timeout ("in the range 0.1 - 1.0 seconds").
pub(crate) const SWS_OVERRIDE: Duration = Duration::from_millis(200);

fn on() -> bool {
    true
}

fn rfc_delack_timeout() -> Duration {
    RFC_DELACK_TIMEOUT
}

/// The delayed-ACK timeout of the RFC profile.
pub(crate) const RFC_DELACK_TIMEOUT: Duration = Duration::from_millis(200);
/// Linux's TCP_DELACK_MIN (HZ/25): the delayed-ACK timeout of the Linux profile.
pub(crate) const LINUX_DELACK_MIN: Duration = Duration::from_millis(40);
/// Linux's TCP_MAX_QUICKACKS: a new connection acknowledges its first 16 data segments at
/// once (quick-ACK mode, tcp_incr_quickack), whatever the delayed-ACK rules say.
pub(super) const LINUX_MAX_QUICKACKS: u32 = 16;

/// Which congestion controller a sender runs (`set cc`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CongestionControl {
    /// No congestion control: only the peer's window limits what is in flight. Not allowed by
    /// RFC 9293 (MUST-19); kept to compare with.
    None,
    /// RFC 5681 (slow start, congestion avoidance, fast retransmit, fast recovery) with
    /// RFC 6582's NewReno answer to partial acknowledgments.
    #[default]
    NewReno,
    /// CUBIC (RFC 9438): NewReno's slow start and recovery, β = 0.7 and a cubic curve in
    /// congestion avoidance. Linux's default, so the Linux profile's.
    Cubic,
}

/// A set of timer values. RFC 9293 (with RFC 6298) is what the engine follows; the Linux
/// profile swaps in the numbers a Linux host uses, each difference logged with a rule whose
/// reason starts with "Linux:".
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Profile {
    /// RFC 9293 with RFC 6298's timers: the engine's reference behaviour.
    #[default]
    Rfc,
    /// A Linux host's defaults (TIME-WAIT 60 s, its retry counts and RTO floor,
    /// `tcp_fin_timeout`).
    Linux,
}

/// Linux's TCP_TIMEWAIT_LEN (include/net/tcp.h): TIME-WAIT lasts 60 s whatever the MSL.
pub(crate) const LINUX_TIME_WAIT: Duration = Duration::from_secs(60);
/// Linux's default `tcp_fin_timeout`: an orphaned FIN-WAIT-2 socket lives this long.
pub(crate) const LINUX_FIN_TIMEOUT: Duration = Duration::from_secs(60);
/// Linux's default `tcp_syn_linear_timeouts` (Linux 6.5 and later): an active opener's
/// first 4 SYN retransmissions keep the initial RTO, and add to `tcp_syn_retries`.
pub(super) const LINUX_SYN_LINEAR_TIMEOUTS: u32 = 4;
/// Linux's retransmissions of an orphan's FIN: `tcp_orphan_retries` is 0 by default, which
/// means 8 (tcp_orphan_retries()).
pub(super) const LINUX_ORPHAN_RETRIES: u32 = 8;
/// Linux's TCP_TIMEOUT_MIN: 2 jiffies, 8 ms at HZ=250.
pub(super) const LINUX_TIMEOUT_MIN: Duration = Duration::from_millis(8);
/// Linux's TCP_INIT_CWND (RFC 6928's initial window of 10 segments).
pub(super) const LINUX_INIT_CWND: u32 = 10;
/// Linux's TCP_TIMEOUT_MIN_US: what a loss probe adds to 2 x SRTT when more than one
/// segment is outstanding (tcp_schedule_loss_probe): 2 ms, where older kernels added
/// TCP_TIMEOUT_MIN, 2 jiffies.
pub(super) const LINUX_TLP_TIMEOUT_MIN: Duration = Duration::from_millis(2);
/// Linux's TCP_RTO_MIN.
pub(crate) const LINUX_RTO_MIN: Duration = Duration::from_millis(200);

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
            profile: Profile::Rfc,
            syn_retries: None,
            synack_retries: None,
            syn_linear_timeouts: 0,
            rfc1337: false,
            keep_listener: false,
            cc: CongestionControl::NewReno,
            iw: None,
            delack: true,
            delack_timeout: RFC_DELACK_TIMEOUT,
            nagle: true,
            sws: true,
            // RFC 9293 requires only the MSS option; RFC 7323 and RFC 2018 are optional
            // extensions, so the RFC profile's segments are the textbook's until a script
            // asks for them.
            wscale: None,
            timestamps: false,
            sack: false,
            tlp: false,
            read_auto: true,
        }
    }
}

impl Config {
    /// The floor for a computed RTO: RFC 6298 §2.4's 1 s, unless the script chose a smaller
    /// initial RTO, which then is the floor as well.
    pub fn rto_min(&self) -> Duration {
        match self.profile {
            Profile::Rfc => self.rto.min(Duration::from_secs(1)),
            Profile::Linux => self.rto.min(LINUX_RTO_MIN),
        }
    }

    /// Switches to a profile's timer values. The other settings (MSL, window, ...) stay.
    /// Linux's are its defaults: initial RTO 1 s (TCP_TIMEOUT_INIT, as RFC 6298), RTO cap
    /// 120 s (TCP_RTO_MAX), `tcp_syn_retries` 6, `tcp_synack_retries` 5, `tcp_retries2` 15.
    pub fn set_profile(&mut self, profile: Profile) {
        let defaults = Config::default();
        self.profile = profile;
        self.rto = defaults.rto;
        self.rto_max = defaults.rto_max;
        self.iw = None;
        // Each profile's congestion controller: RFC 5681's, or Linux's default CUBIC.
        self.cc = match profile {
            Profile::Rfc => CongestionControl::NewReno,
            Profile::Linux => CongestionControl::Cubic,
        };
        match profile {
            Profile::Rfc => {
                self.retries = defaults.retries;
                self.syn_retries = None;
                self.synack_retries = None;
                self.syn_linear_timeouts = 0;
                self.delack_timeout = RFC_DELACK_TIMEOUT;
                self.wscale = None;
                self.timestamps = false;
                self.sack = false;
                self.tlp = false;
            }
            Profile::Linux => {
                self.retries = 15;
                self.syn_retries = Some(6);
                self.synack_retries = Some(5);
                self.syn_linear_timeouts = LINUX_SYN_LINEAR_TIMEOUTS;
                self.delack_timeout = LINUX_DELACK_MIN;
                // tcp_window_scaling, tcp_timestamps and tcp_sack are on by default.
                self.wscale = Some(LINUX_WSCALE);
                self.timestamps = true;
                self.sack = true;
                self.tlp = true;
            }
        }
    }

    /// The initial window in bytes for a sender whose MSS is `smss`: `set iw` segments, else
    /// RFC 5681 §3.1 (4 segments up to 1095 bytes, 3 up to 2190, else 2), or under the Linux
    /// profile TCP_INIT_CWND, 10 segments (RFC 6928).
    pub fn initial_window(&self, smss: u32) -> u32 {
        let segments = match (self.iw, self.profile) {
            (Some(n), _) => n.max(1),
            (None, Profile::Linux) => LINUX_INIT_CWND,
            (None, Profile::Rfc) if smss > 2190 => 2,
            (None, Profile::Rfc) if smss > 1095 => 3,
            (None, Profile::Rfc) => 4,
        };
        segments.saturating_mul(smss)
    }

    /// How long TIME-WAIT lasts: 2 x MSL (§3.4.2), or Linux's fixed 60 s.
    pub fn time_wait(&self) -> Duration {
        match self.profile {
            Profile::Rfc => Duration(self.msl.0.saturating_mul(2)),
            Profile::Linux => LINUX_TIME_WAIT,
        }
    }

    /// How long FIN-WAIT-2 may last after our CLOSE: forever in RFC 9293, Linux's
    /// `tcp_fin_timeout` for a socket its application has closed.
    pub fn fin_timeout(&self) -> Option<Duration> {
        match self.profile {
            Profile::Rfc => None,
            Profile::Linux => Some(LINUX_FIN_TIMEOUT),
        }
    }

    /// Retransmissions allowed for the segment at the front of the queue in `state`: a
    /// passive open's SYN,ACK has its own limit; an active opener's SYN (or its SYN,ACK in a
    /// simultaneous open) another.
    pub fn retries_in(&self, state: crate::state::State, passive: bool) -> u32 {
        use crate::state::State;
        match state {
            State::SynReceived if passive => self.synack_retries.unwrap_or(self.retries),
            // Linux adds its linear SYN timeouts to tcp_syn_retries (tcp_write_timeout), for
            // the active opener's SYN only.
            State::SynSent => self.syn_retries.unwrap_or(self.retries) + self.syn_linear_timeouts,
            State::SynReceived => self.syn_retries.unwrap_or(self.retries),
            _ => self.retries,
        }
    }
}
