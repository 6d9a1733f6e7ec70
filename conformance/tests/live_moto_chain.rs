//! Live peer for role chaining: `moto_server` on 127.0.0.1. Over both
//! transports, a `ChainProvider` takes web identity into a role of account
//! 111111111111, then `AssumeRole` (signed by `sts-sigv4` with the first
//! hop's credentials) into a role of account 222222222222; moto's
//! `GetCallerIdentity`, signed by our signer with the chained credentials,
//! must then name the second role.
//!
//! Without moto the test says how to install it and passes, unless
//! `STS_REQUIRE_PEER=1` (set by `.ci/run`).

// A host-only test crate: the core/alloc import lints are for the no_std crates.
#![allow(clippy::std_instead_of_core, clippy::std_instead_of_alloc)]

use std::time::Duration;

use conformance::moto::start;

use sts_client::endpoint::{EndpointParams, resolve};
use sts_client::{Buffers, ChainProvider, Client, CredentialProvider, Credentials, Hop, NoDelay, SplitMix64, StdClock};
use sts_codec::{AssumeRoleInput, AssumeRoleWithWebIdentityInput, CONTENT_TYPE, Secret, Timestamp};
use sts_sigv4::{AmzDate, Payload, SigningKey, sign};
use sts_transport::{HttpClient, Request, Scheme, StdTransport, TcpConnector, Transport};

const BASE_ROLE: &str = "arn:aws:iam::111111111111:role/device";
const TARGET_ROLE: &str = "arn:aws:iam::222222222222:role/reader";
const TOKEN: &str = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJkZXZpY2UtNDIifQ.c2lnbmF0dXJl";

/// `GetCallerIdentity` signed by `sts-sigv4` with `creds`: moto's `<Arn>`.
fn caller_identity<T: Transport>(transport: &mut T, port: u16, creds: &Credentials) -> String {
    let body = b"Action=GetCallerIdentity&Version=2011-06-15";
    let host = format!("127.0.0.1:{port}");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap();
    let date = AmzDate::new(Timestamp::from_unix(now.as_secs() as i64, 0).unwrap()).unwrap();
    let secret = creds.secret_access_key();
    let token = creds.session_token();
    let key = SigningKey::new(&secret, &date, "us-east-1", "sts").unwrap();
    let signer_creds = sts_sigv4::Credentials::new(
        creds.access_key_id(),
        Secret::new(secret.expose()),
        Some(Secret::new(token.expose())),
    );
    let headers = [("host", host.as_str()), ("content-type", CONTENT_TYPE)];
    let request = sts_sigv4::Request::new("POST", "/", &headers, Payload::Bytes(body));
    let mut scratch = vec![0u8; 8192];
    let signed = sign(&request, &signer_creds, &key, &date, &mut scratch).unwrap();
    let sent = [
        ("Content-Type", CONTENT_TYPE),
        ("X-Amz-Date", date.as_str()),
        ("X-Amz-Security-Token", token.expose()),
        ("Authorization", signed.authorization()),
    ];
    let request = Request {
        method: "POST",
        scheme: Scheme::Http,
        host: "127.0.0.1",
        port,
        path: "/",
        headers: &sent,
        body,
        request_id_header: None,
    };
    let mut buf = vec![0u8; 16384];
    let response = transport.send(&request, &mut buf).unwrap();
    let text = String::from_utf8_lossy(response.body).into_owned();
    assert_eq!(response.status, 200, "{text}");
    let arn = text.split("<Arn>").nth(1).and_then(|t| t.split("</Arn>").next());
    arn.unwrap_or_else(|| panic!("no Arn in {text}")).to_owned()
}

fn chain<T: Transport>(name: &str, transport: T, caller: &mut impl Transport, port: u16) {
    let url = format!("http://127.0.0.1:{port}/");
    let endpoint = resolve(&EndpointParams {
        endpoint: Some(&url),
        region: Some("us-east-1"),
        ..Default::default()
    })
    .unwrap();
    let client = Client::new(transport, endpoint, (StdClock::new(), NoDelay, SplitMix64::new(9)));
    let (mut req, mut resp) = (vec![0u8; 8192], vec![0u8; 16384]);
    let mut base_store: Credentials<[u8; 4096]> = Credentials::empty();
    let mut hop_store: Credentials<[u8; 4096]> = Credentials::empty();
    let base = CredentialProvider::new(
        client,
        AssumeRoleWithWebIdentityInput::for_role(BASE_ROLE).with_role_session_name("device-42"),
        TOKEN,
        Buffers::new(&mut req, &mut resp),
        &mut base_store,
    );
    let mut hops = [Hop::new(
        // 2 h asked: clamped to the hour STS allows a chained session.
        AssumeRoleInput::new(TARGET_ROLE, "reader-session").with_duration_seconds(7200),
        &mut hop_store,
    )];
    let mut provider = ChainProvider::new(base, &mut hops, "us-east-1");
    let creds = provider
        .credentials()
        .unwrap_or_else(|e| panic!("{name}: chained fetch from moto: {e}"));
    assert!(
        creds.access_key_id().starts_with("ASIA"),
        "{name}: {}",
        creds.access_key_id()
    );
    let lifetime = creds.lifetime().as_secs();
    assert!((3590..=3600).contains(&lifetime), "{name}: lifetime {lifetime} s");
    let hop_key = provider.hops()[0].credentials().access_key_id().to_owned();
    let arn = caller_identity(caller, port, provider.hops()[0].credentials());
    assert_eq!(
        arn, "arn:aws:sts::222222222222:assumed-role/reader/reader-session",
        "{name}: GetCallerIdentity with {hop_key}"
    );
    println!("{name}: web identity -> AssumeRole -> GetCallerIdentity = {arn}");
}

#[test]
fn both_transports_chain_into_a_second_account_on_moto() {
    let Some(moto) = start() else { return };
    let mut caller = StdTransport::builder().no_proxy().build().unwrap();
    chain(
        "std",
        StdTransport::builder().no_proxy().build().unwrap(),
        &mut caller,
        moto.port,
    );
    chain(
        "embedded",
        HttpClient::new(TcpConnector::new().timeout(Duration::from_secs(10))),
        &mut caller,
        moto.port,
    );
}
