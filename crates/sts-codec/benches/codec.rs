//! Codec benchmarks: decode of a recorded success response, encode of an
//! input with a 1 KB token, and heap allocations per call.
//!
//! `cargo bench -p sts-codec --bench codec`

// A host-only harness: the core/alloc import lints are for the no_std library.
#![allow(clippy::std_instead_of_core, clippy::std_instead_of_alloc)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use sts_codec::{AssumeRoleWithWebIdentityInput, decode_response, encode, encoded_len};

/// Counts every allocation, to show the codec makes none.
struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

// SAFETY: delegates to the system allocator unchanged; only counts calls.
#[allow(unsafe_code)]
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
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

const RESPONSE: &[u8] =
    include_bytes!("../../../conformance/data/recorded/smithy-rs-web_identity_token_env.1.response-200.xml");
const MOTO: &[u8] =
    include_bytes!("../../../conformance/data/recorded/moto-5.2.1-AssumeRoleWithWebIdentity.response-200.xml");

fn token_1k() -> String {
    // A JWT-shaped token of 1000 characters (base64url and dots).
    let mut t = String::from("eyJhbGciOiJSUzI1NiIsImtpZCI6IjEifQ.");
    while t.len() < 1000 {
        t.push_str("eyJzdWIiOiJkZXZpY2UtNDIiLCJhdWQiOiJzdHMuYW1hem9uYXdzLmNvbSJ9");
    }
    t.truncate(1000);
    t
}

fn allocations_per_call(mut f: impl FnMut()) -> f64 {
    const N: usize = 1000;
    f();
    let before = ALLOCATIONS.load(Ordering::Relaxed);
    for _ in 0..N {
        f();
    }
    (ALLOCATIONS.load(Ordering::Relaxed) - before) as f64 / N as f64
}

fn benches(c: &mut Criterion) {
    let token = token_1k();
    let input = AssumeRoleWithWebIdentityInput::new("arn:aws:iam::123456789012:role/device", "device-42", &token)
        .with_duration_seconds(3600);
    let mut out = vec![0u8; encoded_len(&input)];
    let mut body = RESPONSE.to_vec();

    let mut g = c.benchmark_group("decode");
    g.throughput(Throughput::Bytes(RESPONSE.len() as u64));
    g.bench_function("smithy-rs recorded 200", |b| {
        b.iter(|| {
            body.copy_from_slice(RESPONSE);
            let out = decode_response(200, black_box(&mut body)).unwrap();
            black_box(out.credentials.expiration);
        })
    });
    let mut moto = MOTO.to_vec();
    g.throughput(Throughput::Bytes(MOTO.len() as u64));
    g.bench_function("moto 200", |b| {
        b.iter(|| {
            moto.copy_from_slice(MOTO);
            black_box(
                decode_response(200, black_box(&mut moto))
                    .unwrap()
                    .credentials
                    .expiration,
            );
        })
    });
    g.finish();

    let mut g = c.benchmark_group("encode");
    g.throughput(Throughput::Bytes(out.len() as u64));
    g.bench_function("1000-char token", |b| {
        b.iter(|| black_box(encode(black_box(&input), &mut out).unwrap()))
    });
    g.bench_function("encoded_len 1000-char token", |b| {
        b.iter(|| black_box(encoded_len(black_box(&input))))
    });
    g.finish();

    let decode_allocs = allocations_per_call(|| {
        body.copy_from_slice(RESPONSE);
        black_box(decode_response(200, &mut body).is_ok());
    });
    let encode_allocs = allocations_per_call(|| {
        black_box(encode(&input, &mut out).is_ok());
    });
    println!("heap allocations per call: decode {decode_allocs}, encode {encode_allocs}");
}

criterion_group!(codec, benches);
criterion_main!(codec);
