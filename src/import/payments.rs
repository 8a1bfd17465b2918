//! The payment import format (`huikuan pay import`): CSV rows into the
//! book in file order, each recorded and allocated, every bad row named as
//! file:line, all or nothing.

use crate::store::totals::Headroom;
use std::collections::HashMap;

use chrono::NaiveDate;

use crate::error::Result;
use crate::import::csvfile::{Column, CsvFile};
use crate::import::fingerprint::RowPrints;
use crate::ledger::Money;
use crate::parse::{date, parse_method, positive_amount};
use crate::store::payments::{self, Method, NewPayment, Source};
use crate::store::{Connection, customers, invoices};

/// The columns: date,customer,amount,method,reference,invoice (method
/// defaults to bank; with an invoice the payment goes to it, else to the
/// oldest due installments), each under its English or Chinese names.
pub const COLUMNS: &[Column] = &[
    Column { key: "date", names: &["date", "payment_date", "日期", "收款日期"], required: true },
    Column { key: "customer", names: &["customer", "customer_code", "客户", "客户代码"], required: true },
    Column { key: "amount", names: &["amount", "金额"], required: true },
    Column { key: "method", names: &["method", "方式", "收款方式"], required: false },
    Column { key: "reference", names: &["reference", "ref", "参考号", "备注"], required: false },
    Column { key: "invoice", names: &["invoice", "invoice_number", "发票号", "发票号码"], required: false },
];

/// What an import loaded.
#[derive(Debug)]
pub struct Loaded {
    /// Payments added.
    pub count: usize,
    /// Rows skipped because the book already holds them (two equal rows of
    /// a file are two payments: each is skipped only for its own match).
    pub skipped: usize,
    pub total: Money,
}

/// Record and allocate every payment of the file, in file order; all or
/// nothing (the caller commits).
pub fn load(tx: &Connection, csv: &CsvFile, today: NaiveDate) -> Result<Loaded> {
    let mut known: HashMap<String, i64> = HashMap::new();
    let mut total = Money::ZERO;
    let mut prints = RowPrints::payments(tx, today, csv.len())?;
    // The book's payments stay within the amount limit, sums included: the
    // first row that would carry them past it is refused at its line.
    let mut headroom = Headroom::payments(tx)?;
    // The bulk path: the kept balances are brought up to date in batches.
    let mut bulk = crate::store::balances::Bulk::start(tx)?;
    let rows = csv.each_row(|row| {
        let code = csv.require(row, "customer")?;
        let customer_id = match known.get(code) {
            Some(id) => *id,
            None => {
                let id = customers::require_id(tx, code)?;
                known.insert(code.to_string(), id);
                id
            }
        };
        let date = date("date", csv.require(row, "date")?, today)?;
        let Some(print) = prints.payment(tx, csv, row, customer_id, date)? else { return Ok(()) };
        let amount = positive_amount("amount", csv.require(row, "amount")?)?;
        let method = match csv.get(row, "method") {
            Some(m) => parse_method("method", m)?,
            None => Method::Bank,
        };
        let invoices: Vec<String> = csv.get(row, "invoice").map(|s| vec![s.to_string()]).unwrap_or_default();
        let to = invoices::allocation_targets_for(tx, customer_id, code, &invoices)?;
        let p = NewPayment {
            customer_id,
            date,
            amount,
            method,
            reference: csv.get(row, "reference"),
            source: Source::Import,
            auto_apply: true,
        };
        headroom.add(amount)?;
        // The fingerprint goes in with the payment.
        let (id, _) = payments::record_with(tx, &p, &to, Some(&print))?;
        prints.kept(id);
        total += amount;
        bulk.row(tx)?;
        Ok(())
    })?;
    prints.finish(tx)?;
    bulk.finish(tx)?;
    Ok(Loaded { count: rows - prints.skipped, skipped: prints.skipped, total })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::test_book::{TODAY, with};
    use crate::store::Book;

    /// Two customers, each with one invoice of 100.00.
    fn book() -> Book {
        with(
            "code,name\nACME,Acme Ltd.\nBETA,Beta GmbH\n",
            "number,customer,issue_date,amount\nA-1,ACME,2026-10-01,100\nB-1,BETA,2026-10-01,100\n",
        )
    }

    fn file(text: &str) -> CsvFile {
        CsvFile::parse("payments.csv", text.as_bytes(), COLUMNS).unwrap()
    }

    #[test]
    fn payments_go_to_the_invoice_named_or_oldest_due_first() {
        let mut book = book();
        let tx = book.conn.transaction().unwrap();
        let csv = file("date,customer,amount,invoice\n2026-11-01,ACME,60,A-1\n2026-11-02,BETA,30,\n");
        let l = load(&tx, &csv, TODAY).unwrap();
        assert_eq!((l.count, l.total), (2, Money::from_cents(9_000)));
        assert_eq!(invoices::get(&tx, "A-1").unwrap().balance(), Money::from_cents(4_000));
        assert_eq!(invoices::get(&tx, "B-1").unwrap().balance(), Money::from_cents(7_000));
    }

    #[test]
    fn equal_payments_are_both_kept_and_a_second_import_skips_both() {
        let mut book = book();
        let tx = book.conn.transaction().unwrap();
        let text = "date,customer,amount\n2026-11-01,ACME,10\n2026-11-01,ACME,10.00\n";
        let l = load(&tx, &file(text), TODAY).unwrap();
        assert_eq!((l.count, l.skipped, l.total), (2, 0, Money::from_cents(2_000)));
        let more = format!("{text}2026-11-01,ACME,10\n");
        let l = load(&tx, &file(&more), TODAY).unwrap();
        assert_eq!((l.count, l.skipped, l.total), (1, 2, Money::from_cents(1_000)));
        assert_eq!(invoices::get(&tx, "A-1").unwrap().balance(), Money::from_cents(7_000));
    }

    #[test]
    fn a_bad_row_is_named_by_file_and_line_and_nothing_is_written() {
        let mut book = book();
        let csv = file("date,customer,amount,invoice\n2026-11-01,ACME,60,A-1\n2026-11-02,ACME,30,B-1\n");
        let tx = book.conn.transaction().unwrap();
        let e = load(&tx, &csv, TODAY).unwrap_err().to_string();
        drop(tx);
        assert!(e.contains("payments.csv:3: invoice B-1 belongs to customer BETA, not ACME"), "{e}");
        let a1 = invoices::get(&book.conn, "A-1").unwrap();
        assert_eq!(a1.balance(), Money::from_cents(10_000), "the good row is rolled back with the rest");
    }
}
