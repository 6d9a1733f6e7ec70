//! Runs one contender exactly K times (after its setup), for
//! `valgrind --tool=callgrind`: two runs with different K, the difference
//! of their instruction totals divided by the difference of K, give the
//! instructions of one call with setup, runtime start and exit cancelled
//! out. See `benches/callgrind.sh`.
//!
//! `callgrind <contender> <K>`; `callgrind --list` prints each contender's
//! group, name and the bytes its per-byte figure divides by (the request
//! body for encode, the response body otherwise).
#![allow(clippy::std_instead_of_core, clippy::std_instead_of_alloc)]

use std::hint::black_box;
use std::process::ExitCode;

use benches::{BODY, CONTENDERS, OursEncode, contender};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.as_slice() {
        [list] if list == "--list" => {
            let encoded = OursEncode::new().encode().len();
            for &(group, name) in CONTENDERS {
                let bytes = if group == "encode" { encoded } else { BODY.len() };
                println!("{group} {name} {bytes}");
            }
            ExitCode::SUCCESS
        }
        [name, k] => {
            let (Some(mut c), Ok(k)) = (contender(name), k.parse::<u64>()) else {
                eprintln!("usage: callgrind <contender> <K>  (callgrind --list)");
                return ExitCode::FAILURE;
            };
            for _ in 0..k {
                black_box(c.run());
            }
            ExitCode::SUCCESS
        }
        _ => {
            eprintln!("usage: callgrind <contender> <K>  (callgrind --list)");
            ExitCode::FAILURE
        }
    }
}
