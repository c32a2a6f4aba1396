//! Reading `.pcap` and `.pcapng` files (pcap-parser) and their TCP packets (etherparse).
//!
//! Every loop advances through the input or stops, so corrupt input ends the read: a block
//! that does not parse ends the file, and what was read before it is kept and counted.

use std::collections::BTreeMap;
use std::net::{IpAddr, SocketAddr};

use etherparse::{
    EtherType, LaxNetSlice, LaxSlicedPacket, NetSlice, SlicedPacket, TcpOptionElement, TcpSlice,
    TransportSlice,
};
use pcap_parser::pcapng::Block;
use pcap_parser::{parse_block_be, parse_block_le, parse_pcap_frame, parse_pcap_frame_be};
use pcap_parser::{parse_pcap_header, parse_sectionheaderblock};

use crate::pcap::Format;
use crate::segment::{Flags, Segment};
use crate::seq::SeqNum;

/// One TCP packet of a capture.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TcpPacket {
    /// The frame number in the file, from 1, as Wireshark counts.
    pub frame: usize,
    /// Microseconds since the Unix epoch.
    pub micros: u64,
    /// The sender's address.
    pub src: SocketAddr,
    /// The receiver's address.
    pub dst: SocketAddr,
    /// The TCP header (and payload length) the engine reads.
    pub segment: Segment,
    /// The IP packet's length from its header (IPv4 total length; IPv6 payload length plus
    /// its 40-byte header), as Zeek's `*_ip_bytes` count it.
    pub ip_len: u32,
    /// The capture kept only the headers (a small snapshot length): `segment.len` comes from
    /// the IP header's length, not from payload bytes in the file.
    pub headers_only: bool,
    /// The TCP options the analysis reads (MSS is in `segment.mss`).
    pub options: TcpOptions,
}

pub use crate::segment::TcpOptions;

/// Why a frame was not used.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SkipReason {
    /// A link type the importer does not read (its number).
    LinkType(u32),
    /// Not IPv4 or IPv6 (ARP, LLDP, …).
    NotIp,
    /// IP, but not TCP.
    NotTcp,
    /// A fragment of an IP packet (not reassembled).
    Fragment,
    /// Cut short by the capture's snapshot length, or shorter than its headers say.
    Truncated,
    /// A header that does not parse (bad version, lengths that contradict each other).
    BadHeader,
    /// A packet on an interface the file never described.
    UnknownInterface,
}

impl core::fmt::Display for SkipReason {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            SkipReason::LinkType(t) => write!(f, "link type {t} not supported"),
            SkipReason::NotIp => f.write_str("not IP"),
            SkipReason::NotTcp => f.write_str("not TCP"),
            SkipReason::Fragment => f.write_str("IP fragment"),
            SkipReason::Truncated => f.write_str("truncated"),
            SkipReason::BadHeader => f.write_str("bad header"),
            SkipReason::UnknownInterface => f.write_str("unknown interface"),
        }
    }
}

/// Everything read from a capture file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Packets {
    /// The file's format, once its header was read.
    pub format: Option<Format>,
    /// TCP packets in file order.
    pub tcp: Vec<TcpPacket>,
    /// Frames read in all (TCP or not).
    pub frames: usize,
    /// Frames not used, by reason.
    pub skipped: BTreeMap<SkipReason, usize>,
    /// Why reading stopped before the end of the file, if it did (a corrupt or cut-off tail).
    pub stopped: Option<String>,
}

impl Packets {
    fn skip(&mut self, reason: SkipReason) {
        *self.skipped.entry(reason).or_insert(0) += 1;
    }
}

/// Why a file cannot be read at all.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReadError {
    /// Neither a pcap nor a pcapng header.
    NotACapture,
    /// A capture header that does not parse.
    BadFileHeader(String),
}

impl core::fmt::Display for ReadError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            ReadError::NotACapture => {
                f.write_str("not a capture file (no pcap or pcapng magic number)")
            }
            ReadError::BadFileHeader(e) => write!(f, "bad capture file header: {e}"),
        }
    }
}

const LINKTYPE_ETHERNET: i32 = 1;
const LINKTYPE_RAW: i32 = 101;
const LINKTYPE_LINUX_SLL: i32 = 113;
const LINKTYPE_IPV4: i32 = 228;
const LINKTYPE_IPV6: i32 = 229;
const LINKTYPE_LINUX_SLL2: i32 = 276;

/// Reads a whole capture from memory. Fails only when the file is not a capture; damage
/// further in is counted in [`Packets::skipped`] or ends the read ([`Packets::stopped`]).
pub fn read(bytes: &[u8]) -> Result<Packets, ReadError> {
    if bytes.len() >= 4 && bytes[..4] == [0x0a, 0x0d, 0x0d, 0x0a] {
        return read_pcapng(bytes);
    }
    if bytes.len() >= 4 {
        let magic = u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
        if matches!(
            magic,
            0xa1b2_c3d4 | 0xa1b2_3c4d | 0xd4c3_b2a1 | 0x4d3c_b2a1 | 0xa1b2_cd34 | 0x34cd_b2a1
        ) {
            return read_pcap(bytes);
        }
    }
    Err(ReadError::NotACapture)
}

fn read_pcap(bytes: &[u8]) -> Result<Packets, ReadError> {
    let (mut rest, header) =
        parse_pcap_header(bytes).map_err(|e| ReadError::BadFileHeader(format!("{e:?}")))?;
    let mut out = Packets {
        format: Some(Format::Pcap),
        ..Packets::default()
    };
    if header.is_modified_format() {
        out.stopped = Some("the modified (Kuznetsov) pcap format is not supported".into());
        return Ok(out);
    }
    let nanos = header.is_nanosecond_precision();
    let link = header.network.0;
    while !rest.is_empty() {
        let parsed = if header.is_bigendian() {
            parse_pcap_frame_be(rest)
        } else {
            parse_pcap_frame(rest)
        };
        let (next, frame) = match parsed {
            Ok(v) => v,
            Err(_) => {
                out.stopped = Some(format!(
                    "a cut-off or corrupt record after frame {} ({} bytes left unread)",
                    out.frames,
                    rest.len()
                ));
                break;
            }
        };
        // Each record takes at least its 16-byte header, so the loop ends.
        debug_assert!(next.len() < rest.len());
        rest = next;
        out.frames += 1;
        let frac = u64::from(frame.ts_usec);
        let micros = u64::from(frame.ts_sec) * 1_000_000 + if nanos { frac / 1000 } else { frac };
        let truncated = frame.caplen < frame.origlen;
        packet(&mut out, link, frame.data, micros, truncated);
    }
    Ok(out)
}

/// An interface of a pcapng section: link type, and timestamp units per second and offset.
struct Interface {
    link: i32,
    per_second: Option<u64>,
    offset_secs: i64,
}

/// Whether `rest` starts with a block whose length field is sane: at least the 12 bytes of
/// type and both lengths, and within the input. pcap-parser 0.17 subtracts 12 from the length
/// unchecked for some block types (an overflow panic in debug builds, found by the fuzzer), so
/// the length is checked here first.
fn block_fits(rest: &[u8], big_endian: bool) -> bool {
    if rest.len() < 12 {
        return false;
    }
    let field = [rest[4], rest[5], rest[6], rest[7]];
    // A Section Header Block says its own byte order, in the magic after the length.
    let be = if rest[..4] == [0x0a, 0x0d, 0x0d, 0x0a] {
        rest[8..12] == [0x1a, 0x2b, 0x3c, 0x4d]
    } else {
        big_endian
    };
    let len = if be {
        u32::from_be_bytes(field)
    } else {
        u32::from_le_bytes(field)
    } as usize;
    (12..=rest.len()).contains(&len)
}

fn read_pcapng(bytes: &[u8]) -> Result<Packets, ReadError> {
    if !block_fits(bytes, false) {
        return Err(ReadError::BadFileHeader(
            "the section header block's length does not fit the file".into(),
        ));
    }
    let (_, shb) =
        parse_sectionheaderblock(bytes).map_err(|e| ReadError::BadFileHeader(format!("{e:?}")))?;
    let mut big_endian = shb.big_endian();
    let mut out = Packets {
        format: Some(Format::Pcapng),
        ..Packets::default()
    };
    let mut interfaces: Vec<Interface> = Vec::new();
    let mut rest = bytes;
    while !rest.is_empty() {
        if !block_fits(rest, big_endian) {
            out.stopped = Some(format!(
                "a block whose length does not fit, after frame {} ({} bytes left unread)",
                out.frames,
                rest.len()
            ));
            break;
        }
        let parsed = if big_endian {
            parse_block_be(rest)
        } else {
            parse_block_le(rest)
        };
        let (next, block) = match parsed {
            Ok(v) if v.0.len() < rest.len() => v,
            _ => {
                out.stopped = Some(format!(
                    "a cut-off or corrupt block after frame {} ({} bytes left unread)",
                    out.frames,
                    rest.len()
                ));
                break;
            }
        };
        rest = next;
        match block {
            Block::SectionHeader(shb) => {
                big_endian = shb.big_endian();
                interfaces.clear();
            }
            Block::InterfaceDescription(idb) => interfaces.push(Interface {
                link: idb.linktype.0,
                per_second: idb.ts_resolution(),
                offset_secs: idb.ts_offset(),
            }),
            Block::EnhancedPacket(epb) => {
                out.frames += 1;
                let Some(iface) = interfaces.get(epb.if_id as usize) else {
                    out.skip(SkipReason::UnknownInterface);
                    continue;
                };
                let ts = (u128::from(epb.ts_high) << 32) | u128::from(epb.ts_low);
                let per_second = u128::from(iface.per_second.unwrap_or(1_000_000).max(1));
                let micros = (ts * 1_000_000 / per_second)
                    .saturating_add_signed(i128::from(iface.offset_secs) * 1_000_000);
                let micros = u64::try_from(micros).unwrap_or(u64::MAX);
                let caplen = (epb.caplen as usize).min(epb.data.len());
                let truncated = epb.caplen < epb.origlen;
                packet(&mut out, iface.link, &epb.data[..caplen], micros, truncated);
            }
            Block::SimplePacket(spb) => {
                out.frames += 1;
                let Some(iface) = interfaces.first() else {
                    out.skip(SkipReason::UnknownInterface);
                    continue;
                };
                let len = (spb.origlen as usize).min(spb.data.len());
                let truncated = len < spb.origlen as usize;
                // A Simple Packet Block has no timestamp.
                packet(&mut out, iface.link, &spb.data[..len], 0, truncated);
            }
            _ => {}
        }
    }
    Ok(out)
}

/// Parses one frame and keeps it if it is a TCP packet.
fn packet(out: &mut Packets, link: i32, data: &[u8], micros: u64, cut_by_snaplen: bool) {
    let sliced = match link {
        LINKTYPE_ETHERNET => SlicedPacket::from_ethernet(data),
        LINKTYPE_RAW | LINKTYPE_IPV4 | LINKTYPE_IPV6 => SlicedPacket::from_ip(data),
        LINKTYPE_LINUX_SLL => SlicedPacket::from_linux_sll(data),
        // SLL2 (etherparse reads only SLL): protocol type in the first two bytes, then 18
        // more bytes of header before the packet.
        LINKTYPE_LINUX_SLL2 => {
            if data.len() < 20 {
                out.skip(SkipReason::Truncated);
                return;
            }
            let proto = u16::from_be_bytes([data[0], data[1]]);
            SlicedPacket::from_ether_type(EtherType(proto), &data[20..])
        }
        other => {
            out.skip(SkipReason::LinkType(other as u32));
            return;
        }
    };
    let sliced = match sliced {
        Ok(s) => s,
        // A snapshot length that kept the headers but not the payload (`tcpdump -s 96`):
        // the IP header still says how long the segment was.
        Err(_) if cut_by_snaplen => {
            if let Some(p) = headers_only(out.frames, link, data, micros) {
                out.tcp.push(p);
            } else {
                out.skip(SkipReason::Truncated);
            }
            return;
        }
        Err(etherparse::err::packet::SliceError::Len(_)) => {
            out.skip(SkipReason::Truncated);
            return;
        }
        Err(_) => {
            out.skip(SkipReason::BadHeader);
            return;
        }
    };
    let (src_ip, dst_ip, fragmented, tcp_number, ip_len) = match &sliced.net {
        Some(NetSlice::Ipv4(ip)) => (
            IpAddr::V4(ip.header().source_addr()),
            IpAddr::V4(ip.header().destination_addr()),
            ip.is_payload_fragmented(),
            ip.payload().ip_number == etherparse::IpNumber::TCP,
            u32::from(ip.header().total_len()),
        ),
        Some(NetSlice::Ipv6(ip)) => (
            IpAddr::V6(ip.header().source_addr()),
            IpAddr::V6(ip.header().destination_addr()),
            ip.is_payload_fragmented(),
            ip.payload().ip_number == etherparse::IpNumber::TCP,
            40 + u32::from(ip.header().payload_length()),
        ),
        _ => {
            out.skip(SkipReason::NotIp);
            return;
        }
    };
    if fragmented {
        out.skip(SkipReason::Fragment);
        return;
    }
    let Some(TransportSlice::Tcp(tcp)) = &sliced.transport else {
        out.skip(if tcp_number {
            SkipReason::BadHeader
        } else {
            SkipReason::NotTcp
        });
        return;
    };
    let len = tcp.payload().len() as u32;
    out.tcp.push(tcp_packet(
        out.frames,
        micros,
        (src_ip, dst_ip),
        tcp,
        len,
        ip_len,
    ));
}

/// A frame cut by the snapshot length after its TCP header: the segment's length comes
/// from the IP header (IPv4 total length, IPv6 payload length, less the headers).
fn headers_only(frame: usize, link: i32, data: &[u8], micros: u64) -> Option<TcpPacket> {
    let ether = |skip: usize| -> Option<LaxSlicedPacket<'_>> {
        let proto = u16::from_be_bytes([*data.get(skip - 2)?, *data.get(skip - 1)?]);
        Some(LaxSlicedPacket::from_ether_type(
            EtherType(proto),
            data.get(skip..)?,
        ))
    };
    let sliced = match link {
        LINKTYPE_ETHERNET => LaxSlicedPacket::from_ethernet(data).ok()?,
        LINKTYPE_RAW | LINKTYPE_IPV4 | LINKTYPE_IPV6 => LaxSlicedPacket::from_ip(data).ok()?,
        // SLL: 16 bytes, the protocol in the last two. SLL2: 20, the protocol first.
        LINKTYPE_LINUX_SLL => ether(16)?,
        LINKTYPE_LINUX_SLL2 => {
            let proto = u16::from_be_bytes([*data.first()?, *data.get(1)?]);
            LaxSlicedPacket::from_ether_type(EtherType(proto), data.get(20..)?)
        }
        _ => return None,
    };
    let (src, dst, ip_payload, ip_len) = match &sliced.net {
        Some(LaxNetSlice::Ipv4(ip)) => {
            let h = ip.header();
            if ip.payload().fragmented {
                return None;
            }
            let header = u32::from(h.ihl()) * 4;
            let total = u32::from(h.total_len());
            (
                IpAddr::V4(h.source_addr()),
                IpAddr::V4(h.destination_addr()),
                total.checked_sub(header)?,
                total,
            )
        }
        Some(LaxNetSlice::Ipv6(ip)) => {
            let h = ip.header();
            if ip.payload().fragmented {
                return None;
            }
            let exts = ip.extensions().slice().len() as u32;
            let payload = u32::from(h.payload_length());
            (
                IpAddr::V6(h.source_addr()),
                IpAddr::V6(h.destination_addr()),
                payload.checked_sub(exts)?,
                40 + payload,
            )
        }
        _ => return None,
    };
    let Some(TransportSlice::Tcp(tcp)) = &sliced.transport else {
        return None;
    };
    let len = ip_payload.checked_sub(tcp.header_len() as u32)?;
    let mut p = tcp_packet(frame, micros, (src, dst), tcp, len, ip_len);
    p.headers_only = true;
    Some(p)
}

fn tcp_packet(
    frame: usize,
    micros: u64,
    (src_ip, dst_ip): (IpAddr, IpAddr),
    tcp: &TcpSlice<'_>,
    len: u32,
    ip_len: u32,
) -> TcpPacket {
    let mut flags = Flags::NONE;
    for (on, flag) in [
        (tcp.fin(), Flags::FIN),
        (tcp.syn(), Flags::SYN),
        (tcp.rst(), Flags::RST),
        (tcp.psh(), Flags::PSH),
        (tcp.ack(), Flags::ACK),
        (tcp.urg(), Flags::URG),
    ] {
        if on {
            flags = flags | flag;
        }
    }
    let mut mss = None;
    let mut options = TcpOptions::default();
    // At most 40 bytes of options, so at most 40 elements: the bound only guards the loop.
    for o in tcp.options_iterator().take(40) {
        match o {
            Ok(TcpOptionElement::MaximumSegmentSize(m)) => mss = Some(m),
            Ok(TcpOptionElement::WindowScale(w)) => options.window_scale = Some(w),
            Ok(TcpOptionElement::SelectiveAcknowledgementPermitted) => {
                options.sack_permitted = true
            }
            Ok(TcpOptionElement::Timestamp(v, e)) => options.timestamps = Some((v, e)),
            Ok(TcpOptionElement::SelectiveAcknowledgement(first, rest)) => {
                options.sack_count = 0;
                options.push_sack(first.0, first.1);
                for (left, right) in rest.into_iter().flatten() {
                    options.push_sack(left, right);
                }
            }
            Ok(_) => {}
            Err(_) => break,
        }
    }
    let segment = Segment {
        seq: SeqNum(tcp.sequence_number()),
        ack: SeqNum(if tcp.ack() {
            tcp.acknowledgment_number()
        } else {
            0
        }),
        flags,
        window: tcp.window_size(),
        len,
        mss,
        options,
    };
    TcpPacket {
        frame,
        micros,
        src: SocketAddr::new(src_ip, tcp.source_port()),
        dst: SocketAddr::new(dst_ip, tcp.destination_port()),
        segment,
        ip_len,
        headers_only: false,
        options,
    }
}
