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

/// A customer and a salesperson (`None`: the invoice has none).
pub type Key = (i64, Option<String>);

/// Balances as of `?1` per installment, from the open ones and the
/// settlements dated after the date (as `aging::aging` reads them): the
/// customer, the invoice's salesperson, the due date and the balance part.
const BALANCES: &str = "SELECT i.customer_id, v.salesperson, i.due_date, i.amount - i.settled
        FROM installments i INDEXED BY installments_open JOIN invoices v ON v.id = i.invoice_id
        WHERE i.settled < i.amount AND v.voided = 0 AND v.issue_date <= ?1
     UNION ALL
     SELECT i.customer_id, v.salesperson, i.due_date, s.amount
        FROM (SELECT installment_id, amount FROM allocations WHERE effective_date > ?1
              UNION ALL
              SELECT installment_id, amount FROM write_offs WHERE date > ?1) s
        JOIN installments i ON i.id = s.installment_id JOIN invoices v ON v.id = i.invoice_id
        WHERE v.voided = 0 AND v.issue_date <= ?1";

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
fn balances(conn: &Connection, as_of: NaiveDate) -> Result<BTreeMap<Key, (Money, Money)>> {
    let mut out: BTreeMap<Key, (Money, Money)> = BTreeMap::new();
    let mut stmt = conn.prepare(BALANCES)?;
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

/// The figures of the period `from..=to` per customer and salesperson: the
/// cells with any figure. Beginning AR is the AR the day before `from`,
/// ending AR the AR on `to`, ending current its part not yet past due.
pub fn period_cells(conn: &Connection, from: NaiveDate, to: NaiveDate) -> Result<BTreeMap<Key, PeriodFigures>> {
    let days = (to - from).num_days() + 1;
    let mut out: BTreeMap<Key, PeriodFigures> = BTreeMap::new();
    for (k, (total, _)) in balances(conn, from.pred_opt().unwrap_or(from))? {
        out.entry(k).or_default().beginning_ar += total;
    }
    for (k, (total, current)) in balances(conn, to)? {
        let f = out.entry(k).or_default();
        f.ending_ar += total;
        f.ending_current += current;
    }
    const BY_INSTALLMENT: &str = "JOIN installments i ON i.id = x.installment_id JOIN invoices v ON v.id = i.invoice_id
         WHERE v.voided = 0";
    type Field = fn(&mut PeriodFigures) -> &mut Money;
    let sums: [(String, Field); 8] = [
        // Late-interest invoices are credit sales of the month they are posted.
        (
            "SELECT customer_id, salesperson, amount FROM invoices WHERE voided = 0 AND issue_date BETWEEN ?1 AND ?2"
                .into(),
            |f| &mut f.credit_sales,
        ),
        // Cash: the applied part by the invoices' salespeople, the rest by the customer's.
        (
            format!(
                "SELECT p.customer_id, v.salesperson, x.amount FROM allocations x JOIN payments p ON p.id = x.payment_id
                 {BY_INSTALLMENT} AND p.voided = 0 AND p.date BETWEEN ?1 AND ?2"
            ),
            |f| &mut f.received,
        ),
        (
            "SELECT p.customer_id, c.salesperson, p.amount - p.allocated FROM payments p
             JOIN customers c ON c.id = p.customer_id
             WHERE p.voided = 0 AND p.allocated < p.amount AND p.date BETWEEN ?1 AND ?2"
                .into(),
            |f| &mut f.received,
        ),
        (
            format!(
                "SELECT i.customer_id, v.salesperson, x.amount FROM allocations x {BY_INSTALLMENT}
                 AND x.effective_date BETWEEN ?1 AND ?2"
            ),
            |f| &mut f.collected,
        ),
        (
            format!(
                "SELECT i.customer_id, v.salesperson, x.amount FROM write_offs x {BY_INSTALLMENT}
                 AND x.kind = 'discount' AND x.date BETWEEN ?1 AND ?2"
            ),
            |f| &mut f.discounts,
        ),
        (
            format!(
                "SELECT i.customer_id, v.salesperson, x.amount FROM write_offs x {BY_INSTALLMENT}
                 AND x.kind = 'write_off' AND x.date BETWEEN ?1 AND ?2"
            ),
            |f| &mut f.written_off,
        ),
        (
            "SELECT i.customer_id, v.salesperson, i.amount FROM installments i JOIN invoices v ON v.id = i.invoice_id
             WHERE v.voided = 0 AND i.due_date BETWEEN ?1 AND ?2"
                .into(),
            |f| &mut f.fell_due,
        ),
        (
            format!(
                "SELECT i.customer_id, v.salesperson, x.amount FROM allocations x {BY_INSTALLMENT}
                 AND i.due_date BETWEEN ?1 AND ?2 AND x.effective_date <= ?2"
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
