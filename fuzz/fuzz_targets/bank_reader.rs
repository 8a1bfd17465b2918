//! `bank_reader`: see `huikuan::import::fuzz::bank_reader` and docs/fuzzing.md.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| huikuan::import::fuzz::bank_reader(data));
