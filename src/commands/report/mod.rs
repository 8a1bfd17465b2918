//! `huikuan report …`: month-end and daily reports.

pub mod aging;

use crate::context::Ctx;
use crate::error::Result;

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// The aging report: who owes what, and how late, as of a date
    Aging(aging::Args),
}

pub fn run(ctx: &mut Ctx, c: Command) -> Result<()> {
    match c {
        Command::Aging(a) => aging::run(ctx, a),
    }
}
