//! The canonical request:
//!
//! ```text
//! METHOD \n
//! /canonical/path \n
//! name=value&name=value \n            sorted, re-encoded
//! host:example.amazonaws.com \n       one line per name, sorted
//! x-amz-date:20150830T123600Z \n
//! \n
//! host;x-amz-date \n                  the signed headers
//! e3b0c442…b855                       hex SHA-256 of the payload
//! ```

use core::cmp::Ordering;
use core::ops::Range;

use sha2::{Digest, Sha256};

use crate::{AmzDate, Error, Out, Payload, Request};

/// Writes the canonical request of `request`, signing `x-amz-date` and, if
/// given, `x-amz-security-token` beside its headers. Returns where the
/// signed-headers line sits in `out`, for the `Authorization` value.
pub(crate) fn write(
    out: &mut Out<'_>,
    request: &Request<'_>,
    date: &AmzDate,
    token: Option<&[u8]>,
) -> Result<Range<usize>, Error> {
    let method = request.method.as_bytes();
    if method.is_empty() || !method.iter().copied().all(is_tchar) {
        return Err(Error::InvalidMethod);
    }
    let headers = Headers::new(request, date, token)?;
    out.push(method)?;
    out.push(b"\n")?;
    path(out, request.path.as_bytes())?;
    out.push(b"\n")?;
    query(out, request.query.as_bytes())?;
    out.push(b"\n")?;
    headers.write_canonical(out)?;
    out.push(b"\n")?;
    let start = out.len();
    headers.write_signed(out)?;
    let signed = start..out.len();
    out.push(b"\n")?;
    match request.payload {
        Payload::Bytes(body) => out.hex(&Sha256::digest(body))?,
        Payload::Sha256(hash) => out.hex(&hash)?,
    }
    Ok(signed)
}

/// RFC 3986 unreserved characters: the only bytes SigV4 leaves unencoded
/// (besides `/` in the path).
fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~')
}

/// An HTTP token character (RFC 9110 `tchar`), for methods and header names.
fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

fn is_control(b: u8) -> bool {
    b < 0x20 || b == 0x7f
}

fn hex_value(b: u8) -> Option<u8> {
    char::from(b).to_digit(16).and_then(|d| u8::try_from(d).ok())
}

/// The canonical (percent-encoded) bytes of one path segment or one query
/// name or value. Query parts are form-decoded first (`%XX` and `+`), so
/// that `%41`, `A` and `+`/`%20` each have a single canonical form; path
/// segments are not (their `%` is encoded again: SigV4's double encoding).
#[derive(Clone)]
struct Encoded<'a> {
    rest: &'a [u8],
    decode: bool,
    /// The two hex digits still owed after a `%`.
    pending: [u8; 2],
    pending_len: usize,
}

impl<'a> Encoded<'a> {
    fn new(raw: &'a [u8], decode: bool) -> Self {
        Self {
            rest: raw,
            decode,
            pending: [0; 2],
            pending_len: 0,
        }
    }
}

impl Iterator for Encoded<'_> {
    type Item = u8;

    fn next(&mut self) -> Option<u8> {
        if self.pending_len > 0 {
            let b = self.pending[2 - self.pending_len];
            self.pending_len -= 1;
            return Some(b);
        }
        let (&first, rest) = self.rest.split_first()?;
        self.rest = rest;
        let mut byte = first;
        if self.decode {
            if first == b'+' {
                byte = b' ';
            } else if let (b'%', [hi, lo, tail @ ..]) = (first, rest) {
                // `query` checked every escape; a bad one stays literal.
                if let (Some(hi), Some(lo)) = (hex_value(*hi), hex_value(*lo)) {
                    byte = hi << 4 | lo;
                    self.rest = tail;
                }
            }
        }
        if is_unreserved(byte) {
            return Some(byte);
        }
        const DIGITS: &[u8; 16] = b"0123456789ABCDEF";
        self.pending = [DIGITS[usize::from(byte >> 4)], DIGITS[usize::from(byte & 15)]];
        self.pending_len = 2;
        Some(b'%')
    }
}

fn write_encoded(out: &mut Out<'_>, encoded: Encoded<'_>) -> Result<(), Error> {
    for b in encoded {
        out.push(&[b])?;
    }
    Ok(())
}

/// The canonical path: dot segments removed and empty segments dropped as
/// it is written, a trailing `/` kept, each segment encoded.
fn path(out: &mut Out<'_>, path: &[u8]) -> Result<(), Error> {
    if path.first() != Some(&b'/') || path.iter().any(|&b| is_control(b) || b == b'?' || b == b'#') {
        return Err(Error::InvalidPath);
    }
    let start = out.len();
    out.push(b"/")?;
    let mut last: &[u8] = b"";
    for segment in path.split(|&b| b == b'/') {
        last = segment;
        match segment {
            b"" | b"." => {}
            b".." => {
                // Back to the `/` before the last segment, never past the root.
                let cut = out.since(start).iter().rposition(|&b| b == b'/').unwrap_or(0);
                out.truncate(start + cut.max(1));
            }
            _ => {
                if out.since(start) != b"/" {
                    out.push(b"/")?;
                }
                write_encoded(out, Encoded::new(segment, false))?;
            }
        }
    }
    // `/a/`, `/a/.` and `/a/..` name a directory: keep the trailing `/`.
    let trailing = matches!(last, b"" | b"." | b"..");
    if trailing && out.since(start).last() != Some(&b'/') {
        out.push(b"/")?;
    }
    Ok(())
}

/// A query piece's name and value, split at its first `=` (no `=`: an
/// empty value).
fn split_param(piece: &[u8]) -> (&[u8], &[u8]) {
    match piece.iter().position(|&b| b == b'=') {
        Some(i) => (&piece[..i], &piece[i + 1..]),
        None => (piece, &[]),
    }
}

/// Orders two query pieces by encoded name, then encoded value.
fn compare_params(a: &[u8], b: &[u8]) -> Ordering {
    let (a_name, a_value) = split_param(a);
    let (b_name, b_value) = split_param(b);
    let encoded = |raw| Encoded::new(raw, true);
    encoded(a_name)
        .cmp(encoded(b_name))
        .then_with(|| encoded(a_value).cmp(encoded(b_value)))
}

/// The canonical query: pieces sorted by selection (no allocation), equal
/// pieces written as often as they occur.
fn query(out: &mut Out<'_>, query: &[u8]) -> Result<(), Error> {
    for (i, &b) in query.iter().enumerate() {
        let bad_escape = b == b'%'
            && !matches!(query.get(i + 1..i + 3), Some([h, l]) if hex_value(*h).is_some() && hex_value(*l).is_some());
        if is_control(b) || b == b'#' || bad_escape {
            return Err(Error::InvalidQuery);
        }
    }
    let pieces = || query.split(|&b| b == b'&').filter(|p| !p.is_empty());
    let mut previous: Option<&[u8]> = None;
    let mut first = true;
    loop {
        let mut best: Option<(&[u8], usize)> = None;
        for piece in pieces() {
            if previous.is_some_and(|p| compare_params(piece, p) != Ordering::Greater) {
                continue;
            }
            best = match best {
                Some((b, n)) => match compare_params(piece, b) {
                    Ordering::Less => Some((piece, 1)),
                    Ordering::Equal => Some((b, n + 1)),
                    Ordering::Greater => Some((b, n)),
                },
                None => Some((piece, 1)),
            };
        }
        let Some((piece, copies)) = best else {
            return Ok(());
        };
        let (name, value) = split_param(piece);
        for _ in 0..copies {
            if !first {
                out.push(b"&")?;
            }
            first = false;
            write_encoded(out, Encoded::new(name, true))?;
            out.push(b"=")?;
            write_encoded(out, Encoded::new(value, true))?;
        }
        previous = Some(piece);
    }
}

/// The headers to sign: the caller's, then `x-amz-date` and the token.
struct Headers<'r> {
    given: &'r [(&'r str, &'r str)],
    date: &'r [u8],
    token: Option<&'r [u8]>,
}

const X_AMZ_DATE: &[u8] = b"x-amz-date";
const X_AMZ_SECURITY_TOKEN: &[u8] = b"x-amz-security-token";

fn lower(b: &u8) -> u8 {
    b.to_ascii_lowercase()
}

fn compare_names(a: &[u8], b: &[u8]) -> Ordering {
    a.iter().map(lower).cmp(b.iter().map(lower))
}

/// A header value with no control byte but tab (obs-text is allowed).
fn value_ok(value: &[u8]) -> bool {
    value.iter().all(|&b| b == b'\t' || !is_control(b))
}

impl<'r> Headers<'r> {
    fn new(request: &'r Request<'_>, date: &'r AmzDate, token: Option<&'r [u8]>) -> Result<Self, Error> {
        let mut host = false;
        for (index, (name, value)) in request.headers.iter().enumerate() {
            let name = name.as_bytes();
            if name.is_empty() || !name.iter().copied().all(is_tchar) {
                return Err(Error::InvalidHeaderName { index });
            }
            if [X_AMZ_DATE, X_AMZ_SECURITY_TOKEN, b"authorization"]
                .iter()
                .any(|r| name.eq_ignore_ascii_case(r))
            {
                return Err(Error::ReservedHeader { index });
            }
            if !value_ok(value.as_bytes()) {
                return Err(Error::InvalidHeaderValue { index });
            }
            host |= name.eq_ignore_ascii_case(b"host");
        }
        if !host {
            return Err(Error::MissingHost);
        }
        if token.is_some_and(|t| t.is_empty() || !value_ok(t)) {
            return Err(Error::InvalidSessionToken);
        }
        Ok(Self {
            given: request.headers,
            date: date.as_str().as_bytes(),
            token,
        })
    }

    fn get(&self, index: usize) -> Option<(&'r [u8], &'r [u8])> {
        match index.checked_sub(self.given.len()) {
            None => self.given.get(index).map(|(n, v)| (n.as_bytes(), v.as_bytes())),
            Some(0) => Some((X_AMZ_DATE, self.date)),
            Some(1) => self.token.map(|t| (X_AMZ_SECURITY_TOKEN, t)),
            Some(_) => None,
        }
    }

    fn all(&self) -> impl Iterator<Item = (&'r [u8], &'r [u8])> + '_ {
        (0..self.given.len() + 2).filter_map(|i| self.get(i))
    }

    /// The first header whose name (lowercased) is the smallest above
    /// `previous`.
    fn next_name(&self, previous: Option<&[u8]>) -> Option<&'r [u8]> {
        let mut best: Option<&[u8]> = None;
        for (name, _) in self.all() {
            let above = previous.is_none_or(|p| compare_names(name, p) == Ordering::Greater);
            if above && best.is_none_or(|b| compare_names(name, b) == Ordering::Less) {
                best = Some(name);
            }
        }
        best
    }

    /// `name:value[,value…]\n` per name, in order.
    fn write_canonical(&self, out: &mut Out<'_>) -> Result<(), Error> {
        let mut previous = None;
        while let Some(name) = self.next_name(previous) {
            write_lower(out, name)?;
            out.push(b":")?;
            let mut first = true;
            for (n, value) in self.all() {
                if n.eq_ignore_ascii_case(name) {
                    if !first {
                        out.push(b",")?;
                    }
                    first = false;
                    write_value(out, value)?;
                }
            }
            out.push(b"\n")?;
            previous = Some(name);
        }
        Ok(())
    }

    /// `name;name;…`.
    fn write_signed(&self, out: &mut Out<'_>) -> Result<(), Error> {
        let mut previous = None;
        while let Some(name) = self.next_name(previous) {
            if previous.is_some() {
                out.push(b";")?;
            }
            write_lower(out, name)?;
            previous = Some(name);
        }
        Ok(())
    }
}

fn write_lower(out: &mut Out<'_>, name: &[u8]) -> Result<(), Error> {
    for b in name {
        out.push(&[lower(b)])?;
    }
    Ok(())
}

/// The value without leading or trailing spaces, each inner run of spaces
/// written as one (spaces only, as AWS specifies; tabs are kept).
fn write_value(out: &mut Out<'_>, value: &[u8]) -> Result<(), Error> {
    let mut words = value.split(|&b| b == b' ').filter(|w| !w.is_empty());
    if let Some(word) = words.next() {
        out.push(word)?;
    }
    for word in words {
        out.push(b" ")?;
        out.push(word)?;
    }
    Ok(())
}
