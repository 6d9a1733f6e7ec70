//! TLS 1.3 ([`embedded_tls`], blocking) over UART0: a [`Connect`] whose
//! connections are TLS sessions, verified against one CA.
//!
//! What is checked: the server's chain up to the CA (ECDSA P-256 /
//! SHA-256 signatures, embedded-tls `rustpki`, no allocator), the server's
//! `CertificateVerify` signature over the handshake, and the host name
//! against the leaf's subjectAltName DNS names (or CN). What is not: the
//! validity period (the board has no real-time clock at handshake time,
//! [`NoClock`]), basic constraints and key usage (embedded-tls does not
//! look at them), revocation.
//!
//! The random numbers come from a ChaCha20 generator with a **fixed seed**:
//! mps2-an386 has no TRNG. That is for this test only; a device seeds from
//! its hardware RNG.

use embedded_tls::blocking::TlsConnection;
use embedded_tls::pki::CertVerifier;
use embedded_tls::{
    Aes128GcmSha256, Certificate, CryptoProvider, CryptoRngCore, MaxFragmentLength, NoClock, TlsConfig, TlsContext,
    TlsError, TlsVerifier,
};
use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng;
use sts_transport::{Connect, Error, Scheme};

use crate::net::DRAIN_QUIET;
use crate::uart::Uart;

/// The largest server certificate chain the verifier keeps (bytes of the
/// TLS `Certificate` message's entries).
const CERT_CAPACITY: usize = 2048;

/// The connection type: TLS over a borrowed UART.
pub type TlsUart<'c> = TlsConnection<'c, &'c mut Uart, Aes128GcmSha256>;

/// TLS 1.3 (TLS_AES_128_GCM_SHA256, secp256r1) over UART0.
pub struct TlsUartConnector<'a> {
    uart: Uart,
    read_record: &'a mut [u8],
    write_record: &'a mut [u8],
    ca: &'a [u8],
    rng: ChaCha20Rng,
    max_fragment_length: Option<MaxFragmentLength>,
    /// The last handshake failure, for the report (the transport only says
    /// "TLS failure").
    last_error: Option<TlsError>,
}

impl<'a> TlsUartConnector<'a> {
    /// A connector trusting `ca` (one DER certificate), with record buffers
    /// `read_record` (a whole incoming record: 16,640 bytes for any server,
    /// less if the server sends smaller records) and `write_record`.
    /// `seed` seeds the ChaCha20 generator (test only, see the module docs).
    pub fn new(uart: Uart, read_record: &'a mut [u8], write_record: &'a mut [u8], ca: &'a [u8], seed: u64) -> Self {
        TlsUartConnector {
            uart,
            read_record,
            write_record,
            ca,
            rng: ChaCha20Rng::seed_from_u64(seed),
            max_fragment_length: None,
            last_error: None,
        }
    }

    /// Asks the server for records of at most `length` bytes of plaintext
    /// (RFC 6066 `max_fragment_length`), so the record buffers can be that
    /// plus the overhead (256 bytes read, 128 written). A server that
    /// ignores the extension sends records up to 2^14 bytes, which a smaller
    /// read buffer cannot take.
    pub fn with_max_fragment_length(mut self, length: MaxFragmentLength) -> Self {
        self.max_fragment_length = Some(length);
        self
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

impl Connect for TlsUartConnector<'_> {
    type Error = TlsError;
    type Connection<'c>
        = TlsUart<'c>
    where
        Self: 'c;

    fn connect(&mut self, scheme: Scheme, host: &str, _port: u16) -> Result<TlsUart<'_>, Error> {
        if scheme != Scheme::Https {
            // This connector only speaks TLS.
            return Err(Error::InsecureScheme);
        }
        self.uart.drain(DRAIN_QUIET);
        let config = match self.max_fragment_length {
            Some(length) => TlsConfig::new().with_max_fragment_length(length),
            None => TlsConfig::new(),
        }
        .with_server_name(host);
        let provider = Provider {
            rng: &mut self.rng,
            verifier: CertVerifier::new(Certificate::X509(self.ca)),
        };
        let mut tls = TlsConnection::new(&mut self.uart, &mut *self.read_record, &mut *self.write_record);
        match tls.open(TlsContext::new(&config, provider)) {
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
