#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| conformance::fuzzing::encode_roundtrip(data));
