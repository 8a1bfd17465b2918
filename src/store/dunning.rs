//! Collection: the ladder in the book's settings, the action log, promises,
//! and each customer's situation as of a date.

use std::collections::HashMap;

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, params};

use super::{Result, date_col, date_sql, money_col};
use crate::ledger::Money;
use crate::ledger::ladder::{Ladder, Promise};
use crate::ledger::reason::{Given, OverdueReason};

/// The book's ladder: see [`super::settings::ladder`].
pub fn ladder(conn: &Connection) -> Result<Ladder> {
    super::settings::ladder(conn)
}

/// Store the ladder's levels (validated first).
pub fn set_ladder(conn: &Connection, l: &Ladder) -> Result<()> {
    l.validate()?;
    let levels: Vec<serde_json::Value> = l
        .levels
        .iter()
        .map(|v| serde_json::json!({"days": v.days, "step": v.step, "step_zh": v.step_zh, "channel": v.channel}))
        .collect();
    super::set_setting(conn, "ladder", &serde_json::Value::Array(levels).to_string())?;
    super::set_setting(conn, "escalate_amount", &l.escalate_amount.plain())?;
    super::set_setting(conn, "repeat_days", &l.repeat_days.to_string())
}

/// One logged collection action.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Action {
    pub customer: String,
    pub date: NaiveDate,
    pub level: u8,
    pub channel: String,
    pub note: Option<String>,
    /// The note in Chinese, when huikuan wrote it.
    pub note_zh: Option<String>,
    pub outcome: Option<String>,
    pub source: String,
    /// The overdue reason given with the action (its code).
    pub overdue_reason: Option<&'static str>,
}

pub struct NewAction<'a> {
    pub customer_id: i64,
    pub date: NaiveDate,
    pub level: u8,
    pub channel: &'a str,
    pub note: Option<&'a str>,
    /// The note in Chinese, when huikuan wrote it (a letter sent); a
    /// note the user typed is theirs, in one language.
    pub note_zh: Option<&'a str>,
    pub outcome: Option<&'a str>,
    pub source: &'a str,
}

pub fn log_action(conn: &Connection, a: &NewAction) -> Result<()> {
    log_action_with_reason(conn, a, None)
}

/// Log an action with the reason the customer's amount is overdue, if given.
pub fn log_action_with_reason(conn: &Connection, a: &NewAction, reason: Option<OverdueReason>) -> Result<()> {
    super::exec(
        conn,
        "INSERT INTO dun_actions (customer_id, date, level, channel, note, outcome, source, overdue_reason, note_zh)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            a.customer_id,
            date_sql(a.date),
            a.level,
            a.channel,
            a.note,
            a.outcome,
            a.source,
            reason.map(OverdueReason::as_str),
            a.note_zh
        ],
    )?;
    Ok(())
}

/// The action log, oldest first, optionally for one customer.
pub fn history(conn: &Connection, only: Option<i64>) -> Result<Vec<Action>> {
    let mut stmt = conn.prepare(
        "SELECT c.code, a.date, a.level, a.channel, a.note, a.outcome, a.source, a.overdue_reason, a.note_zh
         FROM dun_actions a
         JOIN customers c ON c.id = a.customer_id WHERE (?1 IS NULL OR a.customer_id = ?1) ORDER BY a.date, a.id",
    )?;
    let rows = stmt.query_map([only], |r| {
        Ok(Action {
            customer: r.get(0)?,
            date: date_col(r, 1)?,
            level: r.get(2)?,
            channel: r.get(3)?,
            note: r.get(4)?,
            outcome: r.get(5)?,
            source: r.get(6)?,
            overdue_reason: reason_col(r, 7)?.map(OverdueReason::as_str),
            note_zh: r.get(8)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Actions by customer dated on or before `as_of`: (date, level).
pub fn actions_by_customer(conn: &Connection, as_of: NaiveDate) -> Result<HashMap<i64, Vec<(NaiveDate, u8)>>> {
    let mut out: HashMap<i64, Vec<(NaiveDate, u8)>> = HashMap::new();
    let mut stmt =
        conn.prepare("SELECT customer_id, date, level FROM dun_actions WHERE date <= ?1 ORDER BY date, id")?;
    let mut rows = stmt.query([date_sql(as_of)])?;
    while let Some(r) = rows.next()? {
        out.entry(r.get(0)?).or_default().push((date_col(r, 1)?, r.get(2)?));
    }
    Ok(out)
}

pub fn add_promise(
    conn: &Connection,
    customer_id: i64,
    made: NaiveDate,
    date: NaiveDate,
    amount: Money,
    note: Option<&str>,
) -> Result<()> {
    add_promise_with_reason(conn, PromiseRow { customer_id, made, date, amount, note }, None)
}

/// A promise to record.
pub struct PromiseRow<'a> {
    pub customer_id: i64,
    pub made: NaiveDate,
    pub date: NaiveDate,
    pub amount: Money,
    pub note: Option<&'a str>,
}

/// Record a promise with the reason the customer's amount is overdue, if given.
pub fn add_promise_with_reason(conn: &Connection, p: PromiseRow, reason: Option<OverdueReason>) -> Result<()> {
    super::exec(
        conn,
        "INSERT INTO promises (customer_id, made, date, amount, note, overdue_reason) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            p.customer_id,
            date_sql(p.made),
            date_sql(p.date),
            p.amount.cents(),
            p.note,
            reason.map(OverdueReason::as_str)
        ],
    )?;
    Ok(())
}

/// An overdue reason column: `None` when empty. A code the book's CHECK let
/// through but this program does not know reads as "other".
pub(super) fn reason_col(r: &rusqlite::Row, i: usize) -> rusqlite::Result<Option<OverdueReason>> {
    Ok(r.get::<_, Option<String>>(i)?.map(|s| OverdueReason::parse(&s).unwrap_or(OverdueReason::Other)))
}

/// The overdue reasons given per customer on or before `as_of`: with
/// actions (by their date), promises (by the day they were made) and
/// disputes of its invoices (by the day they opened). On one day a
/// dispute's outranks a promise's, which outranks an action's.
///
/// Disputes drive the join to their invoices (CROSS JOIN keeps that order):
/// left to itself SQLite walked every live invoice to find the few
/// disputed ones, 1.7 G instructions of `customer show` on a book of 10⁶.
pub fn reasons_given(conn: &Connection, as_of: NaiveDate, only: Option<i64>) -> Result<HashMap<i64, Vec<Given>>> {
    let mut out: HashMap<i64, Vec<Given>> = HashMap::new();
    let mut stmt = conn.prepare(
        "SELECT customer_id, date, 0, id, overdue_reason FROM dun_actions
          WHERE overdue_reason IS NOT NULL AND date <= ?1 AND (?2 IS NULL OR customer_id = ?2)
         UNION ALL
         SELECT customer_id, made, 1, id, overdue_reason FROM promises
          WHERE overdue_reason IS NOT NULL AND made <= ?1 AND (?2 IS NULL OR customer_id = ?2)
         UNION ALL
         SELECT v.customer_id, d.opened, 2, d.id, d.overdue_reason FROM disputes d CROSS JOIN invoices v ON v.id = d.invoice_id
          WHERE d.overdue_reason IS NOT NULL AND v.voided = 0 AND d.opened <= ?1
            AND (?2 IS NULL OR v.customer_id = ?2)",
    )?;
    let mut rows = stmt.query(params![date_sql(as_of), only])?;
    while let Some(r) = rows.next()? {
        if let Some(reason) = reason_col(r, 4)? {
            let g = Given { date: date_col(r, 1)?, rank: r.get(2)?, order: r.get(3)?, reason };
            out.entry(r.get(0)?).or_default().push(g);
        }
    }
    Ok(out)
}

/// Each customer's latest overdue reason as of a date (see
/// [`crate::ledger::reason::latest`]).
pub fn latest_reasons(conn: &Connection, as_of: NaiveDate, only: Option<i64>) -> Result<HashMap<i64, OverdueReason>> {
    Ok(reasons_given(conn, as_of, only)?
        .into_iter()
        .filter_map(|(id, given)| crate::ledger::reason::latest(&given, as_of).map(|r| (id, r)))
        .collect())
}

/// The latest promise made on or before `as_of`, with what was paid since it was made.
pub fn latest_promise(conn: &Connection, customer_id: i64, as_of: NaiveDate) -> Result<Option<Promise>> {
    let p: Option<(NaiveDate, NaiveDate, Money)> = conn
        .prepare_cached(
            "SELECT made, date, amount FROM promises WHERE customer_id = ?1 AND made <= ?2
             ORDER BY made DESC, id DESC LIMIT 1",
        )?
        .query_row(params![customer_id, date_sql(as_of)], |r| Ok((date_col(r, 0)?, date_col(r, 1)?, money_col(r, 2)?)))
        .optional()?;
    let Some((made, date, amount)) = p else { return Ok(None) };
    let until = date.min(as_of);
    let paid_since = conn
        .prepare_cached(
            "SELECT COALESCE(SUM(amount), 0) FROM payments
             WHERE customer_id = ?1 AND voided = 0 AND date >= ?2 AND date <= ?3",
        )?
        .query_row(params![customer_id, date_sql(made), date_sql(until)], |r| money_col(r, 0))?;
    Ok(Some(Promise { made, date, amount, paid_since }))
}

/// Customers' hold state: id → (on hold, since).
pub fn holds(conn: &Connection) -> Result<HashMap<i64, Option<NaiveDate>>> {
    let mut out = HashMap::new();
    let mut stmt = conn.prepare("SELECT id, hold_since FROM customers WHERE on_hold = 1")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let since = match r.get::<_, Option<String>>(1)? {
            Some(_) => Some(date_col(r, 1)?),
            None => None,
        };
        out.insert(r.get(0)?, since);
    }
    Ok(out)
}

/// Interest posted per installment by interest invoices issued on or before `as_of`.
pub fn interest_posted(conn: &Connection, as_of: NaiveDate) -> Result<HashMap<i64, Money>> {
    let mut out = HashMap::new();
    let mut stmt = conn.prepare(
        "SELECT c.installment_id, SUM(c.amount) FROM interest_charges c JOIN invoices v ON v.id = c.invoice_id
         WHERE v.voided = 0 AND v.issue_date <= ?1 GROUP BY c.installment_id",
    )?;
    let mut rows = stmt.query([date_sql(as_of)])?;
    while let Some(r) = rows.next()? {
        out.insert(r.get(0)?, money_col(r, 1)?);
    }
    Ok(out)
}

/// Record that an interest invoice charged `amount` on an installment.
pub fn record_interest_charge(conn: &Connection, installment_id: i64, invoice_id: i64, amount: Money) -> Result<()> {
    super::exec(
        conn,
        "INSERT INTO interest_charges (installment_id, invoice_id, amount) VALUES (?1, ?2, ?3)",
        params![installment_id, invoice_id, amount.cents()],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Book;
    use crate::store::customers::{self, NewCustomer};

    fn d(day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, day).unwrap()
    }

    fn customer(book: &Book, code: &str) -> i64 {
        customers::insert(
            &book.conn,
            &NewCustomer { code: code.into(), name: code.into(), ..NewCustomer::default() },
            d(1),
        )
        .unwrap()
    }

    fn action(customer_id: i64, date: NaiveDate, level: u8) -> NewAction<'static> {
        NewAction {
            customer_id,
            date,
            level,
            channel: "phone",
            note: Some("called"),
            note_zh: None,
            outcome: None,
            source: "manual",
        }
    }

    #[test]
    fn the_latest_reason_of_a_customer_comes_from_its_actions_promises_and_disputes() {
        let book = Book::in_memory();
        let a = customer(&book, "A");
        let b = customer(&book, "B");
        log_action_with_reason(&book.conn, &action(a, d(5), 2), Some(OverdueReason::CashFlow)).unwrap();
        log_action(&book.conn, &action(a, d(8), 2)).unwrap();
        let promise =
            PromiseRow { customer_id: a, made: d(12), date: d(20), amount: Money::from_cents(100), note: None };
        add_promise_with_reason(&book.conn, promise, Some(OverdueReason::Documents)).unwrap();
        log_action_with_reason(&book.conn, &action(b, d(6), 3), Some(OverdueReason::Wilful)).unwrap();
        let at = |day| latest_reasons(&book.conn, d(day), None).unwrap();
        assert_eq!(at(4).len(), 0, "nothing given yet");
        assert_eq!(at(10)[&a], OverdueReason::CashFlow, "an action without a reason keeps the last one given");
        assert_eq!(at(12)[&a], OverdueReason::Documents);
        assert_eq!(at(12)[&b], OverdueReason::Wilful);
        assert_eq!(latest_reasons(&book.conn, d(12), Some(b)).unwrap().len(), 1);
        assert_eq!(history(&book.conn, Some(b)).unwrap()[0].overdue_reason, Some("wilful"));
    }

    #[test]
    fn a_changed_ladder_is_stored_and_read_back() {
        let book = Book::in_memory();
        let mut l = ladder(&book.conn).unwrap();
        assert_eq!(l, Ladder::default());
        l.levels[3].days = 20;
        l.levels[3].step = "formal letter".into();
        l.escalate_amount = Money::from_cents(123_456);
        l.repeat_days = 10;
        set_ladder(&book.conn, &l).unwrap();
        assert_eq!(ladder(&book.conn).unwrap(), l);
    }

    #[test]
    fn a_hold_level_set_to_5_is_the_ladders_hold() {
        let book = Book::in_memory();
        crate::store::settings::settable("hold_level").unwrap().set(&book.conn, "5").unwrap();
        assert_eq!(ladder(&book.conn).unwrap().hold_level(), 5);
    }

    #[test]
    fn an_invalid_ladder_is_refused_and_the_stored_one_kept() {
        let book = Book::in_memory();
        let mut l = Ladder::default();
        l.levels[3].days = 0;
        assert!(set_ladder(&book.conn, &l).is_err());
        assert_eq!(ladder(&book.conn).unwrap(), Ladder::default());
    }

    #[test]
    fn actions_are_listed_oldest_first_and_by_customer_up_to_a_date() {
        let book = Book::in_memory();
        let a = customer(&book, "A");
        let b = customer(&book, "B");
        log_action(&book.conn, &action(a, d(10), 2)).unwrap();
        log_action(&book.conn, &action(b, d(5), 3)).unwrap();
        log_action(&book.conn, &action(a, d(20), 3)).unwrap();
        let all = history(&book.conn, None).unwrap();
        let seen: Vec<(&str, NaiveDate, u8)> = all.iter().map(|x| (x.customer.as_str(), x.date, x.level)).collect();
        assert_eq!(seen, [("B", d(5), 3), ("A", d(10), 2), ("A", d(20), 3)]);
        assert_eq!(all[0].note.as_deref(), Some("called"));
        assert_eq!(history(&book.conn, Some(a)).unwrap().len(), 2);
        let by = actions_by_customer(&book.conn, d(15)).unwrap();
        assert_eq!(by[&a], [(d(10), 2)], "an action after the date is not counted");
        assert_eq!(by[&b], [(d(5), 3)]);
    }

    #[test]
    fn the_latest_promise_counts_what_was_paid_since_it_was_made() {
        let book = Book::in_memory();
        let a = customer(&book, "A");
        assert_eq!(latest_promise(&book.conn, a, d(31)).unwrap(), None);
        add_promise(&book.conn, a, d(2), d(10), Money::from_cents(50_000), None).unwrap();
        add_promise(&book.conn, a, d(12), d(25), Money::from_cents(80_000), Some("by transfer")).unwrap();
        book.conn
            .execute_batch(
                "INSERT INTO payments (customer_id, date, amount, method) VALUES (1, '2026-03-11', 10000, 'bank');
                 INSERT INTO payments (customer_id, date, amount, method) VALUES (1, '2026-03-15', 30000, 'bank');",
            )
            .unwrap();
        let p = latest_promise(&book.conn, a, d(20)).unwrap().unwrap();
        assert_eq!((p.made, p.date, p.amount), (d(12), d(25), Money::from_cents(80_000)));
        assert_eq!(p.paid_since, Money::from_cents(30_000), "the payment before the promise does not count");
        let earlier = latest_promise(&book.conn, a, d(11)).unwrap().unwrap();
        assert_eq!(
            (earlier.made, earlier.paid_since),
            (d(2), Money::from_cents(0)),
            "a payment after the promised date does not keep the promise"
        );
    }
}
