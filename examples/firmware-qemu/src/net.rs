//! The plain [`Connect`]: every "connection" is UART0, handed out again.
//!
//! QEMU bridges the UART to one TCP socket; `relay.py` on the host opens a
//! fresh TCP connection to the STS peer whenever the firmware starts
//! talking after the previous answer ended (each exchange sends
//! `Connection: close`). Bytes left over from an aborted exchange are
//! drained before the next one starts.

use core::time::Duration;

use sts_transport::{Connect, Error, Scheme};

use crate::uart::{Uart, UartError};

/// How long the line must stay quiet before a new exchange starts.
pub const DRAIN_QUIET: Duration = Duration::from_millis(100);

/// Plain HTTP over UART0 (loopback endpoints only: the transport refuses
/// `http://` to anything else).
#[derive(Debug)]
pub struct UartConnector {
    uart: Uart,
}

impl UartConnector {
    /// Connects through `uart`.
    pub fn new(uart: Uart) -> Self {
        UartConnector { uart }
    }
}

impl Connect for UartConnector {
    type Error = UartError;
    type Connection<'c> = &'c mut Uart;

    fn connect(&mut self, scheme: Scheme, _host: &str, _port: u16) -> Result<&mut Uart, Error> {
        if scheme == Scheme::Https {
            // This connector has no TLS: `firmware-tls` uses `TlsUartConnector`.
            return Err(Error::Tls);
        }
        self.uart.drain(DRAIN_QUIET);
        Ok(&mut self.uart)
    }
}
