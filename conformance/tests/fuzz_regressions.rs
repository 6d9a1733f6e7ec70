//! Replays the fuzz corpora through the fuzz target bodies in
//! `conformance::fuzzing`: the checked-in seeds (`fuzz/corpus-seed/<target>/`)
//! and every saved crash (`fuzz/regressions/<target>/`, where `fuzz/run.sh`
//! copies the input of any crash). A crash found by the fuzzer is a normal
//! test case once its input is committed.

// A host-only test crate: the core/alloc import lints are for the no_std crates.
#![allow(clippy::std_instead_of_core, clippy::std_instead_of_alloc)]

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use conformance::fuzzing;

/// The fuzz directory of the workspace.
fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join("fuzz")
}

/// The input files of `dir` (sorted; hidden files and READMEs skipped).
/// None when the directory does not exist.
fn inputs(dir: &Path) -> Option<Vec<PathBuf>> {
    let entries = std::fs::read_dir(dir).ok()?;
    let mut files: Vec<PathBuf> = entries
        .map(|e| e.expect("readable directory entry").path())
        .filter(|p| p.is_file())
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            !name.starts_with('.') && !name.eq_ignore_ascii_case("README.md")
        })
        .collect();
    files.sort();
    Some(files)
}

/// Runs every file through `body`, reporting every failing file at once.
fn replay(files: &[PathBuf], body: fn(&[u8])) {
    let mut failed = Vec::new();
    for path in files {
        let data = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        if catch_unwind(AssertUnwindSafe(|| body(&data))).is_err() {
            failed.push(path.display().to_string());
        }
    }
    assert!(
        failed.is_empty(),
        "{} input(s) failed:\n{}",
        failed.len(),
        failed.join("\n")
    );
}

macro_rules! target {
    ($name:ident) => {
        mod $name {
            use super::*;

            #[test]
            fn seed_corpus() {
                let dir = fuzz_dir().join("corpus-seed").join(stringify!($name));
                let files = inputs(&dir).unwrap_or_default();
                assert!(!files.is_empty(), "no seeds in {}", dir.display());
                replay(&files, fuzzing::$name);
            }

            #[test]
            fn regressions() {
                let dir = fuzz_dir().join("regressions").join(stringify!($name));
                // No directory: no crash was ever saved for this target.
                let files = inputs(&dir).unwrap_or_default();
                replay(&files, fuzzing::$name);
            }
        }
    };
}

target!(xml_reader);
target!(decode_response);
target!(decode_assume_role);
target!(decode_error);
target!(http_response);
target!(encode_roundtrip);
target!(xml_differential);

/// Every target of `fuzz/Cargo.toml` is replayed here, and every one here is
/// a fuzz target.
#[test]
fn every_fuzz_target_is_replayed() {
    let manifest = std::fs::read_to_string(fuzz_dir().join("Cargo.toml")).expect("fuzz/Cargo.toml");
    let mut targets: Vec<&str> = manifest
        .lines()
        .filter_map(|l| l.strip_prefix("name = \""))
        .filter_map(|l| l.strip_suffix('"'))
        .filter(|&n| n != "sts-fuzz")
        .collect();
    targets.sort_unstable();
    let mut replayed = [
        "xml_reader",
        "decode_response",
        "decode_assume_role",
        "decode_error",
        "http_response",
        "encode_roundtrip",
        "xml_differential",
    ];
    replayed.sort_unstable();
    assert_eq!(targets, replayed);
}
