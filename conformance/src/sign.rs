//! The `sign` JSON-line format: one request in, its SigV4 signature out,
//! through `sts-sigv4`.
//!
//! Each line is
//!
//! ```text
//! {"method": "POST", "url": "https://host[:port]/path?query",
//!  "headers": [["Name", "value"], ...], "body": "...",
//!  "region": "us-east-1", "service": "sts",
//!  "access_key_id": "...", "secret_access_key": "...",
//!  "session_token": "..." (optional), "time": "YYYYMMDDTHHMMSSZ"}
//! ```
//!
//! The headers given are signed exactly (names lowercased, values trimmed,
//! inner runs of spaces collapsed), plus `host` (from the URL: lowercased,
//! without a default port, as botocore writes it), `x-amz-date` and, with a
//! token, `x-amz-security-token`; the payload hash is the SHA-256 of the body.
//! The answer is `{"authorization", "x-amz-date"}`, with
//! `"x-amz-security-token"` when a token was given, or `{"invalid":
//! "<reason>"}` (reasons never quote a secret).

use serde_json::{Map, Value, json};
use sts_codec::Secret;
use sts_sigv4::{AmzDate, Credentials, Payload, Request, SigningKey, sign};

/// Answers one `sign` line.
pub fn sign_line(line: &str) -> String {
    match serde_json::from_str::<Value>(line) {
        Ok(Value::Object(o)) => sign_object(&o),
        Ok(_) => invalid("line is not a JSON object"),
        Err(_) => invalid("line is not JSON"),
    }
    .to_string()
}

fn invalid(reason: &str) -> Value {
    json!({ "invalid": reason })
}

/// A required string member, or the reason it is not one.
fn string<'a>(o: &'a Map<String, Value>, name: &str) -> Result<&'a str, String> {
    match o.get(name) {
        Some(Value::String(s)) => Ok(s),
        None | Some(Value::Null) => Err(format!("missing \"{name}\"")),
        Some(_) => Err(format!("\"{name}\" must be a string")),
    }
}

/// The request's URL, split as the signer needs it.
struct Url {
    /// `host[:port]` as botocore signs it: lowercase, default port dropped.
    host: String,
    /// `/path?query` (the path `/` when the URL has none).
    target: String,
}

fn parse_url(url: &str) -> Result<Url, String> {
    let (scheme, rest) = url.split_once("://").ok_or("url must be http:// or https://")?;
    let default_port = match scheme {
        "https" => "443",
        "http" => "80",
        _ => return Err("url must be http:// or https://".into()),
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, target) = rest.split_at(end);
    if target.contains('#') {
        return Err("url must not have a fragment".into());
    }
    if authority.is_empty() || authority.contains('@') {
        return Err("url must have a host and no user info".into());
    }
    // The port follows the last `:`, unless that `:` is inside an IPv6
    // literal (`[::1]` has no port, `[::1]:8080` has one).
    let (name, port) = match authority.rsplit_once(':') {
        Some((name, port)) if !name.starts_with('[') || name.ends_with(']') => (name, Some(port)),
        _ => (authority, None),
    };
    if port.is_some_and(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit())) {
        return Err("url port must be digits".into());
    }
    let mut host = name.to_ascii_lowercase();
    if let Some(port) = port.filter(|p| *p != default_port) {
        host.push(':');
        host.push_str(port);
    }
    let target = if target.starts_with('/') {
        target.to_owned()
    } else {
        format!("/{target}")
    };
    Ok(Url { host, target })
}

/// `YYYYMMDDTHHMMSSZ` as a timestamp.
fn parse_time(time: &str) -> Result<sts_codec::Timestamp, String> {
    let b = time.as_bytes();
    let digits = |r: core::ops::Range<usize>| b.get(r).is_some_and(|d| d.iter().all(u8::is_ascii_digit));
    if b.len() != 16 || b[8] != b'T' || b[15] != b'Z' || !digits(0..8) || !digits(9..15) {
        return Err("\"time\" must be YYYYMMDDTHHMMSSZ".into());
    }
    let rfc3339 = format!(
        "{}-{}-{}T{}:{}:{}Z",
        &time[0..4],
        &time[4..6],
        &time[6..8],
        &time[9..11],
        &time[11..13],
        &time[13..15]
    );
    sts_codec::time::parse_rfc3339(&rfc3339).map_err(|e| format!("\"time\": {e}"))
}

fn sign_object(o: &Map<String, Value>) -> Value {
    match try_sign(o) {
        Ok(v) => v,
        Err(reason) => invalid(&reason),
    }
}

fn try_sign(o: &Map<String, Value>) -> Result<Value, String> {
    let method = string(o, "method")?;
    let url = parse_url(string(o, "url")?)?;
    let region = string(o, "region")?;
    let service = string(o, "service")?;
    let access_key_id = string(o, "access_key_id")?;
    let secret = string(o, "secret_access_key")?;
    let token = match o.get("session_token") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.as_str()),
        Some(_) => return Err("\"session_token\" must be a string".into()),
    };
    let body = match o.get("body") {
        None | Some(Value::Null) => "",
        Some(Value::String(s)) => s,
        Some(_) => return Err("\"body\" must be a string".into()),
    };
    let date = AmzDate::new(parse_time(string(o, "time")?)?).map_err(|e| e.to_string())?;

    let mut headers: Vec<(&str, &str)> = vec![("host", &url.host)];
    match o.get("headers") {
        None | Some(Value::Null) => {}
        Some(Value::Array(items)) => {
            for item in items {
                let (name, value) = match item.as_array().map(Vec::as_slice) {
                    Some([Value::String(n), Value::String(v)]) => (n.as_str(), v.as_str()),
                    _ => return Err("each header must be [name, value], two strings".into()),
                };
                if name.eq_ignore_ascii_case("host") {
                    return Err("host comes from the url".into());
                }
                headers.push((name, value));
            }
        }
        Some(_) => return Err("\"headers\" must be a list".into()),
    }

    let credentials = Credentials::new(access_key_id, Secret::new(secret), token.map(Secret::new));
    let key = SigningKey::new(&credentials.secret_access_key, &date, region, service).map_err(|e| e.to_string())?;
    let request = Request::new(method, &url.target, &headers, Payload::Bytes(body.as_bytes()));
    // Room for the canonical request (the target encoded: up to three bytes
    // per byte), the string to sign and the Authorization value (the
    // signed-header names and the scope again, plus fixed text and hashes).
    let headers_len: usize = headers.iter().map(|(n, v)| 2 * n.len() + v.len() + 2).sum();
    let scope_len = 2 * (access_key_id.len() + region.len() + service.len());
    let room = 512 + method.len() + 3 * url.target.len() + headers_len + token.map_or(0, str::len) + scope_len;
    let mut buf = vec![0u8; room];
    let signed = sign(&request, &credentials, &key, &date, &mut buf).map_err(|e| match e {
        // Index 0 is the host from the url; the caller's headers follow.
        sts_sigv4::Error::InvalidHeaderName { index }
        | sts_sigv4::Error::InvalidHeaderValue { index }
        | sts_sigv4::Error::ReservedHeader { index } => match index.checked_sub(1) {
            Some(i) => format!("header {i}: {e}"),
            None => format!("url host: {e}"),
        },
        e => e.to_string(),
    })?;
    let mut answer = json!({
        "authorization": signed.authorization(),
        "x-amz-date": date.as_str(),
    });
    if let Some(token) = token {
        answer["x-amz-security-token"] = Value::from(token);
    }
    Ok(answer)
}
