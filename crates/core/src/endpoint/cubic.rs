//! CUBIC (RFC 9438), Linux's default congestion controller: `set cc cubic`, and the Linux
//! profile's choice.
//!
//! CUBIC keeps RFC 5681's slow start, fast retransmit and (here NewReno's, RFC 6582) fast
//! recovery, and changes three things:
//! - the multiplicative decrease: β_cubic = 0.7 instead of 1/2 (§4.6), with fast
//!   convergence lowering W_max when a loss comes before the last one's window (§4.7);
//! - congestion avoidance: cwnd follows W_cubic(t) = C·(t − K)³ + W_max, C = 0.4, t the time
//!   since the stage began (§4.2): concave below W_max (§4.4), convex above it (§4.5);
//! - the Reno-friendly region (§4.3): W_est grows as Reno with the same average rate would,
//!   and cwnd never falls behind it.
//!
//! Everything is integer arithmetic on bytes and virtual milliseconds, so a run gives the
//! same numbers natively and in WebAssembly (a float cube root comes from the platform's
//! libm, which may differ in the last bit).

use std::hash::{Hash, Hasher};

use super::Endpoint;
use crate::rule::Rule;
use crate::time::Instant;

/// C = 0.4 segments/s³ (RFC 9438 §5.1), as a fraction.
const C_NUM: u128 = 4;
const C_DEN: u128 = 10;
/// β_cubic = 0.7 (RFC 9438 §4.6), as a fraction.
const BETA_NUM: u32 = 7;
const BETA_DEN: u32 = 10;
/// α_cubic = 3(1 − β)/(1 + β) = 0.9/1.7 = 9/17 (RFC 9438 §4.3).
const ALPHA_NUM: u64 = 9;
const ALPHA_DEN: u64 = 17;
/// Fixed-point scale for the fractions of a byte that W_est and cwnd gain per ACK.
const FRAC: u64 = 1024;
/// Milliseconds per second, cubed: W_cubic's t is in seconds, the clock in milliseconds.
const MS3: u128 = 1_000_000_000;

/// Which part of the cubic curve (or the Reno-friendly line) cwnd followed at the last ACK.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub(super) enum Region {
    /// Not in a congestion avoidance stage (slow start, recovery, or none yet).
    #[default]
    None,
    /// W_cubic(t) < W_est: cwnd grows as Reno would (§4.3).
    RenoFriendly,
    /// cwnd < W_max: fast growth slowing towards the plateau (§4.4).
    Concave,
    /// cwnd ≥ W_max: slow growth speeding up beyond the plateau (§4.5).
    Convex,
}

/// CUBIC's variables (RFC 9438 §4.1), in bytes and virtual milliseconds.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Cubic {
    /// W_max: cwnd just before the last reduction (less after fast convergence).
    pub w_max: u32,
    /// cwnd_prior: cwnd at the last congestion event; W_est's α becomes 1 past it.
    pub cwnd_prior: u32,
    /// K in milliseconds: when W_cubic reaches W_max again.
    pub k_ms: u64,
    /// When the current congestion avoidance stage began (t = 0); `None` outside one.
    pub epoch_start: Option<Instant>,
    /// W_est in 1/1024 bytes.
    pub w_est: u64,
    /// The fraction of a byte cwnd has gained and not yet added, in 1/1024 bytes.
    pub cwnd_frac: u64,
    /// No congestion event has set W_max, or the last one was a timeout: the next stage
    /// starts with K = 0 and W_max = cwnd (§4.8).
    pub k_zero: bool,
    /// The region of the last ACK, so that each change of region is noted once.
    pub region: Region,
}

impl Cubic {
    /// A connection's start: no W_max yet.
    pub(super) fn new() -> Cubic {
        Cubic {
            k_zero: true,
            ..Cubic::default()
        }
    }

    /// Feeds the variables into `h`, with the epoch's start taken relative to `now`.
    pub(super) fn fingerprint<H: Hasher>(&self, now: Instant, h: &mut H) {
        let Cubic {
            w_max,
            cwnd_prior,
            k_ms,
            epoch_start,
            w_est,
            cwnd_frac,
            k_zero,
            region,
        } = self;
        (w_max, cwnd_prior, k_ms, w_est, cwnd_frac, k_zero, region).hash(h);
        epoch_start.map(|at| at.since(now)).hash(h);
    }
}

/// ⌊∛x⌋, by bisection: exact, and the same on every platform.
fn cube_root(x: u128) -> u64 {
    let (mut lo, mut hi) = (0u64, 1u64 << 43);
    while lo < hi {
        let mid = lo + (hi - lo).div_ceil(2);
        if u128::from(mid).checked_pow(3).is_some_and(|cube| cube <= x) {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    lo
}

/// W_cubic(t) in bytes (RFC 9438 eq. 1) for an SMSS of `smss`, t and K in milliseconds.
fn w_cubic(c: &Cubic, smss: u32, t_ms: u64) -> u64 {
    let d = i128::from(t_ms) - i128::from(c.k_ms);
    let offset = (C_NUM as i128) * i128::from(smss) * d * d * d / ((C_DEN * MS3) as i128);
    (i128::from(c.w_max) + offset).clamp(0, i128::from(u32::MAX)) as u64
}

impl Endpoint {
    /// β_cubic's ssthresh: max(FlightSize · 0.7, 2 · SMSS) (RFC 9438 §4.6, which allows
    /// FlightSize, as RFC 5681 eq. (4) uses it, or cwnd).
    pub(super) fn cubic_ssthresh(&self) -> u32 {
        let flight = self.tcb.snd_nxt.offset_from(self.tcb.snd_una);
        let reduced = (u64::from(flight) * u64::from(BETA_NUM) / u64::from(BETA_DEN)) as u32;
        reduced.max(self.tcb.snd_mss.saturating_mul(2))
    }

    /// A congestion event (three duplicate ACKs, or a timeout when `timeout`): W_max and
    /// cwnd_prior remember cwnd, fast convergence (§4.7) lowers W_max when cwnd did not get
    /// back to the last one, and the congestion avoidance stage ends.
    pub(super) fn cubic_on_congestion(&mut self, timeout: bool) {
        let cwnd = self.tcb.cwnd;
        let c = &mut self.tcb.cubic;
        let fast_convergence = !c.k_zero && cwnd < c.w_max;
        c.w_max = if fast_convergence {
            // W_max = cwnd · (1 + β_cubic) / 2.
            (u64::from(cwnd) * u64::from(BETA_DEN + BETA_NUM) / u64::from(2 * BETA_DEN)) as u32
        } else {
            cwnd
        };
        c.cwnd_prior = cwnd;
        c.epoch_start = None;
        c.region = Region::None;
        c.cwnd_frac = 0;
        // §4.8: after a timeout the next stage starts from K = 0, W_max = cwnd.
        c.k_zero = timeout;
        if fast_convergence && !timeout {
            self.note(Rule::CubicFastConvergence);
        }
    }

    /// Ends the congestion avoidance stage without a congestion event (the restart after
    /// idle lowered cwnd): the next one starts from the cwnd it then has.
    pub(super) fn cubic_end_epoch(&mut self) {
        let c = &mut self.tcb.cubic;
        c.epoch_start = None;
        c.region = Region::None;
        c.k_zero = true;
    }

    /// New data leaves after a time with nothing in flight: the curve's clock does not run
    /// while the sender had nothing to send (RFC 9438 §4.2, §5.8), so the stage's start moves on
    /// by the time since data last left, as Linux does (bictcp_cwnd_event).
    pub(super) fn cubic_on_send_after_idle(&mut self, now: Instant) {
        let Some(last) = self.tcb.last_data_sent else {
            return;
        };
        if let Some(start) = &mut self.tcb.cubic.epoch_start {
            *start = *start + (now - last);
        }
    }

    /// Congestion avoidance on an ACK of `acked` new bytes (RFC 9438 §4.2 to §4.5).
    pub(super) fn cubic_on_ack(&mut self, acked: u32, now: Instant) {
        let smss = self.tcb.snd_mss.max(1);
        let srtt = self.tcb.srtt.map_or(0, |d| d.millis());
        let cwnd = self.tcb.cwnd.max(1);
        let c = &mut self.tcb.cubic;
        let start = match c.epoch_start {
            Some(start) => start,
            None => {
                // A new stage (§4.2): cwnd_epoch is cwnd now, K from eq. (2), or K = 0 and
                // W_max = cwnd when no congestion event set W_max, or after a timeout (§4.8).
                // A cwnd already past W_max starts the curve from itself, as Linux does
                // (bictcp_update: bic_origin_point = cwnd, K = 0).
                if c.k_zero || c.w_max <= cwnd {
                    c.w_max = cwnd;
                    c.k_ms = 0;
                } else {
                    let gap = u128::from(c.w_max - cwnd);
                    c.k_ms = cube_root(gap * C_DEN * MS3 / (C_NUM * u128::from(smss)));
                }
                c.k_zero = false;
                c.w_est = u64::from(cwnd) * FRAC;
                c.cwnd_frac = 0;
                c.epoch_start = Some(now);
                now
            }
        };
        let t = (now - start).millis();
        // §4.3: W_est += α · segments acknowledged / cwnd (in segments), α = 1 once W_est
        // has reached cwnd_prior.
        let (a_num, a_den) = if c.w_est >= u64::from(c.cwnd_prior) * FRAC {
            (1, 1)
        } else {
            (ALPHA_NUM, ALPHA_DEN)
        };
        c.w_est += a_num * u64::from(acked) * u64::from(smss) * FRAC / (a_den * u64::from(cwnd));
        let w_est = c.w_est / FRAC;
        let region;
        if w_cubic(c, smss, t) < w_est {
            // §4.3: the Reno-friendly region: cwnd = W_est (never lowered by an ACK).
            region = Region::RenoFriendly;
            self.tcb.cwnd = cwnd.max(w_est.min(u64::from(u32::MAX)) as u32);
        } else {
            region = if u64::from(cwnd) < u64::from(c.w_max) {
                Region::Concave
            } else {
                Region::Convex
            };
            // §4.2: the target is W_cubic one RTT ahead, kept within [cwnd, 1.5 · cwnd].
            let target = w_cubic(c, smss, t + srtt).clamp(u64::from(cwnd), u64::from(cwnd) * 3 / 2);
            // §4.4, §4.5: cwnd grows by (target − cwnd)/cwnd per ACK, in segments; here per
            // acknowledged segment, as Linux counts it, so delayed ACKs do not halve it.
            let gain = (target - u64::from(cwnd)) * u64::from(acked) * FRAC / u64::from(cwnd)
                + c.cwnd_frac;
            c.cwnd_frac = gain % FRAC;
            self.tcb.cwnd = cwnd.saturating_add((gain / FRAC).min(u64::from(u32::MAX)) as u32);
        }
        if region != self.tcb.cubic.region {
            self.tcb.cubic.region = region;
            self.note(match region {
                Region::RenoFriendly => Rule::CubicRenoFriendly,
                Region::Concave => Rule::CubicConcave,
                _ => Rule::CubicConvex,
            });
        }
    }

    /// W_max and K in milliseconds while CUBIC runs, for the log.
    pub(super) fn cubic_view(&self) -> (u32, u64) {
        (self.tcb.cubic.w_max, self.tcb.cubic.k_ms)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cube_root_is_exact_at_cubes_and_floors_between() {
        for n in [0u64, 1, 2, 10, 1000, 123_456, (1 << 42) + 7] {
            let cube = u128::from(n).pow(3);
            assert_eq!(cube_root(cube), n);
            if n > 0 {
                assert_eq!(cube_root(cube - 1), n - 1);
            }
            if n > 0 {
                assert_eq!(cube_root(cube + 1), n);
            }
        }
        let top = cube_root(u128::MAX);
        assert!(u128::from(top).checked_pow(3).is_some());
        assert!(u128::from(top + 1).checked_pow(3).is_none());
    }

    #[test]
    fn w_cubic_is_w_max_at_k_and_symmetric_around_it() {
        let c = Cubic {
            w_max: 100_000,
            k_ms: 2_000,
            ..Cubic::new()
        };
        assert_eq!(w_cubic(&c, 1000, 2_000), 100_000);
        // C · SMSS · 1 s³ = 0.4 · 1000 = 400 bytes either side of K, one second away.
        assert_eq!(w_cubic(&c, 1000, 3_000), 100_400);
        assert_eq!(w_cubic(&c, 1000, 1_000), 99_600);
        // At t = 0 the curve starts from W_max − C·K³ = 100000 − 0.4·8·1000.
        assert_eq!(w_cubic(&c, 1000, 0), 96_800);
    }
}
