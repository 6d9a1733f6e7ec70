//! `AssumeRole` in the codec: validation by the STS model, the awsQuery
//! body, and the answer decoded by the same reader as
//! `AssumeRoleWithWebIdentity`. botocore's own serializer and parser are the
//! oracle in `conformance/tests/botocore_assume_role.rs`.

use sts_codec::{
    AssumeRoleInput, DecodeError, EncodeError, Field, Malformed, Member, ProvidedContext, Rule, Tag,
    assume_role_encoded_len, decode_assume_role_response, encode_assume_role,
};

const ARN: &str = "arn:aws:iam::222222222222:role/reader";

fn first(input: &AssumeRoleInput<'_>) -> Option<(Field, Option<u8>, Rule)> {
    input.validate().err().map(|e| {
        let v = e.first();
        (v.field, v.index, v.rule)
    })
}

#[test]
fn every_member_is_checked_at_its_model_edges() {
    let long = "a".repeat(3000);
    let tags51: Vec<Tag<'_>> = (0..51).map(|_| Tag::new("k", "v")).collect();
    let keys51: Vec<&str> = vec!["k"; 51];
    let ctx = |arn, assertion| ProvidedContext::new(arn, assertion);
    let ctx6: Vec<ProvidedContext<'_>> = (0..6).map(|_| ctx(ARN, "abcd")).collect();
    let base = AssumeRoleInput::new(ARN, "hop");
    type Case<'a> = (&'static str, AssumeRoleInput<'a>, Option<(Field, Option<u8>, Rule)>);
    let ok_ctx = [ctx(ARN, "abcd")];
    let short_ctx = [ctx(ARN, "abc")];
    let bad_provider = [ctx("arn:short", "abcd")];
    let tags_edge = [
        Tag::new(&long[..128], ""),
        Tag::new("ключ 日本 ٣", "ü=+-@:/._ \u{3000}"),
    ];
    let key_long = [Tag::new(&long[..129], "v")];
    let key_empty = [Tag::new("", "v")];
    let value_long = [Tag::new("k", &long[..257])];
    let value_bad = [Tag::new("k", "a,b")];
    let policy_arns_11 = [ARN; 11];
    let cases: Vec<Case<'_>> = vec![
        ("minimal", base, None),
        (
            "every member at its edge",
            AssumeRoleInput::new(&long[..20], &long[..64])
                .with_policy_arns(&[ARN; 10])
                .with_policy(&long[..2500])
                .with_duration_seconds(43_200)
                .with_tags(&tags_edge)
                .with_transitive_tag_keys(&["ключ 日本 ٣"])
                .with_external_id("ab:/=,.@+-_9")
                .with_source_identity(&long[..64])
                .with_provided_contexts(&ok_ctx),
            None,
        ),
        (
            "short role arn",
            AssumeRoleInput::new(&long[..19], "hop"),
            Some((Field::RoleArn, None, Rule::TooShort { len: 19, min: 20 })),
        ),
        (
            "session name pattern",
            AssumeRoleInput::new(ARN, "a/b"),
            Some((Field::RoleSessionName, None, Rule::Pattern { position: 1 })),
        ),
        (
            "eleven policy arns",
            base.with_policy_arns(&policy_arns_11),
            Some((Field::PolicyArns, None, Rule::TooMany { len: 11, max: 10 })),
        ),
        (
            "policy arn too short",
            base.with_policy_arns(&[ARN, "arn:x"]),
            Some((Field::PolicyArns, Some(2), Rule::TooShort { len: 5, min: 20 })),
        ),
        (
            "empty policy",
            base.with_policy(""),
            Some((Field::Policy, None, Rule::TooShort { len: 0, min: 1 })),
        ),
        (
            "policy beyond latin-1",
            base.with_policy("{\u{100}}"),
            Some((Field::Policy, None, Rule::Pattern { position: 1 })),
        ),
        (
            "duration 899",
            base.with_duration_seconds(899),
            Some((Field::DurationSeconds, None, Rule::OutOfRange { min: 900, max: 43_200 })),
        ),
        (
            "duration 43201",
            base.with_duration_seconds(43_201),
            Some((Field::DurationSeconds, None, Rule::OutOfRange { min: 900, max: 43_200 })),
        ),
        (
            "51 tags",
            base.with_tags(&tags51),
            Some((Field::Tags, None, Rule::TooMany { len: 51, max: 50 })),
        ),
        (
            "tag key 129",
            base.with_tags(&key_long),
            Some((Field::TagKey, Some(1), Rule::TooLong { len: 129, max: 128 })),
        ),
        (
            "tag key empty",
            base.with_tags(&key_empty),
            Some((Field::TagKey, Some(1), Rule::TooShort { len: 0, min: 1 })),
        ),
        (
            "tag value 257",
            base.with_tags(&value_long),
            Some((Field::TagValue, Some(1), Rule::TooLong { len: 257, max: 256 })),
        ),
        (
            "tag value comma",
            base.with_tags(&value_bad),
            Some((Field::TagValue, Some(1), Rule::Pattern { position: 1 })),
        ),
        (
            "51 transitive keys",
            base.with_transitive_tag_keys(&keys51),
            Some((Field::TransitiveTagKeys, None, Rule::TooMany { len: 51, max: 50 })),
        ),
        (
            "transitive key pattern",
            base.with_transitive_tag_keys(&["ok", "no*"]),
            Some((Field::TransitiveTagKeys, Some(2), Rule::Pattern { position: 2 })),
        ),
        (
            "external id 1",
            base.with_external_id("a"),
            Some((Field::ExternalId, None, Rule::TooShort { len: 1, min: 2 })),
        ),
        (
            "external id 1225",
            base.with_external_id(&long[..1225]),
            Some((Field::ExternalId, None, Rule::TooLong { len: 1225, max: 1224 })),
        ),
        (
            "external id space",
            base.with_external_id("a b"),
            Some((Field::ExternalId, None, Rule::Pattern { position: 1 })),
        ),
        (
            "source identity colon",
            base.with_source_identity("a:b"),
            Some((Field::SourceIdentity, None, Rule::Pattern { position: 1 })),
        ),
        (
            "six contexts",
            base.with_provided_contexts(&ctx6),
            Some((Field::ProvidedContexts, None, Rule::TooMany { len: 6, max: 5 })),
        ),
        (
            "context assertion 3",
            base.with_provided_contexts(&short_ctx),
            Some((Field::ContextAssertion, Some(1), Rule::TooShort { len: 3, min: 4 })),
        ),
        (
            "provider arn 9",
            base.with_provided_contexts(&bad_provider),
            Some((Field::ProviderArn, Some(1), Rule::TooShort { len: 9, min: 20 })),
        ),
    ];
    for (name, input, want) in cases {
        assert_eq!(first(&input), want, "{name}");
        assert_eq!(
            input.violations().next().map(|v| (v.field, v.index, v.rule)),
            want,
            "{name}"
        );
    }
}

#[test]
fn errors_name_every_bad_member_and_never_a_value() {
    let tags = [Tag::new("k", "SECRET,VALUE")];
    let contexts = [ProvidedContext::new("arn:x", "ASSERTION-SECRET")];
    let input = AssumeRoleInput::new(ARN, "h")
        .with_tags(&tags)
        .with_external_id("SECRET EXT")
        .with_provided_contexts(&contexts);
    let e = input.validate().unwrap_err();
    assert_eq!(e.len(), 4);
    for f in [
        Field::RoleSessionName,
        Field::TagValue,
        Field::ExternalId,
        Field::ProviderArn,
    ] {
        assert!(e.contains(f), "{f:?}");
    }
    assert!(!e.contains(Field::RoleArn));
    let text = e.to_string();
    assert_eq!(
        text,
        "invalid AssumeRole input: RoleSessionName: 1 characters, fewer than the minimum 2; \
         also invalid: Tags.member.N.Value, ExternalId, ProvidedContexts.member.N.ProviderArn"
    );
    let all: Vec<String> = input.violations().map(|v| v.to_string()).collect();
    assert_eq!(
        all[1],
        "Tags.member.1.Value: character at position 6 is not allowed by the member's pattern"
    );
    assert_eq!(
        all[3],
        "ProvidedContexts.member.1.ProviderArn: 5 characters, fewer than the minimum 20"
    );
    assert!(
        !format!("{input:?}").contains("ASSERTION-SECRET"),
        "assertions are secrets"
    );
    assert!(matches!(
        encode_assume_role(&input, &mut [0u8; 512]),
        Err(EncodeError::Invalid(_))
    ));
}

#[test]
fn the_body_lists_every_member_in_model_order() {
    let tags = [Tag::new("a b", "é"), Tag::new("k2", "")];
    let contexts = [ProvidedContext::new(
        "arn:aws:iam::aws:contextProvider/IdentityCenter",
        "tok+/=",
    )];
    let input = AssumeRoleInput::new(ARN, "hop")
        .with_policy_arns(&["arn:aws:iam::aws:policy/ReadOnlyAccess"])
        .with_policy("{\"a\": 1}")
        .with_duration_seconds(3600)
        .with_tags(&tags)
        .with_transitive_tag_keys(&["a b"])
        .with_external_id("ext")
        .with_source_identity("alice")
        .with_provided_contexts(&contexts);
    let mut buf = [0u8; 1024];
    let n = encode_assume_role(&input, &mut buf).unwrap();
    assert_eq!(n, assume_role_encoded_len(&input));
    assert_eq!(
        core::str::from_utf8(&buf[..n]).unwrap(),
        "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A222222222222%3Arole%2Freader\
         &RoleSessionName=hop&PolicyArns.member.1.arn=arn%3Aaws%3Aiam%3A%3Aaws%3Apolicy%2FReadOnlyAccess\
         &Policy=%7B%22a%22%3A%201%7D&DurationSeconds=3600\
         &Tags.member.1.Key=a%20b&Tags.member.1.Value=%C3%A9&Tags.member.2.Key=k2&Tags.member.2.Value=\
         &TransitiveTagKeys.member.1=a%20b&ExternalId=ext&SourceIdentity=alice\
         &ProvidedContexts.member.1.ProviderArn=arn%3Aaws%3Aiam%3A%3Aaws%3AcontextProvider%2FIdentityCenter\
         &ProvidedContexts.member.1.ContextAssertion=tok%2B%2F%3D"
    );
    let mut short = [0xAAu8; 100];
    assert_eq!(
        encode_assume_role(&input, &mut short),
        Err(EncodeError::BufferTooSmall { needed: n })
    );
    assert!(short.iter().all(|&b| b == 0), "a short buffer is wiped");
}

const OK: &str = r#"<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult>
    <SourceIdentity>alice</SourceIdentity>
    <AssumedRoleUser>
      <Arn>arn:aws:sts::222222222222:assumed-role/reader/hop</Arn>
      <AssumedRoleId>AROA3XFRBF535PLBIFPI4:hop</AssumedRoleId>
    </AssumedRoleUser>
    <Credentials>
      <AccessKeyId>ASIAJEXAMPLEXEG2JICEA</AccessKeyId>
      <SecretAccessKey>9drTJvcXLB89EXAMPLELB8923FB892xMFI</SecretAccessKey>
      <SessionToken>AQoXdzELDDY//////////wEaoAK1wvxJY12r2IrDFT2IvAzTCn3zHoZ7YNtpiQLF0MqZye/qwjzP2iEXAMPLE</SessionToken>
      <Expiration>2011-07-15T23:28:33.359Z</Expiration>
    </Credentials>
    <PackedPolicySize>6</PackedPolicySize>
  </AssumeRoleResult>
  <ResponseMetadata>
    <RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId>
  </ResponseMetadata>
</AssumeRoleResponse>"#;

#[test]
fn the_answer_decodes_with_the_members_assume_role_adds() {
    let mut body = OK.as_bytes().to_vec();
    let out = decode_assume_role_response(200, &mut body).unwrap();
    assert_eq!(out.credentials.access_key_id, "ASIAJEXAMPLEXEG2JICEA");
    assert_eq!(out.credentials.expiration.seconds, 1_310_772_513);
    assert_eq!(out.credentials.expiration.nanos, 359_000_000);
    assert_eq!(out.source_identity, Some("alice"));
    assert_eq!(out.packed_policy_size, Some(6));
    let user = out.assumed_role_user.unwrap();
    assert_eq!(user.arn, "arn:aws:sts::222222222222:assumed-role/reader/hop");
    assert_eq!(out.request_id, Some("c6104cbe-af31-11e0-8154-cbc7ccf896c7"));
    assert!(!format!("{out:?}").contains("9drTJ"));
}

#[test]
fn broken_answers_are_typed_errors() {
    let decode = |status: u16, body: &str| {
        let mut b = body.as_bytes().to_vec();
        decode_assume_role_response(status, &mut b)
            .map(|_| ())
            .map_err(|e| match e {
                DecodeError::Service(s) => format!("service {}", s.code),
                DecodeError::Http { status } => format!("http {status}"),
                DecodeError::Malformed(m) => format!("{m:?}"),
                other => format!("{other:?}"),
            })
    };
    let web_identity = OK.replace("AssumeRoleResponse", "AssumeRoleWithWebIdentityResponse");
    let cases: &[(&str, u16, &str, &str)] = &[
        ("web identity root", 200, &web_identity, "UnexpectedRoot"),
        (
            "no result",
            200,
            "<AssumeRoleResponse/>",
            "MissingMember(AssumeRoleResult)",
        ),
        (
            "no credentials",
            200,
            "<AssumeRoleResponse><AssumeRoleResult/></AssumeRoleResponse>",
            "MissingMember(Credentials)",
        ),
        (
            "bad size",
            200,
            &OK.replace(">6<", ">-6<"),
            "InvalidNumber(PackedPolicySize)",
        ),
        (
            "source identity outside the model",
            200,
            &OK.replace(">alice<", ">al ice<"),
            "OutOfModel(SourceIdentity)",
        ),
        (
            "duplicate",
            200,
            &OK.replace(
                "<PackedPolicySize>6</PackedPolicySize>",
                "<PackedPolicySize>6</PackedPolicySize><PackedPolicySize>6</PackedPolicySize>",
            ),
            "DuplicateMember(PackedPolicySize)",
        ),
        ("truncated", 200, &OK[..OK.len() - 10], "Xml("),
        ("empty", 200, " \n", "EmptyBody"),
        (
            "error document",
            403,
            "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>no</Message></Error><RequestId>1</RequestId></ErrorResponse>",
            "service AccessDenied",
        ),
        ("html", 502, "<html>bad gateway</html>", "http 502"),
    ];
    for (name, status, body, want) in cases {
        let got = decode(*status, body).unwrap_err();
        assert!(got.starts_with(want), "{name}: {got}");
    }
    assert_eq!(Member::AssumeRoleResult.api_name(), "AssumeRoleResult");
    let _ = Malformed::EmptyBody;
}

/// moto 5.2.1's answer to `AssumeRole`, recorded (the fuzz seed corpus
/// holds it): microsecond `Expiration`, `PackedPolicySize`, no
/// `SourceIdentity` although one was asked for.
#[test]
fn motos_recorded_answer_decodes() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../fuzz/corpus-seed/decode_assume_role/rec-moto-5.2.1-AssumeRole.response-200.xml"
    );
    let mut body = std::fs::read(path).unwrap();
    let out = decode_assume_role_response(200, &mut body).unwrap();
    assert_eq!(out.credentials.access_key_id, "ASIATHPL2AOHKSV5SYOW");
    assert_eq!(out.credentials.expiration.nanos, 48_450_000);
    assert_eq!(
        out.assumed_role_user.unwrap().arn,
        "arn:aws:sts::222222222222:assumed-role/reader/hop-2"
    );
    assert_eq!((out.packed_policy_size, out.source_identity), (Some(6), None));
    assert_eq!(
        out.request_id,
        Some("feiIOVw0rhNxNuX1zfEKEIclLyuiWNpGBVHOwqSrMJiJS6CD7KwV")
    );
}
