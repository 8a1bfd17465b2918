//! `huikuan report reasons`.

use crate::context::Ctx;
use crate::error::Result;
use crate::{render, reports};

/// Overdue money by reason (逾期原因), per customer and in total, as of a date.
///
/// Every installment past due on the date counts, disputed ones too, so the
/// total equals the overdue of `report aging` (all buckets but current).
/// An installment's reason is its invoice's open dispute's (`invoice
/// dispute --cause`), else its customer's latest given on or before the
/// date (`dun log --reason`, `dun promise --reason`, a dispute's --cause);
/// with none it is "unknown". Examples:
///   huikuan report reasons --as-of 2026-10-31
///   huikuan report reasons --format csv > reasons.csv
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {}

pub fn run(ctx: &mut Ctx, _a: Args) -> Result<()> {
    let mut book = ctx.open_book()?;
    let tx = book.read()?;
    // Every open installment is read in customer order: the sort goes to
    // files (on the 10^7 bench book it held 200 MB in memory).
    crate::store::sort_in_files(&tx)?;
    let r = reports::reasons::reasons(&tx, ctx.as_of)?;
    render::reasons::write(&mut ctx.out, &r, ctx.lang, ctx.format)
}
