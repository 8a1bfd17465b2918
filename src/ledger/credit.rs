//! Credit grades and credit control.

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

    #[test]
    fn reaching_the_limit_exactly_is_allowed() {
        assert!(credit_check(&facts(false, None, Some(10_000), 8_000), Money::from_cents(2_000)).is_empty());
    }
}
