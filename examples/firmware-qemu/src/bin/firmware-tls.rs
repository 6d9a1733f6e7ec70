//! AssumeRoleWithWebIdentity over TLS 1.3 (embedded-tls) on UART0, to a
//! local HTTPS STS whose certificate chains to the CA built in at compile
//! time (`STS_FIRMWARE_CA_DER`, see `build.rs`). See `README.md`.
#![no_std]
#![no_main]
#![deny(unsafe_code)]

use cortex_m_rt::entry;
use cortex_m_semihosting::hprintln;
use embedded_tls::MaxFragmentLength;
use firmware_qemu::tls::TlsUartConnector;
use firmware_qemu::uart::Uart;
use firmware_qemu::{REQUEST_BUFFER, RESPONSE_BUFFER, clock, exit, exit_code, fetch_and_report, mode};
use sts_client::{Credentials, DEFAULT_TOKEN_CAPACITY};

/// The STS the firmware talks to: the host name is checked against the
/// server certificate's names.
const ENDPOINT: &str = "https://localhost:8443";

/// The CA the server's chain must lead to (DER), made at test time.
static CA: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/ca.der"));

/// A TLS record: 2^14 bytes of plaintext plus the largest overhead TLS 1.3
/// allows (RFC 8446 section 5.2: 16,384 + 256).
const READ_RECORD: usize = 16_640;
/// Outgoing records: the ClientHello and the request (split into records
/// of at most this size less 128 bytes of overhead).
const WRITE_RECORD: usize = 4096;

/// With `mfl`: 2^10 bytes of plaintext per record, plus the overheads.
const SMALL_READ_RECORD: usize = 1024 + 256;
const SMALL_WRITE_RECORD: usize = 1024 + 128;

/// Test-only seed for the TLS random numbers: the board has no TRNG.
const TEST_ONLY_SEED: u64 = 0x0123_4567_89AB_CDEF;

#[entry]
fn main() -> ! {
    let Some(peripherals) = cortex_m::Peripherals::take() else {
        exit(exit_code::SETUP)
    };
    clock::start(peripherals.SYST);
    if CA.is_empty() {
        hprintln!("error: no CA built in (build with STS_FIRMWARE_CA_DER=path/to/ca.der)");
        exit(exit_code::SETUP)
    }
    let mode = mode();
    let (Some(uart), Some(request), Some(response), Some(read_record), Some(write_record), Some(storage)) = (
        Uart::take(),
        cortex_m::singleton!(: [u8; REQUEST_BUFFER] = [0; REQUEST_BUFFER]),
        cortex_m::singleton!(: [u8; RESPONSE_BUFFER] = [0; RESPONSE_BUFFER]),
        cortex_m::singleton!(: [u8; READ_RECORD] = [0; READ_RECORD]),
        cortex_m::singleton!(: [u8; WRITE_RECORD] = [0; WRITE_RECORD]),
        cortex_m::singleton!(: Credentials<[u8; DEFAULT_TOKEN_CAPACITY]> = Credentials::new()),
    ) else {
        exit(exit_code::SETUP)
    };
    let (read_record, write_record) = if mode.small_records {
        (
            &mut read_record[..SMALL_READ_RECORD],
            &mut write_record[..SMALL_WRITE_RECORD],
        )
    } else {
        (&mut read_record[..], &mut write_record[..])
    };
    hprintln!(
        "firmware-qemu: AssumeRoleWithWebIdentity over UART0, TLS 1.3 to {} (CA {} bytes; record buffers {} + {} bytes{}; test-only fixed RNG seed)",
        ENDPOINT,
        CA.len(),
        read_record.len(),
        write_record.len(),
        if mode.small_records {
            ", max_fragment_length 1024"
        } else {
            ""
        }
    );
    let mut connector = TlsUartConnector::new(uart, read_record, write_record, CA, TEST_ONLY_SEED);
    if mode.small_records {
        connector = connector.with_max_fragment_length(MaxFragmentLength::Bits10);
    }
    let code = fetch_and_report(&mut connector, ENDPOINT, request, response, storage, mode);
    if let Some(e) = connector.last_error() {
        hprintln!("tls: last handshake error: {:?}", e);
    }
    exit(code)
}
