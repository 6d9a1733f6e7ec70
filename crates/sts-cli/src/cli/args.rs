//! Command line parsing (clap, derive), the help texts and `completions`.
//!
//! clap parses into the structs below, which then become a [`Command`]:
//! the fetch commands get the one [`FetchArgs`] the rest of the tool reads.
//! Unset options stay `None`: `sts_client::config` fills them from the
//! environment and the profile, so clap's own `env` attribute is not used
//! (it would put the environment above the profile in a different order).

use std::ffi::OsString;
use std::path::PathBuf;
use std::time::Duration;

use clap::error::ErrorKind;
use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};

/// What the command line asks for.
#[derive(Debug)]
pub(crate) enum Command {
    /// `credential-process` or `env`.
    Fetch(Output, Box<FetchArgs>),
    /// `mock-server`.
    MockServer { port: u16, exchange: Option<PathBuf> },
    /// `demo`.
    Demo { transport: TransportKind },
    /// `completions SHELL`: the script for that shell.
    Completions(clap_complete::Shell),
    /// `--help`, `help [COMMAND]`, `COMMAND --help`, `--version`: the text
    /// to print on stdout.
    Print(String),
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
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub(crate) enum EnvFormat {
    /// `export NAME='value'` (POSIX shells)
    #[default]
    Sh,
    /// `set -gx NAME 'value';` (fish)
    Fish,
    /// `$Env:NAME = 'value'` (PowerShell)
    #[value(name = "powershell")]
    PowerShell,
    /// One JSON object of the variables
    Json,
}

/// Which HTTP engine sends the request.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub(crate) enum TransportKind {
    /// `StdTransport`: ureq + rustls
    #[default]
    Std,
    /// The embedded-tcp HTTP/1.1 engine over a std TCP stream, rustls for
    /// https; no proxies (refused where HTTPS_PROXY or ALL_PROXY applies)
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

/// The default of `--cache-refresh-margin`, in seconds: cached credentials
/// are used until 5 minutes before they expire (the AWS SDKs start
/// refreshing a few minutes before expiry too, so credentials handed to
/// them are never about to lapse).
pub(crate) const DEFAULT_REFRESH_MARGIN_SECS: u32 = 300;

/// The largest `--cache-refresh-margin`: the longest session STS grants.
pub(crate) const MAX_REFRESH_MARGIN_SECS: u32 = 43_200;

/// The options of `credential-process` and `env`, as the fetch reads them.
/// `None` / `false` / empty: not given on the command line (the
/// environment and profile may set it).
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
    pub(crate) ca_bundle: Option<PathBuf>,
    pub(crate) profile: Option<String>,
    /// `--chain-role-arn`: `AssumeRole` hops taken after the profile's, in
    /// order.
    pub(crate) chain_role_arns: Vec<String>,
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

const EXIT_CODES: &str = "\
Exit codes: 0 success; 2 usage or validation error; 3 STS answered with an
error (after retries); 4 no usable answer (connect, timeout, reset, malformed
or truncated response; after retries); 1 anything else.";

/// AWS credentials from a web identity token (STS AssumeRoleWithWebIdentity)
#[derive(Debug, Parser)]
#[command(
    name = "sts-web-identity",
    version,
    after_help = EXIT_CODES,
    subcommand_required = true,
    max_term_width = 100
)]
struct Cli {
    #[command(subcommand)]
    command: CliCommand,
}

#[derive(Debug, Subcommand)]
enum CliCommand {
    /// Print credentials as AWS credential_process JSON
    #[command(
        long_about = CREDENTIAL_PROCESS_ABOUT,
        after_help = EXIT_CODES,
    )]
    CredentialProcess(CredentialProcessArgs),
    /// Print `export AWS_...=...` lines for eval "$(...)"
    #[command(long_about = ENV_ABOUT, after_help = EXIT_CODES)]
    Env(EnvArgs),
    /// Run a local mock STS on 127.0.0.1 (offline tests)
    #[command(long_about = MOCK_SERVER_ABOUT)]
    MockServer(MockServerArgs),
    /// Fetch credentials from an in-process mock STS and show what happened
    #[command(long_about = DEMO_ABOUT)]
    Demo(DemoArgs),
    /// Print a completion script for a shell on stdout
    #[command(long_about = COMPLETIONS_ABOUT)]
    Completions {
        /// The shell the script is for
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

const CREDENTIAL_PROCESS_ABOUT: &str = "\
Print credentials as the JSON of AWS `credential_process`:
{\"Version\": 1, \"AccessKeyId\", \"SecretAccessKey\", \"SessionToken\", \"Expiration\" (RFC 3339), \"AccountId\"}

In ~/.aws/config:
  [profile ci]
  credential_process = sts-web-identity credential-process --role-arn arn:aws:iam::123456789012:role/ci --token-file /var/run/secrets/token --region eu-west-1

Credentials are cached in $XDG_CACHE_HOME/sts-web-identity/ (else ~/.cache/sts-web-identity/),
one 0600 file per role, session name, endpoint, duration, policies and token, and reused until
--cache-refresh-margin seconds before they expire.

Unset options fall back to the environment, then the profile, as the AWS SDKs do.";

const ENV_ABOUT: &str = "\
Print AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN and
AWS_CREDENTIAL_EXPIRATION for a shell (values single-quoted), for:
  eval \"$(sts-web-identity env --role-arn ... --token-file ...)\"           (sh)
  sts-web-identity env --format fish ... | source                        (fish)
  sts-web-identity env --format powershell ... | Invoke-Expression       (PowerShell)

No cache: every run calls STS.

Unset options fall back to the environment, then the profile, as the AWS SDKs do.";

const MOCK_SERVER_ABOUT: &str = "\
Run a local STS on 127.0.0.1 that answers AssumeRoleWithWebIdentity: it validates each
request as STS would and generates credentials, or replays a recorded exchange. Prints
`listening on http://127.0.0.1:PORT/` and serves until killed; each request is logged on
stderr (the token redacted). Point a client at it with --endpoint or AWS_ENDPOINT_URL_STS.";

const DEMO_ABOUT: &str = "\
Start a mock STS on 127.0.0.1 (a free port), fetch credentials from it with a made-up
JWT through the real client and transport, report each step on stderr and print the
credential_process JSON on stdout. Needs no network and no AWS account.";

const COMPLETIONS_ABOUT: &str = "\
Print a completion script for a shell on stdout, e.g.:
  sts-web-identity completions bash > ~/.local/share/bash-completion/completions/sts-web-identity
  sts-web-identity completions zsh > ~/.zfunc/_sts-web-identity
  sts-web-identity completions fish > ~/.config/fish/completions/sts-web-identity.fish";

/// The options of `credential-process` and `env`. Numbers accept a leading
/// `-`, so `--duration -1` is an invalid value of `--duration`, not an
/// unknown option `-1`.
#[derive(Debug, Args)]
struct FetchOpts {
    /// Role to assume [env: AWS_ROLE_ARN; profile: role_arn]
    #[arg(long, value_name = "ARN")]
    role_arn: Option<String>,
    /// Web identity token file, `-` for standard input [env: AWS_WEB_IDENTITY_TOKEN_FILE; profile:
    /// web_identity_token_file]
    #[arg(long, value_name = "PATH", value_hint = clap::ValueHint::FilePath)]
    token_file: Option<PathBuf>,
    /// RoleSessionName [env: AWS_ROLE_SESSION_NAME; profile: role_session_name; default:
    /// sts-web-identity- and 16 random hex digits]
    #[arg(long, value_name = "NAME")]
    session_name: Option<String>,
    /// DurationSeconds, 900 to 43200 [STS default: 3600]
    #[arg(long, value_name = "SECONDS", allow_negative_numbers = true)]
    duration: Option<u32>,
    /// Inline session policy (JSON) read from a file
    #[arg(long, value_name = "PATH", value_hint = clap::ValueHint::FilePath)]
    policy_file: Option<PathBuf>,
    /// Managed session policy ARN (repeatable, up to 10)
    #[arg(long = "policy-arn", value_name = "ARN")]
    policy_arns: Vec<String>,
    /// ProviderId (OAuth 2.0 providers only, e.g. www.amazon.com)
    #[arg(long, value_name = "ID")]
    provider_id: Option<String>,
    /// Region of the STS endpoint [env: AWS_REGION, AWS_DEFAULT_REGION; profile: region]
    #[arg(long, value_name = "REGION")]
    region: Option<String>,
    /// Use the FIPS endpoint [env: AWS_USE_FIPS_ENDPOINT]
    #[arg(long)]
    fips: bool,
    /// Use the dual-stack endpoint [env: AWS_USE_DUALSTACK_ENDPOINT]
    #[arg(long)]
    dualstack: bool,
    /// Endpoint override; http:// only to loopback [env: AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL]
    #[arg(long, value_name = "URL", value_hint = clap::ValueHint::Url)]
    endpoint: Option<String>,
    /// PEM file whose certificates replace the default trust roots [env: AWS_CA_BUNDLE; profile:
    /// ca_bundle]
    #[arg(long, value_name = "FILE", value_hint = clap::ValueHint::FilePath)]
    ca_bundle: Option<PathBuf>,
    /// Profile of the shared config file [env: AWS_PROFILE; default: default; file: AWS_CONFIG_FILE
    /// or ~/.aws/config]
    #[arg(long, value_name = "NAME")]
    profile: Option<String>,
    /// After the web identity role (and the profile's source_profile hops), assume this role with
    /// the credentials so far: STS AssumeRole signed with SigV4, DurationSeconds at most 3600
    /// (repeatable, in order)
    #[arg(long = "chain-role-arn", value_name = "ARN")]
    chain_role_arns: Vec<String>,
    /// Attempts in total, retries included [env: AWS_MAX_ATTEMPTS; default: 3]
    #[arg(long, value_name = "N", value_parser = max_attempts, allow_negative_numbers = true)]
    max_attempts: Option<u32>,
    /// Time allowed per attempt, connect to last byte [default: 10]
    #[arg(long, value_name = "SECONDS", value_parser = timeout, allow_negative_numbers = true)]
    timeout: Option<Duration>,
    /// HTTP engine [default: std]
    #[arg(long, value_name = "ENGINE", value_enum)]
    transport: Option<TransportKind>,
    /// Each attempt on stderr: endpoint, status, request id, delay before the next (never a token
    /// or a secret)
    #[arg(short, long)]
    verbose: bool,
    /// Print the request as JSON (endpoint, headers, params, the token redacted) and send nothing
    #[arg(long)]
    dry_run: bool,
    /// The backoff base of the retries, in milliseconds (for the tests)
    #[arg(long, value_name = "MS", hide = true)]
    retry_base_ms: Option<u64>,
}

#[derive(Debug, Args)]
struct CredentialProcessArgs {
    #[command(flatten)]
    fetch: FetchOpts,
    /// Always call STS; neither read nor write the credential cache
    #[arg(long)]
    no_cache: bool,
    /// Fetch anew when the cached credentials expire within this many seconds, 0 to 43200
    #[arg(
        long,
        value_name = "SECONDS",
        value_parser = refresh_margin,
        default_value_t = DEFAULT_REFRESH_MARGIN_SECS,
        allow_negative_numbers = true
    )]
    cache_refresh_margin: u32,
}

#[derive(Debug, Args)]
struct EnvArgs {
    /// How the variables are written
    #[arg(long, value_name = "FORMAT", value_enum, default_value_t = EnvFormat::Sh)]
    format: EnvFormat,
    #[command(flatten)]
    fetch: FetchOpts,
}

#[derive(Debug, Args)]
struct MockServerArgs {
    /// Port to listen on; 0 picks a free one
    #[arg(long, value_name = "N", default_value_t = 0, allow_negative_numbers = true)]
    port: u16,
    /// Replay the answers of a recorded exchange (the JSON format of
    /// conformance/data/exchanges/*.json), one per request, the last repeating
    #[arg(long, value_name = "FILE", value_hint = clap::ValueHint::FilePath)]
    exchange: Option<PathBuf>,
}

#[derive(Debug, Args)]
struct DemoArgs {
    /// HTTP engine
    #[arg(long, value_name = "ENGINE", value_enum, default_value_t = TransportKind::Std)]
    transport: TransportKind,
}

impl FetchOpts {
    fn into_fetch_args(self, env_format: EnvFormat, no_cache: bool, cache_refresh_margin: u32) -> FetchArgs {
        FetchArgs {
            role_arn: self.role_arn,
            token_file: self.token_file,
            session_name: self.session_name,
            duration: self.duration,
            policy_file: self.policy_file,
            policy_arns: self.policy_arns,
            provider_id: self.provider_id,
            region: self.region,
            fips: self.fips,
            dualstack: self.dualstack,
            endpoint: self.endpoint,
            ca_bundle: self.ca_bundle,
            profile: self.profile,
            chain_role_arns: self.chain_role_arns,
            max_attempts: self.max_attempts,
            timeout: self.timeout.unwrap_or(DEFAULT_TIMEOUT),
            transport: self.transport.unwrap_or_default(),
            verbose: self.verbose,
            dry_run: self.dry_run,
            env_format,
            retry_base: self.retry_base_ms.map(Duration::from_millis),
            no_cache,
            cache_refresh_margin,
        }
    }
}

/// `--max-attempts`: at least 1.
fn max_attempts(text: &str) -> Result<u32, String> {
    match text.parse::<u32>() {
        Ok(0) => Err("must be at least 1".into()),
        Ok(n) => Ok(n),
        Err(e) => Err(e.to_string()),
    }
}

/// `--timeout`: seconds, fractions allowed, above 0 and at most an hour.
fn timeout(text: &str) -> Result<Duration, String> {
    match text.trim().parse::<f64>() {
        Ok(secs) if secs > 0.0 && secs <= 3600.0 => Ok(Duration::from_secs_f64(secs)),
        _ => Err("must be a number of seconds above 0 and at most 3600".into()),
    }
}

/// `--cache-refresh-margin`: whole seconds, 0 to 43200.
fn refresh_margin(text: &str) -> Result<u32, String> {
    match text.parse::<u32>() {
        Ok(n) if n <= MAX_REFRESH_MARGIN_SECS => Ok(n),
        _ => Err(format!(
            "must be a whole number of seconds from 0 to {MAX_REFRESH_MARGIN_SECS}"
        )),
    }
}

/// A usage error: the message, and the command whose help to point at.
/// Printed on stderr; exit code 2.
#[derive(Debug)]
pub(crate) struct UsageError {
    /// What is wrong, naming the option or command (may span lines, e.g.
    /// clap's list of possible values).
    pub(crate) message: String,
    /// `sts-web-identity` or `sts-web-identity COMMAND`: whose `--help` to
    /// suggest.
    pub(crate) command: String,
}

/// Parses the process arguments.
pub(crate) fn parse_env() -> Result<Command, UsageError> {
    parse(std::env::args_os())
}

/// Parses `args` (without the program name).
#[cfg(test)]
pub(crate) fn parse_from<I: IntoIterator<Item = &'static str>>(args: I) -> Result<Command, UsageError> {
    parse(std::iter::once("sts-web-identity").chain(args).map(OsString::from))
}

/// The command line of the `completions` script generator and the help.
pub(crate) fn clap_command() -> clap::Command {
    Cli::command()
}

/// Parses `args` (the program name first).
fn parse(args: impl IntoIterator<Item = OsString>) -> Result<Command, UsageError> {
    let args: Vec<OsString> = args.into_iter().collect();
    let cli = match Cli::try_parse_from(&args) {
        Ok(cli) => cli,
        Err(e) => return printed(&e).ok_or_else(|| usage_error(&e, &args)),
    };
    Ok(match cli.command {
        CliCommand::CredentialProcess(a) => Command::Fetch(
            Output::CredentialProcess,
            Box::new(
                a.fetch
                    .into_fetch_args(EnvFormat::Sh, a.no_cache, a.cache_refresh_margin),
            ),
        ),
        CliCommand::Env(a) => Command::Fetch(
            Output::Env,
            Box::new(a.fetch.into_fetch_args(a.format, true, DEFAULT_REFRESH_MARGIN_SECS)),
        ),
        CliCommand::MockServer(a) => Command::MockServer {
            port: a.port,
            exchange: a.exchange,
        },
        CliCommand::Demo(a) => Command::Demo { transport: a.transport },
        CliCommand::Completions { shell } => Command::Completions(shell),
    })
}

/// Help and version "errors" are what to print on stdout.
fn printed(e: &clap::Error) -> Option<Command> {
    matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion)
        .then(|| Command::Print(e.render().to_string()))
}

/// clap's error as our one-line-first message, pointing at the help of the
/// command it is about (the first argument naming a command: the top level
/// takes no other values).
fn usage_error(e: &clap::Error, args: &[OsString]) -> UsageError {
    let command = args
        .iter()
        .skip(1)
        .find(|a| !a.to_string_lossy().starts_with('-'))
        .and_then(|a| {
            let name = a.to_str()?;
            Cli::command()
                .get_subcommands()
                .any(|c| c.get_name() == name && name != "help")
                .then(|| format!("sts-web-identity {name}"))
        })
        .unwrap_or_else(|| "sts-web-identity".to_owned());
    let message = match e.kind() {
        ErrorKind::MissingSubcommand | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            "a command is required (credential-process, env, mock-server, demo, completions, help)".to_owned()
        }
        _ => {
            // clap's rendering without its "error: " lead, its usage line and its
            // "try '--help'" (ours names the command).
            let text = e.render().to_string();
            let text = text.strip_prefix("error: ").unwrap_or(&text);
            text.lines()
                .filter(|l| !l.starts_with("Usage:") && !l.starts_with("For more information, try"))
                .collect::<Vec<_>>()
                .join("\n")
                .trim_end()
                .to_owned()
        }
    };
    UsageError { message, command }
}

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
        // The arguments, a part of the message, the command whose help it
        // points at.
        let cases: &[(&[&'static str], &str, &str)] = &[
            (&[], "a command is required", "sts-web-identity"),
            (&["nope"], "unrecognized subcommand 'nope'", "sts-web-identity"),
            (&["help", "nope"], "unrecognized subcommand 'nope'", "sts-web-identity"),
            (
                &["env", "--bogus"],
                "unexpected argument '--bogus'",
                "sts-web-identity env",
            ),
            (
                &["env", "--duration", "abc"],
                "invalid value 'abc' for '--duration <SECONDS>'",
                "sts-web-identity env",
            ),
            (
                &["credential-process", "--role-arn"],
                "'--role-arn <ARN>'",
                "sts-web-identity credential-process",
            ),
            (
                &["env", "--transport", "curl"],
                "[possible values: std, embedded]",
                "sts-web-identity env",
            ),
            (
                &["env", "--format", "csh"],
                "[possible values: sh, fish, powershell, json]",
                "sts-web-identity env",
            ),
            (
                &["env", "--timeout", "0"],
                "'--timeout <SECONDS>'",
                "sts-web-identity env",
            ),
            (&["env", "--max-attempts", "0"], "at least 1", "sts-web-identity env"),
            (&["env", "--no-cache"], "'--no-cache'", "sts-web-identity env"),
            (
                &["credential-process", "--format", "json"],
                "'--format'",
                "sts-web-identity credential-process",
            ),
            (
                &["credential-process", "--cache-refresh-margin", "43201"],
                "'--cache-refresh-margin <SECONDS>'",
                "sts-web-identity credential-process",
            ),
            (
                &["mock-server", "--port", "70000"],
                "70000",
                "sts-web-identity mock-server",
            ),
            (
                &["demo", "--transport", "x"],
                "'--transport <ENGINE>'",
                "sts-web-identity demo",
            ),
            (
                &["completions", "tcsh"],
                "[possible values: bash, elvish, fish, powershell, zsh]",
                "sts-web-identity completions",
            ),
        ];
        for (args, needle, command) in cases {
            match parse_from(args.iter().copied()) {
                Err(UsageError { message, command: c }) => {
                    assert!(message.contains(needle), "{args:?}: {message}");
                    assert_eq!(c, *command, "{args:?}");
                    assert!(
                        !message.starts_with("error:") && !message.contains("For more information"),
                        "{message}"
                    );
                }
                Ok(c) => panic!("{args:?} parsed as {c:?}"),
            }
        }
    }

    #[test]
    fn help_everywhere() {
        for args in [
            &["--help"][..],
            &["-h"],
            &["help"],
            &["help", "env"],
            &["env", "-h"],
            &["credential-process", "--help"],
            &["help", "credential-process"],
            &["mock-server", "--help"],
            &["demo", "-h"],
            &["completions", "--help"],
        ] {
            assert!(
                matches!(parse_from(args.iter().copied()), Ok(Command::Print(text)) if text.contains("Usage: sts-web-identity")),
                "{args:?}"
            );
        }
        assert!(matches!(
            parse_from(["-V"]),
            Ok(Command::Print(v)) if v == concat!("sts-web-identity ", env!("CARGO_PKG_VERSION"), "\n")
        ));
    }

    #[test]
    fn the_cache_options_belong_to_credential_process() {
        let Ok(Command::Fetch(Output::CredentialProcess, a)) = parse_from(["credential-process"]) else {
            panic!("did not parse");
        };
        assert!(!a.no_cache);
        assert_eq!(a.cache_refresh_margin, DEFAULT_REFRESH_MARGIN_SECS);
        let Ok(Command::Fetch(Output::CredentialProcess, a)) =
            parse_from(["credential-process", "--no-cache", "--cache-refresh-margin", "0"])
        else {
            panic!("did not parse");
        };
        assert!(a.no_cache);
        assert_eq!(a.cache_refresh_margin, 0);
        let Ok(Command::Fetch(Output::Env, a)) = parse_from(["env", "--format", "powershell"]) else {
            panic!("did not parse");
        };
        assert_eq!(a.env_format, EnvFormat::PowerShell);
        assert!(a.no_cache, "env never uses the cache");
    }

    #[test]
    fn the_clap_definition_is_consistent() {
        clap_command().debug_assert();
    }
}
