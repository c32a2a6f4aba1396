//! Geometry of the sequence chart, from the timeline to coordinates: where the lifelines
//! are, where each segment's arrow starts and ends at a cursor, which band of the run is worth
//! drawing for a scroll position. Pure functions, tested natively; the chart component draws
//! what they compute.

use synack_core::{Delivery, DropCause, Instant, Label, Peer};

use crate::model::settings::Settings;
use crate::model::timeline::{SegEnd, SegSpan, SegStatus, Timeline, PX_PER_MS, STEP_PX};

/// The narrowest logical width: narrower containers scale the drawing down a little rather
/// than squeezing the lifelines together. 320, not more: the chart beside an embedded
/// lesson's panel is 320 px wide in a 700x500 frame, and a wider drawing scaled to it put
/// its 12-unit words under 11 px (chart-labels.test.mjs).
pub const MIN_VIEW_W: f32 = 320.0;
/// The widest distance between the lifelines; wider containers centre the ladder.
const MAX_SPAN: f32 = 640.0;
/// Height of the sticky header with the peer names, in logical units.
pub const HEAD_H: f32 = 24.0;
/// Room above the first event for the initial CLOSED labels.
pub const TOP: f32 = 12.0;
/// Timeline y of the initial CLOSED labels (the first event is at `STEP_PX`).
pub const INITIAL_Y: f32 = 6.0;
/// Rendered above and below the visible part, in logical units.
const BAND_MARGIN: f32 = 150.0;
/// Scroll positions are kept to this step (CSS px), so scrolling re-renders now and then,
/// not on every scroll event; the band's margin covers the difference.
pub const SCROLL_QUANTUM: f32 = 100.0;
/// Length of an arrowhead.
pub const HEAD_LEN: f32 = 7.0;
/// Closest two state labels of one peer may sit: their 12 px type and a little air.
pub const LABEL_GAP: f32 = 14.0;
/// The least room beside each lifeline for its state names.
const MIN_MARGIN: f32 = 88.0;

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
        // ESTABLISHED at 12 px (web/chart.css) is about 80 units wide, plus its tick.
        let margin = (width * 0.2).clamp(MIN_MARGIN, 110.0);
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
    pub fn inward(peer: Peer) -> f32 {
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
pub fn direction(a: &Arrow) -> (f32, f32) {
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
pub fn shaft_end(a: &Arrow) -> (f32, f32) {
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

/// What the network does to segments in flight, as far as drawing them goes: the settings at
/// the cursor (never the live end's) and the clock there.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Network {
    pub auto: bool,
    pub latency_ms: u64,
    pub now: Instant,
}

impl Network {
    pub fn at(settings: &Settings, now: Instant) -> Network {
        Network {
            auto: settings.network.delivery == Delivery::Auto,
            latency_ms: settings.network.latency.millis(),
            now,
        }
    }
}

/// Where a segment's flight stands once the first `cursor` events have happened; `None`
/// before it is sent.
pub fn course(t: &Timeline, span: &SegSpan, cursor: usize, net: &Network) -> Option<Course> {
    match span.status(cursor) {
        SegStatus::NotYetSent => None,
        SegStatus::Delivered => {
            let (at, _) = span.end?;
            Some(Course::Delivered { arrive_y: t.y(at)? })
        }
        SegStatus::Dropped => match span.end? {
            (at, SegEnd::Dropped(cause)) => Some(Course::Dropped { y: t.y(at)?, cause }),
            _ => None,
        },
        SegStatus::InFlight => {
            let held = span.held_at(cursor);
            if net.auto && !held {
                let sent_at = t.time(span.sent)?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use synack_core::script;

    fn lanes() -> Lanes {
        Lanes::new(560.0)
    }

    fn timeline(src: &str) -> (synack_core::Sim, Timeline) {
        let sim = script::run_source(src).expect("the script runs").sim;
        let t = Timeline::new(sim.trace());
        (sim, t)
    }

    const MANUAL: Network = Network {
        auto: false,
        latency_ms: 50,
        now: Instant(0),
    };

    #[test]
    fn lanes_keep_room_for_state_names_at_phone_width() {
        let l = Lanes::new(300.0);
        assert_eq!(l.width, MIN_VIEW_W);
        assert!(l.xa >= 88.0, "{l:?}");
        assert!(l.width - l.xb >= 88.0, "{l:?}");
        assert!(scale(300.0, &l) < 1.0);
        assert_eq!(
            scale(340.0, &Lanes::new(340.0)),
            1.0,
            "a phone's chart is not scaled"
        );
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
        let s1 = t.seg(Label(1)).unwrap();
        let s2 = t.seg(Label(2)).unwrap();
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
            Some(Course::Delivered {
                arrive_y: t.y(end).unwrap()
            })
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
        let s1 = t.seg(Label(1)).unwrap();
        assert!(matches!(
            course(&t, s1, t.len(), &net),
            Some(Course::Flying { .. })
        ));
        let (_, t) = timeline("set delivery auto\nB listen\nA connect\nhold s1\n");
        assert!(matches!(
            course(&t, t.seg(Label(1)).unwrap(), t.len(), &net),
            Some(Course::Waiting { held: true, .. })
        ));
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
