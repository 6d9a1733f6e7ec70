//! The buffers a fetch works in hold no secret once it returns.
//!
//! The client wipes only what was written (the body it encoded, the bytes
//! the token source reported, and the response buffer up to its last nonzero
//! byte), not the whole of both buffers. These tests lend buffers filled with
//! a sentinel, or zeroed with a transport that leaves secrets where a real
//! one can (past the body it returns), and check that afterwards every byte
//! of both buffers is either zero or the sentinel: no byte of the token, the
//! request body or the answer survives.

extern crate alloc;

use alloc::rc::Rc;
use core::cell::RefCell;

use sts_client::endpoint::{EndpointParams, resolve};
use sts_client::{
    Buffers, Client, Clock, Credentials, FnToken, Instant, MemoryToken, NoDelay, SplitMix64, TokenSource,
};
use sts_codec::AssumeRoleWithWebIdentityInput;
use sts_transport::{Request, Response, Transport};

const SENTINEL: u8 = 0xA5;
const ROLE: &str = "arn:aws:iam::123456789012:role/device";
const TOKEN: &str = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJkZXZpY2UtNDIiLCJhdWQiOiJzdHMifQ.c2lnbmF0dXJlLXNpZ25hdHVyZQ";
const ACCESS_KEY_ID: &str = "ASIAWIPETESTKEY";
const SECRET_ACCESS_KEY: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYWIPETEST";
const SESSION_TOKEN: &str = "IQoJb3JpZ2luX2VjEWipeTestSessionToken0123456789";
const DATE: &str = "Mon, 16 Aug 2021 19:52:53 GMT";

fn body() -> String {
    format!(
        "<AssumeRoleWithWebIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\
         <AssumeRoleWithWebIdentityResult><Credentials>\
         <AccessKeyId>{ACCESS_KEY_ID}</AccessKeyId><SecretAccessKey>{SECRET_ACCESS_KEY}</SecretAccessKey>\
         <SessionToken>{SESSION_TOKEN}</SessionToken><Expiration>2021-08-16T20:52:53Z</Expiration>\
         </Credentials></AssumeRoleWithWebIdentityResult>\
         <ResponseMetadata><RequestId>wipe-test</RequestId></ResponseMetadata>\
         </AssumeRoleWithWebIdentityResponse>"
    )
}

struct Ticks;
impl Clock for Ticks {
    fn now(&self) -> Instant {
        Instant::from_millis(1_000)
    }
}

/// Every byte is zero or the sentinel, and no 6-byte piece of a secret (the
/// token as sent, and the three credential members) is left.
fn assert_clean(name: &str, what: &str, buf: &[u8]) {
    assert_no_secret(name, what, buf);
    if let Some(i) = buf.iter().position(|&b| b != 0 && b != SENTINEL) {
        panic!(
            "{name}: {what} buffer byte {i} is {:#04x}, neither zero nor the sentinel",
            buf[i]
        );
    }
}

/// No 6-byte piece of a secret is in `buf`.
fn assert_no_secret(name: &str, what: &str, buf: &[u8]) {
    for secret in [TOKEN, ACCESS_KEY_ID, SECRET_ACCESS_KEY, SESSION_TOKEN] {
        for piece in secret.as_bytes().windows(6) {
            assert!(
                !buf.windows(6).any(|w| w == piece),
                "{name}: {what} buffer still holds part of a secret"
            );
        }
    }
}

/// What the scripted transport does on one attempt.
#[derive(Clone, Copy, Debug)]
enum Move {
    /// Fills the whole buffer with answer bytes, then fails (a timeout in the
    /// middle of a large answer).
    FillThenFail,
    /// Answers; the head at the front, the body after it, and past the body
    /// a stale copy of the end of the answer (as dropping a `1xx` head, or
    /// decoding a chunked body, in place leaves it).
    AnswerLeavingRawCopy,
}

/// A transport that leaves secrets where a real one may, and checks that the
/// token is not in the buffer it is lent.
struct Leaky {
    moves: Vec<Move>,
    sent_bodies: Rc<RefCell<Vec<Vec<u8>>>>,
    /// Whether to check that the token is gone when the attempt starts.
    check_token: bool,
}

impl Transport for Leaky {
    fn send<'b>(&mut self, request: &Request<'_>, buf: &'b mut [u8]) -> Result<Response<'b>, sts_transport::Error> {
        self.sent_bodies.borrow_mut().push(request.body.to_vec());
        // The token was read into this buffer; it must be gone by now.
        if self.check_token {
            for piece in TOKEN.as_bytes().windows(6) {
                assert!(!buf.windows(6).any(|w| w == piece), "token left in the response buffer");
            }
        }
        let body = body();
        match self.moves.remove(0) {
            Move::FillThenFail => {
                for (dst, src) in buf.iter_mut().zip(body.bytes().cycle()) {
                    *dst = src;
                }
                Err(sts_transport::Error::Timeout)
            }
            Move::AnswerLeavingRawCopy => {
                // A large `1xx` head, then the answer, read in one go; the
                // `1xx` head is dropped by moving the rest down over it, so
                // the last bytes of the answer stay past its new end.
                let interim = format!("HTTP/1.1 100 Continue\r\nX-Padding: {}\r\n\r\n", "p".repeat(600));
                let head = format!(
                    "HTTP/1.1 200 OK\r\nDate: {DATE}\r\nContent-Length: {}\r\n\r\n",
                    body.len()
                );
                let wire = format!("{interim}{head}{body}");
                let (h, b) = (head.len(), body.len());
                buf[..wire.len()].copy_from_slice(wire.as_bytes());
                buf.copy_within(interim.len()..wire.len(), 0);
                assert!(
                    buf[h + b..]
                        .windows(SESSION_TOKEN.len())
                        .any(|w| w == SESSION_TOKEN.as_bytes()),
                    "the test leaves a secret past the body"
                );
                let (head, rest) = buf.split_at_mut(h);
                let date_at = head.windows(DATE.len()).position(|w| w == DATE.as_bytes()).unwrap();
                let mut response = Response::new(200, &mut rest[..b]);
                response.date = core::str::from_utf8(&head[date_at..date_at + DATE.len()]).ok();
                Ok(response)
            }
        }
    }
}

fn fetch_with(
    name: &str,
    moves: &[Move],
    check_token: bool,
    token: &mut dyn TokenSource,
    request: &mut [u8],
    response: &mut [u8],
) -> Credentials<[u8; 2048]> {
    let sent_bodies = Rc::default();
    let transport = Leaky {
        moves: moves.to_vec(),
        sent_bodies: Rc::clone(&sent_bodies),
        check_token,
    };
    let endpoint = resolve(&EndpointParams {
        region: Some("eu-west-1"),
        ..Default::default()
    })
    .unwrap();
    let mut client = Client::new(transport, endpoint, (Ticks, NoDelay, SplitMix64::new(7)));
    let mut creds = Credentials::new();
    client
        .fetch_into(
            &AssumeRoleWithWebIdentityInput::for_role(ROLE).with_role_session_name("wipe-test"),
            token,
            &mut Buffers::new(request, response),
            &mut creds,
        )
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(sent_bodies.borrow().len(), moves.len(), "{name}");
    for sent in sent_bodies.borrow().iter() {
        // The token went out in each request body (so it was in the request
        // buffer, which the callers check).
        assert!(core::str::from_utf8(sent).unwrap().contains(TOKEN), "{name}");
    }
    assert_eq!(creds.access_key_id(), ACCESS_KEY_ID, "{name}");
    assert_eq!(creds.secret_access_key().expose(), SECRET_ACCESS_KEY, "{name}");
    assert_eq!(creds.session_token().expose(), SESSION_TOKEN, "{name}");
    creds
}

#[test]
fn no_secret_survives_in_either_buffer() {
    let scripts: [(&str, &[Move]); 2] = [
        ("answer", &[Move::AnswerLeavingRawCopy]),
        (
            "partial answer, error, then answer",
            &[Move::FillThenFail, Move::AnswerLeavingRawCopy],
        ),
    ];
    for (name, moves) in scripts {
        // Buffers full of the sentinel: what was written must end up zero,
        // what was not may stay as lent.
        let (mut req, mut resp) = ([SENTINEL; 2048], [SENTINEL; 4096]);
        fetch_with(
            name,
            moves,
            true,
            &mut MemoryToken::from_str(TOKEN),
            &mut req,
            &mut resp,
        );
        assert_clean(name, "request", &req);
        assert_clean(name, "response", &resp);
        assert!(
            req.contains(&0) && resp.contains(&0),
            "{name}: something was written and wiped"
        );

        // Zeroed buffers: the response wipe has to find the secrets left past
        // the body on its own.
        let (mut req, mut resp) = ([0u8; 2048], [0u8; 4096]);
        fetch_with(
            name,
            moves,
            true,
            &mut MemoryToken::from_str(TOKEN),
            &mut req,
            &mut resp,
        );
        assert_no_secret(name, "response", &resp);
        assert!(req.iter().all(|&b| b == 0), "{name}: request buffer wiped");
        assert!(resp.iter().all(|&b| b == 0), "{name}: response buffer wiped");
    }
}

/// A token source that writes past the length it reports (against its
/// contract): only what it reports is wiped before the attempt, and the stray
/// copy is wiped after it, with the answer.
#[test]
fn stray_token_bytes_are_wiped_after_the_attempt() {
    let mut sloppy = FnToken::new(|buf: &mut [u8]| {
        buf[..TOKEN.len()].copy_from_slice(TOKEN.as_bytes());
        // A second copy further on, not reported.
        buf[3000..3000 + TOKEN.len()].copy_from_slice(TOKEN.as_bytes());
        Ok(TOKEN.len())
    });
    let (mut req, mut resp) = ([0u8; 2048], [0u8; 4096]);
    fetch_with(
        "sloppy source",
        &[Move::AnswerLeavingRawCopy],
        false,
        &mut sloppy,
        &mut req,
        &mut resp,
    );
    assert_no_secret("sloppy source", "response", &resp);
    assert!(req.iter().all(|&b| b == 0), "request buffer wiped");
    assert!(resp.iter().all(|&b| b == 0), "response buffer wiped");
}

/// The real engine over loopback TCP: a `100 Continue` head skipped and a
/// chunked body decoded in place, both of which leave answer bytes past the
/// body the engine returns.
#[cfg(feature = "std-transport")]
#[test]
fn http_engine_over_tcp_leaves_no_secret() {
    use core::time::Duration;
    use std::io::{Read, Write};
    use std::net::TcpListener;

    use sts_transport::{HttpClient, TcpConnector};

    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = std::thread::spawn(move || {
        let (mut conn, _) = listener.accept().unwrap();
        conn.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        // Read the whole request (head, then Content-Length bytes).
        let mut got = Vec::new();
        let mut chunk = [0u8; 1024];
        loop {
            let n = conn.read(&mut chunk).unwrap();
            assert!(n > 0, "request cut short");
            got.extend_from_slice(&chunk[..n]);
            if let Some(end) = got.windows(4).position(|w| w == b"\r\n\r\n") {
                let head = String::from_utf8_lossy(&got[..end]).to_ascii_lowercase();
                let len: usize = head
                    .lines()
                    .find_map(|l| l.strip_prefix("content-length:"))
                    .unwrap()
                    .trim()
                    .parse()
                    .unwrap();
                if got.len() >= end + 4 + len {
                    break;
                }
            }
        }
        let body = body();
        let mut answer = format!(
            "HTTP/1.1 100 Continue\r\nX-Padding: {}\r\n\r\n\
             HTTP/1.1 200 OK\r\nDate: {DATE}\r\nTransfer-Encoding: chunked\r\n\r\n",
            "p".repeat(600)
        );
        for piece in body.as_bytes().chunks(97) {
            answer.push_str(&format!(
                "{:x}\r\n{}\r\n",
                piece.len(),
                core::str::from_utf8(piece).unwrap()
            ));
        }
        answer.push_str("0\r\n\r\n");
        conn.write_all(answer.as_bytes()).unwrap();
    });

    let endpoint_url = format!("http://127.0.0.1:{port}");
    let endpoint = resolve(&EndpointParams {
        endpoint: Some(&endpoint_url),
        ..Default::default()
    })
    .unwrap();
    let transport = HttpClient::new(TcpConnector::new().timeout(Duration::from_secs(10)));
    let mut client = Client::new(transport, endpoint, (Ticks, NoDelay, SplitMix64::new(7)));
    let (mut req, mut resp) = ([SENTINEL; 2048], [0u8; 4096]);
    let mut creds = Credentials::new();
    client
        .fetch_into(
            &AssumeRoleWithWebIdentityInput::for_role(ROLE),
            &mut MemoryToken::from_str(TOKEN),
            &mut Buffers::new(&mut req, &mut resp),
            &mut creds,
        )
        .unwrap();
    server.join().unwrap();
    assert_eq!(creds.session_token().expose(), SESSION_TOKEN);
    assert_clean("tcp", "request", &req);
    assert_no_secret("tcp", "response", &resp);
    assert!(resp.iter().all(|&b| b == 0), "response buffer wiped");
}
