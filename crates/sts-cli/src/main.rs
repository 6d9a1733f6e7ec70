//! The `sts-web-identity` binary: `credential-process`, `env`, `mock-server`
//! and `demo` (see the `sts_cli` crate docs and `sts-web-identity --help`).

// A std-only crate: the core/alloc import lints are for the no_std crates.
#![allow(clippy::std_instead_of_core, clippy::std_instead_of_alloc)]

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
