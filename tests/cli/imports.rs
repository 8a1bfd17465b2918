//! Customer, invoice and payment imports (DESIGN §3): idempotent (a row the
//! book holds is skipped and counted, a number reused with other content is
//! refused at file:line), from CSV, XLSX or standard input; customer files
//! with accounts and contacts, and no column dropped silently.

use std::io::Write;

use serde_json::{Value, json};

use crate::common::{TestEnv, assert_money_adds_up, cents, rows};

const CUSTOMERS: &str = "code,name,terms_days,credit_limit\n\
                         HW,华为技术有限公司,60,\"1,000,000.00\"\n\
                         TX,Tencent,30,\n";
const INVOICES: &str = "number,customer,issue_date,amount,description\n\
                        I-1,HW,2026-10-01,\"1,000.00\",Servers\n\
                        I-2,TX,2026-10-02,250.5,\n";
const PAYMENTS: &str = "date,customer,amount,reference\n\
                        2026-11-01,HW,100,\n\
                        2026-11-02,TX,50,\n";

fn invoice_total(env: &TestEnv) -> i64 {
    rows(&env.json(&["invoice", "list"])).iter().map(|i| cents(&i["amount"])).sum()
}

fn payments(env: &TestEnv) -> Vec<(String, i64)> {
    let list = env.json(&["pay", "list"]);
    rows(&list).iter().map(|p| (p["customer"].as_str().unwrap_or("").to_string(), cents(&p["amount"]))).collect()
}

/// A book with the customers, invoices and payments above, imported once.
fn imported() -> TestEnv {
    let env = TestEnv::new();
    for (what, name, text) in
        [("customer", "c.csv", CUSTOMERS), ("invoice", "i.csv", INVOICES), ("pay", "p.csv", PAYMENTS)]
    {
        env.write_file(name, text);
        env.ok_note(&[what, "import", name]);
    }
    env
}

#[test]
fn each_import_run_twice_adds_nothing_the_second_time_and_says_so() {
    let env = imported();
    assert_eq!(invoice_total(&env), 125_050);
    assert_eq!(payments(&env), [("HW".to_string(), 10_000), ("TX".to_string(), 5_000)]);
    let before = env.book_fingerprint();
    for (what, name, note) in [
        ("customer", "c.csv", "imported 0 customers from c.csv (UTF-8); skipped 2 rows already in the book"),
        (
            "invoice",
            "i.csv",
            "imported 0 invoices totalling 0.00 from i.csv (UTF-8); skipped 2 rows already in the book",
        ),
        ("pay", "p.csv", "imported 0 payments totalling 0.00 from p.csv (UTF-8); skipped 2 rows already in the book"),
    ] {
        let got = env.ok_note(&[what, "import", name]);
        assert_eq!(got.trim_end(), note, "{what} import again");
    }
    assert_eq!(env.book_fingerprint(), before, "a second import writes nothing");
    let note = env.command(&["--lang", "zh", "pay", "import", "p.csv"]).output().unwrap().stderr;
    let note = String::from_utf8(note).unwrap();
    assert!(note.contains("已从 p.csv 导入 0 笔收款，合计 0.00（UTF-8）；跳过 2 行已在账本中的记录"), "{note}");
    assert_money_adds_up(&env);
}

#[test]
fn an_overlapping_file_adds_only_its_new_rows() {
    let env = imported();
    // The same rows written differently (column order, amounts, dates), plus new ones.
    env.write_file(
        "i2.csv",
        "amount,number,customer,issue_date,description\n\
         1000,I-1,HW,2026/10/1,Servers\n\
         250.50,I-2,TX,2026-10-02,\n\
         99,I-3,TX,2026-10-05,\n",
    );
    let note = env.ok_note(&["invoice", "import", "i2.csv"]);
    assert!(note.contains("imported 1 invoices totalling 99.00 from i2.csv (UTF-8); skipped 2 rows already"), "{note}");
    assert_eq!(invoice_total(&env), 125_050 + 9_900);
    env.write_file("p2.csv", "date,customer,amount\n2026-11-02,TX,50.00\n2026-11-03,TX,49\n");
    let note = env.ok_note(&["pay", "import", "p2.csv"]);
    assert!(note.contains("imported 1 payments totalling 49.00 from p2.csv (UTF-8); skipped 1 row already"), "{note}");
    assert_eq!(payments(&env).iter().map(|p| p.1).sum::<i64>(), 10_000 + 5_000 + 4_900);
    env.write_file("c2.csv", "code,name,terms_days,credit_limit\nTX,Tencent,30,\nAL,Alibaba,45,\n");
    let note = env.ok_note(&["customer", "import", "c2.csv"]);
    assert!(note.contains("imported 1 customers from c2.csv (UTF-8); skipped 1 row already in the book"), "{note}");
    assert_eq!(rows(&env.json(&["customer", "list"])).len(), 3);
    assert_money_adds_up(&env);
}

#[test]
fn two_equal_payments_in_one_file_are_both_kept_and_a_rerun_skips_both() {
    let env = imported();
    env.write_file("twice.csv", "date,customer,amount,method\n2026-11-05,HW,300,bank\n2026-11-05,HW,300.00,银行\n");
    let note = env.ok_note(&["pay", "import", "twice.csv"]);
    assert!(note.contains("imported 2 payments totalling 600.00"), "{note}");
    let note = env.ok_note(&["pay", "import", "twice.csv"]);
    assert!(note.contains("imported 0 payments totalling 0.00 from twice.csv (UTF-8); skipped 2 rows"), "{note}");
    // A third equal payment in a longer file is the only new one.
    env.write_file("thrice.csv", "date,customer,amount\n2026-11-05,HW,300\n2026-11-05,HW,300\n2026-11-05,HW,300\n");
    let note = env.ok_note(&["pay", "import", "thrice.csv"]);
    assert!(note.contains("imported 1 payments totalling 300.00 from thrice.csv (UTF-8); skipped 2 rows"), "{note}");
    let hw: i64 = payments(&env).iter().filter(|p| p.0 == "HW").map(|p| p.1).sum();
    assert_eq!(hw, 10_000 + 3 * 30_000);
    assert_money_adds_up(&env);
}

#[test]
fn a_reused_number_or_code_with_other_content_is_refused_at_its_line_and_nothing_is_written() {
    let env = imported();
    let before = env.book_fingerprint();
    env.write_file("i.csv", "number,customer,issue_date,amount\nI-9,HW,2026-10-09,5\nI-1,HW,2026-10-01,1001\n");
    let (code, err) = env.fail(&["invoice", "import", "i.csv"]);
    assert_eq!(code, 1);
    assert_eq!(
        err.lines().collect::<Vec<_>>(),
        [
            "error: i.csv:3: invoice 'I-1' is already in the book with other content; remove the row, or give the \
             invoice another number",
            "error: i.csv: 1 bad row(s); nothing was imported",
        ]
    );
    env.write_file("c.csv", "code,name\nNEW,New Co.\nHW,Huawei\n");
    let (code, err) = env.fail(&["customer", "import", "c.csv"]);
    assert_eq!(code, 1);
    assert!(err.starts_with("error: c.csv:3: customer 'HW' is already in the book with other content"), "{err}");
    // An invoice entered by hand is not a row of the file either.
    env.ok(&["invoice", "add", "H-1", "HW", "10", "--date", "2026-10-03"]);
    let before_hand = env.book_fingerprint();
    env.write_file("h.csv", "number,customer,issue_date,amount\nH-1,HW,2026-10-03,10\n");
    let (_, err) = env.fail(&["invoice", "import", "h.csv"]);
    assert!(err.starts_with("error: h.csv:2: invoice 'H-1' is already in the book with other content"), "{err}");
    assert_eq!(env.book_fingerprint(), before_hand);
    assert_ne!(before, before_hand);
}

/// A minimal XLSX workbook: sheets of (name, rows), each cell a number
/// (`n:`), a date (`d:` an Excel serial shown as a date) or inline text.
pub fn xlsx(sheets: &[(&str, &[&[&str]])]) -> Vec<u8> {
    use zip::write::SimpleFileOptions;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = SimpleFileOptions::default();
    let mut put = |name: &str, text: String| {
        zip.start_file(name, opts).unwrap();
        zip.write_all(text.as_bytes()).unwrap();
    };
    let overrides: String = (1..=sheets.len())
        .map(|i| {
            format!(
                r#"<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>"#
            )
        })
        .collect();
    put(
        "[Content_Types].xml",
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>{overrides}</Types>"#
        ),
    );
    put(
        "_rels/.rels",
        r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#.into(),
    );
    let list: String = sheets
        .iter()
        .enumerate()
        .map(|(i, (name, _))| format!(r#"<sheet name="{name}" sheetId="{}" r:id="rId{}"/>"#, i + 1, i + 1))
        .collect();
    put(
        "xl/workbook.xml",
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>{list}</sheets></workbook>"#
        ),
    );
    let rels: String = (1..=sheets.len())
        .map(|i| {
            format!(
                r#"<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet{i}.xml"/>"#
            )
        })
        .collect();
    let styles_id = sheets.len() + 1;
    put(
        "xl/_rels/workbook.xml.rels",
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rels}<Relationship Id="rId{styles_id}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>"#
        ),
    );
    put(
        "xl/styles.xml",
        r#"<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><fonts count="1"><font/></fonts><fills count="1"><fill/></fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf/></cellStyleXfs><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/></cellXfs></styleSheet>"#.into(),
    );
    for (i, (_, sheet_rows)) in sheets.iter().enumerate() {
        let mut data = String::new();
        for (r, cells) in sheet_rows.iter().enumerate() {
            if cells.is_empty() {
                continue;
            }
            data.push_str(&format!(r#"<row r="{}">"#, r + 1));
            for (c, cell) in cells.iter().enumerate() {
                let at = format!("{}{}", char::from(b'A' + c as u8), r + 1);
                if let Some(n) = cell.strip_prefix("n:") {
                    data.push_str(&format!(r#"<c r="{at}"><v>{n}</v></c>"#));
                } else if let Some(d) = cell.strip_prefix("d:") {
                    data.push_str(&format!(r#"<c r="{at}" s="1"><v>{d}</v></c>"#));
                } else if !cell.is_empty() {
                    data.push_str(&format!(r#"<c r="{at}" t="inlineStr"><is><t>{cell}</t></is></c>"#));
                }
            }
            data.push_str("</row>");
        }
        put(
            &format!("xl/worksheets/sheet{}.xml", i + 1),
            format!(
                r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{data}</sheetData></worksheet>"#
            ),
        );
    }
    zip.finish().unwrap().into_inner()
}

#[test]
fn a_workbook_wider_than_a_statement_may_hold_is_imported_a_row_at_a_time() {
    let env = TestEnv::new();
    env.ok(&["customer", "add", "HW", "华为技术有限公司"]);
    // Five columns down to row 500,000: 2,500,000 cells, more than a bank
    // statement may span (2,097,152), read whole; an import reads a row at
    // a time, and names the far row by its line.
    let far = |amount: &'static str| -> Vec<&'static [&'static str]> {
        let mut rows: Vec<&[&str]> = vec![&[]; 500_000];
        rows[0] = &["number", "customer", "issue_date", "amount", "description"];
        rows[1] = &["X-1", "HW", "2026-10-01", "n:100", "first"];
        rows[499_999] = match amount {
            "bad" => &["X-2", "HW", "2026-10-02", "lots", "last"],
            _ => &["X-2", "HW", "2026-10-02", "n:50", "last"],
        };
        rows
    };
    env.write_file("far.xlsx", xlsx(&[("Sheet1", &far("bad"))]));
    let (_, err) = env.fail(&["invoice", "import", "far.xlsx"]);
    assert!(err.starts_with("error: far.xlsx:500000: amount"), "{err}");
    env.write_file("far.xlsx", xlsx(&[("Sheet1", &far("good"))]));
    let note = env.ok_note(&["invoice", "import", "far.xlsx"]);
    assert!(note.contains("imported 2 invoices totalling 150.00 from far.xlsx (XLSX, sheet Sheet1)"), "{note}");
    assert_eq!(env.json(&["invoice", "show", "X-2"])["description"], json!("last"));
}

#[test]
fn a_long_number_outside_the_sheet_read_is_let_be() {
    let env = TestEnv::new();
    env.ok(&["customer", "add", "HW", "华为技术有限公司"]);
    // The cover sheet names the account as a number (its last digits lost);
    // the sheet imported holds none.
    let cover: &[&[&str]] = &[&["n:6222020200112233445"]];
    let invoices: &[&[&str]] =
        &[&["number", "customer", "issue_date", "amount"], &["X-1", "HW", "2026-10-01", "n:100"]];
    env.write_file("i.xlsx", xlsx(&[("Cover", cover), ("发票", invoices)]));
    let note = env.ok_note(&["invoice", "import", "i.xlsx"]);
    assert!(note.contains("imported 1 invoices totalling 100.00 from i.xlsx (XLSX, sheet 发票)"), "{note}");
}

#[test]
fn xlsx_workbooks_of_each_kind_import_like_their_csv() {
    let env = TestEnv::new();
    env.ok(&["init"]);
    // 46296 is 2026-10-01; 113.00000000000001 is what =100*1.13 leaves.
    let customers: &[&[&str]] = &[&["code", "name", "terms_days"], &["HW", "华为技术有限公司", "n:60"]];
    env.write_file("c.xlsx", xlsx(&[("客户", customers)]));
    let note = env.ok_note(&["customer", "import", "c.xlsx"]);
    assert_eq!(note.trim_end(), "imported 1 customers from c.xlsx (XLSX, sheet 客户)");
    assert_eq!(env.json(&["customer", "show", "HW"])["terms_days"], json!(60));
    // The first sheet is a cover page: the sheet with the header is read, and
    // errors name its rows as lines.
    let cover: &[&[&str]] = &[&["Invoices exported 2026-11-01"]];
    let invoices: &[&[&str]] = &[
        &[],
        &["number", "customer", "issue_date", "amount", "due_date"],
        &["X-1", "HW", "d:46296", "n:113.00000000000001", ""],
        &["X-2", "HW", "2026-10-02", "n:0.1", "d:46326"],
    ];
    env.write_file("i.xlsx", xlsx(&[("Cover", cover), ("发票", invoices)]));
    let note = env.ok_note(&["invoice", "import", "i.xlsx"]);
    assert!(note.contains("imported 2 invoices totalling 113.10 from i.xlsx (XLSX, sheet 发票)"), "{note}");
    let x1 = env.json(&["invoice", "show", "X-1"]);
    assert_eq!((&x1["amount"], &x1["issue_date"]), (&json!("113.00"), &json!("2026-10-01")));
    let x2 = env.json(&["invoice", "show", "X-2"]);
    assert_eq!(x2["installments"][0]["due_date"], json!("2026-10-31"));
    let payments: &[&[&str]] = &[
        &["date", "customer", "amount", "invoice"],
        &["d:46327", "HW", "n:13", "X-1"],
        &["d:46327", "HW", "n:13", "X-1"],
    ];
    env.write_file("p.xlsx", xlsx(&[("Sheet1", payments)]));
    let note = env.ok_note(&["pay", "import", "p.xlsx"]);
    assert!(note.contains("imported 2 payments totalling 26.00 from p.xlsx (XLSX, sheet Sheet1)"), "{note}");
    assert_eq!(env.json(&["invoice", "show", "X-1"])["balance"], json!("87.00"));
    let again = env.ok_note(&["pay", "import", "p.xlsx"]);
    assert!(again.contains("imported 0 payments totalling 0.00 from p.xlsx (XLSX, sheet Sheet1); skipped 2 rows"));
    // A bad cell is named by its sheet row.
    let bad: &[&[&str]] = &[&["date", "customer", "amount"], &[], &["d:46327", "HW", "n:-5"]];
    env.write_file("bad.xlsx", xlsx(&[("Sheet1", bad)]));
    let (_, err) = env.fail(&["pay", "import", "bad.xlsx"]);
    assert!(err.starts_with("error: bad.xlsx:3: amount"), "{err}");
    // A workbook with no sheet naming the columns says which it looked for.
    env.write_file("none.xlsx", xlsx(&[("Sheet1", cover)]));
    let (_, err) = env.fail(&["pay", "import", "none.xlsx"]);
    assert!(err.contains("none.xlsx: no sheet of the workbook starts with a header row naming its columns (date,"));
    assert_money_adds_up(&env);
}

#[test]
fn a_dash_reads_the_file_from_standard_input() {
    let env = TestEnv::new();
    env.ok(&["init"]);
    let run = |args: &[&str], input: &str| {
        let out = env.command(args).write_stdin(input.as_bytes().to_vec()).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stderr).unwrap()
    };
    assert_eq!(run(&["customer", "import", "-"], CUSTOMERS).trim_end(), "imported 2 customers from stdin (UTF-8)");
    let note = run(&["invoice", "import", "-"], INVOICES);
    assert!(note.contains("imported 2 invoices totalling 1,250.50 from stdin (UTF-8)"), "{note}");
    let note = run(&["pay", "import", "-"], PAYMENTS);
    assert!(note.contains("imported 2 payments totalling 150.00 from stdin (UTF-8)"), "{note}");
    assert_eq!(invoice_total(&env), 125_050);
    // A bad row is named as stdin:line.
    let out = env.command(&["pay", "import", "-"]).write_stdin("date,customer,amount\n2026-11-01,NOPE,1\n").output();
    let err = String::from_utf8(out.unwrap().stderr).unwrap();
    assert!(err.starts_with("error: stdin:2: "), "{err}");
    // A bank statement too: read, matched and named `stdin`.
    let statement = "交易日期,收入金额,支出金额,余额,对方户名,对方账号,摘要\n2026-11-03,100.00,,100.00,Acme,6217000000000001,货款\n";
    let out = env.command(&["reconcile", "import", "-"]).write_stdin(statement.as_bytes().to_vec()).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let shown = String::from_utf8(out.stdout).unwrap();
    assert!(shown.contains("stdin: profile generic-cn-bank, UTF-8"), "{shown}");
    assert!(shown.contains("1 rows: 1 credits (100.00)"), "{shown}");
    // And a workbook: known by its first bytes, as a file is.
    let book = xlsx(&[("Sheet1", &[&["code", "name"], &["WB", "Workbook Ltd."]])]);
    let out = env.command(&["customer", "import", "-"]).write_stdin(book).output().unwrap();
    let note = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{note}");
    assert_eq!(note.trim_end(), "imported 1 customers from stdin (XLSX, sheet Sheet1)");
    let rows: &[&[&str]] = &[
        &["交易日期", "收入金额", "支出金额", "余额", "对方户名", "对方账号", "摘要"],
        &["2026-11-04", "n:50", "", "n:150", "Acme", "6217000000000001", "货款"],
    ];
    let out = env.command(&["reconcile", "import", "-"]).write_stdin(xlsx(&[("流水", rows)])).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let shown = String::from_utf8(out.stdout).unwrap();
    assert!(shown.contains("1 rows: 1 credits (50.00)"), "{shown}");
}

#[test]
fn customer_import_takes_accounts_and_contacts() {
    let env = TestEnv::new();
    env.write_file(
        "c.csv",
        "code,name,accounts,contacts\n\
         HW,华为技术有限公司,6222 0200 0012 3456;6222020200099999,payer:王芳:13800000000:wang@hw.example;决策人:李雷\n",
    );
    env.ok_note(&["customer", "import", "c.csv"]);
    let hw = env.json(&["customer", "show", "HW"]);
    assert_eq!(hw["accounts"], json!(["6222020000123456", "6222020200099999"]));
    let contacts: Vec<(&str, &str, &Value, &Value)> = rows(&hw["contacts"])
        .iter()
        .map(|c| (c["role"].as_str().unwrap(), c["name"].as_str().unwrap(), &c["phone"], &c["email"]))
        .collect();
    assert!(contacts.contains(&("payer", "王芳", &json!("13800000000"), &json!("wang@hw.example"))), "{contacts:?}");
    assert!(contacts.contains(&("decision", "李雷", &json!(null), &json!(null))), "{contacts:?}");
    // An account another customer holds is refused at its line.
    env.write_file("c2.csv", "code,name,accounts\nTX,Tencent,6222020200099999\n");
    let (_, err) = env.fail(&["customer", "import", "c2.csv"]);
    assert!(err.starts_with("error: c2.csv:2: "), "{err}");
    assert!(err.contains("HW"), "the holder is named: {err}");
}

#[test]
fn an_unknown_customer_column_is_refused_naming_it_and_the_known_ones() {
    let env = TestEnv::new();
    env.write_file("c.csv", "code,name,salesperson,cutoff_day,pay_days\nHW,华为技术有限公司,王五,25,10\n");
    let (code, err) = env.fail(&["customer", "import", "c.csv"]);
    assert_eq!(code, 1);
    assert_eq!(
        err.trim_end(),
        "error: c.csv:1: unknown column(s) 'cutoff_day', 'pay_days' in a customer file; the columns are code, \
         name, terms_days, credit_limit, credit_score, email, phone, aliases, accounts, contacts, salesperson, lang"
    );
    assert!(!env.db.exists(), "a file refused for its header creates no book");
}

#[test]
fn invoice_and_payment_imports_name_the_columns_they_ignore() {
    let env = imported();
    env.write_file("i.csv", "number,customer,issue_date,amount,Colour,附件\nI-5,HW,2026-10-05,10,red,x\n");
    let note = env.ok_note(&["invoice", "import", "i.csv"]);
    assert!(note.starts_with("i.csv: ignored 2 column(s) the import does not use: 'Colour', '附件'\n"), "{note}");
    assert!(note.contains("imported 1 invoices totalling 10.00"), "{note}");
}

/// `n` invoices numbered from `from`, for HW and TX in turn (TX has credit
/// waiting in [`bulk_scene`]), half with a due date of their own.
fn many_invoices(from: usize, n: usize) -> String {
    let mut text = String::from("number,customer,issue_date,due_date,amount\n");
    for k in from..from + n {
        let customer = if k % 2 == 0 { "HW" } else { "TX" };
        let due = if k % 4 < 2 { format!("2026-11-{:02}", 1 + k % 28) } else { String::new() };
        text.push_str(&format!(
            "B-{k:05},{customer},2026-{:02}-{:02},{due},{}.{:02}\n",
            1 + k % 10,
            1 + k % 28,
            10 + k % 997,
            k % 100
        ));
    }
    text
}

/// A book with two customers, an invoice each and TX's payment of more
/// than its invoice (credit that later invoices take).
fn bulk_scene() -> TestEnv {
    let env = imported();
    env.ok_note(&["pay", "add", "TX", "5000", "--date", "2026-11-03"]);
    env
}

/// The indexes' names and text, and where they start in the file.
fn indexes(env: &TestEnv) -> Vec<(String, String, i64)> {
    let conn = env.connect();
    let mut stmt = conn
        .prepare("SELECT name, sql, rootpage FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL ORDER BY name")
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).unwrap().collect::<Result<_, _>>().unwrap()
}

#[test]
fn a_large_invoice_import_sets_its_indexes_aside_and_books_what_row_by_row_would() {
    // 1,200 rows in one file: as many as the book's installments and more
    // than 1,000, the bulk path (store::aside). The same rows in two files
    // of 600: row by row.
    let bulk = bulk_scene();
    let rows =
        bulk.ok_note(&["invoice", "import", &bulk.write_file("all.csv", many_invoices(0, 1_200)).to_string_lossy()]);
    assert!(rows.contains("imported 1200 invoices"), "{rows}");
    let by_row = bulk_scene();
    for (name, from) in [("a.csv", 0), ("b.csv", 600)] {
        by_row.ok_note(&["invoice", "import", &by_row.write_file(name, many_invoices(from, 600)).to_string_lossy()]);
    }

    assert_eq!(bulk.book_fingerprint(), by_row.book_fingerprint(), "the same rows, balances and credit applied");
    let credit = bulk.json(&["invoice", "list", "--customer", "TX"]);
    assert!(rows_paid(&credit) > 0, "TX's credit went to the imported invoices");
    for args in [&["report", "aging", "--detail", "--format", "csv"][..], &["dun", "list", "--format", "csv"]] {
        assert_eq!(bulk.ok(args), by_row.ok(args), "{args:?}");
    }
    bulk.ok(&["check"]);

    // The same indexes, word for word; the bulk path built four of them
    // again (after the new rows, so they start further into the file).
    let (set_aside, kept) = (indexes(&bulk), indexes(&by_row));
    let text = |v: &[(String, String, i64)]| v.iter().map(|(n, s, _)| (n.clone(), s.clone())).collect::<Vec<_>>();
    assert_eq!(text(&set_aside), text(&kept));
    let moved: Vec<&str> = set_aside.iter().zip(&kept).filter(|(a, b)| a.2 > b.2).map(|(a, _)| a.0.as_str()).collect();
    assert_eq!(moved, ["installments_customer", "installments_open", "invoices_customer", "invoices_issued"]);
    assert_money_adds_up(&bulk);
}

/// What the listed invoices have had paid, in cents.
fn rows_paid(list: &Value) -> i64 {
    rows(list)
        .iter()
        .filter(|i| i["number"].as_str().is_some_and(|n| n.starts_with("B-")))
        .map(|i| cents(&i["amount"]) - cents(&i["balance"]))
        .sum()
}

#[test]
fn a_large_invoice_import_that_fails_leaves_the_book_and_its_indexes_as_they_were() {
    let env = bulk_scene();
    let (before, schema) = (env.book_fingerprint(), indexes(&env));
    let mut text = many_invoices(0, 1_200);
    text.push_str("B-99999,NOBODY,2026-10-01,,1\n");
    let (_, err) = env.fail(&["invoice", "import", &env.write_file("bad.csv", text).to_string_lossy()]);
    assert!(err.contains("bad.csv:1202: no customer with code 'NOBODY'"), "{err}");
    assert_eq!(env.book_fingerprint(), before, "nothing written");
    assert_eq!(indexes(&env), schema, "every index as it was");
    env.ok(&["check"]);
}
