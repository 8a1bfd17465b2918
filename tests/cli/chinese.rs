//! `--lang zh` says the book's own words in Chinese: payment methods,
//! channels, where an action came from, statuses and the worklist's
//! reasons. (What the user typed — names, notes, references — is theirs.)

use crate::common::TestEnv;

/// English words of the book's own vocabulary that a Chinese table must not show.
pub(crate) const ENGLISH: &[&str] = &[
    "bank", "cash", "cheque", "alipay", "wechat", "other", "phone", "email", "sms", "letter", "visit", "lawyer",
    "legal", "manual", "system", "overdue", "days", "due", "today", "promise", "broken", "open", "paid", "void",
    "disputed", "yes", "level", "repeat", "unpaid", "grade", "amount", "sent", "reminder", "mailed", "demand",
];

pub(crate) fn english_words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_ascii_alphabetic())
        .filter(|w| ENGLISH.iter().any(|e| e.eq_ignore_ascii_case(w)))
        .map(str::to_string)
        .collect()
}

#[test]
fn chinese_lists_say_the_books_words_in_chinese() {
    let env = TestEnv::new();
    env.ok(&["-q", "customer", "add", "HY", "深圳华远电子有限公司"]);
    env.ok(&["-q", "customer", "add", "HD", "广州宏达物流有限公司", "--score", "20"]);
    env.ok(&["-q", "invoice", "add", "HY-1", "HY", "12000", "--date", "2026-09-01"]);
    env.ok(&["-q", "invoice", "add", "HY-2", "HY", "3000", "--date", "2026-11-20"]);
    env.ok(&["-q", "invoice", "add", "HD-1", "HD", "300000", "--date", "2026-08-01", "--force"]);
    for (customer, amount, method, date) in [
        ("HY", "2000", "cheque", "2026-10-05"),
        ("HY", "1000", "alipay", "2026-10-06"),
        ("HD", "500", "wechat", "2026-10-07"),
    ] {
        env.ok(&["-q", "pay", "add", customer, amount, "--method", method, "--date", date, "--ref", "货款"]);
    }
    env.ok(&["-q", "dun", "log", "HY", "--step", "2", "--channel", "phone/email", "--date", "2026-10-10"]);
    env.ok(&["-q", "dun", "promise", "HY", "--date", "2026-11-28", "--amount", "9000"]);
    // Letters huikuan writes are logged with a note of its own words.
    let dir = env.path().join("letters");
    env.ok(&["-q", "dun", "letter", "--all", "--out", dir.to_str().unwrap(), "--format", "txt"]);
    assert!(env.ok(&["dun", "history"]).contains(" sent"), "a letter is logged in English too");
    for args in [
        &["--lang", "zh", "pay", "list"][..],
        &["--lang", "zh", "dun", "history"],
        &["--lang", "zh", "invoice", "show", "HY-1"],
        &["--lang", "zh", "dun", "list"],
    ] {
        let out = env.ok(args);
        let found = english_words(&out);
        assert!(found.is_empty(), "{}: English words {found:?} in\n{out}", args.join(" "));
    }
    // The JSON keeps the codes, in either language.
    let json = env.json(&["--lang", "zh", "pay", "list"]);
    assert_eq!(json[0]["method"], "cheque", "{json}");
}

#[test]
fn a_hold_huikuan_puts_says_why_in_chinese_and_one_typed_stays_as_typed() {
    let env = TestEnv::new();
    env.ok(&["-q", "customer", "add", "HD", "广州宏达物流有限公司"]);
    env.ok(&["-q", "customer", "add", "XY", "厦门星云贸易有限公司"]);
    env.ok(&["-q", "invoice", "add", "HD-1", "HD", "3000", "--date", "2026-06-01"]);
    // Level 4 of the default ladder stops supply.
    env.ok(&["-q", "dun", "log", "HD", "--step", "4", "--channel", "visit", "--date", "2026-10-10"]);
    let zh = env.ok(&["--lang", "zh", "customer", "show", "HD"]);
    assert!(zh.contains("2026-10-10 达到第 4 级催收"), "{zh}");
    assert!(!zh.contains("collection level"), "{zh}");
    let en = env.ok(&["customer", "show", "HD"]);
    assert!(en.contains("collection level 4 on 2026-10-10"), "{en}");
    // A reason the user typed is theirs, in both languages.
    env.ok(&["-q", "customer", "hold", "XY", "--reason", "legal review"]);
    assert!(env.ok(&["--lang", "zh", "customer", "show", "XY"]).contains("legal review"));
}
