//! Window scaling, timestamps and SACK (RFC 7323, RFC 2018), in the style of the tests above.

use super::*;
use crate::segment::TcpOptions;

/// The default test configuration with every option offered: window scale 7 (Linux's),
/// timestamps, SACK.
fn config_with_options() -> Config {
    Config {
        wscale: Some(7),
        timestamps: true,
        sack: true,
        ..config()
    }
}

fn with(options: TcpOptions, seg: Segment) -> Segment {
    Segment { options, ..seg }
}

fn ws(shift: u8) -> TcpOptions {
    TcpOptions {
        window_scale: Some(shift),
        ..TcpOptions::NONE
    }
}

fn ts(tsval: u32, tsecr: u32) -> TcpOptions {
    TcpOptions {
        timestamps: Some((tsval, tsecr)),
        ..TcpOptions::NONE
    }
}

fn sack_ok() -> TcpOptions {
    TcpOptions {
        sack_permitted: true,
        ..TcpOptions::NONE
    }
}

fn sack_blocks(blocks: &[(SeqNum, SeqNum)]) -> TcpOptions {
    let mut o = TcpOptions::NONE;
    for &(l, r) in blocks {
        o.push_sack(l.0, r.0);
    }
    o
}

#[test]
fn test_syn_sent_offers_every_option_configured() {
    let mut ep = Endpoint::new(config_with_options(), LOCAL_ISS);
    ep.call(Call::Connect, at(0)).unwrap();
    let offered = TcpOptions {
        window_scale: Some(7),
        sack_permitted: true,
        timestamps: Some((0, 0)),
        ..TcpOptions::NONE
    };
    recv!(ep, [with(offered, our_syn())]);
}

#[test]
fn test_syn_sent_wscale_negotiated() {
    let mut ep = syn_sent_with(Config {
        wscale: Some(7),
        ..config()
    });
    // The SYN,ACK's window is never scaled (RFC 7323 §2.2).
    send!(ep, with(ws(2), peer_syn_ack()));
    state!(ep, Established);
    assert_eq!(ep.tcb.snd_wnd, u32::from(REMOTE_WIN));
    assert_eq!(ep.tcb().wscale, Some((2, 7)));
    // Our ACK says RCV.WND >> 7, and carries no window scale option (only SYNs do).
    recv!(
        ep,
        [Segment {
            window: LOCAL_WIN >> 7,
            ..RECV_TEMPL
        }]
    );
    // Later windows from the peer are shifted left by its 2.
    send!(
        ep,
        Segment {
            window: 3000,
            ..SEND_TEMPL
        }
    );
    assert_eq!(ep.tcb.snd_wnd, 12_000);
}

#[test]
fn test_syn_sent_wscale_off_when_the_peer_does_not_offer_it() {
    let mut ep = syn_sent_with(Config {
        wscale: Some(7),
        ..config()
    });
    send!(ep, peer_syn_ack());
    assert_eq!(ep.tcb().wscale, None);
    // Neither side shifts: our window goes as it is.
    recv!(ep, [RECV_TEMPL]);
    send!(
        ep,
        Segment {
            window: 3000,
            ..SEND_TEMPL
        }
    );
    assert_eq!(ep.tcb.snd_wnd, 3000);
}

#[test]
fn test_listen_syn_ack_offers_only_what_the_syn_offered() {
    let mut ep = Endpoint::new(config_with_options(), LOCAL_ISS);
    ep.call(Call::Listen, at(0)).unwrap();
    settle(&mut ep);
    // A SYN with only SACK-permitted: the SYN,ACK answers with SACK-permitted alone.
    send!(ep, with(sack_ok(), peer_syn()));
    recv!(ep, [with(sack_ok(), our_syn_ack())]);
    send!(ep, peer_ack(1));
    state!(ep, Established);
    let t = ep.tcb();
    assert_eq!((t.wscale, t.timestamps, t.sack), (None, false, true));
}

#[test]
fn test_listen_syn_ack_answers_every_option() {
    let mut ep = Endpoint::new(config_with_options(), LOCAL_ISS);
    ep.call(Call::Listen, at(0)).unwrap();
    settle(&mut ep);
    let offer = TcpOptions {
        window_scale: Some(3),
        sack_permitted: true,
        timestamps: Some((777, 0)),
        ..TcpOptions::NONE
    };
    send!(ep, time 5, with(offer, peer_syn()));
    // TSecr echoes the SYN's TSval; TSval is our clock, 5 ms.
    let answer = TcpOptions {
        window_scale: Some(7),
        timestamps: Some((5, 777)),
        ..offer
    };
    recv!(ep, [with(answer, our_syn_ack())]);
    send!(ep, time 9, with(ts(778, 5), peer_ack(1)));
    state!(ep, Established);
    let t = ep.tcb();
    assert_eq!((t.wscale, t.timestamps, t.sack), (Some((3, 7)), true, true));
    // RTTM: the ACK echoes 5, it came at 9: a 4 ms sample.
    assert_eq!(ep.tcb.srtt, Some(Duration::from_millis(4)));
}

#[test]
fn test_established_window_beyond_64k_needs_wscale() {
    // 1 MiB of receive buffer. With a shift of 5 the field says 32768: 1 MiB.
    let big = Config {
        window: 1 << 20,
        wscale: Some(5),
        ..config()
    };
    let mut ep = syn_sent_with(big.clone());
    send!(ep, with(ws(0), peer_syn_ack()));
    assert_eq!(ep.tcb.rcv_wnd, 1 << 20);
    recv!(
        ep,
        [Segment {
            window: 32_768,
            ..RECV_TEMPL
        }]
    );
    // Without the peer's agreement, the window is what 16 bits can say: 65535.
    let mut ep = syn_sent_with(big);
    send!(ep, peer_syn_ack());
    assert_eq!(ep.tcb.rcv_wnd, 65_535);
    recv!(
        ep,
        [Segment {
            window: 65_535,
            ..RECV_TEMPL
        }]
    );
}

#[test]
fn test_syn_received_peer_wscale_above_14_is_taken_as_14() {
    let mut ep = Endpoint::new(config_with_options(), LOCAL_ISS);
    ep.call(Call::Listen, at(0)).unwrap();
    settle(&mut ep);
    send!(ep, with(ws(15), peer_syn()));
    events!(
        ep,
        [
            note(Rule::WscaleClamped),
            change(State::Listen, State::SynReceived, Rule::ListenSyn)
        ]
    );
    settle(&mut ep);
    send!(ep, peer_ack(1));
    assert_eq!(ep.tcb().wscale, Some((14, 7)));
}

/// ESTABLISHED with timestamps on: our SYN left at t=0, the peer's SYN,ACK (TSval 1000)
/// came at t=100, so SRTT is 100 ms.
fn established_ts() -> Endpoint {
    let mut ep = syn_sent_with(Config {
        timestamps: true,
        ..config()
    });
    send!(ep, time 100, with(ts(1000, 0), peer_syn_ack()));
    recv!(ep, [with(ts(100, 1000), RECV_TEMPL)]);
    settle(&mut ep);
    state!(ep, Established);
    ep
}

#[test]
fn test_syn_sent_timestamps_negotiated_and_echoed() {
    let mut ep = established_ts();
    assert!(ep.tcb().timestamps);
    assert_eq!(ep.tcb.srtt, Some(Duration::from_millis(100)));
    // Every segment now carries 12 bytes of timestamps: the peer's MSS of 100 leaves 88
    // bytes of data a segment (RFC 9293 §3.7.1's Eff.snd.MSS).
    assert_eq!(ep.tcb.snd_mss, 88);
    ep.call(Call::Send(100), at(200)).unwrap();
    recv!(
        ep,
        [
            with(ts(200, 1000), our_data(1, 88, false)),
            with(ts(200, 1000), our_data(89, 12, true))
        ]
    );
}

#[test]
fn test_established_timestamps_rtt_sample_from_a_retransmission() {
    let mut ep = established_ts();
    ep.call(Call::Send(88), at(200)).unwrap();
    recv!(ep, [with(ts(200, 1000), our_data(1, 88, true))]);
    // The RTO (SRTT 100 + 4 x 50 = 300 ms, floored at 1 s) passes: the data goes again,
    // with a fresh TSval.
    ep.handle_timeout(at(1200));
    recv_rtx!(ep, [with(ts(1200, 1000), our_data(1, 88, true))]);
    settle(&mut ep);
    // The ACK echoes the retransmission's TSval: a 50 ms sample, which Karn's algorithm
    // would have thrown away (RFC 7323 §4.1).
    send!(ep, time 1250, with(ts(1001, 1200), peer_ack(89)));
    let srtt = ep.tcb.srtt.unwrap();
    // 7/8 x 100 + 1/8 x 50.
    assert_eq!(srtt, Duration::from_millis(93));
}

#[test]
fn test_established_paws_drops_an_old_duplicate() {
    let mut ep = established_ts();
    send!(ep, time 300, with(ts(1010, 100), peer_data(1, 50)));
    assert_eq!(ep.tcb.rcv_nxt, remote(51));
    settle(&mut ep);
    // The same sequence numbers again, stamped before the last segment: an old duplicate
    // from an earlier incarnation as far as PAWS can tell.
    send!(ep, time 400, with(ts(1005, 100), peer_data(51, 50)));
    events!(ep, [note(Rule::PawsDrop)]);
    assert_eq!(ep.tcb.rcv_nxt, remote(51));
    recv!(
        ep,
        [with(
            ts(400, 1010),
            Segment {
                ack: remote(51),
                ..RECV_TEMPL
            }
        )]
    );
    // A RST with an old TSval is dropped without an answer.
    send!(
        ep,
        time 500,
        with(
            ts(1, 0),
            Segment {
                seq: remote(51),
                flags: Flags::RST,
                ..SEND_TEMPL
            }
        )
    );
    events!(ep, [note(Rule::PawsDrop)]);
    recv!(ep, []);
    state!(ep, Established);
}

#[test]
fn test_established_ts_recent_only_from_segments_at_last_ack_sent() {
    let mut ep = established_ts();
    // Out of order: beyond Last.ACK.sent, so TS.Recent stays (RFC 7323 §4.3).
    send!(ep, time 300, with(ts(1500, 100), peer_data(101, 50)));
    recv!(
        ep,
        [with(
            ts(300, 1000),
            Segment {
                ack: remote(1),
                ..RECV_TEMPL
            }
        )]
    );
    // The hole filled, at Last.ACK.sent: its TSval is echoed.
    send!(ep, time 310, with(ts(1200, 100), peer_data(1, 100)));
    recv!(
        ep,
        [with(
            ts(310, 1200),
            Segment {
                ack: remote(151),
                ..RECV_TEMPL
            }
        )]
    );
}

/// ESTABLISHED with SACK on (and nothing else).
fn established_sack() -> Endpoint {
    let mut ep = syn_sent_with(Config {
        sack: true,
        ..config()
    });
    send!(ep, with(sack_ok(), peer_syn_ack()));
    settle(&mut ep);
    assert!(ep.tcb().sack);
    ep
}

#[test]
fn test_established_sack_blocks_most_recent_first() {
    let mut ep = established_sack();
    send!(ep, peer_data(101, 100));
    recv!(
        ep,
        [with(sack_blocks(&[(remote(101), remote(201))]), our_ack(1))]
    );
    send!(ep, peer_data(301, 100));
    recv!(
        ep,
        [with(
            sack_blocks(&[(remote(301), remote(401)), (remote(101), remote(201))]),
            our_ack(1)
        )]
    );
    // Filling the first hole joins 1..201; the block left is the one above.
    send!(ep, peer_data(1, 100));
    recv!(
        ep,
        [with(
            sack_blocks(&[(remote(301), remote(401))]),
            our_ack(201)
        )]
    );
    // And nothing held, no blocks.
    send!(ep, peer_data(201, 100));
    recv!(ep, [our_ack(401)]);
}

#[test]
fn test_established_sack_blocks_join_adjacent_arrivals() {
    let mut ep = established_sack();
    send!(ep, peer_data(201, 100));
    settle(&mut ep);
    send!(ep, peer_data(101, 100));
    recv!(
        ep,
        [with(sack_blocks(&[(remote(101), remote(301))]), our_ack(1))]
    );
}

#[test]
fn test_established_sack_five_holes_reports_four_blocks() {
    let mut ep = established_sack();
    for i in 1..=5 {
        send!(ep, peer_data(i * 100 + 1, 50));
        settle(&mut ep);
    }
    send!(ep, peer_data(601, 50));
    // Without timestamps, four blocks fit; the newest first, then the next newest.
    let seg = drain(&mut ep)[0].0;
    let blocks = seg.options.sack_blocks();
    assert_eq!(blocks.len(), 4);
    assert_eq!(blocks[0], (remote(601).0, remote(651).0));
    assert_eq!(blocks[1], (remote(501).0, remote(551).0));
    assert_eq!(blocks[3], (remote(301).0, remote(351).0));
}

#[test]
fn test_established_sack_off_when_only_we_offer_it() {
    let mut ep = syn_sent_with(Config {
        sack: true,
        ..config()
    });
    send!(ep, peer_syn_ack());
    settle(&mut ep);
    send!(ep, peer_data(101, 100));
    recv!(ep, [our_ack(1)]);
}

/// ESTABLISHED with SACK agreed and an initial window of 10 segments (of the peer's MSS,
/// 100 bytes), and 1000 bytes sent: local(1) .. local(1001), ten segments.
fn established_sack_ten_out(sack: bool) -> Endpoint {
    let mut ep = syn_sent_with(Config {
        sack,
        iw: Some(10),
        ..config()
    });
    send!(ep, with(sack_ok(), peer_syn_ack()));
    settle(&mut ep);
    ep.call(Call::Send(1000), at(0)).unwrap();
    assert_eq!(drain(&mut ep).len(), 10);
    settle(&mut ep);
    ep
}

/// The peer got local(1..101), lost 101, 301 and 501, and got the rest: its three duplicate
/// ACKs of 101, SACK blocks newest first.
fn three_holes_dup_acks() -> [Segment; 3] {
    [
        with(sack_blocks(&[(local(201), local(301))]), peer_ack(101)),
        with(
            sack_blocks(&[(local(401), local(501)), (local(201), local(301))]),
            peer_ack(101),
        ),
        with(
            sack_blocks(&[
                (local(601), local(1001)),
                (local(401), local(501)),
                (local(201), local(301)),
            ]),
            peer_ack(101),
        ),
    ]
}

#[test]
fn test_established_sack_recovery_resends_every_lost_hole_in_one_round_trip() {
    let mut ep = established_sack_ten_out(true);
    send!(ep, peer_ack(101));
    settle(&mut ep);
    let [d1, d2, d3] = three_holes_dup_acks();
    send!(ep, d1);
    send!(ep, d2);
    recv!(ep, []);
    settle(&mut ep);
    send!(ep, d3);
    events!(
        ep,
        [
            note(Rule::AckDuplicate),
            note(Rule::SackRecoveryStarts),
            note(Rule::SackRetransmit),
            note(Rule::SackRetransmit)
        ]
    );
    // ssthresh = cwnd = FlightSize / 2 = 450; pipe counts only the resent 101 (the other
    // holes are deemed lost, RFC 6675 IsLost), so 301 and 501 go as well, at once.
    recv_rtx!(
        ep,
        [
            our_data(101, 100, false),
            our_data(301, 100, false),
            our_data(501, 100, false)
        ]
    );
    assert_eq!((ep.tcb.cwnd, ep.tcb.ssthresh), (450, 450));
    // The cumulative ACK past RecoveryPoint ends the recovery; cwnd stays at ssthresh.
    send!(ep, peer_ack(1001));
    events!(ep, [note(Rule::AckAdvances), note(Rule::SackRecoveryEnds)]);
    assert_eq!(ep.tcb.cwnd, 450);
    assert!(ep.tcb.sack.scoreboard.is_empty());
}

#[test]
fn test_established_without_sack_fast_retransmit_resends_one_hole() {
    // The same losses and ACKs with SACK off: NewReno resends only the first hole now, the
    // next after a partial ACK a round trip later.
    let mut ep = established_sack_ten_out(false);
    send!(ep, peer_ack(101));
    settle(&mut ep);
    for d in three_holes_dup_acks() {
        send!(ep, d);
    }
    recv_rtx!(ep, [our_data(101, 100, false)]);
}

#[test]
fn test_established_sack_blocks_outside_the_window_are_ignored() {
    let mut ep = established_sack_ten_out(true);
    // Below SND.UNA, beyond SND.NXT, and backwards: none reaches the scoreboard.
    send!(ep, peer_ack(101));
    send!(
        ep,
        with(
            sack_blocks(&[
                (local(1), local(101)),
                (local(901), local(2001)),
                (local(501), local(401))
            ]),
            peer_ack(101)
        )
    );
    assert!(ep.tcb.sack.scoreboard.is_empty());
}

#[test]
fn test_established_sack_rto_forgets_the_scoreboard() {
    let mut ep = established_sack_ten_out(true);
    send!(ep, peer_ack(101));
    let [d1, _, _] = three_holes_dup_acks();
    send!(ep, d1);
    assert_eq!(ep.tcb.sack.scoreboard, [(local(201), local(301))]);
    settle(&mut ep);
    // RFC 2018 §8: after a timeout, what was SACKed is not trusted.
    ep.handle_timeout(at(1000));
    assert!(ep.tcb.sack.scoreboard.is_empty());
}
