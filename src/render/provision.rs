//! The bad-debt provision as a table, CSV or JSON.

use std::io::Write;

use serde::Serialize;

use super::{Cell, Table, write_json};
use crate::error::Result;
use crate::ledger::Money;
use crate::output::{Format, Lang};
use crate::reports::provision::{Provision, ProvisionBucket};

#[derive(Serialize)]
struct BucketJson<'a> {
    label: &'a str,
    balance: Money,
    rate: String,
    provision: Money,
}

#[derive(Serialize)]
struct CustomerJson<'a> {
    code: &'a str,
    name: &'a str,
    balance: Money,
    provision: Money,
}

#[derive(Serialize)]
struct ProvisionJson<'a> {
    as_of: chrono::NaiveDate,
    buckets: Vec<BucketJson<'a>>,
    balance: Money,
    provision: Money,
    customers: Vec<CustomerJson<'a>>,
}

/// A rate in percent as the book shows it: `5`, `12.5`.
fn rate(b: &ProvisionBucket) -> String {
    b.rate.normalize().to_string()
}

fn label(b: &ProvisionBucket, lang: Lang) -> &'static str {
    if lang == Lang::Zh { b.label_zh } else { b.label }
}

/// One row of the schedule by age, as the month-end pack prints it.
pub struct ScheduleRow {
    /// The age, in the reader's language.
    pub label: &'static str,
    pub balance: Money,
    /// The rate in percent, as configured (`30`, `12.5`).
    pub rate: String,
    pub provision: Money,
}

/// The schedule by age, labels in the user's language: the rows of the
/// month-end pack.
pub fn schedule(p: &Provision, lang: Lang) -> Vec<ScheduleRow> {
    p.buckets
        .iter()
        .map(|b| ScheduleRow { label: label(b, lang), balance: b.balance, rate: rate(b), provision: b.provision })
        .collect()
}

/// Write the provision: the schedule by age (table, CSV or JSON), and in a
/// table also the customer lines and the formula.
pub fn write(out: &mut dyn Write, p: &Provision, lang: Lang, format: Format) -> Result<()> {
    if format == Format::Json {
        let json = ProvisionJson {
            as_of: p.as_of,
            buckets: p
                .buckets
                .iter()
                .map(|b| BucketJson { label: b.label, balance: b.balance, rate: rate(b), provision: b.provision })
                .collect(),
            balance: p.balance,
            provision: p.provision,
            customers: p
                .customers
                .iter()
                .map(|c| CustomerJson { code: &c.code, name: &c.name, balance: c.balance, provision: c.provision })
                .collect(),
        };
        return write_json(out, &json);
    }
    let mut t =
        Table::new(lang, &[("age", "账龄"), ("balance", "余额"), ("rate %", "计提比例 %"), ("provision", "坏账准备")]);
    for b in &p.buckets {
        t.push(vec![Cell::text(label(b, lang)), Cell::Money(b.balance), Cell::text(rate(b)), Cell::Money(b.provision)]);
    }
    t.push(vec![Cell::text(lang.pick("TOTAL", "合计")), Cell::Money(p.balance), Cell::Empty, Cell::Money(p.provision)]);
    if format == Format::Table {
        let title = match lang {
            Lang::En => format!("Bad-debt provision as of {}", p.as_of),
            Lang::Zh => format!("坏账准备 截至 {}", p.as_of),
        };
        writeln!(out, "{title}")?;
    }
    t.write(out, format)?;
    if format == Format::Table {
        writeln!(out)?;
        let mut c =
            Table::new(lang, &[("code", "代码"), ("customer", "客户"), ("balance", "余额"), ("provision", "坏账准备")]);
        for x in &p.customers {
            c.push(vec![Cell::text(&x.code), Cell::text(&x.name), Cell::Money(x.balance), Cell::Money(x.provision)]);
        }
        c.write_table(out)?;
        writeln!(
            out,
            "{}",
            lang.pick(
                "provision = Σ balance by invoice-date age × rate, rounded per customer and bucket",
                "坏账准备 = Σ 各账龄余额 × 计提比例，按客户和账龄段分别四舍五入"
            )
        )?;
    }
    Ok(())
}
