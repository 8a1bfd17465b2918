//! Balance confirmations (询证函) per customer and month: the balance a slip
//! stated as of the month's end, when it was sent, and the customer's reply.
//!
//! The balance keeps the book's sign: positive, the customer owes us;
//! negative, we owe the customer (it paid more than it was invoiced).

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, params};

use super::{Result, date_sql, money_col};
use crate::ledger::Money;
use crate::ledger::date::iso;

/// The customer's answer to a slip.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reply {
    Agreed,
    /// The balance the customer's own books show (same sign rule).
    Differs(Money),
}

/// One confirmation as the book keeps it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Confirmation {
    pub customer_id: i64,
    pub code: String,
    pub name: String,
    /// `YYYY-MM`.
    pub period: String,
    pub balance: Money,
    pub sent: Option<NaiveDate>,
    /// The reply and its date.
    pub replied: Option<(NaiveDate, Reply)>,
    pub note: Option<String>,
}

fn date_opt(text: Option<String>) -> Option<NaiveDate> {
    text.as_deref().and_then(iso)
}

const SELECT: &str = "SELECT f.customer_id, c.code, c.name, f.period, f.balance, f.sent, f.replied, f.agreed,
        f.their_balance, f.note
   FROM confirmations f JOIN customers c ON c.id = f.customer_id";

fn row(r: &rusqlite::Row) -> rusqlite::Result<Confirmation> {
    let replied = date_opt(r.get(6)?);
    let agreed: Option<i64> = r.get(7)?;
    let theirs: Option<i64> = r.get(8)?;
    let reply = match (agreed, theirs) {
        (Some(1), _) => Some(Reply::Agreed),
        (Some(_), Some(t)) => Some(Reply::Differs(Money::from_cents(t))),
        _ => None,
    };
    Ok(Confirmation {
        customer_id: r.get(0)?,
        code: r.get(1)?,
        name: r.get(2)?,
        period: r.get(3)?,
        balance: money_col(r, 4)?,
        sent: date_opt(r.get(5)?),
        replied: replied.zip(reply),
        note: r.get(9)?,
    })
}

/// The confirmation of one customer for one month, if any.
pub fn get(conn: &Connection, customer_id: i64, period: &str) -> Result<Option<Confirmation>> {
    Ok(conn
        .prepare_cached(&format!("{SELECT} WHERE f.customer_id = ?1 AND f.period = ?2"))?
        .query_row(params![customer_id, period], row)
        .optional()?)
}

/// Every confirmation of a month, by customer code.
pub fn for_period(conn: &Connection, period: &str) -> Result<Vec<Confirmation>> {
    let mut stmt = conn.prepare(&format!("{SELECT} WHERE f.period = ?1 ORDER BY c.code"))?;
    let rows = stmt.query_map([period], row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// What [`record_sent`] did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Sent {
    /// The first slip of the month for this customer.
    New,
    /// A slip stating the same balance was recorded already: kept as it was
    /// (its first date of sending and any reply stay).
    Unchanged,
    /// A slip stating another balance was recorded: it is replaced, and a
    /// reply recorded to it (which answered the old balance) is cleared.
    Replaced { old: Confirmation },
}

/// Record that a slip stating `balance` for `period` was sent on `date`.
pub fn record_sent(conn: &Connection, customer_id: i64, period: &str, balance: Money, date: NaiveDate) -> Result<Sent> {
    let old = get(conn, customer_id, period)?;
    match old {
        Some(o) if o.balance == balance => Ok(Sent::Unchanged),
        Some(o) => {
            super::exec(
                conn,
                "UPDATE confirmations SET balance = ?3, sent = ?4, replied = NULL, agreed = NULL,
                        their_balance = NULL, note = NULL
                  WHERE customer_id = ?1 AND period = ?2",
                params![customer_id, period, balance.cents(), date_sql(date)],
            )?;
            Ok(Sent::Replaced { old: o })
        }
        None => {
            super::exec(
                conn,
                "INSERT INTO confirmations (customer_id, period, balance, sent) VALUES (?1, ?2, ?3, ?4)",
                params![customer_id, period, balance.cents(), date_sql(date)],
            )?;
            Ok(Sent::New)
        }
    }
}

/// Record the customer's reply to the slip of `period` (which must exist),
/// replacing any reply recorded before.
pub fn record_reply(
    conn: &Connection,
    customer_id: i64,
    period: &str,
    date: NaiveDate,
    reply: &Reply,
    note: Option<&str>,
) -> Result<()> {
    let (agreed, theirs) = match reply {
        Reply::Agreed => (1, None),
        Reply::Differs(m) => (0, Some(m.cents())),
    };
    super::exec(
        conn,
        "UPDATE confirmations SET replied = ?3, agreed = ?4, their_balance = ?5, note = ?6
          WHERE customer_id = ?1 AND period = ?2",
        params![customer_id, period, date_sql(date), agreed, theirs, note],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::example::{self, d, m};

    #[test]
    fn a_slip_is_recorded_once_and_a_new_balance_replaces_it_and_its_reply() {
        let ex = example::book();
        let c = &ex.book.conn;
        assert_eq!(get(c, ex.a, "2026-03").unwrap(), None);
        assert_eq!(record_sent(c, ex.a, "2026-03", m("1100.00"), d("2026-04-02")).unwrap(), Sent::New);
        assert_eq!(record_sent(c, ex.a, "2026-03", m("1100.00"), d("2026-04-09")).unwrap(), Sent::Unchanged);
        record_reply(c, ex.a, "2026-03", d("2026-04-12"), &Reply::Differs(m("-50.00")), Some("paid twice")).unwrap();
        let got = get(c, ex.a, "2026-03").unwrap().unwrap();
        assert_eq!(got.sent, Some(d("2026-04-02")), "the first date of sending stays");
        assert_eq!(got.replied, Some((d("2026-04-12"), Reply::Differs(m("-50.00")))));
        assert_eq!((got.code.as_str(), got.note.as_deref()), ("A", Some("paid twice")));
        let Sent::Replaced { old } = record_sent(c, ex.a, "2026-03", m("1000.00"), d("2026-04-20")).unwrap() else {
            panic!("a new balance replaces the slip");
        };
        assert_eq!(old.balance, m("1100.00"));
        let now = get(c, ex.a, "2026-03").unwrap().unwrap();
        assert_eq!((now.balance, now.sent, now.replied), (m("1000.00"), Some(d("2026-04-20")), None));
        record_reply(c, ex.a, "2026-03", d("2026-04-25"), &Reply::Agreed, None).unwrap();
        record_sent(c, ex.b, "2026-03", m("-200.00"), d("2026-04-02")).unwrap();
        let all = for_period(c, "2026-03").unwrap();
        let summary: Vec<(&str, Money, bool)> =
            all.iter().map(|f| (f.code.as_str(), f.balance, f.replied.is_some())).collect();
        assert_eq!(summary, [("A", m("1000.00"), true), ("B", m("-200.00"), false)]);
        assert!(for_period(c, "2026-04").unwrap().is_empty());
    }
}
