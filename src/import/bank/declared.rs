//! The totals a file states about itself, and the check against its lines.
//!
//! Payment platforms put counts and sums in the preamble (WeChat:
//! `收入：2笔 1412.00元`; Alipay: `支出：63笔 16.54元`; older Alipay bills in
//! the footer: `已收入:2笔,100.00元`); banks end the table with a totals row
//! (`人民币合计`, `合计`, `Total Posted`) whose money-in and money-out
//! columns hold the sums. Only rows that are not transactions are searched:
//! the preamble above the header, footer rows, and the rows after the last
//! transaction. A platform counts a line on the side its 收/支 column gives,
//! closed orders included, so the lines are tallied the same way.

use serde::Serialize;

use super::amount::parse_amount;
use super::grid::{Row, norm};
use super::{BankLine, Direction};
use crate::ledger::money::Money;

/// What the file states: each field `None` when it does not say.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stated {
    pub credits: Option<u64>,
    pub credit_total: Option<Money>,
    pub debits: Option<u64>,
    pub debit_total: Option<Money>,
}

/// Lines counted by the side the file gives them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    pub credits: u64,
    pub credit_total: Money,
    pub debits: u64,
    pub debit_total: Money,
}

impl Tally {
    pub(crate) fn add(&mut self, side: Direction, amount: Money) {
        match side {
            Direction::Credit => {
                self.credits += 1;
                self.credit_total += amount;
            }
            Direction::Debit => {
                self.debits += 1;
                self.debit_total += amount;
            }
            Direction::Neutral => {}
        }
    }

    /// The tally of lines read as they are (a closed order is neutral).
    pub fn of(lines: &[BankLine]) -> Tally {
        let mut t = Tally::default();
        for l in lines {
            t.add(l.direction, l.amount);
        }
        t
    }
}

/// The file's own totals held against its lines (also the JSON shape:
/// `declared: {credits, credit_total, debits, debit_total, agrees}`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Declared {
    pub credits: Option<u64>,
    pub credit_total: Option<Money>,
    pub debits: Option<u64>,
    pub debit_total: Option<Money>,
    /// Every figure stated equals the lines'.
    pub agrees: bool,
    /// The lines as the file counts them (closed orders on their side).
    #[serde(skip)]
    pub read: Tally,
}

impl Declared {
    pub(crate) fn check(stated: Stated, read: Tally) -> Declared {
        let same = |s: Option<u64>, r: u64| s.is_none_or(|s| s == r);
        let same_money = |s: Option<Money>, r: Money| s.is_none_or(|s| s == r);
        let agrees = same(stated.credits, read.credits)
            && same_money(stated.credit_total, read.credit_total)
            && same(stated.debits, read.debits)
            && same_money(stated.debit_total, read.debit_total);
        Declared {
            credits: stated.credits,
            credit_total: stated.credit_total,
            debits: stated.debits,
            debit_total: stated.debit_total,
            agrees,
            read,
        }
    }
}

/// A label of one side's total: `收入`, `支出合计`, `贷方发生额`, `Total Credits` …
/// (normalised: lower case, no spaces, no trailing colon).
const CREDIT_LABELS: [&str; 14] = [
    "收入",
    "已收入",
    "收入合计",
    "收入总计",
    "收入总额",
    "总收入",
    "贷方合计",
    "贷方总计",
    "贷方发生额",
    "贷方发生额合计",
    "存入合计",
    "totalcredits",
    "totaldeposits",
    "totalmoneyin",
];
const DEBIT_LABELS: [&str; 14] = [
    "支出",
    "已支出",
    "支出合计",
    "支出总计",
    "支出总额",
    "总支出",
    "借方合计",
    "借方总计",
    "借方发生额",
    "借方发生额合计",
    "支取合计",
    "totaldebits",
    "totalwithdrawals",
    "totalmoneyout",
];

/// A whole cell that labels a totals row of the money columns. Page and
/// month subtotals (本页合计, 小计, 本月合计) are not the file's totals.
const TOTAL_LABELS: [&str; 13] = [
    "合计",
    "总计",
    "人民币合计",
    "本期合计",
    "发生额合计",
    "本期发生额合计",
    "total",
    "totals",
    "grandtotal",
    "totalposted",
    "summe",
    "gesamt",
    "totaal",
];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    Credit,
    Debit,
}

/// Search non-transaction rows for stated totals. `split`: the money-in and
/// money-out columns, when the layout has them (a totals row is read there).
pub(crate) fn scan<'a>(
    rows: impl Iterator<Item = &'a Row>,
    split: (Option<usize>, Option<usize>),
    decimal_comma: bool,
    round: bool,
) -> Option<Stated> {
    let mut st = Stated::default();
    let money = |cell: &str| -> Option<Money> {
        let t = cell.trim();
        let t = t.trim_start_matches(['¥', '￥']).trim_end_matches('元');
        match parse_amount(t, decimal_comma, round) {
            Ok(Some(m)) => Some(if m.is_negative() { -m } else { m }),
            _ => None,
        }
    };
    for row in rows {
        if row.is_blank() {
            continue;
        }
        if split != (None, None) && row.cells.iter().any(|c| c.len() <= 32 && TOTAL_LABELS.contains(&norm(c).as_str()))
        {
            let (credit, debit) = split;
            if st.credit_total.is_none() {
                st.credit_total = credit.and_then(|c| money(row.cell(c)));
            }
            if st.debit_total.is_none() {
                st.debit_total = debit.and_then(|c| money(row.cell(c)));
            }
            continue;
        }
        // Words of the row, in order: `收入：2笔 1412.00元` → 收入, 2笔, 1412.00元.
        let words: Vec<String> = row
            .cells
            .iter()
            .filter(|c| c.len() <= 256)
            .flat_map(|c| c.split(|ch: char| ch.is_whitespace() || matches!(ch, ':' | '：' | '，' | '；')))
            .map(norm)
            .filter(|w| !w.is_empty())
            .collect();
        let mut side: Option<Side> = None;
        let mut i = 0;
        while let Some(w) = words.get(i) {
            i += 1;
            let label = label(w).or_else(|| {
                let two = words.get(i).filter(|_| w == "total").and_then(|next| label(&format!("{w}{next}")));
                if two.is_some() {
                    i += 1;
                }
                two
            });
            if label.is_some() {
                side = label;
                continue;
            }
            let Some(s) = side else { continue };
            let (count, total) = match s {
                Side::Credit => (&mut st.credits, &mut st.credit_total),
                Side::Debit => (&mut st.debits, &mut st.debit_total),
            };
            // `2笔`, or `2` then `笔`.
            let n = match w.strip_suffix('笔') {
                Some(d) if !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()) => d.parse().ok(),
                _ if w.bytes().all(|b| b.is_ascii_digit()) && words.get(i).is_some_and(|n| n == "笔") => {
                    i += 1;
                    w.parse().ok()
                }
                _ => None,
            };
            if let Some(n) = n {
                count.get_or_insert(n);
                continue;
            }
            if let Some(m) = money(w) {
                total.get_or_insert(m);
            }
            side = None;
        }
    }
    (st != Stated::default()).then_some(st)
}

fn label(w: &str) -> Option<Side> {
    if CREDIT_LABELS.contains(&w) {
        Some(Side::Credit)
    } else if DEBIT_LABELS.contains(&w) {
        Some(Side::Debit)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(lines: &[&[&str]]) -> Vec<Row> {
        lines
            .iter()
            .enumerate()
            .map(|(i, cells)| Row { line: i as u64 + 1, cells: cells.iter().map(|c| c.to_string()).collect() })
            .collect()
    }

    fn yuan(s: &str) -> Option<Money> {
        Some(Money::parse(s).unwrap())
    }

    #[test]
    fn a_platform_preamble_states_counts_and_sums() {
        let r = rows(&[
            &["微信支付账单明细", ""],
            &["共21笔记录"],
            &["收入：2笔 1412.00元", "", ""],
            &["支出：19笔 3,082.56元"],
            &["中性交易：0笔 0.00元"],
            &["5.部分账单如：充值提现等不计入为收入或者支出，记为不计收支类；"],
        ]);
        let st = scan(r.iter(), (None, None), false, false).unwrap();
        assert_eq!(
            st,
            Stated { credits: Some(2), credit_total: yuan("1412.00"), debits: Some(19), debit_total: yuan("3082.56") }
        );
    }

    #[test]
    fn an_old_alipay_footer_splits_count_and_sum_over_cells() {
        let r = rows(&[
            &["共80笔记录"],
            &["已收入:2笔", "100.00元"],
            &["待收入:0笔", "0.00元"],
            &["已支出:78 笔", "1,000.00元"],
        ]);
        let st = scan(r.iter(), (None, None), false, false).unwrap();
        assert_eq!(
            st,
            Stated { credits: Some(2), credit_total: yuan("100.00"), debits: Some(78), debit_total: yuan("1000.00") }
        );
    }

    #[test]
    fn a_bank_totals_row_is_read_in_its_money_columns() {
        let r = rows(&[&["人民币合计", "", "", "1,234.56", "9,876.54", ""], &["本页合计", "", "", "1.00", "2.00"]]);
        let st = scan(r.iter(), (Some(3), Some(4)), false, false).unwrap();
        assert_eq!(
            st,
            Stated { credits: None, credit_total: yuan("1234.56"), debits: None, debit_total: yuan("9876.54") }
        );
        // A page subtotal alone states nothing; a signed layout has no sides.
        assert_eq!(scan(r.get(1..).unwrap().iter(), (Some(3), Some(4)), false, false), None);
        assert_eq!(scan(r.iter(), (None, None), false, false), None);
        let en = rows(&[&["Total Credits:", "$5,000.10"], &["Total Debits", "1,129.75"]]);
        let st = scan(en.iter(), (None, None), false, false).unwrap();
        assert_eq!((st.credit_total, st.debit_total), (yuan("5000.10"), yuan("1129.75")));
    }

    #[test]
    fn the_check_compares_only_what_is_stated() {
        let read =
            Tally { credits: 2, credit_total: Money::parse("1412").unwrap(), debits: 5, debit_total: Money::ZERO };
        let st = Stated { credits: Some(2), credit_total: yuan("1412.00"), ..Stated::default() };
        assert!(Declared::check(st, read).agrees);
        let st = Stated { debits: Some(19), ..st };
        let d = Declared::check(st, read);
        assert!(!d.agrees);
        assert_eq!(d.read.debits, 5);
    }
}
