//! Replays every exchange in `data/exchanges/` through `sts-codec` directly:
//! the input encodes to exactly the parameters STS received, every answer but
//! the last is a failure the client may retry, and the last answer decodes to
//! the expected outcome.

// A host-only test crate: the core/alloc import lints are for the no_std crates.
#![allow(clippy::std_instead_of_core, clippy::std_instead_of_alloc)]

use serde_json::{Value, json};
use sts_codec::{AssumeRoleWithWebIdentityInput, CONTENT_TYPE, encode, encoded_len};

/// Builds the codec input from an exchange's JSON input and encodes it.
fn encode_input(input: &Value) -> Vec<(String, String)> {
    let s = |k: &str| input.get(k).and_then(Value::as_str);
    let arns: Vec<&str> = input
        .get("PolicyArns")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let mut i = AssumeRoleWithWebIdentityInput::new(
        s("RoleArn").unwrap(),
        s("RoleSessionName").unwrap(),
        s("WebIdentityToken").unwrap(),
    )
    .with_policy_arns(&arns);
    i.policy = s("Policy");
    i.provider_id = s("ProviderId");
    i.duration_seconds = input.get("DurationSeconds").and_then(Value::as_u64).map(|d| d as u32);
    let mut buf = vec![0u8; encoded_len(&i)];
    let n = encode(&i, &mut buf).unwrap();
    form_urlencoded_pairs(&buf[..n])
}

fn form_urlencoded_pairs(body: &[u8]) -> Vec<(String, String)> {
    let text = core::str::from_utf8(body).unwrap();
    text.split('&')
        .map(|kv| {
            let (k, v) = kv.split_once('=').unwrap();
            (decode_component(k), decode_component(v))
        })
        .collect()
}

/// Percent-decoding of one component (our bodies never use `+`).
fn decode_component(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

#[test]
fn every_exchange_through_the_codec() {
    let exchanges = conformance::exchanges();
    assert!(exchanges.len() >= 10, "only {} exchanges", exchanges.len());
    let mut passed = 0;
    for (name, ex) in &exchanges {
        // The request: exactly the recorded parameters, in any order.
        let mut ours = encode_input(&ex.input);
        ours.sort();
        let mut theirs: Vec<(String, String)> = ex.request.params.clone().into_iter().collect();
        theirs.sort();
        assert_eq!(ours, theirs, "{name}: request parameters");
        if let Some(ct) = ex.request.headers.get("content-type") {
            assert_eq!(ct, CONTENT_TYPE, "{name}");
        }
        // Each answer, decoded.
        let outcomes: Vec<Value> = ex
            .answers
            .iter()
            .map(|a| conformance::vectors::decode_value(a.status, &mut a.body.clone().into_bytes()))
            .collect();
        let attempts = ex.expected["attempts"].as_u64().unwrap() as usize;
        assert!(attempts <= ex.answers.len(), "{name}: more attempts than answers");
        for early in &outcomes[..attempts - 1] {
            assert!(early.get("ok").is_none(), "{name}: an early answer succeeded: {early}");
        }
        let last = &outcomes[attempts - 1];
        let expected = &ex.expected;
        if let Some(ok) = expected.get("ok") {
            assert_eq!(last, &json!({"ok": ok, "request_id": expected["request_id"]}), "{name}");
        } else if let Some(err) = expected.get("error") {
            assert_eq!(last["error"]["code"], err["code"], "{name}: {last}");
            assert_eq!(last["error"]["request_id"], err["request_id"], "{name}: {last}");
        } else if let Some(status) = expected.get("http_error") {
            assert_eq!(last, &json!({"http_error": status}), "{name}");
        } else if expected.get("malformed").is_some() {
            assert!(last.get("malformed").is_some(), "{name}: {last}");
        } else {
            panic!("{name}: unknown expectation {expected}");
        }
        passed += 1;
    }
    println!("codec: {passed}/{} exchanges passed", exchanges.len());
    assert_eq!(passed, exchanges.len());
}
