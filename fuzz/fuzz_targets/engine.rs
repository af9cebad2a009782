//! A structured arbitrary snapshot (ids from small pools, so references
//! resolve or dangle): build the topology, run every query from every
//! source, trace random flows, render the reports. See
//! `sagescope_fuzz::engine_target`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| sagescope_fuzz::engine_target(data));
