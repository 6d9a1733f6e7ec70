//! Timestamps: RFC 3339, the form of the STS `Expiration` element (the HTTP
//! `Date` header is HTTP's business: `sts_transport::date` parses it).
//!
//! Allocation-free, integer arithmetic only, no panic whatever the input;
//! proleptic Gregorian dates, converted with Howard Hinnant's
//! `days_from_civil` / `civil_from_days`. A leap second (`60`) is rejected
//! with [`TimeError::Second`] (Unix time has none; AWS sends none). Parsing
//! accepts the years `0000`..=`9999` (an offset may move the instant just
//! outside them); formatting covers exactly that range, else
//! [`TimeError::Year`].

use core::fmt;

const NANOS_PER_SEC: u32 = 1_000_000_000;
const SECS_PER_DAY: i64 = 86_400;
/// Day number (days since 1970-01-01) of 0000-01-01.
const MIN_DAY: i64 = -719_528;
/// Day number (days since 1970-01-01) of 9999-12-31.
const MAX_DAY: i64 = 2_932_896;

/// A point in time as Unix seconds plus nanoseconds (always `< 1_000_000_000`).
///
/// The derived ordering is chronological for normalised values (`nanos` below
/// one second), which is what every constructor in this module produces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Timestamp {
    /// Whole seconds since 1970-01-01T00:00:00Z (negative before it), not
    /// counting leap seconds.
    pub seconds: i64,
    /// Nanoseconds after `seconds`, `0..1_000_000_000`.
    pub nanos: u32,
}

/// Why a timestamp could not be parsed or formatted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum TimeError {
    /// The input does not have the shape of the format: wrong length, a
    /// non-digit where a digit belongs, a wrong separator (including a space
    /// instead of `T`), or trailing characters.
    Syntax,
    /// The instant is outside `0000-01-01T00:00:00Z` ..=
    /// `9999-12-31T23:59:59.999999999Z` and cannot be formatted.
    Year,
    /// The month is not `01`..=`12`.
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
    /// The UTC offset is missing, malformed, or out of range (hours above
    /// `23`, minutes above `59`).
    Offset,
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
        })
    }
}

impl core::error::Error for TimeError {}

impl Timestamp {
    /// Unix seconds and nanoseconds, whole seconds carried out of `nanos`;
    /// `None` only if that overflows `i64` seconds.
    #[must_use]
    pub const fn from_unix(seconds: i64, nanos: u32) -> Option<Self> {
        let Some(seconds) = seconds.checked_add((nanos / NANOS_PER_SEC) as i64) else {
            return None;
        };
        Some(Self {
            seconds,
            nanos: nanos % NANOS_PER_SEC,
        })
    }

    /// `self` moved by `secs` seconds (either direction); `None` on `i64`
    /// overflow.
    #[must_use]
    pub const fn checked_add_secs(self, secs: i64) -> Option<Self> {
        let Some(seconds) = self.seconds.checked_add(secs) else {
            return None;
        };
        Some(Self {
            seconds,
            nanos: self.nanos,
        })
    }

    /// Whole seconds from `earlier` to `self`, rounded down (so
    /// `expiration.saturating_sub(now)` never overstates what is left) and
    /// saturating at the `i64` bounds.
    #[must_use]
    pub fn saturating_sub(self, earlier: Self) -> i64 {
        let total = |t: Self| i128::from(t.seconds) * 1_000_000_000 + i128::from(t.nanos);
        let secs = (total(self) - total(earlier)).div_euclid(1_000_000_000);
        i64::try_from(secs).unwrap_or(if secs < 0 { i64::MIN } else { i64::MAX })
    }

    /// Formats as RFC 3339 in UTC: `YYYY-MM-DDTHH:MM:SSZ`, with the
    /// shortest exact fraction of 3, 6 or 9 digits when `nanos` is not 0 (so
    /// `2011-07-11T19:55:29.611Z` formats as received); whole seconds in
    /// `nanos` are carried first, as by [`Timestamp::from_unix`].
    ///
    /// # Errors
    ///
    /// [`TimeError::Year`] outside `0000-01-01T00:00:00Z` ..=
    /// `9999-12-31T23:59:59.999999999Z`.
    pub fn rfc3339(self) -> Result<Rfc3339, TimeError> {
        let t = Timestamp::from_unix(self.seconds, self.nanos).ok_or(TimeError::Year)?;
        let days = t.seconds.div_euclid(SECS_PER_DAY);
        if !(MIN_DAY..=MAX_DAY).contains(&days) {
            return Err(TimeError::Year);
        }
        let (year, month, day) = civil_from_days(days);
        let secs = t.seconds.rem_euclid(SECS_PER_DAY);
        let mut out = Rfc3339 { buf: [0; 30], len: 0 };
        let fields = [
            (year, 4, b'-'),
            (month, 2, b'-'),
            (day, 2, b'T'),
            (secs / 3600, 2, b':'),
            (secs / 60 % 60, 2, b':'),
            (secs % 60, 2, b'.'),
        ];
        for (value, width, separator) in fields {
            out.digits(value, width);
            out.push(separator);
        }
        let (fraction, width) = match t.nanos {
            0 => (0, 0),
            n if n % 1_000_000 == 0 => (n / 1_000_000, 3),
            n if n % 1_000 == 0 => (n / 1_000, 6),
            n => (n, 9),
        };
        if width == 0 {
            // No fraction: the `.` becomes the `Z`.
            out.len -= 1;
        }
        out.digits(i64::from(fraction), width);
        out.push(b'Z');
        Ok(out)
    }
}

/// An RFC 3339 rendering of a [`Timestamp`], from [`Timestamp::rfc3339`]:
/// [`Rfc3339::as_str`], or `Display` (which honours width and alignment).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Rfc3339 {
    buf: [u8; 30],
    len: usize,
}

impl Rfc3339 {
    /// The text, e.g. `2021-08-16T20:52:53Z` (20 to 30 ASCII bytes).
    #[must_use]
    pub fn as_str(&self) -> &str {
        // Only ASCII is ever written, so the fallback is never taken.
        core::str::from_utf8(self.buf.get(..self.len).unwrap_or_default()).unwrap_or_default()
    }

    fn push(&mut self, b: u8) {
        if let Some(slot) = self.buf.get_mut(self.len) {
            *slot = b;
            self.len += 1;
        }
    }

    /// Writes the low `width` decimal digits of `value` (non-negative),
    /// zero-padded.
    fn digits(&mut self, value: i64, width: u32) {
        let mut div = 10i64.pow(width);
        while div > 1 {
            div /= 10;
            self.push(b'0' + (value / div % 10) as u8);
        }
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
    let (head, rest) = s.as_bytes().split_first_chunk::<19>().ok_or(TimeError::Syntax)?;
    let separators = [(4, b'-'), (7, b'-'), (10, b'T'), (13, b':'), (16, b':')];
    if separators
        .iter()
        .any(|&(i, c)| head[i] != c && !(c == b'T' && head[i] == b't'))
    {
        return Err(TimeError::Syntax);
    }
    let field = |i: usize| num2(head[i], head[i + 1]);
    let year = field(0)? * 100 + field(2)?;
    let (month, day) = (field(5)?, field(8)?);
    let (hour, minute, second) = (field(11)?, field(14)?, field(17)?);

    let (nanos, rest) = match rest {
        [b'.', fraction @ ..] => parse_fraction(fraction)?,
        _ => (0, rest),
    };
    let offset_secs = match *rest {
        [b'Z' | b'z'] => 0,
        [b'Z' | b'z', ..] => return Err(TimeError::Syntax),
        [sign @ (b'+' | b'-'), oh1, oh2, b':', om1, om2, ref tail @ ..] => {
            if !tail.is_empty() {
                return Err(TimeError::Syntax);
            }
            let oh = num2(oh1, oh2).map_err(|_| TimeError::Offset)?;
            let om = num2(om1, om2).map_err(|_| TimeError::Offset)?;
            if oh > 23 || om > 59 {
                return Err(TimeError::Offset);
            }
            let secs = i64::from(oh * 3600 + om * 60);
            if sign == b'-' { -secs } else { secs }
        }
        _ => return Err(TimeError::Offset),
    };

    if !(1..=12).contains(&month) {
        return Err(TimeError::Month);
    }
    if day == 0 || day > days_in_month(year, month) {
        return Err(TimeError::Day);
    }
    if hour > 23 {
        return Err(TimeError::Hour);
    }
    if minute > 59 {
        return Err(TimeError::Minute);
    }
    if second > 59 {
        return Err(TimeError::Second);
    }
    let time = i64::from(hour * 3600 + minute * 60 + second);
    Ok(Timestamp {
        seconds: days_from_civil(year, month, day) * SECS_PER_DAY + time - offset_secs,
        nanos,
    })
}

/// Parses the digits after a `.`; returns the nanoseconds and what follows.
fn parse_fraction(rest: &[u8]) -> Result<(u32, &[u8]), TimeError> {
    let count = rest.iter().take_while(|b| b.is_ascii_digit()).count();
    if !(1..=9).contains(&count) {
        return Err(TimeError::Fraction);
    }
    let (digits, rest) = rest.split_at(count);
    let nanos = digits.iter().fold(0, |n, &b| n * 10 + u32::from(b - b'0'));
    Ok((nanos * 10u32.pow(9 - count as u32), rest))
}

/// Two ASCII digits as a number.
fn num2(a: u8, b: u8) -> Result<u32, TimeError> {
    if a.is_ascii_digit() && b.is_ascii_digit() {
        Ok(u32::from(a - b'0') * 10 + u32::from(b - b'0'))
    } else {
        Err(TimeError::Syntax)
    }
}

const fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Howard Hinnant's `days_from_civil`: days since 1970-01-01 of a valid
/// proleptic Gregorian date.
const fn days_from_civil(year: u32, month: u32, day: u32) -> i64 {
    let (month, day) = (month as i64, day as i64);
    let y = if month <= 2 { year as i64 - 1 } else { year as i64 };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400); // [0, 399]
    let mp = if month > 2 { month - 3 } else { month + 9 }; // March = 0
    let doy = (153 * mp + 2) / 5 + day - 1; // [0, 365]
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy; // [0, 146096]
    era * 146_097 + doe - 719_468
}

/// Howard Hinnant's `civil_from_days`: the (year, month, day) of a day
/// number (days since 1970-01-01).
const fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097); // [0, 146096]
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // [0, 399]
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // [0, 365]
    let mp = (5 * doy + 2) / 153; // [0, 11], March = 0
    let day = doy - (153 * mp + 2) / 5 + 1; // [1, 31]
    let month = if mp < 10 { mp + 3 } else { mp - 9 }; // [1, 12]
    (yoe + era * 400 + (month <= 2) as i64, month, day)
}

#[cfg(feature = "serde")]
impl serde::Serialize for Timestamp {
    /// Serializes as an RFC 3339 string (`2021-08-16T20:52:53Z`), the form
    /// AWS tools expect (for example `credential_process`'s `Expiration`).
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.rfc3339() {
            Ok(text) => serializer.serialize_str(text.as_str()),
            Err(e) => Err(serde::ser::Error::custom(e)),
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
        }
    }

    #[test]
    fn formatting_round_trips_through_the_parser() {
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
        }
    }

    #[test]
    fn display_adapters_honour_padding() {
        let t = ts(0, 0);
        let r = t.rfc3339().map(|f| alloc::format!("[{f:>22}]"));
        assert_eq!(r.as_deref(), Ok("[  1970-01-01T00:00:00Z]"));
        let d = t.rfc3339().map(|f| alloc::format!("{f:?}"));
        assert_eq!(d.as_deref(), Ok("Rfc3339(\"1970-01-01T00:00:00Z\")"));
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
        let all = [Syntax, Year, Month, Day, Hour, Minute, Second, Fraction, Offset];
        for (i, a) in all.iter().enumerate() {
            for b in all.get(i + 1..).unwrap_or(&[]) {
                assert_ne!(a.to_string(), b.to_string());
            }
        }
        assert_eq!(
            Second.to_string(),
            "second not in 00-59 (leap seconds are not supported)"
        );
        let err: &dyn core::error::Error = &Offset;
        assert_eq!(err.to_string(), "missing or invalid UTC offset");
    }
}
