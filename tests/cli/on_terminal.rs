//! What a terminal shows (run under a real pseudo-terminal with `script`):
//! on a narrow one, text columns wrap and amounts are never broken across
//! lines; a long import draws a progress bar there and never into a pipe.

use serde_json::Value;

use crate::common::TestEnv;

/// Every amount (a string such as "-1234.50") anywhere in a JSON value.
fn amounts(v: &Value, into: &mut Vec<String>) {
    match v {
        Value::String(s) if is_amount(s) => into.push(s.clone()),
        Value::Array(a) => a.iter().for_each(|x| amounts(x, into)),
        Value::Object(o) => o.values().for_each(|x| amounts(x, into)),
        _ => {}
    }
}

fn is_amount(s: &str) -> bool {
    let digits = s.strip_prefix('-').unwrap_or(s);
    let Some((whole, cents)) = digits.split_once('.') else { return false };
    !whole.is_empty()
        && whole.bytes().all(|b| b.is_ascii_digit())
        && cents.len() == 2
        && cents.bytes().all(|b| b.is_ascii_digit())
}

/// "-1234567.50" as a table prints it: "-1,234,567.50".
fn grouped(plain: &str) -> String {
    let (sign, digits) = plain.strip_prefix('-').map_or(("", plain), |d| ("-", d));
    let (whole, cents) = digits.split_once('.').unwrap();
    let mut out = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    format!("{sign}{out}.{cents}")
}

/// `args` run on a terminal `cols` columns wide; what it showed.
fn on_terminal(env: &TestEnv, cols: u16, args: &[&str]) -> String {
    let script = env.on_terminal(cols, args).env_remove("NO_COLOR").output().expect("script (util-linux) runs");
    assert!(script.status.success(), "{}", String::from_utf8_lossy(&script.stderr));
    String::from_utf8(script.stdout).expect("UTF-8")
}

#[test]
fn the_demo_aging_and_worklist_print_every_amount_whole_at_80_and_60_columns() {
    let env = TestEnv::new();
    let db = env.path().join("demo.sqlite");
    let db = db.to_str().unwrap();
    env.ok(&["-q", "--db", db, "demo"]);
    for (report, json) in [
        (vec!["--db", db, "report", "aging"], vec!["--db", db, "report", "aging"]),
        (vec!["--db", db, "dun", "list"], vec!["--db", db, "dun", "list"]),
    ] {
        let mut want = Vec::new();
        amounts(&env.json(&json), &mut want);
        assert!(want.len() >= 10, "the demo has amounts to show: {want:?}");
        for cols in [80, 60] {
            let shown = on_terminal(&env, cols, &report);
            assert!(shown.contains('┆'), "a table was drawn: {shown}");
            for a in &want {
                let a = grouped(a);
                assert!(
                    shown.contains(&a),
                    "{} at {cols} columns: {a} is not printed whole:\n{shown}",
                    report.join(" ")
                );
            }
            // The text columns did wrap: the table is narrower than its
            // one-line form would be.
            let widest = shown.lines().map(|l| l.chars().count()).max().unwrap_or(0);
            assert!(widest < 200, "{widest}");
        }
    }
}

#[test]
fn an_import_draws_a_progress_bar_on_a_terminal_and_none_into_a_pipe() {
    let env = TestEnv::new();
    env.ok(&["-q", "customer", "add", "HY", "Hy Co"]);
    let mut csv = String::from("number,customer,issue_date,amount\n");
    for i in 0..5_000 {
        csv.push_str(&format!("INV-{i},HY,2026-10-{:02},{}.50\n", i % 28 + 1, 100 + i));
    }
    env.write_file("invoices.csv", &csv);
    let shown = on_terminal(&env, 100, &["invoice", "import", "invoices.csv"]);
    assert!(shown.contains("/5,000 rows"), "a bar counting the rows: {shown}");
    assert!(shown.contains("imported 5000 invoices"), "{shown}");

    env.ok(&["-q", "customer", "add", "HD", "Hd Co"]);
    env.write_file("again.csv", csv.replace(",HY,", ",HD,").replace("INV-", "HD-"));
    let piped = env.run(&["invoice", "import", "again.csv"]);
    let err = String::from_utf8(piped.stderr).unwrap();
    assert!(piped.status.success(), "{err}");
    // Σ (100 + i) for i < 5,000 = 500,000 + 12,497,500, plus 5,000 × 0.50.
    assert_eq!(err.trim(), "imported 5000 invoices totalling 13,000,000.00 from again.csv (UTF-8)");
}
