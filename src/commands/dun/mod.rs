//! `huikuan dun …`: collection — the worklist, the action log, promises, interest.

pub mod charge;
pub mod interest;
pub mod letter;
pub mod list;
pub mod log;
pub mod promise;
pub mod waive;

use crate::context::Ctx;
use crate::error::Result;

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Who to chase today, and how (the morning worklist)
    List(list::Args),
    /// Record a collection action
    Log(log::Args),
    /// Show the collection log
    History(log::HistoryArgs),
    /// Record a promise to pay
    Promise(promise::Args),
    /// Write a collection letter (txt, md, html or eml)
    Letter(letter::Args),
    /// Late interest accrued as of a date, per customer and invoice
    Interest(interest::Args),
    /// Post accrued late interest as interest invoices (once a month)
    ChargeInterest(charge::Args),
    /// Waive late interest owed (dated, with a reason, logged)
    Waive(waive::Args),
}

pub fn run(ctx: &mut Ctx, c: Command) -> Result<()> {
    match c {
        Command::List(a) => list::run(ctx, a),
        Command::Log(a) => log::run(ctx, a),
        Command::History(a) => log::run_history(ctx, a),
        Command::Promise(a) => promise::run(ctx, a),
        Command::Letter(a) => letter::run(ctx, a),
        Command::Interest(a) => interest::run(ctx, a),
        Command::ChargeInterest(a) => charge::run(ctx, a),
        Command::Waive(a) => waive::run(ctx, a),
    }
}
