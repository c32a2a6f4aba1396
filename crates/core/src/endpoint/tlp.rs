//! Linux's tail loss probe (RFC 8985 §7; tcp_schedule_loss_probe and tcp_send_loss_probe in
//! net/ipv4/tcp_output.c), under `set tlp on`, the Linux profile's default.
//!
//! When the last segments of a flight are lost, no later segment draws the duplicate ACKs
//! or SACKs that would reveal the loss, and only the RTO is left. Linux probes the tail
//! first: about two round trips after the last send it sends one segment (new data if the
//! peer's window allows, else the highest-sequence segment again), whose ACK or SACK starts
//! the ordinary recovery. Linux keeps one timer for both (`icsk_pending` is either
//! ICSK_TIME_RETRANS or ICSK_TIME_LOSS_PROBE), so here too the probe timer stands in for the
//! retransmission timer while armed, and hands back to it afterwards.

use super::config::LINUX_TLP_TIMEOUT_MIN;
use super::{Endpoint, Timer, Transmit};
use crate::rule::Rule;
use crate::time::{Duration, Instant};

impl Endpoint {
    /// tcp_schedule_loss_probe's conditions: `tcp_early_retrans` 3 (`set tlp on`), SACK
    /// agreed (tcp_is_sack), segments outstanding, and the sender in CA_Open or CA_CWR: no
    /// duplicate ACK, nothing SACKed, no recovery after fast retransmit or an RTO.
    fn loss_probe_allowed(&self) -> bool {
        let t = &self.tcb;
        self.config.tlp
            && t.opts.sack_on()
            && self.sending_state()
            && !t.rtx_queue.is_empty()
            && !t.in_recovery
            && !t.rto_recovery
            && t.dup_acks == 0
            && t.sack.scoreboard.is_empty()
            && t.sack.recovery_point.is_none()
    }

    /// Arms the loss probe timer in place of the retransmission timer, after new data left
    /// or an ACK advanced SND.UNA (tcp_write_xmit, tcp_set_xmit_timer). The probe timeout
    /// (PTO) is 2 x SRTT plus TCP_RTO_MIN when one segment is out (the peer may be delaying
    /// its ACK) or plus 2 ms when more are; 1 s (TCP_TIMEOUT_INIT) without an RTT sample; and
    /// never later than the RTO would fire. Where the probe is not allowed, the
    /// retransmission timer runs as RFC 6298 says.
    pub(super) fn schedule_loss_probe(&mut self, now: Instant) {
        if !self.loss_probe_allowed() {
            self.rto_takes_over(now);
            return;
        }
        let t = &mut self.tcb;
        let pto = match t.srtt {
            Some(srtt) => {
                let slack = if t.rtx_queue.len() == 1 {
                    self.config.rto_min()
                } else {
                    LINUX_TLP_TIMEOUT_MIN
                };
                Duration(srtt.0.saturating_mul(2).saturating_add(slack.0))
            }
            None => self.config.rto,
        };
        // How far in the future the RTO is: its timer's deadline, or the one the probe timer
        // already stands in for.
        let rto_at = t
            .timers
            .get(Timer::Retransmission)
            .or(t.tlp_rto_at)
            .unwrap_or(now + t.rto);
        t.timers.stop(Timer::Retransmission);
        t.tlp_rto_at = Some(rto_at);
        t.timers.set(Timer::LossProbe, (now + pto).min(rto_at));
    }

    /// The loss probe timer stops and the retransmission timer runs again, at the deadline
    /// the probe timer stood in for (tcp_rearm_rto).
    pub(super) fn rto_takes_over(&mut self, now: Instant) {
        let t = &mut self.tcb;
        let rto_at = t.tlp_rto_at.take();
        if !t.timers.is_armed(Timer::LossProbe) {
            return;
        }
        t.timers.stop(Timer::LossProbe);
        if !t.rtx_queue.is_empty() && !t.timers.is_armed(Timer::Retransmission) {
            let at = rto_at.unwrap_or(now + t.rto).max(now);
            t.timers.set(Timer::Retransmission, at);
        }
    }

    /// The loss probe timer fired (tcp_send_loss_probe): one segment goes out, new data if
    /// the peer's window takes a whole one (cwnd and Nagle do not hold a probe back), else
    /// the last segment sent again; then the RTO restarts from now, neither backed off nor
    /// counted as a retransmission. At most one probe per tail: while one is unanswered,
    /// the RTO simply takes over.
    pub(super) fn on_loss_probe_timeout(&mut self, now: Instant) {
        if self.tcb.tlp_high_seq.is_some() || !self.loss_probe_allowed() {
            if self.tcb.tlp_high_seq.is_some() {
                self.note(Rule::LinuxTailLossProbeSkipped);
            }
            // The timer has stopped already; the RTO runs from where it stood.
            let t = &mut self.tcb;
            let at = t.tlp_rto_at.take().unwrap_or(now + t.rto).max(now);
            if !t.rtx_queue.is_empty() {
                t.timers.set(Timer::Retransmission, at);
            }
            return;
        }
        self.tcb.tlp_rto_at = None;
        self.note(Rule::LinuxTailLossProbe);
        let t = &self.tcb;
        let in_flight = t.snd_nxt.offset_from(t.snd_una);
        let len = t.unsent.min(u64::from(t.snd_mss)) as u32;
        if len > 0 && len <= t.snd_wnd.saturating_sub(in_flight) {
            // tcp_snd_wnd_test: the whole segment fits in the peer's window.
            let fin = u64::from(len) == t.unsent && t.fin_queued && t.fin_seq.is_none();
            self.send_new(now, len, fin);
        } else if let Some(last) = self.tcb.rtx_queue.back().copied() {
            // Karn's algorithm: the segment is ambiguous now.
            self.tcb.rtt_probe = None;
            let segment = self.segment_for(&last);
            self.queue(Transmit {
                segment,
                retransmission: true,
            });
        }
        let t = &mut self.tcb;
        t.tlp_high_seq = Some(t.snd_nxt);
        t.timers.set(Timer::Retransmission, now + t.rto);
    }

    /// An ACK reached SND.NXT as it was when the probe went out: this tail's episode is
    /// over, and the next tail may be probed (tcp_process_tlp_ack).
    pub(super) fn tlp_on_ack(&mut self) {
        let t = &mut self.tcb;
        if t.tlp_high_seq.is_some_and(|high| t.snd_una >= high) {
            t.tlp_high_seq = None;
        }
    }
}
