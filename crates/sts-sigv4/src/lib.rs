//! A `no_std`, allocation-free AWS Signature Version 4 signer.
//!
//! It computes the canonical request, the string to sign and the
//! `Authorization` header value of one HTTP request, into a buffer the caller
//! owns. It does **no IO**, reads **no clock** (the time is an argument) and
//! needs **no heap**. Hashing and HMAC are RustCrypto's `sha2` and `hmac`.
//!
//! ```text
//!  secret, date, region, service ──SigningKey::new──▶ SigningKey (cache it per day)
//!                                                          │
//!  Request + Credentials + AmzDate ──sign(.., &mut buf)────┴──▶ Signed<'buf>
//!      buf: [ canonical request | string to sign | Authorization value ]
//! ```
//!
//! # Example
//!
//! The `get-vanilla` case of the AWS SigV4 test suite:
//!
//! ```
//! use sts_codec::{Secret, Timestamp};
//! use sts_sigv4::{AmzDate, Credentials, Payload, Request, SigningKey, sign};
//!
//! let now = Timestamp::from_unix(1_440_938_160, 0).unwrap(); // 2015-08-30T12:36:00Z
//! let date = AmzDate::new(now).unwrap();
//! assert_eq!(date.as_str(), "20150830T123600Z");
//!
//! let creds = Credentials::new(
//!     "AKIDEXAMPLE",
//!     Secret::new("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
//!     None,
//! );
//! // Derive once per (day, region, service); reuse while `key.is_for(&date)`.
//! let key = SigningKey::new(&creds.secret_access_key, &date, "us-east-1", "service").unwrap();
//!
//! let headers = [("Host", "example.amazonaws.com")];
//! let request = Request::new("GET", "/", &headers, Payload::Bytes(b""));
//! let mut buf = [0u8; 512];
//! let signed = sign(&request, &creds, &key, &date, &mut buf).unwrap();
//! assert_eq!(
//!     signed.authorization(),
//!     "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, \
//!      SignedHeaders=host;x-amz-date, \
//!      Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
//! );
//! // Send `X-Amz-Date: {date}` and `Authorization: {signed.authorization()}`
//! // (and, with a session token, `X-Amz-Security-Token`) with the request.
//! ```
//!
//! # What is signed
//!
//! The signer signs exactly the headers it is given, plus `x-amz-date` (from
//! the [`AmzDate`]) and, when the credentials carry a session token,
//! `x-amz-security-token`. It adds neither to your request: send them
//! yourself with the values you signed. A `host` header is required.
//!
//! Canonicalisation follows the AWS specification for every service but S3:
//!
//! | part | rule |
//! |---|---|
//! | method | as given (an HTTP token) |
//! | path | dot segments removed and runs of `/` collapsed (RFC 3986 §5.2.4, trailing `/` kept), then every byte but `A-Z a-z 0-9 - . _ ~ /` percent-encoded, `%` included: the path is encoded twice counting the encoding it already has |
//! | query | split at `&` (empty pieces dropped) and the first `=`, each side form-decoded (`%XX`, `+` as space) and re-encoded with the unreserved set, sorted by encoded name then encoded value |
//! | headers | names lowercased and sorted; values trimmed of spaces with inner runs of spaces collapsed to one; repeated names joined with `,` in the order given |
//! | payload | lowercase hex SHA-256 of the body ([`Payload`]) |
//!
//! S3 (single encoding, no path normalisation, `x-amz-content-sha256`) is
//! out of scope. Sorting allocates nothing: each step scans for the next
//! smallest name or parameter, so the work grows with the square of the
//! number of headers or parameters.
//!
//! # Secrets
//!
//! The secret access key and session token are [`sts_codec::Secret`]s, the
//! derived [`SigningKey`] is wiped on drop and prints redacted, and no error
//! carries a value. The canonical request in the buffer *does* hold the
//! session token (it is a signed header): zeroize the buffer when done if
//! that matters to you.
#![no_std]
#![forbid(unsafe_code)]

mod canonical;
mod key;

use core::fmt;

use hmac::Mac;
use sha2::{Digest, Sha256};

pub use key::{AmzDate, Credentials, SigningKey};

/// The signing algorithm's name, first in the string to sign and the
/// `Authorization` value.
pub const ALGORITHM: &str = "AWS4-HMAC-SHA256";

/// Why a request could not be signed. Never carries a secret or a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// The buffer cannot hold the canonical request, the string to sign and
    /// the `Authorization` value.
    BufferTooSmall,
    /// The method is empty or not an HTTP token.
    InvalidMethod,
    /// The path does not start with `/`, or holds a control byte, `?` or `#`.
    InvalidPath,
    /// The query holds a control byte or `#`, or a `%` not followed by two
    /// hex digits.
    InvalidQuery,
    /// The header at this index has an empty name or one that is not an
    /// HTTP token.
    InvalidHeaderName {
        /// Index in [`Request::headers`].
        index: usize,
    },
    /// The value of the header at this index holds a control byte (other
    /// than tab), such as CR or LF.
    InvalidHeaderValue {
        /// Index in [`Request::headers`].
        index: usize,
    },
    /// The header at this index is one the signer sets (`x-amz-date`,
    /// `x-amz-security-token`) or produces (`authorization`).
    ReservedHeader {
        /// Index in [`Request::headers`].
        index: usize,
    },
    /// No `host` header was given.
    MissingHost,
    /// The access key id is empty or holds a byte other than
    /// `A-Z a-z 0-9 _`.
    InvalidAccessKeyId,
    /// The session token is empty or holds a byte not allowed in a header
    /// value.
    InvalidSessionToken,
    /// The secret access key is longer than [`MAX_SECRET_LEN`] bytes.
    SecretTooLong,
    /// The region or service is empty or holds a byte other than
    /// `A-Z a-z 0-9 - _ .`.
    InvalidScope,
    /// The time is outside the years 0000 to 9999.
    TimeOutOfRange,
    /// The signing key was derived for another day than the request's date.
    KeyDateMismatch,
}

/// The longest secret access key [`SigningKey::new`] takes (AWS issues 40
/// bytes).
pub const MAX_SECRET_LEN: usize = 128;

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::BufferTooSmall => "signing buffer too small",
            Self::InvalidMethod => "method is not an HTTP token",
            Self::InvalidPath => "path must start with '/' and hold no control byte, '?' or '#'",
            Self::InvalidQuery => "query holds a control byte, '#' or a bad percent escape",
            Self::InvalidHeaderName { .. } => "header name is not an HTTP token",
            Self::InvalidHeaderValue { .. } => "header value holds a control byte",
            Self::ReservedHeader { .. } => "x-amz-date, x-amz-security-token and authorization are set by the signer",
            Self::MissingHost => "no host header",
            Self::InvalidAccessKeyId => "access key id must be non-empty A-Z a-z 0-9 _",
            Self::InvalidSessionToken => "session token is empty or not a valid header value",
            Self::SecretTooLong => "secret access key longer than 128 bytes",
            Self::InvalidScope => "region and service must be non-empty A-Z a-z 0-9 - _ .",
            Self::TimeOutOfRange => "time outside the years 0000 to 9999",
            Self::KeyDateMismatch => "signing key derived for another day",
        })
    }
}

impl core::error::Error for Error {}

/// The request body, or its SHA-256 when the body is streamed or already
/// hashed.
#[derive(Clone, Copy)]
pub enum Payload<'a> {
    /// The whole body (empty for none).
    Bytes(&'a [u8]),
    /// The body's SHA-256.
    Sha256([u8; 32]),
}

impl fmt::Debug for Payload<'_> {
    /// Prints the body's length, not its bytes (a body can hold a token).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Bytes(b) => write!(f, "Bytes(<{} bytes>)", b.len()),
            Self::Sha256(_) => f.write_str("Sha256(..)"),
        }
    }
}

/// One HTTP request to sign. Every part is borrowed.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct Request<'a> {
    /// The method, e.g. `POST`, written as given.
    pub method: &'a str,
    /// The path as sent, starting with `/`.
    pub path: &'a str,
    /// The query as sent, without the `?` (empty for none).
    pub query: &'a str,
    /// The headers to sign as `(name, value)`, `host` among them; names in
    /// any case, repeated names allowed.
    pub headers: &'a [(&'a str, &'a str)],
    /// The body or its hash.
    pub payload: Payload<'a>,
}

impl<'a> Request<'a> {
    /// A request for `target`, the request line's origin form
    /// (`/path?query`), split at its first `?`.
    pub fn new(method: &'a str, target: &'a str, headers: &'a [(&'a str, &'a str)], payload: Payload<'a>) -> Self {
        let (path, query) = target.split_once('?').unwrap_or((target, ""));
        Self {
            method,
            path,
            query,
            headers,
            payload,
        }
    }
}

/// The result of [`sign`]: three views into the caller's buffer.
pub struct Signed<'b> {
    buf: &'b [u8],
    canonical_end: usize,
    string_to_sign_end: usize,
}

impl<'b> Signed<'b> {
    /// The canonical request. It holds the session token, if any.
    pub fn canonical_request(&self) -> &'b str {
        text(self.buf.get(..self.canonical_end))
    }

    /// The string to sign.
    pub fn string_to_sign(&self) -> &'b str {
        text(self.buf.get(self.canonical_end..self.string_to_sign_end))
    }

    /// The `Authorization` header value.
    pub fn authorization(&self) -> &'b str {
        text(self.buf.get(self.string_to_sign_end..))
    }

    /// The signature: the last 64 hex digits of the `Authorization` value.
    pub fn signature(&self) -> &'b str {
        let authz = self.authorization();
        authz.get(authz.len().saturating_sub(64)..).unwrap_or_default()
    }
}

impl fmt::Debug for Signed<'_> {
    /// Prints the `Authorization` value only: the canonical request holds
    /// the session token.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signed")
            .field("authorization", &self.authorization())
            .finish_non_exhaustive()
    }
}

/// The signer writes only UTF-8 (encoded ASCII, and header values that were
/// `&str` with ASCII spaces removed), so the fallback is never taken.
fn text(bytes: Option<&[u8]>) -> &str {
    core::str::from_utf8(bytes.unwrap_or_default()).unwrap_or_default()
}

/// Signs `request` for `credentials` at `date` with `key` (derived from the
/// same secret for `date`'s day), writing the canonical request, the string
/// to sign and the `Authorization` value one after the other into `buf`.
///
/// # Errors
///
/// [`Error::KeyDateMismatch`] when `key` is for another day; an `Invalid*`,
/// [`Error::ReservedHeader`] or [`Error::MissingHost`] for bad input;
/// [`Error::BufferTooSmall`] when `buf` runs out (a few hundred bytes plus
/// three times the path and query, the headers and the session token are
/// plenty).
pub fn sign<'b>(
    request: &Request<'_>,
    credentials: &Credentials<'_>,
    key: &SigningKey<'_>,
    date: &AmzDate,
    buf: &'b mut [u8],
) -> Result<Signed<'b>, Error> {
    if !key.is_for(date) {
        return Err(Error::KeyDateMismatch);
    }
    let akid = credentials.access_key_id.as_bytes();
    if akid.is_empty() || !akid.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'_') {
        return Err(Error::InvalidAccessKeyId);
    }
    let token = credentials.session_token.as_ref().map(|t| t.expose().as_bytes());

    let mut out = Out::new(buf);
    let signed_headers = canonical::write(&mut out, request, date, token)?;
    let canonical_end = out.len;

    let digest = Sha256::digest(out.buf.get(..canonical_end).unwrap_or_default());
    out.push(ALGORITHM.as_bytes())?;
    out.push(b"\n")?;
    out.push(date.as_str().as_bytes())?;
    out.push(b"\n")?;
    key.write_scope(&mut out)?;
    out.push(b"\n")?;
    out.hex(&digest)?;
    let string_to_sign_end = out.len;

    let mut mac = key.mac();
    mac.update(out.buf.get(canonical_end..string_to_sign_end).unwrap_or_default());
    let signature = mac.finalize().into_bytes();

    out.push(ALGORITHM.as_bytes())?;
    out.push(b" Credential=")?;
    out.push(akid)?;
    out.push(b"/")?;
    key.write_scope(&mut out)?;
    out.push(b", SignedHeaders=")?;
    out.copy_within(signed_headers)?;
    out.push(b", Signature=")?;
    out.hex(&signature)?;
    let end = out.len;

    let buf: &'b [u8] = out.buf;
    Ok(Signed {
        buf: buf.get(..end).unwrap_or_default(),
        canonical_end,
        string_to_sign_end,
    })
}

/// The caller's buffer, filled from the front.
pub(crate) struct Out<'b> {
    buf: &'b mut [u8],
    len: usize,
}

impl<'b> Out<'b> {
    fn new(buf: &'b mut [u8]) -> Self {
        Self { buf, len: 0 }
    }

    pub(crate) fn push(&mut self, bytes: &[u8]) -> Result<(), Error> {
        let end = self.len.checked_add(bytes.len()).ok_or(Error::BufferTooSmall)?;
        self.buf
            .get_mut(self.len..end)
            .ok_or(Error::BufferTooSmall)?
            .copy_from_slice(bytes);
        self.len = end;
        Ok(())
    }

    /// Lowercase hex, as SigV4 writes hashes and signatures.
    pub(crate) fn hex(&mut self, bytes: &[u8]) -> Result<(), Error> {
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        for b in bytes {
            self.push(&[DIGITS[usize::from(b >> 4)], DIGITS[usize::from(b & 15)]])?;
        }
        Ok(())
    }

    /// Appends a copy of bytes already written.
    fn copy_within(&mut self, range: core::ops::Range<usize>) -> Result<(), Error> {
        let end = self.len.checked_add(range.len()).ok_or(Error::BufferTooSmall)?;
        if end > self.buf.len() || range.end > self.len {
            return Err(Error::BufferTooSmall);
        }
        self.buf.copy_within(range, self.len);
        self.len = end;
        Ok(())
    }

    /// The bytes written since `start`.
    pub(crate) fn since(&self, start: usize) -> &[u8] {
        self.buf.get(start..self.len).unwrap_or_default()
    }

    /// Drops what was written after `len`.
    pub(crate) fn truncate(&mut self, len: usize) {
        self.len = self.len.min(len);
    }

    pub(crate) fn len(&self) -> usize {
        self.len
    }
}
