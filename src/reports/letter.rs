//! A collection letter's figures for one customer at one ladder level.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::detail::{Terms, with_interest};
use crate::ledger::Money;
use crate::output::Lang;
use crate::store::{Connection, Result};

/// Which letter a ladder level sends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Reminder,
    Formal,
    FinalNotice,
    Lawyer,
}

impl Kind {
    /// Levels 0–2 remind, 3 is the formal dunning letter, 4 the final notice
    /// before stop of supply, 5 and above the lawyer's letter.
    pub fn for_level(level: u8) -> Kind {
        match level {
            0..=2 => Kind::Reminder,
            3 => Kind::Formal,
            4 => Kind::FinalNotice,
            _ => Kind::Lawyer,
        }
    }

    pub fn slug(self) -> &'static str {
        match self {
            Kind::Reminder => "reminder",
            Kind::Formal => "dunning-letter",
            Kind::FinalNotice => "final-notice",
            Kind::Lawyer => "lawyers-letter",
        }
    }
}

/// One installment on a letter.
#[derive(Clone, Debug)]
pub struct LetterLine {
    pub invoice: String,
    pub due_date: NaiveDate,
    pub days_late: i64,
    pub balance: Money,
    pub interest: Money,
}

/// Everything a letter says.
#[derive(Clone, Debug)]
pub struct Letter {
    pub kind: Kind,
    pub level: u8,
    pub lang: Lang,
    pub date: NaiveDate,
    pub pay_by: NaiveDate,
    pub company: String,
    pub company_email: Option<String>,
    pub company_phone: Option<String>,
    pub bank: String,
    pub currency: String,
    pub customer_code: String,
    pub customer: String,
    pub contact: Option<String>,
    pub contact_email: Option<String>,
    pub lines: Vec<LetterLine>,
    /// The customer's daily interest rate, e.g. 0.0005.
    pub rate_per_day: Decimal,
    /// Each daily rate in force on some day the letter's interest counts,
    /// with the day it started (one entry when the rate never changed).
    pub rates: Vec<(NaiveDate, Decimal)>,
    pub grace_days: i64,
}

impl Letter {
    pub fn overdue(&self) -> Money {
        self.lines.iter().filter(|l| l.days_late > 0).map(|l| l.balance).sum()
    }

    pub fn interest(&self) -> Money {
        self.lines.iter().map(|l| l.interest).sum()
    }

    pub fn total(&self) -> Money {
        self.lines.iter().map(|l| l.balance).sum::<Money>() + self.interest()
    }
}

/// The letter for a customer at a ladder level, as of a date: the undisputed
/// open installments due by then (or within the reminder window of three
/// days), each with its late interest as `dun interest` computes it.
pub fn letter(conn: &Connection, customer_id: i64, as_of: NaiveDate, level: u8, lang: Lang) -> Result<Letter> {
    use crate::store::customers::{self, Role};
    let settings = crate::store::book_settings(conn)?;
    let c = customers::get_by_id(conn, customer_id)?;
    let payer = c.contacts.iter().find(|x| x.role == Role::Payer);
    let window = as_of.checked_add_days(chrono::Days::new(3)).unwrap_or(as_of);
    let terms = Terms::load(conn, as_of)?.for_customer(customer_id);
    let mut lines = Vec::new();
    // Open installments due by the window, and paid ones whose late parts
    // still owe interest.
    with_interest(conn, as_of, Some(customer_id), |d| {
        if !d.item.disputed && d.item.due_date <= window && (d.balance.is_positive() || d.interest_due().is_positive())
        {
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
    let first_due = lines.iter().map(|l| l.due_date).min().unwrap_or(as_of);
    let rates = terms.rates.used(first_due, as_of).into_iter().map(|s| (s.from, s.rate)).collect();
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
        rate_per_day: terms.rates.at(as_of),
        rates,
        grace_days: terms.grace_days,
    })
}
