#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| conformance::fuzzing::http_response(data));
