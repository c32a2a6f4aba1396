//! TCP options beyond MSS: window scaling and timestamps (RFC 7323) and selective
//! acknowledgments (RFC 2018): what a SYN offers, what the handshake agrees, and what each
//! later segment carries.
//!
//! Each option is on only when both SYNs carried it (RFC 7323 §1.3, RFC 2018 §2): a SYN,ACK
//! offers an option only when the SYN it answers did. The sender of an option keeps what it
//! offered, the receiver what the peer offered, and `OptionState` answers the rest.

use std::hash::{Hash, Hasher};

use super::Endpoint;
use crate::rule::Rule;
use crate::segment::{Segment, TcpOptions};
use crate::seq::SeqNum;
use crate::time::{Duration, Instant};

/// The timestamps option with its two NOPs: 12 bytes on every segment (RFC 7323 App. A).
const TS_OPTION_LEN: u32 = 12;

/// RFC 7323 §2.3: a shift count above 14 is taken as 14.
pub(super) const MAX_WSCALE: u8 = 14;

/// The largest receive window a script may ask for: 65535 shifted by the largest scale
/// (RFC 7323 §2.3: 1 GiB less 16 KiB).
pub const MAX_WINDOW: u32 = 65_535 << MAX_WSCALE;

/// What the handshake offered and agreed, and the timestamp state (RFC 7323 §4.3's
/// TS.Recent and Last.ACK.sent).
#[derive(Clone, Debug, Default)]
pub(super) struct OptionState {
    /// The shift our SYN (or SYN,ACK) offered.
    pub ws_offered: Option<u8>,
    /// The shift the peer's SYN offered.
    pub ws_peer: Option<u8>,
    /// Our SYN carried a timestamps option.
    pub ts_offered: bool,
    /// The peer's SYN carried one.
    pub ts_peer: bool,
    /// Our SYN carried SACK-permitted.
    pub sack_offered: bool,
    /// The peer's SYN carried it.
    pub sack_peer: bool,
    /// TS.Recent: the timestamp to echo (RFC 7323 §4.3).
    pub ts_recent: u32,
    /// Last.ACK.sent: the ACK field of the last segment we sent.
    pub last_ack_sent: SeqNum,
    /// The first sequence numbers of the latest out-of-order arrivals, newest first: the
    /// first SACK block is the one holding the newest (RFC 2018 §4).
    pub sack_recent: Vec<SeqNum>,
    /// The agreement is final and its effect on the MSS applied (once).
    pub agreed: bool,
}

impl OptionState {
    /// Window scaling is on: both SYNs carried the option.
    pub(super) fn wscale_on(&self) -> bool {
        self.ws_offered.is_some() && self.ws_peer.is_some()
    }

    /// The shift applied to the windows the peer sends (Snd.Wind.Shift).
    pub(super) fn snd_shift(&self) -> u8 {
        match (self.ws_offered, self.ws_peer) {
            (Some(_), Some(peer)) => peer.min(MAX_WSCALE),
            _ => 0,
        }
    }

    /// The shift applied to the windows we send (Rcv.Wind.Shift).
    pub(super) fn rcv_shift(&self) -> u8 {
        match (self.ws_offered, self.ws_peer) {
            (Some(ours), Some(_)) => ours.min(MAX_WSCALE),
            _ => 0,
        }
    }

    /// Timestamps are on (RFC 7323 §3.2).
    pub(super) fn ts_on(&self) -> bool {
        self.ts_offered && self.ts_peer
    }

    /// SACK is on (RFC 2018 §2).
    pub(super) fn sack_on(&self) -> bool {
        self.sack_offered && self.sack_peer
    }

    /// For the explorer's fingerprint: TS.Recent is a clock reading, so it counts relative to
    /// `now` (both peers share the simulator's clock).
    pub(super) fn fingerprint<H: Hasher>(&self, now: Instant, h: &mut H) {
        let OptionState {
            ws_offered,
            ws_peer,
            ts_offered,
            ts_peer,
            sack_offered,
            sack_peer,
            ts_recent,
            last_ack_sent,
            sack_recent,
            agreed,
        } = self;
        (
            ws_offered,
            ws_peer,
            ts_offered,
            ts_peer,
            sack_offered,
            sack_peer,
        )
            .hash(h);
        (last_ack_sent, sack_recent, agreed).hash(h);
        // Without timestamps, TS.Recent is never read.
        if self.ts_on() {
            ts_clock(now).wrapping_sub(*ts_recent).hash(h);
        }
    }
}

/// The time of the input an endpoint is handling. Not state: every input sets it before
/// anything reads it, so it is left out of `Debug` (two endpoints in one state, reached at
/// different times, print the same).
#[derive(Clone, Copy, Default)]
pub(super) struct InputClock(pub Instant);

impl core::fmt::Debug for InputClock {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("_")
    }
}

/// The timestamp clock (RFC 7323 §5.4: between 1 ms and 1 s a tick): the virtual clock's
/// milliseconds, so runs are deterministic and an RTT reads straight off the echo.
pub(super) fn ts_clock(now: Instant) -> u32 {
    now.millis() as u32
}

impl Endpoint {
    /// The options of our SYN (`with_ack` false) or SYN,ACK: what the settings turn on, and
    /// in a SYN,ACK only what the peer's SYN offered (RFC 7323 §2.2, §3.2; RFC 2018 §2).
    /// Records what was offered.
    pub(super) fn offer_options(&mut self, with_ack: bool) {
        let c = &self.config;
        let o = &mut self.tcb.opts;
        o.ws_offered = c.wscale.filter(|_| !with_ack || o.ws_peer.is_some());
        o.ts_offered = c.timestamps && (!with_ack || o.ts_peer);
        o.sack_offered = c.sack && (!with_ack || o.sack_peer);
        if with_ack {
            // The peer's SYN is known: the agreement is final.
            self.options_agreed();
        }
    }

    /// What the peer's SYN (or SYN,ACK) offers. A SYN,ACK that does not carry an option we
    /// offered turns it off (RFC 7323 §1.3).
    pub(super) fn learn_peer_options(&mut self, seg: &Segment) {
        let o = &mut self.tcb.opts;
        o.ws_peer = seg.options.window_scale;
        o.ts_peer = seg.options.timestamps.is_some();
        o.sack_peer = seg.options.sack_permitted;
        if let Some((tsval, _)) = seg.options.timestamps {
            o.ts_recent = tsval;
        }
        // We offer (or, in LISTEN, will offer) window scaling: the shift will be used.
        let ours = o.ws_offered.is_some() || self.config.wscale.is_some();
        if o.ws_peer.is_some_and(|s| s > MAX_WSCALE) && ours {
            self.note(Rule::WscaleClamped);
        }
        if self.state == crate::state::State::SynSent {
            // Our SYN offered already: the agreement is final.
            self.options_agreed();
        }
    }

    /// Both SYNs are known: RCV.WND is clamped to what the window field can say, and with
    /// timestamps on every segment carries 12 bytes of options, which RFC 9293 §3.7.1's
    /// Eff.snd.MSS takes off the data (SendMSS less the TCP options sent: 1448 for an MSS of
    /// 1460, as Linux's mss_cache).
    fn options_agreed(&mut self) {
        self.clamp_receive_window();
        if self.tcb.opts.agreed {
            return;
        }
        self.tcb.opts.agreed = true;
        if self.tcb.opts.ts_on() {
            self.tcb.snd_mss = self.tcb.snd_mss.saturating_sub(TS_OPTION_LEN).max(1);
        }
    }

    /// RCV.WND can be no larger than what the window field can say: 65535 shifted by ours.
    pub(super) fn clamp_receive_window(&mut self) {
        let most = 65_535u32 << self.tcb.opts.rcv_shift();
        self.tcb.rcv_wnd = self.tcb.rcv_wnd.min(most);
    }

    /// SEG.WND as a window in bytes: shifted, except in a SYN (RFC 7323 §2.2: "The window
    /// field in a segment where the SYN bit is set MUST NOT be scaled").
    pub(super) fn seg_wnd(&self, seg: &Segment) -> u32 {
        if seg.flags.syn() {
            u32::from(seg.window)
        } else {
            u32::from(seg.window) << self.tcb.opts.snd_shift()
        }
    }

    /// The window field for RCV.WND: shifted right by ours (RFC 7323 §2.3), never in a SYN.
    pub(super) fn window_field(&self, syn: bool) -> u16 {
        let shift = if syn { 0 } else { self.tcb.opts.rcv_shift() };
        (self.tcb.rcv_wnd >> shift).min(u32::from(u16::MAX)) as u16
    }

    /// The window field a segment from us would carry now: the configured window before a
    /// connection is synchronized, RCV.WND (shifted, outside a SYN) once it is. For segments a
    /// script injects in our name.
    pub fn window_field_now(&self, syn: bool) -> u16 {
        if matches!(
            self.state,
            crate::state::State::Closed | crate::state::State::Listen
        ) {
            self.config.window.min(u32::from(u16::MAX)) as u16
        } else {
            self.window_field(syn)
        }
    }

    /// The options of a segment we send: on a SYN what we offer; on every segment, once
    /// agreed, the timestamps (RFC 7323 §3.2: TSval our clock, TSecr TS.Recent when the ACK
    /// bit is on) and, on an ACK while data is held out of order, SACK blocks (RFC 2018 §4).
    pub(super) fn segment_options(&self, seg: &Segment) -> TcpOptions {
        let o = &self.tcb.opts;
        let mut out = TcpOptions::NONE;
        if seg.flags.rst() {
            return out;
        }
        let syn = seg.flags.syn();
        if syn {
            out.window_scale = o.ws_offered;
            out.sack_permitted = o.sack_offered;
        }
        if (syn && o.ts_offered) || o.ts_on() {
            let tsecr = if seg.flags.ack() { o.ts_recent } else { 0 };
            out.timestamps = Some((ts_clock(self.now.0), tsecr));
        }
        if o.sack_on() && seg.flags.ack() && !syn {
            // 40 bytes of option space: four blocks, three beside the timestamps.
            let limit = if out.timestamps.is_some() { 3 } else { 4 };
            for (left, right) in self.sack_blocks().into_iter().take(limit) {
                out.push_sack(left.0, right.0);
            }
        }
        out
    }

    /// The out-of-order data as SACK blocks, `[left, right)`, the one holding the newest
    /// arrival first, then those of the next newest arrivals, then the rest in sequence
    /// order (RFC 2018 §4).
    fn sack_blocks(&self) -> Vec<(SeqNum, SeqNum)> {
        let t = &self.tcb;
        let mut blocks: Vec<(SeqNum, SeqNum)> = Vec::new();
        for e in &t.ooo {
            let end = e.seq + e.len + u32::from(e.fin);
            if end <= t.rcv_nxt || (e.len == 0 && !e.fin) {
                continue;
            }
            match blocks.last_mut() {
                Some(last) if e.seq <= last.1 => {
                    if end > last.1 {
                        last.1 = end;
                    }
                }
                _ => blocks.push((e.seq, end)),
            }
        }
        let mut ordered = Vec::with_capacity(blocks.len());
        for &recent in &t.opts.sack_recent {
            if let Some(i) = blocks.iter().position(|&(l, r)| l <= recent && recent < r) {
                ordered.push(blocks.remove(i));
            }
        }
        ordered.extend(blocks);
        ordered
    }

    /// Remembers an out-of-order arrival for the order of SACK blocks.
    pub(super) fn sack_note_arrival(&mut self, seq: SeqNum) {
        let recent = &mut self.tcb.opts.sack_recent;
        recent.retain(|&s| s != seq);
        recent.insert(0, seq);
        recent.truncate(4);
    }

    /// PAWS (RFC 7323 §5.3 R1): with timestamps on, a segment whose TSval is older than
    /// TS.Recent is an old duplicate: it is dropped, and answered with an ACK unless it is a
    /// RST. Returns whether the segment was dropped.
    pub(super) fn paws_rejects(&mut self, seg: &Segment) -> bool {
        let o = &self.tcb.opts;
        let Some((tsval, _)) = seg.options.timestamps else {
            return false;
        };
        if !o.ts_on() || (tsval.wrapping_sub(o.ts_recent) as i32) >= 0 {
            return false;
        }
        self.note(Rule::PawsDrop);
        if !seg.flags.rst() {
            self.tcb.ack_pending = true;
        }
        true
    }

    /// RFC 7323 §4.3 (2): TS.Recent takes SEG.TSval when the segment covers Last.ACK.sent,
    /// so that a delayed ACK echoes the earliest segment it acknowledges.
    pub(super) fn update_ts_recent(&mut self, seg: &Segment) {
        let o = &mut self.tcb.opts;
        if let Some((tsval, _)) = seg.options.timestamps {
            if o.ts_on()
                && (tsval.wrapping_sub(o.ts_recent) as i32) >= 0
                && seg.seq <= o.last_ack_sent
            {
                o.ts_recent = tsval;
            }
        }
    }

    /// RTTM (RFC 7323 §4.1): an ACK that advances SND.UNA gives an RTT sample, now less the
    /// TSecr it echoes. Retransmissions carry their own TSval, so the sample is never
    /// ambiguous and Karn's algorithm is not needed. Returns whether a sample was taken.
    pub(super) fn ts_rtt_sample(&mut self, seg: &Segment, now: Instant) -> bool {
        if !self.tcb.opts.ts_on() || !seg.flags.ack() {
            return false;
        }
        let Some((_, tsecr)) = seg.options.timestamps else {
            return false;
        };
        let rtt = ts_clock(now).wrapping_sub(tsecr);
        // An echo from the future (a forged or corrupted TSecr) gives no sample.
        if rtt as i32 >= 0 {
            self.rtt_sample(Duration::from_millis(u64::from(rtt)));
            return true;
        }
        false
    }
}
