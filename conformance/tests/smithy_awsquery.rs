//! The Smithy awsQuery protocol cases (`data/awsquery-protocol-cases.json`)
//! that fit STS's shapes, replayed against `sts-codec`.
//!
//! Smithy's test service has its own operation names and members, so each
//! response case's value is taken from the case body *as written on the wire*
//! (entities, CDATA, whitespace and all) and placed in the STS member of the
//! same type: timestamps in `Credentials/Expiration`, strings in
//! `SubjectFromWebIdentityToken`, integers in `PackedPolicySize`. The expected
//! value is the case's own. Error cases are decoded as they are.

// A host-only test crate: the core/alloc import lints are for the no_std crates.
#![allow(clippy::std_instead_of_core, clippy::std_instead_of_alloc)]

use serde_json::Value;
use sts_codec::{DecodeError, decode_response};

fn cases() -> Vec<Value> {
    let text = std::fs::read_to_string(conformance::data_path("awsquery-protocol-cases.json")).unwrap();
    let doc: Value = serde_json::from_str(&text).unwrap();
    doc["cases"].as_array().unwrap().clone()
}

fn case(id: &str) -> Value {
    cases()
        .into_iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("no case {id}"))
}

/// The raw text between `<tag>` and `</tag>` in a case body (`""` for `<tag/>`).
fn raw_member(body: &str, tag: &str) -> String {
    if body.contains(&format!("<{tag}/>")) {
        return String::new();
    }
    let open = format!("<{tag}>");
    let start = body.find(&open).unwrap_or_else(|| panic!("no <{tag}> in {body}")) + open.len();
    let end = body[start..].find(&format!("</{tag}>")).unwrap() + start;
    body[start..end].to_owned()
}

/// A success document with `text` as its `Audience` (a string member the STS
/// model puts no limits on, unlike `SubjectFromWebIdentityToken`).
fn sts_document(expiration: &str, text: Option<&str>, packed: Option<&str>) -> String {
    let mut result = format!(
        "<Credentials><AccessKeyId>ASIAEXAMPLE</AccessKeyId><SecretAccessKey>s</SecretAccessKey>\
         <SessionToken>t</SessionToken><Expiration>{expiration}</Expiration></Credentials>"
    );
    if let Some(s) = text {
        result.push_str(&format!("<Audience>{s}</Audience>"));
    }
    if let Some(p) = packed {
        result.push_str(&format!("<PackedPolicySize>{p}</PackedPolicySize>"));
    }
    format!(
        "<AssumeRoleWithWebIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\
         <AssumeRoleWithWebIdentityResult>{result}</AssumeRoleWithWebIdentityResult>\
         </AssumeRoleWithWebIdentityResponse>"
    )
}

#[test]
fn timestamp_cases() {
    // (case id, member element in the case body, expected member name in `params`)
    let table = [
        ("AwsQueryDateTimeWithNegativeOffset", "datetime"),
        ("AwsQueryDateTimeWithPositiveOffset", "datetime"),
        ("AwsQueryDateTimeWithFractionalSeconds", "datetime"),
        ("QueryXmlTimestamps", "normal"),
    ];
    for (id, tag) in table {
        let c = case(id);
        let raw = raw_member(c["body"].as_str().unwrap(), tag);
        let expected = c["expected"]["params"][tag].as_f64().unwrap();
        let mut body = sts_document(&raw, None, None).into_bytes();
        let out = decode_response(200, &mut body).unwrap_or_else(|e| panic!("{id}: {e}"));
        let exp = out.credentials.expiration;
        let got = exp.seconds as f64 + f64::from(exp.nanos) / 1e9;
        assert!((got - expected).abs() < 1e-6, "{id}: {got} != {expected}");
    }
}

#[test]
fn string_cases() {
    // Strings keep their whitespace; entities and character references are
    // resolved; `&#xD;` stays a carriage return.
    let table = [
        ("QueryGreetingWithErrors", "greeting", "greeting"),
        ("QueryIgnoresWrappingXmlName", "foo", "foo"),
        ("QueryXmlEmptyBlobs", "data", "data"),
        ("QueryXmlEmptySelfClosedBlobs", "data", "data"),
        ("QuerySimpleScalarProperties", "stringValue", "stringValue"),
        ("SimpleScalarPropertiesComplexEscapes", "stringValue", "stringValue"),
        (
            "SimpleScalarPropertiesWithEscapedCharacter",
            "stringValue",
            "stringValue",
        ),
        ("SimpleScalarPropertiesWithWhiteSpace", "stringValue", "stringValue"),
        ("SimpleScalarPropertiesPureWhiteSpace", "stringValue", "stringValue"),
    ];
    for (id, tag, param) in table {
        let c = case(id);
        let raw = raw_member(c["body"].as_str().unwrap(), tag);
        let expected = c["expected"]["params"][param].as_str().unwrap();
        let mut body = sts_document("2014-04-29T18:30:38Z", Some(&raw), None).into_bytes();
        let out = decode_response(200, &mut body).unwrap_or_else(|e| panic!("{id}: {e}"));
        assert_eq!(out.audience, Some(expected), "{id}");
    }
}

#[test]
fn integer_case() {
    let c = case("QuerySimpleScalarProperties");
    let raw = raw_member(c["body"].as_str().unwrap(), "integerValue");
    let mut body = sts_document("2014-04-29T18:30:38Z", None, Some(&raw)).into_bytes();
    let out = decode_response(200, &mut body).unwrap();
    assert_eq!(
        out.packed_policy_size.map(u64::from),
        c["expected"]["params"]["integerValue"].as_u64()
    );
}

#[test]
fn whole_document_cases() {
    // The preamble case as a whole document: XML declaration with spaces
    // around `=`, CDATA and a comment between elements.
    let c = case("SimpleScalarPropertiesWithXMLPreamble");
    let body = c["body"].as_str().unwrap();
    let sts = body
        .replace("<SimpleScalarPropertiesResponse>", "<AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult><Credentials><AccessKeyId>A</AccessKeyId><SecretAccessKey>s</SecretAccessKey><SessionToken>t</SessionToken><Expiration>2014-04-29T18:30:38Z</Expiration></Credentials>")
        .replace("</SimpleScalarPropertiesResponse>", "</AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>")
        .replace("stringValue", "Audience");
    let mut bytes = sts.into_bytes();
    let out = decode_response(200, &mut bytes).unwrap();
    assert_eq!(out.audience, c["expected"]["params"]["stringValue"].as_str());

    // With response metadata only (no result): the request id is read, and
    // the missing result is reported as such.
    let c = case("QueryNoInputAndNoOutputWithResponseMetadata");
    let sts = c["body"]
        .as_str()
        .unwrap()
        .replace("NoInputAndNoOutputResponse", "AssumeRoleWithWebIdentityResponse");
    let mut bytes = sts.into_bytes();
    assert_eq!(
        decode_response(200, &mut bytes).err(),
        Some(DecodeError::Malformed(sts_codec::Malformed::MissingMember(
            sts_codec::Member::Result
        )))
    );
}

#[test]
fn error_cases() {
    let mut checked = 0;
    for c in cases()
        .into_iter()
        .filter(|c| c["kind"] == "error" && c["protocol"] == "awsQuery")
    {
        let id = c["id"].as_str().unwrap();
        let status = c["expected"]["status"].as_u64().unwrap() as u16;
        let mut body = c["body"].as_str().unwrap().as_bytes().to_vec();
        let DecodeError::Service(e) = decode_response(status, &mut body).unwrap_err() else {
            panic!("{id}: not a service error")
        };
        assert_eq!(e.code, c["expected"]["error_code"].as_str().unwrap(), "{id}");
        assert_eq!(e.error_type, c["expected"]["error_type"].as_str(), "{id}");
        assert_eq!(e.status, status, "{id}");
        let message = c["expected"]["params"]["Message"].as_str().unwrap_or("");
        assert_eq!(e.message, message, "{id}");
        if c["body"].as_str().unwrap().contains("<RequestId>foo-id</RequestId>") {
            assert_eq!(e.request_id, Some("foo-id"), "{id}");
        }
        checked += 1;
    }
    assert_eq!(checked, 3, "awsQuery error cases");
}

/// `PolicyArns` is a list of structures, as `ComplexListArg` is in Smithy's
/// `QueryLists`: the same `Name.member.N.field` convention.
#[test]
fn list_of_structures_convention() {
    let c = case("QueryLists");
    let expected = c["expected"]["body"].as_str().unwrap();
    assert!(
        expected.contains("ComplexListArg.member.1.hi=hello&ComplexListArg.member.2.hi=hola"),
        "{expected}"
    );
    let arns = [
        "arn:aws:iam::aws:policy/ReadOnlyAccess",
        "arn:aws:iam::aws:policy/PowerUserAccess",
    ];
    let input = sts_codec::AssumeRoleWithWebIdentityInput::new("arn:aws:iam::123456789012:role/r", "ab", "abcd")
        .with_policy_arns(&arns);
    let mut buf = [0u8; 512];
    let n = sts_codec::encode(&input, &mut buf).unwrap();
    let body = core::str::from_utf8(&buf[..n]).unwrap();
    assert!(
        body.contains(
            "&PolicyArns.member.1.arn=arn%3Aaws%3Aiam%3A%3Aaws%3Apolicy%2FReadOnlyAccess&PolicyArns.member.2.arn="
        ),
        "{body}"
    );
}
