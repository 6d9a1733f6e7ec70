//! A credential provider that owns its configuration and buffers (feature
//! `std`).

use alloc::boxed::Box;
use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec;
use alloc::vec::Vec;
use core::fmt;
use core::task::Waker;
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};

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
use crate::time::{Clock, Instant, Platform};
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
    /// The client's clock, read without the fetcher's lock.
    clock: Box<dyn Clock + Send + Sync>,
    input: OwnedInput,
    /// Locked by the refreshing caller only (one at a time, by `State::in_flight`).
    fetcher: Mutex<Fetcher<T, P>>,
    /// Locked briefly: never across I/O.
    state: Mutex<State>,
    /// Signalled when a refresh lands.
    landed: Condvar,
}

/// What a refresh needs besides the input.
struct Fetcher<T, P> {
    client: Client<T, P>,
    token: Box<dyn TokenSource + Send>,
    request: Zeroizing<Vec<u8>>,
    response: Zeroizing<Vec<u8>>,
}

/// The shared state of a [`StdCredentialProvider`].
struct State {
    current: Option<Arc<Credentials>>,
    schedule: RefreshSchedule,
    /// A refresh is running.
    in_flight: bool,
    /// Refreshes landed so far (waiters wait for this to move).
    landed: u64,
    /// The error of the last landed refresh, if it failed.
    failure: Option<Error>,
    /// Async waiters ([`SdkCredentialsProvider`](crate::SdkCredentialsProvider)).
    wakers: Vec<Waker>,
}

/// What a caller of a [`StdCredentialProvider`] does next.
pub(crate) enum Step {
    /// Serve these.
    Ready(Arc<Credentials>),
    /// Refresh (this caller is the single flight), then serve.
    Lead(Lead),
    /// Wait until more refreshes than this have landed, then serve.
    Wait(u64),
}

/// A refresh this caller must run: see [`StdCredentialProvider::fly`].
pub(crate) struct Lead {
    need: RefreshNeed,
    now: Instant,
    #[cfg_attr(not(feature = "aws-credential-types"), allow(dead_code))]
    landed: u64,
}

#[cfg(feature = "aws-credential-types")]
impl Lead {
    /// Refreshes landed before this one.
    pub(crate) fn landed(&self) -> u64 {
        self.landed
    }

    /// Whether the cached credentials may be served while this runs.
    pub(crate) fn is_advisory(&self) -> bool {
        self.need == RefreshNeed::Advisory
    }
}

fn lock<X>(m: &Mutex<X>) -> MutexGuard<'_, X> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Empty credentials, for a schedule asked about "nothing cached".
static EMPTY: Credentials<[u8; 0]> = Credentials::empty();

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
            clock: Box::new(clock),
            input,
            fetcher: Mutex::new(Fetcher {
                client,
                token: Box::new(token),
                request: Zeroizing::new(vec![0; STD_REQUEST_BUFFER]),
                response: Zeroizing::new(vec![0; STD_RESPONSE_BUFFER]),
            }),
            state: Mutex::new(State {
                current: None,
                schedule: RefreshSchedule::new(RefreshPolicy::DEFAULT),
                in_flight: false,
                landed: 0,
                failure: None,
                wakers: Vec::new(),
            }),
            landed: Condvar::new(),
        }
    }

    /// Replaces the refresh policy (and forgets any cached credentials).
    #[must_use]
    pub fn with_refresh_policy(mut self, policy: RefreshPolicy) -> Self {
        let state = self.state.get_mut().unwrap_or_else(PoisonError::into_inner);
        state.schedule = RefreshSchedule::new(policy);
        state.current = None;
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
        match self.step() {
            Step::Ready(creds) => return Ok(creds),
            Step::Lead(lead) => self.fly(lead),
            Step::Wait(landed) => {
                let mut state = lock(&self.state);
                while state.landed == landed {
                    state = self.landed.wait(state).unwrap_or_else(PoisonError::into_inner);
                }
            }
        }
        self.served()
    }

    /// What a call to [`credentials`](Self::credentials) at this moment
    /// would find the cached credentials to need.
    pub fn refresh_need(&self) -> RefreshNeed {
        let state = lock(&self.state);
        Self::need(&state, self.clock.now())
    }

    /// The cached credentials, fresh or not, if any.
    pub fn cached(&self) -> Option<Arc<Credentials>> {
        lock(&self.state).current.clone()
    }

    /// A copy of the refresh schedule (with the last advisory error).
    pub fn schedule(&self) -> RefreshSchedule {
        lock(&self.state).schedule.clone()
    }

    /// The client (exclusive access: no refresh can be running).
    pub fn client(&mut self) -> &mut Client<T, P> {
        &mut self.fetcher.get_mut().unwrap_or_else(PoisonError::into_inner).client
    }

    /// The request input.
    pub fn input(&self) -> &OwnedInput {
        &self.input
    }

    fn need(state: &State, now: Instant) -> RefreshNeed {
        state
            .current
            .as_deref()
            .map_or(RefreshNeed::Mandatory, |creds| state.schedule.need(now, creds))
    }

    /// Decides, under the state lock, what this caller does; a caller told
    /// to [`Lead`](Step::Lead) must [`fly`](Self::fly).
    pub(crate) fn step(&self) -> Step {
        let mut state = lock(&self.state);
        let now = self.clock.now();
        let need = Self::need(&state, now);
        match (need, &state.current) {
            (RefreshNeed::None, Some(creds)) => Step::Ready(Arc::clone(creds)),
            (RefreshNeed::Advisory, Some(creds)) if state.in_flight => Step::Ready(Arc::clone(creds)),
            _ if state.in_flight => Step::Wait(state.landed),
            _ => {
                state.in_flight = true;
                Step::Lead(Lead {
                    need,
                    now,
                    landed: state.landed,
                })
            }
        }
    }

    /// Runs the refresh `lead` stands for, then lands it.
    pub(crate) fn fly(&self, lead: Lead) {
        // Lands the flight even if the transport panics, so waiters wake.
        let landing = Landing(self);
        let fetched = {
            let mut fetcher = lock(&self.fetcher);
            let Fetcher {
                client,
                token,
                request,
                response,
            } = &mut *fetcher;
            let mut fresh = Box::new(Credentials::<[u8; STD_TOKEN_CAPACITY]>::empty());
            let mut buffers = Buffers::new(request.as_mut_slice(), response.as_mut_slice());
            let outcome = self
                .input
                .with_input(|i| client.fetch_into(i, token.as_mut(), &mut buffers, &mut *fresh));
            outcome.map(|()| (fresh, client.platform_mut().next_u64()))
        };
        let mut state = lock(&self.state);
        match fetched {
            Ok((fresh, draw)) => {
                state.schedule.stored(&*fresh, draw);
                let fresh: Arc<Credentials> = Arc::<Credentials<[u8; STD_TOKEN_CAPACITY]>>::from(fresh);
                state.current = Some(fresh);
                state.failure = None;
            }
            Err(e) => {
                let State { current, schedule, .. } = &mut *state;
                let cached: &Credentials = current.as_deref().unwrap_or(&EMPTY);
                // Reschedules an advisory try; the error itself is kept below.
                let _ = schedule.settle(lead.now, lead.need, Err(e), cached, || 0);
                state.failure = Some(e);
            }
        }
        drop(state);
        drop(landing);
    }

    /// Serves the cached credentials after a landed refresh: fresh ones, or
    /// stale ones while an advisory retry is pending; else the error.
    pub(crate) fn served(&self) -> Result<Arc<Credentials>, Error> {
        let state = lock(&self.state);
        self.served_from(&state)
    }

    fn served_from(&self, state: &State) -> Result<Arc<Credentials>, Error> {
        let now = self.clock.now();
        match (&state.current, state.failure) {
            (Some(creds), None) if !creds.is_expired(now) => Ok(Arc::clone(creds)),
            (Some(creds), Some(_)) if Self::need(state, now) != RefreshNeed::Mandatory => Ok(Arc::clone(creds)),
            (_, Some(e)) => Err(e),
            _ => Err(ErrorKind::NoCredentials.into()),
        }
    }
}

/// What the async adapter needs besides [`StdCredentialProvider::step`] and
/// [`StdCredentialProvider::fly`].
#[cfg(feature = "aws-credential-types")]
impl<T: Transport, P: Platform> StdCredentialProvider<T, P> {
    /// The clock the provider decides on.
    pub(crate) fn now(&self) -> Instant {
        self.clock.now()
    }

    /// Lands a flight whose [`Lead`] was lost before it could
    /// [`fly`](Self::fly) (its thread failed to start).
    pub(crate) fn land_unstarted(&self) {
        drop(Landing(self));
    }

    /// [`served`](Self::served) once more than `landed` refreshes have
    /// landed; until then `waker` is woken when one lands.
    pub(crate) fn poll_landed(&self, landed: u64, waker: &Waker) -> Option<Result<Arc<Credentials>, Error>> {
        let mut state = lock(&self.state);
        if state.landed != landed {
            return Some(self.served_from(&state));
        }
        if !state.wakers.iter().any(|w| w.will_wake(waker)) {
            state.wakers.push(waker.clone());
        }
        None
    }
}

/// Ends a flight when dropped: clears `in_flight`, counts it, wakes every
/// waiter.
struct Landing<'a, T, P>(&'a StdCredentialProvider<T, P>);

impl<T, P> Drop for Landing<'_, T, P> {
    fn drop(&mut self) {
        let wakers = {
            let mut state = lock(&self.0.state);
            state.in_flight = false;
            state.landed = state.landed.wrapping_add(1);
            core::mem::take(&mut state.wakers)
        };
        self.0.landed.notify_all();
        for waker in wakers {
            waker.wake();
        }
    }
}

impl<T, P> fmt::Debug for StdCredentialProvider<T, P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("StdCredentialProvider");
        match self.fetcher.try_lock() {
            Ok(fetcher) => d.field("client", &fetcher.client),
            Err(_) => d.field("client", &"<refreshing>"),
        };
        d.field("input", &self.input);
        match self.state.try_lock() {
            Ok(state) => d.field("schedule", &state.schedule).field("cached", &state.current),
            Err(_) => d.field("schedule", &"<busy>"),
        };
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
