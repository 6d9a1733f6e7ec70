//! awsQuery form encoding of the request body.
//!
//! The body is `application/x-www-form-urlencoded` in model order:
//! `Action`, `Version`, `RoleArn`, `RoleSessionName`, `WebIdentityToken`,
//! `ProviderId`, `PolicyArns.member.N.arn`, `Policy`, `DurationSeconds`.
//! Bytes in `A-Z a-z 0-9 - . _ ~` stay as they are; every other UTF-8 byte is
//! written `%XX` with uppercase hex. A space is `%20` (never `+`), which every
//! form decoder reads the same way.

use core::fmt;

use crate::model::{ACTION, API_VERSION, AssumeRoleWithWebIdentityInput};
use crate::validate::ValidationError;

/// The `Content-Type` of the request body.
pub const CONTENT_TYPE: &str = "application/x-www-form-urlencoded; charset=utf-8";

/// Whether each byte is an RFC 3986 unreserved byte (`A-Z a-z 0-9 - . _ ~`),
/// written as it is; every other byte is escaped. A table: one load per
/// byte of the token, where a chain of range checks costs several.
static UNRESERVED: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = c.is_ascii_alphanumeric() || matches!(c, b'-' | b'.' | b'_' | b'~');
        b += 1;
    }
    table
};

/// Why the body could not be written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
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
pub(crate) struct Sink<'b> {
    pub(crate) buf: &'b mut [u8],
    pub(crate) len: usize,
}

impl Sink<'_> {
    pub(crate) fn raw(&mut self, s: &[u8]) {
        let end = self.len + s.len();
        if let Some(dst) = self.buf.get_mut(self.len..end) {
            dst.copy_from_slice(s);
        }
        self.len = end;
    }

    /// `s` with every byte but the unreserved ones written `%XX`: each run
    /// of unreserved bytes (a whole JWT, usually) copied at once.
    pub(crate) fn escaped(&mut self, mut s: &[u8]) {
        const HEX: &[u8; 16] = b"0123456789ABCDEF";
        while let Some(run) = s.iter().position(|&b| !UNRESERVED[usize::from(b)]) {
            let (clean, rest) = s.split_at(run);
            self.raw(clean);
            // `rest` starts with the byte `position` found.
            let Some((&b, rest)) = rest.split_first() else {
                return;
            };
            self.raw(&[b'%', HEX[usize::from(b >> 4)], HEX[usize::from(b & 15)]]);
            s = rest;
        }
        self.raw(s);
    }

    /// `prefix` (`&Name=`) and the escaped `value`.
    pub(crate) fn param(&mut self, prefix: &str, value: &str) {
        self.raw(prefix.as_bytes());
        self.escaped(value.as_bytes());
    }

    /// `Action=...&Version=...`: how every body starts.
    pub(crate) fn action(&mut self, action: &str) {
        self.raw(b"Action=");
        self.raw(action.as_bytes());
        self.raw(b"&Version=");
        self.raw(API_VERSION.as_bytes());
    }

    /// `&PolicyArns.member.N.arn=...`, numbered from 1.
    pub(crate) fn policy_arns(&mut self, arns: &[&str]) {
        for (i, arn) in (1..).zip(arns) {
            self.raw(b"&PolicyArns.member.");
            self.number(i);
            self.param(".arn=", arn);
        }
    }

    /// `&DurationSeconds=N`, when given.
    pub(crate) fn duration(&mut self, seconds: Option<u32>) {
        if let Some(d) = seconds {
            self.raw(b"&DurationSeconds=");
            self.number(d);
        }
    }

    pub(crate) fn number(&mut self, n: u32) {
        // Leading zeros skipped; `n` itself is at most 10 digits.
        let mut div = 1_000_000_000;
        while div > 1 && n / div == 0 {
            div /= 10;
        }
        while div > 0 {
            self.raw(&[b'0' + (n / div % 10) as u8]);
            div /= 10;
        }
    }
}

/// The exact size of what `write` puts in a body, found by writing nowhere.
pub(crate) fn measure(write: impl FnOnce(&mut Sink<'_>)) -> usize {
    let mut sink = Sink { buf: &mut [], len: 0 };
    write(&mut sink);
    sink.len
}

/// Runs `write` into `out` and returns the length written; if `out` is
/// short, wipes what was written (a partial body holds secrets: the token,
/// a context assertion) and returns the exact size needed.
pub(crate) fn write_into(out: &mut [u8], write: impl FnOnce(&mut Sink<'_>)) -> Result<usize, EncodeError> {
    let mut sink = Sink { buf: out, len: 0 };
    write(&mut sink);
    if sink.len > sink.buf.len() {
        zeroize::Zeroize::zeroize(&mut *sink.buf);
        return Err(EncodeError::BufferTooSmall { needed: sink.len });
    }
    Ok(sink.len)
}

fn write_body(input: &AssumeRoleWithWebIdentityInput<'_>, sink: &mut Sink<'_>) {
    sink.action(ACTION);
    sink.param("&RoleArn=", input.role_arn);
    sink.param("&RoleSessionName=", input.role_session_name);
    sink.param("&WebIdentityToken=", input.web_identity_token.expose());
    if let Some(p) = input.provider_id {
        sink.param("&ProviderId=", p);
    }
    sink.policy_arns(input.policy_arns);
    if let Some(p) = input.policy {
        sink.param("&Policy=", p);
    }
    sink.duration(input.duration_seconds);
}

/// The exact size of the body [`encode`] writes for `input`, valid or not.
pub fn encoded_len(input: &AssumeRoleWithWebIdentityInput<'_>) -> usize {
    measure(|sink| write_body(input, sink))
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
pub fn encode(input: &AssumeRoleWithWebIdentityInput<'_>, out: &mut [u8]) -> Result<usize, EncodeError> {
    input.validate()?;
    write_into(out, |sink| write_body(input, sink))
}

#[cfg(test)]
mod tests {
    extern crate alloc;

    use alloc::string::String;

    use percent_encoding::{AsciiSet, NON_ALPHANUMERIC};

    use super::*;

    /// Everything but the RFC 3986 unreserved characters is escaped, as
    /// `percent-encoding` (the oracle) does with this set.
    const QUERY_VALUE: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

    fn oracle(s: &[u8]) -> String {
        percent_encoding::percent_encode(s, QUERY_VALUE).collect()
    }

    #[test]
    fn every_byte_is_escaped_as_percent_encoding_does() {
        for b in 0..=255u8 {
            let mut buf = [0u8; 3];
            let mut sink = Sink { buf: &mut buf, len: 0 };
            sink.escaped(&[b]);
            let n = sink.len;
            assert_eq!(&buf[..n], oracle(&[b]).as_bytes(), "{b:#04x}");
        }
    }

    proptest::proptest! {
        /// On any bytes (mostly unreserved, as tokens are) the text is the
        /// one `percent-encoding` writes, counted exactly, and into a short
        /// buffer only a prefix of it is written.
        #[test]
        fn escaping_matches_percent_encoding(
            s in proptest::collection::vec(
                proptest::prop_oneof![4 => proptest::sample::select(b"aZ09-._~".to_vec()), 1 => proptest::num::u8::ANY],
                0..200,
            ),
            cut in 0.0..1.0f64,
        ) {
            let want = oracle(&s);
            let mut full = alloc::vec![0u8; want.len()];
            let mut sink = Sink { buf: &mut full, len: 0 };
            sink.escaped(&s);
            proptest::prop_assert_eq!(sink.len, want.len());
            proptest::prop_assert_eq!(&full[..], want.as_bytes());
            let size = (want.len() as f64 * cut) as usize;
            let mut short = alloc::vec![0u8; size];
            let mut sink = Sink { buf: &mut short, len: 0 };
            sink.escaped(&s);
            proptest::prop_assert_eq!(sink.len, want.len());
            let written = short.iter().position(|&b| b == 0).unwrap_or(size);
            proptest::prop_assert_eq!(&short[..written], &want.as_bytes()[..written]);
        }
    }

    #[test]
    fn numbers_are_written_without_leading_zeros() {
        for n in [0, 1, 9, 10, 900, 43_200, u32::MAX] {
            let mut buf = [0u8; 10];
            let mut sink = Sink { buf: &mut buf, len: 0 };
            sink.number(n);
            let len = sink.len;
            assert_eq!(core::str::from_utf8(&buf[..len]), Ok(alloc::format!("{n}").as_str()));
        }
    }
}
