//! The one-screen summary of the book as of a date: the aging by due date,
//! the overdue share, the largest debtors, today's worklist and the bank
//! lines waiting to be matched.

use chrono::NaiveDate;
use rust_decimal::{Decimal, RoundingStrategy};

use super::aging::aging_report;
use super::worklist::worklist;
use crate::ledger::Money;
use crate::ledger::aging::{AgingReport, AgingRule, Basis, Buckets};
use crate::ledger::ladder::Next;
use crate::store::{self, Connection, Result};

/// How many debtors the summary names.
pub const TOP_DEBTORS: usize = 10;

/// A customer among the largest debtors.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Debtor {
    pub code: String,
    pub name: String,
    pub total: Money,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Summary {
    /// The aging by due date with the default buckets.
    pub aging: AgingReport,
    /// Everything past its due date: all buckets but `current`.
    pub overdue: Money,
    /// Overdue ÷ total × 100, rounded half away from zero to one place;
    /// `None` when nothing is owed.
    pub overdue_share: Option<Decimal>,
    /// The customers owing most, largest first.
    pub top_debtors: Vec<Debtor>,
    /// Customers with a collection step due today (waiting ones not counted).
    pub worklist: usize,
    pub unmatched_bank_lines: usize,
}

pub fn summary(conn: &Connection, as_of: NaiveDate) -> Result<Summary> {
    let rule = AgingRule { basis: Basis::Due, buckets: Buckets::default() };
    let aging = aging_report(conn, &rule, as_of, None)?;
    let overdue: Money = aging.totals.iter().skip(1).copied().sum();
    let overdue_share = (!aging.total.is_zero()).then(|| {
        let pct = overdue.as_decimal() / aging.total.as_decimal() * Decimal::ONE_HUNDRED;
        pct.round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero)
    });
    let worklist =
        worklist(conn, as_of, None)?.iter().filter(|w| !matches!(w.decision.next, Next::Wait { .. })).count();
    let top_debtors = aging
        .lines
        .iter()
        .filter(|l| l.total.is_positive())
        .take(TOP_DEBTORS)
        .map(|l| Debtor { code: l.code.clone(), name: l.name.clone(), total: l.total })
        .collect();
    Ok(Summary {
        overdue,
        overdue_share,
        top_debtors,
        worklist,
        unmatched_bank_lines: store::bank::queued_count(conn)?,
        aging,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::example::{self, d, m};

    #[test]
    fn the_overdue_share_counts_every_bucket_past_due() {
        let ex = example::book();
        let s = summary(&ex.book.conn, d("2026-03-20")).unwrap();
        // A1 600.00 (48 days late) and B1 paid; A2 500.00 not due: 600 / 1,100 = 54.5 %.
        assert_eq!((s.aging.total, s.overdue), (m("1100.00"), m("600.00")));
        assert_eq!(s.overdue_share, Some(Decimal::new(545, 1)));
        assert_eq!(s.top_debtors, [Debtor { code: "A".into(), name: "Customer A".into(), total: m("1100.00") }]);
        assert_eq!(s.unmatched_bank_lines, 0);
    }

    #[test]
    fn an_empty_book_has_no_overdue_share() {
        let book = crate::store::Book::in_memory();
        let s = summary(&book.conn, d("2026-03-20")).unwrap();
        assert_eq!((s.overdue_share, s.worklist), (None, 0));
    }
}
