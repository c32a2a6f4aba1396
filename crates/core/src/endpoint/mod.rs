//! One TCP endpoint, sans-IO.
//!
//! Inputs are the user calls (`open_passive`, `open_active`, `send`, `close`, `abort`), arriving
//! segments (`handle_segment`) and the passage of time (`handle_timeout`). Every input takes the
//! current [`Instant`]; time never goes backwards. After each input, drain the outputs:
//! `poll_transmit` for segments to put on the network and `poll_event` for state changes,
//! notes and errors. `poll_timeout` says when `handle_timeout` is next due.

mod config;
mod congestion;
mod cubic;
mod delack;
mod input;
mod nagle;
mod observe;
mod options;
mod reader;
mod sack;
mod tcb;
mod timer;
mod tlp;
mod windows;

use std::collections::VecDeque;

use serde::{Deserialize, Serialize};

use self::config::LINUX_ORPHAN_RETRIES;
pub use self::config::{Config, CongestionControl, Profile};
pub use self::options::MAX_WINDOW;
use self::tcb::{Hold, RtxEntry, Tcb};
pub use self::timer::{Timer, TimerTable};
pub use self::windows::{CcPhase, Windows};
use crate::rule::Rule;
use crate::segment::{Flags, Segment};
use crate::seq::SeqNum;
use crate::state::State;
use crate::time::{Duration, Instant};

/// A user call, as the trace records it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Call {
    /// Passive OPEN (§3.10.1): wait for a connection.
    Listen,
    /// Active OPEN (§3.10.1): send a SYN to the other peer.
    Connect,
    /// SEND (§3.10.2) of this many bytes.
    Send(u32),
    /// CLOSE (§3.10.4): no more data from us; a FIN follows what is queued. Under `set
    /// profile linux` it is the sockets API's close(): the application is gone as well (an
    /// orphan), so nothing more can be received.
    Close,
    /// The sockets API's shutdown(SHUT_WR): no more data from us, but we still receive. It is
    /// what RFC 9293's CLOSE means, so outside the Linux profile it is CLOSE.
    Shutdown,
    /// ABORT (§3.10.5): drop the connection, with a RST when synchronized.
    Abort,
    /// Not an RFC call: the host loses its TCB and sends nothing (§3.5.1's half-open case).
    Crash,
    /// RECEIVE (§3.10.3) of up to this many bytes: the application reads from the receive
    /// buffer. Only `set read manual` leaves anything there to read.
    Read(u32),
}

impl core::fmt::Display for Call {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Call::Listen => f.write_str("listen"),
            Call::Connect => f.write_str("connect"),
            Call::Send(n) => write!(f, "send {n}"),
            Call::Close => f.write_str("close"),
            Call::Shutdown => f.write_str("shutdown"),
            Call::Abort => f.write_str("abort"),
            Call::Crash => f.write_str("crash"),
            Call::Read(n) => write!(f, "read {n}"),
        }
    }
}

/// Why the RFC rejects a user call in the current state (§3.10.1 to §3.10.5).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CallError {
    /// "connection already exists": OPEN on an open connection.
    ConnectionExists,
    /// "connection does not exist": a call in CLOSED.
    ConnectionDoesNotExist,
    /// "connection closing": SEND or CLOSE after our CLOSE.
    ConnectionClosing,
    /// "remote socket unspecified": SEND in LISTEN.
    RemoteUnspecified,
}

impl CallError {
    /// The RFC's error string.
    pub fn message(self) -> &'static str {
        match self {
            CallError::ConnectionExists => "error: connection already exists",
            CallError::ConnectionDoesNotExist => "error: connection does not exist",
            CallError::ConnectionClosing => "error: connection closing",
            CallError::RemoteUnspecified => "error: remote socket unspecified",
        }
    }

    /// Which user call's section says so.
    pub fn section(self, call: Call) -> &'static str {
        match call {
            Call::Listen | Call::Connect => "3.10.1",
            Call::Send(_) => "3.10.2",
            Call::Read(_) => "3.10.3",
            Call::Close | Call::Shutdown => "3.10.4",
            Call::Abort | Call::Crash => "3.10.5",
        }
    }
}

/// An asynchronous signal to the user (§3.9.1.8).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Signal {
    /// "connection reset": the peer's RST killed a connection.
    Reset,
    /// "connection refused": the peer answered our SYN with a RST.
    Refused,
    /// The retransmission or keep-alive limit was reached.
    TimedOut,
    /// "connection closing": the peer's FIN arrived; no more data will come.
    Closing,
}

impl Signal {
    /// The RFC's wording of the signal.
    pub fn message(self) -> &'static str {
        match self {
            Signal::Reset => "connection reset",
            Signal::Refused => "connection refused",
            Signal::TimedOut => "connection timed out",
            Signal::Closing => "connection closing",
        }
    }
}

/// A segment for the network.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Transmit {
    /// The segment.
    pub segment: Segment,
    /// Sent again by the retransmission timer.
    pub retransmission: bool,
}

/// An output of the endpoint other than a segment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EndpointEvent {
    /// The state changed.
    StateChange {
        /// The state left.
        from: State,
        /// The state entered.
        to: State,
        /// The RFC rule that prescribes the change.
        rule: Rule,
    },
    /// A decision that did not change the state, e.g. why a segment was dropped.
    Note(Rule),
    /// A signal to the user (§3.9.1.8), such as "connection reset".
    Signal(Signal),
    /// A timer expired. The events after it, up to the next `TimerFired`, are what it did;
    /// `handle_timeout` reports each timer it fires this way before anything it caused.
    TimerFired(Timer),
}

/// One TCP endpoint: the state, the TCB, timers and pending outputs.
#[derive(Clone, Debug)]
pub struct Endpoint {
    config: Config,
    state: State,
    tcb: Tcb,
    /// The ISS the next connection uses, when the script chose one.
    next_isn: Option<u32>,
    /// The last ISS chosen, and when: drives the ISN clock for later connections.
    last_iss: Option<(SeqNum, Instant)>,
    received_total: u64,
    transmit: VecDeque<Transmit>,
    events: VecDeque<EndpointEvent>,
    /// The time of the input being handled: the timestamps option's clock (RFC 7323 §3).
    now: options::InputClock,
}

/// RFC 9293 §3.4.1: the ISN generator's clock ticks every 4 microseconds.
const ISN_TICKS_PER_MS: u64 = 250;

impl Endpoint {
    /// A closed endpoint whose first connection will use `isn`.
    pub fn new(config: Config, isn: u32) -> Endpoint {
        Endpoint {
            config,
            state: State::Closed,
            tcb: Tcb::default(),
            next_isn: Some(isn),
            last_iss: None,
            received_total: 0,
            transmit: VecDeque::new(),
            events: VecDeque::new(),
            now: options::InputClock::default(),
        }
    }

    /// The connection state.
    pub fn state(&self) -> State {
        self.state
    }

    /// The settings in force.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Changes settings. A new receive window applies to the running connection too.
    pub fn set_config(&mut self, config: Config) {
        let running = self.state != State::Closed;
        if running {
            self.reconfigure_receive_buffer(&config);
        }
        if config.keepalive.is_none() {
            self.tcb.timers.stop(Timer::Keepalive);
            self.tcb.keepalive_probes_sent = 0;
        }
        if config.fin_timeout().is_none() {
            self.tcb.timers.stop(Timer::FinWait2);
        }
        self.config = config;
        if running {
            self.clamp_receive_window();
        }
    }

    /// The ISS the next connection uses (replacing the ISN clock once).
    pub fn set_next_isn(&mut self, isn: u32) {
        self.next_isn = Some(isn);
    }

    /// The TCB's variables, for display. Meaningless in CLOSED.
    pub fn tcb(&self) -> TcbView {
        let t = &self.tcb;
        TcbView {
            iss: t.iss,
            irs: t.irs,
            snd_una: t.snd_una,
            snd_nxt: t.snd_nxt,
            snd_wnd: t.snd_wnd,
            rcv_nxt: t.rcv_nxt,
            rcv_wnd: t.rcv_wnd,
            rto: t.rto,
            unsent: t.unsent,
            rtx_queue_len: t.rtx_queue.len(),
            ooo_queue_len: t.ooo.len(),
            passive_open: t.passive,
            listener_kept: t.passive && self.config.keep_listener,
            cwnd: t.cwnd,
            ssthresh: t.ssthresh,
            wscale: t
                .opts
                .wscale_on()
                .then(|| (t.opts.snd_shift(), t.opts.rcv_shift())),
            timestamps: t.opts.ts_on(),
            sack: t.opts.sack_on(),
            snd_mss: t.snd_mss,
            rcv_user: t.rcv_user,
        }
    }

    /// The ISS of the current connection, or of the last one; `None` if there never was one.
    /// Relative sequence numbers are counted from it.
    pub fn iss_base(&self) -> Option<SeqNum> {
        self.last_iss.map(|(iss, _)| iss)
    }

    /// The IRS of the current (or last) connection, when one was synchronized.
    pub fn irs(&self) -> SeqNum {
        self.tcb.irs
    }

    /// Total bytes the application has received, over all connections.
    pub fn received(&self) -> u64 {
        self.received_total
    }

    /// When a timer is armed, its deadline.
    pub fn timer(&self, timer: Timer) -> Option<Instant> {
        self.tcb.timers.get(timer)
    }

    /// Every timer's deadline.
    pub fn timers(&self) -> &TimerTable {
        &self.tcb.timers
    }

    /// Feeds into `h` everything about the endpoint that decides what it does next, times
    /// taken relative to `now` (see `Tcb::fingerprint`). For the explorer, which calls it
    /// between inputs, when every output has been drained.
    ///
    /// The pattern names every field: a new one does not compile until it is dealt with here.
    pub(crate) fn fingerprint<H: std::hash::Hasher>(&self, now: Instant, h: &mut H) {
        use std::hash::Hash;
        let Endpoint {
            config,
            state,
            tcb,
            next_isn,
            last_iss,
            // Only `expect X received` reads the total; the endpoint never does.
            received_total: _,
            transmit,
            events,
            // The time of the last input: every time in the fingerprint is relative to it.
            now: _,
        } = self;
        debug_assert!(
            transmit.is_empty() && events.is_empty(),
            "outputs not drained"
        );
        (config, state, next_isn).hash(h);
        // The ISN clock counts from the last ISS's time (§3.4.1).
        last_iss.map(|(iss, at)| (iss, at.since(now))).hash(h);
        tcb.fingerprint(now, config, h);
    }

    /// The earliest time `handle_timeout` has work to do.
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.tcb.timers.next_timeout()
    }

    /// The next segment to put on the network.
    pub fn poll_transmit(&mut self) -> Option<Transmit> {
        self.transmit.pop_front()
    }

    fn emit(&mut self, segment: Segment) {
        self.queue(Transmit {
            segment,
            retransmission: false,
        });
    }

    /// Puts a segment on the way out. One that acknowledges everything received ends any
    /// delayed ACK (§3.8.6.3: data, retransmissions and probes carry the ACK too).
    fn queue(&mut self, transmit: Transmit) {
        let seg = &transmit.segment;
        if seg.flags.ack() && !seg.flags.rst() {
            self.tcb.opts.last_ack_sent = seg.ack;
        }
        if seg.flags.ack() && !seg.flags.rst() && seg.ack == self.tcb.rcv_nxt {
            self.tcb.unacked_bytes = 0;
            self.tcb.timers.stop(Timer::DelayedAck);
        }
        self.transmit.push_back(transmit);
    }

    /// The next state change, note or signal.
    pub fn poll_event(&mut self) -> Option<EndpointEvent> {
        self.events.pop_front()
    }

    // ---- User calls (§3.10.1 to §3.10.5) ----

    /// A user call at `now`: the one entry for OPEN, SEND, CLOSE and ABORT (§3.10.1 to
    /// §3.10.5), and for a crash. A call the RFC rejects in this state returns its error and
    /// changes nothing.
    pub fn call(&mut self, call: Call, now: Instant) -> Result<(), CallError> {
        self.now = options::InputClock(now);
        match call {
            Call::Listen => self.open_passive(now),
            Call::Connect => self.open_active(now),
            Call::Send(n) => self.send(n, now),
            Call::Close => self.close(now),
            Call::Shutdown => self.close_with(now, false),
            Call::Abort => self.abort(now),
            Call::Crash => self.crash(),
            Call::Read(n) => self.read(n, now),
        }
    }

    /// Passive OPEN (§3.10.1): wait for a connection from any remote socket.
    fn open_passive(&mut self, _now: Instant) -> Result<(), CallError> {
        if self.state != State::Closed {
            return Err(CallError::ConnectionExists);
        }
        self.tcb = Tcb::new(&self.config);
        self.tcb.passive = true;
        self.set_state(State::Listen, Rule::PassiveOpen);
        Ok(())
    }

    /// Active OPEN towards the peer (§3.10.1).
    fn open_active(&mut self, now: Instant) -> Result<(), CallError> {
        let rule = match self.state {
            State::Closed => {
                self.tcb = Tcb::new(&self.config);
                Rule::ActiveOpen
            }
            State::Listen => Rule::ListenToActive,
            _ => return Err(CallError::ConnectionExists),
        };
        self.tcb.passive = false;
        self.choose_iss(now);
        self.send_syn(now, false);
        self.set_state(State::SynSent, rule);
        Ok(())
    }

    /// SEND `len` bytes (§3.10.2).
    fn send(&mut self, len: u32, now: Instant) -> Result<(), CallError> {
        match self.state {
            State::Closed => Err(CallError::ConnectionDoesNotExist),
            // Our LISTEN is always unspecified (it accepts any peer), so SEND cannot
            // turn it active.
            State::Listen => Err(CallError::RemoteUnspecified),
            State::SynSent | State::SynReceived => {
                self.tcb.unsent += u64::from(len);
                Ok(())
            }
            State::Established | State::CloseWait => {
                self.tcb.unsent += u64::from(len);
                self.output(now);
                Ok(())
            }
            _ => Err(CallError::ConnectionClosing),
        }
    }

    /// CLOSE (§3.10.4): "I have no more data to send." Under `set profile linux`, close():
    /// the application lets go of the socket too.
    fn close(&mut self, now: Instant) -> Result<(), CallError> {
        self.close_with(now, true)
    }

    /// CLOSE, or with `release` false shutdown(SHUT_WR); only the Linux profile tells them
    /// apart.
    fn close_with(&mut self, now: Instant, release: bool) -> Result<(), CallError> {
        match self.state {
            State::Closed => return Err(CallError::ConnectionDoesNotExist),
            State::Listen => self.delete_tcb(Rule::CloseInListen),
            State::SynSent => self.end_connection(Rule::CloseInSynSent),
            State::SynReceived => {
                if self.tcb.unsent == 0 {
                    self.tcb.fin_queued = true;
                    self.set_state(State::FinWait1, Rule::CloseInSynReceived);
                } else {
                    self.tcb.close_deferred = true;
                    self.note(Rule::CloseDeferred);
                }
            }
            State::Established => {
                self.tcb.fin_queued = true;
                self.set_state(State::FinWait1, Rule::CloseSendsFin);
            }
            State::CloseWait => {
                self.tcb.fin_queued = true;
                self.set_state(State::LastAck, Rule::CloseInCloseWait);
            }
            _ => return Err(CallError::ConnectionClosing),
        }
        if release && self.config.profile == Profile::Linux && self.state != State::Closed {
            self.tcb.orphan = true;
        }
        self.output(now);
        Ok(())
    }

    /// ABORT (§3.10.5).
    fn abort(&mut self, _now: Instant) -> Result<(), CallError> {
        match self.state {
            State::Closed => return Err(CallError::ConnectionDoesNotExist),
            State::SynReceived
            | State::Established
            | State::FinWait1
            | State::FinWait2
            | State::CloseWait => {
                let (rst, rule) = match self.config.profile {
                    Profile::Rfc => (
                        Segment::control(self.tcb.snd_nxt, None, Flags::RST),
                        Rule::AbortWithRst,
                    ),
                    Profile::Linux => (self.rst_ack(), Rule::LinuxAbortRstAck),
                };
                self.end_connection(rule);
                self.emit(rst);
            }
            _ => self.end_connection(Rule::AbortQuiet),
        }
        Ok(())
    }

    /// The host crashes: the TCB vanishes and nothing is sent (§3.5.1's half-open case).
    fn crash(&mut self) -> Result<(), CallError> {
        if self.state == State::Closed {
            return Err(CallError::ConnectionDoesNotExist);
        }
        self.delete_tcb(Rule::Crash);
        Ok(())
    }

    // ---- Timeouts (§3.10.8) ----

    /// Fires every timer due at `now`, in [`Timer::ALL`] order, each announced by an
    /// [`EndpointEvent::TimerFired`] before the events it causes.
    pub fn handle_timeout(&mut self, now: Instant) {
        self.now = options::InputClock(now);
        for timer in Timer::ALL {
            // A timer that deleted the TCB stopped the rest with it.
            if !self.tcb.timers.is_expired(timer, now) {
                continue;
            }
            self.tcb.timers.stop(timer);
            self.events.push_back(EndpointEvent::TimerFired(timer));
            match timer {
                Timer::Retransmission => self.on_retransmission_timeout(now),
                Timer::Persist => self.probe_zero_window(now),
                Timer::TimeWait => self.end_connection(match self.config.profile {
                    Profile::Linux => Rule::LinuxTimeWaitExpired,
                    Profile::Rfc => Rule::TimeWaitExpired,
                }),
                Timer::Keepalive => self.on_keepalive_timeout(now),
                Timer::FinWait2 => self.end_connection(Rule::LinuxFinWait2Timeout),
                Timer::DelayedAck => self.on_delayed_ack_timeout(),
                Timer::SwsOverride => self.on_sws_override(now),
                Timer::LossProbe => self.on_loss_probe_timeout(now),
            }
        }
    }

    fn on_retransmission_timeout(&mut self, now: Instant) {
        let passive = self.tcb.passive;
        let orphan_closing = self.tcb.orphan
            && matches!(
                self.state,
                State::FinWait1 | State::Closing | State::LastAck
            );
        if orphan_closing && self.tcb.retransmissions >= LINUX_ORPHAN_RETRIES {
            // No application is left to be told.
            self.end_connection(Rule::LinuxOrphanGiveUp);
            return;
        }
        if self.tcb.retransmissions >= self.config.retries_in(self.state, passive) {
            self.signal(Signal::TimedOut);
            let linux = self.config.profile == Profile::Linux;
            match self.state {
                State::SynReceived if passive => self.return_to_listen(if linux {
                    Rule::LinuxSynAckGiveUp
                } else {
                    Rule::RetransmitGiveUpListen
                }),
                State::SynSent | State::SynReceived if linux => {
                    self.end_connection(Rule::LinuxSynGiveUp)
                }
                _ if linux => self.end_connection(Rule::LinuxRetransmitGiveUp),
                _ => self.end_connection(Rule::RetransmitGiveUp),
            }
            return;
        }
        let Some(front) = self.tcb.rtx_queue.front().copied() else {
            // Nothing outstanding: every path that empties the queue stops this timer.
            return;
        };
        let first_timeout = self.tcb.retransmissions == 0;
        self.tcb.retransmissions += 1;
        // The RTO ends the tail's episode: the next tail may be probed (tcp_retransmit_timer).
        self.tcb.tlp_high_seq = None;
        // Karn's algorithm: no RTT sample from a retransmitted segment.
        self.tcb.rtt_probe = None;
        if matches!(self.state, State::SynSent | State::SynReceived) {
            self.tcb.syn_timed_out = true;
        }
        self.note(Rule::Retransmit);
        let segment = self.segment_for(&front);
        self.queue(Transmit {
            segment,
            retransmission: true,
        });
        self.cc_on_rto(first_timeout);
        self.sack_on_rto();
        if self.state == State::SynSent
            && self.tcb.retransmissions <= self.config.syn_linear_timeouts
        {
            self.note(Rule::LinuxSynLinearTimeout);
        } else {
            // RFC 6298 §5.5: back off.
            self.tcb.rto = Duration(self.tcb.rto.0.saturating_mul(2)).min(self.config.rto_max);
        }
        // RFC 6298 §5.6: restart the timer.
        self.tcb
            .timers
            .set(Timer::Retransmission, now + self.tcb.rto);
    }

    /// The persist timer fired (§3.8.6.1): the peer's window has been zero for an RTO
    /// (SHLD-29), so one octet of new data goes out beyond it. Its retransmissions, backed off
    /// like any other (SHLD-30), are the later probes.
    fn probe_zero_window(&mut self, now: Instant) {
        let t = &self.tcb;
        if !(self.sending_state() && t.unsent > 0 && t.snd_wnd == 0) {
            return;
        }
        if self.config.profile == Profile::Linux {
            // tcp_send_probe0: an old sequence number the peer must acknowledge, and each
            // probe waits twice as long as the one before (icsk_backoff).
            self.note(Rule::LinuxZeroWindowProbe);
            let probe = self.segment(self.tcb.snd_una - 1, Flags::ACK, 0);
            self.emit(probe);
            self.tcb.persist_backoff += 1;
            let wait = Duration(
                self.tcb
                    .rto
                    .0
                    .saturating_mul(1 << self.tcb.persist_backoff.min(20)),
            )
            .min(self.config.rto_max);
            self.tcb.timers.set(Timer::Persist, now + wait);
            return;
        }
        let fin = t.unsent == 1 && t.fin_queued && t.fin_seq.is_none();
        self.note(Rule::ZeroWindowProbe);
        self.send_new(now, 1, fin);
        self.arm_retransmission(now);
    }

    fn on_keepalive_timeout(&mut self, now: Instant) {
        // §3.8.4 (MUST-26): keep-alives only while no sent data is outstanding; until then the
        // retransmission timer watches the peer.
        if !self.tcb.rtx_queue.is_empty() {
            if let Some(idle) = self.config.keepalive {
                self.tcb.timers.set(Timer::Keepalive, now + idle);
            }
            return;
        }
        if self.tcb.keepalive_probes_sent >= self.config.keepalive_probes {
            self.signal(Signal::TimedOut);
            match self.config.profile {
                Profile::Rfc => self.end_connection(Rule::KeepaliveGiveUp),
                Profile::Linux => {
                    let rst = self.rst_ack();
                    self.end_connection(Rule::LinuxKeepaliveGiveUp);
                    self.emit(rst);
                }
            }
            return;
        }
        self.tcb.keepalive_probes_sent += 1;
        self.note(Rule::KeepaliveProbe);
        // §3.8.4: a probe with SEG.SEQ = SND.NXT-1 is old to the peer, which must ACK it.
        let probe = self.segment(self.tcb.snd_nxt - 1, Flags::ACK, 0);
        self.emit(probe);
        self.tcb
            .timers
            .set(Timer::Keepalive, now + self.config.keepalive_interval);
    }

    // ---- Internals shared by calls, arrivals and timers ----

    fn set_state(&mut self, to: State, rule: Rule) {
        let from = self.state;
        self.state = to;
        if !matches!(to, State::Established | State::CloseWait) {
            self.tcb.timers.stop(Timer::Keepalive);
        }
        self.events
            .push_back(EndpointEvent::StateChange { from, to, rule });
    }

    fn note(&mut self, rule: Rule) {
        self.events.push_back(EndpointEvent::Note(rule));
    }

    fn signal(&mut self, signal: Signal) {
        self.events.push_back(EndpointEvent::Signal(signal));
    }

    /// Deletes the TCB and enters CLOSED. Queued segments already handed out stay sent.
    fn delete_tcb(&mut self, rule: Rule) {
        self.tcb = Tcb::default();
        self.set_state(State::Closed, rule);
    }

    /// Deletes the TCB; a peer whose application still listens (`set listener keep`) is left
    /// in LISTEN, any other in CLOSED.
    fn end_connection(&mut self, rule: Rule) {
        if self.tcb.passive && self.config.keep_listener && self.state != State::Listen {
            self.delete_tcb(rule);
            self.return_to_listen(Rule::ListenerKept);
        } else {
            self.delete_tcb(rule);
        }
    }

    /// A passive connection that failed goes back to listening with a fresh TCB.
    fn return_to_listen(&mut self, rule: Rule) {
        self.tcb = Tcb::new(&self.config);
        self.tcb.passive = true;
        self.set_state(State::Listen, rule);
    }

    /// Selects the ISS (§3.4.1): the script's choice if any, else the ISN clock, which advances
    /// 250 ticks a millisecond (4 µs a tick) plus a fixed step per connection.
    fn choose_iss(&mut self, now: Instant) {
        let iss = match (self.next_isn.take(), self.last_iss) {
            (Some(isn), _) => SeqNum(isn),
            (None, Some((last, at))) => {
                let ticks = (now - at).millis().wrapping_mul(ISN_TICKS_PER_MS);
                last + 64_000u32.wrapping_add(ticks as u32)
            }
            (None, None) => SeqNum(0),
        };
        self.use_iss(iss, now);
    }

    /// Makes `iss` the current connection's ISS.
    fn use_iss(&mut self, iss: SeqNum, now: Instant) {
        self.last_iss = Some((iss, now));
        let t = &mut self.tcb;
        t.iss = iss;
        t.snd_una = iss;
        t.snd_nxt = iss + 1;
    }

    /// Sends our SYN (SYN,ACK once the peer's SYN is known) and queues it for retransmission.
    fn send_syn(&mut self, now: Instant, with_ack: bool) {
        let entry = RtxEntry {
            seq: self.tcb.iss,
            len: 0,
            syn: true,
            fin: false,
            psh: false,
        };
        self.tcb.rtx_queue.clear();
        self.tcb.rtx_queue.push_back(entry);
        self.offer_options(with_ack);
        let mut seg = self.segment_for(&entry);
        if !with_ack {
            seg.flags = seg.flags.without(Flags::ACK);
            seg.ack = SeqNum(0);
            // Without the ACK bit, TSecr is not an echo (RFC 7323 §3.2).
            if let Some((tsval, _)) = seg.options.timestamps {
                seg.options.timestamps = Some((tsval, 0));
            }
        }
        self.emit(seg);
        self.tcb.rtt_probe = Some((self.tcb.iss + 1, now));
        self.arm_retransmission(now);
    }

    /// Linux's reset from a synchronized connection (`tcp_send_active_reset`):
    /// `<SEQ=SND.NXT><ACK=RCV.NXT><CTL=RST,ACK>`.
    fn rst_ack(&self) -> Segment {
        Segment::control(self.tcb.snd_nxt, Some(self.tcb.rcv_nxt), Flags::RST)
    }

    fn arm_retransmission(&mut self, now: Instant) {
        let t = &self.tcb;
        // The loss probe timer stands in for the retransmission timer (`tlp.rs`).
        if !t.timers.is_armed(Timer::Retransmission)
            && !t.timers.is_armed(Timer::LossProbe)
            && !t.rtx_queue.is_empty()
        {
            self.tcb
                .timers
                .set(Timer::Retransmission, now + self.tcb.rto);
        }
    }

    /// A segment from our side with the current ACK and window.
    fn segment(&self, seq: SeqNum, flags: Flags, len: u32) -> Segment {
        let ack = flags.ack();
        let mut seg = Segment {
            seq,
            ack: if ack { self.tcb.rcv_nxt } else { SeqNum(0) },
            flags,
            window: self.window_field(flags.syn()),
            len,
            mss: flags.syn().then_some(self.config.mss),
            options: crate::segment::TcpOptions::NONE,
        };
        seg.options = self.segment_options(&seg);
        seg
    }

    /// The segment that (re)transmits a retransmission-queue entry.
    fn segment_for(&self, entry: &RtxEntry) -> Segment {
        let mut flags = Flags::NONE;
        if entry.syn {
            flags = flags | Flags::SYN;
        }
        // Every segment but the first SYN carries an ACK (§3.10.7.3 sends SYN,ACK in
        // SYN-RECEIVED); `send_syn` strips it for the active opener's SYN.
        if !(entry.syn && self.state == State::SynSent) {
            flags = flags | Flags::ACK;
        }
        if entry.fin {
            flags = flags | Flags::FIN;
        }
        if entry.psh {
            flags = flags | Flags::PSH;
        }
        self.segment(entry.seq, flags, entry.len)
    }

    /// Segmentizes queued data, sends a queued FIN, and sends a pending ACK if nothing else
    /// carried it. Called after every input.
    fn output(&mut self, now: Instant) {
        let sending_state = self.sending_state();
        let snd_nxt = self.tcb.snd_nxt;
        if sending_state {
            self.cc_go_back();
        }
        while sending_state && self.tcb.unsent > 0 {
            let t = &self.tcb;
            let in_flight = t.snd_nxt.offset_from(t.snd_una);
            if t.snd_wnd == 0 && in_flight == 0 {
                // §3.8.6.1 (SHLD-29): a zero window is probed once it has lasted one RTO.
                if !t.timers.is_armed(Timer::Persist) {
                    self.tcb.timers.set(Timer::Persist, now + t.rto);
                }
                break;
            }
            let usable = t.snd_wnd.saturating_sub(in_flight);
            let whole = t.unsent.min(u64::from(t.snd_mss)) as u32;
            let len = whole.min(usable);
            if len == 0 {
                break;
            }
            let last = u64::from(len) == t.unsent;
            // Under cwnd only whole segments (or the last of the data) go out.
            if self.cwnd_room(now) < whole {
                break;
            }
            if self.hold_short_segment(len, now) {
                break;
            }
            let t = &self.tcb;
            let fin = last && t.fin_queued && t.fin_seq.is_none();
            self.send_new(now, len, fin);
        }
        if sending_state
            && self.tcb.fin_queued
            && self.tcb.unsent == 0
            && self.tcb.fin_seq.is_none()
            && matches!(
                self.state,
                State::FinWait1 | State::Closing | State::LastAck
            )
        {
            self.send_new(now, 0, true);
        }
        if self.tcb.ack_pending {
            self.tcb.ack_pending = false;
            let ack = self.segment(self.tcb.snd_nxt, Flags::ACK, 0);
            self.emit(ack);
        }
        self.arm_retransmission(now);
        if self.tcb.snd_nxt > snd_nxt && self.config.tlp {
            // New data left: Linux schedules a loss probe (tcp_write_xmit).
            self.schedule_loss_probe(now);
        }
    }

    /// States in which queued data and a queued FIN are sent. CLOSING is one: a CLOSE in
    /// ESTABLISHED queues the FIN behind unsent data (§3.10.4), and the peer's FIN may arrive
    /// before the window lets it all out.
    fn sending_state(&self) -> bool {
        matches!(
            self.state,
            State::Established
                | State::CloseWait
                | State::FinWait1
                | State::Closing
                | State::LastAck
        )
    }

    /// Sends new data (and perhaps the FIN) at SND.NXT.
    fn send_new(&mut self, now: Instant, len: u32, fin: bool) {
        if len > 0
            && self.tcb.snd_nxt == self.tcb.snd_una
            && self.config.cc == CongestionControl::Cubic
        {
            self.cubic_on_send_after_idle(now);
        }
        let t = &mut self.tcb;
        // New data goes out, so the window is open again or this is the probe itself: the
        // persist timer's work is done. The retransmission timer takes over (`output`).
        t.timers.stop(Timer::Persist);
        t.persist_backoff = 0;
        t.timers.stop(Timer::SwsOverride);
        t.held = Hold::None;
        let entry = RtxEntry {
            seq: t.snd_nxt,
            len,
            syn: false,
            fin,
            psh: len > 0 && u64::from(len) == t.unsent,
        };
        t.unsent -= u64::from(len);
        t.snd_nxt = t.snd_nxt + entry.seg_len();
        if fin {
            t.fin_seq = Some(entry.seq + len);
        }
        if len > 0 {
            t.last_data_sent = Some(now);
        }
        if len < t.snd_mss {
            t.snd_sml = t.snd_nxt;
        }
        if t.rtt_probe.is_none() {
            t.rtt_probe = Some((t.snd_nxt, now));
        }
        t.rtx_queue.push_back(entry);
        // A data segment carries the ACK, so no separate one is needed.
        t.ack_pending = false;
        let seg = self.segment_for(&entry);
        self.emit(seg);
    }
}

/// A read-only copy of the TCB's variables (RFC 9293 §3.3.1), for display.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TcbView {
    /// ISS: our initial send sequence number.
    pub iss: SeqNum,
    /// IRS: the peer's initial sequence number.
    pub irs: SeqNum,
    /// SND.UNA: the oldest unacknowledged sequence number.
    pub snd_una: SeqNum,
    /// SND.NXT: the next sequence number to send.
    pub snd_nxt: SeqNum,
    /// SND.WND: the window the peer offers.
    pub snd_wnd: u32,
    /// RCV.NXT: the next sequence number expected.
    pub rcv_nxt: SeqNum,
    /// RCV.WND: the window we offer.
    pub rcv_wnd: u32,
    /// The current retransmission timeout (RFC 6298).
    pub rto: Duration,
    /// Bytes SENT by the user and not yet put in a segment.
    pub unsent: u64,
    /// Segments sent and not yet fully acknowledged.
    pub rtx_queue_len: usize,
    /// Segments received out of order, held until RCV.NXT reaches them.
    pub ooo_queue_len: usize,
    /// The connection came from a passive OPEN (MUST-11: a failed one returns to LISTEN).
    pub passive_open: bool,
    /// The application also keeps the listening socket this connection came from
    /// (`set listener keep`).
    pub listener_kept: bool,
    /// RFC 5681's congestion window, in bytes (meaningless under `set cc none`).
    #[serde(default)]
    pub cwnd: u32,
    /// RFC 5681's slow start threshold, in bytes.
    #[serde(default)]
    pub ssthresh: u32,
    /// Window scaling agreed (RFC 7323 §2): the shift of the peer's windows and of ours.
    #[serde(default)]
    pub wscale: Option<(u8, u8)>,
    /// Timestamps agreed (RFC 7323 §3).
    #[serde(default)]
    pub timestamps: bool,
    /// SACK agreed (RFC 2018).
    #[serde(default)]
    pub sack: bool,
    /// SMSS: the largest segment we send (the peer's MSS option, capped by ours, §3.7.1).
    #[serde(default)]
    pub snd_mss: u32,
    /// RCV.USER (§3.8.6.2.2): bytes received in order that the application has not read yet
    /// (`set read manual`).
    #[serde(default)]
    pub rcv_user: u32,
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod fingerprint_tests;
