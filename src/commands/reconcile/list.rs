//! `huikuan reconcile list`.

use crate::context::Ctx;
use crate::error::Result;
use crate::output::Format;
use crate::render::{self, JsonSeq, write_rows};

pub use crate::reconcile::{QueuedJson, each_queued, queue};

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
    // Each line is written as its candidates are worked out: a long queue
    // is never held (a table keeps its rows past the first thousand in a
    // temporary file, see render::write_rows).
    if ctx.format == Format::Json {
        let mut seq = JsonSeq::new(&mut ctx.out);
        each_queued(&tx, |q| seq.push(&q))?;
        return seq.finish();
    }
    let rows = |emit: &mut dyn FnMut(Vec<render::Cell>) -> Result<()>| -> Result<()> {
        each_queued(&tx, |q| emit(render::reconcile::list_row(&q)))
    };
    write_rows(&mut ctx.out, ctx.format, ctx.lang, &render::reconcile::LIST_HEADERS, &rows)
}
