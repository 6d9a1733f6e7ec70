//! `fleet-sim`: a million devices that power on within the same minute, run
//! the provider's refresh policy for 24 hours against an STS that gives
//! 1-hour credentials; prints STS calls per second (see
//! `conformance::fleet`).
//!
//! ```text
//! cargo run --release -p conformance --bin fleet-sim [-- DEVICES]
//! ```

#![allow(clippy::std_instead_of_core, clippy::print_stdout)]

use core::time::Duration;
use std::process::ExitCode;

use conformance::fleet::{FleetParams, simulate};
use sts_client::RefreshPolicy;

fn main() -> ExitCode {
    let devices = match std::env::args().nth(1).map(|a| a.parse::<u32>()) {
        None => 1_000_000,
        Some(Ok(n)) if n > 0 => n,
        Some(_) => {
            eprintln!("usage: fleet-sim [DEVICES]   (a positive number; default 1000000)");
            return ExitCode::from(2);
        }
    };
    let base = FleetParams {
        devices,
        ..FleetParams::default()
    };
    println!(
        "{} devices powering on within {} s, {} h, {} s credentials; calls per second after the first hour:\n",
        base.devices,
        base.power_on_span.as_secs(),
        base.hours,
        base.lifetime.as_secs()
    );
    println!("| policy | peak, first hour | peak | p99 | mean | peak / mean | STS calls in all |");
    println!("|---|---:|---:|---:|---:|---:|---:|");
    for (name, policy) in [
        ("default (jitter on)", RefreshPolicy::DEFAULT),
        ("jitter off", RefreshPolicy::DEFAULT.with_jitter(false)),
    ] {
        let report = simulate(&FleetParams { policy, ..base });
        let first = report.per_second[..3600].iter().max().copied().unwrap_or(0);
        let after = report.rates_from(Duration::from_secs(3600));
        println!(
            "| {name} | {first} | {} | {} | {:.1} | {:.2} | {} |",
            after.peak,
            after.p99,
            after.mean,
            after.peak_to_mean(),
            report.total_calls
        );
    }
    ExitCode::SUCCESS
}
