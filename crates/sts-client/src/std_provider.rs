//! A credential provider that owns its configuration and buffers (feature
//! `std`).

use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use core::fmt;

use sts_transport::Transport;
use zeroize::Zeroizing;

use crate::client::{Buffers, Client, NoObserver, Observer, Params};
use crate::config::{Config, ConfigError, Settings, load_from_env};
use crate::credentials::{Credentials, DEFAULT_TOKEN_CAPACITY};
use crate::error::Error;
use crate::refresh::{CredentialCache, RefreshNeed, RefreshPolicy};
use crate::retry::RetryPolicy;
use crate::std_impls::{OsRng, StdClock, ThreadSleep, TokenFile};
use crate::time::{Clock, Delay, Rng};
use crate::token::TokenSource;

/// Request buffer size of [`StdCredentialProvider`]: room for the largest
/// request the STS model allows (a 20,000-character token percent-encoded,
/// policy and ARNs at their maxima).
pub const STD_REQUEST_BUFFER: usize = 96 * 1024;
/// Response buffer size of [`StdCredentialProvider`]: a 64 KiB body plus the
/// head (it also holds the token while the body is encoded).
pub const STD_RESPONSE_BUFFER: usize = 72 * 1024;

/// [`Params`] with owned strings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct OwnedParams {
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

impl OwnedParams {
    /// Parameters for `role_arn`.
    pub fn new(role_arn: impl Into<String>) -> Self {
        OwnedParams {
            role_arn: role_arn.into(),
            ..OwnedParams::default()
        }
    }

    /// Calls `f` with the borrowed form.
    pub fn with_params<T>(&self, f: impl FnOnce(&Params<'_>) -> T) -> T {
        let arns: Vec<&str> = self.policy_arns.iter().map(String::as_str).collect();
        let mut p = Params::new(&self.role_arn).with_policy_arns(&arns);
        p.role_session_name = self.role_session_name.as_deref();
        p.duration_seconds = self.duration_seconds;
        p.policy = self.policy.as_deref();
        p.provider_id = self.provider_id.as_deref();
        f(&p)
    }
}

/// A blocking provider that owns its parameters, token source and buffers:
/// the host counterpart of [`CredentialProvider`](crate::CredentialProvider),
/// running the same [`CredentialCache`] logic.
pub struct StdCredentialProvider<
    T,
    S = TokenFile,
    O = NoObserver,
    C = StdClock,
    D = ThreadSleep,
    R = OsRng,
    const TOKEN_CAP: usize = DEFAULT_TOKEN_CAPACITY,
> {
    client: Client<T, C, D, R, O>,
    params: OwnedParams,
    token: S,
    request: Zeroizing<Vec<u8>>,
    response: Zeroizing<Vec<u8>>,
    cache: CredentialCache<TOKEN_CAP>,
}

impl<T: Transport> StdCredentialProvider<T> {
    /// A provider configured from the environment and the shared config
    /// file (see [`config`](crate::config)), sending over `transport`.
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
        let client = Client::new(transport, config.endpoint, StdClock::new(), ThreadSleep, OsRng::new())
            .with_retry_policy(retry);
        let mut params = OwnedParams::new(config.role_arn);
        params.role_session_name = config.role_session_name;
        StdCredentialProvider::new(
            client,
            params,
            TokenFile::new(config.web_identity_token_file),
            RefreshPolicy::DEFAULT,
        )
    }
}

impl<T, S, O, C, D, R, const TOKEN_CAP: usize> StdCredentialProvider<T, S, O, C, D, R, TOKEN_CAP>
where
    T: Transport,
    S: TokenSource,
    O: Observer,
    C: Clock,
    D: Delay,
    R: Rng,
{
    /// A provider over any client and token source.
    pub fn new(client: Client<T, C, D, R, O>, params: OwnedParams, token: S, policy: RefreshPolicy) -> Self {
        StdCredentialProvider {
            client,
            params,
            token,
            request: Zeroizing::new(vec![0; STD_REQUEST_BUFFER]),
            response: Zeroizing::new(vec![0; STD_RESPONSE_BUFFER]),
            cache: CredentialCache::new(policy),
        }
    }

    /// Valid credentials: the cached ones, or fresh ones when the
    /// [`RefreshPolicy`] says so.
    ///
    /// # Errors
    ///
    /// A failed refresh in the mandatory window (or with nothing cached).
    pub fn credentials(&mut self) -> Result<&Credentials<TOKEN_CAP>, Error> {
        let now = self.client.clock().now();
        let need = self.cache.need(now);
        if need != RefreshNeed::None {
            let StdCredentialProvider {
                client,
                params,
                token,
                request,
                response,
                cache,
            } = self;
            let mut buffers = Buffers::new(request.as_mut_slice(), response.as_mut_slice());
            let outcome = params.with_params(|p| client.fetch_into(p, token, &mut buffers, cache.slot()));
            self.cache.settle_in_place(now, need, outcome, self.client.rng_mut())?;
        }
        self.cache.current()
    }
}

impl<T, S, O, C, D, R, const TOKEN_CAP: usize> StdCredentialProvider<T, S, O, C, D, R, TOKEN_CAP> {
    /// What a call to [`credentials`](Self::credentials) at this moment
    /// would have to do.
    pub fn refresh_need(&self) -> RefreshNeed
    where
        C: Clock,
    {
        self.cache.need(self.client.clock().now())
    }

    /// The cache (schedule, last advisory error).
    pub fn cache(&self) -> &CredentialCache<TOKEN_CAP> {
        &self.cache
    }

    /// The client.
    pub fn client(&mut self) -> &mut Client<T, C, D, R, O> {
        &mut self.client
    }

    /// The request parameters.
    pub fn params(&self) -> &OwnedParams {
        &self.params
    }
}

impl<T, S: fmt::Debug, O, C, D, R, const TOKEN_CAP: usize> fmt::Debug
    for StdCredentialProvider<T, S, O, C, D, R, TOKEN_CAP>
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StdCredentialProvider")
            .field("client", &self.client)
            .field("params", &self.params)
            .field("token", &self.token)
            .field("cache", &self.cache)
            .finish_non_exhaustive()
    }
}

/// A provider configured from the environment and the shared config file
/// (see [`config`](crate::config)), over sts-transport's `StdTransport`
/// (ureq, rustls, webpki roots), with the standard retry and refresh
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
    let config = load_from_env(&Settings::default())?;
    let transport = sts_transport::StdTransport::new().map_err(ConfigError::Transport)?;
    Ok(StdCredentialProvider::from_config(transport, config))
}
