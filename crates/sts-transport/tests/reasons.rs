//! Errors with their reasons, on both std transports, talking only to
//! 127.0.0.1 (and the local resolver, for a `.invalid` name):
//!
//! - a refused server certificate names its problem (unknown issuer, name
//!   mismatch, expired), and a CA bundle file makes the same server trusted;
//! - a name that does not resolve is `Error::Resolve`;
//! - proxies: a `407` is `ProxyError::AuthenticationRequired`, a `CONNECT`
//!   tunnel carries the exchange, `HTTP_PROXY` is not used for `https://`,
//!   `NO_PROXY` is honoured, a malformed `HTTPS_PROXY` is an error naming
//!   the variable.
//!
//! The proxy variables reach `StdTransport` through
//! `StdTransportBuilder::proxy_env`, so no test touches the process
//! environment. RFC 6761 reserves `.invalid`: no such name ever resolves.

extern crate alloc;

mod common;

use core::time::Duration;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::mpsc;
use std::time::Instant;

use sts_transport::{
    CaBundle, CertificateProblem, Error, HttpClient, ProxyError, Request, Scheme, StdTransport, TcpConnector, Transport,
};

use common::{https_server, pki, read_request};

/// A CA name of its own for each test PKI: a CA with another's name is a
/// bad signature, not an unknown issuer.
fn ca_name() -> String {
    static N: core::sync::atomic::AtomicUsize = core::sync::atomic::AtomicUsize::new(0);
    let n = N.fetch_add(1, core::sync::atomic::Ordering::Relaxed);
    format!("sts-transport reasons CA {n}")
}

fn request(host: &str, port: u16) -> Request<'_> {
    Request {
        method: "POST",
        scheme: Scheme::Https,
        host,
        port,
        path: "/",
        headers: &[("Content-Type", "application/x-www-form-urlencoded")],
        body: common::ENV_REQUEST_BODY.as_bytes(),
        request_id_header: Some("x-amzn-requestid"),
    }
}

const T: Duration = Duration::from_secs(5);

fn ureq_with(bundle: Option<&CaBundle>) -> StdTransport {
    let mut b = StdTransport::builder().timeout(T).no_proxy();
    if let Some(bundle) = bundle {
        b = b.ca_bundle(bundle);
    }
    b.build().unwrap()
}

fn tcp_with(bundle: Option<&CaBundle>) -> HttpClient<TcpConnector> {
    let c = TcpConnector::new().timeout(T);
    HttpClient::new(match bundle {
        Some(b) => c.ca_bundle(b).unwrap(),
        None => c,
    })
}

/// Sends `request` on both transports (same trust), in turn.
fn both(bundle: Option<&CaBundle>, request: &Request<'_>) -> [Result<u16, Error>; 2] {
    let mut buf = vec![0u8; 8192];
    let a = ureq_with(bundle).send(request, &mut buf).map(|r| r.status);
    let b = tcp_with(bundle).send(request, &mut buf).map(|r| r.status);
    [a, b]
}

fn bundle_file(pem: &str) -> (tempfile_path::Path, CaBundle) {
    let path = tempfile_path::Path::new(pem);
    let bundle = CaBundle::read(path.as_ref()).unwrap();
    (path, bundle)
}

/// A file in the temp dir, removed on drop (tempfile is not a dev-dependency).
mod tempfile_path {
    use core::sync::atomic::{AtomicUsize, Ordering};

    pub(crate) struct Path(std::path::PathBuf);

    impl Path {
        pub(crate) fn new(contents: &str) -> Path {
            static N: AtomicUsize = AtomicUsize::new(0);
            let name = format!(
                "sts-transport-reasons-{}-{}.pem",
                std::process::id(),
                N.fetch_add(1, Ordering::Relaxed)
            );
            let path = std::env::temp_dir().join(name);
            std::fs::write(&path, contents).unwrap();
            Path(path)
        }
    }

    impl AsRef<std::path::Path> for Path {
        fn as_ref(&self) -> &std::path::Path {
            &self.0
        }
    }

    impl Drop for Path {
        fn drop(&mut self) {
            let _ = std::fs::remove_file(&self.0);
        }
    }
}

#[test]
fn an_unknown_issuer_is_named_and_a_ca_bundle_makes_it_trusted() {
    let pki = pki(&ca_name(), "localhost", false);
    let (port, _requests) = https_server(&pki, rustls::DEFAULT_VERSIONS, 4);
    let unknown = Error::Certificate(CertificateProblem::UnknownIssuer);
    assert_eq!(both(None, &request("localhost", port)), [Err(unknown), Err(unknown)]);
    let text = unknown.to_string();
    assert!(text.contains("unknown issuer"), "{text}");

    // The CA as a PEM file, as AWS_CA_BUNDLE names one: trusted, on both.
    let (_file, bundle) = bundle_file(&format!("# a comment line\n{}", pki.ca_pem));
    assert_eq!(bundle.len(), 1);
    assert_eq!(bundle.certificates().next().unwrap(), &pki.ca_der[..]);
    assert_eq!(both(Some(&bundle), &request("localhost", port)), [Ok(200), Ok(200)]);
}

#[test]
fn a_bundle_replaces_the_default_roots() {
    // A bundle with another CA only: the server's CA is not trusted.
    let pki_server = pki(&ca_name(), "localhost", false);
    let other = pki(&ca_name(), "localhost", false);
    let (port, _requests) = https_server(&pki_server, rustls::DEFAULT_VERSIONS, 2);
    let bundle = CaBundle::from_pem(other.ca_pem.as_bytes()).unwrap();
    let unknown = Err(Error::Certificate(CertificateProblem::UnknownIssuer));
    assert_eq!(both(Some(&bundle), &request("localhost", port)), [unknown, unknown]);
}

#[test]
fn a_certificate_for_another_name_is_a_name_mismatch() {
    let pki = pki(&ca_name(), "sts.example.com", false);
    let (port, _requests) = https_server(&pki, rustls::DEFAULT_VERSIONS, 2);
    let bundle = CaBundle::from_pem(pki.ca_pem.as_bytes()).unwrap();
    let mismatch = Error::Certificate(CertificateProblem::NameMismatch);
    assert_eq!(
        both(Some(&bundle), &request("localhost", port)),
        [Err(mismatch), Err(mismatch)]
    );
    assert!(mismatch.to_string().contains("not valid for the host name"));
}

#[test]
fn an_expired_certificate_is_named() {
    let pki = pki(&ca_name(), "localhost", true);
    let (port, _requests) = https_server(&pki, rustls::DEFAULT_VERSIONS, 2);
    let bundle = CaBundle::from_pem(pki.ca_pem.as_bytes()).unwrap();
    let expired = Err(Error::Certificate(CertificateProblem::Expired));
    assert_eq!(both(Some(&bundle), &request("localhost", port)), [expired, expired]);
}

#[test]
fn a_name_that_does_not_resolve_says_so() {
    let started = Instant::now();
    let got = both(None, &request("nonexistent.invalid", 443));
    assert_eq!(got, [Err(Error::Resolve), Err(Error::Resolve)]);
    assert!(Error::Resolve.to_string().contains("could not be resolved"));
    // Bounded by the transports' timeout, whatever the resolver does.
    assert!(started.elapsed() < 2 * T + Duration::from_secs(1));
}

/// A proxy on 127.0.0.1 that answers each `CONNECT` with `answer` and
/// reports the request lines it read.
fn answering_proxy(answer: &'static [u8], connections: usize) -> (u16, mpsc::Receiver<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for _ in 0..connections {
            let Ok((mut tcp, _)) = listener.accept() else { return };
            tcp.set_read_timeout(Some(T)).unwrap();
            let Some(head) = read_request(&mut tcp).ok() else {
                continue;
            };
            let _ = tcp.write_all(answer);
            let _ = tx.send(String::from_utf8_lossy(&head).into_owned());
        }
    });
    (port, rx)
}

/// A `CONNECT` proxy on 127.0.0.1 that tunnels every request to
/// `127.0.0.1:target`, whatever host it names, and reports the `CONNECT`
/// lines.
fn tunnelling_proxy(target: u16) -> (u16, mpsc::Receiver<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let Ok((mut client, _)) = listener.accept() else { return };
        client.set_read_timeout(Some(T)).unwrap();
        // Read the CONNECT head byte by byte: nothing of the tunnel after it.
        let mut head = Vec::new();
        let mut byte = [0u8; 1];
        while !head.ends_with(b"\r\n\r\n") {
            match client.read(&mut byte) {
                Ok(1) => head.push(byte[0]),
                _ => return,
            }
        }
        let _ = tx.send(String::from_utf8_lossy(&head).into_owned());
        let server = TcpStream::connect(("127.0.0.1", target)).unwrap();
        client
            .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
            .unwrap();
        let (mut c2, mut s2) = (client.try_clone().unwrap(), server.try_clone().unwrap());
        let up = std::thread::spawn(move || {
            let _ = std::io::copy(&mut c2, &mut s2);
            let _ = s2.shutdown(std::net::Shutdown::Write);
        });
        let (mut s, mut c) = (server, client);
        let _ = std::io::copy(&mut s, &mut c);
        let _ = c.shutdown(std::net::Shutdown::Write);
        let _ = up.join();
    });
    (port, rx)
}

fn env(vars: Vec<(&'static str, String)>) -> impl Fn(&str) -> Option<String> + Send + Sync + 'static {
    move |name| vars.iter().find(|(k, _)| *k == name).map(|(_, v)| v.clone())
}

fn via_env(vars: Vec<(&'static str, String)>, bundle: Option<&CaBundle>) -> StdTransport {
    let mut b = StdTransport::builder().timeout(T).proxy_env(env(vars));
    if let Some(bundle) = bundle {
        b = b.ca_bundle(bundle);
    }
    b.build().unwrap()
}

#[test]
fn a_407_is_a_proxy_error() {
    let (port, seen) = answering_proxy(
        b"HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"corp\"\r\nContent-Length: 0\r\n\r\n",
        1,
    );
    let mut t = via_env(vec![("HTTPS_PROXY", format!("http://127.0.0.1:{port}"))], None);
    let mut buf = [0u8; 4096];
    let err = t
        .send(&request("sts.us-east-1.amazonaws.com", 443), &mut buf)
        .unwrap_err();
    assert_eq!(err, Error::Proxy(ProxyError::AuthenticationRequired));
    assert!(!err.is_retryable());
    assert!(err.to_string().contains("407"), "{err}");
    let head = seen.recv_timeout(T).unwrap();
    assert!(
        head.starts_with("CONNECT sts.us-east-1.amazonaws.com:443 HTTP/1.1\r\n"),
        "{head}"
    );
}

#[test]
fn a_connect_tunnel_carries_the_exchange() {
    // The server's certificate is for the name the client asks for; the
    // proxy takes the tunnel to it on 127.0.0.1. No DNS: the proxy resolves.
    let pki = pki(&ca_name(), "sts.example.test", false);
    let (server_port, requests) = https_server(&pki, rustls::DEFAULT_VERSIONS, 1);
    let (proxy_port, connects) = tunnelling_proxy(server_port);
    let bundle = CaBundle::from_pem(pki.ca_pem.as_bytes()).unwrap();
    let mut t = via_env(
        vec![("https_proxy", format!("http://127.0.0.1:{proxy_port}"))],
        Some(&bundle),
    );
    let mut buf = [0u8; 8192];
    let r = t.send(&request("sts.example.test", 443), &mut buf).unwrap();
    assert_eq!((r.status, r.request_id), (200, Some(common::ENV_REQUEST_ID)));
    let connect = connects.recv_timeout(T).unwrap();
    assert!(
        connect.starts_with("CONNECT sts.example.test:443 HTTP/1.1\r\n"),
        "{connect}"
    );
    let sent = String::from_utf8(requests.recv_timeout(T).unwrap()).unwrap();
    assert!(sent.starts_with("POST / HTTP/1.1\r\n"), "{sent}");
}

#[test]
fn http_proxy_is_not_used_for_https() {
    // Were HTTP_PROXY used, the proxy would be asked to CONNECT (and answer
    // 403). It is not: the request goes direct, and the name does not resolve.
    let (port, seen) = answering_proxy(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n", 1);
    let url = format!("http://127.0.0.1:{port}");
    let mut t = via_env(vec![("HTTP_PROXY", url.clone()), ("http_proxy", url)], None);
    let mut buf = [0u8; 4096];
    assert_eq!(
        t.send(&request("nonexistent.invalid", 443), &mut buf).unwrap_err(),
        Error::Resolve
    );
    assert!(seen.try_recv().is_err(), "HTTP_PROXY was used for https");
}

#[test]
fn no_proxy_is_honoured() {
    let (port, seen) = answering_proxy(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n", 1);
    let proxy = format!("http://127.0.0.1:{port}");
    let mut buf = [0u8; 4096];
    // Bypassed: direct, so the name's own failure to resolve.
    for list in ["example.com, .invalid", "*", "nonexistent.invalid:443", "INVALID"] {
        let mut t = via_env(
            vec![("HTTPS_PROXY", proxy.clone()), ("NO_PROXY", list.to_owned())],
            None,
        );
        let got = t.send(&request("nonexistent.invalid", 443), &mut buf);
        assert_eq!(got.unwrap_err(), Error::Resolve, "{list}");
    }
    assert!(seen.try_recv().is_err(), "the proxy was used despite NO_PROXY");
    // Not in the list: through the proxy, which refuses.
    let mut t = via_env(
        vec![
            ("HTTPS_PROXY", proxy),
            ("no_proxy", "example.com,10.0.0.0/8".to_owned()),
        ],
        None,
    );
    let got = t.send(&request("nonexistent.invalid", 443), &mut buf);
    assert_eq!(got.unwrap_err(), Error::Proxy(ProxyError::Refused { status: 403 }));
    assert!(
        seen.recv_timeout(T)
            .unwrap()
            .starts_with("CONNECT nonexistent.invalid:443 ")
    );
}

#[test]
fn a_malformed_https_proxy_is_an_error() {
    let mut buf = [0u8; 4096];
    for bad in ["http://[::1", "socks5://127.0.0.1:1080", "http://proxy:99999"] {
        let mut t = via_env(vec![("HTTPS_PROXY", bad.to_owned())], None);
        let err = t
            .send(&request("sts.us-east-1.amazonaws.com", 443), &mut buf)
            .unwrap_err();
        assert_eq!(
            err,
            Error::Proxy(ProxyError::InvalidUrl {
                variable: Some("HTTPS_PROXY")
            }),
            "{bad}"
        );
        // The message names the variable, never the value (it may hold a password).
        assert_eq!(err.to_string(), "proxy: malformed proxy URL in HTTPS_PROXY");
    }
    // An explicit one is refused when the transport is built.
    assert_eq!(
        StdTransport::builder().proxy("http://[::1").build().unwrap_err(),
        Error::Proxy(ProxyError::InvalidUrl { variable: None })
    );
}

#[test]
fn an_unreachable_proxy_is_a_proxy_error() {
    // A port nobody listens on (bound, then closed).
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut t = via_env(vec![("HTTPS_PROXY", format!("http://127.0.0.1:{port}"))], None);
    let mut buf = [0u8; 4096];
    let err = t
        .send(&request("sts.us-east-1.amazonaws.com", 443), &mut buf)
        .unwrap_err();
    assert_eq!(err, Error::Proxy(ProxyError::Unreachable));
    assert!(err.is_retryable());
}

#[test]
fn plain_http_to_localhost_resolves_to_loopback() {
    // `localhost` resolves to loopback here (/etc/hosts): allowed, on both.
    for engine in common::ENGINES {
        let server = common::Server::start(vec![
            common::Step::ReadRequest,
            common::Step::Write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".to_vec()),
        ]);
        let mut request = common::sts_request(server.port, "x=1");
        request.host = "localhost";
        let got = common::send(engine, &request, 4096).map(|r| r.status);
        assert_eq!(got, Ok(200), "{engine:?}");
    }
}
