//! `huikuan report collection`.

use std::collections::HashMap;
use std::io::Write;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::context::Ctx;
use crate::error::{Error, Result};
use crate::ledger::Money;
use crate::ledger::aging::{AgingRule, Basis, Buckets};
use crate::ledger::date::{month_end, parse_month};
use crate::ledger::metrics::PeriodFigures;
use crate::output::Format;
use crate::render::{Cell, Table, write_json};
use crate::store::aging;

/// Collection metrics for a period: invoiced, collected, what fell due,
/// 回款率, DSO and CEI, per customer and in total.
///
///   回款率 = collected on what fell due in the period ÷ what fell due × 100
///   DSO    = ending AR ÷ credit sales × days in the period
///   CEI    = (beginning AR + credit sales − ending AR)
///            ÷ (beginning AR + credit sales − ending current AR) × 100
/// Examples:
///   huikuan report collection --period 2026-10
///   huikuan report collection --from 2026-07-01 --to 2026-09-30 --format csv
#[derive(Debug, clap::Args)]
pub struct Args {
    /// A month, e.g. 2026-10
    #[arg(long, value_name = "YYYY-MM", conflicts_with_all = ["from", "to"])]
    pub period: Option<String>,
    /// First day of the period
    #[arg(long, value_name = "DATE", requires = "to")]
    pub from: Option<String>,
    /// Last day of the period
    #[arg(long, value_name = "DATE", requires = "from")]
    pub to: Option<String>,
}

#[derive(Serialize)]
struct Line {
    code: String,
    name: String,
    beginning_ar: Money,
    invoiced: Money,
    collected: Money,
    fell_due: Money,
    collected_on_due: Money,
    ending_ar: Money,
    ending_current: Money,
    collection_rate: Option<String>,
    dso: Option<String>,
    cei: Option<String>,
}

#[derive(Serialize)]
struct CollectionJson {
    from: NaiveDate,
    to: NaiveDate,
    days: i64,
    total: Line,
    customers: Vec<Line>,
}

fn line(code: String, name: String, f: &PeriodFigures) -> Line {
    let s = |d: Option<Decimal>| d.map(|d| format!("{d:.1}"));
    Line {
        code,
        name,
        beginning_ar: f.beginning_ar,
        invoiced: f.credit_sales,
        collected: f.collected,
        fell_due: f.fell_due,
        collected_on_due: f.collected_on_due,
        ending_ar: f.ending_ar,
        ending_current: f.ending_current,
        collection_rate: s(f.collection_rate()),
        dso: s(f.dso()),
        cei: s(f.cei()),
    }
}

/// A customer's code, name and figures for the period.
pub type CustomerFigures = (String, String, PeriodFigures);

/// The figures of the period per customer (those with any) and in total.
pub fn figures(
    conn: &rusqlite::Connection,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<(Vec<CustomerFigures>, PeriodFigures)> {
    let days = (to - from).num_days() + 1;
    let rule = AgingRule { basis: Basis::Due, buckets: Buckets::default() };
    let begin = aging::aging(conn, &rule, from.pred_opt().unwrap_or(from), None)?;
    let end = aging::aging(conn, &rule, to, None)?;
    let sums = aging::period_sums(conn, from, to)?;
    let get = |m: &HashMap<i64, Money>, id: i64| m.get(&id).copied().unwrap_or_default();
    let mut total = PeriodFigures { days, ..PeriodFigures::default() };
    let mut lines = Vec::new();
    for (i, c) in end.customers.iter().enumerate() {
        let f = PeriodFigures {
            beginning_ar: begin.grid.row_total(i),
            ending_ar: end.grid.row_total(i),
            ending_current: end.grid.cells[i][0],
            credit_sales: get(&sums.sales, c.id),
            collected: get(&sums.collected, c.id),
            fell_due: get(&sums.fell_due, c.id),
            collected_on_due: get(&sums.collected_on_due, c.id),
            days,
        };
        total.add(&f);
        if f != (PeriodFigures { days, ..PeriodFigures::default() }) {
            lines.push((c.code.clone(), c.name.clone(), f));
        }
    }
    Ok((lines, total))
}

pub fn run(ctx: &mut Ctx, a: Args) -> Result<()> {
    let (from, to) = match (&a.period, &a.from, &a.to) {
        (Some(p), _, _) => {
            let first = parse_month(p)?;
            (first, month_end(first))
        }
        (None, Some(f), Some(t)) => (ctx.date("--from", f)?, ctx.date("--to", t)?),
        _ => {
            let first = parse_month(&ctx.as_of.format("%Y-%m").to_string())?;
            (first, month_end(first))
        }
    };
    if to < from {
        return Err(Error::user(format!("--to {to} is before --from {from}"), format!("--to {to} 早于 --from {from}")));
    }
    let days = (to - from).num_days() + 1;
    let mut book = ctx.open_book()?;
    let tx = book.read()?;
    let (per_customer, total) = figures(&tx, from, to)?;
    let lines: Vec<Line> = per_customer.into_iter().map(|(code, name, f)| line(code, name, &f)).collect();
    let out = CollectionJson { from, to, days, total: line("TOTAL".into(), String::new(), &total), customers: lines };
    if ctx.format == Format::Json {
        return write_json(&mut ctx.out, &out);
    }
    let lang = ctx.lang;
    let mut t = Table::new(
        lang,
        &[
            ("code", "代码"),
            ("customer", "客户"),
            ("beginning AR", "期初应收"),
            ("invoiced", "本期开票"),
            ("collected", "本期回款"),
            ("fell due", "本期到期"),
            ("collected on due", "到期已收"),
            ("ending AR", "期末应收"),
            ("回款率 %", "回款率 %"),
            ("DSO", "DSO（天）"),
            ("CEI %", "CEI %"),
        ],
    );
    let dash = |s: &Option<String>| Cell::text(s.clone().unwrap_or_else(|| "—".into()));
    for l in out.customers.iter().chain(std::iter::once(&out.total)) {
        t.push(vec![
            Cell::text(if l.code == "TOTAL" { lang.pick("TOTAL", "合计") } else { &l.code }),
            Cell::text(&l.name),
            Cell::Money(l.beginning_ar),
            Cell::Money(l.invoiced),
            Cell::Money(l.collected),
            Cell::Money(l.fell_due),
            Cell::Money(l.collected_on_due),
            Cell::Money(l.ending_ar),
            dash(&l.collection_rate),
            dash(&l.dso),
            dash(&l.cei),
        ]);
    }
    if ctx.format == Format::Table {
        writeln!(
            ctx.out,
            "{}",
            ctx.t(
                &format!("Collection {from} to {to} ({days} days)"),
                &format!("回款统计 {from} 至 {to}（{days} 天）")
            )
        )?;
    }
    t.write(&mut ctx.out, ctx.format)?;
    if ctx.format == Format::Table {
        for f in [
            lang.pick("回款率 = collected on what fell due ÷ what fell due × 100", "回款率 = 到期已收 ÷ 本期到期 × 100"),
            lang.pick("DSO = ending AR ÷ credit sales × days", "DSO = 期末应收 ÷ 本期赊销 × 天数"),
            lang.pick(
                "CEI = (beginning AR + credit sales − ending AR) ÷ (beginning AR + credit sales − ending current AR) × 100",
                "CEI = (期初应收 + 本期赊销 − 期末应收) ÷ (期初应收 + 本期赊销 − 期末未到期应收) × 100",
            ),
        ] {
            writeln!(ctx.out, "{f}")?;
        }
    }
    Ok(())
}
