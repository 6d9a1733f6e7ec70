//! Time from SysTick: the core clock (25 MHz on mps2-an386) counted down
//! from 2^24 - 1, each wrap counted by the SysTick exception.
//!
//! [`ticks`] is monotonic and 64-bit (good for 23,000 years at 25 MHz). It
//! gives the client its [`Clock`] and the UART its timeouts. (The
//! benchmark runs SysTick on its own, without the interrupt: `bench.rs`.)

use core::cell::Cell;
use core::sync::atomic::{AtomicU32, Ordering};
use core::time::Duration;

use cortex_m::interrupt::Mutex;
use cortex_m::peripheral::SYST;
use cortex_m::peripheral::syst::SystClkSource;
use sts_client::{Clock, Delay, Instant};

/// SysTick's clock: the core clock of mps2-an386.
pub const TICKS_PER_SECOND: u64 = 25_000_000;

/// Ticks per millisecond.
const TICKS_PER_MS: u64 = TICKS_PER_SECOND / 1000;

/// The reload value: SysTick counts 2^24 ticks per wrap.
const RELOAD: u32 = 0x00FF_FFFF;

/// Wraps of the counter since [`start`].
static WRAPS: AtomicU32 = AtomicU32::new(0);

/// The last value [`ticks`] returned.
static LAST: Mutex<Cell<u64>> = Mutex::new(Cell::new(0));

/// Starts SysTick on the core clock with its wrap interrupt. Call once.
pub fn start(mut syst: SYST) {
    syst.disable_counter();
    syst.set_clock_source(SystClkSource::Core);
    syst.set_reload(RELOAD);
    syst.clear_current();
    syst.enable_interrupt();
    syst.enable_counter();
}

/// The SysTick exception: one more wrap.
pub fn on_wrap() {
    WRAPS.fetch_add(1, Ordering::Release);
}

/// Ticks since [`start`] (call from thread mode, not from an interrupt).
///
/// Reads the wrap count on both sides of the counter and retries if a wrap
/// was counted in between. QEMU reloads the counter slightly before its
/// timer raises the wrap interrupt (the vCPU runs on while the main loop
/// gets to the timer), so for that moment counter and wrap count disagree
/// and the sum would step back by 2^24 ticks; the result is held at the last
/// value returned instead, which keeps it monotonic.
pub fn ticks() -> u64 {
    let now = loop {
        let wraps = WRAPS.load(Ordering::Acquire);
        let current = SYST::get_current();
        if WRAPS.load(Ordering::Acquire) == wraps {
            break (u64::from(wraps) << 24) | u64::from(RELOAD - current);
        }
    };
    cortex_m::interrupt::free(|cs| {
        let last = LAST.borrow(cs);
        let t = now.max(last.get());
        last.set(t);
        t
    })
}

/// Ticks in `d`, saturating.
pub fn ticks_in(d: Duration) -> u64 {
    u64::try_from(d.as_micros().saturating_mul(u128::from(TICKS_PER_SECOND / 1_000_000))).unwrap_or(u64::MAX)
}

/// The client's monotonic clock: milliseconds since SysTick started. There
/// is no wall clock (no RTC): the client takes the server's `Date` instead.
#[derive(Debug, Clone, Copy, Default)]
pub struct SysTickClock;

impl Clock for SysTickClock {
    fn now(&self) -> Instant {
        Instant::from_millis(ticks() / TICKS_PER_MS)
    }
}

/// Waits between retries by spinning on [`ticks`].
#[derive(Debug, Clone, Copy, Default)]
pub struct SpinDelay;

impl Delay for SpinDelay {
    fn delay(&mut self, duration: Duration) {
        let end = ticks().saturating_add(ticks_in(duration));
        while ticks() < end {
            core::hint::spin_loop();
        }
    }
}
