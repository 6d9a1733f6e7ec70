//! Role chaining: web identity first, then one or more `AssumeRole` hops,
//! each signed with the credentials of the hop before.
//!
//! ```text
//!  token ─▶ AssumeRoleWithWebIdentity ─▶ creds 0 ─▶ AssumeRole(hop 1) ─▶ creds 1 ─▶ … ─▶ creds n (served)
//!           CredentialProvider            storage     Hop { input, storage, schedule }
//! ```
//!
//! Every hop keeps its credentials in storage of the caller's and its own
//! [`RefreshSchedule`], so each is refreshed ahead of its own expiry by
//! the same windows as a single web identity provider (see
//! [`refresh`](crate::refresh)). Refreshes are lazy from the top: the last
//! hop is refreshed when its schedule says so, and a hop below it only when
//! that refresh needs it (its own schedule says so too). An advisory
//! refresh that fails keeps the old credentials, as everywhere.
//!
//! ```
//! # use sts_client::{Clock, Instant, NoDelay, SplitMix64};
//! # use sts_transport::{Error, Request, Response, Transport};
//! # struct Ticks;
//! # impl Clock for Ticks { fn now(&self) -> Instant { Instant::from_millis(1_000) } }
//! # // Answers like STS: web identity, then AssumeRole.
//! # struct Canned;
//! # impl Transport for Canned {
//! #     fn send<'b>(&mut self, req: &Request<'_>, buf: &'b mut [u8]) -> Result<Response<'b>, Error> {
//! #         let op = if req.body.starts_with(b"Action=AssumeRole&") { "AssumeRole" } else { "AssumeRoleWithWebIdentity" };
//! #         let body = format!("<{op}Response><{op}Result><Credentials><AccessKeyId>ASIA{op}</AccessKeyId>\
//! #             <SecretAccessKey>secret</SecretAccessKey><SessionToken>token</SessionToken>\
//! #             <Expiration>2021-08-16T20:52:53Z</Expiration></Credentials></{op}Result></{op}Response>");
//! #         buf[..body.len()].copy_from_slice(body.as_bytes());
//! #         let mut response = Response::new(200, &mut buf[..body.len()]);
//! #         response.date = Some("Mon, 16 Aug 2021 19:52:53 GMT");
//! #         Ok(response)
//! #     }
//! # }
//! # let (transport, platform) = (Canned, (Ticks, NoDelay, SplitMix64::new(7)));
//! use sts_client::endpoint::{EndpointParams, resolve};
//! use sts_client::{Buffers, ChainProvider, Client, CredentialProvider, Credentials, Hop};
//! use sts_codec::{AssumeRoleInput, AssumeRoleWithWebIdentityInput};
//!
//! let endpoint = resolve(&EndpointParams { region: Some("eu-west-1"), ..Default::default() })?;
//! let (mut req, mut resp) = ([0u8; 4096], [0u8; 4096]);
//! let (mut first, mut second) = (Credentials::new(), Credentials::new());
//! let base = CredentialProvider::new(
//!     Client::new(transport, endpoint, platform),
//!     AssumeRoleWithWebIdentityInput::for_role("arn:aws:iam::111111111111:role/device"),
//!     "eyJhbGciOiJSUzI1NiJ9.e30.c2ln",
//!     Buffers::new(&mut req, &mut resp),
//!     &mut first,
//! );
//! let mut hops = [Hop::new(AssumeRoleInput::for_role("arn:aws:iam::222222222222:role/reader"), &mut second)];
//! let mut chain = ChainProvider::new(base, &mut hops, "eu-west-1");
//! let creds = chain.credentials()?; // web identity, then AssumeRole signed with its credentials
//! assert_eq!(creds.access_key_id(), "ASIAAssumeRole");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # The one-hour cap
//!
//! STS allows at most one hour for a session obtained with credentials that
//! are themselves from a role ("role chaining"): a `DurationSeconds` above
//! 3600 fails with `ValidationError`. [`Hop::new`] therefore clamps the
//! hop's `DurationSeconds` to [`MAX_CHAINED_DURATION_SECONDS`] (and sends
//! nothing when it has none: STS's default is one hour). The web identity
//! hop is not chained and keeps its own duration.

use sts_codec::AssumeRoleInput;
use sts_transport::{AsyncTransport, Transport};

#[allow(unused_imports, reason = "named by the macro's docs and types")]
use crate::client::{AsyncClient, Client};
use crate::credentials::Credentials;
use crate::error::{Error, ErrorKind};
use crate::refresh::{AsyncCredentialProvider, CredentialProvider, RefreshNeed, RefreshPolicy, RefreshSchedule};
use crate::time::{AsyncPlatform, Platform};

/// The longest `DurationSeconds` STS grants a chained role session.
pub const MAX_CHAINED_DURATION_SECONDS: u32 = 3600;

/// One `AssumeRole` hop of a chain: what to ask, where its credentials
/// live, and when to refresh them.
pub struct Hop<'a> {
    input: AssumeRoleInput<'a>,
    storage: &'a mut Credentials,
    schedule: RefreshSchedule,
}

impl<'a> Hop<'a> {
    /// A hop assuming `input` (a session name is generated per request when
    /// it has none), its credentials kept in `storage`, refreshed as
    /// [`RefreshPolicy::DEFAULT`] says. A `DurationSeconds` above
    /// [`MAX_CHAINED_DURATION_SECONDS`] is clamped to it.
    pub fn new(mut input: AssumeRoleInput<'a>, storage: &'a mut Credentials) -> Self {
        input.duration_seconds = input.duration_seconds.map(|d| d.min(MAX_CHAINED_DURATION_SECONDS));
        Hop {
            input,
            storage,
            schedule: RefreshSchedule::new(RefreshPolicy::DEFAULT),
        }
    }

    /// Replaces the refresh policy.
    #[must_use]
    pub fn with_refresh_policy(mut self, policy: RefreshPolicy) -> Self {
        self.schedule = RefreshSchedule::new(policy);
        self
    }

    /// The input, as sent (duration clamped).
    pub fn input(&self) -> &AssumeRoleInput<'a> {
        &self.input
    }

    /// The hop's refresh schedule.
    pub fn schedule(&self) -> &RefreshSchedule {
        &self.schedule
    }

    /// The hop's credentials (empty until its first refresh).
    pub fn credentials(&self) -> &Credentials {
        self.storage
    }
}

impl core::fmt::Debug for Hop<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Hop")
            .field("role_arn", &self.input.role_arn)
            .field("credentials", &self.storage)
            .field("schedule", &self.schedule)
            .finish_non_exhaustive()
    }
}

/// The lowest level (0: web identity, `k`: hop `k`) that must be
/// refreshed at `now` for the last one to be, or `None` when the last
/// needs nothing.
fn first_stale(hops: &[Hop<'_>], now: crate::time::Instant) -> Option<usize> {
    let mut lowest = None;
    for (k, hop) in hops.iter().enumerate().rev() {
        if hop.schedule.need(now, hop.storage) == RefreshNeed::None {
            break;
        }
        lowest = Some(k + 1);
    }
    if lowest == Some(1) {
        // Every hop needs a refresh: the base is asked too (it refreshes
        // only if its own schedule says so).
        return Some(0);
    }
    lowest
}

macro_rules! chain_provider {
    ($(#[$doc:meta])* $name:ident, $base:ident, $client:ident, $transport:ident, $platform:ident, $($async:ident $await:tt)?) => {
        $(#[$doc])*
        pub struct $name<'a, 'h, T, P> {
            base: $base<'a, T, P>,
            hops: &'h mut [Hop<'a>],
            region: &'a str,
        }

        impl<'a, 'h, T: $transport, P: $platform> $name<'a, 'h, T, P> {
            /// A chain: `base` (the web identity provider) then `hops` in
            /// order. `region` is signed for unless the endpoint fixes its
            /// own signing region (the global endpoint signs for
            /// `us-east-1`).
            pub fn new(base: $base<'a, T, P>, hops: &'h mut [Hop<'a>], region: &'a str) -> Self {
                $name { base, hops, region }
            }

            /// The last hop's credentials (the base's when there is no
            /// hop), refreshed as described in the [module docs](self).
            ///
            /// # Errors
            ///
            /// A refresh that failed where the credentials were needed (a
            /// mandatory window, nothing cached, or a hop whose source
            /// could not be refreshed).
            pub $($async)? fn credentials(&mut self) -> Result<&Credentials, Error> {
                if self.hops.is_empty() {
                    return self.base.credentials()$(.$await)?;
                }
                let now = self.base.client().platform().now();
                let Some(start) = first_stale(self.hops, now) else {
                    return self.last();
                };
                // The failure of the level below when it could not keep
                // serving (a failed advisory refresh keeps the old
                // credentials, which the next hop then signs with).
                let mut failed: Option<Error> = None;
                if start == 0 {
                    if let Err(e) = self.base.credentials()$(.$await)? {
                        failed = Some(e);
                    }
                }
                for k in start.max(1)..=self.hops.len() {
                    let (below, rest) = self.hops.split_at_mut(k - 1);
                    let Some(hop) = rest.first_mut() else { break };
                    let need = hop.schedule.need(now, hop.storage);
                    if need == RefreshNeed::None {
                        continue;
                    }
                    let (client, buffers, base_creds) = self.base.parts();
                    let source: &Credentials = match below.last() {
                        Some(h) => &*h.storage,
                        None => base_creds,
                    };
                    let outcome = match failed {
                        Some(e) => Err(e),
                        None if source.is_empty() || source.is_expired(now) => Err(ErrorKind::NoCredentials.into()),
                        None => {
                            client
                                .assume_role_into(&hop.input, source, self.region, buffers, hop.storage)
                                $(.$await)?
                        }
                    };
                    let platform = client.platform_mut();
                    failed = hop.schedule.settle(now, need, outcome, hop.storage, || platform.next_u64()).err();
                }
                // The last hop always needed a refresh here (`first_stale`):
                // `failed` is its outcome.
                match failed {
                    Some(e) => Err(e),
                    None => self.last(),
                }
            }

            fn last(&mut self) -> Result<&Credentials, Error> {
                match self.hops.last() {
                    Some(h) if h.schedule.is_cached() => Ok(&*h.storage),
                    Some(_) => Err(ErrorKind::NoCredentials.into()),
                    None => Ok(self.base.parts().2),
                }
            }

            /// The hops, with their credentials and schedules.
            pub fn hops(&self) -> &[Hop<'a>] {
                self.hops
            }

            /// The web identity provider.
            pub fn base(&mut self) -> &mut $base<'a, T, P> {
                &mut self.base
            }
        }

        impl<T, P> core::fmt::Debug for $name<'_, '_, T, P> {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                f.debug_struct(stringify!($name))
                    .field("base", &self.base)
                    .field("hops", &self.hops)
                    .field("region", &self.region)
                    .finish()
            }
        }
    };
}

chain_provider!(
    /// A blocking role chain over borrowed storage: no heap, for devices.
    /// See the [module docs](self).
    ChainProvider, CredentialProvider, Client, Transport, Platform,
);

chain_provider!(
    /// The async twin of [`ChainProvider`].
    AsyncChainProvider, AsyncCredentialProvider, AsyncClient, AsyncTransport, AsyncPlatform, async await
);
