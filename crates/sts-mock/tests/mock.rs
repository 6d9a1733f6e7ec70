//! The mock STS over real TCP on 127.0.0.1: generated answers decode with
//! sts-codec, bad requests get STS's errors, replay follows the script.

// A std-only crate: the core/alloc import lints are for the no_std crates.
#![allow(clippy::std_instead_of_core, clippy::std_instead_of_alloc)]

use std::io::{Read, Write};
use std::net::TcpStream;

use base64::Engine as _;
use sts_codec::{
    AssumeRoleWithWebIdentityInput, DecodeError, ErrorCode, Timestamp, decode_response, encode, encoded_len,
};
use sts_mock::{Answer, MockConfig, MockServer, ReceivedRequest, generate};

fn jwt(claims: &str) -> String {
    let b64 = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
    format!("{}.{}.{}", b64(r#"{"alg":"RS256"}"#), b64(claims), b64("sig"))
}

/// Sends a raw POST and returns (status, headers text, body).
fn post(server: &MockServer, body: &[u8]) -> (u16, String, Vec<u8>) {
    let mut s = TcpStream::connect(server.addr()).unwrap();
    s.set_read_timeout(Some(std::time::Duration::from_secs(5))).unwrap();
    write!(
        s,
        "POST / HTTP/1.1\r\nHost: {}\r\nContent-Type: application/x-www-form-urlencoded; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        server.addr(),
        body.len()
    )
    .unwrap();
    s.write_all(body).unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8(raw[..split].to_vec()).unwrap();
    let status = head[9..12].parse().unwrap();
    (status, head, raw[split + 4..].to_vec())
}

fn body_for(input: &AssumeRoleWithWebIdentityInput<'_>) -> Vec<u8> {
    let mut buf = vec![0u8; encoded_len(input)];
    let n = encode(input, &mut buf).unwrap();
    buf.truncate(n);
    buf
}

#[test]
fn generated_credentials_decode_and_follow_the_request() {
    let server = MockServer::start("127.0.0.1:0".parse().unwrap(), MockConfig::default()).unwrap();
    let token = jwt(r#"{"sub":"device-42","aud":"sts.amazonaws.com","iss":"https://issuer.example"}"#);
    let input = AssumeRoleWithWebIdentityInput::new("arn:aws:iam::210987654321:role/fleet/device", "dev-42", &token)
        .with_duration_seconds(900);
    let (status, head, mut body) = post(&server, &body_for(&input));
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    assert!(head.to_ascii_lowercase().contains("x-amzn-requestid: "), "{head}");
    let date = head
        .lines()
        .find_map(|l| l.strip_prefix("Date: "))
        .expect("Date header");
    let server_now = sts_transport::date::parse_http_date(date).unwrap();
    let out = decode_response(200, &mut body).unwrap();
    let c = &out.credentials;
    assert!(c.access_key_id.starts_with("ASIA") && c.access_key_id.len() == 20);
    assert_eq!(c.secret_access_key.len(), 40);
    let lifetime = c.expiration.seconds - server_now;
    assert!((899..=901).contains(&lifetime), "expiration {lifetime}s after Date");
    let user = out.assumed_role_user.unwrap();
    assert_eq!(user.arn, "arn:aws:sts::210987654321:assumed-role/device/dev-42");
    assert!(user.assumed_role_id.ends_with(":dev-42"));
    assert_eq!(out.subject_from_web_identity_token, Some("device-42"));
    assert_eq!(out.audience, Some("sts.amazonaws.com"));
    assert_eq!(out.provider, Some("https://issuer.example"));
    let seen = server.requests();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].method, "POST");
    assert!(
        seen[0]
            .params()
            .contains(&("WebIdentityToken".to_owned(), token.clone()))
    );
}

/// STS's Query API also takes a `GET` with the parameters in the query
/// string, which is what aws-creds (rust-s3) sends.
#[test]
fn a_get_with_the_parameters_in_the_query_string_is_answered() {
    let server = MockServer::start("127.0.0.1:0".parse().unwrap(), MockConfig::default()).unwrap();
    let token = jwt(r#"{"sub":"svc"}"#);
    let input = AssumeRoleWithWebIdentityInput::new("arn:aws:iam::1:role/abcdefgh", "get-session", &token);
    let query = String::from_utf8(body_for(&input)).unwrap();
    let mut s = TcpStream::connect(server.addr()).unwrap();
    s.set_read_timeout(Some(std::time::Duration::from_secs(5))).unwrap();
    write!(
        s,
        "GET /?{query} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
        server.addr()
    )
    .unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    assert!(raw.starts_with(b"HTTP/1.1 200 "), "{}", String::from_utf8_lossy(&raw));
    let mut body = raw[split + 4..].to_vec();
    let out = decode_response(200, &mut body).unwrap();
    assert!(out.credentials.access_key_id.starts_with("ASIA"));
    assert!(out.assumed_role_user.unwrap().arn.ends_with("/abcdefgh/get-session"));
    let seen = server.requests();
    assert_eq!(seen[0].method, "GET");
    assert!(
        seen[0]
            .params()
            .contains(&("WebIdentityToken".to_owned(), token.clone()))
    );
}

#[test]
fn requests_are_validated_as_sts_would() {
    let server = MockServer::start("127.0.0.1:0".parse().unwrap(), MockConfig::default()).unwrap();
    let cases: Vec<(&str, Vec<u8>, u16, &str, &str)> = vec![
        ("no_action", b"Version=2011-06-15".to_vec(), 400, "MissingAction", ""),
        ("other_action", b"Action=AssumeRole&Version=2011-06-15".to_vec(), 400, "InvalidAction", ""),
        (
            "short_session_and_duration",
            b"Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A1%3Arole%2Fabcdefgh&RoleSessionName=a&WebIdentityToken=abcd&DurationSeconds=60".to_vec(),
            400,
            "ValidationError",
            "2 validation errors detected: Value at 'roleSessionName' failed to satisfy constraint: Member must have length greater than or equal to 2; Value at 'durationSeconds'",
        ),
        (
            "not_a_jwt",
            body_for(&AssumeRoleWithWebIdentityInput::new("arn:aws:iam::1:role/abcdefgh", "ab", "not-a-jwt")),
            400,
            "InvalidIdentityToken",
            "Couldn't retrieve verification key",
        ),
        (
            "expired_token",
            body_for(&AssumeRoleWithWebIdentityInput::new("arn:aws:iam::1:role/abcdefgh", "ab", &jwt(r#"{"exp":1000}"#))),
            400,
            "ExpiredTokenException",
            "Token expired",
        ),
    ];
    for (name, body, status, code, message) in cases {
        let (got, _, mut answer) = post(&server, &body);
        assert_eq!(got, status, "{name}");
        match decode_response(got, &mut answer) {
            Err(DecodeError::Service(e)) => {
                assert_eq!(e.code, code, "{name}");
                assert!(e.message.starts_with(message), "{name}: {}", e.message);
                assert!(e.request_id.is_some());
            }
            other => panic!("{name}: {other:?}"),
        }
    }
    let expired = ErrorCode::from_wire("ExpiredTokenException");
    assert_eq!(expired, ErrorCode::ExpiredToken);
}

#[test]
fn replay_follows_the_script_then_repeats_the_last_answer() {
    let answers = vec![
        Answer {
            status: 503,
            headers: Default::default(),
            body: String::new(),
        },
        Answer {
            status: 400,
            headers: Default::default(),
            body: "<ErrorResponse><Error><Code>Throttling</Code></Error></ErrorResponse>".into(),
        },
    ];
    let server = MockServer::start("127.0.0.1:0".parse().unwrap(), MockConfig::replay(answers)).unwrap();
    let statuses: Vec<u16> = (0..3).map(|_| post(&server, b"x=1").0).collect();
    assert_eq!(statuses, [503, 400, 400]);
    assert_eq!(server.requests().len(), 3);
}

#[test]
fn debug_output_shows_no_token_and_no_credentials() {
    let token = jwt(r#"{"sub":"device-42"}"#);
    let input = AssumeRoleWithWebIdentityInput::new("arn:aws:iam::210987654321:role/fleet/device", "dev-42", &token);
    let request = ReceivedRequest {
        method: "POST".into(),
        path: "/".into(),
        headers: Vec::new(),
        body: body_for(&input),
    };
    let answer = generate(&request, Timestamp::from_unix(1_700_000_000, 0).unwrap(), None);
    assert_eq!(answer.status, 200, "{}", answer.body);
    let secret = answer.body.split("<SecretAccessKey>").nth(1).unwrap()[..40].to_owned();
    let printed = [
        format!("{request:?}"),
        format!("{answer:?}"),
        format!("{:?}", MockConfig::replay(vec![answer.clone()])),
    ];
    for text in &printed {
        assert!(!text.contains(&token[token.len() - 10..]), "{text}");
        assert!(!text.contains(&secret), "{text}");
        assert!(!text.contains("SessionToken"), "{text}");
    }
}
