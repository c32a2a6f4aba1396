//! The endpoint's timers: one small enum and a table with one deadline per timer, the pattern
//! of quinn-proto's `connection/timer.rs`.
//!
//! Adding a timer is a line in the `timers!` table below (which makes the variant, its place
//! in [`Timer::ALL`] and its names) and its handling in `Endpoint::handle_timeout`, which the
//! compiler asks for; the app's i18n test asks for its title. Everything that lists timers
//! (the simulator's log, the trace printer, the app) walks `Timer::ALL`.

use core::fmt;

use serde::{Serialize, Serializer};

use crate::time::Instant;

macro_rules! timers {
    ($( $(#[$doc:meta])* $timer:ident => $key:literal, $label:literal, $name:literal; )*) => {
        /// One timer of a TCP endpoint.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Timer {
            $( $(#[$doc])* $timer, )*
        }

        impl Timer {
            /// Every timer, in declaration order: the order in which `handle_timeout` fires
            /// timers due at the same instant and in which the log reports several changes
            /// at once.
            pub const ALL: [Timer; Timer::COUNT] = [$(Timer::$timer),*];

            /// How many timers an endpoint has.
            pub const COUNT: usize = [$(Timer::$timer),*].len();

            /// A stable identifier: the JSON trace's name, translation keys, CSS classes.
            pub fn key(self) -> &'static str {
                match self { $(Timer::$timer => $key,)* }
            }

            /// The short name shown on a timer's badge and printed as the cause of what it
            /// did (`A  ESTABLISHED -> CLOSED on RTO: ...`).
            pub fn label(self) -> &'static str {
                match self { $(Timer::$timer => $label,)* }
            }

            /// The name in the trace's "... timer set for" lines.
            pub fn name(self) -> &'static str {
                match self { $(Timer::$timer => $name,)* }
            }
        }
    };
}

timers! {
    /// The retransmission timer (RFC 9293 §3.8.1, RFC 6298): resends the oldest
    /// unacknowledged segment, or gives up after too many tries.
    Retransmission => "retransmission", "RTO", "retransmission";
    /// The persist timer (§3.8.6.1): probes a zero send window once it has lasted an RTO,
    /// while data waits and nothing is outstanding.
    Persist => "persist", "persist", "persist";
    /// TIME-WAIT's 2 x MSL (§3.4.2, §3.10.8; Linux: a fixed 60 s); deletes the TCB.
    TimeWait => "time_wait", "2MSL", "2MSL";
    /// The keep-alive timer (§3.8.4): probes an idle connection, or gives up.
    Keepalive => "keepalive", "keepalive", "keep-alive";
    /// Linux's `tcp_fin_timeout` for an orphaned FIN-WAIT-2 socket (`set profile linux`
    /// only; RFC 9293 has no such timer); deletes the TCB.
    FinWait2 => "fin_wait2", "fin_timeout", "tcp_fin_timeout";
    /// The delayed-ACK timer (§3.8.6.3, SHLD-18/MUST-58): sends the ACK held back for
    /// in-order data, less than 0.5 s after the data arrived.
    DelayedAck => "delayed_ack", "delack", "delayed-ACK";
    /// Sender SWS avoidance's override timer (§3.8.6.2.1): pushed data held back because
    /// only a sliver of window is open goes out when it runs out.
    SwsOverride => "sws_override", "SWS", "SWS override";
    /// Linux's tail loss probe timer (RFC 8985 §7, `set tlp`; Linux's ICSK_TIME_LOSS_PROBE):
    /// armed instead of the retransmission timer, never later than it would fire, while the
    /// tail of what is outstanding may be lost; probes it once, then hands back to the RTO.
    LossProbe => "loss_probe", "TLP", "loss probe";
}

impl Timer {
    /// The timer's slot in a [`TimerTable`]: its place in the declaration, which is also
    /// its place in `ALL` (a test checks), so always below `COUNT`.
    pub fn index(self) -> usize {
        self as usize
    }

    /// The timer whose [`key`](Timer::key) this is.
    pub fn from_key(key: &str) -> Option<Timer> {
        Timer::ALL.into_iter().find(|t| t.key() == key)
    }
}

impl fmt::Display for Timer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

impl Serialize for Timer {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.key())
    }
}

/// One deadline per [`Timer`]: `None` while the timer is stopped.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct TimerTable([Option<Instant>; Timer::COUNT]);

impl TimerTable {
    /// The timer's deadline, when it is armed.
    pub fn get(&self, timer: Timer) -> Option<Instant> {
        self.0[timer.index()]
    }

    /// Arms (or moves) the timer to fire at `deadline`.
    pub fn set(&mut self, timer: Timer, deadline: Instant) {
        self.0[timer.index()] = Some(deadline);
    }

    /// Stops the timer.
    pub fn stop(&mut self, timer: Timer) {
        self.0[timer.index()] = None;
    }

    /// Whether the timer is armed.
    pub fn is_armed(&self, timer: Timer) -> bool {
        self.get(timer).is_some()
    }

    /// Whether the timer is armed and due at `now`.
    pub fn is_expired(&self, timer: Timer, now: Instant) -> bool {
        self.get(timer).is_some_and(|deadline| deadline <= now)
    }

    /// The earliest deadline of any armed timer.
    pub fn next_timeout(&self) -> Option<Instant> {
        self.0.iter().flatten().min().copied()
    }

    /// Every armed timer with its deadline, in `Timer::ALL` order.
    pub fn iter(&self) -> impl Iterator<Item = (Timer, Instant)> + '_ {
        Timer::ALL
            .into_iter()
            .filter_map(|timer| Some((timer, self.get(timer)?)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_lists_every_timer_once_in_index_order() {
        for (i, timer) in Timer::ALL.into_iter().enumerate() {
            assert_eq!(timer.index(), i, "{timer:?}");
            assert_eq!(Timer::from_key(timer.key()), Some(timer));
        }
        let mut keys: Vec<_> = Timer::ALL.iter().map(|t| t.key()).collect();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), Timer::COUNT);
        assert_eq!(Timer::from_key("RTO"), None);
    }

    #[test]
    fn the_table_keeps_one_deadline_per_timer() {
        let mut table = TimerTable::default();
        assert_eq!(table.next_timeout(), None);
        table.set(Timer::TimeWait, Instant(240_000));
        table.set(Timer::Persist, Instant(1_000));
        assert_eq!(table.next_timeout(), Some(Instant(1_000)));
        assert!(table.is_expired(Timer::Persist, Instant(1_000)));
        assert!(!table.is_expired(Timer::Persist, Instant(999)));
        assert!(!table.is_expired(Timer::Retransmission, Instant(u64::MAX)));
        assert_eq!(
            table.iter().collect::<Vec<_>>(),
            vec![
                (Timer::Persist, Instant(1_000)),
                (Timer::TimeWait, Instant(240_000))
            ]
        );
        table.stop(Timer::Persist);
        assert!(!table.is_armed(Timer::Persist));
        assert_eq!(table.next_timeout(), Some(Instant(240_000)));
    }
}
