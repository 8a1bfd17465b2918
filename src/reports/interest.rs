//! Late interest (违约金) accrued as of a date, per customer and invoice,
//! and what of it is to be posted as interest invoices.
//!
//! Simple interest at the book's daily rate (default 0.05 %; a customer may
//! have its own) on each overdue installment that is still open at the
//! as-of date, from the day after its due date until each part of it was
//! paid, or until the as-of date; grace days are not charged; rounded once per
//! installment. Disputed invoices and interest invoices bear no interest.
//! What was posted already is not due again.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::detail::{Terms, with_interest};
use crate::ledger::Money;
use crate::ledger::interest::{Accrual, InterestTerms};
use crate::ledger::schedule::{DuePlan, Installment, build_schedule};
use crate::store::invoices;
use crate::store::{Connection, Result, StoreError, customers};

/// One installment with interest due, with the parts it was charged on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InstallmentLine {
    pub customer: String,
    pub invoice: String,
    pub due_date: NaiveDate,
    pub rate_per_day: rust_decimal::Decimal,
    pub accruals: Vec<Accrual>,
    /// Σ accruals, rounded once.
    pub accrued: Money,
    /// Posted already as an interest invoice.
    pub posted: Money,
    /// Waived (`dun waive`).
    pub waived: Money,
    /// Owed: accrued − posted − waived.
    pub due: Money,
}

/// The interest due on one invoice.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvoiceInterest {
    pub number: String,
    /// Owed: accrued − posted − waived.
    pub interest: Money,
    pub accrued: Money,
    pub posted: Money,
    pub waived: Money,
}

/// One customer's interest due, by invoice.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CustomerInterest {
    pub code: String,
    pub rate_per_day: rust_decimal::Decimal,
    pub total: Money,
    pub invoices: Vec<InvoiceInterest>,
}

/// The interest report as of a date.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Interest {
    pub as_of: NaiveDate,
    /// The book's terms (a customer's own rate is on its line).
    pub terms: InterestTerms,
    pub total: Money,
    /// Customers with interest due, largest first (then by code).
    pub customers: Vec<CustomerInterest>,
    /// Every installment with interest due, in the order of the book.
    pub installments: Vec<InstallmentLine>,
}

/// The interest due as of a date, optionally for one customer; with
/// `detail`, every installment's line with its accruals too (kept only
/// when asked: on a large book they are most of the report's memory).
pub fn interest(conn: &Connection, as_of: NaiveDate, only: Option<i64>, detail: bool) -> Result<Interest> {
    let terms = Terms::load(conn, as_of)?.book();
    let mut out = Interest { as_of, terms, total: Money::ZERO, customers: Vec::new(), installments: Vec::new() };
    // Open installments come first, then those settled late: a customer
    // may have both.
    let mut index: std::collections::HashMap<i64, usize> = std::collections::HashMap::new();
    let mut invoice_line: std::collections::HashMap<i64, usize> = std::collections::HashMap::new();
    with_interest(conn, as_of, only, |d| {
        let Some(i) = d.interest.as_ref() else { return Ok(()) };
        let due = d.interest_due();
        if due.is_zero() {
            return Ok(());
        }
        let at = *index.entry(d.item.customer_id).or_insert_with(|| {
            out.customers.push(CustomerInterest {
                code: d.item.customer.clone(),
                rate_per_day: d.terms.rates.at(as_of),
                total: Money::ZERO,
                invoices: Vec::new(),
            });
            out.customers.len() - 1
        });
        let c = &mut out.customers[at];
        c.total += due;
        out.total += due;
        // An invoice's line, found by id (a customer may have thousands).
        let line = *invoice_line.entry(d.item.invoice_id).or_insert_with(|| {
            c.invoices.push(InvoiceInterest {
                number: d.item.invoice.clone(),
                interest: Money::ZERO,
                accrued: Money::ZERO,
                posted: Money::ZERO,
                waived: Money::ZERO,
            });
            c.invoices.len() - 1
        });
        let v = &mut c.invoices[line];
        v.interest += due;
        v.accrued += i.interest;
        v.posted += d.posted;
        v.waived += d.waived;
        if !detail {
            return Ok(());
        }
        out.installments.push(InstallmentLine {
            customer: d.item.customer.clone(),
            invoice: d.item.invoice.clone(),
            due_date: d.item.due_date,
            rate_per_day: d.terms.rates.at(as_of),
            accruals: i.accruals.clone(),
            accrued: i.interest,
            posted: d.posted,
            waived: d.waived,
            due,
        });
        Ok(())
    })?;
    out.installments.sort_by(|a, b| (&a.customer, a.due_date, &a.invoice).cmp(&(&b.customer, b.due_date, &b.invoice)));
    out.customers.retain(|c| !c.total.is_zero());
    out.customers.sort_by(|a, b| b.total.cmp(&a.total).then_with(|| a.code.cmp(&b.code)));
    Ok(out)
}

/// The interest invoice to post for one customer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Charge {
    pub customer_id: i64,
    pub code: String,
    /// `INT-<CODE>-<YYYYMM>`.
    pub number: String,
    pub amount: Money,
    /// Due a week after the as-of date.
    pub schedule: Vec<Installment>,
    /// (installment id, interest due on it): what the invoice charges.
    pub parts: Vec<(i64, Money)>,
}

/// The interest invoices to post as of a date: one per customer with
/// interest due, unless that customer's invoice for the month exists.
pub fn charges(conn: &Connection, as_of: NaiveDate, only: Option<i64>) -> Result<Vec<Charge>> {
    let mut due: BTreeMap<i64, Vec<(i64, Money)>> = BTreeMap::new();
    with_interest(conn, as_of, only, |d| {
        let i = d.interest_due();
        if i.is_positive() {
            due.entry(d.item.customer_id).or_default().push((d.item.installment_id, i));
        }
        Ok(())
    })?;
    let mut out = Vec::new();
    for (customer_id, parts) in due {
        let c = customers::get_by_id(conn, customer_id)?;
        let number = format!("INT-{}-{}", c.code, as_of.format("%Y%m"));
        if invoices::id_of(conn, &number)?.is_some() {
            continue; // posted already this month
        }
        let amount: Money = parts.iter().map(|p| p.1).sum();
        let due_date = as_of.checked_add_days(chrono::Days::new(7)).unwrap_or(as_of);
        let schedule = build_schedule(as_of, amount, &DuePlan::On(due_date))?;
        out.push(Charge { customer_id, code: c.code, number, amount, schedule, parts });
    }
    Ok(out)
}

/// What the charges add up to.
pub fn charged(charges: &[Charge]) -> Money {
    charges.iter().map(|c| c.amount).sum()
}

/// One installment's share of a waiver.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WaiverPart {
    pub installment_id: i64,
    pub invoice: String,
    pub amount: Money,
}

/// How a waiver of `amount` (all that is owed when `None`) of a customer's
/// interest owed as of `date`, optionally on one invoice, falls on its
/// installments: oldest due first. Refused when nothing is owed or when
/// `amount` is more than is owed: a waiver never makes interest negative.
pub fn waiver_plan(
    conn: &Connection,
    date: NaiveDate,
    customer_id: i64,
    invoice: Option<&str>,
    amount: Option<Money>,
) -> Result<Vec<WaiverPart>> {
    let mut owed: Vec<(NaiveDate, String, i64, Money)> = Vec::new();
    with_interest(conn, date, Some(customer_id), |d| {
        let due = d.interest_due();
        if due.is_positive() && invoice.is_none_or(|n| n == d.item.invoice) {
            owed.push((d.item.due_date, d.item.invoice.clone(), d.item.installment_id, due));
        }
        Ok(())
    })?;
    owed.sort();
    let total: Money = owed.iter().map(|o| o.3).sum();
    let on = invoice.map_or_else(String::new, |n| format!(" on {n}"));
    let on_zh = invoice.map_or_else(String::new, |n| format!("（{n}）"));
    if !total.is_positive() {
        return Err(StoreError::invalid(
            format!("no interest is owed{on} as of {date}; nothing to waive"),
            format!("截至 {date} 无应收违约金{on_zh}；无可减免"),
        ));
    }
    let mut left = amount.unwrap_or(total);
    if left > total {
        return Err(StoreError::invalid(
            format!("cannot waive {left}: only {total} of interest is owed{on} as of {date}"),
            format!("不能减免 {left}：截至 {date} 应收违约金{on_zh}仅 {total}"),
        ));
    }
    let mut parts = Vec::new();
    for (_, number, installment_id, due) in owed {
        if !left.is_positive() {
            break;
        }
        let part = due.min(left);
        parts.push(WaiverPart { installment_id, invoice: number, amount: part });
        left -= part;
    }
    Ok(parts)
}
