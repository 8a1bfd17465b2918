//! Placing money: which installments a payment may pay (the allocation
//! targets), allocating a payment to them, and applying a customer's
//! unapplied credit to a new invoice. The one store file that writes
//! allocations; payments, invoices and bank lines call it, and it calls none
//! of them, so money is placed by one rule and the store has no circle.

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, params};

use super::{Result, date_col, date_sql, money_col};
use crate::ledger::Money;
use crate::ledger::allocation::{Credit, Target, allocate, apply_credits, effective_date, sort_fifo};

/// Where a payment's money goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AllocateTo {
    /// Oldest due installment first.
    Fifo,
    /// These invoices (ids), in this order; the rest stays unapplied.
    Invoices(Vec<i64>),
    /// These installments (ids), in this order; the rest stays unapplied.
    Installments(Vec<i64>),
}

/// Open installments of a customer that automatic allocation may pay:
/// not void, not disputed, oldest due first.
pub fn fifo_targets(conn: &Connection, customer_id: i64) -> Result<Vec<Target>> {
    fifo_targets_covering(conn, customer_id, None)
}

/// The first open installments in FIFO order whose balances cover `amount`
/// (all of them when `None`). Rows arrive already in FIFO order from the
/// partial index of open installments, so a payment reads only the few
/// installments it will pay, not the customer's whole history.
pub fn fifo_targets_covering(conn: &Connection, customer_id: i64, amount: Option<Money>) -> Result<Vec<Target>> {
    // The index of open installments is in this very order (upgrade 16):
    // read until the amount is covered, never the rest of a due date.
    let mut stmt = conn.prepare_cached(
        "SELECT id, due_date, COALESCE(since, invoice_issued), amount - settled FROM installments INDEXED BY installments_open
         WHERE customer_id = ?1 AND settled < amount AND invoice_voided = 0 AND invoice_disputed = 0
         ORDER BY due_date, COALESCE(since, invoice_issued), id",
    )?;
    let mut rows = stmt.query([customer_id])?;
    let mut targets = Vec::new();
    let mut covered = Money::ZERO;
    while let Some(r) = rows.next()? {
        if amount.is_some_and(|a| covered >= a) {
            break;
        }
        let t = target_row(r)?;
        covered += t.balance;
        targets.push(t);
    }
    Ok(targets)
}

/// Open installments of one invoice, oldest due first (a named allocation may
/// pay a disputed invoice: the customer said so).
pub fn invoice_targets(conn: &Connection, invoice_id: i64) -> Result<Vec<Target>> {
    let mut stmt = conn.prepare_cached(
        "SELECT i.id, i.due_date, COALESCE(i.since, v.issue_date), i.amount - i.settled FROM installments i
         JOIN invoices v ON v.id = i.invoice_id
         WHERE i.invoice_id = ?1 AND i.settled < i.amount AND v.voided = 0",
    )?;
    let mut targets: Vec<Target> = stmt.query_map([invoice_id], target_row)?.collect::<rusqlite::Result<_>>()?;
    sort_fifo(&mut targets);
    Ok(targets)
}

/// One open installment as an allocation target (none if settled or void).
pub fn installment_target(conn: &Connection, id: i64) -> Result<Option<Target>> {
    Ok(conn
        .prepare_cached(
            "SELECT i.id, i.due_date, COALESCE(i.since, v.issue_date), i.amount - i.settled FROM installments i
             JOIN invoices v ON v.id = i.invoice_id WHERE i.id = ?1 AND i.settled < i.amount AND v.voided = 0",
        )?
        .query_row([id], target_row)
        .optional()?)
}

/// A target's "issue date" is the day it came to exist: its invoice's issue
/// date, or a payment plan's date for a plan installment (money paid to it
/// takes effect from then on).
fn target_row(r: &rusqlite::Row) -> rusqlite::Result<Target> {
    Ok(Target { id: r.get(0)?, due_date: date_col(r, 1)?, issue_date: date_col(r, 2)?, balance: money_col(r, 3)? })
}

/// Allocate `amount` of payment `id` (dated `date`) as asked.
pub fn allocate_payment(
    conn: &Connection,
    id: i64,
    date: NaiveDate,
    amount: Money,
    customer_id: i64,
    to: &AllocateTo,
) -> Result<Money> {
    let targets = match to {
        AllocateTo::Fifo => fifo_targets_covering(conn, customer_id, Some(amount))?,
        AllocateTo::Invoices(ids) => {
            let mut all = Vec::new();
            for inv in ids {
                all.extend(invoice_targets(conn, *inv)?);
            }
            all
        }
        AllocateTo::Installments(ids) => {
            let mut all = Vec::new();
            for id in ids {
                all.extend(installment_target(conn, *id)?);
            }
            all
        }
    };
    let a = allocate(amount, &targets);
    for part in &a.parts {
        let t = targets.iter().find(|t| t.id == part.target).expect("part of a known target");
        insert_allocation(conn, id, t, part.amount, date)?;
    }
    let paid: Vec<i64> = a.parts.iter().map(|p| p.target).collect();
    allow_discounts(conn, id, date, &paid)?;
    Ok(a.unapplied)
}

/// Whether any invoice offers an early-payment discount (a partial index
/// answers it without reading the invoices).
fn any_discount(conn: &Connection) -> Result<bool> {
    Ok(conn
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM invoices INDEXED BY invoices_discount WHERE discount_pct IS NOT NULL)",
        )?
        .query_row([], |r| r.get(0))?)
}

/// The early-payment discount (DESIGN §2): when the payments dated inside
/// an invoice's window (its issue date + the discount's days) leave a
/// remainder no larger than the discount (its percent of the invoice),
/// the remainder is closed by a *discount allowed* entry dated on the last
/// such payment's day (never before the issue date) and tied to that
/// payment, so voiding the payment takes it back. Checked for the invoices
/// of `installments` after payment `payment` (dated `date`) paid them.
fn allow_discounts(conn: &Connection, payment: i64, date: NaiveDate, installments: &[i64]) -> Result<()> {
    if installments.is_empty() || !any_discount(conn)? {
        return Ok(());
    }
    // The invoices paid that offer a discount whose window holds the
    // payment, have none allowed yet and are not settled otherwise than by
    // payments dated inside their window.
    let mut stmt = conn.prepare_cached(
        "SELECT v.id, v.number, v.issue_date, v.amount, v.discount_pct,
                (SELECT COALESCE(SUM(i.amount - i.settled), 0) FROM installments i WHERE i.invoice_id = v.id),
                (SELECT COALESCE(SUM(a.amount), 0) FROM allocations a
                   JOIN installments i ON i.id = a.installment_id JOIN payments p ON p.id = a.payment_id
                  WHERE i.invoice_id = v.id AND p.voided = 0
                    AND p.date <= date(v.issue_date, '+' || v.discount_days || ' days'))
         FROM invoices v
         WHERE v.id = (SELECT invoice_id FROM installments WHERE id = ?1)
           AND v.discount_pct IS NOT NULL AND v.voided = 0
           AND ?2 <= date(v.issue_date, '+' || v.discount_days || ' days')
           AND NOT EXISTS (SELECT 1 FROM write_offs w JOIN installments i ON i.id = w.installment_id
                            WHERE i.invoice_id = v.id AND w.kind = 'discount')",
    )?;
    let mut done = Vec::new();
    for &installment in installments {
        let row = stmt
            .query_row(params![installment, date_sql(date)], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    date_col(r, 2)?,
                    money_col(r, 3)?,
                    r.get::<_, String>(4)?,
                    money_col(r, 5)?,
                    money_col(r, 6)?,
                ))
            })
            .optional()?;
        let Some((invoice, number, issued, amount, pct, balance, paid_in_window)) = row else { continue };
        if done.contains(&invoice) {
            continue;
        }
        done.push(invoice);
        let pct: rust_decimal::Decimal = pct.parse().map_err(|_| {
            super::StoreError::invalid(
                format!("invoice {number} has a discount of '{pct}' %, which is not a number; run huikuan check"),
                format!("发票 {number} 的现金折扣“{pct}”% 不是数字；请运行 huikuan check"),
            )
        })?;
        let discount = Money::round(amount.as_decimal() * pct / rust_decimal::Decimal::ONE_HUNDRED);
        // Only what the window's payments left: a write-off or a late
        // payment in between means the terms were not met as written.
        if !balance.is_positive() || balance > discount || amount - paid_in_window != balance {
            continue;
        }
        let on = date.max(issued);
        let mut open = conn.prepare_cached(
            "SELECT id, amount - settled FROM installments WHERE invoice_id = ?1 AND settled < amount ORDER BY due_date, seq",
        )?;
        let parts: Vec<(i64, Money)> =
            open.query_map([invoice], |r| Ok((r.get(0)?, money_col(r, 1)?)))?.collect::<rusqlite::Result<_>>()?;
        let reason = format!("early-payment discount {}% / 现金折扣", pct.normalize());
        for (id, left) in parts {
            conn.prepare_cached(
                "INSERT INTO write_offs (installment_id, date, amount, reason, kind, payment_id)
                 VALUES (?1, ?2, ?3, ?4, 'discount', ?5)",
            )?
            .execute(params![id, date_sql(on), left.cents(), reason, payment])?;
        }
    }
    Ok(())
}

fn insert_allocation(
    conn: &Connection,
    payment: i64,
    t: &Target,
    amount: Money,
    payment_date: NaiveDate,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO allocations (payment_id, installment_id, amount, effective_date) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![payment, t.id, amount.cents(), date_sql(effective_date(payment_date, t.issue_date))])?;
    Ok(())
}

/// Unapplied credit a customer has that applies itself to new invoices, oldest first.
pub fn auto_credits(conn: &Connection, customer_id: i64) -> Result<Vec<(Credit, NaiveDate)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, amount - allocated, date FROM payments
         WHERE customer_id = ?1 AND voided = 0 AND auto_apply = 1 AND allocated < amount ORDER BY date, id",
    )?;
    let rows = stmt.query_map([customer_id], |r| {
        Ok((Credit { payment: r.get(0)?, available: money_col(r, 1)? }, date_col(r, 2)?))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The customers that have unapplied credit which applies itself to new
/// invoices ([`auto_credits`] not empty), read once: a run of new invoices
/// adds no credit, so only these customers' invoices can take any.
pub fn customers_with_auto_credit(conn: &Connection) -> Result<std::collections::HashSet<i64>> {
    let mut stmt = conn.prepare_cached(
        "SELECT DISTINCT customer_id FROM payments WHERE voided = 0 AND auto_apply = 1 AND allocated < amount",
    )?;
    let ids = stmt.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    Ok(ids)
}

/// Apply the customer's automatic credit to a new invoice. Returns what was applied.
pub fn apply_credit_to_invoice(conn: &Connection, customer_id: i64, invoice_id: i64) -> Result<Money> {
    let credits = auto_credits(conn, customer_id)?;
    if credits.is_empty() {
        return Ok(Money::ZERO);
    }
    let targets = invoice_targets(conn, invoice_id)?;
    let plain: Vec<Credit> = credits.iter().map(|(c, _)| c.clone()).collect();
    let mut applied = Money::ZERO;
    for u in apply_credits(&plain, &targets) {
        let t = targets.iter().find(|t| t.id == u.target).expect("use of a known target");
        let date = credits.iter().find(|(c, _)| c.payment == u.payment).map(|(_, d)| *d).expect("known credit");
        insert_allocation(conn, u.payment, t, u.amount, date)?;
        allow_discounts(conn, u.payment, date, &[t.id])?;
        applied += u.amount;
    }
    Ok(applied)
}

#[cfg(test)]
mod tests {
    //! The rule on a book filled by hand (plain SQL, so that these tests use
    //! nothing of the payments and invoices files that call this one).
    use super::*;
    use crate::store::Book;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    /// Customer 1: invoice 1 (issued 01-01) in two parts due 02-01 (400.00)
    /// and 03-01 (600.00); invoice 2 (issued 01-15) due 02-01 (500.00);
    /// invoice 3 disputed, due 01-20 (300.00); invoice 4 void, due 01-10.
    /// Customer 2: an unapplied payment of 1,000.00 dated 01-05 and an
    /// invoice issued 04-01 of 300.00.
    fn book() -> Book {
        let book = Book::in_memory();
        book.conn
            .execute_batch(
                "INSERT INTO customers (id, code, name, created) VALUES (1, 'A', 'A Ltd', '2026-01-01'), (2, 'B', 'B Ltd', '2026-01-01');
                 INSERT INTO invoices (id, number, customer_id, issue_date, amount, disputed, voided) VALUES
                    (1, 'I1', 1, '2026-01-01', 100000, 0, 0), (2, 'I2', 1, '2026-01-15', 50000, 0, 0),
                    (3, 'I3', 1, '2025-12-20', 30000, 1, 0), (4, 'I4', 1, '2025-12-10', 20000, 0, 1),
                    (5, 'I5', 2, '2026-04-01', 30000, 0, 0);
                 INSERT INTO installments (id, invoice_id, customer_id, seq, due_date, amount) VALUES
                    (11, 1, 1, 1, '2026-02-01', 40000), (12, 1, 1, 2, '2026-03-01', 60000),
                    (21, 2, 1, 1, '2026-02-01', 50000), (31, 3, 1, 1, '2026-01-20', 30000),
                    (41, 4, 1, 1, '2026-01-10', 20000), (51, 5, 2, 1, '2026-05-01', 30000);
                 INSERT INTO payments (id, customer_id, date, amount, method) VALUES
                    (1, 1, '2026-02-10', 70000, 'bank'), (2, 2, '2026-01-05', 100000, 'bank');",
            )
            .unwrap();
        crate::store::balances::copy_invoice_facts(&book.conn).unwrap();
        book
    }

    fn ids(t: &[Target]) -> Vec<i64> {
        t.iter().map(|t| t.id).collect()
    }

    /// (installment, amount in cents, effective date) of a payment's allocations.
    fn allocations(conn: &Connection, payment: i64) -> Vec<(i64, i64, String)> {
        let mut s = conn
            .prepare("SELECT installment_id, amount, effective_date FROM allocations WHERE payment_id = ?1 ORDER BY id")
            .unwrap();
        s.query_map([payment], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).unwrap().map(Result::unwrap).collect()
    }

    #[test]
    fn fifo_skips_disputed_and_void_invoices_and_breaks_ties_by_issue_date() {
        let b = book();
        assert_eq!(ids(&fifo_targets(&b.conn, 1).unwrap()), vec![11, 21, 12]);
    }

    #[test]
    fn fifo_reads_only_what_covers_the_amount_even_within_a_due_date() {
        let b = book();
        // 11 and 21 fall due the same day; 11's invoice was issued first, and
        // its 400.00 covers the amount: 21 is not read (the index holds the
        // order within a due date, upgrade 16).
        let covering = |cents| ids(&fifo_targets_covering(&b.conn, 1, Some(Money::from_cents(cents))).unwrap());
        assert_eq!(covering(40_000), vec![11]);
        assert_eq!(covering(40_001), vec![11, 21]);
        assert_eq!(covering(90_001), vec![11, 21, 12]);
    }

    #[test]
    fn a_payment_pays_oldest_first_and_keeps_what_is_left_unapplied() {
        let b = book();
        let left =
            allocate_payment(&b.conn, 1, d("2026-02-10"), Money::from_cents(70_000), 1, &AllocateTo::Fifo).unwrap();
        assert_eq!(left, Money::ZERO);
        assert_eq!(
            allocations(&b.conn, 1),
            vec![(11, 40_000, "2026-02-10".to_string()), (21, 30_000, "2026-02-10".to_string())]
        );
        // Named invoices only: 1,000.00 to invoice 2 pays its 200.00 left; 800.00 stays unapplied.
        b.conn.execute("INSERT INTO payments (id, customer_id, date, amount, method) VALUES (3, 1, '2026-02-11', 100000, 'bank')", []).unwrap();
        let left = allocate_payment(
            &b.conn,
            3,
            d("2026-02-11"),
            Money::from_cents(100_000),
            1,
            &AllocateTo::Invoices(vec![2]),
        )
        .unwrap();
        assert_eq!(left, Money::from_cents(80_000));
        assert_eq!(allocations(&b.conn, 3), vec![(21, 20_000, "2026-02-11".to_string())]);
    }

    #[test]
    fn credit_applied_to_a_later_invoice_takes_effect_on_its_issue_date() {
        let b = book();
        assert_eq!(auto_credits(&b.conn, 2).unwrap().len(), 1);
        let applied = apply_credit_to_invoice(&b.conn, 2, 5).unwrap();
        assert_eq!(applied, Money::from_cents(30_000));
        assert_eq!(allocations(&b.conn, 2), vec![(51, 30_000, "2026-04-01".to_string())]);
        // 700.00 of the credit is left for the next invoice.
        let (c, _) = &auto_credits(&b.conn, 2).unwrap()[0];
        assert_eq!(c.available, Money::from_cents(70_000));
    }
}
