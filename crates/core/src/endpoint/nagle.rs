//! When a short segment may go (RFC 9293 §3.7.4 and §3.8.6.2.1): the Nagle algorithm
//! (SHLD-7) and the sender's silly window syndrome avoidance (MUST-38).
//!
//! Every SEND is pushed (synack's application always sets PSH), so with D the queued data
//! and U the usable window, §3.8.6.2.1 sends when (1) a full segment fits, (2) all of D fits,
//! (3) at least half the largest window the peer has offered can be sent, or (4) the
//! override timer has run out; the Nagle algorithm adds "and nothing is unacknowledged" to
//! (2) and (3). Full segments are never held here; cwnd is the congestion module's business.
//! The Linux profile uses Minshall's variant of Nagle, as Linux does: a short segment waits
//! only while an earlier short segment is unacknowledged.

use super::config::SWS_OVERRIDE;
use super::{Endpoint, Hold, Profile, Timer};
use crate::rule::Rule;
use crate::time::Instant;

impl Endpoint {
    /// Whether the next segment, `len` bytes out of what is queued, waits. Notes a hold the
    /// first time it begins; arms the override timer for an SWS hold.
    pub(super) fn hold_short_segment(&mut self, len: u32, now: Instant) -> bool {
        let t = &self.tcb;
        if len >= t.snd_mss {
            return false;
        }
        let idle = match self.config.profile {
            Profile::Rfc => t.snd_nxt == t.snd_una,
            // Minshall's variant, Linux's (tcp_nagle_check): only an unacknowledged *short*
            // segment holds the next one back.
            Profile::Linux => t.snd_sml <= t.snd_una,
        };
        let all_fits = u64::from(len) == t.unsent;
        let nagle = self.config.nagle && !idle;
        let hold = if all_fits {
            nagle.then_some(Hold::Nagle)
        } else if !self.config.sws {
            None
        } else if len >= t.max_snd_wnd / 2 {
            // (3): a good share of the window. Nagle still waits for the ACKs.
            nagle.then_some(Hold::Nagle)
        } else {
            Some(Hold::Sws)
        };
        let Some(hold) = hold else {
            return false;
        };
        if hold == Hold::Sws && !self.tcb.timers.is_armed(Timer::SwsOverride) {
            self.tcb.timers.set(Timer::SwsOverride, now + SWS_OVERRIDE);
        }
        if self.tcb.held != hold {
            self.tcb.held = hold;
            self.note(match hold {
                Hold::Sws => Rule::SwsAvoidanceHolds,
                _ => Rule::NagleHolds,
            });
        }
        true
    }

    /// The override timer ran out (§3.8.6.2.1 (4)): what the window allows goes now, if it
    /// still is only a sliver.
    pub(super) fn on_sws_override(&mut self, now: Instant) {
        if !self.sending_state() || self.tcb.unsent == 0 {
            return;
        }
        let t = &self.tcb;
        let in_flight = t.snd_nxt.offset_from(t.snd_una);
        if self.config.nagle && in_flight > 0 {
            // The Nagle algorithm waits for the ACK, which will send the data.
            return;
        }
        let usable = t.snd_wnd.saturating_sub(in_flight);
        let len = (t.unsent.min(u64::from(t.snd_mss)) as u32).min(usable);
        if len == 0 || self.cwnd_room(now) < len {
            return;
        }
        let fin =
            u64::from(len) == self.tcb.unsent && self.tcb.fin_queued && self.tcb.fin_seq.is_none();
        self.note(Rule::SwsOverrideSends);
        self.send_new(now, len, fin);
        self.arm_retransmission(now);
    }
}
