//! A compact text form of an import's results, for handing them across a boundary cheaply:
//! the browser parses captures in a Web Worker (crates/capture-worker), which posts these texts
//! to the page. The page links only the decoders, which are small; the reader, the connection
//! tracker and the inference stay in the worker.
//!
//! One record per line, fields separated by tabs, the first field naming the record:
//!
//! - Summary ([`encode_summary`]): `F format frames tcp`, then `K reason count` per skip
//!   reason, `X why` if reading stopped early, and `C index a b packets first last start end
//!   end_side retx rst half_open zero_windows conn_state history final_a final_b` per
//!   connection (`conn_state` and `history` Zeek's, from [`super::analysis`]; `final_a` and
//!   `final_b` each end's inferred state after the last packet as a state index, with `?`
//!   after it when the capture cannot confirm it, see [`Final`]). A file that is no capture
//!   at all is the single line `E code detail`.
//! - Detail of one connection ([`encode_detail`]): `D index`; `P micros side flags seq ack len
//!   window frame analysis window_bytes sack` per packet (its `tcp.analysis.*` flags as
//!   [`super::analysis::PacketFlags`] bits, its window scaled when the scale is known, its
//!   SACK blocks as `left-right` pairs joined by commas, relative to the acknowledged side's
//!   ISN); `T micros side from to uncertain order` per inferred state change; `S start_a
//!   start_b start_inferred silent_a silent_b`; `L packet evidence because` per packet taken
//!   as lost after the capture point (indices among the connection's packets); `A field
//!   value` per analysis field, named as in `synack analyze --json` (the options each side
//!   offered as `handshake.offered.a` and `.b`: `mss,window_scale,sack_permitted,timestamps`);
//!   and `N note` when nothing
//!   could be inferred. Times count from the connection's first packet; seq and ack are
//!   relative to the sender's and receiver's ISN where the capture shows a SYN.
//!
//! Decoding never panics: a malformed line is an error naming it.

use std::fmt::Write as _;

use super::conn::{Connection, End, Problems, Start};
use super::infer::{Inference, LostBecause, Uncertain};
#[cfg(test)]
use super::read::read;
use super::read::{Packets, ReadError, SkipReason, TcpPacket};
use crate::pcap::Format;
use crate::segment::Flags;
use crate::state::State;
use crate::trace::Peer;

/// What the page shows of a capture before a connection is chosen.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// The file's format, when it was recognised.
    pub format: Option<Format>,
    /// Frames read in all.
    pub frames: usize,
    /// TCP packets among them.
    pub tcp: usize,
    /// Frames not used, by reason.
    pub skipped: Vec<(SkipReason, usize)>,
    /// Why reading stopped before the end of the file, if it did.
    pub stopped: Option<String>,
    /// The connections, in order of first packet.
    pub conns: Vec<ConnRow>,
}

/// One line of the connection list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConnRow {
    /// The connection's number, from 1.
    pub index: usize,
    /// Peer A's address, as text.
    pub a: String,
    /// Peer B's address, as text.
    pub b: String,
    /// Its packet count.
    pub packets: usize,
    /// Its first packet's time, in microseconds since the Unix epoch.
    pub first_micros: u64,
    /// Its last packet's time, likewise.
    pub last_micros: u64,
    /// How it started.
    pub start: Start,
    /// How it ended.
    pub end: End,
    /// What looks wrong.
    pub problems: Problems,
    /// Zeek's `conn_state` and `history` ([`super::analysis`]).
    pub conn_state: String,
    /// See `conn_state`.
    pub history: String,
    /// A's and B's inferred states after the last packet (`None` from a digest without them).
    pub finals: Option<[Final; 2]>,
}

/// One end's inferred state after its connection's last packet, as the connection list
/// shows it: what `ss -tan` on that host would say at the end of the capture (a closed
/// socket is not listed by `ss` at all).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Final {
    /// The state, in the engine's (RFC 9293's) terms.
    pub state: State,
    /// The change into it is [`Inference::final_uncertain`]: caused by a packet the capture
    /// cannot show arrived, or by a timer.
    pub uncertain: bool,
}

impl Final {
    /// Both ends' final states of an inference.
    pub fn of(inference: &Inference) -> [Final; 2] {
        [Peer::A, Peer::B].map(|side| Final {
            state: inference.final_states[side.index()],
            uncertain: inference.final_uncertain(side).is_some(),
        })
    }

    /// The state's name (`ss`'s spelling when `ss_names`), then `?` when uncertain, as
    /// `synack analyze`'s "after the last packet" line writes it.
    pub fn label(self, ss_names: bool) -> String {
        let name = if ss_names {
            self.state.ss_name()
        } else {
            self.state.name()
        };
        format!("{name}{}", if self.uncertain { "?" } else { "" })
    }

    /// `A / B`, e.g. `TIME_WAIT / CLOSED?`: the connection list's "final states" column.
    pub fn pair_label(finals: [Final; 2], ss_names: bool) -> String {
        format!(
            "{} / {}",
            finals[0].label(ss_names),
            finals[1].label(ss_names)
        )
    }

    /// For sorting: the state in the RFC's order, a confirmed one before an uncertain one.
    pub fn rank(self) -> (usize, bool) {
        (state_index(self.state), self.uncertain)
    }

    fn encode(self) -> String {
        format!(
            "{}{}",
            state_index(self.state),
            if self.uncertain { "?" } else { "" }
        )
    }

    fn decode(field: &str) -> Option<Final> {
        let (index, uncertain) = match field.strip_suffix('?') {
            Some(index) => (index, true),
            None => (field, false),
        };
        Some(Final {
            state: *State::ALL.get(index.parse::<usize>().ok()?)?,
            uncertain,
        })
    }
}

/// One packet of a chosen connection.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PacketRow {
    /// Since the connection's first packet.
    pub micros: u64,
    /// Its sender.
    pub side: Peer,
    /// Its control bits.
    pub flags: Flags,
    /// Relative to the sender's ISN (absolute when its SYN is not in the capture).
    pub seq: u32,
    /// Relative to the receiver's ISN (likewise).
    pub ack: u32,
    /// Payload bytes.
    pub len: u32,
    /// SEG.WND, unscaled.
    pub window: u16,
    /// Frame number in the file, from 1.
    pub frame: usize,
    /// Analysis flags (`tcp.analysis.*`), see [`super::analysis::PacketFlags`].
    pub analysis: u16,
    /// The window in bytes, scaled when the scale is known.
    pub window_bytes: u64,
    /// SACK blocks, relative to the ISN of the side whose data they acknowledge.
    pub sack: Vec<(u64, u64)>,
}

/// One inferred state change of a chosen connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StepRow {
    /// Since the connection's first packet.
    pub micros: u64,
    /// Whose state changed.
    pub side: Peer,
    /// The state left.
    pub from: State,
    /// The state entered.
    pub to: State,
    /// Why the capture cannot confirm it, if it cannot.
    pub uncertain: Option<Uncertain>,
    /// 0 for B's passive OPEN, `2j + 1` for a timer before packet `j`, `2j + 2` for packet `j`:
    /// the change has happened once `order <= 2k` with `k` packets seen.
    pub order: usize,
}

/// A packet the inference takes as lost between the capture point and its receiver.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LostRow {
    /// Index among the connection's packets (from 0), and the later packet that shows it.
    pub packet: usize,
    /// See `packet`.
    pub evidence: usize,
    /// [`LostBecause::key`](super::LostBecause::key).
    pub because: &'static str,
}

/// A chosen connection's packets and both ends' inferred states.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Detail {
    /// The connection's number, from 1.
    pub index: usize,
    /// Its packets, in time order.
    pub packets: Vec<PacketRow>,
    /// Both ends' inferred state changes, in time order.
    pub steps: Vec<StepRow>,
    /// Both sides' states before the first packet (LISTEN for a passive opener).
    pub start: [State; 2],
    /// The start states are inferred: the capture began mid-connection.
    pub start_inferred: bool,
    /// A side that sent nothing in the capture.
    pub silent: [bool; 2],
    /// Packets taken as lost after the capture point, in packet order.
    pub lost: Vec<LostRow>,
    /// The connection's analysis as `(field, value)` pairs, in the order and with the
    /// names of `synack analyze --json` (handshake fields prefixed `handshake.`, counts per
    /// direction `a.` and `b.`).
    pub analysis: Vec<(String, String)>,
    /// Why nothing could be inferred, when nothing could.
    pub note: Option<String>,
}

impl Default for Detail {
    fn default() -> Detail {
        Detail {
            index: 0,
            packets: Vec::new(),
            steps: Vec::new(),
            start: [State::Closed; 2],
            start_inferred: false,
            silent: [false; 2],
            lost: Vec::new(),
            analysis: Vec::new(),
            note: None,
        }
    }
}

impl Detail {
    /// Each side's state after the first `k` packets.
    pub fn states_at(&self, k: usize) -> [State; 2] {
        let mut s = self.start;
        for st in self.steps.iter().take_while(|st| st.order <= 2 * k) {
            s[st.side.index()] = st.to;
        }
        s
    }

    /// Each side's latest change within the first `k` packets: (step index, step).
    pub fn last_steps_at(&self, k: usize) -> [Option<(usize, StepRow)>; 2] {
        let mut last = [None, None];
        for (i, st) in self
            .steps
            .iter()
            .enumerate()
            .take_while(|(_, st)| st.order <= 2 * k)
        {
            last[st.side.index()] = Some((i, *st));
        }
        last
    }
}

fn skip_code(r: SkipReason) -> String {
    match r {
        SkipReason::LinkType(t) => format!("link{t}"),
        SkipReason::NotIp => "notip".into(),
        SkipReason::NotTcp => "nottcp".into(),
        SkipReason::Fragment => "fragment".into(),
        SkipReason::Truncated => "truncated".into(),
        SkipReason::BadHeader => "badheader".into(),
        SkipReason::UnknownInterface => "interface".into(),
    }
}

fn parse_skip(code: &str) -> Option<SkipReason> {
    Some(match code {
        "notip" => SkipReason::NotIp,
        "nottcp" => SkipReason::NotTcp,
        "fragment" => SkipReason::Fragment,
        "truncated" => SkipReason::Truncated,
        "badheader" => SkipReason::BadHeader,
        "interface" => SkipReason::UnknownInterface,
        other => SkipReason::LinkType(other.strip_prefix("link")?.parse().ok()?),
    })
}

/// The code the page's catalog keys use for a skip reason (`link` for any link type).
pub fn skip_key(r: SkipReason) -> &'static str {
    match r {
        SkipReason::LinkType(_) => "link",
        SkipReason::NotIp => "notip",
        SkipReason::NotTcp => "nottcp",
        SkipReason::Fragment => "fragment",
        SkipReason::Truncated => "truncated",
        SkipReason::BadHeader => "badheader",
        SkipReason::UnknownInterface => "interface",
    }
}

/// The code of a start, for the wire and the page's catalog keys.
pub fn start_key(s: Start) -> &'static str {
    match s {
        Start::Handshake => "handshake",
        Start::SynAckOnly => "synack",
        Start::SynOnly => "syn",
        Start::MidStream => "midstream",
    }
}

/// The code of an end, for the wire and the page's catalog keys (`fin1` and `rst` take a side).
pub fn end_key(e: End) -> &'static str {
    match e {
        End::FinBothWays => "fin2",
        End::FinFrom(_) => "fin1",
        End::ResetBy(_) => "rst",
        End::Open => "open",
        End::TimeWaitReuse => "reuse",
    }
}

/// The code of an uncertainty, for the page's catalog keys.
pub fn uncertain_key(u: Uncertain) -> &'static str {
    match u {
        Uncertain::NotAcknowledged => "unacked",
        Uncertain::NoLaterPacket => "nolater",
        Uncertain::Timer => "timer",
        Uncertain::SocketGone => "gone",
    }
}

/// A file that is not a capture, as one `E` line.
pub fn encode_error(e: &ReadError) -> String {
    match e {
        ReadError::NotACapture => "E\tnotcapture\t".into(),
        ReadError::BadFileHeader(d) => format!("E\tbadheader\t{}", clean(d)),
    }
}

/// Tabs and line breaks cannot appear in a field.
fn clean(s: &str) -> String {
    s.replace(['\t', '\n', '\r'], " ")
}

/// The summary of a read capture and its connections.
pub fn encode_summary(packets: &Packets, conns: &[Connection]) -> String {
    let mut out = String::with_capacity(64 + conns.len() * 96);
    let format = match packets.format {
        Some(format) => format.extension(),
        None => "",
    };
    let _ = writeln!(
        out,
        "F\t{format}\t{}\t{}",
        packets.frames,
        packets.tcp.len()
    );
    for (r, n) in &packets.skipped {
        let _ = writeln!(out, "K\t{}\t{n}", skip_code(*r));
    }
    if let Some(why) = &packets.stopped {
        let _ = writeln!(out, "X\t{}", clean(why));
    }
    for c in conns {
        let p = &c.problems;
        let analysis = super::analysis::analyze(c, &packets.tcp);
        // Every connection's, so that the list can show, sort and filter them; it costs
        // about as much as the analysis (docs/measurements/import-bench.md).
        let [final_a, final_b] = Final::of(&super::infer(c, &packets.tcp, None));
        let end_side = match c.end {
            End::FinFrom(s) | End::ResetBy(s) => s.to_string(),
            _ => String::new(),
        };
        let _ = writeln!(
            out,
            "C\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
            c.index,
            c.a,
            c.b,
            c.packets.len(),
            c.first_micros,
            c.last_micros,
            start_key(c.start),
            end_key(c.end),
            end_side,
            p.retransmissions,
            p.resets,
            u8::from(p.half_open),
            p.zero_windows,
            analysis.conn_state,
            analysis.history,
            final_a.encode(),
            final_b.encode()
        );
    }
    out
}

/// One connection's packets and inferred states.
pub fn encode_detail(conn: &Connection, packets: &[TcpPacket], inference: &Inference) -> String {
    let mut out = String::with_capacity(32 + conn.packets.len() * 40);
    let _ = writeln!(out, "D\t{}", conn.index);
    let t0 = conn.first_micros;
    // Each side's ISN, from its first SYN.
    let mut isn = [None::<u32>; 2];
    for &i in &conn.packets {
        let p = &packets[i];
        let k = conn.side_of(p).index();
        if p.segment.flags.syn() && isn[k].is_none() {
            isn[k] = Some(p.segment.seq.0);
        }
    }
    let analysis = super::analysis::analyze(conn, packets);
    for (n, &i) in conn.packets.iter().enumerate() {
        let p = &packets[i];
        let side = conn.side_of(p);
        let k = side.index();
        let s = &p.segment;
        let seq = s.seq.0.wrapping_sub(isn[k].unwrap_or(0));
        let ack = s.ack.0.wrapping_sub(isn[1 - k].unwrap_or(0));
        let sack: Vec<String> = p
            .options
            .sack_blocks()
            .iter()
            .map(|(l, r)| {
                let base = isn[1 - k].unwrap_or(0);
                format!("{}-{}", l.wrapping_sub(base), r.wrapping_sub(base))
            })
            .collect();
        let _ = writeln!(
            out,
            "P\t{}\t{k}\t{}\t{seq}\t{ack}\t{}\t{}\t{}\t{}\t{}\t{}",
            p.micros.saturating_sub(t0),
            s.flags.bits(),
            s.len,
            s.window,
            p.frame,
            analysis.packet_flags.get(n).map_or(0, |f| f.0),
            analysis.packet_windows.get(n).copied().unwrap_or(0),
            sack.join(",")
        );
    }
    write_analysis(&mut out, &analysis);
    for st in &inference.steps {
        let u = match st.uncertain {
            None => 0,
            Some(Uncertain::NotAcknowledged) => 1,
            Some(Uncertain::NoLaterPacket) => 2,
            Some(Uncertain::Timer) => 3,
            Some(Uncertain::SocketGone) => 4,
        };
        let _ = writeln!(
            out,
            "T\t{}\t{}\t{}\t{}\t{u}\t{}",
            st.micros.saturating_sub(t0),
            st.side.index(),
            state_index(st.from),
            state_index(st.to),
            st.order
        );
    }
    let _ = writeln!(
        out,
        "S\t{}\t{}\t{}\t{}\t{}",
        state_index(inference.start_states[0]),
        state_index(inference.start_states[1]),
        u8::from(inference.start_inferred),
        u8::from(inference.silent[0]),
        u8::from(inference.silent[1])
    );
    let position = |frame: usize| {
        conn.packets
            .iter()
            .position(|&i| packets[i].frame == frame)
            .unwrap_or(0)
    };
    for u in &inference.undelivered {
        let _ = writeln!(
            out,
            "L\t{}\t{}\t{}",
            position(u.frame),
            position(u.evidence_frame),
            u.because.key()
        );
    }
    if let Some(note) = &inference.note {
        let _ = writeln!(out, "N\t{}", clean(note));
    }
    out
}

/// An optional value that prints as nothing when absent.
struct Blank<T>(Option<T>);

impl<T: core::fmt::Display> core::fmt::Display for Blank<T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match &self.0 {
            Some(v) => v.fmt(f),
            None => Ok(()),
        }
    }
}

/// The analysis as `A field value` lines (values hold no tab or newline: numbers, Zeek's
/// letters), written straight into `out`.
fn write_analysis(out: &mut String, a: &super::analysis::Analysis) {
    use core::fmt::Display;
    let mut field = |key: &dyn Display, value: &dyn Display| {
        let _ = writeln!(out, "A\t{key}\t{value}");
    };
    let h = &a.handshake;
    field(&"conn_state", &a.conn_state);
    field(&"history", &a.history);
    field(&"missed_bytes", &a.missed_bytes);
    field(&"duration", &a.duration_micros);
    field(&"reset_by", &Blank(a.reset_by));
    field(&"handshake.syn_retransmissions", &h.syn_retransmissions);
    field(
        &"handshake.synack_retransmissions",
        &h.synack_retransmissions,
    );
    field(&"handshake.rtt_syn_to_synack", &Blank(h.rtt_syn_to_synack));
    field(&"handshake.rtt_synack_to_ack", &Blank(h.rtt_synack_to_ack));
    field(&"handshake.initial_rtt", &Blank(h.initial_rtt));
    field(&"handshake.mss", &Blank(h.mss));
    match h.window_scale {
        Some((x, y)) => field(&"handshake.window_scale", &format_args!("{x},{y}")),
        None => field(&"handshake.window_scale", &""),
    }
    field(&"handshake.sack_permitted", &h.sack_permitted);
    field(&"handshake.timestamps", &h.timestamps);
    // What each side offered on its SYN, for the capture view's handshake table:
    // `mss,window_scale,sack_permitted,timestamps` (blank when the SYN is not in the capture).
    for (side, offer) in ["a", "b"].iter().zip(&h.offered) {
        match offer {
            Some(o) => field(
                &format_args!("handshake.offered.{side}"),
                &format_args!(
                    "{},{},{},{}",
                    Blank(o.mss),
                    Blank(o.window_scale),
                    u8::from(o.sack_permitted),
                    u8::from(o.timestamps)
                ),
            ),
            None => field(&format_args!("handshake.offered.{side}"), &""),
        }
    }
    for (side, d) in ["a", "b"].iter().zip(&a.directions) {
        for (name, value) in [
            ("packets", d.packets),
            ("ip_bytes", d.ip_bytes),
            ("payload_bytes", d.payload_bytes),
            ("unique_bytes", d.unique_bytes),
            ("retransmissions", u64::from(d.retransmissions)),
            ("fast_retransmissions", u64::from(d.fast_retransmissions)),
            (
                "spurious_retransmissions",
                u64::from(d.spurious_retransmissions),
            ),
            (
                "timeout_retransmissions",
                u64::from(d.timeout_retransmissions),
            ),
            ("out_of_order", u64::from(d.out_of_order)),
            ("duplicate_acks", u64::from(d.duplicate_acks)),
            ("lost_segments", u64::from(d.lost_segments)),
            ("acked_unseen", u64::from(d.acked_unseen)),
            ("zero_windows", u64::from(d.zero_windows)),
            ("zero_window_probes", u64::from(d.zero_window_probes)),
            ("window_full", u64::from(d.window_full)),
            ("window_updates", u64::from(d.window_updates)),
            ("keep_alives", u64::from(d.keep_alives)),
            ("keep_alive_acks", u64::from(d.keep_alive_acks)),
            ("fins", u64::from(d.fins)),
            ("resets", u64::from(d.resets)),
        ] {
            field(&format_args!("{side}.{name}"), &value);
        }
    }
}

fn state_index(s: State) -> usize {
    State::ALL.iter().position(|x| *x == s).unwrap_or(0)
}

/// Why a digest could not be decoded, or the file was not a capture.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DecodeError {
    /// The worker's `E` line: the file is not a capture.
    File(ReadError),
    /// A line that does not follow the format (its number, from 1).
    Malformed(usize),
}

struct Fields<'a>(std::str::Split<'a, char>);

impl<'a> Fields<'a> {
    fn text(&mut self) -> Option<&'a str> {
        self.0.next()
    }
    fn num<T: std::str::FromStr>(&mut self) -> Option<T> {
        self.0.next()?.parse().ok()
    }
}

/// Reads an [`encode_summary`] (or [`encode_error`]) text.
pub fn decode_summary(text: &str) -> Result<Summary, DecodeError> {
    if let Some(e) = text.strip_prefix("E\t") {
        let (code, detail) = e.split_once('\t').unwrap_or((e, ""));
        return Err(DecodeError::File(if code == "notcapture" {
            ReadError::NotACapture
        } else {
            ReadError::BadFileHeader(detail.trim_end().to_string())
        }));
    }
    let mut s = Summary::default();
    for (n, line) in text.lines().enumerate() {
        let bad = DecodeError::Malformed(n + 1);
        let mut f = Fields(line.split('\t'));
        let ok: Option<()> = (|| {
            match f.text()? {
                "F" => {
                    s.format = Format::from_extension(f.text()?);
                    s.frames = f.num()?;
                    s.tcp = f.num()?;
                }
                "K" => {
                    let r = parse_skip(f.text()?)?;
                    s.skipped.push((r, f.num()?));
                }
                "X" => s.stopped = Some(f.text()?.to_string()),
                "C" => {
                    let index = f.num()?;
                    let a = f.text()?.to_string();
                    let b = f.text()?.to_string();
                    let packets = f.num()?;
                    let first_micros = f.num()?;
                    let last_micros = f.num()?;
                    let start = match f.text()? {
                        "handshake" => Start::Handshake,
                        "synack" => Start::SynAckOnly,
                        "syn" => Start::SynOnly,
                        _ => Start::MidStream,
                    };
                    let end_code = f.text()?;
                    let side = if f.text()? == "B" { Peer::B } else { Peer::A };
                    let end = match end_code {
                        "fin2" => End::FinBothWays,
                        "fin1" => End::FinFrom(side),
                        "rst" => End::ResetBy(side),
                        "reuse" => End::TimeWaitReuse,
                        _ => End::Open,
                    };
                    let problems = Problems {
                        retransmissions: f.num()?,
                        resets: f.num()?,
                        half_open: f.text()? == "1",
                        missing_handshake: start != Start::Handshake,
                        zero_windows: f.num()?,
                    };
                    let conn_state = f.text().unwrap_or("").to_string();
                    let history = f.text().unwrap_or("").to_string();
                    // Absent from an older digest; present but unreadable is malformed.
                    let finals = match (f.text(), f.text()) {
                        (Some(a), Some(b)) => Some([Final::decode(a)?, Final::decode(b)?]),
                        _ => None,
                    };
                    s.conns.push(ConnRow {
                        index,
                        a,
                        b,
                        packets,
                        first_micros,
                        last_micros,
                        start,
                        end,
                        problems,
                        conn_state,
                        history,
                        finals,
                    });
                }
                _ => return None,
            }
            Some(())
        })();
        ok.ok_or(bad)?;
    }
    Ok(s)
}

/// Reads an [`encode_detail`] text.
pub fn decode_detail(text: &str) -> Result<Detail, DecodeError> {
    let mut d = Detail::default();
    let side = |k: u8| if k == 1 { Peer::B } else { Peer::A };
    for (n, line) in text.lines().enumerate() {
        let mut f = Fields(line.split('\t'));
        let ok: Option<()> = (|| {
            match f.text()? {
                "D" => d.index = f.num()?,
                "P" => d.packets.push(PacketRow {
                    micros: f.num()?,
                    side: side(f.num()?),
                    flags: Flags::from_bits(f.num()?),
                    seq: f.num()?,
                    ack: f.num()?,
                    len: f.num()?,
                    window: f.num()?,
                    frame: f.num()?,
                    analysis: f.num().unwrap_or(0),
                    window_bytes: f.num().unwrap_or(0),
                    sack: f
                        .text()
                        .unwrap_or("")
                        .split(',')
                        .filter(|b| !b.is_empty())
                        .map(|b| {
                            let (l, r) = b.split_once('-')?;
                            Some((l.parse().ok()?, r.parse().ok()?))
                        })
                        .collect::<Option<Vec<_>>>()?,
                }),
                "A" => {
                    let key = f.text()?.to_string();
                    d.analysis.push((key, f.text()?.to_string()));
                }
                "T" => d.steps.push(StepRow {
                    micros: f.num()?,
                    side: side(f.num()?),
                    from: *State::ALL.get(f.num::<usize>()?)?,
                    to: *State::ALL.get(f.num::<usize>()?)?,
                    uncertain: match f.num::<u8>()? {
                        1 => Some(Uncertain::NotAcknowledged),
                        2 => Some(Uncertain::NoLaterPacket),
                        3 => Some(Uncertain::Timer),
                        4 => Some(Uncertain::SocketGone),
                        _ => None,
                    },
                    order: f.num()?,
                }),
                "S" => {
                    d.start = [
                        *State::ALL.get(f.num::<usize>()?)?,
                        *State::ALL.get(f.num::<usize>()?)?,
                    ];
                    d.start_inferred = f.text()? == "1";
                    d.silent = [f.text()? == "1", f.text()? == "1"];
                }
                "L" => d.lost.push(LostRow {
                    packet: f.num()?,
                    evidence: f.num()?,
                    because: match f.text()? {
                        "kept-sending" => LostBecause::ReceiverKeptSending,
                        "retransmitted" => LostBecause::ReceiverRetransmitted,
                        "syn-retransmitted" => LostBecause::SynRetransmitted,
                        "syn-unanswered" => LostBecause::SynUnanswered,
                        _ => return None,
                    }
                    .key(),
                }),
                "N" => d.note = Some(f.text()?.to_string()),
                _ => return None,
            }
            Some(())
        })();
        ok.ok_or(DecodeError::Malformed(n + 1))?;
    }
    Ok(d)
}

/// The whole import of one file, as the worker does it: the summary text, and what it needs
/// to answer for a connection later.
pub fn summarize(bytes: &[u8]) -> (String, Option<(Packets, Vec<Connection>)>) {
    match super::analyze(bytes) {
        Ok((packets, conns)) => (encode_summary(&packets, &conns), Some((packets, conns))),
        Err(e) => (encode_error(&e), None),
    }
}

/// The detail text of connection `index` (from 1), inferring its states; `None` when there
/// is no such connection.
pub fn detail(packets: &Packets, conns: &[Connection], index: usize) -> Option<String> {
    let conn = conns.get(index.checked_sub(1)?)?;
    let inference = super::infer(conn, &packets.tcp, None);
    Some(encode_detail(conn, &packets.tcp, &inference))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pcap::{self, CaptureOptions};
    use crate::script::run_source;

    fn capture_of(script: &str) -> Vec<u8> {
        let outcome = run_source(script).expect("script parses");
        pcap::capture(&outcome.sim, CaptureOptions::default()).bytes
    }

    const HANDSHAKE_AND_RESET: &str = "set delivery auto\nB listen\nA connect\nwait 200ms\n\
        A send 10\nwait 200ms\nB abort\nwait 200ms\n";

    #[test]
    fn summary_round_trip_keeps_every_connection_field() {
        let bytes = capture_of(HANDSHAKE_AND_RESET);
        let (packets, conns) = crate::capture::analyze(&bytes).unwrap();
        let s = decode_summary(&encode_summary(&packets, &conns)).unwrap();
        assert_eq!(s.format, Some(Format::Pcap));
        assert_eq!(s.frames, packets.frames);
        assert_eq!(s.tcp, packets.tcp.len());
        assert_eq!(s.conns.len(), 1);
        let (row, c) = (&s.conns[0], &conns[0]);
        assert_eq!(row.a, c.a.to_string());
        assert_eq!(row.b, c.b.to_string());
        assert_eq!(row.packets, c.packets.len());
        assert_eq!(
            (row.first_micros, row.last_micros),
            (c.first_micros, c.last_micros)
        );
        assert_eq!(row.start, Start::Handshake);
        assert_eq!(row.end, End::ResetBy(Peer::B));
        assert_eq!(row.problems, c.problems);
        // B's RST is its own (certain); A got it and sent nothing after, so the capture
        // cannot show that it arrived.
        let finals = row.finals.expect("final states in the summary");
        assert_eq!(
            finals,
            Final::of(&crate::capture::infer(c, &packets.tcp, None))
        );
        assert_eq!(Final::pair_label(finals, false), "CLOSED? / CLOSED");
        assert_eq!(Final::pair_label(finals, true), "UNCONN? / UNCONN");
    }

    #[test]
    fn final_states_absent_from_an_older_digest_or_unreadable() {
        let row = "C\t1\t192.0.2.1:1\t192.0.2.2:2\t3\t0\t9\thandshake\topen\t\t0\t0\t0\t0\tS1\tShA";
        let s = decode_summary(row).unwrap();
        assert_eq!(s.conns[0].finals, None, "a digest without the fields");
        let s = decode_summary(&format!("{row}\t10\t9?")).unwrap();
        let finals = s.conns[0].finals.unwrap();
        assert_eq!(
            Final::pair_label(finals, true),
            "TIME-WAIT / LAST-ACK?",
            "state indices in State::ALL's order"
        );
        assert!(finals[0].rank() > finals[1].rank());
        for bad in ["11\t0", "x\t0", "0\t?", "0\t1??"] {
            assert_eq!(
                decode_summary(&format!("{row}\t{bad}")),
                Err(DecodeError::Malformed(1)),
                "{bad}"
            );
        }
    }

    #[test]
    fn detail_round_trip_replays_both_states() {
        let bytes = capture_of(HANDSHAKE_AND_RESET);
        let (text, kept) = summarize(&bytes);
        assert!(text.starts_with("F\tpcap\t"), "{text}");
        let (packets, conns) = kept.unwrap();
        let d = decode_detail(&detail(&packets, &conns, 1).unwrap()).unwrap();
        assert_eq!(d.index, 1);
        assert_eq!(d.packets.len(), conns[0].packets.len());
        // Relative numbers: the SYN is seq 0, the SYN-ACK acknowledges 1.
        assert_eq!((d.packets[0].seq, d.packets[0].micros), (0, 0));
        assert!(d.packets[1].flags.syn() && d.packets[1].ack == 1);
        assert_eq!(d.states_at(0), [State::Closed, State::Listen]);
        assert_eq!(d.states_at(1), [State::SynSent, State::SynReceived]);
        assert_eq!(d.states_at(3), [State::Established; 2]);
        assert_eq!(d.states_at(d.packets.len()), [State::Closed; 2]);
        let last = d.last_steps_at(d.packets.len());
        assert_eq!(last[0].unwrap().1.to, State::Closed);
        assert!(detail(&packets, &conns, 2).is_none() && detail(&packets, &conns, 0).is_none());
    }

    #[test]
    fn analysis_rides_along_in_summary_and_detail() {
        let bytes = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/captures/bulk-loss.server.pcap"
        ))
        .unwrap();
        let (text, kept) = summarize(&bytes);
        let s = decode_summary(&text).unwrap();
        assert_eq!(s.conns[0].conn_state, "SF");
        assert!(
            s.conns[0].history.starts_with("ShAD"),
            "{}",
            s.conns[0].history
        );
        let (packets, conns) = kept.unwrap();
        let d = decode_detail(&detail(&packets, &conns, 1).unwrap()).unwrap();
        let analysis = crate::capture::analysis::analyze(&conns[0], &packets.tcp);
        let flags: Vec<u16> = d.packets.iter().map(|p| p.analysis).collect();
        assert_eq!(
            flags,
            analysis
                .packet_flags
                .iter()
                .map(|f| f.0)
                .collect::<Vec<_>>()
        );
        assert!(
            d.packets.iter().any(|p| !p.sack.is_empty()),
            "SACK blocks kept"
        );
        assert!(d
            .packets
            .iter()
            .any(|p| p.window_bytes > u64::from(u16::MAX)));
        let field = |k: &str| {
            d.analysis
                .iter()
                .find(|(key, _)| key == k)
                .map(|(_, v)| v.clone())
        };
        assert_eq!(field("conn_state").as_deref(), Some("SF"));
        assert_eq!(field("a.retransmissions").as_deref(), Some("3"));
        assert_eq!(field("handshake.window_scale").as_deref(), Some("10,10"));
    }

    #[test]
    fn a_file_that_is_no_capture_decodes_to_its_error() {
        let (text, kept) = summarize(b"hello, this is text");
        assert!(kept.is_none());
        assert_eq!(
            decode_summary(&text),
            Err(DecodeError::File(ReadError::NotACapture))
        );
    }

    #[test]
    fn skips_and_a_stopped_read_survive_the_trip() {
        let mut bytes = capture_of(HANDSHAKE_AND_RESET);
        bytes.truncate(bytes.len() - 7);
        let (text, _) = summarize(&bytes);
        let s = decode_summary(&text).unwrap();
        let packets = read(&bytes).unwrap();
        assert_eq!(s.stopped, packets.stopped.map(|w| clean(&w)));
        assert_eq!(s.skipped, packets.skipped.into_iter().collect::<Vec<_>>());
        assert!(s.stopped.is_some() || !s.skipped.is_empty(), "{text}");
    }

    #[test]
    fn malformed_lines_are_errors_not_panics() {
        assert_eq!(
            decode_summary("F\tpcap\tx\t1"),
            Err(DecodeError::Malformed(1))
        );
        assert_eq!(
            decode_summary("F\tpcap\t1\t1\nQ"),
            Err(DecodeError::Malformed(2))
        );
        assert_eq!(
            decode_detail("T\t0\t0\t99\t1\t0\t0"),
            Err(DecodeError::Malformed(1))
        );
        assert!(decode_detail("").unwrap().packets.is_empty());
        assert_eq!(parse_skip("link147"), Some(SkipReason::LinkType(147)));
    }
}
