//! Fresh numbers for exercises: `let` lines name values that a seed picks, and `$name`
//! uses them further down.
//!
//! ```text
//! let isn_a = 1000..9999          # an integer from the range, both ends included
//! let size = 100..1400 step 100   # 100, 200, ..., 1400
//! let lost = s4 | s5 | s6         # one of the words
//! let fin = $size+1               # a value made from earlier ones
//! let total = $size+$fin-1        # (a sum of integers is worked out)
//! set isn.A $isn_a
//! A send $size
//! drop $lost
//! say en A sends $size bytes: its FIN takes sequence number $fin.
//! ```
//!
//! Without a seed every `let` takes its first value (the range's low end, the first word),
//! so a script with `let` lines reads and runs like any other. With a seed, each `let` in
//! turn draws from SplitMix64 seeded with it: the same seed gives the same numbers on every
//! machine, so a link that carries the seed reproduces a student's exercise exactly.
//!
//! `$name` is replaced in every line after its `let`, in `say` and `title` text too, but not
//! in comments; `$name+3` and `$name-1` add to a number. The result is an ordinary script in
//! which each `let` line has become a comment saying what was chosen, so that line numbers
//! stay. (The network's own `set seed` is unrelated: it seeds random loss.)

use core::fmt;

use crate::script::ScriptError;

/// One `let` as this instance resolved it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Binding {
    /// The name, without `$`.
    pub name: String,
    /// The value chosen.
    pub value: String,
    /// How many values it could have taken.
    pub choices: u64,
    /// The 1-based line of the `let`.
    pub line: usize,
}

/// A script with its `let` values chosen and every `$name` replaced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Instance {
    /// The seed the values were drawn with; `None`: each `let`'s first value.
    pub seed: Option<u64>,
    /// The script to parse: the source with `let` lines turned into comments and `$name`
    /// replaced, line for line.
    pub source: String,
    /// Every `let`, in script order.
    pub bindings: Vec<Binding>,
    /// Replacements made on each line, to point errors at the column the author wrote.
    replaced: Vec<(usize, Vec<Replacement>)>,
}

/// `$name` written at `column` (1-based, in characters) over `written` characters became a
/// value of `value` characters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Replacement {
    column: usize,
    written: usize,
    value: usize,
}

impl Instance {
    /// Whether the script has any `let` line.
    pub fn varies(&self) -> bool {
        !self.bindings.is_empty()
    }

    /// An error found in [`source`](Instance::source), moved to the column of the line as
    /// written, and told which values were in it.
    pub fn locate(&self, mut e: ScriptError) -> ScriptError {
        let Some((_, replacements)) = self.replaced.iter().find(|(line, _)| *line == e.line) else {
            return e;
        };
        // How much longer the replaced text is than the written one, up to here.
        let mut grown: i64 = 0;
        let mut column = None;
        for r in replacements {
            let start = (r.column as i64 + grown) as usize;
            if e.column < start {
                break;
            }
            if e.column < start + r.value {
                column = Some(r.column);
                break;
            }
            grown += r.value as i64 - r.written as i64;
        }
        e.column = column.unwrap_or_else(|| (e.column as i64 - grown).max(1) as usize);
        let values: Vec<String> = self
            .bindings
            .iter()
            .filter(|b| b.line < e.line)
            .map(|b| format!("${} = {}", b.name, b.value))
            .collect();
        e.message += &format!(" (with {})", values.join(", "));
        e
    }
}

/// The values a `let` can take.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Choices {
    /// `lo..hi step k`.
    Range { lo: u64, hi: u64, step: u64 },
    /// `a | b | c`, or one word.
    Words(Vec<String>),
}

impl Choices {
    fn count(&self) -> u64 {
        match self {
            Choices::Range { lo, hi, step } => (hi - lo) / step + 1,
            Choices::Words(words) => words.len() as u64,
        }
    }

    fn pick(&self, index: u64) -> String {
        match self {
            Choices::Range { lo, step, .. } => (lo + index * step).to_string(),
            Choices::Words(words) => words[index as usize].clone(),
        }
    }
}

/// SplitMix64, as the network's loss generator uses: small, fast and the same everywhere.
pub(crate) struct Draw(pub(crate) u64);

impl Draw {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// An index below `n`, by the high half of a 64 x 64-bit product (no modulo bias worth
    /// the name for the few thousand choices an exercise has).
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next()) * u128::from(n)) >> 64) as u64
    }
}

/// The largest number a range may name: sequence numbers and sizes fit in 32 bits.
const MAX_VALUE: u64 = u32::MAX as u64;

/// The longest value a `let` may hold, in characters: a word or a number, not a text.
const MAX_VALUE_CHARS: usize = 200;

/// How much longer than the source its instance may grow, in bytes, so that a script that
/// uses a value many times cannot make a huge one.
const MAX_GROWTH: usize = 1 << 20;

/// Chooses every `let` value (by `seed`, or the first of each) and replaces every `$name`.
pub fn instantiate(source: &str, seed: Option<u64>) -> Result<Instance, ScriptError> {
    let mut draw = seed.map(Draw);
    let mut bindings: Vec<Binding> = Vec::new();
    let mut replaced = Vec::new();
    let mut out = String::with_capacity(source.len());
    for (i, text) in source.lines().enumerate() {
        let line = i + 1;
        let (text, replacements) = substitute(line, text, &bindings)?;
        if let Some(rest) = keyword(&text, "let") {
            let column = text[..text.len() - rest.len()].chars().count() + 1;
            let (name, choices) = parse_let(line, column, rest, &bindings)?;
            let choices_count = choices.count();
            let index = draw.as_mut().map_or(0, |d| d.below(choices_count));
            let value = choices.pick(index);
            if value.chars().count() > MAX_VALUE_CHARS {
                return Err(error(
                    line,
                    column,
                    format!("the value of `{name}` is longer than {MAX_VALUE_CHARS} characters"),
                ));
            }
            out += &format!("# let {name} = {value}");
            bindings.push(Binding {
                name,
                value,
                choices: choices_count,
                line,
            });
        } else {
            out += &text;
        }
        out.push('\n');
        if out.len() > source.len() + MAX_GROWTH {
            return Err(error(
                line,
                1,
                "the script grows too large once the `let` values are put in",
            ));
        }
        if !replacements.is_empty() {
            replaced.push((line, replacements));
        }
    }
    Ok(Instance {
        seed,
        source: out,
        bindings,
        replaced,
    })
}

/// The rest of `text` after a leading `word` and a blank, if it starts with them.
fn keyword<'a>(text: &'a str, word: &str) -> Option<&'a str> {
    let rest = text.trim_start().strip_prefix(word)?;
    rest.starts_with(char::is_whitespace).then_some(rest)
}

fn error(line: usize, column: usize, message: impl Into<String>) -> ScriptError {
    ScriptError {
        line,
        column,
        message: message.into(),
    }
}

fn is_name_start(c: char) -> bool {
    c.is_ascii_alphabetic()
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Replaces each `$name` (and `$name+k`, `$name-k`) of a line. Comments are left alone,
/// except in `say` and `title` lines, whose text runs to the end of the line.
fn substitute(
    line: usize,
    text: &str,
    bindings: &[Binding],
) -> Result<(String, Vec<Replacement>), ScriptError> {
    if !text.contains('$') {
        return Ok((text.to_string(), Vec::new()));
    }
    let verbatim = keyword(text, "say").is_some() || keyword(text, "title").is_some();
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut replacements = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '#' && !verbatim {
            out.extend(&chars[i..]);
            break;
        }
        if c != '$' || !chars.get(i + 1).copied().is_some_and(is_name_start) {
            out.push(c);
            i += 1;
            continue;
        }
        let start = i;
        let mut end = i + 1;
        while end < chars.len() && is_name_char(chars[end]) {
            end += 1;
        }
        let name: String = chars[start + 1..end].iter().collect();
        let Some(binding) = bindings.iter().find(|b| b.name == name) else {
            return Err(error(
                line,
                start + 1,
                format!("unknown `${name}`: no `let {name} = ...` above"),
            ));
        };
        // `+k` or `-k` right after the name adds to a number.
        let mut value = binding.value.clone();
        if let Some(&sign @ ('+' | '-')) = chars.get(end) {
            let digits = chars[end + 1..]
                .iter()
                .take_while(|c| c.is_ascii_digit())
                .count();
            if digits > 0 {
                let offset: String = chars[end + 1..end + 1 + digits].iter().collect();
                let at = |message: String| error(line, start + 1, message);
                let base: i64 = value.parse().map_err(|_| {
                    at(format!(
                        "`${name}{sign}{offset}`: `{value}` is not a number"
                    ))
                })?;
                let offset: i64 = offset
                    .parse()
                    .map_err(|_| at(format!("`{offset}` is too large")))?;
                let sum = if sign == '+' {
                    base.checked_add(offset)
                } else {
                    base.checked_sub(offset)
                };
                value = sum
                    .filter(|v| (0..=MAX_VALUE as i64).contains(v))
                    .ok_or_else(|| {
                        at(format!(
                            "`${name}{sign}{offset}` with ${name} = {value} is out of range (0 to {MAX_VALUE})"
                        ))
                    })?
                    .to_string();
                end += 1 + digits;
            }
        }
        replacements.push(Replacement {
            column: start + 1,
            written: end - start,
            value: value.chars().count(),
        });
        out += &value;
        i = end;
    }
    Ok((out, replacements))
}

/// `name = lo..hi [step k]`, `name = a | b | c` or `name = word`, after `let`; `column` is
/// where `rest` starts.
fn parse_let(
    line: usize,
    column: usize,
    rest: &str,
    bindings: &[Binding],
) -> Result<(String, Choices), ScriptError> {
    let code = rest.split('#').next().unwrap_or("");
    let col_of = |part: &str| column + (part.as_ptr() as usize - rest.as_ptr() as usize);
    let Some((name_part, spec)) = code.split_once('=') else {
        return Err(error(
            line,
            column,
            "`let` needs a name and values: let NAME = LOW..HIGH, let NAME = A | B, or let NAME = VALUE",
        ));
    };
    let name = name_part.trim();
    let name_col = col_of(name_part) + (name_part.len() - name_part.trim_start().len());
    if !(name.chars().next().is_some_and(is_name_start) && name.chars().all(is_name_char)) {
        return Err(error(
            line,
            name_col,
            format!("`{name}` is not a name: a letter, then letters, digits or _"),
        ));
    }
    if let Some(earlier) = bindings.iter().find(|b| b.name == name) {
        return Err(error(
            line,
            name_col,
            format!("`{name}` is already defined on line {}", earlier.line),
        ));
    }
    let spec_col = col_of(spec) + (spec.len() - spec.trim_start().len());
    let spec = spec.trim();
    if spec.is_empty() {
        return Err(error(
            line,
            spec_col,
            format!("`let {name} =` needs values"),
        ));
    }
    let number = |text: &str| -> Result<u64, ScriptError> {
        text.parse::<u64>()
            .ok()
            .filter(|&n| n <= MAX_VALUE)
            .ok_or_else(|| {
                error(
                    line,
                    spec_col,
                    format!("`{text}` is not a number from 0 to {MAX_VALUE}"),
                )
            })
    };
    if let Some((lo, rest)) = spec.split_once("..") {
        let mut words = rest.split_whitespace();
        let hi = words.next().unwrap_or("");
        let step = match (words.next(), words.next(), words.next()) {
            (None, ..) => 1,
            (Some("step"), Some(k), None) => number(k)?,
            _ => {
                return Err(error(
                    line,
                    spec_col,
                    "a range is LOW..HIGH or LOW..HIGH step K",
                ))
            }
        };
        let (lo, hi) = (number(lo.trim())?, number(hi)?);
        if lo > hi || step == 0 {
            return Err(error(
                line,
                spec_col,
                format!("`{spec}` is empty: LOW must not exceed HIGH, and K must be at least 1"),
            ));
        }
        return Ok((name.to_string(), Choices::Range { lo, hi, step }));
    }
    if let Some(sum) = integer_sum(spec) {
        let value = sum
            .filter(|v| (0..=MAX_VALUE as i64).contains(v))
            .ok_or_else(|| {
                error(
                    line,
                    spec_col,
                    format!("`{spec}` is out of range (0 to {MAX_VALUE})"),
                )
            })?;
        return Ok((name.to_string(), Choices::Words(vec![value.to_string()])));
    }
    let words: Vec<String> = spec.split('|').map(|w| w.trim().to_string()).collect();
    if let Some(bad) = words
        .iter()
        .find(|w| w.is_empty() || w.contains(char::is_whitespace))
    {
        return Err(error(
            line,
            spec_col,
            format!("`{bad}`: each choice is one word, and choices are separated by |"),
        ));
    }
    Ok((name.to_string(), Choices::Words(words)))
}

/// `12+3-1`: integers joined by `+` and `-` (what `$a+$b-1` becomes), summed; `None` when
/// `text` is not such a sum, `Some(None)` when it overflows.
fn integer_sum(text: &str) -> Option<Option<i64>> {
    let first = text.find(['+', '-'])?;
    let mut total = text[..first].parse::<i64>().ok()?;
    let mut rest = &text[first..];
    while let Some(sign) = rest.chars().next() {
        let body = &rest[1..];
        let end = body.find(['+', '-']).unwrap_or(body.len());
        let term: i64 = body[..end]
            .parse()
            .ok()
            .filter(|_| !body[..end].starts_with('+'))?;
        let next = if sign == '+' {
            total.checked_add(term)
        } else {
            total.checked_sub(term)
        };
        let Some(next) = next else {
            return Some(None);
        };
        total = next;
        rest = &body[end..];
    }
    Some(Some(total))
}

impl fmt::Display for Binding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "${} = {}", self.name, self.value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXERCISE: &str = "let isn = 1000..9999\nlet size = 100..1400 step 100\n\
        let lost = s4 | s5\nlet fin = $size+1\nset isn.A $isn # not $here\n\
        say en A sends $size bytes; $5 stays\nA send $size-1\n";

    #[test]
    fn without_a_seed_every_let_takes_its_first_value() {
        let i = instantiate(EXERCISE, None).unwrap();
        assert_eq!(
            i.source,
            "# let isn = 1000\n# let size = 100\n# let lost = s4\n# let fin = 101\n\
             set isn.A 1000 # not $here\nsay en A sends 100 bytes; $5 stays\nA send 99\n"
        );
        let values: Vec<_> = i
            .bindings
            .iter()
            .map(|b| (b.name.as_str(), b.choices))
            .collect();
        assert_eq!(
            values,
            [("isn", 9000), ("size", 14), ("lost", 2), ("fin", 1)]
        );
    }

    #[test]
    fn a_seed_gives_the_same_values_every_time_and_other_seeds_others() {
        let a = instantiate(EXERCISE, Some(42)).unwrap();
        assert_eq!(a, instantiate(EXERCISE, Some(42)).unwrap());
        let sources: std::collections::BTreeSet<String> = (0..20)
            .map(|seed| instantiate(EXERCISE, Some(seed)).unwrap().source)
            .collect();
        assert!(sources.len() > 15, "{} distinct instances", sources.len());
        for seed in 0..200 {
            let i = instantiate(EXERCISE, Some(seed)).unwrap();
            let get = |n: &str| {
                i.bindings
                    .iter()
                    .find(|b| b.name == n)
                    .unwrap()
                    .value
                    .clone()
            };
            let isn: u64 = get("isn").parse().unwrap();
            let size: u64 = get("size").parse().unwrap();
            assert!((1000..=9999).contains(&isn));
            assert!((100..=1400).contains(&size) && size.is_multiple_of(100));
            assert!(["s4", "s5"].contains(&get("lost").as_str()));
            assert_eq!(get("fin"), (size + 1).to_string());
            assert!(i.source.contains(&format!("A send {}\n", size - 1)));
        }
    }

    #[test]
    fn bad_lets_and_unknown_names_are_errors_at_their_column() {
        let err = |src: &str| instantiate(src, None).unwrap_err();
        let e = err("B listen\nA send $n\n");
        assert_eq!((e.line, e.column), (2, 8));
        assert!(e.message.contains("unknown `$n`"), "{}", e.message);
        let e = err("let 9x = 1\n");
        assert_eq!(e.column, 5);
        assert!(e.message.contains("not a name"), "{}", e.message);
        let e = err("let n = 1\nlet n = 2\n");
        assert!(
            e.message.contains("already defined on line 1"),
            "{}",
            e.message
        );
        let e = err("let n = 5..1\n");
        assert_eq!(e.column, 9);
        assert!(e.message.contains("is empty"), "{}", e.message);
        let e = err("let n = 1..x\n");
        assert!(e.message.contains("`x` is not a number"), "{}", e.message);
        let e = err("let n = 1..9 by 2\n");
        assert!(e.message.contains("LOW..HIGH step K"), "{}", e.message);
        let e = err("let n = a | | b\n");
        assert!(
            e.message.contains("each choice is one word"),
            "{}",
            e.message
        );
        let e = err("let n = s4\nA send $n+1\n");
        assert!(e.message.contains("`s4` is not a number"), "{}", e.message);
        let e = err("let n = 0\nA send $n-1\n");
        assert!(e.message.contains("out of range"), "{}", e.message);
        let e = err("let n\n");
        assert!(
            e.message.contains("needs a name and values"),
            "{}",
            e.message
        );
    }

    #[test]
    fn errors_in_a_replaced_line_point_at_the_column_as_written() {
        let i = instantiate("let n = 123456\nlet w = x\nA send $n $w\n", None).unwrap();
        // In the replaced text `A send 123456 x`, `x` is at column 15; as written, `$w` is
        // at column 11.
        let e = i.locate(ScriptError {
            line: 3,
            column: 15,
            message: "unexpected `x`".into(),
        });
        assert_eq!(e.column, 11);
        assert_eq!(e.message, "unexpected `x` (with $n = 123456, $w = x)");
        // Before any replacement, columns stay.
        let e = i.locate(ScriptError {
            line: 3,
            column: 3,
            message: "m".into(),
        });
        assert_eq!(e.column, 3);
    }
}
