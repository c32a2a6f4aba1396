//! "Fill the ladder" and "order the segments": two exercises on a finished run.
//!
//! A script's `hide s<k> <field>...` lines leave fields of sent segments blank on the
//! sequence chart; the learner fills them in and each field is judged with the value sent
//! and the reason it has that value ([`crate::predict::Reason`], the same reasons as "predict
//! the segment"). An `order s<i> s<j> ...` line shows those segments shuffled; the learner
//! puts them back in the order they were sent, and each place is explained by the numbers
//! that tie a segment to the one before it (an ACK names the number after the segment it
//! answers; a sender's next segment starts where its last one ended).
//!
//! As everywhere in the exercises, the answer is what the engine did: nothing here computes
//! a segment on its own.

use serde::Serialize;

use crate::predict::{Field, Question, Reason};
use crate::script::{self, Command, Num, Numbers, Script, ScriptError};
use crate::segment::Flags;
use crate::trace::{Label, Origin, SegmentRecord};
use crate::{Language, Sim};

/// One blank of the ladder: a field of a sent segment, with its answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Blank {
    /// The `hide` line that asks for it.
    pub line: usize,
    /// Which field.
    pub field: Field,
    /// The segment, and the rule that sent it.
    pub question: Question,
}

impl Blank {
    /// The segment's label.
    pub fn label(&self) -> Label {
        self.question.segment.label
    }

    /// The value sent, in relative numbers as the chart shows them (`none` for the ack of a
    /// segment without the ACK flag; flags without PSH, which is not asked for).
    pub fn expected(&self) -> String {
        let rec = &self.question.segment;
        match self.field {
            Field::Flags => rec.segment.flags.without(Flags::PSH).to_string(),
            Field::Seq => rec.rel_seq.to_string(),
            Field::Ack => rec.rel_ack.map_or_else(|| "none".into(), |a| a.to_string()),
            Field::Len => rec.segment.len.to_string(),
        }
    }

    /// Why the field has its value.
    pub fn reason(&self) -> Reason {
        let i = Field::ALL
            .iter()
            .position(|f| *f == self.field)
            .unwrap_or_default();
        self.question.reasons()[i]
    }

    /// Judges what the learner typed in this blank. Numbers may be relative (`1`, `-1`) or
    /// absolute (`@4712`); an ack may be `none` (or left empty) for "no ACK flag"; flags are
    /// written as on the chart (`SYN,ACK`), PSH aside. Text that is not a value of the field
    /// is [`Verdict::Unreadable`] with a message, never a panic.
    pub fn check(&self, given: &str) -> BlankCheck {
        let given = given.trim();
        let rec = &self.question.segment;
        let seg = &rec.segment;
        let number = |text: &str, rel: u32, abs: u32| -> Result<bool, String> {
            Ok(match script::parse_num(text)? {
                Num::Rel(n) => n == rel,
                Num::Abs(n) => n == abs,
            })
        };
        let judged: Result<bool, String> = match self.field {
            Field::Flags if given.is_empty() => Err("type the flags, e.g. SYN,ACK".into()),
            Field::Flags => Flags::parse(&given.to_ascii_uppercase().replace(' ', ""))
                .map(|f| f.without(Flags::PSH) == seg.flags.without(Flags::PSH)),
            Field::Seq => number(given, rec.rel_seq, seg.seq.0),
            Field::Ack => match (given, rec.rel_ack) {
                ("" | "none" | "-", ack) => Ok(ack.is_none()),
                (text, Some(rel)) => number(text, rel, seg.ack.0),
                (text, None) => script::parse_num(text).map(|_| false),
            },
            Field::Len => given
                .parse::<u32>()
                .map(|n| n == seg.len)
                .map_err(|_| format!("`{given}` is not a number of bytes")),
        };
        BlankCheck {
            label: self.label(),
            field: self.field,
            verdict: match judged {
                Ok(true) => Verdict::Right,
                Ok(false) => Verdict::Wrong,
                Err(message) => Verdict::Unreadable(message),
            },
            expected: self.expected(),
            given: given.to_string(),
            reason: self.reason(),
        }
    }
}

/// How a blank was judged.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase", tag = "verdict", content = "message")]
pub enum Verdict {
    /// The value sent.
    Right,
    /// A value of the field, but not the one sent.
    Wrong,
    /// Not a value of the field at all; the message says what is expected. Counts as not
    /// right, and the page keeps what was typed.
    Unreadable(String),
}

/// One blank checked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BlankCheck {
    /// The segment.
    pub label: Label,
    /// The field.
    pub field: Field,
    /// Right, wrong or unreadable.
    #[serde(flatten)]
    pub verdict: Verdict,
    /// The value sent (relative numbers).
    pub expected: String,
    /// What was typed, trimmed.
    pub given: String,
    /// Why the value is what it is.
    pub reason: Reason,
}

impl BlankCheck {
    /// The learner had it right.
    pub fn right(&self) -> bool {
        self.verdict == Verdict::Right
    }
}

/// (right, total) of a set of checks, for a score.
pub fn score<'a>(right: impl IntoIterator<Item = &'a bool>) -> (usize, usize) {
    right
        .into_iter()
        .fold((0, 0), |(r, t), ok| (r + usize::from(*ok), t + 1))
}

/// Why a segment comes after the one before it in the order sent: what the numbers show.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Link {
    /// `later` answers `earlier`: its ack is `earlier`'s seq plus the numbers it takes.
    AckNames {
        /// The segment answered.
        earlier: Label,
        /// The answer.
        later: Label,
    },
    /// The same sender: `later` starts where `earlier` ends.
    SeqFollows {
        /// The sender's earlier segment, which takes sequence numbers.
        earlier: Label,
        /// Its next one.
        later: Label,
    },
    /// The same sender and the same seq: `later` takes sequence numbers (a FIN, data) and
    /// `earlier` none, so whatever the sender sent after `later` would carry a higher seq
    /// than `earlier` does.
    TakesANumber {
        /// The sender's earlier segment, which takes none.
        earlier: Label,
        /// The one that takes a number.
        later: Label,
    },
    /// The same sender: `later` acknowledges more; a cumulative ACK never goes back.
    AckGrows {
        /// The earlier ACK.
        earlier: Label,
        /// The one that acknowledges more.
        later: Label,
    },
    /// The numbers do not say which came first. `synack check` refuses an `order` line with
    /// such a pair, so a learner never meets one.
    Unlinked {
        /// The one sent first.
        earlier: Label,
        /// The one sent next.
        later: Label,
    },
}

impl Link {
    /// What ties `later` to `earlier` (sent in that order), as the numbers show it: the first
    /// relation that holds in that order and would not hold the other way round.
    pub fn between(earlier: &SegmentRecord, later: &SegmentRecord) -> Link {
        let (e, l) = (earlier.label, later.label);
        // `a` acknowledges `b`: b takes sequence numbers and a's ack is the one after them.
        let acknowledges = |a: &SegmentRecord, b: &SegmentRecord| {
            a.from == b.to
                && a.segment.flags.ack()
                && b.segment.seg_len() > 0
                && a.segment.ack == b.segment.seq + b.segment.seg_len()
        };
        // `b` starts where `a` ends, from the same sender.
        let follows = |a: &SegmentRecord, b: &SegmentRecord| {
            a.from == b.from && b.segment.seq == a.segment.seq + a.segment.seg_len()
        };
        let ack_grows = |a: &SegmentRecord, b: &SegmentRecord| {
            a.from == b.from
                && a.segment.flags.ack()
                && b.segment.flags.ack()
                && a.segment.ack < b.segment.ack
        };
        if acknowledges(later, earlier) && !acknowledges(earlier, later) {
            Link::AckNames {
                earlier: e,
                later: l,
            }
        } else if follows(earlier, later) && !follows(later, earlier) {
            if earlier.segment.seg_len() == 0 {
                Link::TakesANumber {
                    earlier: e,
                    later: l,
                }
            } else {
                Link::SeqFollows {
                    earlier: e,
                    later: l,
                }
            }
        } else if ack_grows(earlier, later) {
            Link::AckGrows {
                earlier: e,
                later: l,
            }
        } else {
            Link::Unlinked {
                earlier: e,
                later: l,
            }
        }
    }

    /// The explanation, in relative numbers, from the two segments it links.
    pub fn text(&self, earlier: &SegmentRecord, later: &SegmentRecord, lang: Language) -> String {
        let (e, l) = (earlier.label, later.label);
        let (eseq, lseq) = (earlier.rel_seq, later.rel_seq);
        let taken = earlier.segment.seg_len();
        let lack = later.rel_ack.unwrap_or_default();
        let eack = earlier.rel_ack.unwrap_or_default();
        match (self, lang) {
            (Link::AckNames { .. }, Language::En) => format!(
                "{l} answers {e}: its ack={lack} is {e}'s seq={eseq} plus the {taken} sequence number{} {e} takes, so {e} was sent first.",
                if taken == 1 { "" } else { "s" }
            ),
            (Link::AckNames { .. }, Language::Zh) => format!(
                "{l} 回应了 {e}：它的 ack={lack} 等于 {e} 的 seq={eseq} 加上 {e} 占用的 {taken} 个序号，所以 {e} 先发出。"
            ),
            (Link::SeqFollows { .. }, Language::En) => format!(
                "{l} starts where {e} ends: its seq={lseq} is {e}'s seq={eseq} plus the {taken} sequence number{} {e} takes.",
                if taken == 1 { "" } else { "s" }
            ),
            (Link::SeqFollows { .. }, Language::Zh) => format!(
                "{l} 从 {e} 结束的地方开始：它的 seq={lseq} 等于 {e} 的 seq={eseq} 加上 {e} 占用的 {taken} 个序号。"
            ),
            (Link::TakesANumber { .. }, Language::En) => format!(
                "{l} takes {} sequence number{} of its own: anything {} sent after it would carry seq={}, and {e} carries seq={eseq}, so {e} came first.",
                later.segment.seg_len(),
                if later.segment.seg_len() == 1 { "" } else { "s" },
                later.from,
                lseq.wrapping_add(later.segment.seg_len())
            ),
            (Link::TakesANumber { .. }, Language::Zh) => format!(
                "{l} 自己占用 {} 个序号：{} 在它之后发出的报文段的 seq 应为 {}，而 {e} 的 seq={eseq}，所以 {e} 在先。",
                later.segment.seg_len(),
                later.from,
                lseq.wrapping_add(later.segment.seg_len())
            ),
            (Link::AckGrows { .. }, Language::En) => format!(
                "{l} acknowledges more than {e} (ack={lack} against ack={eack}): a cumulative ACK never goes back."
            ),
            (Link::AckGrows { .. }, Language::Zh) => format!(
                "{l} 确认的比 {e} 多（ack={lack}，而 {e} 是 ack={eack}）：累积确认不会倒退。"
            ),
            (Link::Unlinked { .. }, Language::En) => {
                format!("The numbers of {e} and {l} do not say which was sent first.")
            }
            (Link::Unlinked { .. }, Language::Zh) => {
                format!("{e} 和 {l} 的序号和确认号看不出谁先发出。")
            }
        }
    }
}

/// "Order the segments": the segments of an `order` line, in the order they were sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ordering {
    /// The `order` line.
    pub line: usize,
    /// The segments, in the order sent (label order): the answer.
    pub segments: Vec<SegmentRecord>,
}

/// One place of a checked ordering.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Placement {
    /// The segment the learner put here.
    pub label: Label,
    /// It belongs here (or an identical segment does: a copy's place is either one's).
    pub in_place: bool,
    /// The segment that belongs here.
    pub belongs: Label,
    /// Why the segment that belongs here is where it is: its tie to the one before it, or,
    /// for the first place, to the one after it.
    pub link: Link,
}

impl Ordering {
    /// The labels in the right order.
    pub fn labels(&self) -> Vec<Label> {
        self.segments.iter().map(|r| r.label).collect()
    }

    /// The segments in an order drawn from `seed` (Fisher-Yates on SplitMix64, as `let`
    /// draws): the same seed gives the same order on every machine, and never the answer.
    pub fn shuffled(&self, seed: u64) -> Vec<Label> {
        let mut labels = self.labels();
        let mut draw = crate::variant::Draw(seed);
        for i in (1..labels.len()).rev() {
            // `below(i + 1)` is at most i, so the index is in range.
            let j = draw.below(i as u64 + 1) as usize;
            labels.swap(i, j);
        }
        if self.same_order(&labels) {
            // The draw gave the answer back (or an order that reads the same): a rotation
            // by one never does, since the first segment then comes last.
            labels = self.labels();
            labels.rotate_left(1);
        }
        labels
    }

    /// Whether `attempt` puts a segment identical to the right one in every place.
    fn same_order(&self, attempt: &[Label]) -> bool {
        self.check(attempt)
            .is_ok_and(|placed| placed.iter().all(|p| p.in_place))
    }

    /// The tie of place `i` to its neighbour: to the one before it, or for the first place
    /// to the one after it.
    pub fn link(&self, i: usize) -> Link {
        let (a, b) = if i == 0 { (0, 1) } else { (i - 1, i) };
        match (self.segments.get(a), self.segments.get(b)) {
            (Some(a), Some(b)) => Link::between(a, b),
            // An ordering has at least two segments (the parser sees to it); a lone one has
            // no neighbour to be tied to.
            _ => Link::Unlinked {
                earlier: Label(0),
                later: Label(0),
            },
        }
    }

    /// The explanation of place `i` in `lang`.
    pub fn why(&self, i: usize, lang: Language) -> String {
        let link = self.link(i);
        let (a, b) = if i == 0 { (0, 1) } else { (i - 1, i) };
        match (self.segments.get(a), self.segments.get(b)) {
            (Some(a), Some(b)) => link.text(a, b, lang),
            _ => String::new(),
        }
    }

    /// Judges the learner's order, place by place. `Err` when `attempt` is not the
    /// ordering's segments each exactly once (a page only ever sends a permutation; a
    /// hand-made one gets a message, not a panic).
    pub fn check(&self, attempt: &[Label]) -> Result<Vec<Placement>, String> {
        let mut sorted = attempt.to_vec();
        sorted.sort();
        if sorted != self.labels() {
            let want: Vec<String> = self.labels().iter().map(Label::to_string).collect();
            return Err(format!(
                "put each of {} in order exactly once",
                want.join(", ")
            ));
        }
        let same = |a: &SegmentRecord, b: &SegmentRecord| {
            a.from == b.from
                && a.segment.flags == b.segment.flags
                && a.segment.seq == b.segment.seq
                && a.segment.ack == b.segment.ack
                && a.segment.len == b.segment.len
        };
        Ok(attempt
            .iter()
            .enumerate()
            .map(|(i, &label)| {
                let belongs = &self.segments[i];
                let put = self.segments.iter().find(|r| r.label == label);
                Placement {
                    label,
                    in_place: put.is_some_and(|p| same(p, belongs)),
                    belongs: belongs.label,
                    link: self.link(i),
                }
            })
            .collect())
    }
}

/// The ladder exercises of a finished run: its blanks, in script order, and its ordering.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Ladder {
    /// The blanks of every `hide` line, in the order written.
    pub blanks: Vec<Blank>,
    /// The `order` line's segments, if there is one.
    pub ordering: Option<Ordering>,
}

impl Ladder {
    /// Runs `script` and reads its `hide` and `order` lines against the run. `Err` when the
    /// run stops early or a line names a segment it cannot use (see [`check_lines`]).
    pub fn build(script: &Script) -> Result<Ladder, ScriptError> {
        let mut sim = Sim::new();
        // Where each step's log starts, so that a segment's reason reads the rule of the
        // step that sent it and no older one.
        let mut starts = vec![0];
        for line in &script.lines {
            if line.command.is_step() {
                starts.push(sim.trace().len());
            }
            script::execute(&mut sim, &line.command).map_err(|e| ScriptError {
                line: line.line,
                column: 1,
                message: e.to_string(),
            })?;
        }
        if let Some(e) = check_lines(script, &sim).into_iter().next() {
            return Err(e);
        }
        let trace = sim.trace();
        let step_of = |label: Label| {
            let at = trace
                .iter()
                .position(|e| matches!(&e.event, crate::Event::Sent(r) if r.label == label))
                .unwrap_or_default();
            let start = starts
                .iter()
                .rev()
                .find(|&&s| s <= at)
                .copied()
                .unwrap_or(0);
            &trace[start..]
        };
        let mut ladder = Ladder::default();
        for line in &script.lines {
            match &line.command {
                Command::Hide { label, fields } => {
                    let question = Question::for_label(step_of(*label), *label, Numbers::Relative)
                        .ok_or_else(|| not_usable(line.line, *label, &sim))?;
                    ladder.blanks.extend(fields.iter().map(|&field| Blank {
                        line: line.line,
                        field,
                        question,
                    }));
                }
                Command::Order(labels) => {
                    let segments = labels
                        .iter()
                        .filter_map(|&l| sim.segment(l).copied())
                        .collect();
                    ladder.ordering = Some(Ordering {
                        line: line.line,
                        segments,
                    });
                }
                _ => {}
            }
        }
        Ok(ladder)
    }

    /// Whether the script has any ladder exercise.
    pub fn is_empty(&self) -> bool {
        self.blanks.is_empty() && self.ordering.is_none()
    }
}

fn not_usable(line: usize, label: Label, sim: &Sim) -> ScriptError {
    let message = match sim.segment(label) {
        None => format!("{label} is never sent in this run: hide or order a segment the run sends"),
        Some(r) if r.origin == Origin::Injected => format!(
            "{label} is injected by the script: hide the fields of a segment a peer sends, which a rule explains"
        ),
        Some(_) => format!("{label} cannot be asked about"),
    };
    ScriptError {
        line,
        column: 1,
        message,
    }
}

/// What `synack check` says about a script's `hide` and `order` lines once it has run: a
/// hidden segment must have been sent by a peer (not injected), an ordered one sent at all,
/// and each ordered segment tied by its numbers to the one before it, so that the learner
/// can reason the order out rather than guess it.
pub fn check_lines(script: &Script, sim: &Sim) -> Vec<ScriptError> {
    let mut failures = Vec::new();
    for line in &script.lines {
        match &line.command {
            Command::Hide { label, .. } => match sim.segment(*label) {
                Some(r) if r.origin != Origin::Injected => {}
                _ => failures.push(not_usable(line.line, *label, sim)),
            },
            Command::Order(labels) => {
                let mut sent = Vec::new();
                for &l in labels {
                    match sim.segment(l) {
                        Some(r) => sent.push(*r),
                        None => failures.push(not_usable(line.line, l, sim)),
                    }
                }
                if sent.len() != labels.len() {
                    continue;
                }
                for pair in sent.windows(2) {
                    if let Link::Unlinked { earlier, later } = Link::between(&pair[0], &pair[1]) {
                        failures.push(ScriptError {
                            line: line.line,
                            column: 1,
                            message: format!(
                                "the numbers of {earlier} ({}) and {later} ({}) do not say which was sent first: a learner could only guess their order",
                                describe(&pair[0]),
                                describe(&pair[1])
                            ),
                        });
                    }
                }
            }
            _ => {}
        }
    }
    failures
}

fn describe(r: &SegmentRecord) -> String {
    format!("{}->{} {}", r.from, r.to, r.summary())
}

#[cfg(test)]
mod tests {
    use super::*;

    const HANDSHAKE_AND_CLOSE: &str = "set delack off\nB listen\nA connect\ndeliver s1\ndeliver s2\ndeliver s3\nA close\ndeliver s4\nB close\ndeliver s5\ndeliver s6\n";

    fn ladder(extra: &str) -> Ladder {
        let script = script::parse(&format!("{HANDSHAKE_AND_CLOSE}{extra}")).unwrap();
        Ladder::build(&script).unwrap()
    }

    fn verdicts(blanks: &[Blank], answers: &[&str]) -> Vec<(String, Field, Verdict)> {
        blanks
            .iter()
            .zip(answers)
            .map(|(b, a)| {
                let c = b.check(a);
                (c.label.to_string(), c.field, c.verdict)
            })
            .collect()
    }

    #[test]
    fn a_hidden_field_is_judged_with_the_value_sent_and_its_reason() {
        // s2 is B's SYN,ACK: seq=0 ack=1; s4 is A's FIN: FIN,ACK seq=1 ack=1.
        let l = ladder("hide s2 seq ack\nhide s4 flags len\n");
        assert_eq!(l.blanks.len(), 4);
        let expected: Vec<String> = l.blanks.iter().map(Blank::expected).collect();
        assert_eq!(expected, ["0", "1", "ACK,FIN", "0"]);
        let reasons: Vec<Reason> = l.blanks.iter().map(Blank::reason).collect();
        assert_eq!(
            reasons,
            [
                Reason::SeqIss,
                Reason::AckRcvNxt,
                Reason::FlagsFin,
                Reason::LenControl
            ]
        );
        // Wrong first (the classic ack=0 for the SYN, no FIN flag), then right.
        assert_eq!(
            verdicts(&l.blanks, &["0", "0", "ACK", "0"]),
            [
                ("s2".into(), Field::Seq, Verdict::Right),
                ("s2".into(), Field::Ack, Verdict::Wrong),
                ("s4".into(), Field::Flags, Verdict::Wrong),
                ("s4".into(), Field::Len, Verdict::Right),
            ]
        );
        let right: Vec<bool> = l
            .blanks
            .iter()
            .zip(["0", "1", "fin,ack", "0"])
            .map(|(b, a)| b.check(a).right())
            .collect();
        assert_eq!(score(&right), (4, 4));
        // Absolute numbers name the same values: B's ISS is 300, A's 100.
        assert!(l.blanks[0].check("@300").right());
        assert!(l.blanks[1].check("@101").right());
        assert!(!l.blanks[1].check("@100").right());
    }

    #[test]
    fn text_that_is_no_value_of_the_field_gets_a_message_not_a_panic() {
        let l = ladder("hide s1 flags seq ack len\n");
        for (answer, field) in [("SYN,BANANA", 0), ("one", 1), ("@x", 2), ("-5", 3), ("", 0)] {
            let c = l.blanks[field].check(answer);
            assert!(
                matches!(c.verdict, Verdict::Unreadable(ref m) if !m.is_empty()),
                "{answer}: {c:?}"
            );
        }
        // The SYN has no ACK flag: its ack is `none`, also written empty; a number is wrong.
        assert_eq!(l.blanks[2].expected(), "none");
        assert_eq!(l.blanks[2].reason(), Reason::AckNone);
        assert!(l.blanks[2].check("none").right());
        assert!(l.blanks[2].check(" ").right());
        assert_eq!(l.blanks[2].check("0").verdict, Verdict::Wrong);
    }

    #[test]
    fn a_retransmission_is_explained_as_one() {
        let script = script::parse(
            "set delack off\nB listen\nA connect\ndeliver s1\ndeliver s2\ndeliver s3\nA send 10\ndrop s4\nwait 1s\nhide s4 seq\nhide s5 seq len\n",
        )
        .unwrap();
        let l = Ladder::build(&script).unwrap();
        assert_eq!(l.blanks[1].question.segment.origin, Origin::Retransmission);
        let got: Vec<(String, Reason)> = l
            .blanks
            .iter()
            .map(|b| (b.expected(), b.reason()))
            .collect();
        assert_eq!(
            got,
            [
                ("1".into(), Reason::SeqSndNxt),
                ("1".into(), Reason::SeqRetransmit),
                ("10".into(), Reason::LenRetransmit),
            ]
        );
    }

    fn order(attempt: &[u32], ordering: &Ordering) -> Vec<bool> {
        let labels: Vec<Label> = attempt.iter().map(|&n| Label(n)).collect();
        ordering
            .check(&labels)
            .unwrap()
            .iter()
            .map(|p| p.in_place)
            .collect()
    }

    #[test]
    fn a_handshake_put_in_order_is_judged_place_by_place_and_explained_by_its_numbers() {
        let l = ladder("order s1 s2 s3\n");
        let o = l.ordering.unwrap();
        assert_eq!(order(&[2, 1, 3], &o), [false, false, true]);
        assert_eq!(order(&[1, 2, 3], &o), [true, true, true]);
        assert_eq!(
            o.link(1),
            Link::AckNames {
                earlier: Label(1),
                later: Label(2)
            }
        );
        assert_eq!(
            o.why(2, Language::En),
            "s3 answers s2: its ack=1 is s2's seq=0 plus the 1 sequence number s2 takes, so s2 was sent first."
        );
        assert!(o.why(2, Language::Zh).contains("s3 回应了 s2"));
        // The first place is explained by its tie to the second.
        assert_eq!(o.link(0), o.link(1));
        assert!(o.check(&[Label(1), Label(2)]).is_err());
        assert!(o.check(&[Label(1), Label(1), Label(3)]).is_err());
    }

    #[test]
    fn a_close_is_ordered_by_the_fin_taking_a_number() {
        // s5 (B's ACK, seq=1) and s6 (B's FIN, seq=1) have the same seq: the FIN takes a
        // number, so anything after it would be seq=2.
        let l = ladder("order s4 s5 s6 s7\n");
        let o = l.ordering.unwrap();
        assert_eq!(
            o.link(2),
            Link::TakesANumber {
                earlier: Label(5),
                later: Label(6)
            }
        );
        assert!(o.why(2, Language::En).contains("would carry seq=2"));
        assert_eq!(order(&[4, 6, 5, 7], &o), [true, false, false, true]);
    }

    #[test]
    fn the_shuffle_is_fixed_by_the_seed_and_never_the_answer() {
        let o = ladder("order s1 s2 s3 s4 s5 s6 s7\n").ordering.unwrap();
        let mut seen = std::collections::BTreeSet::new();
        for seed in 0..200 {
            let s = o.shuffled(seed);
            assert_eq!(s, o.shuffled(seed));
            assert!(order(&s.iter().map(|l| l.0).collect::<Vec<_>>(), &o)
                .iter()
                .any(|ok| !ok));
            seen.insert(s);
        }
        assert!(seen.len() > 50, "{} orders", seen.len());
        // Two segments: the only other order.
        let two = ladder("order s1 s2\n").ordering.unwrap();
        assert_eq!(two.shuffled(3), [Label(2), Label(1)]);
    }

    #[test]
    fn check_refuses_segments_a_learner_cannot_use() {
        let run = |extra: &str| {
            let script = script::parse(&format!("{HANDSHAKE_AND_CLOSE}{extra}")).unwrap();
            script::run(&script).failures
        };
        assert!(run("hide s3 seq\norder s1 s2 s3\n").is_empty());
        let f = run("hide s9 seq\n");
        assert_eq!(f.len(), 1);
        assert!(f[0].message.contains("s9 is never sent"), "{f:?}");
        assert_eq!(f[0].line, 12);
        // Simultaneous close: the crossing FINs do not name each other.
        let crossing = "B listen\nA connect\ndeliver s1\ndeliver s2\ndeliver s3\nA close\nB close\norder s4 s5\n";
        let f = script::run(&script::parse(crossing).unwrap()).failures;
        assert!(
            f.iter()
                .any(|e| e.line == 8 && e.message.contains("do not say which was sent first")),
            "{f:?}"
        );
        let injected = "B listen\ninject A->B SYN seq=0\nhide s2 seq\nhide s1 seq\n";
        let f = script::run(&script::parse(injected).unwrap()).failures;
        assert_eq!(f.len(), 1, "{f:?}");
        assert!(f[0].message.contains("injected"), "{f:?}");
    }
}
