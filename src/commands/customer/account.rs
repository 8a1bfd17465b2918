//! `huikuan customer account add|rm`.

use crate::context::Ctx;
use crate::error::Result;
use crate::store::{customers, events};

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Add a bank account the customer pays from (spaces are ignored)
    ///
    /// Example: huikuan customer account add HW "6222 0202 0000 1234 567"
    Add(Args),
    /// Remove a bank account
    ///
    /// Example: huikuan customer account rm HW 6222020200001234567
    Rm(Args),
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Customer code
    pub code: String,
    /// Account number
    pub account: String,
}

pub fn run(ctx: &mut Ctx, c: Command) -> Result<()> {
    let mut book = ctx.open_book_to_write()?;
    let tx = book.write()?;
    let (en, zh) = match &c {
        Command::Add(a) => {
            let id = customers::require_id(&tx, &a.code)?;
            customers::add_account(&tx, id, &a.account)?;
            let zh = format!("{} 的账号 {}", a.code, a.account);
            events::record(&tx, "customer account add", &format!("account {} for {}", a.account, a.code), &zh, None)?;
            (format!("added account {} to {}", a.account, a.code), format!("已为 {} 添加账号 {}", a.code, a.account))
        }
        Command::Rm(a) => {
            let id = customers::require_id(&tx, &a.code)?;
            customers::remove_account(&tx, id, &a.code, &a.account)?;
            let (en, zh) = (
                format!("removed account {} of {}", a.account, a.code),
                format!("删除 {} 的账号 {}", a.code, a.account),
            );
            events::record(&tx, "customer account rm", &en, &zh, None)?;
            (
                format!("removed account {} from {}", a.account, a.code),
                format!("已删除 {} 的账号 {}", a.code, a.account),
            )
        }
    };
    tx.commit()?;
    ctx.note(&en, &zh);
    Ok(())
}
