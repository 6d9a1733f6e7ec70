//! The clients: [`Client`] (blocking, over [`Transport`]) and [`AsyncClient`]
//! (over [`AsyncTransport`]). Both run the same code for everything but the
//! two calls that block or await (send, wait).

use core::fmt;
use core::time::Duration;

use sts_transport::{AsyncTransport, Transport};

use crate::credentials::Credentials;
use crate::endpoint::Endpoint;
use crate::error::{Error, ErrorKind};
use crate::exchange::{self, Attempts, Step};
use crate::retry::RetryPolicy;
use crate::time::{AsyncDelay, Clock, Delay, Rng, Timestamp};
use crate::token::TokenSource;

/// What to ask STS for (everything but the token).
///
/// `role_session_name: None` (the default) makes the client generate
/// `sts-web-identity-` followed by 16 random hex digits, a new one for every
/// fetch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Params<'a> {
    /// `RoleArn`.
    pub role_arn: &'a str,
    /// `RoleSessionName`; generated per fetch when `None`.
    pub role_session_name: Option<&'a str>,
    /// `DurationSeconds` (900-43200); STS uses 3600 when `None`.
    pub duration_seconds: Option<u32>,
    /// `Policy`: an inline session policy.
    pub policy: Option<&'a str>,
    /// `PolicyArns`: managed session policies.
    pub policy_arns: &'a [&'a str],
    /// `ProviderId` (OAuth 2.0 providers only).
    pub provider_id: Option<&'a str>,
}

impl<'a> Params<'a> {
    /// Parameters for `role_arn`, with a generated session name.
    #[must_use]
    pub const fn new(role_arn: &'a str) -> Self {
        Params {
            role_arn,
            role_session_name: None,
            duration_seconds: None,
            policy: None,
            policy_arns: &[],
            provider_id: None,
        }
    }

    /// Sets a fixed `RoleSessionName`.
    #[must_use]
    pub const fn with_session_name(mut self, name: &'a str) -> Self {
        self.role_session_name = Some(name);
        self
    }

    /// Sets `DurationSeconds`.
    #[must_use]
    pub const fn with_duration_seconds(mut self, seconds: u32) -> Self {
        self.duration_seconds = Some(seconds);
        self
    }

    /// Sets `Policy`.
    #[must_use]
    pub const fn with_policy(mut self, policy: &'a str) -> Self {
        self.policy = Some(policy);
        self
    }

    /// Sets `PolicyArns`.
    #[must_use]
    pub const fn with_policy_arns(mut self, arns: &'a [&'a str]) -> Self {
        self.policy_arns = arns;
        self
    }

    /// Sets `ProviderId`.
    #[must_use]
    pub const fn with_provider_id(mut self, provider_id: &'a str) -> Self {
        self.provider_id = Some(provider_id);
        self
    }
}

/// The two buffers a fetch works in, lent by the caller.
///
/// - `request` holds the form body: about 200 bytes plus the role ARN plus
///   up to 3 × the token (percent-encoding; JWTs need almost none, so ~1 ×
///   in practice). [`sts_codec::encoded_len`] gives the exact size.
/// - `response` first holds the token (read there, then wiped; a token a
///   source lends in place, [`TokenSource::token_str`], is not copied),
///   then the whole answer: head (~300 bytes) and body (~1.5 KiB plus the
///   session token). **4 KiB** holds a typical answer; it must also hold
///   the token (checked for a lent token too).
///
/// Both are wiped after use: the body holds the token, the answer holds the
/// credentials. Only what was written is wiped (the body; the token's bytes;
/// the response buffer up to its last nonzero byte, wherever the transport
/// put it), so the cost follows the exchange, not the buffer sizes.
#[derive(Debug)]
pub struct Buffers<'b> {
    /// Where the request body is encoded.
    pub request: &'b mut [u8],
    /// Where the token is read, then the answer received.
    pub response: &'b mut [u8],
}

impl<'b> Buffers<'b> {
    /// Lends two buffers.
    pub fn new(request: &'b mut [u8], response: &'b mut [u8]) -> Self {
        Buffers { request, response }
    }

    /// Reborrows for a shorter time.
    pub fn reborrow(&mut self) -> Buffers<'_> {
        Buffers {
            request: self.request,
            response: self.response,
        }
    }
}

/// What happened in one attempt, for logs and `-v` output. Holds no secret.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct AttemptEvent<'a> {
    /// The attempt, from 1.
    pub attempt: u32,
    /// The most attempts this fetch may make.
    pub max_attempts: u32,
    /// The endpoint URL.
    pub endpoint: &'a str,
    /// The HTTP status, if an answer came.
    pub status: Option<u16>,
    /// The request id (from the error document or `x-amzn-requestid`).
    pub request_id: Option<&'a str>,
    /// The server's `Date`, if the answer had one.
    pub server_date: Option<Timestamp>,
    /// Why the attempt failed (`None` on success).
    pub error: Option<&'a ErrorKind>,
    /// The STS error document as received, message whole (the error keeps
    /// only [`STS_ERROR_TEXT_LEN`](crate::STS_ERROR_TEXT_LEN) bytes of it).
    pub service_error: Option<sts_codec::ServiceError<'a>>,
    /// The wait before the next attempt, when there will be one.
    pub retry_in: Option<Duration>,
}

/// Watches attempts (the CLI's `-v`, metrics, logs).
pub trait Observer {
    /// Called once after each attempt.
    fn on_attempt(&mut self, event: &AttemptEvent<'_>);
}

impl<O: Observer + ?Sized> Observer for &mut O {
    fn on_attempt(&mut self, event: &AttemptEvent<'_>) {
        (**self).on_attempt(event);
    }
}

/// An [`Observer`] that ignores everything.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoObserver;

impl Observer for NoObserver {
    fn on_attempt(&mut self, _: &AttemptEvent<'_>) {}
}

/// An [`Observer`] from a closure.
pub struct FnObserver<F>(pub F);

impl<F: FnMut(&AttemptEvent<'_>)> Observer for FnObserver<F> {
    fn on_attempt(&mut self, event: &AttemptEvent<'_>) {
        (self.0)(event);
    }
}

impl<F> fmt::Debug for FnObserver<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("FnObserver")
    }
}

macro_rules! client_common {
    ($name:ident) => {
        impl<T, C, D, R> $name<T, C, D, R, NoObserver> {
            /// A client sending to `endpoint` over `transport`, reading time
            /// from `clock`, waiting with `delay` and drawing jitter from
            /// `rng`, with the standard retry policy.
            pub fn new(transport: T, endpoint: Endpoint, clock: C, delay: D, rng: R) -> Self {
                $name {
                    transport,
                    endpoint,
                    clock,
                    delay,
                    rng,
                    observer: NoObserver,
                    retry: RetryPolicy::STANDARD,
                    last_skew: None,
                }
            }
        }

        impl<T, C, D, R, O> $name<T, C, D, R, O> {
            /// Replaces the retry policy.
            #[must_use]
            pub fn with_retry_policy(mut self, policy: RetryPolicy) -> Self {
                self.retry = policy;
                self
            }

            /// Installs an observer of attempts.
            #[must_use]
            pub fn with_observer<O2>(self, observer: O2) -> $name<T, C, D, R, O2> {
                $name {
                    transport: self.transport,
                    endpoint: self.endpoint,
                    clock: self.clock,
                    delay: self.delay,
                    rng: self.rng,
                    observer,
                    retry: self.retry,
                    last_skew: self.last_skew,
                }
            }

            /// The retry policy.
            pub fn retry_policy(&self) -> &RetryPolicy {
                &self.retry
            }

            /// The endpoint.
            pub fn endpoint(&self) -> &Endpoint {
                &self.endpoint
            }

            /// The clock.
            pub fn clock(&self) -> &C {
                &self.clock
            }

            /// The transport.
            pub fn transport(&self) -> &T {
                &self.transport
            }

            /// The transport, mutably (to reconfigure it between fetches).
            pub fn transport_mut(&mut self) -> &mut T {
                &mut self.transport
            }

            /// The random source.
            pub fn rng_mut(&mut self) -> &mut R {
                &mut self.rng
            }

            /// The observer.
            pub fn observer_mut(&mut self) -> &mut O {
                &mut self.observer
            }

            /// The last measured clock skew (server `Date` minus the caller's
            /// wall clock) in milliseconds; positive when the server is
            /// ahead. `None` until an answer with a `Date` arrives while the
            /// clock has a wall time.
            pub fn clock_skew_millis(&self) -> Option<i64> {
                self.last_skew
            }
        }

        impl<T, C, D, R, O> fmt::Debug for $name<T, C, D, R, O> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_struct(stringify!($name))
                    .field("endpoint", &self.endpoint)
                    .field("retry", &self.retry)
                    .field("last_skew_ms", &self.last_skew)
                    .finish_non_exhaustive()
            }
        }
    };
}

/// The blocking client.
///
/// Each [`fetch`](Client::fetch) reads the token once, encodes the body
/// once, then sends it up to [`RetryPolicy::max_attempts`] times, waiting
/// with [`Delay`] between attempts as the policy says.
///
/// ```
/// use core::time::Duration;
/// use sts_client::endpoint::{EndpointParams, resolve};
/// use sts_client::{Buffers, Client, Instant, MemoryToken, NoDelay, Params, SplitMix64};
/// use sts_transport::{Error, Request, Response, Transport};
///
/// // A transport that answers like STS (normally: an HTTP stack).
/// struct Canned;
/// impl Transport for Canned {
///     fn send<'b>(&mut self, _: &Request<'_>, buf: &'b mut [u8]) -> Result<Response<'b>, Error> {
///         let body = b"<AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult><Credentials>\
///             <AccessKeyId>ASIAEXAMPLE</AccessKeyId><SecretAccessKey>secret</SecretAccessKey>\
///             <SessionToken>token</SessionToken><Expiration>2021-08-16T20:52:53Z</Expiration>\
///             </Credentials></AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>";
///         buf[..body.len()].copy_from_slice(body);
///         let mut response = Response::new(200, &mut buf[..body.len()]);
///         response.date = Some("Mon, 16 Aug 2021 19:52:53 GMT");
///         Ok(response)
///     }
/// }
/// // A device clock that started at zero on boot.
/// struct Ticks;
/// impl sts_client::Clock for Ticks {
///     fn now(&self) -> Instant { Instant::from_millis(1_000) }
/// }
///
/// let endpoint = resolve(&EndpointParams { region: Some("eu-west-1"), ..Default::default() })?;
/// let mut client = Client::new(Canned, endpoint, Ticks, NoDelay, SplitMix64::new(7));
/// let (mut req, mut resp) = ([0u8; 2048], [0u8; 4096]);
/// let creds: sts_client::Credentials = client.fetch(
///     &Params::new("arn:aws:iam::123456789012:role/device"),
///     &mut MemoryToken::from_str("eyJhbGciOiJSUzI1NiJ9.e30.c2ln"),
///     &mut Buffers::new(&mut req, &mut resp),
/// )?;
/// assert_eq!(creds.access_key_id(), "ASIAEXAMPLE");
/// // Expiration - Date = 1 h, on the device's own clock.
/// assert_eq!(creds.valid_until(), Instant::from_millis(1_000 + 3_600_000));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Client<T, C, D, R, O = NoObserver> {
    transport: T,
    endpoint: Endpoint,
    clock: C,
    delay: D,
    rng: R,
    observer: O,
    retry: RetryPolicy,
    last_skew: Option<i64>,
}

client_common!(Client);

impl<T: Transport, C: Clock, D: Delay, R: Rng, O: Observer> Client<T, C, D, R, O> {
    /// Assumes the role: reads the token from `token`, then sends the request,
    /// retrying as the policy says.
    ///
    /// `TOKEN_CAP` is the session token capacity of the result (2048 by
    /// default). The result is a 2.4 KB value: where stack is scarce, or
    /// to refresh credentials kept in one place, use
    /// [`fetch_into`](Self::fetch_into).
    ///
    /// # Errors
    ///
    /// The [`Error`] of the last attempt, with the number of attempts made.
    pub fn fetch<const TOKEN_CAP: usize, S: TokenSource + ?Sized>(
        &mut self,
        params: &Params<'_>,
        token: &mut S,
        buffers: &mut Buffers<'_>,
    ) -> Result<Credentials<TOKEN_CAP>, Error> {
        let mut creds = Credentials::empty();
        self.fetch_into(params, token, buffers, &mut creds)?;
        Ok(creds)
    }

    /// [`fetch`](Self::fetch), writing the credentials into `out` instead
    /// of returning them: nothing of their size is moved or copied on the
    /// way, and `out` can live anywhere (a `static`, a cache). The old
    /// secrets in `out` are wiped as they are replaced.
    ///
    /// On error, `out` is left as it was: credentials still valid keep
    /// being usable.
    ///
    /// # Errors
    ///
    /// The [`Error`] of the last attempt, with the number of attempts made.
    pub fn fetch_into<const TOKEN_CAP: usize, S: TokenSource + ?Sized>(
        &mut self,
        params: &Params<'_>,
        token: &mut S,
        buffers: &mut Buffers<'_>,
        out: &mut Credentials<TOKEN_CAP>,
    ) -> Result<(), Error> {
        let len = exchange::prepare(params, token, &mut self.rng, buffers)?;
        // The body holds the token; nothing else of the buffer was written.
        // (One arm per outcome: nothing error-sized is moved on success.)
        match self.run(len, params.duration_seconds, buffers, out) {
            Ok(()) => {
                exchange::wipe_prefix(buffers.request, len);
                Ok(())
            }
            Err(e) => {
                exchange::wipe_prefix(buffers.request, len);
                Err(e)
            }
        }
    }

    fn run<const TOKEN_CAP: usize>(
        &mut self,
        len: usize,
        duration: Option<u32>,
        buffers: &mut Buffers<'_>,
        out: &mut Credentials<TOKEN_CAP>,
    ) -> Result<(), Error> {
        let Client {
            transport,
            endpoint,
            clock,
            delay,
            rng,
            observer,
            retry,
            last_skew,
        } = self;
        let body = buffers.request.get(..len).unwrap_or_default();
        let (request, url) = exchange::request(endpoint, body);
        let mut attempts = Attempts::new(*retry, url, duration);
        loop {
            attempts.attempt += 1;
            let step = {
                let outcome = transport.send(&request, buffers.response);
                attempts.on_outcome(outcome, clock, rng, observer, last_skew, out)
            };
            exchange::wipe_used(buffers.response);
            match step {
                Step::Done => return Ok(()),
                Step::Fail(e) => return Err(e),
                Step::Retry(d) => delay.delay(d),
            }
        }
    }
}

/// The async client: the same as [`Client`] over [`AsyncTransport`] and
/// [`AsyncDelay`] (no boxing, no `Send` bound: runs on embassy).
pub struct AsyncClient<T, C, D, R, O = NoObserver> {
    transport: T,
    endpoint: Endpoint,
    clock: C,
    delay: D,
    rng: R,
    observer: O,
    retry: RetryPolicy,
    last_skew: Option<i64>,
}

client_common!(AsyncClient);

impl<T: AsyncTransport, C: Clock, D: AsyncDelay, R: Rng, O: Observer> AsyncClient<T, C, D, R, O> {
    /// Assumes the role; see [`Client::fetch`].
    ///
    /// # Errors
    ///
    /// The [`Error`] of the last attempt, with the number of attempts made.
    pub async fn fetch<const TOKEN_CAP: usize, S: TokenSource + ?Sized>(
        &mut self,
        params: &Params<'_>,
        token: &mut S,
        buffers: &mut Buffers<'_>,
    ) -> Result<Credentials<TOKEN_CAP>, Error> {
        let mut creds = Credentials::empty();
        self.fetch_into(params, token, buffers, &mut creds).await?;
        Ok(creds)
    }

    /// Assumes the role, writing the credentials into `out`; see
    /// [`Client::fetch_into`] (`out` is left as it was on error).
    ///
    /// # Errors
    ///
    /// The [`Error`] of the last attempt, with the number of attempts made.
    pub async fn fetch_into<const TOKEN_CAP: usize, S: TokenSource + ?Sized>(
        &mut self,
        params: &Params<'_>,
        token: &mut S,
        buffers: &mut Buffers<'_>,
        out: &mut Credentials<TOKEN_CAP>,
    ) -> Result<(), Error> {
        let len = exchange::prepare(params, token, &mut self.rng, buffers)?;
        // The body holds the token; nothing else of the buffer was written.
        // (One arm per outcome: nothing error-sized is moved on success.)
        match self.run(len, params.duration_seconds, buffers, out).await {
            Ok(()) => {
                exchange::wipe_prefix(buffers.request, len);
                Ok(())
            }
            Err(e) => {
                exchange::wipe_prefix(buffers.request, len);
                Err(e)
            }
        }
    }

    async fn run<const TOKEN_CAP: usize>(
        &mut self,
        len: usize,
        duration: Option<u32>,
        buffers: &mut Buffers<'_>,
        out: &mut Credentials<TOKEN_CAP>,
    ) -> Result<(), Error> {
        let AsyncClient {
            transport,
            endpoint,
            clock,
            delay,
            rng,
            observer,
            retry,
            last_skew,
        } = self;
        let body = buffers.request.get(..len).unwrap_or_default();
        let (request, url) = exchange::request(endpoint, body);
        let mut attempts = Attempts::new(*retry, url, duration);
        loop {
            attempts.attempt += 1;
            let step = {
                let outcome = transport.send(&request, buffers.response).await;
                attempts.on_outcome(outcome, clock, rng, observer, last_skew, out)
            };
            exchange::wipe_used(buffers.response);
            match step {
                Step::Done => return Ok(()),
                Step::Fail(e) => return Err(e),
                Step::Retry(d) => delay.delay(d).await,
            }
        }
    }
}
