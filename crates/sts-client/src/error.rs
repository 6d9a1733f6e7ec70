//! The client's error: what went wrong, and after how many attempts.

use core::fmt;

use sts_codec::{ErrorCode, Malformed, ValidationError};

use crate::credentials::{CredentialField, InlineStr};
use crate::endpoint::EndpointError;
use crate::retry::RetryClass;
use crate::token::TokenError;

/// Bytes kept of an error document's `Code`.
pub const MAX_CODE_LEN: usize = 64;
/// Bytes kept of an error document's `Message` (cut at a character boundary).
pub const MAX_MESSAGE_LEN: usize = 256;
/// Bytes kept of a request id.
pub const MAX_REQUEST_ID_LEN: usize = 64;

/// Copies `s` into `N` bytes, cut at a character boundary.
fn truncated<const N: usize>(s: &str) -> InlineStr<N> {
    let mut end = s.len().min(N);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    let mut out = InlineStr::new();
    // Fits by construction.
    let _ = out.set(&s[..end]);
    out
}

/// An STS error document, copied out of the response buffer (which the next
/// attempt reuses): the code, the message (first 256 bytes), the HTTP status
/// and the request id.
///
/// STS messages describe the failure ("Token too old", "No OpenIDConnect
/// provider found ..."); they do not echo the token.
#[derive(Clone)]
pub struct ServiceError {
    status: u16,
    code: InlineStr<MAX_CODE_LEN>,
    message: InlineStr<MAX_MESSAGE_LEN>,
    request_id: InlineStr<MAX_REQUEST_ID_LEN>,
}

impl ServiceError {
    pub(crate) fn new(status: u16, code: &str, message: &str, request_id: Option<&str>) -> Self {
        ServiceError {
            status,
            code: truncated(code),
            message: truncated(message),
            request_id: truncated(request_id.unwrap_or("")),
        }
    }

    /// The HTTP status that carried the document.
    #[must_use]
    pub const fn status(&self) -> u16 {
        self.status
    }

    /// `Error/Code`, as sent (up to 64 bytes).
    #[must_use]
    pub fn code(&self) -> &str {
        self.code.as_str()
    }

    /// The code, classified.
    #[must_use]
    pub fn kind(&self) -> ErrorCode<'_> {
        ErrorCode::from_wire(self.code())
    }

    /// `Error/Message` (up to 256 bytes; empty when absent).
    #[must_use]
    pub fn message(&self) -> &str {
        self.message.as_str()
    }

    /// The request id, from the document or the `x-amzn-requestid` header.
    #[must_use]
    pub fn request_id(&self) -> Option<&str> {
        Some(self.request_id.as_str()).filter(|s| !s.is_empty())
    }
}

impl fmt::Debug for ServiceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServiceError")
            .field("status", &self.status)
            .field("code", &self.code())
            .field("message", &self.message())
            .field("request_id", &self.request_id())
            .finish()
    }
}

impl PartialEq for ServiceError {
    fn eq(&self, other: &Self) -> bool {
        self.status == other.status
            && self.code() == other.code()
            && self.message() == other.message()
            && self.request_id() == other.request_id()
    }
}

impl Eq for ServiceError {}

impl fmt::Display for ServiceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "STS returned {} (HTTP {})", self.code(), self.status)?;
        if !self.message().is_empty() {
            write!(f, ": {}", self.message())?;
        }
        if let Some(id) = self.request_id() {
            write!(f, " [request id {id}]")?;
        }
        Ok(())
    }
}

/// What went wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// STS answered with an error document.
    Service(ServiceError),
    /// A non-success status without an STS error document (an empty 503, an
    /// HTML page from a proxy).
    Http {
        /// The HTTP status.
        status: u16,
    },
    /// A success status whose body is not a usable response.
    Malformed(Malformed),
    /// The transport failed.
    Transport(sts_transport::Error),
    /// The request breaks the STS model (role ARN, session name, token
    /// length, duration...); nothing was sent.
    Validation(ValidationError),
    /// The request body does not fit in the request buffer; nothing was sent.
    RequestTooLarge {
        /// The exact body size in bytes.
        needed: usize,
        /// The request buffer's size.
        capacity: usize,
    },
    /// No token could be read.
    Token(TokenError),
    /// The endpoint could not be resolved.
    Endpoint(EndpointError),
    /// A credential member does not fit in its inline storage.
    CredentialsTooLarge {
        /// The member.
        field: CredentialField,
        /// Its size in bytes.
        needed: usize,
        /// The storage's capacity.
        capacity: usize,
    },
    /// STS granted credentials that are already expired by the time they
    /// were received (per the answer's own `Date`).
    ExpiredOnArrival,
    /// Nothing is cached and nothing was fetched
    /// ([`CredentialCache::current`](crate::CredentialCache::current) before
    /// any successful refresh).
    NoCredentials,
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ErrorKind::Service(e) => fmt::Display::fmt(e, f),
            ErrorKind::Http { status } => write!(f, "HTTP status {status} without an STS error document"),
            ErrorKind::Malformed(m) => write!(f, "malformed STS response: {m}"),
            ErrorKind::Transport(e) => write!(f, "transport error: {e}"),
            ErrorKind::Validation(e) => write!(f, "invalid request: {e}"),
            ErrorKind::RequestTooLarge { needed, capacity } => {
                write!(
                    f,
                    "request body needs {needed} bytes, the request buffer holds {capacity}"
                )
            }
            ErrorKind::Token(e) => fmt::Display::fmt(e, f),
            ErrorKind::Endpoint(e) => write!(f, "endpoint: {e}"),
            ErrorKind::CredentialsTooLarge {
                field,
                needed,
                capacity,
            } => write!(
                f,
                "{} is {needed} bytes, more than the {capacity} bytes of storage (raise the capacity to at least {needed})",
                field.api_name()
            ),
            ErrorKind::ExpiredOnArrival => f.write_str("STS returned credentials that had already expired"),
            ErrorKind::NoCredentials => f.write_str("no credentials cached"),
        }
    }
}

/// The client's error: an [`ErrorKind`] and the number of attempts made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    kind: ErrorKind,
    attempts: u32,
}

impl Error {
    pub(crate) const fn new(kind: ErrorKind, attempts: u32) -> Self {
        Error { kind, attempts }
    }

    /// What went wrong (on the last attempt).
    #[must_use]
    pub const fn kind(&self) -> &ErrorKind {
        &self.kind
    }

    /// Consumes the error, giving its kind.
    #[must_use]
    pub fn into_kind(self) -> ErrorKind {
        self.kind
    }

    /// Requests sent (0 when the failure came before the first).
    #[must_use]
    pub const fn attempts(&self) -> u32 {
        self.attempts
    }

    /// The STS error document, if that is what ended the exchange.
    #[must_use]
    pub const fn service_error(&self) -> Option<&ServiceError> {
        match &self.kind {
            ErrorKind::Service(e) => Some(e),
            _ => None,
        }
    }

    /// The retry class of the last failure, whatever the policy (`None` for
    /// failures that are never retried).
    #[must_use]
    pub fn retry_class(&self) -> Option<RetryClass> {
        crate::exchange::retry_class(&self.kind)
    }
}

impl From<ErrorKind> for Error {
    fn from(kind: ErrorKind) -> Self {
        Error { kind, attempts: 0 }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.kind, f)?;
        match self.attempts {
            0 => Ok(()),
            1 => f.write_str(" (1 attempt)"),
            n => write!(f, " ({n} attempts)"),
        }
    }
}

impl core::error::Error for Error {
    fn source(&self) -> Option<&(dyn core::error::Error + 'static)> {
        match &self.kind {
            ErrorKind::Malformed(m) => Some(m),
            ErrorKind::Transport(e) => Some(e),
            ErrorKind::Validation(e) => Some(e),
            ErrorKind::Token(e) => Some(e),
            ErrorKind::Endpoint(e) => Some(e),
            _ => None,
        }
    }
}
