//! [`TcpConnector`]: the embedded engine's [`Connect`] over
//! `std::net::TcpStream`, with rustls for `https`.

use alloc::boxed::Box;
use alloc::string::ToString;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::fmt;
use core::net::SocketAddr;
use core::time::Duration;
use std::io;
use std::net::{TcpStream, ToSocketAddrs};
use std::sync::mpsc;
use std::time::Instant;

use embedded_io_adapters::std::FromStd;
use rustls::pki_types::ServerName;
use rustls::{ClientConfig, ClientConnection, StreamOwned};

use crate::h1::{is_loopback, strip_brackets};
use crate::std_tls::{find_rustls, rustls_error};
use crate::{CaBundle, Connect, Error, Scheme};

/// Default time to open the TCP connection (per address tried).
pub(crate) const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Default time for the whole exchange, TLS handshake included.
pub(crate) const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// Opens `std::net::TcpStream`s for [`HttpClient`](crate::HttpClient):
/// plain TCP for `http` (loopback only), rustls for `https`.
///
/// Timeouts: a connect timeout per address (default 5 s), and an overall
/// deadline per connection (default 30 s) that bounds the TLS handshake and
/// every read and write: each I/O call gets the time left, at most the I/O
/// timeout (default: the overall timeout), so a server that drips one byte at
/// a time still ends in [`Error::Timeout`]. Name resolution (the system
/// resolver, on a helper thread) is bounded by the overall deadline too; a
/// name that does not resolve is [`Error::Resolve`]. For `http`, a name
/// (`localhost`) must resolve to loopback addresses only, else
/// [`Error::InsecureScheme`].
///
/// TLS: rustls 0.23 with the `ring` provider, TLS 1.2 and 1.3, and the
/// Mozilla roots of `webpki-roots`, unless [`tls_config`](Self::tls_config)
/// gives another configuration (a private CA, the platform verifier, ...).
/// [`ca_bundle`](Self::ca_bundle) replaces the roots with a CA bundle's.
/// The handshake is done in [`connect`](Connect::connect), so certificate
/// failures are [`Error::Certificate`] (with the reason) there.
///
/// It connects directly: no proxy (use [`StdTransport`](crate::StdTransport)
/// behind a proxy).
#[derive(Clone)]
pub struct TcpConnector {
    connect_timeout: Duration,
    io_timeout: Option<Duration>,
    timeout: Duration,
    tls: Option<Arc<ClientConfig>>,
}

impl fmt::Debug for TcpConnector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TcpConnector")
            .field("connect_timeout", &self.connect_timeout)
            .field("io_timeout", &self.io_timeout)
            .field("timeout", &self.timeout)
            .field("custom_tls", &self.tls.is_some())
            .finish()
    }
}

impl Default for TcpConnector {
    fn default() -> Self {
        Self::new()
    }
}

impl TcpConnector {
    /// A connector with the default timeouts and TLS configuration.
    #[must_use]
    pub fn new() -> Self {
        TcpConnector {
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            io_timeout: None,
            timeout: DEFAULT_TIMEOUT,
            tls: None,
        }
    }

    /// Sets the time to open the TCP connection, per address.
    #[must_use]
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Sets the longest wait for a single read or write.
    #[must_use]
    pub fn io_timeout(mut self, timeout: Duration) -> Self {
        self.io_timeout = Some(timeout);
        self
    }

    /// Sets the overall deadline of a connection, from connect to the last
    /// byte of the response.
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Uses this rustls configuration for `https` instead of the default
    /// (ring, webpki-roots).
    #[must_use]
    pub fn tls_config(mut self, config: Arc<ClientConfig>) -> Self {
        self.tls = Some(config);
        self
    }

    /// Trusts the certificates of `bundle`, and only them (they replace
    /// webpki-roots, as botocore's `AWS_CA_BUNDLE` does): a rustls
    /// configuration with the default provider and protocol versions.
    ///
    /// # Errors
    ///
    /// [`Error::Tls`] if rustls refuses the default protocol versions (it
    /// does not).
    pub fn ca_bundle(self, bundle: &CaBundle) -> Result<Self, Error> {
        let config = Self::tls_with_roots(bundle.root_store())?;
        Ok(self.tls_config(config))
    }

    fn default_tls() -> Result<Arc<ClientConfig>, Error> {
        let mut roots = rustls::RootCertStore::empty();
        roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
        Self::tls_with_roots(roots)
    }

    fn tls_with_roots(roots: rustls::RootCertStore) -> Result<Arc<ClientConfig>, Error> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|_| Error::Tls)?
            .with_root_certificates(roots)
            .with_no_client_auth();
        Ok(Arc::new(config))
    }

    fn tcp(&self, scheme: Scheme, host: &str, port: u16, deadline: Instant) -> Result<TcpStream, Error> {
        let addrs = resolve(host, port, deadline)?;
        // `http` to a name: every address it has must be loopback.
        if scheme == Scheme::Http && !all_loopback(&addrs) {
            return Err(Error::InsecureScheme);
        }
        let mut last = Error::Connect;
        for addr in addrs {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(Error::Timeout);
            }
            match connect_one(&addr, self.connect_timeout.min(left)) {
                Ok(s) => return Ok(s),
                Err(e) => last = e,
            }
        }
        Err(last)
    }
}

/// Whether every address is loopback (`127.0.0.0/8`, `::1`): what a name
/// for `http://` must resolve to. No address is not loopback.
pub(crate) fn all_loopback(addrs: &[SocketAddr]) -> bool {
    !addrs.is_empty() && addrs.iter().all(|a| a.ip().is_loopback())
}

/// The addresses of `host` (a name or an IP literal, brackets allowed),
/// by the deadline: the system resolver runs on a helper thread, left to
/// finish on its own if the deadline passes ([`Error::Timeout`]). No
/// address, or a resolver error, is [`Error::Resolve`].
pub(crate) fn resolve(host: &str, port: u16, deadline: Instant) -> Result<Vec<SocketAddr>, Error> {
    let host = strip_brackets(host);
    if let Ok(ip) = host.parse::<core::net::IpAddr>() {
        return Ok(alloc::vec![SocketAddr::new(ip, port)]);
    }
    let name = (host.to_string(), port);
    let (tx, rx) = mpsc::sync_channel(1);
    std::thread::Builder::new()
        .name("sts-transport-resolve".into())
        .spawn(move || {
            let _ = tx.send(name.to_socket_addrs().map(Iterator::collect::<Vec<_>>));
        })
        .map_err(|_| Error::Io)?;
    let left = deadline.saturating_duration_since(Instant::now());
    match rx.recv_timeout(left) {
        Ok(Ok(addrs)) if !addrs.is_empty() => Ok(addrs),
        Ok(_) => Err(Error::Resolve),
        Err(mpsc::RecvTimeoutError::Timeout) => Err(Error::Timeout),
        Err(mpsc::RecvTimeoutError::Disconnected) => Err(Error::Resolve),
    }
}

fn connect_one(addr: &SocketAddr, timeout: Duration) -> Result<TcpStream, Error> {
    let stream = TcpStream::connect_timeout(addr, timeout).map_err(|e| match e.kind() {
        io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => Error::Timeout,
        _ => Error::Connect,
    })?;
    // Small writes (one head, one body) should leave at once.
    let _ = stream.set_nodelay(true);
    Ok(stream)
}

impl Connect for TcpConnector {
    type Error = io::Error;
    type Connection<'c> = TcpConnection;

    fn connect(&mut self, scheme: Scheme, host: &str, port: u16) -> Result<TcpConnection, Error> {
        if scheme == Scheme::Http && !is_loopback(host) {
            return Err(Error::InsecureScheme);
        }
        let deadline = Instant::now() + self.timeout;
        let tcp = self.tcp(scheme, host, port, deadline)?;
        let mut sock = Deadline {
            tcp,
            deadline,
            io_timeout: self.io_timeout,
        };
        match scheme {
            Scheme::Http => Ok(TcpConnection(FromStd::new(Stream::Plain(sock)))),
            Scheme::Https => {
                let config = match &self.tls {
                    Some(c) => Arc::clone(c),
                    None => {
                        let c = Self::default_tls()?;
                        self.tls = Some(Arc::clone(&c));
                        c
                    }
                };
                let name = ServerName::try_from(host.to_string()).map_err(|_| Error::InvalidRequest)?;
                let mut conn = ClientConnection::new(config, name).map_err(|e| rustls_error(&e))?;
                while conn.is_handshaking() {
                    conn.complete_io(&mut sock).map_err(|e| io_to_error(&e))?;
                }
                Ok(TcpConnection(FromStd::new(Stream::Tls(Box::new(StreamOwned::new(
                    conn, sock,
                ))))))
            }
        }
    }

    fn io_error(error: &io::Error) -> Error {
        io_to_error(error)
    }
}

/// Maps a std I/O error of a (TLS) stream: rustls failures are
/// [`Error::Certificate`] or [`Error::Tls`], read timeouts (`WouldBlock` on
/// Unix) [`Error::Timeout`].
pub(crate) fn io_to_error(e: &io::Error) -> Error {
    if let Some(found) = find_rustls(e) {
        return found;
    }
    match e.kind() {
        io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => Error::Timeout,
        io::ErrorKind::ConnectionReset
        | io::ErrorKind::ConnectionAborted
        | io::ErrorKind::BrokenPipe
        | io::ErrorKind::NotConnected => Error::Reset,
        io::ErrorKind::ConnectionRefused => Error::Connect,
        io::ErrorKind::UnexpectedEof => Error::UnexpectedEof,
        _ => Error::Io,
    }
}

/// A connected stream from [`TcpConnector`]: plain or TLS, as an
/// `embedded-io` 0.7 `Read + Write` (through `embedded-io-adapters`).
pub struct TcpConnection(FromStd<Stream>);

impl fmt::Debug for TcpConnection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.0.inner() {
            Stream::Plain(_) => "plain",
            Stream::Tls(_) => "tls",
        };
        f.debug_tuple("TcpConnection").field(&kind).finish()
    }
}

impl embedded_io::ErrorType for TcpConnection {
    type Error = io::Error;
}

impl embedded_io::Read for TcpConnection {
    fn read(&mut self, buf: &mut [u8]) -> Result<usize, io::Error> {
        embedded_io::Read::read(&mut self.0, buf)
    }
}

impl embedded_io::Write for TcpConnection {
    fn write(&mut self, buf: &[u8]) -> Result<usize, io::Error> {
        embedded_io::Write::write(&mut self.0, buf)
    }

    fn flush(&mut self) -> Result<(), io::Error> {
        embedded_io::Write::flush(&mut self.0)
    }
}

enum Stream {
    Plain(Deadline),
    Tls(Box<StreamOwned<ClientConnection, Deadline>>),
}

impl io::Read for Stream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Stream::Plain(s) => s.read(buf),
            Stream::Tls(s) => s.read(buf),
        }
    }
}

impl io::Write for Stream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Stream::Plain(s) => s.write(buf),
            Stream::Tls(s) => s.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Stream::Plain(s) => s.flush(),
            Stream::Tls(s) => s.flush(),
        }
    }
}

/// A TCP stream whose every read and write ends by the deadline.
struct Deadline {
    tcp: TcpStream,
    deadline: Instant,
    io_timeout: Option<Duration>,
}

impl Deadline {
    fn left(&self) -> io::Result<Duration> {
        let left = self.deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(io::ErrorKind::TimedOut.into());
        }
        Ok(self.io_timeout.map_or(left, |t| t.min(left)))
    }
}

impl io::Read for Deadline {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let t = self.left()?;
        self.tcp.set_read_timeout(Some(t))?;
        self.tcp.read(buf)
    }
}

impl io::Write for Deadline {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let t = self.left()?;
        self.tcp.set_write_timeout(Some(t))?;
        self.tcp.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.tcp.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_names_must_resolve_to_loopback_only() {
        let addr = |s: &str| s.parse::<SocketAddr>().unwrap();
        assert!(all_loopback(&[addr("127.0.0.1:80"), addr("[::1]:80")]));
        assert!(all_loopback(&[addr("127.1.2.3:80")]));
        // One address elsewhere is enough to refuse: the connect may go there.
        assert!(!all_loopback(&[addr("127.0.0.1:80"), addr("192.0.2.1:80")]));
        assert!(!all_loopback(&[addr("[2001:db8::1]:80")]));
        assert!(!all_loopback(&[]));
    }

    #[test]
    fn ip_literals_resolve_without_a_lookup() {
        let deadline = Instant::now() + Duration::from_secs(1);
        assert_eq!(
            resolve("[::1]", 8080, deadline).unwrap(),
            [SocketAddr::from(([0, 0, 0, 0, 0, 0, 0, 1], 8080))]
        );
        assert_eq!(resolve("nonexistent.invalid", 443, deadline), Err(Error::Resolve));
    }
}
