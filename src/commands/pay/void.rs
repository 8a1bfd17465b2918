//! `huikuan pay void`.

use crate::context::Ctx;
use crate::error::Result;
use crate::store::{bank, events, payments};

/// Void a payment: its allocations are removed and the invoices it paid are
/// open again. Asks for confirmation; --yes for scripts. Example:
///   huikuan pay void 12 --reason "bounced cheque" --yes
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// Payment id
    pub id: i64,
    /// Why (recorded in the log)
    #[arg(long)]
    pub reason: Option<String>,
}

pub fn run(ctx: &mut Ctx, a: Args) -> Result<()> {
    let mut book = ctx.open_book_to_write()?;
    // Ask before taking the write lock (a prompt left open must not block
    // other writers); `bank::void_payment` checks again inside the transaction.
    let p = {
        let tx = book.read()?;
        payments::get(&tx, a.id)?
    };
    if p.voided {
        return Err(crate::store::StoreError::PaymentVoid(p.id).into());
    }
    let allocated = p.amount - p.unapplied;
    ctx.confirm(
        &format!("void payment {} of {} from {} ({allocated} allocated)?", p.id, p.amount, p.customer),
        &format!("作废收款 {}（{}，客户 {}，已核销 {allocated}）？", p.id, p.amount, p.customer),
    )?;
    let tx = book.write()?;
    let p = bank::void_payment(&tx, a.id)?;
    let why = a.reason.as_deref().map(|r| format!(": {r}")).unwrap_or_default();
    events::record(
        &tx,
        "pay void",
        &format!("voided payment {} of {} from {}{why}", p.id, p.amount, p.customer),
        &format!(
            "作废收款 {}（{}，客户 {}）{}",
            p.id,
            p.amount,
            p.customer,
            a.reason.as_deref().map(|r| format!("：{r}")).unwrap_or_default()
        ),
        None,
    )?;
    tx.commit()?;
    ctx.note(&format!("voided payment {}", p.id), &format!("已作废收款 {}", p.id));
    Ok(())
}
