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

// The drawing is shared with the simulator's congestion views (components/tseq_graph.rs).
pub use crate::components::tseq_graph::Graph;
use crate::components::tseq_graph::{
    finish_lines, push_bar, push_caps, push_step, x_of, y_of, PlotTexts, TimeSeqPlot, BANDS,
};

/// A sequence number relative to `base`, allowing for wrap-around (spans under 2 GiB).
fn rel(x: u32, base: u32) -> i64 {
    i64::from(x.wrapping_sub(base) as i32)
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
                push_caps(path, x, y1, y2);
            }
            g.segments += 1;
        } else if p.side != sender && p.flags.ack() && !p.flags.rst() {
            let ack = rel(p.ack, base);
            let ya = y_of(ack, max);
            let yw = y_of(ack + p.window_bytes as i64, max);
            push_step(&mut g, last_ack.is_none(), x, ya, yw);
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
    finish_lines(&mut g);
    g
}

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
    // Each band moves the cursor past the packet nearest its middle.
    let bands: Vec<Option<usize>> = (0..BANDS)
        .map(|i| {
            let t = (g.duration as f64 * (i as f64 + 0.5) / BANDS as f64) as u64;
            nearest(&d.packets, t).map(|j| j + 1)
        })
        .collect();
    let cursor_x = props
        .cursor
        .checked_sub(1)
        .and_then(|k| d.packets.get(k))
        .map(|p| x_of(p.micros, g.duration));
    let (a_label, b_label) = (tr(lang, "capture.tseq.a"), tr(lang, "capture.tseq.b"));
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
    let texts = PlotTexts {
        summary: summary.into(),
        duration: fmt_duration(lang, g.duration).into(),
        legend: [
            "capture.tseq.data",
            "capture.tseq.retx",
            "capture.tseq.ack",
            "capture.tseq.window",
            "capture.tseq.sack",
        ]
        .map(|key| AttrValue::from(tr_dyn(lang, key))),
    };
    let (segments, retransmissions, sack) = (
        g.segments.to_string(),
        g.retransmissions.to_string(),
        g.sack_blocks.to_string(),
    );
    html! {
        <section class="tseq" data-testid="capture-tseq" data-segments={segments}
            data-retransmissions={retransmissions} data-sack={sack}>
            <div class="tseq-head">
                <h3>{ tr(lang, "capture.tseq.title") }</h3>
                <div class="tseq-dirs" role="group" aria-label={tr(lang, "capture.tseq.direction")}>
                    <button aria-pressed={(*sender == Peer::A).to_string()} onclick={choose(Peer::A)}
                        data-testid="capture-tseq-a">{ a_label }</button>
                    <button aria-pressed={(*sender == Peer::B).to_string()} onclick={choose(Peer::B)}
                        data-testid="capture-tseq-b">{ b_label }</button>
                </div>
            </div>
            <TimeSeqPlot graph={std::rc::Rc::new(g)} bands={std::rc::Rc::new(bands)} {cursor_x}
                on_cursor={props.on_cursor.clone()} {sender_class} clip_id="tseq-plot" {texts} />
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
