//! The signed `AssumeRole` exchange of `sts-client`, end to end over a
//! capturing transport: web identity first, then `AssumeRole` signed with
//! the first hop's credentials. The request that went out is re-signed by
//! botocore's `SigV4Auth` (`oracle/botocore_sigv4.py`) from its URL, body,
//! `Content-Type` and time: both `Authorization` values must be equal.
//!
//! Needs `python3` with botocore for the oracle part; without it that part
//! says so and passes, unless `STS_REQUIRE_ORACLE=1`.

// A host-only test crate: the core/alloc import lints are for the no_std crates.
#![allow(clippy::std_instead_of_core, clippy::std_instead_of_alloc)]

use std::io::Write;
use std::process::{Command, Stdio};

use serde_json::{Value, json};
use sts_client::endpoint::{EndpointParams, resolve};
use sts_client::{Buffers, Client, Clock, Credentials, ErrorKind, Instant, MemoryToken, NoDelay, SplitMix64};
use sts_codec::{AssumeRoleInput, AssumeRoleWithWebIdentityInput, Timestamp};
use sts_transport::{Error, Request, Response, Transport};

/// What the transport saw of one request.
#[derive(Debug, Clone)]
struct Seen {
    host: String,
    port: u16,
    path: String,
    headers: Vec<(String, String)>,
    body: String,
}

/// Answers web identity, then `AssumeRole`, then whatever `then` holds;
/// records every request.
struct Capture {
    seen: Vec<Seen>,
    assume_role_status: Vec<u16>,
}

const WEB_IDENTITY: &str = "<AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult><Credentials>\
    <AccessKeyId>ASIAHOPONE</AccessKeyId><SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY</SecretAccessKey>\
    <SessionToken>FwoGZXIvYXdzEJr//////////wEaDHOPONE+token/=</SessionToken><Expiration>2021-08-16T20:52:53Z</Expiration>\
    </Credentials></AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>";
const ASSUME_ROLE: &str = "<AssumeRoleResponse><AssumeRoleResult><Credentials>\
    <AccessKeyId>ASIAHOPTWO</AccessKeyId><SecretAccessKey>secret-two</SecretAccessKey>\
    <SessionToken>token-two</SessionToken><Expiration>2021-08-16T20:22:53Z</Expiration>\
    </Credentials><SourceIdentity>dev</SourceIdentity></AssumeRoleResult></AssumeRoleResponse>";
const THROTTLED: &str =
    "<ErrorResponse><Error><Code>Throttling</Code><Message>slow down</Message></Error></ErrorResponse>";

impl Transport for Capture {
    fn send<'b>(&mut self, request: &Request<'_>, buf: &'b mut [u8]) -> Result<Response<'b>, Error> {
        let body = String::from_utf8(request.body.to_vec()).unwrap();
        self.seen.push(Seen {
            host: request.host.to_owned(),
            port: request.port,
            path: request.path.to_owned(),
            headers: request
                .headers
                .iter()
                .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
                .collect(),
            body: body.clone(),
        });
        let (status, answer) = if body.starts_with("Action=AssumeRoleWithWebIdentity&") {
            (200, WEB_IDENTITY)
        } else {
            match self.assume_role_status.pop() {
                Some(200) | None => (200, ASSUME_ROLE),
                Some(s) => (s, THROTTLED),
            }
        };
        buf[..answer.len()].copy_from_slice(answer.as_bytes());
        let mut response = Response::new(status, &mut buf[..answer.len()]);
        response.date = Some("Mon, 16 Aug 2021 19:52:53 GMT");
        Ok(response)
    }
}

/// A monotonic clock that starts at boot (no wall time) and moves by hand.
#[derive(Clone)]
struct Ticks(std::rc::Rc<std::cell::Cell<u64>>);

impl Clock for Ticks {
    fn now(&self) -> Instant {
        Instant::from_millis(self.0.get())
    }
}

fn header<'a>(seen: &'a Seen, name: &str) -> Option<&'a str> {
    seen.headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// Runs both hops through a client whose endpoint is `endpoint_url` (or
/// eu-west-1), returning what was sent and the second hop's credentials.
fn chain(
    endpoint_url: Option<&str>,
    statuses: Vec<u16>,
) -> (Vec<Seen>, Result<Credentials<[u8; 2048]>, sts_client::Error>) {
    let endpoint = resolve(&EndpointParams {
        region: Some("eu-west-1"),
        endpoint: endpoint_url,
        ..Default::default()
    })
    .unwrap();
    let ticks = Ticks(Default::default());
    ticks.0.set(5_000);
    let transport = Capture {
        seen: Vec::new(),
        assume_role_status: statuses,
    };
    let mut client = Client::new(transport, endpoint, (ticks.clone(), NoDelay, SplitMix64::new(7)));
    let (mut req, mut resp) = ([0u8; 4096], [0u8; 4096]);
    let mut first = Credentials::new();
    client
        .fetch_into(
            &AssumeRoleWithWebIdentityInput::for_role("arn:aws:iam::111111111111:role/device"),
            &mut MemoryToken::from_str("eyJhbGciOiJSUzI1NiJ9.e30.c2ln"),
            &mut Buffers::new(&mut req, &mut resp),
            &mut first,
        )
        .unwrap();
    // 90 s after the first answer (whose Date is 19:52:53).
    ticks.0.set(95_000);
    let mut second = Credentials::new();
    let input = AssumeRoleInput::new("arn:aws:iam::222222222222:role/reader", "hop-2").with_duration_seconds(3600);
    let result = client.assume_role_into(
        &input,
        &first,
        "eu-west-1",
        &mut Buffers::new(&mut req, &mut resp),
        &mut second,
    );
    assert!(
        req.iter().all(|&b| b == 0),
        "the request buffer (body, canonical request with the token) is wiped"
    );
    let seen = std::mem::take(&mut client.transport_mut().seen);
    (seen, result.map(|()| second))
}

#[test]
fn the_second_hop_is_signed_with_the_first_hops_credentials() {
    let (seen, result) = chain(None, vec![]);
    let second = result.unwrap();
    assert_eq!(second.access_key_id(), "ASIAHOPTWO");
    // Expiration 20:22:53 - Date 19:52:53 = 30 min, from receipt at 95 s.
    assert_eq!(second.valid_until(), Instant::from_millis(95_000 + 1_800_000));
    assert_eq!(seen.len(), 2);
    let hop = &seen[1];
    assert_eq!(
        (hop.host.as_str(), hop.port, hop.path.as_str()),
        ("sts.eu-west-1.amazonaws.com", 443, "/")
    );
    assert_eq!(
        header(hop, "x-amz-date"),
        Some("20210816T195423Z"),
        "server Date + 90 s of monotonic time"
    );
    assert_eq!(
        header(hop, "x-amz-security-token"),
        Some("FwoGZXIvYXdzEJr//////////wEaDHOPONE+token/=")
    );
    assert_eq!(
        header(hop, "content-type"),
        Some("application/x-www-form-urlencoded; charset=utf-8")
    );
    let authz = header(hop, "authorization").unwrap();
    assert!(
        authz.starts_with(
            "AWS4-HMAC-SHA256 Credential=ASIAHOPONE/20210816/eu-west-1/sts/aws4_request, \
             SignedHeaders=content-type;host;x-amz-date;x-amz-security-token, Signature="
        ),
        "{authz}"
    );
    assert!(
        header(&seen[0], "authorization").is_none(),
        "web identity stays unsigned"
    );
    assert_eq!(
        hop.body,
        "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A222222222222%3Arole%2Freader\
         &RoleSessionName=hop-2&DurationSeconds=3600"
    );
}

#[test]
fn retries_resend_the_same_signed_request_and_errors_are_typed() {
    let (seen, result) = chain(None, vec![200, 400]);
    assert_eq!(result.unwrap().access_key_id(), "ASIAHOPTWO");
    assert_eq!(seen.len(), 3);
    assert_eq!(header(&seen[1], "authorization"), header(&seen[2], "authorization"));
    let (_, result) = chain(None, vec![403, 403, 403]);
    let e = result.unwrap_err();
    assert!(
        matches!(e.kind(), ErrorKind::Http { status: 403 } | ErrorKind::Service(_)),
        "{e}"
    );

    // Source credentials with neither a wall clock nor a server Date.
    let endpoint = resolve(&EndpointParams {
        region: Some("eu-west-1"),
        ..Default::default()
    })
    .unwrap();
    let mut client = Client::new(
        Capture {
            seen: Vec::new(),
            assume_role_status: vec![],
        },
        endpoint,
        (Ticks(Default::default()), NoDelay, SplitMix64::new(1)),
    );
    let mut source = Credentials::new();
    let far = Timestamp::from_unix(2_000_000_000, 0).unwrap();
    source
        .fill("ASIAX", "secret", "", far, Instant::ZERO, Instant::from_millis(1 << 40))
        .unwrap();
    let (mut req, mut resp, mut out) = ([0u8; 2048], [0u8; 2048], Credentials::new());
    let e = client
        .assume_role_into(
            &AssumeRoleInput::for_role("arn:aws:iam::222222222222:role/reader"),
            &source,
            "eu-west-1",
            &mut Buffers::new(&mut req, &mut resp),
            &mut out,
        )
        .unwrap_err();
    assert_eq!(*e.kind(), ErrorKind::NoSigningTime);
    assert!(client.transport().seen.is_empty(), "nothing sent");
}

/// botocore re-signs what went out (URL, body, content-type, time, the first
/// hop's credentials): the same `Authorization`, on the regional endpoint
/// and on a loopback endpoint with a port.
#[test]
fn botocore_signs_the_hop_identically() {
    let mut lines = Vec::new();
    let mut sent = Vec::new();
    for url in [None, Some("http://127.0.0.1:5123")] {
        let (seen, result) = chain(url, vec![]);
        result.unwrap();
        let hop = &seen[1];
        let default_port = if url.is_some_and(|u| u.starts_with("http:")) {
            80
        } else {
            443
        };
        let scheme = if url.is_some() { "http" } else { "https" };
        let authority = if hop.port == default_port {
            hop.host.clone()
        } else {
            format!("{}:{}", hop.host, hop.port)
        };
        lines.push(json!({
            "method": "POST",
            "url": format!("{scheme}://{authority}{}", hop.path),
            "headers": [["Content-Type", header(hop, "content-type").unwrap()]],
            "body": hop.body,
            "region": "eu-west-1",
            "service": "sts",
            "access_key_id": "ASIAHOPONE",
            "secret_access_key": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            "session_token": "FwoGZXIvYXdzEJr//////////wEaDHOPONE+token/=",
            "time": header(hop, "x-amz-date").unwrap(),
        }));
        sent.push(header(hop, "authorization").unwrap().to_owned());
    }
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("oracle/botocore_sigv4.py");
    let child = Command::new("python3")
        .arg(&script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let Ok(mut child) = child else {
        assert!(std::env::var("STS_REQUIRE_ORACLE").is_err(), "python3 unavailable");
        eprintln!("SKIPPED: python3 unavailable");
        return;
    };
    let input: String = lines.iter().map(|l| format!("{l}\n")).collect();
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    if !out.status.success() {
        assert!(std::env::var("STS_REQUIRE_ORACLE").is_err(), "botocore unavailable");
        eprintln!(
            "SKIPPED: botocore unavailable: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        return;
    }
    let theirs: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    for (ours, theirs) in sent.iter().zip(&theirs) {
        assert_eq!(Some(ours.as_str()), theirs["authorization"].as_str(), "{theirs}");
    }
    println!(
        "{} signed AssumeRole hops re-signed identically by botocore",
        theirs.len()
    );
}

/// A request buffer too small for the signature is a typed error (wiped,
/// nothing sent) whose `needed` is enough: a buffer of that size signs.
#[test]
fn a_short_request_buffer_says_how_much_is_enough() {
    use sts_client::{RetryPolicy, SignedExchange};
    let endpoint = resolve(&EndpointParams {
        region: Some("eu-west-1"),
        ..Default::default()
    })
    .unwrap();
    let mut source = Credentials::new();
    let token = "FwoGZXIvYXdzEJr//////////wEaD".repeat(20);
    source
        .fill(
            "ASIAHOPONE",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            &token,
            Timestamp::from_unix(2_000_000_000, 0).unwrap(),
            Instant::ZERO,
            Instant::from_millis(1 << 40),
        )
        .unwrap();
    let input = AssumeRoleInput::new("arn:aws:iam::222222222222:role/reader", "hop-2");
    let time = Timestamp::from_unix(1_629_143_573, 0).unwrap();
    let mut small = vec![0xA5u8; 600];
    let e = SignedExchange::new(
        &endpoint,
        RetryPolicy::STANDARD,
        &input,
        &source,
        "eu-west-1",
        time,
        || 1,
        &mut small,
    )
    .unwrap_err();
    let ErrorKind::RequestTooLarge { needed, capacity } = *e.kind() else {
        panic!("{e}")
    };
    assert_eq!(capacity, 600);
    assert!(small.iter().all(|&b| b == 0), "wiped");
    let mut enough = vec![0u8; needed];
    let ex = SignedExchange::new(
        &endpoint,
        RetryPolicy::STANDARD,
        &input,
        &source,
        "eu-west-1",
        time,
        || 1,
        &mut enough,
    )
    .unwrap();
    assert!(ex.request_len() <= needed);
    let headers = ex.headers(&enough);
    assert_eq!(headers.as_slice().len(), 4);
    assert!(!format!("{headers:?}").contains("FwoG"), "header values never print");
}
