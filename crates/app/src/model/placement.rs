//! Where a popover goes: next to what was clicked (a segment's arrow, a state's node), and
//! always wholly inside the viewport, so that the result of a click is seen without scrolling.

/// A box in viewport coordinates (CSS pixels).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
}

/// Space kept between a popover and the viewport's edges.
pub const MARGIN: f64 = 8.0;
/// Space between the anchor and the popover.
pub const GAP: f64 = 6.0;

/// The top-left corner for a popover of `size` (width, height) next to `anchor` in a
/// viewport of `viewport` (width, height) whose top `top` pixels are covered (the sticky
/// time bar): below the anchor if it fits, else above it, else as near as the viewport
/// allows; centred on the anchor across. A popover larger than the room keeps its top-left
/// corner in view (its own box scrolls: see the stylesheet).
pub fn place(anchor: Rect, size: (f64, f64), viewport: (f64, f64), top: f64) -> (f64, f64) {
    place_clear(anchor, size, viewport, top, &[])
}

/// As [`place`], but where both sides of the anchor fit, the side whose popover would cover
/// none of `controls` (the page's other buttons and fields): a control half hidden under a
/// popover is a small target that is easy to miss (WCAG 2.5.8).
///
/// When neither above nor below has room (a tall state explanation at a node in the middle
/// of the wide layout's screen-high diagram), the popover goes beside the anchor, right if it
/// fits there, else left: pushed up or down to fit, it would lie on the anchor itself and on
/// its neighbours, the very nodes a reader clicks next. Only when no side has room either
/// (a phone) is it pushed to fit.
pub fn place_clear(
    anchor: Rect,
    size: (f64, f64),
    viewport: (f64, f64),
    top: f64,
    controls: &[Rect],
) -> (f64, f64) {
    let (w, h) = size;
    let (vw, vh) = viewport;
    let top = top.max(0.0) + MARGIN;
    let x = (anchor.x + anchor.width / 2.0 - w / 2.0)
        .min(vw - w - MARGIN)
        .max(MARGIN);
    let below = anchor.y + anchor.height + GAP;
    let above = anchor.y - GAP - h;
    let fits = |y: f64| y >= top && y + h <= vh - MARGIN;
    let clear = |y: f64| {
        let popover = Rect {
            x,
            y,
            width: w,
            height: h,
        };
        !controls.iter().any(|c| c.overlaps(&popover))
    };
    let y = match (fits(below), fits(above)) {
        (true, true) if !clear(below) && clear(above) => above,
        (true, _) => below,
        (false, true) => above,
        (false, false) => {
            let y = below.min(vh - h - MARGIN).max(top);
            let beside = (anchor.y + anchor.height / 2.0 - h / 2.0)
                .min(vh - h - MARGIN)
                .max(top);
            let right = anchor.x + anchor.width + GAP;
            let left = anchor.x - GAP - w;
            return if right + w <= vw - MARGIN {
                (right, beside)
            } else if left >= MARGIN {
                (left, beside)
            } else {
                (x, y)
            };
        }
    };
    (x, y)
}

impl Rect {
    /// Whether the two boxes share some area (touching edges do not count).
    pub fn overlaps(&self, other: &Rect) -> bool {
        self.x < other.x + other.width
            && other.x < self.x + self.width
            && self.y < other.y + other.height
            && other.y < self.y + self.height
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DESKTOP: (f64, f64) = (1366.0, 768.0);
    const PHONE: (f64, f64) = (360.0, 740.0);

    fn inside((x, y): (f64, f64), (w, h): (f64, f64), (vw, vh): (f64, f64)) -> bool {
        x >= 0.0 && y >= 0.0 && x + w <= vw && y + h <= vh
    }

    fn rect(x: f64, y: f64, width: f64, height: f64) -> Rect {
        Rect {
            x,
            y,
            width,
            height,
        }
    }

    #[test]
    fn the_side_that_hides_no_control_when_both_fit() {
        let a = rect(700.0, 300.0, 300.0, 40.0);
        // A button just below the arrow: the popover goes above instead.
        let button = rect(760.0, 360.0, 80.0, 36.0);
        let (_, y) = place_clear(a, (200.0, 50.0), DESKTOP, 0.0, &[button]);
        assert_eq!(y, 244.0);
        // Controls on both sides: below, as without any.
        let other = rect(760.0, 250.0, 80.0, 36.0);
        let (_, y) = place_clear(a, (200.0, 50.0), DESKTOP, 0.0, &[button, other]);
        assert_eq!(y, 346.0);
        // A control elsewhere changes nothing.
        let far = rect(0.0, 0.0, 40.0, 40.0);
        assert_eq!(
            place_clear(a, (200.0, 50.0), DESKTOP, 0.0, &[far]),
            place(a, (200.0, 50.0), DESKTOP, 0.0)
        );
    }

    #[test]
    fn below_the_anchor_when_there_is_room() {
        let a = rect(700.0, 200.0, 300.0, 40.0);
        let (x, y) = place(a, (200.0, 50.0), DESKTOP, 0.0);
        assert_eq!(y, 246.0);
        assert_eq!(x, 750.0, "centred on the anchor");
    }

    #[test]
    fn above_the_anchor_near_the_bottom() {
        let a = rect(700.0, 700.0, 300.0, 40.0);
        let (_, y) = place(a, (200.0, 50.0), DESKTOP, 0.0);
        assert_eq!(y, 644.0);
    }

    /// A tall explanation at a node in the middle of a screen-high diagram fits neither above
    /// nor below: it goes beside the node, covering neither it nor the nodes around it.
    #[test]
    fn beside_the_anchor_when_neither_above_nor_below_fits() {
        let size = (446.0, 360.0);
        // CLOSE_WAIT at the diagram's right edge, 1100×800 (the sticky bars take 173 px).
        let node = rect(352.0, 530.0, 134.0, 46.0);
        let at = place(node, size, (1100.0, 800.0), 173.0);
        assert_eq!(at.0, 492.0, "right of the node");
        assert!(inside(at, size, (1100.0, 800.0)), "{at:?}");
        assert!(!node.overlaps(&rect(at.0, at.1, size.0, size.1)));
        // TIME_WAIT below it, at the figure's middle, stays clickable.
        let next = rect(189.0, 676.0, 148.0, 62.0);
        assert!(!next.overlaps(&rect(at.0, at.1, size.0, size.1)));
        // A node near the right edge: left of it.
        let right = rect(900.0, 400.0, 134.0, 46.0);
        let at = place(right, size, (1100.0, 800.0), 173.0);
        assert_eq!(at.0, 900.0 - GAP - 446.0, "left of the node");
        // No room beside either (a phone): pushed to fit, as before.
        let a = rect(0.0, 300.0, 360.0, 200.0);
        assert_eq!(place(a, (344.0, 500.0), PHONE, 0.0), (8.0, 232.0));
    }

    /// Never under the sticky time bar: an arrow scrolled up under it gets its menu below.
    #[test]
    fn not_under_the_sticky_bar() {
        let a = rect(20.0, 60.0, 300.0, 30.0);
        let (_, y) = place(a, (330.0, 60.0), PHONE, 130.0);
        assert!(y >= 138.0, "{y}");
    }

    /// The cases the issue met: an arrow low on a laptop screen, and one scrolled out of view
    /// on a phone (above the top, or below the bottom): the popover stays inside.
    #[test]
    fn always_inside_the_viewport() {
        let cases = [
            (rect(760.0, 740.0, 400.0, 30.0), (420.0, 60.0), DESKTOP),
            (rect(20.0, -300.0, 300.0, 30.0), (330.0, 100.0), PHONE),
            (rect(20.0, 900.0, 300.0, 30.0), (330.0, 100.0), PHONE),
            (rect(340.0, 100.0, 40.0, 30.0), (300.0, 400.0), PHONE),
            (rect(0.0, 300.0, 360.0, 200.0), (344.0, 500.0), PHONE),
        ];
        for (a, size, vp) in cases {
            let at = place(a, size, vp, 0.0);
            assert!(inside(at, size, vp), "{a:?} {size:?} -> {at:?}");
        }
    }
}
