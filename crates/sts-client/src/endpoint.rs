//! STS endpoint resolution without heap allocation.
//!
//! [`resolve`] is a hand translation of the STS endpoint rule set (botocore
//! `data/sts/2011-06-15/endpoint-rule-set-1.json`, rule-set version 1.0). The
//! partition data its `aws.partition()` function needs (botocore
//! `data/partitions.json`, version 1.1) is compiled in as a static table. Each
//! rule of the rule set appears below in the same order, with a comment that
//! names it.
//!
//! Regional endpoints are the default, as in current AWS SDKs:
//! `us-east-1` resolves to `https://sts.us-east-1.amazonaws.com`. The legacy
//! global endpoint `https://sts.amazonaws.com` is used only for the region
//! `aws-global`, or when [`EndpointParams::use_global_endpoint`] is set and the
//! region is one of the 16 regions the rule set lists as legacy.
//!
//! The result is an [`Endpoint`]: an owned value of fixed size that keeps the
//! URL in an inline buffer of [`Endpoint::MAX_URL_LEN`] bytes.
//!
//! # Checks beyond the rule set
//!
//! The rule set puts `Region` into the URL unchecked and passes `Endpoint`
//! through verbatim. This module adds the following checks:
//!
//! * A region that is used must be a valid host label: 1 to 63 ASCII letters,
//!   digits or `-`, with no `-` at the start or end. This is the rule-set
//!   library's `isValidHostLabel(Region, false)`. Otherwise
//!   [`EndpointError::InvalidRegion`] is returned. An empty region counts as
//!   no region ([`EndpointError::MissingRegion`]). When an endpoint override
//!   is in effect, the region is not part of the URL and is not checked.
//! * An endpoint override must be an absolute `http` or `https` URL of the
//!   form `scheme://host[:port][/path]` and at most [`Endpoint::MAX_URL_LEN`]
//!   bytes long. See [`EndpointParams::endpoint`].
//!
//! # Example
//!
//! ```
//! use sts_client::endpoint::{EndpointParams, resolve};
//!
//! let params = EndpointParams {
//!     region: Some("eu-west-1"),
//!     ..EndpointParams::default()
//! };
//! let endpoint = resolve(&params)?;
//! assert_eq!(endpoint.url(), "https://sts.eu-west-1.amazonaws.com");
//! assert_eq!(endpoint.host(), "sts.eu-west-1.amazonaws.com");
//! assert_eq!(endpoint.port(), 443);
//! // No auth scheme override: sign for the configured region.
//! assert_eq!(endpoint.signing_region(), None);
//! # Ok::<(), sts_client::endpoint::EndpointError>(())
//! ```

use core::fmt;

/// Input parameters of the STS endpoint rule set.
///
/// `Default` gives the rule set's defaults: no region, no override, and all
/// flags `false`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EndpointParams<'a> {
    /// The AWS region the request goes to. This is the rule-set parameter
    /// `Region`, built-in `AWS::Region`. Examples: `"us-east-1"`,
    /// `"cn-north-1"`.
    ///
    /// Required unless [`endpoint`](Self::endpoint) is set. `Some("")` counts
    /// as `None`.
    pub region: Option<&'a str>,
    /// Use the FIPS endpoint. This is `UseFIPS`, built-in `AWS::UseFIPS`.
    /// Cannot be combined with an endpoint override.
    pub use_fips: bool,
    /// Use the dual-stack (IPv4 and IPv6) endpoint. This is `UseDualStack`,
    /// built-in `AWS::UseDualStack`. Cannot be combined with an endpoint
    /// override.
    pub use_dual_stack: bool,
    /// For the 16 legacy regions, use the global endpoint
    /// `https://sts.amazonaws.com` (signed for `us-east-1`) instead of the
    /// regional one. This is `UseGlobalEndpoint`, built-in
    /// `AWS::STS::UseGlobalEndpoint`; it corresponds to the
    /// `sts_regional_endpoints = legacy` setting. Ignored with FIPS, dual-stack
    /// or an endpoint override. The default, `false`, selects regional
    /// endpoints.
    pub use_global_endpoint: bool,
    /// An endpoint override, such as `"http://localhost:4566"`. This is
    /// `Endpoint`, built-in `SDK::Endpoint`.
    ///
    /// It must be `http://` or `https://` (the scheme is case-insensitive and
    /// is stored in lowercase), followed by a host and an optional `:port`
    /// (1–65535) and `/path`. The host is a name of ASCII letters, digits,
    /// `-`, `.` and `_`, or an IPv6 literal in brackets. User info (`user@`),
    /// queries and fragments are rejected, and so are non-ASCII characters,
    /// which must be percent-encoded. The whole string may be at most
    /// [`Endpoint::MAX_URL_LEN`] bytes long. `Some("")` is invalid; it does not
    /// count as unset.
    pub endpoint: Option<&'a str>,
}

/// Why an endpoint could not be resolved.
///
/// The [`Display`](fmt::Display) messages of the variants that come from the
/// rule set match its error strings exactly.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EndpointError {
    /// Neither a region nor an endpoint override was given.
    MissingRegion,
    /// The region is not a valid host label: 1 to 63 ASCII letters, digits or
    /// `-`, with no `-` at the start or end.
    InvalidRegion,
    /// FIPS was requested together with an endpoint override.
    FipsWithCustomEndpoint,
    /// Dual-stack was requested together with an endpoint override.
    DualStackWithCustomEndpoint,
    /// FIPS and dual-stack were both requested, and the region's partition
    /// lacks at least one of them.
    FipsAndDualStackNotSupported,
    /// FIPS was requested, and the region's partition has no FIPS endpoints.
    FipsNotSupported,
    /// Dual-stack was requested, and the region's partition has no dual-stack
    /// endpoints.
    DualStackNotSupported,
    /// The endpoint override is not a URL of the form
    /// `scheme://host[:port][/path]`. See [`EndpointParams::endpoint`].
    InvalidEndpoint,
    /// The endpoint override's scheme is neither `http` nor `https`.
    UnsupportedEndpointScheme,
    /// The endpoint override is longer than [`Endpoint::MAX_URL_LEN`] bytes.
    EndpointTooLong,
}

impl EndpointError {
    /// The error message. [`Display`](fmt::Display) writes the same text.
    pub const fn message(self) -> &'static str {
        match self {
            Self::MissingRegion => "Invalid Configuration: Missing Region",
            Self::InvalidRegion => {
                "Invalid Configuration: Region must be a valid host label \
                 (1-63 ASCII letters, digits or '-', not starting or ending with '-')"
            }
            Self::FipsWithCustomEndpoint => "Invalid Configuration: FIPS and custom endpoint are not supported",
            Self::DualStackWithCustomEndpoint => {
                "Invalid Configuration: Dualstack and custom endpoint are not supported"
            }
            Self::FipsAndDualStackNotSupported => {
                "FIPS and DualStack are enabled, but this partition does not support one or both"
            }
            Self::FipsNotSupported => "FIPS is enabled but this partition does not support FIPS",
            Self::DualStackNotSupported => "DualStack is enabled but this partition does not support DualStack",
            Self::InvalidEndpoint => {
                "Invalid Configuration: custom endpoint must be a URL of the form \
                 scheme://host[:port][/path] (ASCII only, no user info, query or fragment)"
            }
            Self::UnsupportedEndpointScheme => "Invalid Configuration: custom endpoint scheme must be http or https",
            Self::EndpointTooLong => "Invalid Configuration: custom endpoint is longer than 256 bytes",
        }
    }
}

impl fmt::Display for EndpointError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

impl core::error::Error for EndpointError {}

/// A resolved STS endpoint.
///
/// An owned value of fixed size that allocates nothing. The URL is kept in an
/// inline buffer of [`MAX_URL_LEN`](Self::MAX_URL_LEN) bytes, so the value is
/// a little over 256 bytes.
#[derive(Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// The URL bytes; always ASCII. Only `buf[..len]` is used.
    buf: [u8; Endpoint::MAX_URL_LEN],
    len: usize,
    scheme: Scheme,
    /// `buf[host_start..host_end]` is the host.
    host_start: usize,
    host_end: usize,
    /// The port written in the URL, if any.
    explicit_port: Option<u16>,
    /// `buf[path_start..len]` is the path, possibly empty.
    path_start: usize,
    signing_region: SigningRegion,
}

impl Endpoint {
    /// The longest URL an `Endpoint` can hold, in bytes. It is also the
    /// longest endpoint override accepted.
    ///
    /// Endpoints built from a region are always shorter: at most 109 bytes,
    /// because a valid region has at most 63 bytes (checked at compile time).
    pub const MAX_URL_LEN: usize = 256;

    /// The full URL, for example `https://sts.us-east-1.amazonaws.com`.
    ///
    /// For an endpoint override, this is the given string with its scheme in
    /// lowercase.
    pub fn url(&self) -> &str {
        self.slice(0, self.len)
    }

    /// The URL scheme: `"https"`, or `"http"` for an endpoint override that
    /// asks for it.
    pub fn scheme(&self) -> &str {
        self.scheme.as_str()
    }

    /// The host as it appears in the URL, without the port. An IPv6 literal
    /// keeps its brackets (`[::1]`), so it can be used in a `Host` header.
    pub fn host(&self) -> &str {
        self.slice(self.host_start, self.host_end)
    }

    /// The port: the one in the URL if given, else the scheme's default (443
    /// for `https`, 80 for `http`).
    pub fn port(&self) -> u16 {
        self.explicit_port.unwrap_or(self.scheme.default_port())
    }

    /// The path of the URL. It is empty unless an endpoint override has one,
    /// for example `/sts` in `http://localhost:4566/sts`. An empty path means
    /// requests go to `/`.
    pub fn path(&self) -> &str {
        self.slice(self.path_start, self.len)
    }

    /// The region to sign requests for, when the rule set overrides it (the
    /// `signingRegion` of the endpoint's `sigv4` auth scheme).
    ///
    /// The global endpoint `https://sts.amazonaws.com` returns
    /// `Some("us-east-1")`. A regional endpoint chosen by the
    /// `UseGlobalEndpoint` rule returns its own region. `None` means the
    /// rule set has no override: sign for the configured region, as SigV4
    /// does by default.
    pub fn signing_region(&self) -> Option<&str> {
        match self.signing_region {
            SigningRegion::Unspecified => None,
            SigningRegion::Fixed(region) => Some(region),
            SigningRegion::InUrl { start, end } => Some(self.slice(start, end)),
        }
    }

    /// The global endpoint, signed for `us-east-1`.
    fn global() -> Result<Self, EndpointError> {
        let mut url = UrlBuf::new();
        url.push("https://")?;
        let host_start = url.len;
        url.push("sts.amazonaws.com")?;
        Ok(url.finish(Scheme::Https, host_start, None, SigningRegion::Fixed("us-east-1")))
    }

    /// `https://{service_label}.{region}.{dns_suffix}`. If `sign_for_region`
    /// is set, the endpoint's signing region is `region`.
    fn regional(
        service_label: &str,
        region: &str,
        dns_suffix: &str,
        sign_for_region: bool,
    ) -> Result<Self, EndpointError> {
        let mut url = UrlBuf::new();
        url.push("https://")?;
        let host_start = url.len;
        url.push(service_label)?;
        url.push(".")?;
        let region_start = url.len;
        url.push(region)?;
        let region_end = url.len;
        url.push(".")?;
        url.push(dns_suffix)?;
        let signing_region = if sign_for_region {
            SigningRegion::InUrl {
                start: region_start,
                end: region_end,
            }
        } else {
            SigningRegion::Unspecified
        };
        Ok(url.finish(Scheme::Https, host_start, None, signing_region))
    }

    /// Checks and stores an endpoint override (see [`EndpointParams::endpoint`]).
    fn from_override(input: &str) -> Result<Self, EndpointError> {
        let (scheme, rest) = input.split_once("://").ok_or(EndpointError::InvalidEndpoint)?;
        let scheme = if scheme.eq_ignore_ascii_case("https") {
            Scheme::Https
        } else if scheme.eq_ignore_ascii_case("http") {
            Scheme::Http
        } else if is_uri_scheme(scheme) {
            return Err(EndpointError::UnsupportedEndpointScheme);
        } else {
            return Err(EndpointError::InvalidEndpoint);
        };
        if input.len() > Self::MAX_URL_LEN {
            return Err(EndpointError::EndpointTooLong);
        }
        if rest.contains(['?', '#']) {
            return Err(EndpointError::InvalidEndpoint);
        }
        let (authority, path) = match rest.find('/') {
            Some(slash) => rest.split_at_checked(slash).ok_or(EndpointError::InvalidEndpoint)?,
            None => (rest, ""),
        };
        let (host, port_text) = split_host_port(authority)?;
        let port = port_text
            .map(|text| parse_port(text).ok_or(EndpointError::InvalidEndpoint))
            .transpose()?;
        if !is_valid_path(path) {
            return Err(EndpointError::InvalidEndpoint);
        }

        let mut url = UrlBuf::new();
        url.push(scheme.as_str())?;
        url.push("://")?;
        let host_start = url.len;
        url.push(host)?;
        let host_end = url.len;
        if let Some(port_text) = port_text {
            url.push(":")?;
            url.push(port_text)?;
        }
        let path_start = url.len;
        url.push(path)?;
        Ok(Endpoint {
            buf: url.buf,
            len: url.len,
            scheme,
            host_start,
            host_end,
            explicit_port: port,
            path_start,
            signing_region: SigningRegion::Unspecified,
        })
    }

    /// `buf[start..end]` as text, or `""` if the range were ever out of
    /// bounds (it is not: every range is set from the buffer's own length).
    /// The URL, the host and the path at once (one UTF-8 check instead of
    /// one per part), for the client's requests.
    pub(crate) fn parts(&self) -> (&str, &str, &str) {
        let url = self.url();
        (
            url,
            url.get(self.host_start..self.host_end).unwrap_or(""),
            url.get(self.path_start..).unwrap_or(""),
        )
    }

    fn slice(&self, start: usize, end: usize) -> &str {
        self.buf
            .get(start..end)
            .and_then(|bytes| core::str::from_utf8(bytes).ok())
            .unwrap_or("")
    }
}

impl fmt::Debug for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Endpoint")
            .field("url", &self.url())
            .field("signing_region", &self.signing_region())
            .finish()
    }
}

/// Writes the URL.
impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.url())
    }
}

/// `http` or `https`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scheme {
    Http,
    Https,
}

impl Scheme {
    const fn as_str(self) -> &'static str {
        match self {
            Self::Http => "http",
            Self::Https => "https",
        }
    }

    const fn default_port(self) -> u16 {
        match self {
            Self::Http => 80,
            Self::Https => 443,
        }
    }
}

/// Where [`Endpoint::signing_region`] comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SigningRegion {
    /// The rule gives no `authSchemes`.
    Unspecified,
    /// A fixed region (`us-east-1` for the global endpoint).
    Fixed(&'static str),
    /// The region inside the URL, `buf[start..end]`.
    InUrl { start: usize, end: usize },
}

/// A URL under construction; never grows past [`Endpoint::MAX_URL_LEN`].
struct UrlBuf {
    buf: [u8; Endpoint::MAX_URL_LEN],
    len: usize,
}

impl UrlBuf {
    const fn new() -> Self {
        Self {
            buf: [0; Endpoint::MAX_URL_LEN],
            len: 0,
        }
    }

    /// Appends `text`, or fails with `EndpointTooLong` if it does not fit.
    fn push(&mut self, text: &str) -> Result<(), EndpointError> {
        let end = self.len.checked_add(text.len()).ok_or(EndpointError::EndpointTooLong)?;
        let slot = self.buf.get_mut(self.len..end).ok_or(EndpointError::EndpointTooLong)?;
        slot.copy_from_slice(text.as_bytes());
        self.len = end;
        Ok(())
    }

    /// Turns the buffer into an endpoint whose host runs from `host_start` to
    /// the current end and whose path is empty.
    fn finish(
        self,
        scheme: Scheme,
        host_start: usize,
        explicit_port: Option<u16>,
        signing_region: SigningRegion,
    ) -> Endpoint {
        Endpoint {
            buf: self.buf,
            len: self.len,
            scheme,
            host_start,
            host_end: self.len,
            explicit_port,
            path_start: self.len,
            signing_region,
        }
    }
}

/// Splits `host[:port]` and checks the host; the port is checked by
/// [`parse_port`].
fn split_host_port(authority: &str) -> Result<(&str, Option<&str>), EndpointError> {
    let invalid = EndpointError::InvalidEndpoint;
    let (host, port) = if let Some(bracketed) = authority.strip_prefix('[') {
        // IPv6 literal: `[` hex digits, `:` and `.` `]`.
        let (address, after) = bracketed.split_once(']').ok_or(invalid)?;
        let is_ipv6 = address.contains(':') && address.bytes().all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.');
        if !is_ipv6 {
            return Err(invalid);
        }
        let host = authority.get(..address.len() + 2).ok_or(invalid)?;
        let port = if after.is_empty() {
            None
        } else {
            Some(after.strip_prefix(':').ok_or(invalid)?)
        };
        (host, port)
    } else {
        let (host, port) = match authority.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        };
        let is_name = host.bytes().next().is_some_and(|b| b.is_ascii_alphanumeric())
            && host
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_'));
        if !is_name {
            return Err(invalid);
        }
        (host, port)
    };
    Ok((host, port))
}

/// A decimal port number from 1 to 65535.
fn parse_port(text: &str) -> Option<u16> {
    if text.is_empty() || text.len() > 5 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse::<u16>().ok().filter(|&port| port != 0)
}

/// An empty path, or `/` followed by visible ASCII other than `\`, where every
/// `%` starts a `%XX` escape. (`?` and `#` are rejected earlier.)
fn is_valid_path(path: &str) -> bool {
    if path.is_empty() {
        return true;
    }
    let bytes = path.as_bytes();
    if bytes.first() != Some(&b'/') {
        return false;
    }
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'%' => {
                let escape = bytes.get(i + 1..i + 3);
                if !escape.is_some_and(|hex| hex.iter().all(u8::is_ascii_hexdigit)) {
                    return false;
                }
                i += 3;
            }
            b'\\' => return false,
            b'!'..=b'~' => i += 1,
            _ => return false,
        }
    }
    true
}

/// RFC 3986 `scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )`.
fn is_uri_scheme(text: &str) -> bool {
    text.bytes().next().is_some_and(|b| b.is_ascii_alphabetic())
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
}

/// The rule-set library's `isValidHostLabel(value, false)`: 1 to 63 ASCII
/// letters, digits or `-`, not starting or ending with `-`.
fn is_valid_host_label(value: &str) -> bool {
    let bytes = value.as_bytes();
    (1..=63).contains(&bytes.len())
        && bytes.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'-')
        && bytes.first() != Some(&b'-')
        && bytes.last() != Some(&b'-')
}

/// Checks a region before it is used (see the module docs).
fn checked_region(region: &str) -> Result<&str, EndpointError> {
    if is_valid_host_label(region) {
        Ok(region)
    } else {
        Err(EndpointError::InvalidRegion)
    }
}

/// The outputs of `aws.partition()` that the STS rules read, plus what is
/// needed to match a region to its partition.
#[derive(Debug)]
struct Partition {
    /// `name` (the partition id).
    name: &'static str,
    dns_suffix: &'static str,
    dual_stack_dns_suffix: &'static str,
    supports_fips: bool,
    supports_dual_stack: bool,
    /// Every `regionRegex` in `partitions.json` has the form
    /// `^(p1|p2|…)\-\w+\-\d+$`; these are the alternatives `p1`, `p2`, ….
    region_regex_prefixes: &'static [&'static str],
    /// The listed regions that the `regionRegex` does not match (the
    /// `*-global` pseudo-regions). Every other listed region resolves
    /// through the regex (`partition_table_matches_partitions_json` checks
    /// each one against `partitions.json`).
    regions: &'static [&'static str],
}

impl Partition {
    /// Whether `region` matches this partition's `regionRegex`.
    ///
    /// Python's `re` (used by botocore) treats `\w` and `\d` as Unicode classes
    /// and lets `$` match before a final newline. Neither matters here,
    /// because only valid host labels (ASCII letters, digits, `-`) get here.
    fn matches_region_regex(&self, region: &str) -> bool {
        self.region_regex_prefixes.iter().any(|prefix| {
            let Some(rest) = region.strip_prefix(prefix).and_then(|rest| rest.strip_prefix('-')) else {
                return false;
            };
            // `\w+` cannot contain `-`, so the first `-` ends it.
            let Some((word, number)) = rest.split_once('-') else {
                return false;
            };
            !word.is_empty()
                && word.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
                && !number.is_empty()
                && number.bytes().all(|b| b.is_ascii_digit())
        })
    }
}

/// The `aws` partition; also the fallback for unknown regions.
const AWS: Partition = Partition {
    name: "aws",
    dns_suffix: "amazonaws.com",
    dual_stack_dns_suffix: "api.aws",
    supports_fips: true,
    supports_dual_stack: true,
    region_regex_prefixes: &["us", "eu", "ap", "sa", "ca", "me", "af", "il", "mx"],
    regions: &["aws-global"],
};

/// The partition table of botocore `partitions.json` (version 1.1), in file
/// order. `implicitGlobalRegion` is left out: the STS rules do not read it.
static PARTITIONS: [Partition; 8] = [
    AWS,
    Partition {
        name: "aws-cn",
        dns_suffix: "amazonaws.com.cn",
        dual_stack_dns_suffix: "api.amazonwebservices.com.cn",
        supports_fips: true,
        supports_dual_stack: true,
        region_regex_prefixes: &["cn"],
        regions: &["aws-cn-global"],
    },
    Partition {
        name: "aws-eusc",
        dns_suffix: "amazonaws.eu",
        dual_stack_dns_suffix: "api.amazonwebservices.eu",
        supports_fips: true,
        supports_dual_stack: true,
        region_regex_prefixes: &["eusc-de"],
        regions: &[],
    },
    Partition {
        name: "aws-iso",
        dns_suffix: "c2s.ic.gov",
        dual_stack_dns_suffix: "api.aws.ic.gov",
        supports_fips: true,
        supports_dual_stack: true,
        region_regex_prefixes: &["us-iso"],
        regions: &["aws-iso-global"],
    },
    Partition {
        name: "aws-iso-b",
        dns_suffix: "sc2s.sgov.gov",
        dual_stack_dns_suffix: "api.aws.scloud",
        supports_fips: true,
        supports_dual_stack: true,
        region_regex_prefixes: &["us-isob"],
        regions: &["aws-iso-b-global"],
    },
    Partition {
        name: "aws-iso-e",
        dns_suffix: "cloud.adc-e.uk",
        dual_stack_dns_suffix: "api.cloud-aws.adc-e.uk",
        supports_fips: true,
        supports_dual_stack: true,
        region_regex_prefixes: &["eu-isoe"],
        regions: &["aws-iso-e-global"],
    },
    Partition {
        name: "aws-iso-f",
        dns_suffix: "csp.hci.ic.gov",
        dual_stack_dns_suffix: "api.aws.hci.ic.gov",
        supports_fips: true,
        supports_dual_stack: true,
        region_regex_prefixes: &["us-isof"],
        regions: &["aws-iso-f-global"],
    },
    Partition {
        name: "aws-us-gov",
        dns_suffix: "amazonaws.com",
        dual_stack_dns_suffix: "api.aws",
        supports_fips: true,
        supports_dual_stack: true,
        region_regex_prefixes: &["us-gov"],
        regions: &["aws-us-gov-global"],
    },
];

/// The longest URL built from a region: `https://sts-fips.` + a 63-byte
/// region + `.` + the longest DNS suffix.
const LONGEST_REGIONAL_URL: usize = {
    let mut longest_suffix = 0;
    let mut i = 0;
    while i < PARTITIONS.len() {
        let p = &PARTITIONS[i];
        if p.dns_suffix.len() > longest_suffix {
            longest_suffix = p.dns_suffix.len();
        }
        if p.dual_stack_dns_suffix.len() > longest_suffix {
            longest_suffix = p.dual_stack_dns_suffix.len();
        }
        i += 1;
    }
    "https://sts-fips.".len() + 63 + ".".len() + longest_suffix
};
const _: () = assert!(LONGEST_REGIONAL_URL <= Endpoint::MAX_URL_LEN);

/// The rule-set function `aws.partition(region)`: the partition that lists
/// the region, else the first whose `regionRegex` matches it, else the first
/// partition of the table (`aws`).
///
/// botocore checks the list and the regex partition by partition, while the
/// Smithy specification checks every list first. The regexes of
/// `partitions.json` never match a region that another partition lists, so
/// the result is the same either way.
fn aws_partition<'p>(partitions: &'p [Partition], region: &str) -> &'p Partition {
    partitions
        .iter()
        .find(|p| p.regions.contains(&region))
        .or_else(|| partitions.iter().find(|p| p.matches_region_regex(region)))
        .or_else(|| partitions.first())
        .unwrap_or(&AWS)
}

/// The regions for which `UseGlobalEndpoint` selects the global endpoint.
/// These are the `stringEquals(Region, …)` rules of the first tree.
const LEGACY_GLOBAL_REGIONS: [&str; 16] = [
    "ap-northeast-1",
    "ap-south-1",
    "ap-southeast-1",
    "ap-southeast-2",
    "aws-global",
    "ca-central-1",
    "eu-central-1",
    "eu-north-1",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "sa-east-1",
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
];

/// Resolves the STS endpoint for `params` by the STS endpoint rule set.
///
/// # Errors
///
/// Returns the rule set's errors ([`EndpointError::MissingRegion`], FIPS or
/// dual-stack combined with an override, or a partition without FIPS or
/// dual-stack). It also returns [`EndpointError::InvalidRegion`] and the
/// endpoint-override errors described in the [module docs](self).
///
/// Never panics, whatever the input strings are.
pub fn resolve(params: &EndpointParams<'_>) -> Result<Endpoint, EndpointError> {
    resolve_in(&PARTITIONS, params)
}

/// [`resolve`] over a given partition table (unit tests use a made-up one).
fn resolve_in(partitions: &[Partition], params: &EndpointParams<'_>) -> Result<Endpoint, EndpointError> {
    let region = params.region.filter(|region| !region.is_empty());

    // Tree 1, legacy global endpoint: UseGlobalEndpoint, no Endpoint, a
    // Region, and neither FIPS nor DualStack.
    let legacy_global =
        params.use_global_endpoint && params.endpoint.is_none() && !params.use_fips && !params.use_dual_stack;
    if let (true, Some(region)) = (legacy_global, region) {
        let region = checked_region(region)?;
        let partition = aws_partition(partitions, region);
        if LEGACY_GLOBAL_REGIONS.contains(&region) {
            // "https://sts.amazonaws.com", signingRegion "us-east-1".
            return Endpoint::global();
        }
        // "https://sts.{Region}.{PartitionResult#dnsSuffix}", signingRegion
        // "{Region}".
        return Endpoint::regional("sts", region, partition.dns_suffix, true);
    }

    // Tree 2, custom endpoint: isSet(Endpoint).
    if let Some(endpoint) = params.endpoint {
        if params.use_fips {
            return Err(EndpointError::FipsWithCustomEndpoint);
        }
        if params.use_dual_stack {
            return Err(EndpointError::DualStackWithCustomEndpoint);
        }
        return Endpoint::from_override(endpoint);
    }

    // Tree 3, regional endpoints: isSet(Region).
    if let Some(region) = region {
        let region = checked_region(region)?;
        let partition = aws_partition(partitions, region);
        return match (params.use_fips, params.use_dual_stack) {
            (true, true) => {
                if partition.supports_fips && partition.supports_dual_stack {
                    // "https://sts-fips.{Region}.{PartitionResult#dualStackDnsSuffix}"
                    Endpoint::regional("sts-fips", region, partition.dual_stack_dns_suffix, false)
                } else {
                    Err(EndpointError::FipsAndDualStackNotSupported)
                }
            }
            (true, false) => {
                if !partition.supports_fips {
                    Err(EndpointError::FipsNotSupported)
                } else if partition.name == "aws-us-gov" {
                    // GovCloud's regular endpoints are FIPS endpoints:
                    // "https://sts.{Region}.amazonaws.com".
                    Endpoint::regional("sts", region, "amazonaws.com", false)
                } else {
                    // "https://sts-fips.{Region}.{PartitionResult#dnsSuffix}"
                    Endpoint::regional("sts-fips", region, partition.dns_suffix, false)
                }
            }
            (false, true) => {
                if partition.supports_dual_stack {
                    // "https://sts.{Region}.{PartitionResult#dualStackDnsSuffix}"
                    Endpoint::regional("sts", region, partition.dual_stack_dns_suffix, false)
                } else {
                    Err(EndpointError::DualStackNotSupported)
                }
            }
            (false, false) => {
                if region == "aws-global" {
                    // "https://sts.amazonaws.com", signingRegion "us-east-1".
                    Endpoint::global()
                } else {
                    // "https://sts.{Region}.{PartitionResult#dnsSuffix}"
                    Endpoint::regional("sts", region, partition.dns_suffix, false)
                }
            }
        };
    }

    // Last rule.
    Err(EndpointError::MissingRegion)
}

#[cfg(test)]
mod tests {
    extern crate alloc;

    use alloc::format;
    use alloc::string::{String, ToString};
    use alloc::vec::Vec;

    use super::*;

    fn params(region: &str) -> EndpointParams<'_> {
        EndpointParams {
            region: Some(region),
            ..EndpointParams::default()
        }
    }

    fn url_for(params: &EndpointParams<'_>) -> Result<String, EndpointError> {
        resolve(params).map(|endpoint| endpoint.url().to_string())
    }

    #[test]
    fn every_partition_regional_url() {
        let cases = [
            ("us-east-1", "https://sts.us-east-1.amazonaws.com"),
            ("cn-north-1", "https://sts.cn-north-1.amazonaws.com.cn"),
            ("eusc-de-east-1", "https://sts.eusc-de-east-1.amazonaws.eu"),
            ("us-iso-east-1", "https://sts.us-iso-east-1.c2s.ic.gov"),
            ("us-isob-east-1", "https://sts.us-isob-east-1.sc2s.sgov.gov"),
            ("eu-isoe-west-1", "https://sts.eu-isoe-west-1.cloud.adc-e.uk"),
            ("us-isof-south-1", "https://sts.us-isof-south-1.csp.hci.ic.gov"),
            ("us-gov-west-1", "https://sts.us-gov-west-1.amazonaws.com"),
        ];
        for (region, url) in cases {
            let endpoint = resolve(&params(region)).unwrap();
            assert_eq!(endpoint.url(), url, "{region}");
            assert_eq!(endpoint.scheme(), "https");
            assert_eq!(endpoint.host(), url.strip_prefix("https://").unwrap());
            assert_eq!(endpoint.port(), 443);
            assert_eq!(endpoint.path(), "");
            assert_eq!(endpoint.signing_region(), None);
        }
        // One case per partition, in table order.
        let names: Vec<_> = cases
            .iter()
            .map(|(region, _)| aws_partition(&PARTITIONS, region).name)
            .collect();
        let table: Vec<_> = PARTITIONS.iter().map(|p| p.name).collect();
        let mut sorted = names.clone();
        sorted.sort_unstable();
        let mut table_sorted = table.clone();
        table_sorted.sort_unstable();
        assert_eq!(sorted, table_sorted);
    }

    #[test]
    fn every_partition_fips_and_dual_stack() {
        let cases = [
            (
                "cn-northwest-1",
                "https://sts-fips.cn-northwest-1.amazonaws.com.cn",
                "https://sts.cn-northwest-1.api.amazonwebservices.com.cn",
                "https://sts-fips.cn-northwest-1.api.amazonwebservices.com.cn",
            ),
            (
                "eusc-de-east-1",
                "https://sts-fips.eusc-de-east-1.amazonaws.eu",
                "https://sts.eusc-de-east-1.api.amazonwebservices.eu",
                "https://sts-fips.eusc-de-east-1.api.amazonwebservices.eu",
            ),
            (
                "us-iso-west-1",
                "https://sts-fips.us-iso-west-1.c2s.ic.gov",
                "https://sts.us-iso-west-1.api.aws.ic.gov",
                "https://sts-fips.us-iso-west-1.api.aws.ic.gov",
            ),
            (
                "us-isob-west-1",
                "https://sts-fips.us-isob-west-1.sc2s.sgov.gov",
                "https://sts.us-isob-west-1.api.aws.scloud",
                "https://sts-fips.us-isob-west-1.api.aws.scloud",
            ),
            (
                "eu-isoe-west-1",
                "https://sts-fips.eu-isoe-west-1.cloud.adc-e.uk",
                "https://sts.eu-isoe-west-1.api.cloud-aws.adc-e.uk",
                "https://sts-fips.eu-isoe-west-1.api.cloud-aws.adc-e.uk",
            ),
            (
                "us-isof-east-1",
                "https://sts-fips.us-isof-east-1.csp.hci.ic.gov",
                "https://sts.us-isof-east-1.api.aws.hci.ic.gov",
                "https://sts-fips.us-isof-east-1.api.aws.hci.ic.gov",
            ),
            (
                "us-gov-west-1",
                "https://sts.us-gov-west-1.amazonaws.com",
                "https://sts.us-gov-west-1.api.aws",
                "https://sts-fips.us-gov-west-1.api.aws",
            ),
            (
                "eu-west-1",
                "https://sts-fips.eu-west-1.amazonaws.com",
                "https://sts.eu-west-1.api.aws",
                "https://sts-fips.eu-west-1.api.aws",
            ),
        ];
        for (region, fips, dual_stack, both) in cases {
            let base = params(region);
            let fips_params = EndpointParams { use_fips: true, ..base };
            let dual_stack_params = EndpointParams {
                use_dual_stack: true,
                ..base
            };
            let both_params = EndpointParams {
                use_fips: true,
                use_dual_stack: true,
                ..base
            };
            assert_eq!(url_for(&fips_params).unwrap(), fips);
            assert_eq!(url_for(&dual_stack_params).unwrap(), dual_stack);
            assert_eq!(url_for(&both_params).unwrap(), both);
        }
    }

    #[test]
    fn unlisted_regions_follow_region_regex() {
        let cases = [
            ("us-east-9", "https://sts.us-east-9.amazonaws.com"),
            ("mx-north-12", "https://sts.mx-north-12.amazonaws.com"),
            ("cn-south-3", "https://sts.cn-south-3.amazonaws.com.cn"),
            ("eusc-de-west-2", "https://sts.eusc-de-west-2.amazonaws.eu"),
            ("us-iso-north-4", "https://sts.us-iso-north-4.c2s.ic.gov"),
            ("us-isob-south-5", "https://sts.us-isob-south-5.sc2s.sgov.gov"),
            ("eu-isoe-north-6", "https://sts.eu-isoe-north-6.cloud.adc-e.uk"),
            ("us-isof-west-7", "https://sts.us-isof-west-7.csp.hci.ic.gov"),
            ("us-gov-north-8", "https://sts.us-gov-north-8.amazonaws.com"),
            // No partition matches: the `aws` partition is the fallback.
            ("eusc-fr-east-1", "https://sts.eusc-fr-east-1.amazonaws.com"),
            ("cn-north", "https://sts.cn-north.amazonaws.com"),
            ("CN-NORTH-1", "https://sts.CN-NORTH-1.amazonaws.com"),
            ("mars", "https://sts.mars.amazonaws.com"),
            ("aws-cn-global", "https://sts.aws-cn-global.amazonaws.com.cn"),
        ];
        for (region, url) in cases {
            assert_eq!(url_for(&params(region)).unwrap(), url, "{region}");
        }
        // The GovCloud FIPS rule goes by partition, also for unlisted regions.
        let fips = EndpointParams {
            use_fips: true,
            ..params("us-gov-north-8")
        };
        assert_eq!(url_for(&fips).unwrap(), "https://sts.us-gov-north-8.amazonaws.com");
    }

    #[test]
    fn global_endpoint_rules() {
        let global = EndpointParams {
            use_global_endpoint: true,
            ..params("eu-west-1")
        };
        let endpoint = resolve(&global).unwrap();
        assert_eq!(endpoint.url(), "https://sts.amazonaws.com");
        assert_eq!(endpoint.host(), "sts.amazonaws.com");
        assert_eq!(endpoint.signing_region(), Some("us-east-1"));

        // Not a legacy region: regional, signed for the region itself.
        for region in ["us-east-3", "cn-north-1", "eusc-de-east-1"] {
            let endpoint = resolve(&EndpointParams {
                use_global_endpoint: true,
                ..params(region)
            })
            .unwrap();
            assert!(endpoint.host().starts_with("sts."));
            assert!(endpoint.url().contains(region));
            assert_eq!(endpoint.signing_region(), Some(region));
        }

        // FIPS or dual-stack turns the global rule off.
        let fips = EndpointParams {
            use_fips: true,
            ..global
        };
        assert_eq!(url_for(&fips).unwrap(), "https://sts-fips.eu-west-1.amazonaws.com");
        let dual_stack = EndpointParams {
            use_dual_stack: true,
            ..global
        };
        assert_eq!(url_for(&dual_stack).unwrap(), "https://sts.eu-west-1.api.aws");

        // `aws-global` is global even without the flag.
        let endpoint = resolve(&params("aws-global")).unwrap();
        assert_eq!(endpoint.url(), "https://sts.amazonaws.com");
        assert_eq!(endpoint.signing_region(), Some("us-east-1"));

        // Regional by default.
        assert_eq!(
            url_for(&params("us-east-1")).unwrap(),
            "https://sts.us-east-1.amazonaws.com"
        );
    }

    #[test]
    fn missing_and_invalid_regions() {
        assert_eq!(
            resolve(&EndpointParams::default()).unwrap_err(),
            EndpointError::MissingRegion
        );
        assert_eq!(resolve(&params("")).unwrap_err(), EndpointError::MissingRegion);
        let global_no_region = EndpointParams {
            use_global_endpoint: true,
            use_fips: true,
            use_dual_stack: true,
            ..EndpointParams::default()
        };
        assert_eq!(resolve(&global_no_region).unwrap_err(), EndpointError::MissingRegion);

        let long_ok = "a".repeat(63);
        let long_bad = "a".repeat(64);
        assert!(resolve(&params(&long_ok)).is_ok());
        let invalid = [
            long_bad.as_str(),
            "-us-east-1",
            "us-east-1-",
            "us_east_1",
            "us.east.1",
            "us-east-1.evil.example/",
            "us-east-1\n",
            " us-east-1",
            "us-east-1 ",
            "us-éast-1",
            "us/east",
            "-",
            "\0",
        ];
        for region in invalid {
            for (fips, dual_stack, global) in flag_combinations() {
                let p = EndpointParams {
                    region: Some(region),
                    use_fips: fips,
                    use_dual_stack: dual_stack,
                    use_global_endpoint: global,
                    endpoint: None,
                };
                assert_eq!(resolve(&p).unwrap_err(), EndpointError::InvalidRegion, "{region:?}");
            }
        }

        // With an override the region is not used, so it is not checked.
        let p = EndpointParams {
            region: Some("not a region"),
            endpoint: Some("https://example.com"),
            ..EndpointParams::default()
        };
        assert_eq!(url_for(&p).unwrap(), "https://example.com");
    }

    #[test]
    fn longest_regional_url_fits() {
        let region = "a".repeat(63);
        let p = EndpointParams {
            use_fips: true,
            use_dual_stack: true,
            ..params(&region)
        };
        assert!(url_for(&p).unwrap().len() <= LONGEST_REGIONAL_URL);
        assert_eq!(LONGEST_REGIONAL_URL, 109);
    }

    fn custom(endpoint: &str) -> Result<Endpoint, EndpointError> {
        resolve(&EndpointParams {
            endpoint: Some(endpoint),
            ..EndpointParams::default()
        })
    }

    #[test]
    fn endpoint_override_parts() {
        let e = custom("http://localhost:4566").unwrap();
        assert_eq!(
            (e.url(), e.scheme(), e.host(), e.port(), e.path()),
            ("http://localhost:4566", "http", "localhost", 4566, "")
        );
        assert_eq!(e.signing_region(), None);

        let e = custom("HTTPS://Example.COM/sts/v1/").unwrap();
        assert_eq!(
            (e.url(), e.scheme(), e.host(), e.port(), e.path()),
            ("https://Example.COM/sts/v1/", "https", "Example.COM", 443, "/sts/v1/")
        );

        let e = custom("http://[::1]:8080/a%2Fb").unwrap();
        assert_eq!(
            (e.scheme(), e.host(), e.port(), e.path()),
            ("http", "[::1]", 8080, "/a%2Fb")
        );

        let e = custom("https://[2001:db8::1]").unwrap();
        assert_eq!((e.host(), e.port(), e.path()), ("[2001:db8::1]", 443, ""));

        let e = custom("http://127.0.0.1:65535/").unwrap();
        assert_eq!((e.host(), e.port(), e.path()), ("127.0.0.1", 65535, "/"));

        let e = custom("http://sts_mock.internal").unwrap();
        assert_eq!((e.host(), e.port()), ("sts_mock.internal", 80));
        assert_eq!(format!("{e}"), "http://sts_mock.internal");
        assert_eq!(
            format!("{e:?}"),
            "Endpoint { url: \"http://sts_mock.internal\", signing_region: None }"
        );
    }

    #[test]
    fn endpoint_override_errors() {
        use EndpointError::{EndpointTooLong, InvalidEndpoint, UnsupportedEndpointScheme};
        let cases = [
            ("", InvalidEndpoint),
            ("example.com", InvalidEndpoint),
            ("localhost:4566", InvalidEndpoint),
            ("//example.com", InvalidEndpoint),
            ("ftp://example.com", UnsupportedEndpointScheme),
            ("wss://example.com", UnsupportedEndpointScheme),
            ("file:///etc/passwd", UnsupportedEndpointScheme),
            ("1http://example.com", InvalidEndpoint),
            ("http s://example.com", InvalidEndpoint),
            ("https://", InvalidEndpoint),
            ("https:///path", InvalidEndpoint),
            ("https://:443", InvalidEndpoint),
            ("https://user:pw@example.com", InvalidEndpoint),
            ("https://example.com?x=1", InvalidEndpoint),
            ("https://example.com/#frag", InvalidEndpoint),
            ("https://example.com:", InvalidEndpoint),
            ("https://example.com:0", InvalidEndpoint),
            ("https://example.com:65536", InvalidEndpoint),
            ("https://example.com:+443", InvalidEndpoint),
            ("https://example.com:443:1", InvalidEndpoint),
            ("https://example.com:000443", InvalidEndpoint),
            ("https://exa mple.com", InvalidEndpoint),
            ("https://exämple.com", InvalidEndpoint),
            ("https://-example.com", InvalidEndpoint),
            ("https://.example.com", InvalidEndpoint),
            ("https://example.com/a b", InvalidEndpoint),
            ("https://example.com/ä", InvalidEndpoint),
            ("https://example.com/%zz", InvalidEndpoint),
            ("https://example.com/%4", InvalidEndpoint),
            ("https://example.com\\evil", InvalidEndpoint),
            ("https://example.com/\\", InvalidEndpoint),
            ("https://[::1", InvalidEndpoint),
            ("https://[]", InvalidEndpoint),
            ("https://[example.com]", InvalidEndpoint),
            ("https://[::1]x", InvalidEndpoint),
            ("https://[::1]:", InvalidEndpoint),
            ("https://[fe80::1%25eth0]", InvalidEndpoint),
            ("https://example.com\n", InvalidEndpoint),
        ];
        for (input, error) in cases {
            assert_eq!(custom(input).unwrap_err(), error, "{input:?}");
        }

        // Length limit: exactly MAX_URL_LEN bytes is fine, one more is not.
        let prefix = "https://example.com/";
        let at_limit = format!("{prefix}{}", "p".repeat(Endpoint::MAX_URL_LEN - prefix.len()));
        assert_eq!(at_limit.len(), Endpoint::MAX_URL_LEN);
        let e = custom(&at_limit).unwrap();
        assert_eq!(e.url(), at_limit);
        assert_eq!(e.path().len(), Endpoint::MAX_URL_LEN - prefix.len() + 1);
        let over = format!("{at_limit}p");
        assert_eq!(custom(&over).unwrap_err(), EndpointTooLong);
        let huge = format!("http://{}", "h".repeat(10_000));
        assert_eq!(custom(&huge).unwrap_err(), EndpointTooLong);
        assert!(
            EndpointTooLong
                .message()
                .contains(&format!(" {} bytes", Endpoint::MAX_URL_LEN))
        );

        // The rule set's own errors come before any check of the URL.
        for endpoint in ["https://example.com", "not a url", huge.as_str()] {
            let p = EndpointParams {
                endpoint: Some(endpoint),
                use_fips: true,
                use_dual_stack: true,
                ..params("us-east-1")
            };
            assert_eq!(resolve(&p).unwrap_err(), EndpointError::FipsWithCustomEndpoint);
            let p = EndpointParams { use_fips: false, ..p };
            assert_eq!(resolve(&p).unwrap_err(), EndpointError::DualStackWithCustomEndpoint);
        }
    }

    #[test]
    fn partitions_without_fips_or_dual_stack() {
        const LIMITED: [Partition; 2] = [
            Partition {
                name: "plain",
                dns_suffix: "plain.example",
                dual_stack_dns_suffix: "ds.plain.example",
                supports_fips: false,
                supports_dual_stack: false,
                region_regex_prefixes: &["pl"],
                regions: &[],
            },
            Partition {
                name: "fips-only",
                dns_suffix: "fips.example",
                dual_stack_dns_suffix: "ds.fips.example",
                supports_fips: true,
                supports_dual_stack: false,
                region_regex_prefixes: &["fo"],
                regions: &[],
            },
        ];
        let resolve_flags = |region, use_fips, use_dual_stack| {
            resolve_in(
                &LIMITED,
                &EndpointParams {
                    region: Some(region),
                    use_fips,
                    use_dual_stack,
                    ..EndpointParams::default()
                },
            )
            .map(|e| e.url().to_string())
        };
        use EndpointError::*;
        assert_eq!(resolve_flags("pl-east-1", true, false), Err(FipsNotSupported));
        assert_eq!(resolve_flags("pl-east-1", false, true), Err(DualStackNotSupported));
        assert_eq!(
            resolve_flags("pl-east-1", true, true),
            Err(FipsAndDualStackNotSupported)
        );
        assert_eq!(
            resolve_flags("fo-east-1", true, true),
            Err(FipsAndDualStackNotSupported)
        );
        assert_eq!(
            resolve_flags("fo-east-1", true, false).as_deref(),
            Ok("https://sts-fips.fo-east-1.fips.example")
        );
        // Unmatched regions fall back to the first partition of the table.
        assert_eq!(
            resolve_flags("xx-east-1", false, false).as_deref(),
            Ok("https://sts.xx-east-1.plain.example")
        );
    }

    #[test]
    fn region_regex_matching() {
        let aws = &PARTITIONS[0];
        let gov = &PARTITIONS[7];
        assert_eq!(gov.name, "aws-us-gov");
        assert!(aws.matches_region_regex("us-east-1"));
        assert!(aws.matches_region_regex("us-a_b-123"));
        assert!(!aws.matches_region_regex("us-gov-west-1"));
        assert!(!aws.matches_region_regex("us-east-"));
        assert!(!aws.matches_region_regex("us--1"));
        assert!(!aws.matches_region_regex("us-east-1a"));
        assert!(!aws.matches_region_regex("useast-1"));
        assert!(!aws.matches_region_regex("xus-east-1"));
        assert!(gov.matches_region_regex("us-gov-west-1"));
        assert!(!gov.matches_region_regex("us-gov-1"));
    }

    #[test]
    fn error_messages() {
        let all = [
            EndpointError::MissingRegion,
            EndpointError::InvalidRegion,
            EndpointError::FipsWithCustomEndpoint,
            EndpointError::DualStackWithCustomEndpoint,
            EndpointError::FipsAndDualStackNotSupported,
            EndpointError::FipsNotSupported,
            EndpointError::DualStackNotSupported,
            EndpointError::InvalidEndpoint,
            EndpointError::UnsupportedEndpointScheme,
            EndpointError::EndpointTooLong,
        ];
        for error in all {
            assert_eq!(format!("{error}"), error.message());
            assert!(!error.message().is_empty());
            let _: &dyn core::error::Error = &error;
        }
    }

    fn flag_combinations() -> impl Iterator<Item = (bool, bool, bool)> {
        (0..8u8).map(|bits| (bits & 1 != 0, bits & 2 != 0, bits & 4 != 0))
    }

    /// Checks what every successful resolution must satisfy.
    fn check_invariants(endpoint: &Endpoint) {
        let url = endpoint.url();
        assert!(!url.is_empty() && url.len() <= Endpoint::MAX_URL_LEN);
        assert!(url.is_ascii(), "{url:?}");
        assert!(matches!(endpoint.scheme(), "http" | "https"));
        assert!(!endpoint.host().is_empty());
        assert_ne!(endpoint.port(), 0);
        let path = endpoint.path();
        assert!(path.is_empty() || path.starts_with('/'));
        let rebuilt = format!("{}://{}", endpoint.scheme(), endpoint.host());
        let rest = url.strip_prefix(&rebuilt).expect("scheme://host prefix");
        let rest = rest.strip_suffix(path).expect("path suffix");
        if !rest.is_empty() {
            let port: u16 = rest.strip_prefix(':').unwrap().parse().unwrap();
            assert_eq!(port, endpoint.port());
        }
        if let Some(region) = endpoint.signing_region() {
            assert!(is_valid_host_label(region));
        }
    }

    #[test]
    fn odd_inputs_never_panic() {
        let pieces = [
            "",
            "-",
            "--",
            ".",
            "..",
            "/",
            "//",
            ":",
            "::",
            "[",
            "]",
            "[::1]",
            "[::",
            "@",
            "%",
            "%2",
            "%zz",
            "%41",
            "?",
            "#",
            "\\",
            " ",
            "\t",
            "\n",
            "\0",
            "\u{7f}",
            "é",
            "€",
            "😀",
            "\u{feff}",
            "\u{0661}",
            "_",
            "a",
            "Z9",
            "1",
            "0",
            "65535",
            "65536",
            "99999999999999999999",
            "us",
            "us-east-1",
            "us-gov",
            "us-iso",
            "us-isob",
            "eu-isoe",
            "us-isof",
            "eusc-de",
            "cn",
            "aws-global",
            "http",
            "https",
            "HTTPS",
            "ftp",
            "http://",
            "https://",
            "HtTp://",
            "example.com",
            "localhost",
            "sts.amazonaws.com",
        ];
        let long = [
            "a".repeat(62),
            "a".repeat(63),
            "a".repeat(64),
            "b".repeat(200),
            "c".repeat(255),
            "d".repeat(256),
            "e".repeat(257),
            "f".repeat(1000),
        ];
        let mut inputs: Vec<String> = Vec::new();
        for a in pieces.iter().copied().chain(long.iter().map(String::as_str)) {
            inputs.push(a.to_string());
            for b in pieces {
                inputs.push(format!("{a}{b}"));
                inputs.push(format!("{a}-{b}-1"));
                inputs.push(format!("https://{a}{b}"));
                inputs.push(format!("http://{a}:{b}/{a}"));
            }
        }
        // Every byte value in a few places of good inputs.
        for c in (0u8..=127).map(char::from).chain(['é', '\u{2028}', '\u{10ffff}']) {
            for template in ["us-east-1", "https://example.com:443/p", "http://[::1]:80/"] {
                for at in 0..=template.len() {
                    if let Some((head, tail)) = template.split_at_checked(at) {
                        inputs.push(format!("{head}{c}{tail}"));
                    }
                }
            }
        }

        let mut resolved = 0usize;
        let mut rejected = 0usize;
        for input in &inputs {
            for (fips, dual_stack, global) in flag_combinations() {
                let as_region = EndpointParams {
                    region: Some(input),
                    use_fips: fips,
                    use_dual_stack: dual_stack,
                    use_global_endpoint: global,
                    endpoint: None,
                };
                let as_endpoint = EndpointParams {
                    region: Some("us-east-1"),
                    endpoint: Some(input),
                    ..as_region
                };
                let both = EndpointParams {
                    region: Some(input),
                    ..as_endpoint
                };
                for p in [as_region, as_endpoint, both] {
                    match resolve(&p) {
                        Ok(endpoint) => {
                            check_invariants(&endpoint);
                            resolved += 1;
                        }
                        Err(error) => {
                            assert!(!format!("{error}").is_empty());
                            rejected += 1;
                        }
                    }
                }
            }
        }
        assert!(resolved > 1000 && rejected > 1000, "{resolved} {rejected}");
    }
}
