//! A `no_std`, allocation-free codec for AWS STS `AssumeRoleWithWebIdentity`
//! and, with feature `assume-role`, `AssumeRole` (the later hops of a role
//! chain: see the `assume_role` module).
//!
//! It turns an input into the exact awsQuery request body, and turns STS's
//! XML answers (success and error) into typed values that borrow from the
//! caller's buffer. It does **no IO**, reads **no clock** and needs **no
//! heap**: the caller hands it buffers (and, elsewhere in the stack, `now`).
//!
//! ```text
//!  input ──validate──▶ encode(&input, &mut [u8]) ──▶ form body ──▶ (your HTTP)
//!                                                                     │
//!  output<'buf> ◀── decode_response(status, &mut body) ◀── body bytes ┘
//! ```
//!
//! # Example
//!
//! ```
//! use sts_codec::{AssumeRoleWithWebIdentityInput, CONTENT_TYPE, decode_response, encode, encoded_len};
//!
//! let input = AssumeRoleWithWebIdentityInput::new(
//!     "arn:aws:iam::123456789012:role/device",
//!     "device-42",
//!     "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJkZXYifQ.c2ln",
//! )
//! .with_duration_seconds(900);
//!
//! // Encode into a caller buffer; `encoded_len` says the exact size up front.
//! let mut req = [0u8; 512];
//! assert!(encoded_len(&input) <= req.len());
//! let n = encode(&input, &mut req).unwrap();
//! assert!(req[..n].starts_with(b"Action=AssumeRoleWithWebIdentity&Version=2011-06-15&"));
//! assert_eq!(CONTENT_TYPE, "application/x-www-form-urlencoded; charset=utf-8");
//!
//! // ... POST it, then decode the answer in place.
//! let mut body = *br#"<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
//!   <AssumeRoleWithWebIdentityResult>
//!     <Credentials>
//!       <AccessKeyId>ASIAEXAMPLEKEY</AccessKeyId>
//!       <SecretAccessKey>wJalrXUtnFEMI/K7MDENG</SecretAccessKey>
//!       <SessionToken>IQoJb3JpZ2luX2Vj</SessionToken>
//!       <Expiration>2021-08-16T20:52:53Z</Expiration>
//!     </Credentials>
//!   </AssumeRoleWithWebIdentityResult>
//!   <ResponseMetadata><RequestId>c2ad7e6c-0000</RequestId></ResponseMetadata>
//! </AssumeRoleWithWebIdentityResponse>"#;
//! let out = decode_response(200, &mut body).unwrap();
//! assert_eq!(out.credentials.access_key_id, "ASIAEXAMPLEKEY");
//! assert_eq!(out.credentials.expiration.seconds, 1_629_147_173);
//! assert_eq!(out.request_id, Some("c2ad7e6c-0000"));
//! // Secrets never print.
//! assert!(!format!("{out:?}").contains("wJalr"));
//! ```
//!
//! # What it checks
//!
//! - **Input** against the STS model ([`AssumeRoleWithWebIdentityInput::validate`]):
//!   lengths in Unicode scalar values, patterns, ranges, by API name, never
//!   echoing a value.
//! - **Answers**: elements in any order, prefixes ignored, unknown elements
//!   skipped; truncation, mismatched tags, trailing content, DOCTYPEs and
//!   forbidden characters are errors. Error documents become
//!   [`ServiceError`]s; a failure status without one, [`DecodeError::Http`].
//! - **Times**: the RFC 3339 `Expiration` ([`time`]).
//!
//! # Secrets
//!
//! The token, the secret access key and the session token are [`Secret`]s:
//! redacted in `Debug`, no `Display`. Decoded ones borrow from *your*
//! buffer, so zeroize it when done; `Secret<String>` (feature `alloc`)
//! zeroizes itself on drop.
//!
//! # Features
//!
//! All additive; none is on by default.
//!
//! - `assume-role`: `AssumeRole` (the hops of a role chain): the
//!   `assume_role` module. Off by default so that a device that only does
//!   web identity links exactly what it did before.
//! - `alloc`: `Secret<String>`, an owned secret zeroized on drop.
//! - `serde`: `serde::Serialize` for the output types (secrets serialize as
//!   their value: serializing is asking for them).
//! - `defmt`: `defmt::Format` for the public types (secrets print redacted).
#![no_std]
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(feature = "alloc")]
extern crate alloc;

#[cfg(feature = "assume-role")]
pub mod assume_role;
pub mod decode;
pub mod encode;
pub mod model;
pub mod secret;
pub mod time;
pub mod validate;
pub mod xml;

#[cfg(feature = "assume-role")]
pub use assume_role::{
    ASSUME_ROLE_ACTION, AssumeRoleInput, AssumeRoleOutput, ProvidedContext, Tag, assume_role_encoded_len,
    decode_assume_role_response, encode_assume_role,
};
pub use decode::{DecodeError, ErrorCode, Malformed, Member, ServiceError, decode_error, decode_response};
pub use encode::{CONTENT_TYPE, EncodeError, encode, encoded_len};
pub use model::{
    API_VERSION, AssumeRoleWithWebIdentityInput, AssumeRoleWithWebIdentityOutput, AssumedRoleUser, Credentials,
};
pub use secret::{Secret, SecretText};
pub use time::{TimeError, Timestamp};
pub use validate::{Field, Rule, ValidationError, Violation};
