//! A small book whose figures are worked out by hand, for the unit tests of
//! the store and the reports built on it:
//!
//! ```text
//! A  invoice A1 issued 2026-01-01  1,000.00 due 2026-01-31
//!    invoice A2 issued 2026-03-01    500.00 due 2026-03-31
//!    payment 2026-02-10 400.00 → A1;  write-off 2026-04-10 100.00 of A2
//! B  invoice B1 issued 2026-02-01    300.00 due 2026-02-15
//!    payment 2026-03-05 500.00 → B1 300.00, 200.00 left unapplied
//! ```

use chrono::NaiveDate;

use crate::ledger::Money;
use crate::ledger::schedule::Installment;
use crate::store::money::AllocateTo;
use crate::store::payments::{Method, NewPayment, Source};
use crate::store::{Book, customers, invoices, payments};

/// The book and its two customers' ids.
pub struct Example {
    pub book: Book,
    pub a: i64,
    pub b: i64,
}

/// A date from `YYYY-MM-DD`.
pub fn d(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

/// Money from `1234.50`.
pub fn m(text: &str) -> Money {
    Money::parse(text).unwrap()
}

fn customer(book: &Book, code: &str) -> i64 {
    let new = customers::NewCustomer { code: code.into(), name: format!("Customer {code}"), ..Default::default() };
    customers::insert(&book.conn, &new, d("2026-01-01")).unwrap()
}

fn invoice(book: &Book, customer_id: i64, number: &str, issued: &str, amount: &str, due: &str) -> i64 {
    let schedule = [Installment { due_date: d(due), amount: m(amount) }];
    let new = invoices::NewInvoice {
        number,
        customer_id,
        issue_date: d(issued),
        amount: m(amount),
        description: None,
        kind: invoices::Kind::Sale,
        discount: None,
        schedule: &schedule,
        import_print: None,
    };
    invoices::create(&book.conn, &new, false).unwrap().0
}

fn pay(book: &Book, customer_id: i64, date: &str, amount: &str) {
    let p = NewPayment {
        customer_id,
        date: d(date),
        amount: m(amount),
        method: Method::Bank,
        reference: None,
        source: Source::Manual,
        auto_apply: false,
    };
    payments::record(&book.conn, &p, &AllocateTo::Fifo).unwrap();
}

/// The book above, built through the store's own functions.
pub fn book() -> Example {
    let book = Book::in_memory();
    let (a, b) = (customer(&book, "A"), customer(&book, "B"));
    invoice(&book, a, "A1", "2026-01-01", "1000.00", "2026-01-31");
    let a2 = invoice(&book, a, "A2", "2026-03-01", "500.00", "2026-03-31");
    invoice(&book, b, "B1", "2026-02-01", "300.00", "2026-02-15");
    pay(&book, a, "2026-02-10", "400.00");
    pay(&book, b, "2026-03-05", "500.00");
    invoices::write_off(&book.conn, a2, d("2026-04-10"), m("100.00"), "goodwill").unwrap();
    Example { book, a, b }
}
