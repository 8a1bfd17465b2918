//! `huikuan invoice dispute` and `invoice undispute`.

use crate::context::Ctx;
use crate::error::Result;
use crate::store::{StoreError, events, invoices};

/// Mark an invoice as disputed: it is left out of dunning and of automatic
/// (FIFO) allocation, but still aged.
///
/// Example: huikuan invoice dispute INV-1001 --reason "3 units damaged"
#[derive(Debug, clap::Args)]
pub struct DisputeArgs {
    /// Invoice number
    pub number: String,
    /// What the customer disputes
    #[arg(long)]
    pub reason: Option<String>,
}

/// Clear a dispute.
///
/// Example: huikuan invoice undispute INV-1001
#[derive(Debug, clap::Args)]
pub struct UndisputeArgs {
    /// Invoice number
    pub number: String,
}

pub fn run_dispute(ctx: &mut Ctx, a: DisputeArgs) -> Result<()> {
    set(ctx, &a.number, true, a.reason.as_deref())
}

pub fn run_undispute(ctx: &mut Ctx, a: UndisputeArgs) -> Result<()> {
    set(ctx, &a.number, false, None)
}

fn set(ctx: &mut Ctx, number: &str, disputed: bool, reason: Option<&str>) -> Result<()> {
    let mut book = ctx.open_book_to_write()?;
    let tx = book.write()?;
    let inv = invoices::get(&tx, number)?;
    if inv.voided {
        return Err(StoreError::InvoiceVoid(inv.number).into());
    }
    invoices::set_disputed(&tx, inv.id, disputed)?;
    let why = reason.map(|r| format!(": {r}")).unwrap_or_default();
    let (cmd, what) =
        if disputed { ("invoice dispute", "disputed") } else { ("invoice undispute", "dispute cleared on") };
    events::record(&tx, cmd, &format!("{what} invoice {}{why}", inv.number), None)?;
    tx.commit()?;
    if disputed {
        ctx.note(&format!("invoice {} is disputed", inv.number), &format!("发票 {} 已标记为争议", inv.number));
    } else {
        ctx.note(&format!("invoice {} is no longer disputed", inv.number), &format!("发票 {} 已解除争议", inv.number));
    }
    Ok(())
}
