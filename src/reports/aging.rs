//! The aging report: buckets per customer, the unapplied credit and the
//! tie-out, as of a date; its JSON shape (printed by `--format json` and
//! stored by `close`, so a closed month reprints exactly); and its detail,
//! one line per open installment.

use chrono::NaiveDate;
use serde::Serialize;
use serde_json::{Map, Value};

use super::detail::detail;
use crate::ledger::Money;
use crate::ledger::aging::{AgingLine, AgingReport, AgingRule, Basis, TieOut};
use crate::store::{Connection, Result, StoreError, aging};

/// The aging report as of a date, optionally for one customer.
pub fn aging_report(conn: &Connection, rule: &AgingRule, as_of: NaiveDate, only: Option<i64>) -> Result<AgingReport> {
    let data = aging::aging(conn, rule, as_of, only)?;
    let names = data.customers.into_iter().map(|c| (c.code, c.name)).collect();
    Ok(AgingReport::build(as_of, rule, names, &data.grid, &data.unapplied, data.tie))
}

#[derive(Serialize)]
pub struct TieJson {
    buckets: Money,
    outstanding: Money,
    invoiced: Money,
    collected: Money,
    /// Absent only in a report stored before discounts were applied.
    #[serde(skip_serializing_if = "Option::is_none")]
    discounts: Option<Money>,
    written_off: Money,
    balanced: bool,
}

#[derive(Serialize)]
pub struct CustomerJson {
    code: String,
    name: String,
    totals: Map<String, Value>,
    total: Money,
    unapplied: Money,
}

/// The aging report as JSON: amounts by bucket label, the customers, the
/// tie-out. `report aging --format json` prints it and `close` stores it;
/// [`from_snapshot`] reads it back.
#[derive(Serialize)]
pub struct AgingJson {
    as_of: NaiveDate,
    by: &'static str,
    buckets: Vec<String>,
    totals: Map<String, Value>,
    total: Money,
    unapplied: Money,
    customers: Vec<CustomerJson>,
    tie_out: TieJson,
}

fn labelled(labels: &[String], cells: &[Money]) -> Map<String, Value> {
    labels.iter().zip(cells).map(|(l, m)| (l.clone(), Value::String(m.plain()))).collect()
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
            discounts: r.tie.discounts,
            written_off: r.tie.written_off,
            balanced: r.tie.balanced(),
        },
    }
}

/// Rebuild a report from its JSON (the snapshot stored at close); `None`
/// when the text is not an aging by due date as [`to_json`] writes it.
pub fn from_snapshot(json: &str) -> Option<AgingReport> {
    let v: Value = serde_json::from_str(json).ok()?;
    let m = |x: &Value| Money::parse_stored(x.as_str()?).ok();
    let labels: Vec<String> =
        v["buckets"].as_array()?.iter().map(|l| l.as_str().map(String::from)).collect::<Option<_>>()?;
    let cells = |t: &Value| labels.iter().map(|l| m(&t[l])).collect::<Option<Vec<Money>>>();
    let lines = v["customers"]
        .as_array()?
        .iter()
        .map(|c| {
            Some(AgingLine {
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
        as_of: NaiveDate::parse_from_str(v["as_of"].as_str()?, "%Y-%m-%d").ok()?,
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
            discounts: if t["discounts"].is_null() { None } else { Some(m(&t["discounts"])?) },
            written_off: m(&t["written_off"])?,
        },
    })
}

/// One open installment in the aging detail.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AgingDetailLine {
    pub invoice: String,
    pub customer: String,
    pub issue_date: NaiveDate,
    pub due_date: NaiveDate,
    /// Zero while not yet due.
    pub days_past_due: i64,
    /// The bucket's position in the report's labels.
    pub bucket: usize,
    pub balance: Money,
    /// Late interest accrued and not yet posted.
    pub interest: Money,
}

/// One line per open installment as of the date, in customer and due-date
/// order, with its bucket under `rule` and its late interest.
pub fn aging_detail(
    conn: &Connection,
    rule: &AgingRule,
    as_of: NaiveDate,
    only: Option<i64>,
) -> Result<Vec<AgingDetailLine>> {
    let mut out = Vec::new();
    each_detail_line(conn, rule, as_of, only, |line| -> Result<()> {
        out.push(line);
        Ok(())
    })?;
    Ok(out)
}

/// [`aging_detail`] handed to `f` line by line, never held: a large book
/// has a million open installments.
pub fn each_detail_line<E: From<StoreError>>(
    conn: &Connection,
    rule: &AgingRule,
    as_of: NaiveDate,
    only: Option<i64>,
    mut f: impl FnMut(AgingDetailLine) -> std::result::Result<(), E>,
) -> std::result::Result<(), E> {
    detail(conn, as_of, only, |d| {
        f(AgingDetailLine {
            bucket: rule.index(d.item.due_date, d.item.issue_date, as_of),
            interest: d.interest_due(),
            days_past_due: d.days_past_due.max(0),
            balance: d.balance,
            invoice: d.item.invoice,
            customer: d.item.customer,
            issue_date: d.item.issue_date,
            due_date: d.item.due_date,
        })
    })
}

/// The aging report of the customers whose salesperson is `name`: each
/// customer's figures as [`aging_report`] gives them for it alone, added up,
/// so the tie-out holds for the group.
pub fn aging_report_of_salesperson(
    conn: &Connection,
    rule: &AgingRule,
    as_of: NaiveDate,
    name: &str,
) -> Result<AgingReport> {
    let ids = crate::store::customers::ids_of_salesperson(conn, name)?;
    let mut names = Vec::new();
    let mut grid = crate::ledger::aging::Grid::new(0, rule.len());
    let mut unapplied = Vec::new();
    let mut tie = TieOut {
        buckets: Money::ZERO,
        invoiced: Money::ZERO,
        collected: Money::ZERO,
        discounts: Some(Money::ZERO),
        written_off: Money::ZERO,
    };
    let mut ids: Vec<i64> = ids.into_iter().collect();
    ids.sort_unstable();
    for id in ids {
        let d = aging::aging(conn, rule, as_of, Some(id))?;
        names.extend(d.customers.into_iter().map(|c| (c.code, c.name)));
        grid.cells.extend(d.grid.cells);
        unapplied.extend(d.unapplied);
        tie.buckets += d.tie.buckets;
        tie.invoiced += d.tie.invoiced;
        tie.collected += d.tie.collected;
        tie.discounts = Some(tie.discounts.unwrap_or_default() + d.tie.discounts.unwrap_or_default());
        tie.written_off += d.tie.written_off;
    }
    // Customers by code, as in the whole report.
    let mut order: Vec<usize> = (0..names.len()).collect();
    order.sort_by(|a, b| names[*a].0.cmp(&names[*b].0));
    let names = order.iter().map(|i| names[*i].clone()).collect();
    let grid = crate::ledger::aging::Grid { cells: order.iter().map(|i| grid.cells[*i].clone()).collect() };
    let unapplied: Vec<Money> = order.iter().map(|i| unapplied[*i]).collect();
    Ok(AgingReport::build(as_of, rule, names, &grid, &unapplied, tie))
}

/// A salesperson's customers in an aging report, with their subtotal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SalespersonGroup {
    /// `None`: customers without a salesperson.
    pub salesperson: Option<String>,
    /// Indices into the report's lines.
    pub lines: Vec<usize>,
    pub cells: Vec<Money>,
    pub total: Money,
    pub unapplied: Money,
}

/// The report's customers grouped under each customer's salesperson (by
/// name, customers without one last). Every line is in exactly one group,
/// so the subtotals add up to the report's totals.
pub fn by_salesperson(conn: &Connection, r: &AgingReport) -> Result<Vec<SalespersonGroup>> {
    let mut of_id = crate::store::customers::salespeople(conn)?;
    let of_code: std::collections::HashMap<String, String> = crate::store::customers::entries(conn)?
        .into_iter()
        .filter_map(|c| of_id.remove(&c.id).map(|s| (c.code, s)))
        .collect();
    let mut groups: std::collections::BTreeMap<(bool, Option<String>), SalespersonGroup> =
        std::collections::BTreeMap::new();
    for (i, l) in r.lines.iter().enumerate() {
        let sp = of_code.get(&l.code).cloned();
        let g = groups.entry((sp.is_none(), sp.clone())).or_insert_with(|| SalespersonGroup {
            salesperson: sp,
            lines: Vec::new(),
            cells: vec![Money::ZERO; r.labels.len()],
            total: Money::ZERO,
            unapplied: Money::ZERO,
        });
        g.lines.push(i);
        g.cells.iter_mut().zip(&l.cells).for_each(|(a, b)| *a += *b);
        g.total += l.total;
        g.unapplied += l.unapplied;
    }
    Ok(groups.into_values().collect())
}

/// One salesperson's group in `report aging --by-salesperson --format json`.
#[derive(Serialize)]
pub struct SalespersonJson {
    salesperson: Option<String>,
    customers: Vec<String>,
    totals: Map<String, Value>,
    total: Money,
    unapplied: Money,
}

/// The aging report's JSON with its customers' salespeople: the report as
/// [`to_json`] gives it, and `salespeople` (each with its customers' codes
/// and subtotals).
#[derive(Serialize)]
pub struct GroupedJson {
    #[serde(flatten)]
    report: AgingJson,
    salespeople: Vec<SalespersonJson>,
}

pub fn grouped_json(r: &AgingReport, groups: &[SalespersonGroup]) -> GroupedJson {
    GroupedJson {
        report: to_json(r),
        salespeople: groups
            .iter()
            .map(|g| SalespersonJson {
                salesperson: g.salesperson.clone(),
                customers: g.lines.iter().map(|i| r.lines[*i].code.clone()).collect(),
                totals: labelled(&r.labels, &g.cells),
                total: g.total,
                unapplied: g.unapplied,
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::aging::Buckets;
    use crate::store::example::{self, d, m};

    fn due_rule() -> AgingRule {
        AgingRule { basis: Basis::Due, buckets: Buckets::default() }
    }

    #[test]
    fn the_report_puts_the_largest_balance_first_and_ties_out() {
        let ex = example::book();
        let r = aging_report(&ex.book.conn, &due_rule(), d("2026-04-15"), None).unwrap();
        assert_eq!(r.labels, ["current", "1-30", "31-60", "61-90", "91+"]);
        let lines: Vec<(&str, Money, Money)> =
            r.lines.iter().map(|l| (l.code.as_str(), l.total, l.unapplied)).collect();
        assert_eq!(lines, [("A", m("1000.00"), Money::ZERO), ("B", Money::ZERO, m("200.00"))]);
        assert_eq!((r.total, r.unapplied), (m("1000.00"), m("200.00")));
        assert!(r.tie.balanced());
    }

    #[test]
    fn a_snapshot_reads_back_as_the_report_it_was_written_from() {
        let ex = example::book();
        let r = aging_report(&ex.book.conn, &due_rule(), d("2026-04-15"), None).unwrap();
        let json = serde_json::to_string(&to_json(&r)).unwrap();
        assert_eq!(from_snapshot(&json), Some(r));
        assert_eq!(from_snapshot("{\"as_of\": \"2026-04-15\"}"), None);
    }

    #[test]
    fn the_detail_gives_each_open_installment_its_bucket() {
        let ex = example::book();
        let lines = aging_detail(&ex.book.conn, &due_rule(), d("2026-04-15"), None).unwrap();
        let shown: Vec<(&str, i64, usize, Money)> =
            lines.iter().map(|l| (l.invoice.as_str(), l.days_past_due, l.bucket, l.balance)).collect();
        assert_eq!(shown, [("A1", 74, 3, m("600.00")), ("A2", 15, 1, m("400.00"))]);
        // 0.05 % a day: 1,000.00 × 10 days + 600.00 × 64 days = 5.00 + 19.20.
        assert_eq!(lines[0].interest, m("24.20"));
    }
}
