//! Linux's tail loss probe (RFC 8985 §7; tcp_schedule_loss_probe, tcp_send_loss_probe), in
//! the style of the tests above. Lab: orphan-fin-retries, data-retries.

use super::*;
use crate::segment::TcpOptions;

/// ESTABLISHED under the Linux profile with SACK agreed (and no other option), the SYN,ACK
/// having come 30 ms after the SYN: SRTT 30 ms, RTTVAR 15 ms, so the RTO is
/// 30 + max(4 x 15, 200) = 230 ms.
fn established_linux_sack(tlp: bool) -> Endpoint {
    established_linux_sack_with(Config {
        tlp,
        ..linux_config()
    })
}

fn established_linux_sack_with(config: Config) -> Endpoint {
    let mut ep = syn_sent_with(Config {
        sack: true,
        ..config
    });
    let syn_ack = Segment {
        options: TcpOptions {
            sack_permitted: true,
            ..TcpOptions::NONE
        },
        ..peer_syn_ack()
    };
    send!(ep, time 30, syn_ack);
    settle(&mut ep);
    assert!(ep.tcb().sack);
    assert_eq!(ep.tcb().rto, Duration::from_millis(230));
    ep
}

#[test]
fn test_established_linux_tlp_probes_the_last_of_two_segments_after_2_srtt_plus_2ms() {
    let mut ep = established_linux_sack(true);
    ep.call(Call::Send(200), at(30)).unwrap();
    recv!(ep, [our_data(1, 100, false), our_data(101, 100, true)]);
    settle(&mut ep);
    // Two segments out: PTO = 2 x 30 + 2 ms, and the probe timer stands in for the RTO.
    check_timer(&ep, Timer::LossProbe, Some(92));
    check_timer(&ep, Timer::Retransmission, None);
    ep.handle_timeout(at(92));
    events!(
        ep,
        [fired(Timer::LossProbe), note(Rule::LinuxTailLossProbe)]
    );
    recv_rtx!(ep, [our_data(101, 100, true)]);
    // The RTO runs a full, unbacked-off RTO from the probe, and the probe is not counted.
    check_timer(&ep, Timer::Retransmission, Some(92 + 230));
    check_timer(&ep, Timer::LossProbe, None);
    assert_eq!(ep.tcb().rto, Duration::from_millis(230));
    assert_eq!(ep.tcb.retransmissions, 0);
}

#[test]
fn test_established_linux_tlp_one_segment_waits_for_the_rto_at_most() {
    // One segment out: 2 x SRTT + 200 ms = 260 ms, later than the RTO at 230 ms, which wins.
    let mut ep = established_linux_sack(true);
    ep.call(Call::Send(100), at(30)).unwrap();
    recv!(ep, [our_data(1, 100, true)]);
    check_timer(&ep, Timer::LossProbe, Some(30 + 230));
    check_timer(&ep, Timer::Retransmission, None);
}

#[test]
fn test_established_linux_tlp_only_one_probe_per_tail() {
    let mut ep = established_linux_sack(true);
    ep.call(Call::Send(300), at(30)).unwrap();
    assert_eq!(drain(&mut ep).len(), 3);
    settle(&mut ep);
    ep.handle_timeout(at(92));
    recv_rtx!(ep, [our_data(201, 100, true)]);
    settle(&mut ep);
    // The first segment is acknowledged, not the probe: the timer is the probe's again
    // (tcp_set_xmit_timer), 2 x 30 + 2 ms from the ACK, but it sends nothing.
    send!(ep, time 100, peer_ack(101));
    settle(&mut ep);
    check_timer(&ep, Timer::LossProbe, Some(162));
    ep.handle_timeout(at(162));
    events!(
        ep,
        [
            fired(Timer::LossProbe),
            note(Rule::LinuxTailLossProbeSkipped)
        ]
    );
    recv!(ep, []);
    check_timer(&ep, Timer::Retransmission, Some(100 + 230));
    // The RTO then resends the front, backed off as usual.
    ep.handle_timeout(at(330));
    events!(
        ep,
        [
            fired(Timer::Retransmission),
            note(Rule::Retransmit),
            note(Rule::CubicLossWindow)
        ]
    );
    recv_rtx!(ep, [our_data(101, 100, false)]);
    assert_eq!(ep.tcb().rto, Duration::from_millis(460));
}

#[test]
fn test_established_linux_tlp_sends_new_data_that_cwnd_held_back() {
    // An initial window of 2 segments holds the other 8 back; the peer's window (1000)
    // would take them. The probe is new data, cwnd notwithstanding (tcp_write_xmit with
    // push_one 2).
    let mut ep = established_linux_sack_with(Config {
        iw: Some(2),
        ..linux_config()
    });
    ep.call(Call::Send(1000), at(30)).unwrap();
    assert_eq!(drain(&mut ep).len(), 2);
    settle(&mut ep);
    ep.handle_timeout(at(92));
    events!(
        ep,
        [fired(Timer::LossProbe), note(Rule::LinuxTailLossProbe)]
    );
    recv!(ep, [our_data(201, 100, false)]);
    check_timer(&ep, Timer::Retransmission, Some(92 + 230));
}

#[test]
fn test_established_linux_tlp_full_peer_window_probes_with_the_last_segment() {
    // The peer's window (1000) is full: the eleventh segment may not go, so the probe is
    // the highest-sequence segment again (tcp_snd_wnd_test fails).
    let mut ep = established_linux_sack(true);
    ep.call(Call::Send(1100), at(30)).unwrap();
    assert_eq!(drain(&mut ep).len(), 10);
    settle(&mut ep);
    ep.handle_timeout(at(92));
    events!(
        ep,
        [fired(Timer::LossProbe), note(Rule::LinuxTailLossProbe)]
    );
    recv_rtx!(ep, [our_data(901, 100, false)]);
}

#[test]
fn test_established_linux_tlp_acked_tail_stops_both_timers() {
    let mut ep = established_linux_sack(true);
    ep.call(Call::Send(100), at(30)).unwrap();
    settle(&mut ep);
    send!(ep, time 60, peer_ack(101));
    settle(&mut ep);
    check_timer(&ep, Timer::LossProbe, None);
    check_timer(&ep, Timer::Retransmission, None);
}

#[test]
fn test_established_tlp_needs_sack_and_the_switch() {
    // `set tlp off` under Linux, SACK without TLP, and the RFC profile: the RTO alone.
    let mut off = established_linux_sack(false);
    let mut no_sack = established_linux();
    let mut rfc = established();
    for ep in [&mut off, &mut no_sack, &mut rfc] {
        ep.call(Call::Send(100), at(30)).unwrap();
        settle(ep);
        check_timer(ep, Timer::LossProbe, None);
        assert!(ep.timer(Timer::Retransmission).is_some());
    }
    assert!(!Config::default().tlp);
    assert!(linux_config().tlp);
}
