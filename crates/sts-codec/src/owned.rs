//! Owned copies of the output (feature `alloc`).

use alloc::string::{String, ToString};

use crate::model::{AssumeRoleWithWebIdentityOutput, AssumedRoleUser};
use crate::secret::Secret;
use crate::time::Timestamp;

/// An owned copy of [`Credentials`](crate::Credentials); the secrets are
/// zeroized on drop.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "PascalCase"))]
#[non_exhaustive]
pub struct OwnedCredentials {
    /// `AccessKeyId`.
    pub access_key_id: String,
    /// `SecretAccessKey`.
    pub secret_access_key: Secret<String>,
    /// `SessionToken`.
    pub session_token: Secret<String>,
    /// `Expiration`, in the server's clock.
    pub expiration: Timestamp,
}

/// An owned copy of [`AssumedRoleUser`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "PascalCase"))]
#[non_exhaustive]
pub struct OwnedAssumedRoleUser {
    /// `AssumedRoleId`.
    pub assumed_role_id: String,
    /// `Arn`.
    pub arn: String,
}

/// An owned copy of [`AssumeRoleWithWebIdentityOutput`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "PascalCase"))]
#[non_exhaustive]
pub struct OwnedOutput {
    /// `Credentials`.
    pub credentials: OwnedCredentials,
    /// `AssumedRoleUser`.
    pub assumed_role_user: Option<OwnedAssumedRoleUser>,
    /// `SubjectFromWebIdentityToken`.
    pub subject_from_web_identity_token: Option<String>,
    /// `PackedPolicySize`.
    pub packed_policy_size: Option<u32>,
    /// `Provider`.
    pub provider: Option<String>,
    /// `Audience`.
    pub audience: Option<String>,
    /// `SourceIdentity`.
    pub source_identity: Option<String>,
    /// `ResponseMetadata/RequestId`.
    pub request_id: Option<String>,
}

fn own(s: Option<&str>) -> Option<String> {
    s.map(ToString::to_string)
}

impl From<&AssumedRoleUser<'_>> for OwnedAssumedRoleUser {
    fn from(u: &AssumedRoleUser<'_>) -> Self {
        Self {
            assumed_role_id: u.assumed_role_id.to_string(),
            arn: u.arn.to_string(),
        }
    }
}

impl AssumeRoleWithWebIdentityOutput<'_> {
    /// Copies the output out of the response buffer.
    pub fn to_owned_output(&self) -> OwnedOutput {
        let c = &self.credentials;
        OwnedOutput {
            credentials: OwnedCredentials {
                access_key_id: c.access_key_id.to_string(),
                secret_access_key: Secret::new(c.secret_access_key.expose().to_string()),
                session_token: Secret::new(c.session_token.expose().to_string()),
                expiration: c.expiration,
            },
            assumed_role_user: self.assumed_role_user.as_ref().map(OwnedAssumedRoleUser::from),
            subject_from_web_identity_token: own(self.subject_from_web_identity_token),
            packed_policy_size: self.packed_policy_size,
            provider: own(self.provider),
            audience: own(self.audience),
            source_identity: own(self.source_identity),
            request_id: own(self.request_id),
        }
    }
}
