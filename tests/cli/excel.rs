//! For Excel users: CSV with a UTF-8 byte-order mark (`--bom`), which Excel
//! on Chinese Windows needs to read the file as UTF-8 rather than GBK.

use crate::common::TestEnv;

const BOM: &str = "\u{feff}";

fn book() -> TestEnv {
    let env = TestEnv::new();
    env.ok(&["-q", "customer", "add", "HY", "深圳华远电子有限公司"]);
    env.ok(&["-q", "invoice", "add", "INV-1", "HY", "1200", "--date", "2026-10-01"]);
    env
}

#[test]
fn csv_with_bom_begins_with_the_byte_order_mark_and_is_otherwise_the_same() {
    let env = book();
    let plain = env.ok(&["customer", "list", "--format", "csv"]);
    let marked = env.ok(&["customer", "list", "--format", "csv", "--bom"]);
    assert!(!plain.starts_with(BOM));
    assert_eq!(marked, format!("{BOM}{plain}"));
    assert!(marked.contains("深圳华远电子有限公司"));
    let aging = env.ok(&["report", "aging", "--format", "csv", "--bom"]);
    assert!(aging.starts_with(&format!("{BOM}code,")), "{aging}");
}

#[test]
fn a_csv_file_written_with_bom_begins_with_it_and_stdout_gets_nothing() {
    let env = book();
    let out = env.ok(&[
        "-q",
        "export",
        "journal",
        "--from",
        "2026-10-01",
        "--to",
        "2026-10-31",
        "--format",
        "csv",
        "--bom",
        "--out",
        "v.csv",
    ]);
    assert_eq!(out, "", "the data went to the file");
    let file = std::fs::read_to_string(env.path().join("v.csv")).unwrap();
    assert!(file.starts_with(BOM), "{file:?}");
    assert_eq!(file.matches(BOM).count(), 1);
    assert!(file.contains("1200.00"), "{file}");
}
