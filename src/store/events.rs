//! The audit trail: one row appended by every command that changes the book,
//! in the same transaction as the change. Triggers make it append-only.

use rusqlite::{Connection, params};

use super::Result;

/// Append one event, its text in English (`en`) and in Chinese (`zh`), the
/// same facts in each. `detail` is JSON text with the command's particulars.
pub fn record(conn: &Connection, command: &str, en: &str, zh: &str, detail: Option<&serde_json::Value>) -> Result<()> {
    let at = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
    conn.prepare_cached("INSERT INTO events (at, command, summary, summary_zh, detail) VALUES (?1, ?2, ?3, ?4, ?5)")?
        .execute(params![at, command, en, zh, detail.map(|d| d.to_string())])?;
    Ok(())
}

/// One row of the audit trail.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Event {
    pub id: i64,
    pub at: String,
    pub command: String,
    pub summary: String,
    /// The text in Chinese; none for events written before the book kept it
    /// (schema 13).
    pub summary_zh: Option<String>,
}

impl Event {
    /// The event's text in `lang`: in Chinese its Chinese text, or the
    /// English one for an event from before the book kept both.
    pub fn text(&self, lang: crate::output::Lang) -> &str {
        match (lang, &self.summary_zh) {
            (crate::output::Lang::Zh, Some(zh)) => zh,
            _ => &self.summary,
        }
    }
}

/// Filters for the audit trail.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    /// Commands equal to this or starting with it and a space, e.g. "pay".
    pub command: Option<String>,
    /// Texts containing this, in either language.
    pub text: Option<String>,
    /// Events on or after this UTC day.
    pub since: Option<chrono::NaiveDate>,
    /// Events on or before this UTC day.
    pub until: Option<chrono::NaiveDate>,
    pub limit: i64,
}

/// The most recent `limit` events that pass the filter, oldest first.
pub fn query(conn: &Connection, f: &Filter) -> Result<Vec<Event>> {
    let mut stmt = conn.prepare(
        "SELECT id, at, command, summary, summary_zh FROM (
            SELECT * FROM events
            WHERE (?1 IS NULL OR command = ?1 OR substr(command, 1, length(?1) + 1) = ?1 || ' ')
              AND (?2 IS NULL OR instr(lower(summary), lower(?2)) > 0 OR instr(lower(summary_zh), lower(?2)) > 0)
              AND (?3 IS NULL OR substr(at, 1, 10) >= ?3)
              AND (?4 IS NULL OR substr(at, 1, 10) <= ?4)
            ORDER BY id DESC LIMIT ?5)
         ORDER BY id",
    )?;
    let rows = stmt.query_map(
        params![f.command, f.text, f.since.map(super::date_sql), f.until.map(super::date_sql), f.limit],
        |r| Ok(Event { id: r.get(0)?, at: r.get(1)?, command: r.get(2)?, summary: r.get(3)?, summary_zh: r.get(4)? }),
    )?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn count(conn: &Connection) -> Result<i64> {
    Ok(super::one(conn, "SELECT count(*) FROM events", [], |r| r.get(0))?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Book;

    fn all() -> Filter {
        Filter { limit: 100, ..Filter::default() }
    }

    #[test]
    fn events_are_listed_oldest_first_and_the_limit_keeps_the_latest() {
        let book = Book::in_memory();
        record(&book.conn, "pay add", "payment 1 of 100.00", "收款 1，金额 100.00", None).unwrap();
        record(&book.conn, "invoice add", "invoice I1", "发票 I1", Some(&serde_json::json!({"number": "I1"}))).unwrap();
        record(&book.conn, "pay void", "payment 1 voided", "收款 1 已作废", None).unwrap();
        assert_eq!(count(&book.conn).unwrap(), 3);
        let e = query(&book.conn, &all()).unwrap();
        let commands: Vec<&str> = e.iter().map(|e| e.command.as_str()).collect();
        assert_eq!(commands, ["pay add", "invoice add", "pay void"]);
        assert!(e.windows(2).all(|w| w[0].id < w[1].id));
        let last_two = query(&book.conn, &Filter { limit: 2, ..all() }).unwrap();
        assert_eq!(last_two.iter().map(|e| e.summary.as_str()).collect::<Vec<_>>(), ["invoice I1", "payment 1 voided"]);
    }

    #[test]
    fn the_command_filter_matches_whole_words_and_the_text_filter_ignores_case() {
        let book = Book::in_memory();
        record(&book.conn, "pay add", "payment 1", "收款 1", None).unwrap();
        record(&book.conn, "payroll", "not a payment command", "不是收款命令", None).unwrap();
        let pay = query(&book.conn, &Filter { command: Some("pay".into()), ..all() }).unwrap();
        assert_eq!(pay.iter().map(|e| e.command.as_str()).collect::<Vec<_>>(), ["pay add"]);
        let text = query(&book.conn, &Filter { text: Some("PAYMENT".into()), ..all() }).unwrap();
        assert_eq!(text.len(), 2);
        let later = chrono::NaiveDate::from_ymd_opt(9999, 1, 1).unwrap();
        assert!(query(&book.conn, &Filter { since: Some(later), ..all() }).unwrap().is_empty());
    }

    #[test]
    fn the_text_filter_finds_either_language_and_old_events_speak_english() {
        use crate::output::Lang;
        let book = Book::in_memory();
        record(&book.conn, "pay add", "payment 1 from HY", "收款 1，客户 HY", None).unwrap();
        book.conn
            .execute("INSERT INTO events (at, command, summary) VALUES ('2026-01-01T00:00:00Z', 'init', 'old')", [])
            .unwrap();
        let zh = query(&book.conn, &Filter { text: Some("收款".into()), ..all() }).unwrap();
        assert_eq!(zh.iter().map(|e| e.id).collect::<Vec<_>>(), [1]);
        let en = query(&book.conn, &Filter { text: Some("from hy".into()), ..all() }).unwrap();
        assert_eq!(en.iter().map(|e| e.id).collect::<Vec<_>>(), [1]);
        let e = query(&book.conn, &all()).unwrap();
        assert_eq!([e[0].text(Lang::Zh), e[0].text(Lang::En)], ["收款 1，客户 HY", "payment 1 from HY"]);
        assert_eq!((e[1].summary_zh.as_deref(), e[1].text(Lang::Zh)), (None, "old"));
    }
}
