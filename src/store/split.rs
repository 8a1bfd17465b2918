//! A period's collection figures split by customer and by the salesperson
//! each invoice is credited to (业务员, 回款考核): the cells the collection
//! report adds up per customer, per salesperson, or for one salesperson.
//!
//! Every figure but one belongs to an invoice, so it goes to the invoice's
//! salesperson. Cash received is not an invoice's: the part of a payment
//! applied to invoices goes to those invoices' salespeople, the part still
//! unapplied to the customer's salesperson. Every split adds up to the
//! unsplit figure, so the cells sum to the book's totals.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rusqlite::Connection;

use super::{Result, date_sql, money_col};
use crate::ledger::Money;
use crate::ledger::metrics::PeriodFigures;

/// A customer and a salesperson (`None`: the invoice has none, or the
/// figures were not split).
pub type Key = (i64, Option<String>);

/// Whether the figures are split by the invoices' salespeople, or kept
/// per customer only (every key's salesperson `None`). Only the split
/// reads the invoices themselves (for their salesperson): per customer,
/// every figure comes from the installments, which carry their invoice's
/// issue date and void, and the indexes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Split {
    BySalesperson,
    CustomerOnly,
}

impl Split {
    /// The salesperson column of a row whose installment is `i`, and the
    /// join it needs.
    fn salesperson(self) -> (&'static str, &'static str) {
        match self {
            Split::BySalesperson => ("v.salesperson", "JOIN invoices v ON v.id = i.invoice_id"),
            Split::CustomerOnly => ("NULL", ""),
        }
    }
}

/// Balances as of `?1` per installment, from the open ones and the
/// settlements dated after the date (as `aging::aging` reads them, a
/// payment plan's installments counting from the plan's date): the
/// customer, the invoice's salesperson, the due date and the balance part.
fn balances_sql(split: Split) -> String {
    let (sp, join) = split.salesperson();
    format!(
        "SELECT i.customer_id, {sp}, i.due_date, i.amount - i.settled
            FROM installments i INDEXED BY installments_open {join}
            WHERE i.settled < i.amount AND i.invoice_voided = 0 AND i.invoice_issued <= ?1
            AND (i.since IS NULL OR i.since <= ?1)
         UNION ALL
         SELECT i.customer_id, {sp}, i.due_date, s.amount
            FROM (SELECT installment_id, amount FROM allocations WHERE effective_date > ?1
                  UNION ALL
                  SELECT installment_id, amount FROM write_offs WHERE date > ?1) s
            JOIN installments i ON i.id = s.installment_id {join}
            WHERE i.invoice_voided = 0 AND i.invoice_issued <= ?1 AND (i.since IS NULL OR i.since <= ?1)"
    )
}

/// Sum `(customer_id, salesperson, amount)` rows of `sql` (parameters `from`,
/// `to`) into the field `field` picks.
fn add(
    conn: &Connection,
    out: &mut BTreeMap<Key, PeriodFigures>,
    sql: &str,
    (from, to): (NaiveDate, NaiveDate),
    field: fn(&mut PeriodFigures) -> &mut Money,
) -> Result<()> {
    let mut stmt = conn.prepare(sql)?;
    let mut rows = stmt.query(rusqlite::params![date_sql(from), date_sql(to)])?;
    while let Some(r) = rows.next()? {
        *field(out.entry((r.get(0)?, r.get(1)?)).or_default()) += money_col(r, 2)?;
    }
    Ok(())
}

/// The AR as of a date per cell: `(total, current)`, current meaning not
/// past due (due on or after the date).
fn balances(conn: &Connection, as_of: NaiveDate, split: Split) -> Result<BTreeMap<Key, (Money, Money)>> {
    let mut out: BTreeMap<Key, (Money, Money)> = BTreeMap::new();
    let mut stmt = conn.prepare(&balances_sql(split))?;
    let mut rows = stmt.query([date_sql(as_of)])?;
    let as_of_s = date_sql(as_of);
    while let Some(r) = rows.next()? {
        let cell = out.entry((r.get(0)?, r.get(1)?)).or_default();
        let amount = money_col(r, 3)?;
        cell.0 += amount;
        if r.get::<_, String>(2)? >= as_of_s {
            cell.1 += amount;
        }
    }
    Ok(out)
}

/// The figures of the period `from..=to` per customer and salesperson (or
/// per customer only): the cells with any figure. Beginning AR is the AR
/// the day before `from`, ending AR the AR on `to`, ending current its part
/// not yet past due.
///
/// Every read is bounded by the period or by what is open, never the
/// book's history: the open installments and what was settled after a
/// date (as the aging reads them), the invoices issued, the allocations
/// and write-offs dated in the period (each from its date index), and
/// what was paid and what fell due read customer by customer from the
/// period's range of each customer's payments and installments.
pub fn period_cells(
    conn: &Connection,
    from: NaiveDate,
    to: NaiveDate,
    split: Split,
) -> Result<BTreeMap<Key, PeriodFigures>> {
    let days = (to - from).num_days() + 1;
    let mut out: BTreeMap<Key, PeriodFigures> = BTreeMap::new();
    for (k, (total, _)) in balances(conn, from.pred_opt().unwrap_or(from), split)? {
        out.entry(k).or_default().beginning_ar += total;
    }
    for (k, (total, current)) in balances(conn, to, split)? {
        let f = out.entry(k).or_default();
        f.ending_ar += total;
        f.ending_current += current;
    }
    let (sp, join) = split.salesperson();
    let invoice_sp = match split {
        Split::BySalesperson => "salesperson",
        Split::CustomerOnly => "NULL",
    };
    let settled = |table: &str, date: &str, kind: &str| {
        format!(
            "SELECT i.customer_id, {sp}, x.amount FROM {table} x JOIN installments i ON i.id = x.installment_id {join}
             WHERE i.invoice_voided = 0 {kind} AND x.{date} BETWEEN ?1 AND ?2"
        )
    };
    type Field = fn(&mut PeriodFigures) -> &mut Money;
    let sums: [(String, Field); 8] = [
        // Late-interest invoices are credit sales of the month they are posted.
        (
            format!(
                "SELECT customer_id, {invoice_sp}, amount FROM invoices WHERE voided = 0 AND issue_date BETWEEN ?1 AND ?2"
            ),
            |f| &mut f.credit_sales,
        ),
        // Cash dated in the period. Split: the applied part by the invoices'
        // salespeople, the rest by the customer's.
        (
            match split {
                Split::BySalesperson => {
                    "SELECT p.customer_id, v.salesperson, x.amount FROM allocations x
                     JOIN payments p ON p.id = x.payment_id JOIN installments i ON i.id = x.installment_id
                     JOIN invoices v ON v.id = i.invoice_id
                     WHERE p.voided = 0 AND p.date BETWEEN ?1 AND ?2 AND i.invoice_voided = 0"
                }
                // Per customer: each live payment whole (read customer by
                // customer from the period's range of its payments), ...
                Split::CustomerOnly => {
                    "SELECT p.customer_id, NULL, p.amount
                     FROM customers c CROSS JOIN payments p INDEXED BY payments_customer
                     WHERE p.customer_id = c.id AND p.date BETWEEN ?1 AND ?2 AND p.voided = 0"
                }
            }
            .into(),
            |f| &mut f.received,
        ),
        (
            match split {
                Split::BySalesperson => {
                    "SELECT p.customer_id, c.salesperson, p.amount - p.allocated FROM payments p
                     JOIN customers c ON c.id = p.customer_id
                     WHERE p.voided = 0 AND p.allocated < p.amount AND p.date BETWEEN ?1 AND ?2"
                }
                // ... less what of it went to a void invoice (which `check`
                // says none may have), as the split leaves it out.
                Split::CustomerOnly => {
                    "SELECT p.customer_id, NULL, -x.amount
                     FROM installments i CROSS JOIN allocations x INDEXED BY allocations_installment
                     CROSS JOIN payments p
                     WHERE i.invoice_id IN (SELECT id FROM invoices INDEXED BY invoices_voided WHERE voided = 1)
                     AND i.invoice_voided = 1 AND x.installment_id = i.id AND p.id = x.payment_id
                     AND p.voided = 0 AND p.date BETWEEN ?1 AND ?2"
                }
            }
            .into(),
            |f| &mut f.received,
        ),
        (settled("allocations", "effective_date", ""), |f| &mut f.collected),
        (settled("write_offs", "date", "AND x.kind = 'discount'"), |f| &mut f.discounts),
        (settled("write_offs", "date", "AND x.kind = 'write_off'"), |f| &mut f.written_off),
        // A part a payment plan moved by the period's end falls due again
        // under the plan: counted once, by its new due date.
        (
            format!(
                "SELECT i.customer_id, {sp}, i.amount - (SELECT COALESCE(SUM(w.amount), 0) FROM write_offs w
                     WHERE w.installment_id = i.id AND w.kind = 'reschedule' AND w.date <= ?2)
                 FROM customers c CROSS JOIN installments i INDEXED BY installments_customer {join}
                 WHERE i.customer_id = c.id AND i.due_date BETWEEN ?1 AND ?2 AND i.invoice_voided = 0"
            ),
            |f| &mut f.fell_due,
        ),
        (
            format!(
                "SELECT i.customer_id, {sp}, x.amount
                 FROM customers c CROSS JOIN installments i INDEXED BY installments_customer
                 CROSS JOIN allocations x INDEXED BY allocations_installment {join}
                 WHERE i.customer_id = c.id AND i.due_date BETWEEN ?1 AND ?2 AND i.invoice_voided = 0
                 AND x.installment_id = i.id AND x.effective_date <= ?2"
            ),
            |f| &mut f.collected_on_due,
        ),
    ];
    for (sql, field) in sums {
        add(conn, &mut out, &sql, (from, to), field)?;
    }
    for f in out.values_mut() {
        f.days = days;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::example::{self, d, m};

    /// Per customer, the figures are read without the invoices; split by
    /// salesperson, through them. Summed per customer, the split gives the
    /// same figures, whatever the period.
    #[test]
    fn the_figures_per_customer_are_the_split_figures_summed() {
        let ex = example::book();
        let conn = &ex.book.conn;
        conn.execute("UPDATE invoices SET salesperson = '张伟' WHERE number = 'A1'", []).unwrap();
        let periods = [
            ("2026-01-01", "2026-01-31"),
            ("2026-02-01", "2026-02-28"),
            ("2026-02-11", "2026-03-05"),
            ("2026-03-01", "2026-04-30"),
            ("2026-01-01", "2026-12-31"),
        ];
        for (from, to) in periods {
            let (from, to) = (d(from), d(to));
            let split = period_cells(conn, from, to, Split::BySalesperson).unwrap();
            assert!(split.keys().any(|(_, sp)| sp.as_deref() == Some("张伟")), "{from} to {to}");
            let mut summed: BTreeMap<Key, PeriodFigures> = BTreeMap::new();
            for ((customer, _), f) in &split {
                let cell =
                    summed.entry((*customer, None)).or_insert(PeriodFigures { days: f.days, ..Default::default() });
                cell.add(f);
            }
            let per_customer = period_cells(conn, from, to, Split::CustomerOnly).unwrap();
            assert_eq!(per_customer, summed, "{from} to {to}");
        }
        // A check that the figures are there: A's ending AR on 04-30 is
        // A1 600.00 + A2 400.00.
        let april = period_cells(conn, d("2026-04-01"), d("2026-04-30"), Split::CustomerOnly).unwrap();
        assert_eq!(april[&(ex.a, None)].ending_ar, m("1000.00"));
        assert_eq!(april[&(ex.a, None)].written_off, m("100.00"));
    }
}
