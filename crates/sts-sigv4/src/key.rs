//! The time, the credentials and the derived signing key.

use core::fmt;

use hmac::{Hmac, Mac};
use sha2::Sha256;
use sts_codec::{Secret, SecretText, Timestamp};
use zeroize::Zeroize;

use crate::{Error, MAX_SECRET_LEN, Out};

pub(crate) type HmacSha256 = Hmac<Sha256>;

/// The request time as SigV4 writes it, `YYYYMMDDTHHMMSSZ` in UTC (the
/// `x-amz-date` value); its first 8 bytes are the scope's date.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct AmzDate([u8; 16]);

impl AmzDate {
    /// The time `now`, to the second (fractions are dropped).
    ///
    /// # Errors
    ///
    /// [`Error::TimeOutOfRange`] outside the years 0000 to 9999.
    pub fn new(now: Timestamp) -> Result<Self, Error> {
        // Reuses the codec's calendar: `YYYY-MM-DDTHH:MM:SS[.f]Z`.
        let rfc = now.rfc3339().map_err(|_| Error::TimeOutOfRange)?;
        let s = rfc.as_str().as_bytes();
        let mut out = *b"00000000T000000Z";
        // (destination, source) offsets of the 14 digits.
        let digits = [
            (0, 0),
            (1, 1),
            (2, 2),
            (3, 3),
            (4, 5),
            (5, 6),
            (6, 8),
            (7, 9),
            (9, 11),
            (10, 12),
            (11, 14),
            (12, 15),
            (13, 17),
            (14, 18),
        ];
        for (to, from) in digits {
            out[to] = *s.get(from).ok_or(Error::TimeOutOfRange)?;
        }
        Ok(Self(out))
    }

    /// `YYYYMMDDTHHMMSSZ`, the `x-amz-date` header value.
    pub fn as_str(&self) -> &str {
        core::str::from_utf8(&self.0).unwrap_or_default()
    }

    /// `YYYYMMDD`, the date of the credential scope.
    pub fn date(&self) -> &str {
        self.as_str().get(..8).unwrap_or_default()
    }
}

impl fmt::Display for AmzDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for AmzDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("AmzDate").field(&self.as_str()).finish()
    }
}

/// The credentials a request is signed with. `Debug` redacts the secrets.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Credentials<'a> {
    /// The access key id (`AKIA…`, `ASIA…`), written into `Authorization`.
    pub access_key_id: &'a str,
    /// The secret access key; only [`SigningKey::new`] reads it.
    pub secret_access_key: Secret<&'a str>,
    /// The session token of temporary credentials, signed and sent as
    /// `x-amz-security-token`.
    pub session_token: Option<Secret<&'a str>>,
}

impl<'a> Credentials<'a> {
    /// Credentials from their three parts.
    pub fn new(
        access_key_id: &'a str,
        secret_access_key: Secret<&'a str>,
        session_token: Option<Secret<&'a str>>,
    ) -> Self {
        Self {
            access_key_id,
            secret_access_key,
            session_token,
        }
    }
}

/// 32 secret bytes: printed redacted, wiped on drop.
struct KeyBytes([u8; 32]);

impl Drop for KeyBytes {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

/// `HMAC-SHA256(key, data)` as a new secret key.
fn hmac(key: &[u8], data: &[u8]) -> KeyBytes {
    let mut mac = keyed(key);
    mac.update(data);
    KeyBytes(mac.finalize().into_bytes().into())
}

fn keyed(key: &[u8]) -> HmacSha256 {
    // HMAC takes keys of any length, so `new_from_slice` cannot fail; the
    // fallback (an empty key) is never taken.
    HmacSha256::new_from_slice(key).unwrap_or_else(|_| HmacSha256::new(&Default::default()))
}

/// The key derived from a secret access key for one day, region and
/// service (`kSigning`). Derive it once and reuse it for every request of
/// that day ([`SigningKey::is_for`]); it is wiped on drop and `Debug`
/// prints only its scope.
pub struct SigningKey<'a> {
    key: KeyBytes,
    date: [u8; 8],
    region: &'a str,
    service: &'a str,
}

impl<'a> SigningKey<'a> {
    /// Derives `kSigning` = HMAC chain of `"AWS4" + secret` over the date,
    /// `region`, `service` and `"aws4_request"`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidScope`] for a bad region or service,
    /// [`Error::SecretTooLong`] above [`MAX_SECRET_LEN`] bytes.
    pub fn new<T: ?Sized + SecretText>(
        secret_access_key: &Secret<T>,
        date: &AmzDate,
        region: &'a str,
        service: &'a str,
    ) -> Result<Self, Error> {
        let scope_ok = |s: &str| {
            !s.is_empty()
                && s.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        };
        if !scope_ok(region) || !scope_ok(service) {
            return Err(Error::InvalidScope);
        }
        let secret = secret_access_key.expose().as_bytes();
        if secret.len() > MAX_SECRET_LEN {
            return Err(Error::SecretTooLong);
        }
        // "AWS4" + secret, contiguous for HMAC; wiped below.
        let mut first = [0u8; 4 + MAX_SECRET_LEN];
        first[..4].copy_from_slice(b"AWS4");
        first[4..4 + secret.len()].copy_from_slice(secret);
        let k_date = hmac(&first[..4 + secret.len()], date.date().as_bytes());
        first.zeroize();
        let k_region = hmac(&k_date.0, region.as_bytes());
        let k_service = hmac(&k_region.0, service.as_bytes());
        let key = hmac(&k_service.0, b"aws4_request");
        let mut day = [0u8; 8];
        day.copy_from_slice(date.date().as_bytes());
        Ok(Self {
            key,
            date: day,
            region,
            service,
        })
    }

    /// Whether this key signs requests dated `date` (same day).
    pub fn is_for(&self, date: &AmzDate) -> bool {
        self.date == date.0[..8]
    }

    /// The region the key was derived for.
    pub fn region(&self) -> &'a str {
        self.region
    }

    /// The service the key was derived for.
    pub fn service(&self) -> &'a str {
        self.service
    }

    /// An HMAC keyed with `kSigning`.
    pub(crate) fn mac(&self) -> HmacSha256 {
        keyed(&self.key.0)
    }

    /// `YYYYMMDD/region/service/aws4_request`.
    pub(crate) fn write_scope(&self, out: &mut Out<'_>) -> Result<(), Error> {
        out.push(&self.date)?;
        out.push(b"/")?;
        out.push(self.region.as_bytes())?;
        out.push(b"/")?;
        out.push(self.service.as_bytes())?;
        out.push(b"/aws4_request")
    }
}

impl fmt::Debug for SigningKey<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKey")
            .field("date", &core::str::from_utf8(&self.date).unwrap_or_default())
            .field("region", &self.region)
            .field("service", &self.service)
            .field("key", &format_args!("<redacted>"))
            .finish()
    }
}
