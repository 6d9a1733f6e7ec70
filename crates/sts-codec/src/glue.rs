//! Optional trait impls for types of the `time` and `xml` modules.

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

#[cfg(feature = "defmt")]
impl defmt::Format for crate::time::Timestamp {
    fn format(&self, f: defmt::Formatter<'_>) {
        defmt::write!(f, "Timestamp({=i64}s + {=u32}ns)", self.seconds, self.nanos)
    }
}

#[cfg(feature = "defmt")]
impl defmt::Format for crate::time::TimeError {
    fn format(&self, f: defmt::Formatter<'_>) {
        defmt::write!(f, "{}", defmt::Debug2Format(self))
    }
}

#[cfg(feature = "defmt")]
impl defmt::Format for crate::xml::XmlError {
    fn format(&self, f: defmt::Formatter<'_>) {
        defmt::write!(
            f,
            "XmlError({} at byte {=usize})",
            defmt::Debug2Format(&self.kind),
            self.offset
        )
    }
}
