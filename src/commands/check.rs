//! `huikuan check`.

use crate::context::Ctx;
use crate::error::{Error, Result};
use crate::store::check;

/// Verify the book: SQLite's integrity check and every ledger invariant.
///
/// Allocations and write-offs match the running totals they feed, no
/// balance is negative, no payment is over-allocated, allocations take
/// effect on the right day and pay their own customer, invoices add up to
/// their installments (and are their customer's), void records carry no
/// money, matched bank lines have their payments, an alias or bank account
/// belongs to one customer, the late interest kept for installments settled
/// in full is what their settlements give (and its totals per customer what
/// those figures add up to), the open balances and daily
/// totals kept for the reports are what the installments, allocations and
/// write-offs give, and the audit trail exists. Every month still
/// closed gives again the aging (per customer and bucket), provision and
/// interest stored at close, its rows (due dates, amounts, customers,
/// dates) are as they were, and the chain of close records shows no edit
/// or removal. Exits 1 and lists every problem (naming the row) when
/// anything is wrong. Examples:
///   huikuan check
///   huikuan check --rebuild-interest
///   huikuan check --rebuild-balances
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// First recompute the late interest the book keeps for installments
    /// settled in full, from their settlements (the remedy when check says
    /// a kept figure differs); then check.
    #[arg(long)]
    pub rebuild_interest: bool,
    /// First recompute the open balances and daily totals the book keeps
    /// for the aging report and the worklist, from the installments,
    /// allocations and write-offs, and copy each invoice's issue date,
    /// dispute, void and kind onto its installments again (the remedy when
    /// check says a kept figure or a copy differs); then check.
    #[arg(long)]
    pub rebuild_balances: bool,
}

pub fn run(ctx: &mut Ctx, a: Args) -> Result<()> {
    let mut book = ctx.open_book()?;
    if a.rebuild_interest {
        let tx = book.write()?;
        crate::store::late_interest::requeue_all(&tx)?;
        tx.commit()?;
        ctx.note("late interest recomputed", "已重新计算逾期违约金");
    }
    if a.rebuild_balances {
        let tx = book.write()?;
        crate::store::balances::rebuild(&tx)?;
        tx.commit()?;
        ctx.note("open balances and daily totals recomputed", "已重新计算未结余额与每日合计");
    }
    let tx = book.read()?;
    // One step per check, and one for the closed months given again.
    let bar = ctx.progress_of(check::steps() + 1, check::rows(&tx)?, ("checks", "项检查"));
    let (mut problems, mut checks) = check::run(&tx, &mut || bar.iter().for_each(|b| b.inc()))?;
    checks += 1;
    problems.extend(crate::reports::close::drift(&tx)?);
    drop(bar);
    if problems.is_empty() {
        ctx.note(&format!("ok: {checks} checks passed"), &format!("正常：{checks} 项检查全部通过"));
        return Ok(());
    }
    let n = problems.len();
    let mut en = problems.clone();
    en.push(format!("{n} problem(s) found"));
    let mut zh = problems;
    zh.push(format!("发现 {n} 个问题"));
    Err(Error::user(en.join("\n"), zh.join("\n")))
}
