//! Collection metrics for a period: invoiced, collected, what fell due,
//! 回款率, DSO and CEI, per customer and in total.
//!
//!   回款率 = collected on what fell due in the period ÷ what fell due × 100
//!   DSO    = ending AR ÷ credit sales × days in the period
//!   CEI    = (beginning AR + credit sales − ending AR)
//!            ÷ (beginning AR + credit sales − ending current AR) × 100

use chrono::NaiveDate;

use crate::ledger::metrics::PeriodFigures;
use crate::store::{Connection, Result, customers, split};

/// A customer's code, name and figures for the period.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CustomerFigures {
    pub code: String,
    pub name: String,
    pub figures: PeriodFigures,
}

/// A salesperson's figures for the period (`None`: invoices without one).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SalespersonFigures {
    pub salesperson: Option<String>,
    pub figures: PeriodFigures,
}

/// How the report's lines are grouped.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum By {
    #[default]
    Customer,
    /// By the salesperson each invoice is credited to.
    Salesperson,
}

/// The collection report of a period: the lines with any figures (per
/// customer, or per salesperson), and the total.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Collection {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Days in the period, both ends counted.
    pub days: i64,
    /// Only this salesperson's figures, when given.
    pub salesperson: Option<String>,
    pub by: By,
    /// The lines when grouped by customer (else empty).
    pub customers: Vec<CustomerFigures>,
    /// The lines when grouped by salesperson (else empty), by name, "none" last.
    pub salespeople: Vec<SalespersonFigures>,
    pub total: PeriodFigures,
}

/// The figures of the period `from..=to` per customer (those with any) and
/// in total. Beginning AR is the due-date aging the day before `from`,
/// ending AR the aging on `to`, its current bucket the ending current AR.
pub fn figures(conn: &Connection, from: NaiveDate, to: NaiveDate) -> Result<Collection> {
    figures_by(conn, from, to, By::Customer, None)
}

/// [`figures`] grouped `by` customer or salesperson, optionally only for
/// the invoices credited to one salesperson (and the unapplied cash of its
/// customers; see [`split`]).
pub fn figures_by(
    conn: &Connection,
    from: NaiveDate,
    to: NaiveDate,
    by: By,
    salesperson: Option<&str>,
) -> Result<Collection> {
    let days = (to - from).num_days() + 1;
    let empty = PeriodFigures { days, ..PeriodFigures::default() };
    let mut total = empty;
    let mut per_customer: std::collections::HashMap<i64, PeriodFigures> = std::collections::HashMap::new();
    let mut per_salesperson: std::collections::BTreeMap<(bool, Option<String>), PeriodFigures> =
        std::collections::BTreeMap::new();
    // Only the salespeople's figures need each invoice's salesperson.
    let cells = if by == By::Salesperson || salesperson.is_some() {
        split::Split::BySalesperson
    } else {
        split::Split::CustomerOnly
    };
    for ((customer_id, sp), f) in split::period_cells(conn, from, to, cells)? {
        if salesperson.is_some_and(|only| sp.as_deref() != Some(only)) {
            continue;
        }
        total.add(&f);
        per_customer.entry(customer_id).or_insert(empty).add(&f);
        per_salesperson.entry((sp.is_none(), sp)).or_insert(empty).add(&f);
    }
    let mut out = Collection {
        from,
        to,
        days,
        salesperson: salesperson.map(str::to_string),
        by,
        customers: Vec::new(),
        salespeople: Vec::new(),
        total,
    };
    match by {
        By::Customer => {
            for c in customers::entries(conn)? {
                if let Some(f) = per_customer.remove(&c.id).filter(|f| *f != empty) {
                    out.customers.push(CustomerFigures { code: c.code, name: c.name, figures: f });
                }
            }
        }
        By::Salesperson => {
            out.salespeople = per_salesperson
                .into_iter()
                .filter(|(_, f)| *f != empty)
                .map(|((_, salesperson), figures)| SalespersonFigures { salesperson, figures })
                .collect();
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use rust_decimal::Decimal;

    use super::*;
    use crate::ledger::Money;
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
