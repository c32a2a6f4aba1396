//! The receiving application and the receive window: RECEIVE (§3.10.3, `A read <n>`), the
//! receive buffer, and receiver silly window syndrome avoidance (§3.8.6.2.2, MUST-39).
//!
//! Under `set read auto` (the default) the application reads everything the moment it is in
//! order, so RCV.USER stays 0 and the window is always the whole buffer, as before issue 13.
//! Under `set read manual` what arrives waits in the buffer (RCV.USER) until a `read` call:
//! the window's right edge stays where it was while RCV.NXT moves up to it, so the window
//! shrinks, and may close. A read reopens it only when RFC 9293's inequality holds,
//! RCV.BUFF - RCV.USER - RCV.WND >= min(RCV.BUFF / 2, Eff.snd.MSS), and then all of it at
//! once, with a window update sent at once (the sender would otherwise wait for its persist
//! timer). RCV.BUFF is the `window` setting.

use super::{CallError, Config, Endpoint};
use crate::rule::Rule;
use crate::state::State;
use crate::time::Instant;

impl Endpoint {
    /// RCV.BUFF: the receive buffer, what `set window` says.
    fn rcv_buff(&self) -> u32 {
        self.config.window
    }

    /// `len` bytes just became in order: read at once, or held for a `read`.
    pub(super) fn buffer_received(&mut self, len: u32) {
        if self.config.read_auto {
            self.received_total += u64::from(len);
            return;
        }
        let t = &mut self.tcb;
        t.rcv_user = t.rcv_user.saturating_add(len);
        // The right edge RCV.NXT + RCV.WND stays put: the data came from inside the window.
        t.rcv_wnd = t.rcv_wnd.saturating_sub(len);
    }

    /// A `set window` or `set read` on a running connection: the window is what the new
    /// buffer leaves free; switching to `auto` lets the application read what was waiting.
    pub(super) fn reconfigure_receive_buffer(&mut self, config: &Config) {
        if config.read_auto && self.tcb.rcv_user > 0 {
            self.received_total += u64::from(self.tcb.rcv_user);
            self.tcb.rcv_user = 0;
        }
        self.tcb.rcv_wnd = config.window.saturating_sub(self.tcb.rcv_user);
    }

    /// RECEIVE (§3.10.3) of up to `n` bytes.
    pub(super) fn read(&mut self, n: u32, now: Instant) -> Result<(), CallError> {
        match self.state {
            State::Closed => return Err(CallError::ConnectionDoesNotExist),
            // "If no text is awaiting delivery, the RECEIVE will get an error: connection
            // closing" in CLOSE-WAIT; always in the states after our FIN met theirs.
            State::CloseWait if self.tcb.rcv_user == 0 => return Err(CallError::ConnectionClosing),
            State::Closing | State::LastAck | State::TimeWait => {
                return Err(CallError::ConnectionClosing)
            }
            _ => {}
        }
        let taken = n.min(self.tcb.rcv_user);
        if taken == 0 {
            return Ok(());
        }
        self.tcb.rcv_user -= taken;
        self.received_total += u64::from(taken);
        self.note(Rule::AppRead);
        self.update_receive_window(now);
        Ok(())
    }

    /// Receiver SWS avoidance (§3.8.6.2.2, MUST-39): the window opens only by at least
    /// min(RCV.BUFF / 2, Eff.snd.MSS), and then to all the free buffer.
    fn update_receive_window(&mut self, now: Instant) {
        let buff = self.rcv_buff();
        // Without window scaling the field cannot offer more than 65,535 (RFC 7323 §2).
        let most = 65_535u32 << self.tcb.opts.rcv_shift();
        let free = buff.saturating_sub(self.tcb.rcv_user).min(most);
        let t = &self.tcb;
        if free <= t.rcv_wnd || !self.state.is_synchronized() {
            return;
        }
        // Eff.snd.MSS, as the RFC writes it: the MSS this end sends with.
        let step = (buff / 2).min(t.snd_mss.max(1));
        if free - t.rcv_wnd >= step {
            self.tcb.rcv_wnd = free;
            self.note(Rule::WindowUpdate);
            self.tcb.ack_pending = true;
            self.output(now);
        } else {
            self.note(Rule::ReceiverSwsHolds);
        }
    }
}
