//! The customer card: one customer's details, contacts, credit, balances
//! and open invoices, as `huikuan customer show` reports them.

use chrono::NaiveDate;
use serde::Serialize;

use crate::ledger::Money;
use crate::ledger::credit::{Grade, ScoreSuggestion, suggest_score};
use crate::store::customers::{self, Contact};
use crate::store::invoices::{self, Status};
use crate::store::{Connection, Result, history};

/// An open or disputed invoice of the customer.
#[derive(Serialize)]
pub struct OpenInvoice {
    pub number: String,
    pub issue_date: chrono::NaiveDate,
    pub next_due: Option<chrono::NaiveDate>,
    pub amount: Money,
    pub balance: Money,
    pub status: Status,
}

/// Everything the card shows (also its JSON shape).
#[derive(Serialize)]
pub struct Details {
    pub code: String,
    pub name: String,
    pub terms_days: u32,
    pub credit_limit: Option<Money>,
    pub credit_score: Option<u8>,
    pub grade: Option<&'static str>,
    pub on_hold: bool,
    pub hold_reason: Option<String>,
    /// The hold reason in Chinese, when huikuan stopped supply itself.
    pub hold_reason_zh: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub notes: Option<String>,
    pub salesperson: Option<String>,
    /// `cutoff_day`, `pay_days` (a list) and `invoice_needs`.
    #[serde(flatten)]
    pub payables: customers::PayablesFacts,
    /// The customer's latest overdue reason (逾期原因) as of the date, its
    /// code (`cash-flow` …); null when none was given.
    pub overdue_reason: Option<&'static str>,
    /// The customer's own late-interest rate steps, oldest first: `from`
    /// (null: always) and the daily `rate` (null: back to the book's). Empty
    /// when the book's rate applies throughout.
    pub interest_rates: Vec<RateStepJson>,
    pub aliases: Vec<String>,
    pub accounts: Vec<String>,
    pub contacts: Vec<Contact>,
    pub open: Money,
    pub unapplied: Money,
    pub balance: Money,
    /// The open invoices shown: all of them, or the first
    /// [`INVOICES_SHOWN`] (oldest issued first) unless `--all` is given.
    pub invoices: Vec<OpenInvoice>,
    /// How many open invoices the customer has, shown or not.
    pub invoices_open: usize,
}

/// How many open invoices the card lists without `--all`.
pub const INVOICES_SHOWN: usize = 20;

/// One step of a customer's own rate history.
#[derive(Serialize)]
pub struct RateStepJson {
    pub from: Option<NaiveDate>,
    pub rate: Option<String>,
}

/// The card of the customer with code `code` as of a date (the date
/// decides only its latest overdue reason), with its first
/// [`INVOICES_SHOWN`] open invoices, or all of them with `all`.
pub fn details(conn: &Connection, code: &str, as_of: NaiveDate, all: bool) -> Result<Details> {
    let c = customers::get(conn, code)?;
    let overdue_reason = crate::store::dunning::latest_reasons(conn, as_of, Some(c.id))?.remove(&c.id);
    let b = customers::balances(conn, c.id)?;
    let mut rates: Vec<RateStepJson> = crate::store::interest::customer_rate_steps(conn)?
        .remove(&c.id)
        .unwrap_or_default()
        .into_iter()
        .map(|(from, rate)| RateStepJson {
            from: (from != crate::store::interest::ALWAYS).then_some(from),
            rate: rate.map(|r| r.normalize().to_string()),
        })
        .collect();
    rates.retain(|r| r.from.is_some() || r.rate.is_some());
    let (open, invoices_open) = invoices::open_of_customer(conn, c.id, (!all).then_some(INVOICES_SHOWN))?;
    let invoices: Vec<OpenInvoice> = open
        .into_iter()
        .map(|r| OpenInvoice {
            number: r.number,
            issue_date: r.issue_date,
            next_due: r.next_due,
            amount: r.amount,
            balance: r.balance,
            status: r.status,
        })
        .collect();
    let payables = customers::payables_facts(conn, c.id)?;
    Ok(Details {
        payables,
        grade: c.credit_score.map(|s| Grade::from_score(s).letter()),
        code: c.code,
        name: c.name,
        terms_days: c.terms_days,
        credit_limit: c.credit_limit,
        credit_score: c.credit_score,
        on_hold: c.on_hold,
        hold_reason: c.hold_reason,
        hold_reason_zh: c.hold_reason_zh,
        email: c.email,
        phone: c.phone,
        notes: c.notes,
        salesperson: c.salesperson,
        overdue_reason: overdue_reason.map(|r| r.as_str()),
        interest_rates: rates,
        aliases: c.aliases,
        accounts: c.accounts,
        contacts: c.contacts,
        open: b.open,
        unapplied: b.credit,
        balance: b.net(),
        invoices,
        invoices_open,
    })
}

/// A customer's suggested credit score, from its payment history.
pub struct ScoreRow {
    pub id: i64,
    pub code: String,
    pub name: String,
    /// The score stored now, if any.
    pub current: Option<u8>,
    pub suggestion: ScoreSuggestion,
}

/// Suggested scores as of `as_of` (DESIGN's formula in
/// [`suggest_score`]), for every customer with payment history or only for
/// the customer `only`, in the customer list's order.
pub fn score_suggestions(conn: &Connection, as_of: NaiveDate, only: Option<i64>) -> Result<Vec<ScoreRow>> {
    let history = history::payment_history(conn, as_of, only)?;
    let mut rows = Vec::new();
    for c in customers::entries(conn)? {
        if only.is_some_and(|o| o != c.id) {
            continue;
        }
        let Some(suggestion) = history.get(&c.id).and_then(suggest_score) else { continue };
        rows.push(ScoreRow { id: c.id, code: c.code, name: c.name, current: c.credit_score, suggestion });
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::test_book::with;

    #[test]
    fn the_card_shows_the_customer_with_its_grade_and_no_open_invoices() {
        let book = with(
            "code,name,terms_days,credit_limit,credit_score,aliases\nACME,Acme Ltd.,45,50000,85,ACME CO\n",
            "number,customer,issue_date,amount\n",
        );
        let day = NaiveDate::from_ymd_opt(2026, 10, 31).unwrap();
        let d = details(&book.conn, "ACME", day, false).unwrap();
        assert_eq!((d.name.as_str(), d.terms_days, d.grade), ("Acme Ltd.", 45, Some("A")));
        assert_eq!(d.aliases, ["ACME CO"]);
        assert_eq!((d.open, d.unapplied, d.balance), (Money::ZERO, Money::ZERO, Money::ZERO));
        assert!(d.invoices.is_empty());
        assert_eq!(d.invoices_open, 0);
        assert_eq!(d.overdue_reason, None, "no reason given");
        assert!(details(&book.conn, "NOBODY", day, false).is_err());
    }
}
