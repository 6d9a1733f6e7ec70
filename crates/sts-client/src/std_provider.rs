//! A credential provider that owns its configuration and buffers (feature
//! `std`).

use alloc::boxed::Box;
use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec;
use alloc::vec::Vec;
use core::fmt;

use sts_codec::AssumeRoleWithWebIdentityInput;
use sts_transport::Transport;
use zeroize::Zeroizing;

use crate::client::Client;
use crate::config::{Config, ConfigError, Settings, load_from_env};
use crate::credentials::Credentials;
use crate::error::Error;
use crate::exchange::Buffers;
use crate::refresh::{RefreshNeed, RefreshPolicy, RefreshSchedule};
use crate::retry::RetryPolicy;
#[cfg(feature = "aws-credential-types")]
use crate::single_flight::Refresher;
use crate::single_flight::{Fetched, Shared};
use crate::std_impls::{StdPlatform, TokenFile};
#[cfg(feature = "aws-credential-types")]
use crate::time::Instant;
use crate::time::{Clock, Platform};
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
/// credentials, shareable by `&self` between threads (put it in an `Arc`, or
/// lend it to scoped threads): the host counterpart of
/// [`CredentialProvider`](crate::CredentialProvider), running the same
/// [`RefreshSchedule`] over a [`StdPlatform`].
///
/// [`credentials`](Self::credentials) hands out the cached credentials as an
/// `Arc`, and refreshes them as the [`RefreshPolicy`] says, **single
/// flight**: one caller (the first to find a refresh due) fetches, on its
/// own thread; no lock is held across the network call by anyone else.
///
/// - With fresh credentials, every caller gets them at once.
/// - In the **advisory window**, the first caller refreshes; everyone else
///   gets the cached credentials at once while that refresh runs. If it
///   fails, the cached ones keep being served and the next try comes
///   [`RefreshPolicy::retry_interval`] later.
/// - With **no usable credentials** (none yet, the mandatory window, or
///   expired), callers wait, all for the same single refresh, and share its
///   result.
///
/// Each refresh writes into new storage: credentials handed out earlier stay
/// valid and unchanged, and are wiped when the last `Arc` to them is dropped.
pub struct StdCredentialProvider<T, P = StdPlatform> {
    input: OwnedInput,
    shared: Shared<Fetcher<T, P>>,
}

/// What a refresh needs besides the input.
pub(crate) struct Fetcher<T, P> {
    client: Client<T, P>,
    token: Box<dyn TokenSource + Send>,
    request: Zeroizing<Vec<u8>>,
    response: Zeroizing<Vec<u8>>,
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
        let config = load_from_env(explicit)?;
        config.require_no_chain()?;
        Ok(Self::from_config(transport, config))
    }

    /// A provider for a resolved [`Config`]; its
    /// [`role_chain`](Config::role_chain) is not followed (see
    /// [`Config::require_no_chain`]).
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

    /// A provider over a client on the [`StdPlatform`] and any token
    /// source, with the default refresh policy.
    pub fn new(client: Client<T, StdPlatform>, input: OwnedInput, token: impl TokenSource + Send + 'static) -> Self {
        let clock = *client.platform().clock();
        StdCredentialProvider::with_clock(client, clock, input, token)
    }
}

impl<T: Transport, P: Platform> StdCredentialProvider<T, P> {
    /// A provider over a client on any platform; `clock` must read the same
    /// clock as the platform's [`now`](Platform::now) (the provider reads it
    /// while the platform is busy with a refresh).
    pub fn with_clock(
        client: Client<T, P>,
        clock: impl Clock + Send + Sync + 'static,
        input: OwnedInput,
        token: impl TokenSource + Send + 'static,
    ) -> Self {
        StdCredentialProvider {
            input,
            shared: Shared::new(
                clock,
                Fetcher {
                    client,
                    token: Box::new(token),
                    request: Zeroizing::new(vec![0; STD_REQUEST_BUFFER]),
                    response: Zeroizing::new(vec![0; STD_RESPONSE_BUFFER]),
                },
            ),
        }
    }

    /// Replaces the refresh policy (and forgets any cached credentials).
    #[must_use]
    pub fn with_refresh_policy(mut self, policy: RefreshPolicy) -> Self {
        self.shared.set_policy(policy);
        self
    }

    /// Valid credentials: the cached ones, or fresh ones when the
    /// [`RefreshPolicy`] says so (see the [type docs](Self) for who waits).
    ///
    /// # Errors
    ///
    /// A failed refresh with no usable credentials cached (nothing yet, the
    /// mandatory window, or expired); every caller that waited for that
    /// refresh gets its error.
    pub fn credentials(&self) -> Result<Arc<Credentials>, Error> {
        self.shared.credentials(|f, _, _| Self::fetch_with(&self.input, f))
    }

    /// What a call to [`credentials`](Self::credentials) at this moment
    /// would find the cached credentials to need.
    pub fn refresh_need(&self) -> RefreshNeed {
        self.shared.refresh_need()
    }

    /// The cached credentials, fresh or not, if any.
    pub fn cached(&self) -> Option<Arc<Credentials>> {
        self.shared.cached()
    }

    /// A copy of the refresh schedule (with the last advisory error).
    pub fn schedule(&self) -> RefreshSchedule {
        self.shared.schedule()
    }

    /// The client (exclusive access: no refresh can be running).
    pub fn client(&mut self) -> &mut Client<T, P> {
        &mut self.shared.fetcher_mut().client
    }

    /// The request input.
    pub fn input(&self) -> &OwnedInput {
        &self.input
    }

    /// One web identity fetch into new storage.
    fn fetch_with(input: &OwnedInput, fetcher: &mut Fetcher<T, P>) -> Fetched {
        let Fetcher {
            client,
            token,
            request,
            response,
        } = fetcher;
        let mut fresh: Box<Credentials> = Box::new(Credentials::<[u8; STD_TOKEN_CAPACITY]>::empty());
        let mut buffers = Buffers::new(request.as_mut_slice(), response.as_mut_slice());
        input.with_input(|i| client.fetch_into(i, token.as_mut(), &mut buffers, &mut fresh))?;
        Ok((fresh, client.platform_mut().next_u64()))
    }
}

#[cfg(feature = "aws-credential-types")]
impl<T, P> Refresher for StdCredentialProvider<T, P>
where
    T: Transport + Send + 'static,
    P: Platform + Send + 'static,
{
    type Fetcher = Fetcher<T, P>;
    fn shared(&self) -> &Shared<Fetcher<T, P>> {
        &self.shared
    }
    fn fetch(&self, fetcher: &mut Fetcher<T, P>, _: RefreshNeed, _: Instant) -> Fetched {
        Self::fetch_with(&self.input, fetcher)
    }
}

impl<T, P> fmt::Debug for StdCredentialProvider<T, P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("StdCredentialProvider");
        d.field("input", &self.input);
        self.shared.debug_fields(&mut d, |fetcher, d| {
            d.field("client", &fetcher.client);
        });
        d.finish_non_exhaustive()
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
/// let provider = sts_client::from_env()?;
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
    config.require_no_chain()?;
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
