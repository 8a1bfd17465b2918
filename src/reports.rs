//! Report assembly: the store's as-of queries fed through the pure ledger
//! into plain report structs that the renderers read.

use std::collections::HashMap;

use chrono::NaiveDate;
use rusqlite::Connection;
use rust_decimal::Decimal;

use crate::ledger::Money;
use crate::ledger::aging::{AgingReport, AgingRule, days_past_due};
use crate::ledger::interest::{InstallmentInterest, InterestTerms, installment_interest};
use crate::store::{self, Result, aging};

/// The aging report as of a date, optionally for one customer.
pub fn aging_report(conn: &Connection, rule: &AgingRule, as_of: NaiveDate, only: Option<i64>) -> Result<AgingReport> {
    let data = aging::aging(conn, rule, as_of, only)?;
    let names = data.customers.into_iter().map(|c| (c.code, c.name)).collect();
    Ok(AgingReport::build(as_of, rule, names, &data.grid, &data.unapplied, data.tie))
}

/// Interest terms per customer: the book's rate and grace, with overrides.
pub struct Terms {
    book: InterestTerms,
    overrides: HashMap<i64, Decimal>,
}

impl Terms {
    pub fn load(conn: &Connection) -> Result<Terms> {
        let s = store::book_settings(conn)?;
        Ok(Terms {
            book: InterestTerms { rate_per_day: s.interest_rate, grace_days: s.grace_days },
            overrides: aging::customer_rates(conn)?,
        })
    }

    pub fn book(&self) -> InterestTerms {
        self.book
    }

    pub fn for_customer(&self, id: i64) -> InterestTerms {
        match self.overrides.get(&id) {
            Some(r) => InterestTerms { rate_per_day: *r, ..self.book },
            None => self.book,
        }
    }
}

/// One open installment as of the date, with its days past due and interest.
#[derive(Clone, Debug)]
pub struct DetailLine {
    pub item: aging::OpenInstallment,
    pub balance: Money,
    pub days_past_due: i64,
    pub terms: InterestTerms,
    /// `None` when no interest is charged: not yet due, disputed, or itself interest.
    pub interest: Option<InstallmentInterest>,
    /// Interest on this installment already posted as an interest invoice.
    pub posted: Money,
}

impl DetailLine {
    /// Interest accrued and not yet posted (never below zero).
    pub fn interest_due(&self) -> Money {
        self.interest.as_ref().map_or(Money::ZERO, |i| (i.interest - self.posted).max(Money::ZERO))
    }
}

/// Whether late interest is charged on an installment: disputed invoices and
/// interest invoices are not charged.
pub fn bears_interest(item: &aging::OpenInstallment) -> bool {
    !item.disputed && !item.is_interest
}

/// Stream every open installment as of `as_of` with its interest.
pub fn detail(
    conn: &Connection,
    as_of: NaiveDate,
    only: Option<i64>,
    mut f: impl FnMut(DetailLine) -> Result<()>,
) -> Result<()> {
    let terms = Terms::load(conn)?;
    let posted = store::dunning::interest_posted(conn, as_of)?;
    aging::open_installments(conn, as_of, only, |item| {
        let t = terms.for_customer(item.customer_id);
        let dpd = days_past_due(item.due_date, as_of);
        let interest = (bears_interest(&item) && dpd > 0)
            .then(|| installment_interest(item.due_date, item.amount, &item.settlements, as_of, t));
        let posted = posted.get(&item.installment_id).copied().unwrap_or_default();
        f(DetailLine { balance: item.balance(), days_past_due: dpd, terms: t, interest, posted, item })
    })
}

/// One customer on the morning worklist.
#[derive(Clone, Debug)]
pub struct WorkItem {
    pub customer_id: i64,
    pub code: String,
    pub name: String,
    pub decision: crate::ledger::ladder::Decision,
    /// The ladder level of the step (for "resolve dispute", the level the
    /// days alone would give).
    pub level: u8,
    pub overdue: Money,
    pub days_overdue: i64,
    pub interest: Money,
    pub last_action: Option<(NaiveDate, u8)>,
    pub promise: Option<(crate::ledger::ladder::Promise, crate::ledger::ladder::PromiseStatus)>,
    pub on_hold: bool,
}

/// The collection worklist as of a date: every customer with a step due.
///
/// Decisions are drawn as of the start of the day: actions logged and holds
/// placed on the as-of date itself show as done (last action) but do not
/// change the list, so running it again the same day gives the same rows.
pub fn worklist(conn: &Connection, as_of: NaiveDate, only: Option<i64>) -> Result<Vec<WorkItem>> {
    use crate::ledger::credit::Grade;
    use crate::ledger::ladder::{Next, Situation, next_step};
    use crate::store::{customers, dunning};

    let ladder = dunning::ladder(conn)?;
    #[derive(Default)]
    struct Acc {
        oldest_due: Option<NaiveDate>,
        overdue: Money,
        disputed_overdue: bool,
        interest: Money,
    }
    let mut acc: HashMap<i64, Acc> = HashMap::new();
    detail(conn, as_of, only, |d| {
        let a = acc.entry(d.item.customer_id).or_default();
        a.interest += d.interest_due();
        if d.item.disputed {
            a.disputed_overdue |= d.days_past_due > 0;
        } else {
            a.oldest_due = Some(a.oldest_due.map_or(d.item.due_date, |o| o.min(d.item.due_date)));
            if d.days_past_due > 0 {
                a.overdue += d.balance;
            }
        }
        Ok(())
    })?;
    let actions = dunning::actions_by_customer(conn, as_of)?;
    let holds = dunning::holds(conn)?;
    let mut out = Vec::new();
    for c in customers::list(conn)? {
        let Some(a) = acc.get(&c.id) else { continue };
        let logged = actions.get(&c.id).cloned().unwrap_or_default();
        let promise = dunning::latest_promise(conn, c.id, as_of)?;
        let hold_since = holds.get(&c.id).copied();
        let s = Situation {
            oldest_due: a.oldest_due,
            overdue: a.overdue,
            disputed_overdue: a.disputed_overdue,
            grade_d: c.credit_score.is_some_and(|s| Grade::from_score(s) == Grade::D),
            on_hold: matches!(hold_since, Some(since) if since.is_none_or(|d| d < as_of)),
            actions: logged.iter().copied().filter(|(d, _)| *d < as_of).collect(),
            promise: promise.clone(),
        };
        let decision = next_step(&s, &ladder, as_of);
        let level = match &decision.next {
            Next::Act { level, .. } => *level,
            Next::ResolveDispute => 2,
            Next::Nothing | Next::Wait { .. } => continue,
        };
        out.push(WorkItem {
            customer_id: c.id,
            code: c.code,
            name: c.name,
            level,
            overdue: a.overdue,
            days_overdue: decision.days.unwrap_or(0).max(0),
            interest: a.interest,
            last_action: logged.last().copied(),
            promise: promise.map(|p| {
                let st = p.status(as_of);
                (p, st)
            }),
            on_hold: hold_since.is_some(),
            decision,
        });
    }
    out.sort_by(|x, y| y.level.cmp(&x.level).then(y.overdue.cmp(&x.overdue)).then(x.code.cmp(&y.code)));
    Ok(out)
}

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
