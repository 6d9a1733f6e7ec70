//! aws-creds' `Credentials::from_sts_env` (attohttpc + native-tls), which
//! reads `AWS_ROLE_ARN` and `AWS_WEB_IDENTITY_TOKEN_FILE`, with the session
//! name from `AWS_ROLE_SESSION_NAME`. Fetches `STS_FETCHES` times (default
//! 1) and prints the `AccessKeyId`. See `../measure.sh`.
//!
//! It has no endpoint setting: it always sends `GET
//! https://sts.amazonaws.com/?...`. What it does honour is attohttpc's
//! `HTTPS_PROXY`; `../measure.sh` points that at a local TLS-terminating
//! proxy (`../tls-proxy.py`) in front of the mock, with `SSL_CERT_FILE`
//! naming the proxy's CA.

#[path = "../../common.rs"]
mod common;

use awscreds::Credentials;

#[global_allocator]
static GLOBAL: common::Counting = common::Counting;

fn main() {
    common::run(
        || std::env::var("AWS_ROLE_SESSION_NAME").map_err(|_| "AWS_ROLE_SESSION_NAME is not set".to_owned()),
        |session| {
            let creds = Credentials::from_sts_env(session).map_err(|e| e.to_string())?;
            creds.access_key.ok_or_else(|| "no AccessKeyId".to_owned())
        },
    );
}
