//! Capture replay: telling an endpoint about a segment it sent itself.
//!
//! When states are inferred from a packet capture ([`crate::capture`]), the packets an
//! endpoint received are fed to [`Endpoint::handle_segment`] as usual. The packets it *sent*
//! tell what its application did: a SYN is an active OPEN, data is a SEND, a FIN is a CLOSE,
//! a RST in a synchronized state is an ABORT. [`Endpoint::observe_transmit`] maps each to the
//! user call the engine already has, so every state change still comes from an existing rule.
//! Segments the engine sends on its own in answer to arrivals (ACKs, the SYN,ACK, resets of
//! unacceptable segments) and retransmissions change nothing here.
//!
//! Data is taken as sent in the segment's own size: SND.NXT moves to its end without the
//! engine's segmentation, window or retransmission queue (the capture already shows how the
//! real stack cut and paced it). The ACK on any segment the endpoint sent is evidence of what
//! it received: RCV.NXT catches up with it when the capture missed a packet.
//! [`Endpoint::set_receive_window`] widens RCV.WND past the 16-bit configured window, since a
//! real receiver's window (scaled, RFC 7323) is not in the capture. Nothing here is used by
//! the simulator.

use super::{Endpoint, Profile};
use crate::rule::Rule;
use crate::segment::Segment;
use crate::state::State;
use crate::time::Instant;

/// What [`Endpoint::observe_transmit`] made of a segment the endpoint sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Observed {
    /// Nothing new: an answer the engine makes itself, or a retransmission.
    Nothing,
    /// A SYN without ACK: active OPEN with the segment's sequence number as ISS.
    Open,
    /// A SYN,ACK in SYN-RECEIVED whose ISS is not the one the engine chose: the ISS (and
    /// SND.UNA, SND.NXT) are taken from it. Nothing else has been sent by then.
    Iss,
    /// New data, or a FIN that starts past SND.NXT: SND.NXT moved to the end of its data.
    Data,
    /// A FIN (perhaps after data in the same segment): CLOSE.
    Close,
    /// A RST at our sequence numbers in SYN-RECEIVED or a synchronized state: ABORT.
    Abort,
    /// Nothing sent by the application, but the segment's ACK covers data (or a FIN) from
    /// the peer that the endpoint had not seen arrive: it must have, so RCV.NXT moves there.
    Received,
}

impl Endpoint {
    /// Capture replay: this endpoint put `seg` on the network at `now`. Applies the user call
    /// the segment shows (see [`Observed`]) and reports which. Any segment the call itself
    /// emits is queued as usual; a replaying caller drains and discards it, since the capture
    /// shows what was really sent.
    pub(crate) fn observe_transmit(&mut self, seg: &Segment, now: Instant) -> Observed {
        let flags = seg.flags;
        let received = flags.ack() && !flags.rst() && !flags.syn() && self.fill_to_ack(seg, now);
        if flags.rst() {
            let t = &self.tcb;
            let at_our_numbers = t.snd_una <= seg.seq && seg.seq <= t.snd_nxt;
            let open = matches!(
                self.state,
                State::SynReceived
                    | State::Established
                    | State::FinWait1
                    | State::FinWait2
                    | State::CloseWait
            );
            if open && at_our_numbers && self.abort(now).is_ok() {
                return Observed::Abort;
            }
            return Observed::Nothing;
        }
        if flags.syn() {
            // A SYN,ACK is the engine's own answer to the peer's SYN (§3.10.7.2); only its
            // ISS may differ from the engine's choice, and the capture's wins.
            if flags.ack() {
                let t = &mut self.tcb;
                let only_syn_sent = t.snd_nxt == t.iss + 1 && t.snd_una == t.iss;
                if self.state == State::SynReceived && seg.seq != t.iss && only_syn_sent {
                    t.iss = seg.seq;
                    t.snd_una = seg.seq;
                    t.snd_nxt = seg.seq + 1;
                    for entry in t.rtx_queue.iter_mut().filter(|e| e.syn) {
                        entry.seq = seg.seq;
                    }
                    self.last_iss = self.last_iss.map(|(_, at)| (seg.seq, at));
                    return Observed::Iss;
                }
                return Observed::Nothing;
            }
            if matches!(self.state, State::Closed | State::Listen) {
                self.set_next_isn(seg.seq.0);
                if self.open_active(now).is_ok() {
                    return Observed::Open;
                }
            }
            return Observed::Nothing;
        }
        let can_send = matches!(
            self.state,
            State::SynReceived | State::Established | State::CloseWait
        );
        let mut observed = if received {
            Observed::Received
        } else {
            Observed::Nothing
        };
        if !can_send || self.tcb.fin_queued {
            return observed;
        }
        let data_end = seg.seq + seg.len;
        // Data, or a FIN starting past SND.NXT: the bytes before it were sent too, even when
        // the capture missed them. An empty segment past SND.NXT proves less: what it follows
        // may have been data or a FIN, so it moves nothing.
        if (seg.len > 0 || flags.fin()) && self.tcb.snd_nxt < data_end {
            self.tcb.snd_nxt = data_end;
            observed = Observed::Data;
        }
        // CLOSE sends the FIN at SND.NXT, which is where this one sits once its data counts.
        if flags.fin() && data_end == self.tcb.snd_nxt && self.close(now).is_ok() {
            observed = Observed::Close;
        }
        observed
    }

    /// Capture replay: the capture shows this endpoint answering a segment as a port with no
    /// socket does (a RST at SEG.ACK, §3.10.7.1) while the engine still holds a TCB in
    /// FIN-WAIT-2 or TIME-WAIT. Only a timer removes those without a packet: Linux's
    /// `tcp_fin_timeout` for an orphaned FIN-WAIT-2 socket, or the end of TIME-WAIT. Applies
    /// that timer's rule and returns whether it did; other states are left alone.
    pub(crate) fn observe_vanished(&mut self) -> bool {
        let rule = match (self.state, self.config.profile) {
            (State::FinWait2, _) => Rule::LinuxFinWait2Timeout,
            (State::TimeWait, Profile::Linux) => Rule::LinuxTimeWaitExpired,
            (State::TimeWait, Profile::Rfc) => Rule::TimeWaitExpired,
            _ => return false,
        };
        self.delete_tcb(rule);
        true
    }

    /// Capture replay: our own ACK says everything before SEG.ACK arrived, even what the
    /// capture missed or what the engine's window refused. Takes it in as received, and a FIN
    /// held out of order right behind it too (§3.10.7.4's eighth step). Returns whether
    /// RCV.NXT moved.
    fn fill_to_ack(&mut self, seg: &Segment, now: Instant) -> bool {
        if !matches!(
            self.state,
            State::Established | State::FinWait1 | State::FinWait2
        ) {
            return false;
        }
        let gap = seg.ack.offset_from(self.tcb.rcv_nxt);
        if gap == 0 || gap >= 1 << 30 {
            return false;
        }
        let fin_behind = self
            .tcb
            .ooo
            .iter()
            .any(|e| e.fin && e.seq + e.len + 1 == seg.ack);
        let rcv_nxt = self.tcb.rcv_nxt;
        self.receive_text(rcv_nxt, gap - u32::from(fin_behind), false, now);
        true
    }

    /// Capture replay: sets RCV.WND of the current connection. A capture does not tell the
    /// receiver's real window (the engine does not model window scaling, RFC 7323), so a
    /// replay opens it wide enough to accept every segment the capture shows. At most 2^30,
    /// so sequence comparisons stay meaningful; no effect in CLOSED and LISTEN, where the
    /// next connection starts from the configured window again.
    pub(crate) fn set_receive_window(&mut self, window: u32) {
        if !matches!(self.state, State::Closed | State::Listen) {
            self.tcb.rcv_wnd = window.min(1 << 30);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::endpoint::{Call, Config, EndpointEvent};
    use crate::rule::Rule;
    use crate::segment::Flags;
    use crate::seq::SeqNum;

    const T: Instant = Instant(0);

    fn seg(seq: u32, ack: Option<u32>, flags: Flags, len: u32) -> Segment {
        let mut s = Segment::control(SeqNum(seq), ack.map(SeqNum), flags);
        s.len = len;
        s.window = 1000;
        s
    }

    fn drain(e: &mut Endpoint) -> Vec<(State, State, Rule)> {
        while e.poll_transmit().is_some() {}
        let mut changes = Vec::new();
        while let Some(ev) = e.poll_event() {
            if let EndpointEvent::StateChange { from, to, rule } = ev {
                changes.push((from, to, rule));
            }
        }
        changes
    }

    /// An active opener established with ISS 1000 and IRS 5000.
    fn established() -> Endpoint {
        let mut e = Endpoint::new(Config::default(), 7);
        assert_eq!(
            e.observe_transmit(&seg(1000, None, Flags::SYN, 0), T),
            Observed::Open
        );
        e.handle_segment(seg(5000, Some(1001), Flags::SYN, 0), T);
        assert_eq!(e.state(), State::Established);
        drain(&mut e);
        e
    }

    #[test]
    fn a_syn_opens_with_the_segments_isn() {
        let mut e = Endpoint::new(Config::default(), 7);
        e.observe_transmit(&seg(1000, None, Flags::SYN, 0), T);
        assert_eq!(e.state(), State::SynSent);
        assert_eq!(e.tcb().iss, SeqNum(1000));
        assert_eq!(
            drain(&mut e),
            [(State::Closed, State::SynSent, Rule::ActiveOpen)]
        );
        // Its retransmission changes nothing.
        assert_eq!(
            e.observe_transmit(&seg(1000, None, Flags::SYN, 0), T),
            Observed::Nothing
        );
    }

    #[test]
    fn a_syn_ack_is_the_engines_own_answer() {
        let mut e = Endpoint::new(Config::default(), 9000);
        e.call(Call::Listen, T).unwrap();
        e.handle_segment(seg(1000, None, Flags::SYN, 0), T);
        assert_eq!(e.state(), State::SynReceived);
        assert_eq!(
            e.observe_transmit(&seg(9000, Some(1001), Flags::SYN, 0), T),
            Observed::Nothing
        );
        assert_eq!(e.state(), State::SynReceived);
    }

    #[test]
    fn a_syn_ack_with_another_iss_sets_the_iss() {
        let mut e = Endpoint::new(Config::default(), 9000);
        e.call(Call::Listen, T).unwrap();
        e.handle_segment(seg(1000, None, Flags::SYN, 0), T);
        assert_eq!(
            e.observe_transmit(&seg(400, Some(1001), Flags::SYN, 0), T),
            Observed::Iss
        );
        assert_eq!((e.tcb().iss, e.tcb().snd_nxt), (SeqNum(400), SeqNum(401)));
        assert_eq!(e.iss_base(), Some(SeqNum(400)));
        e.handle_segment(seg(1001, Some(401), Flags::ACK, 0), T);
        assert_eq!(e.state(), State::Established);
    }

    #[test]
    fn data_moves_snd_nxt_so_the_peers_ack_is_acceptable() {
        let mut e = established();
        assert_eq!(
            e.observe_transmit(&seg(1001, Some(5001), Flags::ACK, 100_000), T),
            Observed::Data
        );
        assert_eq!(e.tcb().snd_nxt, SeqNum(101_001));
        // A retransmission of the same bytes is nothing new.
        assert_eq!(
            e.observe_transmit(&seg(1001, Some(5001), Flags::ACK, 100), T),
            Observed::Nothing
        );
        e.handle_segment(seg(5001, Some(101_001), Flags::ACK, 0), T);
        assert_eq!(e.tcb().snd_una, SeqNum(101_001));
    }

    #[test]
    fn a_fin_is_a_close_and_its_ack_leads_to_fin_wait_2() {
        let mut e = established();
        assert_eq!(
            e.observe_transmit(&seg(1001, Some(5001), Flags::ACK | Flags::FIN, 10), T),
            Observed::Close
        );
        assert_eq!(
            drain(&mut e),
            [(State::Established, State::FinWait1, Rule::CloseSendsFin)]
        );
        e.handle_segment(seg(5001, Some(1012), Flags::ACK, 0), T);
        assert_eq!(e.state(), State::FinWait2);
        // A retransmitted FIN changes nothing.
        assert_eq!(
            e.observe_transmit(&seg(1011, Some(5001), Flags::ACK | Flags::FIN, 0), T),
            Observed::Nothing
        );
    }

    #[test]
    fn a_fin_past_snd_nxt_means_the_data_before_it_was_sent() {
        let mut e = established();
        // The 100 bytes at 1001 are missing from the capture; the FIN at 1101 is there.
        assert_eq!(
            e.observe_transmit(&seg(1101, Some(5001), Flags::ACK | Flags::FIN, 0), T),
            Observed::Close
        );
        assert_eq!(e.state(), State::FinWait1);
        e.handle_segment(seg(5001, Some(1102), Flags::ACK, 0), T);
        assert_eq!(e.state(), State::FinWait2);
    }

    #[test]
    fn an_empty_segment_past_snd_nxt_moves_nothing() {
        let mut e = established();
        // The capture missed what came before 1002: data or a FIN, it cannot tell.
        assert_eq!(
            e.observe_transmit(&seg(1002, Some(5001), Flags::ACK, 0), T),
            Observed::Nothing
        );
        assert_eq!(e.tcb().snd_nxt, SeqNum(1001));
        // The FIN's retransmission at 1001 then is a CLOSE.
        assert_eq!(
            e.observe_transmit(&seg(1001, Some(5001), Flags::ACK | Flags::FIN, 0), T),
            Observed::Close
        );
    }

    #[test]
    fn a_fin_in_close_wait_leads_to_last_ack() {
        let mut e = established();
        e.handle_segment(seg(5001, Some(1001), Flags::ACK | Flags::FIN, 0), T);
        assert_eq!(e.state(), State::CloseWait);
        e.observe_transmit(&seg(1001, Some(5002), Flags::ACK | Flags::FIN, 0), T);
        assert_eq!(e.state(), State::LastAck);
    }

    #[test]
    fn our_ack_fills_a_gap_the_capture_missed() {
        let mut e = established();
        // The peer's 100 bytes at 5001 never appear; our ACK says they arrived.
        assert_eq!(
            e.observe_transmit(&seg(1001, Some(5101), Flags::ACK, 0), T),
            Observed::Received
        );
        assert_eq!(e.tcb().rcv_nxt, SeqNum(5101));
        assert_eq!(e.received(), 100);
        // An ACK of what is already received changes nothing.
        assert_eq!(
            e.observe_transmit(&seg(1001, Some(5101), Flags::ACK, 0), T),
            Observed::Nothing
        );
    }

    #[test]
    fn our_ack_of_a_fin_held_behind_a_gap_takes_the_fin() {
        let mut e = established();
        // The FIN at 5101 arrives; the 100 bytes before it are missing from the capture.
        e.handle_segment(seg(5101, Some(1001), Flags::ACK | Flags::FIN, 0), T);
        assert_eq!(e.state(), State::Established);
        assert_eq!(e.tcb().ooo_queue_len, 1);
        e.observe_transmit(&seg(1001, Some(5102), Flags::ACK, 0), T);
        assert_eq!(e.state(), State::CloseWait);
        assert_eq!(e.tcb().rcv_nxt, SeqNum(5102));
    }

    #[test]
    fn a_wider_receive_window_accepts_what_the_capture_shows() {
        let mut e = established();
        // 100,000 bytes beyond RCV.NXT: outside the configured 65,535-byte window.
        let far = seg(105_001, Some(1001), Flags::ACK, 10);
        e.handle_segment(far, T);
        assert_eq!(e.tcb().ooo_queue_len, 0);
        e.set_receive_window(1 << 20);
        assert_eq!(e.tcb().rcv_wnd, 1 << 20);
        e.handle_segment(far, T);
        assert_eq!(e.tcb().ooo_queue_len, 1);
        e.set_receive_window(u32::MAX);
        assert_eq!(e.tcb().rcv_wnd, 1 << 30);
    }

    #[test]
    fn a_rst_at_our_numbers_is_an_abort_others_are_answers() {
        let mut e = established();
        // A RST far from SND.NXT answers something; it is not ours to act on.
        assert_eq!(
            e.observe_transmit(&seg(77, None, Flags::RST, 0), T),
            Observed::Nothing
        );
        assert_eq!(e.state(), State::Established);
        assert_eq!(
            e.observe_transmit(&seg(1001, None, Flags::RST, 0), T),
            Observed::Abort
        );
        assert_eq!(
            drain(&mut e),
            [(State::Established, State::Closed, Rule::AbortWithRst)]
        );
        // In CLOSED a RST is an answer (§3.10.7.1).
        assert_eq!(
            e.observe_transmit(&seg(1001, None, Flags::RST, 0), T),
            Observed::Nothing
        );
    }
}
