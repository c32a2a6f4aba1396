//! The fuzz body of the capture importer, shared by the cargo-fuzz target
//! (`fuzz/fuzz_targets/import.rs`) and the stable test that replays nasty inputs
//! (`crates/core/tests/import_corpus.rs`).
//!
//! The bytes are read twice: as a whole file, and as the one packet of a classic pcap file
//! whose link type the first byte picks (Ethernet, raw IP, IPv4, IPv6, SLL, SLL2, or an
//! unknown one), so that random bytes reach the packet parsers too. Besides "no panic, no
//! hang", it checks that every TCP packet lands in exactly one connection, that each side's
//! inferred state changes chain (each starts where the last ended, the first from CLOSED)
//! and end in the reported final state.

use synack_core::capture;
use synack_core::Peer;

const LINK_TYPES: [u32; 7] = [1, 101, 228, 229, 113, 276, 147];

pub fn run(data: &[u8]) {
    check(data);
    let link = LINK_TYPES[usize::from(data.first().copied().unwrap_or(0)) % LINK_TYPES.len()];
    check(&as_one_packet(link, data.get(1..).unwrap_or(&[])));
}

/// A classic little-endian pcap file holding `packet` as its one record.
pub fn as_one_packet(link: u32, packet: &[u8]) -> Vec<u8> {
    let mut b = Vec::with_capacity(packet.len() + 40);
    b.extend_from_slice(&0xa1b2_c3d4u32.to_le_bytes());
    b.extend_from_slice(&2u16.to_le_bytes());
    b.extend_from_slice(&4u16.to_le_bytes());
    b.extend_from_slice(&[0; 8]);
    b.extend_from_slice(&65_535u32.to_le_bytes());
    b.extend_from_slice(&link.to_le_bytes());
    let len = packet.len() as u32;
    b.extend_from_slice(&[0; 8]);
    b.extend_from_slice(&len.to_le_bytes());
    b.extend_from_slice(&len.to_le_bytes());
    b.extend_from_slice(packet);
    b
}

fn check(bytes: &[u8]) {
    let Ok((packets, conns)) = capture::analyze(bytes) else {
        return;
    };
    assert!(packets.tcp.len() <= packets.frames);
    let skipped: usize = packets.skipped.values().sum();
    assert!(packets.tcp.len() + skipped <= packets.frames);
    let mut owner = vec![0usize; packets.tcp.len()];
    for c in &conns {
        for &i in &c.packets {
            owner[i] += 1;
        }
        assert!(c.first_micros <= c.last_micros);
    }
    assert!(
        owner.iter().all(|&n| n == 1),
        "each packet in one connection"
    );
    // Inference is the slow part: a bounded number of connections per input.
    for c in conns.iter().take(8) {
        let inference = capture::infer(c, &packets.tcp, None);
        for (k, side) in [Peer::A, Peer::B].into_iter().enumerate() {
            let mut state = inference.start_states[k];
            for step in inference.steps.iter().filter(|s| s.side == side) {
                assert_eq!(step.from, state, "{side}'s changes chain");
                state = step.to;
            }
            assert_eq!(inference.final_states[k], state, "{side}'s final state");
        }
    }
}
