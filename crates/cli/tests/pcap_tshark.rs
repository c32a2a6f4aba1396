//! Round trip through Wireshark's dissectors: `synack pcap` writes every built-in scenario as
//! classic pcap and, with `--include-dropped`, as pcapng, each with IPv4 packets and (with
//! `--ipv6`) IPv6 ones; `tshark` reads each file back, and every packet must show the
//! addresses, flags, numbers, lengths, timestamps and comments of the segment it came from,
//! with its checksums verified good. synack's own importer (`synack analyze`) must find the
//! same connections in the IPv6 file as in the IPv4 one. And the options an `expect` line
//! lists, in the scenarios and lessons, are the ones tshark reads in that packet.
//!
//! Skipped, with a message, when `tshark` is not installed (`scripts/test.sh` installs it).

// The test says what it skipped and why.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use synack_core::pcap::{capture, CaptureOptions};
use synack_core::script::{Command as ScriptCommand, Num, OptionCheck, SackBlocks};
use synack_core::wire::{self, IpVersion, ADDRESSES, ADDRESSES_V6};
use synack_core::{script, DropCause, Event, Origin, Peer, SegmentRecord, Sim};

const SYNACK: &str = env!("CARGO_BIN_EXE_synack");

/// The fields asked of tshark, in column order.
const FIELDS: [&str; 28] = [
    "frame.time_epoch",
    "frame.comment",
    "ip.src",
    "ip.id",
    "ip.checksum.status",
    "ipv6.src",
    "ipv6.dst",
    "ipv6.plen",
    "ipv6.nxt",
    "ipv6.hlim",
    "tcp.srcport",
    "tcp.dstport",
    "tcp.stream",
    "tcp.flags",
    "tcp.seq",
    "tcp.seq_raw",
    "tcp.ack",
    "tcp.ack_raw",
    "tcp.len",
    "tcp.window_size_value",
    "tcp.options.mss_val",
    "tcp.checksum.status",
    "tcp.options.wscale.shift",
    "tcp.options.sack_perm",
    "tcp.options.timestamp.tsval",
    "tcp.options.timestamp.tsecr",
    "tcp.options.sack_le",
    "tcp.options.sack_re",
];

/// One packet as tshark dissected it: field name -> value.
struct Dissected(Vec<String>);

impl Dissected {
    fn get(&self, field: &str) -> &str {
        // FIELDS is the list the row was asked for, so every name used here is in it.
        let i = FIELDS
            .iter()
            .position(|f| *f == field)
            .expect("a known field");
        self.0.get(i).map(String::as_str).unwrap_or("")
    }
}

fn tshark_version() -> Option<String> {
    let out = Command::new("tshark").arg("--version").output().ok()?;
    out.status.success().then(|| {
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .next()
            .unwrap_or("tshark")
            .to_string()
    })
}

fn scenarios() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "tcps"))
        .collect();
    files.sort();
    files
}

/// Reads a capture with tshark, checksum verification on and sequence analysis explicit (so
/// a user's preferences cannot change the outcome), no name resolution.
fn dissect(file: &Path) -> Vec<Dissected> {
    let prefs = [
        "tcp.check_checksum:TRUE",
        "ip.check_checksum:TRUE",
        "tcp.analyze_sequence_numbers:TRUE",
        "tcp.relative_sequence_numbers:TRUE",
    ];
    tshark_fields(file, &prefs, "f", &FIELDS)
        .into_iter()
        .map(Dissected)
        .collect()
}

/// Runs tshark on `file` with the preferences `prefs`, printing `fields` tab-separated, one
/// line per packet, with `occurrence` (`f` the first, `a` all, comma-separated).
fn tshark_fields(
    file: &Path,
    prefs: &[&str],
    occurrence: &str,
    fields: &[&str],
) -> Vec<Vec<String>> {
    let mut cmd = Command::new("tshark");
    cmd.arg("-n").arg("-r").arg(file);
    for pref in prefs {
        cmd.args(["-o", pref]);
    }
    cmd.args(["-T", "fields", "-E", "separator=/t", "-E"]);
    cmd.arg(format!("occurrence={occurrence}"));
    for field in fields {
        cmd.args(["-e", field]);
    }
    let out = cmd.output().expect("tshark runs");
    // tshark run as root warns on stderr ("This could be dangerous"): stderr only matters when
    // it fails.
    assert!(
        out.status.success(),
        "tshark failed on {}: {}",
        file.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .expect("tshark prints UTF-8")
        .lines()
        .map(|line| line.split('\t').map(str::to_string).collect())
        .collect()
}

fn drop_cause(sim: &Sim, rec: &SegmentRecord) -> Option<DropCause> {
    sim.trace().iter().find_map(|e| match e.event {
        Event::Dropped { label, cause } if label == rec.label => Some(cause),
        _ => None,
    })
}

/// Where tshark's relative numbers should equal ours, and what ours are counted from.
///
/// tshark counts a direction's relative numbers from the SYN that opened its TCP stream (and,
/// in a stream that does not begin with that direction's SYN, from the first segment it saw,
/// which then reads 1). synack counts from the peer's current (or last) ISN. They agree when
/// the stream tshark put the packet in began with this sender's SYN carrying the ISN synack
/// counts from, and the receiver's likewise for the ACK. Elsewhere, e.g. a RST from a closed
/// port, an injected segment before any SYN, or a reused 4-tuple tshark did not split, only
/// raw numbers are compared (they are always).
struct RelativeBases {
    /// (tcp.stream, sender) -> the sequence number of that sender's first SYN in the stream.
    syn_isn: std::collections::HashMap<(String, Peer), u32>,
    /// (tcp.stream, sender) already seen.
    seen: std::collections::HashSet<(String, Peer)>,
}

impl RelativeBases {
    fn new() -> RelativeBases {
        RelativeBases {
            syn_isn: Default::default(),
            seen: Default::default(),
        }
    }

    /// Notes a packet, in file order; returns the ISN tshark bases `from`'s numbers on in this
    /// stream, if it is a SYN's.
    fn note(&mut self, stream: &str, rec: &SegmentRecord) -> Option<u32> {
        let key = (stream.to_string(), rec.from);
        if self.seen.insert(key.clone()) && rec.segment.flags.syn() {
            self.syn_isn.insert(key.clone(), rec.segment.seq.0);
        }
        self.syn_isn.get(&key).copied()
    }

    fn base(&self, stream: &str, peer: Peer) -> Option<u32> {
        self.syn_isn.get(&(stream.to_string(), peer)).copied()
    }
}

/// Compares one capture's dissection with the run; returns (problems, packets whose relative
/// numbers were compared).
fn compare(
    name: &str,
    sim: &Sim,
    include_dropped: bool,
    ip_version: IpVersion,
    rows: &[Dissected],
) -> (Vec<String>, usize) {
    let expected: Vec<&SegmentRecord> = sim
        .segments()
        .iter()
        .filter(|r| include_dropped || drop_cause(sim, r).is_none())
        .collect();
    let format = match (include_dropped, ip_version) {
        (false, IpVersion::V4) => "pcap",
        (true, IpVersion::V4) => "pcapng",
        (false, IpVersion::V6) => "pcap, IPv6",
        (true, IpVersion::V6) => "pcapng, IPv6",
    };
    let mut problems = Vec::new();
    if rows.len() != expected.len() {
        problems.push(format!(
            "{name} ({format}): tshark read {} packets, expected {}",
            rows.len(),
            expected.len()
        ));
    }
    let ids = wire::identifications(sim.segments());
    let mut bases = RelativeBases::new();
    let mut relative_compared = 0;
    for (row, rec) in rows.iter().zip(&expected) {
        let seg = &rec.segment;
        let at = format!("{name} ({format}) {}", rec.label);
        let mut check = |what: &str, got: &str, want: String| {
            if got != want {
                problems.push(format!(
                    "{at}: {what}: tshark saw `{got}`, expected `{want}`"
                ));
            }
        };
        let from = ADDRESSES[rec.from.index()];
        let to = ADDRESSES[rec.to.index()];
        check(
            "tcp.srcport",
            row.get("tcp.srcport"),
            from.port().to_string(),
        );
        check("tcp.dstport", row.get("tcp.dstport"), to.port().to_string());
        match ip_version {
            IpVersion::V4 => {
                check("ip.src", row.get("ip.src"), from.ip().to_string());
                check(
                    "ip.id",
                    row.get("ip.id"),
                    format!("0x{:04x}", ids[rec.label.0 as usize - 1]),
                );
                // tshark 4.0 prints the checksum status as its value: 1 is "Good".
                check(
                    "ip.checksum.status",
                    row.get("ip.checksum.status"),
                    "1".into(),
                );
                check("ipv6.src", row.get("ipv6.src"), String::new());
            }
            IpVersion::V6 => {
                // No IPv4 header at all, so no Identification and no header checksum.
                check("ip.src", row.get("ip.src"), String::new());
                check("ip.id", row.get("ip.id"), String::new());
                let v6 = |peer: Peer| ADDRESSES_V6[peer.index()].ip().to_string();
                check("ipv6.src", row.get("ipv6.src"), v6(rec.from));
                check("ipv6.dst", row.get("ipv6.dst"), v6(rec.to));
                check("ipv6.dst (literal)", row.get("ipv6.dst"), {
                    if rec.to == Peer::A {
                        "2001:db8::1"
                    } else {
                        "2001:db8::7"
                    }
                    .to_string()
                });
                // Payload Length: the TCP header (20 and the options) and data.
                let tcp_header = 20 + wire::options_len(seg) as u32;
                check(
                    "ipv6.plen",
                    row.get("ipv6.plen"),
                    (tcp_header + seg.len).to_string(),
                );
                check("ipv6.nxt", row.get("ipv6.nxt"), "6".into());
                check("ipv6.hlim", row.get("ipv6.hlim"), "64".into());
            }
        }
        check(
            "tcp.checksum.status",
            row.get("tcp.checksum.status"),
            "1".into(),
        );
        check(
            "tcp.flags",
            row.get("tcp.flags"),
            format!("0x{:04x}", seg.flags.bits()),
        );
        check("tcp.seq_raw", row.get("tcp.seq_raw"), seg.seq.0.to_string());
        check("tcp.ack_raw", row.get("tcp.ack_raw"), seg.ack.0.to_string());
        check("tcp.len", row.get("tcp.len"), seg.len.to_string());
        check(
            "tcp.window_size_value",
            row.get("tcp.window_size_value"),
            seg.window.to_string(),
        );
        check(
            "tcp.options.mss_val",
            row.get("tcp.options.mss_val"),
            seg.mss.map(|m| m.to_string()).unwrap_or_default(),
        );
        // RFC 7323 and RFC 2018's options, with Linux's NOP padding, as Wireshark reads them.
        let o = &seg.options;
        check(
            "tcp.options.wscale.shift",
            row.get("tcp.options.wscale.shift"),
            o.window_scale.map(|s| s.to_string()).unwrap_or_default(),
        );
        // tshark 4.0 shows a present SACK-permitted option as its bytes, kind 4 and length 2.
        check(
            "tcp.options.sack_perm",
            row.get("tcp.options.sack_perm"),
            if o.sack_permitted {
                "0402".into()
            } else {
                String::new()
            },
        );
        check(
            "tcp.options.timestamp.tsval",
            row.get("tcp.options.timestamp.tsval"),
            o.timestamps.map(|(v, _)| v.to_string()).unwrap_or_default(),
        );
        check(
            "tcp.options.timestamp.tsecr",
            row.get("tcp.options.timestamp.tsecr"),
            o.timestamps.map(|(_, e)| e.to_string()).unwrap_or_default(),
        );
        let micros = rec.sent_at.millis() * 1000;
        check(
            "frame.time_epoch",
            row.get("frame.time_epoch"),
            format!("{}.{:06}000", micros / 1_000_000, micros % 1_000_000),
        );
        if include_dropped {
            let origin = match rec.origin {
                Origin::Sent => "",
                Origin::Retransmission => " (retransmission)",
                Origin::Injected => " (injected)",
            };
            let fate = match drop_cause(sim, rec) {
                None => "",
                Some(DropCause::User) => " dropped by the network",
                Some(DropCause::Loss) => " lost to random loss",
            };
            check(
                "frame.comment",
                row.get("frame.comment"),
                format!("{} {}->{}{origin}{fate}", rec.label, rec.from, rec.to),
            );
        }

        // Relative numbers, where tshark's base is the ISN ours are counted from.
        let stream = row.get("tcp.stream");
        let seq_base = bases.note(stream, rec);
        let our_seq_base = sim_isn_base(rec.segment.seq.0, rec.rel_seq);
        let mut compared = false;
        if seq_base == Some(our_seq_base) {
            check(
                "tcp.seq (relative)",
                row.get("tcp.seq"),
                rec.rel_seq.to_string(),
            );
            compared = true;
        }
        if let Some(rel_ack) = rec.rel_ack {
            let our_ack_base = sim_isn_base(seg.ack.0, rel_ack);
            if bases.base(stream, rec.to) == Some(our_ack_base) {
                // A SACK block is in the receiver's numbers, relative like the ACK (the
                // first block only: one occurrence a field).
                let (le, re) = match o.sack_blocks().first() {
                    Some(&(l, r)) => (
                        l.wrapping_sub(our_ack_base).to_string(),
                        r.wrapping_sub(our_ack_base).to_string(),
                    ),
                    None => (String::new(), String::new()),
                };
                check("tcp.options.sack_le", row.get("tcp.options.sack_le"), le);
                check("tcp.options.sack_re", row.get("tcp.options.sack_re"), re);
                check(
                    "tcp.ack (relative)",
                    row.get("tcp.ack"),
                    rel_ack.to_string(),
                );
            } else {
                compared = false;
            }
        }
        relative_compared += usize::from(compared);
    }
    (problems, relative_compared)
}

/// The ISN a relative number was counted from: absolute minus relative.
fn sim_isn_base(absolute: u32, relative: u32) -> u32 {
    absolute.wrapping_sub(relative)
}

/// `synack analyze FILE`'s output with the file's name taken out and the IPv6 addresses
/// written as the IPv4 ones, as whitespace-separated words per line (columns are aligned to the
/// addresses' widths).
fn analyzed(file: &Path) -> Vec<Vec<String>> {
    let out = Command::new(SYNACK)
        .arg("analyze")
        .arg(file)
        .output()
        .expect("synack runs");
    assert!(
        out.status.success(),
        "synack analyze {} failed: {}",
        file.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    let path = file.display().to_string();
    let mut text = String::from_utf8_lossy(&out.stdout).replace(&path, "FILE");
    for (v6, v4) in ADDRESSES_V6.iter().zip(ADDRESSES) {
        text = text.replace(&v6.to_string(), &v4.to_string());
    }
    text.lines()
        .map(|l| l.split_whitespace().map(str::to_string).collect())
        .collect()
}

/// Writes the four captures of one scenario, reads them back, and returns the report line and
/// any disagreement.
fn round_trip(path: &Path, out_dir: &Path) -> (String, Vec<String>) {
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    let source = std::fs::read_to_string(path).expect("scenario readable");
    let outcome = script::run_source(&source).expect("scenario parses");
    let mut line = format!("{name:34}");
    let mut problems = Vec::new();
    for (ip_version, include_dropped) in [
        (IpVersion::V4, false),
        (IpVersion::V4, true),
        (IpVersion::V6, false),
        (IpVersion::V6, true),
    ] {
        let ext = if include_dropped { "pcapng" } else { "pcap" };
        let stem = name.trim_end_matches(".tcps");
        let (file, label) = match ip_version {
            IpVersion::V4 => (out_dir.join(format!("{stem}.{ext}")), ext.to_string()),
            IpVersion::V6 => (
                out_dir.join(format!("{stem}.v6.{ext}")),
                format!("{ext}/v6"),
            ),
        };
        let mut cmd = Command::new(SYNACK);
        cmd.arg("pcap").arg(path).arg("-o").arg(&file);
        if include_dropped {
            cmd.arg("--include-dropped");
        }
        if ip_version == IpVersion::V6 {
            cmd.arg("--ipv6");
        }
        let out = cmd.output().expect("synack runs");
        assert!(
            out.status.success(),
            "synack pcap {name} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        // The binary writes exactly what the library does.
        let written = std::fs::read(&file).expect("capture written");
        let options = CaptureOptions {
            include_dropped,
            ip_version,
        };
        assert!(
            written == capture(&outcome.sim, options).bytes,
            "{name}: the CLI's {label} differs from pcap::capture's"
        );
        let rows = dissect(&file);
        let (found, relative) = compare(&name, &outcome.sim, include_dropped, ip_version, &rows);
        line += &format!(
            "  {label}: {:2} packets, relative seq/ack on {:2}: {}",
            rows.len(),
            relative,
            if found.is_empty() { "ok" } else { "MISMATCH" }
        );
        problems.extend(found);
        if ip_version == IpVersion::V6 {
            // synack's importer sees the same connections over IPv6 as over IPv4.
            let v4 = analyzed(&out_dir.join(format!("{stem}.{ext}")));
            let v6 = analyzed(&file);
            if v4 != v6 {
                problems.push(format!(
                    "{name} ({label}): synack analyze lists different connections than for \
                     IPv4:\n  IPv4: {v4:?}\n  IPv6: {v6:?}"
                ));
            }
        }
    }
    (line, problems)
}

#[test]
fn every_scenario_reads_back_in_tshark_with_the_same_segments() {
    let Some(version) = tshark_version() else {
        eprintln!(
            "SKIPPED pcap_tshark: `tshark` is not installed (Debian: apt-get install tshark; \
             scripts/test.sh installs it)"
        );
        return;
    };
    let out_dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("pcap_tshark");
    std::fs::create_dir_all(&out_dir).expect("a scratch directory");
    let files = scenarios();
    assert!(!files.is_empty(), "no scenarios found");

    // tshark takes most of a second to start; two at a time halves the wait.
    let next = AtomicUsize::new(0);
    let results = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..2 {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(path) = files.get(i) else { break };
                let result = round_trip(path, &out_dir);
                // A poisoned lock means another worker panicked; the scope re-raises that.
                results.lock().unwrap().push((i, result));
            });
        }
    });
    let mut results = results.into_inner().unwrap();
    results.sort_by_key(|(i, _)| *i);

    let mut problems = Vec::new();
    println!("read back with {version}");
    for (_, (line, found)) in results {
        println!("{line}");
        problems.extend(found);
    }
    assert!(
        problems.is_empty(),
        "tshark disagrees with the run:\n{}",
        problems.join("\n")
    );
}

/// The fields asked of tshark for the options, in column order.
const OPTION_FIELDS: [&str; 7] = [
    "tcp.options.mss_val",
    "tcp.options.wscale.shift",
    "tcp.options.sack_perm",
    "tcp.options.timestamp.tsval",
    "tcp.options.timestamp.tsecr",
    "tcp.options.sack_le",
    "tcp.options.sack_re",
];

/// Reads the options of every packet with tshark, absolute numbers, every occurrence of a
/// field (all the SACK blocks, comma-separated in order).
fn dissect_options(file: &Path) -> Vec<Vec<String>> {
    tshark_fields(
        file,
        &["tcp.relative_sequence_numbers:FALSE"],
        "a",
        &OPTION_FIELDS,
    )
}

/// What an option check says, as tshark would show the field: the value when present,
/// empty when absent; `None` when the option is not listed.
fn shown<T>(check: &OptionCheck<T>, show: impl Fn(&T) -> String) -> Option<String> {
    match check {
        OptionCheck::Unlisted => None,
        OptionCheck::Absent => Some(String::new()),
        OptionCheck::Present(v) => Some(show(v)),
    }
}

/// The options an `expect s<k>` line lists, and what tshark reads in packet k, agree, in
/// every scenario and lesson whose expect lines list options (`scenarios/tcp-options.tcps`
/// lists every option, present and absent): the script's view (`SpecOptions`) and Wireshark's
/// dissectors see the same MSS, window scale, SACK-permitted, timestamps and every SACK
/// block (absolute edges, so that no convention of relative numbers is in the way).
#[test]
fn expect_lines_and_tshark_agree_on_the_options() {
    if tshark_version().is_none() {
        eprintln!(
            "SKIPPED options agreement: `tshark` is not installed (Debian: apt-get install tshark)"
        );
        return;
    }
    let out_dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("options_tshark");
    std::fs::create_dir_all(&out_dir).expect("a scratch directory");
    let mut problems = Vec::new();
    // (option, present or absent) pairs compared, to see that each kind was.
    let mut compared = std::collections::BTreeSet::new();
    let (mut fields_compared, mut lines_compared) = (0, 0);
    let mut names = Vec::new();
    let lessons = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../lessons");
    let mut lessons: Vec<PathBuf> = std::fs::read_dir(&lessons)
        .unwrap_or_else(|e| panic!("{}: {e}", lessons.display()))
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "tcps"))
        .collect();
    lessons.sort();
    for path in scenarios().into_iter().chain(lessons) {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let source = std::fs::read_to_string(&path).expect("script readable");
        let parsed = script::parse(&source).expect("scenario parses");
        let with_options: Vec<_> = parsed
            .lines
            .iter()
            .filter_map(|l| match &l.command {
                ScriptCommand::ExpectSegment { label, spec } if !spec.options.is_unlisted() => {
                    Some((l.line, *label, spec.options))
                }
                _ => None,
            })
            .collect();
        if with_options.is_empty() {
            continue;
        }
        names.push(name.clone());
        let outcome = script::run(&parsed);
        assert!(outcome.passed(), "{name}: {:?}", outcome.failures);
        // With the dropped segments kept, packet k is segment s<k>.
        let file = out_dir.join(name.replace(".tcps", ".pcapng"));
        let options = CaptureOptions {
            include_dropped: true,
            ip_version: IpVersion::V4,
        };
        std::fs::write(&file, capture(&outcome.sim, options).bytes).expect("capture written");
        let rows = dissect_options(&file);
        assert_eq!(
            rows.len(),
            outcome.sim.segments().len(),
            "{name}: one packet per segment"
        );

        for (line, label, o) in with_options {
            lines_compared += 1;
            let rec = outcome
                .sim
                .segment(label)
                .expect("an expected segment was sent");
            let row = &rows[label.0 as usize - 1];
            // The blocks count from the receiver's ISN, as the ACK does.
            let base = rec
                .rel_ack
                .map(|rel| rec.segment.ack - rel)
                .unwrap_or_default();
            let edges = |pick: fn(&(Num, Num)) -> Num| {
                move |b: &SackBlocks| {
                    let list: Vec<String> = b
                        .blocks()
                        .iter()
                        .map(|e| pick(e).resolve(base).0.to_string())
                        .collect();
                    list.join(",")
                }
            };
            let checks = [
                (
                    "mss",
                    true,
                    "tcp.options.mss_val",
                    shown(&o.mss, u16::to_string),
                ),
                (
                    "wscale",
                    true,
                    "tcp.options.wscale.shift",
                    shown(&o.wscale, u8::to_string),
                ),
                // tshark 4.0 shows a present SACK-permitted option as its bytes, kind 4 and
                // length 2.
                (
                    "sackok",
                    true,
                    "tcp.options.sack_perm",
                    shown(&o.sack_permitted, |_| "0402".into()),
                ),
                (
                    "ts",
                    true,
                    "tcp.options.timestamp.tsval",
                    shown(&o.timestamps, |t| t.0.to_string()),
                ),
                (
                    "ts",
                    false,
                    "tcp.options.timestamp.tsecr",
                    shown(&o.timestamps, |t| t.1.to_string()),
                ),
                (
                    "sack",
                    true,
                    "tcp.options.sack_le",
                    shown(&o.sack, edges(|e| e.0)),
                ),
                (
                    "sack",
                    false,
                    "tcp.options.sack_re",
                    shown(&o.sack, edges(|e| e.1)),
                ),
            ];
            for (option, first_field, field, want) in checks {
                let Some(want) = want else { continue };
                if first_field {
                    compared.insert((option, !want.is_empty()));
                }
                fields_compared += 1;
                let i = OPTION_FIELDS
                    .iter()
                    .position(|f| *f == field)
                    .expect("a field asked for");
                let seen = row.get(i).map(String::as_str).unwrap_or("");
                if seen != want {
                    problems.push(format!(
                        "{name}:{line} ({label}): {field}: the expect line says `{want}`, tshark saw `{seen}`"
                    ));
                }
            }
        }
    }
    assert!(
        problems.is_empty(),
        "the expect lines and tshark disagree:\n{}",
        problems.join("\n")
    );
    assert!(
        names.iter().any(|n| n == "tcp-options.tcps"),
        "compared: {names:?}"
    );
    // Every option was compared present, and absent but for the timestamps, which go on
    // every segment once agreed (RFC 7323 §3.2).
    for name in ["mss", "wscale", "sackok", "ts", "sack"] {
        for present in [true, false] {
            if name == "ts" && !present {
                continue;
            }
            assert!(
                compared.contains(&(name, present)),
                "no expect line lists {name} {}",
                if present { "present" } else { "absent" }
            );
        }
    }
    println!(
        "{fields_compared} option fields of {lines_compared} expect lines agree with tshark ({})",
        names.join(", ")
    );
}
