//! Tables on a narrow terminal (run under a real pseudo-terminal with
//! `script`): text columns wrap, amounts are never broken across lines.

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
    let bin = assert_cmd::cargo::cargo_bin("huikuan");
    let line = format!("stty cols {cols} rows 500; exec {} {}", bin.display(), args.join(" "));
    let sealed = env.spawnable(&[]);
    // The sealed environment of the test, with `script` in front.
    let script = std::process::Command::new("script")
        .args(["-qec", &line, "/dev/null"])
        .envs(sealed.get_envs().filter_map(|(k, v)| Some((k.to_owned(), v?.to_owned()))))
        .env_remove("NO_COLOR")
        .current_dir(env.path())
        .output()
        .expect("script (util-linux) runs");
    assert!(script.status.success(), "{}", String::from_utf8_lossy(&script.stderr));
    let shown = String::from_utf8(script.stdout).expect("UTF-8");
    assert!(shown.contains('┆'), "a table was drawn: {shown}");
    shown
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
