//! Every case of the AWS SigV4 test suite (`tests/data/aws4_testsuite/`,
//! botocore's copy): the canonical request, the string to sign and the
//! `Authorization` value must match the suite byte for byte.

// A host-only test crate: the core/alloc import lints are for the no_std crates.
#![allow(clippy::std_instead_of_core, clippy::std_instead_of_alloc)]

use std::fs;
use std::path::{Path, PathBuf};

use sts_codec::{Secret, Timestamp};
use sts_sigv4::{AmzDate, Credentials, Payload, Request, SigningKey, sign};

const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
/// 2015-08-30T12:36:00Z.
const TIME: i64 = 1_440_938_160;
/// The token of `get-vanilla-with-session-token` (absent from its `.req`).
const VANILLA_TOKEN: &str = "6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267";

/// A `.req` file: request line, headers (with obs-fold continuation lines),
/// a blank line, the body.
struct RawRequest {
    method: String,
    target: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

fn parse_req(text: &str) -> RawRequest {
    let (head, body) = match text.split_once("\n\n") {
        Some((h, b)) => (h, b.as_bytes().to_vec()),
        None => (text.trim_end_matches('\n'), Vec::new()),
    };
    let mut lines = head.lines();
    let request_line = lines.next().unwrap();
    let (method, rest) = request_line.split_once(' ').unwrap();
    let target = rest.strip_suffix(" HTTP/1.1").unwrap();
    let mut headers: Vec<(String, String)> = Vec::new();
    for line in lines {
        if line.starts_with([' ', '\t']) {
            // obs-fold: the line continues the previous value after one space.
            let last = headers.last_mut().unwrap();
            last.1.push(' ');
            last.1.push_str(line);
        } else {
            let (name, value) = line.split_once(':').unwrap();
            headers.push((name.to_owned(), value.to_owned()));
        }
    }
    RawRequest {
        method: method.to_owned(),
        target: target.to_owned(),
        headers,
        body,
    }
}

fn cases(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            let name = path.file_name().unwrap().to_str().unwrap();
            if path.join(format!("{name}.req")).exists() {
                found.push(path.clone());
            }
            cases(&path, found);
        }
    }
}

fn read(case: &Path, ext: &str) -> String {
    let name = case.file_name().unwrap().to_str().unwrap();
    fs::read_to_string(case.join(format!("{name}.{ext}"))).unwrap()
}

#[test]
fn every_suite_case() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/aws4_testsuite");
    let mut found = Vec::new();
    cases(&root, &mut found);
    found.sort();

    let date = AmzDate::new(Timestamp::from_unix(TIME, 0).unwrap()).unwrap();
    let key = SigningKey::new(&Secret::new(SECRET), &date, "us-east-1", "service").unwrap();
    let mut passed = Vec::new();
    for case in &found {
        let name = case.file_name().unwrap().to_str().unwrap();
        let raw = parse_req(&read(case, "req"));
        // The signer writes x-amz-date and the token itself, so they leave
        // the header list: the date must be the suite's, the token is signed
        // from the credentials.
        let mut token = (name == "get-vanilla-with-session-token").then(|| VANILLA_TOKEN.to_owned());
        let mut headers: Vec<(&str, &str)> = Vec::new();
        for (n, v) in &raw.headers {
            if n.eq_ignore_ascii_case("x-amz-date") {
                assert_eq!(v, date.as_str(), "{name}");
            } else if n.eq_ignore_ascii_case("x-amz-security-token") {
                token = Some(v.clone());
            } else {
                headers.push((n, v));
            }
        }
        let creds = Credentials::new("AKIDEXAMPLE", Secret::new(SECRET), token.as_deref().map(Secret::new));
        let request = Request::new(&raw.method, &raw.target, &headers, Payload::Bytes(&raw.body));
        let mut buf = [0u8; 2048];
        let signed = sign(&request, &creds, &key, &date, &mut buf).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(
            signed.canonical_request(),
            read(case, "creq"),
            "{name}: canonical request"
        );
        assert_eq!(signed.string_to_sign(), read(case, "sts"), "{name}: string to sign");
        assert_eq!(signed.authorization(), read(case, "authz"), "{name}: authorization");
        passed.push(name.to_owned());
    }
    // 24 top-level cases, 8 under normalize-path/, 2 under post-sts-token/.
    assert_eq!(passed.len(), 34, "{passed:?}");
}
