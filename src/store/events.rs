//! The audit trail: one row appended by every command that changes the book,
//! in the same transaction as the change. Triggers make it append-only.

use rusqlite::{Connection, params};

use super::Result;

/// Append one event. `detail` is JSON text with the command's particulars.
pub fn record(conn: &Connection, command: &str, summary: &str, detail: Option<&serde_json::Value>) -> Result<()> {
    let at = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
    conn.prepare_cached("INSERT INTO events (at, command, summary, detail) VALUES (?1, ?2, ?3, ?4)")?
        .execute(params![at, command, summary, detail.map(|d| d.to_string())])?;
    Ok(())
}

/// One row of the audit trail.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Event {
    pub id: i64,
    pub at: String,
    pub command: String,
    pub summary: String,
}

/// The most recent `limit` events, oldest first.
pub fn recent(conn: &Connection, limit: i64) -> Result<Vec<Event>> {
    let mut stmt = conn
        .prepare("SELECT id, at, command, summary FROM (SELECT * FROM events ORDER BY id DESC LIMIT ?1) ORDER BY id")?;
    let rows = stmt
        .query_map([limit], |r| Ok(Event { id: r.get(0)?, at: r.get(1)?, command: r.get(2)?, summary: r.get(3)? }))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn count(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("SELECT count(*) FROM events", [], |r| r.get(0))?)
}
