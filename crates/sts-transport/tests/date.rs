//! `sts_transport::date`: tables of the three HTTP date forms and their
//! errors, the formatter's range, and differential tests against independent
//! implementations (`httpdate` parses and formats, `chrono` writes the
//! obsolete forms and names the days).

use core::time::Duration;
use std::time::{SystemTime, UNIX_EPOCH};

use chrono::{DateTime, NaiveDate, Utc};
use proptest::prelude::*;
use proptest::test_runner::Config;
use sts_transport::date::{DateError, ImfFixdate, format_imf_fixdate, parse_http_date};

/// Unix seconds of 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z.
const MIN_SECS: i64 = -62_167_219_200;
const MAX_SECS: i64 = 253_402_300_799;

#[test]
fn valid_dates_in_the_three_forms() {
    let cases: &[(&str, &str, i64)] = &[
        ("rfc9110_example", "Sun, 06 Nov 1994 08:49:37 GMT", 784_111_777),
        ("epoch", "Thu, 01 Jan 1970 00:00:00 GMT", 0),
        ("before_epoch", "Wed, 31 Dec 1969 23:59:59 GMT", -1),
        ("leap_day_2000", "Tue, 29 Feb 2000 00:00:00 GMT", 951_782_400),
        ("year_0000", "Sat, 01 Jan 0000 00:00:00 GMT", MIN_SECS),
        ("year_9999", "Fri, 31 Dec 9999 23:59:59 GMT", MAX_SECS),
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
        assert_eq!(parse_http_date(input), Ok(*expected), "{name}");
    }
}

#[test]
fn errors_name_the_field() {
    use DateError::*;
    let cases: &[(&str, &str, DateError)] = &[
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
        ("non_ascii_digit", "Sun, 06 Nov 1994 08:49:3\u{664} GMT", Syntax),
        ("rfc850_four_digit_year", "Sunday, 06-Nov-1994 08:49:37 GMT", Syntax),
        ("asctime_gmt_suffix", "Sun Nov  6 08:49:37 1994 GMT", Syntax),
        ("asctime_space_then_letter", "Sun Nov  x 08:49:37 1994", Syntax),
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
        ("feb_29_2100", "Mon, 29 Feb 2100 00:00:00 GMT", Day),
        ("asctime_day_0", "Sun Nov  0 08:49:37 1994", Day),
        ("hour_24", "Sun, 06 Nov 1994 24:49:37 GMT", Hour),
        ("minute_60", "Sun, 06 Nov 1994 08:60:37 GMT", Minute),
        ("leap_second", "Sat, 31 Dec 2016 23:59:60 GMT", Second),
        ("rfc850_leap_second", "Saturday, 31-Dec-16 23:59:60 GMT", Second),
        ("asctime_leap_second", "Sat Dec 31 23:59:60 2016", Second),
    ];
    for (name, input, expected) in cases {
        assert_eq!(parse_http_date(input), Err(*expected), "{name}: {input:?}");
    }
}

#[test]
fn error_messages_are_fixed_and_distinct() {
    use DateError::*;
    let all = [Syntax, Month, Day, Hour, Minute, Second, Weekday];
    for (i, a) in all.iter().enumerate() {
        for b in &all[i + 1..] {
            assert_ne!(a.to_string(), b.to_string());
        }
    }
    assert_eq!(
        Second.to_string(),
        "second not in 00-59 (leap seconds are not supported)"
    );
    let err: &dyn core::error::Error = &Weekday;
    assert_eq!(err.to_string(), "day name unknown or does not match the date");
}

#[test]
fn formatting() {
    let cases: &[(&str, i64, &str)] = &[
        ("rfc9110_example", 784_111_777, "Sun, 06 Nov 1994 08:49:37 GMT"),
        ("epoch", 0, "Thu, 01 Jan 1970 00:00:00 GMT"),
        ("before_epoch", -1, "Wed, 31 Dec 1969 23:59:59 GMT"),
        ("leap_day", 951_782_400, "Tue, 29 Feb 2000 00:00:00 GMT"),
        ("first_formattable", MIN_SECS, "Sat, 01 Jan 0000 00:00:00 GMT"),
        ("last_formattable", MAX_SECS, "Fri, 31 Dec 9999 23:59:59 GMT"),
    ];
    for (name, secs, expected) in cases {
        let out = format_imf_fixdate(*secs);
        assert_eq!(out.as_ref().map(ImfFixdate::as_str), Some(*expected), "{name}");
        assert_eq!(
            out.map(|o| o.to_string()).as_deref(),
            Some(*expected),
            "{name}: Display"
        );
    }
    let padded = format_imf_fixdate(0).map(|f| format!("[{f:>31}]|{f:?}"));
    assert_eq!(
        padded.as_deref(),
        Some("[  Thu, 01 Jan 1970 00:00:00 GMT]|ImfFixdate(\"Thu, 01 Jan 1970 00:00:00 GMT\")")
    );
}

#[test]
fn formatting_outside_years_0000_to_9999_is_none() {
    for secs in [MIN_SECS - 1, MAX_SECS + 1, i64::MIN, i64::MAX] {
        assert_eq!(format_imf_fixdate(secs), None, "{secs}");
    }
}

/// Every day of 0000-0001, 1899-2101 and 9998-9999 (century and 400-year
/// leap rules, the epoch, the range ends) and every 97th day elsewhere, at a
/// time of day that varies: formatted, then parsed back to the same second.
#[test]
fn formatting_round_trips_through_the_parser() {
    const MIN_DAY: i64 = MIN_SECS / 86_400;
    const MAX_DAY: i64 = MAX_SECS / 86_400;
    let days = (MIN_DAY..MIN_DAY + 731)
        .chain(-25_932..48_212)
        .chain(MAX_DAY - 730..=MAX_DAY)
        .chain((MIN_DAY..=MAX_DAY).step_by(97));
    for day in days {
        let secs = day * 86_400 + (day * 7_919).rem_euclid(86_400);
        let text = format_imf_fixdate(secs).expect("in range");
        assert_eq!(parse_http_date(text.as_str()), Ok(secs), "{text}");
    }
}

// ---------------------------------------------------------------- httpdate

/// `cases` unless `PROPTEST_CASES` overrides it.
fn config(cases: u32) -> Config {
    let env = std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok());
    Config {
        cases: env.unwrap_or(cases),
        // Never write regression files into the source tree.
        failure_persistence: None,
        ..Config::default()
    }
}

fn system_time(seconds: i64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(u64::try_from(seconds).expect("non-negative"))
}

fn httpdate_secs(s: &str) -> Option<i64> {
    let t = httpdate::parse_http_date(s).ok()?;
    let secs = t.duration_since(UNIX_EPOCH).ok()?.as_secs();
    i64::try_from(secs).ok()
}

fn chrono_utc(seconds: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(seconds, 0).expect("in chrono's range")
}

/// Valid HTTP dates in the three forms, for times httpdate can represent.
fn valid_http_date() -> impl Strategy<Value = String> {
    // RFC 850 only round-trips the two-digit year for 1970..=2069.
    const END_2069: i64 = 3_155_760_000 - 1;
    prop_oneof![
        (0..=MAX_SECS).prop_map(|s| httpdate::fmt_http_date(system_time(s))),
        (0..=END_2069).prop_map(|s| chrono_utc(s).format("%A, %d-%b-%y %H:%M:%S GMT").to_string()),
        (0..=MAX_SECS).prop_map(|s| chrono_utc(s).format("%a %b %e %H:%M:%S %Y").to_string()),
    ]
}

/// Years where the Gregorian leap rules differ, or at the range ends.
fn interesting_year() -> impl Strategy<Value = i32> {
    prop_oneof![
        1 => 0i32..=9999,
        1 => prop::sample::select(&[0, 1, 4, 100, 400, 1600, 1700, 1900, 1970, 2000, 2023, 2024, 2100, 2400, 9900, 9996, 9999][..]),
        1 => (0i32..100).prop_map(|c| c * 100),
        1 => (0i32..2500).prop_map(|q| q * 4),
    ]
}

const SHORT_DAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTH_NAMES: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// IMF-fixdates with wide field ranges; the day name is chrono's for valid
/// dates half of the time and random otherwise.
fn wide_field_imf_fixdate() -> impl Strategy<Value = String> {
    let date = (interesting_year(), 1u32..=12, 0u32..=32);
    let time = (0u32..=25, 0u32..=61, 0u32..=61);
    (date, time, prop::bool::ANY, 0usize..7).prop_map(|((y, mo, d), (h, mi, s), true_day, random_day)| {
        let day_name = match NaiveDate::from_ymd_opt(y, mo, d) {
            Some(date) if true_day => date.format("%a").to_string(),
            _ => SHORT_DAYS[random_day].to_owned(),
        };
        let month = MONTH_NAMES[(mo - 1) as usize];
        format!("{day_name}, {d:02} {month} {y:04} {h:02}:{mi:02}:{s:02} GMT")
    })
}

#[derive(Debug, Clone)]
enum Mutation {
    Replace(usize, char),
    Insert(usize, char),
    Delete(usize),
    Truncate(usize),
}

/// Characters that keep a mutated string close to the grammar.
fn interesting_char() -> impl Strategy<Value = char> {
    prop_oneof![
        4 => prop::sample::select(&['0', '1', '2', '3', '5', '6', '9'][..]),
        4 => prop::sample::select(&['-', ':', '.', 'T', 't', ' ', 'Z', 'z', '+', ','][..]),
        1 => prop::sample::select(&['G', 'M', 'x', '\t', '\u{2212}', '\u{e9}', '\u{664}', '\0'][..]),
    ]
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let index = 0usize..40;
    prop_oneof![
        4 => (index.clone(), interesting_char()).prop_map(|(i, c)| Mutation::Replace(i, c)),
        2 => (index.clone(), interesting_char()).prop_map(|(i, c)| Mutation::Insert(i, c)),
        2 => index.clone().prop_map(Mutation::Delete),
        1 => index.prop_map(Mutation::Truncate),
    ]
}

fn mutate(s: &str, mutations: &[Mutation]) -> String {
    let mut chars: Vec<char> = s.chars().collect();
    for m in mutations {
        let len = chars.len();
        match *m {
            Mutation::Replace(i, c) if len > 0 => chars[i % len] = c,
            Mutation::Insert(i, c) => chars.insert(i % (len + 1), c),
            Mutation::Delete(i) if len > 0 => {
                chars.remove(i % len);
            }
            Mutation::Truncate(i) => chars.truncate(i % (len + 1)),
            _ => {}
        }
    }
    chars.into_iter().collect()
}

/// Same verdict and value as httpdate, except where httpdate cannot or does
/// not look: years before 1970, surrounding whitespace (it trims), and
/// [`httpdate_lax_rfc850`].
fn agree_with_httpdate(s: &str) -> Result<(), TestCaseError> {
    let theirs = httpdate_secs(s);
    match parse_http_date(s) {
        Ok(secs) if secs < 0 => prop_assert_eq!(theirs, None),
        Ok(secs) => prop_assert_eq!(Some(secs), theirs, "{:?}", s),
        Err(e) => prop_assert!(
            theirs.is_none() || s.trim() != s || httpdate_lax_rfc850(s, theirs),
            "we reject {s:?} ({e:?}); httpdate accepts it as {theirs:?}"
        ),
    }
    Ok(())
}

/// httpdate 1.0.3 does not check the space between the year and the hour of
/// an RFC 850 date (`Thursday, 12-Mar-92X00:00:00 GMT`): true if `s` is such
/// a date, i.e. we accept it with that byte set to a space.
fn httpdate_lax_rfc850(s: &str, theirs: Option<i64>) -> bool {
    let Some((name, rest)) = s.split_once(", ") else {
        return false;
    };
    let mut fixed = rest.as_bytes().to_vec();
    match fixed.get_mut(9) {
        Some(b) if *b != b' ' => *b = b' ',
        _ => return false,
    }
    let fixed = format!("{name}, {}", String::from_utf8_lossy(&fixed));
    parse_http_date(&fixed).ok() == theirs
}

proptest! {
    #![proptest_config(config(2048))]

    #[test]
    fn httpdate_output_parses_and_matches_our_formatter(seconds in 0..=MAX_SECS) {
        let theirs = httpdate::fmt_http_date(system_time(seconds));
        prop_assert_eq!(parse_http_date(&theirs), Ok(seconds), "{}", theirs);
        let ours = format_imf_fixdate(seconds).expect("in range");
        prop_assert_eq!(ours.as_str(), theirs.as_str());
        prop_assert_eq!(httpdate_secs(ours.as_str()), Some(seconds));
    }

    #[test]
    fn all_three_forms_match_httpdate(s in valid_http_date()) {
        let expected = httpdate_secs(&s);
        prop_assert!(expected.is_some(), "httpdate rejects generated {s:?}");
        prop_assert_eq!(parse_http_date(&s).ok(), expected, "{}", s);
    }

    #[test]
    fn mutated_http_dates_agree_with_httpdate(
        s in (valid_http_date(), proptest::collection::vec(mutation(), 1..=3)).prop_map(|(s, ms)| mutate(&s, &ms)),
    ) {
        agree_with_httpdate(&s)?;
    }

    #[test]
    fn wide_field_imf_fixdates_agree_with_httpdate(s in wide_field_imf_fixdate()) {
        agree_with_httpdate(&s)?;
    }

    /// Arbitrary strings never panic.
    #[test]
    fn arbitrary_strings_are_a_value_or_an_error(s in ".{0,40}") {
        let _ = parse_http_date(&s);
    }
}

/// Every day from 1970 to 2199 (each leap day and month end), at the first
/// and the last second and one in between, as httpdate writes it: parsed to
/// the same instant, formatted to the same text, and a wrong day name is
/// rejected on both sides.
#[test]
fn every_day_1970_to_2199_matches_httpdate() {
    const END_2199: i64 = 7_258_118_400 - 1;
    for day in 0..=END_2199 / 86_400 {
        for secs in [0, 45_296, 86_399] {
            let seconds = day * 86_400 + secs;
            let text = httpdate::fmt_http_date(system_time(seconds));
            assert_eq!(parse_http_date(&text), Ok(seconds), "{text}");
            assert_eq!(format_imf_fixdate(seconds).map(|f| f.to_string()), Some(text.clone()));
            let other = if text.starts_with("Mon") { "Tue" } else { "Mon" };
            let wrong = format!("{other}{}", &text[3..]);
            assert_eq!(parse_http_date(&wrong), Err(DateError::Weekday), "{wrong}");
            assert_eq!(httpdate_secs(&wrong), None, "{wrong}");
        }
    }
}
