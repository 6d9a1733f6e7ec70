//! The contenders of the side-by-side benchmarks, shared by the criterion
//! bench (`benches/compare.rs`), the allocation counter (`src/bin/allocs.rs`)
//! and the instruction counter (`src/bin/callgrind.rs`).
//!
//! Every contender works on the same inputs: the recorded smithy-rs 200
//! answer ([`BODY`], 1007 bytes) and a 1000-character JWT-shaped token
//! ([`token`]). Each is set up once ([`contender`]); [`Contender::run`] is
//! the measured call and [`Contender::check`] reduces its output to a
//! [`Summary`] so a test can prove they all agree.
#![allow(clippy::std_instead_of_core, clippy::std_instead_of_alloc)]

use std::convert::Infallible;
use std::hint::black_box;

use aws_sdk_sts::config::{BehaviorVersion, Region, StalledStreamProtectionConfig};
use aws_smithy_types::body::SdkBody;
use aws_smithy_types::retry::RetryConfig;
use aws_smithy_types::timeout::TimeoutConfig;
use sts_client::endpoint::{Endpoint, EndpointParams, resolve};
use sts_client::{Buffers, Client, Credentials, Instant, MemoryToken, NoDelay, SplitMix64};
use sts_codec::{AssumeRoleWithWebIdentityInput, decode_response, encode, encoded_len};
use sts_transport::{Connect, HttpClient, Request, Scheme, Transport};

/// The recorded STS answer (smithy-rs `web_identity_token_env` test data).
pub const BODY: &[u8] =
    include_bytes!("../../conformance/data/recorded/smithy-rs-web_identity_token_env.1.response-200.xml");
/// `RoleArn` of every request.
pub const ROLE_ARN: &str = "arn:aws:iam::123456789012:role/sdk-test";
/// `RoleSessionName` of every request.
pub const SESSION_NAME: &str = "test-session";
/// `DurationSeconds` of every request.
pub const DURATION_SECONDS: u32 = 3600;
/// The web identity token's length in characters.
pub const TOKEN_LEN: usize = 1000;
/// The `AccessKeyId` in [`BODY`].
pub const ACCESS_KEY_ID: &str = "AKIDTEST";
/// The `Expiration` in [`BODY`] (2021-08-16T20:52:53Z), in Unix seconds.
pub const EXPIRATION: i64 = 1_629_147_173;
/// The `Date` header of the canned HTTP answer.
pub const DATE: &str = "Mon, 16 Aug 2021 19:52:53 GMT";

/// A JWT-shaped token of [`TOKEN_LEN`] characters: three base64url parts
/// joined by dots.
pub fn token() -> String {
    const HEADER: &str = "eyJhbGciOiJSUzI1NiIsImtpZCI6IjEifQ";
    const PAYLOAD: &str = "eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6ZGVmYXVsdCIsImF1ZCI6InN0cyJ9";
    const SIGNATURE: &str = "c2lnbmF0dXJlLXNpZ25hdHVyZS1zaWduYXR1cmUtc2ln";
    let payload_len = TOKEN_LEN - HEADER.len() - SIGNATURE.len() - 2;
    let payload: String = PAYLOAD.chars().cycle().take(payload_len).collect();
    format!("{HEADER}.{payload}.{SIGNATURE}")
}

/// The whole HTTP answer the in-memory connection reads: head and [`BODY`].
pub fn wire() -> Vec<u8> {
    let mut w = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: {}\r\nDate: {DATE}\r\n\r\n",
        BODY.len()
    )
    .into_bytes();
    w.extend_from_slice(BODY);
    w
}

/// What a contender's output is reduced to for the cross-check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Summary {
    /// An encoded request body, as the list of its decoded form pairs.
    Form(Vec<(String, String)>),
    /// Decoded credentials.
    Credentials {
        /// `AccessKeyId`.
        access_key_id: String,
        /// `SecretAccessKey`.
        secret_access_key: String,
        /// `SessionToken`.
        session_token: String,
        /// `Expiration` in Unix seconds.
        expiration: i64,
    },
    /// The number of `<` in the body (the floor reads, it does not decode).
    Count(usize),
}

impl Summary {
    fn credentials(access_key_id: &str, secret_access_key: &str, session_token: &str, expiration: i64) -> Self {
        Summary::Credentials {
            access_key_id: access_key_id.to_owned(),
            secret_access_key: secret_access_key.to_owned(),
            session_token: session_token.to_owned(),
            expiration,
        }
    }
}

/// One thing measured.
pub trait Contender {
    /// One call: what is measured. Returns a small value derived from the
    /// output so the work cannot be optimised away.
    fn run(&mut self) -> u64;
    /// One call, with its output reduced to a [`Summary`] (may allocate).
    fn check(&mut self) -> Summary;
}

/// The contenders by group, in table order: `(group, name)`.
pub const CONTENDERS: &[(&str, &str)] = &[
    ("encode", "ours-encode"),
    ("encode", "form_urlencoded"),
    ("decode", "ours-decode"),
    ("decode", "quick-xml"),
    ("decode", "memchr-floor"),
    ("exchange", "ours-client"),
    ("exchange", "ours-client-bytes"),
    ("exchange", "ours-engine"),
    ("exchange", "aws-sdk-sts"),
    ("exchange", "aws-sdk-sts-defaults"),
];

/// Builds the named contender (setup is not measured).
pub fn contender(name: &str) -> Option<Box<dyn Contender>> {
    Some(match name {
        "ours-encode" => Box::new(OursEncode::new()),
        "form_urlencoded" => Box::new(FormEncode::new()),
        "ours-decode" => Box::new(OursDecode::new()),
        "quick-xml" => Box::new(QuickXmlDecode),
        "memchr-floor" => Box::new(MemchrFloor),
        "ours-client" => Box::new(OursClient::new()),
        "ours-client-bytes" => Box::new(OursClient::bytes_token()),
        "ours-engine" => Box::new(OursEngine::new()),
        "aws-sdk-sts" => Box::new(Sdk::new(SdkConfig::Lean)),
        "aws-sdk-sts-defaults" => Box::new(Sdk::new(SdkConfig::Defaults)),
        _ => return None,
    })
}

// ---------------------------------------------------------------- encode

/// `sts_codec::encode`: validates the input against the STS model and writes
/// the awsQuery form body into a caller buffer.
pub struct OursEncode {
    token: String,
    out: Vec<u8>,
}

impl OursEncode {
    /// Setup: the token and an output buffer of the exact size.
    pub fn new() -> Self {
        let token = token();
        let len = encoded_len(&Self::input(&token));
        OursEncode {
            token,
            out: vec![0; len],
        }
    }

    fn input(token: &str) -> AssumeRoleWithWebIdentityInput<'_> {
        AssumeRoleWithWebIdentityInput::new(ROLE_ARN, SESSION_NAME, token).with_duration_seconds(DURATION_SECONDS)
    }

    /// The encoded body.
    pub fn encode(&mut self) -> &[u8] {
        let input = Self::input(black_box(&self.token));
        let n = encode(&input, &mut self.out).expect("valid input");
        &self.out[..n]
    }
}

impl Default for OursEncode {
    fn default() -> Self {
        Self::new()
    }
}

impl Contender for OursEncode {
    fn run(&mut self) -> u64 {
        self.encode().len() as u64
    }
    fn check(&mut self) -> Summary {
        Summary::Form(form_urlencoded::parse(self.encode()).into_owned().collect())
    }
}

/// `form_urlencoded::Serializer` writing the same pairs into a reused
/// `String` (no validation).
pub struct FormEncode {
    token: String,
    out: String,
}

impl FormEncode {
    /// Setup: the token and a `String` that is reused (no allocation after
    /// the first call).
    pub fn new() -> Self {
        FormEncode {
            token: token(),
            out: String::new(),
        }
    }

    /// The encoded body.
    pub fn encode(&mut self) -> &str {
        self.out.clear();
        form_urlencoded::Serializer::new(&mut self.out)
            .append_pair("Action", "AssumeRoleWithWebIdentity")
            .append_pair("Version", "2011-06-15")
            .append_pair("RoleArn", ROLE_ARN)
            .append_pair("RoleSessionName", SESSION_NAME)
            .append_pair("WebIdentityToken", black_box(&self.token))
            .append_pair("DurationSeconds", "3600")
            .finish();
        &self.out
    }
}

impl Default for FormEncode {
    fn default() -> Self {
        Self::new()
    }
}

impl Contender for FormEncode {
    fn run(&mut self) -> u64 {
        self.encode().len() as u64
    }
    fn check(&mut self) -> Summary {
        Summary::Form(form_urlencoded::parse(self.encode().as_bytes()).into_owned().collect())
    }
}

// ---------------------------------------------------------------- decode

/// `sts_codec::decode_response`: decodes in place (the body is copied into
/// the buffer first, as a transport would have put it there).
pub struct OursDecode {
    buf: Vec<u8>,
}

impl OursDecode {
    /// Setup: a buffer of the body's size.
    pub fn new() -> Self {
        OursDecode { buf: BODY.to_vec() }
    }
}

impl Default for OursDecode {
    fn default() -> Self {
        Self::new()
    }
}

impl Contender for OursDecode {
    fn run(&mut self) -> u64 {
        self.buf.copy_from_slice(black_box(BODY));
        let out = decode_response(200, &mut self.buf).expect("recorded answer decodes");
        out.credentials.expiration.seconds as u64 ^ out.credentials.session_token.len() as u64
    }
    fn check(&mut self) -> Summary {
        self.buf.copy_from_slice(BODY);
        let c = decode_response(200, &mut self.buf)
            .expect("recorded answer decodes")
            .credentials;
        Summary::credentials(
            c.access_key_id,
            c.secret_access_key.expose(),
            c.session_token.expose(),
            c.expiration.seconds,
        )
    }
}

/// The answer as a plain quick-xml decoder gives it: every member a `String`.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct XmlOutput {
    /// `AccessKeyId`.
    pub access_key_id: String,
    /// `SecretAccessKey`.
    pub secret_access_key: String,
    /// `SessionToken`.
    pub session_token: String,
    /// `Expiration`, as sent.
    pub expiration: String,
    /// `AssumedRoleId`.
    pub assumed_role_id: String,
    /// `Arn`.
    pub arn: String,
    /// `SubjectFromWebIdentityToken`.
    pub subject_from_web_identity_token: String,
    /// `Audience`.
    pub audience: String,
    /// `Provider`.
    pub provider: String,
    /// `SourceIdentity`.
    pub source_identity: String,
    /// `PackedPolicySize`.
    pub packed_policy_size: String,
    /// `RequestId`.
    pub request_id: String,
}

/// A plain quick-xml decoder: matches leaf elements by local name, copies
/// their text into `String`s (entity references resolved).
///
/// # Errors
///
/// Malformed XML.
pub fn quick_xml_decode(body: &str) -> Result<XmlOutput, quick_xml::Error> {
    use quick_xml::events::Event;

    let mut out = XmlOutput::default();
    let mut reader = quick_xml::Reader::from_str(body);
    let mut field: Option<&mut String> = None;
    loop {
        match reader.read_event()? {
            Event::Start(e) => {
                field = match e.local_name().as_ref() {
                    "AccessKeyId" => Some(&mut out.access_key_id),
                    "SecretAccessKey" => Some(&mut out.secret_access_key),
                    "SessionToken" => Some(&mut out.session_token),
                    "Expiration" => Some(&mut out.expiration),
                    "AssumedRoleId" => Some(&mut out.assumed_role_id),
                    "Arn" => Some(&mut out.arn),
                    "SubjectFromWebIdentityToken" => Some(&mut out.subject_from_web_identity_token),
                    "Audience" => Some(&mut out.audience),
                    "Provider" => Some(&mut out.provider),
                    "SourceIdentity" => Some(&mut out.source_identity),
                    "PackedPolicySize" => Some(&mut out.packed_policy_size),
                    "RequestId" => Some(&mut out.request_id),
                    _ => None,
                };
            }
            Event::Text(t) => {
                if let Some(f) = field.as_deref_mut() {
                    f.push_str(&t.xml10_content());
                }
            }
            Event::GeneralRef(r) => {
                if let Some(f) = field.as_deref_mut() {
                    if let Some(c) = r.resolve_char_ref()? {
                        f.push(c);
                    } else if let Some(s) = quick_xml::escape::resolve_predefined_entity(&r.xml10_content()) {
                        f.push_str(s);
                    }
                }
            }
            Event::End(_) => field = None,
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(out)
}

/// [`quick_xml_decode`] over [`BODY`].
pub struct QuickXmlDecode;

impl QuickXmlDecode {
    fn body() -> &'static str {
        std::str::from_utf8(BODY).expect("UTF-8")
    }
}

impl Contender for QuickXmlDecode {
    fn run(&mut self) -> u64 {
        let out = quick_xml_decode(black_box(Self::body())).expect("recorded answer decodes");
        out.expiration.len() as u64 ^ out.session_token.len() as u64
    }
    fn check(&mut self) -> Summary {
        let out = quick_xml_decode(Self::body()).expect("recorded answer decodes");
        // The timestamp is parsed here, outside the measured call: the plain
        // decoder keeps it as text.
        let expiration = sts_codec::time::parse_rfc3339(&out.expiration)
            .expect("RFC 3339")
            .seconds;
        Summary::credentials(
            &out.access_key_id,
            &out.secret_access_key,
            &out.session_token,
            expiration,
        )
    }
}

/// The floor: one `memchr` pass over the body (counts the `<`).
pub struct MemchrFloor;

impl Contender for MemchrFloor {
    fn run(&mut self) -> u64 {
        memchr::memchr_iter(b'<', black_box(BODY)).count() as u64
    }
    fn check(&mut self) -> Summary {
        Summary::Count(self.run() as usize)
    }
}

// ---------------------------------------------------------------- exchange

/// An in-memory connection: reads the canned answer, discards writes.
pub struct Memory<'c> {
    answer: &'c [u8],
}

impl embedded_io::ErrorType for Memory<'_> {
    type Error = Infallible;
}

impl embedded_io::Read for Memory<'_> {
    fn read(&mut self, buf: &mut [u8]) -> Result<usize, Infallible> {
        let n = buf.len().min(self.answer.len());
        buf[..n].copy_from_slice(&self.answer[..n]);
        self.answer = &self.answer[n..];
        Ok(n)
    }
}

impl embedded_io::Write for Memory<'_> {
    fn write(&mut self, buf: &[u8]) -> Result<usize, Infallible> {
        black_box(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> Result<(), Infallible> {
        Ok(())
    }
}

/// A [`Connect`] whose every connection reads [`wire`].
pub struct Canned {
    answer: Vec<u8>,
}

impl Canned {
    /// A connector answering [`wire`].
    pub fn new() -> Self {
        Canned { answer: wire() }
    }
}

impl Default for Canned {
    fn default() -> Self {
        Self::new()
    }
}

impl Connect for Canned {
    type Error = Infallible;
    type Connection<'c> = Memory<'c>;

    fn connect(&mut self, _: Scheme, _: &str, _: u16) -> Result<Memory<'_>, sts_transport::Error> {
        Ok(Memory { answer: &self.answer })
    }
}

/// A device clock that reads the same instant and knows no wall time
/// (deterministic, no system call).
#[derive(Debug, Clone, Copy)]
pub struct FixedClock;

impl sts_client::Clock for FixedClock {
    fn now(&self) -> Instant {
        Instant::from_millis(1_000)
    }
}

/// The client's response buffer: "4 KiB is comfortable" (sts-client docs).
pub const RESPONSE_BUFFER: usize = 4096;
/// The client's request buffer (the body is 1.1 KB with a 1000-character token).
pub const REQUEST_BUFFER: usize = 2048;

/// `sts_client::Client::fetch_into` over `sts_transport::HttpClient` and an
/// in-memory connection: read the token, encode, write the request, read
/// and parse the answer, decode, copy the credentials out (into the same
/// `Credentials` every call, as a device keeps them), wipe the buffers.
///
/// [`OursClient::bytes_token`] (`ours-client-bytes`) gives the
/// token as bytes (`MemoryToken::new`), so the client copies it into its
/// buffer and checks it is UTF-8, as for a token read from a file.
pub struct OursClient {
    client: Client<HttpClient<Canned>, (FixedClock, NoDelay, SplitMix64)>,
    token: String,
    request: Vec<u8>,
    response: Vec<u8>,
    credentials: Box<Credentials>,
    bytes_token: bool,
}

impl OursClient {
    /// Setup as [`OursClient::new`], the token given as bytes.
    pub fn bytes_token() -> Self {
        OursClient {
            bytes_token: true,
            ..Self::new()
        }
    }

    /// Setup: endpoint (us-east-1), client and buffers.
    pub fn new() -> Self {
        OursClient {
            client: Client::new(
                HttpClient::new(Canned::new()),
                endpoint(),
                (FixedClock, NoDelay, SplitMix64::new(7)),
            ),
            token: token(),
            request: vec![0; REQUEST_BUFFER],
            response: vec![0; RESPONSE_BUFFER],
            credentials: Box::new(Credentials::new()),
            bytes_token: false,
        }
    }

    /// One fetch.
    pub fn fetch(&mut self) -> &Credentials {
        let params = AssumeRoleWithWebIdentityInput::for_role(ROLE_ARN)
            .with_role_session_name(SESSION_NAME)
            .with_duration_seconds(DURATION_SECONDS);
        let token = black_box(self.token.as_str());
        let mut token = if self.bytes_token {
            MemoryToken::new(token.as_bytes())
        } else {
            MemoryToken::from_str(token)
        };
        self.client
            .fetch_into(
                &params,
                &mut token,
                &mut Buffers::new(&mut self.request, &mut self.response),
                &mut self.credentials,
            )
            .expect("fetch succeeds");
        &self.credentials
    }
}

impl Default for OursClient {
    fn default() -> Self {
        Self::new()
    }
}

impl Contender for OursClient {
    fn run(&mut self) -> u64 {
        let c = self.fetch();
        c.expiration().seconds as u64 ^ c.session_token().len() as u64
    }
    fn check(&mut self) -> Summary {
        let c = self.fetch();
        Summary::credentials(
            c.access_key_id(),
            c.secret_access_key().expose(),
            c.session_token().expose(),
            c.expiration().seconds,
        )
    }
}

fn endpoint() -> Endpoint {
    resolve(&EndpointParams {
        region: Some("us-east-1"),
        ..Default::default()
    })
    .expect("us-east-1 resolves")
}

/// The codec and the engine without the client: `encode` +
/// `HttpClient::send` + `decode_response` (no retries, no token source, no
/// wiping, no copy of the credentials).
pub struct OursEngine {
    http: HttpClient<Canned>,
    endpoint: Endpoint,
    token: String,
    request: Vec<u8>,
    response: Vec<u8>,
}

impl OursEngine {
    /// Setup: endpoint (us-east-1), engine and buffers.
    pub fn new() -> Self {
        OursEngine {
            http: HttpClient::new(Canned::new()),
            endpoint: endpoint(),
            token: token(),
            request: vec![0; REQUEST_BUFFER],
            response: vec![0; RESPONSE_BUFFER],
        }
    }

    fn exchange<T>(&mut self, f: impl FnOnce(&sts_codec::Credentials<'_>) -> T) -> T {
        let input = AssumeRoleWithWebIdentityInput::new(ROLE_ARN, SESSION_NAME, black_box(&self.token))
            .with_duration_seconds(DURATION_SECONDS);
        let n = encode(&input, &mut self.request).expect("valid input");
        let request = Request {
            method: "POST",
            scheme: Scheme::Https,
            host: self.endpoint.host(),
            port: self.endpoint.port(),
            path: "/",
            headers: &[("Content-Type", sts_codec::CONTENT_TYPE)],
            body: &self.request[..n],
            request_id_header: Some("x-amzn-requestid"),
        };
        let response = self.http.send(&request, &mut self.response).expect("exchange succeeds");
        let out = decode_response(response.status, response.body).expect("answer decodes");
        f(&out.credentials)
    }
}

impl Default for OursEngine {
    fn default() -> Self {
        Self::new()
    }
}

impl Contender for OursEngine {
    fn run(&mut self) -> u64 {
        self.exchange(|c| c.expiration.seconds as u64 ^ c.session_token.len() as u64)
    }
    fn check(&mut self) -> Summary {
        self.exchange(|c| {
            Summary::credentials(
                c.access_key_id,
                c.secret_access_key.expose(),
                c.session_token.expose(),
                c.expiration.seconds,
            )
        })
    }
}

/// How the SDK client is configured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SdkConfig {
    /// `BehaviorVersion::latest()` with retries, stalled-stream protection
    /// and timeouts turned off (the cheapest the SDK gets).
    Lean,
    /// `BehaviorVersion::latest()` as it comes (standard retries,
    /// stalled-stream protection, default timeouts).
    Defaults,
}

/// aws-sdk-sts: `assume_role_with_web_identity().send()` on a current-thread
/// tokio runtime, answered in process by `infallible_client_fn`.
pub struct Sdk {
    rt: tokio::runtime::Runtime,
    client: aws_sdk_sts::Client,
    token: String,
}

impl Sdk {
    /// Setup: the runtime and the client (built once).
    pub fn new(config: SdkConfig) -> Self {
        let http = aws_smithy_http_client::test_util::infallible_client_fn(|_req| {
            http::Response::builder()
                .status(200)
                .header("content-type", "text/xml")
                .header("content-length", BODY.len())
                .header("date", DATE)
                .body(SdkBody::from(bytes::Bytes::from_static(BODY)))
                .expect("valid response")
        });
        let mut b = aws_sdk_sts::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new("us-east-1"))
            .http_client(http);
        if config == SdkConfig::Lean {
            b = b
                .retry_config(RetryConfig::disabled())
                .stalled_stream_protection(StalledStreamProtectionConfig::disabled())
                .timeout_config(TimeoutConfig::disabled());
        }
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        Sdk {
            rt,
            client: aws_sdk_sts::Client::from_conf(b.build()),
            token: token(),
        }
    }

    /// One `send()`.
    pub fn send(&mut self) -> aws_sdk_sts::operation::assume_role_with_web_identity::AssumeRoleWithWebIdentityOutput {
        let fut = self
            .client
            .assume_role_with_web_identity()
            .role_arn(ROLE_ARN)
            .role_session_name(SESSION_NAME)
            .web_identity_token(black_box(&self.token))
            .duration_seconds(DURATION_SECONDS as i32)
            .send();
        self.rt.block_on(fut).expect("send succeeds")
    }
}

impl Contender for Sdk {
    fn run(&mut self) -> u64 {
        let out = self.send();
        let c = out.credentials().expect("credentials");
        c.expiration().secs() as u64 ^ c.session_token().len() as u64
    }
    fn check(&mut self) -> Summary {
        let out = self.send();
        let c = out.credentials().expect("credentials");
        Summary::credentials(
            c.access_key_id(),
            c.secret_access_key(),
            c.session_token(),
            c.expiration().secs(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expected() -> Summary {
        Summary::credentials(ACCESS_KEY_ID, "SECRETKEYTEST", "SESSIONTOKEN_TEST", EXPIRATION)
    }

    #[test]
    fn token_is_jwt_shaped() {
        let t = token();
        assert_eq!(t.chars().count(), TOKEN_LEN);
        assert_eq!(t.split('.').count(), 3);
        assert!(t.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b)));
    }

    #[test]
    fn decoders_and_exchanges_give_the_same_credentials() {
        for &(group, name) in CONTENDERS {
            if group == "encode" || name == "memchr-floor" {
                continue;
            }
            let mut c = contender(name).expect("known contender");
            // Twice: the second call runs on warm state, as measured.
            assert_eq!(c.check(), expected(), "{name}");
            assert_eq!(c.check(), expected(), "{name}");
            black_box(c.run());
        }
    }

    #[test]
    fn encoders_give_the_same_pairs() {
        let want: Vec<(String, String)> = [
            ("Action", "AssumeRoleWithWebIdentity"),
            ("Version", "2011-06-15"),
            ("RoleArn", ROLE_ARN),
            ("RoleSessionName", SESSION_NAME),
            ("WebIdentityToken", &token()),
            ("DurationSeconds", "3600"),
        ]
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
        let sorted = |s: Summary| match s {
            Summary::Form(mut pairs) => {
                pairs.sort();
                pairs
            }
            other => panic!("not a form: {other:?}"),
        };
        let mut want_sorted = want.clone();
        want_sorted.sort();
        for name in ["ours-encode", "form_urlencoded"] {
            let mut c = contender(name).expect("known contender");
            assert_eq!(sorted(c.check()), want_sorted, "{name}");
        }
    }

    #[test]
    fn floor_reads_every_tag() {
        // 15 elements in the recorded answer: 15 start and 15 end tags.
        assert_eq!(MemchrFloor.check(), Summary::Count(30));
    }

    #[test]
    fn every_contender_is_known() {
        for &(_, name) in CONTENDERS {
            assert!(contender(name).is_some(), "{name}");
        }
        assert!(contender("nope").is_none());
    }
}
