//! `huikuan dun …`: collection — interest now; the worklist, log and letters later.

pub mod interest;

use crate::context::Ctx;
use crate::error::Result;

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Late interest accrued as of a date, per customer and invoice
    Interest(interest::Args),
}

pub fn run(ctx: &mut Ctx, c: Command) -> Result<()> {
    match c {
        Command::Interest(a) => interest::run(ctx, a),
    }
}
