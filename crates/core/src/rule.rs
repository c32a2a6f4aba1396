//! The RFC rules the engine applies, each with the section that prescribes it and a one-line
//! reason. Every state change and every notable decision about a segment names one, so the UI
//! can say *why* something happened and where the RFC says so.

use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};

macro_rules! rules {
    ($( $name:ident => $section:literal, $reason:literal; )*) => {
        /// One rule of RFC 9293 (or of an RFC it cites) that the engine applied.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Rule {
            $( #[doc = $reason] $name, )*
        }

        impl Rule {
            /// Every rule, for documentation and translation tables.
            pub const ALL: &'static [Rule] = &[$(Rule::$name),*];

            /// The section that prescribes the rule, e.g. `3.10.7.4` (RFC 9293 unless the
            /// text names another RFC).
            pub fn section(self) -> &'static str {
                match self { $(Rule::$name => $section,)* }
            }

            /// A one-line English reason, suitable for the UI and the trace.
            pub fn reason(self) -> &'static str {
                match self { $(Rule::$name => $reason,)* }
            }

            /// The variant's name, a stable key for translations.
            pub fn key(self) -> &'static str {
                match self { $(Rule::$name => stringify!($name),)* }
            }
        }
    };
}

rules! {
    // User calls (§3.10.1 to §3.10.5) and the crash that is not an RFC call.
    PassiveOpen => "3.10.1", "passive OPEN: TCB created, waiting for a SYN";
    ActiveOpen => "3.10.1", "active OPEN: ISS chosen, <SEQ=ISS><CTL=SYN> sent";
    ListenToActive => "3.10.1", "active OPEN in LISTEN: the connection turns active and sends a SYN";
    CloseInListen => "3.10.4", "CLOSE in LISTEN: TCB deleted";
    CloseInSynSent => "3.10.4", "CLOSE in SYN-SENT: TCB deleted, nothing sent";
    CloseInSynReceived => "3.10.4", "CLOSE in SYN-RECEIVED with nothing to send: FIN sent";
    CloseDeferred => "3.10.4", "CLOSE in SYN-RECEIVED with data queued: FIN waits for ESTABLISHED";
    CloseDeferredRuns => "3.10.4", "CLOSE queued in SYN-RECEIVED runs now: FIN after the queued data";
    CloseSendsFin => "3.10.4", "CLOSE: FIN follows any queued data; FIN-WAIT-1 at once";
    CloseInCloseWait => "3.10.4", "CLOSE in CLOSE-WAIT: FIN follows any queued data";
    AbortWithRst => "3.10.5", "ABORT: <SEQ=SND.NXT><CTL=RST> sent, queues flushed, TCB deleted";
    AbortQuiet => "3.10.5", "ABORT: TCB deleted; this state needs no RST";
    Crash => "3.5.1", "host crash: the TCB is lost and nothing is sent (the peer is left half-open)";

    // SEGMENT ARRIVES in CLOSED (§3.10.7.1).
    ClosedRstIgnored => "3.10.7.1", "RST for a closed port: discarded";
    ClosedSendsRst => "3.10.7.1", "segment for a closed port: RST sent, made acceptable to the sender";

    // SEGMENT ARRIVES in LISTEN (§3.10.7.2).
    ListenRstIgnored => "3.10.7.2", "RST in LISTEN cannot be valid: ignored";
    ListenAckGetsRst => "3.10.7.2", "ACK in LISTEN is always bad: <SEQ=SEG.ACK><CTL=RST> sent";
    ListenSyn => "3.10.7.2", "SYN in LISTEN: IRS=SEG.SEQ, RCV.NXT=SEG.SEQ+1, SYN,ACK sent";
    ListenOther => "3.10.7.2", "no SYN, ACK or RST in LISTEN: dropped";

    // SEGMENT ARRIVES in SYN-SENT (§3.10.7.3).
    SynSentBadAck => "3.10.7.3", "ACK in SYN-SENT with SEG.ACK =< ISS or SEG.ACK > SND.NXT: <SEQ=SEG.ACK><CTL=RST> sent";
    SynSentBadAckRst => "3.10.7.3", "RST with an unacceptable ACK in SYN-SENT: dropped";
    SynSentRstNoAck => "3.10.7.3", "RST without an ACK in SYN-SENT: dropped";
    SynSentReset => "3.10.7.3", "RST with an acceptable ACK in SYN-SENT: connection refused";
    SynSentSynAck => "3.10.7.3", "ACK of our SYN acceptable: SND.UNA < SEG.ACK =< SND.NXT, ACK sent";
    SynSentSimultaneous => "3.10.7.3", "SYN without ACK in SYN-SENT: simultaneous open, SYN,ACK sent";
    SynSentNoSynNoRst => "3.10.7.3", "neither SYN nor RST in SYN-SENT: dropped";

    // SEGMENT ARRIVES in the other states (§3.10.7.4), in the RFC's order of checks.
    SimultaneousSynAck => "3.5", "SYN,ACK in SYN-RECEIVED repeats the SYN already received (Figure 7): SYN trimmed, ACK processed";
    TimeWaitFinRetransmit => "3.10.7.4", "retransmitted FIN in TIME-WAIT: ACK sent again, 2MSL timer restarted";
    Unacceptable => "3.10.7.4", "segment not acceptable (outside RCV.NXT .. RCV.NXT+RCV.WND): ACK sent, segment dropped";
    UnacceptableThrottled => "3.10.7.4", "empty segment not acceptable, but an ACK for one went out under 500 ms ago: no ACK (RFC 5961 §7 throttling)";
    UnacceptableRst => "3.10.7.4", "RST whose SEG.SEQ is outside the receive window: dropped silently (§3.5.3)";
    ZeroWindowAckOnly => "3.10.7.4", "receive window is zero: data dropped, only the ACK field processed";
    RstChallengeAck => "3.10.7.4", "RST in the window but SEG.SEQ != RCV.NXT: challenge ACK sent (RFC 5961 §3)";
    RstSynReceivedPassive => "3.10.7.4", "acceptable RST in SYN-RECEIVED after a passive OPEN: back to LISTEN";
    RstSynReceivedActive => "3.10.7.4", "acceptable RST in SYN-RECEIVED after an active OPEN: connection refused";
    RstReset => "3.10.7.4", "acceptable RST: connection reset, TCB deleted";
    TimeWaitRstIgnoredRfc1337 => "3.10.7.4", "RST in TIME-WAIT ignored, as RFC 1337 advises against TIME-WAIT assassination (`set rfc1337 on`, Linux's tcp_rfc1337 = 1)";
    RstInClosingStates => "3.10.7.4", "acceptable RST in CLOSING, LAST-ACK or TIME-WAIT: TCB deleted";
    SynSynReceivedPassive => "3.10.7.4", "SYN in SYN-RECEIVED after a passive OPEN: back to LISTEN";
    SynChallengeAck => "3.10.7.4", "SYN in a synchronized state: challenge ACK sent, segment dropped (RFC 5961 §4)";
    SynInWindowReset => "3.10.7.4", "SYN in the window of a synchronized state: RST sent, connection reset (RFC 793)";
    NoAckDropped => "3.10.7.4", "ACK bit off: segment dropped";
    AckOutsideRange => "3.10.7.4", "SEG.ACK outside SND.UNA-MAX.SND.WND .. SND.NXT: dropped, ACK sent (RFC 5961 §5)";
    SynReceivedAck => "3.10.7.4", "ACK of our SYN acceptable in SYN-RECEIVED: SND.UNA < SEG.ACK =< SND.NXT";
    SynReceivedBadAck => "3.10.7.4", "ACK not acceptable in SYN-RECEIVED: <SEQ=SEG.ACK><CTL=RST> sent";
    AckAdvances => "3.10.7.4", "new data acknowledged: SND.UNA <- SEG.ACK, acknowledged segments leave the retransmission queue";
    AckDuplicate => "3.10.7.4", "duplicate ACK (SEG.ACK =< SND.UNA): ignored";
    AckTooNew => "3.10.7.4", "ACK of data not yet sent (SEG.ACK > SND.NXT): ACK sent, segment dropped";
    FinWait1FinAcked => "3.10.7.4", "our FIN acknowledged in FIN-WAIT-1";
    ClosingFinAcked => "3.10.7.4", "our FIN acknowledged in CLOSING: 2MSL timer started";
    LastAckFinAcked => "3.10.7.4", "our FIN acknowledged in LAST-ACK: TCB deleted";
    TextAccepted => "3.10.7.4", "data at RCV.NXT accepted: RCV.NXT advanced, ACK sent";
    TextQueued => "3.10.7.4", "data beyond RCV.NXT held until the gap fills (SHLD-31); ACK of RCV.NXT sent";
    TextIgnored => "3.10.7.4", "data after the peer's FIN: ignored";
    FinQueued => "3.10.7.4", "FIN beyond a gap held until the data before it arrives";
    FinReceived => "3.10.7.4", "FIN received: RCV.NXT advanced over it, ACK sent";
    FinAgain => "3.10.7.4", "FIN at RCV.NXT after the peer's FIN: RCV.NXT advanced over it, ACK sent, state unchanged (TIME-WAIT: 2MSL timer restarted)";
    FinInFinWait1 => "3.10.7.4", "FIN in FIN-WAIT-1 before our FIN is acknowledged: simultaneous close";
    FinAckInFinWait1 => "3.10.7.4", "FIN that also acknowledges our FIN in FIN-WAIT-1: ACK sent, 2MSL timer started";
    FinInFinWait2 => "3.10.7.4", "FIN in FIN-WAIT-2: ACK sent, 2MSL timer started";

    // Timeouts (§3.10.8, §3.8.1 citing RFC 6298, §3.8.3, §3.8.4).
    Retransmit => "3.10.8", "retransmission timeout: front of the retransmission queue sent again, RTO doubled (RFC 6298 §5.5)";
    RetransmitGiveUp => "3.8.3", "retransmitted too many times: connection timed out, TCB deleted";
    RetransmitGiveUpListen => "3.8.3", "SYN,ACK retransmitted too many times after a passive OPEN: back to LISTEN";
    TimeWaitExpired => "3.10.8", "2MSL time-wait timeout: TCB deleted";
    ZeroWindowProbe => "3.8.6.1", "peer's window zero for an RTO: one octet of new data sent to probe it";
    KeepaliveProbe => "3.8.4", "connection idle: keep-alive probe <SEQ=SND.NXT-1> sent";
    KeepaliveGiveUp => "3.8.4", "keep-alive probes unanswered: connection timed out, TCB deleted";

    // Congestion control (§3.8.2, MUST-19: RFC 5681 with RFC 6582's NewReno; `set cc`).
    CcFastRetransmit => "3.8.2", "third duplicate ACK: the missing segment sent again at once, ssthresh = max(FlightSize/2, 2*SMSS), cwnd = ssthresh + 3*SMSS, fast recovery begins (RFC 5681 §3.2)";
    CcNoFastRetransmit => "3.8.2", "third duplicate ACK, but it does not cover what was outstanding at the last loss: no second fast retransmit (RFC 6582 §3.2)";
    CcPartialAck => "3.8.2", "partial ACK in fast recovery: the next missing segment sent again, cwnd deflated by the data acknowledged (NewReno, RFC 6582 §3.2)";
    CcFullAck => "3.8.2", "ACK of everything outstanding when fast recovery began: recovery over, cwnd = min(ssthresh, FlightSize + SMSS) (RFC 6582 §3.2)";
    CcLossWindow => "3.8.2", "retransmission timeout: cwnd = 1 SMSS (the loss window), ssthresh = max(FlightSize/2, 2*SMSS), the rest sent again in slow start (RFC 5681 §3.1)";
    CcIdleRestart => "3.8.2", "no data sent for more than an RTO: cwnd back to at most the initial window before sending (RFC 5681 §4.1)";
    AppRead => "3.10.3", "RECEIVE: the application read data waiting in the receive buffer (RCV.USER went down)";
    WindowUpdate => "3.8.6.2.2", "the application's reads freed at least min(RCV.BUFF/2, MSS): RCV.WND = RCV.BUFF - RCV.USER, window update sent (receiver SWS avoidance, MUST-39)";
    ReceiverSwsHolds => "3.8.6.2.2", "the application's reads freed less than min(RCV.BUFF/2, MSS): the window's right edge stays put, no window update yet (receiver SWS avoidance, MUST-39)";
    CubicFastRetransmit => "3.8.2", "third duplicate ACK under CUBIC: the missing segment sent again at once, W_max = cwnd, ssthresh = max(FlightSize*0.7, 2*SMSS), cwnd = ssthresh + 3*SMSS, fast recovery begins (RFC 9438 §4.6)";
    CubicFastConvergence => "3.8.2", "CUBIC fast convergence: this loss came before cwnd got back to the last W_max, so W_max = cwnd*(1+0.7)/2, leaving room for other flows (RFC 9438 §4.7)";
    CubicLossWindow => "3.8.2", "retransmission timeout under CUBIC: cwnd = 1 SMSS, ssthresh = max(FlightSize*0.7, 2*SMSS); after slow start the curve restarts with K = 0 and W_max = cwnd (RFC 9438 §4.8)";
    CubicConcave => "3.8.2", "CUBIC concave region: cwnd is below W_max and grows along W(t) = 0.4*(t-K)^3 + W_max, fast at first, slowing as it nears W_max (RFC 9438 §4.4)";
    CubicConvex => "3.8.2", "CUBIC convex region: cwnd has passed W_max and grows along the curve, slowly at first, then faster, probing for more bandwidth (RFC 9438 §4.5)";
    CubicRenoFriendly => "3.8.2", "CUBIC Reno-friendly region: the curve is below W_est, the window Reno would have, so cwnd follows W_est (RFC 9438 §4.3)";

    // Delayed ACKs (§3.8.6.3, SHLD-18, MUST-58; RFC 5681 §4.2; `set delack`).
    AckDelayed => "3.8.6.3", "data in order: the ACK waits for more data or the delayed-ACK timer (SHLD-18), at most 0.5 s (MUST-58)";
    AckEverySecondSegment => "3.8.6.3", "a second full-sized segment's worth of data unacknowledged: ACK sent at once (SHLD-19)";
    DelayedAckTimeout => "3.8.6.3", "delayed-ACK timer expired: the ACK held back for in-order data sent";

    // TCP options (RFC 7323, RFC 2018; `set wscale`, `set timestamps`, `set sack`).
    WscaleClamped => "3.2", "the peer's window scale shift is above 14: 14 is used (RFC 7323 §2.3)";
    SackRecoveryStarts => "3.8.2", "SACK-based loss recovery (RFC 6675 §5): DupThresh duplicate ACKs or the first unacknowledged segment deemed lost; RecoveryPoint = the highest sequence number sent, ssthresh = cwnd = FlightSize/2 (×0.7 under CUBIC, RFC 9438 §4.6), the segment at SND.UNA sent again";
    SackRetransmit => "3.8.2", "SACK-based loss recovery (RFC 6675 §4 NextSeg): a hole below the highest SACKed byte sent again, as pipe (the bytes reckoned in the network) is a whole segment below cwnd";
    SackRecoveryEnds => "3.8.2", "the cumulative ACK passes RecoveryPoint: SACK-based loss recovery ends, cwnd stays at ssthresh (RFC 6675 §5)";
    PawsDrop => "3.2", "PAWS: the segment's TSval is older than TS.Recent, so it is an old duplicate: dropped, and an ACK sent unless it is a RST (RFC 7323 §5.3)";

    // Nagle and sender SWS avoidance (§3.7.4 SHLD-7, §3.8.6.2.1 MUST-38; `set nagle`, `set sws`).
    NagleHolds => "3.7.4", "Nagle algorithm: data is unacknowledged, so a segment shorter than the MSS waits for the ACK or for a full segment's worth (SHLD-7)";
    SwsAvoidanceHolds => "3.8.6.2.1", "sender SWS avoidance: the usable window is under half the largest window offered and under one MSS, so the queued data waits for it to open (MUST-38); override timer started";
    SwsOverrideSends => "3.8.6.2.1", "SWS override timer expired: the data that fits in the small window sent";

    // The Linux profile (`set profile linux`): Linux's behaviour, not the RFC's. The section
    // is the RFC text that Linux departs from.
    LinuxTimeWait => "3.4.2", "Linux: the TIME-WAIT timer is a fixed 60 s (TCP_TIMEWAIT_LEN), not 2 x MSL";
    LinuxTimeWaitExpired => "3.4.2", "Linux: 60 s TIME-WAIT over (TCP_TIMEWAIT_LEN): TCB deleted";
    LinuxFinWait2Timer => "3.10.7.4", "Linux: our application has closed, so FIN-WAIT-2 lasts at most tcp_fin_timeout (60 s); RFC 9293 waits for the FIN indefinitely";
    LinuxFinWait2Timeout => "3.10.7.4", "Linux: tcp_fin_timeout expired in FIN-WAIT-2 with no FIN from the peer: socket destroyed without sending anything";
    LinuxSynGiveUp => "3.8.3", "Linux: SYN retransmitted tcp_syn_retries (6) + tcp_syn_linear_timeouts (4, Linux 6.5 and later) times with no answer: connection timed out";
    LinuxSynLinearTimeout => "3.8.3", "Linux: SYN retransmitted with the RTO unchanged: the first tcp_syn_linear_timeouts (4) retransmissions do not back off (tcp_retransmit_timer, Linux 6.5 and later)";
    LinuxSynAckGiveUp => "3.8.3", "Linux: SYN,ACK retransmitted tcp_synack_retries times (5 by default): request dropped, the listener stays in LISTEN";
    LinuxRetransmitGiveUp => "3.8.3", "Linux: retransmitted tcp_retries2 times (15 by default): connection timed out, TCB deleted";
    LinuxSynSentBadAckResend => "3.10.7.3", "Linux: after a RST for an unacceptable ACK in SYN-SENT, the SYN goes again in TCP_TIMEOUT_MIN (8 ms at HZ=250), not at the RTO (tcp_rcv_synsent_state_process)";
    LinuxSynRecvSynAgain => "3.10.7.4", "Linux: the peer's SYN again in SYN-RECEIVED: our SYN,ACK sent again, request timer restarted (tcp_check_req)";
    LinuxSynRecvNewSyn => "3.10.7.4", "Linux: a new SYN in the window of SYN-RECEIVED: <SEQ=0><ACK=SEG.SEQ+1><CTL=RST,ACK> sent, request dropped, the listener stays (tcp_check_req)";
    LinuxOrphanGiveUp => "3.8.3", "Linux: our FIN retransmitted tcp_orphan_retries times (0 means 8) by a socket its application has closed: socket destroyed silently";
    LinuxDataAfterClose => "3.10.7.4", "Linux: data for a socket its application has closed (close(), not shutdown()): <SEQ=SEG.ACK><CTL=RST> sent, socket destroyed (tcp_rcv_state_process)";
    LinuxChallengeAckLimited => "3.10.7.4", "Linux: no challenge ACK: one went out under tcp_invalid_ratelimit (500 ms) ago; RSTs, SYNs, ACKs of unsent data and out-of-window segments share the limit (tcp_oow_rate_limited)";
    LinuxSimultaneousOpenAck => "3.5", "Linux: the SYN repeated in the crossed SYN,ACK lies below RCV.NXT and is acknowledged at once, a fifth segment (tcp_data_queue)";
    LinuxAbortRstAck => "3.10.5", "Linux: ABORT sends <SEQ=SND.NXT><ACK=RCV.NXT><CTL=RST,ACK> (tcp_send_active_reset), queues flushed, TCB deleted";
    LinuxKeepaliveGiveUp => "3.8.4", "Linux: keep-alive probes unanswered (tcp_keepalive_probes): <CTL=RST,ACK> sent (tcp_send_active_reset), connection timed out";
    LinuxRstWholeSegment => "3.10.7.4", "Linux: a RST is judged by the whole segment (tcp_sequence): its data reaches into the window, SEG.SEQ != RCV.NXT: challenge ACK sent";
    LinuxTimeWaitAckRestart => "3.10.7.4", "Linux: a bare ACK at RCV.NXT in TIME-WAIT restarts the 60 s, unanswered (tcp_timewait_state_process)";
    LinuxTimeWaitAck => "3.10.7.4", "Linux: a segment other than a RST in TIME-WAIT is answered with an ACK of RCV.NXT; one with an ACK restarts the 60 s (tcp_timewait_state_process)";
    LinuxTimeWaitSynReopen => "3.6.1", "Linux: a SYN above RCV.NXT in TIME-WAIT, with the listener still open, ends TIME-WAIT and opens a new connection whose ISS is the old SND.NXT + 65537 (MAY-2; tcp_timewait_state_process)";
    ListenerKept => "3.10.1", "The application still has its listening socket open (`set listener keep`): the peer listens again";
    LinuxTimeWaitRstIgnored => "3.10.7.4", "Linux: a RST in TIME-WAIT not at RCV.NXT is ignored, without a challenge ACK (tcp_timewait_state_process)";
    LinuxFinAfterFinIgnored => "3.10.7.4", "Linux: a FIN at RCV.NXT after the peer's FIN is ignored in CLOSE-WAIT, CLOSING and LAST-ACK (tcp_rcv_state_process)";
    LinuxQuickAck => "3.8.6.3", "Linux: one of the connection's first 16 data segments (quick-ACK mode, TCP_MAX_QUICKACKS): ACK sent at once, not delayed";
    LinuxAckSmallSegmentRead => "3.8.6.3", "Linux: a segment shorter than the MSS, read by the application at once: ACK sent at once (ICSK_ACK_PUSHED, tcp_cleanup_rbuf)";
    LinuxTailLossProbe => "3.8.1", "Linux: tail loss probe (RFC 8985 §7, tcp_send_loss_probe): nothing acknowledged within the probe timeout (2 x SRTT + 200 ms with one segment out, + 2 ms with more), so new data goes out, or else the last segment again; the RTO restarts from the probe, not backed off";
    LinuxTailLossProbeSkipped => "3.8.1", "Linux: probe timeout, but this tail's probe is still unanswered (tlp_high_seq): no second probe, the RTO runs on";
    LinuxZeroWindowProbe => "3.8.6.1", "Linux: zero window probed with <SEQ=SND.UNA-1><CTL=ACK> and no data, which the peer must answer (tcp_send_probe0); the next probe waits twice as long";
}

/// Serialized with its section and reason, so JSON traces explain themselves.
impl Serialize for Rule {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Rule", 3)?;
        st.serialize_field("key", self.key())?;
        st.serialize_field("section", self.section())?;
        st.serialize_field("reason", self.reason())?;
        st.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_names_a_section_and_a_reason() {
        for rule in Rule::ALL {
            assert!(rule.section().starts_with('3'), "{rule:?}");
            assert!(!rule.reason().is_empty());
            assert!(!rule.key().is_empty());
        }
    }
}
