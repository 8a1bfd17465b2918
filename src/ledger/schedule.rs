//! Installment schedules: when each part of an invoice falls due.

use chrono::{Datelike, NaiveDate};

use super::{LedgerError, Money, date::add_months};

/// One part of an invoice that falls due on its own date.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Installment {
    pub due_date: NaiveDate,
    pub amount: Money,
}

/// How the user asked for the invoice to fall due.
#[derive(Clone, Debug)]
pub enum DuePlan {
    /// One installment on this date.
    On(NaiveDate),
    /// One installment `days` after the issue date.
    Terms(u32),
    /// `parts` equal monthly installments, the first on `first_due`; the
    /// remainder cents go on the last one.
    Split { parts: u32, first_due: NaiveDate },
    /// Explicit installments; they must add up to the amount.
    Explicit(Vec<Installment>),
}

/// The schedule of an invoice, sorted by due date. Every installment is
/// positive, none is due before the issue date, and the parts add up to
/// `amount` exactly.
pub fn build_schedule(issue: NaiveDate, amount: Money, plan: &DuePlan) -> Result<Vec<Installment>, LedgerError> {
    let mut parts = match plan {
        DuePlan::On(due) => vec![Installment { due_date: *due, amount }],
        DuePlan::Terms(days) => {
            let due = issue
                .checked_add_days(chrono::Days::new(u64::from(*days)))
                .ok_or_else(|| LedgerError::BadDate(format!("{issue} + {days} days")))?;
            vec![Installment { due_date: due, amount }]
        }
        DuePlan::Split { parts, first_due } => {
            if *parts == 0 || *parts > 120 {
                return Err(LedgerError::BadSplit(*parts));
            }
            let n = i64::from(*parts);
            let total = amount.cents();
            let each = total / n;
            if each == 0 {
                return Err(LedgerError::BadSplit(*parts));
            }
            (0..n)
                .map(|i| Installment {
                    due_date: add_months(*first_due, i as u32),
                    amount: Money::from_cents(if i == n - 1 { total - each * (n - 1) } else { each }),
                })
                .collect()
        }
        DuePlan::Explicit(list) => {
            let sum: Money = list.iter().map(|i| i.amount).sum();
            if list.is_empty() || sum != amount {
                return Err(LedgerError::InstallmentsMismatch { sum, amount });
            }
            if let Some(bad) = list.iter().find(|i| !i.amount.is_positive()) {
                return Err(LedgerError::NotPositive(bad.amount.plain()));
            }
            list.clone()
        }
    };
    if let Some(far) = parts.iter().find(|p| p.due_date.year() > 9999) {
        return Err(LedgerError::BadDate(far.due_date.to_string()));
    }
    if let Some(early) = parts.iter().find(|p| p.due_date < issue) {
        return Err(LedgerError::DueBeforeIssue { due: early.due_date, issue });
    }
    parts.sort_by_key(|p| p.due_date);
    Ok(parts)
}

/// How a payment plan's installments are asked for.
#[derive(Clone, Debug)]
pub enum PlanAsk {
    /// N equal monthly installments, the first one month after the plan's
    /// date; the remainder cents on the last.
    Split(u32),
    /// These installments; they must add up to the open balance exactly.
    Explicit(Vec<Installment>),
}

/// Why a payment plan cannot be made as asked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PlanRefusal {
    /// The installments add up to `sum`, the open balance is `open`: `by`
    /// too much (`over`) or too little.
    Mismatch {
        sum: Money,
        open: Money,
        by: Money,
        over: bool,
    },
    /// An installment falls due before the plan's date.
    DueBefore {
        due: NaiveDate,
        from: NaiveDate,
    },
    Schedule(LedgerError),
}

/// The schedule of a payment plan agreed on `from` for an open balance
/// `open` (DESIGN §2 Invoice), sorted by due date.
pub fn plan_schedule(from: NaiveDate, open: Money, ask: &PlanAsk) -> Result<Vec<Installment>, PlanRefusal> {
    let plan = match ask {
        PlanAsk::Split(parts) => DuePlan::Split { parts: *parts, first_due: add_months(from, 1) },
        PlanAsk::Explicit(list) => {
            let sum: Money = list.iter().map(|i| i.amount).sum();
            if sum != open {
                let over = sum > open;
                let by = if over { sum - open } else { open - sum };
                return Err(PlanRefusal::Mismatch { sum, open, by, over });
            }
            if let Some(early) = list.iter().find(|i| i.due_date < from) {
                return Err(PlanRefusal::DueBefore { due: early.due_date, from });
            }
            DuePlan::Explicit(list.clone())
        }
    };
    build_schedule(from, open, &plan).map_err(PlanRefusal::Schedule)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn terms_count_days_from_issue() {
        let s = build_schedule(d(2026, 1, 31), Money::from_cents(100), &DuePlan::Terms(30)).unwrap();
        assert_eq!(s, vec![Installment { due_date: d(2026, 3, 2), amount: Money::from_cents(100) }]);
    }

    #[test]
    fn split_puts_remainder_cents_on_the_last_part() {
        let s = build_schedule(
            d(2026, 1, 1),
            Money::from_cents(10_000),
            &DuePlan::Split { parts: 3, first_due: d(2026, 1, 31) },
        )
        .unwrap();
        let amounts: Vec<i64> = s.iter().map(|i| i.amount.cents()).collect();
        let dues: Vec<NaiveDate> = s.iter().map(|i| i.due_date).collect();
        assert_eq!(amounts, vec![3_333, 3_333, 3_334]);
        assert_eq!(dues, vec![d(2026, 1, 31), d(2026, 2, 28), d(2026, 3, 31)]);
    }

    #[test]
    fn explicit_installments_must_add_up() {
        let plan = DuePlan::Explicit(vec![
            Installment { due_date: d(2026, 2, 1), amount: Money::from_cents(60) },
            Installment { due_date: d(2026, 3, 1), amount: Money::from_cents(30) },
        ]);
        let err = build_schedule(d(2026, 1, 1), Money::from_cents(100), &plan).unwrap_err();
        assert!(matches!(err, LedgerError::InstallmentsMismatch { .. }));
    }

    #[test]
    fn nothing_falls_due_before_the_invoice_exists() {
        let err = build_schedule(d(2026, 1, 10), Money::from_cents(100), &DuePlan::On(d(2026, 1, 9))).unwrap_err();
        assert!(matches!(err, LedgerError::DueBeforeIssue { .. }));
    }

    #[test]
    fn due_dates_stay_within_four_digit_years() {
        let err = build_schedule(d(9999, 12, 31), Money::from_cents(100), &DuePlan::Terms(30)).unwrap_err();
        assert!(matches!(err, LedgerError::BadDate(_)));
    }

    #[test]
    fn a_split_too_fine_for_the_amount_is_refused() {
        let plan = DuePlan::Split { parts: 3, first_due: d(2026, 1, 1) };
        assert!(build_schedule(d(2026, 1, 1), Money::from_cents(2), &plan).is_err());
    }

    #[test]
    fn a_plan_split_starts_one_month_after_its_date_and_puts_the_remainder_last() {
        let s = plan_schedule(d(2026, 11, 30), Money::from_cents(3_000_000), &PlanAsk::Split(3)).unwrap();
        let got: Vec<(NaiveDate, i64)> = s.iter().map(|i| (i.due_date, i.amount.cents())).collect();
        assert_eq!(
            got,
            [(d(2026, 12, 30), 1_000_000), (d(2027, 1, 30), 1_000_000), (d(2027, 2, 28), 1_000_000)],
            "month ends clamp (30 February is the 28th)"
        );
        let s = plan_schedule(d(2026, 11, 30), Money::from_cents(1_000_001), &PlanAsk::Split(3)).unwrap();
        assert_eq!(s.iter().map(|i| i.amount.cents()).collect::<Vec<_>>(), [333_333, 333_333, 333_335]);
    }

    #[test]
    fn a_plan_given_by_installments_must_add_up_to_the_open_balance_and_not_fall_due_before_it() {
        let part = |m, c| Installment { due_date: d(2026, m, 28), amount: Money::from_cents(c) };
        let ask = PlanAsk::Explicit(vec![part(12, 1_000_000), part(11, 1_500_000)]);
        assert_eq!(
            plan_schedule(d(2026, 11, 1), Money::from_cents(3_000_000), &ask),
            Err(PlanRefusal::Mismatch {
                sum: Money::from_cents(2_500_000),
                open: Money::from_cents(3_000_000),
                by: Money::from_cents(500_000),
                over: false
            })
        );
        let s = plan_schedule(d(2026, 11, 1), Money::from_cents(2_500_000), &ask).unwrap();
        assert_eq!(s[0], part(11, 1_500_000), "sorted by due date");
        assert_eq!(
            plan_schedule(d(2026, 11, 29), Money::from_cents(2_500_000), &ask),
            Err(PlanRefusal::DueBefore { due: d(2026, 11, 28), from: d(2026, 11, 29) })
        );
    }

    proptest::proptest! {
        #[test]
        fn a_plan_split_moves_exactly_the_open_balance_and_falls_due_after_its_date(
            open in 1i64..10_000_000_000,
            parts in 1u32..=120,
            day in 0u64..3000,
        ) {
            let from = d(2026, 1, 1) + chrono::Days::new(day);
            match plan_schedule(from, Money::from_cents(open), &PlanAsk::Split(parts)) {
                Ok(s) => {
                    proptest::prop_assert_eq!(s.len(), parts as usize);
                    proptest::prop_assert_eq!(s.iter().map(|i| i.amount).sum::<Money>(), Money::from_cents(open));
                    proptest::prop_assert!(s.iter().all(|i| i.amount.is_positive() && i.due_date > from));
                }
                Err(e) => proptest::prop_assert!(open < i64::from(parts), "{:?}", e),
            }
        }
    }
}
