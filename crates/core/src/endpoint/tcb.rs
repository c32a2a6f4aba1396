//! The transmission control block (RFC 9293 §3.3.1) and its queues.

use std::collections::VecDeque;
use std::hash::{Hash, Hasher};

use super::cubic::Cubic;
use super::options::OptionState;
use super::sack::SackState;
use super::{Config, Timer, TimerTable};
use crate::seq::SeqNum;
use crate::time::{Duration, Instant};

/// The TCB's variables. A deleted TCB is `Tcb::default()`.
#[derive(Clone, Debug, Default)]
pub(super) struct Tcb {
    /// MUST-11: whether SYN-RECEIVED was reached from LISTEN.
    pub passive: bool,
    /// Linux: the application called close(), not shutdown(): it reads nothing more.
    pub orphan: bool,
    pub iss: SeqNum,
    pub irs: SeqNum,
    pub snd_una: SeqNum,
    pub snd_nxt: SeqNum,
    pub snd_wnd: u32,
    pub snd_wl1: SeqNum,
    pub snd_wl2: SeqNum,
    /// RFC 5961 §5's MAX.SND.WND: the largest window the peer has offered.
    pub max_snd_wnd: u32,
    /// The MSS we may send: the peer's MSS option, capped by ours (§3.7.1).
    pub snd_mss: u32,
    pub rcv_nxt: SeqNum,
    pub rcv_wnd: u32,
    /// RCV.USER (§3.8.6.2.2): bytes received in order, not yet read by the application.
    pub rcv_user: u32,

    /// Bytes SENT by the user and not yet segmentized.
    pub unsent: u64,
    /// CLOSE was called: a FIN goes out after the unsent data.
    pub fin_queued: bool,
    /// CLOSE in SYN-RECEIVED with data queued: runs on reaching ESTABLISHED.
    pub close_deferred: bool,
    /// The sequence number our FIN occupies, once sent.
    pub fin_seq: Option<SeqNum>,
    /// An ACK is owed to the peer; a data segment may carry it instead.
    pub ack_pending: bool,

    pub rtx_queue: VecDeque<RtxEntry>,
    /// Segments that arrived beyond RCV.NXT, sorted by sequence number.
    pub ooo: Vec<OooEntry>,

    pub rto: Duration,
    pub srtt: Option<Duration>,
    pub rttvar: Duration,
    /// The segment being timed for an RTT sample: the ACK that completes it, and when it left.
    pub rtt_probe: Option<(SeqNum, Instant)>,
    /// Retransmissions since the last new ACK: the give-up counter.
    pub retransmissions: u32,
    /// RFC 6298 §5.7: the SYN or SYN,ACK timed out at least once.
    pub syn_timed_out: bool,
    /// Linux's tlp_high_seq: SND.NXT when the tail loss probe went out, until an ACK reaches
    /// it or the RTO fires; one probe per tail.
    pub tlp_high_seq: Option<SeqNum>,
    /// When the retransmission timer would fire, while the loss probe timer stands in for it.
    pub tlp_rto_at: Option<Instant>,

    /// Every timer lives in the TCB, so deleting the TCB stops them all.
    pub timers: TimerTable,
    pub keepalive_probes_sent: u32,
    /// Linux's zero-window probes sent since the window last opened: each waits twice as
    /// long as the one before.
    pub persist_backoff: u32,
    /// When we last answered an out-of-window segment that carried nothing.
    pub last_oow_ack: Option<Instant>,

    /// RFC 5681's congestion window, in bytes.
    pub cwnd: u32,
    /// RFC 5681's slow start threshold, in bytes.
    pub ssthresh: u32,
    /// Duplicate ACKs in a row (RFC 5681 §2's definition).
    pub dup_acks: u32,
    /// RFC 6582's "recover": the highest sequence number sent when fast recovery (or an RTO)
    /// began.
    pub recover: SeqNum,
    /// In fast recovery (RFC 5681 §3.2, RFC 6582 §3.2).
    pub in_recovery: bool,
    /// After an RTO, until an ACK covers "recover" (RFC 6582 §4): for the log's phase.
    pub rto_recovery: bool,
    /// After an RTO: the next sequence number to send again in slow start (go-back-N).
    pub rtx_next: Option<SeqNum>,
    /// When new data last left, for RFC 5681 §4.1's restart after idle.
    pub last_data_sent: Option<Instant>,
    /// CUBIC's variables (RFC 9438), used under `set cc cubic`.
    pub cubic: Cubic,

    /// In-order bytes received since we last sent an ACK (delayed ACK, §3.8.6.3).
    pub unacked_bytes: u32,
    /// Linux: data segments still to be acknowledged at once (quick-ACK mode).
    pub quickacks: u32,
    /// Why queued data is waiting, once told (Nagle, SWS avoidance): each hold is noted once.
    pub held: Hold,
    /// Linux (Minshall's Nagle, tcp_minshall_check): the end of the last short segment sent.
    pub snd_sml: SeqNum,

    /// Window scaling, timestamps and SACK: offered, agreed, and TS.Recent (RFC 7323, 2018).
    pub opts: OptionState,
    /// The SACK scoreboard and RFC 6675's loss recovery.
    pub sack: SackState,
}

/// What holds back queued data that the window would let out.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub(super) enum Hold {
    /// Nothing, or nothing told yet.
    #[default]
    None,
    /// The Nagle algorithm (§3.7.4): a short segment while data is unacknowledged.
    Nagle,
    /// Sender SWS avoidance (§3.8.6.2.1): only a sliver of window is open.
    Sws,
}

impl Tcb {
    /// A fresh TCB for an OPEN call.
    pub(super) fn new(config: &Config) -> Tcb {
        Tcb {
            rcv_wnd: config.window,
            // §3.7.1: without the peer's MSS option, assume 536.
            snd_mss: 536.min(u32::from(config.mss)),
            rto: config.rto,
            ..Tcb::default()
        }
    }

    /// Feeds into `h` everything about the TCB that decides what it does next, with every
    /// time taken relative to `now`: two TCBs that differ only by when things happened give
    /// the same input, so the explorer sees them as one state.
    ///
    /// The pattern below names every field on purpose (no `..`): a field added to `Tcb` does
    /// not compile until it is either hashed here or said here to make no difference.
    pub(super) fn fingerprint<H: Hasher>(&self, now: Instant, config: &Config, h: &mut H) {
        let Tcb {
            passive,
            iss,
            irs,
            snd_una,
            snd_nxt,
            snd_wnd,
            snd_wl1,
            snd_wl2,
            max_snd_wnd,
            snd_mss,
            rcv_nxt,
            rcv_wnd,
            rcv_user,
            unsent,
            fin_queued,
            close_deferred,
            fin_seq,
            ack_pending,
            rtx_queue,
            ooo,
            rto,
            srtt,
            rttvar,
            rtt_probe,
            retransmissions,
            syn_timed_out,
            tlp_high_seq,
            tlp_rto_at,
            timers,
            keepalive_probes_sent,
            last_oow_ack,
            orphan,
            persist_backoff,
            cwnd,
            ssthresh,
            dup_acks,
            recover,
            in_recovery,
            rto_recovery,
            rtx_next,
            last_data_sent,
            cubic,
            unacked_bytes,
            quickacks,
            held,
            snd_sml,
            opts,
            sack,
        } = self;
        (
            passive, iss, irs, snd_una, snd_nxt, snd_wnd, snd_wl1, snd_wl2,
        )
            .hash(h);
        (
            max_snd_wnd,
            snd_mss,
            rcv_nxt,
            rcv_wnd,
            rcv_user,
            unsent,
            fin_queued,
        )
            .hash(h);
        (close_deferred, fin_seq, ack_pending, rtx_queue, ooo).hash(h);
        (rto, srtt, rttvar, retransmissions, syn_timed_out).hash(h);
        tlp_high_seq.hash(h);
        tlp_rto_at.map(|at| at.since(now)).hash(h);
        // An RTT sample measures from when the timed segment left.
        rtt_probe.map(|(seq, sent)| (seq, sent.since(now))).hash(h);
        for timer in Timer::ALL {
            timers.get(timer).map(|at| at.since(now)).hash(h);
        }
        (keepalive_probes_sent, orphan, persist_backoff).hash(h);
        (
            cwnd,
            ssthresh,
            dup_acks,
            recover,
            in_recovery,
            rto_recovery,
            rtx_next,
        )
            .hash(h);
        (unacked_bytes, quickacks, held, snd_sml).hash(h);
        opts.fingerprint(now, h);
        sack.hash(h);
        cubic.fingerprint(now, h);
        // RFC 5681 §4.1 asks only whether the last data left more than an RTO ago; once it
        // did, every later moment is the same to the sender.
        match last_data_sent {
            None => 0u8.hash(h),
            Some(at) if now - *at > *rto => 1u8.hash(h),
            Some(at) => (2u8, at.since(now)).hash(h),
        }
        // RFC 5961 §7's throttle only asks whether the last answer is recent; once it is not,
        // it never will be again, and the TCB acts as if it had never answered.
        let limit = config.ack_ratelimit;
        last_oow_ack
            .filter(|&at| limit > Duration::ZERO && now - at < limit)
            .map(|at| at.since(now))
            .hash(h);
    }
}

/// A segment we sent that is not yet fully acknowledged.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(super) struct RtxEntry {
    pub seq: SeqNum,
    pub len: u32,
    pub syn: bool,
    pub fin: bool,
    pub psh: bool,
}

impl RtxEntry {
    pub(super) fn seg_len(&self) -> u32 {
        self.len + u32::from(self.syn) + u32::from(self.fin)
    }

    /// The sequence number just past the entry.
    pub(super) fn end(&self) -> SeqNum {
        self.seq + self.seg_len()
    }

    /// Drops the part below `una` (a partial acknowledgment), keeping what is still owed.
    pub(super) fn trim_acked(&mut self, una: SeqNum) {
        let mut acked = una.offset_from(self.seq).min(self.seg_len());
        if self.syn && acked > 0 {
            self.syn = false;
            self.seq = self.seq + 1;
            acked -= 1;
        }
        let data = acked.min(self.len);
        self.len -= data;
        self.seq = self.seq + data;
        acked -= data;
        if self.fin && acked > 0 {
            self.fin = false;
            self.seq = self.seq + 1;
        }
    }
}

/// Data (and perhaps a FIN) received beyond RCV.NXT.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(super) struct OooEntry {
    pub seq: SeqNum,
    pub len: u32,
    pub fin: bool,
}
