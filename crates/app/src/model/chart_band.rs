//! Everything the sequence chart writes in one band of the run, placed so that no two words
//! overlap: the layout pass the chart component renders from. Words with a fixed place come
//! first (state names, the cursor's time, timers in the side margins below their lifeline's
//! last state name, idle-time breaks); then each segment label finds a free spot along its
//! arrow ([`place_seg_label`]).

use synack_core::{Instant, Label, Peer, SegmentRecord, State, Timer};

use crate::hooks::linux::state_label;
use crate::model::chart_labels::{
    below_row, place_seg_label, Anchor, SegLabel, TextBox, SIDE_DX, SMALL_FONT,
};
use crate::model::chart_layout::{
    arrow, course, fmt_gap, fmt_left, spread, Arrow, Course, Lanes, Network, INITIAL_Y, LABEL_GAP,
};
use crate::model::frame::Frame;
use crate::model::timeline::{SegSpan, Timeline, STEP_PX};

/// A state name, placed: the row of its change (the tick) and its text's baseline.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StatePlace {
    pub peer: Peer,
    /// The event after the change (0 for the initial CLOSED): a stable key.
    pub at: usize,
    pub state: State,
    pub row_y: f32,
    pub baseline: f32,
}

/// A timer running at the cursor: its bar from where it was set, its countdown's baseline.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TimerPlace {
    pub peer: Peer,
    pub timer: Timer,
    pub set_y: f32,
    pub deadline: Instant,
    pub baseline: f32,
}

/// A segment drawn in the band: where its flight stands, its arrow, its label.
#[derive(Clone, Debug, PartialEq)]
pub struct SegPlace {
    pub label: Label,
    pub course: Course,
    pub arrow: Arrow,
    pub text: SegLabel,
}

/// What one band of the chart writes, placed.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct BandLabels {
    pub states: Vec<StatePlace>,
    /// The cursor's time's baseline.
    pub now_time_y: f32,
    pub timers: Vec<TimerPlace>,
    pub segs: Vec<SegPlace>,
    /// Every word's box, in the order placed: state names, the time, timers, breaks, then
    /// segment labels (what a later one must keep clear of).
    pub boxes: Vec<(Word, TextBox)>,
}

/// Which word a box is, for a failing test to name it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Word {
    State(Peer, State),
    Now,
    Timer(Peer, Timer),
    Gap,
    Seg(Label),
}

/// A segment's label as drawn: `s2 SYN,ACK seq=0 ack=1`, `(rtx)` after a retransmission.
pub fn seg_text(rec: &SegmentRecord, absolute: bool) -> (String, &'static str) {
    let summary = if absolute {
        rec.summary_absolute()
    } else {
        rec.summary()
    };
    let suffix = match rec.origin {
        synack_core::Origin::Sent => "",
        synack_core::Origin::Retransmission => " (rtx)",
        synack_core::Origin::Injected => " (injected)",
    };
    (summary, suffix)
}

/// Where the chart's drawing stands: the run, the lanes, the cursor and the network.
pub struct Scene<'a> {
    pub t: &'a Timeline,
    pub lanes: &'a Lanes,
    pub frame: &'a Frame,
    pub net: &'a Network,
    pub absolute: bool,
    pub linux: bool,
}

/// Places every word of the band `top..=bottom`.
pub fn layout_band(s: &Scene<'_>, (top, bottom): (f32, f32)) -> BandLabels {
    let (t, lanes) = (s.t, s.lanes);
    let cursor = s.frame.cursor.min(t.len());
    let now_y = t.y_at(cursor);
    let mut out = BandLabels::default();
    let mut last_baseline = [None::<f32>; 2];

    for peer in Peer::BOTH {
        // `at` is the index of the event after the change, so the change's own row is `at - 1`.
        let y_of = |at: usize| t.y(at.saturating_sub(1)).unwrap_or(STEP_PX);
        let initial = (INITIAL_Y >= top).then_some((0, State::Closed, INITIAL_Y));
        let rows: Vec<(usize, State, f32)> = initial
            .into_iter()
            .chain(
                t.state_changes_in(peer, cursor, top, bottom)
                    .map(|(at, st)| (at, st, y_of(at))),
            )
            .collect();
        let ys = spread(rows.iter().map(|r| r.2), LABEL_GAP);
        let (x, anchor) = side(lanes, peer);
        for (&(at, state, row_y), y) in rows.iter().zip(ys) {
            let baseline = y + 4.0;
            out.boxes.push((
                Word::State(peer, state),
                TextBox::line(x, baseline, state_label(state, s.linux), SMALL_FONT, anchor),
            ));
            last_baseline[peer.index()] = Some(baseline);
            out.states.push(StatePlace {
                peer,
                at,
                state,
                row_y,
                baseline,
            });
        }
    }

    // The time under the cursor's row at the left edge, below A's last state name (which
    // may reach as far left).
    out.now_time_y = below_row(now_y, last_baseline[0]);
    let now_text = s.frame.now.to_string();
    out.boxes.push((
        Word::Now,
        TextBox::line(4.0, out.now_time_y, &now_text, SMALL_FONT, Anchor::Start),
    ));

    // Countdowns in the side margins, under the cursor's row: inside the lanes they ran
    // into the labels of arrows waiting at the cursor (a newcomer's review, 360 px).
    let mut next = [
        out.now_time_y + LABEL_GAP,
        below_row(now_y, last_baseline[1]),
    ];
    let in_view = now_y >= top;
    for peer in Peer::BOTH {
        for r in &s.frame.peer(peer).timers {
            let Some(set_y) = t.y(r.set_at) else {
                continue;
            };
            if set_y > bottom || !in_view {
                continue;
            }
            let baseline = next[peer.index()];
            next[peer.index()] += LABEL_GAP;
            let (x, anchor) = side(lanes, peer);
            let text = timer_text(r.timer, r.deadline, s.frame.now);
            out.boxes.push((
                Word::Timer(peer, r.timer),
                TextBox::line(x, baseline, &text, SMALL_FONT, anchor),
            ));
            out.timers.push(TimerPlace {
                peer,
                timer: r.timer,
                set_y,
                deadline: r.deadline,
                baseline,
            });
        }
    }

    for (_, g) in t.gaps_in(top, bottom.min(now_y)) {
        let text = fmt_gap(g.skipped_ms);
        let x = (lanes.xa + lanes.xb) / 2.0;
        out.boxes.push((
            Word::Gap,
            TextBox::line(x, g.y + 3.5, &text, SMALL_FONT, Anchor::Middle),
        ));
    }

    let drawn: Vec<(&SegSpan, Course, Arrow)> = t
        .segs_in_band(top, bottom, cursor)
        .filter_map(|span| {
            let c = course(t, span, cursor, s.net)?;
            let send_y = t.y(span.sent)?;
            Some((span, c, arrow(lanes, span.record.from, send_y, c)))
        })
        .collect();
    let lines: Vec<(Label, (f32, f32, f32, f32))> = drawn
        .iter()
        .map(|(span, _, a)| (span.record.label, (a.x1, a.y1, a.x2, a.y2)))
        .collect();
    for (span, c, a) in drawn {
        let rec = &span.record;
        let (summary, suffix) = seg_text(rec, s.absolute);
        let text = format!("{} {summary}{suffix}", rec.label);
        let others: Vec<(f32, f32, f32, f32)> = lines
            .iter()
            .filter(|(l, _)| *l != rec.label)
            .map(|&(_, l)| l)
            .collect();
        let taken: Vec<TextBox> = out.boxes.iter().map(|(_, b)| *b).collect();
        let placed = place_seg_label(&a, lanes, &text, &taken, &others);
        out.boxes.push((Word::Seg(rec.label), placed.bbox));
        out.segs.push(SegPlace {
            label: rec.label,
            course: c,
            arrow: a,
            text: placed,
        });
    }
    out
}

/// A timer's countdown: "RTO 1.00 s".
pub fn timer_text(timer: Timer, deadline: Instant, now: Instant) -> String {
    format!("{} {}", timer.label(), fmt_left((deadline - now).millis()))
}

/// Where a peer's side words start and which way they run: out from the lifeline.
pub fn side(lanes: &Lanes, peer: Peer) -> (f32, Anchor) {
    match peer {
        Peer::A => (lanes.xa - SIDE_DX, Anchor::End),
        Peer::B => (lanes.xb + SIDE_DX, Anchor::Start),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::chart_layout::band;
    use crate::model::session::Session;

    /// Every pair of words that overlap when `src` has run to each of its cursors, drawn
    /// `px` wide.
    fn overlaps_at_every_cursor(src: &str, px: f32) -> Vec<String> {
        let session = Session::load(src).expect("the scenario loads");
        let t = session.timeline();
        let lanes = Lanes::new(px);
        let mut found = Vec::new();
        for cursor in 0..=t.len() {
            let frame = Frame::new(&session, cursor);
            let net = Network::at(&frame.settings, frame.now);
            let scene = Scene {
                t,
                lanes: &lanes,
                frame: &frame,
                net: &net,
                absolute: false,
                linux: false,
            };
            let (top, bottom) = band(0.0, 100_000.0, 1.0);
            let b = layout_band(&scene, (top, bottom));
            for i in 0..b.boxes.len() {
                for j in i + 1..b.boxes.len() {
                    let ((p, bp), (q, bq)) = (&b.boxes[i], &b.boxes[j]);
                    if bp.overlaps(bq) {
                        found.push(format!("cursor {cursor}: {p:?} × {q:?}"));
                    }
                }
            }
            for (text, seg) in b.boxes.iter().rev().zip(b.segs.iter().rev()) {
                let (lo, hi) = seg.text.bbox.x_range();
                if lo < lanes.xa || hi > lanes.xb {
                    found.push(format!(
                        "cursor {cursor}: {:?} leaves the lanes ({lo}..{hi})",
                        text.0
                    ));
                }
            }
        }
        found
    }

    fn scenario(name: &str) -> String {
        let path = format!("{}/../../scenarios/{name}.tcps", env!("CARGO_MANIFEST_DIR"));
        std::fs::read_to_string(&path).expect("the scenario file")
    }

    /// The embed's chart beside a lesson's panel (320 px of a 700 px frame, the narrowest
    /// drawing), a phone's (about 330-340), and a desktop column.
    const WIDTHS: [f32; 4] = [320.0, 340.0, 360.0, 560.0];

    #[test]
    fn first_handshake_steps_at_phone_width_overlap_nowhere() {
        // The review's case: B listen, A connect, deliver the SYN; the SYN,ACK waits.
        for px in WIDTHS {
            let found = overlaps_at_every_cursor("B listen\nA connect\ndeliver s1\n", px);
            assert!(found.is_empty(), "{px} px: {found:#?}");
        }
    }

    #[test]
    fn handshake_close_and_fast_retransmit_overlap_nowhere() {
        for name in ["handshake", "close-client-first", "fast-retransmit"] {
            let src = scenario(name);
            let found: Vec<String> = WIDTHS
                .iter()
                .flat_map(|&px| {
                    overlaps_at_every_cursor(&src, px)
                        .into_iter()
                        .map(move |f| format!("{px} px: {f}"))
                })
                .collect();
            assert!(found.is_empty(), "{name}: {found:#?}");
        }
    }

    #[test]
    fn a_waiting_syn_ack_breaks_its_label_before_the_numbers_at_phone_width() {
        let session = Session::load("B listen\nA connect\ndeliver s1\n").unwrap();
        let t = session.timeline();
        let frame = Frame::new(&session, t.len());
        let net = Network::at(&frame.settings, frame.now);
        let lanes = Lanes::new(360.0);
        let scene = Scene {
            t,
            lanes: &lanes,
            frame: &frame,
            net: &net,
            absolute: false,
            linux: false,
        };
        let b = layout_band(&scene, (-1000.0, 10_000.0));
        let s2 = b
            .segs
            .iter()
            .find(|s| s.label == Label(2))
            .expect("s2 drawn");
        assert_eq!(s2.text.lines, vec!["s2 SYN,ACK", "seq=0 ack=1"]);
        assert!(
            b.timers.iter().all(|r| r.baseline > t.y_at(t.len())),
            "timers under the cursor's row: {:?}",
            b.timers
        );
    }
}
