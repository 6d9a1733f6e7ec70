//! The client's error: what went wrong, and after how many attempts.

use core::fmt;

use sts_codec::{ErrorCode, Malformed, ValidationError};

use crate::credentials::CredentialField;
use crate::endpoint::EndpointError;
use crate::retry::RetryClass;
use crate::token::TokenError;

/// Bytes an [`StsError`] keeps of an error document's code, request id
/// and message together.
pub const STS_ERROR_TEXT_LEN: usize = 96;

/// Bytes kept of the code, and of the request id (a UUID is 36).
const PART_LEN: usize = 40;

/// `s` cut to at most `max` bytes, at a character boundary.
fn cut(s: &str, max: usize) -> &str {
    let mut end = s.len().min(max);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s.get(..end).unwrap_or_default()
}

/// An STS error document, copied out of the response buffer (which the next
/// attempt reuses): the HTTP status, the code and the request id (each up to
/// 40 bytes) and as much of the message as fits the rest of
/// [`STS_ERROR_TEXT_LEN`] bytes (cut at a character boundary). Small, so
/// that errors are cheap to return; the whole message reaches
/// [`AttemptEvent::service_error`](crate::AttemptEvent::service_error).
///
/// STS messages describe the failure ("Token too old", "No OpenIDConnect
/// provider found ..."); they do not echo the token.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct StsError {
    status: u16,
    code_len: u8,
    request_id_len: u8,
    message_len: u8,
    /// The code, the request id and the message, in that order.
    text: [u8; STS_ERROR_TEXT_LEN],
}

impl StsError {
    pub(crate) fn new(status: u16, code: &str, message: &str, request_id: Option<&str>) -> Self {
        let code = cut(code, PART_LEN);
        let request_id = cut(request_id.unwrap_or(""), PART_LEN);
        let message = cut(message, STS_ERROR_TEXT_LEN - code.len() - request_id.len());
        let mut text = [0u8; STS_ERROR_TEXT_LEN];
        let mut at = 0;
        for part in [code, request_id, message] {
            if let Some(dst) = text.get_mut(at..at + part.len()) {
                dst.copy_from_slice(part.as_bytes());
            }
            at += part.len();
        }
        // Each part is at most 96 bytes (checked above).
        let len = |s: &str| u8::try_from(s.len()).unwrap_or(0);
        StsError {
            status,
            code_len: len(code),
            request_id_len: len(request_id),
            message_len: len(message),
            text,
        }
    }

    /// Bytes `at..at + len` of the text.
    fn part(&self, at: usize, len: u8) -> &str {
        let bytes = self.text.get(at..at + usize::from(len)).unwrap_or_default();
        // Always text: copied from `&str`s cut at character boundaries.
        core::str::from_utf8(bytes).unwrap_or_default()
    }

    /// The HTTP status that carried the document.
    #[must_use]
    pub const fn status(&self) -> u16 {
        self.status
    }

    /// `Error/Code`, as sent (up to 40 bytes).
    #[must_use]
    pub fn code(&self) -> &str {
        self.part(0, self.code_len)
    }

    /// The code, classified.
    #[must_use]
    pub fn kind(&self) -> ErrorCode<'_> {
        ErrorCode::from_wire(self.code())
    }

    /// The request id, from the document or the response header (up to 40
    /// bytes).
    #[must_use]
    pub fn request_id(&self) -> Option<&str> {
        Some(self.part(usize::from(self.code_len), self.request_id_len)).filter(|s| !s.is_empty())
    }

    /// `Error/Message`, as much as fits (empty when absent).
    #[must_use]
    pub fn message(&self) -> &str {
        self.part(
            usize::from(self.code_len) + usize::from(self.request_id_len),
            self.message_len,
        )
    }
}

impl fmt::Debug for StsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StsError")
            .field("status", &self.status)
            .field("code", &self.code())
            .field("message", &self.message())
            .field("request_id", &self.request_id())
            .finish()
    }
}

impl fmt::Display for StsError {
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
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// STS answered with an error document.
    Service(StsError),
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
    /// (a provider asked before any successful refresh, its error
    /// forgotten).
    NoCredentials,
    /// An `AssumeRole` request could not be signed (source credentials the
    /// signer refuses, a region that is not a scope, a request buffer too
    /// small for the signature); nothing was sent.
    #[cfg(feature = "chain")]
    Signing(sts_sigv4::Error),
    /// An `AssumeRole` request needs the time: the platform has no wall
    /// clock and the source credentials no server `Date` to count from;
    /// nothing was sent.
    #[cfg(feature = "chain")]
    NoSigningTime,
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
            #[cfg(feature = "chain")]
            ErrorKind::Signing(e) => write!(f, "cannot sign the AssumeRole request: {e}"),
            #[cfg(feature = "chain")]
            ErrorKind::NoSigningTime => f.write_str(
                "cannot sign the AssumeRole request: no wall clock, and the source credentials carry no server Date",
            ),
        }
    }
}

/// The client's error: an [`ErrorKind`] and the number of attempts made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
    pub const fn service_error(&self) -> Option<&StsError> {
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
            #[cfg(feature = "chain")]
            ErrorKind::Signing(e) => Some(e),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sts_error_keeps_code_and_id_and_what_fits_of_the_message() {
        let e = StsError::new(400, "Throttling", "Rate exceeded", Some("r-1"));
        assert_eq!(
            (e.status(), e.code(), e.message(), e.request_id()),
            (400, "Throttling", "Rate exceeded", Some("r-1"))
        );
        // A long message is cut at a character boundary, code and id whole.
        let long = "é".repeat(100);
        let e = StsError::new(403, "AccessDenied", &long, Some("5045ca91-d123-4749-9d66-00a3c906be6c"));
        assert_eq!(e.code(), "AccessDenied");
        assert_eq!(e.request_id(), Some("5045ca91-d123-4749-9d66-00a3c906be6c"));
        assert!(long.starts_with(e.message()));
        assert_eq!(e.message().len(), 96 - 12 - 36);
        // Code and id are cut at 40 bytes each; no id is `None`.
        let e = StsError::new(500, &"C".repeat(60), "m", None);
        assert_eq!((e.code().len(), e.request_id(), e.message()), (40, None, "m"));
        // Small enough to return freely.
        assert!(core::mem::size_of::<Error>() < 128, "{}", core::mem::size_of::<Error>());
    }
}
