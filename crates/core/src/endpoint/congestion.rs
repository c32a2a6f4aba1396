//! Congestion control (RFC 9293 §3.8.2, MUST-19): RFC 5681's slow start, congestion
//! avoidance, fast retransmit and fast recovery, with RFC 6582's NewReno answer to partial
//! acknowledgments. `set cc cubic` swaps in CUBIC's decrease and growth (see `cubic.rs`);
//! `set cc none` turns it off: only the peer's window limits the sender.
//!
//! cwnd and ssthresh count bytes, as RFC 5681 does. The sender sends whole segments only
//! under cwnd (a short segment only when it is the last of the queued data): the RFC allows
//! sending less than cwnd, and byte-sized crumbs of cwnd left by congestion avoidance would
//! otherwise go out as tiny segments.

use super::cubic::Cubic;
use super::{CongestionControl, Endpoint, Transmit};
use crate::rule::Rule;
use crate::seq::SeqNum;
use crate::time::Instant;

/// RFC 5681 §3.1: the initial ssthresh "SHOULD be set arbitrarily high (e.g., to the size of
/// the largest possible advertised window)": 65535 octets without window scaling.
pub(super) const INITIAL_SSTHRESH: u32 = u16::MAX as u32;

/// RFC 5681 §3.2: the third duplicate ACK starts fast retransmit.
const DUP_ACK_THRESHOLD: u32 = 3;

impl Endpoint {
    fn cc_on(&self) -> bool {
        self.config.cc != CongestionControl::None
    }

    pub(super) fn cubic(&self) -> bool {
        self.config.cc == CongestionControl::Cubic
    }

    /// The ssthresh of a congestion event: RFC 5681 eq. (4), or CUBIC's β (RFC 9438 §4.6).
    pub(super) fn reduced_ssthresh(&self) -> u32 {
        if self.cubic() {
            self.cubic_ssthresh()
        } else {
            self.halved_ssthresh()
        }
    }

    /// FlightSize (RFC 5681 §2): data sent and not yet acknowledged.
    fn flight_size(&self) -> u32 {
        self.tcb.snd_nxt.offset_from(self.tcb.snd_una)
    }

    /// RFC 5681 eq. (4): ssthresh = max(FlightSize / 2, 2 * SMSS).
    fn halved_ssthresh(&self) -> u32 {
        (self.flight_size() / 2).max(self.tcb.snd_mss.saturating_mul(2))
    }

    /// The connection is synchronized: the sender starts from the initial window (§3.1), or
    /// from one segment when the SYN or SYN,ACK had to be sent again.
    pub(super) fn cc_start(&mut self) {
        let t = &mut self.tcb;
        t.cwnd = if t.syn_timed_out {
            t.snd_mss
        } else {
            self.config.initial_window(t.snd_mss)
        };
        t.ssthresh = INITIAL_SSTHRESH;
        t.dup_acks = 0;
        t.in_recovery = false;
        t.rto_recovery = false;
        // RFC 6582 §3.2: "recover" starts at the ISS.
        t.recover = t.iss;
        t.rtx_next = None;
        t.snd_sml = t.snd_una;
        t.cubic = Cubic::new();
    }

    /// How many bytes of new data cwnd lets out now (`u32::MAX` without congestion control),
    /// after RFC 5681 §4.1's restart: a sender idle for more than an RTO starts again from
    /// no more than the initial window.
    pub(super) fn cwnd_room(&mut self, now: Instant) -> u32 {
        if !self.cc_on() {
            return u32::MAX;
        }
        let in_flight = self.flight_size();
        let t = &self.tcb;
        let idle = in_flight == 0 && t.last_data_sent.is_some_and(|at| now - at > t.rto);
        if idle {
            let restart = self.config.initial_window(t.snd_mss).min(t.cwnd);
            if restart < t.cwnd {
                self.tcb.cwnd = restart;
                self.note(Rule::CcIdleRestart);
                if self.cubic() {
                    self.cubic_end_epoch();
                }
            }
            // The restart happens once per idle period.
            self.tcb.last_data_sent = None;
        }
        self.tcb.cwnd.saturating_sub(in_flight)
    }

    /// After SND.UNA advanced from `old_una` to `ack` with data acknowledged: fast recovery's
    /// end or its partial ACK (RFC 6582 §3.2), else slow start or congestion avoidance
    /// (RFC 5681 §3.1).
    pub(super) fn cc_on_new_ack(&mut self, old_una: SeqNum, ack: SeqNum, now: Instant) {
        if !self.cc_on() || !self.sending_state() {
            return;
        }
        let acked = ack.offset_from(old_una);
        let smss = self.tcb.snd_mss;
        if self.tcb.rto_recovery && self.tcb.recover < ack {
            self.tcb.rto_recovery = false;
        }
        if let Some(next) = self.tcb.rtx_next {
            // Go-back-N after an RTO: what the peer acknowledges need not be sent again.
            self.tcb.rtx_next =
                (ack < self.tcb.snd_nxt).then(|| if next < ack { ack } else { next });
        }
        if self.tcb.in_recovery {
            if self.tcb.recover < ack {
                // Full acknowledgment: RFC 6582 §3.2 step 3, option (1).
                let t = &mut self.tcb;
                let flight = t.snd_nxt.offset_from(ack);
                t.cwnd = t.ssthresh.min(flight.max(smss).saturating_add(smss));
                t.in_recovery = false;
                t.dup_acks = 0;
                self.note(Rule::CcFullAck);
            } else {
                // Partial acknowledgment: the next hole is lost too. Retransmit it, deflate
                // cwnd by what was acknowledged, add one SMSS back if that was at least one.
                let t = &mut self.tcb;
                t.cwnd = t.cwnd.saturating_sub(acked);
                if acked >= smss {
                    t.cwnd = t.cwnd.saturating_add(smss);
                }
                t.cwnd = t.cwnd.max(smss);
                self.note(Rule::CcPartialAck);
                self.retransmit_front();
            }
            return;
        }
        self.tcb.dup_acks = 0;
        if self.cubic() && self.tcb.cwnd >= self.tcb.ssthresh {
            self.cubic_on_ack(acked, now);
            return;
        }
        let t = &mut self.tcb;
        if t.cwnd < t.ssthresh {
            // Slow start, RFC 5681 eq. (2).
            t.cwnd = t.cwnd.saturating_add(acked.min(smss));
        } else {
            // Congestion avoidance, RFC 5681 eq. (3): about one SMSS per round trip.
            t.cwnd = t
                .cwnd
                .saturating_add((smss.saturating_mul(smss) / t.cwnd.max(1)).max(1));
        }
    }

    /// A duplicate ACK as RFC 5681 §2 defines it (the caller checked): the third starts fast
    /// retransmit, later ones inflate cwnd during fast recovery (§3.2).
    pub(super) fn cc_on_dup_ack(&mut self) {
        if !self.cc_on() || !self.sending_state() {
            return;
        }
        let smss = self.tcb.snd_mss;
        self.tcb.dup_acks += 1;
        if self.tcb.in_recovery {
            // §3.2 step 4: each further duplicate ACK means a segment left the network.
            self.tcb.cwnd = self.tcb.cwnd.saturating_add(smss);
            return;
        }
        if self.tcb.dup_acks != DUP_ACK_THRESHOLD {
            return;
        }
        // RFC 6582 §3.2 step 1: only when the ACK covers more than "recover", so duplicate
        // ACKs caused by retransmissions after an RTO do not halve cwnd again.
        if self.tcb.recover >= self.tcb.snd_una {
            self.note(Rule::CcNoFastRetransmit);
            return;
        }
        let ssthresh = self.reduced_ssthresh();
        if self.cubic() {
            self.cubic_on_congestion(false);
        }
        let t = &mut self.tcb;
        t.recover = t.snd_nxt - 1;
        t.ssthresh = ssthresh;
        t.cwnd = ssthresh.saturating_add(DUP_ACK_THRESHOLD * smss);
        t.in_recovery = true;
        self.note(if self.cubic() {
            Rule::CubicFastRetransmit
        } else {
            Rule::CcFastRetransmit
        });
        self.retransmit_front();
    }

    /// The retransmission timer fired with data outstanding: cwnd falls to the loss window,
    /// ssthresh to half the flight (only on the first timeout of a segment: RFC 5681 eq. (4)
    /// note), and the segments after the one the timer resends go again in slow start.
    pub(super) fn cc_on_rto(&mut self, first_timeout: bool) {
        // A lone FIN carries no data to pace; a zero-window probe's timeouts say nothing
        // about congestion (the persist timer's business, §3.8.6.1).
        let data = self.tcb.rtx_queue.front().is_some_and(|e| e.len > 0);
        if !self.cc_on() || !self.sending_state() || !data || self.tcb.snd_wnd == 0 {
            return;
        }
        if first_timeout {
            self.tcb.ssthresh = self.reduced_ssthresh();
            if self.cubic() {
                self.cubic_on_congestion(true);
            }
        }
        let t = &mut self.tcb;
        t.cwnd = t.snd_mss;
        t.dup_acks = 0;
        t.in_recovery = false;
        t.rto_recovery = true;
        // RFC 6582 §4: recover is set to the highest sequence number sent.
        t.recover = t.snd_nxt - 1;
        t.rtx_next = t
            .rtx_queue
            .front()
            .map(|front| front.end())
            .filter(|&end| end < t.snd_nxt);
        self.note(if self.cubic() {
            Rule::CubicLossWindow
        } else {
            Rule::CcLossWindow
        });
    }

    /// After an RTO, sends the segments after the retransmitted one again as cwnd allows
    /// (the go-back-N of RFC 5681 §3.1's slow start after a timeout): without SACK the
    /// sender cannot know which of them arrived.
    pub(super) fn cc_go_back(&mut self) {
        while let Some(next) = self.tcb.rtx_next {
            let t = &self.tcb;
            let Some(entry) = t.rtx_queue.iter().find(|e| next < e.end()).copied() else {
                self.tcb.rtx_next = None;
                break;
            };
            let flight = next.offset_from(t.snd_una);
            if flight.saturating_add(entry.seg_len()) > t.cwnd {
                break;
            }
            let segment = self.segment_for(&entry);
            self.queue(Transmit {
                segment,
                retransmission: true,
            });
            let end = entry.end();
            self.tcb.rtx_next = (end < self.tcb.snd_nxt).then_some(end);
        }
    }

    /// Sends the oldest unacknowledged segment again (fast retransmit, a partial ACK).
    fn retransmit_front(&mut self) {
        let Some(front) = self.tcb.rtx_queue.front().copied() else {
            return;
        };
        // Karn's algorithm: no RTT sample across a retransmission.
        self.tcb.rtt_probe = None;
        let segment = self.segment_for(&front);
        self.queue(Transmit {
            segment,
            retransmission: true,
        });
    }
}
