//! Late interest and the early-payment discount as an auditor checks them
//! (DESIGN §2): interest a late part earned stays owed after it is paid
//! until posted or waived; each day is charged at the rate in force that
//! day; days in dispute bear none; a discount earned inside its window
//! closes the invoice with its own dated entry.

use crate::common::TestEnv;

/// A book with customer ACME and invoice I-1 of 10,000.00 due 2026-01-31.
fn book() -> TestEnv {
    let env = TestEnv::new();
    env.ok(&["-q", "customer", "add", "ACME", "Acme Ltd"]);
    env.ok(&["-q", "invoice", "add", "I-1", "ACME", "10000", "--date", "2026-01-01", "--due", "2026-01-31"]);
    env
}

fn owed(env: &TestEnv, as_of: &str) -> String {
    env.json(&["dun", "interest", "--as-of", as_of])["total"].as_str().unwrap().to_string()
}

#[test]
fn interest_a_late_payment_earned_stays_owed_until_posted_or_waived() {
    let env = book();
    env.ok(&["-q", "pay", "add", "ACME", "10000", "--date", "2026-03-02"]);
    // 29 days as of 2026-03-01; 30 days (until the payment) from then on.
    assert_eq!(owed(&env, "2026-03-01"), "145.00");
    assert_eq!(owed(&env, "2026-03-31"), "150.00");
    env.ok(&["-q", "dun", "waive", "ACME", "--amount", "50", "--reason", "goodwill", "--date", "2026-03-31"]);
    let j = env.json(&["dun", "interest", "--as-of", "2026-03-31"]);
    let inv = &j["customers"][0]["invoices"][0];
    assert_eq!(
        (&inv["accrued"], &inv["posted"], &inv["waived"], &inv["owed"], &inv["interest"]),
        (&"150.00".into(), &"0.00".into(), &"50.00".into(), &"100.00".into(), &"100.00".into())
    );
    // The waiver is dated: before it, the whole 150.00 was owed.
    assert_eq!(owed(&env, "2026-03-30"), "150.00");
    let posted = env.json(&["--as-of", "2026-03-31", "dun", "charge-interest"]);
    assert_eq!(posted[0]["amount"], "100.00", "{posted:#}");
    assert_eq!(owed(&env, "2026-03-31"), "0.00");
    assert_eq!(env.json(&["invoice", "show", "INT-ACME-202603"])["amount"], "100.00");
    // Nothing is left to waive: what was owed is now an invoice.
    let (code, err) = env.fail(&["dun", "waive", "ACME", "--reason", "again", "--date", "2026-03-31"]);
    assert_eq!(code, 1);
    assert!(err.contains("no interest is owed as of 2026-03-31"), "{err}");
}

#[test]
fn the_design_worked_example_still_gives_110() {
    let env = book();
    env.ok(&["-q", "pay", "add", "ACME", "4000", "--date", "2026-02-10"]);
    assert_eq!(owed(&env, "2026-03-02"), "110.00");
}

#[test]
fn each_day_is_charged_at_the_rate_in_force_and_a_change_leaves_the_past_alone() {
    let env = book();
    env.ok(&["-q", "config", "set", "interest_rate", "0.03%", "--from", "2026-03-01"]);
    // 28 × 5.00 + 31 × 3.00
    assert_eq!(owed(&env, "2026-03-31"), "233.00");
    assert_eq!(owed(&env, "2026-02-28"), "140.00");
    // A customer's own rate from a day on, and back to the book's.
    env.ok(&["-q", "customer", "edit", "ACME", "--interest-rate", "0.1%", "--from", "2026-03-21"]);
    // 28 × 5.00 + 20 × 3.00 + 11 × 10.00
    assert_eq!(owed(&env, "2026-03-31"), "310.00");
    env.ok(&["-q", "customer", "edit", "ACME", "--interest-rate", "none", "--from", "2026-03-31"]);
    // 28 × 5.00 + 20 × 3.00 + 10 × 10.00 + 1 × 3.00
    assert_eq!(owed(&env, "2026-03-31"), "303.00");
}

#[test]
fn a_rate_change_in_a_closed_month_is_refused_and_posted_interest_stays() {
    let env = book();
    env.ok(&["-q", "--as-of", "2026-02-28", "dun", "charge-interest"]);
    env.ok(&["-q", "close", "2026-02"]);
    let before = env.ok(&["dun", "interest", "--as-of", "2026-02-28", "--format", "csv"]);
    let (code, err) = env.fail(&["config", "set", "interest_rate", "0.03%", "--from", "2026-02-01"]);
    assert_eq!(code, 1);
    assert!(err.contains("2026-02-01 is in a closed period"), "{err}");
    env.ok(&["-q", "config", "set", "interest_rate", "0.03%", "--from", "2026-03-01"]);
    assert_eq!(env.ok(&["dun", "interest", "--as-of", "2026-02-28", "--format", "csv"]), before);
    assert_eq!(env.json(&["invoice", "show", "INT-ACME-202602"])["amount"], "140.00");
    // March: 31 days at 0.03 % on top of February's, which was posted.
    assert_eq!(owed(&env, "2026-03-31"), "93.00");
}

#[test]
fn days_in_dispute_bear_no_interest_even_after_it_is_resolved() {
    let env = book();
    env.ok(&["-q", "invoice", "dispute", "I-1", "--date", "2026-02-11", "--reason", "damaged"]);
    assert_eq!(owed(&env, "2026-03-31"), "50.00", "10 days before the dispute");
    env.ok(&["-q", "invoice", "undispute", "I-1", "--date", "2026-03-01"]);
    // February 1–10 and March 1–31.
    assert_eq!(owed(&env, "2026-03-31"), "205.00");
}

#[test]
fn an_early_payment_discount_closes_the_invoice_with_its_own_entry() {
    let env = TestEnv::new();
    env.ok(&["-q", "customer", "add", "ACME", "Acme Ltd"]);
    for n in ["D-1", "D-2"] {
        env.ok(&["-q", "invoice", "add", n, "ACME", "50000", "--date", "2026-03-01", "--discount", "2/10"]);
    }
    // Day 8 of D-1: 49,000.00 closes it; day 11 of D-2 is outside the window.
    env.ok(&["-q", "pay", "add", "ACME", "49000", "--date", "2026-03-09", "--invoice", "D-1"]);
    env.ok(&["-q", "pay", "add", "ACME", "49000", "--date", "2026-03-12", "--invoice", "D-2"]);
    assert_eq!(env.json(&["invoice", "show", "D-1"])["balance"], "0.00");
    assert_eq!(env.json(&["invoice", "show", "D-2"])["balance"], "1000.00");
    let aging = env.json(&["report", "aging", "--as-of", "2026-03-31"]);
    let tie = &aging["tie_out"];
    assert_eq!(
        (&tie["invoiced"], &tie["collected"], &tie["discounts"], &tie["written_off"], &tie["outstanding"]),
        (&"100000.00".into(), &"98000.00".into(), &"1000.00".into(), &"0.00".into(), &"1000.00".into())
    );
    let text = env.ok(&["report", "aging", "--as-of", "2026-03-31"]);
    assert!(text.contains("− collected 98,000.00 − discounts 1,000.00 − written off 0.00 ✓"), "{text}");
    let statement = env.ok(&["report", "statement", "ACME", "--from", "2026-03-01", "--to", "2026-03-31"]);
    let line = statement.lines().find(|l| l.contains("Discount allowed")).unwrap_or_else(|| panic!("{statement}"));
    assert!(line.contains("2026-03-09") && line.contains("D-1") && line.contains("1,000.00"), "{line}");
    // Voiding the payment takes the discount back: 50,000.00 open again.
    env.ok(&["-q", "pay", "void", "1", "--yes"]);
    assert_eq!(env.json(&["invoice", "show", "D-1"])["balance"], "50000.00");
    assert_eq!(env.json(&["report", "aging", "--as-of", "2026-03-31"])["tie_out"]["discounts"], "0.00");
}

#[test]
fn letters_and_statements_show_the_owed_figure_and_the_rates_used() {
    let env = book();
    env.ok(&["-q", "config", "set", "interest_rate", "0.03%", "--from", "2026-03-01"]);
    assert_eq!(owed(&env, "2026-03-31"), "233.00");
    let letter = env.ok(&["--as-of", "2026-03-31", "dun", "letter", "ACME", "--level", "3"]);
    assert!(letter.contains("233.00"), "{letter}");
    assert!(letter.contains("(0.05% from 2026-02-01; 0.03% from 2026-03-01)"), "the rates used:\n{letter}");
    let statement = env.ok(&["report", "statement", "ACME", "--from", "2026-03-01", "--to", "2026-03-31"]);
    assert!(
        statement
            .contains("Late interest owed as of 2026-03-31, not yet invoiced and not in the balance above: 233.00 CNY"),
        "{statement}"
    );
    // A paid invoice still owes what it earned; the statement says so too.
    env.ok(&["-q", "pay", "add", "ACME", "10000", "--date", "2026-03-31"]);
    let statement = env.ok(&["report", "statement", "ACME", "--from", "2026-03-01", "--to", "2026-04-30"]);
    assert!(statement.contains("not in the balance above: 233.00 CNY"), "{statement}");
    assert_eq!(owed(&env, "2026-04-30"), "233.00");
}

/// The worklist's interest column for ACME as of a date.
fn worklist_interest(env: &TestEnv, as_of: &str) -> String {
    let list = env.json(&["--as-of", as_of, "dun", "list"]);
    let row = list.as_array().unwrap().iter().find(|r| r["customer"] == "ACME");
    row.unwrap_or_else(|| panic!("ACME is on the worklist: {list:#}"))["interest"].as_str().unwrap().to_string()
}

#[test]
fn the_worklist_counts_interest_kept_for_paid_invoices_and_follows_a_rate_change() {
    let env = book();
    // I-1 paid in full 30 days late: 150.00 it earned stays owed; I-2
    // (1,000.00 due 2026-02-28) is open: 31 days as of 2026-03-31.
    env.ok(&["-q", "pay", "add", "ACME", "10000", "--date", "2026-03-02"]);
    env.ok(&["-q", "invoice", "add", "I-2", "ACME", "1000", "--date", "2026-02-01", "--due", "2026-02-28"]);
    assert_eq!(worklist_interest(&env, "2026-03-31"), "165.50");
    assert_eq!(owed(&env, "2026-03-31"), "165.50");
    // From 2026-03-01 at 0.03 %: I-1 28 × 5.00 + 2 × 3.00, I-2 31 × 0.30.
    env.ok(&["-q", "config", "set", "interest_rate", "0.03%", "--from", "2026-03-01"]);
    assert_eq!(worklist_interest(&env, "2026-03-31"), "155.30");
    assert_eq!(owed(&env, "2026-03-31"), "155.30");
    // Before the payment, I-1 was open (the kept figure does not count yet):
    // 28 × 5.00 + 1 × 3.00 on I-1, 1 × 0.30 on I-2.
    assert_eq!(worklist_interest(&env, "2026-03-01"), "143.30");
}

#[test]
fn check_names_a_kept_interest_figure_edited_by_hand_and_rebuild_restores_it() {
    let env = book();
    env.ok(&["-q", "pay", "add", "ACME", "10000", "--date", "2026-03-02"]);
    env.ok(&["check"]);
    env.connect().execute_batch("UPDATE late_interest SET accrued = 1").unwrap();
    let (code, err) = env.fail(&["check"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("late interest kept as 0.01 from 2026-03-02 but its settlements give 150.00 from 2026-03-02"),
        "{err}"
    );
    assert!(err.contains("huikuan check --rebuild-interest"), "{err}");
    env.ok(&["check", "--rebuild-interest"]);
    env.ok(&["check"]);
}

#[test]
fn check_names_a_kept_open_balance_edited_by_hand_and_rebuild_restores_the_aging() {
    let env = book();
    let aging = env.ok(&["report", "aging", "--format", "csv"]);
    env.ok(&["check"]);
    env.connect()
        .execute_batch(
            "UPDATE open_balances SET amount = amount + 100;
             UPDATE daily_totals SET invoiced = invoiced + 100 WHERE invoiced > 0",
        )
        .unwrap();
    let (code, err) = env.fail(&["check"]);
    assert_eq!(code, 1);
    assert!(err.contains("open balances: customer ACME, due "), "{err}");
    assert!(err.contains("daily totals of "), "{err}");
    assert!(err.contains("huikuan check --rebuild-balances"), "{err}");
    env.ok(&["check", "--rebuild-balances"]);
    env.ok(&["check"]);
    assert_eq!(env.ok(&["report", "aging", "--format", "csv"]), aging);
}
