//! `huikuan report aging`.

use std::io::Write;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::context::Ctx;
use crate::error::{Error, Result};
use crate::ledger::Money;
use crate::ledger::aging::{AgingReport, AgingRule, Basis, Buckets, INVOICE_AGE_LABELS_ZH, TieOut};
use crate::output::{Format, Lang};
use crate::render::{Cell, Table, write_json};
use crate::reports;
use crate::store::customers;

/// The aging report: open balances by customer and by how late, as of a date.
///
/// By days past due (default edges 30, 60, 90) or by invoice date (账龄:
/// ≤1y … >5y, for provisioning). Only invoices issued, and payments and
/// write-offs dated, on or before --as-of count. Ends with the tie-out:
/// buckets = outstanding = invoiced − collected − written off. Examples:
///   huikuan report aging --as-of 2026-10-31
///   huikuan report aging --buckets 30,60,90,180 --format csv > aging.csv
///   huikuan report aging --by invoice --lang zh
///   huikuan report aging --detail --customer HW
#[derive(Debug, Default, clap::Args)]
pub struct Args {
    /// Age by due date (collection) or by invoice date (provisioning)
    #[arg(long, value_enum, default_value = "due")]
    pub by: ByArg,
    /// Bucket edges in days past due, e.g. 30,60,90,180
    #[arg(long, value_name = "DAYS,…")]
    pub buckets: Option<String>,
    /// One line per open installment, with days past due and interest
    #[arg(long)]
    pub detail: bool,
    /// Only this customer
    #[arg(long, value_name = "CODE")]
    pub customer: Option<String>,
}

#[derive(Clone, Copy, Debug, Default, clap::ValueEnum)]
pub enum ByArg {
    #[default]
    Due,
    Invoice,
}

pub fn run(ctx: &mut Ctx, a: Args) -> Result<()> {
    let basis = match a.by {
        ByArg::Due => Basis::Due,
        ByArg::Invoice => Basis::Invoice,
    };
    if a.buckets.is_some() && basis == Basis::Invoice {
        return Err(Error::usage(
            "--buckets applies to --by due only (aging by invoice date has fixed yearly buckets)",
            "--buckets 仅适用于 --by due（按开票日账龄的分段固定为年）",
        ));
    }
    let buckets = match &a.buckets {
        Some(b) => {
            Buckets::parse(b).map_err(|e| Error::user(format!("--buckets: {e}"), format!("--buckets：{}", e.zh())))?
        }
        None => Buckets::default(),
    };
    let rule = AgingRule { basis, buckets };
    let mut book = ctx.open_book()?;
    let tx = book.read()?;
    let only = a.customer.as_deref().map(|c| customers::require_id(&tx, c)).transpose()?;
    // A closed month-end is reprinted from the aging stored at close.
    let stored = if basis == Basis::Due && a.buckets.is_none() && only.is_none() && !a.detail {
        crate::commands::close::snapshot(&tx, ctx.as_of)?.and_then(|j| from_snapshot(&j))
    } else {
        None
    };
    let report = match stored {
        Some(r) => r,
        None => reports::aging_report(&tx, &rule, ctx.as_of, only)?,
    };
    if a.detail {
        return write_detail(ctx, &tx, &rule, &report, only);
    }
    match ctx.format {
        Format::Json => write_json(&mut ctx.out, &to_json(&report)),
        Format::Csv => {
            summary_table(ctx.lang, &report).write_csv(&mut ctx.out)?;
            // The tie-out is talk, not data: stderr keeps the CSV clean.
            let line = tie_out_line(ctx.lang, &report.tie);
            ctx.note(&line, &line);
            Ok(())
        }
        Format::Table => {
            let title = match ctx.lang {
                Lang::En => format!("Aging by {} date as of {}", basis.as_str(), report.as_of),
                Lang::Zh => format!(
                    "应收账款账龄（按{}）截至 {}",
                    if basis == Basis::Due { "到期日" } else { "开票日" },
                    report.as_of
                ),
            };
            writeln!(ctx.out, "{title}")?;
            summary_table(ctx.lang, &report).write_table(&mut ctx.out)?;
            writeln!(ctx.out, "{}", tie_out_line(ctx.lang, &report.tie))?;
            Ok(())
        }
        Format::Html if !a.detail && a.customer.is_none() && a.buckets.is_none() && basis == Basis::Due => {
            let page = super::pack::html(ctx, &tx, ctx.as_of)?;
            ctx.out.write_all(page.as_bytes())?;
            Ok(())
        }
        other => Err(crate::render::not_a_list_format(other)),
    }
}

/// Bucket headers in the user's language.
pub fn bucket_headers(lang: Lang, report: &AgingReport) -> Vec<String> {
    match (lang, report.basis) {
        (Lang::En, _) => report.labels.clone(),
        (Lang::Zh, Basis::Invoice) => INVOICE_AGE_LABELS_ZH.iter().map(|s| s.to_string()).collect(),
        (Lang::Zh, Basis::Due) => report
            .labels
            .iter()
            .map(|l| {
                if l == "current" {
                    "未到期".to_string()
                } else if let Some(n) = l.strip_suffix('+') {
                    format!("{n}天以上")
                } else {
                    format!("{l}天")
                }
            })
            .collect(),
    }
}

fn summary_table(lang: Lang, r: &AgingReport) -> Table {
    let mut t = Table::new(lang, &[("code", "代码"), ("customer", "客户")]);
    t.headers.extend(bucket_headers(lang, r));
    t.headers.push(lang.pick("total", "合计").to_string());
    t.headers.push(lang.pick("unapplied credit", "未核销预收").to_string());
    for l in &r.lines {
        let mut row = vec![Cell::text(&l.code), Cell::text(&l.name)];
        row.extend(l.cells.iter().map(|m| Cell::Money(*m)));
        row.push(Cell::Money(l.total));
        row.push(Cell::Money(l.unapplied));
        t.push(row);
    }
    let mut total = vec![Cell::text(lang.pick("TOTAL", "合计")), Cell::Empty];
    total.extend(r.totals.iter().map(|m| Cell::Money(*m)));
    total.push(Cell::Money(r.total));
    total.push(Cell::Money(r.unapplied));
    t.push(total);
    t
}

/// `buckets 1,234.00 = outstanding 1,234.00 = invoiced … − collected … − written off … ✓`
pub fn tie_out_line(lang: Lang, t: &TieOut) -> String {
    let mark = if t.balanced() {
        "✓"
    } else {
        lang.pick("✗ DOES NOT TIE OUT (run huikuan check)", "✗ 不平（请运行 huikuan check）")
    };
    match lang {
        Lang::En => format!(
            "tie-out: buckets {} = outstanding {} = invoiced {} − collected {} − written off {} {mark}",
            t.buckets,
            t.outstanding(),
            t.invoiced,
            t.collected,
            t.written_off
        ),
        Lang::Zh => format!(
            "核对：各账龄合计 {} = 应收余额 {} = 开票 {} − 回款 {} − 核销坏账 {} {mark}",
            t.buckets,
            t.outstanding(),
            t.invoiced,
            t.collected,
            t.written_off
        ),
    }
}

/// Rebuild a report from its JSON (the snapshot stored at close).
fn from_snapshot(json: &str) -> Option<AgingReport> {
    let v: Value = serde_json::from_str(json).ok()?;
    let m = |x: &Value| Money::parse(x.as_str()?).ok();
    let labels: Vec<String> =
        v["buckets"].as_array()?.iter().map(|l| l.as_str().map(String::from)).collect::<Option<_>>()?;
    let cells = |t: &Value| labels.iter().map(|l| m(&t[l])).collect::<Option<Vec<Money>>>();
    let lines = v["customers"]
        .as_array()?
        .iter()
        .map(|c| {
            Some(crate::ledger::aging::AgingLine {
                code: c["code"].as_str()?.to_string(),
                name: c["name"].as_str()?.to_string(),
                cells: cells(&c["totals"])?,
                total: m(&c["total"])?,
                unapplied: m(&c["unapplied"])?,
            })
        })
        .collect::<Option<Vec<_>>>()?;
    let t = &v["tie_out"];
    Some(AgingReport {
        as_of: chrono::NaiveDate::parse_from_str(v["as_of"].as_str()?, "%Y-%m-%d").ok()?,
        basis: Basis::Due,
        totals: cells(&v["totals"])?,
        labels,
        lines,
        total: m(&v["total"])?,
        unapplied: m(&v["unapplied"])?,
        tie: TieOut {
            buckets: m(&t["buckets"])?,
            invoiced: m(&t["invoiced"])?,
            collected: m(&t["collected"])?,
            written_off: m(&t["written_off"])?,
        },
    })
}

fn labelled(labels: &[String], cells: &[Money]) -> Map<String, Value> {
    labels.iter().zip(cells).map(|(l, m)| (l.clone(), Value::String(m.plain()))).collect()
}

#[derive(Serialize)]
struct TieJson {
    buckets: Money,
    outstanding: Money,
    invoiced: Money,
    collected: Money,
    written_off: Money,
    balanced: bool,
}

#[derive(Serialize)]
struct CustomerJson {
    code: String,
    name: String,
    totals: Map<String, Value>,
    total: Money,
    unapplied: Money,
}

#[derive(Serialize)]
pub struct AgingJson {
    as_of: chrono::NaiveDate,
    by: &'static str,
    buckets: Vec<String>,
    totals: Map<String, Value>,
    total: Money,
    unapplied: Money,
    customers: Vec<CustomerJson>,
    tie_out: TieJson,
}

pub fn to_json(r: &AgingReport) -> AgingJson {
    AgingJson {
        as_of: r.as_of,
        by: r.basis.as_str(),
        buckets: r.labels.clone(),
        totals: labelled(&r.labels, &r.totals),
        total: r.total,
        unapplied: r.unapplied,
        customers: r
            .lines
            .iter()
            .map(|l| CustomerJson {
                code: l.code.clone(),
                name: l.name.clone(),
                totals: labelled(&r.labels, &l.cells),
                total: l.total,
                unapplied: l.unapplied,
            })
            .collect(),
        tie_out: TieJson {
            buckets: r.tie.buckets,
            outstanding: r.tie.outstanding(),
            invoiced: r.tie.invoiced,
            collected: r.tie.collected,
            written_off: r.tie.written_off,
            balanced: r.tie.balanced(),
        },
    }
}

#[derive(Serialize)]
struct DetailJson {
    invoice: String,
    customer: String,
    issue_date: chrono::NaiveDate,
    due_date: chrono::NaiveDate,
    days_past_due: i64,
    bucket: String,
    balance: Money,
    interest: Money,
}

/// One line per open installment, in customer and due-date order.
fn write_detail(
    ctx: &mut Ctx,
    conn: &rusqlite::Connection,
    rule: &AgingRule,
    report: &AgingReport,
    only: Option<i64>,
) -> Result<()> {
    let lang = ctx.lang;
    let as_of = report.as_of;
    let mut t = Table::new(
        lang,
        &[
            ("invoice", "发票"),
            ("customer", "客户"),
            ("issued", "开票日"),
            ("due", "到期日"),
            ("days past due", "逾期天数"),
            ("bucket", "账龄"),
            ("balance", "余额"),
            ("interest", "违约金"),
        ],
    );
    let headers = bucket_headers(lang, report);
    let mut json = Vec::new();
    reports::detail(conn, as_of, only, |d| {
        let b = rule.index(d.item.due_date, d.item.issue_date, as_of);
        let interest = d.interest_due();
        if ctx.format == Format::Json {
            json.push(DetailJson {
                invoice: d.item.invoice.clone(),
                customer: d.item.customer.clone(),
                issue_date: d.item.issue_date,
                due_date: d.item.due_date,
                days_past_due: d.days_past_due.max(0),
                bucket: report.labels[b].clone(),
                balance: d.balance,
                interest,
            });
        } else {
            t.push(vec![
                Cell::text(&d.item.invoice),
                Cell::text(&d.item.customer),
                Cell::Date(d.item.issue_date),
                Cell::Date(d.item.due_date),
                Cell::Int(d.days_past_due.max(0)),
                Cell::text(&headers[b]),
                Cell::Money(d.balance),
                Cell::Money(interest),
            ]);
        }
        Ok(())
    })?;
    if ctx.format == Format::Json {
        return write_json(&mut ctx.out, &json);
    }
    t.write(&mut ctx.out, ctx.format)?;
    let line = tie_out_line(lang, &report.tie);
    if ctx.format == Format::Table {
        writeln!(ctx.out, "{line}")?;
    } else {
        ctx.note(&line, &line);
    }
    Ok(())
}
