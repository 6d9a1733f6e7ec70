//! The `embassy-time` driver: SysTick interrupting once a millisecond on
//! the 25 MHz core clock of mps2-an386, a 64-bit millisecond count, and
//! embassy's timer queue checked on each tick.
//!
//! One tick is one millisecond (`embassy-time` feature `tick-hz-1_000`):
//! smoltcp's timers and the refresh schedule work in milliseconds, and a
//! 1 kHz interrupt is the whole cost (no compare unit to program: SysTick
//! has none). The count is monotonic by construction: it only grows, in the
//! handler, and is read in a critical section (no 64-bit atomics on the M4).
//!
//! Time here is QEMU's virtual clock, which without `-icount` follows the
//! host's: "emulated time", not a claim about silicon.

use core::cell::{Cell, RefCell};
use core::task::Waker;

use cortex_m::peripheral::SYST;
use cortex_m::peripheral::syst::SystClkSource;
use cortex_m_rt::exception;
use critical_section::Mutex;
use embassy_time_driver::Driver;
use embassy_time_queue_utils::Queue;

/// SysTick's clock: the core clock of mps2-an386.
const CORE_HZ: u32 = 25_000_000;

/// Milliseconds since [`start`].
static TICKS: Mutex<Cell<u64>> = Mutex::new(Cell::new(0));

/// The wakers waiting for a time, and the earliest of their times.
struct Timers {
    queue: RefCell<Queue>,
    next: Cell<u64>,
}

static TIMERS: Mutex<Timers> = Mutex::new(Timers {
    queue: RefCell::new(Queue::new()),
    next: Cell::new(u64::MAX),
});

/// Starts SysTick: reload every millisecond, with its interrupt. Call once,
/// before the executor runs.
pub fn start(mut syst: SYST) {
    syst.disable_counter();
    syst.set_clock_source(SystClkSource::Core);
    syst.set_reload(CORE_HZ / 1000 - 1);
    syst.clear_current();
    syst.enable_interrupt();
    syst.enable_counter();
}

/// Milliseconds since [`start`].
pub fn now_ms() -> u64 {
    critical_section::with(|cs| TICKS.borrow(cs).get())
}

#[exception]
fn SysTick() {
    critical_section::with(|cs| {
        let ticks = TICKS.borrow(cs);
        let now = ticks.get() + 1;
        ticks.set(now);
        let timers = TIMERS.borrow(cs);
        if now >= timers.next.get() {
            // Wakes every expired timer and says when the next one is due.
            let next = timers.queue.borrow_mut().next_expiration(now);
            timers.next.set(next);
        }
    });
}

/// The driver `embassy-time` calls.
struct SysTickDriver;

impl Driver for SysTickDriver {
    fn now(&self) -> u64 {
        now_ms()
    }

    fn schedule_wake(&self, at: u64, waker: &Waker) {
        critical_section::with(|cs| {
            let timers = TIMERS.borrow(cs);
            let mut queue = timers.queue.borrow_mut();
            if queue.schedule_wake(at, waker) {
                // A time already past is woken here; the next tick catches
                // the rest.
                let next = queue.next_expiration(TICKS.borrow(cs).get());
                timers.next.set(next);
            }
        });
    }
}

embassy_time_driver::time_driver_impl!(static DRIVER: SysTickDriver = SysTickDriver);
