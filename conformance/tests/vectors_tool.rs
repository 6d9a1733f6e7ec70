//! The `sts-vectors` binary end to end: one answer per line, exit 0, however
//! bad the input.

// A host-only test crate: the core/alloc import lints are for the no_std crates.
#![allow(clippy::std_instead_of_core, clippy::std_instead_of_alloc)]

use std::io::Write;
use std::process::{Command, Stdio};

use serde_json::{Value, json};

fn run(mode: &str, input: &str) -> (i32, Vec<Value>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_sts-vectors"))
        .arg(mode)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    let lines = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    (out.status.code().unwrap(), lines)
}

fn examples(name: &str) -> String {
    std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("examples")
            .join(name),
    )
    .unwrap()
}

#[test]
fn decode_examples() {
    let (code, out) = run("decode", &examples("decode.jsonl"));
    assert_eq!(code, 0);
    assert_eq!(out.len(), 7);
    // smithy-rs recorded this exchange; its test case expects these values.
    let ok = &out[0]["ok"];
    assert_eq!(ok["Credentials"]["AccessKeyId"], "AKIDTEST");
    assert_eq!(ok["Credentials"]["SecretAccessKey"], "SECRETKEYTEST");
    assert_eq!(ok["Credentials"]["SessionToken"], "SESSIONTOKEN_TEST");
    assert_eq!(
        ok["Credentials"]["Expiration"],
        json!({"seconds": 1_629_147_173, "nanos": 0})
    );
    assert_eq!(ok["AssumedRoleUser"]["AssumedRoleId"], "AROARTEST:test-session");
    assert!(ok.get("SourceIdentity").is_none() && ok.get("PackedPolicySize").is_none());
    assert_eq!(out[0]["request_id"], "f874b1d6-2f3b-4834-907a-6a7c4b3b2d35");
    assert_eq!(
        out[1]["error"]["code"], "InvalidIdentityToken",
        "smithy-rs: InvalidIdentityTokenException: No OpenIDConnect provider found"
    );
    assert_eq!(out[1]["error"]["type"], "Sender");
    assert_eq!(out[1]["error"]["request_id"], "5045ca91-d123-4749-9d66-00a3c906be6c");
    assert_eq!(
        out[2]["error"],
        json!({"code": "Throttling", "message": "Rate exceeded", "type": "Sender", "request_id": "f9dc6495-9462-47ce-8b0e-b385f24ee61c"})
    );
    assert_eq!(out[3]["ok"]["PackedPolicySize"], 6);
    assert_eq!(
        out[3]["ok"]["Credentials"]["Expiration"],
        json!({"seconds": 1_795_678_142_i64, "nanos": 916_802_000})
    );
    assert_eq!(out[4], json!({"http_error": 503}));
    assert_eq!(out[5], json!({"http_error": 500}));
    assert!(
        out[6]["malformed"].as_str().unwrap().contains("end of input"),
        "{}",
        out[6]
    );
}

#[test]
fn encode_examples() {
    let (code, out) = run("encode", &examples("encode.jsonl"));
    assert_eq!(code, 0);
    assert_eq!(out.len(), 3);
    assert_eq!(
        out[0]["body"],
        "Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Ftest-role\
         &RoleSessionName=device-42&WebIdentityToken=eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJkZXYifQ.c2ln&DurationSeconds=3600"
    );
    assert!(
        out[1]["body"]
            .as_str()
            .unwrap()
            .contains("&PolicyArns.member.2.arn=arn%3Aaws%3Aiam%3A%3A123456789012%3Apolicy%2Fa%20b%26c&")
    );
    assert_eq!(
        out[2],
        json!({"invalid": ["RoleArn", "RoleSessionName", "WebIdentityToken", "DurationSeconds"]})
    );
}

#[test]
fn every_bad_line_gets_an_answer() {
    let input = "not json\n[1,2]\n{\"status\": \"x\"}\n{\"status\": 200}\n{\"status\": 200, \"body\": 5}\n\
                 {\"status\": 99999, \"body\": \"\"}\n{\"status\": 200, \"body\": \"<!DOCTYPE a><a/>\"}\n\
                 {\"status\": 400, \"body\": \"\\u0000\"}\n";
    let (code, out) = run("decode", input);
    assert_eq!(code, 0);
    assert_eq!(out.len(), 8);
    for line in &out[..3] {
        assert!(line.get("malformed").is_some(), "{line}");
    }
    assert!(out[3]["malformed"].as_str().unwrap().contains("empty"), "{}", out[3]);
    assert!(out[4].get("malformed").is_some());
    assert!(out[5].get("malformed").is_some());
    assert!(
        out[6]["malformed"].as_str().unwrap().to_lowercase().contains("doctype"),
        "{}",
        out[6]
    );
    assert_eq!(out[7], json!({"http_error": 400}));

    let input = "{\"RoleArn\": 5, \"RoleSessionName\": \"ok-name\", \"WebIdentityToken\": \"tokn\"}\n{}\n\
                 {\"RoleArn\": \"arn:aws:iam::123456789012:role/r\", \"RoleSessionName\": \"ab\", \"WebIdentityToken\": \"abcd\", \"DurationSeconds\": -5, \"PolicyArns\": \"x\"}\n";
    let (code, out) = run("encode", input);
    assert_eq!(code, 0);
    assert_eq!(out[0], json!({"invalid": ["RoleArn"]}));
    assert_eq!(
        out[1],
        json!({"invalid": ["RoleArn", "RoleSessionName", "WebIdentityToken"]})
    );
    assert_eq!(out[2], json!({"invalid": ["PolicyArns", "DurationSeconds"]}));
}

#[test]
fn token_never_printed_in_invalid_answers() {
    let token = "tok"; // too short
    let line =
        json!({"RoleArn": "arn:aws:iam::123456789012:role/r", "RoleSessionName": "ab", "WebIdentityToken": token})
            .to_string();
    let (_, out) = run("encode", &format!("{line}\n"));
    assert_eq!(out[0], json!({"invalid": ["WebIdentityToken"]}));
    assert!(!out[0].to_string().contains(token));
}

#[test]
fn sign_examples() {
    let (code, out) = run("sign", &examples("sign.jsonl"));
    assert_eq!(code, 0);
    assert_eq!(out.len(), 8);
    // The first three are AWS SigV4 test-suite cases (get-vanilla,
    // post-x-www-form-urlencoded, post-sts-header-before): the suite's
    // signatures.
    let suite = |signed_headers: &str, signature: &str| {
        format!(
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, \
             SignedHeaders={signed_headers}, Signature={signature}"
        )
    };
    assert_eq!(
        out[0],
        json!({"authorization": suite("host;x-amz-date", "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"),
               "x-amz-date": "20150830T123600Z"})
    );
    assert_eq!(
        out[1]["authorization"],
        suite(
            "content-type;host;x-amz-date",
            "ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a"
        )
    );
    assert_eq!(
        out[2]["authorization"],
        suite(
            "host;x-amz-date;x-amz-security-token",
            "85d96828115b5dc0cfc3bd16ad9e210dd772bbebba041836c64533a82be05ead"
        )
    );
    assert!(
        out[2]["x-amz-security-token"]
            .as_str()
            .unwrap()
            .starts_with("AQoDYXdzEPT//")
    );
    assert!(out[0].get("x-amz-security-token").is_none());
    assert!(
        out[3]["authorization"]
            .as_str()
            .unwrap()
            .contains(", SignedHeaders=host;my-header1;x-amz-date, ")
    );
    // An AssumeRole call signed with session credentials (role chaining).
    assert!(out[4]["authorization"].as_str().unwrap().starts_with(
        "AWS4-HMAC-SHA256 Credential=ASIAEXAMPLEKEY/20260103/us-east-1/sts/aws4_request, \
         SignedHeaders=content-type;host;x-amz-date;x-amz-security-token, Signature="
    ));
    assert_eq!(out[4]["x-amz-date"], "20260103T123000Z");
    assert_eq!(out[4]["x-amz-security-token"], "IQoJb3JpZ2luX2Vj");
    assert_eq!(out[5], json!({"invalid": "url must be http:// or https://"}));
    assert!(
        out[6]["invalid"].as_str().unwrap().contains("control byte"),
        "{}",
        out[6]
    );
    assert_eq!(out[7], json!({"invalid": "\"time\" must be YYYYMMDDTHHMMSSZ"}));
}

#[test]
fn every_bad_sign_line_gets_an_answer_without_its_secrets() {
    let good = json!({"method": "GET", "url": "https://example.amazonaws.com/", "region": "us-east-1",
                      "service": "sts", "access_key_id": "AKIDEXAMPLE", "secret_access_key": "SECRETKEY",
                      "session_token": "SESSIONTOKEN", "time": "20150830T123600Z"});
    let with = |key: &str, value: Value| {
        let mut v = good.clone();
        v[key] = value;
        v.to_string()
    };
    let lines = [
        "not json".to_owned(),
        "[1]".to_owned(),
        with("method", json!("G T")),
        with("url", json!("https://user@example.amazonaws.com/")),
        with("url", json!("https://example.amazonaws.com/#frag")),
        with("url", json!("https://example.amazonaws.com:x/")),
        with("url", json!("https://example.amazonaws.com/?a=%zz")),
        with("url", json!("https://example.amazonaws.com/a\u{0}b")),
        with("headers", json!([["Host", "other"]])),
        with("headers", json!([["X-Amz-Date", "20150830T123600Z"]])),
        with("headers", json!([["bad name", "v"]])),
        with("headers", json!([["a"]])),
        with("headers", json!("x")),
        with("region", json!("us/east")),
        with("access_key_id", json!("AKID EXAMPLE")),
        with("session_token", json!("SESSION\nTOKEN")),
        with("secret_access_key", json!("SECRETKEY".repeat(20))),
        with("time", json!("20151330T123600Z")),
        with("body", json!(5)),
    ];
    let (code, out) = run("sign", &(lines.join("\n") + "\n"));
    assert_eq!(code, 0);
    assert_eq!(out.len(), lines.len());
    for (line, answer) in lines.iter().zip(&out) {
        assert!(answer["invalid"].is_string(), "{line} -> {answer}");
        let reason = answer["invalid"].as_str().unwrap();
        assert!(!reason.contains("SECRETKEY") && !reason.contains("SESSION"), "{reason}");
    }
    assert_eq!(out[8], json!({"invalid": "host comes from the url"}));
    assert_eq!(
        out[9]["invalid"],
        "header 0: x-amz-date, x-amz-security-token and authorization are set by the signer"
    );
    assert!(out[17]["invalid"].as_str().unwrap().contains("month"), "{}", out[17]);
}
