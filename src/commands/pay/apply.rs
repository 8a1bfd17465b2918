//! `huikuan pay apply`.

use crate::context::Ctx;
use crate::error::Result;
use crate::parse::positive_amount;
use crate::store::{events, payments};

/// Apply a payment's unapplied credit: to the invoices named, else oldest due first.
///
/// Example:
///   huikuan pay apply 12 --invoice INV-1002 --amount 3000
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// Payment id
    pub id: i64,
    /// Apply to this invoice (repeatable)
    #[arg(long, value_name = "NUMBER")]
    pub invoice: Vec<String>,
    /// Apply only this much [default: all that is unapplied]
    #[arg(long, value_name = "AMOUNT", allow_negative_numbers = true)]
    pub amount: Option<String>,
}

pub fn run(ctx: &mut Ctx, a: Args) -> Result<()> {
    let limit = a.amount.as_deref().map(|m| positive_amount("--amount", m)).transpose()?;
    let mut book = ctx.open_book_to_write()?;
    let tx = book.write()?;
    let p = payments::get(&tx, a.id)?;
    let to = crate::store::invoices::allocation_targets_for(&tx, p.customer_id, &p.customer, &a.invoice)?;
    let applied = payments::apply(&tx, a.id, &to, limit)?;
    let left = payments::get(&tx, a.id)?.unapplied;
    let (en, zh) = (format!("applied {applied} of payment {}", a.id), format!("核销收款 {} 的 {applied}", a.id));
    events::record(&tx, "pay apply", &en, &zh, None)?;
    tx.commit()?;
    ctx.note(&format!("applied {applied} of payment {}", a.id), &format!("已核销收款 {} 的 {applied}", a.id));
    super::note_unapplied(ctx, a.id, left);
    super::show::print(ctx, &book.conn, a.id)
}
