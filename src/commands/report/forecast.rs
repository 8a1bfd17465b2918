//! `huikuan report forecast`.

use crate::context::Ctx;
use crate::error::Result;
use crate::{render, reports};

/// Expected receipts per week, from due dates and open promises.
///
/// Each open installment is expected on its due date plus the customer's
/// historical average days late (amount-weighted, shown); an open promise
/// to pay is expected on its date, taken from what is overdue. What is
/// already overdue (and not promised) has its own row, as has what falls
/// beyond the last week. Disputed invoices are left out. Example:
///   huikuan report forecast --weeks 8
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// How many weeks ahead
    #[arg(long, default_value_t = 6, value_parser = clap::value_parser!(u32).range(1..=52))]
    pub weeks: u32,
}

pub fn run(ctx: &mut Ctx, a: Args) -> Result<()> {
    let mut book = ctx.open_book()?;
    let tx = book.read()?;
    // Every open installment is read in customer order: the sort goes to
    // files (on the 10^7 bench book it held 200 MB in memory).
    crate::store::sort_in_files(&tx)?;
    let f = reports::forecast::forecast(&tx, ctx.as_of, a.weeks as usize)?;
    render::forecast::write(&mut ctx.out, &f, ctx.lang, ctx.format)
}
