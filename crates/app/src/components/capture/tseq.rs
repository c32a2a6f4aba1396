//! A Stevens-style time-sequence graph of one direction of a captured connection (as in
//! TCP/IP Illustrated and tcptrace): time across, the sender's sequence number up. Each data
//! segment is a vertical bar from its first byte to its end, retransmissions in the danger
//! colour; the receiver's cumulative ACK is a step line below the bars and its window's right
//! edge (ACK + scaled window, RFC 9293 §3.8.6) a dashed step line above them; SACK blocks
//! (RFC 2018) are short bars beside the ACK line. The scrubber's cursor is a vertical line,
//! and a click on the graph moves the cursor to the packet nearest in time.

use synack_core::capture::analysis::PacketFlags;
use synack_core::capture::digest::{Detail, PacketRow};
use synack_core::Peer;
use yew::prelude::*;

use crate::hooks::lang::use_lang;
use crate::i18n::{fill, tr, tr_dyn};
use crate::model::capture::fmt_duration;
use crate::model::shared::Shared;
use crate::svg::num;

const WIDTH: f32 = 360.0;
const HEIGHT: f32 = 240.0;
/// Room for the sequence numbers on the left and the times below.
const LEFT: f32 = 52.0;
const RIGHT: f32 = 8.0;
const TOP: f32 = 8.0;
const BOTTOM: f32 = 22.0;

/// The graph of one direction, in viewBox coordinates: SVG path data per layer.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Graph {
    /// Data segments (bars) sent up to the cursor, and after it.
    pub data_seen: String,
    pub data_future: String,
    /// Retransmitted segments.
    pub retx: String,
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

/// A sequence number relative to `base`, allowing for wrap-around (spans under 2 GiB).
fn rel(x: u32, base: u32) -> i64 {
    i64::from(x.wrapping_sub(base) as i32)
}

fn x_of(t: u64, duration: u64) -> f32 {
    let w = WIDTH - LEFT - RIGHT;
    if duration == 0 {
        return LEFT + w / 2.0;
    }
    LEFT + (t as f64 / duration as f64) as f32 * w
}

fn y_of(s: i64, max: i64) -> f32 {
    let h = HEIGHT - TOP - BOTTOM;
    let s = s.clamp(0, max.max(1));
    HEIGHT - BOTTOM - (s as f64 / max.max(1) as f64) as f32 * h
}

fn push_bar(path: &mut String, x: f32, y1: f32, y2: f32) {
    path.push('M');
    path.push_str(&num(x));
    path.push(' ');
    path.push_str(&num(y1));
    path.push('V');
    path.push_str(&num(y2));
}

/// Whether a packet carries sequence space: data, or a SYN or FIN (one number each).
fn seq_len(p: &PacketRow) -> u32 {
    p.len + u32::from(p.flags.syn()) + u32::from(p.flags.fin())
}

/// The graph of `sender`'s data and the other side's ACKs, with the first `cursor` packets
/// drawn as seen.
pub fn build(d: &Detail, sender: Peer, cursor: usize) -> Graph {
    let mut g = Graph {
        duration: d.packets.last().map_or(0, |p| p.micros),
        ..Graph::default()
    };
    let sent = |p: &&PacketRow| p.side == sender && seq_len(p) > 0;
    // The base: the sender's first sequence number (0 when the capture has its SYN).
    let Some(base) = d.packets.iter().find(sent).map(|p| p.seq).or_else(|| {
        d.packets
            .iter()
            .find(|p| p.side != sender && p.flags.ack())
            .map(|p| p.ack)
    }) else {
        return g;
    };
    g.seq_base = base;
    // The vertical range: the data and the ACKs; the window edge only while it stays near
    // them (a 6 MB window over 20 kB of data would flatten the graph), beyond that it is
    // clipped at the top.
    let mut top = 1i64;
    let mut win_top = 1i64;
    for p in &d.packets {
        if p.side == sender && seq_len(p) > 0 {
            top = top.max(rel(p.seq, base) + i64::from(seq_len(p)));
        } else if p.side != sender && p.flags.ack() {
            top = top.max(rel(p.ack, base));
            win_top = win_top.max(rel(p.ack, base) + p.window_bytes as i64);
            for &(_, r) in &p.sack {
                top = top.max(rel(r as u32, base));
            }
        }
    }
    g.seq_max = top.max(win_top.min(top.saturating_mul(2)));
    let max = g.seq_max;
    let mut last_ack: Option<(f32, f32, f32)> = None;
    for (j, p) in d.packets.iter().enumerate() {
        let x = x_of(p.micros, g.duration);
        if p.side == sender && seq_len(p) > 0 {
            let start = rel(p.seq, base);
            let (y1, y2) = (y_of(start, max), y_of(start + i64::from(seq_len(p)), max));
            // A bar at least a pixel and a half tall, so a one-byte probe still shows.
            let y2 = y2.min(y1 - 1.5);
            let retx = PacketFlags(p.analysis).has(PacketFlags::RETRANSMISSION);
            let path = if retx {
                g.retransmissions += 1;
                &mut g.retx
            } else if j < cursor {
                &mut g.data_seen
            } else {
                &mut g.data_future
            };
            push_bar(path, x, y1, y2);
            if retx {
                // tcptrace's I-beam: caps make a retransmission stand out among dense bars.
                for y in [y1, y2] {
                    path.push_str(&format!("M{} {}h6", num(x - 3.0), num(y)));
                }
            }
            g.segments += 1;
        } else if p.side != sender && p.flags.ack() && !p.flags.rst() {
            let ack = rel(p.ack, base);
            let ya = y_of(ack, max);
            let yw = y_of(ack + p.window_bytes as i64, max);
            match last_ack {
                None => {
                    g.ack.push_str(&format!("M{} {}", num(x), num(ya)));
                    g.window.push_str(&format!("M{} {}", num(x), num(yw)));
                }
                Some(_) => {
                    // Steps: level until this ACK, then up (or down) to it.
                    g.ack.push_str(&format!("H{}V{}", num(x), num(ya)));
                    g.window.push_str(&format!("H{}V{}", num(x), num(yw)));
                }
            }
            last_ack = Some((x, ya, yw));
            for &(l, r) in &p.sack {
                let (yl, yr) = (
                    y_of(rel(l as u32, base), max),
                    y_of(rel(r as u32, base), max),
                );
                push_bar(&mut g.sack, x + 2.0, yl, yr.min(yl - 1.5));
                g.sack_blocks += 1;
            }
        }
    }
    // Both lines run to the end of the graph.
    if last_ack.is_some() {
        let end = num(x_of(g.duration, g.duration));
        g.ack.push_str(&format!("H{end}"));
        g.window.push_str(&format!("H{end}"));
    }
    g
}

/// Click bands across the plot.
const BANDS: usize = 72;

/// The packet nearest in time to `t` (packets in time order).
pub fn nearest(packets: &[PacketRow], t: u64) -> Option<usize> {
    let j = packets.partition_point(|p| p.micros < t);
    match (j.checked_sub(1), packets.get(j)) {
        (Some(i), Some(after)) => Some(if t - packets[i].micros <= after.micros - t {
            i
        } else {
            j
        }),
        (Some(i), None) => Some(i),
        (None, Some(_)) => Some(j),
        (None, None) => None,
    }
}

/// The direction that sent more payload: the graph shown first.
pub fn busier(d: &Detail) -> Peer {
    let bytes = |side: Peer| -> u64 {
        d.packets
            .iter()
            .filter(|p| p.side == side)
            .map(|p| u64::from(p.len))
            .sum()
    };
    if bytes(Peer::B) > bytes(Peer::A) {
        Peer::B
    } else {
        Peer::A
    }
}

#[derive(Properties, Clone, PartialEq)]
pub struct TimeSeqProps {
    pub detail: Shared<Detail>,
    pub cursor: usize,
    pub on_cursor: Callback<usize>,
}

#[function_component(TimeSeqGraph)]
pub fn time_seq_graph(props: &TimeSeqProps) -> Html {
    let lang = use_lang();
    let d = &props.detail;
    let sender = use_state({
        let d = d.clone();
        move || busier(&d)
    });
    let g = build(d, *sender, props.cursor);
    let choose = |side: Peer| {
        let sender = sender.clone();
        Callback::from(move |_: MouseEvent| sender.set(side))
    };
    // Clicks land on thin vertical bands across the plot, each moving the cursor past the
    // packet nearest its middle: the band knows its time, so no pointer coordinates (and no
    // more JS glue in the first paint) are needed.
    let bands = (0..BANDS).map(|i| {
        let w = (WIDTH - LEFT - RIGHT) / BANDS as f32;
        let t = (g.duration as f64 * (i as f64 + 0.5) / BANDS as f64) as u64;
        let j = nearest(&d.packets, t);
        let cb = props.on_cursor.clone();
        let onclick = Callback::from(move |_: MouseEvent| {
            if let Some(j) = j {
                cb.emit(j + 1);
            }
        });
        html! {
            <rect class="hit" x={num(LEFT + i as f32 * w)} y={num(TOP)} width={num(w)}
                height={num(HEIGHT - TOP - BOTTOM)} {onclick} />
        }
    });
    let cursor_x = props
        .cursor
        .checked_sub(1)
        .and_then(|k| d.packets.get(k))
        .map(|p| x_of(p.micros, g.duration));
    let (a_label, b_label) = (tr(lang, "capture.tseq.a"), tr(lang, "capture.tseq.b"));
    let bottom = HEIGHT - BOTTOM;
    let summary = fill(
        tr(lang, "capture.tseq.summary"),
        &[
            ("segments", &g.segments.to_string()),
            ("retx", &g.retransmissions.to_string()),
            ("sack", &g.sack_blocks.to_string()),
        ],
    );
    let sender_class = match *sender {
        Peer::A => "from-a",
        Peer::B => "from-b",
    };
    let legend = [
        ("data", "capture.tseq.data"),
        ("retx", "capture.tseq.retx"),
        ("ack", "capture.tseq.ack"),
        ("window", "capture.tseq.window"),
        ("sack", "capture.tseq.sack"),
    ]
    .map(|(class, key)| {
        let peer = (class == "data").then_some(sender_class);
        html! { <li><span class={classes!("key", class, peer)}></span>{ tr_dyn(lang, key) }</li> }
    });
    html! {
        <section class="tseq" data-testid="capture-tseq" data-segments={g.segments.to_string()}
            data-retransmissions={g.retransmissions.to_string()} data-sack={g.sack_blocks.to_string()}>
            <div class="tseq-head">
                <h3>{ tr(lang, "capture.tseq.title") }</h3>
                <div class="tseq-dirs" role="group" aria-label={tr(lang, "capture.tseq.direction")}>
                    <button aria-pressed={(*sender == Peer::A).to_string()} onclick={choose(Peer::A)}
                        data-testid="capture-tseq-a">{ a_label }</button>
                    <button aria-pressed={(*sender == Peer::B).to_string()} onclick={choose(Peer::B)}
                        data-testid="capture-tseq-b">{ b_label }</button>
                </div>
            </div>
            <svg viewBox={format!("0 0 {} {}", WIDTH as u32, HEIGHT as u32)} role="img"
                aria-label={summary.clone()} class={sender_class}>
                <defs>
                    <clipPath id="tseq-plot">
                        <rect x={num(LEFT)} y={num(TOP)} width={num(WIDTH - LEFT - RIGHT)} height={num(HEIGHT - TOP - BOTTOM)} />
                    </clipPath>
                </defs>
                <line class="axis" x1={num(LEFT)} y1={num(TOP)} x2={num(LEFT)} y2={num(bottom)} />
                <line class="axis" x1={num(LEFT)} y1={num(bottom)} x2={num(WIDTH - RIGHT)} y2={num(bottom)} />
                <text class="tick" x={num(LEFT - 3.0)} y={num(bottom)} text-anchor="end">{ "0" }</text>
                <text class="tick" x={num(LEFT - 3.0)} y={num(TOP + 8.0)} text-anchor="end">{ g.seq_max.to_string() }</text>
                <text class="tick" x={num(LEFT)} y={num(HEIGHT - 6.0)} text-anchor="start">{ "0" }</text>
                <text class="tick" x={num(WIDTH - RIGHT)} y={num(HEIGHT - 6.0)} text-anchor="end">{ fmt_duration(lang, g.duration) }</text>
                <g clip-path="url(#tseq-plot)">
                    <path class="window" d={g.window.clone()} />
                    <path class="ack" d={g.ack.clone()} />
                    <path class="sack" d={g.sack.clone()} />
                    <path class="data" d={g.data_seen.clone()} />
                    <path class="data future" d={g.data_future.clone()} />
                    <path class="retx" d={g.retx.clone()} />
                </g>
                { for bands }
                if let Some(x) = cursor_x {
                    <line class="now-line" x1={num(x)} y1={num(TOP)} x2={num(x)} y2={num(bottom)} />
                }
            </svg>
            <p class="muted small">{ summary }</p>
            <ul class="tseq-legend small">{ for legend }</ul>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::capture::{detail_of, diagnosis_of};
    use synack_core::capture::digest;

    /// Connection `index` of a lab capture, through the worker's digest and the page's
    /// decoder.
    fn detail(bytes: &[u8], index: usize) -> Detail {
        let (_, kept) = digest::summarize(bytes);
        let (p, c) = kept.unwrap();
        detail_of(&digest::detail(&p, &c, index).unwrap()).unwrap()
    }

    #[test]
    fn every_retransmission_the_analysis_counts_is_drawn_as_one() {
        let d = detail(
            include_bytes!("../../../../../tests/captures/bulk-loss.server.pcap"),
            1,
        );
        let g_diag = diagnosis_of(&d).unwrap();
        let sender = busier(&d);
        let g = build(&d, sender, d.packets.len());
        let counted = g_diag.count(sender, "retransmissions").unwrap();
        assert!(counted > 0, "the lab lost packets on purpose");
        assert_eq!(g.retransmissions as u64, counted);
        // Every packet of the sender that carries sequence space is a bar.
        let carrying = d
            .packets
            .iter()
            .filter(|p| p.side == sender && seq_len(p) > 0)
            .count();
        assert_eq!(g.segments, carrying);
        assert!(g.seq_max >= g_diag.count(sender, "unique_bytes").unwrap() as i64);
        assert!(g.ack.starts_with('M') && g.window.starts_with('M'));
        // The cursor splits the bars: none is "seen" before the first packet.
        let g0 = build(&d, sender, 0);
        assert!(g0.data_seen.is_empty() && !g0.data_future.is_empty());
    }

    #[test]
    fn sack_blocks_are_drawn_where_the_receiver_sent_them() {
        let d = detail(
            include_bytes!("../../../../../tests/captures/bulk-loss.client.pcap"),
            1,
        );
        let sender = busier(&d);
        let blocks: usize = d
            .packets
            .iter()
            .filter(|p| p.side != sender && p.flags.ack() && !p.flags.rst())
            .map(|p| p.sack.len())
            .sum();
        let g = build(&d, sender, d.packets.len());
        assert!(blocks > 0, "the receiver SACKed the holes the lab made");
        assert_eq!(g.sack_blocks, blocks);
    }

    #[test]
    fn a_click_picks_the_packet_nearest_in_time() {
        let d = detail(
            include_bytes!("../../../../../tests/captures/zero-window.pcap"),
            1,
        );
        let times: Vec<u64> = d.packets.iter().map(|p| p.micros).collect();
        assert_eq!(nearest(&d.packets, 0), Some(0));
        assert_eq!(nearest(&d.packets, u64::MAX), Some(times.len() - 1));
        for (j, &t) in times.iter().enumerate() {
            let k = nearest(&d.packets, t).unwrap();
            assert_eq!(times[k], t, "packet {j} is found at its own time");
        }
        // Between two packets, the closer one.
        let (a, b) = (times[3], times[4]);
        if b > a + 2 {
            assert_eq!(nearest(&d.packets, a + 1), Some(3));
            assert_eq!(nearest(&d.packets, b - 1), Some(4));
        }
        assert_eq!(nearest(&[], 5), None);
    }

    #[test]
    fn an_empty_direction_draws_nothing_and_does_not_panic() {
        let g = build(&Detail::default(), Peer::A, 0);
        assert_eq!(g.segments, 0);
        assert!(g.ack.is_empty());
        assert_eq!(rel(5, u32::MAX - 4), 10, "sequence numbers wrap");
        assert_eq!(
            y_of(10, 0),
            y_of(10, 1),
            "a zero range does not divide by zero"
        );
    }
}
