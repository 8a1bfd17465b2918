//! A collection letter's figures for one customer at one ladder level: the
//! one model every format (text, Markdown, HTML, JSON, e-mail) is drawn from.
//!
//! How the figures add up (DESIGN §5), as printed:
//! - **overdue** = Σ `balance` of the lines: what is still owed on the
//!   installments past their due date;
//! - **interest** = Σ `interest` of the lines + Σ `interest` of the
//!   adjustments: the late interest owed (accrued − posted − waived);
//! - **total due** = overdue + interest;
//! - **not yet due**: the installments not past their due date, listed apart
//!   with their own subtotal, never in the total due.
//!
//! A line is one part of an installment charged at one rate: the part still
//! owed (counted to the letter's date) or a part paid late (its balance 0:
//! the interest it earned stays owed after it was paid). Its interest is
//! `amount × days × rate`, rounded half away from zero to the cent, so every
//! line is reproduced from its printed inputs. When the days of a part cross
//! a change of rate it gets one line per rate (its balance on the first).
//!
//! The book rounds late interest once per installment (DESIGN §2), not once
//! per line: when the installment's figure differs from the sum of its
//! rounded lines, the difference is printed as its own *rounding* line.
//! Interest already invoiced (`dun charge-interest`) or waived (`dun waive`)
//! is printed as its own negative line, so the lines still add up to what
//! is owed.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::detail::{DetailLine, with_interest};
use crate::ledger::Money;
use crate::ledger::interest::{Accrual, Rates, Span};
use crate::output::Lang;
use crate::store::customers::{self, Role};
use crate::store::{Connection, Result, StoreError};

/// Which letter a ladder level sends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Reminder,
    Formal,
    /// Final notice before stop of supply.
    FinalNotice,
    /// A lawyer's letter, written and signed by the configured law firm.
    Lawyer,
    /// Final notice before legal action, in the company's own name: the
    /// level of the lawyer's letter when no law firm is configured.
    LegalNotice,
}

impl Kind {
    /// Levels 0–2 remind, 3 is the formal dunning letter, 4 the final notice
    /// before stop of supply, 5 and above the lawyer's letter when a law
    /// firm is configured, else the final notice before legal action.
    pub fn for_level(level: u8, law_firm: bool) -> Kind {
        match level {
            0..=2 => Kind::Reminder,
            3 => Kind::Formal,
            4 => Kind::FinalNotice,
            _ if law_firm => Kind::Lawyer,
            _ => Kind::LegalNotice,
        }
    }

    /// The kind as it appears in file names and in the JSON.
    pub fn slug(self) -> &'static str {
        match self {
            Kind::Reminder => "reminder",
            Kind::Formal => "dunning-letter",
            Kind::FinalNotice => "final-notice",
            Kind::Lawyer => "lawyers-letter",
            Kind::LegalNotice => "final-legal-notice",
        }
    }
}

/// The law firm of a lawyer's letter (settings `lawyer_firm`, `lawyer_name`,
/// `lawyer_contact`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LawFirm {
    pub firm: String,
    pub lawyer: Option<String>,
    pub contact: Option<String>,
}

/// Someone a letter is addressed to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recipient {
    /// The contact's role; `None`: the customer itself (it has no contact
    /// in the role asked for the addressee).
    pub role: Option<Role>,
    pub name: String,
    pub email: Option<String>,
}

/// One part of an installment charged at one rate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    pub invoice: String,
    pub due: NaiveDate,
    /// Days from the due date to `until`.
    pub days_late: i64,
    /// Still owed on this part (0 for a part paid; a part on several lines
    /// carries it on its first). Counted in the overdue total.
    pub balance: Money,
    /// The part the interest is charged on.
    pub amount: Money,
    /// The day the part was paid (or otherwise settled); `None` while owed.
    pub paid_on: Option<NaiveDate>,
    /// The last day counted: `paid_on`, or the letter's date.
    pub until: NaiveDate,
    /// Days charged at `rate`: days late less grace and days in dispute.
    pub days: i64,
    /// Daily rate, as a fraction (0.0005 = 0.05 %).
    pub rate: Decimal,
    /// amount × days × rate, rounded to the cent.
    pub interest: Money,
}

/// Why interest owed differs from the sum of an installment's lines.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AdjustmentKind {
    /// The installment's interest is rounded once, not line by line.
    Rounding,
    /// Already invoiced as an interest invoice (`dun charge-interest`).
    Posted,
    /// Waived (`dun waive`).
    Waived,
}

impl AdjustmentKind {
    pub fn slug(self) -> &'static str {
        match self {
            AdjustmentKind::Rounding => "rounding",
            AdjustmentKind::Posted => "posted",
            AdjustmentKind::Waived => "waived",
        }
    }
}

/// A line of interest without inputs of its own, signed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Adjustment {
    pub invoice: String,
    pub due: NaiveDate,
    pub kind: AdjustmentKind,
    pub interest: Money,
}

/// An installment not yet past its due date.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotYetDue {
    pub invoice: String,
    pub due: NaiveDate,
    pub balance: Money,
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
    /// Set for [`Kind::Lawyer`] only: the firm writes and signs it.
    pub law_firm: Option<LawFirm>,
    pub currency: String,
    pub customer_id: i64,
    pub customer_code: String,
    pub customer: String,
    /// The addressee: the payer contact, else the customer itself.
    pub to: Recipient,
    /// Copies asked for (`--cc ROLE`), each contact in those roles.
    pub cc: Vec<Recipient>,
    /// Roles asked for as copies that the customer has no contact in.
    pub missing_cc: Vec<Role>,
    pub lines: Vec<Line>,
    pub adjustments: Vec<Adjustment>,
    pub not_yet_due: Vec<NotYetDue>,
    /// Each daily rate in force on some day the letter's interest counts,
    /// with the day it started (one entry when the rate never changed).
    pub rates: Vec<(NaiveDate, Decimal)>,
    pub grace_days: i64,
}

impl Letter {
    /// Overdue principal: Σ the lines' balances.
    pub fn overdue(&self) -> Money {
        self.lines.iter().map(|l| l.balance).sum()
    }

    /// Late interest owed: Σ the lines' and the adjustments' interest.
    pub fn interest(&self) -> Money {
        self.lines.iter().map(|l| l.interest).sum::<Money>() + self.adjustments.iter().map(|a| a.interest).sum()
    }

    /// What the letter asks to be paid now: overdue + interest.
    pub fn total_due(&self) -> Money {
        self.overdue() + self.interest()
    }

    pub fn not_yet_due_total(&self) -> Money {
        self.not_yet_due.iter().map(|n| n.balance).sum()
    }

    /// Who sends the letter: the law firm of a lawyer's letter, else the company.
    pub fn sender(&self) -> &str {
        self.law_firm.as_ref().map_or(&self.company, |f| &f.firm)
    }

    /// Everyone the letter goes to: the addressee, then the copies.
    pub fn recipients(&self) -> impl Iterator<Item = &Recipient> {
        std::iter::once(&self.to).chain(&self.cc)
    }
}

/// Where one installment's lines, adjustments and not-yet-due entry were
/// put as it came, and the key the letter orders it by.
struct Group {
    key: (NaiveDate, String, i64),
    lines: std::ops::Range<usize>,
    adjustments: std::ops::Range<usize>,
    not_yet_due: std::ops::Range<usize>,
}

/// Reorder `v` in place so that the ranges come one after another in the
/// order given (each range's own elements keep their order). The ranges
/// cover `v` exactly once (as [`letter`] makes them); ranges that do not
/// are a bug, and leave `v` as it was rather than loop. Each element is
/// moved along the cycles of the permutation: no second copy of `v` is
/// made.
fn in_order<T>(v: &mut [T], ranges: impl Iterator<Item = std::ops::Range<usize>>) {
    // to[i]: where the element now at i goes.
    let mut to = vec![usize::MAX; v.len()];
    let mut next = 0;
    for r in ranges {
        for i in r {
            match to.get_mut(i) {
                Some(slot) if *slot == usize::MAX => *slot = next,
                _ => {
                    debug_assert!(false, "ranges overlap or fall outside");
                    return;
                }
            }
            next += 1;
        }
    }
    if next != v.len() {
        debug_assert!(false, "ranges leave elements out");
        return;
    }
    for i in 0..v.len() {
        while to[i] != i {
            let j = to[i];
            v.swap(i, j);
            to.swap(i, j);
        }
    }
}

/// The letter for a customer at a ladder level, as of a date, in a language,
/// with copies to the customer's contacts in the roles `cc`: its undisputed
/// installments past due with their late interest (the owed figure of
/// `dun interest`), installments settled late whose interest is still owed,
/// and those not yet due listed apart.
pub fn letter(
    conn: &Connection,
    customer_id: i64,
    as_of: NaiveDate,
    level: u8,
    lang: Lang,
    cc: &[Role],
) -> Result<Letter> {
    let settings = crate::store::book_settings(conn)?;
    let c = customers::get_by_id(conn, customer_id)?;
    let spans = crate::store::interest::dispute_spans(conn, as_of)?;
    // Each installment is made into its lines as it comes (never held),
    // then the lines are put in the letter's order (due date, invoice,
    // installment) in place: a customer with a long history has a great
    // many (144,743 for the biggest of the 10^7 bench book).
    let mut lines = Vec::new();
    let mut adjustments = Vec::new();
    let mut not_yet_due = Vec::new();
    let mut rates: Vec<(NaiveDate, Decimal)> = Vec::new();
    let mut groups: Vec<Group> = Vec::new();
    with_interest(conn, as_of, Some(customer_id), |d| {
        if d.item.disputed {
            return Ok(());
        }
        let start = (lines.len(), adjustments.len(), not_yet_due.len());
        if d.balance.is_positive() && d.days_past_due <= 0 {
            not_yet_due.push(NotYetDue { invoice: d.item.invoice.clone(), due: d.item.due_date, balance: d.balance });
        } else if d.balance.is_positive() || d.interest_due().is_positive() {
            let spans = spans.get(&d.item.invoice_id).map_or(&[][..], Vec::as_slice);
            installment_lines(&d, as_of, spans, &mut lines, &mut adjustments)?;
            let first = d.item.due_date.checked_add_days(chrono::Days::new(d.terms.grace_days.max(0) as u64));
            for s in d.terms.rates.used(first.unwrap_or(d.item.due_date), as_of) {
                rates.push((s.from, s.rate));
            }
        }
        if start != (lines.len(), adjustments.len(), not_yet_due.len()) {
            groups.push(Group {
                key: (d.item.due_date, d.item.invoice, d.item.installment_id),
                lines: start.0..lines.len(),
                adjustments: start.1..adjustments.len(),
                not_yet_due: start.2..not_yet_due.len(),
            });
        }
        Ok(())
    })?;
    groups.sort_unstable_by(|a, b| a.key.cmp(&b.key));
    in_order(&mut lines, groups.iter().map(|g| g.lines.clone()));
    in_order(&mut adjustments, groups.iter().map(|g| g.adjustments.clone()));
    in_order(&mut not_yet_due, groups.iter().map(|g| g.not_yet_due.clone()));
    // The rates used, each from the first day it counts.
    rates.sort();
    rates.dedup_by(|b, a| a.1 == b.1);
    let law_firm = settings.lawyer_firm.map(|firm| LawFirm {
        firm,
        lawyer: settings.lawyer_name.clone(),
        contact: settings.lawyer_contact.clone(),
    });
    let kind = Kind::for_level(level, law_firm.is_some());
    let contact = |x: &customers::Contact| Recipient {
        role: Some(x.role),
        name: x.name.clone(),
        email: x.email.clone().filter(|e| !e.trim().is_empty()),
    };
    let to = c.contacts.iter().find(|x| x.role == Role::Payer).map(contact).unwrap_or_else(|| Recipient {
        role: None,
        name: c.name.clone(),
        email: c.email.clone().filter(|e| !e.trim().is_empty()),
    });
    let mut copies = Vec::new();
    let mut missing_cc = Vec::new();
    for role in cc {
        let found: Vec<Recipient> = c.contacts.iter().filter(|x| x.role == *role).map(contact).collect();
        if found.is_empty() {
            missing_cc.push(*role);
        }
        for r in found {
            if r != to && !copies.contains(&r) {
                copies.push(r);
            }
        }
    }
    let terms = super::detail::Terms::load(conn, as_of)?.for_customer(customer_id);
    Ok(Letter {
        kind,
        level,
        lang,
        date: as_of,
        pay_by: as_of.checked_add_days(chrono::Days::new(7)).unwrap_or(as_of),
        company: if settings.company.trim().is_empty() { "-".into() } else { settings.company },
        company_email: settings.company_email,
        company_phone: settings.company_phone,
        bank: settings.bank.unwrap_or_else(|| "-".into()),
        law_firm: law_firm.filter(|_| kind == Kind::Lawyer),
        currency: settings.currency,
        customer_id,
        customer_code: c.code.clone(),
        customer: c.name.clone(),
        to,
        cc: copies,
        missing_cc,
        lines,
        adjustments,
        not_yet_due,
        rates,
        grace_days: terms.grace_days,
    })
}

/// The lines of one installment past due or settled late, and its
/// adjustments, so that they add up to its interest owed.
fn installment_lines(
    d: &DetailLine,
    as_of: NaiveDate,
    spans: &[Span],
    lines: &mut Vec<Line>,
    adjustments: &mut Vec<Adjustment>,
) -> Result<()> {
    let due = d.item.due_date;
    let line = |amount: Money, balance: Money, paid_on: Option<NaiveDate>, until: NaiveDate, days, rate| Line {
        invoice: d.item.invoice.clone(),
        due,
        days_late: (until - due).num_days().max(0),
        balance,
        amount,
        paid_on,
        until,
        days,
        rate,
        interest: Money::round(amount.as_decimal() * Decimal::from(days) * rate),
    };
    let Some(interest) = &d.interest else {
        // No interest is charged (an interest invoice): the balance alone.
        lines.push(line(d.balance, d.balance, None, as_of, 0, Decimal::ZERO));
        return Ok(());
    };
    let start = due.checked_add_days(chrono::Days::new(d.terms.grace_days.max(0) as u64)).unwrap_or(NaiveDate::MAX);
    let first = lines.len();
    // The part still owed is the last accrual (the ledger counts the
    // settlements first, what is left last).
    let owed_at = d.balance.is_positive().then(|| interest.accruals.len().checked_sub(1)).flatten();
    for (i, a) in interest.accruals.iter().enumerate() {
        let owed = owed_at == Some(i);
        if !owed && a.days == 0 {
            continue; // paid on time or within grace: nothing earned
        }
        let paid_on = (!owed).then_some(a.until);
        let by_rate = days_by_rate(&d.terms.rates, start, a.until, spans);
        check_split(a, &by_rate, &d.item.invoice)?;
        if by_rate.is_empty() {
            lines.push(line(a.amount, a.amount, None, a.until, 0, d.terms.rates.at(as_of)));
        }
        for (k, (rate, days)) in by_rate.into_iter().enumerate() {
            let balance = if owed && k == 0 { a.amount } else { Money::ZERO };
            lines.push(line(a.amount, balance, paid_on, a.until, days, rate));
        }
    }
    let mut push = |kind, amount: Money| {
        if !amount.is_zero() {
            adjustments.push(Adjustment { invoice: d.item.invoice.clone(), due, kind, interest: amount });
        }
    };
    let printed: Money = lines[first..].iter().map(|l| l.interest).sum();
    push(AdjustmentKind::Rounding, interest.interest - printed);
    // Never below zero, as `interest_due`: what was invoiced or waived is
    // shown up to what accrued.
    let posted = d.posted.min(interest.interest).max(Money::ZERO);
    let waived = d.waived.min(interest.interest - posted).max(Money::ZERO);
    push(AdjustmentKind::Posted, -posted);
    push(AdjustmentKind::Waived, -waived);
    debug_assert_eq!(interest.interest - posted - waived, d.interest_due());
    Ok(())
}

/// The days of `(after, through]` outside `excluded`, by the daily rate in
/// force on each: each rate once, in the order first used.
fn days_by_rate(rates: &Rates, after: NaiveDate, through: NaiveDate, excluded: &[Span]) -> Vec<(Decimal, i64)> {
    let mut out: Vec<(Decimal, i64)> = Vec::new();
    if through <= after {
        return out;
    }
    // Cut where a rate starts or a span begins or ends: each piece has one
    // rate and is in or out of every span.
    let mut cuts: Vec<NaiveDate> = vec![after, through];
    cuts.extend(rates.steps().iter().filter_map(|s| s.from.pred_opt()));
    for s in excluded {
        cuts.extend([s.from.pred_opt(), s.until.and_then(|u| u.pred_opt())].into_iter().flatten());
    }
    cuts.retain(|d| *d >= after && *d <= through);
    cuts.sort();
    cuts.dedup();
    for w in cuts.windows(2) {
        let Some(first) = w[0].succ_opt() else { continue };
        if excluded.iter().any(|s| first >= s.from && s.until.is_none_or(|u| first < u)) {
            continue;
        }
        let (rate, days) = (rates.at(first), (w[1] - w[0]).num_days());
        match out.iter_mut().find(|(r, _)| *r == rate) {
            Some(x) => x.1 += days,
            None => out.push((rate, days)),
        }
    }
    out
}

/// The lines of a part must give the interest the ledger charged it: the
/// same days and the same exact amount. (They always do; a difference would
/// print a letter that does not add up, so it stops the letter.)
fn check_split(a: &Accrual, by_rate: &[(Decimal, i64)], invoice: &str) -> Result<()> {
    let days: i64 = by_rate.iter().map(|x| x.1).sum();
    let exact: Decimal = by_rate.iter().map(|(r, n)| a.amount.as_decimal() * r * Decimal::from(*n)).sum();
    if days == a.days && exact == a.exact {
        return Ok(());
    }
    Err(StoreError::invalid(
        format!("the letter's interest lines for {invoice} do not reproduce its interest; run huikuan check"),
        format!("发票 {invoice} 的违约金明细与其违约金不符；请运行 huikuan check"),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::interest::{InterestTerms, RateStep, Settlement, installment_interest};

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 48, ..Default::default() })]

        /// Whatever happens to a book (payment plans, voids, write-offs,
        /// disputes, rate changes), a letter adds up as printed: every line's
        /// interest is its amount × days × rate rounded to the cent, the
        /// interest is what the customer's undisputed installments owe (as
        /// `dun interest` computes it), the overdue and not-yet-due totals
        /// are their balances, and the lines come by due date and invoice.
        #[test]
        fn a_letter_adds_up_whatever_happens_to_the_book(
            ops in proptest::collection::vec(crate::store::balances_tests::op(), 1..40)
        ) {
            use proptest::prop_assert_eq;
            let book = crate::store::balances_tests::play(&ops);
            let conn = &book.conn;
            for as_of in [d(2026, 2, 15), d(2026, 4, 30), d(2026, 9, 1)] {
                for customer in 1..=3i64 {
                    let l = letter(conn, customer, as_of, 3, Lang::En, &[]).unwrap();
                    for line in &l.lines {
                        let product = line.amount.as_decimal() * Decimal::from(line.days) * line.rate;
                        prop_assert_eq!(line.interest, Money::round(product), "{:?}", line);
                    }
                    let (mut owed, mut overdue, mut later) = (Money::ZERO, Money::ZERO, Money::ZERO);
                    with_interest(conn, as_of, Some(customer), |d| {
                        if !d.item.disputed {
                            owed += d.interest_due();
                            if d.days_past_due > 0 {
                                overdue += d.balance;
                            } else {
                                later += d.balance;
                            }
                        }
                        Ok(())
                    })
                    .unwrap();
                    prop_assert_eq!(l.interest(), owed, "customer {} as of {}", customer, as_of);
                    prop_assert_eq!(l.overdue(), overdue, "customer {} as of {}", customer, as_of);
                    prop_assert_eq!(l.not_yet_due_total(), later, "customer {} as of {}", customer, as_of);
                    prop_assert_eq!(l.total_due(), overdue + owed);
                    let keys: Vec<(NaiveDate, &str)> = l.lines.iter().map(|x| (x.due, x.invoice.as_str())).collect();
                    let mut sorted = keys.clone();
                    sorted.sort();
                    prop_assert_eq!(keys, sorted);
                }
            }
        }
    }

    /// Ranges of a vector given in any order come out one after another in
    /// that order, each range's elements in their own order, and nothing is
    /// lost or repeated — including empty ranges and a vector in order.
    #[test]
    fn lines_are_put_in_the_groups_order_in_place() {
        let mut v: Vec<&str> = vec!["c1", "c2", "a1", "b1", "b2", "b3", "d1"];
        in_order(&mut v, [2..3, 3..6, 0..2, 6..6, 6..7].into_iter());
        assert_eq!(v, ["a1", "b1", "b2", "b3", "c1", "c2", "d1"]);
        let mut same: Vec<u8> = (0..10).collect();
        in_order(&mut same, [0..4, 4..4, 4..10].into_iter());
        assert_eq!(same, (0..10).collect::<Vec<u8>>());
        // Every permutation of four single ranges.
        let mut orders = vec![vec![0usize, 1, 2, 3]];
        for _ in 0..23 {
            let mut next = orders.last().unwrap().clone();
            // The next permutation in lexicographic order.
            let i = (0..3).rev().find(|&i| next[i] < next[i + 1]).unwrap();
            let j = (i + 1..4).rev().find(|&j| next[j] > next[i]).unwrap();
            next.swap(i, j);
            next[i + 1..].reverse();
            orders.push(next);
        }
        for order in orders {
            let mut v = vec![10, 11, 12, 13];
            in_order(&mut v, order.iter().map(|&k| k..k + 1));
            assert_eq!(v, order.iter().map(|&k| 10 + k).collect::<Vec<_>>());
        }
        let mut empty: Vec<u8> = Vec::new();
        in_order(&mut empty, std::iter::empty());
        assert!(empty.is_empty());
    }

    #[test]
    fn days_split_by_rate_reproduce_the_ledgers_interest_across_changes_grace_and_disputes() {
        let rates = Rates::new(
            vec![
                RateStep { from: NaiveDate::MIN, rate: Decimal::new(5, 4) },
                RateStep { from: d(2026, 3, 1), rate: Decimal::new(3, 4) },
                RateStep { from: d(2026, 4, 1), rate: Decimal::new(5, 4) },
            ],
            Decimal::new(5, 4),
        );
        let terms = InterestTerms { rates: rates.clone(), grace_days: 3 };
        let spans = [Span { from: d(2026, 2, 20), until: Some(d(2026, 3, 5)) }];
        let due = d(2026, 1, 31);
        let amount = Money::from_cents(1_234_567);
        let settlements = [Settlement { date: d(2026, 3, 10), amount: Money::from_cents(300_001) }];
        let i = installment_interest(due, amount, &settlements, d(2026, 4, 20), &terms, &spans);
        assert_eq!(i.accruals.len(), 2);
        for a in &i.accruals {
            let split = days_by_rate(&rates, d(2026, 2, 3), a.until, &spans);
            check_split(a, &split, "X").unwrap();
        }
        // The part owed: 0.05 % on 2026-02-04..19 and 04-01..20, 0.03 % on 03-05..31.
        let owed = days_by_rate(&rates, d(2026, 2, 3), d(2026, 4, 20), &spans);
        assert_eq!(owed, vec![(Decimal::new(5, 4), 16 + 20), (Decimal::new(3, 4), 27)]);
    }

    #[test]
    fn a_level_five_letter_is_a_lawyers_letter_only_with_a_firm() {
        assert_eq!(Kind::for_level(5, true), Kind::Lawyer);
        assert_eq!(Kind::for_level(5, false), Kind::LegalNotice);
        assert_eq!(Kind::for_level(6, false), Kind::LegalNotice);
        assert_eq!(Kind::for_level(4, true), Kind::FinalNotice);
    }
}
