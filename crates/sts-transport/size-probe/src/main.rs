//! A firmware-shaped binary for measuring the engine's flash footprint.
#![no_std]
#![no_main]

use core::convert::Infallible;
use core::hint::black_box;
use core::panic::PanicInfo;

/// A stream whose bytes the optimiser cannot know.
struct Opaque;

impl embedded_io::ErrorType for Opaque {
    type Error = Infallible;
}

impl embedded_io::Read for Opaque {
    fn read(&mut self, buf: &mut [u8]) -> Result<usize, Infallible> {
        let n = black_box(buf.len());
        black_box(&mut *buf);
        Ok(n)
    }
}

impl embedded_io::Write for Opaque {
    fn write(&mut self, buf: &[u8]) -> Result<usize, Infallible> {
        Ok(black_box(buf).len())
    }

    fn flush(&mut self) -> Result<(), Infallible> {
        Ok(())
    }
}

#[cfg(feature = "engine")]
fn exchange(buf: &mut [u8]) {
    use sts_transport::{Connect, Error, HttpClient, Request, Scheme, Transport};

    struct Connector;
    impl Connect for Connector {
        type Error = Infallible;
        type Connection<'c> = Opaque;
        fn connect(&mut self, _: Scheme, _: &str, _: u16) -> Result<Opaque, Error> {
            Ok(Opaque)
        }
    }
    let request = Request {
        method: "POST",
        scheme: Scheme::Https,
        host: black_box("sts.eu-west-1.amazonaws.com"),
        port: 443,
        path: "/",
        headers: &[("Content-Type", "application/x-www-form-urlencoded")],
        body: black_box(b"Action=AssumeRoleWithWebIdentity&Version=2011-06-15"),
        request_id_header: Some("x-amzn-requestid"),
    };
    let mut client = HttpClient::new(Connector);
    match client.send(&request, buf) {
        Ok(r) => {
            black_box(r.status);
            black_box(r.request_id);
            black_box(&mut *r.body);
        }
        Err(e) => {
            black_box(e);
        }
    }
}

#[cfg(not(feature = "engine"))]
fn exchange(buf: &mut [u8]) {
    use embedded_io::{Read, Write};
    let mut s = Opaque;
    let _ = s.write(black_box(b"POST"));
    let _ = s.read(buf);
}

/// The entry point.
#[unsafe(no_mangle)]
pub extern "C" fn reset() -> ! {
    let mut buf = [0u8; 4096];
    loop {
        exchange(&mut buf);
    }
}

#[panic_handler]
fn panic(_: &PanicInfo<'_>) -> ! {
    loop {}
}
