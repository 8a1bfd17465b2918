//! The rows the imports have put in the book (`imported_rows`): each
//! customer, invoice and payment row's fingerprint (see
//! `import::fingerprint`) and the record it became, so that importing the
//! same or an overlapping file again skips the rows already in the book.

use rusqlite::{Connection, OptionalExtension, params};

use super::Result;

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
}

/// Whether any row of this kind was ever imported (when none was, no row of
/// a file can be in the book yet and the lookups can be left out).
pub fn any(conn: &Connection, kind: Kind) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM imported_rows WHERE kind = ?1 LIMIT 1")?
        .query_row([kind.as_str()], |_| Ok(()))
        .optional()?
        .is_some())
}

/// The record an imported row with this fingerprint became, if one did.
pub fn find(conn: &Connection, kind: Kind, fingerprint: &str) -> Result<Option<i64>> {
    Ok(conn
        .prepare_cached("SELECT record_id FROM imported_rows WHERE kind = ?1 AND fingerprint = ?2")?
        .query_row(params![kind.as_str(), fingerprint], |r| r.get(0))
        .optional()?)
}

/// Remember that the row with this fingerprint became record `id`.
pub fn record(conn: &Connection, kind: Kind, fingerprint: &str, id: i64) -> Result<()> {
    conn.prepare_cached("INSERT INTO imported_rows (kind, fingerprint, record_id) VALUES (?1, ?2, ?3)")?
        .execute(params![kind.as_str(), fingerprint, id])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Book;

    #[test]
    fn a_recorded_row_is_found_by_kind_and_fingerprint() {
        let book = Book::in_memory();
        let c = &book.conn;
        assert!(!any(c, Kind::Invoice).unwrap());
        record(c, Kind::Invoice, "number=I-1\u{1e}1", 7).unwrap();
        assert!(any(c, Kind::Invoice).unwrap());
        assert!(!any(c, Kind::Payment).unwrap());
        assert_eq!(find(c, Kind::Invoice, "number=I-1\u{1e}1").unwrap(), Some(7));
        assert_eq!(find(c, Kind::Payment, "number=I-1\u{1e}1").unwrap(), None);
        assert_eq!(find(c, Kind::Invoice, "number=I-1\u{1e}2").unwrap(), None);
    }
}
