//! Where the sequence chart's words go so that none covers another: state names beside their
//! lifeline, the cursor's time, running timers' countdowns, idle-time breaks and each
//! segment's label along its arrow. Each text is a box turned as it is drawn; a segment label
//! tries places along its arrow (and a second line) until it touches no word placed before
//! it. Pure and tested natively at the phone's and the embed's widths; the chart component
//! draws what this computes.

use crate::model::chart_layout::{Arrow, Lanes, HEAD_LEN, LABEL_GAP};

/// Advance of one character of the chart's monospace type, in ems: DejaVu Sans Mono and the
/// usual ui-monospace faces are 0.60; a little more keeps the estimate on the safe side.
const ADVANCE: f32 = 0.62;
/// Ascent and descent of that type, in ems (the box a browser measures with getBBox).
const ASCENT: f32 = 0.93;
const DESCENT: f32 = 0.24;
/// Type sizes of web/chart.css, in logical units.
pub const SEG_FONT: f32 = 12.5;
pub const SMALL_FONT: f32 = 12.0;
/// A segment label's baseline above its arrow, and the step between its two lines.
pub const SEG_LIFT: f32 = 4.0;
pub const LINE_H: f32 = 13.5;
/// The least room between a segment label and a lifeline (the state ticks reach 4 in).
const LANE_PAD: f32 = 5.0;
/// How many lines above its arrow a segment label may rise.
const LIFTS: usize = 4;
/// The cursor's time sits this far under its row: below a state name on that row.
pub const NOW_TIME_DY: f32 = 18.0;
/// State names and timer countdowns stand this far out from their lifeline.
pub const SIDE_DX: f32 = 8.0;

/// The width of `text` in the chart's type; wide (CJK) characters count twice.
pub fn text_width(text: &str, font: f32) -> f32 {
    let ems: f32 = text
        .chars()
        .map(|c| if c as u32 >= 0x2E80 { 2.0 } else { 1.0 })
        .sum();
    ems * ADVANCE * font
}

/// Where a line of text is anchored (SVG `text-anchor`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Anchor {
    Start,
    Middle,
    End,
}

/// A text's box as drawn: its centre, half its length and height, and the direction it reads
/// in (a unit vector: no trigonometry, which would weigh on the first paint).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TextBox {
    pub cx: f32,
    pub cy: f32,
    pub hw: f32,
    pub hh: f32,
    pub cos: f32,
    pub sin: f32,
}

impl TextBox {
    /// One upright line of `text` with its baseline at `y`.
    pub fn line(x: f32, y: f32, text: &str, font: f32, anchor: Anchor) -> TextBox {
        let w = text_width(text, font);
        let left = match anchor {
            Anchor::Start => x,
            Anchor::Middle => x - w / 2.0,
            Anchor::End => x - w,
        };
        TextBox {
            cx: left + w / 2.0,
            cy: y + (DESCENT - ASCENT) * font / 2.0,
            hw: w / 2.0,
            hh: (ASCENT + DESCENT) * font / 2.0,
            cos: 1.0,
            sin: 0.0,
        }
    }

    pub fn corners(&self) -> [(f32, f32); 4] {
        let (s, c) = (self.sin, self.cos);
        let at = |u: f32, v: f32| (self.cx + u * c - v * s, self.cy + u * s + v * c);
        [
            at(-self.hw, -self.hh),
            at(self.hw, -self.hh),
            at(self.hw, self.hh),
            at(-self.hw, self.hh),
        ]
    }

    /// Whether the two boxes share more than an edge (separating axis test).
    pub fn overlaps(&self, other: &TextBox) -> bool {
        intersect(&self.corners(), &other.corners())
    }

    /// Whether the straight line from `(x1, y1)` to `(x2, y2)` crosses the box.
    pub fn crosses(&self, (x1, y1, x2, y2): (f32, f32, f32, f32)) -> bool {
        intersect(&self.corners(), &[(x1, y1), (x2, y2)])
    }

    /// Leftmost and rightmost x of the box.
    pub fn x_range(&self) -> (f32, f32) {
        self.corners()
            .iter()
            .fold((f32::MAX, f32::MIN), |(lo, hi), &(x, _)| {
                (lo.min(x), hi.max(x))
            })
    }
}

/// Separating axis test for convex polygons (a segment is a polygon of two points); a
/// quarter unit of contact does not count.
fn intersect(p: &[(f32, f32)], q: &[(f32, f32)]) -> bool {
    // Plain loops, no collected axes: this runs in the first paint's code, where every
    // kilobyte counts.
    let separated = |poly: &[(f32, f32)]| {
        (0..poly.len()).any(|i| {
            let (a, b) = (poly[i], poly[(i + 1) % poly.len()]);
            let (ax, ay) = (a.1 - b.1, b.0 - a.0);
            let n = (ax * ax + ay * ay).sqrt().max(f32::EPSILON);
            let span = |pts: &[(f32, f32)]| {
                pts.iter()
                    .map(|&(x, y)| (x * ax + y * ay) / n)
                    .fold((f32::MAX, f32::MIN), |(lo, hi), v| (lo.min(v), hi.max(v)))
            };
            let ((a0, a1), (b0, b1)) = (span(p), span(q));
            a1 <= b0 + 0.25 || b1 <= a0 + 0.25
        })
    };
    !separated(p) && !separated(q)
}

/// A segment's label as placed: the point on (or on the line of) its arrow that the text is
/// centred on, the angle it reads at (degrees, left to right), and its lines: the whole
/// label, or the label broken before its numbers (`s2 SYN,ACK` over `seq=0 ack=1`).
#[derive(Clone, Debug, PartialEq)]
pub struct SegLabel {
    pub x: f32,
    pub y: f32,
    pub angle: f32,
    pub lines: Vec<String>,
    pub bbox: TextBox,
}

/// The forms a label can take, longest first: the whole label in one line; in two, broken
/// before the sequence number; then, where dense arrows leave no room (a burst of data on a
/// phone), shortened to the name and flags (`s5 ACK`) or the name alone (`s5`), the whole
/// label then being the text's tooltip (and the arrow's accessible name, as always).
pub fn label_forms(text: &str) -> Vec<Vec<String>> {
    let mut out = vec![vec![text.to_string()]];
    // A byte loop, not `find(" seq=")`: a string pattern brings its searcher's code along.
    let seq = (0..text.len()).find(|&i| text.as_bytes()[i..].starts_with(b" seq="));
    if let Some(i) = seq {
        out.push(vec![text[..i].to_string(), text[i + 1..].to_string()]);
        out.push(vec![text[..i].to_string()]);
    }
    if let Some(i) = text.find(' ') {
        out.push(vec![text[..i].to_string()]);
    }
    out
}

/// Places a segment label along its arrow `a`, clear of the boxes already `taken` and, when
/// it can be, of the `lines` of other arrows. It prefers the spot past the middle towards
/// the receiver (`label_anchor`'s), then others along the arrow and on the arrow's line as
/// far as the far lifeline, then two lines. Falls back to the spot with the fewest overlaps.
pub fn place_seg_label(
    a: &Arrow,
    lanes: &Lanes,
    text: &str,
    taken: &[TextBox],
    lines: &[(f32, f32, f32, f32)],
) -> SegLabel {
    let (dx, dy) = (a.x2 - a.x1, a.y2 - a.y1);
    let len = (dx * dx + dy * dy).sqrt();
    let (ux, uy) = if len > f32::EPSILON {
        (dx / len, dy / len)
    } else {
        (1.0, 0.0)
    };
    // Turned so that the text reads left to right.
    let (rx, ry) = if ux >= 0.0 { (ux, uy) } else { (-ux, -uy) };
    let angle = ry.atan2(rx).to_degrees();
    // How far the arrow's line runs from its sender to the far lifeline.
    let full = if ux.abs() > 0.05 {
        ((lanes.x(peer_far(a, lanes)) - a.x1) / ux).max(len)
    } else {
        len
    };
    let forms = label_forms(text);
    // Whole forms first, clear of other arrows, then over them; shortened forms last.
    let whole = forms.len().min(2);
    let order = (0..whole)
        .map(|f| (f, 0))
        .chain((0..whole).map(|f| (f, 1)))
        .chain((whole..forms.len()).flat_map(|f| [(f, 0), (f, 1)]));
    // Only words near the arrow can be in the way: a long run's band holds a hundred.
    let reach = (LIFTS as f32 + 2.0) * LINE_H + full;
    let (y_lo, y_hi) = (a.y1.min(a.y2) - reach, a.y1.max(a.y2) + reach);
    let taken: Vec<&TextBox> = taken
        .iter()
        .filter(|t| (y_lo..=y_hi).contains(&t.cy))
        .collect();
    let mut best: Option<(usize, SegLabel)> = None;
    for (form, pass) in order {
        let split = &forms[form];
        let w = split
            .iter()
            .map(|l| text_width(l, SEG_FONT))
            .fold(0.0, f32::max);
        // Arrows sent together and still waiting share one line: their labels stack above it.
        let spots = (0..LIFTS).flat_map(|k| centres(len, full, w).into_iter().map(move |d| (k, d)));
        for (lift, d) in spots {
            // The text's own "up" is (ry, -rx) turned back: raise the anchor by whole lines.
            let up = lift as f32 * LINE_H;
            let (mx, my) = (a.x1 + ux * d + up * ry, a.y1 + uy * d - up * rx);
            let n = split.len() as f32;
            let top = -SEG_LIFT - (n - 1.0) * LINE_H - ASCENT * SEG_FONT;
            let bottom = -SEG_LIFT + DESCENT * SEG_FONT;
            let mid = (top + bottom) / 2.0;
            let bbox = TextBox {
                cx: mx - mid * ry,
                cy: my + mid * rx,
                hw: w / 2.0,
                hh: (bottom - top) / 2.0,
                cos: rx,
                sin: ry,
            };
            let (lo, hi) = bbox.x_range();
            let outside = lo < lanes.xa + LANE_PAD || hi > lanes.xb - LANE_PAD;
            let clashes = taken.iter().filter(|t| t.overlaps(&bbox)).count()
                + usize::from(outside)
                + if pass == 0 {
                    lines.iter().filter(|&&l| bbox.crosses(l)).count()
                } else {
                    0
                };
            let label = SegLabel {
                x: mx,
                y: my,
                angle,
                lines: split.clone(),
                bbox,
            };
            if clashes == 0 {
                return label;
            }
            if best.as_ref().is_none_or(|(c, _)| clashes < *c) {
                best = Some((clashes, label));
            }
        }
    }
    // `best` is set: `centres` yields at least one spot for the one-line label.
    best.map(|(_, l)| l).unwrap_or_else(|| SegLabel {
        x: a.x1,
        y: a.y1,
        angle,
        lines: vec![text.to_string()],
        bbox: TextBox::line(a.x1, a.y1, text, SEG_FONT, Anchor::Middle),
    })
}

/// The far lifeline of an arrow: the one its line heads for.
fn peer_far(a: &Arrow, lanes: &Lanes) -> synack_core::Peer {
    use synack_core::Peer;
    if (a.x1 - lanes.xa).abs() <= (a.x1 - lanes.xb).abs() {
        Peer::B
    } else {
        Peer::A
    }
}

/// Spots along an arrow `len` long (its line runs `full` to the far lifeline) for a label
/// `w` wide, as distances from the sender: the usual one first (60 % of the way, kept off
/// the head), then the rest nearest first.
fn centres(len: f32, full: f32, w: f32) -> Vec<f32> {
    let want = len * 0.6;
    let (lo, hi_arrow) = (w / 2.0 + LANE_PAD, len - HEAD_LEN - w / 2.0);
    // `max`/`min`, not `clamp`: clamp's panic message formats floats, and that formatting
    // would move from the lazy parts into the first paint (8.8 KB gzip, measured).
    let mut out = vec![if hi_arrow >= lo {
        want.max(lo).min(hi_arrow)
    } else {
        want
    }];
    let hi = (full - w / 2.0 - LANE_PAD).max(lo);
    const STEPS: usize = 12;
    // Outward from the grid point nearest the usual spot. Not a sort: the slice sort is
    // kilobytes of code that would move from the lazy parts into the first paint.
    let at = |i: usize| lo + (hi - lo) * i as f32 / STEPS as f32;
    let near = if hi > lo {
        ((((want - lo) / (hi - lo)) * STEPS as f32).max(0.0) + 0.5).min(STEPS as f32) as usize
    } else {
        0
    };
    for k in 0..=STEPS {
        if k == 0 {
            out.push(at(near));
            continue;
        }
        if near >= k {
            out.push(at(near - k));
        }
        if near + k <= STEPS {
            out.push(at(near + k));
        }
    }
    out
}

/// Baselines for a peer's words under the cursor's row, below its last state name: the
/// cursor's time (A's side only) and then each running timer, one line apart.
pub fn below_row(now_y: f32, last_state_baseline: Option<f32>) -> f32 {
    let floor = last_state_baseline.map_or(f32::MIN, |b| b + LABEL_GAP);
    (now_y + NOW_TIME_DY).max(floor)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::chart_layout::Tip;

    #[test]
    fn boxes_overlap_only_when_they_share_area() {
        let a = TextBox::line(0.0, 10.0, "RTO 1.00 s", 12.0, Anchor::Start);
        let b = TextBox::line(a.hw * 2.0 + 1.0, 10.0, "x", 12.0, Anchor::Start);
        assert!(!a.overlaps(&b), "{a:?} {b:?}");
        let c = TextBox::line(10.0, 14.0, "x", 12.0, Anchor::Start);
        assert!(a.overlaps(&c));
        let turned = TextBox {
            cos: 0.5f32.cos(),
            sin: 0.5f32.sin(),
            ..TextBox::line(40.0, 10.0, "s1 SYN seq=0", 12.5, Anchor::Middle)
        };
        assert!(turned.overlaps(&a));
        assert!(turned.crosses((0.0, 5.0, 100.0, 5.0)));
        assert!(!turned.crosses((0.0, 200.0, 100.0, 200.0)));
    }

    #[test]
    fn long_label_on_a_short_arrow_breaks_and_stays_between_the_lifelines() {
        let lanes = Lanes::new(360.0);
        // A waiting SYN,ACK: half-way from B.
        let a = Arrow {
            x1: lanes.xb,
            y1: 108.0,
            x2: (lanes.xa + lanes.xb) / 2.0,
            y2: 126.0,
            tip: Tip::Head,
        };
        let l = place_seg_label(&a, &lanes, "s2 SYN,ACK seq=0 ack=1", &[], &[]);
        let (lo, hi) = l.bbox.x_range();
        assert!(lo >= lanes.xa && hi <= lanes.xb, "{l:?} {lanes:?}");
        let blocker = TextBox::line(lanes.xa + 20.0, 100.0, "xxxxxxxxxx", 12.0, Anchor::Start);
        let l2 = place_seg_label(&a, &lanes, "s2 SYN,ACK seq=0 ack=1", &[blocker], &[]);
        assert!(!l2.bbox.overlaps(&blocker), "{l2:?} vs {blocker:?}");
    }
}
