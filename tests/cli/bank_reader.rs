//! The bank statement reader never posts money silently wrong (DESIGN §4):
//! every direction spelling, refunds, the file's own totals, currencies,
//! bracketed amount headers, the missing header, dry runs and batch ids.
//! Every statement here is written by the test in the layout of a real
//! export (see shared/formats/samples).

use std::path::Path;

use serde_json::Value;

use crate::common::{TestEnv, gbk};

/// A WeChat Pay bill (UTF-8 with BOM): the preamble states its counts and
/// sums; `rows` are (type, counterparty, goods, 收/支, amount, status).
fn wechat(income: &str, expense: &str, rows: &[(&str, &str, &str, &str, &str, &str)]) -> String {
    let mut s = format!(
        "\u{feff}微信支付账单明细,,,,,,,,,,\n微信昵称：[林晓],,,,,,,,,,\n起始时间：[2026-11-01 00:00:00] 终止时间：[2026-11-30 23:59:59],,,,,,,,,,\n\
         ,,,,,,,,,,\n共{}笔记录,,,,,,,,,,\n收入：{income},,,,,,,,,,\n支出：{expense},,,,,,,,,,\n中性交易：0笔 0.00元,,,,,,,,,,\n\
         ----------------------微信支付账单明细列表--------------------,,,,,,,,,,\n\
         交易时间,交易类型,交易对方,商品,收/支,金额(元),支付方式,当前状态,交易单号,商户单号,备注\n",
        rows.len()
    );
    for (i, (kind, who, goods, side, amount, status)) in rows.iter().enumerate() {
        s.push_str(&format!(
            "2026-11-{:02} 10:00:00,{kind},{who},{goods},{side},¥{amount},零钱,{status},\"1000050001202611{i:016}\t\",\"/\t\",/\n",
            i + 3
        ));
    }
    s
}

/// A customer, HY, with an open invoice INV-1001 of 742.00 (what the refund
/// in these tests would pay if it were taken for a payment).
fn book_with_customer(env: &TestEnv) {
    env.ok(&["-q", "customer", "add", "HY", "同程旅行", "--alias", "青禾贸易"]);
    env.ok(&["-q", "invoice", "add", "INV-1001", "HY", "742", "--date", "2026-10-01"]);
    env.ok(&["-q", "invoice", "add", "INV-1002", "HY", "1280", "--date", "2026-10-02"]);
}

fn line(r: &Value, n: u64) -> &Value {
    r["lines"].as_array().unwrap().iter().find(|l| l["line"] == n).unwrap_or_else(|| panic!("no line {n}: {r:#}"))
}

fn stored(env: &TestEnv, sql: &str) -> Vec<Vec<String>> {
    let conn = env.connect();
    let mut stmt = conn.prepare(sql).unwrap();
    let n = stmt.column_count();
    stmt.query_map([], |r| {
        (0..n)
            .map(|i| {
                Ok(match r.get_ref(i)? {
                    rusqlite::types::ValueRef::Null => "NULL".to_string(),
                    rusqlite::types::ValueRef::Integer(v) => v.to_string(),
                    rusqlite::types::ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned(),
                    other => format!("{other:?}"),
                })
            })
            .collect::<rusqlite::Result<Vec<String>>>()
    })
    .unwrap()
    .collect::<rusqlite::Result<_>>()
    .unwrap()
}

#[test]
fn a_wechat_refund_is_a_credit_in_the_totals_but_never_a_payment_even_with_auto() {
    let env = TestEnv::new();
    book_with_customer(&env);
    env.write_file(
        "wx.csv",
        wechat(
            "2笔 2022.00元",
            "1笔 35.50元",
            &[
                ("转账", "青禾贸易", "转账备注:INV-1002", "收入", "1280.00", "已收钱"),
                ("商户消费", "示例便利店", "午餐", "支出", "35.50", "支付成功"),
                ("同程旅行-退款", "同程旅行", "INV-1001", "收入", "742.00", "已退款￥742.00"),
            ],
        ),
    );
    let r = env.json(&["reconcile", "import", "wx.csv", "--auto"]);
    assert_eq!((r["credits"].as_u64(), r["credit_total"].as_str()), (Some(2), Some("2022.00")));
    assert_eq!((r["refunds"].as_u64(), r["matched"].as_u64(), r["queued"].as_u64()), (Some(1), Some(1), Some(0)));
    let refund = line(&r, 13);
    assert_eq!((refund["direction"].as_str(), refund["refund"].as_bool()), (Some("credit"), Some(true)));
    assert_eq!((refund["applied"].as_bool(), &refund["match"]), (Some(false), &Value::Null));
    assert_eq!(line(&r, 11)["refund"], false);
    assert_eq!(line(&r, 11)["applied"], true);
    // Its name and memo would have matched INV-1001: it stays open.
    assert_eq!(env.json(&["invoice", "show", "INV-1001"])["balance"], "742.00");
    assert_eq!(env.json(&["invoice", "show", "INV-1002"])["balance"], "0.00");
    assert_eq!(
        stored(&env, "SELECT line, direction, status, refund FROM bank_lines WHERE direction = 'credit' ORDER BY line"),
        [["11", "credit", "matched", "0"], ["13", "credit", "other", "1"]]
    );
    // Its re-import fingerprint is the one it had when it was read as a
    // closed (neutral) line, so a bill imported before is not doubled.
    assert_eq!(
        stored(&env, "SELECT fingerprint FROM bank_lines WHERE refund = 1"),
        [[
            "2026-11-05\u{1f}742.00\u{1f}neutral\u{1f}同程旅行\u{1f}\u{1f}INV-1001\u{1f}10000500012026110000000000000002\u{1f}\u{1e}1"
        ]]
    );
    let again = env.json(&["reconcile", "import", "wx.csv", "--auto"]);
    assert_eq!((again["duplicates"].as_u64(), again["refunds"].as_u64()), (Some(3), Some(1)));
    // Never in the queue, and reconcile match refuses it.
    assert!(env.json(&["reconcile", "list"]).as_array().unwrap().is_empty());
    let id = refund["id"].as_i64().unwrap().to_string();
    let (code, err) = env.fail(&["reconcile", "match", &id, "--customer", "HY"]);
    assert_eq!(code, 1);
    assert!(err.contains("not waiting to be matched"), "{err}");
}

#[test]
fn stated_totals_that_agree_get_a_check_mark_and_others_a_warning_with_the_difference() {
    let env = TestEnv::new();
    env.ok(&["-q", "init"]);
    let rows = [
        ("二维码收款", "甲", "货款", "收入", "1280.00", "已收钱"),
        ("商户消费", "乙", "午餐", "支出", "35.50", "支付成功"),
        ("商户消费", "丙", "水壶", "支出", "99.00", "已全额退款"),
    ];
    // A refunded purchase is neutral for us but counted by the platform.
    env.write_file("right.csv", wechat("1笔 1280.00元", "2笔 134.50元", &rows));
    let r = env.json(&["reconcile", "import", "right.csv", "--dry-run"]);
    assert_eq!(
        r["declared"],
        serde_json::json!({"credits": 1, "credit_total": "1280.00", "debits": 2, "debit_total": "134.50", "agrees": true})
    );
    assert_eq!((r["debits"].as_u64(), r["neutral"].as_u64()), (Some(1), Some(1)));
    let out = env.ok(&["reconcile", "import", "right.csv", "--dry-run"]);
    assert!(out.contains("✓ totals agree with the file's (1 credits 1,280.00, 2 debits 134.50)"), "{out}");
    let note = env.ok_note(&["reconcile", "import", "right.csv", "--dry-run"]);
    assert!(!note.contains("warning"), "{note}");

    env.write_file("wrong.csv", wechat("2笔 1380.00元", "2笔 134.50元", &rows));
    let r = env.json(&["reconcile", "import", "wrong.csv", "--dry-run"]);
    assert_eq!((r["declared"]["credits"].as_u64(), r["declared"]["agrees"].as_bool()), (Some(2), Some(false)));
    let note = env.ok_note(&["reconcile", "import", "wrong.csv", "--dry-run"]);
    assert!(
        note.contains(
            "warning: wrong.csv: the lines do not add up to the totals the file states: 2 credits stated, 1 read; \
             credit total 1,380.00 stated, 1,280.00 read (100.00 less)"
        ),
        "{note}"
    );
    let out = env.ok(&["reconcile", "import", "wrong.csv", "--dry-run"]);
    assert!(!out.contains('✓'), "{out}");

    // A bank's totals row (人民币合计) in the money columns; a file that
    // states nothing has `declared: null`.
    env.write_file(
        "bank.csv",
        "账号：6222 0000 1111 2222\n交易日期,收入金额,支出金额,余额,对方户名,摘要\n\
         2026-11-03,\"10,000.00\",,110000.00,甲,货款\n2026-11-04,,20.00,109980.00,,手续费\n人民币合计,\"10,000.00\",20.00,,,\n",
    );
    let r = env.json(&["reconcile", "import", "bank.csv", "--dry-run"]);
    assert_eq!(
        (r["declared"]["credit_total"].as_str(), r["declared"]["agrees"].as_bool()),
        (Some("10000.00"), Some(true))
    );
    assert_eq!(r["declared"]["credits"], Value::Null);
    env.write_file("plain.csv", "交易日期,收入金额,支出金额,摘要\n2026-11-03,100.00,,货款\n");
    assert_eq!(env.json(&["reconcile", "import", "plain.csv", "--dry-run"])["declared"], Value::Null);
}

#[test]
fn an_alipay_bill_in_gbk_states_its_totals_closed_orders_included() {
    let env = TestEnv::new();
    env.ok(&["-q", "init"]);
    let text = "------------------------------------------------------------------------------------\n\
                导出信息：\n姓名：林晓\n共4笔记录\n收入：2笔 3800.00元\n支出：1笔 180.50元\n不计收支：1笔 100.00元\n\n\
                交易时间,交易分类,交易对方,对方账号,商品说明,收/支,金额,收/付款方式,交易状态,交易订单号,商家订单号,备注,\n\
                2026-11-28 16:02:11 ,收入 ,青禾贸易 ,q***@example.com ,INV-1 ,收入 ,3500.00 ,余额 ,交易成功 ,2026112800001\t,\t, ,\n\
                2026-11-25 09:15:40 ,日用百货 ,文具店 ,/ ,打印纸 ,支出 ,180.50 ,余额 ,交易成功 ,2026112500002\t,\t, ,\n\
                2026-11-18 11:11:11 ,收入 ,测试客户甲 ,/ ,订金 ,收入 ,300.00 ,余额 ,交易关闭 ,2026111800003\t,\t, ,\n\
                2026-11-10 19:45:12 ,退款 ,文具店 ,/ ,退款-打印纸 ,不计收支 ,100.00 ,余额 ,退款成功 ,2026111000004\t,\t, ,\n";
    env.write_file("alipay.csv", gbk(text));
    let r = env.json(&["reconcile", "import", "alipay.csv", "--dry-run"]);
    assert_eq!(r["profile"], "alipay");
    assert_eq!((r["credits"].as_u64(), r["credit_total"].as_str()), (Some(1), Some("3500.00")));
    assert_eq!((r["neutral"].as_u64(), r["refunds"].as_u64()), (Some(2), Some(0)));
    assert_eq!(r["declared"]["agrees"], true, "{r:#}");
}

#[test]
fn a_credit_debit_flag_decides_the_side_and_an_unknown_flag_names_its_line() {
    let env = TestEnv::new();
    env.ok(&["-q", "init"]);
    env.write_file(
        "cd.csv",
        "Booking Date,Amount,C/D,Counterparty,Description\n2026-11-03,1000.00,C,ACME,INV 7\n\
         2026-11-04,40.00,D,Bank,Fee\n2026-11-05,5.00,Cr,ACME,Interest\n",
    );
    let r = env.json(&["reconcile", "import", "cd.csv"]);
    assert_eq!(r["profile"], "generic-direction");
    assert_eq!((r["credits"].as_u64(), r["credit_total"].as_str()), (Some(2), Some("1005.00")));
    assert_eq!((r["debits"].as_u64(), r["debit_total"].as_str()), (Some(1), Some("40.00")));

    let before = env.book_fingerprint();
    env.write_file("dutch.csv", "Datum,Bedrag,CreditDebet,Omschrijving\n2026-11-03,10.00,Credit,x\n2026-11-04,3.00,Debet,y\n2026-11-05,7.00,Storno,z\n");
    let (code, err) = env.fail(&["reconcile", "import", "dutch.csv", "--auto"]);
    assert_eq!(code, 1);
    assert!(
        err.starts_with("error: dutch.csv:4: 'Storno' is not a known direction (profile 'generic-direction' knows "),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1);
    assert_eq!(env.book_fingerprint(), before, "nothing written");
}

#[test]
fn a_line_in_another_currency_is_listed_but_never_posted_even_with_auto() {
    let env = TestEnv::new();
    book_with_customer(&env);
    env.write_file(
        "fx.csv",
        "交易日期,币种,收入金额,支出金额,对方户名,摘要\n2026-11-03,人民币,742.00,,同程旅行,INV-1001\n\
         2026-11-04,美元,1280.00,,青禾贸易,INV-1002\n2026-11-05,RMB,,10.00,,手续费\n",
    );
    let r = env.json(&["reconcile", "import", "fx.csv", "--auto"]);
    assert_eq!((r["currency"].as_str(), r["foreign_currency"].as_u64()), (Some("CNY"), Some(1)));
    assert_eq!((r["matched"].as_u64(), r["queued"].as_u64()), (Some(1), Some(0)));
    assert_eq!((line(&r, 2)["currency"].as_str(), line(&r, 2)["applied"].as_bool()), (Some("CNY"), Some(true)));
    assert_eq!((line(&r, 3)["currency"].as_str(), line(&r, 3)["applied"].as_bool()), (Some("USD"), Some(false)));
    assert_eq!(line(&r, 4)["currency"], "CNY");
    assert_eq!(env.json(&["invoice", "show", "INV-1002"])["balance"], "1280.00", "the USD line paid nothing");
    assert_eq!(
        stored(&env, "SELECT line, status, currency FROM bank_lines ORDER BY line"),
        [["2", "matched", "CNY"], ["3", "other", "USD"], ["4", "other", "CNY"]]
    );
    // The notice explains; the table says it per line.
    env.write_file("fx2.csv", "Date,Currency,Amount,Description\n2026-11-06,usd,5.00,x\n2026-11-07,CNY,6.00,y\n");
    let out = env.ok(&["reconcile", "import", "fx2.csv", "--dry-run"]);
    assert!(out.contains("USD: not the book's currency"), "{out}");
    assert!(out.contains("; 1 not in CNY;"), "{out}");
    let note = env.ok_note(&["reconcile", "import", "fx2.csv", "--auto"]);
    assert!(note.contains("1 line(s) in USD, not the book's currency CNY: listed, never matched or posted"), "{note}");
    // A profile's `currency` key counts like a column.
    let dir = env.path().join("home/config/huikuan/profiles");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("hk.toml"),
        "name = \"hk\"\ncurrency = \"HKD\"\n[header]\ndate = \"Tag\"\namount = \"Summe\"\n",
    )
    .unwrap();
    env.write_file("hk.csv", "Tag,Summe\n2026-11-08,100.00\n");
    let r = env.json(&["reconcile", "import", "hk.csv", "--auto"]);
    assert_eq!(
        (r["profile"].as_str(), r["foreign_currency"].as_u64(), r["queued"].as_u64()),
        (Some("hk"), Some(1), Some(0))
    );
}

#[test]
fn an_amount_header_with_a_bracketed_unit_is_read_and_a_bracketed_currency_counts() {
    let env = TestEnv::new();
    env.ok(&["-q", "init"]);
    env.write_file("yuan.csv", "交易日期,摘要,金额（元）\n2026-11-03,货款,\"1,500.00\"\n2026-11-04,手续费,-2.50\n");
    let r = env.json(&["reconcile", "import", "yuan.csv", "--dry-run"]);
    assert_eq!(
        (r["profile"].as_str(), r["credit_total"].as_str(), r["debit_total"].as_str()),
        (Some("generic-signed"), Some("1500.00"), Some("2.50"))
    );
    env.write_file("usd.csv", "Date,Description,Amount (USD)\n2026-11-03,INV 9,100.00\n");
    let r = env.json(&["reconcile", "import", "usd.csv", "--dry-run"]);
    assert_eq!((r["credits"].as_u64(), r["foreign_currency"].as_u64()), (Some(1), Some(1)));
    assert_eq!(r["lines"][0]["currency"], "USD");
}

#[test]
fn no_header_names_the_closest_row_and_the_columns_it_lacks() {
    let env = TestEnv::new();
    env.ok(&["-q", "init"]);
    env.write_file("odd.csv", "对账单\n日期,说明,对方户名\n2026-11-03,货款,甲\n");
    let (code, err) = env.fail(&["reconcile", "import", "odd.csv"]);
    assert_eq!(code, 1);
    assert_eq!(
        err.trim_end(),
        "error: odd.csv: no known header; pass --profile (the closest is line 2, which has no amount column)"
    );
    env.write_file("flag.csv", "Posting Date,Sum,Dr/Cr\n2026-11-03,1.00,D\n");
    let (_, err) = env.fail(&["reconcile", "import", "flag.csv"]);
    assert!(err.contains("(the closest is line 1, which has no amount column)"), "{err}");
}

/// Every file in a folder with its bytes and modification time.
fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>, std::time::SystemTime)> {
    let mut v: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .map(|e| {
            let m = e.metadata().unwrap();
            (e.file_name().to_string_lossy().into_owned(), std::fs::read(e.path()).unwrap(), m.modified().unwrap())
        })
        .collect();
    v.sort();
    v
}

#[test]
fn a_dry_run_writes_nothing_not_even_a_book_a_lock_or_a_journal() {
    let env = TestEnv::new();
    env.write_file("s.csv", "交易日期,收入金额,支出金额,对方户名,摘要\n2026-11-03,742.00,,同程旅行,INV-1001\n");
    // No book: refused, and the folder is as it was.
    let before = snapshot(env.path());
    let (code, err) = env.fail(&["reconcile", "import", "s.csv", "--dry-run", "--auto"]);
    assert_eq!(code, 1);
    assert!(err.contains("book"), "{err}");
    assert_eq!(snapshot(env.path()), before);
    assert!(!env.db.exists());

    // A book: its bytes and time unchanged, no -wal, -shm, -journal or .lock left.
    book_with_customer(&env);
    let before = snapshot(env.path());
    let names: Vec<&str> = before.iter().map(|(n, _, _)| n.as_str()).collect();
    assert!(
        names.contains(&"book.sqlite") && !names.iter().any(|n| n.contains("-wal") || n.ends_with(".lock")),
        "{names:?}"
    );
    std::thread::sleep(std::time::Duration::from_millis(20));
    let r = env.json(&["reconcile", "import", "s.csv", "--dry-run", "--auto"]);
    assert_eq!((r["dry_run"].as_bool(), r["matched"].as_u64(), &r["batch"]), (Some(true), Some(1), &Value::Null));
    assert_eq!(r["lines"][0]["id"], Value::Null, "a dry run stores no line");
    assert_eq!(snapshot(env.path()), before, "the dry run changed the folder");
    assert_eq!(env.json(&["invoice", "show", "INV-1001"])["balance"], "742.00");
    assert!(env.json(&["reconcile", "list"]).as_array().unwrap().is_empty());
}

#[test]
fn the_import_prints_the_batch_undo_takes_and_each_line_id_match_takes() {
    let env = TestEnv::new();
    book_with_customer(&env);
    env.write_file("a.csv", "交易日期,收入金额,支出金额,对方户名,摘要\n2026-11-03,100.00,,某公司,货款\n");
    env.write_file(
        "b.csv",
        "对账单\n交易日期,收入金额,支出金额,对方户名,摘要\n2026-11-04,,9.00,,手续费\n2026-11-05,742.00,,某某,转账\n",
    );
    assert_eq!(env.json(&["reconcile", "import", "a.csv"])["batch"], 1);
    let note = env.ok_note(&["reconcile", "import", "b.csv"]);
    assert!(note.contains("batch 2 — undo with huikuan reconcile undo 2"), "{note}");
    // `id` is the stored line (3: after a.csv's line and b.csv's debit),
    // `line` the file's line.
    let list = env.json(&["reconcile", "list"]);
    let queued: Vec<(i64, i64, u64)> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|q| (q["id"].as_i64().unwrap(), q["batch"].as_i64().unwrap(), q["line"].as_u64().unwrap()))
        .collect();
    assert_eq!(queued, [(1, 1, 2), (3, 2, 4)]);
    let table = env.ok(&["reconcile", "list"]);
    let head = table.lines().nth(1).unwrap();
    assert!(head.contains(" id ") && head.contains(" batch ") && head.contains(" line "), "{table}");
    env.write_file("c.csv", "交易日期,收入金额,支出金额,对方户名,摘要\n2026-11-06,50.00,,某公司,货款\n");
    let out = env.ok(&["reconcile", "import", "c.csv"]);
    let row = out.lines().find(|l| l.contains("2026-11-06")).unwrap();
    let cells: Vec<&str> = row.split('┆').map(|c| c.trim_matches(|ch: char| ch == '│' || ch.is_whitespace())).collect();
    assert_eq!((cells[0], cells[1]), ("4", "2"), "id 4, line 2: {out}");
    // The id is what match takes; the batch what undo takes.
    env.ok(&["-q", "reconcile", "match", "4", "--invoice", "INV-1001"]);
    assert_eq!(env.json(&["invoice", "show", "INV-1001"])["balance"], "692.00");
    env.ok(&["-q", "reconcile", "undo", "3", "--yes"]);
    assert_eq!(env.json(&["invoice", "show", "INV-1001"])["balance"], "742.00");
}
