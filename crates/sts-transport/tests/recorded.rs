//! Recorded STS exchanges served by `wiremock` on 127.0.0.1: both std engines
//! (`HttpClient<TcpConnector>` and `StdTransport`) send exactly the expected
//! request (method, path, Content-Type, Host, body; no Authorization) and
//! return the recorded answer (status, Date, Content-Type, request id, body).

mod common;

use common::{ENGINES, Engine, Owned, send, sts_request};
use wiremock::matchers::{body_string, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// One recorded exchange.
struct Exchange {
    name: &'static str,
    request_body: &'static str,
    status: u16,
    date: &'static str,
    request_id: &'static str,
    response_body: &'static str,
}

const EXCHANGES: &[Exchange] = &[
    Exchange {
        name: "smithy-rs web_identity_token_env: success",
        request_body: common::ENV_REQUEST_BODY,
        status: 200,
        date: "Mon, 16 Aug 2021 19:52:53 GMT",
        request_id: common::ENV_REQUEST_ID,
        response_body: common::ENV_RESPONSE_200,
    },
    Exchange {
        name: "smithy-rs web_identity_token_invalid_jwt: InvalidIdentityToken",
        request_body: common::INVALID_JWT_REQUEST_BODY,
        status: 400,
        date: "Tue, 17 Aug 2021 19:43:57 GMT",
        request_id: "5045ca91-d123-4749-9d66-00a3c906be6c",
        response_body: common::INVALID_JWT_RESPONSE_400,
    },
    Exchange {
        name: "moto 5.2.1: success (single-line XML)",
        request_body: common::ENV_REQUEST_BODY,
        status: 200,
        date: "Thu, 26 Nov 2026 07:14:02 GMT",
        request_id: "hhxrCJBYsZ43jwcmikRsYDyvSIDMPxbUpRXKQ9MPbxrGIyXa7Saj",
        response_body: common::MOTO_RESPONSE_200,
    },
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn recorded_exchanges_on_both_engines() {
    for ex in EXCHANGES {
        for engine in ENGINES {
            let server = MockServer::start().await;
            Mock::given(method("POST"))
                .and(path("/"))
                .and(header("content-type", "application/x-www-form-urlencoded"))
                .and(body_string(ex.request_body))
                .respond_with(
                    ResponseTemplate::new(ex.status)
                        .insert_header("date", ex.date)
                        .insert_header("content-type", "text/xml")
                        .insert_header("x-amzn-requestid", ex.request_id)
                        .set_body_raw(ex.response_body.as_bytes().to_vec(), "text/xml"),
                )
                .expect(1)
                .mount(&server)
                .await;
            let port = server.address().port();

            let got = tokio::task::spawn_blocking(move || send(engine, &sts_request(port, ex.request_body), 8192))
                .await
                .unwrap();

            assert_eq!(
                got,
                Ok(Owned {
                    status: ex.status,
                    date: Some(ex.date.into()),
                    content_type: Some("text/xml".into()),
                    request_id: Some(ex.request_id.into()),
                    retry_after: None,
                    body: ex.response_body.as_bytes().to_vec(),
                }),
                "{} on {engine:?}",
                ex.name
            );

            let requests = server.received_requests().await.unwrap();
            assert_eq!(requests.len(), 1, "{} on {engine:?}", ex.name);
            let r = &requests[0];
            let h = |name: &str| r.headers.get(name).map(|v| v.to_str().unwrap().to_owned());
            assert_eq!(r.method.as_str(), "POST");
            assert_eq!(r.url.path(), "/");
            assert_eq!(r.url.query(), None);
            assert_eq!(r.body, ex.request_body.as_bytes());
            assert_eq!(h("host"), Some(format!("127.0.0.1:{port}")), "{engine:?}");
            assert_eq!(h("content-type").as_deref(), Some("application/x-www-form-urlencoded"));
            assert_eq!(h("content-length"), Some(ex.request_body.len().to_string()));
            assert_eq!(h("accept-encoding").as_deref(), Some("identity"));
            assert_eq!(h("user-agent").as_deref(), Some(sts_transport::h1::DEFAULT_USER_AGENT));
            assert_eq!(h("authorization"), None, "{engine:?}");
            assert_eq!(h("transfer-encoding"), None, "{engine:?}");
            if engine == Engine::Embedded {
                assert_eq!(h("connection").as_deref(), Some("close"));
            }
        }
    }
}

/// A buffer just large enough for the recorded answer works on the embedded
/// engine; one byte less reports exactly the size needed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn buffer_needed_is_exact() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("x-amzn-requestid", common::ENV_REQUEST_ID)
                .set_body_raw(common::ENV_RESPONSE_200.as_bytes().to_vec(), "text/xml"),
        )
        .mount(&server)
        .await;
    let port = server.address().port();
    let (small, exact) = tokio::task::spawn_blocking(move || {
        let request = sts_request(port, common::ENV_REQUEST_BODY);
        let small = send(Engine::Embedded, &request, 1024);
        let Err(sts_transport::Error::BufferTooSmall { needed: Some(n) }) = small else {
            panic!("expected BufferTooSmall, got {small:?}");
        };
        (n, send(Engine::Embedded, &request, n))
    })
    .await
    .unwrap();
    assert!(small > common::ENV_RESPONSE_200.len());
    assert_eq!(exact.unwrap().body, common::ENV_RESPONSE_200.as_bytes());
}

/// The transport knows HTTP, not STS: a request without `Content-Type` is
/// sent without one, and the request id is the header the request names (in
/// any case), on both std engines.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_content_type_unless_given_and_the_named_request_id() {
    for engine in ENGINES {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(
                ResponseTemplate::new(200)
                    .insert_header("x-amzn-requestid", common::ENV_REQUEST_ID)
                    .insert_header("x-request-id", "generic-id")
                    .set_body_raw(b"ok".to_vec(), "text/plain"),
            )
            .mount(&server)
            .await;
        let port = server.address().port();
        let got = tokio::task::spawn_blocking(move || {
            let plain = sts_transport::Request {
                headers: &[],
                request_id_header: None,
                ..sts_request(port, "a=1")
            };
            let named = sts_transport::Request {
                request_id_header: Some("X-Request-ID"),
                ..sts_request(port, "a=1")
            };
            (send(engine, &plain, 1024), send(engine, &named, 1024))
        })
        .await
        .unwrap();
        assert_eq!(got.0.map(|r| r.request_id), Ok(None), "{engine:?}");
        assert_eq!(got.1.map(|r| r.request_id), Ok(Some("generic-id".into())), "{engine:?}");

        let requests = server.received_requests().await.unwrap();
        assert_eq!(requests.len(), 2, "{engine:?}");
        assert_eq!(requests[0].headers.get("content-type"), None, "{engine:?}");
        assert_eq!(requests[0].body, b"a=1");
    }
}
