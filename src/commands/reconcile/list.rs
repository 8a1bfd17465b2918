//! `huikuan reconcile list`.

use crate::context::Ctx;
use crate::error::Result;
use crate::output::Format;
use crate::render::{self, write_json};

pub use crate::reconcile::{QueuedJson, queue};

/// List the credit lines waiting to be matched, with candidate customers.
///
/// `id` is what `reconcile match` and `reconcile ignore` take; `line` is the
/// line of the statement file the credit came from. Candidates are worked out
/// afresh from the book (new aliases and accounts count). Refunds and lines
/// in another currency are never queued. Example:
///   huikuan reconcile list
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {}

pub fn run(ctx: &mut Ctx, _a: Args) -> Result<()> {
    let mut book = ctx.open_book()?;
    let tx = book.read()?;
    let q = queue(&tx)?;
    if ctx.format == Format::Json {
        return write_json(&mut ctx.out, &q);
    }
    render::reconcile::list_table(ctx.lang, &q).write(&mut ctx.out, ctx.format)
}
