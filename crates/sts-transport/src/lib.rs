//! Transports for STS `AssumeRoleWithWebIdentity`: send one HTTP request,
//! get the status, the few headers the client needs and the body, in a buffer
//! the caller owns.
//!
//! This crate is the I/O edge of the client. It does **not** build STS
//! requests, parse XML, sign anything, retry, or keep connections alive: the
//! client crate does the first three and decides about retries
//! ([`Error::is_retryable`] is a hint). It knows HTTP, not STS: the caller
//! sets its own `Content-Type` and names the header that carries its request
//! id ([`Request::request_id_header`]). The embedded engines open a fresh
//! connection per exchange and send `Connection: close`; `StdTransport`
//! leaves connection reuse to ureq (which also adds `Accept: */*`).
//!
//! ```text
//!  client ──Request──▶ Transport::send(request, buf) ──▶ Response<'buf>
//!                          │                                ▲
//!        ┌─────────────────┼──────────────────────┐         │ status, Date, Content-Type,
//!        ▼                 ▼                      ▼         │ Retry-After, the request id
//!   HttpClient<C>     AsyncHttpClient<C>     StdTransport   │ header the request names,
//!   (embedded-io)    (embedded-io-async)     (ureq+rustls)  │ body: &mut [u8] in `buf`
//!        │  h1::RequestHead / h1::ResponseReader (sans-IO) ─┘
//!        ▼
//!   C: Connect ──▶ your TCP stack + TLS (smoltcp / embassy-net + embedded-tls,
//!                  or TcpConnector: std TcpStream + rustls)
//! ```
//!
//! # Engines
//!
//! - [`h1`]: the HTTP/1.1 codec, no I/O at all. Always present, `no_std`, no
//!   allocation.
//! - `HttpClient` (feature `embedded-io-v0.7`) and `AsyncHttpClient`
//!   (feature `embedded-io-async-v0.7`): HTTP/1.1 over any connected stream
//!   that your `Connect` / `AsyncConnect` opens (your TCP stack, your TLS:
//!   smoltcp or embassy-net, embedded-tls), one fresh connection per
//!   exchange. No allocation, no unbounded loop, never reads past the
//!   buffer, ends without EOF when the framing says the body is complete.
//!   The engine has no clock: timeouts belong to the stream (or, async, to a
//!   timeout around `send`). The async futures are not `Send`-bounded, as
//!   embassy needs. About 11.5 KB of flash on thumbv7em (`size-probe/`).
//! - `StdTransport` (feature `std`): `ureq` 3 with rustls and webpki-roots
//!   (or a `CaBundle`), the proxy from `HTTPS_PROXY` / `NO_PROXY` as curl
//!   reads them.
//! - `TcpConnector` (feature `std`): a `Connect` over `std::net::TcpStream`
//!   (rustls for https) so `HttpClient` runs on a host.
//! - `HttpAdapter` (feature `http`): wraps any function from
//!   `http::Request<Vec<u8>>` to `http::Response<Vec<u8>>` (reqwest, hyper, ...).
//!
//! Beside them, [`date`] parses the `Date` header (and writes one, for
//! servers and tests); always present, `no_std`, no allocation.
//!
//! # Security policy (all engines)
//!
//! - `http://` only to loopback hosts ([`h1::is_loopback`]); anything else is
//!   [`Error::InsecureScheme`] before a byte is sent. The std transports
//!   also resolve a name (`localhost`) and refuse it unless every address
//!   is loopback.
//! - Failures say why ([`Error`]): a refused certificate names its problem
//!   ([`CertificateProblem`]), a name that does not resolve is
//!   [`Error::Resolve`], a proxy's failure is [`Error::Proxy`].
//! - Header names and values are checked: no CR, LF or other control byte
//!   can inject a header; the framing headers are the transport's own
//!   ([`h1::MANAGED_HEADERS`]).
//! - `Accept-Encoding: identity`; a compressed or oddly framed answer
//!   (`Content-Length` with `Transfer-Encoding`) is refused.
//! - No header value or body byte ever appears in an [`Error`] or a `Debug`
//!   output ([`Request`] and [`Response`] print sizes, not bodies).
//!
//! # Example
//!
//! A client codes against [`Transport`] (or [`AsyncTransport`]):
//!
//! ```
//! use sts_transport::{Error, Request, Scheme, Transport};
//!
//! fn assume_role<T: Transport>(transport: &mut T, form_body: &[u8]) -> Result<u16, Error> {
//!     let request = Request {
//!         method: "POST",
//!         scheme: Scheme::Https,
//!         host: "sts.eu-west-1.amazonaws.com",
//!         port: 443,
//!         path: "/",
//!         headers: &[("Content-Type", "application/x-www-form-urlencoded")],
//!         body: form_body,
//!         request_id_header: Some("x-amzn-requestid"),
//!     };
//!     let mut buf = [0u8; 4096]; // head + body of the answer
//!     let response = transport.send(&request, &mut buf)?;
//!     // `response.body` is `&mut [u8]` inside `buf`: the XML codec can
//!     // unescape it in place.
//!     Ok(response.status)
//! }
//! ```
//!
//! On a host, the embedded engine over `std::net::TcpStream`:
//!
//! ```no_run
//! # #[cfg(feature = "std")]
//! # fn main() -> Result<(), sts_transport::Error> {
//! use sts_transport::{HttpClient, Request, Scheme, TcpConnector, Transport};
//!
//! let mut client = HttpClient::new(TcpConnector::new());
//! let request = Request {
//!     method: "POST",
//!     scheme: Scheme::Https,
//!     host: "sts.amazonaws.com",
//!     port: 443,
//!     path: "/",
//!     headers: &[("Content-Type", "application/x-www-form-urlencoded")],
//!     body: b"Action=AssumeRoleWithWebIdentity&Version=2011-06-15&...",
//!     request_id_header: Some("x-amzn-requestid"),
//! };
//! let mut buf = [0u8; 8192];
//! let response = client.send(&request, &mut buf)?;
//! println!("{} ({} body bytes)", response.status, response.body.len());
//! # Ok(()) }
//! # #[cfg(not(feature = "std"))]
//! # fn main() {}
//! ```
//!
//! # Buffer sizes
//!
//! The buffer holds the response head and body (a chunked body is decoded in
//! place, so it needs little more). Measured with the engine on STS-shaped
//! answers (`benches/exchange.rs` prints them; head about 160 bytes):
//!
//! | answer | smallest buffer |
//! |---|---|
//! | typical success, 1 KiB session token | 2,248 bytes |
//! | typical success, 2 KiB session token | 3,272 bytes |
//! | largest the STS model allows (see below) | 11,982 bytes |
//!
//! So **4 KiB** holds a typical answer with room to spare, and **12 KiB** the
//! largest. The STS model (botocore `sts` 2011-06-15) bounds most fields
//! (role ARN 2,048, assumed role id 193, subject 255, source identity 64,
//! access key id 128) but not `SessionToken`, `SecretAccessKey`, `Provider`
//! or `Audience`; the figure assumes at most 4,096, 128, 2,048 and 2,048
//! bytes for them, and no XML escaping inside values. AWS says not to assume
//! a maximum token size: a device with a smaller buffer gets
//! [`Error::BufferTooSmall`] with the size needed (for a `Content-Length`
//! answer) rather than a truncated token. [`h1::DEFAULT_MAX_BODY`] (64 KiB)
//! caps what a host transport accepts.
//!
//! # Features
//!
//! No feature is on by default: the crate is `no_std` and allocation-free.
//!
//! | feature | what it adds |
//! |---|---|
//! | `embedded-io-v0.7` | `HttpClient` and `Connect` over `embedded-io` 0.7 (blocking) |
//! | `embedded-io-async-v0.7` | `AsyncHttpClient` and `AsyncConnect` over `embedded-io-async` 0.7 (no boxing; works on embassy) |
//! | `std` | `StdTransport` (ureq 3, rustls, webpki-roots, proxies from the environment), `TcpConnector`, `CaBundle`; implies `embedded-io-v0.7` |
//! | `platform-verifier` | `StdTransportBuilder::platform_verifier`: the OS certificate verifier instead of webpki-roots |
//! | `http` | `HttpAdapter` for clients using the `http` crate's types (needs std) |
//! | `defmt` | `defmt::Format` for the public types (never prints bodies or header values) |
//! | `log` | `log::debug!` after each exchange: host, status, body length |
//!
//! Features are additive: `--all-features` builds. The documentation on
//! docs.rs is built with every feature, and each item a feature adds carries a
//! badge naming that feature.
//!
//! # no_std
//!
//! ```text
//! cargo build -p sts-transport --no-default-features \
//!     --features embedded-io-v0.7,embedded-io-async-v0.7 --target thumbv7em-none-eabihf
//! ```
#![no_std]
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(any(feature = "std", feature = "http"))]
extern crate std;

#[cfg(any(feature = "std", feature = "http"))]
extern crate alloc;

use core::fmt;

pub mod date;
mod error;
pub mod h1;

#[cfg(feature = "embedded-io-v0.7")]
mod blocking;
#[cfg(feature = "embedded-io-async-v0.7")]
mod nonblocking;

#[cfg(feature = "std")]
mod std_proxy;
#[cfg(feature = "std")]
mod std_tcp;
#[cfg(feature = "std")]
mod std_tls;
#[cfg(feature = "std")]
mod std_ureq;

#[cfg(feature = "http")]
mod http_adapter;
#[cfg(any(feature = "std", feature = "http"))]
mod owned;

pub use error::{CertificateProblem, Error, MalformedHttp, ProxyError};

#[cfg(feature = "embedded-io-v0.7")]
pub use blocking::{Connect, HttpClient};
#[cfg(feature = "embedded-io-async-v0.7")]
pub use nonblocking::{AsyncConnect, AsyncHttpClient};
/// The rustls version [`TcpConnector::tls_config`] takes (0.23).
#[cfg(feature = "std")]
pub use rustls;
#[cfg(feature = "std")]
pub use std_proxy::proxy_variable;
#[cfg(feature = "std")]
pub use std_tcp::{TcpConnection, TcpConnector};
#[cfg(feature = "std")]
pub use std_tls::{CaBundle, CaBundleError, CaBundleProblem};
#[cfg(feature = "std")]
pub use std_ureq::{StdTransport, StdTransportBuilder};

#[cfg(feature = "http")]
pub use http_adapter::HttpAdapter;

/// The URL scheme of a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Scheme {
    /// Plain HTTP: only to loopback hosts (tests, local emulators).
    Http,
    /// HTTP over TLS.
    Https,
}

impl Scheme {
    /// `"http"` or `"https"`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Scheme::Http => "http",
            Scheme::Https => "https",
        }
    }

    /// 80 or 443.
    #[must_use]
    pub const fn default_port(self) -> u16 {
        match self {
            Scheme::Http => 80,
            Scheme::Https => 443,
        }
    }
}

/// One HTTP request, borrowed from the caller.
///
/// `host` is a DNS name or an IP literal (IPv6 with or without brackets);
/// `path` starts with `/` and holds the query if any. `headers` are the
/// request's own headers: the embedded engines add `Host`, `Content-Length`,
/// `Accept-Encoding: identity`, `Connection: close`, and `User-Agent` when
/// not given (see [`h1::RequestHead`]); no `Content-Type` is sent unless
/// `headers` has one. `StdTransport` sends what ureq sends for the same
/// request (no `Connection: close`, plus `Accept: */*`).
///
/// `Debug` prints header names and the body length only: the body holds the
/// web identity token.
#[derive(Clone, Copy)]
pub struct Request<'r> {
    /// The method, e.g. `"POST"`.
    pub method: &'r str,
    /// `http` (loopback only) or `https`.
    pub scheme: Scheme,
    /// The host to connect to and to name in `Host`.
    pub host: &'r str,
    /// The TCP port.
    pub port: u16,
    /// The request target: path and query.
    pub path: &'r str,
    /// Extra headers as (name, value).
    pub headers: &'r [(&'r str, &'r str)],
    /// The body (for STS, the form-encoded parameters).
    pub body: &'r [u8],
    /// The response header whose value becomes [`Response::request_id`],
    /// matched without regard to case (`x-amzn-requestid` for AWS); `None`
    /// keeps none. It must be a header-name token.
    pub request_id_header: Option<&'r str>,
}

impl fmt::Debug for Request<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        struct Names<'a>(&'a [(&'a str, &'a str)]);
        impl fmt::Debug for Names<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_list().entries(self.0.iter().map(|(n, _)| n)).finish()
            }
        }
        f.debug_struct("Request")
            .field("method", &self.method)
            .field("scheme", &self.scheme)
            .field("host", &self.host)
            .field("port", &self.port)
            .field("path", &self.path)
            .field("header_names", &Names(self.headers))
            .field("body_len", &self.body.len())
            .field("request_id_header", &self.request_id_header)
            .finish()
    }
}

#[cfg(feature = "defmt")]
impl defmt::Format for Request<'_> {
    fn format(&self, f: defmt::Formatter<'_>) {
        defmt::write!(
            f,
            "Request {{ {=str} {=str}://{=str}:{=u16}{=str}, {=usize} headers, {=usize} body bytes }}",
            self.method,
            self.scheme.as_str(),
            self.host,
            self.port,
            self.path,
            self.headers.len(),
            self.body.len()
        );
    }
}

/// The answer to a [`Request`], borrowing the caller's buffer.
///
/// Header values point into the head kept at the start of the buffer; the body
/// follows it and is mutable, so a decoder can unescape XML in place. Only
/// these few headers are kept, matched by name without regard to case; a
/// header sent twice gives its first value.
///
/// `Debug` prints the status, these header values and the body *length*: the
/// body of a successful answer holds credentials.
#[non_exhaustive]
pub struct Response<'b> {
    /// The status code of the final (non-`1xx`) response.
    pub status: u16,
    /// The `Date` header (for clock skew).
    pub date: Option<&'b str>,
    /// The `Content-Type` header.
    pub content_type: Option<&'b str>,
    /// The header the request named in
    /// [`request_id_header`](Request::request_id_header).
    pub request_id: Option<&'b str>,
    /// The `Retry-After` header.
    pub retry_after: Option<&'b str>,
    /// The body, decoded from its transfer coding (never compressed).
    pub body: &'b mut [u8],
}

impl<'b> Response<'b> {
    /// A response with `status` and `body` and no headers (for transports
    /// written elsewhere and for test doubles; set the header fields after).
    pub fn new(status: u16, body: &'b mut [u8]) -> Self {
        Response {
            status,
            date: None,
            content_type: None,
            request_id: None,
            retry_after: None,
            body,
        }
    }
}

impl fmt::Debug for Response<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Response")
            .field("status", &self.status)
            .field("date", &self.date)
            .field("content_type", &self.content_type)
            .field("request_id", &self.request_id)
            .field("retry_after", &self.retry_after)
            .field("body_len", &self.body.len())
            .finish()
    }
}

#[cfg(feature = "defmt")]
impl defmt::Format for Response<'_> {
    fn format(&self, f: defmt::Formatter<'_>) {
        defmt::write!(
            f,
            "Response {{ status: {=u16}, request_id: {=?}, body: {=usize} bytes }}",
            self.status,
            self.request_id,
            self.body.len()
        );
    }
}

/// Sends one request and receives its response into `buf` (blocking).
///
/// Implementations open a fresh connection per call (or behave as if they
/// did), answer with the final response whatever its status (a 400 is an
/// `Ok` with `status: 400`), and put everything they return in `buf`.
pub trait Transport {
    /// Sends `request`; the response borrows `buf`.
    ///
    /// # Errors
    ///
    /// See [`Error`]: each failure is its own variant.
    fn send<'b>(&mut self, request: &Request<'_>, buf: &'b mut [u8]) -> Result<Response<'b>, Error>;
}

/// Sends one request and receives its response into `buf` (async, no boxing:
/// usable on embassy).
///
/// The same contract as [`Transport`].
#[allow(async_fn_in_trait)]
pub trait AsyncTransport {
    /// Sends `request`; the response borrows `buf`.
    ///
    /// # Errors
    ///
    /// See [`Error`]: each failure is its own variant.
    async fn send<'b>(&mut self, request: &Request<'_>, buf: &'b mut [u8]) -> Result<Response<'b>, Error>;
}

impl<T: Transport + ?Sized> Transport for &mut T {
    fn send<'b>(&mut self, request: &Request<'_>, buf: &'b mut [u8]) -> Result<Response<'b>, Error> {
        (**self).send(request, buf)
    }
}

impl<T: AsyncTransport + ?Sized> AsyncTransport for &mut T {
    async fn send<'b>(&mut self, request: &Request<'_>, buf: &'b mut [u8]) -> Result<Response<'b>, Error> {
        (**self).send(request, buf).await
    }
}

/// Logs one finished exchange (feature `log`): never a header value or a byte
/// of a body.
#[cfg(any(
    feature = "embedded-io-v0.7",
    feature = "embedded-io-async-v0.7",
    feature = "std",
    feature = "http"
))]
#[cfg_attr(not(feature = "log"), allow(unused_variables))]
pub(crate) fn log_exchange(request: &Request<'_>, response: &Response<'_>) {
    #[cfg(feature = "log")]
    log::debug!(
        "sts-transport: {} {}://{}:{}{} -> {} ({} body bytes)",
        request.method,
        request.scheme.as_str(),
        request.host,
        request.port,
        request.path,
        response.status,
        response.body.len()
    );
}
