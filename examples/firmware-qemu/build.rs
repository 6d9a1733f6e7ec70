//! Links with cortex-m-rt's `link.x` (here rather than in `.cargo/config.toml`
//! rustflags, which a `RUSTFLAGS` in the environment would replace), puts
//! the package's `memory.x` on the linker's search path, and puts the test CA
//! (DER) that the TLS firmware trusts into `OUT_DIR/ca.der`: the file named by
//! `STS_FIRMWARE_CA_DER` (run.sh makes the CA at test time), or an empty file,
//! in which case that firmware reports that it has no CA and exits non-zero.
//! `examples/firmware-embassy` builds with this script too.

use std::path::PathBuf;
use std::{env, fs};

fn main() {
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    fs::copy("memory.x", out.join("memory.x")).expect("copy memory.x");
    println!("cargo:rustc-link-search={}", out.display());
    println!("cargo:rustc-link-arg-bins=-Tlink.x");
    println!("cargo:rerun-if-changed=memory.x");

    println!("cargo:rerun-if-env-changed=STS_FIRMWARE_CA_DER");
    let ca = match env::var_os("STS_FIRMWARE_CA_DER") {
        Some(path) => {
            let path = PathBuf::from(path);
            println!("cargo:rerun-if-changed={}", path.display());
            fs::read(&path).unwrap_or_else(|e| panic!("reading STS_FIRMWARE_CA_DER {}: {e}", path.display()))
        }
        None => Vec::new(),
    };
    fs::write(out.join("ca.der"), ca).expect("write ca.der");
}
