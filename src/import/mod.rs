//! Reading input files: text decoding and the CSV import formats (DESIGN §3).

pub mod bank;
pub mod csvfile;
pub mod fingerprint;
#[doc(hidden)]
pub mod fuzz;
pub mod text;
