//! A small, strict, allocation-free pull reader for the XML that STS sends.
//!
//! - [`Reader::new`] validates nothing yet; the first [`Reader::next`] checks
//!   the whole buffer is strict UTF-8 with only XML `Char`s (a leading UTF-8
//!   BOM is skipped).
//! - [`Reader::next`] yields [`Event::Start`], [`Event::End`], [`Event::Text`],
//!   then [`Event::Eof`] once the root has closed and only whitespace,
//!   comments and processing instructions follow.
//! - Text is unescaped in place and borrowed from the buffer for `'a`.
//! - DOCTYPE declarations are rejected: no entity other than the five
//!   predefined ones and character references is ever expanded.
//! - Nesting is bounded by the `MAX_DEPTH` const parameter. The reader never
//!   recurses, never allocates and never panics on any input.
//!
//! Speed, without `unsafe`: the first pass over the buffer also finds the last
//! byte that could need decoding in place (`&`, CR, or the `!`, `?` and `]`
//! of comments, PIs and CDATA). Once the reader is past it (from the start,
//! for the usual STS answer), the rest of the buffer becomes one validated
//! `&str` ("clean" mode), and names and text are borrowed from it as they are
//! instead of being checked as UTF-8 one by one. Text, names and end tags are
//! scanned a machine word at a time.

use core::fmt;

/// Default bound on element nesting.
pub const DEFAULT_MAX_DEPTH: usize = 16;

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
        match self.0.rsplit_once(':') {
            Some((_, local)) => local,
            None => self.0,
        }
    }
}

/// What went wrong, and where (byte offset into the original buffer).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct XmlError {
    /// What went wrong.
    pub kind: XmlErrorKind,
    /// Byte offset into the original buffer (a leading BOM included) where
    /// the problem was detected. For [`XmlErrorKind::UnexpectedEof`] and
    /// [`XmlErrorKind::NoRoot`] this is the length of the buffer.
    pub offset: usize,
}

/// The kinds of [`XmlError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum XmlErrorKind {
    /// The input ended inside a tag, reference, comment, CDATA section,
    /// processing instruction or open element.
    UnexpectedEof,
    /// The input is not valid UTF-8.
    InvalidUtf8,
    /// A character XML 1.0 forbids (a control character other than TAB, LF
    /// and CR, or U+FFFE / U+FFFF).
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
    /// A processing instruction whose target is `xml` (in any case) anywhere
    /// but at the very start of the document.
    MisplacedXmlDecl,
    /// Character data before the root element.
    TextOutsideRoot,
    /// Character data or a second element after the root element.
    TrailingContent,
    /// The document has no root element.
    NoRoot,
    /// The sequence `]]>` in character data outside a CDATA section.
    CdataEndInText,
}

impl XmlErrorKind {
    /// A short static description.
    #[must_use]
    pub const fn message(self) -> &'static str {
        match self {
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
        }
    }
}

impl fmt::Display for XmlErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

impl fmt::Display for XmlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "XML error at byte {}: {}", self.offset, self.kind)
    }
}

impl core::error::Error for XmlError {}

/// Where the reader is in the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// `next` has not been called: the buffer is not validated yet.
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
    /// The unread part of the buffer while some of it may still need decoding
    /// in place ("raw" mode).
    rest: &'a mut [u8],
    /// The unread part of the buffer once it is validated and holds nothing
    /// to decode in place ("clean" mode): no `&`, CR, `!`, `?` or `]`, so no
    /// reference, comment, PI or CDATA section. At most one of `rest` and
    /// `clean` is non-empty; names and text are borrowed from it as they are.
    clean: &'a str,
    /// Offset of the unread input in the original buffer.
    offset: usize,
    /// Offset just past the last byte that may need decoding in place (0 if
    /// none): from there on the reader works in clean mode.
    slow_end: usize,
    /// Names of the open elements; `stack[..depth]` is live.
    stack: [&'a str; MAX_DEPTH],
    depth: usize,
    /// Offset of the document proper (after a BOM): where `<?xml` may appear.
    doc_start: usize,
    state: State,
    /// The last `Start` came from an empty-element tag; its `End` is next.
    pending_end: bool,
    /// The first error; returned again by every later call.
    error: Option<XmlError>,
    /// The local part of the last start tag's name.
    local: &'a str,
}

/// What [`Reader::next_child`] found: a [`Tag`], or a whole element.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Node<'a> {
    /// [`Tag::Start`] of an element whose content is not read yet.
    Start(&'a str),
    /// A whole element `<name>text</name>`: the local part of the name and
    /// the text (maybe empty); what [`Reader::next`] would return as
    /// `Start`, `Text` (unless empty) and `End`.
    Leaf(&'a str, &'a str),
    /// [`Tag::End`].
    End,
    /// [`Tag::Eof`].
    Eof,
}

/// What [`Reader::next_tag`] found: a start tag (the local part of its
/// name), an end tag, or the end of the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tag<'a> {
    /// `<name ...>` or the opening half of `<name .../>`: the local part of
    /// the name.
    Start(&'a str),
    /// `</name>` or the closing half of `<name .../>`.
    End,
    /// The root element has closed and nothing but misc follows.
    Eof,
}

impl<'a, const MAX_DEPTH: usize> Reader<'a, MAX_DEPTH> {
    /// A reader over `buf`. Nothing is checked until the first [`next`](Self::next).
    ///
    /// The reader decodes text in place, so `buf` is scrambled afterwards.
    #[must_use]
    pub fn new(buf: &'a mut [u8]) -> Self {
        Self {
            rest: buf,
            clean: "",
            offset: 0,
            slow_end: 0,
            stack: [""; MAX_DEPTH],
            depth: 0,
            doc_start: 0,
            state: State::Unchecked,
            pending_end: false,
            error: None,
            local: "",
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
        if let Some(e) = self.error {
            return Err(e);
        }
        let result = self.step();
        if let Err(e) = result {
            self.fail(e);
        }
        result
    }

    /// The next event that is not text, with the local part of a start
    /// tag's name: what [`next`](Self::next) would return after skipping
    /// any [`Event::Text`] (text is still checked, and decoded in place
    /// where it needs to be).
    pub(crate) fn next_tag(&mut self) -> Result<Tag<'a>, XmlError> {
        loop {
            match self.next()? {
                Event::Text(_) => {}
                Event::Start(_) => return Ok(Tag::Start(self.local)),
                Event::End(_) => return Ok(Tag::End),
                Event::Eof => return Ok(Tag::Eof),
            }
        }
    }

    /// The text of the element whose start was just read, and its end tag:
    /// `Some("")` if the end comes right away, `Some(text)` if text and then
    /// the end come, `None` if an element comes first (its start is then
    /// read). What two calls of [`next`](Self::next) would return.
    pub(crate) fn leaf_text(&mut self) -> Result<Option<&'a str>, XmlError> {
        match self.next()? {
            Event::End(_) => Ok(Some("")),
            Event::Text(t) => match self.next()? {
                Event::End(_) => Ok(Some(t)),
                _ => Ok(None),
            },
            _ => Ok(None),
        }
    }

    /// [`next_tag`](Self::next_tag), but a start tag that is followed by
    /// nothing but text and the matching end tag may come back as a whole
    /// [`Node::Leaf`].
    pub(crate) fn next_child(&mut self) -> Result<Node<'a>, XmlError> {
        if self.error.is_none() && self.rest.is_empty() && self.state == State::Content && !self.pending_end {
            // Fast path: clean input inside the root, no pending end.
            let result = self.clean_child();
            if let Err(e) = result {
                self.fail(e);
            }
            return result;
        }
        Ok(match self.next_tag()? {
            Tag::Start(local) => Node::Start(local),
            Tag::End => Node::End,
            Tag::Eof => Node::Eof,
        })
    }

    /// Records the first error: it is returned again by every later call.
    #[cold]
    fn fail(&mut self, e: XmlError) {
        self.error = Some(e);
        self.rest = &mut [];
        self.clean = "";
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

    fn step(&mut self) -> Result<Event<'a>, XmlError> {
        match self.state {
            State::Unchecked => {
                self.validate()?;
                self.state = State::Prolog;
            }
            State::Done => return Ok(Event::Eof),
            State::Prolog | State::Content | State::Epilog => {}
        }
        if self.pending_end {
            self.pending_end = false;
            return Ok(Event::End(Name(self.pop())));
        }
        if !self.rest.is_empty() && self.offset >= self.slow_end {
            self.make_clean()?;
        }
        match self.state {
            State::Content if self.rest.is_empty() => {
                let s = self.clean;
                let t = s.as_bytes();
                if t.first() == Some(&b'<') {
                    if t.get(1) == Some(&b'/') {
                        self.clean_end(0)?;
                        return Ok(Event::End(Name(
                            self.stack.get(self.depth).copied().unwrap_or_default(),
                        )));
                    }
                    return Ok(Event::Start(Name(self.clean_start(0)?)));
                }
                // Text up to the next tag, which clean input holds as it is.
                let k = find_lt(t).ok_or_else(|| eof(self.offset + t.len()))?;
                let (text, tail) = s.split_at_checked(k).unwrap_or((s, ""));
                self.clean = tail;
                self.offset += k;
                Ok(Event::Text(text))
            }
            State::Content => {
                // Fast path: a tag right away (no text run to decode).
                let at_tag = self.rest.first() == Some(&b'<') && !matches!(self.rest.get(1), Some(b'!' | b'?'));
                if !at_tag {
                    if let Some(text) = self.text_run()? {
                        return Ok(Event::Text(text));
                    }
                }
                self.tag()
            }
            _ => {
                let after_root = self.state == State::Epilog;
                self.misc(after_root)?;
                let at = self.offset;
                let t = self.view();
                if t.is_empty() {
                    if after_root {
                        self.state = State::Done;
                        Ok(Event::Eof)
                    } else {
                        Err(err(XmlErrorKind::NoRoot, at))
                    }
                } else if after_root {
                    Err(err(XmlErrorKind::TrailingContent, at))
                } else if t.get(1) == Some(&b'/') {
                    Err(err(XmlErrorKind::MismatchedEndTag, at))
                } else {
                    self.start_tag()
                }
            }
        }
    }

    /// [`next_child`](Self::next_child) in clean mode inside the root, with
    /// no end pending.
    fn clean_child(&mut self) -> Result<Node<'a>, XmlError> {
        let s = self.clean;
        let t = s.as_bytes();
        // Skip the text up to the next tag: clean text needs no decoding.
        let k = match t.first() {
            Some(b'<') => 0,
            _ => find_lt(t).ok_or_else(|| eof(self.offset + t.len()))?,
        };
        let tag = t.get(k..).unwrap_or_default();
        if tag.get(1) == Some(&b'/') {
            self.clean_end(k)?;
            return Ok(Node::End);
        }
        // Fast path: `<name>` (ASCII letters) below `MAX_DEPTH`, and if text
        // and `</name>` follow, the whole element.
        if let (Some(n), true) = (simple_start(tag), self.depth < MAX_DEPTH) {
            let name_bytes = tag.get(1..1 + n).unwrap_or_default();
            let after = tag.get(n + 2..).unwrap_or_default();
            let end = match after.first() {
                Some(b'<') => Some(0),
                _ => find_lt(after),
            };
            let p = k + n + 2;
            if let Some(m) = end {
                if after.get(m + 1) == Some(&b'/')
                    && after.get(m + 2 + n) == Some(&b'>')
                    && eq_at(after, m + 2, name_bytes)
                {
                    // Opening and closing the element leaves the reader as
                    // it was (the stack above `depth` is dead).
                    if let (Some(name), Some(text), Some(tail)) =
                        (sub(s, k + 1, k + 1 + n), sub(s, p, p + m), tail(s, p + m + n + 3))
                    {
                        self.clean = tail;
                        self.offset += p + m + n + 3;
                        self.local = name;
                        return Ok(Node::Leaf(name, text));
                    }
                }
            }
            if let (Some(name), Some(tail)) = (sub(s, k + 1, k + 1 + n), tail(s, p)) {
                self.clean = tail;
                self.offset += p;
                self.push(name, 0, false);
                return Ok(Node::Start(name));
            }
        }
        self.clean_start(k)?;
        Ok(Node::Start(self.local))
    }

    /// Skips `k` bytes of clean text, then parses the end tag there and closes
    /// the innermost element. Fast path: exactly the open element's name,
    /// then `>`.
    #[inline(always)]
    fn clean_end(&mut self, k: usize) -> Result<(), XmlError> {
        let s = self.clean;
        let t = s.as_bytes().get(k..).unwrap_or_default();
        if let Some(open) = self.depth.checked_sub(1).and_then(|d| self.stack.get(d)) {
            let n = open.len();
            if t.get(2 + n) == Some(&b'>') && eq_at(t, 2, open.as_bytes()) {
                self.clean = s.get(k + n + 3..).unwrap_or_default();
                self.offset += k + n + 3;
                self.pop();
                return Ok(());
            }
        }
        self.advance(k);
        self.end_tag()
    }

    /// Skips `k` bytes of clean text, then parses the start tag there and
    /// opens its element; returns its name. Fast path: a name of ASCII
    /// letters, then `>`.
    fn clean_start(&mut self, k: usize) -> Result<&'a str, XmlError> {
        let s = self.clean;
        let t = s.as_bytes().get(k..).unwrap_or_default();
        if let Some(n) = simple_start(t) {
            if let (true, Some(name), Some(tail)) =
                (self.depth < MAX_DEPTH, s.get(k + 1..k + 1 + n), s.get(k + n + 2..))
            {
                self.clean = tail;
                self.offset += k + n + 2;
                self.push(name, 0, false);
                return Ok(name);
            }
        }
        self.advance(k);
        self.start_tag_name()
    }

    /// Checks the whole buffer (UTF-8 and XML `Char`s), picks raw or clean
    /// mode, and skips a BOM.
    fn validate(&mut self) -> Result<(), XmlError> {
        let base = self.offset;
        let buf: &'a mut [u8] = core::mem::take(&mut self.rest);
        match prescan(buf) {
            Err(at) => {
                // Invalid UTF-8 before the forbidden character wins.
                return Err(match core::str::from_utf8(buf.get(..at).unwrap_or_default()) {
                    Ok(_) => err(XmlErrorKind::ForbiddenChar, base + at),
                    Err(e) => err(XmlErrorKind::InvalidUtf8, base + e.valid_up_to()),
                });
            }
            Ok(0) => match core::str::from_utf8(buf) {
                Ok(s) => self.clean = s,
                Err(e) => return Err(err(XmlErrorKind::InvalidUtf8, base + e.valid_up_to())),
            },
            Ok(slow_end) => {
                if let Err(e) = core::str::from_utf8(buf) {
                    return Err(err(XmlErrorKind::InvalidUtf8, base + e.valid_up_to()));
                }
                self.rest = buf;
                self.slow_end = base + slow_end;
            }
        }
        if self.view().starts_with(b"\xEF\xBB\xBF") {
            self.advance(3);
        }
        self.doc_start = self.offset;
        Ok(())
    }

    /// Switches to clean mode: nothing left to decode in place.
    fn make_clean(&mut self) -> Result<(), XmlError> {
        let buf: &'a mut [u8] = core::mem::take(&mut self.rest);
        // Always valid: checked by `validate`, and decoding in place never
        // writes past what it has read.
        match core::str::from_utf8(buf) {
            Ok(s) => {
                self.clean = s;
                Ok(())
            }
            Err(e) => Err(err(XmlErrorKind::InvalidUtf8, self.offset + e.valid_up_to())),
        }
    }

    /// The unread input.
    fn view(&self) -> &[u8] {
        if self.rest.is_empty() {
            self.clean.as_bytes()
        } else {
            self.rest
        }
    }

    /// Consumes the first `n` bytes of the unread input.
    fn advance(&mut self, n: usize) {
        if self.rest.is_empty() {
            // `n` always ends after an ASCII byte or a whole character.
            self.clean = self.clean.get(n..).unwrap_or_default();
            self.offset += n;
        } else {
            self.take_head(n);
        }
    }

    /// Consumes the first `n` bytes of the unread input and returns bytes
    /// `a..b` of them as text (`None` if they are not: never, as the input is
    /// validated and `a`, `b` lie after ASCII bytes).
    fn take_str(&mut self, n: usize, a: usize, b: usize) -> Option<&'a str> {
        if self.rest.is_empty() {
            let (head, tail) = self.clean.split_at_checked(n)?;
            self.clean = tail;
            self.offset += n;
            head.get(a..b)
        } else {
            let head: &'a [u8] = self.take_head(n);
            core::str::from_utf8(head.get(a..b)?).ok()
        }
    }

    /// Consumes and returns the first `n` bytes of the unread input (raw mode).
    fn take_head(&mut self, n: usize) -> &'a mut [u8] {
        let rest = core::mem::take(&mut self.rest);
        let (head, tail) = rest.split_at_mut(n.min(rest.len()));
        self.rest = tail;
        self.offset += head.len();
        head
    }

    /// Closes the innermost open element and returns its name.
    fn pop(&mut self) -> &'a str {
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
        let t = self.view();
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
        self.advance(i);
        Ok(())
    }

    /// Decodes the character data up to the next start or end tag in place
    /// (raw mode). Returns `None` if it decodes to nothing.
    fn text_run(&mut self) -> Result<Option<&'a str>, XmlError> {
        let base = self.offset;
        let doc_start = self.doc_start;
        let buf: &mut [u8] = self.rest;
        let end = base + buf.len();
        // Invariant: w <= r <= buf.len(). Bytes before `w` are decoded
        // output, bytes from `r` on are unread source.
        let mut r = 0;
        let mut w = 0;
        // Each iteration consumes at least one byte or leaves the loop.
        loop {
            let s = buf.get(r..).unwrap_or_default();
            let Some(k) = scan(s, |b| (b == b'<') | (b == b'&') | (b == b'\r') | (b == b']')) else {
                return Err(eof(end));
            };
            if w != r {
                // In bounds: r + k < buf.len() and w < r.
                buf.copy_within(r..r + k, w);
            }
            r += k;
            w += k;
            let s = buf.get(r..).unwrap_or_default();
            match s.first().copied() {
                Some(b'<') if !matches!(s.get(1), Some(b'!' | b'?')) => break,
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
                Some(b'\r') => {
                    put(buf, w, b'\n');
                    w += 1;
                    r += if buf.get(r + 1) == Some(&b'\n') { 2 } else { 1 };
                }
                _ => {
                    // `]`
                    if s.starts_with(CDATA_CLOSE) {
                        return Err(err(XmlErrorKind::CdataEndInText, base + r));
                    }
                    put(buf, w, b']');
                    w += 1;
                    r += 1;
                }
            }
        }
        let head: &'a [u8] = self.take_head(r);
        if w == 0 {
            return Ok(None);
        }
        // Always valid: UTF-8 copied between ASCII delimiters and whole
        // encoded characters.
        match core::str::from_utf8(head.get(..w).unwrap_or_default()) {
            Ok(text) => Ok(Some(text)),
            Err(_) => Err(err(XmlErrorKind::InvalidUtf8, base)),
        }
    }

    /// Parses the start or end tag at the start of the unread input.
    fn tag(&mut self) -> Result<Event<'a>, XmlError> {
        if self.view().get(1) == Some(&b'/') {
            self.end_tag()?;
            Ok(Event::End(Name(
                self.stack.get(self.depth).copied().unwrap_or_default(),
            )))
        } else {
            self.start_tag()
        }
    }

    /// Parses `<name attr="v" ...>` or `<name .../>` at the start of the
    /// unread input.
    fn start_tag(&mut self) -> Result<Event<'a>, XmlError> {
        Ok(Event::Start(Name(self.start_tag_name()?)))
    }

    /// [`start_tag`](Self::start_tag), returning the name.
    fn start_tag_name(&mut self) -> Result<&'a str, XmlError> {
        let at = self.offset;
        let tag = parse_start(self.view(), at)?;
        self.open(at, tag)
    }

    /// Consumes the start tag `tag` found at offset `at` (the start of the
    /// unread input) and opens its element; returns the name (and keeps its
    /// local part in `local`).
    fn open(&mut self, at: usize, tag: StartTag) -> Result<&'a str, XmlError> {
        if self.depth >= MAX_DEPTH {
            return Err(err(XmlErrorKind::TooDeep, at));
        }
        let Some(name) = self.take_str(tag.len, 1, 1 + tag.name_len) else {
            return Err(err(XmlErrorKind::InvalidName, at + 1));
        };
        self.push(name, tag.local, tag.empty);
        Ok(name)
    }

    /// Opens the element `name` (whose local part starts at `local`).
    #[inline(always)]
    fn push(&mut self, name: &'a str, local: usize, empty: bool) {
        if let Some(slot) = self.stack.get_mut(self.depth) {
            *slot = name;
        }
        self.depth += 1;
        self.state = State::Content;
        self.pending_end = empty;
        self.local = name.get(local..).unwrap_or(name);
    }

    /// Parses `</name>` at the start of the unread input and closes the
    /// innermost element (whose name is then `stack[depth]`).
    fn end_tag(&mut self) -> Result<(), XmlError> {
        let at = self.offset;
        let t = self.view();
        let open = self.depth.checked_sub(1).and_then(|d| self.stack.get(d)).copied();
        let (n, matches) = match open {
            // The open element's name, then not a name character.
            Some(open) if eq_at(t, 2, open.as_bytes()) && !t.get(2 + open.len()).is_some_and(|&b| is_name_char(b)) => {
                (open.len(), true)
            }
            // Any other name (which cannot be the open element's).
            _ => (name_at(t, 2, at)?.0, false),
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
        self.advance(j + 1);
        self.pop();
        Ok(())
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

/// A start tag, parsed but not consumed.
struct StartTag {
    /// Length of the name (which starts at byte 1).
    name_len: usize,
    /// Where the name's local part starts, within the name.
    local: usize,
    /// Length of the whole tag.
    len: usize,
    /// An empty-element tag (`/>`).
    empty: bool,
}

/// `s[a..b]`, if `a` and `b` are character boundaries.
#[inline(always)]
fn sub(s: &str, a: usize, b: usize) -> Option<&str> {
    Some(s.split_at_checked(b)?.0.split_at_checked(a)?.1)
}

/// `s[a..]`, if `a` is a character boundary.
#[inline(always)]
fn tail(s: &str, a: usize) -> Option<&str> {
    Some(s.split_at_checked(a)?.1)
}

/// The fast path of `parse_start`: `<`, a name of ASCII letters, `>`.
/// Returns the length of the name.
#[inline]
fn simple_start(t: &[u8]) -> Option<usize> {
    let name = t.get(1..)?;
    let mut n = 0;
    loop {
        match name.get(n..n + W) {
            Some(c) => {
                let other = non_letters(le_word(c));
                if other != 0 {
                    n += (other.trailing_zeros() / 8) as usize;
                    break;
                }
                n += W;
            }
            None => {
                // Less than a word left.
                let rest = name.get(n..).unwrap_or_default();
                n += rest.iter().take_while(|b| b.is_ascii_alphabetic()).count();
                break;
            }
        }
    }
    // `name[..n]` are letters.
    (n > 0 && name.get(n) == Some(&b'>')).then_some(n)
}

/// Whether `t[i..]` starts with `pat`, compared a word at a time.
#[inline]
fn eq_at(t: &[u8], i: usize, pat: &[u8]) -> bool {
    let n = pat.len();
    let Some(s) = t.get(i..i + n) else {
        return false;
    };
    if n < W {
        return s.iter().zip(pat).all(|(a, b)| a == b);
    }
    let mut k = 0;
    while k + W < n {
        if word_at(s, k) != word_at(pat, k) {
            return false;
        }
        k += W;
    }
    // The last (possibly overlapping) word.
    word_at(s, n - W) == word_at(pat, n - W)
}

/// Parses the start tag at the start of `t` (the unread input, at offset
/// `at`).
fn parse_start(t: &[u8], at: usize) -> Result<StartTag, XmlError> {
    let end = at + t.len();
    let (name_len, local) = name_at(t, 1, at)?;
    let mut i = 1 + name_len;
    // Each iteration consumes at least one byte or leaves the loop.
    loop {
        let j = skip_ws(t, i);
        let (len, empty) = match t.get(j) {
            None => return Err(eof(end)),
            Some(b'>') => (j + 1, false),
            Some(b'/') => match t.get(j + 1) {
                Some(b'>') => (j + 2, true),
                None => return Err(eof(end)),
                Some(_) => return Err(err(XmlErrorKind::MalformedTag, at + j)),
            },
            // An attribute must be preceded by whitespace.
            Some(_) if j == i => return Err(err(XmlErrorKind::MalformedTag, at + j)),
            Some(_) => {
                i = attribute(t, j, at)?;
                continue;
            }
        };
        return Ok(StartTag {
            name_len,
            local,
            len,
            empty,
        });
    }
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

/// Position of the first byte of `s` for which `hit` is true.
///
/// Whole 16-byte blocks are tested without branches first (the compiler
/// vectorises this), so `hit` must be cheap and branch-free.
#[inline(always)]
fn scan(s: &[u8], hit: impl Fn(u8) -> bool) -> Option<usize> {
    const BLOCK: usize = 16;
    let mut start = 0;
    for block in s.chunks_exact(BLOCK) {
        if block.iter().fold(false, |any, &b| any | hit(b)) {
            break;
        }
        start += BLOCK;
    }
    let p = s.get(start..)?.iter().position(|&b| hit(b))?;
    Some(start + p)
}

/// `0x01` in every byte of a word.
const LO: Word = Word::MAX / 0xFF;
/// `0x80` in every byte of a word.
const HI: Word = LO << 7;

/// The machine word the byte-parallel helpers work on ("SWAR": 8 bytes at a
/// time on 64-bit targets, 4 on 32-bit ones).
type Word = usize;

/// Bytes in a `Word`.
const W: usize = size_of::<Word>();

/// The `W` bytes of `t` from `i`, as a little-endian word.
#[inline(always)]
fn word_at(t: &[u8], i: usize) -> Option<Word> {
    Some(le_word(t.get(i..i + W)?))
}

/// `c` (`W` bytes long) as a little-endian word.
#[inline(always)]
fn le_word(c: &[u8]) -> Word {
    Word::from_le_bytes(c.try_into().unwrap_or_default())
}

/// Position of the first `<` in `s`, a word at a time.
#[inline]
fn find_lt(s: &[u8]) -> Option<usize> {
    let mut i = 0;
    for c in s.chunks_exact(W) {
        let x = le_word(c) ^ (LO * Word::from(b'<'));
        // The lowest flagged byte is exactly the first zero byte of `x`
        // (borrows only run towards higher bytes).
        let zero = x.wrapping_sub(LO) & !x & HI;
        if zero != 0 {
            return Some(i + (zero.trailing_zeros() / 8) as usize);
        }
        i += W;
    }
    let p = s.get(i..)?.iter().position(|&b| b == b'<')?;
    Some(i + p)
}

/// Position of the first `a`, `b` or `c` in `s`, a word at a time.
fn find3(s: &[u8], a: u8, b: u8, c: u8) -> Option<usize> {
    // The lowest flagged byte of each mask is exactly the first zero byte
    // (borrows only run towards higher bytes), so that of their union is
    // the first match.
    let zero = |x: Word| x.wrapping_sub(LO) & !x & HI;
    let mut i = 0;
    for chunk in s.chunks_exact(W) {
        let w = le_word(chunk);
        let hit = zero(w ^ (LO * Word::from(a))) | zero(w ^ (LO * Word::from(b))) | zero(w ^ (LO * Word::from(c)));
        if hit != 0 {
            return Some(i + (hit.trailing_zeros() / 8) as usize);
        }
        i += W;
    }
    let p = s.get(i..)?.iter().position(|&x| x == a || x == b || x == c)?;
    Some(i + p)
}

/// The bytes of `w` that are not ASCII letters, as their `0x80` bits. Exact
/// per byte (no carries cross bytes).
#[inline(always)]
fn non_letters(w: Word) -> Word {
    // 7-bit bytes, lower-cased: letters become 0x61..=0x7A.
    let x = (w & !HI) | (LO * 0x20);
    let ge_a = x + LO * (0x80 - Word::from(b'a'));
    let gt_z = x + LO * (0x80 - Word::from(b'z') - 1);
    !(ge_a & !gt_z & !w) & HI
}

const NAME_START: u8 = 1;
const NAME_CHAR: u8 = 2;
/// A control character XML forbids (all but TAB, LF, CR).
const FORBIDDEN: u8 = 4;
/// `0xEF`: may start U+FFFE or U+FFFF.
const LEAD_EF: u8 = 8;
/// A byte that may need decoding in place (`&`, CR) or may start or end
/// markup that does (`!`, `?`, `]`).
const SLOW: u8 = 16;

/// Classes of all bytes (256 bytes); names accept any non-ASCII byte.
static CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        let start = c.is_ascii_alphabetic() || c == b'_' || c == b':' || c >= 0x80;
        let other = c.is_ascii_digit() || c == b'-' || c == b'.';
        t[b] = if start {
            NAME_START | NAME_CHAR
        } else if other {
            NAME_CHAR
        } else {
            0
        };
        if c < 0x20 && !is_ws(c) {
            t[b] |= FORBIDDEN;
        }
        if c == 0xEF {
            t[b] |= LEAD_EF;
        }
        if matches!(c, b'\r' | b'&' | b'!' | b'?' | b']') {
            t[b] |= SLOW;
        }
        b += 1;
    }
    t
};

/// Zero for every byte `CLASS` marks `FORBIDDEN`, `LEAD_EF` or `SLOW`, and
/// only for those. Branch-free and written as minimums of differences so that
/// the compiler vectorises it well.
#[inline(always)]
fn special(b: u8) -> u8 {
    // 0 exactly for 0x00..=0x08 and for 0x0B..=0x1F (controls but TAB, LF).
    let low = b.saturating_sub(0x08);
    let high = b.wrapping_sub(0x0B).saturating_sub(0x1F - 0x0B);
    let odd = (b ^ 0xEF).min(b ^ b'&').min(b ^ b'!').min(b ^ b'?').min(b ^ b']');
    odd.min(low).min(high)
}

/// Zero for every byte `CLASS` marks `FORBIDDEN` or `LEAD_EF`, and only for
/// those (as `special`).
#[inline(always)]
fn forbidden_or_ef(b: u8) -> u8 {
    // 0 exactly for 0x00..=0x08, 0x0B..=0x0C and 0x0E..=0x1F.
    let low = b.saturating_sub(0x08);
    let mid = b.wrapping_sub(0x0B).saturating_sub(0x0C - 0x0B);
    let high = b.wrapping_sub(0x0E).saturating_sub(0x1F - 0x0E);
    (b ^ 0xEF).min(low).min(mid).min(high)
}

/// Zero for every byte `CLASS` marks `SLOW`, and only for those (as
/// `special`).
#[inline(always)]
fn slow(b: u8) -> u8 {
    (b ^ b'\r').min(b ^ b'&').min(b ^ b'!').min(b ^ b'?').min(b ^ b']')
}

/// Whether `block` holds a byte for which `f` is zero.
#[inline(always)]
fn any_zero(block: &[u8], f: impl Fn(u8) -> u8) -> bool {
    block.iter().fold(false, |any, &b| any | (f(b) == 0))
}

/// Block size of `prescan`.
const BLOCK: usize = 64;

/// Blocks with `SLOW` bytes after which `prescan` stops looking for them
/// on the way and finds the last one from the end instead.
const SLOW_BLOCKS: usize = 4;

/// Offset of the first whole block of `t` at or after `start` (a multiple
/// of `BLOCK`) that holds a byte for which `f` is zero.
#[inline]
fn block_with(t: &[u8], start: usize, f: impl Fn(u8) -> u8 + Copy) -> Option<usize> {
    let mut at = start;
    for block in t.get(start..)?.chunks_exact(BLOCK) {
        if any_zero(block, f) {
            return Some(at);
        }
        at += BLOCK;
    }
    None
}

/// Checks the whole (not yet validated) buffer: `Err` with the offset of the
/// first character XML 1.0 forbids, else `Ok` with the offset just past the
/// last `SLOW` byte (0 if there is none).
fn prescan(t: &[u8]) -> Result<usize, usize> {
    let is_slow = |b: &u8| CLASS[usize::from(*b)] & SLOW != 0;
    let whole = t.len() - t.len() % BLOCK;
    // The last whole block known to hold a `SLOW` byte.
    let mut slow_block = None;
    let mut slow_blocks = 0;
    let mut start = 0;
    // Both at once, block by block, while `SLOW` bytes are rare. Each
    // iteration moves `start` on by at least a block, or leaves.
    while let Some(at) = block_with(t, start, special) {
        let block = t.get(at..at + BLOCK).unwrap_or_default();
        let candidates = any_zero(block, forbidden_or_ef);
        if candidates {
            forbidden_in(t, at, at + BLOCK)?;
        }
        start = at + BLOCK;
        if !candidates || any_zero(block, slow) {
            slow_block = Some(at);
            slow_blocks += 1;
            if slow_blocks == SLOW_BLOCKS {
                // Many: forbidden characters only, then the last `SLOW`
                // byte from the end (at worst in this block).
                while let Some(at) = block_with(t, start, forbidden_or_ef) {
                    forbidden_in(t, at, at + BLOCK)?;
                    start = at + BLOCK;
                }
                let mut end = whole;
                for block in t.get(..whole).unwrap_or_default().rchunks_exact(BLOCK) {
                    end -= BLOCK;
                    if any_zero(block, slow) {
                        slow_block = Some(end);
                        break;
                    }
                }
                break;
            }
        }
    }
    // The tail (less than a block): 16 bytes at a time, the last 16 bytes of
    // the buffer (overlapping) for the rest, then byte by byte if needed.
    let tail = t.get(whole..).unwrap_or_default();
    let mut hit = tail.chunks_exact(16).any(|c| any_zero(c, special));
    if tail.len() % 16 != 0 {
        hit |= any_zero(t.get(t.len().saturating_sub(16)..).unwrap_or_default(), special);
    }
    if hit {
        forbidden_in(t, whole, t.len())?;
        if let Some(p) = tail.iter().rposition(is_slow) {
            return Ok(whole + p + 1);
        }
    }
    Ok(match slow_block {
        Some(at) => {
            let block = t.get(at..at + BLOCK).unwrap_or_default();
            at + block.iter().rposition(is_slow).map_or(0, |p| p + 1)
        }
        None => 0,
    })
}

/// The first character XML 1.0 forbids in `t[start..end]`, byte by byte.
#[cold]
fn forbidden_in(t: &[u8], start: usize, end: usize) -> Result<(), usize> {
    let block = t.get(start..end).unwrap_or_default();
    for (i, &b) in block.iter().enumerate() {
        let at = start + i;
        let class = CLASS[usize::from(b)];
        if class & FORBIDDEN != 0 || class & LEAD_EF != 0 && matches!(t.get(at + 1..at + 3), Some([0xBF, 0xBE | 0xBF]))
        {
            // A control character, U+FFFE or U+FFFF.
            return Err(at);
        }
    }
    Ok(())
}

/// XML `NameStartChar`, accepting any non-ASCII character.
fn is_name_start(b: u8) -> bool {
    CLASS[usize::from(b)] & NAME_START != 0
}

/// XML `NameChar`, accepting any non-ASCII character.
fn is_name_char(b: u8) -> bool {
    CLASS[usize::from(b)] & NAME_CHAR != 0
}

/// Index of the first non-whitespace byte of `t` at or after `i`.
fn skip_ws(t: &[u8], i: usize) -> usize {
    match t.get(i..) {
        Some(s) => i + s.iter().position(|&b| !is_ws(b)).unwrap_or(s.len()),
        None => i,
    }
}

/// Length of the name at the start of `t` (0 if there is none), and where
/// its local part starts (after its last `:`).
fn name_len(t: &[u8]) -> (usize, usize) {
    match t.first() {
        Some(&b) if is_name_start(b) => {}
        _ => return (0, 0),
    }
    // Whole words of ASCII letters first: the usual names.
    let mut i = 0;
    while let Some(w) = word_at(t, i) {
        let other = non_letters(w);
        if other != 0 {
            i += (other.trailing_zeros() / 8) as usize;
            break;
        }
        i += W;
    }
    let mut local = 0;
    while let Some(&b) = t.get(i) {
        if !is_name_char(b) {
            break;
        }
        i += 1;
        if b == b':' {
            local = i;
        }
    }
    (i, local)
}

/// Length of the name that must start at `t[i]`, and where its local part
/// starts; `t` is a suffix of the buffer starting at offset `base`.
fn name_at(t: &[u8], i: usize, base: usize) -> Result<(usize, usize), XmlError> {
    let s = t.get(i..).unwrap_or_default();
    match name_len(s) {
        (0, _) if s.is_empty() => Err(eof(base + t.len())),
        (0, _) => Err(err(XmlErrorKind::InvalidName, base + i)),
        n => Ok(n),
    }
}

/// Position of the first occurrence of `pat` in `hay`.
fn find(hay: &[u8], pat: &[u8]) -> Option<usize> {
    let (&first, tail) = pat.split_first()?;
    let mut i = 0;
    // `i` grows strictly on every iteration.
    loop {
        let at = i + scan(hay.get(i..)?, |b| b == first)?;
        if hay.get(at + 1..)?.starts_with(tail) {
            return Some(at);
        }
        i = at + 1;
    }
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
    // Each iteration consumes at least one byte or leaves the loop.
    while src < end {
        let s = buf.get(src..end).unwrap_or_default();
        let k = scan(s, |b| b == b'\r').unwrap_or(s.len());
        if w != src {
            // In bounds: src + k <= end <= buf.len() and w < src.
            buf.copy_within(src..src + k, w);
        }
        src += k;
        w += k;
        if src < end {
            put(buf, w, b'\n');
            w += 1;
            src += 1;
            if src < end && buf.get(src) == Some(&b'\n') {
                src += 1;
            }
        }
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
    let n = name_len(body).0;
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

/// Skips the attribute starting at `t[i]`; returns the index after its
/// closing quote. `t` is a suffix of the buffer starting at offset `base`.
fn attribute(t: &[u8], i: usize, base: usize) -> Result<usize, XmlError> {
    let end = base + t.len();
    let n = name_at(t, i, base)?.0;
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
        let Some(p) = find3(s, quote, b'<', b'&') else {
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
        let n = name_len(s).0;
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
    use alloc::{format, string::String, vec, vec::Vec};

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
            let msg = kind.message();
            assert!(!msg.is_empty());
            assert_eq!(kinds.iter().filter(|k| k.message() == msg).count(), 1, "{kind:?}");
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

    // ------------------------------------------------ fast paths vs. plain code

    /// A small deterministic generator (xorshift64*).
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }

        /// Bytes mostly from `common`, sometimes any byte.
        fn bytes(&mut self, len: usize, common: &[u8]) -> Vec<u8> {
            (0..len)
                .map(|_| match self.below(16) {
                    0 => self.next() as u8,
                    _ => common[self.below(common.len())],
                })
                .collect()
        }
    }

    #[test]
    fn byte_filters_match_the_class_table() {
        for b in 0..=255u8 {
            let class = CLASS[usize::from(b)];
            assert_eq!(special(b) == 0, class & (FORBIDDEN | LEAD_EF | SLOW) != 0, "{b:#x}");
            assert_eq!(forbidden_or_ef(b) == 0, class & (FORBIDDEN | LEAD_EF) != 0, "{b:#x}");
            assert_eq!(slow(b) == 0, class & SLOW != 0, "{b:#x}");
            assert_eq!(class & FORBIDDEN != 0, b < 0x20 && !is_ws(b), "{b:#x}");
            assert_eq!(class & SLOW != 0, b"\r&!?]".contains(&b), "{b:#x}");
        }
    }

    /// `prescan`, byte by byte.
    fn prescan_plain(t: &[u8]) -> Result<usize, usize> {
        for (i, &b) in t.iter().enumerate() {
            if b < 0x20 && !is_ws(b) || b == 0xEF && matches!(t.get(i + 1..i + 3), Some([0xBF, 0xBE | 0xBF])) {
                return Err(i);
            }
        }
        Ok(t.iter().rposition(|b| b"\r&!?]".contains(b)).map_or(0, |p| p + 1))
    }

    #[test]
    fn prescan_matches_plain_scan() {
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        let alphabets: [&[u8]; 4] = [b"a<>/ \n", b"a<>/ \n\r", b"ab\n\r&!?]<", b"a\xEF\xBF\xBE\xBB\x01\t\n\r"];
        for round in 0..20_000 {
            let len = rng.below(if round % 4 == 0 { 300 } else { 80 });
            let mut t = rng.bytes(len, alphabets[round % alphabets.len()]);
            // Sparse specials in long plain runs, to hit every branch.
            if round % 3 == 0 {
                t = vec![b'x'; len];
                for _ in 0..rng.below(8) {
                    if len > 0 {
                        let i = rng.below(len);
                        t[i] = b"\r&!?]\x00\x1F\xEF"[rng.below(8)];
                    }
                }
            }
            assert_eq!(prescan(&t), prescan_plain(&t), "{t:?}");
        }
    }

    #[test]
    fn word_helpers_match_plain_code() {
        let mut rng = Rng(0xD1B5_4A32_D192_ED03);
        for _ in 0..20_000 {
            let len = rng.below(40);
            let t = rng.bytes(len, b"aZ<&\"'>:_-.0\x80");
            let plain = |set: &[u8]| t.iter().position(|b| set.contains(b));
            assert_eq!(find_lt(&t), plain(b"<"), "{t:?}");
            assert_eq!(find3(&t, b'"', b'<', b'&'), plain(b"\"<&"), "{t:?}");
            assert_eq!(find3(&t, b'\'', b'<', b'&'), plain(b"'<&"), "{t:?}");
            if let Some(w) = word_at(&t, 0) {
                let letters = (0..W)
                    .filter(|&i| !t[i].is_ascii_alphabetic())
                    .fold(0, |m, i| m | 0x80 << (8 * i));
                assert_eq!(non_letters(w), letters, "{t:?}");
            }
            let mut start = vec![b'<'];
            start.extend_from_slice(&t);
            let plain_start = {
                let n = t.iter().position(|b| !b.is_ascii_alphabetic()).unwrap_or(t.len());
                (n > 0 && t.get(n) == Some(&b'>')).then_some(n)
            };
            assert_eq!(simple_start(&start), plain_start, "{t:?}");
            let i = rng.below(len + 1);
            let pat_len = rng.below(24);
            let pat = rng.bytes(pat_len, b"aZ");
            let plain_eq = t.get(i..).is_some_and(|s| s.starts_with(&pat));
            assert_eq!(eq_at(&t, i, &pat), plain_eq, "{t:?} {i} {pat:?}");
            let prefix = t
                .get(i..)
                .unwrap_or_default()
                .get(..pat.len().min(len - i))
                .unwrap_or_default()
                .to_vec();
            assert!(eq_at(&t, i, &prefix));
        }
    }

    /// What `next` returns, with start tags by local name.
    #[derive(Debug, Clone, PartialEq, Eq)]
    enum Ev {
        Start(String),
        Text(String),
        End,
        Eof,
    }

    fn events(src: &[u8]) -> (Vec<Ev>, Option<XmlError>) {
        let mut buf = src.to_vec();
        let mut r = Reader::<4>::new(&mut buf);
        let mut out = Vec::new();
        loop {
            match r.next() {
                Ok(Event::Start(n)) => out.push(Ev::Start(n.local().into())),
                Ok(Event::Text(t)) => out.push(Ev::Text(t.into())),
                Ok(Event::End(_)) => out.push(Ev::End),
                Ok(Event::Eof) => {
                    out.push(Ev::Eof);
                    return (out, None);
                }
                Err(e) => return (out, Some(e)),
            }
        }
    }

    /// Reads `src` with `next_tag` for the root and `next_child` below it
    /// (trying `leaf_text` after starts if `leaf`), checking each answer
    /// against the events `next` returns. Returns how many whole elements
    /// `next_child` returned.
    fn check_children(src: &[u8], leaf: bool) -> usize {
        let mut leaves = 0;
        let (want, want_err) = events(src);
        let mut buf = src.to_vec();
        let mut r = Reader::<4>::new(&mut buf);
        let mut j = 0;
        let skip_text = |j: &mut usize| {
            while matches!(want.get(*j), Some(Ev::Text(_))) {
                *j += 1;
            }
        };
        let at_error = |j: usize, e: XmlError| {
            assert_eq!(j, want.len(), "{src:?}: error {e:?} too early");
            assert_eq!(Some(e), want_err, "{src:?}");
        };
        let mut first = true;
        for _ in 0..src.len() + 3 {
            let node = if first {
                first = false;
                r.next_tag().map(|t| match t {
                    Tag::Start(l) => Node::Start(l),
                    Tag::End => Node::End,
                    Tag::Eof => Node::Eof,
                })
            } else {
                r.next_child()
            };
            let node = match node {
                Ok(n) => n,
                Err(e) => {
                    skip_text(&mut j);
                    at_error(j, e);
                    return leaves;
                }
            };
            skip_text(&mut j);
            match node {
                Node::Start(l) => {
                    assert_eq!(want.get(j), Some(&Ev::Start(l.into())), "{src:?}");
                    j += 1;
                    if leaf && r.depth() > 1 {
                        match r.leaf_text() {
                            Ok(Some(t)) => {
                                if !t.is_empty() {
                                    assert_eq!(want.get(j), Some(&Ev::Text(t.into())), "{src:?}");
                                    j += 1;
                                }
                                assert_eq!(want.get(j), Some(&Ev::End), "{src:?}");
                                j += 1;
                            }
                            Ok(None) => {
                                if matches!(want.get(j), Some(Ev::Text(_))) {
                                    j += 1;
                                }
                                assert_eq!(want.get(j), Some(&Ev::Start(r.local.into())), "{src:?}");
                                j += 1;
                            }
                            Err(e) => {
                                if matches!(want.get(j), Some(Ev::Text(_))) {
                                    j += 1;
                                }
                                at_error(j, e);
                                return leaves;
                            }
                        }
                    }
                }
                Node::Leaf(l, t) => {
                    leaves += 1;
                    assert_eq!(want.get(j), Some(&Ev::Start(l.into())), "{src:?}");
                    j += 1;
                    if !t.is_empty() {
                        assert_eq!(want.get(j), Some(&Ev::Text(t.into())), "{src:?}");
                        j += 1;
                    }
                    assert_eq!(want.get(j), Some(&Ev::End), "{src:?}");
                    j += 1;
                }
                Node::End => {
                    assert_eq!(want.get(j), Some(&Ev::End), "{src:?}");
                    j += 1;
                }
                Node::Eof => {
                    assert_eq!(want.get(j), Some(&Ev::Eof), "{src:?}");
                    assert_eq!(want_err, None);
                    return leaves;
                }
            }
        }
        panic!("{src:?}: no end");
    }

    #[test]
    fn next_child_and_leaf_text_agree_with_next() {
        let sts = b"<R xmlns=\"u\">\n <C>\n  <K>ASIA</K>\n  <S>s+/k</S><E></E><T/>\n </C>\n <M><I>id</I></M></R>\n";
        let mut docs: Vec<Vec<u8>> = OK_CASES.iter().map(|c| c.1.as_bytes().to_vec()).collect();
        docs.extend(ERR_CASES.iter().map(|c| c.1.to_vec()));
        docs.push(FULL.as_bytes().to_vec());
        docs.push(sts.to_vec());
        docs.push(b"<a><b><c>x</c><d>y</d></b><e>z&amp;</e><f>w</f></a>".to_vec());
        docs.push(b"<a><b>x</b><c>y<!-- c --></c><d>z</d></a>".to_vec());
        docs.push(b"<a><b><c><d>deep</d></c></b></a>".to_vec());
        docs.push(b"<a><b><c><d><e>too deep</e></d></c></b></a>".to_vec());
        docs.push(b"<a><b>x</b ><c>y</C><d>z</d></a>".to_vec());
        let mut inputs = Vec::new();
        for d in &docs {
            for n in 0..=d.len() {
                inputs.push(d[..n].to_vec());
                if n < d.len() {
                    let mut v = d.clone();
                    v.remove(n);
                    inputs.push(v);
                }
            }
        }
        let mut leaves = 0;
        for src in &inputs {
            leaves += check_children(src, false);
            leaves += check_children(src, true);
        }
        assert!(leaves > 500, "{leaves}");
    }
}
