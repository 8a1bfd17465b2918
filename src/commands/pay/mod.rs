//! `huikuan pay …`: payments and their allocation.

pub mod add;
pub mod apply;
pub mod import;
pub mod list;
pub mod show;
pub mod void;

use crate::context::Ctx;
use crate::error::Result;

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    Add(add::Args),
    List(list::Args),
    Show(show::Args),
    Void(void::Args),
    Apply(apply::Args),
    Import(import::Args),
}

pub fn run(ctx: &mut Ctx, c: Command) -> Result<()> {
    match c {
        Command::Add(a) => add::run(ctx, a),
        Command::List(a) => list::run(ctx, a),
        Command::Show(a) => show::run(ctx, a),
        Command::Void(a) => void::run(ctx, a),
        Command::Apply(a) => apply::run(ctx, a),
        Command::Import(a) => import::run(ctx, a),
    }
}

/// The note after money was placed: how much went where, what is left.
pub fn note_unapplied(ctx: &Ctx, id: i64, unapplied: crate::ledger::Money) {
    if unapplied.is_positive() {
        ctx.note(
            &format!("payment {id}: {unapplied} is unapplied credit on the customer"),
            &format!("收款 {id}：{unapplied} 作为客户的未核销预收"),
        );
    }
}
