//! Links the `no_std` crates into a bare-metal binary with no allocator.
#![no_std]
#![no_main]

use core::hint::black_box;

use sts_codec::{AssumeRoleWithWebIdentityInput, decode_response, encode};


/// Entry point: encodes a request and decodes a response so that both paths
/// are linked in.
// SAFETY: `_start` is the only symbol this binary exports and nothing else
// defines it; the linker needs the unmangled name for the entry point.
#[unsafe(no_mangle)]
pub extern "C" fn _start() -> ! {
    let input = AssumeRoleWithWebIdentityInput::new(
        black_box("arn:aws:iam::123456789012:role/device"),
        black_box("device-1"),
        black_box("eyJhbGciOiJSUzI1NiJ9.e30.c2ln"),
    );
    let mut req = [0u8; 512];
    let n = encode(&input, &mut req).unwrap_or(0);
    black_box(&req[..n]);
    // A stack buffer stands in for the received body.
    let mut body = [0u8; 256];
    body[..n.min(256)].copy_from_slice(&req[..n.min(256)]);
    let status = black_box(200u16);
    let ok = decode_response(status, black_box(&mut body[..])).is_ok();
    black_box(ok);
    loop {
        core::hint::spin_loop();
    }
}

#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    loop {
        core::hint::spin_loop();
    }
}
