//! The explorer: from any moment of a run, a breadth-first search over everything that can
//! happen next, to answer "how do I get there?".
//!
//! A step is one script command: deliver, drop or duplicate any in-flight segment (and, in
//! auto delivery, hold it), wait until the next timer or arrival, and, when asked, a user
//! call that the peer's state permits ([`permitted`]). Time passes only by whole waits to
//! the next event: the search never stops the clock between two timers.
//!
//! States are compared by a 128-bit fingerprint of everything that decides the future (both
//! TCBs, the in-flight segments in label order without their labels, the timers and every
//! other time relative to now; `Sim::fingerprint`), so moments that differ only by when they
//! happen or by how segments are numbered meet. Two different states would have to share
//! all 128 bits to be merged: about one chance in 10^26 among a million states.
//!
//! A state costs about a hundred bytes: its node (parent, step, depth, states) and its
//! fingerprint. The simulator is not kept for each: a state waiting in the frontier is
//! rebuilt from its parent when its turn comes, and breadth-first order expands siblings one
//! after the other, so a handful of simulator copies (one per depth) are all it holds.
//!
//! The search is deterministic: the same start, goal and limits give the same answer, and a
//! path found is a shortest one (fewest steps), the first in the order steps are tried. It is
//! bounded by depth and by the number of states, and by the caller, who runs it in slices
//! ([`Explorer::run`]) and stops when its own clock says so: the engine reads no clock. The
//! answer says which bound ended it and how deep every sequence was explored.

mod answer;
mod goal;

use std::collections::{HashSet, VecDeque};
use std::hash::{BuildHasherDefault, DefaultHasher, Hash, Hasher};

use serde::{Deserialize, Serialize};

pub use self::answer::{Answer, Coverage, Path, Progress, Reached, Stop, WhyNot};
pub use self::goal::{Goal, PeerGoal};
use crate::endpoint::Call;
use crate::permit::permitted;
use crate::script::{self, Command};
use crate::sim::{Delivery, Sim};
use crate::state::State;
use crate::time::Duration;
use crate::trace::{Label, Peer};

/// A user call the search may make, whatever its arguments.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CallKind {
    /// `listen`.
    Listen,
    /// `connect`.
    Connect,
    /// `send <n>`, with [`Options::send_bytes`].
    Send,
    /// `close`.
    Close,
    /// `abort`.
    Abort,
    /// `crash`.
    Crash,
}

impl CallKind {
    /// Every call, in the order the search tries them.
    pub const ALL: [CallKind; 6] = [
        CallKind::Listen,
        CallKind::Connect,
        CallKind::Send,
        CallKind::Close,
        CallKind::Abort,
        CallKind::Crash,
    ];

    /// The script's word for it.
    pub fn name(self) -> &'static str {
        match self {
            CallKind::Listen => "listen",
            CallKind::Connect => "connect",
            CallKind::Send => "send",
            CallKind::Close => "close",
            CallKind::Abort => "abort",
            CallKind::Crash => "crash",
        }
    }

    /// The call whose script word is `name`.
    pub fn from_name(name: &str) -> Option<CallKind> {
        CallKind::ALL.into_iter().find(|k| k.name() == name)
    }

    fn call(self, send_bytes: u32) -> Call {
        match self {
            CallKind::Listen => Call::Listen,
            CallKind::Connect => Call::Connect,
            CallKind::Send => Call::Send(send_bytes),
            CallKind::Close => Call::Close,
            CallKind::Abort => Call::Abort,
            CallKind::Crash => Call::Crash,
        }
    }
}

/// How the search may act and how far it may go.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Options {
    /// User calls the search may make on either peer, when the state permits them. Empty:
    /// only the network and the timers act.
    pub calls: Vec<CallKind>,
    /// Bytes per `send`.
    pub send_bytes: u32,
    /// States this many steps away are not expanded; `None`: no limit.
    pub max_depth: Option<u32>,
    /// The search stops once it has seen this many distinct states.
    pub max_states: u64,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            calls: Vec::new(),
            send_bytes: 100,
            max_depth: None,
            max_states: 200_000,
        }
    }
}

/// What to search for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Search {
    /// Every reachable (A, B) pair, with its distance: no goal, the search runs to a bound.
    Map,
    /// The shortest way to a goal.
    Reach(Goal),
}

/// A search as a Web Worker receives it: the script up to the moment to search from, and
/// what to look for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Request {
    /// A `.tcps` script; the search starts where it ends.
    pub script: String,
    /// The seed of the script's `let` lines, if it has any (an exercise).
    #[serde(default)]
    pub seed: Option<u64>,
    /// What to look for.
    pub search: Search,
    /// How the search may act, and its limits.
    pub options: Options,
}

impl Request {
    /// Runs the script and starts the search where it ends. A script that does not parse,
    /// stops early or fails an `expect` is refused with its error.
    pub fn start(&self) -> Result<Explorer, String> {
        let (outcome, _) =
            script::run_seeded(&self.script, self.seed).map_err(|e| e.to_string())?;
        if let Some(e) = outcome.error.as_ref().or(outcome.failures.first()) {
            return Err(e.to_string());
        }
        Ok(Explorer::new(
            &outcome.sim,
            self.search,
            self.options.clone(),
        ))
    }
}

/// One step of a path, with the explorer's own labels (see `Sim::search_root`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Step {
    Deliver(Label),
    Drop(Label),
    Dup(Label),
    Hold(Label),
    Wait(Duration),
    Call(Peer, Call),
}

impl Step {
    fn apply(self, sim: &mut Sim) -> bool {
        match self {
            Step::Deliver(l) => sim.deliver(l).is_ok(),
            Step::Drop(l) => sim.drop_segment(l).is_ok(),
            Step::Dup(l) => sim.duplicate(l).is_ok(),
            Step::Hold(l) => sim.hold(l).is_ok(),
            Step::Wait(d) => sim.wait(d).is_ok(),
            // The search makes only permitted calls; a refused one would still be a step.
            Step::Call(peer, call) => {
                let _ = sim.call(peer, call);
                true
            }
        }
    }
}

/// A state the search reached: how, and from where.
#[derive(Clone, Copy, Debug)]
struct Node {
    /// The node this one was reached from; the root is its own parent.
    parent: u32,
    step: Step,
    depth: u32,
    states: (State, State),
}

/// A set of fingerprints, which are already hashes: their low bits index the table as they
/// are.
#[derive(Default)]
struct Passthrough(u64);

impl Hasher for Passthrough {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes.iter().take(8) {
            self.0 = (self.0 << 8) | u64::from(b);
        }
    }

    fn write_u128(&mut self, n: u128) {
        self.0 = n as u64;
    }
}

type Seen = HashSet<u128, BuildHasherDefault<Passthrough>>;

/// The fingerprint of a state: its hashed fields are written out as bytes, then hashed twice
/// by SipHash with different starting words, for 128 bits. (Writing first and hashing once
/// is several times faster than hashing field by field.)
#[derive(Default)]
struct Fingerprinter(Vec<u8>);

impl Fingerprinter {
    fn of(&mut self, sim: &Sim) -> u128 {
        self.0.clear();
        sim.fingerprint(self);
        let mut high = DefaultHasher::new();
        let mut low = DefaultHasher::new();
        low.write_u8(0x5a);
        high.write(&self.0);
        low.write(&self.0);
        (u128::from(high.finish()) << 64) | u128::from(low.finish())
    }
}

impl Fingerprinter {
    /// LEB128: seven bits a byte, the high bit saying more follow. Small numbers (most of a
    /// state: lengths, enum tags, flags, relative times) take one byte instead of eight, and
    /// the code is prefix-free, so what is written still tells states apart.
    fn varint(&mut self, mut n: u128) {
        loop {
            let byte = (n & 0x7f) as u8;
            n >>= 7;
            if n == 0 {
                self.0.push(byte);
                return;
            }
            self.0.push(byte | 0x80);
        }
    }

    /// Signed numbers zigzagged first, so that small negative ones stay short.
    fn signed(&mut self, n: i128) {
        self.varint(((n << 1) ^ (n >> 127)) as u128);
    }
}

/// Every integer goes through `varint`; byte strings as they are (after their length).
impl Hasher for Fingerprinter {
    /// Not a hash: `of` hashes what was written.
    fn finish(&self) -> u64 {
        self.0.len() as u64
    }

    fn write(&mut self, bytes: &[u8]) {
        self.0.extend_from_slice(bytes);
    }

    fn write_u8(&mut self, n: u8) {
        self.0.push(n);
    }

    fn write_u16(&mut self, n: u16) {
        self.varint(n.into());
    }

    fn write_u32(&mut self, n: u32) {
        self.varint(n.into());
    }

    fn write_u64(&mut self, n: u64) {
        self.varint(n.into());
    }

    fn write_u128(&mut self, n: u128) {
        self.varint(n);
    }

    fn write_usize(&mut self, n: usize) {
        self.varint(n as u128);
    }

    fn write_i8(&mut self, n: i8) {
        self.signed(n.into());
    }

    fn write_i16(&mut self, n: i16) {
        self.signed(n.into());
    }

    fn write_i32(&mut self, n: i32) {
        self.signed(n.into());
    }

    fn write_i64(&mut self, n: i64) {
        self.signed(n.into());
    }

    fn write_i128(&mut self, n: i128) {
        self.signed(n);
    }

    fn write_isize(&mut self, n: isize) {
        self.signed(n as i128);
    }
}

/// A breadth-first search from one moment of a run. Run it in slices with [`run`]
/// (a worker posts [`Progress`] between them and stops when its clock says so), then read
/// the [`answer`].
///
/// [`run`]: Explorer::run
/// [`answer`]: Explorer::answer
pub struct Explorer {
    search: Search,
    options: Options,
    /// The labels the start's in-flight segments have in the run.
    root_labels: Vec<Label>,
    /// How many segments the run had sent at the start.
    run_segments: u32,
    nodes: Vec<Node>,
    seen: Seen,
    fingerprinter: Fingerprinter,
    /// States reached and not yet expanded, oldest first. Only their nodes are kept: a
    /// state is rebuilt from its parent when its turn comes (`materialise`).
    frontier: VecDeque<u32>,
    /// One rebuilt state per depth, `cache[0]` the start. Breadth-first order expands the
    /// children of one state one after the other, so each state is rebuilt about once and
    /// the search holds a few copies of the simulator instead of one per state.
    cache: Vec<(u32, Sim)>,
    /// For each (A, B) pair, by `State::ALL` index, the first node that reached it.
    pairs: [[Option<u32>; 11]; 11],
    found: Option<u32>,
    stop: Option<Stop>,
    /// A state at the depth limit was left unexpanded.
    depth_cut: bool,
    expanded: u64,
    tried: u64,
    dead_ends: u64,
    /// The depth of the states being expanded.
    depth: u32,
}

impl Explorer {
    /// A search from `start`'s present moment. Nothing runs until [`run`](Explorer::run).
    pub fn new(start: &Sim, search: Search, options: Options) -> Explorer {
        let (mut root, root_labels) = start.search_root();
        root.clear_trace();
        let states = (root.state(Peer::A), root.state(Peer::B));
        let mut explorer = Explorer {
            search,
            options,
            root_labels,
            run_segments: start.segments().len() as u32,
            nodes: vec![Node {
                parent: 0,
                step: Step::Wait(Duration::ZERO),
                depth: 0,
                states,
            }],
            seen: Seen::default(),
            fingerprinter: Fingerprinter::default(),
            frontier: VecDeque::new(),
            cache: Vec::new(),
            pairs: [[None; 11]; 11],
            found: None,
            stop: None,
            depth_cut: false,
            expanded: 0,
            tried: 0,
            dead_ends: 0,
            depth: 0,
        };
        let root_print = explorer.fingerprinter.of(&root);
        explorer.seen.insert(root_print);
        explorer.record_pair(0);
        if let Search::Reach(goal) = search {
            if !goal.needs_a_step() && goal.holds(&root) {
                explorer.found = Some(0);
                explorer.stop = Some(Stop::Found);
                return explorer;
            }
        }
        if explorer.options.max_depth == Some(0) {
            explorer.depth_cut = true;
        } else {
            explorer.frontier.push_back(0);
        }
        explorer.cache.push((0, root));
        explorer
    }

    /// Expands up to `states` more states, then reports how far the search has got. Call
    /// again until `stop` is set; each call does a bounded amount of work.
    pub fn run(&mut self, states: u64) -> Progress {
        for _ in 0..states {
            if self.stop.is_some() {
                break;
            }
            let Some(id) = self.frontier.pop_front() else {
                self.stop = Some(match self.options.max_depth {
                    Some(depth) if self.depth_cut => Stop::DepthLimit { depth },
                    _ => Stop::Exhausted,
                });
                break;
            };
            self.expand(id);
        }
        self.progress()
    }

    /// Ends the search now: the caller's time budget ran out, or its user cancelled.
    pub fn stop(&mut self) {
        self.stop.get_or_insert(Stop::Stopped);
    }

    /// How far the search has got.
    pub fn progress(&self) -> Progress {
        let complete_depth = match self.stop {
            Some(Stop::Exhausted) => self.nodes.iter().map(|n| n.depth).max().unwrap_or(0),
            Some(Stop::DepthLimit { depth }) => depth,
            // Every state at the depth being expanded has been reached: all of the one
            // before were expanded first.
            _ => self.depth,
        };
        Progress {
            states: self.seen.len() as u64,
            expanded: self.expanded,
            tried: self.tried,
            frontier: self.frontier.len() as u64,
            complete_depth,
            dead_ends: self.dead_ends,
            stop: self.stop,
        }
    }

    /// What the search found so far: the path to the goal, and every pair reached.
    pub fn answer(&self) -> Answer {
        let mut reached: Vec<Reached> = self
            .pairs
            .iter()
            .flatten()
            .flatten()
            .map(|&id| Reached {
                distance: self.nodes[id as usize].depth,
                path: self.path(id),
            })
            .collect();
        // Stable: pairs at the same distance keep `State::ALL` order.
        reached.sort_by_key(|r| r.distance);
        Answer {
            progress: self.progress(),
            found: self.found.map(|id| self.path(id)),
            reached,
        }
    }

    /// The script lines from the start to node `id`, with the run's own labels.
    fn path(&self, mut id: u32) -> Path {
        let node = self.nodes[id as usize];
        let mut steps = Vec::with_capacity(node.depth as usize);
        while id != 0 {
            let n = self.nodes[id as usize];
            steps.push(self.command(n.step).to_string());
            id = n.parent;
        }
        steps.reverse();
        Path {
            steps,
            a: node.states.0,
            b: node.states.1,
        }
    }

    /// The script command of a step, its label translated back into the run's.
    fn command(&self, step: Step) -> Command {
        let run_label = |l: Label| {
            let kept = self.root_labels.len() as u32;
            if l.0 <= kept {
                self.root_labels[l.0 as usize - 1]
            } else {
                Label(self.run_segments + (l.0 - kept))
            }
        };
        match step {
            Step::Deliver(l) => Command::Deliver(run_label(l)),
            Step::Drop(l) => Command::Drop(run_label(l)),
            Step::Dup(l) => Command::Dup(run_label(l)),
            Step::Hold(l) => Command::Hold(run_label(l)),
            Step::Wait(d) => Command::Wait(d),
            Step::Call(peer, call) => Command::Call { peer, call },
        }
    }

    /// Makes `cache[depth]` hold node `id`'s state, rebuilding it (and, when needed, its
    /// ancestors) by the steps that first reached them, from the nearest one cached. A loop,
    /// not a recursion: a deep search must not run out of stack (wasm has little).
    fn materialise(&mut self, id: u32) {
        let cached = |cache: &[(u32, Sim)], id: u32, depth: usize| {
            cache.get(depth).is_some_and(|&(held, _)| held == id)
        };
        // The nodes to rebuild, deepest first, up to the first one cached (the start always
        // is, at depth 0).
        let mut chain = Vec::new();
        let mut at = id;
        while !cached(&self.cache, at, self.nodes[at as usize].depth as usize) {
            chain.push(at);
            at = self.nodes[at as usize].parent;
        }
        for &node_id in chain.iter().rev() {
            let node = self.nodes[node_id as usize];
            let depth = node.depth as usize;
            let mut sim = self.cache[depth - 1].1.clone();
            // The step ran from this very state when the node was reached.
            let ran = node.step.apply(&mut sim);
            debug_assert!(ran, "a step that once ran fails on the same state");
            sim.clear_trace();
            if depth < self.cache.len() {
                self.cache[depth] = (node_id, sim);
            } else {
                self.cache.push((node_id, sim));
            }
        }
    }

    fn expand(&mut self, id: u32) {
        self.materialise(id);
        let depth = self.nodes[id as usize].depth as usize;
        // Lent out while its children are tried, so that they can be recorded meanwhile.
        let sim = std::mem::take(&mut self.cache[depth].1);
        self.expand_from(id, &sim);
        self.cache[depth].1 = sim;
    }

    fn expand_from(&mut self, id: u32, sim: &Sim) {
        let parent = self.nodes[id as usize];
        self.depth = parent.depth;
        self.expanded += 1;
        let depth = parent.depth + 1;
        for step in steps(sim, &self.options) {
            self.tried += 1;
            let mut child = sim.clone();
            if !step.apply(&mut child) {
                self.dead_ends += 1;
                continue;
            }
            let node = Node {
                parent: id,
                step,
                depth,
                states: (child.state(Peer::A), child.state(Peer::B)),
            };
            // A transition belongs to the step, not the state: test it before asking
            // whether the state is new.
            if let Search::Reach(goal) = self.search {
                if goal.holds(&child) {
                    self.nodes.push(node);
                    self.found = Some(self.nodes.len() as u32 - 1);
                    self.stop = Some(Stop::Found);
                    return;
                }
            }
            child.clear_trace();
            if !self.seen.insert(self.fingerprinter.of(&child)) {
                continue;
            }
            self.nodes.push(node);
            let child_id = self.nodes.len() as u32 - 1;
            self.record_pair(child_id);
            if self.seen.len() as u64 >= self.options.max_states {
                self.stop = Some(Stop::StateLimit {
                    states: self.options.max_states,
                });
                return;
            }
            if self.options.max_depth.is_some_and(|max| depth >= max) {
                self.depth_cut = true;
            } else {
                self.frontier.push_back(child_id);
            }
        }
    }

    fn record_pair(&mut self, id: u32) {
        let (a, b) = self.nodes[id as usize].states;
        let index = |s: State| State::ALL.iter().position(|&x| x == s).unwrap_or(0);
        self.pairs[index(a)][index(b)].get_or_insert(id);
    }
}

/// The steps possible from `sim`, in the order they are tried: each in-flight segment in
/// label order (deliver, drop, duplicate, and hold in auto delivery), the wait for the next
/// event, then the permitted calls, A's before B's.
fn steps(sim: &Sim, options: &Options) -> Vec<Step> {
    let auto = sim.network().delivery == Delivery::Auto;
    let mut steps = Vec::with_capacity(sim.in_flight().len() * 4 + 13);
    for f in sim.in_flight() {
        steps.extend([
            Step::Deliver(f.label),
            Step::Drop(f.label),
            Step::Dup(f.label),
        ]);
        if auto && !f.held {
            steps.push(Step::Hold(f.label));
        }
    }
    if let Some(at) = sim.next_wakeup() {
        steps.push(Step::Wait(at - sim.now()));
    }
    for peer in Peer::BOTH {
        let state = sim.state(peer);
        for kind in &options.calls {
            let call = kind.call(options.send_bytes);
            if permitted(state, call).is_ok() {
                steps.push(Step::Call(peer, call));
            }
        }
    }
    steps
}

/// Runs a whole search from `start`, asking `keep_going` between slices of work whether to
/// go on (a time budget: the caller owns the clock).
pub fn explore(
    start: &Sim,
    search: Search,
    options: Options,
    mut keep_going: impl FnMut(&Progress) -> bool,
) -> Answer {
    /// Small enough that a time budget is checked every few milliseconds.
    const SLICE: u64 = 256;
    let mut explorer = Explorer::new(start, search, options);
    loop {
        let progress = explorer.run(SLICE);
        if progress.stop.is_some() {
            break;
        }
        if !keep_going(&progress) {
            explorer.stop();
            break;
        }
    }
    explorer.answer()
}

/// Every moment the search generates from `start` (duplicates included), breadth first, up
/// to `max`: material for tests of the fingerprint.
#[cfg(test)]
pub(crate) fn moments(start: &Sim, options: &Options, max: usize) -> Vec<Sim> {
    let (root, _) = start.search_root();
    let mut printer = Fingerprinter::default();
    let mut seen = Seen::default();
    let mut queue = VecDeque::from([root]);
    let mut out = Vec::new();
    while let Some(sim) = queue.pop_front() {
        for step in steps(&sim, options) {
            let mut child = sim.clone();
            if !step.apply(&mut child) {
                continue;
            }
            child.clear_trace();
            if seen.insert(printer.of(&child)) {
                queue.push_back(child.clone());
            }
            out.push(child);
            if out.len() >= max {
                return out;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moments_that_differ_only_in_time_share_a_fingerprint() {
        let run = |wait: &str| {
            let src = format!("B listen\nwait {wait}\nA connect\ndeliver s1\n");
            crate::script::run_source(&src).unwrap().sim.search_root().0
        };
        let mut printer = Fingerprinter::default();
        let (early, late) = (run("1ms"), run("3min"));
        assert_ne!(early.now(), late.now());
        assert_eq!(printer.of(&early), printer.of(&late));
        // Yet the same moment a little later (timers closer) is another state.
        let mut later = early.clone();
        later.wait(Duration::from_millis(10)).unwrap();
        later.clear_trace();
        assert_ne!(printer.of(&early), printer.of(&later));
    }

    #[test]
    fn segments_in_flight_count_without_their_labels() {
        let sim = |src: &str| crate::script::run_source(src).unwrap().sim.search_root().0;
        let mut printer = Fingerprinter::default();
        // The same SYN in flight as s1, or as s2 after an injected segment was dropped.
        let plain = sim("B listen\nA connect\n");
        let relabelled = sim("inject B->A RST seq=0 inflight\ndrop s1\nB listen\nA connect\n");
        assert_eq!(printer.of(&plain), printer.of(&relabelled));
        let held = sim("set delivery auto\nB listen\nA connect\nhold s1\n");
        let auto = sim("set delivery auto\nB listen\nA connect\n");
        assert_ne!(printer.of(&held), printer.of(&auto));
    }
}
