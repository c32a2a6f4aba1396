//! Benchmark of the capture importer: `capture::analyze` (read + connection tracking) and the
//! state inference of every connection, on a capture of at least 100,000 TCP packets that the
//! engine generates, against `tshark -q -z conv,tcp -r FILE` on the same file, in the same run.
//!
//! `cargo bench -p synack-core --bench import` (the bench profile: release, opt-level 3).
//! Options after `--`: `--runs=N` (default 5; the median is shown), `--keep=PATH` (write the
//! generated capture there too), `--file=PATH` (read that capture instead of generating one,
//! e.g. to profile the importer alone), `--no-tshark`, `--conns=N` (generate N connections of
//! a short exchange instead: handshake, 500 bytes each way, both close, about ten packets
//! each, for a capture with many connections).
//!
//! Four phases are timed: read + connection tracking (`capture::analyze`), the analysis of
//! every connection (`capture::analysis::analyze`: Zeek's conn_state and history, the
//! retransmission classes, the time-sequence graph; the connection list and `synack analyze`
//! run it for each connection), the state inference of every connection (the list's final
//! states), and the worker's whole summary digest (`digest::encode_summary`: the analysis
//! and the inference of every connection, written as text).
//!
//! The capture: connections of a scripted exchange (handshake, A sends 20,000 bytes with a
//! 1000-byte MSS, B answers 3,000, both close; auto delivery, 20 ms latency, 3% random loss,
//! a different seed each), until there are 100,000 packets. Each connection's export is given
//! its own client port (checksum fixed) and its own start time, 5 ms after the previous one,
//! so they interleave; the packets are written as one classic pcap in time order. Dropped
//! segments are left out, as in `synack pcap`.

// A benchmark prints its figures.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::hint::black_box;
use std::process::Command;
use std::time::Instant as Wall;

use synack_core::capture;
use synack_core::pcap::{self, CaptureOptions};
use synack_core::script::run_source;
use synack_core::wire;

const TARGET_PACKETS: usize = 100_000;

fn script(seed: u64) -> String {
    format!(
        "set delivery auto\nset latency 20ms\nset mss 1000\nset loss 3%\nset seed {seed}\n\
         B listen\nA connect\nwait 200ms\nA send 20000\nwait 3s\nB send 3000\nwait 3s\n\
         A close\nwait 1s\nB close\nwait 5s\n"
    )
}

/// (microseconds, packet bytes) of a classic little-endian pcap as `pcap::capture` writes it.
fn records(file: &[u8]) -> Vec<(u64, Vec<u8>)> {
    let u32_le = |i: usize| u32::from_le_bytes(file[i..i + 4].try_into().unwrap());
    let mut at = 24;
    let mut out = Vec::new();
    while at + 16 <= file.len() {
        let micros = u64::from(u32_le(at)) * 1_000_000 + u64::from(u32_le(at + 4));
        let len = u32_le(at + 8) as usize;
        out.push((micros, file[at + 16..at + 16 + len].to_vec()));
        at += 16 + len;
    }
    out
}

/// Gives A's port the value `port` in an IPv4/TCP packet from `wire::encode`, fixing the TCP
/// checksum.
fn set_client_port(packet: &mut [u8], port: u16) {
    let from_a = packet[12..16] == wire::ADDRESSES[0].ip().octets();
    let at = if from_a { 20 } else { 22 };
    packet[at..at + 2].copy_from_slice(&port.to_be_bytes());
    packet[36..38].copy_from_slice(&[0, 0]);
    let tcp_len = (packet.len() - 20) as u16;
    let mut pseudo = [0u8; 12];
    pseudo[0..8].copy_from_slice(&packet[12..20]);
    pseudo[9] = 6;
    pseudo[10..12].copy_from_slice(&tcp_len.to_be_bytes());
    let sum = wire::checksum(&[&pseudo, &packet[20..]]);
    packet[36..38].copy_from_slice(&sum.to_be_bytes());
}

/// Many short connections: `--conns=N`.
fn short_script(seed: u64) -> String {
    format!(
        "set delivery auto\nset latency 20ms\nset seed {seed}\nB listen\nA connect\nwait 200ms\n\
         A send 500\nwait 1s\nB send 500\nwait 1s\nA close\nwait 1s\nB close\nwait 5s\n"
    )
}

fn generate(conns_wanted: Option<usize>) -> (Vec<u8>, usize) {
    let mut all: Vec<(u64, Vec<u8>)> = Vec::new();
    let mut conns = 0usize;
    let more = |packets: usize, conns: usize| match conns_wanted {
        Some(n) => conns < n,
        None => packets < TARGET_PACKETS,
    };
    while more(all.len(), conns) {
        let text = match conns_wanted {
            Some(_) => short_script(conns as u64 + 1),
            None => script(conns as u64 + 1),
        };
        let outcome = run_source(&text).expect("bench script");
        let cap = pcap::capture(&outcome.sim, CaptureOptions::default());
        let port = 1024 + (conns % 60_000) as u16;
        let offset = conns as u64 * 5_000;
        for (micros, mut packet) in records(&cap.bytes) {
            set_client_port(&mut packet, port);
            all.push((micros + offset, packet));
        }
        conns += 1;
    }
    all.sort_by_key(|(t, _)| *t);
    let mut file = Vec::new();
    file.extend_from_slice(&0xa1b2_c3d4u32.to_le_bytes());
    file.extend_from_slice(&2u16.to_le_bytes());
    file.extend_from_slice(&4u16.to_le_bytes());
    file.extend_from_slice(&[0; 8]);
    file.extend_from_slice(&65_535u32.to_le_bytes());
    file.extend_from_slice(&101u32.to_le_bytes());
    for (micros, packet) in &all {
        file.extend_from_slice(&((micros / 1_000_000) as u32).to_le_bytes());
        file.extend_from_slice(&((micros % 1_000_000) as u32).to_le_bytes());
        file.extend_from_slice(&(packet.len() as u32).to_le_bytes());
        file.extend_from_slice(&(packet.len() as u32).to_le_bytes());
        file.extend_from_slice(packet);
    }
    (file, conns)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

fn main() {
    let mut runs = 5usize;
    let mut keep = None;
    let mut given = None;
    let mut with_tshark = true;
    let mut conns_wanted = None;
    for arg in std::env::args().skip(1) {
        if let Some(n) = arg.strip_prefix("--runs=") {
            runs = n.parse().expect("--runs=N");
        } else if let Some(p) = arg.strip_prefix("--keep=") {
            keep = Some(p.to_string());
        } else if let Some(p) = arg.strip_prefix("--file=") {
            given = Some(p.to_string());
        } else if let Some(n) = arg.strip_prefix("--conns=") {
            conns_wanted = Some(n.parse().expect("--conns=N"));
        } else if arg == "--no-tshark" {
            with_tshark = false;
        }
    }
    let kept = keep.is_some() || given.is_some();
    let path = match given {
        Some(path) => path,
        None => {
            let t = Wall::now();
            let (file, conns) = generate(conns_wanted);
            println!(
                "generated {conns} connections, {} bytes, in {:.2} s",
                file.len(),
                t.elapsed().as_secs_f64()
            );
            let path = keep.unwrap_or_else(|| {
                std::env::temp_dir()
                    .join(format!("synack-import-bench-{}.pcap", std::process::id()))
                    .to_string_lossy()
                    .into_owned()
            });
            std::fs::write(&path, &file).expect("write the capture");
            path
        }
    };

    // Native: read the file from disk, as the CLI does, then analyze.
    let (mut analyze, mut analysis, mut infer) = (Vec::new(), Vec::new(), Vec::new());
    let mut digest = Vec::new();
    let mut summary = (0, 0, 0);
    for _ in 0..runs {
        let t = Wall::now();
        let bytes = std::fs::read(&path).unwrap();
        let (packets, found) = capture::analyze(&bytes).unwrap();
        analyze.push(t.elapsed().as_secs_f64());
        let t = Wall::now();
        for c in &found {
            black_box(capture::analysis::analyze(c, &packets.tcp));
        }
        analysis.push(t.elapsed().as_secs_f64());
        let t = Wall::now();
        let mut steps = 0;
        for c in &found {
            steps += black_box(capture::infer(c, &packets.tcp, None)).steps.len();
        }
        infer.push(t.elapsed().as_secs_f64());
        let t = Wall::now();
        black_box(capture::digest::encode_summary(&packets, &found));
        digest.push(t.elapsed().as_secs_f64());
        summary = (packets.tcp.len(), found.len(), steps);
    }
    let (analyze, analysis, infer) = (median(analyze), median(analysis), median(infer));
    let digest = median(digest);
    println!(
        "synack: {} TCP packets, {} connections, {} inferred state changes",
        summary.0, summary.1, summary.2
    );
    println!("synack analyze (read + connections), median of {runs}: {analyze:.6} s");
    println!("synack analysis of every connection, median of {runs}: {analysis:.6} s");
    println!("synack states of every connection, median of {runs}: {infer:.6} s");
    println!(
        "worker summary digest (analysis + states of every connection), median of {runs}: {digest:.6} s"
    );

    let mut tshark = Vec::new();
    for _ in 0..if with_tshark { runs } else { 0 } {
        let t = Wall::now();
        let out = Command::new("tshark")
            .args(["-q", "-z", "conv,tcp", "-r", &path])
            .output();
        match out {
            Ok(o) if o.status.success() => tshark.push(t.elapsed().as_secs_f64()),
            Ok(o) => {
                println!("tshark failed: {}", String::from_utf8_lossy(&o.stderr));
                break;
            }
            Err(e) => {
                println!("tshark not run: {e}");
                break;
            }
        }
    }
    if !tshark.is_empty() {
        let n = tshark.len();
        let tshark = median(tshark);
        println!("tshark -q -z conv,tcp, median of {n}: {tshark:.3} s");
        println!(
            "ratio synack analyze / tshark: {:.3} (with states: {:.3})",
            analyze / tshark,
            (analyze + infer) / tshark
        );
    }
    if !kept {
        let _ = std::fs::remove_file(&path);
    }
}
