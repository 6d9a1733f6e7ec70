//! The blocking and the async embedded engines over an in-memory stream:
//! they write the same request bytes and give the same results, whatever
//! the read sizes; and a connector can lend its own buffers to each
//! connection (no allocation, no `'static`).

use core::convert::Infallible;

use sts_transport::{
    AsyncConnect, AsyncHttpClient, AsyncTransport, Connect, Error, HttpClient, MalformedHttp, Request, Scheme,
    Transport,
};

/// A stream that reads a canned answer `step` bytes at a time and records
/// what is written into a buffer it borrows from its connector.
struct Memory<'c> {
    answer: &'static [u8],
    step: usize,
    written: &'c mut Vec<u8>,
}

impl embedded_io::ErrorType for Memory<'_> {
    type Error = Infallible;
}

impl embedded_io::Read for Memory<'_> {
    fn read(&mut self, buf: &mut [u8]) -> Result<usize, Infallible> {
        let n = buf.len().min(self.answer.len()).min(self.step);
        buf[..n].copy_from_slice(&self.answer[..n]);
        self.answer = &self.answer[n..];
        Ok(n)
    }
}

impl embedded_io::Write for Memory<'_> {
    fn write(&mut self, buf: &[u8]) -> Result<usize, Infallible> {
        self.written.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> Result<(), Infallible> {
        Ok(())
    }
}

impl embedded_io_async::Read for Memory<'_> {
    async fn read(&mut self, buf: &mut [u8]) -> Result<usize, Infallible> {
        embedded_io::Read::read(self, buf)
    }
}

impl embedded_io_async::Write for Memory<'_> {
    async fn write(&mut self, buf: &[u8]) -> Result<usize, Infallible> {
        embedded_io::Write::write(self, buf)
    }

    async fn flush(&mut self) -> Result<(), Infallible> {
        Ok(())
    }
}

/// A connector that owns the record of what was written and lends it to
/// each connection (the GAT `Connection<'c>` borrows the connector).
struct Canned {
    answer: &'static [u8],
    step: usize,
    written: Vec<u8>,
    connects: Vec<(Scheme, String, u16)>,
}

impl Canned {
    fn new(answer: &'static [u8], step: usize) -> Self {
        Canned {
            answer,
            step,
            written: Vec::new(),
            connects: Vec::new(),
        }
    }
}

impl Connect for Canned {
    type Error = Infallible;
    type Connection<'c> = Memory<'c>;

    fn connect(&mut self, scheme: Scheme, host: &str, port: u16) -> Result<Memory<'_>, Error> {
        self.connects.push((scheme, host.to_owned(), port));
        self.written.clear();
        Ok(Memory {
            answer: self.answer,
            step: self.step,
            written: &mut self.written,
        })
    }
}

impl AsyncConnect for Canned {
    type Error = Infallible;
    type Connection<'c> = Memory<'c>;

    async fn connect(&mut self, scheme: Scheme, host: &str, port: u16) -> Result<Memory<'_>, Error> {
        Connect::connect(self, scheme, host, port)
    }
}

fn request() -> Request<'static> {
    Request {
        method: "POST",
        scheme: Scheme::Https,
        host: "sts.us-east-1.amazonaws.com",
        port: 443,
        path: "/",
        headers: &[("Content-Type", "application/x-www-form-urlencoded")],
        body: b"Action=AssumeRoleWithWebIdentity&Version=2011-06-15&WebIdentityToken=eyJ",
        request_id_header: Some("x-amzn-requestid"),
    }
}

type Outcome = Result<(u16, Option<String>, Vec<u8>), Error>;

fn blocking(answer: &'static [u8], step: usize, buf_len: usize) -> (Outcome, Vec<u8>) {
    let mut client = HttpClient::new(Canned::new(answer, step));
    let mut buf = vec![0u8; buf_len];
    let out = client
        .send(&request(), &mut buf)
        .map(|r| (r.status, r.request_id.map(Into::into), r.body.to_vec()));
    let connector = client.into_inner();
    assert_eq!(
        connector.connects,
        [(Scheme::Https, "sts.us-east-1.amazonaws.com".to_owned(), 443)]
    );
    (out, connector.written)
}

fn nonblocking(answer: &'static [u8], step: usize, buf_len: usize) -> (Outcome, Vec<u8>) {
    let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
    runtime.block_on(async {
        let mut client = AsyncHttpClient::new(Canned::new(answer, step));
        let mut buf = vec![0u8; buf_len];
        let out = client
            .send(&request(), &mut buf)
            .await
            .map(|r| (r.status, r.request_id.map(Into::into), r.body.to_vec()));
        (out, client.into_inner().written)
    })
}

/// Name, answer on the wire, expected body or error.
type Answer = (&'static str, &'static [u8], Result<&'static [u8], Error>);

const ANSWERS: &[Answer] = &[
    (
        "content_length",
        b"HTTP/1.1 200 OK\r\nx-amzn-requestid: r-1\r\nContent-Length: 5\r\n\r\nhello",
        Ok(b"hello"),
    ),
    (
        "chunked_with_trailer",
        b"HTTP/1.1 200 OK\r\nx-amzn-requestid: r-1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nhel\r\n2\r\nlo\r\n0\r\nX-T: 1\r\n\r\n",
        Ok(b"hello"),
    ),
    (
        "continue_then_answer",
        b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nx-amzn-requestid: r-1\r\nContent-Length: 5\r\n\r\nhello",
        Ok(b"hello"),
    ),
    (
        "close_delimited",
        b"HTTP/1.0 200 OK\r\nx-amzn-requestid: r-1\r\n\r\nhello",
        Ok(b"hello"),
    ),
    (
        "bad_chunk",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        Err(Error::MalformedResponse(MalformedHttp::ChunkSize)),
    ),
    (
        "truncated",
        b"HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\nhello",
        Err(Error::UnexpectedEof),
    ),
];

#[test]
fn both_engines_agree_for_every_read_size() {
    let (_, golden) = blocking(ANSWERS[0].1, usize::MAX, 1024);
    let head = String::from_utf8(golden.clone()).unwrap();
    assert!(head.starts_with("POST / HTTP/1.1\r\nHost: sts.us-east-1.amazonaws.com\r\n"));
    assert!(head.ends_with(
        "Connection: close\r\n\r\nAction=AssumeRoleWithWebIdentity&Version=2011-06-15&WebIdentityToken=eyJ"
    ));

    for (name, answer, expected) in ANSWERS {
        let expected = (*expected).map(|b| (200, Some("r-1".to_owned()), b.to_vec()));
        for step in [1, 2, 3, 7, 64, usize::MAX] {
            let (b, written_b) = blocking(answer, step, 1024);
            let (a, written_a) = nonblocking(answer, step, 1024);
            assert_eq!(b, expected, "{name}, blocking, step {step}");
            assert_eq!(a, expected, "{name}, async, step {step}");
            assert_eq!(written_b, golden, "{name}: request bytes");
            assert_eq!(written_a, golden, "{name}: request bytes (async)");
        }
    }
}

#[test]
fn a_body_larger_than_the_stack_buffer_is_written_whole() {
    // 20 KB token: written directly, not through the 256-byte head buffer.
    let body = "x".repeat(20_000);
    let r = Request {
        body: body.as_bytes(),
        ..request()
    };
    let mut client = HttpClient::new(Canned::new(ANSWERS[0].1, 16));
    let mut buf = [0u8; 512];
    client.send(&r, &mut buf).unwrap();
    let written = client.into_inner().written;
    assert!(written.ends_with(body.as_bytes()));
    let head = String::from_utf8_lossy(&written[..written.len() - body.len()]);
    assert!(head.contains("\r\nContent-Length: 20000\r\n"), "{head}");
}
