//! Validation of [`AssumeRoleInput`] against the STS model, with the same
//! rules, [`Violation`]s and [`ValidationError`] as
//! `AssumeRoleWithWebIdentity`.
//!
//! The limits are botocore's `sts/2011-06-15/service-2.json`, with one
//! addition the model leaves to the service: at most 10 `PolicyArns`, as
//! for `AssumeRoleWithWebIdentity` (the API reference's limit).

use super::{
    ASSUME_ROLE, ASSUME_ROLE_FIELDS, COUNT_SHIFT, Field, MAX_POLICY_ARNS, Rule, ValidationError, Violation, arn_char,
    check_str, policy_char, session_name_char,
};
use crate::assume_role::AssumeRoleInput;

/// `tagListType` and `tagKeyListType`: at most 50 members.
const MAX_TAGS: usize = 50;
/// `ProvidedContextsListType`: at most 5 members.
const MAX_CONTEXTS: usize = 5;

// Check numbers: RoleArn, RoleSessionName, the PolicyArns count and its ten
// members, Policy, DurationSeconds, the Tags count and each tag's Key and
// Value, the TransitiveTagKeys count and its members, ExternalId,
// SourceIdentity, the ProvidedContexts count and each context's two members.
const POLICY_ARNS: usize = 2;
const POLICY: usize = POLICY_ARNS + 1 + MAX_POLICY_ARNS;
const DURATION: usize = POLICY + 1;
const TAGS: usize = DURATION + 1;
const TRANSITIVE: usize = TAGS + 1 + 2 * MAX_TAGS;
const EXTERNAL_ID: usize = TRANSITIVE + 1 + MAX_TAGS;
const SOURCE_IDENTITY: usize = EXTERNAL_ID + 1;
const CONTEXTS: usize = SOURCE_IDENTITY + 1;
const CHECKS: usize = CONTEXTS + 1 + 2 * MAX_CONTEXTS;

/// `tagKeyType` / `tagValueType`: `[\p{L}\p{Z}\p{N}_.:/=+\-@]`.
///
/// `core` has no General_Category tables, so `\p{L}` is taken as
/// `char::is_alphabetic` (the Alphabetic property: every letter, plus the
/// Other_Alphabetic combining marks and a few symbols such as `Ⓐ`), `\p{N}`
/// as `char::is_numeric` (exactly N) and `\p{Z}` as the White_Space
/// characters that are not controls (exactly Z). The check is therefore a
/// superset of the model's by those marks and symbols only, which STS
/// itself rejects; nothing the model allows is refused.
fn tag_char(c: char) -> bool {
    c.is_alphabetic()
        || c.is_numeric()
        || (c.is_whitespace() && !c.is_control())
        || matches!(c, '_' | '.' | ':' | '/' | '=' | '+' | '-' | '@')
}

/// `externalIdType`: `[\w+=,.@:\/-]`.
const fn external_id_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '+' | '=' | ',' | '.' | '@' | ':' | '/' | '-')
}

fn too_many(len: usize, max: usize) -> Option<Rule> {
    (len > max).then(|| Rule::TooMany {
        len: u32::try_from(len).unwrap_or(u32::MAX),
        max: max as u32,
    })
}

/// The 1-based position of list member `n` (0-based) as a violation index.
fn position(n: usize) -> Option<u8> {
    u8::try_from(n + 1).ok()
}

impl AssumeRoleInput<'_> {
    /// Checks every member against the STS model (one rule per member:
    /// length before pattern), as
    /// [`AssumeRoleWithWebIdentityInput::validate`](crate::AssumeRoleWithWebIdentityInput::validate)
    /// does.
    ///
    /// # Errors
    ///
    /// A [`ValidationError`] with the first violation and which members
    /// break a rule; [`violations`](Self::violations) lists them all.
    pub fn validate(&self) -> Result<(), ValidationError> {
        let mut failed = 0u32;
        let mut count = 0u32;
        let mut first = None;
        for v in self.violations() {
            if let Some(bit) = ASSUME_ROLE_FIELDS.iter().position(|&f| f == v.field) {
                failed |= 1 << bit;
            }
            count = (count + 1).min(0xFF);
            first.get_or_insert(v);
        }
        match first {
            Some(first) => Err(ValidationError {
                failed: failed | ASSUME_ROLE | (count << COUNT_SHIFT),
                first,
            }),
            None => Ok(()),
        }
    }

    /// Every rule the input breaks, in member order, with its details.
    /// Members of a list past its maximum are not looked at (the count is
    /// the violation); those up to it are.
    pub fn violations(&self) -> impl Iterator<Item = Violation> + '_ {
        (0..CHECKS).filter_map(|i| self.check(i))
    }

    fn check(&self, i: usize) -> Option<Violation> {
        let string = |value: Option<&str>, min, max, pattern| value.and_then(|v| check_str(v, min, max, pattern));
        let (field, index, rule) = match i {
            0 => (
                Field::RoleArn,
                None,
                string(Some(self.role_arn), 20, 2048, Some(arn_char)),
            ),
            1 => (
                Field::RoleSessionName,
                None,
                string(Some(self.role_session_name), 2, 64, Some(session_name_char)),
            ),
            POLICY_ARNS => (
                Field::PolicyArns,
                None,
                too_many(self.policy_arns.len(), MAX_POLICY_ARNS),
            ),
            _ if i < POLICY => {
                let n = i - POLICY_ARNS - 1;
                let arn = self.policy_arns.get(n).copied();
                (Field::PolicyArns, position(n), string(arn, 20, 2048, Some(arn_char)))
            }
            // `unrestrictedSessionPolicyDocumentType`: no maximum in the model.
            POLICY => (Field::Policy, None, string(self.policy, 1, u32::MAX, Some(policy_char))),
            DURATION => (
                Field::DurationSeconds,
                None,
                self.duration_seconds
                    .filter(|d| !(900..=43_200).contains(d))
                    .map(|_| Rule::OutOfRange { min: 900, max: 43_200 }),
            ),
            TAGS => (Field::Tags, None, too_many(self.tags.len(), MAX_TAGS)),
            _ if i < TRANSITIVE => {
                let n = (i - TAGS - 1) / 2;
                let tag = self.tags.get(n);
                if (i - TAGS - 1) % 2 == 0 {
                    (
                        Field::TagKey,
                        position(n),
                        string(tag.map(|t| t.key), 1, 128, Some(tag_char)),
                    )
                } else {
                    (
                        Field::TagValue,
                        position(n),
                        string(tag.map(|t| t.value), 0, 256, Some(tag_char)),
                    )
                }
            }
            TRANSITIVE => (
                Field::TransitiveTagKeys,
                None,
                too_many(self.transitive_tag_keys.len(), MAX_TAGS),
            ),
            _ if i < EXTERNAL_ID => {
                let n = i - TRANSITIVE - 1;
                let key = self.transitive_tag_keys.get(n).copied();
                (
                    Field::TransitiveTagKeys,
                    position(n),
                    string(key, 1, 128, Some(tag_char)),
                )
            }
            EXTERNAL_ID => (
                Field::ExternalId,
                None,
                string(self.external_id, 2, 1224, Some(external_id_char)),
            ),
            SOURCE_IDENTITY => (
                Field::SourceIdentity,
                None,
                string(self.source_identity, 2, 64, Some(session_name_char)),
            ),
            CONTEXTS => (
                Field::ProvidedContexts,
                None,
                too_many(self.provided_contexts.len(), MAX_CONTEXTS),
            ),
            _ => {
                let n = (i - CONTEXTS - 1) / 2;
                let context = self.provided_contexts.get(n);
                if (i - CONTEXTS - 1) % 2 == 0 {
                    let arn = context.map(|c| c.provider_arn);
                    (Field::ProviderArn, position(n), string(arn, 20, 2048, Some(arn_char)))
                } else {
                    let assertion = context.map(|c| c.context_assertion.expose());
                    (Field::ContextAssertion, position(n), string(assertion, 4, 2048, None))
                }
            }
        };
        rule.map(|rule| Violation { field, index, rule })
    }
}
