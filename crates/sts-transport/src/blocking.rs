//! The blocking HTTP/1.1 engine over `embedded-io` 0.7.

use embedded_io::{Error as _, ErrorKind, ErrorType, Read, Write};

use crate::h1::{DEFAULT_MAX_BODY, RequestHead, ResponseReader, SEND_CHUNK};
use crate::{Error, Request, Response, Scheme, Transport};

/// Opens a connected stream for one exchange: your TCP stack, and your TLS
/// for `https`.
///
/// [`HttpClient`] calls [`connect`](Connect::connect) once per
/// [`send`](Transport::send), so every attempt (and every retry) starts on a
/// fresh connection, and drops the connection when the exchange ends.
/// Set timeouts on the stream you return: the engine has no clock, and a
/// read that never returns is a hang. A read timeout should surface as
/// [`ErrorKind::TimedOut`].
pub trait Connect {
    /// The error of the streams.
    type Error: embedded_io::Error;

    /// The connected stream (TLS already set up for `https`). It may borrow
    /// from the connector (socket and TLS record buffers, for instance).
    type Connection<'c>: Read + Write + ErrorType<Error = Self::Error>
    where
        Self: 'c;

    /// Opens a connection to `host:port`. `host` has no IPv6 brackets. For
    /// [`Scheme::Https`] the stream must be TLS, verified for `host`; a
    /// connector that cannot do TLS returns [`Error::Tls`].
    ///
    /// # Errors
    ///
    /// [`Error::Connect`] when no connection could be opened,
    /// [`Error::Timeout`], [`Error::Tls`], or what fits best.
    fn connect(&mut self, scheme: Scheme, host: &str, port: u16) -> Result<Self::Connection<'_>, Error>;

    /// Maps an error of the stream to an [`Error`]. The default goes by
    /// [`ErrorKind`] ([`Error::from_io_kind`]); a TLS stream overrides it to
    /// report its failures as [`Error::Tls`].
    fn io_error(error: &Self::Error) -> Error {
        Error::from_io_kind(error.kind())
    }
}

impl<C: Connect + ?Sized> Connect for &mut C {
    type Error = C::Error;
    type Connection<'c>
        = C::Connection<'c>
    where
        Self: 'c;

    fn connect(&mut self, scheme: Scheme, host: &str, port: u16) -> Result<Self::Connection<'_>, Error> {
        (**self).connect(scheme, host, port)
    }

    fn io_error(error: &Self::Error) -> Error {
        C::io_error(error)
    }
}

/// Consecutive `Interrupted` results a read or write may return before the
/// engine gives up with [`Error::Io`].
const MAX_INTERRUPTED: u8 = 8;

/// An HTTP/1.1 client over the streams a [`Connect`] opens (blocking). No
/// allocation; the response goes into the buffer given to
/// [`send`](Transport::send).
///
/// ```
/// use sts_transport::{Connect, Error, HttpClient, Request, Scheme, Transport};
///
/// /// A "network" that answers every request with the same bytes.
/// struct Canned(&'static [u8]);
/// struct Stream(&'static [u8]);
///
/// impl embedded_io::ErrorType for Stream {
///     type Error = core::convert::Infallible;
/// }
/// impl embedded_io::Read for Stream {
///     fn read(&mut self, buf: &mut [u8]) -> Result<usize, Self::Error> {
///         let n = buf.len().min(self.0.len());
///         buf[..n].copy_from_slice(&self.0[..n]);
///         self.0 = &self.0[n..];
///         Ok(n)
///     }
/// }
/// impl embedded_io::Write for Stream {
///     fn write(&mut self, buf: &[u8]) -> Result<usize, Self::Error> {
///         Ok(buf.len())
///     }
///     fn flush(&mut self) -> Result<(), Self::Error> {
///         Ok(())
///     }
/// }
/// impl Connect for Canned {
///     type Error = core::convert::Infallible;
///     type Connection<'c> = Stream;
///     fn connect(&mut self, _: Scheme, _: &str, _: u16) -> Result<Stream, Error> {
///         Ok(Stream(self.0))
///     }
/// }
///
/// let mut client = HttpClient::new(Canned(
///     b"HTTP/1.1 200 OK\r\nx-amzn-RequestId: r-1\r\nContent-Length: 2\r\n\r\nok",
/// ));
/// let request = Request {
///     method: "POST",
///     scheme: Scheme::Https,
///     host: "sts.amazonaws.com",
///     port: 443,
///     path: "/",
///     headers: &[],
///     body: b"Action=AssumeRoleWithWebIdentity",
///     request_id_header: Some("x-amzn-requestid"),
/// };
/// let mut buf = [0u8; 512];
/// let response = client.send(&request, &mut buf)?;
/// assert_eq!((response.status, response.request_id), (200, Some("r-1")));
/// assert_eq!(&response.body[..], b"ok");
/// # Ok::<(), Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct HttpClient<C> {
    connector: C,
    max_body: usize,
}

impl<C: Connect> HttpClient<C> {
    /// A client that connects with `connector`; body limit
    /// [`DEFAULT_MAX_BODY`].
    pub const fn new(connector: C) -> Self {
        HttpClient {
            connector,
            max_body: DEFAULT_MAX_BODY,
        }
    }

    /// Sets the body limit: a longer body is [`Error::BodyTooLarge`] (the
    /// buffer bounds it anyway).
    #[must_use]
    pub const fn max_body(mut self, limit: usize) -> Self {
        self.max_body = limit;
        self
    }

    /// The connector.
    pub const fn connector(&self) -> &C {
        &self.connector
    }

    /// The connector, mutably.
    pub const fn connector_mut(&mut self) -> &mut C {
        &mut self.connector
    }

    /// Gives the connector back.
    pub fn into_inner(self) -> C {
        self.connector
    }
}

impl<C: Connect> Transport for HttpClient<C> {
    fn send<'b>(&mut self, request: &Request<'_>, buf: &'b mut [u8]) -> Result<Response<'b>, Error> {
        let head = RequestHead::new(request)?;
        let max_body = self.max_body;
        let mut conn = self.connector.connect(request.scheme, head.host(), request.port)?;
        write_request::<C, _>(&mut conn, &head, request.body)?;

        let mut reader = ResponseReader::new(buf)
            .max_body(max_body)
            .head_request(request.method.eq_ignore_ascii_case("HEAD"))
            .request_id_header(request.request_id_header);
        let mut interrupted = 0;
        while !reader.is_done() {
            let space = reader.read_buf()?;
            match conn.read(space) {
                Ok(n) => {
                    interrupted = 0;
                    reader.advance(n)?;
                }
                Err(e) if e.kind() == ErrorKind::Interrupted && interrupted < MAX_INTERRUPTED => {
                    interrupted += 1;
                }
                Err(e) => return Err(C::io_error(&e)),
            }
        }
        let response = reader.finish()?;
        crate::log_exchange(request, &response);
        Ok(response)
    }
}

fn write_request<C: Connect + ?Sized, S: Write + ErrorType<Error = C::Error>>(
    conn: &mut S,
    head: &RequestHead<'_>,
    body: &[u8],
) -> Result<(), Error> {
    let mut buf = [0u8; SEND_CHUNK];
    let mut sent = 0;
    loop {
        let len = head.write_window(sent, &mut buf);
        let n = (len - sent).min(SEND_CHUNK);
        sent += n;
        if sent < len {
            write_all::<C, S>(conn, &buf[..n])?;
            continue;
        }
        // The head's last window: the body joins it when it fits.
        if let Some(dst) = buf.get_mut(n..n + body.len()) {
            dst.copy_from_slice(body);
            write_all::<C, S>(conn, &buf[..n + body.len()])?;
        } else {
            write_all::<C, S>(conn, &buf[..n])?;
            write_all::<C, S>(conn, body)?;
        }
        break;
    }
    let mut interrupted = 0;
    loop {
        match conn.flush() {
            Ok(()) => return Ok(()),
            Err(e) if e.kind() == ErrorKind::Interrupted && interrupted < MAX_INTERRUPTED => {
                interrupted += 1;
            }
            Err(e) => return Err(C::io_error(&e)),
        }
    }
}

fn write_all<C: Connect + ?Sized, S: Write + ErrorType<Error = C::Error>>(
    conn: &mut S,
    mut data: &[u8],
) -> Result<(), Error> {
    let mut interrupted = 0;
    while !data.is_empty() {
        match conn.write(data) {
            Ok(0) => return Err(Error::Reset),
            Ok(n) => {
                data = &data[n..];
                interrupted = 0;
            }
            Err(e) if e.kind() == ErrorKind::Interrupted && interrupted < MAX_INTERRUPTED => {
                interrupted += 1;
            }
            Err(e) => return Err(C::io_error(&e)),
        }
    }
    Ok(())
}
