//! Guided lessons: a `.tcps` script with `title`, `say` and `ask` lines, played one step at a
//! time. The model is plain Rust: a [`Lesson`] is built by running the whole script once, so
//! every step knows where its events start and end in the trace, which transitions and
//! segments it caused, and, for a question, the state the engine actually reached.
//!
//! The list of lessons (ids and titles) is built in by `build.rs`; a lesson's text is fetched
//! from `lessons/<id>.tcps` when it is opened.

use synack_core::script::{Command, Language};
use synack_core::{Event, Label, Origin, Peer, Rule, State, TraceEvent};

use crate::i18n::Lang;
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
        let mut steps = Vec::new();
        let mut end_before = 0;
        for rec in session.commands().iter() {
            match &rec.command {
                Command::Title { lang, text } => match lang {
                    Language::En => title_en = Some(text.clone()),
                    Language::Zh => title_zh = Some(text.clone()),
                },
                Command::Say { lang, text } => narration.push(*lang, text),
                Command::Ask(peer) => ask = Some(*peer),
                c if c.is_step() => {
                    let (before, after) = (end_before, rec.trace_end);
                    let mut step = Step::of(c, &trace[before..after], (before, after));
                    step.line = rec.line + 1;
                    step.narration = std::mem::take(&mut narration);
                    step.ask = ask.take().map(|peer| {
                        Ask::about(peer, &trace[before..after], &timeline, (before, after))
                    });
                    steps.push(step);
                }
                _ => {}
            }
            end_before = rec.trace_end;
        }
        drop(trace);
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

/// A lesson being played.
#[derive(Clone, Debug)]
pub struct Player {
    pub id: String,
    pub lesson: Shared<Lesson>,
    pub page: Page,
    /// The learner's answer to each step's question, once given.
    pub answers: Vec<Option<State>>,
}

impl Player {
    pub fn new(id: String, lesson: Lesson) -> Player {
        let answers = vec![None; lesson.steps.len()];
        let mut player = Player {
            id,
            lesson: Shared::new(lesson),
            page: Page::End,
            answers,
        };
        player.page = player.arrive(0);
        player
    }

    /// The page for arriving at step k going forward: its question first, if unanswered.
    fn arrive(&self, k: usize) -> Page {
        match self.lesson.steps.get(k) {
            None => Page::End,
            Some(step) if step.ask.is_some() && self.answers[k].is_none() => Page::Question(k),
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

    /// Back one page. Going back over a question clears its answer, so it can be tried again.
    pub fn back(&mut self) {
        let n = self.lesson.steps.len();
        self.page = match self.page {
            Page::End => Page::Step(n - 1),
            Page::Step(k) if self.lesson.steps[k].ask.is_some() => {
                self.answers[k] = None;
                Page::Question(k)
            }
            Page::Step(k) | Page::Question(k) if k > 0 => Page::Step(k - 1),
            page => page,
        };
    }

    /// Answers the pending question and runs its step.
    pub fn answer(&mut self, state: State) {
        if let Page::Question(k) = self.page {
            self.answers[k] = Some(state);
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

    /// The answer given on this page and whether it was right.
    pub fn feedback(&self) -> Option<(State, &Ask)> {
        let Page::Step(k) = self.page else {
            return None;
        };
        Some((self.answers[k]?, self.lesson.steps[k].ask.as_ref()?))
    }

    pub fn asking(&self) -> bool {
        matches!(self.page, Page::Question(_))
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
        p.answer(State::Established);
        assert_eq!(p.page, Page::Step(2));
        let (chosen, ask) = p.feedback().unwrap();
        assert_ne!(chosen, ask.answer);
        // Back over the question clears the answer; forward asks again.
        p.back();
        assert_eq!((p.page, p.answers[2]), (Page::Question(2), None));
        p.answer(State::SynReceived);
        let (chosen, ask) = p.feedback().unwrap();
        assert_eq!(chosen, ask.answer);
        p.next();
        p.answer(State::Established);
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

    #[test]
    fn every_listed_lesson_opens() {
        assert_eq!(LESSONS.len(), 19, "the course has 19 lessons");
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
