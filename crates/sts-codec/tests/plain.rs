//! The plain fast path of the success decoder ([`decode_plain`], tried
//! first by [`decode_response`] for a 2xx status) against the general path
//! ([`decode_response_general`]): whenever the fast path answers, it is the
//! general path's answer; it answers for the usual documents; it gives up on
//! everything it does not handle trivially.

// A host-only test: the core/alloc import lints are for the no_std crate.
#![allow(clippy::std_instead_of_core, clippy::std_instead_of_alloc)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use proptest::prelude::*;
use sts_codec::decode::{decode_plain, decode_response_general};
use sts_codec::{DecodeError, decode_response};

// ---------------------------------------------------------------- helpers

/// Checks the fast path against the general path on `body` (status 200):
/// `decode_response` is always the general answer, and the fast path's
/// answer, if any, is a success equal to it. Returns whether the fast path
/// answered, and whether the general path succeeded.
fn differential(body: &[u8]) -> (bool, bool) {
    let mut general_buf = body.to_vec();
    let general = decode_response_general(200, &mut general_buf);
    let mut full_buf = body.to_vec();
    let full = decode_response(200, &mut full_buf);
    assert_eq!(full, general, "decode_response differs from the general path");
    let fast = decode_plain(body);
    if let Some(fast) = &fast {
        assert_eq!(
            Ok(fast),
            general.as_ref(),
            "the fast path differs from the general path"
        );
    }
    (fast.is_some(), general.is_ok())
}

/// The repository's `conformance/data/` directory.
fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../conformance/data")
}

/// Every string inside a JSON value.
fn json_strings(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::String(s) => out.push(s.clone()),
        serde_json::Value::Array(a) => a.iter().for_each(|v| json_strings(v, out)),
        serde_json::Value::Object(o) => o.values().for_each(|v| json_strings(v, out)),
        _ => {}
    }
}

/// Every answer body recorded in `conformance/data/recorded/` and
/// `conformance/data/exchanges/`, by a name saying where it comes from:
/// whole `.xml` files, XML strings inside `.json` files (recorded traffic,
/// exchange answers, parser cases), and XML documents inside `.txt`
/// snapshots.
fn recorded_bodies() -> BTreeMap<String, Vec<u8>> {
    let mut bodies = BTreeMap::new();
    for dir in ["recorded", "exchanges"] {
        let mut files: Vec<PathBuf> = std::fs::read_dir(data_dir().join(dir))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        for path in files {
            let name = format!("{dir}/{}", path.file_name().unwrap().to_string_lossy());
            let bytes = std::fs::read(&path).unwrap();
            match path.extension().and_then(|e| e.to_str()) {
                Some("xml") => {
                    bodies.insert(name, bytes);
                }
                Some("json") => {
                    let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
                    let mut strings = Vec::new();
                    json_strings(&v, &mut strings);
                    for (k, s) in strings
                        .into_iter()
                        .filter(|s| s.trim_start().starts_with('<'))
                        .enumerate()
                    {
                        bodies.insert(format!("{name}#{k}"), s.into_bytes());
                    }
                }
                Some("txt") => {
                    let text = String::from_utf8_lossy(&bytes);
                    const OPEN: &str = "<AssumeRoleWithWebIdentityResponse";
                    const CLOSE: &str = "</AssumeRoleWithWebIdentityResponse>";
                    for (k, (at, _)) in text.match_indices(OPEN).enumerate() {
                        let rest = &text[at..];
                        let end = match (rest.find(CLOSE), rest.find("/>")) {
                            (Some(c), _) => c + CLOSE.len(),
                            (None, Some(e)) => e + 2,
                            (None, None) => continue,
                        };
                        bodies.insert(format!("{name}#{k}"), rest.as_bytes()[..end].to_vec());
                    }
                }
                _ => {}
            }
        }
    }
    bodies
}

/// The recorded success documents, which the fast path must all take
/// (`#k`: the `k`-th XML string in a JSON file). The others are error
/// documents, fragments, other operations' answers (`AssumeRoleResponse`)
/// and malformed documents, which the general path rejects.
const FAST: &[&str] = &[
    "exchanges/api-reference-order.json#0",
    "exchanges/idp-communication-error-then-success.json#1",
    "exchanges/moto-live-duration-900.json#0",
    "exchanges/moto-live-policy-arns-43200.json#0",
    "exchanges/moto-single-line-microseconds.json#0",
    "exchanges/retry-503-then-success.json#0",
    "exchanges/smithy-AwsQueryDateTimeWithFractionalSeconds.json#0",
    "exchanges/smithy-AwsQueryDateTimeWithNegativeOffset.json#0",
    "exchanges/smithy-AwsQueryDateTimeWithPositiveOffset.json#0",
    "exchanges/success-smithy-rs-eks.json#0",
    "exchanges/truncated-200-retried-then-success.json#1",
    "recorded/aws-c-auth-source-comment-api-reference-response.xml",
    "recorded/aws-c-auth-web-identity-s_good_response.xml",
    "recorded/moto-5.2.1-AssumeRoleWithWebIdentity.response-200.xml",
    "recorded/moto-live-duration-900.json#0",
    "recorded/moto-live-policy-arns-43200.json#0",
    "recorded/smithy-rs-web_identity_token_env.1.response-200.xml",
    "recorded/smithy-rs-web_identity_token_env.http-traffic.json#0",
    "recorded/smithy-rs-web_identity_token_profile.1.response-200.xml",
    "recorded/smithy-rs-web_identity_token_profile.http-traffic.json#0",
    "recorded/smithy-rs-web_identity_token_source_profile.1.response-200.xml",
    "recorded/smithy-rs-web_identity_token_source_profile.http-traffic.json#0",
];

// ---------------------------------------------------------------- recorded

#[test]
fn recorded_documents_fast_path_equals_general_path() {
    let bodies = recorded_bodies();
    assert!(bodies.len() >= 40, "only {} bodies found", bodies.len());
    let mut fast = Vec::new();
    let mut bailed = Vec::new();
    for (name, body) in &bodies {
        let (took_fast, success) = differential(body);
        if took_fast {
            fast.push(name.as_str());
        } else if success {
            bailed.push(name.as_str());
        }
    }
    eprintln!("fast path: {fast:#?}\nsuccesses left to the general path: {bailed:#?}");
    assert_eq!(fast, FAST, "the recorded documents the fast path takes");
    assert!(
        bailed.is_empty(),
        "recorded successes the fast path gives up on: {bailed:?}"
    );
}

/// The benchmark's document is plain, with every member.
#[test]
fn smithy_rs_recorded_document_takes_the_fast_path() {
    let body = std::fs::read(data_dir().join("recorded/smithy-rs-web_identity_token_env.1.response-200.xml")).unwrap();
    let out = decode_plain(&body).expect("plain");
    assert_eq!(out.credentials.access_key_id, "AKIDTEST");
    assert_eq!(out.credentials.expiration.seconds, 1_629_147_173);
    assert_eq!(
        out.subject_from_web_identity_token,
        Some("system:serviceaccount:default:default")
    );
    assert_eq!(out.request_id, Some("f874b1d6-2f3b-4834-907a-6a7c4b3b2d35"));
    assert_eq!(differential(&body), (true, true));
}

/// A non-2xx status never takes the fast path: a plain success document
/// with an error status is an HTTP error.
#[test]
fn error_statuses_never_take_the_fast_path() {
    let body = base();
    assert!(decode_plain(body.as_bytes()).is_some());
    for status in [199u16, 300, 400, 403, 500, 503] {
        let mut b = body.clone().into_bytes();
        assert_eq!(decode_response(status, &mut b), Err(DecodeError::Http { status }));
    }
}

// ---------------------------------------------------------------- bail-outs

/// A plain document with every member.
fn base() -> String {
    "<AssumeRoleWithWebIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n\
     \x20 <AssumeRoleWithWebIdentityResult>\n\
     \x20   <Credentials>\n\
     \x20     <AccessKeyId>ASIAEXAMPLE</AccessKeyId>\n\
     \x20     <SecretAccessKey>wJalrXUtnFEMI/K7MDENG</SecretAccessKey>\n\
     \x20     <SessionToken>IQoJb3JpZ2luX2Vj+/=</SessionToken>\n\
     \x20     <Expiration>2021-08-16T20:52:53Z</Expiration>\n\
     \x20   </Credentials>\n\
     \x20   <AssumedRoleUser>\n\
     \x20     <AssumedRoleId>AROAEXAMPLE:s</AssumedRoleId>\n\
     \x20     <Arn>arn:aws:sts::123456789012:assumed-role/r/s</Arn>\n\
     \x20   </AssumedRoleUser>\n\
     \x20   <SubjectFromWebIdentityToken>sub</SubjectFromWebIdentityToken>\n\
     \x20   <PackedPolicySize>6</PackedPolicySize>\n\
     \x20   <Provider>accounts.google.com</Provider>\n\
     \x20   <Audience>aud</Audience>\n\
     \x20   <SourceIdentity>src</SourceIdentity>\n\
     \x20 </AssumeRoleWithWebIdentityResult>\n\
     \x20 <ResponseMetadata>\n\
     \x20   <RequestId>c2ad7e6c-0000</RequestId>\n\
     \x20 </ResponseMetadata>\n\
     </AssumeRoleWithWebIdentityResponse>\n"
        .to_string()
}

/// `base()` with `from` replaced by `to` (which must occur).
fn edit(from: &str, to: &str) -> String {
    let b = base();
    assert!(b.contains(from), "{from:?} not in the base document");
    b.replacen(from, to, 1)
}

#[test]
fn plain_variations_take_the_fast_path() {
    for (what, doc) in [
        ("base", base()),
        (
            "no namespace",
            edit(" xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"", ""),
        ),
        (
            "declaration",
            format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{}", base()),
        ),
        ("short declaration", format!("<?xml version=\"1.0\"?>{}", base())),
        (
            "lower-case encoding",
            format!("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n{}", base()),
        ),
        ("leading whitespace", format!(" \n\t{}", base())),
        ("no trailing newline", base().trim_end().to_string()),
        (
            "one line",
            base().replace(['\n', ' '], "").replace(
                "AssumeRoleWithWebIdentityResponsexmlns",
                "AssumeRoleWithWebIdentityResponse xmlns",
            ),
        ),
        ("tab indentation", base().replace("  ", "\t")),
        ("blank lines", base().replace(">\n", ">\n\n")),
        (
            "text between elements",
            edit("<Credentials>\n", "<Credentials> stray, ignored text\n"),
        ),
        ("spaces, TAB and LF in text", edit(">src<", "> s\tr\nc <")),
        ("`>`, quotes, `!`, `?` in text", edit(">src<", ">a>b\"c'!?<")),
        (
            "optional members absent",
            edit("<SourceIdentity>src</SourceIdentity>", "").replace(
                "<ResponseMetadata>\n    <RequestId>c2ad7e6c-0000</RequestId>\n  </ResponseMetadata>",
                "",
            ),
        ),
        (
            "AssumedRoleUser absent",
            edit(
                "<AssumedRoleUser>\n      <AssumedRoleId>AROAEXAMPLE:s</AssumedRoleId>\n      <Arn>arn:aws:sts::123456789012:assumed-role/r/s</Arn>\n    </AssumedRoleUser>",
                "",
            ),
        ),
        ("empty optional member", edit(">src<", "><")),
        (
            "empty ResponseMetadata",
            edit("<RequestId>c2ad7e6c-0000</RequestId>", ""),
        ),
        ("fractional seconds", edit("53Z", "53.123456Z")),
        ("offset timestamp", edit("53Z", "53+01:00")),
        (
            "padded timestamp",
            edit(">2021-08-16T20:52:53Z<", "> 2021-08-16T20:52:53Z\n<"),
        ),
        ("end of month", edit("08-16", "02-29").replace("2021", "2024")),
        ("padded number", edit(">6<", "> 6 <")),
        (
            "long text",
            edit("IQoJb3JpZ2luX2Vj+/=", &"IQoJb3JpZ2luX2Vj+/=".repeat(80)),
        ),
    ] {
        assert_eq!(differential(doc.as_bytes()), (true, true), "{what}: {doc}");
    }
}

#[test]
fn every_bail_out_trigger_bails() {
    let cases: Vec<(&str, String)> = vec![
        (
            "other declaration",
            format!("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>{}", base()),
        ),
        (
            "single-quoted declaration",
            format!("<?xml version='1.0' encoding='UTF-8'?>{}", base()),
        ),
        (
            "declaration with standalone",
            format!("<?xml version=\"1.0\" standalone=\"yes\"?>{}", base()),
        ),
        (
            "declaration after whitespace",
            format!("\n<?xml version=\"1.0\"?>{}", base()),
        ),
        ("BOM", format!("\u{FEFF}{}", base())),
        ("comment", edit("<Credentials>", "<!-- c --><Credentials>")),
        ("comment after the root", format!("{}<!-- c -->", base())),
        ("processing instruction", edit("<Credentials>", "<?pi x?><Credentials>")),
        ("CDATA", edit(">src<", "><![CDATA[src]]><")),
        ("entity", edit(">src<", ">s&amp;c<")),
        ("character reference", edit(">src<", ">s&#65;c<")),
        ("CR", edit(">src<", ">s\rc<")),
        ("CRLF line ends", base().replace('\n', "\r\n")),
        ("non-ASCII text", edit(">src<", ">sé<")),
        ("forbidden control character", edit(">src<", ">s\u{1}c<")),
        ("DEL", edit(">src<", ">s\u{7F}c<")),
        ("`]`", edit(">src<", ">s]c<")),
        ("`]]>`", edit(">src<", ">s]]>c<")),
        ("`]` between elements", edit("<Credentials>\n", "<Credentials>]\n")),
        (
            "prefixed member",
            edit(
                "<AccessKeyId>ASIAEXAMPLE</AccessKeyId>",
                "<sts:AccessKeyId xmlns:sts=\"x\">ASIAEXAMPLE</sts:AccessKeyId>",
            ),
        ),
        (
            "prefixed root",
            base()
                .replace(
                    "AssumeRoleWithWebIdentityResponse xmlns=",
                    "sts:AssumeRoleWithWebIdentityResponse xmlns:sts=",
                )
                .replace(
                    "</AssumeRoleWithWebIdentityResponse>",
                    "</sts:AssumeRoleWithWebIdentityResponse>",
                ),
        ),
        ("empty-element tag", edit("<Audience>aud</Audience>", "<Audience/>")),
        ("attribute on a member", edit("<Audience>", "<Audience a=\"1\">")),
        ("other root attribute", edit(" xmlns=", " a=\"1\" xmlns=")),
        ("other namespace", edit("2011-06-15", "2011-06-16")),
        (
            "single-quoted namespace",
            edit(
                "\"https://sts.amazonaws.com/doc/2011-06-15/\"",
                "'https://sts.amazonaws.com/doc/2011-06-15/'",
            ),
        ),
        ("whitespace in a start tag", edit("<Audience>", "<Audience >")),
        ("whitespace in an end tag", edit("</Audience>", "</Audience >")),
        ("unknown element", edit("<Audience>", "<Extra>x</Extra><Audience>")),
        (
            "unknown element in Credentials",
            edit("<AccessKeyId>", "<Extra>x</Extra><AccessKeyId>"),
        ),
        (
            "unknown element in ResponseMetadata",
            edit("<RequestId>", "<Extra/><RequestId>"),
        ),
        (
            "unknown root",
            base().replace("AssumeRoleWithWebIdentityResponse", "AssumeRoleResponse"),
        ),
        (
            "duplicate member",
            edit(
                "<Audience>aud</Audience>",
                "<Audience>aud</Audience><Audience>aud</Audience>",
            ),
        ),
        (
            "duplicate Credentials",
            edit("<Audience>", "<Credentials></Credentials><Audience>"),
        ),
        (
            "duplicate Result",
            edit(
                "<ResponseMetadata>",
                "<AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResult><ResponseMetadata>",
            ),
        ),
        (
            "duplicate ResponseMetadata",
            edit(
                "</AssumeRoleWithWebIdentityResponse>",
                "<ResponseMetadata></ResponseMetadata></AssumeRoleWithWebIdentityResponse>",
            ),
        ),
        (
            "missing AccessKeyId",
            edit("<AccessKeyId>ASIAEXAMPLE</AccessKeyId>", ""),
        ),
        (
            "missing Expiration",
            edit("<Expiration>2021-08-16T20:52:53Z</Expiration>", ""),
        ),
        (
            "missing Arn",
            edit("<Arn>arn:aws:sts::123456789012:assumed-role/r/s</Arn>", ""),
        ),
        ("empty SessionToken", edit(">IQoJb3JpZ2luX2Vj+/=<", "><")),
        ("empty AssumedRoleId", edit(">AROAEXAMPLE:s<", "><")),
        ("element in text", edit(">src<", ">s<b>x</b>c<")),
        ("mismatched end tag", edit("</Audience>", "</Audiences>")),
        ("bad timestamp", edit("53Z", "53")),
        ("bad date", edit("08-16", "02-30")),
        ("bad number", edit(">6<", ">-6<")),
        ("number too large", edit(">6<", ">4294967296<")),
        ("trailing text", format!("{}x", base())),
        ("second root", format!("{}<a/>", base())),
        ("leading text", format!("x{}", base())),
        ("truncated", base()[..base().len() - 10].to_string()),
        ("DOCTYPE", format!("<!DOCTYPE a>{}", base())),
        ("empty", String::new()),
        (
            "error document",
            "<ErrorResponse><Error><Code>Throttling</Code></Error></ErrorResponse>".to_string(),
        ),
    ];
    for (what, doc) in cases {
        assert!(
            decode_plain(doc.as_bytes()).is_none(),
            "{what}: the fast path took {doc}"
        );
        differential(doc.as_bytes());
    }
}

// ---------------------------------------------------------------- generated

/// Text for a member: from a wide alphabet (markup, references, CR,
/// non-ASCII, `]]>`) or, when `plain`, only what a plain document holds.
fn text(plain: bool) -> BoxedStrategy<String> {
    let plain_piece = prop_oneof![
        "[A-Za-z0-9+/=:._-]{1,40}",
        Just(" ".to_string()),
        Just("\t".to_string()),
        Just("\n".to_string()),
        Just(">".to_string()),
        Just("\"'!?".to_string()),
    ];
    if plain {
        proptest::collection::vec(plain_piece, 1..6)
            .prop_map(|v| v.concat())
            .boxed()
    } else {
        let piece = prop_oneof![
            4 => plain_piece,
            1 => prop_oneof![
                Just("&amp;"), Just("&lt;"), Just("&#65;"), Just("&#x1F600;"), Just("&bogus;"), Just("&"),
                Just("\r"), Just("\r\n"), Just("é"), Just("\u{1F600}"), Just("\u{1}"), Just("\u{7F}"),
                Just("]"), Just("]]>"), Just("<![CDATA[x]]>"), Just("<!-- c -->"), Just("<?pi x?>"),
                Just("<b/>"), Just("<"),
            ]
            .prop_map(str::to_string),
        ];
        proptest::collection::vec(piece, 0..6).prop_map(|v| v.concat()).boxed()
    }
}

/// Whitespace (or, when not `plain`, other text) between elements.
fn gap(plain: bool) -> BoxedStrategy<String> {
    let plain_gap = prop_oneof![
        Just(String::new()),
        Just("\n".to_string()),
        Just("\n    ".to_string()),
        Just("\n\t\t".to_string()),
        Just("  ".to_string()),
        Just("\n\n  ".to_string()),
    ];
    if plain {
        plain_gap.boxed()
    } else {
        prop_oneof![
            6 => plain_gap,
            1 => prop_oneof![Just("\r\n  "), Just(" x "), Just("<!-- c -->"), Just("&amp;"), Just("]")].prop_map(str::to_string),
        ]
        .boxed()
    }
}

/// `Expiration` text: mostly valid, in the usual or other RFC 3339 forms.
fn expiration(plain: bool) -> BoxedStrategy<String> {
    let usual = (
        1u32..=9999,
        1u32..=12,
        1u32..=31,
        0u32..24,
        0u32..60,
        0u32..60,
        prop_oneof![Just(String::new()), "\\.[0-9]{1,9}"],
    )
        .prop_map(|(y, mo, d, h, mi, s, f)| format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}{f}Z"));
    if plain {
        usual.boxed()
    } else {
        prop_oneof![
            4 => usual,
            1 => (0u32..=9999, 0u32..=13, 0u32..=32, 0u32..25, 0u32..61, 0u32..61, prop_oneof![Just("Z"), Just("z"), Just("+01:00"), Just("-23:59"), Just(".5Z"), Just(".1234567890Z"), Just(""), Just("Z ")])
                .prop_map(|(y, mo, d, h, mi, s, tail)| format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}{tail}")),
            1 => "[0-9TZ:.+-]{0,30}",
        ]
        .boxed()
    }
}

/// A member element: `<name>text</name>`, sometimes (when not `plain`)
/// empty-element, prefixed or with an attribute.
fn leaf(name: &'static str, text: BoxedStrategy<String>, plain: bool) -> BoxedStrategy<String> {
    let normal = text.clone().prop_map(move |t| format!("<{name}>{t}</{name}>"));
    if plain {
        normal.boxed()
    } else {
        prop_oneof![
            8 => normal,
            1 => Just(format!("<{name}/>")),
            1 => text.clone().prop_map(move |t| format!("<s:{name} xmlns:s=\"x\">{t}</s:{name}>")),
            1 => text.prop_map(move |t| format!("<{name} a=\"1\">{t}</{name}>")),
        ]
        .boxed()
    }
}

/// Children of a container: each present with probability 3/4 (required
/// ones always when `plain`), maybe duplicated or with an unknown element
/// when not `plain`, shuffled, separated by gaps.
fn children(members: Vec<(BoxedStrategy<String>, bool)>, plain: bool) -> BoxedStrategy<String> {
    let each: Vec<BoxedStrategy<Vec<String>>> = members
        .into_iter()
        .map(|(s, required)| {
            let count = if plain && required {
                Just(1usize).boxed()
            } else if plain {
                prop_oneof![1 => Just(0usize), 3 => Just(1usize)].boxed()
            } else {
                prop_oneof![2 => Just(0usize), 12 => Just(1usize), 1 => Just(2usize)].boxed()
            };
            (count, s.clone(), s)
                .prop_map(|(n, a, b)| [a, b].into_iter().take(n).collect())
                .boxed()
        })
        .collect();
    let extra = if plain {
        Just(Vec::new()).boxed()
    } else {
        prop_oneof![8 => Just(Vec::new()), 1 => Just(vec!["<Extra><a>x</a></Extra>".to_string()])].boxed()
    };
    (each, extra, proptest::collection::vec(gap(plain), 12))
        .prop_flat_map(|(each, extra, gaps)| {
            let items: Vec<String> = each.into_iter().flatten().chain(extra).collect();
            (Just(items).prop_shuffle(), Just(gaps))
        })
        .prop_map(|(items, gaps)| {
            let mut s = String::new();
            for (i, item) in items.iter().enumerate() {
                s.push_str(&gaps[i % gaps.len()]);
                s.push_str(item);
            }
            s.push_str(&gaps[items.len() % gaps.len()]);
            s
        })
        .boxed()
}

/// A success document, `plain` or from the wide alphabet.
fn document(plain: bool) -> BoxedStrategy<String> {
    let t = || text(plain);
    let credentials = children(
        vec![
            (leaf("AccessKeyId", t(), plain), true),
            (leaf("SecretAccessKey", t(), plain), true),
            (leaf("SessionToken", t(), plain), true),
            (leaf("Expiration", expiration(plain), plain), true),
        ],
        plain,
    )
    .prop_map(|c| format!("<Credentials>{c}</Credentials>"))
    .boxed();
    let user = children(
        vec![
            (leaf("AssumedRoleId", t(), plain), true),
            (leaf("Arn", t(), plain), true),
        ],
        plain,
    )
    .prop_map(|c| format!("<AssumedRoleUser>{c}</AssumedRoleUser>"))
    .boxed();
    let number = prop_oneof![4 => (0u32..200).prop_map(|n| n.to_string()), 1 => "[0-9 -]{0,12}"].boxed();
    let result = children(
        vec![
            (credentials, true),
            (user, false),
            (leaf("SubjectFromWebIdentityToken", t(), plain), false),
            (leaf("PackedPolicySize", number, plain), false),
            (leaf("Provider", t(), plain), false),
            (leaf("Audience", t(), plain), false),
            (leaf("SourceIdentity", t(), plain), false),
        ],
        plain,
    )
    .prop_map(|c| format!("<AssumeRoleWithWebIdentityResult>{c}</AssumeRoleWithWebIdentityResult>"))
    .boxed();
    let metadata = children(vec![(leaf("RequestId", t(), plain), false)], plain)
        .prop_map(|c| format!("<ResponseMetadata>{c}</ResponseMetadata>"))
        .boxed();
    let root = children(vec![(result, true), (metadata, false)], plain);
    let decl = prop_oneof![
        Just(""),
        Just("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"),
        Just("<?xml version=\"1.0\"?>"),
    ];
    let attrs = prop_oneof![Just(""), Just(" xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"")];
    let trailing = prop_oneof![Just(""), Just("\n"), Just(" \n\t")];
    (decl, attrs, root, trailing)
        .prop_map(|(d, a, r, tr)| {
            format!("{d}<AssumeRoleWithWebIdentityResponse{a}>{r}</AssumeRoleWithWebIdentityResponse>{tr}")
        })
        .boxed()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1500))]

    /// Documents from the wide alphabet: whenever the fast path answers, it
    /// is the general path's answer.
    #[test]
    fn generated_documents_fast_path_equals_general_path(doc in document(false)) {
        differential(doc.as_bytes());
    }

    /// Plain documents: the fast path answers whenever the general path
    /// succeeds (it fails only for a bad date, which the general path
    /// rejects too), with the same answer.
    #[test]
    fn generated_plain_documents_take_the_fast_path(doc in document(true)) {
        let (fast, success) = differential(doc.as_bytes());
        prop_assert_eq!(fast, success, "{}", doc);
    }

    /// Recorded documents with random bytes changed, inserted or removed.
    #[test]
    fn mutated_plain_documents(edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0u8..3), 1..6), cut in any::<prop::sample::Index>()) {
        let mut body = base().into_bytes();
        for (at, byte, op) in edits {
            let i = at.index(body.len().max(1)).min(body.len().saturating_sub(1));
            match op {
                0 if !body.is_empty() => body[i] = byte,
                1 => body.insert(i, byte),
                _ if !body.is_empty() => { body.remove(i); }
                _ => {}
            }
        }
        if cut.index(4) == 0 {
            let n = cut.index(body.len().max(1));
            body.truncate(n);
        }
        differential(&body);
    }

    /// Arbitrary bytes.
    #[test]
    fn arbitrary_bytes(body in proptest::collection::vec(any::<u8>(), 0..256)) {
        differential(&body);
    }
}
