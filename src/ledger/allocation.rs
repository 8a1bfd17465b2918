//! Allocation: how a payment (or unapplied credit) is spread over open installments.
//!
//! Rules (DESIGN §2): to the invoices named, in the order named; otherwise oldest
//! due installment first (FIFO). An allocation never exceeds a balance, and the
//! parts plus the unapplied remainder always add up to the payment exactly.

use chrono::NaiveDate;

use super::Money;

/// An open installment that can receive money.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    /// The installment's id in the book (opaque here).
    pub id: i64,
    pub due_date: NaiveDate,
    pub issue_date: NaiveDate,
    pub balance: Money,
}

/// Money placed on one installment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Part {
    pub target: i64,
    pub amount: Money,
}

/// The outcome of allocating one amount.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Allocation {
    pub parts: Vec<Part>,
    /// What is left over: unapplied credit on the customer.
    pub unapplied: Money,
}

/// Sort targets oldest due first; ties by issue date, then by id (entry order).
pub fn sort_fifo(targets: &mut [Target]) {
    targets.sort_by_key(|t| (t.due_date, t.issue_date, t.id));
}

/// Allocate `amount` over `targets` in the order given, filling each before the next.
/// Targets with no balance are passed over. A non-positive amount allocates nothing.
pub fn allocate(amount: Money, targets: &[Target]) -> Allocation {
    let mut left = if amount.is_positive() { amount } else { Money::ZERO };
    let mut parts = Vec::new();
    for t in targets {
        if left.is_zero() {
            break;
        }
        if !t.balance.is_positive() {
            continue;
        }
        let take = left.min(t.balance);
        parts.push(Part { target: t.id, amount: take });
        left -= take;
    }
    Allocation { parts, unapplied: left }
}

/// The date an allocation takes effect: the later of the payment's date and
/// the invoice's issue date (credit applied to a later invoice reduces it from
/// that invoice's date on).
pub fn effective_date(payment_date: NaiveDate, issue_date: NaiveDate) -> NaiveDate {
    payment_date.max(issue_date)
}

/// Unapplied credit available on a customer: a payment and what is left of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Credit {
    pub payment: i64,
    pub available: Money,
}

/// One credit placed on one installment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CreditUse {
    pub payment: i64,
    pub target: i64,
    pub amount: Money,
}

/// Apply credits (oldest first, as given) to targets (in the order given).
/// Each credit is used up before the next; each target is filled before the next.
pub fn apply_credits(credits: &[Credit], targets: &[Target]) -> Vec<CreditUse> {
    let mut balances: Vec<Money> = targets.iter().map(|t| t.balance).collect();
    let mut uses = Vec::new();
    let mut ti = 0;
    for c in credits {
        let mut left = if c.available.is_positive() { c.available } else { Money::ZERO };
        while !left.is_zero() && ti < targets.len() {
            if !balances[ti].is_positive() {
                ti += 1;
                continue;
            }
            let take = left.min(balances[ti]);
            uses.push(CreditUse { payment: c.payment, target: targets[ti].id, amount: take });
            left -= take;
            balances[ti] -= take;
        }
    }
    uses
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 1, day).unwrap()
    }

    fn t(id: i64, due: u32, cents: i64) -> Target {
        Target { id, due_date: d(due), issue_date: d(1), balance: Money::from_cents(cents) }
    }

    #[test]
    fn fifo_pays_the_oldest_due_first() {
        let mut ts = vec![t(1, 20, 500), t(2, 10, 300), t(3, 15, 400)];
        sort_fifo(&mut ts);
        let a = allocate(Money::from_cents(600), &ts);
        assert_eq!(
            a.parts,
            vec![
                Part { target: 2, amount: Money::from_cents(300) },
                Part { target: 3, amount: Money::from_cents(300) }
            ]
        );
        assert_eq!(a.unapplied, Money::ZERO);
    }

    #[test]
    fn overpayment_leaves_unapplied_credit() {
        let a = allocate(Money::from_cents(1_000), &[t(1, 10, 300)]);
        assert_eq!(a.parts, vec![Part { target: 1, amount: Money::from_cents(300) }]);
        assert_eq!(a.unapplied, Money::from_cents(700));
    }

    #[test]
    fn credit_reduces_a_later_invoice_from_its_issue_date() {
        assert_eq!(effective_date(d(5), d(20)), d(20));
        assert_eq!(effective_date(d(25), d(20)), d(25));
    }

    #[test]
    fn credits_are_used_oldest_first() {
        let credits = vec![
            Credit { payment: 7, available: Money::from_cents(100) },
            Credit { payment: 8, available: Money::from_cents(250) },
        ];
        let uses = apply_credits(&credits, &[t(1, 10, 200), t(2, 11, 100)]);
        assert_eq!(
            uses,
            vec![
                CreditUse { payment: 7, target: 1, amount: Money::from_cents(100) },
                CreditUse { payment: 8, target: 1, amount: Money::from_cents(100) },
                CreditUse { payment: 8, target: 2, amount: Money::from_cents(100) },
            ]
        );
    }

    fn targets() -> impl Strategy<Value = Vec<Target>> {
        prop::collection::vec((1u32..28, 0i64..1_000_000), 0..12)
            .prop_map(|v| v.into_iter().enumerate().map(|(i, (due, cents))| t(i as i64, due, cents)).collect())
    }

    proptest! {
        #[test]
        fn allocation_conserves_money(amount in 0i64..5_000_000, ts in targets()) {
            let a = allocate(Money::from_cents(amount), &ts);
            let placed: Money = a.parts.iter().map(|p| p.amount).sum();
            prop_assert_eq!(placed + a.unapplied, Money::from_cents(amount));
            prop_assert!(!a.unapplied.is_negative());
        }

        #[test]
        fn no_installment_goes_below_zero(amount in 0i64..5_000_000, ts in targets()) {
            let a = allocate(Money::from_cents(amount), &ts);
            for p in &a.parts {
                let target = ts.iter().find(|t| t.id == p.target).unwrap();
                prop_assert!(p.amount.is_positive());
                prop_assert!(p.amount <= target.balance);
            }
        }

        #[test]
        fn fifo_never_skips_an_unpaid_earlier_installment(amount in 0i64..5_000_000, mut ts in targets()) {
            sort_fifo(&mut ts);
            let a = allocate(Money::from_cents(amount), &ts);
            // Every target before the last one touched is paid in full.
            if let Some(last) = a.parts.last() {
                let pos = ts.iter().position(|t| t.id == last.target).unwrap();
                for t in &ts[..pos] {
                    let got: Money = a.parts.iter().filter(|p| p.target == t.id).map(|p| p.amount).sum();
                    prop_assert_eq!(got, t.balance.max(Money::ZERO));
                }
            }
            // Credit is left over only when every balance is paid.
            if a.unapplied.is_positive() {
                let open: Money = ts.iter().map(|t| t.balance).sum();
                let placed: Money = a.parts.iter().map(|p| p.amount).sum();
                prop_assert_eq!(placed, open);
            }
        }

        #[test]
        fn credits_conserve_money(cs in prop::collection::vec(0i64..300_000, 0..6), ts in targets()) {
            let credits: Vec<Credit> = cs.iter().enumerate()
                .map(|(i, c)| Credit { payment: i as i64, available: Money::from_cents(*c) }).collect();
            let uses = apply_credits(&credits, &ts);
            for c in &credits {
                let used: Money = uses.iter().filter(|u| u.payment == c.payment).map(|u| u.amount).sum();
                prop_assert!(used <= c.available);
            }
            for t in &ts {
                let got: Money = uses.iter().filter(|u| u.target == t.id).map(|u| u.amount).sum();
                prop_assert!(got <= t.balance.max(Money::ZERO));
            }
            let total_credit: Money = credits.iter().map(|c| c.available).sum();
            let total_open: Money = ts.iter().map(|t| t.balance).sum();
            let used: Money = uses.iter().map(|u| u.amount).sum();
            prop_assert_eq!(used, total_credit.min(total_open));
        }
    }
}
