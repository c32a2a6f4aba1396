//! Fuzz target `import`: arbitrary bytes as a capture file, and as the one packet of a pcap
//! file, through the capture importer (read, connection tracking, state inference). See
//! `import_body.rs` for what it checks.
//!
//! Run from the repository root: `RUSTC_BOOTSTRAP=1 cargo fuzz run import`
//! (see docs/measurements/bench-and-fuzz.md).

#![no_main]

#[path = "../import_body.rs"]
mod import_body;

libfuzzer_sys::fuzz_target!(|data: &[u8]| import_body::run(data));
