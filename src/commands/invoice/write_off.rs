//! `huikuan invoice write-off`.

use crate::context::Ctx;
use crate::error::Result;
use crate::parse::positive_amount;
use crate::store::{events, invoices};

/// Write off what a customer will not pay (坏账核销): a dated transaction.
///
/// The whole balance, or --amount of it (oldest due installment first). From
/// its date on, aging and interest no longer count it; before that date they
/// do. Refused in a closed period. Asks for confirmation; --yes for scripts.
/// Example:
///   huikuan invoice write-off INV-1001 --date 2026-11-30 --reason "customer insolvent" --yes
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// Invoice number
    pub number: String,
    /// How much [default: the whole balance]
    #[arg(long, value_name = "AMOUNT", allow_negative_numbers = true)]
    pub amount: Option<String>,
    /// The date of the write-off
    #[arg(long, value_name = "DATE")]
    pub date: String,
    /// Why (recorded with it)
    #[arg(long)]
    pub reason: String,
}

pub fn run(ctx: &mut Ctx, a: Args) -> Result<()> {
    let date = ctx.date("--date", &a.date)?;
    let amount = a.amount.as_deref().map(|m| positive_amount("--amount", m)).transpose()?;
    let mut book = ctx.open_book_to_write()?;
    // Check everything before asking: a write-off that would be refused
    // should not ask for confirmation first. Checked again when written.
    let (inv, amount) = {
        let tx = book.read()?;
        let inv = invoices::get(&tx, &a.number)?;
        let amount = amount.unwrap_or(inv.balance());
        (invoices::check_write_off(&tx, inv.id, date, amount)?, amount)
    };
    ctx.confirm(
        &format!("write off {amount} of invoice {} ({}) on {date}?", inv.number, inv.customer),
        &format!("核销发票 {}（{}）坏账 {amount}，日期 {date}？", inv.number, inv.customer),
    )?;
    let tx = book.write()?;
    invoices::write_off(&tx, inv.id, date, amount, a.reason.trim())?;
    events::record(
        &tx,
        "invoice write-off",
        &format!("wrote off {amount} of {} on {date}: {}", inv.number, a.reason),
        &format!("{date} 核销 {} 坏账 {amount}：{}", inv.number, a.reason),
        None,
    )?;
    tx.commit()?;
    ctx.note(
        &format!("wrote off {amount} of invoice {}", inv.number),
        &format!("已核销发票 {} 坏账 {amount}", inv.number),
    );
    Ok(())
}
