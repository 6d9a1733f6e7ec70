//! Environment and shared-config resolution: precedence explicit >
//! environment > profile, as a table, with no real environment or file
//! touched.
#![cfg(feature = "std")]

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use sts_client::config::{ConfigError, Setting, Settings, load};

const CONFIG: &str = "\
# a comment
; another comment
[default]
region = eu-central-1
role_arn = arn:aws:iam::111111111111:role/bare-default

[profile default]
role_arn = arn:aws:iam::222222222222:role/profile-default ; inline comment
web_identity_token_file = /profile/default/token
s3 =
  max_concurrent_requests = 10
  region = ignored-sub-section

[profile dev]
role_arn=arn:aws:iam::333333333333:role/dev
web_identity_token_file = /profile/dev/token
role_session_name = dev-session
region = ap-south-1

[sso-session dev]
region = should-not-apply

[dev]
role_arn = arn:aws:iam::444444444444:role/not-a-config-profile
";

fn resolve(
    explicit: &Settings,
    env: &[(&str, &str)],
    file: Option<&str>,
) -> Result<sts_client::config::Config, ConfigError> {
    let env: HashMap<String, String> = env.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    let file = file.map(str::to_string);
    load(
        explicit,
        |name| env.get(name).cloned(),
        |path: &Path| {
            assert!(
                path == Path::new("/home/u/.aws/config") || path == Path::new("/custom/config"),
                "{path:?}"
            );
            Ok(file.clone())
        },
    )
}

const HOME: (&str, &str) = ("HOME", "/home/u");

#[test]
fn precedence_table() {
    struct Case {
        name: &'static str,
        explicit: Settings,
        env: Vec<(&'static str, &'static str)>,
        role: &'static str,
        token: &'static str,
        session: Option<&'static str>,
        url: &'static str,
    }
    let explicit = |f: fn(&mut Settings)| {
        let mut s = Settings::default();
        f(&mut s);
        s
    };
    let cases = vec![
        Case {
            name: "profile only: [profile default] wins over [default], [default] fills the rest",
            explicit: Settings::default(),
            env: vec![HOME],
            role: "arn:aws:iam::222222222222:role/profile-default",
            token: "/profile/default/token",
            session: None,
            url: "https://sts.eu-central-1.amazonaws.com",
        },
        Case {
            name: "environment over profile",
            explicit: Settings::default(),
            env: vec![
                HOME,
                ("AWS_ROLE_ARN", "arn:aws:iam::555555555555:role/env"),
                ("AWS_WEB_IDENTITY_TOKEN_FILE", "/env/token"),
                ("AWS_ROLE_SESSION_NAME", "env-session"),
                ("AWS_REGION", "us-west-2"),
                ("AWS_DEFAULT_REGION", "us-east-2"),
            ],
            role: "arn:aws:iam::555555555555:role/env",
            token: "/env/token",
            session: Some("env-session"),
            url: "https://sts.us-west-2.amazonaws.com",
        },
        Case {
            name: "AWS_DEFAULT_REGION when AWS_REGION is unset or empty",
            explicit: Settings::default(),
            env: vec![HOME, ("AWS_REGION", ""), ("AWS_DEFAULT_REGION", "us-east-2")],
            role: "arn:aws:iam::222222222222:role/profile-default",
            token: "/profile/default/token",
            session: None,
            url: "https://sts.us-east-2.amazonaws.com",
        },
        Case {
            name: "explicit over environment",
            explicit: explicit(|s| {
                s.role_arn = Some("arn:aws:iam::666666666666:role/explicit".into());
                s.region = Some("sa-east-1".into());
            }),
            env: vec![
                HOME,
                ("AWS_ROLE_ARN", "arn:aws:iam::555555555555:role/env"),
                ("AWS_REGION", "us-west-2"),
            ],
            role: "arn:aws:iam::666666666666:role/explicit",
            token: "/profile/default/token",
            session: None,
            url: "https://sts.sa-east-1.amazonaws.com",
        },
        Case {
            name: "AWS_PROFILE picks [profile dev]",
            explicit: Settings::default(),
            env: vec![HOME, ("AWS_PROFILE", "dev")],
            role: "arn:aws:iam::333333333333:role/dev",
            token: "/profile/dev/token",
            session: Some("dev-session"),
            url: "https://sts.ap-south-1.amazonaws.com",
        },
        Case {
            name: "explicit profile over AWS_PROFILE, AWS_CONFIG_FILE",
            explicit: explicit(|s| s.profile = Some("dev".into())),
            env: vec![HOME, ("AWS_PROFILE", "missing"), ("AWS_CONFIG_FILE", "/custom/config")],
            role: "arn:aws:iam::333333333333:role/dev",
            token: "/profile/dev/token",
            session: Some("dev-session"),
            url: "https://sts.ap-south-1.amazonaws.com",
        },
        Case {
            name: "AWS_ENDPOINT_URL_STS over AWS_ENDPOINT_URL",
            explicit: Settings::default(),
            env: vec![
                HOME,
                ("AWS_ENDPOINT_URL_STS", "http://localhost:4566/sts"),
                ("AWS_ENDPOINT_URL", "https://other.example"),
            ],
            role: "arn:aws:iam::222222222222:role/profile-default",
            token: "/profile/default/token",
            session: None,
            url: "http://localhost:4566/sts",
        },
        Case {
            name: "AWS_ENDPOINT_URL alone",
            explicit: Settings::default(),
            env: vec![HOME, ("AWS_ENDPOINT_URL", "https://sts.example.test")],
            role: "arn:aws:iam::222222222222:role/profile-default",
            token: "/profile/default/token",
            session: None,
            url: "https://sts.example.test",
        },
        Case {
            name: "FIPS and dual-stack",
            explicit: Settings::default(),
            env: vec![
                HOME,
                ("AWS_USE_FIPS_ENDPOINT", "TRUE"),
                ("AWS_USE_DUALSTACK_ENDPOINT", "true"),
                ("AWS_REGION", "us-east-1"),
            ],
            role: "arn:aws:iam::222222222222:role/profile-default",
            token: "/profile/default/token",
            session: None,
            url: "https://sts-fips.us-east-1.api.aws",
        },
        Case {
            name: "legacy STS endpoints: global for a legacy region",
            explicit: Settings::default(),
            env: vec![
                HOME,
                ("AWS_STS_REGIONAL_ENDPOINTS", "legacy"),
                ("AWS_REGION", "us-east-1"),
            ],
            role: "arn:aws:iam::222222222222:role/profile-default",
            token: "/profile/default/token",
            session: None,
            url: "https://sts.amazonaws.com",
        },
        Case {
            name: "regional STS endpoints (the default)",
            explicit: Settings::default(),
            env: vec![
                HOME,
                ("AWS_STS_REGIONAL_ENDPOINTS", "regional"),
                ("AWS_REGION", "us-east-1"),
            ],
            role: "arn:aws:iam::222222222222:role/profile-default",
            token: "/profile/default/token",
            session: None,
            url: "https://sts.us-east-1.amazonaws.com",
        },
    ];
    for c in cases {
        let cfg = resolve(&c.explicit, &c.env, Some(CONFIG)).unwrap_or_else(|e| panic!("{}: {e}", c.name));
        assert_eq!(cfg.role_arn, c.role, "{}", c.name);
        assert_eq!(cfg.web_identity_token_file, PathBuf::from(c.token), "{}", c.name);
        assert_eq!(cfg.role_session_name.as_deref(), c.session, "{}", c.name);
        assert_eq!(cfg.endpoint.url(), c.url, "{}", c.name);
    }
}

#[test]
fn max_attempts_and_invalid_values() {
    let cfg = resolve(&Settings::default(), &[HOME, ("AWS_MAX_ATTEMPTS", "5")], Some(CONFIG)).unwrap();
    assert_eq!(cfg.max_attempts, Some(5));
    for (name, value) in [
        ("AWS_MAX_ATTEMPTS", "0"),
        ("AWS_MAX_ATTEMPTS", "three"),
        ("AWS_USE_FIPS_ENDPOINT", "yes"),
        ("AWS_USE_DUALSTACK_ENDPOINT", "1"),
        ("AWS_STS_REGIONAL_ENDPOINTS", "global"),
    ] {
        let err = resolve(&Settings::default(), &[HOME, (name, value)], Some(CONFIG)).unwrap_err();
        assert_eq!(
            err,
            ConfigError::Invalid {
                name,
                value: value.to_string()
            }
        );
        assert!(err.to_string().contains(name));
    }
}

#[test]
fn missing_settings_are_named() {
    // No file at all, nothing in the environment.
    let err = resolve(&Settings::default(), &[HOME, ("AWS_REGION", "eu-west-1")], None).unwrap_err();
    assert_eq!(
        err,
        ConfigError::Missing(vec![Setting::RoleArn, Setting::WebIdentityTokenFile])
    );
    let text = err.to_string();
    assert!(text.contains("AWS_ROLE_ARN") && text.contains("role_arn"), "{text}");
    assert!(text.contains("AWS_WEB_IDENTITY_TOKEN_FILE"), "{text}");
    // Nothing at all: all three, in one error.
    let err = resolve(&Settings::default(), &[HOME], None).unwrap_err();
    assert_eq!(
        err,
        ConfigError::Missing(vec![Setting::RoleArn, Setting::WebIdentityTokenFile, Setting::Region])
    );
    assert!(err.to_string().contains("AWS_DEFAULT_REGION"), "{err}");
    let err = resolve(
        &Settings::default(),
        &[
            HOME,
            ("AWS_REGION", "eu-west-1"),
            ("AWS_ROLE_ARN", "arn:aws:iam::1:role/r"),
        ],
        None,
    )
    .unwrap_err();
    assert!(err.to_string().contains("AWS_WEB_IDENTITY_TOKEN_FILE"), "{err}");
    let err = resolve(
        &Settings::default(),
        &[
            HOME,
            ("AWS_ROLE_ARN", "arn:aws:iam::1:role/r"),
            ("AWS_WEB_IDENTITY_TOKEN_FILE", "/t"),
        ],
        None,
    )
    .unwrap_err();
    assert_eq!(err, ConfigError::Missing(vec![Setting::Region]));
    assert!(err.to_string().contains("AWS_REGION"));
    // A profile asked for by name must exist; a bare [dev] section is not a config-file profile.
    let err = resolve(&Settings::default(), &[HOME, ("AWS_PROFILE", "nope")], Some(CONFIG)).unwrap_err();
    assert_eq!(err, ConfigError::ProfileNotFound("nope".into()));
    assert!(Settings::from_profile("[dev]\nrole_arn = x\n", "dev").is_none());
}

#[test]
fn profile_parsing_details() {
    let s = Settings::from_profile(CONFIG, "default").unwrap();
    assert_eq!(
        s.region.as_deref(),
        Some("eu-central-1"),
        "sub-section keys are ignored"
    );
    assert_eq!(
        s.role_arn.as_deref(),
        Some("arn:aws:iam::222222222222:role/profile-default"),
        "inline comment stripped"
    );
    let s = Settings::from_profile("[profile   spaced  ]\nregion=x#not-a-comment\n", "spaced").unwrap();
    assert_eq!(s.region.as_deref(), Some("x#not-a-comment"));
}

/// `endpoint_url` and `ca_bundle` in a profile, under the environment's
/// `AWS_ENDPOINT_URL_STS` / `AWS_ENDPOINT_URL` and `AWS_CA_BUNDLE`, under
/// explicit settings.
#[test]
fn endpoint_url_and_ca_bundle_follow_the_sdk_precedence() {
    let file = "[profile local]\nrole_arn = arn:aws:iam::123456789012:role/x\nweb_identity_token_file = /t\n\
                endpoint_url = http://localhost:4566\nca_bundle = /profile/ca.pem\n";
    let base = [HOME, ("AWS_PROFILE", "local")];
    let with = |extra: &[(&'static str, &'static str)]| {
        let mut env = base.to_vec();
        env.extend_from_slice(extra);
        env
    };
    // Profile only: no region needed with an endpoint URL.
    let c = resolve(&Settings::default(), &with(&[]), Some(file)).unwrap();
    assert_eq!(c.endpoint.url(), "http://localhost:4566");
    assert_eq!(c.ca_bundle, Some(PathBuf::from("/profile/ca.pem")));
    // The environment over the profile; AWS_ENDPOINT_URL_STS over AWS_ENDPOINT_URL.
    let env = with(&[
        ("AWS_ENDPOINT_URL", "https://all.example.com"),
        ("AWS_CA_BUNDLE", "/env/ca.pem"),
    ]);
    let c = resolve(&Settings::default(), &env, Some(file)).unwrap();
    assert_eq!(c.endpoint.url(), "https://all.example.com");
    assert_eq!(c.ca_bundle, Some(PathBuf::from("/env/ca.pem")));
    let mut env2 = env.clone();
    env2.push(("AWS_ENDPOINT_URL_STS", "https://sts.example.com"));
    let c = resolve(&Settings::default(), &env2, Some(file)).unwrap();
    assert_eq!(c.endpoint.url(), "https://sts.example.com");
    // Explicit over the environment.
    let mut explicit = Settings::default();
    explicit.endpoint_url = Some("https://flag.example.com".into());
    explicit.ca_bundle = Some(PathBuf::from("/flag/ca.pem"));
    let c = resolve(&explicit, &env2, Some(file)).unwrap();
    assert_eq!(c.endpoint.url(), "https://flag.example.com");
    assert_eq!(c.ca_bundle, Some(PathBuf::from("/flag/ca.pem")));
    // None anywhere: none.
    let c = resolve(&Settings::default(), &[HOME, ("AWS_REGION", "eu-west-1")], Some(CONFIG)).unwrap();
    assert_eq!(c.ca_bundle, None);
}

/// A config file that cannot be read says why (the OS's reason).
#[test]
fn an_unreadable_config_file_carries_the_os_reason() {
    let err = load(
        &Settings::default(),
        |name| (name == "HOME").then(|| "/home/u".to_string()),
        |_: &Path| Err(std::io::Error::from_raw_os_error(13)),
    )
    .unwrap_err();
    let text = err.to_string();
    assert!(
        text.starts_with("could not read the config file /home/u/.aws/config: "),
        "{text}"
    );
    assert!(text.ends_with("(os error 13)"), "{text}");
}

/// The issue's example: `target` assumes `reader` in account 2 with the
/// credentials of `base`, which assumes `device` with the web identity
/// token.
const CHAIN: &str = "\
[profile base]
role_arn = arn:aws:iam::111111111111:role/device
web_identity_token_file = /var/run/secrets/token
region = eu-west-1

[profile target]
role_arn = arn:aws:iam::222222222222:role/reader
source_profile = base
role_session_name = reader-session
external_id = ext-123
duration_seconds = 1800

[profile third]
role_arn = arn:aws:iam::333333333333:role/auditor
source_profile = target
region = us-east-2

[profile a]
role_arn = arn:aws:iam::1:role/a
source_profile = b
[profile b]
role_arn = arn:aws:iam::1:role/b
source_profile = a

[profile mfa]
role_arn = arn:aws:iam::1:role/m
source_profile = base
mfa_serial = arn:aws:iam::1:mfa/person

[profile ec2]
role_arn = arn:aws:iam::1:role/e
credential_source = Ec2InstanceMetadata

[profile lost]
role_arn = arn:aws:iam::1:role/l
source_profile = nowhere

[profile no-role]
source_profile = base

[profile bad-duration]
role_arn = arn:aws:iam::1:role/d
source_profile = base
duration_seconds = an hour
";

fn chained(profile: &str) -> Result<sts_client::config::Config, ConfigError> {
    let mut explicit = Settings::default();
    explicit.profile = Some(profile.into());
    resolve(&explicit, &[HOME], Some(CHAIN))
}

#[test]
fn source_profile_chains_start_with_the_web_identity_profile() {
    let c = chained("target").unwrap();
    assert_eq!(c.role_arn, "arn:aws:iam::111111111111:role/device");
    assert_eq!(c.web_identity_token_file, PathBuf::from("/var/run/secrets/token"));
    assert_eq!(c.role_session_name, None, "the hop's session name is the hop's");
    assert_eq!(c.region.as_deref(), Some("eu-west-1"), "from where the chain begins");
    assert_eq!(c.role_chain.len(), 1);
    let hop = &c.role_chain[0];
    assert_eq!(
        (hop.profile.as_str(), hop.role_arn.as_str()),
        ("target", "arn:aws:iam::222222222222:role/reader")
    );
    assert_eq!(hop.role_session_name.as_deref(), Some("reader-session"));
    assert_eq!(hop.external_id.as_deref(), Some("ext-123"));
    assert_eq!(hop.duration_seconds, Some(1800));

    // Two hops, first hop first; the region of the profile asked for wins.
    let c = chained("third").unwrap();
    let roles: Vec<&str> = c.role_chain.iter().map(|h| h.role_arn.as_str()).collect();
    assert_eq!(
        roles,
        [
            "arn:aws:iam::222222222222:role/reader",
            "arn:aws:iam::333333333333:role/auditor"
        ]
    );
    assert_eq!(c.region.as_deref(), Some("us-east-2"));

    // A plain web identity profile has no hops.
    assert!(chained("base").unwrap().role_chain.is_empty());
}

#[test]
fn broken_chains_are_refused_with_the_reason() {
    let message = |p: &str| chained(p).unwrap_err().to_string();
    assert_eq!(
        chained("a").unwrap_err(),
        ConfigError::ProfileCycle(vec!["a".into(), "b".into(), "a".into()])
    );
    assert_eq!(
        message("a"),
        "profiles name each other as source_profile in a cycle: a -> b -> a"
    );
    assert!(message("mfa").contains("mfa_serial"), "{}", message("mfa"));
    assert!(message("mfa").contains("\"mfa\""));
    assert_eq!(
        message("ec2"),
        "profile \"ec2\" uses credential_source, which is not supported (use source_profile)"
    );
    assert_eq!(
        chained("lost").unwrap_err(),
        ConfigError::ProfileNotFound("nowhere".into())
    );
    assert_eq!(
        message("no-role"),
        "profile \"no-role\" has source_profile but no role_arn"
    );
    assert_eq!(
        message("bad-duration"),
        "profile \"bad-duration\": duration_seconds has an invalid value \"an hour\""
    );
}
