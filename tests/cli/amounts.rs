//! Amounts (DESIGN §2 Money): one parser for what is typed, what a CSV
//! import holds and what a setting says. A decimal point; a comma only
//! between groups of three digits; anything else refused with the question
//! it raises, never guessed. Every figure written, sums included, stays
//! within 1,000,000,000,000.00.

use crate::common::TestEnv;

/// A book with one customer, BYD.
fn book() -> TestEnv {
    let env = TestEnv::new();
    env.ok(&["customer", "add", "BYD", "比亚迪股份有限公司"]);
    env
}

/// Amount texts the book takes, and the amount each means.
const ACCEPTED: &[(&str, &str)] = &[
    ("1234.5", "1234.50"),
    ("1,234", "1234.00"),
    ("12,000.50", "12000.50"),
    ("1,234,567.89", "1234567.89"),
    ("¥1,234.50", "1234.50"),
    ("CNY 12", "12.00"),
    ("0.01", "0.01"),
    ("1000000000000", "1000000000000.00"),
];

/// Amount texts refused, and what the refusal says.
const REFUSED: &[(&str, &str)] = &[
    ("49,99", "'49,99': use a point for decimals; a comma only separates thousands (1,234.50)"),
    ("12,34", "'12,34': use a point for decimals"),
    ("1,2,3", "'1,2,3': use a point for decimals"),
    ("1234,567", "'1234,567': use a point for decimals"),
    ("1.234,50", "'1.234,50': use a point for decimals"),
    ("1.2.3", "'1.2.3' is not an amount"),
    ("5-", "'5-' is not an amount"),
    ("--5", "'--5' is not an amount"),
    ("5..0", "'5..0' is not an amount"),
    ("1e3", "'1e3' is not an amount"),
    ("1.234", "has more than 2 decimals"),
    ("1000000000000.01", "too large"),
];

#[test]
fn typed_amounts_take_a_point_and_thousands_commas_only() {
    let env = book();
    for (i, (text, plain)) in ACCEPTED.iter().enumerate() {
        let number = format!("OK-{i}");
        env.ok(&["invoice", "add", &number, "BYD", text, "--force"]);
        assert_eq!(env.json(&["invoice", "show", &number])["amount"], *plain, "{text}");
        env.ok(&["invoice", "void", &number, "--yes", "--reason", "test"]);
    }
    let before = env.book_fingerprint();
    for (text, message) in REFUSED {
        // `--` ends the options, so that `--5` reaches the amount parser.
        let (code, err) = env.fail(&["invoice", "add", "BAD-1", "BYD", "--", text]);
        assert_eq!(code, 1, "{text}");
        assert!(err.contains(message), "invoice add {text}: {err}");
        assert!(!err.contains("too large") || message.contains("too large"), "{text} is not too large: {err}");
        let (_, err) = env.fail(&["pay", "add", "BYD", "--", text]);
        assert!(err.contains(message), "pay add {text}: {err}");
    }
    assert_eq!(env.book_fingerprint(), before, "no refused amount wrote anything");
}

#[test]
fn imported_amounts_follow_the_same_rules_at_their_line() {
    let env = book();
    let mut text = String::from("number,customer,issue_date,amount\n");
    for (i, (amount, _)) in ACCEPTED.iter().take(4).enumerate() {
        text.push_str(&format!("I-{i},BYD,2026-10-01,\"{amount}\"\n"));
    }
    env.write_file("good.csv", &text);
    env.ok(&["invoice", "import", "good.csv"]);
    assert_eq!(env.json(&["invoice", "show", "I-1"])["amount"], "1234.00");
    assert_eq!(env.json(&["invoice", "show", "I-2"])["amount"], "12000.50");

    let before = env.book_fingerprint();
    let mut text = String::from("number,customer,issue_date,amount\n");
    for (i, (amount, _)) in REFUSED.iter().enumerate() {
        text.push_str(&format!("B-{i},BYD,2026-10-01,\"{amount}\"\n"));
    }
    env.write_file("bad.csv", &text);
    let (code, err) = env.fail(&["invoice", "import", "bad.csv"]);
    assert_eq!(code, 1);
    for (i, (_, message)) in REFUSED.iter().enumerate() {
        let line = i + 2;
        let at = err.lines().find(|l| l.contains(&format!("bad.csv:{line}:"))).unwrap_or_else(|| panic!("{err}"));
        assert!(at.contains(message), "line {line}: {at}");
    }
    assert_eq!(env.book_fingerprint(), before, "nothing of a refused file is written");
}

#[test]
fn settings_read_amounts_with_the_same_parser() {
    let env = book();
    env.ok(&["config", "set", "escalate_amount", "12,000.50"]);
    assert_eq!(env.json(&["config"])["escalate_amount"], "12000.50");
    let (code, err) = env.fail(&["config", "set", "escalate_amount", "49,99"]);
    assert_eq!(code, 1);
    assert!(err.contains("'49,99': use a point for decimals"), "{err}");
    let (_, err) = env.fail(&["config", "set", "escalate_amount", "1.2.3"]);
    assert!(err.contains("'1.2.3' is not an amount"), "{err}");
}

#[test]
fn the_books_totals_stay_within_the_limit() {
    let env = book();
    env.ok(&["pay", "add", "BYD", "1000000000000", "--hold-credit"]);
    let before = env.book_fingerprint();
    let (code, err) = env.fail(&["pay", "add", "BYD", "0.01"]);
    assert_eq!(code, 1);
    assert!(
        err.contains(
            "the book's payments would total 1,000,000,000,000.01, more than the limit of 1,000,000,000,000.00"
        ),
        "{err}"
    );
    assert_eq!(env.book_fingerprint(), before);
}

#[test]
fn an_import_that_would_carry_the_totals_past_the_limit_is_refused_at_the_first_such_row() {
    let env = book();
    let mut invoices = String::from("number,customer,issue_date,amount\n");
    let mut payments = String::from("date,customer,amount\n");
    for i in 0..10_000 {
        invoices.push_str(&format!("I-{i},BYD,2026-10-01,1000000000000\n"));
        payments.push_str("2026-11-01,BYD,1000000000000\n");
    }
    env.write_file("invoices.csv", invoices);
    env.write_file("payments.csv", payments);
    let before = env.book_fingerprint();
    for (file, what) in [("invoices.csv", "invoices"), ("payments.csv", "payments")] {
        let kind = if what == "invoices" { "invoice" } else { "pay" };
        let (code, err) = env.fail(&[kind, "import", file]);
        assert_eq!(code, 1);
        let first = err.lines().next().unwrap_or_default();
        assert_eq!(
            first,
            format!(
                "error: {file}:3: the book's {what} would total 2,000,000,000,000.00, more than the limit of \
                 1,000,000,000,000.00; nothing was written"
            )
        );
        assert!(!err.contains("database error"), "{err}");
        assert_eq!(env.book_fingerprint(), before, "{file}: nothing written");
    }
}
