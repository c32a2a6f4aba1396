//! Replays the capture importer's fuzz body (`fuzz/import_body.rs`, the same file the
//! cargo-fuzz target `import` runs) over a fixed set of nasty inputs on stable: empty and
//! junk bytes, every truncation of real pcap and pcapng exports, bit flips, absurd lengths,
//! zero-length and huge pcapng blocks, odd timestamp resolutions, unknown interfaces, and
//! hand-made packets on every link type (VLAN, IPv6, SLL, SLL2, fragments, bad header
//! lengths).

#[path = "../../../fuzz/import_body.rs"]
mod import_body;

use import_body::as_one_packet;
use synack_core::capture::{self, SkipReason};
use synack_core::pcap::{self, CaptureOptions};
use synack_core::script::run_source;

fn junk(seed: u64, len: usize) -> Vec<u8> {
    let mut x = seed;
    (0..len)
        .map(|_| {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (x >> 56) as u8
        })
        .collect()
}

fn export(include_dropped: bool) -> Vec<u8> {
    let outcome = run_source(
        "B listen\nA connect\ndeliver s1\ndrop s2\nwait 1s\ndeliver s3\ndeliver s4\nA send 3000\n\
         wait 1s\nA close\nwait 1s\n",
    )
    .unwrap();
    let options = CaptureOptions {
        include_dropped,
        ..Default::default()
    };
    pcap::capture(&outcome.sim, options).bytes
}

/// The first packet (an IPv4 SYN) of the plain export.
fn ipv4_syn() -> Vec<u8> {
    let b = export(false);
    let len = u32::from_le_bytes(b[32..36].try_into().unwrap()) as usize;
    b[40..40 + len].to_vec()
}

fn pcapng_block(kind: u32, body: &[u8]) -> Vec<u8> {
    let total = (body.len() + 12) as u32;
    let mut b = kind.to_le_bytes().to_vec();
    b.extend_from_slice(&total.to_le_bytes());
    b.extend_from_slice(body);
    b.extend_from_slice(&total.to_le_bytes());
    b
}

fn shb() -> Vec<u8> {
    let mut body = 0x1A2B_3C4Du32.to_le_bytes().to_vec();
    body.extend_from_slice(&[1, 0, 0, 0]);
    body.extend_from_slice(&u64::MAX.to_le_bytes());
    pcapng_block(0x0A0D_0D0A, &body)
}

fn nasty_inputs() -> Vec<Vec<u8>> {
    let mut inputs: Vec<Vec<u8>> = vec![Vec::new(), vec![0], vec![0xff; 64]];
    for seed in 0..32 {
        inputs.push(junk(seed, (seed as usize * 37) % 700));
    }
    for dropped in [false, true] {
        let file = export(dropped);
        for cut in 0..file.len() {
            inputs.push(file[..cut].to_vec());
        }
        for at in (0..file.len()).step_by(3) {
            let mut flipped = file.clone();
            flipped[at] ^= 0x5a;
            inputs.push(flipped);
        }
        // Junk after a good file.
        let mut tail = file.clone();
        tail.extend_from_slice(&junk(7, 100));
        inputs.push(tail);
    }
    // Absurd record lengths in a classic pcap.
    let file = export(false);
    for len in [u32::MAX, 0x8000_0000, 65_536, 0] {
        let mut b = file.clone();
        b[32..36].copy_from_slice(&len.to_le_bytes());
        inputs.push(b);
    }
    // pcapng: zero-length, short and huge blocks; a packet before any interface; odd
    // timestamp resolutions.
    for len in [0u32, 4, 8, 12, 13, u32::MAX] {
        let mut b = shb();
        b.extend_from_slice(&6u32.to_le_bytes());
        b.extend_from_slice(&len.to_le_bytes());
        b.extend_from_slice(&[0; 24]);
        inputs.push(b);
    }
    let syn = ipv4_syn();
    let epb = |if_id: u32| {
        let mut body = if_id.to_le_bytes().to_vec();
        body.extend_from_slice(&[0xff; 8]);
        body.extend_from_slice(&(syn.len() as u32).to_le_bytes());
        body.extend_from_slice(&(syn.len() as u32 + 100).to_le_bytes());
        body.extend_from_slice(&syn);
        body.resize(body.len().next_multiple_of(4), 0);
        pcapng_block(6, &body)
    };
    let mut b = shb();
    b.extend_from_slice(&epb(0));
    inputs.push(b);
    for tsresol in [0u8, 9, 0x80, 0x89, 0xff, 63] {
        let mut body = 101u16.to_le_bytes().to_vec();
        body.extend_from_slice(&[0, 0]);
        body.extend_from_slice(&65_535u32.to_le_bytes());
        body.extend_from_slice(&9u16.to_le_bytes());
        body.extend_from_slice(&1u16.to_le_bytes());
        body.extend_from_slice(&[tsresol, 0, 0, 0]);
        body.extend_from_slice(&[0; 4]);
        let mut b = shb();
        b.extend_from_slice(&pcapng_block(1, &body));
        b.extend_from_slice(&epb(0));
        b.extend_from_slice(&epb(3));
        inputs.push(b);
    }
    // Packets on every link type, whole and cut.
    let mut eth = vec![0u8; 12];
    eth.extend_from_slice(&[0x08, 0x00]);
    eth.extend_from_slice(&syn);
    let mut vlan = vec![0u8; 12];
    vlan.extend_from_slice(&[0x81, 0x00, 0x00, 0x05, 0x08, 0x00]);
    vlan.extend_from_slice(&syn);
    // Packet type 0 (to us), ARPHRD_ETHER, address length 6, the address, IPv4.
    let mut sll = vec![0, 0, 0, 1, 0, 6, 0, 0, 0, 0, 0, 0, 0, 0];
    sll.extend_from_slice(&[0x08, 0x00]);
    sll.extend_from_slice(&syn);
    let mut sll2 = vec![0x08, 0x00];
    sll2.extend_from_slice(&[0; 18]);
    sll2.extend_from_slice(&syn);
    let mut fragment = syn.clone();
    fragment[6] = 0x20; // More Fragments
    let mut bad_ihl = syn.clone();
    bad_ihl[0] = 0x44;
    let mut bad_offset = syn.clone();
    bad_offset[32] = 0x10; // TCP Data Offset 1 word
    let mut udp = syn.clone();
    udp[9] = 17;
    let arp = {
        let mut e = vec![0u8; 12];
        e.extend_from_slice(&[0x08, 0x06]);
        e.extend_from_slice(&[0; 28]);
        e
    };
    for (link, packet) in [
        (1, &eth),
        (1, &vlan),
        (1, &arp),
        (113, &sll),
        (276, &sll2),
        (101, &syn),
        (228, &syn),
        (229, &syn),
        (101, &fragment),
        (101, &bad_ihl),
        (101, &bad_offset),
        (101, &udp),
        (147, &syn),
    ] {
        for cut in 0..=packet.len() {
            inputs.push(as_one_packet(link, &packet[..cut]));
        }
    }
    // Found by the fuzzer: a block length under 12 made pcap-parser subtract with overflow.
    inputs.push(vec![
        0x0a, 0x0d, 0x0d, 0x0a, 0x2c, 0x00, 0x00, 0x00, 0x4d, 0x3c, 0x2b, 0x1a, 0xa8, 0xff, 0x00,
        0x02, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0x04, 0x00, 0x06, 0x00, 0x73, 0x79,
        0x6e, 0x61, 0x63, 0x6b, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x2c, 0x00, 0x00, 0x00, 0x01,
        0x00, 0x00, 0x80, 0x05, 0x00, 0x00, 0x00, 0x65, 0x00, 0x00, 0x00, 0xff, 0x2c, 0x00, 0x00,
        0x00, 0x45, 0x00, 0x08, 0xc6, 0x32, 0x60, 0x07, 0x02, 0x00,
    ]);
    for len in 0u32..12 {
        let mut b = shb();
        b.extend_from_slice(&0x8000_0001u32.to_le_bytes());
        b.extend_from_slice(&len.to_le_bytes());
        b.extend_from_slice(&[0; 16]);
        inputs.push(b);
    }
    inputs
}

#[test]
fn nasty_inputs_never_panic() {
    let inputs = nasty_inputs();
    assert!(inputs.len() > 1000);
    for input in &inputs {
        import_body::run(input);
    }
}

#[test]
fn every_supported_link_type_finds_the_syn() {
    let syn = ipv4_syn();
    let mut eth = vec![0u8; 12];
    eth.extend_from_slice(&[0x81, 0x00, 0x00, 0x05, 0x08, 0x00]);
    eth.extend_from_slice(&syn);
    // Packet type 0 (to us), ARPHRD_ETHER, address length 6, the address, IPv4.
    let mut sll = vec![0, 0, 0, 1, 0, 6, 0, 0, 0, 0, 0, 0, 0, 0];
    sll.extend_from_slice(&[0x08, 0x00]);
    sll.extend_from_slice(&syn);
    let mut sll2 = vec![0x08, 0x00];
    sll2.extend_from_slice(&[0; 18]);
    sll2.extend_from_slice(&syn);
    for (link, packet) in [
        (1, &eth),
        (101, &syn),
        (228, &syn),
        (113, &sll),
        (276, &sll2),
    ] {
        let packets = capture::read(&as_one_packet(link, packet)).unwrap();
        assert_eq!(packets.tcp.len(), 1, "link type {link}");
        assert!(packets.tcp[0].segment.flags.syn());
    }
    let packets = capture::read(&as_one_packet(147, &syn)).unwrap();
    assert_eq!(packets.skipped.get(&SkipReason::LinkType(147)), Some(&1));
    let mut fragment = syn.clone();
    fragment[6] = 0x20;
    let packets = capture::read(&as_one_packet(101, &fragment)).unwrap();
    assert_eq!(packets.skipped.get(&SkipReason::Fragment), Some(&1));
}
