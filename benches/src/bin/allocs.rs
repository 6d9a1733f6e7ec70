//! Heap allocations (and bytes) per call for every contender, counted by a
//! global allocator, after a warm-up.
//!
//! `cargo run --release --manifest-path benches/Cargo.toml --bin allocs [N]`
#![allow(clippy::std_instead_of_core, clippy::std_instead_of_alloc)]

use std::hint::black_box;

use benches::{CONTENDERS, contender};

#[path = "../../counting.rs"]
mod counting;
use counting::{Counting, counts};

#[global_allocator]
static GLOBAL: Counting = Counting;

fn main() {
    let n: u64 = std::env::args()
        .nth(1)
        .map_or(1000, |a| a.parse().expect("N: a number"));
    println!("| group | contender | heap allocations per call | bytes allocated per call |");
    println!("|---|---|---:|---:|");
    for &(group, name) in CONTENDERS {
        let mut c = contender(name).expect("known contender");
        for _ in 0..10 {
            black_box(c.run());
        }
        let (a0, b0) = counts();
        for _ in 0..n {
            black_box(c.run());
        }
        let (a1, b1) = counts();
        let per = |x: u64| x as f64 / n as f64;
        println!("| {group} | {name} | {} | {} |", fmt(per(a1 - a0)), fmt(per(b1 - b0)));
    }
}

/// Whole numbers as such, others with two decimals.
fn fmt(x: f64) -> String {
    if x.fract() == 0.0 {
        format!("{x:.0}")
    } else {
        format!("{x:.2}")
    }
}
