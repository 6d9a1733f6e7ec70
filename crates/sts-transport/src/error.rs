//! The one error type of every transport, and its detail enum for malformed responses.

use core::fmt;

/// Why an exchange failed.
///
/// One small `Copy` enum for every transport, so a client can match on what
/// happened without knowing which transport ran. No variant carries a header
/// value, a body or any other byte of the exchange: the body of an STS answer
/// holds credentials, and the request body holds the web identity token.
///
/// [`Error::is_retryable`] tells a retry policy which failures are transient.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Error {
    /// No connection could be opened: refused or unreachable.
    Connect,
    /// The host name could not be resolved to an address (no such name, or
    /// the resolver failed).
    Resolve,
    /// A connect, read or write, or the whole exchange, took longer than allowed.
    Timeout,
    /// The peer reset or aborted the connection, or the pipe broke, after it was opened.
    Reset,
    /// The TLS layer failed: handshake, protocol or a bad record (a refused
    /// server certificate is [`Error::Certificate`]).
    Tls,
    /// The server's certificate was refused, for the reason given.
    Certificate(CertificateProblem),
    /// The proxy failed: it could not be reached, it refused the tunnel
    /// (`407 Proxy Authentication Required` among others), or its URL is
    /// malformed.
    Proxy(ProxyError),
    /// The connection ended (EOF) before the response was complete.
    UnexpectedEof,
    /// The response is not valid HTTP/1.x, or uses framing this crate refuses.
    MalformedResponse(MalformedHttp),
    /// The response does not fit in the caller's buffer.
    ///
    /// `needed` is `Some(n)` when the transport knows how large a buffer would
    /// do: exact for a `Content-Length` body (head plus body), a lower bound for
    /// a chunked one. It is `None` when the size cannot be known (a head larger
    /// than the buffer, a close-delimited body).
    BufferTooSmall {
        /// Bytes of buffer that would be needed, when known.
        needed: Option<usize>,
    },
    /// The body is larger than the transport's configured body limit
    /// (a policy cap, whatever the buffer size).
    BodyTooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// `http://` was asked for a host that is not loopback (`127.0.0.0/8`,
    /// `::1`, `localhost`). Credentials only travel over TLS.
    InsecureScheme,
    /// The request cannot be sent as given: a method, host, path or header that
    /// is not valid HTTP (for example CR or LF in a header value), or a header
    /// the transport manages itself (`Host`, `Content-Length`, ...).
    InvalidRequest,
    /// Any other I/O failure of the underlying stream.
    Io,
}

impl Error {
    /// Whether the same request may succeed if sent again on a fresh connection.
    ///
    /// `true` for connect and name resolution failures, timeouts, resets,
    /// early EOF, malformed responses and other I/O errors, an unreachable
    /// proxy or one answering `5xx` to the tunnel: these come from the
    /// network or a misbehaving middlebox. `false` for TLS and certificate
    /// failures, a proxy that wants authentication or refuses otherwise, a
    /// malformed proxy URL, a buffer or body that is too small or large, an
    /// insecure scheme and an invalid request: sending the same request again
    /// gives the same answer.
    #[must_use]
    pub const fn is_retryable(&self) -> bool {
        match self {
            Error::Proxy(p) => p.is_retryable(),
            Error::Connect
            | Error::Resolve
            | Error::Timeout
            | Error::Reset
            | Error::UnexpectedEof
            | Error::MalformedResponse(_)
            | Error::Io => true,
            Error::Tls
            | Error::Certificate(_)
            | Error::BufferTooSmall { .. }
            | Error::BodyTooLarge { .. }
            | Error::InsecureScheme
            | Error::InvalidRequest => false,
        }
    }

    /// Maps an [`embedded_io::ErrorKind`] of the stream to an error.
    ///
    /// `TimedOut` is [`Error::Timeout`]; `ConnectionReset`, `ConnectionAborted`,
    /// `BrokenPipe` and `NotConnected` are [`Error::Reset`];
    /// `ConnectionRefused` and `AddrNotAvailable` are [`Error::Connect`]; the
    /// rest is [`Error::Io`].
    #[cfg(any(feature = "embedded-io-v0.7", feature = "embedded-io-async-v0.7"))]
    #[must_use]
    pub fn from_io_kind(kind: embedded_io::ErrorKind) -> Self {
        use embedded_io::ErrorKind as K;
        match kind {
            K::TimedOut => Error::Timeout,
            K::ConnectionReset | K::ConnectionAborted | K::BrokenPipe | K::NotConnected => Error::Reset,
            K::ConnectionRefused | K::AddrNotAvailable => Error::Connect,
            _ => Error::Io,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Connect => f.write_str("could not connect to the server"),
            Error::Timeout => f.write_str("timed out"),
            Error::Reset => f.write_str("connection reset by the peer"),
            Error::Resolve => f.write_str("the host name could not be resolved"),
            Error::Tls => f.write_str("TLS failure"),
            Error::Certificate(p) => write!(f, "the server's TLS certificate was refused: {p}"),
            Error::Proxy(p) => write!(f, "proxy: {p}"),
            Error::UnexpectedEof => f.write_str("connection closed before the response was complete"),
            Error::MalformedResponse(m) => write!(f, "malformed HTTP response: {m}"),
            Error::BufferTooSmall { needed: Some(n) } => {
                write!(f, "response buffer too small: {n} bytes needed")
            }
            Error::BufferTooSmall { needed: None } => f.write_str("response buffer too small"),
            Error::BodyTooLarge { limit } => {
                write!(f, "response body larger than the limit of {limit} bytes")
            }
            Error::InsecureScheme => f.write_str("http:// is only allowed to loopback hosts"),
            Error::InvalidRequest => f.write_str("invalid HTTP request"),
            Error::Io => f.write_str("I/O error"),
        }
    }
}

impl core::error::Error for Error {}

impl From<CertificateProblem> for Error {
    fn from(p: CertificateProblem) -> Self {
        Error::Certificate(p)
    }
}

impl From<ProxyError> for Error {
    fn from(p: ProxyError) -> Self {
        Error::Proxy(p)
    }
}

impl From<MalformedHttp> for Error {
    fn from(m: MalformedHttp) -> Self {
        Error::MalformedResponse(m)
    }
}

/// What was wrong with a malformed HTTP response (the codec's
/// `sts_codec::Malformed` is about the STS document in the body).
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum MalformedHttp {
    /// The status line or a header line is not valid HTTP/1.x.
    Head,
    /// More header fields than the parser has room for.
    TooManyHeaders,
    /// A status this client cannot act on (`101 Switching Protocols`, or a
    /// status outside `100..=599`).
    Status,
    /// Too many `1xx` interim responses before the final one.
    TooManyInterim,
    /// A header the response exposes (`Date`, `Content-Type`, `Retry-After`
    /// or the request id header) is not UTF-8.
    HeaderValue,
    /// `Content-Length` is not a decimal number, or two of them disagree.
    ContentLength,
    /// Both `Content-Length` and `Transfer-Encoding` are present (request
    /// smuggling territory: RFC 9112 section 6.3 says to treat it as an error).
    ContentLengthWithTransferEncoding,
    /// A `Transfer-Encoding` other than `chunked`.
    TransferEncoding,
    /// A `Content-Encoding` other than `identity` (the request asked for
    /// `identity` only).
    ContentEncoding,
    /// A chunk-size line that is not 1 to 16 hex digits, with an optional
    /// extension, ended by CRLF.
    ChunkSize,
    /// A chunk's data is not followed by CRLF.
    ChunkCrlf,
    /// The trailer section after the last chunk is not valid.
    Trailer,
}

impl fmt::Display for MalformedHttp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            MalformedHttp::Head => "invalid status line or header",
            MalformedHttp::TooManyHeaders => "too many headers",
            MalformedHttp::Status => "unexpected status",
            MalformedHttp::TooManyInterim => "too many 1xx responses",
            MalformedHttp::HeaderValue => "header value is not UTF-8",
            MalformedHttp::ContentLength => "invalid Content-Length",
            MalformedHttp::ContentLengthWithTransferEncoding => "both Content-Length and Transfer-Encoding",
            MalformedHttp::TransferEncoding => "unsupported Transfer-Encoding",
            MalformedHttp::ContentEncoding => "unsupported Content-Encoding",
            MalformedHttp::ChunkSize => "invalid chunk size",
            MalformedHttp::ChunkCrlf => "missing CRLF after chunk",
            MalformedHttp::Trailer => "invalid trailer section",
        })
    }
}

impl core::error::Error for MalformedHttp {}

/// Why the server's certificate was refused (rustls's `CertificateError`,
/// in words a user can act on). An embedded TLS stack maps its own
/// verification failures to the nearest one.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum CertificateProblem {
    /// Not issued by a trusted certificate authority (a private CA, a
    /// self-signed certificate, a TLS-intercepting proxy): trust its CA with a
    /// CA bundle.
    UnknownIssuer,
    /// Expired (or the local clock is wrong).
    Expired,
    /// Not valid yet (or the local clock is wrong).
    NotValidYet,
    /// Issued for other names than the host connected to.
    NameMismatch,
    /// Revoked by its issuer.
    Revoked,
    /// Not usable to authenticate a server (key usage or extended key usage).
    InvalidPurpose,
    /// A signature in the chain does not verify, or uses an algorithm that is
    /// not supported.
    BadSignature,
    /// Not a well-formed certificate.
    BadEncoding,
    /// Refused for another reason.
    Other,
}

impl fmt::Display for CertificateProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CertificateProblem::UnknownIssuer => "unknown issuer (not signed by a trusted certificate authority)",
            CertificateProblem::Expired => "expired (or this machine's clock is wrong)",
            CertificateProblem::NotValidYet => "not valid yet (or this machine's clock is wrong)",
            CertificateProblem::NameMismatch => "not valid for the host name",
            CertificateProblem::Revoked => "revoked",
            CertificateProblem::InvalidPurpose => "not valid for a TLS server",
            CertificateProblem::BadSignature => "bad or unsupported signature",
            CertificateProblem::BadEncoding => "malformed certificate",
            CertificateProblem::Other => "verification failed",
        })
    }
}

impl core::error::Error for CertificateProblem {}

/// What went wrong with the HTTP proxy. Never holds the proxy URL: it may
/// carry a user name and password.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum ProxyError {
    /// The proxy could not be reached (refused, unreachable, its name did not
    /// resolve, or it did not answer the `CONNECT`).
    Unreachable,
    /// The proxy answered `407 Proxy Authentication Required`: it wants
    /// credentials (`http://user:password@host:port`) or others than given.
    AuthenticationRequired,
    /// The proxy answered the `CONNECT` with another status than `2xx`.
    Refused {
        /// The status of its answer.
        status: u16,
    },
    /// The proxy URL is malformed (or names a scheme other than `http` or
    /// `https`).
    InvalidUrl {
        /// The environment variable it came from; `None` when it was given
        /// explicitly.
        variable: Option<&'static str>,
    },
}

impl ProxyError {
    /// Whether a new attempt may succeed: an unreachable proxy, or one that
    /// answered `5xx` (it could not reach the server).
    #[must_use]
    pub const fn is_retryable(&self) -> bool {
        match self {
            ProxyError::Unreachable => true,
            ProxyError::Refused { status } => *status >= 500,
            ProxyError::AuthenticationRequired | ProxyError::InvalidUrl { .. } => false,
        }
    }
}

impl fmt::Display for ProxyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProxyError::Unreachable => f.write_str("could not connect to the proxy"),
            ProxyError::AuthenticationRequired => {
                f.write_str("the proxy requires authentication (HTTP 407 Proxy Authentication Required)")
            }
            ProxyError::Refused { status } => write!(f, "the proxy refused the tunnel (HTTP {status})"),
            ProxyError::InvalidUrl { variable: Some(v) } => write!(f, "malformed proxy URL in {v}"),
            ProxyError::InvalidUrl { variable: None } => f.write_str("malformed proxy URL"),
        }
    }
}

impl core::error::Error for ProxyError {}
