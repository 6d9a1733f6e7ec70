//! Credentials in caller storage of fixed size, wiped on drop.

use core::fmt;
use core::time::Duration;

use sts_codec::{Secret, SecretText};
use zeroize::Zeroize;

use crate::time::{Instant, Timestamp};

/// The session token capacity of [`Credentials::new`], in bytes.
///
/// Session tokens seen in practice are 400 to 1,500 bytes; STS documents no
/// maximum. Lend larger storage (`Credentials::<[u8; 4096]>::empty()`) if
/// [`ErrorKind::CredentialsTooLarge`](crate::ErrorKind::CredentialsTooLarge)
/// says so.
pub const DEFAULT_TOKEN_CAPACITY: usize = 2048;

/// Capacity of the access key id (the STS model allows 16 to 128 characters).
pub const ACCESS_KEY_ID_CAPACITY: usize = 128;

/// Capacity of the secret access key (40 characters today).
pub const SECRET_ACCESS_KEY_CAPACITY: usize = 128;

/// Text in an inline buffer, zeroized on drop and on replacement: `B` is
/// `[u8; N]` (storage) or `[u8]` (the same storage, size unknown).
///
/// Every byte past `len` is zero (`set` wipes the old text before writing
/// the new one), so wiping `bytes[..len]` wipes all of it.
pub(crate) struct InlineStr<B: ?Sized + AsRef<[u8]> + AsMut<[u8]>> {
    len: usize,
    bytes: B,
}

impl<const N: usize> InlineStr<[u8; N]> {
    pub(crate) const fn new() -> Self {
        InlineStr { len: 0, bytes: [0; N] }
    }
}

impl<B: ?Sized + AsRef<[u8]> + AsMut<[u8]>> InlineStr<B> {
    /// Copies `s`; `Err(needed)` if it does not fit.
    pub(crate) fn set(&mut self, s: &str) -> Result<(), usize> {
        self.wipe();
        let dst = self.bytes.as_mut().get_mut(..s.len()).ok_or(s.len())?;
        dst.copy_from_slice(s.as_bytes());
        self.len = s.len();
        Ok(())
    }

    pub(crate) fn capacity(&self) -> usize {
        self.bytes.as_ref().len()
    }

    pub(crate) fn as_str(&self) -> &str {
        // Only ever filled from a `&str` in `set`, cut at its own length.
        core::str::from_utf8(self.bytes.as_ref().get(..self.len).unwrap_or_default()).unwrap_or_default()
    }
}

impl<B: ?Sized + AsRef<[u8]> + AsMut<[u8]>> AsRef<str> for InlineStr<B> {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl<B: ?Sized + AsRef<[u8]> + AsMut<[u8]>> SecretText for InlineStr<B> {
    /// Wipes the text (the only bytes that are not already zero).
    fn wipe(&mut self) {
        // A slice, not the array: `[u8; N]::zeroize` writes byte by byte.
        if let Some(text) = self.bytes.as_mut().get_mut(..self.len) {
            text.zeroize();
        }
        self.len = 0;
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

/// When credentials expire, on the server's clock and on the caller's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Timing {
    pub(crate) expiration: Timestamp,
    pub(crate) server_date: Option<Timestamp>,
    pub(crate) received_at: Instant,
    pub(crate) valid_until: Instant,
    pub(crate) clock_skew_ms: Option<i64>,
}

impl Timing {
    const NONE: Timing = Timing {
        expiration: Timestamp { seconds: 0, nanos: 0 },
        server_date: None,
        received_at: Instant::ZERO,
        valid_until: Instant::ZERO,
        clock_skew_ms: None,
    };
}

/// Temporary credentials in storage of fixed size (no heap): the keys in
/// 128 bytes each, the session token in `B`: `[u8; N]` for storage
/// ([`Credentials::new`], [`Credentials::empty`]), `[u8]` (the default) for
/// the same storage seen without its size, which is what clients and
/// providers take (`&mut storage` converts by itself).
///
/// ```
/// use sts_client::Credentials;
/// let mut storage = Credentials::new(); // room for a 2048-byte session token
/// let creds: &mut Credentials = &mut storage;
/// assert_eq!(creds.session_token_capacity(), 2048);
/// let big: Credentials<[u8; 4096]> = Credentials::empty();
/// assert_eq!(big.session_token_capacity(), 4096);
/// ```
///
/// The expiry is kept twice: as the server said it
/// ([`expiration`](Self::expiration), server clock) and as a deadline on the
/// caller's monotonic clock ([`valid_until`](Self::valid_until)), computed
/// from the `Date` header of the answer (see the crate docs, "Server time").
/// Decisions about refreshing use the monotonic deadline only.
///
/// The secret access key and the session token are [`Secret`]s: read them
/// with `.expose()` where they are needed. They are wiped when replaced and
/// when the storage is dropped; `Debug` prints the access key id and the
/// times, never a secret. There is no `Clone`: credentials stay where they
/// were written.
pub struct Credentials<B: ?Sized + AsRef<[u8]> + AsMut<[u8]> = [u8]> {
    timing: Timing,
    access_key_id: InlineStr<[u8; ACCESS_KEY_ID_CAPACITY]>,
    secret_access_key: Secret<InlineStr<[u8; SECRET_ACCESS_KEY_CAPACITY]>>,
    session_token: Secret<InlineStr<B>>,
}

impl Credentials<[u8; DEFAULT_TOKEN_CAPACITY]> {
    /// Empty storage for a session token of up to
    /// [`DEFAULT_TOKEN_CAPACITY`] bytes.
    #[must_use]
    pub const fn new() -> Self {
        Self::empty()
    }
}

impl Default for Credentials<[u8; DEFAULT_TOKEN_CAPACITY]> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize> Credentials<[u8; N]> {
    /// Empty storage for a session token of up to `N` bytes
    /// (`let mut c: Credentials<[u8; 4096]> = Credentials::empty();`).
    #[must_use]
    pub const fn empty() -> Self {
        Credentials {
            timing: Timing::NONE,
            access_key_id: InlineStr::new(),
            secret_access_key: Secret::new(InlineStr::new()),
            session_token: Secret::new(InlineStr::new()),
        }
    }
}

impl<B: ?Sized + AsRef<[u8]> + AsMut<[u8]>> Credentials<B> {
    /// Replaces the credentials (wiping the old secrets), or leaves them as
    /// they were if a member does not fit.
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
        if session_token.len() > self.session_token_capacity() {
            return Err((CredentialField::SessionToken, session_token.len()));
        }
        // Each fits (checked above): `set` cannot fail.
        let _ = self.access_key_id.set(access_key_id);
        let _ = self.secret_access_key.storage_mut().set(secret_access_key);
        let _ = self.session_token.storage_mut().set(session_token);
        self.timing = timing;
        Ok(())
    }

    /// Writes credentials obtained elsewhere (a cache, a test), wiping the
    /// old secrets; left as they were if a member does not fit.
    ///
    /// # Errors
    ///
    /// The member that does not fit, and its size in bytes.
    pub fn fill(
        &mut self,
        access_key_id: &str,
        secret_access_key: &str,
        session_token: &str,
        expiration: Timestamp,
        received_at: Instant,
        valid_until: Instant,
    ) -> Result<(), (CredentialField, usize)> {
        let timing = Timing {
            expiration,
            received_at,
            valid_until,
            ..Timing::NONE
        };
        self.replace(access_key_id, secret_access_key, session_token, timing)
    }

    /// Wipes the credentials: afterwards they are [empty](Self::is_empty).
    pub fn clear(&mut self) {
        self.access_key_id.wipe();
        self.secret_access_key.storage_mut().wipe();
        self.session_token.storage_mut().wipe();
        self.timing = Timing::NONE;
    }

    /// Whether nothing has been written (or it was [cleared](Self::clear)).
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.access_key_id.as_str().is_empty()
    }

    /// The largest session token this storage holds, in bytes.
    #[must_use]
    pub fn session_token_capacity(&self) -> usize {
        self.session_token.storage().capacity()
    }

    /// `AccessKeyId` (not a secret).
    #[must_use]
    pub fn access_key_id(&self) -> &str {
        self.access_key_id.as_str()
    }

    /// `SecretAccessKey`.
    #[must_use]
    pub fn secret_access_key(&self) -> Secret<&str> {
        Secret::new(self.secret_access_key.expose())
    }

    /// `SessionToken`.
    #[must_use]
    pub fn session_token(&self) -> Secret<&str> {
        Secret::new(self.session_token.expose())
    }

    /// `Expiration` as STS sent it (the server's clock).
    #[must_use]
    pub const fn expiration(&self) -> Timestamp {
        self.timing.expiration
    }

    /// The answer's `Date` header, when it had one.
    #[must_use]
    pub const fn server_date(&self) -> Option<Timestamp> {
        self.timing.server_date
    }

    /// When the answer arrived, on the caller's monotonic clock.
    #[must_use]
    pub const fn received_at(&self) -> Instant {
        self.timing.received_at
    }

    /// When the credentials expire, on the caller's monotonic clock.
    #[must_use]
    pub const fn valid_until(&self) -> Instant {
        self.timing.valid_until
    }

    /// Their lifetime as received (`valid_until - received_at`).
    #[must_use]
    pub const fn lifetime(&self) -> Duration {
        self.timing
            .valid_until
            .saturating_duration_since(self.timing.received_at)
    }

    /// Time left at `now` (zero once expired).
    #[must_use]
    pub const fn remaining(&self, now: Instant) -> Duration {
        self.timing.valid_until.saturating_duration_since(now)
    }

    /// Whether they have expired at `now`.
    #[must_use]
    pub fn is_expired(&self, now: Instant) -> bool {
        now >= self.timing.valid_until
    }

    /// The server's `Date` minus the caller's wall clock at receipt, in
    /// milliseconds (positive: the server is ahead). `None` when the answer
    /// had no `Date` or the caller has no wall clock.
    #[must_use]
    pub const fn clock_skew_millis(&self) -> Option<i64> {
        self.timing.clock_skew_ms
    }
}

impl<B: ?Sized + AsRef<[u8]> + AsMut<[u8]>> fmt::Debug for Credentials<B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id())
            .field("secret_access_key", &self.secret_access_key())
            .field("session_token", &self.session_token())
            .field("expiration", &self.timing.expiration)
            .field("server_date", &self.timing.server_date)
            .field("received_at", &self.timing.received_at)
            .field("valid_until", &self.timing.valid_until)
            .field("clock_skew_ms", &self.timing.clock_skew_ms)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    extern crate std;
    use std::format;

    use super::*;

    fn timing() -> Timing {
        Timing {
            valid_until: Instant::from_millis(5),
            ..Timing::NONE
        }
    }

    #[test]
    fn debug_redacts_and_sizes_are_checked() {
        let mut storage: Credentials<[u8; 16]> = Credentials::empty();
        let c: &mut Credentials = &mut storage;
        c.replace("ASIAX", "SECRETKEY", "TOKEN", timing()).unwrap();
        let d = format!("{c:?}");
        assert!(d.contains("ASIAX"));
        assert!(!d.contains("SECRETKEY") && !d.contains("TOKEN\""), "{d}");
        assert_eq!(c.session_token().expose(), "TOKEN");
        assert_eq!(c.secret_access_key().expose(), "SECRETKEY");
        let mut small: Credentials<[u8; 4]> = Credentials::empty();
        assert_eq!(
            small.replace("A", "B", "TOKEN", timing()),
            Err((CredentialField::SessionToken, 5))
        );
        assert!(small.is_empty(), "left as it was");
    }

    #[test]
    fn replacement_and_clear_wipe_the_old_text() {
        let mut s = InlineStr::<[u8; 8]>::new();
        s.set("abcdef").unwrap();
        s.set("xy").unwrap();
        assert_eq!(s.as_str(), "xy");
        assert_eq!(&s.bytes[2..], &[0; 6]);
        let mut c = Credentials::new();
        c.replace("ASIAX", "SECRETKEY", "TOKEN", timing()).unwrap();
        c.clear();
        assert!(c.is_empty());
        assert!(c.session_token.storage().bytes.iter().all(|&b| b == 0));
        assert!(c.secret_access_key.storage().bytes.iter().all(|&b| b == 0));
    }
}
