//! The sender's side of SACK: the scoreboard of what the peer reports holding (RFC 2018 §4)
//! and the SACK-based loss recovery of RFC 6675, which resends every hole the scoreboard
//! deems lost, as many per round trip as the congestion window allows, where NewReno resends
//! one hole per round trip.
//!
//! It runs when SACK is agreed and a congestion controller is on; the rest of congestion
//! control (slow start, congestion avoidance, the RTO) stays in `congestion.rs`.

use super::{CongestionControl, Endpoint, Transmit};
use crate::rule::Rule;
use crate::segment::Segment;
use crate::seq::SeqNum;
use crate::time::Instant;

/// RFC 6675 §2: DupThresh, the duplicate ACKs (or SACKed segments) that mean a loss.
const DUP_THRESH: u32 = 3;

/// The scoreboard and the recovery's state (RFC 6675 §2's HighRxt and RecoveryPoint).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub(super) struct SackState {
    /// The ranges `[left, right)` the peer reports holding above SND.UNA, sorted, disjoint.
    pub scoreboard: Vec<(SeqNum, SeqNum)>,
    /// In loss recovery until a cumulative ACK passes this (HighData when it began).
    pub recovery_point: Option<SeqNum>,
    /// HighRxt: the end of the highest segment resent in this recovery.
    pub high_rxt: SeqNum,
}

impl SackState {
    /// Adds a reported block, merging it with those it touches.
    fn add(&mut self, left: SeqNum, right: SeqNum) {
        let mut left = left;
        let mut right = right;
        self.scoreboard.retain(|&(l, r)| {
            let touches = l <= right && left <= r;
            if touches {
                if l < left {
                    left = l;
                }
                if r > right {
                    right = r;
                }
            }
            !touches
        });
        let at = self
            .scoreboard
            .iter()
            .position(|&(l, _)| l > left)
            .unwrap_or(self.scoreboard.len());
        self.scoreboard.insert(at, (left, right));
    }

    /// Forgets what lies below `una` (acknowledged for good).
    fn prune(&mut self, una: SeqNum) {
        self.scoreboard.retain(|&(_, r)| r > una);
        for block in &mut self.scoreboard {
            if block.0 < una {
                block.0 = una;
            }
        }
    }

    /// Whether `[seq, end)` is wholly SACKed.
    fn sacked(&self, seq: SeqNum, end: SeqNum) -> bool {
        self.scoreboard.iter().any(|&(l, r)| l <= seq && end <= r)
    }

    /// The end of the highest SACKed range.
    fn highest_sacked(&self) -> Option<SeqNum> {
        self.scoreboard.last().map(|&(_, r)| r)
    }

    /// RFC 6675 §4's IsLost: DupThresh discontiguous SACKed ranges above `seq`, or more than
    /// (DupThresh - 1) x SMSS bytes SACKed above it.
    fn is_lost(&self, seq: SeqNum, smss: u32) -> bool {
        let mut ranges = 0;
        let mut bytes = 0u32;
        for &(l, r) in &self.scoreboard {
            if r <= seq {
                continue;
            }
            ranges += 1;
            let from = if l > seq { l } else { seq };
            bytes = bytes.saturating_add(r.offset_from(from));
        }
        ranges >= DUP_THRESH || bytes > (DUP_THRESH - 1).saturating_mul(smss)
    }
}

impl Endpoint {
    /// SACK-based recovery applies: SACK agreed, and a congestion controller to pace it.
    fn sack_recovery_on(&self) -> bool {
        self.tcb.opts.sack_on() && self.config.cc != CongestionControl::None
    }

    /// Takes the SACK blocks of an acceptable ACK into the scoreboard: only those within
    /// SND.UNA..SND.NXT (a block below SND.UNA is old news, or RFC 2883's D-SACK, which is
    /// not modelled; one beyond SND.NXT is bogus).
    pub(super) fn sack_take_blocks(&mut self, seg: &Segment) {
        if !self.sack_recovery_on() {
            return;
        }
        let una = if seg.ack > self.tcb.snd_una {
            seg.ack
        } else {
            self.tcb.snd_una
        };
        let nxt = self.tcb.snd_nxt;
        for &(left, right) in seg.options.sack_blocks() {
            let (left, right) = (SeqNum(left), SeqNum(right));
            if una <= left && left < right && right <= nxt {
                self.tcb.sack.add(left, right);
            }
        }
        self.tcb.sack.prune(una);
    }

    /// RFC 2018 §8: after a retransmission timeout the sender forgets what was SACKed (the
    /// receiver may have dropped it), and the recovery ends: the timer's go-back-N resends.
    pub(super) fn sack_on_rto(&mut self) {
        self.tcb.sack = SackState::default();
    }

    /// A duplicate ACK with SACK on. Returns false when NewReno is to handle it instead.
    pub(super) fn sack_on_dup_ack(&mut self, now: Instant) -> bool {
        if !self.sack_recovery_on() || !self.sending_state() {
            return false;
        }
        self.tcb.dup_acks += 1;
        if self.tcb.sack.recovery_point.is_some() {
            self.sack_send(now);
        } else {
            self.sack_maybe_enter(now);
        }
        true
    }

    /// An ACK that advanced SND.UNA, with SACK on. Returns false when it is not part of a
    /// SACK recovery, for congestion control's usual answer.
    pub(super) fn sack_on_new_ack(&mut self, ack: SeqNum, now: Instant) -> bool {
        if !self.sack_recovery_on() || !self.sending_state() {
            return false;
        }
        self.tcb.sack.prune(ack);
        match self.tcb.sack.recovery_point {
            Some(point) if point < ack => {
                // RFC 6675 §5: a cumulative ACK beyond RecoveryPoint ends the recovery; cwnd
                // stays at ssthresh.
                self.tcb.sack.recovery_point = None;
                self.tcb.dup_acks = 0;
                self.note(Rule::SackRecoveryEnds);
                true
            }
            Some(_) => {
                if self.tcb.sack.high_rxt < ack {
                    self.tcb.sack.high_rxt = ack;
                }
                self.sack_send(now);
                true
            }
            None => {
                // Holes reported with a cumulative ACK can mean a loss too (IsLost).
                self.sack_maybe_enter(now)
            }
        }
    }

    /// RFC 6675 §5 steps (3) and (4): with DupThresh duplicate ACKs, or the first unacknowledged
    /// octet deemed lost, loss recovery begins: RecoveryPoint = HighData, ssthresh = cwnd = the
    /// controller's reduced window (RFC 5681 eq. 4, or CUBIC's β), and step (C) sends. As RFC 6582's `recover`, a loss
    /// within the window of an earlier recovery or RTO does not begin another.
    fn sack_maybe_enter(&mut self, now: Instant) -> bool {
        let t = &self.tcb;
        if t.snd_una == t.snd_nxt {
            return false;
        }
        let lost = t.sack.is_lost(t.snd_una, t.snd_mss);
        if !(t.dup_acks >= DUP_THRESH || lost) || t.recover >= t.snd_una {
            return false;
        }
        // Step (4.2) takes RFC 5681's reduction; under CUBIC, RFC 9438 §4.6's β replaces it
        // (and W_max remembers the window before the loss), as in its fast retransmit.
        let ssthresh = self.reduced_ssthresh();
        if self.cubic() {
            self.cubic_on_congestion(false);
        }
        let t = &mut self.tcb;
        t.ssthresh = ssthresh;
        t.cwnd = t.ssthresh;
        t.recover = t.snd_nxt - 1;
        t.sack.recovery_point = Some(t.snd_nxt - 1);
        t.sack.high_rxt = t.snd_una;
        t.rtx_next = None;
        self.note(Rule::SackRecoveryStarts);
        // Step (4.3): the segment at SND.UNA goes at once, whatever pipe says.
        if let Some(front) = self.tcb.rtx_queue.front().copied() {
            self.sack_resend(front, false);
        }
        self.sack_send(now);
        true
    }

    /// RFC 6675 §4's pipe: the bytes the sender reckons in the network. Each unSACKed
    /// segment counts once if not deemed lost, and once more if resent in this recovery.
    fn sack_pipe(&self) -> u32 {
        let t = &self.tcb;
        let smss = t.snd_mss;
        let mut pipe = 0u32;
        for e in &t.rtx_queue {
            let len = e.seg_len();
            if len == 0 || t.sack.sacked(e.seq, e.end()) {
                continue;
            }
            if !t.sack.is_lost(e.seq, smss) {
                pipe = pipe.saturating_add(len);
            }
            if e.end() <= t.sack.high_rxt {
                pipe = pipe.saturating_add(len);
            }
        }
        pipe
    }

    /// RFC 6675 §4's NextSeg, rules (1) and (3): the first unSACKed segment above HighRxt
    /// and below the highest SACKed octet, deemed lost for rule (1); any such for rule (3).
    /// New data (rule 2) is `sack_send`'s. The rescue retransmission (rule 4) is not
    /// modelled. Returns the entry to resend.
    fn sack_next_seg(&self, lost_only: bool) -> Option<super::tcb::RtxEntry> {
        let t = &self.tcb;
        let highest = t.sack.highest_sacked()?;
        t.rtx_queue
            .iter()
            .find(|e| {
                e.seq >= t.sack.high_rxt
                    && e.seq < highest
                    && e.seg_len() > 0
                    && !t.sack.sacked(e.seq, e.end())
                    && (!lost_only || t.sack.is_lost(e.seq, t.snd_mss))
            })
            .copied()
    }

    /// Sends `entry` again; `told` false when the rule that called for it is already noted.
    fn sack_resend(&mut self, entry: super::tcb::RtxEntry, told: bool) {
        if told {
            self.note(Rule::SackRetransmit);
        }
        // Karn: the resent segment cannot be timed (timestamps time it anyway).
        self.tcb.rtt_probe = None;
        self.tcb.sack.high_rxt = entry.end();
        let segment = self.segment_for(&entry);
        self.queue(Transmit {
            segment,
            retransmission: true,
        });
    }

    /// RFC 6675 §5 step (C): while cwnd - pipe >= 1 SMSS, send NextSeg: a lost hole first,
    /// then new data the peer's window takes, then any hole below the highest SACKed octet.
    fn sack_send(&mut self, now: Instant) {
        // Each pass sends one segment; the queue's length bounds the resends.
        for _ in 0..=self.tcb.rtx_queue.len() + 64 {
            let smss = self.tcb.snd_mss;
            if self.tcb.cwnd.saturating_sub(self.sack_pipe()) < smss {
                return;
            }
            if let Some(entry) = self.sack_next_seg(true) {
                self.sack_resend(entry, true);
                continue;
            }
            let t = &self.tcb;
            let in_flight = t.snd_nxt.offset_from(t.snd_una);
            let usable = t.snd_wnd.saturating_sub(in_flight);
            let len = t.unsent.min(u64::from(smss)).min(u64::from(usable)) as u32;
            if len > 0 {
                let fin = u64::from(len) == t.unsent && t.fin_queued && t.fin_seq.is_none();
                self.send_new(now, len, fin);
                continue;
            }
            match self.sack_next_seg(false) {
                Some(entry) => self.sack_resend(entry, true),
                None => return,
            }
        }
    }
}
