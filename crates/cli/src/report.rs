//! `synack analyze --json` and `--conn-log`: one connection's diagnosis as a JSON object, and
//! the capture's connections as Zeek's conn.log.

use std::fmt::Write as _;

use serde::Serialize;
use synack_core::capture::analysis::{self, Analysis, Direction, Handshake};
use synack_core::capture::{self, Connection, TcpPacket};
use synack_core::Peer;

/// Everything `--json` prints for one connection (the README documents each field).
#[derive(Serialize)]
pub struct Report {
    pub index: usize,
    /// The side that sent the first SYN (or the first packet), then the other.
    pub a: String,
    pub b: String,
    /// Seconds since the Unix epoch of the first packet (Zeek's `ts`).
    pub ts: f64,
    pub duration: f64,
    pub packets: usize,
    pub start: String,
    pub end: String,
    pub conn_state: &'static str,
    pub history: String,
    /// Zeek flipped the roles: its originator is B (`history` shows the `^`).
    pub flipped: bool,
    pub missed_bytes: u64,
    pub reset_by: Option<Peer>,
    pub handshake: Handshake,
    pub a_to_b: Direction,
    pub b_to_a: Direction,
    pub start_states: [String; 2],
    pub start_inferred: bool,
    pub final_states: [String; 2],
    /// Whether each final state rests on a change the capture cannot confirm.
    pub final_uncertain: [bool; 2],
    pub undelivered: Vec<Lost>,
    /// Packets with at least one analysis flag.
    pub flagged: Vec<Flagged>,
}

#[derive(Serialize)]
pub struct Lost {
    pub frame: usize,
    pub evidence_frame: usize,
    pub because: &'static str,
}

#[derive(Serialize)]
pub struct Flagged {
    pub frame: usize,
    pub flags: Vec<&'static str>,
}

impl Report {
    pub fn new(c: &Connection, packets: &[TcpPacket]) -> Report {
        let a: Analysis = analysis::analyze(c, packets);
        let inf = capture::infer(c, packets, None);
        let flagged = c
            .packets
            .iter()
            .zip(&a.packet_flags)
            .filter(|(_, f)| f.0 != 0)
            .map(|(&i, f)| Flagged {
                frame: packets[i].frame,
                flags: f.names().collect(),
            })
            .collect();
        let [a_to_b, b_to_a] = a.directions;
        Report {
            index: c.index,
            a: c.a.to_string(),
            b: c.b.to_string(),
            ts: c.first_micros as f64 / 1e6,
            duration: a.duration_micros as f64 / 1e6,
            packets: c.packets.len(),
            start: c.start.to_string(),
            end: c.end.to_string(),
            conn_state: a.conn_state,
            history: a.history,
            flipped: a.flipped,
            missed_bytes: a.missed_bytes,
            reset_by: a.reset_by,
            handshake: a.handshake,
            a_to_b,
            b_to_a,
            start_states: inf.start_states.map(|s| s.to_string()),
            start_inferred: inf.start_inferred,
            final_states: inf.final_states.map(|s| s.to_string()),
            final_uncertain: [Peer::A, Peer::B].map(|s| inf.final_uncertain(s).is_some()),
            undelivered: inf
                .undelivered
                .iter()
                .map(|u| Lost {
                    frame: u.frame,
                    evidence_frame: u.evidence_frame,
                    because: u.because.key(),
                })
                .collect(),
            flagged,
        }
    }
}

/// Zeek's conn.log (TSV with its header lines) for `conns`. `uid` is `C` and the
/// connection's number, since Zeek's are random; `service`, `local_*` and `tunnel_parents`
/// are unset (`-`): synack does no protocol detection and knows no local networks.
pub fn conn_log(out: &mut String, conns: &[&Connection], packets: &[TcpPacket]) {
    let _ = writeln!(out, "#separator \\x09");
    let _ = writeln!(out, "#set_separator\t,");
    let _ = writeln!(out, "#empty_field\t(empty)");
    let _ = writeln!(out, "#unset_field\t-");
    let _ = writeln!(out, "#path\tconn");
    let _ = writeln!(
        out,
        "#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tservice\tduration\t\
         orig_bytes\tresp_bytes\tconn_state\tlocal_orig\tlocal_resp\tmissed_bytes\thistory\t\
         orig_pkts\torig_ip_bytes\tresp_pkts\tresp_ip_bytes\ttunnel_parents"
    );
    let _ = writeln!(
        out,
        "#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tstring\tinterval\tcount\tcount\t\
         string\tbool\tbool\tcount\tstring\tcount\tcount\tcount\tcount\tset[string]"
    );
    for c in conns {
        let a = analysis::analyze(c, packets);
        let (orig, resp, o, r) = if a.flipped {
            (c.b, c.a, &a.directions[1], &a.directions[0])
        } else {
            (c.a, c.b, &a.directions[0], &a.directions[1])
        };
        let _ = writeln!(
            out,
            "{}.{:06}\tC{}\t{}\t{}\t{}\t{}\ttcp\t-\t{}.{:06}\t{}\t{}\t{}\t-\t-\t{}\t{}\t{}\t{}\t{}\t{}\t-",
            c.first_micros / 1_000_000,
            c.first_micros % 1_000_000,
            c.index,
            orig.ip(),
            orig.port(),
            resp.ip(),
            resp.port(),
            a.duration_micros / 1_000_000,
            a.duration_micros % 1_000_000,
            o.unique_bytes,
            r.unique_bytes,
            a.conn_state,
            a.missed_bytes,
            if a.history.is_empty() { "-" } else { &a.history },
            o.packets,
            o.ip_bytes,
            r.packets,
            r.ip_bytes
        );
    }
}
