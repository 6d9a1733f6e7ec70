//! The chaining provider on a fake clock and a fake STS: which hops are
//! fetched when, with which credentials each hop is signed, the one-hour
//! cap, and what a failure at each level does.

// A host-only test crate: the core/alloc import lints are for the no_std crates.
#![allow(clippy::std_instead_of_core, clippy::std_instead_of_alloc)]
#![cfg(feature = "chain")]

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use sts_client::endpoint::{Endpoint, EndpointParams, resolve};
use sts_client::{
    AsyncChainProvider, AsyncClient, AsyncCredentialProvider, Buffers, ChainProvider, Client, Clock,
    CredentialProvider, Credentials, ErrorKind, Hop, Instant, NoDelay, RefreshPolicy, RetryPolicy, SplitMix64,
    Timestamp,
};
use sts_codec::{AssumeRoleInput, AssumeRoleWithWebIdentityInput};
use sts_transport::{AsyncTransport, Error, Request, Response, Transport};

/// Wall time = 2021-08-16T19:52:53Z + the fake monotonic clock.
const EPOCH: i64 = 1_629_143_573;

/// (action, role ARN, access key id that signed it, DurationSeconds).
type Row = (String, String, String, String);

#[derive(Clone, Default)]
struct Fake {
    ms: Ms,
    log: Rc<RefCell<Vec<Row>>>,
    /// Role ARNs that answer 403 AccessDenied.
    deny: Rc<RefCell<Vec<String>>>,
    issued: Rc<Cell<u32>>,
}

/// The fake monotonic clock, shareable with the provider's own reads.
#[derive(Clone, Default)]
struct Ms(Arc<AtomicU64>);

impl Ms {
    fn get(&self) -> u64 {
        self.0.load(Ordering::SeqCst)
    }
    fn set(&self, ms: u64) {
        self.0.store(ms, Ordering::SeqCst);
    }
}

impl Clock for Ms {
    fn now(&self) -> Instant {
        Instant::from_millis(self.get())
    }
    fn wall_time(&self) -> Option<Timestamp> {
        Timestamp::from_unix(EPOCH + (self.get() / 1000) as i64, 0)
    }
}

impl Clock for Fake {
    fn now(&self) -> Instant {
        self.ms.now()
    }
    fn wall_time(&self) -> Option<Timestamp> {
        self.ms.wall_time()
    }
}

fn param(body: &str, name: &str) -> String {
    form_urlencoded::parse(body.as_bytes())
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

impl Transport for Fake {
    fn send<'b>(&mut self, request: &Request<'_>, buf: &'b mut [u8]) -> Result<Response<'b>, Error> {
        let body = std::str::from_utf8(request.body).unwrap();
        let action = param(body, "Action");
        let arn = param(body, "RoleArn");
        let signer = request
            .headers
            .iter()
            .find(|(n, _)| *n == "Authorization")
            .and_then(|(_, v)| v.split("Credential=").nth(1))
            .map(|c| c.split('/').next().unwrap().to_owned())
            .unwrap_or_default();
        self.log
            .borrow_mut()
            .push((action.clone(), arn.clone(), signer, param(body, "DurationSeconds")));
        let answer = if self.deny.borrow().contains(&arn) {
            "<ErrorResponse><Error><Code>AccessDenied</Code><Message>no</Message></Error></ErrorResponse>".to_owned()
        } else {
            let n = self.issued.get() + 1;
            self.issued.set(n);
            let duration: i64 = param(body, "DurationSeconds").parse().unwrap_or(3600);
            let exp = Timestamp::from_unix(EPOCH + (self.ms.get() / 1000) as i64 + duration, 0).unwrap();
            let exp = exp.rfc3339().unwrap();
            format!(
                "<{action}Response><{action}Result><Credentials><AccessKeyId>ASIAKEY{n}</AccessKeyId>\
                 <SecretAccessKey>secret{n}</SecretAccessKey><SessionToken>token{n}</SessionToken>\
                 <Expiration>{}</Expiration></Credentials></{action}Result></{action}Response>",
                exp.as_str()
            )
        };
        buf[..answer.len()].copy_from_slice(answer.as_bytes());
        let status = if answer.starts_with("<ErrorResponse>") {
            403
        } else {
            200
        };
        Ok(Response::new(status, &mut buf[..answer.len()]))
    }
}

impl AsyncTransport for Fake {
    async fn send<'b>(&mut self, request: &Request<'_>, buf: &'b mut [u8]) -> Result<Response<'b>, Error> {
        Transport::send(self, request, buf)
    }
}

const BASE: &str = "arn:aws:iam::111111111111:role/device";
const HOP1: &str = "arn:aws:iam::222222222222:role/middle";
const HOP2: &str = "arn:aws:iam::333333333333:role/reader";

fn eu_west_1() -> Endpoint {
    resolve(&EndpointParams {
        region: Some("eu-west-1"),
        ..Default::default()
    })
    .unwrap()
}

fn actions(fake: &Fake) -> Vec<Row> {
    fake.log.borrow_mut().drain(..).collect()
}

fn row(action: &str, arn: &str, signer: &str, duration: &str) -> Row {
    (action.into(), arn.into(), signer.into(), duration.into())
}

#[test]
fn each_hop_is_signed_by_the_one_before_and_refreshed_on_its_own_schedule() {
    let fake = Fake::default();
    let endpoint = eu_west_1();
    let client = Client::new(fake.clone(), endpoint, (fake.clone(), NoDelay, SplitMix64::new(3)))
        .with_retry_policy(RetryPolicy::NONE);
    let (mut req, mut resp) = ([0u8; 4096], [0u8; 4096]);
    let (mut base_store, mut s1, mut s2) = (Credentials::new(), Credentials::new(), Credentials::new());
    let no_jitter = RefreshPolicy::DEFAULT.with_jitter(false);
    let base = CredentialProvider::new(
        client,
        AssumeRoleWithWebIdentityInput::for_role(BASE).with_duration_seconds(7200),
        "eyJhbGciOiJSUzI1NiJ9.e30.c2ln",
        Buffers::new(&mut req, &mut resp),
        &mut base_store,
    )
    .with_refresh_policy(no_jitter);
    let mut hops = [
        Hop::new(AssumeRoleInput::new(HOP1, "one").with_duration_seconds(1800), &mut s1).with_refresh_policy(no_jitter),
        // Asked for 12 h: clamped to the 1 h STS allows a chained session.
        Hop::new(AssumeRoleInput::new(HOP2, "two").with_duration_seconds(43_200), &mut s2)
            .with_refresh_policy(no_jitter),
    ];
    assert_eq!(hops[1].input().duration_seconds, Some(3600));
    let mut chain = ChainProvider::new(base, &mut hops, "eu-west-1");

    // t = 0: all three, in order, each signed by the credentials before it.
    assert_eq!(chain.credentials().unwrap().access_key_id(), "ASIAKEY3");
    assert_eq!(
        actions(&fake),
        [
            row("AssumeRoleWithWebIdentity", BASE, "", "7200"),
            row("AssumeRole", HOP1, "ASIAKEY1", "1800"),
            row("AssumeRole", HOP2, "ASIAKEY2", "3600"),
        ]
    );
    // Cached: nothing sent.
    chain.credentials().unwrap();
    assert!(actions(&fake).is_empty());

    // t = 23 min: hop 1 (30 min, advisory window 7.5 min) needs a refresh,
    // but hop 2 (1 h) does not: nothing is sent, since nothing served needs it.
    fake.ms.set(23 * 60_000);
    assert_eq!(chain.credentials().unwrap().access_key_id(), "ASIAKEY3");
    assert!(actions(&fake).is_empty());

    // t = 46 min: hop 2 is in its advisory window (15 min before its hour);
    // hop 1 is stale too, the base (2 h) is not: hop 1 then hop 2.
    fake.ms.set(46 * 60_000);
    assert_eq!(chain.credentials().unwrap().access_key_id(), "ASIAKEY5");
    assert_eq!(
        actions(&fake),
        [
            row("AssumeRole", HOP1, "ASIAKEY1", "1800"),
            row("AssumeRole", HOP2, "ASIAKEY4", "3600")
        ]
    );
    let hops = chain.hops();
    assert_eq!(hops[1].credentials().lifetime().as_secs(), 3600);
}

#[test]
fn failures_keep_serving_until_the_last_hop_must_refresh() {
    let fake = Fake::default();
    let endpoint = eu_west_1();
    let client = Client::new(fake.clone(), endpoint, (fake.clone(), NoDelay, SplitMix64::new(3)))
        .with_retry_policy(RetryPolicy::NONE);
    let (mut req, mut resp) = ([0u8; 4096], [0u8; 4096]);
    let (mut base_store, mut s1) = (Credentials::new(), Credentials::new());
    let no_jitter = RefreshPolicy::DEFAULT.with_jitter(false);
    let base = CredentialProvider::new(
        client,
        AssumeRoleWithWebIdentityInput::for_role(BASE),
        "eyJhbGciOiJSUzI1NiJ9.e30.c2ln",
        Buffers::new(&mut req, &mut resp),
        &mut base_store,
    )
    .with_refresh_policy(no_jitter);
    let mut hops = [Hop::new(AssumeRoleInput::for_role(HOP1), &mut s1).with_refresh_policy(no_jitter)];
    let mut chain = ChainProvider::new(base, &mut hops, "eu-west-1");

    // The hop is denied at the start: nothing to serve, the error says why.
    fake.deny.borrow_mut().push(HOP1.into());
    let e = chain.credentials().unwrap_err();
    assert!(
        matches!(e.kind(), ErrorKind::Service(s) if s.code() == "AccessDenied"),
        "{e}"
    );
    fake.deny.borrow_mut().clear();
    // Only the hop is fetched again: the base (key 1) is cached.
    assert_eq!(chain.credentials().unwrap().access_key_id(), "ASIAKEY2");
    assert_eq!(actions(&fake)[2], row("AssumeRole", HOP1, "ASIAKEY1", ""));

    // Advisory window (t = 47 min; the base is stale too): both fail, the
    // hop's old credentials keep being served.
    fake.ms.set(47 * 60_000);
    fake.deny.borrow_mut().extend([BASE.to_owned(), HOP1.to_owned()]);
    assert_eq!(chain.credentials().unwrap().access_key_id(), "ASIAKEY2");
    assert!(chain.hops()[0].schedule().last_error().is_some());

    // Mandatory window (t = 51 min): the hop's refresh fails, and so does the call.
    fake.ms.set(51 * 60_000);
    assert!(chain.credentials().is_err());
    // Once STS answers again, base and hop are fresh.
    fake.deny.borrow_mut().clear();
    actions(&fake);
    assert_eq!(chain.credentials().unwrap().access_key_id(), "ASIAKEY4");
    let rows = actions(&fake);
    assert_eq!(rows[0].0, "AssumeRoleWithWebIdentity");
    assert_eq!(rows[1], row("AssumeRole", HOP1, "ASIAKEY3", ""));
}

/// The async twin takes the same hops, signed the same way.
#[test]
fn the_async_chain_takes_the_same_hops() {
    let fake = Fake::default();
    let endpoint = eu_west_1();
    let client = AsyncClient::new(fake.clone(), endpoint, (fake.clone(), NoDelay, SplitMix64::new(3)))
        .with_retry_policy(RetryPolicy::NONE);
    let (mut req, mut resp) = ([0u8; 4096], [0u8; 4096]);
    let (mut base_store, mut s1, mut s2) = (Credentials::new(), Credentials::new(), Credentials::new());
    let base = AsyncCredentialProvider::new(
        client,
        AssumeRoleWithWebIdentityInput::for_role(BASE),
        "eyJhbGciOiJSUzI1NiJ9.e30.c2ln",
        Buffers::new(&mut req, &mut resp),
        &mut base_store,
    );
    let mut hops = [
        Hop::new(AssumeRoleInput::new(HOP1, "one"), &mut s1),
        Hop::new(AssumeRoleInput::new(HOP2, "two"), &mut s2),
    ];
    let mut chain = AsyncChainProvider::new(base, &mut hops, "eu-west-1");
    let key = futures_executor::block_on(async { chain.credentials().await.map(|c| c.access_key_id().to_owned()) });
    assert_eq!(key.unwrap(), "ASIAKEY3");
    assert_eq!(
        actions(&fake),
        [
            row("AssumeRoleWithWebIdentity", BASE, "", ""),
            row("AssumeRole", HOP1, "ASIAKEY1", ""),
            row("AssumeRole", HOP2, "ASIAKEY2", ""),
        ]
    );
}

/// The owning std form: the same hops, lazily, over owned storage;
/// credentials handed out stay valid after a refresh.
#[test]
fn the_std_chain_owns_its_storage_and_refreshes_the_same_way() {
    use sts_client::config::RoleHop;
    use sts_client::{MemoryToken, OwnedInput, StdChainProvider};

    let fake = Fake::default();
    let endpoint = eu_west_1();
    let client = Client::new(fake.clone(), endpoint, (fake.clone(), NoDelay, SplitMix64::new(3)))
        .with_retry_policy(RetryPolicy::NONE);
    let hop = |arn: &str, duration| {
        let text = format!(
            "[profile web]\nrole_arn = {BASE}\nweb_identity_token_file = /t\n\n[profile one]\nrole_arn = {HOP1}\nsource_profile = web\n\n[profile two]\nrole_arn = {arn}\nsource_profile = one\n{duration}"
        );
        sts_client::config::role_chain(&text, "two").unwrap().1
    };
    // The hops as the shared config gives them (RoleHop is the config's).
    let hops: Vec<RoleHop> = hop(HOP2, "duration_seconds = 43200\n");
    assert_eq!(hops.len(), 2);
    let mut provider = StdChainProvider::with_clock(
        client,
        fake.ms.clone(),
        OwnedInput::new(BASE),
        MemoryToken::from_str("eyJhbGciOiJSUzI1NiJ9.e30.c2ln"),
        hops,
        "eu-west-1".to_owned(),
    )
    .with_refresh_policy(RefreshPolicy::DEFAULT.with_jitter(false));
    assert_eq!(provider.hops(), 2);
    let first = provider.credentials().unwrap();
    assert_eq!(first.access_key_id(), "ASIAKEY3");
    assert_eq!(
        actions(&fake),
        [
            row("AssumeRoleWithWebIdentity", BASE, "", ""),
            row("AssumeRole", HOP1, "ASIAKEY1", ""),
            row("AssumeRole", HOP2, "ASIAKEY2", "3600"),
        ]
    );
    assert!(provider.credentials().is_ok());
    assert!(actions(&fake).is_empty(), "cached");
    // 50 min: every level (1 h each) is in its mandatory window.
    fake.ms.set(50 * 60_000);
    let second = provider.credentials().unwrap();
    assert_eq!(second.access_key_id(), "ASIAKEY6");
    assert_eq!(actions(&fake).len(), 3);
    assert_eq!(
        first.access_key_id(),
        "ASIAKEY3",
        "handed-out credentials are unchanged"
    );
    // The hop is denied in its mandatory window: the error reaches the caller.
    fake.ms.set(100 * 60_000);
    fake.deny.borrow_mut().push(HOP2.into());
    assert!(provider.credentials().is_err());
}
