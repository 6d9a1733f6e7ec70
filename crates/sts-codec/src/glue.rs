//! `serde::Serialize` for [`Timestamp`](crate::time::Timestamp).

#[cfg(feature = "serde")]
impl serde::Serialize for crate::time::Timestamp {
    /// Serializes as an RFC 3339 string (`2021-08-16T20:52:53Z`), the form
    /// AWS tools expect (for example `credential_process`'s `Expiration`).
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.rfc3339() {
            Ok(text) => serializer.serialize_str(text.as_str()),
            Err(e) => Err(serde::ser::Error::custom(e)),
        }
    }
}
