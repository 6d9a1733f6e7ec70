#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| conformance::fuzzing::decode_assume_role(data));
