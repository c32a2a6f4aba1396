//! Configuration: what `set <key> <value>` may change, with typed values.
//!
//! [`SettingKey`] is the one list of keys (the script parser, error messages and the docs
//! take it from here); [`Setting`] is a key with its parsed value. Parsing checks the value,
//! so a script with `set mss banana` fails to parse, at `banana`, before anything runs.
//! [`Config::apply`] and [`NetworkSettings::apply`] are how a setting takes effect, for the
//! simulator and for any reader of the log that replays its [`Event::Config`] entries.
//!
//! Adding a setting: a line in `setting_keys!`, a variant of [`Setting`], and the arms of the
//! matches below that the compiler asks for.
//!
//! [`Event::Config`]: crate::Event::Config

use core::fmt;
use core::str::FromStr;

use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};

use crate::endpoint::{Config, CongestionControl, Profile};
use crate::sim::{Delivery, NetworkSettings};
use crate::time::Duration;
use crate::trace::Peer;

/// The most retransmissions (or keep-alive probes) a script may ask for: far past any
/// stack's default, and small enough that a run stays short.
pub const MAX_RETRIES: u32 = 50;

/// The largest initial window a script may ask for: far past RFC 6928's 10 segments.
const MAX_IW: u32 = 100;

/// Keep-alive times below a second would have their answers throttled (RFC 5961 §7) and
/// would kill live connections; real stacks do not allow them either.
const MIN_KEEPALIVE: Duration = Duration::from_secs(1);

macro_rules! setting_keys {
    ($( $(#[$doc:meta])* $key:ident => $name:literal, $expected:literal; )*) => {
        /// The key of a `set` line: which setting it changes.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum SettingKey {
            $( $(#[$doc])* $key, )*
        }

        impl SettingKey {
            /// Every key, in the order the README's table lists them.
            pub const ALL: &'static [SettingKey] = &[$(SettingKey::$key),*];

            /// The key as a script writes it (`isn.A`, `rto.max`).
            pub fn name(self) -> &'static str {
                match self { $(SettingKey::$key => $name,)* }
            }

            /// What a value must be, for error messages (`a window from 0 to 65535`).
            pub fn expected(self) -> &'static str {
                match self { $(SettingKey::$key => $expected,)* }
            }
        }
    };
}

setting_keys! {
    /// The ISN of A's next connection.
    IsnA => "isn.A", "a sequence number from 0 to 4294967295";
    /// The ISN of B's next connection.
    IsnB => "isn.B", "a sequence number from 0 to 4294967295";
    /// Maximum segment lifetime: TIME-WAIT lasts twice as long (§3.4.2).
    Msl => "msl", "a duration (e.g. 30s, 2min)";
    /// The initial retransmission timeout (RFC 6298 §2.1).
    Rto => "rto", "a duration (e.g. 200ms, 1s)";
    /// The cap on the backed-off RTO (RFC 6298 §2.5).
    RtoMax => "rto.max", "a duration (e.g. 60s)";
    /// Retransmissions of one segment before giving up (§3.8.3's R2).
    Retries => "retries", "a number of retransmissions from 0 to 50";
    /// One-way delay in auto delivery.
    Latency => "latency", "a duration (e.g. 50ms)";
    /// The MSS option we send (§3.7.1).
    Mss => "mss", "a segment size from 1 to 65535";
    /// The receive window (above 65535 only with window scaling, RFC 7323).
    Window => "window", "a window from 0 to 1073725440 bytes";
    /// RFC 5961's challenge ACKs and ACK range check.
    Rfc5961 => "rfc5961", "`on` or `off`";
    /// Manual or automatic delivery of segments in flight.
    Delivery => "delivery", "`manual` or `auto`";
    /// Random loss of the segments the peers send.
    Loss => "loss", "a percentage from 0% to 100% (e.g. 1% or 0.5)";
    /// The loss generator's seed.
    Seed => "seed", "a whole number from 0 to 18446744073709551615";
    /// Idle time before keep-alive probes (§3.8.4), or `off`.
    Keepalive => "keepalive", "`off` or an idle time of at least 1s";
    /// Time between unanswered keep-alive probes.
    KeepaliveInterval => "keepalive.interval", "a duration of at least 1s";
    /// Unanswered keep-alive probes before giving up.
    KeepaliveProbes => "keepalive.probes", "a number of probes from 0 to 50";
    /// Least time between answers to empty out-of-window segments (RFC 5961 §7).
    AckRatelimit => "ack.ratelimit", "a duration (0ms turns the limit off)";
    /// RFC 9293's timers or Linux's.
    Profile => "profile", "`rfc` or `linux`";
    /// Retransmissions of a SYN before an active open gives up (`tcp_syn_retries`).
    SynRetries => "syn.retries", "a number of retransmissions from 0 to 50";
    /// Retransmissions of a SYN,ACK before a passive open gives up (`tcp_synack_retries`).
    SynackRetries => "synack.retries", "a number of retransmissions from 0 to 50";
    /// SYN retransmissions before the RTO starts doubling (`tcp_syn_linear_timeouts`).
    SynLinear => "syn.linear", "a number of retransmissions from 0 to 50";
    /// RFC 1337's advice (`tcp_rfc1337`): ignore a RST in TIME-WAIT.
    Rfc1337 => "rfc1337", "`on` or `off`";
    /// Whether a passive peer keeps listening beside its connection.
    Listener => "listener", "`close` or `keep`";
    /// The congestion controller (RFC 5681 with RFC 6582), or none.
    Cc => "cc", "`newreno`, `cubic` or `none`";
    /// The initial congestion window, in segments (RFC 5681 §3.1).
    Iw => "iw", "a number of segments from 1 to 100";
    /// Delayed ACKs (§3.8.6.3).
    Delack => "delack", "`on` or `off`";
    /// How long an ACK may be delayed (MUST-58: under 0.5 s).
    DelackTimeout => "delack.timeout", "a duration from 1ms to 499ms";
    /// The Nagle algorithm (§3.7.4).
    Nagle => "nagle", "`on` or `off`";
    /// Sender SWS avoidance (§3.8.6.2.1).
    Sws => "sws", "`on` or `off`";
    /// The window scale shift offered (RFC 7323 §2), or none.
    Wscale => "wscale", "a shift from 0 to 14, or `off`";
    /// The timestamps option (RFC 7323 §3).
    Timestamps => "timestamps", "`on` or `off`";
    /// SACK-permitted and SACK blocks (RFC 2018).
    Sack => "sack", "`on` or `off`";
    /// Linux's tail loss probe (RFC 8985 §7), when SACK is agreed.
    Tlp => "tlp", "`on` or `off`";
    /// Whether the applications read what arrives at once, or only on `A read <n>`.
    Read => "read", "`auto` or `manual`";
}

impl SettingKey {
    /// The key a script's word names, if any.
    pub fn from_name(name: &str) -> Option<SettingKey> {
        SettingKey::ALL.iter().copied().find(|k| k.name() == name)
    }

    /// Reads a value for this key as a script writes it, and checks it. The error says what
    /// was expected.
    pub fn parse(self, text: &str) -> Result<Setting, String> {
        let bad = || {
            format!(
                "`{text}` is not {} (for `{}`)",
                self.expected(),
                self.name()
            )
        };
        let duration = || {
            text.parse::<Duration>()
                .map_err(|e| format!("{e} (for `{}`)", self.name()))
        };
        let number = || text.parse::<u32>().map_err(|_| bad());
        let word = |words: [&str; 2]| match words.iter().position(|&w| w == text) {
            Some(i) => Ok(i == 1),
            None => Err(bad()),
        };
        let setting = match self {
            SettingKey::IsnA => Setting::Isn(Peer::A, number()?),
            SettingKey::IsnB => Setting::Isn(Peer::B, number()?),
            SettingKey::Msl => Setting::Msl(duration()?),
            SettingKey::Rto => Setting::Rto(duration()?),
            SettingKey::RtoMax => Setting::RtoMax(duration()?),
            SettingKey::Retries => Setting::Retries(number()?),
            SettingKey::Latency => Setting::Latency(duration()?),
            SettingKey::Mss => Setting::Mss(text.parse().map_err(|_| bad())?),
            SettingKey::Window => Setting::Window(text.parse().map_err(|_| bad())?),
            SettingKey::Rfc5961 => Setting::Rfc5961(word(["off", "on"])?),
            SettingKey::Delivery => Setting::Delivery(if word(["manual", "auto"])? {
                Delivery::Auto
            } else {
                Delivery::Manual
            }),
            SettingKey::Loss => {
                let percent = text.strip_suffix('%').unwrap_or(text);
                Setting::Loss(parse_percent_ppm(percent).ok_or_else(bad)?)
            }
            SettingKey::Seed => Setting::Seed(text.parse().map_err(|_| bad())?),
            SettingKey::Keepalive => Setting::Keepalive(match text {
                "off" => None,
                _ => Some(duration()?),
            }),
            SettingKey::KeepaliveInterval => Setting::KeepaliveInterval(duration()?),
            SettingKey::KeepaliveProbes => Setting::KeepaliveProbes(number()?),
            SettingKey::AckRatelimit => Setting::AckRatelimit(duration()?),
            SettingKey::Profile => Setting::Profile(if word(["rfc", "linux"])? {
                Profile::Linux
            } else {
                Profile::Rfc
            }),
            SettingKey::SynRetries => Setting::SynRetries(number()?),
            SettingKey::SynackRetries => Setting::SynackRetries(number()?),
            SettingKey::SynLinear => Setting::SynLinear(number()?),
            SettingKey::Rfc1337 => Setting::Rfc1337(word(["off", "on"])?),
            SettingKey::Listener => Setting::Listener(word(["close", "keep"])?),
            SettingKey::Cc => Setting::Cc(match text {
                "none" => CongestionControl::None,
                "newreno" => CongestionControl::NewReno,
                "cubic" => CongestionControl::Cubic,
                _ => return Err(bad()),
            }),
            SettingKey::Iw => Setting::Iw(number()?),
            SettingKey::Delack => Setting::Delack(word(["off", "on"])?),
            SettingKey::DelackTimeout => Setting::DelackTimeout(duration()?),
            SettingKey::Nagle => Setting::Nagle(word(["off", "on"])?),
            SettingKey::Sws => Setting::Sws(word(["off", "on"])?),
            SettingKey::Wscale => Setting::Wscale(match text {
                "off" => None,
                _ => Some(text.parse().map_err(|_| bad())?),
            }),
            SettingKey::Timestamps => Setting::Timestamps(word(["off", "on"])?),
            SettingKey::Sack => Setting::Sack(word(["off", "on"])?),
            SettingKey::Tlp => Setting::Tlp(word(["off", "on"])?),
            SettingKey::Read => Setting::ReadAuto(word(["manual", "auto"])?),
        };
        setting.check()?;
        Ok(setting)
    }
}

impl fmt::Display for SettingKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A configuration change: the key of a `set` line with its value, typed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Setting {
    /// `isn.A`, `isn.B`: the ISN the peer's next connection uses (§3.4.1).
    Isn(Peer, u32),
    /// `msl`: the maximum segment lifetime; TIME-WAIT lasts 2 x MSL (§3.4.2).
    Msl(Duration),
    /// `rto`: the initial RTO (RFC 6298 §2.1), also the floor when below 1 s.
    Rto(Duration),
    /// `rto.max`: the cap on the backed-off RTO (RFC 6298 §2.5).
    RtoMax(Duration),
    /// `retries`: retransmissions of one segment before the connection is aborted.
    Retries(u32),
    /// `latency`: the one-way delay of auto delivery.
    Latency(Duration),
    /// `mss`: the MSS option we send (§3.7.1).
    Mss(u16),
    /// `window`: the receive window we offer, running connections included.
    Window(u32),
    /// `rfc5961`: RFC 5961's challenge ACKs and ACK range check, or RFC 793's behaviour.
    Rfc5961(bool),
    /// `delivery`: manual or auto delivery of segments in flight.
    Delivery(Delivery),
    /// `loss`: the chance a segment a peer sends is lost, in parts per million.
    Loss(u32),
    /// `seed`: the seed of the loss generator.
    Seed(u64),
    /// `keepalive`: idle time before keep-alive probes (§3.8.4); `None` is `off`.
    Keepalive(Option<Duration>),
    /// `keepalive.interval`: time between unanswered probes.
    KeepaliveInterval(Duration),
    /// `keepalive.probes`: unanswered probes before the connection is aborted.
    KeepaliveProbes(u32),
    /// `ack.ratelimit`: least time between answers to empty out-of-window segments.
    AckRatelimit(Duration),
    /// `profile`: RFC 9293's timers or Linux's.
    Profile(Profile),
    /// `syn.retries`: Linux's `tcp_syn_retries`.
    SynRetries(u32),
    /// `synack.retries`: Linux's `tcp_synack_retries`.
    SynackRetries(u32),
    /// `syn.linear`: Linux's `tcp_syn_linear_timeouts`.
    SynLinear(u32),
    /// `rfc1337`: Linux's `tcp_rfc1337`.
    Rfc1337(bool),
    /// `listener`: `keep` (true) when a passive peer's application keeps its listening
    /// socket beside the connection it accepted.
    Listener(bool),
    /// `cc`: the congestion controller.
    Cc(CongestionControl),
    /// `iw`: the initial window in segments.
    Iw(u32),
    /// `delack`: delayed ACKs on or off.
    Delack(bool),
    /// `delack.timeout`: the delayed-ACK timer's duration.
    DelackTimeout(Duration),
    /// `nagle`: the Nagle algorithm on or off (TCP_NODELAY).
    Nagle(bool),
    /// `sws`: sender SWS avoidance on or off.
    Sws(bool),
    /// `wscale`: the window scale shift our SYN offers; `None` is `off`.
    Wscale(Option<u8>),
    /// `timestamps`: offer the timestamps option.
    Timestamps(bool),
    /// `sack`: offer SACK-permitted.
    Sack(bool),
    /// `tlp`: Linux's tail loss probe (RFC 8985 §7) on or off.
    Tlp(bool),
    /// `read`: `auto` (true), the applications read all that arrives at once; `manual`
    /// (false), only what `A read <n>` asks for, so the receive window fills.
    ReadAuto(bool),
}

impl Setting {
    /// The key this setting changes.
    pub fn key(&self) -> SettingKey {
        match self {
            Setting::Isn(Peer::A, _) => SettingKey::IsnA,
            Setting::Isn(Peer::B, _) => SettingKey::IsnB,
            Setting::Msl(_) => SettingKey::Msl,
            Setting::Rto(_) => SettingKey::Rto,
            Setting::RtoMax(_) => SettingKey::RtoMax,
            Setting::Retries(_) => SettingKey::Retries,
            Setting::Latency(_) => SettingKey::Latency,
            Setting::Mss(_) => SettingKey::Mss,
            Setting::Window(_) => SettingKey::Window,
            Setting::Rfc5961(_) => SettingKey::Rfc5961,
            Setting::Delivery(_) => SettingKey::Delivery,
            Setting::Loss(_) => SettingKey::Loss,
            Setting::Seed(_) => SettingKey::Seed,
            Setting::Keepalive(_) => SettingKey::Keepalive,
            Setting::KeepaliveInterval(_) => SettingKey::KeepaliveInterval,
            Setting::KeepaliveProbes(_) => SettingKey::KeepaliveProbes,
            Setting::AckRatelimit(_) => SettingKey::AckRatelimit,
            Setting::Profile(_) => SettingKey::Profile,
            Setting::SynRetries(_) => SettingKey::SynRetries,
            Setting::SynackRetries(_) => SettingKey::SynackRetries,
            Setting::SynLinear(_) => SettingKey::SynLinear,
            Setting::Rfc1337(_) => SettingKey::Rfc1337,
            Setting::Listener(_) => SettingKey::Listener,
            Setting::Cc(_) => SettingKey::Cc,
            Setting::Iw(_) => SettingKey::Iw,
            Setting::Delack(_) => SettingKey::Delack,
            Setting::DelackTimeout(_) => SettingKey::DelackTimeout,
            Setting::Nagle(_) => SettingKey::Nagle,
            Setting::Sws(_) => SettingKey::Sws,
            Setting::Wscale(_) => SettingKey::Wscale,
            Setting::Timestamps(_) => SettingKey::Timestamps,
            Setting::Sack(_) => SettingKey::Sack,
            Setting::Tlp(_) => SettingKey::Tlp,
            Setting::ReadAuto(_) => SettingKey::Read,
        }
    }

    /// Whether the value is within its key's bounds. Parsing checks this; so does
    /// `Sim::set`, for settings built in code.
    pub fn check(&self) -> Result<(), String> {
        let ok = match *self {
            Setting::Retries(n)
            | Setting::KeepaliveProbes(n)
            | Setting::SynRetries(n)
            | Setting::SynackRetries(n)
            | Setting::SynLinear(n) => n <= MAX_RETRIES,
            Setting::Mss(mss) => mss > 0,
            Setting::Window(w) => w <= crate::MAX_WINDOW,
            Setting::Wscale(Some(shift)) => shift <= 14,
            Setting::Iw(n) => (1..=MAX_IW).contains(&n),
            // MUST-58: "the delay MUST be less than 0.5 seconds".
            Setting::DelackTimeout(d) => d > Duration::ZERO && d < Duration::from_millis(500),
            Setting::Loss(ppm) => ppm <= 1_000_000,
            Setting::Keepalive(Some(d)) | Setting::KeepaliveInterval(d) => d >= MIN_KEEPALIVE,
            _ => true,
        };
        if ok {
            Ok(())
        } else {
            let key = self.key();
            Err(format!(
                "`{}` is not {} (for `{}`)",
                self.value(),
                key.expected(),
                key.name()
            ))
        }
    }

    /// The value as a script writes it; parsing it back gives the same setting.
    pub fn value(&self) -> String {
        let switch = |on: bool| if on { "on" } else { "off" };
        match *self {
            Setting::Isn(_, n)
            | Setting::Retries(n)
            | Setting::KeepaliveProbes(n)
            | Setting::SynRetries(n)
            | Setting::SynackRetries(n)
            | Setting::SynLinear(n)
            | Setting::Iw(n) => n.to_string(),
            Setting::Msl(d)
            | Setting::Rto(d)
            | Setting::RtoMax(d)
            | Setting::Latency(d)
            | Setting::KeepaliveInterval(d)
            | Setting::AckRatelimit(d)
            | Setting::DelackTimeout(d)
            | Setting::Keepalive(Some(d)) => d.to_string(),
            Setting::Keepalive(None) => "off".to_string(),
            Setting::Mss(n) => n.to_string(),
            Setting::Window(n) => n.to_string(),
            Setting::Wscale(Some(n)) => n.to_string(),
            Setting::Wscale(None) => "off".to_string(),
            Setting::Listener(true) => "keep".to_string(),
            Setting::Listener(false) => "close".to_string(),
            Setting::Rfc5961(on)
            | Setting::Rfc1337(on)
            | Setting::Delack(on)
            | Setting::Nagle(on)
            | Setting::Sws(on)
            | Setting::Timestamps(on)
            | Setting::Sack(on)
            | Setting::Tlp(on) => switch(on).to_string(),
            Setting::ReadAuto(true) => "auto".to_string(),
            Setting::ReadAuto(false) => "manual".to_string(),
            Setting::Delivery(Delivery::Manual) => "manual".to_string(),
            Setting::Delivery(Delivery::Auto) => "auto".to_string(),
            Setting::Loss(ppm) => percent(ppm),
            Setting::Seed(seed) => seed.to_string(),
            Setting::Profile(Profile::Rfc) => "rfc".to_string(),
            Setting::Profile(Profile::Linux) => "linux".to_string(),
            Setting::Cc(CongestionControl::None) => "none".to_string(),
            Setting::Cc(CongestionControl::NewReno) => "newreno".to_string(),
            Setting::Cc(CongestionControl::Cubic) => "cubic".to_string(),
        }
    }
}

impl fmt::Display for Setting {
    /// `key value`, as after `set` in a script.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.key().name(), self.value())
    }
}

impl FromStr for Setting {
    type Err = String;

    /// Reads `key value`, as after `set` in a script.
    fn from_str(text: &str) -> Result<Setting, String> {
        let mut words = text.split_whitespace();
        let (Some(key), Some(value), None) = (words.next(), words.next(), words.next()) else {
            return Err(format!("`{text}` is not `<key> <value>`"));
        };
        SettingKey::from_name(key)
            .ok_or_else(|| unknown_key(key))?
            .parse(value)
    }
}

impl Serialize for Setting {
    /// `{"key": "msl", "value": "2min"}`: the JSON trace's form since before settings were
    /// typed.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("Setting", 2)?;
        s.serialize_field("key", self.key().name())?;
        s.serialize_field("value", &self.value())?;
        s.end()
    }
}

/// The message for a word that names no setting.
pub(crate) fn unknown_key(word: &str) -> String {
    let known: Vec<&str> = SettingKey::ALL.iter().map(|k| k.name()).collect();
    format!("unknown setting `{word}` (known: {})", known.join(", "))
}

impl Config {
    /// Applies `setting` if it is an endpoint's; returns whether it was. `rto` and `rto.max`
    /// are at least 1 ms; `profile` resets the timers it governs ([`Config::set_profile`]).
    pub fn apply(&mut self, setting: &Setting) -> bool {
        match *setting {
            Setting::Msl(d) => self.msl = d,
            Setting::Rto(d) => self.rto = d.max(Duration(1)),
            Setting::RtoMax(d) => self.rto_max = d.max(Duration(1)),
            Setting::Retries(n) => self.retries = n,
            Setting::Mss(mss) => self.mss = mss,
            Setting::Window(window) => self.window = window,
            Setting::Rfc5961(on) => self.rfc5961 = on,
            Setting::Keepalive(idle) => self.keepalive = idle,
            Setting::KeepaliveInterval(d) => self.keepalive_interval = d,
            Setting::KeepaliveProbes(n) => self.keepalive_probes = n,
            Setting::AckRatelimit(d) => self.ack_ratelimit = d,
            Setting::Profile(profile) => self.set_profile(profile),
            Setting::SynRetries(n) => self.syn_retries = Some(n),
            Setting::SynackRetries(n) => self.synack_retries = Some(n),
            Setting::SynLinear(n) => self.syn_linear_timeouts = n,
            Setting::Rfc1337(on) => self.rfc1337 = on,
            Setting::Listener(keep) => self.keep_listener = keep,
            Setting::Cc(cc) => self.cc = cc,
            Setting::Iw(n) => self.iw = Some(n),
            Setting::Delack(on) => self.delack = on,
            Setting::DelackTimeout(d) => self.delack_timeout = d,
            Setting::Nagle(on) => self.nagle = on,
            Setting::Sws(on) => self.sws = on,
            Setting::Wscale(shift) => self.wscale = shift,
            Setting::Timestamps(on) => self.timestamps = on,
            Setting::Sack(on) => self.sack = on,
            Setting::Tlp(on) => self.tlp = on,
            Setting::ReadAuto(auto) => self.read_auto = auto,
            Setting::Isn(..)
            | Setting::Latency(_)
            | Setting::Delivery(_)
            | Setting::Loss(_)
            | Setting::Seed(_) => return false,
        }
        true
    }
}

impl NetworkSettings {
    /// Applies `setting` if it is the network's; returns whether it was.
    pub fn apply(&mut self, setting: &Setting) -> bool {
        match *setting {
            Setting::Latency(d) => self.latency = d,
            Setting::Delivery(delivery) => self.delivery = delivery,
            Setting::Loss(ppm) => self.loss_ppm = ppm,
            Setting::Seed(seed) => self.seed = seed,
            _ => return false,
        }
        true
    }
}

/// `1.5` (percent) as parts per million: at most four decimals, at most 100.
fn parse_percent_ppm(text: &str) -> Option<u32> {
    let (int, frac) = text.split_once('.').unwrap_or((text, ""));
    if int.is_empty() || frac.len() > 4 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let int: u32 = int.parse().ok()?;
    let frac_ppm: u32 = if frac.is_empty() {
        0
    } else {
        format!("{frac:0<4}").parse().ok()?
    };
    let ppm = int.checked_mul(10_000)?.checked_add(frac_ppm)?;
    (ppm <= 1_000_000).then_some(ppm)
}

/// Parts per million as the shortest percentage that reads back the same (`0.5%`).
fn percent(ppm: u32) -> String {
    let (int, frac) = (ppm / 10_000, ppm % 10_000);
    if frac == 0 {
        format!("{int}%")
    } else {
        let digits = format!("{frac:04}");
        format!("{int}.{}%", digits.trim_end_matches('0'))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_parsing() {
        assert_eq!(parse_percent_ppm("1"), Some(10_000));
        assert_eq!(parse_percent_ppm("0.5"), Some(5_000));
        assert_eq!(parse_percent_ppm("100"), Some(1_000_000));
        assert_eq!(parse_percent_ppm("101"), None);
        assert_eq!(parse_percent_ppm("-1"), None);
        assert_eq!(parse_percent_ppm("x"), None);
        assert_eq!(percent(5_000), "0.5%");
        assert_eq!(percent(12_345), "1.2345%");
        assert_eq!(percent(1_000_000), "100%");
    }

    #[test]
    fn every_key_parses_and_prints_back() {
        let examples = [
            ("isn.A", "4294967295"),
            ("isn.B", "0"),
            ("msl", "2min"),
            ("rto", "200ms"),
            ("rto.max", "90s"),
            ("retries", "50"),
            ("latency", "0ms"),
            ("mss", "536"),
            ("window", "0"),
            ("rfc5961", "off"),
            ("delivery", "auto"),
            ("loss", "0.5%"),
            ("seed", "18446744073709551615"),
            ("keepalive", "off"),
            ("keepalive.interval", "1s"),
            ("keepalive.probes", "0"),
            ("ack.ratelimit", "0ms"),
            ("profile", "linux"),
            ("syn.retries", "6"),
            ("synack.retries", "5"),
            ("syn.linear", "0"),
            ("rfc1337", "on"),
            ("listener", "keep"),
            ("cc", "none"),
            ("iw", "10"),
            ("delack", "off"),
            ("delack.timeout", "40ms"),
            ("nagle", "off"),
            ("sws", "off"),
            ("wscale", "7"),
            ("timestamps", "on"),
            ("sack", "on"),
            ("tlp", "off"),
            ("read", "manual"),
        ];
        assert_eq!(examples.len(), SettingKey::ALL.len());
        for (key, value) in examples {
            let setting: Setting = format!("{key} {value}").parse().unwrap();
            assert_eq!(setting.key().name(), key);
            assert_eq!(setting.to_string(), format!("{key} {value}"));
            assert_eq!(setting.to_string().parse(), Ok(setting));
        }
        for key in SettingKey::ALL {
            assert_eq!(SettingKey::from_name(key.name()), Some(*key));
        }
    }

    #[test]
    fn values_out_of_bounds_say_what_is_expected() {
        let err = |text: &str| text.parse::<Setting>().unwrap_err();
        assert_eq!(
            err("mss banana"),
            "`banana` is not a segment size from 1 to 65535 (for `mss`)"
        );
        assert!(err("mss 0").contains("from 1 to 65535"));
        assert!(err("retries 51").contains("from 0 to 50"));
        assert!(err("keepalive.probes 1000").contains("from 0 to 50"));
        assert!(err("keepalive.interval 500ms").contains("at least 1s"));
        assert!(err("keepalive 999ms").contains("at least 1s"));
        assert!(err("loss 101").contains("0% to 100%"));
        assert!(err("window -1").contains("from 0 to 1073725440"));
        assert!(err("msl 5").contains("needs a unit"), "{}", err("msl 5"));
        assert!(err("profile bsd").contains("`rfc` or `linux`"));
        assert!(err("cc bbr").contains("`newreno`, `cubic` or `none`"));
        assert_eq!(
            "cc cubic".parse(),
            Ok(Setting::Cc(CongestionControl::Cubic))
        );
        assert_eq!(
            Setting::Cc(CongestionControl::Cubic).to_string(),
            "cc cubic"
        );
        assert!(err("iw 0").contains("from 1 to 100"));
        assert!(err("iw 101").contains("from 1 to 100"));
        assert!(err("delack.timeout 500ms").contains("from 1ms to 499ms"));
        assert!(err("delack.timeout 0ms").contains("from 1ms to 499ms"));
        assert!(err("window 1073725441").contains("from 0 to 1073725440"));
        assert!(err("wscale 15").contains("from 0 to 14"));
        assert!(err("wscale on").contains("from 0 to 14"));
        assert!(err("sack yes").contains("`on` or `off`"));
        assert_eq!("wscale off".parse::<Setting>(), Ok(Setting::Wscale(None)));
        assert_eq!(
            "window 1048576".parse::<Setting>(),
            Ok(Setting::Window(1 << 20))
        );
        assert!(err("nonsense 1").starts_with("unknown setting `nonsense` (known: isn.A, "));
        // Built in code, a setting out of bounds is caught the same way.
        assert!(Setting::Retries(51).check().unwrap_err().contains("`51`"));
        assert_eq!(Setting::Loss(1_000_000).check(), Ok(()));
    }

    #[test]
    fn each_setting_applies_to_the_endpoints_or_the_network_but_not_both() {
        let examples: Vec<Setting> = SettingKey::ALL
            .iter()
            .map(|k| {
                let value = match k {
                    SettingKey::Rfc5961 => "off",
                    SettingKey::Rfc1337 => "on",
                    SettingKey::Listener => "keep",
                    SettingKey::Delivery => "auto",
                    SettingKey::Keepalive => "10s",
                    SettingKey::Profile => "linux",
                    SettingKey::Cc => "none",
                    SettingKey::Delack | SettingKey::Nagle | SettingKey::Sws => "off",
                    SettingKey::Timestamps | SettingKey::Sack | SettingKey::Tlp => "on",
                    SettingKey::Read => "manual",
                    SettingKey::DelackTimeout => "7ms",
                    SettingKey::Loss => "1%",
                    k if k.expected().starts_with("a duration") => "7s",
                    _ => "8",
                };
                k.parse(value).unwrap()
            })
            .collect();
        for setting in examples {
            let mut config = Config::default();
            let mut net = NetworkSettings::default();
            let endpoint = config.apply(&setting);
            let network = net.apply(&setting);
            let isn = matches!(setting, Setting::Isn(..));
            assert_eq!(
                [endpoint, network, isn].iter().filter(|&&b| b).count(),
                1,
                "{setting}"
            );
            assert!(
                config != Config::default() || net != NetworkSettings::default() || isn,
                "`{setting}` changed nothing"
            );
        }
    }
}
