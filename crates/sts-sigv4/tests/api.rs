//! The signer's contract beyond the suite: typed errors for bad input and
//! short buffers (never a panic), secrets out of `Debug`, key reuse.

// A host-only test crate: the core/alloc import lints are for the no_std crates.
#![allow(clippy::std_instead_of_core, clippy::std_instead_of_alloc)]

use sts_codec::{Secret, Timestamp};
use sts_sigv4::{AmzDate, Credentials, Error, MAX_SECRET_LEN, Payload, Request, SigningKey, sign};

const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const TOKEN: &str = "IQoJb3JpZ2luX2VjEXAMPLETOKEN";
/// 2015-08-30T12:36:00Z, the suite's time.
const TIME: i64 = 1_440_938_160;

fn date(seconds: i64) -> AmzDate {
    AmzDate::new(Timestamp::from_unix(seconds, 0).unwrap()).unwrap()
}

fn creds(token: Option<&'static str>) -> Credentials<'static> {
    Credentials::new("AKIDEXAMPLE", Secret::new(SECRET), token.map(Secret::new))
}

fn sign_with(request: &Request<'_>, credentials: &Credentials<'_>) -> Result<String, Error> {
    let date = date(TIME);
    let key = SigningKey::new(&credentials.secret_access_key, &date, "us-east-1", "sts")?;
    let mut buf = [0u8; 4096];
    sign(request, credentials, &key, &date, &mut buf).map(|s| s.authorization().to_owned())
}

type Header = (&'static str, &'static str);

const HOST: Header = ("Host", "sts.us-east-1.amazonaws.com");

#[test]
fn amz_date_from_a_timestamp() {
    assert_eq!(date(TIME).as_str(), "20150830T123600Z");
    assert_eq!(date(TIME).date(), "20150830");
    // Fractions are dropped, not rounded.
    let t = Timestamp::from_unix(TIME + 59, 999_999_999).unwrap();
    assert_eq!(AmzDate::new(t).unwrap().as_str(), "20150830T123659Z");
    assert_eq!(date(0).as_str(), "19700101T000000Z");
    assert_eq!(date(253_402_300_799).as_str(), "99991231T235959Z");
    assert_eq!(
        AmzDate::new(Timestamp::from_unix(253_402_300_800, 0).unwrap()),
        Err(Error::TimeOutOfRange)
    );
    assert_eq!(
        AmzDate::new(Timestamp::from_unix(i64::MIN, 0).unwrap()),
        Err(Error::TimeOutOfRange)
    );
}

#[test]
fn bad_input_is_a_typed_error() {
    let ok = [HOST];
    let payload = Payload::Bytes(b"");
    let cases: Vec<(&str, Request<'_>, Error)> = vec![
        (
            "empty method",
            Request::new("", "/", &ok, payload),
            Error::InvalidMethod,
        ),
        (
            "space in method",
            Request::new("G T", "/", &ok, payload),
            Error::InvalidMethod,
        ),
        (
            "relative path",
            Request::new("GET", "a/b", &ok, payload),
            Error::InvalidPath,
        ),
        ("empty path", Request::new("GET", "", &ok, payload), Error::InvalidPath),
        (
            "fragment",
            Request::new("GET", "/a#b", &ok, payload),
            Error::InvalidPath,
        ),
        (
            "LF in path",
            Request::new("GET", "/a\nb", &ok, payload),
            Error::InvalidPath,
        ),
        (
            "bad escape",
            Request::new("GET", "/?a=%zz", &ok, payload),
            Error::InvalidQuery,
        ),
        (
            "cut escape",
            Request::new("GET", "/?a=%4", &ok, payload),
            Error::InvalidQuery,
        ),
        (
            "fragment in query",
            Request::new("GET", "/?a#b", &ok, payload),
            Error::InvalidQuery,
        ),
        ("no host", Request::new("GET", "/", &[], payload), Error::MissingHost),
    ];
    for (what, request, error) in cases {
        assert_eq!(sign_with(&request, &creds(None)), Err(error), "{what}");
    }

    let header_cases: Vec<(&str, [Header; 2], Error)> = vec![
        ("empty name", [HOST, ("", "v")], Error::InvalidHeaderName { index: 1 }),
        (
            "space in name",
            [("My Header", "v"), HOST],
            Error::InvalidHeaderName { index: 0 },
        ),
        (
            "colon in name",
            [HOST, ("a:b", "v")],
            Error::InvalidHeaderName { index: 1 },
        ),
        (
            "CRLF in value",
            [HOST, ("a", "x\r\nInjected: 1")],
            Error::InvalidHeaderValue { index: 1 },
        ),
        (
            "NUL in value",
            [HOST, ("a", "x\0")],
            Error::InvalidHeaderValue { index: 1 },
        ),
        (
            "own date",
            [HOST, ("X-Amz-Date", "20150830T123600Z")],
            Error::ReservedHeader { index: 1 },
        ),
        (
            "own token",
            [HOST, ("x-amz-security-token", "t")],
            Error::ReservedHeader { index: 1 },
        ),
        (
            "authorization",
            [("Authorization", "x"), HOST],
            Error::ReservedHeader { index: 0 },
        ),
    ];
    for (what, headers, error) in header_cases {
        let request = Request::new("GET", "/", &headers, payload);
        assert_eq!(sign_with(&request, &creds(None)), Err(error), "{what}");
    }

    let request = Request::new("GET", "/", &ok, payload);
    for akid in ["", "AKID/EXAMPLE", "AKID EXAMPLE", "AKID,x"] {
        let c = Credentials::new(akid, Secret::new(SECRET), None);
        assert_eq!(sign_with(&request, &c), Err(Error::InvalidAccessKeyId), "{akid:?}");
    }
    for token in ["", "a\nb"] {
        let c = Credentials::new("AKIDEXAMPLE", Secret::new(SECRET), Some(Secret::new(token)));
        assert_eq!(sign_with(&request, &c), Err(Error::InvalidSessionToken), "{token:?}");
    }
    let long = "x".repeat(MAX_SECRET_LEN + 1);
    let d = date(TIME);
    assert_eq!(
        SigningKey::new(&Secret::new(long.as_str()), &d, "us-east-1", "sts").err(),
        Some(Error::SecretTooLong)
    );
    assert!(SigningKey::new(&Secret::new(&long[1..]), &d, "us-east-1", "sts").is_ok());
    for (region, service) in [
        ("", "sts"),
        ("us-east-1", ""),
        ("us/east", "sts"),
        ("us-east-1", "s ts"),
    ] {
        assert_eq!(
            SigningKey::new(&Secret::new(SECRET), &d, region, service).err(),
            Some(Error::InvalidScope),
            "{region:?} {service:?}"
        );
    }
}

#[test]
fn every_short_buffer_is_an_error_not_a_panic() {
    let headers = [
        HOST,
        ("Content-Type", "application/x-www-form-urlencoded; charset=utf-8"),
    ];
    let request = Request::new(
        "POST",
        "/a/../b c/?x=1&y=%20",
        &headers,
        Payload::Bytes(b"Action=AssumeRole"),
    );
    let credentials = creds(Some(TOKEN));
    let d = date(TIME);
    let key = SigningKey::new(&credentials.secret_access_key, &d, "us-east-1", "sts").unwrap();
    let mut big = [0u8; 4096];
    let full = sign(&request, &credentials, &key, &d, &mut big).unwrap();
    let needed = full.canonical_request().len() + full.string_to_sign().len() + full.authorization().len();
    let expected = full.authorization().to_owned();
    for len in 0..needed {
        let mut buf = vec![0u8; len];
        assert_eq!(
            sign(&request, &credentials, &key, &d, &mut buf).err(),
            Some(Error::BufferTooSmall),
            "{len}"
        );
    }
    let mut exact = vec![0u8; needed];
    assert_eq!(
        sign(&request, &credentials, &key, &d, &mut exact)
            .unwrap()
            .authorization(),
        expected
    );
}

#[test]
fn the_token_is_signed_and_the_key_is_reused_for_the_day() {
    let headers = [HOST];
    let request = Request::new(
        "POST",
        "/",
        &headers,
        Payload::Bytes(b"Action=GetCallerIdentity&Version=2011-06-15"),
    );
    let credentials = creds(Some(TOKEN));
    let morning = date(TIME);
    let key = SigningKey::new(&credentials.secret_access_key, &morning, "us-east-1", "sts").unwrap();
    let mut buf = [0u8; 1024];
    let signed = sign(&request, &credentials, &key, &morning, &mut buf).unwrap();
    assert!(
        signed
            .canonical_request()
            .contains(&format!("\nx-amz-security-token:{TOKEN}\n"))
    );
    assert!(
        signed
            .authorization()
            .contains(", SignedHeaders=host;x-amz-date;x-amz-security-token, ")
    );
    assert_eq!(signed.signature().len(), 64);
    assert!(signed.authorization().ends_with(signed.signature()));

    // Later the same day: the cached key serves, and equals a fresh one.
    let evening = date(TIME + 11 * 3600);
    assert!(key.is_for(&evening));
    let cached = sign(&request, &credentials, &key, &evening, &mut buf)
        .unwrap()
        .authorization()
        .to_owned();
    let fresh_key = SigningKey::new(&credentials.secret_access_key, &evening, "us-east-1", "sts").unwrap();
    let mut buf2 = [0u8; 1024];
    let fresh = sign(&request, &credentials, &fresh_key, &evening, &mut buf2).unwrap();
    assert_eq!(cached, fresh.authorization());

    // The next day it does not.
    let tomorrow = date(TIME + 86_400);
    assert!(!key.is_for(&tomorrow));
    assert_eq!(
        sign(&request, &credentials, &key, &tomorrow, &mut buf).err(),
        Some(Error::KeyDateMismatch)
    );
}

#[test]
fn secrets_never_print() {
    let credentials = creds(Some(TOKEN));
    let d = date(TIME);
    let key = SigningKey::new(&credentials.secret_access_key, &d, "us-east-1", "sts").unwrap();
    let headers = [HOST];
    let body = b"Action=AssumeRoleWithWebIdentity&WebIdentityToken=eyJhbGciOiJSUzI1NiJ9";
    let request = Request::new("POST", "/", &headers, Payload::Bytes(body));
    let mut buf = [0u8; 1024];
    let signed = sign(&request, &credentials, &key, &d, &mut buf).unwrap();
    let printed = format!("{credentials:?} {key:?} {request:?} {signed:?}");
    for secret in [SECRET, TOKEN, "eyJhbGciOiJSUzI1NiJ9"] {
        assert!(!printed.contains(secret), "{printed}");
    }
    assert!(printed.contains("<redacted>"));
    assert!(format!("{key:?}").contains("us-east-1"));
}

#[test]
fn equivalent_spellings_sign_the_same() {
    let sign_target = |target: &str, headers: &[(&str, &str)]| {
        sign_with(&Request::new("GET", target, headers, Payload::Bytes(b"")), &creds(None)).unwrap()
    };
    let host = [HOST];
    // Query: percent-encoded or not, `+` or `%20`, any order, empty pieces.
    let a = sign_target("/?b=%41&a=x+y", &host);
    assert_eq!(a, sign_target("/?a=x%20y&b=A", &host));
    assert_eq!(a, sign_target("/?&a=x%20y&&b=A&", &host));
    // Header names in any case, values with extra spaces; repeated names
    // joined in the order given.
    let h1 = [HOST, ("My-Header", "  a   b  "), ("my-header", "c")];
    let h2 = [
        ("my-header", "a b"),
        ("HOST", "sts.us-east-1.amazonaws.com"),
        ("MY-HEADER", "c"),
    ];
    assert_eq!(sign_target("/", &h1), sign_target("/", &h2));
    let h3 = [HOST, ("my-header", "c"), ("my-header", "a b")];
    assert_ne!(sign_target("/", &h1), sign_target("/", &h3));
    // Paths: dot segments and repeated slashes.
    assert_eq!(sign_target("/a/./b//c/../d", &host), sign_target("/a/b/d", &host));
    // A path's own `%` is encoded again (double encoding), so these differ.
    assert_ne!(sign_target("/a%20b", &host), sign_target("/a b", &host));
}

#[test]
fn payload_bytes_or_hash_sign_the_same() {
    use sha2::{Digest, Sha256};
    let body = b"Action=AssumeRole&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fr";
    let headers = [HOST];
    let by_bytes = sign_with(&Request::new("POST", "/", &headers, Payload::Bytes(body)), &creds(None)).unwrap();
    let hash: [u8; 32] = Sha256::digest(body).into();
    let by_hash = sign_with(
        &Request::new("POST", "/", &headers, Payload::Sha256(hash)),
        &creds(None),
    )
    .unwrap();
    assert_eq!(by_bytes, by_hash);
}

/// A small deterministic generator (SplitMix64), so failures reproduce.
struct Gen(u64);

impl Gen {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    /// Up to `max` characters from a set that hits every rule's edges.
    fn text(&mut self, max: usize) -> String {
        const CHARS: &[&str] = &[
            "a", "Z", "0", "-", "_", ".", "~", "/", "?", "#", "%", "%4", "%41", "%zz", "+", "=", "&", " ", "\t", "\r",
            "\n", "\0", "\u{7f}", "é", "ሴ", "..", ":", ";", ",", "\"",
        ];
        (0..self.below(max + 1))
            .map(|_| CHARS[self.below(CHARS.len())])
            .collect()
    }
}

#[test]
fn arbitrary_input_signs_or_fails_cleanly() {
    let mut g = Gen(0x0BAD_1DEA);
    let d = date(TIME);
    let mut outcomes = std::collections::BTreeMap::<String, usize>::new();
    for _ in 0..3000 {
        let (method, target) = (g.text(4), format!("/{}", g.text(24)));
        let names: Vec<String> = (0..g.below(4)).map(|_| g.text(6)).collect();
        let values: Vec<String> = (0..names.len()).map(|_| g.text(12)).collect();
        let mut headers: Vec<(&str, &str)> = names
            .iter()
            .map(String::as_str)
            .zip(values.iter().map(String::as_str))
            .collect();
        if g.below(4) > 0 {
            headers.push(HOST);
        }
        let token = g.text(8);
        let credentials = Credentials::new(
            "AKIDEXAMPLE",
            Secret::new(SECRET),
            (g.below(2) == 0).then(|| Secret::new(token.as_str())),
        );
        let key = SigningKey::new(&credentials.secret_access_key, &d, "us-east-1", "sts").unwrap();
        let request = Request::new(&method, &target, &headers, Payload::Bytes(target.as_bytes()));
        let mut buf = vec![0u8; g.below(1200)];
        let outcome = match sign(&request, &credentials, &key, &d, &mut buf) {
            Ok(signed) => {
                // What was signed is well formed: one line per header, the
                // signed-header list as in Authorization, no raw controls.
                let creq = signed.canonical_request();
                assert!(!creq.bytes().any(|b| b == b'\r' || b == 0));
                let lines: Vec<&str> = creq.split('\n').collect();
                let signed_headers = lines[lines.len() - 2];
                assert!(
                    signed
                        .authorization()
                        .contains(&format!("SignedHeaders={signed_headers}, "))
                );
                "ok".to_owned()
            }
            Err(e) => format!("{e:?}").split([' ', '{']).next().unwrap().to_owned(),
        };
        *outcomes.entry(outcome).or_default() += 1;
    }
    // Every kind of outcome is reached, signing included.
    for kind in [
        "ok",
        "BufferTooSmall",
        "InvalidMethod",
        "InvalidPath",
        "InvalidQuery",
        "InvalidHeaderName",
        "MissingHost",
    ] {
        assert!(outcomes.contains_key(kind), "{kind} never reached: {outcomes:?}");
    }
}
