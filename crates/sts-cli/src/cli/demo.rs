//! `demo`: the whole path, offline. A mock STS on 127.0.0.1, a made-up JWT,
//! the real client and transport, and the credential_process JSON.

use std::net::{Ipv4Addr, SocketAddr};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use sts_client::endpoint::{EndpointParams, resolve};
use sts_client::{OwnedInput, RetryPolicy};
use sts_mock::{MockConfig, MockServer};
use zeroize::Zeroizing;

use super::args::TransportKind;
use super::fetch::{Plan, credential_process_json};
use super::{EXIT_OTHER, Failure};

/// The role the demo assumes (the mock accepts any well-formed ARN).
const ROLE_ARN: &str = "arn:aws:iam::123456789012:role/sts-web-identity-demo";
/// The demo's session name.
const SESSION_NAME: &str = "demo-session";
/// The lifetime asked for: the STS minimum.
const DURATION_SECONDS: u32 = 900;

fn say(line: &str) {
    eprintln!("demo: {line}");
}

/// A JWT-shaped token (header and payload base64url JSON, a fake signature)
/// that expires `lifetime` from now. The mock checks the shape and `exp`, not
/// the signature.
fn demo_token(lifetime: Duration) -> String {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
    let exp = (now + lifetime).as_secs();
    let b64 = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
    let header = b64(r#"{"alg":"RS256","typ":"JWT","kid":"demo"}"#);
    let payload = b64(&format!(
        r#"{{"iss":"https://oidc.demo.invalid","sub":"demo-device","aud":"sts.amazonaws.com","iat":{},"exp":{exp}}}"#,
        now.as_secs()
    ));
    format!("{header}.{payload}.{}", b64("not-a-real-signature"))
}

/// Runs the demo; the narration goes to stderr, the JSON to stdout.
pub(crate) fn run(transport: TransportKind) -> Result<(), Failure> {
    let server = MockServer::start(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)), MockConfig::default())
        .map_err(|e| Failure::new(EXIT_OTHER, format!("could not start the mock STS: {e}")))?;
    let url = server.url();
    say(&format!(
        "mock STS listening on {url} (it validates each request as STS would and makes up credentials)"
    ));
    let token = Zeroizing::new(demo_token(Duration::from_secs(3600)).into_bytes());
    say(&format!(
        "web identity token: a made-up JWT of {} chars (iss https://oidc.demo.invalid, sub demo-device, \
         aud sts.amazonaws.com, expires in 1 h)",
        token.len()
    ));
    let endpoint = resolve(&EndpointParams {
        endpoint: Some(&url),
        ..EndpointParams::default()
    })
    .map_err(|e| Failure::new(EXIT_OTHER, format!("endpoint {url}: {e}")))?;
    let mut params = OwnedInput::new(ROLE_ARN);
    params.role_session_name = Some(SESSION_NAME.to_owned());
    params.duration_seconds = Some(DURATION_SECONDS);
    let plan = Plan {
        endpoint,
        params,
        token,
        retry: RetryPolicy::STANDARD,
        timeout: super::args::DEFAULT_TIMEOUT,
        transport,
        ca_bundle: None,
        hops: Vec::new(),
        signing_region: "us-east-1".to_owned(),
    };
    let view = plan.request_view()?;
    say(&format!(
        "sending AssumeRoleWithWebIdentity to {} over the {} transport, with:",
        view.url,
        transport.name()
    ));
    for (name, value) in &view.params {
        say(&format!("  {name} = {value}"));
    }
    let fetched = plan.fetch(true)?;
    say(&format!(
        "the mock STS received {} request(s); the credential_process JSON follows on stdout",
        server.requests().len()
    ));
    super::print_stdout(&credential_process_json(&fetched))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_token_is_a_jwt_that_expires_later() {
        let token = demo_token(Duration::from_secs(60));
        let parts: Vec<&str> = token.split('.').collect();
        assert_eq!(parts.len(), 3);
        let payload = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(parts[1])
            .unwrap();
        let claims: serde_json::Value = serde_json::from_slice(&payload).unwrap();
        let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs();
        assert!(claims["exp"].as_u64().unwrap() > now);
        assert_eq!(claims["sub"], "demo-device");
    }
}
