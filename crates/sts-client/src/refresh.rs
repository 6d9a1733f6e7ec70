//! Serving cached credentials and refreshing them ahead of expiry.
//!
//! # The windows
//!
//! For credentials of lifetime `L` (as measured at receipt, on the
//! monotonic clock) and deadline `valid_until`:
//!
//! - the **advisory window** is the last `A = min(15 min, L / 4)` before the
//!   deadline: a refresh is tried, and if it fails the old credentials keep
//!   being served (the next try comes [`RefreshPolicy::retry_interval`]
//!   later);
//! - the **mandatory window** is the last `M = min(10 min, L / 6)`: a
//!   refresh must succeed, or the caller gets the error.
//!
//! The 15 and 10 minutes are botocore's; the `L/4`, `L/6` bounds keep the
//! windows sensible for short sessions (a 15-minute session refreshes at
//! 3m45s..2m30s before expiry instead of at once).
//!
//! **Jitter** (on by default) spreads a fleet's refreshes over time:
//!
//! - A refresh try is not at the start of the advisory window but at a point
//!   drawn uniformly between `valid_until - A` and `valid_until - M`, so
//!   devices that got credentials at the same moment spread their next
//!   refresh over `A - M` (5 minutes for 1-hour sessions).
//! - That alone leaves a fleet that powered on together (after an outage)
//!   bunched for many hours: each refresh widens the bunch by only a few
//!   minutes. So the **first** try after the provider starts (nothing
//!   cached) is drawn over one whole mean refresh period,
//!   `L - (A + M) / 2`, ending at the mandatory window: from its second
//!   refresh on, the fleet is spread evenly over the period. A provider
//!   pays for this with one early refresh per start. `fleet-sim` (in
//!   `conformance`) shows the effect on a million devices; the figures are
//!   in BENCHMARKS.md.
//!
//! | lifetime | advisory window | mandatory window | later tries, between | first try, between |
//! |---|---|---|---|---|
//! | 1 h (STS default) | 15 min | 10 min | 15 and 10 min before expiry | 57m30s and 10 min before expiry |
//! | 12 h | 15 min | 10 min | 15 and 10 min before expiry | 11h57m30s and 10 min before expiry |
//! | 30 min | 7 min 30 s | 5 min | 7m30s and 5 min before expiry | 28m45s and 5 min before expiry |
//! | 15 min (STS minimum) | 3 min 45 s | 2 min 30 s | 3m45s and 2m30s before expiry | 14m22.5s and 2m30s before expiry |

use core::time::Duration;

use sts_codec::AssumeRoleWithWebIdentityInput;
use sts_transport::{AsyncTransport, Transport};

use crate::client::{AsyncClient, Client};
use crate::credentials::Credentials;
use crate::error::{Error, ErrorKind};
use crate::exchange::Buffers;
use crate::time::{AsyncPlatform, Instant, Platform, duration_millis, uniform_inclusive};
use crate::token::{MemoryToken, TokenSource};

/// When to refresh. See the [module docs](self).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct RefreshPolicy {
    /// The longest advisory window. Default 15 min.
    pub advisory: Duration,
    /// The longest mandatory window. Default 10 min.
    pub mandatory: Duration,
    /// The advisory window is at most `lifetime / advisory_divisor`. Default 4.
    pub advisory_divisor: u32,
    /// The mandatory window is at most `lifetime / mandatory_divisor`. Default 6.
    pub mandatory_divisor: u32,
    /// Draw each try between the two window starts, and the first one over
    /// a whole refresh period (default `true`; see the [module docs](self));
    /// `false` tries at the start of the advisory window.
    pub jitter: bool,
    /// After a failed advisory refresh, the next try is this much later (but
    /// no later than the mandatory window). Default 30 s.
    pub retry_interval: Duration,
}

impl RefreshPolicy {
    /// The defaults described in the [module docs](self).
    pub const DEFAULT: RefreshPolicy = RefreshPolicy {
        advisory: Duration::from_secs(15 * 60),
        mandatory: Duration::from_secs(10 * 60),
        advisory_divisor: 4,
        mandatory_divisor: 6,
        jitter: true,
        retry_interval: Duration::from_secs(30),
    };

    /// Sets the longest advisory and mandatory windows.
    #[must_use]
    pub const fn with_windows(mut self, advisory: Duration, mandatory: Duration) -> Self {
        self.advisory = advisory;
        self.mandatory = mandatory;
        self
    }

    /// Turns the jitter on or off.
    #[must_use]
    pub const fn with_jitter(mut self, jitter: bool) -> Self {
        self.jitter = jitter;
        self
    }

    /// The advisory and mandatory windows for credentials of `lifetime`
    /// (the mandatory one never longer than the advisory one).
    #[must_use]
    pub fn windows(&self, lifetime: Duration) -> (Duration, Duration) {
        let a = self.advisory.min(lifetime / self.advisory_divisor.max(1));
        let m = self.mandatory.min(lifetime / self.mandatory_divisor.max(1)).min(a);
        (a, m)
    }
}

impl Default for RefreshPolicy {
    fn default() -> Self {
        RefreshPolicy::DEFAULT
    }
}

/// Whether credentials need a refresh at some instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RefreshNeed {
    /// The cached credentials are good.
    None,
    /// In the advisory window: try; on failure keep serving.
    Advisory,
    /// In the mandatory window, expired, or nothing cached: must refresh.
    Mandatory,
}

/// When cached credentials are refreshed: the deterministic core of the
/// providers (time and chance are parameters). It holds the schedule, not
/// the credentials, which live in storage of the caller's.
#[derive(Debug, Clone)]
pub struct RefreshSchedule {
    cached: bool,
    advisory_at: Instant,
    mandatory_at: Instant,
    policy: RefreshPolicy,
    last_error: Option<Error>,
}

impl RefreshSchedule {
    /// Nothing cached yet.
    #[must_use]
    pub const fn new(policy: RefreshPolicy) -> Self {
        RefreshSchedule {
            cached: false,
            advisory_at: Instant::ZERO,
            mandatory_at: Instant::ZERO,
            policy,
            last_error: None,
        }
    }

    /// The policy.
    pub const fn policy(&self) -> &RefreshPolicy {
        &self.policy
    }

    /// Whether credentials were stored (and not cleared since).
    #[must_use]
    pub const fn is_cached(&self) -> bool {
        self.cached
    }

    /// What `creds` (the credentials this schedule was kept for) need at
    /// `now`.
    #[must_use]
    pub fn need(&self, now: Instant, creds: &Credentials) -> RefreshNeed {
        if !self.cached || creds.is_expired(now) || now >= self.mandatory_at {
            RefreshNeed::Mandatory
        } else if now >= self.advisory_at {
            RefreshNeed::Advisory
        } else {
            RefreshNeed::None
        }
    }

    /// When the next refresh will be tried (advisory), if anything is cached.
    #[must_use]
    pub fn advisory_at(&self) -> Option<Instant> {
        self.cached.then_some(self.advisory_at)
    }

    /// When a refresh becomes mandatory, if anything is cached.
    #[must_use]
    pub fn mandatory_at(&self) -> Option<Instant> {
        self.cached.then_some(self.mandatory_at)
    }

    /// The error of the last failed advisory refresh (cleared by a success).
    #[must_use]
    pub const fn last_error(&self) -> Option<&Error> {
        self.last_error.as_ref()
    }

    /// Schedules the refresh of freshly stored `creds`; `draw` (a uniform
    /// 64-bit value) places the next try in the jitter span (a whole
    /// refresh period when nothing was cached before).
    pub fn stored(&mut self, creds: &Credentials, draw: u64) {
        let (a, m) = self.policy.windows(creds.lifetime());
        let until = creds.valid_until();
        self.mandatory_at = until.saturating_sub(m);
        self.advisory_at = if self.policy.jitter {
            // Later tries: between the two window starts. The first (nothing
            // was cached): anywhere in one mean refresh period before the
            // mandatory window (see the module docs).
            let (a, m) = (duration_millis(a), duration_millis(m));
            let span = if self.cached {
                a.saturating_sub(m)
            } else {
                duration_millis(creds.lifetime()).saturating_sub(a / 2 + m / 2)
            };
            self.mandatory_at
                .saturating_sub(Duration::from_millis(uniform_inclusive(draw, span)))
        } else {
            until.saturating_sub(a)
        };
        self.cached = true;
        self.last_error = None;
    }

    /// Forgets the cached credentials (wipe them with
    /// [`Credentials::clear`]).
    pub fn clear(&mut self) {
        self.cached = false;
    }

    /// Applies the outcome of a refresh of `creds` tried at `now` because of
    /// `need`; `draw` is called only after a success.
    ///
    /// # Errors
    ///
    /// The refresh error, unless it was advisory and the cached credentials
    /// are still good (then they keep being served and the next try is
    /// rescheduled).
    pub fn settle(
        &mut self,
        now: Instant,
        need: RefreshNeed,
        outcome: Result<(), Error>,
        creds: &Credentials,
        draw: impl FnOnce() -> u64,
    ) -> Result<(), Error> {
        match outcome {
            Ok(()) => {
                self.stored(creds, draw());
                Ok(())
            }
            Err(e) if need == RefreshNeed::Advisory && self.need(now, creds) == RefreshNeed::Advisory => {
                self.advisory_at = now.saturating_add(self.policy.retry_interval).min(self.mandatory_at);
                self.last_error = Some(e);
                Ok(())
            }
            Err(e) => Err(e),
        }
    }
}

/// Where a provider gets the web identity token: text lent for the
/// provider's lifetime (used in place), or a [`TokenSource`] asked at each
/// refresh (a file, a secure element).
pub enum Token<'a> {
    /// Text used in place.
    Text(MemoryToken<'a>),
    /// A source asked at each refresh.
    Source(&'a mut dyn TokenSource),
}

impl<'a> From<&'a str> for Token<'a> {
    fn from(token: &'a str) -> Self {
        Token::Text(MemoryToken::from_str(token))
    }
}

impl<'a, S: TokenSource> From<&'a mut S> for Token<'a> {
    fn from(source: &'a mut S) -> Self {
        Token::Source(source)
    }
}

impl Token<'_> {
    fn source(&mut self) -> &mut dyn TokenSource {
        match self {
            Token::Text(t) => t,
            Token::Source(s) => *s,
        }
    }
}

impl core::fmt::Debug for Token<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Token::Text(t) => t.fmt(f),
            Token::Source(_) => f.write_str("Token::Source"),
        }
    }
}

macro_rules! provider {
    ($(#[$doc:meta])* $name:ident, $client:ident, $transport:ident, $platform:ident, $($async:ident $await:tt)?) => {
        $(#[$doc])*
        pub struct $name<'a, T, P> {
            client: $client<T, P>,
            input: AssumeRoleWithWebIdentityInput<'a>,
            token: Token<'a>,
            buffers: Buffers<'a>,
            storage: &'a mut Credentials,
            schedule: RefreshSchedule,
        }

        impl<'a, T: $transport, P: $platform> $name<'a, T, P> {
            /// A provider of credentials for `input` (its token comes from
            /// `token`; a session name is generated when it has none),
            /// fetched with `client` in `buffers` and kept in `storage`,
            /// refreshed as [`RefreshPolicy::DEFAULT`] says.
            pub fn new(
                client: $client<T, P>,
                input: AssumeRoleWithWebIdentityInput<'a>,
                token: impl Into<Token<'a>>,
                buffers: Buffers<'a>,
                storage: &'a mut Credentials,
            ) -> Self {
                $name {
                    client,
                    input,
                    token: token.into(),
                    buffers,
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

            /// Valid credentials: the cached ones, or fresh ones when the
            /// policy says so.
            ///
            /// # Errors
            ///
            /// A failed refresh in the mandatory window (or with nothing
            /// cached).
            pub $($async)? fn credentials(&mut self) -> Result<&Credentials, Error> {
                let now = self.client.platform().now();
                let need = self.schedule.need(now, self.storage);
                if need != RefreshNeed::None {
                    let outcome = self
                        .client
                        .fetch_into(&self.input, self.token.source(), &mut self.buffers, self.storage)
                        $(.$await)?;
                    let platform = self.client.platform_mut();
                    self.schedule
                        .settle(now, need, outcome, self.storage, || platform.next_u64())?;
                }
                if self.schedule.is_cached() {
                    Ok(&*self.storage)
                } else {
                    Err(ErrorKind::NoCredentials.into())
                }
            }

            /// The refresh schedule (and the last advisory error).
            pub fn schedule(&self) -> &RefreshSchedule {
                &self.schedule
            }

            /// The client.
            pub fn client(&mut self) -> &mut $client<T, P> {
                &mut self.client
            }

            /// The client, the buffers and the cached credentials at once
            /// (for the hops of a chain, which sign with them).
            #[cfg(feature = "chain")]
            pub(crate) fn parts(&mut self) -> (&mut $client<T, P>, &mut Buffers<'a>, &Credentials) {
                (&mut self.client, &mut self.buffers, &*self.storage)
            }
        }

        impl<T, P> core::fmt::Debug for $name<'_, T, P> {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                f.debug_struct(stringify!($name))
                    .field("client", &self.client)
                    .field("role_arn", &self.input.role_arn)
                    .field("token", &self.token)
                    .field("schedule", &self.schedule)
                    .finish_non_exhaustive()
            }
        }
    };
}

provider!(
    /// A blocking credential provider over borrowed input, token, buffers
    /// and storage: no heap, for devices. On a host,
    /// `StdCredentialProvider` (feature `std`) owns everything instead.
    ///
    /// [`credentials`](Self::credentials) serves the cached credentials and
    /// refreshes them as the [`RefreshPolicy`] says, on the client's
    /// platform clock.
    ///
    /// ```
    /// # use sts_client::{Clock, Instant, NoDelay, SplitMix64};
    /// # use sts_transport::{Error, Request, Response, Transport};
    /// # struct Ticks;
    /// # impl Clock for Ticks { fn now(&self) -> Instant { Instant::from_millis(1_000) } }
    /// # struct Canned;
    /// # impl Transport for Canned {
    /// #     fn send<'b>(&mut self, _: &Request<'_>, buf: &'b mut [u8]) -> Result<Response<'b>, Error> {
    /// #         let body = b"<AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult><Credentials>    /// #             <AccessKeyId>ASIAEXAMPLE</AccessKeyId><SecretAccessKey>secret</SecretAccessKey>    /// #             <SessionToken>token</SessionToken><Expiration>2021-08-16T20:52:53Z</Expiration>    /// #             </Credentials></AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>";
    /// #         buf[..body.len()].copy_from_slice(body);
    /// #         let mut response = Response::new(200, &mut buf[..body.len()]);
    /// #         response.date = Some("Mon, 16 Aug 2021 19:52:53 GMT");
    /// #         Ok(response)
    /// #     }
    /// # }
    /// # let (transport, platform) = (Canned, (Ticks, NoDelay, SplitMix64::new(7)));
    /// use sts_client::endpoint::{EndpointParams, resolve};
    /// use sts_client::{Buffers, Client, CredentialProvider, Credentials};
    /// use sts_codec::AssumeRoleWithWebIdentityInput;
    ///
    /// let endpoint = resolve(&EndpointParams { region: Some("eu-west-1"), ..Default::default() })?;
    /// let (mut req, mut resp, mut storage) = ([0u8; 2048], [0u8; 4096], Credentials::new());
    /// let mut provider = CredentialProvider::new(
    ///     Client::new(transport, endpoint, platform),
    ///     AssumeRoleWithWebIdentityInput::for_role("arn:aws:iam::123456789012:role/device"),
    ///     "eyJhbGciOiJSUzI1NiJ9.e30.c2ln",
    ///     Buffers::new(&mut req, &mut resp),
    ///     &mut storage,
    /// );
    /// let creds = provider.credentials()?; // fetched now, refreshed ahead of expiry
    /// assert_eq!(creds.access_key_id(), "ASIAEXAMPLE");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    CredentialProvider, Client, Transport, Platform,
);

provider!(
    /// The async twin of [`CredentialProvider`], over an [`AsyncClient`].
    AsyncCredentialProvider, AsyncClient, AsyncTransport, AsyncPlatform, async await
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_scale_for_short_sessions() {
        let p = RefreshPolicy::DEFAULT;
        let w = |secs| {
            let (a, m) = p.windows(Duration::from_secs(secs));
            (a.as_secs(), m.as_secs())
        };
        assert_eq!(w(3600), (900, 600));
        assert_eq!(w(43200), (900, 600));
        assert_eq!(w(1800), (450, 300));
        assert_eq!(w(900), (225, 150));
    }
}
