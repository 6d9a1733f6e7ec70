//! Secret text that never prints.

use core::fmt;

/// Storage a [`Secret`] can hold: something that reads as text and can be
/// wiped when the secret is dropped.
///
/// Borrowed text (`&str`) cannot be wiped by us: it belongs to the caller, who
/// owns the buffer and should zeroize it (see the crate docs). Owned text
/// (`String`, with the `alloc` feature) is zeroized on drop.
pub trait SecretText: AsRef<str> {
    /// Overwrites the text if this storage owns it; a no-op for borrows.
    fn wipe(&mut self);
}

impl SecretText for &str {
    fn wipe(&mut self) {}
}

#[cfg(feature = "alloc")]
impl SecretText for alloc::string::String {
    fn wipe(&mut self) {
        zeroize::Zeroize::zeroize(self);
    }
}

/// Text that must not leak: a web identity token, a secret access key, a
/// session token.
///
/// `Debug` always prints the fixed string `Secret(<redacted>)`, whatever the
/// content, and there is no `Display`. Read the value with
/// [`Secret::expose`] at the single place that needs it. Owned secrets are
/// zeroized when dropped.
///
/// ```
/// use sts_codec::Secret;
/// let token = Secret::new("eyJhbGciOi...");
/// assert_eq!(format!("{token:?}"), "Secret(<redacted>)");
/// assert_eq!(token.expose(), "eyJhbGciOi...");
/// ```
///
/// It has no `PartialEq` (comparing secrets is for constant-time code, not
/// `==`) and is `Clone` only as a borrow (`Secret<&str>`): an owned secret
/// is never copied by accident.
pub struct Secret<T: ?Sized + SecretText>(T);

impl<T: SecretText> Secret<T> {
    /// Wraps a secret.
    pub const fn new(value: T) -> Self {
        Self(value)
    }
}

impl<T: ?Sized + SecretText> Secret<T> {
    /// The secret's text. Keep the result out of logs and messages.
    pub fn expose(&self) -> &str {
        self.0.as_ref()
    }

    /// The storage holding the secret (to ask it its capacity, say). Keep
    /// what it gives out of logs and messages.
    pub fn storage(&self) -> &T {
        &self.0
    }

    /// The storage holding the secret, to write a new secret into it in
    /// place (owned storage wipes the old one as it goes).
    pub fn storage_mut(&mut self) -> &mut T {
        &mut self.0
    }

    /// Length of the secret in bytes (safe to log).
    pub fn len(&self) -> usize {
        self.0.as_ref().len()
    }

    /// Whether the secret is empty.
    pub fn is_empty(&self) -> bool {
        self.0.as_ref().is_empty()
    }
}

impl<'a> Secret<&'a str> {
    /// The borrowed text with the buffer's lifetime.
    pub fn expose_borrowed(&self) -> &'a str {
        self.0
    }
}

impl Clone for Secret<&str> {
    fn clone(&self) -> Self {
        Secret(self.0)
    }
}

impl<T: ?Sized + SecretText> Drop for Secret<T> {
    fn drop(&mut self) {
        self.0.wipe();
    }
}

impl<T: ?Sized + SecretText> fmt::Debug for Secret<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

#[cfg(feature = "defmt")]
impl<T: ?Sized + SecretText> defmt::Format for Secret<T> {
    fn format(&self, f: defmt::Formatter<'_>) {
        defmt::write!(f, "Secret(<redacted>)")
    }
}

/// Serializes the secret's value: serialization is an explicit request for the
/// credential (for example the `credential_process` JSON), unlike `Debug`.
#[cfg(feature = "serde")]
impl<T: ?Sized + SecretText> serde::Serialize for Secret<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.expose())
    }
}
