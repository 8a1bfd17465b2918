//! The aging report as a table or CSV, its detail, and the words shared by
//! every report that shows buckets: the bucket headers and the tie-out line.
//! (Its JSON is `reports::aging::to_json`, the shape `close` stores.)

use std::io::Write;

use serde::Serialize;

use super::{Cell, JsonSeq, Table};
use crate::error::Result;
use crate::ledger::Money;
use crate::ledger::aging::{AgingReport, Basis, INVOICE_AGE_LABELS_ZH, TieOut};
use crate::output::{Format, Lang};
use crate::reports::aging::{AgingDetailLine, SalespersonGroup};

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

/// `buckets 1,234.00 = outstanding 1,234.00 = invoiced … − collected … − written off … ✓`
pub fn tie_out_line(lang: Lang, t: &TieOut) -> String {
    let mark = if t.balanced() {
        "✓"
    } else {
        lang.pick("✗ DOES NOT TIE OUT (run huikuan check)", "✗ 不平（请运行 huikuan check）")
    };
    // A report stored at a close made before discounts existed is
    // reprinted as it was printed, without the term.
    let discounts = |label: &str| t.discounts.map(|d| format!(" − {label} {d}")).unwrap_or_default();
    match lang {
        Lang::En => format!(
            "tie-out: buckets {} = outstanding {} = invoiced {} − collected {}{} − written off {} {mark}",
            t.buckets,
            t.outstanding(),
            t.invoiced,
            t.collected,
            discounts("discounts"),
            t.written_off
        ),
        Lang::Zh => format!(
            "核对：各账龄合计 {} = 应收余额 {} = 开票 {} − 回款 {}{} − 核销坏账 {} {mark}",
            t.buckets,
            t.outstanding(),
            t.invoiced,
            t.collected,
            discounts("现金折扣"),
            t.written_off
        ),
    }
}

/// One row per customer and a total row: buckets, total, unapplied credit.
pub fn summary_table(lang: Lang, r: &AgingReport) -> Table {
    let mut t = Table::new(lang, &[("code", "代码"), ("customer", "客户")]);
    t.headers.extend(bucket_headers(lang, r));
    t.headers.push(lang.pick("total", "合计").to_string());
    t.headers.push(lang.pick("unapplied credit", "未核销预收").to_string());
    if r.basis == Basis::Due {
        // The buckets past "current" (columns 2.. are the buckets).
        t.overdue_columns(3..2 + r.labels.len());
    }
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

/// The report with its customers under their salespeople: per salesperson
/// its customers' rows, then its subtotal; the total row last.
pub fn grouped_table(lang: Lang, r: &AgingReport, groups: &[SalespersonGroup]) -> Table {
    let summary = summary_table(lang, r);
    let mut t = Table::new(lang, &[("salesperson", "业务员")]);
    t.overdue_columns(summary.overdue().iter().map(|c| c + 1));
    t.headers.extend(summary.headers);
    let none = lang.pick("(none)", "（未指定）");
    for g in groups {
        let name = g.salesperson.as_deref().unwrap_or(none);
        for i in &g.lines {
            let mut row = vec![Cell::text(name)];
            row.extend(summary.rows[*i].iter().cloned());
            t.push(row);
        }
        let mut sub = vec![Cell::text(name), Cell::text(lang.pick("SUBTOTAL", "小计")), Cell::Empty];
        sub.extend(g.cells.iter().map(|m| Cell::Money(*m)));
        sub.push(Cell::Money(g.total));
        sub.push(Cell::Money(g.unapplied));
        t.push(sub);
    }
    if let Some(total) = summary.rows.last() {
        let mut row = vec![Cell::Empty];
        row.extend(total.iter().cloned());
        t.push(row);
    }
    t
}

/// The report on a terminal: a title, the table and the tie-out.
pub fn write_table(out: &mut dyn Write, lang: Lang, report: &AgingReport) -> Result<()> {
    write_titled(out, lang, report, &summary_table(lang, report))
}

/// A title, `table` (the report's, plain or grouped) and the tie-out.
pub fn write_titled(out: &mut dyn Write, lang: Lang, report: &AgingReport, table: &Table) -> Result<()> {
    writeln!(out, "{}", title(lang, report))?;
    table.write_table(out)?;
    writeln!(out, "{}", tie_out_line(lang, &report.tie))?;
    Ok(())
}

/// `Aging by due date as of 2026-10-31`.
pub fn title(lang: Lang, report: &AgingReport) -> String {
    match lang {
        Lang::En => format!("Aging by {} date as of {}", report.basis.as_str(), report.as_of),
        Lang::Zh => format!(
            "应收账款账龄（按{}）截至 {}",
            if report.basis == Basis::Due { "到期日" } else { "开票日" },
            report.as_of
        ),
    }
}

/// What a workbook of the report has under its table: the title and the
/// tie-out.
pub fn footer(lang: Lang, report: &AgingReport) -> Vec<String> {
    vec![title(lang, report), tie_out_line(lang, &report.tie)]
}

const DETAIL_HEADERS: &[(&str, &str)] = &[
    ("invoice", "发票"),
    ("customer", "客户"),
    ("issued", "开票日"),
    ("due", "到期日"),
    ("days past due", "逾期天数"),
    ("bucket", "账龄"),
    ("balance", "余额"),
    ("interest", "违约金"),
];

/// The detail's lines, given by a function that hands each to its argument
/// in turn; it may be called more than once (a table is measured first).
pub type DetailSource<'a> = &'a dyn Fn(&mut dyn FnMut(AgingDetailLine) -> Result<()>) -> Result<()>;

/// The detail's row of one open installment.
fn detail_row(headers: &[String], d: &AgingDetailLine) -> Vec<Cell> {
    vec![
        Cell::text(&d.invoice),
        Cell::text(&d.customer),
        Cell::Date(d.issue_date),
        Cell::Date(d.due_date),
        Cell::Int(d.days_past_due),
        Cell::text(&headers[d.bucket]),
        Cell::Money(d.balance),
        Cell::Money(d.interest),
    ]
}

/// The detail as a workbook's table.
pub fn detail_table(lang: Lang, report: &AgingReport, lines: DetailSource) -> Result<Table> {
    let headers = bucket_headers(lang, report);
    let mut t = Table::new(lang, DETAIL_HEADERS);
    lines(&mut |d| {
        t.push(detail_row(&headers, &d));
        Ok(())
    })?;
    Ok(t)
}

/// The detail as a table or CSV, drawn as its rows are made (a large book
/// has a million): none is held, and a table reads them twice.
pub fn write_detail(
    out: &mut dyn Write,
    format: Format,
    lang: Lang,
    report: &AgingReport,
    lines: DetailSource,
) -> Result<()> {
    let headers = bucket_headers(lang, report);
    super::write_rows(out, format, lang, DETAIL_HEADERS, &|emit| lines(&mut |d| emit(detail_row(&headers, &d))))
}

/// The detail as JSON, written line by line: buckets by their machine labels.
pub fn write_detail_json(out: &mut dyn Write, report: &AgingReport, lines: DetailSource) -> Result<()> {
    let mut seq = JsonSeq::new(out);
    lines(&mut |d| {
        seq.push(&DetailJson {
            invoice: &d.invoice,
            customer: &d.customer,
            issue_date: d.issue_date,
            due_date: d.due_date,
            days_past_due: d.days_past_due,
            bucket: &report.labels[d.bucket],
            balance: d.balance,
            interest: d.interest,
        })
    })?;
    seq.finish()
}

#[derive(Serialize)]
pub struct DetailJson<'a> {
    invoice: &'a str,
    customer: &'a str,
    issue_date: chrono::NaiveDate,
    due_date: chrono::NaiveDate,
    days_past_due: i64,
    bucket: &'a str,
    balance: Money,
    interest: Money,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::aging::Buckets;

    #[test]
    fn chinese_bucket_headers_name_days_and_years() {
        let report = |basis, labels: Vec<String>| AgingReport {
            as_of: chrono::NaiveDate::from_ymd_opt(2026, 4, 30).unwrap(),
            basis,
            labels,
            lines: Vec::new(),
            totals: Vec::new(),
            total: Money::ZERO,
            unapplied: Money::ZERO,
            tie: TieOut {
                buckets: Money::ZERO,
                invoiced: Money::ZERO,
                collected: Money::ZERO,
                discounts: Some(Money::ZERO),
                written_off: Money::ZERO,
            },
        };
        let due = report(Basis::Due, Buckets::default().labels());
        assert_eq!(bucket_headers(Lang::Zh, &due), ["未到期", "1-30天", "31-60天", "61-90天", "91天以上"]);
        assert_eq!(bucket_headers(Lang::En, &due), ["current", "1-30", "31-60", "61-90", "91+"]);
        let by_invoice = report(Basis::Invoice, Vec::new());
        assert_eq!(bucket_headers(Lang::Zh, &by_invoice)[5], "5年以上");
    }

    #[test]
    fn the_tie_out_line_says_when_the_figures_disagree() {
        let m = |c| Money::from_cents(c);
        let ok = TieOut {
            buckets: m(70_000),
            invoiced: m(100_000),
            collected: m(20_000),
            discounts: Some(Money::ZERO),
            written_off: m(10_000),
        };
        assert_eq!(
            tie_out_line(Lang::En, &ok),
            "tie-out: buckets 700.00 = outstanding 700.00 = invoiced 1,000.00 − collected 200.00 − discounts 0.00 − written off 100.00 ✓"
        );
        // A report stored before discounts were applied reprints without them.
        assert_eq!(
            tie_out_line(Lang::En, &TieOut { discounts: None, ..ok }),
            "tie-out: buckets 700.00 = outstanding 700.00 = invoiced 1,000.00 − collected 200.00 − written off 100.00 ✓"
        );
        let off = TieOut { buckets: m(1), ..ok };
        assert!(tie_out_line(Lang::Zh, &off).ends_with("✗ 不平（请运行 huikuan check）"));
    }
}
