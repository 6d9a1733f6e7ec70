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
/// block of them compiles to a few vector instructions on the wide path
/// (64-bit targets; the narrow path checks bytes by `EXTRA`, built from
/// this); the form depends on the target (both are checked against
/// `percent-encoding` by the tests).
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
/// (75 instead of 91 instructions per 64 bytes). Without SIMD the sign
/// extensions make it slower than the plain form.
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
#[cfg(any(test, target_pointer_width = "64"))]
static ESCAPED: [u32; 256] = {
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

#[cfg(any(test, target_pointer_width = "64"))]
/// The bytes checked at once on the fast path (a run of unreserved bytes is
/// copied whole).
const BLOCK: usize = 64;

/// How many leading bytes of `bytes` are certainly unreserved: whole blocks
/// of them, or all of `bytes` when the blocks and the last `BLOCK` bytes
/// (which overlap the last whole block) are.
#[cfg(any(test, target_pointer_width = "64"))]
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

/// The uppercase hex digits of `%XX`.
const HEX: &[u8; 16] = b"0123456789ABCDEF";

/// For each byte, how many bytes its text has beyond the byte itself: 0 for
/// an unreserved byte, 2 for `%XX`. The byte check of the narrow path: a load
/// per byte is fewer instructions than the arithmetic check on a core without
/// SIMD (Cortex-M4 at opt-level `z`: under 4 a byte with the copy, against
/// 29 for the arithmetic check alone), a zero test covers several
/// bytes added up, and the sum counts the text.
#[cfg(any(test, not(target_pointer_width = "64")))]
static EXTRA: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = if unreserved(b as u8) { 0 } else { 2 };
        b += 1;
    }
    table
};

/// The bytes taken at once by [`copy_clean`] and [`escaped_len`].
#[cfg(any(test, not(target_pointer_width = "64")))]
const STEP: usize = 16;

/// The [`EXTRA`] of `bytes` combined by `f` (added up: zero when all are
/// unreserved): one load per byte, unrolled by hand (opt-level `z` keeps a
/// loop over an array).
#[cfg(any(test, not(target_pointer_width = "64")))]
#[inline(always)]
fn fold_extra(bytes: &[u8; STEP], f: impl Fn(usize, usize) -> usize) -> usize {
    let e = |b: u8| usize::from(EXTRA[usize::from(b)]);
    let [b0, b1, b2, b3, b4, b5, b6, b7, b8, b9, b10, b11, b12, b13, b14, b15] = *bytes;
    let x = f(f(f(e(b0), e(b1)), f(e(b2), e(b3))), f(f(e(b4), e(b5)), f(e(b6), e(b7))));
    let y = f(
        f(f(e(b8), e(b9)), f(e(b10), e(b11))),
        f(f(e(b12), e(b13)), f(e(b14), e(b15))),
    );
    f(x, y)
}

/// Copies leading unreserved bytes of `src` to `dst` (as long as `src`)
/// [`STEP`] bytes at a time and returns how many: all of `src`, or the
/// whole steps before the first that holds a byte to escape (or before the
/// short tail). The last step overlaps the one before when the length is not
/// a multiple of `STEP`.
#[cfg(any(test, not(target_pointer_width = "64")))]
#[inline(never)]
fn copy_clean(src: &[u8], dst: &mut [u8]) -> usize {
    /// Copies `s` to `d` if all of it is unreserved.
    #[inline(always)]
    fn step(s: &[u8], d: &mut [u8]) -> bool {
        let (Ok(s), Ok(d)) = (<&[u8; STEP]>::try_from(s), <&mut [u8; STEP]>::try_from(d)) else {
            return false;
        };
        // A sum rather than an OR: opt-level `z` outlines the OR chain.
        if fold_extra(s, |a, b| a + b) != 0 {
            return false;
        }
        // Two halves: two word loads and stores each, where a whole step
        // would be a `memcpy` call.
        let (d0, d1) = d.split_at_mut(STEP / 2);
        let (s0, s1) = s.split_at(STEP / 2);
        d0.copy_from_slice(s0);
        d1.copy_from_slice(s1);
        true
    }

    let mut n = 0;
    loop {
        // The next step; once fewer than `STEP` bytes are left, the last
        // `STEP` bytes (if there are as many), which overlap what is copied.
        let at = if n + STEP <= src.len() {
            n
        } else if n < src.len() && src.len() >= STEP {
            src.len() - STEP
        } else {
            break;
        };
        let (Some(s), Some(d)) = (src.get(at..at + STEP), dst.get_mut(at..at + STEP)) else {
            break;
        };
        if !step(s, d) {
            break;
        }
        n = at + STEP;
    }
    n
}

/// `dst.copy_from_slice(src)` for the short pieces of the narrow path: a
/// word at a time, inline, where `memcpy` (`compiler_builtins`' at
/// opt-level `z`) takes several instructions a byte when the two are not
/// aligned alike.
#[cfg(any(test, not(target_pointer_width = "64")))]
#[inline(never)]
fn copy_words(dst: &mut [u8], src: &[u8]) {
    let mut d = dst.chunks_exact_mut(4);
    let mut s = src.chunks_exact(4);
    for (d, s) in (&mut d).zip(&mut s) {
        if let (Ok(d), Ok(s)) = (<&mut [u8; 4]>::try_from(d), <&[u8; 4]>::try_from(s)) {
            *d = *s;
        }
    }
    for (d, s) in d.into_remainder().iter_mut().zip(s.remainder()) {
        *d = *s;
    }
}

/// The length of `bytes` escaped: [`STEP`] bytes at a time, then byte by
/// byte.
#[cfg(any(test, not(target_pointer_width = "64")))]
#[inline(never)]
fn escaped_len(bytes: &[u8]) -> usize {
    let extra = |b: u8| usize::from(EXTRA[usize::from(b)]);
    let steps = bytes.chunks_exact(STEP);
    let tail = steps.remainder().iter().map(|&b| extra(b)).sum::<usize>();
    bytes.len()
        + steps.fold(tail, |n, s| {
            <&[u8; STEP]>::try_from(s).map_or(n, |s| n + fold_extra(s, |a, b| a + b))
        })
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
            #[cfg(target_pointer_width = "64")]
            dst.copy_from_slice(s);
            #[cfg(not(target_pointer_width = "64"))]
            copy_words(dst, s);
        }
        self.len = end;
    }

    /// `s` with every byte but the unreserved ones written `%XX`, by the
    /// form that suits the target: `escaped_wide` where the unreserved check
    /// of a block vectorizes (64-bit targets, which mostly have SIMD),
    /// `escaped_narrow` on 32-bit ones (Cortex-M has no SIMD). Both are
    /// tested on the host.
    #[inline]
    fn escaped(&mut self, s: &str) {
        #[cfg(target_pointer_width = "64")]
        self.escaped_wide(s.as_bytes());
        #[cfg(not(target_pointer_width = "64"))]
        self.escaped_narrow(s.as_bytes());
    }

    /// [`escaped`](Self::escaped) by blocks: runs of unreserved bytes are
    /// found a block at a time and copied whole; a block that holds a byte to
    /// escape (or the short tail) is written byte by byte.
    #[cfg(any(test, target_pointer_width = "64"))]
    fn escaped_wide(&mut self, s: &[u8]) {
        let mut rest = s;
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

    /// [`escaped`](Self::escaped) by table: while the buffer has room for
    /// the rest as it is, whole steps of unreserved bytes are copied
    /// ([`copy_clean`]), and the step that holds a byte to escape (or the
    /// short tail) is written byte by byte; once it has not, the rest is
    /// only counted ([`escaped_len`]).
    #[cfg(any(test, not(target_pointer_width = "64")))]
    fn escaped_narrow(&mut self, s: &[u8]) {
        let buf = &mut *self.buf;
        // The length in a local (kept in a register), stored back at the end.
        let mut at = self.len;
        let mut rest = s;
        while !rest.is_empty() {
            let Some(dst) = buf.get_mut(at..).and_then(|free| free.get_mut(..rest.len())) else {
                at += escaped_len(rest);
                break;
            };
            let n = copy_clean(rest, dst);
            at += n;
            let tail = rest.get(n..).unwrap_or_default();
            let (block, tail) = tail.split_at_checked(STEP).unwrap_or((tail, &[]));
            for &b in block {
                if EXTRA[usize::from(b)] == 0 {
                    if let Some(dst) = buf.get_mut(at) {
                        *dst = b;
                    }
                    at += 1;
                } else {
                    if let Some(dst) = buf.get_mut(at..at + 3) {
                        dst.copy_from_slice(&[b'%', HEX[usize::from(b >> 4)], HEX[usize::from(b & 15)]]);
                    }
                    at += 3;
                }
            }
            rest = tail;
        }
        self.len = at;
    }

    /// [`escaped`](Self::escaped) for at most a block, byte by byte: each
    /// byte's text is stored whole (four bytes from [`ESCAPED`], no branch,
    /// no bounds check) in a scratch array, which then goes to the buffer as
    /// it is (exactly the text: nothing past the body is written) and is
    /// wiped (it may hold bytes of the token).
    #[cfg(any(test, target_pointer_width = "64"))]
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

    /// A form of [`Sink::escaped`], by name.
    type Form = (&'static str, fn(&mut Sink<'_>, &[u8]));

    /// Both forms of [`Sink::escaped`], whatever the target picks.
    const FORMS: [Form; 2] = [
        ("wide", |sink, s| sink.escaped_wide(s)),
        ("narrow", |sink, s| sink.escaped_narrow(s)),
    ];

    /// `s` escaped by `form`, written and counted (which must agree).
    fn escaped_by((form, escape): Form, s: &[u8]) -> Vec<u8> {
        let mut buf = alloc::vec![0u8; 3 * s.len()];
        let mut sink = Sink { buf: &mut buf, len: 0 };
        escape(&mut sink, s);
        let n = sink.len;
        let mut counter = Sink { buf: &mut [], len: 0 };
        escape(&mut counter, s);
        assert_eq!(counter.len, n, "{form}: counting and writing agree");
        buf.truncate(n);
        buf
    }

    /// `s` escaped by both forms, each writing and counting, which must all
    /// agree.
    fn escaped(s: &str) -> (String, usize) {
        let [wide, narrow] = FORMS.map(|form| escaped_by(form, s.as_bytes()));
        assert_eq!(narrow, wide, "the forms agree on {s:?}");
        let n = wide.len();
        (String::from_utf8(wide).unwrap(), n)
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
            assert_eq!(1 + usize::from(EXTRA[usize::from(b)]), want.len(), "{b:#04x}");
            assert_eq!(
                text,
                [b'%', HEX[usize::from(b >> 4)], HEX[usize::from(b & 15)]],
                "{b:#04x}"
            );
        }
    }

    /// The byte checks of the two forms (arithmetic for the wide one,
    /// [`EXTRA`] for the narrow one) agree on every byte, and so do their
    /// texts.
    #[test]
    fn narrow_and_wide_byte_checks_agree() {
        for b in 0..=255u8 {
            let wide = unreserved(b);
            assert_eq!(EXTRA[usize::from(b)] == 0, wide, "{b:#04x}");
            let mut step = [b'a'; STEP];
            for at in 0..STEP {
                step[at] = b;
                assert_eq!(fold_extra(&step, |x, y| x + y) == 0, wide, "{b:#04x} at {at}");
                assert_eq!(fold_extra(&step, |x, y| x | y) == 0, wide, "{b:#04x} at {at}");
                step[at] = b'a';
            }
            // Alone, and at every position of a string a few steps long.
            let want = percent_encoding::percent_encode_byte(b).as_bytes();
            let want: &[u8] = if wide { &[b] } else { want };
            for form in FORMS {
                assert_eq!(escaped_by(form, &[b]), want, "{}: {b:#04x}", form.0);
            }
            assert_eq!(escaped_len(&[b]), want.len(), "{b:#04x}");
            for at in 0..3 * STEP + 1 {
                let mut s = [b'a'; 3 * STEP + 1];
                s[at] = b;
                let [wide, narrow] = FORMS.map(|form| escaped_by(form, &s));
                assert_eq!(narrow, wide, "{b:#04x} at {at}");
                assert_eq!(escaped_len(&s), wide.len(), "{b:#04x} at {at}");
            }
        }
    }

    #[test]
    fn copy_words_copies() {
        let src: Vec<u8> = (0..40u8).collect();
        for from in 0..4 {
            for len in 0..=(src.len() - from) {
                let mut dst = alloc::vec![0xEEu8; len + 8];
                copy_words(&mut dst[3..3 + len], &src[from..from + len]);
                assert_eq!(&dst[3..3 + len], &src[from..from + len]);
                assert!(
                    dst[..3].iter().chain(&dst[3 + len..]).all(|&b| b == 0xEE),
                    "nothing else written"
                );
            }
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
        for len in [
            0, 1, 2, 15, 16, 17, 31, 32, 33, 47, 48, 49, 63, 64, 65, 100, 127, 128, 129,
        ] {
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
        let s = "abc/def:ghi~jkl%mno".repeat(7) + &"x".repeat(40) + "/" + &"y".repeat(20);
        let (full, n) = escaped(&s);
        for (form, escape) in FORMS {
            for size in 0..n {
                let mut buf = alloc::vec![0u8; size];
                let mut sink = Sink { buf: &mut buf, len: 0 };
                escape(&mut sink, s.as_bytes());
                assert_eq!(sink.len, n, "{form}: size {size}");
                // Whatever was written is a prefix of the body.
                let written = buf.iter().position(|&b| b == 0).unwrap_or(size);
                assert_eq!(&buf[..written], &full.as_bytes()[..written], "{form}: size {size}");
            }
        }
    }

    proptest::proptest! {
        /// On any bytes (mostly unreserved, as tokens are), both forms write
        /// the same text, the one `percent-encoding` writes, count it
        /// exactly, and into a short buffer write only a prefix of it.
        #[test]
        fn forms_agree_on_any_bytes(
            s in proptest::collection::vec(
                proptest::prop_oneof![4 => proptest::sample::select(b"aZ09-._~".to_vec()), 1 => proptest::num::u8::ANY],
                0..200,
            ),
            cut in 0.0..1.0f64,
        ) {
            let want: String = percent_encoding::percent_encode(&s, QUERY_VALUE).collect();
            let size = (want.len() as f64 * cut) as usize;
            for form in FORMS {
                proptest::prop_assert_eq!(escaped_by(form, &s), want.as_bytes(), "{}", form.0);
                let mut buf = alloc::vec![0u8; size];
                let mut sink = Sink { buf: &mut buf, len: 0 };
                (form.1)(&mut sink, &s);
                proptest::prop_assert_eq!(sink.len, want.len(), "{}", form.0);
                let written = buf.iter().position(|&b| b == 0).unwrap_or(size);
                proptest::prop_assert_eq!(&buf[..written], &want.as_bytes()[..written], "{}", form.0);
            }
            proptest::prop_assert_eq!(escaped_len(&s), want.len());
        }
    }
}
