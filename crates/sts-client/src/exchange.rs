//! The exchange, sans I/O: an input, a token and a request buffer in, an
//! HTTP request out; each answer (or transport failure), the time and a
//! random draw in, a decision out: credentials written, retry after a
//! delay, or a final error.
//!
//! With feature `chain`, `signed::SignedExchange`
//! is the same exchange for the `AssumeRole` hops of a role chain: the body
//! signed with SigV4 by the credentials of the hop before, its answers
//! handled by the same code, retries and timing.
//!
//! [`Exchange`] sends nothing, reads no clock and sleeps never, so it runs
//! the same under the blocking [`Client`](crate::Client), the async
//! [`AsyncClient`](crate::AsyncClient), the CLI's `--dry-run` and a test on
//! a fake clock.
//!
//! ```
//! use sts_client::endpoint::{EndpointParams, resolve};
//! use sts_client::exchange::{Exchange, Next};
//! use sts_client::{Credentials, Instant, RetryPolicy};
//! use sts_codec::AssumeRoleWithWebIdentityInput;
//! use sts_transport::Response;
//!
//! let endpoint = resolve(&EndpointParams { region: Some("eu-west-1"), ..Default::default() })?;
//! let input = AssumeRoleWithWebIdentityInput::for_role("arn:aws:iam::123456789012:role/device")
//!     .with_web_identity_token("eyJhbGciOiJSUzI1NiJ9.e30.c2ln");
//! let mut body = [0u8; 1024];
//! let mut exchange = Exchange::new(&endpoint, RetryPolicy::STANDARD, &input, || 7, &mut body)?;
//! let request = exchange.request(&body);
//! assert_eq!((request.method, request.host, request.path), ("POST", "sts.eu-west-1.amazonaws.com", "/"));
//!
//! // ... send it with any HTTP client; here, STS is throttling us.
//! let mut answer = *b"<ErrorResponse><Error><Code>Throttling</Code></Error></ErrorResponse>";
//! let mut creds = Credentials::new();
//! let (next, event) = exchange.handle(Ok(Response::new(400, &mut answer)), Instant::ZERO, None, || u64::MAX, &mut creds);
//! assert_eq!(event.attempt, 1);
//! assert!(matches!(next, Next::Retry(d) if d.as_millis() == 1000)); // full jitter, first retry
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use core::time::Duration;

use zeroize::Zeroize;

#[cfg(feature = "chain")]
use sts_codec::decode_assume_role_response;
use sts_codec::{AssumeRoleWithWebIdentityInput, CONTENT_TYPE, DecodeError, EncodeError, decode_response, encode};
use sts_transport::date::parse_http_date;
use sts_transport::{Request, Response, Scheme};

use crate::credentials::{ACCESS_KEY_ID_CAPACITY, CredentialField, Credentials, SECRET_ACCESS_KEY_CAPACITY, Timing};
use crate::endpoint::Endpoint;
use crate::error::{Error, ErrorKind, StsError};
use crate::retry::{RetryClass, RetryPolicy, classify_answer, classify_transport};
use crate::time::{Instant, Timestamp, timestamp_diff_millis};
use crate::token::{self, TokenSource};

/// The prefix of generated session names.
pub const SESSION_NAME_PREFIX: &str = "sts-web-identity-";

/// `DurationSeconds` STS applies when the request has none.
const DEFAULT_DURATION_SECONDS: u32 = 3600;

/// The request's only header of its own; the transport adds `Host`,
/// `Content-Length` and the rest. No `Authorization`: the call is unsigned.
const HEADERS: &[(&str, &str)] = &[("Content-Type", CONTENT_TYPE)];

/// The response header that carries the request id of an AWS answer.
const REQUEST_ID_HEADER: &str = "x-amzn-requestid";

/// What happened in one attempt, for logs and `-v` output. Holds no secret.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct AttemptEvent<'a> {
    /// The attempt, from 1.
    pub attempt: u32,
    /// The most attempts this fetch may make.
    pub max_attempts: u32,
    /// The endpoint URL.
    pub endpoint: &'a str,
    /// The HTTP status, if an answer came.
    pub status: Option<u16>,
    /// The request id (from the error document or the response header).
    pub request_id: Option<&'a str>,
    /// The server's `Date`, if the answer had one.
    pub server_date: Option<Timestamp>,
    /// Why the attempt failed (`None` on success).
    pub error: Option<ErrorKind>,
    /// The STS error document as received, message whole (the error keeps
    /// only [`STS_ERROR_TEXT_LEN`](crate::STS_ERROR_TEXT_LEN) bytes of it).
    pub service_error: Option<sts_codec::ServiceError<'a>>,
    /// The wait before the next attempt, when there will be one.
    pub retry_in: Option<Duration>,
}

/// What to do after an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use]
pub enum Next {
    /// The credentials were written to the caller's storage.
    Done,
    /// Send the request again after this delay.
    Retry(Duration),
    /// Give up with this error (the storage is as it was).
    Fail(Error),
}

/// One `AssumeRoleWithWebIdentity` exchange across its attempts: the body
/// encoded once, then one [`handle`](Self::handle) per answer. See the
/// [module docs](self).
#[derive(Debug, Clone)]
pub struct Exchange<'e> {
    endpoint: &'e Endpoint,
    policy: RetryPolicy,
    attempt: u32,
    /// The credential lifetime asked for (or STS's default), the upper bound
    /// of what is believed (see `timing`).
    requested_seconds: u32,
    body_len: usize,
    clock_skew_ms: Option<i64>,
}

/// The body of [`Exchange::handle`], for each operation's decoder: one
/// text, so the web identity path compiles exactly as it did before role
/// chaining (feature `chain`) added the signed `AssumeRole` one.
macro_rules! handle_body {
    ($s:ident, $outcome:ident, $now:ident, $wall:ident, $draw:ident, $out:ident, $decode:path) => {{
        $s.attempt += 1;
        let mut event = AttemptEvent {
            attempt: $s.attempt,
            max_attempts: $s.policy.max_attempts,
            endpoint: $s.endpoint.parts().0,
            status: None,
            request_id: None,
            server_date: None,
            error: None,
            service_error: None,
            retry_in: None,
        };
        let mut retry_after = None;
        let result = match $outcome {
            Err(e) => Err(ErrorKind::Transport(e)),
            Ok(response) => {
                // HTTP whitespace around a field value is ASCII (SP, HTAB).
                let server_date = response
                    .date
                    .and_then(|d| parse_http_date(d.trim_ascii()).ok())
                    .map(|seconds| Timestamp { seconds, nanos: 0 });
                event.status = Some(response.status);
                event.request_id = response.request_id;
                event.server_date = server_date;
                retry_after = response.retry_after;
                let received = Received {
                    at: $now,
                    wall: $wall,
                    server_date,
                };
                if let (Some(server), Some(wall)) = (server_date, $wall) {
                    $s.clock_skew_ms = Some(timestamp_diff_millis(server, wall));
                }
                match $decode(response.status, response.body) {
                    Ok(answer) => credentials(&answer.credentials, &received, $s.requested_seconds, $out),
                    Err(DecodeError::Service(e)) => {
                        event.service_error = Some(e);
                        event.request_id = e.request_id.or(response.request_id);
                        Err(ErrorKind::Service(StsError::new(
                            e.status,
                            e.code,
                            e.message,
                            event.request_id,
                        )))
                    }
                    Err(DecodeError::Http { status }) => Err(ErrorKind::Http { status }),
                    Err(DecodeError::Malformed(m)) => Err(ErrorKind::Malformed(m)),
                    // `DecodeError` is non_exhaustive: treat anything new as
                    // an answer without a usable document.
                    Err(_) => Err(ErrorKind::Http {
                        status: response.status,
                    }),
                }
            }
        };
        let Err(kind) = result else {
            return (Next::Done, event);
        };
        let retry = retry_class(&kind).is_some_and(|c| $s.policy.retries(c)) && $s.attempt < $s.policy.max_attempts;
        let delay = retry.then(|| {
            $s.policy
                .retry_after(retry_after)
                .unwrap_or_else(|| $s.policy.backoff($s.attempt, $draw()))
        });
        event.error = Some(kind);
        event.retry_in = delay;
        let next = match delay {
            Some(d) => Next::Retry(d),
            None => Next::Fail(Error::new(kind, $s.attempt)),
        };
        (next, event)
    }};
}

impl<'e> Exchange<'e> {
    /// Validates `input` and encodes it into `body` (the request buffer),
    /// with a session name drawn from `draw` (called only when the input's
    /// `RoleSessionName` is empty: `sts-web-identity-` and 16 hex digits).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Validation`] when the input breaks the STS model,
    /// [`ErrorKind::RequestTooLarge`] when `body` is too small; `body` is
    /// wiped then (it may hold part of the token).
    pub fn new(
        endpoint: &'e Endpoint,
        policy: RetryPolicy,
        input: &AssumeRoleWithWebIdentityInput<'_>,
        draw: impl FnOnce() -> u64,
        body: &mut [u8],
    ) -> Result<Self, Error> {
        let generated;
        let mut named = None;
        if input.role_session_name.is_empty() {
            generated = SessionName::generate(draw());
            let mut with_name = input.clone();
            with_name.role_session_name = generated.as_str();
            named = Some(with_name);
        }
        let encoded = encode(named.as_ref().unwrap_or(input), body);
        drop(named);
        let capacity = body.len();
        let body_len = match encoded {
            Ok(len) => len,
            Err(e) => {
                body.zeroize();
                return Err(Error::from(match e {
                    EncodeError::Invalid(v) => ErrorKind::Validation(v),
                    EncodeError::BufferTooSmall { needed } => ErrorKind::RequestTooLarge { needed, capacity },
                    // `EncodeError` is non_exhaustive; any future variant
                    // means nothing usable was written.
                    _ => ErrorKind::RequestTooLarge { needed: 0, capacity },
                }));
            }
        };
        Ok(Exchange {
            endpoint,
            policy,
            attempt: 0,
            requested_seconds: input.duration_seconds.unwrap_or(DEFAULT_DURATION_SECONDS),
            body_len,
            clock_skew_ms: None,
        })
    }

    /// The request of every attempt: POST to the endpoint's path (or `/`),
    /// with the body [`new`](Self::new) wrote into `body`.
    pub fn request<'r>(&'r self, body: &'r [u8]) -> Request<'r> {
        let (_, host, path) = self.endpoint.parts();
        Request {
            method: "POST",
            scheme: if self.endpoint.scheme() == "http" {
                Scheme::Http
            } else {
                Scheme::Https
            },
            host,
            port: self.endpoint.port(),
            path: if path.is_empty() { "/" } else { path },
            headers: HEADERS,
            body: body.get(..self.body_len).unwrap_or_default(),
            request_id_header: Some(REQUEST_ID_HEADER),
        }
    }

    /// The body's length in bytes (the start of the request buffer).
    pub const fn body_len(&self) -> usize {
        self.body_len
    }

    /// Attempts handled so far.
    pub const fn attempts(&self) -> u32 {
        self.attempt
    }

    /// The clock skew (server `Date` minus `wall`) the last answer showed,
    /// in milliseconds.
    pub const fn clock_skew_millis(&self) -> Option<i64> {
        self.clock_skew_ms
    }

    /// Takes the outcome of the next attempt, received at `now` (and
    /// `wall`, the wall clock, if the caller has one), and says what to do
    /// next. Credentials go to `out`, which is written only on
    /// [`Next::Done`]. `draw` is called only for a backoff that needs a
    /// random wait.
    ///
    /// Everything borrowed from the response ends up in the returned event
    /// or nowhere: once it is dropped, the caller can wipe the buffer.
    pub fn handle<'r>(
        &mut self,
        outcome: Result<Response<'r>, sts_transport::Error>,
        now: Instant,
        wall: Option<Timestamp>,
        draw: impl FnOnce() -> u64,
        out: &mut Credentials,
    ) -> (Next, AttemptEvent<'r>)
    where
        'e: 'r,
    {
        handle_body!(self, outcome, now, wall, draw, out, decode_response)
    }

    /// The exchange part of a signed `AssumeRole` request whose body
    /// (`body_len` bytes) is already in the request buffer.
    #[cfg(feature = "chain")]
    pub(crate) const fn for_body(
        endpoint: &'e Endpoint,
        policy: RetryPolicy,
        duration_seconds: Option<u32>,
        body_len: usize,
    ) -> Self {
        Exchange {
            endpoint,
            policy,
            attempt: 0,
            requested_seconds: match duration_seconds {
                Some(d) => d,
                None => DEFAULT_DURATION_SECONDS,
            },
            body_len,
            clock_skew_ms: None,
        }
    }

    /// [`handle`](Self::handle) for an `AssumeRole` answer.
    #[cfg(feature = "chain")]
    pub(crate) fn handle_assume_role<'r>(
        &mut self,
        outcome: Result<Response<'r>, sts_transport::Error>,
        now: Instant,
        wall: Option<Timestamp>,
        draw: impl FnOnce() -> u64,
        out: &mut Credentials,
    ) -> (Next, AttemptEvent<'r>)
    where
        'e: 'r,
    {
        handle_body!(self, outcome, now, wall, draw, out, decode_assume_role_response)
    }
}

/// A generated session name: the prefix and 16 hex digits of one draw.
pub(crate) struct SessionName {
    buf: [u8; 33],
}

impl SessionName {
    pub(crate) fn generate(draw: u64) -> Self {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut buf = [0u8; 33];
        let (prefix, digits) = buf.split_at_mut(SESSION_NAME_PREFIX.len());
        prefix.copy_from_slice(SESSION_NAME_PREFIX.as_bytes());
        for (i, d) in digits.iter_mut().enumerate() {
            *d = HEX[(draw >> (60 - 4 * i)) as usize & 15];
        }
        SessionName { buf }
    }

    pub(crate) fn as_str(&self) -> &str {
        core::str::from_utf8(&self.buf).unwrap_or(SESSION_NAME_PREFIX)
    }
}

/// The two buffers a fetch works in, lent by the caller.
///
/// - `request` holds the form body: about 200 bytes plus the role ARN plus
///   up to 3 × the token (percent-encoding; JWTs need almost none, so ~1 ×
///   in practice). [`sts_codec::encoded_len`] gives the exact size.
/// - `response` holds the whole answer: head (~300 bytes) and body (~1.5 KiB
///   plus the session token); **4 KiB** holds a typical answer. A token
///   source that writes the token ([`TokenSource::read_token`]) writes it
///   here first, so then it must hold the token too; a token lent in place
///   ([`TokenSource::token_str`]) needs no room.
///
/// Both are wiped after use: the body holds the token, the answer holds the
/// credentials. Only what was written is wiped (the body; the token's bytes;
/// the response buffer up to its last nonzero byte, wherever the transport
/// put it), so the cost follows the exchange, not the buffer sizes.
#[derive(Debug)]
pub struct Buffers<'b> {
    /// Where the request body is encoded.
    pub request: &'b mut [u8],
    /// Where the answer is received (and a copied token read first).
    pub response: &'b mut [u8],
}

impl<'b> Buffers<'b> {
    /// Lends two buffers.
    pub fn new(request: &'b mut [u8], response: &'b mut [u8]) -> Self {
        Buffers { request, response }
    }

    /// Reborrows for a shorter time.
    pub fn reborrow(&mut self) -> Buffers<'_> {
        Buffers {
            request: self.request,
            response: self.response,
        }
    }
}

/// The first step of every client: reads the token from `source` (into
/// `bufs.response`, unless the source lends it in place), then
/// [`Exchange::new`] with `input` and that token. The bytes the token source
/// filled are wiped before this returns (the whole response buffer on
/// error).
pub(crate) fn start<'e>(
    endpoint: &'e Endpoint,
    policy: RetryPolicy,
    input: &AssumeRoleWithWebIdentityInput<'_>,
    source: &mut dyn TokenSource,
    draw: impl FnOnce() -> u64,
    bufs: &mut Buffers<'_>,
) -> Result<Exchange<'e>, Error> {
    let (token, filled) = match token::load(source, bufs.response) {
        Ok(loaded) => loaded,
        Err(e) => {
            bufs.response.zeroize();
            return Err(ErrorKind::Token(e).into());
        }
    };
    let input = input.clone().with_web_identity_token(token);
    let started = Exchange::new(endpoint, policy, &input, draw, bufs.request);
    drop(input);
    match started {
        Ok(exchange) => {
            // The token source filled `..filled` (its contract); anything it
            // wrote beyond that is caught by the wipe after the attempt
            // (`wipe_used`), before the fetch returns.
            wipe_prefix(bufs.response, filled);
            Ok(exchange)
        }
        Err(e) => {
            bufs.response.zeroize();
            Err(e)
        }
    }
}

/// Wipes `buf[..n]` (all of `buf` if `n` is larger).
pub(crate) fn wipe_prefix(buf: &mut [u8], n: usize) {
    let n = n.min(buf.len());
    if let Some(prefix) = buf.get_mut(..n) {
        prefix.zeroize();
    }
}

/// Wipes `buf` up to its last byte that is not zero, which leaves it exactly
/// as wiping all of it would (wiping writes zeros) while writing only what a
/// transport filled. Whatever a transport left anywhere (head, body, bytes
/// read past the body, the raw copy of a chunked body decoded in place,
/// skipped `1xx` heads, a partial answer before an error) is covered.
pub(crate) fn wipe_used(buf: &mut [u8]) {
    // The zero tail, found from the end a 256-byte block at a time (most
    // of the buffer is that tail); the last block written is wiped whole.
    let mut end = buf.len();
    for block in buf.rchunks(256) {
        if block.iter().fold(0, |acc, &b| acc | b) != 0 {
            break;
        }
        end -= block.len();
    }
    wipe_prefix(buf, end);
}

/// The retry class of a failure, whatever the policy.
pub(crate) fn retry_class(kind: &ErrorKind) -> Option<RetryClass> {
    match kind {
        ErrorKind::Transport(e) => classify_transport(e),
        ErrorKind::Service(e) => classify_answer(e.status(), Some(e.code())),
        ErrorKind::Http { status } => classify_answer(*status, None),
        ErrorKind::Malformed(_) => Some(RetryClass::MalformedAnswer),
        _ => None,
    }
}

/// Where the server's clock is measured from an answer.
struct Received {
    at: Instant,
    wall: Option<Timestamp>,
    server_date: Option<Timestamp>,
}

/// The monotonic deadline and skew of credentials that expire at
/// `expiration` (server clock), received as described by `r`.
///
/// The lifetime is `expiration - Date` when the answer has a `Date`, else
/// `expiration - wall clock` when the caller has one, else the requested
/// duration; it is never more than the requested duration (STS grants at
/// most that), which also bounds the damage of a wrong wall clock.
fn timing(expiration: Timestamp, r: &Received, requested_seconds: u32) -> Timing {
    let cap_ms = i64::from(requested_seconds) * 1000;
    let lifetime_ms = match r.server_date.or(r.wall) {
        Some(reference) => timestamp_diff_millis(expiration, reference).min(cap_ms),
        None => cap_ms,
    };
    let valid_until = Instant::from_millis(r.at.as_millis().saturating_add(lifetime_ms.max(0).unsigned_abs()));
    let clock_skew_ms = match (r.server_date, r.wall) {
        (Some(server), Some(wall)) => Some(timestamp_diff_millis(server, wall)),
        _ => None,
    };
    Timing {
        expiration,
        server_date: r.server_date,
        received_at: r.at,
        valid_until,
        clock_skew_ms,
    }
}

/// Writes the decoded credentials into `out`, which is left untouched on
/// error.
fn credentials(
    answer: &sts_codec::Credentials<'_>,
    r: &Received,
    requested_seconds: u32,
    out: &mut Credentials,
) -> Result<(), ErrorKind> {
    let t = timing(answer.expiration, r, requested_seconds);
    if t.valid_until <= t.received_at {
        return Err(ErrorKind::ExpiredOnArrival);
    }
    let capacity = out.session_token_capacity();
    out.replace(
        answer.access_key_id,
        answer.secret_access_key.expose(),
        answer.session_token.expose(),
        t,
    )
    .map_err(|(field, needed)| ErrorKind::CredentialsTooLarge {
        field,
        needed,
        capacity: match field {
            CredentialField::AccessKeyId => ACCESS_KEY_ID_CAPACITY,
            CredentialField::SecretAccessKey => SECRET_ACCESS_KEY_CAPACITY,
            _ => capacity,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::token::{FnToken, MemoryToken, TokenError};

    const ARN: &str = "arn:aws:iam::123456789012:role/device";

    fn endpoint() -> Endpoint {
        crate::endpoint::resolve(&crate::endpoint::EndpointParams {
            region: Some("eu-west-1"),
            ..Default::default()
        })
        .unwrap()
    }

    /// The token passes through the response buffer: whatever the outcome,
    /// nothing of it is left there when `start` returns, and on error
    /// nothing is left in the request buffer either. A token lent in place
    /// (`MemoryToken::from_str`) is not written there at all.
    #[test]
    fn start_wipes_the_token_scratch_on_every_outcome() {
        const SENTINEL: u8 = 0xA5;
        let endpoint = endpoint();
        let check_filled = |name: &str, arn: &str, source: &mut dyn TokenSource, ok: bool, filled: usize| {
            let (mut req, mut resp) = ([SENTINEL; 512], [SENTINEL; 256]);
            let input = AssumeRoleWithWebIdentityInput::for_role(arn);
            let result = start(
                &endpoint,
                RetryPolicy::STANDARD,
                &input,
                source,
                || 7,
                &mut Buffers::new(&mut req, &mut resp),
            );
            assert_eq!(result.is_ok(), ok, "{name}: {result:?}");
            if ok {
                // Only the bytes the source filled were written, and wiped.
                assert!(resp[..filled].iter().all(|&b| b == 0), "{name}");
                assert!(resp[filled..].iter().all(|&b| b == SENTINEL), "{name}");
            } else {
                assert!(resp.iter().all(|&b| b == 0), "{name}");
                assert!(req.iter().all(|&b| b == SENTINEL || b == 0), "{name}");
            }
        };
        let check = |name: &str, arn: &str, source: &mut dyn TokenSource, ok: bool| {
            check_filled(name, arn, source, ok, 12);
        };
        check("ok", ARN, &mut MemoryToken::new(b"tok.en.val\r\n"), true);
        check_filled(
            "ok in place",
            ARN,
            &mut MemoryToken::from_str("tok.en.val\r\n"),
            true,
            0,
        );
        check("not utf-8", ARN, &mut MemoryToken::new(b"tok\xffen.value"), false);
        check("empty", ARN, &mut MemoryToken::from_str(" \r\n "), false);
        check("too large", ARN, &mut MemoryToken::new(&[b't'; 257]), false);
        check(
            "source says more than the buffer after filling it",
            ARN,
            &mut FnToken::new(|buf: &mut [u8]| {
                buf.fill(b't');
                Ok(buf.len() + 1)
            }),
            false,
        );
        check(
            "source fails after writing",
            ARN,
            &mut FnToken::new(|buf: &mut [u8]| {
                buf[..5].copy_from_slice(b"token");
                Err(TokenError::Unavailable)
            }),
            false,
        );
        check(
            "invalid input",
            "not-an-arn",
            &mut MemoryToken::from_str("tok.en.value"),
            false,
        );
        let mut small = [SENTINEL; 64];
        let mut resp = [SENTINEL; 256];
        let result = start(
            &endpoint,
            RetryPolicy::STANDARD,
            &AssumeRoleWithWebIdentityInput::for_role(ARN),
            &mut MemoryToken::from_str("tok.en.value"),
            || 7,
            &mut Buffers::new(&mut small, &mut resp),
        );
        assert!(
            matches!(result.map_err(|e| *e.kind()), Err(ErrorKind::RequestTooLarge { .. })),
            "too small a request buffer"
        );
        assert!(small.iter().all(|&b| b == 0) && resp.iter().all(|&b| b == 0));
    }

    /// A token lent in place needs no room in the response buffer.
    #[test]
    fn a_lent_token_needs_no_room_in_the_response_buffer() {
        let token = "t".repeat(300);
        let (mut req, mut resp) = ([0u8; 1024], [0u8; 16]);
        let endpoint = endpoint();
        let result = start(
            &endpoint,
            RetryPolicy::STANDARD,
            &AssumeRoleWithWebIdentityInput::for_role(ARN),
            &mut MemoryToken::from_str(&token),
            || 7,
            &mut Buffers::new(&mut req, &mut resp),
        );
        assert!(result.is_ok(), "{result:?}");
    }

    #[test]
    fn wipe_used_leaves_what_a_whole_wipe_leaves() {
        for len in [0, 1, 2, 63, 64, 65, 200] {
            for at in 0..len {
                let mut buf = [0u8; 200];
                let buf = &mut buf[..len];
                buf[at] = 0x5A;
                wipe_used(buf);
                assert!(buf.iter().all(|&b| b == 0), "len {len}, at {at}");
            }
        }
    }

    #[test]
    fn generated_session_names_follow_the_model() {
        let name = SessionName::generate(0x0123_4567_89ab_cdef);
        assert_eq!(name.as_str(), "sts-web-identity-0123456789abcdef");
        assert!((2..=64).contains(&name.as_str().len()));
    }

    #[test]
    fn timing_prefers_the_date_header_and_caps_at_the_requested_duration() {
        let exp = Timestamp::from_unix(10_000, 0).unwrap();
        let at = Instant::from_millis(5);
        let r = |wall: Option<i64>, date: Option<i64>| Received {
            at,
            wall: wall.map(|s| Timestamp::from_unix(s, 0).unwrap()),
            server_date: date.map(|s| Timestamp::from_unix(s, 0).unwrap()),
        };
        // Date header: 1000 s left, whatever the wall clock says.
        let t = timing(exp, &r(Some(0), Some(9_000)), 3600);
        assert_eq!(t.valid_until, Instant::from_millis(5 + 1_000_000));
        assert_eq!(t.clock_skew_ms, Some(9_000_000));
        // No Date: the wall clock, capped at the requested duration.
        assert_eq!(
            timing(exp, &r(Some(9_500), None), 3600).valid_until,
            Instant::from_millis(500_005)
        );
        assert_eq!(
            timing(exp, &r(Some(0), None), 3600).valid_until,
            Instant::from_millis(3_600_005)
        );
        // Neither: the requested duration.
        assert_eq!(
            timing(exp, &r(None, None), 900).valid_until,
            Instant::from_millis(900_005)
        );
        // Already expired.
        assert_eq!(timing(exp, &r(None, Some(10_001)), 900).valid_until, at);
    }
}
