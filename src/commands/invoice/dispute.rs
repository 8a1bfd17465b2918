//! `huikuan invoice dispute` and `invoice undispute`.

use crate::context::Ctx;
use crate::error::Result;
use crate::ledger::reason::OverdueReason;
use crate::store::{StoreError, disputes, events, invoices};

/// Open a dispute on an invoice: from its date the invoice is left out of
/// dunning and of automatic (FIFO) allocation and bears no late interest,
/// but is still aged.
///
/// A dispute is a dated interval: `invoice undispute` closes it, and the
/// days between bear no interest for good. Dated in a closed period, it is
/// refused. Example:
///   huikuan invoice dispute INV-1001 --reason "3 units damaged" --date 2026-11-02
///   huikuan invoice dispute INV-1001 --reason "3 units damaged" --cause quality
/// The free text goes to --reason; the overdue reason report (`report
/// reasons`) reads the coded --cause.
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct DisputeArgs {
    /// Invoice number
    pub number: String,
    /// What the customer disputes
    #[arg(long)]
    pub reason: Option<String>,
    /// The day the dispute opened [default: today]
    #[arg(long, value_name = "DATE")]
    pub date: Option<String>,
    /// The overdue reason it stands for: cash-flow, quality, documents,
    /// internal, wilful or other (or the Chinese name)
    #[arg(long, value_name = "REASON")]
    pub cause: Option<String>,
}

/// Resolve an invoice's dispute: from its date interest runs and dunning
/// resumes.
///
/// Example: huikuan invoice undispute INV-1001 --date 2026-11-20
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct UndisputeArgs {
    /// Invoice number
    pub number: String,
    /// The day the dispute was resolved [default: today]
    #[arg(long, value_name = "DATE")]
    pub date: Option<String>,
}

pub fn run_dispute(ctx: &mut Ctx, a: DisputeArgs) -> Result<()> {
    let date = day(ctx, a.date.as_deref())?;
    let cause = a.cause.as_deref().map(|c| crate::parse::overdue_reason("--cause", c)).transpose()?;
    set(ctx, &a.number, date, Some(cause), a.reason.as_deref())
}

pub fn run_undispute(ctx: &mut Ctx, a: UndisputeArgs) -> Result<()> {
    let date = day(ctx, a.date.as_deref())?;
    set(ctx, &a.number, date, None, None)
}

fn day(ctx: &Ctx, date: Option<&str>) -> Result<chrono::NaiveDate> {
    date.map_or(Ok(ctx.today), |d| ctx.date("--date", d))
}

/// Open a dispute (`opening` is `Some(its overdue reason, if any)`) or resolve one (`None`).
fn set(
    ctx: &mut Ctx,
    number: &str,
    date: chrono::NaiveDate,
    opening: Option<Option<OverdueReason>>,
    reason: Option<&str>,
) -> Result<()> {
    let disputed = opening.is_some();
    let mut book = ctx.open_book_to_write()?;
    let tx = book.write()?;
    let inv = invoices::get(&tx, number)?;
    if inv.voided {
        return Err(StoreError::InvoiceVoid(inv.number).into());
    }
    if let Some(cause) = opening {
        disputes::open_with_cause(&tx, inv.id, &inv.number, date, reason, cause)?;
    } else {
        disputes::resolve(&tx, inv.id, &inv.number, date)?;
    }
    let cause = opening.flatten().map(|c| format!(" (overdue: {})", c.as_str())).unwrap_or_default();
    let why = reason.map(|r| format!(": {r}")).unwrap_or_default() + &cause;
    let (cmd, what) =
        if disputed { ("invoice dispute", "disputed") } else { ("invoice undispute", "resolved the dispute on") };
    let cause_zh = opening.flatten().map(|c| format!("（逾期原因：{}）", c.zh())).unwrap_or_default();
    let why_zh = reason.map(|r| format!("：{r}")).unwrap_or_default() + &cause_zh;
    let what_zh = if disputed { "提出争议" } else { "解除争议" };
    let zh = format!("发票 {} 于 {date} {what_zh}{why_zh}", inv.number);
    events::record(&tx, cmd, &format!("{what} invoice {} on {date}{why}", inv.number), &zh, None)?;
    tx.commit()?;
    if disputed {
        ctx.note(
            &format!("invoice {} is in dispute from {date}", inv.number),
            &format!("发票 {} 自 {date} 起处于争议中", inv.number),
        );
    } else {
        ctx.note(
            &format!("invoice {}'s dispute is resolved on {date}", inv.number),
            &format!("发票 {} 的争议已于 {date} 解除", inv.number),
        );
    }
    Ok(())
}
