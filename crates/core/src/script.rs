//! The scenario script format (`.tcps`): parsing, and running a script against a [`Sim`].
//!
//! One command per line; `#` starts a comment. See the README for the full contract.

use core::fmt;

use crate::endpoint::Call;
use crate::segment::{Flags, Segment};
use crate::seq::SeqNum;
use crate::sim::{Sim, SimError};
use crate::state::State;
use crate::time::Duration;
use crate::trace::{Label, Peer};

/// A sequence or acknowledgment number in a script: relative (`5`, `-1`) or absolute (`@5`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Num {
    Rel(u32),
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

/// One script command.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    Set {
        key: String,
        value: String,
    },
    Call {
        peer: Peer,
        call: Call,
    },
    Deliver(Label),
    Drop(Label),
    Dup(Label),
    Hold(Label),
    Inject {
        from: Peer,
        flags: Flags,
        seq: Num,
        ack: Option<Num>,
        len: u32,
        win: Option<u16>,
        /// *(extension)* The segment enters the network like any other and stays in flight,
        /// instead of arriving at once.
        in_flight: bool,
    },
    Wait(Duration),
    ExpectState {
        peer: Peer,
        state: State,
    },
    ExpectSegment {
        label: Label,
        from: Peer,
        flags: Flags,
        seq: Num,
        ack: Option<Num>,
        len: u32,
    },
    ExpectInFlight(Vec<Label>),
    ExpectReceived {
        peer: Peer,
        bytes: u64,
    },
}

impl fmt::Display for Command {
    /// The command as a script line, so that UI actions can be recorded as a script.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Command::Set { key, value } => write!(f, "set {key} {value}"),
            Command::Call { peer, call } => write!(f, "{peer} {call}"),
            Command::Deliver(l) => write!(f, "deliver {l}"),
            Command::Drop(l) => write!(f, "drop {l}"),
            Command::Dup(l) => write!(f, "dup {l}"),
            Command::Hold(l) => write!(f, "hold {l}"),
            Command::Inject {
                from,
                flags,
                seq,
                ack,
                len,
                win,
                in_flight,
            } => {
                write!(f, "inject {from}->{} {flags} seq={seq}", from.other())?;
                if let Some(ack) = ack {
                    write!(f, " ack={ack}")?;
                }
                if *len > 0 {
                    write!(f, " len={len}")?;
                }
                if let Some(win) = win {
                    write!(f, " win={win}")?;
                }
                if *in_flight {
                    f.write_str(" inflight")?;
                }
                Ok(())
            }
            Command::Wait(d) => write!(f, "wait {d}"),
            Command::ExpectState { peer, state } => write!(f, "expect {peer} {state}"),
            Command::ExpectSegment {
                label,
                from,
                flags,
                seq,
                ack,
                len,
            } => {
                write!(
                    f,
                    "expect {label} {from}->{} {flags} seq={seq}",
                    from.other()
                )?;
                if let Some(ack) = ack {
                    write!(f, " ack={ack}")?;
                }
                if *len > 0 {
                    write!(f, " len={len}")?;
                }
                Ok(())
            }
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
        }
    }
}

/// A command with where it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    /// 1-based line number.
    pub line: usize,
    pub command: Command,
}

/// A parsed script.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Script {
    pub lines: Vec<Line>,
}

/// A parse or run error, at a 1-based line and column.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScriptError {
    pub line: usize,
    pub column: usize,
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

    /// `key=value` options after a segment's flags.
    fn segment_fields(&mut self, allowed: &[&str]) -> Result<SegmentFields, ScriptError> {
        let mut f = SegmentFields::default();
        let mut seen: Vec<&str> = Vec::new();
        while let Some(t) = self.peek() {
            self.pos += 1;
            let Some((key, value)) = t.text.split_once('=') else {
                return Err(self.error(
                    t.column,
                    format!(
                        "`{}`: expected key=value (one of {})",
                        t.text,
                        allowed.join(", ")
                    ),
                ));
            };
            let Some(&key) = allowed.iter().find(|&&k| k == key) else {
                return Err(self.error(
                    t.column,
                    format!("unknown field `{key}` (expected {})", allowed.join(", ")),
                ));
            };
            if seen.contains(&key) {
                return Err(self.error(t.column, format!("`{key}=` given twice")));
            }
            seen.push(key);
            match key {
                "seq" => f.seq = Some(self.num(t, value)?),
                "ack" => f.ack = Some(self.num(t, value)?),
                "len" => {
                    let n = self.u64_value(t, value, "a length in bytes")?;
                    f.len = u32::try_from(n)
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
                    f.win = Some(u16::try_from(n).map_err(|_| {
                        self.error(t.column, format!("win={value} is above 65535"))
                    })?);
                }
                _ => unreachable!("`allowed` only holds the keys matched above"),
            }
        }
        Ok(f)
    }

    fn num(&self, t: Token<'_>, text: &str) -> Result<Num, ScriptError> {
        let bad = || {
            self.error(
                t.column,
                format!("`{text}` is not a sequence number (e.g. 1, -1 or @1000)"),
            )
        };
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
}

/// The largest payload a script may put in one segment.
pub const MAX_SEGMENT_LEN: u32 = 65_535;

/// The most bytes one `send` may queue.
pub const MAX_SEND: u64 = 1 << 30;

#[derive(Default)]
struct SegmentFields {
    seq: Option<Num>,
    ack: Option<Num>,
    len: u32,
    win: Option<u16>,
}

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
    let mut p = LineParser::new(line, text);
    let Some(first) = p.peek() else {
        return Ok(None);
    };
    p.pos += 1;
    let command = match first.text {
        "set" => {
            let key = p.next("setting name")?;
            let value = p.next("setting value")?;
            Command::Set {
                key: key.text.to_string(),
                value: value.text.to_string(),
            }
        }
        "A" | "B" => {
            let peer = parse_peer(first.text).unwrap_or(Peer::A);
            let verb = p.next("call (listen, connect, send, close, abort, crash)")?;
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
                "abort" => Call::Abort,
                "crash" => Call::Crash,
                other => {
                    return Err(p.error(
                        verb.column,
                        format!("unknown call `{other}` (listen, connect, send <n>, close, abort, crash)"),
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
            let from = p.direction()?;
            let flags_at = p.peek().map_or(p.end_column, |t| t.column);
            let flags = p.flags()?;
            // A trailing `inflight` keeps the segment on the network instead of delivering it.
            let in_flight = p.tokens.last().is_some_and(|t| t.text == "inflight") && p.tokens.len() > p.pos;
            if in_flight {
                p.tokens.pop();
            }
            let f = p.segment_fields(&["seq", "ack", "len", "win"])?;
            let seq = f.seq.ok_or_else(|| p.error(p.end_column, "missing seq="))?;
            check_ack_flag(&p, flags_at, flags, f.ack.is_some())?;
            Command::Inject {
                from,
                flags,
                seq,
                ack: f.ack,
                len: f.len,
                win: f.win,
                in_flight,
            }
        }
        "wait" => {
            let t = p.next("duration (e.g. 200ms, 1s, 2min)")?;
            Command::Wait(t.text.parse().map_err(|m: String| p.error(t.column, m))?)
        }
        "expect" => parse_expect(&mut p)?,
        other => {
            return Err(p.error(
                first.column,
                format!("unknown command `{other}` (set, A, B, deliver, drop, dup, hold, inject, wait, expect)"),
            ))
        }
    };
    p.finish()?;
    Ok(Some(command))
}

fn check_ack_flag(
    p: &LineParser<'_>,
    column: usize,
    flags: Flags,
    has_ack: bool,
) -> Result<(), ScriptError> {
    match (flags.ack(), has_ack) {
        (true, false) => Err(p.error(column, "the ACK flag needs ack=<n>")),
        (false, true) => Err(p.error(column, "ack= needs the ACK flag")),
        _ => Ok(()),
    }
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
        let what = p.next("a state or `received <n>`")?;
        if what.text == "received" {
            let n = p.next("number of bytes")?;
            let bytes = p.u64_value(n, n.text, "a number of bytes")?;
            return Ok(Command::ExpectReceived { peer, bytes });
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
        let from = p.direction()?;
        let flags_at = p.peek().map_or(p.end_column, |t| t.column);
        let flags = p.flags()?;
        let f = p.segment_fields(&["seq", "ack", "len"])?;
        let seq = f.seq.ok_or_else(|| p.error(p.end_column, "missing seq="))?;
        check_ack_flag(p, flags_at, flags, f.ack.is_some())?;
        return Ok(Command::ExpectSegment {
            label,
            from,
            flags,
            seq,
            ack: f.ack,
            len: f.len,
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

/// Parses a whole script, stopping at the first error.
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
    Ok(Script { lines })
}

/// Runs one command. `Ok(Some(message))` is a failed expectation; `Err` is an action the
/// simulation cannot perform, which ends a script run.
pub fn execute(sim: &mut Sim, command: &Command) -> Result<Option<String>, SimError> {
    match command {
        Command::Set { key, value } => sim.set(key, value)?,
        Command::Call { peer, call } => {
            // A call the RFC rejects is logged in the trace; it is not a script error.
            let _ = sim.call(*peer, *call);
        }
        Command::Deliver(l) => sim.deliver(*l)?,
        Command::Drop(l) => sim.drop_segment(*l)?,
        Command::Dup(l) => sim.duplicate(*l)?,
        Command::Hold(l) => sim.hold(*l)?,
        Command::Inject {
            from,
            flags,
            seq,
            ack,
            len,
            win,
            in_flight,
        } => {
            let to = from.other();
            let segment = Segment {
                seq: seq.resolve(sim.isn_base(*from)),
                ack: ack.map_or(SeqNum(0), |a| a.resolve(sim.isn_base(to))),
                flags: *flags,
                window: win.unwrap_or(sim.endpoint(*from).config().window),
                len: *len,
                mss: None,
            };
            if *in_flight {
                sim.inject_in_flight(*from, segment);
            } else {
                sim.inject(*from, segment);
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
        Command::ExpectSegment {
            label,
            from,
            flags,
            seq,
            ack,
            len,
        } => {
            return Ok(check_segment(
                sim, command, *label, *from, *flags, *seq, *ack, *len,
            ))
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

#[allow(clippy::too_many_arguments)]
fn check_segment(
    sim: &Sim,
    command: &Command,
    label: Label,
    from: Peer,
    flags: Flags,
    seq: Num,
    ack: Option<Num>,
    len: u32,
) -> Option<String> {
    let Some(rec) = sim.segment(label) else {
        return Some(format!("{label} has not been sent yet"));
    };
    let seg = &rec.segment;
    let seq_ok = match seq {
        Num::Rel(n) => rec.rel_seq == n,
        Num::Abs(n) => seg.seq.0 == n,
    };
    let ack_ok = match (ack, rec.rel_ack) {
        (None, None) => true,
        (Some(Num::Rel(n)), Some(actual)) => actual == n,
        (Some(Num::Abs(n)), Some(_)) => seg.ack.0 == n,
        _ => false,
    };
    let same_flags = seg.flags.without(Flags::PSH) == flags.without(Flags::PSH);
    if rec.from == from && same_flags && seq_ok && ack_ok && seg.len == len {
        return None;
    }
    let mut actual = format!("{} {}->{} {}", label, rec.from, rec.to, rec.summary());
    if matches!(seq, Num::Abs(_)) || matches!(ack, Some(Num::Abs(_))) {
        actual += &format!(" (absolute: {})", rec.summary_absolute());
    }
    Some(format!(
        "expected `{command}`, but the segment was `{actual}`"
    ))
}

/// What running a script produced.
#[derive(Clone, Debug)]
pub struct Outcome {
    pub sim: Sim,
    /// Failed expectations, in script order.
    pub failures: Vec<ScriptError>,
    /// The error that stopped the run early, if one did.
    pub error: Option<ScriptError>,
}

impl Outcome {
    pub fn passed(&self) -> bool {
        self.failures.is_empty() && self.error.is_none()
    }
}

/// Runs a parsed script from a fresh simulator.
pub fn run(script: &Script) -> Outcome {
    let mut sim = Sim::new();
    let mut failures = Vec::new();
    for line in &script.lines {
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
    }
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
