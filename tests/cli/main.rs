//! End-to-end tests: the `huikuan` binary run in a sealed temp environment
//! (see `common`), one module per area. Each test is named for what it
//! protects; inputs live in `tests/fixtures/` or are written by the test.

mod aging;
mod amounts;
mod architecture;
mod audit;
mod backup;
mod bank_reader;
mod book;
mod chinese;
mod close;
mod common;
mod concurrency;
mod customers;
mod dunning;
mod errors;
mod errors_catalogue;
mod excel;
mod formats;
mod fuzz_regressions;
mod generate;
mod hostile;
mod imports;
mod interest;
mod invoices;
mod journal;
mod letters;
mod letters_right;
mod mail;
mod manual;
mod metrics;
mod on_terminal;
mod pager;
mod payers;
mod payments;
mod pipe;
mod plans;
mod practice;
mod reconcile;
mod robust;
mod session;
mod statements;
mod terminal;
mod upgrade;
mod vat;
mod xlsx;
