//! Puts `probe.x` (the linker script) on the linker's search path.
fn main() {
    println!("cargo:rustc-link-search={}", env!("CARGO_MANIFEST_DIR"));
    println!("cargo:rerun-if-changed=probe.x");
}
