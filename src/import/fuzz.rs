//! Entry points for the fuzz targets in `fuzz/` (docs/fuzzing.md) and for the
//! tests that replay what they found (`tests/fixtures/fuzz/<target>/`). Each
//! takes arbitrary bytes, runs them through the readers and parsers the
//! commands use, and panics only when a promise is broken: a reader or parser
//! panicked, or accepted something that breaks its own contract.

use std::cell::RefCell;

use chrono::{Datelike, NaiveDate};

use super::bank::{self, DateOrder, Direction, ReadOptions, Statement, amount, date as bank_date};
use super::csvfile::{Column, CsvFile};
use super::{customers, invoices, payments};
use crate::error::{Error, Kind};
use crate::ledger::date::{parse_date, parse_month};
use crate::ledger::money::{MAX_AMOUNT_CENTS, Money};
use crate::store::Connection;

/// The day the imports and parsers are told is today.
const TODAY: NaiveDate = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();

/// A profile naming columns by number, for files without a header.
const HEADERLESS: &str = r#"
name = "fuzz-headerless"
delimiter = ";"
decimal = ","
skip_lines = 1

[columns]
date = 1
time = 2
memo = [3, 6]
counterparty = 4
account = 5
amount = 7
fee = 8
balance = 9
"#;

/// A user profile tried before the built-in ones: a direction column, its
/// own date format and words.
const USER: &str = r#"
name = "fuzz-user"
date_format = "%d|%m|%Y %H:%M"
credit_values = ["in", "收"]
debit_values = ["out", "支"]
neutral_values = ["none"]
closed_status = ["closed"]
skip_rows_with = ["carried"]

[header]
date = "when"
amount = "sum"
direction = "way"
status = "state"
net = "net"
"#;

const ENCODINGS: [&str; 4] = ["gbk", "latin-1", "utf-16", "utf-8"];
const EXTENSIONS: [&str; 4] = ["csv", "xls", "xlsx", "txt"];

/// `bank_reader`: the first byte chooses the file name's extension and how
/// the statement is read (detected, with a forced encoding, with each
/// built-in profile forced, headerless, with a user profile); the rest is
/// the file.
pub fn bank_reader(data: &[u8]) {
    let Some((&selector, file)) = data.split_first() else { return };
    let name = format!("statement.{}", EXTENSIONS[usize::from(selector & 3)]);
    let parse = |toml: &str| bank::parse_profile("fuzz", toml).expect("the fuzz profiles are valid");
    let builtin = bank::builtin_profiles();
    let mode = usize::from(selector >> 2) % (builtin.len() + 7);
    let opts = match mode {
        0 => ReadOptions::default(),
        1..=4 => ReadOptions { encoding: Some(ENCODINGS[mode - 1].into()), ..Default::default() },
        5 => ReadOptions { profile: Some(parse(HEADERLESS)), ..Default::default() },
        6 => ReadOptions { user_profiles: vec![parse(USER)], ..Default::default() },
        _ => ReadOptions { profile: builtin.get(mode - 7).cloned(), ..Default::default() },
    };
    if let Ok(statement) = bank::read_statement_bytes(&name, file, &opts) {
        check_statement(&statement);
    }
}

/// What a statement read without error promises.
fn check_statement(s: &Statement) {
    assert!(!s.lines.is_empty(), "a statement read has transactions");
    let mut previous = 0;
    for l in &s.lines {
        assert!(l.line > previous, "lines come in file order: {} after {previous}", l.line);
        previous = l.line;
        assert!(!l.amount.is_negative(), "line {}: the amount is a magnitude: {}", l.line, l.amount);
        assert!(l.amount.cents() <= 2 * MAX_AMOUNT_CENTS, "line {}: amount {}", l.line, l.amount);
        assert!(l.fee.is_none_or(|f| !f.is_negative()), "line {}: negative fee {:?}", l.line, l.fee);
        if l.amount.is_zero() {
            assert_eq!(l.direction, Direction::Neutral, "line {}: a zero amount moves no money", l.line);
        }
        if let Some(b) = l.balance {
            b.cents();
        }
    }
    for b in &s.balance_breaks {
        assert!(s.lines.iter().any(|l| l.line == *b), "balance break at {b} names no transaction");
    }
}

/// `csv_import`: the bytes as a customer, an invoice and a payment import
/// file. Every row's fields go through the parsers the importers use, then
/// the importer itself loads the file into a small book, in a transaction
/// that is rolled back. Every failure must be the user's (a clear message),
/// never the program's.
pub fn csv_import(data: &[u8]) {
    BOOK.with(|book| {
        let mut conn = book.borrow_mut();
        // Rows the demo book already holds are skipped: added and skipped
        // make up the file.
        import_as(&mut conn, data, customers::COLUMNS, |tx, csv| {
            customers::import(tx, csv, TODAY).map(|l| l.count + l.skipped)
        });
        import_as(&mut conn, data, invoices::COLUMNS, |tx, csv| {
            invoices::load(tx, csv, TODAY).map(|l| l.count + l.skipped)
        });
        import_as(&mut conn, data, payments::COLUMNS, |tx, csv| {
            payments::load(tx, csv, TODAY).map(|l| l.count + l.skipped)
        });
    });
}

thread_local! {
    /// An in-memory book with the demo's customers and invoices.
    static BOOK: RefCell<Connection> = RefCell::new(demo_book());
}

fn demo_book() -> Connection {
    let mut conn = Connection::open_in_memory().expect("an in-memory database");
    conn.pragma_update(None, "foreign_keys", "ON").expect("foreign keys");
    crate::store::schema::migrate(&mut conn).expect("the schema applies");
    let customer_file =
        CsvFile::parse("customers.csv", include_bytes!("../../examples/customers.csv"), customers::COLUMNS)
            .expect("the demo customers parse");
    customers::load(&conn, &customer_file, TODAY).expect("the demo customers load");
    let invoice_file = CsvFile::parse("invoices.csv", include_bytes!("../../examples/invoices.csv"), invoices::COLUMNS)
        .expect("the demo invoices parse");
    invoices::load(&conn, &invoice_file, TODAY).expect("the demo invoices load");
    conn
}

fn import_as(
    conn: &mut Connection,
    data: &[u8],
    columns: &[Column],
    load: impl FnOnce(&Connection, &CsvFile) -> crate::error::Result<usize>,
) {
    let csv = match CsvFile::parse("import.csv", data, columns) {
        Ok(csv) => csv,
        Err(e) => return user_error(&e),
    };
    let mut previous = 1;
    let rows = csv.each_row(|row| {
        assert!(row.line > previous, "rows come after the header, in file order: {} after {previous}", row.line);
        previous = row.line;
        for key in columns.iter().map(|c| c.key) {
            let Some(value) = csv.get(row, key) else { continue };
            assert_eq!(value, value.trim(), "cells are trimmed");
            let checked = match key {
                "date" | "issue_date" | "due_date" => crate::parse::date(key, value, TODAY).map(drop),
                "amount" => crate::parse::positive_amount(key, value).map(|m| assert!(m.is_positive())),
                "credit_limit" => crate::parse::amount_at_least_zero(key, value).map(|m| assert!(!m.is_negative())),
                "method" => crate::parse::parse_method(key, value).map(drop),
                _ => Ok(()),
            };
            if let Err(e) = checked {
                user_error(&e);
            }
        }
        Ok(())
    });
    let rows = rows.expect("the checks above fail only by panicking");
    let tx = conn.transaction().expect("a transaction on the in-memory book");
    match load(&tx, &csv) {
        Ok(n) => assert_eq!(n, rows, "every row is loaded or skipped"),
        Err(e) => user_error(&e),
    }
    // Dropping the transaction rolls it back: the next input sees the same book.
}

fn user_error(e: &Error) {
    assert_eq!(e.kind, Kind::User, "bad input is the user's error, not the program's: {e}");
}

/// `date_money`: the bytes (lossily as UTF-8) through every amount and date
/// parser, with the round trips that must hold. A NUL splits off a date
/// format for the bank reader's profile-format path.
pub fn date_money(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let (s, format) = match text.split_once('\0') {
        Some((s, f)) => (s, Some(f)),
        None => (text.as_ref(), None),
    };
    money(s);
    dates(s, format);
}

fn money(s: &str) {
    if let Ok(m) = Money::parse(s) {
        assert!(m.cents().abs() <= MAX_AMOUNT_CENTS, "{s:?} → {m} is over the limit");
        assert_eq!(Money::parse(&m.plain()).ok(), Some(m), "{s:?} → {m}: plain text round trip");
        assert_eq!(Money::parse(&m.grouped()).ok(), Some(m), "{s:?} → {m}: grouped text round trip");
        assert_eq!(Money::from_cents(m.cents()), m, "{s:?} → {m}: cents round trip");
    }
    if let Ok(m) = Money::parse_positive(s) {
        assert!(m.is_positive(), "{s:?} → {m} is not positive");
    }
    for (comma, round) in [(false, false), (false, true), (true, false), (true, true)] {
        if let Ok(Some(m)) = amount::parse_amount(s, comma, round) {
            assert!(m.cents().abs() <= MAX_AMOUNT_CENTS, "{s:?} → {m} is over the limit");
            let again = amount::parse_amount(&m.plain(), false, false);
            assert_eq!(again, Ok(Some(m)), "{s:?} → {m}: plain text round trip");
        }
    }
    let cells = s.split('\n');
    amount::guess_decimal_comma(cells);
}

fn dates(s: &str, format: Option<&str>) {
    if let Ok(d) = parse_date(s, TODAY) {
        assert!((1900..=9999).contains(&d.year()), "{s:?} → {d}");
        assert_eq!(parse_date(&d.to_string(), TODAY).ok(), Some(d), "{s:?} → {d}: round trip");
    }
    if let Ok(m) = parse_month(s) {
        assert_eq!(m.day(), 1, "{s:?} → {m} is not a month's first day");
        assert_eq!(parse_month(&m.format("%Y-%m").to_string()).ok(), Some(m), "{s:?} → {m}: round trip");
    }
    for order in [DateOrder::Auto, DateOrder::Ymd, DateOrder::Mdy, DateOrder::Dmy] {
        if let Some((d, _)) = bank_date::parse_date(s, order, None) {
            assert!((1900..=2999).contains(&d.year()), "{s:?} → {d}");
            let again = bank_date::parse_date(&d.to_string(), order, None);
            assert_eq!(again.map(|x| x.0), Some(d), "{s:?} → {d}: round trip");
        }
        if let Some(f) = format {
            bank_date::parse_date(s, order, Some(f));
        }
    }
    bank_date::parse_time(s);
    bank_date::excel_serial(s);
    bank_date::looks_like_date(s);
    bank_date::resolve_order(s.split('\n'));
}

#[cfg(test)]
mod tests {
    use std::panic::{AssertUnwindSafe, catch_unwind};
    use std::path::Path;

    /// Every input a fuzzer found (`tests/fixtures/fuzz/<target>/<name>`)
    /// goes through its target again; a panic here is a regression. A new
    /// finding needs only its file.
    #[test]
    fn fuzz_findings_are_replayed_without_a_panic() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fuzz");
        type Target = fn(&[u8]);
        let targets: [(&str, Target); 3] =
            [("bank_reader", super::bank_reader), ("csv_import", super::csv_import), ("date_money", super::date_money)];
        let mut failed = Vec::new();
        let mut replayed = 0;
        for (name, target) in targets {
            let Ok(entries) = std::fs::read_dir(root.join(name)) else { continue };
            for entry in entries {
                let path = entry.expect("a readable directory").path();
                let bytes = std::fs::read(&path).expect("a readable finding");
                replayed += 1;
                if catch_unwind(AssertUnwindSafe(|| target(&bytes))).is_err() {
                    failed.push(path.display().to_string());
                }
            }
        }
        assert!(replayed > 0, "no findings under {}", root.display());
        assert!(failed.is_empty(), "these inputs panic again: {failed:#?}");
    }
}
