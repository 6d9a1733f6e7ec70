//! The client against recorded STS exchanges, on a fake clock, a recording
//! delay, a scripted RNG and a scripted transport.
//!
//! Every reply comes from `conformance/data/recorded/` (status, headers and
//! body as recorded). Every request is captured and checked: POST to the
//! resolved endpoint, `Content-Type` only, no `Authorization`, and a body
//! that form-decodes to exactly the expected parameters.

#![cfg(feature = "std")]

extern crate alloc;

use alloc::collections::VecDeque;
use alloc::rc::Rc;
use alloc::sync::Arc;
use core::cell::RefCell;
use core::sync::atomic::{AtomicU64, Ordering};
use core::time::Duration;
use std::path::PathBuf;
use std::sync::Mutex;

use serde_json::Value;
use sts_client::endpoint::{Endpoint, EndpointParams, resolve};
use sts_client::{
    AsyncClient, AsyncDelay, AttemptEvent, Buffers, Client, Clock, CredentialField, CredentialProvider, Credentials,
    Delay, Error, ErrorKind, FnToken, Instant, MemoryToken, OwnedInput, Platform, RetryClass, RetryPolicy, Rng,
    StdCredentialProvider, Timestamp, TokenError, TokenFile,
};
use sts_codec::AssumeRoleWithWebIdentityInput as Params;
use sts_transport::{AsyncTransport, Request, Response, Transport};

// ---------------------------------------------------------------- fixtures

fn recorded(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../conformance/data/recorded")
        .join(name)
}

fn read(name: &str) -> String {
    std::fs::read_to_string(recorded(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// One scripted reply.
#[derive(Clone, Debug)]
enum Reply {
    Answer {
        status: u16,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    },
    Fail(sts_transport::Error),
}

impl Reply {
    fn xml(status: u16, body: &str) -> Reply {
        Reply::Answer {
            status,
            headers: vec![],
            body: body.as_bytes().to_vec(),
        }
    }

    fn with_header(mut self, name: &str, value: &str) -> Reply {
        if let Reply::Answer { headers, .. } = &mut self {
            headers.push((name.to_ascii_lowercase(), value.to_string()));
        }
        self
    }

    fn header(&self, name: &str) -> Option<&str> {
        match self {
            Reply::Answer { headers, .. } => headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str()),
            Reply::Fail(_) => None,
        }
    }
}

/// The responses of a smithy-rs `http-traffic.json` recording, in order.
fn traffic(name: &str) -> Vec<Reply> {
    let doc: Value = serde_json::from_str(&read(name)).unwrap();
    let mut replies = Vec::new();
    for event in doc["events"].as_array().unwrap() {
        let action = &event["action"];
        if let Some(ok) = action.pointer("/Response/response/Ok") {
            let headers = ok["headers"]
                .as_object()
                .unwrap()
                .iter()
                .map(|(k, v)| (k.to_ascii_lowercase(), v[0].as_str().unwrap().to_string()))
                .collect();
            replies.push(Reply::Answer {
                status: ok["status"].as_u64().unwrap() as u16,
                headers,
                body: vec![],
            });
        }
        if let Some(data) = action.get("Data")
            && data["direction"] == "Response"
            && let Some(Reply::Answer { body, .. }) = replies.last_mut()
        {
            body.extend_from_slice(data["data"]["Utf8"].as_str().unwrap().as_bytes());
        }
    }
    replies
}

/// The expected result of a smithy-rs `test-case.json`.
fn expected(name: &str) -> Value {
    serde_json::from_str::<Value>(&read(name)).unwrap()["result"]["Ok"].clone()
}

/// The retry recording is an `AssumeRole` exchange (the 503 has no body, so
/// it is the operation's own); its 200 body is renamed to the web-identity
/// operation, element for element, so our decoder reads it.
fn retry_on_error() -> Vec<Reply> {
    traffic("smithy-rs-retry_on_error.http-traffic.json")
        .into_iter()
        .map(|r| match r {
            Reply::Answer { status, headers, body } => Reply::Answer {
                status,
                headers,
                body: String::from_utf8(body)
                    .unwrap()
                    .replace("AssumeRoleResponse", "AssumeRoleWithWebIdentityResponse")
                    .replace("AssumeRoleResult", "AssumeRoleWithWebIdentityResult")
                    .into_bytes(),
            },
            other => other,
        })
        .collect()
}

const ROLE: &str = "arn:aws:iam::123456789012:role/device";
const TOKEN: &str = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJkZXZpY2UtNDIifQ.c2lnbmF0dXJl";

// ------------------------------------------------------------ test doubles

/// Shared fake time: the monotonic millis and the optional wall clock.
#[derive(Clone, Default)]
struct Time(Arc<(AtomicU64, Mutex<Option<Timestamp>>)>);

impl Time {
    fn at(ms: u64) -> Time {
        let t = Time::default();
        t.set(ms);
        t
    }
    fn set(&self, ms: u64) {
        self.0.0.store(ms, Ordering::SeqCst);
    }
    fn get(&self) -> u64 {
        self.0.0.load(Ordering::SeqCst)
    }
    fn with_wall(self, wall: Timestamp) -> Time {
        *self.0.1.lock().unwrap() = Some(wall);
        self
    }
}

impl Clock for Time {
    fn now(&self) -> Instant {
        Instant::from_millis(self.get())
    }
    fn wall_time(&self) -> Option<Timestamp> {
        // The wall clock moves with the monotonic one.
        self.0
            .1
            .lock()
            .unwrap()
            .map(|w| w.checked_add_secs((self.get() / 1000) as i64).unwrap())
    }
}

/// Records every wait and advances the fake time by it.
#[derive(Clone, Default)]
struct Waits {
    time: Time,
    log: Rc<RefCell<Vec<Duration>>>,
}

impl Waits {
    fn on(time: &Time) -> Waits {
        Waits {
            time: time.clone(),
            log: Rc::default(),
        }
    }
    fn millis(&self) -> Vec<u128> {
        self.log.borrow().iter().map(Duration::as_millis).collect()
    }
}

impl Delay for Waits {
    fn delay(&mut self, d: Duration) {
        self.log.borrow_mut().push(d);
        self.time.set(self.time.get() + d.as_millis() as u64);
    }
}

impl AsyncDelay for Waits {
    async fn delay(&mut self, d: Duration) {
        Delay::delay(self, d);
    }
}

/// Returns scripted values, then `0x5555...` forever.
#[derive(Clone, Default)]
struct Draws(Rc<RefCell<VecDeque<u64>>>);

impl Draws {
    fn of(values: &[u64]) -> Draws {
        Draws(Rc::new(RefCell::new(values.iter().copied().collect())))
    }
    fn left(&self) -> usize {
        self.0.borrow().len()
    }
}

impl Rng for Draws {
    fn next_u64(&mut self) -> u64 {
        self.0.borrow_mut().pop_front().unwrap_or(0x5555_5555_5555_5555)
    }
}

/// A request as the transport saw it.
#[derive(Debug, Clone)]
struct Sent {
    at: u64,
    method: String,
    https: bool,
    host: String,
    port: u16,
    path: String,
    headers: Vec<(String, String)>,
    body: String,
}

impl Sent {
    /// The form parameters, decoded.
    fn form(&self) -> Vec<(String, String)> {
        form_urlencoded::parse(self.body.as_bytes()).into_owned().collect()
    }
    fn param(&self, name: &str) -> Option<String> {
        self.form().into_iter().find(|(k, _)| k == name).map(|(_, v)| v)
    }
}

/// Replays a script and records every request.
#[derive(Clone, Default)]
struct Script {
    replies: Rc<RefCell<VecDeque<Reply>>>,
    sent: Rc<RefCell<Vec<Sent>>>,
    time: Time,
}

impl Script {
    fn new(time: &Time, replies: impl IntoIterator<Item = Reply>) -> Script {
        Script {
            replies: Rc::new(RefCell::new(replies.into_iter().collect())),
            sent: Rc::default(),
            time: time.clone(),
        }
    }
    fn push(&self, replies: impl IntoIterator<Item = Reply>) {
        self.replies.borrow_mut().extend(replies);
    }
    fn sent(&self) -> Vec<Sent> {
        self.sent.borrow().clone()
    }
    fn left(&self) -> usize {
        self.replies.borrow().len()
    }

    fn answer<'b>(&mut self, request: &Request<'_>, buf: &'b mut [u8]) -> Result<Response<'b>, sts_transport::Error> {
        self.sent.borrow_mut().push(Sent {
            at: self.time.get(),
            method: request.method.to_string(),
            https: request.scheme == sts_transport::Scheme::Https,
            host: request.host.to_string(),
            port: request.port,
            path: request.path.to_string(),
            headers: request
                .headers
                .iter()
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect(),
            body: String::from_utf8(request.body.to_vec()).unwrap(),
        });
        // The client wipes the buffer between attempts: check it did.
        assert!(
            buf.iter().all(|&b| b == 0),
            "response buffer not wiped before the attempt"
        );
        let reply = self
            .replies
            .borrow_mut()
            .pop_front()
            .expect("script exhausted: unexpected request");
        let (status, headers, body) = match reply {
            Reply::Fail(e) => return Err(e),
            Reply::Answer { status, headers, body } => (status, headers, body),
        };
        // Header values go to the front of `buf` (like a real head), the body
        // after; the request id is the header the request names, as in the
        // real transports.
        let wanted = [
            Some("date"),
            request.request_id_header,
            Some("retry-after"),
            Some("content-type"),
        ];
        let mut head_len = 0;
        let mut spans = Vec::new();
        for (field, name) in wanted.into_iter().enumerate() {
            let found = name.and_then(|name| headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)));
            if let Some((_, v)) = found {
                buf[head_len..head_len + v.len()].copy_from_slice(v.as_bytes());
                spans.push((field, head_len, v.len()));
                head_len += v.len();
            }
        }
        let (head, rest) = buf.split_at_mut(head_len);
        if body.len() > rest.len() {
            return Err(sts_transport::Error::BufferTooSmall {
                needed: Some(head_len + body.len()),
            });
        }
        rest[..body.len()].copy_from_slice(&body);
        let head: &'b [u8] = head;
        let mut response = Response::new(status, &mut rest[..body.len()]);
        for (field, start, len) in spans {
            let value = core::str::from_utf8(&head[start..start + len]).unwrap();
            match field {
                0 => response.date = Some(value),
                1 => response.request_id = Some(value),
                2 => response.retry_after = Some(value),
                _ => response.content_type = Some(value),
            }
        }
        Ok(response)
    }
}

impl Transport for Script {
    fn send<'b>(&mut self, request: &Request<'_>, buf: &'b mut [u8]) -> Result<Response<'b>, sts_transport::Error> {
        self.answer(request, buf)
    }
}

impl AsyncTransport for Script {
    async fn send<'b>(
        &mut self,
        request: &Request<'_>,
        buf: &'b mut [u8],
    ) -> Result<Response<'b>, sts_transport::Error> {
        self.answer(request, buf)
    }
}

fn endpoint(region: &str) -> Endpoint {
    resolve(&EndpointParams {
        region: Some(region),
        ..EndpointParams::default()
    })
    .unwrap()
}

struct Rig {
    time: Time,
    waits: Waits,
    draws: Draws,
    script: Script,
}

impl Rig {
    fn new(replies: impl IntoIterator<Item = Reply>, draws: &[u64]) -> Rig {
        let time = Time::at(1_000);
        Rig {
            waits: Waits::on(&time),
            draws: Draws::of(draws),
            script: Script::new(&time, replies),
            time,
        }
    }

    fn platform(&self) -> (Time, Waits, Draws) {
        (self.time.clone(), self.waits.clone(), self.draws.clone())
    }

    fn client(&self, region: &str) -> Client<Script, (Time, Waits, Draws)> {
        Client::new(self.script.clone(), endpoint(region), self.platform())
    }

    fn async_client(&self, region: &str) -> AsyncClient<Script, (Time, Waits, Draws)> {
        AsyncClient::new(self.script.clone(), endpoint(region), self.platform())
    }
}

/// A request for `role`, its token and session name filled per fetch.
fn input(role: &str) -> Params<'_> {
    Params::for_role(role)
}

/// Credentials written into storage for a 2048-byte session token.
fn filled(
    access_key_id: &str,
    secret_access_key: &str,
    session_token: &str,
    valid_until: Instant,
) -> Credentials<[u8; 2048]> {
    let mut c = Credentials::new();
    c.fill(
        access_key_id,
        secret_access_key,
        session_token,
        ts(0),
        Instant::ZERO,
        valid_until,
    )
    .unwrap();
    c
}

fn fetch<P: Platform>(client: &mut Client<Script, P>, params: &Params<'_>) -> Result<Credentials<[u8; 2048]>, Error> {
    let (mut req, mut resp) = (vec![0u8; 4096], vec![0u8; 8192]);
    let mut creds = Credentials::new();
    client.fetch_into(
        params,
        &mut MemoryToken::from_str(TOKEN),
        &mut Buffers::new(&mut req, &mut resp),
        &mut creds,
    )?;
    Ok(creds)
}

fn fetch_async(
    client: &mut AsyncClient<Script, (Time, Waits, Draws)>,
    params: &Params<'_>,
) -> Result<Credentials<[u8; 2048]>, Error> {
    let (mut req, mut resp) = (vec![0u8; 4096], vec![0u8; 8192]);
    let mut creds = Credentials::new();
    futures_executor::block_on(client.fetch_into(
        params,
        &mut MemoryToken::from_str(TOKEN),
        &mut Buffers::new(&mut req, &mut resp),
        &mut creds,
    ))?;
    Ok(creds)
}

/// Every request: POST, https, the endpoint's host, `/`, Content-Type only,
/// and the expected form.
fn assert_requests(sent: &[Sent], host: &str, session_name: &str) {
    for s in sent {
        assert_eq!(
            (s.method.as_str(), s.https, s.host.as_str(), s.port, s.path.as_str()),
            ("POST", true, host, 443, "/")
        );
        assert_eq!(
            s.headers,
            vec![("Content-Type".to_string(), sts_codec::CONTENT_TYPE.to_string())]
        );
        assert!(
            !s.headers.iter().any(|(n, _)| n.eq_ignore_ascii_case("authorization")),
            "request is unsigned"
        );
        let form = s.form();
        let expected: Vec<(String, String)> = [
            ("Action", "AssumeRoleWithWebIdentity"),
            ("Version", "2011-06-15"),
            ("RoleArn", ROLE),
            ("RoleSessionName", session_name),
            ("WebIdentityToken", TOKEN),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        assert_eq!(form, expected);
    }
}

fn service(err: &Error) -> &sts_client::StsError {
    err.service_error()
        .unwrap_or_else(|| panic!("not a service error: {err:?}"))
}

fn ts(secs: i64) -> Timestamp {
    Timestamp::from_unix(secs, 0).unwrap()
}

// ------------------------------------------------------------------- tests

/// The recorded retry exchange: a 503 with an empty body, then a 200. One
/// wait, drawn exactly; the same body both times; the test case's
/// credentials and expiry.
#[test]
fn recorded_503_then_success() {
    let replies = retry_on_error();
    assert_eq!(replies.len(), 2);
    assert!(matches!(&replies[0], Reply::Answer { status: 503, body, .. } if body.is_empty()));
    // Draws: the session name, then the backoff (u64::MAX: the full 1 s ceiling).
    let rig = Rig::new(replies, &[0x0123_4567_89ab_cdef, u64::MAX]);
    let mut events = Vec::new();
    let observer = |e: &AttemptEvent<'_>| {
        events.push((
            e.attempt,
            e.status,
            e.request_id.map(str::to_string),
            e.retry_in,
            e.endpoint.to_string(),
        ));
    };
    let (time, waits, draws) = rig.platform();
    let mut client = Client::new(
        rig.script.clone(),
        endpoint("us-east-1"),
        (time, waits, draws, observer),
    );
    let creds = fetch(&mut client, &input(ROLE)).unwrap();

    let want = expected("smithy-rs-retry_on_error.test-case.json");
    assert_eq!(creds.access_key_id(), want["access_key_id"]);
    assert_eq!(creds.secret_access_key().expose(), want["secret_access_key"]);
    assert_eq!(creds.session_token().expose(), want["session_token"]);
    assert_eq!(creds.expiration().seconds, want["expiry"].as_i64().unwrap());
    // Date 18:58:02, Expiration 19:58:02: one hour from receipt, which came
    // after the 1 s wait.
    assert_eq!(creds.received_at(), Instant::from_millis(2_000));
    assert_eq!(creds.valid_until(), Instant::from_millis(2_000 + 3_600_000));
    assert_eq!(rig.waits.millis(), vec![1_000]);
    let sent = rig.script.sent();
    assert_eq!(sent.len(), 2);
    assert_eq!(sent[0].body, sent[1].body, "one body for every attempt of a fetch");
    assert_requests(
        &sent,
        "sts.us-east-1.amazonaws.com",
        "sts-web-identity-0123456789abcdef",
    );
    drop(client);
    let id = Some("c2e971c2-702d-4124-9b1f-1670febbea18".to_string());
    let url = "https://sts.us-east-1.amazonaws.com".to_string();
    assert_eq!(
        events,
        vec![
            (1, Some(503), id.clone(), Some(Duration::from_secs(1)), url.clone()),
            (2, Some(200), id, None, url)
        ]
    );
}

/// aws-c-auth's IDPCommunicationError document (HTTP 400) then the recorded
/// web-identity success.
#[test]
fn idp_communication_error_then_success() {
    let idp = Reply::xml(400, &read("aws-c-auth-web-identity-s_retryable_error_response_1.xml"));
    let ok = traffic("smithy-rs-web_identity_token_env.http-traffic.json").remove(0);
    // A fixed session name draws nothing; the backoff draws 1<<63: half of
    // the 1 s ceiling.
    let rig = Rig::new([idp, ok], &[1 << 63]);
    let creds = fetch(
        &mut rig.client("eu-west-1"),
        &input(ROLE).with_role_session_name("test-session"),
    )
    .unwrap();
    let want = expected("smithy-rs-web_identity_token_env.test-case.json");
    assert_eq!(creds.access_key_id(), want["access_key_id"]);
    assert_eq!(creds.expiration().seconds, want["expiry"].as_i64().unwrap());
    assert_eq!(rig.waits.millis(), vec![500]);
    assert_requests(&rig.script.sent(), "sts.eu-west-1.amazonaws.com", "test-session");
}

/// Throttling (the real STS document, HTTP 400) until the attempts run out:
/// 4 attempts, 3 waits drawn exactly from the scripted RNG.
#[test]
fn throttling_until_attempts_run_out_exact_delays() {
    let throttled = Reply::xml(400, &read("issue-selling-partner-api-278-Throttling.xml"));
    // Session name, then the waits: 1 s ceiling × 1.0, 2 s × 0.5, 4 s × 0.0.
    let rig = Rig::new(vec![throttled; 4], &[1, u64::MAX, 1 << 63, 0]);
    let mut client = rig
        .client("eu-west-1")
        .with_retry_policy(RetryPolicy::STANDARD.with_max_attempts(4));
    let err = fetch(&mut client, &input(ROLE)).unwrap_err();
    assert_eq!(err.attempts(), 4);
    assert_eq!(rig.waits.millis(), vec![1_000, 1_000, 0]);
    assert_eq!(err.retry_class(), Some(RetryClass::Throttling));
    let e = service(&err);
    assert_eq!(
        (e.status(), e.code(), e.message()),
        (400, "Throttling", "Rate exceeded")
    );
    assert_eq!(e.request_id(), Some("f9dc6495-9462-47ce-8b0e-b385f24ee61c"));
    assert_eq!(rig.script.sent().len(), 4);
    assert_eq!(rig.draws.left(), 0);

    // The default: 3 attempts, 2 waits, capped ceilings (1 s, 2 s).
    let throttled = Reply::xml(400, &read("issue-selling-partner-api-278-Throttling.xml"));
    let rig = Rig::new(vec![throttled; 3], &[1, u64::MAX, u64::MAX]);
    let err = fetch(&mut rig.client("eu-west-1"), &input(ROLE)).unwrap_err();
    assert_eq!((err.attempts(), rig.waits.millis()), (3, vec![1_000, 2_000]));
    assert_eq!(
        err.to_string(),
        "STS returned Throttling (HTTP 400): Rate exceeded [request id f9dc6495-9462-47ce-8b0e-b385f24ee61c] (3 attempts)"
    );
}

/// The ceiling doubles up to the cap: with base 1 s, cap 5 s and 6 attempts
/// the waits at full draw are 1, 2, 4, 5, 5 s.
#[test]
fn backoff_is_capped() {
    let rig = Rig::new(
        vec![Reply::xml(503, ""); 6],
        &[1, u64::MAX, u64::MAX, u64::MAX, u64::MAX, u64::MAX],
    );
    let policy = RetryPolicy::STANDARD
        .with_max_attempts(6)
        .with_backoff(Duration::from_secs(1), Duration::from_secs(5));
    let err = fetch(&mut rig.client("eu-west-1").with_retry_policy(policy), &input(ROLE)).unwrap_err();
    assert_eq!(*err.kind(), ErrorKind::Http { status: 503 });
    assert_eq!(rig.waits.millis(), vec![1_000, 2_000, 4_000, 5_000, 5_000]);
}

/// `Retry-After` on a retryable answer replaces the draw (capped at 20 s).
#[test]
fn retry_after_is_honoured_and_capped() {
    let rig = Rig::new(
        [
            Reply::xml(503, "").with_header("Retry-After", "3"),
            Reply::xml(429, "").with_header("Retry-After", "120"),
            traffic("smithy-rs-web_identity_token_env.http-traffic.json").remove(0),
        ],
        &[1],
    );
    fetch(&mut rig.client("eu-west-1"), &input(ROLE)).unwrap();
    assert_eq!(rig.waits.millis(), vec![3_000, 20_000]);
    assert_eq!(rig.draws.left(), 0, "no draw when Retry-After decides");
}

/// The recorded InvalidIdentityToken: not retried by default; retried on
/// opt-in.
#[test]
fn invalid_identity_token_not_retried_unless_opted_in() {
    let invalid = traffic("smithy-rs-web_identity_token_invalid_jwt.http-traffic.json").remove(0);
    let rig = Rig::new([invalid.clone()], &[]);
    let err = fetch(&mut rig.client("us-east-1"), &input(ROLE)).unwrap_err();
    assert_eq!(err.attempts(), 1);
    assert!(rig.waits.millis().is_empty());
    let e = service(&err);
    assert_eq!(
        (e.status(), e.code(), e.kind()),
        (400, "InvalidIdentityToken", sts_codec::ErrorCode::InvalidIdentityToken)
    );
    assert_eq!(e.request_id(), invalid.header("x-amzn-requestid"));
    // As much of the message as fits beside the code and the request id.
    assert!("No OpenIDConnect provider found in your account".starts_with(e.message()));
    let id_len = e.request_id().map_or(0, str::len);
    assert_eq!(
        e.message().len(),
        sts_client::STS_ERROR_TEXT_LEN - e.code().len() - id_len
    );

    let ok = traffic("smithy-rs-web_identity_token_env.http-traffic.json").remove(0);
    let rig = Rig::new([invalid, ok], &[1, 0]);
    let policy = RetryPolicy::STANDARD.with_retry_invalid_identity_token(true);
    let creds = fetch(&mut rig.client("us-east-1").with_retry_policy(policy), &input(ROLE)).unwrap();
    assert_eq!(creds.access_key_id(), "AKIDTEST");
    assert_eq!(rig.script.sent().len(), 2);
}

/// The real ExpiredTokenException: one attempt.
#[test]
fn expired_token_exception_not_retried() {
    let expired = Reply::xml(400, &read("issue-mozilla-aws-cli-146-ExpiredTokenException.xml"));
    let rig = Rig::new([expired.clone(), expired], &[]);
    let err = fetch(&mut rig.client("us-east-1"), &input(ROLE)).unwrap_err();
    assert_eq!(err.attempts(), 1);
    assert_eq!(rig.script.left(), 1, "the second reply was never asked for");
    let e = service(&err);
    assert_eq!(
        (e.code(), e.kind()),
        ("ExpiredTokenException", sts_codec::ErrorCode::ExpiredToken)
    );
    assert_eq!(e.request_id(), Some("1fd1964b-1544-11ea-ba37-99c3c1dede42"));
    assert_eq!(err.retry_class(), None);
}

fn error_doc(code: &str) -> String {
    format!(
        "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>Sender</Type>\
         <Code>{code}</Code><Message>m</Message></Error><RequestId>r-1</RequestId></ErrorResponse>"
    )
}

/// Each retryable class is retried once then succeeds (2 attempts); each
/// non-retryable sample ends at once (1 attempt).
#[test]
fn retry_classes_table() {
    use sts_transport::Error as T;
    let mut cases: Vec<(String, Reply, Option<RetryClass>)> = vec![];
    for e in [
        T::Connect,
        T::Timeout,
        T::Reset,
        T::UnexpectedEof,
        T::Io,
        T::MalformedResponse(sts_transport::MalformedHttp::Head),
    ] {
        cases.push((format!("transport {e:?}"), Reply::Fail(e), Some(RetryClass::Transport)));
    }
    for status in [500, 502, 503, 504] {
        cases.push((
            format!("HTTP {status}"),
            Reply::xml(status, ""),
            Some(RetryClass::ServerError),
        ));
    }
    cases.push((
        "HTTP 429".into(),
        Reply::xml(429, "<html/>"),
        Some(RetryClass::Throttling),
    ));
    for code in sts_client::retry::THROTTLING_CODES {
        cases.push((
            code.to_string(),
            Reply::xml(400, &error_doc(code)),
            Some(RetryClass::Throttling),
        ));
    }
    for code in ["RequestTimeout", "RequestTimeoutException"] {
        cases.push((
            code.into(),
            Reply::xml(400, &error_doc(code)),
            Some(RetryClass::Timeout),
        ));
    }
    cases.push((
        "IDPCommunicationError".into(),
        Reply::xml(400, &error_doc("IDPCommunicationError")),
        Some(RetryClass::IdpCommunication),
    ));
    // A success status with a truncated or unusable body.
    cases.push((
        "200 with a truncated body".into(),
        Reply::xml(200, "<AssumeRoleWithWebIdentityResponse>"),
        Some(RetryClass::MalformedAnswer),
    ));
    cases.push((
        "200 without credentials".into(),
        Reply::xml(200, &read("aws-c-auth-web-identity-s_bad_document_response.xml")),
        Some(RetryClass::MalformedAnswer),
    ));
    // Not retried.
    let not = |name: &str, reply: Reply| (name.to_string(), reply, None::<RetryClass>);
    cases.extend([
        not("TLS", Reply::Fail(T::Tls)),
        not(
            "buffer too small",
            Reply::Fail(T::BufferTooSmall { needed: Some(99_999) }),
        ),
        not("insecure scheme", Reply::Fail(T::InsecureScheme)),
        not("invalid request", Reply::Fail(T::InvalidRequest)),
        not("HTTP 400 without document", Reply::xml(400, "")),
        not("HTTP 403 HTML", Reply::xml(403, "<html>denied</html>")),
        not("HTTP 404", Reply::xml(404, "")),
        not("AccessDenied", Reply::xml(403, &error_doc("AccessDenied"))),
        not(
            "ExpiredTokenException",
            Reply::xml(400, &error_doc("ExpiredTokenException")),
        ),
        not("IDPRejectedClaim", Reply::xml(403, &error_doc("IDPRejectedClaim"))),
        not(
            "MalformedPolicyDocument",
            Reply::xml(400, &error_doc("MalformedPolicyDocument")),
        ),
        not(
            "RegionDisabledException",
            Reply::xml(403, &error_doc("RegionDisabledException")),
        ),
        not(
            "InvalidIdentityToken (default)",
            Reply::xml(400, &error_doc("InvalidIdentityToken")),
        ),
    ]);
    let ok = traffic("smithy-rs-web_identity_token_env.http-traffic.json").remove(0);
    for (name, first, class) in cases {
        let rig = Rig::new([first, ok.clone()], &[]);
        let result = fetch(&mut rig.client("eu-west-1"), &input(ROLE));
        let attempts = rig.script.sent().len();
        match class {
            Some(_) => {
                assert!(result.is_ok(), "{name}: {result:?}");
                assert_eq!(attempts, 2, "{name}");
            }
            None => {
                let err = result.expect_err(&name);
                assert_eq!((attempts, err.attempts()), (1, 1), "{name}");
                assert!(
                    err.retry_class().is_none_or(|c| !RetryPolicy::STANDARD.retries(c)),
                    "{name}"
                );
            }
        }
    }
}

/// A policy of one attempt never retries; a transport error is reported as
/// such with the attempt count.
#[test]
fn attempts_are_configurable() {
    let rig = Rig::new([Reply::Fail(sts_transport::Error::Connect), Reply::xml(503, "")], &[]);
    let err = fetch(
        &mut rig.client("eu-west-1").with_retry_policy(RetryPolicy::NONE),
        &input(ROLE),
    )
    .unwrap_err();
    assert_eq!(*err.kind(), ErrorKind::Transport(sts_transport::Error::Connect));
    assert_eq!((err.attempts(), rig.script.left()), (1, 1));
    assert_eq!(
        err.to_string(),
        "transport error: could not connect to the server (1 attempt)"
    );
}

/// Nothing is sent for a request that breaks the model or does not fit.
#[test]
fn validation_and_buffer_errors_send_nothing() {
    let rig = Rig::new([], &[]);
    let err = fetch(
        &mut rig.client("eu-west-1"),
        &input("not-an-arn").with_duration_seconds(60),
    )
    .unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Validation(_)), "{err:?}");
    assert_eq!(err.attempts(), 0);

    let mut client = rig.client("eu-west-1");
    let (mut req, mut resp) = (vec![0u8; 64], vec![0u8; 4096]);
    let err = client
        .fetch_into(
            &input(ROLE),
            &mut MemoryToken::from_str(TOKEN),
            &mut Buffers::new(&mut req, &mut resp),
            &mut Credentials::<[u8; 2048]>::empty(),
        )
        .unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::RequestTooLarge { capacity: 64, needed } if *needed > 64),
        "{err:?}"
    );
    assert!(
        req.iter().all(|&b| b == 0) && resp.iter().all(|&b| b == 0),
        "token wiped"
    );
    assert!(rig.script.sent().is_empty());
}

/// A session token larger than the storage: a typed error naming the size.
#[test]
fn credentials_too_large_names_the_size() {
    let ok = traffic("smithy-rs-web_identity_token_env.http-traffic.json").remove(0);
    let rig = Rig::new([ok], &[]);
    let (mut req, mut resp) = (vec![0u8; 4096], vec![0u8; 8192]);
    let err = rig
        .client("eu-west-1")
        .fetch_into(
            &input(ROLE),
            &mut MemoryToken::from_str(TOKEN),
            &mut Buffers::new(&mut req, &mut resp),
            &mut Credentials::<[u8; 8]>::empty(),
        )
        .unwrap_err();
    assert_eq!(
        *err.kind(),
        ErrorKind::CredentialsTooLarge {
            field: CredentialField::SessionToken,
            needed: "SESSIONTOKEN_TEST".len(),
            capacity: 8
        }
    );
    assert!(
        err.to_string()
            .contains("SessionToken is 17 bytes, more than the 8 bytes of storage")
    );
    assert!(!err.to_string().contains("SESSIONTOKEN_TEST"));
}

/// `fetch_into` writes the credentials into the caller's storage on
/// success, replacing what was there, and leaves it as it was on error.
#[test]
fn fetch_into_replaces_on_success_and_keeps_on_error() {
    let ok = traffic("smithy-rs-web_identity_token_env.http-traffic.json").remove(0);
    let rig = Rig::new([ok.clone(), ok], &[]);
    let mut client = rig.client("eu-west-1");
    let (mut req, mut resp) = (vec![0u8; 4096], vec![0u8; 8192]);
    let old = filled(
        "ASIAOLDKEYOLDKEY",
        "old-secret",
        "old-session-token-that-is-longer-than-the-new-one",
        Instant::from_millis(5),
    );
    let mut slot = filled(
        "ASIAOLDKEYOLDKEY",
        "old-secret",
        "old-session-token-that-is-longer-than-the-new-one",
        Instant::from_millis(5),
    );
    // Fails (the session token does not fit in 8 bytes): untouched.
    let mut small: Credentials<[u8; 8]> = Credentials::empty();
    small.fill("A", "B", "C", ts(0), Instant::ZERO, Instant::ZERO).unwrap();
    let err = client
        .fetch_into(
            &input(ROLE),
            &mut MemoryToken::from_str(TOKEN),
            &mut Buffers::new(&mut req, &mut resp),
            &mut small,
        )
        .unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::CredentialsTooLarge { .. }), "{err:?}");
    assert_eq!(
        (
            small.access_key_id(),
            small.secret_access_key().expose(),
            small.session_token().expose()
        ),
        ("A", "B", "C")
    );
    // Fails before sending (invalid input): untouched.
    client
        .fetch_into(
            &input("not-an-arn"),
            &mut MemoryToken::from_str(TOKEN),
            &mut Buffers::new(&mut req, &mut resp),
            &mut slot,
        )
        .unwrap_err();
    assert_eq!(slot.session_token().expose(), old.session_token().expose());
    // Succeeds: replaced, the same as `fetch` gives.
    client
        .fetch_into(
            &input(ROLE),
            &mut MemoryToken::from_str(TOKEN),
            &mut Buffers::new(&mut req, &mut resp),
            &mut slot,
        )
        .unwrap();
    let want = expected("smithy-rs-web_identity_token_env.test-case.json");
    assert_eq!(slot.access_key_id(), want["access_key_id"]);
    assert_eq!(slot.secret_access_key().expose(), want["secret_access_key"]);
    assert_eq!(slot.session_token().expose(), want["session_token"]);
    assert_eq!(slot.expiration().seconds, want["expiry"].as_i64().unwrap());
    assert!(slot.valid_until() > slot.received_at());
    let empty = Credentials::<[u8; 16]>::empty();
    assert_eq!((empty.access_key_id(), empty.session_token().expose()), ("", ""));
    assert!(empty.is_expired(Instant::ZERO));
}

/// No token, secret or session token in any error or debug output.
#[test]
fn no_secret_in_messages() {
    let ok = traffic("smithy-rs-web_identity_token_env.http-traffic.json").remove(0);
    let rig = Rig::new(
        [
            ok.clone(),
            Reply::xml(400, &read("issue-mozilla-aws-cli-146-ExpiredTokenException.xml")),
            Reply::Fail(sts_transport::Error::Tls),
        ],
        &[],
    );
    let mut client = rig.client("eu-west-1");
    let creds = fetch(&mut client, &input(ROLE)).unwrap();
    let mut outputs = vec![format!("{creds:?}"), format!("{client:?}")];
    for _ in 0..2 {
        let err = fetch(&mut client, &input(ROLE)).unwrap_err();
        outputs.push(format!("{err}"));
        outputs.push(format!("{err:?}"));
    }
    let bad = input(ROLE).with_duration_seconds(1);
    let err = fetch(&mut client, &bad).unwrap_err();
    outputs.extend([format!("{err}"), format!("{err:?}")]);
    for out in &outputs {
        for secret in [TOKEN, "eyJ", "SECRETKEYTEST", "SESSIONTOKEN_TEST"] {
            assert!(!out.contains(secret), "{secret} leaked in {out}");
        }
    }
    assert!(format!("{:?}", MemoryToken::from_str(TOKEN)).contains("redacted"));
}

// ----------------------------------------------------------- server time

/// A device whose wall clock says 1970 and whose monotonic clock started at
/// boot: the deadline comes from `Expiration - Date`, and the refresh
/// happens exactly at the scheduled monotonic instant.
#[test]
fn device_clock_at_1970_refreshes_from_date_header() {
    let time = Time::at(0).with_wall(ts(5)); // 1970-01-01T00:00:05Z
    let waits = Waits::on(&time);
    let ok = traffic("smithy-rs-web_identity_token_env.http-traffic.json").remove(0);
    let second = traffic("smithy-rs-web_identity_token_profile.http-traffic.json").remove(0);
    let script = Script::new(&time, [ok, second]);
    // Draws: session name; jitter 0 (the first try at the mandatory start,
    // 10 min before expiry); the second session name.
    let draws = Draws::of(&[1, 0, 2]);
    let client = Client::new(script.clone(), endpoint("eu-west-1"), (time.clone(), waits, draws));
    let (mut req, mut resp) = ([0u8; 2048], [0u8; 4096]);
    let mut storage = Credentials::new();
    let mut provider = CredentialProvider::new(
        client,
        // 12 h asked, 1 h granted: only the Date header can tell.
        input(ROLE).with_duration_seconds(43_200),
        TOKEN,
        Buffers::new(&mut req, &mut resp),
        &mut storage,
    );
    let creds = provider.credentials().unwrap();
    // Date Mon, 16 Aug 2021 19:52:53 GMT; Expiration 20:52:53Z.
    assert_eq!(creds.valid_until(), Instant::from_millis(3_600_000));
    assert_eq!(creds.server_date(), Some(ts(1_629_143_573)));
    assert_eq!(creds.clock_skew_millis(), Some((1_629_143_573 - 5) * 1000));
    assert_eq!(provider.client().clock_skew_millis(), Some((1_629_143_573 - 5) * 1000));
    assert_eq!(provider.schedule().advisory_at(), Some(Instant::from_millis(3_000_000)));
    assert_eq!(
        provider.schedule().mandatory_at(),
        Some(Instant::from_millis(3_000_000))
    );

    time.set(2_999_999);
    provider.credentials().unwrap();
    assert_eq!(script.sent().len(), 1, "no refresh before the scheduled instant");
    time.set(3_000_000);
    let creds = provider.credentials().unwrap();
    assert_eq!(creds.access_key_id(), "ASIARABCDEFGHIJKLMNOP");
    assert_eq!(
        script.sent().iter().map(|s| s.at).collect::<Vec<_>>(),
        vec![0, 3_000_000]
    );
    // The second answer: Date 19:55:04, Expiration 20:55:04: one hour again.
    assert_eq!(creds.valid_until(), Instant::from_millis(3_000_000 + 3_600_000));
}

/// Without a `Date` header: the wall clock if there is one (capped at the
/// requested duration, so a 1970 clock cannot stretch it), else the
/// requested duration.
#[test]
fn without_date_header() {
    let body = read("smithy-rs-web_identity_token_env.1.response-200.xml"); // Expiration 2021-08-16T20:52:53Z
    let run = |time: Time, params: Params<'_>| {
        let script = Script::new(&time, [Reply::xml(200, &body)]);
        let mut client = Client::new(
            script,
            endpoint("eu-west-1"),
            (time.clone(), Waits::on(&time), Draws::default()),
        );
        fetch(&mut client, &params).unwrap()
    };
    // Wall clock 20 minutes before expiry.
    let c = run(Time::at(0).with_wall(ts(1_629_147_173 - 1200)), input(ROLE));
    assert_eq!(c.valid_until(), Instant::from_millis(1_200_000));
    assert_eq!(c.clock_skew_millis(), None);
    // Wall clock in 1970: capped at the requested 900 s.
    let c = run(Time::at(0).with_wall(ts(0)), input(ROLE).with_duration_seconds(900));
    assert_eq!(c.valid_until(), Instant::from_millis(900_000));
    // No wall clock, no DurationSeconds: STS's default hour.
    let c = run(Time::at(10), input(ROLE));
    assert_eq!(c.valid_until(), Instant::from_millis(3_600_010));
}

/// Credentials already expired per their own `Date` are an error, not a
/// cache entry.
#[test]
fn expired_on_arrival() {
    let mut ok = traffic("smithy-rs-web_identity_token_env.http-traffic.json").remove(0);
    if let Reply::Answer { headers, .. } = &mut ok {
        headers.retain(|(n, _)| n != "date");
    }
    let ok = ok.with_header("date", "Mon, 16 Aug 2021 21:00:00 GMT");
    let rig = Rig::new([ok], &[]);
    let err = fetch(&mut rig.client("eu-west-1"), &input(ROLE)).unwrap_err();
    assert_eq!(*err.kind(), ErrorKind::ExpiredOnArrival);
}

// -------------------------------------------------------- refresh windows

/// Advisory: a failure keeps the old credentials and retries 30 s later;
/// mandatory: a failure is the caller's error; success replaces.
#[test]
fn refresh_windows() {
    let time = Time::at(0);
    let waits = Waits::on(&time);
    let first = traffic("smithy-rs-web_identity_token_env.http-traffic.json").remove(0);
    let second = traffic("smithy-rs-web_identity_token_profile.http-traffic.json").remove(0);
    let script = Script::new(&time, [first]);
    // Draws: session name; jitter 1<<63: half of the first try's spread.
    let draws = Draws::of(&[1, 1 << 63]);
    let client = Client::new(
        script.clone(),
        endpoint("eu-west-1"),
        (time.clone(), waits.clone(), draws.clone()),
    )
    .with_retry_policy(RetryPolicy::NONE);
    let (mut req, mut resp) = ([0u8; 2048], [0u8; 4096]);
    let mut storage = Credentials::new();
    let mut provider = CredentialProvider::new(
        client,
        input(ROLE),
        TOKEN,
        Buffers::new(&mut req, &mut resp),
        &mut storage,
    );
    assert_eq!(provider.credentials().unwrap().access_key_id(), "AKIDTEST");
    // 1 h credentials: advisory 15 min, mandatory 10 min. The first try is
    // drawn over a whole mean refresh period (47.5 min) before the mandatory
    // window: half of it is 23.75 min.
    assert_eq!(
        provider.schedule().mandatory_at(),
        Some(Instant::from_millis(3_000_000))
    );
    assert_eq!(provider.schedule().advisory_at(), Some(Instant::from_millis(1_575_000)));

    time.set(1_574_999);
    assert_eq!(provider.credentials().map(|_| ()), Ok(()));
    assert!(time.now() < provider.schedule().advisory_at().unwrap());
    provider.credentials().unwrap();
    assert_eq!(script.sent().len(), 1);

    // Advisory try fails: old credentials, no error, next try in 30 s.
    time.set(1_575_000);
    script.push([Reply::Fail(sts_transport::Error::Timeout)]);
    assert_eq!(provider.credentials().unwrap().access_key_id(), "AKIDTEST");
    assert_eq!(script.sent().len(), 2);
    assert!(matches!(
        provider.schedule().last_error().map(Error::kind),
        Some(ErrorKind::Transport(_))
    ));
    assert_eq!(provider.schedule().advisory_at(), Some(Instant::from_millis(1_605_000)));
    time.set(1_604_999);
    provider.credentials().unwrap();
    assert_eq!(script.sent().len(), 2, "no retry inside the interval");

    // Mandatory: failure is an error.
    time.set(3_000_000);
    script.push([Reply::xml(
        400,
        &read("issue-mozilla-aws-cli-146-ExpiredTokenException.xml"),
    )]);
    let err = provider.credentials().unwrap_err();
    assert_eq!(service(&err).code(), "ExpiredTokenException");
    assert_eq!(script.sent().len(), 3);

    // Then success replaces the credentials and reschedules.
    time.set(3_000_500);
    script.push([second]);
    assert_eq!(provider.credentials().unwrap().access_key_id(), "ASIARABCDEFGHIJKLMNOP");
    assert!(provider.schedule().last_error().is_none());
    assert_eq!(
        provider.schedule().mandatory_at(),
        Some(Instant::from_millis(3_000_500 + 3_000_000))
    );
    // Later tries: between the advisory and mandatory window starts.
    let advisory = provider.schedule().advisory_at().unwrap().as_millis();
    assert!(
        (3_000_500 + 2_700_000..=3_000_500 + 3_000_000).contains(&advisory),
        "{advisory}"
    );
    // Each fetch drew its own session name.
    let names: Vec<_> = script
        .sent()
        .iter()
        .map(|s| s.param("RoleSessionName").unwrap())
        .collect();
    assert_eq!(names.len(), 4);
    assert!(
        names
            .iter()
            .all(|n| n.starts_with("sts-web-identity-") && n.len() == 33),
        "{names:?}"
    );
    assert_ne!(names[0], names[3]);
    assert!(waits.millis().is_empty());
}

/// A 15-minute session gets proportionally shorter windows.
#[test]
fn short_sessions_scale_the_windows() {
    let time = Time::at(0);
    let body = read("smithy-rs-web_identity_token_env.1.response-200.xml");
    // Date 15 min before Expiration.
    let reply = Reply::xml(200, &body).with_header("date", "Mon, 16 Aug 2021 20:37:53 GMT");
    let script = Script::new(&time, [reply]);
    let client = Client::new(
        script,
        endpoint("eu-west-1"),
        (time.clone(), Waits::on(&time), Draws::of(&[1, u64::MAX])),
    );
    let (mut req, mut resp) = ([0u8; 2048], [0u8; 4096]);
    let mut storage = Credentials::new();
    let mut provider = CredentialProvider::new(
        client,
        input(ROLE).with_duration_seconds(900),
        TOKEN,
        Buffers::new(&mut req, &mut resp),
        &mut storage,
    );
    provider.credentials().unwrap();
    // Advisory 225 s, mandatory 150 s; a full draw puts the first try a
    // whole mean refresh period (900 - 187.5 s) before the mandatory window.
    assert_eq!(
        provider.schedule().mandatory_at(),
        Some(Instant::from_millis(900_000 - 150_000))
    );
    assert_eq!(
        provider.schedule().advisory_at(),
        Some(Instant::from_millis(900_000 - 150_000 - 712_500))
    );
}

// ------------------------------------------------------------ token file

/// The token file is re-read at each refresh; its errors are clear.
#[test]
fn token_file_reread_between_refreshes() {
    let dir = std::env::temp_dir().join(format!("sts-client-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("token");
    std::fs::write(&path, "first.token.value\n").unwrap();

    let time = Time::at(0);
    let first = traffic("smithy-rs-web_identity_token_env.http-traffic.json").remove(0);
    let second = traffic("smithy-rs-web_identity_token_profile.http-traffic.json").remove(0);
    let script = Script::new(&time, [first, second]);
    let client = Client::new(
        script.clone(),
        endpoint("eu-west-1"),
        (time.clone(), Waits::on(&time), Draws::default()),
    );
    let provider =
        StdCredentialProvider::with_clock(client, time.clone(), OwnedInput::new(ROLE), TokenFile::new(&path));
    assert_eq!(provider.credentials().unwrap().access_key_id(), "AKIDTEST");

    std::fs::write(&path, "second.token.value\r\n\n").unwrap();
    time.set(1_000_000);
    provider.credentials().unwrap();
    assert_eq!(script.sent().len(), 1, "fresh credentials: no re-read, no request");
    time.set(3_000_000);
    assert_eq!(provider.credentials().unwrap().access_key_id(), "ASIARABCDEFGHIJKLMNOP");
    let tokens: Vec<_> = script
        .sent()
        .iter()
        .map(|s| s.param("WebIdentityToken").unwrap())
        .collect();
    assert_eq!(tokens, vec!["first.token.value", "second.token.value"]);

    // The errors, each before anything is sent.
    let cases: [(&str, Option<&[u8]>, TokenError); 4] = [
        ("missing", None, TokenError::NotFound { os_error: Some(2) }),
        ("empty", Some(b" \n"), TokenError::Empty),
        ("not utf-8", Some(b"ab\xffcd"), TokenError::NotUtf8),
        (
            "oversized",
            Some(&[b'a'; 5000]),
            TokenError::TooLarge {
                capacity: 4096,
                needed: Some(5000),
            },
        ),
    ];
    for (name, contents, want) in cases {
        let p = dir.join(name);
        if let Some(c) = contents {
            std::fs::write(&p, c).unwrap();
        }
        let rig = Rig::new([], &[]);
        let (mut req, mut resp) = (vec![0u8; 4096], vec![0u8; 4096]);
        let err = rig
            .client("eu-west-1")
            .fetch_into(
                &input(ROLE),
                &mut TokenFile::new(&p),
                &mut Buffers::new(&mut req, &mut resp),
                &mut Credentials::<[u8; 2048]>::empty(),
            )
            .unwrap_err();
        assert_eq!(*err.kind(), ErrorKind::Token(want), "{name}");
        assert_eq!(err.attempts(), 0);
        // The message carries the OS's reason.
        #[cfg(unix)]
        if name == "missing" {
            assert_eq!(
                err.to_string(),
                "web identity token file not found: No such file or directory (os error 2)"
            );
        }
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A closure source is asked once per fetch, not once per attempt.
#[test]
fn closure_token_source_once_per_fetch() {
    let rig = Rig::new(
        [
            Reply::xml(503, ""),
            traffic("smithy-rs-web_identity_token_env.http-traffic.json").remove(0),
        ],
        &[],
    );
    let mut calls = 0;
    let mut source = FnToken::new(|buf: &mut [u8]| {
        calls += 1;
        buf[..TOKEN.len()].copy_from_slice(TOKEN.as_bytes());
        Ok(TOKEN.len())
    });
    let (mut req, mut resp) = (vec![0u8; 4096], vec![0u8; 4096]);
    rig.client("eu-west-1")
        .fetch_into(
            &input(ROLE),
            &mut source,
            &mut Buffers::new(&mut req, &mut resp),
            &mut Credentials::<[u8; 2048]>::empty(),
        )
        .unwrap();
    assert_eq!((calls, rig.script.sent().len()), (1, 2));
}

// -------------------------------------------------------------- async

/// The async client runs the same scripts to the same requests, waits and
/// results.
#[test]
fn async_client_runs_the_same_scripts() {
    // 503 then success.
    let rig = Rig::new(retry_on_error(), &[0x0123_4567_89ab_cdef, u64::MAX]);
    let creds = fetch_async(&mut rig.async_client("us-east-1"), &input(ROLE)).unwrap();
    assert_eq!(
        (creds.access_key_id(), creds.valid_until()),
        ("ASIARTESTID", Instant::from_millis(2_000 + 3_600_000))
    );
    assert_eq!(rig.waits.millis(), vec![1_000]);
    assert_requests(
        &rig.script.sent(),
        "sts.us-east-1.amazonaws.com",
        "sts-web-identity-0123456789abcdef",
    );

    // Throttling until attempts run out.
    let throttled = Reply::xml(400, &read("issue-selling-partner-api-278-Throttling.xml"));
    let rig = Rig::new(vec![throttled; 4], &[1, u64::MAX, 1 << 63, 0]);
    let mut client = rig
        .async_client("eu-west-1")
        .with_retry_policy(RetryPolicy::STANDARD.with_max_attempts(4));
    let err = fetch_async(&mut client, &input(ROLE)).unwrap_err();
    assert_eq!((err.attempts(), rig.waits.millis()), (4, vec![1_000, 1_000, 0]));

    // IDPCommunicationError then success; InvalidIdentityToken not retried.
    let idp = Reply::xml(400, &read("aws-c-auth-web-identity-s_retryable_error_response_1.xml"));
    let ok = traffic("smithy-rs-web_identity_token_env.http-traffic.json").remove(0);
    let rig = Rig::new([idp, ok], &[7, 1 << 63]);
    assert!(fetch_async(&mut rig.async_client("eu-west-1"), &input(ROLE)).is_ok());
    assert_eq!(rig.waits.millis(), vec![500]);
    let invalid = traffic("smithy-rs-web_identity_token_invalid_jwt.http-traffic.json").remove(0);
    let rig = Rig::new([invalid.clone(), invalid], &[]);
    let err = fetch_async(&mut rig.async_client("us-east-1"), &input(ROLE)).unwrap_err();
    assert_eq!((err.attempts(), rig.script.left()), (1, 1));
}

/// The async provider follows the same windows.
#[test]
fn async_provider_refreshes() {
    let time = Time::at(0);
    let first = traffic("smithy-rs-web_identity_token_env.http-traffic.json").remove(0);
    let second = traffic("smithy-rs-web_identity_token_profile.http-traffic.json").remove(0);
    let script = Script::new(&time, [first, second]);
    let client = AsyncClient::new(
        script.clone(),
        endpoint("eu-west-1"),
        (time.clone(), Waits::on(&time), Draws::of(&[1, 0])),
    );
    let (mut req, mut resp) = ([0u8; 2048], [0u8; 4096]);
    let mut storage = Credentials::new();
    let mut provider = sts_client::AsyncCredentialProvider::new(
        client,
        input(ROLE),
        TOKEN,
        Buffers::new(&mut req, &mut resp),
        &mut storage,
    );
    futures_executor::block_on(async {
        assert_eq!(provider.credentials().await.unwrap().access_key_id(), "AKIDTEST");
        time.set(2_999_999);
        assert_eq!(provider.credentials().await.unwrap().access_key_id(), "AKIDTEST");
        time.set(3_000_000);
        assert_eq!(
            provider.credentials().await.unwrap().access_key_id(),
            "ASIARABCDEFGHIJKLMNOP"
        );
    });
    assert_eq!(
        script.sent().iter().map(|s| s.at).collect::<Vec<_>>(),
        vec![0, 3_000_000]
    );
}
