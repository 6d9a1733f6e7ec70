//! [`StdTransport`]: a [`Transport`] on `ureq` 3 with rustls.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;
use core::time::Duration;
use std::io::{self, Read as _};

use ureq::tls::{Certificate, RootCerts, TlsConfig, TlsProvider};
use ureq::{Agent, Proxy};

use crate::h1::{DEFAULT_MAX_BODY, DEFAULT_USER_AGENT, RequestHead, is_loopback};
use crate::owned::{check_framing, check_length, response, store_headers};
use crate::std_tcp::{DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT, io_to_error};
use crate::{Error, MalformedHttp, Request, Response, Scheme, Transport};

/// A [`Transport`] on `ureq` 3: rustls with the ring provider, the Mozilla
/// roots of `webpki-roots` (or the platform verifier, feature
/// `platform-verifier`), blocking.
///
/// - `https` to any host; `http` only to loopback ([`Error::InsecureScheme`]).
/// - Timeouts: connect 5 s, whole exchange 30 s, by default
///   ([`StdTransportBuilder`] changes them).
/// - Proxy: from the environment by default (`ALL_PROXY`, `HTTPS_PROXY`,
///   `HTTP_PROXY`, lower case too, as `ureq` reads them), with `NO_PROXY`
///   honoured; never for loopback hosts.
/// - No redirects are followed (a 3xx is returned as is), no compression
///   (`Accept-Encoding: identity`), any status is an `Ok`.
/// - The response is capped by the buffer given to [`send`](Transport::send):
///   the exposed header values and the body are copied into it, the body
///   read straight from the socket into the buffer (no intermediate `Vec`).
#[derive(Clone)]
pub struct StdTransport {
    agent: Agent,
    direct: Agent,
    max_body: usize,
}

impl fmt::Debug for StdTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StdTransport")
            .field("max_body", &self.max_body)
            .finish_non_exhaustive()
    }
}

/// Settings for a [`StdTransport`].
#[derive(Debug, Clone)]
pub struct StdTransportBuilder {
    connect_timeout: Duration,
    timeout: Duration,
    proxy: ProxySetting,
    roots: Vec<Vec<u8>>,
    platform_verifier: bool,
    max_body: usize,
}

#[derive(Debug, Clone)]
enum ProxySetting {
    FromEnv,
    Off,
    Url(String),
}

impl Default for StdTransportBuilder {
    fn default() -> Self {
        StdTransportBuilder {
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            timeout: DEFAULT_TIMEOUT,
            proxy: ProxySetting::FromEnv,
            roots: Vec::new(),
            platform_verifier: false,
            max_body: DEFAULT_MAX_BODY,
        }
    }
}

impl StdTransportBuilder {
    /// Sets the time to open the connection (default 5 s).
    #[must_use]
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Sets the time for the whole exchange, from connect to the last byte
    /// (default 30 s).
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Uses no proxy, whatever the environment says.
    #[must_use]
    pub fn no_proxy(mut self) -> Self {
        self.proxy = ProxySetting::Off;
        self
    }

    /// Uses this proxy (`http://host:port`, `socks5://...` is not built in)
    /// instead of the environment's.
    #[must_use]
    pub fn proxy(mut self, url: &str) -> Self {
        self.proxy = ProxySetting::Url(url.into());
        self
    }

    /// Trusts this root certificate (DER). Once any is given, only the given
    /// roots are trusted, not webpki-roots.
    #[must_use]
    pub fn root_certificate(mut self, der: &[u8]) -> Self {
        self.roots.push(der.to_vec());
        self
    }

    /// Verifies server certificates with the operating system's verifier
    /// (`rustls-platform-verifier`) instead of webpki-roots.
    #[cfg(feature = "platform-verifier")]
    #[must_use]
    pub fn platform_verifier(mut self, on: bool) -> Self {
        self.platform_verifier = on;
        self
    }

    /// Sets the body limit (default [`DEFAULT_MAX_BODY`]); the buffer bounds
    /// the body too.
    #[must_use]
    pub fn max_body(mut self, limit: usize) -> Self {
        self.max_body = limit;
        self
    }

    /// Builds the transport.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidRequest`] when the proxy URL given to
    /// [`proxy`](Self::proxy) is not valid.
    pub fn build(self) -> Result<StdTransport, Error> {
        let proxy = match &self.proxy {
            ProxySetting::FromEnv => Proxy::try_from_env(),
            ProxySetting::Off => None,
            ProxySetting::Url(u) => Some(Proxy::new(u).map_err(|_| Error::InvalidRequest)?),
        };
        let roots = if self.platform_verifier {
            RootCerts::PlatformVerifier
        } else if self.roots.is_empty() {
            RootCerts::WebPki
        } else {
            RootCerts::from(self.roots.iter().map(|d| Certificate::from_der(d).to_owned()))
        };
        let tls = TlsConfig::builder()
            .provider(TlsProvider::Rustls)
            .root_certs(roots)
            .build();
        let agent = |proxy: Option<Proxy>| -> Agent {
            Agent::config_builder()
                .http_status_as_error(false)
                .max_redirects(0)
                .user_agent(DEFAULT_USER_AGENT)
                .accept_encoding("identity")
                .timeout_connect(Some(self.connect_timeout))
                .timeout_global(Some(self.timeout))
                .tls_config(tls.clone())
                .proxy(proxy)
                .max_idle_connections(0)
                .max_idle_connections_per_host(0)
                .build()
                .into()
        };
        Ok(StdTransport {
            agent: agent(proxy),
            direct: agent(None),
            max_body: self.max_body,
        })
    }
}

impl StdTransport {
    /// A transport with the default settings (see [`StdTransportBuilder`]).
    ///
    /// # Errors
    ///
    /// Never with the defaults; see [`StdTransportBuilder::build`].
    pub fn new() -> Result<Self, Error> {
        StdTransportBuilder::default().build()
    }

    /// Settings to build a transport with.
    #[must_use]
    pub fn builder() -> StdTransportBuilder {
        StdTransportBuilder::default()
    }
}

impl Transport for StdTransport {
    fn send<'b>(&mut self, request: &Request<'_>, buf: &'b mut [u8]) -> Result<Response<'b>, Error> {
        // The same checks as the embedded engine: scheme policy, header syntax.
        let head = RequestHead::new(request)?;
        let host = head.host();
        let url = if host.contains(':') {
            format!(
                "{}://[{host}]:{}{}",
                request.scheme.as_str(),
                request.port,
                request.path
            )
        } else {
            format!("{}://{host}:{}{}", request.scheme.as_str(), request.port, request.path)
        };
        let mut builder = ureq::http::Request::builder().method(request.method).uri(url);
        if let Some(content_type) = head.content_type() {
            builder = builder.header("content-type", content_type);
        }
        builder = builder.header("user-agent", head.user_agent());
        for &(name, value) in request.headers {
            if !name.eq_ignore_ascii_case("content-type") && !name.eq_ignore_ascii_case("user-agent") {
                builder = builder.header(name, value);
            }
        }
        let http_request = builder.body(request.body).map_err(|_| Error::InvalidRequest)?;
        let agent = if request.scheme == Scheme::Http || is_loopback(host) {
            &self.direct
        } else {
            &self.agent
        };
        // The buffer caps the head too, as in the embedded engine.
        let http_request = agent
            .configure_request(http_request)
            .max_response_header_size(buf.len())
            .build();
        let answer = agent.run(http_request).map_err(|e| ureq_error(&e))?;
        let (parts, mut body) = answer.into_parts();
        let status = parts.status.as_u16();
        // A final answer is 2xx-5xx, as the embedded engine has it: ureq
        // hands a `101 Switching Protocols` (or any 1xx it did not skip) up.
        if status < 200 {
            return Err(MalformedHttp::Status.into());
        }
        let content_length = check_framing(&parts.headers)?;
        let (ranges, head_len) = store_headers(&parts.headers, request.request_id_header, buf)?;
        check_length(content_length, head_len, buf.len(), self.max_body)?;

        let is_head = request.method.eq_ignore_ascii_case("HEAD");
        let limit = buf.len().min(head_len.saturating_add(self.max_body));
        let mut at = head_len;
        if !is_head {
            let mut reader = body.as_reader();
            loop {
                if at == limit {
                    let mut probe = [0u8; 1];
                    match reader.read(&mut probe) {
                        Ok(0) => break,
                        Ok(_) if limit < buf.len() => {
                            return Err(Error::BodyTooLarge { limit: self.max_body });
                        }
                        Ok(_) => return Err(Error::BufferTooSmall { needed: None }),
                        Err(e) => return Err(body_error(&e)),
                    }
                }
                match reader.read(&mut buf[at..limit]) {
                    Ok(0) => break,
                    Ok(n) => at += n,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(body_error(&e)),
                }
            }
        }
        if content_length.is_some_and(|cl| (at - head_len) as u64 != cl) && !is_head {
            return Err(Error::UnexpectedEof);
        }
        let response = response(buf, status, ranges, head_len, at - head_len)?;
        crate::log_exchange(request, &response);
        Ok(response)
    }
}

/// An error while reading the body: `ureq` wraps its own errors in
/// `io::Error`.
fn body_error(e: &io::Error) -> Error {
    match e.get_ref().and_then(|i| i.downcast_ref::<ureq::Error>()) {
        Some(u) => ureq_error(u),
        None => io_to_error(e),
    }
}

fn ureq_error(e: &ureq::Error) -> Error {
    use ureq::Error as U;
    match e {
        U::Timeout(_) => Error::Timeout,
        U::HostNotFound | U::ConnectionFailed | U::ConnectProxyFailed(_) => Error::Connect,
        U::Io(io) => io_to_error(io),
        U::Protocol(p) => Error::MalformedResponse(ureq_proto_error(p)),
        U::Tls(_) | U::Rustls(_) => Error::Tls,
        U::BodyExceedsLimit(_) | U::LargeResponseHeader(..) => Error::BufferTooSmall { needed: None },
        U::BadUri(_) | U::Http(_) | U::InvalidProxyUrl => Error::InvalidRequest,
        _ => Error::Io,
    }
}

/// The [`MalformedHttp`] detail of a `ureq` protocol error.
fn ureq_proto_error(p: &ureq_proto::Error) -> MalformedHttp {
    use ureq_proto::Error as P;
    match p {
        P::ChunkLenNotAscii | P::ChunkLenNotANumber => MalformedHttp::ChunkSize,
        P::ChunkExpectedCrLf => MalformedHttp::ChunkCrlf,
        P::ConflictingBodyHeaders => MalformedHttp::ContentLengthWithTransferEncoding,
        P::BadContentLengthHeader | P::TooManyContentLengthHeaders => MalformedHttp::ContentLength,
        P::HttpParseTooManyHeaders => MalformedHttp::TooManyHeaders,
        _ => MalformedHttp::Head,
    }
}
