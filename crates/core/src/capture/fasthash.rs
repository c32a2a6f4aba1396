//! A fast hasher for the maps keyed by what a capture holds: 4-tuples and sequence numbers.
//!
//! std's default hasher (SipHash with a random key) resists hash flooding, which a server
//! facing the network needs. Here every key comes from a file the user chose to open, and a
//! file crafted to collide can only slow down its own reading. SipHash on each packet's
//! 4-tuple was about half the instructions of reading and tracking a 100,000-packet capture
//! (`docs/measurements/import-bench.md`); this is the rotate, xor and multiply per word of
//! rustc's FxHash.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

/// A `HashMap` with [`FxHasher`].
pub(crate) type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;
/// A `HashSet` with [`FxHasher`].
pub(crate) type FastSet<T> = HashSet<T, BuildHasherDefault<FxHasher>>;

/// FxHash: the multiplier spreads each word's bits into the high bits hashbrown reads.
#[derive(Clone, Copy, Default)]
pub(crate) struct FxHasher {
    hash: u64,
}

const K: u64 = 0x517c_c1b7_2722_0a95;

impl FxHasher {
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(K);
    }
}

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut words = bytes.chunks_exact(8);
        for w in &mut words {
            let mut b = [0u8; 8];
            b.copy_from_slice(w);
            self.add(u64::from_le_bytes(b));
        }
        let rest = words.remainder();
        if !rest.is_empty() {
            let mut b = [0u8; 8];
            b[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(b));
        }
    }

    fn write_u8(&mut self, n: u8) {
        self.add(u64::from(n));
    }

    fn write_u16(&mut self, n: u16) {
        self.add(u64::from(n));
    }

    fn write_u32(&mut self, n: u32) {
        self.add(u64::from(n));
    }

    fn write_u64(&mut self, n: u64) {
        self.add(n);
    }

    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }

    fn finish(&self) -> u64 {
        self.hash
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::SocketAddr;

    #[test]
    fn four_tuples_that_differ_in_one_port_hash_apart() {
        let key = |port: u16| -> (SocketAddr, SocketAddr) {
            (
                SocketAddr::from(([192, 0, 2, 1], port)),
                SocketAddr::from(([192, 0, 2, 2], 80)),
            )
        };
        let mut set: FastSet<u64> = FastSet::default();
        for port in 1024..3024 {
            let mut h = FxHasher::default();
            std::hash::Hash::hash(&key(port), &mut h);
            set.insert(h.finish());
        }
        assert_eq!(set.len(), 2000, "every port gave its own hash");
        let mut map: FastMap<(SocketAddr, SocketAddr), u16> = FastMap::default();
        for port in 1024..3024 {
            map.insert(key(port), port);
        }
        assert_eq!(map.get(&key(2000)), Some(&2000));
    }

    #[test]
    fn the_tail_of_an_odd_length_write_counts() {
        let hash = |bytes: &[u8]| {
            let mut h = FxHasher::default();
            h.write(bytes);
            h.finish()
        };
        assert_ne!(
            hash(&[1, 2, 3, 4, 5, 6, 7, 8, 9]),
            hash(&[1, 2, 3, 4, 5, 6, 7, 8, 10])
        );
    }
}
