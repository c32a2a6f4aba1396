//! Exercises: lessons that ask for numbers (`exercises/NN-name.tcps`). An exercise's `let`
//! lines draw fresh numbers from a seed, so each attempt has its own numbers and a link with
//! the seed reproduces them exactly. Once its numbers are drawn, an exercise is played like a
//! lesson (see [`crate::model::lesson`]); this module holds the list, the seeds and the ids.
//!
//! The list (ids and titles) is built in by `build.rs` from every file in `exercises/`; an
//! exercise's text is fetched from `exercises/<id>.tcps` when it is opened.

use crate::i18n::Lang;

include!(concat!(env!("OUT_DIR"), "/exercises.rs"));

/// Where the page finds an exercise's text (Trunk copies `exercises/` into the build).
pub fn url(id: &str) -> String {
    format!("exercises/{id}.tcps")
}

/// An exercise's title from the built-in list, in `lang`.
pub fn list_title(entry: &(&'static str, &'static str, &'static str), lang: Lang) -> &'static str {
    match lang {
        Lang::En => entry.1,
        Lang::Zh => entry.2,
    }
}

/// The exercise a link names: its full id (`01-handshake-numbers`) or its number (`01`, the
/// part before the first `-`), which keeps set links short.
pub fn find(name: &str) -> Option<&'static str> {
    EXERCISES
        .iter()
        .map(|e| e.0)
        .find(|id| *id == name || id.split('-').next() == Some(name))
}

/// The short name a link uses for an exercise: its number, when that names it alone.
pub fn short(id: &str) -> &str {
    let number = id.split('-').next().unwrap_or(id);
    match find(number) {
        Some(found) if found == id => number,
        _ => id,
    }
}

/// The largest seed a link may carry: the engine takes any `u64`, but a seed is read and
/// typed by people (a teacher reproducing a student's numbers), so it stays a decimal number
/// of at most 18 digits.
pub const MAX_SEED: u64 = 999_999_999_999_999_999;

/// Reads a seed as a link writes it: a decimal number from 0 to [`MAX_SEED`]. The error is
/// the catalog key of the message (`share.err_seed`, whose `{value}` is the text).
pub fn parse_seed(text: &str) -> Result<u64, &'static str> {
    let t = text.trim();
    if t.is_empty() || !t.bytes().all(|b| b.is_ascii_digit()) {
        return Err("share.err_seed");
    }
    match t.parse::<u64>() {
        Ok(n) if n <= MAX_SEED => Ok(n),
        _ => Err("share.err_seed"),
    }
}

/// A new seed for an attempt, from `random` in [0, 1) (the page's `Math.random`: randomness
/// belongs at the page's edge, the engine only ever sees the seed). Six digits are plenty to
/// give every student of a class different numbers, and short enough to read out.
pub fn fresh_seed(random: f64) -> u64 {
    (random.clamp(0.0, 1.0) * 1_000_000.0) as u64 % 1_000_000
}

/// One exercise of a set: its id and, when the teacher fixed them, its numbers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SetItem {
    pub id: &'static str,
    pub seed: Option<u64>,
}

/// Reads an exercise set as a link writes it: `01,03:42,05` (numbers or full ids, each
/// optionally with `:seed`). The items it can read are kept; each part it cannot read is
/// returned as (catalog key, value), so a damaged link still opens what it can.
pub fn parse_set(text: &str) -> (Vec<SetItem>, Vec<(&'static str, String)>) {
    let mut items: Vec<SetItem> = Vec::new();
    let mut errors = Vec::new();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (name, seed) = match part.split_once(':') {
            Some((n, s)) => (n, Some(s)),
            None => (part, None),
        };
        let Some(id) = find(name) else {
            errors.push(("share.err_exercise", name.to_string()));
            continue;
        };
        let seed = match seed.map(parse_seed) {
            None => None,
            Some(Ok(s)) => Some(s),
            Some(Err(key)) => {
                errors.push((key, part.to_string()));
                None
            }
        };
        if !items.iter().any(|i| i.id == id) {
            items.push(SetItem { id, seed });
        }
    }
    if items.is_empty() && errors.is_empty() {
        errors.push(("share.err_set", text.to_string()));
    }
    (items, errors)
}

/// Writes a set for a link: the inverse of [`parse_set`].
pub fn write_set(items: &[SetItem]) -> String {
    items
        .iter()
        .map(|i| match i.seed {
            Some(s) => format!("{}:{s}", short(i.id)),
            None => short(i.id).to_string(),
        })
        .collect::<Vec<_>>()
        .join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_exercise_file_is_listed_with_titles_in_both_languages() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../exercises");
        let mut files: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .filter_map(|e| {
                e.ok()?
                    .file_name()
                    .into_string()
                    .ok()?
                    .strip_suffix(".tcps")
                    .map(str::to_string)
            })
            .collect();
        files.sort();
        let listed: Vec<&str> = EXERCISES.iter().map(|e| e.0).collect();
        assert_eq!(listed, files);
        let first = EXERCISES
            .iter()
            .find(|e| e.0 == "01-handshake-numbers")
            .unwrap();
        assert_eq!(
            list_title(first, Lang::En),
            "Exercise: the numbers of a handshake"
        );
        assert_eq!(list_title(first, Lang::Zh), "练习：握手中的序号");
    }

    #[test]
    fn an_exercise_is_found_by_id_or_number() {
        assert_eq!(find("03"), Some("03-lost-final-ack"));
        assert_eq!(find("03-lost-final-ack"), Some("03-lost-final-ack"));
        assert_eq!(find("3"), None);
        assert_eq!(find("../lessons/01-handshake"), None);
        assert_eq!(short("03-lost-final-ack"), "03");
    }

    #[test]
    fn seeds_are_whole_numbers_and_bad_ones_say_why() {
        assert_eq!(parse_seed("4217"), Ok(4217));
        assert_eq!(parse_seed(" 0 "), Ok(0));
        for bad in ["", "-3", "12a", "1e3", "1000000000000000000"] {
            assert_eq!(parse_seed(bad), Err("share.err_seed"), "{bad:?}");
        }
        assert_eq!(parse_seed(&MAX_SEED.to_string()), Ok(MAX_SEED));
        assert_eq!(fresh_seed(0.0), 0);
        assert_eq!(fresh_seed(0.4217), 421_700);
        assert!(fresh_seed(0.999_999_999) < 1_000_000);
    }

    #[test]
    fn a_set_reads_back_what_it_writes_and_keeps_what_it_can() {
        let (items, errors) = parse_set("01,03:42,05-rst-in-syn-rcvd");
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(
            items,
            vec![
                SetItem {
                    id: "01-handshake-numbers",
                    seed: None
                },
                SetItem {
                    id: "03-lost-final-ack",
                    seed: Some(42)
                },
                SetItem {
                    id: "05-rst-in-syn-rcvd",
                    seed: None
                },
            ]
        );
        assert_eq!(write_set(&items), "01,03:42,05");
        assert_eq!(parse_set(&write_set(&items)).0, items);
        let (items, errors) = parse_set("01,zz,02:x,01");
        assert_eq!(items.len(), 2, "01 once, 02 without its bad seed");
        assert_eq!(
            items[1],
            SetItem {
                id: "02-fin-takes-a-number",
                seed: None
            }
        );
        assert_eq!(
            errors,
            vec![
                ("share.err_exercise", "zz".to_string()),
                ("share.err_seed", "02:x".to_string())
            ]
        );
        assert_eq!(
            parse_set(" , ").1,
            vec![("share.err_set", " , ".to_string())]
        );
    }
}
