//! Fuzz target `script`: arbitrary bytes, read as UTF-8 (lossily), parsed and run as a `.tcps`
//! script, and rendered as a trace. See `body.rs` for what it checks.
//!
//! Run from the repository root: `cargo fuzz run script` (see docs/measurements/bench-and-fuzz.md).

#![no_main]

#[path = "../body.rs"]
mod body;

libfuzzer_sys::fuzz_target!(|data: &[u8]| body::run(data));
