use super::*;
use crate::pcap::{self, CaptureOptions, Format};
use crate::script::run_source;
use crate::state::State;
use crate::trace::Peer;

fn capture_of(script: &str) -> Vec<u8> {
    let outcome = run_source(script).expect("script parses");
    pcap::capture(&outcome.sim, CaptureOptions::default()).bytes
}

#[test]
fn reads_the_exported_pcap_back() {
    let bytes = capture_of("B listen\nA connect\ndeliver s1\ndeliver s2\nA send 5\n");
    let packets = read(&bytes).unwrap();
    assert_eq!(packets.format, Some(Format::Pcap));
    assert_eq!(packets.frames, 4);
    assert_eq!(packets.tcp.len(), 4);
    assert!(packets.skipped.is_empty() && packets.stopped.is_none());
    let first = &packets.tcp[0];
    assert_eq!(first.src.to_string(), "192.0.2.1:49152");
    assert!(first.segment.flags.syn() && !first.segment.flags.ack());
    assert_eq!(first.segment.mss, Some(1460));
    assert_eq!(packets.tcp[3].segment.len, 5);
}

#[test]
fn reads_pcapng_with_comments() {
    let outcome =
        run_source("B listen\nA connect\ndeliver s1\ndrop s2\nwait 1s\ndeliver s3\n").unwrap();
    let cap = pcap::capture(
        &outcome.sim,
        CaptureOptions {
            include_dropped: true,
            ..Default::default()
        },
    );
    let packets = read(&cap.bytes).unwrap();
    assert_eq!(packets.format, Some(Format::Pcapng));
    assert_eq!(packets.tcp.len(), cap.packets);
    assert_eq!(packets.tcp[2].micros, 1_000_000);
}

#[test]
fn a_full_close_is_one_connection_with_both_timelines() {
    let bytes = capture_of(
        "B listen\nA connect\ndeliver s1\ndeliver s2\ndeliver s3\nA close\ndeliver s4\n\
         deliver s5\nB close\ndeliver s6\ndeliver s7\n",
    );
    let (packets, conns) = analyze(&bytes).unwrap();
    assert_eq!(conns.len(), 1);
    let c = &conns[0];
    assert_eq!((c.start, c.end), (Start::Handshake, End::FinBothWays));
    assert_eq!(c.problems, Problems::default());
    let inf = infer(c, &packets.tcp, None);
    assert_eq!(inf.final_states, [State::TimeWait, State::Closed]);
    let a: Vec<State> = inf
        .steps
        .iter()
        .filter(|s| s.side == Peer::A)
        .map(|s| s.to)
        .collect();
    assert_eq!(
        a,
        [
            State::SynSent,
            State::Established,
            State::FinWait1,
            State::FinWait2,
            State::TimeWait
        ]
    );
    // B's last change, LAST_ACK -> CLOSED, came from A's last ACK, after which B sent
    // nothing: the capture cannot tell whether that ACK arrived.
    let last_b = inf.steps.iter().rfind(|s| s.side == Peer::B).unwrap();
    assert_eq!(last_b.to, State::Closed);
    assert_eq!(last_b.uncertain, Some(Uncertain::NoLaterPacket));
    // With time running on, A's TIME-WAIT expires.
    let later = infer(c, &packets.tcp, Some(c.last_micros + 300_000_000));
    assert_eq!(later.final_states, [State::Closed, State::Closed]);
}

#[test]
fn reuse_of_a_four_tuple_splits_connections() {
    let bytes = capture_of(
        "B listen\nA connect\ndeliver s1\ndeliver s2\ndeliver s3\nA abort\ndeliver s4\n\
         B listen\nA connect\n",
    );
    let (_, conns) = analyze(&bytes).unwrap();
    assert_eq!(conns.len(), 2, "{conns:#?}");
    assert_eq!(conns[0].end, End::ResetBy(Peer::A));
    assert_eq!(conns[0].problems.resets, 1);
    assert_eq!(conns[1].start, Start::SynOnly);
    assert!(conns[1].problems.missing_handshake);
}

#[test]
fn not_a_capture_is_an_error() {
    assert_eq!(read(b""), Err(ReadError::NotACapture));
    assert_eq!(read(b"hello world"), Err(ReadError::NotACapture));
    assert!(matches!(
        read(&[0xd4, 0xc3, 0xb2, 0xa1, 2]),
        Err(ReadError::BadFileHeader(_))
    ));
}

#[test]
fn truncated_files_keep_what_was_read() {
    let bytes = capture_of("B listen\nA connect\ndeliver s1\ndeliver s2\nA send 5\n");
    for cut in 24..bytes.len() {
        let packets = read(&bytes[..cut]).unwrap();
        assert!(packets.tcp.len() <= 4);
        if cut < bytes.len() {
            assert!(packets.stopped.is_some() || packets.frames < 4);
        }
    }
}

#[test]
fn absurd_lengths_and_unknown_link_types_are_counted() {
    let mut bytes = capture_of("B listen\nA connect\n");
    // caplen of the first record: 4 GiB.
    bytes[24 + 8..24 + 12].copy_from_slice(&u32::MAX.to_le_bytes());
    let packets = read(&bytes).unwrap();
    assert!(packets.stopped.is_some());
    assert!(packets.tcp.is_empty());

    let mut bytes = capture_of("B listen\nA connect\n");
    bytes[20..24].copy_from_slice(&147u32.to_le_bytes());
    let packets = read(&bytes).unwrap();
    assert_eq!(packets.skipped.get(&SkipReason::LinkType(147)), Some(&1));

    // An IPv4 header whose total length is larger than the packet.
    let mut bytes = capture_of("B listen\nA connect\n");
    bytes[24 + 16 + 2] = 0xff;
    let packets = read(&bytes).unwrap();
    assert_eq!(packets.skipped.get(&SkipReason::Truncated), Some(&1));
    // UDP instead of TCP.
    let mut bytes = capture_of("B listen\nA connect\n");
    bytes[24 + 16 + 9] = 17;
    let packets = read(&bytes).unwrap();
    assert_eq!(packets.tcp.len(), 0);
    assert_eq!(packets.skipped.values().sum::<usize>(), 1);
}

#[test]
fn big_endian_and_nanosecond_pcap() {
    let le = capture_of("B listen\nA connect\nwait 1500ms\n");
    // Rewrite as big-endian with nanosecond timestamps.
    let mut be = Vec::new();
    be.extend_from_slice(&0xa1b2_3c4du32.to_be_bytes());
    be.extend_from_slice(&2u16.to_be_bytes());
    be.extend_from_slice(&4u16.to_be_bytes());
    be.extend_from_slice(&[0; 8]);
    be.extend_from_slice(&65_535u32.to_be_bytes());
    be.extend_from_slice(&101u32.to_be_bytes());
    let mut at = 24;
    let u32_le = |b: &[u8], i: usize| u32::from_le_bytes(b[i..i + 4].try_into().unwrap());
    while at < le.len() {
        let (secs, usecs, len) = (u32_le(&le, at), u32_le(&le, at + 4), u32_le(&le, at + 8));
        be.extend_from_slice(&secs.to_be_bytes());
        be.extend_from_slice(&(usecs * 1000).to_be_bytes());
        be.extend_from_slice(&len.to_be_bytes());
        be.extend_from_slice(&len.to_be_bytes());
        be.extend_from_slice(&le[at + 16..at + 16 + len as usize]);
        at += 16 + len as usize;
    }
    let a = read(&le).unwrap();
    let b = read(&be).unwrap();
    assert_eq!(a.tcp, b.tcp);
    assert_eq!(b.tcp.last().unwrap().micros, 1_000_000);
}

#[test]
fn a_data_packet_missing_from_the_capture_does_not_stall_the_receiver() {
    // A sends 100 bytes, then both close; the capture misses the data packet, but B's ACK
    // of it and of A's FIN shows B got both.
    let bytes = capture_of(
        "set delivery auto\nB listen\nA connect\nwait 1s\nA send 100\nwait 1s\nA close\n\
         wait 1s\nB close\nwait 1s\n",
    );
    let mut packets = read(&bytes).unwrap();
    let data = packets
        .tcp
        .iter()
        .position(|p| p.segment.len == 100)
        .unwrap();
    packets.tcp.remove(data);
    let conns = connections(&packets.tcp);
    assert_eq!(conns.len(), 1);
    let inf = infer(&conns[0], &packets.tcp, None);
    assert_eq!(inf.final_states, [State::TimeWait, State::Closed]);
}

#[test]
fn more_than_a_16_bit_window_in_flight_is_accepted() {
    // A real sender with a scaled window: 100 segments of 1000 bytes before any ACK.
    use crate::segment::{Flags, Segment};
    use crate::seq::SeqNum;
    let a: std::net::SocketAddr = "10.0.0.1:40000".parse().unwrap();
    let b: std::net::SocketAddr = "10.0.0.2:443".parse().unwrap();
    let mut tcp = Vec::new();
    let mut push = |from_a: bool, seq: u32, ack: Option<u32>, flags: Flags, len: u32| {
        let mut segment = Segment::control(SeqNum(seq), ack.map(SeqNum), flags);
        segment.len = len;
        segment.window = 512;
        let (src, dst) = if from_a { (a, b) } else { (b, a) };
        tcp.push(TcpPacket {
            frame: tcp.len() + 1,
            micros: tcp.len() as u64 * 1000,
            src,
            dst,
            segment,
            ip_len: 40 + len,
            headers_only: false,
            options: TcpOptions::default(),
        });
    };
    push(true, 100, None, Flags::SYN, 0);
    push(false, 900, Some(101), Flags::SYN, 0);
    push(true, 101, Some(901), Flags::ACK, 0);
    for i in 0..100 {
        push(true, 101 + i * 1000, Some(901), Flags::ACK, 1000);
    }
    push(true, 100_101, Some(901), Flags::FIN, 0);
    push(false, 901, Some(100_102), Flags::ACK, 0);
    let conns = connections(&tcp);
    let inf = infer(&conns[0], &tcp, None);
    assert_eq!(inf.final_states, [State::FinWait2, State::CloseWait]);
    // B's CLOSE_WAIT is confirmed by its ACK of the FIN.
    let close_wait = inf.steps.iter().find(|s| s.to == State::CloseWait).unwrap();
    assert_eq!(close_wait.uncertain, None);
}
