//! A credential provider that owns its configuration and buffers (feature
//! `std`).

use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use core::fmt;

use sts_codec::AssumeRoleWithWebIdentityInput;
use sts_transport::Transport;
use zeroize::Zeroizing;

use crate::client::Client;
use crate::config::{Config, ConfigError, Settings, load_from_env};
use crate::credentials::Credentials;
use crate::error::{Error, ErrorKind};
use crate::exchange::Buffers;
use crate::refresh::{RefreshNeed, RefreshPolicy, RefreshSchedule};
use crate::retry::RetryPolicy;
use crate::std_impls::{StdPlatform, TokenFile};
use crate::time::Platform;
use crate::token::TokenSource;

/// Request buffer size of [`StdCredentialProvider`]: room for the largest
/// request the STS model allows (a 20,000-character token percent-encoded,
/// policy and ARNs at their maxima).
pub const STD_REQUEST_BUFFER: usize = 96 * 1024;
/// Response buffer size of [`StdCredentialProvider`]: a 64 KiB body plus the
/// head (it also holds the token while the body is encoded).
pub const STD_RESPONSE_BUFFER: usize = 72 * 1024;
/// Session token capacity of [`StdCredentialProvider`].
pub const STD_TOKEN_CAPACITY: usize = 8 * 1024;

/// The request with owned strings: what a host keeps of an
/// [`AssumeRoleWithWebIdentityInput`] between fetches (the token comes from
/// a [`TokenSource`] each time; a session name is generated per fetch when
/// there is none).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct OwnedInput {
    /// `RoleArn`.
    pub role_arn: String,
    /// `RoleSessionName`; generated per fetch when `None`.
    pub role_session_name: Option<String>,
    /// `DurationSeconds`.
    pub duration_seconds: Option<u32>,
    /// `Policy`.
    pub policy: Option<String>,
    /// `PolicyArns`.
    pub policy_arns: Vec<String>,
    /// `ProviderId`.
    pub provider_id: Option<String>,
}

impl OwnedInput {
    /// An input for `role_arn`.
    pub fn new(role_arn: impl Into<String>) -> Self {
        OwnedInput {
            role_arn: role_arn.into(),
            ..OwnedInput::default()
        }
    }

    /// Calls `f` with the borrowed form (token empty).
    pub fn with_input<T>(&self, f: impl FnOnce(&AssumeRoleWithWebIdentityInput<'_>) -> T) -> T {
        let arns: Vec<&str> = self.policy_arns.iter().map(String::as_str).collect();
        let mut input = AssumeRoleWithWebIdentityInput::for_role(&self.role_arn).with_policy_arns(&arns);
        input.role_session_name = self.role_session_name.as_deref().unwrap_or("");
        input.duration_seconds = self.duration_seconds;
        input.policy = self.policy.as_deref();
        input.provider_id = self.provider_id.as_deref();
        f(&input)
    }
}

/// A blocking provider that owns its input, token source, buffers and
/// storage: the host counterpart of
/// [`CredentialProvider`](crate::CredentialProvider), running the same
/// [`RefreshSchedule`] logic over a [`StdPlatform`].
pub struct StdCredentialProvider<T, P = StdPlatform> {
    client: Client<T, P>,
    input: OwnedInput,
    token: Box<dyn TokenSource + Send>,
    request: Zeroizing<Vec<u8>>,
    response: Zeroizing<Vec<u8>>,
    storage: Box<Credentials>,
    schedule: RefreshSchedule,
}

impl<T: Transport> StdCredentialProvider<T> {
    /// A provider configured from the environment and the shared config
    /// file (see [`config`](crate::config)), sending over `transport` (a CA
    /// bundle the configuration names is for you to give `transport`:
    /// [`Config::ca_bundle`]).
    ///
    /// # Errors
    ///
    /// See [`ConfigError`].
    pub fn from_env(transport: T) -> Result<Self, ConfigError> {
        Self::from_settings(transport, &Settings::default())
    }

    /// Like [`from_env`](Self::from_env), with explicit settings taking
    /// precedence.
    ///
    /// # Errors
    ///
    /// See [`ConfigError`].
    pub fn from_settings(transport: T, explicit: &Settings) -> Result<Self, ConfigError> {
        Ok(Self::from_config(transport, load_from_env(explicit)?))
    }

    /// A provider for a resolved [`Config`].
    pub fn from_config(transport: T, config: Config) -> Self {
        let mut retry = RetryPolicy::STANDARD;
        if let Some(n) = config.max_attempts {
            retry = retry.with_max_attempts(n);
        }
        let client = Client::new(transport, config.endpoint, StdPlatform::new()).with_retry_policy(retry);
        let mut input = OwnedInput::new(config.role_arn);
        input.role_session_name = config.role_session_name;
        StdCredentialProvider::new(client, input, TokenFile::new(config.web_identity_token_file))
    }
}

impl<T: Transport, P: Platform> StdCredentialProvider<T, P> {
    /// A provider over any client and token source, with the default
    /// refresh policy.
    pub fn new(client: Client<T, P>, input: OwnedInput, token: impl TokenSource + Send + 'static) -> Self {
        StdCredentialProvider {
            client,
            input,
            token: Box::new(token),
            request: Zeroizing::new(vec![0; STD_REQUEST_BUFFER]),
            response: Zeroizing::new(vec![0; STD_RESPONSE_BUFFER]),
            storage: Box::new(Credentials::<[u8; STD_TOKEN_CAPACITY]>::empty()),
            schedule: RefreshSchedule::new(RefreshPolicy::DEFAULT),
        }
    }

    /// Replaces the refresh policy.
    #[must_use]
    pub fn with_refresh_policy(mut self, policy: RefreshPolicy) -> Self {
        self.schedule = RefreshSchedule::new(policy);
        self
    }

    /// Valid credentials: the cached ones, or fresh ones when the
    /// [`RefreshPolicy`] says so.
    ///
    /// # Errors
    ///
    /// A failed refresh in the mandatory window (or with nothing cached).
    pub fn credentials(&mut self) -> Result<&Credentials, Error> {
        let now = self.client.platform().now();
        let need = self.schedule.need(now, &self.storage);
        if need != RefreshNeed::None {
            let StdCredentialProvider {
                client,
                input,
                token,
                request,
                response,
                storage,
                schedule,
            } = self;
            let mut buffers = Buffers::new(request.as_mut_slice(), response.as_mut_slice());
            let outcome = input.with_input(|i| client.fetch_into(i, token.as_mut(), &mut buffers, storage));
            let platform = client.platform_mut();
            schedule.settle(now, need, outcome, storage, || platform.next_u64())?;
        }
        if self.schedule.is_cached() {
            Ok(&self.storage)
        } else {
            Err(ErrorKind::NoCredentials.into())
        }
    }

    /// What a call to [`credentials`](Self::credentials) at this moment
    /// would have to do.
    pub fn refresh_need(&self) -> RefreshNeed {
        self.schedule.need(self.client.platform().now(), &self.storage)
    }

    /// The cached credentials, fresh or not, if any.
    pub fn cached(&self) -> Option<&Credentials> {
        self.schedule.is_cached().then_some(&*self.storage)
    }

    /// The refresh schedule (and the last advisory error).
    pub fn schedule(&self) -> &RefreshSchedule {
        &self.schedule
    }

    /// The client.
    pub fn client(&mut self) -> &mut Client<T, P> {
        &mut self.client
    }

    /// The request input.
    pub fn input(&self) -> &OwnedInput {
        &self.input
    }
}

impl<T, P> fmt::Debug for StdCredentialProvider<T, P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StdCredentialProvider")
            .field("client", &self.client)
            .field("input", &self.input)
            .field("schedule", &self.schedule)
            .finish_non_exhaustive()
    }
}

/// A provider configured from the environment and the shared config file
/// (see [`config`](crate::config)), over sts-transport's `StdTransport`
/// (ureq, rustls, webpki roots, or the certificates of the CA bundle that
/// `AWS_CA_BUNDLE` or the profile's `ca_bundle` names; the proxy from
/// `HTTPS_PROXY` and `NO_PROXY`), with the standard retry and refresh
/// policies (feature `std-transport`).
///
/// ```no_run
/// let mut provider = sts_client::from_env()?;
/// let creds = provider.credentials()?;
/// println!("{} valid for {:?}", creds.access_key_id(), creds.lifetime());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// See [`ConfigError`].
#[cfg(feature = "std-transport")]
pub fn from_env() -> Result<StdCredentialProvider<sts_transport::StdTransport>, ConfigError> {
    use alloc::string::ToString as _;
    let config = load_from_env(&Settings::default())?;
    let mut builder = sts_transport::StdTransport::builder();
    if let Some(path) = &config.ca_bundle {
        let bundle = sts_transport::CaBundle::read(path).map_err(|e| ConfigError::CaBundle {
            path: path.clone(),
            reason: e.problem().to_string(),
        })?;
        builder = builder.ca_bundle(&bundle);
    }
    let transport = builder.build().map_err(ConfigError::Transport)?;
    Ok(StdCredentialProvider::from_config(transport, config))
}
