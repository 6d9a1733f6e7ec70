//! [`StdTransport`]: a [`Transport`] on `ureq` 3 with rustls.

use alloc::boxed::Box;
use alloc::format;
use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::fmt;
use core::time::Duration;
use std::io::{self, Read as _};

use ureq::tls::{Certificate, RootCerts, TlsConfig, TlsProvider};
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::{DefaultConnector, NextTimeout};
use ureq::{Agent, Proxy};

use crate::h1::{DEFAULT_MAX_BODY, DEFAULT_USER_AGENT, RequestHead, is_loopback};
use crate::owned::{check_framing, check_length, response, store_headers};
use crate::std_proxy::{EnvProxies, NoProxy, parse_proxy};
use crate::std_tcp::{DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT, all_loopback, io_to_error};
use crate::std_tls::find_rustls;
use crate::{CaBundle, Error, MalformedHttp, ProxyError, Request, Response, Scheme, Transport};

/// A [`Transport`] on `ureq` 3: rustls with the ring provider, the Mozilla
/// roots of `webpki-roots` (or a [`CaBundle`], or the platform verifier,
/// feature `platform-verifier`), blocking.
///
/// - `https` to any host; `http` only to loopback: a name (`localhost`) is
///   resolved and every address must be loopback, else
///   [`Error::InsecureScheme`].
/// - Timeouts: connect 5 s, whole exchange 30 s (name resolution included),
///   by default ([`StdTransportBuilder`] changes them).
/// - Proxy: from the environment by default, as curl and the AWS SDKs read
///   it: `https_proxy` / `HTTPS_PROXY` for `https://`, else `all_proxy` /
///   `ALL_PROXY`; `no_proxy` / `NO_PROXY` to bypass (`*`, domain suffixes,
///   IP addresses, CIDR blocks); never for loopback hosts. `HTTP_PROXY` is
///   for `http://` only, which goes only to loopback, directly: it is never
///   used. A malformed proxy URL is [`ProxyError::InvalidUrl`] naming the
///   variable, when a request would use it. HTTP `CONNECT` proxies
///   (`http://` or `https://`, `user:password@` for basic authentication).
/// - Failures say why: [`Error::Resolve`] for a name that does not resolve,
///   [`Error::Certificate`] with the certificate's problem,
///   [`Error::Proxy`] for the proxy's (`407` is
///   [`ProxyError::AuthenticationRequired`]).
/// - No redirects are followed (a 3xx is returned as is), no compression
///   (`Accept-Encoding: identity`), any status is an `Ok`.
/// - The response is capped by the buffer given to [`send`](Transport::send):
///   the exposed header values and the body are copied into it, the body
///   read straight from the socket into the buffer (no intermediate `Vec`).
///   Its head is also capped at 8 KiB (half of ureq's buffer for it).
#[derive(Clone)]
pub struct StdTransport {
    /// No proxy: loopback, `http`, `NO_PROXY` hosts, and everything when no
    /// proxy is set.
    direct: Agent,
    /// For `https://` URLs, when a proxy is set for them (`http://` goes
    /// only to loopback, which never uses a proxy).
    https: Option<Result<Agent, ProxyError>>,
    no_proxy: NoProxy,
    max_body: usize,
}

impl fmt::Debug for StdTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StdTransport")
            .field("https_proxy", &self.https.as_ref().map(Result::is_ok))
            .field("max_body", &self.max_body)
            .finish_non_exhaustive()
    }
}

/// Settings for a [`StdTransport`].
#[derive(Clone)]
pub struct StdTransportBuilder {
    connect_timeout: Duration,
    timeout: Duration,
    proxy: ProxySetting,
    roots: Vec<Vec<u8>>,
    platform_verifier: bool,
    max_body: usize,
}

impl fmt::Debug for StdTransportBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never the proxy URL: it may hold a password.
        f.debug_struct("StdTransportBuilder")
            .field("connect_timeout", &self.connect_timeout)
            .field("timeout", &self.timeout)
            .field("roots", &self.roots.len())
            .field("platform_verifier", &self.platform_verifier)
            .field("max_body", &self.max_body)
            .finish_non_exhaustive()
    }
}

/// An environment lookup: a variable's value, if set.
type Lookup = Arc<dyn Fn(&str) -> Option<String> + Send + Sync>;

#[derive(Clone)]
enum ProxySetting {
    /// The variables, read through this lookup at build time.
    Env(Lookup),
    Off,
    Url(String),
}

impl Default for StdTransportBuilder {
    fn default() -> Self {
        StdTransportBuilder {
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            timeout: DEFAULT_TIMEOUT,
            proxy: ProxySetting::Env(Arc::new(|name| std::env::var(name).ok())),
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

    /// Sets the time for the whole exchange, from name resolution to the
    /// last byte (default 30 s).
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

    /// Uses this proxy (`http://[user:password@]host:port` or `https://...`;
    /// SOCKS is not built in) for every `https://` host but loopback,
    /// instead of the environment's (and its `NO_PROXY`).
    #[must_use]
    pub fn proxy(mut self, url: &str) -> Self {
        self.proxy = ProxySetting::Url(url.into());
        self
    }

    /// Reads the proxy variables (see [`StdTransport`]) through `lookup`
    /// instead of the process environment (the default), once, at
    /// [`build`](Self::build).
    #[must_use]
    pub fn proxy_env(mut self, lookup: impl Fn(&str) -> Option<String> + Send + Sync + 'static) -> Self {
        self.proxy = ProxySetting::Env(Arc::new(lookup));
        self
    }

    /// Trusts this root certificate (DER). Once any is given, only the given
    /// roots are trusted, not webpki-roots (nor the platform verifier).
    #[must_use]
    pub fn root_certificate(mut self, der: &[u8]) -> Self {
        self.roots.push(der.to_vec());
        self
    }

    /// Trusts the certificates of `bundle` (`AWS_CA_BUNDLE`), and only them
    /// and the other roots given: they replace webpki-roots, as botocore's
    /// `AWS_CA_BUNDLE` replaces its default bundle.
    #[must_use]
    pub fn ca_bundle(mut self, bundle: &CaBundle) -> Self {
        self.roots.extend(bundle.certificates().map(<[u8]>::to_vec));
        self
    }

    /// Verifies server certificates with the operating system's verifier
    /// (`rustls-platform-verifier`) instead of webpki-roots (roots given
    /// with [`root_certificate`](Self::root_certificate) or
    /// [`ca_bundle`](Self::ca_bundle) take precedence).
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
    /// [`ProxyError::InvalidUrl`] when the proxy URL given to
    /// [`proxy`](Self::proxy) is not valid. (A malformed proxy variable is
    /// reported by the requests that would use it.)
    pub fn build(self) -> Result<StdTransport, Error> {
        let roots = if !self.roots.is_empty() {
            RootCerts::from(self.roots.iter().map(|d| Certificate::from_der(d).to_owned()))
        } else if self.platform_verifier {
            RootCerts::PlatformVerifier
        } else {
            RootCerts::WebPki
        };
        let tls = TlsConfig::builder()
            .provider(TlsProvider::Rustls)
            .root_certs(roots)
            .build();
        let agent = |proxy: Option<Proxy>| -> Agent {
            let direct = proxy.is_none();
            let config = Agent::config_builder()
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
                .input_buffer_size(HEAD_BUFFER)
                .output_buffer_size(HEAD_BUFFER)
                .build();
            Agent::with_parts(config, DefaultConnector::new(), Resolve { direct })
        };
        let (https, no_proxy) = match &self.proxy {
            ProxySetting::Off => (None, NoProxy::default()),
            ProxySetting::Url(u) => (Some(Ok(agent(Some(parse_proxy(u, None)?)))), NoProxy::default()),
            ProxySetting::Env(lookup) => {
                let env = EnvProxies::from_lookup(&**lookup);
                (env.https.map(|r| r.map(|p| agent(Some(p)))), env.no_proxy)
            }
        };
        Ok(StdTransport {
            direct: agent(None),
            https,
            no_proxy,
            max_body: self.max_body,
        })
    }
}

/// The size of ureq's two buffers on each connection: the response head
/// must fit half the input one (as in ureq's defaults), the request head the
/// output one; bodies stream through them. ureq zero-fills both on every
/// connection (128 KiB each by default); an STS head is well under 1 KiB.
const HEAD_BUFFER: usize = 16 * 1024;

/// ureq's resolver, with a failure to resolve reported as such (ureq gives
/// the resolver's `io::Error` as a plain I/O error) and, on the direct
/// agent, `http://` held to loopback addresses.
#[derive(Debug)]
struct Resolve {
    /// The agent without a proxy: it resolves the request's own host.
    direct: bool,
}

/// A name for `http://` that resolves to an address that is not loopback.
#[derive(Debug)]
struct NotLoopback;

impl fmt::Display for NotLoopback {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("http:// to a name that resolves to an address that is not loopback")
    }
}

impl core::error::Error for NotLoopback {}

impl Resolver for Resolve {
    fn resolve(
        &self,
        uri: &ureq::http::Uri,
        config: &ureq::config::Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let addrs = DefaultResolver::default()
            .resolve(uri, config, timeout)
            .map_err(|e| match e {
                ureq::Error::Io(_) => ureq::Error::HostNotFound,
                e => e,
            })?;
        // Every address, not the first: ureq tries them in turn.
        if self.direct && uri.scheme_str() == Some("http") && !all_loopback(&addrs) {
            return Err(ureq::Error::Other(Box::new(NotLoopback)));
        }
        Ok(addrs)
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
        // Loopback and `http` (loopback only) never go through a proxy.
        let direct = request.scheme == Scheme::Http || is_loopback(host) || self.no_proxy.matches(host);
        let agent = match &self.https {
            _ if direct => &self.direct,
            Some(Ok(agent)) => agent,
            Some(Err(e)) => return Err(Error::Proxy(*e)),
            None => &self.direct,
        };
        let via_proxy = !core::ptr::eq(agent, &self.direct);
        // The buffer caps the head too, as in the embedded engine.
        let http_request = agent
            .configure_request(http_request)
            .max_response_header_size(buf.len().min(HEAD_BUFFER / 2))
            .build();
        let answer = agent.run(http_request).map_err(|e| ureq_error(&e, via_proxy))?;
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
        Some(u) => ureq_error(u, false),
        None => io_to_error(e),
    }
}

/// The error for a failed `ureq` exchange; `via_proxy` when it went
/// through a proxy (so a failure to connect is the proxy's).
fn ureq_error(e: &ureq::Error, via_proxy: bool) -> Error {
    use ureq::Error as U;
    if let Some(found) = find_rustls(e) {
        return found;
    }
    let unreachable = |e: Error| if via_proxy { ProxyError::Unreachable.into() } else { e };
    match e {
        U::Timeout(_) => Error::Timeout,
        U::HostNotFound => unreachable(Error::Resolve),
        U::ConnectionFailed => unreachable(Error::Connect),
        U::ConnectProxyFailed(reason) => proxy_answer(reason).into(),
        U::Io(io) => match io_to_error(io) {
            Error::Connect => unreachable(Error::Connect),
            other => other,
        },
        U::Protocol(p) => Error::MalformedResponse(ureq_proto_error(p)),
        U::Rustls(r) => crate::std_tls::rustls_error(r),
        U::Tls(_) => Error::Tls,
        U::BodyExceedsLimit(_) | U::LargeResponseHeader(..) => Error::BufferTooSmall { needed: None },
        U::InvalidProxyUrl => ProxyError::InvalidUrl { variable: None }.into(),
        U::BadUri(_) | U::Http(_) => Error::InvalidRequest,
        U::Other(o) if o.is::<NotLoopback>() => Error::InsecureScheme,
        _ => Error::Io,
    }
}

/// The proxy's answer to `CONNECT`, from ureq's text for it (`proxy server
/// responded 407/Proxy Authentication Required`, or `proxy server did not
/// respond`).
fn proxy_answer(reason: &str) -> ProxyError {
    let status = reason
        .strip_prefix("proxy server responded ")
        .and_then(|rest| rest.get(..3))
        .and_then(|code| code.parse::<u16>().ok());
    match status {
        Some(407) => ProxyError::AuthenticationRequired,
        Some(status) => ProxyError::Refused { status },
        None => ProxyError::Unreachable,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proxy_answers_are_typed() {
        assert_eq!(
            proxy_answer("proxy server responded 407/Proxy Authentication Required"),
            ProxyError::AuthenticationRequired
        );
        assert_eq!(
            proxy_answer("proxy server responded 403/Forbidden"),
            ProxyError::Refused { status: 403 }
        );
        assert_eq!(proxy_answer("proxy server did not respond"), ProxyError::Unreachable);
    }

    #[test]
    fn resolver_failures_are_resolve_errors() {
        let io = ureq::Error::Io(io::Error::other("failed to lookup address information"));
        assert_eq!(ureq_error(&io, false), Error::Io);
        assert_eq!(ureq_error(&ureq::Error::HostNotFound, false), Error::Resolve);
        assert_eq!(
            ureq_error(&ureq::Error::HostNotFound, true),
            Error::Proxy(ProxyError::Unreachable)
        );
        let tls = ureq::Error::Rustls(rustls::Error::InvalidCertificate(
            rustls::CertificateError::UnknownIssuer,
        ));
        assert_eq!(
            ureq_error(&tls, false),
            Error::Certificate(crate::CertificateProblem::UnknownIssuer)
        );
        // The resolver's refusal of `http://` to a name with an address
        // that is not loopback.
        assert_eq!(
            ureq_error(&ureq::Error::Other(Box::new(NotLoopback)), false),
            Error::InsecureScheme
        );
    }
}
