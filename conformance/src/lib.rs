//! Conformance suite for the STS `AssumeRoleWithWebIdentity` client.
//!
//! - [`vectors`]: the JSON-line vector format that the `sts-vectors` binary
//!   speaks, so anyone can run vectors against `sts-codec`; `sign` (feature
//!   `sign`) its signing format, run against `sts-sigv4`.
//! - `data/exchanges/`: one recorded exchange per file ([`Exchange`]): what it
//!   proves, the input, the request STS must receive, the answers, and the
//!   expected outcome. `cargo test -p conformance` replays each one.
//! - [`fleet`]: a million devices on a fake clock, running the providers'
//!   refresh policy (the `fleet-sim` binary prints the table).
//! - `data/`: the recorded material they are built from (see `data/README.md`
//!   for sources and licences).
//!
//! ```
//! let out = conformance::vectors::decode_line(r#"{"status": 503, "body": ""}"#);
//! assert_eq!(out, r#"{"http_error":503}"#);
//! ```

// A host-only test crate: the core/alloc import lints are for the no_std crates.
#![allow(clippy::std_instead_of_core, clippy::std_instead_of_alloc)]

#[cfg(feature = "replay")]
pub mod fleet;
pub mod fuzzing;
#[cfg(feature = "replay")]
pub mod moto;
pub mod oracle;
#[cfg(feature = "replay")]
pub mod replay;
#[cfg(feature = "sign")]
pub mod sign;
pub mod vectors;

#[cfg(feature = "replay")]
pub use sts_mock::{Answer, Exchange, ExpectedRequest};

/// Every recorded exchange in `data/exchanges/`, by file stem, sorted.
#[cfg(feature = "replay")]
pub fn exchanges() -> Vec<(String, Exchange)> {
    let dir = data_path("exchanges");
    let mut out: Vec<(String, Exchange)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .map(|p| {
            let name = p.file_stem().unwrap_or_default().to_string_lossy().into_owned();
            let ex = Exchange::load(&p).unwrap_or_else(|e| panic!("{e}"));
            (name, ex)
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// Absolute path of a file in `conformance/data/`.
pub fn data_path(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data").join(name)
}
