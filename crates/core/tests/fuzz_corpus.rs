//! Replays the fuzz target's body (`fuzz/body.rs`, the same file the cargo-fuzz target
//! `script` runs) over a fixed set of nasty inputs, so that plain `cargo test` on stable
//! exercises it. The inputs: empty and blank sources, binary junk, very long lines, huge
//! numbers, long waits, Unicode (including Unicode whitespace and digits), CRLF and lone CR,
//! NUL bytes, the built-in scenarios, and every line-prefix and a few byte-truncations of
//! them.

#[path = "../../../fuzz/body.rs"]
mod body;

use std::path::PathBuf;

/// Deterministic junk: a 64-bit LCG, so the inputs never change between runs.
fn junk(seed: u64, len: usize) -> Vec<u8> {
    let mut x = seed;
    (0..len)
        .map(|_| {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (x >> 56) as u8
        })
        .collect()
}

fn nasty_inputs() -> Vec<Vec<u8>> {
    let mut inputs: Vec<Vec<u8>> = Vec::new();
    let mut text = |s: &str| inputs.push(s.as_bytes().to_vec());

    // Empty and blank.
    text("");
    text("\n");
    text("\n\n\n   \t \n");
    text("#");
    text("# only a comment\n#\n##\n");

    // Huge and edge numbers.
    text("A send 99999999999999999999999999999999");
    text("A send 18446744073709551615");
    text("A send 4294967295");
    // Issue 13's settings and checks at their edges.
    text("expect A cwnd 99999999999999999999");
    text("expect B ssthresh 4294967296\nexpect A cwnd -1\nexpect A cwnd");
    text("set iw 4294967296\nset iw 0\nset cc reno\nset delack.timeout 500ms");
    text("set delack.timeout 99999999999999min\nset nagle maybe\nset sws");
    text(
        "set mss 65535\nset iw 100\nset window 65535\nset loss 50%\nset delivery auto\n\
         B listen\nA connect\nwait 1s\nA send 4294967295\nB send 4294967295\nwait 30s\n\
         expect A cwnd 0\nexpect B ssthresh 0",
    );
    text(
        "set mss 1\nset delack.timeout 499ms\nset nagle off\nset sws off\nB listen\n\
         A connect\ndeliver s1\ndeliver s2\ndeliver s3\nset window 1\nA send 1000\n\
         wait 2s\nset cc none\nset window 0\nwait 5s\nset cc newreno\nset window 65535\nwait 5s",
    );
    // CUBIC, the Linux profile's controller, and the slow reader's calls at their edges.
    text("set cc cubic\nset cc CUBIC\nset cc cubic cubic\nset read\nset read slow\nA read\nA read -1");
    text("A read 1073741825\nB read 99999999999999999999\nA read 0\nA read 1e3");
    text(
        "set cc cubic\nset read manual\nset window 1\nset mss 1\nset delivery auto\nB listen\n\
         A connect\nwait 1s\nA send 100000\nwait 10s\nB read 1\nwait 1s\nB read 4294967295\n\
         wait 5s\nset read auto\nwait 30s\nexpect A cwnd 1",
    );
    text(
        "set profile linux\nset loss 10%\nset delivery auto\nset read manual\nB listen\n\
         A connect\nwait 1s\nA send 300000\nB send 30000\nwait 5s\nB read 5000\nA read 100\n\
         wait 20s\nA close\nB read 1000000\nB close\nA read 1\nwait 200s\nA read 1",
    );
    text("set cc cubic\nset loss 30%\nset delivery auto\nB listen\nA connect\nwait 3s\nA send 1000000\nwait 600s");
    text("A send 1073741824\nA send 1073741825");
    text("wait 18446744073709551615ms");
    text("wait 99999999999999999999min");
    text("wait 1000000min");
    text("wait 0ms\nwait 0s\nwait 0min");
    text("wait -1s");
    text("wait 1");
    text("wait ms");
    text("deliver s0\n");
    text("deliver s4294967296");
    text("deliver s4294967295");
    text("drop s99999999999999999999");
    text("expect A received 18446744073709551616");
    text("expect A received 18446744073709551615");
    text("inject A->B SYN seq=@4294967296");
    text("inject A->B SYN seq=-2147483649");
    text("inject A->B SYN seq=-2147483648");
    text("inject A->B SYN seq=4294967295 len=65535 win=65535");
    text("inject A->B SYN seq=0 len=65536");
    text("inject A->B SYN seq=0 win=65536");
    text("inject A->B ACK seq=0");
    text("inject A->B SYN seq=0 ack=1");
    text("inject A->B SYN,SYN seq=0");
    text("inject A->B , seq=0");
    text("inject A->B SYN seq=0 seq=1");
    text("inject A->A SYN seq=0");
    text("set isn.A 4294967296");
    text("set isn.A 4294967295\nset isn.B 2147483648\nB listen\nA connect\ndeliver s1\ndeliver s2\ndeliver s3\nA send 10\nwait 1000000min");
    text("set loss 100.00001");
    text("set loss 100\nset delivery auto\nB listen\nA connect\nwait 1000000min");
    text("set loss 0.0001%");
    text("set mss 0");
    text("set mss 65536");
    text("set window 65536");
    // Options in inject and expect: bounds, bad text, and injected options the engine must
    // take without a panic (a zero MSS, a shift above 14, SACK blocks anywhere, a TSecr
    // from the future, PAWS on an old TSval).
    text("inject A->B SYN seq=0 mss=65536\ninject A->B SYN seq=0 wscale=256\ninject A->B SYN seq=0 mss=");
    text("inject A->B SYN seq=0 ts=1\ninject A->B SYN seq=0 ts=/\ninject A->B SYN seq=0 ts=4294967296/0");
    text("inject A->B ACK seq=0 ack=0 sack=\ninject A->B ACK seq=0 ack=0 sack=-\ninject A->B ACK seq=0 ack=0 sack=--");
    text("inject A->B ACK seq=0 ack=0 sack=1-2,,3-4\ninject A->B ACK seq=0 ack=0 sack=@-@\ninject A->B ACK seq=0 ack=0 sack=1-2,3-4,5-6,7-8,9-10");
    text("inject A->B SYN seq=0 sack=1-2\ninject A->B SYN seq=0 sackok=1\ninject A->B SYN seq=0 options=all\ninject A->B SYN seq=0 options=none mss=1");
    text("expect s1 A->B SYN seq=0 sackok sackok\nexpect s1 A->B SYN seq=0 sack=none sack=none\nexpect s1 A->B SYN seq=0 options");
    text(
        "set wscale 14\nset sack on\nset timestamps on\nB listen\n\
         inject A->B SYN seq=0 mss=0 wscale=255 sackok ts=4294967295/4294967295\n\
         inject A->B ACK seq=1 ack=1 win=65535 ts=0/4294967295 sack=-1-0,@0-@4294967295,1-1,5-3\n\
         B send 100000\nwait 2s\ninject A->B ACK seq=1 ack=2 ts=1/1 sack=2-100000,1-99999\n\
         wait 5s\nexpect s2 B->A SYN,ACK seq=0 ack=1 mss=1460 wscale=14 sackok ts=0/4294967295\n\
         expect s3 A->B ACK seq=1 ack=1 options=none",
    );
    // The options: bounds, and a run with every one of them, loss and both windows large.
    text("set wscale 15\nset wscale -1\nset wscale on\nset timestamps maybe\nset sack");
    text("set window 1073725441\nset window 4294967296");
    text(
        "set wscale 14\nset window 1073725440\nset timestamps on\nset sack on\nset loss 20%\n\
         set delivery auto\nB listen\nA connect\nwait 1s\nA send 300000\nA close\nB close\n\
         wait 1000000min",
    );
    text(
        "set profile linux\nset wscale 0\nset window 0\nB listen\nA connect\ndeliver s1\n\
         deliver s2\ndeliver s3\nA send 5000\nwait 10s\nset window 70000\nwait 10s",
    );
    text("set window 0\nB listen\nA connect\ndeliver s1\ndeliver s2\ndeliver s3\nA send 100\nwait 1000000min");
    text("set rto 0ms\nA connect\nwait 10s");
    text("set msl 1000000min\nB listen\nA connect\ndeliver s1\ndeliver s2\ndeliver s3\nA close\ndeliver s4\ndeliver s5\nB close\ndeliver s6\ndeliver s7\nwait 1000000min");
    text("set latency 1000000min\nset delivery auto\nB listen\nA connect\nwait 1000000min\nwait 1000000min");
    text("set keepalive 1ms\nset keepalive.interval 1ms\nset delivery auto\nB listen\nA connect\nwait 1000000min");
    text("set seed 18446744073709551615\nset seed 18446744073709551616");

    // Long waits on live connections, default settings: timers are bounded by `retries`.
    text("A connect\nwait 1000000min\nwait 1000000min\nwait 1000000min");
    text("B listen\nA connect\ndeliver s1\nwait 1000000min");
    text("set delivery auto\nB listen\nA connect\nwait 1s\nA send 100000\nA close\nB close\nwait 1000000min");
    text("set delivery auto\nset latency 0ms\nB listen\nA connect\nwait 1000000min");

    // Unicode: words, Unicode whitespace (NBSP, ideographic space), full-width digits and
    // letters, bidi overrides, a BOM, emoji, combining marks.
    text("Ａ listen");
    text("A send ５");
    text("wait 1ｍs");
    text("A\u{00a0}listen\nB\u{3000}connect");
    text("\u{feff}set seed 1\nA listen");
    text("\u{202e}A listen\u{202c}");
    text("set ключ значение");
    text("A send 1\u{0301}0");
    text("expect A ESTABLISHED\u{fe0f}");
    text("🙂 listen\nA 🙂\ninject A->B 🙂 seq=0");
    text("inject A→B SYN seq=0");
    text("set isn.A ٣");
    text("wait ⅷs");

    // Line endings: CRLF, lone CR, and a mix.
    text("B listen\r\nA connect\r\ndeliver s1\r\ndeliver s2\r\ndeliver s3\r\nexpect A ESTABLISHED\r\n");
    text("B listen\rA connect\rdeliver s1");
    text("B listen\r\n\r\nA connect\n\rdeliver s1\r\r\n");
    text("A send 5\r");

    // Control characters.
    text("A\0listen");
    text("\0\0\0\n\0");
    text("A\tlisten\x0bB\x0cconnect");
    text("wait\x1b[31m 1s");

    // Very long lines and many lines.
    text(&format!("A send {}", "9".repeat(100_000)));
    text(&format!(
        "set {} {}",
        "k".repeat(100_000),
        "v".repeat(100_000)
    ));
    text(&" ".repeat(200_000));
    text(&"#".repeat(200_000));
    text(&format!("wait {}ms", "0".repeat(50_000)));
    text(&format!("inject A->B {} seq=0", "SYN,".repeat(10_000)));
    text(&format!("expect inflight {}", "s1 ".repeat(20_000)));
    text(&"A listen\n".repeat(5_000));
    text(&"B listen\nA connect\ndeliver s1\nA crash\nB abort\n".repeat(200));
    text(&"\n".repeat(100_000));

    // `let` lines and `$` values: bad ones, huge ones, ones that would grow without end.
    text("let");
    text("let x");
    text("let x =");
    text("let = 5");
    text("let x = 1..");
    text("let x = ..5");
    text("let x = 1..5 step");
    text("let x = 1..4294967296");
    text("let x = 0..4294967295 step 4294967295\nA send $x");
    text("let x = 4294967295\nset isn.A $x+1");
    text("let x = 1\nA send $x+99999999999999999999999");
    text("let x = 1\nA send $x-");
    text("let x = 1\nlet y = $x+$x+$x-3-1");
    text("$");
    text("$$$$");
    text("A send $x");
    text("let é = 1");
    text("let x = ａ | ｂ\nA $x");
    text("let x = 1\nsay en $x$x$x $y\nsay zh $x\nA listen");
    text("let x = 1 # $y\n# $z\nA send $x # $w");
    text(&format!(
        "let a = {}\nlet b = $a$a\nlet c = $b$b",
        "x".repeat(100)
    ));
    text(&format!(
        "let a = {}\n{}",
        "9".repeat(200),
        "A send $a$a\n".repeat(3_000)
    ));
    text(&"let x = 1\n".repeat(2_000));
    text(&format!("let x = {}", "a|".repeat(50_000)));
    text("ask segment A\nA connect\nask segment B absolute\nB listen");

    // Binary junk, and junk that is almost a script.
    for seed in 0..16 {
        inputs.push(junk(seed, 64 << (seed % 8)));
    }
    inputs.push(vec![0xff; 1000]);
    inputs.push(vec![0xc3]);
    inputs.push(b"A listen\n\xed\xa0\x80\nA connect\n\xf4\x90\x80\x80".to_vec());
    let mut almost = b"B listen\nA connect\ndeliver s1\n".to_vec();
    almost.extend(junk(99, 300));
    inputs.push(almost);

    inputs
}

/// The built-in scenarios, and the exercises (whose `let` values every prefix cuts off).
fn scenarios() -> Vec<(PathBuf, String)> {
    let mut found: Vec<(PathBuf, String)> = ["scenarios", "exercises"]
        .into_iter()
        .flat_map(|folder| {
            let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("../..")
                .join(folder);
            std::fs::read_dir(&dir)
                .map(|entries| {
                    entries
                        .filter_map(Result::ok)
                        .map(|e| e.path())
                        .filter(|p| p.extension().is_some_and(|x| x == "tcps"))
                        .filter_map(|p| std::fs::read_to_string(&p).ok().map(|s| (p, s)))
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
        .collect();
    found.sort();
    found
}

#[test]
fn nasty_inputs_run_cleanly() {
    for input in nasty_inputs() {
        body::run(&input);
    }
}

#[test]
fn scenarios_and_their_truncations_run_cleanly() {
    for (path, source) in scenarios() {
        body::run(source.as_bytes());
        // Every prefix of whole lines: a script stopped anywhere.
        let mut prefix = String::new();
        for line in source.lines() {
            prefix += line;
            prefix.push('\n');
            body::run(prefix.as_bytes());
        }
        // Cuts in the middle of lines, and in the middle of UTF-8 sequences.
        let bytes = source.as_bytes();
        for cut in (1..bytes.len()).step_by(97) {
            body::run(&bytes[..cut]);
        }
        // With CRLF line endings and with lines shuffled in a fixed way.
        body::run(source.replace('\n', "\r\n").as_bytes());
        let mut lines: Vec<&str> = source.lines().collect();
        lines.reverse();
        body::run(lines.join("\n").as_bytes());
        assert!(!source.is_empty(), "{} is empty", path.display());
    }
}

/// A timer that keeps firing while its segments pile up in flight (manual delivery) used to
/// make a short script quadratic (the fuzzer found it). Retries are now capped and manual
/// delivery never scans for arrivals.
#[test]
fn retransmissions_piling_up_in_flight_stay_bounded() {
    // A retry count that would never end is refused outright, when the script is parsed...
    let error = synack_core::script::run_source("set retries 4294967295\n")
        .expect_err("an absurd retry count is a parse error");
    assert_eq!((error.line, error.column), (1, 13));
    assert!(error.message.contains("from 0 to 50"), "{}", error.message);
    // ...and the largest allowed, with a 1 ms RTO in manual delivery (every copy stays in
    // flight), gives up after 50 retransmissions instead of piling up segments for ever.
    let source = "set rto 1ms\nset rto.max 1ms\nset retries 50\nA connect\nwait 1000s\n";
    body::run(source.as_bytes());
    let outcome = synack_core::script::run_source(source).unwrap();
    assert!(outcome.passed(), "{:?}", outcome.error);
    assert_eq!(
        outcome.sim.state(synack_core::Peer::A),
        synack_core::State::Closed
    );
    assert_eq!(outcome.sim.segments().len(), 51);
    assert!(
        outcome.sim.trace().len() < 1000,
        "{} events",
        outcome.sim.trace().len()
    );
}
