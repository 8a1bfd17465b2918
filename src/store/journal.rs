//! The rows behind `export journal`: every movement of money on the
//! receivables of a period, in date order, and the day each general-ledger
//! account is first used.
//!
//! A movement is an invoice (sale or late interest), a payment, a part of a
//! payment applied to an invoice (on the payment's own date, or later: credit
//! applied from its effective date), an early-payment discount allowed or a
//! write-off. Void invoices and void payments are in none of them (a void is
//! a correction, excluded everywhere), and so are the settlements of a void
//! invoice or payment. Only write-offs of the kinds `write_off` and
//! `discount` move money in the general ledger; they are named, so a kind
//! added later is never exported by accident.
//!
//! The figures mirror the aging report ([`super::aging`]): as of any date,
//! what the movements up to it leave on a customer's receivable is its
//! outstanding, and what they leave on its advances is its unapplied credit.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::{StoreError, date_col, date_sql, money_col};
use crate::ledger::Money;
use rusqlite::Connection;

/// What a movement is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MovementKind {
    /// A sales invoice issued.
    Invoice,
    /// A late-interest invoice posted.
    Interest,
    /// A payment received (its whole amount).
    Payment,
    /// The part of a payment applied to one invoice on the payment's date.
    PaidOnReceipt,
    /// Credit of a payment applied to one invoice on a later day.
    Applied,
    /// An early-payment discount allowed on one invoice.
    Discount,
    /// A write-off of one invoice.
    WriteOff,
}

/// One movement row. Rows that make one general-ledger entry come one after
/// the other and share `date`, `entry` and `group`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Movement {
    pub date: NaiveDate,
    pub kind: MovementKind,
    /// The entry the row belongs to: 0 invoice, 1 payment, 2 later
    /// application, 3 discount, 4 write-off.
    pub entry: u8,
    /// The invoice's id (invoices, discounts, write-offs) or the payment's
    /// (payments and their applications).
    pub group: i64,
    /// The invoice number; for a payment row, the payment's id.
    pub number: String,
    /// The customer code: the invoice's customer, or the paying customer.
    pub customer: String,
    /// For applied rows: the code of the customer who paid (whose credit it is).
    pub payer: Option<String>,
    pub amount: Money,
    /// The payment's reference, or the write-off's reason.
    pub note: Option<String>,
}

/// Every movement dated from `from` to `to` (inclusive), in date order, one
/// row at a time to `f`: a period is never loaded whole.
///
/// `f`'s error type is the caller's, so a row can be written out as it
/// comes; the store's own errors are turned into it.
pub fn movements<E: From<StoreError>>(
    conn: &Connection,
    from: NaiveDate,
    to: NaiveDate,
    mut f: impl FnMut(Movement) -> Result<(), E>,
) -> Result<(), E> {
    // Columns: date, entry, group, line, kind, number, customer, payer, amount, note.
    const SQL: &str = "
        SELECT v.issue_date, 0, v.id, 0, CASE v.kind WHEN 'interest' THEN 1 ELSE 0 END, v.number, c.code,
               NULL, v.amount, NULL
          FROM invoices v JOIN customers c ON c.id = v.customer_id
         WHERE v.voided = 0 AND v.issue_date BETWEEN ?1 AND ?2
        UNION ALL
        SELECT p.date, 1, p.id, 0, 2, CAST(p.id AS TEXT), c.code, NULL, p.amount, p.reference
          FROM payments p JOIN customers c ON c.id = p.customer_id
         WHERE p.voided = 0 AND p.date BETWEEN ?1 AND ?2
        UNION ALL
        SELECT a.effective_date, CASE WHEN a.effective_date <= p.date THEN 1 ELSE 2 END, p.id, 1,
               CASE WHEN a.effective_date <= p.date THEN 3 ELSE 4 END, v.number, c.code, pc.code,
               SUM(a.amount), NULL
          FROM allocations a
          JOIN payments p ON p.id = a.payment_id
          JOIN customers pc ON pc.id = p.customer_id
          JOIN installments i ON i.id = a.installment_id
          JOIN invoices v ON v.id = i.invoice_id
          JOIN customers c ON c.id = v.customer_id
         WHERE p.voided = 0 AND v.voided = 0 AND a.effective_date BETWEEN ?1 AND ?2
         GROUP BY a.effective_date, p.id, v.id
        UNION ALL
        SELECT w.date, CASE w.kind WHEN 'discount' THEN 3 ELSE 4 END, v.id, 0,
               CASE w.kind WHEN 'discount' THEN 5 ELSE 6 END, v.number, c.code, NULL, SUM(w.amount),
               CASE w.kind WHEN 'write_off' THEN MIN(w.reason) END
          FROM write_offs w
          JOIN installments i ON i.id = w.installment_id
          JOIN invoices v ON v.id = i.invoice_id
          JOIN customers c ON c.id = v.customer_id
         WHERE v.voided = 0 AND w.kind IN ('write_off', 'discount') AND w.date BETWEEN ?1 AND ?2
         GROUP BY w.date, w.kind, v.id
        ORDER BY 1, 2, 3, 4, 6";
    let store = |e: rusqlite::Error| E::from(StoreError::from(e));
    let mut stmt = conn.prepare(SQL).map_err(store)?;
    let mut rows = stmt.query([date_sql(from), date_sql(to)]).map_err(store)?;
    while let Some(r) = rows.next().map_err(store)? {
        let kind = match r.get::<_, i64>(4).map_err(store)? {
            0 => MovementKind::Invoice,
            1 => MovementKind::Interest,
            2 => MovementKind::Payment,
            3 => MovementKind::PaidOnReceipt,
            4 => MovementKind::Applied,
            5 => MovementKind::Discount,
            _ => MovementKind::WriteOff,
        };
        let row = (|| {
            Ok::<_, rusqlite::Error>(Movement {
                date: date_col(r, 0)?,
                entry: r.get::<_, u8>(1)?,
                group: r.get(2)?,
                kind,
                number: r.get(5)?,
                customer: r.get(6)?,
                payer: r.get(7)?,
                amount: money_col(r, 8)?,
                note: r.get(9)?,
            })
        })()
        .map_err(store)?;
        f(row)?;
    }
    Ok(())
}

/// A general-ledger account as the book knows it, before it is named.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Ledger {
    /// A customer's receivable, by customer code.
    Receivable(String),
    /// A customer's advances (unapplied credit), by customer code.
    Advances(String),
    Bank,
    Sales,
    Interest,
    Discounts,
    BadDebts,
}

/// The day each account is first used by a movement in the whole book:
/// where an export that starts later finds the accounts opened before it.
/// The same rules as [`movements`], aggregated by SQLite.
pub fn first_uses(conn: &Connection) -> super::Result<HashMap<Ledger, NaiveDate>> {
    let mut out: HashMap<Ledger, NaiveDate> = HashMap::new();
    let mut add = |sql: &str, f: &dyn Fn(Option<String>) -> Ledger| -> super::Result<()> {
        let mut stmt = conn.prepare(sql)?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            if r.get::<_, Option<String>>(1)?.is_none() {
                continue;
            }
            let (key, date) = (f(r.get(0)?), date_col(r, 1)?);
            let e = out.entry(key).or_insert(date);
            *e = (*e).min(date);
        }
        Ok(())
    };
    let code = |c: Option<String>| c.unwrap_or_default();
    add(
        "SELECT c.code, MIN(v.issue_date) FROM invoices v JOIN customers c ON c.id = v.customer_id
         WHERE v.voided = 0 GROUP BY v.customer_id",
        &|c| Ledger::Receivable(code(c)),
    )?;
    // A payment uses the advances when it is not all applied on its own day.
    add(
        "SELECT c.code, MIN(p.date) FROM payments p JOIN customers c ON c.id = p.customer_id
         WHERE p.voided = 0 AND p.amount > (
             SELECT COALESCE(SUM(a.amount), 0) FROM allocations a
               JOIN installments i ON i.id = a.installment_id JOIN invoices v ON v.id = i.invoice_id
              WHERE a.payment_id = p.id AND a.effective_date <= p.date AND v.voided = 0)
         GROUP BY p.customer_id",
        &|c| Ledger::Advances(code(c)),
    )?;
    add("SELECT NULL, MIN(date) FROM payments WHERE voided = 0", &|_| Ledger::Bank)?;
    add("SELECT NULL, MIN(issue_date) FROM invoices WHERE voided = 0 AND kind = 'sale'", &|_| Ledger::Sales)?;
    add("SELECT NULL, MIN(issue_date) FROM invoices WHERE voided = 0 AND kind = 'interest'", &|_| Ledger::Interest)?;
    for (kind, ledger) in [("discount", Ledger::Discounts), ("write_off", Ledger::BadDebts)] {
        add(
            &format!(
                "SELECT NULL, MIN(w.date) FROM write_offs w JOIN installments i ON i.id = w.installment_id
                 JOIN invoices v ON v.id = i.invoice_id WHERE v.voided = 0 AND w.kind = '{kind}'"
            ),
            &|_| ledger.clone(),
        )?;
    }
    Ok(out)
}

/// Every customer code of the book: the names of their accounts must stay
/// apart in every export, whichever customers it shows.
pub fn customer_codes(conn: &Connection) -> super::Result<Vec<String>> {
    let mut stmt = conn.prepare("SELECT code FROM customers ORDER BY code")?;
    let codes = stmt.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    Ok(codes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::example::{self, d, m};

    fn all(conn: &Connection, from: &str, to: &str) -> Vec<(String, MovementKind, String, String)> {
        let mut out = Vec::new();
        movements::<StoreError>(conn, d(from), d(to), |r| {
            out.push((r.date.to_string(), r.kind, r.number.clone(), r.amount.plain()));
            Ok(())
        })
        .unwrap();
        out
    }

    #[test]
    fn the_movements_of_the_hand_made_book_come_in_date_order() {
        let ex = example::book();
        let rows = all(&ex.book.conn, "2026-01-01", "2026-12-31");
        assert!(rows.windows(2).all(|w| w[0].0 <= w[1].0), "{rows:?}");
        let invoiced: Money = rows.iter().filter(|r| r.1 == MovementKind::Invoice).map(|r| m(&r.3)).sum();
        assert_eq!(invoiced, m("1800.00"));
        let written_off: Money = rows.iter().filter(|r| r.1 == MovementKind::WriteOff).map(|r| m(&r.3)).sum();
        assert_eq!(written_off, m("100.00"));
        // Every payment's applications add up to no more than the payment.
        let received: Money = rows.iter().filter(|r| r.1 == MovementKind::Payment).map(|r| m(&r.3)).sum();
        let applied: Money = rows
            .iter()
            .filter(|r| matches!(r.1, MovementKind::PaidOnReceipt | MovementKind::Applied))
            .map(|r| m(&r.3))
            .sum();
        assert_eq!(received - applied, m("200.00"), "the unapplied credit of the aging report");
        assert_eq!(applied, m("700.00"), "the collected of the aging report");
    }

    #[test]
    fn a_period_split_in_two_gives_the_same_rows() {
        let ex = example::book();
        let whole = all(&ex.book.conn, "2026-01-01", "2026-12-31");
        let mut parts = all(&ex.book.conn, "2026-01-01", "2026-02-28");
        parts.extend(all(&ex.book.conn, "2026-03-01", "2026-12-31"));
        assert_eq!(whole, parts);
    }

    #[test]
    fn first_uses_are_the_first_days_an_account_moves() {
        let ex = example::book();
        let first = first_uses(&ex.book.conn).unwrap();
        let rows = all(&ex.book.conn, "2000-01-01", "2099-12-31");
        let first_invoice = rows.iter().find(|r| r.1 == MovementKind::Invoice).map(|r| d(&r.0));
        assert_eq!(first.get(&Ledger::Sales).copied(), first_invoice);
        let first_payment = rows.iter().find(|r| r.1 == MovementKind::Payment).map(|r| d(&r.0));
        assert_eq!(first.get(&Ledger::Bank).copied(), first_payment);
        assert!(first.contains_key(&Ledger::Receivable("A".into())));
        assert!(!first.contains_key(&Ledger::Interest), "no interest invoice in the book");
    }
}
