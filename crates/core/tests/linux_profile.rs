//! `set profile linux`: Linux's timer values against RFC 9293's, and the log saying where
//! they differ.

use synack_core::script::run_source;
use synack_core::{script, Cause, Event, Instant, Peer, Rule, Setting, Sim, State, Timer};

fn run(source: &str) -> Sim {
    let outcome = run_source(source).expect("the test script parses");
    assert!(
        outcome.passed(),
        "{:?} {:?}",
        outcome.failures,
        outcome.error
    );
    outcome.sim
}

/// A's state changes, with when and why.
fn changes(sim: &Sim, peer: Peer) -> Vec<(u64, State, Rule)> {
    sim.trace()
        .iter()
        .filter_map(|ev| match &ev.event {
            Event::StateChange {
                peer: p, to, rule, ..
            } if *p == peer => Some((ev.time.millis(), *to, *rule)),
            _ => None,
        })
        .collect()
}

fn notes(sim: &Sim) -> Vec<Rule> {
    sim.trace()
        .iter()
        .filter_map(|ev| match &ev.event {
            Event::Note { rule, .. } => Some(*rule),
            _ => None,
        })
        .collect()
}

/// A closes first; everything happens at t=0 and A ends in TIME_WAIT.
const CLOSE_TO_TIME_WAIT: &str = "B listen\nA connect\ndeliver s1\ndeliver s2\ndeliver s3\n\
A close\ndeliver s4\ndeliver s5\nB close\ndeliver s6\ndeliver s7\nexpect A TIME_WAIT\n";

/// The SYNs A sent, by time in ms.
fn syn_times(sim: &Sim) -> Vec<u64> {
    sim.segments()
        .iter()
        .filter(|r| r.from == Peer::A && r.segment.flags.syn())
        .map(|r| r.sent_at.millis())
        .collect()
}

#[test]
fn time_wait_lasts_60s_under_linux_whatever_the_msl() {
    let sim = run(&format!(
        "set profile linux\nset msl 5min\n{CLOSE_TO_TIME_WAIT}wait 59999ms\nexpect A TIME_WAIT\nwait 1ms\nexpect A CLOSED\n"
    ));
    let last = *changes(&sim, Peer::A).last().unwrap();
    assert_eq!(last, (60_000, State::Closed, Rule::LinuxTimeWaitExpired));
    assert!(notes(&sim).contains(&Rule::LinuxTimeWait));
}

#[test]
fn time_wait_lasts_2msl_without_the_profile() {
    let sim = run(&format!(
        "{CLOSE_TO_TIME_WAIT}wait 60s\nexpect A TIME_WAIT\nwait 179999ms\nexpect A TIME_WAIT\nwait 1ms\nexpect A CLOSED\n"
    ));
    let last = *changes(&sim, Peer::A).last().unwrap();
    assert_eq!(last, (240_000, State::Closed, Rule::TimeWaitExpired));
    assert!(!notes(&sim).iter().any(|r| r.reason().starts_with("Linux")));
}

#[test]
fn back_to_rfc_profile_restores_2msl() {
    let sim = run(&format!(
        "set profile linux\nset profile rfc\nset msl 30s\n{CLOSE_TO_TIME_WAIT}"
    ));
    assert_eq!(
        sim.endpoint(Peer::A).timer(Timer::TimeWait),
        Some(Instant::ZERO + synack_core::Duration::from_secs(60))
    );
    assert_eq!(sim.endpoint(Peer::A).config().retries, 7);
}

#[test]
fn linux_syn_is_retransmitted_10_times_linear_then_doubling_and_gives_up_at_131s() {
    // What the Linux lab saw Linux 6.18 do (lab/linux/syn-retries.tcps): tcp_syn_retries 6
    // plus tcp_syn_linear_timeouts 4, the first 4 retransmissions 1 s apart.
    let sim = run(
        "set profile linux\nA connect\nwait 130s\nexpect A SYN_SENT\nwait 1s\nexpect A CLOSED\n",
    );
    assert_eq!(
        syn_times(&sim),
        [0, 1_000, 2_000, 3_000, 4_000, 5_000, 7_000, 11_000, 19_000, 35_000, 67_000]
    );
    let last = *changes(&sim, Peer::A).last().unwrap();
    assert_eq!(last, (131_000, State::Closed, Rule::LinuxSynGiveUp));
}

#[test]
fn rfc_profile_syn_backoff_uses_retries() {
    let sim = run("A connect\nwait 246s\nexpect A SYN_SENT\nwait 1s\nexpect A CLOSED\n");
    assert_eq!(
        syn_times(&sim).len(),
        8,
        "the SYN and 7 retransmissions; the last RTO is capped at 120 s"
    );
    assert_eq!(
        changes(&sim, Peer::A).last().unwrap().2,
        Rule::RetransmitGiveUp
    );
}

#[test]
fn syn_retries_key_overrides_the_profile() {
    // Linux adds its 4 linear timeouts to tcp_syn_retries, whatever that is set to.
    let sim = run("set profile linux\nset syn.retries 2\nA connect\nwait 10s\nexpect A SYN_SENT\nwait 1s\nexpect A CLOSED\n");
    assert_eq!(
        syn_times(&sim),
        [0, 1_000, 2_000, 3_000, 4_000, 5_000, 7_000]
    );
    let last = *changes(&sim, Peer::A).last().unwrap();
    assert_eq!(last, (11_000, State::Closed, Rule::LinuxSynGiveUp));
}

#[test]
fn linux_synack_is_retransmitted_5_times_then_the_listener_stays() {
    // A's SYN arrives, then A vanishes: B's SYN,ACK goes unanswered.
    let sim = run(
        "set profile linux\nB listen\nA connect\ndeliver s1\nA crash\nwait 62s\nexpect B SYN_RCVD\nwait 1s\nexpect B LISTEN\n",
    );
    let synacks: Vec<u64> = sim
        .segments()
        .iter()
        .filter(|r| r.from == Peer::B && r.segment.flags.syn())
        .map(|r| r.sent_at.millis())
        .collect();
    assert_eq!(synacks, [0, 1_000, 3_000, 7_000, 15_000, 31_000]);
    let last = *changes(&sim, Peer::B).last().unwrap();
    assert_eq!(last, (63_000, State::Listen, Rule::LinuxSynAckGiveUp));
}

#[test]
fn linux_data_retries_are_15() {
    let sim = run("set profile linux\nB listen\nA connect\ndeliver s1\ndeliver s2\ndeliver s3\nB crash\nA send 10\nwait 30min\nexpect A CLOSED\n");
    let data = sim
        .segments()
        .iter()
        .filter(|r| r.from == Peer::A && r.segment.len == 10)
        .count();
    assert_eq!(
        data, 17,
        "the segment, the tail loss probe and 15 retransmissions"
    );
    assert!(notes(&sim).contains(&Rule::LinuxTailLossProbe));
    assert_eq!(
        changes(&sim, Peer::A).last().unwrap().2,
        Rule::LinuxRetransmitGiveUp
    );
}

#[test]
fn linux_orphan_fin_is_probed_once_then_retransmitted_8_times() {
    // Lab: orphan-fin-retries. SACK is agreed (the profile offers it both ways), so a tail
    // loss probe goes 200 ms after the FIN (2 x SRTT + 200 ms, SRTT 0), and the RTO's
    // doubling starts from the probe.
    let sim = run("set profile linux\nB listen\nA connect\ndeliver s1\ndeliver s2\ndeliver s3\nA close\nwait 200s\n");
    let fins: Vec<u64> = sim
        .segments()
        .iter()
        .filter(|r| r.from == Peer::A && r.segment.flags.fin())
        .map(|r| r.sent_at.millis())
        .collect();
    assert_eq!(
        fins,
        [0, 200, 400, 800, 1_600, 3_200, 6_400, 12_800, 25_600, 51_200]
    );
    let last = *changes(&sim, Peer::A).last().unwrap();
    assert_eq!(last, (102_400, State::Closed, Rule::LinuxOrphanGiveUp));
    // `set tlp off`: the RFC 6298 schedule, one FIN fewer.
    let off = run("set profile linux\nset tlp off\nB listen\nA connect\ndeliver s1\ndeliver s2\ndeliver s3\nA close\nwait 200s\n");
    let fins = off
        .segments()
        .iter()
        .filter(|r| r.from == Peer::A && r.segment.flags.fin())
        .count();
    assert_eq!(fins, 9);
    assert!(!notes(&off).contains(&Rule::LinuxTailLossProbe));
}

#[test]
fn linux_orphaned_fin_wait_2_is_destroyed_after_fin_timeout() {
    let close = "B listen\nA connect\ndeliver s1\ndeliver s2\ndeliver s3\nA close\ndeliver s4\ndeliver s5\nexpect A FIN_WAIT_2\n";
    let sim = run(&format!(
        "set profile linux\n{close}wait 59999ms\nexpect A FIN_WAIT_2\nwait 1ms\nexpect A CLOSED\nexpect inflight none\n"
    ));
    assert!(notes(&sim).contains(&Rule::LinuxFinWait2Timer));
    let last = *changes(&sim, Peer::A).last().unwrap();
    assert_eq!(last, (60_000, State::Closed, Rule::LinuxFinWait2Timeout));
    // It is its own timer, not TIME_WAIT's 2MSL, in the endpoint's view and in the log.
    let armed = run(&format!("set profile linux\n{close}wait 30s\n"));
    let a = armed.endpoint(Peer::A);
    assert_eq!(a.timer(Timer::FinWait2), Some(Instant(60_000)));
    assert_eq!(a.timer(Timer::TimeWait), None);
    let expired_by = sim.trace().iter().find_map(|ev| match &ev.event {
        Event::StateChange {
            peer: Peer::A,
            to: State::Closed,
            cause,
            ..
        } => Some(*cause),
        _ => None,
    });
    assert_eq!(expired_by, Some(Cause::Timer(Timer::FinWait2)));
    // RFC 9293 has no such timer: FIN-WAIT-2 waits for the peer's FIN.
    let sim = run(&format!("{close}wait 10min\nexpect A FIN_WAIT_2\n"));
    assert_eq!(sim.endpoint(Peer::A).timer(Timer::TimeWait), None);
}

#[test]
fn a_fin_in_fin_wait_2_under_linux_starts_the_60s_time_wait() {
    let sim = run("set profile linux\nB listen\nA connect\ndeliver s1\ndeliver s2\ndeliver s3\nA close\ndeliver s4\ndeliver s5\nwait 30s\nB close\ndeliver s6\nexpect A TIME_WAIT\nwait 59s\nexpect A TIME_WAIT\nwait 1s\nexpect A CLOSED\n");
    assert_eq!(
        changes(&sim, Peer::A).last().unwrap(),
        &(90_000, State::Closed, Rule::LinuxTimeWaitExpired)
    );
}

#[test]
fn linux_rto_floor_is_srtt_plus_200ms() {
    // 50 ms each way: the SYN's RTT sample is 100 ms.
    let script = "set delivery auto\nB listen\nA connect\nwait 1s\nexpect A ESTABLISHED\n";
    let linux = run(&format!("set profile linux\n{script}"));
    let rfc = run(script);
    // SRTT 100, RTTVAR 50: Linux 100 + max(4 x 50, 200) = 300 ms; RFC 6298 floors at 1 s.
    assert_eq!(linux.endpoint(Peer::A).tcb().rto.millis(), 300);
    assert_eq!(rfc.endpoint(Peer::A).tcb().rto.millis(), 1_000);
}

#[test]
fn profile_rejects_unknown_values() {
    let parse = |line: &str| script::parse_line(1, line);
    let err = parse("set profile bsd").unwrap_err();
    assert_eq!(err.column, 13);
    assert!(err.message.contains("`rfc` or `linux`"), "{}", err.message);
    assert!(parse("set syn.retries 51").is_err());
    assert!(parse("set synack.retries x").is_err());
    assert!(Sim::new().set(Setting::SynackRetries(51)).is_err());
}
