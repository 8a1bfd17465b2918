//! Letters that are right: figures that add up as printed in every format,
//! one file per customer never overwritten, an honest lawyer's letter, the
//! right recipients and language, customer data never read as a placeholder.

use rust_decimal::Decimal;
use serde_json::Value;

use crate::common::{TestEnv, cents, rows};

/// Overdue INV-1 (10,000.00 due 2026-10-01, 4,000.00 of it paid late on
/// 2026-10-11), overdue INV-2 (6,000.00 due 2026-10-31) and INV-3 (3,200.00
/// due 2026-12-20, not yet due on 2026-11-22).
fn scene(env: &TestEnv) {
    env.ok(&["-q", "config", "set", "company", "上海示例贸易有限公司"]);
    env.ok(&["-q", "config", "set", "bank", "招商银行上海分行 6214 8300 0000 1234"]);
    env.ok(&[
        "-q",
        "customer",
        "add",
        "HY",
        "深圳华远电子有限公司",
        "--contact",
        "payer:王芳:13800000000:wang@huayuan.example",
        "--contact",
        "decision:李总:13900000000:li@huayuan.example",
    ]);
    env.ok(&["-q", "invoice", "add", "INV-1", "HY", "10000", "--date", "2026-09-01", "--due", "2026-10-01"]);
    env.ok(&["-q", "invoice", "add", "INV-2", "HY", "6000", "--date", "2026-10-01", "--due", "2026-10-31"]);
    env.ok(&["-q", "invoice", "add", "INV-3", "HY", "3200", "--date", "2026-11-20", "--due", "2026-12-20"]);
    env.ok(&["-q", "pay", "add", "HY", "4000", "--date", "2026-10-11", "--invoice", "INV-1"]);
}

fn dec(v: &Value) -> Decimal {
    v.as_str().unwrap_or_else(|| panic!("a decimal string, got {v}")).parse().unwrap()
}

/// Σ over the values of `key` in the rows, in cents.
fn sum(v: &Value, key: &str) -> i64 {
    rows(v).iter().map(|r| cents(&r[key])).sum()
}

/// Every line's interest is amount × days × rate rounded half away from
/// zero to the cent; lines and adjustments add up to the interest, balances
/// to the overdue, and overdue + interest is the total due.
fn assert_adds_up(j: &Value) {
    for line in rows(&j["lines"]) {
        let exact = dec(&line["amount"]) * Decimal::from(line["days"].as_i64().unwrap()) * dec(&line["rate"]);
        let rounded = exact.round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
        assert_eq!(dec(&line["interest"]), rounded, "the line reproduces from its inputs: {line}");
    }
    assert_eq!(sum(&j["lines"], "interest") + sum(&j["adjustments"], "interest"), cents(&j["interest"]), "{j}");
    assert_eq!(sum(&j["lines"], "balance"), cents(&j["overdue"]), "{j}");
    assert_eq!(cents(&j["overdue"]) + cents(&j["interest"]), cents(&j["total_due"]), "{j}");
    assert_eq!(sum(&j["not_yet_due"], "balance"), cents(&j["not_yet_due_total"]), "{j}");
}

#[test]
fn a_letter_shows_the_same_figures_that_add_up_in_json_txt_and_html() {
    let env = TestEnv::new();
    scene(&env);
    let j = env.json(&["dun", "letter", "HY", "--level", "3"]);
    assert_adds_up(&j);
    // 4,000 × 10 days (paid late), 6,000 × 52, 6,000 × 22, at 0.05 % a day.
    // (invoice, amount, days, balance, interest, paid on)
    type Line<'a> = (&'a str, i64, i64, i64, i64, Option<&'a str>);
    let lines: Vec<Line> = rows(&j["lines"])
        .iter()
        .map(|l| {
            (
                l["invoice"].as_str().unwrap(),
                cents(&l["amount"]),
                l["days"].as_i64().unwrap(),
                cents(&l["balance"]),
                cents(&l["interest"]),
                l["paid_on"].as_str(),
            )
        })
        .collect();
    assert_eq!(
        lines,
        [
            ("INV-1", 400_000, 10, 0, 2_000, Some("2026-10-11")),
            ("INV-1", 600_000, 52, 600_000, 15_600, None),
            ("INV-2", 600_000, 22, 600_000, 6_600, None),
        ]
    );
    assert_eq!((j["overdue"].as_str(), j["interest"].as_str()), (Some("12000.00"), Some("242.00")));
    assert_eq!(j["total_due"], "12242.00", "the not-yet-due 3,200.00 is not in the total");
    assert_eq!(j["not_yet_due"][0]["invoice"], "INV-3");
    assert_eq!(j["not_yet_due_total"], "3200.00");
    assert_eq!(j["interest"], env.json(&["dun", "interest", "HY"])["total"], "the owed figure of dun interest");
    // The text and the page print the same figures.
    let txt = env.ok(&["dun", "letter", "HY", "--level", "3"]);
    let html = env.ok(&["dun", "letter", "HY", "--level", "3", "--format", "html"]);
    for doc in [&txt, &html] {
        for figure in ["12,000.00", "242.00", "12,242.00", "3,200.00", "156.00", "66.00", "20.00", "0.05%"] {
            assert!(doc.contains(figure), "{figure} in:\n{doc}");
        }
        assert!(!doc.contains("15,442.00"), "nothing adds the not-yet-due amount in:\n{doc}");
    }
    let row = txt.lines().find(|l| l.starts_with("INV-1, paid 2026-10-11")).expect("the part paid late");
    assert_eq!(
        row.split_whitespace().skip(3).collect::<Vec<_>>(),
        ["2026-10-01", "10", "0.00", "4,000.00", "10", "0.05%", "20.00"]
    );
    assert!(
        txt.contains("Total due now: 12,242.00 CNY") && txt.contains("Subtotal not yet due: 3,200.00 CNY"),
        "{txt}"
    );
    assert!(html.contains("<td class=\"n\">156.00</td>") && html.contains("Total due now: 12,242.00 CNY"), "{html}");
}

#[test]
fn rounding_and_interest_invoiced_or_waived_are_lines_of_their_own() {
    let env = TestEnv::new();
    env.ok(&["-q", "customer", "add", "R", "Rounding Ltd", "--contact", "payer:Ann"]);
    // Two parts of 10.00 paid a day late: 0.005 each; the installment's
    // 0.01 is rounded once, the lines round to 0.01 each.
    env.ok(&["-q", "invoice", "add", "R-1", "R", "20", "--date", "2026-10-01", "--due", "2026-11-01"]);
    env.ok(&["-q", "pay", "add", "R", "10", "--date", "2026-11-02", "--invoice", "R-1"]);
    env.ok(&["-q", "pay", "add", "R", "10", "--date", "2026-11-02", "--invoice", "R-1"]);
    env.ok(&["-q", "invoice", "add", "W-1", "R", "10000", "--date", "2026-08-01", "--due", "2026-09-01"]);
    // Interest to 2026-10-31 invoiced (INT-R-202610, due 2026-11-07), 50.00 waived.
    env.ok(&["-q", "--as-of", "2026-10-31", "dun", "charge-interest", "R"]);
    env.ok(&["-q", "dun", "waive", "R", "--invoice", "W-1", "--amount", "50", "--reason", "goodwill"]);
    let j = env.json(&["dun", "letter", "R", "--level", "3"]);
    assert_adds_up(&j);
    let adj: Vec<(&str, &str, i64)> = rows(&j["adjustments"])
        .iter()
        .map(|a| (a["invoice"].as_str().unwrap(), a["kind"].as_str().unwrap(), cents(&a["interest"])))
        .collect();
    // W-1: 10,000 × 60 days to 2026-10-31 = 300.00 invoiced, 50.00 waived.
    assert_eq!(adj, [("W-1", "posted", -30_000), ("W-1", "waived", -5_000), ("R-1", "rounding", -1)]);
    // W-1 accrued 10,000 × 82 × 0.05 % = 410.00, owes 410 − 300 − 50 = 60.00;
    // R-1 owes 0.01 (0.01 + 0.01 on its lines, −0.01 rounding).
    assert_eq!(j["interest"], "60.01");
    assert_eq!(j["interest"], env.json(&["dun", "interest", "R"])["total"]);
    // The interest invoice is owed and overdue, and bears no interest.
    let int = rows(&j["lines"]).iter().find(|l| l["invoice"] == "INT-R-202610").expect("the interest invoice");
    assert_eq!((int["balance"].as_str(), int["interest"].as_str()), (Some("300.00"), Some("0.00")));
    let txt = env.ok(&["dun", "letter", "R", "--level", "3"]);
    for line in [
        "Interest on W-1 already invoiced: -300.00",
        "Interest on W-1 waived: -50.00",
        "Rounding of the interest on R-1 (rounded once): -0.01",
    ] {
        assert!(txt.contains(line), "{line} in:\n{txt}");
    }
}

#[test]
fn a_part_whose_days_cross_a_rate_change_has_one_line_per_rate() {
    let env = TestEnv::new();
    env.ok(&["-q", "customer", "add", "ACME", "Acme Ltd"]);
    env.ok(&["-q", "invoice", "add", "A-1", "ACME", "10000", "--date", "2026-09-01", "--due", "2026-10-01"]);
    env.ok(&["-q", "config", "set", "interest_rate", "0.03%", "--from", "2026-11-01"]);
    let j = env.json(&["dun", "letter", "ACME", "--level", "3"]);
    assert_adds_up(&j);
    let lines: Vec<(i64, &str, i64, i64)> = rows(&j["lines"])
        .iter()
        .map(|l| {
            (l["days"].as_i64().unwrap(), l["rate"].as_str().unwrap(), cents(&l["balance"]), cents(&l["interest"]))
        })
        .collect();
    // 31 days of October at 0.05 %, 22 of November at 0.03 %.
    assert_eq!(lines, [(30, "0.0005", 1_000_000, 15_000), (22, "0.0003", 0, 6_600)]);
    assert_eq!(j["overdue"], "10000.00", "the part's balance counted once");
    assert_eq!(j["interest"], env.json(&["dun", "interest", "ACME"])["total"]);
}

#[test]
fn customers_coded_alike_get_files_of_their_own_and_a_second_run_writes_and_logs_nothing() {
    let env = TestEnv::new();
    for code in ["华远", "东方", "A.B", "A_B"] {
        env.ok(&["-q", "customer", "add", code, &format!("{code} Co")]);
        let inv = format!("I-{code}");
        env.ok(&["-q", "invoice", "add", &inv, code, "1000", "--date", "2026-08-01", "--due", "2026-09-01"]);
    }
    let out = env.ok(&["dun", "letter", "--all", "--out", "D", "--format", "html"]);
    let mut files: Vec<&str> = out.lines().collect();
    files.sort();
    assert_eq!(
        files,
        [
            "D/2026-11-22-AB-3-L5-final-legal-notice.html",
            "D/2026-11-22-AB-4-L5-final-legal-notice.html",
            "D/2026-11-22-东方-L5-final-legal-notice.html",
            "D/2026-11-22-华远-L5-final-legal-notice.html",
        ]
    );
    for f in &files {
        let html = std::fs::read_to_string(env.path().join(f)).unwrap();
        let code = if f.contains("AB-3") {
            "A.B"
        } else if f.contains("AB-4") {
            "A_B"
        } else {
            &f[13..19]
        };
        assert!(html.contains(&format!("To: {code} Co")), "{f} is {code}'s letter:\n{html}");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(env.path().join(f)).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600, "{f}");
        }
    }
    let history = env.json(&["dun", "history"]);
    assert_eq!(rows(&history).len(), 4, "{history}");
    let before: Vec<String> = files.iter().map(|f| std::fs::read_to_string(env.path().join(f)).unwrap()).collect();
    let book = env.book_fingerprint();
    let out = env.run(&["dun", "letter", "--all", "--out", "D", "--format", "html"]);
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stdout), "", "nothing new written");
    let note = String::from_utf8_lossy(&out.stderr);
    assert!(note.contains("nothing new: the 4 letters due today are already in D"), "{note}");
    assert_eq!(rows(&env.json(&["dun", "history"])).len(), 4, "nothing logged again");
    assert_eq!(book, env.book_fingerprint());
    let after: Vec<String> = files.iter().map(|f| std::fs::read_to_string(env.path().join(f)).unwrap()).collect();
    assert_eq!(before, after);
}

#[test]
fn a_letter_written_to_a_folder_never_overwrites_one() {
    let env = TestEnv::new();
    scene(&env);
    let note = env.ok_note(&["dun", "letter", "HY", "--level", "3", "--out", "out"]);
    assert!(note.contains("wrote out/2026-11-22-HY-L3-dunning-letter.txt"), "{note}");
    let path = env.path().join("out/2026-11-22-HY-L3-dunning-letter.txt");
    std::fs::write(&path, "my edits").unwrap();
    let (code, err) = env.fail(&["dun", "letter", "HY", "--level", "3", "--out", "out"]);
    assert_eq!(code, 1);
    assert!(err.contains("2026-11-22-HY-L3-dunning-letter.txt exists; it is not overwritten"), "{err}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "my edits");
}

#[test]
fn level_five_without_a_law_firm_is_a_final_notice_in_the_companys_name() {
    let env = TestEnv::new();
    scene(&env);
    let en = env.ok(&["dun", "letter", "HY", "--level", "5"]);
    assert!(en.starts_with("上海示例贸易有限公司\n"), "the company's letterhead:\n{en}");
    assert!(en.contains("\nFinal notice before legal action\n") && !en.contains("Lawyer"), "{en}");
    assert!(en.contains("This is our final notice before we take legal action."), "{en}");
    assert!(en.ends_with("Yours faithfully,\n上海示例贸易有限公司 — Accounts Receivable\n"), "{en}");
    let zh = env.ok(&["dun", "letter", "HY", "--level", "5", "--lang", "zh"]);
    assert!(zh.contains("\n法律行动前最后催告函\n") && !zh.contains("律师函"), "{zh}");
    assert!(!zh.contains("受") && !zh.contains("委托人"), "no one is acting for anyone:\n{zh}");
    assert!(zh.ends_with("此致\n敬礼\n\n上海示例贸易有限公司 应收账款部\n"), "{zh}");
    assert_eq!(env.json(&["dun", "letter", "HY", "--level", "6"])["kind"], "final-legal-notice");
}

#[test]
fn level_five_with_a_law_firm_is_the_firms_letter_in_both_languages() {
    let env = TestEnv::new();
    scene(&env);
    env.ok(&["-q", "config", "set", "lawyer_firm", "北京大成律师事务所"]);
    env.ok(&["-q", "config", "set", "lawyer_name", "张伟"]);
    env.ok(&["-q", "config", "set", "lawyer_contact", "北京市朝阳区东大桥路 9 号 010-5813 7799"]);
    assert_eq!(env.json(&["config"])["lawyer_firm"], "北京大成律师事务所");
    let zh = env.ok(&["dun", "letter", "HY", "--level", "5", "--lang", "zh"]);
    assert!(
        zh.starts_with("北京大成律师事务所\n张伟 律师\n北京市朝阳区东大桥路 9 号 010-5813 7799\n"),
        "the firm's letterhead:\n{zh}"
    );
    assert!(zh.contains("\n律师函\n"), "{zh}");
    assert!(zh.contains("北京大成律师事务所受上海示例贸易有限公司（以下简称“委托人”）委托"), "{zh}");
    assert!(zh.ends_with("此致\n敬礼\n\n北京大成律师事务所\n张伟 律师\n"), "signed by the firm:\n{zh}");
    assert!(!zh.contains("应收账款部"), "{zh}");
    let en = env.ok(&["dun", "letter", "HY", "--level", "5"]);
    assert!(en.starts_with("北京大成律师事务所\n张伟, attorney at law\n"), "{en}");
    assert!(
        en.contains("Lawyer's letter: demand for payment") && en.contains("We act for 上海示例贸易有限公司"),
        "{en}"
    );
    assert!(en.ends_with("Yours faithfully,\n张伟\n北京大成律师事务所\nfor 上海示例贸易有限公司\n"), "{en}");
    let j = env.json(&["dun", "letter", "HY", "--level", "5"]);
    assert_eq!((j["kind"].as_str(), j["sender"].as_str()), (Some("lawyers-letter"), Some("北京大成律师事务所")));
    assert_eq!(j["total_due"], "12242.00", "the same figures as any letter");
    // Below level 5 the company writes, firm or not.
    assert!(env.ok(&["dun", "letter", "HY", "--level", "4"]).starts_with("上海示例贸易有限公司\n"));
}

#[test]
fn a_letter_goes_to_the_payer_copies_whom_asked_and_speaks_the_customers_language() {
    let env = TestEnv::new();
    scene(&env);
    let en = env.ok(&["dun", "letter", "HY", "--level", "3", "--cc", "decision"]);
    assert!(en.contains("To: 深圳华远电子有限公司\nAttn: 王芳 (payer)\nCc: 李总 (decision maker)\n"), "{en}");
    let j = env.json(&["dun", "letter", "HY", "--level", "3", "--cc", "decision"]);
    assert_eq!(j["to"]["email"], "wang@huayuan.example");
    assert_eq!((j["cc"][0]["name"].as_str(), j["cc"][0]["role"].as_str()), (Some("李总"), Some("decision")));
    let (code, err) = env.fail(&["dun", "letter", "HY", "--level", "3", "--cc", "acceptance"]);
    assert_eq!(code, 1);
    assert!(err.contains("HY has no acceptance contact to copy (--cc); add one: huikuan customer edit HY"), "{err}");
    // The customer's own language unless --lang says otherwise.
    env.ok(&["-q", "customer", "edit", "HY", "--language", "zh"]);
    assert!(env.ok(&["dun", "letter", "HY", "--level", "3"]).contains("\n催款函\n"));
    assert_eq!(env.json(&["dun", "letter", "HY", "--level", "3"])["lang"], "zh");
    assert!(
        env.ok(&["dun", "letter", "HY", "--level", "3", "--lang", "en"])
            .contains("\nFormal notice of overdue payment\n")
    );
}

const EVIL: &str = "Evil {{total}} {{bank}} <script>alert(1)</script> \u{1b}[31m Co";

#[test]
fn a_customer_named_with_placeholders_html_and_escapes_is_printed_literally_and_safely() {
    let env = TestEnv::new();
    env.ok(&["-q", "config", "set", "bank", "Bank 123"]);
    env.ok(&["-q", "config", "set", "company_email", "ar@example.com"]);
    env.ok(&["-q", "customer", "add", "EV", EVIL, "--contact", "payer:Bob <b>:1:bob@evil.example"]);
    env.ok(&["-q", "invoice", "add", "E-1", "EV", "100", "--date", "2026-01-01", "--due", "2026-01-31"]);
    let letter = |format: &str| env.ok(&["dun", "letter", "EV", "--level", "3", "--format", format]);
    let visible = "Evil {{total}} {{bank}} <script>alert(1)</script> \\u{1b}[31m Co";
    let txt = letter("txt");
    assert!(txt.contains(&format!("To: {visible}\n")), "{txt}");
    let md = letter("md");
    assert!(md.contains("Evil {{total}} {{bank}} &lt;script&gt;alert(1)&lt;/script&gt; \\\\u{1b}\\[31m Co"), "{md}");
    let html = letter("html");
    assert!(html.contains("Evil {{total}} {{bank}} &lt;script&gt;alert(1)&lt;/script&gt; \\u{1b}[31m Co"), "{html}");
    assert!(html.contains("Bob &lt;b&gt; (payer)"), "{html}");
    let eml = letter("eml");
    let msg = mail_parser::MessageParser::default().parse(eml.as_bytes()).expect("a message");
    assert!(msg.body_text(0).unwrap().contains(&format!("To: {visible}")));
    assert_eq!(msg.to().unwrap().first().unwrap().address(), Some("bob@evil.example"));
    for (format, doc) in [("txt", &txt), ("md", &md), ("html", &html), ("eml", &eml)] {
        assert!(!doc.contains('\u{1b}'), "{format}: no raw escape");
        assert!(!doc.contains("Bank 123 Co") && !doc.contains("Evil 10"), "{format}: nothing expanded:\n{doc}");
    }
    for doc in [&md, &html] {
        assert!(!doc.contains("<script>") && !doc.contains("<b>"), "{doc}");
    }
    let j = env.json(&["dun", "letter", "EV", "--level", "3"]);
    assert_eq!(j["customer_name"], EVIL, "JSON carries the name as it is, escaped by JSON");
    // And written by --all, under a name of its own.
    let out = env.ok(&["dun", "letter", "--all", "--out", "D", "--format", "html"]);
    let written = std::fs::read_to_string(env.path().join(out.trim())).unwrap();
    assert!(!written.contains("<script>") && written.contains("{{total}}"), "{written}");
}

#[test]
fn a_users_template_fills_in_one_pass_and_a_mistake_in_it_is_named() {
    let env = TestEnv::new();
    scene(&env);
    env.ok(&["-q", "customer", "edit", "HY", "--name", "华远 {{bank}}"]);
    let dir = env.path().join("home/config/huikuan/templates");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("letter.en.txt"),
        "{{ customer }} owes {{total_due}} {{currency}}; later {{not_yet_due_total}}.\n",
    )
    .unwrap();
    assert_eq!(env.ok(&["dun", "letter", "HY", "--level", "3"]), "华远 {{bank}} owes 12,242.00 CNY; later 3,200.00.\n");
    std::fs::write(dir.join("letter.en.txt"), "Dear {{contact}},\npay {{totl}}\n").unwrap();
    let (code, err) = env.fail(&["dun", "letter", "HY", "--level", "3"]);
    assert_eq!(code, 1);
    assert!(err.contains("letter.en.txt:2: unknown placeholder {{totl}} in the letter template"), "{err}");
}
