//! Where the web identity token comes from.
//!
//! A [`TokenSource`] writes the token into a buffer the client lends it,
//! once per fetch (so a rotated token file is picked up at the next
//! refresh). The client then checks it is UTF-8, trims trailing whitespace
//! and newlines (token files usually end with `\n`), and refuses an empty
//! result. Three sources ship:
//!
//! - [`MemoryToken`]: bytes you already hold.
//! - [`FnToken`]: a closure (ask a secure element, a provisioning service...).
//! - [`TokenFile`](crate::TokenFile) (feature `std`): a file re-read on every
//!   fetch.
//!
//! The buffer the token is read into is the response buffer, which is wiped
//! before the answer is received into it; so the token never outlives the
//! request body, which is wiped after the last attempt.

use core::fmt;

/// Why no token could be had. Never holds any byte of the token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TokenError {
    /// The token file does not exist.
    NotFound,
    /// The token file exists but could not be read (permissions, I/O).
    Unreadable,
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
            TokenError::NotFound => f.write_str("web identity token file not found"),
            TokenError::Unreadable => f.write_str("web identity token could not be read"),
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

impl core::error::Error for TokenError {}

/// A source of the web identity token (the JWT).
pub trait TokenSource {
    /// Writes the token into `buf` and returns its length in bytes.
    ///
    /// # Errors
    ///
    /// A [`TokenError`]; [`TokenError::TooLarge`] when `buf` is too small.
    fn read_token(&mut self, buf: &mut [u8]) -> Result<usize, TokenError>;
}

impl<S: TokenSource + ?Sized> TokenSource for &mut S {
    fn read_token(&mut self, buf: &mut [u8]) -> Result<usize, TokenError> {
        (**self).read_token(buf)
    }
}

/// A token held in memory (copied into the client's buffer on each fetch).
#[derive(Clone, Copy)]
pub struct MemoryToken<'a>(&'a [u8]);

impl<'a> MemoryToken<'a> {
    /// A source that always gives `token`.
    #[must_use]
    pub const fn new(token: &'a [u8]) -> Self {
        MemoryToken(token)
    }

    /// A source that always gives `token`.
    #[must_use]
    pub const fn from_str(token: &'a str) -> Self {
        MemoryToken(token.as_bytes())
    }
}

impl TokenSource for MemoryToken<'_> {
    fn read_token(&mut self, buf: &mut [u8]) -> Result<usize, TokenError> {
        let capacity = buf.len();
        let dst = buf.get_mut(..self.0.len()).ok_or(TokenError::TooLarge {
            capacity,
            needed: Some(self.0.len()),
        })?;
        dst.copy_from_slice(self.0);
        Ok(self.0.len())
    }
}

impl fmt::Debug for MemoryToken<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "MemoryToken(<{} bytes redacted>)", self.0.len())
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

/// Reads the token from `source` into `buf`, checks it and trims trailing
/// whitespace. Returns the token and how many bytes of `buf` the source
/// filled (the token and the whitespace cut off it), for the caller to wipe.
///
/// On error `buf` may still hold what the source wrote: the caller wipes
/// all of it (`exchange::prepare` does). Wiping here on `NotUtf8` would take
/// a second UTF-8 pass: the borrow checker does not let the one `from_utf8`
/// whose result is returned be followed by a write to `buf` on failure.
pub(crate) fn load<'b, S: TokenSource + ?Sized>(
    source: &mut S,
    buf: &'b mut [u8],
) -> Result<(&'b str, usize), TokenError> {
    let capacity = buf.len();
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
    let trimmed = text.trim_end_matches([' ', '\t', '\r', '\n']);
    if trimmed.trim_start_matches([' ', '\t', '\r', '\n']).is_empty() {
        return Err(TokenError::Empty);
    }
    Ok((trimmed, n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_token_trimmed_and_checked() {
        let mut buf = [0u8; 16];
        assert_eq!(
            load(&mut MemoryToken::from_str("abc.def\r\n \n"), &mut buf),
            Ok(("abc.def", 11))
        );
        assert_eq!(
            load(&mut MemoryToken::from_str(" \n"), &mut buf),
            Err(TokenError::Empty)
        );
        assert_eq!(
            load(&mut MemoryToken::new(b"ab\xff"), &mut buf),
            Err(TokenError::NotUtf8)
        );
        // A rejected token is wiped by the caller (`exchange::prepare`, tested there).
        assert_eq!(
            load(&mut MemoryToken::new(&[b'a'; 17]), &mut buf),
            Err(TokenError::TooLarge {
                capacity: 16,
                needed: Some(17)
            })
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
