//! Firmware for QEMU's `mps2-an386` board (Cortex-M4F): one
//! `AssumeRoleWithWebIdentity` exchange with `sts-client` and the embedded
//! HTTP/1.1 engine of `sts-transport`, over UART0, which QEMU bridges to a
//! TCP socket. `no_std`, no allocator.
//!
//! ```text
//!  sts-client ─▶ HttpClient ─▶ Connect ─▶ UART0 (0x4000_4000) ═ QEMU chardev socket
//!                  (h1)         │  (TLS: embedded-tls)              │ 127.0.0.1:P
//!                               ▼                                   ▼
//!                        SysTick clock, timeouts          relay.py ─▶ STS mock / moto
//! ```
//!
//! Two binaries: `firmware` (plain HTTP to a loopback STS; `bench` mode
//! counts instructions of the codec) and `firmware-tls` (TLS 1.3 to a local
//! HTTPS STS, verified against a CA built in). The host side is `run.sh`.
//!
//! Output goes to the host through semihosting; the exit code is
//! [`exit_code`]'s, through `SYS_EXIT_EXTENDED`. The secret access key and the
//! session token are never printed (only their lengths).
#![no_std]
#![deny(unsafe_code)]

pub mod bench;
pub mod clock;
mod hw;
pub mod net;
pub mod tls;
pub mod uart;

use core::fmt::Write as _;

use cortex_m_rt::{ExceptionFrame, exception};
use cortex_m_semihosting::hprintln;
use sts_client::endpoint::{EndpointParams, resolve};
use sts_client::{AttemptEvent, Buffers, Client, CredentialProvider, Credentials, ErrorKind, MemoryToken, SplitMix64};
use sts_codec::AssumeRoleWithWebIdentityInput;
use sts_transport::{Connect, HttpClient};

use crate::clock::{SpinDelay, SysTickClock};

/// Process exit codes (through semihosting `SYS_EXIT_EXTENDED`).
pub mod exit_code {
    /// Credentials fetched and printed (or the benchmark ran calibrated).
    pub const OK: u32 = 0;
    /// The fetch failed (the error is printed).
    pub const FETCH_FAILED: u32 = 1;
    /// The firmware cannot run: no UART, no CA built in, bad arguments.
    pub const SETUP: u32 = 2;
    /// The fetch succeeded but a check on the result failed.
    pub const CHECK_FAILED: u32 = 3;
    /// The benchmark's calibration was off (QEMU not run with `-icount shift=6`).
    pub const UNCALIBRATED: u32 = 4;
    /// A panic.
    pub const PANIC: u32 = 101;
    /// A HardFault or an unexpected exception.
    pub const FAULT: u32 = 102;
}

/// The role the firmware assumes (the mock and moto accept any well-formed ARN).
pub const ROLE_ARN: &str = "arn:aws:iam::123456789012:role/firmware-qemu";
/// A fixed session name, so the request size is known exactly.
pub const SESSION_NAME: &str = "firmware-qemu";
/// The device's web identity token: a JWT with header `{"alg":"RS256","typ":"JWT"}`,
/// payload `{"sub":"device-1","aud":"sts.amazonaws.com","iss":"https://oidc.example.com"}`
/// and a dummy signature (the mock checks the shape, not the signature).
pub const TOKEN: &str = concat!(
    "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.",
    "eyJzdWIiOiJkZXZpY2UtMSIsImF1ZCI6InN0cy5hbWF6b25hd3MuY29tIiwiaXNzIjoiaHR0cHM6Ly9vaWRjLmV4YW1wbGUuY29tIn0.",
    "c2lnbmF0dXJl"
);

/// The request buffer: this firmware's request body is 338 bytes
/// (`encoded_len`); 1 KiB leaves room for an 800-character token.
pub const REQUEST_BUFFER: usize = 1024;
/// The response buffer: head and body of the answer (and the token, first).
/// 4 KiB holds a typical STS answer (the transport's docs: 2,248 bytes with a
/// 1 KiB session token).
pub const RESPONSE_BUFFER: usize = 4096;

/// What the firmware was asked to do, from the semihosting command line
/// (`-semihosting-config enable=on,target=native,arg=WORD`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mode {
    /// `bench`: only the instruction counts, no network.
    pub bench: bool,
    /// `probe`: after the exchange, find the smallest response buffer the
    /// server's answer needs (two more exchanges).
    pub probe: bool,
    /// `mfl` (TLS only): negotiate 1 KiB records and use 1 KiB record buffers.
    pub small_records: bool,
}

/// Reads the mode from the semihosting command line.
pub fn mode() -> Mode {
    let mut buf = [0u8; 128];
    let line = hw::command_line(&mut buf);
    let has = |w: &str| line.split(' ').any(|a| a == w);
    Mode {
        bench: has("bench"),
        probe: has("probe"),
        small_records: has("mfl"),
    }
}

/// Ends the emulation with `code` (any value, through `SYS_EXIT_EXTENDED`).
pub fn exit(code: u32) -> ! {
    hw::exit(code)
}

/// Peak stack use since reset and the stack's size, in bytes (the stack is
/// painted at reset by cortex-m-rt's `paint-stack`).
pub fn stack_usage() -> (usize, usize) {
    hw::stack_usage()
}

/// Prints each attempt: attempt number, status, request id, error, wait.
fn log_attempt(e: &AttemptEvent<'_>) {
    let mut line: heapless::String<512> = heapless::String::new();
    let _ = write!(line, "attempt {}/{} to {}:", e.attempt, e.max_attempts, e.endpoint);
    if let Some(s) = e.status {
        let _ = write!(line, " status {s}");
    }
    if let Some(id) = e.request_id {
        let _ = write!(line, " request-id {id}");
    }
    match e.error {
        Some(err) => {
            let _ = write!(line, " error: {err}");
        }
        None => {
            let _ = write!(line, " ok");
        }
    }
    if let Some(d) = e.retry_in {
        let _ = write!(line, " (retry in {} ms)", d.as_millis());
    }
    hprintln!("{}", line.as_str());
}

/// Fetches credentials from `endpoint_url` over `connector`, in the
/// `request` and `response` buffers, prints them (never the secret or the session token) and the
/// measurements, and returns the exit code.
pub fn fetch_and_report<K: Connect>(
    connector: &mut K,
    endpoint_url: &str,
    request: &mut [u8],
    response: &mut [u8],
    storage: &mut Credentials,
    mode: Mode,
) -> u32 {
    let endpoint = match resolve(&EndpointParams {
        region: Some("us-east-1"),
        endpoint: Some(endpoint_url),
        ..Default::default()
    }) {
        Ok(e) => e,
        Err(e) => {
            hprintln!("error: endpoint {}: {}", endpoint_url, e);
            return exit_code::SETUP;
        }
    };
    let input = AssumeRoleWithWebIdentityInput::for_role(ROLE_ARN)
        .with_role_session_name(SESSION_NAME)
        .with_duration_seconds(3600);
    let request_len = request.len();
    let response_len = response.len();

    let depth_before = hw::stack_depth();
    let code = exchange(
        connector,
        endpoint.clone(),
        input.clone(),
        request,
        response,
        &mut *storage,
    );
    let (peak, size) = stack_usage();
    hprintln!(
        "stack: peak {} bytes since reset, {} of them in use before the exchange (stack size {} bytes)",
        peak,
        depth_before,
        size
    );

    let input = AssumeRoleWithWebIdentityInput::new(ROLE_ARN, SESSION_NAME, TOKEN).with_duration_seconds(3600);
    hprintln!(
        "buffers: request {} bytes (this request needs {}), response {} bytes",
        request_len,
        sts_codec::encoded_len(&input),
        response_len
    );
    if code == exit_code::OK && mode.probe {
        return probe_response_buffer(connector, endpoint, request, response, storage);
    }
    code
}

/// One fetch through a [`CredentialProvider`] (what a device keeps around),
/// printing the result. Not inlined, so its frame is measured on its own.
#[inline(never)]
fn exchange<K: Connect>(
    connector: &mut K,
    endpoint: sts_client::endpoint::Endpoint,
    input: AssumeRoleWithWebIdentityInput<'_>,
    request: &mut [u8],
    response: &mut [u8],
    storage: &mut Credentials,
) -> u32 {
    let started = clock::ticks();
    let platform = (SysTickClock, SpinDelay, SplitMix64::new(0x5EED_F00D), log_attempt);
    let client = Client::new(HttpClient::new(&mut *connector), endpoint, platform);
    let mut provider = CredentialProvider::new(
        client,
        input,
        TOKEN,
        Buffers::new(&mut *request, &mut *response),
        storage,
    );
    match provider.credentials() {
        Ok(creds) => {
            let elapsed_ms = (clock::ticks() - started) / (clock::TICKS_PER_SECOND / 1000);
            hprintln!("AccessKeyId={}", creds.access_key_id());
            match creds.expiration().rfc3339() {
                Ok(t) => hprintln!("Expiration={}", t),
                Err(e) => hprintln!("Expiration=<unprintable: {}>", e),
            }
            hprintln!(
                "SecretAccessKey: {} bytes, SessionToken: {} bytes (not shown)",
                creds.secret_access_key().len(),
                creds.session_token().len()
            );
            hprintln!(
                "valid for {} s on the device clock (from the server's Date), fetched in {} ms",
                creds.lifetime().as_secs(),
                elapsed_ms
            );
            if creds.secret_access_key().is_empty() || creds.session_token().is_empty() {
                hprintln!("error: empty secret or session token");
                exit_code::CHECK_FAILED
            } else {
                exit_code::OK
            }
        }
        Err(e) => {
            hprintln!("error: {} ({} attempt(s))", e.kind(), e.attempts());
            exit_code::FETCH_FAILED
        }
    }
}

/// Finds the smallest response buffer for the server's answer: a fetch
/// with 512 bytes (room for the head) fails with `BufferTooSmall { needed }` (exact for a
/// `Content-Length` answer), and a fetch with exactly `needed` succeeds.
#[inline(never)]
fn probe_response_buffer<K: Connect>(
    connector: &mut K,
    endpoint: sts_client::endpoint::Endpoint,
    request: &mut [u8],
    response: &mut [u8],
    storage: &mut Credentials,
) -> u32 {
    const PROBE: usize = 512;
    let input = AssumeRoleWithWebIdentityInput::for_role(ROLE_ARN)
        .with_role_session_name(SESSION_NAME)
        .with_duration_seconds(3600);
    let platform = (SysTickClock, SpinDelay, SplitMix64::new(1));
    let mut client = Client::new(HttpClient::new(&mut *connector), endpoint, platform)
        .with_retry_policy(sts_client::RetryPolicy::STANDARD.with_max_attempts(1));
    let mut token = MemoryToken::from_str(TOKEN);
    let small = response.get_mut(..PROBE).unwrap_or_default();
    let needed = match client.fetch_into(&input, &mut token, &mut Buffers::new(&mut *request, small), storage) {
        Err(e) => match e.kind() {
            ErrorKind::Transport(sts_transport::Error::BufferTooSmall { needed: Some(n) }) => *n,
            other => {
                hprintln!("probe: expected BufferTooSmall, got: {}", other);
                return exit_code::CHECK_FAILED;
            }
        },
        Ok(_) => {
            hprintln!("probe: a {}-byte buffer was enough", PROBE);
            return exit_code::OK;
        }
    };
    let Some(exact) = response.get_mut(..needed) else {
        hprintln!(
            "probe: the answer needs {} bytes, more than the {}-byte buffer",
            needed,
            response.len()
        );
        return exit_code::CHECK_FAILED;
    };
    match client.fetch_into(&input, &mut token, &mut Buffers::new(&mut *request, exact), storage) {
        Ok(_) => {
            hprintln!(
                "probe: response buffer needed for this server's answer: {} bytes (a fetch with exactly that succeeded)",
                needed
            );
            exit_code::OK
        }
        Err(e) => {
            hprintln!("probe: a {}-byte buffer failed: {}", needed, e.kind());
            exit_code::CHECK_FAILED
        }
    }
}

#[exception]
fn SysTick() {
    clock::on_wrap();
}

#[allow(unsafe_code)]
#[exception]
unsafe fn HardFault(frame: &ExceptionFrame) -> ! {
    hprintln!("HardFault at pc={:#010x}", frame.pc());
    hw::exit(exit_code::FAULT)
}

#[allow(unsafe_code)]
#[exception]
unsafe fn DefaultHandler(irqn: i16) {
    hprintln!("unexpected exception {}", irqn);
    hw::exit(exit_code::FAULT)
}

#[panic_handler]
fn panic(info: &core::panic::PanicInfo<'_>) -> ! {
    hprintln!("panic: {}", info);
    hw::exit(exit_code::PANIC)
}
