//! `huikuan report provision`.

use std::io::Write;

use rust_decimal::Decimal;
use serde::Serialize;

use crate::context::Ctx;
use crate::error::Result;
use crate::ledger::Money;
use crate::ledger::aging::{AgingRule, Basis, Buckets, INVOICE_AGE_LABELS, INVOICE_AGE_LABELS_ZH};
use crate::ledger::metrics::{DEFAULT_PROVISION_RATES, parse_provision_rates, provision};
use crate::output::{Format, Lang};
use crate::render::{Cell, Table, write_json};
use crate::{reports, store};

/// The bad-debt provision (坏账准备): invoice-date aging × the book's rates.
///
/// Rates in percent for ≤1y, 1–2y, 2–3y, 3–4y, 4–5y, >5y, default
/// 5,10,30,50,80,100 (`config set provision_rates 5,10,30,50,80,100`).
/// Each customer's bucket is rounded to the cent, so customers add up to
/// the total. Example:
///   huikuan report provision --as-of 2026-10-31
#[derive(Debug, clap::Args)]
pub struct Args {}

#[derive(Serialize)]
struct BucketJson {
    label: &'static str,
    balance: Money,
    rate: String,
    provision: Money,
}

#[derive(Serialize)]
struct CustomerJson {
    code: String,
    name: String,
    balance: Money,
    provision: Money,
}

#[derive(Serialize)]
struct ProvisionJson {
    as_of: chrono::NaiveDate,
    buckets: Vec<BucketJson>,
    balance: Money,
    provision: Money,
    customers: Vec<CustomerJson>,
}

pub fn rates(conn: &rusqlite::Connection) -> Result<[Decimal; 6]> {
    Ok(match store::setting(conn, "provision_rates")? {
        Some(t) => parse_provision_rates(&t)?,
        None => DEFAULT_PROVISION_RATES.map(Decimal::from),
    })
}

/// The provision schedule (by age) and customer lines as of a date.
fn compute(conn: &rusqlite::Connection, as_of: chrono::NaiveDate) -> Result<ProvisionJson> {
    let rates = rates(conn)?;
    let rule = AgingRule { basis: Basis::Invoice, buckets: Buckets::default() };
    let r = reports::aging_report(conn, &rule, as_of, None)?;
    let mut buckets: Vec<BucketJson> = INVOICE_AGE_LABELS
        .iter()
        .zip(rates)
        .map(|(label, rate)| BucketJson {
            label,
            balance: Money::ZERO,
            rate: rate.normalize().to_string(),
            provision: Money::ZERO,
        })
        .collect();
    let mut customers = Vec::new();
    for l in &r.lines {
        let mut p = Money::ZERO;
        for (i, cell) in l.cells.iter().enumerate() {
            let x = provision(*cell, rates[i]);
            buckets[i].balance += *cell;
            buckets[i].provision += x;
            p += x;
        }
        if !l.total.is_zero() {
            customers.push(CustomerJson { code: l.code.clone(), name: l.name.clone(), balance: l.total, provision: p });
        }
    }
    customers.sort_by(|a, b| b.provision.cmp(&a.provision).then_with(|| a.code.cmp(&b.code)));
    Ok(ProvisionJson {
        as_of,
        balance: buckets.iter().map(|b| b.balance).sum(),
        provision: buckets.iter().map(|b| b.provision).sum(),
        buckets,
        customers,
    })
}

/// The schedule by age: (label, balance, rate %, provision), labels in the user's language.
pub fn schedule(
    conn: &rusqlite::Connection,
    as_of: chrono::NaiveDate,
    lang: Lang,
) -> Result<Vec<(String, Money, String, Money)>> {
    Ok(compute(conn, as_of)?
        .buckets
        .into_iter()
        .enumerate()
        .map(|(i, b)| {
            let label = if lang == Lang::Zh { INVOICE_AGE_LABELS_ZH[i] } else { b.label };
            (label.to_string(), b.balance, b.rate, b.provision)
        })
        .collect())
}

pub fn run(ctx: &mut Ctx, _a: Args) -> Result<()> {
    let mut book = ctx.open_book()?;
    let tx = book.read()?;
    let out = compute(&tx, ctx.as_of)?;
    if ctx.format == Format::Json {
        return write_json(&mut ctx.out, &out);
    }
    let lang = ctx.lang;
    let mut t =
        Table::new(lang, &[("age", "账龄"), ("balance", "余额"), ("rate %", "计提比例 %"), ("provision", "坏账准备")]);
    for (i, b) in out.buckets.iter().enumerate() {
        let label = if lang == Lang::Zh { INVOICE_AGE_LABELS_ZH[i] } else { b.label };
        t.push(vec![Cell::text(label), Cell::Money(b.balance), Cell::text(&b.rate), Cell::Money(b.provision)]);
    }
    t.push(vec![
        Cell::text(lang.pick("TOTAL", "合计")),
        Cell::Money(out.balance),
        Cell::Empty,
        Cell::Money(out.provision),
    ]);
    if ctx.format == Format::Table {
        writeln!(
            ctx.out,
            "{}",
            ctx.t(&format!("Bad-debt provision as of {}", ctx.as_of), &format!("坏账准备 截至 {}", ctx.as_of))
        )?;
    }
    t.write(&mut ctx.out, ctx.format)?;
    if ctx.format == Format::Table {
        writeln!(ctx.out)?;
        let mut c =
            Table::new(lang, &[("code", "代码"), ("customer", "客户"), ("balance", "余额"), ("provision", "坏账准备")]);
        for x in &out.customers {
            c.push(vec![Cell::text(&x.code), Cell::text(&x.name), Cell::Money(x.balance), Cell::Money(x.provision)]);
        }
        c.write_table(&mut ctx.out)?;
        writeln!(
            ctx.out,
            "{}",
            ctx.t(
                "provision = Σ balance by invoice-date age × rate, rounded per customer and bucket",
                "坏账准备 = Σ 各账龄余额 × 计提比例，按客户和账龄段分别四舍五入"
            )
        )?;
    }
    Ok(())
}
