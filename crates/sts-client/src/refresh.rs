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
//! **Jitter**: the first refresh try is not at the start of the advisory
//! window but at a point drawn uniformly between `valid_until - A` and
//! `valid_until - M`, so a fleet that got its credentials at the same
//! moment spreads its refreshes over `A - M` (5 minutes for 1-hour
//! sessions).
//!
//! | lifetime | advisory window | mandatory window | first try, between |
//! |---|---|---|---|
//! | 1 h (STS default) | 15 min | 10 min | 15 and 10 min before expiry |
//! | 12 h | 15 min | 10 min | 15 and 10 min before expiry |
//! | 30 min | 7 min 30 s | 5 min | 7m30s and 5 min before expiry |
//! | 15 min (STS minimum) | 3 min 45 s | 2 min 30 s | 3m45s and 2m30s before expiry |

use core::time::Duration;

use crate::client::{AsyncClient, Buffers, Client, NoObserver, Observer, Params};
use crate::credentials::{Credentials, DEFAULT_TOKEN_CAPACITY};
use crate::error::{Error, ErrorKind};
use crate::time::{AsyncDelay, Clock, Delay, Instant, Rng, duration_millis, uniform_inclusive};
use crate::token::TokenSource;
use sts_transport::{AsyncTransport, Transport};

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
    /// Draw the first try between the two window starts (default `true`);
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

/// Whether the cache needs a refresh at some instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RefreshNeed {
    /// The cached credentials are good.
    None,
    /// In the advisory window: try; on failure keep serving.
    Advisory,
    /// In the mandatory window, expired, or nothing cached: must refresh.
    Mandatory,
}

/// Cached credentials with their refresh schedule: the deterministic core
/// of the providers (time is a parameter).
#[derive(Debug)]
pub struct CredentialCache<const TOKEN_CAP: usize = DEFAULT_TOKEN_CAPACITY> {
    /// The cached credentials when `cached`, else empty. Refreshes write
    /// into it in place ([`Client::fetch_into`]), so that credentials are
    /// never moved by value on the way from the response to the cache.
    current: Credentials<TOKEN_CAP>,
    cached: bool,
    advisory_at: Instant,
    mandatory_at: Instant,
    policy: RefreshPolicy,
    last_error: Option<Error>,
}

impl<const TOKEN_CAP: usize> CredentialCache<TOKEN_CAP> {
    /// An empty cache.
    #[must_use]
    pub const fn new(policy: RefreshPolicy) -> Self {
        CredentialCache {
            current: Credentials::empty(),
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

    /// What is needed at `now`.
    #[must_use]
    pub fn need(&self, now: Instant) -> RefreshNeed {
        match self.credentials() {
            None => RefreshNeed::Mandatory,
            Some(c) if c.is_expired(now) || now >= self.mandatory_at => RefreshNeed::Mandatory,
            Some(_) if now >= self.advisory_at => RefreshNeed::Advisory,
            Some(_) => RefreshNeed::None,
        }
    }

    /// The cached credentials, fresh or not.
    #[must_use]
    pub const fn credentials(&self) -> Option<&Credentials<TOKEN_CAP>> {
        if self.cached { Some(&self.current) } else { None }
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

    /// Caches `creds` (wiping the old ones) and schedules their refresh,
    /// drawing the jitter from `rng`.
    pub fn store<R: Rng + ?Sized>(&mut self, creds: Credentials<TOKEN_CAP>, rng: &mut R) {
        self.current = creds;
        self.stored(rng);
    }

    /// Marks [`current`](Self::current) as cached and schedules its refresh.
    fn stored<R: Rng + ?Sized>(&mut self, rng: &mut R) {
        let (a, m) = self.policy.windows(self.current.lifetime());
        let until = self.current.valid_until();
        self.mandatory_at = until.saturating_sub(m);
        self.advisory_at = if self.policy.jitter {
            let spread = duration_millis(a.saturating_sub(m));
            self.mandatory_at
                .saturating_sub(Duration::from_millis(uniform_inclusive(rng, spread)))
        } else {
            until.saturating_sub(a)
        };
        self.cached = true;
        self.last_error = None;
    }

    /// Drops (and wipes) the cached credentials.
    pub fn clear(&mut self) {
        self.current.clear();
        self.cached = false;
    }

    /// Applies the outcome of a refresh tried at `now` because of `need`.
    ///
    /// # Errors
    ///
    /// The refresh error, unless it was advisory and the cached credentials
    /// are still good (then they keep being served and the next try is
    /// rescheduled).
    pub fn settle<R: Rng + ?Sized>(
        &mut self,
        now: Instant,
        need: RefreshNeed,
        outcome: Result<Credentials<TOKEN_CAP>, Error>,
        rng: &mut R,
    ) -> Result<(), Error> {
        match outcome {
            Ok(creds) => {
                self.store(creds, rng);
                Ok(())
            }
            Err(e) => self.failed(now, need, e),
        }
    }

    /// Where a refresh writes fresh credentials in place
    /// ([`Client::fetch_into`], which leaves them as they were on error);
    /// [`settle_in_place`](Self::settle_in_place) follows.
    pub(crate) fn slot(&mut self) -> &mut Credentials<TOKEN_CAP> {
        &mut self.current
    }

    /// [`settle`](Self::settle) for a refresh that wrote into
    /// [`slot`](Self::slot).
    pub(crate) fn settle_in_place<R: Rng + ?Sized>(
        &mut self,
        now: Instant,
        need: RefreshNeed,
        outcome: Result<(), Error>,
        rng: &mut R,
    ) -> Result<(), Error> {
        match outcome {
            Ok(()) => {
                self.stored(rng);
                Ok(())
            }
            Err(e) => self.failed(now, need, e),
        }
    }

    fn failed(&mut self, now: Instant, need: RefreshNeed, e: Error) -> Result<(), Error> {
        if need == RefreshNeed::Advisory && self.need(now) == RefreshNeed::Advisory {
            self.advisory_at = now.saturating_add(self.policy.retry_interval).min(self.mandatory_at);
            self.last_error = Some(e);
            Ok(())
        } else {
            Err(e)
        }
    }

    /// The cached credentials after [`settle`](Self::settle) succeeded.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::NoCredentials`] if nothing is cached.
    pub fn current(&self) -> Result<&Credentials<TOKEN_CAP>, Error> {
        self.credentials().ok_or(Error::new(ErrorKind::NoCredentials, 0))
    }
}

/// A blocking credential provider over borrowed parameters and buffers: no
/// heap, for devices. On a host, [`StdCredentialProvider`](crate::StdCredentialProvider)
/// owns everything instead.
///
/// [`credentials`](Self::credentials) serves the cache and refreshes as the
/// [`RefreshPolicy`] says; the clock it asks is the client's.
pub struct CredentialProvider<'a, T, S, C, D, R, O = NoObserver, const TOKEN_CAP: usize = DEFAULT_TOKEN_CAPACITY> {
    client: Client<T, C, D, R, O>,
    params: Params<'a>,
    token: S,
    buffers: Buffers<'a>,
    cache: CredentialCache<TOKEN_CAP>,
}

impl<'a, T, S, C, D, R, O, const TOKEN_CAP: usize> CredentialProvider<'a, T, S, C, D, R, O, TOKEN_CAP>
where
    T: Transport,
    S: TokenSource,
    C: Clock,
    D: Delay,
    R: Rng,
    O: Observer,
{
    /// A provider with an empty cache.
    pub fn new(
        client: Client<T, C, D, R, O>,
        params: Params<'a>,
        token: S,
        buffers: Buffers<'a>,
        policy: RefreshPolicy,
    ) -> Self {
        CredentialProvider {
            client,
            params,
            token,
            buffers,
            cache: CredentialCache::new(policy),
        }
    }

    /// Valid credentials: the cached ones, or fresh ones when the policy
    /// says so.
    ///
    /// # Errors
    ///
    /// A failed refresh in the mandatory window (or with nothing cached).
    pub fn credentials(&mut self) -> Result<&Credentials<TOKEN_CAP>, Error> {
        let now = self.client.clock().now();
        let need = self.cache.need(now);
        if need != RefreshNeed::None {
            let outcome = self
                .client
                .fetch_into(&self.params, &mut self.token, &mut self.buffers, self.cache.slot());
            self.cache.settle_in_place(now, need, outcome, self.client.rng_mut())?;
        }
        self.cache.current()
    }

    /// The cache (schedule, last advisory error).
    pub fn cache(&self) -> &CredentialCache<TOKEN_CAP> {
        &self.cache
    }

    /// The client.
    pub fn client(&mut self) -> &mut Client<T, C, D, R, O> {
        &mut self.client
    }
}

/// The async twin of [`CredentialProvider`].
pub struct AsyncCredentialProvider<'a, T, S, C, D, R, O = NoObserver, const TOKEN_CAP: usize = DEFAULT_TOKEN_CAPACITY> {
    client: AsyncClient<T, C, D, R, O>,
    params: Params<'a>,
    token: S,
    buffers: Buffers<'a>,
    cache: CredentialCache<TOKEN_CAP>,
}

impl<'a, T, S, C, D, R, O, const TOKEN_CAP: usize> AsyncCredentialProvider<'a, T, S, C, D, R, O, TOKEN_CAP>
where
    T: AsyncTransport,
    S: TokenSource,
    C: Clock,
    D: AsyncDelay,
    R: Rng,
    O: Observer,
{
    /// A provider with an empty cache.
    pub fn new(
        client: AsyncClient<T, C, D, R, O>,
        params: Params<'a>,
        token: S,
        buffers: Buffers<'a>,
        policy: RefreshPolicy,
    ) -> Self {
        AsyncCredentialProvider {
            client,
            params,
            token,
            buffers,
            cache: CredentialCache::new(policy),
        }
    }

    /// Valid credentials; see [`CredentialProvider::credentials`].
    ///
    /// # Errors
    ///
    /// A failed refresh in the mandatory window (or with nothing cached).
    pub async fn credentials(&mut self) -> Result<&Credentials<TOKEN_CAP>, Error> {
        let now = self.client.clock().now();
        let need = self.cache.need(now);
        if need != RefreshNeed::None {
            let outcome = self
                .client
                .fetch_into(&self.params, &mut self.token, &mut self.buffers, self.cache.slot())
                .await;
            self.cache.settle_in_place(now, need, outcome, self.client.rng_mut())?;
        }
        self.cache.current()
    }

    /// The cache (schedule, last advisory error).
    pub fn cache(&self) -> &CredentialCache<TOKEN_CAP> {
        &self.cache
    }

    /// The client.
    pub fn client(&mut self) -> &mut AsyncClient<T, C, D, R, O> {
        &mut self.client
    }
}

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
