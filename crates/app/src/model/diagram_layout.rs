//! Geometry of the state diagram: the classic layout of RFC 9293 Figure 5 (RFC 793 Figure 6),
//! with the transitions the figure leaves out (FIN,ACK in FIN-WAIT-1, RST back to LISTEN).
//!
//! Coordinates are in the SVG's viewBox units (820 x 910); [`Layout::Compact`] squeezes them
//! for narrow boxes.

use synack_core::State;

use crate::svg::num;

pub const VIEW_W: f32 = 820.0;
pub const VIEW_H: f32 = 910.0;
pub const NODE_W: f32 = 132.0;
pub const NODE_H: f32 = 46.0;

/// The centre of each state's box.
pub fn node_center(state: State) -> (f32, f32) {
    match state {
        State::Closed => (410.0, 50.0),
        State::Listen => (410.0, 175.0),
        State::SynReceived => (140.0, 310.0),
        State::SynSent => (680.0, 310.0),
        State::Established => (410.0, 445.0),
        State::FinWait1 => (140.0, 590.0),
        State::CloseWait => (680.0, 590.0),
        State::FinWait2 => (140.0, 735.0),
        State::Closing => (410.0, 735.0),
        State::LastAck => (680.0, 735.0),
        State::TimeWait => (410.0, 860.0),
    }
}

/// How the figure is drawn: in the RFC's proportions, or squeezed for a narrow box (a phone, a
/// small embed) so that all eleven states fit its width with names still readable. The compact
/// figure is the same drawing with the empty space between the boxes shrunk: each axis is
/// mapped piecewise-linearly, boxes keep their size, so every edge still starts and ends on its
/// boxes and no route has to be drawn twice.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    Full,
    Compact,
}

/// The x of the three columns' box edges, and the figure's ends: in the full figure, and where
/// the compact one puts them (gaps of 132 units between boxes become 22, margins 16).
const X_KNOTS: [(f32, f32); 8] = [
    (0.0, 0.0),
    (74.0, 16.0),
    (206.0, 148.0),
    (344.0, 170.0),
    (476.0, 302.0),
    (614.0, 324.0),
    (746.0, 456.0),
    (820.0, 472.0),
];

/// The y of the seven rows' box edges, and the figure's ends (gaps of 80 to 100 units between
/// rows become 30).
const Y_KNOTS: [(f32, f32); 16] = [
    (0.0, 0.0),
    (27.0, 20.0),
    (73.0, 66.0),
    (152.0, 96.0),
    (198.0, 142.0),
    (287.0, 172.0),
    (333.0, 218.0),
    (422.0, 248.0),
    (468.0, 294.0),
    (567.0, 324.0),
    (613.0, 370.0),
    (712.0, 400.0),
    (758.0, 446.0),
    (837.0, 476.0),
    (883.0, 522.0),
    (910.0, 540.0),
];

/// `v` on the piecewise-linear map through `knots` (full, compact).
fn squeeze(knots: &[(f32, f32)], v: f32) -> f32 {
    for pair in knots.windows(2) {
        let ((a, a2), (b, b2)) = (pair[0], pair[1]);
        if v <= b {
            return a2 + (v - a) * (b2 - a2) / (b - a);
        }
    }
    knots.last().map_or(v, |&(_, end)| end)
}

impl Layout {
    /// The viewBox's width and height.
    pub fn view(self) -> (f32, f32) {
        match self {
            Layout::Full => (VIEW_W, VIEW_H),
            Layout::Compact => (X_KNOTS[X_KNOTS.len() - 1].1, Y_KNOTS[Y_KNOTS.len() - 1].1),
        }
    }

    /// A point of the full figure, placed in this layout.
    pub fn place(self, (x, y): (f32, f32)) -> (f32, f32) {
        match self {
            Layout::Full => (x, y),
            Layout::Compact => (squeeze(&X_KNOTS, x), squeeze(&Y_KNOTS, y)),
        }
    }

    /// The centre of a state's box.
    pub fn center(self, state: State) -> (f32, f32) {
        self.place(node_center(state))
    }
}

/// The seeds' legend: the active opener's and closer's path, the passive side's path, and the
/// unusual transitions, each drawn its own way.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EdgeKind {
    Active,
    Passive,
    Unusual,
}

impl EdgeKind {
    pub fn class(self) -> &'static str {
        match self {
            EdgeKind::Active => "edge active",
            EdgeKind::Passive => "edge passive",
            EdgeKind::Unusual => "edge unusual",
        }
    }
}

/// One transition of the diagram.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Edge {
    pub from: State,
    pub to: State,
    pub kind: EdgeKind,
    /// "event / action", as in the RFC figure.
    pub event: &'static str,
    pub action: &'static str,
    /// Polyline through these points, from `from`'s box edge to `to`'s.
    pub points: &'static [(f32, f32)],
    /// Where the label sits, and its text anchor.
    pub label_at: (f32, f32),
    pub anchor: &'static str,
    /// The label runs upwards along a vertical stretch of the edge.
    pub vertical: bool,
}

impl Edge {
    /// The SVG path data of the polyline, in `layout`.
    pub fn path(&self, layout: Layout) -> String {
        let mut d = String::new();
        for (i, (x, y)) in self.points.iter().map(|&p| layout.place(p)).enumerate() {
            d += &format!("{}{} {}", if i == 0 { "M" } else { " L" }, num(x), num(y));
        }
        d
    }

    /// A stable id, e.g. `LISTEN-SYN_RCVD`.
    pub fn id(&self) -> String {
        format!("{}-{}", self.from.name(), self.to.name())
    }
}

use EdgeKind::{Active, Passive, Unusual};
use State::*;

/// Every edge drawn. Transitions not listed (a RST or ABORT from a synchronized state, a
/// crash) go straight to CLOSED and are shown on the node instead.
pub const EDGES: &[Edge] = &[
    Edge {
        from: Closed,
        to: Listen,
        kind: Passive,
        event: "passive OPEN",
        action: "create TCB",
        points: &[(395.0, 73.0), (395.0, 152.0)],
        label_at: (387.0, 117.0),
        anchor: "end",
        vertical: false,
    },
    Edge {
        from: Listen,
        to: Closed,
        kind: Unusual,
        event: "CLOSE",
        action: "delete TCB",
        points: &[(425.0, 152.0), (425.0, 73.0)],
        label_at: (433.0, 117.0),
        anchor: "start",
        vertical: false,
    },
    Edge {
        from: Closed,
        to: SynSent,
        kind: Active,
        event: "active OPEN",
        action: "snd SYN",
        points: &[(476.0, 50.0), (680.0, 50.0), (680.0, 287.0)],
        label_at: (578.0, 42.0),
        anchor: "middle",
        vertical: false,
    },
    Edge {
        from: SynSent,
        to: Closed,
        kind: Unusual,
        event: "CLOSE, rcv RST, timeout",
        action: "delete TCB",
        points: &[(730.0, 287.0), (730.0, 36.0), (476.0, 36.0)],
        label_at: (744.0, 165.0),
        anchor: "middle",
        vertical: true,
    },
    Edge {
        from: Listen,
        to: SynReceived,
        kind: Passive,
        event: "rcv SYN",
        action: "snd SYN,ACK",
        points: &[(344.0, 190.0), (185.0, 287.0)],
        label_at: (262.0, 224.0),
        anchor: "end",
        vertical: false,
    },
    Edge {
        from: SynReceived,
        to: Listen,
        kind: Unusual,
        event: "rcv RST",
        action: "–",
        points: &[(110.0, 287.0), (110.0, 168.0), (344.0, 168.0)],
        label_at: (118.0, 160.0),
        anchor: "start",
        vertical: false,
    },
    Edge {
        from: Listen,
        to: SynSent,
        kind: Unusual,
        event: "SEND",
        action: "snd SYN",
        points: &[(476.0, 190.0), (635.0, 287.0)],
        label_at: (560.0, 224.0),
        anchor: "start",
        vertical: false,
    },
    Edge {
        from: SynSent,
        to: SynReceived,
        kind: Unusual,
        event: "rcv SYN",
        action: "snd SYN,ACK",
        points: &[(614.0, 310.0), (206.0, 310.0)],
        label_at: (410.0, 302.0),
        anchor: "middle",
        vertical: false,
    },
    Edge {
        from: SynReceived,
        to: Established,
        kind: Passive,
        event: "rcv ACK of SYN",
        action: "–",
        points: &[(185.0, 333.0), (344.0, 432.0)],
        label_at: (252.0, 398.0),
        anchor: "end",
        vertical: false,
    },
    Edge {
        from: SynSent,
        to: Established,
        kind: Active,
        event: "rcv SYN,ACK",
        action: "snd ACK",
        points: &[(635.0, 333.0), (476.0, 432.0)],
        label_at: (568.0, 398.0),
        anchor: "start",
        vertical: false,
    },
    Edge {
        from: SynReceived,
        to: FinWait1,
        kind: Unusual,
        event: "CLOSE",
        action: "snd FIN",
        points: &[(140.0, 333.0), (140.0, 567.0)],
        label_at: (132.0, 470.0),
        anchor: "end",
        vertical: false,
    },
    Edge {
        from: Established,
        to: FinWait1,
        kind: Active,
        event: "CLOSE",
        action: "snd FIN",
        points: &[(344.0, 462.0), (185.0, 567.0)],
        label_at: (252.0, 500.0),
        anchor: "end",
        vertical: false,
    },
    Edge {
        from: Established,
        to: CloseWait,
        kind: Passive,
        event: "rcv FIN",
        action: "snd ACK",
        points: &[(476.0, 462.0), (635.0, 567.0)],
        label_at: (568.0, 500.0),
        anchor: "start",
        vertical: false,
    },
    Edge {
        from: FinWait1,
        to: FinWait2,
        kind: Active,
        event: "rcv ACK of FIN",
        action: "–",
        points: &[(140.0, 613.0), (140.0, 712.0)],
        label_at: (132.0, 666.0),
        anchor: "end",
        vertical: false,
    },
    Edge {
        from: FinWait1,
        to: Closing,
        kind: Unusual,
        event: "rcv FIN",
        action: "snd ACK",
        points: &[(206.0, 598.0), (360.0, 712.0)],
        label_at: (292.0, 640.0),
        anchor: "start",
        vertical: false,
    },
    Edge {
        from: FinWait1,
        to: TimeWait,
        kind: Unusual,
        event: "rcv FIN,ACK",
        action: "snd ACK",
        points: &[(190.0, 613.0), (358.0, 837.0)],
        label_at: (300.0, 803.0),
        anchor: "end",
        vertical: false,
    },
    Edge {
        from: FinWait2,
        to: TimeWait,
        kind: Active,
        event: "rcv FIN",
        action: "snd ACK",
        points: &[(140.0, 758.0), (140.0, 868.0), (344.0, 868.0)],
        label_at: (148.0, 858.0),
        anchor: "start",
        vertical: false,
    },
    Edge {
        from: Closing,
        to: TimeWait,
        kind: Unusual,
        event: "rcv ACK of FIN",
        action: "–",
        points: &[(410.0, 758.0), (410.0, 837.0)],
        label_at: (418.0, 800.0),
        anchor: "start",
        vertical: false,
    },
    Edge {
        from: CloseWait,
        to: LastAck,
        kind: Passive,
        event: "CLOSE",
        action: "snd FIN",
        points: &[(680.0, 613.0), (680.0, 712.0)],
        label_at: (672.0, 666.0),
        anchor: "end",
        vertical: false,
    },
    Edge {
        from: LastAck,
        to: Closed,
        kind: Passive,
        event: "rcv ACK of FIN",
        action: "delete TCB",
        points: &[
            (746.0, 735.0),
            (800.0, 735.0),
            (800.0, 12.0),
            (440.0, 12.0),
            (440.0, 27.0),
        ],
        label_at: (792.0, 400.0),
        anchor: "middle",
        vertical: true,
    },
    Edge {
        from: TimeWait,
        to: Closed,
        kind: Active,
        event: "2MSL timeout",
        action: "delete TCB",
        points: &[
            (410.0, 883.0),
            (410.0, 900.0),
            (18.0, 900.0),
            (18.0, 12.0),
            (380.0, 12.0),
            (380.0, 27.0),
        ],
        label_at: (240.0, 893.0),
        anchor: "middle",
        vertical: false,
    },
];

/// The edge for a transition, if the diagram draws one.
pub fn edge_for(from: State, to: State) -> Option<&'static Edge> {
    EDGES.iter().find(|e| e.from == from && e.to == to)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edges_start_and_end_on_their_boxes() {
        let on_box = |s: State, (x, y): (f32, f32)| {
            let (cx, cy) = node_center(s);
            let (hw, hh) = (NODE_W / 2.0, NODE_H / 2.0);
            let inside = (x - cx).abs() <= hw + 0.5 && (y - cy).abs() <= hh + 0.5;
            let on_edge = ((x - cx).abs() - hw).abs() < 0.5 || ((y - cy).abs() - hh).abs() < 0.5;
            inside && on_edge
        };
        for e in EDGES {
            let first = e.points[0];
            let last = *e.points.last().unwrap();
            assert!(
                on_box(e.from, first),
                "{} starts off its box at {first:?}",
                e.id()
            );
            assert!(
                on_box(e.to, last),
                "{} ends off its box at {last:?}",
                e.id()
            );
        }
    }

    #[test]
    fn the_compact_figure_keeps_boxes_whole_and_edges_on_them() {
        let (w, h) = Layout::Compact.view();
        for s in State::ALL {
            let (cx, cy) = Layout::Compact.center(s);
            // Each box keeps its size: its corners land exactly NODE_W and NODE_H apart.
            let (x0, y0) = Layout::Compact.place((
                node_center(s).0 - NODE_W / 2.0,
                node_center(s).1 - NODE_H / 2.0,
            ));
            let (x1, y1) = Layout::Compact.place((
                node_center(s).0 + NODE_W / 2.0,
                node_center(s).1 + NODE_H / 2.0,
            ));
            assert!(
                (x1 - x0 - NODE_W).abs() < 0.01 && (y1 - y0 - NODE_H).abs() < 0.01,
                "{s}"
            );
            assert!(
                x0 >= 0.0 && x1 <= w && y0 >= 0.0 && y1 <= h,
                "{s} at ({cx}, {cy}) is outside {w} x {h}"
            );
        }
        for e in EDGES {
            for &(x, y) in e.points {
                let (cx, cy) = Layout::Compact.place((x, y));
                assert!(
                    (0.0..=w).contains(&cx) && (0.0..=h).contains(&cy),
                    "{} leaves the figure",
                    e.id()
                );
            }
        }
        // Narrower and shorter: the point of it.
        assert!(w < VIEW_W * 0.6 && h < VIEW_H * 0.6, "{w} x {h}");
        // No two boxes overlap.
        for a in State::ALL {
            for b in State::ALL {
                let ((ax, ay), (bx, by)) = (Layout::Compact.center(a), Layout::Compact.center(b));
                if a != b {
                    assert!(
                        (ax - bx).abs() >= NODE_W || (ay - by).abs() >= NODE_H,
                        "{a} overlaps {b}"
                    );
                }
            }
        }
    }

    #[test]
    fn every_state_has_an_edge_and_ids_are_unique() {
        for s in State::ALL {
            assert!(EDGES.iter().any(|e| e.from == s || e.to == s), "{s}");
        }
        let mut ids: Vec<String> = EDGES.iter().map(Edge::id).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), EDGES.len());
    }
}
