//! An attempt at a ladder exercise ("fill the ladder", "order the segments"): what the learner
//! typed and arranged, the last check, and the score of the first check of each kind.
//!
//! The judging is `synack_core::ladder`'s; this keeps the learner's work between checks, so
//! that a retry changes only what the learner changes (nothing typed is lost on a check).

use std::rc::Rc;

use synack_core::ladder::{BlankCheck, Ladder, Placement};
use synack_core::script::{self, Command};
use synack_core::{Label, Language, SegmentRecord};

/// An exercise's texts, in both languages: its title, what it says before the run's end
/// (the task) and its closing words (the explanation, shown once everything is checked).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Texts {
    pub title: [String; 2],
    pub intro: [Vec<String>; 2],
    pub closing: [Vec<String>; 2],
}

impl Texts {
    pub fn title(&self, lang: Language) -> &str {
        &self.title[lang as usize]
    }
    pub fn intro(&self, lang: Language) -> &[String] {
        &self.intro[lang as usize]
    }
    pub fn closing(&self, lang: Language) -> &[String] {
        &self.closing[lang as usize]
    }
}

/// What one check of the blanks or of the order gave: (right, total).
pub type Tally = (usize, usize);

#[derive(Clone, Debug, PartialEq)]
pub struct Attempt {
    pub ladder: Rc<Ladder>,
    /// Every segment of the run, in the order sent: the ladder drawn.
    pub segments: Rc<[SegmentRecord]>,
    pub texts: Rc<Texts>,
    /// What the learner typed, one per blank.
    pub answers: Vec<String>,
    /// The blanks as last checked; a blank typed in since shows no verdict.
    pub checked: Vec<Option<BlankCheck>>,
    /// The score of the first check of the blanks, which alone counts (retries teach).
    pub first_fill: Option<Tally>,
    /// The order as the learner has it now.
    pub order: Vec<Label>,
    /// The order as last checked, if it has not been changed since.
    pub placed: Option<Vec<Placement>>,
    pub first_order: Option<Tally>,
    /// The learner asked for the order: the cards were put right for them.
    pub revealed: bool,
}

/// What the learner does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Msg {
    Type(usize, String),
    CheckBlanks,
    /// Moves the segment at this place one up (towards the first) or down.
    Move {
        from: usize,
        up: bool,
    },
    CheckOrder,
    /// Puts the cards in the order sent, for a learner who gives up (scores nothing more:
    /// an order revealed untried scores 0).
    RevealOrder,
}

impl Attempt {
    /// Opens an exercise from its text as written: the seed draws its `let` values and
    /// shuffles its ordering. A script that is not a ladder exercise, or that fails, is
    /// refused with a message.
    pub fn open(text: &str, seed: u64) -> Result<Attempt, String> {
        let at =
            |e: script::ScriptError| format!("line {}, column {}: {}", e.line, e.column, e.message);
        let source = synack_core::variant::instantiate(text, Some(seed))
            .map_err(at)?
            .source;
        let parsed = script::parse(&source).map_err(at)?;
        let ladder = Ladder::build(&parsed).map_err(at)?;
        if ladder.is_empty() {
            return Err("this script has no `hide` or `order` line".into());
        }
        let outcome = script::run(&parsed);
        if let Some(f) = outcome.failures.first().or(outcome.error.as_ref()) {
            return Err(at(f.clone()));
        }
        let order = ladder
            .ordering
            .as_ref()
            .map(|o| o.shuffled(seed))
            .unwrap_or_default();
        Ok(Attempt {
            answers: vec![String::new(); ladder.blanks.len()],
            checked: vec![None; ladder.blanks.len()],
            first_fill: None,
            order,
            placed: None,
            first_order: None,
            revealed: false,
            segments: outcome.sim.segments().into(),
            texts: Rc::new(texts(&parsed)),
            ladder: Rc::new(ladder),
        })
    }

    /// Applies one action. Returns the exercise's score, (right, total) over every blank and
    /// every place, at the moment each kind present has had its first check: only first
    /// checks count (retries teach; they do not score).
    pub fn update(&mut self, msg: Msg) -> Option<Tally> {
        let before = self.score();
        self.apply(msg);
        match (before, self.score()) {
            (None, Some(score)) => Some(score),
            _ => None,
        }
    }

    /// The score once every kind present has been checked once.
    pub fn score(&self) -> Option<Tally> {
        let fill = if self.ladder.blanks.is_empty() {
            Some((0, 0))
        } else {
            self.first_fill
        };
        let order = if self.ladder.ordering.is_none() {
            Some((0, 0))
        } else {
            self.first_order
        };
        let ((r1, t1), (r2, t2)) = (fill?, order?);
        Some((r1 + r2, t1 + t2))
    }

    fn apply(&mut self, msg: Msg) {
        match msg {
            Msg::Type(i, text) => {
                if let Some(a) = self.answers.get_mut(i) {
                    *a = text;
                    self.checked[i] = None;
                }
            }
            Msg::CheckBlanks => {
                self.checked = self
                    .ladder
                    .blanks
                    .iter()
                    .zip(&self.answers)
                    .map(|(b, a)| Some(b.check(a)))
                    .collect();
                let right = self.checked.iter().flatten().filter(|c| c.right()).count();
                let tally = (right, self.checked.len());
                self.first_fill.get_or_insert(tally);
            }
            Msg::Move { from, up } => {
                let to = if up {
                    from.checked_sub(1)
                } else {
                    Some(from + 1)
                };
                if let Some(to) = to.filter(|&t| t < self.order.len()) {
                    self.order.swap(from, to);
                    self.placed = None;
                }
            }
            Msg::CheckOrder => {
                // The page only ever holds a permutation of the ordering's segments.
                let Some(Ok(placed)) = self.ladder.ordering.as_ref().map(|o| o.check(&self.order))
                else {
                    return;
                };
                let tally = (placed.iter().filter(|p| p.in_place).count(), placed.len());
                self.placed = Some(placed);
                self.first_order.get_or_insert(tally);
            }
            Msg::RevealOrder => {
                let Some(ordering) = self.ladder.ordering.as_ref() else {
                    return;
                };
                self.order = ordering.labels();
                self.first_order.get_or_insert((0, self.order.len()));
                self.placed = ordering.check(&self.order).ok();
                self.revealed = true;
            }
        }
    }

    /// Whether the order's explanations may show: each place's tie to its neighbour and the
    /// labels give the answer away, so only once the order is right or was revealed.
    pub fn order_explained(&self) -> bool {
        self.placed
            .as_ref()
            .is_some_and(|p| p.iter().all(|p| p.in_place))
    }

    /// Every blank right and the order right, as last checked: the closing words may show.
    pub fn solved(&self) -> bool {
        self.checked
            .iter()
            .all(|c| c.as_ref().is_some_and(BlankCheck::right))
            && (self.ladder.ordering.is_none()
                || self
                    .placed
                    .as_ref()
                    .is_some_and(|p| p.iter().all(|p| p.in_place)))
    }

    /// The blanks of segment `label`, with their index, in the order the `hide` line names
    /// them.
    pub fn blanks_of(&self, label: Label) -> impl Iterator<Item = usize> + '_ {
        (0..self.ladder.blanks.len()).filter(move |&i| self.ladder.blanks[i].label() == label)
    }
}

/// Titles, and the narration split at the `hide`/`order` lines: before them the task, after
/// the last step the explanation. Narration of earlier steps is part of the task too.
fn texts(script: &script::Script) -> Texts {
    let mut t = Texts::default();
    let mut pending: [Vec<String>; 2] = Default::default();
    for line in &script.lines {
        match &line.command {
            Command::Title { lang, text } => t.title[*lang as usize] = text.clone(),
            Command::Say { lang, text } => pending[*lang as usize].push(text.clone()),
            c if c.is_step() => {
                for lang in Language::ALL {
                    t.intro[lang as usize].append(&mut pending[lang as usize]);
                }
            }
            _ => {}
        }
    }
    t.closing = pending;
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exercise(name: &str, seed: u64) -> Attempt {
        let path = format!("{}/../../exercises/{name}", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(path).unwrap();
        Attempt::open(&text, seed).unwrap()
    }

    #[test]
    fn a_filled_ladder_wrong_then_right_scores_the_first_check_only() {
        let mut a = exercise("10-fill-the-close.tcps", 0);
        // A's data (s4) is n bytes: its FIN at seq=n+1, acknowledged with n+2.
        let n = a.segments[3].segment.len;
        let (fin, after) = ((n + 1).to_string(), (n + 2).to_string());
        assert_eq!(a.ladder.blanks.len(), 7);
        assert!(a.texts.intro(Language::Zh).len() >= 3);
        assert!(a.texts.closing(Language::En)[0].contains(&format!("seq={fin}")));
        assert_eq!(a.update(Msg::Type(0, "10".into())), None);
        let first = a.update(Msg::CheckBlanks);
        // Only blanks here: the first check of the blanks is the exercise's score.
        assert_eq!(first, Some((0, 7)));
        assert!(!a.solved());
        assert!(a.checked.iter().all(Option::is_some));
        let expected: Vec<String> = a.ladder.blanks.iter().map(|b| b.expected()).collect();
        assert_eq!(
            expected,
            [&fin, &after, "ACK,FIN", "1", &after, &after, "2"]
        );
        for (i, v) in expected.iter().enumerate() {
            a.update(Msg::Type(i, v.clone()));
            assert!(a.checked[i].is_none(), "typing clears the verdict");
        }
        // What was typed is kept through a check; the retry does not score again.
        assert_eq!(a.update(Msg::CheckBlanks), None);
        assert_eq!(a.answers, expected);
        assert!(a.solved());
        assert_eq!(a.first_fill, Some((0, 7)));
    }

    #[test]
    fn an_ordering_wrong_then_right() {
        let mut a = exercise("11-order-the-handshake.tcps", 4);
        let answer = a.ladder.ordering.as_ref().unwrap().labels();
        assert_ne!(a.order, answer, "opens shuffled");
        // Only an ordering here: its first check is the score.
        let first = a.update(Msg::CheckOrder).unwrap();
        assert!(first.0 < first.1 && first.1 == 5, "{first:?}");
        // Put it right by moves alone, as the buttons do.
        for (i, want) in answer.iter().enumerate() {
            let mut at = a.order.iter().position(|l| l == want).unwrap();
            while at > i {
                a.update(Msg::Move { from: at, up: true });
                at -= 1;
            }
        }
        assert!(a.placed.is_none(), "a move clears the verdict");
        assert_eq!(a.order, answer);
        assert_eq!(a.update(Msg::CheckOrder), None);
        assert!(a.solved());
        // Moves past either end do nothing.
        a.update(Msg::Move { from: 0, up: true });
        a.update(Msg::Move { from: 4, up: false });
        assert_eq!(a.order, answer);
    }

    #[test]
    fn an_ordering_revealed_after_a_wrong_check_keeps_the_first_score() {
        let mut a = exercise("11-order-the-handshake.tcps", 4);
        let first = a.update(Msg::CheckOrder).unwrap();
        assert!(!a.order_explained(), "a wrong order is not explained");
        assert_eq!(a.update(Msg::RevealOrder), None, "the first check scored");
        assert_eq!(a.order, a.ladder.ordering.as_ref().unwrap().labels());
        assert!(a.revealed && a.order_explained() && a.solved());
        assert_eq!(a.score(), Some(first));
        // Revealed untried, it scores nothing.
        let mut b = exercise("11-order-the-handshake.tcps", 4);
        assert_eq!(b.update(Msg::RevealOrder), Some((0, 5)));
    }

    #[test]
    fn a_script_without_ladder_lines_or_that_fails_is_refused() {
        assert!(Attempt::open("B listen\nA connect\n", 0)
            .unwrap_err()
            .contains("no `hide`"));
        let e =
            Attempt::open("B listen\nA connect\nhide s1 seq\nexpect A LISTEN\n", 0).unwrap_err();
        assert!(e.contains("line 4"), "{e}");
        let e = Attempt::open("B listen\nhide s7 seq\n", 0).unwrap_err();
        assert!(e.contains("s7 is never sent"), "{e}");
    }
}
