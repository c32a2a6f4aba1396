//! The troubleshooting mode: a capture file imported by the capture worker
//! (crates/capture-worker), its connection list, and the chosen connection's packets and
//! inferred states.
//!
//! The worker is started only when the user opens a capture, so the pcap reader and the
//! inference never weigh on the page's bundle. It answers with the texts of
//! `synack_core::capture::digest`, which [`summary_of`] and [`detail_of`] decode where they
//! arrive (glue/worker.rs, part of the capture view's lazily loaded module, so the decoder is
//! not in the first paint either); the reducer gets them decoded.

use std::rc::Rc;

use synack_core::capture::digest::{
    decode_detail, decode_summary, end_key, start_key, ConnRow, DecodeError, Detail, Summary,
};
use synack_core::capture::{Problems, ReadError};
use synack_core::{Peer, State};
use yew::Reducible;

use crate::model::shared::Shared;

/// Connections listed at first; "show more" adds as many again.
pub const PAGE: usize = 200;

/// Why an import failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Failure {
    /// The file is not a capture: its reason.
    File(ReadError),
    /// The worker could not start, or answered something unreadable.
    Worker(String),
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct CaptureState {
    /// The capture view is shown instead of the simulator.
    pub active: bool,
    /// The file being read or shown.
    pub name: String,
    /// A file is being read.
    pub loading: bool,
    pub failure: Option<Failure>,
    pub summary: Option<Shared<Summary>>,
    /// How many connections the list shows.
    pub shown: usize,
    /// The chosen connection (from 1), and its detail once the worker sent it.
    pub selected: Option<usize>,
    pub detail: Option<Shared<Detail>>,
    /// Packets of the chosen connection seen so far (0 ..= its packet count).
    pub cursor: usize,
}

/// A column of the connection table that sorts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SortKey {
    /// The connection's number: the order of first packets.
    #[default]
    Index,
    Endpoints,
    Packets,
    Duration,
    /// Zeek's `conn_state` code.
    ConnState,
    Start,
    End,
    /// Both ends' inferred states after the last packet: A's, then B's, in the RFC's order
    /// of states, a confirmed state before the same state marked `?`.
    Final,
    /// How many kinds of trouble the row shows.
    Problems,
}

impl SortKey {
    /// Columns whose largest values are what an engineer looks for first.
    fn largest_first(self) -> bool {
        matches!(
            self,
            SortKey::Packets | SortKey::Duration | SortKey::Problems
        )
    }
}

/// How the connection table is ordered. It is the capture view's own state (like the
/// filters), not the reducer's: only the lazily loaded view needs it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Sort {
    pub key: SortKey,
    pub descending: bool,
}

impl Sort {
    /// After a click on `key`'s header: the other way round if it already sorts, else by
    /// `key`, largest first for counts and durations.
    pub fn by(self, key: SortKey) -> Sort {
        if self.key == key {
            Sort {
                key,
                descending: !self.descending,
            }
        } else {
            Sort {
                key,
                descending: key.largest_first(),
            }
        }
    }
}

/// A kind of trouble the table can be narrowed to (the list's "What looks wrong" words).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Problem {
    /// Any of the others.
    Any,
    Retransmissions,
    Resets,
    HalfOpen,
    NoHandshake,
    ZeroWindow,
}

impl Problem {
    pub const ALL: [Problem; 6] = [
        Problem::Any,
        Problem::Retransmissions,
        Problem::Resets,
        Problem::HalfOpen,
        Problem::NoHandshake,
        Problem::ZeroWindow,
    ];

    /// The code used in the catalog keys and the filter's `<option value>`.
    pub fn key(self) -> &'static str {
        match self {
            Problem::Any => "any",
            Problem::Retransmissions => "retx",
            Problem::Resets => "rst",
            Problem::HalfOpen => "halfopen",
            Problem::NoHandshake => "nohandshake",
            Problem::ZeroWindow => "zerowin",
        }
    }

    pub fn from_key(key: &str) -> Option<Problem> {
        Problem::ALL.into_iter().find(|p| p.key() == key)
    }

    pub fn matches(self, p: &Problems) -> bool {
        match self {
            Problem::Any => problem_count(p) > 0,
            Problem::Retransmissions => p.retransmissions > 0,
            Problem::Resets => p.resets > 0,
            Problem::HalfOpen => p.half_open,
            Problem::NoHandshake => p.missing_handshake,
            Problem::ZeroWindow => p.zero_windows > 0,
        }
    }
}

/// How many of the kinds of trouble a connection shows.
pub fn problem_count(p: &Problems) -> usize {
    [
        p.retransmissions > 0,
        p.resets > 0,
        p.half_open,
        p.missing_handshake,
        p.zero_windows > 0,
    ]
    .into_iter()
    .filter(|on| *on)
    .count()
}

/// What narrows the connection table. The port is kept as typed, so that a half-typed or
/// mistyped port loses nothing; only a valid one filters (see [`Filter::port`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filter {
    /// Zeek's `conn_state` code.
    pub conn_state: Option<String>,
    /// A state either end is in after the last packet (inferred), as `ss -tan` would list
    /// sockets in it.
    pub final_state: Option<State>,
    pub problem: Option<Problem>,
    pub port_text: String,
}

impl Filter {
    /// The port typed, if it is one; `Err` when the text is not a port number.
    pub fn port(&self) -> Result<Option<u16>, NotAPort> {
        let t = self.port_text.trim();
        if t.is_empty() {
            return Ok(None);
        }
        t.parse::<u16>().map(Some).map_err(|_| NotAPort)
    }

    pub fn is_empty(&self) -> bool {
        self.conn_state.is_none()
            && self.final_state.is_none()
            && self.problem.is_none()
            && self.port_text.trim().is_empty()
    }

    fn admits(&self, c: &ConnRow) -> bool {
        let state_ok = self.conn_state.as_ref().is_none_or(|s| *s == c.conn_state);
        let final_ok = self.final_state.is_none_or(|s| {
            c.finals
                .is_some_and(|finals| finals.iter().any(|f| f.state == s))
        });
        let problem_ok = self.problem.is_none_or(|p| p.matches(&c.problems));
        let port_ok = match self.port() {
            Ok(Some(port)) => port_of(&c.a) == Some(port) || port_of(&c.b) == Some(port),
            // A text that is not a port narrows nothing; the view says why.
            Ok(None) | Err(NotAPort) => true,
        };
        state_ok && final_ok && problem_ok && port_ok
    }
}

/// The port filter's text is not a number from 0 to 65535.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NotAPort;

/// The port of an endpoint as the digest writes it: `192.0.2.1:80` or `[2001:db8::1]:80`.
pub fn port_of(endpoint: &str) -> Option<u16> {
    endpoint.rsplit_once(':')?.1.parse().ok()
}

/// The summary's connections the table shows, in its order: positions in `sum.conns`.
pub fn visible(sum: &Summary, sort: Sort, filter: &Filter) -> Vec<usize> {
    let mut rows: Vec<usize> = (0..sum.conns.len())
        .filter(|&i| filter.admits(&sum.conns[i]))
        .collect();
    let conns = &sum.conns;
    // The index breaks ties, so the order is total and an unstable sort is enough (and
    // smaller in the bundle than a stable one).
    rows.sort_unstable_by(|&x, &y| {
        let (a, b) = (&conns[x], &conns[y]);
        let order = match sort.key {
            SortKey::Index => a.index.cmp(&b.index),
            SortKey::Endpoints => (&a.a, &a.b).cmp(&(&b.a, &b.b)),
            SortKey::Packets => a.packets.cmp(&b.packets),
            SortKey::Duration => duration(a).cmp(&duration(b)),
            SortKey::ConnState => a.conn_state.cmp(&b.conn_state),
            SortKey::Start => start_key(a.start).cmp(start_key(b.start)),
            SortKey::End => end_key(a.end).cmp(end_key(b.end)),
            SortKey::Final => final_rank(a).cmp(&final_rank(b)),
            SortKey::Problems => problem_count(&a.problems)
                .cmp(&problem_count(&b.problems))
                .then(a.problems.retransmissions.cmp(&b.problems.retransmissions)),
        };
        let order = if sort.descending {
            order.reverse()
        } else {
            order
        };
        // Equal rows keep the capture's order, whichever way the column sorts.
        order.then(a.index.cmp(&b.index))
    });
    rows
}

/// The order of the final-states column: A's state, then B's (a row without them first).
fn final_rank(c: &ConnRow) -> Option<[(usize, bool); 2]> {
    c.finals.map(|f| f.map(|x| x.rank()))
}

/// The states either end of some connection is in after its last packet, in the RFC's
/// order: the final-state filter's choices.
pub fn final_states_present(sum: &Summary) -> Vec<State> {
    State::ALL
        .into_iter()
        .filter(|s| {
            sum.conns.iter().any(|c| {
                c.finals
                    .is_some_and(|finals| finals.iter().any(|f| f.state == *s))
            })
        })
        .collect()
}

/// From a connection's first packet to its last.
pub fn duration(c: &ConnRow) -> u64 {
    c.last_micros.saturating_sub(c.first_micros)
}

/// The counts `synack analyze --json` gives per direction, in the digest's order: the
/// details block lists them in this order too.
pub const DIRECTION_FIELDS: [&str; 20] = [
    "packets",
    "ip_bytes",
    "payload_bytes",
    "unique_bytes",
    "retransmissions",
    "fast_retransmissions",
    "spurious_retransmissions",
    "timeout_retransmissions",
    "out_of_order",
    "duplicate_acks",
    "lost_segments",
    "acked_unseen",
    "zero_windows",
    "zero_window_probes",
    "window_full",
    "window_updates",
    "keep_alives",
    "keep_alive_acks",
    "fins",
    "resets",
];

/// The options one side put on its SYN (see `handshake.offered.*` in the digest).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Offer {
    pub mss: Option<u16>,
    pub window_scale: Option<u8>,
    pub sack_permitted: bool,
    pub timestamps: bool,
}

/// A chosen connection's diagnosis, decoded from its detail's `A` lines (the fields of
/// `synack analyze --json`). A field missing or unreadable stays `None` (or 0 for a count),
/// so the view never shows a made-up value as measured.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Diagnosis {
    pub conn_state: String,
    pub history: String,
    pub missed_bytes: Option<u64>,
    pub duration: Option<u64>,
    pub reset_by: Option<Peer>,
    pub syn_retransmissions: Option<u64>,
    pub synack_retransmissions: Option<u64>,
    pub rtt_syn_to_synack: Option<u64>,
    pub rtt_synack_to_ack: Option<u64>,
    pub initial_rtt: Option<u64>,
    /// What A and B offered, when their SYN is in the capture (and the worker sent it).
    pub offered: [Option<Offer>; 2],
    /// The smaller of the two MSS, when both were offered.
    pub mss: Option<u16>,
    /// The shift applied to A's windows, then B's, when both offered window scaling.
    pub window_scale: Option<(u8, u8)>,
    pub sack_permitted: bool,
    pub timestamps: bool,
    /// A's counts, then B's, in the order of [`DIRECTION_FIELDS`].
    pub counts: [[Option<u64>; DIRECTION_FIELDS.len()]; 2],
}

impl Diagnosis {
    /// One of [`DIRECTION_FIELDS`] for `side`.
    pub fn count(&self, side: Peer, field: &str) -> Option<u64> {
        let i = DIRECTION_FIELDS.iter().position(|f| *f == field)?;
        self.counts[side.index()][i]
    }
}

/// `mss,window_scale,sack_permitted,timestamps`, blank numbers absent: `1460,7,1,1`.
fn parse_offer(v: &str) -> Option<Offer> {
    let mut f = v.split(',');
    let mss = f.next()?;
    let ws = f.next()?;
    Some(Offer {
        mss: if mss.is_empty() {
            None
        } else {
            Some(mss.parse().ok()?)
        },
        window_scale: if ws.is_empty() {
            None
        } else {
            Some(ws.parse().ok()?)
        },
        sack_permitted: f.next()? == "1",
        timestamps: f.next()? == "1",
    })
}

/// Decodes a detail's analysis; `None` when it has no `conn_state` (a worker that sent none).
pub fn diagnosis_of(d: &Detail) -> Option<Diagnosis> {
    let mut g = Diagnosis::default();
    let mut seen_state = false;
    for (key, value) in &d.analysis {
        let num = || value.parse::<u64>().ok();
        match key.as_str() {
            "conn_state" => {
                g.conn_state = value.clone();
                seen_state = true;
            }
            "history" => g.history = value.clone(),
            "missed_bytes" => g.missed_bytes = num(),
            "duration" => g.duration = num(),
            "reset_by" => {
                g.reset_by = match value.as_str() {
                    "A" => Some(Peer::A),
                    "B" => Some(Peer::B),
                    _ => None,
                }
            }
            "handshake.syn_retransmissions" => g.syn_retransmissions = num(),
            "handshake.synack_retransmissions" => g.synack_retransmissions = num(),
            "handshake.rtt_syn_to_synack" => g.rtt_syn_to_synack = num(),
            "handshake.rtt_synack_to_ack" => g.rtt_synack_to_ack = num(),
            "handshake.initial_rtt" => g.initial_rtt = num(),
            "handshake.mss" => g.mss = value.parse().ok(),
            "handshake.window_scale" => {
                g.window_scale = value
                    .split_once(',')
                    .and_then(|(a, b)| Some((a.parse().ok()?, b.parse().ok()?)));
            }
            "handshake.sack_permitted" => g.sack_permitted = value == "true",
            "handshake.timestamps" => g.timestamps = value == "true",
            "handshake.offered.a" => g.offered[0] = parse_offer(value),
            "handshake.offered.b" => g.offered[1] = parse_offer(value),
            other => {
                let Some((side, field)) = other.split_once('.') else {
                    continue;
                };
                let k = match side {
                    "a" => 0,
                    "b" => 1,
                    _ => continue,
                };
                if let Some(i) = DIRECTION_FIELDS.iter().position(|f| *f == field) {
                    g.counts[k][i] = num();
                }
            }
        }
    }
    seen_state.then_some(g)
}

#[derive(Clone, Debug, PartialEq)]
pub enum CaptureAction {
    /// A file was chosen and sent to the worker.
    Open(String),
    /// The worker's answer to a file, decoded by [`summary_of`].
    Summary(Result<Shared<Summary>, Failure>),
    /// The worker's answer to a connection, decoded by [`detail_of`]. (Its diagnosis is
    /// decoded by the capture view, [`diagnosis_of`], so that neither the decoder nor the
    /// field weighs on the first paint, where this reducer is.)
    Detail(Shared<Detail>),
    Failed(String),
    Select(usize),
    Cursor(usize),
    ShowMore,
    /// Back to the simulator (the capture stays loaded).
    Back,
    /// Back to the capture, if one is loaded.
    Show,
}

impl Reducible for CaptureState {
    type Action = CaptureAction;

    fn reduce(self: Rc<Self>, action: CaptureAction) -> Rc<Self> {
        let mut s = (*self).clone();
        match action {
            CaptureAction::Open(name) => {
                s = CaptureState {
                    active: true,
                    name,
                    loading: true,
                    ..CaptureState::default()
                };
            }
            CaptureAction::Summary(answer) => {
                s.loading = false;
                match answer {
                    Ok(sum) => {
                        s.shown = PAGE;
                        // A single connection is chosen at once.
                        if sum.conns.len() == 1 {
                            s.selected = Some(sum.conns[0].index);
                        }
                        s.summary = Some(sum);
                    }
                    Err(f) => s.failure = Some(f),
                }
            }
            CaptureAction::Detail(d) => {
                if Some(d.index) == s.selected {
                    s.cursor = d.packets.len();
                    s.detail = Some(d);
                }
            }
            CaptureAction::Failed(why) => {
                s.loading = false;
                s.failure = Some(Failure::Worker(why));
            }
            CaptureAction::Select(n) => {
                if s.selected != Some(n) {
                    s.selected = Some(n);
                    s.detail = None;
                    s.cursor = 0;
                }
            }
            CaptureAction::Cursor(k) => {
                let max = s.detail.as_ref().map_or(0, |d| d.packets.len());
                s.cursor = k.min(max);
            }
            CaptureAction::ShowMore => s.shown += PAGE,
            CaptureAction::Back => s.active = false,
            CaptureAction::Show => s.active = s.summary.is_some() || s.failure.is_some(),
        }
        Rc::new(s)
    }
}

/// Where a key moves the cursor over `n` packets from `k` seen: → and ← one packet, Home
/// and End to either end; `None` for another key or a move that goes nowhere.
pub fn key_target(key: &str, k: usize, n: usize) -> Option<usize> {
    let to = match key {
        "ArrowRight" => (k + 1).min(n),
        "ArrowLeft" => k.saturating_sub(1),
        "Home" => 0,
        "End" => n,
        _ => return None,
    };
    (to != k).then_some(to)
}

/// Decodes the worker's answer to a file: the capture's summary, or why there is none.
pub fn summary_of(text: &str) -> Result<Summary, Failure> {
    // The worker could not get the file's bytes (too large for memory, say).
    if let Some(why) = text.strip_prefix("E\tunreadable\t") {
        return Err(Failure::Worker(why.to_string()));
    }
    decode_summary(text).map_err(|e| match e {
        DecodeError::File(e) => Failure::File(e),
        DecodeError::Malformed(n) => Failure::Worker(format!("line {n}")),
    })
}

/// Decodes the worker's answer to a connection; an unreadable one is dropped (the view keeps
/// saying it is inferring, and choosing the connection again asks again).
pub fn detail_of(text: &str) -> Option<Detail> {
    decode_detail(text).ok()
}

/// `micros` as milliseconds with three decimals (`12.345`), without the float formatter.
pub fn fmt_ms(micros: u64) -> String {
    format!("{}.{:03}", micros / 1000, micros % 1000)
}

/// `micros` as seconds with six decimals (`3.150000`): a capture's timestamps are to the
/// microsecond, as Wireshark prints them, and a fixed width keeps a column aligned.
pub fn fmt_secs(micros: u64) -> String {
    format!("{}.{:06}", micros / 1_000_000, micros % 1_000_000)
}

/// A time since the connection's first packet, in seconds (`3.150000 s`, the catalog's
/// `capture.time`): never `+3150.000 ms`, which reads as a count rather than a time.
pub fn fmt_since(lang: crate::i18n::Lang, micros: u64) -> String {
    use crate::i18n::{fill, tr};
    fill(tr(lang, "capture.time"), &[("s", &fmt_secs(micros))])
}

/// A duration: `32.371 ms` under a second (round trips), else seconds with the trailing
/// zeros past the millisecond dropped (`2.004188 s`, `60.000 s`) (`capture.dur.*`).
pub fn fmt_duration(lang: crate::i18n::Lang, micros: u64) -> String {
    use crate::i18n::{fill, tr};
    if micros < 1_000_000 {
        fill(tr(lang, "capture.dur.ms"), &[("ms", &fmt_ms(micros))])
    } else {
        let s = fmt_secs(micros);
        // Six decimals, of which the last three only when they say something.
        let keep = s.trim_end_matches('0').len().max(s.len() - 3);
        fill(tr(lang, "capture.dur.s"), &[("s", &s[..keep])])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use synack_core::capture::digest;
    use synack_core::pcap::{self, CaptureOptions};
    use synack_core::script::run_source;

    fn reduce(s: Rc<CaptureState>, a: CaptureAction) -> Rc<CaptureState> {
        s.reduce(a)
    }

    #[test]
    fn a_summary_then_a_detail_fill_the_view() {
        let sim = run_source("set delivery auto\nB listen\nA connect\nwait 1s\n")
            .unwrap()
            .sim;
        let bytes = pcap::capture(&sim, CaptureOptions::default()).bytes;
        let (text, kept) = digest::summarize(&bytes);
        let s = reduce(Rc::default(), CaptureAction::Open("x.pcap".into()));
        assert!(s.active && s.loading);
        let s = reduce(
            s,
            CaptureAction::Summary(summary_of(&text).map(Shared::new)),
        );
        assert!(!s.loading && s.failure.is_none());
        assert_eq!(s.summary.as_ref().unwrap().conns.len(), 1);
        assert_eq!(s.selected, Some(1), "a lone connection is chosen at once");
        let (p, c) = kept.unwrap();
        let detail = detail_of(&digest::detail(&p, &c, 1).unwrap()).unwrap();
        // Established, never closed: Zeek's S1.
        assert_eq!(diagnosis_of(&detail).unwrap().conn_state, "S1");
        let s = reduce(s, CaptureAction::Detail(Shared::new(detail)));
        assert_eq!(s.cursor, 3, "the view opens at the last packet");
        let s = reduce(s, CaptureAction::Cursor(99));
        assert_eq!(s.cursor, 3);
        let s = reduce(s, CaptureAction::Back);
        assert!(!s.active && s.summary.is_some());
        assert!(reduce(s, CaptureAction::Show).active);
    }

    #[test]
    fn a_bad_file_is_a_failure_with_its_reason() {
        let s = reduce(Rc::default(), CaptureAction::Open("x.txt".into()));
        let s = reduce(
            s,
            CaptureAction::Summary(summary_of("E\tnotcapture\t").map(Shared::new)),
        );
        assert_eq!(s.failure, Some(Failure::File(ReadError::NotACapture)));
        assert!(!s.loading);
        assert_eq!(
            summary_of("E\tunreadable\tout of memory"),
            Err(Failure::Worker("out of memory".into())),
            "the worker could not read the file's bytes"
        );
    }

    /// Seven lab captures merged by `mergecap` (tests/fixtures/lab-merged.pcap): one
    /// connection each, refused, reset, zero window, lost final ACK, orphaned FIN-WAIT-2,
    /// simultaneous open and keep-alive.
    const MERGED: &[u8] = include_bytes!("../../../../tests/fixtures/lab-merged.pcap");

    fn merged() -> (Summary, impl Fn(usize) -> Detail) {
        let (text, kept) = digest::summarize(MERGED);
        let sum = summary_of(&text).unwrap();
        let (p, c) = kept.unwrap();
        (sum, move |i| {
            detail_of(&digest::detail(&p, &c, i).unwrap()).unwrap()
        })
    }

    fn indices(sum: &Summary, rows: &[usize]) -> Vec<usize> {
        rows.iter().map(|&i| sum.conns[i].index).collect()
    }

    #[test]
    fn a_column_sorts_largest_first_then_the_other_way() {
        let (sum, _) = merged();
        assert_eq!(sum.conns.len(), 7);
        let none = Filter::default();
        let sort = Sort::default();
        assert_eq!(
            indices(&sum, &visible(&sum, sort, &none)),
            vec![1, 2, 3, 4, 5, 6, 7],
            "the capture's order at first"
        );
        let packets_of = |sort: Sort| -> Vec<usize> {
            visible(&sum, sort, &none)
                .iter()
                .map(|&i| sum.conns[i].packets)
                .collect()
        };
        let sort = sort.by(SortKey::Packets);
        assert!(sort.descending, "packet counts: the largest first");
        let packets = packets_of(sort);
        assert!(packets.windows(2).all(|w| w[0] >= w[1]), "{packets:?}");
        let sort = sort.by(SortKey::Packets);
        let packets = packets_of(sort);
        assert!(packets.windows(2).all(|w| w[0] <= w[1]), "{packets:?}");
        // Another column starts over, ascending for text.
        let sort = sort.by(SortKey::ConnState);
        assert!(!sort.descending);
        let states: Vec<&str> = visible(&sum, sort, &none)
            .iter()
            .map(|&i| sum.conns[i].conn_state.as_str())
            .collect();
        assert_eq!(states, ["REJ", "RSTO", "SF", "SF", "SF", "SF", "SF"]);
        // Equal rows keep the capture's order both ways.
        let sf = |sort: Sort| -> Vec<usize> {
            visible(&sum, sort, &none)
                .iter()
                .map(|&i| &sum.conns[i])
                .filter(|c| c.conn_state == "SF")
                .map(|c| c.index)
                .collect()
        };
        assert!(sf(sort).windows(2).all(|w| w[0] < w[1]));
        assert!(sf(sort.by(SortKey::ConnState))
            .windows(2)
            .all(|w| w[0] < w[1]));
        let sort = sort.by(SortKey::Duration);
        let rows = visible(&sum, sort, &none);
        let longest = &sum.conns[rows[0]];
        assert!(rows
            .iter()
            .all(|&i| duration(&sum.conns[i]) <= duration(longest)));
        assert_eq!(
            duration(longest),
            4_047_784,
            "the orphaned FIN-WAIT-2 lasted 4 s"
        );
    }

    #[test]
    fn filters_narrow_by_conn_state_trouble_and_port_and_a_bad_port_loses_nothing() {
        let (sum, _) = merged();
        let only = |f: Filter| -> Vec<String> {
            visible(&sum, Sort::default(), &f)
                .iter()
                .map(|&i| format!("{} {}", sum.conns[i].b, sum.conns[i].conn_state))
                .collect()
        };
        let rej = Filter {
            conn_state: Some("REJ".into()),
            ..Filter::default()
        };
        assert_eq!(only(rej), ["192.0.2.2:9 REJ"]);
        let port = |t: &str| Filter {
            port_text: t.into(),
            ..Filter::default()
        };
        assert_eq!(only(port("9")), ["192.0.2.2:9 REJ"]);
        // Either end's port: the simultaneous open's two ports.
        assert_eq!(only(port("40000")).len(), 1);
        assert_eq!(only(port(" 40001 ")).len(), 1);
        assert_eq!(only(port("8080")).len(), 5);
        // Not a port: nothing is filtered out, and the text stays as typed.
        let bad = port("80a");
        assert_eq!(bad.port(), Err(NotAPort));
        assert_eq!(only(bad.clone()).len(), 7);
        assert_eq!(bad.port_text, "80a");
        assert_eq!(port("70000").port(), Err(NotAPort), "above 65535");
        // Trouble: each kind against the row's own counts.
        for p in Problem::ALL {
            let f = Filter {
                problem: Some(p),
                ..Filter::default()
            };
            let want = sum.conns.iter().filter(|c| p.matches(&c.problems)).count();
            assert_eq!(only(f).len(), want, "{p:?}");
        }
        let resets = Filter {
            problem: Some(Problem::Resets),
            ..Filter::default()
        };
        assert!(
            only(resets).len() >= 2,
            "the refused and the reset connection"
        );
        let zero = Filter {
            problem: Some(Problem::ZeroWindow),
            ..Filter::default()
        };
        assert_eq!(only(zero.clone()).len(), 1);
        // Filters combine.
        let both = Filter {
            conn_state: Some("REJ".into()),
            ..zero
        };
        assert!(only(both).is_empty());
        assert_eq!(port_of("[2001:db8::2]:8080"), Some(8080));
    }

    /// Four real Linux connections with `ss -tan` of both hosts at the end
    /// (tests/fixtures/ss-final.sh): normal close, client reset, the server keeping
    /// TIME-WAIT, a half-close left open.
    const SS_FINAL: &[u8] = include_bytes!("../../../../tests/fixtures/ss-final.pcap");

    #[test]
    fn the_final_states_column_sorts_and_filters_by_either_ends_state() {
        let sum = summary_of(&digest::summarize(SS_FINAL).0).unwrap();
        assert_eq!(
            final_states_present(&sum),
            [
                State::Closed,
                State::FinWait2,
                State::CloseWait,
                State::TimeWait
            ]
        );
        let only = |s: State| -> Vec<usize> {
            let f = Filter {
                final_state: Some(s),
                ..Filter::default()
            };
            assert!(!f.is_empty());
            indices(&sum, &visible(&sum, Sort::default(), &f))
        };
        // TIME-WAIT at the client (normal close) or at the server (it closed first).
        assert_eq!(only(State::TimeWait), [1, 3]);
        assert_eq!(only(State::CloseWait), [4]);
        assert_eq!(only(State::Closed), [1, 2, 3]);
        assert!(only(State::Established).is_empty());
        // By A's state in the RFC's order, a confirmed CLOSED before CLOSED?.
        let sort = Sort::default().by(SortKey::Final);
        assert!(!sort.descending, "states read in the RFC's order first");
        let none = Filter::default();
        assert_eq!(indices(&sum, &visible(&sum, sort, &none)), [2, 3, 4, 1]);
        assert_eq!(
            indices(&sum, &visible(&sum, sort.by(SortKey::Final), &none)),
            [1, 4, 3, 2]
        );
    }

    #[test]
    fn the_diagnosis_is_decoded_from_the_workers_analysis_lines() {
        let (sum, detail) = merged();
        for c in &sum.conns {
            let g = diagnosis_of(&detail(c.index)).unwrap();
            // The table's and the detail's Zeek fields come by two paths: they agree.
            assert_eq!((&g.conn_state, &g.history), (&c.conn_state, &c.history));
            assert_eq!(g.duration, Some(duration(c)));
            let packets =
                g.count(Peer::A, "packets").unwrap() + g.count(Peer::B, "packets").unwrap();
            assert_eq!(packets as usize, c.packets);
        }
        let by_port = |port: u16| {
            let c = sum
                .conns
                .iter()
                .find(|c| port_of(&c.b) == Some(port) || port_of(&c.a) == Some(port))
                .unwrap();
            (c, diagnosis_of(&detail(c.index)).unwrap())
        };
        // The refused connection: B (no socket on port 9) reset it; no SYN,ACK, so no RTT.
        let (_, g) = by_port(9);
        assert_eq!(g.reset_by, Some(Peer::B));
        assert_eq!(g.rtt_syn_to_synack, None);
        assert!(
            g.offered[0].is_some_and(|o| o.mss.is_some()),
            "{:?}",
            g.offered
        );
        assert_eq!(g.offered[1], None, "B sent no SYN");
        // The zero-window lab: B's window closed, Linux's handshake options on both sides.
        let zero = sum
            .conns
            .iter()
            .find(|c| c.problems.zero_windows > 0)
            .unwrap();
        let g = diagnosis_of(&detail(zero.index)).unwrap();
        assert!(g.count(Peer::B, "zero_windows").unwrap() > 0);
        assert_eq!(
            g.count(Peer::A, "window_full"),
            Some(26),
            "synack analyze --json says 26"
        );
        assert!(g.initial_rtt.is_some());
        assert_eq!(
            g.initial_rtt,
            Some(g.rtt_syn_to_synack.unwrap() + g.rtt_synack_to_ack.unwrap())
        );
        let (a, b) = (g.offered[0].unwrap(), g.offered[1].unwrap());
        assert!(a.sack_permitted && b.sack_permitted && a.timestamps && b.timestamps);
        assert_eq!(
            g.window_scale,
            Some((a.window_scale.unwrap(), b.window_scale.unwrap()))
        );
        assert_eq!(g.mss, Some(a.mss.unwrap().min(b.mss.unwrap())));
        // Unreadable values stay unknown rather than becoming zero.
        let mut d = detail(1);
        d.analysis.retain(|(k, _)| k != "a.packets");
        d.analysis
            .push(("handshake.initial_rtt".into(), "x".into()));
        let g = diagnosis_of(&d).unwrap();
        assert_eq!(g.count(Peer::A, "packets"), None);
        assert_eq!(g.initial_rtt, None);
        d.analysis.clear();
        assert_eq!(
            diagnosis_of(&d),
            None,
            "no analysis lines: no diagnosis block"
        );
    }

    #[test]
    fn arrow_keys_step_and_stop_at_the_ends() {
        assert_eq!(key_target("ArrowRight", 3, 9), Some(4));
        assert_eq!(key_target("ArrowLeft", 3, 9), Some(2));
        assert_eq!(
            key_target("ArrowRight", 9, 9),
            None,
            "already at the last packet"
        );
        assert_eq!(key_target("ArrowLeft", 0, 9), None);
        assert_eq!(key_target("Home", 3, 9), Some(0));
        assert_eq!(key_target("End", 3, 9), Some(9));
        assert_eq!(key_target("p", 3, 9), None, "play is the simulator's");
    }

    #[test]
    fn times_read_in_seconds_and_round_trips_in_milliseconds() {
        assert_eq!(fmt_ms(12_345), "12.345");
        assert_eq!(fmt_ms(7), "0.007");
        use crate::i18n::Lang::En;
        assert_eq!(fmt_since(En, 40_000), "0.040000 s");
        assert_eq!(fmt_since(En, 3_150_000_000), "3150.000000 s");
        assert_eq!(fmt_duration(En, 32_371), "32.371 ms");
        assert_eq!(fmt_duration(En, 2_004_188), "2.004188 s");
        assert_eq!(fmt_duration(En, 60_000_000), "60.000 s");
        assert_eq!(fmt_duration(En, 60_070_000), "60.070 s");
    }
}
