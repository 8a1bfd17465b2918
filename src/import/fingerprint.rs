//! The re-import fingerprint of a statement line.
//!
//! A line is identified across re-imports and overlapping statements by its
//! own fields, canonically joined, plus its occurrence number among identical
//! lines of the same file: two equal transfers on one day are two lines, and
//! importing the same file again finds both already in the book. The text is
//! stored in `bank_lines.fingerprint` (unique), so it must never change.

use std::collections::HashMap;

use crate::import::bank::BankLine;
use crate::ledger::Money;

/// Fingerprints of one file's lines, in file order.
#[derive(Debug, Default)]
pub struct Fingerprints {
    seen: HashMap<String, usize>,
}

impl Fingerprints {
    pub fn new() -> Fingerprints {
        Fingerprints::default()
    }

    /// The fingerprint of the next line of the file.
    pub fn next(&mut self, l: &BankLine) -> String {
        let base = canonical(l);
        let n = self.seen.entry(base.clone()).or_insert(0);
        *n += 1;
        format!("{base}\u{1e}{n}")
    }
}

/// The line's own fields, canonically joined.
fn canonical(l: &BankLine) -> String {
    let o = |s: &Option<String>| s.as_deref().unwrap_or("").trim().to_string();
    [
        l.date.to_string(),
        l.amount.plain(),
        l.direction.as_str().to_string(),
        o(&l.counterparty),
        o(&l.account),
        o(&l.memo),
        o(&l.reference),
        l.balance.map(Money::plain).unwrap_or_default(),
    ]
    .join("\u{1f}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::bank::Direction;

    fn line() -> BankLine {
        BankLine {
            line: 7,
            date: chrono::NaiveDate::from_ymd_opt(2026, 11, 3).unwrap(),
            time: None,
            amount: Money::from_cents(1_250_000),
            direction: Direction::Credit,
            fee: None,
            counterparty: Some(" 华宇科技 ".into()),
            account: Some("6222020200001234".into()),
            memo: Some("INV-1001".into()),
            reference: None,
            balance: Some(Money::from_cents(9_876_543)),
            currency: None,
            cells: Vec::new(),
        }
    }

    #[test]
    fn the_same_row_twice_is_occurrence_one_then_two() {
        let mut f = Fingerprints::new();
        let (a, b) = (f.next(&line()), f.next(&line()));
        assert!(a.ends_with("\u{1e}1"), "{a:?}");
        assert!(b.ends_with("\u{1e}2"), "{b:?}");
        assert_eq!(a.trim_end_matches("\u{1e}1"), b.trim_end_matches("\u{1e}2"));
    }

    #[test]
    fn a_changed_field_changes_the_fingerprint() {
        let base = Fingerprints::new().next(&line());
        let mut other = line();
        other.memo = Some("INV-1002".into());
        assert_ne!(Fingerprints::new().next(&other), base);
        let mut other = line();
        other.direction = Direction::Debit;
        assert_ne!(Fingerprints::new().next(&other), base);
        // The file line number and the raw cells are not part of it: an
        // overlapping statement puts the same transaction elsewhere.
        let mut moved = line();
        moved.line = 70;
        moved.cells = vec!["x".into()];
        assert_eq!(Fingerprints::new().next(&moved), base);
    }

    #[test]
    fn the_stored_text_is_stable() {
        // Stored in every book: a change here makes re-imports duplicate lines.
        assert_eq!(
            Fingerprints::new().next(&line()),
            "2026-11-03\u{1f}12500.00\u{1f}credit\u{1f}华宇科技\u{1f}6222020200001234\u{1f}INV-1001\u{1f}\u{1f}98765.43\u{1e}1"
        );
    }
}
