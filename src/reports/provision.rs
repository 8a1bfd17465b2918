//! The bad-debt provision (坏账准备): invoice-date aging times the rates.
//!
//! Rates in percent for ≤1y, 1–2y, 2–3y, 3–4y, 4–5y, >5y, default
//! 5,10,30,50,80,100 (`config set provision_rates 5,10,30,50,80,100`).
//! Each customer's bucket is rounded to the cent, so customers add up to
//! the total.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::aging::aging_report;
use crate::ledger::Money;
use crate::ledger::aging::{AgingRule, Basis, Buckets, INVOICE_AGE_LABELS, INVOICE_AGE_LABELS_ZH};
use crate::ledger::metrics::provision;
use crate::store::{self, Connection};

/// One age bucket of the provision schedule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProvisionBucket {
    /// The age label, e.g. `1-2y`.
    pub label: &'static str,
    /// The same in Chinese, e.g. `1-2年`.
    pub label_zh: &'static str,
    pub balance: Money,
    /// The rate in percent, as the book holds it.
    pub rate: Decimal,
    pub provision: Money,
}

/// One customer's share of the provision.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CustomerProvision {
    pub code: String,
    pub name: String,
    pub balance: Money,
    pub provision: Money,
}

/// The provision schedule (by age) and the customer lines as of a date.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Provision {
    pub as_of: NaiveDate,
    pub buckets: Vec<ProvisionBucket>,
    pub balance: Money,
    pub provision: Money,
    /// Customers with a balance, largest provision first (then by code).
    pub customers: Vec<CustomerProvision>,
}

/// The provision as of a date: the invoice-date aging of every customer,
/// each bucket × its rate rounded per customer.
pub fn compute(conn: &Connection, as_of: NaiveDate) -> store::Result<Provision> {
    // A closed month keeps the rates it was closed with.
    let rates = store::settings::load_as_of(conn, as_of)?.provision_rates;
    let rule = AgingRule { basis: Basis::Invoice, buckets: Buckets::default() };
    let r = aging_report(conn, &rule, as_of, None)?;
    let mut buckets: Vec<ProvisionBucket> = INVOICE_AGE_LABELS
        .iter()
        .zip(INVOICE_AGE_LABELS_ZH)
        .zip(rates)
        .map(|((label, label_zh), rate)| ProvisionBucket {
            label,
            label_zh,
            balance: Money::ZERO,
            rate,
            provision: Money::ZERO,
        })
        .collect();
    let mut customers = Vec::new();
    for l in &r.lines {
        let mut p = Money::ZERO;
        for (i, cell) in l.cells.iter().enumerate() {
            let x = provision(*cell, rates[i]);
            buckets[i].balance += *cell;
            buckets[i].provision += x;
            p += x;
        }
        if !l.total.is_zero() {
            customers.push(CustomerProvision {
                code: l.code.clone(),
                name: l.name.clone(),
                balance: l.total,
                provision: p,
            });
        }
    }
    customers.sort_by(|a, b| b.provision.cmp(&a.provision).then_with(|| a.code.cmp(&b.code)));
    Ok(Provision {
        as_of,
        balance: buckets.iter().map(|b| b.balance).sum(),
        provision: buckets.iter().map(|b| b.provision).sum(),
        buckets,
        customers,
    })
}

/// A small book for the reports' unit tests: customers on 30-day terms and
/// sale invoices due in one installment.
#[cfg(test)]
pub(crate) mod test_book {
    use chrono::NaiveDate;

    use crate::ledger::Money;
    use crate::ledger::schedule::{DuePlan, build_schedule};
    use crate::store::Connection;
    use crate::store::customers::{self, NewCustomer};
    use crate::store::invoices::{self, Kind, NewInvoice};

    pub fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    /// A customer with this code, on the default terms.
    pub fn customer(conn: &Connection, code: &str) -> i64 {
        let c = NewCustomer { code: code.into(), name: format!("{code} Ltd"), ..NewCustomer::default() };
        customers::insert(conn, &c, d(2020, 1, 1)).unwrap()
    }

    /// A sale invoice of `cents`, issued on a date and due 30 days later; its id.
    pub fn invoice(conn: &Connection, number: &str, customer_id: i64, issued: NaiveDate, cents: i64) -> i64 {
        let amount = Money::from_cents(cents);
        let schedule = build_schedule(issued, amount, &DuePlan::Terms(30)).unwrap();
        let new = NewInvoice {
            number,
            customer_id,
            issue_date: issued,
            amount,
            description: None,
            kind: Kind::Sale,
            discount: None,
            schedule: &schedule,
            import_print: None,
        };
        invoices::create(conn, &new, false).unwrap().0
    }
}

#[cfg(test)]
mod tests {
    use super::test_book::{customer, d, invoice};
    use super::*;
    use crate::ledger::metrics::DEFAULT_PROVISION_RATES;
    use crate::store::Book;

    #[test]
    fn each_age_bucket_is_provided_at_its_rate() {
        let book = Book::in_memory();
        let hy = customer(&book.conn, "HY");
        let dz = customer(&book.conn, "DZ");
        // As of 2026-10-31:
        //   HY  10,000.00 issued 2025-06-30 → 1–2 y at  10 % = 1,000.00
        //   HY     333.33 issued 2026-09-30 → ≤1 y at   5 % =    16.67 (16.6665 rounded)
        //   DZ   2,000.00 issued 2021-01-15 → >5 y at 100 % = 2,000.00
        invoice(&book.conn, "A-1", hy, d(2025, 6, 30), 1_000_000);
        invoice(&book.conn, "A-2", hy, d(2026, 9, 30), 33_333);
        invoice(&book.conn, "B-1", dz, d(2021, 1, 15), 200_000);
        let p = compute(&book.conn, d(2026, 10, 31)).unwrap();
        let by_age: Vec<(&str, Money, Money)> = p.buckets.iter().map(|b| (b.label, b.balance, b.provision)).collect();
        assert_eq!(
            by_age,
            vec![
                ("<=1y", Money::from_cents(33_333), Money::from_cents(1_667)),
                ("1-2y", Money::from_cents(1_000_000), Money::from_cents(100_000)),
                ("2-3y", Money::ZERO, Money::ZERO),
                ("3-4y", Money::ZERO, Money::ZERO),
                ("4-5y", Money::ZERO, Money::ZERO),
                (">5y", Money::from_cents(200_000), Money::from_cents(200_000)),
            ]
        );
        // Totals: 12,333.33 provided 3,016.67; DZ (2,000.00) before HY (1,016.67).
        assert_eq!((p.balance, p.provision), (Money::from_cents(1_233_333), Money::from_cents(301_667)));
        let lines: Vec<(&str, Money)> = p.customers.iter().map(|c| (c.code.as_str(), c.provision)).collect();
        assert_eq!(lines, vec![("DZ", Money::from_cents(200_000)), ("HY", Money::from_cents(101_667))]);
    }

    #[test]
    fn the_book_rates_replace_the_defaults() {
        let book = Book::in_memory();
        assert_eq!(store::settings::provision_rates(&book.conn).unwrap(), DEFAULT_PROVISION_RATES.map(Decimal::from));
        store::set_setting(&book.conn, "provision_rates", "1,2,3,4,5,6").unwrap();
        let hy = customer(&book.conn, "HY");
        // 10,000.00 aged 1–2 y at 2 % = 200.00
        invoice(&book.conn, "A-1", hy, d(2025, 6, 30), 1_000_000);
        let p = compute(&book.conn, d(2026, 10, 31)).unwrap();
        assert_eq!(p.provision, Money::from_cents(20_000));
    }
}
