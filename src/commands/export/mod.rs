//! `huikuan export …`: the book's movements for other programs.

pub mod journal;

use crate::context::Ctx;
use crate::error::Result;

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    Journal(journal::Args),
}

pub fn run(ctx: &mut Ctx, c: Command) -> Result<()> {
    match c {
        Command::Journal(a) => journal::run(ctx, a),
    }
}
