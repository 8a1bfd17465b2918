//! Bad input: one clear line on stderr, exit 1, and nothing written.

use crate::common::{TestEnv, assert_one_error_line};

/// A book with a customer, an open invoice, a paid one and a payment with
/// unapplied credit — something for every bad command to bump into.
fn book() -> TestEnv {
    let env = TestEnv::new();
    env.ok(&["customer", "add", "BYD", "比亚迪股份有限公司", "--limit", "100000", "--score", "70"]);
    env.ok(&["customer", "add", "XM", "小米科技有限责任公司"]);
    env.ok(&["invoice", "add", "BYD-2026-01", "BYD", "1000", "--date", "2026-09-01"]);
    env.ok(&["invoice", "add", "BYD-2026-02", "BYD", "8000", "--date", "2026-10-15"]);
    // Payment 1 pays BYD-2026-01 and leaves 500.00 unapplied (held).
    env.ok(&["pay", "add", "BYD", "1500", "--date", "2026-11-01", "--invoice", "BYD-2026-01", "--hold-credit"]);
    env
}

fn events(env: &TestEnv) -> i64 {
    env.connect().query_row("SELECT count(*) FROM events", [], |r| r.get(0)).expect("count events")
}

/// Run a command that must be refused: exit 1, exactly one line `error: …`
/// containing `expected`, and the book exactly as it was (content and log).
fn refused(env: &TestEnv, args: &[&str], expected: &str) {
    let before = env.book_fingerprint();
    let logged = events(env);
    let (code, err) = env.fail(args);
    assert_eq!(code, 1, "huikuan {}: {err}", args.join(" "));
    assert_one_error_line(&err, expected);
    assert_eq!(env.book_fingerprint(), before, "huikuan {} changed the book", args.join(" "));
    assert_eq!(events(env), logged, "huikuan {} wrote to the log", args.join(" "));
}

#[test]
fn impossible_dates_are_refused_without_writing() {
    let env = book();
    let bad = "'2026-02-30' is not a valid date";
    refused(&env, &["invoice", "add", "N-1", "BYD", "100", "--date", "2026-02-30"], bad);
    refused(&env, &["invoice", "add", "N-1", "BYD", "100", "--due", "2026-02-30"], bad);
    refused(&env, &["invoice", "add", "N-1", "BYD", "100", "--installment", "2026-02-30:100"], bad);
    refused(&env, &["pay", "add", "BYD", "100", "--date", "2026-02-30"], bad);
    refused(&env, &["pay", "add", "BYD", "100", "--date", "22/11/2026"], "not a valid date");
    refused(
        &env,
        &["invoice", "add", "N-1", "BYD", "100", "--date", "2026-11-10", "--due", "2026-11-09"],
        "due date 2026-11-09 is before the issue date 2026-11-10",
    );
}

#[test]
fn negative_zero_overflowing_and_fractional_cent_amounts_are_refused() {
    let env = book();
    for (amount, why) in [
        ("-5", "must be greater than zero"),
        ("-0.01", "must be greater than zero"),
        ("0", "must be greater than zero"),
        ("0.00", "must be greater than zero"),
        ("99999999999999999999999", "is too large"),
        ("1000000000000.01", "is too large"),
        ("1.234", "has more than 2 decimals"),
        ("12abc", "is not an amount"),
        ("1e5", "is not an amount"),
    ] {
        refused(&env, &["invoice", "add", "N-1", "BYD", amount], why);
        refused(&env, &["pay", "add", "BYD", amount], why);
        refused(&env, &["pay", "apply", "1", "--amount", amount], why);
    }
    refused(
        &env,
        &["invoice", "add", "N-1", "BYD", "100", "--installment", "2026-12-01:-100", "--installment", "2026-12-31:200"],
        "must be greater than zero",
    );
    refused(&env, &["customer", "add", "NEG", "Negative Ltd", "--limit", "-1"], "cannot be negative");
}

#[test]
fn unknown_customers_invoices_and_payments_are_named() {
    let env = book();
    refused(&env, &["invoice", "add", "N-1", "NOPE", "100"], "no customer with code 'NOPE'");
    refused(&env, &["pay", "add", "NOPE", "100"], "no customer with code 'NOPE'");
    refused(&env, &["pay", "add", "BYD", "100", "--invoice", "NOPE-1"], "no invoice numbered 'NOPE-1'");
    refused(&env, &["pay", "apply", "99"], "no payment with id 99");
    refused(&env, &["pay", "void", "99", "--yes"], "no payment with id 99");
    refused(&env, &["invoice", "void", "NOPE-1", "--yes"], "no invoice numbered 'NOPE-1'");
    refused(&env, &["customer", "hold", "NOPE"], "no customer with code 'NOPE'");
}

/// The schema allows 0 to 3,650 days; a typo must meet a clear message, not
/// the database's CHECK constraint.
#[test]
fn payment_terms_beyond_ten_years_are_refused_clearly() {
    let env = book();
    let why = "payment terms of 36500 days are longer than 3650 days";
    refused(&env, &["customer", "add", "LONG", "Long Terms Ltd", "--terms", "36500"], why);
    refused(&env, &["customer", "edit", "XM", "--terms", "36500"], why);
    env.write_file("long.csv", "code,name,terms_days\nLONG,Long Terms Ltd,36500\n");
    let (code, err) = env.fail(&["customer", "import", "long.csv"]);
    assert_eq!(code, 1);
    assert!(err.starts_with(&format!("error: long.csv:2: {why}")), "{err}");
    assert!(!err.contains("database error"), "{err}");
    // Ten years exactly is allowed.
    env.ok(&["customer", "edit", "XM", "--terms", "3650"]);
    assert_eq!(env.json(&["customer", "show", "XM"])["terms_days"], 3650);
}

#[test]
fn duplicate_invoice_numbers_are_refused() {
    let env = book();
    refused(&env, &["invoice", "add", "BYD-2026-02", "XM", "100"], "invoice number 'BYD-2026-02' already exists");
}

#[test]
fn installments_must_add_up_to_the_amount() {
    let env = book();
    refused(
        &env,
        &["invoice", "add", "N-1", "BYD", "1000", "--installment", "2026-12-01:400", "--installment", "2027-01-01:500"],
        "installments add up to 900.00, not to the invoice amount 1,000.00",
    );
    refused(&env, &["invoice", "add", "N-1", "BYD", "0.02", "--split", "3"], "cannot split into 3 parts");
}

#[test]
fn credit_control_refuses_hold_grade_d_and_over_limit_until_forced() {
    let env = book();
    // Over the limit: 8,000 open (the 500 credit is held back but still nets).
    refused(
        &env,
        &["invoice", "add", "N-1", "BYD", "92500.01"],
        "credit control refuses invoice N-1 for BYD: balance would be 100,000.01, over the credit limit 100,000.00",
    );
    env.ok(&["customer", "hold", "XM", "--reason", "60 days overdue"]);
    refused(&env, &["invoice", "add", "N-1", "XM", "1"], "customer is on hold (use --force to issue anyway)");
    env.ok(&["customer", "release", "XM"]);
    env.ok(&["customer", "edit", "XM", "--score", "20"]);
    refused(&env, &["invoice", "add", "N-1", "XM", "1"], "credit grade D (score 20): prepayment only");
    // Every reason at once, in one line.
    env.ok(&["customer", "hold", "XM"]);
    refused(&env, &["invoice", "add", "N-1", "XM", "1"], "customer is on hold; credit grade D");
    // --force overrides, and the invoice is there.
    env.ok(&["invoice", "add", "N-1", "XM", "1", "--force"]);
    env.ok(&["invoice", "add", "N-2", "BYD", "92500.01", "--force"]);
    assert_eq!(env.json(&["invoice", "show", "N-2"])["balance"], "92500.01");
}

#[test]
fn an_invoice_with_payments_on_it_cannot_be_voided() {
    let env = book();
    refused(
        &env,
        &["invoice", "void", "BYD-2026-01", "--yes"],
        "invoice BYD-2026-01 has 1,000.00 of payments allocated; void those payments first",
    );
}

#[test]
fn applying_more_credit_than_is_unapplied_is_refused() {
    let env = book();
    refused(
        &env,
        &["pay", "apply", "1", "--amount", "500.01"],
        "cannot apply 500.01 of payment 1: only 500.00 is unapplied",
    );
    refused(&env, &["pay", "apply", "1", "--invoice", "BYD-2026-01"], "invoice BYD-2026-01 is already paid in full");
    // Exactly what is there is fine.
    let pay = env.json(&["pay", "apply", "1", "--amount", "500"]);
    assert_eq!(pay["unapplied"], "0.00");
    refused(&env, &["pay", "apply", "1"], "payment 1 has no unapplied credit left");
}

#[test]
fn a_payment_cannot_pay_another_customers_invoice() {
    let env = book();
    refused(
        &env,
        &["pay", "add", "XM", "100", "--invoice", "BYD-2026-02"],
        "invoice BYD-2026-02 belongs to customer BYD, not XM",
    );
}

#[test]
fn destructive_steps_off_a_terminal_need_yes() {
    let env = book();
    refused(&env, &["pay", "void", "1"], "needs confirmation: run it on a terminal, or pass --yes");
    refused(&env, &["invoice", "void", "BYD-2026-02"], "needs confirmation");
}

/// One bad row among good ones: every bad row named as `file:line: reason`,
/// a summary line, exit 1, and nothing from the file in the book.
#[test]
fn a_csv_with_one_bad_row_imports_nothing_and_names_the_row() {
    let env = book();
    let file = env.fixture("invoices-one-bad-row.csv");
    let before = env.book_fingerprint();
    let (code, err) = env.fail(&["invoice", "import", &file]);
    assert_eq!(code, 1);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(
        lines,
        vec![
            "error: invoices-one-bad-row.csv:4: issue_date: '2026-11-31' is not a valid date (expected 2026-11-22, 2026/11/22, 20261122 or today)",
            "error: invoices-one-bad-row.csv: 1 bad row(s); nothing was imported",
        ],
        "the line counts the quoted line break of the row before"
    );
    assert_eq!(env.book_fingerprint(), before);

    let file = env.fixture("payments-one-bad-row.csv");
    let (code, err) = env.fail(&["pay", "import", &file]);
    assert_eq!(code, 1);
    insta::assert_snapshot!(err, @r"
    error: payments-one-bad-row.csv:4: no invoice numbered 'NO-SUCH-INVOICE' (see: huikuan invoice list)
    error: payments-one-bad-row.csv: 1 bad row(s); nothing was imported
    ");
    assert_eq!(env.book_fingerprint(), before);
}

#[test]
fn every_bad_row_of_a_file_is_reported_at_once() {
    let env = book();
    let file = env.write_file(
        "mixed.csv",
        "number,customer,issue_date,amount\n\
         M-1,BYD,2026-11-01,100\n\
         M-2,NOPE,2026-11-01,100\n\
         M-3,BYD,2026-11-01,-3\n\
         M-1,BYD,2026-11-02,100\n\
         M-5,BYD,2026-11-02,\n",
    );
    let before = env.book_fingerprint();
    let (code, err) = env.fail(&["invoice", "import", file.to_str().unwrap()]);
    assert_eq!(code, 1);
    let shown = file.display().to_string();
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 5, "{err}");
    for (line, (at, why)) in lines.iter().zip([
        (3, "no customer with code 'NOPE'"),
        (4, "must be greater than zero"),
        (5, "invoice number 'M-1' already exists"),
        (6, "'amount' is empty"),
    ]) {
        assert!(line.starts_with(&format!("error: {shown}:{at}: ")), "{line}");
        assert!(line.contains(why), "{line}");
    }
    assert_eq!(lines[4], format!("error: {shown}: 4 bad row(s); nothing was imported"));
    assert_eq!(env.book_fingerprint(), before);
}

#[test]
fn unreadable_import_files_are_one_line_errors() {
    let env = book();
    refused(&env, &["invoice", "import", "missing.csv"], "missing.csv: cannot read");
    env.write_file("empty.csv", "");
    refused(&env, &["pay", "import", "empty.csv"], "empty.csv: the file is empty");
    env.write_file("binary.csv", b"date,customer\0amount\n");
    refused(&env, &["pay", "import", "binary.csv"], "binary");
    env.write_file("no-amount.csv", "date,customer\n2026-11-01,BYD\n");
    refused(&env, &["pay", "import", "no-amount.csv"], "no-amount.csv:1: missing column 'amount'");
}

#[test]
fn usage_errors_exit_2() {
    let env = book();
    let before = env.book_fingerprint();
    for args in [
        &["frobnicate"][..],
        &["customer", "frobnicate"],
        &["invoice", "add", "N-1"],
        &["pay", "show", "one"],
        &["--format", "yaml", "customer", "list"],
    ] {
        let (code, err) = env.fail(args);
        assert_eq!(code, 2, "huikuan {}: {err}", args.join(" "));
        assert!(err.starts_with("error: "), "{err}");
    }
    assert_eq!(env.book_fingerprint(), before);
}
