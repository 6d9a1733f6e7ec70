//! The sans-IO HTTP/1.1 codec under every embedded engine: no I/O, no clock,
//! no allocation.
//!
//! [`RequestHead`] checks a [`Request`] and lists the bytes of its head;
//! [`ResponseReader`] receives a response into the caller's buffer. The
//! engines (`HttpClient`, `AsyncHttpClient`) only move bytes between these
//! and a stream; a stream of another I/O trait can be driven the same way:
//!
//! ```
//! use sts_transport::h1::ResponseReader;
//!
//! let wire = b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello";
//! let mut buf = [0u8; 128];
//! let mut reader = ResponseReader::new(&mut buf);
//! let mut input = &wire[..];
//! while !reader.is_done() {
//!     let space = reader.read_buf()?;
//!     let n = space.len().min(input.len()).min(7); // any read size works
//!     space[..n].copy_from_slice(&input[..n]);
//!     input = &input[n..];
//!     reader.advance(n)?; // 0 means EOF
//! }
//! let response = reader.finish()?;
//! assert_eq!(response.status, 200);
//! assert_eq!(&response.body[..], b"hello");
//! # Ok::<(), sts_transport::Error>(())
//! ```
//!
//! # Buffer layout
//!
//! The head is kept at the start of the buffer and the header values of the
//! [`Response`] point into it; the body follows it. A chunked body is decoded
//! in place: each chunk's data is moved down next to the previous one, so the
//! body ends up contiguous and the buffer never needs room for more than the
//! head, the body and one chunk-size line (or the trailer section).
//!
//! ```text
//! [ head ....... | body (decoded) ....... | raw bytes not yet decoded | free ]
//! 0          head_len                   out                      filled   len
//! ```
//!
//! # Bounds
//!
//! Every byte stored comes from a read into [`ResponseReader::read_buf`],
//! which is never larger than the free part of the buffer, so the reader never
//! needs more memory than it was given. Each `advance(n > 0)` adds `n` bytes,
//! and everything already decoded stays, except `1xx` heads, of which at most
//! [`MAX_INTERIM`] are skipped; so the number of reads before the reader ends
//! (done or error) is bounded by the buffer length times `MAX_INTERIM + 1`.

use core::ops::Range;

use crate::{Error, MalformedHttp, Request, Response, Scheme};

/// Header fields the reader parses in a response head (more is
/// [`MalformedHttp::TooManyHeaders`]).
pub const MAX_HEADERS: usize = 48;

/// `1xx` interim responses skipped before the final one (more is
/// [`MalformedHttp::TooManyInterim`]): enough that both transports give
/// the same answer to any real server (ureq skips interim answers without
/// a count), few enough that a server cannot keep a device reading.
pub const MAX_INTERIM: u8 = 32;

/// The body limit a [`ResponseReader`] starts with: 64 KiB, well above the
/// largest STS answer (see the crate docs on buffer sizes).
pub const DEFAULT_MAX_BODY: usize = 64 * 1024;

/// The `User-Agent` sent when the request does not set one.
pub const DEFAULT_USER_AGENT: &str = concat!("sts-transport/", env!("CARGO_PKG_VERSION"));

/// Request headers the transport writes itself; a request that sets one of
/// them is an [`Error::InvalidRequest`].
pub const MANAGED_HEADERS: &[&str] = &[
    "host",
    "content-length",
    "transfer-encoding",
    "connection",
    "keep-alive",
    "proxy-connection",
    "upgrade",
    "te",
    "trailer",
    "expect",
    "accept-encoding",
];

/// Whether `host` is a loopback host: `localhost`, an IPv4 address in
/// `127.0.0.0/8` written as four decimal octets, or `::1` (with or without
/// brackets; also `0:0:0:0:0:0:0:1`).
///
/// Plain `http://` is allowed only to these: credentials never travel in the
/// clear over a network. Other spellings of a loopback address (`127.1`,
/// `0::1`) are not recognised, which errs on the safe side.
#[must_use]
pub fn is_loopback(host: &str) -> bool {
    let host = strip_brackets(host);
    host.eq_ignore_ascii_case("localhost") || host == "::1" || host == "0:0:0:0:0:0:0:1" || is_ipv4_loopback(host)
}

/// `127.a.b.c`, each octet 1 to 3 decimal digits up to 255 (no `core::net`
/// parser: it costs 2 KB of flash on a Cortex-M).
fn is_ipv4_loopback(host: &str) -> bool {
    let mut octets = 0;
    for (i, part) in host.split('.').enumerate() {
        let value = part
            .bytes()
            .try_fold(0u16, |v, b| b.is_ascii_digit().then(|| v * 10 + u16::from(b - b'0')));
        match value {
            Some(v) if !part.is_empty() && part.len() <= 3 && v <= 255 => {}
            _ => return false,
        }
        if i == 0 && part != "127" {
            return false;
        }
        octets += 1;
    }
    octets == 4
}

/// `host` without the brackets of an IPv6 literal (`[::1]` gives `::1`).
#[must_use]
pub fn strip_brackets(host: &str) -> &str {
    host.strip_prefix('[').and_then(|h| h.strip_suffix(']')).unwrap_or(host)
}

/// Checks the scheme policy: `https` anywhere, `http` only to loopback.
///
/// # Errors
///
/// [`Error::InsecureScheme`] for `http` to a host that is not loopback.
pub fn check_scheme(scheme: Scheme, host: &str) -> Result<(), Error> {
    match scheme {
        Scheme::Https => Ok(()),
        Scheme::Http if is_loopback(host) => Ok(()),
        Scheme::Http => Err(Error::InsecureScheme),
    }
}

const fn tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric()
        || matches!(
            b,
            b'!' | b'#' | b'$' | b'%' | b'&' | b'\'' | b'*' | b'+' | b'-' | b'.' | b'^' | b'_' | b'`' | b'|' | b'~'
        )
}

/// [`CLASS`] bit: RFC 9110 `tchar`.
const TCHAR: u8 = 1;
/// [`CLASS`] bit: RFC 9110 field-value bytes (VCHAR, SP, HTAB and
/// obs-text; never CR, LF, NUL or another control byte: header injection).
const FIELD_VALUE: u8 = 2;
/// [`CLASS`] bit: the bytes of a DNS name (or IPv4 literal) in `Host`.
const HOST_NAME: u8 = 4;
/// [`CLASS`] bit: the bytes of a request target (visible ASCII).
const PATH: u8 = 8;

/// The classes of every byte: one lookup per byte whatever the class (the
/// strings checked are short; a table beats vector code's setup there).
static CLASS: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        let mut c = 0;
        if tchar(b) {
            c |= TCHAR;
        }
        if b == b'\t' || b == b' ' || (b >= 0x21 && b != 0x7f) {
            c |= FIELD_VALUE;
        }
        if b.is_ascii_alphanumeric() || b == b'.' || b == b'-' || b == b'_' {
            c |= HOST_NAME;
        }
        if b >= 0x21 && b < 0x7f {
            c |= PATH;
        }
        table[i] = c;
        i += 1;
    }
    table
};

/// Whether every byte of `s` is in `class` (no early exit: the strings are
/// short and almost always valid).
#[inline(always)]
fn all_in(s: &[u8], class: u8) -> bool {
    s.iter().fold(class, |acc, &b| acc & CLASS[usize::from(b)]) != 0
}

fn is_token(s: &str) -> bool {
    !s.is_empty() && all_in(s.as_bytes(), TCHAR)
}

fn is_field_value(s: &str) -> bool {
    all_in(s.as_bytes(), FIELD_VALUE)
}

/// What kind of host `s` is: `None` when it is not a host, `Some(false)`
/// for a DNS name or IPv4 literal, `Some(true)` for an IPv6 literal.
fn host_kind(s: &str) -> Option<bool> {
    let s = strip_brackets(s);
    if s.is_empty() || s.len() > 253 {
        return None;
    }
    if all_in(s.as_bytes(), HOST_NAME) {
        return Some(false);
    }
    // An IPv6 literal: checked for its alphabet only (no injection
    // possible); the connector's resolver parses it.
    (s.bytes().filter(|&b| b == b':').count() >= 2
        && s.bytes().all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.'))
    .then_some(true)
}

fn is_path(s: &str) -> bool {
    s.starts_with('/') && all_in(s.as_bytes(), PATH)
}

/// Decimal digits of a number, formatted without allocation.
#[derive(Clone, Copy)]
struct Digits {
    buf: [u8; 20],
    start: u8,
}

impl Digits {
    fn new(mut n: usize) -> Self {
        let mut buf = [0u8; 20];
        let mut i = buf.len();
        loop {
            i -= 1;
            buf[i] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        Digits { buf, start: i as u8 }
    }

    fn as_bytes(&self) -> &[u8] {
        &self.buf[usize::from(self.start)..]
    }
}

/// The checked head of a request, ready to be written as a list of byte
/// slices (no allocation, no formatting buffer beyond two numbers).
///
/// The head carries, in this order: the request line, `Host` (with the port
/// when it is not the scheme's default), the request's `Content-Type` if it
/// has one, the request's other headers, `Content-Length`, `User-Agent` (the
/// request's own or [`DEFAULT_USER_AGENT`]), `Accept-Encoding: identity` and
/// `Connection: close`.
pub struct RequestHead<'r> {
    request: &'r Request<'r>,
    host: &'r str,
    /// `host` is an IPv6 literal (bracketed in `Host`).
    ipv6: bool,
    port: Option<Digits>,
    content_length: Digits,
    content_type: Option<&'r str>,
    user_agent: &'r str,
}

impl core::fmt::Debug for RequestHead<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("RequestHead")
            .field("request", self.request)
            .field("len", &self.len())
            .finish_non_exhaustive()
    }
}

impl<'r> RequestHead<'r> {
    /// Checks `request` and prepares its head.
    ///
    /// # Errors
    ///
    /// [`Error::InsecureScheme`] for `http` to a host that is not loopback;
    /// [`Error::InvalidRequest`] when the method is not a token, the host is
    /// not a DNS name or IP literal, the path does not start with `/` or holds
    /// a byte outside visible ASCII, a header name is not a token, a header
    /// value holds a control byte (CR, LF, NUL, ...), a header is one of
    /// [`MANAGED_HEADERS`], or the
    /// [`request_id_header`](Request::request_id_header) is not a token.
    pub fn new(request: &'r Request<'r>) -> Result<Self, Error> {
        check_scheme(request.scheme, request.host)?;
        let Some(ipv6) = host_kind(request.host) else {
            return Err(Error::InvalidRequest);
        };
        if !is_token(request.method) || !is_path(request.path) || !request.request_id_header.is_none_or(is_token) {
            return Err(Error::InvalidRequest);
        }
        let mut content_type = None;
        let mut user_agent = DEFAULT_USER_AGENT;
        for &(name, value) in request.headers {
            if !is_token(name) || !is_field_value(value) {
                return Err(Error::InvalidRequest);
            }
            if MANAGED_HEADERS.iter().any(|m| name.eq_ignore_ascii_case(m)) {
                return Err(Error::InvalidRequest);
            }
            if name.eq_ignore_ascii_case("content-type") {
                content_type = Some(value);
            } else if name.eq_ignore_ascii_case("user-agent") {
                user_agent = value;
            }
        }
        let default_port = match request.scheme {
            Scheme::Http => 80,
            Scheme::Https => 443,
        };
        Ok(RequestHead {
            request,
            host: strip_brackets(request.host),
            ipv6,
            port: (request.port != default_port).then(|| Digits::new(usize::from(request.port))),
            content_length: Digits::new(request.body.len()),
            content_type,
            user_agent,
        })
    }

    /// The host to connect to: the request's host without IPv6 brackets.
    #[must_use]
    pub fn host(&self) -> &'r str {
        self.host
    }

    /// The bytes of the head, in order; empty slices may appear and write
    /// nothing. The body is not part of the head.
    pub fn pieces(&self) -> impl Iterator<Item = &[u8]> + '_ {
        let r = self.request;
        let ipv6 = self.ipv6;
        let (port_sep, port): (&[u8], &[u8]) = match &self.port {
            Some(d) => (b":", d.as_bytes()),
            None => (b"", b""),
        };
        let start: [&[u8]; 10] = [
            r.method.as_bytes(),
            b" ",
            r.path.as_bytes(),
            b" HTTP/1.1\r\nHost: ",
            if ipv6 { b"[" } else { b"" },
            self.host.as_bytes(),
            if ipv6 { b"]" } else { b"" },
            port_sep,
            port,
            b"\r\n",
        ];
        let content_type: [&[u8]; 3] = match self.content_type {
            Some(v) => [b"Content-Type: ", v.as_bytes(), b"\r\n"],
            None => [b""; 3],
        };
        let others = r
            .headers
            .iter()
            .filter(|(n, _)| !n.eq_ignore_ascii_case("content-type") && !n.eq_ignore_ascii_case("user-agent"))
            .flat_map(|(n, v)| [n.as_bytes(), b": ", v.as_bytes(), b"\r\n"]);
        let end: [&[u8]; 5] = [
            b"Content-Length: ",
            self.content_length.as_bytes(),
            b"\r\nUser-Agent: ",
            self.user_agent.as_bytes(),
            b"\r\nAccept-Encoding: identity\r\nConnection: close\r\n\r\n",
        ];
        start.into_iter().chain(content_type).chain(others).chain(end)
    }

    /// The request's `Content-Type` (its last one), if it has one.
    #[must_use]
    pub fn content_type(&self) -> Option<&'r str> {
        self.content_type
    }

    /// The `User-Agent` to send: the request's own or [`DEFAULT_USER_AGENT`].
    #[must_use]
    pub fn user_agent(&self) -> &'r str {
        self.user_agent
    }

    /// The length of the head in bytes.
    #[must_use]
    pub fn len(&self) -> usize {
        self.write_window(0, &mut [])
    }

    /// Always `false`: a head has at least a request line.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        false
    }

    /// Copies the whole head into `out` and returns its length.
    ///
    /// # Errors
    ///
    /// [`Error::BufferTooSmall`] with the length needed (nothing is written).
    pub fn write_to(&self, out: &mut [u8]) -> Result<usize, Error> {
        let len = self.len();
        let Some(out) = out.get_mut(..len) else {
            return Err(Error::BufferTooSmall { needed: Some(len) });
        };
        Ok(self.write_window(0, out))
    }

    /// Copies the bytes `skip..skip + out.len()` of the head (as far as the
    /// head goes) into `out` and returns the length of the whole head: an
    /// engine sends a head of any length through a small stack buffer, a
    /// window at a time.
    pub(crate) fn write_window(&self, skip: usize, out: &mut [u8]) -> usize {
        let mut w = Window { out, skip, at: 0 };
        for piece in self.pieces() {
            w.put(piece);
        }
        w.at
    }
}

/// Writes the part of a byte sequence that falls in a window
/// (`skip..skip + out.len()`), counting the whole sequence.
struct Window<'o> {
    out: &'o mut [u8],
    skip: usize,
    /// The length of the sequence so far.
    at: usize,
}

impl Window<'_> {
    #[inline(always)]
    fn put(&mut self, piece: &[u8]) {
        let start = self.at;
        self.at += piece.len();
        if let Some(dst) = start
            .checked_sub(self.skip)
            .and_then(|from| self.out.get_mut(from..from + piece.len()))
        {
            // The usual case: the piece lies inside the window.
            dst.copy_from_slice(piece);
        } else {
            self.put_split(start, piece);
        }
    }

    /// A piece that straddles an end of the window, or lies outside it.
    #[inline(never)]
    fn put_split(&mut self, start: usize, piece: &[u8]) {
        let window_end = self.skip + self.out.len();
        let from = self.skip.max(start);
        let to = window_end.min(self.at);
        if from < to {
            self.out[from - self.skip..to - self.skip].copy_from_slice(&piece[from - start..to - start]);
        }
    }
}

/// The stack buffer the engines send a request through: the head (a window
/// at a time when it is longer), with the body appended when it fits in
/// what is left, so a head goes out in one write (one TLS record, one TCP
/// segment) instead of thirty.
#[cfg(any(feature = "embedded-io-v0.7", feature = "embedded-io-async-v0.7"))]
pub(crate) const SEND_CHUNK: usize = 256;

#[derive(Clone, Copy, Debug)]
enum Chunk {
    /// Expecting a chunk-size line at `pos`.
    Size,
    /// Inside a chunk's data, `remaining` bytes to go.
    Data { remaining: usize },
    /// Expecting the CRLF after a chunk's data.
    DataEnd,
    /// After the last chunk: the trailer section up to an empty line.
    Trailer,
}

#[derive(Clone, Copy, Debug)]
enum State {
    /// Receiving the head; the blank line was not found before `scanned`.
    Head { scanned: usize },
    /// A `Content-Length` body ending at buffer offset `end`.
    Length { end: usize },
    /// A chunked body: decoded up to `out`, raw bytes from `pos` to `filled`.
    Chunked { out: usize, pos: usize, chunk: Chunk },
    /// A close-delimited body: until EOF.
    Close,
    /// The response is complete; the body is `head_len..body_end`.
    Done { body_end: usize },
}

/// Where the header values a [`Response`] exposes lie in the head.
#[derive(Clone, Copy, Debug, Default)]
struct Fields {
    date: Option<(usize, usize)>,
    content_type: Option<(usize, usize)>,
    request_id: Option<(usize, usize)>,
    retry_after: Option<(usize, usize)>,
}

/// Receives one HTTP/1.x response into a caller-owned buffer.
///
/// Feed it with [`read_buf`](Self::read_buf) / [`advance`](Self::advance)
/// until [`is_done`](Self::is_done), then take the [`Response`] with
/// [`finish`](Self::finish). It ends as soon as the framing says the response
/// is complete (`Content-Length` reached, last chunk and trailers read), so it
/// needs no EOF except for a close-delimited body: links that never signal EOF
/// work.
///
/// It reads the head and finds its end itself, then parses it once with
/// `httparse`; skips `1xx` interim responses (at most [`MAX_INTERIM`]);
/// frames the body by `Content-Length`, `chunked` (with trailers) or the end
/// of the connection; and refuses, as a typed [`Error`]: a head or body larger
/// than the buffer, a body over the body limit, bad chunk sizes or missing
/// CRLFs, `Content-Length` together with `Transfer-Encoding`, a
/// `Transfer-Encoding` other than `chunked`, a `Content-Encoding` other than
/// `identity`, and EOF before the end.
///
/// `'b` is the buffer's lifetime, `'n` that of the name given to
/// [`request_id_header`](Self::request_id_header).
pub struct ResponseReader<'b, 'n> {
    buf: &'b mut [u8],
    filled: usize,
    head_len: usize,
    state: State,
    status: u16,
    fields: Fields,
    interim: u8,
    max_body: usize,
    no_body: bool,
    request_id_header: Option<&'n str>,
    probe: [u8; 1],
    probing: bool,
}

/// Prints the state and sizes, never the buffer (it holds credentials).
impl core::fmt::Debug for ResponseReader<'_, '_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("ResponseReader")
            .field("buf_len", &self.buf.len())
            .field("received", &self.filled)
            .field("head_len", &self.head_len)
            .field("state", &self.state)
            .field("status", &self.status)
            .field("max_body", &self.max_body)
            .finish_non_exhaustive()
    }
}

impl<'b, 'n> ResponseReader<'b, 'n> {
    /// A reader that stores the response in `buf`.
    pub fn new(buf: &'b mut [u8]) -> Self {
        ResponseReader {
            buf,
            filled: 0,
            head_len: 0,
            state: State::Head { scanned: 0 },
            status: 0,
            fields: Fields::default(),
            interim: 0,
            max_body: DEFAULT_MAX_BODY,
            no_body: false,
            request_id_header: None,
            probe: [0],
            probing: false,
        }
    }

    /// Sets the body limit (default [`DEFAULT_MAX_BODY`]); a longer body is
    /// [`Error::BodyTooLarge`].
    #[must_use]
    pub fn max_body(mut self, limit: usize) -> Self {
        self.max_body = limit;
        self
    }

    /// Marks the response as the answer to a `HEAD` request (no body whatever
    /// the headers say).
    #[must_use]
    pub fn head_request(mut self, is_head: bool) -> Self {
        self.no_body = is_head;
        self
    }

    /// Names the header whose value becomes [`Response::request_id`]
    /// (matched without regard to case; the first one counts). `None`, the
    /// default, keeps no request id.
    #[must_use]
    pub fn request_id_header(mut self, name: Option<&'n str>) -> Self {
        self.request_id_header = name;
        self
    }

    /// Whether the response is complete.
    #[must_use]
    pub fn is_done(&self) -> bool {
        matches!(self.state, State::Done { .. })
    }

    /// The bytes received so far (head and body), for diagnostics and tests.
    #[must_use]
    pub fn received(&self) -> usize {
        self.filled
    }

    /// Where the next bytes from the connection go. Never empty while the
    /// reader is not done (empty once it is).
    ///
    /// # Errors
    ///
    /// [`Error::BufferTooSmall`] when the buffer is full and more is needed.
    pub fn read_buf(&mut self) -> Result<&mut [u8], Error> {
        let len = self.buf.len();
        match self.state {
            State::Done { .. } => Ok(&mut []),
            State::Head { .. } => {
                if self.filled == len {
                    return Err(Error::BufferTooSmall { needed: None });
                }
                Ok(&mut self.buf[self.filled..])
            }
            State::Length { end } => Ok(&mut self.buf[self.filled..end]),
            State::Chunked { out, pos, chunk } => {
                if self.filled == len && pos > out {
                    // Compact: move the undecoded bytes down to the body's end.
                    shift_down(self.buf, pos..self.filled, out);
                    self.filled -= pos - out;
                    self.state = State::Chunked { out, pos: out, chunk };
                }
                if self.filled == len {
                    let needed = match chunk {
                        Chunk::Data { remaining } => Some(out.saturating_add(remaining).saturating_add(7)),
                        _ => None,
                    };
                    return Err(Error::BufferTooSmall { needed });
                }
                Ok(&mut self.buf[self.filled..])
            }
            State::Close => {
                if self.filled == len {
                    // Full: one more byte means the body does not fit; EOF
                    // means it fits exactly. The probe byte is thrown away.
                    self.probing = true;
                    return Ok(&mut self.probe);
                }
                Ok(&mut self.buf[self.filled..])
            }
        }
    }

    /// Records that `n` bytes were read into [`read_buf`](Self::read_buf);
    /// `n == 0` means the connection reached EOF.
    ///
    /// # Errors
    ///
    /// Any response error: malformed head or framing, buffer too small, body
    /// too large, EOF before the end.
    pub fn advance(&mut self, n: usize) -> Result<(), Error> {
        if n == 0 {
            return match self.state {
                State::Done { .. } => Ok(()),
                State::Close => {
                    self.state = State::Done { body_end: self.filled };
                    Ok(())
                }
                _ => Err(Error::UnexpectedEof),
            };
        }
        if self.probing {
            return Err(Error::BufferTooSmall { needed: None });
        }
        match self.state {
            State::Done { .. } => return Ok(()),
            State::Length { end } => debug_assert!(self.filled + n <= end),
            _ => {}
        }
        self.filled = (self.filled + n).min(self.buf.len());
        self.process()
    }

    /// Decodes as far as the bytes received allow.
    fn process(&mut self) -> Result<(), Error> {
        loop {
            match self.state {
                State::Done { .. } => return Ok(()),
                State::Head { scanned } => match find_head_end(&self.buf[..self.filled], scanned) {
                    Ok(end) => self.on_head(end)?,
                    Err(resume) => {
                        self.state = State::Head { scanned: resume };
                        return Ok(());
                    }
                },
                State::Length { end } => {
                    if self.filled >= end {
                        self.filled = end;
                        self.state = State::Done { body_end: end };
                    }
                    return Ok(());
                }
                State::Close => {
                    let body = self.filled - self.head_len;
                    if body > self.max_body {
                        return Err(Error::BodyTooLarge { limit: self.max_body });
                    }
                    return Ok(());
                }
                State::Chunked { out, pos, chunk } => {
                    if !self.chunk_step(out, pos, chunk)? {
                        return Ok(());
                    }
                }
            }
        }
    }

    /// Parses the head `buf[..end]`, sets up the body framing.
    fn on_head(&mut self, end: usize) -> Result<(), Error> {
        let mut headers = [const { core::mem::MaybeUninit::uninit() }; MAX_HEADERS];
        let mut res = httparse::Response::new(&mut []);
        let base = self.buf.as_ptr() as usize;
        let head_len = match httparse::ParserConfig::default().parse_response_with_uninit_headers(
            &mut res,
            &self.buf[..end],
            &mut headers,
        ) {
            Ok(httparse::Status::Complete(n)) => n,
            Ok(httparse::Status::Partial) => return Err(MalformedHttp::Head.into()),
            Err(httparse::Error::TooManyHeaders) => return Err(MalformedHttp::TooManyHeaders.into()),
            Err(_) => return Err(MalformedHttp::Head.into()),
        };
        let status = res.code.unwrap_or(0);
        if !(100..=599).contains(&status) || status == 101 {
            return Err(MalformedHttp::Status.into());
        }
        if status < 200 {
            // An interim response: drop it and look for the next head.
            self.interim += 1;
            if self.interim > MAX_INTERIM {
                return Err(MalformedHttp::TooManyInterim.into());
            }
            shift_down(self.buf, head_len..self.filled, 0);
            self.filled -= head_len;
            self.state = State::Head { scanned: 0 };
            return Ok(());
        }

        let mut fields = Fields::default();
        let mut content_length: Option<u64> = None;
        let mut chunked = false;
        let mut transfer_encoding = false;
        for h in res.headers.iter() {
            let range = {
                let start = h.value.as_ptr() as usize - base;
                (start, start + h.value.len())
            };
            let name = h.name;
            if self.request_id_header.is_some_and(|r| name.eq_ignore_ascii_case(r)) {
                fields.request_id.get_or_insert(range);
            }
            if name.eq_ignore_ascii_case("content-length") {
                let n = parse_content_length(h.value).ok_or(MalformedHttp::ContentLength)?;
                if content_length.is_some_and(|c| c != n) {
                    return Err(MalformedHttp::ContentLength.into());
                }
                content_length = Some(n);
            } else if name.eq_ignore_ascii_case("transfer-encoding") {
                if transfer_encoding {
                    // Several codings (even `chunked, chunked`) are refused.
                    return Err(MalformedHttp::TransferEncoding.into());
                }
                transfer_encoding = true;
                chunked = h.value.trim_ascii().eq_ignore_ascii_case(b"chunked");
            } else if name.eq_ignore_ascii_case("content-encoding") {
                if !h.value.trim_ascii().eq_ignore_ascii_case(b"identity") {
                    return Err(MalformedHttp::ContentEncoding.into());
                }
            } else if name.eq_ignore_ascii_case("date") {
                fields.date.get_or_insert(range);
            } else if name.eq_ignore_ascii_case("content-type") {
                fields.content_type.get_or_insert(range);
            } else if name.eq_ignore_ascii_case("retry-after") {
                fields.retry_after.get_or_insert(range);
            }
        }

        self.status = status;
        self.fields = fields;
        self.head_len = head_len;

        if self.no_body || status == 204 || status == 304 {
            self.filled = head_len;
            self.state = State::Done { body_end: head_len };
            return Ok(());
        }
        if transfer_encoding && content_length.is_some() {
            return Err(MalformedHttp::ContentLengthWithTransferEncoding.into());
        }
        if transfer_encoding {
            if !chunked {
                return Err(MalformedHttp::TransferEncoding.into());
            }
            self.state = State::Chunked {
                out: head_len,
                pos: head_len,
                chunk: Chunk::Size,
            };
            return Ok(());
        }
        if let Some(cl) = content_length {
            let limit = self.max_body;
            let cl = usize::try_from(cl)
                .ok()
                .filter(|&cl| cl <= limit)
                .ok_or(Error::BodyTooLarge { limit })?;
            let needed = head_len + cl;
            if needed > self.buf.len() {
                return Err(Error::BufferTooSmall { needed: Some(needed) });
            }
            self.state = State::Length { end: needed };
            return Ok(());
        }
        self.state = State::Close;
        Ok(())
    }

    /// One step of chunked decoding; `Ok(false)` when more bytes are needed.
    fn chunk_step(&mut self, out: usize, pos: usize, chunk: Chunk) -> Result<bool, Error> {
        let avail = &self.buf[pos..self.filled];
        let (out, pos, chunk) = match chunk {
            Chunk::Size => {
                if avail.first().is_some_and(|b| !b.is_ascii_hexdigit()) {
                    return Err(MalformedHttp::ChunkSize.into());
                }
                let Some(lf) = memchr::memchr(b'\n', avail) else {
                    return Ok(false);
                };
                let size = parse_chunk_line(&avail[..lf])?;
                let pos = pos + lf + 1;
                if size == 0 {
                    (out, pos, Chunk::Trailer)
                } else {
                    let body = out - self.head_len;
                    let limit = self.max_body;
                    let size = usize::try_from(size)
                        .ok()
                        .filter(|&s| s <= limit - body)
                        .ok_or(Error::BodyTooLarge { limit })?;
                    // The chunk's data, its CRLF and the last chunk must fit.
                    let needed = out.saturating_add(size).saturating_add(7);
                    if needed > self.buf.len() {
                        return Err(Error::BufferTooSmall { needed: Some(needed) });
                    }
                    (out, pos, Chunk::Data { remaining: size })
                }
            }
            Chunk::Data { remaining } => {
                if avail.is_empty() {
                    return Ok(false);
                }
                let take = remaining.min(avail.len());
                if pos != out {
                    shift_down(self.buf, pos..pos + take, out);
                }
                let remaining = remaining - take;
                let next = if remaining == 0 {
                    Chunk::DataEnd
                } else {
                    Chunk::Data { remaining }
                };
                (out + take, pos + take, next)
            }
            Chunk::DataEnd => {
                if avail.len() < 2 {
                    if avail.first().is_some_and(|&b| b != b'\r') {
                        return Err(MalformedHttp::ChunkCrlf.into());
                    }
                    return Ok(false);
                }
                if &avail[..2] != b"\r\n" {
                    return Err(MalformedHttp::ChunkCrlf.into());
                }
                (out, pos + 2, Chunk::Size)
            }
            Chunk::Trailer => {
                // Trailer fields, ended by an empty line. httparse decides
                // (CRLF or bare LF, as for the head), so the outcome is the
                // same however the bytes were split into reads.
                let mut trailers = [httparse::EMPTY_HEADER; 16];
                match httparse::parse_headers(avail, &mut trailers) {
                    Ok(httparse::Status::Complete(_)) => {}
                    Ok(httparse::Status::Partial) => return Ok(false),
                    Err(_) => return Err(MalformedHttp::Trailer.into()),
                }
                self.filled = out;
                self.state = State::Done { body_end: out };
                return Ok(true);
            }
        };
        self.state = State::Chunked { out, pos, chunk };
        Ok(true)
    }

    /// The complete response, borrowing the buffer: header values from the
    /// head, the body after it.
    ///
    /// # Errors
    ///
    /// [`Error::UnexpectedEof`] if the response is not complete;
    /// [`MalformedHttp::HeaderValue`] when a header the client needs is not UTF-8.
    pub fn finish(self) -> Result<Response<'b>, Error> {
        let State::Done { body_end } = self.state else {
            return Err(Error::UnexpectedEof);
        };
        let (head, rest) = self.buf.split_at_mut(self.head_len);
        let head: &'b [u8] = head;
        let f = self.fields;
        let ranges = [f.date, f.content_type, f.request_id, f.retry_after];
        // One UTF-8 check for the part of the head that holds all the values
        // (it costs less than one per value); each value is then a slice of
        // it, unless that part is not UTF-8 (another header's value may not
        // be) and the value is checked on its own.
        let (lo, hi) = ranges
            .iter()
            .flatten()
            .fold((usize::MAX, 0), |(lo, hi), &(a, b)| (lo.min(a), hi.max(b)));
        let span = head.get(lo..hi).and_then(|s| core::str::from_utf8(s).ok());
        let field = |r: Option<(usize, usize)>| -> Result<Option<&'b str>, Error> {
            match r {
                None => Ok(None),
                Some((a, b)) => match span.and_then(|s| s.get(a - lo..b - lo)) {
                    Some(v) => Ok(Some(v)),
                    None => core::str::from_utf8(&head[a..b])
                        .map(Some)
                        .map_err(|_| MalformedHttp::HeaderValue.into()),
                },
            }
        };
        Ok(Response {
            status: self.status,
            date: field(f.date)?,
            content_type: field(f.content_type)?,
            request_id: field(f.request_id)?,
            retry_after: field(f.retry_after)?,
            body: &mut rest[..body_end - self.head_len],
        })
    }

    /// The range of the buffer that holds the body once done (for tests and
    /// engines that need offsets rather than slices).
    #[must_use]
    pub fn body_range(&self) -> Option<Range<usize>> {
        match self.state {
            State::Done { body_end } => Some(self.head_len..body_end),
            _ => None,
        }
    }
}

/// Finds the end of a head (just after its empty line) in `b`, searching from
/// `from`. `Err(resume)` when not found: the next search may start at `resume`.
/// An empty line is `\r\n` or a bare `\n` after a line's `\n`.
fn find_head_end(b: &[u8], from: usize) -> Result<usize, usize> {
    let rest = b.get(from..).unwrap_or_default();
    for at in memchr::memchr_iter(b'\n', rest).map(|i| from + i) {
        match (b.get(at + 1), b.get(at + 2)) {
            (Some(b'\n'), _) => return Ok(at + 2),
            (Some(b'\r'), Some(b'\n')) => return Ok(at + 3),
            (None, _) | (Some(b'\r'), None) => return Err(at),
            _ => {}
        }
    }
    Err(b.len().max(from))
}

/// Parses a `Content-Length` value: 1*DIGIT that fits a `u64`.
pub(crate) fn parse_content_length(v: &[u8]) -> Option<u64> {
    let v = v.trim_ascii();
    if v.is_empty() {
        return None;
    }
    let mut n: u64 = 0;
    for &b in v {
        if !b.is_ascii_digit() {
            return None;
        }
        n = n.checked_mul(10)?.checked_add(u64::from(b - b'0'))?;
    }
    Some(n)
}

/// Parses a chunk-size line without its LF: `1*16HEXDIG [BWS ";" ext] CR`.
fn parse_chunk_line(line: &[u8]) -> Result<u64, Error> {
    let line = line.strip_suffix(b"\r").ok_or(MalformedHttp::ChunkCrlf)?;
    let digits = line.iter().take_while(|b| b.is_ascii_hexdigit()).count();
    if digits == 0 || digits > 16 {
        return Err(MalformedHttp::ChunkSize.into());
    }
    let mut size: u64 = 0;
    for &b in &line[..digits] {
        let d = match b {
            b'0'..=b'9' => b - b'0',
            b'a'..=b'f' => b - b'a' + 10,
            _ => b - b'A' + 10,
        };
        size = (size << 4) | u64::from(d);
    }
    let rest = &line[digits..];
    let ws = rest.iter().take_while(|&&b| b == b' ' || b == b'\t').count();
    let rest = &rest[ws..];
    match rest.first() {
        None if ws == 0 => Ok(size),
        Some(b';') if rest.iter().all(|&b| b == b'\t' || (b >= 0x20 && b != 0x7f)) => Ok(size),
        _ => Err(MalformedHttp::ChunkSize.into()),
    }
}

/// `buf.copy_within(from, to)` for `to <= from.start`, one byte at a time:
/// the general `memmove` it would call costs more flash than the whole
/// chunked decoder (see BENCHMARKS.md, "Flash by crate").
fn shift_down(buf: &mut [u8], from: core::ops::Range<usize>, to: usize) {
    for (i, src) in from.enumerate() {
        if let (Some(&b), Some(_)) = (buf.get(src), buf.get(to + i)) {
            buf[to + i] = b;
        }
    }
}

#[cfg(test)]
mod tests;
