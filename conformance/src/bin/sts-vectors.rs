//! `sts-vectors`: run JSON-line vectors against `sts-codec`.
//!
//! ```text
//! sts-vectors encode < inputs.jsonl    # {"body": ...} or {"invalid": [members]}
//! sts-vectors decode < answers.jsonl   # {"ok": ...} / {"error": ...} / {"http_error": N} / {"malformed": ...}
//! sts-vectors sign < requests.jsonl    # {"authorization", "x-amz-date", ...} or {"invalid": "reason"}
//! ```
//!
//! Every input line gets exactly one output line, however bad it is; the
//! exit status is 0 once every line is answered (2 for a usage error, 1 if
//! stdin or stdout fails).

// A host-only test crate: the core/alloc import lints are for the no_std crates.
#![allow(clippy::std_instead_of_core, clippy::std_instead_of_alloc)]

use std::io::{self, BufRead, Write};
use std::process::ExitCode;

use conformance::vectors::{decode_line, encode_line};

const USAGE: &str = "usage: sts-vectors encode|decode|sign < lines.jsonl";

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let mode = match (args.next().as_deref(), args.next()) {
        (Some("encode"), None) => encode_line as fn(&str) -> String,
        (Some("decode"), None) => decode_line,
        #[cfg(feature = "sign")]
        (Some("sign"), None) => conformance::sign::sign_line,
        (Some("-h" | "--help"), None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match run(mode) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("sts-vectors: {e}");
            ExitCode::from(1)
        }
    }
}

fn run(mode: fn(&str) -> String) -> io::Result<()> {
    let stdin = io::stdin().lock();
    let mut out = io::BufWriter::new(io::stdout().lock());
    for line in stdin.split(b'\n') {
        let line = line?;
        let line = String::from_utf8_lossy(&line);
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            continue;
        }
        writeln!(out, "{}", mode(line))?;
    }
    out.flush()
}
