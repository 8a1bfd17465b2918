//! Late-payment interest (违约金): simple interest per day on overdue balances.
//!
//! For one installment, each part of it accrues from the day after its due
//! date until the day it was paid (or written off), or until the as-of date
//! while still unpaid. Days charged for a part = max(0, days late − grace).
//! The interest of the installment is Σ part × rate × days, computed exactly
//! and rounded once, half away from zero, to the cent.
//!
//! Worked example (DESIGN §2): 10,000.00 due 2026-01-31, 4,000.00 paid
//! 2026-02-10, the rest unpaid, as of 2026-03-02, 0.05 %/day:
//! 4,000 × 0.0005 × 10 + 6,000 × 0.0005 × 30 = 20.00 + 90.00 = 110.00.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::{LedgerError, Money};

/// The default rate: 0.05 % per day.
pub fn default_rate() -> Decimal {
    Decimal::new(5, 4)
}

/// Parse a daily rate given as a fraction (`0.0005`) or a percentage (`0.05%`).
pub fn parse_rate(text: &str) -> Result<Decimal, LedgerError> {
    let t = text.trim();
    let bad = || LedgerError::BadRate(t.to_string());
    let (num, pct) = match t.strip_suffix('%') {
        Some(n) => (n.trim(), true),
        None => (t, false),
    };
    let mut r: Decimal = num.parse().map_err(|_| bad())?;
    if pct {
        r /= Decimal::ONE_HUNDRED;
    }
    if r.is_sign_negative() || r >= Decimal::ONE {
        return Err(bad());
    }
    Ok(r.normalize())
}

/// One reduction of an installment (a payment allocation or a write-off)
/// that took effect on or before the as-of date.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Settlement {
    pub date: NaiveDate,
    pub amount: Money,
}

/// A part of an installment and the days it was charged.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Accrual {
    pub amount: Money,
    /// The last day counted: the settlement date, or the as-of date.
    pub until: NaiveDate,
    /// Days late minus grace, never negative.
    pub days: i64,
    /// amount × rate × days, exact (not rounded).
    pub exact: Decimal,
}

/// The interest on one installment with the inputs that produced it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InstallmentInterest {
    pub accruals: Vec<Accrual>,
    /// Σ exact accruals, rounded once to the cent.
    pub interest: Money,
}

/// Terms of the interest calculation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InterestTerms {
    pub rate_per_day: Decimal,
    pub grace_days: i64,
}

impl Default for InterestTerms {
    fn default() -> InterestTerms {
        InterestTerms { rate_per_day: default_rate(), grace_days: 0 }
    }
}

/// Interest on an installment of `amount` due on `due`, reduced by
/// `settlements` (any order; those after `as_of` are ignored), as of `as_of`.
pub fn installment_interest(
    due: NaiveDate,
    amount: Money,
    settlements: &[Settlement],
    as_of: NaiveDate,
    terms: InterestTerms,
) -> InstallmentInterest {
    let mut sorted: Vec<&Settlement> = settlements.iter().filter(|s| s.date <= as_of).collect();
    sorted.sort_by_key(|s| s.date);
    let mut left = amount;
    let mut accruals = Vec::new();
    let mut push = |part: Money, until: NaiveDate| {
        let late = (until - due).num_days();
        let days = (late - terms.grace_days).max(0);
        let exact = part.as_decimal() * terms.rate_per_day * Decimal::from(days);
        accruals.push(Accrual { amount: part, until, days, exact });
    };
    for s in sorted {
        if !left.is_positive() {
            break;
        }
        let part = s.amount.min(left);
        push(part, s.date);
        left -= part;
    }
    if left.is_positive() {
        push(left, as_of);
    }
    let total: Decimal = accruals.iter().map(|a| a.exact).sum();
    InstallmentInterest { accruals, interest: Money::round(total) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn m(cents: i64) -> Money {
        Money::from_cents(cents)
    }

    #[test]
    fn the_design_worked_example_is_110() {
        let r = installment_interest(
            d(2026, 1, 31),
            m(1_000_000),
            &[Settlement { date: d(2026, 2, 10), amount: m(400_000) }],
            d(2026, 3, 2),
            InterestTerms::default(),
        );
        assert_eq!(r.interest, m(11_000));
        let days: Vec<i64> = r.accruals.iter().map(|a| a.days).collect();
        assert_eq!(days, vec![10, 30]);
    }

    #[test]
    fn nothing_accrues_before_the_due_date_or_on_it() {
        let t = InterestTerms::default();
        assert_eq!(installment_interest(d(2026, 1, 31), m(100_000), &[], d(2026, 1, 31), t).interest, Money::ZERO);
        assert_eq!(installment_interest(d(2026, 1, 31), m(100_000), &[], d(2026, 1, 1), t).interest, Money::ZERO);
        // One day late: 1,000.00 × 0.0005 × 1 = 0.50
        assert_eq!(installment_interest(d(2026, 1, 31), m(100_000), &[], d(2026, 2, 1), t).interest, m(50));
    }

    #[test]
    fn paid_on_time_accrues_nothing() {
        let r = installment_interest(
            d(2026, 1, 31),
            m(100_000),
            &[Settlement { date: d(2026, 1, 30), amount: m(100_000) }],
            d(2026, 6, 1),
            InterestTerms::default(),
        );
        assert_eq!(r.interest, Money::ZERO);
    }

    #[test]
    fn grace_days_are_not_charged() {
        let t = InterestTerms { rate_per_day: default_rate(), grace_days: 5 };
        // 10 days late, 5 of grace → 5 days on 1,000.00 = 2.50
        assert_eq!(installment_interest(d(2026, 1, 31), m(100_000), &[], d(2026, 2, 10), t).interest, m(250));
        assert_eq!(installment_interest(d(2026, 1, 31), m(100_000), &[], d(2026, 2, 4), t).interest, Money::ZERO);
    }

    #[test]
    fn payments_after_the_as_of_date_do_not_stop_interest() {
        let r = installment_interest(
            d(2026, 1, 31),
            m(100_000),
            &[Settlement { date: d(2026, 3, 1), amount: m(100_000) }],
            d(2026, 2, 10),
            InterestTerms::default(),
        );
        assert_eq!(r.interest, m(500));
    }

    #[test]
    fn rounding_happens_once_per_installment() {
        // Two parts of 0.005 each would round to 0.01 + 0.01 separately; once, they are 0.01.
        let t = InterestTerms { rate_per_day: Decimal::new(5, 4), grace_days: 0 };
        let r = installment_interest(
            d(2026, 1, 1),
            m(2_000),
            &[Settlement { date: d(2026, 1, 2), amount: m(1_000) }],
            d(2026, 1, 2),
            t,
        );
        // 10.00 × 0.0005 × 1 + 10.00 × 0.0005 × 1 = 0.005 + 0.005 = 0.01
        assert_eq!(r.interest, m(1));
    }

    #[test]
    fn rates_parse_as_fraction_or_percent() {
        assert_eq!(parse_rate("0.0005").unwrap(), Decimal::new(5, 4));
        assert_eq!(parse_rate("0.05%").unwrap(), Decimal::new(5, 4));
        assert!(parse_rate("-0.1").is_err());
        assert!(parse_rate("1").is_err());
        assert!(parse_rate("abc").is_err());
    }

    proptest! {
        #[test]
        fn interest_never_decreases_as_the_as_of_date_advances(
            amount in 1i64..100_000_000,
            pays in prop::collection::vec((0i64..200, 1i64..50_000_000), 0..4),
            a in 0i64..400, b in 0i64..400, grace in 0i64..10,
        ) {
            let due = d(2026, 1, 31);
            let settlements: Vec<Settlement> = pays.iter()
                .map(|(off, c)| Settlement { date: due + chrono::Days::new(*off as u64), amount: m(*c) })
                .collect();
            let t = InterestTerms { rate_per_day: default_rate(), grace_days: grace };
            let at = |off: i64| due + chrono::Days::new(off as u64);
            let early = installment_interest(due, m(amount), &settlements, at(a.min(b)), t);
            let late = installment_interest(due, m(amount), &settlements, at(a.max(b)), t);
            prop_assert!(early.interest <= late.interest);
        }

        #[test]
        fn accrued_parts_add_up_to_the_installment(
            amount in 1i64..100_000_000,
            pays in prop::collection::vec((0i64..200, 1i64..50_000_000), 0..4),
            as_of in 0i64..400,
        ) {
            let due = d(2026, 1, 31);
            let settlements: Vec<Settlement> = pays.iter()
                .map(|(off, c)| Settlement { date: due + chrono::Days::new(*off as u64), amount: m(*c) })
                .collect();
            let r = installment_interest(due, m(amount), &settlements, due + chrono::Days::new(as_of as u64), InterestTerms::default());
            let parts: Money = r.accruals.iter().map(|a| a.amount).sum();
            prop_assert_eq!(parts, m(amount));
            prop_assert!(!r.interest.is_negative());
        }
    }
}
