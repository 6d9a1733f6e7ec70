//! Configuration from explicit settings, the environment and the shared
//! config file, as the AWS SDKs read them (feature `std`).
//!
//! Precedence, per setting: **explicit > environment > profile**.
//!
//! | setting | environment | profile key |
//! |---|---|---|
//! | role ARN (required) | `AWS_ROLE_ARN` | `role_arn` |
//! | token file (required) | `AWS_WEB_IDENTITY_TOKEN_FILE` | `web_identity_token_file` |
//! | session name | `AWS_ROLE_SESSION_NAME` | `role_session_name` |
//! | region | `AWS_REGION`, then `AWS_DEFAULT_REGION` | `region` |
//! | FIPS endpoint | `AWS_USE_FIPS_ENDPOINT` (`true`/`false`) | — |
//! | dual-stack endpoint | `AWS_USE_DUALSTACK_ENDPOINT` (`true`/`false`) | — |
//! | endpoint override | `AWS_ENDPOINT_URL_STS`, then `AWS_ENDPOINT_URL` | `endpoint_url` |
//! | CA bundle (PEM file; its certificates replace the default roots) | `AWS_CA_BUNDLE` | `ca_bundle` |
//! | global endpoint | `AWS_STS_REGIONAL_ENDPOINTS` (`regional` default, `legacy` = global for the legacy regions) | — |
//! | attempts | `AWS_MAX_ATTEMPTS` (≥ 1) | — |
//! | profile | `AWS_PROFILE` (default `default`) | — |
//! | config file | `AWS_CONFIG_FILE` (default `~/.aws/config`) | — |
//!
//! **Role chains.** A profile with `source_profile` is an `AssumeRole` hop
//! taken with the credentials of its source profile, as in the SDKs:
//! [`role_chain`] follows the links from the profile asked for to the web
//! identity profile where the chain begins, and [`Config::role_chain`]
//! lists the hops (`role_arn`, `role_session_name`, `external_id`,
//! `duration_seconds` of each), first hop first. Cycles, `mfa_serial` (a
//! person would have to type a code) and `credential_source` are refused
//! with the reason.
//!
//! Empty variables count as unset. The config file is parsed as the SDKs do:
//! `[default]` or `[profile default]` for the default profile (the latter
//! wins when both exist), `[profile NAME]` for the others, `key = value`
//! lines, full-line comments with `#` or `;`, inline comments after
//! whitespace, and indented lines (sub-sections such as `s3 =` followed by
//! indented keys, or continuations) ignored.
//!
//! The endpoint and the CA bundle follow the SDKs too: a flag (explicit)
//! over `AWS_ENDPOINT_URL_STS` over `AWS_ENDPOINT_URL` over the profile's
//! `endpoint_url`; an explicit bundle over `AWS_CA_BUNDLE` over the
//! profile's `ca_bundle`. (The per-service `services` sub-sections and
//! `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS` are not read.) [`load`] resolves
//! the bundle's path; `from_env()` (feature `std-transport`) and the CLI read it,
//! with a size limit, and trust only its certificates, as botocore does.
//!
//! [`load`] is a pure function of its inputs (an environment lookup and a
//! file reader), so tests never touch the real environment;
//! [`load_from_env`] passes the process environment and file system.

use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;
use std::path::{Path, PathBuf};

use crate::endpoint::{Endpoint, EndpointError, EndpointParams, resolve};

/// Settings from one source; `None` means "not set here".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Settings {
    /// The role to assume.
    pub role_arn: Option<String>,
    /// The web identity token file.
    pub web_identity_token_file: Option<PathBuf>,
    /// A fixed session name (otherwise one is generated per fetch).
    pub role_session_name: Option<String>,
    /// The region.
    pub region: Option<String>,
    /// Use the FIPS endpoint.
    pub use_fips: Option<bool>,
    /// Use the dual-stack endpoint.
    pub use_dual_stack: Option<bool>,
    /// An endpoint override URL.
    pub endpoint_url: Option<String>,
    /// A CA bundle: a PEM file whose certificates are the trust roots.
    pub ca_bundle: Option<PathBuf>,
    /// Use the legacy global endpoint for the legacy regions.
    pub use_global_endpoint: Option<bool>,
    /// Total attempts per fetch.
    pub max_attempts: Option<u32>,
    /// The profile to read.
    pub profile: Option<String>,
    /// The shared config file.
    pub config_file: Option<PathBuf>,
}

impl Settings {
    /// Field by field, `self` where set, else `lower`.
    #[must_use]
    pub fn or(self, lower: Settings) -> Settings {
        Settings {
            role_arn: self.role_arn.or(lower.role_arn),
            web_identity_token_file: self.web_identity_token_file.or(lower.web_identity_token_file),
            role_session_name: self.role_session_name.or(lower.role_session_name),
            region: self.region.or(lower.region),
            use_fips: self.use_fips.or(lower.use_fips),
            use_dual_stack: self.use_dual_stack.or(lower.use_dual_stack),
            endpoint_url: self.endpoint_url.or(lower.endpoint_url),
            ca_bundle: self.ca_bundle.or(lower.ca_bundle),
            use_global_endpoint: self.use_global_endpoint.or(lower.use_global_endpoint),
            max_attempts: self.max_attempts.or(lower.max_attempts),
            profile: self.profile.or(lower.profile),
            config_file: self.config_file.or(lower.config_file),
        }
    }

    /// The settings the environment gives, read through `env`.
    ///
    /// # Errors
    ///
    /// [`ConfigError::Invalid`] for a boolean, number or
    /// `AWS_STS_REGIONAL_ENDPOINTS` value that does not parse.
    pub fn from_env(env: impl Fn(&str) -> Option<String>) -> Result<Settings, ConfigError> {
        let get = |name: &str| env(name).filter(|v| !v.trim().is_empty());
        Ok(Settings {
            role_arn: get("AWS_ROLE_ARN"),
            web_identity_token_file: get("AWS_WEB_IDENTITY_TOKEN_FILE").map(PathBuf::from),
            role_session_name: get("AWS_ROLE_SESSION_NAME"),
            region: get("AWS_REGION").or_else(|| get("AWS_DEFAULT_REGION")),
            use_fips: get("AWS_USE_FIPS_ENDPOINT")
                .map(|v| boolean("AWS_USE_FIPS_ENDPOINT", &v))
                .transpose()?,
            use_dual_stack: get("AWS_USE_DUALSTACK_ENDPOINT")
                .map(|v| boolean("AWS_USE_DUALSTACK_ENDPOINT", &v))
                .transpose()?,
            endpoint_url: get("AWS_ENDPOINT_URL_STS").or_else(|| get("AWS_ENDPOINT_URL")),
            ca_bundle: get("AWS_CA_BUNDLE").map(PathBuf::from),
            use_global_endpoint: get("AWS_STS_REGIONAL_ENDPOINTS")
                .map(|v| match v.trim().to_ascii_lowercase().as_str() {
                    "regional" => Ok(false),
                    "legacy" => Ok(true),
                    _ => Err(ConfigError::Invalid {
                        name: "AWS_STS_REGIONAL_ENDPOINTS",
                        value: v,
                    }),
                })
                .transpose()?,
            max_attempts: get("AWS_MAX_ATTEMPTS")
                .map(|v| match v.trim().parse::<u32>() {
                    Ok(n) if n >= 1 => Ok(n),
                    _ => Err(ConfigError::Invalid {
                        name: "AWS_MAX_ATTEMPTS",
                        value: v,
                    }),
                })
                .transpose()?,
            profile: get("AWS_PROFILE"),
            config_file: get("AWS_CONFIG_FILE").map(PathBuf::from),
        })
    }

    /// The settings `profile` gives in the config file `contents`, or `None`
    /// if the file has no such profile.
    #[must_use]
    pub fn from_profile(contents: &str, profile: &str) -> Option<Settings> {
        let mut out = Settings::default();
        for (key, value) in profile_entries(contents, profile)? {
            match key {
                "role_arn" => out.role_arn = Some(value.to_string()),
                "web_identity_token_file" => out.web_identity_token_file = Some(PathBuf::from(value)),
                "role_session_name" => out.role_session_name = Some(value.to_string()),
                "region" => out.region = Some(value.to_string()),
                "endpoint_url" => out.endpoint_url = Some(value.to_string()),
                "ca_bundle" => out.ca_bundle = Some(PathBuf::from(value)),
                _ => {}
            }
        }
        Some(out)
    }
}

/// The `key = value` lines of `profile` in the config file `contents`, in
/// an order where a later one wins (for `default`: `[default]`'s, then
/// `[profile default]`'s, which the SDKs prefer), or `None` if the file has
/// no such profile.
fn profile_entries<'c>(contents: &'c str, profile: &str) -> Option<Vec<(&'c str, &'c str)>> {
    let mut found = false;
    let (mut bare_default, mut named) = (Vec::new(), Vec::new());
    let mut section: Option<bool> = None; // Some(is_bare_default) when in the profile
    for raw in contents.lines() {
        if raw.starts_with([' ', '\t']) {
            // Sub-section properties and continuations: not ours.
            continue;
        }
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if let Some(rest) = line.strip_prefix('[') {
            let Some(end) = rest.find(']') else {
                section = None;
                continue;
            };
            let name = rest[..end].trim();
            section = if profile == "default" && name == "default" {
                Some(true)
            } else {
                match name.strip_prefix("profile") {
                    Some(n) if n.starts_with([' ', '\t']) && n.trim() == profile => Some(false),
                    _ => None,
                }
            };
            found |= section.is_some();
            continue;
        }
        let Some(is_bare) = section else { continue };
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        let value = strip_inline_comment(value).trim();
        if !value.is_empty() {
            let target = if is_bare { &mut bare_default } else { &mut named };
            target.push((key.trim(), value));
        }
    }
    bare_default.extend(named);
    found.then_some(bare_default)
}

/// One `AssumeRole` hop of a `source_profile` chain, as its profile gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RoleHop {
    /// The profile that names this hop.
    pub profile: String,
    /// `role_arn`: the role to assume with the previous hop's credentials.
    pub role_arn: String,
    /// `role_session_name`; generated per fetch when `None`.
    pub role_session_name: Option<String>,
    /// `external_id`.
    pub external_id: Option<String>,
    /// `duration_seconds` (STS allows at most one hour for a chained role).
    pub duration_seconds: Option<u32>,
}

/// Follows `source_profile` from `start`: the profile where the chain
/// begins (the web identity one) and the `AssumeRole` hops after it, first
/// hop first. As the SDKs do, a profile with `source_profile` is an
/// `AssumeRole` hop even if it also names a token file.
///
/// # Errors
///
/// A profile named as a source that does not exist, a cycle, a hop without
/// `role_arn` or with an unparsable `duration_seconds`, and what is not
/// supported: `mfa_serial` (a person would have to type a code) and
/// `credential_source`.
pub fn role_chain(contents: &str, start: &str) -> Result<(String, Vec<RoleHop>), ConfigError> {
    let mut name = start.to_string();
    let mut seen = alloc::vec![name.clone()];
    let mut hops = Vec::new();
    loop {
        let entries = profile_entries(contents, &name).ok_or_else(|| ConfigError::ProfileNotFound(name.clone()))?;
        let get = |key: &str| {
            entries
                .iter()
                .rev()
                .find(|(k, _)| *k == key)
                .map(|(_, v)| v.to_string())
        };
        let unsupported = |key| ConfigError::ProfileUnsupported {
            profile: name.clone(),
            key,
        };
        let Some(source) = get("source_profile") else {
            if get("credential_source").is_some() && get("web_identity_token_file").is_none() {
                return Err(unsupported("credential_source"));
            }
            break;
        };
        if get("mfa_serial").is_some() {
            return Err(unsupported("mfa_serial"));
        }
        let invalid = |key, value| ConfigError::ProfileInvalid {
            profile: name.clone(),
            key,
            value,
        };
        let role_arn = get("role_arn").ok_or_else(|| invalid("role_arn", None))?;
        let duration_seconds = match get("duration_seconds") {
            Some(v) => Some(v.parse::<u32>().map_err(|_| invalid("duration_seconds", Some(v)))?),
            None => None,
        };
        hops.push(RoleHop {
            profile: name.clone(),
            role_arn,
            role_session_name: get("role_session_name"),
            external_id: get("external_id"),
            duration_seconds,
        });
        let cycle = seen.contains(&source);
        seen.push(source.clone());
        if cycle {
            return Err(ConfigError::ProfileCycle(seen));
        }
        name = source;
    }
    hops.reverse();
    Ok((name, hops))
}

fn strip_inline_comment(value: &str) -> &str {
    let bytes = value.as_bytes();
    for (i, b) in bytes.iter().enumerate() {
        if (*b == b'#' || *b == b';') && i > 0 && matches!(bytes[i - 1], b' ' | b'\t') {
            return &value[..i];
        }
    }
    value
}

fn boolean(name: &'static str, value: &str) -> Result<bool, ConfigError> {
    match value.trim().to_ascii_lowercase().as_str() {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(ConfigError::Invalid {
            name,
            value: value.to_string(),
        }),
    }
}

/// The resolved configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Config {
    /// The role to assume.
    pub role_arn: String,
    /// The token file.
    pub web_identity_token_file: PathBuf,
    /// A fixed session name, if one was configured.
    pub role_session_name: Option<String>,
    /// The region, if one was configured.
    pub region: Option<String>,
    /// The resolved endpoint.
    pub endpoint: Endpoint,
    /// The CA bundle to trust instead of the default roots, if one was
    /// configured (not read yet).
    pub ca_bundle: Option<PathBuf>,
    /// Total attempts per fetch, if configured.
    pub max_attempts: Option<u32>,
    /// The profile that was read.
    pub profile: String,
    /// The `AssumeRole` hops after the web identity role, first hop first,
    /// when the profile chains through `source_profile` (see
    /// [`role_chain`]); empty otherwise.
    pub role_chain: Vec<RoleHop>,
}

impl Config {
    /// `Ok` when there is no role chain: for a consumer that only assumes
    /// the web identity role, so that a chained profile is refused rather
    /// than answered with the first role's credentials.
    ///
    /// # Errors
    ///
    /// [`ConfigError::ProfileUnsupported`] naming the first hop's profile
    /// and `source_profile`.
    pub fn require_no_chain(&self) -> Result<(), ConfigError> {
        match self.role_chain.first() {
            Some(hop) => Err(ConfigError::ProfileUnsupported {
                profile: hop.profile.clone(),
                key: "source_profile",
            }),
            None => Ok(()),
        }
    }
}

/// A setting that has to come from somewhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Setting {
    /// The role ARN.
    RoleArn,
    /// The web identity token file.
    WebIdentityTokenFile,
    /// The region (unless an endpoint URL is given).
    Region,
}

impl Setting {
    /// What it is, in words.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Setting::RoleArn => "role ARN",
            Setting::WebIdentityTokenFile => "web identity token file",
            Setting::Region => "region",
        }
    }

    /// The environment variables that give it, in the order they are read.
    #[must_use]
    pub const fn env_vars(self) -> &'static [&'static str] {
        match self {
            Setting::RoleArn => &["AWS_ROLE_ARN"],
            Setting::WebIdentityTokenFile => &["AWS_WEB_IDENTITY_TOKEN_FILE"],
            Setting::Region => &["AWS_REGION", "AWS_DEFAULT_REGION"],
        }
    }

    /// Its key in a profile of the shared config file.
    #[must_use]
    pub const fn profile_key(self) -> &'static str {
        match self {
            Setting::RoleArn => "role_arn",
            Setting::WebIdentityTokenFile => "web_identity_token_file",
            Setting::Region => "region",
        }
    }
}

/// Why no configuration could be resolved. Never holds a secret (the token
/// is never read here).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConfigError {
    /// Required settings missing everywhere: every one of them.
    Missing(Vec<Setting>),
    /// A variable's value does not parse.
    Invalid {
        /// The variable.
        name: &'static str,
        /// Its value.
        value: String,
    },
    /// The profile was asked for (explicitly or by `AWS_PROFILE`) but the
    /// config file does not have it.
    ProfileNotFound(String),
    /// Profiles name each other as `source_profile` in a cycle (the
    /// profiles in order, the first repeated at the end).
    ProfileCycle(Vec<String>),
    /// A profile of a `source_profile` chain uses what is not supported.
    ProfileUnsupported {
        /// The profile.
        profile: String,
        /// The key: `mfa_serial` or `credential_source`; `source_profile`
        /// for a consumer that cannot chain (see
        /// [`Config::require_no_chain`]).
        key: &'static str,
    },
    /// A profile of a `source_profile` chain lacks a key or has a value
    /// that does not parse.
    ProfileInvalid {
        /// The profile.
        profile: String,
        /// The key.
        key: &'static str,
        /// Its value (`None`: missing).
        value: Option<String>,
    },
    /// The config file exists but could not be read.
    ConfigFile {
        /// The file.
        path: PathBuf,
        /// Why: the OS's reason (`Permission denied (os error 13)`), or the
        /// size limit.
        reason: String,
    },
    /// The CA bundle could not be used (feature `std-transport`; the CLI
    /// reports its own).
    CaBundle {
        /// The file.
        path: PathBuf,
        /// Why: the OS's reason, the size limit, no certificate in it.
        reason: String,
    },
    /// The endpoint could not be resolved.
    Endpoint(EndpointError),
    /// The HTTPS transport could not be built (feature `std-transport`).
    Transport(sts_transport::Error),
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::Missing(settings) => {
                f.write_str("missing configuration: ")?;
                for (i, setting) in settings.iter().enumerate() {
                    let sep = if i == 0 { "" } else { "; " };
                    let vars = setting.env_vars().join(", ");
                    write!(f, "{sep}{} ({vars} or {})", setting.name(), setting.profile_key())?;
                }
                Ok(())
            }
            ConfigError::Invalid { name, value } => write!(f, "{name} has an invalid value {value:?}"),
            ConfigError::ProfileNotFound(p) => write!(f, "profile {p:?} not found in the config file"),
            ConfigError::ProfileCycle(chain) => {
                write!(
                    f,
                    "profiles name each other as source_profile in a cycle: {}",
                    chain.join(" -> ")
                )
            }
            ConfigError::ProfileUnsupported {
                profile,
                key: "mfa_serial",
            } => write!(
                f,
                "profile {profile:?} has mfa_serial: a role that needs an MFA code cannot be assumed \
                 without a person to type it"
            ),
            ConfigError::ProfileUnsupported {
                profile,
                key: "source_profile",
            } => write!(
                f,
                "profile {profile:?} chains roles through source_profile (AssumeRole after the web \
                 identity role), which this provider does not do: StdChainProvider or ChainProvider does"
            ),
            ConfigError::ProfileUnsupported { profile, key } => {
                write!(
                    f,
                    "profile {profile:?} uses {key}, which is not supported (use source_profile)"
                )
            }
            ConfigError::ProfileInvalid {
                profile,
                key,
                value: None,
            } => {
                write!(f, "profile {profile:?} has source_profile but no {key}")
            }
            ConfigError::ProfileInvalid {
                profile,
                key,
                value: Some(v),
            } => write!(f, "profile {profile:?}: {key} has an invalid value {v:?}"),
            ConfigError::ConfigFile { path, reason } => {
                write!(f, "could not read the config file {}: {reason}", path.display())
            }
            ConfigError::CaBundle { path, reason } => write!(f, "CA bundle {}: {reason}", path.display()),
            ConfigError::Endpoint(EndpointError::MissingRegion) => {
                f.write_str("missing configuration: region (AWS_REGION, AWS_DEFAULT_REGION or region)")
            }
            ConfigError::Endpoint(e) => write!(f, "endpoint: {e}"),
            ConfigError::Transport(e) => write!(f, "HTTPS transport: {e}"),
        }
    }
}

impl core::error::Error for ConfigError {}

/// The default config file: `$HOME/.aws/config` (`%USERPROFILE%` on Windows).
fn default_config_file(env: &dyn Fn(&str) -> Option<String>) -> Option<PathBuf> {
    let home = env("HOME").or_else(|| env("USERPROFILE")).filter(|h| !h.is_empty())?;
    Some(Path::new(&home).join(".aws").join("config"))
}

/// Resolves the configuration from `explicit`, the environment (through
/// `env`) and the config file (through `read_file`, which returns `None`
/// for a file that does not exist).
///
/// # Errors
///
/// See [`ConfigError`].
pub fn load(
    explicit: &Settings,
    env: impl Fn(&str) -> Option<String>,
    read_file: impl Fn(&Path) -> std::io::Result<Option<String>>,
) -> Result<Config, ConfigError> {
    let from_env = Settings::from_env(&env)?;
    let upper = explicit.clone().or(from_env);
    let profile_chosen = upper.profile.is_some();
    let profile = upper.profile.clone().unwrap_or_else(|| "default".to_string());
    let file = upper.config_file.clone().or_else(|| default_config_file(&env));
    let contents = match &file {
        Some(path) => read_file(path).map_err(|e| ConfigError::ConfigFile {
            path: path.clone(),
            reason: e.to_string(),
        })?,
        None => None,
    };
    let (from_profile, role_chain) = match contents.as_deref().map(|c| (c, Settings::from_profile(c, &profile))) {
        Some((c, Some(named))) => {
            let (base, hops) = role_chain(c, &profile)?;
            if hops.is_empty() {
                (named, hops)
            } else {
                // The web identity role comes from where the chain begins;
                // the region, endpoint and CA bundle from the profile asked
                // for, else from there.
                let base = Settings::from_profile(c, &base).unwrap_or_default();
                let mut merged = named.or(base.clone());
                merged.role_arn = base.role_arn;
                merged.web_identity_token_file = base.web_identity_token_file;
                merged.role_session_name = base.role_session_name;
                (merged, hops)
            }
        }
        _ if profile_chosen => return Err(ConfigError::ProfileNotFound(profile)),
        _ => (Settings::default(), Vec::new()),
    };
    let s = upper.or(from_profile);
    let endpoint = resolve(&EndpointParams {
        region: s.region.as_deref(),
        use_fips: s.use_fips.unwrap_or(false),
        use_dual_stack: s.use_dual_stack.unwrap_or(false),
        use_global_endpoint: s.use_global_endpoint.unwrap_or(false),
        endpoint: s.endpoint_url.as_deref(),
    });
    // Every missing setting at once.
    let missing: Vec<Setting> = [
        (s.role_arn.is_none(), Setting::RoleArn),
        (s.web_identity_token_file.is_none(), Setting::WebIdentityTokenFile),
        (endpoint == Err(EndpointError::MissingRegion), Setting::Region),
    ]
    .into_iter()
    .filter_map(|(missing, setting)| missing.then_some(setting))
    .collect();
    let (Some(role_arn), Some(web_identity_token_file), true) =
        (s.role_arn, s.web_identity_token_file, missing.is_empty())
    else {
        return Err(ConfigError::Missing(missing));
    };
    let endpoint = endpoint.map_err(ConfigError::Endpoint)?;
    Ok(Config {
        role_arn,
        web_identity_token_file,
        role_session_name: s.role_session_name,
        region: s.region,
        endpoint,
        ca_bundle: s.ca_bundle,
        max_attempts: s.max_attempts,
        profile,
        role_chain,
    })
}

/// The most bytes of a shared config file read (real ones are a few KB).
const MAX_CONFIG_BYTES: u64 = 1024 * 1024;

/// A config file as text, refused past [`MAX_CONFIG_BYTES`] (never read
/// further).
fn read_limited(path: &std::path::Path) -> std::io::Result<String> {
    use std::io::Read;
    let mut text = String::new();
    std::fs::File::open(path)?
        .take(MAX_CONFIG_BYTES + 1)
        .read_to_string(&mut text)?;
    if text.len() as u64 > MAX_CONFIG_BYTES {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            alloc::format!("larger than {MAX_CONFIG_BYTES} bytes"),
        ));
    }
    Ok(text)
}

/// [`load`] with the process environment and file system.
///
/// # Errors
///
/// See [`ConfigError`].
pub fn load_from_env(explicit: &Settings) -> Result<Config, ConfigError> {
    load(
        explicit,
        |name| std::env::var(name).ok(),
        |path| match read_limited(path) {
            Ok(s) => Ok(Some(s)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_files_are_read_with_a_limit() {
        extern crate std;
        let path = std::env::temp_dir().join(alloc::format!("sts-client-config-limit-{}", std::process::id()));
        std::fs::write(&path, alloc::vec![b'#'; 1024 * 1024 + 1]).unwrap();
        let err = read_limited(&path).unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::InvalidData);
        std::fs::write(&path, "[default]\nregion = eu-west-1\n").unwrap();
        assert_eq!(read_limited(&path).unwrap(), "[default]\nregion = eu-west-1\n");
        std::fs::remove_file(&path).unwrap();
        // A file that never ends is not read past the limit.
        let err = read_limited(std::path::Path::new("/dev/zero")).unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::InvalidData);
    }

    #[test]
    fn inline_comments_need_whitespace() {
        assert_eq!(strip_inline_comment(" a#b ; c"), " a#b ");
        assert_eq!(strip_inline_comment("arn:aws:iam::1:role/x"), "arn:aws:iam::1:role/x");
    }
}
