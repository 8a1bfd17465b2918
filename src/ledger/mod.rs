//! The pure accounts-receivable domain: no clock, no files, no database.
//!
//! # Glossary
//! - **Invoice**: a claim on a customer, issued on its *issue date*, for an amount
//!   split into one or more **installments**.
//! - **Installment**: a part of an invoice with its own **due date** and amount.
//!   Aging, interest and collection work per installment.
//! - **Balance** of an installment: its amount minus the allocations that took
//!   effect on or before a date.
//! - **Allocation**: part of a payment (or of unapplied credit) placed on an
//!   installment. It takes effect on the later of the payment date and the
//!   invoice's issue date.
//! - **Unapplied credit**: the part of a payment not allocated to any installment.
//! - **Days past due**: `as_of − due_date` in days; zero or less is *current*.
//! - **Grace days**: days past due that are not charged interest.
//! - **As-of date**: the date a report is drawn at. Nothing dated after it counts.
//!   It is always a parameter here; this module never reads the clock.
//!
//! # Money and rounding
//! Money is [`Money`], a `rust_decimal::Decimal` at exactly two places, stored as
//! integer minor units. Sums and differences are exact. The only rounding is to
//! the cent, half away from zero, done once per computed figure (for interest,
//! once per installment), never on intermediate products.

pub mod aging;
pub mod allocation;
pub mod credit;
pub mod date;
pub mod interest;
pub mod ladder;
pub mod matching;
pub mod metrics;
pub mod money;
pub mod reason;
pub mod schedule;
pub mod vat;

pub use money::Money;

use chrono::NaiveDate;

/// Domain errors: bad values and broken rules. Each has an English text
/// (`Display`) and a Chinese one ([`LedgerError::zh`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LedgerError {
    #[error("'{0}' is not an amount (expected e.g. 1234.50)")]
    BadAmount(String),
    #[error("'{0}': use a point for decimals; a comma only separates thousands (1,234.50)")]
    CommaAmount(String),
    #[error("amount '{0}' has more than 2 decimals")]
    TooManyDecimals(String),
    #[error("amount '{0}' is too large (at most 1,000,000,000,000.00)")]
    AmountTooLarge(String),
    #[error("amount '{0}' must be greater than zero")]
    NotPositive(String),
    #[error("'{0}' is not a valid date (expected 2026-11-22, 2026/11/22, 20261122 or today)")]
    BadDate(String),
    #[error("'{0}' is not a valid month (expected 2026-10)")]
    BadMonth(String),
    #[error("installments add up to {sum}, not to the invoice amount {amount}")]
    InstallmentsMismatch { sum: Money, amount: Money },
    #[error("cannot split into {0} parts (1 to 120, at least 0.01 each)")]
    BadSplit(u32),
    #[error("due date {due} is before the issue date {issue}")]
    DueBeforeIssue { due: NaiveDate, issue: NaiveDate },
    #[error("'{0}' is not a list of bucket edges (increasing days, e.g. 30,60,90,180)")]
    BadBuckets(String),
    #[error("'{0}' is not a daily interest rate (e.g. 0.0005 or 0.05%)")]
    BadRate(String),
    #[error("invalid collection ladder: {0}")]
    BadLadder(String),
    #[error("'{0}' is not six provision rates in percent, non-decreasing (e.g. 5,10,30,50,80,100)")]
    BadRates(String),
}

impl LedgerError {
    /// The Chinese text of the error.
    pub fn zh(&self) -> String {
        match self {
            LedgerError::BadAmount(s) => format!("“{s}”不是有效金额（例如 1234.50）"),
            LedgerError::CommaAmount(s) => format!("“{s}”：小数请用小数点；逗号只用作千位分隔（1,234.50）"),
            LedgerError::TooManyDecimals(s) => format!("金额“{s}”超过两位小数"),
            LedgerError::AmountTooLarge(s) => format!("金额“{s}”过大（最多 1,000,000,000,000.00）"),
            LedgerError::NotPositive(s) => format!("金额“{s}”必须大于零"),
            LedgerError::BadDate(s) => {
                format!("“{s}”不是有效日期（应为 2026-11-22、2026/11/22、20261122 或 today）")
            }
            LedgerError::BadMonth(s) => format!("“{s}”不是有效月份（应为 2026-10）"),
            LedgerError::InstallmentsMismatch { sum, amount } => {
                format!("分期合计 {sum} 与发票金额 {amount} 不符")
            }
            LedgerError::BadSplit(n) => format!("无法分为 {n} 期（1 至 120 期，每期至少 0.01）"),
            LedgerError::DueBeforeIssue { due, issue } => {
                format!("到期日 {due} 早于开票日 {issue}")
            }
            LedgerError::BadBuckets(s) => {
                format!("“{s}”不是账龄分段（递增天数，例如 30,60,90,180）")
            }
            LedgerError::BadRate(s) => format!("“{s}”不是日利率（例如 0.0005 或 0.05%）"),
            LedgerError::BadLadder(s) => format!("催收阶梯无效：{s}"),
            LedgerError::BadRates(s) => format!("“{s}”不是六个递增的计提比例（例如 5,10,30,50,80,100）"),
        }
    }
}
