//! `huikuan reconcile ignore`.

use crate::context::Ctx;
use crate::error::Result;
use crate::store::{bank as store_bank, events};

/// Set a queued credit aside: not a customer payment (a refund, a transfer
/// between own accounts, interest from the bank). Example:
///   huikuan reconcile ignore 44
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// The line id (see reconcile list)
    pub line: i64,
}

pub fn run(ctx: &mut Ctx, a: Args) -> Result<()> {
    let mut book = ctx.open_book_to_write()?;
    let tx = book.write()?;
    let l = store_bank::ignore(&tx, a.line)?;
    let (en, zh) = (
        format!("ignored line {} ({} on {})", l.id, l.amount, l.date),
        format!("忽略流水 {}（{}，{}）", l.id, l.amount, l.date),
    );
    events::record(&tx, "reconcile ignore", &en, &zh, None)?;
    tx.commit()?;
    ctx.note(&format!("line {} ignored", l.id), &format!("第 {} 笔已忽略", l.id));
    Ok(())
}
