//! Differential tests of `sts_codec::time` against independent
//! implementation: `chrono` for RFC 3339. (HTTP dates: `sts-transport`.)

use chrono::{DateTime, NaiveDate};
use proptest::prelude::*;
use proptest::test_runner::Config;
use sts_codec::time::{Timestamp, parse_rfc3339};

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

}
