//! Decoding of STS answers, success and error documents, by the one strict
//! reader ([`crate::xml`]); what is decoded borrows from the caller's body
//! buffer, which the reader unescapes in place.

use core::fmt;

use crate::model::{AssumeRoleWithWebIdentityOutput, AssumedRoleUser, Credentials};
use crate::secret::Secret;
use crate::time::{TimeError, parse_rfc3339};
use crate::validate::{arn_char, check_str, session_name_char};
use crate::xml::{RawEvent, Reader, XmlError};

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
    /// `AssumeRoleResult` (the `AssumeRole` response's result element;
    /// feature `assume-role`, so that the web identity decoder's tables stay
    /// as they were without it).
    #[cfg(feature = "assume-role")]
    AssumeRoleResult,
}

/// The members of the success document, in the enum's order, each with the
/// container it sits in (`None`: directly under the root) and its name; a
/// container's members follow it.
const RESPONSE_MEMBERS: [MemberEntry; 16] = {
    use Member::*;
    [
        (None, Result, "AssumeRoleWithWebIdentityResult"),
        (Some(Result), Credentials, "Credentials"),
        (Some(Credentials), AccessKeyId, "AccessKeyId"),
        (Some(Credentials), SecretAccessKey, "SecretAccessKey"),
        (Some(Credentials), SessionToken, "SessionToken"),
        (Some(Credentials), Expiration, "Expiration"),
        (Some(Result), AssumedRoleUser, "AssumedRoleUser"),
        (Some(AssumedRoleUser), AssumedRoleId, "AssumedRoleId"),
        (Some(AssumedRoleUser), Arn, "Arn"),
        (Some(Result), SubjectFromWebIdentityToken, "SubjectFromWebIdentityToken"),
        (Some(Result), PackedPolicySize, "PackedPolicySize"),
        (Some(Result), Provider, "Provider"),
        (Some(Result), Audience, "Audience"),
        (Some(Result), SourceIdentity, "SourceIdentity"),
        (None, ResponseMetadata, "ResponseMetadata"),
        (Some(ResponseMetadata), RequestId, "RequestId"),
    ]
};

// Each member's slot is its discriminant: the table follows the enum.
const _: () = {
    let mut i = 0;
    while i < RESPONSE_MEMBERS.len() {
        assert!(RESPONSE_MEMBERS[i].1 as usize == i);
        i += 1;
    }
};

impl Member {
    /// The element's name.
    pub const fn api_name(self) -> &'static str {
        match self {
            Member::Code => "Code",
            Member::Message => "Message",
            Member::Type => "Type",
            #[cfg(feature = "assume-role")]
            Member::AssumeRoleResult => "AssumeRoleResult",
            m => RESPONSE_MEMBERS[m as usize].2,
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
    /// A member's length or characters are outside the STS model's limits.
    OutOfModel(Member),
}

impl fmt::Display for Malformed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Malformed::Xml(e) => write!(f, "response is not well-formed XML: {e}"),
            Malformed::EmptyBody => f.write_str("response body is empty"),
            Malformed::UnexpectedRoot => {
                f.write_str("root element is neither the operation's response (AssumeRoleWithWebIdentityResponse, AssumeRoleResponse) nor an error document")
            }
            Malformed::MissingMember(m) => write!(f, "required member {m} is missing"),
            Malformed::EmptyMember(m) => write!(f, "required member {m} is empty"),
            Malformed::DuplicateMember(m) => write!(f, "member {m} appears more than once"),
            Malformed::ElementInText(m) => write!(f, "member {m} contains an element where text was expected"),
            Malformed::InvalidTimestamp(m, e) => write!(f, "member {m} is not an RFC 3339 timestamp: {e}"),
            Malformed::InvalidNumber(m) => write!(f, "member {m} is not a non-negative integer"),
            Malformed::OutOfModel(m) => write!(f, "member {m} breaks the STS model"),
        }
    }
}

impl core::error::Error for Malformed {}

impl From<XmlError> for Malformed {
    fn from(e: XmlError) -> Self {
        Malformed::Xml(e)
    }
}

/// An error code of the `AssumeRoleWithWebIdentity` model, by wire code or
/// shape name (`IDPCommunicationError`, `IDPCommunicationErrorException`).
/// Codes that are not the operation's own (throttling, timeouts) are
/// [`ErrorCode::Other`]: which of those to retry is the client's policy.
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
    /// Any other code, as sent.
    Other(&'a str),
}

impl<'a> ErrorCode<'a> {
    /// Classifies a code as sent on the wire.
    pub fn from_wire(code: &'a str) -> Self {
        match code.strip_suffix("Exception").unwrap_or(code) {
            "InvalidIdentityToken" => ErrorCode::InvalidIdentityToken,
            "ExpiredToken" => ErrorCode::ExpiredToken,
            "IDPCommunicationError" => ErrorCode::IdpCommunicationError,
            "IDPRejectedClaim" => ErrorCode::IdpRejectedClaim,
            "MalformedPolicyDocument" => ErrorCode::MalformedPolicyDocument,
            "PackedPolicyTooLarge" => ErrorCode::PackedPolicyTooLarge,
            "RegionDisabled" => ErrorCode::RegionDisabled,
            _ => ErrorCode::Other(code),
        }
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
    decode_answer(status, body, b"AssumeRoleWithWebIdentityResponse", response)
}

/// Decodes any answer of an operation: a 2xx body whose root is `root` with
/// `success` (which reads on after the root's start), or as an error
/// document if that is what it holds; anything else with [`decode_error`].
pub(crate) fn decode_answer<'a, T>(
    status: u16,
    body: &'a mut [u8],
    root: &[u8],
    success: impl FnOnce(&mut Reader<'a>) -> Result<T, Malformed>,
) -> Result<T, DecodeError<'a>> {
    if !(200..300).contains(&status) {
        return Err(decode_error(status, body));
    }
    if body.iter().all(|&b| matches!(b, b' ' | b'\t' | b'\r' | b'\n')) {
        return Err(Malformed::EmptyBody.into());
    }
    let mut reader: Reader<'a> = Reader::new(body);
    let found = next_child(&mut reader)?.ok_or(Malformed::UnexpectedRoot)?;
    match found {
        _ if found == root => Ok(success(&mut reader)?),
        b"ErrorResponse" | b"Error" | b"Response" => match error_body(status, found, &mut reader)? {
            Some(e) => Err(DecodeError::Service(e)),
            None => Err(Malformed::MissingMember(Member::Code).into()),
        },
        _ => Err(Malformed::UnexpectedRoot.into()),
    }
}

/// Decodes a non-success answer: an STS error document is
/// [`DecodeError::Service`], anything else [`DecodeError::Http`].
pub fn decode_error(status: u16, body: &mut [u8]) -> DecodeError<'_> {
    let mut reader: Reader<'_> = Reader::new(body);
    let document = match next_child(&mut reader) {
        Ok(Some(root)) => error_body(status, root, &mut reader),
        _ => Ok(None),
    };
    match document {
        Ok(Some(e)) => DecodeError::Service(e),
        Ok(None) | Err(_) => DecodeError::Http { status },
    }
}

/// The local name (after any prefix) of the next child element of the
/// element whose start was read last (or of the root, at the start), `None`
/// at that element's end. Text between elements is skipped.
pub(crate) fn next_child<'a>(reader: &mut Reader<'a>) -> Result<Option<&'a [u8]>, Malformed> {
    loop {
        match reader.next_raw()? {
            RawEvent::Text(_) => {}
            RawEvent::Start(name) => {
                let local = match memchr::memrchr(b':', name) {
                    Some(colon) => name.get(colon + 1..).unwrap_or_default(),
                    None => name,
                };
                return Ok(Some(local));
            }
            RawEvent::End(_) => return Ok(None),
            // The reader reports any content after the root as an error, so
            // this means the root closed while a child was expected.
            RawEvent::Eof => return Err(Malformed::UnexpectedRoot),
        }
    }
}

/// The text of the element whose start was just read ("" when empty), and
/// its end.
fn text<'a>(reader: &mut Reader<'a>, member: Member) -> Result<&'a str, Malformed> {
    let at = reader.offset();
    let text = match reader.next_raw()? {
        RawEvent::End(_) => return Ok(""),
        RawEvent::Text(t) => t,
        _ => return Err(Malformed::ElementInText(member)),
    };
    match reader.next_raw()? {
        RawEvent::End(_) => Ok(crate::xml::text(text, at)?),
        _ => Err(Malformed::ElementInText(member)),
    }
}

/// Skips the rest of the element whose start was just read. Iterative: the
/// reader bounds the depth.
fn skip(reader: &mut Reader<'_>) -> Result<(), Malformed> {
    let mut open = 1usize;
    while open > 0 {
        match next_child(reader)? {
            Some(_) => open += 1,
            None => open -= 1,
        }
    }
    Ok(())
}

/// After the root's end: nothing but the end of the document.
fn expect_eof(reader: &mut Reader<'_>) -> Result<(), Malformed> {
    match reader.next_raw()? {
        RawEvent::Eof => Ok(()),
        _ => Err(Malformed::UnexpectedRoot),
    }
}

/// The STS model's limits on output members: maximum length (in
/// characters) and pattern. Its minimum lengths are not checked: they guard
/// nothing, and the SDKs' own recorded answers (smithy-rs, aws-c-auth)
/// break them, which every SDK accepts.
const OUTPUT_LIMITS: [(Member, u32, Option<CharRule>); 5] = [
    (
        Member::AccessKeyId,
        128,
        Some(|c| c.is_ascii_alphanumeric() || c == '_'),
    ),
    (Member::AssumedRoleId, 193, Some(|c| c == ':' || session_name_char(c))),
    (Member::Arn, 2048, Some(arn_char)),
    (Member::SubjectFromWebIdentityToken, 255, None),
    (Member::SourceIdentity, 64, Some(session_name_char)),
];

/// Which characters a pattern allows.
type CharRule = fn(char) -> bool;

/// One member of a success document: the container it sits in (`None`:
/// directly under the root), the member, and its element name.
pub(crate) type MemberEntry = (Option<Member>, Member, &'static str);

/// Reads a success document after its root's start: each member of `table`
/// at most once, in any order, unknown elements skipped; a container's
/// members follow it in `table`. The text of each member by table index
/// (containers: `""` once seen).
pub(crate) fn read_members<'a, const N: usize>(
    reader: &mut Reader<'a>,
    table: &[MemberEntry; N],
) -> Result<[Option<&'a str>; N], Malformed> {
    let mut slots: [Option<&'a str>; N] = [None; N];
    // The containers open below the root (at most `Result/Credentials`).
    let mut open: [Option<Member>; 2] = [None; 2];
    let mut depth = 0usize;
    loop {
        let Some(name) = next_child(reader)? else {
            if depth == 0 {
                break;
            }
            depth -= 1;
            continue;
        };
        let parent = depth.checked_sub(1).and_then(|d| open.get(d).copied().flatten());
        let found = table
            .iter()
            .zip(slots.iter_mut())
            .enumerate()
            .find(|(_, ((p, _, n), _))| *p == parent && n.as_bytes() == name);
        let Some((i, (&(_, member, _), slot))) = found else {
            skip(reader)?;
            continue;
        };
        if slot.is_some() {
            return Err(Malformed::DuplicateMember(member));
        }
        // A container: its members follow it in the table.
        if matches!(table.get(i + 1), Some((Some(p), _, _)) if *p == member) {
            *slot = Some("");
            if let Some(o) = open.get_mut(depth) {
                *o = Some(member);
            }
            depth += 1;
        } else {
            *slot = Some(text(reader, member)?);
        }
    }
    expect_eof(reader)?;
    Ok(slots)
}

/// What the answers of both operations hold: the credentials, the assumed
/// role user and the packed policy size, with the members of `result` (the
/// result container) that `get` finds, checked against the STS model.
pub(crate) fn credentials_part<'a>(
    result: Member,
    get: impl Fn(Member) -> Option<&'a str>,
) -> Result<(Credentials<'a>, Option<AssumedRoleUser<'a>>, Option<u32>), Malformed> {
    let required = |member: Member| match get(member) {
        None => Err(Malformed::MissingMember(member)),
        Some("") => Err(Malformed::EmptyMember(member)),
        Some(v) => Ok(v),
    };
    for container in [result, Member::Credentials] {
        get(container).ok_or(Malformed::MissingMember(container))?;
    }
    let access_key_id = required(Member::AccessKeyId)?;
    let secret_access_key = required(Member::SecretAccessKey)?;
    let session_token = required(Member::SessionToken)?;
    let expiration = parse_rfc3339(str::trim_ascii(required(Member::Expiration)?))
        .map_err(|e| Malformed::InvalidTimestamp(Member::Expiration, e))?;
    let assumed_role_user = match get(Member::AssumedRoleUser) {
        Some(_) => Some(AssumedRoleUser {
            assumed_role_id: required(Member::AssumedRoleId)?,
            arn: required(Member::Arn)?,
        }),
        None => None,
    };
    let packed_policy_size = match get(Member::PackedPolicySize) {
        Some(s) => Some(parse_u32(s).ok_or(Malformed::InvalidNumber(Member::PackedPolicySize))?),
        None => None,
    };
    for (member, max, pattern) in OUTPUT_LIMITS {
        if get(member).is_some_and(|v| check_str(v, 0, max, pattern).is_some()) {
            return Err(Malformed::OutOfModel(member));
        }
    }
    let credentials = Credentials {
        access_key_id,
        secret_access_key: Secret::new(secret_access_key),
        session_token: Secret::new(session_token),
        expiration,
    };
    Ok((credentials, assumed_role_user, packed_policy_size))
}

/// Reads the success document after its root's start.
fn response<'a>(reader: &mut Reader<'a>) -> Result<AssumeRoleWithWebIdentityOutput<'a>, Malformed> {
    // Each member's slot is its discriminant (checked at compile time).
    let slots = read_members(reader, &RESPONSE_MEMBERS)?;
    let get = |member: Member| slots.get(member as usize).copied().flatten();
    let (credentials, assumed_role_user, packed_policy_size) = credentials_part(Member::Result, get)?;
    Ok(AssumeRoleWithWebIdentityOutput {
        credentials,
        assumed_role_user,
        subject_from_web_identity_token: get(Member::SubjectFromWebIdentityToken),
        packed_policy_size,
        provider: get(Member::Provider),
        audience: get(Member::Audience),
        source_identity: get(Member::SourceIdentity),
        request_id: get(Member::RequestId),
    })
}

/// A non-negative decimal integer that fits `u32` (surrounding XML whitespace
/// allowed, as for any number in XML).
fn parse_u32(s: &str) -> Option<u32> {
    let s = str::trim_ascii(s);
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// Stores a member's text once.
fn set<'a>(slot: &mut Option<&'a str>, value: &'a str, member: Member) -> Result<(), Malformed> {
    if slot.replace(value).is_some() {
        Err(Malformed::DuplicateMember(member))
    } else {
        Ok(())
    }
}

/// Reads an error document whose root start was just read. Accepts
/// `<ErrorResponse><Error>..</Error><RequestId/></ErrorResponse>`,
/// `<Response><Errors><Error>..</Error></Errors><RequestID/></Response>`
/// (any root holding `Errors/Error`) and a bare `<Error>` root. The first
/// `Error` wins; `Ok(None)` when there is no `Code`. `root` is the local name
/// of the root.
pub(crate) fn error_body<'a>(
    status: u16,
    root: &[u8],
    reader: &mut Reader<'a>,
) -> Result<Option<ServiceError<'a>>, Malformed> {
    let mut code = None;
    let mut message = None;
    let mut error_type = None;
    let mut request_id = None;
    // Depth (below the root = 1) of the `Error` element being read, if any.
    let mut in_error: Option<usize> = if root == b"Error" { Some(0) } else { None };
    let mut errors_done = false;
    let mut depth = 0usize;
    loop {
        let Some(local) = next_child(reader)? else {
            if depth == 0 {
                break;
            }
            if in_error == Some(depth) {
                in_error = None;
                errors_done = true;
            }
            depth -= 1;
            continue;
        };
        let in_parent_error = in_error == Some(depth);
        match local {
            b"Code" if in_parent_error => set(&mut code, text(reader, Member::Code)?, Member::Code)?,
            b"Message" if in_parent_error => set(&mut message, text(reader, Member::Message)?, Member::Message)?,
            b"Type" if in_parent_error => set(&mut error_type, text(reader, Member::Type)?, Member::Type)?,
            b"RequestId" | b"RequestID" if request_id.is_none() && depth < 2 => {
                request_id = Some(text(reader, Member::RequestId)?);
            }
            _ => {
                depth += 1;
                if local == b"Error" && in_error.is_none() && !errors_done && depth <= 2 {
                    in_error = Some(depth);
                }
            }
        }
    }
    expect_eof(reader)?;
    Ok(code
        .map(str::trim_ascii)
        .filter(|c| !c.is_empty())
        .map(|code| ServiceError {
            status,
            code,
            message: message.unwrap_or(""),
            error_type,
            request_id,
        }))
}
