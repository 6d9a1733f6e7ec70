//! Shared test helpers: a scripted TCP server on 127.0.0.1, the recorded STS
//! exchanges, and one way to run a request on either std engine.
#![allow(dead_code, unreachable_pub, missing_docs, clippy::std_instead_of_alloc)]

use core::time::Duration;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, mpsc};
use std::thread::JoinHandle;
use std::time::Instant;

use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

use sts_transport::{Error, HttpClient, Request, Scheme, StdTransport, TcpConnector, Transport};

/// The recorded STS answers and request bodies (see tests/data/README.md).
pub const ENV_REQUEST_BODY: &str = include_str!("../data/smithy-rs-web_identity_token_env.1.request-body.txt");
pub const ENV_RESPONSE_200: &str = include_str!("../data/smithy-rs-web_identity_token_env.1.response-200.xml");
pub const INVALID_JWT_REQUEST_BODY: &str =
    include_str!("../data/smithy-rs-web_identity_token_invalid_jwt.1.request-body.txt");
pub const INVALID_JWT_RESPONSE_400: &str =
    include_str!("../data/smithy-rs-web_identity_token_invalid_jwt.1.response-400.xml");
pub const MOTO_RESPONSE_200: &str = include_str!("../data/moto-5.2.1-AssumeRoleWithWebIdentity.response-200.xml");

/// The request id of the recorded `web_identity_token_env` answer.
pub const ENV_REQUEST_ID: &str = "f874b1d6-2f3b-4834-907a-6a7c4b3b2d35";

/// The recorded 200 answer as HTTP/1.1 bytes with a correct Content-Length
/// (the recorded header does not match the sanitized body).
pub fn sts_200_wire() -> Vec<u8> {
    format!(
        "HTTP/1.1 200 OK\r\nDate: Mon, 16 Aug 2021 19:52:53 GMT\r\nContent-Type: text/xml\r\n\
         Content-Length: {}\r\nx-amzn-requestid: {ENV_REQUEST_ID}\r\nVary: accept-encoding\r\n\r\n{}",
        ENV_RESPONSE_200.len(),
        ENV_RESPONSE_200
    )
    .into_bytes()
}

/// One step of a server script.
#[derive(Debug, Clone)]
pub enum Step {
    /// Read the request: head, then a Content-Length body.
    ReadRequest,
    /// Write these bytes.
    Write(Vec<u8>),
    /// Write these bytes one at a time, pausing between them.
    Drip(Vec<u8>, Duration),
    /// Wait.
    Sleep(Duration),
    /// Abort the connection with a TCP RST (SO_LINGER 0) and stop.
    Reset,
}

/// A one-connection server on 127.0.0.1 playing a script; the connection
/// is closed (FIN) when the script ends, unless it ends with [`Step::Reset`].
pub struct Server {
    pub port: u16,
    handle: JoinHandle<Vec<u8>>,
}

impl Server {
    pub fn start(script: Vec<Step>) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        listener.set_nonblocking(true).unwrap();
        let handle = std::thread::spawn(move || {
            // Accept within 10 s at most; a test that never connects ends too.
            let start = Instant::now();
            let mut stream = loop {
                match listener.accept() {
                    Ok((s, _)) => break s,
                    Err(_) if start.elapsed() < Duration::from_secs(10) => {
                        std::thread::sleep(Duration::from_millis(5));
                    }
                    Err(_) => return Vec::new(),
                }
            };
            stream.set_nonblocking(false).unwrap();
            stream.set_nodelay(true).unwrap();
            stream.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
            let mut request = Vec::new();
            for step in script {
                match step {
                    Step::ReadRequest => request = read_request(&mut stream).unwrap_or_else(|partial| partial),
                    Step::Write(b) => {
                        let _ = stream.write_all(&b);
                    }
                    Step::Drip(b, pause) => {
                        for byte in b {
                            if stream.write_all(&[byte]).is_err() {
                                break;
                            }
                            std::thread::sleep(pause);
                        }
                    }
                    Step::Sleep(d) => std::thread::sleep(d),
                    Step::Reset => {
                        socket2::SockRef::from(&stream)
                            .set_linger(Some(Duration::ZERO))
                            .unwrap();
                        drop(stream);
                        return request;
                    }
                }
            }
            let _ = stream.shutdown(std::net::Shutdown::Write);
            // Let the client read to EOF before the socket goes away.
            let mut sink = [0u8; 64];
            stream.set_read_timeout(Some(Duration::from_millis(500))).unwrap();
            while matches!(stream.read(&mut sink), Ok(n) if n > 0) {}
            request
        });
        Server { port, handle }
    }

    /// The bytes of the request the server read.
    pub fn request(self) -> Vec<u8> {
        self.handle.join().unwrap()
    }
}

/// One request (head and `Content-Length` body); what was read so far as
/// the error on EOF or a read error (a client that gave up, or refused the
/// certificate).
pub fn read_request(stream: &mut impl Read) -> Result<Vec<u8>, Vec<u8>> {
    let mut data = Vec::new();
    let mut chunk = [0u8; 2048];
    loop {
        if let Some(end) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&data[..end]).to_ascii_lowercase();
            let content_length: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .map_or(0, |v| v.trim().parse().unwrap());
            if data.len() >= end + 4 + content_length {
                return Ok(data);
            }
        }
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => return Err(data),
            Ok(n) => data.extend_from_slice(&chunk[..n]),
        }
    }
}

/// A test CA and a leaf certificate for `leaf_name` it signed (valid now,
/// or `expired` in 2002).
pub struct Pki {
    pub ca_der: Vec<u8>,
    pub ca_pem: String,
    pub leaf: CertificateDer<'static>,
    pub leaf_key: PrivateKeyDer<'static>,
}

pub fn pki(ca_name: &str, leaf_name: &str, expired: bool) -> Pki {
    let ca_key = KeyPair::generate().unwrap();
    let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.distinguished_name.push(DnType::CommonName, ca_name);
    ca.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let ca_cert = ca.self_signed(&ca_key).unwrap();
    let issuer = Issuer::new(ca, ca_key);

    let leaf_key = KeyPair::generate().unwrap();
    let mut leaf = CertificateParams::new(vec![leaf_name.to_owned()]).unwrap();
    leaf.distinguished_name.push(DnType::CommonName, leaf_name);
    if expired {
        leaf.not_before = rcgen::date_time_ymd(2001, 1, 1);
        leaf.not_after = rcgen::date_time_ymd(2002, 1, 1);
    }
    let leaf_cert = leaf.signed_by(&leaf_key, &issuer).unwrap();
    Pki {
        ca_der: ca_cert.der().to_vec(),
        ca_pem: ca_cert.pem(),
        leaf: leaf_cert.der().clone(),
        leaf_key: PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der())),
    }
}

/// A TLS server on 127.0.0.1 (the `versions` given) answering up to
/// `connections` requests with the recorded STS response; each request
/// read is sent on the channel.
pub fn https_server(
    pki: &Pki,
    versions: &[&'static rustls::SupportedProtocolVersion],
    connections: usize,
) -> (u16, mpsc::Receiver<Vec<u8>>) {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_protocol_versions(versions)
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![pki.leaf.clone()], pki.leaf_key.clone_key())
        .unwrap();
    let config = Arc::new(config);
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    listener.set_nonblocking(true).unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let start = Instant::now();
        let mut served = 0;
        while served < connections && start.elapsed() < Duration::from_secs(20) {
            let Ok((tcp, _)) = listener.accept() else {
                std::thread::sleep(Duration::from_millis(5));
                continue;
            };
            served += 1;
            tcp.set_nonblocking(false).unwrap();
            tcp.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
            let conn = rustls::ServerConnection::new(Arc::clone(&config)).unwrap();
            let mut tls = rustls::StreamOwned::new(conn, tcp);
            if let Ok(request) = read_request(&mut tls) {
                let _ = tls.write_all(&sts_200_wire());
                tls.conn.send_close_notify();
                let _ = tls.flush();
                let _ = tx.send(request);
            }
        }
    });
    (port, rx)
}

/// The two std engines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    /// `HttpClient<TcpConnector>`: the embedded engine over std TcpStream.
    Embedded,
    /// `StdTransport` (ureq).
    Ureq,
}

pub const ENGINES: [Engine; 2] = [Engine::Embedded, Engine::Ureq];

/// An owned copy of a response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Owned {
    pub status: u16,
    pub date: Option<String>,
    pub content_type: Option<String>,
    pub request_id: Option<String>,
    pub retry_after: Option<String>,
    pub body: Vec<u8>,
}

pub fn owned(r: sts_transport::Response<'_>) -> Owned {
    Owned {
        status: r.status,
        date: r.date.map(Into::into),
        content_type: r.content_type.map(Into::into),
        request_id: r.request_id.map(Into::into),
        retry_after: r.retry_after.map(Into::into),
        body: r.body.to_vec(),
    }
}

/// Short timeouts: every fault ends within a few seconds.
pub const TIMEOUT: Duration = Duration::from_millis(1500);

pub fn embedded_client() -> HttpClient<TcpConnector> {
    HttpClient::new(
        TcpConnector::new()
            .connect_timeout(Duration::from_secs(1))
            .io_timeout(TIMEOUT)
            .timeout(TIMEOUT),
    )
}

pub fn ureq_client() -> StdTransport {
    StdTransport::builder()
        .connect_timeout(Duration::from_secs(1))
        .timeout(TIMEOUT)
        .build()
        .unwrap()
}

/// A POST to the local server, as the STS client sends it.
pub fn sts_request(port: u16, body: &str) -> Request<'_> {
    Request {
        method: "POST",
        scheme: Scheme::Http,
        host: "127.0.0.1",
        port,
        path: "/",
        headers: &[("Content-Type", "application/x-www-form-urlencoded")],
        body: body.as_bytes(),
        request_id_header: Some("x-amzn-requestid"),
    }
}

/// Sends `request` on `engine` with a buffer of `buf_len` bytes.
pub fn send(engine: Engine, request: &Request<'_>, buf_len: usize) -> Result<Owned, Error> {
    let mut buf = vec![0u8; buf_len];
    match engine {
        Engine::Embedded => embedded_client().send(request, &mut buf).map(owned),
        Engine::Ureq => ureq_client().send(request, &mut buf).map(owned),
    }
}
