//! The collection worklist over time, the action log, promises and holds.

use std::process::Output;

use crate::common::TestEnv;

/// Run with "today" set to a day relative to 2026-03-31 (the due date).
fn on(env: &TestEnv, day: i64, args: &[&str]) -> Output {
    let due = chrono::NaiveDate::from_ymd_opt(2026, 3, 31).unwrap();
    let today = due + chrono::Duration::days(day);
    env.command(args).env("HUIKUAN_TODAY", today.to_string()).output().unwrap()
}

fn list(env: &TestEnv, day: i64) -> serde_json::Value {
    let out = on(env, day, &["dun", "list", "--format", "json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The worklist level of customer A on a day, or None when nothing is due.
fn level(env: &TestEnv, day: i64) -> Option<u64> {
    list(env, day).as_array().unwrap().iter().find(|r| r["customer"] == "A").map(|r| r["level"].as_u64().unwrap())
}

fn ok(env: &TestEnv, day: i64, args: &[&str]) {
    let out = on(env, day, args);
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn the_worklist_climbs_the_ladder_day_by_day_and_holds_at_level_four() {
    let env = TestEnv::new();
    ok(&env, -40, &["-q", "customer", "add", "A", "Alpha Ltd", "--score", "70"]);
    ok(&env, -40, &["-q", "invoice", "add", "I-1", "A", "50000", "--due", "2026-03-31"]);

    assert_eq!(level(&env, -10), None, "nothing before the reminder window");
    assert_eq!(level(&env, -3), Some(0), "reminder 3 days before due");
    assert_eq!(level(&env, -1), Some(1), "phone the day before");
    assert_eq!(level(&env, 1), Some(2), "gentle reminder once overdue");

    // The gentle reminder is logged; it is not due again until repeat_days pass.
    ok(&env, 1, &["-q", "dun", "log", "A", "--step", "2", "--channel", "phone", "--note", "left a message"]);
    assert_eq!(level(&env, 1), Some(2), "the same day the list stays as it was");
    assert_eq!(level(&env, 5), None);
    assert_eq!(level(&env, 9), Some(2), "repeated after 7 days, still unpaid");
    let r = &list(&env, 9)[0];
    assert_eq!(r["last_action"]["level"], 2);
    assert_eq!(r["last_action"]["date"], "2026-04-01");

    let r = &list(&env, 15)[0];
    assert_eq!(r["level"], 3);
    assert_eq!(r["step"], "formal dunning letter with interest");
    assert_eq!(r["channel"], "letter");
    assert_eq!(r["overdue"], "50000.00");
    assert_eq!(r["days_overdue"], 15);
    assert_eq!(r["interest"], "375.00", "50,000 × 0.05 % × 15 days");
    assert_eq!(r["reason"], "15 days overdue");
    ok(&env, 15, &["-q", "dun", "log", "A", "--step", "3", "--channel", "letter"]);

    // Level 4: the first run puts the customer on hold; a second run changes nothing.
    assert_eq!(level(&env, 22), None);
    assert_eq!(level(&env, 23), Some(3), "the letter is due again after 7 more days");
    ok(&env, 23, &["-q", "dun", "log", "A", "--step", "3", "--channel", "letter", "--note", "second letter"]);
    assert_eq!(level(&env, 29), None);
    let before = env.book_fingerprint();
    let first = on(&env, 30, &["dun", "list", "--format", "json"]);
    assert!(String::from_utf8_lossy(&first.stderr).contains("on hold"));
    let held = env.book_fingerprint();
    assert_ne!(before, held, "the hold is placed");
    let second = on(&env, 30, &["dun", "list", "--format", "json"]);
    assert_eq!(first.stdout, second.stdout, "same list");
    assert_eq!(held, env.book_fingerprint(), "nothing changes the second time");
    let customers: serde_json::Value =
        serde_json::from_slice(&on(&env, 30, &["customer", "list", "--format", "json"]).stdout).unwrap();
    assert_eq!(customers[0]["on_hold"], true);
    let refused = on(&env, 30, &["invoice", "add", "I-2", "A", "100"]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("on hold"));

    // A promise: nothing until its date; broken, one level above the last done (4 → 5).
    ok(&env, 31, &["-q", "dun", "promise", "A", "--date", "2026-05-10", "--amount", "50000"]);
    assert_eq!(level(&env, 35), None, "waiting for the promise");
    assert_eq!(level(&env, 40), None, "the promised day itself");
    let r = &list(&env, 41)[0];
    assert_eq!(r["level"], 5, "{r:#}");
    assert_eq!(r["promise"]["status"], "broken");
    assert!(r["reason"].as_str().unwrap().contains("broken"));

    // Paid in full: off the list.
    ok(&env, 42, &["-q", "pay", "add", "A", "50000"]);
    assert_eq!(level(&env, 42), None);
    let history: serde_json::Value =
        serde_json::from_slice(&on(&env, 42, &["dun", "history", "A", "--format", "json"]).stdout).unwrap();
    assert_eq!(history.as_array().unwrap().len(), 3);
}

#[test]
fn large_balances_and_grade_d_escalate_and_disputes_ask_for_resolution() {
    let env = TestEnv::new();
    ok(&env, -40, &["-q", "customer", "add", "BIG", "Big Co"]);
    ok(&env, -40, &["-q", "customer", "add", "POOR", "Poor Co", "--score", "20"]);
    ok(&env, -40, &["-q", "customer", "add", "DISP", "Disputing Co"]);
    ok(&env, -40, &["-q", "invoice", "add", "B-1", "BIG", "150000", "--due", "2026-03-31"]);
    ok(&env, -40, &["-q", "invoice", "add", "P-1", "POOR", "1000", "--due", "2026-03-31", "--force"]);
    ok(&env, -40, &["-q", "invoice", "add", "D-1", "DISP", "1000", "--due", "2026-03-31"]);
    ok(&env, -40, &["-q", "invoice", "dispute", "D-1", "--reason", "wrong goods"]);
    let l = list(&env, 5);
    let get = |c: &str| l.as_array().unwrap().iter().find(|r| r["customer"] == c).unwrap().clone();
    assert_eq!(get("BIG")["level"], 3, "5 days late + over escalate_amount");
    assert_eq!(get("POOR")["level"], 3, "5 days late + grade D");
    let d = get("DISP");
    assert_eq!(d["step"], "resolve dispute");
    assert_eq!(d["overdue"], "0.00", "disputed amounts are not chased");
}

#[test]
fn interest_is_posted_once_a_month_and_never_twice() {
    let env = TestEnv::new();
    ok(&env, -60, &["-q", "customer", "add", "A", "Alpha Ltd"]);
    ok(&env, -60, &["-q", "invoice", "add", "I-1", "A", "10000", "--date", "2026-01-01", "--due", "2026-01-31"]);
    ok(&env, -60, &["-q", "pay", "add", "A", "4000", "--date", "2026-02-10"]);
    let posted = |day: i64| -> serde_json::Value {
        let out = on(&env, day, &["dun", "charge-interest", "--format", "json"]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice(&out.stdout).unwrap()
    };
    // As of 2026-03-02: the DESIGN's worked example, 110.00.
    let first = posted(-29);
    assert_eq!(first, serde_json::json!([{"customer": "A", "invoice": "INT-A-202603", "amount": "110.00"}]));
    let book = env.book_fingerprint();
    assert_eq!(posted(-29), serde_json::json!([]), "twice the same day adds nothing");
    assert_eq!(posted(0), serde_json::json!([]), "nor later the same month");
    assert_eq!(book, env.book_fingerprint());
    // What was posted is no longer shown as accrued interest.
    let shown: serde_json::Value =
        serde_json::from_slice(&on(&env, -29, &["dun", "interest", "--format", "json"]).stdout).unwrap();
    assert_eq!(shown["total"], "0.00");
    // 2026-04-30: 20.00 + 6,000 × 0.05 % × 89 = 287.00 accrued, 110.00 posted → 177.00.
    let april = posted(30);
    assert_eq!(april[0]["invoice"], "INT-A-202604");
    assert_eq!(april[0]["amount"], "177.00");
    // The interest invoices are receivables, and bear no interest themselves.
    let inv: serde_json::Value =
        serde_json::from_slice(&on(&env, 30, &["invoice", "show", "INT-A-202603", "--format", "json"]).stdout).unwrap();
    assert_eq!(inv["balance"], "110.00");
    let aging: serde_json::Value =
        serde_json::from_slice(&on(&env, 30, &["report", "aging", "--format", "json"]).stdout).unwrap();
    assert_eq!(aging["total"], "6287.00", "6,000 + 110 + 177");
}
