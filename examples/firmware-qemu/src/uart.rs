//! A polling driver for UART0 (CMSDK APB UART) behind `embedded-io` 0.7.
//!
//! QEMU bridges the UART to a TCP socket (`-serial chardev:...`), so this is
//! the firmware's "network". A UART has no end of stream: [`Read::read`]
//! blocks until a byte comes or the read timeout passes (then
//! [`ErrorKind::TimedOut`]), and never returns `Ok(0)`; the HTTP engine ends
//! each answer from its framing (`Content-Length` or chunking).

use core::fmt;
use core::sync::atomic::{AtomicBool, Ordering};
use core::time::Duration;

use embedded_io::{ErrorKind, ErrorType, Read, Write};

use crate::clock::{ticks, ticks_in};
use crate::hw::{Reg, uart_read, uart_write};

const STATE_TX_FULL: u32 = 1 << 0;
const STATE_RX_FULL: u32 = 1 << 1;
const CTRL_TX_ENABLE: u32 = 1 << 0;
const CTRL_RX_ENABLE: u32 = 1 << 1;
/// The smallest divider QEMU accepts; the baud rate itself is not modelled.
const BAUD_DIV: u32 = 16;

/// How long a read waits for its first byte by default.
pub const DEFAULT_READ_TIMEOUT: Duration = Duration::from_secs(20);
/// How long a write waits for room in the transmit register.
const WRITE_TIMEOUT: Duration = Duration::from_secs(5);
/// Once a read has a byte, it returns when no further byte comes within this
/// gap (QEMU hands the UART one byte per main-loop turn, some microseconds).
const INTER_BYTE_GAP: Duration = Duration::from_millis(2);

/// Set once UART0 has an owner.
static TAKEN: AtomicBool = AtomicBool::new(false);

/// Why a UART read or write failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum UartError {
    /// No byte arrived within the read timeout.
    ReadTimeout,
    /// The transmit register stayed full for the write timeout.
    WriteTimeout,
}

impl fmt::Display for UartError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            UartError::ReadTimeout => "no byte received within the read timeout",
            UartError::WriteTimeout => "transmit register full for too long",
        })
    }
}

impl core::error::Error for UartError {}

impl embedded_io::Error for UartError {
    fn kind(&self) -> ErrorKind {
        ErrorKind::TimedOut
    }
}

/// UART0, enabled for transmit and receive.
#[derive(Debug)]
pub struct Uart {
    read_timeout: u64,
}

impl Uart {
    /// Takes and enables UART0; `None` if it was taken already.
    pub fn take() -> Option<Self> {
        if TAKEN.swap(true, Ordering::AcqRel) {
            return None;
        }
        uart_write(Reg::BaudDiv, BAUD_DIV);
        uart_write(Reg::Ctrl, CTRL_TX_ENABLE | CTRL_RX_ENABLE);
        // QEMU only polls the socket again after DATA is read: without this
        // read the first received byte waits about a second.
        let _ = uart_read(Reg::Data);
        Some(Uart {
            read_timeout: ticks_in(DEFAULT_READ_TIMEOUT),
        })
    }

    /// Sets how long a read waits for its first byte.
    pub fn set_read_timeout(&mut self, timeout: Duration) {
        self.read_timeout = ticks_in(timeout);
    }

    /// Discards what arrives until the line has been quiet for `quiet`
    /// (bytes left over from an earlier connection, such as a TLS
    /// `close_notify`). Returns how many bytes it dropped.
    pub fn drain(&mut self, quiet: Duration) -> usize {
        let quiet = ticks_in(quiet);
        let mut dropped = 0;
        while self.wait_byte(quiet).is_some() {
            dropped += 1;
        }
        dropped
    }

    /// The next byte, if one arrives within `timeout` ticks.
    fn wait_byte(&mut self, timeout: u64) -> Option<u8> {
        let deadline = ticks().saturating_add(timeout);
        loop {
            if uart_read(Reg::State) & STATE_RX_FULL != 0 {
                return Some(uart_read(Reg::Data) as u8);
            }
            if ticks() >= deadline {
                return None;
            }
        }
    }
}

impl ErrorType for Uart {
    type Error = UartError;
}

impl Read for Uart {
    fn read(&mut self, buf: &mut [u8]) -> Result<usize, UartError> {
        let Some((first, rest)) = buf.split_first_mut() else {
            return Ok(0);
        };
        *first = self.wait_byte(self.read_timeout).ok_or(UartError::ReadTimeout)?;
        let gap = ticks_in(INTER_BYTE_GAP);
        let mut n = 1;
        for slot in rest {
            let Some(b) = self.wait_byte(gap) else { break };
            *slot = b;
            n += 1;
        }
        Ok(n)
    }
}

impl Write for Uart {
    fn write(&mut self, buf: &[u8]) -> Result<usize, UartError> {
        let timeout = ticks_in(WRITE_TIMEOUT);
        for (i, &b) in buf.iter().enumerate() {
            let deadline = ticks().saturating_add(timeout);
            while uart_read(Reg::State) & STATE_TX_FULL != 0 {
                if ticks() >= deadline {
                    return if i == 0 { Err(UartError::WriteTimeout) } else { Ok(i) };
                }
            }
            uart_write(Reg::Data, u32::from(b));
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> Result<(), UartError> {
        let deadline = ticks().saturating_add(ticks_in(WRITE_TIMEOUT));
        while uart_read(Reg::State) & STATE_TX_FULL != 0 {
            if ticks() >= deadline {
                return Err(UartError::WriteTimeout);
            }
        }
        Ok(())
    }
}
