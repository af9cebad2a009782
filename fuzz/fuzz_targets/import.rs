//! Arbitrary bytes as the content of one AWS API response file (the first
//! byte picks the file name): import, round-trip the snapshot, build the
//! topology and audit. See `sagescope_fuzz::import_target`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| sagescope_fuzz::import_target(data));
