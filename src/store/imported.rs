//! What the imports have put in the book: each imported customer, invoice
//! and payment keeps its row's fingerprint (see `import::fingerprint`) in
//! its own `import_print`, so that importing the same or an overlapping
//! file again skips the rows already in the book. A customer or invoice is
//! found again by its code or number, a payment by its customer and date
//! (an index the payments have): no table of fingerprints to write.

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, params};

use super::{Result, date_sql};

/// What an imported row became.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Customer,
    Invoice,
    Payment,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Customer => "customer",
            Kind::Invoice => "invoice",
            Kind::Payment => "payment",
        }
    }

    fn table(self) -> &'static str {
        match self {
            Kind::Customer => "customers",
            Kind::Invoice => "invoices",
            Kind::Payment => "payments",
        }
    }
}

/// Whether any payment was ever imported with a fingerprint (when none was,
/// no row of a file can be in the book yet and the lookups are left out).
pub fn any_payment(conn: &Connection) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM payments WHERE import_print IS NOT NULL)")?
        .query_row([], |r| r.get(0))?)
}

/// The payments of this customer on this date that were imported with this
/// fingerprint (none, or one: a row the book holds is not added again).
pub fn payments_with_print(
    conn: &Connection,
    customer_id: i64,
    date: NaiveDate,
    fingerprint: &str,
) -> Result<Vec<i64>> {
    let mut stmt =
        conn.prepare_cached("SELECT id FROM payments WHERE customer_id = ?1 AND date = ?2 AND import_print = ?3")?;
    let ids = stmt.query_map(params![customer_id, date_sql(date), fingerprint], |r| r.get(0))?;
    Ok(ids.collect::<rusqlite::Result<_>>()?)
}

/// Keep the fingerprint of the row that record `id` was imported from (the
/// imports write it with the record itself; tests mark records made by hand).
#[cfg(test)]
pub fn mark(conn: &Connection, kind: Kind, fingerprint: &str, id: i64) -> Result<()> {
    conn.prepare_cached(&format!("UPDATE {} SET import_print = ?1 WHERE id = ?2", kind.table()))?
        .execute(params![fingerprint, id])?;
    Ok(())
}

/// The fingerprint a record keeps (`None`: entered by hand, or imported
/// before fingerprints were kept).
pub fn print_of(conn: &Connection, kind: Kind, id: i64) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached(&format!("SELECT import_print FROM {} WHERE id = ?1", kind.table()))?
        .query_row([id], |r| r.get(0))
        .optional()?
        .flatten())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::example::{self, d};

    #[test]
    fn a_marked_record_is_found_by_its_fingerprint() {
        let ex = example::book();
        let c = &ex.book.conn;
        assert!(!any_payment(c).unwrap());
        // Payment 1 is A's of 2026-02-10 (see the example book).
        mark(c, Kind::Payment, "p1", 1).unwrap();
        assert!(any_payment(c).unwrap());
        assert_eq!(payments_with_print(c, ex.a, d("2026-02-10"), "p1").unwrap(), [1]);
        assert_eq!(payments_with_print(c, ex.a, d("2026-02-11"), "p1").unwrap(), [0; 0]);
        assert_eq!(payments_with_print(c, ex.a, d("2026-02-10"), "p2").unwrap(), [0; 0]);
        assert_eq!(print_of(c, Kind::Payment, 1).unwrap().as_deref(), Some("p1"));
        mark(c, Kind::Invoice, "i1", 1).unwrap();
        assert_eq!(print_of(c, Kind::Invoice, 1).unwrap().as_deref(), Some("i1"));
        assert_eq!(print_of(c, Kind::Customer, 1).unwrap(), None);
    }
}
