//! A live `moto_server` (an STS emulator, `pip install 'moto[server]'`) on
//! 127.0.0.1, for the live-peer tests.

use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running `moto_server`, stopped when dropped.
pub struct Moto {
    child: Child,
    /// The port it listens on, on 127.0.0.1.
    pub port: u16,
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `moto_server` on a free port of 127.0.0.1 and waits until it
/// listens. Without moto: `None` (the test is skipped, saying how to install
/// it), unless `STS_REQUIRE_PEER` is set, which makes its absence a failure.
///
/// # Panics
///
/// With `STS_REQUIRE_PEER` and no moto, or when moto does not listen within
/// 30 s.
pub fn start() -> Option<Moto> {
    let port = TcpListener::bind("127.0.0.1:0").ok()?.local_addr().ok()?.port();
    let child = match Command::new("moto_server")
        .args(["-H", "127.0.0.1", "-p", &port.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
    {
        Ok(c) => c,
        Err(e) => {
            let msg = format!("moto_server not available ({e}); install it with: pip install 'moto[server]'");
            assert!(
                std::env::var_os("STS_REQUIRE_PEER").is_none(),
                "STS_REQUIRE_PEER=1 but {msg}"
            );
            eprintln!("SKIPPED: {msg}");
            return None;
        }
    };
    let moto = Moto { child, port };
    let deadline = Instant::now() + Duration::from_secs(30);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            Instant::now() < deadline,
            "moto_server did not start listening on 127.0.0.1:{port} within 30 s"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    Some(moto)
}
