//! The signed `AssumeRole` exchange (feature `chain`): [`SignedExchange`],
//! the SigV4 signature of the request in the request buffer.
//!
//! ```text
//!  request buffer: [ form body | Host value | canonical request | string to sign | Authorization ]
//!                   ^0         ^body_len                                          ^authorization  ^request_len
//! ```
//!
//! Signed headers: `content-type`, `host` (with the port when it is not the
//! scheme's default, as the transports write it), `x-amz-date` and, when
//! the source credentials carry a session token, `x-amz-security-token`;
//! the payload is the body's SHA-256. The region is the endpoint's signing
//! region when the rule set fixes one, else the configured region; the
//! service is `sts`. The canonical request holds the session token: the
//! clients wipe the buffer up to `request_len` after the exchange.

use core::fmt::Write as _;

use zeroize::Zeroize;

use sts_codec::{AssumeRoleInput, CONTENT_TYPE, EncodeError, Secret, Timestamp, encode_assume_role};
use sts_sigv4::{AmzDate, Payload, SigningKey, sign};
use sts_transport::{Request, Response};

use crate::credentials::Credentials;
use crate::endpoint::Endpoint;
use crate::error::{Error, ErrorKind};
use crate::exchange::{AttemptEvent, Exchange, Next, SessionName};
use crate::retry::RetryPolicy;
use crate::time::Instant;

/// The service name requests to STS are signed for.
pub const SIGNING_SERVICE: &str = "sts";

/// What the exchange keeps of a signature: the time, the source session
/// token (sent as `X-Amz-Security-Token`) and where the `Authorization`
/// value sits in the request buffer.
#[derive(Debug, Clone)]
struct Signature<'e> {
    date: AmzDate,
    token: Option<Secret<&'e str>>,
    authorization: core::ops::Range<usize>,
}

/// One signed `AssumeRole` exchange across its attempts: the body encoded
/// and signed once, then one [`handle`](Self::handle) per answer, exactly
/// as [`Exchange`] does for `AssumeRoleWithWebIdentity`.
///
/// ```text
///  let headers = ex.headers(buf);                      // X-Amz-Date, Authorization, ...
///  let request = ex.request(buf, &headers);            // send it, then
///  let (next, event) = ex.handle(outcome, now, wall, draw, out);
/// ```
#[derive(Debug, Clone)]
pub struct SignedExchange<'e> {
    exchange: Exchange<'e>,
    signature: Signature<'e>,
    request_len: usize,
}

/// The headers of a signed request: `Content-Type`, `X-Amz-Date`,
/// `Authorization` and (with a source session token)
/// `X-Amz-Security-Token`. `Debug` prints the names only.
pub struct RequestHeaders<'r> {
    items: [(&'r str, &'r str); 4],
    len: usize,
}

impl<'r> RequestHeaders<'r> {
    /// The headers as `(name, value)`.
    pub fn as_slice(&self) -> &[(&'r str, &'r str)] {
        self.items.get(..self.len).unwrap_or_default()
    }
}

impl core::fmt::Debug for RequestHeaders<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_list().entries(self.as_slice().iter().map(|(n, _)| n)).finish()
    }
}

impl<'e> SignedExchange<'e> {
    /// Validates `input` and encodes it into `buf` (the request buffer),
    /// with a session name drawn from `draw` when it has none, then signs
    /// it with SigV4 for `source` at `time` (see the [module docs](self)).
    /// `region` is signed for unless the endpoint fixes its own signing
    /// region.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Validation`] when the input breaks the STS model,
    /// [`ErrorKind::RequestTooLarge`] when `buf` cannot hold the body and
    /// the signature (for the signature its `needed` is an upper bound:
    /// the body, twice the host, the session token and 768 bytes), and
    /// [`ErrorKind::Signing`] when the signer refuses the credentials or
    /// region; `buf` is wiped then.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        endpoint: &'e Endpoint,
        policy: RetryPolicy,
        input: &AssumeRoleInput<'_>,
        source: &'e Credentials,
        region: &str,
        time: Timestamp,
        draw: impl FnOnce() -> u64,
        buf: &mut [u8],
    ) -> Result<Self, Error> {
        let generated;
        let mut input = *input;
        if input.role_session_name.is_empty() {
            generated = SessionName::generate(draw());
            input.role_session_name = generated.as_str();
        }
        let capacity = buf.len();
        let body_len = match encode_assume_role(&input, buf) {
            Ok(len) => len,
            Err(e) => {
                buf.zeroize();
                return Err(Error::from(match e {
                    EncodeError::Invalid(v) => ErrorKind::Validation(v),
                    EncodeError::BufferTooSmall { needed } => ErrorKind::RequestTooLarge { needed, capacity },
                    _ => ErrorKind::RequestTooLarge { needed: 0, capacity },
                }));
            }
        };
        let region = endpoint.signing_region().unwrap_or(region);
        let (signature, request_len) = match sign_request(endpoint, region, source, time, body_len, buf) {
            Ok(signed) => signed,
            Err(kind) => {
                buf.zeroize();
                return Err(kind.into());
            }
        };
        Ok(SignedExchange {
            exchange: Exchange::for_body(endpoint, policy, input.duration_seconds, body_len),
            signature,
            request_len,
        })
    }

    /// The headers of every attempt (values in `buf`, the request buffer,
    /// and in the exchange).
    pub fn headers<'r>(&'r self, buf: &'r [u8]) -> RequestHeaders<'r> {
        let s = &self.signature;
        let authorization = buf
            .get(s.authorization.clone())
            .and_then(|b| core::str::from_utf8(b).ok())
            .unwrap_or_default();
        let mut items = [
            ("Content-Type", CONTENT_TYPE),
            ("X-Amz-Date", s.date.as_str()),
            ("Authorization", authorization),
            ("", ""),
        ];
        let mut len = 3;
        if let Some(token) = &s.token {
            items[3] = ("X-Amz-Security-Token", token.expose());
            len = 4;
        }
        RequestHeaders { items, len }
    }

    /// The request of every attempt, with `headers` from
    /// [`headers`](Self::headers).
    pub fn request<'r>(&'r self, buf: &'r [u8], headers: &'r RequestHeaders<'r>) -> Request<'r> {
        let mut request = self.exchange.request(buf);
        request.headers = headers.as_slice();
        request
    }

    /// Takes the outcome of the next attempt; see [`Exchange::handle`].
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
        self.exchange.handle_assume_role(outcome, now, wall, draw, out)
    }

    /// Bytes of the request buffer written: the body and the signature's
    /// scratch (whose canonical request holds the session token). Wipe that
    /// much after the exchange.
    pub const fn request_len(&self) -> usize {
        self.request_len
    }

    /// Attempts handled so far.
    pub const fn attempts(&self) -> u32 {
        self.exchange.attempts()
    }

    /// The clock skew the last answer showed, in milliseconds.
    pub const fn clock_skew_millis(&self) -> Option<i64> {
        self.exchange.clock_skew_millis()
    }
}

/// The time to sign with: the wall clock when the platform has one, else
/// the server's `Date` on the answer that brought `source`, plus the
/// monotonic time since (`now - received_at`).
pub fn signing_time(wall: Option<Timestamp>, source: &Credentials, now: Instant) -> Option<Timestamp> {
    wall.or_else(|| {
        let date = source.server_date()?;
        let since = now.saturating_duration_since(source.received_at());
        let seconds = date.seconds.checked_add(i64::try_from(since.as_secs()).ok()?)?;
        // `from_unix` carries whole seconds out of the nanoseconds.
        Timestamp::from_unix(seconds, date.nanos.saturating_add(since.subsec_nanos()))
    })
}

/// A small `fmt::Write` over a byte slice.
struct Cursor<'b> {
    buf: &'b mut [u8],
    len: usize,
}

impl core::fmt::Write for Cursor<'_> {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        let end = self.len.checked_add(s.len()).ok_or(core::fmt::Error)?;
        self.buf
            .get_mut(self.len..end)
            .ok_or(core::fmt::Error)?
            .copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

/// Signs the body at `buf[..body_len]` for `endpoint` with `source`,
/// writing the rest of the layout above after it. Returns the signature
/// and the bytes of `buf` written.
fn sign_request<'e>(
    endpoint: &Endpoint,
    region: &str,
    source: &'e Credentials,
    time: Timestamp,
    body_len: usize,
    buf: &mut [u8],
) -> Result<(Signature<'e>, usize), ErrorKind> {
    let capacity = buf.len();
    // A bound, not the exact size: the signer's layout depends on the
    // canonical form; this is what it needs at most for STS's request.
    let token_len = if source.session_token().expose().is_empty() {
        0
    } else {
        source.session_token().expose().len()
    };
    let needed = body_len + 2 * endpoint.host().len() + token_len + 768;
    let too_small = ErrorKind::RequestTooLarge { needed, capacity };
    let (head, rest) = buf.split_at_mut(body_len.min(capacity));
    let mut host = Cursor { buf: rest, len: 0 };
    let name = endpoint.host();
    let default_port = if endpoint.scheme() == "http" { 80 } else { 443 };
    let written = if name.contains(':') {
        write!(host, "[{name}]")
    } else {
        host.write_str(name)
    };
    written
        .and_then(|()| {
            if endpoint.port() == default_port {
                Ok(())
            } else {
                write!(host, ":{}", endpoint.port())
            }
        })
        .map_err(|_| too_small)?;
    let host_len = host.len;
    let (host_bytes, scratch) = rest.split_at_mut(host_len);
    let host = core::str::from_utf8(host_bytes).map_err(|_| too_small)?;
    let body: &[u8] = head;

    let date = AmzDate::new(time).map_err(ErrorKind::Signing)?;
    let token = source.session_token();
    let token = (!token.expose().is_empty()).then_some(token);
    let secret = source.secret_access_key();
    let key = SigningKey::new(&secret, &date, region, SIGNING_SERVICE).map_err(ErrorKind::Signing)?;
    let creds = sts_sigv4::Credentials::new(source.access_key_id(), secret.clone(), token.clone());
    let headers = [("host", host), ("content-type", CONTENT_TYPE)];
    let path = match endpoint.path() {
        "" => "/",
        p => p,
    };
    let request = sts_sigv4::Request::new("POST", path, &headers, Payload::Bytes(body));
    let signed = sign(&request, &creds, &key, &date, scratch).map_err(|e| match e {
        sts_sigv4::Error::BufferTooSmall => too_small,
        e => ErrorKind::Signing(e),
    })?;
    let start = body_len + host_len + signed.canonical_request().len() + signed.string_to_sign().len();
    let end = start + signed.authorization().len();
    Ok((
        Signature {
            date,
            token,
            authorization: start..end,
        },
        end,
    ))
}
