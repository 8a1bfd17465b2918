//! `date_money`: see `huikuan::import::fuzz::date_money` and docs/fuzzing.md.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| huikuan::import::fuzz::date_money(data));
