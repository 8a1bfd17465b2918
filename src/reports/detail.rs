//! Open installments one by one, as of a date, with their days past due and
//! late interest: the stream the aging detail, the interest report, the
//! worklist and the letters are built from.

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::ledger::Money;
use crate::ledger::aging::days_past_due;
use crate::ledger::interest::{InstallmentInterest, InterestTerms, Span, installment_interest};
pub use crate::store::interest::Terms;
use crate::store::open_items::{
    OpenInstallment, open_installments, open_installments_unnamed, settled_late_installments,
};
use crate::store::{self, Connection, Result, StoreError};

/// One installment as of the date, with its days past due and interest: an
/// open one, or (from [`settled_late`]) one settled in full whose late parts
/// earned interest.
#[derive(Clone, Debug)]
pub struct DetailLine {
    pub item: OpenInstallment,
    pub balance: Money,
    pub days_past_due: i64,
    pub terms: InterestTerms,
    /// `None` when no interest is charged: never late, or itself interest.
    pub interest: Option<InstallmentInterest>,
    /// Interest on this installment already posted as an interest invoice.
    pub posted: Money,
    /// Interest on this installment waived (`dun waive`).
    pub waived: Money,
}

impl DetailLine {
    /// Interest owed and not yet posted: accrued − posted − waived, never
    /// below zero.
    pub fn interest_due(&self) -> Money {
        self.interest.as_ref().map_or(Money::ZERO, |i| (i.interest - self.posted - self.waived).max(Money::ZERO))
    }
}

/// Whether late interest is charged on an installment: interest invoices
/// are not charged. (Days in dispute bear none: see [`Inputs`].)
pub fn bears_interest(item: &OpenInstallment) -> bool {
    !item.is_interest
}

/// What the interest of every installment is computed from, read once.
struct Inputs {
    terms: Terms,
    posted: HashMap<i64, Money>,
    waived: HashMap<i64, Money>,
    disputes: HashMap<i64, Vec<Span>>,
}

impl Inputs {
    fn load(conn: &Connection, as_of: NaiveDate) -> Result<Inputs> {
        Ok(Inputs {
            terms: Terms::load(conn, as_of)?,
            posted: store::dunning::interest_posted(conn, as_of)?,
            waived: store::interest::waived(conn, as_of)?,
            disputes: store::interest::dispute_spans(conn, as_of)?,
        })
    }

    fn line(&mut self, item: OpenInstallment, as_of: NaiveDate) -> DetailLine {
        let t = self.terms.for_customer(item.customer_id);
        let dpd = days_past_due(item.due_date, as_of);
        let last_day = item.settlements.iter().map(|s| s.date).max().unwrap_or(as_of).max(as_of);
        let spans = self.disputes.get(&item.invoice_id).map_or(&[][..], Vec::as_slice);
        let interest = (bears_interest(&item) && last_day > item.due_date)
            .then(|| installment_interest(item.due_date, item.amount, &item.settlements, as_of, &t, spans))
            .filter(|i| !i.interest.is_zero() || dpd > 0);
        let posted = self.posted.get(&item.installment_id).copied().unwrap_or_default();
        let waived = self.waived.get(&item.installment_id).copied().unwrap_or_default();
        DetailLine { balance: item.balance(), days_past_due: dpd, terms: t, interest, posted, waived, item }
    }
}

/// Stream every open installment as of `as_of` with its interest.
pub fn detail<E: From<StoreError>>(
    conn: &Connection,
    as_of: NaiveDate,
    only: Option<i64>,
    mut f: impl FnMut(DetailLine) -> std::result::Result<(), E>,
) -> std::result::Result<(), E> {
    let mut inputs = Inputs::load(conn, as_of)?;
    open_installments(conn, as_of, only, |item| f(inputs.line(item, as_of)))
}

/// [`detail`] for totals: the same lines without the customer's code and
/// the invoice's number (left empty), in no particular order, read without
/// the invoices (see [`open_installments_unnamed`]).
pub fn detail_unnamed(
    conn: &Connection,
    as_of: NaiveDate,
    only: Option<i64>,
    mut f: impl FnMut(DetailLine) -> Result<()>,
) -> Result<()> {
    let mut inputs = Inputs::load(conn, as_of)?;
    open_installments_unnamed(conn, as_of, only, |item| f(inputs.line(item, as_of)))
}

/// Stream every installment settled in full by `as_of` whose late parts
/// earned interest, with that interest (its balance is zero).
pub fn settled_late(
    conn: &Connection,
    as_of: NaiveDate,
    only: Option<i64>,
    mut f: impl FnMut(DetailLine) -> Result<()>,
) -> Result<()> {
    let mut inputs = Inputs::load(conn, as_of)?;
    settled_late_installments(conn, as_of, only, |item| f(inputs.line(item, as_of)))
}

/// Every installment with interest as of `as_of`: the open ones, then
/// those settled late, each group in the order of the book.
pub fn with_interest(
    conn: &Connection,
    as_of: NaiveDate,
    only: Option<i64>,
    mut f: impl FnMut(DetailLine) -> Result<()>,
) -> Result<()> {
    // What the interest is computed from, read once for both streams.
    let mut inputs = Inputs::load(conn, as_of)?;
    open_installments(conn, as_of, only, |item| f(inputs.line(item, as_of)))?;
    settled_late_installments(conn, as_of, only, |item| f(inputs.line(item, as_of)))
}
