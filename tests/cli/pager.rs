//! The pager and colour on a terminal (run under a real pseudo-terminal with
//! `script`): output goes through `$HUIKUAN_PAGER`/`$PAGER`, started on the
//! first byte and waited for; never with `--no-pager`, an empty pager, `cat`,
//! or when stdout is not a terminal. Tables colour negative amounts red and
//! overdue figures yellow, on a terminal or with `--color always`.

use std::os::unix::fs::PermissionsExt;
use std::process::Output;

use crate::common::TestEnv;

/// A pager that says it started, prefixes every line it is given with
/// "PAGED:", and says which LESS and LV it was given.
const PREFIXING_PAGER: &str =
    "#!/bin/sh\necho PAGER-STARTED\nsed 's/^/PAGED:/'\necho \"PAGER-ENDED LESS=$LESS LV=$LV\"\n";

/// Write an executable shell script into the test's directory.
fn script(env: &TestEnv, name: &str, text: &str) -> String {
    let path = env.write_file(name, text);
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path.display().to_string()
}

/// `args` run on a 100-column terminal with `vars` set (the sealed test
/// environment has no pager and NO_COLOR=1: `vars` sets them or `unset`
/// removes them); the exit and all the terminal showed (stdout and stderr).
fn on_terminal(env: &TestEnv, vars: &[(&str, &str)], unset: &[&str], args: &[&str]) -> (Output, String) {
    let mut cmd = env.on_terminal(100, args);
    for k in unset {
        cmd.env_remove(k);
    }
    cmd.envs(vars.iter().copied());
    let out = cmd.output().expect("script (util-linux) runs");
    let shown = String::from_utf8(out.stdout.clone()).expect("UTF-8").replace('\r', "");
    (out, shown)
}

/// HY owes 1,000.00 on an invoice of 2026-10-01 due 2026-10-31 (30 days'
/// terms): 22 days overdue on 2026-11-22. CR paid 250.00 with nothing to
/// pay: its balance is -250.00.
fn book(env: &TestEnv) {
    env.ok(&["-q", "customer", "add", "HY", "Hy Co"]);
    env.ok(&["-q", "customer", "add", "CR", "Cr Co"]);
    env.ok(&["-q", "invoice", "add", "INV-1", "HY", "1000.00", "--date", "2026-10-01"]);
    env.ok(&["-q", "pay", "add", "CR", "250.00"]);
}

/// The coloured runs of a text: (SGR colour, the text it paints, trimmed).
fn coloured(s: &str) -> Vec<(String, String)> {
    let mut runs = Vec::new();
    let mut rest = s;
    while let Some(at) = rest.find("\u{1b}[38;5;") {
        let after = &rest[at + 7..];
        let Some(m) = after.find('m') else { break };
        let colour = after[..m].to_string();
        let body = &after[m + 1..];
        let end = body.find("\u{1b}[39m").expect("a colour is reset");
        runs.push((colour, body[..end].trim().to_string()));
        rest = &body[end..];
    }
    runs
}

const RED: &str = "9";
const YELLOW: &str = "11";

#[test]
fn customer_list_on_a_terminal_goes_through_huikuan_pager_with_less_and_lv_set() {
    let env = TestEnv::new();
    book(&env);
    let pager = script(&env, "pager.sh", PREFIXING_PAGER);
    let (out, shown) =
        on_terminal(&env, &[("HUIKUAN_PAGER", &pager), ("PAGER", "false")], &["HUIKUAN_PAGER"], &["customer", "list"]);
    assert!(out.status.success(), "{shown}");
    let lines: Vec<&str> = shown.lines().collect();
    assert_eq!(lines.first(), Some(&"PAGER-STARTED"), "{shown}");
    assert_eq!(lines.last(), Some(&"PAGER-ENDED LESS=FRX LV=-c"), "{shown}");
    // Every line of the table went through the pager: the header, the two
    // customers (CR -250.00, HY 1,000.00) and the rules.
    let table = &lines[1..lines.len() - 1];
    assert_eq!(table.len(), 6, "{shown}");
    assert!(table.iter().all(|l| l.starts_with("PAGED:")), "{shown}");
    assert_eq!(table[3], "PAGED:│ CR   ┆ Cr Co ┆       ┆              ┆  -250.00 ┆         │");
    assert_eq!(table[4], "PAGED:│ HY   ┆ Hy Co ┆       ┆              ┆ 1,000.00 ┆         │");
}

#[test]
fn pager_falls_back_to_pager_and_keeps_the_users_less() {
    let env = TestEnv::new();
    book(&env);
    let pager = script(&env, "pager.sh", PREFIXING_PAGER);
    let (out, shown) =
        on_terminal(&env, &[("PAGER", &pager), ("LESS", "-S")], &["HUIKUAN_PAGER"], &["customer", "list"]);
    assert!(out.status.success(), "{shown}");
    assert!(shown.contains("PAGED:") && shown.contains("-250.00"), "{shown}");
    assert!(shown.contains("PAGER-ENDED LESS=-S LV=-c"), "{shown}");
}

#[test]
fn pager_command_line_is_split_into_words_without_a_shell() {
    let env = TestEnv::new();
    book(&env);
    let pager = script(&env, "my pager.sh", "#!/bin/sh\necho \"ARGS:$#:$1:$2\"\nsed 's/^/PAGED:/'\n");
    // Quotes keep the space in the name; `$HOME` and `;` reach the pager
    // as they are (no shell expands or runs them).
    let line = format!("'{pager}' \"two words\" '$HOME;echo'");
    let (out, shown) = on_terminal(&env, &[("HUIKUAN_PAGER", &line)], &[], &["customer", "list"]);
    assert!(out.status.success(), "{shown}");
    assert!(shown.contains("ARGS:2:two words:$HOME;echo"), "{shown}");
    assert!(shown.contains("PAGED:") && shown.contains("Cr Co"), "{shown}");
}

/// The customer list was shown, whole and unpaged, with no error.
fn assert_shown_directly(ok: bool, shown: &str, what: &str) {
    assert!(ok, "{what}: {shown}");
    assert!(!shown.contains("PAGED:") && !shown.contains("PAGER-STARTED"), "{what}: {shown}");
    assert!(!shown.contains("error"), "{what}: {shown}");
    assert!(shown.contains("Cr Co") && shown.contains("-250.00") && shown.contains("1,000.00"), "{what}: {shown}");
}

#[test]
fn no_pager_flag_writes_straight_to_the_terminal() {
    let env = TestEnv::new();
    book(&env);
    let pager = script(&env, "pager.sh", PREFIXING_PAGER);
    let (out, shown) = on_terminal(&env, &[("HUIKUAN_PAGER", &pager)], &[], &["--no-pager", "customer", "list"]);
    assert_shown_directly(out.status.success(), &shown, "--no-pager");
}

#[test]
fn piped_output_is_never_paged() {
    let env = TestEnv::new();
    book(&env);
    let pager = script(&env, "pager.sh", PREFIXING_PAGER);
    let out = env.command(&["customer", "list"]).env("HUIKUAN_PAGER", &pager).output().unwrap();
    assert_shown_directly(out.status.success(), &String::from_utf8(out.stdout).unwrap(), "piped");
}

#[test]
fn an_empty_pager_or_cat_writes_directly() {
    let env = TestEnv::new();
    book(&env);
    let pager = script(&env, "pager.sh", PREFIXING_PAGER);
    // An empty HUIKUAN_PAGER turns paging off even when PAGER is set.
    for value in ["", "cat", "  cat  "] {
        let (out, shown) =
            on_terminal(&env, &[("HUIKUAN_PAGER", value), ("PAGER", &pager)], &[], &["customer", "list"]);
        assert_shown_directly(out.status.success(), &shown, value);
    }
}

#[test]
fn a_pager_that_cannot_be_started_is_no_error() {
    let env = TestEnv::new();
    book(&env);
    let (out, shown) = on_terminal(&env, &[("HUIKUAN_PAGER", "/no/such/pager -R")], &[], &["customer", "list"]);
    assert_shown_directly(out.status.success(), &shown, "not found");
}

#[test]
fn a_pager_that_quits_at_once_ends_the_command_quietly() {
    let env = TestEnv::new();
    env.ok(&["-q", "customer", "add", "HY", "Hy Co"]);
    // 3,000 invoices: far more than a pipe holds, so the writes meet the
    // closed pipe of a pager that has gone.
    let mut csv = String::from("number,customer,issue_date,amount\n");
    for i in 0..3_000 {
        csv.push_str(&format!("INV-{i},HY,2026-10-{:02},{}.50\n", i % 28 + 1, 100 + i));
    }
    env.write_file("invoices.csv", &csv);
    env.ok(&["-q", "invoice", "import", "invoices.csv"]);
    let (out, shown) = on_terminal(&env, &[("HUIKUAN_PAGER", "true")], &[], &["invoice", "list"]);
    assert!(out.status.success(), "{shown}");
    assert!(!shown.contains("error") && !shown.contains("panicked"), "{shown}");
}

#[test]
fn a_command_that_prints_nothing_or_fails_first_never_starts_the_pager() {
    let env = TestEnv::new();
    let pager = script(&env, "pager.sh", PREFIXING_PAGER);
    let (out, shown) = on_terminal(&env, &[("HUIKUAN_PAGER", &pager)], &[], &["customer", "add", "HY", "Hy Co"]);
    assert!(out.status.success(), "{shown}");
    assert!(!shown.contains("PAGER-STARTED"), "{shown}");
    let (out, shown) = on_terminal(&env, &[("HUIKUAN_PAGER", &pager)], &[], &["invoice", "show", "NOPE"]);
    assert_eq!(out.status.code(), Some(1), "{shown}");
    assert!(!shown.contains("PAGER-STARTED"), "{shown}");
    assert!(shown.starts_with("error: "), "the error is on the terminal: {shown}");
}

#[test]
fn color_always_paints_negative_amounts_red_and_overdue_figures_yellow() {
    let env = TestEnv::new();
    book(&env);
    // Piped and with NO_COLOR=1 (the sealed environment): `always` wins.
    let customers = env.ok(&["--color", "always", "customer", "list"]);
    assert_eq!(coloured(&customers), [(RED.to_string(), "-250.00".to_string())], "{customers}");

    // Aging: HY's 1,000.00 is in 1-30 (yellow), in its row and the total
    // row; "current" 0.00, the totals and CR's unapplied 250.00 are plain.
    let aging = env.ok(&["--color", "always", "report", "aging"]);
    let yellow = (YELLOW.to_string(), "1,000.00".to_string());
    assert_eq!(coloured(&aging), [yellow.clone(), yellow.clone()], "{aging}");

    // The worklist: HY's overdue 1,000.00 yellow; its interest (11.00) plain.
    let worklist = env.ok(&["--color", "always", "dun", "list"]);
    assert!(worklist.contains("11.00"), "{worklist}");
    assert_eq!(coloured(&worklist), [yellow], "{worklist}");

    // Never into CSV or JSON.
    for format in ["csv", "json"] {
        let out = env.ok(&["--color", "always", "--format", format, "customer", "list"]);
        assert!(!out.contains('\u{1b}'), "{format}: {out}");
    }
}

#[test]
fn color_auto_on_a_terminal_unless_no_color_and_never_means_never() {
    let env = TestEnv::new();
    book(&env);
    let list = ["--no-pager", "customer", "list"];
    let (_, auto) = on_terminal(&env, &[], &["NO_COLOR"], &list);
    assert_eq!(coloured(&auto), [(RED.to_string(), "-250.00".to_string())], "{auto}");
    let (_, no_color) = on_terminal(&env, &[("NO_COLOR", "1")], &[], &list);
    assert!(!no_color.contains("\u{1b}[38;"), "{no_color}");
    assert!(no_color.contains("-250.00"), "{no_color}");
    let (_, empty) = on_terminal(&env, &[("NO_COLOR", "")], &[], &list);
    assert_eq!(coloured(&empty).len(), 1, "an empty NO_COLOR is unset: {empty}");
    let (_, never) = on_terminal(&env, &[], &["NO_COLOR"], &["--color", "never", "--no-pager", "customer", "list"]);
    assert!(!never.contains("\u{1b}[38;"), "{never}");
    // Piped, `auto` is plain even without NO_COLOR.
    let out = env.command(&["customer", "list"]).env_remove("NO_COLOR").output().unwrap();
    assert!(!String::from_utf8(out.stdout).unwrap().contains('\u{1b}'));
}

#[test]
fn ctrl_c_in_the_pager_does_not_kill_the_command_under_it() {
    let env = TestEnv::new();
    book(&env);
    // The pager's process group (the command's too) gets SIGINT, as when
    // Ctrl-C is pressed in less; the pager itself ignores it, as less does.
    // (A moment after it started, as a person would: not in the instant
    // between the pager's start and the command's ignoring the signal.)
    let pager = script(&env, "pager.sh", "#!/bin/sh\ntrap '' INT\nsleep 0.3\nkill -INT 0\nsed 's/^/PAGED:/'\n");
    let (out, shown) = on_terminal(&env, &[("HUIKUAN_PAGER", &pager)], &[], &["customer", "list"]);
    assert_eq!(out.status.code(), Some(0), "{shown}");
    assert!(shown.contains("PAGED:│ CR   ┆ Cr Co"), "{shown}");
}
