//! Guided lessons: a `.tcps` script with `title`, `say` and `ask` lines, played one step at a
//! time. The model is plain Rust: a [`Lesson`] is built by running the whole script once, so
//! every step knows where its events start and end in the trace, which transitions and
//! segments it caused, and, for a question, the state the engine actually reached.
//!
//! The list of lessons (ids and titles) is built in by `build.rs`; a lesson's text is fetched
//! from `lessons/<id>.tcps` when it is opened.

use synack_core::predict::{self, Feedback, Guess};
use synack_core::script::{Command, Language, Numbers};
use synack_core::{Event, Label, Origin, Peer, Rule, State, TraceEvent};

use crate::i18n::Lang;
use crate::model::score::Score;
use crate::model::session::Session;
use crate::model::shared::Shared;
use crate::model::timeline::Timeline;

include!(concat!(env!("OUT_DIR"), "/lessons.rs"));

/// Where the page finds a lesson's text (Trunk copies `lessons/` into the build).
pub fn url(id: &str) -> String {
    format!("lessons/{id}.tcps")
}

/// A lesson's title from the built-in list, in `lang`.
pub fn list_title(entry: &(&'static str, &'static str, &'static str), lang: Lang) -> &'static str {
    match lang {
        Lang::En => entry.1,
        Lang::Zh => entry.2,
    }
}

/// Paragraphs of narration in both languages.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Narration {
    pub en: Vec<String>,
    pub zh: Vec<String>,
}

impl Narration {
    pub fn get(&self, lang: Lang) -> &[String] {
        match lang {
            Lang::En => &self.en,
            Lang::Zh => &self.zh,
        }
    }

    fn push(&mut self, lang: Language, text: &str) {
        match lang {
            Language::En => self.en.push(text.to_owned()),
            Language::Zh => self.zh.push(text.to_owned()),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.en.is_empty() && self.zh.is_empty()
    }
}

/// A predict-the-state question: which state will `peer` be in after the step?
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ask {
    pub peer: Peer,
    /// The peer's state before the step.
    pub before: State,
    /// The right answer, as the engine computed it.
    pub answer: State,
    /// The rule behind the answer: the peer's last transition in the step, or, when it did
    /// not move, the last decision it noted.
    pub rule: Option<Rule>,
}

/// A predict-the-segment question (`ask segment A`): the segment the peer sends in the step,
/// and both peers' ISNs, which the form shows so that relative and absolute numbers can be
/// worked out.
#[derive(Clone, Debug, PartialEq)]
pub struct Predict {
    pub question: predict::Question,
    /// A's and B's ISNs: the numbers relative ones count from.
    pub isn: [u32; 2],
}

impl Predict {
    /// Fields in a guess: flags, seq, ack and len.
    pub const FIELDS: u32 = predict::Field::ALL.len() as u32;
}

/// A learner's answer to a step's question.
#[derive(Clone, Debug, PartialEq)]
pub enum Answer {
    /// A state clicked on the diagram, for `ask A|B`.
    State(State),
    /// A segment typed in the form, for `ask segment`, and its check.
    Segment(Guess, Feedback),
}

impl Answer {
    /// Fields right in this answer, out of those asked (a state is one field).
    fn score(&self, ask: Option<&Ask>) -> Score {
        match self {
            Answer::State(st) => Score::new(u32::from(ask.is_some_and(|a| a.answer == *st)), 1),
            Answer::Segment(_, f) => Score::new(
                f.fields.iter().filter(|c| c.correct).count() as u32,
                f.fields.len() as u32,
            ),
        }
    }

    /// Whether every field is right.
    pub fn correct(&self, ask: Option<&Ask>) -> bool {
        let s = self.score(ask);
        s.right == s.total
    }
}

/// The tries at one step's question: they run the step once one is right, or once the
/// learner asks to see the answer.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Tries {
    pub answers: Vec<Answer>,
    pub revealed: bool,
}

impl Tries {
    /// The question is settled: answered right or revealed, so the step may run.
    pub fn settled(&self, ask: Option<&Ask>) -> bool {
        self.revealed || self.answers.last().is_some_and(|a| a.correct(ask))
    }
}

/// What a step did, read from its events. A step the script narrates with no `say` line is
/// told by its facts, so that a student never meets a bare `deliver s3` as the explanation.
#[derive(Clone, Debug, PartialEq)]
pub enum Fact {
    /// A segment entered the network: `summary` is the chart's label (flags, seq, ack, len).
    Sent {
        label: Label,
        from: Peer,
        to: Peer,
        origin: Origin,
        summary: String,
    },
    Delivered {
        label: Label,
        to: Peer,
    },
    Dropped {
        label: Label,
    },
    Held {
        label: Label,
    },
    /// A peer changed state, by `rule`.
    Moved {
        peer: Peer,
        from: State,
        to: State,
        rule: Rule,
    },
}

/// One step of a lesson: one action command of the script.
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    /// The script line, 1-based.
    pub line: usize,
    pub command: Command,
    pub narration: Narration,
    pub ask: Option<Ask>,
    /// *(exercises)* The segment `ask segment` asks for, before the step.
    pub predict: Option<Predict>,
    /// The trace cursor before and after the step.
    pub before: usize,
    pub after: usize,
    /// The transitions the step caused, in order: (from, to).
    pub edges: Vec<(State, State)>,
    /// The segments the step sent, delivered, dropped, duplicated or held.
    pub segments: Vec<Label>,
}

impl Step {
    /// The step of command `command`, whose events are `events` (log indexes `before..after`):
    /// the transitions it caused and the segments it touched. Its line, narration and question
    /// are the caller's to fill in.
    fn of(command: &Command, events: &[TraceEvent], (before, after): (usize, usize)) -> Step {
        let mut edges = Vec::new();
        let mut segments = Vec::new();
        for e in events {
            match &e.event {
                Event::StateChange { from, to, .. } => edges.push((*from, *to)),
                Event::Sent(r) => segments.push(r.label),
                Event::Delivered { label, .. }
                | Event::Dropped { label, .. }
                | Event::Held { label } => segments.push(*label),
                _ => {}
            }
        }
        segments.sort();
        segments.dedup();
        Step {
            line: 0,
            command: command.clone(),
            narration: Narration::default(),
            ask: None,
            predict: None,
            before,
            after,
            edges,
            segments,
        }
    }

    /// What the step did, in order, from the lesson's log `trace`: its narration when the
    /// script gives none. (Read when a page is drawn, by the lesson panel, so that the first
    /// paint does not carry it.)
    pub fn facts(&self, trace: &[TraceEvent]) -> Vec<Fact> {
        let events = trace.get(self.before..self.after).unwrap_or_default();
        events
            .iter()
            .filter_map(|e| {
                Some(match &e.event {
                    Event::StateChange {
                        peer,
                        from,
                        to,
                        rule,
                        ..
                    } => Fact::Moved {
                        peer: *peer,
                        from: *from,
                        to: *to,
                        rule: *rule,
                    },
                    Event::Sent(r) => Fact::Sent {
                        label: r.label,
                        from: r.from,
                        to: r.to,
                        origin: r.origin,
                        summary: r.summary(),
                    },
                    Event::Delivered { label, to, .. } => Fact::Delivered {
                        label: *label,
                        to: *to,
                    },
                    Event::Dropped { label, .. } => Fact::Dropped { label: *label },
                    Event::Held { label } => Fact::Held { label: *label },
                    _ => return None,
                })
            })
            .collect()
    }
}

impl Ask {
    /// The question about `peer` for a step whose events are `events` (log indexes
    /// `before..after`): the answer is what the engine did.
    fn about(
        peer: Peer,
        events: &[TraceEvent],
        timeline: &Timeline,
        (before, after): (usize, usize),
    ) -> Ask {
        let moved = events.iter().rev().find_map(|e| match e.event {
            Event::StateChange { peer: p, rule, .. } if p == peer => Some(rule),
            _ => None,
        });
        let noted = || {
            events.iter().rev().find_map(|e| match e.event {
                Event::Note { peer: p, rule, .. } if p == peer => Some(rule),
                _ => None,
            })
        };
        Ask {
            peer,
            before: timeline.state_at(peer, before),
            answer: timeline.state_at(peer, after),
            rule: moved.or_else(noted),
        }
    }
}

/// A lesson, run once.
#[derive(Clone, Debug)]
pub struct Lesson {
    pub title_en: String,
    pub title_zh: String,
    pub steps: Vec<Step>,
    pub closing: Narration,
    /// The lesson's own run.
    pub session: Session,
}

impl Lesson {
    /// Runs a lesson script. A script error, a failed `expect` or a script without steps is
    /// refused with a message.
    pub fn from_script(text: &str) -> Result<Lesson, String> {
        let session = Session::load(text)
            .map_err(|e| format!("line {}, column {}: {}", e.line, e.column, e.message))?;
        if let Some(f) = session.failures().first() {
            return Err(format!("line {}: {}", f.line, f.message));
        }
        let timeline = session.timeline().clone();
        let trace = session.trace();
        let fallback = text
            .lines()
            .next()
            .and_then(|l| l.strip_prefix('#'))
            .map(str::trim)
            .unwrap_or("")
            .to_owned();
        let (mut title_en, mut title_zh) = (None, None);
        let mut narration = Narration::default();
        let mut ask = None;
        let mut ask_segment: Option<(Peer, Numbers)> = None;
        let mut steps = Vec::new();
        let mut end_before = 0;
        for (n, rec) in session.commands().iter().enumerate() {
            match &rec.command {
                Command::Title { lang, text } => match lang {
                    Language::En => title_en = Some(text.clone()),
                    Language::Zh => title_zh = Some(text.clone()),
                },
                Command::Say { lang, text } => narration.push(*lang, text),
                Command::Ask(peer) => ask = Some(*peer),
                Command::AskSegment { peer, numbers } => ask_segment = Some((*peer, *numbers)),
                c if c.is_step() => {
                    let (before, after) = (end_before, rec.trace_end);
                    let mut step = Step::of(c, &trace[before..after], (before, after));
                    step.line = rec.line + 1;
                    step.narration = std::mem::take(&mut narration);
                    step.ask = ask.take().map(|peer| {
                        Ask::about(peer, &trace[before..after], &timeline, (before, after))
                    });
                    if let Some((peer, numbers)) = ask_segment.take() {
                        // `run` has checked that the peer sends a segment in this step.
                        let question =
                            predict::Question::from_step(&trace[before..after], peer, numbers)
                                .ok_or_else(|| {
                                    format!(
                                "line {}: `ask segment {peer}`: {peer} sends nothing in the step",
                                step.line
                            )
                                })?;
                        let peers = session.after(n + 1).peers;
                        step.predict = Some(Predict {
                            question,
                            isn: [peers[0].isn_base.0, peers[1].isn_base.0],
                        });
                    }
                    steps.push(step);
                }
                _ => {}
            }
            end_before = rec.trace_end;
        }
        drop(trace);
        // A peer's ISN is known once it sends its SYN: a question asked before that (A's SYN,
        // with B still listening) shows the one the peer will choose, from the end of the run.
        let last = session.after(session.commands().len()).peers;
        for p in steps.iter_mut().filter_map(|s| s.predict.as_mut()) {
            for (i, isn) in p.isn.iter_mut().enumerate() {
                if *isn == 0 {
                    *isn = last[i].isn_base.0;
                }
            }
        }
        if steps.is_empty() {
            return Err("the lesson has no step".into());
        }
        let title_en = title_en.unwrap_or_else(|| fallback.clone());
        Ok(Lesson {
            title_zh: title_zh.unwrap_or_else(|| title_en.clone()),
            title_en,
            steps,
            closing: narration,
            session,
        })
    }

    pub fn title(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => &self.title_en,
            Lang::Zh => &self.title_zh,
        }
    }
}

/// Where the learner is in a lesson.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Page {
    /// Before step k, waiting for the answer to its question.
    Question(usize),
    /// Step k has run: its narration, its transitions and segments highlighted.
    Step(usize),
    /// After the last step: the closing narration.
    End,
}

/// A lesson (or an exercise) being played.
#[derive(Clone, Debug)]
pub struct Player {
    pub id: String,
    pub lesson: Shared<Lesson>,
    pub page: Page,
    /// Each step's tries at its question, in order. Going back over a question clears them so
    /// that it can be tried again.
    pub tries: Vec<Tries>,
    /// Each question's first answer as a score, kept when its tries are cleared: the score is
    /// of first tries only.
    pub first: Vec<Option<Score>>,
    /// *(exercises)* The seed that drew the exercise's numbers; `None` for a lesson.
    pub seed: Option<u64>,
    /// *(exercises)* The score kept when the attempt reached its end.
    pub record: Option<crate::model::score::Record>,
}

impl Player {
    pub fn new(id: String, lesson: Lesson) -> Player {
        let n = lesson.steps.len();
        let mut player = Player {
            id,
            lesson: Shared::new(lesson),
            page: Page::End,
            tries: vec![Tries::default(); n],
            first: vec![None; n],
            seed: None,
            record: None,
        };
        player.page = player.arrive(0);
        player
    }

    /// An exercise: a lesson whose numbers `seed` drew.
    pub fn exercise(id: String, lesson: Lesson, seed: u64) -> Player {
        Player {
            seed: Some(seed),
            ..Player::new(id, lesson)
        }
    }

    /// Whether step k asks something before it runs.
    fn asks(&self, k: usize) -> bool {
        self.lesson
            .steps
            .get(k)
            .is_some_and(|s| s.ask.is_some() || s.predict.is_some())
    }

    fn settled(&self, k: usize) -> bool {
        let ask = self.lesson.steps.get(k).and_then(|s| s.ask.as_ref());
        self.tries.get(k).is_some_and(|t| t.settled(ask))
    }

    /// The page for arriving at step k going forward: its question first, if unsettled.
    fn arrive(&self, k: usize) -> Page {
        match self.lesson.steps.get(k) {
            None => Page::End,
            Some(_) if self.asks(k) && !self.settled(k) => Page::Question(k),
            Some(_) => Page::Step(k),
        }
    }

    /// Forward: the next step (or its question), then the end.
    pub fn next(&mut self) {
        self.page = match self.page {
            Page::Question(k) => Page::Question(k),
            Page::Step(k) => self.arrive(k + 1),
            Page::End => Page::End,
        };
    }

    /// Back one page. Going back over a question clears its tries, so it can be tried again.
    pub fn back(&mut self) {
        let n = self.lesson.steps.len();
        self.page = match self.page {
            Page::End => Page::Step(n - 1),
            Page::Step(k) if self.asks(k) => {
                self.tries[k] = Tries::default();
                Page::Question(k)
            }
            Page::Step(k) | Page::Question(k) if k > 0 => Page::Step(k - 1),
            page => page,
        };
    }

    /// Records an answer to the pending question; the step runs once the answer is right.
    fn try_answer(&mut self, answer: Answer) {
        let Page::Question(k) = self.page else {
            return;
        };
        let ask = self.lesson.steps[k].ask.as_ref();
        self.first[k].get_or_insert(answer.score(ask));
        self.tries[k].answers.push(answer);
        if self.settled(k) {
            self.page = Page::Step(k);
        }
    }

    /// Answers the pending state question: a right answer runs its step, a wrong one stays
    /// on the question to try again (or reveal).
    pub fn answer(&mut self, state: State) {
        let asks_state =
            matches!(self.page, Page::Question(k) if self.lesson.steps[k].ask.is_some());
        if asks_state {
            self.try_answer(Answer::State(state));
        }
    }

    /// Answers the pending segment question with a guess and its check (made by the form,
    /// with `predict::Question::check`, where the exercises' code lives).
    pub fn guess(&mut self, answer: Answer) {
        let asks_segment =
            matches!(self.page, Page::Question(k) if self.lesson.steps[k].predict.is_some());
        if asks_segment && matches!(answer, Answer::Segment(..)) {
            self.try_answer(answer);
        }
    }

    /// Shows the pending question's answer and runs its step. Unanswered, it scores nothing.
    pub fn reveal(&mut self) {
        if let Page::Question(k) = self.page {
            let total = if self.lesson.steps[k].predict.is_some() {
                Predict::FIELDS
            } else {
                1
            };
            self.first[k].get_or_insert(Score::new(0, total));
            self.tries[k].revealed = true;
            self.page = Page::Step(k);
        }
    }

    /// The trace cursor that shows this page.
    pub fn cursor(&self) -> usize {
        match self.page {
            Page::Question(k) => self.lesson.steps[k].before,
            Page::Step(k) => self.lesson.steps[k].after,
            Page::End => self.lesson.session.len(),
        }
    }

    /// The step whose effects are shown, if any.
    pub fn current_step(&self) -> Option<&Step> {
        match self.page {
            Page::Step(k) => self.lesson.steps.get(k),
            _ => None,
        }
    }

    /// 1-based number of the step on screen (the last one at the end).
    pub fn step_number(&self) -> usize {
        match self.page {
            Page::Question(k) | Page::Step(k) => k + 1,
            Page::End => self.lesson.steps.len(),
        }
    }

    /// The tries at the question of this page's step (on its question or after it ran).
    pub fn tries(&self) -> Option<&Tries> {
        match self.page {
            Page::Question(k) | Page::Step(k) => self.tries.get(k),
            Page::End => None,
        }
    }

    /// The state answer given on this step page and whether it was right: after the step
    /// has run, the last state answer (none when the answer was revealed untried).
    pub fn feedback(&self) -> Option<(State, &Ask)> {
        let Page::Step(k) = self.page else {
            return None;
        };
        let chosen = self.tries[k].answers.iter().rev().find_map(|a| match a {
            Answer::State(s) => Some(*s),
            Answer::Segment(..) => None,
        })?;
        Some((chosen, self.lesson.steps[k].ask.as_ref()?))
    }

    pub fn asking(&self) -> bool {
        matches!(self.page, Page::Question(_))
    }

    /// Whether the pending question asks for a state (answered on the diagram).
    pub fn asking_state(&self) -> bool {
        matches!(self.page, Page::Question(k) if self.lesson.steps[k].ask.is_some())
    }

    /// The score of first tries so far: fields right out of fields asked in the questions
    /// answered or revealed.
    pub fn score(&self) -> Score {
        self.first
            .iter()
            .flatten()
            .fold(Score::default(), |a, &b| a + b)
    }

    /// Settles the questions of the steps before step k (0-based) without scoring them: a
    /// link that opens at step k+1 starts there as if they had been answered.
    pub fn settle_before(&mut self, k: usize) {
        for t in self.tries.iter_mut().take(k) {
            t.revealed = true;
        }
    }

    /// How many questions were answered or revealed, and so scored: a link that opens past
    /// some ([`Player::settle_before`]) skips them unscored.
    pub fn scored(&self) -> usize {
        self.first.iter().flatten().count()
    }

    /// How many questions the lesson asks.
    pub fn questions(&self) -> usize {
        (0..self.lesson.steps.len())
            .filter(|&k| self.asks(k))
            .count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMALL: &str = "# Lesson: a tiny handshake\ntitle en Tiny\ntitle zh 小\nsay en B listens.\nsay zh B 监听。\nB listen\nA connect\nask B\nsay en SYN arrives.\nsay zh SYN 到达。\ndeliver s1\nset rto 2s\nask A\ndeliver s2\nexpect A ESTABLISHED\nsay en Done.\nsay zh 完。\n";

    fn read(id: &str) -> String {
        std::fs::read_to_string(format!("{}/../../{}", env!("CARGO_MANIFEST_DIR"), url(id)))
            .unwrap()
    }

    #[test]
    fn a_lesson_knows_its_steps_narration_and_answers() {
        let l = Lesson::from_script(SMALL).unwrap();
        assert_eq!((l.title(Lang::En), l.title(Lang::Zh)), ("Tiny", "小"));
        assert_eq!(l.steps.len(), 4);
        let s = &l.steps[0];
        assert_eq!(
            (s.line, s.narration.en.as_slice()),
            (6, &["B listens.".to_string()][..])
        );
        assert_eq!(s.edges, vec![(State::Closed, State::Listen)]);
        assert!(l.steps[1].narration.is_empty());
        assert_eq!(l.steps[1].segments, vec![Label(1)]);
        let ask = l.steps[2].ask.as_ref().unwrap();
        assert_eq!(
            (ask.peer, ask.before, ask.answer),
            (Peer::B, State::Listen, State::SynReceived)
        );
        assert_eq!(ask.rule.map(|r| r.section()), Some("3.10.7.2"));
        assert_eq!(l.steps[2].edges, vec![(State::Listen, State::SynReceived)]);
        assert_eq!(l.steps[2].segments, vec![Label(1), Label(2)]);
        // The `set` between steps 3 and 4 belongs to neither: step 4 starts after it.
        assert!(l.steps[3].before > l.steps[2].after);
        assert_eq!(l.steps[3].ask.as_ref().unwrap().answer, State::Established);
        assert_eq!(l.closing.zh, vec!["完。".to_string()]);
    }

    /// A step without narration is told by what it did: the delivery, the answer sent and
    /// the transition with its rule, in the order they happened.
    #[test]
    fn a_step_knows_its_facts() {
        let l = Lesson::from_script(SMALL).unwrap();
        let facts = &l.steps[2].facts(&l.session.trace());
        assert_eq!(
            facts[0],
            Fact::Delivered {
                label: Label(1),
                to: Peer::B
            }
        );
        assert!(matches!(
            facts[1],
            Fact::Moved {
                peer: Peer::B,
                from: State::Listen,
                to: State::SynReceived,
                ..
            }
        ));
        assert!(
            matches!(&facts[2], Fact::Sent { label: Label(2), from: Peer::B, summary, .. } if summary.starts_with("SYN,ACK")),
            "{facts:?}"
        );
        assert_eq!(facts.len(), 3, "{facts:?}");
    }

    #[test]
    fn broken_lessons_are_refused_with_a_message() {
        assert!(Lesson::from_script("say en x\nB listen\n")
            .unwrap_err()
            .contains("line 1"));
        assert!(Lesson::from_script("B listen\nexpect B CLOSED\n")
            .unwrap_err()
            .contains("expected B in CLOSED"));
        assert!(Lesson::from_script("set rto 2s\n")
            .unwrap_err()
            .contains("no step"));
    }

    #[test]
    fn the_player_asks_before_the_step_and_goes_back() {
        let mut p = Player::new("t".into(), Lesson::from_script(SMALL).unwrap());
        assert_eq!(p.page, Page::Step(0));
        p.next();
        assert_eq!(p.page, Page::Step(1));
        p.next();
        assert_eq!(p.page, Page::Question(2));
        assert_eq!(p.cursor(), p.lesson.steps[1].after);
        p.next(); // Next does not skip a question.
        assert_eq!(p.page, Page::Question(2));
        // A wrong answer stays on the question: the step does not run yet.
        p.answer(State::Established);
        assert_eq!(p.page, Page::Question(2));
        assert_eq!(p.cursor(), p.lesson.steps[1].after);
        assert_eq!(
            p.tries().unwrap().answers,
            vec![Answer::State(State::Established)]
        );
        assert!(p.feedback().is_none(), "no step has run");
        // Right at the second try: the step runs, the feedback names the answer.
        p.answer(State::SynReceived);
        assert_eq!(p.page, Page::Step(2));
        let (chosen, ask) = p.feedback().unwrap();
        assert_eq!(chosen, ask.answer);
        // Back over the question clears its tries; forward asks again. Only the first try
        // ever scores.
        p.back();
        assert_eq!(p.page, Page::Question(2));
        assert!(p.tries().unwrap().answers.is_empty());
        p.answer(State::SynReceived);
        assert_eq!(p.page, Page::Step(2));
        assert_eq!(p.score(), Score::new(0, 1));
        p.next();
        // Reveal: the step runs with its answer shown, the question scores nothing.
        assert_eq!(p.page, Page::Question(3));
        p.reveal();
        assert_eq!(p.page, Page::Step(3));
        assert!(p.tries().unwrap().revealed);
        assert_eq!(p.score(), Score::new(0, 2));
        assert_eq!((p.scored(), p.questions()), (2, 2));
        p.next();
        assert_eq!(p.page, Page::End);
        assert_eq!(p.cursor(), p.lesson.session.len());
        p.back();
        assert_eq!(p.page, Page::Step(3));
        for _ in 0..10 {
            p.back();
        }
        assert_eq!(p.page, Page::Step(0));
    }

    /// A link that opens at a later step settles the questions before it unscored: the end
    /// knows they were skipped, not failed.
    #[test]
    fn questions_a_link_skips_are_not_scored() {
        let mut p = Player::new("t".into(), Lesson::from_script(SMALL).unwrap());
        p.settle_before(4);
        p.page = Page::End;
        assert_eq!((p.scored(), p.questions()), (0, 2));
        assert_eq!(p.score(), Score::new(0, 0));
        let mut p = Player::new("t".into(), Lesson::from_script(SMALL).unwrap());
        p.settle_before(3);
        p.page = Page::Question(3);
        p.reveal();
        assert_eq!((p.scored(), p.questions()), (1, 2));
    }

    fn exercise(id: &str, seed: u64) -> Lesson {
        let text = std::fs::read_to_string(format!(
            "{}/../../{}",
            env!("CARGO_MANIFEST_DIR"),
            crate::model::exercise::url(id)
        ))
        .unwrap();
        let instance = synack_core::variant::instantiate(&text, Some(seed)).unwrap();
        Lesson::from_script(&instance.source).unwrap_or_else(|e| panic!("{id}: {e}"))
    }

    /// Exercise 1 asks for A's SYN in absolute numbers: a guess one off in seq is wrong in
    /// that field only and stays on the question; the right guess runs the step; the score is
    /// the first try's fields.
    #[test]
    fn a_predicted_segment_is_checked_per_field_and_retried() {
        let l = exercise("01-handshake-numbers", 42);
        let mut p = Player::exercise("01-handshake-numbers".into(), l, 42);
        assert_eq!(p.page, Page::Step(0));
        p.next();
        assert_eq!(p.page, Page::Question(1));
        assert!(
            p.asking() && !p.asking_state(),
            "the form answers, not the diagram"
        );
        let predict = p.lesson.steps[1].predict.clone().unwrap();
        let isn_a = predict.isn[0];
        assert_eq!(
            predict.question.segment.segment.seq.0, isn_a,
            "a SYN carries the ISS"
        );
        // A click on the diagram is no answer to a segment question.
        p.answer(State::SynSent);
        assert!(p.tries().unwrap().answers.is_empty());
        let guess = |text: String| {
            let g = Guess::parse(&text).unwrap();
            Answer::Segment(g, predict.question.check(&g))
        };
        p.guess(guess(format!("SYN seq=@{}", isn_a.wrapping_add(1))));
        assert_eq!(p.page, Page::Question(1));
        let Some(Answer::Segment(_, f)) = p.tries().unwrap().answers.last() else {
            panic!("a segment answer")
        };
        let right: Vec<bool> = f.fields.iter().map(|c| c.correct).collect();
        assert_eq!(right, [true, false, true, true]);
        p.guess(guess(format!("SYN seq=@{isn_a}")));
        assert_eq!(p.page, Page::Step(1));
        assert_eq!(p.score(), Score::new(3, 4));
    }

    /// The same seed draws the same numbers, another seed others: the ISNs a student sees
    /// come from the seed alone.
    #[test]
    fn a_seed_reproduces_an_exercises_numbers() {
        let isns = |seed| {
            exercise("01-handshake-numbers", seed).steps[1]
                .predict
                .clone()
                .unwrap()
                .isn
        };
        assert_eq!(isns(7), isns(7));
        assert_ne!(isns(7), isns(8));
    }

    /// Every exercise opens in the page's player with a few seeds, and each `ask segment`
    /// question judges its own answer right.
    #[test]
    fn every_exercise_opens_and_its_answers_are_right() {
        for (id, _, _) in crate::model::exercise::EXERCISES {
            let text = std::fs::read_to_string(format!(
                "{}/../../{}",
                env!("CARGO_MANIFEST_DIR"),
                crate::model::exercise::url(id)
            ))
            .unwrap();
            // Ladder exercises (`hide`, `order`) are the ladder view's, not the player's.
            if crate::hooks::ladder_link::is_ladder(&text) {
                continue;
            }
            for seed in [0, 1, 99] {
                let l = exercise(id, seed);
                let mut asked = 0;
                for step in &l.steps {
                    if let Some(pr) = &step.predict {
                        let q = &pr.question;
                        let (seg, rec) = (&q.segment.segment, &q.segment);
                        let ack = rec.rel_ack.map(|a| match q.numbers {
                            Numbers::Relative => format!(" ack={a}"),
                            Numbers::Absolute => format!(" ack=@{}", seg.ack.0),
                        });
                        let seq = match q.numbers {
                            Numbers::Relative => rec.rel_seq.to_string(),
                            Numbers::Absolute => format!("@{}", seg.seq.0),
                        };
                        let flags = seg.flags.without(synack_core::Flags::PSH);
                        let text = format!(
                            "{flags} seq={seq}{} len={}",
                            ack.unwrap_or_default(),
                            seg.len
                        );
                        let guess =
                            Guess::parse(&text).unwrap_or_else(|e| panic!("{id}: {text}: {e}"));
                        assert!(q.check(&guess).correct(), "{id} seed {seed}: {text}");
                        asked += 1;
                    }
                }
                assert!(
                    asked + l.steps.iter().filter(|s| s.ask.is_some()).count() > 0,
                    "{id}: no question"
                );
            }
        }
    }

    #[test]
    fn every_listed_lesson_opens() {
        assert_eq!(LESSONS.len(), 21, "the course has 21 lessons");
        for entry @ (id, _, _) in LESSONS {
            let l = Lesson::from_script(&read(id)).unwrap_or_else(|e| panic!("{id}: {e}"));
            assert_eq!(l.title(Lang::En), list_title(entry, Lang::En), "{id}");
            assert_eq!(l.title(Lang::Zh), list_title(entry, Lang::Zh), "{id}");
            assert!(l.steps.iter().any(|s| s.ask.is_some()), "{id}: no question");
        }
    }

    /// No step shows its raw command alone: each is narrated in both languages or, where the
    /// script says nothing, told by its facts (and has some: a step that changes nothing
    /// would need words).
    #[test]
    fn every_step_of_every_lesson_has_narration_in_both_languages() {
        for (id, _, _) in LESSONS {
            let l = Lesson::from_script(&read(id)).unwrap();
            let trace = l.session.trace();
            for (k, step) in l.steps.iter().enumerate() {
                for lang in Lang::ALL {
                    assert!(
                        !step.narration.get(lang).is_empty() || !step.facts(&trace).is_empty(),
                        "{id}, step {} (line {}, `{}`) has nothing to say in {lang:?}",
                        k + 1,
                        step.line,
                        step.command
                    );
                }
            }
        }
    }

    /// Every edge of the state diagram (`diagram_layout::EDGES`, the list the diagram draws)
    /// is taken by at least one lesson. Prints the edges no lesson takes yet.
    #[test]
    fn the_lessons_cover_every_edge_of_the_diagram() {
        let mut taken = std::collections::BTreeSet::new();
        for (id, _, _) in LESSONS {
            let outcome = synack_core::script::run_source(&read(id)).unwrap();
            for e in outcome.sim.trace() {
                if let Event::StateChange { from, to, .. } = e.event {
                    taken.insert((from, to));
                }
            }
        }
        let missing: Vec<String> = crate::model::diagram_layout::EDGES
            .iter()
            .filter(|e| !taken.contains(&(e.from, e.to)))
            .map(|e| format!("{} -> {} ({} / {})", e.from, e.to, e.event, e.action))
            .collect();
        assert!(
            missing.is_empty(),
            "{} of {} diagram edges are taken by no lesson ({} lessons):\n  {}",
            missing.len(),
            crate::model::diagram_layout::EDGES.len(),
            LESSONS.len(),
            missing.join("\n  ")
        );
    }
}
