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

    /// The bit of this pattern in [`ASCII_CLASS`] (`Any`: every ASCII byte).
    const fn ascii_bit(self) -> u8 {
        match self {
            Pattern::Arn => 1,
            Pattern::SessionName => 2,
            Pattern::Policy => 4,
            Pattern::Any => 8,
        }
    }

    /// [`allows`](Self::allows) for an ASCII byte; `false` for any other
    /// byte. Arithmetic (but for the session name: a table, shorter for
    /// short names), so a fold of it over a string vectorizes.
    #[inline(always)]
    fn allows_ascii(self, b: u8) -> bool {
        let control = (b == b'\t') | (b == b'\n') | (b == b'\r');
        match self {
            Pattern::Any => b.is_ascii(),
            // U+0020-U+007E.
            Pattern::Arn => (b.wrapping_sub(0x20) < 0x5F) | control,
            Pattern::SessionName => SESSION_NAME_ASCII.get(usize::from(b)).is_some_and(|&ok| ok),
            // U+0020-U+007F (the rest of U+0080-U+00FF is not ASCII).
            Pattern::Policy => (b.wrapping_sub(0x20) < 0x60) | control,
        }
    }
}

/// [`session_name_char`] for each ASCII byte.
static SESSION_NAME_ASCII: [bool; 128] = {
    let mut table = [false; 128];
    let mut b = 0;
    while b < 128 {
        table[b] = session_name_char(b as u8 as char);
        b += 1;
    }
    table
};

/// Whether `value` certainly meets the length bounds and the pattern,
/// without counting characters one by one. `false` means "look closer", not
/// "invalid".
#[inline]
fn surely_valid(value: &str, min: u32, max: u32, pattern: Pattern) -> bool {
    /// Whether `allowed` holds for every byte: no early exit, so it
    /// vectorizes (one loop per pattern: the match is outside).
    #[inline(always)]
    fn all(bytes: &[u8], allowed: impl Fn(u8) -> bool) -> bool {
        bytes.iter().fold(true, |ok, &b| ok & allowed(b))
    }

    let bytes = value.as_bytes();
    let (min, max) = (min as usize, max as usize);
    if let Pattern::Any = pattern {
        // A character is 1 to 4 bytes, so `bytes / 4 <= chars <= bytes`:
        // the byte length alone settles the bounds unless it is near one.
        return bytes.len() <= max && bytes.len() >= min.saturating_mul(4);
    }
    if !(min..=max).contains(&bytes.len()) {
        return false;
    }
    // All ASCII: one character per byte.
    if bytes.len() <= SHORT {
        // A table: cheaper than vector code's setup for a short value.
        let bit = pattern.ascii_bit();
        return bytes.iter().fold(bit, |acc, &b| acc & ASCII_CLASS[usize::from(b)]) != 0;
    }
    match pattern {
        Pattern::Arn => all(bytes, |b| Pattern::Arn.allows_ascii(b)),
        Pattern::SessionName => all(bytes, |b| Pattern::SessionName.allows_ascii(b)),
        Pattern::Policy => all(bytes, |b| Pattern::Policy.allows_ascii(b)),
        Pattern::Any => true,
    }
}

/// Values up to this many bytes are checked by [`ASCII_CLASS`].
const SHORT: usize = 64;

/// For each byte, a bit per [`Pattern`] that allows it as ASCII
/// ([`Pattern::ascii_bit`]): [`Pattern::allows_ascii`] as a table.
static ASCII_CLASS: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 128 {
        let c = b as u8 as char;
        let mut bits = 0;
        if arn_char(c) {
            bits |= 1;
        }
        if session_name_char(c) {
            bits |= 2;
        }
        if policy_char(c) {
            bits |= 4;
        }
        table[b] = bits | 8;
        b += 1;
    }
    table
};

/// Checks one string member: length bounds first, then the pattern.
fn check_str(
    errors: &mut ValidationError,
    field: Field,
    index: Option<u8>,
    value: &str,
    min: u32,
    max: u32,
    pattern: Pattern,
) {
    if surely_valid(value, min, max, pattern) {
        return;
    }
    let mut len = 0u32;
    let mut bad = None;
    for c in value.chars() {
        if bad.is_none() && !pattern.allows(c) {
            bad = Some(len);
        }
        len = len.saturating_add(1);
    }
    if len < min {
        errors.push(field, index, Rule::TooShort { len, min });
    } else if len > max {
        errors.push(field, index, Rule::TooLong { len, max });
    } else if let Some(position) = bad {
        errors.push(field, index, Rule::Pattern { position });
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
    // `MAX_VIOLATIONS`): without alloc there is no box to shrink it into, and
    // it is written once, on the failure path.
    #[allow(clippy::result_large_err)]
    pub fn validate(&self) -> Result<(), ValidationError> {
        if self.surely_valid() {
            // The common case: no report to build (it is a few hundred bytes).
            return Ok(());
        }
        self.report()
    }

    /// Whether every member certainly meets the model ([`surely_valid`]
    /// for each string); `false` means "build the report", not "invalid".
    fn surely_valid(&self) -> bool {
        surely_valid(self.role_arn, 20, 2048, Pattern::Arn)
            && surely_valid(self.role_session_name, 2, 64, Pattern::SessionName)
            && surely_valid(self.web_identity_token.expose(), 4, 20_000, Pattern::Any)
            && self.provider_id.is_none_or(|p| surely_valid(p, 4, 2048, Pattern::Any))
            && self.policy_arns.len() <= MAX_POLICY_ARNS
            && self
                .policy_arns
                .iter()
                .all(|arn| surely_valid(arn, 20, 2048, Pattern::Arn))
            && self.policy.is_none_or(|p| surely_valid(p, 1, 2048, Pattern::Policy))
            && self.duration_seconds.is_none_or(|d| (900..=43_200).contains(&d))
    }

    /// Every violation, counted character by character.
    #[allow(clippy::result_large_err)]
    fn report(&self) -> Result<(), ValidationError> {
        let mut e = ValidationError::new();
        check_str(&mut e, Field::RoleArn, None, self.role_arn, 20, 2048, Pattern::Arn);
        check_str(
            &mut e,
            Field::RoleSessionName,
            None,
            self.role_session_name,
            2,
            64,
            Pattern::SessionName,
        );
        check_str(
            &mut e,
            Field::WebIdentityToken,
            None,
            self.web_identity_token.expose(),
            4,
            20_000,
            Pattern::Any,
        );
        if let Some(p) = self.provider_id {
            check_str(&mut e, Field::ProviderId, None, p, 4, 2048, Pattern::Any);
        }
        if self.policy_arns.len() > MAX_POLICY_ARNS {
            let len = u32::try_from(self.policy_arns.len()).unwrap_or(u32::MAX);
            e.push(
                Field::PolicyArns,
                None,
                Rule::TooMany {
                    len,
                    max: MAX_POLICY_ARNS as u32,
                },
            );
        }
        for (n, arn) in (1u8..).zip(self.policy_arns.iter().take(MAX_POLICY_ARNS)) {
            check_str(&mut e, Field::PolicyArns, Some(n), arn, 20, 2048, Pattern::Arn);
        }
        if let Some(p) = self.policy {
            check_str(&mut e, Field::Policy, None, p, 1, 2048, Pattern::Policy);
        }
        if let Some(d) = self.duration_seconds {
            if !(900..=43_200).contains(&d) {
                e.push(Field::DurationSeconds, None, Rule::OutOfRange { min: 900, max: 43_200 });
            }
        }
        if e.len == 0 { Ok(()) } else { Err(e) }
    }
}

#[cfg(test)]
mod tests {
    extern crate alloc;

    use alloc::format;
    use alloc::string::String;
    use alloc::vec::Vec;

    use super::*;

    const PATTERNS: [Pattern; 4] = [Pattern::Any, Pattern::Arn, Pattern::SessionName, Pattern::Policy];

    /// The byte-wise predicates say what the character-wise ones say.
    #[test]
    fn ascii_predicates_match_the_character_patterns() {
        for p in PATTERNS {
            for b in 0..=255u8 {
                let want = b.is_ascii() && p.allows(b as char);
                assert_eq!(p.allows_ascii(b), want, "byte {b:#04x}");
                assert_eq!(ASCII_CLASS[usize::from(b)] & p.ascii_bit() != 0, want, "byte {b:#04x}");
            }
        }
    }

    /// The one-pass check: what `check_str` did before it, for every
    /// string of a few interesting characters (ASCII, 2-, 3- and 4-byte
    /// UTF-8, controls) and every pair of bounds around their lengths.
    #[test]
    fn fast_path_agrees_with_counting_characters() {
        fn slow(value: &str, min: u32, max: u32, pattern: Pattern) -> Option<Rule> {
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
        let alphabet = [
            'a', 'Z', '0', '_', '@', ':', ' ', '\t', '\u{1}', '\u{7f}', '\u{85}', 'é', '\u{fffe}', '😀',
        ];
        let mut strings = Vec::from([String::new()]);
        for _ in 0..3 {
            let longer: Vec<String> = strings
                .iter()
                .flat_map(|s| alphabet.iter().map(move |c| format!("{s}{c}")))
                .collect();
            strings.extend(longer);
        }
        strings.push("x".repeat(40));
        strings.push("é".repeat(20));
        strings.push(format!("{}\t", "y".repeat(39)));
        // Past `SHORT`: the vector path.
        strings.push("x".repeat(SHORT + 16));
        strings.push("é".repeat(SHORT));
        strings.push(format!("{}\t", "y".repeat(SHORT + 15)));
        strings.push(format!("{}\u{1}", "y".repeat(SHORT + 15)));
        for s in &strings {
            for p in PATTERNS {
                for min in 0..=5 {
                    for max in [min, min + 1, min + 3, 12, 40, 80, 200] {
                        let mut e = ValidationError::new();
                        check_str(&mut e, Field::Policy, None, s, min, max, p);
                        let got = e.violations().next().map(|v| v.rule);
                        assert_eq!(got, slow(s, min, max, p), "{s:?} {min}..={max}");
                    }
                }
            }
        }
    }
}
