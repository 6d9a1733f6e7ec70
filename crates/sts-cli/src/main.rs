//! The `sts-web-identity` binary (being written).
fn main() {}
