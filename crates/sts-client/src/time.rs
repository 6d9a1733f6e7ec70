//! Time and chance as parameters: a monotonic [`Instant`], and the
//! [`Platform`] (blocking) or [`AsyncPlatform`] a client is generic over:
//! a clock, a way to wait between attempts, random numbers and a look at
//! each attempt, in one value.
//!
//! Nothing in this crate reads a clock, sleeps or draws a random number by
//! itself: it asks the platform you hand it. Implement [`Platform`] on one
//! type of yours, or hand a tuple of parts: `(clock, delay, rng)` with a
//! [`Clock`], a [`Delay`] (or [`AsyncDelay`]) and an [`Rng`], and
//! optionally a fourth member, a closure that sees each [`AttemptEvent`].
//! Tests hand fakes; a device hands its tick counter; a host uses
//! `StdPlatform` (feature `std`).
//!
//! ```
//! use sts_client::{Clock, Instant, NoDelay, Platform, SplitMix64};
//! struct Ticks;
//! impl Clock for Ticks {
//!     fn now(&self) -> Instant { Instant::from_millis(42) }
//! }
//! let mut platform = (Ticks, NoDelay, SplitMix64::new(7));
//! assert_eq!(Platform::now(&platform), Instant::from_millis(42));
//! let _jitter = Platform::next_u64(&mut platform);
//! ```

use core::fmt;
use core::time::Duration;

pub use sts_codec::Timestamp;

use crate::exchange::AttemptEvent;

/// What a blocking client needs besides its transport: a clock, a blocking
/// wait, random numbers, and (optionally) a look at each attempt.
///
/// Implemented for `(C, D, R)` and `(C, D, R, O)` tuples of a [`Clock`], a
/// [`Delay`], an [`Rng`] and an `FnMut(&AttemptEvent)`, and for `&mut P`.
pub trait Platform {
    /// The current monotonic instant; never goes backwards.
    fn now(&self) -> Instant;

    /// The current wall-clock (UTC) time, if this device knows it (the
    /// default says it does not).
    fn wall_time(&self) -> Option<Timestamp> {
        None
    }

    /// A uniformly distributed 64-bit value (jitter, session names). It need
    /// not be cryptographic.
    fn next_u64(&mut self) -> u64;

    /// Returns after `duration` has passed.
    fn delay(&mut self, duration: Duration);

    /// Called once after each attempt (logs, metrics, `-v` output). The
    /// default does nothing.
    fn on_attempt(&mut self, event: &AttemptEvent<'_>) {
        let _ = event;
    }
}

/// [`Platform`] for an async client: the same, with an async wait (no
/// boxing, no `Send` bound: runs on embassy).
///
/// Implemented for `(C, D, R)` and `(C, D, R, O)` tuples of a [`Clock`], an
/// [`AsyncDelay`], an [`Rng`] and an `FnMut(&AttemptEvent)`, and for
/// `&mut P`.
#[allow(async_fn_in_trait)]
pub trait AsyncPlatform {
    /// The current monotonic instant; never goes backwards.
    fn now(&self) -> Instant;

    /// The current wall-clock (UTC) time, if this device knows it.
    fn wall_time(&self) -> Option<Timestamp> {
        None
    }

    /// A uniformly distributed 64-bit value.
    fn next_u64(&mut self) -> u64;

    /// Completes after `duration` has passed.
    async fn delay(&mut self, duration: Duration);

    /// Called once after each attempt. The default does nothing.
    fn on_attempt(&mut self, event: &AttemptEvent<'_>) {
        let _ = event;
    }
}

/// `Platform` (or `AsyncPlatform`) for `(clock, delay, rng)`, for
/// `(clock, delay, rng, on_attempt)` and for `&mut P`.
macro_rules! platform_tuples {
    // The parts a tuple lends: clock `.0`, delay `.1`, randomness `.2`.
    (@parts $($await:tt)*) => {
        fn now(&self) -> Instant {
            self.0.now()
        }
        fn wall_time(&self) -> Option<Timestamp> {
            self.0.wall_time()
        }
        fn next_u64(&mut self) -> u64 {
            self.2.next_u64()
        }
        $($await)* fn delay(&mut self, duration: Duration) {
            platform_tuples!(@wait self.1.delay(duration), $($await)*)
        }
    };
    (@wait $call:expr, ) => { $call };
    (@wait $call:expr, async) => { $call.await };
    ($platform:ident, $delay:ident, $($await:tt)*) => {
        impl<C: Clock, D: $delay, R: Rng> $platform for (C, D, R) {
            platform_tuples!(@parts $($await)*);
        }

        impl<C: Clock, D: $delay, R: Rng, O: FnMut(&AttemptEvent<'_>)> $platform for (C, D, R, O) {
            platform_tuples!(@parts $($await)*);
            fn on_attempt(&mut self, event: &AttemptEvent<'_>) {
                (self.3)(event);
            }
        }

        impl<P: $platform + ?Sized> $platform for &mut P {
            fn now(&self) -> Instant {
                (**self).now()
            }
            fn wall_time(&self) -> Option<Timestamp> {
                (**self).wall_time()
            }
            fn next_u64(&mut self) -> u64 {
                (**self).next_u64()
            }
            $($await)* fn delay(&mut self, duration: Duration) {
                platform_tuples!(@wait (**self).delay(duration), $($await)*)
            }
            fn on_attempt(&mut self, event: &AttemptEvent<'_>) {
                (**self).on_attempt(event);
            }
        }
    };
}

platform_tuples!(Platform, Delay,);
platform_tuples!(AsyncPlatform, AsyncDelay, async);

/// A point on the caller's monotonic clock, in milliseconds since an
/// arbitrary epoch (typically boot).
///
/// It never has to agree with wall-clock time: a device whose clock starts at
/// zero on every boot still refreshes credentials on time, because each
/// credential's deadline is kept on this clock (see
/// [`Credentials::valid_until`](crate::Credentials::valid_until)).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Instant(u64);

impl Instant {
    /// The clock's epoch.
    pub const ZERO: Instant = Instant(0);

    /// An instant `millis` milliseconds after the epoch.
    #[must_use]
    pub const fn from_millis(millis: u64) -> Self {
        Instant(millis)
    }

    /// Milliseconds since the epoch.
    #[must_use]
    pub const fn as_millis(self) -> u64 {
        self.0
    }

    /// `self + d`, saturating at the end of time.
    #[must_use]
    pub const fn saturating_add(self, d: Duration) -> Self {
        Instant(self.0.saturating_add(duration_millis(d)))
    }

    /// `self - d`, saturating at the epoch.
    #[must_use]
    pub const fn saturating_sub(self, d: Duration) -> Self {
        Instant(self.0.saturating_sub(duration_millis(d)))
    }

    /// Time from `earlier` to `self`, or zero if `earlier` is later.
    #[must_use]
    pub const fn saturating_duration_since(self, earlier: Instant) -> Duration {
        Duration::from_millis(self.0.saturating_sub(earlier.0))
    }
}

impl fmt::Debug for Instant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Instant({}ms)", self.0)
    }
}

/// Whole milliseconds of `d`, saturating at `u64::MAX`.
pub(crate) const fn duration_millis(d: Duration) -> u64 {
    let ms = d.as_millis();
    if ms > u64::MAX as u128 { u64::MAX } else { ms as u64 }
}

/// Milliseconds from `earlier` to `later` (negative when `later` is earlier),
/// saturating at the `i64` bounds.
pub(crate) fn timestamp_diff_millis(later: Timestamp, earlier: Timestamp) -> i64 {
    let ms = |t: Timestamp| i128::from(t.seconds) * 1000 + i128::from(t.nanos / 1_000_000);
    let d = ms(later) - ms(earlier);
    i64::try_from(d).unwrap_or(if d < 0 { i64::MIN } else { i64::MAX })
}

/// The caller's clocks.
///
/// [`now`](Clock::now) is required and must never go backwards.
/// [`wall_time`](Clock::wall_time) is optional: a device without a real-time
/// clock returns `None` (the default) and relies on the server's `Date`
/// header; a host returns the system time so the client can measure the
/// clock skew.
pub trait Clock {
    /// The current monotonic instant.
    fn now(&self) -> Instant;

    /// The current wall-clock (UTC) time, if this device knows it.
    fn wall_time(&self) -> Option<Timestamp> {
        None
    }
}

impl<C: Clock + ?Sized> Clock for &C {
    fn now(&self) -> Instant {
        (**self).now()
    }
    fn wall_time(&self) -> Option<Timestamp> {
        (**self).wall_time()
    }
}

/// Waits (blocking) between attempts.
pub trait Delay {
    /// Returns after `duration` has passed.
    fn delay(&mut self, duration: Duration);
}

impl<D: Delay + ?Sized> Delay for &mut D {
    fn delay(&mut self, duration: Duration) {
        (**self).delay(duration);
    }
}

/// Waits (async) between attempts: embassy's `Timer::after`, tokio's
/// `sleep`, ...
#[allow(async_fn_in_trait)]
pub trait AsyncDelay {
    /// Completes after `duration` has passed.
    async fn delay(&mut self, duration: Duration);
}

impl<D: AsyncDelay + ?Sized> AsyncDelay for &mut D {
    async fn delay(&mut self, duration: Duration) {
        (**self).delay(duration).await;
    }
}

/// A source of random numbers, for backoff jitter, refresh jitter and
/// default session names. It need not be cryptographic.
pub trait Rng {
    /// A uniformly distributed 64-bit value.
    fn next_u64(&mut self) -> u64;

    /// A uniformly distributed 32-bit value (the high half of
    /// [`next_u64`](Rng::next_u64) by default).
    fn next_u32(&mut self) -> u32 {
        (self.next_u64() >> 32) as u32
    }
}

impl<R: Rng + ?Sized> Rng for &mut R {
    fn next_u64(&mut self) -> u64 {
        (**self).next_u64()
    }
}

/// A value uniformly drawn from `0..=max`: one uniform 64-bit `draw`
/// mapped by a widening multiply (Lemire), so a draw of `0` gives `0`,
/// `u64::MAX` gives `max`, and `1 << 63` gives `(max + 1) / 2`.
#[must_use]
pub fn uniform_inclusive(draw: u64, max: u64) -> u64 {
    let span = u128::from(max) + 1;
    ((u128::from(draw) * span) >> 64) as u64
}

/// SplitMix64: a tiny deterministic generator for devices without an OS
/// random source. Seed it with something that differs per device and per
/// boot (a serial number mixed with an ADC noise sample, the hardware RNG
/// if there is one): the jitter it gives exists to spread a fleet out.
#[derive(Clone)]
pub struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    /// A generator with the given seed.
    #[must_use]
    pub const fn new(seed: u64) -> Self {
        SplitMix64 { state: seed }
    }
}

impl Rng for SplitMix64 {
    fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

impl fmt::Debug for SplitMix64 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SplitMix64")
    }
}

/// A [`Delay`] and [`AsyncDelay`] that returns at once (for tests, or when
/// the caller paces retries itself).
#[derive(Debug, Clone, Copy, Default)]
pub struct NoDelay;

impl Delay for NoDelay {
    fn delay(&mut self, _: Duration) {}
}

impl AsyncDelay for NoDelay {
    async fn delay(&mut self, _: Duration) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uniform_maps_the_extremes_exactly() {
        assert_eq!(uniform_inclusive(0, 1000), 0);
        assert_eq!(uniform_inclusive(u64::MAX, 1000), 1000);
        assert_eq!(uniform_inclusive(1 << 63, 1000), 500);
        assert_eq!(uniform_inclusive(u64::MAX, 0), 0);
        assert_eq!(uniform_inclusive(u64::MAX, u64::MAX), u64::MAX);
    }

    #[test]
    fn splitmix_is_deterministic_and_spreads() {
        let mut a = SplitMix64::new(42);
        let mut b = SplitMix64::new(42);
        let x = a.next_u64();
        assert_eq!(x, b.next_u64());
        assert_ne!(x, a.next_u64());
        assert_ne!(SplitMix64::new(1).next_u64(), SplitMix64::new(2).next_u64());
    }

    #[test]
    fn timestamp_diff_in_millis() {
        let a = Timestamp::from_unix(100, 500_000_000).unwrap();
        let b = Timestamp::from_unix(98, 0).unwrap();
        assert_eq!(timestamp_diff_millis(a, b), 2500);
        assert_eq!(timestamp_diff_millis(b, a), -2500);
    }
}
