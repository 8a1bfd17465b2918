//! `csv_import`: see `huikuan::import::fuzz::csv_import` and docs/fuzzing.md.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| huikuan::import::fuzz::csv_import(data));
