//! The fast path of the success decoder: a reader specialised to the plain
//! STS success document.
//!
//! "Plain" means the document is the shape STS (and its emulators) actually
//! send, written the simple way:
//!
//! - only TAB, LF and printable ASCII but `&`, `]` and DEL, so no entity or
//!   character reference, no CR to normalise, no `]]>`, no non-ASCII text,
//!   nothing XML forbids;
//! - optionally `<?xml version="1.0" encoding="UTF-8"?>` (or `utf-8`, or
//!   without the encoding) at the very start, then whitespace;
//! - the root `<AssumeRoleWithWebIdentityResponse>`, either bare or with
//!   exactly `xmlns="https://sts.amazonaws.com/doc/2011-06-15/"`;
//! - below it only the elements of the STS model, unprefixed, each at most
//!   once, written `<Name>` and `</Name>` (no attributes, no empty-element
//!   tags, no whitespace inside tags), in any order; members holding text
//!   hold only text;
//! - nothing but whitespace after the root;
//! - every required member present and not empty, `Expiration` RFC 3339,
//!   `PackedPolicySize` a `u32`.
//!
//! Text between elements inside the root (whitespace, as a rule) is checked
//! to be made of the bytes above and otherwise ignored, as the general
//! reader ignores it.
//!
//! [`Plain::read`] walks such a document directly: tags are compared with the
//! known names as literals and each text runs to the next `<`. Anything else
//! (a comment, a prefix, an unknown element, a missing member...) makes it
//! give up, and the caller runs the general reader, which handles all of XML
//! and reports precise errors. So the fast path only ever yields successes,
//! and for those the same output as the general path.
//!
//! [`Plain`] records byte ranges, not borrows, so that the caller may still
//! hand the buffer to the general reader (which writes to it) when it gives
//! up.

use crate::decode::{parse_timestamp_bytes, parse_u32_bytes};
use crate::model::{AssumeRoleWithWebIdentityOutput, AssumedRoleUser, Credentials};
use crate::secret::Secret;
use crate::time::Timestamp;

// Slots of the members that hold text, and bits of `Plain::seen`.
const ACCESS_KEY_ID: usize = 0;
const SECRET_ACCESS_KEY: usize = 1;
const SESSION_TOKEN: usize = 2;
const EXPIRATION: usize = 3;
const ASSUMED_ROLE_ID: usize = 4;
const ARN: usize = 5;
const SUBJECT: usize = 6;
const PACKED_POLICY_SIZE: usize = 7;
const PROVIDER: usize = 8;
const AUDIENCE: usize = 9;
const SOURCE_IDENTITY: usize = 10;
const REQUEST_ID: usize = 11;
const TEXTS: usize = 12;
// Bits of `Plain::seen` for the members that hold elements.
const RESULT: usize = 12;
const CREDENTIALS: usize = 13;
const USER: usize = 14;
const METADATA: usize = 15;

/// What [`Plain::read`] found in a plain document: where each member's text
/// is, and the values it parsed. Holds no borrow of the buffer.
#[derive(Debug, Clone)]
pub(crate) struct Plain {
    /// Start and end of the text of each member (slot constants above);
    /// valid where `seen` has the slot's bit.
    texts: [(usize, usize); TEXTS],
    /// Which members were read (bit per constant above).
    seen: u32,
    expiration: Timestamp,
    packed_policy_size: Option<u32>,
}

/// The root's start tag, without its `>`.
const ROOT: &[u8; 34] = b"<AssumeRoleWithWebIdentityResponse";
/// The only attribute the root may have, with the tag's `>`.
const XMLNS: &[u8; 51] = b" xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">";
/// The XML declarations accepted at the very start.
const DECL_UTF8: &[u8; 38] = b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>";
const DECL_UTF8_LOWER: &[u8; 38] = b"<?xml version=\"1.0\" encoding=\"utf-8\"?>";
const DECL: &[u8; 21] = b"<?xml version=\"1.0\"?>";

impl Plain {
    /// Nothing read yet.
    pub(crate) const fn new() -> Self {
        Self {
            texts: [(0, 0); TEXTS],
            seen: 0,
            expiration: Timestamp { seconds: 0, nanos: 0 },
            packed_policy_size: None,
        }
    }

    /// Reads `t` as a plain STS success document; `None` when it is not one
    /// (which says nothing about whether it is a valid document). `self`
    /// must be [`new`](Self::new).
    pub(crate) fn read(&mut self, t: &[u8]) -> Option<()> {
        let mut i = 0;
        if t.get(1) == Some(&b'?') {
            if at(t, 0, DECL_UTF8) || at(t, 0, DECL_UTF8_LOWER) {
                i = DECL_UTF8.len();
            } else if at(t, 0, DECL) {
                i = DECL.len();
            } else {
                return None;
            }
        }
        i = skip_ws(t, i);
        if !at(t, i, ROOT) {
            return None;
        }
        i += ROOT.len();
        match t.get(i) {
            Some(b'>') => i += 1,
            Some(b' ') if at(t, i, XMLNS) => i += XMLNS.len(),
            _ => return None,
        }
        // The root's children.
        let end = loop {
            i = next_tag(t, i)?;
            i = match t.get(i + 1)? {
                b'A' => {
                    let i = past(t, i, b"<AssumeRoleWithWebIdentityResult>")?;
                    self.once(RESULT)?;
                    self.result(t, i)?
                }
                b'R' => {
                    let i = past(t, i, b"<ResponseMetadata>")?;
                    self.once(METADATA)?;
                    self.metadata(t, i)?
                }
                b'/' => break past(t, i, b"</AssumeRoleWithWebIdentityResponse>")?,
                _ => return None,
            };
        };
        if skip_ws(t, end) != t.len() {
            return None;
        }
        self.check(t)
    }

    /// Marks `bit` as seen; `None` if it was already.
    #[inline(always)]
    fn once(&mut self, bit: usize) -> Option<()> {
        let mask = 1 << bit;
        if self.seen & mask != 0 {
            return None;
        }
        self.seen |= mask;
        Some(())
    }

    /// Reads the element `open` text `close` at `i` (where `open` must be)
    /// into `slot`; returns the index after `close`.
    #[inline(always)]
    fn leaf<const N: usize, const M: usize>(
        &mut self,
        t: &[u8],
        i: usize,
        open: &[u8; N],
        close: &[u8; M],
        slot: usize,
    ) -> Option<usize> {
        if !at(t, i, open) {
            return None;
        }
        self.once(slot)?;
        let start = i + N;
        let end = text_end(t, start)?;
        if !at(t, end, close) {
            return None;
        }
        if let Some(r) = self.texts.get_mut(slot) {
            *r = (start, end);
        }
        Some(end + M)
    }

    /// The children of `AssumeRoleWithWebIdentityResult`, from `i` (after
    /// its start tag) to after its end tag.
    fn result(&mut self, t: &[u8], mut i: usize) -> Option<usize> {
        loop {
            i = next_tag(t, i)?;
            i = match t.get(i + 1..i + 3)? {
                b"Cr" => {
                    let i = past(t, i, b"<Credentials>")?;
                    self.once(CREDENTIALS)?;
                    self.credentials(t, i)?
                }
                b"As" => {
                    let i = past(t, i, b"<AssumedRoleUser>")?;
                    self.once(USER)?;
                    self.user(t, i)?
                }
                b"Su" => self.leaf(
                    t,
                    i,
                    b"<SubjectFromWebIdentityToken>",
                    b"</SubjectFromWebIdentityToken>",
                    SUBJECT,
                )?,
                b"Pa" => self.leaf(t, i, b"<PackedPolicySize>", b"</PackedPolicySize>", PACKED_POLICY_SIZE)?,
                b"Pr" => self.leaf(t, i, b"<Provider>", b"</Provider>", PROVIDER)?,
                b"Au" => self.leaf(t, i, b"<Audience>", b"</Audience>", AUDIENCE)?,
                b"So" => self.leaf(t, i, b"<SourceIdentity>", b"</SourceIdentity>", SOURCE_IDENTITY)?,
                b"/A" => return past(t, i, b"</AssumeRoleWithWebIdentityResult>"),
                _ => return None,
            };
        }
    }

    /// The children of `Credentials`, from `i` (after its start tag) to
    /// after its end tag.
    fn credentials(&mut self, t: &[u8], mut i: usize) -> Option<usize> {
        loop {
            i = next_tag(t, i)?;
            i = match t.get(i + 1..i + 4)? {
                b"Acc" => self.leaf(t, i, b"<AccessKeyId>", b"</AccessKeyId>", ACCESS_KEY_ID)?,
                b"Sec" => self.leaf(t, i, b"<SecretAccessKey>", b"</SecretAccessKey>", SECRET_ACCESS_KEY)?,
                b"Ses" => self.leaf(t, i, b"<SessionToken>", b"</SessionToken>", SESSION_TOKEN)?,
                b"Exp" => self.leaf(t, i, b"<Expiration>", b"</Expiration>", EXPIRATION)?,
                b"/Cr" => return past(t, i, b"</Credentials>"),
                _ => return None,
            };
        }
    }

    /// The children of `AssumedRoleUser`, from `i` (after its start tag) to
    /// after its end tag.
    fn user(&mut self, t: &[u8], mut i: usize) -> Option<usize> {
        loop {
            i = next_tag(t, i)?;
            i = match t.get(i + 1..i + 3)? {
                b"As" => self.leaf(t, i, b"<AssumedRoleId>", b"</AssumedRoleId>", ASSUMED_ROLE_ID)?,
                b"Ar" => self.leaf(t, i, b"<Arn>", b"</Arn>", ARN)?,
                b"/A" => return past(t, i, b"</AssumedRoleUser>"),
                _ => return None,
            };
        }
    }

    /// The children of `ResponseMetadata`, from `i` (after its start tag) to
    /// after its end tag.
    fn metadata(&mut self, t: &[u8], mut i: usize) -> Option<usize> {
        loop {
            i = next_tag(t, i)?;
            i = match t.get(i + 1)? {
                b'R' => self.leaf(t, i, b"<RequestId>", b"</RequestId>", REQUEST_ID)?,
                b'/' => return past(t, i, b"</ResponseMetadata>"),
                _ => return None,
            };
        }
    }

    /// Whether `slot` was read.
    fn has(&self, slot: usize) -> bool {
        self.seen & (1 << slot) != 0
    }

    /// The text of `slot` in `t`, if it was read.
    fn bytes<'a>(&self, t: &'a [u8], slot: usize) -> Option<&'a [u8]> {
        let &(start, end) = self.texts.get(slot)?;
        if self.has(slot) { t.get(start..end) } else { None }
    }

    /// What the general decoder checks once the document is read: required
    /// members present and not empty, the timestamp and the number valid.
    /// Parses those two.
    fn check(&mut self, t: &[u8]) -> Option<()> {
        let nonempty = |p: &Self, slot| p.bytes(t, slot).is_some_and(|r| !r.is_empty());
        if !self.has(RESULT) || !self.has(CREDENTIALS) {
            return None;
        }
        if ![ACCESS_KEY_ID, SECRET_ACCESS_KEY, SESSION_TOKEN, EXPIRATION]
            .iter()
            .all(|&s| nonempty(self, s))
        {
            return None;
        }
        if self.has(USER) && !(nonempty(self, ASSUMED_ROLE_ID) && nonempty(self, ARN)) {
            return None;
        }
        let expiration = self.bytes(t, EXPIRATION)?;
        self.expiration = match crate::time::rfc3339_fast(expiration) {
            Some(e) => e,
            None => parse_timestamp_bytes(expiration)?,
        };
        if let Some(b) = self.bytes(t, PACKED_POLICY_SIZE) {
            self.packed_policy_size = Some(parse_u32_bytes(b)?);
        }
        Some(())
    }

    /// The output, borrowing from `body`: the buffer [`read`](Self::read)
    /// accepted.
    pub(crate) fn output<'a>(&self, body: &'a [u8]) -> AssumeRoleWithWebIdentityOutput<'a> {
        // `read` found only ASCII in the texts, so this never fails (and one
        // call for the whole buffer costs less than one per text).
        let s = core::str::from_utf8(body).unwrap_or_default();
        let text = |slot: usize| {
            let &(start, end) = self.texts.get(slot)?;
            if self.has(slot) { s.get(start..end) } else { None }
        };
        let req = |slot| text(slot).unwrap_or_default();
        AssumeRoleWithWebIdentityOutput {
            credentials: Credentials {
                access_key_id: req(ACCESS_KEY_ID),
                secret_access_key: Secret::new(req(SECRET_ACCESS_KEY)),
                session_token: Secret::new(req(SESSION_TOKEN)),
                expiration: self.expiration,
            },
            assumed_role_user: self.has(USER).then(|| AssumedRoleUser {
                assumed_role_id: req(ASSUMED_ROLE_ID),
                arn: req(ARN),
            }),
            subject_from_web_identity_token: text(SUBJECT),
            packed_policy_size: self.packed_policy_size,
            provider: text(PROVIDER),
            audience: text(AUDIENCE),
            source_identity: text(SOURCE_IDENTITY),
            request_id: text(REQUEST_ID),
        }
    }
}

/// The index after `lit` if `t[i..]` starts with it.
#[inline(always)]
fn past<const N: usize>(t: &[u8], i: usize, lit: &[u8; N]) -> Option<usize> {
    at(t, i, lit).then_some(i + N)
}

/// Whether `t[i..]` starts with `lit`.
///
/// On 64-bit targets, a few SIMD or word compares: `N` is known, and the
/// compiler expands the comparison inline (in pieces small enough for it to
/// do so rather than call `bcmp`). Elsewhere (optimised for size, where
/// `bcmp` would go a byte at a time), [`eq_words`].
#[inline(always)]
fn at<const N: usize>(t: &[u8], i: usize, lit: &[u8; N]) -> bool {
    const PIECE: usize = 32;
    let Some(s) = t.get(i..i + N) else {
        return false;
    };
    if !cfg!(target_pointer_width = "64") {
        return eq_words(s, lit);
    }
    if N <= PIECE {
        return s == lit.as_slice();
    }
    s.get(..PIECE) == lit.get(..PIECE) && s.get(PIECE..) == lit.get(PIECE..)
}

/// Whether `a == b` (of the same length), four bytes at a time.
fn eq_words(a: &[u8], b: &[u8]) -> bool {
    let word = |c: &[u8]| u32::from_le_bytes(c.try_into().unwrap_or_default());
    let (mut x, mut y) = (a.chunks_exact(4), b.chunks_exact(4));
    if a.len() != b.len() || (&mut x).zip(&mut y).any(|(c, d)| word(c) != word(d)) {
        return false;
    }
    x.remainder().iter().zip(y.remainder()).all(|(c, d)| c == d)
}

/// Index of the first byte at or after `i` that is not XML whitespace (all
/// of it is TAB, LF or space in a plain document).
fn skip_ws(t: &[u8], i: usize) -> usize {
    match t.get(i..) {
        Some(s) => {
            i + s
                .iter()
                .position(|&b| !matches!(b, b' ' | b'\t' | b'\n'))
                .unwrap_or(s.len())
        }
        None => i,
    }
}

/// The machine word of the word-at-a-time code.
type Word = usize;
/// Bytes in a `Word`.
const W: usize = size_of::<Word>();
/// `0x7F` in every byte of a word.
const LOW7: Word = Word::MAX / 0xFF * 0x7F;
/// `0x80` in every byte of a word.
const HI: Word = !LOW7;

/// Index of the `<` of the next tag at or after `i`, past plain text.
/// Fast for what is usual between two tags: nothing, or a LF and spaces.
#[inline(always)]
fn next_tag(t: &[u8], mut i: usize) -> Option<usize> {
    if t.get(i) == Some(&b'\n') {
        i += 1;
        // Spaces, a word at a time.
        while let Some(c) = t.get(i..i + W) {
            let x = Word::from_le_bytes(c.try_into().ok()?) ^ (Word::MAX / 0xFF * Word::from(b' '));
            // `0x80` in exactly the bytes that are not spaces (no carries
            // cross bytes).
            let other = (((x & LOW7) + LOW7) | x) & HI;
            if other != 0 {
                i += (other.trailing_zeros() / 8) as usize;
                break;
            }
            i += W;
        }
    }
    if t.get(i) == Some(&b'<') {
        return Some(i);
    }
    text_end(t, i)
}

/// Zero exactly for the bytes that end a run of plain text: `<`, TAB and
/// LF (allowed, but rare in text, and cheaper to test together), and those
/// a plain document may not hold (`&`, `]`, DEL, non-ASCII, control
/// characters). Minimums of differences, so that the compiler vectorises it
/// well.
#[inline(always)]
fn stop(b: u8) -> u8 {
    // 0 exactly for 0x00..=0x1F and 0x7F..=0xFF.
    let outside = 0x5Fu8.saturating_sub(b.wrapping_sub(0x20));
    (b ^ b'<').min(b ^ b'&').min(b ^ b']').min(outside)
}

/// Bytes per block of `text_end`.
const BLOCK: usize = 16;

/// Index in `c` of its first [`stop`] byte, `BLOCK` if none. Branch-free:
/// the compiler computes `stop` on the whole block at once.
#[inline(always)]
fn first_stop(c: &[u8; BLOCK]) -> usize {
    const LO: u64 = u64::MAX / 0xFF;
    let mut z = [0u8; BLOCK];
    for (z, &b) in z.iter_mut().zip(c) {
        *z = stop(b);
    }
    // Each half's lowest flagged byte is exactly its first zero byte.
    let zero = |h: &[u8; 8]| {
        let x = u64::from_le_bytes(*h);
        x.wrapping_sub(LO) & !x & (LO << 7)
    };
    let (lo, hi) = z.split_at(8);
    let (Ok(lo), Ok(hi)) = (<&[u8; 8]>::try_from(lo), <&[u8; 8]>::try_from(hi)) else {
        return BLOCK;
    };
    match zero(lo) {
        0 => 8 + (zero(hi).trailing_zeros() / 8) as usize,
        z => (z.trailing_zeros() / 8) as usize,
    }
}

/// Whether `c` holds a [`stop`] byte. Branch-free.
#[inline(always)]
fn any_stop(c: &[u8]) -> bool {
    c.iter().fold(false, |any, &b| any | (stop(b) == 0))
}

/// Index of the `<` that ends the plain text starting at `i`; `None` if a
/// byte that is not plain comes first, or no `<`.
///
/// On 64-bit targets, blocks of 16 bytes at a time ([`text_end_blocks`],
/// inlined: the compiler keeps its constants in registers across a whole
/// document); elsewhere (such as 32-bit microcontrollers without SIMD,
/// where that is slow and large), a byte and a table look-up at a time
/// ([`text_end_bytes`]).
#[cfg_attr(target_pointer_width = "64", inline(always))]
fn text_end(t: &[u8], i: usize) -> Option<usize> {
    if cfg!(target_pointer_width = "64") {
        text_end_blocks(t, i)
    } else {
        text_end_bytes(t, i)
    }
}

/// Bytes `PLAIN_TEXT` marks as text that runs on: plain bytes but `<`, TAB
/// and LF.
static PLAIN_TEXT: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        t[b] = b >= 0x20 && b < 0x7F && b != b'<' as usize && b != b'&' as usize && b != b']' as usize;
        b += 1;
    }
    t
};

/// [`text_end`] a byte at a time.
fn text_end_bytes(t: &[u8], mut i: usize) -> Option<usize> {
    loop {
        i += t.get(i..)?.iter().position(|&b| !PLAIN_TEXT[usize::from(b)])?;
        match t.get(i)? {
            b'<' => return Some(i),
            b'\t' | b'\n' => i += 1,
            _ => return None,
        }
    }
}

/// [`text_end`] in blocks.
#[inline(always)]
fn text_end_blocks(t: &[u8], mut i: usize) -> Option<usize> {
    loop {
        let end = stop_from(t, i)?;
        match t.get(end)? {
            b'<' => return Some(end),
            b'\t' | b'\n' => i = end + 1,
            _ => return None,
        }
    }
}

/// Index of the first [`stop`] byte at or after `i`.
#[inline(always)]
fn stop_from(t: &[u8], mut i: usize) -> Option<usize> {
    // Most texts end in their first two blocks: those inline.
    for _ in 0..2 {
        let Some(c) = t.get(i..i + BLOCK) else {
            return tail_stop(t, i);
        };
        let k = first_stop(c.try_into().ok()?);
        if k < BLOCK {
            return Some(i + k);
        }
        i += BLOCK;
    }
    long_stop_from(t, i)
}

/// [`stop_from`] for the rest of a long text: out of line (the code is
/// large), blocks of 4 * BLOCK tested at once, then the last ones as above.
#[inline(never)]
fn long_stop_from(t: &[u8], mut i: usize) -> Option<usize> {
    for _ in 0..2 {
        let Some(c) = t.get(i..i + BLOCK) else {
            return tail_stop(t, i);
        };
        let k = first_stop(c.try_into().ok()?);
        if k < BLOCK {
            return Some(i + k);
        }
        i += BLOCK;
    }
    while let Some(c) = t.get(i..i + 4 * BLOCK) {
        if any_stop(c) {
            break;
        }
        i += 4 * BLOCK;
    }
    while let Some(c) = t.get(i..i + BLOCK) {
        let k = first_stop(c.try_into().ok()?);
        if k < BLOCK {
            return Some(i + k);
        }
        i += BLOCK;
    }
    tail_stop(t, i)
}

/// [`stop_from`] near the end of the buffer, byte by byte.
#[cold]
fn tail_stop(t: &[u8], i: usize) -> Option<usize> {
    Some(i + t.get(i..)?.iter().position(|&b| stop(b) == 0)?)
}

#[cfg(test)]
mod tests {
    extern crate alloc;

    use super::*;

    /// `eq_words` is `==` on slices of the same length.
    #[test]
    fn eq_words_is_eq() {
        let base = b"<AssumeRoleWithWebIdentityResponse xmlns=";
        for n in 0..base.len() {
            let a = &base[..n];
            assert!(eq_words(a, a));
            for k in 0..n {
                let mut b = a.to_vec();
                b[k] ^= 0x20;
                assert!(!eq_words(a, &b), "{n} {k}");
            }
            assert!(!eq_words(a, &base[..n + 1]));
        }
    }

    /// Every byte value: `stop` is zero exactly for `<`, TAB, LF and the
    /// bytes a plain document may not hold.
    #[test]
    fn stop_bytes() {
        for b in 0..=255u8 {
            let plain = matches!(b, 0x20..=0x7E) && b != b'&' && b != b']';
            assert_eq!(stop(b) == 0, !plain || b == b'<', "{b:#04x}");
        }
    }

    /// The two `text_end` variants agree on random text from an alphabet
    /// of plain bytes, `<`, TAB, LF and a few bytes that are not plain.
    #[test]
    fn text_end_variants_agree() {
        const ALPHABET: &[u8] = b"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa<\t\n&]\r\x7f\x80\x00";
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        for _ in 0..2000 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let len = (seed % 100) as usize;
            let t: alloc::vec::Vec<u8> = (0..len)
                .map(|k| ALPHABET[((seed >> (k % 50)) as usize ^ (k * 7)) % ALPHABET.len()])
                .collect();
            for i in 0..=len + 1 {
                assert_eq!(text_end_blocks(&t, i), text_end_bytes(&t, i), "{t:?} from {i}");
            }
        }
    }

    /// `text_end` finds the `<` ending a text at any length and alignment,
    /// past TABs and LFs, and stops at any other byte that is not plain.
    #[test]
    fn text_end_at_every_length() {
        for lead in 0..20 {
            for len in 0..200 {
                let mut t = alloc::vec![b'x'; lead + len + 40];
                t[lead + len] = b'<';
                if len > 3 {
                    t[lead + len / 2] = b'\n';
                    t[lead + len / 3] = b'\t';
                }
                assert_eq!(text_end(&t, lead), Some(lead + len));
                assert_eq!(text_end_bytes(&t, lead), Some(lead + len));
                for bad in [b'&', b']', 0x7F, 0x80, 0xFF, 0x00, b'\r'] {
                    let mut u = t.clone();
                    u[lead + len.saturating_sub(1)] = bad;
                    if len > 0 {
                        assert_eq!(text_end(&u, lead), None, "{bad:#04x}");
                        assert_eq!(text_end_bytes(&u, lead), None, "{bad:#04x}");
                    }
                }
                // Without a `<` up to the end of the buffer.
                let cut = t.get(..lead + len).unwrap_or_default();
                assert_eq!(text_end(cut, lead), None);
                assert_eq!(text_end_bytes(cut, lead), None);
            }
        }
    }
}
