//! Reading input files: text decoding and the CSV import formats (DESIGN §3).

pub mod bank;
pub mod csvfile;
pub mod customers;
#[doc(hidden)]
pub mod fuzz;
pub mod invoices;
pub mod payments;
pub mod text;
