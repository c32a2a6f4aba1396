//! The Stevens-style time-sequence graph (as in TCP/IP Illustrated and tcptrace) shared by
//! the capture view (components/capture/tseq.rs) and the simulator's congestion views
//! (components/cc_views.rs): time across, the sender's sequence number up. Each segment is a
//! vertical bar from its first byte to its end, retransmissions in the danger colour with
//! I-beam caps; the receiver's cumulative ACK is a step line below the bars and its window's
//! right edge (ACK + scaled window, RFC 9293 §3.8.6) a dashed step line above them; SACK
//! blocks (RFC 2018) are short bars beside the ACK line. Parts sent after the cursor are
//! faded; a click on the plot moves the cursor. Both lazy parts that draw it reach this
//! module, so wasm-split puts it in a chunk they share.

use synack_core::tseq::{SpanKind, TimeSeq};
use yew::prelude::*;

use crate::svg::num;

pub const WIDTH: f32 = 360.0;
pub const HEIGHT: f32 = 240.0;
/// Room for the sequence numbers on the left and the times below.
pub const LEFT: f32 = 52.0;
pub const RIGHT: f32 = 8.0;
pub const TOP: f32 = 8.0;
pub const BOTTOM: f32 = 22.0;
/// Click bands across the plot.
pub const BANDS: usize = 72;

/// The graph of one direction, in viewBox coordinates: SVG path data per layer.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Graph {
    /// Data segments (bars) sent up to the cursor, and after it.
    pub data_seen: String,
    pub data_future: String,
    /// Retransmitted segments, up to the cursor and (simulator only) after it.
    pub retx: String,
    pub retx_future: String,
    /// The receiver's ACK and window edge, as step lines.
    pub ack: String,
    pub window: String,
    /// SACK blocks.
    pub sack: String,
    /// Counts drawn, for the legend and the tests.
    pub segments: usize,
    pub retransmissions: usize,
    pub sack_blocks: usize,
    /// The axes' ranges: time in microseconds, sequence numbers relative to the first one
    /// drawn.
    pub duration: u64,
    pub seq_base: u32,
    pub seq_max: i64,
}

pub fn x_of(t: u64, duration: u64) -> f32 {
    let w = WIDTH - LEFT - RIGHT;
    if duration == 0 {
        return LEFT + w / 2.0;
    }
    LEFT + (t as f64 / duration as f64) as f32 * w
}

pub fn y_of(s: i64, max: i64) -> f32 {
    let h = HEIGHT - TOP - BOTTOM;
    let s = s.clamp(0, max.max(1));
    HEIGHT - BOTTOM - (s as f64 / max.max(1) as f64) as f32 * h
}

pub fn push_bar(path: &mut String, x: f32, y1: f32, y2: f32) {
    path.push('M');
    path.push_str(&num(x));
    path.push(' ');
    path.push_str(&num(y1));
    path.push('V');
    path.push_str(&num(y2));
}

/// tcptrace's I-beam: caps make a retransmission stand out among dense bars.
pub fn push_caps(path: &mut String, x: f32, y1: f32, y2: f32) {
    for y in [y1, y2] {
        path.push_str(&format!("M{} {}h6", num(x - 3.0), num(y)));
    }
}

/// One step of the ACK and window lines: level until `x`, then up (or down) to the new values.
pub fn push_step(g: &mut Graph, first: bool, x: f32, ya: f32, yw: f32) {
    if first {
        g.ack.push_str(&format!("M{} {}", num(x), num(ya)));
        g.window.push_str(&format!("M{} {}", num(x), num(yw)));
    } else {
        g.ack.push_str(&format!("H{}V{}", num(x), num(ya)));
        g.window.push_str(&format!("H{}V{}", num(x), num(yw)));
    }
}

/// Runs both lines to the end of the graph.
pub fn finish_lines(g: &mut Graph) {
    if !g.ack.is_empty() {
        let end = num(x_of(g.duration, g.duration));
        g.ack.push_str(&format!("H{end}"));
        g.window.push_str(&format!("H{end}"));
    }
}

/// The graph of a [`TimeSeq`] over `duration` microseconds; `seen(i)` says whether span `i`
/// was sent by the cursor. The vertical range is the data and the ACKs, and the window edge
/// only while it stays within twice that (a 256 KiB window over 8 kB of data would flatten
/// the graph); beyond, it is clipped at the top.
pub fn from_time_seq(ts: &TimeSeq, duration: u64, seen: &dyn Fn(usize) -> bool) -> Graph {
    let mut g = Graph {
        duration,
        ..Graph::default()
    };
    let clamp = |v: u64| i64::try_from(v).unwrap_or(i64::MAX);
    let mut top = 1i64;
    let mut win_top = 1i64;
    for s in &ts.spans {
        top = top.max(clamp(s.end));
    }
    for a in &ts.acks {
        top = top.max(clamp(a.ack));
        win_top = win_top.max(clamp(a.window_edge));
    }
    for b in &ts.sacks {
        top = top.max(clamp(b.right));
    }
    g.seq_max = top.max(win_top.min(top.saturating_mul(2)));
    let max = g.seq_max;
    for (i, s) in ts.spans.iter().enumerate() {
        let x = x_of(s.micros, duration);
        let y1 = y_of(clamp(s.seq), max);
        // A bar at least a pixel and a half tall, so a one-byte probe still shows.
        let y2 = y_of(clamp(s.end), max).min(y1 - 1.5);
        let retx = s.kind == SpanKind::Retransmission;
        let path = match (retx, seen(i)) {
            (true, true) => &mut g.retx,
            (true, false) => &mut g.retx_future,
            (false, true) => &mut g.data_seen,
            (false, false) => &mut g.data_future,
        };
        push_bar(path, x, y1, y2);
        if retx {
            push_caps(path, x, y1, y2);
            g.retransmissions += 1;
        }
        g.segments += 1;
    }
    for (i, a) in ts.acks.iter().enumerate() {
        let x = x_of(a.micros, duration);
        let (ya, yw) = (y_of(clamp(a.ack), max), y_of(clamp(a.window_edge), max));
        push_step(&mut g, i == 0, x, ya, yw);
    }
    for b in &ts.sacks {
        let x = x_of(b.micros, duration);
        let yl = y_of(clamp(b.left), max);
        push_bar(
            &mut g.sack,
            x + 2.0,
            yl,
            y_of(clamp(b.right), max).min(yl - 1.5),
        );
        g.sack_blocks += 1;
    }
    finish_lines(&mut g);
    g
}

/// The texts around the plot, from the caller's catalog (each lazy part carries its own).
#[derive(Clone, Debug, PartialEq)]
pub struct PlotTexts {
    /// The summary: the SVG's accessible name and the line below it.
    pub summary: AttrValue,
    /// The time axis' end label.
    pub duration: AttrValue,
    /// The legend: data, retransmission, ACK, window edge, SACK.
    pub legend: [AttrValue; 5],
}

#[derive(Properties, Clone, PartialEq)]
pub struct PlotProps {
    pub graph: std::rc::Rc<Graph>,
    /// Per click band, the cursor a click there moves to.
    pub bands: std::rc::Rc<Vec<Option<usize>>>,
    /// The cursor's x, when it is on the graph.
    pub cursor_x: Option<f32>,
    pub on_cursor: Callback<usize>,
    /// `from-a` or `from-b`: the sender's colour.
    pub sender_class: &'static str,
    /// The clip path's id, unique on the page (two graphs may show at once).
    pub clip_id: AttrValue,
    pub texts: PlotTexts,
}

#[function_component(TimeSeqPlot)]
pub fn time_seq_plot(props: &PlotProps) -> Html {
    let g = &props.graph;
    // Clicks land on thin vertical bands across the plot, each moving the cursor to the one
    // the caller chose for its middle: the band knows its time, so no pointer coordinates
    // (and no more JS glue) are needed.
    let w = (WIDTH - LEFT - RIGHT) / BANDS as f32;
    let bands = props.bands.iter().enumerate().map(|(i, &target)| {
        let cb = props.on_cursor.clone();
        let onclick = Callback::from(move |_: MouseEvent| {
            if let Some(k) = target {
                cb.emit(k);
            }
        });
        html! {
            <rect class="hit" x={num(LEFT + i as f32 * w)} y={num(TOP)} width={num(w)}
                height={num(HEIGHT - TOP - BOTTOM)} {onclick} />
        }
    });
    let bottom = HEIGHT - BOTTOM;
    let t = &props.texts;
    let legend = ["data", "retx", "ack", "window", "sack"]
        .iter()
        .zip(t.legend.iter())
        .map(|(&class, text)| {
            let peer = (class == "data").then_some(props.sender_class);
            html! { <li><span class={classes!("key", class, peer)}></span>{ text.clone() }</li> }
        });
    let clip = format!("url(#{})", props.clip_id);
    html! {
        <>
            <svg viewBox={format!("0 0 {} {}", WIDTH as u32, HEIGHT as u32)} role="img"
                aria-label={t.summary.clone()} class={props.sender_class}>
                <defs>
                    <clipPath id={props.clip_id.clone()}>
                        <rect x={num(LEFT)} y={num(TOP)} width={num(WIDTH - LEFT - RIGHT)} height={num(HEIGHT - TOP - BOTTOM)} />
                    </clipPath>
                </defs>
                <line class="axis" x1={num(LEFT)} y1={num(TOP)} x2={num(LEFT)} y2={num(bottom)} />
                <line class="axis" x1={num(LEFT)} y1={num(bottom)} x2={num(WIDTH - RIGHT)} y2={num(bottom)} />
                <text class="tick" x={num(LEFT - 3.0)} y={num(bottom)} text-anchor="end">{ "0" }</text>
                <text class="tick" x={num(LEFT - 3.0)} y={num(TOP + 8.0)} text-anchor="end">{ g.seq_max.to_string() }</text>
                <text class="tick" x={num(LEFT)} y={num(HEIGHT - 6.0)} text-anchor="start">{ "0" }</text>
                <text class="tick" x={num(WIDTH - RIGHT)} y={num(HEIGHT - 6.0)} text-anchor="end">{ t.duration.clone() }</text>
                <g clip-path={clip}>
                    <path class="window" d={g.window.clone()} />
                    <path class="ack" d={g.ack.clone()} />
                    <path class="sack" d={g.sack.clone()} />
                    <path class="data" d={g.data_seen.clone()} />
                    <path class="data future" d={g.data_future.clone()} />
                    <path class="retx" d={g.retx.clone()} />
                    <path class="retx future" d={g.retx_future.clone()} />
                </g>
                { for bands }
                if let Some(x) = props.cursor_x {
                    <line class="now-line" x1={num(x)} y1={num(TOP)} x2={num(x)} y2={num(bottom)} />
                }
            </svg>
            <p class="muted small">{ t.summary.clone() }</p>
            <ul class="tseq-legend small">{ for legend }</ul>
        </>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_time_seq_draws_bars_steps_and_faded_future_parts() {
        let mut ts = TimeSeq::default();
        ts.span(0, 0, 1, SpanKind::New);
        ts.span(1000, 1, 1001, SpanKind::New);
        ts.span(5000, 1, 1001, SpanKind::Retransmission);
        ts.ack(2000, 1, 4000);
        ts.ack(6000, 1001, 4000);
        ts.sack(3000, 501, 1001);
        let g = from_time_seq(&ts, 6000, &|i| i < 2);
        assert_eq!((g.segments, g.retransmissions, g.sack_blocks), (3, 1, 1));
        assert!(
            g.retx.is_empty() && !g.retx_future.is_empty(),
            "the retransmission is after the cursor"
        );
        assert!(g.data_future.is_empty() && !g.data_seen.is_empty());
        assert!(g.ack.starts_with('M') && g.ack.contains('H'));
        // The window edge (5001) is within twice the data (1001 × 2): it sets the range.
        assert_eq!(g.seq_max, 2002);
        let all = from_time_seq(&ts, 6000, &|_| true);
        assert!(!all.retx.is_empty() && all.retx_future.is_empty());
        let empty = from_time_seq(&TimeSeq::default(), 0, &|_| true);
        assert_eq!(empty.segments, 0);
        assert!(empty.ack.is_empty());
    }
}
