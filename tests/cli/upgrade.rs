//! Upgrades: a book written at each earlier schema version opens, migrates
//! and keeps every figure; a book from a newer huikuan is refused and left
//! byte for byte; an upgrade that fails half-way leaves the book as it was.
//!
//! The old books are `tests/fixtures/books/v<K>.sqlite`, one for every
//! version before the current one, made by the upgrades themselves
//! (`schema::migrate_to`) and filled by [`fill`] with the data each version
//! can hold. Adding upgrade N + 1 to `src/store/schema.rs`? Give [`DATA`] a
//! chunk for what version N added (if the fixtures should hold it), then write
//! the missing fixture with
//!
//! ```sh
//! HUIKUAN_WRITE_BOOK_FIXTURES=1 cargo test --test cli upgrade::write_book_fixtures -- --ignored
//! ```
//!
//! and commit it. [`every_earlier_version_has_a_fixture`] fails until then.
//! Fixtures already committed are never rewritten: they stand for books that
//! users have.

use std::path::{Path, PathBuf};

use huikuan::store::schema::{self, current_version};
use rusqlite::Connection;

use crate::common::{TestEnv, assert_money_adds_up, assert_one_error_line, cents};

/// What each version can hold, as `(version that made its tables, SQL)`.
/// Each chunk is SQL of its version and stays valid at every later one; a
/// book at version K holds every chunk of version K or below. The data obey
/// every invariant `huikuan check` knows (running totals kept by the
/// triggers, allocations effective on the later of payment and issue date,
/// an audit event per change).
const DATA: &[(usize, &str)] = &[
    (
        1,
        "
INSERT INTO settings (key, value) VALUES
    ('company', '上海示例贸易有限公司'), ('currency', 'CNY'), ('grace_days', '3'),
    ('company_email', 'ar@example.com');
INSERT INTO customers (id, code, name, terms_days, credit_limit, credit_score, on_hold, interest_rate,
                       hold_reason, email, phone, notes, created) VALUES
    (1, 'HY', '深圳华远电子有限公司', 60, 80000000, 88, 0, NULL, NULL, 'ap@huayuan.example', '0755-1234567',
     NULL, '2026-05-20'),
    (2, 'HD', '杭州海顿贸易有限公司', 30, 10000000, 55, 1, '0.0003', '60 days overdue', NULL, NULL,
     'pays late', '2026-06-01'),
    (3, 'XM', 'Xiamen Star Trading Co., Ltd.', 45, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, '2026-09-15');
INSERT INTO customer_aliases (customer_id, alias) VALUES (1, '华远电子'), (2, '海顿贸易');
INSERT INTO customer_accounts (customer_id, account) VALUES (1, '6222020200001234567');
INSERT INTO contacts (customer_id, role, name, phone, email) VALUES
    (1, 'payer', '王芳', '13800000000', 'wang@example.com'), (1, 'decision', '李总', NULL, NULL),
    (2, 'payer', '陈静', '13900000000', NULL);
-- Paid in full; in three parts; partly paid and partly written off;
-- disputed; void; with a discount, paid from a wechat payment.
INSERT INTO invoices (id, number, customer_id, issue_date, amount, description, kind, voided, disputed,
                      discount_pct, discount_days) VALUES
    (1, 'INV-1001', 1, '2026-06-01', 12000000, '服务器机柜', 'sale', 0, 0, NULL, NULL),
    (2, 'INV-1002', 1, '2026-08-01', 3000000, 'three parts', 'sale', 0, 0, NULL, NULL),
    (3, 'INV-1003', 2, '2026-07-15', 5000000, NULL, 'sale', 0, 0, NULL, NULL),
    (4, 'INV-1004', 2, '2026-09-01', 800000, 'damaged units', 'sale', 0, 1, NULL, NULL),
    (5, 'INV-1005', 3, '2026-10-01', 500000, 'wrong customer', 'sale', 1, 0, NULL, NULL),
    (6, 'INV-1006', 3, '2026-10-20', 200000, NULL, 'sale', 0, 0, '2', 10);
INSERT INTO installments (id, invoice_id, customer_id, seq, due_date, amount) VALUES
    (1, 1, 1, 1, '2026-07-31', 12000000),
    (2, 2, 1, 1, '2026-08-31', 1000000), (3, 2, 1, 2, '2026-09-30', 1000000), (4, 2, 1, 3, '2026-10-31', 1000000),
    (5, 3, 2, 1, '2026-08-14', 5000000),
    (6, 4, 2, 1, '2026-10-01', 800000),
    (7, 5, 3, 1, '2026-11-15', 500000),
    (8, 6, 3, 1, '2026-12-04', 200000);
-- Payment 3 keeps 5,000.00 as credit (--hold-credit); payment 4 is void.
INSERT INTO payments (id, customer_id, date, amount, method, reference, source, auto_apply, voided) VALUES
    (1, 1, '2026-08-05', 12000000, 'bank', 'CMB 8812', 'manual', 1, 0),
    (2, 1, '2026-09-30', 1500000, 'bank', NULL, 'import', 1, 0),
    (3, 2, '2026-10-10', 2000000, 'cheque', 'CHQ 0042', 'manual', 0, 0),
    (4, 3, '2026-10-25', 50000, 'cash', NULL, 'manual', 1, 1),
    (5, 3, '2026-11-01', 100000, 'wechat', NULL, 'manual', 1, 0);
INSERT INTO allocations (payment_id, installment_id, amount, effective_date) VALUES
    (1, 1, 12000000, '2026-08-05'),
    (2, 2, 1000000, '2026-09-30'), (2, 3, 500000, '2026-09-30'),
    (3, 5, 1500000, '2026-10-10'),
    (5, 8, 100000, '2026-11-01');
INSERT INTO write_offs (installment_id, date, amount, reason) VALUES (5, '2026-11-10', 500000, 'damaged goods');
INSERT INTO events (at, command, summary, detail) VALUES
    ('2026-05-20T09:00:00Z', 'init', 'created the book (CNY)', NULL),
    ('2026-05-20T09:01:00Z', 'customer add', 'added customer HY 深圳华远电子有限公司', NULL),
    ('2026-06-01T09:00:00Z', 'customer import', 'imported 2 customers', NULL),
    ('2026-10-20T09:00:00Z', 'invoice import', 'imported 6 invoices', NULL),
    ('2026-11-01T09:00:00Z', 'pay import', 'imported 5 payments', '{\"file\":\"payments.csv\"}'),
    ('2026-11-10T09:00:00Z', 'invoice write-off', 'wrote off 5,000.00 of INV-1003', NULL);
",
    ),
    (
        2,
        "
-- A statement: one line matched to the payment it made, one waiting, one
-- ignored, one debit; and a batch that was undone.
INSERT INTO bank_batches (id, file, profile, encoding, at, undone) VALUES
    (1, 'cmb-2026-11.csv', 'cmb', 'utf-8', '2026-11-05T10:00:00Z', 0),
    (2, 'wrong-month.csv', 'cmb', 'gbk', '2026-11-05T10:05:00Z', 1);
INSERT INTO payments (id, customer_id, date, amount, method, reference, source, auto_apply, voided) VALUES
    (6, 1, '2026-11-03', 500000, 'bank', 'B001', 'bank', 1, 0);
INSERT INTO allocations (payment_id, installment_id, amount, effective_date) VALUES (6, 3, 500000, '2026-11-03');
INSERT INTO bank_lines (id, batch_id, fingerprint, line, date, amount, direction, fee, counterparty, account, memo,
                        reference, status, payment_id, rule, confidence) VALUES
    (1, 1, 'fixture:1', 4, '2026-11-03', 500000, 'credit', NULL, '深圳华远电子有限公司', '6222020200001234567',
     'INV-1002', 'B001', 'matched', 6, 'invoice-ref', 95),
    (2, 1, 'fixture:2', 5, '2026-11-04', 33333, 'credit', NULL, '海顿贸易公司', NULL, '货款', 'B002', 'queued', NULL,
     NULL, NULL),
    (3, 1, 'fixture:3', 6, '2026-11-04', 1200, 'credit', NULL, '招商银行', NULL, '利息', 'B003', 'ignored', NULL,
     NULL, NULL),
    (4, 1, 'fixture:4', 7, '2026-11-04', 5000, 'debit', 500, NULL, NULL, '手续费', 'B004', 'other', NULL, NULL, NULL);
INSERT INTO events (at, command, summary, detail) VALUES
    ('2026-11-05T10:00:00Z', 'reconcile import', 'cmb-2026-11.csv: 4 lines, 1 matched', NULL),
    ('2026-11-05T10:05:00Z', 'reconcile undo', 'undid batch 2', NULL);
",
    ),
    (
        3,
        "
-- HD went up the ladder to stop of supply; HY promised after a call.
UPDATE customers SET hold_since = '2026-10-20' WHERE id = 2;
INSERT INTO dun_actions (customer_id, date, level, channel, note, outcome, source) VALUES
    (2, '2026-09-01', 3, 'letter', NULL, NULL, 'letter'),
    (2, '2026-10-20', 4, 'visit', 'supply stopped', NULL, 'system'),
    (1, '2026-10-02', 2, 'phone', '王芳: pays on the 15th', 'promised', 'manual');
INSERT INTO promises (customer_id, made, date, amount, note) VALUES (1, '2026-10-02', '2026-10-15', 500000, 'by phone');
INSERT INTO events (at, command, summary, detail) VALUES
    ('2026-10-02T09:00:00Z', 'dun log', 'HY step 2 by phone: promised', NULL);
",
    ),
    (
        4,
        "
-- October's late interest on INV-1003, posted as an interest invoice.
INSERT INTO invoices (id, number, customer_id, issue_date, amount, description, kind) VALUES
    (7, 'INT-HD-202610', 2, '2026-10-31', 60000, 'late interest to 2026-10-31', 'interest');
INSERT INTO installments (id, invoice_id, customer_id, seq, due_date, amount) VALUES (9, 7, 2, 1, '2026-11-07', 60000);
INSERT INTO interest_charges (installment_id, invoice_id, amount) VALUES (5, 7, 60000);
INSERT INTO events (at, command, summary, detail) VALUES
    ('2026-11-01T08:00:00Z', 'dun charge-interest', 'INT-HD-202610 for HD of 600.00', NULL);
",
    ),
    (
        5,
        r#"
-- May, closed before the first invoice: its stored aging is empty.
INSERT INTO closes (period, through, closed_at, aging_json) VALUES ('2026-05', '2026-05-31', '2026-06-02T08:00:00Z',
    '{"as_of":"2026-05-31","by":"due","buckets":["current","1-30","31-60","61-90","91+"],"totals":{"current":"0.00","1-30":"0.00","31-60":"0.00","61-90":"0.00","91+":"0.00"},"total":"0.00","unapplied":"0.00","customers":[],"tie_out":{"buckets":"0.00","outstanding":"0.00","invoiced":"0.00","collected":"0.00","written_off":"0.00","balanced":true}}');
INSERT INTO events (at, command, summary, detail) VALUES
    ('2026-06-02T08:00:00Z', 'close', 'closed 2026-05 (through 2026-05-31); aging 0.00', NULL);
"#,
    ),
    (
        7,
        "
-- VAT facts and a salesperson on INV-1001; the payment import remembered
-- its row; a refund and a USD line on the statement, neither posted.
UPDATE customers SET salesperson = '张伟' WHERE id = 1;
UPDATE invoices SET net = 10619469, tax = 1380531, tax_rate = '13%', vat_number = '26442000000012345678',
                    contract = 'HT-2026-018', salesperson = '张伟' WHERE id = 1;
UPDATE payments SET import_print = 'fixture-payment-1' WHERE id = 2;
INSERT INTO bank_lines (id, batch_id, fingerprint, line, date, amount, direction, fee, counterparty, account, memo,
                        reference, status, payment_id, rule, confidence, refund, currency) VALUES
    (5, 1, 'fixture:5', 8, '2026-11-04', 74200, 'credit', NULL, '财付通', NULL, '退款', 'B005', 'other', NULL,
     NULL, NULL, 1, NULL),
    (6, 1, 'fixture:6', 9, '2026-11-04', 100000, 'credit', NULL, 'Star Trading', NULL, 'USD wire', 'B006', 'other',
     NULL, NULL, NULL, 0, 'USD');
",
    ),
    (
        8,
        "
-- The book's rate lowered from October, HD's own rate from September; part
-- of INV-1003's interest waived; INV-1004 in dispute since its issue date.
INSERT INTO interest_rates (customer_id, from_date, rate) VALUES (NULL, '2026-10-01', '0.0003'),
    (2, '2026-09-01', '0.0004');
INSERT INTO interest_waivers (installment_id, date, amount, reason) VALUES (5, '2026-11-12', 1000, 'goodwill');
INSERT INTO disputes (invoice_id, opened, reason) VALUES (4, '2026-09-01', 'damaged units');
",
    ),
    (
        10,
        "
-- HD writes in English; HY's October balance confirmed, HD's differs.
UPDATE customers SET lang = 'en' WHERE id = 2;
INSERT INTO confirmations (customer_id, period, balance, sent, replied, agreed, their_balance, note) VALUES
    (1, '2026-10', 500000, '2026-11-02', '2026-11-06', 1, NULL, NULL),
    (2, '2026-10', 800000, '2026-11-02', '2026-11-09', 0, 740000, 'they count INV-1003 paid');
",
    ),
    (
        11,
        "
-- HY's books close on the 25th and it pays on the 10th and 25th; HD is late
-- for want of cash (its stop of supply and its promise) and disputes quality.
UPDATE customers SET cutoff_day = 25, pay_days = '10,25', invoice_needs = 'PO number on every invoice'
    WHERE id = 1;
UPDATE dun_actions SET overdue_reason = 'cash-flow' WHERE customer_id = 2 AND level = 4;
UPDATE promises SET overdue_reason = 'cash-flow' WHERE customer_id = 1;
UPDATE disputes SET overdue_reason = 'quality' WHERE invoice_id = 4;
",
    ),
    (
        12,
        "
-- INV-1002's third part (10,000.00, due 2026-10-31) rescheduled on
-- 2026-11-15 into two parts, after HY's gentle reminder (level 2).
INSERT INTO reschedules (id, invoice_id, date, level_before, note, created) VALUES
    (1, 2, '2026-11-15', 2, '分两期', '2026-11-15T09:00:00Z');
INSERT INTO write_offs (installment_id, date, amount, reason, kind, reschedule_id) VALUES
    (4, '2026-11-15', 1000000, '分两期', 'reschedule', 1);
INSERT INTO installments (id, invoice_id, customer_id, seq, due_date, amount, reschedule_id, since) VALUES
    (10, 2, 1, 4, '2026-12-15', 500000, 1, '2026-11-15'),
    (11, 2, 1, 5, '2027-01-15', 500000, 1, '2026-11-15');
INSERT INTO events (at, command, summary, detail) VALUES
    ('2026-11-15T09:00:00Z', 'invoice reschedule', 'rescheduled 10,000.00 of INV-1002 on 2026-11-15', NULL);
",
    ),
    (
        13,
        "
-- HD paid 3,000.00 by a bank acceptance bill (承兑汇票), kept as credit; its
-- event says so in both languages.
INSERT INTO payments (id, customer_id, date, amount, method, reference, source, auto_apply, voided) VALUES
    (7, 2, '2026-11-18', 300000, 'acceptance', '银承 3100', 'manual', 0, 0);
INSERT INTO events (at, command, summary, summary_zh, detail) VALUES
    ('2026-11-18T09:00:00Z', 'pay add', 'payment 7 from HD of 3,000.00 on 2026-11-18',
     '收款 7：HD 于 2026-11-18 付款 3,000.00', NULL);
-- A reminder huikuan wrote to a file, its note in both languages.
INSERT INTO dun_actions (customer_id, date, level, channel, note, note_zh, outcome, source) VALUES
    (1, '2026-11-19', 1, 'email', 'reminder sent', '付款提醒已发出', NULL, 'letter');
",
    ),
];

/// Write the data a book at `version` can hold.
fn fill(conn: &Connection, version: usize) {
    for (since, sql) in DATA.iter().filter(|(since, _)| *since <= version) {
        conn.execute_batch(sql).unwrap_or_else(|e| panic!("the version {since} data at version {version}: {e}"));
    }
    // From version 14 the book keeps open balances, which the store function
    // writing installments counts (raw SQL does not): count them as it would.
    match schema::version(conn).unwrap() {
        ..14 => {}
        14 => conn.execute_batch(schema::BALANCES_FROM_THE_BOOK_V14).unwrap(),
        15 => conn.execute_batch(schema::BALANCES_FROM_THE_BOOK_V15).unwrap(),
        _ => huikuan::store::balances::rebuild(conn).unwrap(),
    }
}

fn fixture_path(version: usize) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/fixtures/books/v{version}.sqlite"))
}

fn earlier_versions() -> std::ops::Range<usize> {
    1..current_version() as usize
}

/// A book at `version`, made by the upgrades and filled, at `path`.
fn make_book(path: &Path, version: usize) {
    let mut conn = Connection::open(path).expect("create the book");
    schema::migrate_to(&mut conn, version).expect("upgrade");
    fill(&conn, version);
}

fn user_version(path: &Path) -> i64 {
    schema::version(&Connection::open(path).unwrap()).unwrap()
}

/// The book's schema and every row, for "nothing changed".
fn dump(path: &Path) -> String {
    schema::snapshot(&Connection::open(path).unwrap()).unwrap()
}

/// Writes the fixture of every earlier version that has none. Run by hand
/// (see the module's doc); each fixture is a few kilobytes: small pages,
/// vacuumed, in rollback-journal mode so that it is one file.
#[test]
#[ignore = "writes tests/fixtures/books/; run with HUIKUAN_WRITE_BOOK_FIXTURES=1 when adding an upgrade"]
fn write_book_fixtures() {
    if std::env::var_os("HUIKUAN_WRITE_BOOK_FIXTURES").is_none() {
        eprintln!("set HUIKUAN_WRITE_BOOK_FIXTURES=1 to write the missing book fixtures");
        return;
    }
    for version in earlier_versions() {
        let path = fixture_path(version);
        if path.exists() {
            continue;
        }
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        make_book(&path, version);
        let conn = Connection::open(&path).unwrap();
        conn.pragma_update(None, "page_size", 512).unwrap();
        conn.execute_batch("VACUUM").unwrap();
        let mode: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
        assert_eq!(mode, "delete");
        eprintln!("wrote {}", path.display());
    }
}

#[test]
fn every_earlier_version_has_a_fixture() {
    for version in earlier_versions() {
        let path = fixture_path(version);
        assert!(
            path.exists(),
            "no book fixture for schema version {version}: whoever adds an upgrade writes one for the version \
             before it (see tests/cli/upgrade.rs) — {} is missing",
            path.display()
        );
        assert_eq!(user_version(&path), version as i64, "{} is not at version {version}", path.display());
        let side = PathBuf::from(format!("{}-wal", path.display()));
        assert!(!side.exists(), "{} must be one file, not WAL", path.display());
    }
    assert!(!fixture_path(current_version() as usize).exists(), "a fixture of the current version tests no upgrade");
}

/// An environment whose book is a copy of the fixture of `version`.
fn old_book(version: usize) -> TestEnv {
    let env = TestEnv::new();
    std::fs::copy(fixture_path(version), &env.db).expect("copy the fixture");
    env
}

/// What a user reads off the book: every list, show and report in JSON.
fn everything(env: &TestEnv) -> Vec<(String, String)> {
    let mut commands: Vec<Vec<String>> = [
        "customer list",
        "invoice list",
        "pay list",
        "report aging",
        "report aging --detail",
        "report aging --by invoice",
        "report aging --as-of 2026-09-30",
        "report aging --as-of 2026-05-31",
        "report provision",
        "report collection --period 2026-10",
        "report forecast --weeks 4",
        "dun interest --detail",
        "dun history",
        "reconcile list",
        "close --list",
        "log",
    ]
    .iter()
    .map(|c| c.split(' ').map(str::to_string).collect())
    .collect();
    for code in ["HY", "HD", "XM"] {
        commands.push(vec!["customer".into(), "show".into(), code.into()]);
    }
    for inv in env.json(&["invoice", "list"]).as_array().unwrap() {
        commands.push(vec!["invoice".into(), "show".into(), inv["number"].as_str().unwrap().into()]);
    }
    for pay in env.json(&["pay", "list"]).as_array().unwrap() {
        commands.push(vec!["pay".into(), "show".into(), pay["id"].to_string()]);
    }
    commands
        .into_iter()
        .map(|c| {
            let args: Vec<&str> = c.iter().map(String::as_str).collect();
            (c.join(" "), env.json(&args).to_string())
        })
        .collect()
}

/// `huikuan check` passes.
fn check_passes(env: &TestEnv) {
    let note = env.ok_note(&["check"]);
    assert!(note.starts_with("ok: "), "check: {note}");
}

/// The totals of the book read straight from its tables, before huikuan
/// touches it: invoiced, collected, written off, unapplied credit (cents).
fn raw_totals(path: &Path) -> [i64; 4] {
    let conn = Connection::open(path).unwrap();
    let sum = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).unwrap() };
    let invoiced = sum("SELECT COALESCE(SUM(amount), 0) FROM invoices WHERE voided = 0");
    let collected = sum("SELECT COALESCE(SUM(amount), 0) FROM allocations");
    // What a payment plan moved (schema 12 on) is still owed: not written off.
    let plans = sum("SELECT COUNT(*) FROM sqlite_master WHERE name = 'reschedules'") > 0;
    let moved =
        if plans { sum("SELECT COALESCE(SUM(amount), 0) FROM write_offs WHERE kind = 'reschedule'") } else { 0 };
    let written_off = sum("SELECT COALESCE(SUM(amount), 0) FROM write_offs") - moved;
    let received = sum("SELECT COALESCE(SUM(amount), 0) FROM payments WHERE voided = 0");
    [invoiced, collected, written_off, received - collected]
}

#[test]
fn a_book_of_every_earlier_version_migrates_and_keeps_its_figures() {
    for version in earlier_versions() {
        let env = old_book(version);
        let [invoiced, collected, written_off, unapplied] = raw_totals(&env.db);

        check_passes(&env);
        assert_eq!(user_version(&env.db), current_version(), "v{version}: upgraded to the current version");

        // The same figures as the tables held.
        let aging = env.json(&["report", "aging"]);
        let tie = &aging["tie_out"];
        assert_eq!(
            [cents(&tie["invoiced"]), cents(&tie["collected"]), cents(&tie["written_off"]), cents(&aging["unapplied"])],
            [invoiced, collected, written_off, unapplied],
            "v{version}: {aging}"
        );
        assert_eq!(tie["balanced"], true, "v{version}: {aging}");
        assert_eq!(cents(&aging["total"]), invoiced - collected - written_off, "v{version}");
        assert_money_adds_up(&env);

        // Everything reads exactly as in a book made at the current version
        // with the same data.
        let fresh = TestEnv::new();
        {
            let mut conn = Connection::open(&fresh.db).unwrap();
            schema::migrate(&mut conn).unwrap();
            fill(&conn, version);
        }
        let (old, new) = (everything(&env), everything(&fresh));
        for ((command, got), (_, want)) in old.iter().zip(&new) {
            assert_eq!(got, want, "v{version}: huikuan {command} differs from a book made at the current version");
        }
        assert_eq!(old.len(), new.len());

        // And it takes new work: payments, invoices, closing a month.
        env.ok(&["-q", "pay", "add", "HY", "1000", "--date", "2026-11-20"]);
        env.ok(&["-q", "invoice", "add", "INV-2001", "XM", "300", "--date", "2026-11-21"]);
        env.ok(&["-q", "dun", "log", "HD", "--step", "5", "--channel", "lawyer", "--note", "sent"]);
        env.ok(&["-q", "close", "2026-10"]);
        let (code, err) = env.fail(&["pay", "add", "HY", "1", "--date", "2026-10-05"]);
        assert_eq!(code, 1);
        assert_one_error_line(&err, "2026-10-05 is in a closed period");
        check_passes(&env);
    }
}

#[test]
fn the_data_of_the_current_version_is_sound_for_its_future_fixture() {
    // The next upgrade's author writes v<current> from this data: it must pass check today.
    let env = TestEnv::new();
    make_book(&env.db, current_version() as usize);
    check_passes(&env);
    assert_money_adds_up(&env);
    let closed = env.json(&["close", "--list"]);
    assert_eq!(closed[0]["period"], "2026-05", "{closed}");
    assert_eq!(env.json(&["report", "aging", "--as-of", "2026-05-31"])["total"], "0.00");
}

#[test]
fn a_newer_book_is_refused_and_left_byte_for_byte() {
    let env = TestEnv::new();
    make_book(&env.db, current_version() as usize);
    let newer = current_version() + 1;
    {
        let conn = Connection::open(&env.db).unwrap();
        conn.pragma_update(None, "user_version", newer).unwrap();
        let mode: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
        assert_eq!(mode, "delete", "a book in rollback-journal mode, as an old huikuan or a copy may leave it");
    }
    let before = std::fs::read(&env.db).unwrap();
    for args in [&["customer", "list"][..], &["check"], &["pay", "add", "HY", "1"], &["report", "aging"]] {
        let (code, err) = env.fail(args);
        assert_eq!(code, 1, "{args:?}");
        assert_one_error_line(
            &err,
            &format!(
                "the book was written by a newer huikuan (schema {newer}; this build knows up to {}); upgrade huikuan",
                current_version()
            ),
        );
        assert!(std::fs::read(&env.db).unwrap() == before, "huikuan {args:?} changed the newer book's bytes");
    }
    for side in ["-wal", "-shm", "-journal"] {
        let p = PathBuf::from(format!("{}{side}", env.db.display()));
        assert!(!p.exists(), "{} was left beside the newer book", p.display());
    }
}

/// A v1 book with a table of its own named like one a later upgrade creates
/// (someone extended the book by hand): upgrades 2 to 4 run, 5 fails.
fn book_whose_upgrade_fails() -> TestEnv {
    let env = old_book(1);
    let conn = env.connect();
    conn.execute_batch("CREATE TABLE closes (month TEXT); INSERT INTO closes VALUES ('2026-10');").unwrap();
    drop(conn);
    env
}

#[test]
fn an_upgrade_that_fails_half_way_leaves_the_book_as_it_was() {
    let env = book_whose_upgrade_fails();
    // Opening switches the book to WAL before upgrading: compare with the
    // same book switched by hand, and every byte must be the same.
    {
        let conn = env.connect();
        let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0)).unwrap();
        assert_eq!(mode, "wal");
    }
    let (bytes, rows) = (std::fs::read(&env.db).unwrap(), dump(&env.db));
    let (code, err) = env.fail(&["customer", "list"]);
    assert_eq!(code, 1);
    assert_one_error_line(
        &err,
        &format!(
            "cannot upgrade the book from schema 1 to {}: step 5 failed (table closes already exists); \
             the book was left as it was",
            current_version()
        ),
    );
    assert_eq!(dump(&env.db), rows, "the failed upgrade changed the book");
    assert!(std::fs::read(&env.db).unwrap() == bytes, "the failed upgrade changed the book's bytes");
    assert_eq!(user_version(&env.db), 1);

    // Out of the way, the upgrade goes through and keeps everything.
    env.connect().execute_batch("DROP TABLE closes").unwrap();
    check_passes(&env);
    assert_eq!(user_version(&env.db), current_version());
}
