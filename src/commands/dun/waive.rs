//! `huikuan dun waive`.

use crate::context::Ctx;
use crate::error::Result;
use crate::parse::positive_amount;
use crate::render::{Cell, Table};
use crate::reports::interest::waiver_plan;
use crate::store::{customers, events, interest};

/// Waive late interest a customer owes: dated, with its reason, in the log.
///
/// Without --amount all interest owed as of the date is waived; with it,
/// that much, on the oldest installments first. With --invoice only that
/// invoice's interest. A waiver dated in a closed period is refused; the
/// interest owed (`dun interest`, letters, `dun charge-interest`) is accrued −
/// posted − waived. Examples:
///   huikuan dun waive HY --amount 50 --reason "goodwill, paid at last"
///   huikuan dun waive HY --invoice INV-1001 --reason "disputed delivery" --date 2026-10-31
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// Customer code
    pub customer: String,
    /// Only the interest on this invoice
    #[arg(long, value_name = "NUMBER")]
    pub invoice: Option<String>,
    /// How much to waive [default: all that is owed]
    #[arg(long, value_name = "AMOUNT", allow_negative_numbers = true)]
    pub amount: Option<String>,
    /// Why (kept in the book and the log)
    #[arg(long, value_name = "TEXT")]
    pub reason: String,
    /// The day of the waiver [default: today]
    #[arg(long, value_name = "DATE")]
    pub date: Option<String>,
}

pub fn run(ctx: &mut Ctx, a: Args) -> Result<()> {
    let amount = a.amount.as_deref().map(|m| positive_amount("--amount", m)).transpose()?;
    let date = match &a.date {
        Some(d) => ctx.date("--date", d)?,
        None => ctx.today,
    };
    let reason = crate::parse::required_text("--reason", &a.reason)?;
    let mut book = ctx.open_book_to_write()?;
    let tx = book.write()?;
    let c = customers::get(&tx, &a.customer)?;
    crate::store::ensure_open(&tx, date)?;
    let parts = waiver_plan(&tx, date, c.id, a.invoice.as_deref(), amount)?;
    for p in &parts {
        interest::waive(&tx, p.installment_id, date, p.amount, reason)?;
    }
    let total: crate::ledger::Money = parts.iter().map(|p| p.amount).sum();
    events::record(
        &tx,
        "dun waive",
        &format!("waived {total} of late interest of {} on {date}: {reason}", c.code),
        &format!("{date} 减免 {} 的违约金 {total}：{reason}", c.code),
        None,
    )?;
    tx.commit()?;
    ctx.note(
        &format!("waived {total} of late interest of {} on {date}", c.code),
        &format!("已于 {date} 减免 {} 违约金 {total}", c.code),
    );
    let mut t = Table::new(ctx.lang, &[("invoice", "发票"), ("waived", "减免")]);
    for p in &parts {
        t.push(vec![Cell::text(&p.invoice), Cell::Money(p.amount)]);
    }
    t.write(&mut ctx.out, ctx.format)
}
