//! Differential tests of `sts_codec::time` against independent
//! implementations: `chrono` for RFC 3339 and `httpdate` for HTTP dates.

use core::time::Duration;
use std::time::{SystemTime, UNIX_EPOCH};

use chrono::{DateTime, NaiveDate, Utc};
use proptest::prelude::*;
use proptest::test_runner::Config;
use sts_codec::time::{Timestamp, parse_imf_fixdate, parse_rfc3339};

/// Unix seconds of 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z.
const MIN_SECS: i64 = -62_167_219_200;
const MAX_SECS: i64 = 253_402_300_799;

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

/// Days in a month, decided by chrono rather than by the code under test.
fn days_in_month(year: i32, month: u32) -> u32 {
    (28..=31)
        .rev()
        .find(|&d| NaiveDate::from_ymd_opt(year, month, d).is_some())
        .unwrap_or(28)
}

/// A valid RFC 3339 date-time, as our grammar and chrono's both define it.
fn valid_rfc3339() -> impl Strategy<Value = String> {
    let date = (0i32..=9999, 1u32..=12).prop_flat_map(|(y, m)| (Just(y), Just(m), 1..=days_in_month(y, m)));
    let time = (0u32..24, 0u32..60, 0u32..60);
    let fraction = proptest::collection::vec(0u8..10, 0..=9);
    let offset = prop_oneof![
        Just("Z".to_owned()),
        Just("z".to_owned()),
        (prop::bool::ANY, 0u32..24, 0u32..60)
            .prop_map(|(neg, h, m)| format!("{}{h:02}:{m:02}", if neg { '-' } else { '+' })),
    ];
    (date, prop::bool::ANY, time, fraction, offset).prop_map(|((y, mo, d), upper_t, (h, mi, s), frac, off)| {
        let sep = if upper_t { 'T' } else { 't' };
        let mut out = format!("{y:04}-{mo:02}-{d:02}{sep}{h:02}:{mi:02}:{s:02}");
        if !frac.is_empty() {
            out.push('.');
            out.extend(frac.iter().map(|&digit| char::from(b'0' + digit)));
        }
        out.push_str(&off);
        out
    })
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

/// RFC 3339 strings with every field drawn from a range wider than valid.
fn wide_field_rfc3339() -> impl Strategy<Value = String> {
    let date = (interesting_year(), 0u32..=14, 0u32..=32);
    let time = (0u32..=25, 0u32..=61, 0u32..=61);
    let offset = prop_oneof![
        Just("Z".to_owned()),
        (prop::bool::ANY, 0u32..=25, 0u32..=61)
            .prop_map(|(neg, h, m)| format!("{}{h:02}:{m:02}", if neg { '-' } else { '+' })),
    ];
    (date, time, offset)
        .prop_map(|((y, mo, d), (h, mi, s), off)| format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}{off}"))
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

fn near_valid_rfc3339() -> impl Strategy<Value = String> {
    (valid_rfc3339(), proptest::collection::vec(mutation(), 1..=3)).prop_map(|(s, ms)| mutate(&s, &ms))
}

/// Inputs chrono's `parse_from_rfc3339` accepts that we reject on purpose.
fn documented_rejection(s: &str) -> bool {
    let b = s.as_bytes();
    let space_separator = b.get(10) == Some(&b' ');
    let leap_second = b.get(17..19) == Some(b"60".as_slice());
    let long_fraction = b.get(19) == Some(&b'.') && b.iter().skip(20).take_while(|c| c.is_ascii_digit()).count() > 9;
    let unicode_minus = s.contains('\u{2212}');
    space_separator || leap_second || long_fraction || unicode_minus
}

fn chrono_rfc3339(s: &str) -> Option<Timestamp> {
    DateTime::parse_from_rfc3339(s).ok().map(|dt| Timestamp {
        seconds: dt.timestamp(),
        nanos: dt.timestamp_subsec_nanos(),
    })
}

/// Same verdict and value as chrono, except for [`documented_rejection`]s.
fn agree_with_chrono(s: &str) -> Result<(), TestCaseError> {
    match (parse_rfc3339(s), chrono_rfc3339(s)) {
        (Ok(a), Some(b)) => prop_assert_eq!(a, b, "{:?}", s),
        (Ok(a), None) => prop_assert!(false, "we accept {s:?} as {a:?}; chrono rejects it"),
        (Err(e), Some(b)) => prop_assert!(
            documented_rejection(s),
            "we reject {s:?} ({e:?}); chrono accepts it as {b:?}"
        ),
        (Err(_), None) => {}
    }
    Ok(())
}

/// Same verdict and value as httpdate, except where httpdate cannot or does
/// not look: years before 1970, surrounding whitespace (it trims), and
/// [`httpdate_lax_rfc850`].
fn agree_with_httpdate(s: &str) -> Result<(), TestCaseError> {
    let theirs = httpdate_secs(s);
    match parse_imf_fixdate(s) {
        Ok(t) if t.seconds < 0 => prop_assert_eq!(theirs, None),
        Ok(t) => {
            prop_assert_eq!(t.nanos, 0);
            prop_assert_eq!(Some(t.seconds), theirs, "{:?}", s);
        }
        Err(e) => prop_assert!(
            theirs.is_none() || s.trim() != s || httpdate_lax_rfc850(s, theirs),
            "we reject {s:?} ({e:?}); httpdate accepts it as {theirs:?}"
        ),
    }
    Ok(())
}

fn system_time(seconds: i64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(u64::try_from(seconds).expect("non-negative"))
}

fn httpdate_secs(s: &str) -> Option<i64> {
    let t = httpdate::parse_http_date(s).ok()?;
    let secs = t.duration_since(UNIX_EPOCH).ok()?.as_secs();
    i64::try_from(secs).ok()
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
    parse_imf_fixdate(&fixed).ok().map(|t| t.seconds) == theirs
}

/// A Unix time in whole seconds, formatted as all three HTTP date forms.
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

proptest! {
    #![proptest_config(config(2048))]

    #[test]
    fn valid_rfc3339_matches_chrono(s in valid_rfc3339()) {
        let expected = chrono_rfc3339(&s);
        prop_assert!(expected.is_some(), "generator produced {s:?}, which chrono rejects");
        prop_assert_eq!(parse_rfc3339(&s).ok(), expected, "{}", s);
    }

    #[test]
    fn mutated_rfc3339_agrees_with_chrono(s in near_valid_rfc3339()) {
        agree_with_chrono(&s)?;
    }

    #[test]
    fn wide_field_rfc3339_agrees_with_chrono(s in wide_field_rfc3339()) {
        agree_with_chrono(&s)?;
    }

    #[test]
    fn rfc3339_output_parses_in_chrono_to_the_same_instant(
        seconds in MIN_SECS..=MAX_SECS,
        nanos in prop_oneof![
            Just(0u32),
            (0u32..1000).prop_map(|ms| ms * 1_000_000),
            (0u32..1_000_000).prop_map(|us| us * 1_000),
            0u32..1_000_000_000,
        ],
    ) {
        let t = Timestamp { seconds, nanos };
        let text = t.rfc3339().expect("in range").to_string();
        prop_assert_eq!(chrono_rfc3339(&text), Some(t), "{}", text);
        prop_assert_eq!(parse_rfc3339(&text), Ok(t), "{}", text);
        // Shortest exact fraction width: none, 3, 6 or 9 digits.
        let width = if nanos == 0 {
            0
        } else if nanos % 1_000_000 == 0 {
            4
        } else if nanos % 1_000 == 0 {
            7
        } else {
            10
        };
        prop_assert_eq!(text.len(), 20 + width, "{}", text);
    }

    #[test]
    fn httpdate_output_parses_and_matches_our_formatter(seconds in 0..=MAX_SECS) {
        let theirs = httpdate::fmt_http_date(system_time(seconds));
        prop_assert_eq!(parse_imf_fixdate(&theirs), Ok(Timestamp { seconds, nanos: 0 }), "{}", theirs);
        let ours = Timestamp { seconds, nanos: 0 }.imf_fixdate().expect("in range");
        prop_assert_eq!(ours.as_str(), theirs.as_str());
        prop_assert_eq!(httpdate_secs(ours.as_str()), Some(seconds));
    }

    #[test]
    fn all_three_http_date_forms_match_httpdate(s in valid_http_date()) {
        let expected = httpdate_secs(&s);
        prop_assert!(expected.is_some(), "httpdate rejects generated {s:?}");
        prop_assert_eq!(parse_imf_fixdate(&s).ok().map(|t| t.seconds), expected, "{}", s);
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
}

/// Every day from 1970 to 2199 (each leap day and month end), at the first
/// and the last second and one in between, as httpdate writes it: the
/// IMF-fixdate parser (its fast path, for these) reads the same instant, and
/// a wrong day name is rejected on both sides.
#[test]
fn every_day_imf_fixdate_matches_httpdate() {
    const END_2199: i64 = 7_258_118_400 - 1;
    for day in 0..=END_2199 / 86_400 {
        for secs in [0, 45_296, 86_399] {
            let seconds = day * 86_400 + secs;
            let text = httpdate::fmt_http_date(system_time(seconds));
            assert_eq!(parse_imf_fixdate(&text), Ok(Timestamp { seconds, nanos: 0 }), "{text}");
            let other = if text.starts_with("Mon") { "Tue" } else { "Mon" };
            let wrong = format!("{other}{}", &text[3..]);
            assert!(parse_imf_fixdate(&wrong).is_err(), "{wrong}");
            assert_eq!(httpdate_secs(&wrong), None, "{wrong}");
        }
    }
}
