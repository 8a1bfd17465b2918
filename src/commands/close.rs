//! `huikuan close`: lock a month.

use rusqlite::OptionalExtension;
use serde::Serialize;

use crate::context::Ctx;
use crate::error::{Error, Result};
use crate::ledger::aging::{AgingRule, Basis, Buckets};
use crate::ledger::date::{month_end, parse_month};
use crate::output::Format;
use crate::render::{Cell, Table, write_json};
use crate::reports;
use crate::store::{self, events};

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

#[derive(Serialize)]
struct CloseJson {
    period: String,
    through: String,
    closed_at: String,
    reopened_at: Option<String>,
    reason: Option<String>,
}

pub fn run(ctx: &mut Ctx, a: Args) -> Result<()> {
    if a.list {
        return list(ctx);
    }
    if let Some(p) = &a.reopen {
        return reopen(ctx, p, a.reason.as_deref().unwrap_or(""));
    }
    let text = a.period.as_deref().unwrap_or_default();
    let first = parse_month(text)?;
    let through = month_end(first);
    let period = first.format("%Y-%m").to_string();
    if through >= ctx.today {
        return Err(Error::user(
            format!(
                "{period} has not ended yet (it runs to {through}); close it from {} on",
                through.succ_opt().unwrap_or(through)
            ),
            format!("{period} 尚未结束（至 {through}）；请于 {} 起结账", through.succ_opt().unwrap_or(through)),
        ));
    }
    let mut book = ctx.open_book()?;
    let tx = book.write()?;
    if let Some(locked) = store::locked_through(&tx)?
        && locked >= through
    {
        return Err(Error::user(
            format!("{period} is already closed (the book is closed through {locked})"),
            format!("{period} 已结账（账本已结账至 {locked}）"),
        ));
    }
    let rule = AgingRule { basis: Basis::Due, buckets: Buckets::default() };
    let report = reports::aging_report(&tx, &rule, through, None)?;
    if !report.tie.balanced() {
        return Err(Error::user(
            format!("the aging as of {through} does not tie out; run huikuan check before closing"),
            format!("截至 {through} 的账龄不平；请先运行 huikuan check"),
        ));
    }
    let snapshot = serde_json::to_string(&crate::commands::report::aging::to_json(&report))?;
    let now = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
    tx.execute(
        "INSERT INTO closes (period, through, closed_at, aging_json) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (period) DO UPDATE SET through = excluded.through, closed_at = excluded.closed_at,
             aging_json = excluded.aging_json, reopened_at = NULL, reason = NULL",
        rusqlite::params![period, store::date_sql(through), now, snapshot],
    )?;
    events::record(&tx, "close", &format!("closed {period} (through {through}); aging {}", report.total), None)?;
    tx.commit()?;
    ctx.note(
        &format!("closed {period}: every date up to {through} is locked; aging {} stored", report.total),
        &format!("已结账 {period}：{through} 及以前的日期已锁定；已保存账龄 {}", report.total),
    );
    Ok(())
}

fn list(ctx: &mut Ctx) -> Result<()> {
    let mut book = ctx.open_book()?;
    let tx = book.read()?;
    let mut stmt = tx.prepare("SELECT period, through, closed_at, reopened_at, reason FROM closes ORDER BY period")?;
    let rows: Vec<CloseJson> = stmt
        .query_map([], |r| {
            Ok(CloseJson {
                period: r.get(0)?,
                through: r.get(1)?,
                closed_at: r.get(2)?,
                reopened_at: r.get(3)?,
                reason: r.get(4)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    if ctx.format == Format::Json {
        return write_json(&mut ctx.out, &rows);
    }
    let mut t = Table::new(
        ctx.lang,
        &[
            ("period", "期间"),
            ("through", "锁定至"),
            ("closed at (UTC)", "结账时间 (UTC)"),
            ("reopened", "重开"),
            ("reason", "原因"),
        ],
    );
    for r in rows {
        t.push(vec![
            Cell::text(r.period),
            Cell::text(r.through),
            Cell::text(r.closed_at),
            Cell::opt_text(r.reopened_at.as_deref()),
            Cell::opt_text(r.reason.as_deref()),
        ]);
    }
    t.write(&mut ctx.out, ctx.format)
}

fn reopen(ctx: &mut Ctx, text: &str, reason: &str) -> Result<()> {
    let period = parse_month(text)?.format("%Y-%m").to_string();
    let mut book = ctx.open_book()?;
    let latest: Option<String> = {
        let tx = book.read()?;
        tx.query_row("SELECT period FROM closes WHERE reopened_at IS NULL ORDER BY through DESC LIMIT 1", [], |r| {
            r.get(0)
        })
        .optional()?
    };
    if latest.as_deref() != Some(period.as_str()) {
        return Err(Error::user(
            format!("only the latest closed month can be reopened ({})", latest.as_deref().unwrap_or("none is closed")),
            format!("只能重开最近结账的月份（{}）", latest.as_deref().unwrap_or("没有已结账月份")),
        ));
    }
    ctx.confirm(&format!("reopen {period}? (reason: {reason})"), &format!("重开 {period}？（原因：{reason}）"))?;
    let tx = book.write()?;
    let now = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
    tx.execute(
        "UPDATE closes SET reopened_at = ?1, reason = ?2 WHERE period = ?3",
        rusqlite::params![now, reason, period],
    )?;
    events::record(&tx, "close --reopen", &format!("reopened {period}: {reason}"), None)?;
    tx.commit()?;
    ctx.note(&format!("reopened {period}"), &format!("已重开 {period}"));
    Ok(())
}

/// The stored closing aging for a date, if a closed period ends on it.
pub fn snapshot(conn: &rusqlite::Connection, as_of: chrono::NaiveDate) -> Result<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT aging_json FROM closes WHERE through = ?1 AND reopened_at IS NULL",
            [store::date_sql(as_of)],
            |r| r.get(0),
        )
        .optional()?)
}
