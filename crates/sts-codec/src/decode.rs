//! Decoding of STS answers: the success document and the error documents.
//!
//! Everything borrows from the caller's body buffer, which the XML reader
//! unescapes in place.

use core::fmt;

use crate::model::{AssumeRoleWithWebIdentityOutput, AssumedRoleUser, Credentials};
use crate::plain::Plain;
use crate::secret::Secret;
use crate::time::{TimeError, Timestamp, parse_rfc3339};
use crate::xml::{Event, Node, Reader, Tag, XmlError};

/// An element of the response, by its name in the STS model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum Member {
    /// `AssumeRoleWithWebIdentityResult`.
    Result,
    /// `Credentials`.
    Credentials,
    /// `Credentials/AccessKeyId`.
    AccessKeyId,
    /// `Credentials/SecretAccessKey`.
    SecretAccessKey,
    /// `Credentials/SessionToken`.
    SessionToken,
    /// `Credentials/Expiration`.
    Expiration,
    /// `AssumedRoleUser`.
    AssumedRoleUser,
    /// `AssumedRoleUser/AssumedRoleId`.
    AssumedRoleId,
    /// `AssumedRoleUser/Arn`.
    Arn,
    /// `SubjectFromWebIdentityToken`.
    SubjectFromWebIdentityToken,
    /// `PackedPolicySize`.
    PackedPolicySize,
    /// `Provider`.
    Provider,
    /// `Audience`.
    Audience,
    /// `SourceIdentity`.
    SourceIdentity,
    /// `ResponseMetadata`.
    ResponseMetadata,
    /// `ResponseMetadata/RequestId` (or an error document's `RequestId`).
    RequestId,
    /// An error document's `Error/Code`.
    Code,
    /// An error document's `Error/Message`.
    Message,
    /// An error document's `Error/Type`.
    Type,
}

impl Member {
    /// The element's name.
    pub const fn api_name(self) -> &'static str {
        match self {
            Member::Result => "AssumeRoleWithWebIdentityResult",
            Member::Credentials => "Credentials",
            Member::AccessKeyId => "AccessKeyId",
            Member::SecretAccessKey => "SecretAccessKey",
            Member::SessionToken => "SessionToken",
            Member::Expiration => "Expiration",
            Member::AssumedRoleUser => "AssumedRoleUser",
            Member::AssumedRoleId => "AssumedRoleId",
            Member::Arn => "Arn",
            Member::SubjectFromWebIdentityToken => "SubjectFromWebIdentityToken",
            Member::PackedPolicySize => "PackedPolicySize",
            Member::Provider => "Provider",
            Member::Audience => "Audience",
            Member::SourceIdentity => "SourceIdentity",
            Member::ResponseMetadata => "ResponseMetadata",
            Member::RequestId => "RequestId",
            Member::Code => "Code",
            Member::Message => "Message",
            Member::Type => "Type",
        }
    }
}

impl fmt::Display for Member {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.api_name())
    }
}

/// Why a body is not a usable STS answer. Small and `Copy`; never holds any
/// of the body's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum Malformed {
    /// The body is not well-formed XML (or uses what this reader rejects).
    Xml(XmlError),
    /// A success status with an empty body.
    EmptyBody,
    /// The root element is neither the operation's response nor an error
    /// document.
    UnexpectedRoot,
    /// A required member is absent.
    MissingMember(Member),
    /// A required member is present but empty.
    EmptyMember(Member),
    /// A member appears twice.
    DuplicateMember(Member),
    /// A member that holds text contains an element.
    ElementInText(Member),
    /// A timestamp member is not RFC 3339.
    InvalidTimestamp(Member, TimeError),
    /// A number member is not a non-negative 32-bit integer.
    InvalidNumber(Member),
}

impl fmt::Display for Malformed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Malformed::Xml(e) => write!(f, "response is not well-formed XML: {e}"),
            Malformed::EmptyBody => f.write_str("response body is empty"),
            Malformed::UnexpectedRoot => {
                f.write_str("root element is neither AssumeRoleWithWebIdentityResponse nor an error document")
            }
            Malformed::MissingMember(m) => write!(f, "required member {m} is missing"),
            Malformed::EmptyMember(m) => write!(f, "required member {m} is empty"),
            Malformed::DuplicateMember(m) => write!(f, "member {m} appears more than once"),
            Malformed::ElementInText(m) => write!(f, "member {m} contains an element where text was expected"),
            Malformed::InvalidTimestamp(m, e) => write!(f, "member {m} is not an RFC 3339 timestamp: {e}"),
            Malformed::InvalidNumber(m) => write!(f, "member {m} is not a non-negative integer"),
        }
    }
}

impl core::error::Error for Malformed {}

impl From<XmlError> for Malformed {
    fn from(e: XmlError) -> Self {
        Malformed::Xml(e)
    }
}

/// An error code STS answers with, classified.
///
/// Matching accepts both the wire code and the modeled shape name (for
/// example `IDPCommunicationError` and `IDPCommunicationErrorException`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum ErrorCode<'a> {
    /// `InvalidIdentityToken`: the token was rejected (signature, issuer, audience...).
    InvalidIdentityToken,
    /// `ExpiredTokenException`: the web identity token has expired.
    ExpiredToken,
    /// `IDPCommunicationError`: STS could not reach the identity provider (transient).
    IdpCommunicationError,
    /// `IDPRejectedClaim`: the identity provider rejected a claim (403).
    IdpRejectedClaim,
    /// `MalformedPolicyDocument`.
    MalformedPolicyDocument,
    /// `PackedPolicyTooLarge`.
    PackedPolicyTooLarge,
    /// `RegionDisabledException`: STS is not activated in the region (403).
    RegionDisabled,
    /// One of the throttling codes (`Throttling`, `ThrottlingException`,
    /// `RequestLimitExceeded`, `SlowDown`, ...; see [`THROTTLING_CODES`]).
    Throttling,
    /// `RequestTimeout` or `RequestTimeoutException`.
    RequestTimeout,
    /// Any other code, as sent.
    Other(&'a str),
}

/// Codes that mean "slow down", as the AWS SDKs' standard retry mode lists
/// them.
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

impl<'a> ErrorCode<'a> {
    /// Classifies a code as sent on the wire.
    pub fn from_wire(code: &'a str) -> Self {
        match code {
            "InvalidIdentityToken" | "InvalidIdentityTokenException" => ErrorCode::InvalidIdentityToken,
            "ExpiredTokenException" | "ExpiredToken" => ErrorCode::ExpiredToken,
            "IDPCommunicationError" | "IDPCommunicationErrorException" => ErrorCode::IdpCommunicationError,
            "IDPRejectedClaim" | "IDPRejectedClaimException" => ErrorCode::IdpRejectedClaim,
            "MalformedPolicyDocument" | "MalformedPolicyDocumentException" => ErrorCode::MalformedPolicyDocument,
            "PackedPolicyTooLarge" | "PackedPolicyTooLargeException" => ErrorCode::PackedPolicyTooLarge,
            "RegionDisabledException" | "RegionDisabled" => ErrorCode::RegionDisabled,
            "RequestTimeout" | "RequestTimeoutException" => ErrorCode::RequestTimeout,
            c if THROTTLING_CODES.contains(&c) => ErrorCode::Throttling,
            other => ErrorCode::Other(other),
        }
    }

    /// Whether this is one of the throttling codes.
    pub fn is_throttling(&self) -> bool {
        matches!(self, ErrorCode::Throttling)
    }
}

/// An error document from STS: what the service said went wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct ServiceError<'a> {
    /// The HTTP status that carried the document.
    pub status: u16,
    /// `Error/Code`, exactly as sent.
    pub code: &'a str,
    /// `Error/Message`; empty when absent.
    pub message: &'a str,
    /// `Error/Type` (`Sender` or `Receiver`), when present.
    pub error_type: Option<&'a str>,
    /// `RequestId`, when present in the document.
    pub request_id: Option<&'a str>,
}

impl<'a> ServiceError<'a> {
    /// The code, classified.
    pub fn kind(&self) -> ErrorCode<'a> {
        ErrorCode::from_wire(self.code)
    }
}

impl fmt::Display for ServiceError<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "STS returned {} (HTTP {})", self.code, self.status)?;
        if !self.message.is_empty() {
            write!(f, ": {}", self.message)?;
        }
        if let Some(id) = self.request_id {
            write!(f, " [request id {id}]")?;
        }
        Ok(())
    }
}

impl core::error::Error for ServiceError<'_> {}

/// Why an answer did not yield credentials.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum DecodeError<'a> {
    /// STS answered with an error document.
    Service(ServiceError<'a>),
    /// A non-success status without an STS error document (an empty body, an
    /// HTML page from a proxy or load balancer).
    Http {
        /// The HTTP status.
        status: u16,
    },
    /// A success status whose body is not a usable response.
    Malformed(Malformed),
}

impl fmt::Display for DecodeError<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeError::Service(e) => fmt::Display::fmt(e, f),
            DecodeError::Http { status } => write!(f, "HTTP status {status} without an STS error document"),
            DecodeError::Malformed(m) => fmt::Display::fmt(m, f),
        }
    }
}

impl core::error::Error for DecodeError<'_> {}

impl From<Malformed> for DecodeError<'_> {
    fn from(m: Malformed) -> Self {
        DecodeError::Malformed(m)
    }
}

/// Decodes any answer to `AssumeRoleWithWebIdentity`: a 2xx body as the
/// response (or as an error document if that is what it holds), anything
/// else with [`decode_error`].
///
/// A 2xx body is first read by [`decode_plain`], a fast path for the usual
/// success document that gives up on anything unusual; the general reader
/// then reads the body from the start, so the result is the same either way.
///
/// ```
/// use sts_codec::decode_response;
/// let mut body = *b"<AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult>\
///   <Credentials><AccessKeyId>ASIAEXAMPLE</AccessKeyId><SecretAccessKey>s&amp;k</SecretAccessKey>\
///   <SessionToken>t</SessionToken><Expiration>2021-08-16T20:52:53Z</Expiration></Credentials>\
///   </AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>";
/// let out = decode_response(200, &mut body).unwrap();
/// assert_eq!(out.credentials.access_key_id, "ASIAEXAMPLE");
/// assert_eq!(out.credentials.secret_access_key.expose(), "s&k");
/// assert_eq!(out.credentials.expiration.seconds, 1_629_147_173);
/// ```
pub fn decode_response(status: u16, body: &mut [u8]) -> Result<AssumeRoleWithWebIdentityOutput<'_>, DecodeError<'_>> {
    if (200..300).contains(&status) {
        decode_success(status, body)
    } else {
        Err(decode_error(status, body))
    }
}

/// Decodes a non-success answer: an STS error document becomes
/// [`DecodeError::Service`]; an empty body, a body that is not XML, or XML
/// that is not an error document with a `Code` becomes [`DecodeError::Http`].
pub fn decode_error(status: u16, body: &mut [u8]) -> DecodeError<'_> {
    let mut reader: Reader<'_> = Reader::new(body);
    match error_document(status, &mut reader) {
        Ok(Some(e)) => DecodeError::Service(e),
        Ok(None) | Err(_) => DecodeError::Http { status },
    }
}

fn is_blank(bytes: &[u8]) -> bool {
    bytes.iter().all(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
}

/// Decodes `body` if it is a *plain* STS success document, without writing
/// to it; `None` if it is not one.
///
/// Plain is what STS and its emulators send in practice: the success
/// document's elements, unprefixed, in any order, written `<Name>text</Name>`
/// with whitespace between them; printable ASCII, TAB and LF only, without
/// `&` (so no entity) or `]`; at most an `xmlns` with the STS namespace on
/// the root and an `<?xml version="1.0" encoding="UTF-8"?>` declaration
/// (or `utf-8`, or without the encoding) at the start; every required
/// member present and valid. Anything else (comments, CDATA, references,
/// CR, non-ASCII text, prefixes, attributes, unknown elements, duplicates,
/// errors of any kind) gives `None`: decode such a body with
/// [`decode_response`], which handles all of XML and says what is wrong.
///
/// When it gives `Some`, it is what [`decode_response`] gives for a 2xx
/// status (which tries this first). It reads the body in one pass and never
/// modifies it, so it also suits a body in read-only memory.
///
/// ```
/// use sts_codec::decode::decode_plain;
/// let body = b"<AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult>\
///   <Credentials><AccessKeyId>ASIAEXAMPLE</AccessKeyId><SecretAccessKey>sk</SecretAccessKey>\
///   <SessionToken>t</SessionToken><Expiration>2021-08-16T20:52:53Z</Expiration></Credentials>\
///   </AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>";
/// let out = decode_plain(body).unwrap();
/// assert_eq!(out.credentials.access_key_id, "ASIAEXAMPLE");
/// // An entity is not plain: `decode_response` is needed.
/// assert!(decode_plain(b"<AssumeRoleWithWebIdentityResponse>&amp;").is_none());
/// ```
pub fn decode_plain(body: &[u8]) -> Option<AssumeRoleWithWebIdentityOutput<'_>> {
    let mut p = Plain::new();
    p.read(body)?;
    Some(p.output(body))
}

/// [`decode_response`] without the plain fast path: the general reader for
/// every body. For differential tests and fuzzing; not a stable API.
#[doc(hidden)]
pub fn decode_response_general(
    status: u16,
    body: &mut [u8],
) -> Result<AssumeRoleWithWebIdentityOutput<'_>, DecodeError<'_>> {
    if (200..300).contains(&status) {
        decode_success_general(status, body)
    } else {
        Err(decode_error(status, body))
    }
}

fn decode_success(status: u16, body: &mut [u8]) -> Result<AssumeRoleWithWebIdentityOutput<'_>, DecodeError<'_>> {
    // The fast path returns ranges, not borrows, so `body` is still free for
    // the general reader when it gives up.
    let mut p = Plain::new();
    if p.read(body).is_some() {
        return Ok(p.output(body));
    }
    decode_success_general(status, body)
}

fn decode_success_general(
    status: u16,
    body: &mut [u8],
) -> Result<AssumeRoleWithWebIdentityOutput<'_>, DecodeError<'_>> {
    if is_blank(body) {
        return Err(Malformed::EmptyBody.into());
    }
    let mut reader: Reader<'_> = Reader::new(body);
    let root = match reader.next_tag().map_err(Malformed::from)? {
        Tag::Start(local) => local,
        // The reader yields a Start first for any document with a root.
        _ => return Err(Malformed::UnexpectedRoot.into()),
    };
    match root {
        "AssumeRoleWithWebIdentityResponse" => Ok(response(&mut reader)?),
        "ErrorResponse" | "Error" | "Response" => match error_body(status, root, &mut reader)? {
            Some(e) => Err(DecodeError::Service(e)),
            None => Err(Malformed::MissingMember(Member::Code).into()),
        },
        _ => Err(Malformed::UnexpectedRoot.into()),
    }
}

/// After the root's end: nothing but the end of the document.
fn expect_eof(reader: &mut Reader<'_>) -> Result<(), Malformed> {
    match reader.next()? {
        Event::Eof => Ok(()),
        // The reader reports any content after the root as an error, so this
        // is unreachable for a conforming reader; treat it as a bad root.
        _ => Err(Malformed::UnexpectedRoot),
    }
}

/// Skips the element whose start was just read, with everything inside it.
/// Iterative: the reader bounds the depth.
fn skip<'a>(reader: &mut Reader<'a>) -> Result<(), Malformed> {
    let mut open = 1usize;
    while open > 0 {
        match reader.next_child()? {
            Node::Start(_) => open += 1,
            Node::Leaf(..) => {}
            Node::End => open -= 1,
            Node::Eof => return Err(Malformed::UnexpectedRoot),
        }
    }
    Ok(())
}

/// The text of the element whose start was just read ("" when empty).
fn text<'a>(reader: &mut Reader<'a>, member: Member) -> Result<&'a str, Malformed> {
    reader.leaf_text()?.ok_or(Malformed::ElementInText(member))
}

/// Stores a member's text once.
fn set<'a>(slot: &mut Option<&'a str>, value: &'a str, member: Member) -> Result<(), Malformed> {
    if slot.replace(value).is_some() {
        Err(Malformed::DuplicateMember(member))
    } else {
        Ok(())
    }
}

/// A child element whose start was just read.
#[derive(Clone, Copy)]
struct Child<'a> {
    /// The local part of its name.
    local: &'a str,
    /// `Some(text)` when the reader already read the whole element, which
    /// held only `text` (what [`text`] would have returned).
    whole: Option<&'a str>,
}

impl<'a> Child<'a> {
    /// [`text`] of this element.
    fn text(self, reader: &mut Reader<'a>, member: Member) -> Result<&'a str, Malformed> {
        match self.whole {
            Some(t) => Ok(t),
            None => text(reader, member),
        }
    }

    /// Whether the element's content is still to be read.
    fn open(self) -> bool {
        self.whole.is_none()
    }

    /// [`skip`]s this element.
    fn skip(self, reader: &mut Reader<'a>) -> Result<(), Malformed> {
        match self.whole {
            Some(_) => Ok(()),
            None => skip(reader),
        }
    }
}

/// The next child of the element whose start was read last, `None` at its
/// end. Text between the children is ignored; the caller must consume each
/// child entirely.
fn next_child<'a>(reader: &mut Reader<'a>) -> Result<Option<Child<'a>>, Malformed> {
    match reader.next_child()? {
        Node::Start(local) => Ok(Some(Child { local, whole: None })),
        Node::Leaf(local, text) => Ok(Some(Child {
            local,
            whole: Some(text),
        })),
        Node::End => Ok(None),
        Node::Eof => Err(Malformed::UnexpectedRoot),
    }
}

/// `s` without leading and trailing XML whitespace.
fn trim_ws(s: &str) -> &str {
    let is_ws = |b: &u8| matches!(b, b' ' | b'\t' | b'\n' | b'\r');
    let b = s.as_bytes();
    let start = b.iter().position(|b| !is_ws(b)).unwrap_or(b.len());
    let end = b.iter().rposition(|b| !is_ws(b)).map_or(start, |p| p + 1);
    s.get(start..end).unwrap_or_default()
}

fn required(value: Option<&str>, member: Member) -> Result<&str, Malformed> {
    match value {
        None => Err(Malformed::MissingMember(member)),
        Some("") => Err(Malformed::EmptyMember(member)),
        Some(v) => Ok(v),
    }
}

#[derive(Default)]
struct Fields<'a> {
    access_key_id: Option<&'a str>,
    secret_access_key: Option<&'a str>,
    session_token: Option<&'a str>,
    expiration: Option<&'a str>,
    credentials_seen: bool,
    assumed_role_id: Option<&'a str>,
    arn: Option<&'a str>,
    user_seen: bool,
    subject: Option<&'a str>,
    packed_policy_size: Option<&'a str>,
    provider: Option<&'a str>,
    audience: Option<&'a str>,
    source_identity: Option<&'a str>,
    request_id: Option<&'a str>,
    result_seen: bool,
    metadata_seen: bool,
}

fn once(seen: &mut bool, member: Member) -> Result<(), Malformed> {
    if core::mem::replace(seen, true) {
        Err(Malformed::DuplicateMember(member))
    } else {
        Ok(())
    }
}

fn response<'a>(reader: &mut Reader<'a>) -> Result<AssumeRoleWithWebIdentityOutput<'a>, Malformed> {
    let mut f = Fields::default();
    while let Some(child) = next_child(reader)? {
        match child.local {
            "AssumeRoleWithWebIdentityResult" => {
                once(&mut f.result_seen, Member::Result)?;
                if child.open() {
                    result(reader, &mut f)?;
                }
            }
            "ResponseMetadata" => {
                once(&mut f.metadata_seen, Member::ResponseMetadata)?;
                if child.open() {
                    metadata(reader, &mut f)?;
                }
            }
            _ => child.skip(reader)?,
        }
    }
    expect_eof(reader)?;
    build(f)
}

/// The children of `ResponseMetadata`.
fn metadata<'a>(reader: &mut Reader<'a>, f: &mut Fields<'a>) -> Result<(), Malformed> {
    while let Some(child) = next_child(reader)? {
        match child.local {
            "RequestId" => set(
                &mut f.request_id,
                child.text(reader, Member::RequestId)?,
                Member::RequestId,
            )?,
            _ => child.skip(reader)?,
        }
    }
    Ok(())
}

/// The children of `AssumeRoleWithWebIdentityResult`.
fn result<'a>(reader: &mut Reader<'a>, f: &mut Fields<'a>) -> Result<(), Malformed> {
    while let Some(child) = next_child(reader)? {
        let (slot, m) = match child.local {
            "Credentials" => {
                once(&mut f.credentials_seen, Member::Credentials)?;
                if child.open() {
                    credentials(reader, f)?;
                }
                continue;
            }
            "AssumedRoleUser" => {
                once(&mut f.user_seen, Member::AssumedRoleUser)?;
                if child.open() {
                    assumed_role_user(reader, f)?;
                }
                continue;
            }
            "SubjectFromWebIdentityToken" => (&mut f.subject, Member::SubjectFromWebIdentityToken),
            "PackedPolicySize" => (&mut f.packed_policy_size, Member::PackedPolicySize),
            "Provider" => (&mut f.provider, Member::Provider),
            "Audience" => (&mut f.audience, Member::Audience),
            "SourceIdentity" => (&mut f.source_identity, Member::SourceIdentity),
            _ => {
                child.skip(reader)?;
                continue;
            }
        };
        set(slot, child.text(reader, m)?, m)?;
    }
    Ok(())
}

/// The children of `Credentials`.
fn credentials<'a>(reader: &mut Reader<'a>, f: &mut Fields<'a>) -> Result<(), Malformed> {
    while let Some(child) = next_child(reader)? {
        let (slot, m) = match child.local {
            "AccessKeyId" => (&mut f.access_key_id, Member::AccessKeyId),
            "SecretAccessKey" => (&mut f.secret_access_key, Member::SecretAccessKey),
            "SessionToken" => (&mut f.session_token, Member::SessionToken),
            "Expiration" => (&mut f.expiration, Member::Expiration),
            _ => {
                child.skip(reader)?;
                continue;
            }
        };
        set(slot, child.text(reader, m)?, m)?;
    }
    Ok(())
}

/// The children of `AssumedRoleUser`.
fn assumed_role_user<'a>(reader: &mut Reader<'a>, f: &mut Fields<'a>) -> Result<(), Malformed> {
    while let Some(child) = next_child(reader)? {
        let (slot, m) = match child.local {
            "AssumedRoleId" => (&mut f.assumed_role_id, Member::AssumedRoleId),
            "Arn" => (&mut f.arn, Member::Arn),
            _ => {
                child.skip(reader)?;
                continue;
            }
        };
        set(slot, child.text(reader, m)?, m)?;
    }
    Ok(())
}

fn build(f: Fields<'_>) -> Result<AssumeRoleWithWebIdentityOutput<'_>, Malformed> {
    if !f.result_seen {
        return Err(Malformed::MissingMember(Member::Result));
    }
    if !f.credentials_seen {
        return Err(Malformed::MissingMember(Member::Credentials));
    }
    let access_key_id = required(f.access_key_id, Member::AccessKeyId)?;
    let secret_access_key = required(f.secret_access_key, Member::SecretAccessKey)?;
    let session_token = required(f.session_token, Member::SessionToken)?;
    let expiration = required(f.expiration, Member::Expiration)?;
    let expiration = parse_timestamp(expiration, Member::Expiration)?;
    let assumed_role_user = if f.user_seen {
        Some(AssumedRoleUser {
            assumed_role_id: required(f.assumed_role_id, Member::AssumedRoleId)?,
            arn: required(f.arn, Member::Arn)?,
        })
    } else {
        None
    };
    let packed_policy_size = match f.packed_policy_size {
        None => None,
        Some(s) => Some(parse_u32(s).ok_or(Malformed::InvalidNumber(Member::PackedPolicySize))?),
    };
    Ok(AssumeRoleWithWebIdentityOutput {
        credentials: Credentials {
            access_key_id,
            secret_access_key: Secret::new(secret_access_key),
            session_token: Secret::new(session_token),
            expiration,
        },
        assumed_role_user,
        subject_from_web_identity_token: f.subject,
        packed_policy_size,
        provider: f.provider,
        audience: f.audience,
        source_identity: f.source_identity,
        request_id: f.request_id,
    })
}

fn parse_timestamp(s: &str, member: Member) -> Result<Timestamp, Malformed> {
    parse_rfc3339(trim_ws(s)).map_err(|e| Malformed::InvalidTimestamp(member, e))
}

/// [`parse_timestamp`] of ASCII bytes, `None` for any error.
pub(crate) fn parse_timestamp_bytes(b: &[u8]) -> Option<Timestamp> {
    parse_rfc3339(trim_ws(core::str::from_utf8(b).ok()?)).ok()
}

/// [`parse_u32`] of ASCII bytes.
pub(crate) fn parse_u32_bytes(b: &[u8]) -> Option<u32> {
    parse_u32(core::str::from_utf8(b).ok()?)
}

/// A non-negative decimal integer that fits `u32` (surrounding XML whitespace
/// allowed, as for any number in XML).
fn parse_u32(s: &str) -> Option<u32> {
    let s = trim_ws(s);
    if s.is_empty() || s.len() > 10 {
        return None;
    }
    let mut n: u32 = 0;
    for b in s.bytes() {
        if !b.is_ascii_digit() {
            return None;
        }
        n = n.checked_mul(10)?.checked_add(u32::from(b - b'0'))?;
    }
    Some(n)
}

/// Reads a whole error document from the start.
fn error_document<'a>(status: u16, reader: &mut Reader<'a>) -> Result<Option<ServiceError<'a>>, Malformed> {
    match reader.next_tag()? {
        Tag::Start(root) => error_body(status, root, reader),
        _ => Ok(None),
    }
}

/// Reads an error document whose root start was just read. Accepts
/// `<ErrorResponse><Error>..</Error><RequestId/></ErrorResponse>`,
/// `<Response><Errors><Error>..</Error></Errors><RequestID/></Response>`
/// (any root holding `Errors/Error`) and a bare `<Error>` root. The first
/// `Error` wins; `Ok(None)` when there is no `Code`. `root` is the local name
/// of the root.
fn error_body<'a>(status: u16, root: &str, reader: &mut Reader<'a>) -> Result<Option<ServiceError<'a>>, Malformed> {
    let mut code = None;
    let mut message = None;
    let mut error_type = None;
    let mut request_id = None;
    // Depth (below the root = 1) of the `Error` element being read, if any.
    let mut in_error: Option<usize> = if root == "Error" { Some(0) } else { None };
    let mut errors_done = false;
    let mut depth = 0usize;
    loop {
        match reader.next_tag()? {
            Tag::Start(local) => {
                depth += 1;
                let parent_is_error = in_error.is_some_and(|d| d + 1 == depth);
                match local {
                    "Error" if in_error.is_none() && !errors_done && depth <= 2 => in_error = Some(depth),
                    "Code" if parent_is_error => {
                        set(&mut code, text(reader, Member::Code)?, Member::Code)?;
                        depth -= 1;
                    }
                    "Message" if parent_is_error => {
                        set(&mut message, text(reader, Member::Message)?, Member::Message)?;
                        depth -= 1;
                    }
                    "Type" if parent_is_error => {
                        set(&mut error_type, text(reader, Member::Type)?, Member::Type)?;
                        depth -= 1;
                    }
                    "RequestId" | "RequestID" if request_id.is_none() && depth <= 2 => {
                        request_id = Some(text(reader, Member::RequestId)?);
                        depth -= 1;
                    }
                    _ => {}
                }
            }
            Tag::End => {
                if depth == 0 {
                    break;
                }
                if in_error == Some(depth) {
                    in_error = None;
                    errors_done = true;
                }
                depth -= 1;
            }
            Tag::Eof => return Err(Malformed::UnexpectedRoot),
        }
    }
    expect_eof(reader)?;
    Ok(code.map(trim_ws).filter(|c| !c.is_empty()).map(|code| ServiceError {
        status,
        code,
        message: message.unwrap_or(""),
        error_type,
        request_id,
    }))
}
