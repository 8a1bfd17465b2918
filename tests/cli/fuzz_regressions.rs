//! What the fuzz targets found (docs/fuzzing.md), through the binary: each
//! input is refused with one clear error line and no panic reaches the user.
//! The inputs are `tests/fixtures/fuzz/<target>/<name>`; the library replays
//! every one of them through its target as well (`import::fuzz`).

use std::path::Path;

use crate::common::{TestEnv, assert_one_error_line};

/// The bytes of a finding.
fn finding(target: &str, name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fuzz").join(target).join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn an_amount_of_28_digits_is_too_large_not_a_panic() {
    let env = TestEnv::new();
    let amount = String::from_utf8(finding("date_money", "money-28-digits")).expect("text");
    let (code, err) = env.fail(&["pay", "add", "HY", &amount]);
    assert_eq!(code, 1, "{err}");
    assert_one_error_line(&err, &format!("amount '{amount}' is too large"));
}

/// `reconcile import` of a bank_reader finding (a selector byte, then the
/// file) is refused with `expected` on one line.
fn statement_refused(name: &str, expected: &str) {
    let env = TestEnv::new();
    let bytes = finding("bank_reader", name);
    env.write_file("statement.xls", &bytes[1..]);
    let (code, err) = env.fail(&["reconcile", "import", "statement.xls", "--dry-run"]);
    assert_eq!(code, 1, "{err}");
    assert_one_error_line(&err, expected);
}

#[test]
fn a_damaged_xls_statement_is_an_error_not_a_panic() {
    statement_refused("xls-sector-past-end", "statement.xls: cannot read the XLS workbook: the file is damaged");
}

#[test]
fn an_xls_whose_sectors_loop_is_refused_before_memory_runs_out() {
    statement_refused("xls-sector-loop", "statement.xls: cannot read the XLS workbook: the file is damaged (a chain");
}

#[test]
fn a_zero_credit_on_a_statement_is_neutral_not_a_failed_import() {
    // The bank_reader finding `zero-credit` is a direction column saying
    // 收入 over an amount of zero; here in a whole WeChat export, its payer a
    // customer, so that --auto would have made a payment of 0.00 of it.
    let env = TestEnv::new();
    env.ok(&["customer", "add", "QH", "青禾贸易"]);
    env.ok(&["invoice", "add", "INV-2024-051", "QH", "1280", "--date", "2024-05-01"]);
    let wechat = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bank/wechat.csv"))
        .expect("fixture");
    env.write_file("wechat.csv", wechat.replace("收入,¥1280.00", "收入,¥0.00"));
    let out = env.ok(&["reconcile", "import", "wechat.csv", "--auto"]);
    // The 88.00 示例电器-退款 is a credit too, a refund (never a payment).
    assert!(out.contains("2 credits (2,088.00), 1 of them refund(s), 2 debits (47.50), 3 neutral"), "{out}");
    assert_eq!(env.ok(&["pay", "list", "--format", "csv"]).lines().count(), 1, "no payment, only the header");
}

#[test]
fn a_bad_row_is_named_by_its_line_whatever_ends_the_lines() {
    // The csv_import finding `cr-line-ends` is a file whose lines end with a
    // lone CR: its rows were all "line 1". Blank lines were not counted either.
    let env = TestEnv::new();
    env.ok(&["customer", "add", "QH", "青禾贸易"]);
    for end in ["\r", "\n", "\r\n"] {
        let text = ["customer,date,amount", "QH,2026-11-01,100", "", "QH,2026-11-02,abc", ""].join(end);
        env.write_file("payments.csv", text);
        let (code, err) = env.fail(&["pay", "import", "payments.csv"]);
        assert_eq!(code, 1, "{err}");
        assert!(err.starts_with("error: payments.csv:4: amount: 'abc' is not an amount"), "{end:?}: {err}");
    }
}

#[test]
fn a_bad_statement_line_is_named_by_its_line_with_lone_cr_line_ends() {
    // The bank reader's counterpart of `cr-line-ends`
    // (tests/fixtures/fuzz/bank_reader/cr-line-ends): every row was line 1.
    let env = TestEnv::new();
    let bytes = finding("bank_reader", "cr-line-ends");
    let text = String::from_utf8(bytes[1..].to_vec()).expect("text").replace("20240105", "20241305");
    env.write_file("statement.csv", text);
    let (code, err) = env.fail(&["reconcile", "import", "statement.csv", "--dry-run"]);
    assert_eq!(code, 1, "{err}");
    assert_one_error_line(&err, "statement.csv:4: '20241305' is not a date");
}

#[test]
fn hostile_workbooks_of_the_corpus_are_refused_before_calamine_allocates() {
    // tests/fixtures/fuzz/bank_reader/xlsx-*: the far cell aborted the
    // program (an allocation of 512 GB), the string count reserved 24 GB.
    for (name, reason) in [
        ("xlsx-far-cell", "its sheets span 17179869184 cells"),
        ("xlsx-huge-dimension", "a sheet declares 17179869184 cells"),
        ("xlsx-string-count", "it declares 1000000000 shared strings"),
        ("xlsx-deep-nesting", "part xl/worksheets/sheet1.xml nests elements more than 256 deep"),
    ] {
        statement_refused(name, &format!("statement.xls: the XLSX workbook is too large to read safely: {reason}"));
    }
}
