//! Where the web identity token comes from.
//!
//! A [`TokenSource`] writes the token into a buffer the client lends it,
//! once per fetch (so a rotated token file is picked up at the next
//! refresh). The client then checks it is UTF-8, trims trailing whitespace
//! and newlines (token files usually end with `\n`), and refuses an empty
//! result. Three sources ship:
//!
//! - [`MemoryToken`]: bytes you already hold (a `&str` is used in place:
//!   see [`TokenSource::token_str`]).
//! - [`FnToken`]: a closure (ask a secure element, a provisioning service...).
//! - `TokenFile` (feature `std`): a file re-read on every
//!   fetch.
//!
//! The buffer the token is read into is the response buffer, which is wiped
//! before the answer is received into it; so the token never outlives the
//! request body, which is wiped after the last attempt. A source that
//! already holds the token as text ([`TokenSource::token_str`]) lends it
//! instead: no copy is made, so there is none to wipe (the caller's own
//! memory is the caller's, as it always was).

use core::fmt;

/// Why no token could be had. Never holds any byte of the token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TokenError {
    /// The token file does not exist.
    NotFound {
        /// The operating system's error code (`errno`, or `GetLastError` on
        /// Windows), when known.
        os_error: Option<i32>,
    },
    /// The token file (or stream) exists but could not be read
    /// (permissions, I/O).
    Unreadable {
        /// The operating system's error code, when known.
        os_error: Option<i32>,
    },
    /// The token is empty (or only whitespace).
    Empty,
    /// The token does not fit in the buffer the client lends (the response
    /// buffer; see [`Buffers`](crate::Buffers)).
    TooLarge {
        /// The buffer's size in bytes.
        capacity: usize,
        /// The token's size in bytes, when known.
        needed: Option<usize>,
    },
    /// The token is not UTF-8.
    NotUtf8,
    /// A custom source has no token to give right now.
    Unavailable,
}

impl fmt::Display for TokenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TokenError::NotFound { os_error } => {
                f.write_str("web identity token file not found")?;
                os_reason(f, *os_error)
            }
            TokenError::Unreadable { os_error } => {
                f.write_str("web identity token could not be read")?;
                os_reason(f, *os_error)
            }
            TokenError::Empty => f.write_str("web identity token is empty"),
            TokenError::TooLarge {
                capacity,
                needed: Some(n),
            } => {
                write!(
                    f,
                    "web identity token is {n} bytes, more than the {capacity}-byte buffer holds"
                )
            }
            TokenError::TooLarge { capacity, needed: None } => {
                write!(f, "web identity token is larger than the {capacity}-byte buffer")
            }
            TokenError::NotUtf8 => f.write_str("web identity token is not UTF-8"),
            TokenError::Unavailable => f.write_str("no web identity token available"),
        }
    }
}

/// `: <the OS's text> (os error N)` with std, ` (os error N)` without.
fn os_reason(f: &mut fmt::Formatter<'_>, code: Option<i32>) -> fmt::Result {
    match code {
        #[cfg(feature = "std")]
        Some(code) => write!(f, ": {}", std::io::Error::from_raw_os_error(code)),
        #[cfg(not(feature = "std"))]
        Some(code) => write!(f, " (os error {code})"),
        None => Ok(()),
    }
}

impl core::error::Error for TokenError {}

/// A source of the web identity token (the JWT).
pub trait TokenSource {
    /// Writes the token into `buf` and returns its length in bytes.
    ///
    /// # Errors
    ///
    /// A [`TokenError`]; [`TokenError::TooLarge`] when `buf` is too small.
    fn read_token(&mut self, buf: &mut [u8]) -> Result<usize, TokenError>;

    /// The token, when the source already holds it as text: the client
    /// then uses it in place, without copying it into its buffer (so there
    /// is no copy to wipe, and the buffer needs no room for it) and without
    /// checking it is UTF-8 again (a `str` is). It is trimmed and checked
    /// not empty exactly as a token [`read_token`](Self::read_token) writes.
    ///
    /// The default, `None`, has the client call `read_token`.
    /// [`MemoryToken::from_str`] answers `Some`.
    fn token_str(&self) -> Option<&str> {
        None
    }
}

impl<S: TokenSource + ?Sized> TokenSource for &mut S {
    fn read_token(&mut self, buf: &mut [u8]) -> Result<usize, TokenError> {
        (**self).read_token(buf)
    }

    fn token_str(&self) -> Option<&str> {
        (**self).token_str()
    }
}

/// A token held in memory: bytes ([`new`](Self::new)), copied into the
/// client's buffer on each fetch and checked to be UTF-8 there, or text
/// ([`from_str`](Self::from_str)), used in place
/// ([`TokenSource::token_str`]).
#[derive(Clone, Copy)]
pub struct MemoryToken<'a>(Held<'a>);

/// What a [`MemoryToken`] holds.
#[derive(Clone, Copy)]
enum Held<'a> {
    Bytes(&'a [u8]),
    Text(&'a str),
}

impl<'a> MemoryToken<'a> {
    /// A source that always gives `token`.
    #[must_use]
    pub const fn new(token: &'a [u8]) -> Self {
        MemoryToken(Held::Bytes(token))
    }

    /// A source that always gives `token`, lent in place
    /// ([`TokenSource::token_str`]).
    #[must_use]
    pub const fn from_str(token: &'a str) -> Self {
        MemoryToken(Held::Text(token))
    }

    const fn bytes(&self) -> &'a [u8] {
        match self.0 {
            Held::Bytes(b) => b,
            Held::Text(t) => t.as_bytes(),
        }
    }
}

impl TokenSource for MemoryToken<'_> {
    fn read_token(&mut self, buf: &mut [u8]) -> Result<usize, TokenError> {
        let token = self.bytes();
        let capacity = buf.len();
        let dst = buf.get_mut(..token.len()).ok_or(TokenError::TooLarge {
            capacity,
            needed: Some(token.len()),
        })?;
        dst.copy_from_slice(token);
        Ok(token.len())
    }

    fn token_str(&self) -> Option<&str> {
        match self.0 {
            Held::Bytes(_) => None,
            Held::Text(t) => Some(t),
        }
    }
}

impl fmt::Debug for MemoryToken<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "MemoryToken(<{} bytes redacted>)", self.bytes().len())
    }
}

/// A token from a closure that writes it into the buffer and returns its
/// length.
pub struct FnToken<F>(F);

impl<F: FnMut(&mut [u8]) -> Result<usize, TokenError>> FnToken<F> {
    /// Wraps the closure.
    pub const fn new(f: F) -> Self {
        FnToken(f)
    }
}

impl<F: FnMut(&mut [u8]) -> Result<usize, TokenError>> TokenSource for FnToken<F> {
    fn read_token(&mut self, buf: &mut [u8]) -> Result<usize, TokenError> {
        (self.0)(buf)
    }
}

impl<F> fmt::Debug for FnToken<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("FnToken")
    }
}

/// Reads the token from `source` into `buf` (or borrows it from `source`,
/// [`TokenSource::token_str`]), checks it and trims trailing whitespace.
/// Returns the token and how many bytes of `buf` the source filled (the
/// token and the whitespace cut off it; 0 for a borrowed token), for the
/// caller to wipe.
///
/// On error `buf` may still hold what the source wrote: the caller wipes
/// all of it (`exchange::start` does). Wiping here on `NotUtf8` would take
/// a second UTF-8 pass: the borrow checker does not let the one `from_utf8`
/// whose result is returned be followed by a write to `buf` on failure.
pub(crate) fn load<'b, S: TokenSource + ?Sized>(
    source: &'b mut S,
    buf: &'b mut [u8],
) -> Result<(&'b str, usize), TokenError> {
    let capacity = buf.len();
    if source.token_str().is_some() {
        // In place: nothing of `buf` is filled, and `buf` needs no room for
        // it. (Asked twice: a borrow returned from before the branch would
        // outlive it.)
        let source: &'b S = source;
        let text = source.token_str().ok_or(TokenError::Unavailable)?;
        return trimmed(text).map(|t| (t, 0));
    }
    let n = match source.read_token(buf) {
        Ok(n) if n > capacity => {
            return Err(TokenError::TooLarge {
                capacity,
                needed: Some(n),
            });
        }
        Ok(n) => n,
        Err(e) => return Err(e),
    };
    let text = core::str::from_utf8(buf.get(..n).unwrap_or_default()).map_err(|_| TokenError::NotUtf8)?;
    trimmed(text).map(|t| (t, n))
}

/// `text` without trailing whitespace; [`TokenError::Empty`] if nothing
/// but whitespace is left.
fn trimmed(text: &str) -> Result<&str, TokenError> {
    let trimmed = text.trim_end_matches([' ', '\t', '\r', '\n']);
    if trimmed.trim_start_matches([' ', '\t', '\r', '\n']).is_empty() {
        return Err(TokenError::Empty);
    }
    Ok(trimmed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_token_trimmed_and_checked() {
        let mut buf = [0u8; 16];
        assert_eq!(
            load(&mut MemoryToken::new(b"abc.def\r\n \n"), &mut buf),
            Ok(("abc.def", 11))
        );
        assert_eq!(
            load(&mut MemoryToken::from_str("abc.def\r\n \n"), &mut buf),
            Ok(("abc.def", 0))
        );
        assert_eq!(
            load(&mut MemoryToken::from_str(" \n"), &mut buf),
            Err(TokenError::Empty)
        );
        assert_eq!(
            load(&mut MemoryToken::new(b"ab\xff"), &mut buf),
            Err(TokenError::NotUtf8)
        );
        // A rejected token is wiped by the caller (`exchange::start`, tested there).
        assert_eq!(
            load(&mut MemoryToken::new(&[b'a'; 17]), &mut buf),
            Err(TokenError::TooLarge {
                capacity: 16,
                needed: Some(17)
            })
        );
    }

    /// A token lent in place (`from_str`) and the same bytes copied
    /// (`new`) give the same token or the same error, as long as the copy
    /// fits; only the bytes of the buffer filled differ (none in place),
    /// and a lent token needs no room at all.
    #[test]
    fn in_place_token_is_the_copied_token() {
        extern crate alloc;
        let long = "a".repeat(16);
        let longer = "a".repeat(17);
        let padded = alloc::format!("{}\n", "a".repeat(15));
        let tokens = [
            "abc.def",
            "abc.def\r\n \n",
            " \tabc ",
            "",
            " \n",
            "\r\n\t ",
            "\u{e9}t\u{e9}",
            long.as_str(),
            padded.as_str(),
        ];
        for token in tokens {
            let (mut a, mut b) = ([0u8; 16], [0u8; 16]);
            let (mut copy_src, mut lend_src) = (MemoryToken::new(token.as_bytes()), MemoryToken::from_str(token));
            let copied = load(&mut copy_src, &mut a);
            let in_place = load(&mut lend_src, &mut b);
            assert_eq!(in_place.map(|(t, _)| t), copied.map(|(t, _)| t), "{token:?}");
            if let Ok((_, filled)) = load(&mut MemoryToken::new(token.as_bytes()), &mut a) {
                assert_eq!(filled, token.len(), "{token:?}");
            }
            if let Ok((_, filled)) = load(&mut MemoryToken::from_str(token), &mut b) {
                assert_eq!(filled, 0, "{token:?}");
            }
            assert!(b.iter().all(|&x| x == 0), "{token:?} written");
        }
        let mut lent = MemoryToken::from_str(&longer);
        assert_eq!(load(&mut lent, &mut [0u8; 16]), Ok((longer.as_str(), 0)));
        let mut src = MemoryToken::from_str("tok");
        assert_eq!(src.token_str(), Some("tok"));
        let mut buf = [0u8; 4];
        assert_eq!(src.read_token(&mut buf), Ok(3), "read_token still copies");
        assert_eq!(&buf[..3], b"tok");
        assert_eq!(MemoryToken::new(b"tok").token_str(), None);
        let forwarded = &mut src;
        assert_eq!(
            <&mut MemoryToken<'_> as TokenSource>::token_str(&forwarded),
            Some("tok")
        );
    }

    #[test]
    fn closure_source() {
        let mut calls = 0;
        let mut buf = [0u8; 8];
        {
            let mut src = FnToken::new(|buf: &mut [u8]| {
                calls += 1;
                buf[..3].copy_from_slice(b"tok");
                Ok(3)
            });
            assert_eq!(load(&mut src, &mut buf), Ok(("tok", 3)));
        }
        assert_eq!(calls, 1);
        let mut lying = FnToken::new(|_: &mut [u8]| Ok(99));
        let err = load(&mut lying, &mut buf);
        assert_eq!(
            err,
            Err(TokenError::TooLarge {
                capacity: 8,
                needed: Some(99)
            })
        );
    }
}
