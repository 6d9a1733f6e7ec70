//! The retry policy: what is retried, how often, and how long to wait.
//!
//! Standard mode, as the AWS SDKs define it, narrowed to what
//! `AssumeRoleWithWebIdentity` can answer:
//!
//! | retried | why |
//! |---|---|
//! | transport failures: connect, reset, timeout, early EOF, malformed HTTP, other I/O ([`sts_transport::Error::is_retryable`]) | the network or a middlebox; a fresh connection may work |
//! | a success status whose body is truncated or malformed (not XML, or missing `Credentials`) | the issue calls for it, and a body cut or mangled on the way (a middlebox, a flaky link) is worth one more fetch |
//! | HTTP 500, 502, 503, 504 and 429 | transient server or rate-limit answers, with or without an error document |
//! | the throttling codes ([`THROTTLING_CODES`]) | "slow down", whatever the status (STS sends `Throttling` with 400) |
//! | the transient codes ([`TRANSIENT_CODES`]: `RequestTimeout`, `RequestTimeoutException`, `PriorRequestNotComplete`) | transient |
//! | `IDPCommunicationError` | STS could not reach the identity provider |
//! | `InvalidIdentityToken` | **only** with [`RetryPolicy::retry_invalid_identity_token`] (off by default) |
//!
//! Nothing else is retried: not TLS failures, not a buffer that is too small,
//! not `ExpiredTokenException` or any other STS error code.
//!
//! Waiting is full-jitter exponential backoff in whole milliseconds: before
//! retry `n` (1 for the second attempt) the client waits a uniformly drawn
//! `0..=min(max_delay, base_delay × 2^(n-1))` ([`RetryPolicy::backoff`]). A
//! `Retry-After` header of whole seconds on a retried answer replaces the
//! draw, capped at `max_delay`, when [`RetryPolicy::honor_retry_after`] is
//! on (the default).

use core::time::Duration;

use sts_codec::ErrorCode;

/// Codes that mean "slow down": the throttling codes of the AWS SDKs'
/// standard retry mode (botocore's `ThrottledRetryableChecker`, checked
/// against it by `conformance`'s `botocore_retry_codes` test).
pub const THROTTLING_CODES: &[&str] = &[
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "TooManyRequestsException",
    "ProvisionedThroughputExceededException",
    "TransactionInProgressException",
    "RequestLimitExceeded",
    "BandwidthLimitExceeded",
    "LimitExceededException",
    "RequestThrottled",
    "SlowDown",
    "PriorRequestNotComplete",
    "EC2ThrottledException",
];

/// Codes of transient failures: the standard retry mode's transient codes
/// (botocore's `TransientRetryableChecker`; `PriorRequestNotComplete` is in
/// both lists, and counts as throttling here).
pub const TRANSIENT_CODES: &[&str] = &["RequestTimeout", "RequestTimeoutException", "PriorRequestNotComplete"];

use crate::time::{duration_millis, uniform_inclusive};

/// How many attempts, how long to wait, and the opt-in classes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// Attempts in total, the first included (at least 1). Default 3.
    pub max_attempts: u32,
    /// The backoff base. Default 1 s.
    pub base_delay: Duration,
    /// The largest wait between two attempts. Default 20 s.
    pub max_delay: Duration,
    /// Retry `InvalidIdentityToken`. Default `false`: aws-sdk-go-v2 and
    /// aws-c-auth retry it (STS may not yet see a key the identity provider
    /// just rotated), aws-config (Rust) and botocore do not; a rejected token
    /// usually stays rejected, so the default is not to spend attempts on it.
    pub retry_invalid_identity_token: bool,
    /// Honour a `Retry-After` header (whole seconds), capped at `max_delay`.
    /// Default `true`.
    pub honor_retry_after: bool,
}

impl RetryPolicy {
    /// The defaults: 3 attempts, base 1 s, cap 20 s, `InvalidIdentityToken`
    /// not retried, `Retry-After` honoured.
    pub const STANDARD: RetryPolicy = RetryPolicy {
        max_attempts: 3,
        base_delay: Duration::from_secs(1),
        max_delay: Duration::from_secs(20),
        retry_invalid_identity_token: false,
        honor_retry_after: true,
    };

    /// One attempt, no retries.
    pub const NONE: RetryPolicy = RetryPolicy {
        max_attempts: 1,
        ..RetryPolicy::STANDARD
    };

    /// Sets the total number of attempts (0 is taken as 1).
    #[must_use]
    pub const fn with_max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = if attempts == 0 { 1 } else { attempts };
        self
    }

    /// Sets the backoff base and cap.
    #[must_use]
    pub const fn with_backoff(mut self, base_delay: Duration, max_delay: Duration) -> Self {
        self.base_delay = base_delay;
        self.max_delay = max_delay;
        self
    }

    /// Opts in to (or out of) retrying `InvalidIdentityToken`.
    #[must_use]
    pub const fn with_retry_invalid_identity_token(mut self, retry: bool) -> Self {
        self.retry_invalid_identity_token = retry;
        self
    }

    /// Turns honouring `Retry-After` on or off.
    #[must_use]
    pub const fn with_honor_retry_after(mut self, honor: bool) -> Self {
        self.honor_retry_after = honor;
        self
    }

    /// The ceiling of the wait before retry `retry` (1-based):
    /// `min(max_delay, base_delay × 2^(retry-1))`, in whole milliseconds.
    #[must_use]
    pub fn backoff_ceiling(&self, retry: u32) -> Duration {
        let base = duration_millis(self.base_delay);
        let cap = duration_millis(self.max_delay);
        let shift = retry.saturating_sub(1).min(63);
        let exp = base.saturating_mul(1u64 << shift);
        Duration::from_millis(exp.min(cap))
    }

    /// The full-jitter wait before retry `retry` (1-based): the uniform
    /// 64-bit `draw` mapped onto `0..=`[`backoff_ceiling`](Self::backoff_ceiling)
    /// milliseconds ([`uniform_inclusive`]).
    #[must_use]
    pub fn backoff(&self, retry: u32, draw: u64) -> Duration {
        let ceiling = duration_millis(self.backoff_ceiling(retry));
        Duration::from_millis(uniform_inclusive(draw, ceiling))
    }

    /// The wait a `Retry-After` value asks for, when honoured: whole seconds
    /// (the HTTP-date form is ignored), capped at `max_delay`.
    #[must_use]
    pub fn retry_after(&self, header: Option<&str>) -> Option<Duration> {
        if !self.honor_retry_after {
            return None;
        }
        let secs: u64 = header?.trim_ascii().parse().ok()?;
        Some(Duration::from_secs(secs).min(self.max_delay))
    }

    /// Whether an answer of this class is retried under this policy.
    #[must_use]
    pub const fn retries(&self, class: RetryClass) -> bool {
        match class {
            RetryClass::InvalidIdentityToken => self.retry_invalid_identity_token,
            RetryClass::Transport
            | RetryClass::MalformedAnswer
            | RetryClass::ServerError
            | RetryClass::Throttling
            | RetryClass::Timeout
            | RetryClass::IdpCommunication => true,
        }
    }
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy::STANDARD
    }
}

/// Why a failed attempt may be worth repeating.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RetryClass {
    /// A transport failure the same request may survive on a new connection.
    Transport,
    /// A success status whose body is truncated or not a usable response.
    MalformedAnswer,
    /// HTTP 500, 502, 503 or 504.
    ServerError,
    /// HTTP 429 or a throttling code.
    Throttling,
    /// One of the transient codes ([`TRANSIENT_CODES`]): `RequestTimeout`,
    /// `RequestTimeoutException`.
    Timeout,
    /// `IDPCommunicationError`.
    IdpCommunication,
    /// `InvalidIdentityToken` (retried only on opt-in).
    InvalidIdentityToken,
}

/// Classifies an HTTP status and, when the body held one, an STS error code
/// (as sent on the wire).
///
/// The code wins over the status (STS sends `Throttling` with 400); a status
/// of 429 or 5xx from the list is retryable whatever the body says.
#[must_use]
pub fn classify_answer(status: u16, code: Option<&str>) -> Option<RetryClass> {
    let by_code = code.and_then(|code| {
        if THROTTLING_CODES.contains(&code) {
            return Some(RetryClass::Throttling);
        }
        if TRANSIENT_CODES.contains(&code) {
            return Some(RetryClass::Timeout);
        }
        match ErrorCode::from_wire(code) {
            ErrorCode::IdpCommunicationError => Some(RetryClass::IdpCommunication),
            ErrorCode::InvalidIdentityToken => Some(RetryClass::InvalidIdentityToken),
            _ => None,
        }
    });
    by_code.or(match status {
        429 => Some(RetryClass::Throttling),
        500 | 502 | 503 | 504 => Some(RetryClass::ServerError),
        _ => None,
    })
}

/// Classifies a transport failure (see [`sts_transport::Error::is_retryable`]).
#[must_use]
pub const fn classify_transport(error: &sts_transport::Error) -> Option<RetryClass> {
    if error.is_retryable() {
        Some(RetryClass::Transport)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ceilings_double_up_to_the_cap() {
        let p = RetryPolicy::STANDARD;
        let ms = |n| p.backoff_ceiling(n).as_millis();
        assert_eq!(
            [ms(1), ms(2), ms(3), ms(4), ms(5), ms(6), ms(100)],
            [1000, 2000, 4000, 8000, 16000, 20000, 20000]
        );
        assert_eq!(p.backoff(3, u64::MAX), Duration::from_millis(4000));
        assert_eq!(p.backoff(3, 0), Duration::ZERO);
    }

    #[test]
    fn retry_after_seconds_capped() {
        let p = RetryPolicy::STANDARD;
        assert_eq!(p.retry_after(Some("3")), Some(Duration::from_secs(3)));
        assert_eq!(p.retry_after(Some("3600")), Some(Duration::from_secs(20)));
        assert_eq!(p.retry_after(Some("Wed, 21 Oct 2015 07:28:00 GMT")), None);
        assert_eq!(p.with_honor_retry_after(false).retry_after(Some("3")), None);
    }

    #[test]
    fn zero_attempts_means_one() {
        assert_eq!(RetryPolicy::STANDARD.with_max_attempts(0).max_attempts, 1);
    }
}
