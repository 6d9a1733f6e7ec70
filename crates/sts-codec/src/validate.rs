//! Validation of the input against the STS model (botocore's `service-2.json`).
//!
//! Lengths count Unicode scalar values, as the model does.

use core::fmt;

use crate::model::AssumeRoleWithWebIdentityInput;

/// An input member, by its API name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum Field {
    /// `RoleArn`.
    RoleArn,
    /// `RoleSessionName`.
    RoleSessionName,
    /// `WebIdentityToken`.
    WebIdentityToken,
    /// `ProviderId`.
    ProviderId,
    /// `PolicyArns` (the list, or one of its members: see [`Violation::index`]).
    PolicyArns,
    /// `Policy`.
    Policy,
    /// `DurationSeconds`.
    DurationSeconds,
    /// `Tags` (`AssumeRole`): the list itself.
    Tags,
    /// `Tags.member.N.Key` (`AssumeRole`; N in [`Violation::index`]).
    TagKey,
    /// `Tags.member.N.Value` (`AssumeRole`; N in [`Violation::index`]).
    TagValue,
    /// `TransitiveTagKeys` (`AssumeRole`): the list, or one of its members.
    TransitiveTagKeys,
    /// `ExternalId` (`AssumeRole`).
    ExternalId,
    /// `SourceIdentity` (`AssumeRole`).
    SourceIdentity,
    /// `ProvidedContexts` (`AssumeRole`): the list itself.
    ProvidedContexts,
    /// `ProvidedContexts.member.N.ProviderArn` (`AssumeRole`).
    ProviderArn,
    /// `ProvidedContexts.member.N.ContextAssertion` (`AssumeRole`).
    ContextAssertion,
}

impl Field {
    /// The member's name in the STS API.
    pub const fn api_name(self) -> &'static str {
        match self {
            Field::RoleArn => "RoleArn",
            Field::RoleSessionName => "RoleSessionName",
            Field::WebIdentityToken => "WebIdentityToken",
            Field::ProviderId => "ProviderId",
            Field::PolicyArns => "PolicyArns",
            Field::Policy => "Policy",
            Field::DurationSeconds => "DurationSeconds",
            Field::Tags => "Tags",
            Field::TagKey => "Key",
            Field::TagValue => "Value",
            Field::TransitiveTagKeys => "TransitiveTagKeys",
            Field::ExternalId => "ExternalId",
            Field::SourceIdentity => "SourceIdentity",
            Field::ProvidedContexts => "ProvidedContexts",
            Field::ProviderArn => "ProviderArn",
            Field::ContextAssertion => "ContextAssertion",
        }
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.api_name())
    }
}

/// A rule of the STS model that a member breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum Rule {
    /// Fewer characters than the minimum.
    TooShort {
        /// Characters present (saturating at `u32::MAX`).
        len: u32,
        /// The model's minimum.
        min: u32,
    },
    /// More characters than the maximum.
    TooLong {
        /// Characters present (saturating at `u32::MAX`).
        len: u32,
        /// The model's maximum.
        max: u32,
    },
    /// A character outside the member's pattern.
    Pattern {
        /// Position (in characters, from 0) of the first character not allowed.
        position: u32,
    },
    /// A number outside the allowed range.
    OutOfRange {
        /// The model's minimum.
        min: u32,
        /// The model's maximum.
        max: u32,
    },
    /// A list with more members than allowed.
    TooMany {
        /// Members present (saturating at `u32::MAX`).
        len: u32,
        /// The model's maximum.
        max: u32,
    },
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Rule::TooShort { len, min } => write!(f, "{len} characters, fewer than the minimum {min}"),
            Rule::TooLong { len, max } => write!(f, "{len} characters, more than the maximum {max}"),
            Rule::Pattern { position } => {
                write!(
                    f,
                    "character at position {position} is not allowed by the member's pattern"
                )
            }
            Rule::OutOfRange { min, max } => write!(f, "outside the range {min}..={max}"),
            Rule::TooMany { len, max } => write!(f, "{len} members, more than the maximum {max}"),
        }
    }
}

/// One broken rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub struct Violation {
    /// The member.
    pub field: Field,
    /// For a list member (`PolicyArns`, and for `AssumeRole` the `Tags`,
    /// `TransitiveTagKeys` and `ProvidedContexts` members): its 1-based
    /// position (as in `PolicyArns.member.N.arn`). `None` for the member
    /// itself.
    pub index: Option<u8>,
    /// The rule it breaks.
    pub rule: Rule,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.field, self.index) {
            (Field::TagKey | Field::TagValue, Some(n)) => write!(f, "Tags.member.{n}.{}: {}", self.field, self.rule),
            (Field::TransitiveTagKeys, Some(n)) => write!(f, "TransitiveTagKeys.member.{n}: {}", self.rule),
            (Field::ProviderArn | Field::ContextAssertion, Some(n)) => {
                write!(f, "ProvidedContexts.member.{n}.{}: {}", self.field, self.rule)
            }
            (_, Some(n)) => write!(f, "{}.member.{n}.arn: {}", self.field, self.rule),
            (_, None) => write!(f, "{}: {}", self.field, self.rule),
        }
    }
}

/// Most violations one input can have: one per scalar member, the
/// `PolicyArns` count, and each of the model's at most ten `PolicyArns`.
pub const MAX_VIOLATIONS: usize = 6 + 1 + MAX_POLICY_ARNS;
pub(crate) const MAX_POLICY_ARNS: usize = 10;

/// That an input breaks the STS model: the first violation and which checks
/// failed. Small and `Copy`; never contains any member's value. Every
/// violation, with its details, comes from
/// [`AssumeRoleWithWebIdentityInput::violations`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct ValidationError {
    /// `AssumeRoleWithWebIdentity`: bit `i` set: check `i` (see `check`)
    /// failed (bits 0 to 16). `AssumeRole` ([`ASSUME_ROLE`] set): bit `i`
    /// set: a member of `ASSUME_ROLE_FIELDS[i]` breaks a rule (bits 0 to
    /// 13), and bits 16 to 23 count the violations (at most 255). Packed in
    /// one word so that the web identity path's error keeps its size.
    failed: u32,
    first: Violation,
}

/// The bit of [`ValidationError::failed`] that marks an `AssumeRole` error.
const ASSUME_ROLE: u32 = 1 << 31;
/// Where an `AssumeRole` error counts its violations.
const COUNT_SHIFT: u32 = 16;

impl ValidationError {
    /// The first violation, in member order.
    pub fn first(&self) -> Violation {
        self.first
    }

    /// Whether `field` breaks any rule.
    pub fn contains(&self, field: Field) -> bool {
        if self.failed & ASSUME_ROLE != 0 {
            return ASSUME_ROLE_FIELDS
                .iter()
                .position(|&f| f == field)
                .is_some_and(|i| self.failed & (1 << i) != 0);
        }
        (0..MAX_VIOLATIONS).any(|i| self.failed & (1 << i) != 0 && check_field(i) == field)
    }

    /// How many violations there are (at least one).
    pub fn len(&self) -> usize {
        if self.failed & ASSUME_ROLE != 0 {
            return ((self.failed >> COUNT_SHIFT) & 0xFF) as usize;
        }
        self.failed.count_ones() as usize
    }

    /// Always false: an error has at least one violation.
    pub fn is_empty(&self) -> bool {
        self.failed == 0
    }
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.failed & ASSUME_ROLE != 0 {
            return self.fmt_assume_role(f);
        }
        write!(f, "invalid AssumeRoleWithWebIdentity input: {}", self.first)?;
        // The other members that break a rule, by name.
        let first = self.failed.trailing_zeros() as usize;
        let mut sep = "; also invalid: ";
        for i in (first + 1..MAX_VIOLATIONS).filter(|&i| self.failed & (1 << i) != 0) {
            match i {
                5..=14 => write!(f, "{sep}PolicyArns.member.{}.arn", i - 4)?,
                _ => write!(f, "{sep}{}", check_field(i))?,
            }
            sep = ", ";
        }
        Ok(())
    }
}

impl core::error::Error for ValidationError {}

/// `arnType`: TAB, LF, CR, U+0020-U+007E, U+0085, U+00A0-U+D7FF, U+E000-U+FFFD, U+10000-U+10FFFF.
pub(crate) const fn arn_char(c: char) -> bool {
    matches!(c, '\u{20}'..='\u{7E}')
        || matches!(c, '\t' | '\n' | '\r' | '\u{85}' | '\u{A0}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// `roleSessionNameType`: `[\w+=,.@-]` with `\w` = `[A-Za-z0-9_]`.
pub(crate) const fn session_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '+' | '=' | ',' | '.' | '@' | '-')
}

/// `sessionPolicyDocumentType`: TAB, LF, CR, U+0020-U+00FF.
pub(crate) const fn policy_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{FF}')
}

/// The rule one string member breaks, if any: length bounds first, then
/// the pattern (`None`: any character).
pub(crate) fn check_str(value: &str, min: u32, max: u32, pattern: Option<fn(char) -> bool>) -> Option<Rule> {
    let len = u32::try_from(value.chars().count()).unwrap_or(u32::MAX);
    if len < min {
        return Some(Rule::TooShort { len, min });
    }
    if len > max {
        return Some(Rule::TooLong { len, max });
    }
    let allowed = pattern?;
    let position = value.chars().position(|c| !allowed(c))?;
    Some(Rule::Pattern {
        position: u32::try_from(position).unwrap_or(u32::MAX),
    })
}

/// The member that check `i` of [`AssumeRoleWithWebIdentityInput::check`]
/// looks at.
const fn check_field(i: usize) -> Field {
    match i {
        0 => Field::RoleArn,
        1 => Field::RoleSessionName,
        2 => Field::WebIdentityToken,
        3 => Field::ProviderId,
        4..=14 => Field::PolicyArns,
        15 => Field::Policy,
        _ => Field::DurationSeconds,
    }
}

impl AssumeRoleWithWebIdentityInput<'_> {
    /// Checks every member against the STS model (one rule per member:
    /// length before pattern).
    ///
    /// # Errors
    ///
    /// A [`ValidationError`] with the first violation and which members
    /// break a rule; [`violations`](Self::violations) lists them all.
    pub fn validate(&self) -> Result<(), ValidationError> {
        let mut failed = 0u32;
        let mut first = None;
        for i in 0..MAX_VIOLATIONS {
            if let Some(v) = self.check(i) {
                failed |= 1 << i;
                first.get_or_insert(v);
            }
        }
        match first {
            Some(first) => Err(ValidationError { failed, first }),
            None => Ok(()),
        }
    }

    /// Every rule the input breaks, in member order, with its details.
    pub fn violations(&self) -> impl Iterator<Item = Violation> + '_ {
        (0..MAX_VIOLATIONS).filter_map(|i| self.check(i))
    }

    /// Check `i`: the scalar members in model order, the `PolicyArns` count,
    /// each of the first ten `PolicyArns` members, `Policy`,
    /// `DurationSeconds`.
    fn check(&self, i: usize) -> Option<Violation> {
        let field = check_field(i);
        let string = |value: Option<&str>, min, max, pattern| value.and_then(|v| check_str(v, min, max, pattern));
        let (index, rule) = match i {
            0 => (None, string(Some(self.role_arn), 20, 2048, Some(arn_char))),
            1 => (
                None,
                string(Some(self.role_session_name), 2, 64, Some(session_name_char)),
            ),
            2 => (None, string(Some(self.web_identity_token.expose()), 4, 20_000, None)),
            3 => (None, string(self.provider_id, 4, 2048, None)),
            4 => (
                None,
                (self.policy_arns.len() > MAX_POLICY_ARNS).then(|| Rule::TooMany {
                    len: u32::try_from(self.policy_arns.len()).unwrap_or(u32::MAX),
                    max: MAX_POLICY_ARNS as u32,
                }),
            ),
            5..=14 => {
                let n = i - 4;
                let arn = self.policy_arns.get(n - 1).copied();
                (u8::try_from(n).ok(), string(arn, 20, 2048, Some(arn_char)))
            }
            15 => (None, string(self.policy, 1, 2048, Some(policy_char))),
            _ => (
                None,
                self.duration_seconds
                    .filter(|d| !(900..=43_200).contains(d))
                    .map(|_| Rule::OutOfRange { min: 900, max: 43_200 }),
            ),
        };
        rule.map(|rule| Violation { field, index, rule })
    }
}

#[cfg(feature = "assume-role")]
mod assume_role;

/// The members of `AssumeRole` that can break a rule, in model order: bit
/// `i` of a [`ValidationError`] about `AssumeRole` is `ASSUME_ROLE_FIELDS[i]`.
const ASSUME_ROLE_FIELDS: [Field; 14] = [
    Field::RoleArn,
    Field::RoleSessionName,
    Field::PolicyArns,
    Field::Policy,
    Field::DurationSeconds,
    Field::Tags,
    Field::TagKey,
    Field::TagValue,
    Field::TransitiveTagKeys,
    Field::ExternalId,
    Field::SourceIdentity,
    Field::ProvidedContexts,
    Field::ProviderArn,
    Field::ContextAssertion,
];

impl ValidationError {
    /// `Display` of an `AssumeRole` error: the first violation, then the
    /// other members that break a rule.
    fn fmt_assume_role(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid AssumeRole input: {}", self.first)?;
        let mut sep = "; also invalid: ";
        for (i, field) in ASSUME_ROLE_FIELDS.iter().enumerate() {
            if self.failed & (1 << i) == 0 || *field == self.first.field {
                continue;
            }
            let path = match field {
                Field::TagKey => "Tags.member.N.Key",
                Field::TagValue => "Tags.member.N.Value",
                Field::ProviderArn => "ProvidedContexts.member.N.ProviderArn",
                Field::ContextAssertion => "ProvidedContexts.member.N.ContextAssertion",
                other => other.api_name(),
            };
            write!(f, "{sep}{path}")?;
            sep = ", ";
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each pattern at its edges, counted in characters (not bytes).
    #[test]
    fn check_str_counts_characters_and_names_the_first_bad_one() {
        type Case = (&'static str, u32, u32, Option<fn(char) -> bool>, Option<Rule>);
        let cases: &[Case] = &[
            ("ab", 2, 64, Some(session_name_char), None),
            (
                "a",
                2,
                64,
                Some(session_name_char),
                Some(Rule::TooShort { len: 1, min: 2 }),
            ),
            (
                "a b",
                2,
                64,
                Some(session_name_char),
                Some(Rule::Pattern { position: 1 }),
            ),
            ("éé", 2, 2, None, None),
            ("ééé", 2, 2, None, Some(Rule::TooLong { len: 3, max: 2 })),
            (
                "x\u{85}\u{fffe}",
                1,
                9,
                Some(arn_char),
                Some(Rule::Pattern { position: 2 }),
            ),
            ("\t\u{ff}", 1, 9, Some(policy_char), None),
            ("\u{100}", 1, 9, Some(policy_char), Some(Rule::Pattern { position: 0 })),
            ("\u{1}", 0, 9, Some(arn_char), Some(Rule::Pattern { position: 0 })),
        ];
        for &(value, min, max, pattern, want) in cases {
            assert_eq!(check_str(value, min, max, pattern), want, "{value:?}");
        }
    }
}
