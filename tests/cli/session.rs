//! A scripted working session, from an empty book to imports, checking the
//! JSON contracts exactly and that the money adds up after every step.

use serde_json::json;

use crate::common::{TestEnv, assert_money_adds_up, assert_one_error_line, gbk};

/// The customer master file as a Chinese spreadsheet saves it: GBK, with a
/// quoted grouped amount and `;`-separated aliases.
const CUSTOMERS_CSV: &str = "code,name,terms_days,credit_limit,credit_score,email,phone,aliases\n\
ZTE,中兴通讯股份有限公司,45,\"200,000\",72,ar@zte.example,0755-26770000,中兴;中兴通讯\n\
BYD,比亚迪股份有限公司,30,,55,,,比亚迪\n\
XM,小米科技有限责任公司,,,,,,\n";

#[test]
fn a_days_work_from_customers_to_imports_keeps_the_money_adding_up() {
    let env = TestEnv::new();

    // Customers: two by command, three from a GBK file.
    env.ok(&[
        "customer",
        "add",
        "HW",
        "华为技术有限公司",
        "--terms",
        "60",
        "--limit",
        "500000",
        "--score",
        "85",
        "--alias",
        "华为",
    ]);
    env.ok(&["customer", "add", "ACME", "Acme Trading Ltd"]);
    let bytes = gbk(CUSTOMERS_CSV);
    assert!(std::str::from_utf8(&bytes).is_err(), "the file must really be GBK, not UTF-8");
    env.write_file("customers-gbk.csv", &bytes);
    let note = env.ok_note(&["customer", "import", "customers-gbk.csv"]);
    assert!(note.contains("imported 3 customers from customers-gbk.csv (GBK/GB18030)"), "{note}");
    let zte = env.json(&["customer", "show", "ZTE"]);
    assert_eq!(zte["name"], "中兴通讯股份有限公司");
    assert_eq!(zte["aliases"], json!(["中兴", "中兴通讯"]));
    assert_eq!(zte["terms_days"], 45);
    assert_eq!(zte["credit_limit"], "200000.00");
    assert_eq!(zte["grade"], "B");
    assert_eq!(zte["email"], "ar@zte.example");
    assert_eq!(zte["phone"], "0755-26770000");
    assert_eq!(env.json(&["customer", "show", "XM"])["terms_days"], 30);
    assert_eq!(
        env.json(&["customer", "list"]),
        json!([
            {"code": "ACME", "name": "Acme Trading Ltd", "grade": null, "credit_limit": null, "balance": "0.00", "on_hold": false},
            {"code": "BYD", "name": "比亚迪股份有限公司", "grade": "C", "credit_limit": null, "balance": "0.00", "on_hold": false},
            {"code": "HW", "name": "华为技术有限公司", "grade": "A", "credit_limit": "500000.00", "balance": "0.00", "on_hold": false},
            {"code": "XM", "name": "小米科技有限责任公司", "grade": null, "credit_limit": null, "balance": "0.00", "on_hold": false},
            {"code": "ZTE", "name": "中兴通讯股份有限公司", "grade": "B", "credit_limit": "200000.00", "balance": "0.00", "on_hold": false},
        ])
    );

    // Invoices: customer terms, a split with remainder cents, explicit installments.
    let inv = env.json(&["invoice", "add", "INV-1001", "HW", "120000", "--date", "2026-09-01", "--desc", "服务器"]);
    assert_eq!(
        inv,
        json!({
            "number": "INV-1001", "customer": "HW", "issue_date": "2026-09-01",
            "amount": "120000.00", "balance": "120000.00", "status": "open", "description": "服务器",
            "net": null, "tax": null, "tax_rate": null, "vat_number": null, "contract": null, "salesperson": null,
            "installments": [{"due_date": "2026-10-31", "amount": "120000.00", "balance": "120000.00"}], "disputes": [],
        })
    );
    let inv = env.json(&["invoice", "add", "INV-1002", "HW", "1000", "--date", "2026-10-01", "--split", "3"]);
    assert_eq!(
        inv["installments"],
        json!([
            {"due_date": "2026-11-30", "amount": "333.33", "balance": "333.33"},
            {"due_date": "2026-12-30", "amount": "333.33", "balance": "333.33"},
            {"due_date": "2027-01-30", "amount": "333.34", "balance": "333.34"},
        ])
    );
    let inv = env.json(&[
        "invoice",
        "add",
        "INV-1003",
        "HW",
        "10000",
        "--date",
        "2026-11-01",
        "--installment",
        "2027-01-31:6000",
        "--installment",
        "2026-12-31:4000",
    ]);
    assert_eq!(
        inv["installments"],
        json!([
            {"due_date": "2026-12-31", "amount": "4000.00", "balance": "4000.00"},
            {"due_date": "2027-01-31", "amount": "6000.00", "balance": "6000.00"},
        ]),
        "installments are kept in due-date order"
    );
    assert_money_adds_up(&env);

    // A payment without an invoice goes oldest due first, across invoices.
    let pay = env.json(&["pay", "add", "HW", "120500", "--date", "2026-11-05", "--ref", "CMB 8812"]);
    assert_eq!(
        pay,
        json!({
            "id": 1, "customer": "HW", "date": "2026-11-05", "amount": "120500.00", "unapplied": "0.00",
            "allocations": [
                {"invoice": "INV-1001", "due_date": "2026-10-31", "amount": "120000.00"},
                {"invoice": "INV-1002", "due_date": "2026-11-30", "amount": "333.33"},
                {"invoice": "INV-1002", "due_date": "2026-12-30", "amount": "166.67"},
            ],
        })
    );
    // A payment named to an invoice skips the older ones.
    let pay = env.json(&["pay", "add", "HW", "5000", "--date", "2026-11-10", "--invoice", "INV-1003"]);
    assert_eq!(
        pay["allocations"],
        json!([
            {"invoice": "INV-1003", "due_date": "2026-12-31", "amount": "4000.00"},
            {"invoice": "INV-1003", "due_date": "2027-01-31", "amount": "1000.00"},
        ])
    );
    assert_eq!(pay["id"], 2);
    assert_eq!(pay, env.json(&["pay", "show", "2"]), "pay add prints what pay show shows");
    assert_eq!(
        env.json(&["invoice", "show", "INV-1002"]),
        json!({
            "number": "INV-1002", "customer": "HW", "issue_date": "2026-10-01",
            "amount": "1000.00", "balance": "500.00", "status": "open", "description": null,
            "net": null, "tax": null, "tax_rate": null, "vat_number": null, "contract": null, "salesperson": null,
            "installments": [
                {"due_date": "2026-11-30", "amount": "333.33", "balance": "0.00"},
                {"due_date": "2026-12-30", "amount": "333.33", "balance": "166.66"},
                {"due_date": "2027-01-30", "amount": "333.34", "balance": "333.34"},
            ], "disputes": [],
        })
    );
    assert_eq!(env.json(&["invoice", "show", "INV-1001"])["status"], "paid");
    assert_money_adds_up(&env);

    // An overpayment becomes credit, applied by itself to the next invoice.
    env.ok(&["invoice", "add", "A-1", "ACME", "800", "--date", "2026-11-01"]);
    let out = env.run(&["pay", "add", "ACME", "1000", "--date", "2026-11-15", "--format", "json"]);
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stderr).trim(), "payment 3: 200.00 is unapplied credit on the customer");
    let pay: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!((&pay["amount"], &pay["unapplied"]), (&json!("1000.00"), &json!("200.00")));
    assert_eq!(customer_balance(&env, "ACME"), "-200.00");
    let note = env.ok_note(&["invoice", "add", "A-2", "ACME", "500", "--date", "2026-11-20"]);
    assert!(note.contains("applied 200.00 of unapplied credit to A-2"), "{note}");
    assert_eq!(env.json(&["invoice", "show", "A-2"])["balance"], "300.00");
    assert_eq!(
        env.json(&["pay", "show", "3"]),
        json!({
            "id": 3, "customer": "ACME", "date": "2026-11-15", "amount": "1000.00", "unapplied": "0.00",
            "allocations": [
                {"invoice": "A-1", "due_date": "2026-12-01", "amount": "800.00"},
                {"invoice": "A-2", "due_date": "2026-12-20", "amount": "200.00"},
            ],
        })
    );
    assert_eq!(customer_balance(&env, "ACME"), "300.00");
    assert_money_adds_up(&env);

    // Voiding a payment needs --yes off a terminal, and reopens what it paid.
    let before = env.book_fingerprint();
    let (code, err) = env.fail(&["pay", "void", "1"]);
    assert_eq!(code, 1);
    assert_one_error_line(&err, "needs confirmation");
    assert!(err.contains("--yes"), "{err}");
    assert_eq!(env.book_fingerprint(), before, "a refused void writes nothing");
    env.ok(&["pay", "void", "1", "--yes", "--reason", "bounced"]);
    assert_eq!(
        env.json(&["pay", "show", "1"]),
        json!({
            "id": 1, "customer": "HW", "date": "2026-11-05", "amount": "120500.00",
            "unapplied": "0.00", "allocations": [],
        })
    );
    let inv = env.json(&["invoice", "show", "INV-1001"]);
    assert_eq!((&inv["balance"], &inv["status"]), (&json!("120000.00"), &json!("open")));
    assert_eq!(env.json(&["invoice", "show", "INV-1002"])["balance"], "1000.00");
    assert_eq!(customer_balance(&env, "HW"), "126000.00");
    assert_money_adds_up(&env);

    // Held credit waits for `pay apply`: part to a named invoice, then the rest FIFO.
    let pay = env.json(&["pay", "add", "ZTE", "3000", "--date", "2026-11-12", "--hold-credit"]);
    assert_eq!((&pay["id"], &pay["unapplied"]), (&json!(4), &json!("3000.00")));
    let note = env.ok_note(&["invoice", "add", "Z-1", "ZTE", "2000", "--date", "2026-11-15"]);
    assert!(!note.contains("applied"), "held credit is not applied by itself: {note}");
    assert_eq!(env.json(&["invoice", "show", "Z-1"])["balance"], "2000.00");
    assert_eq!(customer_balance(&env, "ZTE"), "-1000.00");
    let pay = env.json(&["pay", "apply", "4", "--invoice", "Z-1", "--amount", "1500"]);
    assert_eq!(
        pay,
        json!({
            "id": 4, "customer": "ZTE", "date": "2026-11-12", "amount": "3000.00", "unapplied": "1500.00",
            "allocations": [{"invoice": "Z-1", "due_date": "2026-12-30", "amount": "1500.00"}],
        })
    );
    let pay = env.json(&["pay", "apply", "4"]);
    assert_eq!(pay["unapplied"], "1000.00");
    assert_eq!(
        pay["allocations"],
        json!([
            {"invoice": "Z-1", "due_date": "2026-12-30", "amount": "1500.00"},
            {"invoice": "Z-1", "due_date": "2026-12-30", "amount": "500.00"},
        ])
    );
    assert_eq!(env.json(&["invoice", "show", "Z-1"])["status"], "paid");
    assert_eq!(customer_balance(&env, "ZTE"), "-1000.00");
    assert_money_adds_up(&env);

    // Imports (UTF-8): invoices on terms or with a due date, then payments.
    let file = env.fixture("invoices.csv");
    let note = env.ok_note(&["invoice", "import", &file]);
    assert!(note.contains("imported 3 invoices totalling 23,500.50 from invoices.csv (UTF-8)"), "{note}");
    let byd = env.json(&["invoice", "list", "--customer", "BYD"]);
    assert_eq!(
        byd,
        json!([
            {"number": "BYD-2026-01", "customer": "BYD", "issue_date": "2026-09-15", "next_due": "2026-10-15",
             "amount": "12000.00", "balance": "12000.00", "status": "open",
             "net": null, "tax": null, "tax_rate": null, "vat_number": null, "contract": null, "salesperson": null},
            {"number": "BYD-2026-02", "customer": "BYD", "issue_date": "2026-10-15", "next_due": "2026-12-31",
             "amount": "8000.00", "balance": "8000.00", "status": "open",
             "net": null, "tax": null, "tax_rate": null, "vat_number": null, "contract": null, "salesperson": null},
        ])
    );
    assert_eq!(
        env.json(&["invoice", "show", "XM-2026-01"])["installments"],
        json!([{"due_date": "2026-12-01", "amount": "3500.50", "balance": "3500.50"}])
    );
    let file = env.fixture("payments.csv");
    let note = env.ok_note(&["pay", "import", &file]);
    assert!(note.contains("imported 2 payments totalling 19,000.00 from payments.csv (UTF-8)"), "{note}");
    assert_eq!(
        env.json(&["pay", "show", "5"]),
        json!({
            "id": 5, "customer": "BYD", "date": "2026-11-01", "amount": "15000.00", "unapplied": "0.00",
            "allocations": [
                {"invoice": "BYD-2026-01", "due_date": "2026-10-15", "amount": "12000.00"},
                {"invoice": "BYD-2026-02", "due_date": "2026-12-31", "amount": "3000.00"},
            ],
        })
    );
    assert_eq!(
        env.json(&["pay", "show", "6"]),
        json!({
            "id": 6, "customer": "XM", "date": "2026-11-18", "amount": "4000.00", "unapplied": "499.50",
            "allocations": [{"invoice": "XM-2026-01", "due_date": "2026-12-01", "amount": "3500.50"}],
        })
    );
    assert_money_adds_up(&env);

    // Where everyone stands at the end of the day.
    assert_eq!(
        env.json(&["customer", "list"]),
        json!([
            {"code": "ACME", "name": "Acme Trading Ltd", "grade": null, "credit_limit": null, "balance": "300.00", "on_hold": false},
            {"code": "BYD", "name": "比亚迪股份有限公司", "grade": "C", "credit_limit": null, "balance": "5000.00", "on_hold": false},
            {"code": "HW", "name": "华为技术有限公司", "grade": "A", "credit_limit": "500000.00", "balance": "126000.00", "on_hold": false},
            {"code": "XM", "name": "小米科技有限责任公司", "grade": null, "credit_limit": null, "balance": "-499.50", "on_hold": false},
            {"code": "ZTE", "name": "中兴通讯股份有限公司", "grade": "B", "credit_limit": "200000.00", "balance": "-1000.00", "on_hold": false},
        ])
    );
}

/// A customer's balance as `customer list --format json` gives it.
fn customer_balance(env: &TestEnv, code: &str) -> String {
    let list = env.json(&["customer", "list"]);
    crate::common::row(&list, "code", code)["balance"].as_str().expect("balance is a string").to_string()
}
