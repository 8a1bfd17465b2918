//! Closed months: the `closes` table. A close locks every date up to its
//! `through` day (the schema's triggers refuse changes inside it) and keeps
//! the aging as of that day, so the month-end reprints exactly. Reopening
//! keeps the row, stamped with when and why.

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension};

use super::{Result, date_col, date_sql};

/// One closed (or reopened) month, as `close --list` shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Close {
    /// `YYYY-MM`.
    pub period: String,
    /// The last locked day.
    pub through: NaiveDate,
    /// UTC, `YYYY-MM-DDTHH:MM:SSZ`.
    pub closed_at: String,
    pub reopened_at: Option<String>,
    pub reason: Option<String>,
}

/// The aging stored when a month still closed was closed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClosingAging {
    pub period: String,
    pub through: NaiveDate,
    /// The aging report's JSON as `report aging --format json` printed it.
    pub aging_json: String,
}

fn now() -> String {
    chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// Close `period` through `through`, storing its aging. A month closed
/// before and reopened is closed again in place.
pub fn record(conn: &Connection, period: &str, through: NaiveDate, aging_json: &str) -> Result<()> {
    super::exec(
        conn,
        "INSERT INTO closes (period, through, closed_at, aging_json) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (period) DO UPDATE SET through = excluded.through, closed_at = excluded.closed_at,
             aging_json = excluded.aging_json, reopened_at = NULL, reason = NULL",
        rusqlite::params![period, date_sql(through), now(), aging_json],
    )?;
    Ok(())
}

/// Every month ever closed, oldest first.
pub fn list(conn: &Connection) -> Result<Vec<Close>> {
    let mut stmt =
        conn.prepare("SELECT period, through, closed_at, reopened_at, reason FROM closes ORDER BY period")?;
    let rows = stmt.query_map([], |r| {
        Ok(Close {
            period: r.get(0)?,
            through: date_col(r, 1)?,
            closed_at: r.get(2)?,
            reopened_at: r.get(3)?,
            reason: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The latest month still closed, the only one that may be reopened.
pub fn latest(conn: &Connection) -> Result<Option<String>> {
    Ok(conn
        .query_row("SELECT period FROM closes WHERE reopened_at IS NULL ORDER BY through DESC LIMIT 1", [], |r| {
            r.get(0)
        })
        .optional()?)
}

/// Reopen `period`, recording why.
pub fn reopen(conn: &Connection, period: &str, reason: &str) -> Result<()> {
    super::exec(
        conn,
        "UPDATE closes SET reopened_at = ?1, reason = ?2 WHERE period = ?3",
        rusqlite::params![now(), reason, period],
    )?;
    Ok(())
}

/// The stored closing aging for a date, if a closed period ends on it.
pub fn snapshot(conn: &Connection, as_of: NaiveDate) -> Result<Option<String>> {
    Ok(conn
        .query_row("SELECT aging_json FROM closes WHERE through = ?1 AND reopened_at IS NULL", [date_sql(as_of)], |r| {
            r.get(0)
        })
        .optional()?)
}

/// The stored aging of every month still closed.
pub fn closing_agings(conn: &Connection) -> Result<Vec<ClosingAging>> {
    let mut stmt = conn.prepare("SELECT period, through, aging_json FROM closes WHERE reopened_at IS NULL")?;
    let rows = stmt
        .query_map([], |r| Ok(ClosingAging { period: r.get(0)?, through: date_col(r, 1)?, aging_json: r.get(2)? }))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::example::{self, d};
    use crate::store::{Book, locked_through};

    #[test]
    fn a_close_is_written_and_read_back_with_its_snapshot() {
        let book = Book::in_memory();
        record(&book.conn, "2026-10", d("2026-10-31"), r#"{"total":"0.00"}"#).unwrap();
        let closes = list(&book.conn).unwrap();
        assert_eq!(closes.len(), 1);
        let c = &closes[0];
        assert_eq!((c.period.as_str(), c.through, c.reopened_at.as_deref()), ("2026-10", d("2026-10-31"), None));
        assert_eq!((c.closed_at.len(), c.closed_at.ends_with('Z')), (20, true));
        assert_eq!(snapshot(&book.conn, d("2026-10-31")).unwrap().as_deref(), Some(r#"{"total":"0.00"}"#));
        assert_eq!(snapshot(&book.conn, d("2026-10-30")).unwrap(), None);
        assert_eq!(locked_through(&book.conn).unwrap(), Some(d("2026-10-31")));
        assert_eq!(latest(&book.conn).unwrap().as_deref(), Some("2026-10"));
    }

    #[test]
    fn a_reopened_month_keeps_its_row_but_no_longer_locks_or_reprints() {
        let book = Book::in_memory();
        record(&book.conn, "2026-09", d("2026-09-30"), "{}").unwrap();
        record(&book.conn, "2026-10", d("2026-10-31"), "{}").unwrap();
        reopen(&book.conn, "2026-10", "late credit note").unwrap();
        let closes = list(&book.conn).unwrap();
        assert_eq!(closes.iter().map(|c| c.period.as_str()).collect::<Vec<_>>(), ["2026-09", "2026-10"]);
        assert_eq!(closes[1].reason.as_deref(), Some("late credit note"));
        assert!(closes[1].reopened_at.is_some());
        assert_eq!(snapshot(&book.conn, d("2026-10-31")).unwrap(), None);
        assert_eq!(locked_through(&book.conn).unwrap(), Some(d("2026-09-30")));
        assert_eq!(latest(&book.conn).unwrap().as_deref(), Some("2026-09"));
        let kept: Vec<String> = closing_agings(&book.conn).unwrap().into_iter().map(|c| c.period).collect();
        assert_eq!(kept, ["2026-09"]);

        // Closing it again clears the reopening.
        record(&book.conn, "2026-10", d("2026-10-31"), "{}").unwrap();
        assert_eq!(list(&book.conn).unwrap()[1].reason, None);
        assert_eq!(latest(&book.conn).unwrap().as_deref(), Some("2026-10"));
    }

    #[test]
    fn a_closed_month_refuses_a_payment_dated_inside_it() {
        let ex = example::book();
        record(&ex.book.conn, "2026-04", d("2026-04-30"), "{}").unwrap();
        let p = crate::store::payments::NewPayment {
            customer_id: ex.a,
            date: d("2026-04-20"),
            amount: example::m("1.00"),
            method: crate::store::payments::Method::Cash,
            reference: None,
            source: crate::store::payments::Source::Manual,
            auto_apply: false,
        };
        let refused = crate::store::payments::record(&ex.book.conn, &p, &crate::store::money::AllocateTo::Fifo);
        assert!(matches!(refused, Err(crate::store::StoreError::ClosedPeriod { .. })));
    }
}
