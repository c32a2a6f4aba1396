//! The numbers that limit what a peer sends and receives, as one snapshot: what the log's
//! `window` events record whenever one of them changes, so that a view can draw cwnd,
//! ssthresh, the flight size and both windows against time without replaying the run.

use serde::{Deserialize, Serialize};

use super::{CongestionControl, Endpoint};

/// Which part of RFC 5681 (and RFC 6582) a sender is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CcPhase {
    /// `set cc none`: no congestion control, cwnd and ssthresh mean nothing.
    Off,
    /// cwnd < ssthresh (RFC 5681 §3.1): cwnd grows by up to one SMSS per ACK.
    SlowStart,
    /// cwnd >= ssthresh (RFC 5681 §3.1): about one SMSS per round trip (or CUBIC's curve).
    CongestionAvoidance,
    /// After three duplicate ACKs, until an ACK covers "recover" (RFC 5681 §3.2, RFC 6582),
    /// or RFC 6675's SACK-based loss recovery until its RecoveryPoint.
    FastRecovery,
    /// After a retransmission timeout, until an ACK covers what was outstanding when it
    /// fired (RFC 6582 §4's "recover"): slow start again from the loss window.
    RtoRecovery,
}

impl CcPhase {
    /// The phase in words, as the text log writes it.
    pub fn name(self) -> &'static str {
        match self {
            CcPhase::Off => "no congestion control",
            CcPhase::SlowStart => "slow start",
            CcPhase::CongestionAvoidance => "congestion avoidance",
            CcPhase::FastRecovery => "fast recovery",
            CcPhase::RtoRecovery => "recovery after a timeout",
        }
    }
}

/// A peer's congestion and flow-control numbers at one moment, in bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Windows {
    /// RFC 5681's congestion window.
    pub cwnd: u32,
    /// RFC 5681's slow start threshold.
    pub ssthresh: u32,
    /// FlightSize (RFC 5681 §2): SND.NXT - SND.UNA, sent and not yet acknowledged.
    pub flight: u32,
    /// SND.WND: the window the peer last offered.
    pub snd_wnd: u32,
    /// RCV.WND: the window this peer offers.
    pub rcv_wnd: u32,
    /// RCV.USER: bytes received in order that this peer's application has not read yet
    /// (always 0 under `set read auto`).
    #[serde(default)]
    pub rcv_user: u32,
    /// Which phase the sender is in.
    pub phase: CcPhase,
    /// Under CUBIC (RFC 9438): W_max, the window the curve climbs back to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub w_max: Option<u32>,
    /// Under CUBIC: K in milliseconds, when the curve reaches W_max again (counted from the
    /// start of the congestion avoidance stage).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub k_ms: Option<u64>,
}

impl Endpoint {
    /// The congestion and window numbers of a synchronized connection (RFC 9293 §3.5);
    /// `None` before the handshake completes and after the TCB is gone.
    pub fn windows(&self) -> Option<Windows> {
        if !self.state.is_synchronized() {
            return None;
        }
        let t = &self.tcb;
        let phase = if self.config.cc == CongestionControl::None {
            CcPhase::Off
        } else if t.in_recovery || t.sack.recovery_point.is_some() {
            // RFC 6675's SACK-based loss recovery is fast recovery with a scoreboard.
            CcPhase::FastRecovery
        } else if t.rto_recovery {
            CcPhase::RtoRecovery
        } else if t.cwnd < t.ssthresh {
            CcPhase::SlowStart
        } else {
            CcPhase::CongestionAvoidance
        };
        let cubic = (self.config.cc == CongestionControl::Cubic).then(|| self.cubic_view());
        Some(Windows {
            cwnd: t.cwnd,
            ssthresh: t.ssthresh,
            flight: t.snd_nxt.offset_from(t.snd_una),
            snd_wnd: t.snd_wnd,
            rcv_wnd: t.rcv_wnd,
            rcv_user: t.rcv_user,
            phase,
            w_max: cubic.map(|(w_max, _)| w_max),
            k_ms: cubic.map(|(_, k)| k),
        })
    }
}
