//! The error catalogue (docs/errors.md), one test per entry: each error is
//! produced through the binary with the exit code, the one `error: ` line and
//! the text the catalogue shows, and the book is left as it was. Then the
//! hostile input corpus (tests/fixtures/bad/) fed to every importer.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use crate::common::{TestEnv, assert_no_panic, assert_one_error_line};

/// A book with two customers (XM has a known account), an open and a paid
/// invoice, payment 1 with 500.00 unapplied and payment 2 fully allocated.
fn book() -> TestEnv {
    let env = TestEnv::new();
    env.ok(&["customer", "add", "BYD", "比亚迪股份有限公司", "--limit", "100000", "--score", "70"]);
    env.ok(&["customer", "add", "XM", "小米科技有限责任公司"]);
    env.ok(&["customer", "account", "add", "XM", "6222000011112222"]);
    env.ok(&["invoice", "add", "BYD-2026-01", "BYD", "1000", "--date", "2026-09-01"]);
    env.ok(&["invoice", "add", "BYD-2026-02", "BYD", "8000", "--date", "2026-10-15"]);
    env.ok(&["pay", "add", "BYD", "1500", "--date", "2026-11-01", "--invoice", "BYD-2026-01", "--hold-credit"]);
    env.ok(&["pay", "add", "BYD", "500", "--date", "2026-11-03", "--invoice", "BYD-2026-02"]);
    env
}

/// Refused with `code`, one `error: ` line containing `expected`, book unchanged.
fn refused(env: &TestEnv, args: &[&str], code: i32, expected: &str) {
    let before = env.book_fingerprint();
    let (got, err) = env.fail(args);
    assert_eq!(got, code, "huikuan {}: {err}", args.join(" "));
    assert_one_error_line(&err, expected);
    assert_eq!(env.book_fingerprint(), before, "huikuan {} changed the book", args.join(" "));
}

fn user(env: &TestEnv, args: &[&str], expected: &str) {
    refused(env, args, 1, expected);
}

fn usage(env: &TestEnv, args: &[&str], expected: &str) {
    refused(env, args, 2, expected);
}

/// A `--format` the command does not print, refused by clap with its list
/// (see `formats`).
fn clap_refused(env: &TestEnv, args: &[&str], value: &str, offered: &str) {
    crate::formats::refused_by_clap(env, args, value, offered);
}

/// An import with bad rows: one `error: file:line: …` line per bad row (in
/// order, each containing its text), then the summary line; book unchanged.
fn refused_rows(env: &TestEnv, args: &[&str], file: &str, bad: &[(u64, &str)]) {
    let before = env.book_fingerprint();
    let (code, err) = env.fail(args);
    assert_eq!(code, 1, "huikuan {}: {err}", args.join(" "));
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), bad.len() + 1, "one line per bad row and a summary:\n{err}");
    for (l, (line, text)) in lines.iter().zip(bad) {
        assert!(l.starts_with(&format!("error: {file}:{line}: ")), "{l}");
        assert!(l.contains(text), "expected {text:?} in {l}");
    }
    assert_eq!(lines[bad.len()], format!("error: {file}: {} bad row(s); nothing was imported", bad.len()));
    assert_eq!(env.book_fingerprint(), before, "huikuan {} changed the book", args.join(" "));
}

const STATEMENT_HEADER: &str = "记账日期,货币,交易金额,联机余额,交易摘要,对手信息,客户摘要\n";

// ---- dates and amounts ----

#[test]
fn bad_amount() {
    user(&book(), &["invoice", "add", "N-1", "BYD", "abc"], "AMOUNT: 'abc' is not an amount (expected e.g. 1234.50)");
}

#[test]
fn comma_amount() {
    let env = book();
    let before = env.json(&["invoice", "list"]).as_array().map(Vec::len);
    user(
        &env,
        &["invoice", "add", "N-1", "BYD", "49,99"],
        "AMOUNT: '49,99': use a point for decimals; a comma only separates thousands (1,234.50)",
    );
    user(&env, &["pay", "add", "BYD", "12,34"], "'12,34': use a point for decimals");
    // Nothing was booked by the refusals; a thousands separator is fine.
    assert_eq!(env.json(&["invoice", "list"]).as_array().map(Vec::len), before);
    env.ok(&["invoice", "add", "N-2", "BYD", "1,234.50"]);
    assert_eq!(env.json(&["invoice", "show", "N-2"])["amount"], "1234.50");
}

#[test]
fn too_many_decimals() {
    user(&book(), &["invoice", "add", "N-1", "BYD", "1.234"], "amount '1.234' has more than 2 decimals");
}

#[test]
fn amount_too_large() {
    user(
        &book(),
        &["pay", "add", "BYD", "1000000000000.01"],
        "amount '1000000000000.01' is too large (at most 1,000,000,000,000.00)",
    );
}

#[test]
fn total_past_limit() {
    let env = book();
    env.ok(&["pay", "add", "BYD", "999999997999.99", "--hold-credit"]); // 2,000.00 is in the book
    user(
        &env,
        &["pay", "add", "BYD", "0.02"],
        "error: the book's payments would total 1,000,000,000,000.01, more than the limit of 1,000,000,000,000.00; nothing was written",
    );
}

#[test]
fn amount_not_positive() {
    user(&book(), &["invoice", "add", "N-1", "BYD", "0"], "amount '0' must be greater than zero");
}

#[test]
fn amount_negative() {
    user(&book(), &["customer", "add", "ZZ", "Foo", "--limit", "-5"], "--limit: '-5' cannot be negative");
}

#[test]
fn bad_date() {
    user(
        &book(),
        &["pay", "add", "BYD", "100", "--date", "2026-02-30"],
        "--date: '2026-02-30' is not a valid date (expected 2026-11-22, 2026/11/22, 20261122 or today)",
    );
}

#[test]
fn bad_month() {
    user(&book(), &["close", "2026-13"], "'2026-13' is not a valid month (expected 2026-10)");
}

#[test]
fn due_before_issue() {
    user(
        &book(),
        &["invoice", "add", "N-1", "BYD", "100", "--date", "2026-11-10", "--due", "2026-11-09"],
        "due date 2026-11-09 is before the issue date 2026-11-10",
    );
}

#[test]
fn installments_mismatch() {
    user(
        &book(),
        &["invoice", "add", "N-1", "BYD", "100", "--installment", "2026-12-31:40", "--installment", "2027-01-31:50"],
        "installments add up to 90.00, not to the invoice amount 100.00",
    );
}

#[test]
fn bad_split() {
    user(&book(), &["invoice", "add", "N-1", "BYD", "100", "--split", "0"], "cannot split into 0 parts (1 to 120");
}

#[test]
fn bad_buckets() {
    user(
        &book(),
        &["report", "aging", "--buckets", "60,30"],
        "--buckets: '60,30' is not a list of bucket edges (increasing days",
    );
}

#[test]
fn buckets_need_by_due() {
    usage(&book(), &["report", "aging", "--by", "invoice", "--buckets", "30,60"], "--buckets applies to --by due only");
}

#[test]
fn bad_rate() {
    user(
        &book(),
        &["customer", "edit", "BYD", "--interest-rate", "abc"],
        "'abc' is not a daily interest rate (e.g. 0.0005 or 0.05%)",
    );
}

#[test]
fn to_before_from() {
    user(
        &book(),
        &["report", "collection", "--from", "2026-11-01", "--to", "2026-10-01"],
        "--to 2026-10-01 is before --from 2026-11-01",
    );
}

#[test]
fn bad_score() {
    user(&book(), &["customer", "add", "ZZ", "Foo", "--score", "150"], "--score: 150 is not a score from 0 to 100");
}

// ---- customers ----

#[test]
fn unknown_customer() {
    user(
        &book(),
        &["invoice", "add", "N-1", "NOPE", "100"],
        "no customer with code 'NOPE' (see: huikuan customer list)",
    );
}

#[test]
fn duplicate_customer() {
    user(&book(), &["customer", "add", "BYD", "Foo"], "customer code 'BYD' is already taken");
}

#[test]
fn bad_customer_code() {
    user(
        &book(),
        &["customer", "add", "A B", "Foo"],
        "customer code 'A B' must be 1 to 32 characters without spaces, commas or semicolons",
    );
}

#[test]
fn customer_needs_name() {
    user(&book(), &["customer", "add", "ZZ", " "], "customer ZZ needs a name");
}

#[test]
fn terms_too_long() {
    user(
        &book(),
        &["customer", "add", "ZZ", "Foo", "--terms", "4000"],
        "payment terms of 4000 days are longer than 3650 days (ten years)",
    );
}

#[test]
fn bad_contact() {
    user(
        &book(),
        &["customer", "edit", "BYD", "--contact", "boss:x"],
        "--contact: 'boss:x' should be ROLE:NAME[:PHONE[:EMAIL]] with ROLE decision, acceptance or payer",
    );
}

#[test]
fn unknown_alias() {
    user(&book(), &["customer", "alias", "rm", "BYD", "nope"], "alias 'nope' is not on customer BYD");
}

#[test]
fn empty_alias() {
    user(&book(), &["customer", "alias", "add", "BYD", " "], "an alias cannot be empty");
}

#[test]
fn account_taken() {
    user(
        &book(),
        &["customer", "account", "add", "BYD", "6222000011112222"],
        "bank account '6222000011112222' already belongs to customer XM",
    );
}

#[test]
fn unknown_account() {
    user(&book(), &["customer", "account", "rm", "BYD", "999"], "bank account '999' is not on customer BYD");
}

#[test]
fn nothing_to_change() {
    usage(&book(), &["customer", "edit", "BYD"], "nothing to change: give at least one option");
}

#[test]
fn customer_add_needs_code_and_name() {
    usage(&book(), &["customer", "add"], "customer add needs CODE and NAME");
}

// ---- invoices ----

#[test]
fn unknown_invoice() {
    user(&book(), &["invoice", "show", "NOPE"], "no invoice numbered 'NOPE' (see: huikuan invoice list)");
}

#[test]
fn duplicate_invoice() {
    user(&book(), &["invoice", "add", "BYD-2026-01", "BYD", "100"], "invoice number 'BYD-2026-01' already exists");
}

#[test]
fn bad_invoice_number() {
    let long = "X".repeat(65);
    user(
        &book(),
        &["invoice", "add", &long, "BYD", "100"],
        &format!("invoice number '{long}' must be 1 to 64 printable characters"),
    );
}

#[test]
fn invoice_void() {
    let env = book();
    env.ok(&["invoice", "add", "V-1", "XM", "10"]);
    env.ok(&["invoice", "void", "V-1", "--reason", "wrong", "--yes"]);
    user(&env, &["pay", "add", "XM", "10", "--invoice", "V-1"], "invoice V-1 is void");
}

#[test]
fn invoice_has_allocations() {
    user(
        &book(),
        &["invoice", "void", "BYD-2026-01", "--reason", "x", "--yes"],
        "invoice BYD-2026-01 has 1,000.00 of payments allocated; void those payments first",
    );
}

#[test]
fn invoice_of_other_customer() {
    user(
        &book(),
        &["pay", "add", "XM", "100", "--invoice", "BYD-2026-02"],
        "invoice BYD-2026-02 belongs to customer BYD, not XM",
    );
}

#[test]
fn invoice_paid() {
    user(
        &book(),
        &["pay", "add", "BYD", "100", "--invoice", "BYD-2026-01"],
        "invoice BYD-2026-01 is already paid in full",
    );
}

#[test]
fn credit_control() {
    user(
        &book(),
        &["invoice", "add", "N-9", "BYD", "200000"],
        "credit control refuses invoice N-9 for BYD: balance would be 207,000.00, over the credit limit 100,000.00 \
         (use --force to issue anyway)",
    );
}

#[test]
fn bad_installment() {
    user(
        &book(),
        &["invoice", "add", "N-1", "BYD", "100", "--installment", "foo"],
        "--installment: 'foo' should be DATE:AMOUNT, e.g. 2026-12-31:5000",
    );
}

#[test]
fn installment_conflict() {
    usage(
        &book(),
        &["invoice", "add", "N-1", "BYD", "100", "--installment", "2026-12-31:100", "--split", "2"],
        "--installment cannot be combined with --split, --due or --terms",
    );
}

#[test]
fn bad_discount() {
    user(
        &book(),
        &["invoice", "add", "N-1", "BYD", "100", "--discount", "foo"],
        "--discount: 'foo' should be PERCENT/DAYS, e.g. 2/10",
    );
}

#[test]
fn write_off_too_much() {
    user(
        &book(),
        &["invoice", "write-off", "BYD-2026-02", "--date", "2026-11-20", "--reason", "x", "--amount", "99999", "--yes"],
        "cannot write off 99,999.00 of invoice BYD-2026-02: its balance is 7,500.00",
    );
}

#[test]
fn write_off_before_issue() {
    user(
        &book(),
        &["invoice", "write-off", "BYD-2026-02", "--date", "2026-10-01", "--reason", "x", "--yes"],
        "a write-off on 2026-10-01 is before invoice BYD-2026-02 was issued (2026-10-15)",
    );
}

#[test]
fn already_disputed() {
    let env = book();
    env.ok(&["-q", "invoice", "dispute", "BYD-2026-02", "--date", "2026-11-02"]);
    user(
        &env,
        &["invoice", "dispute", "BYD-2026-02"],
        "error: invoice BYD-2026-02 is in dispute already (since 2026-11-02)",
    );
}

#[test]
fn not_disputed() {
    user(&book(), &["invoice", "undispute", "BYD-2026-02"], "error: invoice BYD-2026-02 is not in dispute");
}

#[test]
fn resolved_before_opened() {
    let env = book();
    env.ok(&["-q", "invoice", "dispute", "BYD-2026-02", "--date", "2026-11-02"]);
    user(
        &env,
        &["invoice", "undispute", "BYD-2026-02", "--date", "2026-11-01"],
        "error: invoice BYD-2026-02's dispute opened on 2026-11-02: it cannot be resolved on 2026-11-01",
    );
}

#[test]
fn needs_confirmation() {
    user(
        &book(),
        &["invoice", "write-off", "BYD-2026-02", "--date", "2026-11-20", "--reason", "x"],
        "— needs confirmation: run it on a terminal, or pass --yes",
    );
}

// ---- payments ----

#[test]
fn unknown_payment() {
    user(&book(), &["pay", "show", "99"], "no payment with id 99 (see: huikuan pay list)");
}

#[test]
fn payment_void() {
    let env = book();
    env.ok(&["pay", "void", "1", "--reason", "bounced", "--yes"]);
    user(&env, &["pay", "void", "1", "--reason", "again", "--yes"], "payment 1 is void");
}

#[test]
fn no_credit() {
    user(&book(), &["pay", "apply", "2", "--invoice", "BYD-2026-02"], "payment 2 has no unapplied credit left");
}

#[test]
fn over_apply() {
    user(
        &book(),
        &["pay", "apply", "1", "--invoice", "BYD-2026-02", "--amount", "600"],
        "cannot apply 600.00 of payment 1: only 500.00 is unapplied",
    );
}

#[test]
fn bad_method() {
    user(
        &book(),
        &["pay", "add", "BYD", "100", "--method", "card"],
        "--method: 'card' is not a method (bank, cash, cheque, alipay, wechat, acceptance, other)",
    );
}

// ---- imports (customer, invoice, pay import) ----

#[test]
fn import_unreadable() {
    user(&book(), &["customer", "import", "missing.csv"], "missing.csv: cannot read: ");
}

#[test]
fn import_empty() {
    let env = book();
    env.write_file("empty.csv", "");
    user(&env, &["invoice", "import", "empty.csv"], "empty.csv: the file is empty");
}

#[test]
fn import_binary() {
    let env = book();
    env.write_file("bin.csv", b"code,name\n\0\0");
    user(&env, &["customer", "import", "bin.csv"], "bin.csv: the file is binary, not text (NUL byte at offset 10)");
}

#[test]
fn import_bad_encoding() {
    let env = book();
    env.write_file("enc.csv", b"code,name\nA,\xff\xfe\xff\n");
    user(&env, &["customer", "import", "enc.csv"], "enc.csv: the file is neither UTF-8 nor GBK text");
}

#[test]
fn import_missing_column() {
    let env = book();
    env.write_file("nocol.csv", "code\nA\n");
    user(&env, &["customer", "import", "nocol.csv"], "nocol.csv:1: missing column 'name' in the header row");
}

#[test]
fn import_quote_left_open() {
    let env = book();
    env.write_file("q.csv", "code,name\nQ1,\"Never closed\nQ2,Second\n");
    user(
        &env,
        &["customer", "import", "q.csv"],
        "q.csv:2: malformed CSV: a quoted field is never closed (a '\"' is missing)",
    );
}

#[test]
fn import_changed_meanwhile() {
    let env = book();
    let mut text = String::from("number,customer,issue_date,amount\n");
    for i in 0..30_000 {
        text.push_str(&format!("CHG-{i:05},BYD,2026-10-01,100.00\n"));
    }
    // Changed once the file was read twice, to choose its encoding and to
    // check it, while the rows are still being loaded.
    let changed = format!("{}200.00\n", text.strip_suffix("100.00\n").unwrap());
    changed_midway(&env, &["invoice", "import", "big.csv"], &text, &changed, 2, "big.csv");
}

/// `args` imports `file` (written with `text`), which changes to `changed`
/// (the same length) once the process has read `passes` times its size (its
/// bytes read, from /proc, past that and a margin for the book's pages),
/// while it still reads: refused with one line, the book unchanged.
fn changed_midway(env: &TestEnv, args: &[&str], text: &str, changed: &str, passes: u64, file: &str) {
    let path = env.write_file(file, text);
    let before = env.book_fingerprint();
    let mut child =
        env.spawnable(args).stdout(std::process::Stdio::piped()).stderr(std::process::Stdio::piped()).spawn().unwrap();
    let io = format!("/proc/{}/io", child.id());
    let read = || -> u64 {
        let io = std::fs::read_to_string(&io).unwrap_or_default();
        io.lines().find_map(|l| l.strip_prefix("rchar: ")).and_then(|n| n.trim().parse().ok()).unwrap_or(0)
    };
    let started = Instant::now();
    while read() < passes * text.len() as u64 + 256 * 1024 {
        assert!(child.try_wait().unwrap().is_none(), "the import ended before the file could change");
        assert!(started.elapsed() < Duration::from_secs(60), "the import never read its file {passes} times");
        std::thread::sleep(Duration::from_millis(1));
    }
    std::fs::write(&path, changed).unwrap();
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert_one_error_line(
        &err,
        &format!("{file}: the file changed while it was being imported; nothing was imported, import it again"),
    );
    assert_eq!(env.book_fingerprint(), before);
}

#[test]
fn import_bad_rows() {
    let env = book();
    env.write_file("p.csv", "date,customer,amount\n2026-11-01,NOPE,10\n2026-11-01,BYD,abc\n");
    refused_rows(
        &env,
        &["pay", "import", "p.csv"],
        "p.csv",
        &[(2, "no customer with code 'NOPE'"), (3, "amount: 'abc' is not an amount")],
    );
}

#[test]
fn import_duplicate_code() {
    let env = book();
    env.write_file("dup.csv", "code,name\nA,x\nA,y\n");
    refused_rows(
        &env,
        &["customer", "import", "dup.csv"],
        "dup.csv",
        &[(3, "customer code 'A' appears twice in the file")],
    );
}

#[test]
fn import_empty_cell() {
    let env = book();
    env.write_file("cell.csv", "code,name\n,x\n");
    refused_rows(&env, &["customer", "import", "cell.csv"], "cell.csv", &[(2, "'code' is empty")]);
}

#[test]
fn import_bad_days() {
    let env = book();
    env.write_file("t.csv", "code,name,terms_days\nA,x,zz\n");
    refused_rows(&env, &["customer", "import", "t.csv"], "t.csv", &[(2, "terms_days: 'zz' is not a number of days")]);
}

// ---- bank statements ----

#[test]
fn statement_empty() {
    let env = book();
    env.write_file("s.csv", "");
    user(&env, &["reconcile", "import", "s.csv"], "s.csv: the file is empty");
}

#[test]
fn statement_binary() {
    let env = book();
    env.write_file("s.csv", b"\x00\x01\x02\x03binary\x00");
    user(
        &env,
        &["reconcile", "import", "s.csv"],
        "s.csv: the file is binary data, not a statement (not text, XLS or XLSX)",
    );
}

#[test]
fn statement_workbook() {
    let env = book();
    bad_fixture(&env, "truncated.xlsx");
    user(&env, &["reconcile", "import", "truncated.xlsx"], "truncated.xlsx: cannot read the XLSX workbook: ");
}

#[test]
fn statement_unknown_encoding() {
    let env = book();
    env.write_file("s.csv", STATEMENT_HEADER);
    user(
        &env,
        &["reconcile", "import", "s.csv", "--encoding", "foo"],
        "s.csv: unknown encoding 'foo' (use utf-8, gbk, gb18030 or latin-1)",
    );
}

#[test]
fn statement_no_header() {
    let env = book();
    env.write_file("s.csv", "hello,world\n1,2\n");
    user(&env, &["reconcile", "import", "s.csv"], "s.csv: no known header; pass --profile");
}

#[test]
fn statement_header_not_found() {
    let env = book();
    env.write_file("s.csv", "hello,world\n1,2\n");
    user(
        &env,
        &["reconcile", "import", "s.csv", "--profile", "cmb"],
        "s.csv: the header of profile 'cmb' was not found in the first 30 lines",
    );
}

#[test]
fn statement_no_transactions() {
    let env = book();
    env.write_file("s.csv", STATEMENT_HEADER);
    user(&env, &["reconcile", "import", "s.csv"], "s.csv: no transactions found");
}

#[test]
fn statement_changed_meanwhile() {
    let env = book();
    let mut text = String::from(STATEMENT_HEADER);
    for i in 0..20_000 {
        text.push_str(&format!("2026-11-01,CNY,-100.00,{i}.00,支付,某公司,货款\n"));
    }
    // Changed once the file was read three times (to choose its encoding,
    // to seal it, and into the checking of every line), while it still
    // checks or imports the lines.
    let changed = format!("{}货物\n", text.strip_suffix("货款\n").unwrap());
    changed_midway(&env, &["reconcile", "import", "s.csv"], &text, &changed, 3, "s.csv");
}

#[test]
fn statement_bad_date() {
    let env = book();
    env.write_file("s.csv", format!("{STATEMENT_HEADER}2026-13-45,CNY,+100.00,1.00,x,y,z\n"));
    user(&env, &["reconcile", "import", "s.csv"], "s.csv:2: '2026-13-45' is not a date");
}

#[test]
fn statement_bad_amount() {
    let env = book();
    env.write_file("s.csv", format!("{STATEMENT_HEADER}2026-11-01,CNY,abc,1.00,x,y,z\n"));
    user(&env, &["reconcile", "import", "s.csv"], "s.csv:2: 'abc' is not an amount");
}

#[test]
fn statement_masked_amount() {
    let env = book();
    env.write_file("s.csv", format!("{STATEMENT_HEADER}2026-11-01,CNY,***,1.00,x,y,z\n"));
    user(
        &env,
        &["reconcile", "import", "s.csv"],
        "s.csv:2: the amount '***' is masked; export the statement again with full amounts",
    );
}

#[test]
fn bad_profile() {
    let env = book();
    env.write_file("s.csv", STATEMENT_HEADER);
    env.write_file("mine.toml", "name = \"mine\"\n");
    user(&env, &["reconcile", "import", "s.csv", "--profile", "mine.toml"], "profile 'mine.toml': ");
}

#[test]
fn unknown_profile() {
    let env = book();
    env.write_file("s.csv", STATEMENT_HEADER);
    user(
        &env,
        &["reconcile", "import", "s.csv", "--profile", "nope"],
        "--profile: no profile or file named 'nope' (see huikuan reconcile profiles)",
    );
}

#[test]
fn unknown_bank_line() {
    user(
        &book(),
        &["reconcile", "match", "999", "--customer", "BYD"],
        "no bank line 999 (see: huikuan reconcile list)",
    );
}

#[test]
fn unknown_bank_batch() {
    user(&book(), &["reconcile", "undo", "99", "--yes"], "no bank import batch 99");
}

#[test]
fn match_needs_line() {
    usage(&book(), &["reconcile", "match"], "reconcile match needs a LINE (see reconcile list), or a terminal");
}

// ---- collection ----

#[test]
fn promise_in_past() {
    user(
        &book(),
        &["dun", "promise", "BYD", "--date", "2026-11-01"],
        "--date: 2026-11-01 has passed; a promise is for a day to come",
    );
}

#[test]
fn nothing_overdue() {
    user(&book(), &["dun", "promise", "XM", "--date", "2026-12-01"], "XM has nothing overdue; give --amount");
}

#[test]
fn log_in_future() {
    user(
        &book(),
        &["dun", "log", "BYD", "--step", "1", "--channel", "phone", "--date", "2026-12-01"],
        "--date: 2026-12-01 is in the future; log what was done",
    );
}

#[test]
fn step_not_on_ladder() {
    user(
        &book(),
        &["dun", "log", "BYD", "--step", "99", "--channel", "phone"],
        "--step: level 99 is not on the ladder (0 to ",
    );
}

#[test]
fn level_not_on_ladder() {
    user(&book(), &["dun", "letter", "BYD", "--level", "99"], "--level: 99 is not on the ladder (0 to ");
}

#[test]
fn letter_format() {
    clap_refused(&book(), &["dun", "letter", "BYD", "--format", "csv"], "csv", "txt, md, html, eml, json");
}

#[test]
fn statement_format() {
    clap_refused(
        &book(),
        &["report", "statement", "BYD", "--from", "2026-01-01", "--to", "2026-11-01", "--format", "eml"],
        "eml",
        "txt, md, html, json",
    );
}

#[test]
fn nothing_to_waive() {
    user(
        &book(),
        &["dun", "waive", "XM", "--reason", "x"],
        "error: no interest is owed as of 2026-11-22; nothing to waive",
    );
}

#[test]
fn waive_too_much() {
    // BYD-2026-01 (1,000.00, due 2026-10-01) was paid in full on
    // 2026-11-01: 31 days late at 0.05 % earned 15.50, owed after payment.
    user(
        &book(),
        &["dun", "waive", "BYD", "--invoice", "BYD-2026-01", "--amount", "100", "--reason", "x"],
        "error: cannot waive 100.00: only 15.50 of interest is owed on BYD-2026-01 as of 2026-11-22",
    );
}

#[test]
fn empty_text() {
    user(&book(), &["dun", "waive", "BYD", "--reason", "  "], "error: --reason cannot be empty");
}

#[test]
fn from_for_interest_rate_only() {
    usage(
        &book(),
        &["config", "set", "grace_days", "3", "--from", "2026-12-01"],
        "error: --from is for interest_rate only, not grace_days",
    );
}

#[test]
fn unknown_setting() {
    usage(&book(), &["config", "set", "nope", "1"], "unknown setting 'nope' (company, ");
}

#[test]
fn bad_setting_days() {
    user(&book(), &["config", "set", "grace_days", "abc"], "grace_days: 'abc' is not a number of days");
}

// ---- month-end ----

#[test]
fn period_not_ended() {
    user(
        &book(),
        &["close", "2026-11"],
        "2026-11 has not ended yet (it runs to 2026-11-30); close it from 2026-12-01 on",
    );
}

#[test]
fn period_already_closed() {
    let env = book();
    env.ok(&["close", "2026-10"]);
    user(&env, &["close", "2026-10"], "2026-10 is already closed (the book is closed through 2026-10-31)");
}

#[test]
fn closed_period() {
    let env = book();
    env.ok(&["close", "2026-10"]);
    user(
        &env,
        &["invoice", "add", "C-1", "BYD", "10", "--date", "2026-10-05"],
        "2026-10-05 is in a closed period (the book is closed through 2026-10-31); \
         to change it, reopen with huikuan close --reopen 2026-10",
    );
}

#[test]
fn reopen_not_latest() {
    let env = book();
    env.ok(&["close", "2026-09"]);
    env.ok(&["close", "2026-10"]);
    user(
        &env,
        &["close", "--reopen", "2026-09", "--reason", "x"],
        "only the latest closed month can be reopened (2026-10)",
    );
}

// ---- the book itself ----

#[test]
fn not_a_book() {
    let env = TestEnv::new();
    env.write_file("junk.sqlite", "this is not a database, just text\n".repeat(200));
    let (code, err) = env.fail(&["--db", "junk.sqlite", "customer", "list"]);
    assert_eq!(code, 1);
    assert_one_error_line(&err, "junk.sqlite is not a huikuan book (not an SQLite database)");
    let after = std::fs::read_to_string(env.path().join("junk.sqlite")).expect("still there");
    assert_eq!(after, "this is not a database, just text\n".repeat(200), "the file was changed");
}

#[test]
fn newer_schema() {
    let env = book();
    env.connect().pragma_update(None, "user_version", 999).expect("set user_version");
    user(&env, &["customer", "list"], "the book was written by a newer huikuan (schema 999; this build knows up to ");
}

#[test]
fn upgrade_failed() {
    // A book of schema 1 with a table of its own where upgrade 5 puts `closes`.
    let env = TestEnv::new();
    std::fs::copy(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/books/v1.sqlite"), &env.db).expect("copy");
    env.connect().execute_batch("CREATE TABLE closes (month TEXT)").expect("a table in the way");
    user(&env, &["customer", "list"], "cannot upgrade the book from schema 1 to ");
}

#[test]
fn cannot_create() {
    let env = TestEnv::new();
    env.write_file("plain-file", "x");
    let (code, err) = env.fail(&["--db", "plain-file/book.sqlite", "customer", "list"]);
    assert_eq!(code, 1);
    assert_one_error_line(&err, "cannot create the book at plain-file/book.sqlite: ");
}

#[test]
fn book_exists() {
    let env = book();
    let shown = env.db.display().to_string();
    user(&env, &["init", "--company", "X"], &format!("a book already exists at {shown}"));
}

#[test]
fn bad_currency() {
    let env = TestEnv::new();
    let (code, err) = env.fail(&["init", "--currency", "yuan"]);
    assert_eq!(code, 1);
    assert_one_error_line(&err, "--currency: 'yuan' is not a three-letter currency code such as CNY");
    assert!(!env.db.exists(), "a refused init leaves no book behind");
}

#[test]
fn backup_exists() {
    let env = book();
    env.write_file("copy.sqlite", "mine");
    user(&env, &["backup", "copy.sqlite"], "copy.sqlite exists; a backup never overwrites a file");
    assert_eq!(std::fs::read_to_string(env.path().join("copy.sqlite")).unwrap(), "mine");
}

// ---- the catalogue and the tests cannot drift ----

#[test]
fn every_catalogue_entry_has_its_test() {
    let doc = include_str!("../../docs/errors.md");
    let src = include_str!("errors_catalogue.rs");
    let entries: Vec<String> =
        doc.lines().filter_map(|l| l.strip_prefix("### ")).map(|h| h.trim().replace('-', "_")).collect();
    assert!(entries.len() >= 40, "the catalogue has only {} entries", entries.len());
    let unique: BTreeSet<&String> = entries.iter().collect();
    assert_eq!(unique.len(), entries.len(), "an entry heading appears twice");
    let tests: BTreeSet<String> = src
        .lines()
        .filter_map(|l| l.trim().strip_prefix("fn "))
        .filter_map(|l| l.split('(').next())
        .map(str::to_string)
        .collect();
    let missing: Vec<&String> = entries.iter().filter(|e| !tests.contains(*e)).collect();
    assert!(missing.is_empty(), "catalogue entries without a test: {missing:?}");
    // And every entry shows its message as printed.
    for block in doc.split("\n### ").skip(1) {
        assert!(block.contains("`error: "), "entry without its message: {}", block.lines().next().unwrap_or(""));
    }
}

// ---- the hostile input corpus: tests/fixtures/bad/ ----

/// Copy `tests/fixtures/bad/<name>` into the temp dir as plain `<name>`.
fn bad_fixture(env: &TestEnv, name: &str) -> String {
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bad").join(name);
    env.write_file(name, std::fs::read(&src).expect("fixture"));
    name.to_string()
}

const IMPORTERS: [&str; 4] = ["customer", "invoice", "pay", "reconcile"];

/// Feed `file` (already in the temp dir) to `<what> import`: it must fail with
/// exit 1, only `error: ` lines (the first containing `expected`), no panic,
/// and leave the book exactly as it was.
fn import_refused(env: &TestEnv, what: &str, file: &str, expected: &str) {
    let before = env.book_fingerprint();
    let (code, err) = env.fail(&[what, "import", file]);
    assert_eq!(code, 1, "{what} import {file}: {err}");
    assert!(!err.is_empty() && err.lines().all(|l| l.starts_with("error: ")), "{what} import {file}:\n{err}");
    assert!(err.lines().next().unwrap().contains(expected), "{what} import {file}: expected {expected:?} in\n{err}");
    assert_eq!(env.book_fingerprint(), before, "{what} import {file} changed the book");
}

/// A bad fixture refused by each importer with the text given for it.
fn corpus(name: &str, expect: [&str; 4]) {
    let env = book();
    let file = bad_fixture(&env, name);
    for (what, expected) in IMPORTERS.iter().zip(expect) {
        import_refused(&env, what, &file, expected);
    }
}

#[test]
fn binary_junk_is_refused_by_every_importer() {
    let t = "the file is binary, not text (NUL byte at offset";
    corpus("junk.bin", [t, t, t, "the file is binary data, not a statement"]);
}

#[test]
fn truncated_xlsx_is_refused_by_every_importer() {
    let t = "truncated.xlsx: cannot read the XLSX workbook";
    corpus("truncated.xlsx", [t, t, t, t]);
}

#[test]
fn utf16_text_is_refused_by_every_importer() {
    let t = "the file is binary, not text";
    corpus("utf16-customers.csv", [t, t, t, "no known header; pass --profile"]);
}

#[test]
fn latin1_where_gbk_is_expected_is_refused() {
    let t = "the file is neither UTF-8 nor GBK text";
    corpus("latin1-customers.csv", [t, t, t, "no known header; pass --profile"]);
}

#[test]
fn a_nul_in_a_csv_is_refused() {
    let t = "nul-invoices.csv: the file is binary, not text (NUL byte at offset 55)";
    corpus("nul-invoices.csv", [t, t, t, "the file is binary data, not a statement"]);
}

#[test]
fn an_empty_file_is_refused_by_every_importer() {
    let t = "empty.csv: the file is empty";
    corpus("empty.csv", [t, t, t, t]);
}

#[test]
fn a_quote_left_open_is_refused_not_glued_into_one_name() {
    let env = book();
    let file = bad_fixture(&env, "open-quote-customers.csv");
    import_refused(
        &env,
        "customer",
        &file,
        "open-quote-customers.csv:2: malformed CSV: a quoted field is never closed",
    );
    assert_eq!(env.fail(&["customer", "show", "Q2"]).0, 1, "no customer Q2");
}

#[test]
fn huge_and_negative_amounts_are_refused_row_by_row() {
    let env = book();
    let file = bad_fixture(&env, "amounts-invoices.csv");
    refused_rows(
        &env,
        &["invoice", "import", &file],
        &file,
        &[(2, "amount '99999999999999999999999' is too large"), (3, "amount '-100.00' must be greater than zero")],
    );
    let file = bad_fixture(&env, "amounts-payments.csv");
    refused_rows(
        &env,
        &["pay", "import", &file],
        &file,
        &[(2, "amount: '1e308' is not an amount"), (3, "amount '-5' must be greater than zero")],
    );
    let file = bad_fixture(&env, "amounts-statement.csv");
    import_refused(&env, "reconcile", &file, "amounts-statement.csv:2: '+99999999999999999999.00' is not an amount");
}

#[test]
fn impossible_dates_are_refused_by_every_importer() {
    let env = book();
    let file = bad_fixture(&env, "dates-invoices.csv");
    refused_rows(&env, &["invoice", "import", &file], &file, &[(2, "issue_date: '2026-02-30' is not a valid date")]);
    let file = bad_fixture(&env, "dates-payments.csv");
    refused_rows(&env, &["pay", "import", &file], &file, &[(2, "date: '2026-02-30' is not a valid date")]);
    let file = bad_fixture(&env, "dates-statement.csv");
    import_refused(&env, "reconcile", &file, "dates-statement.csv:2: '2026-02-30' is not a date");
}

#[test]
fn a_header_only_file_imports_nothing_or_says_so() {
    let env = book();
    let before = env.book_fingerprint();
    let file = bad_fixture(&env, "header-only-customers.csv");
    let note = env.ok_note(&["customer", "import", &file]);
    assert!(note.contains("imported 0 customers"), "{note}");
    assert_eq!(env.book_fingerprint(), before, "nothing to import, nothing written");
    let file = bad_fixture(&env, "header-only-statement.csv");
    import_refused(&env, "reconcile", &file, "header-only-statement.csv: no transactions found");
}

#[test]
fn sql_looking_names_are_stored_verbatim() {
    let env = book();
    let file = bad_fixture(&env, "sql-customers.csv");
    env.ok(&["customer", "import", &file]);
    let shown = env.json(&["customer", "show", "SQL"]);
    assert_eq!(shown["name"], "'; DROP TABLE customers; --", "{shown}");
    let n: i64 = env.connect().query_row("SELECT count(*) FROM customers", [], |r| r.get(0)).expect("customers table");
    assert_eq!(n, 3, "BYD, XM and SQL");
    for what in ["invoice", "pay", "reconcile"] {
        import_refused(&env, what, &file, if what == "reconcile" { "no known header" } else { "missing column" });
    }
}

#[test]
fn formula_names_are_stored_as_is_and_neutralised_in_csv() {
    let env = book();
    let file = bad_fixture(&env, "formula-customers.csv");
    env.ok(&["customer", "import", &file]);
    let formula = r#"=HYPERLINK("http://evil.example/x","click me")"#;
    assert_eq!(env.json(&["customer", "show", "FX"])["name"], formula);
    let csv = env.ok(&["customer", "list", "--format", "csv"]);
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let names: Vec<String> = reader.records().map(|r| r.expect("csv row")[1].to_string()).collect();
    assert!(names.contains(&format!("'{formula}")), "the formula gets a leading apostrophe: {csv}");
    assert!(!names.iter().any(|n| n.starts_with('=')), "no cell starts with '=': {csv}");
}

#[test]
fn a_ten_megabyte_single_line_is_refused_quickly() {
    let env = book();
    let mut line = String::from("date,amount,");
    line.push_str(&"A".repeat(10 * 1024 * 1024));
    env.write_file("huge.csv", &line);
    let started = Instant::now();
    for what in ["invoice", "reconcile"] {
        let before = env.book_fingerprint();
        let out = env.run(&[what, "import", "huge.csv"]);
        assert_no_panic(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{what} import huge.csv");
        assert!(out.stdout.is_empty());
        let err = String::from_utf8(out.stderr).expect("UTF-8");
        assert!(!err.is_empty() && err.lines().all(|l| l.starts_with("error: huge.csv")), "{what}: {err}");
        assert!(err.len() < 2000, "the message does not echo the 10 MB line: {} bytes", err.len());
        assert_eq!(env.book_fingerprint(), before, "{what} import huge.csv changed the book");
    }
    // Debug builds take ~10 s in reconcile import (header search); release ~1 s.
    assert!(started.elapsed() < Duration::from_secs(30), "took {:?}", started.elapsed());
}

// ---- terminal safety and typos ----

#[test]
fn invoice_beyond_horizon() {
    let env = book();
    user(
        &env,
        &["invoice", "add", "N-9", "BYD", "100", "--date", "2062-01-05"],
        "--date: 2062-01-05 is more than 5 years after today (2026-11-22); check the date, or raise the setting \
         horizon_years (huikuan config set horizon_years 10)",
    );
    env.write_file("far.csv", "number,customer,issue_date,amount\nF-1,BYD,2026-11-01,100\nF-2,BYD,2032-01-01,100\n");
    refused_rows(
        &env,
        &["invoice", "import", "far.csv"],
        "far.csv",
        &[(3, "issue_date: 2032-01-01 is more than 5 years after today (2026-11-22)")],
    );
    env.ok(&["config", "set", "horizon_years", "10"]);
    env.ok(&["invoice", "add", "N-9", "BYD", "100", "--date", "2032-01-01", "--force"]);
}

#[test]
fn bad_horizon_years() {
    let env = book();
    for bad in ["0", "101", "five"] {
        user(
            &env,
            &["config", "set", "horizon_years", bad],
            &format!("horizon_years: '{bad}' is not a number of years from 1 to 100"),
        );
    }
}

#[test]
fn invisible_in_code() {
    let env = book();
    for (code, shown) in [("\u{feff}HY", r"\u{feff}HY"), ("H\u{200b}Y", r"H\u{200b}Y"), ("HY\u{2060}", r"HY\u{2060}")] {
        let u = format!("U+{:04X}", code.chars().find(|c| !c.is_ascii_alphanumeric()).unwrap() as u32);
        user(
            &env,
            &["customer", "add", code, "Foo"],
            &format!("customer code '{shown}' contains an invisible character ({u}); type the code again without it"),
        );
    }
    env.write_file("bom.csv", "code,name\nOK,Fine Ltd.\n\u{200d}ZW,Joiner Ltd.\n");
    refused_rows(
        &env,
        &["customer", "import", "bom.csv"],
        "bom.csv",
        &[(3, r"customer code '\u{200d}ZW' contains an invisible character (U+200D)")],
    );
}

// ---- the book file: identity and first use ----

#[test]
fn no_book() {
    let env = TestEnv::new();
    let (code, err) = env.fail(&["--db", "nowhere/book.sqlite", "customer", "list"]);
    assert_eq!(code, 1);
    assert_one_error_line(&err, "no book at nowhere/book.sqlite; create one with huikuan init, or give your book with");
    assert!(!env.path().join("nowhere").exists());
}

/// Refused with one line containing `expected`; the file keeps its bytes.
fn refused_file(env: &TestEnv, name: &str, expected: &str) {
    let before = std::fs::read(env.path().join(name)).ok();
    let (code, err) = env.fail(&["--db", name, "customer", "add", "HW", "华为"]);
    assert_eq!(code, 1);
    assert_one_error_line(&err, expected);
    assert_eq!(std::fs::read(env.path().join(name)).ok(), before, "{name} was changed");
}

#[test]
fn foreign_database() {
    let env = TestEnv::new();
    let conn = rusqlite::Connection::open(env.path().join("other.db")).expect("create");
    conn.execute_batch("PRAGMA application_id = 42; CREATE TABLE t (x);").expect("fill");
    drop(conn);
    refused_file(
        &env,
        "other.db",
        "other.db is not a huikuan book: it is an SQLite database of another program (application_id 0x0000002a)",
    );
}

#[test]
fn empty_database() {
    let env = TestEnv::new();
    rusqlite::Connection::open(env.path().join("blank.db")).expect("create").execute_batch("VACUUM").expect("vacuum");
    refused_file(&env, "blank.db", "blank.db is an empty SQLite database that huikuan did not make (no tables)");
}

#[test]
fn empty_file() {
    let env = TestEnv::new();
    env.write_file("zero.sqlite", "");
    refused_file(&env, "zero.sqlite", "zero.sqlite is an empty file that huikuan did not create");
}

#[test]
fn not_a_file() {
    let env = TestEnv::new();
    std::fs::create_dir(env.path().join("folder")).expect("mkdir");
    refused_file(&env, "folder", "folder is a folder, not a book file; give the book's file with --db");
}

#[test]
fn not_a_file_name() {
    let env = TestEnv::new();
    refused_file(&env, ":memory:", "':memory:' names no file: huikuan keeps the book in a file");
}

#[cfg(unix)]
#[test]
fn dangling_link() {
    let env = TestEnv::new();
    std::os::unix::fs::symlink("moved.sqlite", env.path().join("book-link.sqlite")).expect("link");
    refused_file(&env, "book-link.sqlite", "book-link.sqlite is a symbolic link to moved.sqlite, which does not exist");
    assert!(!env.path().join("moved.sqlite").exists());
}

/// Whether this process is refused writing where the permissions say so
/// (root is not: the cases below then test nothing).
#[cfg(unix)]
fn permissions_bind(dir: &std::path::Path) -> bool {
    let probe = dir.join("probe");
    let bound = std::fs::write(&probe, "x").is_err();
    let _ = std::fs::remove_file(&probe);
    if !bound {
        eprintln!("running as root: permissions are not enforced, the case is not exercised");
    }
    bound
}

#[cfg(unix)]
#[test]
fn read_only_folder() {
    use std::os::unix::fs::PermissionsExt;
    let env = TestEnv::new();
    let ro = env.path().join("ro");
    std::fs::create_dir(&ro).expect("mkdir");
    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o555)).expect("chmod");
    if permissions_bind(&ro) {
        refused_file(&env, "ro/book.sqlite", "the folder ro is read-only: huikuan writes beside the book");
    }
    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o755)).expect("chmod");
}

#[cfg(unix)]
#[test]
fn cannot_open() {
    use std::os::unix::fs::PermissionsExt;
    let env = book();
    std::fs::set_permissions(&env.db, std::fs::Permissions::from_mode(0o000)).expect("chmod");
    // Root reads it all the same: the case is then not exercised.
    if std::fs::read(&env.db).is_err() {
        let (code, err) = env.fail(&["customer", "list"]);
        assert_eq!(code, 1);
        assert_one_error_line(&err, &format!("cannot open the book at {}: ", env.db.display()));
    }
    std::fs::set_permissions(&env.db, std::fs::Permissions::from_mode(0o600)).expect("chmod");
}

// ---- backup ----

#[test]
fn backup_cannot_write() {
    let env = book();
    env.write_file("afile", "mine");
    let before = env.book_fingerprint();
    user(&env, &["backup", "afile/copy.sqlite"], "cannot write the backup afile/copy.sqlite: afile is not a folder");
    assert_eq!(std::fs::read_to_string(env.path().join("afile")).unwrap(), "mine");
    assert_eq!(env.book_fingerprint(), before);
}

// ---- input files (every import) ----

#[test]
fn input_not_a_file() {
    let env = book();
    user(&env, &["invoice", "import", "/dev/zero"], "error: /dev/zero: is a device, not a regular file");
    user(&env, &["reconcile", "import", "."], "error: .: is a directory, not a regular file; give the path of a file");
}

#[test]
fn input_too_large() {
    let env = book();
    env.ok(&["config", "set", "max_input_mb", "1"]);
    env.write_file("big.csv", "code,name\n".repeat(200_000));
    user(
        &env,
        &["customer", "import", "big.csv"],
        "error: big.csv: the file is larger than the input limit of 1 MB; split it, or raise the limit with `huikuan \
         config set max_input_mb N`",
    );
}

#[test]
fn workbook_too_large() {
    let env = book();
    let file = bad_fixture(&env, "huge-dimension.xlsx");
    user(
        &env,
        &["reconcile", "import", &file],
        "error: huge-dimension.xlsx: the XLSX workbook is too large to read safely: a sheet declares 17179869184 cells",
    );
}

#[test]
fn bad_max_input_mb() {
    let env = book();
    for bad in ["0", "lots", "2000000"] {
        user(
            &env,
            &["config", "set", "max_input_mb", bad],
            &format!("error: max_input_mb: '{bad}' is not a number of MB from 1 to 1048576"),
        );
    }
}

// ---- VAT facts and the VAT e-invoice list ----

const VAT_LIST_HEADER: &str = "发票号码,购买方名称,开票日期,金额,税率,税额,价税合计,发票状态,是否正数发票\n";

/// A VAT list of the rows given (after the header) refused at the lines given.
fn vat_list_refused(rows: &str, bad: &[(u64, &str)]) {
    let env = book();
    env.write_file("list.csv", format!("{VAT_LIST_HEADER}{rows}"));
    refused_rows(&env, &["invoice", "import", "list.csv"], "list.csv", bad);
}

#[test]
fn vat_net_tax_mismatch() {
    let env = book();
    user(
        &env,
        &["invoice", "add", "V-1", "XM", "11300", "--net", "10000", "--tax", "1200"],
        "error: net 10,000.00 + tax 1,200.00 = 11,200.00, not the amount 11,300.00 (价税合计, tax included); correct \
         the figure that is wrong",
    );
    vat_list_refused(
        "V-1,小米科技有限责任公司,2026-10-08,100.00,13%,13.00,114.00,正常,是\n",
        &[(2, "net 100.00 + tax 13.00 = 113.00, not the amount 114.00")],
    );
}

#[test]
fn vat_part_over_amount() {
    let env = book();
    user(
        &env,
        &["invoice", "add", "V-1", "XM", "100", "--net", "113"],
        "error: net 113.00 is more than the amount 100.00 (价税合计, tax included)",
    );
    user(
        &env,
        &["invoice", "add", "V-1", "XM", "100", "--tax", "113"],
        "error: tax 113.00 is more than the amount 100.00",
    );
}

#[test]
fn bad_tax_rate() {
    let env = book();
    user(
        &env,
        &["invoice", "add", "V-1", "XM", "100", "--tax-rate", "thirteen"],
        "error: --tax-rate: 'thirteen' is not a tax rate (e.g. 13%, 0.13, 免税 or 不征税)",
    );
    user(&env, &["invoice", "add", "V-1", "XM", "100", "--tax-rate", "130%"], "'130%' is not a tax rate");
}

#[test]
fn ambiguous_tax_rate() {
    let env = book();
    user(
        &env,
        &["invoice", "add", "V-1", "XM", "100", "--tax-rate", "0.2"],
        "error: --tax-rate: tax rate '0.2' is ambiguous: write 20% or 0.2%",
    );
}

#[test]
fn invoice_fact_too_long() {
    let env = book();
    let long = "H".repeat(65);
    user(
        &env,
        &["invoice", "add", "V-1", "XM", "100", "--contract", &long],
        &format!("error: contract '{long}' must be 1 to 64 printable characters"),
    );
    user(
        &env,
        &["customer", "add", "LONG", "Long Ltd", "--salesperson", &long],
        &format!("error: salesperson '{long}' must be 1 to 64 printable characters"),
    );
}

#[test]
fn vat_list_no_number_column() {
    let env = book();
    env.write_file("list.csv", "购买方名称,开票日期,价税合计\n小米科技有限责任公司,2026-10-08,113\n");
    user(
        &env,
        &["invoice", "import", "list.csv"],
        "error: list.csv:1: missing column '发票号码' (or '数电票号码') in the header row",
    );
}

#[test]
fn vat_list_no_number() {
    vat_list_refused(
        ",小米科技有限责任公司,2026-10-08,100.00,13%,13.00,113.00,正常,是\n",
        &[(2, "neither 数电票号码 nor 发票号码 is given")],
    );
}

#[test]
fn vat_list_red_letter() {
    vat_list_refused(
        "V-1,小米科技有限责任公司,2026-10-08,-100.00,13%,-13.00,-113.00,正常,否\n\
         V-2,小米科技有限责任公司,2026-10-08,100.00,13%,13.00,113.00,正常,否\n",
        &[
            (
                2,
                "invoice V-1 is a red-letter invoice (红冲, -113.00): it is not a receivable; remove the row and void \
                 or correct the invoice it reverses (huikuan invoice void)",
            ),
            (3, "invoice V-2 is a red-letter invoice (红冲, 113.00)"),
        ],
    );
}

#[test]
fn vat_list_reversed() {
    vat_list_refused(
        "V-1,小米科技有限责任公司,2026-10-08,100.00,13%,13.00,113.00,部分红冲,是\n",
        &[(
            2,
            "invoice V-1 is marked '部分红冲': it was reversed (红冲) in part or in whole, so what is owed is not its \
             价税合计; remove the row and record what is owed by hand",
        )],
    );
}

#[test]
fn vat_list_unknown_status() {
    vat_list_refused(
        "V-1,小米科技有限责任公司,2026-10-08,100.00,13%,13.00,113.00,失控,是\n",
        &[(2, "invoice V-1: unknown 发票状态 '失控' (expected 正常, 作废 or 红冲); check the invoice")],
    );
}

#[test]
fn vat_list_unknown_buyer() {
    vat_list_refused(
        "V-1,小米科技有限责任公司,2026-10-08,100.00,13%,13.00,113.00,正常,是\n\
         V-2,大米科技有限公司,2026-10-08,100.00,13%,13.00,113.00,正常,是\n",
        &[(
            3,
            "unknown buyer '大米科技有限公司': no customer has this name or alias (add the customer, or the name as \
             an alias: huikuan customer alias add CODE \"大米科技有限公司\")",
        )],
    );
}

#[test]
fn vat_list_ambiguous_buyer() {
    let env = book();
    env.ok(&["customer", "add", "BYD2", "比亚迪有限公司"]);
    env.write_file("list.csv", format!("{VAT_LIST_HEADER}V-1,比亚迪,2026-10-08,100.00,13%,13.00,113.00,正常,是\n"));
    refused_rows(
        &env,
        &["invoice", "import", "list.csv"],
        "list.csv",
        &[(2, "buyer '比亚迪' is the name or alias of several customers (BYD, BYD2); keep it on one")],
    );
}

#[test]
fn vat_list_rows_disagree() {
    vat_list_refused(
        "V-1,小米科技有限责任公司,2026-10-08 10:00:00,100.00,13%,13.00,113.00,正常,是\n\
         V-1,比亚迪股份有限公司,2026-10-08 10:00:00,100.00,13%,13.00,113.00,正常,是\n\
         V-1,小米科技有限责任公司,2026-10-09 10:00:00,100.00,13%,13.00,113.00,正常,是\n",
        &[
            (3, "invoice V-1: the buyer (购买方名称) differs from line 2 (the rows of one invoice must agree)"),
            (4, "invoice V-1: the date (开票日期) differs from line 2"),
        ],
    );
}

#[test]
fn vat_list_invoice_too_large() {
    vat_list_refused(
        "V-1,小米科技有限责任公司,2026-10-08,,,,\"900,000,000,000.00\",正常,是\n\
         V-1,小米科技有限责任公司,2026-10-08,,,,\"900,000,000,000.00\",正常,是\n",
        &[(3, "invoice V-1 adds up to more than 1,000,000,000,000.00")],
    );
}

// ---- payers ----

#[test]
fn alias_taken() {
    let env = book();
    user(
        &env,
        &["customer", "alias", "add", "BYD", "小米科技"],
        "alias '小米科技' belongs to customer XM (小米科技有限责任公司)",
    );
    user(
        &env,
        &["customer", "add", "XM2", "小米通讯技术有限公司", "--alias", "小米科技　有限公司"],
        "alias '小米科技　有限公司' belongs to customer XM (小米科技有限责任公司)",
    );
}

#[test]
fn learn_taken() {
    let env = book();
    env.write_file(
        "s.csv",
        "交易日期,收入金额,支出金额,余额,对方户名,对方账号,摘要\n2026-11-05,800.00,,800.00,小米科技有限责任公司,,BYD 货款\n",
    );
    env.ok(&["-q", "reconcile", "import", "s.csv"]);
    let id = env.json(&["reconcile", "list"])[0]["id"].as_i64().unwrap().to_string();
    user(
        &env,
        &["reconcile", "match", &id, "--customer", "BYD", "--learn"],
        &format!(
            "alias '小米科技有限责任公司' belongs to customer XM (小米科技有限责任公司); line {id} was not matched: one customer may pay for another, so match it without --learn"
        ),
    );
}

// ---- bank statements: headers and directions ----

#[test]
fn statement_no_header_near() {
    let env = book();
    env.write_file("s.csv", "对账单\n日期,说明,对方户名\n2026-11-03,货款,甲\n");
    user(
        &env,
        &["reconcile", "import", "s.csv"],
        "error: s.csv: no known header; pass --profile (the closest is line 2, which has no amount column)",
    );
}

#[test]
fn statement_bad_direction() {
    let env = book();
    env.write_file(
        "s.csv",
        "交易日期,交易金额,借贷标志,摘要\n2026-11-03,100.00,贷,货款\n2026-11-04,5.00,冲正,手续费\n",
    );
    user(
        &env,
        &["reconcile", "import", "s.csv", "--auto"],
        "error: s.csv:3: '冲正' is not a known direction (profile 'generic-direction' knows 贷 贷方",
    );
}

// ---- imports: re-imports, columns, workbooks ----

#[test]
fn import_other_content() {
    let env = book();
    env.write_file("i.csv", "number,customer,issue_date,amount\nBYD-2026-01,BYD,2026-09-01,999\n");
    refused_rows(
        &env,
        &["invoice", "import", "i.csv"],
        "i.csv",
        &[(2, "invoice 'BYD-2026-01' is already in the book with other content; remove the row, or give the invoice")],
    );
    env.write_file("c.csv", "code,name\nXM,Xiaomi\n");
    refused_rows(
        &env,
        &["customer", "import", "c.csv"],
        "c.csv",
        &[(2, "customer 'XM' is already in the book with other content; remove the row, or give the customer")],
    );
}

#[test]
fn import_unknown_column() {
    let env = book();
    env.write_file("c.csv", "code,name,region\nNEW,New Co.,华南\n");
    user(
        &env,
        &["customer", "import", "c.csv"],
        "error: c.csv:1: unknown column(s) 'region' in a customer file; the columns are code, name, terms_days, \
         credit_limit, credit_score, email, phone, aliases, accounts, contacts, salesperson, lang",
    );
}

#[test]
fn import_bad_contact() {
    let env = book();
    env.write_file("c.csv", "code,name,contacts\nNEW,New Co.,boss:王芳\n");
    refused_rows(
        &env,
        &["customer", "import", "c.csv"],
        "c.csv",
        &[(2, "contacts: 'boss:王芳' should be ROLE:NAME[:PHONE[:EMAIL]] with ROLE decision, acceptance or payer")],
    );
}

#[test]
fn import_no_sheet() {
    let env = book();
    env.write_file("p.xlsx", crate::imports::xlsx(&[("Notes", &[&["Payments of November"], &["see below"]])]));
    user(
        &env,
        &["pay", "import", "p.xlsx"],
        "error: p.xlsx: no sheet of the workbook starts with a header row naming its columns (date, customer, \
         amount, method, reference, invoice)",
    );
}

#[test]
fn import_imprecise_number() {
    let env = book();
    // Two 数电票号码 typed as numbers: both read 26442000000000000000.
    let list: &[&[&str]] = &[
        &["数电票号码", "购买方名称", "开票日期", "价税合计"],
        &["n:26442000000000000001", "比亚迪股份有限公司", "2026-10-08", "n:113"],
        &["n:26442000000000000002", "比亚迪股份有限公司", "2026-10-08", "n:226"],
    ];
    env.write_file("list.xlsx", crate::imports::xlsx(&[("发票", list)]));
    user(
        &env,
        &["invoice", "import", "list.xlsx"],
        "error: list.xlsx:2: cell A2 holds the number 26442000000000000000, more digits than a spreadsheet number \
         keeps (15): its last digits are lost; format the column as text, type the numbers again, or import the CSV \
         the system exported",
    );
    // A statement workbook too: two payers' card numbers stored as numbers
    // read the same (6222020200112233000), below the header; above it, in
    // the statement's title rows, such a number is let be.
    let statement: &[&[&str]] = &[
        &["账号", "n:6222020200112233445"],
        &["记账日期", "货币", "交易金额", "联机余额", "交易摘要", "对手信息", "客户摘要"],
        &["2026-10-09", "CNY", "n:113", "n:113", "转账", "比亚迪股份有限公司", "n:6222020200112233445"],
        &["2026-10-09", "CNY", "n:226", "n:339", "转账", "比亚迪股份有限公司", "n:6222020200112233446"],
    ];
    env.write_file("s.xlsx", crate::imports::xlsx(&[("流水", statement)]));
    user(
        &env,
        &["reconcile", "import", "s.xlsx"],
        "error: s.xlsx:3: cell G3 holds the number 6222020200112233000, more digits than a spreadsheet number keeps \
         (15): its last digits are lost; format the column as text, type the numbers again, or import the CSV the \
         system exported",
    );
}

/// The catalogue's book with BYD's October slip written out (sent 2026-11-22).
fn october_slip_sent() -> TestEnv {
    let env = book();
    env.ok(&["report", "statement", "BYD", "--from", "2026-10-01", "--to", "2026-10-31", "--out", "st"]);
    env
}

#[test]
fn confirm_not_sent() {
    user(
        &book(),
        &["customer", "confirm", "BYD", "--period", "2026-10", "--agreed"],
        "no confirmation was sent to BYD for 2026-10; write its statement to the month's last day with --out first",
    );
}

#[test]
fn confirm_differs_agrees() {
    user(
        &october_slip_sent(),
        &["customer", "confirm", "BYD", "--period", "2026-10", "--differs", "9000"],
        "--differs 9,000.00 is the balance the slip stated; record the reply with --agreed",
    );
}

#[test]
fn confirm_before_sent() {
    user(
        &october_slip_sent(),
        &["customer", "confirm", "BYD", "--period", "2026-10", "--agreed", "--date", "2026-11-02"],
        "--date 2026-11-02 is before the slip was sent (2026-11-22); give the day the reply came back",
    );
}

#[test]
fn confirm_after_today() {
    user(
        &october_slip_sent(),
        &["customer", "confirm", "BYD", "--period", "2026-10", "--agreed", "--date", "2026-11-23"],
        "--date 2026-11-23 is after today (2026-11-22); record a reply once it has come back",
    );
}

#[test]
fn document_exists() {
    let env = book();
    env.ok(&["report", "pack", "--period", "2026-10", "--out", "packs"]);
    user(
        &env,
        &["report", "pack", "--period", "2026-10", "--out", "packs"],
        "packs/pack-2026-10.html exists; it is not overwritten (choose another name or remove it)",
    );
}

// ---- letters ----

/// A user's letter template in the sealed config directory.
fn letter_template(env: &TestEnv, text: &str) {
    let dir = env.path().join("home/config/huikuan/templates");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("letter.en.txt"), text).unwrap();
}

#[test]
fn letter_template_placeholder() {
    let env = book();
    letter_template(&env, "Dear {{contact}},\nplease pay {{totl}}.\n");
    user(
        &env,
        &["dun", "letter", "BYD", "--level", "3"],
        "letter.en.txt:2: unknown placeholder {{totl}} in the letter template",
    );
}

#[test]
fn letter_template_unclosed() {
    let env = book();
    letter_template(&env, "Dear {{contact,\n");
    user(
        &env,
        &["dun", "letter", "BYD", "--level", "3"],
        "letter.en.txt:1: '{{' is not closed by '}}' in the letter template",
    );
}

#[test]
fn letter_cc_missing() {
    user(
        &book(),
        &["dun", "letter", "BYD", "--level", "3", "--cc", "decision"],
        "BYD has no decision contact to copy (--cc); add one: huikuan customer edit BYD --contact decision:NAME:PHONE:EMAIL",
    );
}

#[test]
fn letter_file_exists() {
    let env = book();
    env.ok(&["-q", "dun", "letter", "BYD", "--level", "3", "--out", "out"]);
    user(
        &env,
        &["dun", "letter", "BYD", "--level", "3", "--out", "out"],
        "out/2026-11-22-BYD-L3-dunning-letter.txt exists; it is not overwritten (remove it, or give another --out folder)",
    );
}

#[test]
fn bad_smtp_setting() {
    let env = book();
    user(&env, &["config", "set", "smtp_tls", "bogus"], "error: smtp_tls: 'bogus' is not none, starttls or tls");
    user(&env, &["config", "set", "smtp_port", "0"], "error: smtp_port: '0' is not a port number from 1 to 65535");
    user(
        &env,
        &["config", "set", "smtp_from", "应收组 ar@"],
        "error: smtp_from: '应收组 ar@' is not an e-mail address (write NAME <ADDRESS> or ADDRESS)",
    );
    user(
        &env,
        &["config", "set", "smtp_host", "smtp example.com"],
        "error: smtp_host: 'smtp example.com' cannot contain spaces",
    );
}

#[test]
fn letter_no_address() {
    let env = book();
    env.ok(&["config", "set", "company_email", "ar@example.com"]);
    env.ok(&["customer", "edit", "BYD", "--contact", "payer:王芳:13800000000"]);
    user(
        &env,
        &["dun", "letter", "BYD", "--level", "3", "--format", "eml"],
        "王芳 (BYD) has no e-mail address to send the letter to; add it with huikuan customer edit BYD --contact payer:NAME:PHONE:EMAIL",
    );
}

#[test]
fn letter_all_destination() {
    usage(
        &book(),
        &["dun", "letter", "--all"],
        "dun letter --all writes into a folder or e-mails: give --out DIR or --send",
    );
}

#[test]
fn smtp_not_set() {
    user(
        &book(),
        &["dun", "letter", "BYD", "--level", "3", "--send"],
        "e-mail is not set up: set the mail server with huikuan config set smtp_host smtp.example.com",
    );
}

#[test]
fn smtp_refused() {
    let (port, _) = crate::mail::server("wang@example.com");
    let env = book();
    for (k, v) in [("smtp_host", "127.0.0.1"), ("smtp_port", &port.to_string()), ("smtp_tls", "none")] {
        env.ok(&["config", "set", k, v]);
    }
    env.ok(&["config", "set", "company_email", "ar@example.com"]);
    env.ok(&["customer", "edit", "BYD", "--contact", "payer:王芳:13800000000:wang@example.com"]);
    user(
        &env,
        &["dun", "letter", "BYD", "--level", "3", "--send"],
        &format!("the mail server 127.0.0.1:{port} refused the message"),
    );
}

// ---- the general ledger export ----

#[test]
fn journal_format() {
    clap_refused(
        &book(),
        &["export", "journal", "--from", "2026-11-01", "--to", "2026-11-30", "--format", "json"],
        "json",
        "hledger, beancount, csv",
    );
}

#[test]
fn journal_format_elsewhere() {
    clap_refused(&book(), &["report", "aging", "--format", "hledger"], "hledger", "table, csv, json, xlsx, html");
    // Given before the subcommand, the same.
    clap_refused(&book(), &["--format", "beancount", "customer", "list"], "beancount", "table, csv, json, xlsx");
}

#[test]
fn bad_account_setting() {
    user(
        &book(),
        &["config", "set", "account.bank", "assets bank"],
        "account.bank: 'assets bank' is not an account name: no spaces, quotes, backslashes or semicolons",
    );
}

#[test]
fn account_clash() {
    let env = book();
    env.ok(&["customer", "add", "X.1", "Dot Ltd"]);
    env.ok(&["customer", "add", "X-2E1", "Dash Ltd"]);
    user(
        &env,
        &["export", "journal", "--from", "2026-11-01", "--to", "2026-11-30", "--format", "beancount"],
        "customers X-2E1 and X.1 would share the account part X-2E1 in beancount; export this book as csv or hledger instead",
    );
}

// ---- payment plans and cut-off days ----

#[test]
fn plan_sum_differs() {
    user(
        &book(),
        &["invoice", "reschedule", "BYD-2026-02", "--from", "2026-11-22", "--installment", "2026-12-31:7000", "--yes"],
        "the installments add up to 7,000.00, the open balance of BYD-2026-02 is 7,500.00: 500.00 short of it",
    );
}

#[test]
fn plan_due_before_date() {
    user(
        &book(),
        &["invoice", "reschedule", "BYD-2026-02", "--from", "2026-11-22", "--installment", "2026-11-20:7500", "--yes"],
        "a plan installment due on 2026-11-20 is before the plan's date 2026-11-22",
    );
}

#[test]
fn plan_disputed() {
    let env = book();
    env.ok(&["-q", "invoice", "dispute", "BYD-2026-02", "--reason", "short delivery"]);
    user(
        &env,
        &["invoice", "reschedule", "BYD-2026-02", "--from", "2026-11-22", "--split", "3", "--yes"],
        "invoice BYD-2026-02 is in dispute: resolve the dispute (invoice undispute) before a payment plan",
    );
}

#[test]
fn plan_before_last_entry() {
    user(
        &book(),
        &["invoice", "reschedule", "BYD-2026-02", "--from", "2026-11-01", "--split", "3", "--yes"],
        "a payment plan of 2026-11-01 is before invoice BYD-2026-02's last entry of 2026-11-03: date it 2026-11-03 or later",
    );
}

#[test]
fn write_off_before_plan() {
    let env = book();
    env.ok(&["-q", "invoice", "reschedule", "BYD-2026-02", "--from", "2026-11-20", "--split", "3", "--yes"]);
    user(
        &env,
        &["invoice", "write-off", "BYD-2026-02", "--date", "2026-11-10", "--reason", "insolvent", "--yes"],
        "a write-off on 2026-11-10 is before invoice BYD-2026-02's payment plan of 2026-11-20",
    );
}

#[test]
fn bad_cutoff_day() {
    let env = book();
    user(
        &env,
        &["customer", "edit", "BYD", "--cutoff-day", "32"],
        "cut-off day: '32' is not a day of the month (1 to 31)",
    );
    user(&env, &["customer", "edit", "BYD", "--pay-days", "10,0"], "pay days: '0' is not a day of the month (1 to 31)");
}

#[test]
fn pay_days_twice() {
    user(
        &book(),
        &["customer", "edit", "BYD", "--pay-days", "25,10,25"],
        "pay days: day 25 is given twice in '25,10,25'",
    );
}

#[test]
fn bad_overdue_reason() {
    let env = book();
    user(
        &env,
        &["dun", "log", "BYD", "--step", "2", "--channel", "phone", "--reason", "no money"],
        "--reason: 'no money' is not an overdue reason (cash-flow, quality, documents, internal, wilful, other)",
    );
    user(
        &env,
        &["invoice", "dispute", "BYD-2026-02", "--cause", "broken"],
        "--cause: 'broken' is not an overdue reason",
    );
}

#[test]
fn unknown_salesperson() {
    let env = book();
    for cmd in [&["customer", "list"][..], &["invoice", "list"], &["dun", "list"], &["report", "aging"]] {
        let mut args = cmd.to_vec();
        args.extend(["--salesperson", "张三"]);
        user(&env, &args, "no customer or invoice has salesperson '张三' (see: huikuan customer list)");
    }
}

#[test]
fn aging_page_options() {
    let page = "--format html is the month-end page, the plain aging: not with --by invoice, --buckets, --detail, \
                --customer, --salesperson or --by-salesperson";
    usage(&book(), &["report", "aging", "--by-salesperson", "--format", "html"], page);
    usage(&book(), &["report", "aging", "--detail", "--format", "html"], page);
    usage(&book(), &["report", "aging", "--customer", "BYD", "--format", "html"], page);
}

#[test]
fn man_page_exists() {
    let env = book();
    std::fs::create_dir(env.path().join("man1")).unwrap();
    std::fs::write(env.path().join("man1/huikuan.1"), "an older page").unwrap();
    user(
        &env,
        &["man", "--dir", "man1"],
        "man1/huikuan.1 exists; no page was written (remove the old pages or choose another folder)",
    );
    assert_eq!(std::fs::read_to_string(env.path().join("man1/huikuan.1")).unwrap(), "an older page");
    assert_eq!(std::fs::read_dir(env.path().join("man1")).unwrap().count(), 1, "nothing else was written");
}

#[test]
fn bom_not_csv() {
    usage(&book(), &["customer", "list", "--bom"], "--bom is for --format csv (it marks the file as UTF-8 for Excel)");
}

#[test]
fn xlsx_to_a_terminal() {
    let (code, shown) = crate::xlsx::on_terminal(&book(), &["customer", "list", "--format", "xlsx"]);
    assert_eq!(code, Some(2));
    assert!(shown.contains("error: xlsx is a binary file: give --out FILE or redirect stdout to a file"), "{shown}");
}

#[test]
fn out_without_xlsx() {
    let env = book();
    usage(
        &env,
        &["report", "aging", "--format", "csv", "--out", "a.csv"],
        "--out is for --format xlsx; --format csv goes to stdout (redirect it with >)",
    );
    assert!(!env.path().join("a.csv").exists(), "nothing was written");
}

#[test]
fn xlsx_not_a_list() {
    clap_refused(&book(), &["invoice", "show", "BYD-2026-01", "--format", "xlsx"], "xlsx", "table, csv, json");
    clap_refused(&book(), &["config", "--format", "xlsx"], "xlsx", "table, csv, json");
}

#[test]
fn takes_no_format() {
    let env = book();
    usage(
        &env,
        &["invoice", "void", "BYD-2026-02", "--format", "json"],
        "huikuan invoice void prints no list or report: it takes no --format",
    );
    usage(
        &env,
        &["--format", "csv", "pay", "void", "2"],
        "huikuan pay void prints no list or report: it takes no --format",
    );
}
