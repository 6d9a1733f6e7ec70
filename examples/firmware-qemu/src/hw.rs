//! Every `unsafe` of the firmware, in one place: the UART's registers, three
//! semihosting calls, reading the painted stack, and the calibration loop.
//! The rest of the crate is `deny(unsafe_code)`.
#![allow(unsafe_code)]

use core::ptr::{read_volatile, write_volatile};

/// UART0 of mps2-an386: a CMSDK APB UART.
const UART0: usize = 0x4000_4000;

/// The CMSDK APB UART's registers (each 32 bits wide, word-aligned).
#[derive(Debug, Clone, Copy)]
#[repr(usize)]
pub(crate) enum Reg {
    /// Read: the received byte (pops it). Write: the byte to send.
    Data = 0x00,
    /// Bit 0: TX buffer full. Bit 1: RX buffer full.
    State = 0x04,
    /// Bit 0: TX enable. Bit 1: RX enable.
    Ctrl = 0x08,
    /// Interrupt status (unused: the driver polls).
    #[allow(dead_code)]
    IntStatus = 0x0C,
    /// Baud divider (QEMU wants at least 16).
    BaudDiv = 0x10,
}

/// Reads a UART0 register.
///
/// Only [`crate::uart::Uart`] calls this, and there is one `Uart` (its
/// constructor is guarded), so no two owners race on `DATA`.
pub(crate) fn uart_read(reg: Reg) -> u32 {
    // SAFETY: UART0 + `reg` is a word-aligned, always-mapped device register
    // of the mps2-an386 (QEMU's `cmsdk-apb-uart` at 0x4000_4000); a volatile
    // word read is how it is meant to be accessed and touches no Rust object.
    unsafe { read_volatile((UART0 + reg as usize) as *const u32) }
}

/// Writes a UART0 register (see [`uart_read`] for ownership).
pub(crate) fn uart_write(reg: Reg, value: u32) {
    // SAFETY: as in `uart_read`: a device register, not Rust memory.
    unsafe { write_volatile((UART0 + reg as usize) as *mut u32, value) }
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

/// Semihosting `SYS_GET_CMDLINE` (0x15): the arguments QEMU was given with
/// `-semihosting-config arg=...`, space-separated, in `buf`.
pub(crate) fn command_line(buf: &mut [u8]) -> &str {
    let mut block = [buf.as_mut_ptr() as usize, buf.len()];
    // SAFETY: the host writes at most `block[1]` (= `buf.len()`) bytes to
    // `buf` and the length it wrote to `block[1]`; both outlive the call, and
    // the asm of `syscall1` is not `nomem`, so the compiler reloads both after.
    let status = unsafe { cortex_m_semihosting::syscall1(0x15, block.as_mut_ptr() as usize) };
    // SAFETY: `block` is a live local array; the volatile read keeps the
    // compiler from assuming the host left it unchanged.
    let len = unsafe { read_volatile(&raw const block[1]) };
    if status != 0 {
        return "";
    }
    let text = buf.get(..len.min(buf.len())).unwrap_or_default();
    let text = text.split(|&b| b == 0).next().unwrap_or_default();
    core::str::from_utf8(text).unwrap_or("")
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

/// Bytes of stack in use at the caller (top of the stack less the stack
/// pointer).
pub(crate) fn stack_depth() -> usize {
    let top = (&raw const _stack_start) as usize;
    top.saturating_sub(cortex_m::register::msp::read() as usize)
}

/// Runs exactly `2 * iterations` instructions (`subs` + `bne`, each
/// iteration), for calibrating the instruction counter. `iterations >= 1`.
pub(crate) fn spin(iterations: u32) {
    // SAFETY: register arithmetic and a backward branch within the block; no
    // memory, stack or flags escape (`subs` sets flags, which `asm!` assumes
    // clobbered unless told `preserves_flags`).
    unsafe {
        core::arch::asm!(
            "2:",
            "subs {n}, {n}, #1",
            "bne 2b",
            n = inout(reg) iterations.max(1) => _,
            options(nomem, nostack),
        );
    }
}
