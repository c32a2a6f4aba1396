//! The chart's shapes, one plain function each (not components: a band of the run is drawn
//! anew on a scrubber jump, and every attribute set is a call across the wasm boundary).

use synack_core::{DropCause, Instant, Label, Origin, Peer, SegmentRecord, Timer};
use yew::prelude::*;

use crate::hooks::linux::state_label;
use crate::i18n::{fill, timer_title, tr, Lang};
use crate::model::chart_band::{seg_text, side, timer_text, SegPlace, StatePlace, TimerPlace};
use crate::model::chart_labels::{Anchor, LINE_H, SEG_LIFT};
use crate::model::chart_layout::{
    direction, fmt_gap, fmt_left, head_points, shaft_end, Arrow, Course, Lanes, Network, Tip,
    HEAD_LEN,
};
use crate::model::timeline::{SegSpan, SegStatus, Timeline};
use crate::svg::num;

fn anchor_attr(a: Anchor) -> &'static str {
    match a {
        Anchor::Start => "start",
        Anchor::Middle => "middle",
        Anchor::End => "end",
    }
}

pub fn peer_class(peer: Peer) -> &'static str {
    match peer {
        Peer::A => "from-a",
        Peer::B => "from-b",
    }
}

/// The accessible name of a segment's arrow: "s2 B to A SYN,ACK seq=0 ack=1, delivered".
/// The name starts with the arrow's visible label (`summary` and its `shown` suffix), so that
/// it contains what a sighted user reads and can say (WCAG 2.5.3, Label in Name).
pub fn seg_name(
    lang: Lang,
    rec: &SegmentRecord,
    (summary, shown): (&str, &str),
    course: Course,
    duplicated: bool,
) -> String {
    let origin = match rec.origin {
        Origin::Sent => "",
        Origin::Retransmission => tr(lang, "chart.rtx"),
        Origin::Injected => tr(lang, "chart.injected"),
    };
    let status = match course {
        Course::Delivered { .. } => tr(lang, "chart.delivered"),
        Course::Dropped {
            cause: DropCause::User,
            ..
        } => tr(lang, "chart.dropped"),
        Course::Dropped {
            cause: DropCause::Loss,
            ..
        } => tr(lang, "chart.lost"),
        Course::Flying { .. } | Course::Waiting { held: false, .. } => tr(lang, "chart.in_flight"),
        Course::Waiting { held: true, .. } => tr(lang, "chart.held"),
    };
    let dup = if duplicated {
        tr(lang, "chart.duplicated")
    } else {
        ""
    };
    let origin = if origin.is_empty() {
        String::new()
    } else {
        format!(" ({origin})")
    };
    let dup = if dup.is_empty() {
        String::new()
    } else {
        format!(", {dup}")
    };
    fill(
        tr(lang, "chart.seg_name"),
        &[
            ("label", &rec.label.to_string()),
            ("from", rec.from.name()),
            ("to", rec.to.name()),
            ("summary", summary),
            ("shown", shown),
            ("origin", &origin),
            ("status", status),
            ("dup", &dup),
        ],
    )
}

/// What every arrow needs to know.
pub struct Ctx<'a> {
    pub t: &'a Timeline,
    pub lanes: &'a Lanes,
    pub cursor: usize,
    pub net: &'a Network,
    pub absolute: bool,
    pub selected: Option<Label>,
    /// Arrows delivered from this event on draw themselves once.
    pub fresh_from: usize,
    pub highlight: &'a [Label],
    pub lang: Lang,
}

/// A segment's arrow, its label (placed by the band's layout) and any duplicate's.
pub fn seg_view(ctx: &Ctx<'_>, span: &SegSpan, place: &SegPlace) -> Html {
    let t = ctx.t;
    let rec = &span.record;
    let status = span.status(ctx.cursor);
    let course = place.course;
    let a = place.arrow;
    let copies: Vec<f32> = span
        .copies
        .iter()
        .filter(|&&c| c < ctx.cursor)
        .filter_map(|&c| t.y(c))
        .collect();
    let (summary, suffix) = seg_text(rec, ctx.absolute);

    let selected = ctx.selected == Some(rec.label);
    let injected = rec.origin == Origin::Injected;
    let fresh = !injected
        && status == SegStatus::Delivered
        && span.end.is_some_and(|(at, _)| at >= ctx.fresh_from);
    let class = classes!(
        "seg",
        peer_class(rec.from),
        status.attr(),
        match rec.origin {
            Origin::Sent => None,
            Origin::Retransmission => Some("rtx"),
            Origin::Injected => Some("injected"),
        },
        (a.tip == Tip::Paused).then_some("held"),
        selected.then_some("selected"),
        fresh.then_some("fresh"),
        ctx.highlight.contains(&rec.label).then_some("lesson-step"),
    );
    let name = seg_name(
        ctx.lang,
        rec,
        (&summary, suffix),
        course,
        !copies.is_empty(),
    );

    let (sx, sy) = shaft_end(&a);
    // One `d` attribute rather than four coordinates: a jump of the scrubber creates every
    // arrow of the band anew, and each attribute is a call across the wasm boundary.
    let line = |class: &'static str| {
        html! { <path {class} d={segment_path(a.x1, a.y1, a.x2, a.y2)} /> }
    };
    let tip = tip_view(&a);
    let copy_views = copies.into_iter().map(|cy| {
        let c = Arrow {
            x2: ctx.lanes.x(rec.from.other()),
            y2: cy.max(a.y1),
            tip: Tip::Head,
            ..a
        };
        html! {
            <>
                <line class="copy" x1={num(c.x1)} y1={num(c.y1)} x2={num(c.x2)} y2={num(c.y2)} />
                { head_view(&c, "head copy-head") }
            </>
        }
    });
    let label = &place.text;
    // The first line starts with the segment's name, in its own tint; a second line (a long
    // label on a short arrow) sits under it, just above the arrow.
    let first_y = SEG_LIFT + LINE_H * (label.lines.len().max(1) - 1) as f32;
    let id = rec.label.to_string();
    let first = label.lines.first().map(String::as_str).unwrap_or_default();
    let first_rest = first.strip_prefix(id.as_str()).unwrap_or(first).to_string();
    // A label shortened for want of room keeps its whole text as a tooltip.
    let whole = format!("{id} {summary}{suffix}");
    let shortened = label.lines.join(" ") != whole;
    let more = label.lines.iter().skip(1).map(|l| {
        html! { <tspan x="0" y={num(-SEG_LIFT)}>{ l.clone() }</tspan> }
    });
    html! {
        <g key={rec.label.0} {class} data-seg={rec.label.to_string()}
            data-flags={rec.segment.flags.to_string()} data-status={status.attr()}
            tabindex="0" role="button" aria-label={name} aria-pressed={selected.then_some("true")}>
            { line("hit") }
            if selected { { line("halo") } }
            <path class="shaft" d={segment_path(a.x1, a.y1, sx, sy)} pathLength={fresh.then_some("1")} />
            { tip }
            { for copy_views }
            <text class="seg-label" y={num(-first_y)} transform={format!("translate({} {}) rotate({})", num(label.x), num(label.y), num(label.angle))}>
                if shortened { <title>{ whole }</title> }
                <tspan class="seg-id">{ id }</tspan>
                { first_rest }
                { for more }
            </text>
        </g>
    }
}

/// An arrow's end: a head, a head with a pause mark (held), or a cross (lost).
fn tip_view(a: &Arrow) -> Html {
    match a.tip {
        Tip::Head => head_view(a, "head"),
        Tip::Paused => {
            let (ux, uy) = direction(a);
            let (px, py) = (a.x2 + ux * 8.0, a.y2 + uy * 8.0);
            html! {
                <>
                    { head_view(a, "head") }
                    <path class="pause" d={format!("M{} {}v8M{} {}v8", num(px - 2.5), num(py - 4.0), num(px + 2.5), num(py - 4.0))} />
                </>
            }
        }
        Tip::Cross => {
            let (x, y, r) = (a.x2, a.y2, 5.0);
            html! {
                <path class="cross" d={format!("M{} {}L{} {}M{} {}L{} {}",
                    num(x - r), num(y - r), num(x + r), num(y + r), num(x - r), num(y + r), num(x + r), num(y - r))} />
            }
        }
    }
}

/// The path data of a straight segment.
fn segment_path(x1: f32, y1: f32, x2: f32, y2: f32) -> AttrValue {
    AttrValue::from(format!("M{} {}L{} {}", num(x1), num(y1), num(x2), num(y2)))
}

fn head_view(a: &Arrow, class: &'static str) -> Html {
    let points = head_points(a, HEAD_LEN)
        .iter()
        .map(|&(x, y)| format!("{},{}", num(x), num(y)))
        .collect::<Vec<_>>()
        .join(" ");
    html! { <polygon {class} {points} /> }
}

/// A state name beside its lifeline, with a tick at the row of its change.
pub fn state_view(lanes: &Lanes, p: &StatePlace, linux: bool) -> Html {
    let x = lanes.x(p.peer);
    let (tx, anchor) = side(lanes, p.peer);
    let key_base = match p.peer {
        Peer::A => 0,
        Peer::B => 1,
    };
    html! {
        <g key={(p.at * 2 + key_base) as u64} class={classes!("state-change", peer_class(p.peer))}>
            <line class="state-tick" x1={num(x - 4.0)} x2={num(x + 4.0)} y1={num(p.row_y)} y2={num(p.row_y)} />
            <text class="state-label" x={num(tx)} y={num(p.baseline)} text-anchor={anchor_attr(anchor)}>{ state_label(p.state, linux) }</text>
        </g>
    }
}

/// A running timer: a bar beside its lifeline from where it was set down to the cursor's
/// row, and the time left in the side margin below (placed by the band's layout).
pub fn timer_view(lang: Lang, lanes: &Lanes, bar: &TimerPlace, now_y: f32, now: Instant) -> Html {
    let slot = bar.timer.index() as f32;
    let dir = Lanes::inward(bar.peer);
    let x = lanes.x(bar.peer) + dir * (5.0 + 5.0 * slot);
    let (name, long) = (bar.timer.label(), timer_title(lang, bar.timer));
    let left = fmt_left((bar.deadline - now).millis());
    let y2 = now_y.max(bar.set_y + 4.0);
    let (tx, anchor) = side(lanes, bar.peer);
    html! {
        <g key={format!("{}{}", bar.peer, name)}
            class={classes!("timer", peer_class(bar.peer), if bar.timer == Timer::Retransmission { "rto" } else { "timewait" })}>
            <title>{ fill(tr(lang, "chart.timer_title"), &[("peer", bar.peer.name()), ("timer", long), ("left", &left)]) }</title>
            <line class="timer-bar" x1={num(x)} x2={num(x)} y1={num(bar.set_y)} y2={num(y2)} />
            <text class="timer-label" x={num(tx)} y={num(bar.baseline)} text-anchor={anchor_attr(anchor)}>{ timer_text(bar.timer, bar.deadline, now) }</text>
        </g>
    }
}

/// A compressed stretch of idle time: a break across both lifelines, and how long it was.
pub fn gap_view(lanes: &Lanes, index: usize, y: f32, skipped_ms: u64) -> Html {
    let mark = |x: f32| {
        html! {
            <>
                <rect class="gap-cut" x={num(x - 6.0)} y={num(y - 4.0)} width="12" height="8" />
                <path class="gap-mark" d={format!("M{} {}l12 -4M{} {}l12 -4",
                    num(x - 6.0), num(y - 1.0), num(x - 6.0), num(y + 5.0))} />
            </>
        }
    };
    html! {
        <g key={index as u64} class="gap">
            { mark(lanes.xa) }
            { mark(lanes.xb) }
            <text class="gap-label" x={num((lanes.xa + lanes.xb) / 2.0)} y={num(y + 3.5)} text-anchor="middle">
                { fmt_gap(skipped_ms) }
            </text>
        </g>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::chart_layout::course;
    use synack_core::script;

    const MANUAL: Network = Network {
        auto: false,
        latency_ms: 50,
        now: Instant(0),
    };

    #[test]
    fn accessible_name_says_who_what_and_where() {
        let sim = script::run_source("B listen\nA connect\ndeliver s1\n")
            .unwrap()
            .sim;
        let t = Timeline::new(sim.trace());
        let rec = sim.segment(Label(2)).expect("s2 is B's SYN,ACK");
        let c = course(&t, t.seg(Label(2)).unwrap(), t.len(), &MANUAL).expect("sent");
        // The name starts with the label drawn on the arrow (WCAG 2.5.3, Label in Name).
        assert_eq!(
            seg_name(Lang::En, rec, (&rec.summary(), ""), c, false),
            "s2 SYN,ACK seq=0 ack=1: B to A, in flight"
        );
        let done = Course::Delivered { arrive_y: 0.0 };
        assert_eq!(
            seg_name(Lang::En, rec, ("x", " (rtx)"), done, true),
            "s2 x (rtx): B to A, delivered, duplicated"
        );
    }
}
