//! The clients: [`Client`] (blocking, over [`Transport`]) and [`AsyncClient`]
//! (over [`AsyncTransport`]): thin drivers of the sans-IO
//! [`Exchange`](crate::exchange::Exchange), which holds all the logic.

use core::fmt;

#[cfg(feature = "chain")]
use sts_codec::AssumeRoleInput;
use sts_codec::AssumeRoleWithWebIdentityInput;
use sts_transport::{AsyncTransport, Transport};

use crate::credentials::Credentials;
use crate::endpoint::Endpoint;
use crate::error::Error;
#[cfg(feature = "chain")]
use crate::error::ErrorKind;
use crate::exchange::{self, Buffers, Next};
use crate::retry::RetryPolicy;
#[cfg(feature = "chain")]
use crate::signed::{SignedExchange, signing_time};
use crate::time::{AsyncPlatform, Platform};
use crate::token::TokenSource;

macro_rules! client_common {
    ($name:ident) => {
        impl<T, P> $name<T, P> {
            /// A client sending to `endpoint` over `transport`, with the
            /// clock, waits, randomness and attempt hook of `platform`, and
            /// the standard retry policy.
            pub fn new(transport: T, endpoint: Endpoint, platform: P) -> Self {
                $name {
                    transport,
                    endpoint,
                    platform,
                    retry: RetryPolicy::STANDARD,
                    last_skew: None,
                }
            }

            /// Replaces the retry policy.
            #[must_use]
            pub fn with_retry_policy(mut self, policy: RetryPolicy) -> Self {
                self.retry = policy;
                self
            }

            /// The retry policy.
            pub fn retry_policy(&self) -> &RetryPolicy {
                &self.retry
            }

            /// The endpoint.
            pub fn endpoint(&self) -> &Endpoint {
                &self.endpoint
            }

            /// The platform.
            pub fn platform(&self) -> &P {
                &self.platform
            }

            /// The platform, mutably.
            pub fn platform_mut(&mut self) -> &mut P {
                &mut self.platform
            }

            /// The transport.
            pub fn transport(&self) -> &T {
                &self.transport
            }

            /// The transport, mutably (to reconfigure it between fetches).
            pub fn transport_mut(&mut self) -> &mut T {
                &mut self.transport
            }

            /// The last measured clock skew (server `Date` minus the
            /// platform's wall clock) in milliseconds; positive when the
            /// server is ahead. `None` until an answer with a `Date` arrives
            /// while the platform has a wall time.
            pub fn clock_skew_millis(&self) -> Option<i64> {
                self.last_skew
            }
        }

        impl<T, P> fmt::Debug for $name<T, P> {
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
/// Each [`fetch_into`](Client::fetch_into) reads the token once, encodes
/// the body once, then sends it up to [`RetryPolicy::max_attempts`] times,
/// waiting with the platform between attempts as the policy says.
///
/// ```
/// use sts_client::endpoint::{EndpointParams, resolve};
/// use sts_client::{Buffers, Client, Clock, Credentials, Instant, MemoryToken, NoDelay, SplitMix64};
/// use sts_codec::AssumeRoleWithWebIdentityInput;
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
/// impl Clock for Ticks {
///     fn now(&self) -> Instant { Instant::from_millis(1_000) }
/// }
///
/// let endpoint = resolve(&EndpointParams { region: Some("eu-west-1"), ..Default::default() })?;
/// let mut client = Client::new(Canned, endpoint, (Ticks, NoDelay, SplitMix64::new(7)));
/// let (mut req, mut resp) = ([0u8; 2048], [0u8; 4096]);
/// let mut creds = Credentials::new();
/// client.fetch_into(
///     &AssumeRoleWithWebIdentityInput::for_role("arn:aws:iam::123456789012:role/device"),
///     &mut MemoryToken::from_str("eyJhbGciOiJSUzI1NiJ9.e30.c2ln"),
///     &mut Buffers::new(&mut req, &mut resp),
///     &mut creds,
/// )?;
/// assert_eq!(creds.access_key_id(), "ASIAEXAMPLE");
/// // Expiration - Date = 1 h, on the device's own clock.
/// assert_eq!(creds.valid_until(), Instant::from_millis(1_000 + 3_600_000));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Client<T, P> {
    transport: T,
    endpoint: Endpoint,
    platform: P,
    retry: RetryPolicy,
    last_skew: Option<i64>,
}

client_common!(Client);

impl<T: Transport, P: Platform> Client<T, P> {
    /// Assumes the role: reads the token from `token`, then sends the
    /// request for `input` (its token replaced by that one; a session name
    /// generated when it has none), retrying as the policy says, and writes
    /// the credentials into `out`. The old secrets in `out` are wiped as
    /// they are replaced; on error `out` is left as it was, so credentials
    /// still valid keep being usable.
    ///
    /// # Errors
    ///
    /// The [`Error`] of the last attempt, with the number of attempts made.
    pub fn fetch_into(
        &mut self,
        input: &AssumeRoleWithWebIdentityInput<'_>,
        token: &mut dyn TokenSource,
        buffers: &mut Buffers<'_>,
        out: &mut Credentials,
    ) -> Result<(), Error> {
        let Client {
            transport,
            endpoint,
            platform,
            retry,
            last_skew,
        } = self;
        let mut ex = exchange::start(endpoint, *retry, input, token, || platform.next_u64(), buffers)?;
        let result = loop {
            let request = ex.request(buffers.request);
            let outcome = transport.send(&request, buffers.response);
            let (next, event) = ex.handle(
                outcome,
                platform.now(),
                platform.wall_time(),
                || platform.next_u64(),
                out,
            );
            platform.on_attempt(&event);
            // `event` (which borrows the answer) is not used past here.
            exchange::wipe_used(buffers.response);
            match next {
                Next::Done => break Ok(()),
                Next::Fail(e) => break Err(e),
                Next::Retry(d) => platform.delay(d),
            }
        };
        *last_skew = ex.clock_skew_millis().or(*last_skew);
        // The body holds the token; nothing else of the buffer was written.
        exchange::wipe_prefix(buffers.request, ex.body_len());
        result
    }

    /// One `AssumeRole` hop: signs the request for `input` with `source`
    /// (SigV4, for the endpoint's signing region or else `region`, service
    /// `sts`, at the platform's wall time or else `source`'s server `Date`
    /// plus the monotonic time since), sends it with the same retries as
    /// [`fetch_into`](Self::fetch_into) and writes the credentials into
    /// `out` (left as it was on error). A session name is generated when
    /// `input` has none.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::NoSigningTime`] when there is no time to sign with;
    /// otherwise the [`Error`] of the last attempt.
    #[cfg(feature = "chain")]
    pub fn assume_role_into(
        &mut self,
        input: &AssumeRoleInput<'_>,
        source: &Credentials,
        region: &str,
        buffers: &mut Buffers<'_>,
        out: &mut Credentials,
    ) -> Result<(), Error> {
        let Client {
            transport,
            endpoint,
            platform,
            retry,
            last_skew,
        } = self;
        let time = signing_time(platform.wall_time(), source, platform.now()).ok_or(ErrorKind::NoSigningTime)?;
        let mut ex = SignedExchange::new(
            endpoint,
            *retry,
            input,
            source,
            region,
            time,
            || platform.next_u64(),
            buffers.request,
        )?;
        let result = loop {
            let headers = ex.headers(buffers.request);
            let request = ex.request(buffers.request, &headers);
            let outcome = transport.send(&request, buffers.response);
            let (next, event) = ex.handle(
                outcome,
                platform.now(),
                platform.wall_time(),
                || platform.next_u64(),
                out,
            );
            platform.on_attempt(&event);
            exchange::wipe_used(buffers.response);
            match next {
                Next::Done => break Ok(()),
                Next::Fail(e) => break Err(e),
                Next::Retry(d) => platform.delay(d),
            }
        };
        *last_skew = ex.clock_skew_millis().or(*last_skew);
        // The body, and the canonical request that holds the session token.
        exchange::wipe_prefix(buffers.request, ex.request_len());
        result
    }
}

/// The async client: the same as [`Client`] over [`AsyncTransport`] and an
/// [`AsyncPlatform`] (no boxing, no `Send` bound: runs on embassy).
pub struct AsyncClient<T, P> {
    transport: T,
    endpoint: Endpoint,
    platform: P,
    retry: RetryPolicy,
    last_skew: Option<i64>,
}

client_common!(AsyncClient);

impl<T: AsyncTransport, P: AsyncPlatform> AsyncClient<T, P> {
    /// Assumes the role, writing the credentials into `out`; see
    /// [`Client::fetch_into`] (`out` is left as it was on error).
    ///
    /// # Errors
    ///
    /// The [`Error`] of the last attempt, with the number of attempts made.
    pub async fn fetch_into(
        &mut self,
        input: &AssumeRoleWithWebIdentityInput<'_>,
        token: &mut dyn TokenSource,
        buffers: &mut Buffers<'_>,
        out: &mut Credentials,
    ) -> Result<(), Error> {
        let AsyncClient {
            transport,
            endpoint,
            platform,
            retry,
            last_skew,
        } = self;
        let mut ex = exchange::start(endpoint, *retry, input, token, || platform.next_u64(), buffers)?;
        let result = loop {
            let request = ex.request(buffers.request);
            let outcome = transport.send(&request, buffers.response).await;
            let (next, event) = ex.handle(
                outcome,
                platform.now(),
                platform.wall_time(),
                || platform.next_u64(),
                out,
            );
            platform.on_attempt(&event);
            // `event` (which borrows the answer) is not used past here.
            exchange::wipe_used(buffers.response);
            match next {
                Next::Done => break Ok(()),
                Next::Fail(e) => break Err(e),
                Next::Retry(d) => platform.delay(d).await,
            }
        };
        *last_skew = ex.clock_skew_millis().or(*last_skew);
        exchange::wipe_prefix(buffers.request, ex.body_len());
        result
    }

    /// One `AssumeRole` hop; see [`Client::assume_role_into`].
    ///
    /// # Errors
    ///
    /// [`ErrorKind::NoSigningTime`] when there is no time to sign with;
    /// otherwise the [`Error`] of the last attempt.
    #[cfg(feature = "chain")]
    pub async fn assume_role_into(
        &mut self,
        input: &AssumeRoleInput<'_>,
        source: &Credentials,
        region: &str,
        buffers: &mut Buffers<'_>,
        out: &mut Credentials,
    ) -> Result<(), Error> {
        let AsyncClient {
            transport,
            endpoint,
            platform,
            retry,
            last_skew,
        } = self;
        let time = signing_time(platform.wall_time(), source, platform.now()).ok_or(ErrorKind::NoSigningTime)?;
        let mut ex = SignedExchange::new(
            endpoint,
            *retry,
            input,
            source,
            region,
            time,
            || platform.next_u64(),
            buffers.request,
        )?;
        let result = loop {
            let headers = ex.headers(buffers.request);
            let request = ex.request(buffers.request, &headers);
            let outcome = transport.send(&request, buffers.response).await;
            let (next, event) = ex.handle(
                outcome,
                platform.now(),
                platform.wall_time(),
                || platform.next_u64(),
                out,
            );
            platform.on_attempt(&event);
            exchange::wipe_used(buffers.response);
            match next {
                Next::Done => break Ok(()),
                Next::Fail(e) => break Err(e),
                Next::Retry(d) => platform.delay(d).await,
            }
        };
        *last_skew = ex.clock_skew_millis().or(*last_skew);
        exchange::wipe_prefix(buffers.request, ex.request_len());
        result
    }
}
