//! The balances the book keeps current (schema upgrade 14): `open_balances`
//! (the open amount per customer, due date, issue date and first day it
//! counts) and `daily_totals` (invoiced, collected, discounts and write-offs
//! per day). [`count_new_installment`] counts a new installment and the
//! schema's triggers follow every later change, in the transaction of the
//! change; `huikuan check` compares them with the book and
//! `huikuan check --rebuild-balances` computes them afresh.

use chrono::NaiveDate;
use rusqlite::Connection;

use super::{Result, date_sql};
use crate::ledger::Money;

/// Count a new installment in `open_balances`: `customer_id`'s part due
/// `due` of an invoice issued `issued`, counting from `counts_from` (the
/// issue date, or a payment plan's date). The one place a new installment
/// enters the table: whatever writes installments calls it in the same
/// transaction (every later change is followed by the triggers).
pub fn count_new_installment(
    conn: &Connection,
    customer_id: i64,
    due: NaiveDate,
    issued: NaiveDate,
    counts_from: NaiveDate,
    amount: Money,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO open_balances (customer_id, due_date, issue_date, counts_from, amount, items)
         VALUES (?1, ?2, ?3, ?4, ?5, 1)
         ON CONFLICT DO UPDATE SET amount = amount + excluded.amount, items = items + 1",
    )?
    .execute(rusqlite::params![
        customer_id,
        date_sql(due),
        date_sql(issued),
        date_sql(counts_from.max(issued)),
        amount.cents()
    ])?;
    Ok(())
}

/// Leave the kept balances of what this transaction adds (new invoices and
/// installments, payments, allocations, write-offs) to [`catch_up`] at its commit
/// instead of following each row: the bulk path of an import. Row by row,
/// every allocation would also write a row of `open_balances` and one of
/// `daily_totals`; at the end, what the import touched is recomputed in two
/// set-wise statements each. Nothing but additions may happen meanwhile:
/// the schema refuses a void, a removed allocation or write-off, or a moved
/// installment while the mark is there (catch_up would not see them). Call it in
/// the import's own transaction, before its first row: the mark is
/// rolled back with everything else if the import fails or is killed.
pub fn defer(conn: &Connection) -> Result<()> {
    conn.execute_batch(
        "DELETE FROM bulk_load;
         INSERT INTO bulk_load (invoices, allocations, write_offs, payments)
         SELECT (SELECT COALESCE(MAX(id), 0) FROM invoices), (SELECT COALESCE(MAX(id), 0) FROM allocations),
                (SELECT COALESCE(MAX(id), 0) FROM write_offs), (SELECT COALESCE(MAX(id), 0) FROM payments);",
    )?;
    Ok(())
}

/// Whether [`defer`] is in force in this transaction.
pub fn deferred(conn: &Connection) -> Result<bool> {
    Ok(conn.prepare_cached("SELECT EXISTS (SELECT 1 FROM bulk_load)")?.query_row([], |r| r.get(0))?)
}

/// After [`defer`]: add to the kept balances what the invoices,
/// installments, allocations and write-offs added since changed, read
/// set-wise from the new rows (each table's ids above the mark: a range of
/// its rowids), then follow row by row again. As only additions happened
/// meanwhile (the schema refused anything else), the change of each open
/// balance is the new installments' open amounts less the new settlements
/// of the older ones (an older installment they closed leaves its row),
/// and the change of each day is the new rows of that day. Nothing when
/// nothing was deferred. Called by `Tx::commit` as well.
pub fn catch_up(conn: &Connection) -> Result<()> {
    if !deferred(conn)? {
        return Ok(());
    }
    conn.execute_batch(
        "INSERT OR FAIL INTO open_balances (customer_id, due_date, issue_date, counts_from, amount, items)
         SELECT customer_id, due_date, issue_date, counts_from, SUM(amount), SUM(items) FROM (
             SELECT i.customer_id, i.due_date, v.issue_date,
                    max(v.issue_date, coalesce(i.since, v.issue_date)) AS counts_from,
                    i.amount - i.settled AS amount, 1 AS items
             FROM invoices v JOIN installments i ON i.invoice_id = v.id
             WHERE v.id > (SELECT invoices FROM bulk_load) AND v.voided = 0 AND i.settled < i.amount
             UNION ALL
             SELECT i.customer_id, i.due_date, v.issue_date, max(v.issue_date, coalesce(i.since, v.issue_date)),
                    -s.amount, -(i.settled = i.amount)
             FROM (SELECT installment_id, SUM(amount) AS amount FROM (
                       SELECT installment_id, amount FROM allocations WHERE id > (SELECT allocations FROM bulk_load)
                       UNION ALL
                       SELECT installment_id, amount FROM write_offs WHERE id > (SELECT write_offs FROM bulk_load))
                   GROUP BY installment_id) s
             JOIN installments i ON i.id = s.installment_id
             JOIN invoices v ON v.id = i.invoice_id
             WHERE i.invoice_id <= (SELECT invoices FROM bulk_load) AND v.voided = 0)
         WHERE true
         GROUP BY 1, 2, 3, 4
         ON CONFLICT DO UPDATE SET amount = amount + excluded.amount, items = items + excluded.items;
         DELETE FROM open_balances WHERE items = 0;
         INSERT OR FAIL INTO daily_totals (date, invoiced, collected, discounts, written_off)
         SELECT date, SUM(invoiced), SUM(collected), SUM(discounts), SUM(written_off) FROM (
             SELECT issue_date AS date, amount AS invoiced, 0 AS collected, 0 AS discounts, 0 AS written_off
             FROM invoices WHERE id > (SELECT invoices FROM bulk_load) AND voided = 0
             UNION ALL
             SELECT effective_date, 0, amount, 0, 0 FROM allocations WHERE id > (SELECT allocations FROM bulk_load)
             UNION ALL
             SELECT date, 0, 0, iif(kind = 'discount', amount, 0), iif(kind = 'write_off', amount, 0)
             FROM write_offs WHERE id > (SELECT write_offs FROM bulk_load) AND kind != 'reschedule')
         WHERE true
         GROUP BY date
         ON CONFLICT DO UPDATE SET invoiced = invoiced + excluded.invoiced, collected = collected + excluded.collected,
             discounts = discounts + excluded.discounts, written_off = written_off + excluded.written_off;
         INSERT OR FAIL INTO daily_totals (date, received)
         SELECT date, SUM(amount) FROM payments WHERE id > (SELECT payments FROM bulk_load) AND voided = 0
         GROUP BY date
         ON CONFLICT DO UPDATE SET received = received + excluded.received;
         DELETE FROM bulk_load;",
    )?;
    Ok(())
}

/// An import's use of [`defer`]: deferred from [`Bulk::start`], caught up
/// every [`Bulk::BATCH`] rows (so that what [`catch_up`] sorts, in memory,
/// stays small whatever the file's size) and at [`Bulk::finish`].
pub struct Bulk {
    rows: usize,
}

impl Bulk {
    /// Rows between two catch-ups: what catch_up sorts stays small.
    pub const BATCH: usize = 100_000;

    pub fn start(conn: &Connection) -> Result<Bulk> {
        defer(conn)?;
        Ok(Bulk { rows: 0 })
    }

    /// One row of the import added.
    pub fn row(&mut self, conn: &Connection) -> Result<()> {
        self.rows += 1;
        if self.rows.is_multiple_of(Self::BATCH) {
            catch_up(conn)?;
            defer(conn)?;
        }
        Ok(())
    }

    pub fn finish(self, conn: &Connection) -> Result<()> {
        catch_up(conn)
    }
}

/// Copy each invoice's issue date, dispute, void and kind onto its
/// installments (for installments written by raw SQL: tests, other programs).
pub fn copy_invoice_facts(conn: &Connection) -> Result<()> {
    conn.execute_batch(super::schema::INVOICE_COPIES_FROM_THE_BOOK)?;
    Ok(())
}

/// Recompute both tables from the installments, invoices, allocations and
/// write-offs (the remedy when `check` finds a kept figure that differs).
pub fn rebuild(conn: &Connection) -> Result<()> {
    conn.execute_batch(super::schema::BALANCES_FROM_THE_BOOK)?;
    conn.execute_batch("DELETE FROM bulk_load")?;
    Ok(())
}
