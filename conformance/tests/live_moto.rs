//! Live peer: `moto_server` (an STS emulator, `pip install 'moto[server]'`)
//! on 127.0.0.1, a free port. Both transports fetch credentials from it for
//! several durations through `sts-client`; the answers are checked
//! (AccessKeyId, Expiration = Date + duration with moto's microsecond
//! timestamps), and moto's HTML 500 for a bad request becomes an HTTP error.
//!
//! Without moto the test says how to install it and passes, unless
//! `STS_REQUIRE_PEER=1` (set by `.ci/run`), which makes its absence a failure.

// A host-only test crate: the core/alloc import lints are for the no_std crates.
#![allow(clippy::std_instead_of_core, clippy::std_instead_of_alloc)]

use std::time::Duration;

use conformance::moto::start;

use sts_client::endpoint::{EndpointParams, resolve};
use sts_client::{Buffers, Client, Credentials, MemoryToken, NoDelay, SplitMix64, StdClock};
use sts_codec::AssumeRoleWithWebIdentityInput;
use sts_codec::{DecodeError, decode_response};
use sts_transport::{HttpClient, Request, Scheme, StdTransport, TcpConnector, Transport};

const ROLE: &str = "arn:aws:iam::123456789012:role/device-fleet";
const TOKEN: &str = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJkZXZpY2UtNDIifQ.c2lnbmF0dXJl";

fn fetch<T: Transport>(transport: T, port: u16, duration: u32) -> Credentials<[u8; 4096]> {
    let url = format!("http://127.0.0.1:{port}/");
    let endpoint = resolve(&EndpointParams {
        endpoint: Some(&url),
        region: Some("us-east-1"),
        ..Default::default()
    })
    .unwrap();
    let mut client = Client::new(transport, endpoint, (StdClock::new(), NoDelay, SplitMix64::new(1)));
    let input = AssumeRoleWithWebIdentityInput::for_role(ROLE)
        .with_role_session_name("live-moto")
        .with_duration_seconds(duration);
    let (mut req, mut resp) = (vec![0u8; 8192], vec![0u8; 16384]);
    let mut creds = Credentials::empty();
    client
        .fetch_into(
            &input,
            &mut MemoryToken::from_str(TOKEN),
            &mut Buffers::new(&mut req, &mut resp),
            &mut creds,
        )
        .unwrap_or_else(|e| panic!("fetch from moto ({duration} s): {e}"));
    creds
}

#[test]
fn both_transports_fetch_from_moto() {
    let Some(moto) = start() else { return };
    let mut fetched = 0;
    for duration in [900, 3600, 43_200] {
        for (name, creds) in [
            (
                "std",
                fetch(StdTransport::builder().no_proxy().build().unwrap(), moto.port, duration),
            ),
            (
                "embedded",
                fetch(
                    HttpClient::new(TcpConnector::new().timeout(Duration::from_secs(10))),
                    moto.port,
                    duration,
                ),
            ),
        ] {
            assert!(
                creds.access_key_id().starts_with("ASIA"),
                "{name}: {}",
                creds.access_key_id()
            );
            assert_eq!(creds.access_key_id().len(), 20, "{name}");
            assert_eq!(creds.secret_access_key().len(), 40, "{name}");
            assert!(!creds.session_token().is_empty(), "{name}");
            let date = creds.server_date().expect("moto sends Date");
            let lifetime = creds.expiration().seconds - date.seconds;
            assert!(
                (duration as i64 - 1..=duration as i64 + 1).contains(&lifetime),
                "{name}: {lifetime} s for {duration}"
            );
            // moto writes microseconds: nanos are whole microseconds.
            assert_eq!(creds.expiration().nanos % 1000, 0, "{name}");
            assert!(creds.lifetime() <= Duration::from_secs(u64::from(duration)), "{name}");
            fetched += 1;
        }
    }
    println!("moto: {fetched} credentials fetched over both transports");
}

#[test]
fn moto_html_500_is_an_http_error() {
    let Some(moto) = start() else { return };
    // Missing members: moto answers an HTML 500 page, not an STS document.
    let request = Request {
        method: "POST",
        scheme: Scheme::Http,
        host: "127.0.0.1",
        port: moto.port,
        path: "/",
        headers: &[("Content-Type", sts_codec::CONTENT_TYPE)],
        body: b"Action=AssumeRoleWithWebIdentity&Version=2011-06-15",
        request_id_header: Some("x-amzn-requestid"),
    };
    for (name, mut transport) in [
        (
            "std",
            Box::new(StdTransport::builder().no_proxy().build().unwrap()) as Box<dyn Transport>,
        ),
        (
            "embedded",
            Box::new(HttpClient::new(TcpConnector::new().timeout(Duration::from_secs(10)))),
        ),
    ] {
        let mut buf = vec![0u8; 16384];
        let response = transport.send(&request, &mut buf).unwrap();
        assert_eq!(response.status, 500, "{name}");
        assert!(
            response.content_type.is_some_and(|c| c.starts_with("text/html")),
            "{name}"
        );
        assert_eq!(
            decode_response(500, response.body).err(),
            Some(DecodeError::Http { status: 500 }),
            "{name}"
        );
    }
}
