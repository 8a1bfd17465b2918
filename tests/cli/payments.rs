//! Payments: allocation, unapplied credit, voiding, applying.

use serde_json::json;

use crate::common::{TestEnv, assert_money_adds_up, row};

fn balance(env: &TestEnv, code: &str) -> serde_json::Value {
    row(&env.json(&["customer", "list"]), "code", code)["balance"].clone()
}

#[test]
fn overpayment_becomes_credit_applied_to_next_invoice() {
    let env = TestEnv::new();
    env.ok(&["customer", "add", "HW", "华为技术有限公司"]);
    env.ok(&["invoice", "add", "I-1", "HW", "100", "--date", "2026-11-01"]);
    // Two overpayments: the older credit is used first.
    env.ok(&["pay", "add", "HW", "150", "--date", "2026-11-02", "--invoice", "I-1"]);
    env.ok(&["pay", "add", "HW", "70", "--date", "2026-11-03"]);
    assert_eq!(balance(&env, "HW"), "-120.00");
    // --no-credit keeps the credit for later.
    let kept = env.json(&["invoice", "add", "I-2", "HW", "30", "--date", "2026-11-04", "--no-credit"]);
    assert_eq!(kept["balance"], "30.00");
    assert_eq!(balance(&env, "HW"), "-90.00");
    // The next invoice takes all the credit there is, oldest payment first.
    let inv = env.json(&["invoice", "add", "I-3", "HW", "100", "--date", "2026-11-10"]);
    assert_eq!(inv["balance"], "0.00");
    assert_eq!(inv["status"], "paid");
    let first = env.json(&["pay", "show", "1"]);
    assert_eq!(first["unapplied"], "0.00");
    assert_eq!(
        first["allocations"],
        json!([
            {"invoice": "I-1", "due_date": "2026-12-01", "amount": "100.00"},
            {"invoice": "I-3", "due_date": "2026-12-10", "amount": "50.00"},
        ])
    );
    let second = env.json(&["pay", "show", "2"]);
    assert_eq!(second["unapplied"], "20.00");
    assert_eq!(second["allocations"], json!([{"invoice": "I-3", "due_date": "2026-12-10", "amount": "50.00"}]));
    // I-2 is still open; 20.00 of credit is left: 30 − 20.
    assert_eq!(balance(&env, "HW"), "10.00");
    assert_money_adds_up(&env);
}

#[test]
fn voiding_a_payment_reopens_invoices_its_credit_paid_later() {
    let env = TestEnv::new();
    env.ok(&["customer", "add", "HW", "华为技术有限公司"]);
    env.ok(&["invoice", "add", "I-1", "HW", "100", "--date", "2026-11-01"]);
    env.ok(&["pay", "add", "HW", "250", "--date", "2026-11-02"]);
    env.ok(&["invoice", "add", "I-2", "HW", "100", "--date", "2026-11-05"]);
    assert_eq!(balance(&env, "HW"), "-50.00");
    env.ok(&["pay", "void", "1", "--yes"]);
    for n in ["I-1", "I-2"] {
        let inv = env.json(&["invoice", "show", n]);
        assert_eq!((&inv["balance"], &inv["status"]), (&json!("100.00"), &json!("open")), "{n}");
    }
    assert_eq!(balance(&env, "HW"), "200.00");
    let listed = env.json(&["pay", "list"]);
    assert_eq!((&listed[0]["void"], &listed[0]["unapplied"]), (&json!(true), &json!("0.00")));
    // A void payment stays void: voiding again is an error, applying it too.
    let (code, err) = env.fail(&["pay", "void", "1", "--yes"]);
    assert_eq!(code, 1);
    crate::common::assert_one_error_line(&err, "payment 1 is void");
    let (code, err) = env.fail(&["pay", "apply", "1"]);
    assert_eq!(code, 1);
    crate::common::assert_one_error_line(&err, "payment 1 is void");
    assert_money_adds_up(&env);
}

#[test]
fn fifo_passes_over_disputed_invoices_but_a_named_payment_pays_them() {
    let env = TestEnv::new();
    env.ok(&["customer", "add", "HW", "华为技术有限公司"]);
    env.ok(&["invoice", "add", "OLD", "HW", "100", "--date", "2026-09-01"]);
    env.ok(&["invoice", "add", "NEW", "HW", "100", "--date", "2026-10-01"]);
    env.ok(&["invoice", "dispute", "OLD", "--reason", "damaged"]);
    let pay = env.json(&["pay", "add", "HW", "60", "--date", "2026-11-01"]);
    assert_eq!(pay["allocations"], json!([{"invoice": "NEW", "due_date": "2026-10-31", "amount": "60.00"}]));
    let pay = env.json(&["pay", "add", "HW", "100", "--date", "2026-11-02", "--invoice", "OLD"]);
    assert_eq!(pay["allocations"], json!([{"invoice": "OLD", "due_date": "2026-10-01", "amount": "100.00"}]));
    assert_eq!(env.json(&["invoice", "show", "OLD"])["status"], "disputed");
    assert_money_adds_up(&env);
}

/// FIFO is by due date, then issue date: of two invoices due the same day,
/// the one issued first is paid first, even when it was entered later and a
/// payment is covered before it is reached in the index's order.
#[test]
fn fifo_breaks_a_due_date_tie_by_issue_date_not_by_entry_order() {
    let env = TestEnv::new();
    env.ok(&["customer", "add", "HW", "华为技术有限公司"]);
    env.ok(&["invoice", "add", "LATE-ISSUE", "HW", "100", "--date", "2026-01-10", "--due", "2026-02-28"]);
    env.ok(&["invoice", "add", "EARLY-ISSUE", "HW", "100", "--date", "2026-01-01", "--due", "2026-02-28"]);
    env.ok(&["invoice", "add", "FIRST-DUE", "HW", "50", "--date", "2026-01-05", "--due", "2026-01-31"]);
    let pay = env.json(&["pay", "add", "HW", "150", "--date", "2026-03-01"]);
    assert_eq!(
        pay["allocations"],
        json!([
            {"invoice": "FIRST-DUE", "due_date": "2026-01-31", "amount": "50.00"},
            {"invoice": "EARLY-ISSUE", "due_date": "2026-02-28", "amount": "100.00"}
        ])
    );
    assert_money_adds_up(&env);
}

#[test]
fn pay_import_allocates_rows_in_file_order_by_name_or_fifo() {
    let env = TestEnv::new();
    env.ok(&["customer", "add", "BYD", "比亚迪股份有限公司"]);
    env.ok(&["invoice", "add", "B-1", "BYD", "100", "--date", "2026-09-01"]);
    env.ok(&["invoice", "add", "B-2", "BYD", "100", "--date", "2026-10-01"]);
    let file = env.write_file(
        "pay.csv",
        "customer,amount,invoice,date\n\
         BYD,80,B-2,2026-11-01\n\
         BYD,\"1,000\",,2026-11-02\n",
    );
    env.ok(&["pay", "import", file.to_str().unwrap()]);
    let first = env.json(&["pay", "show", "1"]);
    assert_eq!(first["allocations"], json!([{"invoice": "B-2", "due_date": "2026-10-31", "amount": "80.00"}]));
    let second = env.json(&["pay", "show", "2"]);
    assert_eq!(
        second["allocations"],
        json!([
            {"invoice": "B-1", "due_date": "2026-10-01", "amount": "100.00"},
            {"invoice": "B-2", "due_date": "2026-10-31", "amount": "20.00"},
        ])
    );
    assert_eq!(second["unapplied"], "880.00");
    let listed = env.json(&["pay", "list"]);
    assert_eq!(listed[0]["method"], "bank", "the method defaults to bank");
    assert_money_adds_up(&env);
}
