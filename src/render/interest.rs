//! Late interest: the report (table, CSV, JSON) and the interest invoices posted.

use std::io::Write;

use rust_decimal::Decimal;
use serde::Serialize;

use super::{Cell, Table, write_json, write_rows};
use crate::error::Result;
use crate::ledger::Money;
use crate::ledger::interest::InterestTerms;
use crate::output::{Format, Lang};
use crate::reports::interest::{Charge, Interest};
use crate::store::spill::{PartLine, PartSpill};
use chrono::NaiveDate;

#[derive(Serialize)]
struct InvoiceJson<'a> {
    number: &'a str,
    /// Owed, as before `accrued`, `posted` and `waived` were added.
    interest: Money,
    accrued: Money,
    posted: Money,
    waived: Money,
    owed: Money,
}

#[derive(Serialize)]
struct CustomerJson<'a> {
    code: &'a str,
    rate_per_day: String,
    total: Money,
    invoices: Invoices<'a>,
}

/// A customer's invoices, each turned into its JSON as it is written: a
/// large book has hundreds of thousands, never copied whole.
struct Invoices<'a>(&'a [crate::reports::interest::InvoiceInterest]);

impl Serialize for Invoices<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(|v| InvoiceJson {
            number: &v.number,
            interest: v.interest,
            accrued: v.accrued,
            posted: v.posted,
            waived: v.waived,
            owed: v.interest,
        }))
    }
}

#[derive(Serialize)]
struct InterestJson<'a> {
    as_of: chrono::NaiveDate,
    rate_per_day: String,
    grace_days: i64,
    total: Money,
    customers: Vec<CustomerJson<'a>>,
}

/// A rate as a percentage per day: 0.0005 → "0.05%".
pub fn percent(rate: Decimal) -> String {
    format!("{}%", (rate * Decimal::ONE_HUNDRED).normalize())
}

/// Write the interest report, per customer and invoice. The formula
/// follows the table; with another format it is returned for the caller to
/// show as a notice.
pub fn write(out: &mut dyn Write, r: &Interest, lang: Lang, format: Format) -> Result<Option<String>> {
    if format == Format::Json {
        let json = InterestJson {
            as_of: r.as_of,
            rate_per_day: r.terms.rates.at(r.as_of).normalize().to_string(),
            grace_days: r.terms.grace_days,
            total: r.total,
            customers: r
                .customers
                .iter()
                .map(|c| CustomerJson {
                    code: &c.code,
                    rate_per_day: c.rate_per_day.normalize().to_string(),
                    total: c.total,
                    invoices: Invoices(&c.invoices),
                })
                .collect(),
        };
        write_json(out, &json)?;
        return Ok(None);
    }
    // A line per invoice: on a large book hundreds of thousands, drawn as
    // they are made rather than held as text.
    let rows = |emit: &mut dyn FnMut(Vec<Cell>) -> Result<()>| -> Result<()> {
        for c in &r.customers {
            for v in &c.invoices {
                emit(vec![Cell::text(&c.code), Cell::text(&v.number), Cell::Money(v.interest)])?;
            }
        }
        emit(vec![Cell::text(lang.pick("TOTAL", "合计")), Cell::Empty, Cell::Money(r.total)])
    };
    write_rows(out, format, lang, &[("customer", "客户"), ("invoice", "发票"), ("interest", "违约金")], &rows)?;
    formula(out, &r.terms, r.as_of, lang, format)
}

/// Write the detail: each charged part of each installment with its days,
/// rate and amount, read back from where the report put them aside; then
/// the formula, as [`write`] does.
pub fn write_detail(
    out: &mut dyn Write,
    parts: &PartSpill,
    terms: &InterestTerms,
    as_of: NaiveDate,
    lang: Lang,
    format: Format,
) -> Result<Option<String>> {
    write_rows(out, format, lang, DETAIL_HEADERS, &|emit| parts.for_each(|p| emit(part_row(p))))?;
    formula(out, terms, as_of, lang, format)
}

/// The formula under a table, or returned for a notice under another format.
fn formula(
    out: &mut dyn Write,
    terms: &InterestTerms,
    as_of: NaiveDate,
    lang: Lang,
    format: Format,
) -> Result<Option<String>> {
    let grace = terms.grace_days;
    let rate = percent(terms.rates.at(as_of));
    let formula = match lang {
        Lang::En => format!(
            "interest = Σ part × {rate} per day × (days late − {grace} grace), rounded once per installment; as of {as_of}"
        ),
        Lang::Zh => {
            format!(
                "违约金 = Σ 逾期金额 × 日利率 {rate} × （逾期天数 − 宽限 {grace} 天），每期四舍五入一次；截至 {as_of}"
            )
        }
    };
    if format == Format::Table {
        writeln!(out, "{formula}")?;
        return Ok(None);
    }
    Ok(Some(formula))
}

const DETAIL_HEADERS: &[(&str, &str)] = &[
    ("customer", "客户"),
    ("invoice", "发票"),
    ("due", "到期日"),
    ("part", "金额"),
    ("until", "计至"),
    ("days", "天数"),
    ("rate/day", "日利率"),
    ("exact", "精确值"),
    ("accrued", "累计违约金"),
    ("posted", "已入账"),
    ("waived", "已减免"),
    ("interest due", "未入账违约金"),
];

/// One part's row; the accrued, posted, waived and owed amounts on the
/// installment's last part.
fn part_row(p: PartLine) -> Vec<Cell> {
    let total = |k: usize| p.totals.map_or(Cell::Empty, |t| Cell::Money(t[k]));
    vec![
        Cell::Text(p.customer),
        Cell::Text(p.invoice),
        Cell::Date(p.due_date),
        Cell::Money(p.amount),
        Cell::Date(p.until),
        Cell::Int(p.days),
        Cell::text(percent(p.rate_per_day)),
        Cell::text(p.exact.normalize().to_string()),
        total(0),
        total(1),
        total(2),
        total(3),
    ]
}

#[derive(Serialize)]
struct Posted<'a> {
    customer: &'a str,
    invoice: &'a str,
    amount: Money,
}

/// Write the interest invoices posted.
pub fn write_charges(out: &mut dyn Write, posted: &[Charge], lang: Lang, format: Format) -> Result<()> {
    let rows: Vec<Posted> =
        posted.iter().map(|c| Posted { customer: &c.code, invoice: &c.number, amount: c.amount }).collect();
    if format == Format::Json {
        return write_json(out, &rows);
    }
    let mut t = Table::new(lang, &[("customer", "客户"), ("invoice", "发票"), ("interest", "违约金")]);
    for p in rows {
        t.push(vec![Cell::text(p.customer), Cell::text(p.invoice), Cell::Money(p.amount)]);
    }
    t.write(out, format)
}
