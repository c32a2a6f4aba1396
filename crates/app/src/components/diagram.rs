//! The state diagram: RFC 9293 Figure 5's eleven states and their transitions, with both
//! peers' current states highlighted in their colours and the transition just taken
//! animated along its edge.

use synack_core::{Peer, State};
use yew::prelude::*;

use crate::components::state_explanation::{StateExplanationProps, STATE_EXPLANATION};
use crate::hooks::lang::use_lang;
use crate::hooks::narrow::use_narrow;
use crate::i18n::{fill, tr, tr_dyn, Lang};
use crate::lazy::{self, Lazy};
use crate::model::diagram_layout::{edge_for, Edge, Layout, EDGES, NODE_H, NODE_W};
use crate::model::frame::Transition;
use crate::svg::num;

/// What the diagram shows: each peer's state and latest transition at the cursor. Only these
/// are props, so that moving through time re-renders the diagram only when they change.
#[derive(Properties, Clone, PartialEq)]
pub struct DiagramProps {
    pub current: [State; 2],
    /// Each peer's latest transition.
    pub last: [Option<Transition>; 2],
    pub selected: Option<State>,
    pub on_select: Callback<Option<State>>,
    /// Transitions to highlight: those a lesson's current step caused, (from, to).
    #[prop_or_default]
    pub highlight: Vec<(State, State)>,
    /// A's target, already picked while B's is picked for the explorer: ringed in A's colour.
    #[prop_or_default]
    pub target_a: Option<State>,
}

/// Below this width (CSS px) of its box, the diagram draws its compact figure: the full one
/// would shrink state names under 8 px.
const COMPACT_BELOW: i32 = 560;

#[function_component(Diagram)]
pub fn diagram(props: &DiagramProps) -> Html {
    let lang = use_lang();
    let linux = crate::hooks::linux::use_linux();
    let current = props.current;
    let last = props.last;
    let panel = use_node_ref();
    let layout = if use_narrow(panel.clone(), COMPACT_BELOW) {
        Layout::Compact
    } else {
        Layout::Full
    };
    let (view_w, view_h) = layout.view();
    // The most recent transition(s) of the cursor's moment are animated; older ones only
    // stay tinted.
    let newest = last.iter().flatten().map(|(at, _, _)| *at).max();

    let edges = EDGES.iter().map(|e| {
        render_edge(
            lang,
            layout,
            e,
            &last,
            newest,
            props.highlight.contains(&(e.from, e.to)),
        )
    });
    // A transition the figure has no edge for (a reset, an abort, a crash, a timeout) is
    // shown by a pulse on the state it lands in.
    let jumped: Vec<(State, usize)> = last
        .iter()
        .flatten()
        .filter(|(at, from, to)| Some(*at) == newest && edge_for(*from, *to).is_none())
        .map(|(at, _, to)| (*to, *at))
        .collect();
    let nodes = State::ALL.into_iter().map(|s| {
        let here: Vec<Peer> = Peer::BOTH
            .into_iter()
            .filter(|p| current[p.index()] == s)
            .collect();
        let jump = jumped.iter().find(|(to, _)| *to == s).map(|(_, at)| *at);
        render_node(
            Look {
                lang,
                layout,
                linux,
            },
            s,
            &here,
            props.selected == Some(s),
            props.target_a == Some(s),
            jump,
            &props.on_select,
        )
    });
    let badges = State::ALL.into_iter().map(|s| {
        let here: Vec<Peer> = Peer::BOTH
            .into_iter()
            .filter(|p| current[p.index()] == s)
            .collect();
        render_badges(layout, s, &here)
    });
    html! {
        <div class={classes!("diagram", (layout == Layout::Compact).then_some("compact"))} ref={panel}>
            <svg viewBox={format!("0 0 {} {}", num(view_w), num(view_h))} role="group"
                 aria-label={tr(lang, "diagram.title")}>
                <defs>
                    <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                        <path d="M0 0 L10 5 L0 10 z" class="arrowhead" />
                    </marker>
                </defs>
                <g class="edges">{ for edges }</g>
                <g class="nodes">{ for nodes }</g>
                <g class="badges" aria-hidden="true">{ for badges }</g>
            </svg>
            <ul class="legend" aria-label={tr(lang, "diagram.legend")}>
                <li><svg viewBox="0 0 40 10" aria-hidden="true"><line class="edge active" x1="0" y1="5" x2="40" y2="5"/></svg>{ tr(lang, "diagram.legend.active") }</li>
                <li><svg viewBox="0 0 40 10" aria-hidden="true"><line class="edge passive" x1="0" y1="5" x2="40" y2="5"/></svg>{ tr(lang, "diagram.legend.passive") }</li>
                <li><svg viewBox="0 0 40 10" aria-hidden="true"><line class="edge unusual" x1="0" y1="5" x2="40" y2="5"/></svg>{ tr(lang, "diagram.legend.unusual") }</li>
            </ul>
            if let Some(state) = props.selected {
                <Lazy part={&STATE_EXPLANATION}
                    props={lazy::props(StateExplanationProps { state, on_select: props.on_select.clone() })} />
            }
        </div>
    }
}

/// The words of an edge label in `lang`: the RFC's calls and flags (CLOSE, SEND, SYN, ACK)
/// stay as they are, "rcv", "snd" and the other words are translated.
fn edge_words(lang: Lang, text: &'static str) -> String {
    const WORDS: [(&str, &str); 9] = [
        ("passive OPEN", "diagram.w.passive_open"),
        ("active OPEN", "diagram.w.active_open"),
        ("create TCB", "diagram.w.create_tcb"),
        ("delete TCB", "diagram.w.delete_tcb"),
        ("rcv ACK of SYN", "diagram.w.ack_of_syn"),
        ("rcv ACK of FIN", "diagram.w.ack_of_fin"),
        ("timeout", "diagram.w.timeout"),
        ("rcv ", "diagram.w.rcv"),
        ("snd ", "diagram.w.snd"),
    ];
    if lang == Lang::En {
        return text.to_string();
    }
    let mut out = text.to_string();
    for (en, key) in WORDS {
        let word = tr_dyn(lang, key);
        // "rcv " and "snd " keep the space before the flags that follow.
        let with_space = if en.ends_with(' ') {
            format!("{word} ")
        } else {
            word.to_string()
        };
        out = out.replace(en, &with_space);
    }
    out
}

fn render_edge(
    lang: Lang,
    layout: Layout,
    e: &Edge,
    last: &[Option<Transition>; 2],
    newest: Option<usize>,
    highlight: bool,
) -> Html {
    let d = e.path(layout);
    let takers: Vec<(Peer, usize)> = Peer::BOTH
        .into_iter()
        .filter_map(|p| match last[p.index()] {
            Some((at, from, to)) if from == e.from && to == e.to => Some((p, at)),
            _ => None,
        })
        .collect();
    let mut class = classes!(e.kind.class());
    for (p, _) in &takers {
        class.push(format!("taken-{}", p.name().to_ascii_lowercase()));
    }
    if highlight {
        class.push("lesson-step");
    }
    let (lx, ly) = layout.place(e.label_at);
    let movers = takers
        .iter()
        .filter(|(_, at)| Some(*at) == newest)
        .map(|(p, at)| {
            // Keyed by the event index, so each new transition restarts the motion, and by the
            // figure: a frozen motion does not follow its path when the figure changes.
            html! {
                <circle key={format!("{}-{at}-{layout:?}", p.name())} r="7" class={format!("mover peer-{}", p.name().to_ascii_lowercase())}>
                    <animateMotion dur="0.9s" fill="freeze" path={d.clone()} />
                </circle>
            }
        });
    html! {
        <g class="edge-group" data-edge={e.id()}>
            <path class={class} d={d.clone()} marker-end="url(#arrow)">
                <title>{ format!("{} → {}: {} / {}", e.from.name(), e.to.name(), edge_words(lang, e.event), edge_words(lang, e.action)) }</title>
            </path>
            <text class="edge-label" x={num(lx)} y={num(ly)} text-anchor={e.anchor}
                transform={e.vertical.then(|| format!("rotate(-90 {} {})", num(lx), num(ly)))}>
                <tspan class="event">{ edge_words(lang, e.event) }</tspan>
                <tspan class="action">{ format!(" / {}", edge_words(lang, e.action)) }</tspan>
            </text>
            { for movers }
        </g>
    }
}

/// How every node is drawn: the language, the figure, and whether Linux's names are shown.
#[derive(Clone, Copy)]
struct Look {
    lang: Lang,
    layout: Layout,
    linux: bool,
}

fn render_node(
    Look {
        lang,
        layout,
        linux,
    }: Look,
    state: State,
    here: &[Peer],
    selected: bool,
    target_a: bool,
    jumped_at: Option<usize>,
    on_select: &Callback<Option<State>>,
) -> Html {
    let (cx, cy) = layout.center(state);
    let (x, y) = (cx - NODE_W / 2.0, cy - NODE_H / 2.0);
    let mut class = classes!("node");
    for p in here {
        class.push(format!("at-{}", p.name().to_ascii_lowercase()));
    }
    if selected {
        class.push("selected");
    }
    let onclick = {
        let cb = on_select.clone();
        Callback::from(move |_: MouseEvent| cb.emit(Some(state)))
    };
    let onkeydown = {
        let cb = on_select.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" || e.key() == " " {
                e.prevent_default();
                cb.emit(Some(state));
            }
        })
    };
    let who = match here {
        [] => String::new(),
        [p] => fill(tr(lang, "diagram.peer_here"), &[("peer", p.name())]),
        _ => tr(lang, "diagram.both_here").to_string(),
    };
    // The name starts with the label shown (WCAG 2.5.3, Label in Name); in the Linux view the
    // RFC's name follows the ss one.
    let label = crate::hooks::linux::state_label(state, linux);
    let shown = if label == state.name() {
        label.to_string()
    } else {
        format!("{label} ({})", state.name())
    };
    html! {
        <g class={class} data-state-node={state.name()} tabindex="0" role="button"
           aria-label={fill(tr(lang, "diagram.node"), &[("state", &shown), ("who", &who)])}
           {onclick} {onkeydown}>
            <title>{ format!("{}{who}", state.name()) }</title>
            <rect class="box" x={num(x)} y={num(y)} width={num(NODE_W)} height={num(NODE_H)} rx="10" />
            if target_a {
                <rect class="target-ring peer-a" x={num(x - 4.0)} y={num(y - 4.0)} width={num(NODE_W + 8.0)} height={num(NODE_H + 8.0)} rx="12" />
            }
            <rect class="focus-ring" x={num(x - 6.0)} y={num(y - 6.0)} width={num(NODE_W + 12.0)} height={num(NODE_H + 12.0)} rx="14" />
            if let Some(at) = jumped_at {
                // Keyed by the event, so each new jump replays the pulse.
                <rect key={at} class="pulse" x={num(x)} y={num(y)} width={num(NODE_W)} height={num(NODE_H)} rx="10" />
            }
            <text class="node-name" x={num(cx)} y={num(cy + 5.0)} text-anchor="middle">{ label }</text>
        </g>
    }
}

/// The A and B badges on the states the peers are in. They are drawn over the nodes but
/// outside them: a node's accessible name says who is here in words, and must contain all the
/// text drawn inside it (WCAG 2.5.3), which a lone letter would break.
fn render_badges(layout: Layout, state: State, here: &[Peer]) -> Html {
    let (cx, cy) = layout.center(state);
    let (x, y) = (cx - NODE_W / 2.0, cy - NODE_H / 2.0);
    here.iter()
        .enumerate()
        .map(|(i, p)| {
            let bx = x + NODE_W - 14.0 - 24.0 * i as f32;
            html! {
                <g class={format!("badge peer-{}", p.name().to_ascii_lowercase())}>
                    <circle cx={num(bx)} cy={num(y)} r="11" />
                    <text x={num(bx)} y={num(y + 4.0)} text-anchor="middle">{ p.name() }</text>
                </g>
            }
        })
        .collect()
}
