//! Parsers for what the user types or a CSV cell holds: amounts, dates,
//! scores and payment methods. Each names the option or column it read in
//! its error, in English and Chinese. A leaf below the commands, the
//! importers and the context, so every one of them parses the same way.

use crate::error::{Error, Result};
use crate::ledger::Money;
use crate::store::payments::Method;

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

/// Parse a payment method (English or Chinese).
pub fn parse_method(what: &str, text: &str) -> Result<Method> {
    Method::parse(text).ok_or_else(|| {
        Error::user(
            format!("{what}: '{text}' is not a method (bank, cash, cheque, alipay, wechat, other)"),
            format!("{what}：“{text}”不是收款方式（bank、cash、cheque、alipay、wechat、other）"),
        )
    })
}
