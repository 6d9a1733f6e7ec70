//! Shared providers under concurrency: one refresh at a time (single
//! flight), cached credentials served at once in the advisory window, and
//! (with feature `aws-credential-types`) no async worker blocked while STS
//! hangs.
//!
//! STS here is a transport that answers with the recorded smithy-rs success
//! (1-hour credentials, `Date` one hour before `Expiration`), each answer
//! with its own access key id, and that holds every request at a gate until
//! the test opens it: "STS hangs" for exactly as long as the test says, so
//! the assertions need no timing.

extern crate alloc;

use alloc::sync::Arc;
use core::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use core::time::Duration;
use std::path::PathBuf;
use std::sync::mpsc;
use std::sync::{Condvar, Mutex};

use sts_client::config::RoleHop;
use sts_client::endpoint::{EndpointParams, resolve};
use sts_client::{
    Client, Clock, Credentials, Error, Instant, MemoryToken, NoDelay, OwnedInput, RefreshPolicy, SplitMix64,
    StdChainProvider, StdCredentialProvider,
};
use sts_transport::{Request, Response, Transport};

const ROLE: &str = "arn:aws:iam::123456789012:role/device";
const MINUTE: u64 = 60_000;
/// Long enough that only a deadlock reaches it.
const PATIENCE: Duration = Duration::from_secs(60);

/// Fake monotonic time, shared by the test, the platform and the provider.
#[derive(Clone, Default)]
struct Time(Arc<AtomicU64>);

impl Time {
    fn set_minutes(&self, minutes: u64) {
        self.0.store(minutes * MINUTE, Ordering::SeqCst);
    }
}

impl Clock for Time {
    fn now(&self) -> Instant {
        Instant::from_millis(self.0.load(Ordering::SeqCst))
    }
}

/// An STS that holds requests at a gate, answers 200 with a new access key
/// id each time (or 400 `InvalidIdentityToken` when told to fail), and
/// counts the requests it received.
#[derive(Clone, Default)]
struct Sts {
    calls: Arc<AtomicU32>,
    gate: Arc<(Mutex<bool>, Condvar)>,
    fail: Arc<Mutex<bool>>,
}

impl Sts {
    fn calls(&self) -> u32 {
        self.calls.load(Ordering::SeqCst)
    }
    fn set_open(&self, open: bool) {
        let (lock, cvar) = &*self.gate;
        *lock.lock().unwrap() = open;
        cvar.notify_all();
    }
    fn set_failing(&self, fail: bool) {
        *self.fail.lock().unwrap() = fail;
    }
    /// Waits until STS has received `n` requests.
    fn await_calls(&self, n: u32) {
        let start = std::time::Instant::now();
        while self.calls() < n {
            assert!(start.elapsed() < PATIENCE, "STS got {} requests, not {n}", self.calls());
            std::thread::sleep(Duration::from_millis(2));
        }
    }
}

/// The access key id of the `n`th answer (16 characters, as the model
/// wants).
fn key_id(n: u32) -> String {
    format!("ASIAGATED{n:07}")
}

impl Transport for Sts {
    fn send<'b>(&mut self, request: &Request<'_>, buf: &'b mut [u8]) -> Result<Response<'b>, sts_transport::Error> {
        let assume_role = request.body.starts_with(b"Action=AssumeRole&");
        let n = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
        let (lock, cvar) = &*self.gate;
        let mut open = lock.lock().unwrap();
        while !*open {
            open = cvar.wait(open).unwrap();
        }
        drop(open);
        let recorded = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../conformance/data/recorded");
        let (status, body) = if *self.fail.lock().unwrap() {
            let error =
                std::fs::read_to_string(recorded.join("issue-mozilla-aws-cli-146-ExpiredTokenException.xml")).unwrap();
            (400, error)
        } else {
            let mut ok = std::fs::read_to_string(recorded.join("smithy-rs-web_identity_token_env.1.response-200.xml"))
                .unwrap()
                .replace("AKIDTEST", &key_id(n));
            if assume_role {
                // The same credentials as an AssumeRole answer (the web
                // identity members are unknown elements there, skipped).
                ok = ok.replace("AssumeRoleWithWebIdentityRe", "AssumeRoleRe");
            }
            (200, ok)
        };
        buf[..body.len()].copy_from_slice(body.as_bytes());
        let mut response = Response::new(status, &mut buf[..body.len()]);
        // One hour before the recorded `Expiration`: 1-hour credentials.
        response.date = Some("Mon, 16 Aug 2021 19:52:53 GMT");
        Ok(response)
    }
}

type Provider = StdCredentialProvider<Sts, (Time, NoDelay, SplitMix64)>;

/// A provider on fake time, refreshing without jitter: for 1-hour
/// credentials received at minute `r`, the advisory window opens at
/// `r + 45` and the mandatory one at `r + 50`.
fn provider(sts: &Sts, time: &Time) -> Provider {
    let endpoint = resolve(&EndpointParams {
        region: Some("eu-west-1"),
        ..Default::default()
    })
    .unwrap();
    let client = Client::new(sts.clone(), endpoint, (time.clone(), NoDelay, SplitMix64::new(1)));
    StdCredentialProvider::with_clock(
        client,
        time.clone(),
        OwnedInput::new(ROLE),
        MemoryToken::from_str("eyJhbGciOiJSUzI1NiJ9.e30.c2ln"),
    )
    .with_refresh_policy(RefreshPolicy::DEFAULT.with_jitter(false))
}

type Chain = StdChainProvider<Sts, (Time, NoDelay, SplitMix64)>;

/// Web identity, then one `AssumeRole` hop, on fake time without jitter.
fn chain(sts: &Sts, time: &Time) -> Chain {
    let endpoint = resolve(&EndpointParams {
        region: Some("eu-west-1"),
        ..Default::default()
    })
    .unwrap();
    let client = Client::new(sts.clone(), endpoint, (time.clone(), NoDelay, SplitMix64::new(1)));
    let config = "[profile base]\nrole_arn = arn:aws:iam::111111111111:role/device\nweb_identity_token_file = /t\n\n\
                  [profile target]\nrole_arn = arn:aws:iam::222222222222:role/reader\nsource_profile = base\n";
    let hops: Vec<RoleHop> = sts_client::config::role_chain(config, "target").unwrap().1;
    StdChainProvider::with_clock(
        client,
        time.clone(),
        OwnedInput::new(ROLE),
        MemoryToken::from_str("eyJhbGciOiJSUzI1NiJ9.e30.c2ln"),
        hops,
        "eu-west-1".to_owned(),
    )
    .with_refresh_policy(RefreshPolicy::DEFAULT.with_jitter(false))
}

/// A role chain is single flight too: in the last hop's advisory window one
/// caller refreshes both levels; the other 15 are served at once.
#[test]
fn chains_refresh_in_a_single_flight() {
    let (sts, time) = (Sts::default(), Time::default());
    sts.set_open(true);
    let provider = chain(&sts, &time);
    assert_eq!(key(&provider.credentials()), key_id(2), "web identity, then the hop");
    assert_eq!(sts.calls(), 2);

    time.set_minutes(46);
    sts.set_open(false);
    let (tx, rx) = mpsc::channel();
    std::thread::scope(|s| {
        callers(s, 16, &tx, || provider.credentials());
        for _ in 0..15 {
            assert_eq!(rx.recv_timeout(PATIENCE).unwrap(), key_id(2));
        }
        sts.await_calls(3);
        sts.set_open(true);
        // Both levels were in their advisory window: both refreshed.
        assert_eq!(rx.recv_timeout(PATIENCE).unwrap(), key_id(4));
    });
    assert_eq!(sts.calls(), 4);

    // With nothing usable (the mandatory window), 32 callers share one
    // flight of two requests.
    time.set_minutes(46 + 51);
    sts.set_open(false);
    std::thread::scope(|s| {
        callers(s, 32, &tx, || provider.credentials());
        sts.await_calls(5);
        sts.set_open(true);
        for _ in 0..32 {
            assert_eq!(rx.recv_timeout(PATIENCE).unwrap(), key_id(6));
        }
    });
    assert_eq!(sts.calls(), 6);
}

/// Starts `n` threads in `s`, each sending the key of what `call` returns.
fn callers<'s, F>(s: &'s std::thread::Scope<'s, '_>, n: usize, tx: &mpsc::Sender<String>, call: F)
where
    F: Fn() -> Result<Arc<Credentials>, Error> + Copy + Send + 's,
{
    for _ in 0..n {
        let tx = tx.clone();
        s.spawn(move || tx.send(key(&call())).unwrap());
    }
}

fn key(result: &Result<Arc<Credentials>, Error>) -> String {
    match result {
        Ok(creds) => creds.access_key_id().to_owned(),
        Err(e) => format!("error: {e}"),
    }
}

/// In the advisory window one caller refreshes; the other 15 get the cached
/// credentials while STS hangs; the next caller gets the new ones.
#[test]
fn advisory_window_serves_the_cache_while_one_refresh_runs() {
    let (sts, time) = (Sts::default(), Time::default());
    sts.set_open(true);
    let provider = provider(&sts, &time);
    assert_eq!(key(&provider.credentials()), key_id(1));

    time.set_minutes(46);
    sts.set_open(false);
    let (tx, rx) = mpsc::channel();
    std::thread::scope(|s| {
        callers(s, 16, &tx, || provider.credentials());
        // Fifteen answers arrive while the refresh is still held at the gate.
        for _ in 0..15 {
            assert_eq!(rx.recv_timeout(PATIENCE).unwrap(), key_id(1));
        }
        sts.await_calls(2);
        assert_eq!(sts.calls(), 2, "one refresh, however many callers");
        sts.set_open(true);
        // The caller that refreshed gets the new credentials.
        assert_eq!(rx.recv_timeout(PATIENCE).unwrap(), key_id(2));
    });
    assert_eq!(key(&provider.credentials()), key_id(2));
    assert_eq!(sts.calls(), 2);
}

/// With nothing usable cached, every caller waits for the same single
/// refresh.
#[test]
fn mandatory_refresh_is_a_single_flight() {
    let (sts, time) = (Sts::default(), Time::default());
    let provider = provider(&sts, &time);
    let (tx, rx) = mpsc::channel();
    std::thread::scope(|s| {
        callers(s, 64, &tx, || provider.credentials());
        sts.await_calls(1);
        // Nobody is served while STS hangs: there is nothing to serve.
        assert!(rx.recv_timeout(Duration::from_millis(50)).is_err());
        sts.set_open(true);
        for _ in 0..64 {
            assert_eq!(rx.recv_timeout(PATIENCE).unwrap(), key_id(1));
        }
    });
    assert_eq!(sts.calls(), 1);

    // In the mandatory window (minute 50 of the first credentials) too.
    time.set_minutes(51);
    sts.set_open(false);
    std::thread::scope(|s| {
        callers(s, 64, &tx, || provider.credentials());
        sts.await_calls(2);
        sts.set_open(true);
        for _ in 0..64 {
            assert_eq!(rx.recv_timeout(PATIENCE).unwrap(), key_id(2));
        }
    });
    assert_eq!(sts.calls(), 2);
}

/// A failed refresh: the callers that waited for it get its error; in the
/// advisory window the cached credentials keep being served.
#[test]
fn failures_are_shared_and_advisory_failures_serve_the_cache() {
    let (sts, time) = (Sts::default(), Time::default());
    let provider = provider(&sts, &time);
    sts.set_failing(true);
    sts.set_open(false);
    let (tx, rx) = mpsc::channel();
    std::thread::scope(|s| {
        callers(s, 16, &tx, || provider.credentials());
        sts.await_calls(1);
        sts.set_open(true);
        for _ in 0..16 {
            let answer = rx.recv_timeout(PATIENCE).unwrap();
            assert!(answer.contains("ExpiredTokenException"), "{answer}");
        }
    });
    // Late callers may have started a second flight, never one each.
    assert!(sts.calls() < 16, "{} requests", sts.calls());

    sts.set_failing(false);
    let first = provider.credentials().unwrap();
    let before = sts.calls();
    time.set_minutes(46);
    sts.set_failing(true);
    // The advisory refresh fails: its caller still gets the cached ones ...
    assert_eq!(provider.credentials().unwrap().access_key_id(), first.access_key_id());
    assert_eq!(sts.calls(), before + 1);
    assert!(provider.schedule().last_error().is_some());
    // ... and the next try waits for the retry interval (30 s).
    assert_eq!(provider.credentials().unwrap().access_key_id(), first.access_key_id());
    assert_eq!(sts.calls(), before + 1);
    // In the mandatory window the failure is the caller's.
    time.set_minutes(51);
    assert!(provider.credentials().is_err());
}

/// Credentials handed out stay as they were after a refresh replaces them.
#[test]
fn handed_out_credentials_outlive_a_refresh() {
    let (sts, time) = (Sts::default(), Time::default());
    sts.set_open(true);
    let provider = provider(&sts, &time);
    let first = provider.credentials().unwrap();
    time.set_minutes(51);
    let second = provider.credentials().unwrap();
    assert_eq!(first.access_key_id(), key_id(1));
    assert_eq!(first.secret_access_key().expose(), "SECRETKEYTEST");
    assert_eq!(second.access_key_id(), key_id(2));
    assert!(!format!("{provider:?}").contains("SECRETKEYTEST"));
}

#[cfg(feature = "aws-credential-types")]
mod sdk {
    use super::*;
    use aws_credential_types::provider::ProvideCredentials;
    use sts_client::SdkCredentialsProvider;

    fn runtime() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_time()
            .build()
            .unwrap()
    }

    /// A task that counts 5 ms ticks: it stops counting when every worker
    /// is blocked.
    fn ticker(rt: &tokio::runtime::Runtime) -> Arc<AtomicU64> {
        let ticks = Arc::new(AtomicU64::new(0));
        let counted = Arc::clone(&ticks);
        rt.spawn(async move {
            loop {
                tokio::time::sleep(Duration::from_millis(5)).await;
                counted.fetch_add(1, Ordering::SeqCst);
            }
        });
        ticks
    }

    /// Waits until the ticker has ticked `n` more times; panics if the
    /// runtime's workers stall for [`PATIENCE`].
    fn await_ticks(ticks: &AtomicU64, n: u64) {
        let from = ticks.load(Ordering::SeqCst);
        let start = std::time::Instant::now();
        while ticks.load(Ordering::SeqCst) < from + n {
            assert!(start.elapsed() < PATIENCE, "the runtime's workers are stalled");
            std::thread::sleep(Duration::from_millis(1));
        }
    }

    /// 500 tasks ask `provider` for credentials while STS hangs: the
    /// ticker keeps ticking on the two workers and no task is served;
    /// then STS answers. The access key id each task got.
    fn five_hundred_while_sts_hangs(provider: &SdkCredentialsProvider, sts: &Sts) -> Vec<String> {
        let rt = runtime();
        let ticks = ticker(&rt);
        let tasks: Vec<_> = (0..500)
            .map(|_| {
                let provider = provider.clone();
                rt.spawn(async move {
                    provider
                        .provide_credentials()
                        .await
                        .map(|c| c.access_key_id().to_owned())
                })
            })
            .collect();
        sts.await_calls(1);
        await_ticks(&ticks, 20);
        assert!(tasks.iter().all(|t| !t.is_finished()), "nothing to serve yet");
        sts.set_open(true);
        tasks.into_iter().map(|t| rt.block_on(t).unwrap().unwrap()).collect()
    }

    /// No worker stalls while STS hangs, STS gets one request, and all 500
    /// tasks get its answer.
    #[test]
    fn no_worker_stalls_while_sts_hangs() {
        let (sts, time) = (Sts::default(), Time::default());
        let provider = SdkCredentialsProvider::new(super::provider(&sts, &time));
        let keys = five_hundred_while_sts_hangs(&provider, &sts);
        assert!(keys.iter().all(|k| *k == key_id(1)));
        assert_eq!(sts.calls(), 1);
    }

    /// A chain behind the SDK adapter: one flight of two requests (web
    /// identity, then the hop).
    #[test]
    fn a_chain_serves_the_sdk_in_one_flight() {
        let (sts, time) = (Sts::default(), Time::default());
        let provider = SdkCredentialsProvider::from_chain(super::chain(&sts, &time));
        let keys = five_hundred_while_sts_hangs(&provider, &sts);
        assert!(keys.iter().all(|k| *k == key_id(2)));
        assert_eq!(sts.calls(), 2);
    }

    /// In the advisory window every caller, the one that started the
    /// refresh included, gets the cached credentials at once.
    #[test]
    fn advisory_refresh_runs_in_the_background() {
        let (sts, time) = (Sts::default(), Time::default());
        sts.set_open(true);
        let provider = SdkCredentialsProvider::new(super::provider(&sts, &time));
        let rt = runtime();
        let first = rt.block_on(provider.provide_credentials()).unwrap();
        assert_eq!(first.access_key_id(), key_id(1));

        time.set_minutes(46);
        sts.set_open(false);
        let ticks = ticker(&rt);
        let keys = rt.block_on(async {
            let tasks: Vec<_> = (0..500)
                .map(|_| {
                    let provider = provider.clone();
                    tokio::spawn(
                        async move { provider.provide_credentials().await.unwrap().access_key_id().to_owned() },
                    )
                })
                .collect();
            let mut keys = Vec::new();
            for task in tasks {
                keys.push(task.await.unwrap());
            }
            keys
        });
        // All 500 answered while the refresh is held at the gate (or has
        // not yet reached it: it runs on a thread of its own).
        assert!(keys.iter().all(|k| *k == key_id(1)));
        sts.await_calls(2);
        assert_eq!(sts.calls(), 2, "one background refresh");
        await_ticks(&ticks, 5);
        sts.set_open(true);
        let start = std::time::Instant::now();
        while provider.cached().unwrap().access_key_id() != key_id(2) {
            assert!(start.elapsed() < PATIENCE);
            std::thread::sleep(Duration::from_millis(2));
        }
        let again = rt.block_on(provider.provide_credentials()).unwrap();
        assert_eq!(again.access_key_id(), key_id(2));
        assert_eq!(sts.calls(), 2);
    }
}
