//! Validation rules and the awsQuery body, as tables and properties.

use proptest::prelude::*;
use sts_codec::{AssumeRoleWithWebIdentityInput, EncodeError, Field, Rule, encode, encoded_len};

const ARN: &str = "arn:aws:iam::123456789012:role/test-role";
const TOKEN: &str = "eyJhbGciOiJIUzI1NiJ9.e30.sig+/=";

fn valid() -> AssumeRoleWithWebIdentityInput<'static> {
    AssumeRoleWithWebIdentityInput::new(ARN, "session", TOKEN)
}

fn violations(input: &AssumeRoleWithWebIdentityInput<'_>) -> Vec<(Field, Option<u8>, Rule)> {
    let all: Vec<_> = input.violations().map(|v| (v.field, v.index, v.rule)).collect();
    // The error agrees with the list: the first one, how many, which members.
    match input.validate() {
        Ok(()) => assert!(all.is_empty()),
        Err(e) => {
            assert_eq!(
                Some((e.first().field, e.first().index, e.first().rule)),
                all.first().copied()
            );
            assert_eq!(e.len(), all.len());
            for &(field, _, _) in &all {
                assert!(e.contains(field));
            }
        }
    }
    all
}

fn s(n: usize, c: char) -> String {
    core::iter::repeat_n(c, n).collect()
}

#[test]
fn validation_rules_table() {
    let long_arn = format!("arn:{}", s(2044, 'a')); // 2048 chars
    let too_long_arn = format!("arn:{}", s(2045, 'a'));
    let token_max = s(20_000, 't');
    let token_over = s(20_001, 't');
    let policy_max = s(2048, '{');
    let policy_over = s(2049, '{');
    let name_max = s(64, 'n');
    let name_over = s(65, 'n');
    // A 4-byte character counts once: 20 scalar values, 23 bytes.
    let arn_astral = format!("arn:aws:iam::1:role/{}", '\u{1F600}');
    #[allow(clippy::type_complexity)]
    let cases: Vec<(&str, AssumeRoleWithWebIdentityInput<'_>, Vec<(Field, Option<u8>, Rule)>)> = vec![
        ("valid_minimal", valid(), vec![]),
        (
            "role_arn_at_max_2048",
            AssumeRoleWithWebIdentityInput::new(&long_arn, "ab", "abcd"),
            vec![],
        ),
        (
            "role_arn_over_max",
            AssumeRoleWithWebIdentityInput::new(&too_long_arn, "ab", "abcd"),
            vec![(Field::RoleArn, None, Rule::TooLong { len: 2049, max: 2048 })],
        ),
        (
            "role_arn_under_min_19",
            AssumeRoleWithWebIdentityInput::new("arn:aws:iam::1:role", "ab", "abcd"),
            vec![(Field::RoleArn, None, Rule::TooShort { len: 19, min: 20 })],
        ),
        (
            "role_arn_counts_scalars_not_bytes",
            AssumeRoleWithWebIdentityInput::new(&arn_astral, "ab", "abcd"),
            vec![],
        ),
        (
            "role_arn_control_char",
            AssumeRoleWithWebIdentityInput::new("arn:aws:iam::1:role/\u{1}x", "ab", "abcd"),
            vec![(Field::RoleArn, None, Rule::Pattern { position: 20 })],
        ),
        (
            "role_arn_del_not_allowed",
            AssumeRoleWithWebIdentityInput::new("arn:aws:iam::1:role/\u{7f}x", "ab", "abcd"),
            vec![(Field::RoleArn, None, Rule::Pattern { position: 20 })],
        ),
        (
            "role_arn_nel_allowed",
            AssumeRoleWithWebIdentityInput::new("arn:aws:iam::1:role/\u{85}x", "ab", "abcd"),
            vec![],
        ),
        (
            "role_arn_fffe_not_allowed",
            AssumeRoleWithWebIdentityInput::new("arn:aws:iam::1:role/\u{fffe}x", "ab", "abcd"),
            vec![(Field::RoleArn, None, Rule::Pattern { position: 20 })],
        ),
        (
            "session_name_one_char",
            AssumeRoleWithWebIdentityInput::new(ARN, "a", TOKEN),
            vec![(Field::RoleSessionName, None, Rule::TooShort { len: 1, min: 2 })],
        ),
        (
            "session_name_all_allowed_punctuation",
            AssumeRoleWithWebIdentityInput::new(ARN, "aZ09_+=,.@-", TOKEN),
            vec![],
        ),
        (
            "session_name_at_max_64",
            AssumeRoleWithWebIdentityInput::new(ARN, &name_max, TOKEN),
            vec![],
        ),
        (
            "session_name_over_max",
            AssumeRoleWithWebIdentityInput::new(ARN, &name_over, TOKEN),
            vec![(Field::RoleSessionName, None, Rule::TooLong { len: 65, max: 64 })],
        ),
        (
            "session_name_space",
            AssumeRoleWithWebIdentityInput::new(ARN, "my session", TOKEN),
            vec![(Field::RoleSessionName, None, Rule::Pattern { position: 2 })],
        ),
        (
            "session_name_non_ascii_word_char",
            AssumeRoleWithWebIdentityInput::new(ARN, "sé", TOKEN),
            vec![(Field::RoleSessionName, None, Rule::Pattern { position: 1 })],
        ),
        (
            "session_name_slash",
            AssumeRoleWithWebIdentityInput::new(ARN, "a/b", TOKEN),
            vec![(Field::RoleSessionName, None, Rule::Pattern { position: 1 })],
        ),
        (
            "token_three_chars",
            AssumeRoleWithWebIdentityInput::new(ARN, "ab", "abc"),
            vec![(Field::WebIdentityToken, None, Rule::TooShort { len: 3, min: 4 })],
        ),
        (
            "token_at_max_20000",
            AssumeRoleWithWebIdentityInput::new(ARN, "ab", &token_max),
            vec![],
        ),
        (
            "token_over_max",
            AssumeRoleWithWebIdentityInput::new(ARN, "ab", &token_over),
            vec![(
                Field::WebIdentityToken,
                None,
                Rule::TooLong {
                    len: 20_001,
                    max: 20_000,
                },
            )],
        ),
        ("duration_min_900", valid().with_duration_seconds(900), vec![]),
        ("duration_max_43200", valid().with_duration_seconds(43_200), vec![]),
        (
            "duration_899",
            valid().with_duration_seconds(899),
            vec![(Field::DurationSeconds, None, Rule::OutOfRange { min: 900, max: 43_200 })],
        ),
        (
            "duration_43201",
            valid().with_duration_seconds(43_201),
            vec![(Field::DurationSeconds, None, Rule::OutOfRange { min: 900, max: 43_200 })],
        ),
        ("policy_one_char", valid().with_policy("{"), vec![]),
        (
            "policy_latin1_allowed",
            valid().with_policy("{\"é\": \"\u{ff}\"}\t\r\n"),
            vec![],
        ),
        (
            "policy_empty",
            valid().with_policy(""),
            vec![(Field::Policy, None, Rule::TooShort { len: 0, min: 1 })],
        ),
        ("policy_at_max_2048", valid().with_policy(&policy_max), vec![]),
        (
            "policy_over_max",
            valid().with_policy(&policy_over),
            vec![(Field::Policy, None, Rule::TooLong { len: 2049, max: 2048 })],
        ),
        (
            "policy_beyond_latin1",
            valid().with_policy("{\"a\":\"\u{100}\"}"),
            vec![(Field::Policy, None, Rule::Pattern { position: 6 })],
        ),
        ("provider_id_min_4", valid().with_provider_id("a.io"), vec![]),
        (
            "provider_id_too_short",
            valid().with_provider_id("a.b"),
            vec![(Field::ProviderId, None, Rule::TooShort { len: 3, min: 4 })],
        ),
        ("policy_arns_ten", valid().with_policy_arns(&[ARN; 10]), vec![]),
        (
            "policy_arns_eleven",
            valid().with_policy_arns(&[ARN; 11]),
            vec![(Field::PolicyArns, None, Rule::TooMany { len: 11, max: 10 })],
        ),
        (
            "policy_arns_member_too_short_is_indexed",
            valid().with_policy_arns(&[ARN, "arn:short"]),
            vec![(Field::PolicyArns, Some(2), Rule::TooShort { len: 9, min: 20 })],
        ),
        (
            "every_member_broken_reported_in_order",
            AssumeRoleWithWebIdentityInput::new("", "", "")
                .with_provider_id("")
                .with_policy_arns(&[""])
                .with_policy("")
                .with_duration_seconds(0),
            vec![
                (Field::RoleArn, None, Rule::TooShort { len: 0, min: 20 }),
                (Field::RoleSessionName, None, Rule::TooShort { len: 0, min: 2 }),
                (Field::WebIdentityToken, None, Rule::TooShort { len: 0, min: 4 }),
                (Field::ProviderId, None, Rule::TooShort { len: 0, min: 4 }),
                (Field::PolicyArns, Some(1), Rule::TooShort { len: 0, min: 20 }),
                (Field::Policy, None, Rule::TooShort { len: 0, min: 1 }),
                (Field::DurationSeconds, None, Rule::OutOfRange { min: 900, max: 43_200 }),
            ],
        ),
    ];
    for (name, input, expected) in cases {
        assert_eq!(violations(&input), expected, "case {name}");
    }
}

#[test]
fn eleven_bad_policy_arns_stay_bounded() {
    let arns = ["x"; 50];
    let input = valid().with_policy_arns(&arns);
    let e = input.validate().unwrap_err();
    // The count, then the first ten members.
    assert_eq!(e.len(), 11);
    assert!(
        input
            .violations()
            .skip(1)
            .all(|v| v.field == Field::PolicyArns && v.index.is_some())
    );
}

#[test]
fn validation_messages_never_echo_the_token() {
    let token = "abc"; // too short
    let input = AssumeRoleWithWebIdentityInput::new(ARN, "s", token);
    let e = input.validate().unwrap_err();
    let text = format!("{e} {e:?}");
    assert!(text.contains("WebIdentityToken"), "{text}");
    assert!(text.contains("RoleSessionName"), "{text}");
    assert!(!text.contains(token), "{text}");
    let debug = format!("{input:?}");
    assert!(!debug.contains(token) && debug.contains("<redacted>"), "{debug}");
}

/// The body botocore 1.43.11 sent for the same input (recorded), compared
/// parameter by parameter: botocore writes a space as `+` and orders
/// `ProviderId` last, we write `%20` and follow the model order.
#[test]
fn matches_botocore_recorded_body_semantically() {
    let recorded = include_str!(
        "../../../conformance/data/recorded/botocore-1.43.11-AssumeRoleWithWebIdentity-special-chars.request-body.txt"
    );
    let arns = [
        "arn:aws:iam::aws:policy/ReadOnlyAccess",
        "arn:aws:iam::123456789012:policy/a b&c",
    ];
    let input = AssumeRoleWithWebIdentityInput::new(
        "arn:aws:iam::123456789012:role/test-role",
        "session-name_=,.@-",
        "eyJhbGciOiJIUzI1NiJ9.e30.sig+/=",
    )
    .with_policy_arns(&arns)
    .with_policy("{\"Version\":\"2012-10-17\"}")
    .with_duration_seconds(900)
    .with_provider_id("www.amazon.com");
    let mut buf = vec![0u8; encoded_len(&input)];
    let n = encode(&input, &mut buf).unwrap();
    let ours = core::str::from_utf8(&buf[..n]).unwrap();
    let mut a: Vec<(String, String)> = form_urlencoded::parse(ours.as_bytes()).into_owned().collect();
    let mut b: Vec<(String, String)> = form_urlencoded::parse(recorded.trim_end().as_bytes())
        .into_owned()
        .collect();
    a.sort();
    b.sort();
    assert_eq!(a, b);
    assert!(ours.contains("a%20b%26c"), "space is %20: {ours}");
    // Model order, exactly.
    let keys: Vec<String> = form_urlencoded::parse(ours.as_bytes())
        .map(|(k, _)| k.into_owned())
        .collect();
    assert_eq!(
        keys,
        [
            "Action",
            "Version",
            "RoleArn",
            "RoleSessionName",
            "WebIdentityToken",
            "ProviderId",
            "PolicyArns.member.1.arn",
            "PolicyArns.member.2.arn",
            "Policy",
            "DurationSeconds"
        ]
    );
}

/// smithy-rs recorded the exact bytes it sent for this input.
#[test]
fn matches_smithy_rs_recorded_body_exactly() {
    let recorded =
        include_str!("../../../conformance/data/recorded/smithy-rs-web_identity_token_env.1.request-body.txt");
    let token = recorded.split("WebIdentityToken=").nth(1).unwrap().trim_end();
    let input = AssumeRoleWithWebIdentityInput::new("arn:aws:iam::123456789123:role/test-role", "test-session", token);
    let mut buf = [0u8; 1024];
    let n = encode(&input, &mut buf).unwrap();
    assert_eq!(core::str::from_utf8(&buf[..n]).unwrap(), recorded.trim_end());
}

#[test]
fn buffer_too_small_reports_exact_size_and_wipes() {
    let input = valid().with_duration_seconds(3600);
    let needed = encoded_len(&input);
    for size in [0, 1, needed / 2, needed - 1] {
        let mut buf = vec![0xAAu8; size];
        assert_eq!(
            encode(&input, &mut buf),
            Err(EncodeError::BufferTooSmall { needed }),
            "size {size}"
        );
        assert!(buf.iter().all(|&b| b == 0), "partial body wiped");
    }
    let mut buf = vec![0u8; needed];
    assert_eq!(encode(&input, &mut buf), Ok(needed));
    assert!(buf.ends_with(b"&DurationSeconds=3600"));
}

#[test]
fn invalid_input_is_not_encoded() {
    let input = valid().with_duration_seconds(1);
    let mut buf = [0u8; 512];
    match encode(&input, &mut buf) {
        Err(EncodeError::Invalid(e)) => assert!(e.contains(Field::DurationSeconds)),
        other => panic!("expected invalid, got {other:?}"),
    }
}

#[test]
fn unreserved_kept_everything_else_uppercase_hex() {
    let input = AssumeRoleWithWebIdentityInput::new(ARN, "ab", "AZaz09-._~ !*'()\u{e9}\u{1F600}\n");
    let mut buf = [0u8; 512];
    let n = encode(&input, &mut buf).unwrap();
    let body = core::str::from_utf8(&buf[..n]).unwrap();
    assert!(
        body.ends_with("WebIdentityToken=AZaz09-._~%20%21%2A%27%28%29%C3%A9%F0%9F%98%80%0A"),
        "{body}"
    );
}

/// RoleArn, RoleSessionName, token, ProviderId, PolicyArns, Policy, DurationSeconds.
type Members = (
    String,
    String,
    String,
    Option<String>,
    Vec<String>,
    Option<String>,
    Option<u32>,
);

fn input_strategy() -> impl Strategy<Value = Members> {
    let arn = "arn:[\\PC\\t\\n]{16,60}".prop_filter("arn chars", |s| {
        s.chars().all(|c| matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{7E}' | '\u{85}' | '\u{A0}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..))
    });
    (
        arn.clone(),
        "[A-Za-z0-9_+=,.@-]{2,64}",
        "\\PC{4,300}",
        proptest::option::of("\\PC{4,100}"),
        proptest::collection::vec(arn, 0..=10),
        proptest::option::of("[\\t\\n\\r\\x20-\\xff]{1,300}"),
        proptest::option::of(900u32..=43_200),
    )
}

proptest! {
    /// Encode, then form-decode with an independent decoder: the input comes back.
    #[test]
    fn encode_then_form_decode_returns_the_input((arn, name, token, provider, arns, policy, duration) in input_strategy()) {
        let arn_refs: Vec<&str> = arns.iter().map(String::as_str).collect();
        let mut input = AssumeRoleWithWebIdentityInput::new(&arn, &name, &token).with_policy_arns(&arn_refs);
        input.provider_id = provider.as_deref();
        input.policy = policy.as_deref();
        input.duration_seconds = duration;
        let mut buf = vec![0u8; encoded_len(&input)];
        let n = encode(&input, &mut buf).unwrap();
        prop_assert_eq!(n, buf.len());
        // Only unreserved bytes and %XX appear.
        prop_assert!(buf.iter().all(|b| b.is_ascii_alphanumeric() || b"-._~%&=".contains(b)));
        let params: Vec<(String, String)> = form_urlencoded::parse(&buf).into_owned().collect();
        let get = |k: &str| params.iter().find(|(key, _)| key == k).map(|(_, v)| v.clone());
        prop_assert_eq!(get("Action"), Some("AssumeRoleWithWebIdentity".to_owned()));
        prop_assert_eq!(get("Version"), Some("2011-06-15".to_owned()));
        prop_assert_eq!(get("RoleArn"), Some(arn.clone()));
        prop_assert_eq!(get("RoleSessionName"), Some(name.clone()));
        prop_assert_eq!(get("WebIdentityToken"), Some(token.clone()));
        prop_assert_eq!(get("ProviderId"), provider.clone());
        prop_assert_eq!(get("Policy"), policy.clone());
        prop_assert_eq!(get("DurationSeconds"), duration.map(|d| d.to_string()));
        for (i, a) in arns.iter().enumerate() {
            prop_assert_eq!(get(&format!("PolicyArns.member.{}.arn", i + 1)), Some(a.clone()));
        }
        let expected = 5 + usize::from(provider.is_some()) + arns.len() + usize::from(policy.is_some()) + usize::from(duration.is_some());
        prop_assert_eq!(params.len(), expected);
    }

    /// Validation never panics and `encoded_len` is exact for any input.
    #[test]
    fn any_input_validates_without_panic(arn in "\\PC{0,80}", name in ".{0,80}", token in ".{0,40}", d in any::<u32>()) {
        let input = AssumeRoleWithWebIdentityInput::new(&arn, &name, &token).with_duration_seconds(d);
        let mut buf = vec![0u8; encoded_len(&input)];
        match encode(&input, &mut buf) {
            Ok(n) => prop_assert_eq!(n, buf.len()),
            Err(EncodeError::Invalid(e)) => prop_assert!(!e.is_empty()),
            Err(other) => prop_assert!(false, "unexpected {:?}", other),
        }
    }
}
