//! A `no_std`, allocation-free client for AWS STS `AssumeRoleWithWebIdentity`:
//! endpoints, retries, server time, token sources and refreshing
//! credentials.
//!
//! It builds on [`sts_codec`] (request encoding, response decoding) and
//! [`sts_transport`] (the [`Transport`](sts_transport::Transport) /
//! [`AsyncTransport`](sts_transport::AsyncTransport) traits). It does no I/O
//! of its own, reads no clock and draws no random number: the transport, a
//! [`Clock`], a [`Delay`] (or [`AsyncDelay`]) and an [`Rng`] are parameters,
//! so the whole client runs on a fake clock in tests and on a tick counter
//! on a device.
//!
//! ```text
//!  TokenSource ─▶ token ─▶ encode ─▶ body ─┐
//!                                          ▼
//!   ┌──── attempt n ◀─ Delay ◀─ backoff(Rng) ◀─ retryable? ─┐
//!   ▼                                                       │
//!  Transport::send(Request{POST endpoint, Content-Type}) ─▶ Response ─▶ decode ─┘
//!                                                       │ Date header + Clock::now()
//!                                                       ▼
//!                              Credentials { expiration (server), valid_until (monotonic) }
//!                                                       ▼
//!                              CredentialCache: advisory / mandatory windows + jitter
//! ```
//!
//! # Pieces
//!
//! - [`endpoint`]: the STS endpoint rule set ([`endpoint::resolve`]).
//! - [`Client`] / [`AsyncClient`]: one fetch with retries
//!   ([`RetryPolicy`], [`retry`] module for the table); `fetch` returns
//!   the credentials, `fetch_into` writes them into storage of yours
//!   (no 2.4 KB value on the stack; left as it was on error).
//! - [`TokenSource`]: [`MemoryToken`], [`FnToken`], `TokenFile` (std).
//! - [`Credentials`]: inline storage with a const-generic session-token
//!   capacity, wiped on drop, redacted in `Debug`.
//! - [`CredentialProvider`] / [`AsyncCredentialProvider`] and the
//!   deterministic [`CredentialCache`]: serve and refresh ([`refresh`]
//!   module for the windows).
//! - `std` feature: [`StdClock`], [`ThreadSleep`], [`OsRng`], `TokenFile`,
//!   the environment and shared-config loader ([`config`]) and
//!   `StdCredentialProvider`.
//!
//! # Server time
//!
//! Every answer's `Date` header gives the server's clock. A credential's
//! [`valid_until`](Credentials::valid_until) is `now() at receipt +
//! (Expiration - Date)`, on the caller's monotonic clock, so a device whose
//! clock reads 1970 (or zero since boot) still refreshes at the right
//! moment. Without a `Date` header the client uses `Expiration - wall clock`
//! if the [`Clock`] has a wall time, else the requested `DurationSeconds`
//! (3600 when none was sent); in every case the lifetime is capped at the
//! requested duration, which STS never exceeds. The measured skew (server
//! `Date` minus wall clock) is [`Credentials::clock_skew_millis`] and
//! [`Client::clock_skew_millis`].
//!
//! # Buffers
//!
//! A fetch works in two caller buffers ([`Buffers`]): the request body
//! (~200 bytes + role ARN + token; [`sts_codec::encoded_len`] is exact) and
//! the response (the token passes through it first; then head and body of
//! the answer, ~1.8 KiB + the session token: 4 KiB is comfortable). Both are
//! wiped after use.
//!
//! # Errors
//!
//! [`Error`] is an [`ErrorKind`] plus the number of attempts: small and
//! `Copy`. STS error documents are copied into an [`StsError`] (status,
//! code, request id and as much of the message as fits in
//! [`STS_ERROR_TEXT_LEN`] bytes) because the response buffer is reused by
//! the next attempt; observers see the whole document. No error, `Debug` or `Display` output ever holds a
//! token or a secret.
//!
//! # Features
//!
//! | feature | what it adds |
//! |---|---|
//! | `std` (default) | [`StdClock`], [`ThreadSleep`], [`OsRng`], `TokenFile`, [`config`], `StdCredentialProvider` |
//! | `std-transport` | `from_env()`: a provider over sts-transport's `StdTransport` (ureq + rustls) |
//! | `aws-credential-types` | `SdkCredentialsProvider`: `aws_credential_types::provider::ProvideCredentials` for aws-sdk-rust clients |
//!
//! Without default features the crate is `no_std` and uses no allocator
//! (built for `thumbv7em-none-eabihf` in CI).
#![no_std]
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(feature = "std")]
extern crate std;

#[cfg(feature = "std")]
extern crate alloc;

mod client;
mod credentials;
pub mod endpoint;
mod error;
mod exchange;
pub mod refresh;
pub mod retry;
pub mod time;
pub mod token;

#[cfg(feature = "std")]
pub mod config;
#[cfg(feature = "std")]
mod std_impls;
#[cfg(feature = "std")]
mod std_provider;

#[cfg(feature = "aws-credential-types")]
mod sdk;

pub use client::{AsyncClient, AttemptEvent, Buffers, Client, FnObserver, NoObserver, Observer, Params};
pub use credentials::{
    ACCESS_KEY_ID_CAPACITY, CredentialField, Credentials, DEFAULT_TOKEN_CAPACITY, SECRET_ACCESS_KEY_CAPACITY,
};
pub use error::{Error, ErrorKind, STS_ERROR_TEXT_LEN, StsError};
pub use exchange::SESSION_NAME_PREFIX;
pub use refresh::{AsyncCredentialProvider, CredentialCache, CredentialProvider, RefreshNeed, RefreshPolicy};
pub use retry::{RetryClass, RetryPolicy};
pub use time::{AsyncDelay, Clock, Delay, Instant, NoDelay, Rng, SplitMix64, Timestamp};
pub use token::{FnToken, MemoryToken, TokenError, TokenSource};

#[cfg(feature = "std")]
pub use std_impls::{OsRng, StdClock, ThreadSleep, TokenFile};
#[cfg(feature = "std-transport")]
pub use std_provider::from_env;
#[cfg(feature = "std")]
pub use std_provider::{OwnedParams, STD_REQUEST_BUFFER, STD_RESPONSE_BUFFER, StdCredentialProvider};

#[cfg(feature = "aws-credential-types")]
pub use sdk::{PROVIDER_NAME, SdkCredentialsProvider};
