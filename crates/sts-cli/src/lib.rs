//! The `sts-web-identity` command line tool.
//!
//! `sts-web-identity` trades a web identity token (an OIDC JWT from
//! Kubernetes, GitHub Actions, a device's identity provider...) for temporary
//! AWS credentials with STS `AssumeRoleWithWebIdentity`, through the
//! workspace's own client ([`sts_client`]) and transports
//! ([`sts_transport`]).
//!
//! # Commands
//!
//! | command | what it does |
//! |---|---|
//! | `credential-process` | prints the JSON of AWS `credential_process` (`Version` 1, `AccessKeyId`, `SecretAccessKey`, `SessionToken`, `Expiration` in RFC 3339), so `credential_process = sts-web-identity credential-process ...` in `~/.aws/config` works for the AWS CLI and every SDK |
//! | `env` | prints `export AWS_ACCESS_KEY_ID=...` lines (and `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`, `AWS_CREDENTIAL_EXPIRATION`), single-quoted, for `eval "$(sts-web-identity env ...)"` |
//! | `mock-server [--port N] [--exchange FILE]` | a local STS on 127.0.0.1 ([`sts_mock`]): validates each request as STS would and generates credentials, or replays a recorded exchange |
//! | `demo` | starts the mock in-process on a free port, fetches credentials from it through the real client and transport, reports each step on stderr and prints the `credential_process` JSON |
//! | `completions SHELL` | prints the completion script of bash, zsh, fish, PowerShell or elvish |
//! | `help [COMMAND]` | prints the help of the tool or of a command (as `COMMAND --help`) |
//!
//! `credential-process` and `env` take `--role-arn`, `--token-file` (`-` for
//! standard input), `--session-name`, `--duration`, `--policy-file`,
//! `--policy-arn` (repeatable), `--provider-id`, `--region`, `--fips`,
//! `--dualstack`, `--endpoint URL`, `--profile`, `--max-attempts N`,
//! `--timeout SECONDS` (per attempt, default 10), `--transport std|embedded`
//! (ureq + rustls, or the embedded-tcp engine over a std TCP stream with
//! rustls for https), `-v` (one line per attempt on stderr: endpoint, status,
//! request id, delay before the next; never a token or a secret) and
//! `--dry-run` (prints `{"endpoint", "headers", "params"}` with the token
//! replaced by `<redacted N chars>`, sends nothing). Unset options fall back
//! to the environment, then the profile, as the AWS SDKs do
//! ([`sts_client::config`]).
//!
//! `credential-process` caches what it prints, one 0600 file per identity
//! (role, session name, endpoint, duration, policies, a digest of the token)
//! in `$XDG_CACHE_HOME/sts-web-identity/` (else `~/.cache/sts-web-identity/`),
//! and prints it again until `--cache-refresh-margin` seconds (default 300)
//! before it expires; `--no-cache` always calls STS. A cache file that is
//! corrupt, someone else's or not mode 0600 is ignored and replaced. `env`
//! does not use the cache. See the crate README for the rules.
//!
//! # Exit codes
//!
//! | code | meaning |
//! |---|---|
//! | 0 | success |
//! | 1 | anything else (the mock server cannot bind, stdout is closed) |
//! | 2 | usage or validation error, bad configuration (missing role ARN or region, unknown profile, unreadable token, `http://` to a host that is not loopback): nothing was sent |
//! | 3 | STS answered with an error: an error document or a bare HTTP error status, after retries |
//! | 4 | no usable answer: connect, timeout, reset, TLS, malformed or truncated response, after retries; also credentials STS sent already expired, or too large to hold (only an absurd answer: the session token may fill the whole 64 KiB body) |
//!
//! The message on stderr names the STS code, its message and the request id
//! where there is one: `sts-web-identity: STS returned InvalidIdentityToken
//! (HTTP 400): <message> [request id ...] after 1 attempt`.
//!
//! # The mock
//!
//! `mock-server` and `demo` run the mock STS of the `sts-mock` crate
//! ([`sts_mock`]), which the conformance suite and the tests also use to
//! replay recorded exchanges on 127.0.0.1.
//!
//! This library target holds only this documentation; the tool is the
//! `sts-web-identity` binary.
