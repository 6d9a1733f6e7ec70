//! Credentials in fixed-capacity inline storage, wiped on drop.

use core::fmt;
use core::time::Duration;

use zeroize::Zeroize;

use crate::time::{Instant, Timestamp};

/// The default capacity for the session token, in bytes.
///
/// Session tokens seen in practice are 400 to 1,500 bytes; STS documents no
/// maximum. Raise it (`Credentials<4096>`) if
/// [`ErrorKind::CredentialsTooLarge`](crate::ErrorKind::CredentialsTooLarge)
/// says so.
pub const DEFAULT_TOKEN_CAPACITY: usize = 2048;

/// Capacity of the access key id (the STS model allows 16 to 128 characters).
pub const ACCESS_KEY_ID_CAPACITY: usize = 128;

/// Capacity of the secret access key (40 characters today).
pub const SECRET_ACCESS_KEY_CAPACITY: usize = 128;

/// Text in an inline buffer of `N` bytes, zeroized on drop and on
/// replacement.
///
/// Every byte past `len` is zero (`new` zeroes them, `set` wipes the old
/// text before writing the new one), so wiping `buf[..len]` wipes all of it.
#[derive(Clone)]
pub(crate) struct InlineStr<const N: usize> {
    buf: [u8; N],
    len: usize,
}

impl<const N: usize> InlineStr<N> {
    pub(crate) const fn new() -> Self {
        InlineStr { buf: [0; N], len: 0 }
    }

    /// Copies `s`; `Err(needed)` if it does not fit.
    pub(crate) fn set(&mut self, s: &str) -> Result<(), usize> {
        self.wipe();
        let dst = self.buf.get_mut(..s.len()).ok_or(s.len())?;
        dst.copy_from_slice(s.as_bytes());
        self.len = s.len();
        Ok(())
    }

    /// Wipes the text (the only bytes that are not already zero).
    pub(crate) fn wipe(&mut self) {
        // A slice, not the array: `[u8; N]::zeroize` writes byte by byte.
        if let Some(text) = self.buf.get_mut(..self.len) {
            text.zeroize();
        }
        self.len = 0;
    }

    pub(crate) fn as_str(&self) -> &str {
        // Only ever filled from a `&str` in `set`, cut at its own length.
        core::str::from_utf8(self.buf.get(..self.len).unwrap_or_default()).unwrap_or_default()
    }
}

impl<const N: usize> Drop for InlineStr<N> {
    fn drop(&mut self) {
        self.wipe();
    }
}

/// Which credential member did not fit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CredentialField {
    /// `AccessKeyId`.
    AccessKeyId,
    /// `SecretAccessKey`.
    SecretAccessKey,
    /// `SessionToken`.
    SessionToken,
}

impl CredentialField {
    /// The member's API name.
    #[must_use]
    pub const fn api_name(self) -> &'static str {
        match self {
            CredentialField::AccessKeyId => "AccessKeyId",
            CredentialField::SecretAccessKey => "SecretAccessKey",
            CredentialField::SessionToken => "SessionToken",
        }
    }
}

/// Temporary credentials, held inline (no heap): the session token in
/// `TOKEN_CAP` bytes, the keys in 128 bytes each.
///
/// The expiry is kept twice: as the server said it
/// ([`expiration`](Self::expiration), server clock) and as a deadline on the
/// caller's monotonic clock ([`valid_until`](Self::valid_until)), computed
/// from the `Date` header of the answer (see the crate docs, "Server time").
/// Decisions about refreshing use the monotonic deadline only.
///
/// The secrets are wiped when the value is dropped or replaced; `Debug`
/// prints the access key id and the times, never a secret.
#[derive(Clone)]
pub struct Credentials<const TOKEN_CAP: usize = DEFAULT_TOKEN_CAPACITY> {
    access_key_id: InlineStr<ACCESS_KEY_ID_CAPACITY>,
    secret_access_key: InlineStr<SECRET_ACCESS_KEY_CAPACITY>,
    session_token: InlineStr<TOKEN_CAP>,
    expiration: Timestamp,
    server_date: Option<Timestamp>,
    received_at: Instant,
    valid_until: Instant,
    clock_skew_ms: Option<i64>,
}

/// What [`Credentials::from_parts`] needs besides the three strings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Timing {
    pub(crate) expiration: Timestamp,
    pub(crate) server_date: Option<Timestamp>,
    pub(crate) received_at: Instant,
    pub(crate) valid_until: Instant,
    pub(crate) clock_skew_ms: Option<i64>,
}

impl<const TOKEN_CAP: usize> Credentials<TOKEN_CAP> {
    /// Empty credentials: no keys, expired at any instant
    /// ([`valid_until`](Self::valid_until) is [`Instant::ZERO`]). A place
    /// for [`Client::fetch_into`](crate::Client::fetch_into) to write into,
    /// which a device can keep in a `static` and reuse.
    #[must_use]
    pub const fn empty() -> Self {
        Credentials {
            access_key_id: InlineStr::new(),
            secret_access_key: InlineStr::new(),
            session_token: InlineStr::new(),
            expiration: Timestamp { seconds: 0, nanos: 0 },
            server_date: None,
            received_at: Instant::ZERO,
            valid_until: Instant::ZERO,
            clock_skew_ms: None,
        }
    }

    /// Copies the three secrets in; `Err((field, needed))` if one does not fit.
    pub(crate) fn from_parts(
        access_key_id: &str,
        secret_access_key: &str,
        session_token: &str,
        timing: Timing,
    ) -> Result<Self, (CredentialField, usize)> {
        let mut c = Self::empty();
        c.replace(access_key_id, secret_access_key, session_token, timing)?;
        Ok(c)
    }

    /// Replaces these credentials (wiping the old secrets) with copies of
    /// the three strings; `Err((field, needed))`, with `self` untouched, if
    /// one does not fit.
    pub(crate) fn replace(
        &mut self,
        access_key_id: &str,
        secret_access_key: &str,
        session_token: &str,
        timing: Timing,
    ) -> Result<(), (CredentialField, usize)> {
        if access_key_id.len() > ACCESS_KEY_ID_CAPACITY {
            return Err((CredentialField::AccessKeyId, access_key_id.len()));
        }
        if secret_access_key.len() > SECRET_ACCESS_KEY_CAPACITY {
            return Err((CredentialField::SecretAccessKey, secret_access_key.len()));
        }
        if session_token.len() > TOKEN_CAP {
            return Err((CredentialField::SessionToken, session_token.len()));
        }
        // Each fits (checked above): `set` cannot fail.
        let _ = self.access_key_id.set(access_key_id);
        let _ = self.secret_access_key.set(secret_access_key);
        let _ = self.session_token.set(session_token);
        self.expiration = timing.expiration;
        self.server_date = timing.server_date;
        self.received_at = timing.received_at;
        self.valid_until = timing.valid_until;
        self.clock_skew_ms = timing.clock_skew_ms;
        Ok(())
    }

    /// Wipes the secrets and makes these credentials [`empty`](Self::empty).
    pub(crate) fn clear(&mut self) {
        self.access_key_id.wipe();
        self.secret_access_key.wipe();
        self.session_token.wipe();
        self.expiration = Timestamp { seconds: 0, nanos: 0 };
        self.server_date = None;
        self.received_at = Instant::ZERO;
        self.valid_until = Instant::ZERO;
        self.clock_skew_ms = None;
    }

    /// Builds credentials by hand (for tests and for caches restored from
    /// storage). `valid_until` is the deadline on your monotonic clock.
    ///
    /// # Errors
    ///
    /// The member that does not fit, and the bytes it needs.
    pub fn new(
        access_key_id: &str,
        secret_access_key: &str,
        session_token: &str,
        expiration: Timestamp,
        received_at: Instant,
        valid_until: Instant,
    ) -> Result<Self, (CredentialField, usize)> {
        Self::from_parts(
            access_key_id,
            secret_access_key,
            session_token,
            Timing {
                expiration,
                server_date: None,
                received_at,
                valid_until,
                clock_skew_ms: None,
            },
        )
    }

    /// `AccessKeyId` (not a secret by itself).
    #[must_use]
    pub fn access_key_id(&self) -> &str {
        self.access_key_id.as_str()
    }

    /// `SecretAccessKey`. Keep it out of logs.
    #[must_use]
    pub fn secret_access_key(&self) -> &str {
        self.secret_access_key.as_str()
    }

    /// `SessionToken`. Keep it out of logs.
    #[must_use]
    pub fn session_token(&self) -> &str {
        self.session_token.as_str()
    }

    /// `Expiration`, in the server's clock.
    #[must_use]
    pub const fn expiration(&self) -> Timestamp {
        self.expiration
    }

    /// The `Date` of the answer that carried these credentials, if it had one.
    #[must_use]
    pub const fn server_date(&self) -> Option<Timestamp> {
        self.server_date
    }

    /// When the answer was received, on the caller's monotonic clock.
    #[must_use]
    pub const fn received_at(&self) -> Instant {
        self.received_at
    }

    /// The expiry as a deadline on the caller's monotonic clock.
    #[must_use]
    pub const fn valid_until(&self) -> Instant {
        self.valid_until
    }

    /// The lifetime the server granted, as measured at receipt.
    #[must_use]
    pub const fn lifetime(&self) -> Duration {
        self.valid_until.saturating_duration_since(self.received_at)
    }

    /// Time left at `now` (zero once expired).
    #[must_use]
    pub const fn remaining(&self, now: Instant) -> Duration {
        self.valid_until.saturating_duration_since(now)
    }

    /// Whether the credentials have expired at `now`.
    #[must_use]
    pub fn is_expired(&self, now: Instant) -> bool {
        now >= self.valid_until
    }

    /// Server clock minus the caller's wall clock at receipt, in
    /// milliseconds (positive: the server is ahead). `None` when the answer
    /// had no `Date` or the caller has no wall clock.
    #[must_use]
    pub const fn clock_skew_millis(&self) -> Option<i64> {
        self.clock_skew_ms
    }
}

impl<const TOKEN_CAP: usize> fmt::Debug for Credentials<TOKEN_CAP> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id())
            .field("secret_access_key", &"<redacted>")
            .field("session_token", &"<redacted>")
            .field("expiration", &self.expiration)
            .field("server_date", &self.server_date)
            .field("received_at", &self.received_at)
            .field("valid_until", &self.valid_until)
            .field("clock_skew_ms", &self.clock_skew_ms)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    extern crate std;
    use std::format;

    use super::*;

    #[test]
    fn debug_redacts_and_sizes_are_checked() {
        let t = Timestamp::from_unix(0, 0).unwrap();
        let c: Credentials<16> =
            Credentials::new("ASIAX", "SECRETKEY", "TOKEN", t, Instant::ZERO, Instant::from_millis(5)).unwrap();
        let d = format!("{c:?}");
        assert!(d.contains("ASIAX"));
        assert!(!d.contains("SECRETKEY") && !d.contains("TOKEN\""));
        assert_eq!(c.session_token(), "TOKEN");
        let err = Credentials::<4>::new("A", "B", "TOKEN", t, Instant::ZERO, Instant::ZERO).unwrap_err();
        assert_eq!(err, (CredentialField::SessionToken, 5));
    }

    #[test]
    fn inline_str_replacement_wipes_the_tail() {
        let mut s = InlineStr::<8>::new();
        s.set("abcdef").unwrap();
        s.set("xy").unwrap();
        assert_eq!(s.as_str(), "xy");
        assert_eq!(&s.buf[2..], &[0; 6]);
    }
}
