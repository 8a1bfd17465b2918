//! The invoice import format (`huikuan invoice import`): CSV rows into the
//! book, every bad row named as file:line, all or nothing. Credit control
//! does not refuse imported invoices; unapplied credit is applied to them.

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::error::Result;
use crate::import::csvfile::{Column, CsvFile};
use crate::import::fingerprint::RowPrints;
use crate::ledger::Money;
use crate::ledger::schedule::{DuePlan, build_schedule};
use crate::parse::{date, positive_amount, within_horizon};
use crate::store::imported;
use crate::store::invoices::{self, Kind, NewInvoice};
use crate::store::{Connection, customers, settings};

/// The columns: number,customer,issue_date,due_date,amount,description
/// (due_date optional: the customer's terms apply), each under its English
/// or Chinese names.
pub const COLUMNS: &[Column] = &[
    Column {
        key: "number",
        names: &["number", "invoice", "invoice_number", "发票号", "发票号码", "单号"],
        required: true,
    },
    Column { key: "customer", names: &["customer", "customer_code", "客户", "客户代码"], required: true },
    Column { key: "issue_date", names: &["issue_date", "date", "开票日期", "日期"], required: true },
    Column { key: "due_date", names: &["due_date", "due", "到期日", "到期日期"], required: false },
    Column { key: "amount", names: &["amount", "金额"], required: true },
    Column { key: "description", names: &["description", "desc", "摘要", "说明"], required: false },
];

/// What an import loaded.
#[derive(Debug)]
pub struct Loaded {
    /// Invoices added.
    pub count: usize,
    /// Rows skipped because the book already holds them.
    pub skipped: usize,
    pub total: Money,
    pub credit_applied: Money,
}

/// Insert every invoice of the file; all or nothing (the caller commits).
pub fn load(tx: &Connection, csv: &CsvFile, today: NaiveDate) -> Result<Loaded> {
    // Customer code → (id, terms): looked up once per customer.
    let mut known: HashMap<String, (i64, u32)> = HashMap::new();
    let mut total = Money::ZERO;
    let mut credit = Money::ZERO;
    let horizon = settings::horizon_years(tx)?;
    let mut prints = RowPrints::new(tx, imported::Kind::Invoice, today)?;
    let rows = csv.each_row(|row| {
        let Some(print) = prints.check(tx, csv, row)? else { return Ok(()) };
        let code = csv.require(row, "customer")?;
        let (customer_id, terms) = match known.get(code) {
            Some(k) => *k,
            None => {
                let c = customers::get(tx, code)?;
                known.insert(code.to_string(), (c.id, c.terms_days));
                (c.id, c.terms_days)
            }
        };
        let issue = date("issue_date", csv.require(row, "issue_date")?, today)?;
        within_horizon("issue_date", issue, today, horizon)?;
        let plan = match csv.get(row, "due_date") {
            Some(d) => DuePlan::On(date("due_date", d, today)?),
            None => DuePlan::Terms(terms),
        };
        let amount = positive_amount("amount", csv.require(row, "amount")?)?;
        let schedule = build_schedule(issue, amount, &plan)?;
        let new = NewInvoice {
            number: csv.require(row, "number")?,
            customer_id,
            issue_date: issue,
            amount,
            description: csv.get(row, "description"),
            kind: Kind::Sale,
            discount: None,
            schedule: &schedule,
        };
        let (id, applied) = invoices::create(tx, &new, true).map_err(|e| prints.refused(tx, e))?;
        prints.record(tx, &print, id)?;
        total += amount;
        credit += applied;
        Ok(())
    })?;
    Ok(Loaded { count: rows - prints.skipped, skipped: prints.skipped, total, credit_applied: credit })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::test_book::{TODAY, with};
    use crate::store::Book;

    /// A book with one customer on 30 days' terms.
    fn book() -> Book {
        with("code,name,terms_days\nACME,Acme Ltd.,30\n", "number,customer,issue_date,amount\n")
    }

    fn file(text: &str) -> CsvFile {
        CsvFile::parse("invoices.csv", text.as_bytes(), COLUMNS).unwrap()
    }

    #[test]
    fn invoices_are_due_by_the_customers_terms_unless_a_due_date_is_given() {
        let mut book = book();
        let tx = book.conn.transaction().unwrap();
        let csv = file(
            "number,customer,issue_date,due_date,amount\nI-1,ACME,2026-10-01,,100\nI-2,ACME,2026-10-01,2026-10-15,50.5\n",
        );
        let l = load(&tx, &csv, TODAY).unwrap();
        assert_eq!((l.count, l.total, l.credit_applied), (2, Money::from_cents(15_050), Money::ZERO));
        assert_eq!(invoices::get(&tx, "I-1").unwrap().installments[0].due_date.to_string(), "2026-10-31");
        assert_eq!(invoices::get(&tx, "I-2").unwrap().installments[0].due_date.to_string(), "2026-10-15");
    }

    #[test]
    fn a_second_import_skips_what_the_book_holds_and_refuses_a_changed_number() {
        let mut book = book();
        let tx = book.conn.transaction().unwrap();
        let first = load(&tx, &file("number,customer,issue_date,amount\nI-1,ACME,2026-10-01,100\n"), TODAY).unwrap();
        assert_eq!((first.count, first.skipped), (1, 0));
        let csv = file("number,customer,issue_date,amount\nI-1,ACME,2026/10/1,100.00\nI-2,ACME,2026-10-02,5\n");
        let again = load(&tx, &csv, TODAY).unwrap();
        assert_eq!((again.count, again.skipped, again.total), (1, 1, Money::from_cents(500)));
        let csv = file("number,customer,issue_date,amount\nI-3,ACME,2026-10-01,1\nI-1,ACME,2026-10-01,101\n");
        let e = load(&tx, &csv, TODAY).unwrap_err().to_string();
        assert!(e.contains("invoices.csv:3: invoice 'I-1' is already in the book with other content"), "{e}");
        let csv = file("number,customer,issue_date,amount\nI-4,ACME,2026-10-01,1\nI-4,ACME,2026-10-01,1\n");
        let e = load(&tx, &csv, TODAY).unwrap_err().to_string();
        assert!(e.contains("invoices.csv:3: invoice number 'I-4' already exists"), "{e}");
    }

    #[test]
    fn a_bad_row_is_named_by_file_and_line_and_nothing_is_written() {
        let mut book = book();
        let csv = file(
            "number,customer,issue_date,amount\nI-1,ACME,2026-10-01,100\nI-2,NOBODY,2026-10-01,100\nI-3,ACME,2026-10-01,-5\n",
        );
        let tx = book.conn.transaction().unwrap();
        let e = load(&tx, &csv, TODAY).unwrap_err().to_string();
        drop(tx);
        assert!(e.contains("invoices.csv:3: no customer with code 'NOBODY'"), "{e}");
        assert!(e.contains("invoices.csv:4: amount"), "{e}");
        assert!(invoices::get(&book.conn, "I-1").is_err(), "the good row is rolled back with the rest");
    }
}
