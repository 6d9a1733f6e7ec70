//! Role chaining from the command line: `--profile` with `source_profile`
//! and `--chain-role-arn`, in a dry run (each hop shown, its signature said
//! to be unknowable before the hop before it is answered), the refusals,
//! and a live chain against `moto_server` on 127.0.0.1 over both
//! transports (skipped without moto unless `STS_REQUIRE_PEER=1`). Each run
//! has a cleared environment (only `PATH` and what the test sets).

// A std-only crate: the core/alloc import lints are for the no_std crates.
#![allow(clippy::std_instead_of_core, clippy::std_instead_of_alloc)]

use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_sts-web-identity");
const TOKEN: &str = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJkZXZpY2UtNDIifQ.c2lnbmF0dXJl";

fn config(dir: &Path) -> String {
    format!(
        "[profile base]\n\
         role_arn = arn:aws:iam::111111111111:role/device\n\
         web_identity_token_file = {}\n\
         \n\
         [profile target]\n\
         role_arn = arn:aws:iam::222222222222:role/reader\n\
         source_profile = base\n\
         external_id = ext-1\n\
         duration_seconds = 7200\n\
         region = eu-west-1\n\
         \n\
         [profile mfa]\n\
         role_arn = arn:aws:iam::222222222222:role/reader\n\
         source_profile = base\n\
         mfa_serial = arn:aws:iam::111111111111:mfa/alice\n\
         \n\
         [profile loop]\n\
         role_arn = arn:aws:iam::222222222222:role/reader\n\
         source_profile = loop\n",
        dir.join("token").display()
    )
}

struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(dir: &Path, args: &[&str]) -> Out {
    run_with(dir, args, &[])
}

fn run_with(dir: &Path, args: &[&str], env: &[(&str, &Path)]) -> Out {
    let o = Command::new(BIN)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("AWS_CONFIG_FILE", dir.join("config"))
        .envs(env.iter().copied())
        .current_dir(dir)
        .stdin(Stdio::null())
        .args(args)
        .output()
        .unwrap();
    Out {
        code: o.status.code().unwrap_or(-1),
        stdout: String::from_utf8(o.stdout).unwrap(),
        stderr: String::from_utf8(o.stderr).unwrap(),
    }
}

fn fixture() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("token"), format!("{TOKEN}\n")).unwrap();
    std::fs::write(dir.path().join("config"), config(dir.path())).unwrap();
    dir
}

fn params(v: &Value) -> Vec<(String, String)> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|p| (p[0].as_str().unwrap().to_owned(), p[1].as_str().unwrap().to_owned()))
        .collect()
}

#[test]
fn dry_run_shows_every_hop_and_says_why_no_signature() {
    let dir = fixture();
    let out = run(
        dir.path(),
        &[
            "credential-process",
            "--profile",
            "target",
            "--chain-role-arn",
            "arn:aws:iam::333333333333:role/auditor",
            "--dry-run",
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(v["endpoint"], "https://sts.eu-west-1.amazonaws.com/");
    let first = params(&v["params"]);
    assert!(first.contains(&("RoleArn".into(), "arn:aws:iam::111111111111:role/device".into())));
    assert!(!out.stdout.contains(TOKEN), "the token never shows");
    let hops = v["hops"].as_array().unwrap();
    assert_eq!(hops.len(), 2);
    let hop1 = params(&hops[0]["params"]);
    for want in [
        ("Action", "AssumeRole"),
        ("RoleArn", "arn:aws:iam::222222222222:role/reader"),
        ("DurationSeconds", "3600"),
        ("ExternalId", "ext-1"),
    ] {
        assert!(hop1.contains(&(want.0.into(), want.1.into())), "{want:?} in {hop1:?}");
    }
    assert_eq!(hops[0]["signing_region"], "eu-west-1");
    assert!(
        hops[0]["signed_with"]
            .as_str()
            .unwrap()
            .contains("cannot be shown before")
    );
    assert_eq!(
        params(&hops[1]["params"])[2],
        ("RoleArn".into(), "arn:aws:iam::333333333333:role/auditor".into())
    );
    // Without hops, the dry run has no "hops" member (unchanged output).
    let plain = run(
        dir.path(),
        &[
            "credential-process",
            "--profile",
            "base",
            "--region",
            "eu-west-1",
            "--dry-run",
        ],
    );
    assert_eq!(plain.code, 0, "{}", plain.stderr);
    assert!(!plain.stdout.contains("\"hops\""));
}

#[test]
fn refused_profiles_exit_2_and_say_why() {
    let dir = fixture();
    let mfa = run(dir.path(), &["env", "--profile", "mfa", "--dry-run"]);
    assert_eq!(mfa.code, 2);
    assert!(mfa.stderr.contains("mfa_serial"), "{}", mfa.stderr);
    let cycle = run(dir.path(), &["env", "--profile", "loop", "--dry-run"]);
    assert_eq!(cycle.code, 2);
    assert!(cycle.stderr.contains("a cycle: loop -> loop"), "{}", cycle.stderr);
    let bad = run(
        dir.path(),
        &[
            "env",
            "--profile",
            "target",
            "--chain-role-arn",
            "not-an-arn",
            "--dry-run",
        ],
    );
    assert_eq!(bad.code, 2);
    assert!(
        bad.stderr.contains("invalid AssumeRole input (not-an-arn): RoleArn"),
        "{}",
        bad.stderr
    );
}

struct Moto(Child);

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn profile_target_chains_against_moto() {
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let child = match Command::new("moto_server")
        .args(["-H", "127.0.0.1", "-p", &port.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
    {
        Ok(c) => Moto(c),
        Err(e) => {
            assert!(
                std::env::var_os("STS_REQUIRE_PEER").is_none(),
                "STS_REQUIRE_PEER=1 but moto_server: {e}"
            );
            eprintln!("SKIPPED: moto_server not available ({e}): pip install 'moto[server]'");
            return;
        }
    };
    let deadline = Instant::now() + Duration::from_secs(30);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "moto_server did not start");
        std::thread::sleep(Duration::from_millis(100));
    }
    let dir = fixture();
    let url = format!("http://127.0.0.1:{port}");
    for transport in ["std", "embedded"] {
        let out = run(
            dir.path(),
            &[
                "credential-process",
                "--profile",
                "target",
                "--endpoint",
                &url,
                "--transport",
                transport,
                "-v",
            ],
        );
        assert_eq!(out.code, 0, "{transport}: {}", out.stderr);
        let v: Value = serde_json::from_str(&out.stdout).unwrap();
        assert_eq!(v["AccountId"], "222222222222", "{transport}");
        assert!(v["AccessKeyId"].as_str().unwrap().starts_with("ASIA"));
        assert_eq!(
            out.stderr.matches("credentials received").count(),
            2,
            "{transport}: two hops\n{}",
            out.stderr
        );
        assert!(
            out.stderr.contains("(in 3600 s)") || out.stderr.contains("(in 3599 s)"),
            "{}",
            out.stderr
        );
    }

    // The credential cache keys the whole chain: a second run prints the
    // same credentials without a request (moto makes up new keys for every
    // answer), `--no-cache` fetches, and another hop is another entry.
    let cache = dir.path().join("cache");
    let env = [("XDG_CACHE_HOME", cache.as_path())];
    let key = |args: &[&str]| {
        let mut all = vec!["credential-process", "--endpoint", &url, "-v"];
        all.extend(args);
        let out = run_with(dir.path(), &all, &env);
        assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
        let v: Value = serde_json::from_str(&out.stdout).unwrap();
        (v["AccessKeyId"].as_str().unwrap().to_owned(), out.stderr)
    };
    let (first, _) = key(&["--profile", "target"]);
    let (again, stderr) = key(&["--profile", "target"]);
    assert_eq!(again, first, "{stderr}");
    assert!(stderr.contains("cached credentials from"), "{stderr}");
    assert!(!stderr.contains("credentials received"), "no request: {stderr}");
    let (fresh, _) = key(&["--profile", "target", "--no-cache"]);
    assert_ne!(fresh, first);
    let (longer, stderr) = key(&[
        "--profile",
        "target",
        "--chain-role-arn",
        "arn:aws:iam::333333333333:role/auditor",
    ]);
    assert_ne!(longer, first);
    assert_eq!(stderr.matches("credentials received").count(), 3, "{stderr}");
    drop(child);
}
