//! Parsers for what the user types or a CSV cell holds: amounts, dates,
//! scores and payment methods. Each names the option or column it read in
//! its error, in English and Chinese. A leaf below the commands, the
//! importers and the context, so every one of them parses the same way.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::error::{Error, Result, about, echo};
use crate::ledger::Money;
use crate::output::{is_invisible, is_terminal_control};
use crate::store::customers::{Contact, Role};
use crate::store::payments::Method;

/// Parse a positive amount given for `what` (an option or argument name).
pub fn positive_amount(what: &str, text: &str) -> Result<Money> {
    Money::parse_positive(text).map_err(|e| about(what, &e))
}

/// Parse a non-negative amount (a credit limit may be zero).
pub fn amount_at_least_zero(what: &str, text: &str) -> Result<Money> {
    let m = Money::parse(text).map_err(|e| about(what, &e))?;
    if m.is_negative() {
        let (en, zh) = echo(text);
        return Err(Error::user(format!("{what}: '{en}' cannot be negative"), format!("{what}：“{zh}”不能为负")));
    }
    Ok(m)
}

/// Parse a date given for `what` (an option or column name).
pub fn date(what: &str, text: &str, today: NaiveDate) -> Result<NaiveDate> {
    crate::ledger::date::parse_date(text, today).map_err(|e| about(what, &e))
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
        let (en, zh) = echo(text);
        Error::user(
            format!("{what}: '{en}' is not a method (bank, cash, cheque, alipay, wechat, acceptance, other)"),
            format!("{what}：“{zh}”不是收款方式（bank、cash、cheque、alipay、wechat、acceptance、other）"),
        )
    })
}

/// Parse an early-payment discount `2/10` (2 % within 10 days).
pub fn discount(text: &str) -> Result<(String, u32)> {
    let bad = || {
        let (en, zh) = echo(text);
        Error::user(
            format!("--discount: '{en}' should be PERCENT/DAYS, e.g. 2/10"),
            format!("--discount：“{zh}”应为 百分比/天数，例如 2/10"),
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

/// A customer code as typed or imported: refused when it holds a character
/// that cannot be seen (a byte-order mark, a zero-width space or joiner, a
/// control character), which would make two codes look alike. The code is
/// echoed with such characters escaped.
pub fn customer_code(text: &str) -> Result<&str> {
    match text.chars().find(|&c| is_invisible(c) || is_terminal_control(c)) {
        None => Ok(text),
        Some(c) => {
            let (en, zh) = echo(text);
            let u = format!("U+{:04X}", c as u32);
            Err(Error::user(
                format!("customer code '{en}' contains an invisible character ({u}); type the code again without it"),
                format!("客户代码“{zh}”含有不可见字符（{u}）；请重新输入代码，去掉该字符"),
            ))
        }
    }
}

/// An invoice date no further than `years` (the setting `horizon_years`)
/// after today: 2062 for 2026 is a typo, not an invoice.
pub fn within_horizon(what: &str, d: NaiveDate, today: NaiveDate, years: u32) -> Result<()> {
    let last = today.checked_add_months(chrono::Months::new(years.saturating_mul(12))).unwrap_or(NaiveDate::MAX);
    if d <= last {
        return Ok(());
    }
    Err(Error::user(
        format!(
            "{what}: {d} is more than {years} years after today ({today}); check the date, or raise the setting \
             horizon_years (huikuan config set horizon_years 10)"
        ),
        format!(
            "{what}：{d} 晚于今天（{today}）{years} 年以上；请核对日期，或调大设置 horizon_years\
             （huikuan config set horizon_years 10）"
        ),
    ))
}

/// A text that must say something (a reason): trimmed, never empty.
pub fn required_text<'a>(what: &str, text: &'a str) -> Result<&'a str> {
    let t = text.trim();
    if t.is_empty() {
        return Err(Error::user(format!("{what} cannot be empty"), format!("{what} 不能为空")));
    }
    Ok(t)
}

/// Parse a contact `ROLE:NAME[:PHONE[:EMAIL]]` given for `what` (`--contact`,
/// or the `contacts` column; a full-width `：` separates too), ROLE
/// decision, acceptance or payer (决策人, 验收人, 付款人).
pub fn contact(what: &str, text: &str) -> Result<Contact> {
    let mut parts = text.splitn(4, [':', '：']).map(str::trim);
    let role = parts.next().and_then(Role::parse);
    let name = parts.next().filter(|n| !n.is_empty());
    let opt = |s: Option<&str>| s.filter(|s| !s.is_empty()).map(str::to_string);
    match (role, name) {
        (Some(role), Some(name)) => {
            Ok(Contact { role, name: name.to_string(), phone: opt(parts.next()), email: opt(parts.next()) })
        }
        _ => Err(Error::user(
            format!("{what}: '{text}' should be ROLE:NAME[:PHONE[:EMAIL]] with ROLE decision, acceptance or payer"),
            format!(
                "{what}：“{text}”应为 角色:姓名[:电话[:邮箱]]，角色为 decision（决策人）、acceptance（验收人）或 payer（付款人）"
            ),
        )),
    }
}

/// Parse an overdue reason given for `what` (a code or its Chinese name).
pub fn overdue_reason(what: &str, text: &str) -> Result<crate::ledger::reason::OverdueReason> {
    crate::ledger::reason::OverdueReason::parse(text).ok_or_else(|| {
        let (en, zh) = echo(text);
        Error::user(
            format!("{what}: '{en}' is not an overdue reason (cash-flow, quality, documents, internal, wilful, other)"),
            format!(
                "{what}：“{zh}”不是逾期原因（cash-flow 客户资金困难、quality 产品/质量异议、documents 资料/发票不全、internal 内部沟通、wilful 恶意拖欠、other 其他）"
            ),
        )
    })
}
