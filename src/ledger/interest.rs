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

/// One reduction of an installment (a payment allocation, a discount or a
/// write-off) that took effect on or before the as-of date.
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
    /// Days charged: days late less grace and less days in dispute, never negative.
    pub days: i64,
    /// amount × Σ the daily rate of each day charged, exact (not rounded).
    pub exact: Decimal,
}

/// The interest on one installment with the inputs that produced it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InstallmentInterest {
    pub accruals: Vec<Accrual>,
    /// Σ exact accruals, rounded once to the cent.
    pub interest: Money,
}

/// A daily rate and the first day it is in force.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateStep {
    pub from: NaiveDate,
    pub rate: Decimal,
}

/// The daily rate over time (DESIGN §2: rates are effective-dated). Each
/// step is in force from its day until the next step's; the first is in
/// force before its day too, so a book that never changed its rate has one
/// step. Never empty.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rates(Vec<RateStep>);

impl Rates {
    /// One rate, always.
    pub fn flat(rate: Decimal) -> Rates {
        Rates(vec![RateStep { from: NaiveDate::MIN, rate }])
    }

    /// Steps in any order; a later step on the same day replaces an earlier
    /// one. With no step at all, `fallback` is the rate.
    pub fn new(mut steps: Vec<RateStep>, fallback: Decimal) -> Rates {
        if steps.is_empty() {
            return Rates::flat(fallback);
        }
        steps.sort_by_key(|s| s.from);
        let mut out: Vec<RateStep> = Vec::with_capacity(steps.len());
        for s in steps {
            match out.last_mut() {
                Some(last) if last.from == s.from => *last = s,
                _ => out.push(s),
            }
        }
        Rates(out)
    }

    /// A customer's own rate where it has one, the book's elsewhere: each
    /// step of `own` is `Some(rate)` or `None` (back to the book's rate).
    pub fn with_overrides(&self, own: &[(NaiveDate, Option<Decimal>)]) -> Rates {
        if own.is_empty() {
            return self.clone();
        }
        let mut own = own.to_vec();
        own.sort_by_key(|o| o.0);
        let own_at = |day: NaiveDate| own.iter().rev().find(|o| o.0 <= day).and_then(|o| o.1);
        let mut days: Vec<NaiveDate> =
            [NaiveDate::MIN].into_iter().chain(self.0.iter().map(|s| s.from)).chain(own.iter().map(|o| o.0)).collect();
        days.sort();
        days.dedup();
        let steps = days.into_iter().map(|from| RateStep { from, rate: own_at(from).unwrap_or(self.at(from)) });
        Rates::new(steps.collect(), self.0[0].rate)
    }

    /// The rate in force on `day`.
    pub fn at(&self, day: NaiveDate) -> Decimal {
        self.0.iter().rev().find(|s| s.from <= day).unwrap_or(&self.0[0]).rate
    }

    pub fn steps(&self) -> &[RateStep] {
        &self.0
    }

    /// The distinct rates in force on some day of `(after, through]`, with
    /// the first day each starts in that span, oldest first.
    pub fn used(&self, after: NaiveDate, through: NaiveDate) -> Vec<RateStep> {
        let mut out: Vec<RateStep> = Vec::new();
        let Some(first) = after.succ_opt() else { return out };
        if first > through {
            return out;
        }
        out.push(RateStep { from: first, rate: self.at(first) });
        for s in self.0.iter().filter(|s| s.from > first && s.from <= through) {
            if out.last().is_some_and(|l| l.rate != s.rate) {
                out.push(*s);
            }
        }
        out
    }

    /// Σ over the days of `(after, through]` not inside `excluded` of the
    /// rate of each day, and how many such days. Each excluded span is
    /// `[from, until)`, `until` `None` when still open.
    fn charge(&self, after: NaiveDate, through: NaiveDate, excluded: &[Span]) -> (i64, Decimal) {
        if through <= after {
            return (0, Decimal::ZERO);
        }
        // Cut (after, through] where a rate starts or a span begins or ends.
        let mut cuts: Vec<NaiveDate> = vec![after, through];
        let inside = |d: NaiveDate| d > after && d < through;
        cuts.extend(self.0.iter().filter_map(|s| s.from.pred_opt()).filter(|d| inside(*d)));
        for span in excluded {
            cuts.extend([span.from.pred_opt(), span.until.and_then(|u| u.pred_opt())].into_iter().flatten());
        }
        cuts.retain(|d| *d >= after && *d <= through);
        cuts.sort();
        cuts.dedup();
        let mut days = 0;
        let mut sum = Decimal::ZERO;
        for w in cuts.windows(2) {
            // The segment (w[0], w[1]]: one rate, in or out of every span.
            let first = w[0].succ_opt().unwrap_or(w[0]);
            if excluded.iter().any(|s| s.covers(first)) {
                continue;
            }
            let n = (w[1] - w[0]).num_days();
            days += n;
            sum += self.at(first) * Decimal::from(n);
        }
        (days, sum)
    }
}

/// Days that bear no interest: `[from, until)`, open-ended while `until` is
/// `None` (an open dispute).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Span {
    pub from: NaiveDate,
    pub until: Option<NaiveDate>,
}

impl Span {
    fn covers(&self, day: NaiveDate) -> bool {
        day >= self.from && self.until.is_none_or(|u| day < u)
    }
}

/// Terms of the interest calculation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InterestTerms {
    pub rates: Rates,
    pub grace_days: i64,
}

impl Default for InterestTerms {
    fn default() -> InterestTerms {
        InterestTerms { rates: Rates::flat(default_rate()), grace_days: 0 }
    }
}

impl InterestTerms {
    /// One rate, always, and `grace_days`.
    pub fn flat(rate_per_day: Decimal, grace_days: i64) -> InterestTerms {
        InterestTerms { rates: Rates::flat(rate_per_day), grace_days }
    }
}

/// Interest on an installment of `amount` due on `due`, reduced by
/// `settlements` (any order; those after `as_of` are ignored), as of `as_of`.
/// Every part accrues from the day after its due date (plus grace) until
/// the day it was settled, or the as-of date while unsettled: a part paid
/// late has earned its days whether or not the installment is still open.
/// Days inside `excluded` (open or resolved disputes) bear nothing.
pub fn installment_interest(
    due: NaiveDate,
    amount: Money,
    settlements: &[Settlement],
    as_of: NaiveDate,
    terms: &InterestTerms,
    excluded: &[Span],
) -> InstallmentInterest {
    let mut sorted: Vec<&Settlement> = settlements.iter().filter(|s| s.date <= as_of).collect();
    sorted.sort_by_key(|s| s.date);
    let start = due.checked_add_days(chrono::Days::new(terms.grace_days.max(0) as u64)).unwrap_or(NaiveDate::MAX);
    let mut left = amount;
    let mut accruals = Vec::new();
    let mut push = |part: Money, until: NaiveDate| {
        let (days, rate_days) = terms.rates.charge(start, until, excluded);
        accruals.push(Accrual { amount: part, until, days, exact: part.as_decimal() * rate_days });
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
            &InterestTerms::default(),
            &[],
        );
        assert_eq!(r.interest, m(11_000));
        let days: Vec<i64> = r.accruals.iter().map(|a| a.days).collect();
        assert_eq!(days, vec![10, 30]);
    }

    #[test]
    fn nothing_accrues_before_the_due_date_or_on_it() {
        let t = InterestTerms::default();
        assert_eq!(
            installment_interest(d(2026, 1, 31), m(100_000), &[], d(2026, 1, 31), &t, &[]).interest,
            Money::ZERO
        );
        assert_eq!(installment_interest(d(2026, 1, 31), m(100_000), &[], d(2026, 1, 1), &t, &[]).interest, Money::ZERO);
        // One day late: 1,000.00 × 0.0005 × 1 = 0.50
        assert_eq!(installment_interest(d(2026, 1, 31), m(100_000), &[], d(2026, 2, 1), &t, &[]).interest, m(50));
    }

    #[test]
    fn paid_on_time_accrues_nothing() {
        let r = installment_interest(
            d(2026, 1, 31),
            m(100_000),
            &[Settlement { date: d(2026, 1, 30), amount: m(100_000) }],
            d(2026, 6, 1),
            &InterestTerms::default(),
            &[],
        );
        assert_eq!(r.interest, Money::ZERO);
    }

    #[test]
    fn grace_days_are_not_charged() {
        let t = InterestTerms::flat(default_rate(), 5);
        // 10 days late, 5 of grace → 5 days on 1,000.00 = 2.50
        assert_eq!(installment_interest(d(2026, 1, 31), m(100_000), &[], d(2026, 2, 10), &t, &[]).interest, m(250));
        assert_eq!(installment_interest(d(2026, 1, 31), m(100_000), &[], d(2026, 2, 4), &t, &[]).interest, Money::ZERO);
    }

    #[test]
    fn payments_after_the_as_of_date_do_not_stop_interest() {
        let r = installment_interest(
            d(2026, 1, 31),
            m(100_000),
            &[Settlement { date: d(2026, 3, 1), amount: m(100_000) }],
            d(2026, 2, 10),
            &InterestTerms::default(),
            &[],
        );
        assert_eq!(r.interest, m(500));
    }

    #[test]
    fn rounding_happens_once_per_installment() {
        // Two parts of 0.005 each would round to 0.01 + 0.01 separately; once, they are 0.01.
        let t = InterestTerms::flat(Decimal::new(5, 4), 0);
        let r = installment_interest(
            d(2026, 1, 1),
            m(2_000),
            &[Settlement { date: d(2026, 1, 2), amount: m(1_000) }],
            d(2026, 1, 2),
            &t,
            &[],
        );
        // 10.00 × 0.0005 × 1 + 10.00 × 0.0005 × 1 = 0.005 + 0.005 = 0.01
        assert_eq!(r.interest, m(1));
    }

    #[test]
    fn a_part_paid_late_keeps_the_interest_it_earned() {
        // 10,000.00 due 2026-01-31, paid in full 2026-03-02: 30 days × 5.00,
        // as of the payment day and as of any later day.
        let paid = [Settlement { date: d(2026, 3, 2), amount: m(1_000_000) }];
        let t = InterestTerms::default();
        for as_of in [d(2026, 3, 2), d(2026, 3, 31), d(2027, 1, 1)] {
            assert_eq!(installment_interest(d(2026, 1, 31), m(1_000_000), &paid, as_of, &t, &[]).interest, m(15_000));
        }
    }

    #[test]
    fn each_day_is_charged_at_the_rate_in_force_that_day() {
        // 0.05 % until 2026-02-28, 0.03 % from 2026-03-01: 10,000.00 due
        // 2026-01-31, unpaid, as of 2026-03-31 → 28 × 5.00 + 31 × 3.00 = 233.00.
        let rates = Rates::new(
            vec![
                RateStep { from: d(2020, 1, 1), rate: Decimal::new(5, 4) },
                RateStep { from: d(2026, 3, 1), rate: Decimal::new(3, 4) },
            ],
            default_rate(),
        );
        let t = InterestTerms { rates, grace_days: 0 };
        let r = installment_interest(d(2026, 1, 31), m(1_000_000), &[], d(2026, 3, 31), &t, &[]);
        assert_eq!((r.interest, r.accruals[0].days), (m(23_300), 59));
        let used = t.rates.used(d(2026, 1, 31), d(2026, 3, 31));
        assert_eq!(
            used.iter().map(|s| (s.from, s.rate)).collect::<Vec<_>>(),
            [(d(2026, 2, 1), Decimal::new(5, 4)), (d(2026, 3, 1), Decimal::new(3, 4))]
        );
    }

    #[test]
    fn a_customers_own_rate_applies_from_its_day_and_the_book_rate_elsewhere() {
        let book = Rates::new(vec![RateStep { from: d(2026, 6, 1), rate: Decimal::new(4, 4) }], default_rate());
        let own = book.with_overrides(&[(d(2026, 3, 1), Some(Decimal::new(1, 4))), (d(2026, 4, 1), None)]);
        assert_eq!(own.at(d(2026, 2, 28)), Decimal::new(4, 4), "the book's first step reaches back");
        assert_eq!(own.at(d(2026, 3, 15)), Decimal::new(1, 4));
        assert_eq!(own.at(d(2026, 4, 1)), Decimal::new(4, 4));
        assert_eq!(own.at(d(2026, 7, 1)), Decimal::new(4, 4));
    }

    #[test]
    fn days_in_dispute_bear_no_interest() {
        // Due 2026-01-31, disputed from 2026-02-11 to 2026-03-01 (resolved
        // that day): February 1–10 and March 1–31 are charged, 41 days.
        let span = [Span { from: d(2026, 2, 11), until: Some(d(2026, 3, 1)) }];
        let t = InterestTerms::default();
        let r = installment_interest(d(2026, 1, 31), m(1_000_000), &[], d(2026, 3, 31), &t, &span);
        assert_eq!((r.accruals[0].days, r.interest), (41, m(20_500)));
        // Still open: nothing from its first day on.
        let open = [Span { from: d(2026, 2, 11), until: None }];
        let r = installment_interest(d(2026, 1, 31), m(1_000_000), &[], d(2026, 3, 31), &t, &open);
        assert_eq!((r.accruals[0].days, r.interest), (10, m(5_000)));
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
            let t = InterestTerms::flat(default_rate(), grace);
            let at = |off: i64| due + chrono::Days::new(off as u64);
            let early = installment_interest(due, m(amount), &settlements, at(a.min(b)), &t, &[]);
            let late = installment_interest(due, m(amount), &settlements, at(a.max(b)), &t, &[]);
            prop_assert!(early.interest <= late.interest);
        }

        #[test]
        fn charged_days_are_the_late_days_outside_every_span(
            late in 0i64..400, grace in 0i64..20,
            spans in prop::collection::vec((0i64..400, prop::option::of(0i64..400)), 0..3),
        ) {
            let due = d(2026, 1, 31);
            let day = |off: i64| due + chrono::Days::new(off as u64);
            let spans: Vec<Span> = spans.iter().map(|(a, b)| Span { from: day(*a), until: b.map(|b| day(a + b)) }).collect();
            let t = InterestTerms::flat(default_rate(), grace);
            let r = installment_interest(due, m(100_000), &[], day(late), &t, &spans);
            // Day by day, the slow way.
            let expected = (grace + 1..=late).filter(|off| !spans.iter().any(|s| s.covers(day(*off)))).count() as i64;
            prop_assert_eq!(r.accruals[0].days, expected);
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
            let r = installment_interest(due, m(amount), &settlements, due + chrono::Days::new(as_of as u64), &InterestTerms::default(), &[]);
            let parts: Money = r.accruals.iter().map(|a| a.amount).sum();
            prop_assert_eq!(parts, m(amount));
            prop_assert!(!r.interest.is_negative());
        }
    }
}
