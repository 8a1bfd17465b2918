//! Reading input files: text decoding and the CSV import formats (DESIGN §3).

pub mod bank;
pub mod csvfile;
pub mod customers;
pub mod fingerprint;
#[doc(hidden)]
pub mod fuzz;
pub mod input;
pub mod invoices;
pub mod payments;
pub mod text;
pub mod vat;

/// Unit tests (the loaders', the reports') share one way to set up a book.
#[cfg(test)]
pub(crate) mod test_book {
    use chrono::NaiveDate;

    use super::csvfile::CsvFile;
    use super::{customers, invoices};
    use crate::store::Book;

    /// The day the loaders are told is today.
    pub const TODAY: NaiveDate = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();

    /// A test book holding the customers of a customer file and the
    /// invoices of an invoice file (each given as its text), committed.
    pub fn with(customer_file: &str, invoice_file: &str) -> Book {
        let mut book = Book::in_memory();
        let tx = book.conn.transaction().unwrap();
        let c = CsvFile::parse("customers.csv", customer_file.as_bytes(), customers::COLUMNS).unwrap();
        customers::load(&tx, &c, TODAY).unwrap();
        let i = CsvFile::parse("invoices.csv", invoice_file.as_bytes(), invoices::COLUMNS).unwrap();
        invoices::load(&tx, &i, TODAY).unwrap();
        tx.commit().unwrap();
        book
    }
}
