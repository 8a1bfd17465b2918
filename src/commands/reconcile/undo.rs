//! `huikuan reconcile undo`.

use crate::context::Ctx;
use crate::error::Result;
use crate::store::{bank as store_bank, events};

/// Remove an import batch: its lines and every payment it made (with their
/// allocations), as if the file had never been imported. Asks for
/// confirmation; --yes for scripts. Example:
///   huikuan reconcile undo 3 --yes
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// The batch number (printed by reconcile import, and in reconcile list)
    pub batch: i64,
}

pub fn run(ctx: &mut Ctx, a: Args) -> Result<()> {
    let mut book = ctx.open_book_to_write()?;
    ctx.confirm(
        &format!("remove import batch {} and every payment it made?", a.batch),
        &format!("撤销导入批次 {} 及其生成的全部收款？", a.batch),
    )?;
    let tx = book.write()?;
    let (lines, pays) = store_bank::undo(&tx, a.batch)?;
    let (en, zh) = (
        format!("batch {}: {lines} lines, {pays} payments removed", a.batch),
        format!("撤销批次 {}：删除 {lines} 笔流水、{pays} 笔收款", a.batch),
    );
    events::record(&tx, "reconcile undo", &en, &zh, None)?;
    tx.commit()?;
    ctx.note(
        &format!("batch {} undone: {lines} lines and {pays} payments removed", a.batch),
        &format!("批次 {} 已撤销：删除 {lines} 笔流水、{pays} 笔收款", a.batch),
    );
    Ok(())
}
