//! Report assembly: the store's as-of queries fed through the pure ledger
//! into plain report structs that the renderers read.

use std::collections::HashMap;

use chrono::NaiveDate;
use rusqlite::Connection;
use rust_decimal::Decimal;

use crate::ledger::Money;
use crate::ledger::aging::{AgingReport, AgingRule, days_past_due};
use crate::ledger::interest::{InstallmentInterest, InterestTerms, installment_interest};
use crate::store::{self, Result, aging};

/// The aging report as of a date, optionally for one customer.
pub fn aging_report(conn: &Connection, rule: &AgingRule, as_of: NaiveDate, only: Option<i64>) -> Result<AgingReport> {
    let data = aging::aging(conn, rule, as_of, only)?;
    let names = data.customers.into_iter().map(|c| (c.code, c.name)).collect();
    Ok(AgingReport::build(as_of, rule, names, &data.grid, &data.unapplied, data.tie))
}

/// Interest terms per customer: the book's rate and grace, with overrides.
pub struct Terms {
    book: InterestTerms,
    overrides: HashMap<i64, Decimal>,
}

impl Terms {
    pub fn load(conn: &Connection) -> Result<Terms> {
        let s = store::book_settings(conn)?;
        Ok(Terms {
            book: InterestTerms { rate_per_day: s.interest_rate, grace_days: s.grace_days },
            overrides: aging::customer_rates(conn)?,
        })
    }

    pub fn book(&self) -> InterestTerms {
        self.book
    }

    pub fn for_customer(&self, id: i64) -> InterestTerms {
        match self.overrides.get(&id) {
            Some(r) => InterestTerms { rate_per_day: *r, ..self.book },
            None => self.book,
        }
    }
}

/// One open installment as of the date, with its days past due and interest.
#[derive(Clone, Debug)]
pub struct DetailLine {
    pub item: aging::OpenInstallment,
    pub balance: Money,
    pub days_past_due: i64,
    pub terms: InterestTerms,
    /// `None` when no interest is charged: not yet due, disputed, or itself interest.
    pub interest: Option<InstallmentInterest>,
}

/// Whether late interest is charged on an installment: disputed invoices and
/// interest invoices are not charged.
pub fn bears_interest(item: &aging::OpenInstallment) -> bool {
    !item.disputed && !item.is_interest
}

/// Stream every open installment as of `as_of` with its interest.
pub fn detail(
    conn: &Connection,
    as_of: NaiveDate,
    only: Option<i64>,
    mut f: impl FnMut(DetailLine) -> Result<()>,
) -> Result<()> {
    let terms = Terms::load(conn)?;
    aging::open_installments(conn, as_of, only, |item| {
        let t = terms.for_customer(item.customer_id);
        let dpd = days_past_due(item.due_date, as_of);
        let interest = (bears_interest(&item) && dpd > 0)
            .then(|| installment_interest(item.due_date, item.amount, &item.settlements, as_of, t));
        f(DetailLine { balance: item.balance(), days_past_due: dpd, terms: t, interest, item })
    })
}
