//! Disputes as dated intervals (DESIGN §2): an invoice is in dispute from
//! the day one is opened until the day before it is resolved. The days in
//! between bear no late interest and the invoice is left out of dunning
//! while a dispute is open; the history is kept. `invoices.disputed` says
//! whether one is open now, for the queries that only ask that.

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, params};

use super::{Result, StoreError, date_col, date_sql};
use crate::ledger::reason::OverdueReason;

/// One dispute of an invoice.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dispute {
    pub opened: NaiveDate,
    pub resolved: Option<NaiveDate>,
    pub reason: Option<String>,
}

/// The disputes of an invoice, oldest first. A dispute flagged before
/// disputes were dated reads as open since the issue date.
pub fn of_invoice(conn: &Connection, invoice_id: i64) -> Result<Vec<Dispute>> {
    let mut stmt = conn.prepare_cached(
        "SELECT opened, resolved, reason FROM disputes WHERE invoice_id = ?1
         UNION ALL
         SELECT issue_date, NULL, NULL FROM invoices v WHERE id = ?1 AND disputed = 1
            AND NOT EXISTS (SELECT 1 FROM disputes d WHERE d.invoice_id = v.id)
         ORDER BY 1",
    )?;
    let mut rows = stmt.query([invoice_id])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let resolved = match r.get::<_, Option<String>>(1)? {
            Some(_) => Some(date_col(r, 1)?),
            None => None,
        };
        out.push(Dispute { opened: date_col(r, 0)?, resolved, reason: r.get(2)? });
    }
    Ok(out)
}

/// Open a dispute on `date`. Refused when one is open already, or when the
/// date is in a closed period (it would change the interest closed there).
pub fn open(conn: &Connection, invoice_id: i64, number: &str, date: NaiveDate, reason: Option<&str>) -> Result<()> {
    open_with_cause(conn, invoice_id, number, date, reason, None)
}

/// [`open`], with the overdue reason (逾期原因) the dispute stands for.
pub fn open_with_cause(
    conn: &Connection,
    invoice_id: i64,
    number: &str,
    date: NaiveDate,
    reason: Option<&str>,
    cause: Option<OverdueReason>,
) -> Result<()> {
    if let Some(d) = of_invoice(conn, invoice_id)?.into_iter().find(|d| d.resolved.is_none()) {
        return Err(StoreError::invalid(
            format!("invoice {number} is in dispute already (since {})", d.opened),
            format!("发票 {number} 已处于争议中（自 {} 起）", d.opened),
        ));
    }
    super::ensure_open(conn, date)?;
    super::exec(
        conn,
        "INSERT INTO disputes (invoice_id, opened, reason, overdue_reason) VALUES (?1, ?2, ?3, ?4)",
        params![invoice_id, date_sql(date), reason, cause.map(OverdueReason::as_str)],
    )?;
    super::exec(conn, "UPDATE invoices SET disputed = 1 WHERE id = ?1", [invoice_id])?;
    Ok(())
}

/// Resolve the open dispute of an invoice on `date` (interest runs again
/// from that day). Refused when none is open, before the day it opened, or
/// in a closed period.
pub fn resolve(conn: &Connection, invoice_id: i64, number: &str, date: NaiveDate) -> Result<()> {
    let Some(d) = of_invoice(conn, invoice_id)?.into_iter().find(|d| d.resolved.is_none()) else {
        return Err(StoreError::invalid(
            format!("invoice {number} is not in dispute"),
            format!("发票 {number} 不在争议中"),
        ));
    };
    if date < d.opened {
        return Err(StoreError::invalid(
            format!("invoice {number}'s dispute opened on {}: it cannot be resolved on {date}", d.opened),
            format!("发票 {number} 的争议自 {} 起：不能在 {date} 解除", d.opened),
        ));
    }
    super::ensure_open(conn, date)?;
    // A dispute flagged before disputes were dated gets its row now.
    super::exec(
        conn,
        "INSERT INTO disputes (invoice_id, opened)
         SELECT id, issue_date FROM invoices v WHERE id = ?1
            AND NOT EXISTS (SELECT 1 FROM disputes d WHERE d.invoice_id = v.id)",
        [invoice_id],
    )?;
    let id: Option<i64> = conn
        .query_row("SELECT id FROM disputes WHERE invoice_id = ?1 AND resolved IS NULL", [invoice_id], |r| r.get(0))
        .optional()?;
    super::exec(conn, "UPDATE disputes SET resolved = ?1 WHERE id = ?2", params![date_sql(date), id])?;
    super::exec(conn, "UPDATE invoices SET disputed = 0 WHERE id = ?1", [invoice_id])?;
    Ok(())
}

/// The overdue reason of each invoice in dispute on `as_of` (opened by then,
/// not resolved by then) whose dispute gives one: invoice id → reason.
pub fn open_causes(conn: &Connection, as_of: NaiveDate) -> Result<std::collections::HashMap<i64, OverdueReason>> {
    let mut stmt = conn.prepare(
        "SELECT invoice_id, overdue_reason FROM disputes
         WHERE overdue_reason IS NOT NULL AND opened <= ?1 AND (resolved IS NULL OR resolved > ?1)",
    )?;
    let mut rows = stmt.query([date_sql(as_of)])?;
    let mut out = std::collections::HashMap::new();
    while let Some(r) = rows.next()? {
        if let Some(cause) = super::dunning::reason_col(r, 1)? {
            out.insert(r.get(0)?, cause);
        }
    }
    Ok(out)
}
