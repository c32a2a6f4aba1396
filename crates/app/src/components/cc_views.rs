//! The congestion and window views (issue 13), a lazily loaded part: per sender a strip of
//! cwnd, ssthresh, the bytes in flight and the peer's window over the run, on the sequence
//! chart's time axis (its rows: the same steps per action and the same compressed idle gaps),
//! shaded by phase and marked where the congestion controller reacted; and the sliding-window
//! bars of both peers at the cursor. Everything follows the cursor; a marker moves it.

use std::rc::Rc;

use synack_core::tseq::TimeSeq;
use synack_core::{CongestionControl, Label, Peer};
use yew::prelude::*;

use crate::components::tseq_graph::{self, PlotTexts, TimeSeqPlot, BANDS};
use crate::hooks::lang::use_lang;
use crate::i18n::{fill, tr, tr_dyn, Lang};
use crate::model::cc::{self, Axis, AxisPlace, CcModel, Mark, Phase, RecvBar, SendBar};
use crate::model::frame::Frame;
use crate::model::session::Session;
use crate::model::shared::Shared;
use crate::model::state::Action;
use crate::model::timeline::Timeline;

#[derive(Properties, Clone, PartialEq)]
pub struct CcViewsProps {
    pub session: Session,
    pub frame: Shared<Frame>,
    pub dispatch: Callback<Action>,
}

crate::lazy::part! {
    /// The congestion strip and the window bars, fetched when first shown.
    pub static CC_VIEWS = CcViews(CcViewsProps) in cc, areas: &["cc"], stylesheets: &["cc.css", "tseq.css"];
}

/// The strip's drawing width and one sender's row height, in viewBox units.
const W: f32 = 600.0;
const ROW_H: f32 = 84.0;
const PAD: f32 = 4.0;

#[function_component(CcViews)]
pub fn cc_views(props: &CcViewsProps) -> Html {
    let lang = use_lang();
    let model = use_memo(props.session.clone(), cc::model);
    let tseq = use_memo(props.session.clone(), SimGraphs::of);
    let frame = &props.frame;
    let cursor = frame.cursor;
    let timeline = props.session.timeline().clone();
    let senders: Vec<Peer> = Peer::BOTH
        .into_iter()
        .filter(|&p| model.series(p).sent_data)
        .collect();
    let cc_on = frame.settings.config.cc != CongestionControl::None;
    html! {
        <div class="cc-views" data-testid="cc-views">
            if senders.is_empty() {
                <p class="muted">{ tr(lang, "cc.no_data") }</p>
            }
            { for senders.iter().map(|&p| strip(lang, &model, &timeline, p, cursor, &props.dispatch)) }
            { for senders.iter().map(|&p| time_seq_view(lang, &tseq, p, cursor, &props.dispatch)) }
            <div class="cc-bars">
                { for Peer::BOTH.into_iter().map(|p| bars(lang, &props.session, frame, p, cc_on)) }
            </div>
            if !frame.exact {
                <p class="muted cc-note">{ tr(lang, "cc.bars_last_command") }</p>
            }
        </div>
    }
}

/// Both senders' time-sequence graphs and, per cursor, its place on the graph's time axis.
/// The axis is the sequence chart's rows, as the strip's: in a simulated run most events
/// share one virtual instant (delivery takes no time unless a delay is set) and a TIME-WAIT
/// lasts minutes, so virtual time would put all the data in one column.
#[derive(PartialEq)]
struct SimGraphs {
    peers: [cc::SimTimeSeq; 2],
    /// For cursor k in 0..=len, its position (the chart's y, in thousandths of a row unit).
    pos: Vec<u64>,
    /// What the axis counts, for its label: the virtual time at the end, or events.
    axis: Axis,
}

impl SimGraphs {
    fn of(session: &Session) -> SimGraphs {
        let timeline = session.timeline();
        let top = timeline.y_at(0);
        let pos = (0..=timeline.len())
            .map(|k| ((timeline.y_at(k) - top).max(0.0) * 1000.0) as u64)
            .collect();
        SimGraphs {
            peers: Peer::BOTH.map(|p| cc::time_seq(session, p)),
            pos,
            axis: Axis::of(timeline),
        }
    }

    fn at(&self, k: usize) -> u64 {
        self.pos.get(k).or(self.pos.last()).copied().unwrap_or(0)
    }

    /// The cursor a click at position `t` moves to: the last one drawn at or before it, at
    /// least past the first event.
    fn cursor_at(&self, t: u64) -> Option<usize> {
        (self.pos.len() > 1).then(|| {
            self.pos
                .partition_point(|&x| x <= t)
                .saturating_sub(1)
                .max(1)
        })
    }

    /// `sim`'s graph with each part placed at the cursor it was sent from.
    fn placed(&self, sim: &cc::SimTimeSeq) -> TimeSeq {
        let mut g = sim.graph.clone();
        for (s, &at) in g.spans.iter_mut().zip(&sim.span_at) {
            s.micros = self.at(at);
        }
        for (a, &at) in g.acks.iter_mut().zip(&sim.ack_at) {
            a.micros = self.at(at);
        }
        for (b, &at) in g.sacks.iter_mut().zip(&sim.sack_at) {
            b.micros = self.at(at);
        }
        g
    }
}

/// One sender's time-sequence graph, drawn by the capture view's component: the segments
/// sent by the cursor solid, later ones faded.
fn time_seq_view(
    lang: Lang,
    graphs: &SimGraphs,
    peer: Peer,
    cursor: usize,
    dispatch: &Callback<Action>,
) -> Html {
    let sim = &graphs.peers[peer.index()];
    let duration = graphs.pos.last().copied().unwrap_or(0);
    let g = tseq_graph::from_time_seq(&graphs.placed(sim), duration, &|i| {
        sim.span_at.get(i).is_some_and(|&at| at <= cursor)
    });
    let bands: Vec<Option<usize>> = (0..BANDS)
        .map(|i| graphs.cursor_at((duration as f64 * (i as f64 + 0.5) / BANDS as f64) as u64))
        .collect();
    let cursor_x = Some(tseq_graph::x_of(graphs.at(cursor), duration));
    let name = peer.name();
    let summary = fill(
        tr(lang, "cc.tseq.summary"),
        &[
            ("segments", &g.segments.to_string()),
            ("retx", &g.retransmissions.to_string()),
            ("sack", &g.sack_blocks.to_string()),
            ("peer", name),
        ],
    );
    let texts = PlotTexts {
        summary: summary.into(),
        duration: match graphs.axis {
            Axis::Time { end } => end.to_string(),
            Axis::Events { events, .. } => place_text(lang, AxisPlace::Event(events)),
        }
        .into(),
        legend: [
            "cc.tseq.data",
            "cc.tseq.retx",
            "cc.tseq.ack",
            "cc.tseq.window",
            "cc.tseq.sack",
        ]
        .map(|key| AttrValue::from(tr_dyn(lang, key))),
    };
    let sender_class = match peer {
        Peer::A => "from-a",
        Peer::B => "from-b",
    };
    let d = dispatch.clone();
    let on_cursor = Callback::from(move |k: usize| d.emit(Action::Seek(k)));
    html! {
        <section class="tseq cc-tseq" data-testid={format!("cc-tseq-{name}")}
            data-segments={g.segments.to_string()} data-retransmissions={g.retransmissions.to_string()}
            data-sack={g.sack_blocks.to_string()}>
            <div class="tseq-head">
                <h3>{ fill(tr(lang, "cc.tseq.title"), &[("peer", name)]) }</h3>
            </div>
            <TimeSeqPlot graph={Rc::new(g)} bands={Rc::new(bands)} {cursor_x} {on_cursor}
                {sender_class} clip_id={format!("cc-tseq-plot-{name}")} {texts} />
        </section>
    }
}

/// The x of cursor `k` on the strip: the chart's row of the last event that happened.
fn x_of(timeline: &Timeline, k: usize) -> f32 {
    let top = timeline.y_at(0);
    let bottom = timeline.last_y().max(top + 1.0);
    PAD + (timeline.y_at(k) - top) / (bottom - top) * (W - 2.0 * PAD)
}

fn phase_text(lang: Lang, phase: Phase) -> &'static str {
    tr_dyn(lang, &format!("cc.phase.{}", phase.key()))
}

/// One sender's strip, its readout at the cursor and its markers as buttons.
fn strip(
    lang: Lang,
    model: &CcModel,
    timeline: &Timeline,
    peer: Peer,
    cursor: usize,
    dispatch: &Callback<Action>,
) -> Html {
    let series = model.series(peer);
    let top = series.scale().max(1) as f32 * 1.15;
    let y = |v: u32| ROW_H - PAD - (v as f32 / top).min(1.0) * (ROW_H - 2.0 * PAD);
    let end = x_of(timeline, model.len);
    // Phase bands.
    let mut bands: Vec<Html> = Vec::new();
    for (i, &(at, phase)) in series.phases.iter().enumerate() {
        let Some(phase) = phase else { continue };
        let x0 = x_of(timeline, at);
        let x1 = series
            .phases
            .get(i + 1)
            .map_or(end, |&(next, _)| x_of(timeline, next));
        bands.push(html! {
            <rect class={classes!("cc-phase", phase.key())} x={x0.to_string()} y="0"
                width={(x1 - x0).max(1.0).to_string()} height={ROW_H.to_string()} />
        });
    }
    let steps = |f: &dyn Fn(&cc::Sample) -> Option<u32>| -> String {
        let mut d = String::new();
        let mut prev: Option<f32> = None;
        for (i, s) in series.samples.iter().enumerate() {
            let x0 = x_of(timeline, s.at);
            let x1 = series
                .samples
                .get(i + 1)
                .map_or(end, |n| x_of(timeline, n.at));
            match f(s) {
                Some(v) if (v as f32) <= top => {
                    let yy = y(v);
                    if prev.is_some() {
                        d += &format!("L{x0:.1},{yy:.1}");
                    } else {
                        d += &format!("M{x0:.1},{yy:.1}");
                    }
                    d += &format!("L{x1:.1},{yy:.1}");
                    prev = Some(yy);
                }
                _ => prev = None,
            }
        }
        d
    };
    let cwnd = steps(&|s| s.cwnd);
    let ssthresh = steps(&|s| s.ssthresh);
    let wnd = steps(&|s| s.wnd);
    let flight = steps(&|s| s.flight);
    let cx = x_of(timeline, cursor);
    let at = series.at(cursor);
    let phase = series.phase_at(cursor);
    let marks: Vec<&Mark> = series.marks.iter().collect();
    // A marker moves the cursor past its event, past the segment it opens (a retransmission
    // is logged just after the rule that sent it) and past the `window` event with the new
    // numbers (logged after the input's segments), and opens that segment.
    let jump = |m: &Mark| {
        let sent = m
            .seg
            .and_then(|l| timeline.seg(l))
            .map_or(0, |g| g.sent + 1);
        let numbers = series
            .samples
            .iter()
            .find(|s| s.at > m.at)
            .map_or(0, |s| s.at);
        let (d, at, seg) = (dispatch.clone(), (m.at + 1).max(sent).max(numbers), m.seg);
        Callback::from(move |_: MouseEvent| {
            d.emit(Action::Seek(at));
            d.emit(Action::SelectSegment(seg));
        })
    };
    let title = fill(tr(lang, "cc.strip_title"), &[("peer", peer.name())]);
    let value = |v: Option<u32>| v.map_or("—".to_string(), |v| v.to_string());
    html! {
        <section class={classes!("cc-strip", format!("peer-{}", peer.name().to_lowercase()))}
            data-testid={format!("cc-strip-{}", peer.name())} aria-label={title.clone()}>
            <h3>{ title }</h3>
            <svg viewBox={format!("0 0 {W} {ROW_H}")} preserveAspectRatio="none" role="img"
                aria-label={tr(lang, "cc.strip_alt")}>
                { for bands }
                <path class="cc-flight" d={flight} />
                <path class="cc-wnd" d={wnd} />
                <path class="cc-ssthresh" d={ssthresh} />
                <path class="cc-cwnd" d={cwnd} />
                { for marks.iter().map(|m| {
                    let x = x_of(timeline, m.at + 1);
                    html! {
                        <g class={classes!("cc-mark", m.kind.key())} onclick={jump(m)}>
                            <line x1={x.to_string()} x2={x.to_string()} y1="0" y2={ROW_H.to_string()} />
                            <circle cx={x.to_string()} cy="6" r="4" />
                        </g>
                    }
                }) }
                <line class="cc-cursor" x1={cx.to_string()} x2={cx.to_string()} y1="0" y2={ROW_H.to_string()} />
            </svg>
            <p class="cc-axis muted small" data-testid={format!("cc-axis-{}", peer.name())}>{ axis_text(lang, Axis::of(timeline)) }</p>
            <p class="cc-readout" data-testid={format!("cc-readout-{}", peer.name())}>
                <span class="cwnd">{ fill(tr(lang, "cc.cwnd"), &[("v", &value(at.and_then(|s| s.cwnd)))]) }</span>
                <span class="ssthresh">{ fill(tr(lang, "cc.ssthresh"), &[("v", &value(at.and_then(|s| s.ssthresh)))]) }</span>
                <span class="flight">{ fill(tr(lang, "cc.flight"), &[("v", &value(at.and_then(|s| s.flight)))]) }</span>
                <span class="wnd">{ fill(tr(lang, "cc.wnd"), &[("v", &value(at.and_then(|s| s.wnd)))]) }</span>
                if let Some(phase) = phase {
                    <span class={classes!("cc-phase-name", phase.key())} data-testid="cc-phase">{ phase_text(lang, phase) }</span>
                }
            </p>
            if !marks.is_empty() {
                <ul class="cc-marks">
                    { for marks.iter().map(|m| html! {
                        <li>
                            <button class={classes!("cc-mark-button", m.kind.key())} data-mark={m.kind.key()} onclick={jump(m)}>
                                { mark_text(lang, m, timeline) }
                            </button>
                        </li>
                    }) }
                </ul>
            }
        </section>
    }
}

fn mark_text(lang: Lang, m: &Mark, timeline: &Timeline) -> String {
    let t = place_text(lang, Axis::of(timeline).place(timeline, m.at));
    let name = |l: Option<Label>| l.map(|l| l.to_string()).unwrap_or_default();
    fill(
        tr_dyn(lang, &format!("cc.mark.{}", m.kind.key())),
        &[("t", &t), ("seg", &name(m.seg)), ("ack", &name(m.ack))],
    )
}

/// A point on the axis in words: "0.120s", or "event 12" when the clock never moved.
fn place_text(lang: Lang, p: AxisPlace) -> String {
    match p {
        AxisPlace::Time(t) => t.to_string(),
        AxisPlace::Event(n) => fill(tr(lang, "cc.axis.event"), &[("n", &n.to_string())]),
    }
}

/// What the strip's x axis is, under it: time from 0 to the end, or the events in order.
fn axis_text(lang: Lang, axis: Axis) -> String {
    match axis {
        Axis::Time { end } => fill(tr(lang, "cc.axis.time"), &[("end", &end.to_string())]),
        Axis::Events { events, at } => fill(
            tr(lang, "cc.axis.events"),
            &[("n", &events.to_string()), ("t", &at.to_string())],
        ),
    }
}

/// Widths in percent for the parts of a bar, each non-empty part at least a sliver.
fn widths(parts: &[u32]) -> Vec<f32> {
    let total: u64 = parts.iter().map(|&p| u64::from(p)).sum();
    if total == 0 {
        return vec![0.0; parts.len()];
    }
    let raw: Vec<f32> = parts
        .iter()
        .map(|&p| {
            if p == 0 {
                0.0
            } else {
                (p as f32 / total as f32 * 100.0).max(3.0)
            }
        })
        .collect();
    let sum: f32 = raw.iter().sum();
    raw.iter().map(|w| w * 100.0 / sum).collect()
}

/// A peer's sending and receiving windows at the cursor.
fn bars(lang: Lang, session: &Session, frame: &Frame, peer: Peer, cc_on: bool) -> Html {
    let after = &frame.peer(peer).after;
    let send = cc::send_bar(after, cc_on);
    let recv = cc::recv_bar(session, peer, after, frame.cursor);
    if send.is_none() && recv.is_none() {
        return Html::default();
    }
    html! {
        <section class={classes!("cc-bar-card", format!("peer-{}", peer.name().to_lowercase()))}
            data-testid={format!("cc-bars-{}", peer.name())}>
            if let Some(b) = send { { send_bar(lang, peer, &b) } }
            if let Some(r) = recv { { recv_bar(lang, peer, &r) } }
        </section>
    }
}

/// A bar of parts, as SVG rectangles: the page's strict CSP forbids `style` attributes, and
/// `x`/`width` are attributes of the drawing, not styles. Widths are in percent.
fn bar(alt: String, parts: &[(&'static str, f32, String)]) -> Html {
    let mut x = 0.0;
    let rects: Vec<Html> = parts
        .iter()
        .filter(|(_, w, _)| *w > 0.0)
        .map(|(class, w, label)| {
            let r = html! {
                <rect class={*class} x={format!("{x:.2}")} y="0" width={format!("{w:.2}")} height="10">
                    <title>{ label.clone() }</title>
                </rect>
            };
            x += w;
            r
        })
        .collect();
    html! {
        <svg class="bar" viewBox="0 0 100 10" preserveAspectRatio="none" role="img" aria-label={alt}>
            { for rects }
        </svg>
    }
}

fn send_bar(lang: Lang, peer: Peer, b: &SendBar) -> Html {
    let w = widths(&[b.in_flight, b.sendable, b.idle, b.waiting]);
    let label = |key: &'static str, v: u32| fill(tr_dyn(lang, key), &[("v", &v.to_string())]);
    let acked = b.snd_una.saturating_sub(1);
    html! {
        <div class="cc-window send" data-testid={format!("cc-send-{}", peer.name())}>
            <h3>{ fill(tr(lang, "cc.send_title"), &[("peer", peer.name())]) }</h3>
            { bar(fill(tr(lang, "cc.send_alt"), &[
                ("flight", &b.in_flight.to_string()), ("sendable", &b.sendable.to_string()),
                ("waiting", &b.waiting.to_string())]), &[
                ("flight", w[0], label("cc.part.flight", b.in_flight)),
                ("sendable", w[1], label("cc.part.sendable", b.sendable)),
                ("idle", w[2], label("cc.part.idle", b.idle)),
                ("waiting", w[3], label("cc.part.waiting", b.waiting)),
            ]) }
            <dl class="cc-numbers">
                <div><dt>{ "SND.UNA" }</dt><dd data-testid="snd-una">{ b.snd_una }</dd></div>
                <div><dt>{ "SND.NXT" }</dt><dd data-testid="snd-nxt">{ b.snd_nxt }</dd></div>
                <div><dt>{ "SND.UNA+SND.WND" }</dt><dd data-testid="snd-edge">{ b.snd_una.wrapping_add(b.snd_wnd) }</dd></div>
                if let Some(c) = b.cwnd {
                    <div><dt>{ "cwnd" }</dt><dd data-testid="snd-cwnd">{ c }</dd></div>
                }
            </dl>
            <ul class="cc-legend">
                <li class="acked">{ label("cc.part.acked", acked) }</li>
                <li class="flight">{ label("cc.part.flight", b.in_flight) }</li>
                <li class="sendable">{ label("cc.part.sendable", b.sendable) }</li>
                <li class="waiting" data-testid="snd-waiting">{ label("cc.part.waiting", b.waiting) }</li>
            </ul>
        </div>
    }
}

fn recv_bar(lang: Lang, peer: Peer, r: &RecvBar) -> Html {
    let free = r.rcv_wnd.saturating_sub(r.held);
    let w = widths(&[r.held, free]);
    html! {
        <div class="cc-window recv" data-testid={format!("cc-recv-{}", peer.name())}>
            <h3>{ fill(tr(lang, "cc.recv_title"), &[("peer", peer.name())]) }</h3>
            { bar(fill(tr(lang, "cc.recv_alt"), &[
                ("wnd", &r.rcv_wnd.to_string()), ("held", &r.held.to_string())]), &[
                ("held", w[0], fill(tr(lang, "cc.part.held"), &[("v", &r.held.to_string())])),
                ("free", w[1], r.rcv_wnd.to_string()),
            ]) }
            <dl class="cc-numbers">
                <div><dt>{ "RCV.NXT" }</dt><dd data-testid="rcv-nxt">{ r.rcv_nxt }</dd></div>
                <div><dt>{ "RCV.WND" }</dt><dd data-testid="rcv-wnd">{ r.rcv_wnd }</dd></div>
                <div><dt>{ tr(lang, "cc.held") }</dt><dd data-testid="rcv-held">{ fill(tr(lang, if r.held_segments == 1 { "cc.held_value_one" } else { "cc.held_value" }), &[
                    ("v", &r.held.to_string()), ("n", &r.held_segments.to_string())]) }</dd></div>
            </dl>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bar_widths_keep_every_part_visible_and_sum_to_100() {
        let w = widths(&[4000, 0, 1, 2000]);
        assert!((w.iter().sum::<f32>() - 100.0).abs() < 0.01);
        assert_eq!(w[1], 0.0);
        assert!(w[2] > 2.0, "a 1-byte part stays visible: {w:?}");
        assert!(w[0] > w[3]);
        assert_eq!(widths(&[0, 0]), vec![0.0, 0.0]);
    }

    #[test]
    fn the_time_seq_graph_is_placed_on_the_charts_rows_and_a_click_finds_a_cursor() {
        let text = std::fs::read_to_string(format!(
            "{}/../../scenarios/fast-retransmit.tcps",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap();
        let s = Session::load(&text).unwrap();
        let g = SimGraphs::of(&s);
        let sim = &g.peers[Peer::A.index()];
        let placed = g.placed(sim);
        // Later segments are further right (the rows climb with the cursor).
        assert!(placed.spans.windows(2).all(|w| w[0].micros <= w[1].micros));
        let (first, last) = (placed.spans[0].micros, placed.spans.last().unwrap().micros);
        assert!(last > first, "the data does not sit in one column");
        for (sp, &at) in placed.spans.iter().zip(&sim.span_at) {
            let k = g.cursor_at(sp.micros).unwrap();
            assert!(
                k >= at && g.at(k) == sp.micros,
                "a click on a bar reaches its cursor"
            );
        }
        // The first row: past every event drawn on it.
        let k0 = g.cursor_at(0).unwrap();
        assert!(k0 >= 1 && g.at(k0) == 0 && g.at(k0 + 1) > 0);
        assert_eq!(g.cursor_at(u64::MAX), Some(g.pos.len() - 1));
    }

    #[test]
    fn the_strip_axis_is_the_charts_rows() {
        let s = Session::load("B listen\nA connect\ndeliver s1\nwait 10s\n").unwrap();
        let t = s.timeline();
        assert!((x_of(t, 0) - PAD).abs() < 0.01);
        assert!((x_of(t, t.len()) - (W - PAD)).abs() < 0.01);
        // Monotonic in the cursor, as the chart's rows are.
        assert!((1..t.len()).all(|k| x_of(t, k) <= x_of(t, k + 1)));
    }
}
