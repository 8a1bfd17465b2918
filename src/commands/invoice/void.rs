//! `huikuan invoice void`.

use crate::context::Ctx;
use crate::error::Result;
use crate::store::invoices;
use crate::store::{StoreError, events};

/// Void an invoice: a correction, excluded from every report from then on.
///
/// Refused once any payment is allocated to it (void or re-apply the payment
/// first). Asks for confirmation; --yes for scripts. Example:
///   huikuan invoice void INV-1001 --reason "wrong customer" --yes
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// Invoice number
    pub number: String,
    /// Why (recorded in the log)
    #[arg(long)]
    pub reason: Option<String>,
}

pub fn run(ctx: &mut Ctx, a: Args) -> Result<()> {
    let mut book = ctx.open_book_to_write()?;
    // Ask before taking the write lock: a prompt left open must not block
    // other writers. The checks run again inside the write transaction.
    let inv = {
        let tx = book.read()?;
        voidable(&tx, &a.number)?
    };
    ctx.confirm(
        &format!("void invoice {} of {} for {}?", inv.number, inv.amount, inv.customer),
        &format!("作废发票 {}（{}，客户 {}）？", inv.number, inv.amount, inv.customer),
    )?;
    let tx = book.write()?;
    let inv = voidable(&tx, &a.number)?;
    invoices::set_void(&tx, inv.id)?;
    let why = a.reason.as_deref().map(|r| format!(": {r}")).unwrap_or_default();
    let why_zh = a.reason.as_deref().map(|r| format!("：{r}")).unwrap_or_default();
    let (en, zh) = (format!("voided invoice {}{why}", inv.number), format!("作废发票 {}{why_zh}", inv.number));
    events::record(&tx, "invoice void", &en, &zh, None)?;
    tx.commit()?;
    ctx.note(&format!("voided invoice {}", inv.number), &format!("已作废发票 {}", inv.number));
    Ok(())
}

/// The invoice, if it may be voided: not void yet, nothing allocated or written off.
fn voidable(conn: &crate::store::Connection, number: &str) -> Result<invoices::Invoice> {
    let inv = invoices::get(conn, number)?;
    if inv.voided {
        return Err(StoreError::InvoiceVoid(inv.number).into());
    }
    let settled = inv.paid() + inv.written_off();
    if settled.is_positive() {
        return Err(StoreError::InvoiceHasAllocations { number: inv.number, allocated: settled }.into());
    }
    Ok(inv)
}
