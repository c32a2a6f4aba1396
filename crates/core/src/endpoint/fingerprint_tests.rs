//! The fingerprint leaves nothing out: endpoints that share one look the same in every field
//! their `Debug` shows, once times are read relative to now. A field added to the endpoint
//! or its TCB that `fingerprint` ignores shows up here as soon as the search reaches two
//! moments that differ only in it, whatever its name.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hasher};

use super::*;
use crate::explore::{self, CallKind, Options};

/// `Debug` of the endpoint with every `t=S.MMMs` instant rewritten relative to `now`, and the
/// values the fingerprint deliberately reads differently put in the same form: the
/// received-bytes total (never read by the endpoint), an expired RFC 5961 §7 throttle and
/// data sent more than an RTO ago.
fn relative_debug(ep: &Endpoint, now: Instant) -> String {
    let mut ep = ep.clone();
    ep.received_total = 0;
    let limit = ep.config.ack_ratelimit;
    ep.tcb.last_oow_ack = ep
        .tcb
        .last_oow_ack
        .filter(|&at| limit > Duration::ZERO && now - at < limit);
    // RFC 5681 §4.1's idle test: any moment more than an RTO ago is the same one.
    let rto = ep.tcb.rto;
    ep.tcb.last_data_sent = ep.tcb.last_data_sent.map(|at| {
        if now - at > rto {
            Instant(now.0 - rto.0 - 1)
        } else {
            at
        }
    });
    let text = format!("{ep:?}");
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some(i) = rest.find("t=") {
        out += &rest[..i];
        let after = &rest[i + 2..];
        let end = after.find('s').unwrap_or(0);
        let millis = after[..end]
            .split_once('.')
            .and_then(|(s, ms)| Some(s.parse::<i128>().ok()? * 1000 + ms.parse::<i128>().ok()?));
        match millis {
            Some(ms) => {
                out += &format!("t{:+}ms", ms - i128::from(now.0));
                rest = &after[end + 1..];
            }
            None => {
                out += "t=";
                rest = after;
            }
        }
    }
    out + rest
}

fn print(ep: &Endpoint, now: Instant) -> u64 {
    let mut h = DefaultHasher::new();
    ep.fingerprint(now, &mut h);
    h.finish()
}

#[test]
fn endpoints_with_one_fingerprint_look_the_same() {
    let starts = [
        ("B listen\nA connect\n", false),
        (
            "B listen\nA connect\ndeliver s1\ndeliver s2\ndeliver s3\n",
            true,
        ),
        (
            "B listen\nA connect\ndeliver s1\ndeliver s2\ndeliver s3\nA send 3000\nB close\n",
            false,
        ),
        (
            "set delivery auto\nset keepalive 10s\nB listen\nA connect\nwait 100ms\nA send 10\n",
            false,
        ),
        (
            "B listen\nA connect\ndeliver s1\ndeliver s2\ndeliver s3\n\
             inject B->A ACK seq=1 ack=1 win=0\nA send 5\n",
            false,
        ),
        (
            "set profile linux\nB listen\nA connect\ndeliver s1\ndeliver s2\ndeliver s3\n",
            true,
        ),
        // Moments that differ in one variable only: the window (the update is in flight),
        // the keep-alive probes sent, a CLOSE deferred behind queued data.
        (
            "B listen\nA connect\ndeliver s1\ndeliver s2\ndeliver s3\nA send 5\n\
             inject B->A ACK seq=1 ack=6 win=0 inflight\n\
             inject B->A ACK seq=1 ack=6 win=100 inflight\n",
            false,
        ),
        (
            "set keepalive 10s\nB listen\nA connect\ndeliver s1\ndeliver s2\ndeliver s3\n",
            false,
        ),
        ("B listen\nA connect\ndeliver s1\nB send 10\n", true),
        // Congestion control: slow start, duplicate ACKs, fast retransmit, RTOs.
        (
            "set mss 100\nB listen\nA connect\ndeliver s1\ndeliver s2\ndeliver s3\n\
             A send 800\n",
            false,
        ),
    ];
    let mut compared = 0;
    for (start, calls) in starts {
        let options = Options {
            calls: if calls {
                CallKind::ALL.to_vec()
            } else {
                Vec::new()
            },
            ..Options::default()
        };
        let sim = crate::script::run_source(start).unwrap().sim;
        let mut first: HashMap<u64, String> = HashMap::new();
        for moment in explore::moments(&sim, &options, 4000) {
            for peer in crate::trace::Peer::BOTH {
                let ep = moment.endpoint(peer);
                let shown = relative_debug(ep, moment.now());
                match first.get(&print(ep, moment.now())) {
                    Some(earlier) => {
                        compared += 1;
                        assert_eq!(
                            earlier, &shown,
                            "from {start:?}: one fingerprint, two endpoints"
                        );
                    }
                    None => {
                        first.insert(print(ep, moment.now()), shown);
                    }
                }
            }
        }
    }
    assert!(compared > 10_000, "only {compared} comparisons");
}

#[test]
fn relative_debug_reads_instants_relative_to_now() {
    let mut ep = Endpoint::new(Config::default(), 7);
    ep.call(Call::Connect, Instant(5000)).unwrap();
    while ep.poll_transmit().is_some() {}
    while ep.poll_event().is_some() {}
    let shown = relative_debug(&ep, Instant(5500));
    // The SYN is timed from 5 s (500 ms ago) and its timer fires at 6 s (in 500 ms).
    assert!(shown.contains("t-500ms"), "{shown}");
    assert!(shown.contains("t+500ms"), "{shown}");
    assert!(!shown.contains("t="), "{shown}");
}
