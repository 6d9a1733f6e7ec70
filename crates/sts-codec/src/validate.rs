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
    /// For a `PolicyArns` member: its 1-based position (as in
    /// `PolicyArns.member.N.arn`). `None` for the member itself.
    pub index: Option<u8>,
    /// The rule it breaks.
    pub rule: Rule,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.index {
            Some(n) => write!(f, "{}.member.{n}.arn: {}", self.field, self.rule),
            None => write!(f, "{}: {}", self.field, self.rule),
        }
    }
}

/// Most violations one input can have: one per scalar member, one for the
/// `PolicyArns` count and one per checked `PolicyArns` member.
pub const MAX_VIOLATIONS: usize = 6 + 1 + MAX_POLICY_ARNS;

/// The model's maximum number of `PolicyArns`.
pub const MAX_POLICY_ARNS: usize = 10;

/// Every rule an input breaks. Never contains any member's value.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct ValidationError {
    items: [Option<Violation>; MAX_VIOLATIONS],
    len: usize,
}

impl ValidationError {
    const fn new() -> Self {
        Self {
            items: [None; MAX_VIOLATIONS],
            len: 0,
        }
    }

    fn push(&mut self, field: Field, index: Option<u8>, rule: Rule) {
        if let Some(slot) = self.items.get_mut(self.len) {
            *slot = Some(Violation { field, index, rule });
            self.len += 1;
        }
    }

    /// The violations, in member order.
    pub fn violations(&self) -> impl Iterator<Item = &Violation> + '_ {
        self.items.iter().flatten()
    }

    /// Whether `field` breaks any rule.
    pub fn contains(&self, field: Field) -> bool {
        self.violations().any(|v| v.field == field)
    }

    /// How many violations there are (at least one).
    pub fn len(&self) -> usize {
        self.len
    }

    /// Always false: an error has at least one violation.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

impl fmt::Debug for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.violations()).finish()
    }
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("invalid AssumeRoleWithWebIdentity input: ")?;
        for (i, v) in self.violations().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{v}")?;
        }
        Ok(())
    }
}

impl core::error::Error for ValidationError {}

/// `arnType`: TAB, LF, CR, U+0020-U+007E, U+0085, U+00A0-U+D7FF,
/// U+E000-U+FFFD, U+10000-U+10FFFF.
const fn arn_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{7E}' | '\u{85}' | '\u{A0}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// `roleSessionNameType`: `[\w+=,.@-]` with `\w` = `[A-Za-z0-9_]`.
const fn session_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '+' | '=' | ',' | '.' | '@' | '-')
}

/// `sessionPolicyDocumentType`: TAB, LF, CR, U+0020-U+00FF.
const fn policy_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{FF}')
}

/// The character pattern of a string member.
#[derive(Clone, Copy)]
enum Pattern {
    /// Any character (only the length is checked).
    Any,
    /// `arnType`.
    Arn,
    /// `roleSessionNameType`.
    SessionName,
    /// `sessionPolicyDocumentType`.
    Policy,
}

impl Pattern {
    const fn allows(self, c: char) -> bool {
        match self {
            Pattern::Any => true,
            Pattern::Arn => arn_char(c),
            Pattern::SessionName => session_name_char(c),
            Pattern::Policy => policy_char(c),
        }
    }
}

/// The rule one string member breaks, if any: length bounds first, then
/// the pattern.
fn check_str(value: &str, min: u32, max: u32, pattern: Pattern) -> Option<Rule> {
    let mut len = 0u32;
    let mut bad = None;
    for c in value.chars() {
        if bad.is_none() && !pattern.allows(c) {
            bad = Some(len);
        }
        len = len.saturating_add(1);
    }
    if len < min {
        Some(Rule::TooShort { len, min })
    } else if len > max {
        Some(Rule::TooLong { len, max })
    } else {
        bad.map(|position| Rule::Pattern { position })
    }
}

impl AssumeRoleWithWebIdentityInput<'_> {
    /// Checks every member against the STS model and reports every member
    /// that breaks a rule (one rule per member: length before pattern).
    ///
    /// # Errors
    ///
    /// A [`ValidationError`] listing every violation.
    // The error is a fixed-size report of every violation (at most
    // `MAX_VIOLATIONS`): without alloc there is no box to shrink it into. It
    // is built only on the failure path.
    #[allow(clippy::result_large_err)]
    pub fn validate(&self) -> Result<(), ValidationError> {
        let mut valid = true;
        self.visit_violations(|_, _, _| valid = false);
        if valid { Ok(()) } else { Err(self.report()) }
    }

    #[cold]
    #[inline(never)]
    fn report(&self) -> ValidationError {
        let mut e = ValidationError::new();
        self.visit_violations(|field, index, rule| e.push(field, index, rule));
        e
    }

    /// Calls `f` with each violation, in member order.
    fn visit_violations(&self, mut f: impl FnMut(Field, Option<u8>, Rule)) {
        let strings = [
            (Field::RoleArn, Some(self.role_arn), 20, 2048, Pattern::Arn),
            (
                Field::RoleSessionName,
                Some(self.role_session_name),
                2,
                64,
                Pattern::SessionName,
            ),
            (
                Field::WebIdentityToken,
                Some(self.web_identity_token.expose()),
                4,
                20_000,
                Pattern::Any,
            ),
            (Field::ProviderId, self.provider_id, 4, 2048, Pattern::Any),
        ];
        for (field, value, min, max, pattern) in strings {
            if let Some(rule) = value.and_then(|v| check_str(v, min, max, pattern)) {
                f(field, None, rule);
            }
        }
        if self.policy_arns.len() > MAX_POLICY_ARNS {
            let len = u32::try_from(self.policy_arns.len()).unwrap_or(u32::MAX);
            f(
                Field::PolicyArns,
                None,
                Rule::TooMany {
                    len,
                    max: MAX_POLICY_ARNS as u32,
                },
            );
        }
        for (n, arn) in (1u8..).zip(self.policy_arns.iter().take(MAX_POLICY_ARNS)) {
            if let Some(rule) = check_str(arn, 20, 2048, Pattern::Arn) {
                f(Field::PolicyArns, Some(n), rule);
            }
        }
        if let Some(rule) = self.policy.and_then(|p| check_str(p, 1, 2048, Pattern::Policy)) {
            f(Field::Policy, None, rule);
        }
        if self.duration_seconds.is_some_and(|d| !(900..=43_200).contains(&d)) {
            f(Field::DurationSeconds, None, Rule::OutOfRange { min: 900, max: 43_200 });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each pattern at its edges, counted in characters (not bytes).
    #[test]
    fn check_str_counts_characters_and_names_the_first_bad_one() {
        let cases: &[(&str, u32, u32, Pattern, Option<Rule>)] = &[
            ("ab", 2, 64, Pattern::SessionName, None),
            (
                "a",
                2,
                64,
                Pattern::SessionName,
                Some(Rule::TooShort { len: 1, min: 2 }),
            ),
            ("a b", 2, 64, Pattern::SessionName, Some(Rule::Pattern { position: 1 })),
            ("éé", 2, 2, Pattern::Any, None),
            ("ééé", 2, 2, Pattern::Any, Some(Rule::TooLong { len: 3, max: 2 })),
            (
                "x\u{85}\u{fffe}",
                1,
                9,
                Pattern::Arn,
                Some(Rule::Pattern { position: 2 }),
            ),
            ("\t\u{ff}", 1, 9, Pattern::Policy, None),
            ("\u{100}", 1, 9, Pattern::Policy, Some(Rule::Pattern { position: 0 })),
            ("\u{1}", 0, 9, Pattern::Arn, Some(Rule::Pattern { position: 0 })),
        ];
        for &(value, min, max, pattern, want) in cases {
            assert_eq!(check_str(value, min, max, pattern), want, "{value:?}");
        }
    }
}
