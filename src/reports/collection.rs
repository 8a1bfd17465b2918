//! Collection metrics for a period: invoiced, collected, what fell due,
//! 回款率, DSO and CEI, per customer and in total.
//!
//!   回款率 = collected on what fell due in the period ÷ what fell due × 100
//!   DSO    = ending AR ÷ credit sales × days in the period
//!   CEI    = (beginning AR + credit sales − ending AR)
//!            ÷ (beginning AR + credit sales − ending current AR) × 100

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::ledger::Money;
use crate::ledger::aging::{AgingRule, Basis, Buckets};
use crate::ledger::metrics::PeriodFigures;
use crate::store::{Connection, Result, aging, history};

/// A customer's code, name and figures for the period.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CustomerFigures {
    pub code: String,
    pub name: String,
    pub figures: PeriodFigures,
}

/// The collection report of a period: the customers with any figures, and
/// the book's total.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Collection {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Days in the period, both ends counted.
    pub days: i64,
    pub customers: Vec<CustomerFigures>,
    pub total: PeriodFigures,
}

/// The figures of the period `from..=to` per customer (those with any) and
/// in total. Beginning AR is the due-date aging the day before `from`,
/// ending AR the aging on `to`, its current bucket the ending current AR.
pub fn figures(conn: &Connection, from: NaiveDate, to: NaiveDate) -> Result<Collection> {
    let days = (to - from).num_days() + 1;
    let rule = AgingRule { basis: Basis::Due, buckets: Buckets::default() };
    let begin = aging::aging(conn, &rule, from.pred_opt().unwrap_or(from), None)?;
    let end = aging::aging(conn, &rule, to, None)?;
    let sums = history::period_sums(conn, from, to)?;
    let get = |m: &HashMap<i64, Money>, id: i64| m.get(&id).copied().unwrap_or_default();
    let mut total = PeriodFigures { days, ..PeriodFigures::default() };
    let mut customers = Vec::new();
    for (i, c) in end.customers.iter().enumerate() {
        let f = PeriodFigures {
            beginning_ar: begin.grid.row_total(i),
            ending_ar: end.grid.row_total(i),
            ending_current: end.grid.cells[i][0],
            credit_sales: get(&sums.sales, c.id),
            received: get(&sums.received, c.id),
            collected: get(&sums.collected, c.id),
            discounts: get(&sums.discounts, c.id),
            written_off: get(&sums.written_off, c.id),
            fell_due: get(&sums.fell_due, c.id),
            collected_on_due: get(&sums.collected_on_due, c.id),
            days,
        };
        total.add(&f);
        if f != (PeriodFigures { days, ..PeriodFigures::default() }) {
            customers.push(CustomerFigures { code: c.code.clone(), name: c.name.clone(), figures: f });
        }
    }
    Ok(Collection { from, to, days, customers, total })
}

#[cfg(test)]
mod tests {
    use rust_decimal::Decimal;

    use super::*;
    use crate::reports::provision::test_book::{customer, d, invoice};
    use crate::store::Book;
    use crate::store::money::AllocateTo;
    use crate::store::payments::{self, Method, NewPayment, Source};

    fn pay(conn: &Connection, customer_id: i64, date: NaiveDate, cents: i64, to: AllocateTo) {
        let p = NewPayment {
            customer_id,
            date,
            amount: Money::from_cents(cents),
            method: Method::Bank,
            reference: None,
            source: Source::Manual,
            auto_apply: false,
        };
        payments::record(conn, &p, &to).unwrap();
    }

    #[test]
    fn received_collected_on_due_and_the_ratios_of_october() {
        let book = Book::in_memory();
        let conn = &book.conn;
        let hy = customer(conn, "HY");
        // A 10,000 due 09-19 (overdue before the period), B 6,000 due 10-15
        // (falls due in it), C 4,000 issued 10-10 due 11-09 (the credit sale).
        invoice(conn, "A", hy, d(2026, 8, 20), 1_000_000);
        let b = invoice(conn, "B", hy, d(2026, 9, 15), 600_000);
        invoice(conn, "C", hy, d(2026, 10, 10), 400_000);
        // 6,000 on B on 10-20, then 3,000 oldest first (A) on 10-25.
        pay(conn, hy, d(2026, 10, 20), 600_000, AllocateTo::Invoices(vec![b]));
        pay(conn, hy, d(2026, 10, 25), 300_000, AllocateTo::Fifo);
        let c = figures(conn, d(2026, 10, 1), d(2026, 10, 31)).unwrap();
        assert_eq!(c.days, 31);
        let f = c.total;
        // beginning AR (09-30) = A 10,000 + B 6,000 = 16,000; received 9,000,
        // of which 6,000 on what fell due (B); ending AR = A 7,000 + C 4,000,
        // of it current C 4,000.
        assert_eq!(f.beginning_ar, Money::from_cents(1_600_000));
        assert_eq!(f.credit_sales, Money::from_cents(400_000));
        assert_eq!(f.collected, Money::from_cents(900_000));
        assert_eq!((f.fell_due, f.collected_on_due), (Money::from_cents(600_000), Money::from_cents(600_000)));
        assert_eq!((f.ending_ar, f.ending_current), (Money::from_cents(1_100_000), Money::from_cents(400_000)));
        // 回款率 = 6,000 ÷ 6,000 = 100.0 %
        assert_eq!(f.collection_rate(), Some(Decimal::new(1000, 1)));
        // DSO = 11,000 ÷ 4,000 × 31 = 85.25 → 85.3 days
        assert_eq!(f.dso(), Some(Decimal::new(853, 1)));
        // CEI = (16,000 + 4,000 − 11,000) ÷ (16,000 + 4,000 − 4,000) = 9,000 ÷ 16,000 = 56.25 → 56.3 %
        assert_eq!(f.cei(), Some(Decimal::new(563, 1)));
        assert_eq!(c.customers.len(), 1);
        assert_eq!(c.customers[0].figures, f);
    }

    #[test]
    fn a_customer_without_figures_in_the_period_is_left_out() {
        let book = Book::in_memory();
        customer(&book.conn, "HY");
        let c = figures(&book.conn, d(2026, 10, 1), d(2026, 10, 31)).unwrap();
        assert!(c.customers.is_empty());
        assert_eq!(c.total, PeriodFigures { days: 31, ..PeriodFigures::default() });
    }
}
