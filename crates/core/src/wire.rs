//! Segments as real packets: an IPv4 header (RFC 791), or an IPv6 header (RFC 8200) with
//! [`encode_as`], and a TCP header (RFC 9293 §3.1) with correct checksums, followed by the
//! payload. IPv4 is the default.
//!
//! The engine's segments carry only a payload length, so the encoder makes up the bytes: each
//! byte is a function of its own sequence number ([`payload_byte`]), so a retransmission, or
//! any segment that covers the same sequence space, carries the same bytes.
//!
//! Besides the bytes, [`encode`] returns where each header field lies ([`FieldSpan`]), for a hex
//! view that highlights a field. Pure and allocation-light: no I/O, no clock, builds for wasm.

use core::fmt;
use core::net::{Ipv4Addr, Ipv6Addr, SocketAddrV4, SocketAddrV6};
use core::ops::Range;

use crate::segment::Segment;
use crate::trace::{Label, Peer, SegmentRecord};

/// The peers' addresses, indexed by [`Peer::index`]: A is a client on an ephemeral port,
/// B a web server. Both are documentation addresses (RFC 5737 TEST-NET-1 and TEST-NET-2), so a
/// capture can never be mistaken for real traffic.
pub const ADDRESSES: [SocketAddrV4; 2] = [
    SocketAddrV4::new(Ipv4Addr::new(192, 0, 2, 1), 49152),
    SocketAddrV4::new(Ipv4Addr::new(198, 51, 100, 7), 80),
];

/// The address `peer` sends from.
pub fn address(peer: Peer) -> SocketAddrV4 {
    ADDRESSES[peer.index()]
}

/// Which IP header carries the TCP segment.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum IpVersion {
    /// IPv4 (RFC 791), from [`ADDRESSES`].
    #[default]
    V4,
    /// IPv6 (RFC 8200), from [`ADDRESSES_V6`].
    V6,
}

impl IpVersion {
    /// `IPv4` or `IPv6`.
    pub fn name(self) -> &'static str {
        match self {
            IpVersion::V4 => "IPv4",
            IpVersion::V6 => "IPv6",
        }
    }

    /// Size of the IP header this encoder writes (never any options or extension headers).
    pub fn header_len(self) -> usize {
        match self {
            IpVersion::V4 => IPV4_HEADER_LEN,
            IpVersion::V6 => IPV6_HEADER_LEN,
        }
    }

    /// The largest payload of a segment whose TCP header is `tcp_header_len` bytes: IPv4's
    /// Total Length counts both headers, IPv6's Payload Length only what follows its header
    /// (no jumbograms, RFC 2675).
    pub fn max_payload(self, tcp_header_len: usize) -> u32 {
        let counted = match self {
            IpVersion::V4 => IPV4_HEADER_LEN + tcp_header_len,
            IpVersion::V6 => tcp_header_len,
        };
        65_535 - counted as u32
    }
}

/// The peers' IPv6 addresses, indexed by [`Peer::index`], on the same ports as [`ADDRESSES`]:
/// 2001:db8::1 and 2001:db8::7, in the documentation prefix of RFC 3849.
pub const ADDRESSES_V6: [SocketAddrV6; 2] = [
    SocketAddrV6::new(Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1), 49152, 0, 0),
    SocketAddrV6::new(Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 7), 80, 0, 0),
];

/// The IPv6 address `peer` sends from.
pub fn address_v6(peer: Peer) -> SocketAddrV6 {
    ADDRESSES_V6[peer.index()]
}

/// Size of the IPv4 header: no options.
pub const IPV4_HEADER_LEN: usize = 20;
/// Size of the IPv6 header: the fixed header, no extension headers.
pub const IPV6_HEADER_LEN: usize = 40;
/// Size of the TCP header without options.
pub const TCP_HEADER_LEN: usize = 20;
/// Time to Live of every packet: a common default (Linux's). IPv6 packets carry it as their
/// Hop Limit.
pub const TTL: u8 = 64;
/// IPv4's Protocol number for TCP, which is also IPv6's Next Header value for TCP.
pub const PROTOCOL_TCP: u8 = 6;
/// The largest payload that always fits in one packet, even with the MSS option (IPv4's Total
/// Length is 16 bits). Without the option, four more bytes fit.
pub const MAX_PAYLOAD: u32 = 65_535 - (IPV4_HEADER_LEN + TCP_HEADER_LEN + 4) as u32;
/// [`MAX_PAYLOAD`] for IPv6, whose 16-bit Payload Length does not count its own header.
pub const MAX_PAYLOAD_V6: u32 = 65_535 - (TCP_HEADER_LEN + 4) as u32;

/// Which header a field belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Layer {
    /// The IPv4 header.
    Ipv4,
    /// The IPv6 header.
    Ipv6,
    /// The TCP header.
    Tcp,
    /// The data after the TCP header.
    Payload,
}

impl Layer {
    /// `IPv4`, `IPv6`, `TCP` or `payload`.
    pub fn name(self) -> &'static str {
        match self {
            Layer::Ipv4 => "IPv4",
            Layer::Ipv6 => "IPv6",
            Layer::Tcp => "TCP",
            Layer::Payload => "payload",
        }
    }
}

/// The bytes `range` of a packet hold the field `name`. Fields narrower than a byte share
/// their byte and are named together (`"Version, IHL"`); names are those of RFC 791, RFC 8200
/// and RFC 9293's header diagrams.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldSpan {
    /// The field's name in its RFC's header diagram.
    pub name: &'static str,
    /// The header it belongs to.
    pub layer: Layer,
    /// Its bytes in the packet.
    pub range: Range<usize>,
}

/// An encoded segment: the bytes of one IP packet, and where each field lies in them.
/// Spans are in packet order, do not overlap, and cover every byte.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Packet {
    /// The packet, from the first byte of its IP header.
    pub bytes: Vec<u8>,
    /// Every field, in packet order.
    pub fields: Vec<FieldSpan>,
}

impl Packet {
    /// The span of the field called `name`, if the packet has it.
    pub fn field(&self, name: &str) -> Option<&FieldSpan> {
        self.fields.iter().find(|f| f.name == name)
    }
}

/// Why a segment cannot be encoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WireError {
    /// The payload does not fit in one packet of IP version `ip` (IPv4's Total Length and
    /// IPv6's Payload Length are 16 bits).
    TooLong {
        /// The payload length.
        len: u32,
        /// The most that fits.
        max: u32,
        /// The IP version it was to be encoded as.
        ip: IpVersion,
    },
}

impl fmt::Display for WireError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WireError::TooLong { len, max, ip } => write!(
                f,
                "a payload of {len} bytes does not fit in one {} packet (at most {max} with these headers)",
                ip.name()
            ),
        }
    }
}

/// The payload byte at sequence number `seq`: printable ASCII `a`…`z`, cycling with the
/// sequence number, so equal sequence numbers always carry equal bytes.
pub fn payload_byte(seq: u32) -> u8 {
    b'a' + (seq % 26) as u8
}

/// Encodes `segment`, sent by `from` to the other peer, as an IPv4 packet with the given
/// Identification. Fails only when the payload does not fit in one packet (see
/// [`MAX_PAYLOAD`]); never panics and allocates nothing for a payload that does not fit.
pub fn encode(from: Peer, segment: &Segment, identification: u16) -> Result<Packet, WireError> {
    encode_as(IpVersion::V4, from, segment, identification)
}

/// [`encode`] with a choice of IP version. IPv6 has no Identification outside a Fragment
/// header, so `identification` only matters for IPv4; an IPv6 packet's limit is
/// [`MAX_PAYLOAD_V6`].
pub fn encode_as(
    ip_version: IpVersion,
    from: Peer,
    segment: &Segment,
    identification: u16,
) -> Result<Packet, WireError> {
    let options_len = options_len(segment);
    let tcp_header_len = TCP_HEADER_LEN + options_len;
    let ip_header_len = ip_version.header_len();
    let max = ip_version.max_payload(tcp_header_len);
    if segment.len > max {
        return Err(WireError::TooLong {
            len: segment.len,
            max,
            ip: ip_version,
        });
    }
    // TCP header and payload: fits in u16, checked against `max` just above.
    let tcp_len = tcp_header_len + segment.len as usize;
    let total_len = ip_header_len + tcp_len;

    let mut b = Vec::with_capacity(total_len);
    let mut fields = Vec::with_capacity(20);
    let mut put = |b: &mut Vec<u8>, name: &'static str, layer: Layer, bytes: &[u8]| {
        let start = b.len();
        b.extend_from_slice(bytes);
        fields.push(FieldSpan {
            name,
            layer,
            range: start..b.len(),
        });
    };

    // The pseudo-header the TCP checksum covers (RFC 9293 §3.1, RFC 8200 §8.1), and the ports.
    let mut pseudo = [0u8; 40];
    let (pseudo_len, src_port, dst_port) = match ip_version {
        IpVersion::V4 => {
            let (src, dst) = (address(from), address(from.other()));
            let (src_ip, dst_ip) = (src.ip().octets(), dst.ip().octets());
            ipv4_header(&mut b, &mut put, src_ip, dst_ip, total_len, identification);
            pseudo[..12].copy_from_slice(&pseudo_header(src_ip, dst_ip, tcp_len as u16));
            (12, src.port(), dst.port())
        }
        IpVersion::V6 => {
            let (src, dst) = (address_v6(from), address_v6(from.other()));
            let (src_ip, dst_ip) = (src.ip().octets(), dst.ip().octets());
            ipv6_header(&mut b, &mut put, src_ip, dst_ip, tcp_len);
            pseudo = pseudo_header_v6(src_ip, dst_ip, tcp_len as u32);
            (40, src.port(), dst.port())
        }
    };

    // TCP header (RFC 9293 §3.1).
    let tcp = Layer::Tcp;
    put(&mut b, "Source Port", tcp, &src_port.to_be_bytes());
    put(&mut b, "Destination Port", tcp, &dst_port.to_be_bytes());
    put(&mut b, "Sequence Number", tcp, &segment.seq.0.to_be_bytes());
    put(
        &mut b,
        "Acknowledgment Number",
        tcp,
        &segment.ack.0.to_be_bytes(),
    );
    // Data Offset in 32-bit words in the high nibble; the reserved bits are zero.
    let data_offset = ((tcp_header_len / 4) as u8) << 4;
    put(&mut b, "Data Offset, Reserved", tcp, &[data_offset]);
    put(&mut b, "Control Bits", tcp, &[segment.flags.bits()]);
    put(&mut b, "Window", tcp, &segment.window.to_be_bytes());
    put(&mut b, "Checksum", tcp, &[0, 0]);
    // The engine does not implement urgent data (RFC 9293 §3.8.5 discourages it).
    put(&mut b, "Urgent Pointer", tcp, &[0, 0]);
    for (name, bytes) in option_words(segment) {
        put(&mut b, name, tcp, bytes.as_slice());
    }

    // Payload: the first data byte follows the SYN's sequence number (RFC 9293 §3.4).
    if segment.len > 0 {
        let start = b.len();
        let first = segment.seq.0.wrapping_add(u32::from(segment.flags.syn()));
        b.extend((0..segment.len).map(|i| payload_byte(first.wrapping_add(i))));
        fields.push(FieldSpan {
            name: "Payload",
            layer: Layer::Payload,
            range: start..b.len(),
        });
    }

    // The checksum covers the pseudo-header, the TCP header and the payload.
    let tcp_checksum = checksum(&[&pseudo[..pseudo_len], &b[ip_header_len..]]);
    b[ip_header_len + 16..ip_header_len + 18].copy_from_slice(&tcp_checksum.to_be_bytes());

    Ok(Packet { bytes: b, fields })
}

/// The largest option space: a 60-byte header less the 20 fixed bytes (RFC 9293 §3.1).
pub const MAX_OPTIONS_LEN: usize = 40;

/// How many bytes a segment's options take on the wire, padding included: always a multiple
/// of four (the Data Offset counts 32-bit words).
pub fn options_len(segment: &Segment) -> usize {
    option_words(segment).map(|(_, b)| b.len()).sum()
}

/// A few option bytes, held without allocating.
#[derive(Clone, Copy, Debug)]
struct OptionBytes {
    buf: [u8; MAX_OPTIONS_LEN],
    len: usize,
}

impl OptionBytes {
    fn new(parts: &[&[u8]]) -> OptionBytes {
        let mut o = OptionBytes {
            buf: [0; MAX_OPTIONS_LEN],
            len: 0,
        };
        for part in parts {
            for &byte in *part {
                if let Some(slot) = o.buf.get_mut(o.len) {
                    *slot = byte;
                    o.len += 1;
                }
            }
        }
        o
    }

    fn as_slice(&self) -> &[u8] {
        &self.buf[..self.len]
    }

    #[allow(clippy::len_without_is_empty)]
    fn len(&self) -> usize {
        self.len
    }
}

/// The options of `segment` as the fields of the header, in Linux's order and with its NOP
/// padding (tcp_options_write), so that a capture of the engine looks like one of Linux:
/// MSS; SACK-permitted sharing a word with the timestamps' padding (or after two NOPs);
/// timestamps; NOP and window scale; two NOPs and the SACK blocks. Each field is whole 32-bit
/// words. SACK blocks beyond the 40 bytes of option space are left out (RFC 2018 §3: as many
/// as fit).
fn option_words(segment: &Segment) -> impl Iterator<Item = (&'static str, OptionBytes)> {
    let o = &segment.options;
    // MSS, SACK-permitted or timestamps, window scale, SACK blocks.
    let mut out: [Option<(&'static str, OptionBytes)>; 4] = [None; 4];
    let mut used = 0usize;
    let mut add = |name: &'static str, bytes: OptionBytes| {
        let taken: usize = out.iter().flatten().map(|(_, b)| b.len()).sum();
        if bytes.len() > 0 && taken + bytes.len() <= MAX_OPTIONS_LEN {
            out[used] = Some((name, bytes));
            used += 1;
        }
        MAX_OPTIONS_LEN - taken - bytes.len().min(MAX_OPTIONS_LEN - taken)
    };
    if let Some(mss) = segment.mss {
        // Kind 2, Length 4 (RFC 9293 §3.2).
        let _ = add(
            "Option: Maximum Segment Size",
            OptionBytes::new(&[&[2, 4], &mss.to_be_bytes()]),
        );
    }
    match (o.timestamps, o.sack_permitted) {
        (Some((tsval, tsecr)), sack_ok) => {
            // Kind 8, Length 10 (RFC 7323 §3.2), after SACK-permitted (kind 4, length 2)
            // or two NOPs (kind 1).
            let lead: &[u8] = if sack_ok { &[4, 2] } else { &[1, 1] };
            let name = if sack_ok {
                "Option: SACK Permitted, Timestamps"
            } else {
                "Option: Timestamps"
            };
            let _ = add(
                name,
                OptionBytes::new(&[lead, &[8, 10], &tsval.to_be_bytes(), &tsecr.to_be_bytes()]),
            );
        }
        (None, true) => {
            let _ = add("Option: SACK Permitted", OptionBytes::new(&[&[1, 1, 4, 2]]));
        }
        (None, false) => {}
    }
    if let Some(shift) = o.window_scale {
        // NOP, then kind 3, length 3 (RFC 7323 §2.2).
        let _ = add(
            "Option: Window Scale",
            OptionBytes::new(&[&[1, 3, 3, shift]]),
        );
    }
    let blocks = o.sack_blocks();
    // What is left: adding nothing only measures.
    let room = add("", OptionBytes::new(&[]));
    if !blocks.is_empty() {
        // Two NOPs, kind 5, length 2 + 8 per block (RFC 2018 §3).
        let fit = blocks.len().min(room.saturating_sub(4) / 8);
        if fit > 0 {
            let mut bytes = OptionBytes::new(&[&[1, 1, 5, (2 + 8 * fit) as u8]]);
            for &(left, right) in &blocks[..fit] {
                bytes = OptionBytes::new(&[
                    bytes.as_slice(),
                    &left.to_be_bytes(),
                    &right.to_be_bytes(),
                ]);
            }
            let _ = add("Option: SACK", bytes);
        }
    }
    out.into_iter().flatten()
}

/// Appends an IPv4 header (RFC 791 §3.1) with its checksum. Version 4, IHL 5 words: no options.
fn ipv4_header(
    b: &mut Vec<u8>,
    put: &mut impl FnMut(&mut Vec<u8>, &'static str, Layer, &[u8]),
    src: [u8; 4],
    dst: [u8; 4],
    total_len: usize,
    identification: u16,
) {
    let ip = Layer::Ipv4;
    put(b, "Version, IHL", ip, &[0x45]);
    put(b, "Type of Service", ip, &[0]);
    put(b, "Total Length", ip, &(total_len as u16).to_be_bytes());
    put(b, "Identification", ip, &identification.to_be_bytes());
    // Don't Fragment set, as stacks doing path MTU discovery send (RFC 1191); offset zero.
    put(b, "Flags, Fragment Offset", ip, &0x4000u16.to_be_bytes());
    put(b, "Time to Live", ip, &[TTL]);
    put(b, "Protocol", ip, &[PROTOCOL_TCP]);
    put(b, "Header Checksum", ip, &[0, 0]);
    put(b, "Source Address", ip, &src);
    put(b, "Destination Address", ip, &dst);
    let ip_checksum = checksum(&[&b[..IPV4_HEADER_LEN]]);
    b[10..12].copy_from_slice(&ip_checksum.to_be_bytes());
}

/// Appends an IPv6 header (RFC 8200 §3): version 6, traffic class 0, flow label 0 (RFC 6437
/// allows a source that does not label flows to leave it zero), the length of what follows,
/// next header TCP, hop limit [`TTL`]. IPv6 has no header checksum.
fn ipv6_header(
    b: &mut Vec<u8>,
    put: &mut impl FnMut(&mut Vec<u8>, &'static str, Layer, &[u8]),
    src: [u8; 16],
    dst: [u8; 16],
    payload_len: usize,
) {
    let ip = Layer::Ipv6;
    put(
        b,
        "Version, Traffic Class, Flow Label",
        ip,
        &[0x60, 0, 0, 0],
    );
    put(b, "Payload Length", ip, &(payload_len as u16).to_be_bytes());
    put(b, "Next Header", ip, &[PROTOCOL_TCP]);
    put(b, "Hop Limit", ip, &[TTL]);
    put(b, "Source Address", ip, &src);
    put(b, "Destination Address", ip, &dst);
}

/// Encodes the segment labelled `label` among a simulator's `records`, with the Identification
/// [`identifications`] gives it. `None` when no record has that label.
pub fn encode_record(records: &[SegmentRecord], label: Label) -> Option<Result<Packet, WireError>> {
    encode_record_as(IpVersion::V4, records, label)
}

/// [`encode_record`] with a choice of IP version.
pub fn encode_record_as(
    ip_version: IpVersion,
    records: &[SegmentRecord],
    label: Label,
) -> Option<Result<Packet, WireError>> {
    // `position` found `index` in `records`.
    let index = records.iter().position(|r| r.label == label)?;
    let rec = &records[index];
    let id = identification(records, index);
    Some(encode_as(ip_version, rec.from, &rec.segment, id))
}

/// Each sender numbers its packets' IPv4 Identification 1, 2, 3, … in the order they entered
/// the network (a per-direction counter, modulo 2^16), counting every segment it sent or that
/// was injected in its name, lost or not. Returns the Identification of each record.
pub fn identifications(records: &[SegmentRecord]) -> Vec<u16> {
    let mut next = [1u16; 2];
    records
        .iter()
        .map(|r| {
            let id = next[r.from.index()];
            next[r.from.index()] = id.wrapping_add(1);
            id
        })
        .collect()
}

/// The Identification of `records[index]`, as in [`identifications`]. `index` is in
/// `records` (its one caller found it there).
fn identification(records: &[SegmentRecord], index: usize) -> u16 {
    let from = records[index].from;
    let earlier = records[..index].iter().filter(|r| r.from == from).count();
    (earlier as u16).wrapping_add(1)
}

/// The IPv4 pseudo-header the TCP checksum covers: source, destination, zero, protocol, TCP
/// length (header and payload).
fn pseudo_header(src: [u8; 4], dst: [u8; 4], tcp_len: u16) -> [u8; 12] {
    let mut p = [0u8; 12];
    p[0..4].copy_from_slice(&src);
    p[4..8].copy_from_slice(&dst);
    p[9] = PROTOCOL_TCP;
    p[10..12].copy_from_slice(&tcp_len.to_be_bytes());
    p
}

/// The IPv6 pseudo-header the TCP checksum covers (RFC 8200 §8.1): source, destination,
/// upper-layer packet length (32 bits), three zero bytes, next header.
fn pseudo_header_v6(src: [u8; 16], dst: [u8; 16], tcp_len: u32) -> [u8; 40] {
    let mut p = [0u8; 40];
    p[0..16].copy_from_slice(&src);
    p[16..32].copy_from_slice(&dst);
    p[32..36].copy_from_slice(&tcp_len.to_be_bytes());
    p[39] = PROTOCOL_TCP;
    p
}

/// The Internet checksum (RFC 1071) over the concatenation of `parts`: the one's complement
/// of the one's complement sum of 16-bit big-endian words, an odd last byte padded with zero.
/// Every part but the last must have an even length (true of the headers above).
pub fn checksum(parts: &[&[u8]]) -> u16 {
    let mut sum: u64 = 0;
    for part in parts {
        let mut words = part.chunks_exact(2);
        for w in &mut words {
            sum += u64::from(u16::from_be_bytes([w[0], w[1]]));
        }
        if let [last] = words.remainder() {
            sum += u64::from(*last) << 8;
        }
    }
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::segment::Flags;
    use crate::seq::SeqNum;

    use smoltcp::wire::{IpAddress, Ipv4Packet, TcpOption, TcpPacket};

    fn syn() -> Segment {
        Segment {
            seq: SeqNum(100),
            ack: SeqNum(0),
            flags: Flags::SYN,
            window: 65_535,
            len: 0,
            mss: Some(1460),
            options: crate::segment::TcpOptions::NONE,
        }
    }

    /// A textbook RFC 1071 implementation, written independently of `checksum`: sum 16-bit
    /// words in 32 bits, fold the carries once at the end.
    fn reference_checksum(data: &[u8]) -> u16 {
        let mut sum: u32 = 0;
        let mut i = 0;
        while i + 1 < data.len() {
            sum += (u32::from(data[i]) << 8) | u32::from(data[i + 1]);
            i += 2;
        }
        if i < data.len() {
            sum += u32::from(data[i]) << 8;
        }
        while sum >> 16 != 0 {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        !(sum as u16)
    }

    #[test]
    fn checksum_of_the_classic_ipv4_header_vector() {
        // 192.168.0.1 -> 192.168.0.199, UDP, total length 115: the worked example of the
        // IPv4 header checksum, whose answer is 0xB861.
        let header = [
            0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11, 0x00, 0x00, 0xc0, 0xa8,
            0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7,
        ];
        assert_eq!(checksum(&[&header]), 0xb861);
        assert_eq!(reference_checksum(&header), 0xb861);
    }

    #[test]
    fn checksum_of_rfc1071_example_words() {
        // RFC 1071 §3's example: the words 0001 f203 f4f5 f6f7 sum to ddf2 (one's
        // complement), so the checksum is its complement, 220d.
        let data = [0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7];
        assert_eq!(checksum(&[&data]), !0xddf2);
        // An odd length pads with a zero byte; splitting at even offsets changes nothing.
        assert_eq!(checksum(&[&data[..7]]), reference_checksum(&data[..7]));
        assert_eq!(checksum(&[&data[..4], &data[4..]]), checksum(&[&data]));
    }

    #[test]
    fn encoded_headers_carry_zero_checksum_sums() {
        // A correct checksum makes the sum over the covered bytes come out as all ones.
        let p = encode(Peer::A, &syn(), 1).unwrap();
        assert_eq!(reference_checksum(&p.bytes[..20]), 0);
        let tcp = &p.bytes[20..];
        let pseudo = pseudo_header(
            ADDRESSES[0].ip().octets(),
            ADDRESSES[1].ip().octets(),
            tcp.len() as u16,
        );
        let mut covered = pseudo.to_vec();
        covered.extend_from_slice(tcp);
        assert_eq!(reference_checksum(&covered), 0);
    }

    #[test]
    fn syn_from_a_is_byte_exact() {
        // Every byte worked out by hand from RFC 791 and RFC 9293's layouts; the checksums
        // come from the reference implementation above.
        let p = encode(Peer::A, &syn(), 1).unwrap();
        let mut expected: Vec<u8> = vec![
            0x45, 0x00, 0x00, 44, // version 4, IHL 5; ToS; total length 20+24
            0x00, 0x01, 0x40, 0x00, // identification 1; DF
            64, 6, 0, 0, // TTL, TCP, checksum (below)
            192, 0, 2, 1, // source
            198, 51, 100, 7, // destination
            0xc0, 0x00, 0x00, 80, // ports 49152 -> 80
            0, 0, 0, 100, // seq
            0, 0, 0, 0, // ack
            0x60, 0x02, 0xff, 0xff, // data offset 6 words; SYN; window 65535
            0, 0, 0, 0, // checksum (below), urgent pointer
            2, 4, 0x05, 0xb4, // MSS 1460
        ];
        let ip_sum = reference_checksum(&expected[..20]);
        expected[10..12].copy_from_slice(&ip_sum.to_be_bytes());
        let mut covered = vec![192, 0, 2, 1, 198, 51, 100, 7, 0, 6, 0, 24];
        covered.extend_from_slice(&expected[20..]);
        let tcp_sum = reference_checksum(&covered);
        expected[36..38].copy_from_slice(&tcp_sum.to_be_bytes());
        assert_eq!(p.bytes, expected);
    }

    #[test]
    fn decoded_data_segment_reproduces_the_fields() {
        let seg = Segment {
            seq: SeqNum(4_294_967_290), // the payload wraps past 2^32
            ack: SeqNum(301),
            flags: Flags::ACK | Flags::PSH | Flags::FIN,
            window: 1024,
            len: 11,
            mss: None,
            options: crate::segment::TcpOptions::NONE,
        };
        let p = encode(Peer::B, &seg, 7).unwrap();
        let ip = Ipv4Packet::new_checked(&p.bytes[..]).expect("valid IPv4");
        assert!(ip.verify_checksum(), "IPv4 header checksum");
        assert_eq!(ip.total_len() as usize, p.bytes.len());
        assert_eq!(ip.ident(), 7);
        assert!(ip.dont_frag());
        assert_eq!(ip.hop_limit(), 64);
        assert_eq!(ip.src_addr().octets(), ADDRESSES[1].ip().octets());
        assert_eq!(ip.dst_addr().octets(), ADDRESSES[0].ip().octets());
        let tcp = TcpPacket::new_checked(ip.payload()).expect("valid TCP");
        let (src, dst) = (
            IpAddress::Ipv4(ip.src_addr()),
            IpAddress::Ipv4(ip.dst_addr()),
        );
        assert!(tcp.verify_checksum(&src, &dst), "TCP checksum");
        assert_eq!(tcp.src_port(), 80);
        assert_eq!(tcp.dst_port(), 49152);
        assert_eq!(tcp.seq_number().0 as u32, seg.seq.0);
        assert_eq!(tcp.ack_number().0 as u32, 301);
        assert!(tcp.ack() && tcp.psh() && tcp.fin());
        assert!(!tcp.syn() && !tcp.rst() && !tcp.urg());
        assert_eq!(tcp.window_len(), 1024);
        assert_eq!(tcp.header_len(), 20);
        // 2^32 - 6 = 26 * 165_191_049 + 16, so the bytes start at `q`; sequence number 0, after
        // the wrap, carries `a`.
        assert_eq!(tcp.payload(), b"qrstuvabcde");
    }

    #[test]
    fn decoded_syn_carries_the_mss_option() {
        let p = encode(Peer::A, &syn(), 1).unwrap();
        let ip = Ipv4Packet::new_checked(&p.bytes[..]).unwrap();
        let tcp = TcpPacket::new_checked(ip.payload()).unwrap();
        assert!(tcp.syn() && !tcp.ack());
        assert_eq!(tcp.header_len(), 24);
        let (_, option) = TcpOption::parse(tcp.options()).expect("one option");
        assert_eq!(option, TcpOption::MaxSegmentSize(1460));
    }

    #[test]
    fn syn_with_data_starts_the_payload_after_the_syn() {
        let mut seg = syn();
        seg.len = 3;
        let p = encode(Peer::A, &seg, 1).unwrap();
        // The SYN occupies 100, so the data is 101..=103.
        let expected: Vec<u8> = (101..104).map(payload_byte).collect();
        assert_eq!(&p.bytes[44..], &expected[..]);
    }

    #[test]
    fn retransmission_carries_the_same_bytes() {
        let data = |seq, len| Segment {
            seq: SeqNum(seq),
            ack: SeqNum(1),
            flags: Flags::ACK,
            window: 100,
            len,
            mss: None,
            options: crate::segment::TcpOptions::NONE,
        };
        let first = encode(Peer::A, &data(1000, 50), 3).unwrap();
        let again = encode(Peer::A, &data(1000, 50), 9).unwrap();
        let later = encode(Peer::A, &data(1020, 10), 10).unwrap();
        assert_eq!(first.bytes[40..], again.bytes[40..]);
        // A segment covering part of the same sequence space carries the same bytes there.
        assert_eq!(first.bytes[60..70], later.bytes[40..]);
    }

    #[test]
    fn field_spans_tile_the_packet_in_order() {
        for seg in [syn(), {
            let mut s = syn();
            s.mss = None;
            s.len = 5;
            s
        }] {
            let p = encode(Peer::A, &seg, 1).unwrap();
            let mut at = 0;
            for f in &p.fields {
                assert_eq!(f.range.start, at, "{} starts where the last ended", f.name);
                assert!(!f.range.is_empty(), "{} is empty", f.name);
                at = f.range.end;
            }
            assert_eq!(at, p.bytes.len());
        }
        let p = encode(Peer::A, &syn(), 1).unwrap();
        let span = |name| p.field(name).unwrap().range.clone();
        assert_eq!(span("Header Checksum"), 10..12);
        assert_eq!(span("Sequence Number"), 24..28);
        assert_eq!(span("Checksum"), 36..38);
        assert_eq!(span("Option: Maximum Segment Size"), 40..44);
        assert_eq!(p.field("Checksum").unwrap().layer, Layer::Tcp);
        assert!(p.field("Payload").is_none());
    }

    #[test]
    fn oversized_payload_is_an_error_not_a_panic() {
        let mut seg = syn();
        seg.len = 65_535;
        assert_eq!(
            encode(Peer::A, &seg, 1),
            Err(WireError::TooLong {
                len: 65_535,
                max: 65_491,
                ip: IpVersion::V4,
            })
        );
        seg.mss = None;
        seg.len = 65_495;
        assert_eq!(encode(Peer::A, &seg, 1).unwrap().bytes.len(), 65_535);
        seg.len = u32::MAX;
        assert!(encode(Peer::A, &seg, 1).is_err());
    }

    #[test]
    fn identification_counts_per_direction() {
        // s1 A SYN, s2 B SYN-ACK, s3 A ACK, s4 A data.
        let outcome =
            crate::script::run_source("B listen\nA connect\ndeliver s1\ndeliver s2\nA send 5\n")
                .unwrap();
        let records = outcome.sim.segments();
        let ids = identifications(records);
        assert_eq!(ids, [1, 1, 2, 3]);
        for (i, rec) in records.iter().enumerate() {
            let earlier = records[..i].iter().filter(|r| r.from == rec.from).count();
            assert_eq!(ids[i], earlier as u16 + 1, "{}", rec.label);
            assert_eq!(identification(records, i), ids[i]);
        }
        let p = encode_record(records, Label(1)).unwrap().unwrap();
        assert_eq!(p.bytes[4..6], [0, 1]);
        assert!(encode_record(records, Label(99)).is_none());
    }

    #[test]
    fn addresses_print_as_socket_addresses() {
        assert_eq!(address(Peer::A).to_string(), "192.0.2.1:49152");
        assert_eq!(address(Peer::B).to_string(), "198.51.100.7:80");
        assert_eq!(address_v6(Peer::A).to_string(), "[2001:db8::1]:49152");
        assert_eq!(address_v6(Peer::B).to_string(), "[2001:db8::7]:80");
    }

    #[test]
    fn ipv4_stays_the_default() {
        assert_eq!(IpVersion::default(), IpVersion::V4);
        let seg = syn();
        assert_eq!(
            encode(Peer::A, &seg, 5),
            encode_as(IpVersion::V4, Peer::A, &seg, 5)
        );
    }

    #[test]
    fn ipv6_syn_from_a_is_byte_exact() {
        // Worked out by hand from RFC 8200 §3 and RFC 9293 §3.1; the TCP checksum comes from
        // the reference implementation over RFC 8200 §8.1's pseudo-header.
        let p = encode_as(IpVersion::V6, Peer::A, &syn(), 1).unwrap();
        let a6 = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
        let b6 = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7];
        let mut expected: Vec<u8> = vec![
            0x60, 0x00, 0x00, 0x00, // version 6, traffic class 0, flow label 0
            0x00, 24, 6, 64, // payload length 24 (TCP header with MSS), TCP, hop limit
        ];
        expected.extend_from_slice(&a6);
        expected.extend_from_slice(&b6);
        expected.extend_from_slice(&[
            0xc0, 0x00, 0x00, 80, // ports 49152 -> 80
            0, 0, 0, 100, // seq
            0, 0, 0, 0, // ack
            0x60, 0x02, 0xff, 0xff, // data offset 6 words; SYN; window 65535
            0, 0, 0, 0, // checksum (below), urgent pointer
            2, 4, 0x05, 0xb4, // MSS 1460
        ]);
        let mut covered = Vec::new();
        covered.extend_from_slice(&a6);
        covered.extend_from_slice(&b6);
        covered.extend_from_slice(&[0, 0, 0, 24, 0, 0, 0, 6]);
        covered.extend_from_slice(&expected[40..]);
        let tcp_sum = reference_checksum(&covered);
        expected[56..58].copy_from_slice(&tcp_sum.to_be_bytes());
        assert_eq!(p.bytes, expected);
        assert_ne!(tcp_sum, 0, "a checksum was written");
    }

    #[test]
    fn ipv6_checksum_sums_to_all_ones_over_the_pseudo_header() {
        let seg = Segment {
            seq: SeqNum(4_294_967_290),
            ack: SeqNum(301),
            flags: Flags::ACK | Flags::PSH | Flags::FIN,
            window: 1024,
            len: 11, // odd: the last byte is padded
            mss: None,
            options: crate::segment::TcpOptions::NONE,
        };
        let p = encode_as(IpVersion::V6, Peer::B, &seg, 7).unwrap();
        assert_eq!(p.bytes.len(), 40 + 20 + 11);
        let tcp = &p.bytes[40..];
        // Pseudo-header by hand: B's address, A's, 32-bit length, three zeros, next header.
        let mut covered = ADDRESSES_V6[1].ip().octets().to_vec();
        covered.extend_from_slice(&ADDRESSES_V6[0].ip().octets());
        covered.extend_from_slice(&(tcp.len() as u32).to_be_bytes());
        covered.extend_from_slice(&[0, 0, 0, 6]);
        covered.extend_from_slice(tcp);
        // The one's complement sum over everything covered is 0xffff: its complement is 0.
        assert_eq!(reference_checksum(&covered), 0);
        // Any other pseudo-header (here: IPv4's) does not verify.
        let mut v4 = pseudo_header(
            ADDRESSES[1].ip().octets(),
            ADDRESSES[0].ip().octets(),
            tcp.len() as u16,
        )
        .to_vec();
        v4.extend_from_slice(tcp);
        assert_ne!(reference_checksum(&v4), 0);
    }

    #[test]
    fn ipv6_decodes_with_an_independent_parser() {
        use etherparse::{IpNumber, Ipv6HeaderSlice, TcpSlice};
        let seg = Segment {
            seq: SeqNum(7),
            ack: SeqNum(9),
            flags: Flags::ACK | Flags::PSH,
            window: 512,
            len: 100,
            mss: None,
            options: crate::segment::TcpOptions::NONE,
        };
        let p = encode_as(IpVersion::V6, Peer::A, &seg, 3).unwrap();
        let ip = Ipv6HeaderSlice::from_slice(&p.bytes).expect("valid IPv6");
        assert_eq!(ip.version(), 6);
        assert_eq!(ip.traffic_class(), 0);
        assert_eq!(ip.flow_label().value(), 0);
        assert_eq!(usize::from(ip.payload_length()), p.bytes.len() - 40);
        assert_eq!(ip.next_header(), IpNumber::TCP);
        assert_eq!(ip.hop_limit(), 64);
        assert_eq!(ip.source_addr().to_string(), "2001:db8::1");
        assert_eq!(ip.destination_addr().to_string(), "2001:db8::7");
        let tcp = TcpSlice::from_slice(&p.bytes[40..]).expect("valid TCP");
        assert_eq!(
            tcp.calc_checksum_ipv6(ip.source(), ip.destination()),
            Ok(tcp.checksum())
        );
        assert_eq!((tcp.source_port(), tcp.destination_port()), (49152, 80));
        assert_eq!((tcp.sequence_number(), tcp.acknowledgment_number()), (7, 9));
        assert!(tcp.ack() && tcp.psh() && !tcp.syn());
        assert_eq!(tcp.payload().len(), 100);
    }

    #[test]
    fn ipv6_field_spans_tile_the_packet() {
        let p = encode_as(IpVersion::V6, Peer::B, &syn(), 1).unwrap();
        let mut at = 0;
        for f in &p.fields {
            assert_eq!(f.range.start, at, "{} starts where the last ended", f.name);
            at = f.range.end;
        }
        assert_eq!(at, p.bytes.len());
        let span = |name| p.field(name).unwrap().range.clone();
        assert_eq!(span("Version, Traffic Class, Flow Label"), 0..4);
        assert_eq!(span("Payload Length"), 4..6);
        assert_eq!(span("Hop Limit"), 7..8);
        assert_eq!(span("Source Address"), 8..24);
        assert_eq!(span("Destination Address"), 24..40);
        assert_eq!(span("Checksum"), 56..58);
        assert_eq!(p.field("Source Address").unwrap().layer, Layer::Ipv6);
        assert!(p.field("Identification").is_none());
        assert!(p.field("Header Checksum").is_none());
    }

    #[test]
    fn ipv6_length_limit_counts_only_what_follows_the_header() {
        let mut seg = syn();
        seg.len = 65_535;
        let too_long = encode_as(IpVersion::V6, Peer::A, &seg, 1);
        assert_eq!(
            too_long,
            Err(WireError::TooLong {
                len: 65_535,
                max: MAX_PAYLOAD_V6,
                ip: IpVersion::V6,
            })
        );
        assert_eq!(MAX_PAYLOAD_V6, 65_511);
        assert!(too_long.unwrap_err().to_string().contains("IPv6 packet"));
        seg.len = MAX_PAYLOAD_V6;
        let p = encode_as(IpVersion::V6, Peer::A, &seg, 1).unwrap();
        assert_eq!(p.bytes[4..6], [0xff, 0xff], "Payload Length at its maximum");
        assert_eq!(p.bytes.len(), 40 + 65_535);
        seg.mss = None;
        seg.len = 65_515;
        assert_eq!(
            encode_as(IpVersion::V6, Peer::A, &seg, 1)
                .unwrap()
                .bytes
                .len(),
            65_575
        );
        seg.len = u32::MAX;
        assert!(encode_as(IpVersion::V6, Peer::A, &seg, 1).is_err());
    }

    #[test]
    fn ipv6_record_encoding_matches_encode_as() {
        let outcome =
            crate::script::run_source("B listen\nA connect\ndeliver s1\ndeliver s2\n").unwrap();
        let records = outcome.sim.segments();
        let p = encode_record_as(IpVersion::V6, records, Label(2))
            .unwrap()
            .unwrap();
        assert_eq!(
            p,
            encode_as(IpVersion::V6, records[1].from, &records[1].segment, 1).unwrap()
        );
        assert_eq!(
            p.bytes[8..24],
            ADDRESSES_V6[1].ip().octets(),
            "s2 comes from B"
        );
    }

    /// The options of a segment, as smoltcp's parser reads them, NOPs left out.
    fn parsed_options(p: &Packet) -> Vec<String> {
        let ip = Ipv4Packet::new_checked(&p.bytes[..]).expect("valid IPv4");
        let tcp = TcpPacket::new_checked(ip.payload()).expect("valid TCP");
        let mut rest = tcp.options();
        let mut out = Vec::new();
        while !rest.is_empty() {
            let (next, option) = TcpOption::parse(rest).expect("well-formed options");
            match option {
                TcpOption::NoOperation => {}
                TcpOption::EndOfList => break,
                o => out.push(format!("{o:?}")),
            }
            rest = next;
        }
        out
    }

    fn linux_syn() -> Segment {
        let mut seg = syn();
        seg.options.window_scale = Some(7);
        seg.options.sack_permitted = true;
        seg.options.timestamps = Some((0x0102_0304, 0));
        seg
    }

    #[test]
    fn syn_options_are_linuxs_bytes_in_linuxs_order() {
        // Linux's SYN: MSS; SACK-permitted and timestamps in three words; NOP, window scale.
        let p = encode(Peer::A, &linux_syn(), 1).unwrap();
        assert_eq!(
            p.bytes[32] >> 4,
            10,
            "data offset: 20 + 20 option bytes = 10 words"
        );
        assert_eq!(
            p.bytes[40..],
            [
                2, 4, 0x05, 0xb4, // MSS 1460
                4, 2, 8, 10, // SACK-permitted; timestamps kind 8, length 10
                1, 2, 3, 4, 0, 0, 0, 0, // TSval, TSecr
                1, 3, 3, 7, // NOP; window scale 7
            ]
        );
        let names: Vec<&str> = p.fields.iter().map(|f| f.name).collect();
        assert_eq!(
            names[names.len() - 3..],
            [
                "Option: Maximum Segment Size",
                "Option: SACK Permitted, Timestamps",
                "Option: Window Scale"
            ]
        );
        // The checksum still covers every byte.
        let ip = Ipv4Packet::new_checked(&p.bytes[..]).unwrap();
        let tcp = TcpPacket::new_checked(ip.payload()).unwrap();
        let (src, dst) = (ADDRESSES[0].ip().octets(), ADDRESSES[1].ip().octets());
        assert!(tcp.verify_checksum(&IpAddress::Ipv4(src.into()), &IpAddress::Ipv4(dst.into())));
        assert_eq!(
            parsed_options(&p),
            [
                "MaxSegmentSize(1460)",
                "SackPermitted",
                "TimeStamp { tsval: 16909060, tsecr: 0 }",
                "WindowScale(7)"
            ]
        );
    }

    #[test]
    fn sack_permitted_without_timestamps_takes_two_nops() {
        let mut seg = syn();
        seg.options.sack_permitted = true;
        let p = encode(Peer::A, &seg, 1).unwrap();
        assert_eq!(p.bytes[44..], [1, 1, 4, 2]);
    }

    #[test]
    fn sack_blocks_fit_the_option_space() {
        let mut seg = syn();
        seg.flags = Flags::ACK;
        seg.mss = None;
        for i in 0..4 {
            seg.options.push_sack(1000 * i + 100, 1000 * i + 200);
        }
        // Without timestamps: four blocks, 2 NOPs + 2 + 32 = 36 bytes.
        let p = encode(Peer::B, &seg, 1).unwrap();
        assert_eq!(p.bytes.len(), 20 + 20 + 36);
        assert_eq!(p.bytes[40..44], [1, 1, 5, 34]);
        assert_eq!(parsed_options(&p).len(), 1);
        // With timestamps (12 bytes): three blocks, the fourth left out (RFC 2018 §3).
        seg.options.timestamps = Some((5, 6));
        let p = encode(Peer::B, &seg, 1).unwrap();
        assert_eq!(p.bytes.len(), 20 + 20 + 12 + 28);
        assert_eq!(p.bytes[52..56], [1, 1, 5, 26]);
        let opts = parsed_options(&p);
        assert!(
            opts[1].contains("1100") && !opts[1].contains("3100"),
            "{opts:?}"
        );
        // Spans still cover every byte, in order.
        let mut at = 0;
        for f in &p.fields {
            assert_eq!(f.range.start, at, "{}", f.name);
            at = f.range.end;
        }
        assert_eq!(at, p.bytes.len());
    }
}
