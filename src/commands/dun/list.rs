//! `huikuan dun list`: the morning worklist.

use std::io::Write;

use serde::Serialize;

use crate::context::Ctx;
use crate::error::Result;
use crate::ledger::Money;
use crate::ledger::ladder::{Ladder, Next};
use crate::output::Format;
use crate::render::{Cell, Table, write_json};
use crate::reports::{self, WorkItem};
use crate::store::{customers, dunning, events};

/// Who to chase today, and how: one line per customer with a step due.
///
/// Sorted by urgency (level, then amount), with the upcoming reminders
/// (levels 0–1) after the overdue work. Running it when a customer first
/// reaches the stop-supply level (4) puts the customer on hold; running it
/// again the same day changes nothing. Examples:
///   huikuan dun list
///   huikuan dun list --level 3 --format csv
///   huikuan dun list --as-of 2026-12-01 --customer HY
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only this customer
    #[arg(long, value_name = "CODE")]
    pub customer: Option<String>,
    /// Only steps at this level or higher
    #[arg(long, value_name = "N")]
    pub level: Option<u8>,
}

#[derive(Serialize)]
pub struct LastAction {
    pub date: chrono::NaiveDate,
    pub level: u8,
}

#[derive(Serialize)]
pub struct PromiseJson {
    pub date: chrono::NaiveDate,
    pub amount: Money,
    pub status: &'static str,
}

/// One line of `dun list --format json` (the contract).
#[derive(Serialize)]
pub struct ItemJson {
    pub customer: String,
    pub name: String,
    pub level: u8,
    pub step: String,
    pub channel: String,
    pub overdue: Money,
    pub days_overdue: i64,
    pub interest: Money,
    pub last_action: Option<LastAction>,
    pub promise: Option<PromiseJson>,
    pub reason: String,
}

pub fn to_json(w: &WorkItem, ladder: &Ladder, zh: bool) -> ItemJson {
    let (step, channel) = match &w.decision.next {
        Next::ResolveDispute => {
            ((if zh { "解决争议" } else { "resolve dispute" }).to_string(), "phone/visit".to_string())
        }
        _ => ladder.get(w.level).map_or((String::new(), String::new()), |l| {
            (if zh && !l.step_zh.is_empty() { l.step_zh.clone() } else { l.step.clone() }, l.channel.clone())
        }),
    };
    let mut reason = w.decision.reasons.join("; ");
    if matches!(w.decision.next, Next::Act { repeat: true, .. }) && !reason.contains("still unpaid") {
        reason.push_str("; repeat");
    }
    ItemJson {
        customer: w.code.clone(),
        name: w.name.clone(),
        level: w.level,
        step,
        channel,
        overdue: w.overdue,
        days_overdue: w.days_overdue,
        interest: w.interest,
        last_action: w.last_action.map(|(date, level)| LastAction { date, level }),
        promise: w.promise.as_ref().map(|(p, s)| PromiseJson { date: p.date, amount: p.amount, status: s.as_str() }),
        reason,
    }
}

pub fn run(ctx: &mut Ctx, a: Args) -> Result<()> {
    let mut book = ctx.open_book()?;
    let (items, ladder) = {
        let tx = book.read()?;
        let only = a.customer.as_deref().map(|c| customers::require_id(&tx, c)).transpose()?;
        (reports::worklist(&tx, ctx.as_of, only)?, dunning::ladder(&tx)?)
    };
    // Stop supply: the first time a customer reaches the hold level (today).
    let stop = ladder.hold_level();
    let to_hold: Vec<&WorkItem> = items
        .iter()
        .filter(|w| matches!(w.decision.next, Next::Act { level, repeat: false } if level >= stop) && !w.on_hold)
        .collect();
    if !to_hold.is_empty() && ctx.as_of == ctx.today {
        let tx = book.write()?;
        for w in &to_hold {
            let reason = format!("collection level {} on {}", w.level, ctx.today);
            customers::set_hold(&tx, w.customer_id, true, Some(&reason), ctx.today)?;
            events::record(&tx, "dun list", &format!("put {} on hold: {reason}", w.code), None)?;
            ctx.note(
                &format!("{} is now on hold (stop supply): new invoices are refused", w.code),
                &format!("{} 已停止供货：新发票将被拒绝", w.code),
            );
        }
        tx.commit()?;
    }
    let zh = ctx.lang == crate::output::Lang::Zh;
    let rows: Vec<ItemJson> =
        items.iter().filter(|w| a.level.is_none_or(|l| w.level >= l)).map(|w| to_json(w, &ladder, zh)).collect();
    if ctx.format == Format::Json {
        return write_json(&mut ctx.out, &rows);
    }
    let lang = ctx.lang;
    let headers = [
        ("level", "级别"),
        ("step", "措施"),
        ("channel", "方式"),
        ("customer", "客户"),
        ("name", "名称"),
        ("overdue", "逾期金额"),
        ("days", "逾期天数"),
        ("interest", "违约金"),
        ("last action", "上次催收"),
        ("promise", "承诺付款"),
        ("why", "原因"),
    ];
    let row = |r: &ItemJson| {
        vec![
            Cell::Int(i64::from(r.level)),
            Cell::text(&r.step),
            Cell::text(&r.channel),
            Cell::text(&r.customer),
            Cell::text(&r.name),
            Cell::Money(r.overdue),
            Cell::Int(r.days_overdue),
            Cell::Money(r.interest),
            r.last_action.as_ref().map_or(Cell::Empty, |l| Cell::text(format!("L{} {}", l.level, l.date))),
            r.promise.as_ref().map_or(Cell::Empty, |p| Cell::text(format!("{} {} {}", p.amount, p.date, p.status))),
            Cell::text(&r.reason),
        ]
    };
    if ctx.format == Format::Csv {
        let mut t = Table::new(lang, &headers);
        rows.iter().for_each(|r| t.push(row(r)));
        return t.write_csv(&mut ctx.out);
    }
    let (due, upcoming): (Vec<&ItemJson>, Vec<&ItemJson>) = rows.iter().partition(|r| r.level >= 2);
    writeln!(
        ctx.out,
        "{}",
        ctx.t(&format!("Collection worklist for {}", ctx.as_of), &format!("{} 催收工作清单", ctx.as_of))
    )?;
    let mut t = Table::new(lang, &headers);
    due.iter().for_each(|r| t.push(row(r)));
    t.write_table(&mut ctx.out)?;
    if !upcoming.is_empty() {
        writeln!(ctx.out, "{}", ctx.t("Upcoming reminders", "即将到期提醒"))?;
        let mut t = Table::new(lang, &headers);
        upcoming.iter().for_each(|r| t.push(row(r)));
        t.write_table(&mut ctx.out)?;
    }
    Ok(())
}
