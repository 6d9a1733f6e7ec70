//! awsQuery form encoding of the request body.
//!
//! The body is `application/x-www-form-urlencoded` in model order:
//! `Action`, `Version`, `RoleArn`, `RoleSessionName`, `WebIdentityToken`,
//! `ProviderId`, `PolicyArns.member.N.arn`, `Policy`, `DurationSeconds`.
//! Bytes in `A-Z a-z 0-9 - . _ ~` stay as they are; every other UTF-8 byte is
//! written `%XX` with uppercase hex. A space is `%20` (never `+`), which every
//! form decoder reads the same way.

use core::fmt;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use crate::model::{ACTION, API_VERSION, AssumeRoleWithWebIdentityInput};
use crate::validate::ValidationError;

/// The `Content-Type` of the request body.
pub const CONTENT_TYPE: &str = "application/x-www-form-urlencoded; charset=utf-8";

/// Everything but the RFC 3986 unreserved characters is escaped.
const QUERY_VALUE: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// Why the body could not be written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
// `Invalid` carries the fixed-size violation report; see `validate`.
#[allow(clippy::large_enum_variant)]
pub enum EncodeError {
    /// The input breaks the STS model; nothing was written.
    Invalid(ValidationError),
    /// The buffer is shorter than the body; `needed` is the exact body size.
    BufferTooSmall {
        /// The exact size of the body in bytes.
        needed: usize,
    },
}

impl fmt::Display for EncodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EncodeError::Invalid(e) => fmt::Display::fmt(e, f),
            EncodeError::BufferTooSmall { needed } => {
                write!(f, "request body needs {needed} bytes, more than the buffer holds")
            }
        }
    }
}

impl core::error::Error for EncodeError {
    fn source(&self) -> Option<&(dyn core::error::Error + 'static)> {
        match self {
            EncodeError::Invalid(e) => Some(e),
            EncodeError::BufferTooSmall { .. } => None,
        }
    }
}

impl From<ValidationError> for EncodeError {
    fn from(e: ValidationError) -> Self {
        EncodeError::Invalid(e)
    }
}

/// A writer that keeps counting after the buffer is full, so one pass gives
/// the exact size needed.
struct Sink<'b> {
    buf: &'b mut [u8],
    len: usize,
}

impl Sink<'_> {
    #[inline]
    fn raw(&mut self, s: &str) {
        let end = self.len + s.len();
        if let Some(dst) = self.buf.get_mut(self.len..end) {
            dst.copy_from_slice(s.as_bytes());
        }
        self.len = end;
    }

    #[inline]
    fn escaped(&mut self, s: &str) {
        for chunk in utf8_percent_encode(s, QUERY_VALUE) {
            self.raw(chunk);
        }
    }

    fn param(&mut self, name: &str, value: &str) {
        self.raw("&");
        self.raw(name);
        self.raw("=");
        self.escaped(value);
    }

    fn number(&mut self, mut n: u32) {
        let mut digits = [0u8; 10];
        let mut i = digits.len();
        loop {
            i -= 1;
            digits[i] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        for d in &digits[i..] {
            if let Some(slot) = self.buf.get_mut(self.len) {
                *slot = *d;
            }
            self.len += 1;
        }
    }
}

fn write_body(input: &AssumeRoleWithWebIdentityInput<'_>, sink: &mut Sink<'_>) {
    sink.raw("Action=");
    sink.raw(ACTION);
    sink.raw("&Version=");
    sink.raw(API_VERSION);
    sink.param("RoleArn", input.role_arn);
    sink.param("RoleSessionName", input.role_session_name);
    sink.param("WebIdentityToken", input.web_identity_token.expose());
    if let Some(p) = input.provider_id {
        sink.param("ProviderId", p);
    }
    for (i, arn) in input.policy_arns.iter().enumerate() {
        sink.raw("&PolicyArns.member.");
        sink.number(i as u32 + 1);
        sink.raw(".arn=");
        sink.escaped(arn);
    }
    if let Some(p) = input.policy {
        sink.param("Policy", p);
    }
    if let Some(d) = input.duration_seconds {
        sink.raw("&DurationSeconds=");
        sink.number(d);
    }
}

/// The exact size of the body [`encode`] writes for `input`, valid or not.
pub fn encoded_len(input: &AssumeRoleWithWebIdentityInput<'_>) -> usize {
    let mut sink = Sink { buf: &mut [], len: 0 };
    write_body(input, &mut sink);
    sink.len
}

/// Validates `input` and writes the form body into `out`, returning its
/// length. On error nothing useful is in `out`.
///
/// ```
/// use sts_codec::{AssumeRoleWithWebIdentityInput, encode, encoded_len};
/// let input = AssumeRoleWithWebIdentityInput::new(
///     "arn:aws:iam::123456789012:role/device", "s1", "tok/en+=");
/// let mut buf = [0u8; 256];
/// let n = encode(&input, &mut buf).unwrap();
/// assert_eq!(n, encoded_len(&input));
/// assert_eq!(
///     core::str::from_utf8(&buf[..n]).unwrap(),
///     "Action=AssumeRoleWithWebIdentity&Version=2011-06-15\
///      &RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fdevice\
///      &RoleSessionName=s1&WebIdentityToken=tok%2Fen%2B%3D"
/// );
/// ```
///
/// # Errors
///
/// [`EncodeError::Invalid`] when the input breaks the STS model,
/// [`EncodeError::BufferTooSmall`] with the exact size when `out` is short.
#[allow(clippy::result_large_err)] // see `AssumeRoleWithWebIdentityInput::validate`
pub fn encode(input: &AssumeRoleWithWebIdentityInput<'_>, out: &mut [u8]) -> Result<usize, EncodeError> {
    input.validate()?;
    let mut sink = Sink { buf: out, len: 0 };
    write_body(input, &mut sink);
    if sink.len > sink.buf.len() {
        // Nothing partial may pass for a body: wipe what was written, since it
        // holds the token.
        zeroize::Zeroize::zeroize(&mut *sink.buf);
        return Err(EncodeError::BufferTooSmall { needed: sink.len });
    }
    Ok(sink.len)
}
