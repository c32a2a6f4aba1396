//! An exercise's score: how many of the answers' fields were right at the first try, out of
//! how many were asked. Every kind of exercise reports one [`Score`] at its end with
//! [`record`]; the page keeps the last and the best per exercise in `localStorage`, and the
//! exercise list shows the best.
//!
//! A field is one thing the student gives: a predicted state is one field, a predicted
//! segment four (flags, seq, ack, len), a hidden value on a ladder one. Only the first try
//! counts: a retry teaches, it does not score.

use std::fmt;

use crate::glue::storage;

/// Fields right at the first try, out of the fields asked.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Score {
    pub right: u32,
    pub total: u32,
}

impl Score {
    pub const fn new(right: u32, total: u32) -> Score {
        Score { right, total }
    }

    /// Whether this score is better than `other`: a larger share right, or, for the same
    /// share, more fields asked.
    pub fn beats(self, other: Score) -> bool {
        let (a, b) = (
            u64::from(self.right) * u64::from(other.total.max(1)),
            u64::from(other.right) * u64::from(self.total.max(1)),
        );
        a > b || (a == b && self.total > other.total)
    }

    /// Reads `right/total` back, refusing what a score cannot be (more right than asked,
    /// nothing asked), so a damaged store reads as no score.
    pub fn parse(text: &str) -> Option<Score> {
        let (r, t) = text.trim().split_once('/')?;
        let (right, total) = (r.parse().ok()?, t.parse().ok()?);
        (total > 0 && right <= total).then_some(Score { right, total })
    }
}

/// This score and another together (one question's fields added to an exercise's).
impl std::ops::Add for Score {
    type Output = Score;
    fn add(self, other: Score) -> Score {
        Score {
            right: self.right + other.right,
            total: self.total + other.total,
        }
    }
}

/// `right/total`: how the page stores it, and how the list shows it.
impl fmt::Display for Score {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.right, self.total)
    }
}

/// What the page remembers of an exercise: the last score and the best.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Record {
    pub last: Score,
    pub best: Score,
}

impl Record {
    /// The record after a new attempt scored `score`, from the one before (if any).
    pub fn after(before: Option<Record>, score: Score) -> Record {
        let best = match before {
            Some(r) if !score.beats(r.best) => r.best,
            _ => score,
        };
        Record { last: score, best }
    }

    /// `last=R/T best=R/T`, as stored.
    fn encode(&self) -> String {
        format!("last={} best={}", self.last, self.best)
    }

    fn decode(text: &str) -> Option<Record> {
        let mut last = None;
        let mut best = None;
        for part in text.split_whitespace() {
            match part.split_once('=')? {
                ("last", s) => last = Score::parse(s),
                ("best", s) => best = Score::parse(s),
                _ => {}
            }
        }
        Some(Record {
            last: last?,
            best: best?,
        })
    }
}

/// The `localStorage` key of an exercise's record.
pub fn key(id: &str) -> String {
    format!("synack.score.{id}")
}

/// Records an attempt at exercise `id` (its file stem) that scored `score`, and gives the
/// record now kept. A score with nothing asked is not kept. Storage may be refused (private
/// modes, a sandboxed iframe): the record is then returned but not remembered.
pub fn record(id: &str, score: Score) -> Option<Record> {
    if score.total == 0 {
        return None;
    }
    let now = Record::after(stored(id), score);
    storage::set(&key(id), &now.encode());
    Some(now)
}

/// The record kept for exercise `id`, if any.
pub fn stored(id: &str) -> Option<Record> {
    storage::get(&key(id)).as_deref().and_then(Record::decode)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_add_compare_and_read_back() {
        let s = Score::new(3, 4) + Score::new(1, 1);
        assert_eq!(s, Score::new(4, 5));
        assert_eq!(s.to_string(), "4/5");
        assert_eq!(Score::parse("4/5"), Some(s));
        for bad in ["5/4", "1/0", "x/2", "3", ""] {
            assert_eq!(Score::parse(bad), None, "{bad:?}");
        }
        assert!(Score::new(4, 5).beats(Score::new(3, 5)));
        assert!(
            Score::new(8, 10).beats(Score::new(4, 5)),
            "same share, more asked"
        );
        assert!(!Score::new(3, 5).beats(Score::new(4, 5)));
        assert!(!Score::new(4, 5).beats(Score::new(4, 5)));
    }

    #[test]
    fn a_record_keeps_the_last_and_the_best() {
        let first = Record::after(None, Score::new(2, 8));
        assert_eq!(
            (first.last, first.best),
            (Score::new(2, 8), Score::new(2, 8))
        );
        let better = Record::after(Some(first), Score::new(7, 8));
        assert_eq!(better.best, Score::new(7, 8));
        let worse = Record::after(Some(better), Score::new(1, 8));
        assert_eq!(
            (worse.last, worse.best),
            (Score::new(1, 8), Score::new(7, 8))
        );
        assert_eq!(Record::decode(&worse.encode()), Some(worse));
        assert_eq!(Record::decode("last=1/8"), None);
        assert_eq!(Record::decode("garbage"), None);
    }

    #[test]
    fn nothing_asked_is_not_recorded() {
        assert_eq!(record("01-handshake-numbers", Score::new(0, 0)), None);
        assert_eq!(
            record("01-handshake-numbers", Score::new(3, 4)).map(|r| r.last),
            Some(Score::new(3, 4))
        );
    }
}
