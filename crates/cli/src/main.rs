//! `synack`: runs `.tcps` scenario scripts from the command line.
//!
//! - `synack run [--json] FILE`: prints the trace, one event per line (or as JSON).
//! - `synack check FILE...`: runs scripts, reports every failed `expect`, ends with
//!   `N passed, M failed`, and exits non-zero when any script failed.
//! - `synack pcap FILE -o OUT [--include-dropped] [--ipv6]`: writes the run's segments as a
//!   capture file, as IPv4 packets or, with `--ipv6`, IPv6 ones.
//! - `synack analyze FILE [--conn N]`: reads a `.pcap`/`.pcapng` capture and prints its TCP
//!   connections, or the inferred state timeline of both ends of connection N.
//! - `synack explore FILE --reach A=STATE,B=STATE | --map [...]`: the shortest way from the
//!   end of FILE to a pair of states or a transition, as a script; or every pair within reach.
//!
//! Exit status: 0 on success, 1 when a script fails or a file cannot be read or written, 2 for
//! a usage error, and for `explore`, a target not reachable within the search's bounds.

// A command-line tool: printing is its output.
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod explore;

use std::fmt::Write as _;
use std::io::Write;
use std::process::ExitCode;

mod report;

use synack_core::capture::digest::Final;
use synack_core::capture::{self, Connection, Packets};
use synack_core::pcap::{self, CaptureOptions};
use synack_core::script::{self, Outcome, ScriptError};
use synack_core::wire::IpVersion;
use synack_core::Peer;

const USAGE: &str = "usage:
  synack run [--json] [--seed N] FILE
                               print the trace of a scenario script
  synack check [--seed N] FILE...
                               run scripts and check their `expect` lines
                               (--seed N draws the values of `let` lines)
  synack pcap FILE -o OUT [--include-dropped] [--ipv6]
                               write the run's segments as IPv4 packets to OUT
                               (classic pcap; pcapng with --include-dropped,
                               which keeps lost segments with a comment;
                               --ipv6 writes IPv6 packets, 2001:db8::1 and
                               2001:db8::7; OUT `-` is standard output)
  synack analyze FILE [--conn N] [--json | --conn-log]
                               list the TCP connections of a .pcap/.pcapng
                               capture, each with both ends' inferred states
                               after its last packet; with --conn N, the states both ends
                               of connection N went through (inferred);
                               --json: every analysis field, one object per
                               connection; --conn-log: Zeek's conn.log
  synack explore FILE (--reach TARGET | --map) [--calls[=LIST]] [--send N]
                      [--depth N] [--states N] [--time SECONDS] [--seed N]
                               search every interleaving from the end of
                               FILE; TARGET is A=STATE,B=STATE (* for any)
                               or B=FROM->TO (a transition); prints FILE,
                               the shortest steps there and expect lines
                               (exit 2 when not reachable within the
                               bounds); --map lists every pair reached";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("run") => run(&args[1..]),
        Some("check") => check(&args[1..]),
        Some("pcap") => pcap(&args[1..]),
        Some("analyze") => analyze(&args[1..]),
        Some("explore") => explore::explore(&args[1..]),
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        _ => {
            eprintln!("{USAGE}");
            ExitCode::from(2)
        }
    }
}

/// Reads and runs a script, its `let` lines drawn from `seed`; a read or parse error comes
/// back as `file:line:col: message`.
fn load(path: &str, seed: Option<u64>) -> Result<Outcome, String> {
    let source = std::fs::read_to_string(path).map_err(|e| format!("{path}: cannot read: {e}"))?;
    let (outcome, instance) = script::run_seeded(&source, seed).map_err(|e| located(path, &e))?;
    if seed.is_some() && instance.varies() {
        let values: Vec<String> = instance.bindings.iter().map(|b| b.to_string()).collect();
        eprintln!("{path}: seed {}: {}", seed.unwrap_or(0), values.join(", "));
    }
    Ok(outcome)
}

/// Takes `--seed N` out of `args`: the seed for `let` lines. `Err` for a bad value.
fn take_seed(args: &[String]) -> Result<(Option<u64>, Vec<String>), String> {
    let mut seed = None;
    let mut rest = Vec::new();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        if arg == "--seed" {
            let n = args
                .next()
                .and_then(|v| v.parse::<u64>().ok())
                .ok_or("--seed needs a whole number from 0 to 18446744073709551615")?;
            seed = Some(n);
        } else {
            rest.push(arg.clone());
        }
    }
    Ok((seed, rest))
}

fn located(path: &str, e: &ScriptError) -> String {
    format!("{path}:{e}")
}

fn run(args: &[String]) -> ExitCode {
    let (seed, args) = match take_seed(args) {
        Ok(v) => v,
        Err(e) => return usage_error(&format!("run: {e}")),
    };
    let (json, files): (Vec<&String>, Vec<&String>) = args.iter().partition(|a| *a == "--json");
    let [path] = files.as_slice() else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    let outcome = match load(path, seed) {
        Ok(o) => o,
        Err(msg) => {
            eprintln!("{msg}");
            return ExitCode::FAILURE;
        }
    };
    if json.is_empty() {
        for event in outcome.sim.trace() {
            println!("{event}");
        }
    } else {
        match serde_json::to_string_pretty(outcome.sim.trace()) {
            Ok(text) => println!("{text}"),
            Err(e) => {
                eprintln!("cannot encode the trace as JSON: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    for failure in &outcome.failures {
        eprintln!("{}: expectation failed", located(path, failure));
    }
    if let Some(e) = &outcome.error {
        eprintln!("{}", located(path, e));
    }
    if outcome.passed() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn check(args: &[String]) -> ExitCode {
    let (seed, files) = match take_seed(args) {
        Ok(v) => v,
        Err(e) => return usage_error(&format!("check: {e}")),
    };
    if files.is_empty() {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    }
    let (mut passed, mut failed) = (0, 0);
    for path in &files {
        match load(path, seed) {
            Ok(outcome) if outcome.passed() => {
                passed += 1;
                println!("ok    {path}");
            }
            Ok(outcome) => {
                failed += 1;
                println!("FAIL  {path}");
                for f in &outcome.failures {
                    println!("      {}", located(path, f));
                }
                if let Some(e) = &outcome.error {
                    println!("      {}", located(path, e));
                }
            }
            Err(msg) => {
                failed += 1;
                println!("FAIL  {path}");
                println!("      {msg}");
            }
        }
    }
    println!("{passed} passed, {failed} failed");
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// Usage error: the message, then the usage text; exit status 2.
fn usage_error(message: &str) -> ExitCode {
    eprintln!("synack: {message}");
    eprintln!("{USAGE}");
    ExitCode::from(2)
}

fn pcap(args: &[String]) -> ExitCode {
    let mut input = None;
    let mut output = None;
    let mut options = CaptureOptions::default();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "-o" | "--output" => match args.next() {
                Some(path) if output.is_none() => output = Some(path.as_str()),
                Some(_) => return usage_error("pcap: -o given twice"),
                None => return usage_error("pcap: -o needs a file name"),
            },
            "--include-dropped" => options.include_dropped = true,
            "--ipv6" => options.ip_version = IpVersion::V6,
            flag if flag.starts_with('-') => {
                return usage_error(&format!("pcap: unknown option `{flag}`"))
            }
            path => {
                if input.replace(path).is_some() {
                    return usage_error("pcap: one script at a time");
                }
            }
        }
    }
    let Some(input) = input else {
        return usage_error("pcap: which script? (synack pcap FILE -o OUT)");
    };
    let Some(output) = output else {
        return usage_error("pcap: where to? (-o OUT, or -o - for standard output)");
    };
    let outcome = match load(input, None) {
        Ok(o) => o,
        Err(msg) => {
            eprintln!("{msg}");
            return ExitCode::FAILURE;
        }
    };
    let capture = pcap::capture(&outcome.sim, options);
    let written = if output == "-" {
        let mut stdout = std::io::stdout().lock();
        stdout
            .write_all(&capture.bytes)
            .and_then(|()| stdout.flush())
    } else {
        std::fs::write(output, &capture.bytes)
    };
    if let Err(e) = written {
        eprintln!("{output}: cannot write: {e}");
        return ExitCode::FAILURE;
    }
    for (label, e) in &capture.skipped {
        eprintln!("{input}: {label} left out of the capture: {e}");
    }
    // The summary goes to stderr, so `-o -` can be piped into tshark.
    let mut summary = format!(
        "wrote {} packet{} to {output} ({}{})",
        capture.packets,
        if capture.packets == 1 { "" } else { "s" },
        capture.format.extension(),
        match options.ip_version {
            IpVersion::V4 => "",
            IpVersion::V6 => ", IPv6",
        },
    );
    if capture.dropped_included > 0 {
        summary += &format!(
            ", {} of them dropped by the network",
            capture.dropped_included
        );
    }
    if capture.dropped_left_out > 0 {
        summary += &format!(
            "; {} dropped segment{} left out (--include-dropped keeps them)",
            capture.dropped_left_out,
            if capture.dropped_left_out == 1 {
                ""
            } else {
                "s"
            },
        );
    }
    eprintln!("{summary}");
    // As `run`: the capture of what ran is written, but a failed script still fails.
    for failure in &outcome.failures {
        eprintln!("{}: expectation failed", located(input, failure));
    }
    if let Some(e) = &outcome.error {
        eprintln!("{}", located(input, e));
    }
    if outcome.passed() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn analyze(args: &[String]) -> ExitCode {
    let mut input = None;
    let mut conn: Option<usize> = None;
    let mut json = false;
    let mut conn_log = false;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--conn" => match args.next().map(|n| n.parse::<usize>()) {
                Some(Ok(n)) if n >= 1 => conn = Some(n),
                _ => return usage_error("analyze: --conn needs a connection number (1, 2, …)"),
            },
            "--json" => json = true,
            "--conn-log" => conn_log = true,
            flag if flag.starts_with('-') => {
                return usage_error(&format!("analyze: unknown option `{flag}`"))
            }
            path => {
                if input.replace(path).is_some() {
                    return usage_error("analyze: one capture at a time");
                }
            }
        }
    }
    if json && conn_log {
        return usage_error("analyze: --json or --conn-log, not both");
    }
    let Some(input) = input else {
        return usage_error("analyze: which capture? (synack analyze FILE [--conn N])");
    };
    let bytes = match std::fs::read(input) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("{input}: cannot read: {e}");
            return ExitCode::FAILURE;
        }
    };
    let (packets, conns) = match capture::analyze(&bytes) {
        Ok(v) => v,
        Err(e) => {
            eprintln!("{input}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let t0 = packets.tcp.iter().map(|p| p.micros).min().unwrap_or(0);
    let chosen: Vec<&Connection> = match conn {
        None => conns.iter().collect(),
        Some(n) => match conns.get(n - 1) {
            Some(c) => vec![c],
            None => {
                eprintln!(
                    "{input}: no connection {n} (the capture has {})",
                    conns.len()
                );
                return ExitCode::FAILURE;
            }
        },
    };
    let mut out = String::new();
    if json {
        let rows: Vec<report::Report> = chosen
            .iter()
            .map(|c| report::Report::new(c, &packets.tcp))
            .collect();
        match serde_json::to_string_pretty(&rows) {
            Ok(text) => out = text + "\n",
            Err(e) => {
                eprintln!("cannot encode the analysis as JSON: {e}");
                return ExitCode::FAILURE;
            }
        }
    } else if conn_log {
        report::conn_log(&mut out, &chosen, &packets.tcp);
    } else if let (Some(_), [c]) = (conn, chosen.as_slice()) {
        print_timeline(&mut out, c, &packets, t0);
    } else {
        print_connections(&mut out, input, &packets, &conns, t0);
    }
    emit(&out)
}

/// Writes the output; a reader that went away (`| head`) ends the program quietly.
fn emit(text: &str) -> ExitCode {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("cannot write: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Seconds since the capture's first TCP packet, with microseconds.
fn rel(micros: u64, t0: u64) -> String {
    let d = micros.saturating_sub(t0);
    format!("{}.{:06}", d / 1_000_000, d % 1_000_000)
}

fn print_connections(
    out: &mut String,
    input: &str,
    packets: &Packets,
    conns: &[Connection],
    t0: u64,
) {
    let format = packets.format.map_or("?", |f| f.extension());
    let _ = writeln!(
        out,
        "{input}: {format}, {} frames, {} TCP packets, {} connection{}",
        packets.frames,
        packets.tcp.len(),
        conns.len(),
        if conns.len() == 1 { "" } else { "s" }
    );
    let w = conns
        .iter()
        .map(|c| c.a.to_string().len().max(c.b.to_string().len()))
        .max()
        .unwrap_or(0)
        .max(16);
    if !conns.is_empty() {
        let _ = writeln!(
            out,
            "{:>4}  {:<w$} {:<w$} {:>7}  {:>12}  {:>12}  {:<20} {:<33} {:<6} {:<27} flags",
            "#",
            "A (sent the SYN)",
            "B",
            "packets",
            "first (s)",
            "last (s)",
            "start",
            "end",
            "zeek",
            "final (A / B)"
        );
    }
    for c in conns {
        let analysis = capture::analysis::analyze(c, &packets.tcp);
        let keepalives: u32 = analysis.directions.iter().map(|d| d.keep_alives).sum();
        let mut flags = c.problems.summary();
        if keepalives > 0 {
            flags = if flags == "-" {
                format!("keep-alive={keepalives}")
            } else {
                format!("{flags} keep-alive={keepalives}")
            };
        }
        // The states after the last packet, as the page's list shows them (`?`: the capture
        // cannot confirm it; `--conn N` says why).
        let finals = Final::pair_label(Final::of(&capture::infer(c, &packets.tcp, None)), false);
        let _ = writeln!(
            out,
            "{:>4}  {:<w$} {:<w$} {:>7}  {:>12}  {:>12}  {:<20} {:<33} {:<6} {:<27} {}",
            c.index,
            c.a.to_string(),
            c.b.to_string(),
            c.packets.len(),
            rel(c.first_micros, t0),
            rel(c.last_micros, t0),
            c.start.to_string(),
            c.end.to_string(),
            analysis.conn_state,
            finals,
            flags
        );
    }
    if !packets.skipped.is_empty() {
        let parts: Vec<String> = packets
            .skipped
            .iter()
            .map(|(reason, n)| format!("{n} {reason}"))
            .collect();
        let _ = writeln!(out, "skipped frames: {}", parts.join(", "));
    }
    if let Some(why) = &packets.stopped {
        let _ = writeln!(out, "reading stopped early: {why}");
    }
    let headers_only = packets.tcp.iter().filter(|p| p.headers_only).count();
    if headers_only > 0 {
        let _ = writeln!(
            out,
            "{headers_only} packets were captured headers only: their lengths come from the IP header"
        );
    }
}

fn print_timeline(out: &mut String, c: &Connection, packets: &Packets, t0: u64) {
    let _ = writeln!(
        out,
        "connection {}: A {} <-> B {}, {} packets, start: {}, end: {}, flags: {}",
        c.index,
        c.a,
        c.b,
        c.packets.len(),
        c.start,
        c.end,
        c.problems.summary()
    );
    let inference = capture::infer(c, &packets.tcp, None);
    if let Some(note) = &inference.note {
        let _ = writeln!(out, "{note}");
        return;
    }
    let [sa, sb] = inference.start_states;
    if inference.start_inferred {
        let _ = writeln!(
            out,
            "start (inferred: the capture began mid-connection): A {sa}, B {sb}"
        );
    } else {
        let _ = writeln!(out, "start: A {sa}, B {sb}");
    }
    for (k, side) in ["A", "B"].into_iter().enumerate() {
        if inference.silent[k] {
            let _ = writeln!(
                out,
                "{side} sent nothing in the capture: its states come only from what it was sent"
            );
        }
    }
    let _ = writeln!(
        out,
        "{:>12}  {:<4} {:<28} {:>6}  rule (RFC 9293 section)",
        "time (s)", "side", "from -> to", "frame"
    );
    for step in &inference.steps {
        let change = format!("{} -> {}", step.from, step.to);
        let frame = match (step.frame, step.uncertain) {
            (Some(f), _) => format!("#{f}"),
            (None, Some(_)) => "timer".to_string(),
            (None, None) => "-".to_string(),
        };
        let mut line = format!(
            "{:>12}  {:<4} {:<28} {:>6}  {} (§{})",
            rel(step.micros, t0),
            step.side.to_string(),
            change,
            frame,
            step.rule.key(),
            step.rule.section()
        );
        if let Some(u) = step.uncertain {
            line += &format!("  {u}");
        }
        let _ = writeln!(out, "{line}");
    }
    for u in &inference.undelivered {
        let _ = writeln!(
            out,
            "frame #{} taken as lost after the capture point: {} (#{})",
            u.frame, u.because, u.evidence_frame
        );
    }
    let mark = |side: Peer| {
        let q = if inference.final_uncertain(side).is_some() {
            "?"
        } else {
            ""
        };
        format!("{}{q}", inference.final_states[side.index()])
    };
    let _ = writeln!(
        out,
        "after the last packet: A {}, B {} (a ? marks a change the capture cannot confirm)",
        mark(Peer::A),
        mark(Peer::B)
    );
}
