//! Command line parsing (lexopt) and the help texts.

use std::ffi::OsString;
use std::path::PathBuf;
use std::time::Duration;

use lexopt::prelude::*;

/// What the command line asks for.
#[derive(Debug)]
pub(crate) enum Command {
    /// `credential-process` or `env`.
    Fetch(Output, Box<FetchArgs>),
    /// `mock-server`.
    MockServer { port: u16, exchange: Option<PathBuf> },
    /// `demo`.
    Demo { transport: TransportKind },
    /// `--help`, `help [COMMAND]`, `COMMAND --help`: the text to print.
    Help(&'static str),
    /// `--version`.
    Version,
}

/// How fetched credentials are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Output {
    /// The `credential_process` JSON.
    CredentialProcess,
    /// `export AWS_...=...` lines.
    Env,
}

/// How `env` writes the variables.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) enum EnvFormat {
    /// `export NAME='value'` (POSIX shells).
    #[default]
    Sh,
    /// `set -gx NAME 'value'` (fish).
    Fish,
    /// `$Env:NAME = 'value'` (PowerShell).
    PowerShell,
    /// One JSON object of the variables.
    Json,
}

/// Which HTTP engine sends the request.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) enum TransportKind {
    /// `StdTransport`: ureq + rustls.
    #[default]
    Std,
    /// `HttpClient<TcpConnector>`: the embedded-tcp engine over std
    /// `TcpStream`, rustls for https.
    Embedded,
}

impl TransportKind {
    pub(crate) fn name(self) -> &'static str {
        match self {
            TransportKind::Std => "std",
            TransportKind::Embedded => "embedded",
        }
    }
}

/// The per-attempt timeout when `--timeout` is not given.
pub(crate) const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// The options of `credential-process` and `env`. `None` / `false` / empty:
/// not given on the command line (the environment and profile may set it).
#[derive(Debug, Clone)]
pub(crate) struct FetchArgs {
    pub(crate) role_arn: Option<String>,
    /// `-` reads the token from standard input.
    pub(crate) token_file: Option<PathBuf>,
    pub(crate) session_name: Option<String>,
    pub(crate) duration: Option<u32>,
    pub(crate) policy_file: Option<PathBuf>,
    pub(crate) policy_arns: Vec<String>,
    pub(crate) provider_id: Option<String>,
    pub(crate) region: Option<String>,
    pub(crate) fips: bool,
    pub(crate) dualstack: bool,
    pub(crate) endpoint: Option<String>,
    pub(crate) profile: Option<String>,
    pub(crate) max_attempts: Option<u32>,
    pub(crate) timeout: Duration,
    pub(crate) transport: TransportKind,
    pub(crate) verbose: bool,
    pub(crate) dry_run: bool,
    /// `env --format` (`sh` unless given).
    pub(crate) env_format: EnvFormat,
    /// Hidden `--retry-base-ms`: the backoff base (1 s by default).
    pub(crate) retry_base: Option<Duration>,
    /// `credential-process --no-cache`: always fetch, never read or write
    /// the cache.
    pub(crate) no_cache: bool,
    /// `credential-process --cache-refresh-margin`: cached credentials are
    /// used until this many seconds before they expire.
    pub(crate) cache_refresh_margin: u32,
}

impl Default for FetchArgs {
    fn default() -> Self {
        FetchArgs {
            role_arn: None,
            token_file: None,
            session_name: None,
            duration: None,
            policy_file: None,
            policy_arns: Vec::new(),
            provider_id: None,
            region: None,
            fips: false,
            dualstack: false,
            endpoint: None,
            profile: None,
            max_attempts: None,
            timeout: DEFAULT_TIMEOUT,
            transport: TransportKind::Std,
            verbose: false,
            dry_run: false,
            env_format: EnvFormat::Sh,
            retry_base: None,
            no_cache: false,
            cache_refresh_margin: DEFAULT_REFRESH_MARGIN_SECS,
        }
    }
}

/// A usage error: printed with a pointer to `--help`, exit code 2.
#[derive(Debug)]
pub(crate) struct UsageError(pub(crate) String);

impl From<lexopt::Error> for UsageError {
    fn from(e: lexopt::Error) -> Self {
        UsageError(e.to_string())
    }
}

/// Parses the process arguments.
pub(crate) fn parse_env() -> Result<Command, UsageError> {
    parse(lexopt::Parser::from_env())
}

/// Parses `args` (without the program name).
#[cfg(test)]
pub(crate) fn parse_from<I: IntoIterator<Item = &'static str>>(args: I) -> Result<Command, UsageError> {
    parse(lexopt::Parser::from_args(args))
}

fn parse(mut parser: lexopt::Parser) -> Result<Command, UsageError> {
    let command = match parser.next()? {
        None => return Err(UsageError("a command is required".into())),
        Some(Short('h') | Long("help")) => return Ok(Command::Help(MAIN_HELP)),
        Some(Short('V') | Long("version")) => return Ok(Command::Version),
        Some(Value(cmd)) => cmd,
        Some(other) => return Err(other.unexpected().into()),
    };
    match command.to_str() {
        Some("credential-process") => parse_fetch(parser, Output::CredentialProcess),
        Some("env") => parse_fetch(parser, Output::Env),
        Some("mock-server") => parse_mock_server(parser),
        Some("demo") => parse_demo(parser),
        Some("help") => parse_help(parser),
        _ => Err(UsageError(format!(
            "unknown command {:?} (commands: credential-process, env, mock-server, demo, help)",
            command.to_string_lossy()
        ))),
    }
}

fn parse_help(mut parser: lexopt::Parser) -> Result<Command, UsageError> {
    let text = match parser.next()? {
        None => MAIN_HELP,
        Some(Value(cmd)) => match cmd.to_str() {
            Some("credential-process") => CREDENTIAL_PROCESS_HELP,
            Some("env") => ENV_HELP,
            Some("mock-server") => MOCK_SERVER_HELP,
            Some("demo") => DEMO_HELP,
            Some("help") => MAIN_HELP,
            _ => return Err(UsageError(format!("no help for {:?}", cmd.to_string_lossy()))),
        },
        Some(other) => return Err(other.unexpected().into()),
    };
    Ok(Command::Help(text))
}

fn string(value: OsString, option: &str) -> Result<String, UsageError> {
    value
        .into_string()
        .map_err(|_| UsageError(format!("the value of {option} is not valid UTF-8")))
}

fn transport(value: OsString) -> Result<TransportKind, UsageError> {
    match value.to_str() {
        Some("std") => Ok(TransportKind::Std),
        Some("embedded") => Ok(TransportKind::Embedded),
        _ => Err(UsageError(format!(
            "--transport must be std or embedded, not {:?}",
            value.to_string_lossy()
        ))),
    }
}

fn timeout(value: OsString) -> Result<Duration, UsageError> {
    let text = string(value, "--timeout")?;
    match text.trim().parse::<f64>() {
        Ok(secs) if secs > 0.0 && secs <= 3600.0 => Ok(Duration::from_secs_f64(secs)),
        _ => Err(UsageError(format!(
            "--timeout must be a number of seconds above 0 and at most 3600, not {text:?}"
        ))),
    }
}

/// The default of `--cache-refresh-margin`, in seconds: cached credentials
/// are used until 5 minutes before they expire (the AWS SDKs start
/// refreshing a few minutes before expiry too, so credentials handed to
/// them are never about to lapse).
pub(crate) const DEFAULT_REFRESH_MARGIN_SECS: u32 = 300;

/// The largest `--cache-refresh-margin`: the longest session STS grants.
pub(crate) const MAX_REFRESH_MARGIN_SECS: u32 = 43_200;

/// `--cache-refresh-margin`: whole seconds, 0 to 43200.
pub(crate) fn refresh_margin(text: &str) -> Result<u32, String> {
    match text.parse::<u32>() {
        Ok(n) if n <= MAX_REFRESH_MARGIN_SECS => Ok(n),
        _ => Err(format!(
            "--cache-refresh-margin must be a whole number of seconds from 0 to {MAX_REFRESH_MARGIN_SECS}, not {text:?}"
        )),
    }
}

fn parse_fetch(mut parser: lexopt::Parser, output: Output) -> Result<Command, UsageError> {
    let mut a = FetchArgs::default();
    while let Some(arg) = parser.next()? {
        match arg {
            Long("role-arn") => a.role_arn = Some(string(parser.value()?, "--role-arn")?),
            Long("token-file") => a.token_file = Some(PathBuf::from(parser.value()?)),
            Long("session-name") => a.session_name = Some(string(parser.value()?, "--session-name")?),
            Long("duration") => a.duration = Some(parser.value()?.parse()?),
            Long("policy-file") => a.policy_file = Some(PathBuf::from(parser.value()?)),
            Long("policy-arn") => a.policy_arns.push(string(parser.value()?, "--policy-arn")?),
            Long("provider-id") => a.provider_id = Some(string(parser.value()?, "--provider-id")?),
            Long("region") => a.region = Some(string(parser.value()?, "--region")?),
            Long("fips") => a.fips = true,
            Long("dualstack") => a.dualstack = true,
            Long("endpoint") => a.endpoint = Some(string(parser.value()?, "--endpoint")?),
            Long("profile") => a.profile = Some(string(parser.value()?, "--profile")?),
            Long("max-attempts") => {
                let n: u32 = parser.value()?.parse()?;
                if n == 0 {
                    return Err(UsageError("--max-attempts must be at least 1".into()));
                }
                a.max_attempts = Some(n);
            }
            Long("timeout") => a.timeout = timeout(parser.value()?)?,
            Long("transport") => a.transport = transport(parser.value()?)?,
            Short('v') | Long("verbose") => a.verbose = true,
            Long("dry-run") => a.dry_run = true,
            Long("format") if output == Output::Env => {
                a.env_format = match parser.value()?.to_str() {
                    Some("sh") => EnvFormat::Sh,
                    Some("fish") => EnvFormat::Fish,
                    Some("powershell") => EnvFormat::PowerShell,
                    Some("json") => EnvFormat::Json,
                    _ => return Err(UsageError("--format takes sh, fish, powershell or json".into())),
                };
            }
            Long("no-cache") if output == Output::CredentialProcess => a.no_cache = true,
            Long("cache-refresh-margin") if output == Output::CredentialProcess => {
                let text = string(parser.value()?, "--cache-refresh-margin")?;
                a.cache_refresh_margin = refresh_margin(&text).map_err(UsageError)?;
            }
            Long("retry-base-ms") => a.retry_base = Some(Duration::from_millis(parser.value()?.parse()?)),
            Short('h') | Long("help") => {
                return Ok(Command::Help(match output {
                    Output::CredentialProcess => CREDENTIAL_PROCESS_HELP,
                    Output::Env => ENV_HELP,
                }));
            }
            _ => return Err(arg.unexpected().into()),
        }
    }
    Ok(Command::Fetch(output, Box::new(a)))
}

fn parse_mock_server(mut parser: lexopt::Parser) -> Result<Command, UsageError> {
    let mut port = 0;
    let mut exchange = None;
    while let Some(arg) = parser.next()? {
        match arg {
            Long("port") => port = parser.value()?.parse()?,
            Long("exchange") => exchange = Some(PathBuf::from(parser.value()?)),
            Short('h') | Long("help") => return Ok(Command::Help(MOCK_SERVER_HELP)),
            _ => return Err(arg.unexpected().into()),
        }
    }
    Ok(Command::MockServer { port, exchange })
}

fn parse_demo(mut parser: lexopt::Parser) -> Result<Command, UsageError> {
    let mut kind = TransportKind::Std;
    while let Some(arg) = parser.next()? {
        match arg {
            Long("transport") => kind = transport(parser.value()?)?,
            Short('h') | Long("help") => return Ok(Command::Help(DEMO_HELP)),
            _ => return Err(arg.unexpected().into()),
        }
    }
    Ok(Command::Demo { transport: kind })
}

pub(crate) const MAIN_HELP: &str = "\
sts-web-identity: AWS credentials from a web identity token (STS AssumeRoleWithWebIdentity)

Usage: sts-web-identity <COMMAND> [OPTIONS]

Commands:
  credential-process  Print credentials as AWS credential_process JSON
  env                 Print `export AWS_...=...` lines for eval \"$(...)\"
  mock-server         Run a local mock STS on 127.0.0.1 (offline tests)
  demo                Fetch credentials from an in-process mock STS and show what happened
  help [COMMAND]      Print this help or a command's help

Options:
  -h, --help     Print help
  -V, --version  Print the version

Exit codes: 0 success; 2 usage or validation error; 3 STS answered with an
error (after retries); 4 no usable answer (connect, timeout, reset, malformed
or truncated response; after retries); 1 anything else.
";

/// The options shared by `credential-process` and `env`.
macro_rules! fetch_options {
    () => {
        "\
Options (unset ones fall back to the environment, then the profile, as the AWS SDKs do):
      --role-arn <ARN>         Role to assume [env: AWS_ROLE_ARN; profile: role_arn]
      --token-file <PATH>      Web identity token file, `-` for standard input
                               [env: AWS_WEB_IDENTITY_TOKEN_FILE; profile: web_identity_token_file]
      --session-name <NAME>    RoleSessionName [env: AWS_ROLE_SESSION_NAME; profile: role_session_name;
                               default: sts-web-identity- and 16 random hex digits]
      --duration <SECONDS>     DurationSeconds, 900 to 43200 [STS default: 3600]
      --policy-file <PATH>     Inline session policy (JSON) read from a file
      --policy-arn <ARN>       Managed session policy ARN (repeatable, up to 10)
      --provider-id <ID>       ProviderId (OAuth 2.0 providers only, e.g. www.amazon.com)
      --region <REGION>        Region of the STS endpoint [env: AWS_REGION, AWS_DEFAULT_REGION; profile: region]
      --fips                   Use the FIPS endpoint [env: AWS_USE_FIPS_ENDPOINT]
      --dualstack              Use the dual-stack endpoint [env: AWS_USE_DUALSTACK_ENDPOINT]
      --endpoint <URL>         Endpoint override; http:// only to loopback
                               [env: AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL]
      --profile <NAME>         Profile of the shared config file [env: AWS_PROFILE; default: default;
                               file: AWS_CONFIG_FILE or ~/.aws/config]
      --max-attempts <N>       Attempts in total, retries included [env: AWS_MAX_ATTEMPTS; default: 3]
      --timeout <SECONDS>      Time allowed per attempt, connect to last byte [default: 10]
      --transport <ENGINE>     std (ureq + rustls) or embedded (the embedded-tcp engine over a std
                               TCP stream, rustls for https) [default: std]
  -v, --verbose                Each attempt on stderr: endpoint, status, request id, delay before
                               the next (never a token or a secret)
      --dry-run                Print the request as JSON (endpoint, headers, params, the token
                               redacted) and send nothing
  -h, --help                   Print help

Exit codes: 0 success; 2 usage or validation error; 3 STS answered with an
error (after retries); 4 no usable answer (connect, timeout, reset, malformed
or truncated response; after retries); 1 anything else.
"
    };
}

pub(crate) const CREDENTIAL_PROCESS_HELP: &str = concat!(
    "\
Print credentials as the JSON of AWS `credential_process`:
{\"Version\": 1, \"AccessKeyId\", \"SecretAccessKey\", \"SessionToken\", \"Expiration\" (RFC 3339)}

In ~/.aws/config:
  [profile ci]
  credential_process = sts-web-identity credential-process --role-arn arn:aws:iam::123456789012:role/ci --token-file /var/run/secrets/token --region eu-west-1

Usage: sts-web-identity credential-process [OPTIONS]

Credentials are cached in $XDG_CACHE_HOME/sts-web-identity/ (else ~/.cache/sts-web-identity/),
one 0600 file per role, session name, endpoint, duration, policies and token, and reused
until the refresh margin before they expire:
      --no-cache                      Always call STS; neither read nor write the cache
      --cache-refresh-margin <SECONDS>
                                      Fetch anew when the cached credentials expire within
                                      this many seconds, 0 to 43200 [default: 300]

",
    fetch_options!()
);

pub(crate) const ENV_HELP: &str = concat!(
    "\
Print AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN and
AWS_CREDENTIAL_EXPIRATION for a shell (values single-quoted), for:
  eval \"$(sts-web-identity env --role-arn ... --token-file ...)\"           (sh)
  sts-web-identity env --format fish ... | source                        (fish)
  sts-web-identity env --format powershell ... | Invoke-Expression       (PowerShell)

Usage: sts-web-identity env [OPTIONS]

      --format <FORMAT>        sh (`export` lines), fish, powershell or json [default: sh]

",
    fetch_options!()
);

pub(crate) const MOCK_SERVER_HELP: &str = "\
Run a local STS on 127.0.0.1 that answers AssumeRoleWithWebIdentity: it validates each
request as STS would and generates credentials, or replays a recorded exchange. Prints
`listening on http://127.0.0.1:PORT/` and serves until killed; each request is logged on
stderr (the token redacted). Point a client at it with --endpoint or AWS_ENDPOINT_URL_STS.

Usage: sts-web-identity mock-server [OPTIONS]

Options:
      --port <N>         Port to listen on; 0 picks a free one [default: 0]
      --exchange <FILE>  Replay the answers of a recorded exchange (the JSON format of
                         conformance/data/exchanges/*.json), one per request, the last repeating
  -h, --help             Print help
";

pub(crate) const DEMO_HELP: &str = "\
Start a mock STS on 127.0.0.1 (a free port), fetch credentials from it with a made-up
JWT through the real client and transport, report each step on stderr and print the
credential_process JSON on stdout. Needs no network and no AWS account.

Usage: sts-web-identity demo [OPTIONS]

Options:
      --transport <ENGINE>  std (ureq + rustls) or embedded (the embedded-tcp engine) [default: std]
  -h, --help                Print help
";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fetch_options_parse() {
        let Ok(Command::Fetch(Output::Env, a)) = parse_from([
            "env",
            "--role-arn",
            "arn:aws:iam::1:role/x",
            "--token-file=-",
            "--policy-arn",
            "a",
            "--policy-arn",
            "b",
            "--fips",
            "--max-attempts",
            "2",
            "--timeout",
            "0.5",
            "--transport",
            "embedded",
            "-v",
            "--dry-run",
            "--retry-base-ms",
            "3",
        ]) else {
            panic!("did not parse");
        };
        assert_eq!(a.role_arn.as_deref(), Some("arn:aws:iam::1:role/x"));
        assert_eq!(a.token_file, Some(PathBuf::from("-")));
        assert_eq!(a.policy_arns, ["a", "b"]);
        assert!(a.fips && !a.dualstack && a.verbose && a.dry_run);
        assert_eq!(a.max_attempts, Some(2));
        assert_eq!(a.timeout, Duration::from_millis(500));
        assert_eq!(a.transport, TransportKind::Embedded);
        assert_eq!(a.retry_base, Some(Duration::from_millis(3)));
    }

    #[test]
    fn usage_errors_say_what_is_wrong() {
        let cases: &[(&[&'static str], &str)] = &[
            (&[], "a command is required"),
            (&["nope"], "unknown command"),
            (&["env", "--bogus"], "--bogus"),
            (&["env", "--duration", "abc"], "abc"),
            (&["env", "--role-arn"], "--role-arn"),
            (&["env", "--transport", "curl"], "std or embedded"),
            (&["env", "--timeout", "0"], "--timeout"),
            (&["env", "--max-attempts", "0"], "at least 1"),
            (&["mock-server", "--port", "70000"], "70000"),
        ];
        for (args, needle) in cases {
            match parse_from(args.iter().copied()) {
                Err(UsageError(m)) => assert!(m.contains(needle), "{args:?}: {m}"),
                Ok(c) => panic!("{args:?} parsed as {c:?}"),
            }
        }
    }

    #[test]
    fn help_everywhere() {
        for args in [
            &["--help"][..],
            &["help"],
            &["help", "env"],
            &["env", "-h"],
            &["credential-process", "--help"],
            &["mock-server", "--help"],
            &["demo", "-h"],
        ] {
            assert!(
                matches!(parse_from(args.iter().copied()), Ok(Command::Help(_))),
                "{args:?}"
            );
        }
        assert!(matches!(parse_from(["-V"]), Ok(Command::Version)));
    }
}
