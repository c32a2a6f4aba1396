//! Delayed ACKs (RFC 9293 §3.8.6.3, SHLD-18 and MUST-58; RFC 5681 §4.2): the receiver of
//! in-order data waits a little for more data, or for data of its own to carry the ACK, but
//! acknowledges at least every second full-sized segment and never waits 0.5 s. Out-of-order
//! data, data that fills a gap and a FIN are acknowledged at once (`receive_text`).
//!
//! The Linux profile follows Linux instead (`__tcp_ack_snd_check`, `tcp_cleanup_rbuf`): the
//! first 16 data segments of a connection are acknowledged at once (quick-ACK mode), so is
//! more than one full-sized segment, and so is a segment shorter than the MSS once the
//! application has read it, which synack's application does at once unless `set read
//! manual`; what remains waits for TCP_DELACK_MIN, 40 ms (the lab's
//! `delayed-ack-not-reading`).

use super::config::LINUX_MAX_QUICKACKS;
use super::{Endpoint, Flags, Profile, Timer};
use crate::rule::Rule;
use crate::time::Instant;

impl Endpoint {
    /// A new connection: nothing unacknowledged; Linux starts in quick-ACK mode.
    pub(super) fn delack_start(&mut self) {
        self.tcb.unacked_bytes = 0;
        self.tcb.quickacks = match self.config.profile {
            Profile::Linux => LINUX_MAX_QUICKACKS,
            Profile::Rfc => 0,
        };
    }

    /// `len` bytes of data arrived in order: acknowledge them now or start the timer.
    pub(super) fn ack_in_order_data(&mut self, len: u32, now: Instant) {
        if !self.config.delack || self.tcb.ack_pending {
            self.tcb.ack_pending = true;
            return;
        }
        // tcp_cleanup_rbuf's ACK needs the application to have read the segment.
        let read_at_once = self.config.read_auto;
        let t = &mut self.tcb;
        t.unacked_bytes = t.unacked_bytes.saturating_add(len);
        let mss = t.snd_mss.max(1);
        let now_rule = match self.config.profile {
            Profile::Rfc => {
                (t.unacked_bytes >= mss.saturating_mul(2)).then_some(Rule::AckEverySecondSegment)
            }
            Profile::Linux if t.quickacks > 0 => {
                t.quickacks -= 1;
                Some(Rule::LinuxQuickAck)
            }
            Profile::Linux if t.unacked_bytes > mss => Some(Rule::AckEverySecondSegment),
            Profile::Linux if len < mss && read_at_once => Some(Rule::LinuxAckSmallSegmentRead),
            Profile::Linux => None,
        };
        if let Some(rule) = now_rule {
            self.note(rule);
            self.tcb.ack_pending = true;
            return;
        }
        if !self.tcb.timers.is_armed(Timer::DelayedAck) {
            self.tcb
                .timers
                .set(Timer::DelayedAck, now + self.config.delack_timeout);
        }
        self.note(Rule::AckDelayed);
    }

    /// The delayed-ACK timer ran out: the ACK goes now.
    pub(super) fn on_delayed_ack_timeout(&mut self) {
        if self.tcb.unacked_bytes == 0 || !self.state.is_synchronized() {
            return;
        }
        self.note(Rule::DelayedAckTimeout);
        let ack = self.segment(self.tcb.snd_nxt, Flags::ACK, 0);
        self.emit(ack);
    }
}
