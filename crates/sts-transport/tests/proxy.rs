//! `StdTransport` honours `HTTPS_PROXY` from the environment, and never sends
//! loopback traffic through a proxy.
//!
//! The environment is the child process's: the test runs itself again with
//! the variables set (changing the environment of a running, multi-threaded
//! test binary is not sound). The "proxy" is the scripted server on
//! 127.0.0.1, which refuses the CONNECT, so nothing leaves the machine.
//! The selection itself (`HTTP_PROXY` only for `http://`, `NO_PROXY`, a
//! malformed URL) is tested in `reasons.rs` through `proxy_env`; this file
//! proves the process environment is what is read by default.

mod common;

use std::process::Command;

use common::{Server, Step};
use sts_transport::{Error, ProxyError, Request, Scheme, StdTransport, Transport};

const CHILD: &str = "STS_TRANSPORT_PROXY_TEST_CHILD";

fn run_child(test: &str, proxy_port: u16, extra: &[(&str, &str)]) {
    let mut cmd = Command::new(std::env::current_exe().unwrap());
    cmd.args(["--exact", test, "--nocapture", "--test-threads=1"])
        .env(CHILD, "1")
        .env("HTTPS_PROXY", format!("http://127.0.0.1:{proxy_port}"))
        .env_remove("ALL_PROXY")
        .env_remove("all_proxy")
        .env_remove("https_proxy")
        .env_remove("HTTP_PROXY")
        .env_remove("http_proxy")
        .env_remove("NO_PROXY")
        .env_remove("no_proxy");
    for (k, v) in extra {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "child failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn https_goes_through_the_proxy_from_the_environment() {
    if std::env::var_os(CHILD).is_some() {
        let mut transport = StdTransport::new().unwrap();
        let request = Request {
            method: "POST",
            scheme: Scheme::Https,
            host: "sts.us-east-1.amazonaws.com",
            port: 443,
            path: "/",
            headers: &[("Content-Type", "application/x-www-form-urlencoded")],
            body: b"Action=AssumeRoleWithWebIdentity",
            request_id_header: Some("x-amzn-requestid"),
        };
        let mut buf = [0u8; 4096];
        // The proxy refuses the tunnel.
        assert_eq!(
            transport.send(&request, &mut buf).unwrap_err(),
            Error::Proxy(ProxyError::Refused { status: 403 })
        );
        return;
    }
    let proxy = Server::start(vec![
        Step::ReadRequest,
        Step::Write(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n".to_vec()),
    ]);
    let port = proxy.port;
    run_child("https_goes_through_the_proxy_from_the_environment", port, &[]);
    let seen = String::from_utf8(proxy.request()).unwrap();
    assert!(
        seen.starts_with("CONNECT sts.us-east-1.amazonaws.com:443 HTTP/1.1\r\n"),
        "{seen}"
    );
}

#[test]
fn loopback_never_goes_through_the_proxy() {
    if std::env::var_os(CHILD).is_some() {
        let port: u16 = std::env::var("TARGET_PORT").unwrap().parse().unwrap();
        let mut transport = StdTransport::new().unwrap();
        let mut buf = [0u8; 4096];
        let r = transport.send(&common::sts_request(port, "x=1"), &mut buf).unwrap();
        assert_eq!((r.status, &r.body[..]), (200, &b"direct"[..]));
        return;
    }
    // A "proxy" that must see nothing, and the real target.
    let proxy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    proxy.set_nonblocking(true).unwrap();
    let target = Server::start(vec![
        Step::ReadRequest,
        Step::Write(b"HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\ndirect".to_vec()),
    ]);
    let target_port = target.port.to_string();
    run_child(
        "loopback_never_goes_through_the_proxy",
        proxy.local_addr().unwrap().port(),
        &[("TARGET_PORT", &target_port)],
    );
    assert!(target.request().starts_with(b"POST / HTTP/1.1\r\n"));
    assert!(proxy.accept().is_err(), "the proxy was used for loopback");
}
