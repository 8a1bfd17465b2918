//! Payment plans (分期还款协议) and customers' cut-off days (扎账日), as
//! issue 18 asks them shown: an overdue invoice rescheduled ages as current
//! while the interest it earned stays owed, a missed plan installment is a
//! broken promise, and a reminder reaches a customer before its books close.

use serde_json::Value;

use crate::common::{TestEnv, assert_money_adds_up, assert_one_error_line, cents, rows};

/// Run on `today` (the sealed environment's today is 2026-11-22).
fn on(env: &TestEnv, today: &str, args: &[&str]) -> String {
    let out = env.command(args).env("HUIKUAN_TODAY", today).output().unwrap();
    assert!(out.status.success(), "huikuan {} on {today}: {}", args.join(" "), String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

fn json_on(env: &TestEnv, today: &str, args: &[&str]) -> Value {
    let mut all = args.to_vec();
    all.extend(["--format", "json"]);
    serde_json::from_str(&on(env, today, &all)).unwrap()
}

/// Customer HW with invoice INV-1 of 30,000.00 issued 2026-09-13 on 30 days'
/// terms: due 2026-10-13, 40 days overdue on 2026-11-22 (today).
fn book() -> TestEnv {
    let env = TestEnv::new();
    env.ok(&["-q", "customer", "add", "HW", "华为技术有限公司"]);
    env.ok(&["-q", "invoice", "add", "INV-1", "HW", "30000", "--date", "2026-09-13"]);
    env
}

/// Reschedule INV-1 into 3 × 10,000.00 from today (2026-11-22): due
/// 2026-12-22, 2027-01-22 and 2027-02-22.
fn reschedule(env: &TestEnv) {
    env.ok(&[
        "-q",
        "invoice",
        "reschedule",
        "INV-1",
        "--split",
        "3",
        "--from",
        "2026-11-22",
        "--note",
        "资金紧张",
        "--yes",
    ]);
}

/// The aging row of HW as of a date: (current, 1-30, 31-60, 61-90, 91+).
fn aging(env: &TestEnv, as_of: &str) -> (Value, Vec<i64>) {
    let j = env.json(&["report", "aging", "--as-of", as_of]);
    let hw = rows(&j["customers"]).iter().find(|c| c["code"] == "HW").cloned().expect("HW in the aging");
    let buckets = ["current", "1-30", "31-60", "61-90", "91+"].iter().map(|b| cents(&hw["totals"][b])).collect();
    (j, buckets)
}

fn interest(env: &TestEnv, as_of: &str) -> String {
    env.json(&["dun", "interest", "--as-of", as_of])["total"].as_str().unwrap().to_string()
}

#[test]
fn an_overdue_invoice_rescheduled_ages_as_current_and_its_interest_to_that_day_stays_owed() {
    let env = book();
    // Grace is 0 days by default: 30,000.00 × 0.05 % × 40 days late = 600.00.
    assert_eq!(env.json(&["config"])["grace_days"], 0);
    assert_eq!(aging(&env, "2026-11-22").1, [0, 0, 3_000_000, 0, 0], "40 days late: 31-60");
    assert_eq!(interest(&env, "2026-11-22"), "600.00");

    reschedule(&env);
    let show = env.json(&["invoice", "show", "INV-1"]);
    assert_eq!(
        (&show["amount"], &show["balance"], &show["status"]),
        (&"30000.00".into(), &"30000.00".into(), &"open".into())
    );
    let plan = &show["plans"][0];
    assert_eq!((&plan["date"], &plan["note"]), (&"2026-11-22".into(), &"资金紧张".into()));
    let parts = |v: &Value| -> Vec<(String, String, String)> {
        rows(v)
            .iter()
            .map(|p| {
                (p["seq"].to_string(), p["due_date"].as_str().unwrap().into(), p["amount"].as_str().unwrap().into())
            })
            .collect()
    };
    let part = |seq: &str, due: &str, amount: &str| (seq.to_string(), due.to_string(), amount.to_string());
    assert_eq!(parts(&plan["replaced"]), [part("1", "2026-10-13", "30000.00")]);
    assert_eq!(
        parts(&plan["installments"]),
        [part("2", "2026-12-22", "10000.00"), part("3", "2027-01-22", "10000.00"), part("4", "2027-02-22", "10000.00")]
    );
    let old = &show["installments"][0];
    assert_eq!((&old["balance"], &old["moved"]), (&"0.00".into(), &"30000.00".into()));

    // Aging moves it to current; the day before, the book stands as it was.
    let (j, buckets) = aging(&env, "2026-11-22");
    assert_eq!(buckets, [3_000_000, 0, 0, 0, 0]);
    let tie = &j["tie_out"];
    assert_eq!((cents(&tie["outstanding"]), cents(&tie["written_off"])), (3_000_000, 0), "{tie}");
    assert_eq!(aging(&env, "2026-11-21").1, [0, 0, 3_000_000, 0, 0]);
    // Interest up to the reschedule date stays owed; the plan bears none
    // until its first installment is late: one day on 10,000.00 is 5.00.
    assert_eq!(interest(&env, "2026-11-22"), "600.00");
    assert_eq!(interest(&env, "2026-12-22"), "600.00");
    assert_eq!(interest(&env, "2026-12-23"), "605.00");
    // Not chased for the rescheduled amount until the plan's first reminder.
    assert!(rows(&env.json(&["dun", "list"])).is_empty());

    // A payment dated before the plan, entered now, pays the plan from its date.
    env.ok(&["-q", "pay", "add", "HW", "10000", "--date", "2026-11-20"]);
    let (j, buckets) = aging(&env, "2026-11-21");
    assert_eq!(buckets, [0, 0, 3_000_000, 0, 0]);
    assert_eq!(cents(&rows(&j["customers"])[0]["unapplied"]), 1_000_000);
    assert_eq!(aging(&env, "2026-11-22").1, [2_000_000, 0, 0, 0, 0]);
    assert!(env.ok_note(&["check"]).contains("checks passed"));
    assert_money_adds_up(&env);
}

#[test]
fn missing_the_first_plan_installment_goes_one_level_above_the_last_step_before_the_plan() {
    let env = book();
    // 19 days late: the formal letter (level 3) was sent.
    env.ok(&["-q", "dun", "log", "HW", "--step", "3", "--channel", "letter", "--date", "2026-11-01"]);
    reschedule(&env);
    let list = |today| json_on(&env, today, &["dun", "list"]);
    assert!(rows(&list("2026-12-18")).is_empty());
    // The usual pre-due reminder, 3 days before the first plan installment.
    let r = &list("2026-12-19")[0];
    assert_eq!((&r["level"], &r["overdue"]), (&0.into(), &"0.00".into()));
    // Missed: one level above the letter, not the gentle reminder (level 2).
    let r = &list("2026-12-23")[0];
    assert_eq!((&r["level"], &r["overdue"], &r["days_overdue"]), (&4.into(), &"10000.00".into(), &1.into()));
    assert!(r["reason"].as_str().unwrap().contains("payment plan installment of 2026-12-22 missed"), "{r}");
}

#[test]
fn a_reschedule_dated_in_a_closed_month_is_refused_and_one_after_it_leaves_the_close_intact() {
    let env = book();
    env.ok(&["-q", "close", "2026-10"]);
    let before = env.book_fingerprint();
    let (code, err) = env.fail(&["invoice", "reschedule", "INV-1", "--split", "3", "--from", "2026-10-31", "--yes"]);
    assert_eq!(code, 1);
    assert_one_error_line(&err, "2026-10-31 is in a closed period");
    assert_eq!(env.book_fingerprint(), before);
    // The invoice was issued in the closed month: its plan from an open day
    // changes nothing the close holds.
    reschedule(&env);
    assert!(env.ok_note(&["check"]).contains("checks passed"));
    assert_eq!(aging(&env, "2026-10-31").1, [0, 3_000_000, 0, 0, 0], "the closed month as it was: 18 days late");
}

#[test]
fn installments_that_do_not_add_up_to_the_open_balance_are_refused_with_the_difference() {
    let env = book();
    env.ok(&["-q", "pay", "add", "HW", "6000", "--date", "2026-11-01"]);
    let before = env.book_fingerprint();
    let args = ["invoice", "reschedule", "INV-1", "--from", "2026-11-22", "--yes"];
    let (code, err) =
        env.fail(&[&args[..], &["--installment", "2026-12-31:10000", "--installment", "2027-01-31:15000"]].concat());
    assert_eq!(code, 1);
    assert_one_error_line(
        &err,
        "the installments add up to 25,000.00, the open balance of INV-1 is 24,000.00: 1,000.00 over it",
    );
    let (_, err) = env.fail(&[&args[..], &["--installment", "2026-12-31:10000"]].concat());
    assert_one_error_line(&err, "14,000.00 short of it");
    assert_eq!(env.book_fingerprint(), before);
    env.ok(&[
        "-q",
        "invoice",
        "reschedule",
        "INV-1",
        "--from",
        "2026-11-22",
        "--installment",
        "2026-12-31:10000",
        "--installment",
        "2027-01-31:14000",
        "--yes",
    ]);
    assert_eq!(env.json(&["invoice", "show", "INV-1"])["balance"], "24000.00");
    assert!(env.ok_note(&["check"]).contains("checks passed"));
    assert_money_adds_up(&env);
}

#[test]
fn a_reminder_reaches_a_customer_before_its_books_close_and_says_why() {
    let env = TestEnv::new();
    env.ok(&["-q", "customer", "add", "HW", "华为技术有限公司"]);
    env.ok(&[
        "-q",
        "customer",
        "edit",
        "HW",
        "--cutoff-day",
        "25",
        "--pay-days",
        "25,10",
        "--invoice-needs",
        "PO number",
    ]);
    env.ok(&["-q", "invoice", "add", "INV-5", "HW", "8000", "--date", "2026-11-01", "--due", "2026-12-05"]);
    let card = env.json(&["customer", "show", "HW"]);
    assert_eq!(
        (&card["cutoff_day"], &card["pay_days"], &card["invoice_needs"]),
        (&25.into(), &serde_json::json!([10, 25]), &"PO number".into())
    );
    // Due on the 5th, books close on the 25th: level 0 (3 days before) on the 22nd of the month before.
    assert!(rows(&json_on(&env, "2026-11-21", &["dun", "list"])).is_empty());
    let r = &json_on(&env, "2026-11-22", &["dun", "list"])[0];
    assert_eq!((&r["customer"], &r["level"]), (&"HW".into(), &0.into()));
    assert_eq!(r["reason"], "due in 13 days; their books close on the 25th");
    let zh = &json_on(&env, "2026-11-22", &["--lang", "zh", "dun", "list"])[0];
    assert!(zh["reason"].as_str().unwrap().contains("客户每月 25 日扎账"), "{zh}");
    assert_eq!(
        json_on(&env, "2026-11-24", &["dun", "list"])[0]["level"],
        1,
        "the phone call the day before they close"
    );
    // Removed, the reminder is 3 days before the due date again.
    env.ok(&["-q", "customer", "edit", "HW", "--cutoff-day", "none", "--pay-days", "none", "--invoice-needs", ""]);
    assert!(rows(&json_on(&env, "2026-11-22", &["dun", "list"])).is_empty());
    assert_eq!(env.json(&["customer", "show", "HW"])["cutoff_day"], Value::Null);
}

/// What fell due in a period (and so 回款率) counts a part a payment plan
/// moved by the period's end once, by its new due date: not again under
/// the installment it was moved from.
#[test]
fn a_balance_moved_to_a_plan_falls_due_once_in_the_collection_figures() {
    let env = book();
    // INV-1 (30,000.00 due 2026-10-13): 10,000.00 paid late on 10-20, the
    // rest moved on 10-25 into 2 × 10,000.00 due 11-25 and 12-25.
    on(&env, "2026-10-20", &["-q", "pay", "add", "HW", "10000", "--date", "2026-10-20"]);
    on(&env, "2026-10-25", &["-q", "invoice", "reschedule", "INV-1", "--split", "2", "--from", "2026-10-25", "--yes"]);
    let figures = |from: &str, to: &str| {
        let j = json_on(&env, "2026-12-31", &["report", "collection", "--from", from, "--to", to]);
        let t = &j["total"];
        (cents(&t["fell_due"]), cents(&t["collected_on_due"]), t["collection_rate"].clone())
    };
    // Before the plan was made, the whole installment fell due.
    assert_eq!(figures("2026-10-01", "2026-10-22"), (3_000_000, 1_000_000, "33.3".into()));
    // By the month's end 20,000.00 of it was moved: it falls due in the plan.
    assert_eq!(figures("2026-10-01", "2026-10-31"), (1_000_000, 1_000_000, "100.0".into()));
    assert_eq!(figures("2026-11-01", "2026-11-30"), (1_000_000, 0, "0.0".into()));
    assert_eq!(figures("2026-12-01", "2026-12-31"), (1_000_000, 0, "0.0".into()));
    // Each part once: October to December add up to the invoice.
    assert_eq!(figures("2026-10-01", "2026-12-31").0, 3_000_000);
    // The AR at either end of a period is the aging's: the plan's
    // installments count from the plan's date, not twice before it.
    for (from, to) in [("2026-10-01", "2026-10-22"), ("2026-10-23", "2026-10-31"), ("2026-09-01", "2026-11-30")] {
        let j = json_on(&env, "2026-12-31", &["report", "collection", "--from", from, "--to", to]);
        let before = chrono_pred(from);
        for (field, as_of) in [("beginning_ar", before.as_str()), ("ending_ar", to)] {
            let aging = json_on(&env, "2026-12-31", &["report", "aging", "--as-of", as_of]);
            assert_eq!(cents(&j["total"][field]), cents(&aging["total"]), "{field} of {from} to {to}");
        }
    }
    let oct = json_on(&env, "2026-12-31", &["report", "collection", "--from", "2026-10-01", "--to", "2026-10-22"]);
    assert_eq!((cents(&oct["total"]["beginning_ar"]), cents(&oct["total"]["ending_ar"])), (3_000_000, 2_000_000));
}

/// The day before a `YYYY-MM-DD` date.
fn chrono_pred(date: &str) -> String {
    let d = chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").unwrap();
    d.pred_opt().unwrap().to_string()
}
