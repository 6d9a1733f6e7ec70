//! The measuring harness every minimal program shares (included with
//! `#[path = "../../common.rs"] mod common;`, so each program stays its own
//! crate with its own lock file).
//!
//! - A counting global allocator: allocations (and reallocations) and the
//!   bytes asked for, in every thread.
//! - [`run`]: does the contender's setup once, then `STS_FETCHES` fetches
//!   (default 1), each timed; prints the last `AccessKeyId` on stdout and one
//!   `measure:` line on stderr for `../measure.sh`:
//!
//! ```text
//! measure: fetches=21 allocs_setup=12 bytes_setup=3400 allocs_first=.. bytes_first=.. allocs_rest=.. bytes_rest=.. first_us=.. median_rest_us=..
//! ```
//!
//! `*_setup`: before the first fetch; `*_first`: the first fetch; `*_rest`:
//! fetches 2..=N together (divide by N - 1); `median_rest_us`: the median
//! wall time of fetches 2..=N (0 when N = 1).

use std::time::Instant;

#[path = "../counting.rs"]
mod counting;
pub use counting::Counting;
use counting::counts;

/// `setup` once, then `fetch` `STS_FETCHES` times; `fetch` returns the
/// `AccessKeyId` it got. Exits 1 on the first error.
pub fn run<S, E: std::fmt::Display>(
    setup: impl FnOnce() -> Result<S, E>,
    mut fetch: impl FnMut(&mut S) -> Result<String, E>,
) {
    let n: u32 = std::env::var("STS_FETCHES")
        .ok()
        .map_or(1, |v| v.parse().expect("STS_FETCHES: a number"));
    assert!(n >= 1, "STS_FETCHES: at least 1");
    let mut state = setup().unwrap_or_else(|e| fail(&e));
    let after_setup = counts();
    let mut times = Vec::with_capacity(n as usize);
    let mut key = String::new();
    let mut after_first = after_setup;
    for i in 0..n {
        let t0 = Instant::now();
        key = fetch(&mut state).unwrap_or_else(|e| fail(&e));
        times.push(t0.elapsed().as_micros() as u64);
        if i == 0 {
            after_first = counts();
        }
    }
    let end = counts();
    let first_us = times[0];
    let mut rest = times.split_off(1);
    rest.sort_unstable();
    let median_rest_us = if rest.is_empty() { 0 } else { rest[rest.len() / 2] };
    println!("AccessKeyId: {key}");
    eprintln!(
        "measure: fetches={n} allocs_setup={} bytes_setup={} allocs_first={} bytes_first={} allocs_rest={} bytes_rest={} first_us={first_us} median_rest_us={median_rest_us}",
        after_setup.0,
        after_setup.1,
        after_first.0 - after_setup.0,
        after_first.1 - after_setup.1,
        end.0 - after_first.0,
        end.1 - after_first.1,
    );
}

fn fail(e: &dyn std::fmt::Display) -> ! {
    eprintln!("error: {e}");
    std::process::exit(1)
}
