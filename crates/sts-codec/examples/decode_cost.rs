//! Instruction-count harness for `decode_response`: decodes the recorded
//! smithy-rs answer (1007 bytes) `N` times, for `valgrind --tool=callgrind`.
//!
//! ```sh
//! cargo build --release -p sts-codec --example decode_cost
//! valgrind --tool=callgrind target/release/examples/decode_cost 1
//! valgrind --tool=callgrind target/release/examples/decode_cost 101
//! # instructions per byte = (total(101) - total(1)) / 100 / 1007
//! ```
//!
//! Each round copies the answer into the buffer first (decoding scrambles
//! it), so the difference also counts one 1007-byte `memcpy` per decode.

// A host-only harness: the core/alloc import lints are for the no_std library.
#![allow(clippy::std_instead_of_core)]

use std::hint::black_box;

const BODY: &[u8] =
    include_bytes!("../../../conformance/data/recorded/smithy-rs-web_identity_token_env.1.response-200.xml");

fn main() {
    let rounds: usize = std::env::args().nth(1).and_then(|n| n.parse().ok()).unwrap_or(1);
    let mut buf = [0u8; BODY.len()];
    let mut check = 0i64;
    for _ in 0..rounds {
        buf.copy_from_slice(black_box(BODY));
        let out = sts_codec::decode_response(200, black_box(&mut buf)).expect("the recorded answer decodes");
        check = check.wrapping_add(out.credentials.expiration.seconds);
    }
    println!("{rounds} decodes ({check})");
}
