//! HTTP dates (RFC 9110 section 5.6.7), as in the `Date` header: parsed to
//! Unix seconds, and formatted for servers and tests.
//!
//! A recipient must accept three forms, and [`parse_http_date`] does, one
//! parser per form:
//!
//! | form | example |
//! |---|---|
//! | IMF-fixdate (the one senders use) | `Sun, 06 Nov 1994 08:49:37 GMT` |
//! | RFC 850 (obsolete) | `Sunday, 06-Nov-94 08:49:37 GMT` |
//! | asctime (obsolete) | `Sun Nov  6 08:49:37 1994` |
//!
//! [`format_imf_fixdate`] writes the first form. No allocation, integer
//! arithmetic only; dates are proleptic Gregorian, converted with Howard
//! Hinnant's `days_from_civil` and `civil_from_days`
//! (<https://howardhinnant.github.io/date_algorithms.html>).
//!
//! ```
//! use sts_transport::date::{format_imf_fixdate, parse_http_date};
//!
//! assert_eq!(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"), Ok(784_111_777));
//! assert_eq!(parse_http_date("Sun Nov  6 08:49:37 1994"), Ok(784_111_777));
//! let text = format_imf_fixdate(784_111_777).unwrap();
//! assert_eq!(text.as_str(), "Sun, 06 Nov 1994 08:49:37 GMT");
//! ```

use core::fmt;

const SECS_PER_DAY: i64 = 86_400;
/// Days from 1970-01-01 to 0000-01-01, the first formattable day.
const MIN_DAY: i64 = -719_528;
/// Days from 1970-01-01 to 9999-12-31, the last formattable day.
const MAX_DAY: i64 = 2_932_896;

/// Day names, Sunday first (the weekday numbers used here).
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

/// Why a string is not an HTTP date.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum DateError {
    /// Not the shape of any of the three forms: wrong length, a non-digit
    /// where a digit belongs, a wrong separator, no `GMT`, or surrounding
    /// whitespace.
    Syntax,
    /// The month is not a three-letter month name (case-sensitive).
    Month,
    /// The day is `00` or past the end of its month.
    Day,
    /// The hour is above `23`.
    Hour,
    /// The minute is above `59`.
    Minute,
    /// The second is above `59`: a leap second (`60`) has no Unix time.
    Second,
    /// The day name is unknown (case-sensitive) or does not match the date.
    Weekday,
}

impl fmt::Display for DateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DateError::Syntax => "malformed HTTP date",
            DateError::Month => "unknown month name",
            DateError::Day => "day out of range for the month",
            DateError::Hour => "hour not in 00-23",
            DateError::Minute => "minute not in 00-59",
            DateError::Second => "second not in 00-59 (leap seconds are not supported)",
            DateError::Weekday => "day name unknown or does not match the date",
        })
    }
}

impl core::error::Error for DateError {}

/// Parses an HTTP date in any of the three forms to Unix seconds (negative
/// before 1970).
///
/// - Day and month names are case-sensitive, as the grammar says, and the
///   day name must be the date's.
/// - RFC 850's two-digit year `YY` is `20YY` when `YY < 70` and `19YY`
///   otherwise. RFC 9110 asks for "more than 50 years in the future means
///   the past century", which needs a clock; this fixed pivot agrees with it
///   for dates received from 2020 to 2069, and with the `httpdate` crate.
/// - The asctime day is two digits or a space and one digit.
/// - A leap second (`60`) is [`DateError::Second`].
/// - Surrounding whitespace is not trimmed: the caller trims the header
///   value.
///
/// # Errors
///
/// The [`DateError`] names the first field found wrong; a string of no
/// known shape is [`DateError::Syntax`].
pub fn parse_http_date(s: &str) -> Result<i64, DateError> {
    let b = s.as_bytes();
    match b.get(3) {
        Some(b',') => parse_imf_fixdate(b),
        Some(b' ') => parse_asctime(b),
        _ => parse_rfc850(s),
    }
}

/// Whether `b` has the shape of `template`: the same length, and every
/// byte equal to the template's but where the template has `_` (a name or a
/// number, checked when it is read).
fn shaped(b: &[u8], template: &[u8]) -> Result<(), DateError> {
    let same = b.len() == template.len() && b.iter().zip(template).all(|(&c, &t)| t == b'_' || c == t);
    if same { Ok(()) } else { Err(DateError::Syntax) }
}

/// The decimal number in `b[range]` (ASCII digits only).
fn num(b: &[u8], range: core::ops::Range<usize>) -> Result<u32, DateError> {
    let digits = b.get(range).ok_or(DateError::Syntax)?;
    digits.iter().try_fold(0, |n, &c| match c {
        b'0'..=b'9' => Ok(n * 10 + u32::from(c - b'0')),
        _ => Err(DateError::Syntax),
    })
}

/// Hour, minute and second of `hh:mm:ss` at `b[at..]`.
fn time_at(b: &[u8], at: usize) -> Result<(u32, u32, u32), DateError> {
    Ok((num(b, at..at + 2)?, num(b, at + 3..at + 5)?, num(b, at + 6..at + 8)?))
}

/// `Sun, 06 Nov 1994 08:49:37 GMT`
fn parse_imf_fixdate(b: &[u8]) -> Result<i64, DateError> {
    shaped(b, b"___, __ ___ ____ __:__:__ GMT")?;
    let weekday = short_weekday(b.get(..3))?;
    let month = month(b.get(8..11))?;
    unix_seconds(weekday, num(b, 12..16)?, month, num(b, 5..7)?, time_at(b, 17)?)
}

/// `Sunday, 06-Nov-94 08:49:37 GMT`
fn parse_rfc850(s: &str) -> Result<i64, DateError> {
    let comma = s.bytes().position(|b| b == b',').ok_or(DateError::Syntax)?;
    let (name, rest) = s.split_at_checked(comma).ok_or(DateError::Syntax)?;
    let b = rest.strip_prefix(", ").ok_or(DateError::Syntax)?.as_bytes();
    if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphabetic()) {
        return Err(DateError::Syntax);
    }
    let weekday = LONG_WEEKDAYS
        .iter()
        .position(|long| *long == name)
        .ok_or(DateError::Weekday)?;
    shaped(b, b"__-___-__ __:__:__ GMT")?;
    let month = month(b.get(3..6))?;
    let day = num(b, 0..2)?;
    let yy = num(b, 7..9)?;
    let year = if yy < 70 { 2000 + yy } else { 1900 + yy };
    unix_seconds(weekday, year, month, day, time_at(b, 10)?)
}

/// `Sun Nov  6 08:49:37 1994`
fn parse_asctime(b: &[u8]) -> Result<i64, DateError> {
    shaped(b, b"___ ___ __ __:__:__ ____")?;
    let weekday = short_weekday(b.get(..3))?;
    let month = month(b.get(4..7))?;
    // Two digits, or a space and one.
    let day = if b.get(8) == Some(&b' ') {
        num(b, 9..10)?
    } else {
        num(b, 8..10)?
    };
    unix_seconds(weekday, num(b, 20..24)?, month, day, time_at(b, 11)?)
}

/// Checks the fields of a date (weekday `0` is Sunday) and converts them.
fn unix_seconds(
    weekday: usize,
    year: u32,
    month: u32,
    day: u32,
    (hour, minute, second): (u32, u32, u32),
) -> Result<i64, DateError> {
    if day == 0 || day > days_in_month(year, month) {
        return Err(DateError::Day);
    }
    if hour > 23 {
        return Err(DateError::Hour);
    }
    if minute > 59 {
        return Err(DateError::Minute);
    }
    if second > 59 {
        return Err(DateError::Second);
    }
    let days = days_from_civil(i64::from(year), month, day);
    if weekday_of(days) != weekday {
        return Err(DateError::Weekday);
    }
    Ok(days * SECS_PER_DAY + i64::from(hour * 3600 + minute * 60 + second))
}

/// Weekday number (`0` is Sunday) of a three-letter day name.
fn short_weekday(name: Option<&[u8]>) -> Result<usize, DateError> {
    SHORT_WEEKDAYS
        .iter()
        .position(|w| Some(&w[..]) == name)
        .ok_or(DateError::Weekday)
}

/// Month number `1..=12` of a three-letter month name.
fn month(name: Option<&[u8]>) -> Result<u32, DateError> {
    let index = MONTHS
        .iter()
        .position(|m| Some(&m[..]) == name)
        .ok_or(DateError::Month)?;
    Ok(index as u32 + 1)
}

fn days_in_month(year: u32, month: u32) -> u32 {
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Howard Hinnant's `days_from_civil`: days from 1970-01-01 to a valid
/// proleptic Gregorian date.
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let (month, day) = (i64::from(month), i64::from(day));
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400); // [0, 399]
    let mp = if month > 2 { month - 3 } else { month + 9 }; // March is 0
    let doy = (153 * mp + 2) / 5 + day - 1; // [0, 365]
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy; // [0, 146096]
    era * 146_097 + doe - 719_468
}

/// Howard Hinnant's `civil_from_days`: the (year, month, day) of a day
/// number (days from 1970-01-01).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097); // [0, 146096]
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // [0, 399]
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // [0, 365]
    let mp = (5 * doy + 2) / 153; // [0, 11], March is 0
    let day = doy - (153 * mp + 2) / 5 + 1; // [1, 31]
    let month = if mp < 10 { mp + 3 } else { mp - 9 }; // [1, 12]
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month as u32, day as u32)
}

/// The weekday of a day number, `0` for Sunday (1970-01-01 was a Thursday).
fn weekday_of(days: i64) -> usize {
    (days + 4).rem_euclid(7) as usize
}

/// Formats Unix seconds as an IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`).
///
/// `None` outside the four-digit years, that is before
/// `0000-01-01T00:00:00Z` or after `9999-12-31T23:59:59Z`.
#[must_use]
pub fn format_imf_fixdate(unix_secs: i64) -> Option<ImfFixdate> {
    let days = unix_secs.div_euclid(SECS_PER_DAY);
    if !(MIN_DAY..=MAX_DAY).contains(&days) {
        return None;
    }
    let secs = unix_secs.rem_euclid(SECS_PER_DAY);
    let (year, month, day) = civil_from_days(days);
    let mut buf = *b"Sun, 00 Jan 0000 00:00:00 GMT";
    buf[..3].copy_from_slice(SHORT_WEEKDAYS[weekday_of(days)]);
    put_digits(&mut buf[5..7], i64::from(day));
    buf[8..11].copy_from_slice(MONTHS[month as usize - 1]);
    put_digits(&mut buf[12..16], year);
    put_digits(&mut buf[17..19], secs / 3600);
    put_digits(&mut buf[20..22], secs / 60 % 60);
    put_digits(&mut buf[23..25], secs % 60);
    Some(ImfFixdate { buf })
}

/// Writes `n` (not negative, and small enough) as decimal digits filling
/// `out`, with leading zeros.
fn put_digits(out: &mut [u8], mut n: i64) {
    for b in out.iter_mut().rev() {
        *b = b'0' + (n % 10) as u8;
        n /= 10;
    }
}

/// An IMF-fixdate from [`format_imf_fixdate`]: 29 ASCII bytes, no
/// allocation.
///
/// Read it with [`as_str`](Self::as_str) or `Display` (which honours width
/// and alignment).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct ImfFixdate {
    buf: [u8; 29],
}

impl ImfFixdate {
    /// The text, e.g. `Sun, 06 Nov 1994 08:49:37 GMT`.
    #[must_use]
    pub fn as_str(&self) -> &str {
        // Only ASCII is ever written, so the fallback is never taken.
        core::str::from_utf8(&self.buf).unwrap_or("")
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

#[cfg(feature = "defmt")]
impl defmt::Format for ImfFixdate {
    fn format(&self, f: defmt::Formatter<'_>) {
        defmt::write!(f, "{=str}", self.as_str());
    }
}
