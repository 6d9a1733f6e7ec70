//! An owning role chain for hosts (feature `std`): [`StdChainProvider`].

use alloc::boxed::Box;
use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec;
use alloc::vec::Vec;
use core::fmt;

use sts_codec::AssumeRoleInput;
use sts_transport::Transport;
use zeroize::Zeroizing;

use crate::client::Client;
use crate::config::{Config, ConfigError, RoleHop, Settings, load_from_env};
use crate::credentials::Credentials;
use crate::error::{Error, ErrorKind};
use crate::exchange::Buffers;
use crate::refresh::{RefreshNeed, RefreshPolicy, RefreshSchedule};
use crate::retry::RetryPolicy;
#[cfg(feature = "aws-credential-types")]
use crate::single_flight::Refresher;
use crate::single_flight::{EMPTY, Fetched, Shared};
use crate::std_impls::{StdPlatform, TokenFile};
use crate::std_provider::{OwnedInput, STD_REQUEST_BUFFER, STD_RESPONSE_BUFFER, STD_TOKEN_CAPACITY};
use crate::time::{Clock, Instant, Platform};
use crate::token::TokenSource;

/// A level of the chain below the last: 0 is web identity, `k` the
/// `k`-th hop.
struct Level {
    /// The hop's `AssumeRole` (none for web identity).
    hop: Option<RoleHop>,
    current: Option<Arc<Credentials>>,
    schedule: RefreshSchedule,
}

/// What a refresh of the chain needs.
pub(crate) struct Inner<T, P> {
    client: Client<T, P>,
    base: OwnedInput,
    token: Box<dyn TokenSource + Send>,
    /// The levels below the last (whose credentials and schedule the
    /// single-flight core keeps).
    below: Vec<Level>,
    /// The last level's hop: none when the chain is web identity alone.
    last: Option<RoleHop>,
    region: String,
    request: Zeroizing<Vec<u8>>,
    response: Zeroizing<Vec<u8>>,
}

/// A role chain that owns its configuration, buffers and credentials: web
/// identity, then the `AssumeRole` hops of a [`Config`]'s
/// [`role_chain`](Config::role_chain) (the shared config's `source_profile`
/// chain), each refreshed ahead of its own
/// expiry as [`ChainProvider`](crate::ChainProvider) does, lazily from the
/// last hop down. Shared by `&self`, single flight as
/// [`StdCredentialProvider`](crate::StdCredentialProvider) is: one caller
/// refreshes (the levels below the last first, where their own schedules
/// say so); in the last hop's advisory window the others are served the
/// cached credentials at once; with nothing usable they wait for that one
/// refresh. `SdkCredentialsProvider::from_chain` (feature `aws-credential-types`)
/// serves it to aws-sdk-rust. Each refresh writes new storage: credentials
/// handed out stay valid and unchanged.
pub struct StdChainProvider<T, P = StdPlatform> {
    shared: Shared<Inner<T, P>>,
}

impl<T: Transport> StdChainProvider<T> {
    /// A chain configured from the environment and the shared config file
    /// ([`load_from_env`]): `AWS_PROFILE=target` with `source_profile`
    /// links (a profile without them is a chain of no hop).
    ///
    /// # Errors
    ///
    /// See [`ConfigError`].
    pub fn from_env(transport: T) -> Result<Self, ConfigError> {
        Ok(Self::from_config(transport, load_from_env(&Settings::default())?))
    }

    /// A chain for a resolved [`Config`], its token read from the web
    /// identity hop's token file at each refresh of that hop.
    pub fn from_config(transport: T, config: Config) -> Self {
        let base = config;
        let mut retry = RetryPolicy::STANDARD;
        if let Some(n) = base.max_attempts {
            retry = retry.with_max_attempts(n);
        }
        let client = Client::new(transport, base.endpoint, StdPlatform::new()).with_retry_policy(retry);
        let mut input = OwnedInput::new(base.role_arn);
        input.role_session_name = base.role_session_name;
        let region = base.region.unwrap_or_else(|| String::from("us-east-1"));
        Self::new(
            client,
            input,
            TokenFile::new(base.web_identity_token_file),
            base.role_chain,
            region,
        )
    }
}

impl<T: Transport> StdChainProvider<T> {
    /// A chain over a client on the [`StdPlatform`]: web identity with
    /// `base` and `token`, then `hops` in order, signed for `region` unless
    /// the endpoint fixes its own signing region. Hop durations above
    /// 3600 s are clamped.
    pub fn new(
        client: Client<T, StdPlatform>,
        base: OwnedInput,
        token: impl TokenSource + Send + 'static,
        hops: Vec<RoleHop>,
        region: String,
    ) -> Self {
        let clock = *client.platform().clock();
        StdChainProvider::with_clock(client, clock, base, token, hops, region)
    }
}

impl<T: Transport, P: Platform> StdChainProvider<T, P> {
    /// [`new`](StdChainProvider::new) over a client on any platform;
    /// `clock` must read the same clock as the platform's
    /// [`now`](Platform::now).
    pub fn with_clock(
        client: Client<T, P>,
        clock: impl Clock + Send + Sync + 'static,
        base: OwnedInput,
        token: impl TokenSource + Send + 'static,
        hops: Vec<RoleHop>,
        region: String,
    ) -> Self {
        let level = |hop: Option<RoleHop>| Level {
            hop,
            current: None,
            schedule: RefreshSchedule::new(RefreshPolicy::DEFAULT),
        };
        let mut hops: Vec<RoleHop> = hops
            .into_iter()
            .map(|mut hop| {
                hop.duration_seconds = hop.duration_seconds.map(|d| d.min(crate::MAX_CHAINED_DURATION_SECONDS));
                hop
            })
            .collect();
        let last = hops.pop();
        let mut below = Vec::new();
        if last.is_some() {
            below.push(level(None));
            below.extend(hops.into_iter().map(|hop| level(Some(hop))));
        }
        StdChainProvider {
            shared: Shared::new(
                clock,
                Inner {
                    client,
                    base,
                    token: Box::new(token),
                    below,
                    last,
                    region,
                    request: Zeroizing::new(vec![0; STD_REQUEST_BUFFER]),
                    response: Zeroizing::new(vec![0; STD_RESPONSE_BUFFER]),
                },
            ),
        }
    }

    /// Replaces the refresh policy of every level (and forgets any cached
    /// credentials).
    #[must_use]
    pub fn with_refresh_policy(mut self, policy: RefreshPolicy) -> Self {
        self.shared.set_policy(policy);
        for level in &mut self.shared.fetcher_mut().below {
            level.schedule = RefreshSchedule::new(policy);
            level.current = None;
        }
        self
    }

    /// The last hop's credentials, refreshed where needed, single flight
    /// as in [`StdCredentialProvider`](crate::StdCredentialProvider): in
    /// the last hop's advisory window the others are served the cached
    /// credentials while one caller refreshes.
    ///
    /// # Errors
    ///
    /// A refresh that failed where the credentials were needed (a mandatory
    /// window, nothing cached, or a hop whose source could not be
    /// refreshed).
    pub fn credentials(&self) -> Result<Arc<Credentials>, Error> {
        self.shared.credentials(Inner::fetch)
    }

    /// The last hop's cached credentials, fresh or not, if any.
    pub fn cached(&self) -> Option<Arc<Credentials>> {
        self.shared.cached()
    }

    /// How many `AssumeRole` hops follow web identity.
    pub fn hops(&mut self) -> usize {
        let inner = self.shared.fetcher_mut();
        inner.below.len().saturating_sub(1) + usize::from(inner.last.is_some())
    }
}

impl<T: Transport, P: Platform> Inner<T, P> {
    /// Refreshes the last level (which `need`s it at `now`), first the
    /// levels below it that need a refresh too, lowest first: a level is
    /// refreshed only when the one above it is and its own schedule says
    /// so.
    fn fetch(&mut self, _need: RefreshNeed, now: Instant) -> Fetched {
        let need = |level: &Level| match &level.current {
            Some(c) => level.schedule.need(now, c),
            None => RefreshNeed::Mandatory,
        };
        // The lowest level of the run of levels under the last that need a
        // refresh.
        let start = self
            .below
            .iter()
            .rposition(|l| need(l) == RefreshNeed::None)
            .map_or(0, |k| k + 1);
        let mut failed: Option<Error> = None;
        for k in start..self.below.len() {
            let level_need = need(&self.below[k]);
            let outcome = match failed {
                Some(e) => Err(e),
                None => {
                    let source = k.checked_sub(1).and_then(|b| self.below[b].current.clone());
                    let hop = self.below[k].hop.clone();
                    self.fetch_level(hop.as_ref(), source, now)
                }
            };
            let level = &mut self.below[k];
            match outcome {
                Ok((fresh, draw)) => {
                    level.schedule.stored(&fresh, draw);
                    level.current = Some(Arc::from(fresh));
                    failed = None;
                }
                Err(e) => {
                    let cached: &Credentials = level.current.as_deref().unwrap_or(&EMPTY);
                    failed = level.schedule.settle(now, level_need, Err(e), cached, || 0).err();
                }
            }
        }
        if let Some(e) = failed {
            return Err(e);
        }
        let source = self.below.last().and_then(|l| l.current.clone());
        let last = self.last.clone();
        self.fetch_level(last.as_ref(), source, now)
    }

    /// One level: web identity (`hop` none) or an `AssumeRole` with the
    /// `source` credentials, into new storage.
    fn fetch_level(&mut self, hop: Option<&RoleHop>, source: Option<Arc<Credentials>>, now: Instant) -> Fetched {
        let mut fresh: Box<Credentials> = Box::new(Credentials::<[u8; STD_TOKEN_CAPACITY]>::empty());
        let mut buffers = Buffers::new(self.request.as_mut_slice(), self.response.as_mut_slice());
        let Inner {
            client,
            base,
            token,
            region,
            ..
        } = self;
        match hop {
            None => base.with_input(|i| client.fetch_into(i, token.as_mut(), &mut buffers, &mut fresh))?,
            Some(hop) => {
                let source = source
                    .filter(|s| !s.is_expired(now))
                    .ok_or(Error::from(ErrorKind::NoCredentials))?;
                let mut input = AssumeRoleInput::for_role(&hop.role_arn);
                input.role_session_name = hop.role_session_name.as_deref().unwrap_or("");
                input.external_id = hop.external_id.as_deref();
                input.duration_seconds = hop.duration_seconds;
                client.assume_role_into(&input, &source, region, &mut buffers, &mut fresh)?;
            }
        }
        Ok((fresh, client.platform_mut().next_u64()))
    }
}

#[cfg(feature = "aws-credential-types")]
impl<T, P> Refresher for StdChainProvider<T, P>
where
    T: Transport + Send + 'static,
    P: Platform + Send + 'static,
{
    type Fetcher = Inner<T, P>;
    fn shared(&self) -> &Shared<Inner<T, P>> {
        &self.shared
    }
    fn fetch(&self, inner: &mut Inner<T, P>, need: RefreshNeed, now: Instant) -> Fetched {
        inner.fetch(need, now)
    }
}

impl<T, P> fmt::Debug for StdChainProvider<T, P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("StdChainProvider");
        self.shared.debug_fields(&mut d, |inner, d| {
            let hops: Vec<&str> = inner
                .below
                .iter()
                .filter_map(|l| l.hop.as_ref())
                .chain(&inner.last)
                .map(|h| h.role_arn.as_str())
                .collect();
            d.field("client", &inner.client)
                .field("base_role_arn", &inner.base.role_arn)
                .field("hops", &hops);
        });
        d.finish_non_exhaustive()
    }
}
