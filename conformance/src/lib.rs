//! Conformance suite for the STS `AssumeRoleWithWebIdentity` client.
//!
//! - [`vectors`]: the JSON-line vector format that the `sts-vectors` binary
//!   speaks, so anyone can run vectors against `sts-codec`.
//! - `data/`: recorded exchanges and test data (see `data/README.md` for
//!   sources and licences).
//!
//! ```
//! let out = conformance::vectors::decode_line(r#"{"status": 503, "body": ""}"#);
//! assert_eq!(out, r#"{"http_error":503}"#);
//! ```

pub mod vectors;

/// Absolute path of a file in `conformance/data/`.
pub fn data_path(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data").join(name)
}
