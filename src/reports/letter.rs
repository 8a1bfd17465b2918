//! A collection letter's figures for one customer at one ladder level.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::detail::{Terms, detail};
use crate::store::{Connection, Result};

/// The letter for a customer at a ladder level, as of a date: the undisputed
/// open installments due by then (or within the reminder window of three
/// days), each with its late interest as `dun interest` computes it.
pub fn letter(
    conn: &Connection,
    customer_id: i64,
    as_of: NaiveDate,
    level: u8,
    lang: crate::output::Lang,
) -> Result<crate::render::letters::Letter> {
    use crate::render::letters::{Kind, Letter, LetterLine};
    use crate::store::customers::{self, Role};
    let settings = crate::store::book_settings(conn)?;
    let c = customers::get_by_id(conn, customer_id)?;
    let payer = c.contacts.iter().find(|x| x.role == Role::Payer);
    let window = as_of.checked_add_days(chrono::Days::new(3)).unwrap_or(as_of);
    let terms = Terms::load(conn)?.for_customer(customer_id);
    let mut lines = Vec::new();
    detail(conn, as_of, Some(customer_id), |d| {
        if !d.item.disputed && d.item.due_date <= window {
            lines.push(LetterLine {
                invoice: d.item.invoice.clone(),
                due_date: d.item.due_date,
                days_late: d.days_past_due,
                balance: d.balance,
                interest: d.interest_due(),
            });
        }
        Ok(())
    })?;
    Ok(Letter {
        kind: Kind::for_level(level),
        level,
        lang,
        date: as_of,
        pay_by: as_of.checked_add_days(chrono::Days::new(7)).unwrap_or(as_of),
        company: if settings.company.is_empty() { "-".into() } else { settings.company },
        company_email: settings.company_email,
        company_phone: settings.company_phone,
        bank: settings.bank.unwrap_or_else(|| "-".into()),
        currency: settings.currency,
        customer_code: c.code.clone(),
        customer: c.name.clone(),
        contact: payer.map(|p| p.name.clone()),
        contact_email: payer.and_then(|p| p.email.clone()).or(c.email.clone()),
        lines,
        rate: format!("{}%", (terms.rate_per_day * Decimal::ONE_HUNDRED).normalize()),
        grace_days: terms.grace_days,
    })
}
