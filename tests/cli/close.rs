//! Month-end close: a locked period, a stored closing aging, write-offs.

use crate::common::TestEnv;

fn october(env: &TestEnv) {
    env.ok(&["-q", "customer", "add", "A", "Alpha Ltd"]);
    env.ok(&["-q", "customer", "add", "B", "Beta Ltd"]);
    env.ok(&["-q", "invoice", "add", "I-1", "A", "1000", "--date", "2026-09-10", "--due", "2026-10-10"]);
    env.ok(&["-q", "invoice", "add", "I-2", "B", "2500", "--date", "2026-10-05", "--due", "2026-11-04"]);
    env.ok(&["-q", "pay", "add", "A", "400", "--date", "2026-10-20"]);
}

#[test]
fn a_closed_month_refuses_every_change_and_reprints_its_aging_exactly() {
    let env = TestEnv::new();
    october(&env);
    let before: Vec<String> = ["table", "csv", "json"]
        .iter()
        .map(|f| env.ok(&["report", "aging", "--as-of", "2026-10-31", "--format", f]))
        .collect();
    let (code, err) = env.fail(&["close", "2026-11"]);
    assert_eq!(code, 1, "November has not ended: {err}");
    env.ok(&["-q", "close", "2026-10"]);

    // Dated in October: refused, one clear line naming the closed period; nothing written.
    let book = env.book_fingerprint();
    for args in [
        vec!["pay", "add", "A", "100", "--date", "2026-10-15"],
        vec!["invoice", "add", "I-3", "A", "100", "--date", "2026-10-31"],
        vec!["pay", "void", "1", "--yes"],
        vec!["invoice", "void", "I-2", "--yes"],
        vec!["invoice", "write-off", "I-1", "--date", "2026-10-31", "--reason", "x", "--yes"],
    ] {
        let (code, err) = env.fail(&args);
        assert_eq!(code, 1, "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        assert!(err.contains("closed"), "{args:?}: {err}");
        assert_eq!(book, env.book_fingerprint(), "{args:?} changed the book");
    }
    // Even SQL typed by hand cannot change a locked date.
    let conn = env.connect();
    assert!(conn.execute("UPDATE payments SET voided = 1 WHERE id = 1", []).is_err());
    assert!(conn.execute("DELETE FROM allocations", []).is_err());
    drop(conn);

    // Dated in November: accepted.
    env.ok(&["-q", "pay", "add", "A", "600", "--date", "2026-11-02"]);
    env.ok(&["-q", "invoice", "add", "I-4", "B", "300", "--date", "2026-11-03"]);
    // A renamed customer does not change the closed month's report.
    env.ok(&["-q", "customer", "edit", "B", "--name", "Beta Holdings"]);
    let after: Vec<String> = ["table", "csv", "json"]
        .iter()
        .map(|f| env.ok(&["report", "aging", "--as-of", "2026-10-31", "--format", f]))
        .collect();
    assert_eq!(before, after, "the closing aging reprints byte for byte");

    let list = env.json(&["close", "--list"]);
    assert_eq!(list[0]["period"], "2026-10");
    assert_eq!(list[0]["through"], "2026-10-31");
    // Reopening needs a reason and a confirmation, and unlocks October again.
    let (code, _) = env.fail(&["close", "--reopen", "2026-10", "--reason", "late credit note"]);
    assert_eq!(code, 1, "no terminal and no --yes: refused");
    env.ok(&["-q", "close", "--reopen", "2026-10", "--reason", "late credit note", "--yes"]);
    env.ok(&["-q", "pay", "add", "A", "1", "--date", "2026-10-15"]);
}

#[test]
fn a_write_off_is_dated_and_ties_out() {
    let env = TestEnv::new();
    october(&env);
    env.ok(&[
        "-q",
        "invoice",
        "write-off",
        "I-2",
        "--amount",
        "500",
        "--date",
        "2026-11-10",
        "--reason",
        "damaged goods",
        "--yes",
    ]);
    let before = env.json(&["report", "aging", "--as-of", "2026-11-09"]);
    assert_eq!(before["tie_out"]["written_off"], "0.00");
    let after = env.json(&["report", "aging", "--as-of", "2026-11-10"]);
    assert_eq!(after["tie_out"]["written_off"], "500.00");
    assert_eq!(after["tie_out"]["balanced"], true);
    assert_eq!(after["total"], "2600.00", "600 of I-1 + 2,000 of I-2");
    env.ok(&["-q", "invoice", "write-off", "I-2", "--date", "2026-11-12", "--reason", "insolvent", "--yes"]);
    assert_eq!(env.json(&["invoice", "show", "I-2"])["status"], "written off");
    let (code, err) =
        env.fail(&["invoice", "write-off", "I-1", "--amount", "700", "--date", "2026-11-12", "--reason", "x", "--yes"]);
    assert_eq!(code, 1, "{err}");
}

#[test]
fn check_passes_a_sound_book_and_names_the_row_of_a_damaged_one() {
    let env = TestEnv::new();
    october(&env);
    let note = env.ok_note(&["check"]);
    assert!(note.starts_with("ok: "), "{note}");
    // Damage on purpose: an allocation larger than its payment, slipped in by SQL
    // with the constraints switched off.
    let conn = env.connect();
    conn.execute_batch(
        "PRAGMA ignore_check_constraints = ON;
         INSERT INTO allocations (payment_id, installment_id, amount, effective_date) VALUES (1, 2, 500000, '2026-10-20');",
    )
    .unwrap();
    drop(conn);
    let (code, err) = env.fail(&["check"]);
    assert_eq!(code, 1);
    assert!(err.contains("payment 1: amount 400.00"), "{err}");
    assert!(err.contains("installment 2"), "{err}");
    assert!(err.lines().last().unwrap().contains("problem(s) found"), "{err}");
}

#[test]
fn a_backup_taken_while_another_process_imports_passes_check() {
    let env = TestEnv::new();
    env.ok(&["-q", "customer", "add", "A", "Alpha Ltd"]);
    let mut csv = String::from("number,customer,issue_date,due_date,amount,description\n");
    for n in 0..20_000 {
        csv.push_str(&format!("N{n:05},A,2026-01-{:02},,{}.00,x\n", 1 + n % 28, 100 + n % 900));
    }
    env.write_file("big.csv", csv);
    let mut import = env.spawnable(&["-q", "invoice", "import", "big.csv"]).spawn().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(150));
    let backup = env.path().join("copy.sqlite");
    let b = backup.to_str().unwrap();
    env.ok(&["-q", "backup", b]);
    assert!(import.wait().unwrap().success());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&backup).unwrap().permissions().mode() & 0o777, 0o600);
    }
    let note = env.ok_note(&["--db", b, "check"]);
    assert!(note.starts_with("ok: "), "{note}");
    // The copy holds the import whole or not at all.
    let n = env.json(&["--db", b, "invoice", "list"]).as_array().unwrap().len();
    assert!(n == 0 || n == 20_000, "{n} invoices in the backup");
    let (code, _) = env.fail(&["backup", b]);
    assert_eq!(code, 1, "a backup never overwrites");
}

#[test]
fn a_statement_runs_from_the_opening_to_the_closing_balance_with_a_confirmation_slip() {
    let env = TestEnv::new();
    october(&env);
    let s = env.ok(&["report", "statement", "A", "--from", "2026-10-01", "--to", "2026-10-31"]);
    // Opening 1,000.00 (I-1 of September), payment 400.00 on 10-20, closing 600.00 — all 1–30 days late.
    let lines: Vec<&str> = s.lines().collect();
    assert!(lines.iter().any(|l| l.starts_with("2026-10-01  Opening balance") && l.ends_with("1,000.00")), "{s}");
    assert!(
        lines.iter().any(|l| l.starts_with("2026-10-20  Payment") && l.contains("400.00") && l.ends_with("600.00")),
        "{s}"
    );
    assert!(lines.iter().any(|l| l.starts_with("2026-10-31  Closing balance") && l.ends_with("600.00")), "{s}");
    assert!(s.contains("1-30 600.00") && s.contains("Balance confirmation") && s.contains("you owed"), "{s}");
    let zh = env.ok(&[
        "report",
        "statement",
        "A",
        "--from",
        "2026-10-01",
        "--to",
        "2026-10-31",
        "--lang",
        "zh",
        "--format",
        "html",
    ]);
    assert!(zh.contains("询证函") && zh.contains("期末余额") && zh.contains("<table>"), "{zh}");
    let out = env.ok(&[
        "report",
        "statement",
        "--all",
        "--from",
        "2026-10-01",
        "--to",
        "2026-10-31",
        "--out",
        "st",
        "--format",
        "md",
    ]);
    let files: Vec<&str> = out.lines().collect();
    assert_eq!(files.len(), 2, "{out}");
    let b = std::fs::read_to_string(env.path().join(files.iter().find(|f| f.contains("-B-")).unwrap())).unwrap();
    assert!(b.contains("| 2026-10-05 | Invoice | I-2 | 2,500.00 |  | 2,500.00 |"), "{b}");
}

#[test]
fn a_write_off_that_would_be_refused_says_why_before_asking() {
    let env = TestEnv::new();
    october(&env);
    // No --yes and no terminal: a valid write-off would need confirmation, but
    // one beyond the balance (or before the issue date) is refused for that first.
    let (code, err) =
        env.fail(&["invoice", "write-off", "I-1", "--amount", "700", "--date", "2026-11-12", "--reason", "x"]);
    assert_eq!(code, 1);
    assert!(err.contains("its balance is 600.00") && !err.contains("confirmation"), "{err}");
    let (_, err) = env.fail(&["invoice", "write-off", "I-2", "--date", "2026-09-01", "--reason", "x"]);
    assert!(err.contains("before invoice I-2 was issued"), "{err}");
    let (_, err) = env.fail(&["invoice", "write-off", "I-2", "--date", "2026-11-12", "--reason", "x"]);
    assert!(err.contains("needs confirmation"), "{err}");
}
