//! A polled driver for the SMSC LAN9118 Ethernet controller (as QEMU's
//! `hw/net/lan9118.c` models it on mps2-an386), behind `embassy-net-driver`'s
//! [`Driver`] trait.
//!
//! The chip is a MAC + PHY with three FIFOs in a 256-byte register window:
//!
//! ```text
//!  embassy-net (smoltcp)                    LAN9118 at 0x4020_0000
//!  ┌───────────────────────┐  TxToken       ┌──────────────────────────────┐
//!  │ frame in `tx` (1514)  ├──cmd A, cmd B──▶ TX_DATA_FIFO 0x20 ──▶ wire    │
//!  │                       │  then words    │ TX_STATUS_FIFO 0x48 (drained)│
//!  │ frame in `rx` (1518)  ◀── words ◀──────┤ RX_DATA_FIFO 0x00 ◀── wire    │
//!  └───────────────────────┘  RxToken       │ RX_STATUS_FIFO 0x40: length  │
//!                                           │ MAC_CSR_CMD/DATA 0xA4/0xA8:  │
//!                                           │  MAC_CR, address, MII (PHY)  │
//!                                           └──────────────────────────────┘
//! ```
//!
//! **Polling, not interrupts.** When no frame is waiting, [`Driver::receive`]
//! asks the time driver to wake the network task again in
//! [`POLL_INTERVAL_MS`]. The controller's interrupt line (IRQ 13) would need a
//! device vector table (a PAC for the board, or hand-written `__INTERRUPTS`)
//! and an `AtomicWaker` shared with the handler; for a request every few
//! seconds, 1 ms of extra latency per received frame and a wake-up per
//! millisecond while idle cost nothing that matters here, and the driver
//! stays free of interrupt plumbing. A battery-powered board would enable
//! `RSFL_INT` in `INT_EN`, set `IRQ_CFG.IRQ_EN` and wake the task from the
//! handler instead (see the README).
//!
//! Frames are copied word by word through the data FIFOs (no DMA on this
//! chip); byte order in a FIFO word is little-endian (QEMU: "empirical
//! results show it to be little-endian"; the datasheet's default
//! `WORD_SWAP`).

use core::task::Context;

use embassy_net_driver::{Capabilities, Driver, HardwareAddress, LinkState, RxToken, TxToken};

use crate::hw::{lan9118_read as read, lan9118_write as write};

/// How often the network task looks at the FIFOs when nothing arrived.
pub const POLL_INTERVAL_MS: u64 = 1;

/// Register offsets (LAN9118 datasheet table 5-1; QEMU `CSR_*`).
mod reg {
    pub const RX_DATA_FIFO: usize = 0x00;
    pub const TX_DATA_FIFO: usize = 0x20;
    pub const RX_STATUS_FIFO: usize = 0x40;
    pub const TX_STATUS_FIFO: usize = 0x48;
    pub const ID_REV: usize = 0x50;
    pub const IRQ_CFG: usize = 0x54;
    pub const INT_STS: usize = 0x58;
    pub const INT_EN: usize = 0x5C;
    pub const BYTE_TEST: usize = 0x64;
    pub const RX_CFG: usize = 0x6C;
    pub const TX_CFG: usize = 0x70;
    pub const HW_CFG: usize = 0x74;
    pub const RX_FIFO_INF: usize = 0x7C;
    pub const TX_FIFO_INF: usize = 0x80;
    pub const PMT_CTRL: usize = 0x84;
    pub const FREE_RUN: usize = 0x9C;
    pub const MAC_CSR_CMD: usize = 0xA4;
    pub const MAC_CSR_DATA: usize = 0xA8;
}

/// MAC control and status registers, reached through `MAC_CSR_CMD`/`DATA`.
mod mac {
    pub const MAC_CR: u32 = 1;
    pub const ADDRH: u32 = 2;
    pub const ADDRL: u32 = 3;
    pub const MII_ACC: u32 = 6;
    pub const MII_DATA: u32 = 7;
    /// `MAC_CR`: transmitter enable.
    pub const CR_TXEN: u32 = 1 << 3;
    /// `MAC_CR`: receiver enable.
    pub const CR_RXEN: u32 = 1 << 2;
    /// `MAC_CR`: full duplex.
    pub const CR_FDPX: u32 = 1 << 20;
}

/// `MAC_CSR_CMD`: busy (set to start, cleared by the chip when done).
const CSR_BUSY: u32 = 1 << 31;
/// `MAC_CSR_CMD`: read (else write).
const CSR_READ: u32 = 1 << 30;
/// `HW_CFG`: soft reset (self-clearing).
const HW_CFG_SRST: u32 = 1;
/// `PMT_CTRL`: the chip is ready after reset.
const PMT_READY: u32 = 1;
/// `TX_CFG`: transmitter on.
const TX_CFG_TX_ON: u32 = 1 << 1;
/// TX command A: first segment, last segment (one buffer per frame).
const TX_CMD_A_FIRST_LAST: u32 = (1 << 13) | (1 << 12);
/// RX status: error summary.
const RX_STS_ERROR: u32 = 1 << 15;
/// The PHY's MII address on this chip (the internal PHY is at 1).
const PHY_ADDR: u32 = 1;
/// PHY basic status register and its "link up" bit.
const PHY_BSR: u32 = 1;
const PHY_BSR_LINK: u32 = 1 << 2;
/// `BYTE_TEST` always reads this (checks the bus and the byte order).
const BYTE_TEST_VALUE: u32 = 0x8765_4321;
/// `ID_REV` upper half for the LAN9118 (QEMU reports 0x0118_0001).
const CHIP_ID: u32 = 0x0118;
/// Largest frame without CRC (1500 + 14), and with the CRC the chip appends
/// in the RX FIFO.
const MTU: usize = 1514;
const RX_FRAME_MAX: usize = MTU + 4;
/// Spins allowed for the chip to finish a reset or a MAC CSR access (QEMU
/// is done at once; silicon needs microseconds).
const SPIN_LIMIT: u32 = 100_000;

/// Microseconds since the controller was last reset, from its free-running
/// 25 MHz counter (`FREE_RUN`, 0x9C). Read before [`Lan9118::new`] (whose
/// soft reset restarts it), this is the time since power-on, which no
/// other clock of the board saw: SysTick starts only in `main`, after
/// cortex-m-rt has painted the stack. It wraps after 171 s.
pub fn micros_since_chip_reset() -> u32 {
    read(reg::FREE_RUN) / 25
}

/// Why the controller could not be set up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InitError {
    /// `BYTE_TEST` did not read 0x8765_4321: no chip, or a bus mismatch.
    ByteTest(u32),
    /// `ID_REV` is not a LAN9118.
    ChipId(u32),
    /// The chip did not come out of reset, or a MAC CSR access hung.
    Timeout,
}

impl core::fmt::Display for InitError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            InitError::ByteTest(v) => write!(f, "BYTE_TEST read {v:#010x}, expected 0x87654321"),
            InitError::ChipId(v) => write!(f, "ID_REV {v:#010x} is not a LAN9118"),
            InitError::Timeout => f.write_str("the chip did not finish a reset or a MAC access"),
        }
    }
}

/// The driver: one per chip (it owns the FIFOs), holding one frame buffer
/// each way.
pub struct Lan9118 {
    mac: [u8; 6],
    rx: [u8; RX_FRAME_MAX],
    tx: [u8; MTU],
    tx_tag: u16,
}

impl Lan9118 {
    /// Resets and starts the controller: soft reset, MAC address from the
    /// chip (QEMU loads it from its EEPROM model: 52:54:00:12:34:56 unless
    /// `-nic ...,mac=` says otherwise), transmitter and receiver on, no
    /// interrupts. Call once.
    ///
    /// # Errors
    ///
    /// [`InitError`] when the chip is absent or does not answer.
    pub fn new() -> Result<Self, InitError> {
        let test = read(reg::BYTE_TEST);
        if test != BYTE_TEST_VALUE {
            return Err(InitError::ByteTest(test));
        }
        let id = read(reg::ID_REV);
        if id >> 16 != CHIP_ID {
            return Err(InitError::ChipId(id));
        }
        write(reg::HW_CFG, HW_CFG_SRST);
        spin_until(|| read(reg::HW_CFG) & HW_CFG_SRST == 0)?;
        spin_until(|| read(reg::PMT_CTRL) & PMT_READY != 0)?;

        // Polled: no interrupt sources, nothing pending, the IRQ pin off.
        write(reg::INT_EN, 0);
        write(reg::INT_STS, u32::MAX);
        write(reg::IRQ_CFG, 0);

        let low = mac_read(mac::ADDRL)?.to_le_bytes();
        let high = mac_read(mac::ADDRH)?.to_le_bytes();
        let mac = [low[0], low[1], low[2], low[3], high[0], high[1]];

        // RX: no offset, no end padding. TX: on. MAC: full duplex, both
        // directions, exact address filter plus broadcast (promiscuous off).
        write(reg::RX_CFG, 0);
        write(reg::TX_CFG, TX_CFG_TX_ON);
        mac_write(mac::MAC_CR, mac::CR_TXEN | mac::CR_RXEN | mac::CR_FDPX)?;
        Ok(Lan9118 {
            mac,
            rx: [0; RX_FRAME_MAX],
            tx: [0; MTU],
            tx_tag: 0,
        })
    }

    /// The station address.
    pub fn mac_address(&self) -> [u8; 6] {
        self.mac
    }

    /// Reads the next received frame into `self.rx`; its length without
    /// the CRC, or `None` when the RX status FIFO is empty. A frame with an
    /// error, or too long for the buffer, is read out of the FIFO and
    /// dropped (also `None`; the caller polls again).
    fn pop_frame(&mut self) -> Option<usize> {
        // RX_FIFO_INF[23:16]: entries in the RX status FIFO.
        if (read(reg::RX_FIFO_INF) >> 16) & 0xFF == 0 {
            return None;
        }
        let status = read(reg::RX_STATUS_FIFO);
        // Status[29:16]: frame length in bytes, CRC included.
        let len = ((status >> 16) & 0x3FFF) as usize;
        let words = len.div_ceil(4);
        let keep = status & RX_STS_ERROR == 0 && (4..=RX_FRAME_MAX).contains(&len);
        for i in 0..words {
            let word = read(reg::RX_DATA_FIFO).to_le_bytes();
            if keep {
                let at = i * 4;
                let n = (len - at).min(4);
                if let (Some(dst), Some(src)) = (self.rx.get_mut(at..at + n), word.get(..n)) {
                    dst.copy_from_slice(src);
                }
            }
        }
        keep.then_some(len - 4)
    }

    /// Whether the TX data FIFO has room for a full frame and its two
    /// command words; drains the TX status FIFO on the way (nothing reads
    /// the statuses: a frame the wire refused is a lost frame, which TCP
    /// retransmits).
    fn tx_ready() -> bool {
        let inf = read(reg::TX_FIFO_INF);
        for _ in 0..(inf >> 16) & 0xFF {
            let _ = read(reg::TX_STATUS_FIFO);
        }
        // TX_FIFO_INF[15:0]: free bytes in the TX data FIFO.
        (inf & 0xFFFF) as usize >= MTU + 8
    }
}

/// Spins until `done`, at most [`SPIN_LIMIT`] times.
fn spin_until(mut done: impl FnMut() -> bool) -> Result<(), InitError> {
    for _ in 0..SPIN_LIMIT {
        if done() {
            return Ok(());
        }
        core::hint::spin_loop();
    }
    Err(InitError::Timeout)
}

/// Reads MAC CSR `index` through `MAC_CSR_CMD`/`MAC_CSR_DATA`.
fn mac_read(index: u32) -> Result<u32, InitError> {
    spin_until(|| read(reg::MAC_CSR_CMD) & CSR_BUSY == 0)?;
    write(reg::MAC_CSR_CMD, CSR_BUSY | CSR_READ | index);
    spin_until(|| read(reg::MAC_CSR_CMD) & CSR_BUSY == 0)?;
    Ok(read(reg::MAC_CSR_DATA))
}

/// Writes MAC CSR `index`.
fn mac_write(index: u32, value: u32) -> Result<(), InitError> {
    spin_until(|| read(reg::MAC_CSR_CMD) & CSR_BUSY == 0)?;
    write(reg::MAC_CSR_DATA, value);
    write(reg::MAC_CSR_CMD, CSR_BUSY | index);
    spin_until(|| read(reg::MAC_CSR_CMD) & CSR_BUSY == 0)
}

/// Reads PHY register `phy_reg` over the MII (`MII_ACC`: PHY address,
/// register, read, busy).
fn phy_read(phy_reg: u32) -> Result<u32, InitError> {
    mac_write(mac::MII_ACC, (PHY_ADDR << 11) | (phy_reg << 6) | 1)?;
    spin_until(|| mac_read(mac::MII_ACC).is_ok_and(|v| v & 1 == 0))?;
    Ok(mac_read(mac::MII_DATA)? & 0xFFFF)
}

/// Wakes the network task again after [`POLL_INTERVAL_MS`].
fn poll_later(cx: &Context<'_>, ms: u64) {
    let at = embassy_time::Instant::now() + embassy_time::Duration::from_millis(ms);
    embassy_time_driver::schedule_wake(at.as_ticks(), cx.waker());
}

/// A received frame, lent to smoltcp.
pub struct Lan9118Rx<'a> {
    frame: &'a mut [u8],
}

/// Room for one frame to send.
pub struct Lan9118Tx<'a> {
    buf: &'a mut [u8; MTU],
    tag: &'a mut u16,
}

impl RxToken for Lan9118Rx<'_> {
    fn consume<R, F: FnOnce(&mut [u8]) -> R>(self, f: F) -> R {
        f(self.frame)
    }
}

impl TxToken for Lan9118Tx<'_> {
    fn consume<R, F: FnOnce(&mut [u8]) -> R>(self, len: usize, f: F) -> R {
        let len = len.min(MTU);
        let frame = &mut self.buf[..len];
        let result = f(frame);
        // Command A: one buffer (first and last segment) of `len` bytes, no
        // offset. Command B: a tag (for the status FIFO) and the frame length.
        *self.tag = self.tag.wrapping_add(1);
        let len32 = len as u32;
        write(reg::TX_DATA_FIFO, TX_CMD_A_FIRST_LAST | len32);
        write(reg::TX_DATA_FIFO, (u32::from(*self.tag) << 16) | len32);
        for chunk in frame.chunks(4) {
            let mut word = [0u8; 4];
            word[..chunk.len()].copy_from_slice(chunk);
            write(reg::TX_DATA_FIFO, u32::from_le_bytes(word));
        }
        result
    }
}

impl Driver for Lan9118 {
    type RxToken<'a>
        = Lan9118Rx<'a>
    where
        Self: 'a;
    type TxToken<'a>
        = Lan9118Tx<'a>
    where
        Self: 'a;

    fn receive(&mut self, cx: &mut Context<'_>) -> Option<(Self::RxToken<'_>, Self::TxToken<'_>)> {
        // smoltcp may answer a frame at once (ARP, ACK): hand out room to
        // send only when there is some.
        if !Self::tx_ready() {
            poll_later(cx, POLL_INTERVAL_MS);
            return None;
        }
        let Some(len) = self.pop_frame() else {
            poll_later(cx, POLL_INTERVAL_MS);
            return None;
        };
        let Lan9118 { rx, tx, tx_tag, .. } = self;
        Some((Lan9118Rx { frame: &mut rx[..len] }, Lan9118Tx { buf: tx, tag: tx_tag }))
    }

    fn transmit(&mut self, cx: &mut Context<'_>) -> Option<Self::TxToken<'_>> {
        if !Self::tx_ready() {
            poll_later(cx, POLL_INTERVAL_MS);
            return None;
        }
        Some(Lan9118Tx {
            buf: &mut self.tx,
            tag: &mut self.tx_tag,
        })
    }

    fn link_state(&mut self, cx: &mut Context<'_>) -> LinkState {
        match phy_read(PHY_BSR) {
            Ok(bsr) if bsr & PHY_BSR_LINK != 0 => LinkState::Up,
            _ => {
                // Look again later: nothing interrupts on a link change here.
                poll_later(cx, 100);
                LinkState::Down
            }
        }
    }

    fn capabilities(&self) -> Capabilities {
        let mut caps = Capabilities::default();
        caps.max_transmission_unit = MTU;
        caps.max_burst_size = Some(1);
        caps
    }

    fn hardware_address(&self) -> HardwareAddress {
        HardwareAddress::Ethernet(self.mac)
    }
}
