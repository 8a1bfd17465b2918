//! The receipts forecast as a table, CSV or JSON.

use std::io::Write;

use chrono::NaiveDate;
use serde::Serialize;

use super::{Cell, Table, write_json};
use crate::error::Result;
use crate::ledger::Money;
use crate::output::{Format, Lang};
use crate::reports::forecast::Forecast;

#[derive(Serialize)]
struct CustomerJson<'a> {
    code: &'a str,
    avg_days_late: String,
    overdue: Money,
    weeks: &'a [Money],
    later: Money,
}

#[derive(Serialize)]
struct ForecastJson<'a> {
    as_of: NaiveDate,
    week_starts: &'a [NaiveDate],
    overdue: Money,
    weeks: &'a [Money],
    later: Money,
    customers: Vec<CustomerJson<'a>>,
}

/// Write the forecast: one row per customer and the total, a column per week.
pub fn write(out: &mut dyn Write, f: &Forecast, lang: Lang, format: Format) -> Result<()> {
    if format == Format::Json {
        let json = ForecastJson {
            as_of: f.as_of,
            week_starts: &f.week_starts,
            overdue: f.overdue,
            weeks: &f.weeks,
            later: f.later,
            customers: f
                .customers
                .iter()
                .map(|c| CustomerJson {
                    code: &c.code,
                    avg_days_late: c.avg_days_late.to_string(),
                    overdue: c.overdue,
                    weeks: &c.weeks,
                    later: c.later,
                })
                .collect(),
        };
        return write_json(out, &json);
    }
    let mut t = Table::new(lang, &[("customer", "客户"), ("avg days late", "平均逾期天数"), ("overdue", "已逾期")]);
    t.headers.extend(f.week_starts.iter().map(|d| format!("{} {}", lang.pick("wk", "周"), d.format("%m-%d"))));
    t.headers.push(lang.pick("later", "以后").to_string());
    for c in &f.customers {
        let mut r = vec![Cell::text(&c.code), Cell::text(c.avg_days_late.to_string()), Cell::Money(c.overdue)];
        r.extend(c.weeks.iter().map(|m| Cell::Money(*m)));
        r.push(Cell::Money(c.later));
        t.push(r);
    }
    let mut r = vec![Cell::text(lang.pick("TOTAL", "合计")), Cell::Empty, Cell::Money(f.overdue)];
    r.extend(f.weeks.iter().map(|m| Cell::Money(*m)));
    r.push(Cell::Money(f.later));
    t.push(r);
    t.write(out, format)?;
    if format == Format::Table {
        writeln!(
            out,
            "{}",
            lang.pick(
                "expected date = due date + the customer's average days late; open promises on their dates",
                "预计回款日 = 到期日 + 该客户历史平均逾期天数；承诺付款按承诺日期计"
            )
        )?;
    }
    Ok(())
}
