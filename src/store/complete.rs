//! What shell completion offers from the book: customer codes and invoice
//! numbers starting with what was typed. The book is opened read-only and
//! never created, upgraded or written (a completion runs at every Tab, on
//! whatever book the line names).

use std::path::Path;

use rusqlite::{Connection, OpenFlags};

use crate::ledger::Money;

use super::{Result, money_col};

/// A customer a code completes to.
pub struct CustomerChoice {
    pub code: String,
    pub name: String,
}

/// An invoice a number completes to; `open` is what is left to collect,
/// `None` when it is settled or void.
pub struct InvoiceChoice {
    pub number: String,
    pub customer: String,
    pub open: Option<Money>,
}

/// The book at `path` for reading only; an error when there is no book
/// there (SQLite is not allowed to create one). Not opened with SQLite's
/// read-only flag: a read-only connection to a WAL book cannot remove the
/// `-wal` and `-shm` files it makes when it is the last one to close, and
/// would leave them beside the book at every Tab. `query_only` refuses any
/// write instead.
pub fn open_read_only(path: &Path) -> Result<Connection> {
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
    conn.pragma_update(None, "query_only", true)?;
    conn.busy_timeout(std::time::Duration::from_millis(200))?;
    Ok(conn)
}

/// Customers whose code starts with `prefix` (ignoring ASCII case, as codes
/// are compared), in code order, at most `limit`.
pub fn customers(conn: &Connection, prefix: &str, limit: usize) -> Result<Vec<CustomerChoice>> {
    let pattern = format!("{}%", like_escaped(prefix));
    let mut stmt =
        conn.prepare("SELECT code, name FROM customers WHERE code LIKE ?1 ESCAPE '\\' ORDER BY code LIMIT ?2")?;
    let rows = stmt.query_map(rusqlite::params![pattern, limit as i64], |r| {
        Ok(CustomerChoice { code: r.get(0)?, name: r.get(1)? })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Invoices whose number starts with `prefix`, at most `limit`: the open
/// ones first (what a payment, a dispute or a write-off is about), then,
/// if there is room, the settled and void ones; each group in number order.
/// The prefix is a range over the number's unique index, so a book of a
/// million invoices answers at once.
pub fn invoices(conn: &Connection, prefix: &str, limit: usize) -> Result<Vec<InvoiceChoice>> {
    // Every string starting with `prefix` sorts from `prefix` to `prefix`
    // followed by the highest character (numbers compare as bytes).
    let upper = format!("{prefix}\u{10FFFF}");
    let select = |open: bool| {
        format!(
            "SELECT v.number, c.code,
                    (SELECT SUM(i.amount - i.settled) FROM installments i WHERE i.invoice_id = v.id) AS due
             FROM invoices v JOIN customers c ON c.id = v.customer_id
             WHERE v.number >= ?1 AND v.number < ?2
               AND {} (v.voided = 0 AND EXISTS (SELECT 1 FROM installments i
                                                 WHERE i.invoice_id = v.id AND i.settled < i.amount))
             ORDER BY v.number LIMIT ?3",
            if open { "" } else { "NOT" }
        )
    };
    let mut found = Vec::new();
    for open in [true, false] {
        let room = limit.saturating_sub(found.len());
        if room == 0 {
            break;
        }
        let mut stmt = conn.prepare(&select(open))?;
        let rows = stmt.query_map(rusqlite::params![prefix, upper, room as i64], |r| {
            Ok(InvoiceChoice {
                number: r.get(0)?,
                customer: r.get(1)?,
                open: if open { Some(money_col(r, 2)?) } else { None },
            })
        })?;
        found.extend(rows.collect::<rusqlite::Result<Vec<_>>>()?);
    }
    Ok(found)
}

/// `text` with LIKE's wildcards taken literally (escape character `\`).
fn like_escaped(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}
