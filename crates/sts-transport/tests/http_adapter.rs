//! `HttpAdapter`: the request it hands to the wrapped client, and how the
//! client's answer lands in the caller's buffer (with the same framing
//! policy as the other engines).

mod common;

use core::cell::RefCell;

use sts_transport::{Error, HttpAdapter, MalformedHttp, Request, Scheme, Transport};

fn sts(body: &'static str) -> Request<'static> {
    Request {
        method: "POST",
        scheme: Scheme::Https,
        host: "sts.eu-west-1.amazonaws.com",
        port: 443,
        path: "/",
        headers: &[
            ("X-Trace", "t-1"),
            ("Content-Type", "application/x-www-form-urlencoded"),
        ],
        body: body.as_bytes(),
        // Any case: the answer's header is matched without regard to it.
        request_id_header: Some("X-Amzn-RequestId"),
    }
}

fn answer(status: u16, headers: &[(&str, &str)], body: &[u8]) -> http::Response<Vec<u8>> {
    let mut b = http::Response::builder().status(status);
    for (n, v) in headers {
        b = b.header(*n, *v);
    }
    b.body(body.to_vec()).unwrap()
}

#[test]
fn builds_the_request_and_copies_the_answer() {
    let seen = RefCell::new(None);
    let mut adapter = HttpAdapter::new(|req: http::Request<Vec<u8>>| {
        *seen.borrow_mut() = Some(req);
        Ok(answer(
            200,
            &[
                ("Date", "Mon, 16 Aug 2021 19:52:53 GMT"),
                ("Content-Type", "text/xml"),
                ("x-amzn-requestid", common::ENV_REQUEST_ID),
            ],
            common::ENV_RESPONSE_200.as_bytes(),
        ))
    });
    let mut buf = [0u8; 4096];
    let r = adapter.send(&sts(common::ENV_REQUEST_BODY), &mut buf).unwrap();
    assert_eq!(r.status, 200);
    assert_eq!(r.date, Some("Mon, 16 Aug 2021 19:52:53 GMT"));
    assert_eq!(r.content_type, Some("text/xml"));
    assert_eq!(r.request_id, Some(common::ENV_REQUEST_ID));
    assert_eq!(&r.body[..], common::ENV_RESPONSE_200.as_bytes());

    let req = seen.into_inner().unwrap();
    assert_eq!(req.method(), "POST");
    assert_eq!(req.uri(), "https://sts.eu-west-1.amazonaws.com/");
    let h = |n: &str| req.headers().get(n).map(|v| v.to_str().unwrap());
    assert_eq!(h("content-type"), Some("application/x-www-form-urlencoded"));
    assert_eq!(h("accept-encoding"), Some("identity"));
    assert_eq!(h("x-trace"), Some("t-1"));
    let len = common::ENV_REQUEST_BODY.len().to_string();
    assert_eq!(h("content-length"), Some(len.as_str()));
    assert_eq!(h("authorization"), None);
    assert_eq!(req.body(), common::ENV_REQUEST_BODY.as_bytes());
}

#[test]
fn no_content_type_unless_given_and_no_request_id_unless_named() {
    let seen = RefCell::new(None);
    let mut adapter = HttpAdapter::new(|req: http::Request<Vec<u8>>| {
        *seen.borrow_mut() = Some(req);
        Ok(answer(200, &[("x-amzn-requestid", "r-1")], b"ok"))
    });
    let request = Request {
        headers: &[],
        request_id_header: None,
        ..sts("a=1")
    };
    let mut buf = [0u8; 64];
    let r = adapter.send(&request, &mut buf).unwrap();
    assert_eq!(r.request_id, None);
    let req = seen.into_inner().unwrap();
    assert_eq!(req.headers().get("content-type"), None);
}

#[test]
fn policy_and_errors() {
    let mut buf = [0u8; 64];
    let calls = core::cell::Cell::new(0);
    let mut never = HttpAdapter::new(|_req: http::Request<Vec<u8>>| {
        calls.set(calls.get() + 1);
        Err(Error::Timeout)
    });
    let mut plain = sts("x=1");
    plain.scheme = Scheme::Http;
    assert_eq!(never.send(&plain, &mut buf).unwrap_err(), Error::InsecureScheme);
    // The client's own error passes through unchanged.
    assert_eq!(never.send(&sts("x=1"), &mut buf).unwrap_err(), Error::Timeout);
    assert_eq!(calls.get(), 1, "the insecure request never reached the client");

    let cases: &[(&str, http::Response<Vec<u8>>, Error)] = &[
        (
            "body_larger_than_buffer",
            answer(200, &[("x-amzn-requestid", "abcd")], &[b'x'; 100]),
            Error::BufferTooSmall { needed: Some(104) },
        ),
        (
            "content_length_with_transfer_encoding",
            answer(200, &[("content-length", "2"), ("transfer-encoding", "chunked")], b"ok"),
            Error::MalformedResponse(MalformedHttp::ContentLengthWithTransferEncoding),
        ),
        (
            "gzip",
            answer(200, &[("content-encoding", "gzip")], b"ok"),
            Error::MalformedResponse(MalformedHttp::ContentEncoding),
        ),
        (
            "content_length_mismatch",
            answer(200, &[("content-length", "3")], b"ok"),
            Error::UnexpectedEof,
        ),
    ];
    for (name, response, expected) in cases {
        let mut adapter = HttpAdapter::new(|_req| Ok(response.clone()));
        assert_eq!(adapter.send(&sts("x=1"), &mut buf).unwrap_err(), *expected, "{name}");
    }
    let mut limited = HttpAdapter::new(|_req| Ok(answer(200, &[], b"12345"))).max_body(4);
    assert_eq!(
        limited.send(&sts("x=1"), &mut buf).unwrap_err(),
        Error::BodyTooLarge { limit: 4 }
    );
}

/// A real client plugged in: ureq's agent takes `http::Request` and gives
/// `http::Response`, against the recorded answer served by wiremock.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_real_client_plugs_in() {
    use wiremock::matchers::{body_string, method};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(body_string(common::ENV_REQUEST_BODY))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("x-amzn-requestid", common::ENV_REQUEST_ID)
                .set_body_raw(common::ENV_RESPONSE_200.as_bytes().to_vec(), "text/xml"),
        )
        .expect(1)
        .mount(&server)
        .await;
    let port = server.address().port();
    let body = tokio::task::spawn_blocking(move || {
        let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
        let mut adapter = HttpAdapter::new(move |req: http::Request<Vec<u8>>| {
            let res = agent.run(req).map_err(|_| Error::Io)?;
            let (parts, mut body) = res.into_parts();
            let bytes = body.read_to_vec().map_err(|_| Error::Io)?;
            Ok(http::Response::from_parts(parts, bytes))
        });
        let request = common::sts_request(port, common::ENV_REQUEST_BODY);
        let mut buf = [0u8; 4096];
        let r = adapter.send(&request, &mut buf).unwrap();
        assert_eq!(r.request_id, Some(common::ENV_REQUEST_ID));
        r.body.to_vec()
    })
    .await
    .unwrap();
    assert_eq!(body, common::ENV_RESPONSE_200.as_bytes());
}
