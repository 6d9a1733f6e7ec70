//! The fleet simulation: with the default refresh policy, a fleet that
//! powered on within one minute loads STS evenly from the second hour on;
//! without jitter it stays bunched.

use core::time::Duration;

use conformance::fleet::{FleetParams, simulate};
use sts_client::RefreshPolicy;

fn run(policy: RefreshPolicy) -> (f64, u64) {
    let report = simulate(&FleetParams {
        devices: 200_000,
        hours: 8,
        policy,
        ..FleetParams::default()
    });
    (
        report.rates_from(Duration::from_secs(3600)).peak_to_mean(),
        report.total_calls,
    )
}

#[test]
fn jitter_spreads_a_fleet_that_powered_on_together() {
    let (spread, calls) = run(RefreshPolicy::DEFAULT);
    assert!(spread <= 2.0, "peak / mean after the first hour: {spread:.2}");
    // One refresh every 45 to 50 minutes, plus one early refresh per start.
    assert!((200_000 * 9..200_000 * 12).contains(&calls), "{calls} calls");

    let (bunched, calls) = run(RefreshPolicy::DEFAULT.with_jitter(false));
    assert!(bunched > 10.0, "peak / mean without jitter: {bunched:.2}");
    assert_eq!(calls, 200_000 * 11, "a refresh every 45 minutes for 8 hours");
}
