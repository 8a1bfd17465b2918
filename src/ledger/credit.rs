//! Credit grades and credit control.

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use super::Money;

/// Credit grade from a 0–100 score (DESIGN §2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Grade {
    /// ≥ 80: excellent, credit terms.
    A,
    /// 60–79: good, credit or installments.
    B,
    /// 40–59: fair, prepayment or installments.
    C,
    /// < 40: poor, prepayment only, limit 0.
    D,
}

impl Grade {
    pub fn from_score(score: u8) -> Grade {
        match score {
            80.. => Grade::A,
            60..=79 => Grade::B,
            40..=59 => Grade::C,
            _ => Grade::D,
        }
    }

    pub fn letter(self) -> &'static str {
        match self {
            Grade::A => "A",
            Grade::B => "B",
            Grade::C => "C",
            Grade::D => "D",
        }
    }

    /// What the grade allows, in English and Chinese.
    pub fn policy(self) -> (&'static str, &'static str) {
        match self {
            Grade::A => ("excellent: credit terms", "优秀：可赊销"),
            Grade::B => ("good: credit or installments", "良好：赊销或分期"),
            Grade::C => ("fair: prepayment or installments", "中：预付或分期"),
            Grade::D => ("poor: prepayment only", "差：仅预付"),
        }
    }
}

/// What credit control needs to know about a customer before a new invoice.
#[derive(Clone, Debug)]
pub struct CreditFacts {
    pub on_hold: bool,
    pub score: Option<u8>,
    /// `None` means no limit was set.
    pub limit: Option<Money>,
    /// Open invoice balances minus unapplied credit, before the new invoice.
    pub exposure: Money,
}

/// Why credit control refuses a new invoice.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CreditRefusal {
    OnHold,
    GradeD { score: u8 },
    OverLimit { limit: Money, exposure_after: Money },
}

/// Every reason to refuse an invoice of `amount`; empty means it may be issued.
/// A grade-D customer counts as having a limit of zero.
pub fn credit_check(facts: &CreditFacts, amount: Money) -> Vec<CreditRefusal> {
    let mut out = Vec::new();
    if facts.on_hold {
        out.push(CreditRefusal::OnHold);
    }
    if let Some(score) = facts.score
        && Grade::from_score(score) == Grade::D
    {
        out.push(CreditRefusal::GradeD { score });
    }
    let after = facts.exposure + amount;
    if let Some(limit) = facts.limit
        && after > limit
    {
        out.push(CreditRefusal::OverLimit { limit, exposure_after: after });
    }
    out
}

/// One piece of payment history: an amount settled (or still open and
/// overdue) and how many days after its due date.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PaymentRecord {
    pub amount: Money,
    /// Days after the due date; zero or less is on time.
    pub days_late: i64,
}

/// A suggested credit score with the figures it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScoreSuggestion {
    /// Share of the amount paid on or before its due date (0–1).
    pub on_time_share: Decimal,
    /// Amount-weighted average days late (on-time amounts count as 0).
    pub avg_days_late: Decimal,
    pub worst_days_late: i64,
    pub records: usize,
    pub score: u8,
}

/// A customer's payment history summed as it is read: what
/// [`suggest_score`] needs, the same whatever the length of the history
/// (a customer of ten years has millions of records).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PaymentHistory {
    /// The amounts, all of them and those on time.
    total: Decimal,
    on_time: Decimal,
    /// Σ amount × days late (on time counts 0).
    weighted: Decimal,
    /// The most days late (0 when always on time).
    worst: i64,
    records: usize,
}

impl PaymentHistory {
    pub fn add(&mut self, r: PaymentRecord) {
        let amount = r.amount.as_decimal();
        self.total += amount;
        if r.days_late <= 0 {
            self.on_time += amount;
        }
        self.weighted += amount * Decimal::from(r.days_late.max(0));
        self.worst = self.worst.max(r.days_late);
        self.records += 1;
    }
}

impl FromIterator<PaymentRecord> for PaymentHistory {
    fn from_iter<I: IntoIterator<Item = PaymentRecord>>(records: I) -> PaymentHistory {
        let mut h = PaymentHistory::default();
        records.into_iter().for_each(|r| h.add(r));
        h
    }
}

/// Suggest a credit score from payment history:
///
/// ```text
/// score = 40 × on_time_share
///       + 40 × max(0, 1 − avg_days_late / 60)
///       + 20 × max(0, 1 − worst_days_late / 180)
/// ```
///
/// rounded half away from zero. `on_time_share` and `avg_days_late` are
/// weighted by amount. The history is every allocation and write-off that
/// took effect by the as-of date (days late = its date − the installment's due
/// date) plus every balance still overdue then (days late so far). Always on
/// time scores 100; always 10 days late about 52 (C); 90 days late 10 (D).
/// `None` without any history.
pub fn suggest_score(history: &PaymentHistory) -> Option<ScoreSuggestion> {
    let PaymentHistory { total, on_time, weighted, worst, records } = *history;
    if records == 0 || total <= Decimal::ZERO {
        return None;
    }
    let share = on_time / total;
    let avg = weighted / total;
    let one = Decimal::ONE;
    let score = Decimal::from(40) * share
        + Decimal::from(40) * (one - avg / Decimal::from(60)).max(Decimal::ZERO)
        + Decimal::from(20) * (one - Decimal::from(worst) / Decimal::from(180)).max(Decimal::ZERO);
    let score = score
        .round_dp_with_strategy(0, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
        .to_u8()
        .unwrap_or(0)
        .min(100);
    Some(ScoreSuggestion {
        on_time_share: share.round_dp(4),
        avg_days_late: avg.round_dp(1),
        worst_days_late: worst,
        records,
        score,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grade_edges_follow_the_design() {
        assert_eq!(Grade::from_score(100), Grade::A);
        assert_eq!(Grade::from_score(80), Grade::A);
        assert_eq!(Grade::from_score(79), Grade::B);
        assert_eq!(Grade::from_score(60), Grade::B);
        assert_eq!(Grade::from_score(59), Grade::C);
        assert_eq!(Grade::from_score(40), Grade::C);
        assert_eq!(Grade::from_score(39), Grade::D);
        assert_eq!(Grade::from_score(0), Grade::D);
    }

    fn facts(on_hold: bool, score: Option<u8>, limit: Option<i64>, exposure: i64) -> CreditFacts {
        CreditFacts { on_hold, score, limit: limit.map(Money::from_cents), exposure: Money::from_cents(exposure) }
    }

    #[test]
    fn a_customer_in_good_standing_passes() {
        assert!(credit_check(&facts(false, Some(85), Some(10_000), 5_000), Money::from_cents(5_000)).is_empty());
        assert!(credit_check(&facts(false, None, None, 1_000_000), Money::from_cents(5_000)).is_empty());
    }

    #[test]
    fn every_reason_is_reported() {
        let r = credit_check(&facts(true, Some(20), Some(10_000), 8_000), Money::from_cents(2_001));
        assert_eq!(
            r,
            vec![
                CreditRefusal::OnHold,
                CreditRefusal::GradeD { score: 20 },
                CreditRefusal::OverLimit {
                    limit: Money::from_cents(10_000),
                    exposure_after: Money::from_cents(10_001)
                }
            ]
        );
    }

    fn score_of(records: &[PaymentRecord]) -> Option<ScoreSuggestion> {
        suggest_score(&records.iter().copied().collect())
    }

    fn rec(cents: i64, days_late: i64) -> PaymentRecord {
        PaymentRecord { amount: Money::from_cents(cents), days_late }
    }

    #[test]
    fn score_suggestions_follow_the_documented_formula() {
        assert_eq!(score_of(&[]), None);
        assert_eq!(score_of(&[rec(100, 0), rec(500, -3)]).unwrap().score, 100);
        // Always 10 days late: 0 + 40 × (1 − 10/60) + 20 × (1 − 10/180) = 33.33 + 18.89 = 52.2 → 52
        assert_eq!(score_of(&[rec(100, 10), rec(100, 10)]).unwrap().score, 52);
        // Always 90 days late: 0 + 0 + 20 × 0.5 = 10
        assert_eq!(score_of(&[rec(100, 90)]).unwrap().score, 10);
        // Half on time, half 60 late (by amount): 20 + 40 × 0.5 + 20 × (1 − 60/180) = 20 + 20 + 13.33 = 53
        let s = score_of(&[rec(300, 0), rec(300, 60)]).unwrap();
        assert_eq!((s.score, s.worst_days_late, s.records), (53, 60, 2));
        assert_eq!(s.on_time_share, Decimal::new(5, 1));
        assert_eq!(s.avg_days_late, Decimal::from(30));
        // Very late for very long cannot go below zero.
        assert_eq!(score_of(&[rec(100, 2000)]).unwrap().score, 0);
    }

    #[test]
    fn reaching_the_limit_exactly_is_allowed() {
        assert!(credit_check(&facts(false, None, Some(10_000), 8_000), Money::from_cents(2_000)).is_empty());
    }
}
