//! TLS layering, end to end: bring-your-own TLS.
//!
//! A local HTTPS server (rustls, TLS 1.3 only, on 127.0.0.1) with a CA and a
//! `localhost` certificate made at test time by rcgen answers the recorded
//! STS response. The client side is the embedded engine
//! (`HttpClient`) over `embedded-tls` 0.19 (blocking API, TLS 1.3,
//! `TLS_AES_128_GCM_SHA256`, P-256) over `embedded-io-adapters` over a std
//! `TcpStream`: exactly how a device plugs its own TLS under the engine.
//! The same server also checks the https paths of `TcpConnector` (rustls)
//! and `StdTransport` (ureq) with the test CA as their only root.
//!
//! # What embedded-tls verifies here
//!
//! The connector uses embedded-tls's `rustpki` verifier
//! (`embedded_tls::pki::CertVerifier`) with the test CA as the trust anchor
//! and the system clock (`SystemTime`). Per `embedded-tls` 0.19
//! `src/pki.rs`, that checks:
//! - the server's certificate is signed by the CA (ECDSA P-256/SHA-256 here);
//! - its validity period against the clock;
//! - the host name (`localhost`) against its SAN DNS names (or CN);
//! - the handshake's `CertificateVerify` signature with the certificate's key
//!   (the server holds the private key).
//!
//! It does **not** check (so neither does this test): basic constraints,
//! key usage or extended key usage, name constraints, revocation, or the
//! CA certificate's own validity period. The negative cases below prove that
//! a certificate from another CA and a certificate for another name are
//! refused, as `Error::Tls` for embedded-tls (the test connector maps its
//! errors so) and as `Error::Certificate` with the reason for rustls.

extern crate alloc;

mod common;

use alloc::sync::Arc;
use core::time::Duration;

use std::net::TcpStream;
use std::time::SystemTime;

use embedded_io_adapters::std::FromStd;
use embedded_tls::blocking::{
    Aes128GcmSha256, Certificate, CryptoProvider, TlsConfig, TlsConnection, TlsContext, TlsError, TlsVerifier,
};
use embedded_tls::pki::CertVerifier;
use rand_core::OsRng;
use rustls::pki_types::CertificateDer;
use sts_transport::{
    CertificateProblem, Connect, Error, HttpClient, Request, Scheme, StdTransport, TcpConnector, Transport,
};

use common::{Pki, https_server, pki};

/// The versions of the server the embedded TLS client meets: TLS 1.3.
const TLS13: &[&rustls::SupportedProtocolVersion] = &[&rustls::version::TLS13];

/// The crypto embedded-tls needs: an RNG and the CA verifier.
struct Provider<'a> {
    verifier: CertVerifier<'a, Aes128GcmSha256, SystemTime, 4096>,
}

impl CryptoProvider for Provider<'_> {
    type CipherSuite = Aes128GcmSha256;
    type Signature = &'static [u8];

    fn rng(&mut self) -> impl embedded_tls::CryptoRngCore {
        OsRng
    }

    fn verifier(&mut self) -> Result<&mut impl TlsVerifier<Aes128GcmSha256>, TlsError> {
        Ok(&mut self.verifier)
    }
}

/// A `Connect` that opens a std TcpStream and runs embedded-tls over it. It
/// owns the TLS record buffers and lends them to each connection.
struct EmbeddedTlsConnector {
    ca_der: Vec<u8>,
    record_read: Vec<u8>,
    record_write: Vec<u8>,
}

impl EmbeddedTlsConnector {
    fn new(ca_der: &[u8]) -> Self {
        EmbeddedTlsConnector {
            ca_der: ca_der.to_vec(),
            // The largest TLS record (16 KiB + overhead) for reads; writes
            // are split into records that fit.
            record_read: vec![0; 16_640],
            record_write: vec![0; 4096],
        }
    }
}

impl Connect for EmbeddedTlsConnector {
    type Error = TlsError;
    type Connection<'c> = TlsConnection<'c, FromStd<TcpStream>, Aes128GcmSha256>;

    fn connect(&mut self, scheme: Scheme, host: &str, port: u16) -> Result<Self::Connection<'_>, Error> {
        if scheme != Scheme::Https {
            return Err(Error::InsecureScheme);
        }
        let tcp = TcpStream::connect((host, port)).map_err(|_| Error::Connect)?;
        tcp.set_read_timeout(Some(Duration::from_secs(3))).unwrap();
        tcp.set_write_timeout(Some(Duration::from_secs(3))).unwrap();
        let EmbeddedTlsConnector {
            ca_der,
            record_read,
            record_write,
        } = self;
        let mut tls = TlsConnection::new(FromStd::new(tcp), record_read, record_write);
        let config = TlsConfig::new().with_server_name(host);
        let provider = Provider {
            verifier: CertVerifier::new(Certificate::X509(&ca_der[..])),
        };
        tls.open(TlsContext::new(&config, provider))
            .map_err(|e| Self::io_error(&e))?;
        Ok(tls)
    }

    fn io_error(error: &TlsError) -> Error {
        match error {
            TlsError::Io(kind) => Error::from_io_kind(*kind),
            _ => Error::Tls,
        }
    }
}

fn https_request(port: u16) -> Request<'static> {
    Request {
        method: "POST",
        scheme: Scheme::Https,
        host: "localhost",
        port,
        path: "/",
        headers: &[("Content-Type", "application/x-www-form-urlencoded")],
        body: common::ENV_REQUEST_BODY.as_bytes(),
        request_id_header: Some("x-amzn-requestid"),
    }
}

fn assert_recorded_answer(got: Result<common::Owned, Error>) {
    let got = got.expect("exchange");
    assert_eq!(got.status, 200);
    assert_eq!(got.request_id.as_deref(), Some(common::ENV_REQUEST_ID));
    assert_eq!(got.content_type.as_deref(), Some("text/xml"));
    assert_eq!(got.body, common::ENV_RESPONSE_200.as_bytes());
}

#[test]
fn embedded_engine_over_embedded_tls() {
    let pki = pki("sts-transport test CA", "localhost", false);
    let (port, requests) = https_server(&pki, TLS13, 1);
    let mut client = HttpClient::new(EmbeddedTlsConnector::new(&pki.ca_der));
    let mut buf = [0u8; 4096];
    let got = client.send(&https_request(port), &mut buf).map(common::owned);
    assert_recorded_answer(got);

    let request = requests.recv_timeout(Duration::from_secs(5)).unwrap();
    let text = String::from_utf8(request).unwrap();
    assert!(text.starts_with("POST / HTTP/1.1\r\n"), "{text}");
    assert!(text.contains(&format!("\r\nHost: localhost:{port}\r\n")), "{text}");
    assert!(text.ends_with(common::ENV_REQUEST_BODY), "{text}");
}

#[test]
fn embedded_tls_refuses_a_certificate_from_another_ca() {
    let server_pki = pki("the server's CA", "localhost", false);
    let other = pki("another CA", "localhost", false);
    let (port, _requests) = https_server(&server_pki, TLS13, 1);
    let mut client = HttpClient::new(EmbeddedTlsConnector::new(&other.ca_der));
    let mut buf = [0u8; 4096];
    let got = client.send(&https_request(port), &mut buf).map(common::owned);
    assert_eq!(got, Err(Error::Tls));
}

#[test]
fn embedded_tls_refuses_a_certificate_for_another_name() {
    let pki = pki("sts-transport test CA", "sts.example.com", false);
    let (port, _requests) = https_server(&pki, TLS13, 1);
    let mut client = HttpClient::new(EmbeddedTlsConnector::new(&pki.ca_der));
    let mut buf = [0u8; 4096];
    let got = client.send(&https_request(port), &mut buf).map(common::owned);
    assert_eq!(got, Err(Error::Tls));
}

fn rustls_connector(ca_der: &[u8]) -> TcpConnector {
    let mut roots = rustls::RootCertStore::empty();
    roots.add(CertificateDer::from(ca_der.to_vec())).unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    TcpConnector::new()
        .timeout(Duration::from_secs(5))
        .tls_config(Arc::new(config))
}

#[test]
fn tcp_connector_https_with_rustls() {
    let pki = pki("sts-transport test CA", "localhost", false);
    let other = pki_other();
    let (port, requests) = https_server(&pki, TLS13, 2);
    let mut buf = [0u8; 4096];

    let mut client = HttpClient::new(rustls_connector(&pki.ca_der));
    assert_recorded_answer(client.send(&https_request(port), &mut buf).map(common::owned));
    requests.recv_timeout(Duration::from_secs(5)).unwrap();

    let mut wrong = HttpClient::new(rustls_connector(&other.ca_der));
    let got = wrong.send(&https_request(port), &mut buf).map(common::owned);
    assert_eq!(got, Err(Error::Certificate(CertificateProblem::UnknownIssuer)));
}

#[test]
fn std_transport_https_with_a_private_root() {
    let pki = pki("sts-transport test CA", "localhost", false);
    let (port, requests) = https_server(&pki, TLS13, 2);
    let mut buf = [0u8; 4096];

    let mut transport = StdTransport::builder()
        .root_certificate(&pki.ca_der)
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    assert_recorded_answer(transport.send(&https_request(port), &mut buf).map(common::owned));
    requests.recv_timeout(Duration::from_secs(5)).unwrap();

    // The default roots (webpki-roots) do not know the test CA.
    let mut default = StdTransport::builder().timeout(Duration::from_secs(5)).build().unwrap();
    let got = default.send(&https_request(port), &mut buf).map(common::owned);
    assert_eq!(got, Err(Error::Certificate(CertificateProblem::UnknownIssuer)));
}

fn pki_other() -> Pki {
    pki("another CA", "localhost", false)
}
