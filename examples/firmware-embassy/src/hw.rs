//! Every `unsafe` of the firmware, in one place: the LAN9118's registers,
//! two semihosting calls and reading the painted stack. The rest of the
//! crate is `deny(unsafe_code)`.
//!
//! The semihosting exit and the stack scan are copied from
//! `examples/firmware-qemu/src/hw.rs` (same board, same needs).
#![allow(unsafe_code)]

use core::ptr::{read_volatile, write_volatile};

/// The LAN9118 of mps2-an386 (QEMU `hw/arm/mps2.c`: `lan9118` at
/// 0x4020_0000, 32-bit bus mode).
const LAN9118: usize = 0x4020_0000;

/// Reads the LAN9118 register at byte offset `offset` (below 0x100,
/// word-aligned).
///
/// Only [`crate::lan9118::Lan9118`] calls this, and there is one of it (its
/// constructor is called once, from `main`), so no two owners race on the
/// FIFOs, whose reads pop.
pub(crate) fn lan9118_read(offset: usize) -> u32 {
    debug_assert!(offset < 0x100 && offset.is_multiple_of(4));
    // SAFETY: LAN9118 + `offset` is a word-aligned register inside the
    // controller's 256-byte window, always mapped on mps2-an386; a volatile
    // word read is how it is meant to be accessed and touches no Rust object.
    unsafe { read_volatile((LAN9118 + offset) as *const u32) }
}

/// Writes a LAN9118 register (see [`lan9118_read`] for ownership).
pub(crate) fn lan9118_write(offset: usize, value: u32) {
    debug_assert!(offset < 0x100 && offset.is_multiple_of(4));
    // SAFETY: as in `lan9118_read`: a device register, not Rust memory.
    unsafe { write_volatile((LAN9118 + offset) as *mut u32, value) }
}

/// Semihosting `SYS_EXIT_EXTENDED` (0x20): ends the emulation with any exit
/// code (`SYS_EXIT` can only say 0 or 1 on 32-bit Arm).
pub(crate) fn exit(code: u32) -> ! {
    /// `ADP_Stopped_ApplicationExit`: the reason that carries an exit code.
    const APPLICATION_EXIT: usize = 0x2_0026;
    let block = [APPLICATION_EXIT, code as usize];
    // SAFETY: the call reads the two words of `block`, which live across the
    // call; under QEMU (`-semihosting-config enable=on`) it does not return.
    unsafe { cortex_m_semihosting::syscall(0x20, &block) };
    // A host that ignored the call: fall back to plain SYS_EXIT.
    cortex_m_semihosting::debug::exit(if code == 0 {
        cortex_m_semihosting::debug::EXIT_SUCCESS
    } else {
        cortex_m_semihosting::debug::EXIT_FAILURE
    });
    loop {
        cortex_m::asm::wfi();
    }
}

unsafe extern "C" {
    /// Top of the stack (cortex-m-rt's linker script: the end of RAM).
    static _stack_start: u32;
    /// Lowest address the stack may use (the end of `.bss`/`.uninit`);
    /// cortex-m-rt's `paint-stack` fills `_stack_end.._stack_start` with
    /// `STACK_PAINT_VALUE` before `main`.
    static _stack_end: u32;
}

/// `(peak bytes used, bytes available)` of the stack since reset: scans up
/// from the bottom for the first word that is no longer the paint.
pub(crate) fn stack_usage() -> (usize, usize) {
    let top = (&raw const _stack_start) as usize;
    let bottom = (&raw const _stack_end) as usize;
    let mut p = bottom;
    while p < top {
        // SAFETY: `bottom..top` is RAM that cortex-m-rt reserves for the
        // stack; `p` is word-aligned (both ends are) and below `top`. The
        // words below the stack pointer are not Rust objects, and those
        // above it are only read (volatile, so nothing is assumed about them).
        if unsafe { read_volatile(p as *const u32) } != cortex_m_rt::STACK_PAINT_VALUE {
            break;
        }
        p += 4;
    }
    (top - p, top - bottom)
}
