//! `credential-process` and `env`: configuration, the token, the dry run, the
//! fetch with its `-v` lines, and the two output formats.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::io::Read;
use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use sts_client::config::{self, Settings};
use sts_client::endpoint::Endpoint;
use sts_client::{
    AttemptEvent, Buffers, Client, Clock, Credentials, Error, ErrorKind, Exchange, MAX_CHAINED_DURATION_SECONDS,
    MemoryToken, OsRng, OwnedInput, Platform, RetryPolicy, STD_REQUEST_BUFFER, STD_RESPONSE_BUFFER, StdClock,
    StdPlatform, ThreadSleep, Timestamp, TokenError, TokenFile, TokenSource,
};
use sts_codec::{
    AssumeRoleInput, AssumeRoleWithWebIdentityInput, assume_role_encoded_len, encode_assume_role, encoded_len,
};
use sts_transport::h1::{RequestHead, check_scheme};
use sts_transport::{
    CaBundle, CertificateProblem, HttpClient, ProxyError, Scheme, StdTransport, TcpConnector, Transport, proxy_variable,
};
use zeroize::{Zeroize, Zeroizing};

use super::args::{EnvFormat, FetchArgs, Output, TransportKind};
use super::{EXIT_NO_ANSWER, EXIT_SERVICE, EXIT_USAGE, Failure, untrusted};

/// Session token capacity of the fetched credentials: the transports' body
/// limit (64 KiB), so no answer they accept can be too large to hold.
pub(crate) const TOKEN_CAP: usize = sts_transport::h1::DEFAULT_MAX_BODY;

/// The most token bytes read (from a file or standard input): what the
/// client's response buffer can hold. STS takes at most 20,000 characters.
const MAX_TOKEN_BYTES: usize = STD_RESPONSE_BUFFER;

/// Everything one fetch needs, resolved: where, what, with which token, how.
pub(crate) struct Plan {
    pub(crate) endpoint: Endpoint,
    pub(crate) params: OwnedInput,
    /// The token as read, trailing whitespace trimmed.
    pub(crate) token: Zeroizing<Vec<u8>>,
    pub(crate) retry: RetryPolicy,
    pub(crate) timeout: Duration,
    pub(crate) transport: TransportKind,
    /// The trust roots of the configured CA bundle (`AWS_CA_BUNDLE`, the
    /// profile's `ca_bundle`), replacing the default ones.
    pub(crate) ca_bundle: Option<CaBundle>,
    /// The `AssumeRole` hops after web identity, in order: the profile's
    /// `source_profile` chain, then `--chain-role-arn`.
    pub(crate) hops: Vec<HopPlan>,
    /// The region the hops are signed for when the endpoint does not fix
    /// one (`us-east-1` when none is configured, as with an endpoint URL).
    pub(crate) signing_region: String,
}

/// One `AssumeRole` hop.
#[derive(Debug, Clone)]
pub(crate) struct HopPlan {
    pub(crate) role_arn: String,
    pub(crate) role_session_name: Option<String>,
    pub(crate) external_id: Option<String>,
    pub(crate) duration_seconds: Option<u32>,
}

impl HopPlan {
    fn input(&self) -> AssumeRoleInput<'_> {
        let mut input = AssumeRoleInput::for_role(&self.role_arn);
        input.role_session_name = self.role_session_name.as_deref().unwrap_or("");
        input.external_id = self.external_id.as_deref();
        input.duration_seconds = self.duration_seconds;
        input
    }
}

/// Runs `credential-process` or `env`.
pub(crate) fn run(output: Output, args: &FetchArgs) -> Result<(), Failure> {
    let plan = plan(args)?;
    if args.dry_run {
        let json = plan.dry_run()?;
        return super::print_stdout(&json);
    }
    if output == Output::CredentialProcess && !args.no_cache {
        return cached_credential_process(&plan, args);
    }
    let fetched = plan.fetch(args.verbose)?;
    let text = match output {
        Output::CredentialProcess => credential_process_json(&fetched),
        Output::Env => env_exports(&fetched, args.env_format),
    };
    super::print_stdout(&text)
}

/// Fetched credentials and what the output says about them.
pub(crate) struct Fetched {
    pub(crate) creds: Box<Credentials>,
    /// When they expire on this machine's clock: the lifetime the server
    /// gave (`Expiration - Date`) from the moment they arrived, so an SDK
    /// comparing it with its own clock refreshes in time however far the
    /// clocks are apart. Whole seconds, rounded down.
    pub(crate) expiration: Timestamp,
    /// The account of the role (and so of the assumed-role session).
    pub(crate) account_id: Option<String>,
}

/// `credential-process` through the cache (see [`super::cache`]): a
/// trusted entry that expires after the refresh margin is printed as is;
/// otherwise the credentials are fetched, stored and printed. The cache
/// never makes a run fail: an unusable directory or a failed write only
/// means no cache (said with `-v`).
#[cfg(unix)]
fn cached_credential_process(plan: &Plan, args: &FetchArgs) -> Result<(), Failure> {
    use super::cache::{Cache, HopKey, Ignored, KeyParts, Lookup};
    let note = |text: &str| {
        if args.verbose {
            eprintln!("sts-web-identity: {text}");
        }
    };
    let dir = super::cache::dir_from(std::env::var_os("XDG_CACHE_HOME"), std::env::var_os("HOME"));
    let Some(cache) = dir.and_then(|dir| Cache::open(&dir).map_err(|Ignored(why)| note(&why)).ok()) else {
        let fetched = plan.fetch(args.verbose)?;
        return super::print_stdout(&credential_process_json(&fetched));
    };
    let endpoint = request_url(&plan.endpoint);
    let hops: Vec<HopKey<'_>> = plan
        .hops
        .iter()
        .map(|h| HopKey {
            role_arn: &h.role_arn,
            session_name: h.role_session_name.as_deref(),
            external_id: h.external_id.as_deref(),
            duration: h.duration_seconds,
        })
        .collect();
    let key = KeyParts {
        role_arn: &plan.params.role_arn,
        session_name: plan.params.role_session_name.as_deref(),
        endpoint: &endpoint,
        duration: plan.params.duration_seconds,
        policy: plan.params.policy.as_deref(),
        policy_arns: &plan.params.policy_arns,
        provider_id: plan.params.provider_id.as_deref(),
        token: &plan.token,
        hops: &hops,
    }
    .digest();
    let now = unix_now();
    let at = |t: i64| rfc3339(Timestamp { seconds: t, nanos: 0 });
    match cache.lookup(&key, now, args.cache_refresh_margin) {
        Lookup::Hit { json, expires } => {
            note(&format!(
                "cached credentials from {}, expire at {} by this machine's clock (in {} s)",
                cache.path(&key).display(),
                at(expires),
                expires - now
            ));
            return super::print_stdout(&json);
        }
        Lookup::Absent => {}
        Lookup::Stale { expires } => note(&format!(
            "cached credentials expire at {} (in {} s), within the refresh margin of {} s: fetching",
            at(expires),
            expires - now,
            args.cache_refresh_margin
        )),
        Lookup::Ignored(Ignored(why)) => note(&format!("{why}: ignored, fetching")),
    }
    let fetched = plan.fetch(args.verbose)?;
    let json = credential_process_json(&fetched);
    if let Err(Ignored(why)) = cache.store(&key, &json) {
        note(&why);
    }
    super::print_stdout(&json)
}

/// Without a Unix file system's owners and modes there is no cache.
#[cfg(not(unix))]
fn cached_credential_process(plan: &Plan, args: &FetchArgs) -> Result<(), Failure> {
    let fetched = plan.fetch(args.verbose)?;
    super::print_stdout(&credential_process_json(&fetched))
}

/// This machine's clock, in Unix seconds.
#[cfg(unix)]
fn unix_now() -> i64 {
    let wall = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
    i64::try_from(wall.as_secs()).unwrap_or(i64::MAX)
}

/// The account id of a role ARN (`arn:PARTITION:iam::ACCOUNT:role/NAME`).
fn account_of(role_arn: &str) -> Option<String> {
    let account = role_arn.split(':').nth(4)?;
    (account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit())).then(|| account.to_owned())
}

/// `creds`' deadline on the wall clock, given the monotonic `now`.
fn local_expiration(creds: &Credentials, now: sts_client::Instant) -> Timestamp {
    let wall = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
    let seconds = i64::try_from((wall + creds.remaining(now)).as_secs()).unwrap_or(i64::MAX);
    Timestamp { seconds, nanos: 0 }
}

/// The explicit settings the flags give (`None`: not on the command line).
fn settings(args: &FetchArgs) -> Settings {
    let mut s = Settings::default();
    s.role_arn = args.role_arn.clone();
    s.web_identity_token_file = args.token_file.clone();
    s.role_session_name = args.session_name.clone();
    s.region = args.region.clone();
    s.use_fips = args.fips.then_some(true);
    s.use_dual_stack = args.dualstack.then_some(true);
    s.endpoint_url = args.endpoint.clone();
    s.ca_bundle = args.ca_bundle.clone();
    s.max_attempts = args.max_attempts;
    s.profile = args.profile.clone();
    s
}

/// Flags > environment > profile, then the token and the policy file.
fn plan(args: &FetchArgs) -> Result<Plan, Failure> {
    let config = config::load_from_env(&settings(args)).map_err(|e| Failure::new(EXIT_USAGE, config_message(&e)))?;
    // The profile's source_profile hops (first hop first), then the flags';
    // a chained session lasts at most an hour.
    let mut hops: Vec<HopPlan> = config
        .role_chain
        .iter()
        .map(|h| HopPlan {
            role_arn: h.role_arn.clone(),
            role_session_name: h.role_session_name.clone(),
            external_id: h.external_id.clone(),
            duration_seconds: h.duration_seconds.map(|d| d.min(MAX_CHAINED_DURATION_SECONDS)),
        })
        .collect();
    hops.extend(args.chain_role_arns.iter().map(|arn| HopPlan {
        role_arn: arn.clone(),
        role_session_name: None,
        external_id: None,
        duration_seconds: None,
    }));
    let from_stdin = args.token_file.as_deref() == Some(Path::new("-"));
    let token = if from_stdin {
        read_token(&mut std::io::stdin().lock())
    } else {
        read_token_file(&config.web_identity_token_file)
    }
    .map_err(|e| {
        let source = if from_stdin {
            "standard input".to_owned()
        } else {
            config.web_identity_token_file.display().to_string()
        };
        Failure::new(EXIT_USAGE, format!("{e} ({source})"))
    })?;
    // Read now, so a dry run reports a bad bundle too.
    let ca_bundle = match &config.ca_bundle {
        Some(path) => Some(CaBundle::read(path).map_err(|e| Failure::new(EXIT_USAGE, e.to_string()))?),
        None => None,
    };
    let mut params = OwnedInput::new(config.role_arn);
    params.role_session_name = config.role_session_name;
    params.duration_seconds = args.duration;
    params.policy_arns = args.policy_arns.clone();
    params.provider_id = args.provider_id.clone();
    params.policy = match &args.policy_file {
        Some(path) => Some(read_policy(path)?),
        None => None,
    };
    let mut retry = RetryPolicy::STANDARD;
    if let Some(n) = config.max_attempts {
        retry = retry.with_max_attempts(n);
    }
    if let Some(base) = args.retry_base {
        retry = retry.with_backoff(base, retry.max_delay);
    }
    Ok(Plan {
        endpoint: config.endpoint,
        params,
        token,
        retry,
        timeout: args.timeout,
        transport: args.transport,
        ca_bundle,
        hops,
        signing_region: config.region.unwrap_or_else(|| "us-east-1".to_owned()),
    })
}

/// The most policy-file bytes read: STS takes at most 2048 characters of
/// U+0000..U+00FF (4096 bytes of UTF-8); the rest is room for whitespace.
const MAX_POLICY_BYTES: u64 = 64 * 1024;

fn read_policy(path: &Path) -> Result<String, Failure> {
    let fail = |reason: String| {
        Failure::new(
            EXIT_USAGE,
            format!("could not read the policy file {}: {reason}", path.display()),
        )
    };
    let mut text = String::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_POLICY_BYTES + 1).read_to_string(&mut text))
        .map_err(|e| fail(e.to_string()))?;
    if text.len() as u64 > MAX_POLICY_BYTES {
        return Err(fail(format!("larger than {MAX_POLICY_BYTES} bytes")));
    }
    Ok(text)
}

/// Reads a token file into a wiped-on-drop buffer, as the client would.
fn read_token_file(path: &Path) -> Result<Zeroizing<Vec<u8>>, TokenError> {
    let mut buf = Zeroizing::new(vec![0u8; MAX_TOKEN_BYTES]);
    let n = TokenFile::new(path).read_token(&mut buf)?;
    buf.truncate(n);
    checked(buf)
}

/// Reads a token from `input` (standard input) into a buffer allocated once
/// (no reallocation leaves copies behind) and wiped on drop.
pub(crate) fn read_token(input: &mut dyn Read) -> Result<Zeroizing<Vec<u8>>, TokenError> {
    let mut buf = Zeroizing::new(vec![0u8; MAX_TOKEN_BYTES]);
    let mut n = 0;
    loop {
        if n == buf.len() {
            let mut probe = [0u8; 1];
            return match input.read(&mut probe) {
                Ok(0) => {
                    buf.truncate(n);
                    checked(buf)
                }
                Ok(_) => {
                    probe.zeroize();
                    Err(TokenError::TooLarge {
                        capacity: MAX_TOKEN_BYTES,
                        needed: None,
                    })
                }
                Err(e) => Err(TokenError::from(&e)),
            };
        }
        match input.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(TokenError::from(&e)),
        }
    }
    buf.truncate(n);
    checked(buf)
}

/// The client's checks, done early so a dry run reports them too: UTF-8, not
/// empty once trailing whitespace is trimmed. Trims in place (`truncate`
/// keeps the bytes in the allocation, which is wiped on drop).
fn checked(mut buf: Zeroizing<Vec<u8>>) -> Result<Zeroizing<Vec<u8>>, TokenError> {
    let text = std::str::from_utf8(&buf).map_err(|_| TokenError::NotUtf8)?;
    let trimmed = text.trim_end_matches([' ', '\t', '\r', '\n']).len();
    if text[..trimmed].trim_start_matches([' ', '\t', '\r', '\n']).is_empty() {
        return Err(TokenError::Empty);
    }
    buf.truncate(trimmed);
    Ok(buf)
}

/// The URL a request goes to: the endpoint with `/` when it has no path.
pub(crate) fn request_url(endpoint: &Endpoint) -> String {
    if endpoint.path().is_empty() {
        format!("{}/", endpoint.url())
    } else {
        endpoint.url().to_owned()
    }
}

/// Appends `s` as a JSON string, escaping in place (no intermediate copy of
/// a secret).
pub(crate) fn push_json(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

fn json(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    push_json(&mut out, s);
    out
}

/// The request's parts, for the dry run: the headers the transport writes,
/// the form parameters in body order, the token replaced.
pub(crate) struct RequestView {
    pub(crate) url: String,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) params: Vec<(String, String)>,
}

impl Plan {
    fn token_str(&self) -> &str {
        // Checked at read time; `checked` guarantees UTF-8.
        std::str::from_utf8(&self.token).unwrap_or_default()
    }

    /// Calls `f` with the request input, token included.
    fn with_input<T>(&self, f: impl FnOnce(&AssumeRoleWithWebIdentityInput<'_>) -> T) -> T {
        self.params
            .with_input(|input| f(&input.clone().with_web_identity_token(self.token_str())))
    }

    /// Every rule the input breaks, as one message (exit code 2). A
    /// session name the client will generate is checked as one it generates.
    fn validate(&self) -> Result<(), Failure> {
        self.with_input(|input| {
            let mut input = input.clone();
            if input.role_session_name.is_empty() {
                input.role_session_name = "sts-web-identity-0000000000000000";
            }
            let mut message = String::new();
            for v in input.violations() {
                let sep = if message.is_empty() {
                    "invalid AssumeRoleWithWebIdentity input: "
                } else {
                    "; "
                };
                let _ = write!(message, "{sep}{v}");
            }
            for hop in &self.hops {
                let mut input = hop.input();
                if input.role_session_name.is_empty() {
                    input.role_session_name = "sts-web-identity-0000000000000000";
                }
                for v in input.violations() {
                    let sep = if message.is_empty() { "" } else { "; " };
                    let _ = write!(message, "{sep}invalid AssumeRole input ({}): {v}", hop.role_arn);
                }
            }
            if message.is_empty() {
                Ok(())
            } else {
                Err(Failure::new(EXIT_USAGE, message))
            }
        })
    }

    /// The form parameters of each hop, in body order, a session name the
    /// client will generate shown as such.
    fn hop_params(&self) -> Vec<Vec<(String, String)>> {
        self.hops
            .iter()
            .map(|hop| {
                let mut input = hop.input();
                if input.role_session_name.is_empty() {
                    input.role_session_name = "sts-web-identity-GENERATED";
                }
                let mut body = vec![0u8; assume_role_encoded_len(&input)];
                let n = encode_assume_role(&input, &mut body).unwrap_or(0);
                form_urlencoded::parse(&body[..n])
                    .map(|(k, v)| (k.into_owned(), v.into_owned()))
                    .collect()
            })
            .collect()
    }

    /// Builds the request with the client's own [`Exchange`] (same input,
    /// same encoder, same `Content-Type`, a session name generated as the
    /// client generates one) and its head as the transport writes it
    /// (`h1::RequestHead`), without sending anything. The headers are those
    /// both engines send alike: `Host`, `Content-Type`, `Content-Length`,
    /// `User-Agent`, `Accept-Encoding`.
    pub(crate) fn request_view(&self) -> Result<RequestView, Failure> {
        self.validate()?;
        let token = self.token_str();
        let mut platform = StdPlatform::new();
        let mut body = Zeroizing::new(self.with_input(|input| vec![0u8; encoded_len(input) + 64]));
        let exchange = self
            .with_input(|input| Exchange::new(&self.endpoint, self.retry, input, || platform.next_u64(), &mut body))
            .map_err(|e| Failure::new(EXIT_USAGE, e.to_string()))?;
        let request = exchange.request(&body);
        let head = RequestHead::new(&request)
            .map_err(|e| Failure::new(EXIT_USAGE, format!("{} cannot be used: {e}", self.endpoint.url())))?;
        let mut raw = vec![0u8; head.len()];
        let len = head
            .write_to(&mut raw)
            .map_err(|e| Failure::new(EXIT_USAGE, e.to_string()))?;
        let text = String::from_utf8_lossy(&raw[..len]).into_owned();
        // Both engines send these, with these values; `Connection: close`
        // (the embedded engine) and `Accept: */*` (ureq) are framing
        // details of one engine, of no interest to STS.
        let headers = text
            .split("\r\n")
            .skip(1)
            .filter_map(|line| line.split_once(": "))
            .filter(|(n, _)| !n.eq_ignore_ascii_case("connection"))
            .map(|(n, v)| (n.to_owned(), v.to_owned()))
            .collect();
        let redacted = format!("<redacted {} chars>", token.chars().count());
        let params = form_urlencoded::parse(request.body)
            .map(|(name, value)| {
                if name == "WebIdentityToken" {
                    if let Cow::Owned(mut copy) = value {
                        copy.zeroize();
                    }
                    (name.into_owned(), redacted.clone())
                } else {
                    (name.into_owned(), value.into_owned())
                }
            })
            .collect();
        Ok(RequestView {
            url: request_url(&self.endpoint),
            headers,
            params,
        })
    }

    /// The `--dry-run` JSON.
    pub(crate) fn dry_run(&self) -> Result<String, Failure> {
        let view = self.request_view()?;
        let mut out = String::new();
        let _ = writeln!(out, "{{\n  \"endpoint\": {},\n  \"headers\": {{", json(&view.url));
        for (i, (name, value)) in view.headers.iter().enumerate() {
            let comma = if i + 1 < view.headers.len() { "," } else { "" };
            let _ = writeln!(out, "    {}: {}{comma}", json(name), json(value));
        }
        out.push_str("  },\n  \"params\": [\n");
        for (i, (name, value)) in view.params.iter().enumerate() {
            let comma = if i + 1 < view.params.len() { "," } else { "" };
            let _ = writeln!(out, "    [{}, {}]{comma}", json(name), json(value));
        }
        if self.hops.is_empty() {
            out.push_str("  ]\n}\n");
            return Ok(out);
        }
        // Each hop is signed with the credentials of the one before, which
        // exist only once that hop has been answered: no signature here.
        out.push_str("  ],\n  \"hops\": [\n");
        let all = self.hop_params();
        for (h, params) in all.iter().enumerate() {
            let _ = writeln!(
                out,
                "    {{\n      \"endpoint\": {},\n      \"action\": \"AssumeRole\",\n      \"signed_with\": {},",
                json(&view.url),
                json(&format!(
                    "the credentials of hop {h} ({}), which exist only after that hop is answered: the signature (Authorization, X-Amz-Date, X-Amz-Security-Token) cannot be shown before",
                    if h == 0 { "web identity" } else { "AssumeRole" }
                ))
            );
            let _ = writeln!(
                out,
                "      \"signing_region\": {},",
                json(self.endpoint.signing_region().unwrap_or(&self.signing_region))
            );
            out.push_str("      \"params\": [\n");
            for (i, (name, value)) in params.iter().enumerate() {
                let comma = if i + 1 < params.len() { "," } else { "" };
                let _ = writeln!(out, "        [{}, {}]{comma}", json(name), json(value));
            }
            let comma = if h + 1 < all.len() { "," } else { "" };
            let _ = writeln!(out, "      ]\n    }}{comma}");
        }
        out.push_str("  ]\n}\n");
        Ok(out)
    }

    /// Fetches the credentials through the chosen transport; with `verbose`,
    /// one line per attempt on stderr.
    pub(crate) fn fetch(&self, verbose: bool) -> Result<Fetched, Failure> {
        let url = request_url(&self.endpoint);
        self.validate()?;
        // The transports refuse it too, but after counting an attempt: say
        // it as the dry run does.
        let scheme = if self.endpoint.scheme() == "http" {
            Scheme::Http
        } else {
            Scheme::Https
        };
        check_scheme(scheme, self.endpoint.host())
            .map_err(|e| Failure::new(EXIT_USAGE, format!("{} cannot be used: {e}", self.endpoint.url())))?;
        let mut transport: Box<dyn Transport> = match self.transport {
            TransportKind::Std => {
                let mut builder = StdTransport::builder()
                    .connect_timeout(self.timeout.min(Duration::from_secs(5)))
                    .timeout(self.timeout);
                if let Some(bundle) = &self.ca_bundle {
                    builder = builder.ca_bundle(bundle);
                }
                let t = builder
                    .build()
                    .map_err(|e| Failure::new(exit_code(&ErrorKind::Transport(e)), format!("HTTPS transport: {e}")))?;
                Box::new(t)
            }
            TransportKind::Embedded => {
                // It has no proxy support: rather than go around a proxy the
                // environment asks for, say so (naming the variable, never
                // its value, which may hold a password).
                let env = |name: &str| std::env::var(name).ok();
                if let Some(variable) = proxy_variable(&env, self.endpoint.host()).filter(|_| scheme == Scheme::Https) {
                    return Err(Failure::new(
                        EXIT_USAGE,
                        format!(
                            "--transport embedded connects directly, but {variable} names a proxy for {}: \
                             use --transport std, or add the host to NO_PROXY",
                            self.endpoint.host()
                        ),
                    ));
                }
                let mut connector = TcpConnector::new()
                    .connect_timeout(self.timeout.min(Duration::from_secs(5)))
                    .timeout(self.timeout);
                if let Some(bundle) = &self.ca_bundle {
                    connector = connector
                        .ca_bundle(bundle)
                        .map_err(|e| Failure::new(EXIT_USAGE, format!("HTTPS transport: {e}")))?;
                }
                Box::new(HttpClient::new(connector))
            }
        };
        let mut last_request_id: Option<String> = None;
        // The error keeps only the start of a long STS message: the whole
        // one comes with the attempt.
        let mut last_message: Option<String> = None;
        let observer = |e: &AttemptEvent<'_>| {
            last_request_id = e.request_id.map(str::to_owned);
            last_message = e.service_error.map(|s| s.message.to_owned());
            if verbose {
                eprintln!("sts-web-identity: {}", attempt_line(e, &url));
            }
        };
        let platform = (StdClock::new(), ThreadSleep, OsRng::new(), observer);
        let mut client = Client::new(transport.as_mut(), self.endpoint.clone(), platform).with_retry_policy(self.retry);
        let mut request = Zeroizing::new(vec![0u8; STD_REQUEST_BUFFER]);
        let mut response = Zeroizing::new(vec![0u8; STD_RESPONSE_BUFFER]);
        let mut buffers = Buffers::new(&mut request, &mut response);
        let mut token = MemoryToken::new(&self.token);
        let mut creds: Box<Credentials> = Box::new(Credentials::<[u8; TOKEN_CAP]>::empty());
        let mut result = self
            .params
            .with_input(|input| client.fetch_into(input, &mut token, &mut buffers, &mut creds));
        let mut role_arn = &self.params.role_arn;
        for hop in &self.hops {
            if result.is_err() {
                break;
            }
            let mut next: Box<Credentials> = Box::new(Credentials::<[u8; TOKEN_CAP]>::empty());
            result = client.assume_role_into(&hop.input(), &creds, &self.signing_region, &mut buffers, &mut next);
            if result.is_ok() {
                // The hop's credentials replace the ones that signed for it
                // (wiped as they drop).
                creds = next;
                role_arn = &hop.role_arn;
            }
        }
        let skew = client.clock_skew_millis();
        let now = Clock::now(&client.platform().0);
        match result {
            Ok(()) => {
                let fetched = Fetched {
                    expiration: local_expiration(&creds, now),
                    account_id: account_of(role_arn),
                    creds,
                };
                if verbose {
                    eprintln!("sts-web-identity: {}", summary_line(&fetched, skew));
                }
                Ok(fetched)
            }
            Err(e) => Err(failure(&e, &url, last_request_id.as_deref(), last_message.as_deref())),
        }
    }
}

/// One `-v` line: attempt, endpoint, status, request id, what went wrong,
/// the wait before the next attempt. Holds no token and no secret: the event
/// carries none.
pub(crate) fn attempt_line(e: &AttemptEvent<'_>, url: &str) -> String {
    let mut line = format!("attempt {}/{} POST {url}: ", e.attempt, e.max_attempts);
    match e.status {
        Some(status) => {
            let _ = write!(line, "HTTP {status}");
        }
        None => line.push_str("no answer"),
    }
    if let Some(id) = e.request_id {
        let _ = write!(line, ", request id {}", untrusted(id));
    }
    match e.error {
        None => line.push_str(", credentials received"),
        Some(ErrorKind::Service(s)) => {
            let _ = write!(line, ", {}", untrusted(s.code()));
            let text = e.service_error.map_or(s.message(), |d| d.message);
            if !text.is_empty() {
                let _ = write!(line, ": {}", untrusted(text));
            }
        }
        Some(ErrorKind::Http { .. }) => line.push_str(", no STS error document"),
        Some(other) => {
            let _ = write!(line, ", {other}");
        }
    }
    match (e.error, e.retry_in) {
        (None, _) => {}
        (Some(_), Some(d)) => {
            let _ = write!(line, "; retrying in {} ms", d.as_millis());
        }
        (Some(_), None) => line.push_str("; giving up"),
    }
    line
}

/// The `-v` line after a success: when the credentials expire, and the
/// server's clock against ours.
fn summary_line(fetched: &Fetched, skew: Option<i64>) -> String {
    let mut line = format!(
        "credentials expire at {} by this machine's clock (in {} s)",
        rfc3339(fetched.expiration),
        fetched.creds.lifetime().as_secs()
    );
    // `Date` has whole seconds: less than a second apart is agreement.
    match skew {
        Some(ms) if ms.abs() < 1000 => line.push_str("; server clock within 1 s of ours"),
        Some(ms) if ms > 0 => {
            let _ = write!(line, "; server clock {:.1} s ahead of ours", ms as f64 / 1000.0);
        }
        Some(ms) => {
            let _ = write!(line, "; server clock {:.1} s behind ours", -ms as f64 / 1000.0);
        }
        None => {}
    }
    line
}

fn rfc3339(t: Timestamp) -> String {
    t.rfc3339().map(|t| t.as_str().to_owned()).unwrap_or_default()
}

/// The exit code of a failed fetch (see the crate docs):
///
/// - 3: STS answered with an error: an error document, or an error status
///   without one.
/// - 4: no usable answer: transport failures (connect, timeout, reset, TLS,
///   an answer too large for the transport), a malformed or truncated
///   success, credentials that do not fit (only an absurd answer: the session
///   token may take the whole body) or are expired on arrival.
/// - 2: the request could not be made: validation, the token, the endpoint,
///   `http://` to a host that is not loopback (by name, or by address once
///   resolved), a malformed proxy URL.
pub(crate) fn exit_code(kind: &ErrorKind) -> u8 {
    match kind {
        ErrorKind::Service(_) | ErrorKind::Http { .. } => EXIT_SERVICE,
        ErrorKind::Transport(
            sts_transport::Error::InsecureScheme
            | sts_transport::Error::InvalidRequest
            | sts_transport::Error::Proxy(ProxyError::InvalidUrl { .. }),
        ) => EXIT_USAGE,
        ErrorKind::Validation(_) | ErrorKind::RequestTooLarge { .. } | ErrorKind::Token(_) | ErrorKind::Endpoint(_) => {
            EXIT_USAGE
        }
        _ => EXIT_NO_ANSWER,
    }
}

/// The message of a failed fetch: the STS code, message and request id when
/// there is one, and the attempts made.
pub(crate) fn failure(e: &Error, url: &str, last_request_id: Option<&str>, full_message: Option<&str>) -> Failure {
    let mut message = e.kind().to_string();
    match e.kind() {
        ErrorKind::Service(s) => {
            message = format!("STS returned {} (HTTP {})", untrusted(s.code()), s.status());
            let text = full_message.unwrap_or(s.message());
            if !text.is_empty() {
                let _ = write!(message, ": {}", untrusted(text));
            }
            if let Some(id) = s.request_id() {
                let _ = write!(message, " [request id {}]", untrusted(id));
            }
        }
        ErrorKind::Http { .. } => {
            if let Some(id) = last_request_id {
                let _ = write!(message, " [request id {}]", untrusted(id));
            }
        }
        _ if e.attempts() > 0 => {
            let _ = write!(message, " ({url})");
        }
        _ => {}
    }
    // What to do about it, where there is one thing to do.
    let hint = match e.kind() {
        ErrorKind::Transport(sts_transport::Error::Certificate(CertificateProblem::UnknownIssuer)) => {
            Some("to trust a private CA, set AWS_CA_BUNDLE or ca_bundle in the profile to its PEM file")
        }
        _ => None,
    };
    match e.attempts() {
        0 => {}
        1 => message.push_str(" after 1 attempt"),
        n => {
            let _ = write!(message, " after {n} attempts");
        }
    }
    if let Some(hint) = hint {
        let _ = write!(message, "; {hint}");
    }
    Failure::new(exit_code(e.kind()), message)
}

/// The `credential_process` JSON (version 1). Wiped on drop: it holds the
/// secrets.
pub(crate) fn credential_process_json(fetched: &Fetched) -> Zeroizing<String> {
    let creds = &fetched.creds;
    render_credential_process(
        creds.access_key_id(),
        creds.secret_access_key().expose(),
        creds.session_token().expose(),
        &rfc3339(fetched.expiration),
        fetched.account_id.as_deref(),
    )
}

/// The `credential_process` JSON of these values, in the one layout both a
/// fetch and a cache hit print. Wiped on drop.
pub(crate) fn render_credential_process(
    access_key_id: &str,
    secret_access_key: &str,
    session_token: &str,
    expiration: &str,
    account_id: Option<&str>,
) -> Zeroizing<String> {
    let mut out = Zeroizing::new(String::with_capacity(2 * session_token.len() + 512));
    out.push_str("{\n  \"Version\": 1,\n  \"AccessKeyId\": ");
    push_json(&mut out, access_key_id);
    out.push_str(",\n  \"SecretAccessKey\": ");
    push_json(&mut out, secret_access_key);
    out.push_str(",\n  \"SessionToken\": ");
    push_json(&mut out, session_token);
    out.push_str(",\n  \"Expiration\": ");
    push_json(&mut out, expiration);
    if let Some(account) = account_id {
        out.push_str(",\n  \"AccountId\": ");
        push_json(&mut out, account);
    }
    out.push_str("\n}\n");
    out
}

/// Appends `value` in single quotes for a POSIX shell (`'` becomes `'\''`),
/// escaping in place.
pub(crate) fn push_shell_quoted(out: &mut String, value: &str) {
    out.push('\'');
    for c in value.chars() {
        if c == '\'' {
            out.push_str(r"'\''");
        } else {
            out.push(c);
        }
    }
    out.push('\'');
}

/// Appends `value` in single quotes for fish (`\\` and `'` escaped with a
/// backslash, the only escapes fish reads inside single quotes).
fn push_fish_quoted(out: &mut String, value: &str) {
    out.push('\'');
    for c in value.chars() {
        if matches!(c, '\\' | '\'') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('\'');
}

/// Appends `value` in single quotes for PowerShell (`'` doubled, the only
/// escape inside single quotes).
fn push_powershell_quoted(out: &mut String, value: &str) {
    out.push('\'');
    for c in value.chars() {
        if c == '\'' {
            out.push('\'');
        }
        out.push(c);
    }
    out.push('\'');
}

/// The variables for a shell (or as JSON), as `format` says. Wiped on drop.
pub(crate) fn env_exports(fetched: &Fetched, format: EnvFormat) -> Zeroizing<String> {
    let creds = &fetched.creds;
    let mut out = Zeroizing::new(String::with_capacity(4 * creds.session_token().len() + 512));
    let expiration = rfc3339(fetched.expiration);
    let vars = [
        ("AWS_ACCESS_KEY_ID", creds.access_key_id()),
        ("AWS_SECRET_ACCESS_KEY", creds.secret_access_key().expose_borrowed()),
        ("AWS_SESSION_TOKEN", creds.session_token().expose_borrowed()),
        ("AWS_CREDENTIAL_EXPIRATION", expiration.as_str()),
    ];
    if format == EnvFormat::Json {
        out.push('{');
        for (i, (name, value)) in vars.into_iter().enumerate() {
            out.push_str(if i == 0 { "\n  " } else { ",\n  " });
            push_json(&mut out, name);
            out.push_str(": ");
            push_json(&mut out, value);
        }
        out.push_str("\n}\n");
        return out;
    }
    for (name, value) in vars {
        match format {
            EnvFormat::Fish => {
                out.push_str("set -gx ");
                out.push_str(name);
                out.push(' ');
                push_fish_quoted(&mut out, value);
                out.push(';');
            }
            EnvFormat::PowerShell => {
                out.push_str("$Env:");
                out.push_str(name);
                out.push_str(" = ");
                push_powershell_quoted(&mut out, value);
            }
            EnvFormat::Sh | EnvFormat::Json => {
                out.push_str("export ");
                out.push_str(name);
                out.push('=');
                push_shell_quoted(&mut out, value);
            }
        }
        out.push('\n');
    }
    out
}

/// What to tell the user about a configuration error: for missing settings,
/// every one of them with the flag, variables and profile key that give it.
fn config_message(err: &config::ConfigError) -> String {
    let config::ConfigError::Missing(settings) = err else {
        return format!("{err} (see --help for the flags)");
    };
    let mut text = String::from("missing configuration:");
    for setting in settings {
        let flag = match setting {
            config::Setting::RoleArn => "--role-arn",
            config::Setting::WebIdentityTokenFile => "--token-file",
            _ => "--region",
        };
        let vars = setting.env_vars().join(" or ");
        text.push_str(&format!(
            "\n  {}: pass {flag}, set {vars}, or put {} in the profile",
            setting.name(),
            setting.profile_key()
        ));
    }
    text
}

#[cfg(test)]
mod tests {
    use sts_client::{Instant, Timestamp};

    use super::*;

    fn creds(secret: &str) -> Fetched {
        let exp = Timestamp::from_unix(1_629_147_173, 0).unwrap();
        let mut c: Box<Credentials> = Box::new(Credentials::<[u8; 64]>::empty());
        c.fill(
            "ASIAEXAMPLE",
            secret,
            "TOKEN/+=",
            exp,
            Instant::ZERO,
            Instant::from_millis(1),
        )
        .unwrap();
        Fetched {
            creds: c,
            expiration: exp,
            account_id: account_of("arn:aws:iam::123456789012:role/device"),
        }
    }

    #[test]
    fn credential_process_json_has_version_1_and_rfc3339() {
        let out = credential_process_json(&creds("sec\"ret"));
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["Version"], 1);
        assert_eq!(v["AccessKeyId"], "ASIAEXAMPLE");
        assert_eq!(v["SecretAccessKey"], "sec\"ret");
        assert_eq!(v["SessionToken"], "TOKEN/+=");
        assert_eq!(v["Expiration"], "2021-08-16T20:52:53Z");
        assert_eq!(v["AccountId"], "123456789012");
    }

    #[test]
    fn json_strings_are_escaped() {
        let mut out = String::new();
        push_json(&mut out, "a\"b\\c\nd\u{1}é");
        assert_eq!(out, r#""a\"b\\c\nd\u0001é""#);
        assert_eq!(serde_json::from_str::<String>(&out).unwrap(), "a\"b\\c\nd\u{1}é");
    }

    #[test]
    fn shell_quoting_survives_quotes() {
        let quoted = |v: &str| {
            let mut s = String::new();
            push_shell_quoted(&mut s, v);
            s
        };
        assert_eq!(quoted("a'b"), r"'a'\''b'");
        assert_eq!(quoted("$(x)"), "'$(x)'");
        let out = env_exports(&creds("x'y"), EnvFormat::Sh);
        assert!(
            out.contains("export AWS_SECRET_ACCESS_KEY='x'\\''y'\n"),
            "{}",
            out.as_str()
        );
        assert!(out.contains("export AWS_CREDENTIAL_EXPIRATION='2021-08-16T20:52:53Z'\n"));
    }

    #[test]
    fn fish_powershell_and_json_quote_hostile_values() {
        let hostile = r#"a'b\c $(x) "q""#;
        let fish = env_exports(&creds(hostile), EnvFormat::Fish);
        assert!(
            fish.contains(r#"set -gx AWS_SECRET_ACCESS_KEY 'a\'b\\c $(x) "q"';"#),
            "{}",
            fish.as_str()
        );
        let ps = env_exports(&creds(hostile), EnvFormat::PowerShell);
        assert!(
            ps.contains(r#"$Env:AWS_SECRET_ACCESS_KEY = 'a''b\c $(x) "q"'"#),
            "{}",
            ps.as_str()
        );
        let json = env_exports(&creds(hostile), EnvFormat::Json);
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(v["AWS_SECRET_ACCESS_KEY"], hostile);
        assert_eq!(v["AWS_ACCESS_KEY_ID"], "ASIAEXAMPLE");
        assert_eq!(v["AWS_CREDENTIAL_EXPIRATION"], "2021-08-16T20:52:53Z");
        assert_eq!(v.as_object().unwrap().len(), 4);
    }

    #[test]
    fn stdin_tokens_are_trimmed_and_checked() {
        let t = read_token(&mut &b"abc.def.ghi\r\n\n"[..]).unwrap();
        assert_eq!(&t[..], b"abc.def.ghi");
        assert_eq!(read_token(&mut &b" \n"[..]).unwrap_err(), TokenError::Empty);
        assert_eq!(read_token(&mut &b"\xff\xfe"[..]).unwrap_err(), TokenError::NotUtf8);
        let big = vec![b'a'; MAX_TOKEN_BYTES + 1];
        assert!(matches!(
            read_token(&mut &big[..]).unwrap_err(),
            TokenError::TooLarge { .. }
        ));
    }

    #[test]
    fn exit_codes_follow_the_contract() {
        use sts_transport::Error as T;
        assert_eq!(exit_code(&ErrorKind::Http { status: 500 }), 3);
        assert_eq!(exit_code(&ErrorKind::Transport(T::Connect)), 4);
        assert_eq!(exit_code(&ErrorKind::Transport(T::Timeout)), 4);
        assert_eq!(exit_code(&ErrorKind::Transport(T::Tls)), 4);
        assert_eq!(exit_code(&ErrorKind::Transport(T::InsecureScheme)), 2);
        assert_eq!(
            exit_code(&ErrorKind::Token(TokenError::NotFound { os_error: Some(2) })),
            2
        );
        assert_eq!(exit_code(&ErrorKind::Transport(T::Resolve)), 4);
        assert_eq!(
            exit_code(&ErrorKind::Transport(T::Certificate(CertificateProblem::Expired))),
            4
        );
        assert_eq!(
            exit_code(&ErrorKind::Transport(T::Proxy(ProxyError::AuthenticationRequired))),
            4
        );
        assert_eq!(
            exit_code(&ErrorKind::Transport(T::Proxy(ProxyError::InvalidUrl {
                variable: Some("HTTPS_PROXY")
            }))),
            2
        );
        assert_eq!(exit_code(&ErrorKind::ExpiredOnArrival), 4);
        assert_eq!(
            exit_code(&ErrorKind::CredentialsTooLarge {
                field: sts_client::CredentialField::SessionToken,
                needed: 1,
                capacity: 0
            }),
            4
        );
    }
}
