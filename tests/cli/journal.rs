//! `export journal`: the general-ledger entries of a period (DESIGN §9),
//! read back by the real hledger and Beancount, tied to the aging report.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use chrono::{Datelike, NaiveDate};

use crate::common::TestEnv;

/// A ledger program, if installed. Under CI (`CI=true`) a missing one fails
/// the test: `.ci/run` installs it.
fn tool(name: &str, version_arg: &str) -> bool {
    let found = Command::new(name).arg(version_arg).output().is_ok_and(|o| o.status.success());
    if !found {
        assert!(std::env::var("CI").map_or(true, |v| v != "true"), "{name} is not installed; .ci/run installs it");
        eprintln!("note: {name} is not installed; its part of this test is skipped");
    }
    found
}

/// `hledger bal` of a journal file up to (not including) `end`: account → balance in cents.
fn hledger_balances(file: &Path, end: Option<&str>) -> BTreeMap<String, i64> {
    let mut cmd = Command::new("hledger");
    cmd.arg("-f").arg(file).args(["bal", "-N", "--flat", "-O", "csv"]);
    if let Some(e) = end {
        cmd.args(["-e", e]);
    }
    let out = cmd.output().expect("run hledger");
    assert!(out.status.success(), "hledger refused the journal:\n{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).expect("UTF-8");
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    rdr.records()
        .map(|r| {
            let r = r.expect("a CSV row");
            let amount = r[1].trim().trim_end_matches("CNY").trim().trim_start_matches("CNY").trim().to_string();
            (r[0].to_string(), cents(&amount))
        })
        .collect()
}

/// Sums per account of a Beancount file, after `bean-check` accepts it.
fn beancount_balances(file: &Path) -> BTreeMap<String, i64> {
    let check = Command::new("bean-check").arg(file).output().expect("run bean-check");
    assert!(
        check.status.success(),
        "bean-check refused the file:\n{}{}",
        String::from_utf8_lossy(&check.stdout),
        String::from_utf8_lossy(&check.stderr)
    );
    let script = "import sys\nfrom beancount import loader\nfrom beancount.core import data\n\
                  entries, errors, _ = loader.load_file(sys.argv[1])\nassert not errors, errors\ntotals = {}\n\
                  for e in entries:\n    if isinstance(e, data.Transaction):\n        for p in e.postings:\n\
                  \x20           totals[p.account] = totals.get(p.account, 0) + p.units.number\n\
                  for a, n in sorted(totals.items()):\n    print(a, n)\n";
    let out = Command::new("python3").args(["-c", script]).arg(file).output().expect("run python3");
    assert!(out.status.success(), "beancount could not load the file: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout)
        .expect("UTF-8")
        .lines()
        .filter_map(|l| l.split_once(' '))
        .map(|(a, n)| (a.to_string(), cents(n)))
        .collect()
}

/// `1234.50` (or `-1234.5`) → cents.
fn cents(text: &str) -> i64 {
    let t = text.trim().replace(',', "");
    let (neg, t) = t.strip_prefix('-').map_or((false, t.as_str()), |r| (true, r));
    let (whole, frac) = t.split_once('.').unwrap_or((t, "0"));
    let frac = format!("{frac:0<2}");
    let c = whole.parse::<i64>().expect("whole units") * 100 + frac[..2].parse::<i64>().expect("cents");
    if neg { -c } else { c }
}

/// The aging report as of a date: code → (outstanding, unapplied), in cents.
fn aging(env: &TestEnv, as_of: &str) -> BTreeMap<String, (i64, i64)> {
    let j = env.json(&["report", "aging", "--as-of", as_of]);
    j["customers"]
        .as_array()
        .expect("customers")
        .iter()
        .map(|c| {
            let m = |k: &str| cents(c[k].as_str().expect("an amount"));
            (c["code"].as_str().expect("code").to_string(), (m("total"), m("unapplied")))
        })
        .collect()
}

/// What a ledger says per customer: code → (receivable, advances as a
/// positive credit), leaving out accounts at zero.
fn per_customer(b: &BTreeMap<String, i64>, receivable: &str, advances: &str) -> BTreeMap<String, (i64, i64)> {
    let mut out: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    for (account, n) in b {
        if let Some(code) = account.strip_prefix(receivable) {
            out.entry(code.to_string()).or_default().0 += n;
        } else if let Some(code) = account.strip_prefix(advances) {
            out.entry(code.to_string()).or_default().1 -= n;
        }
    }
    out
}

fn nonzero(m: BTreeMap<String, (i64, i64)>) -> BTreeMap<String, (i64, i64)> {
    m.into_iter().filter(|(_, v)| *v != (0, 0)).collect()
}

/// The demo book (2025-01 to 2026-11-22) with one of everything the journal
/// posts: an interest invoice, a discount, a write-off, a void invoice and
/// a void payment, credit applied after its payment's day.
fn demo_with_everything() -> TestEnv {
    let env = TestEnv::new();
    env.ok_note(&["--db", env.db.to_str().unwrap(), "demo"]);
    // MH's accrued interest as of 2026-10-31 posted as INT-MH-202610.
    env.ok(&["dun", "charge-interest", "MH", "--as-of", "2026-10-31"]);
    // 2 % of 10,000.00 within 10 days: 9,800.00 paid, 200.00 discount allowed.
    env.ok(&["invoice", "add", "D-1", "HY", "10000", "--date", "2026-11-02", "--discount", "2/10"]);
    env.ok(&["pay", "add", "HY", "9800", "--date", "2026-11-05", "--invoice", "D-1"]);
    env.ok(&[
        "invoice",
        "write-off",
        "INV-2025030",
        "--date",
        "2026-11-10",
        "--reason",
        "bankrupt",
        "--amount",
        "1000",
        "--yes",
    ]);
    env.ok(&["invoice", "add", "V-1", "DF", "500", "--date", "2026-10-03"]);
    env.ok(&["invoice", "void", "V-1", "--yes"]);
    env.ok(&["pay", "add", "XX", "800", "--date", "2026-10-06", "--ref", "VOID-ME"]);
    let void_id = env.json(&["pay", "list"]).as_array().unwrap().iter().find(|p| p["reference"] == "VOID-ME").unwrap()
        ["id"]
        .to_string();
    env.ok(&["pay", "void", &void_id, "--yes"]);
    // BH's prepayment of 30,000.00 (2026-11-18) pays a new invoice of 12,000.00 on 2026-11-20.
    env.ok(&["invoice", "add", "BH-X", "BH", "12000", "--date", "2026-11-20"]);
    env
}

/// Every month from 2025-01 through 2026-10, then 2026-11-01 to 2026-11-22.
fn periods() -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut start = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap();
    let today = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
    while start <= today {
        let next = start.checked_add_months(chrono::Months::new(1)).unwrap();
        let end = next.pred_opt().unwrap().min(today);
        out.push((start.to_string(), end.to_string()));
        start = next;
    }
    assert_eq!(out.len(), 23);
    assert_eq!(out[22], ("2026-11-01".to_string(), "2026-11-22".to_string()));
    out
}

fn export(env: &TestEnv, format: &str, from: &str, to: &str) -> String {
    env.ok(&["export", "journal", "--format", format, "--from", from, "--to", to])
}

#[test]
fn the_demo_book_exported_month_by_month_ties_to_the_aging_in_hledger_and_beancount() {
    let env = demo_with_everything();
    for format in ["hledger", "beancount"] {
        let months: String = periods().iter().map(|(f, t)| export(&env, format, f, t)).collect();
        let whole = export(&env, format, "2025-01-01", "2026-11-22");
        assert_eq!(months, whole, "{format}: the months one after another are the whole period");
        assert!(!whole.contains("V-1") && !whole.contains("VOID-ME"), "{format}: a void is in no entry");
        env.write_file(&format!("book.{format}"), &whole);
    }
    let due = nonzero(aging(&env, "2026-11-22"));
    // Worked by hand: BH paid 30,000.00 ahead and 12,000.00 of it paid BH-X.
    assert_eq!(due["BH"], (0, 1_800_000));
    // MH: 70,100.00 + 45,200.00 + 18,800.00 + 99,000.00 × 2 + 36,000.00 × 2 + 45,200.00 + interest
    // 49,853.35 − the write-off of 1,000.00.
    assert_eq!(
        due["MH"],
        (7_010_000 + 4_520_000 + 1_880_000 + 19_800_000 + 7_200_000 + 4_520_000 + 4_985_335 - 100_000, 0)
    );

    if tool("hledger", "--version") {
        let file = env.path().join("book.hledger");
        let b = hledger_balances(&file, None);
        assert_eq!(nonzero(per_customer(&b, "assets:receivable:", "liabilities:customer-advances:")), due);
        assert_eq!(b["expenses:sales-discounts"], 20_000, "2 % of 10,000.00");
        assert_eq!(b["expenses:bad-debts"], 100_000);
        assert_eq!(b["income:late-interest"], -4_985_335);
        // Every entry balances: all accounts sum to nothing.
        assert_eq!(b.values().sum::<i64>(), 0);
        // And as of an earlier day: hledger's end date is exclusive.
        let mid = hledger_balances(&file, Some("2026-07-01"));
        assert_eq!(
            nonzero(per_customer(&mid, "assets:receivable:", "liabilities:customer-advances:")),
            nonzero(aging(&env, "2026-06-30"))
        );
    }
    if tool("bean-check", "--version") {
        let b = beancount_balances(&env.path().join("book.beancount"));
        assert_eq!(nonzero(per_customer(&b, "Assets:Receivable:", "Liabilities:Customer-advances:")), due);
        assert_eq!(b["Expenses:Sales-discounts"], 20_000);
        assert_eq!(b.values().sum::<i64>(), 0);
        // A later period alone stands with --opens.
        let nov = env.ok(&[
            "export",
            "journal",
            "--format",
            "beancount",
            "--from",
            "2026-11-01",
            "--to",
            "2026-11-22",
            "--opens",
        ]);
        env.write_file("nov.beancount", &nov);
        let b = beancount_balances(&env.path().join("nov.beancount"));
        assert_eq!(b["Expenses:Sales-discounts"], 20_000);
        assert_eq!(b["Expenses:Bad-debts"], 100_000);
    }

    // The voucher CSV: debits equal credits in each voucher and in all.
    let csv_text = export(&env, "csv", "2025-01-01", "2026-11-22");
    let mut rdr = csv::Reader::from_reader(csv_text.as_bytes());
    assert_eq!(
        rdr.headers().unwrap().iter().collect::<Vec<_>>(),
        ["date", "voucher type", "voucher no", "summary", "account", "debit", "credit", "customer"]
    );
    let mut vouchers: BTreeMap<(String, String), (i64, i64)> = BTreeMap::new();
    for r in rdr.records() {
        let r = r.unwrap();
        let amount = |i: usize| if r[i].is_empty() { 0 } else { cents(&r[i]) };
        let v = vouchers.entry((r[0][..7].to_string(), r[2].to_string())).or_default();
        v.0 += amount(5);
        v.1 += amount(6);
    }
    assert!(vouchers.values().all(|(d, c)| d == c), "a voucher that does not balance");
    let (debits, credits) = vouchers.values().fold((0, 0), |(d, c), v| (d + v.0, c + v.1));
    assert_eq!(debits, credits);
    assert!(debits > 400_000_000, "the whole book is in it: {debits}");
}

/// A small book: A pays 1,000.00 ahead on 10-01; invoice I-1 of 600.00 on
/// 10-15 takes 600.00 of that credit.
fn small() -> TestEnv {
    let env = TestEnv::new();
    env.ok(&["customer", "add", "A", "A Co"]);
    env.ok(&["pay", "add", "A", "1000", "--date", "2026-10-01", "--ref", "BANK-7"]);
    env.ok(&["invoice", "add", "I-1", "A", "600", "--date", "2026-10-15"]);
    env
}

#[test]
fn credit_applied_later_is_an_entry_of_its_own_on_its_effective_date() {
    let env = small();
    let out = export(&env, "hledger", "2026-10-01", "2026-10-31");
    assert_eq!(
        out,
        "2026-10-01 * #1 A | payment received BANK-7\n\
         \x20   assets:bank                             1000.00 CNY\n\
         \x20   liabilities:customer-advances:A        -1000.00 CNY\n\
         \n\
         2026-10-15 * I-1 A | invoice\n\
         \x20   assets:receivable:A          600.00 CNY\n\
         \x20   income:sales                -600.00 CNY\n\
         \n\
         2026-10-15 * #1 A | credit applied\n\
         \x20   liabilities:customer-advances:A          600.00 CNY\n\
         \x20   assets:receivable:A                     -600.00 CNY  ; I-1\n\
         \n"
    );
    // Only the first day: the credit is all in the advances.
    let first = export(&env, "hledger", "2026-10-01", "2026-10-14");
    assert_eq!(first.lines().count(), 4);
}

#[test]
fn account_settings_map_the_export_to_a_chart_of_accounts() {
    let env = small();
    env.ok_note(&["config", "set", "account.receivable", "1122"]);
    env.ok_note(&["config", "set", "account.advances", "2203:{code}"]);
    env.ok_note(&["config", "set", "account.bank", "1002"]);
    env.ok_note(&["config", "set", "account.sales", "6001"]);
    let shown = env.json(&["config"]);
    assert_eq!(shown["account.receivable"], "1122:{code}");
    assert_eq!(shown["account.bad_debts"], "expenses:bad-debts");
    let h = export(&env, "hledger", "2026-10-15", "2026-10-15");
    assert!(h.contains("    1122:A ") && h.contains("    6001 ") && h.contains("    2203:A "), "{h}");
    let b = export(&env, "beancount", "2026-10-01", "2026-10-31");
    assert!(b.starts_with("2026-10-01 open Assets:1002 CNY\n2026-10-01 open Liabilities:2203:A CNY\n"), "{b}");
    let c =
        env.ok(&["export", "journal", "--format", "csv", "--lang", "zh", "--from", "2026-10-15", "--to", "2026-10-15"]);
    assert_eq!(
        c,
        "凭证日期,凭证字,凭证号,摘要,科目,借方,贷方,辅助核算\n\
         2026-10-15,记,1,销售发票 I-1 A,1122,600.00,,A\n\
         2026-10-15,记,1,销售发票 I-1 A,6001,,600.00,\n\
         2026-10-15,记,2,预收冲应收 #1 A,2203,600.00,,A\n\
         2026-10-15,记,2,预收冲应收 #1 A I-1,1122,,600.00,A\n"
    );
}

#[test]
fn a_period_past_the_last_close_is_exported_with_a_warning() {
    let env = small();
    let args = ["export", "journal", "--from", "2026-10-01", "--to", "2026-10-31"];
    assert!(env.ok_note(&args).contains("warning: no month is closed: every entry may still change"));
    env.ok_note(&["close", "2026-10", "--yes"]);
    assert_eq!(env.ok_note(&args), "");
    let later = env.ok_note(&["export", "journal", "--from", "2026-10-01", "--to", "2026-11-22"]);
    assert!(later.contains("the book is closed through 2026-10-31: the entries after it may still change"), "{later}");
}

#[test]
fn the_export_is_written_to_a_new_private_file_and_never_overwrites() {
    let env = small();
    let args = ["export", "journal", "--from", "2026-10-01", "--to", "2026-10-31", "--out", "oct.journal"];
    assert_eq!(env.ok(&args), "");
    let written = std::fs::read_to_string(env.path().join("oct.journal")).unwrap();
    assert_eq!(written, export(&env, "hledger", "2026-10-01", "2026-10-31"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(env.path().join("oct.journal")).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let (code, err) = env.fail(&args);
    assert_eq!(code, 1);
    assert!(err.contains("oct.journal exists; it is not overwritten"), "{err}");
    assert_eq!(std::fs::read_to_string(env.path().join("oct.journal")).unwrap(), written);
    // The export is written into a temporary file that takes the name when
    // complete: none is left behind, refused or not.
    let strays: Vec<String> = std::fs::read_dir(env.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".tmp"))
        .collect();
    assert_eq!(strays, Vec::<String>::new());
    let (code, err) =
        env.fail(&["export", "journal", "--from", "2026-10-01", "--to", "2026-10-31", "--out", "no/such/dir/x"]);
    assert_eq!(code, 1);
    let errors: Vec<&str> = err.lines().filter(|l| l.starts_with("error")).collect();
    assert_eq!(errors, ["error: no/such/dir: no such directory"], "{err}");
    assert!(!env.path().join("no").exists());
}

#[test]
fn an_empty_period_exports_nothing_and_the_dates_stay_in_order() {
    let env = small();
    assert_eq!(export(&env, "hledger", "2026-09-01", "2026-09-30"), "");
    let all = export(&env, "hledger", "2026-01-01", "2026-12-31");
    let dates: Vec<NaiveDate> = all
        .lines()
        .filter(|l| l.starts_with("20"))
        .map(|l| NaiveDate::parse_from_str(&l[..10], "%Y-%m-%d").unwrap())
        .collect();
    assert!(dates.windows(2).all(|w| w[0] <= w[1]) && dates.len() == 3 && dates[2].day() == 15, "{dates:?}");
}
