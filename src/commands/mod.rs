//! One module per subcommand: clap `Args` beside its `run`. A command parses
//! its input, calls the store and the ledger in one transaction, and renders.

pub mod backup;
pub mod check;
pub mod close;
pub mod completions;
pub mod config;
pub mod customer;
pub mod demo;
pub mod dun;
pub mod init;
pub mod invoice;
pub mod log;
pub mod pay;
pub mod reconcile;
pub mod report;

use crate::error::{Error, Result};
use crate::ledger::Money;

/// Parse a positive amount given for `what` (an option or argument name).
pub fn positive_amount(what: &str, text: &str) -> Result<Money> {
    Money::parse_positive(text).map_err(|e| Error::user(format!("{what}: {e}"), format!("{what}：{}", e.zh())))
}

/// Parse a non-negative amount (a credit limit may be zero).
pub fn amount_at_least_zero(what: &str, text: &str) -> Result<Money> {
    let m = Money::parse(text).map_err(|e| Error::user(format!("{what}: {e}"), format!("{what}：{}", e.zh())))?;
    if m.is_negative() {
        return Err(Error::user(format!("{what}: '{text}' cannot be negative"), format!("{what}：“{text}”不能为负")));
    }
    Ok(m)
}

/// Parse a date given for `what` (an option or column name).
pub fn date(what: &str, text: &str, today: chrono::NaiveDate) -> Result<chrono::NaiveDate> {
    crate::ledger::date::parse_date(text, today)
        .map_err(|e| Error::user(format!("{what}: {e}"), format!("{what}：{}", e.zh())))
}

/// Check a credit score (0–100).
pub fn score(what: &str, n: u32) -> Result<u8> {
    u8::try_from(n).ok().filter(|s| *s <= 100).ok_or_else(|| {
        Error::user(format!("{what}: {n} is not a score from 0 to 100"), format!("{what}：{n} 不是 0–100 的评分"))
    })
}
