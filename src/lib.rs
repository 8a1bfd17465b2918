//! huikuan (回款, "getting paid"): accounts receivable for the one accountant
//! who owns them — customers, invoices, payments, aging, interest and
//! collection, over one local SQLite book.
//!
//! Layers: [`cli`] (clap types and dispatch) → [`commands`] (one file per
//! subcommand: parse, call the store and the ledger, render) → [`store`]
//! (SQLite) and [`ledger`] (the pure domain) → [`render`] (tables, CSV, JSON).

pub mod cli;
pub mod commands;
pub mod context;
pub mod error;
pub mod import;
pub mod ledger;
pub mod output;
pub mod parse;
pub mod reconcile;
pub mod render;
pub mod reports;
pub mod store;
