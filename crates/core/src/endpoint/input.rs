//! SEGMENT ARRIVES (RFC 9293 §3.10.7), one function per group of states, each check in the
//! RFC's order.

use super::config::LINUX_TIMEOUT_MIN;
use super::tcb::{OooEntry, Tcb};
use super::{Endpoint, Profile, Signal, Timer, TimerTable, Transmit};
use crate::rule::Rule;
use crate::segment::{Flags, Segment};
use crate::seq::SeqNum;
use crate::state::State;
use crate::time::{Duration, Instant};

impl Endpoint {
    /// Processes one arriving segment.
    pub fn handle_segment(&mut self, seg: Segment, now: Instant) {
        self.now = super::options::InputClock(now);
        match self.state {
            State::Closed => self.on_segment_closed(&seg),
            State::Listen => self.on_segment_listen(&seg, now),
            State::SynSent => self.on_segment_syn_sent(&seg, now),
            _ => self.on_segment_other(seg, now),
        }
        if self.state.is_synchronized() && self.config.keepalive.is_some() {
            self.restart_keepalive(now);
        }
        self.output(now);
    }

    /// §3.10.7.1: no TCB. Answer anything but a RST with a RST the sender will believe.
    fn on_segment_closed(&mut self, seg: &Segment) {
        if seg.flags.rst() {
            self.note(Rule::ClosedRstIgnored);
            return;
        }
        self.note(Rule::ClosedSendsRst);
        self.send_rst_for(seg);
    }

    /// The reset of §3.10.7.1 (and §3.5.2): `<SEQ=SEG.ACK><CTL=RST>` when the segment has an
    /// ACK, else `<SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>`.
    fn send_rst_for(&mut self, seg: &Segment) {
        let rst = if seg.flags.ack() {
            Segment::control(seg.ack, None, Flags::RST)
        } else {
            Segment::control(SeqNum(0), Some(seg.seq + seg.seg_len()), Flags::RST)
        };
        self.emit(rst);
    }

    /// §3.10.7.2.
    fn on_segment_listen(&mut self, seg: &Segment, now: Instant) {
        if seg.flags.rst() {
            self.note(Rule::ListenRstIgnored);
            return;
        }
        if seg.flags.ack() {
            self.note(Rule::ListenAckGetsRst);
            self.emit(Segment::control(seg.ack, None, Flags::RST));
            return;
        }
        if !seg.flags.syn() {
            self.note(Rule::ListenOther);
            return;
        }
        // Data or a FIN on the SYN is not acknowledged, so the sender will send it again
        // once the connection is ESTABLISHED (the RFC allows queueing it or not).
        self.learn_peer_syn(seg);
        self.choose_iss(now);
        self.set_send_window(seg);
        self.send_syn(now, true);
        self.set_state(State::SynReceived, Rule::ListenSyn);
    }

    /// §3.10.7.3.
    fn on_segment_syn_sent(&mut self, seg: &Segment, now: Instant) {
        let t = &self.tcb;
        if seg.flags.ack() && (seg.ack <= t.iss || seg.ack > t.snd_nxt) {
            if seg.flags.rst() {
                self.note(Rule::SynSentBadAckRst);
            } else {
                self.note(Rule::SynSentBadAck);
                self.emit(Segment::control(seg.ack, None, Flags::RST));
                if self.config.profile == Profile::Linux && self.tcb.retransmissions == 0 {
                    // The peer may have dropped our SYN as a stray: try again at once.
                    self.note(Rule::LinuxSynSentBadAckResend);
                    self.tcb
                        .timers
                        .set(Timer::Retransmission, now + LINUX_TIMEOUT_MIN);
                }
            }
            return;
        }
        // Past the first check, an ACK present is acceptable: SND.UNA < SEG.ACK =< SND.NXT.
        if seg.flags.rst() {
            // RFC 5961's RCV.NXT test cannot apply here: RCV.NXT is not known yet.
            if seg.flags.ack() {
                self.signal(Signal::Refused);
                self.end_connection(Rule::SynSentReset);
            } else {
                self.note(Rule::SynSentRstNoAck);
            }
            return;
        }
        if !seg.flags.syn() {
            self.note(Rule::SynSentNoSynNoRst);
            return;
        }
        self.learn_peer_syn(seg);
        self.set_send_window(seg);
        if seg.flags.ack() {
            self.ts_rtt_sample(seg, now);
            self.on_new_ack(seg.ack, now);
        }
        if self.tcb.snd_una > self.tcb.iss {
            self.set_state(State::Established, Rule::SynSentSynAck);
            self.on_established();
            self.tcb.ack_pending = true;
            if seg.len > 0 || seg.flags.fin() {
                self.receive_text(seg.seq + 1, seg.len, seg.flags.fin(), now);
            }
        } else {
            self.set_state(State::SynReceived, Rule::SynSentSimultaneous);
            self.send_syn(now, true);
            // RFC 6298 §3 (Karn): the SYN,ACK sends ISS again, so an ACK of it may answer the
            // first SYN: no RTT sample.
            self.tcb.rtt_probe = None;
        }
    }

    /// §3.10.7.4: SYN-RECEIVED and the synchronized states.
    fn on_segment_other(&mut self, mut seg: Segment, now: Instant) {
        let state = self.state;

        // The RFC's TIME-WAIT rule: "the only thing that can arrive in this state is a
        // retransmission of the remote FIN. Acknowledge it, and restart the 2 MSL timeout."
        // Such a FIN is wholly old, so the acceptability test alone would drop it.
        if state == State::TimeWait
            && seg.flags.fin()
            && !seg.flags.rst()
            && !seg.flags.syn()
            && seg.seq + seg.seg_len() == self.tcb.rcv_nxt
        {
            self.note(Rule::TimeWaitFinRetransmit);
            self.tcb.ack_pending = true;
            self.start_time_wait(now);
            return;
        }
        if state == State::TimeWait && self.config.profile == Profile::Linux {
            self.on_segment_time_wait_linux(&seg, now);
            return;
        }

        // Linux (tcp_check_req): the peer's SYN again, in SYN-RECEIVED after a passive OPEN,
        // means our SYN,ACK was lost: it goes again, and the request timer restarts.
        if state == State::SynReceived
            && self.tcb.passive
            && self.config.profile == Profile::Linux
            && seg.flags.syn()
            && !seg.flags.ack()
            && !seg.flags.rst()
            && seg.seq == self.tcb.irs
        {
            self.note(Rule::LinuxSynRecvSynAgain);
            if let Some(front) = self.tcb.rtx_queue.front().copied() {
                let segment = self.segment_for(&front);
                self.queue(Transmit {
                    segment,
                    retransmission: true,
                });
                self.tcb
                    .timers
                    .set(Timer::Retransmission, now + self.tcb.rto);
            }
            return;
        }

        // Figure 7 (MUST-10): in a simultaneous open the peer's SYN,ACK repeats the SYN we
        // already acknowledged; only the new part, the ACK, is processed.
        if state == State::SynReceived
            && !self.tcb.passive
            && seg.flags.syn()
            && seg.flags.ack()
            && seg.seq == self.tcb.irs
        {
            self.note(Rule::SimultaneousSynAck);
            seg.flags = seg.flags.without(Flags::SYN);
            seg.seq = seg.seq + 1;
            if self.config.profile == Profile::Linux {
                // The repeated SYN lies below RCV.NXT: Linux takes it for a retransmission
                // and acknowledges it at once.
                self.note(Rule::LinuxSimultaneousOpenAck);
                self.tcb.ack_pending = true;
            }
        }

        // RFC 7323 §5.3 R1: PAWS comes before the sequence number check.
        if self.paws_rejects(&seg) {
            return;
        }

        // First: the sequence number.
        let original_seq = seg.seq;
        if !self.acceptable_first_check(&seg) {
            let zero_window_at_edge =
                self.tcb.rcv_wnd == 0 && seg.seq == self.tcb.rcv_nxt && !seg.flags.syn();
            if !zero_window_at_edge {
                if seg.flags.rst() {
                    self.note(Rule::UnacceptableRst);
                } else if (seg.seg_len() == 0
                    // Linux limits a SYN's answer too: only data cannot be part of an ACK
                    // loop (tcp_oow_rate_limited).
                    || (seg.flags.syn() && self.config.profile == Profile::Linux))
                    && self.oow_ack_throttled(now)
                {
                    self.note(Rule::UnacceptableThrottled);
                } else {
                    self.note(Rule::Unacceptable);
                    self.tcb.ack_pending = true;
                }
                return;
            }
            // Special allowance for valid ACKs and RSTs when the window is zero.
            self.note(Rule::ZeroWindowAckOnly);
            self.tcb.ack_pending = true;
            seg.len = 0;
            seg.flags = seg.flags.without(Flags::FIN);
        }
        // RFC 7323 §4.3 (and §5.3 R3): judged on the segment as it came, before trimming.
        self.update_ts_recent(&seg);
        self.trim_to_window(&mut seg);

        // Second: RST.
        if seg.flags.rst() {
            if self.config.rfc5961 && original_seq != self.tcb.rcv_nxt {
                // Only Linux gets here with SEG.SEQ outside the window (see the first check).
                let rule = if self.rst_in_window(original_seq) {
                    Rule::RstChallengeAck
                } else {
                    Rule::LinuxRstWholeSegment
                };
                self.challenge_ack(rule, now);
                return;
            }
            match state {
                State::SynReceived if self.tcb.passive => {
                    self.return_to_listen(Rule::RstSynReceivedPassive)
                }
                State::SynReceived => {
                    self.signal(Signal::Refused);
                    self.end_connection(Rule::RstSynReceivedActive);
                }
                State::Established | State::FinWait1 | State::FinWait2 | State::CloseWait => {
                    self.signal(Signal::Reset);
                    self.end_connection(Rule::RstReset);
                }
                State::TimeWait if self.config.rfc1337 => {
                    self.note(Rule::TimeWaitRstIgnoredRfc1337)
                }
                _ => self.end_connection(Rule::RstInClosingStates),
            }
            return;
        }

        // Third, security, does not apply. Fourth: SYN.
        if seg.flags.syn() {
            if state == State::SynReceived
                && self.tcb.passive
                && self.config.profile == Profile::Linux
            {
                // tcp_check_req: the request is reset (<SEQ=0><ACK=SEG.SEQ+1>, as from a
                // closed port) and dropped; the listener stays.
                self.send_rst_for(&seg);
                self.return_to_listen(Rule::LinuxSynRecvNewSyn);
            } else if state == State::SynReceived && self.tcb.passive {
                self.return_to_listen(Rule::SynSynReceivedPassive);
            } else if self.config.rfc5961 {
                self.challenge_ack(Rule::SynChallengeAck, now);
            } else {
                self.send_rst_for(&seg);
                self.signal(Signal::Reset);
                self.end_connection(Rule::SynInWindowReset);
            }
            return;
        }

        // Fifth: ACK.
        if !seg.flags.ack() {
            self.note(Rule::NoAckDropped);
            return;
        }
        // RFC 5961 §5 guards synchronized connections against blind data injection;
        // SYN-RECEIVED keeps its own test below, whose failure draws a RST.
        if self.config.rfc5961 && state != State::SynReceived {
            let t = &self.tcb;
            let lowest = t.snd_una - t.max_snd_wnd;
            if !(lowest <= seg.ack && seg.ack <= t.snd_nxt) {
                self.challenge_ack(Rule::AckOutsideRange, now);
                return;
            }
        }
        if state == State::SynReceived {
            let t = &self.tcb;
            if t.snd_una < seg.ack && seg.ack <= t.snd_nxt {
                self.set_state(State::Established, Rule::SynReceivedAck);
                self.set_send_window(&seg);
                self.on_established();
            } else {
                self.note(Rule::SynReceivedBadAck);
                self.emit(Segment::control(seg.ack, None, Flags::RST));
                return;
            }
        }
        if seg.ack > self.tcb.snd_nxt {
            self.challenge_ack(Rule::AckTooNew, now);
            return;
        }
        self.sack_take_blocks(&seg);
        if self.tcb.snd_una < seg.ack {
            let old_una = self.tcb.snd_una;
            self.ts_rtt_sample(&seg, now);
            if self.on_new_ack(seg.ack, now) && !self.sack_on_new_ack(seg.ack, now) {
                self.cc_on_new_ack(old_una, seg.ack, now);
            }
        } else if seg.len == 0 && !seg.flags.fin() && seg.ack == self.tcb.snd_una {
            // Pure duplicate ACKs are worth a note; ACKs riding on data are not.
            if self.tcb.snd_una != self.tcb.snd_nxt {
                self.note(Rule::AckDuplicate);
                // RFC 5681 §2: a duplicate ACK also leaves the window unchanged.
                // Against a zero window they answer probes: no sign of loss.
                if self.seg_wnd(&seg) == self.tcb.snd_wnd
                    && self.tcb.snd_wnd > 0
                    && !self.sack_on_dup_ack(now)
                {
                    self.cc_on_dup_ack();
                }
            }
        }
        if self.tcb.snd_una <= seg.ack {
            self.update_send_window(&seg);
        }
        // §3.8.6.1 (MUST-37): a peer that keeps acknowledging our probes of its zero window is
        // alive, so the connection stays open however long the window stays shut.
        if self.tcb.snd_wnd == 0 {
            self.tcb.retransmissions = 0;
        }
        let our_fin_acked = self.our_fin_acked();
        match self.state {
            State::Closing => {
                if our_fin_acked {
                    self.set_state(State::TimeWait, Rule::ClosingFinAcked);
                    self.start_time_wait(now);
                }
                return;
            }
            State::LastAck => {
                if our_fin_acked {
                    self.end_connection(Rule::LastAckFinAcked);
                }
                return;
            }
            _ => {}
        }

        // Sixth, URG, is not modelled. Seventh and eighth: text and FIN.
        if seg.len > 0 && self.tcb.orphan && matches!(self.state, State::FinWait1 | State::FinWait2)
        {
            // Linux (tcp_rcv_state_process): nobody is left to read it. The reset answers the
            // segment, as from a closed port.
            self.emit(Segment::control(seg.ack, None, Flags::RST));
            self.end_connection(Rule::LinuxDataAfterClose);
            return;
        }
        if seg.len > 0 || seg.flags.fin() {
            match self.state {
                State::Established | State::FinWait1 | State::FinWait2 => {
                    self.receive_text(seg.seq, seg.len, seg.flags.fin(), now)
                }
                State::CloseWait | State::TimeWait
                    if seg.len == 0 && seg.seq == self.tcb.rcv_nxt =>
                {
                    self.fin_after_fin(now)
                }
                _ => self.note(Rule::TextIgnored),
            }
        }
        // FIN-WAIT-1 whose FIN is acknowledged goes on to FIN-WAIT-2, unless a FIN in this
        // same segment already took it to TIME-WAIT.
        if self.state == State::FinWait1 && self.our_fin_acked() {
            self.set_state(State::FinWait2, Rule::FinWait1FinAcked);
            if let Some(timeout) = self.config.fin_timeout().filter(|_| self.tcb.orphan) {
                // Linux, not RFC 9293: a socket its application closed does not wait in
                // FIN-WAIT-2 for ever (`tcp_fin_timeout`); after shutdown() it does.
                self.note(Rule::LinuxFinWait2Timer);
                self.tcb.timers.set(Timer::FinWait2, now + timeout);
            }
        }
    }

    /// A FIN at RCV.NXT after the peer's FIN (so in CLOSE-WAIT or TIME-WAIT). RFC 9293's
    /// eighth step: advance RCV.NXT over it and acknowledge it; CLOSE-WAIT remains, TIME-WAIT
    /// remains and restarts the 2 MSL timeout. Linux ignores it in CLOSE-WAIT (its TIME-WAIT
    /// is `on_segment_time_wait_linux`).
    fn fin_after_fin(&mut self, now: Instant) {
        if self.config.profile == Profile::Linux {
            self.note(Rule::LinuxFinAfterFinIgnored);
            return;
        }
        self.note(Rule::FinAgain);
        self.tcb.rcv_nxt = self.tcb.rcv_nxt + 1;
        self.tcb.ack_pending = true;
        if self.state == State::TimeWait {
            self.start_time_wait(now);
        }
    }

    /// Linux's TIME-WAIT (`tcp_timewait_state_process`, without timestamps): a RST or a
    /// bare ACK exactly at RCV.NXT is taken in silence (the RST ends TIME-WAIT, as with
    /// `tcp_rfc1337` = 0; the ACK restarts the 60 s); any other RST is ignored; anything else
    /// is answered with an ACK of RCV.NXT (not advanced) and, when it carries an ACK,
    /// restarts the 60 s.
    fn on_segment_time_wait_linux(&mut self, seg: &Segment, now: Instant) {
        let at_rcv_nxt = seg.seq == self.tcb.rcv_nxt;
        // TCP_TW_SYN: a SYN above RCV.NXT goes to the listener when one is open (without
        // one, it is answered like anything else, below).
        let new_syn = seg.flags.syn() && !seg.flags.ack() && !seg.flags.rst();
        if new_syn && seg.seq > self.tcb.rcv_nxt && self.tcb.passive && self.config.keep_listener {
            self.reopen_from_time_wait(seg, now);
            return;
        }
        if seg.flags.rst() {
            if at_rcv_nxt && self.config.rfc1337 {
                self.note(Rule::TimeWaitRstIgnoredRfc1337);
            } else if at_rcv_nxt {
                self.end_connection(Rule::RstInClosingStates);
            } else {
                self.note(Rule::LinuxTimeWaitRstIgnored);
            }
            return;
        }
        if at_rcv_nxt && seg.seg_len() == 0 {
            self.note(Rule::LinuxTimeWaitAckRestart);
            self.start_time_wait(now);
            return;
        }
        self.note(Rule::LinuxTimeWaitAck);
        self.tcb.ack_pending = true;
        if seg.flags.ack() {
            self.start_time_wait(now);
        }
    }

    /// RFC 9293 MAY-2 as Linux does it: TIME-WAIT gives way to a new connection whose ISS
    /// lies above everything the old one sent (`tw_snd_nxt + 65535 + 2`). Linux does not come
    /// back to TIME-WAIT if the SYN was an old duplicate (MAY-2's second condition): the
    /// request is dropped and the listener stays.
    fn reopen_from_time_wait(&mut self, seg: &Segment, now: Instant) {
        let iss = self.tcb.snd_nxt + 65_537;
        self.tcb = Tcb::new(&self.config);
        self.tcb.passive = true;
        self.learn_peer_syn(seg);
        self.use_iss(iss, now);
        self.set_send_window(seg);
        self.send_syn(now, true);
        self.set_state(State::SynReceived, Rule::LinuxTimeWaitSynReopen);
    }

    /// The first check. Table 6 of §3.10.7.4 for every segment, except a RST in the RFC mode:
    /// "a reset is valid if its sequence number is in the window" (§3.5.3; RFC 5961's exact
    /// match comes in the second check), whatever data it carries. Linux judges a RST like
    /// any other segment (`tcp_sequence`).
    fn acceptable_first_check(&self, seg: &Segment) -> bool {
        if seg.flags.rst() && self.config.profile == Profile::Rfc {
            self.rst_in_window(seg.seq)
        } else {
            self.acceptable(seg)
        }
    }

    /// RCV.NXT =< SEQ < RCV.NXT+RCV.WND, or SEQ = RCV.NXT when the window is zero.
    fn rst_in_window(&self, seq: SeqNum) -> bool {
        let t = &self.tcb;
        if t.rcv_wnd == 0 {
            seq == t.rcv_nxt
        } else {
            seq.offset_from(t.rcv_nxt) < t.rcv_wnd
        }
    }

    /// Sends a challenge ACK (RFC 5961), or the ACK that refuses an ACK out of range. Linux
    /// sends at most one per `tcp_invalid_ratelimit` (500 ms) for all of these and for
    /// out-of-window segments together (`tcp_oow_rate_limited`, one timestamp per socket).
    fn challenge_ack(&mut self, rule: Rule, now: Instant) {
        if self.config.profile == Profile::Linux && self.oow_ack_throttled(now) {
            self.note(Rule::LinuxChallengeAckLimited);
            return;
        }
        self.note(rule);
        self.tcb.ack_pending = true;
    }

    /// RFC 5961 §7: answers to empty out-of-window segments are rate-limited, which ends
    /// the ACK war of two desynchronized peers. Records the answer when one is allowed.
    fn oow_ack_throttled(&mut self, now: Instant) -> bool {
        let limit = self.config.ack_ratelimit;
        let recent = self
            .tcb
            .last_oow_ack
            .is_some_and(|at| limit > Duration::ZERO && now - at < limit);
        if !recent {
            self.tcb.last_oow_ack = Some(now);
        }
        recent
    }

    /// Table 6 of §3.10.7.4.
    fn acceptable(&self, seg: &Segment) -> bool {
        let t = &self.tcb;
        let in_window = |s: SeqNum| s.offset_from(t.rcv_nxt) < t.rcv_wnd;
        match (seg.seg_len(), t.rcv_wnd) {
            (0, 0) => seg.seq == t.rcv_nxt,
            (0, _) => in_window(seg.seq),
            (_, 0) => false,
            (len, _) => in_window(seg.seq) || in_window(seg.seq + (len - 1)),
        }
    }

    /// Cuts an acceptable segment down to the "idealized segment" that starts no earlier than
    /// RCV.NXT and ends within the window.
    fn trim_to_window(&mut self, seg: &mut Segment) {
        let t = &self.tcb;
        if seg.seq < t.rcv_nxt {
            let mut old = t.rcv_nxt.offset_from(seg.seq);
            if seg.flags.syn() {
                seg.flags = seg.flags.without(Flags::SYN);
                seg.seq = seg.seq + 1;
                old -= 1;
            }
            let data = old.min(seg.len);
            seg.len -= data;
            seg.seq = seg.seq + data;
        }
        let room = (t.rcv_nxt + t.rcv_wnd).offset_from(seg.seq);
        if seg.len > room {
            seg.len = room;
            seg.flags = seg.flags.without(Flags::FIN);
        } else if seg.flags.fin() && seg.len == room && t.rcv_wnd > 0 && seg.len > 0 {
            // The FIN would sit just past the window's right edge.
            seg.flags = seg.flags.without(Flags::FIN);
        }
    }

    /// Takes in data (and a FIN) that start at `seq`, in order or held for later.
    pub(super) fn receive_text(&mut self, seq: SeqNum, len: u32, fin: bool, now: Instant) {
        if seq != self.tcb.rcv_nxt {
            // RFC 5681 §4.2: an out-of-order segment is acknowledged at once (a duplicate
            // ACK the sender counts).
            self.tcb.ack_pending = true;
            self.note(if len > 0 {
                Rule::TextQueued
            } else {
                Rule::FinQueued
            });
            self.sack_note_arrival(seq);
            let entry = OooEntry { seq, len, fin };
            let pos = self
                .tcb
                .ooo
                .iter()
                .position(|e| {
                    e.seq.offset_from(self.tcb.rcv_nxt) > seq.offset_from(self.tcb.rcv_nxt)
                })
                .unwrap_or(self.tcb.ooo.len());
            self.tcb.ooo.insert(pos, entry);
            return;
        }
        if len > 0 {
            self.note(Rule::TextAccepted);
        }
        // RFC 5681 §4.2: a segment that fills a gap is acknowledged at once.
        let filled_gap = !self.tcb.ooo.is_empty();
        self.accept_in_order(len);
        let mut fin_now = fin;
        // Pull held segments that the new RCV.NXT reaches.
        while let Some(i) = self.tcb.ooo.iter().position(|e| e.seq <= self.tcb.rcv_nxt) {
            let e = self.tcb.ooo.remove(i);
            let end = e.seq + e.len;
            if end > self.tcb.rcv_nxt {
                let new = end.offset_from(self.tcb.rcv_nxt);
                self.accept_in_order(new);
            }
            if e.fin && end == self.tcb.rcv_nxt {
                fin_now = true;
            }
        }
        if fin_now {
            self.tcb.ooo.clear();
            self.tcb.rcv_nxt = self.tcb.rcv_nxt + 1;
            self.on_fin(now);
        } else if filled_gap || len == 0 {
            self.tcb.ack_pending = true;
        } else {
            self.ack_in_order_data(len, now);
        }
    }

    fn accept_in_order(&mut self, len: u32) {
        self.tcb.rcv_nxt = self.tcb.rcv_nxt + len;
        self.buffer_received(len);
    }

    /// The eighth step, for a FIN now in sequence.
    fn on_fin(&mut self, now: Instant) {
        self.signal(Signal::Closing);
        self.tcb.ack_pending = true;
        match self.state {
            State::SynReceived | State::Established => {
                self.set_state(State::CloseWait, Rule::FinReceived)
            }
            State::FinWait1 if self.our_fin_acked() => {
                self.set_state(State::TimeWait, Rule::FinAckInFinWait1);
                self.start_time_wait(now);
            }
            State::FinWait1 => self.set_state(State::Closing, Rule::FinInFinWait1),
            State::FinWait2 => {
                self.set_state(State::TimeWait, Rule::FinInFinWait2);
                self.start_time_wait(now);
            }
            State::TimeWait => {
                self.note(Rule::FinReceived);
                self.start_time_wait(now);
            }
            _ => self.note(Rule::FinReceived),
        }
    }

    /// Enters (or restarts) the 2MSL wait (Linux: 60 s) and turns off the other timers.
    fn start_time_wait(&mut self, now: Instant) {
        if self.config.profile == Profile::Linux {
            self.note(Rule::LinuxTimeWait);
        }
        let t = &mut self.tcb;
        t.timers = TimerTable::default();
        t.timers.set(Timer::TimeWait, now + self.config.time_wait());
        t.rtx_queue.clear();
    }

    fn our_fin_acked(&self) -> bool {
        self.tcb
            .fin_seq
            .is_some_and(|fin| self.tcb.snd_una == fin + 1)
    }

    /// IRS, RCV.NXT and the peer's MSS, from its SYN.
    fn learn_peer_syn(&mut self, seg: &Segment) {
        let t = &mut self.tcb;
        t.irs = seg.seq;
        t.rcv_nxt = seg.seq + 1;
        if let Some(mss) = seg.mss {
            t.snd_mss = u32::from(mss.min(self.config.mss)).max(1);
        }
        self.learn_peer_options(seg);
    }

    /// The window update rule of §3.10.7.4's fifth step: only a segment newer than the last
    /// one used may update SND.WND.
    fn update_send_window(&mut self, seg: &Segment) {
        let t = &self.tcb;
        if t.snd_wl1 < seg.seq || (t.snd_wl1 == seg.seq && t.snd_wl2 <= seg.ack) {
            self.set_send_window(seg);
        }
    }

    /// SND.WND <- SEG.WND, SND.WL1 <- SEG.SEQ, SND.WL2 <- SEG.ACK.
    fn set_send_window(&mut self, seg: &Segment) {
        let wnd = self.seg_wnd(seg);
        let t = &mut self.tcb;
        t.snd_wnd = wnd;
        t.snd_wl1 = seg.seq;
        t.snd_wl2 = seg.ack;
        t.max_snd_wnd = t.max_snd_wnd.max(t.snd_wnd);
    }

    /// SND.UNA advances: drop what is acknowledged, take an RTT sample, and manage the timer
    /// (RFC 6298 §5.2 and §5.3).
    /// Returns whether data (not only a SYN or FIN) was acknowledged.
    fn on_new_ack(&mut self, ack: SeqNum, now: Instant) -> bool {
        let t = &mut self.tcb;
        t.snd_una = ack;
        let mut data_acked = false;
        while let Some(front) = t.rtx_queue.front_mut() {
            if front.end() <= ack {
                data_acked |= front.len > 0;
                t.rtx_queue.pop_front();
            } else {
                if front.seq < ack {
                    let before = front.len;
                    front.trim_acked(ack);
                    data_acked |= front.len < before;
                }
                break;
            }
        }
        if t.opts.ts_on() {
            // RTTM times every ACK (`ts_rtt_sample`); no segment is timed on its own.
            t.rtt_probe = None;
        } else if let Some((probe, sent)) = t.rtt_probe {
            if probe <= ack {
                t.rtt_probe = None;
                self.rtt_sample(now - sent);
            }
        }
        let t = &mut self.tcb;
        t.retransmissions = 0;
        if t.rtx_queue.is_empty() {
            t.timers.stop(Timer::Retransmission);
            t.timers.stop(Timer::LossProbe);
            t.tlp_rto_at = None;
        } else {
            t.timers.set(Timer::Retransmission, now + t.rto);
        }
        self.tlp_on_ack();
        if self.config.tlp && !self.tcb.rtx_queue.is_empty() {
            // The RTO restarted from now; Linux puts the loss probe in its place when it may
            // (tcp_set_xmit_timer).
            self.tcb.tlp_rto_at = None;
            self.schedule_loss_probe(now);
        }
        // Acknowledgments of a SYN or FIN are told by the state change they cause.
        if data_acked {
            self.note(Rule::AckAdvances);
        }
        data_acked
    }

    /// RFC 6298 §2.2 and §2.3.
    pub(super) fn rtt_sample(&mut self, r: Duration) {
        let t = &mut self.tcb;
        let r = r.0;
        let (srtt, rttvar) = match t.srtt {
            None => (r, r / 2),
            Some(srtt) => {
                let srtt = srtt.0;
                let rttvar = (3 * t.rttvar.0 + srtt.abs_diff(r)) / 4;
                ((7 * srtt + r) / 8, rttvar)
            }
        };
        t.srtt = Some(Duration(srtt));
        t.rttvar = Duration(rttvar);
        // The clock granularity G is one millisecond.
        let rto = match self.config.profile {
            Profile::Rfc => Duration(srtt + (4 * rttvar).max(1)).max(self.config.rto_min()),
            // Linux keeps its variance term at least TCP_RTO_MIN (tcp_rtt_estimator's
            // mdev_max), so its RTO is at least SRTT + 200 ms rather than a bare 200 ms.
            Profile::Linux => Duration(srtt + (4 * rttvar).max(self.config.rto_min().0)),
        };
        t.rto = rto.min(self.config.rto_max);
    }

    /// Work that waits for ESTABLISHED: RFC 6298 §5.7, and a CLOSE queued in SYN-RECEIVED.
    fn on_established(&mut self) {
        self.cc_start();
        self.delack_start();
        let t = &mut self.tcb;
        // RFC 6298 §5.7: after a SYN timed out, data transmission starts from a 3 s RTO when
        // the initial RTO was shorter.
        if t.syn_timed_out && self.config.rto < Duration::from_secs(3) {
            t.rto = Duration::from_secs(3);
        }
        if t.close_deferred {
            t.close_deferred = false;
            t.fin_queued = true;
            self.set_state(State::FinWait1, Rule::CloseDeferredRuns);
        }
    }

    fn restart_keepalive(&mut self, now: Instant) {
        let Some(idle) = self.config.keepalive else {
            return;
        };
        let t = &mut self.tcb;
        t.keepalive_probes_sent = 0;
        if matches!(self.state, State::Established | State::CloseWait) {
            t.timers.set(Timer::Keepalive, now + idle);
        } else {
            t.timers.stop(Timer::Keepalive);
        }
    }
}
