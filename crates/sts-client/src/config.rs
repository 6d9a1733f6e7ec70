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
//! Role chaining (`source_profile`, `external_id`, `duration_seconds`;
//! `mfa_serial` refused) is read by [`load_chain`]; [`load`] refuses a
//! profile that chains ([`ConfigError::ChainedProfile`]) rather than serve
//! the wrong role.
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
    /// `source_profile` (profile only): the profile whose credentials
    /// assume this profile's role (role chaining, [`load_chain`]).
    pub source_profile: Option<String>,
    /// `external_id` (profile only): the `ExternalId` of this profile's
    /// `AssumeRole` hop.
    pub external_id: Option<String>,
    /// `duration_seconds` (profile only), as written: checked by
    /// [`load_chain`].
    pub duration_seconds: Option<String>,
    /// `mfa_serial` (profile only): refused by [`load_chain`] (MFA needs a
    /// human).
    pub mfa_serial: Option<String>,
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
            source_profile: self.source_profile.or(lower.source_profile),
            external_id: self.external_id.or(lower.external_id),
            duration_seconds: self.duration_seconds.or(lower.duration_seconds),
            mfa_serial: self.mfa_serial.or(lower.mfa_serial),
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
            ..Settings::default()
        })
    }

    /// The settings `profile` gives in the config file `contents`, or `None`
    /// if the file has no such profile.
    #[must_use]
    pub fn from_profile(contents: &str, profile: &str) -> Option<Settings> {
        let mut found = false;
        let mut out = Settings::default();
        let mut from_bare_default = Settings::default();
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
            if value.is_empty() {
                continue;
            }
            let target = if is_bare { &mut from_bare_default } else { &mut out };
            match key.trim() {
                "role_arn" => target.role_arn = Some(value.to_string()),
                "web_identity_token_file" => target.web_identity_token_file = Some(PathBuf::from(value)),
                "role_session_name" => target.role_session_name = Some(value.to_string()),
                "region" => target.region = Some(value.to_string()),
                "endpoint_url" => target.endpoint_url = Some(value.to_string()),
                "ca_bundle" => target.ca_bundle = Some(PathBuf::from(value)),
                "source_profile" => target.source_profile = Some(value.to_string()),
                "external_id" => target.external_id = Some(value.to_string()),
                "duration_seconds" => target.duration_seconds = Some(value.to_string()),
                "mfa_serial" => target.mfa_serial = Some(value.to_string()),
                _ => {}
            }
        }
        found.then(|| out.or(from_bare_default))
    }
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
    /// The profile chains roles (`source_profile`): [`load`] and
    /// `StdCredentialProvider` serve one web identity role only; read it
    /// with [`load_chain`] and serve it with a `StdChainProvider` (or a
    /// `ChainProvider`).
    ChainedProfile(String),
    /// `source_profile` leads back to a profile already in the chain: the
    /// profiles in order, the repeated one last.
    ProfileCycle(Vec<String>),
    /// A profile of the chain sets `mfa_serial`: MFA needs a code typed by
    /// a human, which this client never asks for.
    MfaNotSupported(String),
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
            ConfigError::ConfigFile { path, reason } => {
                write!(f, "could not read the config file {}: {reason}", path.display())
            }
            ConfigError::CaBundle { path, reason } => write!(f, "CA bundle {}: {reason}", path.display()),
            ConfigError::Endpoint(EndpointError::MissingRegion) => {
                f.write_str("missing configuration: region (AWS_REGION, AWS_DEFAULT_REGION or region)")
            }
            ConfigError::Endpoint(e) => write!(f, "endpoint: {e}"),
            ConfigError::Transport(e) => write!(f, "HTTPS transport: {e}"),
            ConfigError::ChainedProfile(p) => write!(
                f,
                "profile {p:?} chains roles (source_profile): read it with config::load_chain and serve it with StdChainProvider (or ChainProvider)"
            ),
            ConfigError::ProfileCycle(profiles) => {
                write!(f, "source_profile cycle: {}", profiles.join(" -> "))
            }
            ConfigError::MfaNotSupported(p) => write!(
                f,
                "profile {p:?} sets mfa_serial: MFA needs a code typed by a human, which this client does not ask for; \
                 use a role without an MFA condition"
            ),
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
    let from_profile = match contents.as_deref().map(|c| Settings::from_profile(c, &profile)) {
        Some(Some(s)) => s,
        _ if profile_chosen => return Err(ConfigError::ProfileNotFound(profile)),
        _ => Settings::default(),
    };
    if from_profile.source_profile.is_some() {
        return Err(ConfigError::ChainedProfile(profile));
    }
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
    })
}

/// One `AssumeRole` hop of a chained profile.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct HopConfig {
    /// The profile that names this hop (empty for one added by hand).
    pub profile: String,
    /// `role_arn`.
    pub role_arn: String,
    /// `role_session_name`, if set (otherwise one is generated per fetch).
    pub role_session_name: Option<String>,
    /// `external_id`, if set.
    pub external_id: Option<String>,
    /// `duration_seconds`, if set, at most 3600: STS allows no more for a
    /// chained session ([`MAX_CHAINED_DURATION_SECONDS`](crate::MAX_CHAINED_DURATION_SECONDS)),
    /// so a larger value is clamped.
    pub duration_seconds: Option<u32>,
}

impl HopConfig {
    /// A hop into `role_arn` named by no profile (as `--chain-role-arn`
    /// adds one), with no session name, external id or duration.
    pub fn new(role_arn: impl Into<String>) -> Self {
        HopConfig {
            profile: String::new(),
            role_arn: role_arn.into(),
            role_session_name: None,
            external_id: None,
            duration_seconds: None,
        }
    }
}

/// A role chain from the shared config: the web identity role first, then
/// the `AssumeRole` hops, the selected profile's last.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ChainConfig {
    /// The web identity hop: the profile at the end of the `source_profile`
    /// chain (its `role_arn`, `web_identity_token_file`,
    /// `role_session_name`), with the region, endpoint and the rest as
    /// [`load`] resolves them for the selected profile.
    pub base: Config,
    /// The hops in the order they are taken; empty for a profile that does
    /// not chain.
    pub hops: Vec<HopConfig>,
}

/// [`load`], following `source_profile` as the SDKs do: from the selected
/// profile (explicit, `AWS_PROFILE`, or `default`) through each
/// `source_profile` to a profile without one, which must be a web identity
/// profile (`role_arn` and `web_identity_token_file`). Every profile on
/// the way is a hop: its `role_arn`, `role_session_name`, `external_id`
/// and `duration_seconds` (clamped to 3600).
///
/// Explicit and environment settings apply as in [`load`]: the role ARN,
/// token file and session name to the web identity hop; region, endpoint,
/// CA bundle and attempts to every hop (they are read from the selected
/// profile, not from the source profiles).
///
/// # Errors
///
/// [`ConfigError::ProfileCycle`] when `source_profile` comes back to a
/// profile; [`ConfigError::MfaNotSupported`] for a profile with
/// `mfa_serial`; [`ConfigError::ProfileNotFound`] for a `source_profile`
/// the file lacks; [`ConfigError::Invalid`] for a `duration_seconds` that
/// is not a number; [`ConfigError::Missing`] when a hop has no `role_arn`
/// or the last profile is not a web identity profile; the rest as [`load`].
pub fn load_chain(
    explicit: &Settings,
    env: impl Fn(&str) -> Option<String>,
    read_file: impl Fn(&Path) -> std::io::Result<Option<String>>,
) -> Result<ChainConfig, ConfigError> {
    let from_env = Settings::from_env(&env)?;
    let upper = explicit.clone().or(from_env);
    let profile = upper.profile.clone().unwrap_or_else(|| "default".to_string());
    let file = upper.config_file.clone().or_else(|| default_config_file(&env));
    let contents = match &file {
        Some(path) => read_file(path).map_err(|e| ConfigError::ConfigFile {
            path: path.clone(),
            reason: e.to_string(),
        })?,
        None => None,
    };
    let read = |name: &str| contents.as_deref().and_then(|c| Settings::from_profile(c, name));
    let chains = read(&profile).is_some_and(|p| p.source_profile.is_some());
    if !chains {
        return Ok(ChainConfig {
            base: load(explicit, env, read_file)?,
            hops: Vec::new(),
        });
    }
    // From the selected profile down its source_profile links.
    let mut visited: Vec<String> = Vec::new();
    let mut hops = Vec::new();
    let mut name = profile.clone();
    let source = loop {
        if visited.contains(&name) {
            visited.push(name);
            return Err(ConfigError::ProfileCycle(visited));
        }
        let settings = read(&name).ok_or_else(|| ConfigError::ProfileNotFound(name.clone()))?;
        visited.push(name.clone());
        if settings.mfa_serial.is_some() {
            return Err(ConfigError::MfaNotSupported(name));
        }
        let Some(next) = settings.source_profile.clone() else {
            break settings;
        };
        let role_arn = settings
            .role_arn
            .ok_or(ConfigError::Missing(alloc::vec![Setting::RoleArn]))?;
        let duration_seconds = match settings.duration_seconds {
            Some(text) => Some(match text.trim().parse::<u32>() {
                Ok(d) => d.min(crate::MAX_CHAINED_DURATION_SECONDS),
                Err(_) => {
                    return Err(ConfigError::Invalid {
                        name: "duration_seconds",
                        value: text,
                    });
                }
            }),
            None => None,
        };
        hops.push(HopConfig {
            profile: name.clone(),
            role_arn,
            role_session_name: settings.role_session_name,
            external_id: settings.external_id,
            duration_seconds,
        });
        name = next;
    };
    hops.reverse();
    // The web identity hop: the last profile's role and token, under the
    // explicit and environment settings; the rest from the selected profile.
    let selected = read(&profile).unwrap_or_default();
    let web_identity = Settings {
        role_arn: source.role_arn,
        web_identity_token_file: source.web_identity_token_file,
        role_session_name: source.role_session_name,
        region: selected.region.or(source.region),
        endpoint_url: selected.endpoint_url.or(source.endpoint_url),
        ca_bundle: selected.ca_bundle.or(source.ca_bundle),
        ..Settings::default()
    };
    let s = upper.or(web_identity);
    let endpoint = resolve(&EndpointParams {
        region: s.region.as_deref(),
        use_fips: s.use_fips.unwrap_or(false),
        use_dual_stack: s.use_dual_stack.unwrap_or(false),
        use_global_endpoint: s.use_global_endpoint.unwrap_or(false),
        endpoint: s.endpoint_url.as_deref(),
    });
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
    Ok(ChainConfig {
        base: Config {
            role_arn,
            web_identity_token_file,
            role_session_name: s.role_session_name,
            region: s.region,
            endpoint,
            ca_bundle: s.ca_bundle,
            max_attempts: s.max_attempts,
            profile,
        },
        hops,
    })
}

/// [`load_chain`] with the process environment and file system.
///
/// # Errors
///
/// See [`load_chain`].
pub fn load_chain_from_env(explicit: &Settings) -> Result<ChainConfig, ConfigError> {
    load_chain(
        explicit,
        |name| std::env::var(name).ok(),
        |path| match read_limited(path) {
            Ok(s) => Ok(Some(s)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        },
    )
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
