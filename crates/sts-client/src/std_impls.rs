//! Host implementations of the edge traits (feature `std`).

use core::fmt;
use core::hash::{BuildHasher, Hasher};
use core::time::Duration;
use std::collections::hash_map::RandomState;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use alloc::boxed::Box;

use crate::exchange::AttemptEvent;
use crate::time::{Clock, Delay, Instant, Platform, Rng, SplitMix64, Timestamp};
use crate::token::{TokenError, TokenSource};

/// [`Clock`] from `std::time::Instant` (monotonic, milliseconds since the
/// clock was made) and `SystemTime` (the wall time, for skew).
#[derive(Debug, Clone, Copy)]
pub struct StdClock {
    origin: std::time::Instant,
}

impl StdClock {
    /// A clock whose epoch is now.
    #[must_use]
    pub fn new() -> Self {
        StdClock {
            origin: std::time::Instant::now(),
        }
    }

    /// The `std` instant that corresponds to `instant` on this clock.
    #[must_use]
    pub fn to_std(&self, instant: Instant) -> std::time::Instant {
        self.origin + Duration::from_millis(instant.as_millis())
    }
}

impl Default for StdClock {
    fn default() -> Self {
        StdClock::new()
    }
}

impl Clock for StdClock {
    fn now(&self) -> Instant {
        Instant::from_millis(u64::try_from(self.origin.elapsed().as_millis()).unwrap_or(u64::MAX))
    }

    fn wall_time(&self) -> Option<Timestamp> {
        let d = SystemTime::now().duration_since(UNIX_EPOCH).ok()?;
        Timestamp::from_unix(i64::try_from(d.as_secs()).ok()?, d.subsec_nanos())
    }
}

/// [`Delay`] with `std::thread::sleep`.
#[derive(Debug, Clone, Copy, Default)]
pub struct ThreadSleep;

impl Delay for ThreadSleep {
    fn delay(&mut self, duration: Duration) {
        std::thread::sleep(duration);
    }
}

/// An [`Rng`] seeded from the operating system: the standard library's
/// randomly keyed `RandomState` (the `HashMap` seed), mixed with the time,
/// feeding a [`SplitMix64`]. Not for cryptography; ample for jitter and
/// session names, without a new dependency.
#[derive(Clone)]
pub struct OsRng {
    inner: SplitMix64,
}

impl OsRng {
    /// A generator with a fresh OS-derived seed.
    #[must_use]
    pub fn new() -> Self {
        let mut h = RandomState::new().build_hasher();
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        h.write_u128(now);
        h.write_u64(u64::from(std::process::id()));
        OsRng {
            inner: SplitMix64::new(h.finish()),
        }
    }
}

impl Default for OsRng {
    fn default() -> Self {
        OsRng::new()
    }
}

impl Rng for OsRng {
    fn next_u64(&mut self) -> u64 {
        self.inner.next_u64()
    }
}

impl fmt::Debug for OsRng {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("OsRng")
    }
}

/// The host [`Platform`]: [`StdClock`], `std::thread::sleep`, [`OsRng`],
/// and an optional observer of attempts.
pub struct StdPlatform {
    clock: StdClock,
    rng: OsRng,
    observer: Option<Observer>,
}

/// What [`StdPlatform::with_observer`] keeps.
type Observer = Box<dyn FnMut(&AttemptEvent<'_>) + Send>;

impl StdPlatform {
    /// A platform whose monotonic epoch is now, with a fresh [`OsRng`].
    #[must_use]
    pub fn new() -> Self {
        StdPlatform {
            clock: StdClock::new(),
            rng: OsRng::new(),
            observer: None,
        }
    }

    /// Calls `observer` after each attempt (logs, metrics).
    #[must_use]
    pub fn with_observer(mut self, observer: impl FnMut(&AttemptEvent<'_>) + Send + 'static) -> Self {
        self.observer = Some(Box::new(observer));
        self
    }

    /// The clock.
    #[must_use]
    pub fn clock(&self) -> &StdClock {
        &self.clock
    }
}

impl Default for StdPlatform {
    fn default() -> Self {
        StdPlatform::new()
    }
}

impl Platform for StdPlatform {
    fn now(&self) -> Instant {
        self.clock.now()
    }
    fn wall_time(&self) -> Option<Timestamp> {
        self.clock.wall_time()
    }
    fn next_u64(&mut self) -> u64 {
        self.rng.next_u64()
    }
    fn delay(&mut self, duration: Duration) {
        std::thread::sleep(duration);
    }
    fn on_attempt(&mut self, event: &AttemptEvent<'_>) {
        if let Some(observer) = &mut self.observer {
            observer(event);
        }
    }
}

impl fmt::Debug for StdPlatform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StdPlatform")
            .field("clock", &self.clock)
            .field("observer", &self.observer.is_some())
            .finish()
    }
}

/// The token in a file, re-read on every fetch (Kubernetes and EKS rotate
/// projected service account tokens in place).
///
/// Trailing whitespace and newlines are trimmed (by the client, for every
/// source). Errors: [`TokenError::NotFound`], [`TokenError::Unreadable`]
/// (each with the OS's error code),
/// [`TokenError::Empty`], [`TokenError::TooLarge`] (the file is larger than
/// the buffer: it is not read past that), [`TokenError::NotUtf8`].
#[derive(Clone, PartialEq, Eq)]
pub struct TokenFile {
    path: PathBuf,
}

impl TokenFile {
    /// A source reading `path`.
    pub fn new(path: impl Into<PathBuf>) -> Self {
        TokenFile { path: path.into() }
    }

    /// The path.
    #[must_use]
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl fmt::Debug for TokenFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("TokenFile").field(&self.path).finish()
    }
}

/// A failed open or read of a token file or stream, with the OS's code (so
/// the message carries the OS's reason): `NotFound` or `Unreadable`.
impl From<&std::io::Error> for TokenError {
    fn from(e: &std::io::Error) -> Self {
        let os_error = e.raw_os_error();
        match e.kind() {
            std::io::ErrorKind::NotFound => TokenError::NotFound { os_error },
            _ => TokenError::Unreadable { os_error },
        }
    }
}

impl TokenSource for TokenFile {
    fn read_token(&mut self, buf: &mut [u8]) -> Result<usize, TokenError> {
        let mut file = std::fs::File::open(&self.path).map_err(|e| TokenError::from(&e))?;
        let capacity = buf.len();
        if let Ok(meta) = file.metadata() {
            let len = usize::try_from(meta.len()).unwrap_or(usize::MAX);
            if meta.is_file() && len > capacity {
                return Err(TokenError::TooLarge {
                    capacity,
                    needed: Some(len),
                });
            }
        }
        let mut n = 0;
        while n < capacity {
            match file.read(&mut buf[n..]) {
                Ok(0) => return Ok(n),
                Ok(k) => n += k,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(TokenError::from(&e)),
            }
        }
        // The buffer is full: one more byte means the file grew past it.
        let mut probe = [0u8; 1];
        match file.read(&mut probe) {
            Ok(0) => Ok(n),
            Ok(_) => Err(TokenError::TooLarge { capacity, needed: None }),
            Err(e) => Err(TokenError::from(&e)),
        }
    }
}
