//! `huikuan backup`.

use std::path::PathBuf;

use crate::context::Ctx;
use crate::error::Result;
use crate::store::{backup, events};

/// Copy the book to a new file, consistent even while others write.
///
/// The copy is one snapshot of the book taken while other huikuan processes
/// go on writing; it is written under a temporary name beside the target,
/// readable by you alone (0600), checked, and only then given its name, so
/// an interrupted backup never leaves a half-written file there. Example:
///   huikuan backup ~/backups/book-2026-11-30.sqlite
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// The backup file (must not exist)
    pub path: PathBuf,
}

pub fn run(ctx: &mut Ctx, a: Args) -> Result<()> {
    let shown = a.path.display().to_string();
    backup::refuse_existing(&a.path)?;
    let mut book = ctx.open_book()?;
    backup::backup_to(&book, &a.path)?;
    let tx = book.write()?;
    events::record(&tx, "backup", &format!("backup written to {shown}"), &format!("已备份至 {shown}"), None)?;
    tx.commit()?;
    ctx.note(&format!("backup written to {shown}"), &format!("已备份至 {shown}"));
    Ok(())
}
