//! The customer statement (对账单) and its confirmation slip: the balance
//! brought forward, the period's transactions with a running balance, the
//! closing balance and its aging.

use chrono::NaiveDate;

use super::aging::aging_report;
use crate::ledger::Money;
use crate::ledger::aging::{AgingReport, AgingRule, Basis, Buckets};
use crate::store::statement::{EntryKind, StatementLine};
use crate::store::{self, Connection, Result};

/// One transaction of the period and the balance after it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub date: NaiveDate,
    pub kind: EntryKind,
    pub reference: String,
    /// Positive for what the customer owes more, negative for what reduces it.
    pub amount: Money,
    pub balance: Money,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Statement {
    /// The book's company, `-` when none is set.
    pub company: String,
    pub currency: String,
    pub customer_code: String,
    pub customer: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Invoiced − received − written off before `from`: unapplied credit is
    /// already netted in it.
    pub opening: Money,
    pub entries: Vec<Entry>,
    pub closing: Money,
    /// The customer's aging as of `to`, by due date with the default buckets.
    pub aging: AgingReport,
    /// Late interest owed as of `to` and not yet invoiced (accrued − posted −
    /// waived, as `dun interest` and the letters show it). Not part of the
    /// balance: it becomes a receivable only when posted.
    pub interest_owed: Money,
}

impl Statement {
    /// The closing balance by bucket, in the order of `aging.labels`.
    pub fn closing_aging(&self) -> &[Money] {
        self.aging.lines.first().map_or(&self.aging.totals, |l| &l.cells)
    }

    /// Nothing brought forward and nothing happened: `--all` skips it.
    pub fn is_quiet(&self) -> bool {
        self.opening.is_zero() && self.entries.is_empty()
    }
}

/// Running balances from the opening balance through each line.
fn entries(opening: Money, lines: Vec<StatementLine>) -> Vec<Entry> {
    let mut balance = opening;
    lines
        .into_iter()
        .map(|l| {
            balance += l.amount;
            Entry { date: l.date, kind: l.kind, reference: l.reference, amount: l.amount, balance }
        })
        .collect()
}

/// The statement of one customer for the period [from, to].
pub fn statement(conn: &Connection, customer_id: i64, from: NaiveDate, to: NaiveDate) -> Result<Statement> {
    let c = store::customers::get_by_id(conn, customer_id)?;
    let t = store::statement::statement(conn, customer_id, from, to)?;
    let entries = entries(t.opening, t.lines);
    let rule = AgingRule { basis: Basis::Due, buckets: Buckets::default() };
    let settings = store::book_settings(conn)?;
    Ok(Statement {
        company: if settings.company.is_empty() { "-".into() } else { settings.company },
        currency: settings.currency,
        customer_code: c.code,
        customer: c.name,
        from,
        to,
        opening: t.opening,
        closing: entries.last().map_or(t.opening, |e| e.balance),
        entries,
        aging: aging_report(conn, &rule, to, Some(customer_id))?,
        interest_owed: super::interest::interest(conn, to, Some(customer_id))?.total,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::example::{self, d, m};

    #[test]
    fn the_running_balance_ends_at_the_closing_balance_and_its_aging() {
        let ex = example::book();
        let s = statement(&ex.book.conn, ex.a, d("2026-02-01"), d("2026-04-15")).unwrap();
        assert_eq!((s.company.as_str(), s.customer_code.as_str()), ("Test Co.", "A"));
        let balances: Vec<Money> = s.entries.iter().map(|e| e.balance).collect();
        assert_eq!(balances, [m("600.00"), m("1100.00"), m("1000.00")]);
        assert_eq!((s.opening, s.closing), (m("1000.00"), m("1000.00")));
        assert_eq!(s.closing_aging().iter().copied().sum::<Money>(), s.closing);
        assert!(!s.is_quiet());
    }

    #[test]
    fn a_customer_without_balance_or_activity_is_quiet() {
        let ex = example::book();
        let s = statement(&ex.book.conn, ex.b, d("2026-01-01"), d("2026-01-31")).unwrap();
        assert!(s.is_quiet());
        assert_eq!(s.closing_aging(), s.aging.totals.as_slice());
    }
}
