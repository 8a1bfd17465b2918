//! VAT facts: an invoice's amount is what the customer owes, tax included
//! (价税合计); net, tax, rate, VAT number, contract and salesperson are kept
//! beside it, and the VAT e-invoice list of the tax platform imports at 价税合计.

use serde_json::{Value, json};

use crate::common::{TestEnv, assert_one_error_line, gbk, row, rows};

/// The columns of a real 数电 export (the item variant: one row per item line).
pub const VAT_HEADER: &[&str] = &[
    "序号",
    "发票代码",
    "发票号码",
    "数电票号码",
    "销方识别号",
    "销方名称",
    "购方识别号",
    "购买方名称",
    "开票日期",
    "税收分类编码",
    "货物或应税劳务名称",
    "规格型号",
    "单位",
    "数量",
    "单价",
    "金额",
    "税率",
    "税额",
    "价税合计",
    "发票来源",
    "发票票种",
    "发票状态",
    "是否正数发票",
    "发票风险等级",
    "开票人",
    "备注",
];

/// One row of the export: the cells that matter, the rest filled as the
/// platform fills them. Also the data an XLSX variant of the test is built from.
pub struct VatRow<'a> {
    pub number: &'a str,
    pub buyer: &'a str,
    pub date: &'a str,
    pub item: &'a str,
    pub net: &'a str,
    pub rate: &'a str,
    pub tax: &'a str,
    pub total: &'a str,
    pub status: &'a str,
    pub positive: &'a str,
}

impl VatRow<'_> {
    /// The row's cells in [`VAT_HEADER`] order.
    pub fn cells(&self, seq: usize) -> Vec<String> {
        [
            &seq.to_string(),
            "",
            "",
            self.number,
            "91440300MA5XXXXXX1",
            "深圳回款科技有限公司",
            "91440300MA5YYYYYY2",
            self.buyer,
            self.date,
            "1090511990000000000",
            self.item,
            "",
            "台",
            "1",
            self.net,
            self.net,
            self.rate,
            self.tax,
            self.total,
            "电子发票服务平台",
            "数电票（增值税专用发票）",
            self.status,
            self.positive,
            "正常",
            "李四",
            "",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    }
}

/// A normal row.
pub fn vat_row<'a>(
    number: &'a str,
    buyer: &'a str,
    date: &'a str,
    net: &'a str,
    tax: &'a str,
    total: &'a str,
) -> VatRow<'a> {
    VatRow {
        number, buyer, date, item: "*计算机*服务器", net, rate: "13%", tax, total, status: "正常", positive: "是"
    }
}

/// The export as CSV text (amounts with a thousands comma are quoted).
pub fn vat_csv(rows: &[VatRow]) -> String {
    let quote = |c: &String| if c.contains(',') { format!("\"{c}\"") } else { c.clone() };
    let mut text = VAT_HEADER.join(",") + "\n";
    for (i, r) in rows.iter().enumerate() {
        text.push_str(&r.cells(i + 1).iter().map(quote).collect::<Vec<_>>().join(","));
        text.push('\n');
    }
    text
}

/// A book with 华远 (60 days, salesperson 张伟, alias 华远电子) and 新天.
fn book() -> TestEnv {
    let env = TestEnv::new();
    env.ok(&[
        "customer",
        "add",
        "HY",
        "深圳华远电子有限公司",
        "--terms",
        "60",
        "--alias",
        "华远电子",
        "--salesperson",
        "张伟",
    ]);
    env.ok(&["customer", "add", "XT", "新天贸易有限公司"]);
    env
}

fn stderr_of(env: &TestEnv, args: &[&str]) -> String {
    env.ok_note(args)
}

/// The value of a field in a `show` table (`│ field ┆ value │`).
fn field(table: &str, name: &str) -> Option<String> {
    table.lines().find_map(|l| {
        let cells: Vec<&str> = l.trim_matches(|c| c == '│' || c == ' ').split('┆').map(str::trim).collect();
        (cells.len() == 2 && cells[0] == name).then(|| cells[1].to_string())
    })
}

#[test]
fn invoice_add_keeps_the_vat_facts_and_show_prints_them_in_table_and_json() {
    let env = book();
    env.ok(&[
        "invoice",
        "add",
        "INV-1",
        "HY",
        "11,300.00",
        "--date",
        "2026-10-08",
        "--net",
        "10000",
        "--tax",
        "1300",
        "--tax-rate",
        "0.13",
        "--vat-number",
        "26442000000012345678",
        "--contract",
        "HT-2026-09",
    ]);
    let shown = env.json(&["invoice", "show", "INV-1"]);
    assert_eq!(
        shown,
        json!({
            "number": "INV-1",
            "customer": "HY",
            "issue_date": "2026-10-08",
            "amount": "11300.00",
            "balance": "11300.00",
            "status": "open",
            "description": null,
            "net": "10000.00",
            "tax": "1300.00",
            "tax_rate": "13%",
            "vat_number": "26442000000012345678",
            "contract": "HT-2026-09",
            "salesperson": "张伟",
            "installments": [{"due_date": "2026-12-07", "amount": "11300.00", "balance": "11300.00"}], "disputes": [],
        }),
        "the salesperson is the customer's; the amount stays 价税合计"
    );
    let table = env.ok(&["invoice", "show", "INV-1"]);
    for (name, value) in [
        ("amount", "11,300.00"),
        ("net", "10,000.00"),
        ("tax", "1,300.00"),
        ("tax rate", "13%"),
        ("VAT invoice no.", "26442000000012345678"),
        ("contract", "HT-2026-09"),
        ("salesperson", "张伟"),
    ] {
        assert_eq!(field(&table, name).as_deref(), Some(value), "{name} in\n{table}");
    }
    let zh = env.ok(&["--lang", "zh", "invoice", "show", "INV-1"]);
    assert_eq!(field(&zh, "不含税金额").as_deref(), Some("10,000.00"), "{zh}");
    assert_eq!(field(&zh, "税率").as_deref(), Some("13%"), "{zh}");
    assert_eq!(field(&zh, "业务员").as_deref(), Some("张伟"), "{zh}");

    // Without facts: every key is there, null; a salesperson of its own wins.
    env.ok(&["invoice", "add", "INV-2", "XT", "500", "--date", "2026-10-09"]);
    env.ok(&[
        "invoice",
        "add",
        "INV-3",
        "HY",
        "200",
        "--date",
        "2026-10-10",
        "--salesperson",
        "王芳",
        "--tax-rate",
        "免税",
    ]);
    let list = env.json(&["invoice", "list"]);
    let two = row(&list, "number", "INV-2");
    for key in ["net", "tax", "tax_rate", "vat_number", "contract", "salesperson"] {
        assert_eq!(two[key], Value::Null, "{key} in {two}");
    }
    assert_eq!(two["amount"], "500.00");
    let one = row(&list, "number", "INV-1");
    assert_eq!((&one["net"], &one["tax"], &one["tax_rate"]), (&json!("10000.00"), &json!("1300.00"), &json!("13%")));
    let three = row(&list, "number", "INV-3");
    assert_eq!((&three["salesperson"], &three["tax_rate"]), (&json!("王芳"), &json!("免税")));
    let csv = env.ok(&["invoice", "list", "--format", "csv"]);
    assert_eq!(
        csv.lines().next().unwrap(),
        "invoice,customer,issued,next due,amount,balance,status",
        "columns unchanged"
    );
}

#[test]
fn net_plus_tax_that_misses_the_amount_is_refused_naming_the_three_figures() {
    let env = book();
    let before = env.book_fingerprint();
    let (code, err) = env.fail(&["invoice", "add", "INV-1", "HY", "11300", "--net", "10000", "--tax", "1200"]);
    assert_eq!(code, 1);
    assert_one_error_line(
        &err,
        "net 10,000.00 + tax 1,200.00 = 11,200.00, not the amount 11,300.00 (价税合计, tax included)",
    );
    let (_, err) = env.fail(&["invoice", "add", "INV-1", "HY", "100", "--net", "113"]);
    assert_one_error_line(&err, "net 113.00 is more than the amount 100.00");
    let (_, err) = env.fail(&["invoice", "add", "INV-1", "HY", "100", "--tax-rate", "0.2"]);
    assert_one_error_line(&err, "--tax-rate: tax rate '0.2' is ambiguous: write 20% or 0.2%");
    assert_eq!(env.book_fingerprint(), before, "nothing was written");
}

#[test]
fn a_tax_far_from_net_times_rate_is_warned_about_and_kept() {
    let env = book();
    let err = stderr_of(
        &env,
        &["invoice", "add", "INV-1", "HY", "11200", "--net", "10000", "--tax", "1200", "--tax-rate", "13%"],
    );
    assert!(
        err.contains("warning: tax 1,200.00 is 100.00 off net 10,000.00 × 13% = 1,300.00"),
        "a warning, not a refusal: {err}"
    );
    assert_eq!(env.json(&["invoice", "show", "INV-1"])["tax"], "1200.00");
    let quiet = stderr_of(
        &env,
        &["invoice", "add", "INV-2", "HY", "11299.50", "--net", "10000", "--tax", "1299.50", "--tax-rate", "13"],
    );
    assert!(!quiet.contains("warning"), "0.50 is within rounding: {quiet}");
}

#[test]
fn a_customer_has_a_salesperson_shown_and_edited() {
    let env = book();
    let hy = env.json(&["customer", "show", "HY"]);
    assert_eq!(hy["salesperson"], "张伟");
    assert_eq!(env.json(&["customer", "show", "XT"])["salesperson"], Value::Null);
    assert_eq!(field(&env.ok(&["customer", "show", "HY"]), "salesperson").as_deref(), Some("张伟"));
    env.ok(&["customer", "edit", "XT", "--salesperson", "王芳"]);
    assert_eq!(env.json(&["customer", "show", "XT"])["salesperson"], "王芳");
    env.ok(&["invoice", "add", "INV-1", "XT", "100"]);
    env.ok(&["customer", "edit", "XT", "--salesperson", ""]);
    assert_eq!(env.json(&["customer", "show", "XT"])["salesperson"], Value::Null);
    assert_eq!(env.json(&["invoice", "show", "INV-1"])["salesperson"], "王芳", "an issued invoice keeps its own");
}

#[test]
fn the_vat_e_invoice_list_imports_at_jia_shui_he_ji_with_its_tax_facts() {
    let env = book();
    let mut voided =
        vat_row("26442000000000000009", "新天贸易有限公司", "2026-10-09 09:00:00", "100.00", "13.00", "113.00");
    voided.status = "已作废";
    let text = vat_csv(&[
        // One invoice, one row, the buyer by its legal name.
        vat_row(
            "26442000000011110001",
            "深圳华远电子有限公司",
            "2026-10-08 14:22:05",
            "10,000.00",
            "1,300.00",
            "11,300.00",
        ),
        // An item export: two rows of one number, the buyer by an alias, a 6% line.
        vat_row("26442000000011110002", "华远电子", "2026-10-10 10:00:00", "2,000.00", "260.00", "2,260.00"),
        VatRow {
            rate: "6%",
            item: "*信息技术服务*运维",
            ..vat_row("26442000000011110002", "华远电子", "2026-10-10 10:00:00", "1,000.00", "60.00", "1,060.00")
        },
        voided,
    ]);
    env.write_file("数电发票.csv", gbk(&text));
    let note = stderr_of(&env, &["invoice", "import", "数电发票.csv"]);
    assert!(
        note.contains(
            "imported 2 invoices from 3 rows of the VAT e-invoice list 数电发票.csv (GBK/GB18030): 价税合计 14,620.00, tax 1,620.00"
        ),
        "{note}"
    );
    assert!(
        note.contains("left out 1 voided row(s) (作废), never owed: 数电发票.csv:5 26442000000000000009 (113.00)"),
        "{note}"
    );

    let one = env.json(&["invoice", "show", "26442000000011110001"]);
    assert_eq!(
        (&one["amount"], &one["net"], &one["tax"], &one["tax_rate"]),
        (&json!("11300.00"), &json!("10000.00"), &json!("1300.00"), &json!("13%")),
        "the receivable is 价税合计, never 金额"
    );
    assert_eq!((&one["customer"], &one["issue_date"]), (&json!("HY"), &json!("2026-10-08")));
    assert_eq!(one["vat_number"], "26442000000011110001");
    assert_eq!(one["salesperson"], "张伟");
    assert_eq!(one["installments"][0]["due_date"], "2026-12-07", "due by the customer's 60 days");

    let two = env.json(&["invoice", "show", "26442000000011110002"]);
    assert_eq!(
        (&two["amount"], &two["net"], &two["tax"], &two["tax_rate"]),
        (&json!("3320.00"), &json!("3000.00"), &json!("320.00"), &json!("13%,6%")),
        "the item lines of one number make one invoice"
    );
    assert_eq!(rows(&env.json(&["invoice", "list"])).len(), 2, "the voided row is not booked");
}

#[test]
fn an_unknown_buyer_is_refused_at_its_line_and_nothing_is_written() {
    let env = book();
    let text = vat_csv(&[
        vat_row("26442000000011110001", "华远电子", "2026-10-08", "100.00", "13.00", "113.00"),
        vat_row("26442000000011110002", "未知客户有限公司", "2026-10-08", "100.00", "13.00", "113.00"),
    ]);
    env.write_file("list.csv", gbk(&text));
    let before = env.book_fingerprint();
    let (code, err) = env.fail(&["invoice", "import", "list.csv"]);
    assert_eq!(code, 1);
    let lines: Vec<&str> = err.lines().collect();
    assert!(
        lines[0].starts_with("error: list.csv:3: unknown buyer '未知客户有限公司': no customer has this name or alias"),
        "{err}"
    );
    assert_eq!(lines.last().copied(), Some("error: list.csv: 1 bad row(s); nothing was imported"));
    assert_eq!(env.book_fingerprint(), before, "all or nothing");
}

#[test]
fn red_letter_rows_and_split_that_misses_the_total_are_refused_at_their_lines() {
    let env = book();
    let mut red = vat_row("26442000000011110003", "华远电子", "2026-10-12", "-100.00", "-13.00", "-113.00");
    red.positive = "否";
    let text = vat_csv(&[
        vat_row("26442000000011110001", "华远电子", "2026-10-08", "100.00", "13.00", "114.00"),
        vat_row("26442000000011110002", "华远电子", "2026-10-08", "100.00", "13.00", "113.00"),
        vat_row("26442000000011110002", "新天贸易有限公司", "2026-10-08", "100.00", "13.00", "113.00"),
        red,
    ]);
    env.write_file("list.csv", text);
    let before = env.book_fingerprint();
    let (_, err) = env.fail(&["invoice", "import", "list.csv"]);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 4, "{err}");
    assert!(lines[0].starts_with("error: list.csv:2: net 100.00 + tax 13.00 = 113.00, not the amount 114.00"), "{err}");
    assert!(
        lines[1]
            .starts_with("error: list.csv:4: invoice 26442000000011110002: the buyer (购买方名称) differs from line 3"),
        "{err}"
    );
    assert!(lines[2].starts_with("error: list.csv:5: invoice 26442000000011110003 is a red-letter invoice"), "{err}");
    assert_eq!(env.book_fingerprint(), before);
}

#[test]
fn the_rows_of_one_number_are_summed_wherever_the_list_puts_them() {
    let env = book();
    // 0002's rows are split by 0003's; a later row of 0003 disagrees with
    // its first, three rows up, and is refused naming it.
    let rows = |third_buyer| {
        vat_csv(&[
            vat_row("26442000000011110002", "华远电子", "2026-10-10", "2,000.00", "260.00", "2,260.00"),
            vat_row("26442000000011110003", "新天贸易有限公司", "2026-10-11", "100.00", "13.00", "113.00"),
            VatRow {
                rate: "6%",
                item: "*信息技术服务*运维",
                ..vat_row("26442000000011110002", "华远电子", "2026-10-10", "1,000.00", "60.00", "1,060.00")
            },
            vat_row("26442000000011110003", third_buyer, "2026-10-11", "100.00", "13.00", "113.00"),
        ])
    };
    env.write_file("list.csv", rows("华远电子"));
    let before = env.book_fingerprint();
    let (_, err) = env.fail(&["invoice", "import", "list.csv"]);
    assert!(
        err.starts_with(
            "error: list.csv:5: invoice 26442000000011110003: the buyer (购买方名称) differs from line 3 (the rows of one \
             invoice must agree)"
        ),
        "{err}"
    );
    assert_eq!(env.book_fingerprint(), before);

    env.write_file("list.csv", rows("新天贸易有限公司"));
    let note = stderr_of(&env, &["invoice", "import", "list.csv"]);
    assert!(note.contains("imported 2 invoices from 4 rows of the VAT e-invoice list list.csv"), "{note}");
    let two = env.json(&["invoice", "show", "26442000000011110002"]);
    assert_eq!(
        (&two["amount"], &two["net"], &two["tax"], &two["tax_rate"], &two["description"]),
        (
            &json!("3320.00"),
            &json!("3000.00"),
            &json!("320.00"),
            &json!("13%,6%"),
            &json!("*计算机*服务器、*信息技术服务*运维")
        )
    );
    let three = env.json(&["invoice", "show", "26442000000011110003"]);
    assert_eq!((&three["amount"], &three["customer"]), (&json!("226.00"), &json!("XT")));
    // Booked in the order the list first names them.
    let list = env.json(&["invoice", "list"]);
    let numbers: Vec<&str> = list.as_array().unwrap().iter().map(|i| i["number"].as_str().unwrap()).collect();
    assert_eq!(numbers, ["26442000000011110002", "26442000000011110003"]);
    // Imported again, nothing is added.
    let again = stderr_of(&env, &["invoice", "import", "list.csv"]);
    assert!(again.contains("imported 0 invoices"), "{again}");
}

#[test]
fn many_voided_rows_and_warnings_are_counted_past_the_first_fifty() {
    let env = book();
    let numbers: Vec<String> = (0..60).map(|i| format!("264420000000222{i:05}")).collect();
    let mut list = Vec::new();
    for n in &numbers {
        list.push(VatRow {
            status: "已作废", ..vat_row(n, "华远电子", "2026-10-10", "100.00", "13.00", "113.00")
        });
        // 1,200.00 is 100.00 off 10,000.00 × 13%: kept, with a warning.
        list.push(vat_row(n, "华远电子", "2026-10-10", "10,000.00", "1,200.00", "11,200.00"));
    }
    env.write_file("list.csv", vat_csv(&list));
    let note = stderr_of(&env, &["invoice", "import", "list.csv"]);
    assert!(note.contains("imported 60 invoices from 60 rows"), "{note}");
    assert!(
        note.contains("left out 60 voided row(s) (作废), never owed: list.csv:2 26442000000022200000 (113.00)"),
        "{note}"
    );
    assert!(note.contains("list.csv:100 26442000000022200049 (113.00), … and 10 more"), "{note}");
    let warned = note.lines().filter(|l| l.starts_with("warning: list.csv:")).count();
    assert_eq!(warned, 50, "{note}");
    assert!(note.contains("warning: … and 10 more taxes off net × rate (the first 50 are shown)"), "{note}");
}

#[test]
fn the_plain_invoice_file_carries_the_optional_facts() {
    let env = book();
    env.write_file(
        "invoices.csv",
        "number,customer,issue_date,amount,不含税金额,税额,税率,合同号,业务员\n\
         I-1,HY,2026-10-01,\"5,650.00\",\"5,000.00\",650.00,13%,HT-7,\n\
         I-2,XT,2026-10-02,1060,1000,60,0.06,,赵六\n",
    );
    let note = stderr_of(&env, &["invoice", "import", "invoices.csv"]);
    assert!(note.contains("imported 2 invoices totalling 6,710.00 from invoices.csv"), "{note}");
    let list = env.json(&["invoice", "list"]);
    let one = row(&list, "number", "I-1");
    assert_eq!(
        (&one["net"], &one["tax"], &one["tax_rate"], &one["contract"], &one["salesperson"]),
        (&json!("5000.00"), &json!("650.00"), &json!("13%"), &json!("HT-7"), &json!("张伟"))
    );
    let two = row(&list, "number", "I-2");
    assert_eq!((&two["tax_rate"], &two["salesperson"]), (&json!("6%"), &json!("赵六")));

    env.write_file("bad.csv", "number,customer,issue_date,amount,net,tax\nI-3,HY,2026-10-01,100,90,9\n");
    let (_, err) = env.fail(&["invoice", "import", "bad.csv"]);
    assert!(err.starts_with("error: bad.csv:2: net 90.00 + tax 9.00 = 99.00, not the amount 100.00"), "{err}");
}

#[test]
fn the_vat_e_invoice_list_imports_from_a_workbook_as_from_its_csv() {
    let env = book();
    let rows = [
        vat_row(
            "26442000000011110001",
            "深圳华远电子有限公司",
            "2026-10-08 14:22:05",
            "10000.00",
            "1300.00",
            "11300.00",
        ),
        vat_row("26442000000011110002", "华远电子", "2026-10-10 10:00:00", "2000.00", "260.00", "2260.00"),
    ];
    let cells: Vec<Vec<String>> = rows.iter().enumerate().map(|(i, r)| r.cells(i + 1)).collect();
    let mut sheet: Vec<Vec<&str>> = vec![VAT_HEADER.to_vec()];
    sheet.extend(cells.iter().map(|r| r.iter().map(String::as_str).collect()));
    let sheet: Vec<&[&str]> = sheet.iter().map(Vec::as_slice).collect();
    env.write_file("数电发票.xlsx", crate::imports::xlsx(&[("发票基础信息", &sheet)]));
    let note = stderr_of(&env, &["invoice", "import", "数电发票.xlsx"]);
    assert!(note.contains("imported 2 invoices from 2 rows of the VAT e-invoice list 数电发票.xlsx"), "{note}");
    assert!(note.contains("价税合计 13,560.00, tax 1,560.00"), "{note}");
    let one = env.json(&["invoice", "show", "26442000000011110001"]);
    assert_eq!((&one["amount"], &one["net"], &one["tax"]), (&json!("11300.00"), &json!("10000.00"), &json!("1300.00")));
    // The same workbook again adds nothing.
    let again = stderr_of(&env, &["invoice", "import", "数电发票.xlsx"]);
    assert!(again.contains("imported 0 invoices") && again.contains("skipped 2 rows already in the book"), "{again}");
    // An unknown buyer is refused at its row and nothing is written.
    let bad = [vat_row("26442000000011110003", "无名公司", "2026-10-11", "100.00", "13.00", "113.00")];
    let cells: Vec<Vec<String>> = bad.iter().map(|r| r.cells(1)).collect();
    let mut sheet: Vec<Vec<&str>> = vec![VAT_HEADER.to_vec()];
    sheet.extend(cells.iter().map(|r| r.iter().map(String::as_str).collect()));
    let sheet: Vec<&[&str]> = sheet.iter().map(Vec::as_slice).collect();
    env.write_file("bad.xlsx", crate::imports::xlsx(&[("Sheet1", &sheet)]));
    let before = env.book_fingerprint();
    let (code, err) = env.fail(&["invoice", "import", "bad.xlsx"]);
    assert_eq!(code, 1);
    assert!(err.contains("bad.xlsx:2: unknown buyer '无名公司'"), "{err}");
    assert_eq!(env.book_fingerprint(), before);
}
