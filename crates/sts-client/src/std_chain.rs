//! An owning role chain for hosts (feature `std`): [`StdChainProvider`].

use alloc::boxed::Box;
use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec;
use alloc::vec::Vec;
use core::fmt;
use std::sync::{Mutex, PoisonError};

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
use crate::std_impls::{StdPlatform, TokenFile};
use crate::std_provider::{OwnedInput, STD_REQUEST_BUFFER, STD_RESPONSE_BUFFER, STD_TOKEN_CAPACITY};
use crate::time::{Instant, Platform};
use crate::token::TokenSource;

/// Empty credentials, for a schedule asked about "nothing cached".
static EMPTY: Credentials<[u8; 0]> = Credentials::empty();

/// One level of the chain: 0 is web identity, `k` the `k`-th hop.
struct Level {
    /// The hop's `AssumeRole` (none for web identity).
    hop: Option<RoleHop>,
    current: Option<Arc<Credentials>>,
    schedule: RefreshSchedule,
}

struct Inner<T, P> {
    client: Client<T, P>,
    base: OwnedInput,
    token: Box<dyn TokenSource + Send>,
    levels: Vec<Level>,
    region: String,
    request: Zeroizing<Vec<u8>>,
    response: Zeroizing<Vec<u8>>,
}

/// A role chain that owns its configuration, buffers and credentials: web
/// identity, then the `AssumeRole` hops of a [`Config`]'s
/// [`role_chain`](Config::role_chain) (the shared config's `source_profile`
/// chain), each refreshed ahead of its own
/// expiry as [`ChainProvider`](crate::ChainProvider) does, lazily from the
/// last hop down. Shared by `&self`; one caller refreshes at a time (the
/// others wait for it: a mutex, not the single-flight advisory serving of
/// [`StdCredentialProvider`](crate::StdCredentialProvider)). Each refresh
/// writes new storage: credentials handed out stay valid and unchanged.
pub struct StdChainProvider<T, P = StdPlatform> {
    inner: Mutex<Inner<T, P>>,
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

impl<T: Transport, P: Platform> StdChainProvider<T, P> {
    /// A chain over `client`: web identity with `base` and `token`, then
    /// `hops` in order, signed for `region` unless the endpoint fixes its
    /// own signing region. Hop durations above 3600 s are clamped.
    pub fn new(
        client: Client<T, P>,
        base: OwnedInput,
        token: impl TokenSource + Send + 'static,
        hops: Vec<RoleHop>,
        region: String,
    ) -> Self {
        let mut levels = vec![Level {
            hop: None,
            current: None,
            schedule: RefreshSchedule::new(RefreshPolicy::DEFAULT),
        }];
        levels.extend(hops.into_iter().map(|mut hop| {
            hop.duration_seconds = hop.duration_seconds.map(|d| d.min(crate::MAX_CHAINED_DURATION_SECONDS));
            Level {
                hop: Some(hop),
                current: None,
                schedule: RefreshSchedule::new(RefreshPolicy::DEFAULT),
            }
        }));
        StdChainProvider {
            inner: Mutex::new(Inner {
                client,
                base,
                token: Box::new(token),
                levels,
                region,
                request: Zeroizing::new(vec![0; STD_REQUEST_BUFFER]),
                response: Zeroizing::new(vec![0; STD_RESPONSE_BUFFER]),
            }),
        }
    }

    /// Replaces the refresh policy of every level (and forgets any cached
    /// credentials).
    #[must_use]
    pub fn with_refresh_policy(mut self, policy: RefreshPolicy) -> Self {
        let inner = self.inner.get_mut().unwrap_or_else(PoisonError::into_inner);
        for level in &mut inner.levels {
            level.schedule = RefreshSchedule::new(policy);
            level.current = None;
        }
        self
    }

    /// The last hop's credentials, refreshed where needed.
    ///
    /// # Errors
    ///
    /// A refresh that failed where the credentials were needed (a mandatory
    /// window, nothing cached, or a hop whose source could not be
    /// refreshed).
    pub fn credentials(&self) -> Result<Arc<Credentials>, Error> {
        let mut guard = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        let inner = &mut *guard;
        let now = inner.client.platform().now();
        let need = |level: &Level, now: Instant| match &level.current {
            Some(c) => level.schedule.need(now, c),
            None => RefreshNeed::Mandatory,
        };
        // The lowest level that must be refreshed for the last one to be.
        let mut start = None;
        for (k, level) in inner.levels.iter().enumerate().rev() {
            if need(level, now) == RefreshNeed::None {
                break;
            }
            start = Some(k);
        }
        let top = inner.levels.len() - 1;
        let Some(start) = start else {
            return inner.levels[top].current.clone().ok_or(ErrorKind::NoCredentials.into());
        };
        let mut failed: Option<Error> = None;
        for k in start..=top {
            let level_need = need(&inner.levels[k], now);
            if level_need == RefreshNeed::None {
                continue;
            }
            let mut fresh: Box<Credentials> = Box::new(Credentials::<[u8; STD_TOKEN_CAPACITY]>::empty());
            let mut buffers = Buffers::new(inner.request.as_mut_slice(), inner.response.as_mut_slice());
            let source = k.checked_sub(1).and_then(|below| inner.levels[below].current.clone());
            let outcome = match (&failed, &inner.levels[k].hop) {
                (Some(e), _) => Err(*e),
                (None, None) => {
                    let (client, token) = (&mut inner.client, &mut inner.token);
                    inner
                        .base
                        .with_input(|i| client.fetch_into(i, token.as_mut(), &mut buffers, &mut fresh))
                }
                (None, Some(hop)) => match source {
                    Some(source) if !source.is_expired(now) => {
                        let mut input = AssumeRoleInput::for_role(&hop.role_arn);
                        input.role_session_name = hop.role_session_name.as_deref().unwrap_or("");
                        input.external_id = hop.external_id.as_deref();
                        input.duration_seconds = hop.duration_seconds;
                        inner
                            .client
                            .assume_role_into(&input, &source, &inner.region, &mut buffers, &mut fresh)
                    }
                    _ => Err(ErrorKind::NoCredentials.into()),
                },
            };
            let Inner { client, levels, .. } = &mut *inner;
            let level = &mut levels[k];
            match outcome {
                Ok(()) => {
                    level.schedule.stored(&fresh, client.platform_mut().next_u64());
                    level.current = Some(Arc::from(fresh));
                    failed = None;
                }
                Err(e) => {
                    let cached: &Credentials = level.current.as_deref().unwrap_or(&EMPTY);
                    failed = level.schedule.settle(now, level_need, Err(e), cached, || 0).err();
                }
            }
        }
        match failed {
            Some(e) => Err(e),
            None => inner.levels[top].current.clone().ok_or(ErrorKind::NoCredentials.into()),
        }
    }

    /// How many `AssumeRole` hops follow web identity.
    pub fn hops(&self) -> usize {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner).levels.len() - 1
    }
}

impl<T, P> fmt::Debug for StdChainProvider<T, P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        f.debug_struct("StdChainProvider")
            .field("client", &inner.client)
            .field("base_role_arn", &inner.base.role_arn)
            .field(
                "hops",
                &inner
                    .levels
                    .iter()
                    .filter_map(|l| l.hop.as_ref().map(|h| &h.role_arn))
                    .collect::<Vec<_>>(),
            )
            .finish_non_exhaustive()
    }
}
