//! `AssumeRole`: the input (every member but the MFA pair), its awsQuery
//! body and the decoding of its answer, by the same validation, encoder and
//! XML reader as `AssumeRoleWithWebIdentity`.
//!
//! The request must be signed (SigV4, see the `sts-sigv4` crate); this
//! module only writes the body and reads the answer.
//!
//! ```
//! use sts_codec::assume_role::{AssumeRoleInput, Tag, decode_assume_role_response, encode_assume_role};
//!
//! let tags = [Tag::new("team", "data")];
//! let input = AssumeRoleInput::new("arn:aws:iam::222222222222:role/reader", "hop-2")
//!     .with_duration_seconds(900)
//!     .with_tags(&tags)
//!     .with_external_id("ext-1");
//! let mut body = [0u8; 256];
//! let n = encode_assume_role(&input, &mut body).unwrap();
//! assert_eq!(
//!     core::str::from_utf8(&body[..n]).unwrap(),
//!     "Action=AssumeRole&Version=2011-06-15\
//!      &RoleArn=arn%3Aaws%3Aiam%3A%3A222222222222%3Arole%2Freader&RoleSessionName=hop-2\
//!      &DurationSeconds=900&Tags.member.1.Key=team&Tags.member.1.Value=data&ExternalId=ext-1"
//! );
//!
//! let mut answer = *b"<AssumeRoleResponse><AssumeRoleResult><Credentials>\
//!   <AccessKeyId>ASIAHOP2</AccessKeyId><SecretAccessKey>s</SecretAccessKey>\
//!   <SessionToken>t</SessionToken><Expiration>2021-08-16T20:52:53Z</Expiration></Credentials>\
//!   <SourceIdentity>alice</SourceIdentity><PackedPolicySize>6</PackedPolicySize>\
//!   </AssumeRoleResult></AssumeRoleResponse>";
//! let out = decode_assume_role_response(200, &mut answer).unwrap();
//! assert_eq!(out.credentials.access_key_id, "ASIAHOP2");
//! assert_eq!((out.source_identity, out.packed_policy_size), (Some("alice"), Some(6)));
//! ```

use crate::decode::{DecodeError, Malformed, Member, MemberEntry, credentials_part, decode_answer, read_members};
use crate::encode::{EncodeError, Sink, measure, write_into};
use crate::model::{AssumedRoleUser, Credentials};
use crate::secret::Secret;
use crate::xml::Reader;

/// The awsQuery action name.
pub const ASSUME_ROLE_ACTION: &str = "AssumeRole";

/// `Tag`: a session tag (`Key` 1-128 and `Value` 0-256 characters of
/// `[\p{L}\p{Z}\p{N}_.:/=+\-@]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub struct Tag<'a> {
    /// `Key`.
    pub key: &'a str,
    /// `Value`.
    pub value: &'a str,
}

impl<'a> Tag<'a> {
    /// A tag.
    pub const fn new(key: &'a str, value: &'a str) -> Self {
        Tag { key, value }
    }
}

/// `ProvidedContext`: a context assertion from a trusted context provider.
/// The assertion is held as a [`Secret`] (it is a signed bearer value).
#[derive(Debug, Clone)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub struct ProvidedContext<'a> {
    /// `ProviderArn` (20-2048 characters).
    pub provider_arn: &'a str,
    /// `ContextAssertion` (4-2048 characters).
    pub context_assertion: Secret<&'a str>,
}

impl<'a> ProvidedContext<'a> {
    /// A provided context.
    pub const fn new(provider_arn: &'a str, context_assertion: &'a str) -> Self {
        ProvidedContext {
            provider_arn,
            context_assertion: Secret::new(context_assertion),
        }
    }
}

/// Input of `AssumeRole`, with every member of the API but `SerialNumber`
/// and `TokenCode` (MFA needs a human at the keyboard).
///
/// Required members are plain values; optional ones are `Option`s or an
/// empty slice. Check it with [`validate`](Self::validate) (encoding
/// validates too).
#[derive(Debug, Clone, Copy)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub struct AssumeRoleInput<'a> {
    /// `RoleArn`: the role to assume (20-2048 characters).
    pub role_arn: &'a str,
    /// `RoleSessionName`: 2-64 characters of `[A-Za-z0-9_+=,.@-]`.
    pub role_session_name: &'a str,
    /// `PolicyArns`: up to 10 managed policy ARNs (each 20-2048 characters).
    pub policy_arns: &'a [&'a str],
    /// `Policy`: an inline session policy, JSON (at least 1 character from
    /// TAB, LF, CR and U+0020-U+00FF; the model sets no maximum for
    /// `AssumeRole`, STS's packed-size limit applies).
    pub policy: Option<&'a str>,
    /// `DurationSeconds`: 900-43200; STS defaults to 3600 and allows at most
    /// 3600 when the caller's credentials are themselves from a role
    /// (role chaining).
    pub duration_seconds: Option<u32>,
    /// `Tags`: up to 50 session tags.
    pub tags: &'a [Tag<'a>],
    /// `TransitiveTagKeys`: up to 50 tag keys that pass to later hops.
    pub transitive_tag_keys: &'a [&'a str],
    /// `ExternalId`: 2-1224 characters of `[A-Za-z0-9_+=,.@:/-]`.
    pub external_id: Option<&'a str>,
    /// `SourceIdentity`: 2-64 characters of `[A-Za-z0-9_+=,.@-]`.
    pub source_identity: Option<&'a str>,
    /// `ProvidedContexts`: up to 5.
    pub provided_contexts: &'a [ProvidedContext<'a>],
}

impl<'a> AssumeRoleInput<'a> {
    /// An input with the two required members and no optional ones.
    pub const fn new(role_arn: &'a str, role_session_name: &'a str) -> Self {
        AssumeRoleInput {
            role_arn,
            role_session_name,
            policy_arns: &[],
            policy: None,
            duration_seconds: None,
            tags: &[],
            transitive_tag_keys: &[],
            external_id: None,
            source_identity: None,
            provided_contexts: &[],
        }
    }

    /// An input for `role_arn` whose session name is still empty (a client
    /// generates one per request).
    pub const fn for_role(role_arn: &'a str) -> Self {
        Self::new(role_arn, "")
    }

    /// Sets `RoleSessionName`.
    #[must_use]
    pub const fn with_role_session_name(mut self, name: &'a str) -> Self {
        self.role_session_name = name;
        self
    }

    /// Sets `PolicyArns`.
    #[must_use]
    pub const fn with_policy_arns(mut self, arns: &'a [&'a str]) -> Self {
        self.policy_arns = arns;
        self
    }

    /// Sets `Policy`.
    #[must_use]
    pub const fn with_policy(mut self, policy: &'a str) -> Self {
        self.policy = Some(policy);
        self
    }

    /// Sets `DurationSeconds`.
    #[must_use]
    pub const fn with_duration_seconds(mut self, seconds: u32) -> Self {
        self.duration_seconds = Some(seconds);
        self
    }

    /// Sets `Tags`.
    #[must_use]
    pub const fn with_tags(mut self, tags: &'a [Tag<'a>]) -> Self {
        self.tags = tags;
        self
    }

    /// Sets `TransitiveTagKeys`.
    #[must_use]
    pub const fn with_transitive_tag_keys(mut self, keys: &'a [&'a str]) -> Self {
        self.transitive_tag_keys = keys;
        self
    }

    /// Sets `ExternalId`.
    #[must_use]
    pub const fn with_external_id(mut self, external_id: &'a str) -> Self {
        self.external_id = Some(external_id);
        self
    }

    /// Sets `SourceIdentity`.
    #[must_use]
    pub const fn with_source_identity(mut self, source_identity: &'a str) -> Self {
        self.source_identity = Some(source_identity);
        self
    }

    /// Sets `ProvidedContexts`.
    #[must_use]
    pub const fn with_provided_contexts(mut self, contexts: &'a [ProvidedContext<'a>]) -> Self {
        self.provided_contexts = contexts;
        self
    }
}

/// Output of `AssumeRole`, borrowing from the response buffer.
#[derive(Debug, Clone)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "PascalCase"))]
#[non_exhaustive]
pub struct AssumeRoleOutput<'a> {
    /// `Credentials`.
    pub credentials: Credentials<'a>,
    /// `AssumedRoleUser`.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub assumed_role_user: Option<AssumedRoleUser<'a>>,
    /// `PackedPolicySize`: percentage of the packed policy size limit used.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub packed_policy_size: Option<u32>,
    /// `SourceIdentity`.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub source_identity: Option<&'a str>,
    /// `ResponseMetadata/RequestId`.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub request_id: Option<&'a str>,
}

fn write_body(input: &AssumeRoleInput<'_>, sink: &mut Sink<'_>) {
    sink.action(ASSUME_ROLE_ACTION);
    sink.param("&RoleArn=", input.role_arn);
    sink.param("&RoleSessionName=", input.role_session_name);
    sink.policy_arns(input.policy_arns);
    if let Some(p) = input.policy {
        sink.param("&Policy=", p);
    }
    sink.duration(input.duration_seconds);
    for (i, tag) in (1..).zip(input.tags) {
        sink.raw(b"&Tags.member.");
        sink.number(i);
        sink.param(".Key=", tag.key);
        sink.raw(b"&Tags.member.");
        sink.number(i);
        sink.param(".Value=", tag.value);
    }
    for (i, key) in (1..).zip(input.transitive_tag_keys) {
        sink.raw(b"&TransitiveTagKeys.member.");
        sink.number(i);
        sink.param("=", key);
    }
    if let Some(e) = input.external_id {
        sink.param("&ExternalId=", e);
    }
    if let Some(s) = input.source_identity {
        sink.param("&SourceIdentity=", s);
    }
    for (i, context) in (1..).zip(input.provided_contexts) {
        sink.raw(b"&ProvidedContexts.member.");
        sink.number(i);
        sink.param(".ProviderArn=", context.provider_arn);
        sink.raw(b"&ProvidedContexts.member.");
        sink.number(i);
        sink.param(".ContextAssertion=", context.context_assertion.expose());
    }
}

/// The exact size of the body [`encode_assume_role`] writes for `input`,
/// valid or not.
pub fn assume_role_encoded_len(input: &AssumeRoleInput<'_>) -> usize {
    measure(|sink| write_body(input, sink))
}

/// Validates `input` and writes the form body into `out` (members in model
/// order, escaped as [`encode`](fn@crate::encode) does), returning its length.
///
/// # Errors
///
/// [`EncodeError::Invalid`] when the input breaks the STS model,
/// [`EncodeError::BufferTooSmall`] with the exact size when `out` is short
/// (`out` is wiped then: it may hold a context assertion).
pub fn encode_assume_role(input: &AssumeRoleInput<'_>, out: &mut [u8]) -> Result<usize, EncodeError> {
    input.validate()?;
    write_into(out, |sink| write_body(input, sink))
}

/// The members of the `AssumeRole` success document: (container, member,
/// name), containers first.
const MEMBERS: [MemberEntry; 12] = {
    use Member::*;
    [
        (None, AssumeRoleResult, "AssumeRoleResult"),
        (Some(AssumeRoleResult), Credentials, "Credentials"),
        (Some(Credentials), AccessKeyId, "AccessKeyId"),
        (Some(Credentials), SecretAccessKey, "SecretAccessKey"),
        (Some(Credentials), SessionToken, "SessionToken"),
        (Some(Credentials), Expiration, "Expiration"),
        (Some(AssumeRoleResult), AssumedRoleUser, "AssumedRoleUser"),
        (Some(AssumedRoleUser), AssumedRoleId, "AssumedRoleId"),
        (Some(AssumedRoleUser), Arn, "Arn"),
        (Some(AssumeRoleResult), PackedPolicySize, "PackedPolicySize"),
        (Some(AssumeRoleResult), SourceIdentity, "SourceIdentity"),
        (None, ResponseMetadata, "ResponseMetadata"),
    ]
};

/// `ResponseMetadata/RequestId`, read beside [`MEMBERS`].
const REQUEST_ID: MemberEntry = (Some(Member::ResponseMetadata), Member::RequestId, "RequestId");

/// Decodes any answer to `AssumeRole` as
/// [`decode_response`](crate::decode_response) does for
/// `AssumeRoleWithWebIdentity`: a 2xx `AssumeRoleResponse` (members in any
/// order, unknown ones skipped, output members checked against the model),
/// error documents as [`DecodeError::Service`], anything else as
/// [`DecodeError::Http`].
///
/// # Errors
///
/// See [`DecodeError`].
pub fn decode_assume_role_response(status: u16, body: &mut [u8]) -> Result<AssumeRoleOutput<'_>, DecodeError<'_>> {
    decode_answer(status, body, b"AssumeRoleResponse", response)
}

/// Reads the success document after its root's start (as
/// `decode_response` does, over [`MEMBERS`] and [`REQUEST_ID`]).
fn response<'a>(reader: &mut Reader<'a>) -> Result<AssumeRoleOutput<'a>, Malformed> {
    const TABLE: [MemberEntry; 13] = {
        let mut t = [REQUEST_ID; 13];
        let mut i = 0;
        while i < MEMBERS.len() {
            t[i] = MEMBERS[i];
            i += 1;
        }
        t
    };
    let slots = read_members(reader, &TABLE)?;
    let get = |member: Member| {
        TABLE
            .iter()
            .zip(slots.iter())
            .find(|((_, m, _), _)| *m == member)
            .and_then(|(_, s)| *s)
    };
    let (credentials, assumed_role_user, packed_policy_size) = credentials_part(Member::AssumeRoleResult, get)?;
    Ok(AssumeRoleOutput {
        credentials,
        assumed_role_user,
        packed_policy_size,
        source_identity: get(Member::SourceIdentity),
        request_id: get(Member::RequestId),
    })
}
