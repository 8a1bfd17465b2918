//! Collection letters: two languages, four formats, a real e-mail, idempotent batches.

use crate::common::TestEnv;

fn scene(env: &TestEnv) {
    env.ok(&["-q", "config", "set", "company", "上海示例贸易有限公司"]);
    env.ok(&["-q", "config", "set", "company_email", "ar@shili.example"]);
    env.ok(&["-q", "config", "set", "bank", "招商银行上海分行 6214 8300 0000 1234"]);
    env.ok(&[
        "-q",
        "customer",
        "add",
        "HY",
        "深圳华远电子有限公司",
        "--contact",
        "payer:王芳:13800000000:wang@huayuan.example",
    ]);
    env.ok(&["-q", "invoice", "add", "INV-1", "HY", "10000", "--date", "2026-09-01", "--due", "2026-10-01"]);
    env.ok(&["-q", "invoice", "add", "INV-2", "HY", "6000", "--date", "2026-10-01", "--due", "2026-10-31"]);
    env.ok(&["-q", "pay", "add", "HY", "4000", "--date", "2026-10-11", "--invoice", "INV-1"]);
}

fn money_cents(s: &str) -> i64 {
    s.replace([',', '.'], "").parse().unwrap()
}

#[test]
fn letters_come_in_two_languages_and_four_formats() {
    let env = TestEnv::new();
    scene(&env);
    for lang in ["en", "zh"] {
        let txt = env.ok(&["dun", "letter", "HY", "--level", "3", "--lang", lang]);
        let md = env.ok(&["dun", "letter", "HY", "--level", "3", "--lang", lang, "--format", "md"]);
        let html = env.ok(&["dun", "letter", "HY", "--level", "3", "--lang", lang, "--format", "html"]);
        let eml = env.ok(&["dun", "letter", "HY", "--level", "3", "--lang", lang, "--format", "eml"]);
        let title = if lang == "zh" { "催款函" } else { "Formal notice of overdue payment" };
        assert!(txt.contains(title) && txt.contains("INV-1") && txt.contains("INV-2"), "{txt}");
        assert!(md.contains(&format!("## {title}")) && md.contains("| INV-1 |"), "{md}");
        assert!(html.starts_with("<!DOCTYPE html>") && html.contains("<table>") && html.contains(title), "{html}");
        let m = mail_parser::MessageParser::default().parse(eml.as_bytes()).expect("an e-mail");
        assert!(m.subject().unwrap().contains(title), "{eml}");
        assert!(m.body_text(0).unwrap().contains("INV-1") && m.body_html(0).unwrap().contains("INV-1"), "{eml}");
        assert!(!txt.contains("{{"), "every placeholder filled");
    }
    // Each level has its letter.
    let lawyer = env.ok(&["dun", "letter", "HY", "--level", "5", "--lang", "zh"]);
    assert!(lawyer.contains("法律行动前最后催告函"), "no law firm configured: {lawyer}");
    let final_notice = env.ok(&["dun", "letter", "HY", "--level", "4"]);
    assert!(final_notice.contains("Final notice before stop of supply"));
    let (code, err) = env.fail(&["dun", "letter", "HY", "--level", "3", "--format", "csv"]);
    assert_eq!(code, 2, "{err}");
}

#[test]
fn the_eml_is_a_mail_message_whose_interest_equals_dun_interest() {
    let env = TestEnv::new();
    scene(&env);
    let eml = env.ok(&["dun", "letter", "HY", "--level", "3", "--lang", "zh", "--format", "eml"]);
    let msg = mail_parser::MessageParser::default().parse(eml.as_bytes()).expect("a parsable message");
    assert_eq!(msg.subject().unwrap(), "催款函 — 上海示例贸易有限公司 (HY)");
    let to = msg.to().unwrap().first().unwrap();
    assert_eq!(to.address(), Some("wang@huayuan.example"));
    assert_eq!(to.name(), Some("王芳"));
    assert_eq!(msg.from().unwrap().first().unwrap().address(), Some("ar@shili.example"));
    let body = msg.body_text(0).unwrap().to_string();
    let interest = env.json(&["dun", "interest", "HY"]);
    let total = interest["total"].as_str().unwrap();
    let line = body.lines().find(|l| l.contains("违约金：")).expect("the interest line");
    let shown = line.split('：').nth(1).unwrap().split_whitespace().next().unwrap();
    assert_eq!(money_cents(shown), money_cents(total), "{line} vs dun interest {total}");
    // 4,000 × 0.05 % × 10 + 6,000 × 0.05 % × 52 + 6,000 × 0.05 % × 22 = 20 + 156 + 66 = 242.00
    assert_eq!(total, "242.00");
}

#[test]
fn letters_for_the_day_are_written_and_logged_once() {
    let env = TestEnv::new();
    scene(&env);
    let out = env.ok(&["dun", "letter", "--all", "--out", "letters", "--format", "html"]);
    let files: Vec<&str> = out.lines().collect();
    assert_eq!(files.len(), 1, "{out}");
    assert!(files[0].ends_with("2026-11-22-HY-L4-final-notice.html"), "{out}");
    let first = std::fs::read_to_string(env.path().join(files[0])).unwrap();
    let history = env.json(&["dun", "history", "HY"]);
    assert_eq!(history.as_array().unwrap().len(), 1);
    assert_eq!(history[0]["source"], "letter");
    let book = env.book_fingerprint();
    let again = env.ok(&["dun", "letter", "--all", "--out", "letters", "--format", "html"]);
    assert_eq!(again, "", "nothing new written");
    assert_eq!(first, std::fs::read_to_string(env.path().join(files[0])).unwrap());
    assert_eq!(env.json(&["dun", "history", "HY"]).as_array().unwrap().len(), 1, "logged once");
    assert_eq!(book, env.book_fingerprint(), "the second run changes nothing");
}

#[test]
fn customer_data_cannot_escape_the_folder_or_the_html() {
    let env = TestEnv::new();
    env.ok(&["-q", "customer", "add", "../../EVIL", "<script>alert(1)</script> & Co"]);
    env.ok(&["-q", "invoice", "add", "E-1", "../../EVIL", "100", "--date", "2026-01-01", "--due", "2026-01-31"]);
    let out = env.ok(&["dun", "letter", "--all", "--out", "out", "--format", "html"]);
    let name = out.lines().next().unwrap();
    let path = env.path().join(name);
    assert!(path.starts_with(env.path().join("out")), "{name}");
    assert!(!name.contains(".."), "{name}");
    let html = std::fs::read_to_string(path).unwrap();
    assert!(!html.contains("<script>") && html.contains("&lt;script&gt;"), "{html}");
}

#[test]
fn a_template_in_the_config_directory_replaces_the_built_in_wording() {
    let env = TestEnv::new();
    scene(&env);
    let dir = env.path().join("home/config/huikuan/templates");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("letter.en.txt"), "Hello {{customer}}, please pay {{total}} {{currency}} by {{pay_by}}.\n")
        .unwrap();
    let txt = env.ok(&["dun", "letter", "HY", "--level", "3"]);
    // 6,000.00 left on INV-1 + 6,000.00 on INV-2 + 242.00 interest.
    assert_eq!(txt, "Hello 深圳华远电子有限公司, please pay 12,242.00 CNY by 2026-11-29.\n");
    // Chinese still uses the built-in template.
    assert!(env.ok(&["dun", "letter", "HY", "--level", "3", "--lang", "zh"]).contains("催款函"));
}
