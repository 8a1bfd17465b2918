//! Copies of the book: SQLite's online backup, checked before it counts.

use std::path::Path;
use std::time::Duration;

use rusqlite::backup::Backup;

use super::{Book, Connection, Result, StoreError};

/// Pages copied per step of the online backup. Between steps another
/// process may write; the backup then starts over, so the copy is always
/// one consistent snapshot.
const PAGES_PER_STEP: i32 = 256;

/// How long to pause between steps, leaving the lock to writers.
const PAUSE: Duration = Duration::from_millis(10);

/// Copy the book into `dest` with SQLite's online backup, then check that
/// the copy opens as a book and passes SQLite's integrity check.
///
/// The copy is consistent even while another huikuan is writing. `dest` is
/// created by the caller (with the permissions it wants: the backup only
/// writes into the file) and removed by the caller when this fails.
pub fn backup_to(book: &Book, dest: &Path) -> Result<()> {
    let mut copy = Connection::open(dest)?;
    Backup::new(&book.conn, &mut copy)?.run_to_completion(PAGES_PER_STEP, PAUSE, None)?;
    drop(copy);
    let copy = Book::open(dest)?;
    let ok: String = copy.conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
    if ok != "ok" {
        let shown = dest.display();
        return Err(StoreError::invalid(
            format!("{shown}: the copy fails its integrity check"),
            format!("{shown}：备份未通过完整性检查"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;
    use crate::store::customers::{self, NewCustomer};

    #[test]
    fn a_backup_opens_as_a_book_with_the_same_rows() {
        let book = Book::in_memory();
        let today = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
        let c = NewCustomer {
            code: "ACME".into(),
            name: "Acme Trading Ltd.".into(),
            terms_days: Some(45),
            credit_limit: None,
            credit_score: None,
            email: None,
            phone: None,
            notes: None,
            aliases: vec!["ACME CO".into()],
            accounts: Vec::new(),
            contacts: Vec::new(),
        };
        customers::insert(&book.conn, &c, today).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("copy.sqlite");
        backup_to(&book, &dest).unwrap();

        let copy = Book::open(&dest).unwrap();
        let original = customers::get(&book.conn, "ACME").unwrap();
        let copied = customers::get(&copy.conn, "ACME").unwrap();
        assert_eq!((copied.id, &copied.name, copied.terms_days), (original.id, &original.name, original.terms_days));
        assert_eq!(crate::store::book_settings(&copy.conn).unwrap().company, "Test Co.");
    }
}
