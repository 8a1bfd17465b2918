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
    Aging(aging::Args),
    Collection(collection::Args),
    Provision(provision::Args),
    Pack(pack::Args),
    Statement(statement::Args),
    Confirmations(confirmations::Args),
    Summary(summary::Args),
    Forecast(forecast::Args),
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
