//! TLS 1.3 ([`embedded_tls`], async) over an embassy-net [`TcpSocket`]: the
//! [`AsyncConnect`] that `sts-transport`'s [`AsyncHttpClient`] opens one
//! connection with per exchange.
//!
//! Adapted from `examples/firmware-qemu/src/tls.rs` (the blocking version
//! over the UART): the same crypto provider, verifier and checks; here the
//! stream is a TCP socket and every call is `async`. No adapter is needed
//! between the crates: embassy-net 0.9's `TcpSocket`, embedded-tls 0.19 and
//! `sts-transport` all use `embedded-io-async` 0.7.
//!
//! What is checked: the server's chain up to the CA (ECDSA P-256 /
//! SHA-256, embedded-tls `rustpki`, no allocator), the server's
//! `CertificateVerify` signature, and the host name against the leaf's
//! subjectAltName DNS names (or CN). What is not: the validity period (no
//! real-time clock at handshake time, [`NoClock`]), basic constraints and
//! key usage (embedded-tls does not look at them), revocation.
//!
//! The random numbers come from a ChaCha20 generator with a **fixed seed**:
//! mps2-an386 has no TRNG. That is for this test only; a device seeds from
//! its hardware RNG.
//!
//! [`AsyncHttpClient`]: sts_transport::AsyncHttpClient

use embassy_net::tcp::TcpSocket;
use embassy_net::{IpEndpoint, Stack};
use embassy_time::Duration;
use embedded_tls::pki::CertVerifier;
use embedded_tls::{
    Aes128GcmSha256, Certificate, CryptoProvider, CryptoRngCore, NoClock, TlsConfig, TlsConnection, TlsContext,
    TlsError, TlsVerifier,
};
use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng;
use sts_transport::{AsyncConnect, Error, Scheme};

/// The largest server certificate chain the verifier keeps (bytes of the
/// TLS `Certificate` message's entries).
const CERT_CAPACITY: usize = 2048;

/// A stalled connection gives up after this long (no bytes either way):
/// the socket's timeout, which also bounds the TCP handshake.
const SOCKET_TIMEOUT: Duration = Duration::from_secs(10);

/// The connection type: TLS over a TCP socket that borrows the connector's
/// buffers.
pub type TlsTcp<'c> = TlsConnection<'c, TcpSocket<'c>, Aes128GcmSha256>;

/// The buffers one connection works in, lent by the caller (statics on a
/// device): the TCP socket's two windows and the TLS record buffers.
pub struct ConnectionBuffers<'a> {
    /// The TCP receive window.
    pub tcp_rx: &'a mut [u8],
    /// The TCP send buffer.
    pub tcp_tx: &'a mut [u8],
    /// One whole incoming TLS record: 16,640 bytes for any server.
    pub read_record: &'a mut [u8],
    /// One outgoing TLS record (the ClientHello, the request).
    pub write_record: &'a mut [u8],
}

/// TLS 1.3 (TLS_AES_128_GCM_SHA256, secp256r1) to one server address.
///
/// There is no DNS here (the guest can reach only the addresses QEMU
/// forwards): the connector is given the address the endpoint's host name
/// stands for, and checks the certificate against that host name.
pub struct TlsTcpConnector<'a> {
    stack: Stack<'a>,
    server: IpEndpoint,
    buffers: ConnectionBuffers<'a>,
    ca: &'a [u8],
    rng: ChaCha20Rng,
    /// The last handshake failure, for the report (the transport only says
    /// "TLS failure").
    last_error: Option<TlsError>,
}

impl<'a> TlsTcpConnector<'a> {
    /// A connector to `server` (every host name goes there) trusting `ca`
    /// (one DER certificate). `seed` seeds the ChaCha20 generator (test
    /// only, see the module docs).
    pub fn new(stack: Stack<'a>, server: IpEndpoint, buffers: ConnectionBuffers<'a>, ca: &'a [u8], seed: u64) -> Self {
        TlsTcpConnector {
            stack,
            server,
            buffers,
            ca,
            rng: ChaCha20Rng::seed_from_u64(seed),
            last_error: None,
        }
    }

    /// Points the connector at another server address.
    pub fn set_server(&mut self, server: IpEndpoint) {
        self.server = server;
    }

    /// The TLS error of the last failed handshake.
    pub fn last_error(&self) -> Option<TlsError> {
        self.last_error
    }
}

/// What the handshake draws on: the generator and the CA verifier.
struct Provider<'p> {
    rng: &'p mut ChaCha20Rng,
    verifier: CertVerifier<'p, Aes128GcmSha256, NoClock, CERT_CAPACITY>,
}

impl CryptoProvider for Provider<'_> {
    type CipherSuite = Aes128GcmSha256;
    // No client certificate: the signature type is never used.
    type Signature = p256::ecdsa::DerSignature;

    fn rng(&mut self) -> impl CryptoRngCore {
        &mut *self.rng
    }

    fn verifier(&mut self) -> Result<&mut impl TlsVerifier<Aes128GcmSha256>, TlsError> {
        Ok(&mut self.verifier)
    }
}

impl AsyncConnect for TlsTcpConnector<'_> {
    type Error = TlsError;
    type Connection<'c>
        = TlsTcp<'c>
    where
        Self: 'c;

    async fn connect(&mut self, scheme: Scheme, host: &str, port: u16) -> Result<TlsTcp<'_>, Error> {
        if scheme != Scheme::Https {
            // This connector only speaks TLS.
            return Err(Error::InsecureScheme);
        }
        let ConnectionBuffers {
            tcp_rx,
            tcp_tx,
            read_record,
            write_record,
        } = &mut self.buffers;
        let mut socket = TcpSocket::new(self.stack, tcp_rx, tcp_tx);
        socket.set_timeout(Some(SOCKET_TIMEOUT));
        let server = IpEndpoint::new(self.server.addr, port);
        if let Err(e) = socket.connect(server).await {
            return Err(match e {
                embassy_net::tcp::ConnectError::TimedOut => Error::Timeout,
                _ => Error::Connect,
            });
        }
        let config = TlsConfig::new().with_server_name(host);
        let provider = Provider {
            rng: &mut self.rng,
            verifier: CertVerifier::new(Certificate::X509(self.ca)),
        };
        let mut tls = TlsConnection::new(socket, read_record, write_record);
        match tls.open(TlsContext::new(&config, provider)).await {
            Ok(()) => {
                self.last_error = None;
                Ok(tls)
            }
            Err(e) => {
                self.last_error = Some(e);
                Err(Self::io_error(&e))
            }
        }
    }

    fn io_error(error: &TlsError) -> Error {
        match error {
            TlsError::Io(kind) => Error::from_io_kind(*kind),
            _ => Error::Tls,
        }
    }
}
