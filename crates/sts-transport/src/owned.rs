//! Shared by the transports that get the response as owned `http` types
//! ([`StdTransport`](crate::StdTransport), [`HttpAdapter`](crate::HttpAdapter)):
//! the same framing policy as [`crate::h1`], and copying the values a
//! [`Response`] exposes into the caller's buffer.

#[cfg(feature = "http")]
use http::HeaderMap;
#[cfg(not(feature = "http"))]
use ureq::http::HeaderMap;

use crate::h1::parse_content_length;
use crate::{Error, MalformedHttp, Response};

/// Applies the framing policy of [`crate::h1`] to a response's headers and
/// returns its `Content-Length`, if any.
pub(crate) fn check_framing(headers: &HeaderMap) -> Result<Option<u64>, Error> {
    let mut content_length = None;
    for v in headers.get_all("content-length") {
        let n = parse_content_length(v.as_bytes()).ok_or(MalformedHttp::ContentLength)?;
        if content_length.is_some_and(|c| c != n) {
            return Err(MalformedHttp::ContentLength.into());
        }
        content_length = Some(n);
    }
    let mut te = headers.get_all("transfer-encoding").iter();
    if let Some(v) = te.next() {
        if content_length.is_some() {
            return Err(MalformedHttp::ContentLengthWithTransferEncoding.into());
        }
        if te.next().is_some() || !v.as_bytes().trim_ascii().eq_ignore_ascii_case(b"chunked") {
            return Err(MalformedHttp::TransferEncoding.into());
        }
    }
    for v in headers.get_all("content-encoding") {
        if !v.as_bytes().trim_ascii().eq_ignore_ascii_case(b"identity") {
            return Err(MalformedHttp::ContentEncoding.into());
        }
    }
    Ok(content_length)
}

/// Where each exposed header value was copied.
pub(crate) type Ranges = [Option<(usize, usize)>; 4];

/// Copies the values of the headers a [`Response`] exposes (`Date`,
/// `Content-Type`, `request_id_header`, `Retry-After`, in this order) to the
/// start of `buf`; returns where they are and how many bytes they take (the
/// body goes after them).
pub(crate) fn store_headers(
    headers: &HeaderMap,
    request_id_header: Option<&str>,
    buf: &mut [u8],
) -> Result<(Ranges, usize), Error> {
    let exposed = [
        Some("date"),
        Some("content-type"),
        request_id_header,
        Some("retry-after"),
    ];
    let mut ranges: Ranges = [None; 4];
    let mut at = 0;
    for (name, range) in exposed.iter().zip(ranges.iter_mut()) {
        // `HeaderMap::get` ignores case, and finds nothing for a name that
        // is not a valid header name.
        if let Some(v) = name.and_then(|n| headers.get(n)) {
            let v = v.as_bytes();
            if core::str::from_utf8(v).is_err() {
                return Err(MalformedHttp::HeaderValue.into());
            }
            let end = at + v.len();
            let Some(dst) = buf.get_mut(at..end) else {
                return Err(Error::BufferTooSmall { needed: None });
            };
            dst.copy_from_slice(v);
            *range = Some((at, end));
            at = end;
        }
    }
    Ok((ranges, at))
}

/// Refuses a `Content-Length` that cannot fit, before reading any body.
pub(crate) fn check_length(
    content_length: Option<u64>,
    head_len: usize,
    buf_len: usize,
    max_body: usize,
) -> Result<(), Error> {
    if let Some(cl) = content_length {
        let cl = usize::try_from(cl)
            .ok()
            .filter(|&cl| cl <= max_body)
            .ok_or(Error::BodyTooLarge { limit: max_body })?;
        if head_len + cl > buf_len {
            return Err(Error::BufferTooSmall {
                needed: Some(head_len + cl),
            });
        }
    }
    Ok(())
}

/// The [`Response`] over `buf`: header values in `buf[..head_len]`, the body
/// in `buf[head_len..head_len + body_len]`.
pub(crate) fn response(
    buf: &mut [u8],
    status: u16,
    ranges: Ranges,
    head_len: usize,
    body_len: usize,
) -> Result<Response<'_>, Error> {
    let (head, rest) = buf.split_at_mut(head_len);
    let head: &[u8] = head;
    let value = |r: Option<(usize, usize)>| match r {
        None => Ok(None),
        Some((a, b)) => core::str::from_utf8(&head[a..b])
            .map(Some)
            .map_err(|_| Error::MalformedResponse(MalformedHttp::HeaderValue)),
    };
    let mut response = Response::new(status, &mut rest[..body_len]);
    response.date = value(ranges[0])?;
    response.content_type = value(ranges[1])?;
    response.request_id = value(ranges[2])?;
    response.retry_after = value(ranges[3])?;
    Ok(response)
}
