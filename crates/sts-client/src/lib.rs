//! A `no_std`, allocation-free client for AWS STS `AssumeRoleWithWebIdentity`:
//! endpoints, retries, server time, token sources and refreshing
//! credentials.
//!
//! # On a device (no_std, no heap)
//!
//! Bring your TCP stack and TLS through `sts_transport`'s small `Connect`
//! trait, your clock, waits and random numbers as the [`Platform`], and
//! lend the buffers and the storage:
//!
//! ```
//! # use core::convert::Infallible;
//! # use sts_client::{Clock, Instant, NoDelay};
//! # use sts_transport::{Connect, Scheme};
//! # struct Canned(&'static [u8]);
//! # impl embedded_io::ErrorType for Canned { type Error = Infallible; }
//! # impl embedded_io::Read for Canned {
//! #     fn read(&mut self, buf: &mut [u8]) -> Result<usize, Infallible> {
//! #         let n = buf.len().min(self.0.len());
//! #         buf[..n].copy_from_slice(&self.0[..n]);
//! #         self.0 = &self.0[n..];
//! #         Ok(n)
//! #     }
//! # }
//! # impl embedded_io::Write for Canned {
//! #     fn write(&mut self, buf: &[u8]) -> Result<usize, Infallible> { Ok(buf.len()) }
//! #     fn flush(&mut self) -> Result<(), Infallible> { Ok(()) }
//! # }
//! # struct Tls;
//! # impl Connect for Tls {
//! #     type Error = Infallible;
//! #     type Connection<'c> = Canned;
//! #     fn connect(&mut self, _: Scheme, _: &str, _: u16) -> Result<Canned, sts_transport::Error> {
//! #         Ok(Canned(b"HTTP/1.1 200 OK\r\nDate: Mon, 16 Aug 2021 19:52:53 GMT\r\nContent-Length: 323\r\n\r\n\
//! #             <AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult><Credentials>\
//! #             <AccessKeyId>ASIAEXAMPLE</AccessKeyId><SecretAccessKey>secret</SecretAccessKey>\
//! #             <SessionToken>token</SessionToken><Expiration>2021-08-16T20:52:53Z</Expiration>\
//! #             </Credentials></AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>"))
//! #     }
//! # }
//! # struct Ticks;
//! # impl Clock for Ticks { fn now(&self) -> Instant { Instant::from_millis(1_000) } }
//! # let (my_tls_connector, my_ticks, my_delay, seed, token) = (Tls, Ticks, NoDelay, 7, "eyJhbGciOiJSUzI1NiJ9.e30.c2ln");
//! use sts_client::endpoint::{EndpointParams, resolve};
//! use sts_client::{Buffers, Client, CredentialProvider, Credentials, SplitMix64};
//! use sts_codec::AssumeRoleWithWebIdentityInput;
//! use sts_transport::HttpClient;
//!
//! let endpoint = resolve(&EndpointParams { region: Some("eu-west-1"), ..Default::default() })?;
//! let client = Client::new(HttpClient::new(my_tls_connector), endpoint, (my_ticks, my_delay, SplitMix64::new(seed)));
//! let (mut req, mut resp, mut storage) = ([0u8; 2048], [0u8; 4096], Credentials::new());
//! let input = AssumeRoleWithWebIdentityInput::for_role("arn:aws:iam::123456789012:role/device");
//! let mut provider = CredentialProvider::new(client, input, token, Buffers::new(&mut req, &mut resp), &mut storage);
//! let creds = provider.credentials()?; // refreshed ahead of expiry, on the device's own clock
//! # assert_eq!(creds.access_key_id(), "ASIAEXAMPLE");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # On a host (std)
//!
//! Configured as the AWS SDKs are (`AWS_ROLE_ARN`,
//! `AWS_WEB_IDENTITY_TOKEN_FILE`, `AWS_REGION`, the shared config file):
//!
//! ```no_run
//! use sts_client::StdCredentialProvider;
//! use sts_transport::StdTransport;
//!
//! let provider = StdCredentialProvider::from_env(StdTransport::new()?)?;
//! let creds = provider.credentials()?; // cached, refreshed ahead of expiry
//! println!("{} valid for {:?}", creds.access_key_id(), creds.lifetime());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! With feature `std-transport`, `sts_client::from_env()` does the first
//! line in one call; with `aws-credential-types`, `SdkCredentialsProvider`
//! plugs into any aws-sdk-rust client.
//!
//! # How it is built
//!
//! It builds on [`sts_codec`] (request encoding, response decoding) and
//! [`sts_transport`] (the [`Transport`](sts_transport::Transport) /
//! [`AsyncTransport`](sts_transport::AsyncTransport) traits). The exchange
//! itself ([`exchange::Exchange`]) is sans I/O: it reads no clock, sleeps
//! never and draws no random number; the clients are thin drivers that
//! hand it what the transport and the [`Platform`] give, so the whole
//! client runs on a fake clock in tests and on a tick counter on a device.
//!
//! ```text
//!  TokenSource ─▶ token ─▶ Exchange::new: encode ─▶ body ─┐
//!                                                          ▼
//!   ┌──── attempt n ◀─ Platform::delay ◀─ Next::Retry(backoff) ◀─┐
//!   ▼                                                             │
//!  Transport::send(Exchange::request) ─▶ Response ─▶ Exchange::handle(now, draw)
//!                                                             │ Date header
//!                                                             ▼
//!                     Credentials { expiration (server), valid_until (monotonic) }
//!                                                             ▼
//!                     RefreshSchedule: advisory / mandatory windows + jitter
//! ```
//!
//! # Pieces
//!
//! - [`endpoint`]: the STS endpoint rule set ([`endpoint::resolve`]).
//! - [`exchange`]: the sans-IO [`Exchange`], [`Buffers`], [`AttemptEvent`].
//! - [`Client`] / [`AsyncClient`]: one fetch with retries ([`RetryPolicy`],
//!   [`retry`] module for the table), written into [`Credentials`] storage
//!   of yours (left as it was on error).
//! - [`Platform`] / [`AsyncPlatform`]: clock, waits, randomness and the
//!   attempt hook; a `(clock, delay, rng)` tuple of [`Clock`], [`Delay`] or
//!   [`AsyncDelay`], and [`Rng`] is one.
//! - [`TokenSource`]: [`MemoryToken`], [`FnToken`], `TokenFile` (std).
//! - [`Credentials`]: storage whose size sets the session-token capacity,
//!   secrets held as [`sts_codec::Secret`]s, wiped on drop.
//! - [`CredentialProvider`] / [`AsyncCredentialProvider`] and the
//!   deterministic [`RefreshSchedule`]: serve and refresh ([`refresh`]
//!   module for the windows).
//! - `std` feature: `StdPlatform` (and its parts `StdClock`, `ThreadSleep`,
//!   `OsRng`), `TokenFile`, the environment and shared-config loader
//!   (`config`) and `StdCredentialProvider`.
//!
//! # Server time
//!
//! Every answer's `Date` header gives the server's clock. A credential's
//! [`valid_until`](Credentials::valid_until) is `now() at receipt +
//! (Expiration - Date)`, on the caller's monotonic clock, so a device whose
//! clock reads 1970 (or zero since boot) still refreshes at the right
//! moment. Without a `Date` header the client uses `Expiration - wall clock`
//! if the [`Platform`] has a wall time, else the requested `DurationSeconds`
//! (3600 when none was sent); in every case the lifetime is capped at the
//! requested duration, which STS never exceeds. The measured skew (server
//! `Date` minus wall clock) is [`Credentials::clock_skew_millis`] and
//! [`Client::clock_skew_millis`].
//!
//! # Buffers
//!
//! A fetch works in two caller buffers ([`Buffers`]): the request body
//! (~200 bytes + role ARN + token; [`sts_codec::encoded_len`] is exact) and
//! the response (head and body of the answer, ~1.8 KiB + the session token:
//! 4 KiB is comfortable; a token a source copies passes through it first, a
//! token lent in place needs no room). Both are wiped after use.
//!
//! # Errors
//!
//! [`Error`] is an [`ErrorKind`] plus the number of attempts: small and
//! `Copy`. STS error documents are copied into an [`StsError`] (status,
//! code, request id and as much of the message as fits in
//! [`STS_ERROR_TEXT_LEN`] bytes) because the response buffer is reused by
//! the next attempt; observers see the whole document. No error, `Debug`
//! or `Display` output ever holds a token or a secret.
//!
//! # Features
//!
//! | feature | what it adds |
//! |---|---|
//! | `std` (default) | `StdPlatform`, `StdClock`, `ThreadSleep`, `OsRng`, `TokenFile`, `config`, `StdCredentialProvider`, `StdChainProvider` (an owning role chain from the shared config); implies `chain` |
//! | `chain` | role chaining, no_std and no alloc: `SignedExchange` (SigV4-signed `AssumeRole`, over `sts-sigv4`), `Client::assume_role_into`, `ChainProvider` / `AsyncChainProvider` (module `chain`) |
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

#[cfg(feature = "chain")]
pub mod chain;
mod client;
mod credentials;
pub mod endpoint;
mod error;
pub mod exchange;
pub mod refresh;
pub mod retry;
#[cfg(feature = "chain")]
pub mod signed;

pub mod time;
pub mod token;

#[cfg(feature = "std")]
pub mod config;
#[cfg(feature = "std")]
mod single_flight;
#[cfg(feature = "std")]
mod std_chain;
#[cfg(feature = "std")]
mod std_impls;
#[cfg(feature = "std")]
mod std_provider;

#[cfg(feature = "aws-credential-types")]
mod sdk;

#[cfg(feature = "chain")]
pub use chain::{AsyncChainProvider, ChainProvider, Hop, MAX_CHAINED_DURATION_SECONDS};
pub use client::{AsyncClient, Client};
pub use credentials::{
    ACCESS_KEY_ID_CAPACITY, CredentialField, Credentials, DEFAULT_TOKEN_CAPACITY, SECRET_ACCESS_KEY_CAPACITY,
};
pub use error::{Error, ErrorKind, STS_ERROR_TEXT_LEN, StsError};
pub use exchange::{AttemptEvent, Buffers, Exchange, Next, SESSION_NAME_PREFIX};
pub use refresh::{AsyncCredentialProvider, CredentialProvider, RefreshNeed, RefreshPolicy, RefreshSchedule, Token};
pub use retry::{RetryClass, RetryPolicy};
#[cfg(feature = "chain")]
pub use signed::{RequestHeaders, SignedExchange, signing_time};

pub use time::{AsyncDelay, AsyncPlatform, Clock, Delay, Instant, NoDelay, Platform, Rng, SplitMix64, Timestamp};
pub use token::{FnToken, MemoryToken, TokenError, TokenSource};

#[cfg(feature = "std")]
pub use std_chain::StdChainProvider;
#[cfg(feature = "std")]
pub use std_impls::{OsRng, StdClock, StdPlatform, ThreadSleep, TokenFile};
#[cfg(feature = "std-transport")]
pub use std_provider::from_env;
#[cfg(feature = "std")]
pub use std_provider::{
    OwnedInput, STD_REQUEST_BUFFER, STD_RESPONSE_BUFFER, STD_TOKEN_CAPACITY, StdCredentialProvider,
};

#[cfg(feature = "aws-credential-types")]
pub use sdk::{PROVIDER_NAME, SdkCredentialsProvider};
