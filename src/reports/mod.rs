//! Reports: the store's as-of rows fed through the pure ledger into named
//! structs, one module per report. Nothing here formats text or writes
//! output; the renderers in `render` read these structs, and the commands
//! only choose which report to build and which renderer to call.

pub mod aging;
pub mod close;
pub mod collection;
pub mod confirmations;
pub mod customer;
pub mod detail;
pub mod forecast;
pub mod interest;
pub mod journal;
pub mod letter;
pub mod pack;
pub mod provision;
pub mod reasons;
pub mod statement;
pub mod summary;
pub mod worklist;

pub use aging::aging_report;
pub use detail::{DetailLine, Terms, bears_interest, detail};
pub use letter::letter;
pub use worklist::{WorkItem, worklist};
