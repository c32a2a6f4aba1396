//! Virtual time. The engine never reads a clock: every call that needs the time takes an
//! [`Instant`], and the simulator owns the only clock.

use core::fmt;
use core::ops::{Add, Sub};

use serde::{Deserialize, Serialize};

/// A point in virtual time, in milliseconds since the simulation started.
#[derive(Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Instant(pub u64);

/// A span of virtual time in milliseconds.
#[derive(Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Duration(pub u64);

impl Instant {
    /// The start of the simulation.
    pub const ZERO: Instant = Instant(0);

    /// Milliseconds since the start.
    pub fn millis(self) -> u64 {
        self.0
    }

    /// Milliseconds from `origin` to this instant, negative when it lies before: the
    /// explorer hashes times this way, relative to the moment it looks at.
    pub(crate) fn since(self, origin: Instant) -> i128 {
        i128::from(self.0) - i128::from(origin.0)
    }
}

impl Duration {
    /// No time at all.
    pub const ZERO: Duration = Duration(0);

    /// `ms` milliseconds.
    pub const fn from_millis(ms: u64) -> Duration {
        Duration(ms)
    }

    /// `s` seconds.
    pub const fn from_secs(s: u64) -> Duration {
        Duration(s * 1000)
    }

    /// The length in milliseconds.
    pub fn millis(self) -> u64 {
        self.0
    }
}

impl Add<Duration> for Instant {
    type Output = Instant;
    fn add(self, d: Duration) -> Instant {
        Instant(self.0.saturating_add(d.0))
    }
}

impl Sub for Instant {
    type Output = Duration;
    fn sub(self, earlier: Instant) -> Duration {
        Duration(self.0.saturating_sub(earlier.0))
    }
}

impl Add for Duration {
    type Output = Duration;
    fn add(self, d: Duration) -> Duration {
        Duration(self.0.saturating_add(d.0))
    }
}

/// Formats milliseconds as seconds with three decimals, as the trace prints times.
fn fmt_millis(ms: u64, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    write!(f, "{}.{:03}s", ms / 1000, ms % 1000)
}

impl fmt::Display for Instant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt_millis(self.0, f)
    }
}

impl fmt::Debug for Instant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "t=")?;
        fmt_millis(self.0, f)
    }
}

impl fmt::Display for Duration {
    /// Prints the duration in the script format's own units (`200ms`, `3s`, `2min`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ms = self.0;
        if ms != 0 && ms.is_multiple_of(60_000) {
            write!(f, "{}min", ms / 60_000)
        } else if ms != 0 && ms.is_multiple_of(1000) {
            write!(f, "{}s", ms / 1000)
        } else {
            write!(f, "{ms}ms")
        }
    }
}

impl fmt::Debug for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl core::str::FromStr for Duration {
    type Err = String;

    /// Parses the script format's durations: an integer and a unit, `ms`, `s` or `min`.
    fn from_str(text: &str) -> Result<Duration, String> {
        let digits = text.bytes().take_while(u8::is_ascii_digit).count();
        let (number, unit) = text.split_at(digits);
        let scale = match unit {
            "ms" => 1,
            "s" => 1000,
            "min" => 60_000,
            "" => return Err(format!("`{text}` needs a unit: ms, s or min (e.g. 200ms)")),
            _ => {
                return Err(format!(
                    "`{text}`: unknown unit `{unit}` (use ms, s or min)"
                ))
            }
        };
        if number.is_empty() {
            return Err(format!("`{text}` is not a duration (e.g. 200ms, 1s, 2min)"));
        }
        number
            .parse::<u64>()
            .ok()
            .and_then(|n| n.checked_mul(scale))
            .filter(|&ms| ms <= MAX_DURATION_MS)
            .map(Duration)
            .ok_or_else(|| format!("`{text}` is too long (at most 1000 days)"))
    }
}

/// Long enough for any lesson, small enough that sums never overflow.
const MAX_DURATION_MS: u64 = 1000 * 24 * 3600 * 1000;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse_with_units() {
        assert_eq!("200ms".parse(), Ok(Duration(200)));
        assert_eq!("1s".parse(), Ok(Duration(1000)));
        assert_eq!("2min".parse(), Ok(Duration(120_000)));
        assert!("5".parse::<Duration>().unwrap_err().contains("unit"));
        assert!("5h"
            .parse::<Duration>()
            .unwrap_err()
            .contains("unknown unit"));
        assert!("ms".parse::<Duration>().is_err());
        assert!("99999999999999999999s".parse::<Duration>().is_err());
    }

    #[test]
    fn durations_print_in_script_units() {
        assert_eq!(Duration(120_000).to_string(), "2min");
        assert_eq!(Duration(3000).to_string(), "3s");
        assert_eq!(Duration(1500).to_string(), "1500ms");
        assert_eq!(Instant(1500).to_string(), "1.500s");
    }
}
