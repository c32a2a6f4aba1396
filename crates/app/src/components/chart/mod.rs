//! The sequence (ladder) chart: A's lifeline on the left, B's on the right, time flowing down.
//! Each segment is a slanted arrow from its send to its arrival; state names sit on the
//! lifelines where they change, as in the textbooks' ASCII ladders; running timers are bars
//! beside their lifeline; compressed idle time is a marked break.
//!
//! A run of thousands of segments stays fast because the chart renders only what overlaps the
//! scrolled view (plus a margin): the container's scroll position is component state, and
//! [`Timeline::segs_in_band`] picks the arrows. The geometry is in
//! [`crate::model::chart_layout`]; the shapes are plain functions in [`shapes`].

pub mod shapes;

use std::cell::RefCell;
use std::rc::Rc;

use synack_core::Label;
use web_sys::Element;
use yew::prelude::*;

use crate::hooks::lang::use_lang;
use crate::hooks::linux::use_linux;
use crate::hooks::viewport::{use_viewport, Measured, Viewport};
use crate::i18n::tr;
use crate::model::chart_band::{layout_band, Scene};
use crate::model::chart_layout::{
    band, parse_label, scale, scroll_target, Lanes, Network, HEAD_H, SCROLL_QUANTUM, TOP,
};
use crate::model::frame::Frame;
use crate::model::shared::Shared;
use crate::model::timeline::{Timeline, PX_PER_MS, STEP_PX};
use crate::svg::num;
use shapes::{gap_view, seg_view, state_view, timer_view, Ctx};

/// Until measured, the container is assumed this wide and tall (CSS px).
const DEFAULT_VIEW: Viewport = Viewport {
    top: 0.0,
    height: 600.0,
    width: 560.0,
};

#[derive(Properties, PartialEq)]
pub struct ChartProps {
    pub timeline: Shared<Timeline>,
    /// The run at the cursor: its clock, settings and running timers.
    pub frame: Shared<Frame>,
    /// Label numbers absolute instead of relative.
    pub absolute: bool,
    pub selected: Option<Label>,
    /// A segment arrow clicked (or Enter/Space on it): `Some(label)`; empty space: `None`.
    pub on_select: Callback<Option<Label>>,
    /// Segments to highlight: those a lesson's current step sent, delivered or dropped.
    #[prop_or_default]
    pub highlight: Vec<Label>,
}

/// The segment whose arrow an event happened in.
fn seg_of_event(e: &Event) -> Option<Label> {
    let target: Element = e.target_dyn_into()?;
    let g = target.closest("[data-seg]").ok()??;
    parse_label(&g.get_attribute("data-seg")?)
}

/// Keeps the cursor's row in view as it moves (or as events arrive at the live end): a glide
/// over short distances (CSS decides, honouring reduced motion), a jump over long ones,
/// which would otherwise render every band on the way. It decides from the measured viewport,
/// so a render that needs no scrolling reads no layout.
#[hook]
fn use_follow_cursor(scroller: NodeRef, measured: &Measured, y: f32) {
    let (view, exact_top, measure) = (
        measured.view,
        measured.exact_top.clone(),
        measured.measure.clone(),
    );
    use_effect_with((y.to_bits(), view.width, view.height), move |_| {
        let scale = scale(view.width, &Lanes::new(view.width));
        let top = exact_top.get();
        let Some(target) = scroll_target(y, top, view.height, scale) else {
            return;
        };
        if let Some(el) = scroller.cast::<Element>() {
            let smooth = (target - top).abs() < 2.0 * view.height;
            let _ = el.set_attribute("data-scroll", if smooth { "smooth" } else { "jump" });
            el.set_scroll_top(target.round() as i32);
            // Setting the position laid the page out: reading it back is free, and keeps the
            // band in step with where the browser really scrolled (it clamps; it glides).
            measure.emit(());
        }
    });
}

/// The first event whose arrows have arrived since the cursor last moved forward: those
/// draw themselves once.
#[hook]
fn use_fresh_from(cursor: usize) -> usize {
    let fresh = use_mut_ref(|| (cursor, cursor));
    let mut f = fresh.borrow_mut();
    if f.0 != cursor {
        f.1 = f.0.min(cursor);
        f.0 = cursor;
    }
    f.1
}

/// Whether the cursor moved since the last render.
#[hook]
fn use_moved(cursor: usize) -> bool {
    let last: Rc<RefCell<usize>> = use_mut_ref(|| usize::MAX);
    let moved = *last.borrow() != cursor;
    *last.borrow_mut() = cursor;
    moved
}

/// What the chart draws of the band `top..=bottom` of the run.
struct Layers {
    arrows: Html,
    states: Html,
    gaps: Html,
    timers: Html,
    /// The cursor's time's baseline, below A's last state name.
    now_time_y: f32,
}

fn band_layers(ctx: &Ctx<'_>, f: &Frame, (top, bottom): (f32, f32), linux: bool) -> Layers {
    let (t, lanes, cursor) = (ctx.t, ctx.lanes, ctx.cursor);
    let now_y = t.y_at(cursor);
    let scene = Scene {
        t,
        lanes,
        frame: f,
        net: ctx.net,
        absolute: ctx.absolute,
        linux,
    };
    // One pass places every word of the band so that none covers another.
    let placed = layout_band(&scene, (top, bottom));
    Layers {
        arrows: placed
            .segs
            .iter()
            .filter_map(|p| Some(seg_view(ctx, t.seg(p.label)?, p)))
            .collect(),
        states: placed
            .states
            .iter()
            .map(|p| state_view(lanes, p, linux))
            .collect(),
        gaps: t
            .gaps_in(top, bottom.min(now_y))
            .map(|(i, g)| gap_view(lanes, i, g.y, g.skipped_ms))
            .collect(),
        timers: placed
            .timers
            .iter()
            .map(|bar| timer_view(ctx.lang, lanes, bar, now_y, f.now))
            .collect(),
        now_time_y: placed.now_time_y,
    }
}

#[function_component(Chart)]
pub fn chart(props: &ChartProps) -> Html {
    let lang = use_lang();
    let linux = use_linux();
    let scroller = use_node_ref();
    let measured = use_viewport(scroller.clone(), SCROLL_QUANTUM, DEFAULT_VIEW);
    let t = &*props.timeline;
    let f = &*props.frame;
    let cursor = f.cursor.min(t.len());
    use_follow_cursor(scroller.clone(), &measured, t.y_at(cursor));
    let view = measured.view;
    let fresh_from = use_fresh_from(cursor);
    let moved = use_moved(cursor);

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

    let lanes = Lanes::new(view.width);
    let scale = scale(view.width, &lanes);
    // When the cursor has just moved, `use_follow_cursor` scrolls its row into view: render
    // the band there at once rather than the band being left, which would cost a second
    // render (and show the old band for a frame). Otherwise follow the user's own scrolling.
    // Both decide from the same measured position.
    let quantize = |top: f32| (top / SCROLL_QUANTUM).floor() * SCROLL_QUANTUM;
    let exact = measured.exact_top.get();
    let band_from = scroll_target(t.y_at(cursor), exact, view.height, scale)
        .filter(|_| moved)
        .map_or(quantize(exact), quantize);
    let (band_top, band_bottom) = band(band_from, view.height, scale);
    let net = Network::at(&f.settings, f.now);
    let now_y = t.y_at(cursor);
    let tail = (2.0 * STEP_PX).max(net.latency_ms as f32 * PX_PER_MS + STEP_PX);
    let height = TOP + t.last_y() + tail;

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
    let layers = band_layers(&ctx, f, (band_top, band_bottom), linux);

    let w = lanes.width;
    let view_box = format!("0 0 {} {}", num(w), num(height + TOP));
    let head_box = format!("0 0 {} {}", num(w), num(HEAD_H));
    html! {
        // A scroll box of its own on a wide screen (web/style.css), so a keyboard must reach
        // it even when it holds no arrow to focus (lesson 1's start): ↑ and ↓ scroll it, as
        // in the capture's packet list.
        <div class="chart" ref={scroller} onscroll={measured.onscroll.clone()}
            tabindex="0" role="region" aria-label={tr(lang, "chart.region")}>
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
                    <g class="gaps">{ layers.gaps }</g>
                    <line class="now-line" x1={num(lanes.xa)} x2={num(lanes.xb)} y1={num(now_y)} y2={num(now_y)} />
                    <text class="now-time" x="4" y={num(layers.now_time_y)}>{ f.now.to_string() }</text>
                    <g class="timers">{ layers.timers }</g>
                    <g class="states">{ layers.states }</g>
                    <g class="segs">{ layers.arrows }</g>
                </g>
            </svg>
        </div>
    }
}
