//! The sequence (ladder) chart: A's lifeline on the left, B's on the right, time flowing down.
//! Each segment is a slanted arrow from its send to its arrival; state names sit on the
//! lifelines where they change, as in the textbooks' ASCII ladders; running timers are bars
//! beside their lifeline; compressed idle time is a marked break.
//!
//! A run of thousands of segments stays fast because the chart renders only what overlaps the
//! scrolled view (plus a margin): the container's scroll position is component state, and
//! [`Timeline::segs_in_band`] picks the arrows. Geometry is plain functions, tested natively.

use std::rc::Rc;

use synack_core::{Delivery, DropCause, Instant, Label, Origin, Peer, SegmentRecord, State, Timer};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::Element;
use yew::prelude::*;

use crate::hooks::lang::use_lang;
use crate::i18n::{fill, timer_title, tr, Lang};
use crate::svg::num;

use crate::model::session::Session;
use crate::model::timeline::{SegEnd, SegSpan, SegStatus, Timeline, PX_PER_MS, STEP_PX};

/// The narrowest logical width: narrower containers scale the drawing down a little rather
/// than squeezing the lifelines together.
pub const MIN_VIEW_W: f32 = 360.0;
/// The widest distance between the lifelines; wider containers centre the ladder.
const MAX_SPAN: f32 = 640.0;
/// Height of the sticky header with the peer names, in logical units.
pub const HEAD_H: f32 = 24.0;
/// Room above the first event for the initial CLOSED labels.
pub const TOP: f32 = 12.0;
/// Timeline y of the initial CLOSED labels (the first event is at `STEP_PX`).
const INITIAL_Y: f32 = 6.0;
/// Rendered above and below the visible part, in logical units.
const BAND_MARGIN: f32 = 150.0;
/// Scroll positions are kept to this step (CSS px), so scrolling re-renders now and then,
/// not on every scroll event; the band's margin covers the difference.
const SCROLL_QUANTUM: f32 = 100.0;
/// Length of an arrowhead.
const HEAD_LEN: f32 = 7.0;
/// Closest two state labels of one peer may sit.
const LABEL_GAP: f32 = 12.0;
/// Until measured, the container is assumed this wide and tall (CSS px).
const DEFAULT_VIEW: Viewport = Viewport {
    top: 0.0,
    height: 600.0,
    width: 560.0,
};

#[derive(Properties)]
pub struct ChartProps {
    pub session: Rc<Session>,
    pub timeline: Rc<Timeline>,
    /// How many trace events are shown.
    pub cursor: usize,
    /// Virtual time at the cursor (the live clock at the live end).
    pub now: Instant,
    /// Label numbers absolute instead of relative.
    pub absolute: bool,
    pub selected: Option<Label>,
    /// A segment arrow clicked (or Enter/Space on it): `Some(label)`; empty space: `None`.
    pub on_select: Callback<Option<Label>>,
    /// Segments to highlight: those a lesson's current step sent, delivered or dropped.
    #[prop_or_default]
    pub highlight: Vec<Label>,
}

impl PartialEq for ChartProps {
    /// The session and timeline are compared by pointer: a new one is a new run.
    fn eq(&self, other: &ChartProps) -> bool {
        Rc::ptr_eq(&self.session, &other.session)
            && Rc::ptr_eq(&self.timeline, &other.timeline)
            && self.cursor == other.cursor
            && self.now == other.now
            && self.absolute == other.absolute
            && self.selected == other.selected
            && self.highlight == other.highlight
            && self.on_select == other.on_select
    }
}

// ---- Geometry (pure, tested natively) ----

/// The lifelines' positions for a container width, in logical units (the SVG's viewBox).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Lanes {
    /// The viewBox width.
    pub width: f32,
    pub xa: f32,
    pub xb: f32,
}

impl Lanes {
    /// Lanes for a container `px` CSS pixels wide. The side margins hold the state names.
    pub fn new(px: f32) -> Lanes {
        let width = if px.is_finite() {
            px.max(MIN_VIEW_W)
        } else {
            MIN_VIEW_W
        };
        let margin = (width * 0.2).clamp(80.0, 110.0);
        let span = (width - 2.0 * margin).min(MAX_SPAN);
        let xa = (width - span) / 2.0;
        Lanes {
            width,
            xa,
            xb: xa + span,
        }
    }

    pub fn x(&self, peer: Peer) -> f32 {
        match peer {
            Peer::A => self.xa,
            Peer::B => self.xb,
        }
    }

    /// The x a fraction `f` of the way from `from`'s lifeline to the other one.
    pub fn across(&self, from: Peer, f: f32) -> f32 {
        let x0 = self.x(from);
        x0 + (self.x(from.other()) - x0) * f
    }

    /// Which way "inside" (towards the other lifeline) is from `peer`'s lifeline.
    fn inward(peer: Peer) -> f32 {
        match peer {
            Peer::A => 1.0,
            Peer::B => -1.0,
        }
    }
}

/// CSS pixels per logical unit for a container `px` wide (at most 1: only narrow containers
/// scale down).
pub fn scale(px: f32, lanes: &Lanes) -> f32 {
    if px > 0.0 && px.is_finite() {
        px / lanes.width
    } else {
        1.0
    }
}

/// How far a segment got at the cursor, in timeline y.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Course {
    /// Arrived at `arrive_y`.
    Delivered { arrive_y: f32 },
    /// Lost at `y`, by the user's `drop` or by random loss.
    Dropped { y: f32, cause: DropCause },
    /// In flight under auto delivery: `progress` of its latency has passed; it arrives
    /// `latency_px` below its send.
    Flying { progress: f32, latency_px: f32 },
    /// In flight and waiting for a hand (manual delivery, or held): drawn half-way across,
    /// no higher than the cursor's row `now_y`.
    Waiting { now_y: f32, held: bool },
}

/// What ends an arrow.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tip {
    Head,
    /// Lost here.
    Cross,
    /// An arrowhead with a pause mark: held in flight.
    Paused,
}

/// A segment's line, from its send point to where its head is, in timeline y.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Arrow {
    pub x1: f32,
    pub y1: f32,
    pub x2: f32,
    pub y2: f32,
    pub tip: Tip,
}

/// The fraction of its flight a segment sent at `sent_at` has covered at `now`, kept off the
/// ends so that an in-flight arrow never looks unsent or arrived.
pub fn flight_progress(now: Instant, sent_at: Instant, latency_ms: u64) -> f32 {
    if latency_ms == 0 {
        return 0.95;
    }
    ((now - sent_at).millis() as f32 / latency_ms as f32).clamp(0.1, 0.95)
}

/// A segment's arrow from `from`'s lifeline at `send_y`.
pub fn arrow(lanes: &Lanes, from: Peer, send_y: f32, course: Course) -> Arrow {
    let (x2, y2, tip) = match course {
        Course::Delivered { arrive_y } => (lanes.x(from.other()), arrive_y.max(send_y), Tip::Head),
        Course::Dropped { y, cause } => {
            let f = match cause {
                DropCause::User => 0.5,
                DropCause::Loss => 0.25,
            };
            // Random loss is logged with the send, at the same y: keep the line slanted.
            (
                lanes.across(from, f),
                y.max(send_y + STEP_PX / 3.0),
                Tip::Cross,
            )
        }
        Course::Flying {
            progress,
            latency_px,
        } => {
            let f = progress.clamp(0.1, 0.95);
            (
                lanes.across(from, f),
                send_y + latency_px.max(0.0) * f,
                Tip::Head,
            )
        }
        Course::Waiting { now_y, held } => (
            lanes.across(from, 0.5),
            now_y.max(send_y + STEP_PX / 2.0),
            if held { Tip::Paused } else { Tip::Head },
        ),
    };
    Arrow {
        x1: lanes.x(from),
        y1: send_y,
        x2,
        y2,
        tip,
    }
}

/// Where an arrow's label is centred, and the arrow's angle in degrees turned so that text
/// reads left to right. The label sits above the line, past the middle towards the receiver:
/// in a zigzag of replies each label then has the wedge between its arrow and the one before
/// to itself, and the two labels of crossing arrows (simultaneous open or close) fall on
/// either side of the crossing.
pub fn label_anchor(a: &Arrow) -> (f32, f32, f32) {
    let (dx, dy) = if a.x2 >= a.x1 {
        (a.x2 - a.x1, a.y2 - a.y1)
    } else {
        (a.x1 - a.x2, a.y1 - a.y2)
    };
    let angle = if dx == 0.0 && dy == 0.0 {
        0.0
    } else {
        dy.atan2(dx).to_degrees()
    };
    const AT: f32 = 0.6;
    (a.x1 + (a.x2 - a.x1) * AT, a.y1 + (a.y2 - a.y1) * AT, angle)
}

/// The unit vector along an arrow (zero for a zero-length one).
fn direction(a: &Arrow) -> (f32, f32) {
    let (dx, dy) = (a.x2 - a.x1, a.y2 - a.y1);
    let len = (dx * dx + dy * dy).sqrt();
    if len > f32::EPSILON {
        (dx / len, dy / len)
    } else {
        (0.0, 0.0)
    }
}

/// The arrowhead's triangle at the arrow's end: tip first.
pub fn head_points(a: &Arrow, len: f32) -> [(f32, f32); 3] {
    let (ux, uy) = direction(a);
    let (bx, by) = (a.x2 - ux * len, a.y2 - uy * len);
    let (px, py) = (-uy * len * 0.45, ux * len * 0.45);
    [(a.x2, a.y2), (bx + px, by + py), (bx - px, by - py)]
}

/// Where the shaft stops so that its end hides under the arrowhead.
fn shaft_end(a: &Arrow) -> (f32, f32) {
    match a.tip {
        Tip::Cross => (a.x2, a.y2),
        Tip::Head | Tip::Paused => {
            let (ux, uy) = direction(a);
            (a.x2 - ux * HEAD_LEN * 0.6, a.y2 - uy * HEAD_LEN * 0.6)
        }
    }
}

/// Moves each label down as needed so that consecutive ones are at least `gap` apart.
pub fn spread(ys: impl IntoIterator<Item = f32>, gap: f32) -> Vec<f32> {
    let mut out: Vec<f32> = Vec::new();
    for y in ys {
        let y = match out.last() {
            Some(&prev) if y < prev + gap => prev + gap,
            _ => y,
        };
        out.push(y);
    }
    out
}

// The band's margin must reach past one scroll quantum, or scrolling within a quantum would
// show blank space before the next render.
const _: () = assert!(BAND_MARGIN > SCROLL_QUANTUM);

/// The band of timeline y worth rendering for a container scrolled to `scroll_top` (CSS px),
/// `height` tall, at `scale` CSS px per unit.
pub fn band(scroll_top: f32, height: f32, scale: f32) -> (f32, f32) {
    let offset = HEAD_H + TOP;
    let top = scroll_top / scale - offset - BAND_MARGIN;
    let bottom = (scroll_top + SCROLL_QUANTUM + height) / scale - offset + BAND_MARGIN;
    (top, bottom)
}

/// The scrollTop that brings timeline y `y` into view, or `None` when it is in view already.
pub fn scroll_target(y: f32, scroll_top: f32, height: f32, scale: f32) -> Option<f32> {
    let py = (HEAD_H + TOP + y) * scale;
    let margin = (STEP_PX * 2.0 * scale).min(height / 4.0);
    let visible = scroll_top + HEAD_H * scale + margin..=scroll_top + height - margin;
    if visible.contains(&py) {
        None
    } else {
        Some((py - height * 0.6).max(0.0))
    }
}

/// Time left on a timer: "0.62 s" under a minute, "3:54" from a minute on.
pub fn fmt_left(ms: u64) -> String {
    if ms < 60_000 {
        format!("{}.{:02} s", ms / 1000, (ms % 1000) / 10)
    } else {
        let s = ms / 1000;
        format!("{}:{:02}", s / 60, s % 60)
    }
}

/// The idle time a break in the chart stands for: "+1.000 s".
pub fn fmt_gap(ms: u64) -> String {
    format!("+{}.{:03} s", ms / 1000, ms % 1000)
}

/// `s12` back to a label.
pub fn parse_label(text: &str) -> Option<Label> {
    text.strip_prefix('s')?.parse().ok().map(Label)
}

// ---- From the model to the drawing ----

/// What the network does to segments in flight, as far as drawing them goes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Network {
    pub auto: bool,
    pub latency_ms: u64,
    pub now: Instant,
}

/// Where a segment's flight stands once the first `cursor` events have happened; `None`
/// before it is sent.
pub fn course(t: &Timeline, span: &SegSpan, cursor: usize, net: &Network) -> Option<Course> {
    match t.status(span, cursor) {
        SegStatus::NotYetSent => None,
        SegStatus::Delivered => {
            let (at, _) = span.end?;
            Some(Course::Delivered {
                arrive_y: *t.y.get(at)?,
            })
        }
        SegStatus::Dropped => match span.end? {
            (at, SegEnd::Dropped(cause)) => Some(Course::Dropped {
                y: *t.y.get(at)?,
                cause,
            }),
            _ => None,
        },
        SegStatus::InFlight => {
            let held = span.held.is_some_and(|h| h < cursor);
            if net.auto && !held {
                let sent_at = *t.times.get(span.sent)?;
                Some(Course::Flying {
                    progress: flight_progress(net.now, sent_at, net.latency_ms),
                    latency_px: net.latency_ms as f32 * PX_PER_MS,
                })
            } else {
                Some(Course::Waiting {
                    now_y: t.y_at(cursor),
                    held,
                })
            }
        }
    }
}

/// The accessible name of a segment's arrow: "s2 B to A SYN,ACK seq=0 ack=1, delivered".
pub fn seg_name(
    lang: Lang,
    rec: &SegmentRecord,
    summary: &str,
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
            ("origin", &origin),
            ("status", status),
            ("dup", &dup),
        ],
    )
}

/// An `Rc` compared by pointer, for hook dependencies.
#[derive(Clone)]
struct ByPtr<T>(Rc<T>);

impl<T> PartialEq for ByPtr<T> {
    fn eq(&self, other: &ByPtr<T>) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

/// A timer running at the cursor.
#[derive(Clone, Copy, Debug, PartialEq)]
struct TimerBar {
    peer: Peer,
    timer: Timer,
    set_y: f32,
    deadline: Instant,
}

/// What depends only on the run and the cursor, computed once per cursor move.
struct AtCursor {
    now_y: f32,
    timers: Vec<TimerBar>,
}

impl AtCursor {
    fn new(t: &Timeline, cursor: usize) -> AtCursor {
        let timers = Peer::BOTH
            .into_iter()
            .flat_map(|peer| Timer::ALL.into_iter().map(move |timer| (peer, timer)))
            .filter_map(|(peer, timer)| {
                let (at, deadline) = t.timer_set_at(peer, timer, cursor)?;
                Some(TimerBar {
                    peer,
                    timer,
                    set_y: *t.y.get(at)?,
                    deadline,
                })
            })
            .collect();
        AtCursor {
            now_y: t.y_at(cursor),
            timers,
        }
    }
}

/// The container's scroll position and size, in CSS px; `top` is kept to `SCROLL_QUANTUM`.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Viewport {
    top: f32,
    height: f32,
    width: f32,
}

impl Viewport {
    fn measure(el: &Element) -> Viewport {
        let top = el.scroll_top() as f32;
        Viewport {
            top: (top / SCROLL_QUANTUM).floor() * SCROLL_QUANTUM,
            height: el.client_height() as f32,
            width: el.client_width() as f32,
        }
    }
}

/// A window `resize` listener, removed when dropped.
struct ResizeListener {
    window: web_sys::Window,
    closure: Closure<dyn Fn()>,
}

impl ResizeListener {
    fn new(f: impl Fn() + 'static) -> Option<ResizeListener> {
        let window = web_sys::window()?;
        let closure = Closure::<dyn Fn()>::new(f);
        window
            .add_event_listener_with_callback("resize", closure.as_ref().unchecked_ref())
            .ok()?;
        Some(ResizeListener { window, closure })
    }
}

impl Drop for ResizeListener {
    fn drop(&mut self) {
        let _ = self
            .window
            .remove_event_listener_with_callback("resize", self.closure.as_ref().unchecked_ref());
    }
}

/// The segment whose arrow an event happened in.
fn seg_of_event(e: &Event) -> Option<Label> {
    let target: Element = e.target_dyn_into()?;
    let g = target.closest("[data-seg]").ok()??;
    parse_label(&g.get_attribute("data-seg")?)
}

fn peer_class(peer: Peer) -> &'static str {
    match peer {
        Peer::A => "from-a",
        Peer::B => "from-b",
    }
}

#[function_component(Chart)]
pub fn chart(props: &ChartProps) -> Html {
    let lang = use_lang();
    let linux = crate::hooks::linux::use_linux();
    let scroller = use_node_ref();
    let view = use_state_eq(|| DEFAULT_VIEW);

    let onscroll = {
        let (scroller, setter) = (scroller.clone(), view.setter());
        use_callback((), move |_: Event, _| {
            if let Some(el) = scroller.cast::<Element>() {
                setter.set(Viewport::measure(&el));
            }
        })
    };
    // The container may have changed size since the last render (panels stacking, a
    // rotated phone): measure after every render and on window resizes. Equal values do
    // not re-render.
    {
        let (scroller, setter) = (scroller.clone(), view.setter());
        use_effect(move || {
            if let Some(el) = scroller.cast::<Element>() {
                setter.set(Viewport::measure(&el));
            }
        });
    }
    {
        let (scroller, setter) = (scroller.clone(), view.setter());
        use_effect_with((), move |_| {
            let listener = ResizeListener::new(move || {
                if let Some(el) = scroller.cast::<Element>() {
                    setter.set(Viewport::measure(&el));
                }
            });
            move || drop(listener)
        });
    }
    // Keep the cursor's row in view as it moves (or as events arrive at the live end).
    {
        let scroller = scroller.clone();
        let y = props.timeline.y_at(props.cursor);
        use_effect_with((props.cursor, ByPtr(props.timeline.clone())), move |_| {
            if let Some(el) = scroller.cast::<Element>() {
                let px = el.client_width() as f32;
                let scale = scale(px, &Lanes::new(px));
                let (top, height) = (el.scroll_top() as f32, el.client_height() as f32);
                if let Some(target) = scroll_target(y, top, height, scale) {
                    // Glide over short distances (CSS decides, honouring reduced motion);
                    // jump over long ones, which would otherwise render every band on
                    // the way.
                    let smooth = (target - top).abs() < 2.0 * height;
                    let _ = el.set_attribute("data-scroll", if smooth { "smooth" } else { "jump" });
                    el.set_scroll_top(target.round() as i32);
                }
            }
        });
    }

    let last_cursor = use_mut_ref(|| usize::MAX);

    let at_cursor = use_memo(
        (ByPtr(props.timeline.clone()), props.cursor),
        |(t, cursor)| AtCursor::new(&t.0, *cursor),
    );

    // Arrows delivered since the cursor last moved forward draw themselves once.
    let fresh = use_mut_ref(|| (props.cursor, props.cursor));
    let fresh_from = {
        let mut f = fresh.borrow_mut();
        if f.0 != props.cursor {
            f.1 = f.0.min(props.cursor);
            f.0 = props.cursor;
        }
        f.1
    };

    let onclick = use_callback(props.on_select.clone(), |e: MouseEvent, on_select| {
        on_select.emit(seg_of_event(&e));
    });
    let onkeydown = use_callback(props.on_select.clone(), |e: KeyboardEvent, on_select| {
        if e.key() == "Enter" || e.key() == " " {
            if let Some(label) = seg_of_event(&e) {
                e.prevent_default();
                on_select.emit(Some(label));
            }
        }
    });

    let t = &*props.timeline;
    let sim = props.session.sim();
    let cursor = props.cursor.min(t.len());
    let lanes = Lanes::new(view.width);
    let scale = scale(view.width, &lanes);
    // When the cursor has just moved, the effect below scrolls its row into view: render the
    // band there at once rather than the band being left, which would cost a second render
    // (and show the old band for a frame). Otherwise follow the user's own scrolling.
    let moved = {
        let mut last = last_cursor.borrow_mut();
        let moved = *last != props.cursor;
        *last = props.cursor;
        moved
    };
    let band_from = scroll_target(
        t.y_at(props.cursor.min(t.len())),
        view.top,
        view.height,
        scale,
    )
    .filter(|_| moved)
    .map_or(view.top, |target| {
        (target / SCROLL_QUANTUM).floor() * SCROLL_QUANTUM
    });
    let (band_top, band_bottom) = band(band_from, view.height, scale);
    let net = Network {
        auto: sim.network().delivery == Delivery::Auto,
        latency_ms: sim.network().latency.millis(),
        now: props.now,
    };
    let now_y = at_cursor.now_y;
    let tail = (2.0 * STEP_PX).max(net.latency_ms as f32 * PX_PER_MS + STEP_PX);
    let height = TOP + t.y.last().copied().unwrap_or(STEP_PX) + tail;

    let ctx = Ctx {
        t,
        lanes: &lanes,
        cursor,
        net: &net,
        absolute: props.absolute,
        selected: props.selected,
        fresh_from,
        highlight: &props.highlight,
        lang,
    };
    let arrows: Vec<Html> = t
        .segs_in_band(band_top, band_bottom, cursor)
        .filter_map(|span| seg_view(&ctx, span, sim.segment(span.label)?))
        .collect();
    let states: Vec<Html> = Peer::BOTH
        .into_iter()
        .flat_map(|peer| state_labels(t, &lanes, peer, cursor, band_top, band_bottom, linux))
        .collect();
    let gaps: Vec<Html> = {
        let gaps = &t.gaps;
        let lo = gaps.partition_point(|g| g.y < band_top);
        let hi = gaps.partition_point(|g| g.y <= band_bottom.min(now_y));
        gaps[lo..hi.max(lo)]
            .iter()
            .enumerate()
            .map(|(i, g)| gap_view(&lanes, lo + i, g.y, g.skipped_ms))
            .collect()
    };
    let timers: Vec<Html> = at_cursor
        .timers
        .iter()
        .filter(|bar| bar.set_y <= band_bottom && now_y >= band_top)
        .map(|bar| timer_view(lang, &lanes, bar, now_y, props.now))
        .collect();

    let w = lanes.width;
    let view_box = format!("0 0 {} {}", num(w), num(height + TOP));
    let head_box = format!("0 0 {} {}", num(w), num(HEAD_H));
    html! {
        <div class="chart" ref={scroller} {onscroll}>
            <svg class="chart-head" viewBox={head_box} preserveAspectRatio="xMidYMin meet"
                height={num(HEAD_H * scale)}>
                <text class="peer-name from-a" x={num(lanes.xa)} y="17" text-anchor="middle">{ "A" }</text>
                <text class="peer-name from-b" x={num(lanes.xb)} y="17" text-anchor="middle">{ "B" }</text>
            </svg>
            <svg class="chart-svg" viewBox={view_box} preserveAspectRatio="xMidYMin meet"
                height={num((height + TOP) * scale)} role="group"
                aria-label={tr(lang, "chart.title")}
                {onclick} {onkeydown}>
                <g transform={format!("translate(0 {})", num(TOP))}>
                    <line class="lifeline from-a" x1={num(lanes.xa)} x2={num(lanes.xa)} y1={num(-TOP)} y2={num(height)} />
                    <line class="lifeline from-b" x1={num(lanes.xb)} x2={num(lanes.xb)} y1={num(-TOP)} y2={num(height)} />
                    <g class="gaps">{ for gaps }</g>
                    <line class="now-line" x1={num(lanes.xa)} x2={num(lanes.xb)} y1={num(now_y)} y2={num(now_y)} />
                    <text class="now-time" x="4" y={num(now_y + 12.0)}>{ props.now.to_string() }</text>
                    <g class="timers">{ for timers }</g>
                    <g class="states">{ for states }</g>
                    <g class="segs">{ for arrows }</g>
                </g>
            </svg>
        </div>
    }
}

/// What every arrow needs to know.
struct Ctx<'a> {
    t: &'a Timeline,
    lanes: &'a Lanes,
    cursor: usize,
    net: &'a Network,
    absolute: bool,
    selected: Option<Label>,
    fresh_from: usize,
    highlight: &'a [Label],
    lang: Lang,
}

fn seg_view(ctx: &Ctx<'_>, span: &SegSpan, rec: &SegmentRecord) -> Option<Html> {
    let t = ctx.t;
    let status = t.status(span, ctx.cursor);
    let course = course(t, span, ctx.cursor, ctx.net)?;
    let send_y = *t.y.get(span.sent)?;
    let a = arrow(ctx.lanes, span.from, send_y, course);
    let copies: Vec<f32> = span
        .copies
        .iter()
        .filter(|&&c| c < ctx.cursor)
        .filter_map(|&c| t.y.get(c).copied())
        .collect();
    let summary = if ctx.absolute {
        rec.summary_absolute()
    } else {
        rec.summary()
    };
    let name = seg_name(ctx.lang, rec, &summary, course, !copies.is_empty());
    let selected = ctx.selected == Some(span.label);
    let injected = rec.origin == Origin::Injected;
    let fresh = !injected
        && status == SegStatus::Delivered
        && span.end.is_some_and(|(at, _)| at >= ctx.fresh_from);
    let class = classes!(
        "seg",
        peer_class(span.from),
        status.attr(),
        match rec.origin {
            Origin::Sent => None,
            Origin::Retransmission => Some("rtx"),
            Origin::Injected => Some("injected"),
        },
        (a.tip == Tip::Paused).then_some("held"),
        selected.then_some("selected"),
        fresh.then_some("fresh"),
        ctx.highlight.contains(&span.label).then_some("lesson-step"),
    );
    let suffix = match rec.origin {
        Origin::Sent => "",
        Origin::Retransmission => " (rtx)",
        Origin::Injected => " (injected)",
    };

    let (sx, sy) = shaft_end(&a);
    // One `d` attribute rather than four coordinates: a jump of the scrubber creates every
    // arrow of the band anew, and each attribute is a call across the wasm boundary.
    let line = |class: &'static str| {
        html! { <path {class} d={segment_path(a.x1, a.y1, a.x2, a.y2)} /> }
    };
    let tip = match a.tip {
        Tip::Head => head_view(&a, "head"),
        Tip::Paused => {
            let (ux, uy) = direction(&a);
            let (px, py) = (a.x2 + ux * 8.0, a.y2 + uy * 8.0);
            html! {
                <>
                    { head_view(&a, "head") }
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
    };
    let copy_views = copies.into_iter().map(|cy| {
        let c = Arrow {
            x2: ctx.lanes.x(span.from.other()),
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
    let (mx, my, angle) = label_anchor(&a);
    Some(html! {
        <g key={span.label.0} {class} data-seg={span.label.to_string()}
            data-flags={rec.segment.flags.to_string()} data-status={status.attr()}
            tabindex="0" role="button" aria-label={name} aria-pressed={selected.then_some("true")}>
            { line("hit") }
            if selected { { line("halo") } }
            <path class="shaft" d={segment_path(a.x1, a.y1, sx, sy)} pathLength={fresh.then_some("1")} />
            { tip }
            { for copy_views }
            <text class="seg-label" y="-4" transform={format!("translate({} {}) rotate({})", num(mx), num(my), num(angle))}>
                <tspan class="seg-id">{ span.label.to_string() }</tspan>
                { format!(" {summary}{suffix}") }
            </text>
        </g>
    })
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

/// A peer's state names in the band: the initial CLOSED, then one at each change.
fn state_labels(
    t: &Timeline,
    lanes: &Lanes,
    peer: Peer,
    cursor: usize,
    top: f32,
    bottom: f32,
    linux: bool,
) -> Vec<Html> {
    let changes = t.state_changes(peer, cursor);
    // `at` is the index of the event after the change, so the change's own row is `at - 1`.
    let y_of = |at: usize| t.y.get(at.saturating_sub(1)).copied().unwrap_or(STEP_PX);
    let lo = changes.partition_point(|&(at, _)| y_of(at) < top);
    let hi = changes.partition_point(|&(at, _)| y_of(at) <= bottom);
    let initial = (INITIAL_Y >= top).then_some((0, State::Closed, INITIAL_Y));
    let rows: Vec<(usize, State, f32)> = initial
        .into_iter()
        .chain(
            changes[lo..hi.max(lo)]
                .iter()
                .map(|&(at, st)| (at, st, y_of(at))),
        )
        .collect();
    let ys = spread(rows.iter().map(|r| r.2), LABEL_GAP);
    let x = lanes.x(peer);
    let (tx, anchor) = match peer {
        Peer::A => (x - 8.0, "end"),
        Peer::B => (x + 8.0, "start"),
    };
    let key_base = match peer {
        Peer::A => 0,
        Peer::B => 1,
    };
    rows.iter()
        .zip(ys)
        .map(|(&(at, state, row_y), y)| {
            html! {
                <g key={(at * 2 + key_base) as u64} class={classes!("state-change", peer_class(peer))}>
                    <line class="state-tick" x1={num(x - 4.0)} x2={num(x + 4.0)} y1={num(row_y)} y2={num(row_y)} />
                    <text class="state-label" x={num(tx)} y={num(y + 3.5)} text-anchor={anchor}>{ crate::hooks::linux::state_label(state, linux) }</text>
                </g>
            }
        })
        .collect()
}

/// A running timer: a bar beside its lifeline from where it was set down to the cursor's
/// row, and the time left.
fn timer_view(lang: Lang, lanes: &Lanes, bar: &TimerBar, now_y: f32, now: Instant) -> Html {
    let slot = bar.timer.index() as f32;
    let dir = Lanes::inward(bar.peer);
    let x = lanes.x(bar.peer) + dir * (5.0 + 5.0 * slot);
    let (name, long) = (bar.timer.label(), timer_title(lang, bar.timer));
    let left = fmt_left((bar.deadline - now).millis());
    let y2 = now_y.max(bar.set_y + 4.0);
    let (tx, anchor) = match bar.peer {
        Peer::A => (x + 3.0, "start"),
        Peer::B => (x - 3.0, "end"),
    };
    let ty = y2 + 12.0 + 11.0 * slot;
    html! {
        <g key={format!("{}{}", bar.peer, name)}
            class={classes!("timer", peer_class(bar.peer), if bar.timer == Timer::Retransmission { "rto" } else { "timewait" })}>
            <title>{ fill(tr(lang, "chart.timer_title"), &[("peer", bar.peer.name()), ("timer", long), ("left", &left)]) }</title>
            <line class="timer-bar" x1={num(x)} x2={num(x)} y1={num(bar.set_y)} y2={num(y2)} />
            <text class="timer-label" x={num(tx)} y={num(ty)} text-anchor={anchor}>{ format!("{name} {left}") }</text>
        </g>
    }
}

/// A compressed stretch of idle time: a break across both lifelines, and how long it was.
fn gap_view(lanes: &Lanes, index: usize, y: f32, skipped_ms: u64) -> Html {
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
    use synack_core::script;

    fn lanes() -> Lanes {
        Lanes::new(560.0)
    }

    fn timeline(src: &str) -> (synack_core::Sim, Timeline) {
        let sim = script::run_source(src).expect("the script runs").sim;
        let t = Timeline::new(&sim);
        (sim, t)
    }

    const MANUAL: Network = Network {
        auto: false,
        latency_ms: 50,
        now: Instant(0),
    };

    #[test]
    fn lanes_keep_room_for_state_names_at_phone_width() {
        let l = Lanes::new(340.0);
        assert_eq!(l.width, MIN_VIEW_W);
        assert!(l.xa >= 80.0, "{l:?}");
        assert!(l.width - l.xb >= 80.0, "{l:?}");
        assert!(scale(340.0, &l) < 1.0);
        let wide = Lanes::new(2000.0);
        assert!(wide.xb - wide.xa <= MAX_SPAN);
        assert_eq!(wide.xa + wide.xb, wide.width, "a wide ladder is centred");
    }

    #[test]
    fn delivered_arrow_runs_between_the_lifelines() {
        let l = lanes();
        let a = arrow(&l, Peer::B, 100.0, Course::Delivered { arrive_y: 172.0 });
        assert_eq!(
            (a.x1, a.y1, a.x2, a.y2, a.tip),
            (l.xb, 100.0, l.xa, 172.0, Tip::Head)
        );
    }

    #[test]
    fn dropped_arrow_ends_in_a_cross_half_way_or_a_quarter_for_random_loss() {
        let l = lanes();
        let user = arrow(
            &l,
            Peer::A,
            100.0,
            Course::Dropped {
                y: 136.0,
                cause: DropCause::User,
            },
        );
        assert_eq!(
            (user.x2, user.y2, user.tip),
            ((l.xa + l.xb) / 2.0, 136.0, Tip::Cross)
        );
        let lost = arrow(
            &l,
            Peer::A,
            100.0,
            Course::Dropped {
                y: 100.0,
                cause: DropCause::Loss,
            },
        );
        assert_eq!(lost.x2, l.xa + (l.xb - l.xa) * 0.25);
        assert!(
            lost.y2 > 100.0,
            "a loss logged with its send still slants: {lost:?}"
        );
    }

    #[test]
    fn flying_arrow_head_follows_the_clock() {
        let l = lanes();
        let latency_px = 50.0 * PX_PER_MS;
        let p = flight_progress(Instant(1025), Instant(1000), 50);
        assert_eq!(p, 0.5);
        let a = arrow(
            &l,
            Peer::A,
            100.0,
            Course::Flying {
                progress: p,
                latency_px,
            },
        );
        assert_eq!(
            (a.x2, a.y2),
            ((l.xa + l.xb) / 2.0, 100.0 + latency_px / 2.0)
        );
        assert_eq!(flight_progress(Instant(1000), Instant(1000), 50), 0.1);
        assert_eq!(flight_progress(Instant(9000), Instant(1000), 50), 0.95);
        assert_eq!(flight_progress(Instant(1000), Instant(1000), 0), 0.95);
    }

    #[test]
    fn waiting_arrow_stops_half_way_at_the_cursor_row() {
        let l = lanes();
        let mid = (l.xa + l.xb) / 2.0;
        let a = arrow(
            &l,
            Peer::B,
            100.0,
            Course::Waiting {
                now_y: 100.0,
                held: false,
            },
        );
        assert_eq!((a.x2, a.y2, a.tip), (mid, 100.0 + STEP_PX / 2.0, Tip::Head));
        let a = arrow(
            &l,
            Peer::B,
            100.0,
            Course::Waiting {
                now_y: 300.0,
                held: true,
            },
        );
        assert_eq!((a.x2, a.y2, a.tip), (mid, 300.0, Tip::Paused));
    }

    #[test]
    fn course_follows_the_log_at_each_cursor() {
        let (_, t) = timeline("B listen\nA connect\ndeliver s1\ndrop s2\nA close\n");
        let s1 = &t.segs[0];
        let s2 = &t.segs[1];
        assert_eq!(course(&t, s1, s1.sent, &MANUAL), None);
        assert_eq!(
            course(&t, s1, s1.sent + 1, &MANUAL),
            Some(Course::Waiting {
                now_y: t.y_at(s1.sent + 1),
                held: false
            })
        );
        let (end, _) = s1.end.expect("s1 was delivered");
        assert_eq!(
            course(&t, s1, t.len(), &MANUAL),
            Some(Course::Delivered { arrive_y: t.y[end] })
        );
        assert!(matches!(
            course(&t, s2, t.len(), &MANUAL),
            Some(Course::Dropped {
                cause: DropCause::User,
                ..
            })
        ));
    }

    #[test]
    fn course_in_auto_delivery_flies_unless_held() {
        let (sim, t) = timeline("set delivery auto\nB listen\nA connect\n");
        let net = Network {
            auto: true,
            latency_ms: 50,
            now: sim.now(),
        };
        let s1 = &t.segs[0];
        assert!(matches!(
            course(&t, s1, t.len(), &net),
            Some(Course::Flying { .. })
        ));
        let (_, t) = timeline("set delivery auto\nB listen\nA connect\nhold s1\n");
        assert!(matches!(
            course(&t, &t.segs[0], t.len(), &net),
            Some(Course::Waiting { held: true, .. })
        ));
    }

    #[test]
    fn accessible_name_says_who_what_and_where() {
        let (sim, t) = timeline("B listen\nA connect\ndeliver s1\n");
        let rec = sim.segment(Label(2)).expect("s2 is B's SYN,ACK");
        let c = course(&t, &t.segs[1], t.len(), &MANUAL).expect("sent");
        assert_eq!(
            seg_name(Lang::En, rec, &rec.summary(), c, false),
            "s2 B to A SYN,ACK seq=0 ack=1, in flight"
        );
        let done = Course::Delivered { arrive_y: 0.0 };
        assert_eq!(
            seg_name(Lang::En, rec, "x", done, true),
            "s2 B to A x, delivered, duplicated"
        );
    }

    #[test]
    fn labels_read_left_to_right() {
        let down_right = Arrow {
            x1: 0.0,
            y1: 0.0,
            x2: 10.0,
            y2: 10.0,
            tip: Tip::Head,
        };
        assert_eq!(label_anchor(&down_right), (6.0, 6.0, 45.0));
        let down_left = Arrow {
            x1: 10.0,
            y1: 0.0,
            x2: 0.0,
            y2: 10.0,
            tip: Tip::Head,
        };
        assert_eq!(label_anchor(&down_left), (4.0, 6.0, -45.0));
        let point = Arrow {
            x1: 3.0,
            y1: 3.0,
            x2: 3.0,
            y2: 3.0,
            tip: Tip::Head,
        };
        assert_eq!(label_anchor(&point).2, 0.0);
    }

    #[test]
    fn arrowhead_points_along_the_arrow() {
        let a = Arrow {
            x1: 0.0,
            y1: 0.0,
            x2: 100.0,
            y2: 0.0,
            tip: Tip::Head,
        };
        let [tip, l, r] = head_points(&a, 10.0);
        assert_eq!(tip, (100.0, 0.0));
        assert_eq!((l.0, r.0), (90.0, 90.0));
        assert_eq!(l.1, -r.1);
    }

    #[test]
    fn state_labels_never_overlap() {
        assert_eq!(
            spread([10.0, 10.0, 30.0, 31.0], 12.0),
            vec![10.0, 22.0, 34.0, 46.0]
        );
        assert_eq!(spread([10.0, 50.0], 12.0), vec![10.0, 50.0]);
    }

    #[test]
    fn band_covers_the_view_with_a_margin() {
        // The margin must cover at least one scroll quantum beyond the view either way.
        let (top, bottom) = band(1000.0, 500.0, 1.0);
        assert!(top <= 1000.0 - HEAD_H - TOP - SCROLL_QUANTUM);
        assert!(bottom >= 1599.0 - HEAD_H - TOP + SCROLL_QUANTUM);
        let (top, _) = band(0.0, 500.0, 0.5);
        assert!(top < 0.0);
    }

    #[test]
    fn scrolls_only_when_the_cursor_row_is_out_of_view() {
        assert_eq!(scroll_target(200.0, 0.0, 600.0, 1.0), None);
        let target = scroll_target(5000.0, 0.0, 600.0, 1.0).expect("far below");
        let row = HEAD_H + TOP + 5000.0;
        assert!(target < row && row < target + 600.0, "{target}");
        assert_eq!(scroll_target(10.0, 3000.0, 600.0, 1.0), Some(0.0));
    }

    #[test]
    fn times_read_like_a_countdown() {
        assert_eq!(fmt_left(620), "0.62 s");
        assert_eq!(fmt_left(234_000), "3:54");
        assert_eq!(fmt_gap(1000), "+1.000 s");
        assert_eq!(fmt_gap(240_050), "+240.050 s");
    }

    #[test]
    fn labels_parse_back() {
        assert_eq!(parse_label("s12"), Some(Label(12)));
        assert_eq!(parse_label("12"), None);
        assert_eq!(parse_label("sx"), None);
    }
}
