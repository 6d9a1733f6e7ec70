//! Refreshing shared by `&self`, one refresh at a time (feature `std`): the
//! core of [`StdCredentialProvider`](crate::StdCredentialProvider) and
//! [`StdChainProvider`](crate::StdChainProvider), and what
//! [`SdkCredentialsProvider`](crate::SdkCredentialsProvider) drives from
//! async code.
//!
//! A caller first takes a [`Step`] under the state lock (held for a few
//! instructions, never across I/O): serve the cached credentials, lead the
//! refresh (the single flight), or wait for the one in flight. The leader
//! runs the fetch holding only the fetcher's lock, which nobody else takes
//! while a refresh is in flight.

use alloc::boxed::Box;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::fmt;
use core::task::Waker;
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};

use crate::credentials::Credentials;
use crate::error::{Error, ErrorKind};
use crate::refresh::{RefreshNeed, RefreshPolicy, RefreshSchedule};
use crate::time::{Clock, Instant};

/// What a fetch gives: fresh credentials in new storage and a draw for the
/// jitter of their schedule.
pub(crate) type Fetched = Result<(Box<Credentials>, u64), Error>;

/// The single-flight core over a fetcher `F`.
pub(crate) struct Shared<F> {
    /// The clock the fetcher's platform reads, read without its lock.
    clock: Box<dyn Clock + Send + Sync>,
    /// Locked by the refreshing caller only (one at a time, by `State::in_flight`).
    fetcher: Mutex<F>,
    /// Locked briefly: never across I/O.
    state: Mutex<State>,
    /// Signalled when a refresh lands.
    landed: Condvar,
}

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

/// What a caller does next.
pub(crate) enum Step {
    /// Serve these.
    Ready(Arc<Credentials>),
    /// Refresh (this caller is the single flight), then serve.
    Lead(Lead),
    /// Wait until more refreshes than this have landed, then serve.
    Wait(u64),
}

/// A refresh this caller must run: see [`Shared::fly`].
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
pub(crate) static EMPTY: Credentials<[u8; 0]> = Credentials::empty();

impl<F> Shared<F> {
    /// Nothing cached yet; refreshed as [`RefreshPolicy::DEFAULT`] says.
    pub(crate) fn new(clock: impl Clock + Send + Sync + 'static, fetcher: F) -> Self {
        Shared {
            clock: Box::new(clock),
            fetcher: Mutex::new(fetcher),
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

    /// Replaces the refresh policy and forgets the cached credentials.
    pub(crate) fn set_policy(&mut self, policy: RefreshPolicy) {
        let state = self.state.get_mut().unwrap_or_else(PoisonError::into_inner);
        state.schedule = RefreshSchedule::new(policy);
        state.current = None;
    }

    /// The fetcher (exclusive access: no refresh can be running).
    pub(crate) fn fetcher_mut(&mut self) -> &mut F {
        self.fetcher.get_mut().unwrap_or_else(PoisonError::into_inner)
    }

    /// The clock the schedule is kept on.
    #[cfg_attr(not(feature = "aws-credential-types"), allow(dead_code))]
    pub(crate) fn now(&self) -> Instant {
        self.clock.now()
    }

    fn need(state: &State, now: Instant) -> RefreshNeed {
        state
            .current
            .as_deref()
            .map_or(RefreshNeed::Mandatory, |creds| state.schedule.need(now, creds))
    }

    /// What the cached credentials need now.
    pub(crate) fn refresh_need(&self) -> RefreshNeed {
        let state = lock(&self.state);
        Self::need(&state, self.clock.now())
    }

    /// The cached credentials, fresh or not, if any.
    pub(crate) fn cached(&self) -> Option<Arc<Credentials>> {
        lock(&self.state).current.clone()
    }

    /// A copy of the refresh schedule.
    pub(crate) fn schedule(&self) -> RefreshSchedule {
        lock(&self.state).schedule.clone()
    }

    /// Valid credentials for a blocking caller: served, or fetched by
    /// `fetch` if this caller leads, or after waiting for the refresh in
    /// flight.
    pub(crate) fn credentials(
        &self,
        fetch: impl FnOnce(&mut F, RefreshNeed, Instant) -> Fetched,
    ) -> Result<Arc<Credentials>, Error> {
        match self.step() {
            Step::Ready(creds) => return Ok(creds),
            Step::Lead(lead) => self.fly(lead, fetch),
            Step::Wait(landed) => {
                let mut state = lock(&self.state);
                while state.landed == landed {
                    state = self.landed.wait(state).unwrap_or_else(PoisonError::into_inner);
                }
            }
        }
        self.served()
    }

    /// Decides, under the state lock, what this caller does; a caller told
    /// to [`Lead`](Step::Lead) must [`fly`](Self::fly) (or
    /// [`land_unstarted`](Self::land_unstarted)).
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

    /// Runs the refresh `lead` stands for with `fetch`, then lands it.
    pub(crate) fn fly(&self, lead: Lead, fetch: impl FnOnce(&mut F, RefreshNeed, Instant) -> Fetched) {
        // Lands the flight even if the fetch panics, so waiters wake.
        let landing = Landing(self);
        let fetched = fetch(&mut lock(&self.fetcher), lead.need, lead.now);
        let mut state = lock(&self.state);
        match fetched {
            Ok((fresh, draw)) => {
                state.schedule.stored(&fresh, draw);
                state.current = Some(Arc::from(fresh));
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

    /// Lands a flight whose [`Lead`] was lost before it could
    /// [`fly`](Self::fly) (its thread failed to start).
    #[cfg_attr(not(feature = "aws-credential-types"), allow(dead_code))]
    pub(crate) fn land_unstarted(&self) {
        drop(Landing(self));
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

    /// [`served`](Self::served) once more than `landed` refreshes have
    /// landed; until then `waker` is woken when one lands.
    #[cfg_attr(not(feature = "aws-credential-types"), allow(dead_code))]
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

    /// Adds the fetcher (if no refresh holds it) and the schedule to `d`.
    pub(crate) fn debug_fields(
        &self,
        d: &mut fmt::DebugStruct<'_, '_>,
        fetcher: impl Fn(&F, &mut fmt::DebugStruct<'_, '_>),
    ) {
        match self.fetcher.try_lock() {
            Ok(f) => fetcher(&f, d),
            Err(_) => {
                d.field("fetcher", &"<refreshing>");
            }
        }
        match self.state.try_lock() {
            Ok(state) => d.field("schedule", &state.schedule).field("cached", &state.current),
            Err(_) => d.field("schedule", &"<busy>"),
        };
    }
}

/// Ends a flight when dropped: clears `in_flight`, counts it, wakes every
/// waiter.
struct Landing<'a, F>(&'a Shared<F>);

impl<F> Drop for Landing<'_, F> {
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

/// A provider over a [`Shared`], as the async adapter drives it.
#[cfg(feature = "aws-credential-types")]
pub(crate) trait Refresher: Send + Sync + 'static {
    /// What a refresh needs.
    type Fetcher;
    /// The single-flight core.
    fn shared(&self) -> &Shared<Self::Fetcher>;
    /// Fetches fresh credentials (the caller leads the flight).
    fn fetch(&self, fetcher: &mut Self::Fetcher, need: RefreshNeed, now: Instant) -> Fetched;
}

/// A [`Refresher`] with its fetcher type erased.
#[cfg(feature = "aws-credential-types")]
pub(crate) trait Erased: Send + Sync {
    fn step(&self) -> Step;
    fn fly(&self, lead: Lead);
    fn land_unstarted(&self);
    fn poll_landed(&self, landed: u64, waker: &Waker) -> Option<Result<Arc<Credentials>, Error>>;
    fn now(&self) -> Instant;
    fn advisory_at(&self) -> Option<Instant>;
    fn cached(&self) -> Option<Arc<Credentials>>;
}

#[cfg(feature = "aws-credential-types")]
impl<R: Refresher> Erased for R {
    fn step(&self) -> Step {
        self.shared().step()
    }
    fn fly(&self, lead: Lead) {
        self.shared().fly(lead, |f, need, now| self.fetch(f, need, now));
    }
    fn land_unstarted(&self) {
        self.shared().land_unstarted();
    }
    fn poll_landed(&self, landed: u64, waker: &Waker) -> Option<Result<Arc<Credentials>, Error>> {
        self.shared().poll_landed(landed, waker)
    }
    fn now(&self) -> Instant {
        self.shared().now()
    }
    fn advisory_at(&self) -> Option<Instant> {
        self.shared().schedule().advisory_at()
    }
    fn cached(&self) -> Option<Arc<Credentials>> {
        self.shared().cached()
    }
}
