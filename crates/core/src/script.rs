//! The scenario script format (`.tcps`): parsing, and running a script against a [`Sim`].
//!
//! One command per line; `#` starts a comment. See the README for the full contract.

use core::fmt;

use crate::endpoint::Call;
use crate::segment::{Flags, Segment};
use crate::seq::SeqNum;
use crate::setting::{unknown_key, Setting, SettingKey};
use crate::sim::{Sim, SimError};
use crate::state::State;
use crate::time::Duration;
use crate::trace::{Label, Peer, SegmentRecord};
use crate::variant::{self, Instance};

mod options;
pub use options::{OptionCheck, SackBlocks, SpecOptions};

/// A sequence or acknowledgment number in a script: relative (`5`, `-1`) or absolute (`@5`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Num {
    /// Counted from an ISN, modulo 2^32.
    Rel(u32),
    /// The number on the wire.
    Abs(u32),
}

impl Num {
    /// The absolute value, given the ISN relative numbers count from.
    pub fn resolve(self, base: SeqNum) -> SeqNum {
        match self {
            Num::Rel(n) => base + n,
            Num::Abs(n) => SeqNum(n),
        }
    }
}

impl fmt::Display for Num {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Num::Rel(n) => write!(f, "{n}"),
            Num::Abs(n) => write!(f, "@{n}"),
        }
    }
}

/// A segment as a script writes it, `A->B SYN,ACK seq=0 ack=1 len=5 win=100 mss=1460`: what
/// `inject` sends and what `expect s<k>` compares a sent segment with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SegmentSpec {
    /// The sender (the direction's left side); the receiver is the other peer.
    pub from: Peer,
    /// The control bits; `expect` ignores PSH.
    pub flags: Flags,
    /// SEG.SEQ, relative to the sender's ISN unless absolute.
    pub seq: Num,
    /// SEG.ACK, relative to the receiver's ISN unless absolute; given exactly when the ACK
    /// flag is set.
    pub ack: Option<Num>,
    /// SEG.LEN without SYN and FIN: payload bytes.
    pub len: u32,
    /// SEG.WND. `inject` sends the sender's configured window when it is not given;
    /// `expect` checks it only when given.
    pub win: Option<u16>,
    /// The TCP options: `inject` carries those listed, `expect` checks those listed.
    pub options: SpecOptions,
}

impl SegmentSpec {
    /// The segment `inject` puts on the network: numbers resolved against the peers' ISNs.
    pub fn segment(&self, sim: &Sim) -> Segment {
        let to = self.from.other();
        let mut seg = Segment {
            seq: self.seq.resolve(sim.isn_base(self.from)),
            ack: self.ack.map_or(SeqNum(0), |a| a.resolve(sim.isn_base(to))),
            flags: self.flags,
            window: self
                .win
                .unwrap_or_else(|| sim.endpoint(self.from).window_field_now(self.flags.syn())),
            len: self.len,
            mss: None,
            options: crate::segment::TcpOptions::NONE,
        };
        self.options.apply(&mut seg, sim.isn_base(to));
        seg
    }

    /// Whether a sent segment is this one: same sender, flags (PSH aside), numbers, length
    /// and, when given, window and options.
    pub fn matches(&self, rec: &SegmentRecord) -> bool {
        let seg = &rec.segment;
        let seq_ok = match self.seq {
            Num::Rel(n) => rec.rel_seq == n,
            Num::Abs(n) => seg.seq.0 == n,
        };
        let ack_ok = match (self.ack, rec.rel_ack) {
            (None, None) => true,
            (Some(Num::Rel(n)), Some(actual)) => actual == n,
            (Some(Num::Abs(n)), Some(_)) => seg.ack.0 == n,
            _ => false,
        };
        let same_flags = seg.flags.without(Flags::PSH) == self.flags.without(Flags::PSH);
        let win_ok = self.win.is_none_or(|w| w == seg.window);
        let options_ok = self.options.hold_for(seg, ack_base(rec));
        rec.from == self.from
            && same_flags
            && seq_ok
            && ack_ok
            && seg.len == self.len
            && win_ok
            && options_ok
    }

    /// Whether a number is written absolute (`@`), so a mismatch should show absolute ones.
    fn has_absolute(&self) -> bool {
        matches!(self.seq, Num::Abs(_)) || matches!(self.ack, Some(Num::Abs(_)))
    }
}

/// The ISN a sent segment's ACK (and SACK blocks) count from, when it has the ACK flag.
fn ack_base(rec: &SegmentRecord) -> Option<SeqNum> {
    rec.rel_ack.map(|rel| rec.segment.ack - rel)
}

impl fmt::Display for SegmentSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let SegmentSpec {
            from,
            flags,
            seq,
            ack,
            len,
            win,
            options,
        } = self;
        write!(f, "{from}->{} {flags} seq={seq}", from.other())?;
        if let Some(ack) = ack {
            write!(f, " ack={ack}")?;
        }
        if *len > 0 {
            write!(f, " len={len}")?;
        }
        if let Some(win) = win {
            write!(f, " win={win}")?;
        }
        write!(f, "{options}")
    }
}

/// A language of the lessons and of the page: a lesson's `title` and `say` lines name one,
/// and the app speaks one.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Language {
    /// English, the default.
    #[default]
    En,
    /// Simplified Chinese.
    Zh,
}

impl Language {
    /// Both languages.
    pub const ALL: [Language; 2] = [Language::En, Language::Zh];

    /// The code written in scripts and URLs (`en`, `zh`).
    pub fn code(self) -> &'static str {
        match self {
            Language::En => "en",
            Language::Zh => "zh",
        }
    }

    /// Reads a code as written in scripts: exactly `en` or `zh`.
    pub fn from_code(code: &str) -> Option<Language> {
        Language::ALL.into_iter().find(|l| l.code() == code)
    }

    /// Reads a URL parameter or a browser language tag by its primary subtag, in any case
    /// (`zh`, `zh-CN`, `zh_Hans_CN`, `en-GB`).
    pub fn from_tag(tag: &str) -> Option<Language> {
        let primary = tag.split(['-', '_']).next()?.to_ascii_lowercase();
        Language::from_code(&primary)
    }

    /// The language's name in English, for messages.
    pub fn name(self) -> &'static str {
        match self {
            Language::En => "English",
            Language::Zh => "Chinese",
        }
    }

    /// The language's name in itself, for a language switch.
    pub fn native_name(self) -> &'static str {
        match self {
            Language::En => "English",
            Language::Zh => "中文",
        }
    }
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// One script command.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    /// `set <key> <value>`.
    Set(Setting),
    /// `A listen`, `B send 100`, ...: a user call on a peer.
    Call {
        /// Whose user makes the call.
        peer: Peer,
        /// The call.
        call: Call,
    },
    /// `deliver s<k>`: the in-flight segment arrives now.
    Deliver(Label),
    /// `drop s<k>`: the in-flight segment is lost.
    Drop(Label),
    /// `dup s<k>`: a copy arrives now; the original stays in flight.
    Dup(Label),
    /// *(extension)* `hold s<k>`: auto delivery passes the segment by.
    Hold(Label),
    /// `inject <spec> [inflight]`: a segment made up by the script.
    Inject {
        /// The segment, claimed to come from `spec.from`.
        spec: SegmentSpec,
        /// *(extension)* The segment enters the network like any other and stays in flight,
        /// instead of arriving at once.
        in_flight: bool,
    },
    /// `wait <duration>`: the clock advances; timers fire and segments arrive on the way.
    Wait(Duration),
    /// `expect <X> <STATE>`.
    ExpectState {
        /// Which peer.
        peer: Peer,
        /// The state it must be in.
        state: State,
    },
    /// `expect s<k> <spec>`: segment k was sent like this.
    ExpectSegment {
        /// Which segment.
        label: Label,
        /// What it must have been.
        spec: SegmentSpec,
    },
    /// `expect inflight ...`: exactly these segments are in flight, in label order.
    ExpectInFlight(Vec<Label>),
    /// `expect <X> received <n>`.
    ExpectReceived {
        /// Which peer.
        peer: Peer,
        /// The bytes its application must have received in all.
        bytes: u64,
    },
    /// `expect <X> cwnd <n>` or `expect <X> ssthresh <n>`: RFC 5681's variables, in bytes.
    ExpectCongestion {
        /// Which peer.
        peer: Peer,
        /// Which variable.
        var: CongestionVar,
        /// Its value in bytes.
        bytes: u32,
    },
    /// *(lessons)* The lesson's title in one language. Does not change the simulation.
    Title {
        /// The title's language.
        lang: Language,
        /// The title, verbatim.
        text: String,
    },
    /// *(lessons)* A paragraph of narration for the next step, or, after the last step, of
    /// the closing narration. Does not change the simulation.
    Say {
        /// The paragraph's language.
        lang: Language,
        /// The paragraph, verbatim.
        text: String,
    },
    /// *(lessons)* Before the next step, ask the learner which state this peer will be in
    /// after it. The answer is whatever the engine does, never written in the script.
    Ask(Peer),
    /// *(exercises)* `ask segment A [absolute]`: before the next step, ask the learner for
    /// the first segment this peer sends in it (flags, seq, ack, len). The step must make
    /// the peer send one; the answer is what the engine sends.
    AskSegment {
        /// Whose segment.
        peer: Peer,
        /// Whether the learner writes relative or absolute numbers.
        numbers: Numbers,
    },
    /// *(exercises)* `hide s<k> <field>...`: once the run is over, the ladder shows segment k
    /// with these fields blank for the learner to fill in ("fill the ladder"). The answer is
    /// what the engine sent. Does not change the simulation.
    Hide {
        /// Which segment.
        label: Label,
        /// The fields left blank, in the order written, each at most once.
        fields: Vec<crate::predict::Field>,
    },
    /// *(exercises)* `order s<i> s<j> ...`: once the run is over, these segments are shown
    /// shuffled for the learner to put back in the order they were sent ("order the
    /// segments"). Written in label order, which is the answer. Does not change the
    /// simulation.
    Order(Vec<Label>),
}

/// How a learner writes sequence and acknowledgment numbers in an answer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Numbers {
    /// Counted from each side's ISN, as the chart shows them (`seq=1`).
    #[default]
    Relative,
    /// As on the wire (`seq=4712`), with the ISNs shown: the point of random ISNs.
    Absolute,
}

/// A congestion-control variable an `expect` line can check (RFC 5681 §2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CongestionVar {
    /// cwnd, the congestion window.
    Cwnd,
    /// ssthresh, the slow start threshold.
    Ssthresh,
}

impl CongestionVar {
    /// The word a script uses.
    pub fn name(self) -> &'static str {
        match self {
            CongestionVar::Cwnd => "cwnd",
            CongestionVar::Ssthresh => "ssthresh",
        }
    }

    fn from_name(word: &str) -> Option<CongestionVar> {
        [CongestionVar::Cwnd, CongestionVar::Ssthresh]
            .into_iter()
            .find(|v| v.name() == word)
    }
}

impl Command {
    /// A step of a lesson: a command that acts (a call, deliver, drop, dup, hold, inject or
    /// wait), as opposed to settings, expectations and lesson text.
    pub fn is_step(&self) -> bool {
        matches!(
            self,
            Command::Call { .. }
                | Command::Deliver(_)
                | Command::Drop(_)
                | Command::Dup(_)
                | Command::Hold(_)
                | Command::Inject { .. }
                | Command::Wait(_)
        )
    }
}

impl fmt::Display for Command {
    /// The command as a script line, so that UI actions can be recorded as a script.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Command::Set(setting) => write!(f, "set {setting}"),
            Command::Call { peer, call } => write!(f, "{peer} {call}"),
            Command::Deliver(l) => write!(f, "deliver {l}"),
            Command::Drop(l) => write!(f, "drop {l}"),
            Command::Dup(l) => write!(f, "dup {l}"),
            Command::Hold(l) => write!(f, "hold {l}"),
            Command::Inject { spec, in_flight } => {
                write!(f, "inject {spec}")?;
                if *in_flight {
                    f.write_str(" inflight")?;
                }
                Ok(())
            }
            Command::Wait(d) => write!(f, "wait {d}"),
            Command::ExpectState { peer, state } => write!(f, "expect {peer} {state}"),
            Command::ExpectSegment { label, spec } => write!(f, "expect {label} {spec}"),
            Command::ExpectInFlight(labels) if labels.is_empty() => {
                f.write_str("expect inflight none")
            }
            Command::ExpectInFlight(labels) => {
                f.write_str("expect inflight")?;
                for l in labels {
                    write!(f, " {l}")?;
                }
                Ok(())
            }
            Command::ExpectReceived { peer, bytes } => write!(f, "expect {peer} received {bytes}"),
            Command::ExpectCongestion { peer, var, bytes } => {
                write!(f, "expect {peer} {} {bytes}", var.name())
            }
            Command::Title { lang, text } => write!(f, "title {lang} {text}"),
            Command::Say { lang, text } => write!(f, "say {lang} {text}"),
            Command::Ask(peer) => write!(f, "ask {peer}"),
            Command::AskSegment { peer, numbers } => match numbers {
                Numbers::Relative => write!(f, "ask segment {peer}"),
                Numbers::Absolute => write!(f, "ask segment {peer} absolute"),
            },
            Command::Hide { label, fields } => {
                write!(f, "hide {label}")?;
                for field in fields {
                    write!(f, " {}", field.name())?;
                }
                Ok(())
            }
            Command::Order(labels) => {
                f.write_str("order")?;
                for l in labels {
                    write!(f, " {l}")?;
                }
                Ok(())
            }
        }
    }
}

/// A command with where it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    /// 1-based line number.
    pub line: usize,
    /// The command on it.
    pub command: Command,
}

/// A parsed script.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Script {
    /// The commands, in order; blank and comment lines are left out.
    pub lines: Vec<Line>,
}

/// A parse or run error, at a 1-based line and column.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScriptError {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters, of the word at fault (1 for a whole line).
    pub column: usize,
    /// What is wrong, and what was expected.
    pub message: String,
}

impl fmt::Display for ScriptError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.line, self.column, self.message)
    }
}

impl std::error::Error for ScriptError {}

/// A word of a line and the column it starts at.
#[derive(Clone, Copy)]
struct Token<'a> {
    text: &'a str,
    column: usize,
}

struct LineParser<'a> {
    line: usize,
    tokens: Vec<Token<'a>>,
    pos: usize,
    /// The column just past the last character, for "missing ..." errors.
    end_column: usize,
}

impl<'a> LineParser<'a> {
    fn new(line: usize, text: &'a str) -> LineParser<'a> {
        let code = text.split('#').next().unwrap_or("");
        let mut tokens = Vec::new();
        let mut start = None;
        let mut column = 0;
        for (i, ch) in code.char_indices() {
            column += 1;
            if ch.is_whitespace() {
                // `s` and `i` both come from `char_indices`, so they are char boundaries.
                if let Some((s, c)) = start.take() {
                    tokens.push(Token {
                        text: &code[s..i],
                        column: c,
                    });
                }
            } else if start.is_none() {
                start = Some((i, column));
            }
        }
        if let Some((s, c)) = start {
            tokens.push(Token {
                text: &code[s..],
                column: c,
            });
        }
        LineParser {
            line,
            tokens,
            pos: 0,
            end_column: column + 1,
        }
    }

    fn error(&self, column: usize, message: impl Into<String>) -> ScriptError {
        ScriptError {
            line: self.line,
            column,
            message: message.into(),
        }
    }

    fn next(&mut self, what: &str) -> Result<Token<'a>, ScriptError> {
        let token = self
            .tokens
            .get(self.pos)
            .copied()
            .ok_or_else(|| self.error(self.end_column, format!("missing {what}")))?;
        self.pos += 1;
        Ok(token)
    }

    fn peek(&self) -> Option<Token<'a>> {
        self.tokens.get(self.pos).copied()
    }

    fn finish(&self) -> Result<(), ScriptError> {
        match self.peek() {
            None => Ok(()),
            Some(t) => Err(self.error(
                t.column,
                format!("unexpected `{}` at the end of the command", t.text),
            )),
        }
    }

    fn label(&mut self) -> Result<Label, ScriptError> {
        let t = self.next("segment label (s1, s2, ...)")?;
        parse_label(t.text).ok_or_else(|| {
            self.error(
                t.column,
                format!("`{}` is not a segment label (s1, s2, ...)", t.text),
            )
        })
    }

    /// `A->B`: returns the sender.
    fn direction(&mut self) -> Result<Peer, ScriptError> {
        let t = self.next("direction (A->B or B->A)")?;
        match t.text {
            "A->B" => Ok(Peer::A),
            "B->A" => Ok(Peer::B),
            _ => Err(self.error(
                t.column,
                format!("`{}` is not a direction (A->B or B->A)", t.text),
            )),
        }
    }

    fn flags(&mut self) -> Result<Flags, ScriptError> {
        let t = self.next("flags (e.g. SYN,ACK)")?;
        Flags::parse(t.text).map_err(|m| self.error(t.column, m))
    }

    fn u64_value(&self, t: Token<'_>, text: &str, what: &str) -> Result<u64, ScriptError> {
        text.parse::<u64>()
            .map_err(|_| self.error(t.column, format!("`{text}` is not {what}")))
    }

    /// `A->B FLAGS seq=<n> [ack=<n>] [len=<n>] [win=<n>] [options]`, shared by `inject` and
    /// `expect`; the options are read by [`SpecOptions`].
    fn segment_spec(&mut self) -> Result<SegmentSpec, ScriptError> {
        const FIELDS: [&str; 4] = ["seq", "ack", "len", "win"];
        let known = || {
            FIELDS
                .iter()
                .chain(options::OPTION_KEYS.iter())
                .copied()
                .collect::<Vec<_>>()
                .join(", ")
        };
        let from = self.direction()?;
        let flags_at = self.peek().map_or(self.end_column, |t| t.column);
        let flags = self.flags()?;
        let (mut seq, mut ack, mut len, mut win) = (None, None, 0, None);
        let mut opts = SpecOptions::UNLISTED;
        let mut sack_at = None;
        let mut seen: Vec<&str> = Vec::new();
        while let Some(t) = self.peek() {
            self.pos += 1;
            let (key, value) = match t.text.split_once('=') {
                Some((k, v)) => (k, Some(v)),
                None => (t.text, None),
            };
            if let Some(&key) = options::OPTION_KEYS.iter().find(|&&k| k == key) {
                if opts.lists(key) {
                    let what = if key == "options" || seen.contains(&"options") {
                        "options=none says there is no option at all: write it alone, or list the options".to_string()
                    } else {
                        format!("`{key}` given twice")
                    };
                    return Err(self.error(t.column, what));
                }
                seen.push(key);
                opts.read(key, value)
                    .map_err(|(at, m)| self.error(t.column + at, m))?;
                if opts.lists_sack_blocks() && sack_at.is_none() {
                    sack_at = Some(t.column);
                }
                continue;
            }
            let Some(value) = value else {
                return Err(self.error(
                    t.column,
                    format!(
                        "`{}`: expected key=value or an option (one of {})",
                        t.text,
                        known()
                    ),
                ));
            };
            let Some(&key) = FIELDS.iter().find(|&&k| k == key) else {
                return Err(self.error(
                    t.column,
                    format!("unknown field `{key}` (expected {})", known()),
                ));
            };
            if seen.contains(&key) {
                return Err(self.error(t.column, format!("`{key}=` given twice")));
            }
            seen.push(key);
            match key {
                "seq" => seq = Some(self.num(t, value)?),
                "ack" => ack = Some(self.num(t, value)?),
                "len" => {
                    let n = self.u64_value(t, value, "a length in bytes")?;
                    len = u32::try_from(n)
                        .ok()
                        .filter(|&n| n <= MAX_SEGMENT_LEN)
                        .ok_or_else(|| {
                            self.error(
                                t.column,
                                format!("len={value} is too large (at most {MAX_SEGMENT_LEN})"),
                            )
                        })?;
                }
                "win" => {
                    let n = self.u64_value(t, value, "a window (0 to 65535)")?;
                    win = Some(u16::try_from(n).map_err(|_| {
                        self.error(t.column, format!("win={value} is above 65535"))
                    })?);
                }
                _ => unreachable!("`FIELDS` only holds the keys matched above"),
            }
        }
        let seq = seq.ok_or_else(|| self.error(self.end_column, "missing seq="))?;
        match (flags.ack(), ack.is_some()) {
            (true, false) => return Err(self.error(flags_at, "the ACK flag needs ack=<n>")),
            (false, true) => return Err(self.error(flags_at, "ack= needs the ACK flag")),
            _ => {}
        }
        if let (Some(at), false) = (sack_at, flags.ack()) {
            // RFC 2018 §3: the blocks extend an acknowledgment, and count from the same ISN.
            return Err(self.error(
                at,
                "sack= blocks need the ACK flag (they count from the receiver's ISN, as ack= does)",
            ));
        }
        Ok(SegmentSpec {
            from,
            flags,
            seq,
            ack,
            len,
            win,
            options: opts,
        })
    }

    fn num(&self, t: Token<'_>, text: &str) -> Result<Num, ScriptError> {
        parse_num(text).map_err(|m| self.error(t.column, m))
    }
}

/// Reads a sequence or acknowledgment number as a script writes it: relative (`1`, `-1`,
/// modulo 2^32) or absolute (`@4712`). The error says what a number looks like.
pub fn parse_num(text: &str) -> Result<Num, String> {
    let bad = || format!("`{text}` is not a sequence number (e.g. 1, -1 or @1000)");
    if let Some(abs) = text.strip_prefix('@') {
        return abs.parse::<u32>().map(Num::Abs).map_err(|_| bad());
    }
    let n: i64 = text.parse().map_err(|_| bad())?;
    if !(-(1i64 << 31)..(1i64 << 32)).contains(&n) {
        return Err(bad());
    }
    // Relative numbers are modulo 2^32: -1 is the number just before the ISN.
    Ok(Num::Rel(n as u32))
}

/// The largest payload a script may put in one segment.
pub const MAX_SEGMENT_LEN: u32 = 65_535;

/// The most bytes one `send` may queue.
pub const MAX_SEND: u64 = 1 << 30;

fn parse_peer(text: &str) -> Option<Peer> {
    match text {
        "A" => Some(Peer::A),
        "B" => Some(Peer::B),
        _ => None,
    }
}

fn parse_label(text: &str) -> Option<Label> {
    let digits = text.strip_prefix('s')?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse::<u32>().ok().filter(|&n| n > 0).map(Label)
}

/// Parses one line; `Ok(None)` for a blank or comment line.
pub fn parse_line(line: usize, text: &str) -> Result<Option<Command>, ScriptError> {
    if let Some(command) = parse_text_line(line, text) {
        return command.map(Some);
    }
    let mut p = LineParser::new(line, text);
    let Some(first) = p.peek() else {
        return Ok(None);
    };
    p.pos += 1;
    let command = match first.text {
        "set" => {
            let word = p.next("setting name")?;
            let key = SettingKey::from_name(word.text)
                .ok_or_else(|| p.error(word.column, unknown_key(word.text)))?;
            let value = p.next(&format!("value for `{key}` ({})", key.expected()))?;
            Command::Set(key.parse(value.text).map_err(|m| p.error(value.column, m))?)
        }
        "A" | "B" => {
            let peer = parse_peer(first.text).unwrap_or(Peer::A);
            let verb = p.next("call (listen, connect, send, read, close, abort, crash)")?;
            let call = match verb.text {
                "listen" => Call::Listen,
                "connect" => Call::Connect,
                "send" => {
                    let n = p.next("number of bytes")?;
                    let bytes = p.u64_value(n, n.text, "a number of bytes")?;
                    let bytes = u32::try_from(bytes)
                        .ok()
                        .filter(|&b| u64::from(b) <= MAX_SEND)
                        .ok_or_else(|| p.error(n.column, format!("send {bytes}: at most {MAX_SEND} bytes per send")))?;
                    Call::Send(bytes)
                }
                "close" => Call::Close,
                "shutdown" => Call::Shutdown,
                "abort" => Call::Abort,
                "crash" => Call::Crash,
                "read" => {
                    let n = p.next("number of bytes")?;
                    let bytes = p.u64_value(n, n.text, "a number of bytes")?;
                    let bytes = u32::try_from(bytes)
                        .ok()
                        .filter(|&b| u64::from(b) <= MAX_SEND)
                        .ok_or_else(|| p.error(n.column, format!("read {bytes}: at most {MAX_SEND} bytes per read")))?;
                    Call::Read(bytes)
                }
                other => {
                    return Err(p.error(
                        verb.column,
                        format!("unknown call `{other}` (listen, connect, send <n>, read <n>, close, shutdown, abort, crash)"),
                    ))
                }
            };
            Command::Call { peer, call }
        }
        "deliver" => Command::Deliver(p.label()?),
        "drop" => Command::Drop(p.label()?),
        "dup" => Command::Dup(p.label()?),
        "hold" => Command::Hold(p.label()?),
        "inject" => {
            // A trailing `inflight` keeps the segment on the network instead of delivering it.
            let in_flight = p.tokens.last().is_some_and(|t| t.text == "inflight") && p.tokens.len() > p.pos;
            if in_flight {
                p.tokens.pop();
            }
            Command::Inject {
                spec: p.segment_spec()?,
                in_flight,
            }
        }
        "wait" => {
            let t = p.next("duration (e.g. 200ms, 1s, 2min)")?;
            Command::Wait(t.text.parse().map_err(|m: String| p.error(t.column, m))?)
        }
        "expect" => parse_expect(&mut p)?,
        "ask" => {
            let t = p.next("peer to ask about (A or B)")?;
            if t.text == "segment" {
                let t = p.next("peer whose segment to ask for (A or B)")?;
                let peer = parse_peer(t.text)
                    .ok_or_else(|| p.error(t.column, format!("`{}` is not a peer (A or B)", t.text)))?;
                let numbers = match p.peek() {
                    None => Numbers::Relative,
                    Some(w) => {
                        p.pos += 1;
                        match w.text {
                            "relative" => Numbers::Relative,
                            "absolute" => Numbers::Absolute,
                            other => {
                                return Err(p.error(
                                    w.column,
                                    format!("`{other}`: the numbers are `relative` (the default) or `absolute`"),
                                ))
                            }
                        }
                    }
                };
                Command::AskSegment { peer, numbers }
            } else {
                let peer = parse_peer(t.text).ok_or_else(|| {
                    p.error(t.column, format!("`{}` is not a peer (A or B), nor `segment`", t.text))
                })?;
                Command::Ask(peer)
            }
        }
        "hide" => parse_hide(&mut p)?,
        "order" => parse_order(&mut p)?,
        "let" => {
            return Err(p.error(
                first.column,
                "a `let` line: this script is an exercise, whose values a seed draws (synack's --seed; script::parse_seeded)",
            ))
        }
        other => {
            return Err(p.error(
                first.column,
                format!("unknown command `{other}` (set, A, B, deliver, drop, dup, hold, inject, wait, expect, title, say, ask, hide, order)"),
            ))
        }
    };
    p.finish()?;
    Ok(Some(command))
}

/// `title <lang> <text>` and `say <lang> <text>`: the text runs verbatim to the end of the
/// line (`#` and quotes included), so these lines are read before comments are stripped.
/// `None` when the line is neither.
fn parse_text_line(line: usize, text: &str) -> Option<Result<Command, ScriptError>> {
    let trimmed = text.trim_start();
    let keyword = ["title", "say"].into_iter().find(|k| {
        trimmed
            .strip_prefix(k)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with(char::is_whitespace))
    })?;
    // Columns count characters, 1-based, as in the rest of the parser.
    let column_of = |rest: &str| text.chars().count() - rest.chars().count() + 1;
    let error = |rest: &str, message: String| ScriptError {
        line,
        column: column_of(rest),
        message,
    };
    let after_keyword = trimmed[keyword.len()..].trim_start();
    let code_len = after_keyword
        .find(char::is_whitespace)
        .unwrap_or(after_keyword.len());
    let code = &after_keyword[..code_len];
    if code.is_empty() {
        return Some(Err(error(
            after_keyword,
            format!("missing language after `{keyword}` (en or zh)"),
        )));
    }
    let Some(lang) = Language::from_code(code) else {
        return Some(Err(error(
            after_keyword,
            format!("`{code}` is not a language (en or zh)"),
        )));
    };
    let body = after_keyword[code_len..].trim();
    if body.is_empty() {
        let what = if keyword == "title" {
            "title"
        } else {
            "narration"
        };
        return Some(Err(error(
            &after_keyword[code_len..],
            format!("missing {what} text after `{keyword} {code}`"),
        )));
    }
    let text = body.to_string();
    Some(Ok(if keyword == "title" {
        Command::Title { lang, text }
    } else {
        Command::Say { lang, text }
    }))
}

/// `hide s<k> <field>...`: one label, then one to four of `flags`, `seq`, `ack`, `len`.
fn parse_hide(p: &mut LineParser<'_>) -> Result<Command, ScriptError> {
    use crate::predict::Field;
    let label = p.label()?;
    let names = || {
        Field::ALL
            .iter()
            .map(|f| f.name())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut fields: Vec<Field> = Vec::new();
    while let Some(t) = p.peek() {
        p.pos += 1;
        let field = Field::ALL
            .into_iter()
            .find(|f| f.name() == t.text)
            .ok_or_else(|| {
                p.error(
                    t.column,
                    format!("`{}` is not a field to hide ({})", t.text, names()),
                )
            })?;
        if fields.contains(&field) {
            return Err(p.error(t.column, format!("`{}` is hidden twice", t.text)));
        }
        fields.push(field);
    }
    if fields.is_empty() {
        return Err(p.error(
            p.end_column,
            format!("missing the fields to hide after {label} ({})", names()),
        ));
    }
    Ok(Command::Hide { label, fields })
}

/// `order s<i> s<j> ...`: at least two labels, in the order they were sent (label order),
/// which is the answer the learner must find; the page shuffles them.
fn parse_order(p: &mut LineParser<'_>) -> Result<Command, ScriptError> {
    let mut labels = vec![p.label()?];
    let second_at = p.peek().map_or(p.end_column, |t| t.column);
    while let Some(t) = p.peek() {
        let label = p.label()?;
        let last = *labels.last().unwrap_or(&label);
        if label <= last {
            return Err(p.error(
                t.column,
                format!(
                    "{label} after {last}: list the segments in the order they were sent (s1 s2 s3); the exercise shuffles them"
                ),
            ));
        }
        labels.push(label);
    }
    if labels.len() < 2 {
        return Err(p.error(
            second_at,
            "missing a second segment to order (e.g. order s1 s2 s3)",
        ));
    }
    Ok(Command::Order(labels))
}

fn parse_expect(p: &mut LineParser<'_>) -> Result<Command, ScriptError> {
    let t = p.next("what to expect (a peer, a segment label or `inflight`)")?;
    if t.text == "inflight" {
        let mut labels = Vec::new();
        if p.peek().is_some_and(|t| t.text == "none") {
            p.pos += 1;
        } else {
            labels.push(p.label()?);
            while p.peek().is_some() {
                labels.push(p.label()?);
            }
        }
        return Ok(Command::ExpectInFlight(labels));
    }
    if let Some(peer) = parse_peer(t.text) {
        let what = p.next("a state, `received <n>`, `cwnd <n>` or `ssthresh <n>`")?;
        if what.text == "received" {
            let n = p.next("number of bytes")?;
            let bytes = p.u64_value(n, n.text, "a number of bytes")?;
            return Ok(Command::ExpectReceived { peer, bytes });
        }
        if let Some(var) = CongestionVar::from_name(what.text) {
            let n = p.next("number of bytes")?;
            let bytes = p.u64_value(n, n.text, "a number of bytes")?;
            let bytes = u32::try_from(bytes)
                .map_err(|_| p.error(n.column, format!("`{}` is more than 4294967295", n.text)))?;
            return Ok(Command::ExpectCongestion { peer, var, bytes });
        }
        let state = what.text.parse::<State>().map_err(|_| {
            p.error(
                what.column,
                format!(
                    "`{}` is not a state (CLOSED, LISTEN, SYN_SENT, SYN_RCVD, ESTABLISHED, FIN_WAIT_1, FIN_WAIT_2, CLOSE_WAIT, CLOSING, LAST_ACK, TIME_WAIT)",
                    what.text
                ),
            )
        })?;
        return Ok(Command::ExpectState { peer, state });
    }
    if let Some(label) = parse_label(t.text) {
        return Ok(Command::ExpectSegment {
            label,
            spec: p.segment_spec()?,
        });
    }
    Err(p.error(
        t.column,
        format!(
            "`{}`: expect a peer (A, B), a segment label (s1) or `inflight`",
            t.text
        ),
    ))
}

/// Parses and checks a whole script, stopping at the first error. `let` lines and `$name`
/// values are not read here but by [`parse_seeded`], which exercises go through: kept apart,
/// they cost the page's first download nothing until exercises are opened.
pub fn parse(source: &str) -> Result<Script, ScriptError> {
    let mut lines = Vec::new();
    for (i, text) in source.lines().enumerate() {
        if let Some(command) = parse_line(i + 1, text)? {
            lines.push(Line {
                line: i + 1,
                command,
            });
        }
    }
    check_lesson_lines(&lines)?;
    Ok(Script { lines })
}

/// Parses a script whose `let` lines draw their values from `seed` (or, without one, take
/// their first values): the script, and the values chosen. See [`crate::variant`].
pub fn parse_seeded(source: &str, seed: Option<u64>) -> Result<(Script, Instance), ScriptError> {
    let instance = variant::instantiate(source, seed)?;
    match parse(&instance.source) {
        Ok(script) => Ok((script, instance)),
        Err(e) if instance.varies() => Err(instance.locate(e)),
        Err(e) => Err(e),
    }
}

/// The rules that tie lesson lines to steps: a step narrated in one language is narrated in
/// the other too (so is the closing narration), an `ask` is followed by a step, and each
/// language has at most one title. A script without lesson lines always passes.
fn check_lesson_lines(lines: &[Line]) -> Result<(), ScriptError> {
    let at = |line: usize, message: String| ScriptError {
        line,
        column: 1,
        message,
    };
    // The first `say` line of each language since the last step, and the pending `ask`.
    // Per-language arrays are indexed by `Language as usize`: En is 0, Zh is 1.
    let mut said: [Option<usize>; 2] = [None, None];
    let mut ask: Option<usize> = None;
    let mut titled: [Option<usize>; 2] = [None, None];
    // The line of each segment's `hide`, and of the `order` line: one of each.
    let mut hidden: Vec<(Label, usize)> = Vec::new();
    let mut ordered: Option<usize> = None;
    let unbalanced = |said: &[Option<usize>; 2], what: &str| -> Result<(), ScriptError> {
        for lang in Language::ALL {
            let other = match lang {
                Language::En => Language::Zh,
                Language::Zh => Language::En,
            };
            if let (Some(line), None) = (said[lang as usize], said[other as usize]) {
                return Err(at(
                    line,
                    format!(
                        "{what} is narrated in {} but not in {}: add a `say {}` line",
                        lang.name(),
                        other.name(),
                        other.code()
                    ),
                ));
            }
        }
        Ok(())
    };
    for l in lines {
        match &l.command {
            Command::Title { lang, .. } => {
                if let Some(first) = titled[*lang as usize] {
                    return Err(at(
                        l.line,
                        format!("a second `title {lang}` (the first is on line {first})"),
                    ));
                }
                titled[*lang as usize] = Some(l.line);
            }
            Command::Say { lang, .. } => {
                said[*lang as usize].get_or_insert(l.line);
            }
            Command::Ask(_) | Command::AskSegment { .. } => {
                if let Some(first) = ask {
                    return Err(at(
                        l.line,
                        format!(
                            "a second `ask` before the same step (the first is on line {first})"
                        ),
                    ));
                }
                ask = Some(l.line);
            }
            Command::Hide { label, .. } => {
                if let Some((_, first)) = hidden.iter().find(|(h, _)| h == label) {
                    return Err(at(
                        l.line,
                        format!("{label} is hidden on line {first} already: one `hide` line per segment"),
                    ));
                }
                hidden.push((*label, l.line));
            }
            Command::Order(_) => {
                if let Some(first) = ordered {
                    return Err(at(
                        l.line,
                        format!("a second `order` line (the first is on line {first}): one ordering per exercise"),
                    ));
                }
                ordered = Some(l.line);
            }
            c if c.is_step() => {
                unbalanced(&said, &format!("the step on line {}", l.line))?;
                said = [None, None];
                ask = None;
            }
            _ => {}
        }
    }
    if let Some(line) = ask {
        return Err(at(line, "`ask` has no step after it to ask about".into()));
    }
    unbalanced(&said, "the closing narration")
}

/// Runs one command. `Ok(Some(message))` is a failed expectation; `Err` is an action the
/// simulation cannot perform, which ends a script run.
pub fn execute(sim: &mut Sim, command: &Command) -> Result<Option<String>, SimError> {
    match command {
        Command::Set(setting) => sim.set(*setting)?,
        Command::Call { peer, call } => {
            // A call the RFC rejects is logged in the trace; it is not a script error.
            let _ = sim.call(*peer, *call);
        }
        Command::Deliver(l) => sim.deliver(*l)?,
        Command::Drop(l) => sim.drop_segment(*l)?,
        Command::Dup(l) => sim.duplicate(*l)?,
        Command::Hold(l) => sim.hold(*l)?,
        Command::Inject { spec, in_flight } => {
            let segment = spec.segment(sim);
            if *in_flight {
                sim.inject_in_flight(spec.from, segment);
            } else {
                sim.inject(spec.from, segment);
            }
        }
        Command::Wait(d) => sim.wait(*d)?,
        Command::ExpectState { peer, state } => {
            let actual = sim.state(*peer);
            if actual != *state {
                return Ok(Some(format!(
                    "expected {peer} in {state}, but it is in {actual}"
                )));
            }
        }
        Command::ExpectSegment { label, spec } => {
            return Ok(check_segment(sim, command, *label, spec))
        }
        Command::ExpectInFlight(labels) => {
            let actual: Vec<Label> = sim.in_flight().iter().map(|f| f.label).collect();
            if actual != *labels {
                let show = |ls: &[Label]| {
                    if ls.is_empty() {
                        "none".to_string()
                    } else {
                        ls.iter()
                            .map(Label::to_string)
                            .collect::<Vec<_>>()
                            .join(" ")
                    }
                };
                return Ok(Some(format!(
                    "expected in flight: {}, but in flight: {}",
                    show(labels),
                    show(&actual)
                )));
            }
        }
        // Lesson text is for the reader; the simulation does not see it.
        Command::Title { .. }
        | Command::Say { .. }
        | Command::Ask(_)
        | Command::AskSegment { .. }
        | Command::Hide { .. }
        | Command::Order(_) => {}
        Command::ExpectCongestion { peer, var, bytes } => {
            let tcb = sim.endpoint(*peer).tcb();
            let actual = match var {
                CongestionVar::Cwnd => tcb.cwnd,
                CongestionVar::Ssthresh => tcb.ssthresh,
            };
            if actual != *bytes {
                return Ok(Some(format!(
                    "expected {peer}'s {} to be {bytes}, but it is {actual}",
                    var.name()
                )));
            }
        }
        Command::ExpectReceived { peer, bytes } => {
            let actual = sim.endpoint(*peer).received();
            if actual != *bytes {
                return Ok(Some(format!(
                    "expected {peer} to have received {bytes} bytes, but it received {actual}"
                )));
            }
        }
    }
    Ok(None)
}

fn check_segment(sim: &Sim, command: &Command, label: Label, spec: &SegmentSpec) -> Option<String> {
    let Some(rec) = sim.segment(label) else {
        return Some(format!("{label} has not been sent yet"));
    };
    if spec.matches(rec) {
        return None;
    }
    let mut actual = format!("{} {}->{} {}", label, rec.from, rec.to, rec.summary());
    if spec.win.is_some() {
        actual += &format!(" win={}", rec.segment.window);
    }
    if !spec.options.is_unlisted() {
        actual += " ";
        actual += &spec.options.describe(&rec.segment, ack_base(rec));
    }
    if spec.has_absolute() {
        actual += &format!(" (absolute: {})", rec.summary_absolute());
    }
    Some(format!(
        "expected `{command}`, but the segment was `{actual}`"
    ))
}

/// What running a script produced.
#[derive(Clone, Debug)]
pub struct Outcome {
    /// The simulator as the run left it.
    pub sim: Sim,
    /// Failed expectations, in script order.
    pub failures: Vec<ScriptError>,
    /// The error that stopped the run early, if one did.
    pub error: Option<ScriptError>,
}

impl Outcome {
    /// Every expectation held and the run reached the end.
    pub fn passed(&self) -> bool {
        self.failures.is_empty() && self.error.is_none()
    }
}

/// Runs a parsed script from a fresh simulator. An `ask segment` whose step makes the peer
/// send nothing is a failure at the `ask`: the exercise would ask for a segment that never
/// comes.
pub fn run(script: &Script) -> Outcome {
    let mut sim = Sim::new();
    let mut failures = Vec::new();
    // The pending `ask segment`: its line and peer.
    let mut asked: Option<(usize, Peer)> = None;
    for line in &script.lines {
        let sent_before = sim.segments().len();
        match execute(&mut sim, &line.command) {
            Ok(None) => {}
            Ok(Some(message)) => failures.push(ScriptError {
                line: line.line,
                column: 1,
                message,
            }),
            Err(e) => {
                return Outcome {
                    sim,
                    failures,
                    error: Some(ScriptError {
                        line: line.line,
                        column: 1,
                        message: e.to_string(),
                    }),
                }
            }
        }
        if let Command::AskSegment { peer, .. } = line.command {
            asked = Some((line.line, peer));
        } else if line.command.is_step() {
            if let Some((ask_line, peer)) = asked.take() {
                if crate::predict::Question::first_sent_by(&sim.segments()[sent_before..], peer)
                    .is_none()
                {
                    failures.push(ScriptError {
                        line: ask_line,
                        column: 1,
                        message: format!(
                            "`ask segment {peer}` asks for the segment {peer} sends in the step on line {}, but {peer} sends none there",
                            line.line
                        ),
                    });
                }
            }
        }
    }
    failures.extend(crate::ladder::check_lines(script, &sim));
    failures.sort_by_key(|f| f.line);
    Outcome {
        sim,
        failures,
        error: None,
    }
}

/// Parses and runs a script.
pub fn run_source(source: &str) -> Result<Outcome, ScriptError> {
    parse(source).map(|s| run(&s))
}

/// Parses and runs a script whose `let` lines draw from `seed`; also returns the values.
pub fn run_seeded(source: &str, seed: Option<u64>) -> Result<(Outcome, Instance), ScriptError> {
    parse_seeded(source, seed).map(|(s, instance)| (run(&s), instance))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str) -> Command {
        parse_line(1, text).unwrap().unwrap()
    }

    #[test]
    fn lesson_lines_parse_and_print_back() {
        let cases = [
            (
                "title en The three-way handshake",
                Command::Title {
                    lang: Language::En,
                    text: "The three-way handshake".into(),
                },
            ),
            (
                "title zh 三次握手",
                Command::Title {
                    lang: Language::Zh,
                    text: "三次握手".into(),
                },
            ),
            (
                "say en B answers with \"SYN,ACK\" # not a comment",
                Command::Say {
                    lang: Language::En,
                    text: "B answers with \"SYN,ACK\" # not a comment".into(),
                },
            ),
            (
                "say zh B 回复 SYN,ACK：进入 SYN_RCVD",
                Command::Say {
                    lang: Language::Zh,
                    text: "B 回复 SYN,ACK：进入 SYN_RCVD".into(),
                },
            ),
            ("ask B", Command::Ask(Peer::B)),
            ("ask A # who?", Command::Ask(Peer::A)),
        ];
        for (text, command) in cases {
            assert_eq!(one(text), command, "{text}");
            let printed = command.to_string();
            assert_eq!(one(&printed), command, "{printed}");
        }
        // Surrounding blanks are not part of the text.
        assert_eq!(
            one("  say   en   two  spaces inside  \r"),
            Command::Say {
                lang: Language::En,
                text: "two  spaces inside".into()
            }
        );
        // A word that only starts like a keyword is not one.
        assert!(parse_line(1, "sayen hello").is_err());
    }

    #[test]
    fn lesson_line_errors_name_the_column() {
        let err = |text: &str| parse_line(3, text).unwrap_err();
        let e = err("say fr Bonjour");
        assert_eq!((e.line, e.column), (3, 5));
        assert!(
            e.message.contains("`fr` is not a language"),
            "{}",
            e.message
        );
        let e = err("title");
        assert_eq!(e.column, 6);
        assert!(e.message.contains("missing language"), "{}", e.message);
        let e = err("say en   ");
        assert!(
            e.message.contains("missing narration text"),
            "{}",
            e.message
        );
        let e = err("title zh");
        assert!(e.message.contains("missing title text"), "{}", e.message);
        let e = err("ask C");
        assert_eq!(e.column, 5);
        assert!(e.message.contains("not a peer"), "{}", e.message);
        let e = err("ask");
        assert!(e.message.contains("missing peer"), "{}", e.message);
        let e = err("ask A B");
        assert!(e.message.contains("unexpected `B`"), "{}", e.message);
    }

    #[test]
    fn hide_and_order_lines_parse_print_back_and_name_the_bad_word() {
        use crate::predict::Field;
        for text in [
            "hide s2 seq ack",
            "hide s10 flags",
            "hide s1 len ack flags seq",
            "order s1 s2 s3",
            "order s4 s7",
        ] {
            assert_eq!(one(text).to_string(), text);
        }
        assert_eq!(
            one("hide s2 seq ack # the SYN,ACK"),
            Command::Hide {
                label: Label(2),
                fields: vec![Field::Seq, Field::Ack]
            }
        );
        assert_eq!(one("order s1 s3"), Command::Order(vec![Label(1), Label(3)]));
        assert!(!one("hide s1 seq").is_step() && !one("order s1 s2").is_step());
        let err = |text: &str| parse_line(5, text).unwrap_err();
        let cases = [
            ("hide", 5, "missing segment label"),
            ("hide s2", 8, "missing the fields to hide after s2"),
            (
                "hide s2 seq window",
                13,
                "`window` is not a field to hide (flags, seq, ack, len)",
            ),
            ("hide s2 seq seq", 13, "`seq` is hidden twice"),
            ("hide 2 seq", 6, "`2` is not a segment label"),
            ("order s1", 9, "missing a second segment"),
            (
                "order s2 s1",
                10,
                "s1 after s2: list the segments in the order they were sent",
            ),
            ("order s1 s1", 10, "s1 after s1"),
            ("order s1 x", 10, "`x` is not a segment label"),
        ];
        for (text, column, message) in cases {
            let e = err(text);
            assert_eq!((e.line, e.column), (5, column), "{text}: {e}");
            assert!(e.message.contains(message), "{text}: {e}");
        }
        let e = parse("hide s1 seq\nhide s2 ack\nhide s1 len\n").unwrap_err();
        assert_eq!(e.line, 3);
        assert!(e.message.contains("s1 is hidden on line 1 already"), "{e}");
        let e = parse("order s1 s2\norder s3 s4\n").unwrap_err();
        assert_eq!(e.line, 2);
        assert!(
            e.message
                .contains("a second `order` line (the first is on line 1)"),
            "{e}"
        );
    }

    #[test]
    fn a_step_narrated_in_one_language_only_is_an_error() {
        let e = parse("B listen\nsay en A opens.\nA connect\n").unwrap_err();
        assert_eq!(e.line, 2);
        assert!(
            e.message
                .contains("the step on line 3 is narrated in English but not in Chinese"),
            "{}",
            e.message
        );
        let e = parse("say zh 开始\nsay en Go.\nB listen\nsay zh 结束\n").unwrap_err();
        assert_eq!(e.line, 4);
        assert!(
            e.message.contains("closing narration") && e.message.contains("`say en`"),
            "{}",
            e.message
        );
        // Several paragraphs in one language and one in the other are fine.
        let ok = "say en One.\nsay en Two.\nsay zh 一。\nB listen\nsay en End.\nsay zh 完。\n";
        assert_eq!(parse(ok).unwrap().lines.len(), 6);
    }

    #[test]
    fn ask_segment_parses_prints_back_and_needs_a_segment_from_its_step() {
        for (text, command) in [
            (
                "ask segment A",
                Command::AskSegment {
                    peer: Peer::A,
                    numbers: Numbers::Relative,
                },
            ),
            (
                "ask segment B absolute",
                Command::AskSegment {
                    peer: Peer::B,
                    numbers: Numbers::Absolute,
                },
            ),
        ] {
            assert_eq!(one(text), command);
            assert_eq!(command.to_string(), text);
        }
        assert_eq!(one("ask segment A relative").to_string(), "ask segment A");
        let e = parse_line(1, "ask segment C").unwrap_err();
        assert_eq!(e.column, 13);
        let e = parse_line(1, "ask segment A decimal").unwrap_err();
        assert!(
            e.message.contains("`relative` (the default) or `absolute`"),
            "{}",
            e.message
        );
        let e = parse_line(1, "ask seg A").unwrap_err();
        assert!(e.message.contains("nor `segment`"), "{}", e.message);
        // Two questions before one step are refused, whatever their kind.
        let e = parse("B listen\nask B\nask segment A\nA connect\n").unwrap_err();
        assert_eq!(e.line, 3);
        // The step must make the peer send: B sends nothing when A connects.
        let ok = run_source("B listen\nask segment A\nA connect\n").unwrap();
        assert!(ok.passed(), "{:?}", ok.failures);
        let bad = run_source("B listen\nask segment B\nA connect\n").unwrap();
        assert_eq!(bad.failures.len(), 1);
        assert_eq!(bad.failures[0].line, 2);
        assert!(
            bad.failures[0].message.contains("B sends none there"),
            "{}",
            bad.failures[0].message
        );
        // An injected segment is the script's, not the peer's.
        let bad = run_source("B listen\nask segment A\ninject A->B SYN seq=0\n").unwrap();
        assert_eq!(bad.failures.len(), 1);
    }

    #[test]
    fn a_seeded_script_reports_errors_where_they_were_written() {
        // The plain reader says what a `let` line is for.
        let e = parse("let n = 1\n").unwrap_err();
        assert!(
            e.message.contains("this script is an exercise"),
            "{}",
            e.message
        );
        let e = parse_seeded("let n = banana\nB listen\nA connect\nA send $n\n", None).unwrap_err();
        assert_eq!((e.line, e.column), (4, 8));
        assert!(e.message.ends_with("(with $n = banana)"), "{}", e.message);
        let (script, instance) = parse_seeded("let n = 1..9\nA send $n\n", Some(3)).unwrap();
        let value: u32 = instance.bindings[0].value.parse().unwrap();
        assert_eq!(
            script.lines[0].command,
            Command::Call {
                peer: Peer::A,
                call: Call::Send(value)
            }
        );
    }

    #[test]
    fn ask_needs_a_step_and_titles_are_unique() {
        let e = parse("B listen\nask B\nexpect B LISTEN\n").unwrap_err();
        assert_eq!(e.line, 2);
        assert!(e.message.contains("no step after it"), "{}", e.message);
        let e = parse("ask A\nask B\nB listen\n").unwrap_err();
        assert_eq!(e.line, 2);
        let e = parse("title en One\ntitle zh 一\ntitle en Two\n").unwrap_err();
        assert_eq!(e.line, 3);
        assert!(e.message.contains("first is on line 1"), "{}", e.message);
    }

    #[test]
    fn bad_settings_are_parse_errors_at_the_bad_word() {
        let err = |text: &str| parse_line(4, text).unwrap_err();
        let e = err("set mss banana");
        assert_eq!((e.line, e.column), (4, 9));
        assert_eq!(
            e.message,
            "`banana` is not a segment size from 1 to 65535 (for `mss`)"
        );
        let e = err("  set   mtu 1500");
        assert_eq!(e.column, 9);
        assert!(
            e.message
                .starts_with("unknown setting `mtu` (known: isn.A, isn.B, msl,"),
            "{}",
            e.message
        );
        let e = err("set window");
        assert_eq!(e.column, 11);
        assert_eq!(
            e.message,
            "missing value for `window` (a window from 0 to 1073725440 bytes)"
        );
        let e = err("set retries 51 # too many");
        assert_eq!(e.column, 13);
        assert!(e.message.contains("from 0 to 50"), "{}", e.message);
        let e = err("set latency 50");
        assert_eq!(e.column, 13);
        assert!(e.message.contains("needs a unit"), "{}", e.message);
        let e = err("set delivery auto now");
        assert_eq!(e.column, 19);
        // A whole script with one is refused before anything runs.
        let e = run_source("B listen\nA connect\nset loss 200%\ndeliver s1\n").unwrap_err();
        assert_eq!((e.line, e.column), (3, 10));
        assert!(e.message.contains("percentage"), "{}", e.message);
    }

    #[test]
    fn settings_parse_typed_and_print_canonically() {
        assert_eq!(one("set loss 1"), Command::Set(Setting::Loss(10_000)));
        assert_eq!(one("set loss 1").to_string(), "set loss 1%");
        assert_eq!(
            one("set msl 120s"),
            Command::Set(Setting::Msl(Duration::from_secs(120)))
        );
        assert_eq!(one("set msl 120s").to_string(), "set msl 2min");
        assert_eq!(one("set isn.B 7"), Command::Set(Setting::Isn(Peer::B, 7)));
    }

    #[test]
    fn inject_and_expect_read_the_same_segment_spec() {
        let spec = SegmentSpec {
            from: Peer::B,
            flags: Flags::SYN | Flags::ACK,
            seq: Num::Rel(0),
            ack: Some(Num::Abs(101)),
            len: 0,
            win: Some(100),
            options: SpecOptions::UNLISTED,
        };
        assert_eq!(
            one("inject B->A SYN,ACK seq=0 ack=@101 win=100 inflight"),
            Command::Inject {
                spec,
                in_flight: true
            }
        );
        assert_eq!(
            one("expect s2 B->A SYN,ACK seq=0 ack=@101 win=100"),
            Command::ExpectSegment {
                label: Label(2),
                spec
            }
        );
        // The same errors, at the same columns, in both.
        for (prefix, offset) in [("inject", 0), ("expect s1", 3)] {
            let e = parse_line(1, &format!("{prefix} A->B ACK seq=1")).unwrap_err();
            assert_eq!(e.column, 13 + offset, "{prefix}");
            assert_eq!(e.message, "the ACK flag needs ack=<n>");
            let e = parse_line(1, &format!("{prefix} A->B SYN seq=1 win=70000")).unwrap_err();
            assert_eq!(e.column, 23 + offset, "{prefix}");
            assert_eq!(e.message, "win=70000 is above 65535");
        }
    }

    #[test]
    fn expect_checks_the_window_only_when_given() {
        let run = |expect: &str| {
            run_source(&format!("B listen\nA connect\ndeliver s1\n{expect}\n")).unwrap()
        };
        assert!(run("expect s2 B->A SYN,ACK seq=0 ack=1").passed());
        assert!(run("expect s2 B->A SYN,ACK seq=0 ack=1 win=65535").passed());
        let failed = run("expect s2 B->A SYN,ACK seq=0 ack=1 win=100");
        assert_eq!(
            failed.failures[0].message,
            "expected `expect s2 B->A SYN,ACK seq=0 ack=1 win=100`, but the segment was \
             `s2 B->A SYN,ACK seq=0 ack=1 win=65535`"
        );
    }

    #[test]
    fn segment_options_parse_and_print_back_in_inject_and_expect() {
        for text in [
            "A->B SYN seq=0 mss=1460 wscale=7 sackok ts=100/0",
            "B->A ACK seq=1 ack=1001 ts=250/200 sack=2001-4001,5001-6001",
            "B->A ACK seq=1 ack=1001 sack=@4101-@5101,4294967291-4294967295,7001-8001,1-2",
            "A->B SYN seq=0 win=65535 wscale=15",
            "A->B ACK seq=1 ack=1 mss=none sackok=none sack=none",
            "A->B ACK seq=1 ack=1 options=none",
        ] {
            for prefix in ["inject", "expect s3"] {
                let line = format!("{prefix} {text}");
                assert_eq!(one(&line).to_string(), line);
            }
        }
        let Command::ExpectSegment { spec, .. } =
            one("expect s4 B->A ACK seq=1 ack=1001 sack=2001-4001,@7--9 ts=5/6 wscale=none")
        else {
            panic!("an expect line");
        };
        assert_eq!(
            spec.options,
            SpecOptions {
                wscale: OptionCheck::Absent,
                timestamps: OptionCheck::Present((5, 6)),
                sack: OptionCheck::Present(
                    SackBlocks::new(&[
                        (Num::Rel(2001), Num::Rel(4001)),
                        // A relative number may be negative, modulo 2^32 as seq= is.
                        (Num::Abs(7), Num::Rel(9u32.wrapping_neg()))
                    ])
                    .unwrap()
                ),
                ..SpecOptions::UNLISTED
            }
        );
        // Each option written `=none` is `options=none`, printed the short way.
        assert_eq!(
            one("expect s1 A->B SYN seq=0 mss=none wscale=none sackok=none ts=none sack=none")
                .to_string(),
            "expect s1 A->B SYN seq=0 options=none"
        );
    }

    #[test]
    fn bad_option_text_is_an_error_at_its_column() {
        // `inject A->B ACK seq=1 ack=1 ` is 28 characters: the option starts at column 29.
        let cases = [
            ("mss=65536", 29, "mss=65536: `65536` is above 65535"),
            ("mss", 29, "`mss` needs a value: mss=<bytes>"),
            ("wscale=-1", 29, "not a number from 0 to 255"),
            ("wscale=256", 29, "`256` is above 255"),
            ("sackok=yes", 29, "SACK-permitted has no value"),
            ("ts=100", 29, "ts=100: missing `/`"),
            ("ts=1/x", 29, "TSecr `x` is not a number"),
            ("sack=1001-2001,3001", 44, "sack block `3001`: missing `-`"),
            ("sack=1001-2001,30x1-4001", 44, "`30x1` is not a sequence number"),
            ("sack=1-2,3-4,5-6,7-8,9-10", 50, "a fifth SACK block"),
            ("sack=", 34, "sack block ``: missing `-`"),
            ("options=some", 29, "only `options=none`"),
            ("mss=1 mss=2", 35, "`mss` given twice"),
            ("options=none ts=1/2", 42, "options=none says there is no option at all"),
            ("sackok options=none", 36, "options=none says there is no option at all"),
            ("nop", 29, "`nop`: expected key=value or an option (one of seq, ack, len, win, mss, wscale, sackok, ts, sack, options)"),
            ("tsval=1", 29, "unknown field `tsval`"),
        ];
        for (option, column, message) in cases {
            for (prefix, shift) in [("inject", 0), ("expect s9", 3)] {
                let text = format!("{prefix} A->B ACK seq=1 ack=1 {option}");
                let e = parse_line(7, &text).unwrap_err();
                assert_eq!((e.line, e.column), (7, column + shift), "{text}: {e}");
                assert!(e.message.contains(message), "{text}: {e}");
            }
        }
        // SACK blocks extend an acknowledgment: without the ACK flag they are refused, at the
        // blocks; `sack=none` is fine.
        let e = parse_line(1, "inject A->B SYN seq=0 wscale=2 sack=1-2").unwrap_err();
        assert_eq!(e.column, 32);
        assert!(e.message.contains("sack= blocks need the ACK flag"), "{e}");
        assert!(parse_line(1, "expect s1 A->B SYN seq=0 sack=none").is_ok());
    }

    #[test]
    fn expect_checks_the_listed_options_exactly_and_no_other() {
        let run = |expect: &str| {
            run_source(&format!(
                "set wscale 2\nset sack on\nset timestamps on\nB listen\nA connect\n\
                 wait 50ms\ndeliver s1\nwait 50ms\ndeliver s2\n{expect}\n"
            ))
            .unwrap()
        };
        for good in [
            "expect s1 A->B SYN seq=0",
            "expect s1 A->B SYN seq=0 wscale=2",
            "expect s1 A->B SYN seq=0 mss=1460 wscale=2 sackok ts=0/0 sack=none",
            "expect s2 B->A SYN,ACK seq=0 ack=1 sackok ts=50/0",
            "expect s3 A->B ACK seq=1 ack=1 ts=100/50 wscale=none sackok=none mss=none",
        ] {
            let outcome = run(good);
            assert!(outcome.passed(), "{good}: {:?}", outcome.failures);
        }
        let failed = run("expect s1 A->B SYN seq=0 wscale=3 sack=none");
        assert_eq!(
            failed.failures[0].message,
            "expected `expect s1 A->B SYN seq=0 wscale=3 sack=none`, but the segment was \
             `s1 A->B SYN seq=0 mss=1460 wscale=2 sackok ts=0/0 sack=none`"
        );
        let failed = run("expect s3 A->B ACK seq=1 ack=1 options=none");
        assert!(
            failed.failures[0]
                .message
                .ends_with("but the segment was `s3 A->B ACK seq=1 ack=1 ts=100/50`"),
            "{}",
            failed.failures[0].message
        );
    }

    #[test]
    fn expect_checks_sack_blocks_in_order_relative_to_the_ack() {
        // MSS 1000, A sends 4000 and the second segment is lost: B's duplicate ACKs carry the
        // blocks above the hole, the newest arrival's first (RFC 2018 §4).
        let src = "set sack on\nset delack off\nset mss 1000\nset isn.B 5000\nB listen\n\
                   A connect\ndeliver s1\ndeliver s2\ndeliver s3\nA send 4000\ndrop s5\n\
                   deliver s4\ndeliver s7\ndeliver s6\n";
        let run = |expect: &str| run_source(&format!("{src}{expect}\n")).unwrap();
        for good in [
            "expect s8 B->A ACK seq=1 ack=1001 sack=none",
            "expect s9 B->A ACK seq=1 ack=1001 sack=3001-4001",
            "expect s10 B->A ACK seq=1 ack=1001 sack=2001-4001",
            "expect s10 B->A ACK seq=1 ack=1001 sack=@2101-@4101",
        ] {
            let outcome = run(good);
            assert!(outcome.passed(), "{good}: {:?}", outcome.failures);
        }
        let failed = run("expect s10 B->A ACK seq=1 ack=1001 sack=2001-3001,3001-4001");
        assert!(
            failed.failures[0]
                .message
                .ends_with("was `s10 B->A ACK seq=1 ack=1001 sack=2001-4001`"),
            "{}",
            failed.failures[0].message
        );
        // Written absolute, the blocks are shown absolute.
        let failed = run("expect s10 B->A ACK seq=1 ack=1001 sack=@1-@2");
        assert!(
            failed.failures[0].message.contains("sack=@2101-@4101"),
            "{}",
            failed.failures[0].message
        );
    }

    #[test]
    fn an_injected_syn_carries_its_options_and_the_listener_agrees_per_rfc_7323() {
        // B offers shift 2 and SACK; the injected SYN offers shift 7, SACK and a 500-byte MSS.
        let src = "set wscale 2\nset sack on\nset delack off\nB listen\n\
                   inject A->B SYN seq=0 win=1000 mss=500 wscale=7 sackok\n\
                   expect s1 A->B SYN seq=0 win=1000 mss=500 wscale=7 sackok ts=none\n\
                   expect s2 B->A SYN,ACK seq=0 ack=1 mss=1460 wscale=2 sackok ts=none\n\
                   inject A->B ACK seq=1 ack=1 win=100\nexpect B ESTABLISHED\n\
                   B send 3000\nexpect s4 B->A ACK seq=1 ack=1 len=500\n";
        let outcome = run_source(src).unwrap();
        assert!(outcome.passed(), "{:?}", outcome.failures);
        // The window field of the ACK is scaled by A's shift: 100 << 7 (RFC 7323 §2.3).
        assert_eq!(outcome.sim.endpoint(Peer::B).tcb().snd_wnd, 12_800);
        // A SYN without the option: B's SYN,ACK does not offer it either (RFC 7323 §1.3).
        let plain = run_source(
            "set wscale 2\nB listen\ninject A->B SYN seq=0\n\
             expect s2 B->A SYN,ACK seq=0 ack=1 mss=1460 wscale=none\n",
        )
        .unwrap();
        assert!(plain.passed(), "{:?}", plain.failures);
        // Injected SACK blocks are carried, counted from the receiver's ISN like the ACK.
        let sack = run_source(
            "B listen\nA connect\ndeliver s1\ndeliver s2\n\
             inject B->A ACK seq=1 ack=1 sack=101-201,@7-@9\n\
             expect s4 B->A ACK seq=1 ack=1 sack=101-201,@7-@9\n",
        )
        .unwrap();
        assert!(sack.passed(), "{:?}", sack.failures);
        let blocks = sack.sim.segment(Label(4)).unwrap().segment.options;
        assert_eq!(blocks.sack_blocks(), &[(201, 301), (7, 9)]);
    }

    #[test]
    fn expect_checks_cwnd_and_ssthresh() {
        // MSS 1460 on both sides: RFC 5681 §3.1 gives three segments, 4380 bytes.
        let run = |expect: &str| {
            run_source(&format!(
                "B listen\nA connect\ndeliver s1\ndeliver s2\n{expect}\n"
            ))
            .unwrap()
        };
        assert!(run("expect A cwnd 4380\nexpect A ssthresh 65535").passed());
        let failed = run("expect A cwnd 1460");
        assert_eq!(
            failed.failures[0].message,
            "expected A's cwnd to be 1460, but it is 4380"
        );
        assert!(
            run("set iw 10\nexpect A cwnd 4380").passed(),
            "iw applies at ESTABLISHED"
        );
        let err = run_source("expect A cwnd lots\n").unwrap_err();
        assert!(err.to_string().contains("lots"), "{err}");
        let err = run_source("expect A cwnd 4294967296\n").unwrap_err();
        assert!(err.to_string().contains("more than 4294967295"), "{err}");
    }

    #[test]
    fn lesson_lines_do_not_change_the_run() {
        let plain = "B listen\nA connect\ndeliver s1\nexpect B SYN_RCVD\n";
        let lesson = "# Lesson\ntitle en T\ntitle zh 标题\nsay en Listen.\nsay zh 监听。\nB listen\nask B\nA connect\nsay en Deliver.\nsay zh 送达。\ndeliver s1\nexpect B SYN_RCVD\nsay en Done.\nsay zh 完。\n";
        let a = run_source(plain).unwrap();
        let b = run_source(lesson).unwrap();
        assert!(a.passed() && b.passed());
        assert_eq!(a.sim.trace(), b.sim.trace());
    }
}
