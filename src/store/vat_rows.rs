//! The rows of a VAT e-invoice list put aside while the list is read, so
//! that its invoices (the rows of one number summed) are booked one at a
//! time without holding the list.
//!
//! The rows of one number need not be together in the file. Each number's
//! *head* (its first row's line, buyer, date and 发票代码, and the amount its
//! rows add up to so far) is kept in one temporary table, keyed by the
//! number, for its later rows to be checked against; each row in another,
//! keyed by its head's line and its own. Read back in that key's order, the
//! rows come grouped by invoice, the invoices in the order the file first
//! names them, with no sort. A list of [`IN_FILES_FROM`] rows or more puts
//! them in temporary files, so the import's memory does not grow with the
//! list; a smaller one keeps them in memory. (An import of that many rows
//! begins its transaction with temporary files chosen, see
//! [`super::Book::write_large`]; else they are chosen here, which SQLite
//! allows while the connection has no temporary table open.)

use chrono::NaiveDate;
use rusqlite::{OptionalExtension, params};

use super::{Connection, Result, StoreError, date_col, date_sql, exec, money_col};
use crate::ledger::Money;

/// From how many rows a list's rows go to temporary files.
pub const IN_FILES_FROM: usize = super::MANY_OPENED;

/// What the first row of an invoice number says, which its other rows must
/// repeat; and what its rows add up to so far.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Head {
    /// The line of the number's first row.
    pub first: u64,
    /// The buyer's name, normalised.
    pub buyer: String,
    pub issue: NaiveDate,
    /// 发票代码.
    pub code: Option<String>,
    pub amount: Money,
}

/// One row of the list, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListRow {
    /// The line of its number's first row.
    pub first: u64,
    pub line: u64,
    pub number: String,
    pub customer_id: i64,
    pub terms_days: u32,
    pub issue: NaiveDate,
    pub amount: Money,
    pub net: Option<Money>,
    pub tax: Option<Money>,
    /// The rate's canonical text.
    pub rate: Option<String>,
    /// 货物或应税劳务名称.
    pub item: Option<String>,
}

/// The rows put aside, in temporary tables dropped with it.
pub struct VatRows<'c> {
    conn: &'c Connection,
}

impl<'c> VatRows<'c> {
    /// Tables for a list of `rows` rows.
    pub fn new(conn: &'c Connection, rows: usize) -> Result<VatRows<'c>> {
        if rows >= IN_FILES_FROM {
            // Refused once the connection has used a temporary table in
            // this transaction: the rows then stay in memory, which costs
            // memory, never a wrong invoice.
            conn.pragma_update(None, "temp_store", "FILE").ok();
        }
        conn.execute_batch(
            "DROP TABLE IF EXISTS temp.vat_heads;
             DROP TABLE IF EXISTS temp.vat_rows;
             CREATE TEMP TABLE vat_heads (
                 number TEXT PRIMARY KEY, first INTEGER NOT NULL, buyer TEXT NOT NULL, issue TEXT NOT NULL,
                 code TEXT, amount INTEGER NOT NULL) WITHOUT ROWID;
             CREATE TEMP TABLE vat_rows (
                 first INTEGER NOT NULL, line INTEGER NOT NULL, number TEXT NOT NULL, customer_id INTEGER NOT NULL,
                 terms_days INTEGER NOT NULL, issue TEXT NOT NULL, amount INTEGER NOT NULL, net INTEGER, tax INTEGER,
                 rate TEXT, item TEXT, PRIMARY KEY (first, line)) WITHOUT ROWID;",
        )?;
        Ok(VatRows { conn })
    }

    /// The head kept for `number`, if a row of it was put aside.
    pub fn head(&self, number: &str) -> Result<Option<Head>> {
        let head = self
            .conn
            .prepare_cached("SELECT first, buyer, issue, code, amount FROM temp.vat_heads WHERE number = ?1")?
            .query_row([number], |r| {
                Ok(Head {
                    first: r.get::<_, i64>(0)? as u64,
                    buyer: r.get(1)?,
                    issue: date_col(r, 2)?,
                    code: r.get(3)?,
                    amount: money_col(r, 4)?,
                })
            })
            .optional()?;
        Ok(head)
    }

    /// Keep `number`'s head (a new one, or its amount changed).
    pub fn keep_head(&self, number: &str, h: &Head) -> Result<()> {
        exec(
            self.conn,
            "INSERT OR REPLACE INTO temp.vat_heads VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![number, h.first as i64, h.buyer, date_sql(h.issue), h.code, h.amount.cents()],
        )?;
        Ok(())
    }

    /// Put a row aside.
    pub fn push(&self, r: &ListRow) -> Result<()> {
        exec(
            self.conn,
            "INSERT INTO temp.vat_rows VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            params![
                r.first as i64,
                r.line as i64,
                r.number,
                r.customer_id,
                r.terms_days,
                date_sql(r.issue),
                r.amount.cents(),
                r.net.map(Money::cents),
                r.tax.map(Money::cents),
                r.rate,
                r.item
            ],
        )?;
        Ok(())
    }

    /// Every row put aside: by its number's first line, then its own.
    pub fn for_each<E: From<StoreError>>(&self, mut f: impl FnMut(ListRow) -> Result<(), E>) -> Result<(), E> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT first, line, number, customer_id, terms_days, issue, amount, net, tax, rate, item
                 FROM temp.vat_rows ORDER BY first, line",
            )
            .map_err(StoreError::from)?;
        let mut rows = stmt.query([]).map_err(StoreError::from)?;
        while let Some(r) = rows.next().map_err(StoreError::from)? {
            f(list_row(r).map_err(StoreError::from)?)?;
        }
        Ok(())
    }
}

fn list_row(r: &rusqlite::Row) -> rusqlite::Result<ListRow> {
    let cents =
        |i: usize| -> rusqlite::Result<Option<Money>> { Ok(r.get::<_, Option<i64>>(i)?.map(Money::from_cents)) };
    Ok(ListRow {
        first: r.get::<_, i64>(0)? as u64,
        line: r.get::<_, i64>(1)? as u64,
        number: r.get(2)?,
        customer_id: r.get(3)?,
        terms_days: r.get(4)?,
        issue: date_col(r, 5)?,
        amount: money_col(r, 6)?,
        net: cents(7)?,
        tax: cents(8)?,
        rate: r.get(9)?,
        item: r.get(10)?,
    })
}

impl Drop for VatRows<'_> {
    fn drop(&mut self) {
        let _ = self.conn.execute_batch("DROP TABLE IF EXISTS temp.vat_heads; DROP TABLE IF EXISTS temp.vat_rows");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Book;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 10, d).unwrap()
    }

    fn row(first: u64, line: u64, number: &str, cents: i64) -> ListRow {
        ListRow {
            first,
            line,
            number: number.into(),
            customer_id: 7,
            terms_days: 30,
            issue: day(8),
            amount: Money::from_cents(cents),
            net: (cents % 2 == 0).then(|| Money::from_cents(cents - 13)),
            tax: (cents % 2 == 0).then(|| Money::from_cents(13)),
            rate: Some("13%".into()),
            item: line.is_multiple_of(3).then(|| format!("item {line}")),
        }
    }

    #[test]
    fn rows_come_back_grouped_by_number_in_the_order_the_list_first_names_them() {
        let book = Book::in_memory();
        let tx = book.conn.unchecked_transaction().unwrap();
        let aside = VatRows::new(&tx, 3).unwrap();
        // B's rows are split by A's; C comes last.
        let put = [row(2, 2, "B", 100), row(3, 3, "A", 201), row(2, 4, "B", 302), row(5, 5, "C", 403)];
        for r in &put {
            aside.push(r).unwrap();
        }
        let mut back = Vec::new();
        aside
            .for_each(|r| -> Result<()> {
                back.push(r);
                Ok(())
            })
            .unwrap();
        assert_eq!(back, [put[0].clone(), put[2].clone(), put[1].clone(), put[3].clone()]);
    }

    #[test]
    fn a_head_is_kept_and_changed_by_number() {
        let book = Book::in_memory();
        let tx = book.conn.unchecked_transaction().unwrap();
        let aside = VatRows::new(&tx, 1).unwrap();
        assert_eq!(aside.head("A").unwrap(), None);
        let mut h = Head { first: 2, buyer: "acme".into(), issue: day(8), code: None, amount: Money::from_cents(5) };
        aside.keep_head("A", &h).unwrap();
        assert_eq!(aside.head("A").unwrap().as_ref(), Some(&h));
        h.amount = Money::from_cents(12);
        h.code = Some("044".into());
        aside.keep_head("A", &h).unwrap();
        assert_eq!(aside.head("A").unwrap(), Some(h));
        assert_eq!(aside.head("B").unwrap(), None);
    }

    #[test]
    fn a_large_list_puts_its_rows_in_files_and_a_small_one_in_memory() {
        // As an import begins its transaction: a book's migration used a
        // temporary table before.
        let store = |rows: usize| {
            let mut book = Book::in_memory();
            book.conn.pragma_update(None, "temp_store", "MEMORY").unwrap();
            book.conn.execute_batch("CREATE TEMP TABLE t (x); DROP TABLE temp.t").unwrap();
            let tx = book.write_large(0).unwrap();
            let _aside = VatRows::new(&tx, rows).unwrap();
            tx.query_row("PRAGMA temp_store", [], |r| r.get::<_, i64>(0)).unwrap()
        };
        assert_eq!(store(IN_FILES_FROM - 1), 2, "MEMORY, as the import began");
        assert_eq!(store(IN_FILES_FROM), 1, "FILE");
        // Dropped, the tables are gone.
        let book = Book::in_memory();
        drop(VatRows::new(&book.conn, 1).unwrap());
        let left: i64 = book
            .conn
            .query_row("SELECT COUNT(*) FROM temp.sqlite_master WHERE name LIKE 'vat_%'", [], |r| r.get(0))
            .unwrap();
        assert_eq!(left, 0);
    }
}
