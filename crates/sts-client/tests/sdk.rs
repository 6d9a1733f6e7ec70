//! The aws-sdk-rust `ProvideCredentials` implementation (feature
//! `aws-credential-types`).
#![cfg(feature = "aws-credential-types")]

extern crate alloc;

use alloc::sync::Arc;
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::SystemTime;

use aws_credential_types::provider::ProvideCredentials;
use sts_client::endpoint::{EndpointParams, resolve};
use sts_client::{Client, MemoryToken, OwnedInput, SdkCredentialsProvider, StdCredentialProvider, StdPlatform};
use sts_transport::{Request, Response, Transport};

/// Answers every request with the recorded web-identity success, stamped
/// with the current date so the credentials are fresh.
#[derive(Clone, Default)]
struct Canned {
    calls: Arc<Mutex<u32>>,
}

impl Transport for Canned {
    fn send<'b>(&mut self, _: &Request<'_>, buf: &'b mut [u8]) -> Result<Response<'b>, sts_transport::Error> {
        *self.calls.lock().unwrap() += 1;
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../conformance/data/recorded/smithy-rs-web_identity_token_env.1.response-200.xml");
        let now = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64;
        let exp = sts_codec::Timestamp::from_unix(now + 3600, 0)
            .unwrap()
            .rfc3339()
            .unwrap();
        let body = std::fs::read_to_string(path)
            .unwrap()
            .replace("2021-08-16T20:52:53Z", exp.as_str());
        buf[..body.len()].copy_from_slice(body.as_bytes());
        Ok(Response::new(200, &mut buf[..body.len()]))
    }
}

#[test]
fn sdk_provider_fetches_once_then_serves_the_cache() {
    let transport = Canned::default();
    let endpoint = resolve(&EndpointParams {
        region: Some("eu-west-1"),
        ..Default::default()
    })
    .unwrap();
    let client = Client::new(transport.clone(), endpoint, StdPlatform::new());
    let inner = StdCredentialProvider::new(
        client,
        OwnedInput::new("arn:aws:iam::123456789012:role/device"),
        MemoryToken::from_str("eyJhbGciOiJSUzI1NiJ9.e30.c2ln"),
    );
    let provider = SdkCredentialsProvider::new(inner);
    let creds = futures_executor::block_on(provider.provide_credentials()).unwrap();
    assert_eq!(creds.access_key_id(), "AKIDTEST");
    assert_eq!(creds.secret_access_key(), "SECRETKEYTEST");
    assert_eq!(creds.session_token(), Some("SESSIONTOKEN_TEST"));
    let expiry = creds
        .expiry()
        .unwrap()
        .duration_since(SystemTime::now())
        .unwrap()
        .as_secs();
    // Reported expiry: the first refresh try, drawn between 57.5 and 10
    // minutes before the real one.
    assert!((140..=3_000).contains(&expiry), "{expiry}");
    let again = futures_executor::block_on(provider.provide_credentials()).unwrap();
    assert_eq!(again.access_key_id(), "AKIDTEST");
    assert_eq!(*transport.calls.lock().unwrap(), 1);
    assert!(!format!("{provider:?}").contains("SECRETKEYTEST"));
}
