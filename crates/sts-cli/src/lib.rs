//! The `sts-web-identity` command line tool, and the local mock STS it can run.
//!
//! The binary's commands are documented in its `--help`. The library part is
//! the [`mock`] server, which the conformance suite also uses to replay
//! recorded exchanges on 127.0.0.1.
//!
//! ```no_run
//! use sts_cli::mock::{MockConfig, MockServer};
//! let server = MockServer::start("127.0.0.1:0".parse().unwrap(), MockConfig::default()).unwrap();
//! println!("mock STS on http://{}/", server.addr());
//! ```

// A std-only crate: the core/alloc import lints are for the no_std crates.
#![allow(clippy::std_instead_of_core, clippy::std_instead_of_alloc)]

pub mod mock;
