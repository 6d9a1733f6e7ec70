//! The `sts-web-identity` binary, run as a user would, against the mock STS
//! on 127.0.0.1 (never real AWS: every fetch points at a mock, a closed
//! local port, or is a `--dry-run`). Each run has a cleared environment
//! (only `PATH`), so the developer's AWS configuration never leaks in.

// A std-only crate: the core/alloc import lints are for the no_std crates.
#![allow(clippy::std_instead_of_core, clippy::std_instead_of_alloc)]

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use serde_json::{Value, json};
use sts_codec::{AssumeRoleWithWebIdentityInput, Timestamp, encoded_len};
use sts_mock::{Answer, Exchange, MockConfig, MockServer, ReceivedRequest};

const BIN: &str = env!("CARGO_BIN_EXE_sts-web-identity");
const ROLE: &str = "arn:aws:iam::123456789012:role/cli-test";
const TRANSPORTS: [&str; 2] = ["std", "embedded"];

fn now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs() as i64
}

fn jwt(sub: &str) -> String {
    let b64 = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
    let claims = format!(
        r#"{{"sub":"{sub}","aud":"sts.amazonaws.com","iss":"https://issuer.example","exp":{}}}"#,
        now() + 3600
    );
    format!("{}.{}.{}", b64(r#"{"alg":"RS256"}"#), b64(&claims), b64("signature"))
}

/// A temporary directory with a token file in it.
struct Fixture {
    dir: tempfile::TempDir,
    token: String,
    token_file: PathBuf,
}

impl Fixture {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let token = jwt("device-42");
        let token_file = dir.path().join("token");
        // Token files usually end with a newline: it is trimmed.
        std::fs::write(&token_file, format!("{token}\n")).unwrap();
        Fixture { dir, token, token_file }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// `COMMAND --role-arn ROLE --token-file FILE --endpoint URL --retry-base-ms 1`.
    fn args(&self, command: &str, endpoint: &str) -> Vec<String> {
        let mut a: Vec<String> = vec![command.into(), "--role-arn".into(), ROLE.into(), "--token-file".into()];
        a.push(self.token_file.display().to_string());
        a.extend([
            "--endpoint".into(),
            endpoint.into(),
            "--retry-base-ms".into(),
            "1".into(),
        ]);
        a
    }
}

struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Out {
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| panic!("{e}: {}\n{}", self.stdout, self.stderr))
    }
}

/// The binary with an environment of only `PATH` and a working directory of
/// `cwd`.
fn bin(cwd: &Path) -> Command {
    let mut c = Command::new(BIN);
    c.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .current_dir(cwd)
        .stdin(Stdio::null());
    c
}

fn output(c: &mut Command) -> Out {
    let o = c.output().unwrap();
    Out {
        code: o.status.code().unwrap_or(-1),
        stdout: String::from_utf8(o.stdout).unwrap(),
        stderr: String::from_utf8(o.stderr).unwrap(),
    }
}

fn run<S: AsRef<std::ffi::OsStr>>(f: &Fixture, args: &[S], env: &[(&str, &str)]) -> Out {
    let mut c = bin(f.dir.path());
    c.args(args);
    for (k, v) in env {
        c.env(k, v);
    }
    output(&mut c)
}

fn generating() -> MockServer {
    MockServer::start("127.0.0.1:0".parse().unwrap(), MockConfig::default()).unwrap()
}

fn exchange(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../conformance/data/exchanges")
        .join(name)
}

fn replaying(answers: Vec<Answer>) -> MockServer {
    MockServer::start("127.0.0.1:0".parse().unwrap(), MockConfig::replay(answers)).unwrap()
}

fn replaying_exchange(name: &str) -> MockServer {
    replaying(Exchange::load(&exchange(name)).unwrap().answers)
}

fn param<'r>(params: &'r [(String, String)], name: &str) -> Option<&'r str> {
    params.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
}

/// A port on 127.0.0.1 that nothing listens on.
fn closed_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

fn rfc3339_seconds(v: &Value) -> i64 {
    sts_codec::time::parse_rfc3339(v.as_str().unwrap()).unwrap().seconds
}

/// A fixed success answer (the same credentials for every request), made by
/// the mock's own generator.
fn fixed_success() -> Answer {
    let body = format!(
        "Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn={}&RoleSessionName=fixed&WebIdentityToken={}",
        ROLE.replace(':', "%3A").replace('/', "%2F"),
        jwt("fixed")
    );
    let request = ReceivedRequest {
        method: "POST".into(),
        path: "/".into(),
        headers: Vec::new(),
        body: body.into_bytes(),
    };
    let answer = sts_mock::generate(&request, Timestamp::from_unix(now(), 0).unwrap(), None);
    assert_eq!(answer.status, 200, "{}", answer.body);
    answer
}

#[test]
fn credential_process_prints_version_1_json_on_both_transports() {
    let f = Fixture::new();
    for transport in TRANSPORTS {
        let server = generating();
        let mut args = f.args("credential-process", &server.url());
        args.extend(
            [
                "--duration",
                "900",
                "--session-name",
                "cli-test",
                "--transport",
                transport,
            ]
            .map(String::from),
        );
        let out = run(&f, &args, &[]);
        assert_eq!(out.code, 0, "{transport}: {}", out.stderr);
        let v = out.json();
        assert_eq!(v["Version"], 1, "{transport}");
        let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
        assert_eq!(keys.len(), 6, "{transport}: {keys:?}");
        assert_eq!(v["AccountId"], "123456789012", "{transport}");
        let akid = v["AccessKeyId"].as_str().unwrap();
        assert!(akid.starts_with("ASIA") && akid.len() == 20, "{akid}");
        assert_eq!(v["SecretAccessKey"].as_str().unwrap().len(), 40);
        assert!(v["SessionToken"].as_str().unwrap().len() > 100);
        let lifetime = rfc3339_seconds(&v["Expiration"]) - now();
        assert!(
            (890..=901).contains(&lifetime),
            "{transport}: Expiration {lifetime} s from now"
        );
        let seen = server.requests();
        assert_eq!(seen.len(), 1, "{transport}");
        let params = seen[0].params();
        assert_eq!(param(&params, "RoleArn"), Some(ROLE));
        assert_eq!(param(&params, "RoleSessionName"), Some("cli-test"));
        assert_eq!(param(&params, "DurationSeconds"), Some("900"));
        assert_eq!(param(&params, "WebIdentityToken"), Some(f.token.as_str()), "trimmed");
        assert!(out.stderr.is_empty(), "{transport}: quiet without -v: {}", out.stderr);
    }
}

#[test]
fn dry_run_headers_are_what_each_transport_sends() {
    let f = Fixture::new();
    for transport in TRANSPORTS {
        let server = generating();
        let mut args = f.args("credential-process", &server.url());
        args.extend(["--session-name", "same", "--transport", transport].map(String::from));
        let mut dry = args.clone();
        dry.push("--dry-run".into());
        let planned = run(&f, &dry, &[]).json();
        assert_eq!(server.requests().len(), 0, "a dry run sends nothing");
        assert_eq!(run(&f, &args, &[]).code, 0);
        let sent = &server.requests()[0];
        let planned: Vec<(String, String)> = planned["headers"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.to_ascii_lowercase(), v.as_str().unwrap().to_owned()))
            .collect();
        for (name, value) in &planned {
            assert_eq!(sent.header(name), Some(value.as_str()), "{transport}: {name}");
        }
        // What an engine adds of its own is framing, of no interest to STS.
        for (name, value) in &sent.headers {
            let framing = matches!(
                (name.as_str(), value.as_str()),
                ("connection", "close") | ("accept", "*/*")
            );
            assert!(
                planned.iter().any(|(n, _)| n == name) || framing,
                "{transport} sent {name}, not in the dry run"
            );
        }
    }
}

#[test]
fn env_output_evaluates_to_the_same_credentials_as_the_json() {
    let f = Fixture::new();
    let server = replaying(vec![fixed_success()]);
    let json = run(&f, &f.args("credential-process", &server.url()), &[]);
    assert_eq!(json.code, 0, "{}", json.stderr);
    let v = json.json();
    // As a user would: eval "$(sts-web-identity env ...)".
    let mut c = Command::new("bash");
    c.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .current_dir(f.dir.path())
        .arg("-c")
        .arg(r#"eval "$("$@")" && printf '%s\n' "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY" "$AWS_SESSION_TOKEN" "$AWS_CREDENTIAL_EXPIRATION""#)
        .arg("bash")
        .arg(BIN)
        .args(f.args("env", &server.url()));
    let out = output(&mut c);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(
        lines,
        [
            v["AccessKeyId"].as_str().unwrap(),
            v["SecretAccessKey"].as_str().unwrap(),
            v["SessionToken"].as_str().unwrap(),
            v["Expiration"].as_str().unwrap(),
        ]
    );
    assert_eq!(server.requests().len(), 2);
}

#[test]
fn env_quoting_survives_hostile_values() {
    let f = Fixture::new();
    let expiration = Timestamp::from_unix(now() + 3600, 0).unwrap().rfc3339().unwrap();
    let secret = r#"it's $(touch PWNED) "q" \ `x` & done"#;
    let body = format!(
        "<AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult><Credentials>\
         <AccessKeyId>ASIAEXAMPLEEXAMPLE01</AccessKeyId><SecretAccessKey>{}</SecretAccessKey>\
         <SessionToken>tok'en;rm -rf x</SessionToken><Expiration>{}</Expiration></Credentials>\
         </AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>",
        secret.replace('&', "&amp;"),
        expiration.as_str()
    );
    let server = replaying(vec![Answer {
        status: 200,
        headers: Default::default(),
        body,
    }]);
    let env = run(&f, &f.args("env", &server.url()), &[]);
    assert_eq!(env.code, 0, "{}", env.stderr);
    let mut c = Command::new("bash");
    c.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .current_dir(f.dir.path())
        .arg("-c")
        .arg(format!(
            "{}\nprintf '%s\\n' \"$AWS_SECRET_ACCESS_KEY\" \"$AWS_SESSION_TOKEN\"",
            env.stdout
        ));
    let out = output(&mut c);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout, format!("{secret}\ntok'en;rm -rf x\n"));
    assert!(!f.path("PWNED").exists(), "a value was executed");
}

#[test]
fn dry_run_json_is_exact_and_the_token_never_shows() {
    let f = Fixture::new();
    std::fs::write(f.path("policy.json"), "{\"Version\":\"2012-10-17\"}\n").unwrap();
    let policy_file = f.path("policy.json").display().to_string();
    let token_file = f.token_file.display().to_string();
    let mock = generating();
    let mock_url = mock.url();
    let mock_host = mock.addr().to_string();
    let cases: Vec<(&str, Vec<&str>, String, String)> = vec![
        (
            "region",
            vec!["--region", "eu-west-1"],
            "https://sts.eu-west-1.amazonaws.com/".into(),
            "sts.eu-west-1.amazonaws.com".into(),
        ),
        (
            "fips",
            vec!["--region", "us-east-1", "--fips"],
            "https://sts-fips.us-east-1.amazonaws.com/".into(),
            "sts-fips.us-east-1.amazonaws.com".into(),
        ),
        (
            "dualstack",
            vec!["--region", "eu-west-1", "--dualstack"],
            "https://sts.eu-west-1.api.aws/".into(),
            "sts.eu-west-1.api.aws".into(),
        ),
        ("endpoint", vec!["--endpoint", &mock_url], mock_url.clone(), mock_host),
    ];
    let arns = [
        "arn:aws:iam::aws:policy/ReadOnlyAccess",
        "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",
    ];
    for (name, extra, endpoint, host) in cases {
        let mut args = vec![
            "env",
            "--dry-run",
            "--role-arn",
            ROLE,
            "--token-file",
            &token_file,
            "--session-name",
            "dry-session",
            "--duration",
            "3600",
            "--policy-arn",
            arns[0],
            "--policy-arn",
            arns[1],
            "--policy-file",
            &policy_file,
            "--provider-id",
            "www.amazon.com",
        ];
        args.extend(extra);
        let out = run(&f, &args, &[]);
        assert_eq!(out.code, 0, "{name}: {}", out.stderr);
        let input = AssumeRoleWithWebIdentityInput::new(ROLE, "dry-session", &f.token)
            .with_duration_seconds(3600)
            .with_policy_arns(&arns)
            .with_policy("{\"Version\":\"2012-10-17\"}\n")
            .with_provider_id("www.amazon.com");
        let expected = json!({
            "endpoint": endpoint,
            "headers": {
                "Host": host,
                "Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
                "Content-Length": encoded_len(&input).to_string(),
                "User-Agent": sts_transport::h1::DEFAULT_USER_AGENT,
                "Accept-Encoding": "identity",
            },
            "params": [
                ["Action", "AssumeRoleWithWebIdentity"],
                ["Version", "2011-06-15"],
                ["RoleArn", ROLE],
                ["RoleSessionName", "dry-session"],
                ["WebIdentityToken", format!("<redacted {} chars>", f.token.chars().count())],
                ["ProviderId", "www.amazon.com"],
                ["PolicyArns.member.1.arn", arns[0]],
                ["PolicyArns.member.2.arn", arns[1]],
                ["Policy", "{\"Version\":\"2012-10-17\"}\n"],
                ["DurationSeconds", "3600"],
            ],
        });
        assert_eq!(out.json(), expected, "{name}");
        // Headers in the order they go on the wire.
        let names: Vec<&str> = out
            .stdout
            .lines()
            .filter_map(|l| l.trim().strip_prefix('"')?.split_once("\": \"").map(|(n, _)| n))
            .collect();
        assert_eq!(
            names,
            [
                "endpoint",
                "Host",
                "Content-Type",
                "Content-Length",
                "User-Agent",
                "Accept-Encoding"
            ],
            "{name}"
        );
        assert!(
            !out.stdout.contains(&f.token) && !out.stderr.contains(&f.token),
            "{name}"
        );
    }
    assert_eq!(mock.requests().len(), 0, "a dry run touches no network");
}

#[test]
fn usage_errors_exit_2() {
    let f = Fixture::new();
    let token_file = f.token_file.display().to_string();
    let cases: Vec<(&str, Vec<&str>, &str)> = vec![
        ("no command", vec![], "a command is required"),
        ("unknown command", vec!["fetch"], "unrecognized subcommand 'fetch'"),
        ("unknown option", vec!["env", "--rolearn", ROLE], "--rolearn"),
        (
            "bad number",
            vec!["env", "--duration", "1h"],
            "invalid value '1h' for '--duration <SECONDS>'",
        ),
        (
            "bad transport",
            vec!["env", "--transport", "curl"],
            "[possible values: std, embedded]",
        ),
        ("zero attempts", vec!["env", "--max-attempts", "0"], "at least 1"),
        (
            "no role",
            vec!["env", "--dry-run", "--token-file", &token_file, "--region", "eu-west-1"],
            "role ARN",
        ),
        (
            "no token file",
            vec!["env", "--dry-run", "--role-arn", ROLE, "--region", "eu-west-1"],
            "token file",
        ),
        (
            "token file missing",
            vec![
                "env",
                "--role-arn",
                ROLE,
                "--token-file",
                "/nonexistent/token",
                "--region",
                "eu-west-1",
            ],
            "web identity token file not found: No such file or directory (os error 2) (/nonexistent/token)",
        ),
        (
            "no region",
            vec!["env", "--dry-run", "--role-arn", ROLE, "--token-file", &token_file],
            "region: pass --region, set AWS_REGION or AWS_DEFAULT_REGION",
        ),
        (
            "nothing configured: every missing setting at once",
            vec!["credential-process", "--dry-run"],
            "missing configuration:\n  role ARN: pass --role-arn, set AWS_ROLE_ARN, or put role_arn in the profile\n  \
             web identity token file: pass --token-file, set AWS_WEB_IDENTITY_TOKEN_FILE, or put \
             web_identity_token_file in the profile\n  \
             region: pass --region, set AWS_REGION or AWS_DEFAULT_REGION, or put region in the profile\n",
        ),
        (
            "fips with endpoint",
            vec![
                "env",
                "--dry-run",
                "--role-arn",
                ROLE,
                "--token-file",
                &token_file,
                "--endpoint",
                "https://sts.example.com",
                "--fips",
            ],
            "FIPS and custom endpoint",
        ),
        (
            "plain http off loopback",
            vec![
                "credential-process",
                "--role-arn",
                ROLE,
                "--token-file",
                &token_file,
                "--endpoint",
                "http://sts.example.com",
            ],
            "http:// is only allowed to loopback hosts",
        ),
        (
            "missing policy file",
            vec![
                "env",
                "--dry-run",
                "--role-arn",
                ROLE,
                "--token-file",
                &token_file,
                "--region",
                "eu-west-1",
                "--policy-file",
                "/nonexistent/policy.json",
            ],
            "policy file",
        ),
        (
            "missing profile",
            vec![
                "env",
                "--dry-run",
                "--profile",
                "nope",
                "--role-arn",
                ROLE,
                "--token-file",
                &token_file,
            ],
            "profile \"nope\" not found",
        ),
    ];
    for (name, args, needle) in cases {
        let out = run(&f, &args, &[]);
        assert_eq!(out.code, 2, "{name}: {}", out.stderr);
        assert!(out.stderr.contains(needle), "{name}: {}", out.stderr);
        assert!(out.stdout.is_empty(), "{name}");
    }
}

#[test]
fn validation_errors_exit_2_naming_every_member_and_send_nothing() {
    let f = Fixture::new();
    let server = generating();
    for dry_run in [true, false] {
        let mut args = vec![
            "credential-process".to_owned(),
            "--role-arn".into(),
            "arn:short".into(),
            "--token-file".into(),
            f.token_file.display().to_string(),
            "--endpoint".into(),
            server.url(),
            "--session-name".into(),
            "a".into(),
            "--duration".into(),
            "60".into(),
            "--policy-arn".into(),
            "arn:too-short".into(),
        ];
        if dry_run {
            args.push("--dry-run".into());
        }
        let out = run(&f, &args, &[]);
        assert_eq!(out.code, 2, "dry run {dry_run}: {}", out.stderr);
        for member in [
            "RoleArn",
            "RoleSessionName",
            "DurationSeconds",
            "PolicyArns.member.1.arn",
        ] {
            assert!(
                out.stderr.contains(member),
                "dry run {dry_run}: {member} in {}",
                out.stderr
            );
        }
        assert!(!out.stderr.contains(&f.token));
    }
    assert_eq!(server.requests().len(), 0);
}

#[test]
fn an_sts_error_document_exits_3_with_code_message_and_request_id() {
    let f = Fixture::new();
    let server = replaying_exchange("invalid-jwt-not-retried.json");
    let out = run(&f, &f.args("credential-process", &server.url()), &[]);
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert_eq!(
        out.stderr,
        "sts-web-identity: STS returned InvalidIdentityToken (HTTP 400): No OpenIDConnect provider found in your \
         account for https://s3-us-west-2.amazonaws.com/oidc-test-tzzotbwmznwimurcbkebndpxaimixbkc \
         [request id 5045ca91-d123-4749-9d66-00a3c906be6c] after 1 attempt\n"
    );
    assert!(out.stdout.is_empty());
    assert_eq!(server.requests().len(), 1, "InvalidIdentityToken is not retried");
}

#[test]
fn throttling_exits_3_after_exactly_max_attempts() {
    let f = Fixture::new();
    // The flag, then the environment variable.
    type Case<'a> = (&'a [&'a str], &'a [(&'a str, &'a str)], usize);
    let cases: [Case<'_>; 3] = [
        (&["--max-attempts", "2"], &[], 2),
        (&[], &[("AWS_MAX_ATTEMPTS", "2")], 2),
        (&["--max-attempts", "1"], &[("AWS_MAX_ATTEMPTS", "4")], 1),
    ];
    for (flags, env, attempts) in cases {
        let server = replaying_exchange("throttling-until-attempts-run-out.json");
        let mut args = f.args("env", &server.url());
        args.extend(flags.iter().map(|s| s.to_string()));
        let out = run(&f, &args, env);
        assert_eq!(out.code, 3, "{flags:?} {env:?}: {}", out.stderr);
        assert!(
            out.stderr.contains(
                "STS returned Throttling (HTTP 400): Rate exceeded [request id f9dc6495-9462-47ce-8b0e-b385f24ee61c]"
            ),
            "{}",
            out.stderr
        );
        let suffix = if attempts == 1 {
            " after 1 attempt\n".to_owned()
        } else {
            format!(" after {attempts} attempts\n")
        };
        assert!(out.stderr.ends_with(&suffix), "{}", out.stderr);
        assert_eq!(server.requests().len(), attempts, "{flags:?} {env:?}");
    }
}

#[test]
fn a_bare_http_500_exits_3_after_retries() {
    let f = Fixture::new();
    let server = replaying_exchange("html-500-retried-then-surfaced.json");
    let out = run(&f, &f.args("credential-process", &server.url()), &[]);
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert_eq!(
        out.stderr,
        "sts-web-identity: HTTP status 500 without an STS error document after 3 attempts\n"
    );
    assert_eq!(server.requests().len(), 3);
}

#[test]
fn a_closed_port_exits_4_on_both_transports() {
    let f = Fixture::new();
    let url = format!("http://127.0.0.1:{}", closed_port());
    for transport in TRANSPORTS {
        let mut args = f.args("credential-process", &url);
        args.extend(["--max-attempts", "2", "--transport", transport].map(String::from));
        let out = run(&f, &args, &[]);
        assert_eq!(out.code, 4, "{transport}: {}", out.stderr);
        assert_eq!(
            out.stderr,
            format!("sts-web-identity: transport error: could not connect to the server ({url}/) after 2 attempts\n"),
            "{transport}"
        );
    }
}

#[test]
fn a_silent_server_times_out_per_attempt_and_exits_4() {
    let f = Fixture::new();
    // Accepts connections (the backlog) and never answers.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    for transport in TRANSPORTS {
        let mut args = f.args("env", &url);
        args.extend(["--max-attempts", "2", "--timeout", "0.3", "--transport", transport].map(String::from));
        let started = std::time::Instant::now();
        let out = run(&f, &args, &[]);
        assert_eq!(out.code, 4, "{transport}: {}", out.stderr);
        assert!(out.stderr.contains("timed out"), "{transport}: {}", out.stderr);
        assert!(
            out.stderr.ends_with("after 2 attempts\n"),
            "{transport}: {}",
            out.stderr
        );
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{transport}: {:?}",
            started.elapsed()
        );
    }
    drop(listener);
}

#[test]
fn a_malformed_200_repeated_exits_4() {
    let f = Fixture::new();
    let truncated = Exchange::load(&exchange("truncated-200-retried-then-success.json"))
        .unwrap()
        .answers
        .remove(0);
    for transport in TRANSPORTS {
        let server = replaying(vec![truncated.clone()]);
        let mut args = f.args("credential-process", &server.url());
        args.extend(["--max-attempts", "2", "--transport", transport].map(String::from));
        let out = run(&f, &args, &[]);
        assert_eq!(out.code, 4, "{transport}: {}", out.stderr);
        assert!(
            out.stderr.starts_with("sts-web-identity: malformed STS response"),
            "{}",
            out.stderr
        );
        assert!(out.stderr.ends_with("after 2 attempts\n"), "{}", out.stderr);
        assert_eq!(server.requests().len(), 2);
    }
}

#[test]
fn a_truncated_200_then_success_succeeds() {
    let f = Fixture::new();
    let mut answers = Exchange::load(&exchange("truncated-200-retried-then-success.json"))
        .unwrap()
        .answers;
    // The recorded Expiration is in 2020: give the success a matching Date so
    // the credentials are not expired on arrival.
    answers[1]
        .headers
        .insert("Date".into(), "Tue, 25 Feb 2020 05:03:31 GMT".into());
    let server = replaying(answers);
    let out = run(&f, &f.args("credential-process", &server.url()), &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.json()["AccessKeyId"], "SuccessfulAccessKey");
    // One hour after that Date, counted from now on this machine's clock.
    let lifetime = rfc3339_seconds(&out.json()["Expiration"]) - now();
    assert!((3590..=3600).contains(&lifetime), "{lifetime}");
    assert_eq!(server.requests().len(), 2);
}

#[test]
fn verbose_lines_show_each_attempt_and_never_a_secret() {
    let f = Fixture::new();
    let server = replaying_exchange("throttling-until-attempts-run-out.json");
    let mut args = f.args("credential-process", &server.url());
    args.extend(["-v", "--max-attempts", "2"].map(String::from));
    let out = run(&f, &args, &[]);
    assert_eq!(out.code, 3);
    let lines: Vec<&str> = out.stderr.lines().collect();
    assert_eq!(lines.len(), 3, "{}", out.stderr);
    let url = server.url();
    for (i, line) in lines[..2].iter().enumerate() {
        let start = format!(
            "sts-web-identity: attempt {}/2 POST {url}: HTTP 400, request id f9dc6495-9462-47ce-8b0e-b385f24ee61c, \
             Throttling: Rate exceeded; ",
            i + 1
        );
        assert!(line.starts_with(&start), "{line}");
    }
    assert!(
        lines[0].contains("; retrying in ") && lines[0].ends_with(" ms"),
        "{}",
        lines[0]
    );
    assert!(lines[1].ends_with("; giving up"), "{}", lines[1]);
    assert!(!out.stderr.contains(&f.token));

    // A success: the line has the status and request id; neither the token
    // nor any credential secret is on stderr.
    for transport in TRANSPORTS {
        let server = generating();
        let mut args = f.args("credential-process", &server.url());
        args.extend(["-v", "--transport", transport].map(String::from));
        let out = run(&f, &args, &[]);
        assert_eq!(out.code, 0, "{}", out.stderr);
        let v = out.json();
        assert!(
            out.stderr.starts_with(&format!(
                "sts-web-identity: attempt 1/3 POST {}: HTTP 200, request id ",
                server.url()
            )),
            "{}",
            out.stderr
        );
        assert!(out.stderr.contains("credentials expire at "), "{}", out.stderr);
        for secret in [
            f.token.as_str(),
            v["SecretAccessKey"].as_str().unwrap(),
            v["SessionToken"].as_str().unwrap(),
        ] {
            assert!(!out.stderr.contains(secret), "{transport}: a secret on stderr");
        }
    }
}

#[test]
fn the_environment_fills_unset_options() {
    let f = Fixture::new();
    let server = generating();
    let token_file = f.token_file.display().to_string();
    let url = server.url();
    let env = [
        ("AWS_ROLE_ARN", ROLE),
        ("AWS_WEB_IDENTITY_TOKEN_FILE", token_file.as_str()),
        ("AWS_ROLE_SESSION_NAME", "from-env"),
        ("AWS_ENDPOINT_URL_STS", url.as_str()),
    ];
    let out = run(&f, &["credential-process"], &env);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.json()["Version"], 1);
    let params = server.requests()[0].params();
    assert_eq!(param(&params, "RoleArn"), Some(ROLE));
    assert_eq!(param(&params, "RoleSessionName"), Some("from-env"));
    assert_eq!(param(&params, "WebIdentityToken"), Some(f.token.as_str()));
    // Without a session name anywhere, one is generated per fetch.
    let out = run(
        &f,
        &["credential-process"],
        &env[..2].iter().chain(&env[3..]).copied().collect::<Vec<_>>(),
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let params = server.requests()[1].params();
    let name = param(&params, "RoleSessionName").unwrap();
    assert!(name.starts_with("sts-web-identity-") && name.len() == 33, "{name}");
}

/// The profiles the SDKs would refuse are refused, with the reason (a
/// profile that chains through `source_profile` is followed: see
/// tests/chain.rs).
#[test]
fn chained_and_broken_profiles_are_refused_with_the_reason() {
    let f = Fixture::new();
    let config = f.path("config");
    std::fs::write(
        &config,
        format!(
            "[profile base]\nregion = eu-west-1\nrole_arn = arn:aws:iam::111111111111:role/device\n\
             web_identity_token_file = {}\n\n[profile target]\nrole_arn = arn:aws:iam::222222222222:role/reader\n\
             source_profile = base\n\n[profile loop]\nrole_arn = arn:aws:iam::1:role/l\nsource_profile = loop\n\n\
             [profile mfa]\nrole_arn = arn:aws:iam::1:role/m\nsource_profile = base\nmfa_serial = arn:aws:iam::1:mfa/me\n",
            f.token_file.display()
        ),
    )
    .unwrap();
    let config = config.display().to_string();
    // (`target` chains: tests/chain.rs.)
    for (profile, expected) in [
        ("loop", "a cycle: loop -> loop"),
        ("mfa", "profile \"mfa\" has mfa_serial"),
    ] {
        for command in ["credential-process", "env"] {
            let out = run(
                &f,
                &[command, "--profile", profile, "--dry-run"],
                &[("AWS_CONFIG_FILE", &config)],
            );
            assert_eq!(out.code, 2, "{profile} {command}: {}", out.stderr);
            assert!(out.stderr.contains(expected), "{profile}: {}", out.stderr);
            assert!(out.stdout.is_empty());
        }
    }
}

#[test]
fn precedence_is_flags_then_environment_then_profile() {
    let f = Fixture::new();
    let other_token = f.path("other-token");
    std::fs::write(&other_token, "x.y.z-from-profile").unwrap();
    let config = f.path("config");
    std::fs::write(
        &config,
        format!(
            "[default]\nregion = us-west-2\nrole_arn = arn:aws:iam::123456789012:role/default-profile\n\
             web_identity_token_file = {}\n\n[profile dev]\nregion = eu-central-1\n\
             role_arn = arn:aws:iam::123456789012:role/dev-profile\nrole_session_name = dev-session\n\
             web_identity_token_file = {}\n",
            other_token.display(),
            f.token_file.display()
        ),
    )
    .unwrap();
    let config = config.display().to_string();
    let dry = |args: &[&str], env: &[(&str, &str)]| {
        let mut all = vec!["env", "--dry-run"];
        all.extend(args);
        let mut env = env.to_vec();
        env.push(("AWS_CONFIG_FILE", &config));
        let out = run(&f, &all, &env);
        assert_eq!(out.code, 0, "{args:?} {env:?}: {}", out.stderr);
        let v = out.json();
        let params: Vec<(String, String)> = v["params"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| (p[0].as_str().unwrap().to_owned(), p[1].as_str().unwrap().to_owned()))
            .collect();
        let get = |n: &str| param(&params, n).unwrap_or("").to_owned();
        (
            v["endpoint"].as_str().unwrap().to_owned(),
            get("RoleArn"),
            get("RoleSessionName"),
            get("WebIdentityToken"),
        )
    };
    let redacted = |t: &str| format!("<redacted {} chars>", t.chars().count());
    // The default profile.
    let (endpoint, role, _, token) = dry(&[], &[]);
    assert_eq!(endpoint, "https://sts.us-west-2.amazonaws.com/");
    assert_eq!(role, "arn:aws:iam::123456789012:role/default-profile");
    assert_eq!(token, redacted("x.y.z-from-profile"));
    // A named profile, by flag and by AWS_PROFILE.
    for (args, env) in [
        (&["--profile", "dev"][..], &[][..]),
        (&[], &[("AWS_PROFILE", "dev")][..]),
    ] {
        let (endpoint, role, session, token) = dry(args, env);
        assert_eq!(endpoint, "https://sts.eu-central-1.amazonaws.com/");
        assert_eq!(role, "arn:aws:iam::123456789012:role/dev-profile");
        assert_eq!(session, "dev-session");
        assert_eq!(token, redacted(&f.token));
    }
    // The environment over the profile.
    let env_role = "arn:aws:iam::123456789012:role/from-env";
    let (endpoint, role, session, _) = dry(
        &["--profile", "dev"],
        &[
            ("AWS_ROLE_ARN", env_role),
            ("AWS_REGION", "ap-south-1"),
            ("AWS_ROLE_SESSION_NAME", "env-session"),
        ],
    );
    assert_eq!(endpoint, "https://sts.ap-south-1.amazonaws.com/");
    assert_eq!((role.as_str(), session.as_str()), (env_role, "env-session"));
    // Flags over both.
    let (endpoint, role, session, token) = dry(
        &[
            "--profile",
            "dev",
            "--role-arn",
            ROLE,
            "--region",
            "sa-east-1",
            "--session-name",
            "flag-session",
            "--token-file",
            other_token.to_str().unwrap(),
        ],
        &[
            ("AWS_ROLE_ARN", env_role),
            ("AWS_REGION", "ap-south-1"),
            ("AWS_ROLE_SESSION_NAME", "env-session"),
        ],
    );
    assert_eq!(endpoint, "https://sts.sa-east-1.amazonaws.com/");
    assert_eq!((role.as_str(), session.as_str()), (ROLE, "flag-session"));
    assert_eq!(token, redacted("x.y.z-from-profile"));
    // AWS_ENDPOINT_URL_STS over AWS_ENDPOINT_URL over the region; the flag over both.
    let (endpoint, ..) = dry(
        &[],
        &[
            ("AWS_ENDPOINT_URL", "https://generic.example"),
            ("AWS_ENDPOINT_URL_STS", "https://sts.example"),
        ],
    );
    assert_eq!(endpoint, "https://sts.example/");
    let (endpoint, ..) = dry(
        &["--endpoint", "https://flag.example/sts"],
        &[("AWS_ENDPOINT_URL_STS", "https://sts.example")],
    );
    assert_eq!(endpoint, "https://flag.example/sts");
    let (endpoint, ..) = dry(&[], &[("AWS_USE_FIPS_ENDPOINT", "true")]);
    assert_eq!(endpoint, "https://sts-fips.us-west-2.amazonaws.com/");
}

#[test]
fn the_token_can_come_from_standard_input() {
    let f = Fixture::new();
    let server = generating();
    let mut args = f.args("credential-process", &server.url());
    args[4] = "-".into();
    for dry_run in [true, false] {
        let mut args = args.clone();
        if dry_run {
            args.push("--dry-run".into());
        }
        let mut child = bin(f.dir.path())
            .args(&args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(format!("{}\r\n\n", f.token).as_bytes())
            .unwrap();
        let o = child.wait_with_output().unwrap();
        let stdout = String::from_utf8(o.stdout).unwrap();
        assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
        if dry_run {
            assert!(
                stdout.contains(&format!("<redacted {} chars>", f.token.len())),
                "{stdout}"
            );
        }
    }
    let params = server.requests()[0].params();
    assert_eq!(param(&params, "WebIdentityToken"), Some(f.token.as_str()));
    // An empty standard input is a usage error.
    let out = run(&f, &args, &[]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("web identity token is empty (standard input)"),
        "{}",
        out.stderr
    );
}

#[test]
fn demo_exits_0_and_prints_credential_process_json() {
    let f = Fixture::new();
    for transport in TRANSPORTS {
        let out = run(&f, &["demo", "--transport", transport], &[]);
        assert_eq!(out.code, 0, "{transport}: {}", out.stderr);
        let v = out.json();
        assert_eq!(v["Version"], 1);
        assert!(v["AccessKeyId"].as_str().unwrap().starts_with("ASIA"));
        let lifetime = rfc3339_seconds(&v["Expiration"]) - now();
        assert!((890..=901).contains(&lifetime), "{lifetime}");
        assert!(out.stderr.contains("HTTP 200"), "{}", out.stderr);
        assert!(
            out.stderr.contains(&format!("over the {transport} transport")),
            "{}",
            out.stderr
        );
        assert!(!out.stderr.contains(v["SecretAccessKey"].as_str().unwrap()));
    }
}

/// `mock-server` in the background: killed (and reaped) on drop.
struct Serving(Child, String);

impl Serving {
    fn start(f: &Fixture, args: &[&str]) -> Self {
        let mut child = bin(f.dir.path())
            .arg("mock-server")
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let url = line
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("{line:?}"))
            .trim_end()
            .to_owned();
        Serving(child, url)
    }
}

impl Drop for Serving {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn mock_server_command_generates_or_replays() {
    let f = Fixture::new();
    let serving = Serving::start(&f, &[]);
    assert!(
        serving.1.starts_with("http://127.0.0.1:") && serving.1.ends_with('/'),
        "{}",
        serving.1
    );
    let out = run(&f, &f.args("credential-process", &serving.1), &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.json()["Version"], 1);
    drop(serving);

    let port = closed_port().to_string();
    let file = exchange("invalid-jwt-not-retried.json").display().to_string();
    let serving = Serving::start(&f, &["--port", &port, "--exchange", &file]);
    assert_eq!(serving.1, format!("http://127.0.0.1:{port}/"));
    let out = run(&f, &f.args("credential-process", &serving.1), &[]);
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(out.stderr.contains("InvalidIdentityToken"), "{}", out.stderr);
    drop(serving);

    let out = run(&f, &["mock-server", "--exchange", "/nonexistent.json"], &[]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("could not load the exchange /nonexistent.json"),
        "{}",
        out.stderr
    );
}

#[test]
fn help_documents_every_option_and_version_prints() {
    let f = Fixture::new();
    let out = run(&f, &["--version"], &[]);
    assert_eq!(
        (out.code, out.stdout.as_str()),
        (0, concat!("sts-web-identity ", env!("CARGO_PKG_VERSION"), "\n"))
    );
    let out = run(&f, &["--help"], &[]);
    assert_eq!(out.code, 0);
    for command in ["credential-process", "env", "mock-server", "demo"] {
        assert!(out.stdout.contains(command), "{command}");
    }
    for command in ["credential-process", "env"] {
        let out = run(&f, &[command, "--help"], &[]);
        assert_eq!(out.code, 0);
        for option in [
            "--role-arn",
            "--token-file",
            "--session-name",
            "--duration",
            "--policy-file",
            "--policy-arn",
            "--provider-id",
            "--region",
            "--fips",
            "--dualstack",
            "--endpoint",
            "--profile",
            "--max-attempts",
            "--timeout",
            "--transport",
            "--verbose",
            "--dry-run",
        ] {
            assert!(out.stdout.contains(option), "{command} --help lacks {option}");
        }
    }
    let out = run(&f, &["mock-server", "--help"], &[]);
    assert!(out.stdout.contains("--port") && out.stdout.contains("--exchange"));
}

/// Text the server sends cannot forge output: an error message with a line
/// feed (`&#10;`), a carriage return, NEL, the line separator and a bidi
/// override, a code with a tab and a request id header with a bidi override
/// are printed escaped, one line per attempt, in `-v`
/// lines and in the final message alike.
#[test]
fn server_text_cannot_forge_a_line() {
    let f = Fixture::new();
    let body = "<ErrorResponse><Error><Type>Sender</Type><Code>Access&#9;Denied</Code>\
                <Message>no&#10;sts-web-identity: attempt 9/9 forged&#13;\u{85}x\u{2028}y\u{202e}z\\</Message>\
                </Error></ErrorResponse>";
    let mut headers = std::collections::BTreeMap::new();
    headers.insert("x-amzn-requestid".to_string(), "id\u{202e}1".to_string());
    let server = replaying(vec![Answer {
        status: 403,
        headers,
        body: body.to_string(),
    }]);
    let mut args = f.args("credential-process", &server.url());
    args.push("-v".into());
    let out = run(&f, &args, &[]);
    assert_eq!(out.code, 3, "{}", out.stderr);
    let lines: Vec<&str> = out.stderr.lines().collect();
    assert_eq!(lines.len(), 2, "one -v line and the final message: {}", out.stderr);
    let escaped = "no\\u{000a}sts-web-identity: attempt 9/9 forged\\u{000d}\\u{0085}x\\u{2028}y\\u{202e}z\\\\";
    for line in &lines {
        assert!(line.contains("Access\\u{0009}Denied"), "{line}");
        assert!(line.contains("id\\u{202e}1"), "{line}");
        assert!(line.contains(escaped), "{line}");
        assert!(
            !line
                .chars()
                .any(|c| c.is_control() || matches!(c, '\u{2028}' | '\u{202e}')),
            "{line:?}"
        );
    }
    assert!(lines[1].ends_with("] after 1 attempt"), "{}", lines[1]);
}

/// Every file the CLI reads is read with a limit: a policy file that never
/// ends (`/dev/zero`) is refused with a clear error, not read into memory.
#[test]
fn an_endless_policy_file_is_refused() {
    let f = Fixture::new();
    let mut args = f.args("credential-process", "http://127.0.0.1:9/");
    args.extend(["--policy-file", "/dev/zero", "--dry-run"].map(String::from));
    let out = run(&f, &args, &[]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert_eq!(
        out.stderr,
        "sts-web-identity: could not read the policy file /dev/zero: larger than 65536 bytes\n"
    );
}

/// `Expiration` in the JSON and in `env` is on this machine's clock: a
/// server whose `Date` is two hours behind grants one hour, and the output
/// says one hour from now (not an hour ago, which an SDK would take as
/// expired). The JSON names the role's account.
#[test]
fn expiration_is_on_the_local_clock_and_the_account_is_named() {
    let f = Fixture::new();
    let server_now = now() - 7200;
    let expiration = Timestamp::from_unix(server_now + 3600, 0).unwrap().rfc3339().unwrap();
    let body = format!(
        "<AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult><Credentials>\
         <AccessKeyId>ASIAEXAMPLEEXAMPLE01</AccessKeyId><SecretAccessKey>secret</SecretAccessKey>\
         <SessionToken>token</SessionToken><Expiration>{}</Expiration></Credentials>\
         </AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>",
        expiration.as_str()
    );
    let mut headers = std::collections::BTreeMap::new();
    let date = sts_transport::date::format_imf_fixdate(server_now).unwrap();
    headers.insert("Date".to_string(), date.as_str().to_string());
    let answer = Answer {
        status: 200,
        headers,
        body,
    };
    let server = replaying(vec![answer]);
    let out = run(&f, &f.args("credential-process", &server.url()), &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let v = out.json();
    let lifetime = rfc3339_seconds(&v["Expiration"]) - now();
    assert!((3590..=3600).contains(&lifetime), "Expiration {lifetime} s from now");
    assert_eq!(v["AccountId"], "123456789012");
    let env = run(&f, &f.args("env", &server.url()), &[]);
    assert_eq!(env.code, 0, "{}", env.stderr);
    let line = env
        .stdout
        .lines()
        .find(|l| l.starts_with("export AWS_CREDENTIAL_EXPIRATION="))
        .unwrap();
    let value = line
        .trim_start_matches("export AWS_CREDENTIAL_EXPIRATION=")
        .trim_matches('\'');
    let lifetime = sts_codec::time::parse_rfc3339(value).unwrap().seconds - now();
    assert!((3590..=3600).contains(&lifetime), "env: {lifetime} s from now");
}

/// `env --format` writes the same variables for fish, PowerShell or as
/// JSON; an unknown format, or `--format` on `credential-process`, is a
/// usage error naming it.
#[test]
fn env_formats_carry_the_same_credentials() {
    let f = Fixture::new();
    let server = replaying(vec![fixed_success()]);
    let mut args = f.args("env", &server.url());
    args.extend(["--format", "json"].map(String::from));
    let out = run(&f, &args, &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
    assert_eq!(keys.len(), 4, "{keys:?}");
    let akid = v["AWS_ACCESS_KEY_ID"].as_str().unwrap().to_owned();
    for (format, prefix) in [
        ("fish", format!("set -gx AWS_ACCESS_KEY_ID '{akid}';")),
        ("powershell", format!("$Env:AWS_ACCESS_KEY_ID = '{akid}'")),
        ("sh", format!("export AWS_ACCESS_KEY_ID='{akid}'")),
    ] {
        let mut args = f.args("env", &server.url());
        args.extend(["--format", format].map(String::from));
        let out = run(&f, &args, &[]);
        assert_eq!(out.code, 0, "{format}: {}", out.stderr);
        assert!(out.stdout.starts_with(&prefix), "{format}: {}", out.stdout);
        assert_eq!(out.stdout.lines().count(), 4, "{format}");
    }
    let mut args = f.args("env", &server.url());
    args.extend(["--format", "csh"].map(String::from));
    let out = run(&f, &args, &[]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("invalid value 'csh' for '--format <FORMAT>'")
            && out.stderr.contains("[possible values: sh, fish, powershell, json]"),
        "{}",
        out.stderr
    );
    assert!(out.stdout.is_empty());
    let mut args = f.args("credential-process", &server.url());
    args.extend(["--format", "json"].map(String::from));
    assert_eq!(run(&f, &args, &[]).code, 2);
}

// The credential cache of `credential-process`. Every run below points
// `XDG_CACHE_HOME` into its fixture's temporary directory: no test touches
// the real cache. The runs above have no `HOME` nor `XDG_CACHE_HOME`, so
// no cache.

/// Runs `credential-process` against `url` with `XDG_CACHE_HOME` = `cache`.
fn cached(f: &Fixture, url: &str, cache: &Path, extra: &[&str]) -> Out {
    let mut args = f.args("credential-process", url);
    args.extend(extra.iter().map(|s| s.to_string()));
    run(f, &args, &[("XDG_CACHE_HOME", cache.to_str().unwrap())])
}

/// The files in the cache directory under `cache` (an `XDG_CACHE_HOME`).
fn cache_files(cache: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(cache.join("sts-web-identity"))
        .map(|d| d.map(|e| e.unwrap().path()).collect())
        .unwrap_or_default();
    files.sort();
    files
}

fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::symlink_metadata(path).unwrap().permissions().mode() & 0o7777
}

/// Valid `credential_process` output: version 1, every field, not expired.
fn assert_valid_credentials(out: &Out, what: &str) -> Value {
    assert_eq!(out.code, 0, "{what}: {}", out.stderr);
    let v = out.json();
    assert_eq!(v["Version"], 1, "{what}");
    assert_eq!(v.as_object().unwrap().len(), 6, "{what}: {v}");
    assert!(v["AccessKeyId"].as_str().unwrap().starts_with("ASIA"), "{what}");
    assert_eq!(v["SecretAccessKey"].as_str().unwrap().len(), 40, "{what}");
    assert!(v["SessionToken"].as_str().unwrap().len() > 100, "{what}");
    assert!(rfc3339_seconds(&v["Expiration"]) > now(), "{what}");
    v
}

#[test]
fn credential_process_reuses_cached_credentials_until_the_refresh_margin() {
    let f = Fixture::new();
    let server = generating();
    let url = server.url();
    let cache = f.path("xdg-cache");
    let first = cached(&f, &url, &cache, &["--duration", "900"]);
    assert_valid_credentials(&first, "first run");
    assert_eq!(server.requests().len(), 1);

    // One file, named by a SHA-256, holding exactly what was printed;
    // directory 0700, file 0600.
    let files = cache_files(&cache);
    assert_eq!(files.len(), 1, "{files:?}");
    let name = files[0].file_name().unwrap().to_str().unwrap();
    let stem = name.strip_suffix(".json").unwrap();
    assert!(
        stem.len() == 64 && stem.bytes().all(|b| b.is_ascii_hexdigit()),
        "{name}"
    );
    assert_eq!(std::fs::read_to_string(&files[0]).unwrap(), first.stdout);
    assert_eq!(mode(&cache.join("sts-web-identity")), 0o700);
    assert_eq!(mode(&files[0]), 0o600);

    // The second run prints the same credentials and sends nothing.
    let second = cached(&f, &url, &cache, &["--duration", "900", "-v"]);
    assert_eq!(second.code, 0, "{}", second.stderr);
    assert_eq!(second.stdout, first.stdout);
    assert_eq!(server.requests().len(), 1, "a cache hit makes no request");
    assert!(second.stderr.contains("cached credentials from "), "{}", second.stderr);
    for secret in ["SecretAccessKey", "SessionToken"] {
        let value = first.json()[secret].as_str().unwrap().to_owned();
        assert!(!second.stderr.contains(&value), "{secret} on stderr");
    }

    // --no-cache fetches, and leaves the cache as it was.
    let bypass = cached(&f, &url, &cache, &["--duration", "900", "--no-cache"]);
    assert_valid_credentials(&bypass, "--no-cache");
    assert_ne!(bypass.stdout, first.stdout);
    assert_eq!(server.requests().len(), 2, "--no-cache makes a request");
    assert_eq!(std::fs::read_to_string(&files[0]).unwrap(), first.stdout);

    // A margin of the whole lifetime: the entry is due for refresh, so the
    // run fetches and replaces it.
    let refreshed = cached(
        &f,
        &url,
        &cache,
        &["--duration", "900", "--cache-refresh-margin", "900"],
    );
    assert_valid_credentials(&refreshed, "margin of 900 s");
    assert_eq!(
        server.requests().len(),
        3,
        "credentials within the margin are refreshed"
    );
    assert_ne!(refreshed.stdout, first.stdout);
    assert_eq!(cache_files(&cache), files);
    assert_eq!(std::fs::read_to_string(&files[0]).unwrap(), refreshed.stdout);

    // An entry 60 s from expiry is within the default 5 minutes.
    let mut v = refreshed.json();
    let soon = Timestamp::from_unix(now() + 60, 0).unwrap().rfc3339().unwrap();
    v["Expiration"] = Value::from(soon.as_str());
    std::fs::write(&files[0], serde_json::to_string_pretty(&v).unwrap()).unwrap();
    let again = cached(&f, &url, &cache, &["--duration", "900"]);
    assert_valid_credentials(&again, "entry about to expire");
    assert_eq!(server.requests().len(), 4, "an entry about to expire is refreshed");
    assert_eq!(std::fs::read_to_string(&files[0]).unwrap(), again.stdout);
    // And 10 minutes from expiry it is still used.
    let mut v = again.json();
    let later = Timestamp::from_unix(now() + 600, 0).unwrap().rfc3339().unwrap();
    v["Expiration"] = Value::from(later.as_str());
    let kept = serde_json::to_string_pretty(&v).unwrap() + "\n";
    std::fs::write(&files[0], &kept).unwrap();
    let hit = cached(&f, &url, &cache, &["--duration", "900"]);
    assert_eq!(hit.code, 0, "{}", hit.stderr);
    // The same document, in the layout credential-process prints.
    assert_eq!(hit.json(), v);
    assert!(
        hit.stdout.starts_with("{\n  \"Version\": 1,\n  \"AccessKeyId\": "),
        "{}",
        hit.stdout
    );
    assert_eq!(server.requests().len(), 4);

    // Other parameters are other identities.
    let other = cached(&f, &url, &cache, &["--duration", "901"]);
    assert_valid_credentials(&other, "another duration");
    assert_eq!(server.requests().len(), 5);
    assert_eq!(cache_files(&cache).len(), 2);
}

#[test]
fn another_token_never_reuses_cached_credentials() {
    let f = Fixture::new();
    let server = generating();
    let cache = f.path("xdg-cache");
    let first = cached(&f, &server.url(), &cache, &[]);
    assert_valid_credentials(&first, "first token");
    // The same role, session, endpoint and options; only the token differs.
    std::fs::write(&f.token_file, jwt("device-43")).unwrap();
    let second = cached(&f, &server.url(), &cache, &[]);
    assert_valid_credentials(&second, "second token");
    assert_ne!(second.stdout, first.stdout);
    assert_eq!(server.requests().len(), 2, "another token makes a request");
    assert_eq!(cache_files(&cache).len(), 2);
    // The first token's entry is still there for it.
    std::fs::write(&f.token_file, format!("{}\n", f.token)).unwrap();
    let third = cached(&f, &server.url(), &cache, &[]);
    assert_eq!(third.stdout, first.stdout);
    assert_eq!(server.requests().len(), 2);
    // The token never shows in the cache directory, by name or content.
    for file in cache_files(&cache) {
        assert!(!file.to_str().unwrap().contains(&f.token));
        assert!(!std::fs::read_to_string(&file).unwrap().contains(&f.token));
    }
}

#[test]
fn untrusted_cache_files_are_ignored_and_replaced() {
    use std::os::unix::fs::PermissionsExt;
    let f = Fixture::new();
    let server = generating();
    let url = server.url();
    let cache = f.path("xdg-cache");
    assert_valid_credentials(&cached(&f, &url, &cache, &[]), "first run");
    let file = cache_files(&cache).pop().unwrap();
    let good = std::fs::read_to_string(&file).unwrap();
    type Spoil = Box<dyn Fn(&Path)>;
    let cases: Vec<(&str, Spoil, &str)> = vec![
        (
            "corrupt",
            Box::new(|p| std::fs::write(p, "{\"Version\": 1, \"AccessKeyId\": ").unwrap()),
            "not a credential_process document",
        ),
        (
            "not JSON at all",
            Box::new(|p| std::fs::write(p, [0xff, 0xfe, 0, 1]).unwrap()),
            "not a credential_process document",
        ),
        (
            "mode 0644",
            Box::new(|p| std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o644)).unwrap()),
            "mode 0644, not 0600",
        ),
        (
            "unreadable (mode 0000)",
            Box::new(|p| std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o000)).unwrap()),
            "mode 0000, not 0600",
        ),
        (
            "a FIFO, which would block a plain read",
            Box::new(|p| {
                std::fs::remove_file(p).unwrap();
                assert!(Command::new("mkfifo").arg(p).status().unwrap().success());
            }),
            "not a regular file",
        ),
        (
            "a symlink to a valid entry elsewhere",
            Box::new(|p| {
                let elsewhere = p.with_extension("elsewhere");
                std::fs::rename(p, &elsewhere).unwrap();
                std::os::unix::fs::symlink(&elsewhere, p).unwrap();
            }),
            "unreadable",
        ),
        (
            "larger than any answer",
            Box::new(|p| {
                let f = std::fs::OpenOptions::new().append(true).open(p).unwrap();
                f.set_len(1 << 30).unwrap();
            }),
            "larger than",
        ),
    ];
    let mut requests = 1;
    for (name, spoil, why) in cases {
        spoil(&file);
        let out = cached(&f, &url, &cache, &["-v"]);
        let v = assert_valid_credentials(&out, name);
        requests += 1;
        assert_eq!(server.requests().len(), requests, "{name}: the file was not trusted");
        assert!(out.stderr.contains(why), "{name}: {}", out.stderr);
        assert!(out.stderr.contains("ignored, fetching"), "{name}: {}", out.stderr);
        // Replaced by a good entry with the new credentials.
        assert!(std::fs::symlink_metadata(&file).unwrap().is_file(), "{name}");
        assert_eq!(mode(&file), 0o600, "{name}");
        assert_eq!(std::fs::read_to_string(&file).unwrap(), out.stdout, "{name}");
        assert_ne!(out.stdout, good, "{name}");
        assert_eq!(v["AccountId"], "123456789012");
        // Which the next run uses.
        let hit = cached(&f, &url, &cache, &[]);
        assert_eq!(hit.stdout, out.stdout, "{name}");
        assert_eq!(server.requests().len(), requests, "{name}");
    }
    assert_eq!(
        cache_files(&cache)
            .iter()
            .filter(|p| p.extension().unwrap() == "json")
            .count(),
        1
    );

    // Someone else's file, and then someone else's directory. Making them
    // takes root; without it the ownership checks are proven by the unit
    // tests in src/cli/cache.rs (with another uid passed in).
    let nobody = 65534;
    if std::os::unix::fs::chown(&file, Some(nobody), Some(nobody)).is_ok() {
        let out = cached(&f, &url, &cache, &["-v"]);
        assert_valid_credentials(&out, "someone else's file");
        requests += 1;
        assert_eq!(server.requests().len(), requests, "someone else's file is not trusted");
        assert!(out.stderr.contains("belongs to uid 65534"), "{}", out.stderr);
        assert_ne!(
            std::os::unix::fs::MetadataExt::uid(&std::fs::metadata(&file).unwrap()),
            nobody
        );
        assert_eq!(std::fs::read_to_string(&file).unwrap(), out.stdout, "replaced");

        let dir = cache.join("sts-web-identity");
        std::os::unix::fs::chown(&dir, Some(nobody), Some(nobody)).unwrap();
        for _ in 0..2 {
            let out = cached(&f, &url, &cache, &["-v"]);
            assert_valid_credentials(&out, "someone else's directory");
            requests += 1;
            assert_eq!(
                server.requests().len(),
                requests,
                "someone else's directory is not used"
            );
            assert!(out.stderr.contains("belongs to uid 65534"), "{}", out.stderr);
        }
    }
}

#[test]
fn a_loose_cache_directory_is_tightened_and_home_is_the_fallback() {
    use std::os::unix::fs::PermissionsExt;
    let f = Fixture::new();
    let server = generating();
    // An XDG_CACHE_HOME that does not exist yet is made 0700.
    let xdg = f.path("new/xdg-cache");
    assert_valid_credentials(&cached(&f, &server.url(), &xdg, &[]), "new XDG_CACHE_HOME");
    assert_eq!(mode(&xdg), 0o700);
    assert_eq!(mode(&f.path("new")), 0o700);
    assert_eq!(cache_files(&xdg).len(), 1);

    let home = f.path("home");
    let dir = home.join(".cache/sts-web-identity");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o777)).unwrap();
    let args = f.args("credential-process", &server.url());
    let env = [("HOME", home.to_str().unwrap())];
    let first = run(&f, &args, &env);
    assert_valid_credentials(&first, "HOME");
    assert_eq!(mode(&dir), 0o700);
    assert_eq!(cache_files(&home.join(".cache")).len(), 1);
    assert_eq!(run(&f, &args, &env).stdout, first.stdout);
    assert_eq!(server.requests().len(), 2);
}

/// Eight invocations at once, on an empty cache and then on a full one
/// while others refresh it: every one prints valid credentials (the entry
/// is renamed into place whole, so no reader sees a part of one).
#[test]
fn concurrent_invocations_all_print_valid_credentials() {
    let f = Fixture::new();
    let server = generating();
    let cache = f.path("xdg-cache");
    let spawn = |extra: &[&str]| {
        let mut c = bin(f.dir.path());
        c.args(f.args("credential-process", &server.url()))
            .args(extra)
            .env("XDG_CACHE_HOME", &cache)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        c.spawn().unwrap()
    };
    let wait = |children: Vec<Child>| -> Vec<Out> {
        children
            .into_iter()
            .map(|c| {
                let o = c.wait_with_output().unwrap();
                Out {
                    code: o.status.code().unwrap_or(-1),
                    stdout: String::from_utf8(o.stdout).unwrap(),
                    stderr: String::from_utf8(o.stderr).unwrap(),
                }
            })
            .collect()
    };
    let cold = wait((0..8).map(|_| spawn(&[])).collect());
    for (i, out) in cold.iter().enumerate() {
        assert_valid_credentials(out, &format!("cold run {i}"));
    }
    let sent = server.requests().len();
    assert!((1..=8).contains(&sent), "{sent} requests");
    let files = cache_files(&cache);
    assert_eq!(files.len(), 1, "no temporary file is left: {files:?}");
    let entry = std::fs::read_to_string(&files[0]).unwrap();
    assert!(cold.iter().any(|o| o.stdout == entry), "the entry is one run's output");

    // Half read the entry while the other half refresh it.
    let mixed = wait(
        (0..8)
            .map(|i| {
                if i % 2 == 0 {
                    spawn(&[])
                } else {
                    spawn(&["--cache-refresh-margin", "43200"])
                }
            })
            .collect(),
    );
    for (i, out) in mixed.iter().enumerate() {
        assert_valid_credentials(out, &format!("mixed run {i}"));
    }
    assert_eq!(server.requests().len(), sent + 4, "the readers sent nothing");
    let files = cache_files(&cache);
    assert_eq!(files.len(), 1, "no temporary file is left: {files:?}");
    let entry = std::fs::read_to_string(&files[0]).unwrap();
    assert!(
        mixed.iter().skip(1).step_by(2).any(|o| o.stdout == entry),
        "the entry is one refresher's output"
    );
}

#[test]
fn env_and_dry_runs_do_not_use_the_cache() {
    let f = Fixture::new();
    let server = generating();
    let cache = f.path("xdg-cache");
    let env = [("XDG_CACHE_HOME", cache.to_str().unwrap())];
    for _ in 0..2 {
        let out = run(&f, &f.args("env", &server.url()), &env);
        assert_eq!(out.code, 0, "{}", out.stderr);
    }
    let mut dry = f.args("credential-process", &server.url());
    dry.push("--dry-run".into());
    assert_eq!(run(&f, &dry, &env).code, 0);
    assert_eq!(server.requests().len(), 2, "each env run fetches");
    assert!(!cache.exists(), "nothing was cached");
}

#[test]
fn cache_options_are_checked() {
    let f = Fixture::new();
    let url = format!("http://127.0.0.1:{}/", closed_port());
    let cache = f.path("xdg-cache");
    for bad in ["abc", "-1", "43201", "1.5"] {
        let out = cached(&f, &url, &cache, &["--cache-refresh-margin", bad]);
        assert_eq!(out.code, 2, "{bad}: {}", out.stderr);
        assert!(out.stderr.contains("--cache-refresh-margin"), "{bad}: {}", out.stderr);
    }
    // The cache flags are credential-process's only.
    let mut args = f.args("env", &url);
    args.push("--no-cache".into());
    let out = run(&f, &args, &[]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("--no-cache"), "{}", out.stderr);
}

// The command line (clap): errors name the option and point at the
// command's help; `help COMMAND` is `COMMAND --help`; completion scripts.

#[test]
fn parse_errors_name_the_option_and_point_to_the_commands_help() {
    let f = Fixture::new();
    let cases: &[(&[&str], &str, &str)] = &[
        (
            &["env", "--duration", "abc"],
            "invalid value 'abc' for '--duration <SECONDS>'",
            "env",
        ),
        (
            &["credential-process", "--max-attempts", "zero"],
            "invalid value 'zero' for '--max-attempts <N>'",
            "credential-process",
        ),
        (
            &["credential-process", "--cache-refresh-margin", "soon"],
            "invalid value 'soon' for '--cache-refresh-margin <SECONDS>'",
            "credential-process",
        ),
        (
            &["env", "--format", "csh"],
            "[possible values: sh, fish, powershell, json]",
            "env",
        ),
        (&["mock-server", "--port", "http"], "'--port <N>'", "mock-server"),
        (&["demo", "--transport"], "'--transport <ENGINE>'", "demo"),
        (&["env", "--role-arn"], "'--role-arn <ARN>'", "env"),
    ];
    for (args, needle, command) in cases {
        let out = run(&f, args, &[]);
        assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
        assert!(out.stdout.is_empty(), "{args:?}");
        let first = out.stderr.lines().next().unwrap();
        assert!(first.starts_with("sts-web-identity: "), "{args:?}: {}", out.stderr);
        assert!(out.stderr.contains(needle), "{args:?}: {}", out.stderr);
        assert!(
            out.stderr.ends_with(&format!(
                "Try 'sts-web-identity {command} --help' for more information.\n"
            )),
            "{args:?}: {}",
            out.stderr
        );
    }
    let out = run(&f, &["nope"], &[]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .ends_with("Try 'sts-web-identity --help' for more information.\n"),
        "{}",
        out.stderr
    );
}

#[test]
fn help_command_and_help_flag_print_the_same_help() {
    let f = Fixture::new();
    for command in ["credential-process", "env", "mock-server", "demo", "completions"] {
        let by_command = run(&f, &["help", command], &[]);
        let by_flag = run(&f, &[command, "--help"], &[]);
        assert_eq!(by_command.code, 0, "{command}: {}", by_command.stderr);
        assert_eq!(by_flag.code, 0, "{command}: {}", by_flag.stderr);
        assert_eq!(by_command.stdout, by_flag.stdout, "{command}");
        assert!(
            by_flag.stdout.contains(&format!("Usage: sts-web-identity {command}")),
            "{command}: {}",
            by_flag.stdout
        );
        assert!(by_flag.stderr.is_empty(), "{command}");
        let short = run(&f, &[command, "-h"], &[]);
        assert_eq!(short.code, 0, "{command}");
        assert!(short.stdout.contains(&format!("Usage: sts-web-identity {command}")));
    }
    let out = run(&f, &["help", "credential-process"], &[]);
    for option in ["--no-cache", "--cache-refresh-margin <SECONDS>", "[default: 300]"] {
        assert!(out.stdout.contains(option), "{option}: {}", out.stdout);
    }
    let out = run(&f, &["help", "env"], &[]);
    assert!(out.stdout.contains("--format <FORMAT>") && !out.stdout.contains("--no-cache"));
    // The top-level help lists every command, `completions` and `help`
    // included.
    let out = run(&f, &["help"], &[]);
    assert_eq!(out.code, 0);
    for command in [
        "credential-process",
        "env",
        "mock-server",
        "demo",
        "completions",
        "help",
    ] {
        assert!(
            out.stdout.contains(&format!("\n  {command} ")),
            "{command}: {}",
            out.stdout
        );
    }
}

#[test]
fn completions_print_a_script_for_each_shell() {
    let f = Fixture::new();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = run(&f, &["completions", shell], &[]);
        assert_eq!(out.code, 0, "{shell}: {}", out.stderr);
        assert!(out.stdout.len() > 500, "{shell}: {}", out.stdout);
        for word in [
            "sts-web-identity",
            "credential-process",
            // fish spells options `-l role-arn`.
            "role-arn",
            "cache-refresh-margin",
        ] {
            assert!(out.stdout.contains(word), "{shell} script lacks {word}");
        }
    }
    // The bash script completes the commands, their options and the values
    // of --format.
    let out = run(&f, &["completions", "bash"], &[]);
    let script = f.path("completion.bash");
    std::fs::write(&script, &out.stdout).unwrap();
    let complete = |line: &str| -> String {
        let words: Vec<&str> = line.split(' ').collect();
        let program = format!(
            "source {}\nCOMP_WORDS=({line})\nCOMP_CWORD={}\nCOMP_LINE='{line}'\nCOMP_POINT=${{#COMP_LINE}}\n\
             _sts__web__identity sts-web-identity '{}' '{}'\nprintf '%s\\n' \"${{COMPREPLY[@]}}\"\n",
            script.display(),
            words.len() - 1,
            words[words.len() - 1],
            words[words.len() - 2],
        );
        let o = Command::new("bash").arg("-c").arg(program).output().unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8(o.stdout).unwrap()
    };
    let commands = complete("sts-web-identity cr");
    assert_eq!(commands.trim(), "credential-process");
    // A command's options (clap_complete's script alone completes none of
    // them for a hyphenated binary name: clap-rs/clap#6421).
    let options = complete("sts-web-identity credential-process --cache");
    assert_eq!(options.trim(), "--cache-refresh-margin");
    let formats = complete("sts-web-identity env --format ");
    for format in ["sh", "fish", "powershell", "json"] {
        assert!(formats.lines().any(|l| l == format), "{format}: {formats}");
    }

    let out = run(&f, &["completions", "tcsh"], &[]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("[possible values: bash, elvish, fish, powershell, zsh]"),
        "{}",
        out.stderr
    );
    let out = run(&f, &["completions"], &[]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("<SHELL>"), "{}", out.stderr);
}

/// The cache never fails a run: a cache home that is a file, or an entry
/// that cannot be replaced, only means fetching (and saying why with -v).
#[test]
fn an_unusable_cache_never_fails_a_run() {
    let f = Fixture::new();
    let server = generating();
    let url = server.url();
    let not_a_dir = f.path("a-file");
    std::fs::write(&not_a_dir, "").unwrap();
    for i in 1..=2 {
        let out = cached(&f, &url, &not_a_dir, &["-v"]);
        assert_valid_credentials(&out, "cache home is a file");
        assert_eq!(server.requests().len(), i);
        assert!(out.stderr.contains("cache directory"), "{}", out.stderr);
    }

    let cache = f.path("xdg-cache");
    assert_valid_credentials(&cached(&f, &url, &cache, &[]), "first run");
    let entry = cache_files(&cache).pop().unwrap();
    std::fs::remove_file(&entry).unwrap();
    std::fs::create_dir_all(entry.join("occupied")).unwrap();
    let out = cached(&f, &url, &cache, &["-v"]);
    assert_valid_credentials(&out, "entry is a directory");
    assert_eq!(server.requests().len(), 4);
    assert!(out.stderr.contains("not a regular file"), "{}", out.stderr);
    assert!(out.stderr.contains("could not write the cache file"), "{}", out.stderr);
    // No temporary file is left behind.
    assert_eq!(cache_files(&cache), [entry]);
}
