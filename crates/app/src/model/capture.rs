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

use synack_core::capture::digest::{decode_detail, decode_summary, DecodeError, Detail, Summary};
use synack_core::capture::ReadError;
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

#[derive(Clone, Debug, PartialEq)]
pub enum CaptureAction {
    /// A file was chosen and sent to the worker.
    Open(String),
    /// The worker's answer to a file, decoded by [`summary_of`].
    Summary(Result<Shared<Summary>, Failure>),
    /// The worker's answer to a connection, decoded by [`detail_of`].
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

/// A time since the connection's first packet: `+12.345 ms` under ten seconds, else
/// `+60.000 s` (the catalog's `capture.time` or `capture.time_s`).
pub fn fmt_since(lang: crate::i18n::Lang, micros: u64) -> String {
    use crate::i18n::{fill, tr};
    if micros < 10_000_000 {
        fill(tr(lang, "capture.time"), &[("ms", &fmt_ms(micros))])
    } else {
        fill(tr(lang, "capture.time_s"), &[("s", &fmt_ms(micros / 1000))])
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

    #[test]
    fn milliseconds_keep_three_decimals() {
        assert_eq!(fmt_ms(12_345), "12.345");
        assert_eq!(fmt_ms(7), "0.007");
        assert_eq!(fmt_since(crate::i18n::Lang::En, 40_000), "+40.000 ms");
        assert_eq!(fmt_since(crate::i18n::Lang::En, 60_000_000), "+60.000 s");
    }
}
