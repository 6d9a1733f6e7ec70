//! The credential cache of `credential-process`.
//!
//! The AWS CLI and the SDKs run a `credential_process` command whenever
//! they need credentials and keep them only in memory, so every new `aws`
//! process would otherwise call STS. This cache keeps the printed JSON on
//! disk and prints it again until a refresh margin before it expires.
//!
//! | rule | why |
//! |---|---|
//! | one file per identity: `<sha256 hex>.json` | the digest covers the role ARN, the configured session name, the endpoint, the duration, the inline policy, the policy ARNs, the provider id, a digest of the token and, for a role chain, each hop's role ARN, session name, external id and duration, so another token or another request never reuses credentials |
//! | `$XDG_CACHE_HOME/sts-web-identity/`, else `$HOME/.cache/sts-web-identity/` | the XDG base directory rules; a relative `XDG_CACHE_HOME` is ignored, as they say; neither set: no cache |
//! | directory 0700, owned by us | nobody else can list, plant or remove entries |
//! | a file is trusted only if it is a regular file (not a symlink), owned by our effective uid, mode exactly 0600, at most [`MAX_FILE_BYTES`] bytes, and holds a `credential_process` document version 1 whose `Expiration` is in the future and at most [`MAX_LIFETIME_SECS`] (plus a minute) away | anything else (corrupt, foreign, loosely permissioned, unreadable, a FIFO) is ignored, and replaced by the next fetch |
//! | written to a temporary file in the same directory, then renamed over the entry | a reader sees the old file or the new one, never a part of one, however many invocations run at once |
//! | `Expiration` on this machine's clock, as printed | the same instant `credential-process` prints, so "expires within the margin" is a comparison with our own clock |
//!
//! The cache is for Unix (it relies on file owners and modes); elsewhere
//! there is no cache. Every buffer that holds a cached secret is wiped
//! after use; the parsed document borrows from the wiped buffer (a secret
//! that would need a JSON escape makes the entry invalid, so serde never
//! copies one).

use std::ffi::OsString;
use std::fs::File;
use std::io::{Read, Write};
use std::os::unix::fs::{DirBuilderExt, MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

use rustix::fs::{Mode, OFlags};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

/// The longest lifetime STS grants (12 hours): a cached `Expiration` further
/// away than this (plus a minute of slack) did not come from STS at the
/// clock we have now, so it is not trusted.
pub(crate) const MAX_LIFETIME_SECS: i64 = 43_200;

/// The largest cache file read: the session token may take the whole 64 KiB
/// body of an answer; the rest is room for the other fields.
pub(crate) const MAX_FILE_BYTES: u64 = 80 * 1024;

/// The directory under the cache base directory.
const DIR_NAME: &str = "sts-web-identity";

/// What identifies one set of credentials: every request parameter that
/// changes what STS grants, and the token.
pub(crate) struct KeyParts<'a> {
    pub(crate) role_arn: &'a str,
    /// The configured `RoleSessionName`; `None` when the client generates
    /// one per fetch (then any generated name will do).
    pub(crate) session_name: Option<&'a str>,
    /// The URL the request goes to.
    pub(crate) endpoint: &'a str,
    pub(crate) duration: Option<u32>,
    pub(crate) policy: Option<&'a str>,
    pub(crate) policy_arns: &'a [String],
    pub(crate) provider_id: Option<&'a str>,
    pub(crate) token: &'a [u8],
    /// The `AssumeRole` hops after web identity (role chaining), in order.
    pub(crate) hops: &'a [HopKey<'a>],
}

/// What identifies one `AssumeRole` hop of a chain.
pub(crate) struct HopKey<'a> {
    pub(crate) role_arn: &'a str,
    /// `None`: generated per fetch.
    pub(crate) session_name: Option<&'a str>,
    pub(crate) external_id: Option<&'a str>,
    pub(crate) duration: Option<u32>,
}

impl KeyParts<'_> {
    /// The file name stem: SHA-256, in hex, of a length-prefixed encoding of
    /// the parts (so no two different part lists encode alike), the token
    /// as its own SHA-256.
    pub(crate) fn digest(&self) -> String {
        fn part(h: &mut Sha256, tag: u8, value: Option<&[u8]>) {
            h.update([tag]);
            match value {
                None => h.update([0]),
                Some(v) => {
                    h.update([1]);
                    h.update((v.len() as u64).to_be_bytes());
                    h.update(v);
                }
            }
        }
        let token_digest = Sha256::digest(self.token);
        let mut h = Sha256::new();
        h.update(b"sts-web-identity credential cache v1\0");
        part(&mut h, b'r', Some(self.role_arn.as_bytes()));
        part(&mut h, b's', self.session_name.map(str::as_bytes));
        part(&mut h, b'e', Some(self.endpoint.as_bytes()));
        let duration = self.duration.map(u32::to_be_bytes);
        part(&mut h, b'd', duration.as_ref().map(|d| &d[..]));
        part(&mut h, b'p', self.policy.map(str::as_bytes));
        h.update((self.policy_arns.len() as u64).to_be_bytes());
        for arn in self.policy_arns {
            part(&mut h, b'a', Some(arn.as_bytes()));
        }
        part(&mut h, b'i', self.provider_id.map(str::as_bytes));
        part(&mut h, b't', Some(&token_digest[..]));
        h.update((self.hops.len() as u64).to_be_bytes());
        for hop in self.hops {
            part(&mut h, b'R', Some(hop.role_arn.as_bytes()));
            part(&mut h, b'S', hop.session_name.map(str::as_bytes));
            part(&mut h, b'X', hop.external_id.map(str::as_bytes));
            let duration = hop.duration.map(u32::to_be_bytes);
            part(&mut h, b'D', duration.as_ref().map(|d| &d[..]));
        }
        hex(&h.finalize())
    }
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(2 * bytes.len());
    for b in bytes {
        let _ = write!(out, "{b:02x}");
    }
    out
}

/// The cache directory the environment names: `$XDG_CACHE_HOME/sts-web-identity`
/// when that is an absolute path, else `$HOME/.cache/sts-web-identity` when
/// `HOME` is absolute, else none.
pub(crate) fn dir_from(xdg_cache_home: Option<OsString>, home: Option<OsString>) -> Option<PathBuf> {
    let absolute = |v: Option<OsString>| v.map(PathBuf::from).filter(|p| p.is_absolute());
    absolute(xdg_cache_home)
        .or_else(|| absolute(home).map(|h| h.join(".cache")))
        .map(|base| base.join(DIR_NAME))
}

/// Why the cache cannot be used, or why an entry was not: for `-v`. Holds
/// no secret (never a file's content).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Ignored(pub(crate) String);

/// The cache directory, checked: ours, mode 0700.
#[derive(Debug)]
pub(crate) struct Cache {
    dir: PathBuf,
    uid: u32,
}

/// What a lookup found.
#[derive(Debug)]
pub(crate) enum Lookup {
    /// Usable credentials: the `credential_process` JSON to print (wiped on
    /// drop) and its `Expiration` in Unix seconds.
    Hit { json: Zeroizing<String>, expires: i64 },
    /// No entry for this key.
    Absent,
    /// An entry that is valid but expires within the refresh margin.
    Stale { expires: i64 },
    /// An entry that is not trusted, and why.
    Ignored(Ignored),
}

/// A document as `credential-process` prints it; borrowed from the read
/// buffer (which is wiped), so the secrets are never copied.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "PascalCase")]
struct Document<'a> {
    version: u32,
    access_key_id: &'a str,
    secret_access_key: &'a str,
    session_token: &'a str,
    expiration: &'a str,
    #[serde(default)]
    account_id: Option<&'a str>,
}

impl Cache {
    /// Opens (creating it if needed) the cache directory `dir` for the
    /// effective user.
    pub(crate) fn open(dir: &Path) -> Result<Cache, Ignored> {
        Cache::open_as(dir, rustix::process::geteuid().as_raw())
    }

    /// [`Cache::open`] for user `uid` (the tests pass another uid to prove
    /// a directory of someone else is refused).
    fn open_as(dir: &Path, uid: u32) -> Result<Cache, Ignored> {
        let fail = |what: &str, e: std::io::Error| Ignored(format!("cache directory {}: {what}: {e}", dir.display()));
        // Missing parents are made 0700 too, as the XDG base directory
        // rules ask of a cache home that does not exist yet.
        if let Some(parent) = dir.parent() {
            std::fs::DirBuilder::new()
                .recursive(true)
                .mode(0o700)
                .create(parent)
                .map_err(|e| fail("could not create its parent", e))?;
        }
        match std::fs::DirBuilder::new().mode(0o700).create(dir) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(fail("could not create it", e)),
        }
        let meta = std::fs::symlink_metadata(dir).map_err(|e| fail("could not inspect it", e))?;
        if !meta.file_type().is_dir() {
            return Err(Ignored(format!(
                "cache directory {} is not a directory (a symlink or a file)",
                dir.display()
            )));
        }
        if meta.uid() != uid {
            return Err(Ignored(format!(
                "cache directory {} belongs to uid {}, not to us ({uid})",
                dir.display(),
                meta.uid()
            )));
        }
        if meta.mode() & 0o7777 != 0o700 {
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
                .map_err(|e| fail("could not make it 0700", e))?;
        }
        Ok(Cache {
            dir: dir.to_owned(),
            uid,
        })
    }

    /// The file of `key` (a [`KeyParts::digest`]).
    pub(crate) fn path(&self, key: &str) -> PathBuf {
        self.dir.join(format!("{key}.json"))
    }

    /// Looks up `key` at Unix time `now`: a hit only if the entry is
    /// trusted (see the module docs) and expires more than `margin_secs`
    /// after `now`.
    pub(crate) fn lookup(&self, key: &str, now: i64, margin_secs: u32) -> Lookup {
        let path = self.path(key);
        let buf = match self.read(&path) {
            Ok(Some(buf)) => buf,
            Ok(None) => return Lookup::Absent,
            Err(why) => return Lookup::Ignored(why),
        };
        match parse(&buf, now) {
            Err(why) => Lookup::Ignored(Ignored(format!("cache file {}: {}", path.display(), why.0))),
            Ok((_, expires)) if expires - now <= i64::from(margin_secs) => Lookup::Stale { expires },
            Ok((json, expires)) => Lookup::Hit { json, expires },
        }
    }

    /// Reads the file at `path` if it is trusted: `None` when there is none.
    fn read(&self, path: &Path) -> Result<Option<Zeroizing<Vec<u8>>>, Ignored> {
        let why = |what: String| Ignored(format!("cache file {}: {what}", path.display()));
        // No symlink is followed; a FIFO or a device opens without blocking
        // and is then refused as not a regular file.
        let flags = OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::NONBLOCK | OFlags::CLOEXEC;
        let mut file = match rustix::fs::open(path, flags, Mode::empty()) {
            Ok(fd) => File::from(fd),
            Err(rustix::io::Errno::NOENT) => return Ok(None),
            Err(e) => return Err(why(format!("unreadable: {}", std::io::Error::from(e)))),
        };
        let meta = file.metadata().map_err(|e| why(format!("unreadable: {e}")))?;
        if !meta.file_type().is_file() {
            return Err(why("not a regular file".into()));
        }
        if meta.uid() != self.uid {
            return Err(why(format!("belongs to uid {}, not to us ({})", meta.uid(), self.uid)));
        }
        if meta.mode() & 0o7777 != 0o600 {
            return Err(why(format!("mode {:04o}, not 0600", meta.mode() & 0o7777)));
        }
        if meta.len() > MAX_FILE_BYTES {
            return Err(why(format!("larger than {MAX_FILE_BYTES} bytes")));
        }
        // One allocation of the size found, plus one byte to notice a file
        // that grew: no reallocation leaves a copy of a secret behind.
        let size = usize::try_from(meta.len()).unwrap_or(0);
        let mut buf = Zeroizing::new(vec![0u8; size + 1]);
        let mut n = 0;
        while n < buf.len() {
            match file.read(&mut buf[n..]) {
                Ok(0) => break,
                Ok(k) => n += k,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(why(format!("unreadable: {e}"))),
            }
        }
        if n > size {
            return Err(why("changed while it was read".into()));
        }
        buf.truncate(n);
        Ok(Some(buf))
    }

    /// Stores `json` (the `credential_process` JSON just printed) as the
    /// entry of `key`: a temporary 0600 file in the cache directory, synced,
    /// then renamed over the entry.
    pub(crate) fn store(&self, key: &str, json: &str) -> Result<(), Ignored> {
        let path = self.path(key);
        let fail = |e: std::io::Error| Ignored(format!("could not write the cache file {}: {e}", path.display()));
        let mut tmp = tempfile::Builder::new()
            .prefix(".tmp-")
            .suffix(".json")
            .permissions(std::fs::Permissions::from_mode(0o600))
            .tempfile_in(&self.dir)
            .map_err(fail)?;
        tmp.write_all(json.as_bytes()).map_err(fail)?;
        tmp.as_file().sync_all().map_err(fail)?;
        tmp.persist(&path).map_err(|e| fail(e.error))?;
        Ok(())
    }
}

/// Checks a cache file's content at Unix time `now` and renders it as
/// `credential-process` prints it: the JSON (wiped on drop) and its
/// `Expiration` in Unix seconds. Never puts the content in the error.
fn parse(buf: &[u8], now: i64) -> Result<(Zeroizing<String>, i64), Ignored> {
    // serde_json's own message may quote a value: say only where it broke.
    let doc: Document<'_> = serde_json::from_slice(buf).map_err(|e| {
        Ignored(format!(
            "not a credential_process document (line {}, column {})",
            e.line(),
            e.column()
        ))
    })?;
    if doc.version != 1 {
        return Err(Ignored(format!("Version {}, not 1", doc.version)));
    }
    let ok_id = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric());
    if !ok_id(doc.access_key_id) {
        return Err(Ignored("AccessKeyId is empty or not alphanumeric".into()));
    }
    if doc.secret_access_key.is_empty() || doc.session_token.is_empty() {
        return Err(Ignored("SecretAccessKey or SessionToken is empty".into()));
    }
    if doc
        .account_id
        .is_some_and(|a| a.len() != 12 || !a.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(Ignored("AccountId is not 12 digits".into()));
    }
    let expires = sts_codec::time::parse_rfc3339(doc.expiration)
        .map_err(|_| Ignored("Expiration is not an RFC 3339 time".into()))?
        .seconds;
    if expires <= now {
        return Err(Ignored("expired".into()));
    }
    if expires - now > MAX_LIFETIME_SECS + 60 {
        return Err(Ignored("Expiration is further away than STS grants".into()));
    }
    let json = super::fetch::render_credential_process(
        doc.access_key_id,
        doc.secret_access_key,
        doc.session_token,
        doc.expiration,
        doc.account_id,
    );
    Ok((json, expires))
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    const NOW: i64 = 1_750_000_000;

    fn rfc3339(t: i64) -> String {
        let t = sts_codec::Timestamp::from_unix(t, 0).unwrap().rfc3339().unwrap();
        t.as_str().to_owned()
    }

    fn doc(expires: i64) -> String {
        format!(
            "{{\n  \"Version\": 1,\n  \"AccessKeyId\": \"ASIAEXAMPLE\",\n  \"SecretAccessKey\": \"s/e+cret\",\n  \
             \"SessionToken\": \"TOKEN/+=\",\n  \"Expiration\": \"{}\",\n  \"AccountId\": \"123456789012\"\n}}\n",
            rfc3339(expires)
        )
    }

    fn parts<'a>(token: &'a [u8], arns: &'a [String]) -> KeyParts<'a> {
        KeyParts {
            role_arn: "arn:aws:iam::123456789012:role/x",
            session_name: Some("s1"),
            endpoint: "https://sts.eu-west-1.amazonaws.com/",
            duration: Some(900),
            policy: None,
            policy_arns: arns,
            provider_id: None,
            token,
            hops: &[],
        }
    }

    #[test]
    fn every_part_changes_the_key() {
        let arns = vec!["arn:aws:iam::aws:policy/ReadOnlyAccess".to_owned()];
        let other_arns = vec!["arn:aws:iam::aws:policy/PowerUserAccess".to_owned()];
        let base = parts(b"token-1", &arns);
        let key = base.digest();
        assert_eq!(key.len(), 64);
        assert!(key.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_eq!(parts(b"token-1", &arns).digest(), key, "the key is stable");
        let variants = [
            KeyParts {
                token: b"token-2",
                ..parts(b"", &arns)
            },
            KeyParts {
                role_arn: "arn:aws:iam::123456789012:role/y",
                ..parts(b"token-1", &arns)
            },
            KeyParts {
                session_name: None,
                ..parts(b"token-1", &arns)
            },
            KeyParts {
                session_name: Some(""),
                ..parts(b"token-1", &arns)
            },
            KeyParts {
                endpoint: "http://127.0.0.1:1/",
                ..parts(b"token-1", &arns)
            },
            KeyParts {
                duration: None,
                ..parts(b"token-1", &arns)
            },
            KeyParts {
                duration: Some(901),
                ..parts(b"token-1", &arns)
            },
            KeyParts {
                policy: Some("{}"),
                ..parts(b"token-1", &arns)
            },
            KeyParts {
                policy_arns: &[],
                ..parts(b"token-1", &arns)
            },
            parts(b"token-1", &other_arns),
            KeyParts {
                provider_id: Some("www.amazon.com"),
                ..parts(b"token-1", &arns)
            },
            KeyParts {
                hops: &[hop("arn:aws:iam::222222222222:role/reader")],
                ..parts(b"token-1", &arns)
            },
            KeyParts {
                hops: &[hop("arn:aws:iam::222222222222:role/writer")],
                ..parts(b"token-1", &arns)
            },
            KeyParts {
                hops: &[HopKey {
                    external_id: Some("ext"),
                    ..hop("arn:aws:iam::222222222222:role/reader")
                }],
                ..parts(b"token-1", &arns)
            },
            KeyParts {
                hops: &[HopKey {
                    duration: Some(900),
                    ..hop("arn:aws:iam::222222222222:role/reader")
                }],
                ..parts(b"token-1", &arns)
            },
            KeyParts {
                hops: &[HopKey {
                    session_name: Some("s"),
                    ..hop("arn:aws:iam::222222222222:role/reader")
                }],
                ..parts(b"token-1", &arns)
            },
            KeyParts {
                hops: &[
                    hop("arn:aws:iam::222222222222:role/reader"),
                    hop("arn:aws:iam::333333333333:role/auditor"),
                ],
                ..parts(b"token-1", &arns)
            },
        ];
        let mut seen = std::collections::HashSet::from([key]);
        for (i, v) in variants.iter().enumerate() {
            assert!(seen.insert(v.digest()), "variant {i} collides");
        }
    }

    fn hop(role_arn: &str) -> HopKey<'_> {
        HopKey {
            role_arn,
            session_name: None,
            external_id: None,
            duration: None,
        }
    }

    #[test]
    fn parts_cannot_run_into_each_other() {
        let a = KeyParts {
            role_arn: "arn:a",
            session_name: Some("bc"),
            ..parts(b"t", &[])
        };
        let b = KeyParts {
            role_arn: "arn:ab",
            session_name: Some("c"),
            ..parts(b"t", &[])
        };
        assert_ne!(a.digest(), b.digest());
    }

    #[test]
    fn the_directory_follows_xdg_then_home() {
        let some = |s: &str| Some(OsString::from(s));
        assert_eq!(
            dir_from(some("/x/cache"), some("/home/u")),
            Some(PathBuf::from("/x/cache/sts-web-identity"))
        );
        assert_eq!(
            dir_from(None, some("/home/u")),
            Some(PathBuf::from("/home/u/.cache/sts-web-identity"))
        );
        // A relative XDG_CACHE_HOME is ignored (XDG base directory rules).
        assert_eq!(
            dir_from(some("relative"), some("/home/u")),
            Some(PathBuf::from("/home/u/.cache/sts-web-identity"))
        );
        assert_eq!(dir_from(some(""), None), None);
        assert_eq!(dir_from(None, some("relative-home")), None);
        assert_eq!(dir_from(None, None), None);
    }

    /// Each case: the file content, and the start of why it is refused.
    #[test]
    fn only_a_valid_unexpired_document_is_trusted() {
        let good = doc(NOW + 3600);
        let (json, expires) = parse(good.as_bytes(), NOW).unwrap();
        assert_eq!(json.as_str(), good, "a hit prints what was stored");
        assert_eq!(expires, NOW + 3600);
        let without_account = good.replace(",\n  \"AccountId\": \"123456789012\"", "");
        assert_eq!(
            parse(without_account.as_bytes(), NOW).unwrap().0.as_str(),
            without_account
        );

        let cases: &[(&str, String, &str)] = &[
            ("empty", String::new(), "not a credential_process document"),
            (
                "truncated",
                good[..good.len() / 2].to_owned(),
                "not a credential_process document",
            ),
            (
                "not json",
                "\u{0}\u{1}binary".into(),
                "not a credential_process document",
            ),
            (
                "version 2",
                good.replace("\"Version\": 1", "\"Version\": 2"),
                "Version 2",
            ),
            (
                "unknown field",
                good.replace("\"Version\": 1", "\"Version\": 1, \"Extra\": 0"),
                "not a credential_process document",
            ),
            (
                "missing secret",
                good.replace("\"SecretAccessKey\": \"s/e+cret\",", ""),
                "not a credential_process document",
            ),
            (
                "an escape in a secret",
                good.replace("s/e+cret", "s\\u0041"),
                "not a credential_process document",
            ),
            ("empty key id", good.replace("ASIAEXAMPLE", ""), "AccessKeyId"),
            (
                "empty token",
                good.replace("TOKEN/+=", ""),
                "SecretAccessKey or SessionToken is empty",
            ),
            ("bad account", good.replace("123456789012", "12"), "AccountId"),
            (
                "bad time",
                good.replace(&rfc3339(NOW + 3600), "tomorrow"),
                "Expiration is not an RFC 3339 time",
            ),
            ("expired", doc(NOW - 1), "expired"),
            ("expires now", doc(NOW), "expired"),
            (
                "too far",
                doc(NOW + MAX_LIFETIME_SECS + 61),
                "Expiration is further away",
            ),
        ];
        for (name, content, needle) in cases {
            match parse(content.as_bytes(), NOW) {
                Ok(_) => panic!("{name}: trusted"),
                Err(Ignored(why)) => {
                    assert!(why.starts_with(needle), "{name}: {why}");
                    assert!(!why.contains("s/e+cret") && !why.contains("TOKEN/+="), "{name}: {why}");
                }
            }
        }
    }

    fn cache_in(dir: &tempfile::TempDir) -> Cache {
        Cache::open(&dir.path().join("c").join(DIR_NAME)).unwrap()
    }

    #[test]
    fn the_directory_is_made_0700_and_a_foreign_one_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("c").join(DIR_NAME);
        let cache = Cache::open(&dir).unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o7777;
        assert_eq!(mode(&dir), 0o700);
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
        Cache::open(&dir).unwrap();
        assert_eq!(mode(&dir), 0o700, "a loose directory of ours is tightened");
        let why = Cache::open_as(&dir, cache.uid.wrapping_add(1)).unwrap_err();
        assert!(why.0.contains("belongs to uid"), "{why:?}");
        let file = tmp.path().join("file");
        std::fs::write(&file, "").unwrap();
        assert!(Cache::open(&file).unwrap_err().0.contains("not a directory"));
        let link = tmp.path().join("link");
        std::os::unix::fs::symlink(&dir, &link).unwrap();
        assert!(Cache::open(&link).unwrap_err().0.contains("not a directory"));
    }

    #[test]
    fn store_then_lookup_round_trips_with_mode_0600() {
        let tmp = tempfile::tempdir().unwrap();
        let cache = cache_in(&tmp);
        let key = parts(b"t", &[]).digest();
        assert!(matches!(cache.lookup(&key, NOW, 300), Lookup::Absent));
        let content = doc(NOW + 900);
        cache.store(&key, &content).unwrap();
        let meta = std::fs::metadata(cache.path(&key)).unwrap();
        assert_eq!(meta.permissions().mode() & 0o7777, 0o600);
        match cache.lookup(&key, NOW, 300) {
            Lookup::Hit { json, expires } => {
                assert_eq!(json.as_str(), content);
                assert_eq!(expires, NOW + 900);
            }
            other => panic!("{other:?}"),
        }
        // Within the margin: stale, at the margin's edge included.
        assert!(matches!(cache.lookup(&key, NOW, 900), Lookup::Stale { expires } if expires == NOW + 900));
        assert!(matches!(cache.lookup(&key, NOW + 600, 300), Lookup::Stale { .. }));
        assert!(matches!(cache.lookup(&key, NOW + 599, 300), Lookup::Hit { .. }));
        // Only the entry remains: no temporary file is left behind.
        let names: Vec<_> = std::fs::read_dir(&cache.dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, [OsString::from(format!("{key}.json"))]);
    }

    #[test]
    fn untrusted_files_are_ignored() {
        let tmp = tempfile::tempdir().unwrap();
        let cache = cache_in(&tmp);
        let key = parts(b"t", &[]).digest();
        let path = cache.path(&key);
        let content = doc(NOW + 900);
        let reset = || {
            let _ = std::fs::remove_file(&path);
            let _ = std::fs::remove_dir(&path);
            cache.store(&key, &content).unwrap();
        };
        let ignored = |needle: &str| match cache.lookup(&key, NOW, 300) {
            Lookup::Ignored(Ignored(why)) => assert!(why.contains(needle), "{needle}: {why}"),
            other => panic!("{needle}: {other:?}"),
        };
        for mode in [0o644, 0o640, 0o604, 0o400, 0o200, 0o000, 0o700, 0o4600] {
            reset();
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
            ignored(&format!("mode {mode:04o}, not 0600"));
        }
        // Someone else's file: the same file, checked as another user.
        reset();
        let other = Cache {
            dir: cache.dir.clone(),
            uid: cache.uid.wrapping_add(1),
        };
        assert!(
            matches!(other.lookup(&key, NOW, 300), Lookup::Ignored(Ignored(why)) if why.contains("belongs to uid")),
        );
        // A symlink to a good entry is not followed.
        reset();
        let target = tmp.path().join("elsewhere.json");
        std::fs::rename(&path, &target).unwrap();
        std::os::unix::fs::symlink(&target, &path).unwrap();
        ignored("unreadable");
        // A FIFO would block a plain open: refused without blocking.
        std::fs::remove_file(&path).unwrap();
        let status = std::process::Command::new("mkfifo").arg(&path).status().unwrap();
        assert!(status.success());
        ignored("not a regular file");
        std::fs::remove_file(&path).unwrap();
        std::fs::create_dir(&path).unwrap();
        ignored("not a regular file");
        // Too large to be ours (read with a limit).
        std::fs::remove_dir(&path).unwrap();
        reset();
        let f = std::fs::OpenOptions::new().append(true).open(&path).unwrap();
        f.set_len(MAX_FILE_BYTES + 1).unwrap();
        ignored("larger than");
        reset();
        std::fs::write(&path, "{\"Version\": 1").unwrap();
        ignored("not a credential_process document");
        // And a good one is trusted again.
        reset();
        assert!(matches!(cache.lookup(&key, NOW, 300), Lookup::Hit { .. }));
    }
}
