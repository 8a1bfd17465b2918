//! `huikuan customer …`: customers, aliases, bank accounts, contacts, credit.

pub mod account;
pub mod add;
pub mod alias;
pub mod confirm;
pub mod edit;
pub mod hold;
pub mod import;
pub mod list;
pub mod score;
pub mod show;

use crate::context::Ctx;
use crate::error::Result;

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    Add(add::Args),
    List(list::Args),
    Show(show::Args),
    Edit(edit::Args),
    /// Names the customer appears under on bank statements
    #[command(subcommand)]
    Alias(alias::Command),
    /// Bank accounts the customer pays from
    #[command(subcommand)]
    Account(account::Command),
    Hold(hold::HoldArgs),
    Release(hold::ReleaseArgs),
    Score(score::Args),
    Confirm(confirm::Args),
    Import(import::Args),
}

pub fn run(ctx: &mut Ctx, c: Command) -> Result<()> {
    match c {
        Command::Add(a) => add::run(ctx, a),
        Command::List(a) => list::run(ctx, a),
        Command::Show(a) => show::run(ctx, a),
        Command::Edit(a) => edit::run(ctx, a),
        Command::Alias(c) => alias::run(ctx, c),
        Command::Account(c) => account::run(ctx, c),
        Command::Hold(a) => hold::run_hold(ctx, a),
        Command::Release(a) => hold::run_release(ctx, a),
        Command::Score(a) => score::run(ctx, a),
        Command::Confirm(a) => confirm::run(ctx, a),
        Command::Import(a) => import::run(ctx, a),
    }
}
