//! Unit tests of the sans-IO codec: one table per concern, each case named
//! after what it proves.

extern crate alloc;

use alloc::string::{String, ToString};
use alloc::vec::Vec;

use proptest::prelude::*;

use super::*;

/// An owned copy of a response, to compare results.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Got {
    status: u16,
    date: Option<String>,
    content_type: Option<String>,
    request_id: Option<String>,
    retry_after: Option<String>,
    body: Vec<u8>,
}

/// Configures a reader before a run.
type Setup = for<'a> fn(ResponseReader<'a, 'static>) -> ResponseReader<'a, 'static>;

/// The request id header the runs name (the one STS sends).
const REQUEST_ID_HEADER: &str = "x-amzn-requestid";

/// Feeds `wire` to a reader over a buffer of `buf_len` bytes, `sizes` giving
/// the read sizes in turn (cycled); EOF once `wire` is used up. The reader
/// keeps [`REQUEST_ID_HEADER`] unless `setup` says otherwise. Returns the
/// result and the number of reads.
fn feed_with(wire: &[u8], buf_len: usize, sizes: &[usize], setup: Setup) -> (Result<Got, Error>, usize) {
    let mut buf = alloc::vec![0u8; buf_len];
    let mut reader = setup(ResponseReader::new(&mut buf).request_id_header(Some(REQUEST_ID_HEADER)));
    let mut input = wire;
    let mut reads = 0;
    let mut i = 0;
    let result = loop {
        if reader.is_done() {
            break Ok(());
        }
        reads += 1;
        assert!(reads < 100_000, "reader does not end");
        let space = match reader.read_buf() {
            Ok(s) => s,
            Err(e) => break Err(e),
        };
        assert!(!space.is_empty(), "read_buf is empty while not done");
        let want = sizes[i % sizes.len()].max(1);
        i += 1;
        let n = want.min(space.len()).min(input.len());
        space[..n].copy_from_slice(&input[..n]);
        input = &input[n..];
        if let Err(e) = reader.advance(n) {
            break Err(e);
        }
    };
    let got = result.and_then(|()| reader.finish()).map(|r| Got {
        status: r.status,
        date: r.date.map(ToString::to_string),
        content_type: r.content_type.map(ToString::to_string),
        request_id: r.request_id.map(ToString::to_string),
        retry_after: r.retry_after.map(ToString::to_string),
        body: r.body.to_vec(),
    });
    (got, reads)
}

fn feed(wire: &[u8], buf_len: usize) -> Result<Got, Error> {
    feed_with(wire, buf_len, &[usize::MAX], |r| r).0
}

fn body_of(r: Result<Got, Error>) -> Result<Vec<u8>, Error> {
    r.map(|g| g.body)
}

const STS_HEAD: &str = "HTTP/1.1 200 OK\r\n\
    x-amzn-RequestId: f874b1d6-2f3b-4834-907a-6a7c4b3b2d35\r\n\
    Content-Type: text/xml\r\n\
    Date: Mon, 16 Aug 2021 19:52:53 GMT\r\n";

#[test]
fn sts_headers_are_exposed_case_insensitively() {
    let wire = alloc::format!("{STS_HEAD}Retry-After: 3\r\nContent-Length: 4\r\n\r\n<a/>");
    let got = feed(wire.as_bytes(), 1024).unwrap();
    assert_eq!(
        got,
        Got {
            status: 200,
            date: Some("Mon, 16 Aug 2021 19:52:53 GMT".into()),
            content_type: Some("text/xml".into()),
            request_id: Some("f874b1d6-2f3b-4834-907a-6a7c4b3b2d35".into()),
            retry_after: Some("3".into()),
            body: b"<a/>".to_vec(),
        }
    );
}

/// The request id is the header the caller names, in any case; with no name,
/// no request id is kept.
#[test]
fn request_id_is_the_header_the_caller_names() {
    let wire = b"HTTP/1.1 200 OK\r\nx-amzn-RequestId: amzn\r\nX-Request-Id: generic\r\nX-Request-Id: second\r\n\
        Content-Length: 0\r\n\r\n";
    let id = |setup: Setup| feed_with(wire, 256, &[usize::MAX], setup).0.map(|g| g.request_id);
    assert_eq!(id(|r| r), Ok(Some("amzn".into())));
    assert_eq!(
        id(|r| r.request_id_header(Some("x-request-id"))),
        Ok(Some("generic".into()))
    );
    assert_eq!(id(|r| r.request_id_header(Some("X-Other"))), Ok(None));
    assert_eq!(id(|r| r.request_id_header(None)), Ok(None));
    // A header the reader reads for itself can be named too.
    assert_eq!(
        id(|r| r.request_id_header(Some("Content-Length"))),
        Ok(Some("0".into()))
    );
}

/// The header values are checked for UTF-8 together where they can be and
/// one by one where they cannot: a header the client does not need may
/// hold bytes that are not UTF-8 between them, values may hold UTF-8 beyond
/// ASCII, and a value that is not UTF-8 is an error wherever it is.
#[test]
fn header_values_utf8_with_other_headers_between() {
    let wire = b"HTTP/1.1 200 OK\r\nContent-Type: text/xml; x=\xc3\xa9\r\nX-Other: \xff\xfe\r\n\
        Date: Mon, 16 Aug 2021 19:52:53 GMT\r\nX-Other: \xe9\r\nx-amzn-RequestId: r\xc3\xa9q\r\n\
        Content-Length: 0\r\n\r\n";
    let got = feed(wire, 1024).unwrap();
    assert_eq!(got.date.as_deref(), Some("Mon, 16 Aug 2021 19:52:53 GMT"));
    assert_eq!(got.content_type.as_deref(), Some("text/xml; x=\u{e9}"));
    assert_eq!(got.request_id.as_deref(), Some("r\u{e9}q"));
    assert_eq!(got.retry_after, None);
    let bad: &[&[u8]] = &[
        b"HTTP/1.1 200 OK\r\nDate: x\r\nX-Other: \xff\r\nx-amzn-RequestId: \xc3\r\nContent-Length: 0\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nDate: \xc3\r\nX-Other: \xa9\r\nRetry-After: 1\r\nContent-Length: 0\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nContent-Type: \xe9\r\nDate: x\r\nContent-Length: 0\r\n\r\n",
    ];
    for wire in bad {
        assert_eq!(feed(wire, 1024), Err(M(MalformedHttp::HeaderValue)), "{wire:?}");
    }
}

/// Each row: name, wire bytes, buffer length, expected body or error.
type Case = (&'static str, &'static [u8], usize, Result<&'static [u8], Error>);

const M: fn(MalformedHttp) -> Error = Error::MalformedResponse;

#[test]
fn framing_table() {
    let cases: &[Case] = &[
        ("content_length", b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", 256, Ok(b"hello")),
        ("content_length_zero", b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 256, Ok(b"")),
        ("bytes_after_content_length_are_ignored", b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokEXTRA", 256, Ok(b"ok")),
        ("duplicate_equal_content_length", b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nok", 256, Ok(b"ok")),
        ("chunked", b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n", 256, Ok(b"hello world")),
        ("chunked_upper_hex_and_case", b"HTTP/1.1 200 OK\r\ntransfer-encoding: Chunked\r\n\r\nA\r\n0123456789\r\n0\r\n\r\n", 256, Ok(b"0123456789")),
        ("chunked_with_extensions", b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2 ;a=b\r\nok\r\n0;last\r\n\r\n", 256, Ok(b"ok")),
        ("chunked_with_trailers", b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\nX-Checksum: abc\r\nX-Other: d\r\n\r\n", 256, Ok(b"ok")),
        ("chunked_exactly_fits", b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n", 60, Ok(b"abc")),
        ("close_delimited_http10", b"HTTP/1.0 200 OK\r\n\r\nuntil the end", 256, Ok(b"until the end")),
        ("close_delimited_fills_buffer_exactly", b"HTTP/1.0 200 OK\r\n\r\n0123456789", 29, Ok(b"0123456789")),
        ("interim_100_skipped", b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", 256, Ok(b"ok")),
        ("interim_103_with_headers_skipped", b"HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", 256, Ok(b"ok")),
        ("no_content_204_has_no_body", b"HTTP/1.1 204 No Content\r\n\r\n", 256, Ok(b"")),
        ("bare_lf_head", b"HTTP/1.1 200 OK\nContent-Length: 2\n\nok", 256, Ok(b"ok")),
        ("content_encoding_identity_ok", b"HTTP/1.1 200 OK\r\nContent-Encoding: identity\r\nContent-Length: 2\r\n\r\nok", 256, Ok(b"ok")),
        // Errors.
        ("eof_before_anything", b"", 256, Err(Error::UnexpectedEof)),
        ("eof_in_head", b"HTTP/1.1 200 OK\r\nContent-Len", 256, Err(Error::UnexpectedEof)),
        ("eof_in_content_length_body", b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort", 256, Err(Error::UnexpectedEof)),
        ("eof_in_chunk", b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel", 256, Err(Error::UnexpectedEof)),
        ("eof_before_last_chunk", b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n", 256, Err(Error::UnexpectedEof)),
        ("eof_in_trailers", b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX-A: b\r\n", 256, Err(Error::UnexpectedEof)),
        ("not_http", b"SSH-2.0-OpenSSH_9.6\r\n\r\n", 256, Err(M(MalformedHttp::Head))),
        ("http2_version", b"HTTP/2 200 OK\r\n\r\n", 256, Err(M(MalformedHttp::Head))),
        ("switching_protocols", b"HTTP/1.1 101 Switching Protocols\r\n\r\n", 256, Err(M(MalformedHttp::Status))),
        ("status_out_of_range", b"HTTP/1.1 600 Weird\r\nContent-Length: 0\r\n\r\n", 256, Err(M(MalformedHttp::Status))),
        ("cl_with_te", b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n", 256, Err(M(MalformedHttp::ContentLengthWithTransferEncoding))),
        ("te_gzip", b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nxx", 256, Err(M(MalformedHttp::TransferEncoding))),
        ("te_gzip_chunked", b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", 256, Err(M(MalformedHttp::TransferEncoding))),
        ("te_twice", b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 256, Err(M(MalformedHttp::TransferEncoding))),
        ("content_encoding_gzip", b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 2\r\n\r\nxx", 256, Err(M(MalformedHttp::ContentEncoding))),
        ("cl_not_a_number", b"HTTP/1.1 200 OK\r\nContent-Length: 12a\r\n\r\n", 256, Err(M(MalformedHttp::ContentLength))),
        ("cl_negative", b"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", 256, Err(M(MalformedHttp::ContentLength))),
        ("cl_list", b"HTTP/1.1 200 OK\r\nContent-Length: 2, 2\r\n\r\nok", 256, Err(M(MalformedHttp::ContentLength))),
        ("cl_conflicting", b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nok", 256, Err(M(MalformedHttp::ContentLength))),
        ("cl_overflows_u64", b"HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n", 256, Err(M(MalformedHttp::ContentLength))),
        ("chunk_bad_hex", b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nok\r\n0\r\n\r\n", 256, Err(M(MalformedHttp::ChunkSize))),
        ("chunk_hex_then_junk", b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2x\r\nok\r\n0\r\n\r\n", 256, Err(M(MalformedHttp::ChunkSize))),
        ("chunk_size_empty", b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n\r\nok\r\n0\r\n\r\n", 256, Err(M(MalformedHttp::ChunkSize))),
        ("chunk_size_17_digits", b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n00000000000000002\r\nok\r\n0\r\n\r\n", 256, Err(M(MalformedHttp::ChunkSize))),
        ("chunk_size_negative", b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n-2\r\nok\r\n0\r\n\r\n", 256, Err(M(MalformedHttp::ChunkSize))),
        ("chunk_size_bare_lf", b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\nok\r\n0\r\n\r\n", 256, Err(M(MalformedHttp::ChunkCrlf))),
        ("chunk_missing_crlf", b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nokX\r\n0\r\n\r\n", 256, Err(M(MalformedHttp::ChunkCrlf))),
        ("chunk_cr_without_lf", b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\rX0\r\n\r\n", 256, Err(M(MalformedHttp::ChunkCrlf))),
        ("trailer_invalid", b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nNot A Header\r\n\r\n", 256, Err(M(MalformedHttp::Trailer))),
        ("date_not_utf8", b"HTTP/1.1 200 OK\r\nDate: \xff\xfe\r\nContent-Length: 0\r\n\r\n", 256, Err(M(MalformedHttp::HeaderValue))),
        ("head_larger_than_buffer", b"HTTP/1.1 200 OK\r\nX-Padding: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n\r\n", 32, Err(Error::BufferTooSmall { needed: None })),
        ("content_length_far_larger_than_buffer", b"HTTP/1.1 200 OK\r\nContent-Length: 60000\r\n\r\nxx", 256, Err(Error::BufferTooSmall { needed: Some(42 + 60000) })),
        ("content_length_over_body_limit", b"HTTP/1.1 200 OK\r\nContent-Length: 18446744073709551615\r\n\r\n", 256, Err(Error::BodyTooLarge { limit: DEFAULT_MAX_BODY })),
        ("chunk_larger_than_buffer", b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1000\r\nxx", 256, Err(Error::BufferTooSmall { needed: Some(47 + 0x1000 + 7) })),
        ("chunk_over_body_limit", b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffff\r\nxx", 256, Err(Error::BodyTooLarge { limit: DEFAULT_MAX_BODY })),
        ("close_delimited_larger_than_buffer", b"HTTP/1.0 200 OK\r\n\r\n0123456789A", 29, Err(Error::BufferTooSmall { needed: None })),
    ];
    for (name, wire, buf_len, expected) in cases {
        let expected = expected.map(<[u8]>::to_vec);
        assert_eq!(body_of(feed(wire, *buf_len)), expected, "case {name} (one read)");
        let (got, _) = feed_with(wire, *buf_len, &[1], |r| r);
        assert_eq!(body_of(got), expected, "case {name} (1-byte reads)");
    }
}

#[test]
fn too_many_headers() {
    let mut wire = String::from("HTTP/1.1 200 OK\r\n");
    for i in 0..=MAX_HEADERS {
        wire.push_str(&alloc::format!("X-H{i}: v\r\n"));
    }
    wire.push_str("\r\n");
    assert_eq!(feed(wire.as_bytes(), 4096), Err(M(MalformedHttp::TooManyHeaders)));
}

#[test]
fn too_many_interim_responses() {
    let mut wire = String::new();
    for _ in 0..=MAX_INTERIM {
        wire.push_str("HTTP/1.1 100 Continue\r\n\r\n");
    }
    wire.push_str("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    assert_eq!(feed(wire.as_bytes(), 4096), Err(M(MalformedHttp::TooManyInterim)));
}

#[test]
fn body_limit_applies_to_every_framing() {
    let limit: Setup = |r| r.max_body(4);
    let too_large = Err(Error::BodyTooLarge { limit: 4 });
    for wire in [
        &b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"[..],
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nhel\r\n2\r\nlo\r\n0\r\n\r\n",
        b"HTTP/1.0 200 OK\r\n\r\nhello",
    ] {
        assert_eq!(body_of(feed_with(wire, 256, &[3], limit).0), too_large);
        assert_eq!(
            body_of(feed_with(wire, 256, &[3], |r| r.max_body(5)).0),
            Ok(b"hello".to_vec())
        );
    }
}

#[test]
fn head_request_has_no_body() {
    let wire = b"HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\n";
    let (got, _) = feed_with(wire, 256, &[usize::MAX], |r| r.head_request(true));
    assert_eq!(body_of(got), Ok(Vec::new()));
}

/// A link that never signals EOF (a UART) still ends: the reader is done as
/// soon as the framing says so, without a read returning 0.
#[test]
fn ends_without_eof_when_framing_says_so() {
    for wire in [
        &b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"[..],
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\nA: b\r\n\r\n",
        b"HTTP/1.1 204 No Content\r\n\r\n",
    ] {
        let mut buf = [0u8; 256];
        let mut reader = ResponseReader::new(&mut buf);
        let space = reader.read_buf().unwrap();
        space[..wire.len()].copy_from_slice(wire);
        reader.advance(wire.len()).unwrap();
        assert!(reader.is_done());
        assert!(reader.read_buf().unwrap().is_empty());
    }
}

/// The reader never offers space past the end of a `Content-Length` body, so
/// bytes after it stay in the stream.
#[test]
fn never_reads_past_content_length() {
    let mut buf = [0u8; 256];
    let mut reader = ResponseReader::new(&mut buf);
    let head = b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\n";
    reader.read_buf().unwrap()[..head.len()].copy_from_slice(head);
    reader.advance(head.len()).unwrap();
    assert_eq!(reader.read_buf().unwrap().len(), 3);
}

/// In-place chunk decoding compacts: a body with many small chunks fits a
/// buffer smaller than the raw chunked bytes.
#[test]
fn chunked_decodes_in_place_in_a_small_buffer() {
    let mut wire = Vec::from(&b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"[..]);
    let mut body = Vec::new();
    for i in 0..100u8 {
        wire.extend_from_slice(b"1;ext=padding-padding\r\n");
        wire.push(b'a' + i % 26);
        wire.extend_from_slice(b"\r\n");
        body.push(b'a' + i % 26);
    }
    wire.extend_from_slice(b"0\r\n\r\n");
    assert!(wire.len() > 2000);
    for size in [1, 7, 64, usize::MAX] {
        let (got, _) = feed_with(&wire, 200, &[size], |r| r);
        assert_eq!(body_of(got), Ok(body.clone()), "read size {size}");
    }
}

fn request<'a>(headers: &'a [(&'a str, &'a str)]) -> Request<'a> {
    Request {
        method: "POST",
        scheme: Scheme::Https,
        host: "sts.eu-west-1.amazonaws.com",
        port: 443,
        path: "/",
        headers,
        body: b"Action=AssumeRoleWithWebIdentity",
        request_id_header: None,
    }
}

/// The head as `write_to` writes it; `pieces` and `len` must say the same.
fn head_string(r: &Request<'_>) -> Result<String, Error> {
    let head = RequestHead::new(r)?;
    let mut out = [0u8; 1024];
    let n = head.write_to(&mut out)?;
    assert_eq!(n, head.len());
    assert_eq!(head.pieces().collect::<Vec<_>>().concat(), &out[..n]);
    Ok(String::from_utf8(out[..n].to_vec()).unwrap())
}

#[test]
fn request_head_bytes() {
    // No Content-Type unless the request has one.
    let expected = alloc::format!(
        "POST / HTTP/1.1\r\nHost: sts.eu-west-1.amazonaws.com\r\nContent-Length: 32\r\n\
         User-Agent: {DEFAULT_USER_AGENT}\r\nAccept-Encoding: identity\r\nConnection: close\r\n\r\n"
    );
    assert_eq!(head_string(&request(&[])).unwrap(), expected);
    assert_eq!(RequestHead::new(&request(&[])).unwrap().content_type(), None);

    // The request's Content-Type goes right after Host, whatever its place
    // among the request's headers.
    let expected = alloc::format!(
        "POST / HTTP/1.1\r\nHost: sts.eu-west-1.amazonaws.com\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nX-Trace: t-1\r\nContent-Length: 32\r\n\
         User-Agent: {DEFAULT_USER_AGENT}\r\nAccept-Encoding: identity\r\nConnection: close\r\n\r\n"
    );
    let r = request(&[
        ("X-Trace", "t-1"),
        ("Content-Type", "application/x-www-form-urlencoded"),
    ]);
    assert_eq!(head_string(&r).unwrap(), expected);

    let r = Request {
        scheme: Scheme::Http,
        host: "::1",
        port: 8080,
        ..request(&[
            ("X-Trace", "t-1"),
            ("content-type", "application/x-www-form-urlencoded; charset=utf-8"),
            ("User-Agent", "my-app/1"),
        ])
    };
    assert_eq!(
        head_string(&r).unwrap(),
        "POST / HTTP/1.1\r\nHost: [::1]:8080\r\n\
         Content-Type: application/x-www-form-urlencoded; charset=utf-8\r\nX-Trace: t-1\r\n\
         Content-Length: 32\r\nUser-Agent: my-app/1\r\nAccept-Encoding: identity\r\n\
         Connection: close\r\n\r\n"
    );
    let head = RequestHead::new(&r).unwrap();
    assert_eq!(head.host(), "::1");
}

#[test]
fn request_checks_table() {
    let ok = Ok(());
    let invalid = Err(Error::InvalidRequest);
    let insecure = Err(Error::InsecureScheme);
    let base = request(&[]);
    let cases: &[(&str, Request<'_>, Result<(), Error>)] = &[
        ("https_anywhere", base, ok),
        (
            "http_localhost",
            Request {
                scheme: Scheme::Http,
                host: "LocalHost",
                ..base
            },
            ok,
        ),
        (
            "http_127_0_0_2",
            Request {
                scheme: Scheme::Http,
                host: "127.0.0.2",
                ..base
            },
            ok,
        ),
        (
            "http_ipv6_loopback",
            Request {
                scheme: Scheme::Http,
                host: "[::1]",
                ..base
            },
            ok,
        ),
        (
            "http_127_255",
            Request {
                scheme: Scheme::Http,
                host: "127.255.255.254",
                ..base
            },
            ok,
        ),
        (
            "http_127_octet_too_large",
            Request {
                scheme: Scheme::Http,
                host: "127.0.0.256",
                ..base
            },
            insecure,
        ),
        (
            "http_127_three_octets",
            Request {
                scheme: Scheme::Http,
                host: "127.0.1",
                ..base
            },
            insecure,
        ),
        (
            "http_127_five_octets",
            Request {
                scheme: Scheme::Http,
                host: "127.0.0.1.1",
                ..base
            },
            insecure,
        ),
        (
            "http_1270",
            Request {
                scheme: Scheme::Http,
                host: "1270.0.0.1",
                ..base
            },
            insecure,
        ),
        (
            "http_ipv6_other",
            Request {
                scheme: Scheme::Http,
                host: "::2",
                ..base
            },
            insecure,
        ),
        (
            "ipv6_with_letters",
            Request {
                host: "fe80::1%eth0",
                ..base
            },
            invalid,
        ),
        ("ipv6_one_colon", Request { host: "a:b", ..base }, invalid),
        (
            "http_remote",
            Request {
                scheme: Scheme::Http,
                ..base
            },
            insecure,
        ),
        (
            "http_private_ip",
            Request {
                scheme: Scheme::Http,
                host: "10.0.0.1",
                ..base
            },
            insecure,
        ),
        (
            "http_localhost_lookalike",
            Request {
                scheme: Scheme::Http,
                host: "localhost.evil.com",
                ..base
            },
            insecure,
        ),
        (
            "http_127_as_dns_label",
            Request {
                scheme: Scheme::Http,
                host: "127.0.0.1.nip.io",
                ..base
            },
            insecure,
        ),
        (
            "method_with_space",
            Request {
                method: "PO ST",
                ..base
            },
            invalid,
        ),
        ("empty_host", Request { host: "", ..base }, invalid),
        ("host_with_slash", Request { host: "a/b", ..base }, invalid),
        (
            "host_with_crlf",
            Request {
                host: "a\r\nX: y",
                ..base
            },
            invalid,
        ),
        ("path_without_slash", Request { path: "x", ..base }, invalid),
        ("path_with_space", Request { path: "/a b", ..base }, invalid),
        (
            "path_with_crlf",
            Request {
                path: "/\r\nX: y",
                ..base
            },
            invalid,
        ),
        ("header_value_crlf", request(&[("X-A", "v\r\nInjected: 1")]), invalid),
        ("header_value_nul", request(&[("X-A", "v\0")]), invalid),
        ("header_name_colon", request(&[("X-A:", "v")]), invalid),
        ("header_host_managed", request(&[("Host", "evil")]), invalid),
        (
            "header_content_length_managed",
            request(&[("content-length", "1")]),
            invalid,
        ),
        (
            "header_te_managed",
            request(&[("Transfer-Encoding", "chunked")]),
            invalid,
        ),
        (
            "header_connection_managed",
            request(&[("Connection", "keep-alive")]),
            invalid,
        ),
        ("header_value_tab_ok", request(&[("X-A", "a\tb")]), ok),
        (
            "request_id_header_token_ok",
            Request {
                request_id_header: Some("x-amzn-RequestId"),
                ..base
            },
            ok,
        ),
        (
            "request_id_header_not_a_token",
            Request {
                request_id_header: Some("x-amzn-requestid:"),
                ..base
            },
            invalid,
        ),
        (
            "request_id_header_empty",
            Request {
                request_id_header: Some(""),
                ..base
            },
            invalid,
        ),
    ];
    for (name, r, expected) in cases {
        assert_eq!(RequestHead::new(r).map(|_| ()), *expected, "case {name}");
    }
}

#[test]
fn debug_never_prints_bodies_or_header_values() {
    let r = Request {
        body: b"WebIdentityToken=SECRET-TOKEN",
        ..request(&[("X-Secret", "HEADER-SECRET")])
    };
    let s = alloc::format!("{r:?}");
    assert!(!s.contains("SECRET"), "{s}");
    assert!(s.contains("X-Secret"));

    let wire = b"HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nSECRETKEY";
    let mut buf = [0u8; 128];
    let mut reader = ResponseReader::new(&mut buf);
    reader.read_buf().unwrap()[..wire.len()].copy_from_slice(wire);
    reader.advance(wire.len()).unwrap();
    assert!(reader.is_done());
    let s = alloc::format!("{reader:?}");
    assert!(!s.contains("SECRET"), "{s}");

    let mut body = *b"<SecretAccessKey>SECRETKEY</SecretAccessKey>";
    let resp = Response::new(200, &mut body);
    let s = alloc::format!("{resp:?}");
    assert!(!s.contains("SECRET"), "{s}");
    assert!(s.contains("body_len: 44"), "{s}");
}

#[test]
fn error_display_is_fixed_text() {
    assert_eq!(
        Error::BufferTooSmall { needed: Some(12) }.to_string(),
        "response buffer too small: 12 bytes needed"
    );
    assert_eq!(
        M(MalformedHttp::ChunkSize).to_string(),
        "malformed HTTP response: invalid chunk size"
    );
    assert!(Error::Timeout.is_retryable());
    assert!(M(MalformedHttp::Head).is_retryable());
    assert!(!Error::Tls.is_retryable());
    assert!(!Error::BufferTooSmall { needed: None }.is_retryable());
}

/// A valid response, as bytes, in one of the three framings.
fn valid_response() -> impl Strategy<Value = (Vec<u8>, Vec<u8>)> {
    (
        proptest::collection::vec(any::<u8>(), 0..3000),
        0..3u8,
        proptest::collection::vec(1..700usize, 1..8),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(body, framing, chunk_sizes, interim, trailer)| {
            let mut wire = Vec::new();
            if interim {
                wire.extend_from_slice(b"HTTP/1.1 100 Continue\r\n\r\n");
            }
            wire.extend_from_slice(b"HTTP/1.1 200 OK\r\nx-amzn-requestid: abc\r\nContent-Type: text/xml\r\n");
            match framing {
                0 => {
                    wire.extend_from_slice(alloc::format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes());
                    wire.extend_from_slice(&body);
                }
                1 => {
                    wire.extend_from_slice(b"Transfer-Encoding: chunked\r\n\r\n");
                    let mut rest = &body[..];
                    let mut i = 0;
                    while !rest.is_empty() {
                        let n = chunk_sizes[i % chunk_sizes.len()].min(rest.len());
                        i += 1;
                        wire.extend_from_slice(alloc::format!("{n:x}\r\n").as_bytes());
                        wire.extend_from_slice(&rest[..n]);
                        wire.extend_from_slice(b"\r\n");
                        rest = &rest[n..];
                    }
                    wire.extend_from_slice(b"0\r\n");
                    if trailer {
                        wire.extend_from_slice(b"X-Trailer: t\r\n");
                    }
                    wire.extend_from_slice(b"\r\n");
                }
                _ => {
                    wire.extend_from_slice(b"Connection: close\r\n\r\n");
                    wire.extend_from_slice(&body);
                }
            }
            (wire, body)
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// A valid response read in random read sizes (1..n bytes per read)
    /// gives the same result as one read.
    #[test]
    fn read_sizes_do_not_change_the_result(
        (wire, body) in valid_response(),
        sizes in proptest::collection::vec(1..64usize, 1..32),
    ) {
        let one = feed(&wire, 4096);
        prop_assert_eq!(one.as_ref().map(|g| &g.body), Ok(&body));
        let (many, reads) = feed_with(&wire, 4096, &sizes, |r| r);
        prop_assert_eq!(one, many);
        prop_assert!(reads <= wire.len() + 2);
    }

    /// The same holds when the buffer is too small: the same error whatever
    /// the read sizes.
    #[test]
    fn read_sizes_do_not_change_the_error(
        (wire, _body) in valid_response(),
        buf_len in 16..600usize,
        sizes in proptest::collection::vec(1..64usize, 1..32),
    ) {
        let one = feed(&wire, buf_len);
        let (many, _) = feed_with(&wire, buf_len, &sizes, |r| r);
        prop_assert_eq!(one, many);
    }

    /// Arbitrary bytes never panic, and the reader ends (done or error)
    /// within a bounded number of reads.
    #[test]
    fn arbitrary_input_ends(
        wire in proptest::collection::vec(any::<u8>(), 0..2000),
        prefix in 0..4u8,
        buf_len in 1..512usize,
        sizes in proptest::collection::vec(1..16usize, 1..8),
    ) {
        let mut input = match prefix {
            0 => Vec::new(),
            1 => b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec(),
            2 => b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n".to_vec(),
            _ => b"HTTP/1.1 100 Continue\r\n\r\n".to_vec(),
        };
        input.extend_from_slice(&wire);
        let (_, reads) = feed_with(&input, buf_len, &sizes, |r| r);
        prop_assert!(reads <= input.len() + 2);
    }
}
