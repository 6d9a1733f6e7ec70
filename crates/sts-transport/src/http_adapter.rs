//! [`HttpAdapter`]: a [`Transport`] over any client speaking the `http`
//! crate's types.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use core::fmt;

use zeroize::Zeroize;

use crate::h1::{DEFAULT_MAX_BODY, RequestHead};
use crate::owned::{check_framing, check_length, response, store_headers};
use crate::{Error, Request, Response, Transport};

/// A [`Transport`] over a function from `http::Request<Vec<u8>>` to
/// `http::Response<Vec<u8>>`: reqwest, hyper, or your own client.
///
/// The adapter applies the same policy as the other transports (scheme
/// check, header syntax, `Accept-Encoding: identity`, framing checks on the
/// answer) and copies the answer into the caller's buffer. The request it
/// builds carries the request's headers, `User-Agent` (the request's or the
/// default), `Accept-Encoding` and `Content-Length`; the client adds `Host`. The
/// function maps its own errors to [`Error`] (it knows which are timeouts).
///
/// The response `Vec` (which holds credentials) is zeroized after the copy.
/// The request body `Vec` (which holds the token) is moved into the
/// function, which owns its fate.
///
/// ```
/// use sts_transport::{Error, HttpAdapter, Request, Scheme, Transport};
///
/// let mut transport = HttpAdapter::new(|req: http::Request<Vec<u8>>| {
///     assert_eq!(req.uri(), "https://sts.amazonaws.com/");
///     // reqwest: client.execute(req.try_into()?) ... and collect the body.
///     http::Response::builder()
///         .status(200)
///         .header("x-amzn-requestid", "r-1")
///         .body(b"<ok/>".to_vec())
///         .map_err(|_| Error::Io)
/// });
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
/// let mut buf = [0u8; 256];
/// let response = transport.send(&request, &mut buf)?;
/// assert_eq!(response.request_id, Some("r-1"));
/// assert_eq!(&response.body[..], b"<ok/>");
/// # Ok::<(), Error>(())
/// ```
pub struct HttpAdapter<F> {
    client: F,
    max_body: usize,
}

impl<F> fmt::Debug for HttpAdapter<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpAdapter")
            .field("max_body", &self.max_body)
            .finish_non_exhaustive()
    }
}

impl<F> HttpAdapter<F>
where
    F: FnMut(http::Request<Vec<u8>>) -> Result<http::Response<Vec<u8>>, Error>,
{
    /// Wraps `client`; body limit [`DEFAULT_MAX_BODY`].
    pub fn new(client: F) -> Self {
        HttpAdapter {
            client,
            max_body: DEFAULT_MAX_BODY,
        }
    }

    /// Sets the body limit: a longer body is [`Error::BodyTooLarge`].
    #[must_use]
    pub fn max_body(mut self, limit: usize) -> Self {
        self.max_body = limit;
        self
    }

    /// Gives the client back.
    pub fn into_inner(self) -> F {
        self.client
    }
}

impl<F> Transport for HttpAdapter<F>
where
    F: FnMut(http::Request<Vec<u8>>) -> Result<http::Response<Vec<u8>>, Error>,
{
    fn send<'b>(&mut self, request: &Request<'_>, buf: &'b mut [u8]) -> Result<Response<'b>, Error> {
        let head = RequestHead::new(request)?;
        let host = head.host();
        let (lb, rb) = if host.contains(':') { ("[", "]") } else { ("", "") };
        let port = if request.port == request.scheme.default_port() {
            String::new()
        } else {
            format!(":{}", request.port)
        };
        let uri = format!("{}://{lb}{host}{rb}{port}{}", request.scheme.as_str(), request.path);
        let mut builder = http::Request::builder().method(request.method).uri(uri);
        if let Some(content_type) = head.content_type() {
            builder = builder.header("content-type", content_type);
        }
        builder = builder
            .header("user-agent", head.user_agent())
            .header("accept-encoding", "identity")
            .header("content-length", request.body.len());
        for &(name, value) in request.headers {
            if !name.eq_ignore_ascii_case("content-type") && !name.eq_ignore_ascii_case("user-agent") {
                builder = builder.header(name, value);
            }
        }
        let http_request = builder.body(request.body.to_vec()).map_err(|_| Error::InvalidRequest)?;

        let answer = (self.client)(http_request)?;
        let (parts, mut body) = answer.into_parts();
        let result = (|| {
            let content_length = check_framing(&parts.headers)?;
            if content_length.is_some_and(|cl| cl != body.len() as u64) {
                return Err(Error::UnexpectedEof);
            }
            let (ranges, head_len) = store_headers(&parts.headers, request.request_id_header, buf)?;
            let body_len = body.len();
            check_length(Some(body_len as u64), head_len, buf.len(), self.max_body)?;
            buf[head_len..head_len + body_len].copy_from_slice(&body);
            Ok((ranges, head_len, body_len))
        })();
        body.zeroize();
        let (ranges, head_len, body_len) = result?;
        let response = response(buf, parts.status.as_u16(), ranges, head_len, body_len)?;
        crate::log_exchange(request, &response);
        Ok(response)
    }
}
