//! `huikuan close`: lock a month.

use crate::context::Ctx;
use crate::error::Result;
use crate::ledger::date::parse_month;
use crate::reports::close::Period;
use crate::store::{self, events};
use crate::{render, reports};

/// Close a month: lock every date up to its last day.
///
/// After `close 2026-10`, nothing dated on or before 2026-10-31 can be added,
/// edited, voided, allocated, written off or undone — by any command. The
/// closing aging report is stored, and `report aging --as-of 2026-10-31`
/// reprints it exactly. Only a month that has ended can be closed. Examples:
///   huikuan close 2026-10
///   huikuan close --list
///   huikuan close --reopen 2026-10 --reason "late credit note" --yes
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// The month to close, e.g. 2026-10
    #[arg(required_unless_present_any = ["list", "reopen"])]
    pub period: Option<String>,
    /// List closed periods
    #[arg(long, conflicts_with_all = ["period", "reopen"])]
    pub list: bool,
    /// Reopen the latest closed month (asks for confirmation; --yes for scripts)
    #[arg(long, value_name = "PERIOD", requires = "reason", conflicts_with = "period")]
    pub reopen: Option<String>,
    /// Why the month is reopened (recorded)
    #[arg(long)]
    pub reason: Option<String>,
}

pub fn run(ctx: &mut Ctx, a: Args) -> Result<()> {
    if a.list {
        return list(ctx);
    }
    if let Some(p) = &a.reopen {
        return reopen(ctx, p, a.reason.as_deref().unwrap_or(""));
    }
    let period = Period::of(parse_month(a.period.as_deref().unwrap_or_default())?);
    period.ensure_ended(ctx.today)?;
    let mut book = ctx.open_book_to_write()?;
    let tx = book.write()?;
    // The closing aging is drawn as of the month's last day: the
    // settlements dated after it (weeks of them) are sorted by
    // installment, as `report aging` sorts them, in temporary files.
    store::sort_in_files(&tx)?;
    let closing = reports::close::closing(&tx, &period)?;
    let (name, through, total) = (&period.name, period.through, closing.aging.total);
    store::close::record(&tx, name, through, &closing.snapshot, &closing.kept)?;
    let (en, zh) = (
        format!("closed {name} (through {through}); aging {total}"),
        format!("结账 {name}（截至 {through}）；账龄合计 {total}"),
    );
    events::record(&tx, "close", &en, &zh, None)?;
    tx.commit()?;
    ctx.note(
        &format!("closed {name}: every date up to {through} is locked; aging {total} stored"),
        &format!("已结账 {name}：{through} 及以前的日期已锁定；已保存账龄 {total}"),
    );
    Ok(())
}

fn list(ctx: &mut Ctx) -> Result<()> {
    let mut book = ctx.open_book()?;
    let tx = book.read()?;
    let closes = store::close::list(&tx)?;
    render::close::write_list(&mut ctx.out, ctx.lang, ctx.format, &closes)
}

fn reopen(ctx: &mut Ctx, text: &str, reason: &str) -> Result<()> {
    let period = Period::of(parse_month(text)?);
    let name = &period.name;
    let mut book = ctx.open_book_to_write()?;
    {
        let tx = book.read()?;
        reports::close::ensure_latest(&tx, &period)?;
    }
    ctx.confirm(&format!("reopen {name}? (reason: {reason})"), &format!("重开 {name}？（原因：{reason}）"))?;
    let tx = book.write()?;
    store::close::reopen(&tx, name, reason)?;
    events::record(
        &tx,
        "close --reopen",
        &format!("reopened {name}: {reason}"),
        &format!("重开 {name}：{reason}"),
        None,
    )?;
    tx.commit()?;
    ctx.note(&format!("reopened {name}"), &format!("已重开 {name}"));
    Ok(())
}
