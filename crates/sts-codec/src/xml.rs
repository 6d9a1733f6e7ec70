//! A small, strict, allocation-free pull reader for the XML that STS sends.
//!
//! - [`Reader::new`] checks nothing yet; the first [`Reader::next`] checks
//!   that the whole buffer is UTF-8 made of XML `Char`s (a leading UTF-8 BOM
//!   is skipped).
//! - [`Reader::next`] yields [`Event::Start`], [`Event::End`] and
//!   [`Event::Text`], then [`Event::Eof`] once the root has closed and only
//!   whitespace, comments and processing instructions follow.
//! - Text is decoded in place (references resolved, CDATA inlined, line ends
//!   normalised) and borrowed from the buffer for `'a`.
//! - DOCTYPE declarations are rejected: no entity other than the five
//!   predefined ones and character references is ever expanded.
//! - Attributes are checked and skipped: at most 16 in a tag, no name twice.
//! - Nesting is bounded by the `MAX_DEPTH` const parameter. The reader never
//!   recurses, never allocates and never panics, whatever the input.
//!
//! The buffer, as the reader sees it:
//!
//! ```text
//!  [ consumed: names and decoded text lent out for 'a | rest: unread input ]
//!                                                     ^ offset
//! ```
//!
//! Each step splits what it has read off the front of `rest`, so a name or
//! text it returns can never be overwritten by a later step.

use core::fmt;

/// Default bound on element nesting.
pub const DEFAULT_MAX_DEPTH: usize = 16;

/// Attributes allowed in one tag. Each name is compared with the ones before
/// it in the tag, so the limit bounds the cost of that check; STS documents
/// carry one (`xmlns`).
const MAX_ATTRIBUTES: usize = 16;

/// One thing the reader found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event<'a> {
    /// `<name ...>` or the opening half of `<name .../>`.
    Start(Name<'a>),
    /// `</name>` or the closing half of `<name .../>`.
    End(Name<'a>),
    /// A run of character data between two tags: entity and character
    /// references resolved, CDATA sections inlined, comments and processing
    /// instructions dropped, line ends normalised to `\n`. Never empty. May be
    /// whitespace only.
    Text(&'a str),
    /// The root element has closed and nothing but misc follows.
    Eof,
}

/// An element name as written (`prefix:local` or `local`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Name<'a>(pub &'a str);

impl<'a> Name<'a> {
    /// The name without any namespace prefix.
    #[must_use]
    pub fn local(&self) -> &'a str {
        match self.0.bytes().rposition(|b| b == b':') {
            // After an ASCII byte: a character boundary.
            Some(colon) => self.0.get(colon + 1..).unwrap_or_default(),
            None => self.0,
        }
    }
}

/// What went wrong, and where (byte offset into the original buffer).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct XmlError {
    /// What went wrong.
    pub kind: XmlErrorKind,
    /// Byte offset into the original buffer (a BOM included) where it was
    /// found; the buffer's length for `UnexpectedEof` and `NoRoot`.
    pub offset: usize,
}

/// The kinds of [`XmlError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum XmlErrorKind {
    /// The input ended inside markup, a reference or an open element.
    UnexpectedEof,
    /// The input is not valid UTF-8.
    InvalidUtf8,
    /// A character XML 1.0 forbids (controls but TAB, LF, CR; U+FFFE, U+FFFF).
    ForbiddenChar,
    /// A `<!DOCTYPE` declaration.
    Doctype,
    /// An end tag that does not match the open element (or no element is open).
    MismatchedEndTag,
    /// Elements nested deeper than the reader's `MAX_DEPTH`.
    TooDeep,
    /// A name was expected but something else was found.
    InvalidName,
    /// A malformed reference, or an entity other than the five predefined ones.
    InvalidReference,
    /// A character reference to a code point that is not an XML character.
    InvalidCharRef,
    /// A syntax error inside a tag or `<!...>` markup.
    MalformedTag,
    /// A comment containing `--` before its end.
    MalformedComment,
    /// A processing instruction with a missing or malformed target.
    MalformedPi,
    /// A PI whose target is `xml` (in any case) but at the document's start.
    MisplacedXmlDecl,
    /// Character data before the root element.
    TextOutsideRoot,
    /// Character data or a second element after the root element.
    TrailingContent,
    /// The document has no root element.
    NoRoot,
    /// The sequence `]]>` in character data outside a CDATA section.
    CdataEndInText,
    /// An attribute name given twice in one tag.
    DuplicateAttribute,
    /// More attributes in one tag than the reader's limit (16).
    TooManyAttributes,
}

impl fmt::Display for XmlErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::UnexpectedEof => "unexpected end of input",
            Self::InvalidUtf8 => "input is not valid UTF-8",
            Self::ForbiddenChar => "character not allowed in XML 1.0",
            Self::Doctype => "DOCTYPE declarations are not allowed",
            Self::MismatchedEndTag => "end tag does not match the open element",
            Self::TooDeep => "elements nested too deeply",
            Self::InvalidName => "invalid or missing name",
            Self::InvalidReference => "malformed or unknown entity reference",
            Self::InvalidCharRef => "character reference to a character not allowed in XML",
            Self::MalformedTag => "malformed markup",
            Self::MalformedComment => "malformed comment (`--` inside a comment)",
            Self::MalformedPi => "malformed processing instruction",
            Self::MisplacedXmlDecl => "XML declaration not at the start of the document",
            Self::TextOutsideRoot => "character data before the root element",
            Self::TrailingContent => "content after the root element",
            Self::NoRoot => "document has no root element",
            Self::CdataEndInText => "`]]>` is not allowed in character data",
            Self::DuplicateAttribute => "attribute given twice in one tag",
            Self::TooManyAttributes => "too many attributes in one tag",
        })
    }
}

impl fmt::Display for XmlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "XML error at byte {}: {}", self.offset, self.kind)
    }
}

impl core::error::Error for XmlError {}

/// [`Event`] with bytes for names and text (always UTF-8: the buffer is
/// checked whole, decoding writes whole characters, names end at ASCII
/// bytes): the decoder compares names as bytes and makes `&str`s only of
/// the values it keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RawEvent<'a> {
    Start(&'a [u8]),
    End(&'a [u8]),
    Text(&'a [u8]),
    Eof,
}

/// `bytes` as text; the error is the offset's `InvalidUtf8` (never
/// returned for what the reader hands out, see [`RawEvent`]).
pub(crate) fn text(bytes: &[u8], at: usize) -> Result<&str, XmlError> {
    core::str::from_utf8(bytes).map_err(|_| err(XmlErrorKind::InvalidUtf8, at))
}

/// Where the reader is in the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// `next` has not been called: the buffer is not checked yet.
    Unchecked,
    /// Before the root element.
    Prolog,
    /// Inside the root element.
    Content,
    /// After the root element closed.
    Epilog,
    /// `Eof` was returned.
    Done,
}

/// The pull reader.
///
/// `MAX_DEPTH` bounds element nesting: a document may have `MAX_DEPTH`
/// nested elements (the root counts as one); one more is
/// [`XmlErrorKind::TooDeep`].
pub struct Reader<'a, const MAX_DEPTH: usize = DEFAULT_MAX_DEPTH> {
    /// The unread part of the buffer.
    rest: &'a mut [u8],
    /// Offset of `rest` in the original buffer.
    offset: usize,
    /// Names of the open elements; `stack[..depth]` is live.
    stack: [&'a [u8]; MAX_DEPTH],
    depth: usize,
    /// Offset of the document proper (after a BOM): where `<?xml` may appear.
    doc_start: usize,
    state: State,
    /// The last `Start` came from an empty-element tag; its `End` is next.
    pending_end: bool,
    /// The first error; returned again by every later call.
    error: Option<XmlError>,
}

impl<'a, const MAX_DEPTH: usize> Reader<'a, MAX_DEPTH> {
    /// A reader over `buf`, checked at the first [`next`](Self::next); text
    /// is decoded in place, so `buf` is scrambled afterwards.
    #[must_use]
    pub fn new(buf: &'a mut [u8]) -> Self {
        Self {
            rest: buf,
            offset: 0,
            stack: [&[]; MAX_DEPTH],
            depth: 0,
            doc_start: 0,
            state: State::Unchecked,
            pending_end: false,
            error: None,
        }
    }

    /// The next event.
    ///
    /// After [`Event::Eof`] every call returns `Eof` again; after an error
    /// every call returns the same error again.
    ///
    /// # Errors
    ///
    /// Any [`XmlError`]: the document is not well-formed, has a DOCTYPE, or
    /// nests deeper than `MAX_DEPTH`.
    // Not an `Iterator`: `Eof` and errors are sticky values, not `None`.
    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> Result<Event<'a>, XmlError> {
        let at = self.offset;
        let event = match self.next_raw()? {
            RawEvent::Start(name) => Event::Start(Name(text(name, at)?)),
            RawEvent::End(name) => Event::End(Name(text(name, at)?)),
            RawEvent::Text(t) => Event::Text(text(t, at)?),
            RawEvent::Eof => Event::Eof,
        };
        Ok(event)
    }

    /// [`next`](Self::next), with names and text as bytes.
    pub(crate) fn next_raw(&mut self) -> Result<RawEvent<'a>, XmlError> {
        if let Some(e) = self.error {
            return Err(e);
        }
        let result = self.step();
        if let Err(e) = result {
            self.error = Some(e);
            self.rest = &mut [];
        }
        result
    }

    /// Current element depth (0 outside the root).
    #[must_use]
    pub fn depth(&self) -> usize {
        self.depth
    }

    /// Byte offset in the original buffer of the first unread byte.
    #[must_use]
    pub fn offset(&self) -> usize {
        self.offset
    }

    fn step(&mut self) -> Result<RawEvent<'a>, XmlError> {
        match self.state {
            State::Unchecked => {
                self.check()?;
                self.state = State::Prolog;
            }
            State::Done => return Ok(RawEvent::Eof),
            State::Prolog | State::Content | State::Epilog => {}
        }
        if self.pending_end {
            self.pending_end = false;
            return Ok(RawEvent::End(self.pop()));
        }
        if self.state == State::Content {
            // Text first, unless a start or end tag comes right away.
            let at_tag = self.rest.first() == Some(&b'<') && !matches!(self.rest.get(1), Some(b'!' | b'?'));
            if !at_tag {
                if let Some(text) = self.text_run()? {
                    return Ok(RawEvent::Text(text));
                }
            }
            // `text_run` stopped at a start or end tag.
            return if self.rest.get(1) == Some(&b'/') {
                self.end_tag()
            } else {
                self.start_tag()
            };
        }
        let after_root = self.state == State::Epilog;
        self.misc(after_root)?;
        let at = self.offset;
        if self.rest.is_empty() {
            if after_root {
                self.state = State::Done;
                return Ok(RawEvent::Eof);
            }
            return Err(err(XmlErrorKind::NoRoot, at));
        }
        if after_root {
            Err(err(XmlErrorKind::TrailingContent, at))
        } else if self.rest.get(1) == Some(&b'/') {
            Err(err(XmlErrorKind::MismatchedEndTag, at))
        } else {
            self.start_tag()
        }
    }

    /// Checks the whole buffer (UTF-8 and XML `Char`s) and skips a BOM.
    fn check(&mut self) -> Result<(), XmlError> {
        let t: &[u8] = self.rest;
        // The first forbidden character, unless the input is not UTF-8
        // before it: a control character other than TAB, LF and CR, or the
        // start of U+FFFE or U+FFFF. Such bytes are rare: one pass without
        // an early exit (which compilers vectorise) says if one may be there.
        let suspect = |b: u8| (b < 0x20 && !is_ws(b)) || b == 0xEF;
        let any = t.iter().fold(false, |any, &b| any | suspect(b));
        let forbidden = (0..if any { t.len() } else { 0 }).find(|&i| match t.get(i..) {
            Some([b, ..]) if *b < 0x20 => !is_ws(*b),
            Some([0xEF, 0xBF, 0xBE | 0xBF, ..]) => true,
            _ => false,
        });
        let checked = t.get(..forbidden.unwrap_or(t.len())).unwrap_or_default();
        if let Err(e) = core::str::from_utf8(checked) {
            return Err(err(XmlErrorKind::InvalidUtf8, e.valid_up_to()));
        }
        if let Some(at) = forbidden {
            return Err(err(XmlErrorKind::ForbiddenChar, at));
        }
        if t.starts_with(b"\xEF\xBB\xBF") {
            self.take(3);
        }
        self.doc_start = self.offset;
        Ok(())
    }

    /// Consumes and returns the first `n` bytes of the unread input.
    fn take(&mut self, n: usize) -> &'a mut [u8] {
        let rest = core::mem::take(&mut self.rest);
        let (head, tail) = rest.split_at_mut(n.min(rest.len()));
        self.rest = tail;
        self.offset += head.len();
        head
    }

    /// Closes the innermost open element and returns its name.
    fn pop(&mut self) -> &'a [u8] {
        self.depth = self.depth.saturating_sub(1);
        if self.depth == 0 {
            self.state = State::Epilog;
        }
        self.stack.get(self.depth).copied().unwrap_or_default()
    }

    /// Skips whitespace, comments and PIs outside the root, stopping at a
    /// start or end tag or at the end of input.
    fn misc(&mut self, after_root: bool) -> Result<(), XmlError> {
        let base = self.offset;
        let text_kind = if after_root {
            XmlErrorKind::TrailingContent
        } else {
            XmlErrorKind::TextOutsideRoot
        };
        let t: &[u8] = self.rest;
        let mut i = 0;
        // Each iteration consumes at least one byte or leaves the loop.
        loop {
            i = skip_ws(t, i);
            let s = t.get(i..).unwrap_or_default();
            match s.first() {
                None => break,
                Some(b'<') => match markup(s, base + i, self.doc_start)? {
                    Markup::Tag => break,
                    Markup::Skip(n) => i += n,
                    Markup::Cdata(_) => return Err(err(text_kind, base + i)),
                },
                Some(_) => return Err(err(text_kind, base + i)),
            }
        }
        self.take(i);
        Ok(())
    }

    /// Decodes the character data up to the next start or end tag in place.
    /// Returns `None` if it decodes to nothing.
    fn text_run(&mut self) -> Result<Option<&'a [u8]>, XmlError> {
        let base = self.offset;
        let doc_start = self.doc_start;
        let buf: &mut [u8] = self.rest;
        // Invariant: w <= r <= buf.len(). Bytes before `w` are decoded
        // output, bytes from `r` on are unread source.
        let mut r = 0;
        let mut w = 0;
        // Each iteration consumes at least one byte or leaves the loop.
        loop {
            let s = buf.get(r..).unwrap_or_default();
            // The next `<` or `&`, or before it the next CR or `]`.
            let Some(k) = memchr::memchr2(b'<', b'&', s) else {
                return Err(eof(base + buf.len()));
            };
            let k = memchr::memchr2(b'\r', b']', s.get(..k).unwrap_or_default()).unwrap_or(k);
            // Not `copy_within`: see BENCHMARKS.md on `memmove`. Nothing
            // moves until a reference, CR or CDATA section shrinks the text.
            if w != r {
                for i in 0..k {
                    put(buf, w + i, buf.get(r + i).copied().unwrap_or_default());
                }
            }
            r += k;
            w += k;
            let s = buf.get(r..).unwrap_or_default();
            match s.first() {
                Some(b'<') => match markup(s, base + r, doc_start)? {
                    Markup::Tag => break,
                    Markup::Skip(n) => r += n,
                    Markup::Cdata(n) => {
                        w = normalize_into(buf, r + CDATA_OPEN.len(), n, w);
                        r += CDATA_OPEN.len() + n + CDATA_CLOSE.len();
                    }
                },
                Some(b'&') => {
                    let (c, n) = parse_ref(s, base + r)?;
                    // The encoding is never longer than the reference.
                    let mut tmp = [0u8; 4];
                    let bytes = c.encode_utf8(&mut tmp).as_bytes();
                    if let Some(dst) = buf.get_mut(w..w + bytes.len()) {
                        dst.copy_from_slice(bytes);
                    }
                    w += bytes.len();
                    r += n;
                }
                _ => {
                    // A CR (written as LF, a CRLF read as one) or a `]`.
                    if s.starts_with(CDATA_CLOSE) {
                        return Err(err(XmlErrorKind::CdataEndInText, base + r));
                    }
                    let n = if s.starts_with(b"\r\n") { 2 } else { 1 };
                    put(buf, w, if buf.get(r) == Some(&b'\r') { b'\n' } else { b']' });
                    (w, r) = (w + 1, r + n);
                }
            }
        }
        let head: &'a [u8] = self.take(r);
        if w == 0 {
            return Ok(None);
        }
        Ok(Some(head.get(..w).unwrap_or_default()))
    }

    /// Parses `<name attr="v" ...>` or `<name .../>` at the start of the
    /// unread input and opens its element.
    fn start_tag(&mut self) -> Result<RawEvent<'a>, XmlError> {
        let at = self.offset;
        let t: &[u8] = self.rest;
        let name_len = name_at(t, 1, at)?;
        let mut i = 1 + name_len;
        let mut attributes = 0;
        // Each iteration consumes at least one byte or leaves the loop.
        let (len, empty) = loop {
            let j = skip_ws(t, i);
            match t.get(j) {
                None => return Err(eof(at + t.len())),
                Some(b'>') => break (j + 1, false),
                Some(b'/') => match t.get(j + 1) {
                    Some(b'>') => break (j + 2, true),
                    None => return Err(eof(at + t.len())),
                    Some(_) => return Err(err(XmlErrorKind::MalformedTag, at + j)),
                },
                // An attribute must be preceded by whitespace.
                Some(_) if j == i => return Err(err(XmlErrorKind::MalformedTag, at + j)),
                Some(_) if attributes == MAX_ATTRIBUTES => {
                    return Err(err(XmlErrorKind::TooManyAttributes, at + j));
                }
                Some(_) => {
                    let end = attribute(t, j, at)?;
                    if repeats(t, 1 + name_len, j) {
                        return Err(err(XmlErrorKind::DuplicateAttribute, at + j));
                    }
                    attributes += 1;
                    i = end;
                }
            }
        };
        if self.depth >= MAX_DEPTH {
            return Err(err(XmlErrorKind::TooDeep, at));
        }
        let tag: &'a [u8] = self.take(len);
        let name = tag.get(1..1 + name_len).unwrap_or_default();
        if let Some(slot) = self.stack.get_mut(self.depth) {
            *slot = name;
        }
        self.depth += 1;
        self.state = State::Content;
        self.pending_end = empty;
        Ok(RawEvent::Start(name))
    }

    /// Parses `</name>` at the start of the unread input and closes the
    /// innermost element.
    fn end_tag(&mut self) -> Result<RawEvent<'a>, XmlError> {
        let at = self.offset;
        let t: &[u8] = self.rest;
        let open = self.depth.checked_sub(1).and_then(|d| self.stack.get(d)).copied();
        let (n, matches) = match open {
            // The open element's name, then not a name character.
            Some(open)
                if t.get(2..2 + open.len()) == Some(open)
                    && !t.get(2 + open.len()).is_some_and(|&b| is_name_char(b)) =>
            {
                (open.len(), true)
            }
            // Any other name (which cannot be the open element's).
            _ => (name_at(t, 2, at)?, false),
        };
        let j = skip_ws(t, 2 + n);
        match t.get(j) {
            Some(b'>') => {}
            Some(_) => return Err(err(XmlErrorKind::MalformedTag, at + j)),
            None => return Err(eof(at + t.len())),
        }
        if !matches {
            return Err(err(XmlErrorKind::MismatchedEndTag, at));
        }
        self.take(j + 1);
        Ok(RawEvent::End(self.pop()))
    }
}

const CDATA_OPEN: &[u8] = b"<![CDATA[";
const CDATA_CLOSE: &[u8] = b"]]>";
const DOCTYPE: &[u8] = b"<!DOCTYPE";

/// What a `<` starts.
enum Markup {
    /// A start or end tag (not checked yet).
    Tag,
    /// A comment or PI of this many bytes.
    Skip(usize),
    /// A CDATA section with this many bytes of content.
    Cdata(usize),
}

#[cold]
fn err(kind: XmlErrorKind, offset: usize) -> XmlError {
    XmlError { kind, offset }
}

#[cold]
fn eof(end: usize) -> XmlError {
    err(XmlErrorKind::UnexpectedEof, end)
}

const fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

/// XML `NameStartChar`, accepting any non-ASCII character.
#[inline(always)]
const fn is_name_start(b: u8) -> bool {
    (b | 0x20).is_ascii_lowercase() || matches!(b, b'_' | b':') || b >= 0x80
}

/// XML `NameChar`, accepting any non-ASCII character.
#[inline(always)]
const fn is_name_char(b: u8) -> bool {
    is_name_start(b) || b.is_ascii_digit() || matches!(b, b'-' | b'.')
}

/// Index of the first non-whitespace byte of `t` at or after `i`.
#[inline]
fn skip_ws(t: &[u8], i: usize) -> usize {
    match t.get(i..) {
        Some(s) => i + s.iter().position(|&b| !is_ws(b)).unwrap_or(s.len()),
        None => i,
    }
}

/// Length of the name at the start of `t` (0 if there is none).
#[inline]
fn name_len(t: &[u8]) -> usize {
    if !t.first().is_some_and(|&b| is_name_start(b)) {
        return 0;
    }
    let rest = t.get(1..).unwrap_or_default();
    1 + rest.iter().position(|&b| !is_name_char(b)).unwrap_or(rest.len())
}

/// Length of the name that must start at `t[i]`; `t` is a suffix of the
/// buffer starting at offset `base`.
fn name_at(t: &[u8], i: usize, base: usize) -> Result<usize, XmlError> {
    let s = t.get(i..).unwrap_or_default();
    match name_len(s) {
        0 if s.is_empty() => Err(eof(base + t.len())),
        0 => Err(err(XmlErrorKind::InvalidName, base + i)),
        n => Ok(n),
    }
}

/// Position of the first occurrence of `pat` (2 or 3 bytes) in `hay`.
fn find(hay: &[u8], pat: &[u8]) -> Option<usize> {
    hay.windows(pat.len()).position(|w| w == pat)
}

/// Writes `b` at `buf[w]` (in bounds by the callers' invariants).
fn put(buf: &mut [u8], w: usize, b: u8) {
    if let Some(x) = buf.get_mut(w) {
        *x = b;
    }
}

/// Copies `buf[src..src + len]` to `buf[w..]` (`w <= src`) turning `\r\n` and
/// lone `\r` into `\n`; returns the new write position.
fn normalize_into(buf: &mut [u8], mut src: usize, len: usize, mut w: usize) -> usize {
    let end = src + len;
    while src < end {
        let b = buf.get(src).copied().unwrap_or_default();
        src += 1;
        if b == b'\r' {
            put(buf, w, b'\n');
            if src < end && buf.get(src) == Some(&b'\n') {
                src += 1;
            }
        } else {
            put(buf, w, b);
        }
        w += 1;
    }
    w
}

/// Classifies the markup at the start of `t` (which starts with `<` at
/// offset `at`; `t` runs to the end of the buffer).
fn markup(t: &[u8], at: usize, doc_start: usize) -> Result<Markup, XmlError> {
    let end = at + t.len();
    match t.get(1) {
        Some(b'!') => {}
        Some(b'?') => return pi(t, at, doc_start).map(Markup::Skip),
        _ => return Ok(Markup::Tag),
    }
    if let Some(body) = t.strip_prefix(b"<!--") {
        return match find(body, b"--") {
            Some(p) => match body.get(p + 2) {
                Some(b'>') => Ok(Markup::Skip(4 + p + 3)),
                Some(_) => Err(err(XmlErrorKind::MalformedComment, at + 4 + p)),
                None => Err(eof(end)),
            },
            None => Err(eof(end)),
        };
    }
    if let Some(body) = t.strip_prefix(CDATA_OPEN) {
        return match find(body, CDATA_CLOSE) {
            Some(n) => Ok(Markup::Cdata(n)),
            None => Err(eof(end)),
        };
    }
    if t.get(..DOCTYPE.len()).is_some_and(|p| p.eq_ignore_ascii_case(DOCTYPE)) {
        return Err(err(XmlErrorKind::Doctype, at));
    }
    // Input ending in the middle of `<!--`, `<![CDATA[` or `<!DOCTYPE`.
    let truncated = |pat: &[u8]| pat.get(..t.len()).is_some_and(|p| p.eq_ignore_ascii_case(t));
    if truncated(b"<!--") || truncated(CDATA_OPEN) || truncated(DOCTYPE) {
        Err(eof(end))
    } else if t.starts_with(b"<!-") {
        Err(err(XmlErrorKind::MalformedComment, at))
    } else {
        Err(err(XmlErrorKind::MalformedTag, at))
    }
}

/// Length of the processing instruction at the start of `t` (`<?` at `at`).
fn pi(t: &[u8], at: usize, doc_start: usize) -> Result<usize, XmlError> {
    let end = at + t.len();
    let body = t.get(2..).unwrap_or_default();
    let n = name_len(body);
    if n == 0 {
        return Err(if body.is_empty() {
            eof(end)
        } else {
            err(XmlErrorKind::MalformedPi, at)
        });
    }
    let target = body.get(..n).unwrap_or_default();
    let is_decl = target.eq_ignore_ascii_case(b"xml");
    if is_decl && (at != doc_start || target != b"xml") {
        return Err(err(XmlErrorKind::MisplacedXmlDecl, at));
    }
    let after = body.get(n..).unwrap_or_default();
    match after.first() {
        None => Err(eof(end)),
        // `<?target?>`; the XML declaration needs a version.
        Some(b'?') if !is_decl => match after.get(1) {
            Some(b'>') => Ok(2 + n + 2),
            Some(_) => Err(err(XmlErrorKind::MalformedPi, at)),
            None => Err(eof(end)),
        },
        Some(&b) if is_ws(b) => match find(after, b"?>") {
            Some(p) => Ok(2 + n + p + 2),
            None => Err(eof(end)),
        },
        Some(_) => Err(err(XmlErrorKind::MalformedPi, at)),
    }
}

/// Whether the attribute named at `t[j]` has the name of one before it in
/// the same tag (XML's "Unique Att Spec"). The tag's attributes start at or
/// after `t[first]` and were checked by [`attribute`] up to `j`.
fn repeats(t: &[u8], first: usize, j: usize) -> bool {
    let name = t.get(j..j + name_len(t.get(j..).unwrap_or_default()));
    let mut k = skip_ws(t, first);
    while k < j {
        let earlier = t.get(k..k + name_len(t.get(k..).unwrap_or_default()));
        if earlier == name {
            return true;
        }
        // Checked already, so this succeeds and moves past `k`.
        k = skip_ws(t, attribute(t, k, 0).unwrap_or(j));
    }
    false
}

/// Skips the attribute starting at `t[i]`; returns the index after its
/// closing quote. `t` is a suffix of the buffer starting at offset `base`.
fn attribute(t: &[u8], i: usize, base: usize) -> Result<usize, XmlError> {
    let end = base + t.len();
    let n = name_at(t, i, base)?;
    let mut j = skip_ws(t, i + n);
    match t.get(j) {
        Some(b'=') => {}
        Some(_) => return Err(err(XmlErrorKind::MalformedTag, base + j)),
        None => return Err(eof(end)),
    }
    j = skip_ws(t, j + 1);
    let quote = match t.get(j) {
        Some(&q @ (b'"' | b'\'')) => q,
        Some(_) => return Err(err(XmlErrorKind::MalformedTag, base + j)),
        None => return Err(eof(end)),
    };
    j += 1;
    // Each iteration consumes at least one byte or leaves the loop.
    loop {
        let s = t.get(j..).unwrap_or_default();
        let Some(p) = s.iter().position(|&b| b == quote || b == b'<' || b == b'&') else {
            return Err(eof(end));
        };
        j += p;
        let s = t.get(j..).unwrap_or_default();
        match s.first() {
            Some(b'<') => return Err(err(XmlErrorKind::MalformedTag, base + j)),
            Some(b'&') => j += parse_ref(s, base + j)?.1,
            _ => return Ok(j + 1),
        }
    }
}

/// Parses the reference at the start of `t` (`&` at offset `at`; `t` runs to
/// the end of the buffer). Returns the character and the reference length.
fn parse_ref(t: &[u8], at: usize) -> Result<(char, usize), XmlError> {
    let end = at + t.len();
    let invalid = err(XmlErrorKind::InvalidReference, at);
    if t.get(1) != Some(&b'#') {
        let s = t.get(1..).unwrap_or_default();
        let n = name_len(s);
        match t.get(1 + n) {
            Some(b';') if n > 0 => {}
            Some(_) => return Err(invalid),
            None => return Err(eof(end)),
        }
        let c = match s.get(..n).unwrap_or_default() {
            b"lt" => '<',
            b"gt" => '>',
            b"amp" => '&',
            b"apos" => '\'',
            b"quot" => '"',
            _ => return Err(invalid),
        };
        return Ok((c, n + 2));
    }
    let (radix, start) = if t.get(2) == Some(&b'x') { (16, 3) } else { (10, 2) };
    let mut value: u32 = 0;
    let mut i = start;
    // `i` grows on every iteration.
    loop {
        let Some(&b) = t.get(i) else {
            return Err(eof(end));
        };
        let digit = match b {
            b';' if i > start => break,
            _ => match char::from(b).to_digit(radix) {
                Some(d) => d,
                None => return Err(invalid),
            },
        };
        // Saturate above U+10FFFF so long runs of digits cannot overflow.
        value = (value * radix + digit).min(0x11_0000);
        i += 1;
    }
    match char::from_u32(value) {
        Some(c) if is_xml_char(c) => Ok((c, i + 1)),
        _ => Err(err(XmlErrorKind::InvalidCharRef, at)),
    }
}

/// XML 1.0 `Char`.
const fn is_xml_char(c: char) -> bool {
    matches!(c as u32, 0x9 | 0xA | 0xD | 0x20..=0xD7FF | 0xE000..=0xFFFD | 0x1_0000..=0x10_FFFF)
}

#[cfg(test)]
mod tests {
    extern crate alloc;

    use super::*;
    use alloc::{
        format,
        string::{String, ToString},
        vec::Vec,
    };

    /// Runs a reader over `src`; events as `S:name`, `E:name`, `T:text`.
    /// Also checks that `Eof` and errors repeat, that text is never empty,
    /// and that the reader stops within `len + 2` calls.
    fn run<const D: usize>(src: &[u8]) -> (Vec<String>, Result<(), XmlError>) {
        let mut buf = src.to_vec();
        let mut reader = Reader::<D>::new(&mut buf);
        let mut out = Vec::new();
        for _ in 0..src.len() + 3 {
            match reader.next() {
                Ok(Event::Start(n)) => out.push(format!("S:{}", n.0)),
                Ok(Event::End(n)) => out.push(format!("E:{}", n.0)),
                Ok(Event::Text(t)) => {
                    assert!(!t.is_empty(), "empty text");
                    out.push(format!("T:{t}"));
                }
                Ok(Event::Eof) => {
                    assert_eq!(reader.depth(), 0);
                    assert_eq!(reader.next(), Ok(Event::Eof));
                    assert_eq!(reader.next(), Ok(Event::Eof));
                    return (out, Ok(()));
                }
                Err(e) => {
                    assert_eq!(reader.next(), Err(e));
                    assert_eq!(reader.next(), Err(e));
                    return (out, Err(e));
                }
            }
        }
        panic!("reader did not stop on {src:?}");
    }

    fn ok(src: &str) -> Vec<String> {
        match run::<DEFAULT_MAX_DEPTH>(src.as_bytes()) {
            (events, Ok(())) => events,
            (_, Err(e)) => panic!("{src:?}: unexpected {e:?}"),
        }
    }

    fn fail(src: &[u8]) -> XmlError {
        match run::<DEFAULT_MAX_DEPTH>(src) {
            (_, Err(e)) => e,
            (events, Ok(())) => panic!("{src:?}: expected an error, got {events:?}"),
        }
    }

    const OK_CASES: &[(&str, &str, &[&str])] = &[
        ("empty_element_gives_start_end", "<a/>", &["S:a", "E:a"]),
        ("empty_element_with_space", "<a />", &["S:a", "E:a"]),
        ("start_end_without_text", "<a></a>", &["S:a", "E:a"]),
        ("simple_text", "<a>hi</a>", &["S:a", "T:hi", "E:a"]),
        (
            "whitespace_only_text_is_emitted",
            "<a> \n\t </a>",
            &["S:a", "T: \n\t ", "E:a"],
        ),
        (
            "predefined_entities",
            "<a>&lt;&gt;&amp;&apos;&quot;</a>",
            &["S:a", "T:<>&'\"", "E:a"],
        ),
        ("decimal_char_refs", "<a>&#65;&#10;&#9;</a>", &["S:a", "T:A\n\t", "E:a"]),
        (
            "hex_char_ref_astral",
            "<a>&#x1F600;</a>",
            &["S:a", "T:\u{1F600}", "E:a"],
        ),
        (
            "hex_char_ref_mixed_case_digits",
            "<a>&#x4a;&#x4A;&#xe9;</a>",
            &["S:a", "T:JJé", "E:a"],
        ),
        (
            "char_ref_leading_zeros",
            "<a>&#x000041;&#0065;</a>",
            &["S:a", "T:AA", "E:a"],
        ),
        (
            "char_ref_max_scalar",
            "<a>&#x10FFFF;</a>",
            &["S:a", "T:\u{10FFFF}", "E:a"],
        ),
        (
            "char_ref_cr_is_not_normalised",
            "<a>&#13;&#xD;</a>",
            &["S:a", "T:\r\r", "E:a"],
        ),
        (
            "refs_shift_following_text",
            "<a>x&amp;y&lt;z tail é</a>",
            &["S:a", "T:x&y<z tail é", "E:a"],
        ),
        (
            "cdata_is_verbatim",
            "<a><![CDATA[<b>&amp;</b>]]></a>",
            &["S:a", "T:<b>&amp;</b>", "E:a"],
        ),
        (
            "cdata_joins_text_run",
            "<a>x<![CDATA[&]]>y&amp;z</a>",
            &["S:a", "T:x&y&z", "E:a"],
        ),
        (
            "cdata_with_brackets",
            "<a><![CDATA[a]b]]c]]]></a>",
            &["S:a", "T:a]b]]c]", "E:a"],
        ),
        ("empty_cdata_emits_nothing", "<a><![CDATA[]]></a>", &["S:a", "E:a"]),
        (
            "comment_dropped_text_joined",
            "<a>x<!-- c -->y</a>",
            &["S:a", "T:xy", "E:a"],
        ),
        ("comment_only_emits_nothing", "<a><!-- c --></a>", &["S:a", "E:a"]),
        (
            "comment_with_single_dashes",
            "<a><!---a-b- ->-->x</a>",
            &["S:a", "T:x", "E:a"],
        ),
        ("empty_comment", "<a><!---->x</a>", &["S:a", "T:x", "E:a"]),
        (
            "pis_dropped_text_joined",
            "<a>x<?pi data?>y<?pi?></a>",
            &["S:a", "T:xy", "E:a"],
        ),
        (
            "pi_target_starting_with_xml",
            "<a><?xml-stylesheet href='x'?></a>",
            &["S:a", "E:a"],
        ),
        (
            "crlf_and_cr_normalised",
            "<a>x\r\ny\rz\r</a>",
            &["S:a", "T:x\ny\nz\n", "E:a"],
        ),
        (
            "crlf_normalised_in_cdata",
            "<a><![CDATA[x\r\ny\r]]>\n</a>",
            &["S:a", "T:x\ny\n\n", "E:a"],
        ),
        (
            "cr_then_reference",
            "<a>\r&amp;\r\n\r\n</a>",
            &["S:a", "T:\n&\n\n", "E:a"],
        ),
        (
            "brackets_and_gt_in_text",
            "<a>a]b]]c]>d>]</a>",
            &["S:a", "T:a]b]]c]>d>]", "E:a"],
        ),
        (
            "namespace_prefixes_kept_as_written",
            "<s:a xmlns:s=\"u\" xmlns=\"v\"><s:b>x</s:b></s:a>",
            &["S:s:a", "S:s:b", "T:x", "E:s:b", "E:s:a"],
        ),
        (
            "attributes_skipped",
            "<a x=\"1\" y='2' z = \"&amp;&#65;>'\" w=''/>",
            &["S:a", "E:a"],
        ),
        ("whitespace_inside_tags", "<a\n\tx='1'\r\n></a\n>", &["S:a", "E:a"]),
        (
            "similar_attribute_names",
            "<a x='1' xx='2' x:x='3' xmlns:x='u' X='4'><b x='5'/></a>",
            &["S:a", "S:b", "E:b", "E:a"],
        ),
        (
            "sixteen_attributes",
            "<a a='' b='' c='' d='' e='' f='' g='' h='' i='' j='' k='' l='' m='' n='' o='' p=''/>",
            &["S:a", "E:a"],
        ),
        (
            "xml_declaration",
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><a/>",
            &["S:a", "E:a"],
        ),
        ("bom_skipped", "\u{FEFF}<a/>", &["S:a", "E:a"]),
        (
            "bom_then_declaration",
            "\u{FEFF}<?xml version='1.0'?>\n<a/>",
            &["S:a", "E:a"],
        ),
        (
            "misc_in_prolog_and_epilog",
            "\n<!-- c --><?pi x?>\r\n<a/>\n<!-- d -->\n<?pi?>\n",
            &["S:a", "E:a"],
        ),
        (
            "nesting_and_siblings",
            "<a><b>1</b><c/>2</a>",
            &["S:a", "S:b", "T:1", "E:b", "S:c", "E:c", "T:2", "E:a"],
        ),
        (
            "non_ascii_names_and_text",
            "<é:ü>ü\u{FEFF}</é:ü>",
            &["S:é:ü", "T:ü\u{FEFF}", "E:é:ü"],
        ),
        ("name_chars", "<_a-b.c1:d></_a-b.c1:d>", &["S:_a-b.c1:d", "E:_a-b.c1:d"]),
    ];

    #[test]
    fn ok_cases() {
        for &(name, src, want) in OK_CASES {
            assert_eq!(ok(src), want, "case {name}");
        }
    }

    const ERR_CASES: &[(&str, &[u8], XmlErrorKind, usize)] = {
        use XmlErrorKind::*;
        &[
            ("empty_input", b"", NoRoot, 0),
            ("whitespace_only", b"  \n", NoRoot, 3),
            ("misc_only", b"<?xml version='1.0'?><!-- x -->", NoRoot, 31),
            ("bom_only", b"\xEF\xBB\xBF", NoRoot, 3),
            ("eof_in_root", b"<a>", UnexpectedEof, 3),
            ("eof_in_text", b"<a>xx", UnexpectedEof, 5),
            ("eof_in_start_tag", b"<a", UnexpectedEof, 2),
            ("eof_after_lt", b"<a><", UnexpectedEof, 4),
            ("eof_in_attribute", b"<a x=\"1", UnexpectedEof, 7),
            ("eof_in_comment", b"<a><!-- x -", UnexpectedEof, 11),
            ("eof_in_comment_open", b"<a><!-", UnexpectedEof, 6),
            ("eof_in_cdata", b"<a><![CDATA[x]]", UnexpectedEof, 15),
            ("eof_in_cdata_open", b"<a><![CD", UnexpectedEof, 8),
            ("eof_in_pi", b"<a><?p x?", UnexpectedEof, 9),
            ("eof_in_reference", b"<a>&am", UnexpectedEof, 6),
            ("eof_in_char_ref", b"<a>&#x4", UnexpectedEof, 7),
            ("eof_in_end_tag", b"<a></a", UnexpectedEof, 6),
            ("eof_in_nested", b"<a><b></b>", UnexpectedEof, 10),
            ("invalid_utf8_byte", b"<a>\xFF</a>", InvalidUtf8, 3),
            ("truncated_utf8", b"<a>\xC3", InvalidUtf8, 3),
            ("encoded_surrogate", b"<a>\xED\xA0\x80</a>", InvalidUtf8, 3),
            ("invalid_utf8_after_root", b"<a/>\xC0\x80", InvalidUtf8, 4),
            ("nul_in_text", b"<a>\0</a>", ForbiddenChar, 3),
            ("control_in_attribute", b"<a x='\x01'/>", ForbiddenChar, 6),
            ("control_in_comment_after_root", b"<a/><!--\x0B-->", ForbiddenChar, 8),
            ("u_fffe", "<a>\u{FFFE}</a>".as_bytes(), ForbiddenChar, 3),
            ("u_ffff", "<a>x\u{FFFF}</a>".as_bytes(), ForbiddenChar, 4),
            ("forbidden_before_bad_utf8", b"<\x1F\xFF", ForbiddenChar, 1),
            ("doctype", b"<!DOCTYPE a><a/>", Doctype, 0),
            (
                "doctype_with_entities_after_decl",
                b"<?xml version=\"1.0\"?><!DOCTYPE a [<!ENTITY x \"y\">]><a>&x;</a>",
                Doctype,
                21,
            ),
            ("doctype_in_content", b"<a><!DOCTYPE a></a>", Doctype, 3),
            ("doctype_lowercase", b" <!doctype a><a/>", Doctype, 1),
            ("mismatched_end_tag", b"<a><b></a></b>", MismatchedEndTag, 6),
            ("end_tag_prefix_must_match", b"<s:a></a>", MismatchedEndTag, 5),
            ("end_tag_before_root", b"</a>", MismatchedEndTag, 0),
            ("name_starts_with_digit", b"<1a/>", InvalidName, 1),
            ("space_after_lt", b"< a/>", InvalidName, 1),
            ("space_in_end_tag", b"<a></ a>", InvalidName, 5),
            ("attribute_name_digit", b"<a 1='x'/>", InvalidName, 3),
            ("lt_in_text", b"<a>a < b</a>", InvalidName, 6),
            ("unknown_entity", b"<a>&foo;</a>", InvalidReference, 3),
            ("entity_without_semicolon", b"<a>&amp </a>", InvalidReference, 3),
            ("bare_ampersand", b"<a>a & b</a>", InvalidReference, 5),
            ("empty_entity", b"<a>&;</a>", InvalidReference, 3),
            ("empty_char_ref", b"<a>&#;</a>", InvalidReference, 3),
            ("empty_hex_char_ref", b"<a>&#x;</a>", InvalidReference, 3),
            ("uppercase_x_char_ref", b"<a>&#X41;</a>", InvalidReference, 3),
            ("hex_digit_in_decimal_ref", b"<a>&#12a;</a>", InvalidReference, 3),
            ("unknown_entity_in_attribute", b"<a x=\"&foo;\"/>", InvalidReference, 6),
            ("bad_reference_in_attribute", b"<a x='a&b'/>", InvalidReference, 7),
            ("char_ref_zero", b"<a>&#0;</a>", InvalidCharRef, 3),
            ("char_ref_surrogate", b"<a>x&#xD800;</a>", InvalidCharRef, 4),
            ("char_ref_above_max", b"<a>&#x110000;</a>", InvalidCharRef, 3),
            ("char_ref_huge", b"<a>&#99999999999999999999999;</a>", InvalidCharRef, 3),
            ("char_ref_control", b"<a>&#1;</a>", InvalidCharRef, 3),
            ("char_ref_fffe", b"<a>&#xFFFE;</a>", InvalidCharRef, 3),
            ("char_ref_ffff", b"<a>&#65535;</a>", InvalidCharRef, 3),
            ("char_ref_zero_in_attribute", b"<a x=\"&#0;\"/>", InvalidCharRef, 6),
            ("attribute_without_value", b"<a x/>", MalformedTag, 4),
            ("attributes_without_space", b"<a x=\"1\"y=\"2\"/>", MalformedTag, 8),
            ("duplicate_attribute", b"<a x='1' y='2' x='3'/>", DuplicateAttribute, 15),
            (
                "duplicate_attribute_spaced",
                b"<a\n x = '1'\t\r\nx='2'>",
                DuplicateAttribute,
                14,
            ),
            (
                "seventeen_attributes",
                b"<a a='' b='' c='' d='' e='' f='' g='' h='' i='' j='' k='' l='' m='' n='' o='' p='' q=''/>",
                TooManyAttributes,
                83,
            ),
            ("unquoted_attribute", b"<a x=1/>", MalformedTag, 5),
            ("lt_in_attribute", b"<a x=\"<\"/>", MalformedTag, 6),
            ("slash_without_gt", b"<a/ >", MalformedTag, 2),
            ("junk_in_end_tag", b"<a></a b>", MalformedTag, 7),
            ("junk_after_name", b"<a\"/>", MalformedTag, 2),
            ("unknown_bang_markup", b"<a><!foo></a>", MalformedTag, 3),
            ("misspelt_cdata", b"<a><![CDAT[x]]></a>", MalformedTag, 3),
            (
                "double_dash_in_comment",
                b"<a><!-- a -- b --></a>",
                MalformedComment,
                10,
            ),
            ("comment_ending_in_dash", b"<a><!-- a ---></a>", MalformedComment, 10),
            ("single_dash_comment_open", b"<a><!-x--></a>", MalformedComment, 3),
            ("pi_without_target", b"<a><?></a>", MalformedPi, 3),
            ("pi_target_digit", b"<a><?1x?></a>", MalformedPi, 3),
            ("pi_junk_after_target", b"<a><?x!?></a>", MalformedPi, 3),
            ("xml_decl_without_version", b"<?xml?><a/>", MalformedPi, 0),
            (
                "xml_decl_after_space",
                b" <?xml version='1.0'?><a/>",
                MisplacedXmlDecl,
                1,
            ),
            (
                "xml_decl_after_bom_space",
                b"\xEF\xBB\xBF <?xml version='1.0'?><a/>",
                MisplacedXmlDecl,
                4,
            ),
            (
                "xml_decl_in_content",
                b"<a><?xml version='1.0'?></a>",
                MisplacedXmlDecl,
                3,
            ),
            ("xml_pi_any_case_after_root", b"<a/><?XmL x?>", MisplacedXmlDecl, 4),
            (
                "uppercase_xml_decl_at_start",
                b"<?XML version='1.0'?><a/>",
                MisplacedXmlDecl,
                0,
            ),
            ("text_before_root", b"x<a/>", TextOutsideRoot, 0),
            ("text_after_space_before_root", b"  x<a/>", TextOutsideRoot, 2),
            ("reference_before_root", b"&amp;<a/>", TextOutsideRoot, 0),
            ("cdata_before_root", b"<![CDATA[x]]><a/>", TextOutsideRoot, 0),
            ("text_after_root", b"<a/>x", TrailingContent, 4),
            ("second_root", b"<a/><b/>", TrailingContent, 4),
            (
                "second_root_after_misc",
                b"<a></a>\n<!-- c --><a></a>",
                TrailingContent,
                18,
            ),
            ("end_tag_after_root", b"<a/></a>", TrailingContent, 4),
            ("cdata_after_root", b"<a/> <![CDATA[]]>", TrailingContent, 5),
            ("cdata_end_in_text", b"<a>x]]>y</a>", CdataEndInText, 4),
        ]
    };

    #[test]
    fn error_cases() {
        for &(name, src, kind, offset) in ERR_CASES {
            assert_eq!(fail(src), XmlError { kind, offset }, "case {name}");
        }
    }

    #[test]
    fn every_error_kind_has_a_case() {
        use XmlErrorKind::*;
        let kinds = [
            UnexpectedEof,
            InvalidUtf8,
            ForbiddenChar,
            Doctype,
            MismatchedEndTag,
            TooDeep,
            InvalidName,
            InvalidReference,
            InvalidCharRef,
            MalformedTag,
            MalformedComment,
            MalformedPi,
            MisplacedXmlDecl,
            TextOutsideRoot,
            TrailingContent,
            NoRoot,
            CdataEndInText,
        ];
        for kind in kinds {
            // TooDeep has its own test below.
            assert!(
                kind == TooDeep || ERR_CASES.iter().any(|c| c.2 == kind),
                "no case for {kind:?}"
            );
            let msg = kind.to_string();
            assert!(!msg.is_empty());
            assert_eq!(kinds.iter().filter(|k| k.to_string() == msg).count(), 1, "{kind:?}");
        }
    }

    #[test]
    fn events_before_an_error_are_delivered() {
        let (events, result) = run::<DEFAULT_MAX_DEPTH>(b"<a>x<b>&foo;</b></a>");
        assert_eq!(events, ["S:a", "T:x", "S:b"]);
        assert_eq!(result, Err(err(XmlErrorKind::InvalidReference, 7)));
    }

    #[test]
    fn depth_limit() {
        let four = b"<a><b><c><d/></c></b></a>";
        let (events, result) = run::<4>(four);
        assert_eq!(result, Ok(()));
        assert_eq!(events.len(), 8);
        assert_eq!(run::<4>(b"<a><b><c><d>x</d></c></b><e><f/></e></a>").1, Ok(()));
        let five = b"<a><b><c><d><e/></d></c></b></a>";
        assert_eq!(
            run::<4>(five),
            (
                ["S:a", "S:b", "S:c", "S:d"].map(String::from).to_vec(),
                Err(err(XmlErrorKind::TooDeep, 12))
            )
        );
        assert_eq!(run::<5>(five).1, Ok(()));
        assert_eq!(run::<3>(four).1, Err(err(XmlErrorKind::TooDeep, 9)));
        assert_eq!(run::<0>(b"<a/>").1, Err(err(XmlErrorKind::TooDeep, 0)));
        assert_eq!(run::<1>(b"<a>x</a>").1, Ok(()));
    }

    #[test]
    fn depth_tracks_open_elements() {
        let mut buf = *b"<a><b/>t</a>";
        let mut r = Reader::<2>::new(&mut buf);
        let mut depths = Vec::new();
        loop {
            let e = r.next().unwrap();
            depths.push(r.depth());
            if e == Event::Eof {
                break;
            }
        }
        // S:a S:b E:b T E:a Eof
        assert_eq!(depths, [1, 2, 1, 1, 0, 0]);
    }

    #[test]
    fn sts_response() {
        let src = "<AssumeRoleWithWebIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><AssumeRoleWithWebIdentityResult><Credentials><AccessKeyId>ASIA</AccessKeyId></Credentials></AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>";
        let mut buf = src.as_bytes().to_vec();
        let mut r = Reader::<4>::new(&mut buf);
        let mut events = Vec::new();
        loop {
            let e = r.next().unwrap();
            events.push(e);
            if e == Event::Eof {
                break;
            }
        }
        use Event::*;
        assert_eq!(
            events,
            [
                Start(Name("AssumeRoleWithWebIdentityResponse")),
                Start(Name("AssumeRoleWithWebIdentityResult")),
                Start(Name("Credentials")),
                Start(Name("AccessKeyId")),
                Text("ASIA"),
                End(Name("AccessKeyId")),
                End(Name("Credentials")),
                End(Name("AssumeRoleWithWebIdentityResult")),
                End(Name("AssumeRoleWithWebIdentityResponse")),
                Eof,
            ]
        );
    }

    #[test]
    fn name_local_strips_prefix() {
        assert_eq!(Name("sts:Credentials").local(), "Credentials");
        assert_eq!(Name("Credentials").local(), "Credentials");
        assert_eq!(Name("a:b:c").local(), "c");
        assert_eq!(Name("a:").local(), "");
    }

    #[test]
    fn text_is_decoded_in_place() {
        let mut buf = *b"<a>x&amp;y</a>";
        let range = buf.as_ptr_range();
        let (lo, hi) = (range.start as usize, range.end as usize);
        let mut r = Reader::<2>::new(&mut buf);
        assert_eq!(r.next(), Ok(Event::Start(Name("a"))));
        let Ok(Event::Text(t)) = r.next() else {
            panic!("no text")
        };
        assert_eq!(t, "x&y");
        let p = t.as_ptr() as usize;
        assert!(lo <= p && p + t.len() <= hi);
        assert_eq!(r.offset(), 10);
    }

    const FULL: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n<!-- c -->\
        <s:Root xmlns:s=\"u\" a='&amp;&#65;'>\r\n <s:K>x&lt;&#x1F600;<![CDATA[<y>]]>é<?p d?>\
        </s:K><e/></s:Root>";

    #[test]
    fn full_document() {
        assert_eq!(
            ok(FULL),
            [
                "S:s:Root",
                "T:\n ",
                "S:s:K",
                "T:x<\u{1F600}<y>é",
                "E:s:K",
                "S:e",
                "E:e",
                "E:s:Root"
            ]
        );
    }

    #[test]
    fn every_truncation_is_an_error() {
        let full = FULL.as_bytes();
        for n in 0..full.len() {
            let (_, result) = run::<DEFAULT_MAX_DEPTH>(&full[..n]);
            assert!(result.is_err(), "prefix of {n} bytes accepted");
        }
        let sts = b"<R xmlns=\"u\"><C><K>ASIA</K></C></R>";
        for n in 0..sts.len() {
            assert!(run::<4>(&sts[..n]).1.is_err(), "prefix of {n} bytes accepted");
        }
    }

    #[test]
    fn display() {
        let e = err(XmlErrorKind::Doctype, 3);
        assert_eq!(
            format!("{e}"),
            "XML error at byte 3: DOCTYPE declarations are not allowed"
        );
        assert_eq!(format!("{}", XmlErrorKind::NoRoot), "document has no root element");
        let _: &dyn core::error::Error = &e;
    }
}
