//! `huikuan report …`: month-end and daily reports.

pub mod aging;
pub mod collection;
pub mod confirmations;
pub mod forecast;
pub mod pack;
pub mod provision;
pub mod reasons;
pub mod statement;
pub mod summary;

use crate::context::Ctx;
use crate::error::Result;

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// The aging report: who owes what, and how late, as of a date
    Aging(aging::Args),
    /// Collection metrics for a period: 回款率, DSO, CEI
    Collection(collection::Args),
    /// The bad-debt provision (坏账准备) by invoice-date aging
    Provision(provision::Args),
    /// The month-end pack: one printable HTML page
    Pack(pack::Args),
    /// A customer statement with a balance-confirmation slip
    Statement(statement::Args),
    /// The month's balance confirmations: sent, returned, agreed, differing, outstanding
    Confirmations(confirmations::Args),
    /// Receivables on one screen
    Summary(summary::Args),
    /// Expected receipts per week
    Forecast(forecast::Args),
    /// Overdue money by reason (逾期原因), per customer and in total
    Reasons(reasons::Args),
}

pub fn run(ctx: &mut Ctx, c: Command) -> Result<()> {
    match c {
        Command::Aging(a) => aging::run(ctx, a),
        Command::Collection(a) => collection::run(ctx, a),
        Command::Provision(a) => provision::run(ctx, a),
        Command::Pack(a) => pack::run(ctx, a),
        Command::Statement(a) => statement::run(ctx, a),
        Command::Confirmations(a) => confirmations::run(ctx, a),
        Command::Summary(a) => summary::run(ctx, a),
        Command::Forecast(a) => forecast::run(ctx, a),
        Command::Reasons(a) => reasons::run(ctx, a),
    }
}
