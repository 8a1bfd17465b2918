//! The book: one SQLite file. Opening, settings and the error type; the
//! queries live in one file per table family.

pub mod aging;
pub mod aside;
pub mod backup;
pub mod balances;
#[cfg(test)]
pub(crate) mod balances_tests;
pub mod bank;
pub mod check;
pub mod close;
pub mod complete;
pub mod confirmations;
pub mod customers;
pub mod disputes;
pub mod dunning;
pub mod events;
#[cfg(test)]
pub(crate) mod example;
pub mod history;
pub mod imported;
pub mod interest;
pub mod invoices;
pub mod journal;
pub mod late_interest;
pub mod money;
mod open;
pub mod open_items;
pub mod payments;
pub mod plans;
pub mod schema;
pub mod settings;
pub mod spill;
pub mod split;
pub mod statement;
pub mod totals;
pub mod vat_rows;

use std::path::PathBuf;
use std::time::Duration;

use rusqlite::{OptionalExtension, Transaction, TransactionBehavior};

/// The open book as the layers above the store see it: a handle they pass
/// back to store functions and never query themselves. (Only `src/store/`
/// names rusqlite or writes SQL; `tests/cli/architecture.rs` checks it.)
pub use rusqlite::Connection;

use crate::ledger::{LedgerError, Money};

/// How long a command waits for another process's write to finish before
/// giving up. Long imports hold the lock for seconds; waiting is always better
/// than failing.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(120);

/// Everything that can go wrong in the store, with English (`Display`) and
/// Chinese ([`StoreError::zh`]) texts.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{0}")]
    Ledger(#[from] LedgerError),
    #[error("database error: {0}")]
    Sqlite(rusqlite::Error),
    #[error(
        "the book was written by a newer huikuan (schema {found}; this build knows up to {known}); upgrade huikuan"
    )]
    NewerSchema { found: i64, known: i64 },
    #[error(
        "cannot upgrade the book from schema {from} to {to}: step {step} failed ({reason}); the book was left as it was"
    )]
    UpgradeFailed { from: i64, to: i64, step: i64, reason: String },
    #[error("{path} is not a huikuan book (not an SQLite database); give huikuan its own file with --db")]
    NotABook { path: String },
    #[error(
        "{path} is not a huikuan book: it is an SQLite database of another program{}; give huikuan its own file with --db",
        foreign_detail(*.application_id)
    )]
    ForeignDatabase { path: String, application_id: i32 },
    #[error(
        "{0} is an empty SQLite database that huikuan did not make (no tables); remove it, or give huikuan another file with --db"
    )]
    EmptyDatabase(String),
    #[error("{0} is an empty file that huikuan did not create; remove it, or give huikuan another file with --db")]
    EmptyFile(String),
    #[error("{path} is {what}, not a book file; give the book's file with --db")]
    NotAFile { path: String, what: &'static str },
    #[error(
        "'{0}' names no file: huikuan keeps the book in a file, never in memory or at an SQLite URI; give a path such as --db ./book.sqlite"
    )]
    NotAFileName(String),
    #[error(
        "{path} is a symbolic link to {target}, which does not exist; fix the link, or give the book's own path with --db"
    )]
    DanglingLink { path: String, target: String },
    #[error(
        "the folder {0} is read-only: huikuan writes beside the book (its -wal, -shm and .lock files); make the folder writable, or copy the book elsewhere and use --db"
    )]
    ReadOnlyFolder(String),
    #[error("no book at {0}; create one with huikuan init, or give your book with --db PATH (or HUIKUAN_DB)")]
    NoBook(String),
    #[error("cannot open the book at {path}: {reason}")]
    CannotOpen { path: String, reason: String },
    #[error("cannot create the book at {path}: {reason}")]
    CannotCreate { path: String, reason: String },
    #[error("a book already exists at {0}")]
    BookExists(String),
    #[error("the book is busy: another huikuan kept it locked for over {0} s; try again")]
    Busy(u64),
    #[error("no customer with code '{0}' (see: huikuan customer list)")]
    UnknownCustomer(String),
    #[error("customer code '{0}' is already taken")]
    DuplicateCustomer(String),
    #[error("no invoice numbered '{0}' (see: huikuan invoice list)")]
    UnknownInvoice(String),
    #[error("invoice number '{0}' already exists")]
    DuplicateInvoice(String),
    #[error("no payment with id {0} (see: huikuan pay list)")]
    UnknownPayment(i64),
    #[error("invoice {0} is void")]
    InvoiceVoid(String),
    #[error("invoice {number} has {allocated} of payments allocated; void those payments first")]
    InvoiceHasAllocations { number: String, allocated: Money },
    #[error("invoice {number} belongs to customer {owner}, not {customer}")]
    InvoiceOfOtherCustomer { number: String, owner: String, customer: String },
    #[error("invoice {0} is already paid in full")]
    InvoicePaid(String),
    #[error("payment {0} is void")]
    PaymentVoid(i64),
    #[error("payment {0} has no unapplied credit left")]
    NoCredit(i64),
    #[error("cannot apply {asked} of payment {id}: only {unapplied} is unapplied")]
    OverApply { id: i64, asked: Money, unapplied: Money },
    #[error("alias '{alias}' is not on customer {code}")]
    UnknownAlias { code: String, alias: String },
    #[error("bank account '{account}' already belongs to customer {owner}")]
    AccountTaken { account: String, owner: String },
    #[error("bank account '{account}' is not on customer {code}")]
    UnknownAccount { code: String, account: String },
    #[error("{en}")]
    Invalid { en: String, zh: String },
    #[error("{en}")]
    ClosedPeriod { en: String, zh: String },
}

impl StoreError {
    /// A broken rule of the book, in English and Chinese.
    pub fn invalid(en: impl Into<String>, zh: impl Into<String>) -> StoreError {
        StoreError::Invalid { en: en.into(), zh: zh.into() }
    }

    /// The Chinese text of the error.
    pub fn zh(&self) -> String {
        match self {
            StoreError::Ledger(e) => e.zh(),
            StoreError::Sqlite(e) => format!("数据库错误：{e}"),
            StoreError::NewerSchema { found, known } => {
                format!("账本由更新版本的 huikuan 写入（结构版本 {found}，本程序最高支持 {known}）；请升级 huikuan")
            }
            StoreError::UpgradeFailed { from, to, step, reason } => {
                format!("无法将账本从结构版本 {from} 升级到 {to}：第 {step} 步失败（{reason}）；账本保持原样")
            }
            StoreError::NotABook { path } => {
                format!("{path} 不是 huikuan 账本（不是 SQLite 数据库）；请用 --db 给 huikuan 一个单独的文件")
            }
            StoreError::ForeignDatabase { path, application_id } => {
                let detail = match application_id {
                    0 => "（没有 huikuan 的表）".to_string(),
                    id => format!("（application_id {id:#010x}）"),
                };
                format!(
                    "{path} 不是 huikuan 账本：它是其他程序的 SQLite 数据库{detail}；请用 --db 给 huikuan 一个单独的文件"
                )
            }
            StoreError::EmptyDatabase(p) => {
                format!("{p} 是一个并非 huikuan 建立的空 SQLite 数据库（没有表）；请删除它，或用 --db 指定另一个文件")
            }
            StoreError::EmptyFile(p) => {
                format!("{p} 是一个并非 huikuan 建立的空文件；请删除它，或用 --db 指定另一个文件")
            }
            StoreError::NotAFile { path, what } => {
                let what = match *what {
                    "a folder" => "文件夹",
                    _ => "设备、管道或套接字",
                };
                format!("{path} 是{what}，不是账本文件；请用 --db 指定账本文件")
            }
            StoreError::NotAFileName(n) => format!(
                "“{n}”不是文件名：huikuan 的账本总是一个文件，不在内存中，也不是 SQLite URI；请给出路径，如 --db ./book.sqlite"
            ),
            StoreError::DanglingLink { path, target } => {
                format!("{path} 是指向 {target} 的符号链接，但目标不存在；请修正链接，或用 --db 给出账本的实际路径")
            }
            StoreError::ReadOnlyFolder(d) => format!(
                "文件夹 {d} 只读：huikuan 需要在账本旁写入文件（-wal、-shm 和 .lock）；请让该文件夹可写，或把账本复制到别处并用 --db 指定"
            ),
            StoreError::NoBook(p) => {
                format!("{p} 没有账本；请用 huikuan init 新建，或用 --db PATH（或 HUIKUAN_DB）指定你的账本")
            }
            StoreError::CannotOpen { path, reason } => format!("无法打开 {path} 的账本：{reason}"),
            StoreError::CannotCreate { path, reason } => {
                format!("无法在 {path} 创建账本：{reason}")
            }
            StoreError::BookExists(p) => format!("{p} 已有账本"),
            StoreError::Busy(s) => format!("账本忙：另一个 huikuan 锁定超过 {s} 秒；请稍后重试"),
            StoreError::UnknownCustomer(c) => {
                format!("没有代码为“{c}”的客户（见：huikuan customer list）")
            }
            StoreError::DuplicateCustomer(c) => format!("客户代码“{c}”已被使用"),
            StoreError::UnknownInvoice(n) => {
                format!("没有编号为“{n}”的发票（见：huikuan invoice list）")
            }
            StoreError::DuplicateInvoice(n) => format!("发票编号“{n}”已存在"),
            StoreError::UnknownPayment(id) => {
                format!("没有编号为 {id} 的收款（见：huikuan pay list）")
            }
            StoreError::InvoiceVoid(n) => format!("发票 {n} 已作废"),
            StoreError::InvoiceHasAllocations { number, allocated } => {
                format!("发票 {number} 已核销收款 {allocated}；请先作废这些收款")
            }
            StoreError::InvoiceOfOtherCustomer { number, owner, customer } => {
                format!("发票 {number} 属于客户 {owner}，不属于 {customer}")
            }
            StoreError::InvoicePaid(n) => format!("发票 {n} 已全额收回"),
            StoreError::PaymentVoid(id) => format!("收款 {id} 已作废"),
            StoreError::NoCredit(id) => format!("收款 {id} 没有未核销余额"),
            StoreError::OverApply { id, asked, unapplied } => {
                format!("无法核销收款 {id} 的 {asked}：未核销余额仅 {unapplied}")
            }
            StoreError::UnknownAlias { code, alias } => format!("客户 {code} 没有别名“{alias}”"),
            StoreError::AccountTaken { account, owner } => {
                format!("银行账号“{account}”已属于客户 {owner}")
            }
            StoreError::UnknownAccount { code, account } => {
                format!("客户 {code} 没有银行账号“{account}”")
            }
            StoreError::Invalid { zh, .. } => zh.clone(),
            StoreError::ClosedPeriod { zh, .. } => zh.clone(),
        }
    }

    /// True when the error comes from the user's input or the book's rules,
    /// false for a fault of the machine or the program.
    pub fn is_user_error(&self) -> bool {
        !matches!(self, StoreError::Sqlite(_) | StoreError::UpgradeFailed { .. })
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// An open book.
pub struct Book {
    pub conn: Connection,
    pub path: PathBuf,
}

/// Settings a new book starts with.
pub struct NewBook<'a> {
    pub company: &'a str,
    pub currency: &'a str,
}

impl Book {
    /// A fresh book in memory for the store's unit tests: migrated to the
    /// current schema, foreign keys on, the company and currency set as
    /// `init` sets them.
    #[cfg(test)]
    pub fn in_memory() -> Book {
        let mut conn = Connection::open_in_memory().expect("in-memory book");
        conn.pragma_update(None, "foreign_keys", "ON").expect("foreign keys");
        schema::migrate(&mut conn).expect("migrate");
        set_setting(&conn, "company", "Test Co.").expect("company");
        set_setting(&conn, "currency", "CNY").expect("currency");
        Book { conn, path: PathBuf::from(":memory:") }
    }

    /// Begin a write transaction: takes the write lock at once (waiting for
    /// another writer), so a command never fails half-way on a busy book.
    pub fn write(&mut self) -> Result<Tx<'_>> {
        self.conn.transaction_with_behavior(TransactionBehavior::Immediate).map(Tx).map_err(|e| map_busy(e.into()))
    }

    /// [`Book::write`] for a command that may change a great deal (an
    /// import) and add up to `opened` open items (an invoice import: its
    /// rows). In a book of [`LARGE_BOOK`] or more, or for [`MANY_OPENED`]
    /// new open items or more, a statement's journal past 64 KiB goes to a
    /// temporary file instead of memory: SQLite journals every page a
    /// statement changes that the transaction had already changed, and an
    /// import's catch-up of the kept balances changes most pages of their
    /// table, which grows with the book (on the 10^7 bench book, 5.6 GB,
    /// that journal alone took 110 MB) and with the open items the import
    /// adds (10^6 invoices in no date order into an empty book: 150 MB
    /// against 108 MB with the journals in files; 3·10^6 rows of a VAT
    /// list: 198 MB against 121 MB). Else the journals stay in memory:
    /// there the files cost time (15 % of a 50,000-row payment import,
    /// whose statements often journal a little over 64 KiB) and saved
    /// nothing. (SQLite chooses when the transaction begins, so it is set
    /// before.)
    pub fn write_large(&mut self, opened: usize) -> Result<Tx<'_>> {
        let size = std::fs::metadata(&self.path).map_or(0, |m| m.len());
        let store = if journals_in_files(size, opened) { "FILE" } else { "MEMORY" };
        // Close the temporary database an earlier statement may have opened
        // (a migration's): SQLite then lets the import move its temporary
        // tables to files inside its transaction, should it need to (see
        // vat_rows). None is kept between statements of the book.
        self.conn.pragma_update(None, "temp_store", "DEFAULT")?;
        self.conn.pragma_update(None, "temp_store", store)?;
        self.write()
    }

    /// Begin a read transaction: every query in it sees one snapshot.
    pub fn read(&mut self) -> Result<Tx<'_>> {
        self.conn.transaction_with_behavior(TransactionBehavior::Deferred).map(Tx).map_err(|e| map_busy(e.into()))
    }
}

/// The size of book from which [`Book::write_large`] journals large
/// statements in files: 1 GiB, about two million invoices with their
/// payments.
pub const LARGE_BOOK: u64 = 1 << 30;

/// How many new open items make [`Book::write_large`] journal large
/// statements in files whatever the book's size: as many as the kept
/// balances are caught up after ([`balances::Bulk::BATCH`]).
pub const MANY_OPENED: usize = balances::Bulk::BATCH;

/// Whether an import adding `opened` open items to a book of `size` bytes
/// journals its large statements in files (see [`Book::write_large`]).
fn journals_in_files(size: u64, opened: usize) -> bool {
    size >= LARGE_BOOK || opened >= MANY_OPENED
}

/// A transaction on the book. It passes as a [`Connection`] to the store's
/// functions, and its [`Tx::commit`] fails with a [`StoreError`], so the
/// layers above never handle rusqlite's error type. Dropped uncommitted, it
/// rolls back.
pub struct Tx<'a>(Transaction<'a>);

impl Tx<'_> {
    /// Commit, after recomputing the kept balances an import deferred (see
    /// [`balances::defer`]) and the kept late interest of whatever the
    /// transaction queued (see [`late_interest`]): the book never commits
    /// a change with its caches behind it.
    pub fn commit(self) -> Result<()> {
        balances::catch_up(&self.0)?;
        late_interest::refresh(&self.0)?;
        Ok(self.0.commit()?)
    }
}

impl std::ops::Deref for Tx<'_> {
    type Target = Connection;

    fn deref(&self) -> &Connection {
        &self.0
    }
}

impl From<rusqlite::Error> for StoreError {
    /// A period-lock trigger's refusal becomes [`StoreError::ClosedPeriod`].
    /// Commands check their dates first with [`ensure_open`] for a precise
    /// message; the triggers are the safety net for every other path.
    fn from(e: rusqlite::Error) -> StoreError {
        match &e {
            rusqlite::Error::SqliteFailure(_, Some(msg)) if msg.contains("huikuan: closed period") => {
                StoreError::ClosedPeriod {
                    en: "this change touches a closed period; see huikuan close --list".into(),
                    zh: "此操作涉及已结账期间；见 huikuan close --list".into(),
                }
            }
            _ => StoreError::Sqlite(e),
        }
    }
}

/// The condition on a customer column for "every customer" (`only` is
/// `None`: `?N IS NULL`, always true then) or "this one" (`column = ?N`),
/// `N` being `param`. Each case has its own SQL: with `(?N IS NULL OR
/// column = ?N)` SQLite plans once for both (the plans are kept), cannot
/// seek the customer's entries of an index, and reads the whole book for
/// one customer (0.8 s on the 10^7 bench book for a customer with 70
/// invoices).
pub fn customer_filter(only: Option<i64>, column: &str, param: usize) -> String {
    match only {
        Some(_) => format!("{column} = ?{param}"),
        None => format!("?{param} IS NULL"),
    }
}

/// The steps of SQLite's plan for `sql` (EXPLAIN QUERY PLAN's details):
/// what the tests that guard a query's reading look at.
#[cfg(test)]
pub fn query_plan(conn: &Connection, sql: &str, params: impl rusqlite::Params) -> Vec<String> {
    let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
    stmt.query_map(params, |r| r.get(3)).unwrap().map(Result::unwrap).collect()
}

/// Let SQLite sort in temporary files rather than in memory, for a query
/// whose sorts span much of the book (the journal of several years: a
/// GROUP BY of the allocations, one of the write-offs, an ORDER BY of
/// everything). Each sort holds at most the page cache's size in memory
/// and merges the rest from disk, so the cache is made smaller (16 MiB
/// instead of 64) for such a read: four sorts and the cache stay near
/// 80 MiB whatever the period. (Every other command keeps its small sorts
/// and statement journals in memory.)
pub fn sort_in_files(conn: &Connection) -> Result<()> {
    conn.pragma_update(None, "temp_store", "FILE")?;
    conn.pragma_update(None, "cache_size", -16_384)?;
    Ok(())
}

/// The last locked day, if any period is closed.
pub fn locked_through(conn: &Connection) -> Result<Option<chrono::NaiveDate>> {
    let d: Option<String> = conn
        .prepare_cached("SELECT MAX(through) FROM closes WHERE reopened_at IS NULL")?
        .query_row([], |r| r.get(0))?;
    Ok(d.and_then(|d| chrono::NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok()))
}

/// Refuse a change dated `date` when it falls in a closed period.
pub fn ensure_open(conn: &Connection, date: chrono::NaiveDate) -> Result<()> {
    match locked_through(conn)? {
        Some(through) if date <= through => {
            let period = through.format("%Y-%m");
            Err(StoreError::ClosedPeriod {
                en: format!(
                    "{date} is in a closed period (the book is closed through {through}); \
                     to change it, reopen with huikuan close --reopen {period}"
                ),
                zh: format!(
                    "{date} 属于已结账期间（账本已结账至 {through}）；如需修改，请先 huikuan close --reopen {period}"
                ),
            })
        }
        _ => Ok(()),
    }
}

/// How [`StoreError::ForeignDatabase`] names the other program's file.
fn foreign_detail(application_id: i32) -> String {
    match application_id {
        0 => " (no huikuan tables)".to_string(),
        id => format!(" (application_id {id:#010x})"),
    }
}

/// Turn SQLite's "busy" (after the timeout ran out) into a clear message.
pub fn map_busy(e: StoreError) -> StoreError {
    match &e {
        StoreError::Sqlite(s) if matches!(s.sqlite_error_code(), Some(rusqlite::ErrorCode::DatabaseBusy)) => {
            StoreError::Busy(BUSY_TIMEOUT.as_secs())
        }
        _ => e,
    }
}

pub fn setting(conn: &Connection, key: &str) -> Result<Option<String>> {
    Ok(conn.query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| r.get(0)).optional()?)
}

pub fn set_setting(conn: &Connection, key: &str, value: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [key, value],
    )?;
    Ok(())
}

/// The book's settings with their defaults (the name the layers above use).
pub type BookSettings = settings::Settings;

/// Read the book's settings once: see [`settings::load`].
pub fn book_settings(conn: &Connection) -> Result<BookSettings> {
    settings::load(conn)
}

/// Dates are stored as ISO text (`YYYY-MM-DD`), which sorts and compares correctly.
pub fn date_sql(d: chrono::NaiveDate) -> String {
    crate::ledger::date::iso_text(d)
}

/// Read an ISO date column (borrowed, not copied: reports read millions).
pub fn date_col(row: &rusqlite::Row, idx: usize) -> rusqlite::Result<chrono::NaiveDate> {
    let s = row.get_ref(idx)?.as_str()?;
    match crate::ledger::date::iso(s) {
        Some(d) => Ok(d),
        None => chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .map_err(|e| rusqlite::Error::FromSqlConversionFailure(idx, rusqlite::types::Type::Text, Box::new(e))),
    }
}

/// Read a money column (integer minor units).
pub fn money_col(row: &rusqlite::Row, idx: usize) -> rusqlite::Result<Money> {
    Ok(Money::from_cents(row.get(idx)?))
}

/// [`Connection::execute`] through the statement cache: commands that run
/// once per bank line or per imported row must not parse their SQL again.
pub fn exec(conn: &Connection, sql: &str, params: impl rusqlite::Params) -> rusqlite::Result<usize> {
    conn.prepare_cached(sql)?.execute(params)
}

/// [`Connection::query_row`] through the statement cache.
pub fn one<T>(
    conn: &Connection,
    sql: &str,
    params: impl rusqlite::Params,
    f: impl FnOnce(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
) -> rusqlite::Result<T> {
    conn.prepare_cached(sql)?.query_row(params, f)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_test_book_is_at_the_current_schema_with_the_defaults() {
        let book = Book::in_memory();
        let s = book_settings(&book.conn).unwrap();
        assert_eq!((s.company.as_str(), s.currency.as_str(), s.grace_days), ("Test Co.", "CNY", 0));
        assert_eq!(s.interest_rate, crate::ledger::interest::default_rate());
        assert_eq!(setting(&book.conn, "no such key").unwrap(), None);
    }

    #[test]
    fn an_import_journals_large_statements_in_files_only_in_a_large_book_or_for_many_new_open_items() {
        assert!(!journals_in_files(0, 0));
        assert!(!journals_in_files(558_419_968, 0), "the 10^6 bench book keeps them in memory");
        assert!(!journals_in_files(558_419_968, MANY_OPENED - 1), "and for fewer new open items");
        assert!(journals_in_files(0, MANY_OPENED), "many new open items put them in files");
        assert!(journals_in_files(LARGE_BOOK, 0));
        assert!(journals_in_files(5_604_278_272, 0), "the 10^7 bench book puts them in files");
        // Either way the transaction begins with the choice made, and an
        // in-memory book (no file) keeps them in memory.
        let mut book = Book::in_memory();
        let tx = book.write_large(0).unwrap();
        let store: i64 = tx.query_row("PRAGMA temp_store", [], |r| r.get(0)).unwrap();
        assert_eq!(store, 2, "MEMORY");
        drop(tx);
        let tx = book.write_large(MANY_OPENED).unwrap();
        let store: i64 = tx.query_row("PRAGMA temp_store", [], |r| r.get(0)).unwrap();
        assert_eq!(store, 1, "FILE");
    }

    #[test]
    fn a_closed_period_refuses_dates_inside_it() {
        let book = Book::in_memory();
        assert_eq!(locked_through(&book.conn).unwrap(), None);
        ensure_open(&book.conn, chrono::NaiveDate::from_ymd_opt(2020, 1, 1).unwrap()).unwrap();
        book.conn
            .execute_batch(
                "INSERT INTO closes (period, through, closed_at, aging_json)
                 VALUES ('2026-01', '2026-01-31', '2026-02-01T00:00:00Z', '{}')",
            )
            .unwrap();
        let through = chrono::NaiveDate::from_ymd_opt(2026, 1, 31).unwrap();
        assert_eq!(locked_through(&book.conn).unwrap(), Some(through));
        ensure_open(&book.conn, through.succ_opt().unwrap()).unwrap();
        match ensure_open(&book.conn, through) {
            Err(StoreError::ClosedPeriod { en, .. }) => {
                assert!(en.contains("huikuan close --reopen 2026-01"), "{en}")
            }
            other => panic!("expected ClosedPeriod, got {other:?}"),
        }
    }

    #[test]
    fn the_lock_trigger_refusal_reads_as_a_closed_period() {
        let book = Book::in_memory();
        book.conn
            .execute_batch(
                "INSERT INTO closes (period, through, closed_at, aging_json)
                 VALUES ('2026-01', '2026-01-31', '2026-02-01T00:00:00Z', '{}');
                 INSERT INTO customers (id, code, name, created) VALUES (1, 'A', 'A', '2026-01-01');",
            )
            .unwrap();
        let e: StoreError = book
            .conn
            .execute(
                "INSERT INTO invoices (number, customer_id, issue_date, amount) VALUES ('I1', 1, '2026-01-15', 100)",
                [],
            )
            .unwrap_err()
            .into();
        assert!(matches!(e, StoreError::ClosedPeriod { .. }), "{e:?}");
        assert!(e.is_user_error());
    }

    #[test]
    fn a_setting_is_overwritten_not_duplicated() {
        let book = Book::in_memory();
        set_setting(&book.conn, "company", "First").unwrap();
        set_setting(&book.conn, "company", "Second").unwrap();
        assert_eq!(setting(&book.conn, "company").unwrap().as_deref(), Some("Second"));
        assert_eq!(book_settings(&book.conn).unwrap().company, "Second");
    }

    #[test]
    fn dates_are_stored_as_iso_text_and_read_back() {
        let book = Book::in_memory();
        let d = chrono::NaiveDate::from_ymd_opt(2026, 2, 28).unwrap();
        assert_eq!(date_sql(d), "2026-02-28");
        let back = one(&book.conn, "SELECT ?1", [date_sql(d)], |r| date_col(r, 0)).unwrap();
        assert_eq!(back, d);
        assert!(one(&book.conn, "SELECT 'tomorrow'", [], |r| date_col(r, 0)).is_err());
        let cents = one(&book.conn, "SELECT 12345", [], |r| money_col(r, 0)).unwrap();
        assert_eq!(cents, Money::from_cents(12_345));
    }
}
