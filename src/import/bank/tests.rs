//! Reading real exports (`shared/formats/samples`, when present) and the
//! project's own fixtures (`tests/fixtures/bank`, invented data in the same
//! layouts), their quirks, and bad input.

use super::*;

const SAMPLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/formats/samples/");
const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/bank/");

/// What a statement adds up to: the figures checked against each file.
#[derive(Debug, PartialEq, Eq)]
struct Figures {
    profile: String,
    header_line: Option<u64>,
    lines: usize,
    credits: (usize, String),
    debits: (usize, String),
    neutral: usize,
    skipped: usize,
    balance_breaks: Vec<u64>,
}

fn figures(s: &Statement) -> Figures {
    let total = |d: Direction| {
        let v: Vec<&BankLine> = s.lines.iter().filter(|l| l.direction == d).collect();
        (v.len(), v.iter().map(|l| l.amount).sum::<Money>().plain())
    };
    Figures {
        profile: s.profile.clone(),
        header_line: s.header_line,
        lines: s.lines.len(),
        credits: total(Direction::Credit),
        debits: total(Direction::Debit),
        neutral: total(Direction::Neutral).0,
        skipped: s.skipped,
        balance_breaks: s.balance_breaks.clone(),
    }
}

#[allow(clippy::too_many_arguments)]
fn expect(
    profile: &str,
    header_line: Option<u64>,
    lines: usize,
    credits: (usize, &str),
    debits: (usize, &str),
    neutral: usize,
    skipped: usize,
    balance_breaks: &[u64],
) -> Figures {
    Figures {
        profile: profile.into(),
        header_line,
        lines,
        credits: (credits.0, credits.1.into()),
        debits: (debits.0, debits.1.into()),
        neutral,
        skipped,
        balance_breaks: balance_breaks.to_vec(),
    }
}

/// A real sample, or `None` (and a note) when the shared folder is absent.
fn sample(name: &str) -> Option<Statement> {
    let path = std::path::PathBuf::from(SAMPLES).join(name);
    if !path.exists() {
        eprintln!("skipped: {} is not here", path.display());
        return None;
    }
    Some(passes_agree(read_statement(&path, &ReadOptions::default()).unwrap_or_else(|e| panic!("{name}: {e}"))))
}

/// A statement is read in passes: the one that checks and counts its lines
/// and the one that gives them must agree.
fn passes_agree(s: Statement) -> Statement {
    assert_eq!(s.line_count, s.lines.len(), "{}: lines counted and lines read", s.file);
    assert_eq!(s.refund_count, s.refunds.len(), "{}: refunds counted and refunds read", s.file);
    assert!(s.closed_refunds.iter().all(|i| s.refunds.contains(i)), "{}: a closed refund is a refund", s.file);
    s
}

fn fixture(name: &str) -> Statement {
    fixture_with(name, &ReadOptions::default())
}

fn fixture_with(name: &str, opts: &ReadOptions) -> Statement {
    let path = std::path::PathBuf::from(FIXTURES).join(name);
    passes_agree(read_statement(&path, opts).unwrap_or_else(|e| panic!("{name}: {e}")))
}

fn fixture_bytes(name: &str) -> Vec<u8> {
    std::fs::read(std::path::PathBuf::from(FIXTURES).join(name)).unwrap()
}

/// The file lines of the credits marked as refunds.
fn refund_lines(s: &Statement) -> Vec<u64> {
    s.refunds.iter().filter_map(|i| s.lines.get(*i)).map(|l| l.line).collect()
}

fn line(s: &Statement, n: u64) -> &BankLine {
    s.lines.iter().find(|l| l.line == n).unwrap_or_else(|| panic!("no transaction on line {n}"))
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn money(s: &str) -> Money {
    Money::parse(s).unwrap()
}

// ---- The real samples -------------------------------------------------------
//
// The expected figures were derived outside this code: a throwaway Python
// script read each file (Python's csv module, or a plain split for the
// GBK and Latin-1 files; `xlrd` for the .xls), summed the amounts with `decimal`,
// and recomputed the running balances pair by pair in both directions; the
// rows were also checked by eye against the files.

#[test]
fn sample_alipay_gbk() {
    // Lines 1–24 preamble (2 blank), header on 25, rows 26–35. 收入 222,228.50 on
    // line 30; 支出 49.74 + 20.00 + 9.90 + 82.00; neutral: three 不计收支 rows and
    // the 支出 of line 33 whose status is 交易关闭 (closed, not money paid).
    let Some(s) = sample("alipay-2023-gbk.csv") else { return };
    assert_eq!(figures(&s), expect("alipay", Some(25), 10, (1, "222228.50"), (4, "161.64"), 5, 24, &[]));
    assert!(refund_lines(&s).is_empty(), "the 退款 rows are 不计收支");
    // The preamble's 收入：1笔 28.50元 and 支出：63笔 16.54元 are the
    // unanonymised file's: they disagree with these rows (支出 counts the
    // closed 50.00 too).
    let d = s.declared.expect("the preamble states totals");
    assert_eq!((d.credits, d.credit_total, d.debits), (Some(1), Some(money("28.50")), Some(63)));
    assert_eq!((d.read.credits, d.read.debits, d.read.debit_total), (1, 5, money("211.64")));
    assert!(!d.agrees);
    assert_eq!(s.encoding, "GBK/GB18030");
    assert_eq!(line(&s, 33).direction, Direction::Neutral);
    assert_eq!(line(&s, 26).reference.as_deref(), Some("202302xxxxxx0011000103xxxxxx"), "TAB after the order number");
    assert_eq!(line(&s, 26).account, None, "'/' is no account");
    assert_eq!(line(&s, 30).date, day(2023, 1, 18));
}

#[test]
fn sample_wechat_csv() {
    // BOM + CRLF; preamble lines 1–16, header 17, rows 18–24. 收入 670.00 and
    // the refund of line 24 (交易类型 同程旅行-退款, 742.00, status
    // 已退款￥742.00): money in, a credit, but never a customer's payment;
    // 支出 20.00 + 150.58 + 21.40 + 420.00 + 9.90 = 621.88. The preamble states
    // 收入：2笔 1412.00元 (agrees) and 支出：19笔 3082.56元 (the sample was cut
    // down to five).
    let Some(s) = sample("wechat-2020.csv") else { return };
    assert_eq!(figures(&s), expect("wechat", Some(17), 7, (2, "1412.00"), (5, "621.88"), 0, 16, &[]));
    assert_eq!(s.encoding, "UTF-8 (BOM)");
    assert_eq!(line(&s, 24).direction, Direction::Credit);
    assert_eq!(refund_lines(&s), [24]);
    let d = s.declared.expect("the preamble states totals");
    assert_eq!((d.credits, d.credit_total), (Some(2), Some(money("1412.00"))));
    assert_eq!((d.debits, d.debit_total), (Some(19), Some(money("3082.56"))));
    assert!(!d.agrees);
    assert_eq!(line(&s, 20).amount, money("670.00"));
    assert_eq!(line(&s, 20).reference.as_deref(), Some("10000499012020090500751007550211"));
}

#[test]
fn sample_icbc() {
    // Metadata lines 1–6 (3 blank), header 7, rows 8–18, a row holding one space
    // (19) and the 人民币合计 totals (20). 记账金额(收入): 1,234.56 + 1,234.56 +
    // 341.58 + 30.00 + 1.04; 记账金额(支出): 13.40 + 3 × 1,234.56 + 500.00 + 24.00.
    // The balance column is masked (xx,yyyy.zz): no balance, no breaks.
    let Some(s) = sample("icbc-debit-v2.csv") else { return };
    assert_eq!(figures(&s), expect("icbc", Some(7), 11, (5, "2841.74"), (6, "4241.08"), 0, 8, &[]));
    // 人民币合计 states 1,234.56 in and 9,876.54 out (anonymised: no agreement).
    let d = s.declared.expect("the 人民币合计 row");
    assert_eq!((d.credits, d.credit_total, d.debit_total), (None, Some(money("1234.56")), Some(money("9876.54"))));
    assert!(!d.agrees);
    assert!(s.lines.iter().all(|l| l.balance.is_none()));
    assert_eq!(line(&s, 10).counterparty.as_deref(), Some("李四"));
    assert_eq!(line(&s, 8).memo.as_deref(), Some("消费 | 广东三元麦当劳食品有"));
}

#[test]
fn sample_ccb_xls() {
    // BIFF8; sheet rows 1–5 title/metadata (row 5 empty), header row 6, rows
    // 7–12 all 支出 (67.00 + 16.78 + 20.00 + 515.02 + 18.06 + 66.40), row 13 the
    // disclaimer. Balance 2,140.13 − 515.02 ≠ 1,579.11 on row 10.
    let Some(s) = sample("ccb-debit.xls") else { return };
    assert_eq!(figures(&s), expect("ccb", Some(6), 6, (0, "0.00"), (6, "703.26"), 0, 6, &[10]));
    assert_eq!(s.encoding, "XLS");
    assert_eq!(line(&s, 7).balance, Some(money("2176.91")));
    assert_eq!(line(&s, 7).time, NaiveTime::from_hms_opt(18, 53, 19));
    assert_eq!(line(&s, 12).amount, money("66.40"));
}

#[test]
fn sample_cmb_from_pdf() {
    // Header line 1, rows 2–6: +1,234.00, then −1,000.00, −3.00, −1,000.00,
    // −10.14. Balances follow for line 3 only (1,271.66 − 1,000.00 = 271.66);
    // lines 4, 5 and 6 do not (the sample was anonymised), read either way.
    let Some(s) = sample("cmb-from-pdf.csv") else { return };
    assert_eq!(figures(&s), expect("cmb", Some(1), 5, (1, "1234.00"), (4, "2013.14"), 0, 0, &[4, 5, 6]));
}

#[test]
fn sample_ing_de_latin1() {
    // Latin-1, `;`, decimal comma; preamble lines 1–14 (4 blank), header 15,
    // rows 16–24: +50,00 and eight debits (5,50 + 2,90 + 1,50 + 60,00 + 150,00 +
    // 3 × 2,90). Newest first: read bottom-up every balance follows.
    let Some(s) = sample("ing-de-latin1.csv") else { return };
    assert_eq!(figures(&s), expect("ing-de", Some(15), 9, (1, "50.00"), (8, "228.60"), 0, 14, &[]));
    assert_eq!(s.encoding, "Latin-1");
    assert_eq!(line(&s, 20).date, day(2018, 12, 15));
    assert_eq!(line(&s, 17).balance, Some(money("155.50")), "155,5 has one decimal");
}

#[test]
fn sample_schwab() {
    // Title line 1, header 2, marker rows 3–4, rows 5–16 (MM/DD/YYYY).
    // Deposits 3.00 + 20,000.00 + 10,500.00 + 1.56 + 2,500.00 + 0.09 + 1,234.56;
    // withdrawals 10,500.00 + 1.10 + 6.14 + 16.69 + 1,234.11. The balances
    // (anonymised) break 6 times read bottom-up, 10 times top-down.
    let Some(s) = sample("schwab-checking.csv") else { return };
    assert_eq!(
        figures(&s),
        expect("schwab", Some(2), 12, (7, "34239.21"), (5, "11758.04"), 0, 3, &[8, 9, 10, 11, 14, 15])
    );
    assert_eq!(line(&s, 5).date, day(2021, 7, 30));
}

#[test]
fn sample_paypal() {
    // Header line 1 (", "-separated, empty last field), rows 2–3: Gross −20.00
    // and 1,120.00, fees 0.00; Balance 0.00 then 20.00 follows bottom-up.
    let Some(s) = sample("paypal.csv") else { return };
    assert_eq!(figures(&s), expect("paypal", Some(1), 2, (1, "1120.00"), (1, "20.00"), 0, 0, &[]));
    assert_eq!(line(&s, 2).fee, Some(Money::ZERO));
    assert_eq!(line(&s, 2).date, day(2016, 6, 4));
    assert_eq!(line(&s, 2).reference.as_deref(), Some("XYZ1"));
}

// ---- The project's own fixtures ----------------------------------------------

#[test]
fn fixture_alipay_gbk() {
    // GBK; padded cells, trailing comma, TAB after order numbers; the 300.00
    // 收入 is 交易关闭 (neutral), as are the two 不计收支 rows.
    let s = fixture("alipay.csv");
    assert_eq!(figures(&s), expect("alipay", Some(18), 7, (2, "15500.00"), (2, "230.50"), 3, 17, &[]));
    // 收入：3笔 15800.00元 counts the closed 300.00 on its side, as the file does.
    let d = s.declared.expect("the preamble states totals");
    assert_eq!(
        (d.credits, d.credit_total, d.debits, d.debit_total),
        (Some(3), Some(money("15800.00")), Some(2), Some(money("230.50")))
    );
    assert!(d.agrees);
    let first = line(&s, 19);
    assert_eq!(first.counterparty.as_deref(), Some("杭州青禾贸易有限公司"));
    assert_eq!(first.reference.as_deref(), Some("20240328200040011100560011223344"));
    assert_eq!(first.memo.as_deref(), Some("货款 INV-2024-031"));
    assert_eq!(line(&s, 22).direction, Direction::Neutral);
    assert_eq!((first.date, first.time), (day(2024, 3, 28), NaiveTime::from_hms_opt(16, 2, 11)));
}

#[test]
fn fixture_wechat_csv() {
    // UTF-8 with BOM and CRLF; ¥ amounts; order numbers with a TAB inside the
    // quotes; the 已全额退款 purchase is neutral, like the "/" withdrawal; the
    // 示例电器-退款 of 88.00 is money in, a refund. The preamble's counts
    // (收入 3 / 3,368.00, 支出 3 / 146.50 with the refunded purchase) agree.
    let s = fixture("wechat.csv");
    assert_eq!(figures(&s), expect("wechat", Some(17), 7, (3, "3368.00"), (2, "47.50"), 2, 16, &[]));
    assert_eq!(refund_lines(&s), [23]);
    let d = s.declared.expect("the preamble states totals");
    assert_eq!((d.credits, d.debits, d.debit_total), (Some(3), Some(3), Some(money("146.50"))));
    assert!(d.agrees);
    assert_eq!(s.encoding, "UTF-8 (BOM)");
    assert_eq!(line(&s, 18).reference.as_deref(), Some("10000500012024053000000000000001"));
    assert_eq!(line(&s, 18).amount, money("1280.00"));
}

#[test]
fn fixture_wechat_xlsx_second_sheet() {
    // A notes sheet first; the bill on the second sheet, header on row 18,
    // amounts as numbers (one with float noise: 1234.0100000000002), one date
    // as a real date cell.
    let s = fixture("wechat.xlsx");
    assert_eq!(figures(&s), expect("wechat", Some(18), 4, (2, "2514.51"), (1, "35.10"), 1, 17, &[]));
    assert_eq!((s.encoding.as_str(), s.sheet.as_deref()), ("XLSX", Some("微信支付账单明细")));
    assert_eq!(line(&s, 20).date, day(2024, 5, 28));
    assert_eq!(line(&s, 20).time, NaiveTime::from_hms_opt(12, 30, 0));
    assert_eq!(line(&s, 21).amount, money("1234.01"));
    assert_eq!(line(&s, 19).reference.as_deref(), Some("10000500012024053000000000000001"));
}

#[test]
fn fixture_icbc_padding_footer_and_balance() {
    // Cells padded with spaces and a TAB inside the quotes, rows one field wider
    // than the header, a one-space row and a 人民币合计 row after the data
    // (lines 13, 14). Newest first; line 11's balance (6,191.00) does not
    // follow from line 12 (6,000.00 − 300.00 would be 5,700.00).
    let s = fixture("icbc.csv");
    assert_eq!(figures(&s), expect("icbc", Some(7), 5, (2, "6200.00"), (3, "445.33"), 0, 8, &[11]));
    let l = line(&s, 8);
    assert_eq!(l.account.as_deref(), Some("6222000011112222"), "spaces removed");
    assert_eq!(l.balance, Some(money("12345.67")));
    assert_eq!(l.counterparty.as_deref(), Some("杭州青禾贸易有限公司"));
    assert_eq!(line(&s, 10).memo.as_deref(), Some("他行汇入 | INV-2024-060"));
}

#[test]
fn fixture_ccb_biff8() {
    // BIFF8 written by xlwt: header on row 6, 支出 before 收入 with 0 on the
    // unused side, a 0.10 interest credit, the disclaimer on row 12, and the
    // last balance off by 218.68.
    let s = fixture("ccb.xls");
    assert_eq!(figures(&s), expect("ccb", Some(6), 5, (2, "8800.10"), (3, "1581.42"), 0, 6, &[11]));
    assert_eq!(line(&s, 7).memo.as_deref(), Some("转账存入 | 网银 INV-2024-003"));
}

#[test]
fn fixture_text_pretending_to_be_xls() {
    // Named .xls, really GBK tab-separated text with ="…" cells.
    let s = fixture("bank-text.xls");
    assert_eq!(figures(&s), expect("generic-cn-bank", Some(1), 2, (1, "3000.00"), (1, "88.80"), 0, 0, &[]));
    assert_eq!(s.encoding, "GBK/GB18030");
    assert_eq!(line(&s, 3).account.as_deref(), Some("0012345"), "leading zeros kept");
}

#[test]
fn fixture_cmb_signed_out_of_order() {
    // Title on line 1, header on 2; "+8,800.00", "+50.5" (one decimal), "-"
    // placeholders, a short row, 02-03 before 02-02 — and every balance follows
    // in file order.
    let s = fixture("cmb.csv");
    assert_eq!(figures(&s), expect("cmb", Some(2), 4, (2, "8850.50"), (2, "1200.00"), 0, 1, &[]));
    assert_eq!(line(&s, 4).counterparty, None, "'-' is no counterparty");
    assert_eq!(line(&s, 5).amount, money("50.50"));
}

#[test]
fn fixture_debit_credit_flag() {
    // 借 Dr / 贷 Cr flags: the generic amount + direction profile.
    let s = fixture("dr-cr.csv");
    assert_eq!(figures(&s), expect("generic-direction", Some(1), 3, (2, "3500.00"), (1, "120.00"), 0, 0, &[]));
    assert_eq!(line(&s, 2).account.as_deref(), Some("6222000011112222"));
}

#[test]
fn fixture_ing_de_latin1() {
    // Latin-1 (Jörg, Müller, Café Größl), `;`, decimal comma with `.`
    // thousands, "+700,00", "Währung" twice; newest first, balances follow.
    let s = fixture("ing-de.csv");
    assert_eq!(figures(&s), expect("ing-de", Some(15), 4, (2, "1950.00"), (2, "104.33"), 0, 14, &[]));
    assert_eq!(s.encoding, "Latin-1");
    assert_eq!(line(&s, 16).counterparty.as_deref(), Some("Müller & Söhne GmbH"));
    assert_eq!(line(&s, 16).amount, money("1250.00"));
    assert_eq!(line(&s, 18).counterparty.as_deref(), Some("Café Größl"));
}

#[test]
fn fixture_ing_nl_af_bij() {
    let s = fixture("ing-nl.csv");
    assert_eq!(figures(&s), expect("generic-direction", Some(1), 2, (1, "1234.56"), (1, "89.10"), 0, 0, &[]));
    let l = line(&s, 2);
    assert_eq!((l.date, l.counterparty.as_deref()), (day(2024, 5, 12), Some("Bakkerij de Vries")));
    assert_eq!(l.account.as_deref(), Some("NL11RABO0123456789"));
    assert_eq!(l.memo.as_deref(), Some("Factuur 2024-77"));
}

#[test]
fn fixture_schwab_markers_and_total() {
    // Title, header, two marker rows, four rows, a "Total Posted" row.
    let s = fixture("schwab.csv");
    assert_eq!(figures(&s), expect("schwab", Some(2), 4, (3, "5000.10"), (1, "1129.75"), 0, 4, &[]));
    assert_eq!(line(&s, 6).reference.as_deref(), Some("1043"));
}

#[test]
fn fixture_hong_kong_day_first() {
    // 03/05/2024 is ambiguous; 15/05 and 20/05 settle day-first for the file.
    let s = fixture("hk-signed.csv");
    assert_eq!(figures(&s), expect("generic-signed", Some(1), 4, (2, "11150.00"), (2, "9171.39"), 0, 0, &[]));
    assert_eq!(line(&s, 2).date, day(2024, 5, 3));
    assert_eq!(line(&s, 3).amount, money("7971.39"));
}

#[test]
fn fixture_paypal_gross_fee_net() {
    // Gross is the amount, the fee its magnitude; the Refunded payment is
    // neutral (its refund is a row of its own); balances follow the Net column.
    let s = fixture("paypal.csv");
    assert_eq!(figures(&s), expect("paypal", Some(1), 5, (2, "1350.00"), (2, "130.00"), 1, 0, &[]));
    let l = line(&s, 2);
    assert_eq!((l.amount, l.fee), (money("1150.00"), Some(money("33.65"))));
    assert_eq!(l.memo.as_deref(), Some("Payment Received | Consulting | INV-5521"));
    assert_eq!(l.date, day(2024, 5, 2));
    assert_eq!(line(&s, 5).direction, Direction::Neutral);
    assert_eq!(line(&s, 6).fee, Some(money("2.62")));
}

#[test]
fn fixture_generic_chinese_bank_quirks() {
    // GBK; U+3000 padding in labels and cells, the header's 备注 twice (both
    // kept in the memo), rows shorter and longer than the header, a totals
    // row and a disclaimer split over two rows.
    let s = fixture("generic-cn.csv");
    assert_eq!(figures(&s), expect("generic-cn-bank", Some(5), 4, (3, "28012.34"), (1, "35000.00"), 0, 7, &[]));
    assert_eq!(line(&s, 6).memo.as_deref(), Some("货款 | INV-2024-001 | 网银"));
    assert_eq!(line(&s, 8).memo.as_deref(), Some("利息"));
    // A row longer than the header is read by its named columns.
    assert_eq!((line(&s, 9).amount, line(&s, 9).memo.as_deref()), (money("8000.00"), Some("货款 | INV-2024-002")));
    assert_eq!(line(&s, 6).time, NaiveTime::from_hms_opt(10, 12, 1));
}

// ---- Profiles given by the caller ---------------------------------------------

const HEADERLESS_DE: &str = r#"
name = "sparkasse-ohne-kopf"
description = "Export without a header: columns by number"
delimiter = ";"
encoding = "latin-1"
decimal = ","
date_order = "dmy"
skip_lines = 1

[columns]
date = 1
memo = [3, 6]
counterparty = 4
account = 5
amount = 7
currency = 8
"#;

#[test]
fn headerless_file_with_numbered_columns() {
    let profile = parse_profile("x", HEADERLESS_DE).unwrap();
    let s = fixture_with("headerless-de.csv", &ReadOptions { profile: Some(profile), ..Default::default() });
    assert_eq!(figures(&s), expect("sparkasse-ohne-kopf", None, 3, (2, "1750.00"), (1, "49.95"), 0, 1, &[]));
    let l = line(&s, 2);
    assert_eq!(l.date, day(2024, 9, 2));
    assert_eq!(l.counterparty.as_deref(), Some("Müller & Söhne GmbH"));
    assert_eq!(l.account.as_deref(), Some("DE11222233334444555566"));
    assert_eq!(l.memo.as_deref(), Some("Überweisung | RE-2024-201"));
    assert_eq!(l.currency.as_deref(), Some("EUR"));
    // Without the profile there is nothing to recognise (no row but data).
    let e = read_statement_bytes("h.csv", &fixture_bytes("headerless-de.csv"), &ReadOptions::default()).unwrap_err();
    assert!(matches!(e, BankError::NoHeader { .. }), "{e}");
}

#[test]
fn user_profiles_come_before_built_in_ones() {
    let mine = parse_profile(
        "my-alipay",
        r#"
        [header]
        date = "交易时间"
        amount = "金额"
        direction = "收/支"
        credit_values = []
        "#,
    );
    assert!(mine.is_err(), "values belong at the top, not under [header]");
    let mine = parse_profile(
        "my-alipay",
        r#"
        credit_values = ["收入"]
        debit_values = ["支出"]
        neutral_values = ["不计收支"]
        [header]
        date = "交易时间"
        amount = "金额"
        direction = "收/支"
        "#,
    )
    .unwrap();
    let opts = ReadOptions { user_profiles: vec![mine], ..Default::default() };
    let s = fixture_with("alipay.csv", &opts);
    assert_eq!(s.profile, "my-alipay");
    // No status column in this profile: the closed 300.00 counts as income.
    assert_eq!(figures(&s).credits, (3, "15800.00".to_string()));
}

#[test]
fn a_forced_profile_must_find_its_header() {
    let icbc = builtin_profiles().into_iter().find(|p| p.name == "icbc").unwrap();
    let e = read_statement_bytes(
        "a.csv",
        &fixture_bytes("alipay.csv"),
        &ReadOptions { profile: Some(icbc), ..Default::default() },
    )
    .unwrap_err();
    assert!(matches!(e, BankError::HeaderNotFound { .. }), "{e}");
    assert!(e.zh().contains("icbc"));
}

#[test]
fn a_forced_encoding_is_used() {
    // GBK read as Latin-1: the header words never appear.
    let opts = ReadOptions { encoding: Some("latin-1".into()), ..Default::default() };
    let e = read_statement_bytes("a.csv", &fixture_bytes("alipay.csv"), &opts).unwrap_err();
    assert!(matches!(e, BankError::NoHeader { .. }), "{e}");
    let opts = ReadOptions { encoding: Some("gbk".into()), ..Default::default() };
    assert_eq!(read_statement_bytes("a.csv", &fixture_bytes("alipay.csv"), &opts).unwrap().lines.len(), 7);
}

// ---- Bad input: an error, never a panic ----------------------------------------

fn read(bytes: &[u8]) -> Result<Statement, BankError> {
    read_statement_bytes("bad.csv", bytes, &ReadOptions::default())
}

#[test]
fn empty_and_binary_files() {
    assert!(matches!(read(b""), Err(BankError::Empty { .. })));
    assert!(matches!(read(b" \r\n\t\n"), Err(BankError::Empty { .. })));
    assert!(matches!(read(b"\x00\x01\x02\x03\xff\xfe\x00junk\x00"), Err(BankError::Binary { .. })));
    assert!(matches!(
        read(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13]),
        Err(BankError::Binary { .. })
    ));
    let e = read_statement(std::path::Path::new("/no/such/statement.csv"), &ReadOptions::default()).unwrap_err();
    assert!(matches!(e, BankError::Io { .. }), "{e}");
}

#[test]
fn header_only_has_no_transactions() {
    let e = read("交易日期,摘要,收入,支出,余额\n".as_bytes()).unwrap_err();
    assert!(matches!(e, BankError::NoTransactions { .. }), "{e}");
    assert_eq!(e.to_string(), "bad.csv: no transactions found");
    let e = read("交易日期,摘要,收入,支出,余额\n合计,,0.00,0.00,\n".as_bytes()).unwrap_err();
    assert!(matches!(e, BankError::NoTransactions { .. }), "{e}");
}

#[test]
fn no_known_header() {
    let e = read(b"hello,world\n1,2\n").unwrap_err();
    assert_eq!(e.to_string(), "bad.csv: no known header; pass --profile");
    assert!(e.zh().contains("--profile"));
    // A row that has some of a profile's columns is named, with what it lacks.
    let e = read("账户明细\n日期,摘要,对方户名\n2024-01-02,货款,甲\n".as_bytes()).unwrap_err();
    assert_eq!(
        e.to_string(),
        "bad.csv: no known header; pass --profile (the closest is line 2, which has no amount column)"
    );
    assert!(e.zh().contains("第 2 行，缺少金额列"), "{}", e.zh());
    let e = read(b"Date;Description;Betrag in Euro\n01.02.2024;Miete;-1200,00\n").unwrap_err();
    assert!(e.to_string().ends_with("(the closest is line 1, which has no amount column)"), "{e}");
    let e = read(b"Booking Date,Memo,Value,Dr/Cr\n2024-01-02,x,1.00,D\n").unwrap_err();
    assert!(e.to_string().ends_with("(the closest is line 1, which has no amount column)"), "{e}");
}

#[test]
fn truncated_workbooks() {
    let xlsx = fixture_bytes("wechat.xlsx");
    let e = read_statement_bytes("t.xlsx", xlsx.get(..200).unwrap(), &ReadOptions::default()).unwrap_err();
    assert!(matches!(e, BankError::Workbook { format: "XLSX", .. }), "{e}");
    let xls = fixture_bytes("ccb.xls");
    let e = read_statement_bytes("t.xls", xls.get(..600).unwrap(), &ReadOptions::default()).unwrap_err();
    assert!(matches!(e, BankError::Workbook { format: "XLS", .. }), "{e}");
}

#[test]
fn masked_amounts_name_the_line() {
    let e = read("交易日期,摘要,收入,支出,余额\n20240103,货款,100.00,,900.00\n20240104,货款,***,,**.**\n".as_bytes())
        .unwrap_err();
    assert!(matches!(e, BankError::MaskedAmount { .. }), "{e}");
    assert_eq!(e.line(), Some(3));
    assert!(e.to_string().starts_with("bad.csv:3: the amount '***' is masked"), "{e}");
    assert!(e.zh().starts_with("bad.csv:3："));
}

#[test]
fn bad_dates_amounts_and_directions_name_the_line() {
    let e = read("交易日期,摘要,收入,支出\n20240103,货款,100.00,\n2024-13-45,货款,100.00,\n".as_bytes()).unwrap_err();
    assert!(matches!(e, BankError::BadDate { line: 3, .. }), "{e}");
    let e = read("交易日期,摘要,收入,支出\n20240103,货款,abc,\n".as_bytes()).unwrap_err();
    assert!(matches!(e, BankError::BadAmount { line: 2, .. }), "{e}");
    let e = read("交易日期,交易金额,借贷标志\n20240103,5.00,借\n20240104,5.00,?\n".as_bytes()).unwrap_err();
    assert!(matches!(e, BankError::BadDirection { line: 3, .. }), "{e}");
    assert_eq!(e.line(), Some(3));
}

/// Every fixture cut short and with bytes flipped: any result but a panic.
#[test]
fn mangled_fixtures_never_panic() {
    let mut seed = 0x2545_F491_4F6C_DD1Du64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let names = [
        "alipay.csv",
        "wechat.csv",
        "wechat.xlsx",
        "icbc.csv",
        "ccb.xls",
        "bank-text.xls",
        "cmb.csv",
        "ing-de.csv",
        "schwab.csv",
        "paypal.csv",
        "generic-cn.csv",
    ];
    for name in names {
        let bytes = fixture_bytes(name);
        for _ in 0..12 {
            let cut = (next() as usize) % (bytes.len() + 1);
            let _ = read(bytes.get(..cut).unwrap_or(&bytes));
            let mut flipped = bytes.clone();
            for _ in 0..4 {
                let len = flipped.len().max(1);
                if let Some(b) = flipped.get_mut((next() as usize) % len) {
                    *b = next() as u8;
                }
            }
            let _ = read(&flipped);
        }
    }
    for _ in 0..50 {
        let junk: Vec<u8> = (0..(next() % 512)).map(|_| next() as u8).collect();
        let _ = read(&junk);
    }
}

// ---- Banks nobody described: the generic profiles, and the documentation ------

#[test]
fn generic_profiles_read_unknown_banks() {
    // German split columns with decimal commas (decided from the cells).
    let s = read("Buchungstag;Verwendungszweck;Soll;Haben;Währung\n01.02.2024;Miete;1.200,00;;EUR\n02.02.2024;Rechnung 5;;350,00;EUR\n".as_bytes())
        .unwrap();
    assert_eq!(figures(&s), expect("generic-split", Some(1), 2, (1, "350.00"), (1, "1200.00"), 0, 0, &[]));
    assert_eq!(line(&s, 2).date, day(2024, 2, 1));
    // A C/D flag column.
    let s = read(b"Date,Amount,C/D,Description\n2024-01-02,100.00,C,INV 7\n2024-01-03,40.00,D,Fee\n").unwrap();
    assert_eq!(figures(&s), expect("generic-direction", Some(1), 2, (1, "100.00"), (1, "40.00"), 0, 0, &[]));
    // UK style Money in / Money out with a day-first date.
    let s = read(b"Date,Description,Money In,Money Out,Balance\n13/01/2024,ACME LTD INV-9,500.00,,1500.00\n14/01/2024,RENT,,700.00,800.00\n")
        .unwrap();
    assert_eq!(figures(&s), expect("generic-split", Some(1), 2, (1, "500.00"), (1, "700.00"), 0, 0, &[]));
    assert_eq!(line(&s, 2).date, day(2024, 1, 13));
    // A Dutch signed file: DD-MM-YYYY, decimal comma, `;`.
    let s = read(b"Datum;Omschrijving;Bedrag\n01-02-2024;Factuur 12;-12,50\n03-02-2024;Betaling;+99,95\n").unwrap();
    assert_eq!(figures(&s), expect("generic-signed", Some(1), 2, (1, "99.95"), (1, "12.50"), 0, 0, &[]));
    assert_eq!(line(&s, 3).date, day(2024, 2, 3));
}

/// The code blocks of `docs/bank-profiles.md`: its three worked examples
/// (a file, then its profile) must read as the text says.
#[test]
fn the_documented_examples_work() {
    const DOC: &str = include_str!("../../../docs/bank-profiles.md");
    let blocks = |lang: &str| -> Vec<String> {
        let fence = format!("```{lang}\n");
        DOC.split(fence.as_str()).skip(1).filter_map(|b| b.split("```").next().map(str::to_string)).collect()
    };
    let (files, profiles) = (blocks("csv"), blocks("toml"));
    assert_eq!((files.len(), profiles.len()), (3, 3));
    let expected = [
        ("mou-bank", Some(3), (2, "15500.00"), (1, "5.00"), 3),
        ("sparbank-de", Some(4), (2, "1550.00"), (1, "84.50"), 3),
        ("bank-nl-no-header", None, (1, "1234.56"), (1, "89.10"), 0),
    ];
    for ((file, toml), (name, header, credits, debits, skipped)) in files.iter().zip(&profiles).zip(expected) {
        let profile = parse_profile("doc", toml).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(profile.name, name);
        let forced = ReadOptions { profile: Some(profile.clone()), ..Default::default() };
        let s = read_statement_bytes("doc.csv", file.as_bytes(), &forced).unwrap_or_else(|e| panic!("{name}: {e}"));
        let lines = credits.0 + debits.0;
        assert_eq!(figures(&s), expect(name, header, lines, credits, debits, 0, skipped, &[]), "{name}");
        if header.is_some() {
            let detected = ReadOptions { user_profiles: vec![profile], ..Default::default() };
            assert_eq!(read_statement_bytes("doc.csv", file.as_bytes(), &detected).unwrap().profile, name);
        }
    }
}

// ---- Directions, refunds, stated totals, currencies (DESIGN §4) ---------------

#[test]
fn every_direction_spelling_decides_the_side() {
    for (header, credit, debit) in [
        ("借贷标志", "贷", "借"),
        ("借贷标志", "贷 Cr", "借 Dr"),
        ("收/支", "收入", "支出"),
        ("C/D", "C", "D"),
        ("Dr/Cr", "CR", "DR"),
        ("Credit/Debit", "Credit", "Debit"),
        ("Debit/Credit", "Cr", "Dr"),
        ("CreditDebet", "Credit", "Debet"),
        ("Af Bij", "Bij", "Af"),
        ("Soll/Haben", "Haben", "Soll"),
        ("S/H", "H", "S"),
    ] {
        let text = format!("Datum,Betrag,{header}\n2024-01-02,100.00,{credit}\n2024-01-03,40.00,{debit}\n");
        let s = read(text.as_bytes()).unwrap_or_else(|e| panic!("{header}: {e}"));
        assert_eq!(
            figures(&s),
            expect("generic-direction", Some(1), 2, (1, "100.00"), (1, "40.00"), 0, 0, &[]),
            "{header} {credit}/{debit}"
        );
    }
}

#[test]
fn a_direction_value_nobody_knows_is_an_error_never_a_credit() {
    let e = read(b"Date,Amount,C/D,Description\n2024-01-02,100.00,C,INV 7\n2024-01-03,40.00,X,Fee\n").unwrap_err();
    assert_eq!(e.line(), Some(3));
    assert!(e.to_string().starts_with("bad.csv:3: 'X' is not a known direction (profile 'generic-direction'"), "{e}");
    // An empty flag is not a credit either.
    let e = read(b"Date,Amount,Credit/Debit\n2024-01-02,100.00,\n").unwrap_err();
    assert!(matches!(e, BankError::BadDirection { line: 2, .. }), "{e}");
}

#[test]
fn refunds_are_credits_marked_by_direction_type_or_status() {
    // "Refund" as the direction: money in, a refund.
    let s = read(b"Date,Amount,Credit/Debit\n2024-01-02,100.00,Credit\n2024-01-03,25.00,Refund\n").unwrap();
    assert_eq!(figures(&s).credits, (2, "125.00".to_string()));
    assert_eq!(refund_lines(&s), [3]);
    // A type column: 退款 marks the credit, not the debit.
    let s = read("交易日期,交易类型,交易金额,借贷标志\n2024-01-02,转账,100.00,贷\n2024-01-03,商户退款,25.00,贷\n2024-01-04,退款,5.00,借\n".as_bytes())
        .unwrap();
    assert_eq!(figures(&s).credits, (2, "125.00".to_string()));
    assert_eq!(refund_lines(&s), [3]);
    // PayPal: a Refunded payment is closed (neutral), not a refund to us.
    let s = fixture("paypal.csv");
    assert!(refund_lines(&s).is_empty());
    assert_eq!(line(&s, 5).direction, Direction::Neutral);
    let s = read(b"Date,Name,Type,Status,Currency,Gross,Fee,Net\n05/14/2024,Supplier,Payment Refund,Completed,USD,30.00,0.00,30.00\n")
        .unwrap();
    assert_eq!((s.profile.as_str(), refund_lines(&s)), ("paypal", vec![2]));
}

#[test]
fn a_bank_totals_row_is_checked_against_the_lines() {
    for (name, credit, debit) in [("icbc.csv", "6200.00", "445.33"), ("generic-cn.csv", "28012.34", "35000.00")] {
        let d = fixture(name).declared.unwrap_or_else(|| panic!("{name}: a totals row"));
        assert_eq!((d.credit_total, d.debit_total), (Some(money(credit)), Some(money(debit))), "{name}");
        assert!(d.agrees, "{name}");
    }
    let d = fixture("schwab.csv").declared.expect("Total Posted");
    assert_eq!((d.credit_total, d.debit_total, d.agrees), (Some(money("5000.10")), Some(money("1129.75")), true));
    // A totals row that does not add up.
    let s = read(
        "交易日期,摘要,收入金额,支出金额\n20240103,货款,100.00,\n20240104,费,,5.00\n合计,,100.00,6.00\n".as_bytes(),
    )
    .unwrap();
    let d = s.declared.unwrap();
    assert_eq!((d.credit_total, d.debit_total, d.agrees), (Some(money("100.00")), Some(money("6.00")), false));
    assert_eq!(d.read.debit_total, money("5.00"));
    // Nothing stated: nothing to check.
    assert_eq!(fixture("cmb.csv").declared, None);
}

#[test]
fn a_bracketed_unit_in_an_amount_header_is_recognised() {
    let s = read(b"Date,Description,Amount ($)\n2024-01-02,INV 7,100.00\n2024-01-03,Fee,-4.00\n").unwrap();
    assert_eq!(figures(&s), expect("generic-signed", Some(1), 2, (1, "100.00"), (1, "4.00"), 0, 0, &[]));
    assert_eq!(s.currency, None, "$ is not one currency");
    let s = read("交易日期,摘要,金额（元）\n2024-01-02,货款,100.00\n".as_bytes()).unwrap();
    assert_eq!(figures(&s).credits, (1, "100.00".to_string()));
    let s = read(b"Date,Description,Credit Amount (USD),Debit Amount (USD)\n2024-01-02,INV 7,100.00,\n").unwrap();
    assert_eq!((s.profile.as_str(), s.currency.as_deref()), ("generic-split", Some("USD")));
    let s = read(b"Date,Memo,Amount (total)\n2024-01-02,x,-3.00\n").unwrap();
    assert_eq!(figures(&s).debits, (1, "3.00".to_string()));
    // A bracket that is part of the name is not a unit: (支出) is no amount.
    let e = read("交易日期,交易金额(支出)\n2024-01-02,3.00\n".as_bytes()).unwrap_err();
    assert!(matches!(e, BankError::NoHeader { .. } | BankError::NoHeaderNear { .. }), "{e}");
}

#[test]
fn a_line_knows_its_currency_from_its_cell_or_the_profile() {
    let s = fixture("ing-de.csv");
    assert!(s.lines.iter().all(|l| s.currency_of(l) == Some("EUR")));
    let mine = parse_profile("usd-bank", "currency = \"USD\"\n[header]\ndate = \"Day\"\namount = \"Sum\"\n").unwrap();
    let opts = ReadOptions { user_profiles: vec![mine], ..Default::default() };
    let s = read_statement_bytes("u.csv", b"Day,Sum\n2024-01-02,5.00\n", &opts).unwrap();
    assert_eq!(s.currency_of(&s.lines[0]), Some("USD"));
    for (a, b) in [("人民币", "CNY"), ("rmb", "CNY"), ("¥", "cny"), ("￥", "RMB"), ("usd", "USD"), ("美元", "USD")]
    {
        assert!(same_currency(a, b), "{a} = {b}");
    }
    assert!(!same_currency("USD", "CNY"));
    assert!(!same_currency("HKD", "人民币"));
}
