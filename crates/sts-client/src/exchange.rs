//! The logic both clients share: preparing the body, building each request,
//! classifying each answer, deciding about the next attempt. Plain functions
//! over plain values, so the blocking and the async client cannot drift.

use core::time::Duration;

use zeroize::Zeroize;

use sts_codec::{AssumeRoleWithWebIdentityInput, CONTENT_TYPE, DecodeError, EncodeError, decode_response, encode};
use sts_transport::date::parse_http_date;
use sts_transport::{Request, Response, Scheme};

use crate::client::{AttemptEvent, Buffers, Observer, Params};
use crate::credentials::{ACCESS_KEY_ID_CAPACITY, CredentialField, Credentials, SECRET_ACCESS_KEY_CAPACITY, Timing};
use crate::endpoint::Endpoint;
use crate::error::{Error, ErrorKind, StsError};
use crate::retry::{RetryClass, RetryPolicy, classify_answer, classify_transport};
use crate::time::{Clock, Instant, Rng, Timestamp, timestamp_diff_millis};
use crate::token::{self, TokenSource};

/// The prefix of generated session names.
pub const SESSION_NAME_PREFIX: &str = "sts-web-identity-";

/// `DurationSeconds` STS applies when the request has none.
pub(crate) const DEFAULT_DURATION_SECONDS: u32 = 3600;

/// The request's only header of its own; the transport adds `Host`,
/// `Content-Length` and the rest. No `Authorization`: the call is unsigned.
const HEADERS: &[(&str, &str)] = &[("Content-Type", CONTENT_TYPE)];

/// The response header that carries the request id of an AWS answer.
const REQUEST_ID_HEADER: &str = "x-amzn-requestid";

/// A generated session name: the prefix and 16 hex digits from one draw.
pub(crate) struct SessionName {
    buf: [u8; 33],
}

impl SessionName {
    pub(crate) fn generate<R: Rng + ?Sized>(rng: &mut R) -> Self {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut buf = [0u8; 33];
        let (prefix, digits) = buf.split_at_mut(SESSION_NAME_PREFIX.len());
        prefix.copy_from_slice(SESSION_NAME_PREFIX.as_bytes());
        let draw = rng.next_u64();
        for (i, d) in digits.iter_mut().enumerate() {
            *d = HEX[(draw >> (60 - 4 * i)) as usize & 15];
        }
        SessionName { buf }
    }

    pub(crate) fn as_str(&self) -> &str {
        core::str::from_utf8(&self.buf).unwrap_or(SESSION_NAME_PREFIX)
    }
}

/// Reads the token, picks the session name and encodes the body into
/// `bufs.request`. The token passes through `bufs.response` (unless the
/// source lends it in place, `TokenSource::token_str`): the bytes the
/// token source filled are wiped before this returns (the whole buffer on
/// error). Returns the body length.
pub(crate) fn prepare<S: TokenSource + ?Sized, R: Rng + ?Sized>(
    params: &Params<'_>,
    source: &mut S,
    rng: &mut R,
    bufs: &mut Buffers<'_>,
) -> Result<usize, ErrorKind> {
    let generated;
    let session_name = match params.role_session_name {
        Some(name) => name,
        None => {
            generated = SessionName::generate(rng);
            generated.as_str()
        }
    };
    let (token, filled) = match token::load(source, bufs.response) {
        Ok(loaded) => loaded,
        Err(e) => {
            // No attempt follows: wipe it all here.
            bufs.response.zeroize();
            return Err(ErrorKind::Token(e));
        }
    };
    let mut input =
        AssumeRoleWithWebIdentityInput::new(params.role_arn, session_name, token).with_policy_arns(params.policy_arns);
    if let Some(d) = params.duration_seconds {
        input = input.with_duration_seconds(d);
    }
    if let Some(p) = params.policy {
        input = input.with_policy(p);
    }
    if let Some(p) = params.provider_id {
        input = input.with_provider_id(p);
    }
    let encoded = encode(&input, bufs.request);
    drop(input);
    // Each outcome returned from its own arm: no error-sized value is moved
    // on the way out of a successful encode.
    match encoded {
        Ok(len) => {
            // The token source filled `..filled` (its contract); the rest of
            // the buffer is as the caller lent it. Anything a source wrote
            // beyond what it reported is caught by the wipe after the
            // attempt (`wipe_used`), which runs before `fetch` returns.
            // Nothing filled (a token lent in place): no call at all.
            if filled > 0 {
                wipe_prefix(bufs.response, filled);
            }
            Ok(len)
        }
        Err(e) => {
            // No attempt follows: wipe it all here.
            bufs.response.zeroize();
            let capacity = bufs.request.len();
            Err(match e {
                EncodeError::Invalid(v) => ErrorKind::Validation(v),
                EncodeError::BufferTooSmall { needed } => ErrorKind::RequestTooLarge { needed, capacity },
                // `EncodeError` is non_exhaustive; any future variant means
                // nothing usable was written.
                _ => ErrorKind::RequestTooLarge { needed: 0, capacity },
            })
        }
    }
}

/// Wipes `buf[..n]` (all of `buf` if `n` is larger).
pub(crate) fn wipe_prefix(buf: &mut [u8], n: usize) {
    let n = n.min(buf.len());
    if let Some(prefix) = buf.get_mut(..n) {
        prefix.zeroize();
    }
}

/// Wipes `buf` up to its last byte that is not zero, which leaves it exactly
/// as wiping all of it would (wiping writes zeros) while writing only what a
/// transport filled: the zero tail is only read, a block at a time from the
/// end. Whatever a transport left anywhere (head, body, bytes read past the
/// body, the raw copy of a chunked body decoded in place, skipped `1xx`
/// heads, a partial answer before an error) is covered.
pub(crate) fn wipe_used(buf: &mut [u8]) {
    let end = used_len(buf);
    wipe_prefix(buf, end);
}

/// The length of `buf` without its zero tail, rounded up to [`SCAN_BLOCK`].
fn used_len(buf: &[u8]) -> usize {
    let mut blocks = buf.rchunks_exact(SCAN_BLOCK);
    let mut end = buf.len();
    for block in blocks.by_ref() {
        // Whole blocks, OR-ed without an early exit: this vectorizes.
        let nonzero = <&[u8; SCAN_BLOCK]>::try_from(block).map_or(true, |b| b.iter().fold(0, |acc, &x| acc | x) != 0);
        if nonzero {
            return end;
        }
        end -= SCAN_BLOCK;
    }
    // `end` is now the length of the remainder, at the front.
    if blocks.remainder().iter().any(|&b| b != 0) {
        end
    } else {
        0
    }
}

/// The bytes [`used_len`] checks at once.
const SCAN_BLOCK: usize = 256;

/// The request of every attempt: POST to the endpoint's path (or `/`); and
/// the endpoint's URL, for the observer.
pub(crate) fn request<'r>(endpoint: &'r Endpoint, body: &'r [u8]) -> (Request<'r>, &'r str) {
    let (url, host, path) = endpoint.parts();
    let request = Request {
        method: "POST",
        scheme: if endpoint.scheme() == "http" {
            Scheme::Http
        } else {
            Scheme::Https
        },
        host,
        port: endpoint.port(),
        path: if path.is_empty() { "/" } else { path },
        headers: HEADERS,
        body,
        request_id_header: Some(REQUEST_ID_HEADER),
    };
    (request, url)
}

/// The retry class of a failure, whatever the policy.
pub(crate) fn retry_class(kind: &ErrorKind) -> Option<RetryClass> {
    match kind {
        ErrorKind::Transport(e) => classify_transport(e),
        ErrorKind::Service(e) => classify_answer(e.status(), Some(e.code())),
        ErrorKind::Http { status } => classify_answer(*status, None),
        ErrorKind::Malformed(_) => Some(RetryClass::MalformedAnswer),
        _ => None,
    }
}

/// What the loop does next.
pub(crate) enum Step {
    /// The credentials were written to the caller's slot.
    Done,
    Retry(Duration),
    Fail(Error),
}

/// The state of one fetch across its attempts.
pub(crate) struct Attempts<'e> {
    pub(crate) attempt: u32,
    pub(crate) policy: RetryPolicy,
    /// The endpoint's URL.
    pub(crate) endpoint: &'e str,
    /// The credential lifetime asked for (or STS's default), the upper bound
    /// of what is believed (see [`timing`]).
    pub(crate) requested_seconds: u32,
}

/// Where the server's clock is measured from an answer.
struct Received {
    at: Instant,
    wall: Option<Timestamp>,
    server_date: Option<Timestamp>,
}

/// The monotonic deadline and skew of credentials that expire at
/// `expiration` (server clock), received as described by `r`.
///
/// The lifetime is `expiration - Date` when the answer has a `Date`, else
/// `expiration - wall clock` when the caller has one, else the requested
/// duration; it is never more than the requested duration (STS grants at
/// most that), which also bounds the damage of a wrong wall clock.
fn timing(expiration: Timestamp, r: &Received, requested_seconds: u32) -> Timing {
    let cap_ms = i64::from(requested_seconds) * 1000;
    let lifetime_ms = match r.server_date.or(r.wall) {
        Some(reference) => timestamp_diff_millis(expiration, reference).min(cap_ms),
        None => cap_ms,
    };
    let valid_until = Instant::from_millis(r.at.as_millis().saturating_add(lifetime_ms.max(0).unsigned_abs()));
    let clock_skew_ms = match (r.server_date, r.wall) {
        (Some(server), Some(wall)) => Some(timestamp_diff_millis(server, wall)),
        _ => None,
    };
    Timing {
        expiration,
        server_date: r.server_date,
        received_at: r.at,
        valid_until,
        clock_skew_ms,
    }
}

/// Writes the decoded credentials into `slot`, which is left untouched on
/// error.
fn credentials<const CAP: usize>(
    out: &sts_codec::Credentials<'_>,
    r: &Received,
    requested_seconds: u32,
    slot: &mut Credentials<CAP>,
) -> Result<(), ErrorKind> {
    let t = timing(out.expiration, r, requested_seconds);
    if t.valid_until <= t.received_at {
        return Err(ErrorKind::ExpiredOnArrival);
    }
    slot.replace(
        out.access_key_id,
        out.secret_access_key.expose(),
        out.session_token.expose(),
        t,
    )
    .map_err(|(field, needed)| ErrorKind::CredentialsTooLarge {
        field,
        needed,
        capacity: match field {
            CredentialField::AccessKeyId => ACCESS_KEY_ID_CAPACITY,
            CredentialField::SecretAccessKey => SECRET_ACCESS_KEY_CAPACITY,
            _ => CAP,
        },
    })
}

impl<'e> Attempts<'e> {
    /// Before the first attempt at `endpoint`, for a lifetime of `duration`
    /// seconds (STS's default when `None`).
    pub(crate) fn new(policy: RetryPolicy, endpoint: &'e str, duration: Option<u32>) -> Self {
        Attempts {
            attempt: 0,
            policy,
            endpoint,
            requested_seconds: duration.unwrap_or(DEFAULT_DURATION_SECONDS),
        }
    }

    /// Classifies the outcome of the current attempt, reports it to the
    /// observer and says what to do next. Everything borrowed from the
    /// response is copied out or dropped here, so the caller can wipe the
    /// buffer right after. Credentials go to `slot`, which is written only
    /// on [`Step::Done`].
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn on_outcome<const CAP: usize, C, R, O>(
        &mut self,
        outcome: Result<Response<'_>, sts_transport::Error>,
        clock: &C,
        rng: &mut R,
        observer: &mut O,
        last_skew: &mut Option<i64>,
        slot: &mut Credentials<CAP>,
    ) -> Step
    where
        C: Clock + ?Sized,
        R: Rng + ?Sized,
        O: Observer + ?Sized,
    {
        let mut status = None;
        let mut request_id_header = None;
        let mut retry_after = None;
        let mut server_date = None;
        let mut document = None;
        let result: Result<(), ErrorKind> = match outcome {
            Err(e) => Err(ErrorKind::Transport(e)),
            Ok(response) => {
                let received = Received {
                    at: clock.now(),
                    wall: clock.wall_time(),
                    // HTTP whitespace around a field value is ASCII (SP, HTAB).
                    server_date: response
                        .date
                        .and_then(|d| parse_http_date(d.trim_ascii()).ok())
                        .map(|seconds| Timestamp { seconds, nanos: 0 }),
                };
                status = Some(response.status);
                request_id_header = response.request_id;
                retry_after = response.retry_after;
                server_date = received.server_date;
                if let (Some(server), Some(wall)) = (received.server_date, received.wall) {
                    *last_skew = Some(timestamp_diff_millis(server, wall));
                }
                match decode_response(response.status, response.body) {
                    Ok(out) => credentials(&out.credentials, &received, self.requested_seconds, slot),
                    Err(DecodeError::Service(e)) => {
                        document = Some(e);
                        Err(ErrorKind::Service(StsError::new(
                            e.status,
                            e.code,
                            e.message,
                            e.request_id.or(request_id_header),
                        )))
                    }
                    Err(DecodeError::Http { status }) => Err(ErrorKind::Http { status }),
                    Err(DecodeError::Malformed(m)) => Err(ErrorKind::Malformed(m)),
                    // `DecodeError` is non_exhaustive: treat anything new as
                    // an answer without a usable document.
                    Err(_) => Err(ErrorKind::Http {
                        status: response.status,
                    }),
                }
            }
        };
        match result {
            Ok(()) => {
                observer.on_attempt(&AttemptEvent {
                    attempt: self.attempt,
                    max_attempts: self.policy.max_attempts,
                    endpoint: self.endpoint,
                    status,
                    request_id: request_id_header,
                    server_date,
                    error: None,
                    service_error: None,
                    retry_in: None,
                });
                Step::Done
            }
            Err(kind) => {
                let retry = retry_class(&kind).is_some_and(|c| self.policy.retries(c))
                    && self.attempt < self.policy.max_attempts;
                let delay = retry.then(|| {
                    self.policy
                        .retry_after(retry_after)
                        .unwrap_or_else(|| self.policy.backoff(self.attempt, rng))
                });
                let request_id = match &kind {
                    ErrorKind::Service(e) => e.request_id(),
                    _ => request_id_header,
                };
                observer.on_attempt(&AttemptEvent {
                    attempt: self.attempt,
                    max_attempts: self.policy.max_attempts,
                    endpoint: self.endpoint,
                    status,
                    request_id,
                    server_date,
                    error: Some(&kind),
                    service_error: document,
                    retry_in: delay,
                });
                match delay {
                    Some(d) => Step::Retry(d),
                    None => Step::Fail(Error::new(kind, self.attempt)),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The token passes through the response buffer: whatever the outcome,
    /// nothing of it is left there when `prepare` returns, and on error
    /// nothing is left in the request buffer either. A token lent in place
    /// (`MemoryToken::from_str`) is not written there at all.
    #[test]
    fn prepare_wipes_the_token_scratch_on_every_outcome() {
        use crate::token::{FnToken, MemoryToken, TokenError};

        const ARN: &str = "arn:aws:iam::123456789012:role/device";
        const SENTINEL: u8 = 0xA5;
        struct Fixed;
        impl Rng for Fixed {
            fn next_u64(&mut self) -> u64 {
                7
            }
        }
        let check_filled = |name: &str, params: &Params<'_>, source: &mut dyn TokenSource, ok: bool, filled: usize| {
            let (mut req, mut resp) = ([SENTINEL; 512], [SENTINEL; 256]);
            let result = prepare(params, source, &mut Fixed, &mut Buffers::new(&mut req, &mut resp));
            assert_eq!(result.is_ok(), ok, "{name}: {result:?}");
            if ok {
                // Only the bytes the source filled were written, and wiped.
                assert!(resp[..filled].iter().all(|&b| b == 0), "{name}");
                assert!(resp[filled..].iter().all(|&b| b == SENTINEL), "{name}");
            } else {
                assert!(resp.iter().all(|&b| b == 0), "{name}");
                assert!(req.iter().all(|&b| b == SENTINEL || b == 0), "{name}");
            }
        };
        let check = |name: &str, params: &Params<'_>, source: &mut dyn TokenSource, ok: bool| {
            check_filled(name, params, source, ok, 12);
        };
        let params = Params::new(ARN);
        check("ok", &params, &mut MemoryToken::new(b"tok.en.val\r\n"), true);
        check_filled(
            "ok in place",
            &params,
            &mut MemoryToken::from_str("tok.en.val\r\n"),
            true,
            0,
        );
        check(
            "too large in place",
            &params,
            &mut MemoryToken::from_str(&"t".repeat(257)),
            false,
        );
        check("not utf-8", &params, &mut MemoryToken::new(b"tok\xffen.value"), false);
        check("empty", &params, &mut MemoryToken::from_str(" \r\n "), false);
        check("too large", &params, &mut MemoryToken::new(&[b't'; 257]), false);
        check(
            "source says more than the buffer after filling it",
            &params,
            &mut FnToken::new(|buf: &mut [u8]| {
                buf.fill(b't');
                Ok(buf.len() + 1)
            }),
            false,
        );
        check(
            "source fails after writing",
            &params,
            &mut FnToken::new(|buf: &mut [u8]| {
                buf[..5].copy_from_slice(b"token");
                Err(TokenError::Unavailable)
            }),
            false,
        );
        check(
            "invalid input",
            &Params::new("not-an-arn"),
            &mut MemoryToken::from_str("tok.en.value"),
            false,
        );
        let mut small = [SENTINEL; 64];
        let mut resp = [SENTINEL; 256];
        let result = prepare(
            &params,
            &mut MemoryToken::from_str("tok.en.value"),
            &mut Fixed,
            &mut Buffers::new(&mut small, &mut resp),
        );
        assert!(matches!(result, Err(ErrorKind::RequestTooLarge { .. })), "{result:?}");
        assert!(small.iter().all(|&b| b == 0) && resp.iter().all(|&b| b == 0));
    }

    #[test]
    fn wipe_used_leaves_what_a_whole_wipe_leaves() {
        // Every length around the block size, a nonzero byte at every place.
        for len in [0, 1, 2, 63, 64, 65, 127, 128, 129, 200] {
            for at in 0..len {
                let mut buf = [0u8; 200];
                let buf = &mut buf[..len];
                buf[at] = 0x5A;
                wipe_used(buf);
                assert!(buf.iter().all(|&b| b == 0), "len {len}, at {at}");
            }
            let mut buf = [0xFFu8; 200];
            wipe_used(&mut buf[..len]);
            assert!(buf[..len].iter().all(|&b| b == 0) && buf[len..].iter().all(|&b| b == 0xFF));
        }
    }

    #[test]
    fn generated_session_names_follow_the_model() {
        struct Fixed(u64);
        impl Rng for Fixed {
            fn next_u64(&mut self) -> u64 {
                self.0
            }
        }
        let name = SessionName::generate(&mut Fixed(0x0123_4567_89ab_cdef));
        assert_eq!(name.as_str(), "sts-web-identity-0123456789abcdef");
        assert!((2..=64).contains(&name.as_str().len()));
    }

    #[test]
    fn timing_prefers_the_date_header_and_caps_at_the_requested_duration() {
        let exp = Timestamp::from_unix(10_000, 0).unwrap();
        let at = Instant::from_millis(5);
        let r = |wall: Option<i64>, date: Option<i64>| Received {
            at,
            wall: wall.map(|s| Timestamp::from_unix(s, 0).unwrap()),
            server_date: date.map(|s| Timestamp::from_unix(s, 0).unwrap()),
        };
        // Date header: 1000 s left, whatever the wall clock says.
        let t = timing(exp, &r(Some(0), Some(9_000)), 3600);
        assert_eq!(t.valid_until, Instant::from_millis(5 + 1_000_000));
        assert_eq!(t.clock_skew_ms, Some(9_000_000));
        // No Date: the wall clock, capped at the requested duration.
        assert_eq!(
            timing(exp, &r(Some(9_500), None), 3600).valid_until,
            Instant::from_millis(500_005)
        );
        assert_eq!(
            timing(exp, &r(Some(0), None), 3600).valid_until,
            Instant::from_millis(3_600_005)
        );
        // Neither: the requested duration.
        assert_eq!(
            timing(exp, &r(None, None), 900).valid_until,
            Instant::from_millis(900_005)
        );
        // Already expired.
        assert_eq!(timing(exp, &r(None, Some(10_001)), 900).valid_until, at);
    }
}
