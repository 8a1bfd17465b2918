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
    List(list::Args),
    Log(log::Args),
    History(log::HistoryArgs),
    Promise(promise::Args),
    Letter(letter::Args),
    Interest(interest::Args),
    ChargeInterest(charge::Args),
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
