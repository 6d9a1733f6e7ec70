//! The operation's input and output, borrowed from the caller's memory.

use crate::secret::Secret;
use crate::time::Timestamp;

/// The STS API version this crate speaks.
pub const API_VERSION: &str = "2011-06-15";

/// The awsQuery action name.
pub const ACTION: &str = "AssumeRoleWithWebIdentity";

/// Input of `AssumeRoleWithWebIdentity`, with every member of the API.
///
/// Required members are plain values; optional ones are `Option`s or an empty
/// slice. Build it with [`new`](Self::new) and the `with_*` methods; check it
/// with [`validate`](Self::validate) (encoding validates too).
///
/// ```
/// use sts_codec::AssumeRoleWithWebIdentityInput;
/// let arns = ["arn:aws:iam::aws:policy/ReadOnlyAccess"];
/// let input = AssumeRoleWithWebIdentityInput::new(
///     "arn:aws:iam::123456789012:role/device",
///     "device-42",
///     "eyJhbGciOiJSUzI1NiJ9.e30.c2ln",
/// )
/// .with_duration_seconds(3600)
/// .with_policy_arns(&arns);
/// assert!(input.validate().is_ok());
/// // The token never prints.
/// assert!(!format!("{input:?}").contains("eyJ"));
/// ```
#[derive(Debug, Clone)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub struct AssumeRoleWithWebIdentityInput<'a> {
    /// `RoleArn`: the role to assume (20-2048 characters).
    pub role_arn: &'a str,
    /// `RoleSessionName`: 2-64 characters of `[A-Za-z0-9_+=,.@-]`.
    pub role_session_name: &'a str,
    /// `WebIdentityToken`: the OIDC/OAuth token (4-20000 characters).
    pub web_identity_token: Secret<&'a str>,
    /// `ProviderId`: only for OAuth 2.0 providers such as `www.amazon.com`
    /// (4-2048 characters).
    pub provider_id: Option<&'a str>,
    /// `PolicyArns`: up to 10 managed policy ARNs (each 20-2048 characters).
    pub policy_arns: &'a [&'a str],
    /// `Policy`: an inline session policy, JSON (1-2048 characters from
    /// TAB, LF, CR and U+0020-U+00FF).
    pub policy: Option<&'a str>,
    /// `DurationSeconds`: 900-43200; STS defaults to 3600 when absent.
    pub duration_seconds: Option<u32>,
}

impl<'a> AssumeRoleWithWebIdentityInput<'a> {
    /// An input with the three required members and no optional ones.
    pub const fn new(role_arn: &'a str, role_session_name: &'a str, web_identity_token: &'a str) -> Self {
        Self {
            role_arn,
            role_session_name,
            web_identity_token: Secret::new(web_identity_token),
            provider_id: None,
            policy_arns: &[],
            policy: None,
            duration_seconds: None,
        }
    }

    /// An input for `role_arn` whose session name and token are still empty:
    /// what a client that reads the token from its source (and generates a
    /// session name when none is set) fills in for each request.
    pub const fn for_role(role_arn: &'a str) -> Self {
        Self::new(role_arn, "", "")
    }

    /// Sets `RoleSessionName`.
    #[must_use]
    pub const fn with_role_session_name(mut self, name: &'a str) -> Self {
        self.role_session_name = name;
        self
    }

    /// Sets `WebIdentityToken`.
    #[must_use]
    pub fn with_web_identity_token(mut self, token: &'a str) -> Self {
        self.web_identity_token = Secret::new(token);
        self
    }

    /// Sets `DurationSeconds`.
    #[must_use]
    pub const fn with_duration_seconds(mut self, seconds: u32) -> Self {
        self.duration_seconds = Some(seconds);
        self
    }

    /// Sets `Policy`.
    #[must_use]
    pub const fn with_policy(mut self, policy: &'a str) -> Self {
        self.policy = Some(policy);
        self
    }

    /// Sets `PolicyArns`.
    #[must_use]
    pub const fn with_policy_arns(mut self, arns: &'a [&'a str]) -> Self {
        self.policy_arns = arns;
        self
    }

    /// Sets `ProviderId`.
    #[must_use]
    pub const fn with_provider_id(mut self, provider_id: &'a str) -> Self {
        self.provider_id = Some(provider_id);
        self
    }
}

/// `Credentials`: the temporary security credentials. Every member is
/// required by the STS model.
#[derive(Debug, Clone)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "PascalCase"))]
#[non_exhaustive]
pub struct Credentials<'a> {
    /// `AccessKeyId`.
    pub access_key_id: &'a str,
    /// `SecretAccessKey`.
    pub secret_access_key: Secret<&'a str>,
    /// `SessionToken`.
    pub session_token: Secret<&'a str>,
    /// `Expiration`, in the server's clock.
    pub expiration: Timestamp,
}

/// `AssumedRoleUser`: who the credentials act as. Both members are required
/// by the STS model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "PascalCase"))]
#[non_exhaustive]
pub struct AssumedRoleUser<'a> {
    /// `AssumedRoleId`: `role-id:session-name`.
    pub assumed_role_id: &'a str,
    /// `Arn`: the assumed-role ARN.
    pub arn: &'a str,
}

/// Output of `AssumeRoleWithWebIdentity`, borrowing from the response buffer.
///
/// `Credentials` is required (a response without it is an error that names
/// it); the members STS may leave out are `Option`s.
#[derive(Debug, Clone)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "PascalCase"))]
#[non_exhaustive]
pub struct AssumeRoleWithWebIdentityOutput<'a> {
    /// `Credentials`.
    pub credentials: Credentials<'a>,
    /// `AssumedRoleUser`.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub assumed_role_user: Option<AssumedRoleUser<'a>>,
    /// `SubjectFromWebIdentityToken`: the token's `sub` claim.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub subject_from_web_identity_token: Option<&'a str>,
    /// `PackedPolicySize`: percentage of the packed policy size limit used.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub packed_policy_size: Option<u32>,
    /// `Provider`: the token's issuer.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub provider: Option<&'a str>,
    /// `Audience`: the token's `aud` claim.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub audience: Option<&'a str>,
    /// `SourceIdentity`.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub source_identity: Option<&'a str>,
    /// `ResponseMetadata/RequestId`.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub request_id: Option<&'a str>,
}
