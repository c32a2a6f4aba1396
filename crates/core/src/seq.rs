//! Sequence numbers: 32-bit values compared modulo 2^32 (RFC 9293 §3.4).

use core::cmp::Ordering;
use core::fmt;
use core::ops::{Add, Sub};

use serde::{Deserialize, Serialize};

/// A TCP sequence or acknowledgment number.
///
/// Ordering is the RFC's "modulo 2^32" comparison: `a < b` when `b` lies less than 2^31 ahead
/// of `a`. That relation is not transitive over the whole circle, which is why it is only
/// `PartialOrd`, and why numbers 2^31 apart compare as unordered.
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SeqNum(pub u32);

impl SeqNum {
    /// The distance from `base` to `self`, as an unsigned offset modulo 2^32.
    pub fn offset_from(self, base: SeqNum) -> u32 {
        self.0.wrapping_sub(base.0)
    }
}

impl Add<u32> for SeqNum {
    type Output = SeqNum;
    fn add(self, rhs: u32) -> SeqNum {
        SeqNum(self.0.wrapping_add(rhs))
    }
}

impl Sub<u32> for SeqNum {
    type Output = SeqNum;
    fn sub(self, rhs: u32) -> SeqNum {
        SeqNum(self.0.wrapping_sub(rhs))
    }
}

impl Sub for SeqNum {
    /// Signed distance `self - rhs`, valid while the two are within 2^31 of each other.
    type Output = i32;
    fn sub(self, rhs: SeqNum) -> i32 {
        self.0.wrapping_sub(rhs.0) as i32
    }
}

impl PartialOrd for SeqNum {
    fn partial_cmp(&self, other: &SeqNum) -> Option<Ordering> {
        let diff = self.0.wrapping_sub(other.0);
        if diff == 0 {
            Some(Ordering::Equal)
        } else if diff == 1 << 31 {
            None
        } else if (diff as i32) < 0 {
            Some(Ordering::Less)
        } else {
            Some(Ordering::Greater)
        }
    }
}

impl fmt::Debug for SeqNum {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "@{}", self.0)
    }
}

impl fmt::Display for SeqNum {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comparisons_wrap_around_zero() {
        let near_max = SeqNum(u32::MAX - 1);
        let past_zero = near_max + 5;
        assert_eq!(past_zero, SeqNum(3));
        assert!(near_max < past_zero);
        assert!(past_zero > near_max);
        assert_eq!(past_zero - near_max, 5);
        assert_eq!(near_max - past_zero, -5);
    }

    #[test]
    // The point is what the operators say for unordered numbers.
    #[allow(clippy::neg_cmp_op_on_partial_ord)]
    fn half_circle_apart_is_unordered() {
        let a = SeqNum(0);
        let b = SeqNum(1 << 31);
        assert_eq!(a.partial_cmp(&b), None);
        assert!(!(a < b) && !(a > b) && a != b);
    }

    #[test]
    fn offset_from_is_modular() {
        assert_eq!(SeqNum(2).offset_from(SeqNum(u32::MAX)), 3);
    }
}
