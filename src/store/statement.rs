//! The customer statement's rows: the balance brought forward and every
//! invoice, payment and write-off of a period, in date order.

use chrono::NaiveDate;
use rusqlite::Connection;

use super::{Result, date_col, date_sql, money_col};
use crate::ledger::Money;

/// What a statement line records.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntryKind {
    Invoice,
    /// A late-interest invoice.
    Interest,
    Payment,
    /// An early-payment discount allowed (现金折扣).
    Discount,
    WriteOff,
}

/// One line of a customer statement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatementLine {
    pub date: NaiveDate,
    pub kind: EntryKind,
    pub reference: String,
    /// Positive for what the customer owes more, negative for what reduces it.
    pub amount: Money,
}

/// A customer's balance brought forward and the period's lines.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Transactions {
    /// Invoiced − received − written off before the period.
    pub opening: Money,
    pub lines: Vec<StatementLine>,
}

/// Every transaction of a customer in `[?2, ?3]`: date, kind (0 invoice,
/// 1 interest, 2 payment, 3 write-off, 4 discount), reference, signed amount, id.
/// A payment plan moves a balance without changing it: not a transaction.
const TRANSACTIONS: &str = "
    SELECT issue_date, CASE kind WHEN 'interest' THEN 1 ELSE 0 END, number, amount, id FROM invoices
     WHERE customer_id = ?1 AND voided = 0 AND issue_date BETWEEN ?2 AND ?3
    UNION ALL
    SELECT date, 2, COALESCE(reference, '#' || id), -amount, id FROM payments
     WHERE customer_id = ?1 AND voided = 0 AND date BETWEEN ?2 AND ?3
    UNION ALL
    SELECT w.date, CASE w.kind WHEN 'discount' THEN 4 ELSE 3 END, v.number, -w.amount, w.id FROM write_offs w
      JOIN installments i ON i.id = w.installment_id JOIN invoices v ON v.id = i.invoice_id
     WHERE i.customer_id = ?1 AND v.voided = 0 AND w.date BETWEEN ?2 AND ?3 AND w.kind != 'reschedule'";

/// The customer's balance (invoiced − received − written off) before `from`,
/// and every transaction dated in [from, to], in date order.
pub fn statement(conn: &Connection, customer_id: i64, from: NaiveDate, to: NaiveDate) -> Result<Transactions> {
    let before = from.pred_opt().unwrap_or(from);
    let opening: Money = super::one(
        conn,
        &format!("SELECT COALESCE(SUM(amount), 0) FROM ({TRANSACTIONS})"),
        rusqlite::params![customer_id, "0000-01-01", date_sql(before)],
        |r| money_col(r, 0),
    )?;
    let mut stmt = conn.prepare(&format!("SELECT * FROM ({TRANSACTIONS}) ORDER BY 1, 2, 5"))?;
    let rows = stmt.query_map(rusqlite::params![customer_id, date_sql(from), date_sql(to)], |r| {
        let kind = match r.get::<_, i64>(1)? {
            0 => EntryKind::Invoice,
            1 => EntryKind::Interest,
            2 => EntryKind::Payment,
            4 => EntryKind::Discount,
            _ => EntryKind::WriteOff,
        };
        Ok(StatementLine { date: date_col(r, 0)?, kind, reference: r.get(2)?, amount: money_col(r, 3)? })
    })?;
    Ok(Transactions { opening, lines: rows.collect::<rusqlite::Result<_>>()? })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::example::{self, d, m};

    fn line(date: &str, kind: EntryKind, reference: &str, amount: &str) -> StatementLine {
        StatementLine { date: d(date), kind, reference: reference.into(), amount: m(amount) }
    }

    #[test]
    fn a_statement_brings_the_balance_forward_and_lists_the_period_in_date_order() {
        let ex = example::book();
        let t = statement(&ex.book.conn, ex.a, d("2026-02-01"), d("2026-04-30")).unwrap();
        assert_eq!(t.opening, m("1000.00"));
        assert_eq!(
            t.lines,
            [
                line("2026-02-10", EntryKind::Payment, "#1", "-400.00"),
                line("2026-03-01", EntryKind::Invoice, "A2", "500.00"),
                line("2026-04-10", EntryKind::WriteOff, "A2", "-100.00"),
            ]
        );
    }

    #[test]
    fn a_customer_in_credit_has_a_negative_balance() {
        let ex = example::book();
        let t = statement(&ex.book.conn, ex.b, d("2026-03-01"), d("2026-03-31")).unwrap();
        assert_eq!(t.opening, m("300.00"));
        assert_eq!(t.lines, [line("2026-03-05", EntryKind::Payment, "#2", "-500.00")]);
        assert_eq!(t.opening + t.lines.iter().map(|l| l.amount).sum::<Money>(), m("-200.00"));
    }
}
