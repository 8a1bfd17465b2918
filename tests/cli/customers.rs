//! Customers: the list contract, imports, and how lists print.

use serde_json::json;

use crate::common::{TestEnv, gbk, row};

#[test]
fn customer_list_json_shows_hold_grade_limit_and_net_balance() {
    let env = TestEnv::new();
    env.ok(&["customer", "add", "D1", "Poor Payer Ltd", "--score", "39", "--limit", "0"]);
    env.ok(&["customer", "add", "C1", "Fair Payer Ltd", "--score", "40"]);
    env.ok(&["customer", "add", "B1", "Good Payer Ltd", "--score", "79", "--limit", "1,234.5"]);
    env.ok(&["customer", "hold", "B1", "--reason", "cheque bounced"]);
    env.ok(&["invoice", "add", "I-1", "C1", "1234.50", "--date", "2026-11-01"]);
    env.ok(&["pay", "add", "C1", "1300", "--date", "2026-11-02"]);
    assert_eq!(
        env.json(&["customer", "list"]),
        json!([
            {"code": "B1", "name": "Good Payer Ltd", "grade": "B", "credit_limit": "1234.50", "balance": "0.00", "on_hold": true},
            {"code": "C1", "name": "Fair Payer Ltd", "grade": "C", "credit_limit": null, "balance": "-65.50", "on_hold": false},
            {"code": "D1", "name": "Poor Payer Ltd", "grade": "D", "credit_limit": "0.00", "balance": "0.00", "on_hold": false},
        ])
    );
    let held = env.json(&["customer", "list", "--on-hold"]);
    assert_eq!(held.as_array().map(Vec::len), Some(1));
    assert_eq!(row(&held, "code", "B1")["on_hold"], true);
    env.ok(&["customer", "release", "B1"]);
    assert_eq!(env.json(&["customer", "list", "--on-hold"]), json!([]));
}

#[test]
fn gbk_customer_import_reads_chinese_headers_in_any_order() {
    let env = TestEnv::new();
    let text = "别名,客户名称,客户代码,账期天数,信用评分\n\
                华为;华为技术,华为技术有限公司,HW,60,88\n\
                ,深圳市腾讯计算机系统有限公司,TX,,\n";
    env.write_file("客户.csv", gbk(text));
    let note = env.ok_note(&["customer", "import", "客户.csv"]);
    assert!(note.contains("imported 2 customers"), "{note}");
    assert!(note.contains("GBK"), "the note names the encoding it read: {note}");
    let hw = env.json(&["customer", "show", "HW"]);
    assert_eq!(hw["name"], "华为技术有限公司");
    assert_eq!(hw["aliases"], json!(["华为", "华为技术"]));
    assert_eq!((&hw["terms_days"], &hw["credit_score"]), (&json!(60), &json!(88)));
    let tx = env.json(&["customer", "show", "TX"]);
    assert_eq!(tx["name"], "深圳市腾讯计算机系统有限公司");
    assert_eq!(tx["aliases"], json!([]));
    assert_eq!((&tx["terms_days"], &tx["grade"]), (&json!(30), &json!(null)));
}

#[test]
fn customer_codes_are_unique_whatever_the_case() {
    let env = TestEnv::new();
    env.ok(&["customer", "add", "HW", "华为技术有限公司"]);
    let before = env.book_fingerprint();
    let (code, err) = env.fail(&["customer", "add", "hw", "Another"]);
    assert_eq!(code, 1);
    crate::common::assert_one_error_line(&err, "customer code 'hw' is already taken");
    assert_eq!(env.book_fingerprint(), before);
    // Lookups ignore case too.
    assert_eq!(env.json(&["customer", "show", "hw"])["code"], "HW");
}

/// What the accountant sees: a table with grouped amounts (CJK width right),
/// and a CSV with plain amounts for spreadsheets.
#[test]
fn customer_list_prints_a_grouped_table_and_a_plain_csv() {
    let env = TestEnv::new();
    env.ok(&["customer", "add", "HW", "华为技术有限公司", "--limit", "5000000", "--score", "85"]);
    env.ok(&["customer", "add", "ACME", "Acme"]);
    env.ok(&["invoice", "add", "I-1", "HW", "1234567.8", "--date", "2026-11-01"]);
    insta::assert_snapshot!(env.ok(&["customer", "list"]), @r"
    ┌──────┬──────────────────┬───────┬──────────────┬──────────────┬─────────┐
    │ code ┆ name             ┆ grade ┆ credit limit ┆      balance ┆ on hold │
    ╞══════╪══════════════════╪═══════╪══════════════╪══════════════╪═════════╡
    │ ACME ┆ Acme             ┆       ┆              ┆         0.00 ┆         │
    │ HW   ┆ 华为技术有限公司 ┆ A     ┆ 5,000,000.00 ┆ 1,234,567.80 ┆         │
    └──────┴──────────────────┴───────┴──────────────┴──────────────┴─────────┘
    ");
    insta::assert_snapshot!(env.ok(&["customer", "list", "--format", "csv"]), @r"
    code,name,grade,credit limit,balance,on hold
    ACME,Acme,,,0.00,
    HW,华为技术有限公司,A,5000000.00,1234567.80,
    ");
}

#[test]
fn customer_show_lists_the_first_twenty_open_invoices_and_all_of_them_with_all() {
    let env = TestEnv::new();
    env.ok(&["-q", "customer", "add", "BIG", "Big Buyer Ltd"]);
    let mut csv = String::from("number,customer,issue_date,amount\n");
    for i in 1..=25 {
        csv.push_str(&format!("B-{i:02},BIG,2026-10-{i:02},100\n"));
    }
    env.write_file("invoices.csv", csv);
    env.ok(&["-q", "invoice", "import", "invoices.csv"]);
    // Paid in full: no longer open, so not counted.
    env.ok(&["-q", "pay", "add", "BIG", "100", "--invoice", "B-01", "--date", "2026-11-01"]);

    let card = env.json(&["customer", "show", "BIG"]);
    let shown: Vec<&str> = card["invoices"].as_array().unwrap().iter().map(|i| i["number"].as_str().unwrap()).collect();
    assert_eq!(shown.len(), 20, "{card}");
    assert_eq!((shown[0], shown[19]), ("B-02", "B-21"), "oldest issued first");
    assert_eq!(card["invoices_open"], 24);
    assert_eq!(card["open"], "2400.00", "the totals count every open invoice");

    let note = env.ok_note(&["customer", "show", "BIG"]);
    assert!(note.contains("4 more open invoices not listed: huikuan customer show BIG --all"), "{note}");

    let all = env.json(&["customer", "show", "BIG", "--all"]);
    assert_eq!(all["invoices"].as_array().map(Vec::len), Some(24));
    assert_eq!(all["invoices"][23]["number"], "B-25");
    let quiet = env.run(&["customer", "show", "BIG", "--all"]);
    assert!(String::from_utf8_lossy(&quiet.stderr).is_empty(), "nothing more to say with --all");
}
