//! One module per subcommand: clap `Args` beside its `run`. A command parses
//! its input, calls the store and the ledger in one transaction, and renders.

pub mod backup;
pub mod check;
pub mod close;
pub mod completions;
pub mod config;
pub mod customer;
pub mod demo;
pub mod dun;
pub mod export;
pub mod files;
pub mod formats;
pub mod init;
pub mod invoice;
pub mod log;
pub mod man;
pub mod pay;
pub mod reconcile;
pub mod report;
pub mod sheet;
