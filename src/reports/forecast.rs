//! Expected receipts per week, from due dates and open promises.
//!
//! Each open installment is expected on its due date plus the customer's
//! historical average days late (amount-weighted); an open promise to pay is
//! expected on its date, taken from what is overdue. What is already overdue
//! (and not promised) has its own column, as has what falls beyond the last
//! week. Disputed invoices are left out.

use std::collections::HashMap;

use chrono::{Days, NaiveDate};

use super::detail::detail;
use crate::ledger::Money;
use crate::ledger::credit::suggest_score;
use crate::ledger::ladder::PromiseStatus;
use crate::store::{self, Connection, Result};

/// One customer's expected receipts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CustomerForecast {
    pub code: String,
    /// The customer's historical average days late, rounded (0 without history).
    pub avg_days_late: i64,
    /// Overdue and not promised.
    pub overdue: Money,
    /// Expected in each week from the as-of date.
    pub weeks: Vec<Money>,
    /// Expected after the last week.
    pub later: Money,
}

impl CustomerForecast {
    /// Add an expected receipt to its week (or to `later`).
    fn expect(&mut self, as_of: NaiveDate, on: NaiveDate, amount: Money) {
        match self.weeks.get_mut(week_of(as_of, on)) {
            Some(w) => *w += amount,
            None => self.later += amount,
        }
    }
}

/// The forecast as of a date: per customer (by code) and in total.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Forecast {
    pub as_of: NaiveDate,
    /// The first day of each week: the as-of date, then every 7 days.
    pub week_starts: Vec<NaiveDate>,
    pub overdue: Money,
    pub weeks: Vec<Money>,
    pub later: Money,
    pub customers: Vec<CustomerForecast>,
}

/// The week (0 = the seven days from `as_of`) a receipt expected on `on`
/// falls in; a date before `as_of` counts in week 0.
pub fn week_of(as_of: NaiveDate, on: NaiveDate) -> usize {
    ((on - as_of).num_days().max(0) / 7) as usize
}

/// The forecast for `weeks` weeks from `as_of`.
pub fn forecast(conn: &Connection, as_of: NaiveDate, weeks: usize) -> Result<Forecast> {
    let history = store::history::payment_history(conn, as_of, None)?;
    let mut rows: HashMap<i64, CustomerForecast> = HashMap::new();
    let mut codes: HashMap<i64, String> = HashMap::new();
    for c in store::customers::entries(conn)? {
        codes.insert(c.id, c.code);
    }
    let avg_late = |id: i64| -> i64 {
        history.get(&id).and_then(suggest_score).map_or(0, |s| s.avg_days_late.round().try_into().unwrap_or(0))
    };
    let mut lates: HashMap<i64, i64> = HashMap::new();
    detail(conn, as_of, None, |d| -> Result<()> {
        if d.item.disputed {
            return Ok(());
        }
        let id = d.item.customer_id;
        let late = *lates.entry(id).or_insert_with(|| avg_late(id));
        let row = rows.entry(id).or_insert_with(|| CustomerForecast {
            code: codes.get(&id).cloned().unwrap_or_default(),
            avg_days_late: late,
            overdue: Money::ZERO,
            weeks: vec![Money::ZERO; weeks],
            later: Money::ZERO,
        });
        if d.days_past_due > 0 {
            row.overdue += d.balance;
        } else {
            let expected = d.item.due_date.checked_add_days(Days::new(late.max(0) as u64)).unwrap_or(d.item.due_date);
            row.expect(as_of, expected, d.balance);
        }
        Ok(())
    })?;
    // Open promises: expected on their date, out of what is overdue.
    for (id, row) in rows.iter_mut() {
        if let Some(p) = store::dunning::latest_promise(conn, *id, as_of)?
            && p.status(as_of) == PromiseStatus::Open
        {
            let amount = (p.amount - p.paid_since).min(row.overdue).max(Money::ZERO);
            row.overdue -= amount;
            row.expect(as_of, p.date, amount);
        }
    }
    let mut customers: Vec<CustomerForecast> = rows.into_values().collect();
    customers.sort_by(|a, b| a.code.cmp(&b.code));
    Ok(Forecast {
        as_of,
        week_starts: (0..weeks).map(|i| as_of.checked_add_days(Days::new(7 * i as u64)).unwrap_or(as_of)).collect(),
        overdue: customers.iter().map(|c| c.overdue).sum(),
        weeks: (0..weeks).map(|i| customers.iter().map(|c| c.weeks[i]).sum()).collect(),
        later: customers.iter().map(|c| c.later).sum(),
        customers,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reports::provision::test_book::{customer, d, invoice};
    use crate::store::Book;

    #[test]
    fn a_receipt_lands_in_the_week_of_its_expected_date() {
        let as_of = d(2026, 11, 2);
        assert_eq!(week_of(as_of, d(2026, 10, 20)), 0, "an earlier date counts in the first week");
        assert_eq!(week_of(as_of, d(2026, 11, 8)), 0, "six days ahead");
        assert_eq!(week_of(as_of, d(2026, 11, 9)), 1, "seven days ahead");
        assert_eq!(week_of(as_of, d(2026, 11, 30)), 4);
    }

    #[test]
    fn due_dates_and_an_open_promise_fill_the_weeks() {
        let book = Book::in_memory();
        let conn = &book.conn;
        let hy = customer(conn, "HY");
        // As of 2026-11-02, five weeks. The only history is W, 1,000 due
        // 10-20 and still open: 13 days late, so every receipt is expected
        // 13 days after its due date:
        //   W 1,000 due 10-20 → overdue
        //   X 2,000 due 11-05 → 11-18, 16 days → week 2
        //   Y 3,000 due 11-12 → 11-25, 23 days → week 3
        //   Z 4,000 due 12-01 → 12-14, 42 days → week 6: later
        // and a promise of 500 for 11-09 (7 days → week 1) takes 500 of the overdue.
        invoice(conn, "W", hy, d(2026, 9, 20), 100_000);
        invoice(conn, "X", hy, d(2026, 10, 6), 200_000);
        invoice(conn, "Y", hy, d(2026, 10, 13), 300_000);
        invoice(conn, "Z", hy, d(2026, 11, 1), 400_000);
        store::dunning::add_promise(conn, hy, d(2026, 11, 1), d(2026, 11, 9), Money::from_cents(50_000), None).unwrap();
        let f = forecast(conn, d(2026, 11, 2), 5).unwrap();
        assert_eq!(f.week_starts[1], d(2026, 11, 9));
        let hy = &f.customers[0];
        assert_eq!((hy.code.as_str(), hy.avg_days_late), ("HY", 13));
        assert_eq!(hy.overdue, Money::from_cents(50_000));
        let m = Money::from_cents;
        assert_eq!(hy.weeks, vec![Money::ZERO, m(50_000), m(200_000), m(300_000), Money::ZERO]);
        assert_eq!(hy.later, Money::from_cents(400_000));
        assert_eq!((f.overdue, f.weeks.clone(), f.later), (hy.overdue, hy.weeks.clone(), hy.later));
    }
}
