//! The month's balance confirmations as a table, CSV or JSON.

use std::io::Write;

use serde::Serialize;

use super::{Cell, Table, write_json};
use crate::error::Result;
use crate::ledger::Money;
use crate::output::{Format, Lang};
use crate::reports::confirmations::{Confirmations, Status, Totals};

fn status_name(s: Status) -> &'static str {
    match s {
        Status::Outstanding => "outstanding",
        Status::Agreed => "agreed",
        Status::Differs => "differs",
    }
}

fn status_word(s: Status, lang: Lang) -> &'static str {
    match s {
        Status::Outstanding => lang.pick("outstanding", "未回函"),
        Status::Agreed => lang.pick("agreed", "相符"),
        Status::Differs => lang.pick("differs", "不符"),
    }
}

#[derive(Serialize)]
struct LineJson<'a> {
    customer: &'a str,
    name: &'a str,
    balance: Money,
    sent: Option<chrono::NaiveDate>,
    replied: Option<chrono::NaiveDate>,
    status: &'static str,
    their_balance: Option<Money>,
    difference: Option<Money>,
    note: Option<&'a str>,
}

#[derive(Serialize)]
struct ReportJson<'a> {
    period: &'a str,
    confirmations: Vec<LineJson<'a>>,
    totals: &'a Totals,
}

/// The replies counted: "1 agreed, 1 differing, 1 outstanding".
pub fn counts(t: &Totals, lang: Lang) -> String {
    match lang {
        Lang::En => format!("{} agreed, {} differing, {} outstanding", t.agreed, t.differing, t.outstanding),
        Lang::Zh => format!("相符 {}，不符 {}，未回函 {}", t.agreed, t.differing, t.outstanding),
    }
}

/// Write the month's confirmations with a totals line.
pub fn write(out: &mut dyn Write, r: &Confirmations, lang: Lang, format: Format) -> Result<()> {
    if format == Format::Json {
        let json = ReportJson {
            period: &r.period,
            confirmations: r
                .lines
                .iter()
                .map(|l| LineJson {
                    customer: &l.code,
                    name: &l.name,
                    balance: l.balance,
                    sent: l.sent,
                    replied: l.replied,
                    status: status_name(l.status),
                    their_balance: l.their_balance,
                    difference: l.difference,
                    note: l.note.as_deref(),
                })
                .collect(),
            totals: &r.totals,
        };
        return write_json(out, &json);
    }
    let mut t = Table::new(
        lang,
        &[
            ("code", "代码"),
            ("customer", "客户"),
            ("balance stated", "函证余额"),
            ("sent", "发出日期"),
            ("returned", "回函日期"),
            ("status", "结果"),
            ("their balance", "对方余额"),
            ("difference", "差额"),
            ("note", "备注"),
        ],
    );
    for l in &r.lines {
        t.push(vec![
            Cell::text(&l.code),
            Cell::text(&l.name),
            Cell::Money(l.balance),
            l.sent.map_or(Cell::Empty, Cell::Date),
            l.replied.map_or(Cell::Empty, Cell::Date),
            Cell::text(status_word(l.status, lang)),
            Cell::opt_money(l.their_balance),
            Cell::opt_money(l.difference),
            Cell::opt_text(l.note.as_deref()),
        ]);
    }
    let tot = &r.totals;
    t.push(vec![
        Cell::text(lang.pick("TOTAL", "合计")),
        Cell::Empty,
        Cell::Money(tot.balance),
        Cell::Int(tot.sent as i64),
        Cell::Int(tot.returned as i64),
        Cell::text(counts(tot, lang)),
        Cell::Empty,
        Cell::Money(tot.difference),
        Cell::Empty,
    ]);
    if format == Format::Table {
        let title = match lang {
            Lang::En => format!("Balance confirmations for {}", r.period),
            Lang::Zh => format!("{} 询证函", r.period),
        };
        writeln!(out, "{title}")?;
    }
    t.write(out, format)?;
    if format == Format::Table {
        writeln!(
            out,
            "{}",
            lang.pick(
                "balances: positive, the customer owes us; negative, we owe the customer. difference = their balance − balance stated",
                "余额为正：客户欠我司；为负：我司欠客户。差额 = 对方余额 − 函证余额"
            )
        )?;
    }
    Ok(())
}
