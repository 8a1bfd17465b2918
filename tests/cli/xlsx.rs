//! `--format xlsx`: the workbooks of the five lists and reports read back
//! with calamine — every amount a number equal to the JSON of the same
//! command, dates real dates, headers as the table's, the header row frozen
//! — and where a workbook may and may not go.

use std::collections::BTreeMap;
use std::io::Read;

use calamine::{Data, Reader, Xlsx, open_workbook};
use serde_json::Value;

use crate::common::{TestEnv, cents};

/// The demo book in a test's folder; every command runs on it.
fn demo() -> TestEnv {
    let env = TestEnv::new();
    env.ok(&["-q", "--db", "demo.sqlite", "demo"]);
    env
}

/// Run `args` on the demo book.
fn on_demo<'a>(args: &[&'a str]) -> Vec<&'a str> {
    [&["--db", "demo.sqlite"][..], args].concat()
}

/// Write the workbook of `args` to `name`; its one sheet.
fn workbook(env: &TestEnv, args: &[&str], name: &str) -> calamine::Range<Data> {
    let mut all = on_demo(args);
    all.extend(["--format", "xlsx", "--out", name]);
    let note = env.ok_note(&all);
    assert!(note.contains(&format!("wrote {name}")), "{note}");
    let mut book: Xlsx<_> = open_workbook(env.path().join(name)).expect("an xlsx file");
    assert_eq!(book.sheet_names().len(), 1, "one worksheet");
    book.worksheet_range_at(0).unwrap().unwrap()
}

/// The header row of the sheet.
fn headers(sheet: &calamine::Range<Data>) -> Vec<String> {
    (0..sheet.width() as u32).map(|c| sheet.get_value((0, c)).map(|d| d.to_string()).unwrap_or_default()).collect()
}

/// The table's rows (up to the first blank row) as header → cell.
fn records(sheet: &calamine::Range<Data>) -> Vec<BTreeMap<String, Data>> {
    let h = headers(sheet);
    let mut out = Vec::new();
    for row in sheet.rows().skip(1) {
        if row.iter().all(|d| *d == Data::Empty) {
            break;
        }
        out.push(h.iter().cloned().zip(row.iter().cloned()).collect());
    }
    out
}

/// The lines under the table, after its blank row.
fn footer(sheet: &calamine::Range<Data>) -> Vec<String> {
    let rows: Vec<&[Data]> = sheet.rows().collect();
    let blank = rows.iter().position(|r| r.iter().all(|d| *d == Data::Empty)).expect("a blank row");
    rows[blank + 1..].iter().map(|r| r[0].to_string()).collect()
}

/// The headers of the same command's CSV: the table's headers.
fn csv_headers(env: &TestEnv, args: &[&str]) -> Vec<String> {
    let mut all = on_demo(args);
    all.extend(["--format", "csv"]);
    let csv = env.ok(&all);
    csv::Reader::from_reader(csv.as_bytes()).headers().unwrap().iter().map(str::to_string).collect()
}

fn json(env: &TestEnv, args: &[&str]) -> Value {
    env.json(&on_demo(args))
}

/// An amount cell in cents: a number, never text.
fn amount(d: &Data) -> i64 {
    match d {
        Data::Float(f) => (f * 100.0).round() as i64,
        other => panic!("an amount must be a numeric cell, got {other:?}"),
    }
}

/// Each amount column of `record` equals the JSON amount of `row` it names.
fn assert_amounts(record: &BTreeMap<String, Data>, row: &Value, columns: &[(&str, &str)]) -> usize {
    for (header, key) in columns {
        let cell = &record[*header];
        match &row[*key] {
            Value::Null => assert_eq!(*cell, Data::Empty, "{header} of {row}"),
            v => assert_eq!(amount(cell), cents(v), "{header} of {row}"),
        }
    }
    columns.len()
}

/// The header row is frozen: the sheet's XML (an .xlsx is a zip) has a
/// frozen pane split under row 1.
fn assert_header_frozen(env: &TestEnv, name: &str) {
    let file = std::fs::File::open(env.path().join(name)).unwrap();
    let mut zip = zip::ZipArchive::new(file).expect("an xlsx is a zip");
    let mut xml = String::new();
    zip.by_name("xl/worksheets/sheet1.xml").unwrap().read_to_string(&mut xml).unwrap();
    let pane = xml.split("<pane ").nth(1).expect("a pane").split("/>").next().unwrap();
    assert!(pane.contains("ySplit=\"1\"") && pane.contains("state=\"frozen\""), "{pane}");
    assert!(!pane.contains("xSplit"), "only rows are frozen: {pane}");
}

/// Excel's day number of a date (day 1 is 1900-01-01, counting its 29 February).
fn excel_day(iso: &str) -> f64 {
    let d = chrono::NaiveDate::parse_from_str(iso, "%Y-%m-%d").unwrap();
    (d - chrono::NaiveDate::from_ymd_opt(1899, 12, 30).unwrap()).num_days() as f64
}

#[test]
fn the_aging_workbook_has_the_json_amounts_as_numbers_a_frozen_header_and_the_tie_out_under_it() {
    let env = demo();
    let sheet = workbook(&env, &["report", "aging"], "a.xlsx");
    assert_header_frozen(&env, "a.xlsx");
    let h = headers(&sheet);
    assert_eq!(h, csv_headers(&env, &["report", "aging"]));
    assert_eq!(h, ["code", "customer", "current", "1-30", "31-60", "61-90", "91+", "total", "unapplied credit"]);
    let j = json(&env, &["report", "aging"]);
    let recs = records(&sheet);
    let customers = j["customers"].as_array().unwrap();
    assert_eq!(recs.len(), customers.len() + 1, "a row per customer and the total");
    let buckets = ["current", "1-30", "31-60", "61-90", "91+"];
    let mut compared = 0;
    for (rec, c) in recs.iter().zip(customers) {
        assert_eq!(rec["code"].to_string(), c["code"].as_str().unwrap());
        for b in buckets {
            assert_eq!(amount(&rec[b]), cents(&c["totals"][b]), "{b} of {c}");
        }
        compared += buckets.len() + assert_amounts(rec, c, &[("total", "total"), ("unapplied credit", "unapplied")]);
    }
    let total = recs.last().unwrap();
    assert_eq!(total["code"].to_string(), "TOTAL");
    for b in buckets {
        assert_eq!(amount(&total[b]), cents(&j["totals"][b]));
    }
    compared += assert_amounts(total, &j, &[("total", "total"), ("unapplied credit", "unapplied")]);
    assert_eq!(compared, 8 * 7 + 2, "every amount of the demo's 8 customers was compared");
    // The demo's figures, worked out once: 956,460.00 outstanding.
    assert_eq!(amount(&total["total"]), 95_646_000);
    assert_eq!(amount(&total["91+"]), 51_410_000);
    let table = env.ok(&on_demo(&["report", "aging"]));
    let tie = table.lines().last().unwrap();
    assert!(tie.starts_with("tie-out: buckets 956,460.00 = outstanding 956,460.00"), "{tie}");
    assert_eq!(footer(&sheet), [table.lines().next().unwrap(), tie], "the title and the tie-out under the table");
}

#[test]
fn the_customer_list_workbook_has_the_json_limits_and_balances_as_numbers() {
    let env = demo();
    let sheet = workbook(&env, &["customer", "list"], "c.xlsx");
    assert_header_frozen(&env, "c.xlsx");
    assert_eq!(headers(&sheet), csv_headers(&env, &["customer", "list"]));
    let j = json(&env, &["customer", "list"]);
    let recs = records(&sheet);
    assert_eq!(recs.len(), j.as_array().unwrap().len());
    for (rec, c) in recs.iter().zip(j.as_array().unwrap()) {
        assert_eq!(rec["code"].to_string(), c["code"].as_str().unwrap());
        assert_amounts(rec, c, &[("credit limit", "credit_limit"), ("balance", "balance")]);
    }
    let bh = recs.iter().find(|r| r["code"] == Data::String("BH".into())).unwrap();
    assert_eq!(bh["balance"], Data::Float(-30_000.0), "Blue Harbor's unapplied 30,000.00, a negative number");
}

#[test]
fn the_invoice_list_workbook_has_the_json_amounts_as_numbers_and_real_dates() {
    let env = demo();
    let sheet = workbook(&env, &["invoice", "list"], "i.xlsx");
    assert_header_frozen(&env, "i.xlsx");
    assert_eq!(headers(&sheet), csv_headers(&env, &["invoice", "list"]));
    let j = json(&env, &["invoice", "list"]);
    let recs = records(&sheet);
    assert_eq!(recs.len(), j.as_array().unwrap().len());
    assert!(recs.len() >= 20, "the demo has invoices: {}", recs.len());
    for (rec, i) in recs.iter().zip(j.as_array().unwrap()) {
        assert_eq!(rec["invoice"].to_string(), i["number"].as_str().unwrap());
        assert_amounts(rec, i, &[("amount", "amount"), ("balance", "balance")]);
        match &rec["issued"] {
            Data::DateTime(d) => assert_eq!(d.as_f64(), excel_day(i["issue_date"].as_str().unwrap())),
            other => panic!("the issue date must be a date cell, got {other:?}"),
        }
    }
    let first = &recs[0];
    assert_eq!((first["invoice"].to_string(), amount(&first["amount"])), ("INV-2025001".into(), 2_360_000));
}

#[test]
fn the_dun_list_workbook_has_the_json_amounts_and_days_as_numbers() {
    let env = demo();
    let sheet = workbook(&env, &["dun", "list"], "d.xlsx");
    assert_header_frozen(&env, "d.xlsx");
    assert_eq!(headers(&sheet), csv_headers(&env, &["dun", "list"]));
    let j = json(&env, &["dun", "list"]);
    let recs = records(&sheet);
    assert_eq!(recs.len(), j.as_array().unwrap().len());
    for (rec, w) in recs.iter().zip(j.as_array().unwrap()) {
        assert_eq!(rec["customer"].to_string(), w["customer"].as_str().unwrap());
        assert_amounts(rec, w, &[("overdue", "overdue"), ("interest", "interest")]);
        assert_eq!(rec["days"], Data::Float(w["days_overdue"].as_i64().unwrap() as f64));
        assert_eq!(rec["level"], Data::Float(w["level"].as_i64().unwrap() as f64));
    }
    let mh = recs.iter().find(|r| r["customer"] == Data::String("MH".into())).unwrap();
    assert_eq!(amount(&mh["overdue"]), 40_410_000, "MH: 404,100.00 overdue");
}

#[test]
fn the_collection_workbook_has_the_json_figures_and_the_formulas_under_it() {
    let env = demo();
    let args = ["report", "collection", "--period", "2026-10"];
    let sheet = workbook(&env, &args, "r.xlsx");
    assert_header_frozen(&env, "r.xlsx");
    assert_eq!(headers(&sheet), csv_headers(&env, &args));
    let j = json(&env, &args);
    let recs = records(&sheet);
    let lines: Vec<&Value> = j["customers"].as_array().unwrap().iter().chain([&j["total"]]).collect();
    assert_eq!(recs.len(), lines.len());
    let money = [
        ("beginning AR", "beginning_ar"),
        ("invoiced", "invoiced"),
        ("received", "received"),
        ("collected", "collected"),
        ("discounts", "discounts"),
        ("written off", "written_off"),
        ("fell due", "fell_due"),
        ("collected on due", "collected_on_due"),
        ("ending AR", "ending_ar"),
    ];
    for (rec, l) in recs.iter().zip(&lines) {
        assert_amounts(rec, l, &money);
        let rate = rec["回款率 %"].to_string();
        assert_eq!(rate, l["collection_rate"].as_str().unwrap_or("—"));
    }
    let total = recs.last().unwrap();
    assert_eq!(amount(&total["beginning AR"]), 112_626_000, "1,126,260.00");
    assert_eq!(amount(&total["ending AR"]), 107_196_000, "1,071,960.00");
    // beginning + invoiced − ending = collected + discounts + written off
    assert_eq!(112_626_000 + 22_870_000 - 107_196_000, amount(&total["collected"]));
    let under = footer(&sheet);
    assert_eq!(under[0], "Collection 2026-10-01 to 2026-10-31 (31 days)");
    assert!(under.contains(&"beginning AR + invoiced − ending AR = collected + discounts + written off".to_string()));
    assert_eq!(under.len(), 6, "the title and five formula lines: {under:?}");
}

#[test]
fn an_existing_out_file_is_refused_and_left_as_it_was() {
    let env = demo();
    let path = env.write_file("a.xlsx", "my own sheet");
    let (code, err) = env.fail(&on_demo(&["report", "aging", "--format", "xlsx", "--out", "a.xlsx"]));
    assert_eq!(code, 1);
    assert!(err.contains("a.xlsx exists; it is not overwritten"), "{err}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "my own sheet");
}

#[test]
fn a_workbook_goes_to_stdout_when_it_is_a_file_or_a_pipe() {
    let env = demo();
    let out = env.command(&on_demo(&["customer", "list", "--format", "xlsx"])).output().unwrap();
    assert!(out.status.success());
    assert!(out.stdout.starts_with(b"PK\x03\x04"), "a zip on stdout");
    let mut book = Xlsx::new(std::io::Cursor::new(out.stdout)).unwrap();
    let sheet = book.worksheet_range_at(0).unwrap().unwrap();
    assert_eq!(sheet.get_value((0, 0)), Some(&Data::String("code".into())));
    // A list without --out gets xlsx on stdout the same way.
    let out = env.command(&on_demo(&["pay", "list", "--format", "xlsx"])).output().unwrap();
    assert!(out.status.success() && out.stdout.starts_with(b"PK\x03\x04"));
}

/// `huikuan args` run with stdout on a pseudo-terminal (`script`): its exit
/// code and what it showed.
pub fn on_terminal(env: &TestEnv, args: &[&str]) -> (Option<i32>, String) {
    let script = env.on_terminal(100, args).output().expect("script (util-linux) runs");
    (script.status.code(), String::from_utf8_lossy(&script.stdout).into_owned())
}

#[test]
fn a_workbook_is_never_written_to_a_terminal() {
    let env = demo();
    let (code, shown) = on_terminal(&env, &on_demo(&["report", "aging", "--format", "xlsx"]));
    assert_eq!(code, Some(2), "{shown}");
    assert!(shown.contains("error: xlsx is a binary file: give --out FILE or redirect stdout to a file"), "{shown}");
    assert!(!shown.contains("PK"), "no zip bytes on the terminal: {shown}");
    // With --out the terminal is no obstacle.
    let (code, shown) = on_terminal(&env, &on_demo(&["report", "aging", "--format", "xlsx", "--out", "t.xlsx"]));
    assert_eq!(code, Some(0), "{shown}");
    assert!(env.path().join("t.xlsx").is_file());
}

#[test]
fn the_reasons_workbook_on_stdout_has_the_json_total_and_the_tie_out_under_it() {
    let env = demo();
    let out = env.run(&on_demo(&["report", "reasons", "--format", "xlsx"]));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let path = env.write_file("reasons.xlsx", &out.stdout);
    let mut book: Xlsx<_> = open_workbook(&path).expect("an xlsx file on stdout");
    let sheet = book.worksheet_range_at(0).unwrap().unwrap();
    assert_eq!(headers(&sheet), csv_headers(&env, &["report", "reasons"]));
    let j = json(&env, &["report", "reasons"]);
    let recs = records(&sheet);
    let total = recs.iter().find(|r| r["customer"] == Data::String("TOTAL".into())).expect("a TOTAL row");
    assert_eq!(amount(&total["overdue"]), cents(&j["total"]["overdue"]));
    assert_eq!(cents(&j["total"]["overdue"]), cents(&j["aging_overdue"]), "the demo's reasons tie to aging");
    let under = footer(&sheet);
    assert!(under[0].starts_with("total overdue ") && under[0].ends_with(" ✓"), "{under:?}");
}
