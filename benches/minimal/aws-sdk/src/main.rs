//! aws-config's `WebIdentityTokenCredentialsProvider` (aws-sdk-sts, its
//! default HTTPS client: hyper + rustls), configured from the environment
//! (`AWS_ROLE_ARN`, `AWS_WEB_IDENTITY_TOKEN_FILE`, `AWS_REGION`,
//! `AWS_ENDPOINT_URL_STS`, which the provider's STS client honours), on a
//! current-thread tokio runtime. Fetches `STS_FETCHES` times (default 1)
//! and prints the `AccessKeyId`. See `../measure.sh`.
//!
//! Shared by `aws-sdk/` (aws-config and aws-sdk-sts as the SDK's guide adds
//! them: default features) and `aws-config/` (aws-config alone).

#[path = "../../common.rs"]
mod common;

use aws_config::provider_config::ProviderConfig;
use aws_config::web_identity_token::WebIdentityTokenCredentialsProvider;
use aws_credential_types::provider::ProvideCredentials;

#[global_allocator]
static GLOBAL: common::Counting = common::Counting;

fn main() {
    common::run(
        || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| e.to_string())?;
            // The provider does not cache: each call is a fetch (aws-config's
            // default chain wraps it in a cache).
            let provider = rt.block_on(async {
                WebIdentityTokenCredentialsProvider::builder()
                    .configure(&ProviderConfig::with_default_region().await)
                    .build()
            });
            Ok::<_, String>((rt, provider))
        },
        |(rt, provider)| {
            let creds = rt.block_on(provider.provide_credentials()).map_err(|e| chain(&e))?;
            Ok(creds.access_key_id().to_owned())
        },
    );
}

/// The error and its sources, as `aws_smithy_types`' `DisplayErrorContext`.
fn chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}
