//! The morning worklist as a table (overdue work, then upcoming reminders),
//! CSV or JSON.

use std::io::Write;

use serde::Serialize;

use super::{Cell, Table, write_json};
use crate::error::Result;
use crate::ledger::Money;
use crate::ledger::ladder::{Ladder, Next};
use crate::output::{Format, Lang};
use crate::reports::WorkItem;

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
    /// The customer's latest overdue reason (its code), if any was given.
    pub overdue_reason: Option<&'static str>,
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
    let mut reasons: Vec<&crate::ledger::ladder::Why> = w.decision.reasons.iter().collect();
    let repeat = crate::ledger::ladder::Why::Repeat;
    if matches!(w.decision.next, Next::Act { repeat: true, .. })
        && !reasons.iter().any(|r| matches!(r, crate::ledger::ladder::Why::DoneStillUnpaid { .. }))
    {
        reasons.push(&repeat);
    }
    let reason = reasons.iter().map(|r| if zh { r.zh() } else { r.en() }).collect::<Vec<_>>().join(if zh {
        "；"
    } else {
        "; "
    });
    let channel = if zh { crate::render::words::channel(&channel, crate::output::Lang::Zh) } else { channel };
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
        overdue_reason: w.overdue_reason.map(|r| r.as_str()),
    }
}

/// Write the worklist as of a date: the items at `level` or higher.
pub fn write(
    out: &mut dyn Write,
    items: &[WorkItem],
    ladder: &Ladder,
    level: Option<u8>,
    as_of: chrono::NaiveDate,
    lang: Lang,
    format: Format,
) -> Result<()> {
    let zh = lang == Lang::Zh;
    let rows: Vec<ItemJson> =
        items.iter().filter(|w| level.is_none_or(|l| w.level >= l)).map(|w| to_json(w, ladder, zh)).collect();
    if format == Format::Json {
        return write_json(out, &rows);
    }
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
        ("overdue reason", "逾期原因"),
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
            match r.overdue_reason.and_then(crate::ledger::reason::OverdueReason::parse) {
                Some(x) if matches!(format, Format::Table | Format::Xlsx) => Cell::text(lang.pick(x.en(), x.zh())),
                Some(x) => Cell::text(x.as_str()),
                None => Cell::Empty,
            },
        ]
    };
    if matches!(format, Format::Csv | Format::Xlsx) {
        let mut t = Table::new(lang, &headers);
        rows.iter().for_each(|r| t.push(row(r)));
        return if format == Format::Csv { t.write_csv(out) } else { t.write_xlsx(out, &[]) };
    }
    let (due, upcoming): (Vec<&ItemJson>, Vec<&ItemJson>) = rows.iter().partition(|r| r.level >= 2);
    writeln!(
        out,
        "{}",
        match lang {
            Lang::En => format!("Collection worklist for {as_of}"),
            Lang::Zh => format!("{as_of} 催收工作清单"),
        }
    )?;
    let mut t = Table::new(lang, &headers);
    t.overdue_columns([5]);
    due.iter().for_each(|r| t.push(row(r)));
    t.write_table(out)?;
    if !upcoming.is_empty() {
        writeln!(out, "{}", lang.pick("Upcoming reminders", "即将到期提醒"))?;
        let mut t = Table::new(lang, &headers);
        upcoming.iter().for_each(|r| t.push(row(r)));
        t.write_table(out)?;
    }
    Ok(())
}
