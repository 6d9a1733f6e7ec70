//! AssumeRoleWithWebIdentity over plain HTTP on UART0 (to a loopback STS
//! through `relay.py`), or, with the semihosting argument `bench`, the
//! codec's instruction counts. See the crate docs and `README.md`.
#![no_std]
#![no_main]
#![deny(unsafe_code)]

use cortex_m_rt::entry;
use cortex_m_semihosting::hprintln;
use firmware_qemu::net::UartConnector;
use firmware_qemu::uart::Uart;
use firmware_qemu::{REQUEST_BUFFER, RESPONSE_BUFFER, bench, clock, exit, exit_code, fetch_and_report, mode};
use sts_client::{Credentials, DEFAULT_TOKEN_CAPACITY};

/// The STS the firmware talks to. The UART goes wherever `relay.py`
/// points it; this only names the host in `Host` (and must be loopback for
/// plain HTTP).
const ENDPOINT: &str = "http://127.0.0.1:4566";

#[entry]
fn main() -> ! {
    let Some(peripherals) = cortex_m::Peripherals::take() else {
        exit(exit_code::SETUP)
    };
    let mode = mode();
    if mode.bench {
        let calibrated = bench::run(peripherals.SYST);
        exit(if calibrated {
            exit_code::OK
        } else {
            exit_code::UNCALIBRATED
        })
    }
    clock::start(peripherals.SYST);
    let (Some(uart), Some(request), Some(response), Some(storage)) = (
        Uart::take(),
        cortex_m::singleton!(: [u8; REQUEST_BUFFER] = [0; REQUEST_BUFFER]),
        cortex_m::singleton!(: [u8; RESPONSE_BUFFER] = [0; RESPONSE_BUFFER]),
        cortex_m::singleton!(: Credentials<[u8; DEFAULT_TOKEN_CAPACITY]> = Credentials::new()),
    ) else {
        exit(exit_code::SETUP)
    };
    hprintln!(
        "firmware-qemu: AssumeRoleWithWebIdentity over UART0, plain HTTP to {}",
        ENDPOINT
    );
    let mut connector = UartConnector::new(uart);
    let code = fetch_and_report(&mut connector, ENDPOINT, request, response, storage, mode);
    exit(code)
}
