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

/// Whether `b` is an RFC 3986 unreserved byte (`A-Z a-z 0-9 - . _ ~`), written
/// as is; every other byte is escaped. Arithmetic rather than a table, so a
/// block of them compiles to a few vector instructions; the form depends on
/// the target (both are checked against `percent-encoding` by the tests).
#[inline(always)]
const fn unreserved(b: u8) -> bool {
    if cfg!(any(target_arch = "x86", target_arch = "x86_64")) {
        unreserved_signed(b)
    } else {
        unreserved_unsigned(b)
    }
}

/// [`unreserved`] with each range as one add and one *signed* compare (a
/// byte pushed past `0x7F` turns negative): SSE2 has a signed byte compare
/// (`pcmpgtb`) but no unsigned one, which takes three instructions there
/// (75 instead of 91 instructions per 64 bytes). On a core without SIMD
/// (Cortex-M4) the sign extensions make it slower than the plain form.
#[inline(always)]
const fn unreserved_signed(b: u8) -> bool {
    // `| 0x20` folds `A-Z` onto `a-z`; `a-z` + 5 is `0x66..=0x7F`, the top
    // of the positive bytes.
    let letter = ((b | 0x20).wrapping_add(5) as i8) > 0x65;
    // `-./0-9` + 0x46 is `0x73..=0x7F`; less `/`.
    let dash_dot_digit = ((b.wrapping_add(0x46) as i8) > 0x72) & (b != b'/');
    letter | dash_dot_digit | (b == b'_') | (b == b'~')
}

/// [`unreserved`] with unsigned range checks.
#[inline(always)]
const fn unreserved_unsigned(b: u8) -> bool {
    // `-./0-9` less `/`; `| 0x20` folds `A-Z` onto `a-z` (and nothing else
    // onto it); `_`; `~`.
    ((b.wrapping_sub(b'-') < 13) & (b != b'/')) | ((b | 0x20).wrapping_sub(b'a') < 26) | (b == b'_') | (b == b'~')
}

/// Each byte as it is written, for the byte-by-byte path: its text (`b`, or
/// `%XX`) and, in the high byte, the text's length.
static ESCAPED: [u32; 256] = {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut table = [0u32; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = if unreserved(b as u8) {
            b as u32 | 1 << 24
        } else {
            b'%' as u32 | (HEX[b >> 4] as u32) << 8 | (HEX[b & 15] as u32) << 16 | 3 << 24
        };
        b += 1;
    }
    table
};

/// The bytes checked at once on the fast path (a run of unreserved bytes is
/// copied whole).
const BLOCK: usize = 64;

/// How many leading bytes of `bytes` are certainly unreserved: whole blocks
/// of them, or all of `bytes` when the blocks and the last `BLOCK` bytes
/// (which overlap the last whole block) are.
#[inline(never)]
fn clean_prefix(bytes: &[u8]) -> usize {
    /// No early exit inside the block, so the check vectorizes.
    #[inline(always)]
    fn clean(block: &[u8]) -> bool {
        <&[u8; BLOCK]>::try_from(block).is_ok_and(|block| block.iter().fold(true, |ok, &b| ok & unreserved(b)))
    }

    let mut n = 0;
    for block in bytes.chunks_exact(BLOCK) {
        if !clean(block) {
            return n;
        }
        n += BLOCK;
    }
    match bytes.len().checked_sub(BLOCK).and_then(|from| bytes.get(from..)) {
        Some(last) if n < bytes.len() && clean(last) => bytes.len(),
        _ => n,
    }
}

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
        self.raw_bytes(s.as_bytes());
    }

    #[inline]
    fn raw_bytes(&mut self, s: &[u8]) {
        let end = self.len + s.len();
        if let Some(dst) = self.buf.get_mut(self.len..end) {
            dst.copy_from_slice(s);
        }
        self.len = end;
    }

    /// `s` with every byte but the unreserved ones written `%XX`: runs of
    /// unreserved bytes are found a block at a time and copied whole; a
    /// block that holds a byte to escape (or the short tail) is written byte
    /// by byte.
    fn escaped(&mut self, s: &str) {
        let mut rest = s.as_bytes();
        while !rest.is_empty() {
            let clean = clean_prefix(rest);
            let (run, tail) = rest.split_at(clean);
            self.raw_bytes(run);
            if tail.is_empty() {
                break;
            }
            let (block, tail) = tail.split_at(tail.len().min(BLOCK));
            self.escaped_block(block);
            rest = tail;
        }
    }

    /// [`escaped`](Self::escaped) for at most a block, byte by byte: each
    /// byte's text is stored whole (four bytes from [`ESCAPED`], no branch,
    /// no bounds check) in a scratch array, which then goes to the buffer as
    /// it is (exactly the text: nothing past the body is written) and is
    /// wiped (it may hold bytes of the token).
    #[inline]
    fn escaped_block(&mut self, block: &[u8]) {
        /// Room for a block of escapes and the last store's 3-byte spill,
        /// rounded up so that `n & 0xFF` needs no bounds check.
        const SCRATCH: usize = 0x100 + 4;
        const _: () = assert!(3 * BLOCK + 4 <= 0x100);
        let block = block.get(..BLOCK).unwrap_or(block);
        let mut scratch = [0u8; SCRATCH];
        let mut n = 0;
        for &b in block {
            let e = ESCAPED[usize::from(b)];
            let at = n & 0xFF;
            if let Some(dst) = scratch.get_mut(at..at + 4) {
                dst.copy_from_slice(&e.to_le_bytes());
            }
            n += (e >> 24) as usize;
        }
        let text = scratch.get_mut(..n).unwrap_or_default();
        self.raw_bytes(text);
        // What was stored: the text and the spill.
        if let Some(used) = scratch.get_mut(..n + 3) {
            zeroize::Zeroize::zeroize(used);
        }
    }

    /// `prefix` (`&Name=`) and the escaped `value`.
    fn param(&mut self, prefix: &str, value: &str) {
        self.raw(prefix);
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

/// `Action=<ACTION>&Version=<API_VERSION>`, in one piece.
const HEAD: &str = "Action=AssumeRoleWithWebIdentity&Version=2011-06-15";

// `HEAD` is made of the model's constants (checked at compile time).
const _: () = assert!(is_concat(HEAD, &["Action=", ACTION, "&Version=", API_VERSION]));

/// Whether `whole` is `parts` joined.
const fn is_concat(whole: &str, parts: &[&str]) -> bool {
    let whole = whole.as_bytes();
    let mut at = 0;
    let mut p = 0;
    while p < parts.len() {
        let part = parts[p].as_bytes();
        let mut i = 0;
        while i < part.len() {
            if at >= whole.len() || whole[at] != part[i] {
                return false;
            }
            at += 1;
            i += 1;
        }
        p += 1;
    }
    at == whole.len()
}

fn write_body(input: &AssumeRoleWithWebIdentityInput<'_>, sink: &mut Sink<'_>) {
    sink.raw(HEAD);
    sink.param("&RoleArn=", input.role_arn);
    sink.param("&RoleSessionName=", input.role_session_name);
    sink.param("&WebIdentityToken=", input.web_identity_token.expose());
    if let Some(p) = input.provider_id {
        sink.param("&ProviderId=", p);
    }
    for (i, arn) in input.policy_arns.iter().enumerate() {
        sink.raw("&PolicyArns.member.");
        sink.number(i as u32 + 1);
        sink.raw(".arn=");
        sink.escaped(arn);
    }
    if let Some(p) = input.policy {
        sink.param("&Policy=", p);
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

#[cfg(test)]
mod tests {
    extern crate alloc;

    use alloc::string::{String, ToString};
    use alloc::vec::Vec;

    use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

    use super::*;

    /// Everything but the RFC 3986 unreserved characters is escaped: the set
    /// the encoder used to hand to `percent-encoding`, kept as the oracle.
    const QUERY_VALUE: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

    fn escaped(s: &str) -> (String, usize) {
        let mut buf = alloc::vec![0u8; 3 * s.len()];
        let mut sink = Sink { buf: &mut buf, len: 0 };
        sink.escaped(s);
        let n = sink.len;
        let mut counter = Sink { buf: &mut [], len: 0 };
        counter.escaped(s);
        assert_eq!(counter.len, n, "counting and writing agree");
        (String::from_utf8(buf[..n].to_vec()).unwrap(), n)
    }

    fn oracle(s: &str) -> String {
        utf8_percent_encode(s, QUERY_VALUE).collect()
    }

    #[test]
    fn byte_classes_match_percent_encoding() {
        for b in 0..=255u8 {
            let kept = percent_encoding::percent_encode(&[b], QUERY_VALUE).to_string() == String::from(b as char)
                && b.is_ascii();
            assert_eq!(unreserved(b), kept, "{b:#04x}");
            assert_eq!(unreserved_signed(b), kept, "{b:#04x}");
            assert_eq!(unreserved_unsigned(b), kept, "{b:#04x}");
            let e = ESCAPED[usize::from(b)].to_le_bytes();
            let text = percent_encoding::percent_encode_byte(b).as_bytes();
            let want: &[u8] = if kept { &[b] } else { text };
            assert_eq!(&e[..usize::from(e[3])], want, "{b:#04x}");
        }
    }

    #[test]
    fn escaping_matches_percent_encoding() {
        // Every character class at every position of strings around the
        // block size (and twice it); then a sample of all scalar values, and
        // all of ASCII, in long strings.
        let specials = [
            'a', '~', '.', '/', ':', ' ', '%', '\u{7f}', '\u{80}', 'é', '\u{fffd}', '😀', '\0',
        ];
        for len in [0, 1, 2, 31, 32, 33, 63, 64, 65, 100, 127, 128, 129] {
            for at in 0..len.max(1) {
                for &c in &specials {
                    let s: String = (0..len).map(|i| if i == at { c } else { 'x' }).collect();
                    assert_eq!(escaped(&s).0, oracle(&s), "{s:?}");
                }
            }
        }
        let all: String = (0..0x11_0000u32).step_by(97).filter_map(char::from_u32).collect();
        assert_eq!(escaped(&all).0, oracle(&all));
        let ascii: String = (0..128u8).map(char::from).cycle().take(1000).collect();
        assert_eq!(escaped(&ascii).0, oracle(&ascii));
        // Escapes clustered and spread, on block edges.
        let mut mixed = Vec::new();
        for i in 0..300usize {
            mixed.push(if i % 31 == 0 || i % 32 == 31 || (64..70).contains(&i) {
                '/'
            } else {
                'Q'
            });
        }
        let mixed: String = mixed.into_iter().collect();
        assert_eq!(escaped(&mixed).0, oracle(&mixed));
    }

    #[test]
    fn partial_writes_stop_at_the_buffer_and_count_on() {
        let s = "abc/def:ghi~jkl%mno".repeat(7);
        let (full, n) = escaped(&s);
        for size in 0..n {
            let mut buf = alloc::vec![0u8; size];
            let mut sink = Sink { buf: &mut buf, len: 0 };
            sink.escaped(&s);
            assert_eq!(sink.len, n, "size {size}");
            // Whatever was written is a prefix of the body.
            let written = buf.iter().position(|&b| b == 0).unwrap_or(size);
            assert_eq!(&buf[..written], &full.as_bytes()[..written], "size {size}");
        }
    }
}
