//! The customer statement (对账单) and its confirmation slip: the balance
//! brought forward, the period's transactions with a running balance, the
//! closing balance, its aging and the open items behind it.
//!
//! How the figures tie: opening + Σ entries = closing, where closing is
//! invoiced − received − discounts − written off up to `to`. Money received
//! and not applied to any invoice is already netted in the closing balance,
//! so the open items (each installment's balance as of `to`) add up to
//! closing + unapplied: Σ open items − unapplied = closing.

use chrono::{Datelike, NaiveDate};

use super::aging::{aging_detail, aging_report};
use crate::ledger::Money;
use crate::ledger::aging::{AgingReport, AgingRule, Basis, Buckets};
use crate::ledger::date::month_end;
use crate::output::Lang;
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

/// An installment open as of the statement's last day.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpenItem {
    pub invoice: String,
    pub due: NaiveDate,
    pub balance: Money,
    /// Zero while not yet due.
    pub days_past_due: i64,
}

/// Who owes the balance a confirmation slip states.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OwedBy {
    /// The customer owes us: the balance is positive.
    Customer,
    /// We owe the customer (it paid more than it was invoiced): the balance
    /// is negative.
    Company,
}

/// What the slip asks the customer to confirm: an amount that is never
/// negative, and who owes it (`None` when the balance is zero).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Confirmation {
    pub amount: Money,
    pub owed_by: Option<OwedBy>,
}

impl Confirmation {
    /// The slip for a balance in the book's sign (positive: the customer owes).
    pub fn of(balance: Money) -> Confirmation {
        let owed_by = if balance.is_positive() {
            Some(OwedBy::Customer)
        } else if balance.is_negative() {
            Some(OwedBy::Company)
        } else {
            None
        };
        Confirmation { amount: if balance.is_negative() { -balance } else { balance }, owed_by }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Statement {
    /// The book's company, `-` when none is set.
    pub company: String,
    pub currency: String,
    pub customer_id: i64,
    pub customer_code: String,
    pub customer: String,
    /// The customer's own language, when it has one.
    pub lang: Option<Lang>,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Invoiced − received − written off before `from`: unapplied credit is
    /// already netted in it.
    pub opening: Money,
    pub entries: Vec<Entry>,
    pub closing: Money,
    /// Installments open as of `to`, by due date.
    pub open_items: Vec<OpenItem>,
    /// Received as of `to` and not applied to any invoice.
    pub unapplied: Money,
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

    /// What the slip asks the customer to confirm: the closing balance.
    pub fn confirmation(&self) -> Confirmation {
        Confirmation::of(self.closing)
    }

    /// The month a slip of this statement confirms (`YYYY-MM`): the month
    /// of `to` when `to` is that month's last day. Confirmations are kept per
    /// month-end; a statement to another day confirms no month.
    pub fn period(&self) -> Option<String> {
        period_ending(self.to)
    }
}

/// The month (`YYYY-MM`) that ends on `to`, if `to` is a month's last day.
pub fn period_ending(to: NaiveDate) -> Option<String> {
    (month_end(to) == to).then(|| format!("{:04}-{:02}", to.year(), to.month()))
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
    let open_items = aging_detail(conn, &rule, to, Some(customer_id))?
        .into_iter()
        .map(|l| OpenItem { invoice: l.invoice, due: l.due_date, balance: l.balance, days_past_due: l.days_past_due })
        .collect();
    let aging = aging_report(conn, &rule, to, Some(customer_id))?;
    Ok(Statement {
        company: if settings.company.is_empty() { "-".into() } else { settings.company },
        currency: settings.currency,
        customer_id,
        customer_code: c.code,
        customer: c.name,
        lang: store::customers::lang_of(conn, customer_id)?,
        from,
        to,
        opening: t.opening,
        closing: entries.last().map_or(t.opening, |e| e.balance),
        entries,
        open_items,
        unapplied: aging.unapplied,
        aging,
        interest_owed: super::interest::interest_totals(conn, to, Some(customer_id))?.total,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::example::{self, d, m};

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 48, ..Default::default() })]

        /// Whatever happens to a book (payment plans, voids, write-offs,
        /// disputes), a customer's statement adds up as printed: the
        /// running balance goes from the opening to the closing balance,
        /// the open items and the aging less the unapplied credit are the
        /// closing balance, the next period opens where this one closed,
        /// and the interest owed is the interest report's.
        #[test]
        fn a_statement_adds_up_whatever_happens_to_the_book(
            ops in proptest::collection::vec(crate::store::balances_tests::op(), 1..40)
        ) {
            use proptest::{prop_assert, prop_assert_eq};
            let book = crate::store::balances_tests::play(&ops);
            let conn = &book.conn;
            let periods = [("2026-01-01", "2026-01-31"), ("2026-02-01", "2026-03-15"), ("2026-03-16", "2026-12-31")];
            for customer in 1..=3i64 {
                let mut closed: Option<Money> = Some(Money::ZERO);
                for (from, to) in periods {
                    let s = statement(conn, customer, d(from), d(to)).unwrap();
                    prop_assert_eq!(Some(s.opening), closed, "customer {} opens {} where it closed", customer, from);
                    let mut running = s.opening;
                    for e in &s.entries {
                        running += e.amount;
                        prop_assert_eq!(e.balance, running, "customer {} {:?}", customer, e);
                        prop_assert!(e.date >= s.from && e.date <= s.to);
                    }
                    prop_assert_eq!(running, s.closing);
                    let open: Money = s.open_items.iter().map(|i| i.balance).sum();
                    prop_assert_eq!(open - s.unapplied, s.closing, "customer {} to {}", customer, to);
                    prop_assert_eq!(s.closing_aging().iter().copied().sum::<Money>() - s.unapplied, s.closing);
                    let owed = crate::reports::interest::interest(conn, s.to, Some(customer), true).unwrap().total;
                    prop_assert_eq!(s.interest_owed, owed, "customer {} to {}", customer, to);
                    closed = Some(s.closing);
                }
            }
        }
    }

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
        let items: Vec<(&str, Money)> = s.open_items.iter().map(|i| (i.invoice.as_str(), i.balance)).collect();
        assert_eq!(items, [("A1", m("600.00")), ("A2", m("400.00"))]);
        assert_eq!(s.open_items.iter().map(|i| i.balance).sum::<Money>() - s.unapplied, s.closing);
        assert_eq!(s.confirmation(), Confirmation { amount: m("1000.00"), owed_by: Some(OwedBy::Customer) });
        assert_eq!(s.period(), None, "2026-04-15 is no month-end");
    }

    #[test]
    fn a_customer_in_credit_is_owed_by_the_company_and_its_credit_ties_the_open_items() {
        let ex = example::book();
        let s = statement(&ex.book.conn, ex.b, d("2026-03-01"), d("2026-03-31")).unwrap();
        assert_eq!((s.closing, s.unapplied), (m("-200.00"), m("200.00")));
        assert!(s.open_items.is_empty());
        assert_eq!(s.open_items.iter().map(|i| i.balance).sum::<Money>() - s.unapplied, s.closing);
        assert_eq!(s.confirmation(), Confirmation { amount: m("200.00"), owed_by: Some(OwedBy::Company) });
        assert_eq!(s.period().as_deref(), Some("2026-03"));
        assert_eq!(Confirmation::of(Money::ZERO), Confirmation { amount: Money::ZERO, owed_by: None });
    }

    #[test]
    fn a_customer_without_balance_or_activity_is_quiet() {
        let ex = example::book();
        let s = statement(&ex.book.conn, ex.b, d("2026-01-01"), d("2026-01-31")).unwrap();
        assert!(s.is_quiet());
        assert_eq!(s.closing_aging(), s.aging.totals.as_slice());
    }
}
