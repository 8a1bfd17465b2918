//! Indexes set aside for the length of a large import (the bulk path of
//! `invoice import`), built again from their own text before it commits.
//!
//! A row inserted into a table with secondary indexes is also inserted
//! into each of them, at a place its key decides: for the indexes by
//! customer, a random page of a B-tree much larger than the page cache, read
//! and rewritten for every row. Building an index afresh sorts the table
//! once instead. Measured on the bench book (release build, 2 cores), the
//! four indexes below cost about 7.3 µs per imported invoice to maintain
//! row by row, against about 2.5 µs per installment of the whole book to
//! build again: setting them aside pays when the file adds at least half as
//! many installments as the book holds ([`worth_it`]). A first import of
//! 10^6 invoices into an empty book: 18.2 s → 12.5 s; 10^5 invoices into
//! that book of 10^6: 3.0 s row by row, 4.4 s set aside (so not done).
//!
//! Safe at any moment: the indexes are dropped and created in the import's
//! own transaction, so a failed or killed import leaves them as they were
//! with everything else, and a completed one commits them built again, with
//! the very text the schema gave them. The import reads none of them
//! meanwhile (it finds customers by code, invoices by number, installments
//! by invoice: other indexes), so no lookup turns into a scan.

use rusqlite::{Connection, OptionalExtension};

use super::Result;

/// The indexes an invoice import writes and never reads.
pub const INVOICE_IMPORT: &[&str] =
    &["invoices_customer", "invoices_issued", "installments_customer", "installments_open"];

/// Below this many rows, either way takes a moment: the indexes stay.
pub const MIN_ROWS: usize = 1_000;

/// Whether an import of `rows` rows, each adding about one installment,
/// should set the indexes aside: at least [`MIN_ROWS`], and at least half
/// as many as the installments the book holds (its highest installment id,
/// read without a scan).
pub fn worth_it(conn: &Connection, rows: usize) -> Result<bool> {
    if rows < MIN_ROWS {
        return Ok(false);
    }
    let held: i64 =
        conn.prepare_cached("SELECT COALESCE(MAX(id), 0) FROM installments")?.query_row([], |r| r.get(0))?;
    Ok((rows as i64).saturating_mul(2) >= held)
}

/// Indexes dropped by [`Aside::set_aside`], to be built again by
/// [`Aside::rebuild`] in the same transaction. Dropped without a rebuild
/// (an error on the way), it does nothing: the transaction is rolled back,
/// and the indexes with it.
#[must_use = "the indexes set aside are built again by rebuild, before the commit"]
pub struct Aside {
    /// Each index's `CREATE INDEX` text, as the schema holds it.
    sql: Vec<String>,
}

impl Aside {
    /// Drop the named indexes (those the book has), keeping their text
    /// to build them again.
    pub fn set_aside(conn: &Connection, names: &[&str]) -> Result<Aside> {
        let mut sql = Vec::with_capacity(names.len());
        for name in names {
            let text: Option<String> = conn
                .prepare_cached("SELECT sql FROM sqlite_schema WHERE type = 'index' AND name = ?1")?
                .query_row([name], |r| r.get(0))
                .optional()?;
            if let Some(text) = text {
                conn.execute_batch(&format!("DROP INDEX \"{name}\""))?;
                sql.push(text);
            }
        }
        Ok(Aside { sql })
    }

    /// Build the indexes again. SQLite sorts each in runs as large as the
    /// page cache, merged from temporary files: first the cache is made
    /// smaller (16 MiB instead of 64; the import's changes spill to the
    /// WAL) and the temporary files real ones, as [`super::sort_in_files`]
    /// does. Else the sort of the widest index adds about 100 MB to the
    /// import's peak at 10^6 installments (149 MB → 106 MB; 14.3 s → 12.6 s
    /// with the smaller runs). SQLite refuses the second change in a
    /// transaction that has used temporary tables; the sorts then stay in
    /// memory, which costs memory, never a wrong index.
    pub fn rebuild(self, conn: &Connection) -> Result<()> {
        if self.sql.is_empty() {
            return Ok(());
        }
        conn.pragma_update(None, "cache_size", -16_384)?;
        conn.pragma_update(None, "temp_store", "FILE").ok();
        for text in &self.sql {
            conn.execute_batch(text)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Book;

    fn indexes(conn: &Connection) -> Vec<(String, String)> {
        conn.prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL ORDER BY name")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
    }

    #[test]
    fn indexes_set_aside_come_back_with_their_own_text_or_not_at_all() {
        let mut book = Book::in_memory();
        let before = indexes(&book.conn);
        for name in INVOICE_IMPORT {
            assert!(before.iter().any(|(n, _)| n == name), "the schema has {name}");
        }

        let tx = book.conn.transaction().unwrap();
        let aside = Aside::set_aside(&tx, INVOICE_IMPORT).unwrap();
        assert_eq!(indexes(&tx).len(), before.len() - INVOICE_IMPORT.len(), "dropped meanwhile");
        aside.rebuild(&tx).unwrap();
        tx.commit().unwrap();
        assert_eq!(indexes(&book.conn), before, "built again, word for word");

        // An import that fails after setting them aside: rolled back with it.
        let tx = book.conn.transaction().unwrap();
        let aside = Aside::set_aside(&tx, INVOICE_IMPORT).unwrap();
        drop(aside);
        drop(tx);
        assert_eq!(indexes(&book.conn), before, "a rollback brings them back");
    }

    #[test]
    fn the_indexes_are_set_aside_only_for_a_file_as_large_as_half_the_book() {
        let book = Book::in_memory();
        assert!(!worth_it(&book.conn, MIN_ROWS - 1).unwrap(), "a small file, even into an empty book");
        assert!(worth_it(&book.conn, MIN_ROWS).unwrap());
        book.conn
            .execute_batch(
                "INSERT INTO customers (code, name, created) VALUES ('A', 'A', '2026-01-01');
                 INSERT INTO invoices (number, customer_id, issue_date, amount) VALUES ('I', 1, '2026-01-01', 1);
                 INSERT INTO installments (id, invoice_id, customer_id, seq, due_date, amount)
                 VALUES (10000, 1, 1, 1, '2026-02-01', 1);",
            )
            .unwrap();
        assert!(!worth_it(&book.conn, 4_999).unwrap());
        assert!(worth_it(&book.conn, 5_000).unwrap());
    }
}
