//! What an auditor relies on after month-end (DESIGN §2 Period close, §10):
//! a closed month's figures never change — not by a later `config set`,
//! and not silently by hand-written SQL, which `check` names.

use crate::common::TestEnv;

/// A book with two customers, October's invoices and payments, closed
/// through October (today is 2026-11-22).
fn closed_book() -> TestEnv {
    let env = TestEnv::new();
    env.ok(&["-q", "customer", "add", "HY", "深圳华远电子有限公司", "--terms", "30"]);
    env.ok(&["-q", "customer", "add", "XM", "Xiamen Star Trading Co., Ltd.", "--terms", "30"]);
    env.ok(&["-q", "invoice", "add", "INV-1", "HY", "100000", "--date", "2025-09-01"]);
    env.ok(&["-q", "invoice", "add", "INV-2", "HY", "50000", "--date", "2026-08-15"]);
    env.ok(&["-q", "invoice", "add", "INV-3", "XM", "30000", "--date", "2026-10-01"]);
    env.ok(&["-q", "pay", "add", "HY", "20000", "--date", "2026-10-20"]);
    env.ok(&["-q", "close", "2026-10"]);
    env
}

/// Every report of the closed month-end, as printed.
fn month_end_reports(env: &TestEnv, dir: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for args in [
        vec!["report", "provision", "--as-of", "2026-10-31", "--format", "json"],
        vec!["report", "provision", "--as-of", "2026-10-31"],
        vec!["dun", "interest", "--as-of", "2026-10-31", "--format", "json"],
        vec!["dun", "interest", "--as-of", "2026-10-31", "--detail"],
        vec!["report", "collection", "--period", "2026-10", "--format", "json"],
        vec!["report", "aging", "--as-of", "2026-10-31"],
    ] {
        out.push((args.join(" "), env.ok(&args)));
    }
    let path = env.ok(&["report", "pack", "--period", "2026-10", "--out", dir]);
    let page = std::fs::read_to_string(env.path().join(path.trim())).expect("the pack");
    out.push(("report pack".into(), page));
    out
}

#[test]
fn a_closed_month_reprints_byte_for_byte_after_any_config_set() {
    let env = closed_book();
    let before = month_end_reports(&env, "before");
    for (key, value) in [
        ("provision_rates", "10,20,40,60,90,100"),
        ("grace_days", "10"),
        ("interest_rate", "0.1%"),
        ("company", "另一家公司"),
        ("escalate_amount", "1"),
        ("repeat_days", "3"),
    ] {
        env.ok(&["-q", "config", "set", key, value]);
    }
    let after = month_end_reports(&env, "after");
    for ((what, a), (_, b)) in before.iter().zip(&after) {
        assert_eq!(a, b, "huikuan {what} changed after config set");
    }
    // The open month follows the new settings: November's provision uses them.
    let nov = env.json(&["report", "provision", "--as-of", "2026-11-30"]);
    let oct = env.json(&["report", "provision", "--as-of", "2026-10-31"]);
    assert_ne!(nov["provision"], oct["provision"], "{nov:#}");
    env.ok(&["check"]);
}

/// `check` fails and names `expected` after `sql` ran on a closed book.
fn tampered(sql: &str, expected: &[&str]) {
    let env = closed_book();
    env.ok(&["check"]);
    env.connect().execute_batch(sql).expect("the raw edit");
    let (code, err) = env.fail(&["check"]);
    assert_eq!(code, 1, "{err}");
    for e in expected {
        assert!(err.contains(e), "check after `{sql}` should say {e:?}:\n{err}");
    }
}

#[test]
fn check_names_a_due_date_moved_inside_a_closed_month() {
    tampered(
        "UPDATE installments SET due_date = '2026-10-30' WHERE invoice_id = (SELECT id FROM invoices WHERE number = 'INV-2')",
        &["closed period 2026-10: HY", "rows dated in it were changed behind the program's back"],
    );
}

#[test]
fn check_names_an_invoice_moved_to_another_customer() {
    // The invoice alone: its installments still say HY.
    tampered(
        "UPDATE invoices SET customer_id = (SELECT id FROM customers WHERE code = 'HY') WHERE number = 'INV-3'",
        &[
            "invoice INV-3 belongs to HY but its installment 1 to XM",
            "rows dated in it were changed behind the program's back",
        ],
    );
    // Invoice and installments together: the closed aging per customer shows it.
    tampered(
        "UPDATE invoices SET customer_id = (SELECT id FROM customers WHERE code = 'HY') WHERE number = 'INV-3';
         UPDATE installments SET customer_id = (SELECT id FROM customers WHERE code = 'HY')
          WHERE invoice_id = (SELECT id FROM invoices WHERE number = 'INV-3');",
        &["closed period 2026-10: HY current was 0.00 at close, is 30,000.00 now", "closed period 2026-10: XM current"],
    );
}

#[test]
fn check_names_a_deleted_or_edited_close_record() {
    tampered("DELETE FROM closes", &["closes: the latest close was changed or removed after it was written"]);
    tampered(
        "UPDATE closes SET settings_json = '{}'",
        &["close 2026-10: the record, or the one before it, was changed or removed after it was written"],
    );
}

#[test]
fn check_passes_on_a_clean_book_whose_figures_pass_a_trillion() {
    // A book in a high-denomination currency, made as a migrated book may
    // hold it (the program itself keeps new totals within the input limit):
    // its stored aging is read exactly, never as 0.
    let env = TestEnv::new();
    env.ok(&["-q", "init", "--company", "PT Contoh", "--currency", "IDR"]);
    env.ok(&["-q", "customer", "add", "BIG", "PT Besar"]);
    env.ok(&["-q", "invoice", "add", "B-1", "BIG", "900000000000", "--date", "2026-09-01"]);
    let conn = env.connect();
    conn.execute_batch(
        "INSERT INTO invoices (number, customer_id, issue_date, amount) VALUES ('B-2', 1, '2026-09-02', 90000000000000);
         INSERT INTO installments (invoice_id, customer_id, seq, due_date, amount, invoice_issued)
           VALUES ((SELECT id FROM invoices WHERE number = 'B-2'), 1, 1, '2026-10-02', 90000000000000, '2026-09-02');
         -- As the program counts a new installment in the open balances.
         INSERT INTO open_balances (customer_id, due_date, issue_date, counts_from, amount, items)
           VALUES (1, '2026-10-02', '2026-09-02', '2026-09-02', 90000000000000, 1);
         INSERT INTO events (at, command, summary) VALUES ('2026-09-02T00:00:00Z', 'invoice add', 'B-2');",
    )
    .unwrap();
    env.ok(&["-q", "close", "2026-10"]);
    let aging = env.json(&["report", "aging", "--as-of", "2026-10-31"]);
    assert_eq!(aging["total"], "1800000000000.00");
    env.ok(&["check"]);
}
