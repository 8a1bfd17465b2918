//! `huikuan dun interest`.

use crate::context::Ctx;
use crate::error::Result;
use crate::output::Format;
use crate::store::{self, customers};
use crate::{render, reports};

/// Late interest (违约金) accrued as of a date, per customer and invoice.
///
/// Simple interest at the book's daily rate (default 0.05 %; a customer may
/// have its own) on each overdue installment that is still open at the
/// as-of date, from the day after its due date until each part of it was
/// paid, or until the as-of date; grace days are not charged; rounded once per
/// installment. Disputed invoices and interest invoices bear no interest.
/// Shown only: it becomes a receivable when posted with `dun charge-interest`,
/// and what was posted is not shown again. Examples:
///   huikuan dun interest --as-of 2026-10-31
///   huikuan dun interest HW --detail
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// Only this customer
    pub customer: Option<String>,
    /// Show each part of each installment with its days, rate and amount
    #[arg(long)]
    pub detail: bool,
}

pub fn run(ctx: &mut Ctx, a: Args) -> Result<()> {
    let mut book = ctx.open_book()?;
    let tx = book.read()?;
    let only = a.customer.as_deref().map(|c| customers::require_id(&tx, c)).transpose()?;
    // The detail's parts are put aside and sorted by SQLite: in files, so
    // that millions of them do not fill the memory. (JSON has no detail:
    // it gives the invoices.)
    let formula = if a.detail && ctx.format != Format::Json {
        store::sort_in_files(&tx)?;
        let parts = reports::interest::detail(&tx, ctx.as_of, only)?;
        let terms = reports::interest::book_terms(&tx, ctx.as_of)?;
        render::interest::write_detail(&mut ctx.out, &parts, &terms, ctx.as_of, ctx.lang, ctx.format)?
    } else {
        // One line per invoice with interest owed, printed with the
        // customers by their totals: held compactly up to 1,000,000
        // lines, past that put aside in a temporary table, and read back
        // in that order.
        store::sort_in_files(&tx)?;
        let report = reports::interest::interest_spilled(&tx, ctx.as_of, only, reports::interest::HELD_LINES)?;
        render::interest::write_spilled(&mut ctx.out, &report, ctx.lang, ctx.format)?
    };
    if let Some(formula) = formula {
        ctx.note(&formula, &formula);
    }
    Ok(())
}
