//! Payment plans (分期还款协议): an invoice's open balance rescheduled into
//! new installments from a date (schema upgrade 12).
//!
//! A reschedule on date R settles each open installment of the invoice by a
//! settlement of kind `reschedule` dated R (so its late interest counts up
//! to R and stays owed, like any part settled late) and appends the new
//! installments to the invoice, each counting only from R (`since`): as of
//! a date before R the invoice stands as it was, from R on the plan's due
//! dates age it. Σ installments − Σ moved = the invoice amount.

use chrono::NaiveDate;
use rusqlite::{Connection, params};

use super::{Result, StoreError, date_col, date_sql, money_col};
use crate::ledger::Money;
use crate::ledger::schedule::Installment;

/// One reschedule of an invoice, with what it moved and what it made.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Plan {
    pub date: NaiveDate,
    pub note: Option<String>,
    /// The highest collection step done before the plan, carried into it.
    pub level_before: Option<u8>,
    /// The old installments it replaced: (seq, due date, amount moved).
    pub replaced: Vec<PlanPart>,
    /// Its new installments: (seq, due date, amount).
    pub installments: Vec<PlanPart>,
}

impl Plan {
    /// What the plan moved: Σ of what it took off the old installments.
    pub fn moved(&self) -> Money {
        self.replaced.iter().map(|r| r.amount).sum()
    }
}

/// An installment of a plan, or the part of an old one a plan moved.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct PlanPart {
    pub seq: u32,
    pub due_date: NaiveDate,
    pub amount: Money,
}

/// The latest day anything settled an open installment of the invoice,
/// if any: a reschedule may not be dated before it, so that the balance it
/// moves is the balance open on its date.
pub fn last_settlement(conn: &Connection, invoice_id: i64) -> Result<Option<NaiveDate>> {
    let d: Option<String> = super::one(
        conn,
        "SELECT MAX(d) FROM (
            SELECT a.effective_date AS d FROM allocations a JOIN installments i ON i.id = a.installment_id
             WHERE i.invoice_id = ?1
            UNION ALL
            SELECT w.date FROM write_offs w JOIN installments i ON i.id = w.installment_id WHERE i.invoice_id = ?1
            UNION ALL
            SELECT since FROM installments WHERE invoice_id = ?1)",
        [invoice_id],
        |r| r.get(0),
    )?;
    d.map(|t| NaiveDate::parse_from_str(&t, "%Y-%m-%d")).transpose().map_err(|_| {
        StoreError::invalid("a settlement date is not a date; run huikuan check", "结算日期无效；请运行 huikuan check")
    })
}

/// Reschedule the open installments of invoice `invoice_id` into `schedule`
/// on `date` (checked by the caller: not void, not disputed, something open,
/// not before its last settlement; the schedule adds up to the open
/// balance). Refused in a closed period. Returns the plan's id.
pub fn reschedule(
    conn: &Connection,
    invoice_id: i64,
    date: NaiveDate,
    schedule: &[Installment],
    note: Option<&str>,
    level_before: Option<u8>,
) -> Result<i64> {
    super::ensure_open(conn, date)?;
    let open: Vec<(i64, i64, Money)> = conn
        .prepare_cached(
            "SELECT id, customer_id, amount - settled FROM installments
             WHERE invoice_id = ?1 AND settled < amount ORDER BY due_date, seq",
        )?
        .query_map([invoice_id], |r| Ok((r.get(0)?, r.get(1)?, money_col(r, 2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let moved: Money = open.iter().map(|o| o.2).sum();
    let planned: Money = schedule.iter().map(|i| i.amount).sum();
    if open.is_empty() || moved != planned {
        return Err(StoreError::invalid(
            format!("the plan adds up to {planned}, the open balance is {moved}"),
            format!("分期合计 {planned}，未结余额为 {moved}"),
        ));
    }
    let created = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
    super::exec(
        conn,
        "INSERT INTO reschedules (invoice_id, date, level_before, note, created) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![invoice_id, date_sql(date), level_before, note, created],
    )?;
    let plan = conn.last_insert_rowid();
    let reason = note.unwrap_or("rescheduled / 分期还款");
    for (id, _, left) in &open {
        super::exec(
            conn,
            "INSERT INTO write_offs (installment_id, date, amount, reason, kind, reschedule_id)
             VALUES (?1, ?2, ?3, ?4, 'reschedule', ?5)",
            params![id, date_sql(date), left.cents(), reason, plan],
        )?;
    }
    let customer = open[0].1;
    // A void invoice's installments are counted nowhere (the caller refuses
    // to plan one anyway).
    let live: bool = super::one(conn, "SELECT voided = 0 FROM invoices WHERE id = ?1", [invoice_id], |r| r.get(0))?;
    let issued = super::one(conn, "SELECT issue_date FROM invoices WHERE id = ?1", [invoice_id], |r| date_col(r, 0))?;
    // The new installments carry the invoice's facts (upgrade 16).
    let facts: (bool, String) =
        super::one(conn, "SELECT disputed, kind FROM invoices WHERE id = ?1", [invoice_id], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
    let next: i64 = super::one(
        conn,
        "SELECT COALESCE(MAX(seq), 0) + 1 FROM installments WHERE invoice_id = ?1",
        [invoice_id],
        |r| r.get(0),
    )?;
    for (k, part) in schedule.iter().enumerate() {
        super::exec(
            conn,
            "INSERT INTO installments (invoice_id, customer_id, seq, due_date, amount, reschedule_id, since,
                                       invoice_issued, invoice_disputed, invoice_voided, invoice_kind)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            params![
                invoice_id,
                customer,
                next + k as i64,
                date_sql(part.due_date),
                part.amount.cents(),
                plan,
                date_sql(date),
                date_sql(issued),
                facts.0,
                !live,
                facts.1
            ],
        )?;
        if live {
            super::balances::count_new_installment(conn, customer, part.due_date, issued, date, part.amount)?;
        }
    }
    Ok(plan)
}

/// The plans of an invoice, oldest first.
pub fn of_invoice(conn: &Connection, invoice_id: i64) -> Result<Vec<Plan>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, date, note, level_before FROM reschedules WHERE invoice_id = ?1 ORDER BY date, id",
    )?;
    let heads: Vec<(i64, NaiveDate, Option<String>, Option<u8>)> = stmt
        .query_map([invoice_id], |r| Ok((r.get(0)?, date_col(r, 1)?, r.get(2)?, r.get(3)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut out = Vec::new();
    for (id, date, note, level_before) in heads {
        let part =
            |r: &rusqlite::Row| Ok(PlanPart { seq: r.get(0)?, due_date: date_col(r, 1)?, amount: money_col(r, 2)? });
        let replaced = conn
            .prepare_cached(
                "SELECT i.seq, i.due_date, w.amount FROM write_offs w JOIN installments i ON i.id = w.installment_id
                 WHERE w.reschedule_id = ?1 ORDER BY i.seq",
            )?
            .query_map([id], part)?
            .collect::<rusqlite::Result<_>>()?;
        let installments = conn
            .prepare_cached("SELECT seq, due_date, amount FROM installments WHERE reschedule_id = ?1 ORDER BY seq")?
            .query_map([id], part)?
            .collect::<rusqlite::Result<_>>()?;
        out.push(Plan { date, note, level_before, replaced, installments });
    }
    Ok(out)
}

/// Every installment of a plan agreed by `as_of`, by installment id: the
/// plan's date and the step it carries (for the collection ladder).
pub fn plan_installments(
    conn: &Connection,
    as_of: NaiveDate,
    only: Option<i64>,
) -> Result<std::collections::HashMap<i64, (NaiveDate, Option<u8>)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT i.id, r.date, r.level_before FROM installments i JOIN reschedules r ON r.id = i.reschedule_id
         WHERE r.date <= ?1 AND (?2 IS NULL OR i.customer_id = ?2)",
    )?;
    let mut rows = stmt.query(params![date_sql(as_of), only])?;
    let mut out = std::collections::HashMap::new();
    while let Some(r) = rows.next()? {
        out.insert(r.get(0)?, (date_col(r, 1)?, r.get(2)?));
    }
    Ok(out)
}

/// The highest collection level logged for a customer in `[from, to]`.
pub fn highest_level(conn: &Connection, customer_id: i64, from: NaiveDate, to: NaiveDate) -> Result<Option<u8>> {
    Ok(super::one(
        conn,
        "SELECT MAX(level) FROM dun_actions WHERE customer_id = ?1 AND date BETWEEN ?2 AND ?3",
        params![customer_id, date_sql(from), date_sql(to)],
        |r| r.get::<_, Option<i64>>(0),
    )?
    .map(|l| l.clamp(0, 255) as u8))
}
