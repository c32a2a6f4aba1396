//! "Predict the segment": the segment a peer sends in a step (`ask segment A` before it), and
//! a learner's guess at it checked field by field (flags, seq, ack, len), each field with
//! the reason its value is what it is and the RFC section that says so.
//!
//! The answer is always what the engine sent: nothing here computes a segment on its own.
//! What this module adds is why: each field's reason is chosen from the segment's flags, how
//! it was sent (first transmission, retransmission) and the rule the log gives for it.

use core::fmt;

use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};

use crate::rule::Rule;
use crate::script::{self, Command, Num, Numbers};
use crate::segment::Flags;
use crate::trace::{Event, Label, Origin, Peer, SegmentRecord, TraceEvent};
use crate::Language;

macro_rules! reasons {
    ($( $name:ident => $section:literal, $en:literal, $zh:literal; )*) => {
        /// Why a field of a segment has its value.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Reason {
            $( #[doc = $en] $name, )*
        }

        impl Reason {
            /// Every reason, for translation tables and tests.
            pub const ALL: &'static [Reason] = &[$(Reason::$name),*];

            /// The RFC 9293 section that says so.
            pub fn section(self) -> &'static str {
                match self { $(Reason::$name => $section,)* }
            }

            /// The reason in `lang`.
            pub fn text(self, lang: Language) -> &'static str {
                match lang {
                    Language::En => match self { $(Reason::$name => $en,)* },
                    Language::Zh => match self { $(Reason::$name => $zh,)* },
                }
            }

            /// The variant's name, a stable key.
            pub fn key(self) -> &'static str {
                match self { $(Reason::$name => stringify!($name),)* }
            }
        }
    };
}

reasons! {
    FlagsSyn => "3.10.1",
        "An active OPEN starts with a SYN alone: there is nothing to acknowledge yet, so the ACK flag is off.",
        "主动打开的第一个报文段只有 SYN：还没有什么可以确认，所以 ACK 标志不置位。";
    FlagsSynAck => "3.10.7.2",
        "The answer to a SYN is a SYN of one's own that also acknowledges the peer's: SYN,ACK.",
        "对 SYN 的回答是自己的 SYN，同时确认对方的 SYN：SYN,ACK。";
    FlagsFin => "3.10.4",
        "After CLOSE, a FIN follows the last byte queued; like every segment after the first SYN, it carries ACK.",
        "调用 CLOSE 之后，FIN 跟在排队的最后一个字节后面；和第一个 SYN 之后的每个报文段一样，它也带 ACK。";
    FlagsAck => "3.10.7.4",
        "Every segment after the first SYN carries the ACK flag, data segments included. (PSH, set on the last segment of a send, is not asked for.)",
        "第一个 SYN 之后的每个报文段都带 ACK 标志，数据报文段也不例外。（一次发送的最后一个报文段会带 PSH，这里不考。）";
    FlagsRst => "3.10.7.1",
        "A reset, RST alone: it answers a segment that carried an ACK, or the user aborted.",
        "复位报文段，只有 RST：它回应一个带 ACK 的报文段，或者是用户调用了 ABORT。";
    FlagsRstAck => "3.10.7.1",
        "A reset that answers a segment without an ACK must acknowledge that segment: RST,ACK.",
        "回应一个不带 ACK 的报文段时，复位报文段必须确认该报文段：RST,ACK。";
    SeqIss => "3.4.1",
        "A SYN carries the sender's initial sequence number, the ISS: relative seq 0.",
        "SYN 携带发送方的初始序号 ISS：相对序号为 0。";
    SeqSndNxt => "3.3.1",
        "A new segment starts at SND.NXT, the first sequence number not sent yet: the ISS, plus 1 for the SYN, plus every byte sent since (and 1 for a FIN).",
        "新的报文段从 SND.NXT 开始，即还没发送过的第一个序号：ISS 加上 SYN 占的 1，再加上此后发送的每个字节（FIN 也占 1）。";
    SeqRetransmit => "3.8.1",
        "A retransmission sends the oldest unacknowledged segment again, with the sequence number it had the first time.",
        "重传再次发送最早的未被确认的报文段，序号与第一次发送时相同。";
    SeqAbort => "3.10.5",
        "ABORT sends <SEQ=SND.NXT><CTL=RST>: the next sequence number the peer expects from us.",
        "ABORT 发送 <SEQ=SND.NXT><CTL=RST>：对方期待的下一个序号。";
    SeqFromAck => "3.10.7.1",
        "A reset answering a segment with an ACK takes that ACK as its own seq, <SEQ=SEG.ACK><CTL=RST>, so that it falls in the receiver's window.",
        "回应带 ACK 的报文段时，复位报文段把对方的 ACK 号用作自己的序号 <SEQ=SEG.ACK><CTL=RST>，这样它正好落在接收方的窗口里。";
    SeqZero => "3.10.7.1",
        "A reset answering a segment without an ACK has seq 0 and acknowledges it: <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>.",
        "回应不带 ACK 的报文段时，复位报文段的序号为 0 并确认该报文段：<SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>。";
    SeqKeepalive => "3.8.4",
        "A keep-alive probe carries SND.NXT-1, a byte the peer has already acknowledged, so the peer must answer with an ACK.",
        "保活探测报文段的序号是 SND.NXT-1，对方已经确认过的字节，所以对方必须回一个 ACK。";
    AckRcvNxt => "3.3.1",
        "The acknowledgment number is RCV.NXT, the next sequence number expected from the peer: a SYN and a FIN take one number each, data one per byte.",
        "确认号就是 RCV.NXT，即期待对方发来的下一个序号：SYN 和 FIN 各占一个序号，数据每字节占一个。";
    AckNone => "3.1",
        "The ACK flag is off, so the acknowledgment number means nothing: there is none to give.",
        "ACK 标志没有置位，确认号没有意义：不用填写。";
    AckSegEnd => "3.10.7.1",
        "A RST,ACK acknowledges the segment it answers: SEG.SEQ+SEG.LEN of that segment.",
        "RST,ACK 确认它所回应的报文段：该报文段的 SEG.SEQ+SEG.LEN。";
    LenControl => "3.4",
        "No data: a SYN, a FIN, a RST or a bare ACK carries no payload (SYN and FIN take a sequence number, but they are not data).",
        "没有数据：SYN、FIN、RST 或单纯的 ACK 都不携带载荷（SYN 和 FIN 占一个序号，但它们不是数据）。";
    LenData => "3.7.1",
        "The data waiting to be sent, at most the MSS the peer announced (536 without one) and what its window allows.",
        "等待发送的数据，最多为对方通告的 MSS（没有通告时为 536），并且不超过对方窗口允许的量。";
    LenRetransmit => "3.8.1",
        "A retransmission carries the unacknowledged bytes of the segment it sends again.",
        "重传携带的是被重发报文段中尚未被确认的字节。";
    LenProbe => "3.8.6.1",
        "A zero-window probe sends one octet of new data into the closed window.",
        "零窗口探测向关闭的窗口发送一个字节的新数据。";
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} [§{}]", self.text(Language::En), self.section())
    }
}

/// Serialized with its section, so that a page can show it without this table.
impl Serialize for Reason {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Reason", 3)?;
        st.serialize_field("key", self.key())?;
        st.serialize_field("section", self.section())?;
        st.serialize_field("text", self.text(Language::En))?;
        st.end()
    }
}

/// A field of a segment the learner predicts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Field {
    /// The control bits (PSH aside).
    Flags,
    /// SEG.SEQ.
    Seq,
    /// SEG.ACK, or none when the ACK flag is off.
    Ack,
    /// The payload length.
    Len,
}

impl Field {
    /// The four fields, in the order a form shows them.
    pub const ALL: [Field; 4] = [Field::Flags, Field::Seq, Field::Ack, Field::Len];

    /// `flags`, `seq`, `ack`, `len`: as in a script's segment.
    pub fn name(self) -> &'static str {
        match self {
            Field::Flags => "flags",
            Field::Seq => "seq",
            Field::Ack => "ack",
            Field::Len => "len",
        }
    }
}

/// A learner's prediction, written as a script writes a segment: `SYN,ACK seq=0 ack=1`,
/// relative numbers or absolute ones with `@`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Guess {
    /// The control bits; PSH is ignored.
    pub flags: Flags,
    /// SEG.SEQ.
    pub seq: Num,
    /// SEG.ACK; `None` for "no ACK flag".
    pub ack: Option<Num>,
    /// Payload bytes.
    pub len: u32,
}

impl Guess {
    /// Reads `FLAGS seq=<n> [ack=<n>] [len=<n>]` with the script's own segment parser, so the
    /// same mistakes get the same messages (`the ACK flag needs ack=<n>`).
    pub fn parse(text: &str) -> Result<Guess, String> {
        // The parser reads a whole `inject` line; the prefix's columns are taken back off.
        const PREFIX: &str = "inject A->B ";
        let shown = |e: script::ScriptError| {
            let column = e.column.saturating_sub(PREFIX.len()).max(1);
            format!("column {column}: {}", e.message)
        };
        match script::parse_line(1, &format!("{PREFIX}{text}")).map_err(shown)? {
            Some(Command::Inject {
                spec,
                in_flight: false,
            }) if spec.win.is_none() && spec.options.is_unlisted() => Ok(Guess {
                flags: spec.flags,
                seq: spec.seq,
                ack: spec.ack,
                len: spec.len,
            }),
            Some(Command::Inject { .. }) => {
                Err("only flags, seq=, ack= and len= are asked for".to_string())
            }
            _ => Err("expected FLAGS seq=<n> [ack=<n>] [len=<n>]".to_string()),
        }
    }
}

/// One field of a checked guess.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FieldCheck {
    /// Which field.
    pub field: Field,
    /// The guess had it right.
    pub correct: bool,
    /// The value sent, written in the question's numbers (`none` for a missing ack).
    pub expected: String,
    /// The value guessed, as written.
    pub given: String,
    /// Why the value is what it is.
    pub reason: Reason,
}

/// A guess checked: one [`FieldCheck`] per field, in [`Field::ALL`] order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Feedback {
    /// Flags, seq, ack, len.
    pub fields: Vec<FieldCheck>,
    /// The rule the log gives for sending the segment, when it names one (a plain SEND of
    /// data has none).
    #[serde(serialize_with = "rule_key")]
    pub rule: Option<Rule>,
}

fn rule_key<S: Serializer>(rule: &Option<Rule>, s: S) -> Result<S::Ok, S::Error> {
    rule.map(Rule::key).serialize(s)
}

impl Feedback {
    /// Every field was right.
    pub fn correct(&self) -> bool {
        self.fields.iter().all(|f| f.correct)
    }
}

/// What `ask segment` asks: the segment a peer sent in a step, with the rule behind it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Question {
    /// Whose segment.
    pub peer: Peer,
    /// How the learner writes numbers.
    pub numbers: Numbers,
    /// The answer: the first segment the peer sent in the step.
    pub segment: SegmentRecord,
    /// The last rule the peer applied before sending it, when the log names one.
    pub rule: Option<Rule>,
}

impl Question {
    /// The first segment `peer` itself sent among `sent` (injected ones do not count).
    pub fn first_sent_by(sent: &[SegmentRecord], peer: Peer) -> Option<&SegmentRecord> {
        sent.iter()
            .find(|r| r.from == peer && r.origin != Origin::Injected)
    }

    /// The question for the step whose log is `events`: its first segment from `peer`.
    pub fn from_step(events: &[TraceEvent], peer: Peer, numbers: Numbers) -> Option<Question> {
        Question::find(events, peer, numbers, |_| true)
    }

    /// The question for segment `label`, sent by a peer in the step whose log is `events`
    /// ("fill the ladder" asks about any segment of a finished run). `None` when the step
    /// did not send it, or when it was injected: the script made it up, no rule explains it.
    pub fn for_label(events: &[TraceEvent], label: Label, numbers: Numbers) -> Option<Question> {
        let rec = events.iter().find_map(|e| match &e.event {
            Event::Sent(rec) if rec.label == label => Some(rec),
            _ => None,
        })?;
        Question::find(events, rec.from, numbers, |r| r.label == label)
    }

    /// The first segment `peer` sends in `events` that `wanted` accepts, with the last rule
    /// the peer applied before it.
    fn find(
        events: &[TraceEvent],
        peer: Peer,
        numbers: Numbers,
        wanted: impl Fn(&SegmentRecord) -> bool,
    ) -> Option<Question> {
        let mut rule = None;
        for e in events {
            match &e.event {
                Event::StateChange {
                    peer: p, rule: r, ..
                }
                | Event::Note {
                    peer: p, rule: r, ..
                } if *p == peer => {
                    rule = Some(*r);
                }
                Event::Sent(rec)
                    if rec.from == peer && rec.origin != Origin::Injected && wanted(rec) =>
                {
                    return Some(Question {
                        peer,
                        numbers,
                        segment: *rec,
                        rule,
                    });
                }
                _ => {}
            }
        }
        None
    }

    /// Why each field of the answer is what it is, in [`Field::ALL`] order.
    pub fn reasons(&self) -> [Reason; 4] {
        let rec = &self.segment;
        let flags = rec.segment.flags;
        let (syn, ack, fin, rst) = (flags.syn(), flags.ack(), flags.fin(), flags.rst());
        let retransmitted = rec.origin == Origin::Retransmission;
        let flags_reason = match () {
            _ if rst && ack => Reason::FlagsRstAck,
            _ if rst => Reason::FlagsRst,
            _ if syn && ack => Reason::FlagsSynAck,
            _ if syn => Reason::FlagsSyn,
            _ if fin => Reason::FlagsFin,
            _ => Reason::FlagsAck,
        };
        let seq = match () {
            _ if rst && self.rule == Some(Rule::AbortWithRst) => Reason::SeqAbort,
            _ if rst && ack => Reason::SeqZero,
            _ if rst => Reason::SeqFromAck,
            _ if syn => Reason::SeqIss,
            _ if retransmitted => Reason::SeqRetransmit,
            _ if self.rule == Some(Rule::KeepaliveProbe) => Reason::SeqKeepalive,
            _ => Reason::SeqSndNxt,
        };
        let ack_reason = match () {
            _ if !ack => Reason::AckNone,
            _ if rst => Reason::AckSegEnd,
            _ => Reason::AckRcvNxt,
        };
        let len = match () {
            _ if rec.segment.len == 0 => Reason::LenControl,
            _ if retransmitted => Reason::LenRetransmit,
            _ if self.rule == Some(Rule::ZeroWindowProbe) => Reason::LenProbe,
            _ => Reason::LenData,
        };
        [flags_reason, seq, ack_reason, len]
    }

    /// Checks `guess` field by field. A number is right when it names the value sent,
    /// whether written relative or absolute (`@`), whatever the question's numbers.
    pub fn check(&self, guess: &Guess) -> Feedback {
        let rec = &self.segment;
        let seg = &rec.segment;
        let number = |rel: u32, abs: u32| match self.numbers {
            Numbers::Relative => rel.to_string(),
            Numbers::Absolute => abs.to_string(),
        };
        let same = |num: Num, rel: u32, abs: u32| match num {
            Num::Rel(n) => n == rel,
            Num::Abs(n) => n == abs,
        };
        let expected_ack = rec.rel_ack.map(|rel| number(rel, seg.ack.0));
        let [flags_reason, seq_reason, ack_reason, len_reason] = self.reasons();
        let fields = vec![
            FieldCheck {
                field: Field::Flags,
                correct: guess.flags.without(Flags::PSH) == seg.flags.without(Flags::PSH),
                expected: seg.flags.without(Flags::PSH).to_string(),
                given: guess.flags.to_string(),
                reason: flags_reason,
            },
            FieldCheck {
                field: Field::Seq,
                correct: same(guess.seq, rec.rel_seq, seg.seq.0),
                expected: number(rec.rel_seq, seg.seq.0),
                given: guess.seq.to_string(),
                reason: seq_reason,
            },
            FieldCheck {
                field: Field::Ack,
                correct: match (guess.ack, rec.rel_ack) {
                    (None, None) => true,
                    (Some(num), Some(rel)) => same(num, rel, seg.ack.0),
                    _ => false,
                },
                expected: expected_ack.unwrap_or_else(|| "none".into()),
                given: guess.ack.map_or_else(|| "none".into(), |n| n.to_string()),
                reason: ack_reason,
            },
            FieldCheck {
                field: Field::Len,
                correct: guess.len == seg.len,
                expected: seg.len.to_string(),
                given: guess.len.to_string(),
                reason: len_reason,
            },
        ];
        Feedback {
            fields,
            rule: self.rule,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::script::run_source;

    /// The question `ask segment` would ask before the last line of `script`.
    fn question(script: &str, peer: Peer, numbers: Numbers) -> Question {
        let (before, _) = script.trim_end().rsplit_once('\n').unwrap();
        let start = run_source(before).unwrap().sim.trace().len();
        let sim = run_source(script).unwrap().sim;
        Question::from_step(&sim.trace()[start..], peer, numbers).expect("a segment was sent")
    }

    /// Every data segment acknowledged at once, so each step's answer is in that step.
    const ESTABLISHED: &str =
        "set delack off\nB listen\nA connect\ndeliver s1\ndeliver s2\ndeliver s3\n";

    #[test]
    fn the_syn_ack_checked_field_by_field_in_relative_and_absolute_numbers() {
        let q = question(
            "B listen\nA connect\ndeliver s1\n",
            Peer::B,
            Numbers::Relative,
        );
        assert_eq!(q.rule, Some(Rule::ListenSyn));
        let right = q.check(&Guess::parse("SYN,ACK seq=0 ack=1").unwrap());
        assert!(right.correct(), "{right:?}");
        // Absolute numbers name the same values: B's ISS 300, A's ISS 100 + 1.
        assert!(q
            .check(&Guess::parse("SYN,ACK seq=@300 ack=@101").unwrap())
            .correct());
        let wrong = q.check(&Guess::parse("SYN,ACK seq=1 ack=0").unwrap());
        let verdicts: Vec<(Field, bool, &str)> = wrong
            .fields
            .iter()
            .map(|f| (f.field, f.correct, f.expected.as_str()))
            .collect();
        assert_eq!(
            verdicts,
            [
                (Field::Flags, true, "SYN,ACK"),
                (Field::Seq, false, "0"),
                (Field::Ack, false, "1"),
                (Field::Len, true, "0"),
            ]
        );
        assert_eq!(wrong.fields[1].reason, Reason::SeqIss);
        assert_eq!(wrong.fields[2].reason, Reason::AckRcvNxt);
        // Shown in the question's numbers.
        let q = question(
            "B listen\nA connect\ndeliver s1\n",
            Peer::B,
            Numbers::Absolute,
        );
        let fb = q.check(&Guess::parse("SYN seq=0").unwrap());
        assert_eq!(fb.fields[1].expected, "300");
        assert_eq!(fb.fields[2].expected, "101");
        assert_eq!(fb.fields[2].given, "none");
        assert!(!fb.fields[0].correct && fb.fields[1].correct && !fb.fields[2].correct);
    }

    #[test]
    fn a_fin_after_data_takes_the_next_number_and_the_ack_counts_it() {
        let src = format!("{ESTABLISHED}A send 100\ndeliver s4\ndeliver s5\nA close\n");
        let q = question(&src, Peer::A, Numbers::Relative);
        let fb = q.check(&Guess::parse("FIN,ACK seq=101 ack=1").unwrap());
        assert!(fb.correct(), "{fb:?}");
        assert_eq!(
            q.reasons(),
            [
                Reason::FlagsFin,
                Reason::SeqSndNxt,
                Reason::AckRcvNxt,
                Reason::LenControl
            ]
        );
        let src = format!("{src}deliver s6\n");
        let q = question(&src, Peer::B, Numbers::Relative);
        assert!(q
            .check(&Guess::parse("ACK seq=1 ack=102").unwrap())
            .correct());
        assert!(!q
            .check(&Guess::parse("ACK seq=1 ack=101").unwrap())
            .correct());
    }

    #[test]
    fn resets_retransmissions_and_probes_get_their_own_reasons() {
        // A closed port answers a SYN (no ACK) with RST,ACK seq=0.
        let q = question("A connect\ndeliver s1\n", Peer::B, Numbers::Relative);
        assert_eq!(
            q.reasons(),
            [
                Reason::FlagsRstAck,
                Reason::SeqZero,
                Reason::AckSegEnd,
                Reason::LenControl
            ]
        );
        assert!(q
            .check(&Guess::parse("RST,ACK seq=0 ack=1").unwrap())
            .correct());
        // A listener answers an ACK with <SEQ=SEG.ACK><CTL=RST>.
        let q = question(
            "B listen\ninject A->B ACK seq=5 ack=@77\n",
            Peer::B,
            Numbers::Absolute,
        );
        assert_eq!(
            q.reasons()[..3],
            [Reason::FlagsRst, Reason::SeqFromAck, Reason::AckNone]
        );
        assert!(q.check(&Guess::parse("RST seq=@77").unwrap()).correct());
        // ABORT.
        let q = question(
            &format!("{ESTABLISHED}A abort\n"),
            Peer::A,
            Numbers::Relative,
        );
        assert_eq!(q.reasons()[1], Reason::SeqAbort);
        // The SYN sent again after the RTO.
        let q = question("A connect\nwait 1s\n", Peer::A, Numbers::Relative);
        assert_eq!(q.reasons()[..2], [Reason::FlagsSyn, Reason::SeqIss]);
        let q = question(
            &format!("{ESTABLISHED}A send 10\nwait 1s\n"),
            Peer::A,
            Numbers::Relative,
        );
        assert_eq!(
            q.reasons(),
            [
                Reason::FlagsAck,
                Reason::SeqRetransmit,
                Reason::AckRcvNxt,
                Reason::LenRetransmit
            ]
        );
        assert!(q
            .check(&Guess::parse("ACK seq=1 ack=1 len=10").unwrap())
            .correct());
        // A zero-window probe: one byte.
        let src = format!("{ESTABLISHED}inject B->A ACK seq=1 ack=1 win=0\nA send 5\nwait 1s\n");
        let q = question(&src, Peer::A, Numbers::Relative);
        assert_eq!(q.reasons()[3], Reason::LenProbe);
        assert!(q
            .check(&Guess::parse("ACK seq=1 ack=1 len=1").unwrap())
            .correct());
        // A keep-alive probe carries SND.NXT-1.
        let src = format!("set keepalive 10s\n{ESTABLISHED}wait 10s\n");
        let q = question(&src, Peer::A, Numbers::Relative);
        assert_eq!(q.reasons()[1], Reason::SeqKeepalive);
        assert!(q.check(&Guess::parse("ACK seq=0 ack=1").unwrap()).correct());
    }

    #[test]
    fn guesses_parse_like_segments_and_say_what_is_wrong() {
        assert_eq!(
            Guess::parse("SYN,ACK seq=0 ack=@101 len=3"),
            Ok(Guess {
                flags: Flags::SYN | Flags::ACK,
                seq: Num::Rel(0),
                ack: Some(Num::Abs(101)),
                len: 3
            })
        );
        assert_eq!(
            Guess::parse("ACK seq=1").unwrap_err(),
            "column 1: the ACK flag needs ack=<n>"
        );
        assert!(Guess::parse("SYN seq=x")
            .unwrap_err()
            .starts_with("column 5:"));
        assert!(Guess::parse("SYN seq=0 win=5")
            .unwrap_err()
            .contains("only flags"));
        // Options are not asked for either: a guess with them is refused, not half-read.
        for guess in ["SYN seq=0 mss=1460", "ACK seq=1 ack=1 options=none"] {
            assert!(
                Guess::parse(guess).unwrap_err().contains("only flags"),
                "{guess}"
            );
        }
        assert!(Guess::parse("").is_err());
    }

    #[test]
    fn every_reason_is_said_in_both_languages_with_a_section() {
        for r in Reason::ALL {
            assert!(r.text(Language::En).is_ascii(), "{r:?}");
            assert!(
                r.text(Language::Zh)
                    .chars()
                    .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "{r:?} has no Chinese"
            );
            assert!(r.section().starts_with('3'), "{r:?}");
        }
    }
}
