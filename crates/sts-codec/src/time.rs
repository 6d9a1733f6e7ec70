//! Timestamps: RFC 3339 (the STS `Expiration` element) and the HTTP `Date`
//! header formats of RFC 9110 §5.6.7 (IMF-fixdate; the obsolete RFC 850 and
//! asctime forms are accepted on input).
//!
//! Everything here is allocation-free, uses integer arithmetic only, and never
//! panics, whatever the input. Dates are proleptic Gregorian; the conversion
//! between civil dates and day numbers is Howard Hinnant's
//! `days_from_civil` / `civil_from_days`.
//!
//! # Leap seconds
//!
//! Unix time has no representation for a leap second, so a seconds field of
//! `60` (allowed by the RFC 3339 grammar) is rejected with
//! [`TimeError::Second`] rather than silently folded into the next second.
//! AWS services do not emit leap seconds.
//!
//! # Range
//!
//! Parsing accepts the four-digit years `0000`..=`9999`. A numeric UTC offset
//! can move the resulting instant slightly outside that range; it is still
//! returned. Formatting ([`Timestamp::rfc3339`], [`Timestamp::imf_fixdate`])
//! covers exactly `0000-01-01T00:00:00Z` ..= `9999-12-31T23:59:59.999999999Z`
//! and returns [`TimeError::Year`] outside it.

use core::fmt;

const NANOS_PER_SEC: u32 = 1_000_000_000;
const SECS_PER_DAY: i64 = 86_400;
/// Day number (days since 1970-01-01) of 0000-01-01.
const MIN_DAY: i64 = -719_528;
/// Day number (days since 1970-01-01) of 9999-12-31.
const MAX_DAY: i64 = 2_932_896;

const SHORT_WEEKDAYS: [&[u8; 3]; 7] = [b"Sun", b"Mon", b"Tue", b"Wed", b"Thu", b"Fri", b"Sat"];
const LONG_WEEKDAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];
const MONTHS: [&[u8; 3]; 12] = [
    b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun", b"Jul", b"Aug", b"Sep", b"Oct", b"Nov", b"Dec",
];

/// A point in time as Unix seconds plus nanoseconds (always `< 1_000_000_000`).
///
/// The derived ordering is chronological for normalised values (`nanos` below
/// one second), which is what every constructor in this module produces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp {
    /// Whole seconds since 1970-01-01T00:00:00Z (negative before it), not
    /// counting leap seconds.
    pub seconds: i64,
    /// Nanoseconds after `seconds`, `0..1_000_000_000`.
    pub nanos: u32,
}

/// Why a timestamp could not be parsed or formatted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TimeError {
    /// The input does not have the shape of the format: wrong length, a
    /// non-digit where a digit belongs, a wrong separator (including a space
    /// instead of `T` in RFC 3339), a missing `GMT`, or trailing characters.
    Syntax,
    /// The instant is outside `0000-01-01T00:00:00Z` ..=
    /// `9999-12-31T23:59:59.999999999Z` and cannot be formatted.
    Year,
    /// The month is not `01`..=`12` or not a known (case-sensitive)
    /// three-letter month name.
    Month,
    /// The day is `00` or past the end of its month.
    Day,
    /// The hour is above `23`.
    Hour,
    /// The minute is above `59`.
    Minute,
    /// The second is above `59`; leap seconds (`60`) are rejected too.
    Second,
    /// A `.` not followed by 1 to 9 digits.
    Fraction,
    /// The RFC 3339 UTC offset is missing, malformed, or out of range
    /// (hours above `23`, minutes above `59`).
    Offset,
    /// The day name is unknown or does not match the date.
    Weekday,
}

impl fmt::Display for TimeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Syntax => "malformed timestamp",
            Self::Year => "timestamp outside the years 0000 to 9999",
            Self::Month => "invalid month",
            Self::Day => "day out of range for the month",
            Self::Hour => "hour not in 00-23",
            Self::Minute => "minute not in 00-59",
            Self::Second => "second not in 00-59 (leap seconds are not supported)",
            Self::Fraction => "fractional seconds must have 1 to 9 digits",
            Self::Offset => "missing or invalid UTC offset",
            Self::Weekday => "day name unknown or does not match the date",
        })
    }
}

impl core::error::Error for TimeError {}

impl Timestamp {
    /// Builds a timestamp from Unix seconds and nanoseconds, carrying whole
    /// seconds out of `nanos` (so `nanos` may be `>= 1_000_000_000`).
    ///
    /// Returns `None` only if the carry overflows `i64` seconds.
    #[must_use]
    pub const fn from_unix(seconds: i64, nanos: u32) -> Option<Self> {
        match seconds.checked_add((nanos / NANOS_PER_SEC) as i64) {
            Some(seconds) => Some(Self {
                seconds,
                nanos: nanos % NANOS_PER_SEC,
            }),
            None => None,
        }
    }

    /// `self` moved by `secs` seconds (either direction); `None` on `i64`
    /// overflow.
    #[must_use]
    pub const fn checked_add_secs(self, secs: i64) -> Option<Self> {
        match self.seconds.checked_add(secs) {
            Some(seconds) => Some(Self {
                seconds,
                nanos: self.nanos,
            }),
            None => None,
        }
    }

    /// Whole seconds from `earlier` to `self` (negative if `self` is before
    /// `earlier`), rounded towards negative infinity and saturating at the
    /// `i64` bounds.
    ///
    /// Rounding down means a positive result `n` guarantees at least `n` full
    /// seconds remain, e.g. `expiration.saturating_sub(now)` never overstates
    /// a credential's remaining lifetime.
    #[must_use]
    pub fn saturating_sub(self, earlier: Self) -> i64 {
        let total = |t: Self| i128::from(t.seconds) * 1_000_000_000 + i128::from(t.nanos);
        let secs = (total(self) - total(earlier)).div_euclid(1_000_000_000);
        i64::try_from(secs).unwrap_or(if secs < 0 { i64::MIN } else { i64::MAX })
    }

    /// Formats as RFC 3339 in UTC: `YYYY-MM-DDTHH:MM:SSZ`.
    ///
    /// The fraction is omitted when `nanos` is 0 and is otherwise the shortest
    /// of `.mmm`, `.uuuuuu` or `.nnnnnnnnn` that is exact, so
    /// `2011-07-11T19:55:29.611Z` and `2026-11-26T07:29:02.916802Z` format as
    /// they were received. A `nanos` of one second or more is first carried
    /// into `seconds`, as by [`Timestamp::from_unix`].
    ///
    /// # Errors
    ///
    /// [`TimeError::Year`] outside `0000-01-01T00:00:00Z` ..=
    /// `9999-12-31T23:59:59.999999999Z`.
    pub fn rfc3339(self) -> Result<Rfc3339, TimeError> {
        let c = Civil::from_timestamp(self)?;
        let mut w = Writer { buf: [0; 30], len: 0 };
        w.digits(c.year, 4);
        w.byte(b'-');
        w.digits(c.month, 2);
        w.byte(b'-');
        w.digits(c.day, 2);
        w.byte(b'T');
        w.digits(c.hour, 2);
        w.byte(b':');
        w.digits(c.minute, 2);
        w.byte(b':');
        w.digits(c.second, 2);
        if c.nanos != 0 {
            w.byte(b'.');
            if c.nanos % 1_000_000 == 0 {
                w.digits(c.nanos / 1_000_000, 3);
            } else if c.nanos % 1_000 == 0 {
                w.digits(c.nanos / 1_000, 6);
            } else {
                w.digits(c.nanos, 9);
            }
        }
        w.byte(b'Z');
        Ok(Rfc3339 { buf: w.buf, len: w.len })
    }

    /// Formats as an RFC 9110 IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`),
    /// truncating the nanoseconds (after carrying any whole seconds out of
    /// them, as by [`Timestamp::from_unix`]).
    ///
    /// # Errors
    ///
    /// [`TimeError::Year`] outside `0000-01-01T00:00:00Z` ..=
    /// `9999-12-31T23:59:59.999999999Z`.
    pub fn imf_fixdate(self) -> Result<ImfFixdate, TimeError> {
        let c = Civil::from_timestamp(self)?;
        let mut w = Writer { buf: [0; 29], len: 0 };
        w.bytes(SHORT_WEEKDAYS.get(c.weekday).copied().unwrap_or(b"???"));
        w.bytes(b", ");
        w.digits(c.day, 2);
        w.byte(b' ');
        let month = MONTHS.get(c.month.wrapping_sub(1) as usize).copied();
        w.bytes(month.unwrap_or(b"???"));
        w.byte(b' ');
        w.digits(c.year, 4);
        w.byte(b' ');
        w.digits(c.hour, 2);
        w.byte(b':');
        w.digits(c.minute, 2);
        w.byte(b':');
        w.digits(c.second, 2);
        w.bytes(b" GMT");
        Ok(ImfFixdate { buf: w.buf })
    }
}

/// An RFC 3339 rendering of a [`Timestamp`], from [`Timestamp::rfc3339`].
///
/// Use [`Rfc3339::as_str`] or its `Display` impl (which honours width and
/// alignment flags).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Rfc3339 {
    buf: [u8; 30],
    len: usize,
}

impl Rfc3339 {
    /// The text, e.g. `2021-08-16T20:52:53Z` (20 to 30 ASCII bytes).
    #[must_use]
    pub fn as_str(&self) -> &str {
        ascii_str(self.buf.get(..self.len).unwrap_or(&[]))
    }
}

impl fmt::Display for Rfc3339 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

impl fmt::Debug for Rfc3339 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Rfc3339").field(&self.as_str()).finish()
    }
}

/// An IMF-fixdate rendering of a [`Timestamp`], from
/// [`Timestamp::imf_fixdate`].
///
/// Use [`ImfFixdate::as_str`] or its `Display` impl (which honours width and
/// alignment flags).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct ImfFixdate {
    buf: [u8; 29],
}

impl ImfFixdate {
    /// The text, e.g. `Sun, 06 Nov 1994 08:49:37 GMT` (always 29 ASCII bytes).
    #[must_use]
    pub fn as_str(&self) -> &str {
        ascii_str(&self.buf)
    }
}

impl fmt::Display for ImfFixdate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

impl fmt::Debug for ImfFixdate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("ImfFixdate").field(&self.as_str()).finish()
    }
}

/// The formatters only write ASCII, so the fallback is never taken.
fn ascii_str(bytes: &[u8]) -> &str {
    core::str::from_utf8(bytes).unwrap_or("")
}

/// Parses an RFC 3339 `date-time`: `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±hh:mm)`.
///
/// - `T`/`t` and `Z`/`z` are accepted; a space separator is not.
/// - The fraction has 1 to 9 digits.
/// - Offsets are `+hh:mm` or `-hh:mm` with `hh <= 23`, `mm <= 59`; `-00:00`
///   ("offset unknown") is treated as UTC.
/// - Years are `0000`..=`9999`; days are checked against the month with
///   Gregorian leap years.
/// - A leap second (`60`) is rejected with [`TimeError::Second`].
/// - Surrounding whitespace is not trimmed; the caller does that.
///
/// # Errors
///
/// The [`TimeError`] variant names the first offending field; structural
/// problems are [`TimeError::Syntax`].
pub fn parse_rfc3339(s: &str) -> Result<Timestamp, TimeError> {
    match rfc3339_fast(s.as_bytes()) {
        Some(t) => Ok(t),
        None => rfc3339_general(s),
    }
}

/// The usual `Expiration`: `YYYY-MM-DDTHH:MM:SS[.fraction]Z` (a fraction
/// of 1 to 9 digits) in years 1 to 9999 and on days 1 to 28 of a month.
/// `None` for anything else, valid or not, which is left to
/// the general parser; for what it accepts, the same value as that.
/// [`parse_rfc3339`] tries it first.
#[inline]
pub(crate) fn rfc3339_fast(b: &[u8]) -> Option<Timestamp> {
    let (head, rest) = b.split_first_chunk::<19>()?;
    // The 19 bytes as three overlapping little-endian words, XORed with
    // the shape: digits become 0..=9 and the separators 0.
    let word = |at: usize, shape: &[u8; 8]| {
        let w = u64::from_le_bytes(*head.get(at..at + 8)?.first_chunk::<8>()?);
        Some(w ^ u64::from_le_bytes(*shape))
    };
    let (x0, x1, x2) = (word(0, b"0000-00-")?, word(8, b"00T00:00")?, word(11, b"00:00:00")?);
    // A lane passes if it is at most 9 (a digit) or 0 (a separator): adding
    // 0x76 (0x7F) to it leaves its top bit clear. No carries cross lanes
    // but out of those that fail anyway (top bit already set).
    const D: u64 = 0x76;
    const S: u64 = 0x7F;
    let add = |lanes: [u64; 8]| lanes.iter().rev().fold(0u64, |w, &l| (w << 8) | l);
    let bad = ((x0.wrapping_add(add([D, D, D, D, S, D, D, S])) | x0)
        | (x1.wrapping_add(add([D, D, S, D, D, S, D, D])) | x1)
        | (x2.wrapping_add(add([D, D, S, D, D, S, D, D])) | x2))
        & 0x8080_8080_8080_8080;
    if bad != 0 {
        return None;
    }
    let [y1, y2, y3, y4, _, m1, m2, _] = x0.to_le_bytes();
    let [d1, d2, _, h1, h2, _, i1, i2] = x1.to_le_bytes();
    let [_, _, _, _, _, _, s1, s2] = x2.to_le_bytes();
    let two = |a: u8, b: u8| u32::from(a) * 10 + u32::from(b);
    let year = two(y1, y2) * 100 + two(y3, y4);
    let (month, day) = (two(m1, m2), two(d1, d2));
    let (hour, minute, second) = (two(h1, h2), two(i1, i2), two(s1, s2));
    let nanos = match rest {
        [b'Z'] => 0,
        [b'.', fraction @ .., b'Z'] if (1..=9).contains(&fraction.len()) => {
            let mut n = 0u32;
            for &c in fraction {
                let d = c.wrapping_sub(b'0');
                if d >= 10 {
                    return None;
                }
                n = n * 10 + u32::from(d);
            }
            for _ in fraction.len()..9 {
                n *= 10;
            }
            n
        }
        _ => return None,
    };
    if year == 0 || !(1..=12).contains(&month) || !(1..=28).contains(&day) || hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    // Days since 1970-01-01 (the year is at least 1).
    let days = i64::from(days_from_march_0(year, month, day)) - 719_468;
    Some(Timestamp {
        seconds: days * SECS_PER_DAY + i64::from(hour * 3600 + minute * 60 + second),
        nanos,
    })
}

/// [`parse_rfc3339`] field by field, with precise errors.
fn rfc3339_general(s: &str) -> Result<Timestamp, TimeError> {
    let &[
        y1,
        y2,
        y3,
        y4,
        b'-',
        mo1,
        mo2,
        b'-',
        d1,
        d2,
        b'T' | b't',
        h1,
        h2,
        b':',
        mi1,
        mi2,
        b':',
        s1,
        s2,
        ref rest @ ..,
    ] = s.as_bytes()
    else {
        return Err(TimeError::Syntax);
    };
    let year = num4(y1, y2, y3, y4)?;
    let month = num2(mo1, mo2)?;
    let day = num2(d1, d2)?;
    let hour = num2(h1, h2)?;
    let minute = num2(mi1, mi2)?;
    let second = num2(s1, s2)?;

    let (nanos, rest) = match rest {
        [b'.', fraction @ ..] => parse_fraction(fraction)?,
        _ => (0, rest),
    };
    let offset = match *rest {
        [b'Z' | b'z'] => None,
        [b'Z' | b'z', ..] => return Err(TimeError::Syntax),
        [sign @ (b'+' | b'-'), oh1, oh2, b':', om1, om2, ref tail @ ..] => {
            if !tail.is_empty() {
                return Err(TimeError::Syntax);
            }
            let oh = num2(oh1, oh2).map_err(|_| TimeError::Offset)?;
            let om = num2(om1, om2).map_err(|_| TimeError::Offset)?;
            Some((sign, oh, om))
        }
        _ => return Err(TimeError::Offset),
    };

    let days = days_from_ymd(year, month, day)?;
    let time = secs_from_hms(hour, minute, second)?;
    let offset_secs = match offset {
        None => 0,
        Some((sign, oh, om)) => {
            if oh > 23 || om > 59 {
                return Err(TimeError::Offset);
            }
            let secs = i64::from(oh * 3600 + om * 60);
            if sign == b'-' { -secs } else { secs }
        }
    };
    Ok(Timestamp {
        seconds: days * SECS_PER_DAY + time - offset_secs,
        nanos,
    })
}

/// Parses an HTTP date (RFC 9110 §5.6.7): the preferred IMF-fixdate
/// `Sun, 06 Nov 1994 08:49:37 GMT` and, as recipients must, the obsolete
/// RFC 850 `Sunday, 06-Nov-94 08:49:37 GMT` and asctime
/// `Sun Nov  6 08:49:37 1994` forms.
///
/// - Day and month names are case-sensitive, as the grammar specifies, and
///   the day name must match the date ([`TimeError::Weekday`] otherwise).
/// - RFC 850's two-digit year is read as `20YY` when `YY < 70` and `19YY`
///   otherwise. RFC 9110 asks for "more than 50 years in the future means
///   the past century", which needs a clock; this fixed pivot agrees with it
///   for dates received from 2020 to 2069 and with the `httpdate` crate.
/// - The asctime day is two digits or a space and one digit.
/// - A leap second (`60`) is rejected with [`TimeError::Second`].
/// - Surrounding whitespace is not trimmed; the caller does that.
///
/// # Errors
///
/// The [`TimeError`] variant names the first offending field; structural
/// problems (including a missing `GMT`) are [`TimeError::Syntax`].
pub fn parse_imf_fixdate(s: &str) -> Result<Timestamp, TimeError> {
    match *s.as_bytes() {
        [_, _, _, b',', ..] => parse_fixdate(s.as_bytes()),
        [_, _, _, b' ', ..] => parse_asctime(s.as_bytes()),
        _ => parse_rfc850(s),
    }
}

fn parse_fixdate(b: &[u8]) -> Result<Timestamp, TimeError> {
    if let Some(t) = fixdate_fast(b) {
        return Ok(t);
    }
    parse_fixdate_general(b)
}

/// A valid IMF-fixdate (`Mon, 16 Aug 2021 19:52:53 GMT`) in years 1 to
/// 9999, parsed without branching per field. `None` for anything else,
/// valid or not (year `0000`, any error), which is left to
/// [`parse_fixdate_general`] and its precise errors; for what it accepts,
/// the same value as that.
fn fixdate_fast(b: &[u8]) -> Option<Timestamp> {
    let b: &[u8; 29] = b.try_into().ok()?;
    // Four little-endian words (the last two overlap) XORed with the
    // shape: digits become 0..=9, the fixed bytes 0, names stay as they
    // are (and are checked below).
    let word = |at: usize, shape: &[u8; 8]| {
        let w = u64::from_le_bytes(*b.get(at..at + 8)?.first_chunk::<8>()?);
        Some(w ^ u64::from_le_bytes(*shape))
    };
    let x0 = word(0, b"\0\0\0, 00 ")?;
    let x1 = word(8, b"\0\0\0 0000")?;
    let x2 = word(16, b" 00:00:0")?;
    let x3 = word(21, b"0:00 GMT")?;
    // A lane passes if it is at most 9 (a digit, D) or 0 (a fixed byte,
    // S): adding 0x76 (0x7F) to it leaves its top bit clear. Name lanes
    // (N) add nothing and are masked out. No carries cross lanes but out
    // of those that fail anyway (top bit already set).
    const D: u64 = 0x76;
    const S: u64 = 0x7F;
    const N: u64 = 0;
    let add = |lanes: [u64; 8]| lanes.iter().rev().fold(0u64, |w, &l| (w << 8) | l);
    let names = 0x8080_8080_8080_8080_u64 & !0x0080_8080; // top bits but of lanes 0..=2
    let bad = (((x0.wrapping_add(add([N, N, N, S, S, D, D, S])) | x0)
        | (x1.wrapping_add(add([N, N, N, S, D, D, D, D])) | x1))
        & names)
        | (((x2.wrapping_add(add([S, D, D, S, D, D, S, D])) | x2)
            | (x3.wrapping_add(add([D, S, D, D, S, S, S, S])) | x3))
            & 0x8080_8080_8080_8080);
    if bad != 0 {
        return None;
    }
    let [w1, w2, w3, _, _, d1, d2, _] = x0.to_le_bytes();
    let [m1, m2, m3, _, y1, y2, y3, y4] = x1.to_le_bytes();
    let [_, h1, h2, _, i1, i2, _, s1] = x2.to_le_bytes();
    let [_, _, _, s2, _, _, _, _] = x3.to_le_bytes();
    let two = |a: u8, b: u8| u32::from(a) * 10 + u32::from(b);
    let year = two(y1, y2) * 100 + two(y3, y4);
    let day = two(d1, d2);
    let (hour, minute, second) = (two(h1, h2), two(i1, i2), two(s1, s2));
    let month = match &[m1, m2, m3] {
        b"Jan" => 1,
        b"Feb" => 2,
        b"Mar" => 3,
        b"Apr" => 4,
        b"May" => 5,
        b"Jun" => 6,
        b"Jul" => 7,
        b"Aug" => 8,
        b"Sep" => 9,
        b"Oct" => 10,
        b"Nov" => 11,
        b"Dec" => 12,
        _ => return None,
    };
    let weekday = match &[w1, w2, w3] {
        b"Sun" => 0,
        b"Mon" => 1,
        b"Tue" => 2,
        b"Wed" => 3,
        b"Thu" => 4,
        b"Fri" => 5,
        b"Sat" => 6,
        _ => return None,
    };
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let month_days = match month {
        2 => 28 + u32::from(leap),
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    if year == 0 || day == 0 || day > month_days || hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    let from_march_0 = days_from_march_0(year, month, day);
    // 0000-03-01 was a Wednesday (3), and 719_468 days before 1970-01-01.
    if (from_march_0 + 3) % 7 != weekday {
        return None;
    }
    let days = i64::from(from_march_0) - 719_468;
    Some(Timestamp {
        seconds: days * SECS_PER_DAY + i64::from(hour * 3600 + minute * 60 + second),
        nanos: 0,
    })
}

/// [`parse_fixdate`] field by field, with precise errors.
fn parse_fixdate_general(b: &[u8]) -> Result<Timestamp, TimeError> {
    let &[
        w1,
        w2,
        w3,
        b',',
        b' ',
        d1,
        d2,
        b' ',
        m1,
        m2,
        m3,
        b' ',
        y1,
        y2,
        y3,
        y4,
        b' ',
        h1,
        h2,
        b':',
        mi1,
        mi2,
        b':',
        s1,
        s2,
        b' ',
        b'G',
        b'M',
        b'T',
    ] = b
    else {
        return Err(TimeError::Syntax);
    };
    let weekday = short_weekday([w1, w2, w3])?;
    let month = short_month([m1, m2, m3])?;
    let day = num2(d1, d2)?;
    let year = num4(y1, y2, y3, y4)?;
    let hms = (num2(h1, h2)?, num2(mi1, mi2)?, num2(s1, s2)?);
    http_date(weekday, year, month, day, hms)
}

fn parse_asctime(b: &[u8]) -> Result<Timestamp, TimeError> {
    let &[
        w1,
        w2,
        w3,
        b' ',
        m1,
        m2,
        m3,
        b' ',
        d1,
        d2,
        b' ',
        h1,
        h2,
        b':',
        mi1,
        mi2,
        b':',
        s1,
        s2,
        b' ',
        y1,
        y2,
        y3,
        y4,
    ] = b
    else {
        return Err(TimeError::Syntax);
    };
    let weekday = short_weekday([w1, w2, w3])?;
    let month = short_month([m1, m2, m3])?;
    let day = if d1 == b' ' {
        digit(d2).ok_or(TimeError::Syntax)?
    } else {
        num2(d1, d2)?
    };
    let year = num4(y1, y2, y3, y4)?;
    let hms = (num2(h1, h2)?, num2(mi1, mi2)?, num2(s1, s2)?);
    http_date(weekday, year, month, day, hms)
}

fn parse_rfc850(s: &str) -> Result<Timestamp, TimeError> {
    let (name, rest) = s.split_once(", ").ok_or(TimeError::Syntax)?;
    if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphabetic()) {
        return Err(TimeError::Syntax);
    }
    let weekday = LONG_WEEKDAYS
        .iter()
        .position(|long| *long == name)
        .ok_or(TimeError::Weekday)?;
    let &[
        d1,
        d2,
        b'-',
        m1,
        m2,
        m3,
        b'-',
        y1,
        y2,
        b' ',
        h1,
        h2,
        b':',
        mi1,
        mi2,
        b':',
        s1,
        s2,
        b' ',
        b'G',
        b'M',
        b'T',
    ] = rest.as_bytes()
    else {
        return Err(TimeError::Syntax);
    };
    let month = short_month([m1, m2, m3])?;
    let day = num2(d1, d2)?;
    let yy = num2(y1, y2)?;
    let year = if yy < 70 { 2000 + yy } else { 1900 + yy };
    let hms = (num2(h1, h2)?, num2(mi1, mi2)?, num2(s1, s2)?);
    http_date(weekday, year, month, day, hms)
}

/// Validates the fields of an HTTP date (weekday `0` = Sunday) and converts.
fn http_date(
    weekday: usize,
    year: u32,
    month: u32,
    day: u32,
    (hour, minute, second): (u32, u32, u32),
) -> Result<Timestamp, TimeError> {
    let days = days_from_ymd(year, month, day)?;
    let time = secs_from_hms(hour, minute, second)?;
    if weekday_of(days) != weekday {
        return Err(TimeError::Weekday);
    }
    Ok(Timestamp {
        seconds: days * SECS_PER_DAY + time,
        nanos: 0,
    })
}

/// Parses the digits after a `.`; returns the nanoseconds and what follows.
fn parse_fraction(mut rest: &[u8]) -> Result<(u32, &[u8]), TimeError> {
    let mut nanos = 0;
    let mut count = 0;
    while let [b @ b'0'..=b'9', ref tail @ ..] = *rest {
        if count == 9 {
            return Err(TimeError::Fraction);
        }
        nanos = nanos * 10 + u32::from(b - b'0');
        count += 1;
        rest = tail;
    }
    if count == 0 {
        return Err(TimeError::Fraction);
    }
    for _ in count..9 {
        nanos *= 10;
    }
    Ok((nanos, rest))
}

const fn digit(b: u8) -> Option<u32> {
    if b.is_ascii_digit() {
        Some((b - b'0') as u32)
    } else {
        None
    }
}

fn num2(a: u8, b: u8) -> Result<u32, TimeError> {
    match (digit(a), digit(b)) {
        (Some(a), Some(b)) => Ok(a * 10 + b),
        _ => Err(TimeError::Syntax),
    }
}

fn num4(a: u8, b: u8, c: u8, d: u8) -> Result<u32, TimeError> {
    Ok(num2(a, b)? * 100 + num2(c, d)?)
}

fn short_weekday(name: [u8; 3]) -> Result<usize, TimeError> {
    SHORT_WEEKDAYS
        .iter()
        .position(|w| **w == name)
        .ok_or(TimeError::Weekday)
}

/// Month number `1..=12` for a case-sensitive three-letter name.
fn short_month(name: [u8; 3]) -> Result<u32, TimeError> {
    let mut month = 0;
    for m in MONTHS {
        month += 1;
        if *m == name {
            return Ok(month);
        }
    }
    Err(TimeError::Month)
}

const fn is_leap_year(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

const fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if is_leap_year(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Validates a date and returns its day number (days since 1970-01-01).
fn days_from_ymd(year: u32, month: u32, day: u32) -> Result<i64, TimeError> {
    let year = i64::from(year);
    if !(1..=12).contains(&month) {
        return Err(TimeError::Month);
    }
    if day == 0 || day > days_in_month(year, month) {
        return Err(TimeError::Day);
    }
    Ok(days_from_civil(year, month, day))
}

/// Validates a time of day (no leap second) and returns its seconds.
fn secs_from_hms(hour: u32, minute: u32, second: u32) -> Result<i64, TimeError> {
    if hour > 23 {
        return Err(TimeError::Hour);
    }
    if minute > 59 {
        return Err(TimeError::Minute);
    }
    if second > 59 {
        return Err(TimeError::Second);
    }
    Ok(i64::from(hour * 3600 + minute * 60 + second))
}

/// `days_from_civil` in unsigned arithmetic, for the fast paths: days from
/// 0000-03-01 to a valid date of a year from 1 on (1970-01-01 is day
/// 719 468; 0000-03-01 was a Wednesday).
#[inline(always)]
pub(crate) const fn days_from_march_0(year: u32, month: u32, day: u32) -> u32 {
    let y = year - (month <= 2) as u32;
    let (era, yoe) = (y / 400, y % 400);
    let mp = if month > 2 { month - 3 } else { month + 9 };
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe
}

/// Howard Hinnant's `days_from_civil`: days since 1970-01-01 of a valid
/// proleptic Gregorian date.
const fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let (month, day) = (month as i64, day as i64);
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400); // [0, 399]
    let mp = if month > 2 { month - 3 } else { month + 9 }; // March = 0
    let doy = (153 * mp + 2) / 5 + day - 1; // [0, 365]
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy; // [0, 146096]
    era * 146_097 + doe - 719_468
}

/// Day of the week of a day number, `0` = Sunday (1970-01-01 was a Thursday).
const fn weekday_of(days: i64) -> usize {
    (days + 4).rem_euclid(7) as usize
}

/// A broken-down UTC time within the formattable range.
struct Civil {
    year: u32,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
    second: u32,
    nanos: u32,
    /// `0` = Sunday.
    weekday: usize,
}

impl Civil {
    fn from_timestamp(t: Timestamp) -> Result<Self, TimeError> {
        let t = Timestamp::from_unix(t.seconds, t.nanos).ok_or(TimeError::Year)?;
        let days = t.seconds.div_euclid(SECS_PER_DAY);
        if !(MIN_DAY..=MAX_DAY).contains(&days) {
            return Err(TimeError::Year);
        }
        let secs = t.seconds.rem_euclid(SECS_PER_DAY);
        // Howard Hinnant's `civil_from_days`.
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097); // [0, 146096]
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // [0, 399]
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // [0, 365]
        let mp = (5 * doy + 2) / 153; // [0, 11], March = 0
        let day = doy - (153 * mp + 2) / 5 + 1; // [1, 31]
        let month = if mp < 10 { mp + 3 } else { mp - 9 }; // [1, 12]
        let year = yoe + era * 400 + i64::from(month <= 2);
        let field = |v: i64| u32::try_from(v).map_err(|_| TimeError::Year);
        Ok(Self {
            year: field(year)?,
            month: field(month)?,
            day: field(day)?,
            hour: field(secs / 3600)?,
            minute: field(secs / 60 % 60)?,
            second: field(secs % 60)?,
            nanos: t.nanos,
            weekday: weekday_of(days),
        })
    }
}

/// Appends ASCII to a fixed buffer; bytes past the end are dropped (the
/// callers size their buffers for the longest output, so none ever are).
struct Writer<const N: usize> {
    buf: [u8; N],
    len: usize,
}

impl<const N: usize> Writer<N> {
    fn byte(&mut self, b: u8) {
        if let Some(slot) = self.buf.get_mut(self.len) {
            *slot = b;
            self.len += 1;
        }
    }

    fn bytes(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.byte(b);
        }
    }

    /// Writes the low `width` decimal digits of `value`, zero-padded.
    fn digits(&mut self, value: u32, width: u32) {
        let mut div = 10u32.pow(width.saturating_sub(1));
        while div > 0 {
            self.byte(b'0' + (value / div % 10) as u8);
            div /= 10;
        }
    }
}

#[cfg(test)]
mod tests {
    extern crate alloc;

    use super::*;
    use alloc::string::ToString;

    const fn ts(seconds: i64, nanos: u32) -> Timestamp {
        Timestamp { seconds, nanos }
    }

    fn rfc(s: &str) -> Result<Timestamp, TimeError> {
        parse_rfc3339(s)
    }

    /// The fast IMF-fixdate parser agrees with the general one wherever it
    /// answers, and answers for every valid date but in year 0000: every
    /// day of years at the edges of the leap rules, with every day name.
    /// The fast RFC 3339 parser agrees with the general one wherever it
    /// answers, and answers for the usual forms.
    #[test]
    fn rfc3339_fast_agrees_with_the_general_parser() {
        use alloc::format;
        let years = [
            1, 2, 3, 4, 99, 100, 101, 399, 400, 401, 1600, 1900, 1969, 1970, 1971, 2000, 2021, 2024, 2100, 9999,
        ];
        let tails = [
            "Z",
            ".5Z",
            ".000000001Z",
            ".123456789Z",
            ".1234567890Z",
            "z",
            "+00:00",
            ".Z",
            "Z ",
        ];
        for y in years {
            for m in 0..=13 {
                for d in [0, 1, 2, 15, 27, 28, 29, 30, 31, 32] {
                    for (h, mi, s) in [
                        (0, 0, 0),
                        (23, 59, 59),
                        (12, 34, 56),
                        (24, 0, 0),
                        (0, 60, 0),
                        (0, 0, 60),
                    ] {
                        for tail in tails {
                            let text = format!("{y:04}-{m:02}-{d:02}T{h:02}:{mi:02}:{s:02}{tail}");
                            let general = rfc3339_general(&text).ok();
                            match rfc3339_fast(text.as_bytes()) {
                                Some(t) => assert_eq!(Some(t), general, "{text}"),
                                None => assert!(
                                    general.is_none()
                                        || d > 28
                                        || !matches!(tail, "Z" | ".5Z" | ".000000001Z" | ".123456789Z"),
                                    "{text} not parsed"
                                ),
                            }
                        }
                    }
                }
            }
        }
        // Every byte value at every position of a valid timestamp.
        let valid = *b"2024-02-28T23:59:58.25Z";
        for at in 0..valid.len() {
            for b in 0..=255u8 {
                let mut text = valid;
                text[at] = b;
                let general = core::str::from_utf8(&text).ok().and_then(|s| rfc3339_general(s).ok());
                if let Some(t) = rfc3339_fast(&text) {
                    assert_eq!(Some(t), general, "{text:?}");
                }
                if b.is_ascii_digit() && general.is_some() && at < 19 && !matches!(at, 8 | 9) {
                    assert!(rfc3339_fast(&text).is_some(), "{text:?} not parsed");
                }
            }
        }
        for bad in [
            "",
            "2021-08-16T20:52:53",
            "2021-08-16 20:52:53Z",
            "2021-8-16T20:52:53Z",
            "a021-08-16T20:52:53Z",
        ] {
            assert_eq!(rfc3339_fast(bad.as_bytes()), None, "{bad}");
        }
    }

    #[test]
    fn fixdate_fast_agrees_with_general() {
        use alloc::format;
        let years = [
            0, 1, 2, 3, 4, 99, 100, 101, 399, 400, 401, 1600, 1899, 1900, 1969, 1970, 1971, 2000, 2021, 2024, 2100,
            9999,
        ];
        for y in years {
            for m in MONTHS {
                let m = core::str::from_utf8(m).unwrap_or_default();
                for d in 0..=32 {
                    for w in SHORT_WEEKDAYS {
                        let w = core::str::from_utf8(w).unwrap_or_default();
                        for (h, n, s) in [(0, 0, 0), (23, 59, 59), (24, 0, 0), (0, 60, 0), (0, 0, 60)] {
                            let text = format!("{w}, {d:02} {m} {y:04} {h:02}:{n:02}:{s:02} GMT");
                            let general = parse_fixdate_general(text.as_bytes());
                            match fixdate_fast(text.as_bytes()) {
                                Some(t) => assert_eq!(Ok(t), general, "{text}"),
                                None => assert!(general.is_err() || y == 0, "{text} not parsed"),
                            }
                        }
                    }
                }
            }
        }
        // Every byte value at every position of a valid date.
        let valid = *b"Mon, 16 Aug 2021 19:52:53 GMT";
        for at in 0..valid.len() {
            for b in 0..=255u8 {
                let mut text = valid;
                text[at] = b;
                let general = parse_fixdate_general(&text);
                match fixdate_fast(&text) {
                    Some(t) => assert_eq!(Ok(t), general, "{text:?}"),
                    None => assert!(general.is_err(), "{text:?} not parsed"),
                }
            }
        }
        for bad in ["", "Mon, 16 Aug 2021 19:52:53 GM", "Mon, 16 Aug 2021 19:52:53 GMTx"] {
            assert_eq!(fixdate_fast(bad.as_bytes()), None, "{bad}");
        }
    }

    /// Expected values computed independently with Python's `datetime`.
    #[test]
    fn rfc3339_values_seen_from_sts_and_emulators() {
        let cases: &[(&str, &str, Timestamp)] = &[
            ("sts_whole_seconds", "2021-08-16T20:52:53Z", ts(1_629_147_173, 0)),
            (
                "sts_milliseconds",
                "2011-07-11T19:55:29.611Z",
                ts(1_310_414_129, 611_000_000),
            ),
            (
                "milliseconds_999",
                "2000-01-01T04:59:59.999Z",
                ts(946_702_799, 999_000_000),
            ),
            (
                "moto_microseconds",
                "2026-11-26T07:29:02.916802Z",
                ts(1_795_678_142, 916_802_000),
            ),
            (
                "negative_offset",
                "2019-12-16T23:48:12.123-01:00",
                ts(1_576_543_692, 123_000_000),
            ),
            (
                "positive_offset",
                "2019-12-16T23:48:12.123+01:00",
                ts(1_576_536_492, 123_000_000),
            ),
            (
                "zero_offset",
                "2019-12-16T23:48:12.123+00:00",
                ts(1_576_540_092, 123_000_000),
            ),
            (
                "unknown_offset_is_utc",
                "2019-12-16T23:48:12.123-00:00",
                ts(1_576_540_092, 123_000_000),
            ),
            ("lowercase_t_and_z", "2021-08-16t20:52:53z", ts(1_629_147_173, 0)),
            ("max_offset_east", "2020-01-01T00:00:00+23:59", ts(1_577_750_460, 0)),
            ("max_offset_west", "2020-01-01T00:00:00-23:59", ts(1_577_923_140, 0)),
            ("epoch", "1970-01-01T00:00:00Z", ts(0, 0)),
            ("before_epoch", "1969-12-31T23:59:59Z", ts(-1, 0)),
            ("before_epoch_fraction", "1969-12-31T23:59:59.5Z", ts(-1, 500_000_000)),
            ("one_fraction_digit", "1970-01-01T00:00:00.1Z", ts(0, 100_000_000)),
            ("nine_fraction_digits", "1970-01-01T00:00:00.000000001Z", ts(0, 1)),
            ("leap_day_2000", "2000-02-29T00:00:00Z", ts(951_782_400, 0)),
            ("leap_day_2024", "2024-02-29T12:00:00Z", ts(1_709_208_000, 0)),
            ("after_leap_day_2024", "2024-03-01T00:00:00Z", ts(1_709_251_200, 0)),
            ("1900_feb_28", "1900-02-28T00:00:00Z", ts(-2_203_977_600, 0)),
            ("1900_mar_1", "1900-03-01T00:00:00Z", ts(-2_203_891_200, 0)),
            ("year_0000_first", "0000-01-01T00:00:00Z", ts(-62_167_219_200, 0)),
            ("year_0001_first", "0001-01-01T00:00:00Z", ts(-62_135_596_800, 0)),
            (
                "year_9999_last",
                "9999-12-31T23:59:59.999999999Z",
                ts(253_402_300_799, 999_999_999),
            ),
            (
                "year_0000_shifted_before_range",
                "0000-01-01T00:00:00+01:00",
                ts(-62_167_222_800, 0),
            ),
            (
                "year_9999_shifted_after_range",
                "9999-12-31T23:59:59-01:00",
                ts(253_402_304_399, 0),
            ),
        ];
        for (name, input, expected) in cases {
            assert_eq!(rfc(input), Ok(*expected), "{name}: {input}");
        }
    }

    #[test]
    fn rfc3339_errors_name_the_field() {
        use TimeError::*;
        let cases: &[(&str, &str, TimeError)] = &[
            ("empty", "", Syntax),
            ("date_only", "2021-08-16", Syntax),
            ("space_separator", "2021-08-16 20:52:53Z", Syntax),
            ("letter_in_year", "20x1-08-16T20:52:53Z", Syntax),
            ("slash_in_date", "2021/08/16T20:52:53Z", Syntax),
            ("one_digit_month", "2021-8-16T20:52:53Z", Syntax),
            ("five_digit_year", "20210-08-16T20:52:53Z", Syntax),
            ("sign_in_year", "+021-08-16T20:52:53Z", Syntax),
            ("trailing_space", "2021-08-16T20:52:53Z ", Syntax),
            ("leading_space", " 2021-08-16T20:52:53Z", Syntax),
            ("trailing_after_offset", "2021-08-16T20:52:53+01:000", Syntax),
            ("double_z", "2021-08-16T20:52:53ZZ", Syntax),
            ("non_ascii_digit", "2021-08-16T20:52:5\u{664}Z", Syntax),
            ("month_00", "2021-00-16T20:52:53Z", Month),
            ("month_13", "2021-13-16T20:52:53Z", Month),
            ("day_00", "2021-08-00T20:52:53Z", Day),
            ("day_32", "2021-08-32T20:52:53Z", Day),
            ("feb_29_non_leap", "2023-02-29T00:00:00Z", Day),
            ("feb_29_1900_not_leap", "1900-02-29T00:00:00Z", Day),
            ("feb_30_leap", "2000-02-30T00:00:00Z", Day),
            ("apr_31", "2021-04-31T00:00:00Z", Day),
            ("jun_31", "2021-06-31T00:00:00Z", Day),
            ("sep_31", "2021-09-31T00:00:00Z", Day),
            ("nov_31", "2021-11-31T00:00:00Z", Day),
            ("hour_24", "2021-08-16T24:00:00Z", Hour),
            ("minute_60", "2021-08-16T20:60:00Z", Minute),
            ("leap_second", "2016-12-31T23:59:60Z", Second),
            ("second_61", "2021-08-16T20:52:61Z", Second),
            ("dot_without_digits", "2021-08-16T20:52:53.Z", Fraction),
            ("dot_at_end", "2021-08-16T20:52:53.", Fraction),
            ("ten_fraction_digits", "2021-08-16T20:52:53.1234567890Z", Fraction),
            ("missing_offset", "2021-08-16T20:52:53", Offset),
            ("missing_offset_after_fraction", "2021-08-16T20:52:53.5", Offset),
            ("offset_without_colon", "2021-08-16T20:52:53+0100", Offset),
            ("offset_hours_only", "2021-08-16T20:52:53+01", Offset),
            ("offset_hour_24", "2021-08-16T20:52:53+24:00", Offset),
            ("offset_minute_60", "2021-08-16T20:52:53-01:60", Offset),
            ("offset_letter", "2021-08-16T20:52:53+0a:00", Offset),
            ("offset_utc_name", "2021-08-16T20:52:53UTC", Offset),
            ("offset_unicode_minus", "2021-08-16T20:52:53\u{2212}01:00", Offset),
        ];
        for (name, input, expected) in cases {
            assert_eq!(rfc(input), Err(*expected), "{name}: {input:?}");
        }
    }

    #[test]
    fn imf_fixdate_valid_examples() {
        let cases: &[(&str, &str, i64)] = &[
            ("rfc9110_example", "Sun, 06 Nov 1994 08:49:37 GMT", 784_111_777),
            ("epoch", "Thu, 01 Jan 1970 00:00:00 GMT", 0),
            ("leap_day_2000", "Tue, 29 Feb 2000 00:00:00 GMT", 951_782_400),
            ("year_0000", "Sat, 01 Jan 0000 00:00:00 GMT", -62_167_219_200),
            ("year_9999", "Fri, 31 Dec 9999 23:59:59 GMT", 253_402_300_799),
            ("rfc850_example", "Sunday, 06-Nov-94 08:49:37 GMT", 784_111_777),
            (
                "rfc850_yy_69_is_2069",
                "Saturday, 01-Jun-69 00:00:00 GMT",
                3_137_270_400,
            ),
            ("rfc850_yy_70_is_1970", "Monday, 01-Jun-70 00:00:00 GMT", 13_046_400),
            ("rfc850_yy_00_is_2000", "Tuesday, 29-Feb-00 00:00:00 GMT", 951_782_400),
            ("asctime_example", "Sun Nov  6 08:49:37 1994", 784_111_777),
            ("asctime_two_digit_day", "Sun Nov 06 08:49:37 1994", 784_111_777),
            ("asctime_day_29", "Tue Feb 29 00:00:00 2000", 951_782_400),
        ];
        for (name, input, expected) in cases {
            assert_eq!(parse_imf_fixdate(input), Ok(ts(*expected, 0)), "{name}");
        }
    }

    #[test]
    fn imf_fixdate_errors_name_the_field() {
        use TimeError::*;
        let cases: &[(&str, &str, TimeError)] = &[
            ("empty", "", Syntax),
            ("not_a_date", "hello", Syntax),
            ("comma_but_not_a_day_name", "hello, world", Weekday),
            ("gmt_missing", "Sun, 06 Nov 1994 08:49:37", Syntax),
            ("utc_instead_of_gmt", "Sun, 06 Nov 1994 08:49:37 UTC", Syntax),
            ("lowercase_gmt", "Sun, 06 Nov 1994 08:49:37 gmt", Syntax),
            ("one_digit_day", "Sun, 6 Nov 1994 08:49:37 GMT", Syntax),
            ("two_digit_year", "Sun, 06 Nov 94 08:49:37 GMT", Syntax),
            ("trailing_space", "Sun, 06 Nov 1994 08:49:37 GMT ", Syntax),
            ("leading_space", " Sun, 06 Nov 1994 08:49:37 GMT", Syntax),
            ("rfc850_four_digit_year", "Sunday, 06-Nov-1994 08:49:37 GMT", Syntax),
            ("asctime_gmt_suffix", "Sun Nov  6 08:49:37 1994 GMT", Syntax),
            ("no_comma", "Sunday 06-Nov-94 08:49:37 GMT", Syntax),
            ("wrong_weekday", "Mon, 06 Nov 1994 08:49:37 GMT", Weekday),
            ("unknown_weekday", "Sux, 06 Nov 1994 08:49:37 GMT", Weekday),
            ("lowercase_weekday", "sun, 06 Nov 1994 08:49:37 GMT", Weekday),
            ("rfc850_wrong_weekday", "Monday, 06-Nov-94 08:49:37 GMT", Weekday),
            ("rfc850_abbreviated", "Sund, 06-Nov-94 08:49:37 GMT", Weekday),
            ("asctime_wrong_weekday", "Mon Nov  6 08:49:37 1994", Weekday),
            ("lowercase_month", "Sun, 06 nov 1994 08:49:37 GMT", Month),
            ("uppercase_month", "Sun, 06 NOV 1994 08:49:37 GMT", Month),
            ("unknown_month", "Sun, 06 Nox 1994 08:49:37 GMT", Month),
            ("rfc850_lowercase_month", "Sunday, 06-nov-94 08:49:37 GMT", Month),
            ("asctime_lowercase_month", "Sun nov  6 08:49:37 1994", Month),
            ("day_00", "Sun, 00 Nov 1994 08:49:37 GMT", Day),
            ("nov_31", "Thu, 31 Nov 1994 08:49:37 GMT", Day),
            ("feb_29_1900", "Thu, 29 Feb 1900 00:00:00 GMT", Day),
            ("asctime_day_0", "Sun Nov  0 08:49:37 1994", Day),
            ("hour_24", "Sun, 06 Nov 1994 24:49:37 GMT", Hour),
            ("minute_60", "Sun, 06 Nov 1994 08:60:37 GMT", Minute),
            ("leap_second", "Sat, 31 Dec 2016 23:59:60 GMT", Second),
        ];
        for (name, input, expected) in cases {
            assert_eq!(parse_imf_fixdate(input), Err(*expected), "{name}: {input:?}");
        }
    }

    #[test]
    fn rfc3339_formatting_picks_shortest_exact_fraction() {
        let cases: &[(&str, Timestamp, &str)] = &[
            ("whole_seconds", ts(1_629_147_173, 0), "2021-08-16T20:52:53Z"),
            (
                "milliseconds",
                ts(1_310_414_129, 611_000_000),
                "2011-07-11T19:55:29.611Z",
            ),
            ("tenths_as_milliseconds", ts(0, 100_000_000), "1970-01-01T00:00:00.100Z"),
            (
                "microseconds",
                ts(1_795_678_142, 916_802_000),
                "2026-11-26T07:29:02.916802Z",
            ),
            ("one_microsecond", ts(0, 1_000), "1970-01-01T00:00:00.000001Z"),
            ("nanoseconds", ts(0, 1), "1970-01-01T00:00:00.000000001Z"),
            ("before_epoch", ts(-1, 500_000_000), "1969-12-31T23:59:59.500Z"),
            ("leap_day", ts(951_782_400, 0), "2000-02-29T00:00:00Z"),
            ("first_formattable", ts(-62_167_219_200, 0), "0000-01-01T00:00:00Z"),
            (
                "last_formattable",
                ts(253_402_300_799, 999_999_999),
                "9999-12-31T23:59:59.999999999Z",
            ),
            (
                "unnormalised_nanos_carry",
                ts(0, 1_500_000_000),
                "1970-01-01T00:00:01.500Z",
            ),
        ];
        for (name, t, expected) in cases {
            let out = t.rfc3339();
            assert_eq!(out.as_ref().map(Rfc3339::as_str), Ok(*expected), "{name}");
            let shown = out.map(|o| o.to_string());
            assert_eq!(shown.as_deref(), Ok(*expected), "{name}: Display");
        }
    }

    #[test]
    fn imf_fixdate_formatting() {
        let cases: &[(&str, Timestamp, &str)] = &[
            ("rfc9110_example", ts(784_111_777, 0), "Sun, 06 Nov 1994 08:49:37 GMT"),
            (
                "nanos_truncated",
                ts(784_111_777, 999_999_999),
                "Sun, 06 Nov 1994 08:49:37 GMT",
            ),
            ("epoch", ts(0, 0), "Thu, 01 Jan 1970 00:00:00 GMT"),
            ("before_epoch", ts(-1, 0), "Wed, 31 Dec 1969 23:59:59 GMT"),
            ("leap_day", ts(951_782_400, 0), "Tue, 29 Feb 2000 00:00:00 GMT"),
            (
                "first_formattable",
                ts(-62_167_219_200, 0),
                "Sat, 01 Jan 0000 00:00:00 GMT",
            ),
            (
                "last_formattable",
                ts(253_402_300_799, 0),
                "Fri, 31 Dec 9999 23:59:59 GMT",
            ),
        ];
        for (name, t, expected) in cases {
            let out = t.imf_fixdate();
            assert_eq!(out.as_ref().map(ImfFixdate::as_str), Ok(*expected), "{name}");
            let shown = out.map(|o| o.to_string());
            assert_eq!(shown.as_deref(), Ok(*expected), "{name}: Display");
        }
    }

    #[test]
    fn formatting_outside_years_0000_to_9999_is_a_year_error() {
        for t in [
            ts(-62_167_219_201, 999_999_999),
            ts(253_402_300_800, 0),
            ts(253_402_300_799, 1_000_000_000),
            ts(i64::MIN, 0),
            ts(i64::MAX, 0),
            ts(i64::MAX, u32::MAX),
        ] {
            assert_eq!(t.rfc3339(), Err(TimeError::Year), "{t:?}");
            assert_eq!(t.imf_fixdate(), Err(TimeError::Year), "{t:?}");
        }
    }

    #[test]
    fn formatting_round_trips_through_the_parsers() {
        const NANOS: [u32; 4] = [0, 7_000_000, 123_456_000, 999_999_999];
        // Every day of 0000-0001, 1899-2101 and 9998-9999 (century and
        // 400-year leap rules, the epoch, the range ends), and every 97th day
        // elsewhere; exhaustive over all years is ~10x slower in debug builds.
        let days = (MIN_DAY..MIN_DAY + 731)
            .chain(-25_932..48_212)
            .chain(MAX_DAY - 730..=MAX_DAY)
            .chain((MIN_DAY..=MAX_DAY).step_by(97));
        for day in days {
            // Vary the time of day and the fraction width from day to day.
            let seconds = day * SECS_PER_DAY + (day * 7_919).rem_euclid(SECS_PER_DAY);
            let nanos = NANOS.get(day.rem_euclid(4) as usize).copied().unwrap_or(0);
            let t = ts(seconds, nanos);
            let text = t.rfc3339();
            let back = text.as_ref().map_err(|e| *e).and_then(|f| parse_rfc3339(f.as_str()));
            assert_eq!(back, Ok(t), "{text:?}");
            let whole = ts(seconds, 0);
            let text = whole.imf_fixdate();
            let back = text
                .as_ref()
                .map_err(|e| *e)
                .and_then(|f| parse_imf_fixdate(f.as_str()));
            assert_eq!(back, Ok(whole), "{text:?}");
        }
    }

    #[test]
    fn display_adapters_honour_padding() {
        let t = ts(0, 0);
        let r = t.rfc3339().map(|f| alloc::format!("[{f:>22}]"));
        assert_eq!(r.as_deref(), Ok("[  1970-01-01T00:00:00Z]"));
        let i = t.imf_fixdate().map(|f| alloc::format!("{f:?}"));
        assert_eq!(i.as_deref(), Ok("ImfFixdate(\"Thu, 01 Jan 1970 00:00:00 GMT\")"));
    }

    #[test]
    fn from_unix_carries_whole_seconds_out_of_nanos() {
        assert_eq!(Timestamp::from_unix(5, 999_999_999), Some(ts(5, 999_999_999)));
        assert_eq!(Timestamp::from_unix(5, 1_000_000_000), Some(ts(6, 0)));
        assert_eq!(Timestamp::from_unix(-1, 2_500_000_000), Some(ts(1, 500_000_000)));
        assert_eq!(Timestamp::from_unix(5, u32::MAX), Some(ts(9, 294_967_295)));
        assert_eq!(
            Timestamp::from_unix(i64::MAX, 999_999_999),
            Some(ts(i64::MAX, 999_999_999))
        );
        assert_eq!(Timestamp::from_unix(i64::MAX, 1_000_000_000), None);
    }

    #[test]
    fn checked_add_secs_moves_both_ways_and_reports_overflow() {
        assert_eq!(ts(10, 7).checked_add_secs(900), Some(ts(910, 7)));
        assert_eq!(ts(10, 7).checked_add_secs(-20), Some(ts(-10, 7)));
        assert_eq!(ts(i64::MAX, 0).checked_add_secs(1), None);
        assert_eq!(ts(i64::MIN, 0).checked_add_secs(-1), None);
    }

    #[test]
    fn saturating_sub_rounds_down_and_saturates() {
        assert_eq!(ts(100, 0).saturating_sub(ts(40, 0)), 60);
        assert_eq!(ts(40, 0).saturating_sub(ts(100, 0)), -60);
        // 10.5 s remain: report 10, never 11.
        assert_eq!(ts(20, 500_000_000).saturating_sub(ts(10, 0)), 10);
        // 0.5 s in the past: report -1, not 0.
        assert_eq!(ts(10, 0).saturating_sub(ts(10, 500_000_000)), -1);
        assert_eq!(ts(10, 999_999_999).saturating_sub(ts(10, 0)), 0);
        assert_eq!(ts(i64::MAX, 0).saturating_sub(ts(i64::MIN, 0)), i64::MAX);
        assert_eq!(ts(i64::MIN, 0).saturating_sub(ts(i64::MAX, 0)), i64::MIN);
        assert_eq!(ts(i64::MAX, 0).saturating_sub(ts(-1, 0)), i64::MAX);
        assert_eq!(ts(i64::MAX, 0).saturating_sub(ts(0, 0)), i64::MAX);
    }

    #[test]
    fn ordering_is_chronological() {
        assert!(ts(-1, 999_999_999) < ts(0, 0));
        assert!(ts(0, 1) > ts(0, 0));
        let east = parse_rfc3339("2019-12-16T23:48:12.123+01:00").ok();
        let utc = parse_rfc3339("2019-12-16T23:48:12.123Z").ok();
        assert!(east.is_some() && east < utc);
    }

    #[test]
    fn error_messages_are_distinct_and_descriptive() {
        use TimeError::*;
        let all = [
            Syntax, Year, Month, Day, Hour, Minute, Second, Fraction, Offset, Weekday,
        ];
        for (i, a) in all.iter().enumerate() {
            for b in all.get(i + 1..).unwrap_or(&[]) {
                assert_ne!(a.to_string(), b.to_string());
            }
        }
        assert_eq!(
            Second.to_string(),
            "second not in 00-59 (leap seconds are not supported)"
        );
        assert_eq!(Weekday.to_string(), "day name unknown or does not match the date");
        let err: &dyn core::error::Error = &Offset;
        assert_eq!(err.to_string(), "missing or invalid UTC offset");
    }

    #[test]
    fn weekday_of_known_days() {
        // 1970-01-01 Thursday, 2000-02-29 Tuesday, 0000-01-01 Saturday.
        assert_eq!(weekday_of(0), 4);
        assert_eq!(weekday_of(11_016), 2);
        assert_eq!(weekday_of(MIN_DAY), 6);
        assert_eq!(weekday_of(-1), 3);
    }
}
