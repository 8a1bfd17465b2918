//! `huikuan invoice void`.

use crate::context::Ctx;
use crate::error::Result;
use crate::store::invoices;
use crate::store::{StoreError, events, payments};

/// Void an invoice: a correction, excluded from every report from then on.
///
/// Refused once any payment is allocated to it (void or re-apply the payment
/// first). Asks for confirmation; --yes for scripts. Example:
///   huikuan invoice void INV-1001 --reason "wrong customer" --yes
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Invoice number
    pub number: String,
    /// Why (recorded in the log)
    #[arg(long)]
    pub reason: Option<String>,
}

pub fn run(ctx: &mut Ctx, a: Args) -> Result<()> {
    let mut book = ctx.open_book()?;
    let tx = book.write()?;
    let inv = invoices::get(&tx, &a.number)?;
    if inv.voided {
        return Err(StoreError::InvoiceVoid(inv.number).into());
    }
    let allocated = payments::allocated_to_invoice(&tx, inv.id)?;
    if allocated.is_positive() {
        return Err(StoreError::InvoiceHasAllocations { number: inv.number, allocated }.into());
    }
    ctx.confirm(
        &format!("void invoice {} of {} for {}?", inv.number, inv.amount, inv.customer),
        &format!("作废发票 {}（{}，客户 {}）？", inv.number, inv.amount, inv.customer),
    )?;
    invoices::set_void(&tx, inv.id)?;
    let why = a.reason.as_deref().map(|r| format!(": {r}")).unwrap_or_default();
    events::record(&tx, "invoice void", &format!("voided invoice {}{why}", inv.number), None)?;
    tx.commit()?;
    ctx.note(&format!("voided invoice {}", inv.number), &format!("已作废发票 {}", inv.number));
    Ok(())
}
