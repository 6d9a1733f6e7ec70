//! The async HTTP/1.1 engine over `embedded-io-async` 0.7.

use embedded_io::{Error as _, ErrorKind, ErrorType};
use embedded_io_async::{Read, Write};

use crate::h1::{DEFAULT_MAX_BODY, RequestHead, ResponseReader, SEND_CHUNK};
use crate::{AsyncTransport, Error, Request, Response, Scheme};

/// Opens a connected async stream for one exchange: your TCP stack
/// (embassy-net, ...), and your TLS (embedded-tls, ...) for `https`.
///
/// The async twin of `Connect`, with the same contract:
/// one call per [`send`](AsyncTransport::send), timeouts set on the stream
/// (or a timeout future around `send`), TLS verified for `host`.
#[allow(async_fn_in_trait)]
pub trait AsyncConnect {
    /// The error of the streams.
    type Error: embedded_io::Error;

    /// The connected stream (TLS already set up for `https`). It may borrow
    /// from the connector (socket and TLS record buffers, for instance).
    type Connection<'c>: Read + Write + ErrorType<Error = Self::Error>
    where
        Self: 'c;

    /// Opens a connection to `host:port`. `host` has no IPv6 brackets.
    ///
    /// # Errors
    ///
    /// [`Error::Connect`] when no connection could be opened,
    /// [`Error::Timeout`], [`Error::Tls`], or what fits best.
    async fn connect(&mut self, scheme: Scheme, host: &str, port: u16) -> Result<Self::Connection<'_>, Error>;

    /// Maps an error of the stream to an [`Error`]. The default goes by
    /// [`ErrorKind`] ([`Error::from_io_kind`]).
    fn io_error(error: &Self::Error) -> Error {
        Error::from_io_kind(error.kind())
    }
}

impl<C: AsyncConnect + ?Sized> AsyncConnect for &mut C {
    type Error = C::Error;
    type Connection<'c>
        = C::Connection<'c>
    where
        Self: 'c;

    async fn connect(&mut self, scheme: Scheme, host: &str, port: u16) -> Result<Self::Connection<'_>, Error> {
        (**self).connect(scheme, host, port).await
    }

    fn io_error(error: &Self::Error) -> Error {
        C::io_error(error)
    }
}

/// Consecutive `Interrupted` results before the engine gives up.
const MAX_INTERRUPTED: u8 = 8;

/// An HTTP/1.1 client over the async streams an [`AsyncConnect`] opens. No
/// allocation, no boxed future; the response goes into the buffer given to
/// [`send`](AsyncTransport::send). Same behaviour as
/// `HttpClient`: both drive [`crate::h1`].
#[derive(Debug, Clone)]
pub struct AsyncHttpClient<C> {
    connector: C,
    max_body: usize,
}

impl<C: AsyncConnect> AsyncHttpClient<C> {
    /// A client that connects with `connector`; body limit
    /// [`DEFAULT_MAX_BODY`].
    pub const fn new(connector: C) -> Self {
        AsyncHttpClient {
            connector,
            max_body: DEFAULT_MAX_BODY,
        }
    }

    /// Sets the body limit: a longer body is [`Error::BodyTooLarge`].
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

impl<C: AsyncConnect> AsyncTransport for AsyncHttpClient<C> {
    async fn send<'b>(&mut self, request: &Request<'_>, buf: &'b mut [u8]) -> Result<Response<'b>, Error> {
        let head = RequestHead::new(request)?;
        let max_body = self.max_body;
        let mut conn = self
            .connector
            .connect(request.scheme, head.host(), request.port)
            .await?;
        write_request::<C, _>(&mut conn, &head, request.body).await?;

        let mut reader = ResponseReader::new(buf)
            .max_body(max_body)
            .head_request(request.method.eq_ignore_ascii_case("HEAD"))
            .request_id_header(request.request_id_header);
        let mut interrupted = 0;
        while !reader.is_done() {
            let space = reader.read_buf()?;
            match conn.read(space).await {
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

async fn write_request<C: AsyncConnect + ?Sized, S: Write + ErrorType<Error = C::Error>>(
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
            write_all::<C, S>(conn, &buf[..n]).await?;
            continue;
        }
        // The head's last window: the body joins it when it fits.
        if let Some(dst) = buf.get_mut(n..n + body.len()) {
            dst.copy_from_slice(body);
            write_all::<C, S>(conn, &buf[..n + body.len()]).await?;
        } else {
            write_all::<C, S>(conn, &buf[..n]).await?;
            write_all::<C, S>(conn, body).await?;
        }
        break;
    }
    let mut interrupted = 0;
    loop {
        match conn.flush().await {
            Ok(()) => return Ok(()),
            Err(e) if e.kind() == ErrorKind::Interrupted && interrupted < MAX_INTERRUPTED => {
                interrupted += 1;
            }
            Err(e) => return Err(C::io_error(&e)),
        }
    }
}

async fn write_all<C: AsyncConnect + ?Sized, S: Write + ErrorType<Error = C::Error>>(
    conn: &mut S,
    mut data: &[u8],
) -> Result<(), Error> {
    let mut interrupted = 0;
    while !data.is_empty() {
        match conn.write(data).await {
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
