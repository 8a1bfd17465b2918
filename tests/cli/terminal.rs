//! Text from outside — customer names, aliases, notes, bank memos and
//! counterparties — never drives the terminal: tables and plain text show
//! its control characters escaped (`\u{1b}`), JSON and CSV keep it exact.

use crate::common::TestEnv;
use crate::pipe::quiet_when_stdout_is_closed;

/// ESC with a colour and a window-title command, BEL, CR, a right-to-left override.
const HOSTILE: &str = "Evil\u{1b}[31m Co\u{1b}]0;owned\u{7}\rLtd\u{202e}gnp.exe";

/// No character a terminal would act on (C0 but LF, DEL, C1, bidi controls).
fn assert_no_raw_controls(what: &str, out: &str) {
    let bad: Vec<char> = out
        .chars()
        .filter(|&c| {
            (c.is_control() && c != '\n')
                || matches!(c, '\u{61c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
        })
        .collect();
    assert!(bad.is_empty(), "{what}: raw control characters {bad:?} reached the terminal:\n{out}");
}

fn hostile_book() -> TestEnv {
    let env = TestEnv::new();
    let notes = format!("call\u{9b}2J {HOSTILE}");
    env.ok(&["-q", "customer", "add", "EV", HOSTILE, "--alias", HOSTILE, "--notes", &notes]);
    env.ok(&["-q", "invoice", "add", "EV-1", "EV", "1000", "--date", "2026-10-01", "--desc", HOSTILE]);
    let mut statement = format!(
        "交易日期,收入金额,支出金额,余额,对方户名,对方账号,摘要\n2026-11-03,250.00,,250.00,\"{HOSTILE}\",6217000000000001,\"{HOSTILE}\"\n"
    );
    // Ordinary lines around it: a file mostly of control bytes is binary, not a statement.
    for day in 4..24 {
        statement.push_str(&format!("2026-11-{day:02},,10.00,240.00,电费,,缴费 ordinary line {day}\n"));
    }
    env.write_file("nov.csv", statement);
    env.ok(&["-q", "reconcile", "import", "nov.csv"]);
    env
}

#[test]
fn tables_show_control_characters_from_names_and_memos_escaped() {
    let env = hostile_book();
    for args in [
        &["customer", "list"][..],
        &["customer", "show", "EV"],
        &["reconcile", "list"],
        &["invoice", "show", "EV-1"],
        &["invoice", "list"],
        &["report", "aging", "--detail"],
        &["report", "summary"],
    ] {
        let out = env.ok(args);
        assert_no_raw_controls(&args.join(" "), &out);
    }
    let list = env.ok(&["customer", "list"]);
    assert!(list.contains(r"Evil\u{1b}[31m"), "ESC shown as \\u{{1b}}:\n{list}");
    let shown = env.ok(&["customer", "show", "EV"]);
    for escaped in [r"\u{1b}]0;owned\u{7}", r"\u{d}Ltd\u{202e}gnp", r"call\u{9b}2J"] {
        assert!(shown.contains(escaped), "{escaped} in:\n{shown}");
    }
    let bank = env.ok(&["reconcile", "list"]);
    assert!(bank.contains(r"\u{202e}"), "the memo's override shown:\n{bank}");
}

#[test]
fn json_and_csv_keep_the_text_exactly() {
    let env = hostile_book();
    let c = env.json(&["customer", "show", "EV"]);
    assert_eq!(c["name"], HOSTILE);
    assert_eq!(c["aliases"][0], HOSTILE, "{c}");
    assert_eq!(env.json(&["customer", "list"])[0]["name"], HOSTILE);
    let lines = env.json(&["reconcile", "list"]);
    let text = lines.to_string();
    let back: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    let memo_found =
        back.as_array().expect("array").iter().any(|l| l.as_object().expect("line").values().any(|v| v == HOSTILE));
    assert!(memo_found, "the memo and counterparty round-trip exactly: {lines}");
    let csv = env.ok(&["customer", "list", "--format", "csv"]);
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let names: Vec<String> = reader.records().map(|r| r.expect("csv row")[1].to_string()).collect();
    assert_eq!(names, [HOSTILE], "CSV keeps the exact name");
}

#[test]
fn letters_and_statements_as_text_show_control_characters_escaped() {
    let env = hostile_book();
    let statement = env.ok(&["report", "statement", "EV", "--from", "2026-10-01", "--to", "2026-11-22"]);
    assert_no_raw_controls("statement", &statement);
    assert!(statement.contains(r"Evil\u{1b}[31m"), "{statement}");
}

#[test]
fn an_error_echoing_outside_text_shows_its_control_characters_escaped() {
    let env = TestEnv::new();
    let (code, err) = env.fail(&["invoice", "add", "X-1", "NO\u{1b}]0;t\u{7}", "100"]);
    assert_eq!(code, 1, "{err}");
    assert_no_raw_controls("error", &err);
    assert!(err.contains(r"NO\u{1b}]0;t\u{7}"), "{err}");
}

#[test]
fn completions_for_every_shell_end_quietly_when_the_reader_goes_away() {
    let env = TestEnv::new();
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        quiet_when_stdout_is_closed(&env, &["completions", shell]);
    }
}

// ---- typos refused: far months and dates, long terms, long inputs ----

#[test]
fn a_month_before_1900_cannot_be_closed() {
    let env = TestEnv::new();
    env.ok(&["-q", "customer", "add", "HY", "Huayuan"]);
    for bad in ["0000-01", "000001", "1899-12"] {
        let (code, err) = env.fail(&["close", bad]);
        assert_eq!(code, 1, "{err}");
        assert_eq!(err, format!("error: '{bad}' is not a valid month (expected 2026-10)\n"));
    }
    assert_eq!(env.json(&["close", "--list"]).as_array().map(Vec::len), Some(0), "nothing closed");
}

#[test]
fn invoice_terms_over_ten_years_are_refused() {
    let env = TestEnv::new();
    env.ok(&["-q", "customer", "add", "HY", "Huayuan"]);
    let (code, err) = env.fail(&["invoice", "add", "I-1", "HY", "100", "--terms", "3651"]);
    assert_eq!((code, err.as_str()), (1, "error: payment terms of 3651 days are longer than 3650 days (ten years)\n"));
    env.ok(&["-q", "invoice", "add", "I-1", "HY", "100", "--terms", "3650"]);
    env.write_file("c.csv", "code,name,terms_days\nLT,Long Terms Ltd.,99999\n");
    let (code, err) = env.fail(&["customer", "import", "c.csv"]);
    assert_eq!(code, 1);
    assert!(err.starts_with("error: c.csv:2: payment terms of 99999 days are longer than 3650 days"), "{err}");
}

#[test]
fn a_long_input_is_echoed_cut_short_with_its_length() {
    let env = TestEnv::new();
    env.ok(&["-q", "customer", "add", "HY", "Huayuan"]);
    let long = "9".repeat(5_000) + "x";
    for (args, what) in [
        (vec!["invoice", "add", "I-1", "HY", long.as_str()], "AMOUNT"),
        (vec!["invoice", "add", "I-1", "HY", "100", "--date", long.as_str()], "--date"),
        (vec!["pay", "add", "HY", "100", "--method", long.as_str()], "--method"),
    ] {
        let (code, err) = env.fail(&args);
        assert_eq!(code, 1, "{err}");
        let cut = format!("{what}: '{}… (5001 characters)'", "9".repeat(80));
        assert!(err.starts_with(&format!("error: {cut}")), "{err}");
        assert!(err.len() < 300, "{} bytes: {err}", err.len());
    }
    let (_, err) = env.fail(&["--lang", "zh", "invoice", "add", "I-1", "HY", &long]);
    assert!(err.contains("…（共 5001 个字符）"), "{err}");
}

#[test]
fn a_notice_naming_outside_text_shows_its_control_characters_escaped() {
    let env = TestEnv::new();
    env.ok(&["-q", "init"]);
    let note = env.ok_note(&["customer", "add", "EV", HOSTILE]);
    assert_no_raw_controls("notice", &note);
    assert!(note.contains(r"Evil\u{1b}[31m"), "{note}");
}
