//! The audit trail in Chinese (`log --lang zh`): every change said in the
//! book's Chinese words, the command by its Chinese name; events written
//! before the book kept Chinese text (schema 12 and older) in English; and
//! the payment method 承兑汇票 (a bank acceptance bill) from `pay add` and
//! `pay import` to every list.

use std::path::Path;

use crate::chinese::english_words;
use crate::common::{TestEnv, cents};

/// English words of the audit trail's own texts that a Chinese log must not show.
const LOG_WORDS: &[&str] = &[
    "created",
    "book",
    "added",
    "customer",
    "customers",
    "invoice",
    "invoices",
    "payment",
    "payments",
    "from",
    "applied",
    "credit",
    "voided",
    "wrote",
    "off",
    "resolved",
    "dispute",
    "promised",
    "by",
    "closed",
    "through",
    "aging",
    "reopened",
    "put",
    "hold",
    "released",
    "imported",
    "rows",
    "skipped",
    "alias",
    "score",
    "set",
    "edited",
    "acceptance",
];

fn log_words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_ascii_alphabetic())
        .filter(|w| LOG_WORDS.iter().any(|e| e.eq_ignore_ascii_case(w)))
        .map(str::to_string)
        .collect()
}

/// A book where each kind of change happened once (a few twice).
fn busy_book() -> TestEnv {
    let env = TestEnv::new();
    env.ok(&["-q", "init", "--company", "上海示例贸易有限公司", "--currency", "CNY"]);
    env.ok(&["-q", "customer", "add", "HY", "深圳华远电子有限公司"]);
    env.ok(&["-q", "customer", "add", "HD", "广州宏达物流有限公司"]);
    env.ok(&["-q", "customer", "edit", "HY", "--terms", "45"]);
    env.ok(&["-q", "customer", "alias", "add", "HY", "华远电子"]);
    env.ok(&["-q", "customer", "score", "HY", "80"]);
    env.ok(&["-q", "invoice", "add", "HY-1", "HY", "12000", "--date", "2026-09-01"]);
    env.ok(&["-q", "invoice", "add", "HD-1", "HD", "5000", "--date", "2026-09-15"]);
    env.ok(&["-q", "invoice", "add", "HD-2", "HD", "800", "--date", "2026-09-20"]);
    env.ok(&["-q", "pay", "add", "HY", "2000", "--method", "cheque", "--date", "2026-10-05"]);
    env.ok(&["-q", "pay", "add", "HY", "3000", "--method", "承兑汇票", "--date", "2026-10-06"]);
    env.ok(&["-q", "pay", "add", "HD", "100", "--method", "cash", "--date", "2026-10-07"]);
    env.ok(&["-q", "pay", "void", "3", "--reason", "录错金额", "--yes"]);
    env.ok(&["-q", "dun", "log", "HD", "--step", "2", "--channel", "phone/email", "--date", "2026-10-10"]);
    env.ok(&["-q", "dun", "promise", "HD", "--date", "2026-11-28", "--amount", "1000"]);
    env.ok(&["-q", "invoice", "dispute", "HD-2", "--reason", "货损", "--date", "2026-10-12"]);
    env.ok(&[
        "-q",
        "invoice",
        "write-off",
        "HD-1",
        "--amount",
        "500",
        "--reason",
        "无法收回",
        "--date",
        "2026-10-20",
        "--yes",
    ]);
    env.ok(&["-q", "customer", "hold", "HD", "--reason", "长期逾期"]);
    env.ok(&["-q", "customer", "release", "HD"]);
    env.ok(&["-q", "close", "2026-09"]);
    env
}

#[test]
fn a_chinese_log_says_every_change_in_the_books_chinese_words() {
    let env = busy_book();
    let out = env.ok(&["--lang", "zh", "log"]);
    let found: Vec<String> = english_words(&out).into_iter().chain(log_words(&out)).collect();
    assert!(found.is_empty(), "English words {found:?} in\n{out}");
    // Every command by its Chinese name, and the facts of each change.
    for said in [
        "新建账簿",
        "添加客户 HY 深圳华远电子有限公司",
        "修改客户 HY",
        "HY 的别名“华远电子”",
        "HY 评分设为 80",
        "发票 HY-1，客户 HY，金额 12,000.00",
        "收款 2：HY 于 2026-10-06 付款 3,000.00",
        "作废收款 3（100.00，客户 HD）：录错金额",
        "HD：2026-10-10 第 2 级催收，方式 电话/邮件",
        "HD 承诺于 2026-11-28 前付款 1,000.00",
        "发票 HD-2 于 2026-10-12 提出争议：货损",
        "2026-10-20 核销 HD-1 坏账 500.00：无法收回",
        "HD 停止供货：长期逾期",
        "HD 恢复供货",
        "结账 2026-09（截至 2026-09-30）",
        "登记收款",
        "作废收款",
        "记录催收",
        "付款承诺",
        "发票争议",
        "核销坏账",
        "结账",
    ] {
        assert!(out.contains(said), "{said:?} missing from\n{out}");
    }
}

#[test]
fn the_english_log_keeps_its_english_words_and_json_keeps_both() {
    let env = busy_book();
    let out = env.ok(&["log"]);
    for said in [
        "pay add",
        "payment 2 from HY of 3,000.00 on 2026-10-06",
        "voided payment 3 of 100.00 from HD: 录错金额",
        "HD: level 2 by phone/email on 2026-10-10",
        "closed 2026-09 (through 2026-09-30)",
    ] {
        assert!(out.contains(said), "{said:?} missing from\n{out}");
    }
    assert!(!out.contains("登记收款"), "{out}");
    let json = env.json(&["--lang", "zh", "log", "--command", "pay add"]);
    let e = &json.as_array().unwrap()[1];
    assert_eq!(e["command"], "pay add", "{json}");
    assert_eq!(e["summary"], "payment 2 from HY of 3,000.00 on 2026-10-06", "{json}");
    assert_eq!(e["summary_zh"], "收款 2：HY 于 2026-10-06 付款 3,000.00", "{json}");
}

#[test]
fn log_grep_finds_an_event_by_its_english_or_its_chinese_text() {
    let env = busy_book();
    let ids = |args: &[&str]| -> Vec<i64> {
        env.json(args).as_array().unwrap().iter().map(|e| e["id"].as_i64().unwrap()).collect()
    };
    let by_zh = ids(&["log", "--grep", "承诺"]);
    let by_en = ids(&["log", "--grep", "PROMISED"]);
    assert_eq!(by_zh.len(), 1);
    assert_eq!(by_zh, by_en);
}

fn fixture_v12() -> TestEnv {
    let env = TestEnv::new();
    let book = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/books/v12.sqlite");
    std::fs::copy(book, &env.db).expect("copy the v12 fixture");
    env
}

#[test]
fn an_event_from_before_the_upgrade_shows_its_english_text_in_chinese() {
    let env = fixture_v12();
    env.ok(&["-q", "pay", "add", "XM", "300", "--date", "2026-11-20"]);
    let out = env.ok(&["--lang", "zh", "log"]);
    // Written at schema 12: its English text, under the command's Chinese name.
    let old = out.lines().find(|l| l.contains("rescheduled 10,000.00 of INV-1002 on 2026-11-15")).expect(&out);
    assert!(old.contains("分期还款"), "{old}");
    // Written after the upgrade: in Chinese.
    assert!(out.contains("收款 7：XM 于 2026-11-20 付款 300.00"), "{out}");
    let json = env.json(&["log", "--command", "invoice reschedule"]);
    assert_eq!(json[0]["summary_zh"], serde_json::Value::Null, "{json}");
}

#[test]
fn a_payment_by_acceptance_bill_is_承兑汇票_in_chinese_and_acceptance_in_json() {
    let env = TestEnv::new();
    env.ok(&["-q", "customer", "add", "HY", "深圳华远电子有限公司"]);
    env.ok(&["-q", "invoice", "add", "HY-1", "HY", "12000", "--date", "2026-09-01"]);
    env.ok(&["-q", "pay", "add", "HY", "5000", "--method", "承兑汇票", "--date", "2026-10-05", "--ref", "银承 3100"]);
    env.ok(&["-q", "pay", "add", "HY", "1000", "--method", "acceptance", "--date", "2026-10-06"]);
    let zh = env.ok(&["--lang", "zh", "pay", "list"]);
    assert_eq!(zh.matches("承兑汇票").count(), 2, "{zh}");
    assert!(english_words(&zh).is_empty(), "{zh}");
    let en = env.ok(&["pay", "list"]);
    assert_eq!(en.matches("acceptance bill").count(), 2, "{en}");
    assert!(env.ok(&["--lang", "zh", "pay", "show", "1"]).contains("承兑汇票"));
    let json = env.json(&["pay", "list"]);
    assert_eq!([&json[0]["method"], &json[1]["method"]], ["acceptance", "acceptance"], "{json}");
    // Money received like any other: 6,000.00 off HY-1, to the bank account in the journal.
    assert_eq!(cents(&env.json(&["invoice", "show", "HY-1"])["balance"]), 600_000);
    let journal = env.ok(&["export", "journal", "--from", "2026-10-01", "--to", "2026-10-31", "--format", "hledger"]);
    assert!(journal.contains("assets:bank                  5000.00 CNY"), "{journal}");
}

#[test]
fn pay_import_reads_承兑汇票_and_its_other_names_in_the_method_column() {
    let env = TestEnv::new();
    env.ok(&["-q", "customer", "add", "HY", "深圳华远电子有限公司"]);
    env.ok(&["-q", "invoice", "add", "HY-1", "HY", "12000", "--date", "2026-09-01"]);
    let file = env.write_file(
        "payments.csv",
        "date,customer,amount,method,reference,invoice\n\
         2026-10-01,HY,1000,承兑汇票,银承 1,HY-1\n\
         2026-10-02,HY,2000,银行承兑汇票,银承 2,\n\
         2026-10-03,HY,300,承兑,,\n\
         2026-10-04,HY,45.50,acceptance,,\n",
    );
    env.ok(&["-q", "pay", "import", file.to_str().unwrap()]);
    let json = env.json(&["pay", "list"]);
    let rows = json.as_array().unwrap();
    assert_eq!(rows.len(), 4, "{json}");
    assert!(rows.iter().all(|r| r["method"] == "acceptance"), "{json}");
    assert_eq!(rows.iter().map(|r| cents(&r["amount"])).sum::<i64>(), 334_550);
    let log = env.ok(&["--lang", "zh", "log", "--command", "pay import"]);
    assert!(log.contains("导入收款") && log.contains("导入 4 笔收款（3,345.50）"), "{log}");
}
