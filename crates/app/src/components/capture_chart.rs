//! The sequence chart of a captured connection, in the simulator chart's visual language: A's
//! lifeline on the left, B's on the right, one arrow per packet with its real time since the
//! connection's first packet (in seconds, in a column of its own), and the inferred states
//! beside the lifelines where they change (`?` where the capture cannot confirm them). Only a
//! window of rows around the cursor is drawn, so a connection of any size stays cheap.
//!
//! Nothing written overlaps: the drawing is as wide as its box (so its type is the
//! simulator's size), the time column and the state names have margins of their own sized to
//! their longest text, and an arrow's label sits above its line where a zigzag of replies
//! leaves it room (see [`Geometry`]); a label too long for the lanes is split over two lines,
//! and only if that is too long still is the drawing scaled down.

use synack_core::capture::digest::{Detail, PacketRow};
use synack_core::Peer;
use yew::prelude::*;

use crate::hooks::lang::use_lang;
use crate::hooks::linux::{state_label, use_linux};
use crate::hooks::resize::use_resize_observer;
use crate::i18n::{tr, Lang};
use crate::model::capture::{fmt_duration, fmt_secs};
use crate::model::shared::Shared;
use crate::svg::num;

/// Rows drawn at most.
pub const WINDOW: usize = 40;
const ROW: f32 = 30.0;
/// Room above the first row for the states both ends start in.
const TOP: f32 = 26.0;
/// How far an arrow falls from its sender's lifeline to its receiver's: a capture has one
/// time per packet, so the slant only says which way it went.
const DROP: f32 = 12.0;

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
const MIN_GAP: f32 = 28.0;
const MAX_GAP: f32 = 4.0 * ROW;

/// Each row's top, from 0, for packets drawn one after another: the gap before a row is
/// proportional to the time since the previous packet, at the scale that gives a typical
/// gap (a mean long gaps cannot inflate) a row and a half, and clamped to `MIN_GAP ..= MAX_GAP` (a burst is spread so its
/// labels stay legible; each gap that hit `MAX_GAP` is returned with the time it stands for,
/// as `(row, micros)`, so the chart can mark the break).
pub fn row_tops(packets: &[PacketRow], min_gap: f32) -> (Vec<f32>, Vec<(usize, u64)>) {
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
        y += h.clamp(min_gap, MAX_GAP);
        tops.push(y);
    }
    (tops, breaks)
}

/// `SYN,ACK seq=0 ack=1 len=0`: what the arrow's label says.
pub fn packet_label(p: &PacketRow) -> String {
    let (flags, numbers, tail) = label_parts(p);
    format!("{flags} {numbers}{tail}")
}

/// The label in two parts, for lanes too narrow for one line: the flags with the length and
/// a zero window (`ACK,PSH len=1448`), then the numbers (`seq=1449 ack=1`).
pub fn packet_lines(p: &PacketRow) -> (String, String) {
    let (flags, numbers, tail) = label_parts(p);
    (format!("{flags}{tail}"), numbers)
}

/// The flags, the numbers, and what follows them (` len=5 win=0`, empty when nothing does).
fn label_parts(p: &PacketRow) -> (String, String, String) {
    let mut numbers = format!("seq={}", p.seq);
    if p.flags.ack() {
        numbers.push_str(&format!(" ack={}", p.ack));
    }
    let mut tail = String::new();
    if p.len > 0 {
        tail.push_str(&format!(" len={}", p.len));
    }
    if p.window == 0 {
        tail.push_str(" win=0");
    }
    (p.flags.to_string(), numbers, tail)
}

/// A retransmission, as the analysis marks it (Wireshark's `tcp.analysis.retransmission` and
/// its fast and spurious kinds).
pub fn is_retransmission(p: &PacketRow) -> bool {
    use synack_core::capture::analysis::PacketFlags as F;
    p.analysis & (F::RETRANSMISSION | F::FAST_RETRANSMISSION | F::SPURIOUS_RETRANSMISSION) != 0
}

/// Type sizes of the chart's texts, in CSS px: the simulator chart's (web/chart.css: arrow
/// labels 12.5 px, state names and times 12 px; on a phone, a viewport up to 640 px wide,
/// labels 12, 11 px or more on screen once a phone's chart is scaled down). The chart puts a class on its box that web/capture.css keys the same sizes on, so the layout here and the drawing cannot disagree: when they did (the layout at
/// 10.5 px, the labels drawn at 12.5), two-line labels overwrote each other and arrowheads.
/// Every text of the chart is in the monospace font, whose glyphs are 0.6 em wide (CJK 1 em).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Type {
    pub label: f32,
    pub state: f32,
    pub time: f32,
}

pub const DESKTOP: Type = Type {
    label: 12.5,
    state: 12.0,
    time: 12.0,
};
pub const PHONE: Type = Type {
    label: 12.0,
    state: 11.0,
    time: 11.0,
};

impl Type {
    /// The sizes for a viewport `w` CSS px wide (web/chart.css's `max-width: 640px`).
    pub fn for_viewport(w: f32) -> Type {
        if w > 0.0 && w <= 640.0 {
            PHONE
        } else {
            DESKTOP
        }
    }

    /// The class that gives web/capture.css these sizes: a style attribute would break the
    /// strict CSP (`style-src-attr`), so the two sets are written there, keyed by class.
    fn class(&self) -> &'static str {
        if *self == PHONE {
            "type-phone"
        } else {
            "type-desktop"
        }
    }
}
/// Where the times start, right of the cursor's mark.
const TIME_X: f32 = 8.0;

/// The width of `text` set in the monospace font at `px`.
pub fn text_width(text: &str, px: f32) -> f32 {
    text.chars()
        .map(|c| if c.is_ascii() { 0.6 } else { 1.0 })
        .sum::<f32>()
        * px
}

/// Where things go across the chart, in logical units (CSS px unless the box is too narrow).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Geometry {
    /// The viewBox width.
    pub width: f32,
    /// The time column's right edge.
    pub time_w: f32,
    pub xa: f32,
    pub xb: f32,
    /// Labels are split over two lines.
    pub two_lines: bool,
}

/// Past the sender's lifeline, the share of the lanes where a label may start. In a zigzag
/// the previous arrow arrives where this one leaves, `MIN_GAP - DROP` above it, and the
/// wedge between them widens from there: with a drop that small the label (14 px above its
/// line) fits the wedge from the start; this keeps it off the lifeline.
const LABEL_FROM: f32 = 0.05;
/// Room kept before the receiver's lifeline for the arrowhead.
const HEAD_ROOM: f32 = 12.0;
/// The widest distance between the lifelines; wider boxes keep the ladder at the left.
const MAX_SPAN: f32 = 640.0;

impl Geometry {
    /// The layout for a box `px` wide, whose longest time, A state, B state, one-line label
    /// and two-line label's longer line are `widths` (see [`Widths`]).
    pub fn new(px: f32, w: &Widths) -> Geometry {
        // The cursor's mark (3 px), the time, a gap; each state name 6 px from its lifeline
        // and 4 from the time or the edge. Kept tight: on a 360 px phone the drawing of a
        // plain close is then within 10 % of its box, so its type stays within a pixel of
        // the simulator's.
        let time_w = TIME_X + w.time + 4.0;
        let (ma, mb) = (w.state_a + 10.0, w.state_b + 10.0);
        // A label may use the lanes from LABEL_FROM to the arrowhead.
        let span_for = |label: f32| (label + HEAD_ROOM) / (1.0 - LABEL_FROM);
        let fixed = time_w + ma + mb;
        let px = if px.is_finite() && px > 0.0 {
            px
        } else {
            360.0
        };
        let two_lines = fixed + span_for(w.one_line) > px;
        let need = fixed + span_for(if two_lines { w.two_lines } else { w.one_line });
        let width = px.max(need);
        let span = (width - fixed).min(MAX_SPAN);
        let xa = time_w + ma;
        Geometry {
            width,
            time_w,
            xa,
            xb: xa + span,
            two_lines,
        }
    }

    /// The x of `side`'s lifeline.
    pub fn x(&self, side: Peer) -> f32 {
        match side {
            Peer::A => self.xa,
            Peer::B => self.xb,
        }
    }

    /// Where a label `w` wide is centred, as a share of the way from sender to receiver:
    /// past the middle towards the receiver, as in the simulator's chart, but never starting
    /// before `LABEL_FROM` nor running into the arrowhead.
    pub fn label_at(&self, w: f32) -> f32 {
        let span = self.xb - self.xa;
        let lo = LABEL_FROM + w / 2.0 / span;
        let hi = 1.0 - (HEAD_ROOM + w / 2.0) / span;
        0.6_f32.max(lo).min(hi.max(lo))
    }
}

/// The widest texts of a connection (in CSS px), which size the chart's columns.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Widths {
    pub time: f32,
    pub state_a: f32,
    pub state_b: f32,
    pub one_line: f32,
    pub two_lines: f32,
}

/// A packet's label, with its retransmission mark.
fn label_text(lang: Lang, p: &PacketRow) -> (Option<&'static str>, String, (String, String)) {
    let retx = is_retransmission(p).then(|| tr(lang, "capture.retx"));
    (retx, packet_label(p), packet_lines(p))
}

/// A state as the chart writes it: in `ss` spelling under the Linux view, `?` when unsure.
fn state_text(st: synack_core::State, linux: bool, uncertain: bool) -> String {
    format!(
        "{}{}",
        state_label(st, linux),
        if uncertain { "?" } else { "" }
    )
}

/// The widest texts of the whole connection (not only the rows drawn, so the columns stay
/// put while the user scrubs).
pub fn widths(lang: Lang, d: &Detail, linux: bool, t: Type) -> Widths {
    let mut w = Widths::default();
    let last = d.packets.last().map_or(0, |p| p.micros);
    w.time =
        text_width(&fmt_secs(last), t.time).max(text_width(tr(lang, "capture.time_head"), t.time));
    for (i, st) in d.start.iter().enumerate() {
        let x = text_width(&state_text(*st, linux, d.start_inferred), t.state);
        if i == 0 {
            w.state_a = w.state_a.max(x);
        } else {
            w.state_b = w.state_b.max(x);
        }
    }
    for st in &d.steps {
        let x = text_width(&state_text(st.to, linux, st.uncertain.is_some()), t.state);
        match st.side {
            Peer::A => w.state_a = w.state_a.max(x),
            Peer::B => w.state_b = w.state_b.max(x),
        }
    }
    for p in &d.packets {
        let (retx, one, (what, numbers)) = label_text(lang, p);
        let mark = retx.map_or(0.0, |r| text_width(&format!("{r} "), t.label));
        w.one_line = w.one_line.max(mark + text_width(&one, t.label));
        w.two_lines = w
            .two_lines
            .max(mark + text_width(&what, t.label))
            .max(text_width(&numbers, t.label));
    }
    w
}

/// `v` to three decimals (a rotation's cosine and sine; `num` keeps one), without the float
/// formatter.
fn milli(v: f32) -> String {
    let m = (v * 1000.0).round() as i32;
    let sign = if m < 0 { "-" } else { "" };
    let m = m.unsigned_abs();
    format!("{sign}{}.{:03}", m / 1000, m % 1000)
}

/// State labels of one side, as `(y, text, uncertain)` in row order (the steps' order: a
/// timer's change before its packet's, a sender's before the arrival), each moved down where
/// it would touch the one before. No sort: it would cost the lazy module a sort routine.
fn spread(mut labels: Vec<(f32, String, bool)>, state_px: f32) -> Vec<(f32, String, bool)> {
    let mut last = f32::NEG_INFINITY;
    for l in &mut labels {
        l.0 = l.0.max(last + state_px + 3.0);
        last = l.0;
    }
    labels
}

#[function_component(CaptureChart)]
pub fn capture_chart(props: &CaptureChartProps) -> Html {
    let lang = use_lang();
    let linux = use_linux();
    let d = &props.detail;
    // The box's width, so that the drawing is at the type's own size (not scaled up).
    let scroller = use_node_ref();
    // With the viewport's width, which picks the type's sizes as web/chart.css does.
    let measured = use_state_eq(|| (0.0f32, 0.0f32));
    {
        let (node, set) = (scroller.clone(), measured.setter());
        let measure = use_callback(node.clone(), move |(), node: &NodeRef| {
            if let Some(el) = node.cast::<web_sys::Element>() {
                let viewport = web_sys::window()
                    .and_then(|w| w.inner_width().ok())
                    .and_then(|v| v.as_f64())
                    .unwrap_or(0.0);
                set.set((el.client_width() as f32, viewport as f32));
            }
        });
        use_resize_observer(scroller.clone(), measure);
    }
    let (box_w, viewport) = *measured;
    let t = Type::for_viewport(viewport);
    let widths = use_memo(
        (d.clone(), linux, lang, t.label.to_bits()),
        move |(d, linux, lang, _)| widths(*lang, d, *linux, t),
    );
    let g = Geometry::new(box_w, &widths);
    let n = d.packets.len();
    let (first, last) = window(props.cursor, n);
    // Rows spaced by the time between packets (see `row_tops`), long gaps broken.
    let min_gap = if g.two_lines {
        MIN_GAP + t.label + 2.0
    } else {
        MIN_GAP
    };
    let (tops, breaks) = row_tops(&d.packets[first..last], min_gap);
    let y_of = |j: usize| TOP + tops.get(j - first).copied().unwrap_or(0.0);
    let scale = if box_w > 0.0 { box_w / g.width } else { 1.0 };
    use_follow(
        scroller.clone(),
        props
            .cursor
            .checked_sub(1)
            .filter(|&j| j >= first && j < last)
            .map(y_of),
        scale,
    );

    let mid = (g.xa + g.xb) / 2.0;
    let break_marks = breaks.iter().map(|&(i, micros)| {
        // Between row i - 1 and row i: a zigzag over both lifelines and the time skipped.
        // Half-way between the last arrow's head and the next row's labels.
        let y = (y_of(first + i - 1) + DROP + y_of(first + i) - min_gap) / 2.0;
        let zig = |x: f32| format!("M{} {}l4 -3l-8 -3l8 -3l-4 -3", num(x), num(y + 6.0));
        html! {
            <g class="gap-break" data-gap={micros.to_string()}>
                <path d={format!("{}{}", zig(g.xa), zig(g.xb))} />
                <text class="time" x={num(mid)} y={num(y + 3.0)} text-anchor="middle">
                    { format!("⋯ {} ⋯", fmt_duration(lang, micros)) }
                </text>
            </g>
        }
    });

    let rows = (first..last).map(|j| {
        let p = &d.packets[j];
        let (x1, x2) = (g.x(p.side), g.x(p.side.other()));
        let class = match p.side {
            Peer::A => "seg from-a",
            Peer::B => "seg from-b",
        };
        let y = y_of(j);
        let y2 = y + DROP;
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
        let retx = is_retransmission(p);
        let class = classes!(
            class,
            (!seen).then_some("future"),
            (j + 1 == props.cursor).then_some("selected"),
            p.flags.rst().then_some("rst"),
            retx.then_some("retx")
        );
        // The label above the line, along it, reading left to right.
        let (mark, one, (what, numbers)) = label_text(lang, p);
        let mark_w = mark.map_or(0.0, |m| text_width(&format!("{m} "), t.label));
        let lines: Vec<String> = if g.two_lines { vec![what, numbers] } else { vec![one] };
        let w = lines
            .iter()
            .enumerate()
            .map(|(i, l)| text_width(l, t.label) + if i == 0 { mark_w } else { 0.0 })
            .fold(0.0, f32::max);
        let at = g.label_at(w);
        let (mx, my) = (x1 + (x2 - x1) * at, y + DROP * at);
        // Turned along the arrow by a rotation matrix of its direction (sqrt is one wasm
        // instruction; an angle would cost the part a trigonometry routine).
        let len = ((x2 - x1) * (x2 - x1) + DROP * DROP).sqrt();
        let (cos, sin) = ((x2 - x1).abs() / len, DROP / len * (x2 - x1).signum());
        let n_lines = lines.len();
        let texts = lines.into_iter().enumerate().map(|(i, line)| {
            let dy = -4.0 - (n_lines - 1 - i) as f32 * (t.label + 2.0);
            html! {
                <text class="seg-label" x="0" y={num(dy)} text-anchor="middle">
                    if i == 0 {
                        if let Some(m) = mark { <tspan class="retx-mark">{ format!("{m} ") }</tspan> }
                    }
                    { line }
                </text>
            }
        });
        html! {
            <g key={j} class={class} onclick={onclick} data-packet={(j + 1).to_string()}
                data-retx={retx.then_some("true")}>
                // The whole row takes the click, the time column included.
                <rect class="hit" x="0" y={num(y - min_gap + DROP)} width={num(g.width)} height={num(min_gap)} />
                <text class="time" x={num(TIME_X)} y={num(y + 3.5)}>{ fmt_secs(p.micros) }</text>
                <line class="shaft" x1={num(x1)} y1={num(y)} x2={num(x2)} y2={num(y2)} />
                <polygon class="head" points={head} />
                <g transform={format!("matrix({} {} {} {} {} {})", milli(cos), milli(sin), milli(-sin), milli(cos), num(mx), num(my))}>
                    { for texts }
                </g>
            </g>
        }
    });
    // State names beside the lifelines: where each end starts, then each change the drawn
    // packets caused (at the sender's send or the receiver's arrival) or a timer made just
    // before them.
    let mut labels: [Vec<(f32, String, bool)>; 2] = [Vec::new(), Vec::new()];
    if first == 0 {
        for side in Peer::BOTH {
            let st = d.start[side.index()];
            labels[side.index()].push((
                TOP - 12.0,
                state_text(st, linux, d.start_inferred),
                d.start_inferred,
            ));
        }
    }
    for st in d
        .steps
        .iter()
        .filter(|st| st.order > 2 * first && st.order <= 2 * last)
    {
        let j = (st.order - 1) / 2;
        let y = y_of(j);
        let y = if st.order % 2 == 1 {
            y - 6.0
        } else if d.packets[j].side == st.side {
            y + 3.5
        } else {
            y + DROP + 3.5
        };
        labels[st.side.index()].push((
            y,
            state_text(st.to, linux, st.uncertain.is_some()),
            st.uncertain.is_some(),
        ));
    }
    let [la, lb] = labels;
    let (la, lb) = (spread(la, t.state), spread(lb, t.state));
    let bottom = la.iter().chain(lb.iter()).map(|l| l.0).fold(0.0, f32::max);
    let height = (TOP + tops.last().copied().unwrap_or(0.0) + DROP + 12.0).max(bottom + 8.0);
    let state_view = |side: Peer, (y, text, unsure): (f32, String, bool)| {
        let (x, anchor, class) = match side {
            Peer::A => (g.xa - 6.0, "end", "state-label from-a"),
            Peer::B => (g.xb + 6.0, "start", "state-label from-b"),
        };
        html! {
            <text class={classes!(class, unsure.then_some("uncertain"))}
                x={num(x)} y={num(y)} text-anchor={anchor}>{ text }</text>
        }
    };
    let states = la
        .into_iter()
        .map(|l| state_view(Peer::A, l))
        .chain(lb.into_iter().map(|l| state_view(Peer::B, l)));
    // The cursor: the row last seen, marked left of its time.
    let cursor_y = props
        .cursor
        .checked_sub(1)
        .filter(|&j| j >= first && j < last)
        .map(y_of);
    html! {
        // The chart scrolls: focusable, so a keyboard can scroll it too (WCAG 2.1.1).
        <div class={classes!("chart", "capture-chart", t.class())} ref={scroller} tabindex="0" role="region" aria-label={tr(lang, "capture.packets")}>
            <svg class="chart-head" viewBox={format!("0 0 {} 20", num(g.width))} height={num(20.0 * scale)} aria-hidden="true">
                <text class="time-head" x={num(TIME_X)} y="14">{ tr(lang, "capture.time_head") }</text>
                <text class="peer-name from-a" x={num(g.xa)} y="15" text-anchor="middle">{ "A" }</text>
                <text class="peer-name from-b" x={num(g.xb)} y="15" text-anchor="middle">{ "B" }</text>
            </svg>
            <svg viewBox={format!("0 0 {} {}", num(g.width), num(height))} height={num(height * scale)}
                role="img" aria-label={tr(lang, "capture.chart")}>
                <line class="lifeline from-a" x1={num(g.xa)} y1="0" x2={num(g.xa)} y2={num(height)} />
                <line class="lifeline from-b" x1={num(g.xb)} y1="0" x2={num(g.xb)} y2={num(height)} />
                if let Some(y) = cursor_y {
                    <line class="now-line" x1="3" y1={num(y - 7.0)} x2="3" y2={num(y + DROP)} />
                }
                { for break_marks }
                { for rows }
                { for states }
            </svg>
        </div>
    }
}

/// Keeps the cursor's row in the chart's box as the scrubber, the keys or the graph move it:
/// scrolled to the middle when it is out of view (`y` in logical units, `scale` CSS px per
/// unit). It reads the box after the render, when the layout is fresh anyway.
#[hook]
fn use_follow(scroller: NodeRef, y: Option<f32>, scale: f32) {
    use_effect_with((y.map(f32::to_bits), scale.to_bits()), move |_| {
        let (Some(y), Some(el)) = (y, scroller.cast::<web_sys::Element>()) else {
            return;
        };
        let (top, h) = (el.scroll_top() as f32, el.client_height() as f32);
        // Below the sticky head (20 units) and above the bottom, with a row to spare.
        let at = y * scale + 20.0 * scale;
        if at < top + 20.0 * scale + ROW || at > top + h - 2.0 * ROW {
            el.set_scroll_top((at - h / 2.0).max(0.0) as i32);
        }
    });
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
        let (tops, breaks) = row_tops(&p, MIN_GAP);
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
        let (tops, breaks) = row_tops(&[row(5), row(5), row(5)], MIN_GAP);
        assert_eq!(tops, vec![0.0, MIN_GAP, 2.0 * MIN_GAP]);
        assert!(breaks.is_empty());
        assert_eq!(row_tops(&[], MIN_GAP), (vec![], vec![]));
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

    fn widths_at(t: Type, one_line: f32, two_lines: f32) -> Widths {
        Widths {
            time: text_width("0.040000", t.time),
            state_a: text_width("ESTABLISHED", t.state),
            state_b: text_width("CLOSE_WAIT?", t.state),
            one_line,
            two_lines,
        }
    }

    #[test]
    fn columns_never_share_room_and_labels_fit_between_the_lifelines() {
        let label = text_width("ACK,PSH seq=1449 ack=1 len=1448", DESKTOP.label);
        let short = text_width("seq=1449 ack=1", DESKTOP.label);
        // A laptop's panel: one line, at the type's own size.
        let g = Geometry::new(640.0, &widths_at(DESKTOP, label, short));
        assert!(!g.two_lines);
        assert_eq!(g.width, 640.0, "not scaled");
        let w = widths_at(DESKTOP, label, short);
        assert!(g.time_w >= w.time, "the time column holds the times");
        assert!(
            g.xa - g.time_w >= w.state_a,
            "A's states fit left of its lifeline"
        );
        assert!(
            g.width - g.xb >= w.state_b,
            "B's states fit right of its lifeline"
        );
        // The label lies between LABEL_FROM of the way and the arrowhead.
        let span = g.xb - g.xa;
        let at = g.label_at(label);
        assert!(at * span - label / 2.0 >= LABEL_FROM * span - 0.01);
        assert!(at * span + label / 2.0 <= span - HEAD_ROOM + 0.01);
        // A 360 px phone's box (326 px), at the phone's type: two lines, the longest ones
        // (ESTABLISHED and CLOSE_WAIT? beside seq=1449 ack=1) scaled by less than a tenth, so
        // the type stays within a pixel of the simulator's (capture-chart.test.mjs).
        let (pl, ps) = (
            text_width("ACK,PSH seq=1449 ack=1 len=1448", PHONE.label),
            text_width("seq=1449 ack=1", PHONE.label),
        );
        let g = Geometry::new(326.0, &widths_at(PHONE, pl, ps));
        assert!(g.two_lines);
        assert!(326.0 / g.width >= 0.9, "{g:?}");
        assert_eq!(Type::for_viewport(360.0), PHONE);
        assert_eq!(Type::for_viewport(1366.0), DESKTOP);
        assert_eq!(Type::for_viewport(0.0), DESKTOP, "unmeasured");
        // Too narrow even for two lines: the drawing is made wider (the box scales it).
        let g = Geometry::new(200.0, &widths_at(DESKTOP, label, short));
        assert!(g.width > 200.0);
        let span = g.xb - g.xa;
        assert!(span * (1.0 - LABEL_FROM) - HEAD_ROOM >= short - 0.01);
        // An unmeasured box (0 before the first layout) still lays out.
        assert!(Geometry::new(0.0, &widths_at(DESKTOP, label, short)).width >= 338.0);
    }

    #[test]
    fn a_short_label_sits_past_the_middle_towards_the_receiver() {
        let g = Geometry::new(900.0, &widths_at(DESKTOP, 100.0, 60.0));
        assert!((g.label_at(40.0) - 0.6).abs() < 1e-6);
    }

    #[test]
    fn two_lines_say_what_one_line_says() {
        let mut p = PacketRow {
            micros: 0,
            side: Peer::A,
            flags: Flags::from_bits(Flags::ACK.bits() | Flags::PSH.bits()),
            seq: 1449,
            ack: 1,
            len: 1448,
            window: 0,
            frame: 1,
            analysis: 0,
            window_bytes: 0,
            sack: Vec::new(),
        };
        let (what, numbers) = packet_lines(&p);
        assert!(what.ends_with(" len=1448 win=0"), "{what}");
        assert_eq!(numbers, "seq=1449 ack=1");
        assert_eq!(
            packet_label(&p),
            format!("ACK,PSH {numbers} len=1448 win=0")
        );
        assert!(!is_retransmission(&p));
        p.analysis = synack_core::capture::analysis::PacketFlags::FAST_RETRANSMISSION;
        assert!(is_retransmission(&p));
        p.analysis = synack_core::capture::analysis::PacketFlags::DUPLICATE_ACK;
        assert!(!is_retransmission(&p));
    }

    #[test]
    fn a_rotation_keeps_three_decimals() {
        assert_eq!(milli(0.99875), "0.999");
        assert_eq!(milli(-0.0499), "-0.050");
        assert_eq!(milli(1.0), "1.000");
    }

    #[test]
    fn state_labels_of_one_side_never_touch() {
        let l = spread(
            vec![
                (10.0, "A".into(), false),
                (12.0, "A2".into(), true),
                (50.0, "B".into(), false),
            ],
            DESKTOP.state,
        );
        assert!(l.windows(2).all(|w| w[1].0 - w[0].0 >= DESKTOP.state + 3.0));
        assert_eq!(l[2].0, 50.0, "one far enough below stays put");
    }
}
