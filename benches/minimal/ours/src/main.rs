//! sts-client's std provider: fetches credentials from the STS named by the
//! environment (`AWS_ROLE_ARN`, `AWS_WEB_IDENTITY_TOKEN_FILE`, `AWS_REGION`,
//! `AWS_ENDPOINT_URL_STS`), `STS_FETCHES` times (default 1), and prints the
//! `AccessKeyId`. See `../measure.sh`.

#[path = "../../common.rs"]
mod common;

use std::time::Duration;

use sts_client::config::{Settings, load_from_env};
use sts_client::{Client, OwnedInput, RefreshPolicy, StdCredentialProvider, StdPlatform, TokenFile};
use sts_transport::StdTransport;

#[global_allocator]
static GLOBAL: common::Counting = common::Counting;

fn main() {
    common::run(
        || {
            // What `sts_client::from_env()` builds, but with a refresh policy
            // whose mandatory window is the whole lifetime, so that every
            // `credentials()` call fetches (a provider refreshing ahead of
            // expiry, as after an hour in a service).
            let config = load_from_env(&Settings::default()).map_err(|e| e.to_string())?;
            let transport = StdTransport::new().map_err(|e| e.to_string())?;
            let client = Client::new(transport, config.endpoint, StdPlatform::new());
            let mut input = OwnedInput::new(config.role_arn);
            input.role_session_name = config.role_session_name;
            let token = TokenFile::new(config.web_identity_token_file);
            let mut always = RefreshPolicy::DEFAULT
                .with_windows(
                    Duration::from_secs(u32::MAX.into()),
                    Duration::from_secs(u32::MAX.into()),
                )
                .with_jitter(false);
            always.advisory_divisor = 1;
            always.mandatory_divisor = 1;
            let provider = StdCredentialProvider::new(client, input, token).with_refresh_policy(always);
            Ok::<_, String>(provider)
        },
        |provider| {
            let creds = provider.credentials().map_err(|e| e.to_string())?;
            Ok(creds.access_key_id().to_owned())
        },
    );
}
