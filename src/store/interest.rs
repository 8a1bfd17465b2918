//! What late interest is computed from besides the installments: the daily
//! rates over time (the book's and each customer's own), the interest waived
//! per installment, and the days each invoice spent in dispute.

use std::collections::HashMap;

use chrono::NaiveDate;
use rusqlite::{Connection, params};

use super::{Result, StoreError, date_col, date_sql, money_col};
use crate::ledger::Money;
use crate::ledger::interest::{InterestTerms, RateStep, Rates, Span, parse_rate};

/// The first day of every book: a rate step from it is in force always.
pub const ALWAYS: NaiveDate = NaiveDate::from_ymd_opt(1, 1, 1).unwrap();

/// One step of a rate history: from a day, a rate (`None`: a customer back
/// on the book's rate).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RateChange {
    pub from: NaiveDate,
    pub rate: Option<rust_decimal::Decimal>,
}

fn rate_text(r: &rusqlite::Row, idx: usize) -> Result<Option<rust_decimal::Decimal>> {
    match r.get::<_, Option<String>>(idx)? {
        Some(t) => Ok(Some(parse_rate(&t)?)),
        None => Ok(None),
    }
}

/// The rate history of the book (`customer` `None`) or of one customer,
/// oldest first.
pub fn rate_history(conn: &Connection, customer: Option<i64>) -> Result<Vec<RateChange>> {
    let mut stmt =
        conn.prepare_cached("SELECT from_date, rate FROM interest_rates WHERE customer_id IS ?1 ORDER BY from_date")?;
    let mut rows = stmt.query([customer])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(RateChange { from: date_col(r, 0)?, rate: rate_text(r, 1)? });
    }
    Ok(out)
}

/// The book's rates over time; `fallback` when it has no history.
pub fn book_rates(conn: &Connection, fallback: rust_decimal::Decimal) -> Result<Rates> {
    let steps = rate_history(conn, None)?
        .into_iter()
        .filter_map(|c| c.rate.map(|rate| RateStep { from: c.from, rate }))
        .collect();
    Ok(Rates::new(steps, fallback))
}

/// A customer's own rate from a day on (`None`: back to the book's rate).
pub type OwnStep = (NaiveDate, Option<rust_decimal::Decimal>);

/// Every customer's own rate steps, by customer id.
pub fn customer_rate_steps(conn: &Connection) -> Result<HashMap<i64, Vec<OwnStep>>> {
    let mut stmt = conn.prepare_cached(
        "SELECT customer_id, from_date, rate FROM interest_rates WHERE customer_id IS NOT NULL
         UNION ALL
         -- A customer's rate set before rates had a history is its rate always.
         SELECT id, '0001-01-01', interest_rate FROM customers c WHERE interest_rate IS NOT NULL
            AND NOT EXISTS (SELECT 1 FROM interest_rates r WHERE r.customer_id = c.id)
         ORDER BY 2",
    )?;
    let mut rows = stmt.query([])?;
    let mut out: HashMap<i64, Vec<_>> = HashMap::new();
    while let Some(r) = rows.next()? {
        out.entry(r.get(0)?).or_default().push((date_col(r, 1)?, rate_text(r, 2)?));
    }
    Ok(out)
}

/// Set the book's rate (`customer` `None`) or a customer's own rate
/// (`rate` `None`: back to the book's) from `from` on. A step on a day in a
/// closed period is refused: it would change interest the close printed.
/// A step already on that day is replaced.
pub fn set_rate(
    conn: &Connection,
    customer: Option<i64>,
    from: NaiveDate,
    rate: Option<rust_decimal::Decimal>,
) -> Result<()> {
    if customer.is_none() && rate.is_none() {
        return Err(StoreError::invalid("the book's rate cannot be removed", "账本利率不能删除"));
    }
    super::ensure_open(conn, from)?;
    // The rate in force until now reaches back to the first day: a book or
    // a customer that never changed its rate has no history yet.
    match customer {
        None => {
            let before = super::settings::load(conn)?.interest_rate;
            super::exec(
                conn,
                "INSERT OR IGNORE INTO interest_rates (customer_id, from_date, rate) VALUES (NULL, ?1, ?2)",
                params![date_sql(ALWAYS), before.normalize().to_string()],
            )?;
        }
        Some(id) => {
            super::exec(
                conn,
                "INSERT INTO interest_rates (customer_id, from_date, rate)
                 SELECT id, ?2, interest_rate FROM customers c WHERE id = ?1 AND interest_rate IS NOT NULL
                    AND NOT EXISTS (SELECT 1 FROM interest_rates r WHERE r.customer_id = c.id)",
                params![id, date_sql(ALWAYS)],
            )?;
        }
    }
    super::exec(
        conn,
        "INSERT INTO interest_rates (customer_id, from_date, rate) VALUES (?1, ?2, ?3)
         ON CONFLICT (ifnull(customer_id, 0), from_date) DO UPDATE SET rate = excluded.rate",
        params![customer, date_sql(from), rate.map(|r| r.normalize().to_string())],
    )?;
    Ok(())
}

/// Record a waiver of `amount` of the interest on an installment, dated
/// (refused in a closed period) and with its reason.
pub fn waive(conn: &Connection, installment_id: i64, date: NaiveDate, amount: Money, reason: &str) -> Result<()> {
    super::ensure_open(conn, date)?;
    super::exec(
        conn,
        "INSERT INTO interest_waivers (installment_id, date, amount, reason) VALUES (?1, ?2, ?3, ?4)",
        params![installment_id, date_sql(date), amount.cents(), reason],
    )?;
    Ok(())
}

/// Interest waived per installment, dated on or before `as_of`.
pub fn waived(conn: &Connection, as_of: NaiveDate) -> Result<HashMap<i64, Money>> {
    let mut stmt = conn.prepare_cached(
        "SELECT installment_id, SUM(amount) FROM interest_waivers WHERE date <= ?1 GROUP BY installment_id",
    )?;
    let mut rows = stmt.query([date_sql(as_of)])?;
    let mut out = HashMap::new();
    while let Some(r) = rows.next()? {
        out.insert(r.get(0)?, money_col(r, 1)?);
    }
    Ok(out)
}

/// The days each invoice was in dispute, by invoice id: every dispute opened
/// on or before `as_of`, open-ended unless resolved by then.
pub fn dispute_spans(conn: &Connection, as_of: NaiveDate) -> Result<HashMap<i64, Vec<Span>>> {
    let mut stmt = conn.prepare_cached(
        "SELECT invoice_id, opened, CASE WHEN resolved <= ?1 THEN resolved END FROM disputes WHERE opened <= ?1
         UNION ALL
         -- A dispute flagged before disputes were dated: open since the issue date.
         SELECT id, issue_date, NULL FROM invoices v WHERE disputed = 1
            AND NOT EXISTS (SELECT 1 FROM disputes d WHERE d.invoice_id = v.id)",
    )?;
    let mut rows = stmt.query([date_sql(as_of)])?;
    let mut out: HashMap<i64, Vec<Span>> = HashMap::new();
    while let Some(r) = rows.next()? {
        let until = match r.get::<_, Option<String>>(2)? {
            Some(_) => Some(date_col(r, 2)?),
            None => None,
        };
        out.entry(r.get(0)?).or_default().push(Span { from: date_col(r, 1)?, until });
    }
    Ok(out)
}

/// Interest terms per customer: the book's rates over time and grace, with
/// each customer's own rate steps over them.
pub struct Terms {
    book: InterestTerms,
    own: HashMap<i64, Vec<OwnStep>>,
    merged: HashMap<i64, InterestTerms>,
}

impl Terms {
    /// The terms that shape interest as of `as_of`: grace as set then (a
    /// closed month keeps the settings it was closed with), rates by day.
    pub fn load(conn: &Connection, as_of: NaiveDate) -> Result<Terms> {
        let s = super::settings::load_as_of(conn, as_of)?;
        let rates = book_rates(conn, s.interest_rate)?;
        Ok(Terms {
            book: InterestTerms { rates, grace_days: s.grace_days },
            own: customer_rate_steps(conn)?,
            merged: HashMap::new(),
        })
    }

    pub fn book(&self) -> InterestTerms {
        self.book.clone()
    }

    /// A customer's terms: its own rate where it has one, the book's elsewhere.
    pub fn for_customer(&mut self, id: i64) -> InterestTerms {
        let Some(own) = self.own.get(&id) else { return self.book.clone() };
        let book = &self.book;
        self.merged
            .entry(id)
            .or_insert_with(|| InterestTerms { rates: book.rates.with_overrides(own), grace_days: book.grace_days })
            .clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::example::{self, d};

    #[test]
    fn a_rate_history_reads_back_in_order_and_a_step_on_the_same_day_is_replaced() {
        let ex = example::book();
        let c = &ex.book.conn;
        set_rate(c, None, d("2026-03-01"), Some(parse_rate("0.03%").unwrap())).unwrap();
        set_rate(c, Some(ex.a), d("2026-02-01"), Some(parse_rate("0.0001").unwrap())).unwrap();
        set_rate(c, Some(ex.a), d("2026-02-01"), Some(parse_rate("0.0002").unwrap())).unwrap();
        set_rate(c, Some(ex.a), d("2026-04-01"), None).unwrap();
        let book: Vec<NaiveDate> = rate_history(c, None).unwrap().iter().map(|s| s.from).collect();
        assert_eq!(book, [ALWAYS, d("2026-03-01")]);
        let rates = book_rates(c, parse_rate("0.0005").unwrap()).unwrap();
        assert_eq!(rates.at(d("2026-02-28")).to_string(), "0.0005");
        assert_eq!(rates.at(d("2026-03-01")).to_string(), "0.0003");
        let own = customer_rate_steps(c).unwrap().remove(&ex.a).unwrap();
        assert_eq!(own, [(d("2026-02-01"), Some(parse_rate("0.0002").unwrap())), (d("2026-04-01"), None)]);
        assert!(set_rate(c, None, d("2026-05-01"), None).is_err(), "the book always has a rate");
    }
}
