//! Instructions per `encode` and per `decode_response` on the Cortex-M4,
//! counted with SysTick while QEMU runs with `-icount shift=6`.
//!
//! With `-icount shift=N` QEMU advances its virtual clock by exactly 2^N ns
//! per guest instruction, whatever the host does: 64 ns at `shift=6`. SysTick
//! counts the 25 MHz core clock of mps2-an386 in that virtual time, one tick
//! per 40 ns, so one instruction is 64 / 40 = 1.6 ticks and
//! `instructions = ticks × 5 / 8`. A calibration loop of a known instruction
//! count checks the ratio on the spot. SysTick runs without its interrupt here, so no handler's
//! instructions land inside a measurement. These are instructions, not cycles: QEMU does not model the M4's
//! pipeline (loads, taken branches and divisions take more than one cycle
//! on silicon), and DWT CYCCNT reads 0 under QEMU.

use core::hint::black_box;

use cortex_m::peripheral::SYST;
use cortex_m::peripheral::syst::SystClkSource;
use cortex_m_semihosting::hprintln;
use sts_codec::{AssumeRoleWithWebIdentityInput, decode_response, encode, encoded_len};

use crate::hw::spin;

/// The smithy-rs recorded success answer (1007 bytes, pretty-printed, every
/// optional member), as in `cargo bench -p sts-codec`.
static SMITHY: &[u8] =
    include_bytes!("../../../conformance/data/recorded/smithy-rs-web_identity_token_env.1.response-200.xml");
/// moto 5.2.1's answer (1103 bytes, one line, microsecond timestamp).
static MOTO: &[u8] =
    include_bytes!("../../../conformance/data/recorded/moto-5.2.1-AssumeRoleWithWebIdentity.response-200.xml");

/// The codec benchmark's input token: JWT-shaped, 1000 characters.
static TOKEN_1K: [u8; 1000] = token_1k();

const fn token_1k() -> [u8; 1000] {
    let head = b"eyJhbGciOiJSUzI1NiIsImtpZCI6IjEifQ.";
    let tail = b"eyJzdWIiOiJkZXZpY2UtNDIiLCJhdWQiOiJzdHMuYW1hem9uYXdzLmNvbSJ9";
    let mut out = [0u8; 1000];
    let mut i = 0;
    while i < head.len() {
        out[i] = head[i];
        i += 1;
    }
    let mut j = 0;
    while i < out.len() {
        out[i] = tail[j % tail.len()];
        i += 1;
        j += 1;
    }
    out
}

/// Iterations of the calibration loop (2 instructions each).
const CALIBRATION_ITERATIONS: u32 = 100_000;

/// SysTick counts down from this and wraps; every measurement here is far
/// shorter than 2^24 ticks (10 million instructions).
const RELOAD: u32 = 0x00FF_FFFF;

/// SysTick ticks per instruction at `-icount shift=6`, as a fraction: 64 ns
/// per instruction / 40 ns per tick = 8/5.
const TICKS_PER_INSTRUCTION: (u64, u64) = (8, 5);

/// SysTick ticks `f` takes, less `overhead` (the cost of the two reads).
fn measure(overhead: u32, f: impl FnOnce()) -> u64 {
    let t0 = SYST::get_current();
    f();
    let t1 = SYST::get_current();
    u64::from(t0.wrapping_sub(t1) & RELOAD).saturating_sub(u64::from(overhead))
}

/// Instructions in `ticks`, to the nearest.
fn instructions(ticks: u64) -> u64 {
    let (num, den) = TICKS_PER_INSTRUCTION;
    (ticks * den + num / 2) / num
}

/// Runs the calibration and the codec measurements and prints them. Takes
/// SysTick for itself: counting, core clock, no interrupt (so no handler
/// runs inside a measurement). Returns `false` if the calibration is off
/// (QEMU not run with `-icount shift=6`): then the counts are not
/// instructions.
pub fn run(mut syst: SYST) -> bool {
    syst.disable_interrupt();
    syst.disable_counter();
    syst.set_clock_source(SystClkSource::Core);
    syst.set_reload(RELOAD);
    syst.clear_current();
    syst.enable_counter();

    let overhead = {
        let t0 = SYST::get_current();
        let t1 = SYST::get_current();
        t0.wrapping_sub(t1) & RELOAD
    };
    // Two loop lengths through the same code: the difference cancels the
    // call and the setup, and is exactly 2 × CALIBRATION_ITERATIONS
    // instructions.
    let mut calib = [0u64; 2];
    for (ticks, n) in calib
        .iter_mut()
        .zip([CALIBRATION_ITERATIONS, 2 * CALIBRATION_ITERATIONS])
    {
        *ticks = measure(overhead, || spin(black_box(n)));
    }
    let calib_instructions = u64::from(2 * CALIBRATION_ITERATIONS);
    let calib_ticks = calib[1] - calib[0];
    let expected = calib_instructions * TICKS_PER_INSTRUCTION.0 / TICKS_PER_INSTRUCTION.1;
    // Each reading is rounded down to a whole tick: allow two ticks.
    let calibrated = calib_ticks.abs_diff(expected) <= 2;
    hprintln!(
        "bench: calibration: {} instructions took {} SysTick ticks ({} expected at -icount shift=6 and 25 MHz: {})",
        calib_instructions,
        calib_ticks,
        expected,
        if calibrated {
            "ok"
        } else {
            "OFF, the counts below are not instructions"
        }
    );
    hprintln!("bench: reading SysTick twice costs {} ticks (subtracted)", overhead);

    // encode: the codec benchmark's input (1000-character token).
    let token = core::str::from_utf8(&TOKEN_1K).unwrap_or_default();
    let input = AssumeRoleWithWebIdentityInput::new("arn:aws:iam::123456789012:role/device", "device-42", token)
        .with_duration_seconds(3600);
    let mut out = [0u8; 1200];
    let mut written = Ok(0);
    let t = measure(overhead, || written = encode(black_box(&input), black_box(&mut out)));
    let Ok(body_len) = written else {
        hprintln!("bench: encode failed");
        return false;
    };
    hprintln!(
        "bench: encode (1000-character token, {}-byte body): {} instructions",
        body_len,
        instructions(t)
    );
    let mut len = 0;
    let t = measure(overhead, || len = encoded_len(black_box(&input)));
    hprintln!(
        "bench: encoded_len (same input, {}): {} instructions",
        len,
        instructions(t)
    );

    for (name, answer) in [("smithy-rs recorded 200", SMITHY), ("moto 5.2.1 200", MOTO)] {
        let mut body = [0u8; 1200];
        let Some(body) = body.get_mut(..answer.len()) else {
            hprintln!("bench: {} does not fit", name);
            return false;
        };
        body.copy_from_slice(answer);
        let mut ok = false;
        let t = measure(overhead, || {
            ok = decode_response(200, black_box(&mut *body)).is_ok();
        });
        if !ok {
            hprintln!("bench: decode of {} failed", name);
            return false;
        }
        hprintln!(
            "bench: decode_response ({}, {} bytes): {} instructions",
            name,
            answer.len(),
            instructions(t)
        );
    }
    calibrated
}
