//! Invoices: schedules, credit control overrides, voiding.

use serde_json::json;

use crate::common::{TestEnv, assert_money_adds_up, assert_one_error_line, cents, rows};

#[test]
fn split_puts_remainder_cents_on_the_last_installment() {
    let env = TestEnv::new();
    env.ok(&["customer", "add", "HW", "华为技术有限公司"]);
    let inv = env.json(&[
        "invoice",
        "add",
        "S-7",
        "HW",
        "1000",
        "--date",
        "2026-01-01",
        "--due",
        "2026-01-31",
        "--split",
        "7",
    ]);
    let parts = rows(&inv["installments"]);
    let amounts: Vec<i64> = parts.iter().map(|i| cents(&i["amount"])).collect();
    assert_eq!(amounts, vec![14_285, 14_285, 14_285, 14_285, 14_285, 14_285, 14_290]);
    let dues: Vec<&str> = parts.iter().map(|i| i["due_date"].as_str().unwrap()).collect();
    assert_eq!(
        dues,
        vec!["2026-01-31", "2026-02-28", "2026-03-31", "2026-04-30", "2026-05-31", "2026-06-30", "2026-07-31"],
        "monthly from the first due date, clamped to the month's end"
    );
    assert_eq!(inv["balance"], "1000.00");
}

#[test]
fn invoice_show_json_is_the_documented_contract() {
    let env = TestEnv::new();
    env.ok(&["customer", "add", "HW", "华为技术有限公司", "--terms", "45"]);
    env.ok(&["invoice", "add", "INV-1", "HW", "12,000.50", "--date", "2026/10/01", "--desc", "服务器"]);
    env.ok(&["pay", "add", "HW", "2000.25", "--date", "2026-10-20"]);
    assert_eq!(
        env.json(&["invoice", "show", "INV-1"]),
        json!({
            "number": "INV-1",
            "customer": "HW",
            "issue_date": "2026-10-01",
            "amount": "12000.50",
            "balance": "10000.25",
            "status": "open",
            "description": "服务器",
            "net": null,
            "tax": null,
            "tax_rate": null,
            "vat_number": null,
            "contract": null,
            "salesperson": null,
            "installments": [{"due_date": "2026-11-15", "amount": "12000.50", "balance": "10000.25"}], "disputes": [],
        })
    );
}

#[test]
fn forced_invoices_pass_credit_control_with_a_warning_in_the_log() {
    let env = TestEnv::new();
    env.ok(&["customer", "add", "HOLD", "On Hold Ltd"]);
    env.ok(&["customer", "hold", "HOLD", "--reason", "90 days overdue"]);
    env.ok(&["customer", "add", "POOR", "Grade D Ltd", "--score", "20"]);
    env.ok(&["customer", "add", "LIM", "Limited Ltd", "--limit", "1000"]);
    for (number, code, amount, balance, why) in [
        ("F-1", "HOLD", "100", "100.00", "customer is on hold"),
        ("F-2", "POOR", "100", "100.00", "credit grade D (score 20)"),
        ("F-3", "LIM", "1000.01", "1000.01", "over the credit limit 1,000.00"),
    ] {
        let note = env.ok_note(&["invoice", "add", number, code, amount, "--force"]);
        assert!(note.starts_with("warning: "), "{note}");
        assert!(note.contains(why), "{note}");
        assert_eq!(env.json(&["invoice", "show", number])["balance"], balance);
    }
    let log = env.json(&["log"]);
    let forced: Vec<&serde_json::Value> =
        rows(&log).iter().filter(|e| e["summary"].as_str().is_some_and(|s| s.contains("FORCED"))).collect();
    assert_eq!(forced.len(), 3, "every override is in the audit trail: {log}");
}

#[test]
fn reaching_the_credit_limit_exactly_is_allowed() {
    let env = TestEnv::new();
    env.ok(&["customer", "add", "LIM", "Limited Ltd", "--limit", "1000"]);
    env.ok(&["invoice", "add", "L-1", "LIM", "600"]);
    let note = env.ok_note(&["invoice", "add", "L-2", "LIM", "400"]);
    assert!(!note.contains("warning"), "{note}");
    let (code, err) = env.fail(&["invoice", "add", "L-3", "LIM", "0.01"]);
    assert_eq!(code, 1);
    assert_one_error_line(&err, "balance would be 1,000.01, over the credit limit 1,000.00");
}

#[test]
fn a_void_invoice_leaves_the_balance_and_the_fifo_queue() {
    let env = TestEnv::new();
    env.ok(&["customer", "add", "HW", "华为技术有限公司"]);
    env.ok(&["invoice", "add", "OLD", "HW", "500", "--date", "2026-09-01"]);
    env.ok(&["invoice", "add", "NEW", "HW", "300", "--date", "2026-10-01"]);
    let (code, err) = env.fail(&["invoice", "void", "OLD"]);
    assert_eq!(code, 1);
    assert_one_error_line(&err, "--yes");
    env.ok(&["invoice", "void", "OLD", "--yes", "--reason", "wrong customer"]);
    let old = env.json(&["invoice", "show", "OLD"]);
    assert_eq!((&old["status"], &old["balance"]), (&json!("void"), &json!("0.00")));
    assert_eq!(old["installments"][0]["balance"], "0.00");
    assert_eq!(crate::common::row(&env.json(&["customer", "list"]), "code", "HW")["balance"], "300.00");
    // FIFO passes over the void invoice although it is older.
    let pay = env.json(&["pay", "add", "HW", "300", "--date", "2026-11-01"]);
    assert_eq!(pay["allocations"], json!([{"invoice": "NEW", "due_date": "2026-10-31", "amount": "300.00"}]));
    // And it cannot be paid by name.
    let before = env.book_fingerprint();
    let (code, err) = env.fail(&["pay", "add", "HW", "10", "--invoice", "OLD"]);
    assert_eq!(code, 1);
    assert_one_error_line(&err, "invoice OLD is void");
    assert_eq!(env.book_fingerprint(), before);
    assert_money_adds_up(&env);
}
