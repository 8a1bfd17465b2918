//! Bank statement import and reconciliation, end to end.

use crate::common::TestEnv;

/// A statement in the plain Chinese online-banking layout (split in/out
/// columns, a metadata block above the header and a totals footer).
fn statement(rows: &[&str]) -> String {
    let mut s = String::from(
        "账号：6222 0000 1111 2222\n币种：人民币\n起止日期：2026-11-01 至 2026-11-30\n\
         交易日期,收入金额,支出金额,余额,对方户名,对方账号,摘要\n",
    );
    for r in rows {
        s.push_str(r);
        s.push('\n');
    }
    s.push_str("人民币合计,,,,,,\n以上数据仅供参考\n");
    s
}

fn scene(env: &TestEnv) {
    env.ok(&[
        "-q",
        "customer",
        "add",
        "HY",
        "深圳华远电子有限公司",
        "--alias",
        "华远电子",
        "--account",
        "6222020200001234567",
    ]);
    env.ok(&["-q", "customer", "add", "NW", "Northwind Traders Ltd."]);
    env.ok(&["-q", "customer", "add", "DF", "上海东方贸易有限公司"]);
    for (n, c, amt, date) in [
        ("INV-1001", "HY", "10000", "2026-09-01"),
        ("INV-1002", "HY", "7000", "2026-09-15"),
        ("N-1", "NW", "3000", "2026-08-01"),
        ("N-2", "NW", "2000", "2026-08-15"),
        ("N-3", "NW", "4000", "2026-09-01"),
        ("D-1", "DF", "8800", "2026-09-10"),
    ] {
        env.ok(&["-q", "invoice", "add", n, c, amt, "--date", date]);
    }
}

#[test]
fn a_month_of_statements_matches_confidently_queues_the_rest_and_learns() {
    let env = TestEnv::new();
    scene(&env);
    env.write_file(
        "nov.csv",
        statement(&[
            "2026-11-03,10000.00,,110000.00,某贸易代付,9999000011112222,货款 INV-1001",
            "2026-11-05,6000.00,,116000.00,NORTHWIND TRADERS CO.  LTD,,payment",
            "2026-11-06,,1500.00,114500.00,电费,,缴费",
            "2026-11-08,8800.00,,123300.00,东方贸易（上海）有限责任公司,6228481234567890,货款",
            "2026-11-09,250.00,,123550.00,张三,6217000000000001,转账",
        ]),
    );
    let dry = env.json(&["reconcile", "import", "nov.csv", "--auto", "--dry-run"]);
    assert_eq!(dry["rows"], 5);
    assert_eq!(dry["credits"], 4);
    assert_eq!(dry["credit_total"], "25050.00");
    assert_eq!(dry["debits"], 1);
    assert_eq!(dry["debit_total"], "1500.00");
    assert_eq!(dry["matched"], 2, "{dry:#}");
    assert_eq!(dry["queued"], 2);
    assert_eq!(dry["skipped"].as_u64().map(|n| n >= 3), Some(true), "preamble and footer are skipped: {dry:#}");
    // A dry run writes nothing.
    assert_eq!(env.json(&["reconcile", "list"]).as_array().unwrap().len(), 0);
    assert_eq!(env.json(&["invoice", "show", "INV-1001"])["balance"], "10000.00");

    let r = env.json(&["reconcile", "import", "nov.csv", "--auto"]);
    let lines = r["lines"].as_array().unwrap();
    let by_line = |memo: &str| lines.iter().find(|l| l["memo"].as_str() == Some(memo)).unwrap().clone();
    let hy = by_line("货款 INV-1001");
    assert_eq!(hy["match"]["customer"], "HY");
    assert_eq!(hy["match"]["rule"], "invoice-ref");
    assert_eq!(hy["match"]["invoices"][0], "INV-1001");
    let nw = by_line("payment");
    assert_eq!((nw["match"]["customer"].as_str(), nw["match"]["rule"].as_str()), (Some("NW"), Some("name")));
    // Two invoices by exact sum: N-2 + N-3 = 6,000 (oldest-first would have paid N-1).
    assert_eq!(nw["match"]["invoices"], serde_json::json!(["N-2", "N-3"]));
    assert_eq!(env.json(&["invoice", "show", "INV-1001"])["balance"], "0.00");
    assert_eq!(env.json(&["invoice", "show", "N-1"])["balance"], "3000.00");
    assert_eq!(env.json(&["invoice", "show", "N-2"])["balance"], "0.00");
    assert_eq!(env.json(&["invoice", "show", "N-3"])["balance"], "0.00");

    // The variant name and the unknown payer wait in the queue.
    let q = env.json(&["reconcile", "list"]);
    let q = q.as_array().unwrap();
    assert_eq!(q.len(), 2);
    let df = q.iter().find(|l| l["amount"] == "8800.00").unwrap();
    assert_eq!(df["candidates"][0]["customer"], "DF");
    assert_eq!(df["candidates"][0]["rule"], "fuzzy-name");
    let stranger = q.iter().find(|l| l["amount"] == "250.00").unwrap();
    assert_eq!(stranger["candidates"].as_array().unwrap().len(), 0);

    // Confirm DF by hand with --learn: it pays D-1 and DF learns the name and account.
    let id = df["id"].as_i64().unwrap().to_string();
    env.ok(&["-q", "reconcile", "match", &id, "--customer", "DF", "--learn"]);
    assert_eq!(env.json(&["invoice", "show", "D-1"])["balance"], "0.00");
    let shown = env.json(&["customer", "show", "DF"]);
    assert_eq!(shown["accounts"][0], "6228481234567890");
    assert_eq!(shown["aliases"][0], "东方贸易（上海）有限责任公司");
    let stranger_id = stranger["id"].as_i64().unwrap().to_string();
    env.ok(&["-q", "reconcile", "ignore", &stranger_id]);
    assert_eq!(env.json(&["reconcile", "list"]).as_array().unwrap().len(), 0);

    // Importing the same file again adds nothing.
    let again = env.json(&["reconcile", "import", "nov.csv", "--auto"]);
    assert_eq!(
        (again["duplicates"].as_u64(), again["matched"].as_u64(), again["queued"].as_u64()),
        (Some(5), Some(0), Some(0))
    );

    // Next month the learned payer matches by itself (by its account).
    env.ok(&["-q", "invoice", "add", "D-2", "DF", "1200", "--date", "2026-11-20"]);
    env.write_file(
        "dec.csv",
        statement(&["2026-12-02,1200.00,,124750.00,东方贸易（上海）有限责任公司,6228481234567890,12月货款"]),
    );
    let dec = env.json(&["reconcile", "import", "dec.csv", "--auto"]);
    assert_eq!(dec["matched"], 1, "{dec:#}");
    assert_eq!(dec["lines"][0]["match"]["customer"], "DF");
    assert_eq!(env.json(&["invoice", "show", "D-2"])["balance"], "0.00");
}

#[test]
fn overlapping_statements_add_each_line_once_and_keep_identical_genuine_rows() {
    let env = TestEnv::new();
    scene(&env);
    let a = statement(&[
        "2026-11-03,100.00,,100.00,张三,,转账",
        "2026-11-03,100.00,,200.00,张三,,转账",
        "2026-11-04,50.00,,250.00,李四,,转账",
    ]);
    let b = statement(&["2026-11-04,50.00,,250.00,李四,,转账", "2026-11-05,70.00,,320.00,王五,,转账"]);
    env.write_file("a.csv", a);
    env.write_file("b.csv", b);
    assert_eq!(env.json(&["reconcile", "import", "a.csv"])["queued"], 3);
    let second = env.json(&["reconcile", "import", "b.csv"]);
    assert_eq!((second["duplicates"].as_u64(), second["queued"].as_u64()), (Some(1), Some(1)));
    assert_eq!(env.json(&["reconcile", "list"]).as_array().unwrap().len(), 4);

    // Two identical rows in one file are two payments, not one: both are kept.
    let twins = statement(&["2026-11-10,30.00,,30.00,赵六,,转账", "2026-11-10,30.00,,30.00,赵六,,转账"]);
    env.write_file("twins.csv", twins);
    assert_eq!(env.json(&["reconcile", "import", "twins.csv"])["queued"], 2);
}

#[test]
fn voiding_a_bank_payment_returns_its_line_to_the_queue_and_undo_removes_a_batch() {
    let env = TestEnv::new();
    scene(&env);
    env.write_file("s.csv", statement(&["2026-11-03,10000.00,,10000.00,华远电子,,货款 INV-1001"]));
    let r = env.json(&["reconcile", "import", "s.csv", "--auto"]);
    assert_eq!(r["matched"], 1);
    let pays = env.json(&["pay", "list"]);
    let id = pays[0]["id"].as_i64().unwrap().to_string();
    env.ok(&["-q", "pay", "void", &id, "--yes"]);
    assert_eq!(env.json(&["reconcile", "list"]).as_array().unwrap().len(), 1);
    assert_eq!(env.json(&["invoice", "show", "INV-1001"])["balance"], "10000.00");

    let batch = r["batch"].as_i64().unwrap().to_string();
    let before = env.book_fingerprint();
    env.ok(&["-q", "reconcile", "undo", &batch, "--yes"]);
    assert_eq!(env.json(&["reconcile", "list"]).as_array().unwrap().len(), 0);
    assert_ne!(before, env.book_fingerprint());
    // After an undo the same file imports afresh.
    assert_eq!(env.json(&["reconcile", "import", "s.csv", "--auto"])["matched"], 1);
    assert_eq!(env.json(&["invoice", "show", "INV-1001"])["balance"], "0.00");
}

#[test]
fn garbage_statements_are_refused_with_one_line_and_write_nothing() {
    let env = TestEnv::new();
    scene(&env);
    let before = env.book_fingerprint();
    let junk: Vec<u8> = (0..4096u32).map(|i| (i.wrapping_mul(2654435761) >> 13) as u8).collect();
    env.write_file("junk.bin", junk);
    env.write_file("empty.csv", "");
    env.write_file("header-only.csv", "交易日期,收入金额,支出金额,余额,对方户名,对方账号,摘要\n");
    env.write_file("masked.csv", statement(&["2026-11-03,***.**,,100.00,张三,,转账"]));
    // The first 300 bytes of a real workbook: a zip that ends too soon.
    let xlsx = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/bank/wechat.xlsx")).unwrap();
    assert!(xlsx.starts_with(b"PK") && xlsx.len() > 300);
    env.write_file("truncated.xlsx", &xlsx[..300]);
    for f in ["junk.bin", "empty.csv", "header-only.csv", "masked.csv", "truncated.xlsx"] {
        let (code, err) = env.fail(&["reconcile", "import", f, "--auto"]);
        assert_eq!(code, 1, "{f}: {err}");
        assert_eq!(err.lines().count(), 1, "{f}: {err}");
        assert!(err.starts_with("error: "), "{f}: {err}");
        assert_eq!(before, env.book_fingerprint(), "{f} changed the book");
    }
}

#[test]
fn an_unknown_bank_imports_after_writing_a_profile_as_the_docs_teach() {
    let env = TestEnv::new();
    scene(&env);
    // A layout no built-in profile knows: 入账日/贷方金额(元)… are not generic words.
    let export = "青禾银行 对账单\n\
                  入账日|进账|出账|结余|付款单位|付款账户|用途\n\
                  2026/11/03|10000.00||10000.00|深圳华远电子有限公司|6222020200001234567|INV-1001\n\
                  2026/11/04||20.00|9980.00|||手续费\n\
                  本页小计|10000.00|20.00|||| \n";
    env.write_file("qinghe.txt", export);
    let (code, err) = env.fail(&["reconcile", "import", "qinghe.txt", "--dry-run"]);
    assert_eq!(code, 1);
    assert!(err.contains("--profile"), "{err}");

    // docs/bank-profiles.md: put a TOML file in <config dir>/profiles/.
    let dir = env.path().join("home/config/huikuan/profiles");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("qinghe.toml"),
        "name = \"qinghe\"\ndescription = \"青禾银行 对账单\"\ndelimiter = \"|\"\nheader_contains = [\"进账\", \"出账\"]\n\
         skip_rows_with = [\"本页小计\"]\n\n[header]\ndate = \"入账日\"\ncredit = \"进账\"\ndebit = \"出账\"\n\
         balance = \"结余\"\ncounterparty = \"付款单位\"\naccount = \"付款账户\"\nmemo = \"用途\"\n",
    )
    .unwrap();
    let names = env.json(&["reconcile", "profiles"]);
    assert_eq!(names[0]["name"], "qinghe", "user profiles come first: {names:#}");
    let r = env.json(&["reconcile", "import", "qinghe.txt", "--auto"]);
    assert_eq!(r["profile"], "qinghe");
    assert_eq!((r["rows"].as_u64(), r["credits"].as_u64(), r["debits"].as_u64()), (Some(2), Some(1), Some(1)));
    assert_eq!(r["credit_total"], "10000.00");
    assert_eq!(r["matched"], 1);
    assert_eq!(env.json(&["invoice", "show", "INV-1001"])["balance"], "0.00");

    // A file with no header row, read by column numbers with --profile FILE.
    env.write_file(
        "noheader.csv",
        "20261105;Overboeking;NL11RABO0123456789;Northwind Traders Ltd.;Factuur N-1;C;3000,00\n\
         20261106;Incasso;NL22ABNA0987654321;Energie BV;Termijn;D;89,10\n",
    );
    env.write_file(
        "noheader.toml",
        "name = \"nl-no-header\"\ndelimiter = \";\"\ndecimal = \",\"\ncredit_values = [\"C\"]\ndebit_values = [\"D\"]\n\n\
         [columns]\ndate = 1\nmemo = [2, 5]\naccount = 3\ncounterparty = 4\ndirection = 6\namount = 7\n",
    );
    let r = env.json(&["reconcile", "import", "noheader.csv", "--profile", "noheader.toml", "--auto"]);
    assert_eq!(r["header_line"], serde_json::Value::Null);
    assert_eq!((r["credits"].as_u64(), r["debits"].as_u64()), (Some(1), Some(1)));
    assert_eq!(r["credit_total"], "3000.00");
    assert_eq!(r["lines"][0]["match"]["invoices"][0], "N-1");
    assert_eq!(env.json(&["invoice", "show", "N-1"])["balance"], "0.00");
}

#[test]
fn every_sample_export_imports_with_its_counts_and_totals() {
    // The reader's own tests check each fixture's figures (derived by hand);
    // this checks the whole command on them: detection, counts, totals.
    let env = TestEnv::new();
    // A dry run only reads: it needs a book and never creates one.
    env.ok(&["-q", "init"]);
    let fixtures = [
        ("alipay.csv", "alipay"),
        ("wechat.csv", "wechat"),
        ("wechat.xlsx", "wechat"),
        ("icbc.csv", "icbc"),
        ("ccb.xls", "ccb"),
        ("cmb.csv", "cmb"),
        ("ing-de.csv", "ing-de"),
        ("schwab.csv", "schwab"),
        ("paypal.csv", "paypal"),
        ("generic-cn.csv", "generic-cn-bank"),
    ];
    for (file, profile) in fixtures {
        let bytes = std::fs::read(format!("{}/tests/fixtures/bank/{file}", env!("CARGO_MANIFEST_DIR"))).unwrap();
        env.write_file(file, bytes);
        let r = env.json(&["reconcile", "import", file, "--dry-run"]);
        assert_eq!(r["profile"], profile, "{file}");
        let rows = r["rows"].as_u64().unwrap();
        let (c, d, n) = (r["credits"].as_u64().unwrap(), r["debits"].as_u64().unwrap(), r["neutral"].as_u64().unwrap());
        assert!(rows > 0 && c + d + n == rows, "{file}: {r:#}");
        let lines = r["lines"].as_array().unwrap();
        assert_eq!(lines.len() as u64, rows, "{file}");
        // The totals are the sums of the lines, to the cent.
        for (dir, total) in [("credit", "credit_total"), ("debit", "debit_total")] {
            let cents: i64 = lines
                .iter()
                .filter(|l| l["direction"] == dir)
                .map(|l| l["amount"].as_str().unwrap().replace('.', "").parse::<i64>().unwrap())
                .sum();
            let want = r[total].as_str().unwrap().replace('.', "").parse::<i64>().unwrap();
            assert_eq!(cents, want, "{file} {total}");
        }
    }
}

#[test]
fn an_invoice_paid_by_an_earlier_line_of_the_statement_is_named_no_more() {
    let env = TestEnv::new();
    scene(&env);
    env.ok(&["-q", "invoice", "add", "inv-7", "HY", "500", "--date", "2026-09-20"]);
    env.write_file(
        "nov.csv",
        statement(&[
            "2026-11-03,10000.00,,110000.00,深圳华远电子有限公司,,货款 INV-1001",
            "2026-11-04,7000.00,,117000.00,深圳华远电子有限公司,,货款 INV-1001 again",
            "2026-11-05,500.00,,117500.00,某贸易代付,,货款 INV-7",
        ]),
    );
    let r = env.json(&["reconcile", "import", "nov.csv", "--auto"]);
    let lines = r["lines"].as_array().unwrap();
    let rule = |i: usize| (lines[i]["match"]["rule"].as_str(), lines[i]["match"]["invoices"].clone());
    assert_eq!(rule(0), (Some("invoice-ref"), serde_json::json!(["INV-1001"])));
    // INV-1001 is paid by then: the customer is known by name, and the money
    // goes to the one open installment equal to it (INV-1002), not to a paid
    // invoice (which would leave it all unapplied).
    assert_eq!(rule(1), (Some("name"), serde_json::json!(["INV-1002"])), "{r:#}");
    // A number written in lower case in the book is found as the memo writes it.
    assert_eq!(rule(2), (Some("invoice-ref"), serde_json::json!(["inv-7"])), "{r:#}");
    assert_eq!(env.json(&["invoice", "show", "INV-1002"])["balance"], "0.00");
    assert_eq!(env.json(&["invoice", "show", "inv-7"])["balance"], "0.00");
}

/// A line whose evidence points confidently at two customers could mean
/// either (DESIGN §10): `--auto` leaves it in the queue with both
/// candidates, and `reconcile match` without a name refuses a tie. A
/// memo's number names every open invoice that differs from it only in
/// case.
#[test]
fn a_line_that_fits_two_customers_waits_for_a_person() {
    let env = TestEnv::new();
    scene(&env);
    // Numbers that differ only in case, of two customers.
    env.ok(&["-q", "invoice", "add", "INV-7", "HY", "500", "--date", "2026-10-01"]);
    env.ok(&["-q", "invoice", "add", "inv-7", "NW", "500", "--date", "2026-10-01"]);
    env.write_file(
        "two.csv",
        statement(&[
            // A memo naming an invoice of HY and one of NW.
            "2026-11-03,3000.00,,103000.00,某贸易代付,,货款 INV-1002 N-1",
            // HY's invoice, paid under NW's exact name.
            "2026-11-04,7000.00,,110000.00,Northwind Traders Ltd.,,INV-1002",
            // INV-7 or inv-7?
            "2026-11-05,500.00,,110500.00,某贸易代付,,INV-7",
            // Only HY: matched as before.
            "2026-11-06,10000.00,,120500.00,深圳华远电子有限公司,,INV-1001",
        ]),
    );
    let table = env.ok(&["reconcile", "import", "two.csv", "--auto", "--dry-run"]);
    assert!(table.contains("queued: fits two customers"), "{table}");
    let r = env.json(&["reconcile", "import", "two.csv", "--auto"]);
    assert_eq!((r["matched"].as_u64(), r["queued"].as_u64()), (Some(1), Some(3)), "{r:#}");
    assert_eq!(r["two_customers"], 3, "the three queued lines say why");
    let flagged: Vec<bool> = r["lines"].as_array().unwrap().iter().map(|l| l["two_customers"] == true).collect();
    assert_eq!(flagged, [true, true, true, false]);
    assert_eq!(env.json(&["invoice", "show", "INV-1001"])["balance"], "0.00");
    for n in ["INV-1002", "N-1", "INV-7", "inv-7"] {
        assert_ne!(env.json(&["invoice", "show", n])["balance"], "0.00", "{n} is not paid by a guess");
    }
    let queue = env.json(&["reconcile", "list"]);
    let queue = queue.as_array().unwrap();
    let line = |amount: &str| queue.iter().find(|l| l["amount"] == amount).unwrap().clone();
    let customers = |l: &serde_json::Value| -> Vec<String> {
        l["candidates"].as_array().unwrap().iter().map(|c| c["customer"].as_str().unwrap().to_string()).collect()
    };
    for amount in ["3000.00", "7000.00", "500.00"] {
        let mut c = customers(&line(amount));
        c.sort();
        assert_eq!(c, ["HY", "NW"], "the line of {amount} keeps both candidates");
    }
    // A tie is refused without a name, and nothing is written.
    let before = env.book_fingerprint();
    for amount in ["3000.00", "500.00"] {
        let id = line(amount)["id"].as_i64().unwrap().to_string();
        let (code, err) = env.fail(&["reconcile", "match", &id]);
        assert_eq!(code, 1);
        crate::common::assert_one_error_line(&err, "fits HY and NW equally (95); say who paid with --customer CODE");
    }
    assert_eq!(env.book_fingerprint(), before);
    // Named, it is matched; the invoice reference outranks the name, so the
    // best candidate of the second line can be confirmed as it is.
    let id = line("500.00")["id"].as_i64().unwrap().to_string();
    env.ok(&["-q", "reconcile", "match", &id, "--customer", "NW"]);
    assert_eq!(env.json(&["invoice", "show", "inv-7"])["balance"], "0.00");
    assert_eq!(env.json(&["invoice", "show", "INV-7"])["balance"], "500.00");
    let id = line("7000.00")["id"].as_i64().unwrap().to_string();
    env.ok(&["-q", "reconcile", "match", &id]);
    assert_eq!(env.json(&["invoice", "show", "INV-1002"])["balance"], "0.00");
}
