//! Which proxy a [`StdTransport`](crate::StdTransport) request goes
//! through: the environment variables as curl and the AWS SDKs read them.
//!
//! | variable (lower case first, then upper case) | used for |
//! |---|---|
//! | `https_proxy`, `HTTPS_PROXY` | `https://` URLs |
//! | `http_proxy`, `HTTP_PROXY` | `http://` URLs only, never for `https://` (and as `http://` goes only to loopback, never used) |
//! | `all_proxy`, `ALL_PROXY` | `https://` URLs, when `https_proxy` and `HTTPS_PROXY` are unset |
//! | `no_proxy`, `NO_PROXY` | hosts that go direct |
//!
//! An empty variable counts as unset. `NO_PROXY` is a comma-separated list:
//! `*` (every host), a domain name (`example.com` or `.example.com`: the
//! name itself and every name under it, as curl has it since 7.86), an IP
//! address (`10.1.2.3`, `::1`, brackets allowed), or a CIDR block
//! (`10.0.0.0/8`, `fd00::/8`) matched against IP-literal hosts; a `:port`
//! after an entry is ignored. Loopback hosts never use a proxy, whatever
//! the variables say.
//!
//! Sources: curl's "Proxy environment variables" (everything.curl.dev) and
//! `CURLOPT_NOPROXY` for the matching rules; curl reads `http_proxy` in
//! lower case only (the "httpoxy" CGI issue), botocore (through Python's
//! `urllib.request.getproxies`, as remembered, not re-read) both cases with
//! lower case winning. As `http://` goes only to loopback, which never uses
//! a proxy, neither is read here.
//!
//! ureq's own `Proxy::try_from_env` takes the first of `ALL_PROXY`,
//! `HTTPS_PROXY`, `HTTP_PROXY` that parses, whatever the URL's scheme, and
//! skips a malformed one silently; this module selects per scheme and
//! reports a malformed URL as [`ProxyError::InvalidUrl`] naming the
//! variable (never its value: it may hold a password), when a request would
//! use it.

use alloc::string::String;
use alloc::vec::Vec;
use core::net::IpAddr;

use ureq::Proxy;

use crate::error::ProxyError;
use crate::h1::strip_brackets;

/// The variables for `https://` URLs, in the order they are read.
const HTTPS_VARS: [&str; 4] = ["https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"];
/// The bypass list variables, in the order they are read.
const NO_PROXY_VARS: [&str; 2] = ["no_proxy", "NO_PROXY"];

/// The first variable of `names` that is set and not empty, with its value.
fn first_set(lookup: &dyn Fn(&str) -> Option<String>, names: &[&'static str]) -> Option<(&'static str, String)> {
    names
        .iter()
        .find_map(|&name| lookup(name).filter(|v| !v.trim().is_empty()).map(|v| (name, v)))
}

/// Parses a proxy URL as ureq does, refusing what ureq would accept but
/// cannot use here: a scheme other than `http` or `https` (the SOCKS
/// protocols are not built in).
pub(crate) fn parse_proxy(url: &str, variable: Option<&'static str>) -> Result<Proxy, ProxyError> {
    let invalid = ProxyError::InvalidUrl { variable };
    let url = url.trim();
    let scheme = url.split_once("://").map(|(scheme, _)| scheme);
    if scheme.is_some_and(|s| !s.eq_ignore_ascii_case("http") && !s.eq_ignore_ascii_case("https")) {
        return Err(invalid);
    }
    // ureq takes a port it cannot parse (`:99999`) as no port at all.
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, hp)| hp);
    let port = match host_port.strip_prefix('[') {
        Some(v6) => v6.split_once(']').ok_or(invalid)?.1.strip_prefix(':'),
        None => host_port.split_once(':').map(|(_, port)| port),
    };
    if port.is_some_and(|p| p.parse::<u16>().map_or(true, |p| p == 0)) {
        return Err(invalid);
    }
    let proxy = Proxy::new(url).map_err(|_| invalid)?;
    if proxy.host().is_empty() {
        return Err(invalid);
    }
    Ok(proxy)
}

/// The proxy the environment names for `https://`, parsed once, and the
/// bypass list. (`http://` goes only to loopback, which never uses a proxy:
/// `http_proxy` and `HTTP_PROXY` are never read.)
#[derive(Debug, Clone, Default)]
pub(crate) struct EnvProxies {
    /// For `https://` URLs.
    pub(crate) https: Option<Result<Proxy, ProxyError>>,
    /// The bypass list.
    pub(crate) no_proxy: NoProxy,
}

impl EnvProxies {
    /// Reads the variables through `lookup`.
    pub(crate) fn from_lookup(lookup: &dyn Fn(&str) -> Option<String>) -> Self {
        let parse = |names: &[&'static str]| first_set(lookup, names).map(|(name, url)| parse_proxy(&url, Some(name)));
        EnvProxies {
            https: parse(&HTTPS_VARS),
            no_proxy: first_set(lookup, &NO_PROXY_VARS)
                .map(|(_, list)| NoProxy::parse(&list))
                .unwrap_or_default(),
        }
    }
}

/// The variable (`https_proxy`, `HTTPS_PROXY`, `all_proxy` or `ALL_PROXY`)
/// whose proxy a [`StdTransport`](crate::StdTransport) reading the
/// environment through `lookup` would use for `https://host`, or `None`
/// when it would connect directly (no variable set, a loopback host, or a
/// host on the `NO_PROXY` list). `http://` never goes through a proxy.
///
/// For a transport that does not use proxies (the embedded engine over std
/// TCP, [`TcpConnector`](crate::TcpConnector)) to say so instead of
/// connecting directly where the environment asks for a proxy.
///
/// ```
/// let env = |name: &str| (name == "HTTPS_PROXY").then(|| "http://proxy.internal:3128".to_owned());
/// assert_eq!(sts_transport::proxy_variable(&env, "sts.amazonaws.com"), Some("HTTPS_PROXY"));
/// assert_eq!(sts_transport::proxy_variable(&env, "127.0.0.1"), None);
/// ```
pub fn proxy_variable(lookup: &dyn Fn(&str) -> Option<String>, host: &str) -> Option<&'static str> {
    if crate::h1::is_loopback(host) {
        return None;
    }
    let bypass = first_set(lookup, &NO_PROXY_VARS).is_some_and(|(_, list)| NoProxy::parse(&list).matches(host));
    first_set(lookup, &HTTPS_VARS).filter(|_| !bypass).map(|(name, _)| name)
}

/// A `NO_PROXY` list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct NoProxy {
    all: bool,
    /// Lower-case domain names, without a leading `.` or `*.`.
    domains: Vec<String>,
    /// Addresses and prefix lengths (a plain address is a full-length block).
    blocks: Vec<(IpAddr, u8)>,
}

impl NoProxy {
    /// Parses a comma-separated list (whitespace around entries ignored).
    pub(crate) fn parse(list: &str) -> Self {
        let mut out = NoProxy::default();
        for entry in list.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            if entry == "*" {
                out.all = true;
                continue;
            }
            if let Some(block) = parse_block(entry) {
                out.blocks.push(block);
                continue;
            }
            // A name, perhaps with a port (ignored) and a leading `.` or `*.`.
            let name = match entry.rsplit_once(':') {
                Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name,
                _ => entry,
            };
            let name = name
                .strip_prefix("*.")
                .or_else(|| name.strip_prefix('.'))
                .unwrap_or(name);
            let name = name.trim_end_matches('.').to_ascii_lowercase();
            if !name.is_empty() {
                out.domains.push(name);
            }
        }
        out
    }

    /// Whether `host` (a name or an IP literal, brackets allowed) goes direct.
    pub(crate) fn matches(&self, host: &str) -> bool {
        if self.all {
            return true;
        }
        let host = strip_brackets(host);
        if let Ok(ip) = host.parse::<IpAddr>() {
            return self.blocks.iter().any(|&(net, len)| in_block(ip, net, len));
        }
        let host = host.trim_end_matches('.').to_ascii_lowercase();
        self.domains.iter().any(|d| {
            host == *d
                || (host.len() > d.len()
                    && host.ends_with(d.as_str())
                    && host.as_bytes()[host.len() - d.len() - 1] == b'.')
        })
    }
}

/// `10.0.0.0/8`, `10.1.2.3`, `::1`, `[::1]`, `fd00::/8`, or an address with
/// a port (`10.1.2.3:8080`, `[::1]:443`; the port ignored).
fn parse_block(entry: &str) -> Option<(IpAddr, u8)> {
    let (addr, len) = match entry.split_once('/') {
        Some((addr, len)) => (addr, Some(len.parse::<u8>().ok()?)),
        None => (entry, None),
    };
    let addr = if let Some(rest) = addr.strip_prefix('[') {
        // `[v6]` or `[v6]:port`.
        rest.split_once(']').map(|(a, _)| a)?
    } else {
        match addr.rsplit_once(':') {
            // `v4:port` (a v6 literal has more than one colon).
            Some((a, port)) if !a.contains(':') && port.bytes().all(|b| b.is_ascii_digit()) => a,
            _ => addr,
        }
    };
    let ip: IpAddr = addr.parse().ok()?;
    let max = if ip.is_ipv4() { 32 } else { 128 };
    let len = len.unwrap_or(max);
    (len <= max).then_some((ip, len))
}

fn in_block(ip: IpAddr, net: IpAddr, len: u8) -> bool {
    let prefix = |a: u128, bits: u32, len: u8| {
        if len == 0 { 0 } else { a >> (bits - u32::from(len)) }
    };
    match (ip, net) {
        (IpAddr::V4(a), IpAddr::V4(b)) => {
            prefix(u128::from(u32::from(a)), 32, len) == prefix(u128::from(u32::from(b)), 32, len)
        }
        (IpAddr::V6(a), IpAddr::V6(b)) => prefix(u128::from(a), 128, len) == prefix(u128::from(b), 128, len),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(vars: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |name| vars.iter().find(|(k, _)| *k == name).map(|(_, v)| String::from(*v))
    }

    /// The variable a transport would use, as `send` decides: lower case
    /// first, `ALL_PROXY` last, empty ones unset, loopback and `NO_PROXY`
    /// hosts direct.
    #[test]
    fn proxy_variable_names_what_send_would_use() {
        let host = "sts.us-east-1.amazonaws.com";
        type Vars = &'static [(&'static str, &'static str)];
        let cases: &[(Vars, &str, Option<&str>)] = &[
            (&[], host, None),
            (&[("HTTPS_PROXY", "http://p:1")], host, Some("HTTPS_PROXY")),
            (
                &[("HTTPS_PROXY", "http://p:1"), ("https_proxy", "http://q:1")],
                host,
                Some("https_proxy"),
            ),
            (
                &[("https_proxy", " "), ("ALL_PROXY", "http://p:1")],
                host,
                Some("ALL_PROXY"),
            ),
            (&[("HTTP_PROXY", "http://p:1")], host, None),
            (&[("HTTPS_PROXY", "http://p:1")], "127.0.0.1", None),
            (&[("HTTPS_PROXY", "http://p:1")], "[::1]", None),
            (
                &[("HTTPS_PROXY", "http://p:1"), ("NO_PROXY", "amazonaws.com")],
                host,
                None,
            ),
            (&[("HTTPS_PROXY", "http://p:1"), ("no_proxy", "*")], host, None),
            (
                &[("HTTPS_PROXY", "http://p:1"), ("NO_PROXY", "example.com")],
                host,
                Some("HTTPS_PROXY"),
            ),
            // Malformed is still named: the std transport would report it.
            (&[("HTTPS_PROXY", "socks5://p:1")], host, Some("HTTPS_PROXY")),
        ];
        for &(vars, host, want) in cases {
            assert_eq!(proxy_variable(&env(vars), host), want, "{vars:?} {host}");
        }
    }

    fn host_of(p: &Option<Result<Proxy, ProxyError>>) -> Option<Result<(String, u16), ProxyError>> {
        p.as_ref()
            .map(|r| r.as_ref().map(|p| (String::from(p.host()), p.port())).map_err(|e| *e))
    }

    #[test]
    fn each_scheme_reads_its_own_variables() {
        let e = EnvProxies::from_lookup(&env(&[("HTTP_PROXY", "http://h:1"), ("http_proxy", "http://h:1")]));
        assert_eq!(host_of(&e.https), None, "HTTP_PROXY is for http:// only");

        let e = EnvProxies::from_lookup(&env(&[("HTTPS_PROXY", "http://s:2"), ("ALL_PROXY", "http://a:3")]));
        assert_eq!(host_of(&e.https), Some(Ok(("s".into(), 2))));
        let e = EnvProxies::from_lookup(&env(&[("ALL_PROXY", "http://a:3")]));
        assert_eq!(host_of(&e.https), Some(Ok(("a".into(), 3))));

        // Lower case first; an empty variable is unset.
        let e = EnvProxies::from_lookup(&env(&[("https_proxy", "lower:4"), ("HTTPS_PROXY", "http://upper:5")]));
        assert_eq!(host_of(&e.https), Some(Ok(("lower".into(), 4))));
        let e = EnvProxies::from_lookup(&env(&[("https_proxy", " "), ("HTTPS_PROXY", "http://upper:5")]));
        assert_eq!(host_of(&e.https), Some(Ok(("upper".into(), 5))));
    }

    #[test]
    fn a_malformed_url_is_an_error_naming_the_variable() {
        for bad in [
            "http://[::1",
            "ftp://proxy:21",
            "socks5://proxy:1080",
            "http://proxy:99999",
            "http://",
        ] {
            let e = EnvProxies::from_lookup(&|name: &str| (name == "HTTPS_PROXY").then(|| bad.into()));
            assert_eq!(
                host_of(&e.https),
                Some(Err(ProxyError::InvalidUrl {
                    variable: Some("HTTPS_PROXY")
                })),
                "{bad}"
            );
        }
        assert!(parse_proxy("https://user:pa%40ss@proxy.corp:3128", None).is_ok());
    }

    #[test]
    fn no_proxy_lists() {
        let list = NoProxy::parse(
            " example.com, .corp.internal ,*.svc, 10.0.0.0/8, ::1, [fd00::1], 192.168.1.5:8080, host:443",
        );
        for (host, direct) in [
            ("example.com", true),
            ("sts.example.com", true),
            ("STS.Example.COM.", true),
            ("notexample.com", false),
            ("corp.internal", true),
            ("a.b.corp.internal", true),
            ("x.svc", true),
            ("10.200.3.4", true),
            ("11.0.0.1", false),
            ("[::1]", true),
            ("fd00::1", true),
            ("fd00::2", false),
            ("192.168.1.5", true),
            ("host", true),
            ("sts.amazonaws.com", false),
        ] {
            assert_eq!(list.matches(host), direct, "{host}");
        }
        assert!(NoProxy::parse("*").matches("anything.example"));
        assert!(!NoProxy::parse("").matches("example.com"));
        assert!(NoProxy::parse("0.0.0.0/0").matches("8.8.8.8"));
        assert!(!NoProxy::parse("fd00::/8").matches("10.0.0.1"));
    }
}
