//! Side by side, in one run: encode, decode and a full exchange, ours
//! against form_urlencoded, quick-xml, a memchr floor and aws-sdk-sts.
//!
//! `cargo bench --manifest-path benches/Cargo.toml --bench compare`
#![allow(clippy::std_instead_of_core, clippy::std_instead_of_alloc)]

use std::hint::black_box;

use benches::{BODY, CONTENDERS, contender};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn compare(c: &mut Criterion) {
    let encoded_len = benches::OursEncode::new().encode().len();
    for group_name in ["encode", "decode", "exchange"] {
        let mut group = c.benchmark_group(group_name);
        match group_name {
            // Bytes written (the request body) and bytes read (the answer).
            "encode" => group.throughput(Throughput::Bytes(encoded_len as u64)),
            _ => group.throughput(Throughput::Bytes(BODY.len() as u64)),
        };
        for &(g, name) in CONTENDERS {
            if g != group_name {
                continue;
            }
            let mut contender = contender(name).expect("known contender");
            group.bench_function(name, |b| b.iter(|| black_box(contender.run())));
        }
        group.finish();
    }
}

criterion_group!(side_by_side, compare);
criterion_main!(side_by_side);
