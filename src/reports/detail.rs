//! Open installments one by one, as of a date, with their days past due and
//! late interest: the stream the aging detail, the interest report, the
//! worklist and the letters are built from.

use std::collections::HashMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::ledger::Money;
use crate::ledger::aging::days_past_due;
use crate::ledger::interest::{InstallmentInterest, InterestTerms, installment_interest};
use crate::store::open_items::{OpenInstallment, open_installments};
use crate::store::{self, Connection, Result, history};

/// Interest terms per customer: the book's rate and grace, with overrides.
pub struct Terms {
    book: InterestTerms,
    overrides: HashMap<i64, Decimal>,
}

impl Terms {
    pub fn load(conn: &Connection) -> Result<Terms> {
        let s = store::book_settings(conn)?;
        Ok(Terms {
            book: InterestTerms::flat(s.interest_rate, s.grace_days),
            overrides: history::customer_rates(conn)?,
        })
    }

    pub fn book(&self) -> InterestTerms {
        self.book.clone()
    }

    pub fn for_customer(&self, id: i64) -> InterestTerms {
        match self.overrides.get(&id) {
            Some(r) => InterestTerms::flat(*r, self.book.grace_days),
            None => self.book.clone(),
        }
    }
}

/// One open installment as of the date, with its days past due and interest.
#[derive(Clone, Debug)]
pub struct DetailLine {
    pub item: OpenInstallment,
    pub balance: Money,
    pub days_past_due: i64,
    pub terms: InterestTerms,
    /// `None` when no interest is charged: not yet due, disputed, or itself interest.
    pub interest: Option<InstallmentInterest>,
    /// Interest on this installment already posted as an interest invoice.
    pub posted: Money,
}

impl DetailLine {
    /// Interest accrued and not yet posted (never below zero).
    pub fn interest_due(&self) -> Money {
        self.interest.as_ref().map_or(Money::ZERO, |i| (i.interest - self.posted).max(Money::ZERO))
    }
}

/// Whether late interest is charged on an installment: disputed invoices and
/// interest invoices are not charged.
pub fn bears_interest(item: &OpenInstallment) -> bool {
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
    let posted = store::dunning::interest_posted(conn, as_of)?;
    open_installments(conn, as_of, only, |item| {
        let t = terms.for_customer(item.customer_id);
        let dpd = days_past_due(item.due_date, as_of);
        let interest = (bears_interest(&item) && dpd > 0)
            .then(|| installment_interest(item.due_date, item.amount, &item.settlements, as_of, &t, &[]));
        let posted = posted.get(&item.installment_id).copied().unwrap_or_default();
        f(DetailLine { balance: item.balance(), days_past_due: dpd, terms: t, interest, posted, item })
    })
}
