//! Role chaining from the shared config (`source_profile`), as the SDKs read
//! it: the issue's example, longer chains with their keys, and every refusal
//! (cycles, MFA, a missing source, a source that is not web identity).
#![cfg(feature = "std")]

use std::path::Path;

use sts_client::config::{ConfigError, HopConfig, Setting, Settings, load, load_chain};

const CONFIG: &str = "\
[profile base]
role_arn = arn:aws:iam::111111111111:role/device
web_identity_token_file = /var/run/secrets/token
role_session_name = device-42
region = eu-west-1

[profile target]
role_arn = arn:aws:iam::222222222222:role/reader
source_profile = base

[profile deeper]
role_arn = arn:aws:iam::333333333333:role/auditor
source_profile = target
external_id = ext-123
duration_seconds = 7200
role_session_name = audit
region = us-west-2

[profile bad-duration]
role_arn = arn:aws:iam::333333333333:role/auditor
source_profile = base
duration_seconds = an hour

[profile loop-a]
role_arn = arn:aws:iam::444444444444:role/a
source_profile = loop-b

[profile loop-b]
role_arn = arn:aws:iam::444444444444:role/b
source_profile = loop-a

[profile self]
role_arn = arn:aws:iam::444444444444:role/self
web_identity_token_file = /t
source_profile = self

[profile mfa]
role_arn = arn:aws:iam::555555555555:role/admin
source_profile = base
mfa_serial = arn:aws:iam::111111111111:mfa/alice

[profile orphan]
role_arn = arn:aws:iam::555555555555:role/x
source_profile = nowhere

[profile static]
region = eu-west-1

[profile not-web-identity]
role_arn = arn:aws:iam::555555555555:role/x
source_profile = static

[profile no-role]
source_profile = base
";

fn chain(profile: &str, env: &[(&str, &str)]) -> Result<sts_client::config::ChainConfig, ConfigError> {
    let mut explicit = Settings::default();
    explicit.profile = Some(profile.to_owned());
    explicit.config_file = Some("/config".into());
    let env: Vec<(String, String)> = env.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
    load_chain(
        &explicit,
        move |name| env.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()),
        |path: &Path| {
            assert_eq!(path, Path::new("/config"));
            Ok(Some(CONFIG.to_owned()))
        },
    )
}

fn hop(profile: &str, role_arn: &str) -> HopConfig {
    let mut h = chain("target", &[]).unwrap().hops.remove(0);
    h.profile = profile.to_owned();
    h.role_arn = role_arn.to_owned();
    h.role_session_name = None;
    h.external_id = None;
    h.duration_seconds = None;
    h
}

#[test]
fn the_issues_example_is_web_identity_then_one_hop() {
    let c = chain("target", &[]).unwrap();
    assert_eq!(c.base.role_arn, "arn:aws:iam::111111111111:role/device");
    assert_eq!(c.base.web_identity_token_file, Path::new("/var/run/secrets/token"));
    assert_eq!(c.base.role_session_name.as_deref(), Some("device-42"));
    assert_eq!(
        c.base.region.as_deref(),
        Some("eu-west-1"),
        "the source profile's region when the selected has none"
    );
    assert_eq!(c.base.profile, "target");
    assert_eq!(c.hops, [hop("target", "arn:aws:iam::222222222222:role/reader")]);
}

#[test]
fn longer_chains_keep_each_hops_keys_and_clamp_the_duration() {
    let c = chain("deeper", &[("AWS_ROLE_SESSION_NAME", "from-env")]).unwrap();
    assert_eq!(c.hops.len(), 2);
    assert_eq!(c.hops[0].role_arn, "arn:aws:iam::222222222222:role/reader");
    let last = &c.hops[1];
    assert_eq!(last.profile, "deeper");
    assert_eq!(last.external_id.as_deref(), Some("ext-123"));
    assert_eq!(
        last.duration_seconds,
        Some(3600),
        "7200 asked, 3600 is the chained maximum"
    );
    assert_eq!(last.role_session_name.as_deref(), Some("audit"));
    // The selected profile's region; the environment's session name for the web identity hop.
    assert_eq!(c.base.region.as_deref(), Some("us-west-2"));
    assert_eq!(c.base.role_session_name.as_deref(), Some("from-env"));
    // A profile that does not chain: the web identity config, no hop.
    let plain = chain("base", &[]).unwrap();
    assert!(plain.hops.is_empty());
    assert_eq!(plain.base.role_arn, "arn:aws:iam::111111111111:role/device");
}

#[test]
fn refusals_are_typed_and_say_why() {
    let err = |p: &str| chain(p, &[]).unwrap_err();
    assert_eq!(
        err("loop-a"),
        ConfigError::ProfileCycle(vec!["loop-a".into(), "loop-b".into(), "loop-a".into()])
    );
    assert_eq!(
        err("loop-a").to_string(),
        "source_profile cycle: loop-a -> loop-b -> loop-a"
    );
    assert_eq!(
        err("self"),
        ConfigError::ProfileCycle(vec!["self".into(), "self".into()])
    );
    assert_eq!(err("mfa"), ConfigError::MfaNotSupported("mfa".into()));
    assert!(err("mfa").to_string().contains("mfa_serial"), "{}", err("mfa"));
    assert_eq!(err("orphan"), ConfigError::ProfileNotFound("nowhere".into()));
    assert_eq!(
        err("not-web-identity"),
        ConfigError::Missing(vec![Setting::RoleArn, Setting::WebIdentityTokenFile])
    );
    assert_eq!(err("no-role"), ConfigError::Missing(vec![Setting::RoleArn]));
    assert_eq!(
        err("bad-duration"),
        ConfigError::Invalid {
            name: "duration_seconds",
            value: "an hour".into()
        }
    );
    // `load` (one web identity role) refuses a chained profile instead of
    // serving the wrong role.
    let mut explicit = Settings::default();
    explicit.profile = Some("target".into());
    explicit.config_file = Some("/config".into());
    let e = load(&explicit, |_| None, |_: &Path| Ok(Some(CONFIG.to_owned()))).unwrap_err();
    assert_eq!(e, ConfigError::ChainedProfile("target".into()));
    assert!(e.to_string().contains("load_chain"), "{e}");
}
