//! `huikuan report summary`: one screen.

use crate::context::Ctx;
use crate::error::Result;
use crate::{render, reports};

/// The state of receivables on one screen: total, overdue share, the
/// buckets as a bar chart, the top 10 debtors, today's worklist and the
/// bank lines waiting to be matched. Example:
///   huikuan report summary
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {}

pub fn run(ctx: &mut Ctx, _a: Args) -> Result<()> {
    let mut book = ctx.open_book()?;
    let tx = book.read()?;
    let summary = reports::summary::summary(&tx, ctx.as_of)?;
    render::summary::write(&mut ctx.out, ctx.lang, ctx.format, &summary)
}
