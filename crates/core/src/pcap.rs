//! Capture files of a run, for Wireshark and tshark: every segment as an IPv4 packet, or an
//! IPv6 one with [`CaptureOptions::ip_version`] ([`crate::wire`]), in label order.
//!
//! Choices, documented in the README as well:
//! - **Where the capture is taken.** Next to the sender: each packet is stamped with the
//!   virtual time it entered the network (`sent_at`), and appears once, however often the
//!   network duplicated it. Virtual time 0 is the Unix epoch, so Wireshark's absolute times
//!   read 1970-01-01 and its relative times are the run's.
//! - **Equal times stay equal.** Manual delivery sends many segments at the same virtual
//!   moment; they keep that same timestamp and their label order in the file. Nothing is
//!   nudged apart, so every timestamp is a time the trace shows.
//! - **Dropped segments** (`drop`, or random loss) are left out by default: the file shows the
//!   conversation the peers actually had. With [`CaptureOptions::include_dropped`] they are
//!   kept, and since classic pcap has no comments the file is then pcapng, where every packet
//!   carries a comment naming its label and what became of it (`s5 dropped by the network`).
//! - **Link type** 101 (`LINKTYPE_RAW`): packets start at the IP header, with no link layer
//!   to make up; readers tell IPv4 from IPv6 by the version nibble. Timestamps are in
//!   microseconds.

use crate::sim::Sim;
use crate::trace::{DropCause, Event, Label, Origin, SegmentRecord};
use crate::wire::{self, IpVersion, WireError};

/// `LINKTYPE_RAW`: each packet begins with an IPv4 (or IPv6) header.
pub const LINKTYPE_RAW: u16 = 101;
/// The snapshot length written in the headers: IPv4's largest packet, so nothing is cut.
pub const SNAPLEN: u32 = 65_535;
/// The snapshot length of an IPv6 capture: the 40-byte header and the largest payload its
/// 16-bit Payload Length allows.
pub const SNAPLEN_V6: u32 = 40 + 65_535;

/// The snapshot length for packets of `ip_version`.
pub fn snaplen(ip_version: IpVersion) -> u32 {
    match ip_version {
        IpVersion::V4 => SNAPLEN,
        IpVersion::V6 => SNAPLEN_V6,
    }
}

/// The file format of a capture, written here or read by [`crate::capture`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    /// Classic libpcap. Written with magic a1b2c3d4, version 2.4 and microsecond
    /// timestamps; read in either byte order and resolution.
    Pcap,
    /// pcapng. Written as one section with one interface and an Enhanced Packet Block, with
    /// a comment, per packet; read with any number of sections and interfaces.
    Pcapng,
}

impl Format {
    /// The usual file extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Pcap => "pcap",
            Format::Pcapng => "pcapng",
        }
    }

    /// The format whose [`extension`](Format::extension) this is.
    pub fn from_extension(extension: &str) -> Option<Format> {
        [Format::Pcap, Format::Pcapng]
            .into_iter()
            .find(|f| f.extension() == extension)
    }
}

/// What goes into a capture.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CaptureOptions {
    /// Keep the segments the network lost, each with a comment; makes the file pcapng.
    pub include_dropped: bool,
    /// The IP header of every packet: IPv4 (the default) or IPv6.
    pub ip_version: IpVersion,
}

/// A finished capture file and what it holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Capture {
    /// pcap, or pcapng when dropped segments are included (they carry comments).
    pub format: Format,
    /// The file's contents.
    pub bytes: Vec<u8>,
    /// Packets written.
    pub packets: usize,
    /// Of those, segments the network lost (only with `include_dropped`).
    pub dropped_included: usize,
    /// Lost segments left out (without `include_dropped`).
    pub dropped_left_out: usize,
    /// Segments that cannot be encoded as one packet, left out, with the reason.
    pub skipped: Vec<(Label, WireError)>,
}

/// Writes the capture of everything `sim` has sent so far. See the module docs for what the
/// file holds and why.
pub fn capture(sim: &Sim, options: CaptureOptions) -> Capture {
    let records = sim.segments();
    let drops = drop_causes(sim, records.len());
    let ids = wire::identifications(records);
    let format = if options.include_dropped {
        Format::Pcapng
    } else {
        Format::Pcap
    };
    let mut out = Capture {
        format,
        bytes: Vec::new(),
        packets: 0,
        dropped_included: 0,
        dropped_left_out: 0,
        skipped: Vec::new(),
    };
    let snaplen = snaplen(options.ip_version);
    match format {
        Format::Pcap => pcap_header(&mut out.bytes, snaplen),
        Format::Pcapng => pcapng_header(&mut out.bytes, snaplen),
    }
    for ((rec, &id), &drop) in records.iter().zip(&ids).zip(&drops) {
        if drop.is_some() && !options.include_dropped {
            out.dropped_left_out += 1;
            continue;
        }
        let packet = match wire::encode_as(options.ip_version, rec.from, &rec.segment, id) {
            Ok(p) => p,
            Err(e) => {
                out.skipped.push((rec.label, e));
                continue;
            }
        };
        let micros = rec.sent_at.millis().saturating_mul(1000);
        match format {
            Format::Pcap => pcap_record(&mut out.bytes, micros, &packet.bytes),
            Format::Pcapng => {
                enhanced_packet_block(&mut out.bytes, micros, &packet.bytes, &comment(rec, drop))
            }
        }
        out.packets += 1;
        out.dropped_included += usize::from(drop.is_some());
    }
    out
}

/// For each record (by label), why the network lost it, if it did.
fn drop_causes(sim: &Sim, count: usize) -> Vec<Option<DropCause>> {
    let mut causes = vec![None; count];
    for event in sim.trace() {
        if let Event::Dropped { label, cause } = event.event {
            if let Some(slot) = (label.0 as usize)
                .checked_sub(1)
                .and_then(|i| causes.get_mut(i))
            {
                *slot = Some(cause);
            }
        }
    }
    causes
}

/// A pcapng packet's comment: `s4 (retransmission) dropped by the network`.
fn comment(rec: &SegmentRecord, drop: Option<DropCause>) -> String {
    let mut text = format!("{} {}->{}", rec.label, rec.from, rec.to);
    match rec.origin {
        Origin::Sent => {}
        Origin::Retransmission => text += " (retransmission)",
        Origin::Injected => text += " (injected)",
    }
    match drop {
        None => {}
        Some(DropCause::User) => text += " dropped by the network",
        Some(DropCause::Loss) => text += " lost to random loss",
    }
    text
}

// ---- Classic libpcap ----
// Written little-endian; readers tell the byte order from the magic number.

/// The global header: magic, version 2.4, GMT offset 0, accuracy 0, snaplen, link type.
fn pcap_header(b: &mut Vec<u8>, snaplen: u32) {
    b.extend_from_slice(&0xa1b2_c3d4u32.to_le_bytes());
    b.extend_from_slice(&2u16.to_le_bytes());
    b.extend_from_slice(&4u16.to_le_bytes());
    b.extend_from_slice(&0i32.to_le_bytes());
    b.extend_from_slice(&0u32.to_le_bytes());
    b.extend_from_slice(&snaplen.to_le_bytes());
    b.extend_from_slice(&u32::from(LINKTYPE_RAW).to_le_bytes());
}

/// One record: seconds, microseconds, captured length, original length, the packet.
/// Seconds are 32 bits: a run longer than 136 years is stamped at the last second.
fn pcap_record(b: &mut Vec<u8>, micros: u64, packet: &[u8]) {
    let secs = u32::try_from(micros / 1_000_000).unwrap_or(u32::MAX);
    let usecs = (micros % 1_000_000) as u32;
    // A packet is at most 65,575 bytes (wire::encode_as checks), so its length fits in u32.
    let len = packet.len() as u32;
    b.extend_from_slice(&secs.to_le_bytes());
    b.extend_from_slice(&usecs.to_le_bytes());
    b.extend_from_slice(&len.to_le_bytes());
    b.extend_from_slice(&len.to_le_bytes());
    b.extend_from_slice(packet);
}

// ---- pcapng ----
// Blocks are: type, total length, body, total length again; everything padded to 4 bytes.

const SECTION_HEADER_BLOCK: u32 = 0x0A0D_0D0A;
const INTERFACE_DESCRIPTION_BLOCK: u32 = 0x0000_0001;
const ENHANCED_PACKET_BLOCK: u32 = 0x0000_0006;
const OPT_END: u16 = 0;
const OPT_COMMENT: u16 = 1;
const SHB_USERAPPL: u16 = 4;

/// A Section Header Block (byte-order magic, version 1.0, unknown section length, the
/// application's name) and one Interface Description Block (link type raw IP, microsecond
/// resolution, the default).
fn pcapng_header(b: &mut Vec<u8>, snaplen: u32) {
    let mut body = Vec::new();
    body.extend_from_slice(&0x1A2B_3C4Du32.to_le_bytes());
    body.extend_from_slice(&1u16.to_le_bytes());
    body.extend_from_slice(&0u16.to_le_bytes());
    body.extend_from_slice(&u64::MAX.to_le_bytes());
    option(&mut body, SHB_USERAPPL, b"synack");
    option(&mut body, OPT_END, b"");
    block(b, SECTION_HEADER_BLOCK, &body);

    let mut body = Vec::new();
    body.extend_from_slice(&LINKTYPE_RAW.to_le_bytes());
    body.extend_from_slice(&0u16.to_le_bytes());
    body.extend_from_slice(&snaplen.to_le_bytes());
    block(b, INTERFACE_DESCRIPTION_BLOCK, &body);
}

/// An Enhanced Packet Block on interface 0 with a comment.
fn enhanced_packet_block(b: &mut Vec<u8>, micros: u64, packet: &[u8], comment: &str) {
    let len = packet.len() as u32;
    let mut body = Vec::with_capacity(packet.len() + comment.len() + 32);
    body.extend_from_slice(&0u32.to_le_bytes());
    body.extend_from_slice(&((micros >> 32) as u32).to_le_bytes());
    body.extend_from_slice(&(micros as u32).to_le_bytes());
    body.extend_from_slice(&len.to_le_bytes());
    body.extend_from_slice(&len.to_le_bytes());
    body.extend_from_slice(packet);
    pad(&mut body);
    option(&mut body, OPT_COMMENT, comment.as_bytes());
    option(&mut body, OPT_END, b"");
    block(b, ENHANCED_PACKET_BLOCK, &body);
}

fn block(b: &mut Vec<u8>, block_type: u32, body: &[u8]) {
    // Bodies are built padded, and hold at most one packet and a short comment.
    let total = (body.len() + 12) as u32;
    b.extend_from_slice(&block_type.to_le_bytes());
    b.extend_from_slice(&total.to_le_bytes());
    b.extend_from_slice(body);
    b.extend_from_slice(&total.to_le_bytes());
}

fn option(b: &mut Vec<u8>, code: u16, value: &[u8]) {
    b.extend_from_slice(&code.to_le_bytes());
    b.extend_from_slice(&(value.len() as u16).to_le_bytes());
    b.extend_from_slice(value);
    pad(b);
}

fn pad(b: &mut Vec<u8>) {
    b.resize(b.len().next_multiple_of(4), 0);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::script::run_source;

    fn sim(source: &str) -> Sim {
        let outcome = run_source(source).expect("script parses");
        assert!(outcome.passed(), "script runs: {:?}", outcome.error);
        outcome.sim
    }

    fn u32_le(b: &[u8], at: usize) -> u32 {
        u32::from_le_bytes(b[at..at + 4].try_into().unwrap())
    }

    /// Splits a classic pcap file into (microseconds, packet) records, checking the framing.
    fn pcap_records(b: &[u8]) -> Vec<(u64, Vec<u8>)> {
        assert_eq!(&b[..4], &[0xd4, 0xc3, 0xb2, 0xa1], "magic a1b2c3d4");
        assert_eq!(&b[4..8], &[2, 0, 4, 0], "version 2.4");
        assert_eq!(u32_le(b, 20), 101, "LINKTYPE_RAW");
        let mut at = 24;
        let mut out = Vec::new();
        while at < b.len() {
            let (secs, usecs) = (u32_le(b, at), u32_le(b, at + 4));
            let (incl, orig) = (u32_le(b, at + 8) as usize, u32_le(b, at + 12) as usize);
            assert_eq!(incl, orig);
            let micros = u64::from(secs) * 1_000_000 + u64::from(usecs);
            out.push((micros, b[at + 16..at + 16 + incl].to_vec()));
            at += 16 + incl;
        }
        assert_eq!(at, b.len(), "records end at the end of the file");
        out
    }

    /// Splits a pcapng file into blocks (type, body), checking both length fields.
    fn pcapng_blocks(b: &[u8]) -> Vec<(u32, Vec<u8>)> {
        let mut at = 0;
        let mut out = Vec::new();
        while at < b.len() {
            let total = u32_le(b, at + 4) as usize;
            assert_eq!(total % 4, 0, "block length is a multiple of 4");
            assert_eq!(u32_le(b, at + total - 4), total as u32, "trailing length");
            out.push((u32_le(b, at), b[at + 8..at + total - 4].to_vec()));
            at += total;
        }
        assert_eq!(at, b.len());
        out
    }

    const LOSSY: &str = "B listen\nA connect\ndeliver s1\ndrop s2\nwait 1s\ndeliver s3\n\
                         wait 500ms\ndeliver s4\n";

    #[test]
    fn pcap_holds_delivered_segments_stamped_with_their_send_time() {
        let sim = sim(LOSSY);
        let cap = capture(&sim, CaptureOptions::default());
        assert_eq!(cap.format, Format::Pcap);
        assert_eq!((cap.packets, cap.dropped_left_out), (5, 1));
        let records = pcap_records(&cap.bytes);
        let kept: Vec<_> = sim
            .segments()
            .iter()
            .filter(|r| r.label != Label(2))
            .collect();
        assert_eq!(records.len(), kept.len());
        for ((micros, bytes), rec) in records.iter().zip(kept) {
            assert_eq!(*micros, rec.sent_at.millis() * 1000, "{}", rec.label);
            let id = wire::identifications(sim.segments())[rec.label.0 as usize - 1];
            assert_eq!(
                bytes,
                &wire::encode(rec.from, &rec.segment, id).unwrap().bytes
            );
        }
    }

    #[test]
    fn segments_sent_at_the_same_moment_keep_one_timestamp_and_label_order() {
        let sim = sim("B listen\nA connect\ndeliver s1\ndeliver s2\nA send 5\nA close\n");
        let records = pcap_records(&capture(&sim, CaptureOptions::default()).bytes);
        assert_eq!(records.len(), 5);
        assert!(records.iter().all(|(t, _)| *t == 0));
        // Identification 1, 1, 2, 3, 4: A's counter runs on after B's SYN-ACK.
        let ids: Vec<u16> = records
            .iter()
            .map(|(_, p)| u16::from_be_bytes([p[4], p[5]]))
            .collect();
        assert_eq!(ids, [1, 1, 2, 3, 4]);
    }

    #[test]
    fn include_dropped_writes_pcapng_with_a_comment_per_packet() {
        let sim = sim(LOSSY);
        let cap = capture(
            &sim,
            CaptureOptions {
                include_dropped: true,
                ..Default::default()
            },
        );
        assert_eq!(cap.format, Format::Pcapng);
        assert_eq!((cap.packets, cap.dropped_included), (6, 1));
        let blocks = pcapng_blocks(&cap.bytes);
        assert_eq!(blocks[0].0, 0x0A0D0D0A);
        assert_eq!(u32_le(&blocks[0].1, 0), 0x1A2B3C4D);
        assert_eq!(blocks[1].0, 1);
        assert_eq!(&blocks[1].1[..2], &[101, 0], "IDB link type");
        let packets = &blocks[2..];
        let expected = [
            "s1 A->B",
            "s2 B->A dropped by the network",
            "s3 A->B (retransmission)",
            "s4 B->A (retransmission)",
            "s5 B->A",
            "s6 A->B",
        ];
        assert_eq!(packets.len(), expected.len());
        for (((kind, body), rec), expected) in packets.iter().zip(sim.segments()).zip(expected) {
            assert_eq!(*kind, 6, "an Enhanced Packet Block");
            let micros = (u64::from(u32_le(body, 4)) << 32) | u64::from(u32_le(body, 8));
            assert_eq!(micros, rec.sent_at.millis() * 1000);
            let len = u32_le(body, 12) as usize;
            let options = &body[20 + len.next_multiple_of(4)..];
            assert_eq!(&options[..2], &[1, 0], "opt_comment");
            let text_len = usize::from(u16::from_le_bytes([options[2], options[3]]));
            let text = core::str::from_utf8(&options[4..4 + text_len]).unwrap();
            assert_eq!(text, expected);
        }
    }

    #[test]
    fn random_loss_is_named_in_the_comment() {
        let sim = sim("set loss 100%\nB listen\nA connect\n");
        let rec = &sim.segments()[0];
        assert_eq!(
            comment(rec, drop_causes(&sim, 1)[0]),
            "s1 A->B lost to random loss"
        );
        let cap = capture(&sim, CaptureOptions::default());
        assert_eq!((cap.packets, cap.dropped_left_out), (0, 1));
        assert_eq!(cap.bytes.len(), 24, "only the global header");
    }

    #[test]
    fn an_oversized_segment_is_skipped_and_reported() {
        let sim = sim("inject A->B ACK seq=1 ack=1 len=65535\n");
        let cap = capture(&sim, CaptureOptions::default());
        assert_eq!(cap.packets, 1);
        assert_eq!(
            cap.skipped,
            [(
                Label(1),
                WireError::TooLong {
                    len: 65_535,
                    max: 65_495,
                    ip: IpVersion::V4,
                }
            )]
        );
    }

    #[test]
    fn ipv6_capture_holds_ipv6_packets_with_a_larger_snaplen() {
        let sim = sim(LOSSY);
        let v6 = CaptureOptions {
            ip_version: IpVersion::V6,
            ..Default::default()
        };
        let cap = capture(&sim, v6);
        assert_eq!(cap.format, Format::Pcap);
        assert_eq!((cap.packets, cap.dropped_left_out), (5, 1));
        assert_eq!(u32_le(&cap.bytes, 16), 65_575, "snaplen");
        let records = pcap_records(&cap.bytes);
        let kept = sim.segments().iter().filter(|r| r.label != Label(2));
        for ((_, bytes), rec) in records.iter().zip(kept) {
            assert_eq!(bytes[0] >> 4, 6, "{}: version 6", rec.label);
            assert_eq!(
                bytes,
                &wire::encode_as(IpVersion::V6, rec.from, &rec.segment, 0)
                    .unwrap()
                    .bytes
            );
        }
        // pcapng carries the same snaplen in its interface description.
        let ng = capture(
            &sim,
            CaptureOptions {
                include_dropped: true,
                ip_version: IpVersion::V6,
            },
        );
        assert_eq!((ng.packets, ng.dropped_included), (6, 1));
        let blocks = pcapng_blocks(&ng.bytes);
        assert_eq!(u32_le(&blocks[1].1, 4), 65_575, "IDB snaplen");
        // The default stays IPv4 with IPv4's snaplen.
        let v4 = capture(&sim, CaptureOptions::default());
        assert_eq!(u32_le(&v4.bytes, 16), 65_535);
        assert_eq!(pcap_records(&v4.bytes)[0].1[0], 0x45);
    }

    #[test]
    fn a_segment_too_long_for_ipv6_is_skipped_and_reported() {
        // 65,515 bytes with a 20-byte TCP header is IPv6's limit exactly; one more is not.
        let sim =
            sim("inject A->B ACK seq=1 ack=1 len=65515\ninject A->B ACK seq=1 ack=1 len=65516\n");
        let v6 = CaptureOptions {
            ip_version: IpVersion::V6,
            ..Default::default()
        };
        // Each injected segment draws a reply (a RST) from B: find them by length.
        let label_of = |len| {
            sim.segments()
                .iter()
                .find(|r| r.segment.len == len)
                .map(|r| r.label)
                .unwrap()
        };
        let (fits, too_big) = (label_of(65_515), label_of(65_516));
        let cap = capture(&sim, v6);
        let too_long: Vec<Label> = cap.skipped.iter().map(|(l, _)| *l).collect();
        assert_eq!(too_long, [too_big]);
        assert_eq!(cap.packets, sim.segments().len() - 1);
        assert_eq!(
            cap.skipped[0].1,
            WireError::TooLong {
                len: 65_516,
                max: 65_515,
                ip: IpVersion::V6,
            }
        );
        let records = pcap_records(&cap.bytes);
        assert_eq!(records.len(), cap.packets);
        let written = sim.segments().iter().filter(|r| r.label != too_big);
        let fitting = written
            .zip(&records)
            .find(|(r, _)| r.label == fits)
            .unwrap();
        assert_eq!(fitting.1 .1.len(), 40 + 20 + 65_515);
        // Both are too long for IPv4.
        let v4 = capture(&sim, CaptureOptions::default());
        let v4_skipped: Vec<Label> = v4.skipped.iter().map(|(l, _)| *l).collect();
        assert_eq!(v4_skipped, [fits, too_big]);
    }

    #[test]
    fn the_importer_reads_an_ipv6_capture_as_it_reads_the_ipv4_one() {
        let sim = sim(
            "B listen\nA connect\ndeliver s1\ndrop s2\nwait 1s\ndeliver s3\n\
                       deliver s4\nA send 300\ndeliver s6\ndeliver s7\nA close\nwait 1s\n",
        );
        for include_dropped in [false, true] {
            let read = |ip_version| {
                let options = CaptureOptions {
                    include_dropped,
                    ip_version,
                };
                crate::capture::analyze(&capture(&sim, options).bytes).expect("reads back")
            };
            let (p4, c4) = read(IpVersion::V4);
            let (p6, c6) = read(IpVersion::V6);
            assert!(
                p6.skipped.is_empty() && p6.stopped.is_none(),
                "{:?}",
                p6.skipped
            );
            assert_eq!(p6.tcp.len(), p4.tcp.len());
            for (a, b) in p4.tcp.iter().zip(&p6.tcp) {
                assert_eq!((a.micros, &a.segment), (b.micros, &b.segment));
                assert!(b.src.is_ipv6() && b.dst.is_ipv6());
                assert_eq!((a.src.port(), a.dst.port()), (b.src.port(), b.dst.port()));
            }
            assert!(!c4.is_empty());
            assert_eq!(c6.len(), c4.len());
            for (a, b) in c4.iter().zip(&c6) {
                assert_eq!(b.a.to_string(), "[2001:db8::1]:49152");
                assert_eq!(b.b.to_string(), "[2001:db8::7]:80");
                assert_eq!(a.packets, b.packets);
                assert_eq!((&a.start, &a.end), (&b.start, &b.end));
            }
        }
    }

    #[test]
    fn timestamps_split_into_seconds_and_microseconds() {
        let mut b = Vec::new();
        pcap_record(&mut b, 2_345_678_000, &[0x45]);
        assert_eq!(u32_le(&b, 0), 2345);
        assert_eq!(u32_le(&b, 4), 678_000);
        let mut b = Vec::new();
        pcap_record(&mut b, u64::MAX, &[]);
        assert_eq!(u32_le(&b, 0), u32::MAX);
    }
}
