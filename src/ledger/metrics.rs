//! Month-end metrics and the bad-debt provision.
//!
//! Each figure has one meaning (DESIGN §2 Metrics): *received* is cash
//! dated in the period; *collected* is what was applied to invoices with
//! effect in the period — the same figure as the aging tie-out's change
//! over the period. Credit sales are the invoices issued in the period,
//! late-interest invoices included; discounts and write-offs reduce AR as
//! collections do, so beginning AR + credit sales − ending AR = collected +
//! discounts + written off, and CEI stays within 0–100.
//!
//! - **回款率 (collection rate)** = collected on what fell due in the period
//!   ÷ what fell due in the period × 100.
//! - **DSO** (days sales outstanding) = ending AR ÷ credit sales of the
//!   period × days in the period.
//! - **CEI** (collection effectiveness index) = (beginning AR + credit sales −
//!   ending AR) ÷ (beginning AR + credit sales − ending current AR) × 100.
//! - **Provision (坏账准备)** = Σ balance in each invoice-date aging bucket ×
//!   its rate, rounded per customer and bucket to the cent (half away from
//!   zero), so customer lines add up to the total exactly.
//!
//! Ratios are rounded to one decimal place; a ratio whose denominator is
//! zero is `None` (shown as "—").

use rust_decimal::{Decimal, RoundingStrategy};

use super::{LedgerError, Money};

/// Default provision rates in percent: ≤1y, 1–2y, 2–3y, 3–4y, 4–5y, >5y.
pub const DEFAULT_PROVISION_RATES: [u32; 6] = [5, 10, 30, 50, 80, 100];

/// Parse six percentages `5,10,30,50,80,100` (0–100, non-decreasing).
pub fn parse_provision_rates(text: &str) -> Result<[Decimal; 6], LedgerError> {
    let bad = || LedgerError::BadRates(text.to_string());
    let v: Vec<Decimal> =
        text.split(',').map(|s| s.trim().parse::<Decimal>().map_err(|_| bad())).collect::<Result<_, _>>()?;
    let arr: [Decimal; 6] = v.try_into().map_err(|_| bad())?;
    let ok =
        arr.iter().all(|r| *r >= Decimal::ZERO && *r <= Decimal::ONE_HUNDRED) && arr.windows(2).all(|w| w[0] <= w[1]);
    if ok { Ok(arr) } else { Err(bad()) }
}

/// A balance × a rate in percent, rounded to the cent.
pub fn provision(balance: Money, rate_percent: Decimal) -> Money {
    Money::round(balance.as_decimal() * rate_percent / Decimal::ONE_HUNDRED)
}

fn ratio(num: Decimal, den: Decimal, scale: Decimal) -> Option<Decimal> {
    (!den.is_zero()).then(|| (num / den * scale).round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero))
}

/// The figures of a period for one customer or the whole book.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PeriodFigures {
    pub beginning_ar: Money,
    pub ending_ar: Money,
    pub ending_current: Money,
    pub credit_sales: Money,
    /// Cash dated in the period.
    pub received: Money,
    /// Applied to invoices with effect in the period.
    pub collected: Money,
    /// Early-payment discounts allowed in the period.
    pub discounts: Money,
    /// Written off in the period.
    pub written_off: Money,
    pub fell_due: Money,
    pub collected_on_due: Money,
    pub days: i64,
}

impl PeriodFigures {
    /// 回款率 in percent.
    pub fn collection_rate(&self) -> Option<Decimal> {
        ratio(self.collected_on_due.as_decimal(), self.fell_due.as_decimal(), Decimal::ONE_HUNDRED)
    }

    /// Days sales outstanding.
    pub fn dso(&self) -> Option<Decimal> {
        ratio(self.ending_ar.as_decimal(), self.credit_sales.as_decimal(), Decimal::from(self.days))
    }

    /// Collection effectiveness index in percent.
    pub fn cei(&self) -> Option<Decimal> {
        let base = self.beginning_ar + self.credit_sales;
        ratio((base - self.ending_ar).as_decimal(), (base - self.ending_current).as_decimal(), Decimal::ONE_HUNDRED)
    }

    pub fn add(&mut self, o: &PeriodFigures) {
        self.beginning_ar += o.beginning_ar;
        self.ending_ar += o.ending_ar;
        self.ending_current += o.ending_current;
        self.credit_sales += o.credit_sales;
        self.received += o.received;
        self.collected += o.collected;
        self.discounts += o.discounts;
        self.written_off += o.written_off;
        self.fell_due += o.fell_due;
        self.collected_on_due += o.collected_on_due;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(c: i64) -> Money {
        Money::from_cents(c * 100)
    }

    #[test]
    fn metrics_follow_their_formulas() {
        let f = PeriodFigures {
            beginning_ar: m(10_000),
            ending_ar: m(12_000),
            ending_current: m(7_000),
            credit_sales: m(15_000),
            received: m(14_000),
            collected: m(12_000),
            discounts: m(500),
            written_off: m(500),
            fell_due: m(16_000),
            collected_on_due: m(12_000),
            days: 31,
        };
        // 12,000 / 16,000 = 75.0 %
        assert_eq!(f.collection_rate(), Some(Decimal::new(750, 1)));
        // 12,000 / 15,000 × 31 = 24.8 days
        assert_eq!(f.dso(), Some(Decimal::new(248, 1)));
        // (10,000 + 15,000 − 12,000) / (10,000 + 15,000 − 7,000) = 13,000 / 18,000 = 72.2 %
        assert_eq!(f.cei(), Some(Decimal::new(722, 1)));
        let none = PeriodFigures::default();
        assert_eq!((none.collection_rate(), none.dso(), none.cei()), (None, None, None));
    }

    #[test]
    fn provision_rounds_once_per_cell() {
        assert_eq!(provision(Money::from_cents(12_345), Decimal::from(5)), Money::from_cents(617));
        assert_eq!(provision(Money::from_cents(10), Decimal::from(5)), Money::from_cents(1), "0.005 → 0.01");
        assert!(parse_provision_rates("5,10,30,50,80,100").is_ok());
        assert!(parse_provision_rates("5,10,30").is_err());
        assert!(parse_provision_rates("50,10,30,50,80,100").is_err());
    }
}
