//! A local STS for offline tests: it answers `AssumeRoleWithWebIdentity` on
//! 127.0.0.1, either by generating credentials after validating the request
//! as STS would, or by replaying the answers of a recorded exchange.
//!
//! ```
//! use std::io::{Read, Write};
//! use std::net::TcpStream;
//! use sts_mock::{MockConfig, MockServer};
//!
//! // A free port on 127.0.0.1; dropping `server` stops it.
//! let server = MockServer::start("127.0.0.1:0".parse()?, MockConfig::default())?;
//! println!("mock STS at {}", server.url()); // http://127.0.0.1:PORT/
//!
//! // What any STS client sends: a form POST. The token must be shaped like a
//! // JWT; its signature is never checked.
//! let body = "Action=AssumeRoleWithWebIdentity&Version=2011-06-15\
//!             &RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fdevice\
//!             &RoleSessionName=device-1\
//!             &WebIdentityToken=eyJhbGciOiJub25lIn0.eyJzdWIiOiJkZXZpY2UtMSJ9.c2ln";
//! let mut stream = TcpStream::connect(server.addr())?;
//! write!(
//!     stream,
//!     "POST / HTTP/1.1\r\nHost: {}\r\nContent-Type: application/x-www-form-urlencoded\r\n\
//!      Content-Length: {}\r\n\r\n{body}",
//!     server.addr(),
//!     body.len()
//! )?;
//! let mut answer = String::new();
//! stream.read_to_string(&mut answer)?;
//!
//! // Made-up credentials, in STS's XML, for the role and the token's subject.
//! assert!(answer.starts_with("HTTP/1.1 200 OK\r\n"));
//! assert!(answer.contains("<AccessKeyId>ASIA"));
//! assert!(answer.contains("<Arn>arn:aws:sts::123456789012:assumed-role/device/device-1</Arn>"));
//! assert!(answer.contains("<SubjectFromWebIdentityToken>device-1</SubjectFromWebIdentityToken>"));
//! assert_eq!(server.requests().len(), 1);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # What it answers
//!
//! With [`MockConfig::default()`] it validates each request as STS would
//! ([`generate`]): the request must be a `POST` of a form body, or a `GET`
//! with the same parameters in its query string (STS's Query API takes
//! both), with `Action=AssumeRoleWithWebIdentity` and `Version=2011-06-15`;
//! every member
//! is checked against the STS model (a `ValidationError` in STS's own wording
//! otherwise); the token must be a JWT whose payload is JSON, and an `exp`
//! claim in the past gives `ExpiredTokenException`. Every error is HTTP 400
//! with an STS error document. A valid request gets HTTP 200 with fresh random
//! credentials that expire `DurationSeconds` (default 3600) from now, the
//! assumed role user built from the role ARN and the session name, and the
//! token's `aud`, `iss` and `sub` claims as `Audience`, `Provider` and
//! `SubjectFromWebIdentityToken`.
//!
//! With [`MockConfig::replay`] it sends the given [`Answer`]s, one per
//! request, in order, the last one repeating; the answers usually come from
//! an [`Exchange`] file (`conformance/data/exchanges/`).
//!
//! Every answer gets `Content-Length`, `Connection: close` and, unless it
//! has one, a `Date` header. [`MockServer::requests`] lists what was received.
//!
//! # What it is not
//!
//! A test tool: plain HTTP on the address it is given, one connection at a
//! time, one request per connection, requests up to [`MAX_REQUEST`] bytes.
//! Tokens are never verified cryptographically, the credentials it makes up
//! grant nothing, and nothing leaves the machine.
//!
//! `Debug` never shows a request or answer body, nor an exchange's input,
//! expected parameter values or expected outcome: they hold tokens and
//! credentials.
//!
//! It serves the `sts-web-identity mock-server` and `demo` commands (crate
//! `sts-cli`) and the `conformance` suite's replays.

// A std-only crate: the core/alloc import lints are for the no_std crates.
#![allow(clippy::std_instead_of_core, clippy::std_instead_of_alloc)]

use std::collections::BTreeMap;
use std::collections::hash_map::RandomState;
use std::fmt;
use std::hash::{BuildHasher, Hasher};
use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use serde::{Deserialize, Serialize};
use sts_codec::{AssumeRoleWithWebIdentityInput, Field, Rule, Timestamp};
use sts_transport::date::format_imf_fixdate;

/// Largest request the mock reads (head and body together).
pub const MAX_REQUEST: usize = 64 * 1024;

/// One HTTP answer: what the mock sends for one request.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Answer {
    /// The status code.
    pub status: u16,
    /// Response headers (name, value), sent as given except
    /// `Content-Length` and `Transfer-Encoding`; the mock adds its own
    /// `Content-Length`, `Connection: close` and, unless given, `Date`.
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// The body, as text.
    #[serde(default)]
    pub body: String,
}

/// The request STS must receive in a recorded exchange.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExpectedRequest {
    /// The form parameters, decoded, in any order.
    #[serde(default)]
    pub params: BTreeMap<String, String>,
    /// Headers that matter (lower-case names).
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
}

/// One recorded exchange: the unit of `conformance/data/exchanges/`.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct Exchange {
    /// What the exchange proves.
    pub docs: String,
    /// Where the recording comes from (repository, path, licence).
    #[serde(default)]
    pub source: String,
    /// The operation input, by API member names.
    pub input: serde_json::Value,
    /// What the server must receive (checked on every attempt).
    #[serde(default)]
    pub request: ExpectedRequest,
    /// The answers, one per attempt, in order.
    pub answers: Vec<Answer>,
    /// The expected outcome (see the conformance crate's docs).
    pub expected: serde_json::Value,
}

impl Exchange {
    /// Reads an exchange file (JSON).
    pub fn load(path: &std::path::Path) -> io::Result<Self> {
        let text = std::fs::read_to_string(path)?;
        serde_json::from_str(&text)
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, format!("{}: {e}", path.display())))
    }
}

/// Stands for a body in `Debug` output.
struct Hidden(usize);

impl fmt::Debug for Hidden {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<{} bytes, not shown>", self.0)
    }
}

impl fmt::Debug for Answer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Answer")
            .field("status", &self.status)
            .field("headers", &self.headers)
            .field("body", &Hidden(self.body.len()))
            .finish()
    }
}

impl fmt::Debug for ExpectedRequest {
    /// The parameter names only: the values include the token.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ExpectedRequest")
            .field("params", &self.params.keys().collect::<Vec<_>>())
            .field("headers", &self.headers)
            .finish()
    }
}

impl fmt::Debug for Exchange {
    /// Leaves out the input and the expected outcome: they hold the token
    /// and the credentials.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Exchange")
            .field("docs", &self.docs)
            .field("source", &self.source)
            .field("request", &self.request)
            .field("answers", &self.answers)
            .finish_non_exhaustive()
    }
}

/// What the mock does with requests. The default validates each request
/// and generates credentials.
#[derive(Debug, Clone, Default)]
pub struct MockConfig {
    /// Answers to replay, one per request, in order; when they run out the
    /// last one repeats. `None`: validate and generate credentials.
    pub replay: Option<Vec<Answer>>,
    /// The account id in generated ARNs when the role ARN has none.
    pub account_id: Option<String>,
}

impl MockConfig {
    /// A mock that replays `answers`, the last one repeating (none at all:
    /// HTTP 500 with an empty body).
    pub fn replay(answers: Vec<Answer>) -> Self {
        MockConfig {
            replay: Some(answers),
            account_id: None,
        }
    }
}

/// A request the mock received.
#[derive(Clone, PartialEq, Eq)]
pub struct ReceivedRequest {
    /// The method.
    pub method: String,
    /// The request target.
    pub path: String,
    /// Headers, names lower-cased, in order.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

impl ReceivedRequest {
    /// The first value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The parameters: those of the query string, then those of the
    /// form-decoded body (STS's Query API takes either: aws-creds, for one,
    /// sends a `GET` with everything in the query string).
    pub fn params(&self) -> Vec<(String, String)> {
        let query = self.path.split_once('?').map_or("", |(_, q)| q);
        form_urlencoded::parse(query.as_bytes())
            .into_owned()
            .chain(form_urlencoded::parse(&self.body).into_owned())
            .collect()
    }
}

impl fmt::Debug for ReceivedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReceivedRequest")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("headers", &self.headers)
            .field("body", &Hidden(self.body.len()))
            .finish()
    }
}

struct Shared {
    config: MockConfig,
    served: AtomicUsize,
    requests: Mutex<Vec<ReceivedRequest>>,
    stop: AtomicBool,
}

/// A running mock STS. Dropping it stops it.
pub struct MockServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
    thread: Option<JoinHandle<()>>,
}

impl MockServer {
    /// Binds `addr` (`127.0.0.1:0` for a free port) and serves in a
    /// background thread, one connection at a time, until dropped.
    pub fn start(addr: SocketAddr, config: MockConfig) -> io::Result<Self> {
        let listener = TcpListener::bind(addr)?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            config,
            served: AtomicUsize::new(0),
            requests: Mutex::new(Vec::new()),
            stop: AtomicBool::new(false),
        });
        let worker = Arc::clone(&shared);
        let thread = std::thread::Builder::new().name("mock-sts".into()).spawn(move || {
            for conn in listener.incoming() {
                if worker.stop.load(Ordering::SeqCst) {
                    break;
                }
                if let Ok(stream) = conn {
                    // A broken client connection is the client's problem.
                    let _ = serve(&worker, stream);
                }
            }
        })?;
        Ok(MockServer {
            addr,
            shared,
            thread: Some(thread),
        })
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The endpoint URL to give a client: `http://127.0.0.1:PORT/`.
    pub fn url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    /// The requests received so far, oldest first.
    pub fn requests(&self) -> Vec<ReceivedRequest> {
        self.shared.requests.lock().map(|r| r.clone()).unwrap_or_default()
    }
}

impl fmt::Debug for MockServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MockServer")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn serve(shared: &Shared, mut stream: TcpStream) -> io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    stream.set_write_timeout(Some(Duration::from_secs(10)))?;
    let request = match read_request(&mut stream)? {
        Some(r) => r,
        None => return Ok(()),
    };
    let answer = match &shared.config.replay {
        Some(answers) => {
            let n = shared.served.fetch_add(1, Ordering::SeqCst);
            answers.get(n).or(answers.last()).cloned().unwrap_or(Answer {
                status: 500,
                headers: BTreeMap::new(),
                body: String::new(),
            })
        }
        None => generate(&request, now(), shared.config.account_id.as_deref()),
    };
    if let Ok(mut r) = shared.requests.lock() {
        r.push(request);
    }
    write_answer(&mut stream, &answer)?;
    let _ = stream.shutdown(Shutdown::Write);
    Ok(())
}

/// Reads one request; `None` for a connection closed before a request.
fn read_request(stream: &mut TcpStream) -> io::Result<Option<ReceivedRequest>> {
    let mut buf = vec![0u8; MAX_REQUEST];
    let mut len = 0;
    loop {
        if len == buf.len() {
            return Err(io::Error::new(io::ErrorKind::InvalidData, "request too large"));
        }
        let n = stream.read(&mut buf[len..])?;
        if n == 0 {
            return Ok(None);
        }
        len += n;
        let mut headers = [httparse::EMPTY_HEADER; 64];
        let mut req = httparse::Request::new(&mut headers);
        let head_len = match req.parse(&buf[..len]) {
            Ok(httparse::Status::Complete(h)) => h,
            Ok(httparse::Status::Partial) => continue,
            Err(e) => return Err(io::Error::new(io::ErrorKind::InvalidData, e.to_string())),
        };
        let headers: Vec<(String, String)> = req
            .headers
            .iter()
            .map(|h| {
                (
                    h.name.to_ascii_lowercase(),
                    String::from_utf8_lossy(h.value).into_owned(),
                )
            })
            .collect();
        let content_length: usize = headers
            .iter()
            .find(|(n, _)| n == "content-length")
            .and_then(|(_, v)| v.trim().parse().ok())
            .unwrap_or(0);
        if head_len + content_length > buf.len() {
            return Err(io::Error::new(io::ErrorKind::InvalidData, "request too large"));
        }
        let method = req.method.unwrap_or("").to_owned();
        let path = req.path.unwrap_or("").to_owned();
        while len < head_len + content_length {
            let n = stream.read(&mut buf[len..head_len + content_length])?;
            if n == 0 {
                return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "body cut short"));
            }
            len += n;
        }
        let body = buf[head_len..head_len + content_length].to_vec();
        return Ok(Some(ReceivedRequest {
            method,
            path,
            headers,
            body,
        }));
    }
}

fn write_answer(stream: &mut TcpStream, answer: &Answer) -> io::Result<()> {
    let mut head = format!("HTTP/1.1 {} {}\r\n", answer.status, reason(answer.status));
    let mut has_date = false;
    for (name, value) in &answer.headers {
        if name.eq_ignore_ascii_case("content-length") || name.eq_ignore_ascii_case("transfer-encoding") {
            continue;
        }
        has_date |= name.eq_ignore_ascii_case("date");
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    if !has_date {
        if let Some(date) = format_imf_fixdate(now().seconds) {
            head.push_str(&format!("Date: {date}\r\n"));
        }
    }
    head.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n",
        answer.body.len()
    ));
    stream.write_all(head.as_bytes())?;
    stream.write_all(answer.body.as_bytes())?;
    stream.flush()
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        403 => "Forbidden",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Status",
    }
}

fn now() -> Timestamp {
    let d = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
    Timestamp {
        seconds: d.as_secs() as i64,
        nanos: d.subsec_nanos(),
    }
}

/// Random hex, from the standard library's per-process random hasher keys.
fn random_u64() -> u64 {
    let mut h = RandomState::new().build_hasher();
    h.write_u64(now().nanos as u64);
    h.finish()
}

fn random_chars(n: usize, alphabet: &[u8]) -> String {
    let mut out = String::with_capacity(n);
    let mut bits = random_u64();
    for i in 0..n {
        if i % 8 == 0 {
            bits = random_u64();
        }
        out.push(alphabet[(bits % alphabet.len() as u64) as usize] as char);
        bits /= alphabet.len() as u64;
    }
    out
}

const UPPER_DIGITS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const BASE64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// An STS error answer, in STS's own format: an `ErrorResponse` document of
/// type `Sender` with `code` and `message`, and a fresh request id.
pub fn error_answer(status: u16, code: &str, message: &str) -> Answer {
    let request_id = request_id();
    let body = format!(
        "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n  <Error>\n    <Type>Sender</Type>\n    \
         <Code>{code}</Code>\n    <Message>{}</Message>\n  </Error>\n  <RequestId>{request_id}</RequestId>\n</ErrorResponse>\n",
        xml_escape(message)
    );
    let mut headers = BTreeMap::new();
    headers.insert("Content-Type".into(), "text/xml".into());
    headers.insert("x-amzn-RequestId".into(), request_id);
    Answer { status, headers, body }
}

fn request_id() -> String {
    let hex = format!("{:016x}{:016x}", random_u64(), random_u64());
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// STS names members in lowerCamel case in its validation messages.
fn camel(field: Field) -> &'static str {
    match field {
        Field::RoleArn => "roleArn",
        Field::RoleSessionName => "roleSessionName",
        Field::WebIdentityToken => "webIdentityToken",
        Field::ProviderId => "providerId",
        Field::PolicyArns => "policyArns",
        Field::Policy => "policy",
        Field::DurationSeconds => "durationSeconds",
        _ => "member",
    }
}

fn constraint(rule: Rule) -> String {
    match rule {
        Rule::TooShort { min, .. } => format!("Member must have length greater than or equal to {min}"),
        Rule::TooLong { max, .. } => format!("Member must have length less than or equal to {max}"),
        Rule::Pattern { .. } => "Member must satisfy regular expression pattern".to_owned(),
        Rule::OutOfRange { min, max } => {
            format!("Member must have value greater than or equal to {min} and less than or equal to {max}")
        }
        Rule::TooMany { max, .. } => format!("Member must have length less than or equal to {max}"),
        _ => "Member is invalid".to_owned(),
    }
}

/// Decodes a JWT's payload claims, if the token is a JWT with a JSON payload.
fn jwt_claims(token: &str) -> Option<serde_json::Map<String, serde_json::Value>> {
    let mut parts = token.split('.');
    let (_header, payload, _sig) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .ok()?;
    match serde_json::from_slice(&bytes).ok()? {
        serde_json::Value::Object(m) => Some(m),
        _ => None,
    }
}

/// Answers a request as STS would, without verifying the token's signature
/// (see the crate docs for the checks and the answer).
///
/// `now` decides whether the token's `exp` has passed and when the
/// credentials expire; `account_id` goes into the assumed role ARN when the
/// role ARN has no account (default `123456789012`).
pub fn generate(request: &ReceivedRequest, now: Timestamp, account_id: Option<&str>) -> Answer {
    if request.method != "POST" && request.method != "GET" {
        return error_answer(
            400,
            "InvalidAction",
            "Only GET and POST requests are supported by this mock",
        );
    }
    let params = request.params();
    let get = |k: &str| params.iter().find(|(key, _)| key == k).map(|(_, v)| v.as_str());
    match get("Action") {
        None => return error_answer(400, "MissingAction", "Missing Action"),
        Some("AssumeRoleWithWebIdentity") => {}
        Some(other) => {
            return error_answer(
                400,
                "InvalidAction",
                &format!("Could not find operation {other} for version 2011-06-15"),
            );
        }
    }
    if get("Version") != Some("2011-06-15") {
        return error_answer(400, "InvalidParameterValue", "Version must be 2011-06-15");
    }
    let arns: Vec<&str> = (1..)
        .map_while(|i| get(&format!("PolicyArns.member.{i}.arn")))
        .collect();
    let duration = match get("DurationSeconds").map(str::parse::<u32>) {
        None => None,
        Some(Ok(d)) => Some(d),
        Some(Err(_)) => return error_answer(400, "ValidationError", "Value for durationSeconds is not an integer"),
    };
    let role_arn = get("RoleArn").unwrap_or("");
    let session = get("RoleSessionName").unwrap_or("");
    let token = get("WebIdentityToken").unwrap_or("");
    let mut input = AssumeRoleWithWebIdentityInput::new(role_arn, session, token).with_policy_arns(&arns);
    input.policy = get("Policy");
    input.provider_id = get("ProviderId");
    input.duration_seconds = duration;
    if let Err(e) = input.validate() {
        let n = e.len();
        let details: Vec<String> = input
            .violations()
            .map(|v| {
                let member = match v.index {
                    Some(i) => format!("policyArns.{i}.member.arn"),
                    None => camel(v.field).to_owned(),
                };
                format!(
                    "Value at '{member}' failed to satisfy constraint: {}",
                    constraint(v.rule)
                )
            })
            .collect();
        let plural = if n == 1 { "" } else { "s" };
        return error_answer(
            400,
            "ValidationError",
            &format!("{n} validation error{plural} detected: {}", details.join("; ")),
        );
    }
    let Some(claims) = jwt_claims(token) else {
        return error_answer(
            400,
            "InvalidIdentityToken",
            "Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements",
        );
    };
    if let Some(exp) = claims.get("exp").and_then(serde_json::Value::as_i64) {
        if exp <= now.seconds {
            return error_answer(
                400,
                "ExpiredTokenException",
                &format!(
                    "Token expired: current date/time {} must be before the expiration date/time {exp}",
                    now.seconds
                ),
            );
        }
    }
    let claim = |k: &str| claims.get(k).and_then(serde_json::Value::as_str).map(str::to_owned);
    // arn:PARTITION:iam::ACCOUNT:role/PATH/NAME
    let arn_parts: Vec<&str> = role_arn.splitn(6, ':').collect();
    let partition = arn_parts.get(1).copied().unwrap_or("aws").to_owned();
    let account = arn_parts.get(4).filter(|a| !a.is_empty()).map(|a| (*a).to_owned());
    let account = account
        .or(account_id.map(str::to_owned))
        .unwrap_or_else(|| "123456789012".to_owned());
    let role_name = role_arn.rsplit('/').next().unwrap_or("role");
    let expiration = Timestamp {
        seconds: now.seconds + i64::from(duration.unwrap_or(3600)),
        nanos: 0,
    };
    let expiration = expiration.rfc3339().map(|t| t.to_string()).unwrap_or_default();
    let access_key = format!("ASIA{}", random_chars(16, UPPER_DIGITS));
    let secret = random_chars(40, BASE64);
    let session_token = format!("IQoJb3JpZ2luX2Vj{}", random_chars(300, BASE64));
    let role_id = format!("AROA{}", random_chars(17, UPPER_DIGITS));
    let request_id = request_id();
    let mut result = String::new();
    if let Some(aud) = claim("aud") {
        result.push_str(&format!("    <Audience>{}</Audience>\n", xml_escape(&aud)));
    }
    result.push_str(&format!(
        "    <AssumedRoleUser>\n      <AssumedRoleId>{role_id}:{}</AssumedRoleId>\n      \
         <Arn>arn:{partition}:sts::{account}:assumed-role/{}/{}</Arn>\n    </AssumedRoleUser>\n",
        xml_escape(session),
        xml_escape(role_name),
        xml_escape(session)
    ));
    if let Some(iss) = claim("iss").or_else(|| get("ProviderId").map(str::to_owned)) {
        result.push_str(&format!("    <Provider>{}</Provider>\n", xml_escape(&iss)));
    }
    result.push_str(&format!(
        "    <Credentials>\n      <AccessKeyId>{access_key}</AccessKeyId>\n      <SecretAccessKey>{secret}</SecretAccessKey>\n      \
         <SessionToken>{session_token}</SessionToken>\n      <Expiration>{expiration}</Expiration>\n    </Credentials>\n"
    ));
    if let Some(sub) = claim("sub") {
        result.push_str(&format!(
            "    <SubjectFromWebIdentityToken>{}</SubjectFromWebIdentityToken>\n",
            xml_escape(&sub)
        ));
    }
    if input.policy.is_some() || !arns.is_empty() {
        result.push_str("    <PackedPolicySize>6</PackedPolicySize>\n");
    }
    let body = format!(
        "<AssumeRoleWithWebIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n  \
         <AssumeRoleWithWebIdentityResult>\n{result}  </AssumeRoleWithWebIdentityResult>\n  <ResponseMetadata>\n    \
         <RequestId>{request_id}</RequestId>\n  </ResponseMetadata>\n</AssumeRoleWithWebIdentityResponse>\n"
    );
    let mut headers = BTreeMap::new();
    headers.insert("Content-Type".into(), "text/xml".into());
    headers.insert("x-amzn-RequestId".into(), request_id);
    Answer {
        status: 200,
        headers,
        body,
    }
}
