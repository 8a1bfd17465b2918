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

/// What a close keeps besides its aging.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Kept {
    /// The settings table as it was (key → value JSON).
    pub settings_json: String,
    /// The figures printed at close (the provision per customer and
    /// bucket) and the digest of the period's rows, as JSON.
    pub figures_json: String,
}

/// Close `period` through `through`, storing its aging, the settings and
/// figures of the close, and its link in the chain of closes. A month
/// closed before and reopened is closed again in place.
pub fn record(conn: &Connection, period: &str, through: NaiveDate, aging_json: &str, kept: &Kept) -> Result<()> {
    super::exec(
        conn,
        "INSERT INTO closes (period, through, closed_at, aging_json, settings_json, figures_json)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (period) DO UPDATE SET through = excluded.through, closed_at = excluded.closed_at,
             aging_json = excluded.aging_json, settings_json = excluded.settings_json,
             figures_json = excluded.figures_json, reopened_at = NULL, reason = NULL",
        rusqlite::params![period, date_sql(through), now(), aging_json, kept.settings_json, kept.figures_json],
    )?;
    link(conn, period)
}

/// One close as the chain covers it.
struct Link {
    period: String,
    fields: String,
    chain: Option<String>,
}

/// Every close in period order with the text its link covers.
fn links(conn: &Connection) -> Result<Vec<Link>> {
    let mut stmt = conn.prepare(
        "SELECT period, through, closed_at, aging_json, settings_json, figures_json, reopened_at, reason, chain
         FROM closes ORDER BY period",
    )?;
    let rows = stmt.query_map([], |r| {
        let mut fields = String::new();
        for i in 0..8 {
            fields.push_str(&r.get::<_, Option<String>>(i)?.unwrap_or_else(|| "\u{0}".into()));
            fields.push('\u{1f}');
        }
        Ok(Link { period: r.get(0)?, fields, chain: r.get(8)? })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// SHA-256 of the link before (empty for the first) and this close's fields.
fn chain_of(prev: &str, fields: &str) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(prev.as_bytes());
    h.update([0x1e]);
    h.update(fields.as_bytes());
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// Write `period`'s link from the one before it as stored, and the head
/// (the last link) into the settings: never recompute the others, so an
/// edited or removed close stays visible to [`chain_problems`].
fn link(conn: &Connection, period: &str) -> Result<()> {
    let all = links(conn)?;
    let Some(at) = all.iter().position(|l| l.period == period) else { return Ok(()) };
    let prev = if at == 0 { String::new() } else { all[at - 1].chain.clone().unwrap_or_default() };
    let chain = chain_of(&prev, &all[at].fields);
    super::exec(conn, "UPDATE closes SET chain = ?1 WHERE period = ?2", rusqlite::params![chain, period])?;
    if at + 1 == all.len() {
        super::set_setting(conn, CHAIN_HEAD, &chain)?;
    }
    Ok(())
}

/// The settings key holding the last link of the chain of closes.
pub const CHAIN_HEAD: &str = "close_chain";

/// What is wrong with the chain of closes: a close edited, removed or
/// unlinked behind the program's back. Closes made before closes were
/// chained (no link) are not checked until the first linked one.
pub fn chain_problems(conn: &Connection) -> Result<Vec<String>> {
    let mut out = Vec::new();
    let mut prev: Option<String> = None;
    for l in links(conn)? {
        match (&l.chain, &prev) {
            (None, None) => continue,
            (None, Some(_)) => out.push(format!("close {}: its link in the chain of closes is missing", l.period)),
            (Some(c), p) => {
                if *c != chain_of(p.as_deref().unwrap_or(""), &l.fields) {
                    out.push(format!(
                        "close {}: the record, or the one before it, was changed or removed after it was written",
                        l.period
                    ));
                }
            }
        }
        prev = l.chain.clone().or(prev);
    }
    let head = super::setting(conn, CHAIN_HEAD)?;
    if head != prev {
        out.push("closes: the latest close was changed or removed after it was written".to_string());
    }
    Ok(out)
}

/// What a closed period holds that nothing may change once it is closed,
/// each query taking the period's last day: the rows dated in it, with the
/// fields a later command never edits.
const CLOSED_ROWS: &[&str] = &[
    "SELECT id, number, customer_id, issue_date, amount, voided, kind FROM invoices WHERE issue_date <= ?1 ORDER BY id",
    "SELECT i.id, i.invoice_id, i.customer_id, i.due_date, i.amount FROM installments i
      JOIN invoices v ON v.id = i.invoice_id WHERE v.issue_date <= ?1 AND (i.since IS NULL OR i.since <= ?1)
      ORDER BY i.id",
    "SELECT id, customer_id, date, amount, voided FROM payments WHERE date <= ?1 ORDER BY id",
    "SELECT id, payment_id, installment_id, amount, effective_date FROM allocations WHERE effective_date <= ?1 ORDER BY id",
    "SELECT id, installment_id, date, amount, kind FROM write_offs WHERE date <= ?1 ORDER BY id",
    "SELECT id, installment_id, date, amount FROM interest_waivers WHERE date <= ?1 ORDER BY id",
    "SELECT id, invoice_id, opened FROM disputes WHERE opened <= ?1 ORDER BY id",
    "SELECT id, customer_id, from_date, rate FROM interest_rates WHERE from_date <= ?1 ORDER BY id",
];

/// SHA-256 of the rows a period closed through `through` holds (see
/// [`CLOSED_ROWS`]): stored at close, compared by `check`.
pub fn rows_digest(conn: &Connection, through: NaiveDate) -> Result<String> {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    for sql in CLOSED_ROWS {
        let mut stmt = conn.prepare(sql)?;
        let n = stmt.column_count();
        let mut rows = stmt.query([date_sql(through)])?;
        while let Some(r) = rows.next()? {
            for i in 0..n {
                match r.get_ref(i)? {
                    rusqlite::types::ValueRef::Null => h.update([0]),
                    rusqlite::types::ValueRef::Integer(v) => h.update(v.to_string().as_bytes()),
                    rusqlite::types::ValueRef::Real(v) => h.update(v.to_string().as_bytes()),
                    rusqlite::types::ValueRef::Text(t) | rusqlite::types::ValueRef::Blob(t) => h.update(t),
                }
                h.update([0x1f]);
            }
            h.update([0x1e]);
        }
        h.update([0x1d]);
    }
    Ok(h.finalize().iter().map(|b| format!("{b:02x}")).collect())
}

/// Before a close: rate histories that are implicit (a book or a customer
/// that never changed its rate) are written out from the first day, so a
/// later change of rate adds rows after the close, never inside it.
///
/// The rows' triggers queue every kept late-interest figure of the book
/// (or the customer) for recomputation. When the rows written change no
/// rate on any day and nothing was queued before, that queue is dropped
/// again (the first close of a book of 10^6 invoices recomputed all
/// 559,504 figures, and drew its interest from the whole history, for
/// nothing). A customer's row is its own rate, which it had always; the
/// book's is its rate today, which is the rate of every day when the book
/// has no history and no close (with a history, its first step reaches
/// back; a close keeps the settings, and so the rate, it was made with).
pub fn settle_rate_histories(conn: &Connection, book_rate: &str) -> Result<()> {
    let unchanged: bool = conn.query_row(
        "SELECT NOT EXISTS (SELECT 1 FROM late_interest_pending)
            AND (EXISTS (SELECT 1 FROM interest_rates WHERE customer_id IS NULL AND from_date = '0001-01-01')
                 OR (NOT EXISTS (SELECT 1 FROM interest_rates WHERE customer_id IS NULL)
                     AND NOT EXISTS (SELECT 1 FROM closes)))",
        [],
        |r| r.get(0),
    )?;
    super::exec(
        conn,
        "INSERT OR IGNORE INTO interest_rates (customer_id, from_date, rate) VALUES (NULL, '0001-01-01', ?1)",
        [book_rate],
    )?;
    super::exec(
        conn,
        "INSERT INTO interest_rates (customer_id, from_date, rate)
         SELECT id, '0001-01-01', interest_rate FROM customers c WHERE interest_rate IS NOT NULL
            AND NOT EXISTS (SELECT 1 FROM interest_rates r WHERE r.customer_id = c.id)",
        [],
    )?;
    if unchanged {
        super::exec(conn, "DELETE FROM late_interest_pending", [])?;
    }
    Ok(())
}

/// The settings and figures stored when a month still closed was closed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeptAt {
    pub period: String,
    pub through: NaiveDate,
    pub figures_json: Option<String>,
}

/// The kept figures of every month still closed.
pub fn kept(conn: &Connection) -> Result<Vec<KeptAt>> {
    let mut stmt =
        conn.prepare("SELECT period, through, figures_json FROM closes WHERE reopened_at IS NULL ORDER BY period")?;
    let rows =
        stmt.query_map([], |r| Ok(KeptAt { period: r.get(0)?, through: date_col(r, 1)?, figures_json: r.get(2)? }))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
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
    link(conn, period)
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
        record(&book.conn, "2026-10", d("2026-10-31"), r#"{"total":"0.00"}"#, &Kept::default()).unwrap();
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
    fn the_chain_of_closes_shows_an_edited_or_removed_close() {
        let book = Book::in_memory();
        let c = &book.conn;
        for (p, through) in [("2026-08", "2026-08-31"), ("2026-09", "2026-09-30"), ("2026-10", "2026-10-31")] {
            record(c, p, d(through), "{}", &Kept::default()).unwrap();
        }
        assert_eq!(chain_problems(c).unwrap(), Vec::<String>::new());
        reopen(c, "2026-10", "late credit note").unwrap();
        record(c, "2026-10", d("2026-10-31"), "{}", &Kept::default()).unwrap();
        assert_eq!(chain_problems(c).unwrap(), Vec::<String>::new(), "reopening and closing again keep the chain");
        c.execute("UPDATE closes SET aging_json = '{\"total\":\"1.00\"}' WHERE period = '2026-08'", []).unwrap();
        assert_eq!(
            chain_problems(c).unwrap(),
            ["close 2026-08: the record, or the one before it, was changed or removed after it was written"]
        );
        let book = Book::in_memory();
        let c = &book.conn;
        for (p, through) in [("2026-08", "2026-08-31"), ("2026-09", "2026-09-30"), ("2026-10", "2026-10-31")] {
            record(c, p, d(through), "{}", &Kept::default()).unwrap();
        }
        c.execute("DELETE FROM closes WHERE period = '2026-09'", []).unwrap();
        assert_eq!(
            chain_problems(c).unwrap(),
            ["close 2026-10: the record, or the one before it, was changed or removed after it was written"]
        );
        c.execute("DELETE FROM closes WHERE period = '2026-10'", []).unwrap();
        assert_eq!(
            chain_problems(c).unwrap(),
            ["closes: the latest close was changed or removed after it was written"]
        );
    }

    #[test]
    fn a_reopened_month_keeps_its_row_but_no_longer_locks_or_reprints() {
        let book = Book::in_memory();
        record(&book.conn, "2026-09", d("2026-09-30"), "{}", &Kept::default()).unwrap();
        record(&book.conn, "2026-10", d("2026-10-31"), "{}", &Kept::default()).unwrap();
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
        record(&book.conn, "2026-10", d("2026-10-31"), "{}", &Kept::default()).unwrap();
        assert_eq!(list(&book.conn).unwrap()[1].reason, None);
        assert_eq!(latest(&book.conn).unwrap().as_deref(), Some("2026-10"));
    }

    #[test]
    fn a_closed_month_refuses_a_payment_dated_inside_it() {
        let ex = example::book();
        record(&ex.book.conn, "2026-04", d("2026-04-30"), "{}", &Kept::default()).unwrap();
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
