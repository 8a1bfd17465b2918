//! Late interest: the report (table, CSV, JSON) and the interest invoices posted.

use std::io::Write;

use rust_decimal::Decimal;
use serde::Serialize;

use super::{Cell, JsonSeq, Table, write_json, write_rows};
use crate::error::Result;
use crate::ledger::Money;
use crate::ledger::interest::InterestTerms;
use crate::output::{Format, Lang};
use std::collections::HashMap;

use crate::reports::interest::{Charge, CustomerInterest, Interest, InvoiceInterest, Spilled};
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
struct Invoices<'a>(&'a [InvoiceInterest]);

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

/// The report's JSON around its customers.
fn document<'a>(r: &Interest, customers: Vec<CustomerJson<'a>>) -> InterestJson<'a> {
    InterestJson {
        as_of: r.as_of,
        rate_per_day: r.terms.rates.at(r.as_of).normalize().to_string(),
        grace_days: r.terms.grace_days,
        total: r.total,
        customers,
    }
}

fn customer_json<'a>(c: &'a CustomerInterest, invoices: &'a [InvoiceInterest]) -> CustomerJson<'a> {
    CustomerJson {
        code: &c.code,
        rate_per_day: c.rate_per_day.normalize().to_string(),
        total: c.total,
        invoices: Invoices(invoices),
    }
}

/// A rate as a percentage per day: 0.0005 → "0.05%".
pub fn percent(rate: Decimal) -> String {
    format!("{}%", (rate * Decimal::ONE_HUNDRED).normalize())
}

/// Write the interest report, per customer and invoice, from a report that
/// holds its invoices ([`crate::reports::interest::interest`]). The formula
/// follows the table; with another format it is returned for the caller to
/// show as a notice. `dun interest` prints through [`write_spilled`]; this
/// is the plain rendering the tests hold it against.
#[cfg(test)]
pub fn write(out: &mut dyn Write, r: &Interest, lang: Lang, format: Format) -> Result<Option<String>> {
    if format == Format::Json {
        let customers = r.customers.iter().map(|c| customer_json(c, &c.invoices)).collect();
        write_json(out, &document(r, customers))?;
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

/// Write the interest report, per customer and invoice, whose invoices
/// were put aside ([`crate::reports::interest::interest_spilled`]), read
/// back one invoice at a time (JSON holds one customer's invoices at a
/// time). The formula follows the table; with another format it is
/// returned for the caller to show as a notice.
pub fn write_spilled(out: &mut dyn Write, s: &Spilled, lang: Lang, format: Format) -> Result<Option<String>> {
    let r = &s.report;
    let codes: HashMap<i64, &str> = s.ids.iter().copied().zip(r.customers.iter().map(|c| c.code.as_str())).collect();
    if format == Format::Json {
        write_json_spilled(out, s)?;
        return Ok(None);
    }
    let rows = |emit: &mut dyn FnMut(Vec<Cell>) -> Result<()>| -> Result<()> {
        s.invoices.for_each(|v| {
            let code = codes.get(&v.customer_id).copied().unwrap_or_default();
            emit(vec![Cell::text(code), Cell::Text(v.number), Cell::Money(v.figures.owed)])
        })?;
        emit(vec![Cell::text(lang.pick("TOTAL", "合计")), Cell::Empty, Cell::Money(r.total)])
    };
    write_rows(out, format, lang, &[("customer", "客户"), ("invoice", "发票"), ("interest", "违约金")], &rows)?;
    formula(out, &r.terms, r.as_of, lang, format)
}

/// The report's JSON, written customer by customer: the document
/// without its customers, then the customers as the elements of its
/// array ([`JsonSeq::in_object`]), as serde_json's pretty printer nests them.
fn write_json_spilled(out: &mut dyn Write, s: &Spilled) -> Result<()> {
    let r = &s.report;
    let head = serde_json::to_string_pretty(&document(r, Vec::new()))?;
    let Some(head) = head.strip_suffix("[]\n}") else {
        return Err(crate::error::Error::user("cannot write the interest report's JSON", "无法写出违约金报告的 JSON"));
    };
    out.write_all(head.as_bytes())?;
    let at: HashMap<i64, usize> = s.ids.iter().copied().enumerate().map(|(k, id)| (id, k)).collect();
    let mut seq = JsonSeq::in_object(out);
    let mut current: Option<(usize, Vec<InvoiceInterest>)> = None;
    s.invoices.for_each(|v| -> Result<()> {
        let k = at.get(&v.customer_id).copied().unwrap_or_default();
        if let Some((was, invoices)) = current.take_if(|(was, _)| *was != k) {
            seq.push(&customer_json(&r.customers[was], &invoices))?;
        }
        let (_, invoices) = current.get_or_insert_with(|| (k, Vec::new()));
        invoices.push(InvoiceInterest {
            number: v.number,
            interest: v.figures.owed,
            accrued: v.figures.accrued,
            posted: v.figures.posted,
            waived: v.figures.waived,
        });
        Ok(())
    })?;
    if let Some((was, invoices)) = current {
        seq.push(&customer_json(&r.customers[was], &invoices))?;
    }
    seq.finish()?;
    out.write_all(b"\n}\n")?;
    Ok(())
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reports::interest::{interest, interest_spilled, interest_totals};
    use crate::store::example::{self, d};

    /// Whether the report holds its invoice lines or puts them aside (from
    /// the first line, from the second, never), it prints the same bytes
    /// in every format, for the whole book and for each customer.
    #[test]
    fn the_report_put_aside_prints_what_the_report_held_prints() {
        let ex = example::book();
        let conn = &ex.book.conn;
        let mut spilled_midway = false;
        for as_of in ["2026-03-05", "2026-06-30", "2027-01-01"] {
            for only in [None, Some(ex.a), Some(ex.b)] {
                let held = interest(conn, d(as_of), only, false).unwrap();
                let lines: usize = held.customers.iter().map(|c| c.invoices.len()).sum();
                // The totals alone (a close, a statement) are the report's.
                let totals = interest_totals(conn, d(as_of), only).unwrap();
                let by_customer =
                    |r: &Interest| r.customers.iter().map(|c| (c.code.clone(), c.total)).collect::<Vec<_>>();
                assert_eq!((totals.total, by_customer(&totals)), (held.total, by_customer(&held)));
                assert!(totals.customers.iter().all(|c| c.invoices.is_empty()));
                for format in [Format::Table, Format::Csv, Format::Json] {
                    let mut expected = Vec::new();
                    let formula = write(&mut expected, &held, Lang::En, format).unwrap();
                    for hold in [0, 1, usize::MAX] {
                        let s = interest_spilled(conn, d(as_of), only, hold).unwrap();
                        assert_eq!(s.invoices.in_table(), lines > hold, "as of {as_of}, {only:?}, hold {hold}");
                        spilled_midway |= hold == 1 && s.invoices.in_table();
                        let mut got = Vec::new();
                        assert_eq!(write_spilled(&mut got, &s, Lang::En, format).unwrap(), formula);
                        assert_eq!(
                            String::from_utf8(got).unwrap(),
                            String::from_utf8(expected.clone()).unwrap(),
                            "as of {as_of}, {only:?}, {format:?}, hold {hold}"
                        );
                    }
                }
            }
        }
        assert!(spilled_midway, "some report has lines both held and put aside");
    }
}
