//! Replays every exchange in `data/exchanges/` through `sts-client`, two ways:
//!
//! 1. the embedded-tcp engine (`HttpClient<TcpConnector>`) against the replay
//!    server (`sts_mock::MockServer` in replay mode) on 127.0.0.1;
//! 2. the std transport (`StdTransport`, ureq) against `wiremock`.
//!
//! Each checks the requests the server received (method, path, headers that
//! matter, no `Authorization`, exactly the recorded parameters, on every
//! attempt) and the outcome (credentials, or the error and the number of
//! attempts), and prints how many exchanges passed.

// A host-only test crate: the core/alloc import lints are for the no_std crates.
#![allow(clippy::std_instead_of_core, clippy::std_instead_of_alloc)]

use std::time::Duration;

use conformance::replay::{SeenRequest, check, run};
use sts_mock::{MockConfig, MockServer};
use sts_transport::{HttpClient, StdTransport, TcpConnector};

#[test]
fn embedded_engine_against_the_replay_server() {
    let exchanges = conformance::exchanges();
    let mut passed = 0;
    let mut failures = Vec::new();
    for (name, ex) in &exchanges {
        let server = MockServer::start("127.0.0.1:0".parse().unwrap(), MockConfig::replay(ex.answers.clone())).unwrap();
        let transport = HttpClient::new(TcpConnector::new().timeout(Duration::from_secs(5)));
        let outcome = run(ex, transport, &server.url());
        let seen: Vec<SeenRequest> = server
            .requests()
            .into_iter()
            .map(|r| SeenRequest {
                params: r.params(),
                method: r.method,
                path: r.path,
                headers: r.headers,
            })
            .collect();
        match check(ex, &outcome, &seen) {
            Ok(()) => passed += 1,
            Err(e) => failures.push(format!("{name}: {e}")),
        }
    }
    println!(
        "sts-client + embedded-tcp engine vs replay server: {passed}/{} exchanges passed",
        exchanges.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn std_transport_against_wiremock() {
    use wiremock::matchers::method;
    use wiremock::{Mock, MockServer as Wiremock, ResponseTemplate};

    let rt = tokio::runtime::Runtime::new().unwrap();
    let exchanges = conformance::exchanges();
    let mut passed = 0;
    let mut failures = Vec::new();
    for (name, ex) in &exchanges {
        let server = rt.block_on(Wiremock::start());
        for answer in &ex.answers {
            let mut template =
                ResponseTemplate::new(answer.status).set_body_raw(answer.body.clone().into_bytes(), "text/xml");
            for (k, v) in &answer.headers {
                if !k.eq_ignore_ascii_case("content-type") {
                    template = template.insert_header(k.as_str(), v.as_str());
                }
            }
            // Mounted in order, each answering once: the answers play in sequence.
            rt.block_on(
                Mock::given(method("POST"))
                    .respond_with(template)
                    .up_to_n_times(1)
                    .mount(&server),
            );
        }
        let transport = StdTransport::builder()
            .timeout(Duration::from_secs(5))
            .no_proxy()
            .build()
            .unwrap();
        let outcome = run(ex, transport, &format!("{}/", server.uri()));
        let seen: Vec<SeenRequest> = rt
            .block_on(server.received_requests())
            .unwrap_or_default()
            .into_iter()
            .map(|r| SeenRequest {
                method: r.method.to_string(),
                path: r.url.path().to_owned(),
                headers: r
                    .headers
                    .iter()
                    .map(|(k, v)| (k.as_str().to_ascii_lowercase(), v.to_str().unwrap_or("").to_owned()))
                    .collect(),
                params: form_urlencoded(&r.body),
            })
            .collect();
        match check(ex, &outcome, &seen) {
            Ok(()) => passed += 1,
            Err(e) => failures.push(format!("{name}: {e}")),
        }
    }
    println!(
        "sts-client + std transport vs wiremock: {passed}/{} exchanges passed",
        exchanges.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn form_urlencoded(body: &[u8]) -> Vec<(String, String)> {
    sts_mock::ReceivedRequest {
        method: String::new(),
        path: String::new(),
        headers: vec![],
        body: body.to_vec(),
    }
    .params()
}
