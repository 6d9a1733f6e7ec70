//! The bodies of the fuzz targets in `fuzz/`, with their invariants.
//!
//! Each function takes the fuzzer's bytes, runs them through the library and
//! `assert!`s what must hold for *any* input, not just "no panic". The
//! cargo-fuzz targets in `fuzz/fuzz_targets/` are one line each, and
//! `tests/fuzz_regressions.rs` replays the checked-in seed corpus and every
//! saved crash through the same functions, so a crash found by the fuzzer is
//! a normal test case once its input is committed.
//!
//! | target | input | invariants |
//! |---|---|---|
//! | [`xml_reader`] | any bytes | terminates within `len + 2` calls; errors and `Eof` are sticky; a `DuplicateAttribute` names an attribute seen before it; text is non-empty, XML characters only, inside the buffer, no longer than the input in total; names are as written; depth never exceeds the limit, and a lower limit only cuts the same event stream short with `TooDeep`; nothing is produced from input that is not UTF-8 or has a forbidden character |
//! | [`decode_response`] | a 200 body | output strings are the reader's own text events in the buffer; output only for documents the reader accepts whole; an XML error is the reader's error |
//! | [`decode_error`] | a 400 body | a service error only for a document the reader accepts, its strings the reader's text; `decode_response` with the same status agrees |
//! | [`http_response`] | read sizes + byte stream | never claims more bytes than it was given; status 200..=599; body inside the buffer, no longer than the bytes fed; the outcome does not depend on how the stream was split into reads |
//! | [`encode_roundtrip`] | an input | a validation error that matches an independent check of the model (and leaves the buffer untouched), or a body that form-decodes back to the input; a short buffer is wiped |
//! | [`xml_differential`] | a UTF-8 document | where quick-xml accepts it, the same events, or an error for one of the documented reasons quick-xml does not check; what we accept, quick-xml accepts (and finds no DOCTYPE in) |

use sts_codec::xml::{DEFAULT_MAX_DEPTH, Event, Reader, XmlError, XmlErrorKind};
use sts_codec::{
    AssumeRoleWithWebIdentityInput, DecodeError, EncodeError, Field, Malformed, Rule, encode, encoded_len,
};
use sts_transport::Error as TransportError;
use sts_transport::h1::ResponseReader;

// ------------------------------------------------------------------ helpers

/// An owned reader event, comparable across runs and readers.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Ev {
    Start(String),
    End(String),
    Text(String),
}

/// What one run of our reader produced.
#[derive(Debug)]
struct Run {
    events: Vec<Ev>,
    /// `(offset in the buffer, text)` of every text event.
    texts: Vec<(usize, String)>,
    result: Result<(), XmlError>,
    max_depth: usize,
}

/// Whether `c` is an XML 1.0 `Char`.
fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// XML whitespace.
fn is_xml_ws(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r')
}

/// Whether `s` (valid UTF-8) contains a character XML 1.0 forbids.
fn has_forbidden_char(s: &str) -> bool {
    !s.chars().all(is_xml_char)
}

/// The part of `data` that is valid UTF-8 from the start.
fn valid_prefix(data: &[u8]) -> &str {
    match core::str::from_utf8(data) {
        Ok(s) => s,
        Err(e) => core::str::from_utf8(&data[..e.valid_up_to()]).unwrap_or_default(),
    }
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

fn contains_ignore_case(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w.eq_ignore_ascii_case(needle))
}

/// Offset of `s` inside the buffer that starts at `base` and is `len` long;
/// panics when `s` is not inside it.
fn offset_in(s: &str, base: usize, len: usize, what: &str) -> usize {
    let p = s.as_ptr() as usize;
    assert!(
        p >= base && p + s.len() <= base + len,
        "{what} is not inside the buffer"
    );
    p - base
}

/// Runs our reader with nesting limit `MAX` over a copy of `data`, checking
/// the invariants that hold for any input.
fn run_reader<const MAX: usize>(data: &[u8]) -> Run {
    let mut buf = data.to_vec();
    let base = buf.as_ptr() as usize;
    let len = buf.len();
    let mut reader = Reader::<'_, MAX>::new(&mut buf);
    let mut run = Run {
        events: Vec::new(),
        texts: Vec::new(),
        result: Ok(()),
        max_depth: 0,
    };
    let mut stack: Vec<String> = Vec::new();
    let mut text_total = 0usize;
    let mut roots = 0usize;
    // Every event but the `End` of an empty-element tag (which follows a
    // `Start` of at least 4 bytes) and `Eof` consumes input.
    let mut calls = 0usize;
    loop {
        calls += 1;
        assert!(calls <= len + 2, "reader did not stop within {} calls", len + 2);
        let event = reader.next();
        assert!(reader.depth() <= MAX, "depth {} over the limit {MAX}", reader.depth());
        match event {
            Ok(Event::Start(name)) => {
                let at = offset_in(name.0, base, len, "a start tag name");
                assert!(!name.0.is_empty(), "empty element name");
                assert_eq!(&data[at..at + name.0.len()], name.0.as_bytes(), "name not as written");
                assert!(
                    !name.0.chars().any(|c| is_xml_ws(c) || "<>&/=\"'".contains(c)),
                    "name with markup characters: {:?}",
                    name.0
                );
                if stack.is_empty() {
                    roots += 1;
                    assert_eq!(roots, 1, "a second root element");
                }
                stack.push(name.0.into());
                assert_eq!(reader.depth(), stack.len(), "depth does not count open elements");
                run.max_depth = run.max_depth.max(stack.len());
                run.events.push(Ev::Start(name.0.into()));
            }
            Ok(Event::End(name)) => {
                offset_in(name.0, base, len, "an end tag name");
                assert_eq!(
                    stack.pop().as_deref(),
                    Some(name.0),
                    "end tag does not close the open element"
                );
                assert_eq!(reader.depth(), stack.len(), "depth does not count open elements");
                run.events.push(Ev::End(name.0.into()));
            }
            Ok(Event::Text(t)) => {
                let at = offset_in(t, base, len, "text");
                assert!(!t.is_empty(), "empty text event");
                assert!(!stack.is_empty(), "text outside the root element");
                assert!(t.chars().all(is_xml_char), "text with a forbidden character: {t:?}");
                // Line ends are normalised: a CR can only come from a reference.
                assert!(!t.contains('\r') || contains(data, b"&#"), "CR left in text: {t:?}");
                text_total += t.len();
                assert!(text_total <= len, "more text than input");
                run.texts.push((at, t.into()));
                run.events.push(Ev::Text(t.into()));
            }
            Ok(Event::Eof) => {
                assert!(stack.is_empty() && reader.depth() == 0, "Eof with open elements");
                assert_eq!(roots, 1, "Eof without a root element");
                assert_eq!(reader.next(), Ok(Event::Eof), "Eof is not sticky");
                // Accepted input is strict UTF-8 with XML characters only.
                let s = core::str::from_utf8(data).expect("accepted input is not UTF-8");
                assert!(!has_forbidden_char(s), "accepted input has a forbidden character");
                return run;
            }
            Err(e) => {
                assert!(e.offset <= len, "error offset past the end: {e:?}");
                assert_eq!(reader.next(), Err(e), "error is not sticky");
                check_error_cause(data, &run, e, MAX, reader.depth());
                run.result = Err(e);
                return run;
            }
        }
    }
}

/// What an error's kind says about the input must be true of it.
fn check_error_cause(data: &[u8], run: &Run, e: XmlError, max: usize, depth: usize) {
    let utf8 = core::str::from_utf8(data).is_ok();
    let forbidden = has_forbidden_char(valid_prefix(data));
    // The whole buffer is checked before anything is produced.
    if !utf8 || forbidden {
        assert!(run.events.is_empty(), "events from malformed input: {:?}", run.events);
        assert!(
            matches!(e.kind, XmlErrorKind::InvalidUtf8 | XmlErrorKind::ForbiddenChar),
            "{e:?} for input that is not UTF-8 or has a forbidden character"
        );
    }
    match e.kind {
        XmlErrorKind::InvalidUtf8 => assert!(!utf8, "InvalidUtf8 for UTF-8 input"),
        XmlErrorKind::ForbiddenChar => assert!(forbidden, "ForbiddenChar without one"),
        XmlErrorKind::Doctype => assert!(contains_ignore_case(data, b"<!doctype"), "Doctype without one"),
        XmlErrorKind::TooDeep => assert_eq!(depth, max, "TooDeep below the limit"),
        XmlErrorKind::CdataEndInText => assert!(contains(data, b"]]>"), "CdataEndInText without ]]>"),
        XmlErrorKind::DuplicateAttribute => {
            // The offset is the repeated name's; it appears before it too.
            let (before, at) = data.split_at(e.offset.min(data.len()));
            let n = at.iter().position(|&b| b == b'=' || b.is_ascii_whitespace());
            let name = at.get(..n.unwrap_or(0)).unwrap_or_default();
            assert!(
                !name.is_empty() && contains(before, name),
                "DuplicateAttribute without a repeated name"
            );
        }
        XmlErrorKind::InvalidReference | XmlErrorKind::InvalidCharRef => {
            assert!(data.contains(&b'&'), "reference error without a reference")
        }
        _ => {}
    }
}

/// Runs the reader at its default limit and at a low one; the low limit may
/// only cut the same event stream short with `TooDeep`.
fn check_depth_limit(data: &[u8]) -> Run {
    const LOW: usize = 4;
    let full = run_reader::<DEFAULT_MAX_DEPTH>(data);
    let low = run_reader::<LOW>(data);
    if matches!(
        low.result,
        Err(XmlError {
            kind: XmlErrorKind::TooDeep,
            ..
        })
    ) {
        assert!(
            full.events.starts_with(&low.events),
            "depth limit changed the events before it"
        );
        // The tag that was too deep is a `Start` one level deeper in `full`.
        assert!(
            full.max_depth > LOW,
            "TooDeep at limit {LOW}, but the document nests only {} deep",
            full.max_depth
        );
    } else {
        assert_eq!(low.events, full.events, "depth limit changed the events");
        assert_eq!(low.result, full.result, "depth limit changed the outcome");
        assert!(
            full.max_depth <= LOW,
            "nested {} deep past the limit {LOW}",
            full.max_depth
        );
    }
    full
}

// --------------------------------------------------------------- xml_reader

/// The XML tokenizer on arbitrary bytes.
pub fn xml_reader(data: &[u8]) {
    let run = check_depth_limit(data);
    // A document the reader accepts is also accepted after a BOM.
    if run.result.is_ok() && !data.starts_with(b"\xEF\xBB\xBF") {
        let mut with_bom = b"\xEF\xBB\xBF".to_vec();
        with_bom.extend_from_slice(data);
        let again = run_reader::<DEFAULT_MAX_DEPTH>(&with_bom);
        assert_eq!(again.result, Ok(()), "rejected after a BOM");
        assert_eq!(again.events, run.events, "a BOM changed the events");
    }
}

// ----------------------------------------------------------- decode targets

/// Checks that `s` (from the decoder) is one of the reader's own text events
/// (same place in the buffer, same text), or empty.
fn is_text_event(s: &str, base: usize, len: usize, run: &Run, what: &str) {
    if s.is_empty() {
        return;
    }
    let at = offset_in(s, base, len, what);
    assert!(
        run.texts.iter().any(|(o, t)| *o == at && t == s),
        "{what} is not a text event of the document"
    );
}

/// Checks that `s` lies inside one of the reader's text events (a trimmed code).
fn is_inside_text_event(s: &str, base: usize, len: usize, run: &Run, what: &str) {
    let at = offset_in(s, base, len, what);
    assert!(
        run.texts
            .iter()
            .any(|(o, t)| *o <= at && at + s.len() <= o + t.len() && t.get(at - o..at - o + s.len()) == Some(s)),
        "{what} is not inside a text event of the document"
    );
}

/// An owned copy of a service error, to compare two decodings.
type OwnedService = (u16, String, String, Option<String>, Option<String>);

/// The result of decoding an error body, owned.
#[derive(Debug, PartialEq, Eq)]
enum ErrorOutcome {
    Service(OwnedService),
    Http(u16),
    Malformed(Malformed),
}

fn owned_error(e: &DecodeError<'_>) -> ErrorOutcome {
    match e {
        DecodeError::Service(s) => ErrorOutcome::Service((
            s.status,
            s.code.into(),
            s.message.into(),
            s.error_type.map(Into::into),
            s.request_id.map(Into::into),
        )),
        DecodeError::Http { status } => ErrorOutcome::Http(*status),
        DecodeError::Malformed(m) => ErrorOutcome::Malformed(*m),
        // `DecodeError` is non-exhaustive.
        _ => panic!("unknown DecodeError variant: {e:?}"),
    }
}

/// Checks a service error decoded from a buffer at `base`.
fn check_service(s: &sts_codec::ServiceError<'_>, status: u16, base: usize, len: usize, run: &Run) {
    assert_eq!(s.status, status, "service error with another status");
    assert!(run.result.is_ok(), "service error from a document the reader rejects");
    assert!(!s.code.is_empty(), "empty error code");
    assert_eq!(s.code, s.code.trim_matches(is_xml_ws), "code not trimmed");
    is_inside_text_event(s.code, base, len, run, "Code");
    is_text_event(s.message, base, len, run, "Message");
    if let Some(t) = s.error_type {
        is_text_event(t, base, len, run, "Type");
    }
    if let Some(r) = s.request_id {
        is_text_event(r, base, len, run, "RequestId");
    }
}

/// What a decoded success answer of either operation promises: the
/// required members non-empty, each of them and every optional one (given
/// with its name) a text event of the reader, the secret key out of
/// `Debug` (`debug`).
fn check_credentials(
    c: &sts_codec::Credentials<'_>,
    user: Option<&sts_codec::AssumedRoleUser<'_>>,
    optional: &[(Option<&str>, &str)],
    debug: &str,
    (base, len, run): (usize, usize, &Run),
) {
    for (s, what) in [
        (c.access_key_id, "AccessKeyId"),
        (c.secret_access_key.expose_borrowed(), "SecretAccessKey"),
        (c.session_token.expose_borrowed(), "SessionToken"),
    ] {
        assert!(!s.is_empty(), "empty required member {what}");
        is_text_event(s, base, len, run, what);
    }
    if let Some(u) = user {
        assert!(
            !u.assumed_role_id.is_empty() && !u.arn.is_empty(),
            "empty AssumedRoleUser member"
        );
        is_text_event(u.assumed_role_id, base, len, run, "AssumedRoleId");
        is_text_event(u.arn, base, len, run, "Arn");
    }
    for &(s, what) in optional {
        if let Some(s) = s {
            is_text_event(s, base, len, run, what);
        }
    }
    assert!(c.expiration.nanos < 1_000_000_000, "nanos out of range");
    let secret = c.secret_access_key.expose();
    if secret.len() >= 8 && !secret.contains("Secret") {
        assert!(!debug.contains(secret), "the secret key is printed");
    }
}

/// What a success decoder's outcome on a 200 answer promises about the
/// reader's verdict (`error`: `None` for an output): output only from a
/// document the reader accepts, the reader's own XML error, `EmptyBody` only
/// for a blank body, a `Malformed` error for whatever the reader rejects.
fn check_outcome(data: &[u8], error: Option<&DecodeError>, (base, len, run): (usize, usize, &Run)) {
    match error {
        None => assert!(run.result.is_ok(), "output from a document the reader rejects"),
        Some(DecodeError::Service(s)) => check_service(s, 200, base, len, run),
        Some(DecodeError::Http { .. }) => panic!("Http error for a 200 answer"),
        Some(DecodeError::Malformed(Malformed::Xml(e))) => {
            assert_eq!(run.result, Err(*e), "the decoder's XML error is not the reader's");
        }
        Some(DecodeError::Malformed(Malformed::EmptyBody)) => {
            assert!(
                data.iter().all(|&b| is_xml_ws(char::from(b))),
                "EmptyBody for a non-blank body"
            );
        }
        Some(DecodeError::Malformed(_)) => {}
        Some(e) => panic!("unknown DecodeError variant: {e:?}"),
    }
    if run.result.is_err() {
        assert!(
            matches!(error, Some(DecodeError::Malformed(_))),
            "a document the reader rejects gave {error:?}"
        );
    }
}

/// `decode_response` with status 200 on arbitrary bytes.
pub fn decode_response(data: &[u8]) {
    let run = run_reader::<DEFAULT_MAX_DEPTH>(data);
    let mut body = data.to_vec();
    let at = (body.as_ptr() as usize, body.len(), &run);
    let result = sts_codec::decode_response(200, &mut body);
    if let Ok(out) = &result {
        let optional = [
            (out.subject_from_web_identity_token, "SubjectFromWebIdentityToken"),
            (out.provider, "Provider"),
            (out.audience, "Audience"),
            (out.source_identity, "SourceIdentity"),
            (out.request_id, "RequestId"),
        ];
        let c = &out.credentials;
        check_credentials(c, out.assumed_role_user.as_ref(), &optional, &format!("{out:?}"), at);
        // The timestamp formats back to itself.
        if let Ok(text) = c.expiration.rfc3339() {
            assert_eq!(
                sts_codec::time::parse_rfc3339(text.as_str()),
                Ok(c.expiration),
                "Expiration does not round-trip"
            );
        }
    }
    check_outcome(data, result.as_ref().err(), at);
}

/// `decode_assume_role_response` with status 200 on arbitrary bytes: the
/// same invariants as [`decode_response`], for the `AssumeRole` answer of
/// role chaining.
pub fn decode_assume_role(data: &[u8]) {
    let run = run_reader::<DEFAULT_MAX_DEPTH>(data);
    let mut body = data.to_vec();
    let at = (body.as_ptr() as usize, body.len(), &run);
    let result = sts_codec::decode_assume_role_response(200, &mut body);
    if let Ok(out) = &result {
        let optional = [(out.source_identity, "SourceIdentity"), (out.request_id, "RequestId")];
        let user = out.assumed_role_user.as_ref();
        check_credentials(&out.credentials, user, &optional, &format!("{out:?}"), at);
    }
    check_outcome(data, result.as_ref().err(), at);
}

/// `decode_error` with status 400 on arbitrary bytes.
pub fn decode_error(data: &[u8]) {
    const STATUS: u16 = 400;
    let run = run_reader::<DEFAULT_MAX_DEPTH>(data);
    let mut body = data.to_vec();
    let base = body.as_ptr() as usize;
    let len = body.len();
    let e = sts_codec::decode_error(STATUS, &mut body);
    match &e {
        DecodeError::Service(s) => check_service(s, STATUS, base, len, &run),
        DecodeError::Http { status } => assert_eq!(*status, STATUS, "Http error with another status"),
        other => panic!("decode_error returned {other:?}"),
    }
    let outcome = owned_error(&e);

    // `decode_response` with an error status is `decode_error`.
    let mut again = data.to_vec();
    match sts_codec::decode_response(STATUS, &mut again) {
        Ok(_) => panic!("output for status {STATUS}"),
        Err(e2) => assert_eq!(owned_error(&e2), outcome, "decode_response({STATUS}) disagrees"),
    }

    // An error document sent with 200 is the same service error.
    let mut ok_body = data.to_vec();
    if let Err(DecodeError::Service(s)) = sts_codec::decode_response(200, &mut ok_body) {
        let ErrorOutcome::Service(mine) = &outcome else {
            panic!("an error document under 200 is not one under {STATUS}");
        };
        assert_eq!(
            (s.code, s.message, s.error_type, s.request_id),
            (mine.1.as_str(), mine.2.as_str(), mine.3.as_deref(), mine.4.as_deref()),
            "status changed the service error"
        );
    }
}

// ------------------------------------------------------------ http_response

/// An owned copy of a transport response.
#[derive(Debug, PartialEq, Eq)]
struct OwnedResponse {
    status: u16,
    headers: [Option<String>; 4],
    body: Vec<u8>,
}

/// Feeds `stream` to a [`ResponseReader`] over a `buf_len` buffer in reads
/// of the given sizes (cycled; `usize::MAX` = as much as fits), the way the
/// blocking engine drives it, and checks the reader's claims as it goes.
fn feed(
    stream: &[u8],
    sizes: &[usize],
    buf_len: usize,
    max_body: usize,
    head: bool,
) -> Result<OwnedResponse, TransportError> {
    let mut buf = vec![0u8; buf_len];
    let base = buf.as_ptr() as usize;
    let mut reader = ResponseReader::new(&mut buf)
        .max_body(max_body)
        .head_request(head)
        .request_id_header(Some("x-amzn-requestid"));
    let mut fed = 0usize;
    let mut reads = 0usize;
    while !reader.is_done() {
        reads += 1;
        // Every read but the final EOF moves at least one byte.
        assert!(reads <= stream.len() + 2, "the reader does not finish");
        let space = reader.read_buf()?;
        assert!(!space.is_empty(), "empty read buffer before the response is done");
        let want = sizes[(reads - 1) % sizes.len()];
        let n = want.min(space.len()).min(stream.len() - fed);
        space[..n].copy_from_slice(&stream[fed..fed + n]);
        fed += n;
        let step = reader.advance(n);
        assert!(
            reader.received() <= fed,
            "claims {} bytes received, {fed} fed",
            reader.received()
        );
        step?;
        if n == 0 {
            assert!(reader.is_done(), "EOF accepted but the response is not done");
        }
    }
    let range = reader.body_range().expect("done without a body range");
    assert!(
        range.start <= range.end && range.end <= buf_len,
        "body range outside the buffer"
    );
    assert!(range.end <= reader.received(), "body range past the bytes received");
    let response = reader.finish()?;
    // A final response: interim ones (1xx) are skipped.
    assert!((200..=599).contains(&response.status), "status {}", response.status);
    let body_at = response.body.as_ptr() as usize;
    assert!(
        body_at >= base && body_at + response.body.len() <= base + buf_len,
        "body outside the buffer"
    );
    assert_eq!(body_at - base, range.start, "body is not at its range");
    assert_eq!(response.body.len(), range.len(), "body is not its range");
    assert!(response.body.len() <= fed, "body longer than the bytes fed");
    assert!(response.body.len() <= max_body, "body over the limit");
    if head || response.status == 204 || response.status == 304 {
        assert!(response.body.is_empty(), "a body where none is allowed");
    }
    let headers = [
        response.date,
        response.content_type,
        response.request_id,
        response.retry_after,
    ];
    for h in headers.iter().flatten() {
        let at = h.as_ptr() as usize;
        assert!(at >= base && at + h.len() <= body_at, "header value outside the head");
    }
    Ok(OwnedResponse {
        status: response.status,
        headers: headers.map(|h| h.map(String::from)),
        body: response.body.to_vec(),
    })
}

/// Bytes of `http_response` input before the read sizes: the configuration
/// byte and the number of read sizes.
pub const HTTP_HEADER_LEN: usize = 2;

/// Arbitrary bytes through the sans-IO HTTP/1.1 response reader, in
/// arbitrary read sizes.
///
/// Input: byte 0 configures the run (bits 0-2: buffer of `32 << n` bytes;
/// bit 3: the answer to a `HEAD`; bits 4-5: body limit default, 0, 64 or
/// 1024); byte 1 holds `k` (mod 16), the number of read sizes; the next `k`
/// bytes are the read sizes (`b + 1`, cycled; none: as much as fits); the
/// rest is the byte stream, followed by EOF.
pub fn http_response(data: &[u8]) {
    let [config, k, rest @ ..] = data else {
        return;
    };
    let k = usize::from(*k % 16).min(rest.len());
    let (sizes, stream) = rest.split_at(k);
    let mut sizes: Vec<usize> = sizes.iter().map(|&b| usize::from(b) + 1).collect();
    if sizes.is_empty() {
        sizes.push(usize::MAX);
    }
    let buf_len = 32usize << (config & 7);
    let head = config & 8 != 0;
    let max_body = [sts_transport::h1::DEFAULT_MAX_BODY, 0, 64, 1024][usize::from((config >> 4) & 3)];

    let got = feed(stream, &sizes, buf_len, max_body, head);
    // The outcome does not depend on how the stream was split into reads.
    let whole = feed(stream, &[usize::MAX], buf_len, max_body, head);
    assert_eq!(got, whole, "the outcome depends on the read sizes");
    if sizes.len() > 1 || sizes[0] != 1 {
        let bytewise = feed(stream, &[1], buf_len, max_body, head);
        assert_eq!(got, bytewise, "the outcome differs byte by byte");
    }
}

// --------------------------------------------------------- encode_roundtrip

/// An input built from fuzz bytes, owning its strings.
#[derive(Debug)]
struct RawInput {
    role_arn: String,
    session: String,
    token: String,
    provider: Option<String>,
    policy: Option<String>,
    arns: Vec<String>,
    duration: Option<u32>,
}

/// Field separator in `encode_roundtrip` input (never part of UTF-8).
pub const ENCODE_SEPARATOR: u8 = 0xFF;

impl RawInput {
    fn parse(data: &[u8]) -> Self {
        let flags = data.first().copied().unwrap_or(0);
        let mut d = [0u8; 4];
        for (i, b) in data.iter().skip(1).take(4).enumerate() {
            d[i] = *b;
        }
        let rest = data.get(5..).unwrap_or_default();
        let mut fields = rest
            .split(|&b| b == ENCODE_SEPARATOR)
            .map(|f| String::from_utf8_lossy(f).into_owned());
        let mut next = || fields.next().unwrap_or_default();
        let role_arn = next();
        let session = next();
        let token = next();
        let provider = (flags & 1 != 0).then(&mut next);
        let policy = (flags & 2 != 0).then(&mut next);
        let arns = (0..usize::from(flags >> 3) % 16).map(|_| next()).collect();
        Self {
            role_arn,
            session,
            token,
            provider,
            policy,
            arns,
            duration: (flags & 4 != 0).then(|| u32::from_le_bytes(d)),
        }
    }

    fn input<'a>(&'a self, arns: &'a [&'a str], token: &'a str) -> AssumeRoleWithWebIdentityInput<'a> {
        let mut input =
            AssumeRoleWithWebIdentityInput::new(&self.role_arn, &self.session, token).with_policy_arns(arns);
        if let Some(p) = &self.provider {
            input = input.with_provider_id(p);
        }
        if let Some(p) = &self.policy {
            input = input.with_policy(p);
        }
        if let Some(d) = self.duration {
            input = input.with_duration_seconds(d);
        }
        input
    }

    /// The violations the STS model says this input has, independently of
    /// the codec: `(field, policy-arn index, rule)` in member order.
    fn expected_violations(&self) -> Vec<(Field, Option<u8>, Rule)> {
        fn check(
            out: &mut Vec<(Field, Option<u8>, Rule)>,
            field: Field,
            index: Option<u8>,
            v: &str,
            (min, max): (u32, u32),
            ok: fn(char) -> bool,
        ) {
            let len = u32::try_from(v.chars().count()).unwrap_or(u32::MAX);
            let rule = if len < min {
                Rule::TooShort { len, min }
            } else if len > max {
                Rule::TooLong { len, max }
            } else if let Some(position) = v.chars().position(|c| !ok(c)) {
                Rule::Pattern {
                    position: u32::try_from(position).unwrap_or(u32::MAX),
                }
            } else {
                return;
            };
            out.push((field, index, rule));
        }
        // botocore's service-2.json patterns.
        let arn = |c: char| matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{7E}' | '\u{85}' | '\u{A0}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..);
        let session = |c: char| c.is_ascii_alphanumeric() || "_+=,.@-".contains(c);
        let policy = |c: char| matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{FF}');
        let any = |_: char| true;
        let mut out = Vec::new();
        check(&mut out, Field::RoleArn, None, &self.role_arn, (20, 2048), arn);
        check(&mut out, Field::RoleSessionName, None, &self.session, (2, 64), session);
        check(&mut out, Field::WebIdentityToken, None, &self.token, (4, 20_000), any);
        if let Some(p) = &self.provider {
            check(&mut out, Field::ProviderId, None, p, (4, 2048), any);
        }
        if self.arns.len() > 10 {
            out.push((
                Field::PolicyArns,
                None,
                Rule::TooMany {
                    len: u32::try_from(self.arns.len()).unwrap_or(u32::MAX),
                    max: 10,
                },
            ));
        }
        for (i, a) in self.arns.iter().take(10).enumerate() {
            let index = u8::try_from(i + 1).ok();
            check(&mut out, Field::PolicyArns, index, a, (20, 2048), arn);
        }
        if let Some(p) = &self.policy {
            check(&mut out, Field::Policy, None, p, (1, 2048), policy);
        }
        if let Some(d) = self.duration {
            if !(900..=43_200).contains(&d) {
                out.push((Field::DurationSeconds, None, Rule::OutOfRange { min: 900, max: 43_200 }));
            }
        }
        out
    }

    /// The form parameters the body must decode to, in model order.
    fn expected_params(&self) -> Vec<(String, String)> {
        let mut p: Vec<(String, String)> = vec![
            ("Action".into(), "AssumeRoleWithWebIdentity".into()),
            ("Version".into(), sts_codec::API_VERSION.into()),
            ("RoleArn".into(), self.role_arn.clone()),
            ("RoleSessionName".into(), self.session.clone()),
            ("WebIdentityToken".into(), self.token.clone()),
        ];
        if let Some(v) = &self.provider {
            p.push(("ProviderId".into(), v.clone()));
        }
        for (i, a) in self.arns.iter().enumerate() {
            p.push((format!("PolicyArns.member.{}.arn", i + 1), a.clone()));
        }
        if let Some(v) = &self.policy {
            p.push(("Policy".into(), v.clone()));
        }
        if let Some(d) = self.duration {
            p.push(("DurationSeconds".into(), d.to_string()));
        }
        p
    }
}

/// Strictly decodes an `application/x-www-form-urlencoded` body as the
/// encoder documents it: unreserved bytes as they are, everything else
/// `%XX` with uppercase hex, never `+`.
fn form_decode(body: &[u8]) -> Vec<(String, String)> {
    let unescape = |s: &[u8]| -> String {
        let mut out = Vec::with_capacity(s.len());
        let mut i = 0;
        while i < s.len() {
            let b = s[i];
            if b == b'%' {
                let hex = |h: u8| match h {
                    b'0'..=b'9' => h - b'0',
                    b'A'..=b'F' => h - b'A' + 10,
                    _ => panic!("bad escape in the body: {:?}", String::from_utf8_lossy(s)),
                };
                assert!(i + 2 < s.len(), "truncated escape");
                let v = hex(s[i + 1]) << 4 | hex(s[i + 2]);
                assert!(
                    !(v.is_ascii_alphanumeric() || b"-._~".contains(&v)),
                    "unreserved byte {v:#04x} escaped"
                );
                out.push(v);
                i += 3;
            } else {
                assert!(
                    b.is_ascii_alphanumeric() || b"-._~".contains(&b),
                    "byte {b:#04x} not escaped"
                );
                out.push(b);
                i += 1;
            }
        }
        String::from_utf8(out).expect("the body decodes to invalid UTF-8")
    };
    body.split(|&b| b == b'&')
        .map(|pair| {
            let eq = pair.iter().position(|&b| b == b'=').expect("parameter without '='");
            let (k, v) = pair.split_at(eq);
            // Names are written raw (dots and all); values are escaped.
            (
                String::from_utf8(k.to_vec()).expect("name not UTF-8"),
                unescape(&v[1..]),
            )
        })
        .collect()
}

/// An arbitrary input: a validation error that matches the model, or a body
/// that form-decodes back to the input.
///
/// Input: byte 0 holds flags (bit 0: `ProviderId`, bit 1: `Policy`, bit 2:
/// `DurationSeconds`; bits 3-7 mod 16: the number of `PolicyArns`); bytes
/// 1-4 are `DurationSeconds` (little endian); the rest is the string members
/// in model order (`RoleArn`, `RoleSessionName`, `WebIdentityToken`, then the
/// present optional ones and the ARNs) separated by [`ENCODE_SEPARATOR`],
/// invalid UTF-8 replaced by U+FFFD.
pub fn encode_roundtrip(data: &[u8]) {
    let raw = RawInput::parse(data);
    let arns: Vec<&str> = raw.arns.iter().map(String::as_str).collect();
    let input = raw.input(&arns, &raw.token);

    // The token never shows in `Debug`: another token of the same length
    // prints the same.
    let other: String = raw.token.chars().map(|c| if c == 'x' { 'y' } else { 'x' }).collect();
    assert_eq!(
        format!("{input:?}"),
        format!("{:?}", raw.input(&arns, &other)),
        "Debug shows the token"
    );

    let len = encoded_len(&input);
    const SENTINEL: u8 = 0xA5;
    let mut buf = vec![SENTINEL; len + 8];
    let expected = raw.expected_violations();
    match encode(&input, &mut buf) {
        Err(EncodeError::Invalid(e)) => {
            let got: Vec<(Field, Option<u8>, Rule)> = input.violations().map(|v| (v.field, v.index, v.rule)).collect();
            assert!(!e.is_empty() && e.len() == got.len(), "inconsistent error size");
            assert_eq!(got.first(), Some(&(e.first().field, e.first().index, e.first().rule)));
            assert_eq!(got, expected, "violations differ from the model");
            assert_eq!(input.validate(), Err(e), "encode and validate disagree");
            assert!(
                buf.iter().all(|&b| b == SENTINEL),
                "an invalid input wrote to the buffer"
            );
        }
        Err(e) => panic!("{e:?} with a buffer of encoded_len + 8 bytes"),
        Ok(n) => {
            assert!(
                expected.is_empty(),
                "accepted an input that breaks the model: {expected:?}"
            );
            assert_eq!(n, len, "encoded_len is not the body length");
            assert!(buf[n..].iter().all(|&b| b == SENTINEL), "wrote past the body");
            let body = &buf[..n];
            assert!(
                body.starts_with(b"Action=AssumeRoleWithWebIdentity&Version=2011-06-15&"),
                "body does not start with the action"
            );
            assert_eq!(
                form_decode(body),
                raw.expected_params(),
                "body does not decode to the input"
            );

            // One byte short: the exact size, and nothing left of the token.
            let mut short = vec![SENTINEL; n - 1];
            assert_eq!(
                encode(&input, &mut short),
                Err(EncodeError::BufferTooSmall { needed: n }),
                "short buffer"
            );
            assert!(short.iter().all(|&b| b == 0), "a short buffer is not wiped");
        }
    }
}

// --------------------------------------------------------- xml_differential

/// Nesting limit of our reader in the differential target.
const DIFF_DEPTH: usize = 32;

/// What quick-xml made of a document, post-processed into our event model,
/// with the facts our stricter reader may reject it for.
#[derive(Debug, Default)]
struct Quick {
    events: Vec<Ev>,
    max_depth: usize,
    /// Elements still open at the end.
    open_at_eof: usize,
    /// Root elements seen.
    roots: usize,
    /// Non-whitespace character data (or a reference or CDATA) outside the root.
    text_outside: bool,
    /// An end tag after the root closed.
    end_outside: bool,
    /// A character reference, in text or an attribute, to a character XML forbids.
    bad_char_ref: bool,
    /// A processing instruction or declaration with target `xml` (any case).
    xml_pi: bool,
    /// The most attributes in one tag.
    max_attributes: usize,
}

/// quick-xml 0.38, post-processed like the proptest in
/// `sts-codec/tests/xml_differential.rs`: references resolved, CDATA
/// inlined, comments, PIs and the declaration dropped, text between two tags
/// coalesced, empty runs and text outside the root dropped, `Empty` split
/// into `Start` + `End`, raw line ends normalised (not those from character
/// references). Attributes are parsed and unescaped with checks, so a
/// document with a broken attribute is one quick-xml rejects.
fn quick(src: &str) -> Result<Quick, String> {
    use quick_xml::events::Event as Q;
    let mut reader = quick_xml::Reader::from_str(src);
    let config = reader.config_mut();
    config.trim_text(false);
    config.check_end_names = true;
    config.check_comments = true;
    config.allow_dangling_amp = false;
    config.allow_unmatched_ends = false;
    let mut q = Quick::default();
    let mut text = String::new();
    let mut depth = 0usize;
    let flush = |text: &mut String, q: &mut Quick, depth: usize| {
        if depth > 0 {
            if !text.is_empty() {
                q.events.push(Ev::Text(core::mem::take(text)));
            }
        } else if !text.chars().all(is_xml_ws) {
            q.text_outside = true;
        }
        text.clear();
    };
    let name = |n: &[u8]| String::from_utf8(n.to_vec()).map_err(|e| e.to_string());
    let attrs = |e: &quick_xml::events::BytesStart<'_>, q: &mut Quick| -> Result<(), String> {
        for (n, a) in e.attributes().with_checks(true).enumerate() {
            q.max_attributes = q.max_attributes.max(n + 1);
            let a = a.map_err(|e| e.to_string())?;
            let v = a.unescape_value().map_err(|e| e.to_string())?;
            if !v.chars().all(is_xml_char) {
                q.bad_char_ref = true;
            }
        }
        Ok(())
    };
    loop {
        match reader.read_event().map_err(|e| e.to_string())? {
            Q::Start(e) => {
                flush(&mut text, &mut q, depth);
                attrs(&e, &mut q)?;
                if depth == 0 {
                    q.roots += 1;
                }
                depth += 1;
                q.max_depth = q.max_depth.max(depth);
                q.events.push(Ev::Start(name(e.name().as_ref())?));
            }
            Q::Empty(e) => {
                flush(&mut text, &mut q, depth);
                attrs(&e, &mut q)?;
                if depth == 0 {
                    q.roots += 1;
                }
                q.max_depth = q.max_depth.max(depth + 1);
                let n = name(e.name().as_ref())?;
                q.events.push(Ev::Start(n.clone()));
                q.events.push(Ev::End(n));
            }
            Q::End(e) => {
                flush(&mut text, &mut q, depth);
                if depth == 0 {
                    q.end_outside = true;
                }
                depth = depth.saturating_sub(1);
                q.events.push(Ev::End(name(e.name().as_ref())?));
            }
            Q::Text(t) => {
                let raw = t.xml10_content().map_err(|e| e.to_string())?;
                text.push_str(&quick_xml::escape::unescape(&raw).map_err(|e| e.to_string())?);
            }
            Q::GeneralRef(r) => {
                if depth == 0 {
                    q.text_outside = true;
                }
                if r.is_char_ref() {
                    let c = r.resolve_char_ref().map_err(|e| e.to_string())?;
                    let c = c.ok_or("char ref without char")?;
                    if !is_xml_char(c) {
                        q.bad_char_ref = true;
                    }
                    text.push(c);
                } else {
                    let entity = format!("&{};", r.decode().map_err(|e| e.to_string())?);
                    text.push_str(&quick_xml::escape::unescape(&entity).map_err(|e| e.to_string())?);
                }
            }
            Q::CData(c) => {
                if depth == 0 {
                    q.text_outside = true;
                }
                text.push_str(&c.xml10_content().map_err(|e| e.to_string())?);
            }
            Q::Decl(_) => q.xml_pi = true,
            Q::PI(p) => {
                let target = p.target();
                if target.eq_ignore_ascii_case(b"xml") {
                    q.xml_pi = true;
                }
            }
            Q::Comment(_) => {}
            Q::DocType(_) => return Err("doctype".into()),
            Q::Eof => {
                flush(&mut text, &mut q, depth);
                q.open_at_eof = depth;
                return Ok(q);
            }
        }
    }
}

/// Why our reader may reject a document quick-xml accepts: the checks
/// quick-xml does not make. Returns the reason, or `None` if the error is not
/// explained by this document (each reason is checked against the input at
/// the error's offset, or against what quick-xml saw).
fn stricter_reason(e: XmlError, data: &[u8], q: &Quick) -> Option<&'static str> {
    use XmlErrorKind::*;
    let at = data.get(e.offset..).unwrap_or_default();
    let first = at.first().copied();
    let reason = match e.kind {
        // quick-xml does not check characters.
        ForbiddenChar if valid_prefix(at).chars().next().is_some_and(|c| !is_xml_char(c)) => {
            "forbidden character (quick-xml does not check)"
        }
        // quick-xml resolves references to any code point but NUL.
        InvalidCharRef if q.bad_char_ref && at.starts_with(b"&#") => "reference to a forbidden character",
        // quick-xml does not resolve references in attribute values it is
        // not asked for, and reports some malformed ones as text.
        InvalidReference if first == Some(b'&') => "malformed or unknown reference",
        // quick-xml reports the end of input with open elements as Eof (or
        // its own syntax error for an unclosed construct, not reaching here).
        UnexpectedEof if q.open_at_eof > 0 && e.offset == data.len() => "unclosed element at end of input",
        // quick-xml has no nesting limit.
        TooDeep if q.max_depth > DIFF_DEPTH => "nesting over our limit",
        // quick-xml has no attribute limit.
        TooManyAttributes if q.max_attributes > 16 => "attributes over our limit",
        // quick-xml accepts text, references and CDATA outside the root.
        TextOutsideRoot if q.text_outside || q.roots == 0 => "character data before the root",
        // quick-xml accepts several roots and anything after the root.
        TrailingContent if q.roots > 1 || q.text_outside || q.end_outside => "content after the root",
        // quick-xml accepts a document without elements.
        NoRoot if q.roots == 0 => "no root element",
        // quick-xml does not check `]]>` in text.
        CdataEndInText if at.starts_with(b"]]>") => "`]]>` in text",
        // quick-xml does not check where an `<?xml ...?>` appears.
        MisplacedXmlDecl if at.len() >= 5 && at[..5].eq_ignore_ascii_case(b"<?xml") => "misplaced XML declaration",
        // quick-xml does not check PI targets nor the declaration's content.
        MalformedPi if at.starts_with(b"<?") => "processing instruction syntax",
        // quick-xml does not check names: here one was expected and the
        // byte is not a name start.
        InvalidName if !first.is_some_and(|b| b >= 0x80 || b.is_ascii_alphabetic() || b == b'_' || b == b':') => {
            "not a name"
        }
        // quick-xml's comment check misses a comment ending in `--->` and
        // takes `<!-x` for something else.
        MalformedComment if at.starts_with(b"--") || at.starts_with(b"<!-") => "comment syntax",
        // quick-xml does not check the rest of a tag's syntax (attributes
        // are parsed with checks, but not everything): `/` not followed by
        // `>`, junk after a name, unknown `<!` markup.
        MalformedTag => "tag syntax",
        _ => return None,
    };
    Some(reason)
}

/// Control characters (other than TAB, LF and CR) in the differential
/// target's input are made spaces: the reader rejects them up front (the
/// `xml_reader` target covers that), and the comparison is about structure.
fn without_controls(data: &[u8]) -> Vec<u8> {
    data.iter()
        .map(|&b| {
            if b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r') {
                b' '
            } else {
                b
            }
        })
        .collect()
}

/// On UTF-8 documents (control characters made spaces): where quick-xml (with its end-name and comment checks
/// on) accepts the document, our reader yields the same events, or rejects
/// it for one of the reasons quick-xml does not check ([`XmlErrorKind`]s,
/// see `stricter_reason`). Anything our reader accepts, quick-xml accepts
/// the same way; in particular a document in which quick-xml finds a DOCTYPE
/// (which we reject by design) is one we reject.
pub fn xml_differential(data: &[u8]) {
    let data = &without_controls(data)[..];
    let Ok(src) = core::str::from_utf8(data) else {
        return;
    };
    let ours = run_reader::<DIFF_DEPTH>(data);
    let theirs = quick(src);
    match (&ours.result, &theirs) {
        (Ok(()), Ok(q)) => assert_eq!(ours.events, q.events, "events differ from quick-xml"),
        (Ok(()), Err(e)) => panic!("we accept a document quick-xml rejects ({e}): {src:?}"),
        (Err(e), Ok(q)) => {
            let reason = stricter_reason(*e, data, q);
            assert!(
                reason.is_some(),
                "we reject ({e:?}) a document quick-xml accepts for no known reason: {src:?}"
            );
            // Up to the error, the events agree.
            assert!(
                q.events.starts_with(&ours.events) || e.kind == XmlErrorKind::TooDeep,
                "events before our error differ from quick-xml's"
            );
        }
        (Err(_), Err(_)) => {}
    }
}
