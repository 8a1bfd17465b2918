//! Overdue money by reason (逾期原因), as of a date.
//!
//! Every installment past due on the as-of date (`as_of − due_date > 0`)
//! with a balance then counts — disputed invoices too, so the total equals
//! the overdue part of `report aging` (everything outside its current
//! bucket). An installment's reason is its invoice's open dispute's when
//! that dispute gives one, else its customer's latest reason as of the date
//! (see [`crate::ledger::reason`]); with none it is *unknown* (未说明).

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::ledger::Money;
use crate::ledger::aging::{AgingRule, Basis, Buckets};
use crate::ledger::reason::OverdueReason;
use crate::store::open_items::open_installments;
use crate::store::{Connection, Result, aging, disputes, dunning};

/// A customer's overdue money under one reason.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReasonLine {
    pub code: String,
    pub name: String,
    /// `None`: no reason given (unknown).
    pub reason: Option<OverdueReason>,
    pub overdue: Money,
    /// Overdue installments.
    pub installments: usize,
}

/// One reason's subtotal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReasonTotal {
    pub reason: Option<OverdueReason>,
    pub overdue: Money,
    pub installments: usize,
    pub customers: usize,
}

/// The report: lines by reason then customer code, a subtotal per reason
/// present, the total, and the aging report's overdue to tie it to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reasons {
    pub as_of: NaiveDate,
    pub lines: Vec<ReasonLine>,
    pub by_reason: Vec<ReasonTotal>,
    pub overdue: Money,
    pub installments: usize,
    /// `report aging`'s total outside its current bucket, as of the date.
    pub aging_overdue: Money,
}

impl Reasons {
    /// Whether the total equals the aging report's overdue.
    pub fn ties(&self) -> bool {
        self.overdue == self.aging_overdue
    }
}

/// Reasons sort as listed in [`OverdueReason::ALL`], unknown last.
fn order(r: Option<OverdueReason>) -> usize {
    r.map_or(OverdueReason::ALL.len(), |r| OverdueReason::ALL.iter().position(|x| *x == r).unwrap_or(0))
}

/// Build the report as of a date.
pub fn reasons(conn: &Connection, as_of: NaiveDate) -> Result<Reasons> {
    let latest = dunning::latest_reasons(conn, as_of, None)?;
    let causes = disputes::open_causes(conn, as_of)?;
    let names: std::collections::HashMap<i64, String> =
        crate::store::customers::entries(conn)?.into_iter().map(|c| (c.id, c.name)).collect();
    // (reason order, code) → line
    let mut lines: BTreeMap<(usize, String), ReasonLine> = BTreeMap::new();
    open_installments(conn, as_of, None, |item| -> Result<()> {
        if (as_of - item.due_date).num_days() <= 0 {
            return Ok(());
        }
        let reason = causes.get(&item.invoice_id).or_else(|| latest.get(&item.customer_id)).copied();
        let line = lines.entry((order(reason), item.customer.clone())).or_insert_with(|| ReasonLine {
            code: item.customer.clone(),
            name: names.get(&item.customer_id).cloned().unwrap_or_default(),
            reason,
            overdue: Money::ZERO,
            installments: 0,
        });
        line.overdue += item.balance();
        line.installments += 1;
        Ok(())
    })?;
    let lines: Vec<ReasonLine> = lines.into_values().collect();
    let mut by_reason: Vec<ReasonTotal> = Vec::new();
    for l in &lines {
        match by_reason.last_mut() {
            Some(t) if t.reason == l.reason => {
                t.overdue += l.overdue;
                t.installments += l.installments;
                t.customers += 1;
            }
            _ => by_reason.push(ReasonTotal {
                reason: l.reason,
                overdue: l.overdue,
                installments: l.installments,
                customers: 1,
            }),
        }
    }
    let rule = AgingRule { basis: Basis::Due, buckets: Buckets::default() };
    let a = aging::aging(conn, &rule, as_of, None)?;
    let aging_overdue = a.tie.buckets - a.grid.totals().first().copied().unwrap_or_default();
    Ok(Reasons {
        as_of,
        overdue: lines.iter().map(|l| l.overdue).sum(),
        installments: lines.iter().map(|l| l.installments).sum(),
        lines,
        by_reason,
        aging_overdue,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reports::provision::test_book::{customer, d, invoice};
    use crate::store::Book;
    use crate::store::dunning::{NewAction, log_action_with_reason};

    #[test]
    fn overdue_money_is_split_by_each_customers_latest_reason_and_a_disputes_own() {
        let book = Book::in_memory();
        let conn = &book.conn;
        let (hy, zx, wd) = (customer(conn, "HY"), customer(conn, "ZX"), customer(conn, "WD"));
        // Issued 08-01 on 30 days' terms: due 08-31, overdue on 10-01.
        invoice(conn, "H1", hy, d(2026, 8, 1), 1_000_000);
        let z1 = invoice(conn, "Z1", zx, d(2026, 8, 1), 300_000);
        invoice(conn, "Z2", zx, d(2026, 8, 1), 200_000);
        invoice(conn, "W1", wd, d(2026, 8, 1), 50_000);
        // Not yet due on 10-01: left out.
        invoice(conn, "H2", hy, d(2026, 9, 15), 70_000);
        let act = |c, day| NewAction {
            customer_id: c,
            date: d(2026, 9, day),
            level: 2,
            channel: "phone",
            note: None,
            note_zh: None,
            outcome: None,
            source: "manual",
        };
        log_action_with_reason(conn, &act(hy, 5), Some(OverdueReason::Documents)).unwrap();
        log_action_with_reason(conn, &act(hy, 20), Some(OverdueReason::CashFlow)).unwrap();
        disputes::open_with_cause(conn, z1, "Z1", d(2026, 9, 10), None, Some(OverdueReason::Quality)).unwrap();
        log_action_with_reason(conn, &act(zx, 21), Some(OverdueReason::Wilful)).unwrap();
        let r = reasons(conn, d(2026, 10, 1)).unwrap();
        let seen: Vec<(&str, Option<OverdueReason>, i64, usize)> =
            r.lines.iter().map(|l| (l.code.as_str(), l.reason, l.overdue.cents(), l.installments)).collect();
        // HY's latest is cash-flow (09-20 over 09-05); ZX's Z1 is in dispute
        // for quality, Z2 takes ZX's latest (wilful, 09-21); WD gave none.
        assert_eq!(
            seen,
            [
                ("HY", Some(OverdueReason::CashFlow), 1_000_000, 1),
                ("ZX", Some(OverdueReason::Quality), 300_000, 1),
                ("ZX", Some(OverdueReason::Wilful), 200_000, 1),
                ("WD", None, 50_000, 1),
            ]
        );
        // 10,000 + 3,000 + 2,000 + 500 = 15,500.00, as aging's overdue.
        assert_eq!(r.overdue, Money::from_cents(1_550_000));
        assert_eq!(r.installments, 4);
        assert!(r.ties(), "{r:?}");
        // Before any reason was given, everything is unknown.
        let early = reasons(conn, d(2026, 9, 4)).unwrap();
        assert_eq!(early.by_reason.len(), 1);
        assert_eq!((early.by_reason[0].reason, early.by_reason[0].customers), (None, 3));
    }
}
