//! Parsers for what the user types or a CSV cell holds: amounts, dates,
//! scores and payment methods. Each names the option or column it read in
//! its error, in English and Chinese. A leaf below the commands, the
//! importers and the context, so every one of them parses the same way.

use rust_decimal::Decimal;

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

/// Parse an early-payment discount `2/10` (2 % within 10 days).
pub fn discount(text: &str) -> Result<(String, u32)> {
    let bad = || {
        Error::user(
            format!("--discount: '{text}' should be PERCENT/DAYS, e.g. 2/10"),
            format!("--discount：“{text}”应为 百分比/天数，例如 2/10"),
        )
    };
    let (p, d) = text.split_once('/').ok_or_else(bad)?;
    let pct = Decimal::from_str_exact(p.trim()).map_err(|_| bad())?;
    if pct <= Decimal::ZERO || pct >= Decimal::ONE_HUNDRED {
        return Err(bad());
    }
    let days = d.trim().parse::<u32>().map_err(|_| bad())?;
    Ok((pct.normalize().to_string(), days))
}
