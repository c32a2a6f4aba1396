//! Unit tests per state × event, in the style of smoltcp's TCP tests.
//!
//! Each fixture (`listen()`, `syn_sent()`, `established()`, `fin_wait_1()`, …) builds an endpoint
//! in one state by driving it through its public inputs, then throws away what that produced.
//! `send!` feeds the endpoint a segment from the peer; `recv!` asserts that exactly the given
//! segments were transmitted and nothing else (`recv_rtx!` the same for retransmissions);
//! `events!` asserts the state changes, notes and signals. Each failure prints what was
//! expected and what came.
//!
//! Our ISS is `LOCAL_ISS` and the peer's `REMOTE_ISS`; `local(n)` and `remote(n)` are sequence
//! numbers relative to them, as Wireshark shows them. Fixtures run at t=0 and times are in
//! milliseconds. Once synchronized, `SEND_TEMPL` is what the peer sends and `RECV_TEMPL` what
//! we send, before any data or FIN.

use super::*;

const LOCAL_ISS: u32 = 10_000;
const REMOTE_ISS: u32 = 20_000;
/// Our receive window (`Config::window`).
const LOCAL_WIN: u16 = 1000;
/// The window the peer offers.
const REMOTE_WIN: u16 = 1000;
/// Our MSS option (the default configuration's).
const LOCAL_MSS: u16 = 1460;
/// The MSS option the peer sends: what our data is cut to.
const REMOTE_MSS: u16 = 100;
/// TIME-WAIT lasts 2 x MSL (the default MSL is 2 minutes).
const TWO_MSL: u64 = 240_000;

/// A segment from the peer once synchronized: `<SEQ=remote(1)><ACK=local(1)><CTL=ACK>`.
const SEND_TEMPL: Segment = Segment {
    seq: SeqNum(REMOTE_ISS + 1),
    ack: SeqNum(LOCAL_ISS + 1),
    flags: Flags::ACK,
    window: REMOTE_WIN,
    len: 0,
    mss: None,
    options: crate::segment::TcpOptions::NONE,
};

/// A segment from us once synchronized: `<SEQ=local(1)><ACK=remote(1)><CTL=ACK>`.
const RECV_TEMPL: Segment = Segment {
    seq: SeqNum(LOCAL_ISS + 1),
    ack: SeqNum(REMOTE_ISS + 1),
    flags: Flags::ACK,
    window: LOCAL_WIN,
    len: 0,
    mss: None,
    options: crate::segment::TcpOptions::NONE,
};

// ---- Helpers ----

/// The default configuration with our window, without delayed ACKs, so that each data
/// segment's ACK comes in the same step, and without the Nagle algorithm and sender SWS
/// avoidance, so that a send goes out as far as the window allows (the tests of each turn
/// it on).
fn config() -> Config {
    Config {
        window: u32::from(LOCAL_WIN),
        delack: false,
        nagle: false,
        sws: false,
        ..Config::default()
    }
}

/// Our sequence number `n` past our ISS.
fn local(n: u32) -> SeqNum {
    SeqNum(LOCAL_ISS.wrapping_add(n))
}

/// The peer's sequence number `n` past its ISS.
fn remote(n: u32) -> SeqNum {
    SeqNum(REMOTE_ISS.wrapping_add(n))
}

fn at(ms: u64) -> Instant {
    Instant(ms)
}

fn our_syn() -> Segment {
    Segment {
        seq: local(0),
        ack: SeqNum(0),
        flags: Flags::SYN,
        mss: Some(LOCAL_MSS),
        ..RECV_TEMPL
    }
}

fn our_syn_ack() -> Segment {
    Segment {
        seq: local(0),
        flags: Flags::SYN | Flags::ACK,
        mss: Some(LOCAL_MSS),
        ..RECV_TEMPL
    }
}

fn peer_syn() -> Segment {
    Segment {
        seq: remote(0),
        ack: SeqNum(0),
        flags: Flags::SYN,
        mss: Some(REMOTE_MSS),
        ..SEND_TEMPL
    }
}

fn peer_syn_ack() -> Segment {
    Segment {
        seq: remote(0),
        flags: Flags::SYN | Flags::ACK,
        mss: Some(REMOTE_MSS),
        ..SEND_TEMPL
    }
}

/// `<SEQ=seq><CTL=RST>`.
fn rst(seq: SeqNum) -> Segment {
    Segment {
        seq,
        ack: SeqNum(0),
        flags: Flags::RST,
        window: 0,
        len: 0,
        mss: None,
        options: crate::segment::TcpOptions::NONE,
    }
}

/// `<SEQ=seq><ACK=ack><CTL=RST,ACK>`.
fn rst_ack(seq: SeqNum, ack: SeqNum) -> Segment {
    Segment {
        ack,
        flags: Flags::RST | Flags::ACK,
        ..rst(seq)
    }
}

fn change(from: State, to: State, rule: Rule) -> EndpointEvent {
    EndpointEvent::StateChange { from, to, rule }
}

fn note(rule: Rule) -> EndpointEvent {
    EndpointEvent::Note(rule)
}

fn signal(signal: Signal) -> EndpointEvent {
    EndpointEvent::Signal(signal)
}

fn fired(timer: Timer) -> EndpointEvent {
    EndpointEvent::TimerFired(timer)
}

/// Feeds the endpoint a segment from the peer, at t=0 or at `time` ms.
macro_rules! send {
    ($ep:ident, $seg:expr) => {
        send!($ep, time 0, $seg)
    };
    ($ep:ident, time $ms:expr, $seg:expr) => {
        $ep.handle_segment($seg, Instant($ms))
    };
}

/// Asserts that the endpoint transmitted exactly these segments, in this order, as first
/// transmissions, and nothing else.
macro_rules! recv {
    ($ep:ident, [$($seg:expr),* $(,)?]) => {
        check_transmitted(&mut $ep, &[$($seg),*], false)
    };
}

/// Asserts that the endpoint retransmitted exactly these segments and sent nothing else.
macro_rules! recv_rtx {
    ($ep:ident, [$($seg:expr),* $(,)?]) => {
        check_transmitted(&mut $ep, &[$($seg),*], true)
    };
}

/// Asserts that the endpoint reported exactly these events, in this order.
macro_rules! events {
    ($ep:ident, [$($ev:expr),* $(,)?]) => {
        check_events(&mut $ep, &[$($ev),*])
    };
}

/// Asserts the endpoint's state.
macro_rules! state {
    ($ep:ident, $state:ident) => {
        check_state(&$ep, State::$state)
    };
}

#[track_caller]
fn check_transmitted(ep: &mut Endpoint, expected: &[Segment], retransmission: bool) {
    let came: Vec<Transmit> = core::iter::from_fn(|| ep.poll_transmit()).collect();
    let expected: Vec<Transmit> = expected
        .iter()
        .map(|&segment| Transmit {
            segment,
            retransmission,
        })
        .collect();
    assert!(
        came == expected,
        "transmitted segments differ (now in {})\nexpected: {expected:#?}\n    came: {came:#?}",
        ep.state()
    );
}

#[track_caller]
fn check_events(ep: &mut Endpoint, expected: &[EndpointEvent]) {
    let came: Vec<EndpointEvent> = core::iter::from_fn(|| ep.poll_event()).collect();
    assert!(
        came == expected,
        "events differ (now in {})\nexpected: {expected:#?}\n    came: {came:#?}",
        ep.state()
    );
}

#[track_caller]
fn check_state(ep: &Endpoint, expected: State) {
    assert!(
        ep.state() == expected,
        "state: expected {expected}, came {}",
        ep.state()
    );
}

#[track_caller]
fn check_timer(ep: &Endpoint, timer: Timer, expected_ms: Option<u64>) {
    let came = ep.timer(timer);
    let expected = expected_ms.map(Instant);
    assert!(
        came == expected,
        "{timer:?} timer: expected {expected:?}, came {came:?}"
    );
}

/// Throws away what the fixture's inputs produced.
fn settle(ep: &mut Endpoint) {
    while ep.poll_transmit().is_some() {}
    while ep.poll_event().is_some() {}
}

/// Asserts that each call is rejected with the RFC's error and leaves the endpoint as it was:
/// same state, nothing sent, nothing reported.
#[track_caller]
fn check_rejected(ep: &mut Endpoint, calls: &[(Call, CallError)]) {
    let state = ep.state();
    let tcb = ep.tcb();
    for &(c, expected) in calls {
        let came = ep.call(c, at(0));
        assert!(
            came == Err(expected),
            "`{c}` in {state}: expected Err({expected:?}), came {came:?}"
        );
        check_state(ep, state);
        check_transmitted(ep, &[], false);
        check_events(ep, &[]);
        assert!(ep.tcb() == tcb, "`{c}` in {state} changed the TCB");
    }
}

/// Sends an in-window SYN to an endpoint in a synchronized state (RFC 5961 on) and checks the
/// challenge ACK `<SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>` (§3.10.7.4, fourth step).
#[track_caller]
fn check_syn_challenge_ack(ep: &mut Endpoint, rcv_nxt: SeqNum, snd_nxt: SeqNum) {
    let state = ep.state();
    ep.handle_segment(
        Segment {
            seq: rcv_nxt + 100,
            ack: SeqNum(0),
            flags: Flags::SYN,
            ..SEND_TEMPL
        },
        at(0),
    );
    check_state(ep, state);
    check_events(ep, &[note(Rule::SynChallengeAck)]);
    check_transmitted(
        ep,
        &[Segment {
            seq: snd_nxt,
            ack: rcv_nxt,
            ..RECV_TEMPL
        }],
        false,
    );
}

/// Fires the retransmission timer `ep.config.retries` times from `start_ms`, with the RTO
/// doubling from `rto_ms` up to the configured cap, and checks that each time `segment` (only) is
/// sent again. Returns when the endpoint is due to give up.
#[track_caller]
fn retransmit_until_give_up(
    ep: &mut Endpoint,
    start_ms: u64,
    rto_ms: u64,
    segment: Segment,
) -> u64 {
    let mut now = start_ms;
    let mut rto = rto_ms;
    for _ in 0..ep.config.retries {
        let due = now + rto;
        check_timer(ep, Timer::Retransmission, Some(due));
        ep.handle_timeout(at(due - 1));
        check_transmitted(ep, &[], false);
        ep.handle_timeout(at(due));
        check_transmitted(ep, &[segment], true);
        // Data going again also sets cwnd to the loss window (RFC 5681 §3.1).
        // (A zero-window probe's timeouts leave cwnd alone.)
        if segment.len > 0 && ep.config.cc != CongestionControl::None && ep.tcb.snd_wnd > 0 {
            check_events(
                ep,
                &[
                    fired(Timer::Retransmission),
                    note(Rule::Retransmit),
                    note(Rule::CcLossWindow),
                ],
            );
        } else {
            check_events(ep, &[fired(Timer::Retransmission), note(Rule::Retransmit)]);
        }
        now = due;
        rto = (rto * 2).min(ep.config.rto_max.0);
    }
    check_timer(ep, Timer::Retransmission, Some(now + rto));
    now + rto
}

// ---- Fixtures ----

fn closed() -> Endpoint {
    Endpoint::new(config(), LOCAL_ISS)
}

fn listen() -> Endpoint {
    let mut ep = closed();
    ep.call(Call::Listen, at(0)).unwrap();
    settle(&mut ep);
    state!(ep, Listen);
    ep
}

fn syn_sent_with(config: Config) -> Endpoint {
    let mut ep = Endpoint::new(config, LOCAL_ISS);
    ep.call(Call::Connect, at(0)).unwrap();
    settle(&mut ep);
    state!(ep, SynSent);
    ep
}

fn syn_sent() -> Endpoint {
    syn_sent_with(config())
}

/// SYN-RECEIVED after a passive OPEN: our SYN,ACK is out.
fn syn_received_passive() -> Endpoint {
    let mut ep = listen();
    send!(ep, peer_syn());
    settle(&mut ep);
    state!(ep, SynReceived);
    ep
}

/// SYN-RECEIVED after an active OPEN met the peer's SYN (simultaneous open).
fn syn_received_active() -> Endpoint {
    let mut ep = syn_sent();
    send!(ep, peer_syn());
    settle(&mut ep);
    state!(ep, SynReceived);
    ep
}

fn established_with(config: Config) -> Endpoint {
    let mut ep = syn_sent_with(config);
    send!(ep, peer_syn_ack());
    settle(&mut ep);
    state!(ep, Established);
    ep
}

/// ESTABLISHED after an active OPEN; nothing sent yet. The handshake's RTT sample was 0 ms.
fn established() -> Endpoint {
    established_with(config())
}

/// Our FIN (`local(1)`) is out and unacknowledged.
fn fin_wait_1() -> Endpoint {
    let mut ep = established();
    ep.call(Call::Close, at(0)).unwrap();
    settle(&mut ep);
    state!(ep, FinWait1);
    ep
}

/// Our FIN is acknowledged; the peer has not closed.
fn fin_wait_2() -> Endpoint {
    let mut ep = fin_wait_1();
    send!(
        ep,
        Segment {
            ack: local(2),
            ..SEND_TEMPL
        }
    );
    settle(&mut ep);
    state!(ep, FinWait2);
    ep
}

/// Both FINs crossed: the peer's (`remote(1)`) is acknowledged, ours is not yet.
fn closing() -> Endpoint {
    let mut ep = fin_wait_1();
    send!(
        ep,
        Segment {
            flags: Flags::ACK | Flags::FIN,
            ..SEND_TEMPL
        }
    );
    settle(&mut ep);
    state!(ep, Closing);
    ep
}

/// Both FINs acknowledged; we closed first.
fn time_wait() -> Endpoint {
    let mut ep = fin_wait_2();
    send!(
        ep,
        Segment {
            ack: local(2),
            flags: Flags::ACK | Flags::FIN,
            ..SEND_TEMPL
        }
    );
    settle(&mut ep);
    state!(ep, TimeWait);
    ep
}

/// The peer's FIN (`remote(1)`) arrived and is acknowledged.
fn close_wait() -> Endpoint {
    let mut ep = established();
    send!(
        ep,
        Segment {
            flags: Flags::ACK | Flags::FIN,
            ..SEND_TEMPL
        }
    );
    settle(&mut ep);
    state!(ep, CloseWait);
    ep
}

/// After CLOSE-WAIT, our FIN (`local(1)`) is out.
fn last_ack() -> Endpoint {
    let mut ep = close_wait();
    ep.call(Call::Close, at(0)).unwrap();
    settle(&mut ep);
    state!(ep, LastAck);
    ep
}

fn without_rfc5961(mut ep: Endpoint) -> Endpoint {
    ep.set_config(Config {
        rfc5961: false,
        ..ep.config().clone()
    });
    ep
}

// =====================================================================================
// CLOSED (§3.10.1 to §3.10.5, §3.10.7.1)
// =====================================================================================

#[test]
fn test_closed_open_passive_goes_to_listen() {
    let mut ep = closed();
    assert_eq!(ep.call(Call::Listen, at(0)), Ok(()));
    state!(ep, Listen);
    events!(
        ep,
        [change(State::Closed, State::Listen, Rule::PassiveOpen)]
    );
    recv!(ep, []);
    assert_eq!(ep.poll_timeout(), None);
    assert!(ep.tcb().passive_open);
}

#[test]
fn test_closed_open_active_sends_syn() {
    let mut ep = closed();
    assert_eq!(ep.call(Call::Connect, at(0)), Ok(()));
    state!(ep, SynSent);
    events!(
        ep,
        [change(State::Closed, State::SynSent, Rule::ActiveOpen)]
    );
    // <SEQ=ISS><CTL=SYN>, with our MSS option.
    recv!(ep, [our_syn()]);
    let tcb = ep.tcb();
    assert_eq!(tcb.iss, local(0));
    assert_eq!(tcb.snd_una, local(0));
    assert_eq!(tcb.snd_nxt, local(1));
    assert!(!tcb.passive_open);
    // RFC 6298 §2.1: the initial RTO is 1 s.
    check_timer(&ep, Timer::Retransmission, Some(1000));
}

#[test]
fn test_closed_user_calls_rejected() {
    let mut ep = closed();
    check_rejected(
        &mut ep,
        &[
            (Call::Send(10), CallError::ConnectionDoesNotExist),
            (Call::Close, CallError::ConnectionDoesNotExist),
            (Call::Abort, CallError::ConnectionDoesNotExist),
            (Call::Crash, CallError::ConnectionDoesNotExist),
        ],
    );
}

#[test]
fn test_closed_segment_gets_rst_ack() {
    let mut ep = closed();
    // No ACK bit: <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>; the SYN counts in SEG.LEN.
    send!(ep, peer_syn());
    recv!(ep, [rst_ack(SeqNum(0), remote(1))]);
    events!(ep, [note(Rule::ClosedSendsRst)]);
    state!(ep, Closed);
}

#[test]
fn test_closed_data_and_fin_without_ack_get_rst_ack() {
    let mut ep = closed();
    send!(
        ep,
        Segment {
            flags: Flags::FIN,
            len: 50,
            ..SEND_TEMPL
        }
    );
    recv!(ep, [rst_ack(SeqNum(0), remote(52))]);
    events!(ep, [note(Rule::ClosedSendsRst)]);
    assert_eq!(ep.received(), 0);
}

#[test]
fn test_closed_ack_gets_rst() {
    let mut ep = closed();
    // ACK bit on: <SEQ=SEG.ACK><CTL=RST>.
    send!(
        ep,
        Segment {
            ack: local(77),
            len: 10,
            ..SEND_TEMPL
        }
    );
    recv!(ep, [rst(local(77))]);
    events!(ep, [note(Rule::ClosedSendsRst)]);
    state!(ep, Closed);
}

#[test]
fn test_closed_rst_ignored() {
    let mut ep = closed();
    send!(
        ep,
        Segment {
            flags: Flags::RST | Flags::ACK,
            ..SEND_TEMPL
        }
    );
    recv!(ep, []);
    events!(ep, [note(Rule::ClosedRstIgnored)]);
    state!(ep, Closed);
}

#[test]
fn test_closed_reopen_uses_isn_clock() {
    // §3.4.1: without a chosen ISN, the next connection's ISS comes from the clock, which ticks
    // every 4 µs (250 ticks a millisecond) since the last ISS was chosen.
    let mut ep = time_wait();
    ep.handle_timeout(at(TWO_MSL));
    state!(ep, Closed);
    settle(&mut ep);
    ep.call(Call::Connect, at(TWO_MSL)).unwrap();
    let iss = local(64_000 + 250 * TWO_MSL as u32);
    recv!(
        ep,
        [Segment {
            seq: iss,
            ..our_syn()
        }]
    );
    assert_eq!(ep.iss_base(), Some(iss));
}

#[test]
fn test_closed_set_next_isn_overrides_isn_clock() {
    let mut ep = time_wait();
    ep.handle_timeout(at(TWO_MSL));
    settle(&mut ep);
    ep.set_next_isn(5);
    ep.call(Call::Connect, at(TWO_MSL)).unwrap();
    recv!(
        ep,
        [Segment {
            seq: SeqNum(5),
            ..our_syn()
        }]
    );
}

// =====================================================================================
// LISTEN (§3.10.1 to §3.10.5, §3.10.7.2)
// =====================================================================================

#[test]
fn test_listen_user_calls_rejected() {
    let mut ep = listen();
    check_rejected(
        &mut ep,
        &[
            (Call::Listen, CallError::ConnectionExists),
            // Our LISTEN never names the remote socket.
            (Call::Send(10), CallError::RemoteUnspecified),
        ],
    );
}

#[test]
fn test_listen_open_active_sends_syn() {
    let mut ep = listen();
    assert_eq!(ep.call(Call::Connect, at(0)), Ok(()));
    state!(ep, SynSent);
    events!(
        ep,
        [change(State::Listen, State::SynSent, Rule::ListenToActive)]
    );
    recv!(ep, [our_syn()]);
    assert!(!ep.tcb().passive_open);
}

#[test]
fn test_listen_close_deletes_tcb() {
    let mut ep = listen();
    assert_eq!(ep.call(Call::Close, at(0)), Ok(()));
    state!(ep, Closed);
    events!(
        ep,
        [change(State::Listen, State::Closed, Rule::CloseInListen)]
    );
    recv!(ep, []);
}

#[test]
fn test_listen_abort_is_quiet() {
    let mut ep = listen();
    assert_eq!(ep.call(Call::Abort, at(0)), Ok(()));
    state!(ep, Closed);
    events!(ep, [change(State::Listen, State::Closed, Rule::AbortQuiet)]);
    recv!(ep, []);
}

#[test]
fn test_listen_syn_sends_syn_ack() {
    let mut ep = listen();
    send!(ep, peer_syn());
    state!(ep, SynReceived);
    events!(
        ep,
        [change(State::Listen, State::SynReceived, Rule::ListenSyn)]
    );
    // <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>
    recv!(ep, [our_syn_ack()]);
    let tcb = ep.tcb();
    assert_eq!(tcb.irs, remote(0));
    assert_eq!(tcb.rcv_nxt, remote(1));
    assert_eq!(tcb.snd_una, local(0));
    assert_eq!(tcb.snd_nxt, local(1));
    assert_eq!(tcb.snd_wnd, u32::from(REMOTE_WIN));
    assert!(tcb.passive_open);
    check_timer(&ep, Timer::Retransmission, Some(1000));
}

#[test]
fn test_listen_syn_with_data_acknowledges_only_the_syn() {
    let mut ep = listen();
    send!(
        ep,
        Segment {
            len: 20,
            ..peer_syn()
        }
    );
    state!(ep, SynReceived);
    // The data is not taken (so not acknowledged): the peer sends it again.
    recv!(ep, [our_syn_ack()]);
    assert_eq!(ep.received(), 0);
}

#[test]
fn test_listen_rst_ignored() {
    let mut ep = listen();
    send!(
        ep,
        Segment {
            flags: Flags::RST | Flags::SYN,
            ..peer_syn()
        }
    );
    state!(ep, Listen);
    events!(ep, [note(Rule::ListenRstIgnored)]);
    recv!(ep, []);
}

#[test]
fn test_listen_ack_gets_rst() {
    let mut ep = listen();
    send!(
        ep,
        Segment {
            ack: local(55),
            ..SEND_TEMPL
        }
    );
    state!(ep, Listen);
    events!(ep, [note(Rule::ListenAckGetsRst)]);
    // <SEQ=SEG.ACK><CTL=RST>
    recv!(ep, [rst(local(55))]);
}

#[test]
fn test_listen_syn_ack_gets_rst() {
    // The ACK check comes before the SYN check.
    let mut ep = listen();
    send!(ep, peer_syn_ack());
    state!(ep, Listen);
    events!(ep, [note(Rule::ListenAckGetsRst)]);
    recv!(ep, [rst(local(1))]);
}

#[test]
fn test_listen_fin_or_data_without_ack_dropped() {
    let mut ep = listen();
    send!(
        ep,
        Segment {
            flags: Flags::FIN,
            len: 10,
            ..SEND_TEMPL
        }
    );
    state!(ep, Listen);
    events!(ep, [note(Rule::ListenOther)]);
    recv!(ep, []);
}

// =====================================================================================
// SYN-SENT (§3.10.1 to §3.10.5, §3.10.7.3)
// =====================================================================================

#[test]
fn test_syn_sent_user_calls() {
    let mut ep = syn_sent();
    check_rejected(
        &mut ep,
        &[
            (Call::Listen, CallError::ConnectionExists),
            (Call::Connect, CallError::ConnectionExists),
        ],
    );
    // SEND is queued until ESTABLISHED.
    assert_eq!(ep.call(Call::Send(150), at(0)), Ok(()));
    state!(ep, SynSent);
    recv!(ep, []);
    events!(ep, []);
    assert_eq!(ep.tcb().unsent, 150);
}

#[test]
fn test_syn_sent_queued_data_goes_with_ack_of_syn_ack() {
    let mut ep = syn_sent();
    ep.call(Call::Send(150), at(0)).unwrap();
    send!(ep, peer_syn_ack());
    state!(ep, Established);
    // The data carries the ACK of the SYN,ACK; no separate ACK is sent.
    recv!(
        ep,
        [
            Segment {
                len: 100,
                ..RECV_TEMPL
            },
            Segment {
                seq: local(101),
                flags: Flags::ACK | Flags::PSH,
                len: 50,
                ..RECV_TEMPL
            }
        ]
    );
}

#[test]
fn test_syn_sent_close_deletes_tcb() {
    let mut ep = syn_sent();
    assert_eq!(ep.call(Call::Close, at(0)), Ok(()));
    state!(ep, Closed);
    events!(
        ep,
        [change(State::SynSent, State::Closed, Rule::CloseInSynSent)]
    );
    recv!(ep, []);
    assert_eq!(ep.poll_timeout(), None);
}

#[test]
fn test_syn_sent_abort_is_quiet() {
    let mut ep = syn_sent();
    assert_eq!(ep.call(Call::Abort, at(0)), Ok(()));
    state!(ep, Closed);
    events!(
        ep,
        [change(State::SynSent, State::Closed, Rule::AbortQuiet)]
    );
    recv!(ep, []);
    assert_eq!(ep.poll_timeout(), None);
}

#[test]
fn test_syn_sent_syn_ack() {
    let mut ep = syn_sent();
    send!(ep, peer_syn_ack());
    state!(ep, Established);
    events!(
        ep,
        [change(
            State::SynSent,
            State::Established,
            Rule::SynSentSynAck
        )]
    );
    // <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>
    recv!(ep, [RECV_TEMPL]);
    let tcb = ep.tcb();
    assert_eq!(tcb.irs, remote(0));
    assert_eq!(tcb.rcv_nxt, remote(1));
    assert_eq!(tcb.snd_una, local(1));
    assert_eq!(tcb.snd_wnd, u32::from(REMOTE_WIN));
    assert_eq!(tcb.rtx_queue_len, 0);
    check_timer(&ep, Timer::Retransmission, None);
}

#[test]
fn test_syn_sent_syn_ack_with_data() {
    let mut ep = syn_sent();
    send!(
        ep,
        Segment {
            len: 30,
            ..peer_syn_ack()
        }
    );
    state!(ep, Established);
    events!(
        ep,
        [
            change(State::SynSent, State::Established, Rule::SynSentSynAck),
            note(Rule::TextAccepted)
        ]
    );
    // One ACK covers the SYN and the data.
    recv!(
        ep,
        [Segment {
            ack: remote(31),
            ..RECV_TEMPL
        }]
    );
    assert_eq!(ep.received(), 30);
}

#[test]
fn test_syn_sent_syn_ack_with_fin() {
    let mut ep = syn_sent();
    send!(
        ep,
        Segment {
            flags: Flags::SYN | Flags::ACK | Flags::FIN,
            ..peer_syn_ack()
        }
    );
    state!(ep, CloseWait);
    events!(
        ep,
        [
            change(State::SynSent, State::Established, Rule::SynSentSynAck),
            signal(Signal::Closing),
            change(State::Established, State::CloseWait, Rule::FinReceived)
        ]
    );
    recv!(
        ep,
        [Segment {
            ack: remote(2),
            ..RECV_TEMPL
        }]
    );
}

#[test]
fn test_syn_sent_syn_simultaneous_open() {
    let mut ep = syn_sent();
    send!(ep, peer_syn());
    state!(ep, SynReceived);
    events!(
        ep,
        [change(
            State::SynSent,
            State::SynReceived,
            Rule::SynSentSimultaneous
        )]
    );
    // <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>
    recv!(ep, [our_syn_ack()]);
    assert!(!ep.tcb().passive_open);
    assert_eq!(ep.tcb().snd_wnd, u32::from(REMOTE_WIN));
}

#[test]
fn test_syn_sent_rst_with_acceptable_ack() {
    let mut ep = syn_sent();
    send!(
        ep,
        Segment {
            seq: SeqNum(0),
            ack: local(1),
            flags: Flags::RST | Flags::ACK,
            ..SEND_TEMPL
        }
    );
    state!(ep, Closed);
    events!(
        ep,
        [
            signal(Signal::Refused),
            change(State::SynSent, State::Closed, Rule::SynSentReset)
        ]
    );
    recv!(ep, []);
    assert_eq!(ep.poll_timeout(), None);
}

#[test]
fn test_syn_sent_rst_without_ack_dropped() {
    let mut ep = syn_sent();
    send!(
        ep,
        Segment {
            seq: remote(0),
            ack: SeqNum(0),
            flags: Flags::RST,
            ..SEND_TEMPL
        }
    );
    state!(ep, SynSent);
    events!(ep, [note(Rule::SynSentRstNoAck)]);
    recv!(ep, []);
}

#[test]
fn test_syn_sent_rst_with_bad_ack_dropped() {
    let mut ep = syn_sent();
    send!(
        ep,
        Segment {
            ack: local(5),
            flags: Flags::RST | Flags::ACK,
            ..SEND_TEMPL
        }
    );
    state!(ep, SynSent);
    events!(ep, [note(Rule::SynSentBadAckRst)]);
    recv!(ep, []);
}

#[test]
fn test_syn_sent_bad_ack_gets_rst() {
    // SEG.ACK =< ISS or SEG.ACK > SND.NXT: <SEQ=SEG.ACK><CTL=RST>, segment dropped.
    for bad in [local(0), local(2), local(0) - 1000] {
        let mut ep = syn_sent();
        send!(
            ep,
            Segment {
                ack: bad,
                ..peer_syn_ack()
            }
        );
        state!(ep, SynSent);
        events!(ep, [note(Rule::SynSentBadAck)]);
        recv!(ep, [rst(bad)]);
        assert_eq!(ep.tcb().irs, SeqNum(0), "IRS must not be learnt");
    }
}

#[test]
fn test_syn_sent_ack_without_syn_dropped() {
    let mut ep = syn_sent();
    send!(ep, SEND_TEMPL);
    state!(ep, SynSent);
    events!(ep, [note(Rule::SynSentNoSynNoRst)]);
    recv!(ep, []);
    // Still waiting for the SYN: the SYN stays queued.
    check_timer(&ep, Timer::Retransmission, Some(1000));
}

#[test]
fn test_syn_sent_fin_without_syn_dropped() {
    let mut ep = syn_sent();
    send!(
        ep,
        Segment {
            flags: Flags::FIN,
            ..SEND_TEMPL
        }
    );
    state!(ep, SynSent);
    events!(ep, [note(Rule::SynSentNoSynNoRst)]);
    recv!(ep, []);
}

#[test]
fn test_syn_sent_syn_retransmitted_with_backoff_then_times_out() {
    let mut ep = syn_sent();
    // 1 s, 2 s, 4 s, … after each (re)transmission; the SYN keeps its MSS option.
    let give_up = retransmit_until_give_up(&mut ep, 0, 1000, our_syn());
    // Seven retransmissions at 1, 3, 7, 15, 31, 63 and 127 s; the give-up waits one more
    // (capped) RTO: past the 3 minutes MUST-23 asks a SYN to be tried.
    assert_eq!(give_up, 127_000 + 120_000);
    assert!(give_up >= 180_000);
    ep.handle_timeout(at(give_up - 1));
    state!(ep, SynSent);
    ep.handle_timeout(at(give_up));
    state!(ep, Closed);
    events!(
        ep,
        [
            fired(Timer::Retransmission),
            signal(Signal::TimedOut),
            change(State::SynSent, State::Closed, Rule::RetransmitGiveUp)
        ]
    );
    recv!(ep, []);
    assert_eq!(ep.poll_timeout(), None);
}

#[test]
fn test_syn_sent_syn_ack_takes_first_rtt_sample() {
    let mut ep = syn_sent();
    send!(ep, time 400, peer_syn_ack());
    // RFC 6298 §2.2: SRTT <- R, RTTVAR <- R/2, RTO <- SRTT + max(G, 4*RTTVAR).
    assert_eq!(ep.tcb.srtt, Some(Duration(400)));
    assert_eq!(ep.tcb.rttvar, Duration(200));
    assert_eq!(ep.tcb().rto, Duration(1200));
}

#[test]
fn test_syn_sent_syn_ack_after_syn_timeout_sets_rto_3s() {
    let mut ep = syn_sent();
    ep.handle_timeout(at(1000));
    recv_rtx!(ep, [our_syn()]);
    settle(&mut ep);
    assert_eq!(ep.tcb().rto, Duration(2000));
    send!(ep, time 1500, peer_syn_ack());
    state!(ep, Established);
    // RFC 6298 §5.7: 3 s once data transmission begins; Karn: no sample from the
    // retransmitted SYN.
    assert_eq!(ep.tcb().rto, Duration::from_secs(3));
    assert_eq!(ep.tcb.srtt, None);
}

// =====================================================================================
// SYN-RECEIVED (§3.10.1 to §3.10.5, §3.10.7.4)
// =====================================================================================

#[test]
fn test_syn_received_user_calls() {
    let mut ep = syn_received_passive();
    check_rejected(
        &mut ep,
        &[
            (Call::Listen, CallError::ConnectionExists),
            (Call::Connect, CallError::ConnectionExists),
        ],
    );
    assert_eq!(ep.call(Call::Send(50), at(0)), Ok(()));
    state!(ep, SynReceived);
    recv!(ep, []);
    events!(ep, []);
}

#[test]
fn test_syn_received_queued_data_sent_on_established() {
    let mut ep = syn_received_passive();
    ep.call(Call::Send(50), at(0)).unwrap();
    send!(ep, SEND_TEMPL);
    state!(ep, Established);
    recv!(
        ep,
        [Segment {
            flags: Flags::ACK | Flags::PSH,
            len: 50,
            ..RECV_TEMPL
        }]
    );
}

#[test]
fn test_syn_received_ack() {
    let mut ep = syn_received_passive();
    send!(ep, SEND_TEMPL);
    state!(ep, Established);
    events!(
        ep,
        [change(
            State::SynReceived,
            State::Established,
            Rule::SynReceivedAck
        )]
    );
    recv!(ep, []);
    assert_eq!(ep.tcb().snd_una, local(1));
    assert_eq!(ep.tcb().rtx_queue_len, 0);
    check_timer(&ep, Timer::Retransmission, None);
}

#[test]
fn test_syn_received_ack_with_data() {
    let mut ep = syn_received_passive();
    send!(
        ep,
        Segment {
            len: 40,
            ..SEND_TEMPL
        }
    );
    state!(ep, Established);
    events!(
        ep,
        [
            change(State::SynReceived, State::Established, Rule::SynReceivedAck),
            note(Rule::TextAccepted)
        ]
    );
    recv!(
        ep,
        [Segment {
            ack: remote(41),
            ..RECV_TEMPL
        }]
    );
    assert_eq!(ep.received(), 40);
}

#[test]
fn test_syn_received_ack_with_fin() {
    let mut ep = syn_received_passive();
    send!(
        ep,
        Segment {
            flags: Flags::ACK | Flags::FIN,
            ..SEND_TEMPL
        }
    );
    state!(ep, CloseWait);
    events!(
        ep,
        [
            change(State::SynReceived, State::Established, Rule::SynReceivedAck),
            signal(Signal::Closing),
            change(State::Established, State::CloseWait, Rule::FinReceived)
        ]
    );
    recv!(
        ep,
        [Segment {
            ack: remote(2),
            ..RECV_TEMPL
        }]
    );
}

#[test]
fn test_syn_received_bad_ack_gets_rst() {
    // SND.UNA < SEG.ACK =< SND.NXT fails: <SEQ=SEG.ACK><CTL=RST>, state unchanged.
    for bad in [local(0), local(2)] {
        let mut ep = syn_received_passive();
        send!(
            ep,
            Segment {
                ack: bad,
                ..SEND_TEMPL
            }
        );
        state!(ep, SynReceived);
        events!(ep, [note(Rule::SynReceivedBadAck)]);
        recv!(ep, [rst(bad)]);
    }
}

#[test]
fn test_syn_received_segment_without_ack_dropped() {
    let mut ep = syn_received_passive();
    send!(
        ep,
        Segment {
            flags: Flags::FIN,
            len: 10,
            ..SEND_TEMPL
        }
    );
    state!(ep, SynReceived);
    events!(ep, [note(Rule::NoAckDropped)]);
    recv!(ep, []);
    assert_eq!(ep.received(), 0);
}

#[test]
fn test_syn_received_unacceptable_segment_gets_ack() {
    let mut ep = syn_received_passive();
    send!(
        ep,
        Segment {
            seq: remote(1 + u32::from(LOCAL_WIN)),
            len: 10,
            ..SEND_TEMPL
        }
    );
    state!(ep, SynReceived);
    events!(ep, [note(Rule::Unacceptable)]);
    recv!(ep, [RECV_TEMPL]);
}

#[test]
fn test_syn_received_retransmitted_syn_gets_ack() {
    // The peer's SYN again is old (SEG.SEQ < RCV.NXT): not acceptable, so an ACK answers it.
    let mut ep = syn_received_passive();
    send!(ep, peer_syn());
    state!(ep, SynReceived);
    events!(ep, [note(Rule::Unacceptable)]);
    recv!(ep, [RECV_TEMPL]);
}

#[test]
fn test_syn_received_syn_passive_returns_to_listen() {
    let mut ep = syn_received_passive();
    send!(
        ep,
        Segment {
            seq: remote(10),
            ..peer_syn()
        }
    );
    state!(ep, Listen);
    events!(
        ep,
        [change(
            State::SynReceived,
            State::Listen,
            Rule::SynSynReceivedPassive
        )]
    );
    recv!(ep, []);
    assert_eq!(ep.poll_timeout(), None);
}

#[test]
fn test_syn_received_rst_passive_returns_to_listen() {
    let mut ep = syn_received_passive();
    send!(
        ep,
        Segment {
            flags: Flags::RST,
            ..SEND_TEMPL
        }
    );
    state!(ep, Listen);
    // "The user need not be informed": no signal.
    events!(
        ep,
        [change(
            State::SynReceived,
            State::Listen,
            Rule::RstSynReceivedPassive
        )]
    );
    recv!(ep, []);
    // The retransmission queue is flushed.
    assert_eq!(ep.tcb().rtx_queue_len, 0);
    assert_eq!(ep.poll_timeout(), None);
    assert!(ep.tcb().passive_open);
    // And it listens again.
    send!(
        ep,
        Segment {
            seq: remote(500),
            ..peer_syn()
        }
    );
    state!(ep, SynReceived);
}

#[test]
fn test_syn_received_rst_outside_window_dropped() {
    let mut ep = syn_received_passive();
    send!(
        ep,
        Segment {
            seq: remote(1 + u32::from(LOCAL_WIN)),
            flags: Flags::RST,
            ..SEND_TEMPL
        }
    );
    state!(ep, SynReceived);
    events!(ep, [note(Rule::UnacceptableRst)]);
    recv!(ep, []);
}

#[test]
fn test_syn_received_rst_active_refused() {
    let mut ep = syn_received_active();
    send!(
        ep,
        Segment {
            flags: Flags::RST,
            ..SEND_TEMPL
        }
    );
    state!(ep, Closed);
    events!(
        ep,
        [
            signal(Signal::Refused),
            change(
                State::SynReceived,
                State::Closed,
                Rule::RstSynReceivedActive
            )
        ]
    );
    recv!(ep, []);
    assert_eq!(ep.poll_timeout(), None);
}

#[test]
fn test_syn_received_rst_not_at_rcv_nxt_gets_challenge_ack() {
    let mut ep = syn_received_passive();
    send!(
        ep,
        Segment {
            seq: remote(5),
            flags: Flags::RST,
            ..SEND_TEMPL
        }
    );
    state!(ep, SynReceived);
    events!(ep, [note(Rule::RstChallengeAck)]);
    recv!(ep, [RECV_TEMPL]);
}

#[test]
fn test_syn_received_rst_in_window_returns_to_listen_without_rfc5961() {
    let mut ep = without_rfc5961(syn_received_passive());
    send!(
        ep,
        Segment {
            seq: remote(5),
            flags: Flags::RST,
            ..SEND_TEMPL
        }
    );
    state!(ep, Listen);
    events!(
        ep,
        [change(
            State::SynReceived,
            State::Listen,
            Rule::RstSynReceivedPassive
        )]
    );
}

#[test]
fn test_syn_received_active_syn_ack_establishes() {
    // Figure 7: the peer's SYN,ACK repeats its SYN; only its ACK is new. No ACK is sent.
    let mut ep = syn_received_active();
    send!(ep, peer_syn_ack());
    state!(ep, Established);
    events!(
        ep,
        [
            note(Rule::SimultaneousSynAck),
            change(State::SynReceived, State::Established, Rule::SynReceivedAck)
        ]
    );
    recv!(ep, []);
    check_timer(&ep, Timer::Retransmission, None);
}

#[test]
fn test_syn_received_active_no_rtt_sample_from_syn_ack() {
    // Karn (RFC 6298 §3): the SYN,ACK sent ISS again, so its ACK may answer the first SYN.
    let mut ep = syn_sent();
    send!(ep, time 100, peer_syn());
    settle(&mut ep);
    send!(ep, time 150, peer_syn_ack());
    state!(ep, Established);
    assert_eq!(ep.tcb.srtt, None);
    assert_eq!(ep.tcb().rto, Duration::from_secs(1));
}

#[test]
fn test_syn_received_active_syn_gets_challenge_ack() {
    // After an active OPEN, a SYN is handled as in the synchronized states.
    let mut ep = syn_received_active();
    check_syn_challenge_ack(&mut ep, remote(1), local(1));
}

#[test]
fn test_syn_received_active_syn_resets_without_rfc5961() {
    let mut ep = without_rfc5961(syn_received_active());
    send!(
        ep,
        Segment {
            seq: remote(100),
            ..peer_syn()
        }
    );
    state!(ep, Closed);
    events!(
        ep,
        [
            signal(Signal::Reset),
            change(State::SynReceived, State::Closed, Rule::SynInWindowReset)
        ]
    );
    recv!(ep, [rst_ack(SeqNum(0), remote(101))]);
}

#[test]
fn test_syn_received_close_sends_fin() {
    let mut ep = syn_received_passive();
    assert_eq!(ep.call(Call::Close, at(0)), Ok(()));
    state!(ep, FinWait1);
    events!(
        ep,
        [change(
            State::SynReceived,
            State::FinWait1,
            Rule::CloseInSynReceived
        )]
    );
    recv!(
        ep,
        [Segment {
            flags: Flags::ACK | Flags::FIN,
            ..RECV_TEMPL
        }]
    );
    // The ACK of our SYN and FIN then completes both.
    send!(
        ep,
        Segment {
            ack: local(2),
            ..SEND_TEMPL
        }
    );
    state!(ep, FinWait2);
    events!(
        ep,
        [change(
            State::FinWait1,
            State::FinWait2,
            Rule::FinWait1FinAcked
        )]
    );
}

#[test]
fn test_syn_received_close_with_queued_data_waits_for_established() {
    let mut ep = syn_received_passive();
    ep.call(Call::Send(50), at(0)).unwrap();
    assert_eq!(ep.call(Call::Close, at(0)), Ok(()));
    // "Otherwise, queue for processing after entering ESTABLISHED state."
    state!(ep, SynReceived);
    events!(ep, [note(Rule::CloseDeferred)]);
    recv!(ep, []);
    send!(ep, SEND_TEMPL);
    state!(ep, FinWait1);
    events!(
        ep,
        [
            change(State::SynReceived, State::Established, Rule::SynReceivedAck),
            change(State::Established, State::FinWait1, Rule::CloseDeferredRuns)
        ]
    );
    // The FIN rides on the queued data.
    recv!(
        ep,
        [Segment {
            flags: Flags::ACK | Flags::PSH | Flags::FIN,
            len: 50,
            ..RECV_TEMPL
        }]
    );
}

#[test]
fn test_syn_received_abort_sends_rst() {
    let mut ep = syn_received_passive();
    assert_eq!(ep.call(Call::Abort, at(0)), Ok(()));
    state!(ep, Closed);
    events!(
        ep,
        [change(
            State::SynReceived,
            State::Closed,
            Rule::AbortWithRst
        )]
    );
    // <SEQ=SND.NXT><CTL=RST>
    recv!(ep, [rst(local(1))]);
    assert_eq!(ep.poll_timeout(), None);
}

#[test]
fn test_syn_received_syn_ack_retransmitted_then_back_to_listen() {
    let mut ep = syn_received_passive();
    let give_up = retransmit_until_give_up(&mut ep, 0, 1000, our_syn_ack());
    ep.handle_timeout(at(give_up));
    state!(ep, Listen);
    events!(
        ep,
        [
            fired(Timer::Retransmission),
            signal(Signal::TimedOut),
            change(
                State::SynReceived,
                State::Listen,
                Rule::RetransmitGiveUpListen
            )
        ]
    );
    recv!(ep, []);
    assert_eq!(ep.poll_timeout(), None);
}

#[test]
fn test_syn_received_active_syn_ack_retransmitted_then_times_out() {
    let mut ep = syn_received_active();
    let give_up = retransmit_until_give_up(&mut ep, 0, 1000, our_syn_ack());
    ep.handle_timeout(at(give_up));
    state!(ep, Closed);
    events!(
        ep,
        [
            fired(Timer::Retransmission),
            signal(Signal::TimedOut),
            change(State::SynReceived, State::Closed, Rule::RetransmitGiveUp)
        ]
    );
}

// =====================================================================================
// ESTABLISHED
// =====================================================================================

#[test]
fn test_established_user_calls_rejected() {
    let mut ep = established();
    check_rejected(
        &mut ep,
        &[
            (Call::Listen, CallError::ConnectionExists),
            (Call::Connect, CallError::ConnectionExists),
        ],
    );
}

#[test]
fn test_established_send_segments_by_mss() {
    let mut ep = established();
    assert_eq!(ep.call(Call::Send(250), at(0)), Ok(()));
    // Cut to the peer's MSS; PSH on the segment that empties the send buffer.
    recv!(
        ep,
        [
            Segment {
                len: 100,
                ..RECV_TEMPL
            },
            Segment {
                seq: local(101),
                len: 100,
                ..RECV_TEMPL
            },
            Segment {
                seq: local(201),
                flags: Flags::ACK | Flags::PSH,
                len: 50,
                ..RECV_TEMPL
            }
        ]
    );
    events!(ep, []);
    assert_eq!(ep.tcb().snd_nxt, local(251));
    assert_eq!(ep.tcb().rtx_queue_len, 3);
    check_timer(&ep, Timer::Retransmission, Some(1000));
}

#[test]
fn test_established_send_without_peer_mss_option_uses_536() {
    // §3.7.1: without the MSS option, assume 536.
    let mut ep = listen();
    send!(
        ep,
        Segment {
            mss: None,
            ..peer_syn()
        }
    );
    send!(ep, SEND_TEMPL);
    settle(&mut ep);
    ep.call(Call::Send(600), at(0)).unwrap();
    recv!(
        ep,
        [
            Segment {
                len: 536,
                ..RECV_TEMPL
            },
            Segment {
                seq: local(537),
                flags: Flags::ACK | Flags::PSH,
                len: 64,
                ..RECV_TEMPL
            }
        ]
    );
}

#[test]
fn test_established_send_limited_by_window() {
    let mut ep = established();
    send!(
        ep,
        Segment {
            window: 150,
            ..SEND_TEMPL
        }
    );
    assert_eq!(ep.tcb().snd_wnd, 150);
    ep.call(Call::Send(250), at(0)).unwrap();
    // 150 bytes fit; the last of them is not the end of the buffer, so no PSH.
    recv!(
        ep,
        [
            Segment {
                len: 100,
                ..RECV_TEMPL
            },
            Segment {
                seq: local(101),
                len: 50,
                ..RECV_TEMPL
            }
        ]
    );
    assert_eq!(ep.tcb().unsent, 100);
    // The first 100 acknowledged: the window slides and the rest goes.
    send!(
        ep,
        time 10,
        Segment {
            ack: local(101),
            window: 150,
            ..SEND_TEMPL
        }
    );
    events!(ep, [note(Rule::AckAdvances)]);
    recv!(
        ep,
        [Segment {
            seq: local(151),
            flags: Flags::ACK | Flags::PSH,
            len: 100,
            ..RECV_TEMPL
        }]
    );
}

#[test]
fn test_established_window_update_ignores_older_segment() {
    let mut ep = established();
    // Out-of-order data updates the window (SND.WL1 < SEG.SEQ) while it waits for the gap.
    send!(
        ep,
        Segment {
            seq: remote(101),
            len: 10,
            window: 300,
            ..SEND_TEMPL
        }
    );
    settle(&mut ep);
    assert_eq!(ep.tcb().snd_wnd, 300);
    // A segment with an older SEG.SEQ must not update it: SND.WL1 > SEG.SEQ.
    send!(
        ep,
        Segment {
            window: 900,
            ..SEND_TEMPL
        }
    );
    assert_eq!(ep.tcb().snd_wnd, 300);
    // A newer one does.
    send!(
        ep,
        Segment {
            seq: remote(101),
            window: 900,
            ..SEND_TEMPL
        }
    );
    assert_eq!(ep.tcb().snd_wnd, 900);
}

#[test]
fn test_established_close_sends_fin() {
    let mut ep = established();
    assert_eq!(ep.call(Call::Close, at(0)), Ok(()));
    state!(ep, FinWait1);
    events!(
        ep,
        [change(
            State::Established,
            State::FinWait1,
            Rule::CloseSendsFin
        )]
    );
    recv!(
        ep,
        [Segment {
            flags: Flags::ACK | Flags::FIN,
            ..RECV_TEMPL
        }]
    );
    assert_eq!(ep.tcb().snd_nxt, local(2));
    check_timer(&ep, Timer::Retransmission, Some(1000));
}

#[test]
fn test_established_close_with_unsent_data_sends_fin_on_last_segment() {
    let mut ep = established();
    send!(
        ep,
        Segment {
            window: 150,
            ..SEND_TEMPL
        }
    );
    ep.call(Call::Send(250), at(0)).unwrap();
    settle(&mut ep);
    ep.call(Call::Close, at(0)).unwrap();
    state!(ep, FinWait1);
    // The FIN waits behind the data the window holds back.
    recv!(ep, []);
    send!(
        ep,
        Segment {
            ack: local(101),
            window: 150,
            ..SEND_TEMPL
        }
    );
    recv!(
        ep,
        [Segment {
            seq: local(151),
            flags: Flags::ACK | Flags::PSH | Flags::FIN,
            len: 100,
            ..RECV_TEMPL
        }]
    );
    send!(
        ep,
        Segment {
            ack: local(252),
            window: 150,
            ..SEND_TEMPL
        }
    );
    state!(ep, FinWait2);
}

#[test]
fn test_established_abort_sends_rst() {
    let mut ep = established();
    send!(
        ep,
        Segment {
            window: 50,
            ..SEND_TEMPL
        }
    );
    ep.call(Call::Send(150), at(0)).unwrap();
    recv!(
        ep,
        [Segment {
            len: 50,
            ..RECV_TEMPL
        }]
    );
    assert_eq!(ep.call(Call::Abort, at(0)), Ok(()));
    state!(ep, Closed);
    events!(
        ep,
        [change(
            State::Established,
            State::Closed,
            Rule::AbortWithRst
        )]
    );
    // <SEQ=SND.NXT><CTL=RST>; the queued data is flushed, not sent.
    recv!(ep, [rst(local(51))]);
    assert_eq!(ep.poll_timeout(), None);
}

#[test]
fn test_established_crash_sends_nothing() {
    let mut ep = established();
    assert_eq!(ep.call(Call::Crash, at(0)), Ok(()));
    state!(ep, Closed);
    events!(ep, [change(State::Established, State::Closed, Rule::Crash)]);
    recv!(ep, []);
    // Half-open: the peer's next segment draws a RST.
    send!(
        ep,
        Segment {
            len: 10,
            ..SEND_TEMPL
        }
    );
    recv!(ep, [rst(local(1))]);
}

#[test]
fn test_established_data() {
    let mut ep = established();
    send!(
        ep,
        Segment {
            flags: Flags::ACK | Flags::PSH,
            len: 50,
            ..SEND_TEMPL
        }
    );
    events!(ep, [note(Rule::TextAccepted)]);
    recv!(
        ep,
        [Segment {
            ack: remote(51),
            ..RECV_TEMPL
        }]
    );
    assert_eq!(ep.received(), 50);
    assert_eq!(ep.tcb().rcv_nxt, remote(51));
}

#[test]
fn test_established_data_out_of_order_held_until_gap_fills() {
    let mut ep = established();
    send!(
        ep,
        Segment {
            seq: remote(51),
            len: 50,
            ..SEND_TEMPL
        }
    );
    // Held (SHLD-31); the ACK still names RCV.NXT.
    events!(ep, [note(Rule::TextQueued)]);
    recv!(ep, [RECV_TEMPL]);
    assert_eq!(ep.received(), 0);
    assert_eq!(ep.tcb().ooo_queue_len, 1);
    send!(
        ep,
        Segment {
            len: 50,
            ..SEND_TEMPL
        }
    );
    events!(ep, [note(Rule::TextAccepted)]);
    recv!(
        ep,
        [Segment {
            ack: remote(101),
            ..RECV_TEMPL
        }]
    );
    assert_eq!(ep.received(), 100);
    assert_eq!(ep.tcb().ooo_queue_len, 0);
}

#[test]
fn test_established_data_out_of_order_overlapping_held_segments() {
    let mut ep = established();
    for (seq, len) in [(201, 50), (101, 150), (51, 30)] {
        send!(
            ep,
            Segment {
                seq: remote(seq),
                len,
                ..SEND_TEMPL
            }
        );
        recv!(ep, [RECV_TEMPL]);
    }
    settle(&mut ep);
    // remote(81..101) is still missing.
    send!(
        ep,
        Segment {
            len: 80,
            ..SEND_TEMPL
        }
    );
    recv!(
        ep,
        [Segment {
            ack: remote(81),
            ..RECV_TEMPL
        }]
    );
    send!(
        ep,
        Segment {
            seq: remote(81),
            len: 20,
            ..SEND_TEMPL
        }
    );
    recv!(
        ep,
        [Segment {
            ack: remote(251),
            ..RECV_TEMPL
        }]
    );
    assert_eq!(ep.received(), 250);
    assert_eq!(ep.tcb().ooo_queue_len, 0);
}

#[test]
fn test_established_fin_held_until_gap_fills() {
    let mut ep = established();
    send!(
        ep,
        Segment {
            seq: remote(51),
            flags: Flags::ACK | Flags::FIN,
            len: 50,
            ..SEND_TEMPL
        }
    );
    state!(ep, Established);
    events!(ep, [note(Rule::TextQueued)]);
    recv!(ep, [RECV_TEMPL]);
    send!(
        ep,
        Segment {
            len: 50,
            ..SEND_TEMPL
        }
    );
    state!(ep, CloseWait);
    events!(
        ep,
        [
            note(Rule::TextAccepted),
            signal(Signal::Closing),
            change(State::Established, State::CloseWait, Rule::FinReceived)
        ]
    );
    recv!(
        ep,
        [Segment {
            ack: remote(102),
            ..RECV_TEMPL
        }]
    );
    assert_eq!(ep.received(), 100);
}

#[test]
fn test_established_bare_fin_held_until_gap_fills() {
    let mut ep = established();
    send!(
        ep,
        Segment {
            seq: remote(51),
            flags: Flags::ACK | Flags::FIN,
            ..SEND_TEMPL
        }
    );
    state!(ep, Established);
    events!(ep, [note(Rule::FinQueued)]);
    recv!(ep, [RECV_TEMPL]);
    send!(
        ep,
        Segment {
            len: 50,
            ..SEND_TEMPL
        }
    );
    state!(ep, CloseWait);
    recv!(
        ep,
        [Segment {
            ack: remote(52),
            ..RECV_TEMPL
        }]
    );
}

#[test]
fn test_established_fin() {
    let mut ep = established();
    send!(
        ep,
        Segment {
            flags: Flags::ACK | Flags::FIN,
            ..SEND_TEMPL
        }
    );
    state!(ep, CloseWait);
    events!(
        ep,
        [
            signal(Signal::Closing),
            change(State::Established, State::CloseWait, Rule::FinReceived)
        ]
    );
    recv!(
        ep,
        [Segment {
            ack: remote(2),
            ..RECV_TEMPL
        }]
    );
}

#[test]
fn test_established_data_with_fin() {
    let mut ep = established();
    send!(
        ep,
        Segment {
            flags: Flags::ACK | Flags::PSH | Flags::FIN,
            len: 50,
            ..SEND_TEMPL
        }
    );
    state!(ep, CloseWait);
    events!(
        ep,
        [
            note(Rule::TextAccepted),
            signal(Signal::Closing),
            change(State::Established, State::CloseWait, Rule::FinReceived)
        ]
    );
    recv!(
        ep,
        [Segment {
            ack: remote(52),
            ..RECV_TEMPL
        }]
    );
    assert_eq!(ep.received(), 50);
}

#[test]
fn test_established_rst() {
    let mut ep = established();
    ep.call(Call::Send(50), at(0)).unwrap();
    settle(&mut ep);
    send!(
        ep,
        Segment {
            flags: Flags::RST,
            ..SEND_TEMPL
        }
    );
    state!(ep, Closed);
    events!(
        ep,
        [
            signal(Signal::Reset),
            change(State::Established, State::Closed, Rule::RstReset)
        ]
    );
    recv!(ep, []);
    assert_eq!(ep.poll_timeout(), None);
}

#[test]
fn test_established_rst_in_window_gets_challenge_ack() {
    let mut ep = established();
    send!(
        ep,
        Segment {
            seq: remote(100),
            flags: Flags::RST,
            ..SEND_TEMPL
        }
    );
    state!(ep, Established);
    events!(ep, [note(Rule::RstChallengeAck)]);
    recv!(ep, [RECV_TEMPL]);
}

#[test]
fn test_established_rst_in_window_resets_without_rfc5961() {
    let mut ep = without_rfc5961(established());
    send!(
        ep,
        Segment {
            seq: remote(100),
            flags: Flags::RST,
            ..SEND_TEMPL
        }
    );
    state!(ep, Closed);
    events!(
        ep,
        [
            signal(Signal::Reset),
            change(State::Established, State::Closed, Rule::RstReset)
        ]
    );
    recv!(ep, []);
}

#[test]
fn test_established_rst_outside_window_dropped() {
    for seq in [remote(0), remote(1 + u32::from(LOCAL_WIN))] {
        for ep in [established(), without_rfc5961(established())] {
            let mut ep = ep;
            send!(
                ep,
                Segment {
                    seq,
                    flags: Flags::RST,
                    ..SEND_TEMPL
                }
            );
            state!(ep, Established);
            // Dropped silently: no ACK for a RST.
            events!(ep, [note(Rule::UnacceptableRst)]);
            recv!(ep, []);
        }
    }
}

#[test]
fn test_established_syn_gets_challenge_ack() {
    let mut ep = established();
    check_syn_challenge_ack(&mut ep, remote(1), local(1));
}

#[test]
fn test_established_retransmitted_syn_ack_gets_ack() {
    // Our ACK of the SYN,ACK was lost and the peer sends its SYN,ACK again: it is old, so the
    // sequence check answers it with the ACK the peer is missing.
    let mut ep = established();
    send!(ep, peer_syn_ack());
    state!(ep, Established);
    events!(ep, [note(Rule::Unacceptable)]);
    recv!(ep, [RECV_TEMPL]);
}

#[test]
fn test_established_syn_in_window_resets_without_rfc5961() {
    let mut ep = without_rfc5961(established());
    send!(
        ep,
        Segment {
            seq: remote(100),
            ..peer_syn()
        }
    );
    state!(ep, Closed);
    events!(
        ep,
        [
            signal(Signal::Reset),
            change(State::Established, State::Closed, Rule::SynInWindowReset)
        ]
    );
    recv!(ep, [rst_ack(SeqNum(0), remote(101))]);
}

#[test]
fn test_established_syn_outside_window_gets_ack() {
    // Without RFC 5961 the sequence check catches it first; with it, the same ACK goes out.
    for ep in [established(), without_rfc5961(established())] {
        let mut ep = ep;
        send!(ep, peer_syn());
        state!(ep, Established);
        events!(ep, [note(Rule::Unacceptable)]);
        recv!(ep, [RECV_TEMPL]);
    }
}

#[test]
fn test_established_ack_of_data() {
    let mut ep = established();
    ep.call(Call::Send(100), at(0)).unwrap();
    settle(&mut ep);
    send!(
        ep,
        time 100,
        Segment {
            ack: local(101),
            ..SEND_TEMPL
        }
    );
    events!(ep, [note(Rule::AckAdvances)]);
    recv!(ep, []);
    assert_eq!(ep.tcb().snd_una, local(101));
    assert_eq!(ep.tcb().rtx_queue_len, 0);
    // RFC 6298 §5.2: all outstanding data acknowledged, the timer stops.
    check_timer(&ep, Timer::Retransmission, None);
}

#[test]
fn test_established_partial_ack_restarts_timer_and_trims_queue() {
    let mut ep = established();
    ep.call(Call::Send(200), at(0)).unwrap();
    settle(&mut ep);
    send!(
        ep,
        time 100,
        Segment {
            ack: local(51),
            ..SEND_TEMPL
        }
    );
    events!(ep, [note(Rule::AckAdvances)]);
    // RFC 6298 §5.3: restarted for the current RTO.
    check_timer(&ep, Timer::Retransmission, Some(1100));
    ep.handle_timeout(at(1100));
    // Only what is still owed goes again.
    recv_rtx!(
        ep,
        [Segment {
            seq: local(51),
            len: 50,
            ..RECV_TEMPL
        }]
    );
}

#[test]
fn test_established_duplicate_ack_ignored() {
    let mut ep = established();
    ep.call(Call::Send(100), at(0)).unwrap();
    settle(&mut ep);
    send!(ep, SEND_TEMPL);
    events!(ep, [note(Rule::AckDuplicate)]);
    recv!(ep, []);
    assert_eq!(ep.tcb().snd_una, local(1));
    check_timer(&ep, Timer::Retransmission, Some(1000));
}

#[test]
fn test_established_ack_of_unsent_data_challenged() {
    let mut ep = established();
    send!(
        ep,
        Segment {
            ack: local(500),
            len: 10,
            ..SEND_TEMPL
        }
    );
    // RFC 5961 §5: outside SND.UNA-MAX.SND.WND .. SND.NXT: dropped, ACK sent.
    events!(ep, [note(Rule::AckOutsideRange)]);
    recv!(ep, [RECV_TEMPL]);
    assert_eq!(ep.received(), 0);
    assert_eq!(ep.tcb().snd_una, local(1));
}

#[test]
fn test_established_ack_of_unsent_data_without_rfc5961() {
    let mut ep = without_rfc5961(established());
    send!(
        ep,
        Segment {
            ack: local(500),
            len: 10,
            ..SEND_TEMPL
        }
    );
    // SEG.ACK > SND.NXT: send an ACK, drop the segment.
    events!(ep, [note(Rule::AckTooNew)]);
    recv!(ep, [RECV_TEMPL]);
    assert_eq!(ep.received(), 0);
}

#[test]
fn test_established_very_old_ack_dropped_with_rfc5961() {
    let mut ep = established();
    // Below SND.UNA - MAX.SND.WND.
    let old = local(1) - u32::from(REMOTE_WIN) - 1;
    send!(
        ep,
        Segment {
            ack: old,
            len: 10,
            ..SEND_TEMPL
        }
    );
    events!(ep, [note(Rule::AckOutsideRange)]);
    recv!(ep, [RECV_TEMPL]);
    assert_eq!(ep.received(), 0);
    // At the edge of the range it is a plain duplicate, and the data is taken.
    send!(
        ep,
        Segment {
            ack: old + 1,
            len: 10,
            ..SEND_TEMPL
        }
    );
    events!(ep, [note(Rule::TextAccepted)]);
    assert_eq!(ep.received(), 10);
}

#[test]
fn test_established_very_old_ack_ignored_without_rfc5961() {
    let mut ep = without_rfc5961(established());
    send!(
        ep,
        Segment {
            ack: local(1) - 5000,
            len: 10,
            ..SEND_TEMPL
        }
    );
    // A duplicate ACK "can be ignored"; the text is still processed.
    events!(ep, [note(Rule::TextAccepted)]);
    recv!(
        ep,
        [Segment {
            ack: remote(11),
            ..RECV_TEMPL
        }]
    );
}

#[test]
fn test_established_segment_without_ack_dropped() {
    let mut ep = established();
    send!(
        ep,
        Segment {
            flags: Flags::PSH,
            len: 10,
            ..SEND_TEMPL
        }
    );
    events!(ep, [note(Rule::NoAckDropped)]);
    recv!(ep, []);
    assert_eq!(ep.received(), 0);
}

#[test]
fn test_established_old_data_gets_ack() {
    let mut ep = established();
    send!(
        ep,
        Segment {
            len: 50,
            ..SEND_TEMPL
        }
    );
    settle(&mut ep);
    // The same segment again: wholly below RCV.NXT.
    send!(
        ep,
        Segment {
            len: 50,
            ..SEND_TEMPL
        }
    );
    events!(ep, [note(Rule::Unacceptable)]);
    recv!(
        ep,
        [Segment {
            ack: remote(51),
            ..RECV_TEMPL
        }]
    );
    assert_eq!(ep.received(), 50);
}

#[test]
fn test_established_data_beyond_window_gets_ack() {
    let mut ep = established();
    send!(
        ep,
        Segment {
            seq: remote(1 + u32::from(LOCAL_WIN)),
            len: 10,
            ..SEND_TEMPL
        }
    );
    events!(ep, [note(Rule::Unacceptable)]);
    recv!(ep, [RECV_TEMPL]);
    assert_eq!(ep.tcb().ooo_queue_len, 0);
}

#[test]
fn test_established_data_straddling_left_edge_trimmed() {
    let mut ep = established();
    send!(
        ep,
        Segment {
            len: 50,
            ..SEND_TEMPL
        }
    );
    settle(&mut ep);
    // 25 old bytes and 25 new ones: only the new part is processed.
    send!(
        ep,
        Segment {
            seq: remote(26),
            len: 50,
            ..SEND_TEMPL
        }
    );
    events!(ep, [note(Rule::TextAccepted)]);
    recv!(
        ep,
        [Segment {
            ack: remote(76),
            ..RECV_TEMPL
        }]
    );
    assert_eq!(ep.received(), 75);
}

#[test]
fn test_established_data_past_right_edge_trimmed() {
    let mut ep = established();
    // The data fills the window exactly, so the FIN would lie past it: trimmed off.
    send!(
        ep,
        Segment {
            flags: Flags::ACK | Flags::FIN,
            len: u32::from(LOCAL_WIN) + 200,
            ..SEND_TEMPL
        }
    );
    state!(ep, Established);
    events!(ep, [note(Rule::TextAccepted)]);
    recv!(
        ep,
        [Segment {
            ack: remote(1 + u32::from(LOCAL_WIN)),
            ..RECV_TEMPL
        }]
    );
    assert_eq!(ep.received(), u64::from(LOCAL_WIN));
}

#[test]
fn test_established_zero_receive_window_takes_only_the_ack() {
    let mut ep = established();
    ep.call(Call::Send(100), at(0)).unwrap();
    settle(&mut ep);
    ep.set_config(Config {
        window: 0,
        ..config()
    });
    // Data at RCV.NXT with RCV.WND = 0 is not acceptable, but its ACK is processed.
    send!(
        ep,
        Segment {
            ack: local(101),
            len: 10,
            ..SEND_TEMPL
        }
    );
    events!(ep, [note(Rule::ZeroWindowAckOnly), note(Rule::AckAdvances)]);
    recv!(
        ep,
        [Segment {
            seq: local(101),
            window: 0,
            ..RECV_TEMPL
        }]
    );
    assert_eq!(ep.received(), 0);
    assert_eq!(ep.tcb().snd_una, local(101));
    // A FIN is not taken either.
    send!(
        ep,
        Segment {
            ack: local(101),
            flags: Flags::ACK | Flags::FIN,
            ..SEND_TEMPL
        }
    );
    state!(ep, Established);
    // Beyond RCV.NXT nothing is acceptable.
    settle(&mut ep);
    send!(
        ep,
        Segment {
            seq: remote(2),
            ack: local(101),
            ..SEND_TEMPL
        }
    );
    events!(ep, [note(Rule::Unacceptable)]);
}

#[test]
fn test_established_retransmission_backoff_and_give_up() {
    let mut ep = established();
    ep.call(Call::Send(100), at(0)).unwrap();
    settle(&mut ep);
    let data = Segment {
        flags: Flags::ACK | Flags::PSH,
        len: 100,
        ..RECV_TEMPL
    };
    let give_up = retransmit_until_give_up(&mut ep, 0, 1000, data);
    ep.handle_timeout(at(give_up));
    state!(ep, Closed);
    events!(
        ep,
        [
            fired(Timer::Retransmission),
            signal(Signal::TimedOut),
            change(State::Established, State::Closed, Rule::RetransmitGiveUp)
        ]
    );
    recv!(ep, []);
}

#[test]
fn test_established_ack_resets_give_up_count() {
    let mut ep = established();
    ep.call(Call::Send(100), at(0)).unwrap();
    settle(&mut ep);
    for due in [1000, 3000, 7000] {
        ep.handle_timeout(at(due));
    }
    settle(&mut ep);
    assert_eq!(ep.tcb.retransmissions, 3);
    send!(
        ep,
        time 7100,
        Segment {
            ack: local(101),
            ..SEND_TEMPL
        }
    );
    assert_eq!(ep.tcb.retransmissions, 0);
}

#[test]
fn test_established_ack_updates_rtt_estimate() {
    let mut ep = syn_sent();
    send!(ep, time 400, peer_syn_ack());
    settle(&mut ep);
    // SRTT 400, RTTVAR 200, RTO 1200. Now R' = 600.
    ep.call(Call::Send(100), at(1000)).unwrap();
    settle(&mut ep);
    check_timer(&ep, Timer::Retransmission, Some(2200));
    send!(
        ep,
        time 1600,
        Segment {
            ack: local(101),
            ..SEND_TEMPL
        }
    );
    // RFC 6298 §2.3: RTTVAR <- 3/4 RTTVAR + 1/4 |SRTT - R'|, then SRTT <- 7/8 SRTT + 1/8 R'.
    assert_eq!(ep.tcb.rttvar, Duration(200));
    assert_eq!(ep.tcb.srtt, Some(Duration(425)));
    assert_eq!(ep.tcb().rto, Duration(425 + 4 * 200));
}

#[test]
fn test_established_rto_never_below_floor() {
    let mut ep = established();
    // The handshake's 0 ms sample computes an RTO of 1 ms: RFC 6298 §2.4 rounds it up to 1 s.
    assert_eq!(ep.tcb.srtt, Some(Duration(0)));
    assert_eq!(ep.tcb().rto, Duration::from_secs(1));
    ep.call(Call::Send(100), at(0)).unwrap();
    send!(
        ep,
        time 10,
        Segment {
            ack: local(101),
            ..SEND_TEMPL
        }
    );
    assert_eq!(ep.tcb().rto, Duration::from_secs(1));

    // A script that sets a smaller initial RTO lowers the floor to it.
    let mut ep = established_with(Config {
        rto: Duration(200),
        ..config()
    });
    ep.call(Call::Send(100), at(0)).unwrap();
    send!(
        ep,
        time 10,
        Segment {
            ack: local(101),
            ..SEND_TEMPL
        }
    );
    assert_eq!(ep.tcb().rto, Duration(200));
}

#[test]
fn test_established_no_rtt_sample_from_retransmitted_segment() {
    let mut ep = established();
    ep.call(Call::Send(100), at(0)).unwrap();
    ep.handle_timeout(at(1000));
    settle(&mut ep);
    send!(
        ep,
        time 1500,
        Segment {
            ack: local(101),
            ..SEND_TEMPL
        }
    );
    // Karn: no sample, and the backed-off RTO stays.
    assert_eq!(ep.tcb.srtt, Some(Duration(0)));
    assert_eq!(ep.tcb().rto, Duration(2000));
    // The next segment sent once gives a sample, and the RTO comes back down.
    ep.call(Call::Send(100), at(2000)).unwrap();
    send!(
        ep,
        time 2300,
        Segment {
            ack: local(201),
            ..SEND_TEMPL
        }
    );
    assert_eq!(ep.tcb.srtt, Some(Duration(300 / 8)));
    assert_eq!(ep.tcb().rto, Duration::from_secs(1));
}

#[test]
fn test_established_zero_window_probed_after_rto() {
    let mut ep = established();
    send!(
        ep,
        Segment {
            window: 0,
            ..SEND_TEMPL
        }
    );
    ep.call(Call::Send(50), at(0)).unwrap();
    // SHLD-29: nothing goes until the zero window has lasted one RTO. The persist timer
    // waits for that; the retransmission timer has nothing to watch.
    recv!(ep, []);
    check_timer(&ep, Timer::Persist, Some(1000));
    check_timer(&ep, Timer::Retransmission, None);
    ep.handle_timeout(at(999));
    recv!(ep, []);
    ep.handle_timeout(at(1000));
    let probe = Segment {
        len: 1,
        ..RECV_TEMPL
    };
    recv!(ep, [probe]);
    events!(ep, [fired(Timer::Persist), note(Rule::ZeroWindowProbe)]);
    // The probe is outstanding data: the retransmission timer sends it again.
    check_timer(&ep, Timer::Persist, None);
    check_timer(&ep, Timer::Retransmission, Some(2000));
    // SHLD-30: later probes back off exponentially. The peer answers each with a zero window,
    // so however many there are, the connection stays open (MUST-37).
    let mut now = 1000;
    let mut rto = 1000;
    for _ in 0..ep.config.retries + 4 {
        now += rto;
        rto = (rto * 2).min(ep.config.rto_max.0);
        ep.handle_timeout(at(now));
        recv_rtx!(ep, [probe]);
        send!(
            ep,
            time now,
            Segment {
                window: 0,
                ..SEND_TEMPL
            }
        );
        recv!(ep, []);
        settle(&mut ep);
        state!(ep, Established);
    }
    // The window opens and the peer takes the probe's octet: the rest follows.
    send!(
        ep,
        time now,
        Segment {
            ack: local(2),
            ..SEND_TEMPL
        }
    );
    recv!(
        ep,
        [Segment {
            seq: local(2),
            flags: Flags::ACK | Flags::PSH,
            len: 49,
            ..RECV_TEMPL
        }]
    );
}

#[test]
fn test_established_zero_window_probe_is_announced_as_persist() {
    let mut ep = established();
    send!(
        ep,
        Segment {
            window: 0,
            ..SEND_TEMPL
        }
    );
    ep.call(Call::Send(50), at(0)).unwrap();
    settle(&mut ep);
    assert_eq!(ep.poll_timeout(), Some(at(1000)));
    ep.handle_timeout(at(1000));
    events!(ep, [fired(Timer::Persist), note(Rule::ZeroWindowProbe)]);
    settle(&mut ep);
    // The probe's own retransmission is the retransmission timer's work.
    ep.handle_timeout(at(2000));
    events!(ep, [fired(Timer::Retransmission), note(Rule::Retransmit)]);
}

#[test]
fn test_established_zero_window_probes_unanswered_give_up() {
    let mut ep = established();
    send!(
        ep,
        Segment {
            window: 0,
            ..SEND_TEMPL
        }
    );
    ep.call(Call::Send(50), at(0)).unwrap();
    ep.handle_timeout(at(1000));
    let probe = Segment {
        len: 1,
        ..RECV_TEMPL
    };
    recv!(ep, [probe]);
    settle(&mut ep);
    let give_up = retransmit_until_give_up(&mut ep, 1000, 1000, probe);
    ep.handle_timeout(at(give_up));
    state!(ep, Closed);
    events!(
        ep,
        [
            fired(Timer::Retransmission),
            signal(Signal::TimedOut),
            change(State::Established, State::Closed, Rule::RetransmitGiveUp)
        ]
    );
}

#[test]
fn test_established_window_opening_before_probe_cancels_it() {
    let mut ep = established();
    send!(
        ep,
        Segment {
            window: 0,
            ..SEND_TEMPL
        }
    );
    ep.call(Call::Send(50), at(0)).unwrap();
    recv!(ep, []);
    send!(
        ep,
        time 500,
        Segment {
            window: 100,
            ..SEND_TEMPL
        }
    );
    recv!(
        ep,
        [Segment {
            flags: Flags::ACK | Flags::PSH,
            len: 50,
            ..RECV_TEMPL
        }]
    );
    // The retransmission timer runs from the data, not from the persist timer.
    check_timer(&ep, Timer::Retransmission, Some(1500));
}

fn keepalive_config() -> Config {
    Config {
        keepalive: Some(Duration::from_secs(10)),
        keepalive_interval: Duration::from_secs(1),
        keepalive_probes: 3,
        ..config()
    }
}

#[test]
fn test_established_keepalive_off_by_default() {
    // MUST-25.
    let ep = established();
    assert_eq!(ep.poll_timeout(), None);
}

#[test]
fn test_established_keepalive_probes_then_give_up() {
    let mut ep = established_with(keepalive_config());
    check_timer(&ep, Timer::Keepalive, Some(10_000));
    ep.handle_timeout(at(9_999));
    recv!(ep, []);
    // <SEQ=SND.NXT-1><ACK=RCV.NXT><CTL=ACK>: old to the peer, which must answer.
    let probe = Segment {
        seq: local(0),
        ..RECV_TEMPL
    };
    for now in [10_000, 11_000, 12_000] {
        ep.handle_timeout(at(now));
        recv!(ep, [probe]);
        events!(ep, [fired(Timer::Keepalive), note(Rule::KeepaliveProbe)]);
        check_timer(&ep, Timer::Keepalive, Some(now + 1000));
    }
    ep.handle_timeout(at(13_000));
    state!(ep, Closed);
    events!(
        ep,
        [
            fired(Timer::Keepalive),
            signal(Signal::TimedOut),
            change(State::Established, State::Closed, Rule::KeepaliveGiveUp)
        ]
    );
    recv!(ep, []);
}

#[test]
fn test_established_keepalive_answered_restarts_idle_timer() {
    let mut ep = established_with(keepalive_config());
    ep.handle_timeout(at(10_000));
    ep.handle_timeout(at(11_000));
    settle(&mut ep);
    send!(ep, time 11_500, SEND_TEMPL);
    recv!(ep, []);
    check_timer(&ep, Timer::Keepalive, Some(21_500));
    assert_eq!(ep.tcb.keepalive_probes_sent, 0);
}

#[test]
fn test_established_keepalive_waits_while_data_outstanding() {
    // MUST-26: no keep-alive while sent data is outstanding.
    let mut ep = established_with(keepalive_config());
    ep.call(Call::Send(100), at(9_500)).unwrap();
    settle(&mut ep);
    ep.handle_timeout(at(10_000));
    recv!(ep, []);
    events!(ep, [fired(Timer::Keepalive)]);
    check_timer(&ep, Timer::Keepalive, Some(20_000));
    send!(
        ep,
        time 10_200,
        Segment {
            ack: local(101),
            ..SEND_TEMPL
        }
    );
    settle(&mut ep);
    check_timer(&ep, Timer::Keepalive, Some(20_200));
    ep.handle_timeout(at(20_200));
    recv!(
        ep,
        [Segment {
            seq: local(100),
            ..RECV_TEMPL
        }]
    );
}

// =====================================================================================
// FIN-WAIT-1
// =====================================================================================

#[test]
fn test_fin_wait_1_user_calls_rejected() {
    let mut ep = fin_wait_1();
    check_rejected(
        &mut ep,
        &[
            (Call::Listen, CallError::ConnectionExists),
            (Call::Connect, CallError::ConnectionExists),
            (Call::Send(10), CallError::ConnectionClosing),
            // §3.10.4: "strictly speaking, this is an error"; no second FIN.
            (Call::Close, CallError::ConnectionClosing),
        ],
    );
}

#[test]
fn test_fin_wait_1_abort_sends_rst() {
    let mut ep = fin_wait_1();
    assert_eq!(ep.call(Call::Abort, at(0)), Ok(()));
    state!(ep, Closed);
    events!(
        ep,
        [change(State::FinWait1, State::Closed, Rule::AbortWithRst)]
    );
    recv!(ep, [rst(local(2))]);
    assert_eq!(ep.poll_timeout(), None);
}

#[test]
fn test_fin_wait_1_ack_of_fin() {
    let mut ep = fin_wait_1();
    send!(
        ep,
        Segment {
            ack: local(2),
            ..SEND_TEMPL
        }
    );
    state!(ep, FinWait2);
    events!(
        ep,
        [change(
            State::FinWait1,
            State::FinWait2,
            Rule::FinWait1FinAcked
        )]
    );
    recv!(ep, []);
    check_timer(&ep, Timer::Retransmission, None);
}

#[test]
fn test_fin_wait_1_ack_of_data_only() {
    let mut ep = established();
    ep.call(Call::Send(50), at(0)).unwrap();
    ep.call(Call::Close, at(0)).unwrap();
    settle(&mut ep);
    send!(
        ep,
        Segment {
            ack: local(51),
            ..SEND_TEMPL
        }
    );
    state!(ep, FinWait1);
    events!(ep, [note(Rule::AckAdvances)]);
    send!(
        ep,
        Segment {
            ack: local(52),
            ..SEND_TEMPL
        }
    );
    state!(ep, FinWait2);
}

#[test]
fn test_fin_wait_1_fin_goes_to_closing() {
    let mut ep = fin_wait_1();
    send!(
        ep,
        Segment {
            flags: Flags::ACK | Flags::FIN,
            ..SEND_TEMPL
        }
    );
    state!(ep, Closing);
    events!(
        ep,
        [
            signal(Signal::Closing),
            change(State::FinWait1, State::Closing, Rule::FinInFinWait1)
        ]
    );
    recv!(
        ep,
        [Segment {
            seq: local(2),
            ack: remote(2),
            ..RECV_TEMPL
        }]
    );
    // Our FIN is still owed.
    check_timer(&ep, Timer::Retransmission, Some(1000));
}

#[test]
fn test_fin_wait_1_fin_ack_goes_to_time_wait() {
    let mut ep = fin_wait_1();
    send!(
        ep,
        Segment {
            ack: local(2),
            flags: Flags::ACK | Flags::FIN,
            ..SEND_TEMPL
        }
    );
    state!(ep, TimeWait);
    events!(
        ep,
        [
            signal(Signal::Closing),
            change(State::FinWait1, State::TimeWait, Rule::FinAckInFinWait1)
        ]
    );
    recv!(
        ep,
        [Segment {
            seq: local(2),
            ack: remote(2),
            ..RECV_TEMPL
        }]
    );
    // The time-wait timer starts; the other timers stop.
    check_timer(&ep, Timer::TimeWait, Some(TWO_MSL));
    check_timer(&ep, Timer::Retransmission, None);
}

#[test]
fn test_fin_wait_1_data() {
    let mut ep = fin_wait_1();
    send!(
        ep,
        Segment {
            len: 30,
            ..SEND_TEMPL
        }
    );
    state!(ep, FinWait1);
    events!(ep, [note(Rule::TextAccepted)]);
    recv!(
        ep,
        [Segment {
            seq: local(2),
            ack: remote(31),
            ..RECV_TEMPL
        }]
    );
    assert_eq!(ep.received(), 30);
}

#[test]
fn test_fin_wait_1_rst() {
    let mut ep = fin_wait_1();
    send!(
        ep,
        Segment {
            flags: Flags::RST,
            ..SEND_TEMPL
        }
    );
    state!(ep, Closed);
    events!(
        ep,
        [
            signal(Signal::Reset),
            change(State::FinWait1, State::Closed, Rule::RstReset)
        ]
    );
    recv!(ep, []);
}

#[test]
fn test_fin_wait_1_syn_gets_challenge_ack() {
    let mut ep = fin_wait_1();
    check_syn_challenge_ack(&mut ep, remote(1), local(2));
}

#[test]
fn test_fin_wait_1_fin_retransmitted() {
    let mut ep = fin_wait_1();
    ep.handle_timeout(at(1000));
    recv_rtx!(
        ep,
        [Segment {
            flags: Flags::ACK | Flags::FIN,
            ..RECV_TEMPL
        }]
    );
    events!(ep, [fired(Timer::Retransmission), note(Rule::Retransmit)]);
    check_timer(&ep, Timer::Retransmission, Some(3000));
}

#[test]
fn test_fin_wait_1_peer_fin_before_queued_data_sent() {
    // CLOSE queued the FIN behind data the window holds back; the peer's FIN comes first.
    let mut ep = established();
    send!(
        ep,
        Segment {
            window: 100,
            ..SEND_TEMPL
        }
    );
    ep.call(Call::Send(250), at(0)).unwrap();
    ep.call(Call::Close, at(0)).unwrap();
    settle(&mut ep);
    send!(
        ep,
        Segment {
            flags: Flags::ACK | Flags::FIN,
            window: 100,
            ..SEND_TEMPL
        }
    );
    state!(ep, Closing);
    recv!(
        ep,
        [Segment {
            seq: local(101),
            ack: remote(2),
            ..RECV_TEMPL
        }]
    );
    // CLOSING still sends what CLOSE queued: the data, then the FIN.
    let peer_ack = |ack: u32| Segment {
        seq: remote(2),
        ack: local(ack),
        window: 100,
        ..SEND_TEMPL
    };
    let ours = |seq: u32| Segment {
        seq: local(seq),
        ack: remote(2),
        ..RECV_TEMPL
    };
    send!(ep, peer_ack(101));
    recv!(
        ep,
        [Segment {
            len: 100,
            ..ours(101)
        }]
    );
    send!(ep, peer_ack(201));
    recv!(
        ep,
        [Segment {
            flags: Flags::ACK | Flags::PSH | Flags::FIN,
            len: 50,
            ..ours(201)
        }]
    );
    settle(&mut ep);
    send!(ep, peer_ack(252));
    state!(ep, TimeWait);
    events!(
        ep,
        [
            note(Rule::AckAdvances),
            change(State::Closing, State::TimeWait, Rule::ClosingFinAcked)
        ]
    );
}

// =====================================================================================
// FIN-WAIT-2
// =====================================================================================

#[test]
fn test_fin_wait_2_user_calls_rejected() {
    let mut ep = fin_wait_2();
    check_rejected(
        &mut ep,
        &[
            (Call::Listen, CallError::ConnectionExists),
            (Call::Connect, CallError::ConnectionExists),
            (Call::Send(10), CallError::ConnectionClosing),
            (Call::Close, CallError::ConnectionClosing),
        ],
    );
}

#[test]
fn test_fin_wait_2_abort_sends_rst() {
    let mut ep = fin_wait_2();
    assert_eq!(ep.call(Call::Abort, at(0)), Ok(()));
    state!(ep, Closed);
    events!(
        ep,
        [change(State::FinWait2, State::Closed, Rule::AbortWithRst)]
    );
    recv!(ep, [rst(local(2))]);
}

#[test]
fn test_fin_wait_2_fin() {
    let mut ep = fin_wait_2();
    send!(
        ep,
        time 500,
        Segment {
            ack: local(2),
            flags: Flags::ACK | Flags::FIN,
            ..SEND_TEMPL
        }
    );
    state!(ep, TimeWait);
    events!(
        ep,
        [
            signal(Signal::Closing),
            change(State::FinWait2, State::TimeWait, Rule::FinInFinWait2)
        ]
    );
    recv!(
        ep,
        [Segment {
            seq: local(2),
            ack: remote(2),
            ..RECV_TEMPL
        }]
    );
    check_timer(&ep, Timer::TimeWait, Some(500 + TWO_MSL));
}

/// FIN-WAIT-2 under Linux's timers (`tcp_fin_timeout`), at t=0.
fn fin_wait_2_linux() -> Endpoint {
    let mut config = config();
    config.set_profile(Profile::Linux);
    let mut ep = established_with(config);
    ep.call(Call::Close, at(0)).unwrap();
    send!(
        ep,
        Segment {
            ack: local(2),
            ..SEND_TEMPL
        }
    );
    settle(&mut ep);
    state!(ep, FinWait2);
    ep
}

#[test]
fn test_fin_wait_2_linux_fin_timeout_fires_its_own_timer() {
    let mut ep = fin_wait_2_linux();
    check_timer(&ep, Timer::FinWait2, Some(60_000));
    check_timer(&ep, Timer::TimeWait, None);
    ep.handle_timeout(at(59_999));
    events!(ep, []);
    ep.handle_timeout(at(60_000));
    state!(ep, Closed);
    events!(
        ep,
        [
            fired(Timer::FinWait2),
            change(State::FinWait2, State::Closed, Rule::LinuxFinWait2Timeout)
        ]
    );
    recv!(ep, []);
    assert_eq!(ep.poll_timeout(), None);
}

#[test]
fn test_fin_wait_2_linux_fin_stops_fin_timeout_and_starts_time_wait() {
    let mut ep = fin_wait_2_linux();
    send!(
        ep,
        time 500,
        Segment {
            ack: local(2),
            flags: Flags::ACK | Flags::FIN,
            ..SEND_TEMPL
        }
    );
    state!(ep, TimeWait);
    settle(&mut ep);
    check_timer(&ep, Timer::FinWait2, None);
    check_timer(&ep, Timer::TimeWait, Some(60_500));
    // Where the FIN-WAIT-2 timeout would have been, nothing happens.
    ep.handle_timeout(at(60_000));
    state!(ep, TimeWait);
    events!(ep, []);
    ep.handle_timeout(at(60_500));
    events!(
        ep,
        [
            fired(Timer::TimeWait),
            change(State::TimeWait, State::Closed, Rule::LinuxTimeWaitExpired)
        ]
    );
}

#[test]
fn test_fin_wait_2_rfc_profile_switch_stops_fin_timeout() {
    let mut ep = fin_wait_2_linux();
    let mut rfc = ep.config().clone();
    rfc.set_profile(Profile::Rfc);
    ep.set_config(rfc);
    check_timer(&ep, Timer::FinWait2, None);
    assert_eq!(ep.poll_timeout(), None);
}

#[test]
fn test_fin_wait_2_data() {
    // Half-close: the peer may still send.
    let mut ep = fin_wait_2();
    send!(
        ep,
        Segment {
            ack: local(2),
            len: 30,
            ..SEND_TEMPL
        }
    );
    state!(ep, FinWait2);
    events!(ep, [note(Rule::TextAccepted)]);
    recv!(
        ep,
        [Segment {
            seq: local(2),
            ack: remote(31),
            ..RECV_TEMPL
        }]
    );
    assert_eq!(ep.received(), 30);
}

#[test]
fn test_fin_wait_2_rst() {
    let mut ep = fin_wait_2();
    send!(
        ep,
        Segment {
            flags: Flags::RST,
            ..SEND_TEMPL
        }
    );
    state!(ep, Closed);
    events!(
        ep,
        [
            signal(Signal::Reset),
            change(State::FinWait2, State::Closed, Rule::RstReset)
        ]
    );
}

#[test]
fn test_fin_wait_2_syn_gets_challenge_ack() {
    let mut ep = fin_wait_2();
    check_syn_challenge_ack(&mut ep, remote(1), local(2));
}

#[test]
fn test_fin_wait_2_ack_changes_nothing() {
    let mut ep = fin_wait_2();
    send!(
        ep,
        Segment {
            ack: local(2),
            ..SEND_TEMPL
        }
    );
    state!(ep, FinWait2);
    events!(ep, []);
    recv!(ep, []);
}

#[test]
fn test_fin_wait_2_has_no_timer() {
    // RFC 9293 has no FIN-WAIT-2 timeout: it waits for the peer's FIN.
    let ep = fin_wait_2();
    assert_eq!(ep.poll_timeout(), None);
}

// =====================================================================================
// CLOSE-WAIT
// =====================================================================================

#[test]
fn test_close_wait_user_calls() {
    let mut ep = close_wait();
    check_rejected(
        &mut ep,
        &[
            (Call::Listen, CallError::ConnectionExists),
            (Call::Connect, CallError::ConnectionExists),
        ],
    );
    // Data still flows our way.
    assert_eq!(ep.call(Call::Send(50), at(0)), Ok(()));
    recv!(
        ep,
        [Segment {
            ack: remote(2),
            flags: Flags::ACK | Flags::PSH,
            len: 50,
            ..RECV_TEMPL
        }]
    );
    state!(ep, CloseWait);
}

#[test]
fn test_close_wait_close_sends_fin() {
    let mut ep = close_wait();
    assert_eq!(ep.call(Call::Close, at(0)), Ok(()));
    state!(ep, LastAck);
    events!(
        ep,
        [change(
            State::CloseWait,
            State::LastAck,
            Rule::CloseInCloseWait
        )]
    );
    recv!(
        ep,
        [Segment {
            ack: remote(2),
            flags: Flags::ACK | Flags::FIN,
            ..RECV_TEMPL
        }]
    );
}

#[test]
fn test_close_wait_abort_sends_rst() {
    let mut ep = close_wait();
    assert_eq!(ep.call(Call::Abort, at(0)), Ok(()));
    state!(ep, Closed);
    events!(
        ep,
        [change(State::CloseWait, State::Closed, Rule::AbortWithRst)]
    );
    recv!(ep, [rst(local(1))]);
}

#[test]
fn test_close_wait_retransmitted_fin_gets_ack() {
    let mut ep = close_wait();
    send!(
        ep,
        Segment {
            flags: Flags::ACK | Flags::FIN,
            ..SEND_TEMPL
        }
    );
    state!(ep, CloseWait);
    events!(ep, [note(Rule::Unacceptable)]);
    recv!(
        ep,
        [Segment {
            ack: remote(2),
            ..RECV_TEMPL
        }]
    );
}

#[test]
fn test_close_wait_data_after_fin_ignored() {
    let mut ep = close_wait();
    send!(
        ep,
        Segment {
            seq: remote(2),
            len: 10,
            ..SEND_TEMPL
        }
    );
    state!(ep, CloseWait);
    events!(ep, [note(Rule::TextIgnored)]);
    recv!(ep, []);
    assert_eq!(ep.received(), 0);
}

#[test]
fn test_close_wait_ack_of_data() {
    let mut ep = close_wait();
    ep.call(Call::Send(50), at(0)).unwrap();
    settle(&mut ep);
    send!(
        ep,
        Segment {
            seq: remote(2),
            ack: local(51),
            ..SEND_TEMPL
        }
    );
    events!(ep, [note(Rule::AckAdvances)]);
    check_timer(&ep, Timer::Retransmission, None);
}

#[test]
fn test_close_wait_rst() {
    let mut ep = close_wait();
    send!(
        ep,
        Segment {
            seq: remote(2),
            flags: Flags::RST,
            ..SEND_TEMPL
        }
    );
    state!(ep, Closed);
    events!(
        ep,
        [
            signal(Signal::Reset),
            change(State::CloseWait, State::Closed, Rule::RstReset)
        ]
    );
}

#[test]
fn test_close_wait_data_retransmitted_with_backoff() {
    let mut ep = close_wait();
    ep.call(Call::Send(50), at(0)).unwrap();
    settle(&mut ep);
    let data = Segment {
        ack: remote(2),
        flags: Flags::ACK | Flags::PSH,
        len: 50,
        ..RECV_TEMPL
    };
    let give_up = retransmit_until_give_up(&mut ep, 0, 1000, data);
    ep.handle_timeout(at(give_up));
    state!(ep, Closed);
    events!(
        ep,
        [
            fired(Timer::Retransmission),
            signal(Signal::TimedOut),
            change(State::CloseWait, State::Closed, Rule::RetransmitGiveUp)
        ]
    );
}

#[test]
fn test_close_wait_syn_gets_challenge_ack() {
    let mut ep = close_wait();
    check_syn_challenge_ack(&mut ep, remote(2), local(1));
}

// =====================================================================================
// CLOSING
// =====================================================================================

#[test]
fn test_closing_user_calls_rejected() {
    let mut ep = closing();
    check_rejected(
        &mut ep,
        &[
            (Call::Listen, CallError::ConnectionExists),
            (Call::Connect, CallError::ConnectionExists),
            (Call::Send(10), CallError::ConnectionClosing),
            (Call::Close, CallError::ConnectionClosing),
        ],
    );
}

#[test]
fn test_closing_abort_is_quiet() {
    let mut ep = closing();
    assert_eq!(ep.call(Call::Abort, at(0)), Ok(()));
    state!(ep, Closed);
    events!(
        ep,
        [change(State::Closing, State::Closed, Rule::AbortQuiet)]
    );
    recv!(ep, []);
    assert_eq!(ep.poll_timeout(), None);
}

#[test]
fn test_closing_ack_of_fin() {
    let mut ep = closing();
    send!(
        ep,
        time 300,
        Segment {
            seq: remote(2),
            ack: local(2),
            ..SEND_TEMPL
        }
    );
    state!(ep, TimeWait);
    events!(
        ep,
        [change(
            State::Closing,
            State::TimeWait,
            Rule::ClosingFinAcked
        )]
    );
    recv!(ep, []);
    check_timer(&ep, Timer::TimeWait, Some(300 + TWO_MSL));
    check_timer(&ep, Timer::Retransmission, None);
}

#[test]
fn test_closing_ack_not_of_fin_ignored() {
    let mut ep = closing();
    send!(
        ep,
        Segment {
            seq: remote(2),
            ..SEND_TEMPL
        }
    );
    state!(ep, Closing);
    events!(ep, [note(Rule::AckDuplicate)]);
    recv!(ep, []);
}

#[test]
fn test_closing_rst() {
    let mut ep = closing();
    send!(
        ep,
        Segment {
            seq: remote(2),
            flags: Flags::RST,
            ..SEND_TEMPL
        }
    );
    state!(ep, Closed);
    // No "connection reset" signal in CLOSING, LAST-ACK and TIME-WAIT.
    events!(
        ep,
        [change(
            State::Closing,
            State::Closed,
            Rule::RstInClosingStates
        )]
    );
    recv!(ep, []);
}

#[test]
fn test_closing_retransmitted_fin_gets_ack() {
    let mut ep = closing();
    send!(
        ep,
        Segment {
            flags: Flags::ACK | Flags::FIN,
            ..SEND_TEMPL
        }
    );
    state!(ep, Closing);
    events!(ep, [note(Rule::Unacceptable)]);
    recv!(
        ep,
        [Segment {
            seq: local(2),
            ack: remote(2),
            ..RECV_TEMPL
        }]
    );
}

#[test]
fn test_closing_data_ignored() {
    // After the peer's FIN, text "should not occur": ignored.
    let mut ep = closing();
    send!(
        ep,
        Segment {
            seq: remote(2),
            len: 10,
            ..SEND_TEMPL
        }
    );
    state!(ep, Closing);
    recv!(ep, []);
    assert_eq!(ep.received(), 0);
}

#[test]
fn test_closing_syn_gets_challenge_ack() {
    let mut ep = closing();
    check_syn_challenge_ack(&mut ep, remote(2), local(2));
}

#[test]
fn test_closing_fin_retransmitted() {
    let mut ep = closing();
    ep.handle_timeout(at(1000));
    recv_rtx!(
        ep,
        [Segment {
            ack: remote(2),
            flags: Flags::ACK | Flags::FIN,
            ..RECV_TEMPL
        }]
    );
    state!(ep, Closing);
}

// =====================================================================================
// LAST-ACK
// =====================================================================================

#[test]
fn test_last_ack_user_calls_rejected() {
    let mut ep = last_ack();
    check_rejected(
        &mut ep,
        &[
            (Call::Listen, CallError::ConnectionExists),
            (Call::Connect, CallError::ConnectionExists),
            (Call::Send(10), CallError::ConnectionClosing),
            (Call::Close, CallError::ConnectionClosing),
        ],
    );
}

#[test]
fn test_last_ack_abort_is_quiet() {
    let mut ep = last_ack();
    assert_eq!(ep.call(Call::Abort, at(0)), Ok(()));
    state!(ep, Closed);
    events!(
        ep,
        [change(State::LastAck, State::Closed, Rule::AbortQuiet)]
    );
    recv!(ep, []);
}

#[test]
fn test_last_ack_ack() {
    let mut ep = last_ack();
    send!(
        ep,
        Segment {
            seq: remote(2),
            ack: local(2),
            ..SEND_TEMPL
        }
    );
    state!(ep, Closed);
    events!(
        ep,
        [change(State::LastAck, State::Closed, Rule::LastAckFinAcked)]
    );
    recv!(ep, []);
    assert_eq!(ep.poll_timeout(), None);
}

#[test]
fn test_last_ack_ack_not_of_fin_ignored() {
    let mut ep = last_ack();
    send!(
        ep,
        Segment {
            seq: remote(2),
            ..SEND_TEMPL
        }
    );
    state!(ep, LastAck);
    recv!(ep, []);
}

#[test]
fn test_last_ack_rst() {
    let mut ep = last_ack();
    send!(
        ep,
        Segment {
            seq: remote(2),
            flags: Flags::RST,
            ..SEND_TEMPL
        }
    );
    state!(ep, Closed);
    events!(
        ep,
        [change(
            State::LastAck,
            State::Closed,
            Rule::RstInClosingStates
        )]
    );
}

#[test]
fn test_last_ack_retransmitted_fin_gets_ack() {
    let mut ep = last_ack();
    send!(
        ep,
        Segment {
            flags: Flags::ACK | Flags::FIN,
            ..SEND_TEMPL
        }
    );
    state!(ep, LastAck);
    events!(ep, [note(Rule::Unacceptable)]);
    recv!(
        ep,
        [Segment {
            seq: local(2),
            ack: remote(2),
            ..RECV_TEMPL
        }]
    );
}

#[test]
fn test_last_ack_data_ignored() {
    let mut ep = last_ack();
    send!(
        ep,
        Segment {
            seq: remote(2),
            len: 10,
            ..SEND_TEMPL
        }
    );
    state!(ep, LastAck);
    recv!(ep, []);
    assert_eq!(ep.received(), 0);
}

#[test]
fn test_last_ack_syn_gets_challenge_ack() {
    let mut ep = last_ack();
    check_syn_challenge_ack(&mut ep, remote(2), local(2));
}

#[test]
fn test_last_ack_fin_retransmitted_then_times_out() {
    let mut ep = last_ack();
    let fin = Segment {
        ack: remote(2),
        flags: Flags::ACK | Flags::FIN,
        ..RECV_TEMPL
    };
    let give_up = retransmit_until_give_up(&mut ep, 0, 1000, fin);
    ep.handle_timeout(at(give_up));
    state!(ep, Closed);
    events!(
        ep,
        [
            fired(Timer::Retransmission),
            signal(Signal::TimedOut),
            change(State::LastAck, State::Closed, Rule::RetransmitGiveUp)
        ]
    );
}

// =====================================================================================
// TIME-WAIT
// =====================================================================================

/// What TIME-WAIT sends: `<SEQ=local(2)><ACK=remote(2)><CTL=ACK>`.
fn time_wait_ack() -> Segment {
    Segment {
        seq: local(2),
        ack: remote(2),
        ..RECV_TEMPL
    }
}

#[test]
fn test_time_wait_user_calls_rejected() {
    let mut ep = time_wait();
    check_rejected(
        &mut ep,
        &[
            (Call::Listen, CallError::ConnectionExists),
            (Call::Connect, CallError::ConnectionExists),
            (Call::Send(10), CallError::ConnectionClosing),
            (Call::Close, CallError::ConnectionClosing),
        ],
    );
}

#[test]
fn test_time_wait_abort_is_quiet() {
    let mut ep = time_wait();
    assert_eq!(ep.call(Call::Abort, at(0)), Ok(()));
    state!(ep, Closed);
    events!(
        ep,
        [change(State::TimeWait, State::Closed, Rule::AbortQuiet)]
    );
    recv!(ep, []);
    assert_eq!(ep.poll_timeout(), None);
}

#[test]
fn test_time_wait_expires_after_2msl() {
    let mut ep = time_wait();
    check_timer(&ep, Timer::TimeWait, Some(TWO_MSL));
    assert_eq!(ep.poll_timeout(), Some(at(TWO_MSL)));
    ep.handle_timeout(at(TWO_MSL - 1));
    state!(ep, TimeWait);
    events!(ep, []);
    ep.handle_timeout(at(TWO_MSL));
    state!(ep, Closed);
    events!(
        ep,
        [
            fired(Timer::TimeWait),
            change(State::TimeWait, State::Closed, Rule::TimeWaitExpired)
        ]
    );
    recv!(ep, []);
    assert_eq!(ep.poll_timeout(), None);
}

#[test]
fn test_time_wait_retransmitted_fin_restarts_2msl() {
    let mut ep = time_wait();
    send!(
        ep,
        time 100_000,
        Segment {
            ack: local(2),
            flags: Flags::ACK | Flags::FIN,
            ..SEND_TEMPL
        }
    );
    state!(ep, TimeWait);
    events!(ep, [note(Rule::TimeWaitFinRetransmit)]);
    recv!(ep, [time_wait_ack()]);
    check_timer(&ep, Timer::TimeWait, Some(100_000 + TWO_MSL));
    ep.handle_timeout(at(TWO_MSL));
    state!(ep, TimeWait);
}

#[test]
fn test_time_wait_rst() {
    // RFC 9293 (not RFC 1337): an acceptable RST ends TIME-WAIT.
    let mut ep = time_wait();
    send!(
        ep,
        Segment {
            seq: remote(2),
            flags: Flags::RST,
            ..SEND_TEMPL
        }
    );
    state!(ep, Closed);
    events!(
        ep,
        [change(
            State::TimeWait,
            State::Closed,
            Rule::RstInClosingStates
        )]
    );
    recv!(ep, []);
}

#[test]
fn test_time_wait_syn_gets_challenge_ack() {
    let mut ep = time_wait();
    check_syn_challenge_ack(&mut ep, remote(2), local(2));
    check_timer(&ep, Timer::TimeWait, Some(TWO_MSL));
}

#[test]
fn test_time_wait_syn_in_window_resets_without_rfc5961() {
    let mut ep = without_rfc5961(time_wait());
    send!(
        ep,
        Segment {
            seq: remote(100),
            ..peer_syn()
        }
    );
    state!(ep, Closed);
    events!(
        ep,
        [
            signal(Signal::Reset),
            change(State::TimeWait, State::Closed, Rule::SynInWindowReset)
        ]
    );
    recv!(ep, [rst_ack(SeqNum(0), remote(101))]);
}

#[test]
fn test_time_wait_new_syn_outside_window_gets_ack() {
    let mut ep = without_rfc5961(time_wait());
    send!(
        ep,
        Segment {
            seq: remote(100_000),
            ..peer_syn()
        }
    );
    state!(ep, TimeWait);
    events!(ep, [note(Rule::Unacceptable)]);
    recv!(ep, [time_wait_ack()]);
}

#[test]
fn test_time_wait_ack_ignored() {
    let mut ep = time_wait();
    send!(
        ep,
        Segment {
            seq: remote(2),
            ack: local(2),
            ..SEND_TEMPL
        }
    );
    state!(ep, TimeWait);
    events!(ep, []);
    recv!(ep, []);
    check_timer(&ep, Timer::TimeWait, Some(TWO_MSL));
}

#[test]
fn test_time_wait_data_ignored() {
    let mut ep = time_wait();
    send!(
        ep,
        Segment {
            seq: remote(2),
            ack: local(2),
            len: 10,
            ..SEND_TEMPL
        }
    );
    state!(ep, TimeWait);
    events!(ep, [note(Rule::TextIgnored)]);
    assert_eq!(ep.received(), 0);
}

// =====================================================================================
// Every state: CRASH
// =====================================================================================

#[test]
fn test_crash_in_every_state_sends_nothing() {
    let fixtures: [(State, fn() -> Endpoint); 10] = [
        (State::Listen, listen),
        (State::SynSent, syn_sent),
        (State::SynReceived, syn_received_passive),
        (State::Established, established),
        (State::FinWait1, fin_wait_1),
        (State::FinWait2, fin_wait_2),
        (State::CloseWait, close_wait),
        (State::Closing, closing),
        (State::LastAck, last_ack),
        (State::TimeWait, time_wait),
    ];
    for (from, fixture) in fixtures {
        let mut ep = fixture();
        assert_eq!(ep.call(Call::Crash, at(0)), Ok(()), "crash in {from}");
        state!(ep, Closed);
        events!(ep, [change(from, State::Closed, Rule::Crash)]);
        recv!(ep, []);
        assert_eq!(
            ep.poll_timeout(),
            None,
            "timers left after a crash in {from}"
        );
    }
}

// =====================================================================================
// Sequence numbers wrapping around 2^32
// =====================================================================================

#[test]
fn test_wraparound_local_iss_near_max() {
    let iss = u32::MAX - 1;
    let mut ep = Endpoint::new(config(), iss);
    ep.call(Call::Connect, at(0)).unwrap();
    recv!(
        ep,
        [Segment {
            seq: SeqNum(iss),
            ..our_syn()
        }]
    );
    send!(
        ep,
        Segment {
            ack: SeqNum(u32::MAX),
            ..peer_syn_ack()
        }
    );
    state!(ep, Established);
    settle(&mut ep);
    let ours = |seq: u32| Segment {
        seq: SeqNum(seq),
        ..RECV_TEMPL
    };
    ep.call(Call::Send(250), at(0)).unwrap();
    recv!(
        ep,
        [
            Segment {
                len: 100,
                ..ours(u32::MAX)
            },
            Segment {
                len: 100,
                ..ours(99)
            },
            Segment {
                flags: Flags::ACK | Flags::PSH,
                len: 50,
                ..ours(199)
            }
        ]
    );
    // A partial ACK across zero trims the first segment.
    send!(
        ep,
        Segment {
            ack: SeqNum(50),
            ..SEND_TEMPL
        }
    );
    assert_eq!(ep.tcb().snd_una, SeqNum(50));
    assert_eq!(ep.tcb().rtx_queue_len, 3);
    send!(
        ep,
        Segment {
            ack: SeqNum(249),
            ..SEND_TEMPL
        }
    );
    assert_eq!(ep.tcb().rtx_queue_len, 0);
    check_timer(&ep, Timer::Retransmission, None);
    settle(&mut ep);
    // An ACK beyond SND.NXT across zero is still recognized as too new.
    send!(
        ep,
        Segment {
            ack: SeqNum(300),
            ..SEND_TEMPL
        }
    );
    events!(ep, [note(Rule::AckOutsideRange)]);
    settle(&mut ep);
    ep.call(Call::Close, at(0)).unwrap();
    recv!(
        ep,
        [Segment {
            flags: Flags::ACK | Flags::FIN,
            ..ours(249)
        }]
    );
    send!(
        ep,
        Segment {
            ack: SeqNum(250),
            ..SEND_TEMPL
        }
    );
    state!(ep, FinWait2);
}

#[test]
fn test_wraparound_syn_sent_ack_check_across_zero() {
    // ISS = 2^32-1, so SND.NXT = 0.
    let mut ep = Endpoint::new(config(), u32::MAX);
    ep.call(Call::Connect, at(0)).unwrap();
    settle(&mut ep);
    send!(
        ep,
        Segment {
            ack: SeqNum(u32::MAX),
            ..peer_syn_ack()
        }
    );
    // SEG.ACK =< ISS.
    recv!(ep, [rst(SeqNum(u32::MAX))]);
    send!(
        ep,
        Segment {
            ack: SeqNum(1),
            ..peer_syn_ack()
        }
    );
    // SEG.ACK > SND.NXT.
    recv!(ep, [rst(SeqNum(1))]);
    send!(
        ep,
        Segment {
            ack: SeqNum(0),
            ..peer_syn_ack()
        }
    );
    state!(ep, Established);
    recv!(
        ep,
        [Segment {
            seq: SeqNum(0),
            ..RECV_TEMPL
        }]
    );
}

#[test]
fn test_wraparound_remote_iss_near_max() {
    let irs = u32::MAX - 10;
    let mut ep = listen();
    send!(
        ep,
        Segment {
            seq: SeqNum(irs),
            ..peer_syn()
        }
    );
    recv!(
        ep,
        [Segment {
            ack: SeqNum(irs + 1),
            ..our_syn_ack()
        }]
    );
    send!(
        ep,
        Segment {
            seq: SeqNum(irs + 1),
            ..SEND_TEMPL
        }
    );
    state!(ep, Established);
    settle(&mut ep);
    let theirs = |seq: u32| Segment {
        seq: SeqNum(seq),
        ..SEND_TEMPL
    };
    let ack = |n: u32| Segment {
        ack: SeqNum(n),
        ..RECV_TEMPL
    };
    // Out of order, beyond zero: held.
    send!(
        ep,
        Segment {
            len: 50,
            flags: Flags::ACK | Flags::FIN,
            ..theirs(40)
        }
    );
    events!(ep, [note(Rule::TextQueued)]);
    recv!(ep, [ack(irs + 1)]);
    // An in-window RST not at RCV.NXT, across zero: challenge ACK.
    send!(
        ep,
        Segment {
            flags: Flags::RST,
            ..theirs(5)
        }
    );
    events!(ep, [note(Rule::RstChallengeAck)]);
    recv!(ep, [ack(irs + 1)]);
    // The gap (50 bytes from 2^32-9 to 40) fills: the held data and FIN follow.
    send!(
        ep,
        Segment {
            len: 50,
            ..theirs(irs + 1)
        }
    );
    state!(ep, CloseWait);
    events!(
        ep,
        [
            note(Rule::TextAccepted),
            signal(Signal::Closing),
            change(State::Established, State::CloseWait, Rule::FinReceived)
        ]
    );
    recv!(ep, [ack(91)]);
    assert_eq!(ep.received(), 100);
    // Old data from before zero gets an ACK.
    send!(
        ep,
        Segment {
            len: 10,
            ..theirs(irs + 1)
        }
    );
    events!(ep, [note(Rule::Unacceptable)]);
    recv!(ep, [ack(91)]);
}

// ---- RFC 5961 §7: throttling ACKs to empty out-of-window segments ----

#[test]
fn test_established_out_of_window_empty_segments_are_answered_at_most_twice_a_second() {
    let mut ep = established();
    let stale = Segment {
        seq: SeqNum(REMOTE_ISS + 1 + 5000),
        ..SEND_TEMPL
    };
    send!(ep, time 0, stale);
    recv!(ep, [RECV_TEMPL]);
    events!(ep, [note(Rule::Unacceptable)]);
    // The same again at once: this is how two desynchronized peers ping-pong.
    send!(ep, time 0, stale);
    recv!(ep, []);
    events!(ep, [note(Rule::UnacceptableThrottled)]);
    send!(ep, time 499, stale);
    recv!(ep, []);
    events!(ep, [note(Rule::UnacceptableThrottled)]);
    send!(ep, time 500, stale);
    recv!(ep, [RECV_TEMPL]);
    events!(ep, [note(Rule::Unacceptable)]);
}

#[test]
fn test_established_out_of_window_data_is_always_answered() {
    let mut ep = established();
    // An old data segment (a duplicate) must always draw an ACK: its sender needs it.
    let old_data = Segment {
        seq: SeqNum(REMOTE_ISS + 1 - 10),
        len: 10,
        ..SEND_TEMPL
    };
    for _ in 0..3 {
        send!(ep, time 0, old_data);
        recv!(ep, [RECV_TEMPL]);
        events!(ep, [note(Rule::Unacceptable)]);
    }
}

#[test]
fn test_established_throttling_off_answers_every_segment() {
    let mut ep = established_with(Config {
        ack_ratelimit: Duration::ZERO,
        ..config()
    });
    let stale = Segment {
        seq: SeqNum(REMOTE_ISS + 1 + 5000),
        ..SEND_TEMPL
    };
    for _ in 0..3 {
        send!(ep, time 0, stale);
        recv!(ep, [RECV_TEMPL]);
    }
}

#[test]
fn test_syn_sent_timeout_then_established_starts_data_at_three_seconds() {
    // RFC 6298 §5.7: the SYN timed out twice (RTO backed off to 4 s); once the handshake
    // completes, the RTO is re-initialized to exactly 3 s.
    let mut ep = syn_sent();
    ep.handle_timeout(at(1000));
    ep.handle_timeout(at(3000));
    settle(&mut ep);
    assert_eq!(ep.tcb().rto, Duration::from_secs(4));
    send!(
        ep,
        time 3100,
        Segment {
            seq: SeqNum(REMOTE_ISS),
            ack: SeqNum(LOCAL_ISS + 1),
            flags: Flags::SYN | Flags::ACK,
            mss: Some(REMOTE_MSS),
            ..SEND_TEMPL
        }
    );
    state!(ep, Established);
    assert_eq!(ep.tcb().rto, Duration::from_secs(3));
}

// ---- Issue 11: the RFC corrections, and Linux as the lab measured it (lab/linux/) ----

/// The Linux profile's timers and rules, without its options (window scaling, timestamps,
/// SACK), so that the segments are those of the other tests; the options' tests turn them on.
fn linux_config() -> Config {
    let mut config = config();
    config.set_profile(Profile::Linux);
    config.wscale = None;
    config.timestamps = false;
    config.sack = false;
    config
}

/// ESTABLISHED under `set profile linux`. The handshake's RTT sample was 0 ms, so the RTO is
/// SRTT + 200 ms = 200 ms.
fn established_linux() -> Endpoint {
    established_with(linux_config())
}

/// TIME-WAIT under `set profile linux`, entered at t=0: the peer's FIN (`remote(1)`) is
/// acknowledged, RCV.NXT = `remote(2)`, SND.NXT = `local(2)`.
fn time_wait_linux() -> Endpoint {
    let mut ep = fin_wait_2_linux();
    send!(
        ep,
        Segment {
            ack: local(2),
            flags: Flags::ACK | Flags::FIN,
            ..SEND_TEMPL
        }
    );
    settle(&mut ep);
    state!(ep, TimeWait);
    check_timer(&ep, Timer::TimeWait, Some(60_000));
    ep
}

/// `<SEQ=remote(1)-50><ACK=local(1)><CTL=RST,ACK>` with 100 octets: SEG.SEQ is below RCV.NXT
/// (`remote(1)`), the data reaches 49 octets into the window.
fn rst_below_window_with_data() -> Segment {
    Segment {
        seq: remote(1) - 50,
        flags: Flags::RST | Flags::ACK,
        len: 100,
        ..SEND_TEMPL
    }
}

#[test]
fn test_established_rst_below_window_with_data_into_it_is_dropped_silently() {
    // §3.5.3: a reset is valid if its sequence number is in the window; the data it carries
    // does not make it so (RFC 5961's exact match is the second check, never reached).
    let mut ep = established();
    send!(ep, rst_below_window_with_data());
    state!(ep, Established);
    events!(ep, [note(Rule::UnacceptableRst)]);
    recv!(ep, []);
}

#[test]
fn test_established_linux_rst_below_window_with_data_into_it_gets_challenge_ack() {
    // Linux judges the whole segment (tcp_sequence), finds it in the window, and answers the
    // RST that is not at RCV.NXT with a challenge ACK (lab: rst-with-data-outside-window).
    let mut ep = established_linux();
    send!(ep, rst_below_window_with_data());
    state!(ep, Established);
    events!(ep, [note(Rule::LinuxRstWholeSegment)]);
    recv!(ep, [RECV_TEMPL]);
}

#[test]
fn test_established_rst_in_window_not_at_rcv_nxt_gets_challenge_ack_in_both_modes() {
    for mut ep in [established(), established_linux()] {
        send!(
            ep,
            Segment {
                seq: remote(50),
                ..rst(remote(50))
            }
        );
        state!(ep, Established);
        events!(ep, [note(Rule::RstChallengeAck)]);
        recv!(ep, [RECV_TEMPL]);
    }
}

/// A second FIN, at RCV.NXT (one past the peer's first FIN, which we acknowledged).
fn fin_at(seq: SeqNum, ack: SeqNum) -> Segment {
    Segment {
        seq,
        ack,
        flags: Flags::ACK | Flags::FIN,
        ..SEND_TEMPL
    }
}

#[test]
fn test_time_wait_fin_at_rcv_nxt_is_acknowledged_and_restarts_2msl() {
    // §3.10.7.4, eighth step: advance RCV.NXT over the FIN and acknowledge it; TIME-WAIT
    // remains and restarts the 2 MSL timeout. It used to be ignored as "data after the FIN".
    let mut ep = time_wait();
    send!(ep, time 1000, fin_at(remote(2), local(2)));
    state!(ep, TimeWait);
    events!(ep, [note(Rule::FinAgain)]);
    recv!(
        ep,
        [Segment {
            seq: local(2),
            ack: remote(3),
            ..RECV_TEMPL
        }]
    );
    check_timer(&ep, Timer::TimeWait, Some(1000 + TWO_MSL));
}

#[test]
fn test_close_wait_fin_at_rcv_nxt_is_acknowledged() {
    // §3.10.7.4, eighth step: CLOSE-WAIT remains; the FIN is acknowledged.
    let mut ep = close_wait();
    send!(ep, fin_at(remote(2), local(1)));
    state!(ep, CloseWait);
    events!(ep, [note(Rule::FinAgain)]);
    recv!(
        ep,
        [Segment {
            ack: remote(3),
            ..RECV_TEMPL
        }]
    );
}

#[test]
fn test_close_wait_linux_fin_at_rcv_nxt_is_ignored() {
    // Lab: close-wait-fin-at-rcv-nxt. tcp_rcv_state_process drops it without an answer.
    let mut ep = established_linux();
    send!(ep, fin_at(remote(1), local(1)));
    settle(&mut ep);
    state!(ep, CloseWait);
    send!(ep, fin_at(remote(2), local(1)));
    state!(ep, CloseWait);
    events!(ep, [note(Rule::LinuxFinAfterFinIgnored)]);
    recv!(ep, []);
}

#[test]
fn test_time_wait_linux_fin_at_rcv_nxt_gets_ack_of_rcv_nxt_and_restarts() {
    // Lab: time-wait-fin-at-rcv-nxt: ACK with ack=2 (not 3), TIME_WAIT over at about 90 s.
    let mut ep = time_wait_linux();
    send!(ep, time 30_000, fin_at(remote(2), local(2)));
    state!(ep, TimeWait);
    events!(
        ep,
        [note(Rule::LinuxTimeWaitAck), note(Rule::LinuxTimeWait)]
    );
    recv!(
        ep,
        [Segment {
            seq: local(2),
            ack: remote(2),
            ..RECV_TEMPL
        }]
    );
    check_timer(&ep, Timer::TimeWait, Some(90_000));
}

#[test]
fn test_time_wait_linux_bare_ack_at_rcv_nxt_restarts_silently() {
    // Lab: time-wait-ack-restart: no answer, TIME_WAIT over at about 90 s.
    let mut ep = time_wait_linux();
    send!(
        ep,
        time 30_000,
        Segment {
            seq: remote(2),
            ack: local(2),
            ..SEND_TEMPL
        }
    );
    state!(ep, TimeWait);
    events!(
        ep,
        [
            note(Rule::LinuxTimeWaitAckRestart),
            note(Rule::LinuxTimeWait)
        ]
    );
    recv!(ep, []);
    check_timer(&ep, Timer::TimeWait, Some(90_000));
}

#[test]
fn test_time_wait_linux_rst_not_at_rcv_nxt_is_ignored_and_at_rcv_nxt_ends_it() {
    // Lab: time-wait-rst (tcp_rfc1337 = 0).
    let mut ep = time_wait_linux();
    send!(ep, time 100, rst(remote(100)));
    state!(ep, TimeWait);
    events!(ep, [note(Rule::LinuxTimeWaitRstIgnored)]);
    recv!(ep, []);
    check_timer(&ep, Timer::TimeWait, Some(60_000));
    send!(ep, time 1000, rst(remote(2)));
    state!(ep, Closed);
    events!(
        ep,
        [change(
            State::TimeWait,
            State::Closed,
            Rule::RstInClosingStates
        )]
    );
    recv!(ep, []);
}

#[test]
fn test_time_wait_linux_old_syn_gets_ack_without_restart() {
    // Lab: time-wait-syn-old. A SYN without ACK is answered but does not restart the 60 s.
    let mut ep = time_wait_linux();
    send!(
        ep,
        time 5000,
        Segment {
            seq: remote(0),
            ack: SeqNum(0),
            flags: Flags::SYN,
            ..SEND_TEMPL
        }
    );
    state!(ep, TimeWait);
    events!(ep, [note(Rule::LinuxTimeWaitAck)]);
    recv!(
        ep,
        [Segment {
            seq: local(2),
            ack: remote(2),
            ..RECV_TEMPL
        }]
    );
    check_timer(&ep, Timer::TimeWait, Some(60_000));
}

#[test]
fn test_established_linux_abort_sends_rst_ack() {
    // Lab: abort (close() with SO_LINGER 0).
    let mut ep = established_linux();
    ep.call(Call::Abort, at(0)).unwrap();
    state!(ep, Closed);
    events!(
        ep,
        [change(
            State::Established,
            State::Closed,
            Rule::LinuxAbortRstAck
        )]
    );
    recv!(ep, [rst_ack(local(1), remote(1))]);
}

#[test]
fn test_established_linux_keepalive_give_up_sends_rst_ack() {
    // Lab: keepalive (idle 5 s, interval 2 s, 3 probes): probes at 5, 7 and 9 s, RST,ACK at 11 s.
    let mut config = linux_config();
    config.keepalive = Some(Duration::from_secs(5));
    config.keepalive_interval = Duration::from_secs(2);
    config.keepalive_probes = 3;
    let mut ep = established_with(config);
    let probe = Segment {
        seq: local(0),
        ..RECV_TEMPL
    };
    for due in [5000, 7000, 9000] {
        ep.handle_timeout(at(due));
        recv!(ep, [probe]);
        events!(ep, [fired(Timer::Keepalive), note(Rule::KeepaliveProbe)]);
    }
    ep.handle_timeout(at(11_000));
    state!(ep, Closed);
    events!(
        ep,
        [
            fired(Timer::Keepalive),
            signal(Signal::TimedOut),
            change(
                State::Established,
                State::Closed,
                Rule::LinuxKeepaliveGiveUp
            )
        ]
    );
    recv!(ep, [rst_ack(local(1), remote(1))]);
}

#[test]
fn test_syn_sent_linux_syn_schedule_is_linear_then_doubles() {
    // Lab: syn-retries. Linux 6.5+: 4 retransmissions 1 s apart (tcp_syn_linear_timeouts),
    // then doubling: SYNs at 0, 1, 2, 3, 4, 5, 7, 11, 19, 35 and 67 s; ETIMEDOUT at 131 s.
    let mut ep = syn_sent_with(linux_config());
    let dues = [1, 2, 3, 4, 5, 7, 11, 19, 35, 67].map(|s| s * 1000);
    for (i, due) in dues.into_iter().enumerate() {
        check_timer(&ep, Timer::Retransmission, Some(due));
        ep.handle_timeout(at(due));
        recv_rtx!(ep, [our_syn()]);
        if i < 4 {
            events!(
                ep,
                [
                    fired(Timer::Retransmission),
                    note(Rule::Retransmit),
                    note(Rule::LinuxSynLinearTimeout)
                ]
            );
        } else {
            events!(ep, [fired(Timer::Retransmission), note(Rule::Retransmit)]);
        }
    }
    check_timer(&ep, Timer::Retransmission, Some(131_000));
    ep.handle_timeout(at(131_000));
    state!(ep, Closed);
    events!(
        ep,
        [
            fired(Timer::Retransmission),
            signal(Signal::TimedOut),
            change(State::SynSent, State::Closed, Rule::LinuxSynGiveUp)
        ]
    );
    recv!(ep, []);
}

#[test]
fn test_established_linux_zero_window_probes_are_old_acks_backing_off() {
    // Lab: zero-window-probes: <SEQ=SND.UNA-1><CTL=ACK> without data at 0.2, 0.6, 1.4, 3.0 s...
    let mut ep = established_linux();
    send!(
        ep,
        Segment {
            window: 0,
            ..SEND_TEMPL
        }
    );
    ep.call(Call::Send(10), at(0)).unwrap();
    recv!(ep, []);
    let probe = Segment {
        seq: local(0),
        ..RECV_TEMPL
    };
    for due in [200, 600, 1400, 3000, 6200] {
        check_timer(&ep, Timer::Persist, Some(due));
        ep.handle_timeout(at(due - 1));
        recv!(ep, []);
        ep.handle_timeout(at(due));
        recv!(ep, [probe]);
        events!(
            ep,
            [fired(Timer::Persist), note(Rule::LinuxZeroWindowProbe)]
        );
        check_timer(&ep, Timer::Retransmission, None);
    }
    // The window opens: the data goes, and the next zero window starts the backoff afresh.
    send!(ep, time 7000, SEND_TEMPL);
    recv!(
        ep,
        [Segment {
            flags: Flags::ACK | Flags::PSH,
            len: 10,
            ..RECV_TEMPL
        }]
    );
    check_timer(&ep, Timer::Persist, None);
}

#[test]
fn test_syn_sent_linux_bad_ack_gets_rst_and_the_syn_again_after_8ms() {
    // Lab: syn-sent-bad-ack: RST, then the SYN at about 10 ms, then 1 s later.
    let mut ep = syn_sent_with(linux_config());
    send!(
        ep,
        Segment {
            seq: remote(0),
            ack: local(77),
            ..SEND_TEMPL
        }
    );
    state!(ep, SynSent);
    events!(
        ep,
        [
            note(Rule::SynSentBadAck),
            note(Rule::LinuxSynSentBadAckResend)
        ]
    );
    recv!(ep, [rst(local(77))]);
    check_timer(&ep, Timer::Retransmission, Some(8));
    ep.handle_timeout(at(8));
    recv_rtx!(ep, [our_syn()]);
    check_timer(&ep, Timer::Retransmission, Some(1008));
}

#[test]
fn test_syn_received_linux_same_syn_again_gets_the_syn_ack_again() {
    // Lab: syn-rcvd-duplicate-syn.
    let mut ep = listen();
    ep.set_config(Config {
        window: u32::from(LOCAL_WIN),
        ..linux_config()
    });
    send!(ep, peer_syn());
    settle(&mut ep);
    send!(ep, time 300, peer_syn());
    state!(ep, SynReceived);
    events!(ep, [note(Rule::LinuxSynRecvSynAgain)]);
    recv_rtx!(ep, [our_syn_ack()]);
    check_timer(&ep, Timer::Retransmission, Some(1300));
}

#[test]
fn test_syn_received_linux_new_syn_gets_rst_ack_and_the_listener_stays() {
    let mut ep = listen();
    ep.set_config(Config {
        window: u32::from(LOCAL_WIN),
        ..linux_config()
    });
    send!(ep, peer_syn());
    settle(&mut ep);
    send!(
        ep,
        Segment {
            seq: remote(5),
            ..peer_syn()
        }
    );
    state!(ep, Listen);
    events!(
        ep,
        [change(
            State::SynReceived,
            State::Listen,
            Rule::LinuxSynRecvNewSyn
        )]
    );
    recv!(ep, [rst_ack(SeqNum(0), remote(6))]);
}

/// Our FIN as first sent from ESTABLISHED: `<SEQ=local(1)><ACK=remote(1)><CTL=FIN,ACK>`.
fn our_fin() -> Segment {
    Segment {
        flags: Flags::ACK | Flags::FIN,
        ..RECV_TEMPL
    }
}

#[test]
fn test_established_shutdown_is_close_in_the_rfc_mode() {
    let mut ep = established();
    ep.call(Call::Shutdown, at(0)).unwrap();
    state!(ep, FinWait1);
    events!(
        ep,
        [change(
            State::Established,
            State::FinWait1,
            Rule::CloseSendsFin
        )]
    );
    recv!(ep, [our_fin()]);
}

#[test]
fn test_fin_wait_2_linux_data_after_close_gets_rst_and_the_socket_is_gone() {
    // Lab: data-after-close. close() left nobody to read: RST <SEQ=SEG.ACK>.
    let mut ep = fin_wait_2_linux();
    send!(
        ep,
        Segment {
            ack: local(2),
            len: 10,
            ..SEND_TEMPL
        }
    );
    state!(ep, Closed);
    events!(
        ep,
        [change(
            State::FinWait2,
            State::Closed,
            Rule::LinuxDataAfterClose
        )]
    );
    recv!(ep, [rst(local(2))]);
}

#[test]
fn test_fin_wait_2_linux_after_shutdown_accepts_data_and_has_no_timer() {
    // Lab: data-after-shutdown and fin-wait-2-after-shutdown.
    let mut ep = established_linux();
    ep.call(Call::Shutdown, at(0)).unwrap();
    settle(&mut ep);
    send!(
        ep,
        Segment {
            ack: local(2),
            ..SEND_TEMPL
        }
    );
    state!(ep, FinWait2);
    events!(
        ep,
        [change(
            State::FinWait1,
            State::FinWait2,
            Rule::FinWait1FinAcked
        )]
    );
    check_timer(&ep, Timer::FinWait2, None);
    send!(
        ep,
        Segment {
            ack: local(2),
            len: 10,
            ..SEND_TEMPL
        }
    );
    state!(ep, FinWait2);
    events!(ep, [note(Rule::TextAccepted)]);
    recv!(
        ep,
        [Segment {
            seq: local(2),
            ack: remote(11),
            ..RECV_TEMPL
        }]
    );
    assert_eq!(ep.received(), 10);
}

#[test]
fn test_fin_wait_1_linux_orphan_fin_is_sent_8_more_times_then_the_socket_is_gone() {
    // Lab: orphan-fin-retries (tcp_orphan_retries = 0 means 8). RTO 200 ms, doubling.
    let mut ep = established_linux();
    ep.call(Call::Close, at(0)).unwrap();
    settle(&mut ep);
    for due in [200, 600, 1400, 3000, 6200, 12_600, 25_400, 51_000] {
        ep.handle_timeout(at(due));
        recv_rtx!(ep, [our_fin()]);
        events!(ep, [fired(Timer::Retransmission), note(Rule::Retransmit)]);
    }
    check_timer(&ep, Timer::Retransmission, Some(102_200));
    ep.handle_timeout(at(102_200));
    state!(ep, Closed);
    events!(
        ep,
        [
            fired(Timer::Retransmission),
            change(State::FinWait1, State::Closed, Rule::LinuxOrphanGiveUp)
        ]
    );
    recv!(ep, []);
}

#[test]
fn test_established_linux_challenge_acks_share_one_limit_of_500ms() {
    // Lab: challenge-ack-limit. A RST in the window, another, a SYN at once, an ACK of unsent
    // data at 200 ms: one challenge ACK. A RST at 600 ms and a SYN at 1200 ms: one each.
    let mut ep = established_linux();
    let in_window_rst = |n| Segment {
        seq: remote(n),
        ..rst(remote(n))
    };
    let syn = Segment {
        seq: remote(300),
        ack: SeqNum(0),
        flags: Flags::SYN,
        ..SEND_TEMPL
    };
    send!(ep, in_window_rst(500));
    events!(ep, [note(Rule::RstChallengeAck)]);
    recv!(ep, [RECV_TEMPL]);
    send!(ep, in_window_rst(700));
    send!(ep, syn);
    events!(
        ep,
        [
            note(Rule::LinuxChallengeAckLimited),
            note(Rule::LinuxChallengeAckLimited)
        ]
    );
    recv!(ep, []);
    send!(
        ep,
        time 200,
        Segment {
            ack: local(1000),
            ..SEND_TEMPL
        }
    );
    events!(ep, [note(Rule::LinuxChallengeAckLimited)]);
    recv!(ep, []);
    send!(ep, time 600, in_window_rst(500));
    events!(ep, [note(Rule::RstChallengeAck)]);
    recv!(ep, [RECV_TEMPL]);
    send!(ep, time 1200, syn);
    events!(ep, [note(Rule::SynChallengeAck)]);
    recv!(ep, [RECV_TEMPL]);
    state!(ep, Established);
}

#[test]
fn test_syn_received_active_linux_crossed_syn_ack_is_acknowledged() {
    // Lab: simultaneous-open: Linux sends a fifth segment, an ACK of the crossed SYN,ACK.
    let mut ep = syn_sent_with(linux_config());
    send!(ep, peer_syn());
    settle(&mut ep);
    state!(ep, SynReceived);
    send!(ep, peer_syn_ack());
    state!(ep, Established);
    events!(
        ep,
        [
            note(Rule::SimultaneousSynAck),
            note(Rule::LinuxSimultaneousOpenAck),
            change(State::SynReceived, State::Established, Rule::SynReceivedAck)
        ]
    );
    recv!(ep, [RECV_TEMPL]);
}

#[test]
fn test_time_wait_rfc1337_on_ignores_a_rst_at_rcv_nxt_in_both_modes() {
    // Lab: time-wait-rst-rfc1337 (Linux with tcp_rfc1337 = 1).
    let mut linux = time_wait_linux();
    let mut config = linux.config().clone();
    config.rfc1337 = true;
    linux.set_config(config);
    let mut rfc = time_wait();
    let mut config = rfc.config().clone();
    config.rfc1337 = true;
    rfc.set_config(config);
    for (mut ep, rcv_nxt) in [(linux, remote(2)), (rfc, remote(2))] {
        send!(ep, rst(rcv_nxt));
        state!(ep, TimeWait);
        events!(ep, [note(Rule::TimeWaitRstIgnoredRfc1337)]);
        recv!(ep, []);
    }
}

#[test]
fn test_syn_sent_linux_syn_linear_0_gives_the_schedule_before_6_5() {
    // Lab: syn-retries-exponential (tcp_syn_linear_timeouts = 0): 7 SYNs, gone at 127 s.
    let mut config = linux_config();
    config.syn_linear_timeouts = 0;
    let mut ep = syn_sent_with(config);
    for due in [1, 3, 7, 15, 31, 63].map(|s| s * 1000) {
        check_timer(&ep, Timer::Retransmission, Some(due));
        ep.handle_timeout(at(due));
        recv_rtx!(ep, [our_syn()]);
        events!(ep, [fired(Timer::Retransmission), note(Rule::Retransmit)]);
    }
    check_timer(&ep, Timer::Retransmission, Some(127_000));
    ep.handle_timeout(at(127_000));
    state!(ep, Closed);
}

// =====================================================================================
// A server that keeps listening (`set listener keep`)
// =====================================================================================

/// TIME-WAIT after a passive OPEN, entered at t=0 with `config`: we accepted, closed first,
/// and the peer's FIN (`remote(1)`) is acknowledged. RCV.NXT = `remote(2)`, SND.NXT =
/// `local(2)`.
fn time_wait_passive(config: Config) -> Endpoint {
    let mut ep = Endpoint::new(config, LOCAL_ISS);
    ep.call(Call::Listen, at(0)).unwrap();
    send!(ep, peer_syn());
    send!(ep, SEND_TEMPL);
    state!(ep, Established);
    ep.call(Call::Close, at(0)).unwrap();
    send!(
        ep,
        Segment {
            ack: local(2),
            flags: Flags::ACK | Flags::FIN,
            ..SEND_TEMPL
        }
    );
    settle(&mut ep);
    state!(ep, TimeWait);
    ep
}

fn keep_listener(mut config: Config) -> Config {
    config.keep_listener = true;
    config
}

/// A new SYN from the peer: sequence number `remote(n)`.
fn new_peer_syn(n: u32) -> Segment {
    Segment {
        seq: remote(n),
        ..peer_syn()
    }
}

#[test]
fn test_time_wait_linux_new_syn_with_listener_opens_a_new_connection() {
    // Lab: time-wait-syn-reopen. RFC 9293 MAY-2, with Linux's ISS: the old SND.NXT + 65537.
    let mut ep = time_wait_passive(keep_listener(linux_config()));
    send!(ep, time 1000, new_peer_syn(100_000));
    state!(ep, SynReceived);
    events!(
        ep,
        [change(
            State::TimeWait,
            State::SynReceived,
            Rule::LinuxTimeWaitSynReopen
        )]
    );
    let iss = local(2) + 65_537;
    recv!(
        ep,
        [Segment {
            seq: iss,
            ack: remote(100_001),
            flags: Flags::SYN | Flags::ACK,
            mss: Some(LOCAL_MSS),
            ..RECV_TEMPL
        }]
    );
    assert_eq!(ep.iss_base(), Some(iss));
    check_timer(&ep, Timer::TimeWait, None);
    assert!(ep.timer(Timer::Retransmission).is_some());
}

#[test]
fn test_time_wait_linux_new_syn_without_listener_gets_an_ack() {
    // Without a listener Linux answers the SYN like any other segment (TCP_TW_SYN falls
    // through to TCP_TW_ACK).
    let mut ep = time_wait_passive(linux_config());
    send!(ep, time 1000, new_peer_syn(100_000));
    state!(ep, TimeWait);
    events!(ep, [note(Rule::LinuxTimeWaitAck)]);
    recv!(
        ep,
        [Segment {
            seq: local(2),
            ack: remote(2),
            ..RECV_TEMPL
        }]
    );
}

#[test]
fn test_time_wait_linux_syn_at_or_below_rcv_nxt_does_not_reopen() {
    // Only a SYN above RCV.NXT can start a new incarnation (`after(seq, tw_rcv_nxt)`).
    for n in [0, 2] {
        let mut ep = time_wait_passive(keep_listener(linux_config()));
        send!(ep, time 1000, new_peer_syn(n));
        state!(ep, TimeWait);
    }
}

#[test]
fn test_time_wait_rfc_new_syn_with_listener_still_gets_a_challenge_ack() {
    // The RFC mode keeps §3.10.7.4's answer (RFC 5961 §4); MAY-2 is Linux's choice here.
    let mut ep = time_wait_passive(keep_listener(config()));
    check_syn_challenge_ack(&mut ep, remote(2), local(2));
    state!(ep, TimeWait);
}

#[test]
fn test_listener_kept_a_passive_connection_that_ends_leaves_the_peer_listening() {
    let mut ep = time_wait_passive(keep_listener(config()));
    ep.handle_timeout(at(240_000));
    state!(ep, Listen);
    events!(
        ep,
        [
            fired(Timer::TimeWait),
            change(State::TimeWait, State::Closed, Rule::TimeWaitExpired),
            change(State::Closed, State::Listen, Rule::ListenerKept)
        ]
    );
    // The listener takes a new connection as any LISTEN does.
    send!(ep, time 240_001, new_peer_syn(100_000));
    state!(ep, SynReceived);
}

#[test]
fn test_listener_kept_does_not_survive_a_crash_or_affect_an_active_open() {
    let mut ep = time_wait_passive(keep_listener(config()));
    ep.call(Call::Crash, at(1)).unwrap();
    state!(ep, Closed);
    let mut ep = established_with(keep_listener(config()));
    ep.call(Call::Abort, at(0)).unwrap();
    state!(ep, Closed);
}

#[test]
fn test_listener_kept_closing_the_listener_itself_closes() {
    let mut ep = Endpoint::new(keep_listener(config()), LOCAL_ISS);
    ep.call(Call::Listen, at(0)).unwrap();
    ep.call(Call::Close, at(0)).unwrap();
    state!(ep, Closed);
}

// ---- Congestion control (RFC 5681, RFC 6582): the peer's MSS is 100, so SMSS = 100 and
// RFC 5681 §3.1 gives an initial window of 4 segments. ----

/// Our data segment `<SEQ=local(from)><LEN=len>`, with PSH when it ends the queued data.
fn our_data(from: u32, len: u32, psh: bool) -> Segment {
    Segment {
        seq: local(from),
        flags: if psh {
            Flags::ACK | Flags::PSH
        } else {
            Flags::ACK
        },
        len,
        ..RECV_TEMPL
    }
}

/// The peer's ACK of our data up to `local(n)`.
fn peer_ack(n: u32) -> Segment {
    Segment {
        ack: local(n),
        ..SEND_TEMPL
    }
}

/// Takes what was transmitted: (segment, retransmission) in order.
fn drain(ep: &mut Endpoint) -> Vec<(Segment, bool)> {
    core::iter::from_fn(|| ep.poll_transmit())
        .map(|t| (t.segment, t.retransmission))
        .collect()
}

/// ESTABLISHED with 400 bytes (four segments, the whole initial window) outstanding.
fn established_with_four_segments_out() -> Endpoint {
    let mut ep = established();
    ep.call(Call::Send(400), at(0)).unwrap();
    settle(&mut ep);
    assert_eq!(ep.tcb.snd_nxt, local(401));
    ep
}

#[test]
fn test_established_initial_window_limits_the_first_flight() {
    let mut ep = established();
    assert_eq!((ep.tcb.cwnd, ep.tcb.ssthresh), (400, 65535));
    ep.call(Call::Send(1000), at(0)).unwrap();
    recv!(
        ep,
        [
            our_data(1, 100, false),
            our_data(101, 100, false),
            our_data(201, 100, false),
            our_data(301, 100, false)
        ]
    );
    // Slow start: the ACK of one segment adds one SMSS, so two segments go out.
    send!(ep, peer_ack(101));
    assert_eq!(ep.tcb.cwnd, 500);
    recv!(ep, [our_data(401, 100, false), our_data(501, 100, false)]);
}

#[test]
fn test_established_iw_setting_sets_the_initial_window() {
    let mut ep = established_with(Config {
        iw: Some(2),
        ..config()
    });
    assert_eq!(ep.tcb.cwnd, 200);
    ep.call(Call::Send(1000), at(0)).unwrap();
    recv!(ep, [our_data(1, 100, false), our_data(101, 100, false)]);
}

#[test]
fn test_established_linux_profile_initial_window_is_ten_segments() {
    let mut linux = config();
    linux.set_profile(Profile::Linux);
    let ep = established_with(linux);
    assert_eq!(ep.tcb.cwnd, 1000);
}

#[test]
fn test_established_initial_window_is_one_segment_after_syn_timeout() {
    let mut ep = syn_sent();
    ep.handle_timeout(at(1000));
    settle(&mut ep);
    send!(ep, time 1500, peer_syn_ack());
    state!(ep, Established);
    assert_eq!(ep.tcb.cwnd, 100);
}

#[test]
fn test_established_cc_none_sends_the_whole_window() {
    let mut ep = established_with(Config {
        cc: CongestionControl::None,
        ..config()
    });
    ep.call(Call::Send(1200), at(0)).unwrap();
    // The peer's window, 1000 bytes, is the only limit.
    assert_eq!(drain(&mut ep).len(), 10);
    assert_eq!(ep.tcb.snd_nxt, local(1001));
}

#[test]
fn test_established_congestion_avoidance_adds_smss_squared_over_cwnd() {
    let mut ep = established_with_four_segments_out();
    ep.tcb.ssthresh = 400;
    send!(ep, peer_ack(101));
    // RFC 5681 eq. (3): 100 * 100 / 400 = 25.
    assert_eq!(ep.tcb.cwnd, 425);
    send!(ep, peer_ack(201));
    assert_eq!(ep.tcb.cwnd, 425 + 100 * 100 / 425);
}

#[test]
fn test_established_three_dup_acks_fast_retransmit() {
    let mut ep = established_with_four_segments_out();
    send!(ep, peer_ack(1));
    send!(ep, peer_ack(1));
    events!(ep, [note(Rule::AckDuplicate), note(Rule::AckDuplicate)]);
    recv!(ep, []);
    send!(ep, peer_ack(1));
    events!(ep, [note(Rule::AckDuplicate), note(Rule::CcFastRetransmit)]);
    recv_rtx!(ep, [our_data(1, 100, false)]);
    // ssthresh = max(FlightSize/2, 2*SMSS) = 200; cwnd = ssthresh + 3*SMSS.
    assert_eq!((ep.tcb.ssthresh, ep.tcb.cwnd), (200, 500));
    assert!(ep.tcb.in_recovery);
    // A fourth inflates cwnd by one SMSS.
    send!(ep, peer_ack(1));
    assert_eq!(ep.tcb.cwnd, 600);
    recv!(ep, []);
}

#[test]
fn test_established_fast_recovery_partial_ack_then_full_ack() {
    let mut ep = established_with_four_segments_out();
    for _ in 0..4 {
        send!(ep, peer_ack(1));
    }
    settle(&mut ep);
    assert_eq!(ep.tcb.cwnd, 600);
    // The retransmission filled the first hole; the second segment was lost as well.
    send!(ep, peer_ack(201));
    events!(ep, [note(Rule::AckAdvances), note(Rule::CcPartialAck)]);
    recv_rtx!(ep, [our_data(201, 100, false)]);
    // Deflated by the 200 bytes acknowledged, one SMSS added back.
    assert_eq!(ep.tcb.cwnd, 500);
    assert!(ep.tcb.in_recovery);
    send!(ep, peer_ack(401));
    events!(ep, [note(Rule::AckAdvances), note(Rule::CcFullAck)]);
    // min(ssthresh, max(FlightSize, SMSS) + SMSS) = min(200, 200).
    assert_eq!(ep.tcb.cwnd, 200);
    assert!(!ep.tcb.in_recovery);
}

#[test]
fn test_established_dup_ack_with_new_window_is_not_counted() {
    let mut ep = established_with_four_segments_out();
    for window in [900, 800, 700] {
        send!(
            ep,
            Segment {
                window,
                ..peer_ack(1)
            }
        );
    }
    assert_eq!(ep.tcb.dup_acks, 0);
    recv!(ep, []);
}

#[test]
fn test_established_rto_sets_loss_window_and_sends_the_rest_again_in_slow_start() {
    let mut ep = established_with_four_segments_out();
    ep.handle_timeout(at(1000));
    events!(
        ep,
        [
            fired(Timer::Retransmission),
            note(Rule::Retransmit),
            note(Rule::CcLossWindow)
        ]
    );
    recv_rtx!(ep, [our_data(1, 100, false)]);
    assert_eq!((ep.tcb.cwnd, ep.tcb.ssthresh), (100, 200));
    // Its ACK opens cwnd to two segments: the next two go again, not the fourth.
    send!(ep, time 1100, peer_ack(101));
    assert_eq!(ep.tcb.cwnd, 200);
    recv_rtx!(ep, [our_data(101, 100, false), our_data(201, 100, false)]);
    // The peer had the rest: one ACK covers it all, nothing more is sent again.
    send!(ep, time 1200, peer_ack(401));
    recv!(ep, []);
    assert_eq!(ep.tcb.rtx_next, None);
}

#[test]
fn test_established_no_second_fast_retransmit_after_rto() {
    let mut ep = established_with_four_segments_out();
    ep.handle_timeout(at(1000));
    settle(&mut ep);
    // Duplicate ACKs for segments the timeout sent again do not cover "recover".
    for _ in 0..3 {
        send!(ep, time 1100, peer_ack(1));
    }
    events!(
        ep,
        [
            note(Rule::AckDuplicate),
            note(Rule::AckDuplicate),
            note(Rule::AckDuplicate),
            note(Rule::CcNoFastRetransmit)
        ]
    );
    recv!(ep, []);
    assert_eq!(ep.tcb.cwnd, 100);
}

#[test]
fn test_established_restart_after_idle_falls_back_to_initial_window() {
    let mut ep = established_with_four_segments_out();
    // One ACK adds at most one SMSS in slow start (RFC 5681 eq. (2)).
    send!(ep, peer_ack(401));
    assert_eq!(ep.tcb.cwnd, 500);
    settle(&mut ep);
    // Idle for more than the RTO (1 s): RFC 5681 §4.1.
    ep.call(Call::Send(1000), at(5000)).unwrap();
    events!(ep, [note(Rule::CcIdleRestart)]);
    assert_eq!(drain(&mut ep).len(), 4);
    assert_eq!(ep.tcb.cwnd, 400);
}

#[test]
fn test_established_no_idle_restart_within_an_rto() {
    let mut ep = established_with_four_segments_out();
    send!(ep, peer_ack(401));
    settle(&mut ep);
    ep.call(Call::Send(1000), at(500)).unwrap();
    events!(ep, []);
    assert_eq!(drain(&mut ep).len(), 5);
}

// ---- Delayed ACKs (§3.8.6.3, RFC 5681 §4.2). The peer's segments are full-sized at 100
// bytes (the MSS both sides use). ----

fn established_delack() -> Endpoint {
    established_with(Config {
        delack: true,
        ..config()
    })
}

fn established_linux_delack() -> Endpoint {
    let mut linux = Config {
        delack: true,
        ..config()
    };
    linux.set_profile(Profile::Linux);
    established_with(linux)
}

/// The peer's data `<SEQ=remote(from)><LEN=len>`.
fn peer_data(from: u32, len: u32) -> Segment {
    Segment {
        seq: remote(from),
        len,
        ..SEND_TEMPL
    }
}

/// Our ACK of the peer's data up to `remote(n)`.
fn our_ack(n: u32) -> Segment {
    Segment {
        ack: remote(n),
        ..RECV_TEMPL
    }
}

#[test]
fn test_established_data_ack_delayed_until_timer() {
    let mut ep = established_delack();
    send!(ep, time 10, peer_data(1, 50));
    events!(ep, [note(Rule::TextAccepted), note(Rule::AckDelayed)]);
    recv!(ep, []);
    // MUST-58: under 0.5 s; 200 ms here.
    check_timer(&ep, Timer::DelayedAck, Some(210));
    ep.handle_timeout(at(209));
    recv!(ep, []);
    ep.handle_timeout(at(210));
    events!(
        ep,
        [fired(Timer::DelayedAck), note(Rule::DelayedAckTimeout)]
    );
    recv!(ep, [our_ack(51)]);
    check_timer(&ep, Timer::DelayedAck, None);
}

#[test]
fn test_established_second_full_sized_segment_acked_at_once() {
    let mut ep = established_delack();
    send!(ep, peer_data(1, 100));
    recv!(ep, []);
    settle(&mut ep);
    send!(ep, time 30, peer_data(101, 100));
    events!(
        ep,
        [note(Rule::TextAccepted), note(Rule::AckEverySecondSegment)]
    );
    recv!(ep, [our_ack(201)]);
    check_timer(&ep, Timer::DelayedAck, None);
    // The count starts again: the next segment waits.
    send!(ep, time 40, peer_data(201, 100));
    recv!(ep, []);
    check_timer(&ep, Timer::DelayedAck, Some(240));
}

#[test]
fn test_established_delayed_ack_rides_on_our_data() {
    let mut ep = established_delack();
    send!(ep, peer_data(1, 50));
    settle(&mut ep);
    ep.call(Call::Send(10), at(20)).unwrap();
    recv!(
        ep,
        [Segment {
            ack: remote(51),
            ..our_data(1, 10, true)
        }]
    );
    check_timer(&ep, Timer::DelayedAck, None);
    assert_eq!(ep.tcb.unacked_bytes, 0);
}

#[test]
fn test_established_out_of_order_and_gap_filling_data_acked_at_once() {
    let mut ep = established_delack();
    send!(ep, peer_data(51, 50));
    events!(ep, [note(Rule::TextQueued)]);
    recv!(ep, [our_ack(1)]);
    send!(ep, peer_data(1, 50));
    events!(ep, [note(Rule::TextAccepted)]);
    recv!(ep, [our_ack(101)]);
    check_timer(&ep, Timer::DelayedAck, None);
}

#[test]
fn test_established_fin_acked_at_once_with_delack() {
    let mut ep = established_delack();
    send!(
        ep,
        Segment {
            flags: Flags::ACK | Flags::FIN,
            ..peer_data(1, 50)
        }
    );
    state!(ep, CloseWait);
    recv!(ep, [our_ack(52)]);
}

#[test]
fn test_established_delack_timeout_setting() {
    let mut ep = established_with(Config {
        delack: true,
        delack_timeout: Duration::from_millis(100),
        ..config()
    });
    send!(ep, peer_data(1, 50));
    check_timer(&ep, Timer::DelayedAck, Some(100));
}

#[test]
fn test_established_linux_quick_acks_the_first_16_segments_then_delays() {
    let mut ep = established_linux_delack();
    assert_eq!(ep.config.delack_timeout, Duration::from_millis(40));
    for i in 0..16 {
        let from = 1 + 100 * i;
        send!(ep, time u64::from(i), peer_data(from, 100));
        events!(ep, [note(Rule::TextAccepted), note(Rule::LinuxQuickAck)]);
        recv!(ep, [our_ack(from + 100)]);
    }
    // The 17th full-sized segment waits TCP_DELACK_MIN; the 18th makes two.
    send!(ep, time 100, peer_data(1601, 100));
    events!(ep, [note(Rule::TextAccepted), note(Rule::AckDelayed)]);
    recv!(ep, []);
    check_timer(&ep, Timer::DelayedAck, Some(140));
    send!(ep, time 110, peer_data(1701, 100));
    events!(
        ep,
        [note(Rule::TextAccepted), note(Rule::AckEverySecondSegment)]
    );
    recv!(ep, [our_ack(1801)]);
    // A short segment, read at once by the application, is acknowledged at once.
    send!(ep, time 120, peer_data(1801, 10));
    events!(
        ep,
        [
            note(Rule::TextAccepted),
            note(Rule::LinuxAckSmallSegmentRead)
        ]
    );
    recv!(ep, [our_ack(1811)]);
}

#[test]
fn test_established_delack_off_acks_every_segment() {
    let mut ep = established();
    send!(ep, peer_data(1, 100));
    recv!(ep, [our_ack(101)]);
    check_timer(&ep, Timer::DelayedAck, None);
}

// ---- The Nagle algorithm (§3.7.4) and sender SWS avoidance (§3.8.6.2.1). SMSS = 100. ----

fn established_nagle_sws() -> Endpoint {
    established_with(Config {
        nagle: true,
        sws: true,
        ..config()
    })
}

#[test]
fn test_established_nagle_holds_short_segment_while_data_unacked() {
    let mut ep = established_nagle_sws();
    ep.call(Call::Send(250), at(0)).unwrap();
    // Full segments go; the 50-byte tail waits for the ACK (SHLD-7).
    recv!(ep, [our_data(1, 100, false), our_data(101, 100, false)]);
    events!(ep, [note(Rule::NagleHolds)]);
    // More small sends do not repeat the note, nor send.
    ep.call(Call::Send(10), at(5)).unwrap();
    recv!(ep, []);
    events!(ep, []);
    // A partial ACK leaves data unacknowledged: still held.
    send!(ep, time 10, peer_ack(101));
    recv!(ep, []);
    send!(ep, time 20, peer_ack(201));
    recv!(ep, [our_data(201, 60, true)]);
}

#[test]
fn test_established_nagle_sends_when_a_full_segment_is_queued() {
    let mut ep = established_nagle_sws();
    ep.call(Call::Send(50), at(0)).unwrap();
    // Nothing unacknowledged: the short segment goes at once.
    recv!(ep, [our_data(1, 50, true)]);
    ep.call(Call::Send(30), at(1)).unwrap();
    recv!(ep, []);
    // 30 + 80 = a full segment's worth: it goes, the 10 left over waits.
    ep.call(Call::Send(80), at(2)).unwrap();
    recv!(ep, [our_data(51, 100, false)]);
}

#[test]
fn test_established_nagle_off_sends_short_segments_at_once() {
    let mut ep = established_with(Config {
        sws: true,
        ..config()
    });
    ep.call(Call::Send(50), at(0)).unwrap();
    ep.call(Call::Send(50), at(1)).unwrap();
    // TCP_NODELAY: the second goes while the first is unacknowledged.
    recv!(ep, [our_data(1, 50, true), our_data(51, 50, true)]);
}

#[test]
fn test_established_linux_nagle_is_minshalls() {
    let mut linux = Config {
        nagle: true,
        sws: true,
        ..config()
    };
    linux.set_profile(Profile::Linux);
    let mut ep = established_with(linux);
    // Two full segments outstanding do not hold the short tail (tcp_minshall_check)...
    ep.call(Call::Send(250), at(0)).unwrap();
    recv!(
        ep,
        [
            our_data(1, 100, false),
            our_data(101, 100, false),
            our_data(201, 50, true)
        ]
    );
    // ...but an outstanding short segment does.
    ep.call(Call::Send(20), at(1)).unwrap();
    recv!(ep, []);
    events!(ep, [note(Rule::NagleHolds)]);
    send!(ep, time 10, peer_ack(251));
    recv!(ep, [our_data(251, 20, true)]);
}

#[test]
fn test_established_sws_avoidance_waits_for_window_then_override() {
    let mut ep = established_nagle_sws();
    // The peer offered 1000; now only 30 bytes of window are open.
    send!(
        ep,
        Segment {
            window: 30,
            ..SEND_TEMPL
        }
    );
    ep.call(Call::Send(500), at(0)).unwrap();
    // MUST-38: 30 < min(MSS, 1000 / 2): nothing goes, the override timer starts.
    recv!(ep, []);
    events!(ep, [note(Rule::SwsAvoidanceHolds)]);
    check_timer(&ep, Timer::SwsOverride, Some(200));
    ep.handle_timeout(at(200));
    events!(
        ep,
        [fired(Timer::SwsOverride), note(Rule::SwsOverrideSends)]
    );
    recv!(ep, [our_data(1, 30, false)]);
    check_timer(&ep, Timer::SwsOverride, None);
}

#[test]
fn test_established_sws_avoidance_sends_when_the_window_opens() {
    let mut ep = established_nagle_sws();
    send!(
        ep,
        Segment {
            window: 30,
            ..SEND_TEMPL
        }
    );
    ep.call(Call::Send(500), at(0)).unwrap();
    settle(&mut ep);
    send!(
        ep,
        time 50,
        Segment {
            window: 300,
            ..SEND_TEMPL
        }
    );
    recv!(
        ep,
        [
            our_data(1, 100, false),
            our_data(101, 100, false),
            our_data(201, 100, false)
        ]
    );
    check_timer(&ep, Timer::SwsOverride, None);
}

#[test]
fn test_established_sws_avoidance_sends_half_the_largest_window() {
    let mut ep = established_nagle_sws();
    // The largest window seen is 1000, so 60 bytes are not enough but ...
    send!(
        ep,
        Segment {
            window: 60,
            ..SEND_TEMPL
        }
    );
    ep.call(Call::Send(500), at(0)).unwrap();
    recv!(ep, []);
    // ... with a peer whose largest window is 100, 60 bytes are more than half of it.
    let mut ep = established_nagle_sws();
    ep.tcb.max_snd_wnd = 100;
    send!(
        ep,
        Segment {
            window: 60,
            ..SEND_TEMPL
        }
    );
    ep.call(Call::Send(500), at(0)).unwrap();
    recv!(ep, [our_data(1, 60, false)]);
}

#[test]
fn test_established_sws_off_sends_into_a_small_window() {
    let mut ep = established_with(Config {
        nagle: true,
        ..config()
    });
    send!(
        ep,
        Segment {
            window: 30,
            ..SEND_TEMPL
        }
    );
    ep.call(Call::Send(500), at(0)).unwrap();
    recv!(ep, [our_data(1, 30, false)]);
}

// ---- CUBIC (RFC 9438). SMSS is 100 as above; the handshake's RTT sample was 0 ms, so the
// curve's target is W_cubic(t) itself. ----

/// Takes the events reported so far.
fn take_events(ep: &mut Endpoint) -> Vec<EndpointEvent> {
    core::iter::from_fn(|| ep.poll_event()).collect()
}

fn cubic_config() -> Config {
    Config {
        cc: CongestionControl::Cubic,
        ..config()
    }
}

/// ESTABLISHED under CUBIC with 400 bytes (the initial window) outstanding.
fn established_cubic_with_four_segments_out() -> Endpoint {
    let mut ep = established_with(cubic_config());
    ep.call(Call::Send(400), at(0)).unwrap();
    settle(&mut ep);
    ep
}

/// In congestion avoidance at `cwnd` bytes after a loss at `w_max`, no stage begun yet.
fn cubic_after_loss(cwnd: u32, w_max: u32) -> Endpoint {
    let mut ep = established_with(cubic_config());
    let t = &mut ep.tcb;
    t.cwnd = cwnd;
    t.ssthresh = cwnd;
    t.cubic.w_max = w_max;
    t.cubic.cwnd_prior = w_max;
    t.cubic.k_zero = false;
    ep
}

#[test]
fn test_established_cubic_three_dup_acks_reduce_by_beta_0_7() {
    let mut ep = established_cubic_with_four_segments_out();
    for _ in 0..3 {
        send!(ep, peer_ack(1));
    }
    events!(
        ep,
        [
            note(Rule::AckDuplicate),
            note(Rule::AckDuplicate),
            note(Rule::AckDuplicate),
            note(Rule::CubicFastRetransmit)
        ]
    );
    recv_rtx!(ep, [our_data(1, 100, false)]);
    // ssthresh = max(FlightSize * 0.7, 2*SMSS) = 280 (NewReno's would be 200); cwnd is
    // inflated by 3*SMSS for fast recovery; W_max remembers the cwnd before the loss.
    assert_eq!((ep.tcb.ssthresh, ep.tcb.cwnd), (280, 580));
    assert_eq!(ep.tcb.cubic.w_max, 400);
    assert_eq!(ep.windows().map(|w| w.phase), Some(CcPhase::FastRecovery));
    // The full ACK ends recovery as NewReno does: min(ssthresh, FlightSize + SMSS), here
    // with nothing left in flight 200, below ssthresh, so slow start takes it back to 280.
    send!(ep, peer_ack(401));
    assert_eq!(ep.tcb.cwnd, 200);
    assert_eq!(ep.windows().map(|w| w.phase), Some(CcPhase::SlowStart));
}

#[test]
fn test_established_cubic_fast_convergence_lowers_w_max() {
    // The last loss was at 1000; this one comes at 800, before cwnd got back there.
    let mut ep = cubic_after_loss(800, 1000);
    ep.call(Call::Send(800), at(0)).unwrap();
    settle(&mut ep);
    for _ in 0..3 {
        send!(ep, peer_ack(1));
    }
    events!(
        ep,
        [
            note(Rule::AckDuplicate),
            note(Rule::AckDuplicate),
            note(Rule::AckDuplicate),
            note(Rule::CubicFastConvergence),
            note(Rule::CubicFastRetransmit)
        ]
    );
    // W_max = cwnd * (1 + 0.7) / 2 = 680; ssthresh = 800 * 0.7 = 560.
    assert_eq!(ep.tcb.cubic.w_max, 680);
    assert_eq!(ep.tcb.cubic.cwnd_prior, 800);
    assert_eq!(ep.tcb.ssthresh, 560);
}

#[test]
fn test_established_cubic_no_fast_convergence_past_w_max() {
    let mut ep = cubic_after_loss(800, 600);
    ep.call(Call::Send(800), at(0)).unwrap();
    settle(&mut ep);
    for _ in 0..3 {
        send!(ep, peer_ack(1));
    }
    assert!(!take_events(&mut ep).contains(&EndpointEvent::Note(Rule::CubicFastConvergence)));
    assert_eq!(ep.tcb.cubic.w_max, 800);
}

#[test]
fn test_established_cubic_curve_concave_then_convex() {
    // W_max 1000, cwnd 700 after the loss: K = cbrt((1000 - 700) / (0.4 * 100)) s = 1.957 s.
    let mut ep = cubic_after_loss(700, 1000);
    ep.cubic_on_ack(100, at(0));
    assert_eq!(ep.tcb.cubic.k_ms, 1957);
    assert_eq!(ep.tcb.cubic.epoch_start, Some(at(0)));
    // At t = 0 the curve is at cwnd (700) and W_est has already grown past it: Reno-friendly.
    // W_est = 700 + (9/17) * 100 * 100 / 700 = 707.
    events!(ep, [note(Rule::CubicRenoFriendly)]);
    assert_eq!(ep.tcb.cwnd, 707);
    // One second on, W_cubic = 1000 - 0.4 * 100 * 0.957^3 = 964: concave, towards W_max.
    ep.cubic_on_ack(100, at(1000));
    events!(ep, [note(Rule::CubicConcave)]);
    // cwnd += (964 - 707) * 100 / 707 = 36.
    assert_eq!(ep.tcb.cwnd, 743);
    let mut last = ep.tcb.cwnd;
    // Near K the gain per ACK shrinks: the plateau around W_max.
    for t in (1100..=1957).step_by(100) {
        ep.cubic_on_ack(100, at(t));
        assert!(ep.tcb.cwnd >= last);
        last = ep.tcb.cwnd;
    }
    assert!(
        ep.tcb.cwnd < 1000,
        "still below W_max at K: {}",
        ep.tcb.cwnd
    );
    take_events(&mut ep);
    // Past W_max the curve turns convex and grows faster with time.
    ep.tcb.cwnd = 1000;
    ep.cubic_on_ack(100, at(3000));
    events!(ep, [note(Rule::CubicConvex)]);
    let early = ep.tcb.cwnd - 1000;
    let before = ep.tcb.cwnd;
    ep.cubic_on_ack(100, at(5000));
    let late = ep.tcb.cwnd - before;
    assert!(late > early, "convex: {early} then {late}");
}

#[test]
fn test_established_cubic_target_is_capped_at_one_and_a_half_cwnd() {
    let mut ep = cubic_after_loss(700, 1000);
    ep.cubic_on_ack(100, at(0));
    ep.tcb.cwnd = 1000;
    // Ten seconds in, W_cubic is far above; the target is 1.5 * cwnd, and an ACK of one
    // segment adds (1500 - 1000) * 100 / 1000.
    ep.cubic_on_ack(100, at(10_000));
    assert_eq!(ep.tcb.cwnd, 1050);
}

#[test]
fn test_established_cubic_rto_uses_beta_and_restarts_the_curve_from_k_zero() {
    let mut ep = established_cubic_with_four_segments_out();
    ep.handle_timeout(at(1000));
    events!(
        ep,
        [
            fired(Timer::Retransmission),
            note(Rule::Retransmit),
            note(Rule::CubicLossWindow)
        ]
    );
    // cwnd = 1 SMSS; ssthresh = max(400 * 0.7, 200) = 280.
    assert_eq!((ep.tcb.cwnd, ep.tcb.ssthresh), (100, 280));
    assert!(ep.tcb.cubic.k_zero);
    // Slow start back to ssthresh, then the first stage starts with K = 0, W_max = cwnd.
    ep.tcb.cwnd = 280;
    ep.tcb.rto_recovery = false;
    ep.cubic_on_ack(100, at(2000));
    assert_eq!((ep.tcb.cubic.k_ms, ep.tcb.cubic.w_max), (0, 280));
}

#[test]
fn test_established_cubic_idle_time_is_not_curve_time() {
    let mut ep = cubic_after_loss(700, 1000);
    ep.call(Call::Send(100), at(0)).unwrap();
    settle(&mut ep);
    send!(ep, time 100, peer_ack(101));
    assert_eq!(ep.tcb.cubic.epoch_start, Some(at(100)));
    // Nothing in flight from t=100 (the last data left at 0); data leaves again at 600,
    // within an RTO, so there is no restart: the stage's start moves on by 600 ms.
    ep.call(Call::Send(100), at(600)).unwrap();
    settle(&mut ep);
    assert_eq!(ep.tcb.cubic.epoch_start, Some(at(700)));
}

#[test]
fn test_established_linux_profile_runs_cubic() {
    let mut linux = config();
    linux.set_profile(Profile::Linux);
    assert_eq!(linux.cc, CongestionControl::Cubic);
    linux.set_profile(Profile::Rfc);
    assert_eq!(linux.cc, CongestionControl::NewReno);
}

// ---- The receiving application (§3.10.3) and receiver SWS avoidance (§3.8.6.2.2): our
// buffer is LOCAL_WIN (1000) bytes, the peer's segments 100 bytes, so Eff.snd.MSS is 100 and
// the window reopens once min(1000/2, 100) = 100 bytes are free. ----

/// ESTABLISHED with an application that reads only when told (`set read manual`).
fn established_manual_reader() -> Endpoint {
    established_with(Config {
        read_auto: false,
        ..config()
    })
}

/// Our ACK of the peer's data up to `remote(n)`, offering `window`.
fn our_ack_win(n: u32, window: u16) -> Segment {
    Segment {
        window,
        ..our_ack(n)
    }
}

#[test]
fn test_established_manual_reader_window_shrinks_to_zero() {
    let mut ep = established_manual_reader();
    send!(ep, peer_data(1, 100));
    // The right edge stays: RCV.NXT moved 100 on, so the window is 100 smaller.
    recv!(ep, [our_ack_win(101, 900)]);
    for k in 1..10 {
        send!(ep, peer_data(1 + 100 * k, 100));
    }
    settle(&mut ep);
    assert_eq!((ep.tcb.rcv_wnd, ep.tcb.rcv_user), (0, 1000));
    assert_eq!(ep.received(), 0, "the application has read nothing");
    // A zero-window probe is acknowledged, its data not taken.
    send!(ep, peer_data(1001, 1));
    events!(ep, [note(Rule::ZeroWindowAckOnly)]);
    recv!(ep, [our_ack_win(1001, 0)]);
}

#[test]
fn test_established_read_reopens_window_only_by_min_buff_half_mss() {
    let mut ep = established_manual_reader();
    for k in 0..10 {
        send!(ep, peer_data(1 + 100 * k, 100));
    }
    settle(&mut ep);
    // MUST-39: 40 bytes free is less than min(500, 100): no window update.
    ep.call(Call::Read(40), at(0)).unwrap();
    events!(ep, [note(Rule::AppRead), note(Rule::ReceiverSwsHolds)]);
    recv!(ep, []);
    assert_eq!(ep.tcb.rcv_wnd, 0);
    // 100 free: RCV.WND = RCV.BUFF - RCV.USER, sent at once.
    ep.call(Call::Read(60), at(0)).unwrap();
    events!(ep, [note(Rule::AppRead), note(Rule::WindowUpdate)]);
    recv!(ep, [our_ack_win(1001, 100)]);
    assert_eq!(ep.received(), 100);
    // Reading more than is waiting takes what there is.
    ep.call(Call::Read(5000), at(0)).unwrap();
    settle(&mut ep);
    assert_eq!((ep.tcb.rcv_wnd, ep.tcb.rcv_user), (1000, 0));
    assert_eq!(ep.received(), 1000);
}

#[test]
fn test_established_auto_reader_keeps_the_window_whole() {
    let mut ep = established();
    send!(ep, peer_data(1, 100));
    recv!(ep, [our_ack_win(101, 1000)]);
    settle(&mut ep);
    assert_eq!(ep.received(), 100);
    // Nothing waits, so a read reads nothing and says nothing.
    ep.call(Call::Read(10), at(0)).unwrap();
    events!(ep, []);
}

#[test]
fn test_close_wait_read_serves_data_on_hand_then_connection_closing() {
    let mut ep = established_manual_reader();
    send!(
        ep,
        Segment {
            flags: Flags::ACK | Flags::FIN,
            ..peer_data(1, 100)
        }
    );
    settle(&mut ep);
    state!(ep, CloseWait);
    ep.call(Call::Read(100), at(0)).unwrap();
    assert_eq!(ep.received(), 100);
    // §3.10.3: "If no text is awaiting delivery, the RECEIVE will get an error".
    assert_eq!(
        ep.call(Call::Read(100), at(0)),
        Err(CallError::ConnectionClosing)
    );
}

#[test]
fn test_established_switching_to_auto_reads_what_waits() {
    let mut ep = established_manual_reader();
    send!(ep, peer_data(1, 300));
    settle(&mut ep);
    let mut auto = ep.config().clone();
    auto.read_auto = true;
    ep.set_config(auto);
    assert_eq!((ep.tcb.rcv_wnd, ep.tcb.rcv_user), (1000, 0));
    assert_eq!(ep.received(), 300);
}

// Window scaling, timestamps and SACK (RFC 7323, RFC 2018): their own file, beside these.
mod options;
// Linux's tail loss probe (RFC 8985 §7): its own file too.
mod tlp;

/// Linux acknowledges a short segment at once only once its application has read it
/// (tcp_cleanup_rbuf): an application that does not read leaves it to the 40 ms timer, as
/// the lab's `delayed-ack-not-reading` measured.
#[test]
fn test_established_linux_short_segment_unread_waits_for_the_delayed_ack_timer() {
    let mut linux = Config {
        delack: true,
        read_auto: false,
        ..config()
    };
    linux.set_profile(Profile::Linux);
    let mut ep = established_with(linux);
    for i in 0..16 {
        send!(ep, time u64::from(i) * 100, peer_data(1 + 10 * i, 10));
        events!(ep, [note(Rule::TextAccepted), note(Rule::LinuxQuickAck)]);
        recv!(ep, [our_ack_win(11 + 10 * i, 1000 - 10 * (i as u16 + 1))]);
    }
    send!(ep, time 1600, peer_data(161, 10));
    events!(ep, [note(Rule::TextAccepted), note(Rule::AckDelayed)]);
    recv!(ep, []);
    check_timer(&ep, Timer::DelayedAck, Some(1640));
    ep.handle_timeout(at(1640));
    settle(&mut ep);
    assert_eq!(ep.tcb.rcv_user, 170);
}
