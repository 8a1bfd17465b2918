//! Late interest (违约金) accrued as of a date, per customer and invoice,
//! and what of it is to be posted as interest invoices.
//!
//! Simple interest at the book's daily rate (default 0.05 %; a customer may
//! have its own) on each overdue installment that is still open at the
//! as-of date, from the day after its due date until each part of it was
//! paid, or until the as-of date; grace days are not charged; rounded once per
//! installment. Disputed invoices and interest invoices bear no interest.
//! What was posted already is not due again.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;

use super::detail::{DetailLine, Terms, detail as open_lines, with_interest};
use crate::ledger::Money;
use crate::ledger::interest::InterestTerms;
use crate::ledger::schedule::{DuePlan, Installment, build_schedule};
use crate::store::interest as store_interest;
use crate::store::invoices;
use crate::store::spill::{self, OwedSpill, PartLine, PartSpill};
use crate::store::{Connection, Result, StoreError, customers, dunning, late_interest};

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
}

/// One installment's interest, as it is added to the report.
struct Owed<'a> {
    customer_id: i64,
    customer: &'a str,
    invoice_id: i64,
    invoice: &'a str,
    accrued: Money,
    posted: Money,
    waived: Money,
}

/// The report as its installments come in.
struct Builder<'s, 'c> {
    out: Interest,
    terms: Terms,
    /// Customer id → its line; invoice id → its line in its customer's.
    customers: HashMap<i64, usize>,
    invoices: HashMap<i64, usize>,
    /// Each customer line's id.
    ids: Vec<i64>,
    /// Where the invoices' lines go, when they are put aside.
    spill: Option<&'s mut OwedSpill<'c>>,
    /// Without a spill: whether the invoices' lines are kept (else only
    /// the totals).
    keep: bool,
}

impl Builder<'_, '_> {
    /// Add one installment's interest to its customer's and invoice's
    /// lines; what is owed on it (nothing is added when nothing is owed).
    fn add(&mut self, o: Owed) -> Result<Money> {
        let due = (o.accrued - o.posted - o.waived).max(Money::ZERO);
        if due.is_zero() {
            return Ok(due);
        }
        let out = &mut self.out;
        let at = match self.customers.get(&o.customer_id) {
            Some(at) => *at,
            None => {
                out.customers.push(CustomerInterest {
                    code: o.customer.to_string(),
                    rate_per_day: self.terms.for_customer(o.customer_id).rates.at(out.as_of),
                    total: Money::ZERO,
                    invoices: Vec::new(),
                });
                self.ids.push(o.customer_id);
                self.customers.insert(o.customer_id, out.customers.len() - 1);
                out.customers.len() - 1
            }
        };
        let c = &mut out.customers[at];
        c.total += due;
        out.total += due;
        if let Some(spill) = self.spill.as_deref_mut() {
            let figures = spill::Owed { owed: due, accrued: o.accrued, posted: o.posted, waived: o.waived };
            spill.push(o.customer_id, o.invoice_id, o.invoice, figures)?;
            return Ok(due);
        }
        if !self.keep {
            // Totals only: no invoice line is kept.
            return Ok(due);
        }
        // An invoice's line, found by id (a customer may have thousands).
        let line = *self.invoices.entry(o.invoice_id).or_insert_with(|| {
            c.invoices.push(InvoiceInterest {
                number: o.invoice.to_string(),
                interest: Money::ZERO,
                accrued: Money::ZERO,
                posted: Money::ZERO,
                waived: Money::ZERO,
            });
            c.invoices.len() - 1
        });
        let v = &mut c.invoices[line];
        v.interest += due;
        v.accrued += o.accrued;
        v.posted += o.posted;
        v.waived += o.waived;
        Ok(due)
    }
}

/// The interest due as of a date, optionally for one customer.
///
/// The installments settled in full are read from the figures the book
/// keeps for them when those answer for the date ([`late_interest::usable`],
/// as the worklist does), else computed from their settlements, as they
/// always are with `from_history` (the reference the tests compare with).
pub fn interest(conn: &Connection, as_of: NaiveDate, only: Option<i64>, from_history: bool) -> Result<Interest> {
    Ok(build(conn, as_of, only, from_history, None, true)?.0)
}

/// [`interest`] without the invoices: each customer's total and the
/// book's, for the figures a close keeps and a statement's interest owed
/// (the report's lines are never held).
///
/// When the kept figures answer for the date, the totals are read as the
/// worklist reads them: the open installments without their names, and
/// what installments settled late still owe from each customer's kept
/// total ([`late_interest::owed_by_customer`]), never every kept figure
/// with its invoice's number.
pub fn interest_totals(conn: &Connection, as_of: NaiveDate, only: Option<i64>) -> Result<Interest> {
    if !late_interest::usable(conn, as_of)? {
        return Ok(build(conn, as_of, only, false, None, false)?.0);
    }
    let mut terms = Terms::load(conn, as_of)?;
    let mut owed: HashMap<i64, Money> = HashMap::new();
    super::detail::detail_unnamed(conn, as_of, only, |d| {
        *owed.entry(d.item.customer_id).or_default() += d.interest_due();
        Ok(())
    })?;
    let mut less = dunning::interest_posted(conn, as_of)?;
    for (installment, waived) in store_interest::waived(conn, as_of)? {
        *less.entry(installment).or_default() += waived;
    }
    for (customer, settled_late) in late_interest::owed_by_customer(conn, as_of, only, &less)? {
        *owed.entry(customer).or_default() += settled_late;
    }
    let mut out = Interest { as_of, terms: terms.book(), total: Money::ZERO, customers: Vec::new() };
    for c in customers::entries(conn)? {
        let Some(total) = owed.get(&c.id).copied().filter(|t| !t.is_zero()) else { continue };
        out.total += total;
        let rate_per_day = terms.for_customer(c.id).rates.at(as_of);
        out.customers.push(CustomerInterest { code: c.code, rate_per_day, total, invoices: Vec::new() });
    }
    out.customers.sort_by(|a, b| b.total.cmp(&a.total).then_with(|| a.code.cmp(&b.code)));
    Ok(out)
}

/// Invoice lines the interest report holds in memory (about 80 bytes
/// each, [`OwedSpill`]) before it puts them in a temporary table: the
/// 10^6 bench book has 623,277; the 10^7 one about six million.
pub const HELD_LINES: usize = 1_000_000;

/// [`interest`] for a report of any size: its customers are held, its
/// invoices' lines go to an [`OwedSpill`] (which holds up to `hold` of them
/// in memory, then puts them in a temporary table) and are read back,
/// customers in the report's order, by [`OwedSpill::for_each`]. The
/// customers' `invoices` are left empty; their ids come in the report's
/// order.
pub fn interest_spilled(conn: &Connection, as_of: NaiveDate, only: Option<i64>, hold: usize) -> Result<Spilled<'_>> {
    let mut spill = OwedSpill::new(conn, hold)?;
    let (report, ids) = build(conn, as_of, only, false, Some(&mut spill), false)?;
    spill.rank(ids.iter().copied())?;
    Ok(Spilled { report, ids, invoices: spill })
}

/// The interest report whose invoices were put aside.
pub struct Spilled<'c> {
    pub report: Interest,
    /// Each customer's id, in the order of `report.customers`.
    pub ids: Vec<i64>,
    pub invoices: OwedSpill<'c>,
}

/// The report and each customer's id in the order of its customers. With
/// a spill, the invoices' lines go there; without, `keep` says whether
/// they are kept in the report (or only the totals).
fn build(
    conn: &Connection,
    as_of: NaiveDate,
    only: Option<i64>,
    from_history: bool,
    spill: Option<&mut OwedSpill>,
    keep: bool,
) -> Result<(Interest, Vec<i64>)> {
    let terms = Terms::load(conn, as_of)?;
    let out = Interest { as_of, terms: terms.book(), total: Money::ZERO, customers: Vec::new() };
    let mut b =
        Builder { out, terms, customers: HashMap::new(), invoices: HashMap::new(), ids: Vec::new(), spill, keep };
    // Open installments come first, then those settled late: a customer
    // may have both.
    let line = |b: &mut Builder, d: DetailLine| -> Result<()> {
        let Some(i) = d.interest.as_ref() else { return Ok(()) };
        b.add(Owed {
            customer_id: d.item.customer_id,
            customer: &d.item.customer,
            invoice_id: d.item.invoice_id,
            invoice: &d.item.invoice,
            accrued: i.interest,
            posted: d.posted,
            waived: d.waived,
        })?;
        Ok(())
    };
    if from_history || !late_interest::usable(conn, as_of)? {
        with_interest(conn, as_of, only, |d| line(&mut b, d))?;
    } else {
        open_lines(conn, as_of, only, |d| line(&mut b, d))?;
        let posted = dunning::interest_posted(conn, as_of)?;
        let waived = store_interest::waived(conn, as_of)?;
        let mut failed = None;
        late_interest::kept_named(conn, as_of, only, |k| {
            let id = k.kept.installment_id;
            let added = b.add(Owed {
                customer_id: k.kept.customer_id,
                customer: &k.customer,
                invoice_id: k.invoice_id,
                invoice: &k.invoice,
                accrued: k.kept.accrued,
                posted: posted.get(&id).copied().unwrap_or_default(),
                waived: waived.get(&id).copied().unwrap_or_default(),
            });
            if let Err(e) = added {
                failed.get_or_insert(e);
            }
        })?;
        if let Some(e) = failed {
            return Err(e);
        }
    }
    let Builder { mut out, ids, .. } = b;
    let mut customers: Vec<(CustomerInterest, i64)> =
        std::mem::take(&mut out.customers).into_iter().zip(ids).filter(|(c, _)| !c.total.is_zero()).collect();
    customers.sort_by(|(a, _), (b, _)| b.total.cmp(&a.total).then_with(|| a.code.cmp(&b.code)));
    let (customers, ids) = customers.into_iter().unzip();
    out.customers = customers;
    Ok((out, ids))
}

/// The book's terms as of a date (a customer's own rate is on its lines).
pub fn book_terms(conn: &Connection, as_of: NaiveDate) -> Result<InterestTerms> {
    Ok(Terms::load(conn, as_of)?.book())
}

/// Every charged part of every installment with interest due as of a date
/// (optionally of one customer), always computed from the settlements (the
/// parts are what it shows), put aside to be read back by customer, due
/// date and invoice ([`PartSpill`]): the report's detail is never held.
/// The installment's accrued, posted, waived and owed amounts ride on its
/// last part.
pub fn detail(conn: &Connection, as_of: NaiveDate, only: Option<i64>) -> Result<PartSpill<'_>> {
    let mut spill = PartSpill::new(conn)?;
    with_interest(conn, as_of, only, |d| {
        let Some(i) = d.interest.as_ref() else { return Ok(()) };
        let owed = (i.interest - d.posted - d.waived).max(Money::ZERO);
        if owed.is_zero() {
            return Ok(());
        }
        let rate_per_day = d.terms.rates.at(as_of);
        for (k, part) in i.accruals.iter().enumerate() {
            spill.push(&PartLine {
                customer: d.item.customer.clone(),
                invoice: d.item.invoice.clone(),
                due_date: d.item.due_date,
                rate_per_day,
                amount: part.amount,
                until: part.until,
                days: part.days,
                exact: part.exact,
                totals: (k + 1 == i.accruals.len()).then_some([i.interest, d.posted, d.waived, owed]),
            })?;
        }
        Ok(())
    })?;
    Ok(spill)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::example::{self, d};

    #[test]
    fn the_kept_figures_give_the_report_the_settlements_give() {
        let ex = example::book();
        let conn = &ex.book.conn;
        late_interest::refresh(conn).unwrap();
        let as_of = d("2026-06-30");
        assert!(late_interest::usable(conn, as_of).unwrap(), "the kept figures answer for the date");
        // B1 was paid in full late (a kept figure); A1 is open with a late part.
        let kept = interest(conn, as_of, None, false).unwrap();
        let numbers: Vec<&str> =
            kept.customers.iter().flat_map(|c| c.invoices.iter().map(|v| v.number.as_str())).collect();
        assert!(numbers.contains(&"B1") && numbers.contains(&"A1"), "{numbers:?}");
        // From the history, every installment is computed from its settlements.
        let computed = interest(conn, as_of, None, true).unwrap();
        assert_eq!(kept.customers, computed.customers);
        assert_eq!(kept.total, computed.total);
        assert!(kept.total.is_positive());
        for only in [Some(ex.a), Some(ex.b)] {
            assert_eq!(
                interest(conn, as_of, only, false).unwrap().customers,
                interest(conn, as_of, only, true).unwrap().customers
            );
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 48, ..Default::default() })]

        /// Whatever happens to a book (payment plans, voids, write-offs,
        /// payments voided), the interest report read from the kept figures
        /// is the one computed from the settlements, as of any date, for the
        /// book and for each customer; and the worklist's interest per
        /// customer is the report's.
        #[test]
        fn the_kept_late_interest_gives_what_the_settlements_give(
            ops in proptest::collection::vec(crate::store::balances_tests::op(), 1..40)
        ) {
            let book = crate::store::balances_tests::play(&ops);
            let conn = &book.conn;
            for as_of in ["2026-01-20", "2026-02-15", "2026-03-31", "2026-05-10", "2026-08-01", "2027-01-01"] {
                let as_of = d(as_of);
                proptest::prop_assert!(late_interest::usable(conn, as_of).unwrap());
                let computed = interest(conn, as_of, None, true).unwrap();
                proptest::prop_assert_eq!(&interest(conn, as_of, None, false).unwrap(), &computed, "as of {}", as_of);
                let mut without_invoices = computed.clone();
                for c in &mut without_invoices.customers {
                    c.invoices.clear();
                }
                proptest::prop_assert_eq!(&interest_totals(conn, as_of, None).unwrap(), &without_invoices);
                for customer in 1..=3i64 {
                    let one = interest(conn, as_of, Some(customer), false).unwrap();
                    let code = customers::get_by_id(conn, customer).unwrap().code;
                    let in_book = computed.customers.iter().find(|c| c.code == code).map_or(Money::ZERO, |c| c.total);
                    proptest::prop_assert_eq!(one.total, in_book, "customer {} as of {}", code, as_of);
                }
                for item in crate::reports::worklist::worklist(conn, as_of, None).unwrap() {
                    let in_book =
                        computed.customers.iter().find(|c| c.code == item.code).map_or(Money::ZERO, |c| c.total);
                    proptest::prop_assert_eq!(item.interest, in_book, "worklist {} as of {}", item.code, as_of);
                }
            }
        }
    }

    /// The detail's parts come back from where they were put aside by
    /// customer, due date and invoice; each installment's owed amount rides
    /// on its last part, and those add up to the report's total, for the
    /// whole book and for each customer.
    #[test]
    fn the_detail_read_back_is_in_order_and_adds_up_to_the_report() {
        let ex = example::book();
        let conn = &ex.book.conn;
        for as_of in ["2026-03-05", "2026-06-30", "2027-01-01"] {
            for only in [None, Some(ex.a), Some(ex.b)] {
                let as_of = d(as_of);
                let parts = detail(conn, as_of, only).unwrap();
                let mut read: Vec<PartLine> = Vec::new();
                parts
                    .for_each(|p| -> Result<()> {
                        read.push(p);
                        Ok(())
                    })
                    .unwrap();
                let keys: Vec<_> = read.iter().map(|p| (p.customer.clone(), p.due_date, p.invoice.clone())).collect();
                let mut sorted = keys.clone();
                sorted.sort();
                assert_eq!(keys, sorted, "as of {as_of}, {only:?}");
                let owed: Money = read.iter().filter_map(|p| p.totals).map(|t| t[3]).sum();
                assert_eq!(owed, interest(conn, as_of, only, true).unwrap().total, "as of {as_of}, {only:?}");
                // Read twice (a table is measured, then written): the same.
                let mut again = Vec::new();
                parts
                    .for_each(|p| -> Result<()> {
                        again.push(p);
                        Ok(())
                    })
                    .unwrap();
                assert_eq!(again, read);
                if as_of == d("2027-01-01") && only.is_none() {
                    assert!(owed.is_positive() && read.len() > 1, "the example owes interest by then");
                }
            }
        }
    }
}
