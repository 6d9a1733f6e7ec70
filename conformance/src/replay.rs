//! Replaying recorded exchanges through the real client and transports.
//!
//! [`run`] drives `sts-client` over any [`Transport`] pointed at a server
//! that plays an exchange's answers, and [`check`] compares the outcome and
//! the requests the server saw with what the exchange expects.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use serde_json::Value;
use sts_client::endpoint::{EndpointParams, resolve};
use sts_client::{Buffers, Client, Credentials, Delay, MemoryToken, OwnedInput, RetryPolicy, SplitMix64, StdClock};
use sts_transport::Transport;

use crate::Exchange;

/// A delay that records the waits instead of sleeping, so a replay with
/// retries takes no time.
#[derive(Debug, Default, Clone)]
pub struct RecordedDelay(pub Rc<RefCell<Vec<Duration>>>);

impl Delay for RecordedDelay {
    fn delay(&mut self, duration: Duration) {
        self.0.borrow_mut().push(duration);
    }
}

/// What one replay produced.
#[derive(Debug)]
pub struct Outcome {
    /// `Ok` with the credentials' members as `sts-vectors` prints them, or
    /// the error classified as the exchange's `expected` writes it.
    pub result: Result<Value, Value>,
    /// Attempts the client made.
    pub attempts: u32,
    /// Waits between attempts.
    pub waits: Vec<Duration>,
}

/// A request as the server saw it.
#[derive(Debug, Clone)]
pub struct SeenRequest {
    /// Method.
    pub method: String,
    /// Path.
    pub path: String,
    /// Headers (lower-case names).
    pub headers: Vec<(String, String)>,
    /// Form-decoded body.
    pub params: Vec<(String, String)>,
}

/// Runs the exchange's input through the client against `endpoint_url` over
/// `transport`.
pub fn run<T: Transport>(exchange: &Exchange, transport: T, endpoint_url: &str) -> Outcome {
    let input = &exchange.input;
    let s = |k: &str| input.get(k).and_then(Value::as_str);
    let arns: Vec<&str> = input
        .get("PolicyArns")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let mut params = OwnedInput::new(s("RoleArn").expect("RoleArn"));
    params.policy_arns = arns.iter().map(|a| a.to_string()).collect();
    params.role_session_name = s("RoleSessionName").map(str::to_owned);
    params.policy = s("Policy").map(str::to_owned);
    params.provider_id = s("ProviderId").map(str::to_owned);
    params.duration_seconds = input.get("DurationSeconds").and_then(Value::as_u64).map(|d| d as u32);
    let endpoint = resolve(&EndpointParams {
        endpoint: Some(endpoint_url),
        region: Some("us-east-1"),
        ..Default::default()
    })
    .expect("endpoint");
    let delay = RecordedDelay::default();
    let mut client = Client::new(
        transport,
        endpoint,
        (StdClock::new(), delay.clone(), SplitMix64::new(7)),
    )
    .with_retry_policy(RetryPolicy::STANDARD);
    let mut token = MemoryToken::from_str(s("WebIdentityToken").expect("WebIdentityToken"));
    let mut req = vec![0u8; 64 * 1024];
    let mut resp = vec![0u8; 64 * 1024];
    let mut c: Credentials<[u8; 4096]> = Credentials::empty();
    let result =
        params.with_input(|input| client.fetch_into(input, &mut token, &mut Buffers::new(&mut req, &mut resp), &mut c));
    let (result, attempts) = match result {
        Ok(()) => {
            let e = c.expiration();
            let creds = serde_json::json!({
                "AccessKeyId": c.access_key_id(),
                "SecretAccessKey": c.secret_access_key().expose(),
                "SessionToken": c.session_token().expose(),
                "Expiration": {"seconds": e.seconds, "nanos": e.nanos},
            });
            (Ok(creds), 0)
        }
        Err(e) => {
            let attempts = e.attempts();
            let v = match e.kind() {
                sts_client::ErrorKind::Service(s) => {
                    serde_json::json!({"error": {"code": s.code(), "request_id": s.request_id()}})
                }
                sts_client::ErrorKind::Http { status } => serde_json::json!({"http_error": status}),
                sts_client::ErrorKind::Malformed(_) => serde_json::json!({"malformed": true}),
                other => serde_json::json!({"other": format!("{other:?}")}),
            };
            (Err(v), attempts)
        }
    };
    let waits = delay.0.borrow().clone();
    let attempts = if result.is_ok() {
        waits.len() as u32 + 1
    } else {
        attempts
    };
    Outcome {
        result,
        attempts,
        waits,
    }
}

/// Checks an outcome and the requests the server saw against the exchange;
/// returns a description of the first mismatch.
pub fn check(exchange: &Exchange, outcome: &Outcome, seen: &[SeenRequest]) -> Result<(), String> {
    let expected = &exchange.expected;
    let attempts = expected["attempts"].as_u64().unwrap_or(1) as usize;
    if seen.len() != attempts {
        return Err(format!("server saw {} requests, expected {attempts}", seen.len()));
    }
    if outcome.waits.len() != attempts - 1 {
        return Err(format!("{} waits for {attempts} attempts", outcome.waits.len()));
    }
    for (i, r) in seen.iter().enumerate() {
        if r.method != "POST" || r.path != "/" {
            return Err(format!("request {i}: {} {}", r.method, r.path));
        }
        if r.headers.iter().any(|(n, _)| n == "authorization") {
            return Err(format!("request {i} carries an Authorization header"));
        }
        for (name, value) in &exchange.request.headers {
            let got = r.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str());
            if got != Some(value.as_str()) {
                return Err(format!("request {i}: header {name} is {got:?}, expected {value:?}"));
            }
        }
        let mut got = r.params.clone();
        got.sort();
        let mut want: Vec<(String, String)> = exchange.request.params.clone().into_iter().collect();
        want.sort();
        if got != want {
            return Err(format!("request {i}: parameters differ:\n got {got:?}\nwant {want:?}"));
        }
    }
    match (&outcome.result, expected.get("ok")) {
        (Ok(creds), Some(ok)) => {
            if creds != &ok["Credentials"] {
                return Err(format!("credentials {creds} != {}", ok["Credentials"]));
            }
            Ok(())
        }
        (Err(e), None) => {
            let attempts_made = outcome.attempts as usize;
            if attempts_made != attempts {
                return Err(format!("error after {attempts_made} attempts, expected {attempts}"));
            }
            if let Some(err) = expected.get("error") {
                if e["error"]["code"] != err["code"] || e["error"]["request_id"] != err["request_id"] {
                    return Err(format!("error {e} != {err}"));
                }
            } else if let Some(status) = expected.get("http_error") {
                if &e["http_error"] != status {
                    return Err(format!("error {e} != http_error {status}"));
                }
            } else if expected.get("malformed").is_some() && e.get("malformed").is_none() {
                return Err(format!("error {e} is not malformed"));
            }
            Ok(())
        }
        (got, _) => Err(format!("outcome {got:?} does not match {expected}")),
    }
}
