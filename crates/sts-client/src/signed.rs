//! The SigV4 signature of an `AssumeRole` request, in the request buffer.
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

use sts_codec::{CONTENT_TYPE, Secret, Timestamp};
use sts_sigv4::{AmzDate, Payload, SigningKey, sign};

use crate::credentials::Credentials;
use crate::endpoint::Endpoint;
use crate::error::ErrorKind;
use crate::time::Instant;

/// The service name requests to STS are signed for.
pub const SIGNING_SERVICE: &str = "sts";

/// What the exchange keeps of a signature: the time, the source session
/// token (sent as `X-Amz-Security-Token`) and where the `Authorization`
/// value sits in the request buffer.
#[derive(Debug, Clone)]
pub(crate) struct Signature<'e> {
    pub(crate) date: AmzDate,
    pub(crate) token: Option<Secret<&'e str>>,
    pub(crate) authorization: core::ops::Range<usize>,
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
pub(crate) fn sign_request<'e>(
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
