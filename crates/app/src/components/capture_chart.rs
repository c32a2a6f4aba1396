//! The sequence chart of a captured connection, in the simulator chart's visual language: A's
//! lifeline on the left, B's on the right, one arrow per packet with its real time since the
//! connection's first packet, and the inferred states on the lifelines where they change
//! (`?` where the capture cannot confirm them). Only a window of rows around the cursor is
//! drawn, so a connection of any size stays cheap.

use synack_core::capture::digest::{Detail, PacketRow};
use synack_core::Peer;
use yew::prelude::*;

use crate::hooks::lang::use_lang;
use crate::i18n::tr;
use crate::model::capture::fmt_since;
use crate::model::shared::Shared;
use crate::svg::num;

/// Rows drawn at most.
pub const WINDOW: usize = 40;
const ROW: f32 = 30.0;
const TOP: f32 = 18.0;
// A narrow drawing, so that the labels stay legible on a 360 px phone.
const LANE_A: f32 = 74.0;
const LANE_B: f32 = 312.0;
const WIDTH: f32 = 320.0;

#[derive(Properties, Clone, PartialEq)]
pub struct CaptureChartProps {
    pub detail: Shared<Detail>,
    /// Packets seen (0 ..= packets.len()).
    pub cursor: usize,
    pub on_cursor: Callback<usize>,
}

/// The first and one-past-last packet drawn for `cursor` among `n` packets.
pub fn window(cursor: usize, n: usize) -> (usize, usize) {
    let first = cursor
        .saturating_sub(WINDOW / 2)
        .min(n.saturating_sub(WINDOW));
    (first, (first + WINDOW).min(n))
}

/// The tightest and the widest gap between two rows: labels need the first, and a gap drawn
/// at the widest is compressed, with a break mark.
const MIN_GAP: f32 = 26.0;
const MAX_GAP: f32 = 4.0 * ROW;

/// Each row's top, from 0, for packets drawn one after another: the gap before a row is
/// proportional to the time since the previous packet, at the scale that gives a typical
/// gap (a mean long gaps cannot inflate) a row and a half, and clamped to `MIN_GAP ..= MAX_GAP` (a burst is spread so its
/// labels stay legible; each gap that hit `MAX_GAP` is returned with the time it stands for,
/// as `(row, micros)`, so the chart can mark the break).
pub fn row_tops(packets: &[PacketRow]) -> (Vec<f32>, Vec<(usize, u64)>) {
    let gaps: Vec<u64> = packets
        .windows(2)
        .map(|w| w[1].micros.saturating_sub(w[0].micros))
        .collect();
    // Microseconds per row: a mean that long gaps cannot inflate (each pass caps the gaps at
    // twice the last mean), at least 1 so simultaneous packets divide safely. No sort: it
    // would cost the lazy module a sort routine of its own.
    let mut per_row = 1u64;
    if !gaps.is_empty() {
        per_row = gaps.iter().sum::<u64>() / gaps.len() as u64;
        // The error shrinks by the share of capped gaps each pass: 16 passes settle it.
        for _ in 0..16 {
            let cap = per_row.saturating_mul(2);
            per_row = gaps.iter().map(|&g| g.min(cap)).sum::<u64>() / gaps.len() as u64;
        }
    }
    let per_row = per_row.max(1) as f32;
    let mut tops = Vec::with_capacity(packets.len());
    let mut breaks = Vec::new();
    let mut y = 0.0;
    if !packets.is_empty() {
        tops.push(0.0);
    }
    for (i, &gap) in gaps.iter().enumerate() {
        let h = gap as f32 / per_row * (1.5 * ROW);
        if h > MAX_GAP {
            breaks.push((i + 1, gap));
        }
        y += h.clamp(MIN_GAP, MAX_GAP);
        tops.push(y);
    }
    (tops, breaks)
}

/// `SYN,ACK seq=0 ack=1 len=0`: what the arrow's label says.
pub fn packet_label(p: &PacketRow) -> String {
    let flags = p.flags.to_string();
    let mut s = format!("{flags} seq={}", p.seq);
    if p.flags.ack() {
        s.push_str(&format!(" ack={}", p.ack));
    }
    if p.len > 0 {
        s.push_str(&format!(" len={}", p.len));
    }
    if p.window == 0 {
        s.push_str(" win=0");
    }
    s
}

#[function_component(CaptureChart)]
pub fn capture_chart(props: &CaptureChartProps) -> Html {
    let lang = use_lang();
    let d = &props.detail;
    let n = d.packets.len();
    let (first, last) = window(props.cursor, n);
    // Rows spaced by the time between packets (see `row_tops`), long gaps broken.
    let (tops, breaks) = row_tops(&d.packets[first..last]);
    let height = TOP + tops.last().copied().unwrap_or(0.0) + ROW + 12.0;
    let y_of = |j: usize| TOP + tops.get(j - first).copied().unwrap_or(0.0);
    let break_marks = breaks.iter().map(|&(i, micros)| {
        // Between row i - 1 and row i: a zigzag over both lifelines and the time skipped.
        let y = y_of(first + i) - (ROW * 0.7);
        let zig = |x: f32| {
            format!(
                "M{} {}l4 -3l-8 -3l8 -3l-4 -3",
                num(x),
                num(y + 6.0)
            )
        };
        html! {
            <g class="gap-break" data-gap={micros.to_string()}>
                <path d={format!("{}{}", zig(LANE_A), zig(LANE_B))} />
                <text class="time" x={num((LANE_A + LANE_B) / 2.0)} y={num(y + 3.0)} text-anchor="middle">
                    { format!("⋯ {} ⋯", crate::model::capture::fmt_duration(lang, micros)) }
                </text>
            </g>
        }
    });

    let rows = (first..last).map(|j| {
        let p = &d.packets[j];
        let (x1, x2, class) = match p.side {
            Peer::A => (LANE_A, LANE_B, "seg from-a"),
            Peer::B => (LANE_B, LANE_A, "seg from-b"),
        };
        let y = y_of(j);
        let y2 = y + ROW * 0.6;
        let dir = if x2 > x1 { -1.0 } else { 1.0 };
        let head = format!(
            "{},{} {},{} {},{}",
            num(x2),
            num(y2),
            num(x2 + dir * 8.0),
            num(y2 - 5.0),
            num(x2 + dir * 7.0),
            num(y2 + 3.0)
        );
        let seen = j < props.cursor;
        let cb = props.on_cursor.clone();
        let onclick = Callback::from(move |_: MouseEvent| cb.emit(j + 1));
        let class = classes!(
            class,
            (!seen).then_some("future"),
            (j + 1 == props.cursor).then_some("selected"),
            p.flags.rst().then_some("rst")
        );
        html! {
            <g key={j} class={class} onclick={onclick} data-packet={(j + 1).to_string()}>
                <text class="time" x="2" y={num(y + 4.0)}>{ fmt_since(lang, p.micros) }</text>
                <line class="shaft" x1={num(x1)} y1={num(y)} x2={num(x2)} y2={num(y2)} />
                <polygon class="head" points={head} />
                <text class="seg-label" x={num((LANE_A + LANE_B) / 2.0)} y={num(y + ROW * 0.3 - 4.0)} text-anchor="middle">{ packet_label(p) }</text>
                <rect class="hit" x={num(LANE_A)} y={num(y - 10.0)} width={num(LANE_B - LANE_A)} height={num(ROW)} />
            </g>
        }
    });
    // State changes caused by the drawn packets (or timers just before them).
    let states = d
        .steps
        .iter()
        .filter(|st| st.order > 2 * first && st.order <= 2 * last)
        .map(|st| {
            let j = (st.order - 1) / 2;
            let y = y_of(j.min(last.saturating_sub(1)).max(first)) + ROW * 0.6 + 10.0;
            let (x, anchor, class) = match st.side {
                Peer::A => (LANE_A + 4.0, "start", "state-label from-a"),
                Peer::B => (LANE_B - 4.0, "end", "state-label from-b"),
            };
            let mark = if st.uncertain.is_some() { "?" } else { "" };
            html! {
                <text class={classes!(class, st.uncertain.is_some().then_some("uncertain"))}
                    x={num(x)} y={num(y)} text-anchor={anchor}>{ format!("{}{mark}", st.to) }</text>
            }
        });
    let cursor_y = if props.cursor > first && props.cursor <= last {
        Some(y_of(props.cursor - 1) + ROW * 0.6 + 3.0)
    } else {
        None
    };
    html! {
        // The chart scrolls: focusable, so a keyboard can scroll it too (WCAG 2.1.1).
        <div class="chart capture-chart" tabindex="0" role="region" aria-label={tr(lang, "capture.packets")}>
            <svg viewBox={format!("0 0 {} {}", WIDTH as u32, height as u32)} role="img"
                aria-label={tr(lang, "capture.chart")}>
                <line class="lifeline from-a" x1={num(LANE_A)} y1="0" x2={num(LANE_A)} y2={num(height)} />
                <line class="lifeline from-b" x1={num(LANE_B)} y1="0" x2={num(LANE_B)} y2={num(height)} />
                { for break_marks }
                { for rows }
                { for states }
                if let Some(y) = cursor_y {
                    <line class="now-line" x1="0" y1={num(y)} x2={num(WIDTH)} y2={num(y)} />
                }
            </svg>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use synack_core::Flags;

    #[test]
    fn the_window_follows_the_cursor_and_stays_in_range() {
        assert_eq!(window(0, 5), (0, 5));
        assert_eq!(window(100, 1000), (80, 120));
        assert_eq!(window(1000, 1000), (960, 1000));
        assert_eq!(window(0, 0), (0, 0));
    }

    #[test]
    fn rows_follow_time_and_long_gaps_are_broken() {
        let row = |micros: u64| PacketRow {
            micros,
            side: Peer::A,
            flags: Flags::ACK,
            seq: 0,
            ack: 0,
            len: 0,
            window: 1,
            frame: 1,
            analysis: 0,
            window_bytes: 1,
            sack: Vec::new(),
        };
        // Gaps of 10, 20 and 10 ms four times, then a minute: the typical gap is 14 ms.
        let p: Vec<PacketRow> = [
            0, 10_000, 30_000, 40_000, 50_000, 60_000, 70_000, 60_070_000,
        ]
        .into_iter()
        .map(row)
        .collect();
        let (tops, breaks) = row_tops(&p);
        assert_eq!(tops.len(), p.len());
        let ten = tops[1] - tops[0];
        assert!((MIN_GAP..=2.0 * ROW).contains(&ten), "{ten}");
        let twenty = tops[2] - tops[1];
        assert!(
            (twenty - 2.0 * ten).abs() < 0.01,
            "twice the time, twice the room"
        );
        assert!(
            (tops[7] - tops[6] - MAX_GAP).abs() < 0.01,
            "a minute is compressed"
        );
        assert_eq!(breaks, vec![(7, 60_000_000)]);
        // A burst is spread to stay legible; nothing divides by zero.
        let (tops, breaks) = row_tops(&[row(5), row(5), row(5)]);
        assert_eq!(tops, vec![0.0, MIN_GAP, 2.0 * MIN_GAP]);
        assert!(breaks.is_empty());
        assert_eq!(row_tops(&[]), (vec![], vec![]));
    }

    #[test]
    fn labels_show_ack_only_with_the_flag() {
        let mut p = PacketRow {
            micros: 0,
            side: Peer::A,
            flags: Flags::SYN,
            seq: 0,
            ack: 0,
            len: 0,
            window: 65535,
            frame: 1,
            analysis: 0,
            window_bytes: 65535,
            sack: Vec::new(),
        };
        assert_eq!(packet_label(&p), "SYN seq=0");
        p.flags = Flags::from_bits(Flags::ACK.bits() | Flags::PSH.bits());
        p.len = 5;
        p.ack = 1;
        p.window = 0;
        assert!(
            packet_label(&p).ends_with("seq=0 ack=1 len=5 win=0"),
            "{}",
            packet_label(&p)
        );
    }
}
