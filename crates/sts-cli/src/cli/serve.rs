//! `mock-server`: the mock STS on 127.0.0.1 until the process is killed.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::Path;
use std::time::Duration;

use sts_mock::{Exchange, MockConfig, MockServer, ReceivedRequest};

use super::{EXIT_OTHER, EXIT_USAGE, Failure};

/// How often the request log is polled.
const POLL: Duration = Duration::from_millis(100);

/// Serves forever (returns only on a startup failure).
pub(crate) fn run(port: u16, exchange: Option<&Path>) -> Result<(), Failure> {
    let config = match exchange {
        Some(path) => {
            let exchange = Exchange::load(path).map_err(|e| {
                Failure::new(
                    EXIT_USAGE,
                    format!("could not load the exchange {}: {e}", path.display()),
                )
            })?;
            if exchange.answers.is_empty() {
                return Err(Failure::new(
                    EXIT_USAGE,
                    format!("the exchange {} has no answers", path.display()),
                ));
            }
            eprintln!(
                "sts-web-identity: replaying {} answer(s) of {} (the last repeats): {}",
                exchange.answers.len(),
                path.display(),
                exchange.docs
            );
            MockConfig::replay(exchange.answers)
        }
        None => MockConfig::default(),
    };
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let server = MockServer::start(addr, config)
        .map_err(|e| Failure::new(EXIT_OTHER, format!("could not listen on {addr}: {e}")))?;
    super::print_stdout(&format!("listening on {}\n", server.url()))?;
    let mut logged = 0;
    loop {
        std::thread::sleep(POLL);
        let requests = server.requests();
        for (i, r) in requests.iter().enumerate().skip(logged) {
            eprintln!("sts-web-identity: request {}: {}", i + 1, describe(r));
        }
        logged = requests.len();
    }
}

/// One request for the log: method, path (without its query string: for a
/// `GET` it holds the token) and parameters, the token replaced by its
/// length.
fn describe(r: &ReceivedRequest) -> String {
    let params: Vec<String> = r
        .params()
        .into_iter()
        .map(|(name, mut value)| {
            if name == "WebIdentityToken" {
                let n = value.chars().count();
                zeroize::Zeroize::zeroize(&mut value);
                format!("{name}=<redacted {n} chars>")
            } else {
                format!("{name}={value}")
            }
        })
        .collect();
    let path = r.path.split_once('?').map_or(r.path.as_str(), |(p, _)| p);
    format!("{} {} {}", r.method, path, params.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_log_never_shows_the_token() {
        let r = ReceivedRequest {
            method: "POST".into(),
            path: "/".into(),
            headers: Vec::new(),
            body: b"Action=AssumeRoleWithWebIdentity&WebIdentityToken=secret.jwt.value&RoleArn=a".to_vec(),
        };
        let line = describe(&r);
        assert_eq!(
            line,
            "POST / Action=AssumeRoleWithWebIdentity WebIdentityToken=<redacted 16 chars> RoleArn=a"
        );
    }

    #[test]
    fn the_log_never_shows_the_token_of_a_get() {
        let r = ReceivedRequest {
            method: "GET".into(),
            path: "/?Action=AssumeRoleWithWebIdentity&WebIdentityToken=secret.jwt.value".into(),
            headers: Vec::new(),
            body: Vec::new(),
        };
        let line = describe(&r);
        assert_eq!(
            line,
            "GET / Action=AssumeRoleWithWebIdentity WebIdentityToken=<redacted 16 chars>"
        );
        assert!(!line.contains("secret"));
    }
}
