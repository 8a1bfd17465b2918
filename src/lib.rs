//! huikuan (回款, "getting paid"): accounts receivable for the one accountant
//! who owns them — customers, invoices, payments, aging, interest and
//! collection, over one local SQLite book.
//!
//! # Layers
//!
//! Each module may use only the modules listed before it; nothing reaches up,
//! and sibling modules never import each other in a circle.
//! `tests/cli/architecture.rs` reads every `use` line and path in `src/` and
//! fails when this rule, or one of the rules below it, is broken.
//!
//! 1. [`ledger`] — the pure domain: money, dates, aging, interest,
//!    allocation, the collection ladder, credit, matching scores, metrics. No
//!    clock, files, SQLite, command line or environment.
//! 2. [`output`] — the language and format the user asked for.
//! 3. [`store`] — the SQLite book: schema and upgrades, one file per table
//!    family, the one file that places money, settings. The only module that
//!    names `rusqlite` or writes SQL.
//! 4. [`error`] — the program's one error type and its exit codes.
//! 5. [`parse`] — what the user types: amounts, dates, scores, methods.
//! 6. [`import`] — input files: text decoding, the CSV import formats, bank
//!    statements and their fingerprints.
//! 7. [`reports`] — one module per report: the store's rows as of a date fed
//!    through the ledger into a named struct. No formatting.
//! 8. [`reconcile`] — bank statement matching as a service: a statement in,
//!    a named outcome out.
//! 9. [`render`] — tables, CSV, JSON, HTML and letters from those structs.
//! 10. [`context`] — the book path, today, the language and the writers of
//!     one run.
//! 11. [`mail`] — e-mail: a letter as an RFC 5322 message, delivered by
//!     SMTP with the book's `smtp_*` settings.
//! 12. [`commands`] — one file per subcommand: clap arguments and a `run` that
//!     parses, calls the store, a report or a service, and a renderer; no SQL,
//!     no money arithmetic, no formatting of its own.
//! 13. [`cli`] — the command tree and dispatch.

pub mod cli;
pub mod commands;
pub mod context;
pub mod error;
pub mod import;
pub mod ledger;
pub mod mail;
pub mod output;
pub mod parse;
pub mod reconcile;
pub mod render;
pub mod reports;
pub mod store;
