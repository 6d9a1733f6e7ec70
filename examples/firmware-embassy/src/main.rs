//! Firmware for QEMU's `mps2-an386` board (Cortex-M4F) on a real network
//! stack: embassy-executor, embassy-net (smoltcp) with DHCPv4 and TCP over
//! the board's LAN9118 Ethernet controller, TLS 1.3 with embedded-tls, and
//! `sts-client`'s [`AsyncCredentialProvider`] over `sts-transport`'s
//! [`AsyncHttpClient`]. `no_std`, no allocator.
//!
//! ```text
//!  main task: AsyncCredentialProvider ─▶ AsyncClient ─▶ AsyncHttpClient
//!               (refresh schedule on        │               │ AsyncConnect
//!                the SysTick clock)         │               ▼
//!                                           │      TlsTcpConnector (tls.rs)
//!                                           │       embedded-tls ─▶ TcpSocket
//!  net task: embassy_net::Runner ◀──────────┴───────── smoltcp ◀──┘
//!               │ Driver (lan9118.rs, polled every 1 ms)
//!               ▼
//!  LAN9118 0x4020_0000 ═ QEMU -nic user,restrict=on ─ DHCP 10.0.2.15
//!     guestfwd 10.0.2.100:443 ─▶ run.sh's TLS front ─▶ STS mock (127.0.0.1)
//!     guestfwd 10.0.2.101:443 ─▶ a front whose certificate another CA signed
//! ```
//!
//! What it does, in order: DHCP; credentials from the provider; then it
//! keeps asking the provider once a second, as a device serving requests
//! would, until the provider's refresh schedule has fetched a second set
//! (the mock's answers live 20 s, so the refresh comes a few seconds later);
//! then one fetch from the rogue server, which must fail in the TLS
//! handshake. Output goes to the host through semihosting; the secret key
//! and the session token are never printed (only their lengths).
#![no_std]
#![no_main]
#![deny(unsafe_code)]

mod hw;
mod lan9118;
mod time_driver;
mod tls;

use core::fmt::Write as _;

use cortex_m_rt::{ExceptionFrame, exception};
use cortex_m_semihosting::hprintln;
use embassy_executor::Spawner;
use embassy_net::{IpEndpoint, Ipv4Address, Stack, StackResources};
use embassy_time::{Duration, Timer};
use static_cell::{ConstStaticCell, StaticCell};
use sts_client::endpoint::{Endpoint, EndpointParams, resolve};
use sts_client::{
    AsyncClient, AsyncCredentialProvider, AsyncDelay, AttemptEvent, Buffers, Clock, Credentials,
    DEFAULT_TOKEN_CAPACITY, ErrorKind, Instant, MemoryToken, RetryPolicy, SplitMix64,
};
use sts_codec::AssumeRoleWithWebIdentityInput;
use sts_transport::AsyncHttpClient;

use crate::lan9118::Lan9118;
use crate::tls::{ConnectionBuffers, TlsTcpConnector};

/// Process exit codes (through semihosting `SYS_EXIT_EXTENDED`).
mod exit_code {
    /// Two fetches with different access key ids, the second by the
    /// refresh schedule, and the rogue server refused.
    pub const OK: u32 = 0;
    /// A fetch from the good server failed (the error is printed).
    pub const FETCH_FAILED: u32 = 1;
    /// The firmware cannot run: no Ethernet controller, no CA built in.
    pub const SETUP: u32 = 2;
    /// A check failed: no refresh in time, or the rogue server accepted.
    pub const CHECK_FAILED: u32 = 3;
    /// A panic.
    pub const PANIC: u32 = 101;
    /// A HardFault or an unexpected exception.
    pub const FAULT: u32 = 102;
}

/// The role the firmware assumes.
const ROLE_ARN: &str = "arn:aws:iam::123456789012:role/firmware-embassy";
/// A fixed session name, so the request size is known exactly.
const SESSION_NAME: &str = "firmware-embassy";
/// The device's web identity token: a JWT with header `{"alg":"RS256","typ":"JWT"}`,
/// payload `{"sub":"device-1","aud":"sts.amazonaws.com","iss":"https://oidc.example.com"}`
/// and a dummy signature (the mock checks the shape, not the signature).
const TOKEN: &str = concat!(
    "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.",
    "eyJzdWIiOiJkZXZpY2UtMSIsImF1ZCI6InN0cy5hbWF6b25hd3MuY29tIiwiaXNzIjoiaHR0cHM6Ly9vaWRjLmV4YW1wbGUuY29tIn0.",
    "c2lnbmF0dXJl"
);
/// The STS endpoint: the test certificate is for `localhost`.
const ENDPOINT_URL: &str = "https://localhost";
/// Where QEMU's `guestfwd` rules put the good and the rogue TLS front.
const STS_ADDRESS: Ipv4Address = Ipv4Address::new(10, 0, 2, 100);
const ROGUE_ADDRESS: Ipv4Address = Ipv4Address::new(10, 0, 2, 101);
/// How long the device waits for the refresh before it calls it a failure
/// (emulated time; the refresh is due within 17 s of the first fetch).
const REFRESH_DEADLINE: Duration = Duration::from_secs(60);

/// The CA the firmware trusts (DER), made by run.sh at test time and built
/// in by build.rs, as a device would carry it in flash.
static CA_DER: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/ca.der"));

/// Sockets: the DHCP client and one TCP connection at a time.
const SOCKETS: usize = 2;
/// The TCP windows: the records of one exchange are a few KB; 4 KiB each way.
const TCP_BUFFER: usize = 4096;
/// A whole TLS record of any server (2^14 + 256).
const TLS_READ_RECORD: usize = 16_640;
const TLS_WRITE_RECORD: usize = 4096;
/// The request body (338 bytes for this request) and the response (head and
/// body; 4 KiB holds a typical STS answer).
const REQUEST_BUFFER: usize = 1024;
const RESPONSE_BUFFER: usize = 4096;

// Every large buffer is a static in `.bss`, never built on the stack.
static RESOURCES: StaticCell<StackResources<SOCKETS>> = StaticCell::new();
static TCP_RX: ConstStaticCell<[u8; TCP_BUFFER]> = ConstStaticCell::new([0; TCP_BUFFER]);
static TCP_TX: ConstStaticCell<[u8; TCP_BUFFER]> = ConstStaticCell::new([0; TCP_BUFFER]);
static READ_RECORD: ConstStaticCell<[u8; TLS_READ_RECORD]> = ConstStaticCell::new([0; TLS_READ_RECORD]);
static WRITE_RECORD: ConstStaticCell<[u8; TLS_WRITE_RECORD]> = ConstStaticCell::new([0; TLS_WRITE_RECORD]);
static REQUEST: ConstStaticCell<[u8; REQUEST_BUFFER]> = ConstStaticCell::new([0; REQUEST_BUFFER]);
static RESPONSE: ConstStaticCell<[u8; RESPONSE_BUFFER]> = ConstStaticCell::new([0; RESPONSE_BUFFER]);
static STORAGE: ConstStaticCell<Credentials<[u8; DEFAULT_TOKEN_CAPACITY]>> = ConstStaticCell::new(Credentials::new());
static DRIVER: StaticCell<Lan9118> = StaticCell::new();
/// Milliseconds from power-on to `main` (before SysTick started).
static BOOT_MS: core::sync::atomic::AtomicU32 = core::sync::atomic::AtomicU32::new(0);

/// The client's monotonic clock: embassy-time's milliseconds since boot.
/// There is no wall clock (no RTC): the client takes the server's `Date`.
#[derive(Debug, Clone, Copy)]
struct EmbassyClock;

impl Clock for EmbassyClock {
    fn now(&self) -> Instant {
        Instant::from_millis(embassy_time::Instant::now().as_millis())
    }
}

/// Waits between retries with an embassy timer (the executor runs the
/// network task meanwhile).
#[derive(Debug, Clone, Copy)]
struct EmbassyDelay;

impl AsyncDelay for EmbassyDelay {
    async fn delay(&mut self, duration: core::time::Duration) {
        let ms = u64::try_from(duration.as_millis()).unwrap_or(u64::MAX);
        Timer::after(Duration::from_millis(ms)).await;
    }
}

/// Ends the emulation with `code`, after the peak stack use.
fn finish(code: u32) -> ! {
    let (peak, size) = hw::stack_usage();
    hprintln!("stack: peak {} bytes since reset (stack size {} bytes)", peak, size);
    hw::exit(code)
}

/// Runs the network stack (smoltcp and the driver) for ever.
#[embassy_executor::task]
async fn net_task(mut runner: embassy_net::Runner<'static, &'static mut Lan9118>) -> ! {
    runner.run().await
}

#[embassy_executor::main]
async fn main(spawner: Spawner) {
    let Some(peripherals) = cortex_m::Peripherals::take() else {
        hprintln!("error: the core peripherals were taken");
        finish(exit_code::SETUP)
    };
    // Emulated time from power-on to here (the reset handler painted the
    // 4 MiB stack), by the LAN9118's free-running counter.
    let boot_us = lan9118::micros_since_chip_reset();
    time_driver::start(peripherals.SYST);
    hprintln!(
        "boot: firmware-embassy on mps2-an386, main reached {} us after power-on",
        boot_us
    );
    BOOT_MS.store(boot_us / 1000, core::sync::atomic::Ordering::Relaxed);
    if CA_DER.is_empty() {
        hprintln!("error: no CA built in (set STS_FIRMWARE_CA_DER when building)");
        finish(exit_code::SETUP);
    }

    let driver = match Lan9118::new() {
        Ok(d) => DRIVER.init(d),
        Err(e) => {
            hprintln!("error: LAN9118: {}", e);
            finish(exit_code::SETUP)
        }
    };
    let mac = driver.mac_address();
    hprintln!(
        "eth: LAN9118 at 0x40200000, MAC {:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}, polled every {} ms",
        mac[0],
        mac[1],
        mac[2],
        mac[3],
        mac[4],
        mac[5],
        lan9118::POLL_INTERVAL_MS
    );

    let config = embassy_net::Config::dhcpv4(Default::default());
    // The stack's own randomness (ports, sequence numbers): a fixed seed,
    // as for TLS (no TRNG on this board; test only).
    let (stack, runner) = embassy_net::new(driver, config, RESOURCES.init(StackResources::new()), 0x5EED_0001);
    match net_task(runner) {
        Ok(token) => spawner.spawn(token),
        Err(_) => {
            hprintln!("error: could not spawn the network task");
            finish(exit_code::SETUP)
        }
    }
    stack.wait_config_up().await;
    if let Some(v4) = stack.config_v4() {
        hprintln!(
            "dhcp: address {} gateway {:?} at {} ms",
            v4.address,
            v4.gateway,
            time_driver::now_ms()
        );
    }

    // Everything so far (reset, driver set-up, DHCP in the network task):
    // the part of the peak that is not the exchange.
    let (peak, _) = hw::stack_usage();
    hprintln!("stack: peak {} bytes up to DHCP done (before any exchange)", peak);

    let code = device(stack).await;
    finish(code)
}

/// Prints each attempt: attempt number, status, request id, error, wait.
fn log_attempt(e: &AttemptEvent<'_>) {
    let mut line: heapless::String<256> = heapless::String::new();
    let _ = write!(
        line,
        "attempt {}/{} at {} ms:",
        e.attempt,
        e.max_attempts,
        time_driver::now_ms()
    );
    if let Some(s) = e.status {
        let _ = write!(line, " status {s}");
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

/// The device's work: serve credentials from the provider and let it
/// refresh them, then try the rogue server. Returns the exit code.
async fn device(stack: Stack<'static>) -> u32 {
    let endpoint = match resolve(&EndpointParams {
        region: Some("us-east-1"),
        endpoint: Some(ENDPOINT_URL),
        ..Default::default()
    }) {
        Ok(e) => e,
        Err(e) => {
            hprintln!("error: endpoint {}: {}", ENDPOINT_URL, e);
            return exit_code::SETUP;
        }
    };
    let buffers = ConnectionBuffers {
        tcp_rx: TCP_RX.take(),
        tcp_tx: TCP_TX.take(),
        read_record: READ_RECORD.take(),
        write_record: WRITE_RECORD.take(),
    };
    let mut connector = TlsTcpConnector::new(
        stack,
        IpEndpoint::new(STS_ADDRESS.into(), 443),
        buffers,
        CA_DER,
        0x5EED_F00D,
    );
    let request = REQUEST.take();
    let response = RESPONSE.take();
    let storage = STORAGE.take();

    let serve = serve(&mut connector, endpoint.clone(), request, response, storage);
    hprintln!(
        "sizes: serving future {} bytes (in the task's static storage), stack resources {} bytes, \
         driver {} bytes, TCP buffers 2 x {}, TLS records {} + {}, request {}, response {}",
        core::mem::size_of_val(&serve),
        core::mem::size_of::<StackResources<SOCKETS>>(),
        core::mem::size_of::<Lan9118>(),
        TCP_BUFFER,
        TLS_READ_RECORD,
        TLS_WRITE_RECORD,
        REQUEST_BUFFER,
        RESPONSE_BUFFER
    );
    let code = serve.await;
    if code != exit_code::OK {
        return code;
    }

    // The rogue server: same host name, a certificate from another CA.
    connector.set_server(IpEndpoint::new(ROGUE_ADDRESS.into(), 443));
    rogue(&mut connector, endpoint, request, response, storage).await
}

/// Serves credentials until the provider has refreshed them once.
async fn serve(
    connector: &mut TlsTcpConnector<'_>,
    endpoint: Endpoint,
    request: &mut [u8],
    response: &mut [u8],
    storage: &mut Credentials,
) -> u32 {
    let input = AssumeRoleWithWebIdentityInput::for_role(ROLE_ARN)
        .with_role_session_name(SESSION_NAME)
        .with_duration_seconds(900);
    let platform = (EmbassyClock, EmbassyDelay, SplitMix64::new(0x5EED_0002), log_attempt);
    let client = AsyncClient::new(AsyncHttpClient::new(&mut *connector), endpoint, platform);
    let mut provider = AsyncCredentialProvider::new(client, input, TOKEN, Buffers::new(request, response), storage);

    // The access key id last seen, to notice the refresh.
    let mut current: heapless::String<128> = heapless::String::new();
    let mut fetches = 0u32;
    let mut served = 0u32;
    let started = embassy_time::Instant::now();
    loop {
        match provider.credentials().await {
            Ok(creds) => {
                served += 1;
                if creds.access_key_id() != current.as_str() {
                    fetches += 1;
                    current.clear();
                    let _ = current.push_str(creds.access_key_id());
                    let now = time_driver::now_ms();
                    hprintln!(
                        "fetch {}: AccessKeyId={} at {} ms since main",
                        fetches,
                        current.as_str(),
                        now
                    );
                    match creds.expiration().rfc3339() {
                        Ok(t) => hprintln!("fetch {}: Expiration={}", fetches, t),
                        Err(e) => hprintln!("fetch {}: Expiration=<unprintable: {}>", fetches, e),
                    }
                    hprintln!(
                        "fetch {}: SecretAccessKey {} bytes, SessionToken {} bytes (not shown); \
                         valid for {} ms on the device clock (server Date to Expiration)",
                        fetches,
                        creds.secret_access_key().len(),
                        creds.session_token().len(),
                        creds.lifetime().as_millis()
                    );
                    if fetches == 1 {
                        let boot = u64::from(BOOT_MS.load(core::sync::atomic::Ordering::Relaxed));
                        hprintln!(
                            "first credentials: {} ms after power-on ({} ms to main, {} ms in main)",
                            boot + now,
                            boot,
                            now
                        );
                        let (peak, _) = hw::stack_usage();
                        hprintln!(
                            "stack: peak {} bytes up to the first credentials (DHCP, TCP, TLS 1.3, HTTP)",
                            peak
                        );
                    }
                    if let Some(at) = provider.schedule().advisory_at() {
                        hprintln!(
                            "refresh: next try at {} ms (refresh schedule, with jitter)",
                            at.as_millis()
                        );
                    }
                }
                if fetches >= 2 {
                    hprintln!("served {} times from the provider; refreshed by its schedule", served);
                    return exit_code::OK;
                }
            }
            Err(e) => {
                hprintln!("error: {} ({} attempt(s))", e.kind(), e.attempts());
                return exit_code::FETCH_FAILED;
            }
        }
        if started.elapsed() > REFRESH_DEADLINE {
            hprintln!("error: no refresh within {} s", REFRESH_DEADLINE.as_secs());
            return exit_code::CHECK_FAILED;
        }
        // A device answering requests: ask the provider again in a second.
        Timer::after(Duration::from_secs(1)).await;
    }
}

/// One fetch from the rogue server: must fail in the TLS handshake.
async fn rogue(
    connector: &mut TlsTcpConnector<'_>,
    endpoint: Endpoint,
    request: &mut [u8],
    response: &mut [u8],
    storage: &mut Credentials,
) -> u32 {
    let input = AssumeRoleWithWebIdentityInput::for_role(ROLE_ARN)
        .with_role_session_name(SESSION_NAME)
        .with_duration_seconds(900);
    let platform = (EmbassyClock, EmbassyDelay, SplitMix64::new(0x5EED_0003), log_attempt);
    let mut client = AsyncClient::new(AsyncHttpClient::new(&mut *connector), endpoint, platform)
        .with_retry_policy(RetryPolicy::STANDARD.with_max_attempts(1));
    let mut token = MemoryToken::from_str(TOKEN);
    storage.clear();
    let result = client
        .fetch_into(&input, &mut token, &mut Buffers::new(request, response), storage)
        .await;
    match result {
        Err(e) if matches!(e.kind(), ErrorKind::Transport(sts_transport::Error::Tls)) => {
            hprintln!("rogue: refused: {} ({:?})", e.kind(), connector.last_error());
            exit_code::OK
        }
        Err(e) => {
            hprintln!("rogue: failed, but not in TLS: {}", e.kind());
            exit_code::CHECK_FAILED
        }
        Ok(()) => {
            hprintln!("rogue: error: credentials from a server the CA did not sign");
            exit_code::CHECK_FAILED
        }
    }
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
