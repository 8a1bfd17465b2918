//! Customer statements (对账单), their confirmation slips (询证函), the
//! confirmations recorded and listed, and the files statements and packs
//! are written to.

use serde_json::Value;

use crate::common::{TestEnv, cents};

const COMPANY: &str = "上海示例贸易有限公司";
const OCTOBER: [&str; 4] = ["--from", "2026-10-01", "--to", "2026-10-31"];

/// HY owes 10,000.00 at the end of October (an invoice, a payment, an
/// early-payment discount on its own line); DF paid 10,000.00 against
/// 1,800.00 invoiced and is 8,200.00 in credit.
fn october() -> TestEnv {
    let env = TestEnv::new();
    env.ok(&["-q", "init", "--company", COMPANY]);
    env.ok(&["-q", "customer", "add", "HY", "华远科技有限公司"]);
    env.ok(&["-q", "customer", "add", "DF", "东方贸易有限公司"]);
    env.ok(&["-q", "invoice", "add", "INV-1", "HY", "12000", "--date", "2026-09-01"]);
    env.ok(&["-q", "invoice", "add", "INV-2", "HY", "3000", "--date", "2026-10-10", "--discount", "2/10"]);
    env.ok(&["-q", "pay", "add", "HY", "2000", "--date", "2026-10-05"]);
    env.ok(&["-q", "pay", "add", "HY", "2940", "--date", "2026-10-15", "--invoice", "INV-2"]);
    env.ok(&["-q", "invoice", "add", "D-1", "DF", "1800", "--date", "2026-09-10"]);
    env.ok(&["-q", "pay", "add", "DF", "10000", "--date", "2026-10-08"]);
    env
}

fn statement(env: &TestEnv, code: &str, extra: &[&str]) -> String {
    env.ok(&[&["report", "statement", code][..], &OCTOBER, extra].concat())
}

/// The slip: everything after the rule that opens it.
fn slip(text: &str) -> &str {
    &text[text.find(&"-".repeat(60)).unwrap_or_else(|| panic!("no slip in:\n{text}"))..]
}

#[test]
fn the_slip_says_who_owes_whom_for_a_debtor_and_a_customer_in_credit_in_both_languages() {
    let env = october();
    let cases = [
        ("HY", "华远科技有限公司", "en", "As of 2026-10-31, our records show that you owed us 10,000.00 CNY."),
        ("HY", "华远科技有限公司", "zh", "截至 2026-10-31，贵司尚欠我司 10,000.00 CNY。"),
        ("DF", "东方贸易有限公司", "en", "As of 2026-10-31, our records show that we owed you 8,200.00 CNY"),
        ("DF", "东方贸易有限公司", "zh", "截至 2026-10-31，我司尚欠贵司 8,200.00 CNY"),
    ];
    for (code, name, lang, sentence) in cases {
        let text = statement(&env, code, &["--lang", lang]);
        let s = slip(&text);
        assert!(s.contains(sentence), "{s}");
        assert_eq!(s.matches(COMPANY).count(), 1, "our company once, as the sender:\n{s}");
        assert_eq!(s.matches(name).count(), 1, "the customer once, as the addressee:\n{s}");
        let (to, from) = if lang == "en" { ("To: ", "From: ") } else { ("致：", "发函单位：") };
        assert!(s.contains(&format!("{to}{name}\n")) && s.contains(&format!("{from}{COMPANY}\n")), "{s}");
        assert!(!s.contains("-8,200") && !s.contains(" -"), "never a negative amount in words:\n{s}");
        assert_eq!(s.matches("[ ]").count(), 2, "boxes to agree or disagree:\n{s}");
    }
    let hy = statement(&env, "HY", &[]);
    assert!(hy.contains("2026-10-15  Discount allowed  INV-2                   60.00  10,000.00"), "{hy}");
    assert!(hy.contains("INV-1            2026-10-01             30  10,000.00"), "open item with its due date:\n{hy}");
    let df = statement(&env, "DF", &[]);
    let unapplied = df.lines().find(|l| l.starts_with("Received, not yet applied to an invoice")).unwrap_or_default();
    assert!(unapplied.ends_with("  -8,200.00"), "the credit beside the open items:\n{df}");
}

#[test]
fn a_zero_balance_says_that_nobody_owes_anything() {
    let env = october();
    env.ok(&["-q", "pay", "add", "HY", "10000", "--date", "2026-10-30"]);
    let en = statement(&env, "HY", &[]);
    assert!(slip(&en).contains("a balance of 0.00 CNY: neither of us owed the other anything"), "{en}");
    let zh = statement(&env, "HY", &["--lang", "zh"]);
    assert!(slip(&zh).contains("双方往来余额为 0.00 CNY，互不相欠"), "{zh}");
    let json = env.json(&[&["report", "statement", "HY"][..], &OCTOBER].concat());
    assert_eq!(json["confirmation"], serde_json::json!({"balance": "0.00", "owed_by": null, "period": "2026-10"}));
}

/// opening + Σ entries = closing; Σ open items − unapplied = closing.
fn assert_adds_up(v: &Value) {
    let entries = v["entries"].as_array().expect("entries");
    let mut running = cents(&v["opening_balance"]);
    for e in entries {
        running += cents(&e["amount"]);
        assert_eq!(running, cents(&e["balance"]), "running balance at {e}");
    }
    assert_eq!(running, cents(&v["closing_balance"]), "{v}");
    let open: i64 = v["open_items"].as_array().expect("open items").iter().map(|i| cents(&i["balance"])).sum();
    assert_eq!(open - cents(&v["unapplied"]), cents(&v["closing_balance"]), "{v}");
}

#[test]
fn the_json_statement_has_the_design_keys_and_adds_up() {
    let env = october();
    let hy = env.json(&[&["report", "statement", "HY"][..], &OCTOBER].concat());
    for key in ["customer", "from", "to", "opening_balance", "entries", "closing_balance", "open_items", "confirmation"]
    {
        assert!(hy.get(key).is_some(), "{key} missing: {hy}");
    }
    assert_eq!(
        (hy["customer"].as_str(), hy["from"].as_str(), hy["to"].as_str()),
        (Some("HY"), Some("2026-10-01"), Some("2026-10-31"))
    );
    assert_eq!((cents(&hy["opening_balance"]), cents(&hy["closing_balance"])), (1_200_000, 1_000_000));
    let kinds: Vec<&str> = hy["entries"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["payment", "invoice", "payment", "discount"]);
    assert_eq!(
        hy["open_items"],
        serde_json::json!([{"invoice": "INV-1", "due": "2026-10-01", "days_past_due": 30, "balance": "10000.00"}])
    );
    assert_eq!(
        hy["confirmation"],
        serde_json::json!({"balance": "10000.00", "owed_by": "customer", "period": "2026-10"})
    );
    assert_adds_up(&hy);
    let df = env.json(&[&["report", "statement", "DF"][..], &OCTOBER].concat());
    assert_eq!((cents(&df["closing_balance"]), cents(&df["unapplied"])), (-820_000, 820_000));
    assert_eq!(df["open_items"], serde_json::json!([]));
    assert_eq!(
        df["confirmation"],
        serde_json::json!({"balance": "8200.00", "owed_by": "company", "period": "2026-10"})
    );
    assert_adds_up(&df);
}

#[test]
fn a_customers_own_language_is_used_unless_lang_is_given_on_the_command_line() {
    let env = october();
    env.ok(&["-q", "customer", "edit", "DF", "--language", "zh"]);
    assert!(statement(&env, "DF", &[]).contains("对账单 2026-10-01 至 2026-10-31"));
    assert!(statement(&env, "DF", &["--lang", "en"]).contains("Statement of account 2026-10-01 to 2026-10-31"));
    assert!(statement(&env, "HY", &[]).contains("Statement of account"), "no language of its own: the user's");
    let json = env.json(&[&["report", "statement", "DF"][..], &OCTOBER].concat());
    assert_eq!(json["lang"], "zh");
}

fn confirmations(env: &TestEnv) -> Value {
    env.json(&["report", "confirmations", "--period", "2026-10"])
}

#[test]
fn slips_written_out_are_recorded_sent_and_replies_are_listed_agreed_differing_or_outstanding() {
    let env = october();
    env.ok(&["-q", "customer", "add", "XM", "小米"]);
    env.ok(&["-q", "invoice", "add", "X-1", "XM", "500", "--date", "2026-10-20"]);
    // A preview records nothing.
    statement(&env, "HY", &[]);
    assert_eq!(confirmations(&env)["confirmations"], serde_json::json!([]));
    let note = env.ok_note(&[&["report", "statement", "--all"][..], &OCTOBER, &["--out", "st"]].concat());
    assert!(note.contains("3 confirmation(s) for 2026-10 recorded as sent on 2026-11-22"), "{note}");
    env.ok(&["customer", "confirm", "HY", "--period", "2026-10", "--agreed", "--date", "2026-11-22"]);
    let note = env.ok_note(&[
        "customer",
        "confirm",
        "DF",
        "--period",
        "2026-10",
        "--differs=-8000",
        "--note",
        "D-1 red-letter 200",
    ]);
    assert!(note.contains("balance stated -8,200.00, theirs -8,000.00, difference 200.00"), "{note}");
    let r = confirmations(&env);
    // customer, balance stated, status, returned, difference
    let lines: Vec<[&str; 5]> = r["confirmations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| ["customer", "balance", "status", "replied", "difference"].map(|k| l[k].as_str().unwrap_or("-")))
        .collect();
    assert_eq!(
        lines,
        [
            ["DF", "-8200.00", "differs", "2026-11-22", "200.00"],
            ["HY", "10000.00", "agreed", "2026-11-22", "-"],
            ["XM", "500.00", "outstanding", "-", "-"],
        ]
    );
    assert_eq!(
        r["totals"],
        serde_json::json!({"sent": 3, "returned": 2, "agreed": 1, "differing": 1, "outstanding": 1,
                           "balance": "2300.00", "difference": "200.00"})
    );
    let csv = env.ok(&["report", "confirmations", "--period", "2026-10", "--format", "csv"]);
    assert!(csv.ends_with("TOTAL,,2300.00,3,2,\"1 agreed, 1 differing, 1 outstanding\",,200.00,\n"), "{csv}");
    let zh = env.ok(&["report", "confirmations", "--period", "2026-10", "--lang", "zh"]);
    assert!(zh.contains("相符 1，不符 1，未回函 1") && zh.contains("未回函"), "{zh}");
    let log = env.ok(&["log"]);
    assert!(log.contains("confirmation sent to XM for 2026-10: balance 500.00"), "{log}");
    assert!(log.contains("confirmation of HY for 2026-10 replied 2026-11-22: agreed"), "{log}");
}

#[test]
fn a_reply_needs_a_slip_sent_and_replacing_a_reply_needs_yes() {
    let env = october();
    // Not to a month's end: written, but no month confirmed.
    let note = env.ok_note(&["report", "statement", "HY", "--from", "2026-10-01", "--to", "2026-10-30", "--out", "st"]);
    assert!(note.contains("not a month's last day: no confirmation recorded"), "{note}");
    let (code, err) = env.fail(&["customer", "confirm", "HY", "--period", "2026-10", "--agreed"]);
    assert_eq!(code, 1);
    assert!(err.contains("no confirmation was sent to HY for 2026-10"), "{err}");
    env.ok(&[&["report", "statement", "HY"][..], &OCTOBER, &["--out", "st"]].concat());
    env.ok(&["customer", "confirm", "HY", "--period", "2026-10", "--agreed"]);
    let (code, err) = env.fail(&["customer", "confirm", "HY", "--period", "2026-10", "--differs", "9000"]);
    assert_eq!(code, 1);
    assert!(err.contains("replace the reply recorded on 2026-11-22 (agreed)? — needs confirmation"), "{err}");
    env.ok(&["--yes", "customer", "confirm", "HY", "--period", "2026-10", "--differs", "9000"]);
    let r = confirmations(&env);
    assert_eq!(r["confirmations"][0]["their_balance"], "9000.00");
    assert_eq!(r["confirmations"][0]["difference"], "-1000.00");
}

#[test]
fn a_slip_sent_again_with_a_new_balance_replaces_the_old_and_clears_its_reply() {
    let env = october();
    env.ok(&[&["report", "statement", "HY"][..], &OCTOBER, &["--out", "st"]].concat());
    env.ok(&["customer", "confirm", "HY", "--period", "2026-10", "--differs", "9000"]);
    // A payment of October booked late; the corrected statement goes out again.
    env.ok(&["-q", "pay", "add", "HY", "1000", "--date", "2026-10-28"]);
    std::fs::remove_dir_all(env.path().join("st")).unwrap();
    let note = env.ok_note(&[&["report", "statement", "HY"][..], &OCTOBER, &["--out", "st"]].concat());
    assert!(
        note.contains("the reply of 2026-11-22 answered a balance of 10,000.00; the new slip states 9,000.00"),
        "{note}"
    );
    let r = confirmations(&env);
    assert_eq!(
        (r["confirmations"][0]["balance"].as_str(), r["confirmations"][0]["status"].as_str()),
        (Some("9000.00"), Some("outstanding"))
    );
}

#[cfg(unix)]
fn mode(path: &std::path::Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn statements_for_all_get_a_file_each_and_a_second_run_overwrites_nothing() {
    let env = TestEnv::new();
    for code in ["华远", "东方", "A.B", "A_B"] {
        env.ok(&["-q", "customer", "add", code, &format!("{code} Co.")]);
        env.ok(&["-q", "invoice", "add", &format!("I-{code}"), code, "100", "--date", "2026-10-02"]);
    }
    let args = [&["report", "statement", "--all"][..], &OCTOBER, &["--out", "st"]].concat();
    let out = env.ok(&args);
    let mut files: Vec<&str> = out.lines().collect();
    files.sort();
    assert_eq!(
        files,
        [
            "st/statement-AB-3-2026-10-01-2026-10-31.txt",
            "st/statement-AB-4-2026-10-01-2026-10-31.txt",
            "st/statement-东方-2026-10-01-2026-10-31.txt",
            "st/statement-华远-2026-10-01-2026-10-31.txt",
        ]
    );
    for f in &files {
        let text = std::fs::read_to_string(env.path().join(f)).unwrap();
        let code = ["华远", "东方", "A.B", "A_B"].into_iter().find(|c| text.contains(&format!("({c})"))).unwrap();
        assert!(f.contains(&code.replace(['.', '_'], "")), "{f} holds {code}'s statement");
        #[cfg(unix)]
        assert_eq!(mode(&env.path().join(f)), 0o600, "{f}");
    }
    let events = env.json(&["log"]).as_array().unwrap().len();
    // One file changed by hand: it is left, and named.
    let edited = env.path().join(files[0]);
    std::fs::write(&edited, "kept").unwrap();
    let again = env.run(&args);
    assert!(again.status.success());
    assert_eq!(String::from_utf8_lossy(&again.stdout), "", "no file written the second time");
    let err = String::from_utf8_lossy(&again.stderr);
    assert!(err.contains(&format!("{} exists and is left as it was", files[0])), "{err}");
    assert_eq!(err.matches("is already written (unchanged)").count(), 3, "{err}");
    assert_eq!(std::fs::read_to_string(&edited).unwrap(), "kept");
    assert_eq!(env.json(&["log"]).as_array().unwrap().len(), events, "nothing new recorded");
}

#[test]
fn a_pack_is_created_private_and_never_overwrites_an_existing_file() {
    let env = october();
    let path = env.ok(&["report", "pack", "--period", "2026-10", "--out", "packs"]);
    let file = env.path().join(path.trim());
    let before = std::fs::read(&file).unwrap();
    #[cfg(unix)]
    assert_eq!(mode(&file), 0o600);
    let (code, err) = env.fail(&["report", "pack", "--period", "2026-10", "--out", "packs"]);
    assert_eq!(code, 1);
    assert!(err.contains("packs/pack-2026-10.html exists; it is not overwritten"), "{err}");
    assert_eq!(std::fs::read(&file).unwrap(), before);
}

#[test]
fn a_hostile_customer_name_shows_literally_and_safely_in_every_statement_format() {
    let env = october();
    let name = "Evil {{total}} <script>alert(1)</script> \u{1b}[31m Co";
    env.ok(&["-q", "customer", "add", "EV", name]);
    env.ok(&["-q", "invoice", "add", "E-1", "EV", "500", "--date", "2026-10-03"]);
    let shown = r"Evil {{total}} <script>alert(1)</script> \u{1b}[31m Co";
    let escaped = r"Evil {{total}} &lt;script&gt;alert(1)&lt;/script&gt; \u{1b}[31m Co";
    for (format, expected) in [("txt", shown), ("md", escaped), ("html", escaped)] {
        let out = statement(&env, "EV", &["--format", format]);
        assert!(!out.contains('\u{1b}'), "{format}: a raw escape reaches the terminal");
        assert!(!out.contains("<script>") || format == "txt", "{format}: {out}");
        assert!(out.contains(&format!("To: {expected}")), "{format}: the slip's addressee: {out}");
        assert!(!out.contains("500.00 Co"), "{format}: a placeholder was expanded");
    }
    let json = env.json(&[&["report", "statement", "EV"][..], &OCTOBER].concat());
    assert_eq!(json["name"], name, "JSON keeps the exact name");
    env.ok(&[&["report", "statement", "EV"][..], &OCTOBER, &["--out", "st", "--format", "html"]].concat());
    let file = std::fs::read_to_string(env.path().join("st/statement-EV-2026-10-01-2026-10-31.html")).unwrap();
    assert!(file.contains(escaped) && !file.contains("<script>"), "{file}");
}
