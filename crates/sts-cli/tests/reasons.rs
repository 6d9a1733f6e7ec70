//! Errors with their reasons, as the user reads them, and the settings that
//! reach the transport (`AWS_CA_BUNDLE`, the profile's `ca_bundle` and
//! `endpoint_url`, the proxy variables). Everything talks to 127.0.0.1
//! only (and the local resolver, for a `.invalid` name, which RFC 6761
//! guarantees never resolves).
//!
//! The HTTPS server is rustls (through `sts_transport::rustls`) with the
//! certificate in `tests/data` (`localhost`, signed by `tests/data/ca.pem`,
//! valid for 100 years), answering the recorded STS response.

// A std-only crate: the core/alloc import lints are for the no_std crates.
#![allow(clippy::std_instead_of_core, clippy::std_instead_of_alloc)]

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, mpsc};
use std::time::Duration;

use sts_transport::rustls;
use sts_transport::rustls::pki_types::pem::PemObject;
use sts_transport::rustls::pki_types::{CertificateDer, PrivateKeyDer};

const BIN: &str = env!("CARGO_BIN_EXE_sts-web-identity");
const ROLE: &str = "arn:aws:iam::123456789012:role/cli-test";
const TRANSPORTS: [&str; 2] = ["std", "embedded"];
const RESPONSE: &str =
    include_str!("../../sts-transport/tests/data/smithy-rs-web_identity_token_env.1.response-200.xml");

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data").join(name)
}

struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

/// The binary in `dir`, with only `PATH` and `env` in its environment.
fn run(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Out {
    let mut c = Command::new(BIN);
    c.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .current_dir(dir)
        .stdin(Stdio::null())
        .args(args);
    for (k, v) in env {
        c.env(k, v);
    }
    let o = c.output().unwrap();
    Out {
        code: o.status.code().unwrap_or(-1),
        stdout: String::from_utf8(o.stdout).unwrap(),
        stderr: String::from_utf8(o.stderr).unwrap(),
    }
}

struct Fixture {
    dir: tempfile::TempDir,
    token_file: String,
}

impl Fixture {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let token_file = dir.path().join("token");
        std::fs::write(&token_file, "header.payload.signature\n").unwrap();
        let token_file = token_file.display().to_string();
        Fixture { dir, token_file }
    }

    fn run(&self, args: &[&str], env: &[(&str, &str)]) -> Out {
        run(self.dir.path(), args, env)
    }

    /// `credential-process` with the role, token file, one attempt, and `extra`.
    fn fetch(&self, extra: &[&str], env: &[(&str, &str)]) -> Out {
        let mut args = vec![
            "credential-process",
            "--role-arn",
            ROLE,
            "--token-file",
            &self.token_file,
            "--max-attempts",
            "1",
            "--timeout",
            "5",
        ];
        args.extend_from_slice(extra);
        self.run(&args, env)
    }
}

/// An HTTPS server on 127.0.0.1 (certificate for `localhost`) answering up
/// to `connections` requests with the recorded STS response.
fn https_server(connections: usize) -> (u16, mpsc::Receiver<()>) {
    let certs = vec![CertificateDer::from_pem_file(data("localhost.pem")).unwrap()];
    let key = PrivateKeyDer::from_pem_file(data("localhost.key")).unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .unwrap();
    let config = Arc::new(config);
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for _ in 0..connections {
            let Ok((tcp, _)) = listener.accept() else { return };
            tcp.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
            let conn = rustls::ServerConnection::new(Arc::clone(&config)).unwrap();
            let mut tls = rustls::StreamOwned::new(conn, tcp);
            if read_request(&mut tls).is_some() {
                let wire = format!(
                    "HTTP/1.1 200 OK\r\nDate: Mon, 16 Aug 2021 19:52:53 GMT\r\nContent-Type: text/xml\r\n\
                     Content-Length: {}\r\nConnection: close\r\n\r\n{RESPONSE}",
                    RESPONSE.len()
                );
                let _ = tls.write_all(wire.as_bytes());
                tls.conn.send_close_notify();
                let _ = tls.flush();
                let _ = tx.send(());
            }
        }
    });
    (port, rx)
}

/// One request (head and `Content-Length` body); `None` on EOF or error.
fn read_request(stream: &mut impl Read) -> Option<Vec<u8>> {
    let mut data = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        if let Some(end) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&data[..end]).to_ascii_lowercase();
            let cl: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .map_or(0, |v| v.trim().parse().unwrap());
            if data.len() >= end + 4 + cl {
                return Some(data);
            }
        }
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => return None,
            Ok(n) => data.extend_from_slice(&chunk[..n]),
        }
    }
}

#[test]
fn an_unknown_issuer_is_named_with_what_to_do() {
    let f = Fixture::new();
    let (port, _served) = https_server(2);
    let url = format!("https://localhost:{port}");
    for transport in TRANSPORTS {
        let out = f.fetch(&["--endpoint", &url, "--transport", transport], &[]);
        assert_eq!(out.code, 4, "{transport}: {}", out.stderr);
        assert_eq!(
            out.stderr,
            format!(
                "sts-web-identity: transport error: the server's TLS certificate was refused: unknown issuer \
                 (not signed by a trusted certificate authority) ({url}/) after 1 attempt; to trust a private CA, \
                 set AWS_CA_BUNDLE or ca_bundle in the profile to its PEM file\n"
            ),
            "{transport}"
        );
    }
}

#[test]
fn aws_ca_bundle_makes_a_private_ca_trusted() {
    let f = Fixture::new();
    let (port, served) = https_server(2);
    let url = format!("https://localhost:{port}");
    let bundle = data("ca.pem").display().to_string();
    for transport in TRANSPORTS {
        let out = f.fetch(
            &["--endpoint", &url, "--transport", transport],
            &[("AWS_CA_BUNDLE", &bundle)],
        );
        assert_eq!(out.code, 0, "{transport}: {}", out.stderr);
        assert!(out.stdout.contains("\"AccessKeyId\""), "{}", out.stdout);
        served.recv_timeout(Duration::from_secs(5)).unwrap();
    }
}

/// `--ca-bundle` (the AWS CLI's flag) wins over `AWS_CA_BUNDLE`.
#[test]
fn ca_bundle_flag_wins_over_the_environment() {
    let f = Fixture::new();
    let (port, served) = https_server(1);
    let url = format!("https://localhost:{port}");
    let bundle = data("ca.pem").display().to_string();
    let missing = f.dir.path().join("no-such-bundle.pem").display().to_string();
    let out = f.fetch(
        &["--endpoint", &url, "--ca-bundle", &bundle],
        &[("AWS_CA_BUNDLE", &missing)],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    served.recv_timeout(Duration::from_secs(5)).unwrap();
    // And a bad one given by flag is refused before anything is sent.
    let out = f.fetch(&["--endpoint", &url, "--ca-bundle", &missing], &[]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("no-such-bundle.pem"), "{}", out.stderr);
}

#[test]
fn the_profile_gives_ca_bundle_and_endpoint_url() {
    let f = Fixture::new();
    let (port, served) = https_server(1);
    let config = f.dir.path().join("config");
    std::fs::write(
        &config,
        format!(
            "[profile private]\nendpoint_url = https://localhost:{port}\nca_bundle = {}\n",
            data("ca.pem").display()
        ),
    )
    .unwrap();
    let config = config.display().to_string();
    // No --endpoint, no --region: the profile's endpoint_url.
    let out = f.fetch(&[], &[("AWS_CONFIG_FILE", &config), ("AWS_PROFILE", "private")]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    served.recv_timeout(Duration::from_secs(5)).unwrap();
}

#[test]
fn a_bad_ca_bundle_says_why_and_sends_nothing() {
    let f = Fixture::new();
    let empty = f.dir.path().join("empty.pem");
    std::fs::write(&empty, "no certificates here\n").unwrap();
    let empty = empty.display().to_string();
    let cases = [
        (
            "/nonexistent/ca.pem".to_owned(),
            "sts-web-identity: CA bundle /nonexistent/ca.pem: could not be read: No such file or directory (os error 2)\n"
                .to_owned(),
        ),
        (
            empty.clone(),
            format!("sts-web-identity: CA bundle {empty}: holds no PEM certificate (-----BEGIN CERTIFICATE-----)\n"),
        ),
    ];
    for (bundle, want) in cases {
        // A dry run reads it too.
        for extra in [&["--dry-run"][..], &[]] {
            let mut args = vec!["--endpoint", "https://localhost:9"];
            args.extend_from_slice(extra);
            let out = f.fetch(&args, &[("AWS_CA_BUNDLE", &bundle)]);
            assert_eq!(
                (out.code, out.stderr.as_str()),
                (2, want.as_str()),
                "{bundle} {extra:?}"
            );
        }
    }
}

#[test]
fn a_missing_token_file_carries_the_os_reason() {
    let f = Fixture::new();
    let out = f.run(
        &[
            "env",
            "--role-arn",
            ROLE,
            "--token-file",
            "/nonexistent/token",
            "--region",
            "eu-west-1",
        ],
        &[],
    );
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stderr,
        "sts-web-identity: web identity token file not found: No such file or directory (os error 2) (/nonexistent/token)\n"
    );
}

#[test]
fn an_unresolvable_host_says_it_could_not_be_resolved() {
    let f = Fixture::new();
    for transport in TRANSPORTS {
        let out = f.fetch(
            &[
                "--endpoint",
                "https://sts.nonexistent.invalid",
                "--transport",
                transport,
            ],
            &[],
        );
        assert_eq!(out.code, 4, "{transport}: {}", out.stderr);
        assert_eq!(
            out.stderr,
            "sts-web-identity: transport error: the host name could not be resolved \
             (https://sts.nonexistent.invalid/) after 1 attempt\n",
            "{transport}"
        );
    }
}

#[test]
fn a_malformed_https_proxy_is_a_usage_error_that_hides_the_url() {
    let f = Fixture::new();
    let out = f.fetch(
        &["--region", "us-east-1"],
        &[("HTTPS_PROXY", "http://user:s3cret@[::1")],
    );
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr
            .starts_with("sts-web-identity: transport error: proxy: malformed proxy URL in HTTPS_PROXY"),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("s3cret"), "{}", out.stderr);
}

#[test]
fn the_embedded_transport_does_not_go_around_a_proxy_the_environment_names() {
    let f = Fixture::new();
    // A `.invalid` host: were the check missing, the name would not resolve
    // and nothing would leave this machine.
    let endpoint = [
        "--endpoint",
        "https://sts.nonexistent.invalid",
        "--transport",
        "embedded",
    ];
    // Refused before any connection; the message names the variable, never
    // its value.
    for var in ["HTTPS_PROXY", "https_proxy", "ALL_PROXY"] {
        let out = f.fetch(&endpoint, &[(var, "http://user:s3cret@127.0.0.1:9")]);
        assert_eq!(out.code, 2, "{}", out.stderr);
        assert_eq!(
            out.stderr,
            format!(
                "sts-web-identity: --transport embedded connects directly, but {var} names a proxy \
                 for sts.nonexistent.invalid: use --transport std, or add the host to NO_PROXY\n"
            )
        );
    }
    // A host on NO_PROXY goes direct (and does not resolve).
    let out = f.fetch(
        &endpoint,
        &[("HTTPS_PROXY", "http://127.0.0.1:9"), ("NO_PROXY", ".invalid")],
    );
    assert_eq!(out.code, 4, "{}", out.stderr);
    assert!(out.stderr.contains("could not be resolved"), "{}", out.stderr);
}

#[test]
fn a_proxy_407_is_a_proxy_error() {
    let f = Fixture::new();
    let proxy = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = proxy.local_addr().unwrap().port();
    let server = std::thread::spawn(move || {
        let (mut tcp, _) = proxy.accept().unwrap();
        tcp.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        let head = read_request(&mut tcp).unwrap();
        tcp.write_all(b"HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n")
            .unwrap();
        String::from_utf8(head).unwrap()
    });
    let proxy_url = format!("http://127.0.0.1:{port}");
    let out = f.fetch(&["--region", "us-east-1"], &[("HTTPS_PROXY", &proxy_url)]);
    assert_eq!(out.code, 4, "{}", out.stderr);
    assert_eq!(
        out.stderr,
        "sts-web-identity: transport error: proxy: the proxy requires authentication \
         (HTTP 407 Proxy Authentication Required) (https://sts.us-east-1.amazonaws.com/) after 1 attempt\n"
    );
    let head = server.join().unwrap();
    assert!(head.starts_with("CONNECT sts.us-east-1.amazonaws.com:443 "), "{head}");
}
