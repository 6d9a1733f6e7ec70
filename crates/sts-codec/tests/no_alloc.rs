//! The codec never touches the heap: encode and decode (success, error, and
//! malformed answers) make zero allocations, counted by a global allocator.

// A host-only harness: the core/alloc import lints are for the no_std library.
#![allow(clippy::std_instead_of_core, clippy::std_instead_of_alloc)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use sts_codec::{AssumeRoleWithWebIdentityInput, decode_response, encode, encoded_len};

thread_local! {
    static COUNT: Cell<usize> = const { Cell::new(0) };
}

struct Counting;

// SAFETY: delegates to the system allocator unchanged; only counts calls on
// the current thread (other test threads don't disturb the count).
#[allow(unsafe_code)]
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let _ = COUNT.try_with(|c| c.set(c.get() + 1));
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn allocations(f: impl FnOnce()) -> usize {
    let before = COUNT.with(Cell::get);
    f();
    COUNT.with(Cell::get) - before
}

#[test]
fn encode_and_decode_do_not_allocate() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../conformance/data/recorded");
    let bodies: Vec<(u16, Vec<u8>)> = [
        (200, "smithy-rs-web_identity_token_env.1.response-200.xml"),
        (200, "moto-5.2.1-AssumeRoleWithWebIdentity.response-200.xml"),
        (400, "smithy-rs-web_identity_token_invalid_jwt.1.response-400.xml"),
        (200, "aws-c-auth-web-identity-s_good_response_first_part.xml"),
        (503, "smithy-rs-retry_on_error.1.request-body.txt"),
    ]
    .iter()
    .map(|(s, f)| (*s, std::fs::read(dir.join(f)).unwrap()))
    .collect();
    let arns = ["arn:aws:iam::aws:policy/ReadOnlyAccess"];
    let input =
        AssumeRoleWithWebIdentityInput::new("arn:aws:iam::123456789012:role/r", "s-1", "eyJ0b2tlbiI6MX0.e30.c2ln")
            .with_policy_arns(&arns)
            .with_policy("{\"Version\":\"2012-10-17\"}")
            .with_duration_seconds(900);
    let mut out = vec![0u8; encoded_len(&input)];
    // The counter does count.
    assert_eq!(allocations(|| drop(std::hint::black_box(vec![1u8]))), 1);
    let mut short = [0u8; 8];
    let bad = AssumeRoleWithWebIdentityInput::new("x", "y", "z");
    for (status, mut body) in bodies {
        let n = allocations(|| {
            let _ = std::hint::black_box(decode_response(status, &mut body));
        });
        assert_eq!(n, 0, "decode of a {status} answer allocated");
    }
    assert_eq!(allocations(|| assert!(encode(&input, &mut out).is_ok())), 0);
    assert_eq!(allocations(|| assert!(encode(&input, &mut short).is_err())), 0);
    assert_eq!(allocations(|| assert!(encode(&bad, &mut out).is_err())), 0);
    assert_eq!(allocations(|| assert!(encoded_len(&input) > 0)), 0);
}
