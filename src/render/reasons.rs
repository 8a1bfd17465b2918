//! Overdue money by reason as a table, CSV or JSON.

use std::io::Write;

use serde::Serialize;

use super::{Cell, Table, write_json};
use crate::error::Result;
use crate::ledger::Money;
use crate::ledger::reason::OverdueReason;
use crate::output::{Format, Lang};
use crate::reports::reasons::Reasons;

/// A reason's code in JSON and CSV; `unknown` when none was given.
pub fn code(r: Option<OverdueReason>) -> &'static str {
    r.map_or("unknown", OverdueReason::as_str)
}

/// A reason's name in the output's language; unknown/未说明 when none.
pub fn name(r: Option<OverdueReason>, lang: Lang) -> &'static str {
    match r {
        Some(r) => lang.pick(r.en(), r.zh()),
        None => lang.pick("unknown", "未说明"),
    }
}

#[derive(Serialize)]
struct CustomerJson<'a> {
    customer: &'a str,
    name: &'a str,
    overdue: Money,
    installments: usize,
}

#[derive(Serialize)]
struct ReasonJson<'a> {
    reason: &'static str,
    name: &'static str,
    overdue: Money,
    installments: usize,
    customers: Vec<CustomerJson<'a>>,
}

#[derive(Serialize)]
struct TotalJson {
    overdue: Money,
    installments: usize,
}

#[derive(Serialize)]
struct ReasonsJson<'a> {
    as_of: chrono::NaiveDate,
    reasons: Vec<ReasonJson<'a>>,
    total: TotalJson,
    aging_overdue: Money,
    ties: bool,
}

/// Write the report: per reason its customers and subtotal, then the total
/// and its tie to the aging report's overdue.
pub fn write(out: &mut dyn Write, r: &Reasons, lang: Lang, format: Format) -> Result<()> {
    if format == Format::Json {
        let json = ReasonsJson {
            as_of: r.as_of,
            reasons: r
                .by_reason
                .iter()
                .map(|t| ReasonJson {
                    reason: code(t.reason),
                    name: name(t.reason, lang),
                    overdue: t.overdue,
                    installments: t.installments,
                    customers: r
                        .lines
                        .iter()
                        .filter(|l| l.reason == t.reason)
                        .map(|l| CustomerJson {
                            customer: &l.code,
                            name: &l.name,
                            overdue: l.overdue,
                            installments: l.installments,
                        })
                        .collect(),
                })
                .collect(),
            total: TotalJson { overdue: r.overdue, installments: r.installments },
            aging_overdue: r.aging_overdue,
            ties: r.ties(),
        };
        return write_json(out, &json);
    }
    let csv = format == Format::Csv;
    let mut t = Table::new(
        lang,
        &[
            ("reason", "逾期原因"),
            ("customer", "客户"),
            ("name", "名称"),
            ("overdue", "逾期金额"),
            ("installments", "逾期笔数"),
        ],
    );
    let reason_cell = |x: Option<OverdueReason>| Cell::text(if csv { code(x) } else { name(x, lang) });
    for s in &r.by_reason {
        for l in r.lines.iter().filter(|l| l.reason == s.reason) {
            t.push(vec![
                reason_cell(l.reason),
                Cell::text(&l.code),
                Cell::text(&l.name),
                Cell::Money(l.overdue),
                Cell::Int(l.installments as i64),
            ]);
        }
        t.push(vec![
            reason_cell(s.reason),
            Cell::text(lang.pick("SUBTOTAL", "小计")),
            Cell::text(match lang {
                Lang::En => format!("{} customer(s)", s.customers),
                Lang::Zh => format!("{} 个客户", s.customers),
            }),
            Cell::Money(s.overdue),
            Cell::Int(s.installments as i64),
        ]);
    }
    t.push(vec![
        Cell::Empty,
        Cell::text(lang.pick("TOTAL", "合计")),
        Cell::Empty,
        Cell::Money(r.overdue),
        Cell::Int(r.installments as i64),
    ]);
    if csv {
        return t.write_csv(out);
    }
    let (total, aging) = (r.overdue.grouped(), r.aging_overdue.grouped());
    let mark = if r.ties() { "✓" } else { "✗" };
    let footer = [
        match lang {
            Lang::En => {
                format!("total overdue {total} = aging overdue (past due, all buckets but current) {aging} {mark}")
            }
            Lang::Zh => format!("逾期合计 {total} = 账龄表逾期（当前以外各段）{aging} {mark}"),
        },
        lang.pick(
            "reason = the invoice's open dispute's, else the customer's latest given on or before the date",
            "原因 = 发票未解决争议所注明的原因，否则为客户截至该日最近一次记录的原因",
        )
        .to_string(),
    ];
    if format == Format::Xlsx {
        // The tie-out and the rule under the table, as on the screen.
        super::xlsx::refuse_on_terminal()?;
        return t.write_xlsx(out, &footer);
    }
    let as_of = r.as_of;
    writeln!(out, "{}", lang.pick(&format!("Overdue by reason as of {as_of}"), &format!("{as_of} 逾期原因分析")))?;
    t.write_table(out)?;
    for line in footer {
        writeln!(out, "{line}")?;
    }
    Ok(())
}
