//! A fleet on paper: what the refresh policy does to STS when a million
//! devices come back at once.
//!
//! Each simulated device powers on at a moment drawn uniformly over the
//! first [`FleetParams::power_on_span`], fetches credentials, and runs the
//! provider's own [`RefreshSchedule`] on a fake clock: it sleeps until the
//! schedule's next refresh try ([`RefreshSchedule::advisory_at`]) and
//! fetches again. STS answers at once with credentials of
//! [`FleetParams::lifetime`] and never fails. Every device draws its jitter
//! from its own [`SplitMix64`], seeded by its index: the run is
//! deterministic.
//!
//! ```
//! use conformance::fleet::{FleetParams, simulate};
//! let report = simulate(&FleetParams { devices: 1_000, hours: 3, ..FleetParams::default() });
//! assert!(report.total_calls >= 3_000);
//! ```

use core::time::Duration;

use sts_client::{Credentials, Instant, RefreshPolicy, RefreshSchedule, Rng, SplitMix64, Timestamp};

/// What is simulated.
#[derive(Debug, Clone, Copy)]
pub struct FleetParams {
    /// Devices in the fleet.
    pub devices: u32,
    /// Every device powers on within this span from the start.
    pub power_on_span: Duration,
    /// How long the simulation runs.
    pub hours: u64,
    /// The lifetime of the credentials STS gives.
    pub lifetime: Duration,
    /// The devices' refresh policy.
    pub policy: RefreshPolicy,
}

impl Default for FleetParams {
    /// A million devices within 60 s, for 24 h, with 1-hour credentials and
    /// the default policy.
    fn default() -> Self {
        FleetParams {
            devices: 1_000_000,
            power_on_span: Duration::from_secs(60),
            hours: 24,
            lifetime: Duration::from_secs(3600),
            policy: RefreshPolicy::DEFAULT,
        }
    }
}

/// STS calls per second over the run.
#[derive(Debug, Clone)]
pub struct FleetReport {
    /// Calls in each second of the run.
    pub per_second: Vec<u32>,
    /// Calls in all.
    pub total_calls: u64,
}

/// Calls-per-second figures over a stretch of a run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rates {
    /// The busiest second.
    pub peak: u32,
    /// The 99th percentile of the seconds.
    pub p99: u32,
    /// The mean.
    pub mean: f64,
}

impl Rates {
    /// `peak / mean`.
    pub fn peak_to_mean(&self) -> f64 {
        f64::from(self.peak) / self.mean
    }
}

impl FleetReport {
    /// The rates over the seconds from `from` to the end of the run.
    pub fn rates_from(&self, from: Duration) -> Rates {
        let start = usize::try_from(from.as_secs())
            .unwrap_or(usize::MAX)
            .min(self.per_second.len());
        let mut seconds = self.per_second[start..].to_vec();
        if seconds.is_empty() {
            return Rates {
                peak: 0,
                p99: 0,
                mean: 0.0,
            };
        }
        seconds.sort_unstable();
        let total: u64 = seconds.iter().map(|&c| u64::from(c)).sum();
        Rates {
            peak: seconds[seconds.len() - 1],
            p99: seconds[(seconds.len() - 1) * 99 / 100],
            mean: total as f64 / seconds.len() as f64,
        }
    }
}

/// Runs the fleet.
pub fn simulate(params: &FleetParams) -> FleetReport {
    let end_ms = params.hours * 3_600_000;
    let span_ms = u64::try_from(params.power_on_span.as_millis()).unwrap_or(u64::MAX);
    let lifetime_ms = u64::try_from(params.lifetime.as_millis()).unwrap_or(u64::MAX);
    let mut per_second = vec![0u32; usize::try_from(params.hours * 3600).unwrap_or(0)];
    let mut total_calls = 0u64;
    // The expiration text is not used by the schedule (it decides on the
    // monotonic deadlines); any valid timestamp does.
    let expiration = Timestamp::from_unix(0, 0).unwrap_or_else(|| unreachable!("the epoch is valid"));
    let mut creds: Credentials<[u8; 8]> = Credentials::empty();
    for device in 0..params.devices {
        let mut rng = SplitMix64::new(u64::from(device).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0xF1EE7);
        let mut schedule = RefreshSchedule::new(params.policy);
        let mut now = uniform_below(rng.next_u64(), span_ms);
        while now < end_ms {
            per_second[usize::try_from(now / 1000).unwrap_or(usize::MAX)] += 1;
            total_calls += 1;
            creds
                .fill(
                    "ASIAFLEET0000000",
                    "secret",
                    "token",
                    expiration,
                    Instant::from_millis(now),
                    Instant::from_millis(now + lifetime_ms),
                )
                .unwrap_or_else(|e| unreachable!("fits: {e:?}"));
            schedule.stored(&creds, rng.next_u64());
            let next = schedule.advisory_at().map_or(end_ms, Instant::as_millis);
            // A schedule never asks for a refresh before the answer arrived.
            now = next.max(now + 1);
        }
    }
    FleetReport {
        per_second,
        total_calls,
    }
}

/// A draw scaled to `0..max` (`0` when `max` is zero).
fn uniform_below(draw: u64, max: u64) -> u64 {
    ((u128::from(draw) * u128::from(max)) >> 64) as u64
}
