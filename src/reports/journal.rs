//! The general-ledger entries of a period (DESIGN §9), built from the
//! store's movements, and the names their accounts take in each format.
//!
//! | movement | debit | credit |
//! |---|---|---|
//! | sales invoice | receivable:CODE | sales |
//! | interest invoice | receivable:CODE | late interest |
//! | payment | bank (all of it) | receivable:CODE (applied that day), advances:CODE (the rest) |
//! | credit applied later | advances:CODE | receivable:CODE |
//! | discount allowed | sales discounts | receivable:CODE |
//! | write-off | bad debts | receivable:CODE |
//!
//! Each entry is dated as the book dates it (credit applied later: the
//! allocation's effective date), so what the entries up to a day leave on a
//! customer's receivable is the aging report's outstanding as of that day,
//! and what they leave on its advances is its unapplied credit. An entry's
//! date decides its period: adjacent periods exported one after the other
//! give exactly the entries of the two exported at once.

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::ledger::Money;
pub use crate::store::journal::{Ledger, customer_codes, first_uses};
use crate::store::journal::{Movement, MovementKind, movements};
use crate::store::settings::{Accounts, CODE};
use crate::store::{Connection, StoreError};

/// What an entry records.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntryKind {
    Invoice,
    Interest,
    Payment,
    /// Credit of an earlier payment applied to invoices.
    Applied,
    Discount,
    WriteOff,
}

/// One line of an entry: a debit (positive) or a credit (negative).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Posting {
    pub ledger: Ledger,
    pub amount: Money,
    /// The invoice a payment's line settles.
    pub invoice: Option<String>,
}

/// One balanced general-ledger entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub date: NaiveDate,
    pub kind: EntryKind,
    /// The invoice number, or for a payment and its credit the payment's id.
    pub number: String,
    pub customer: String,
    /// The payment's reference or the write-off's reason.
    pub note: Option<String>,
    pub postings: Vec<Posting>,
}

impl Entry {
    /// Debits equal credits.
    pub fn is_balanced(&self) -> bool {
        self.postings.iter().map(|p| p.amount).sum::<Money>().is_zero()
    }

    /// The accounts the entry uses, each once, in posting order.
    pub fn ledgers(&self) -> Vec<&Ledger> {
        let mut out: Vec<&Ledger> = Vec::new();
        for p in &self.postings {
            if !out.contains(&&p.ledger) {
                out.push(&p.ledger);
            }
        }
        out
    }
}

/// Folds the movement rows, in the store's order, into entries.
#[derive(Default)]
pub struct Builder {
    current: Option<((NaiveDate, u8, i64), Entry)>,
}

impl Builder {
    /// Take the next row; returns the entry it completes, if any.
    pub fn push(&mut self, m: Movement) -> Option<Entry> {
        let key = (m.date, m.entry, m.group);
        let done = match &self.current {
            Some((k, _)) if *k == key => None,
            _ => self.current.take().map(|(_, e)| close(e)),
        };
        match &mut self.current {
            Some((_, e)) => add(e, m),
            None => self.current = Some((key, open(m))),
        }
        done
    }

    /// The last entry.
    pub fn finish(self) -> Option<Entry> {
        self.current.map(|(_, e)| close(e))
    }
}

fn receivable(m: &Movement) -> Ledger {
    Ledger::Receivable(m.customer.clone())
}

/// The entry a row begins.
fn open(m: Movement) -> Entry {
    let (kind, postings) = match m.kind {
        MovementKind::Invoice => {
            (EntryKind::Invoice, vec![debit(receivable(&m), m.amount), credit(Ledger::Sales, m.amount)])
        }
        MovementKind::Interest => {
            (EntryKind::Interest, vec![debit(receivable(&m), m.amount), credit(Ledger::Interest, m.amount)])
        }
        MovementKind::Payment => (EntryKind::Payment, vec![debit(Ledger::Bank, m.amount)]),
        MovementKind::Discount => {
            (EntryKind::Discount, vec![debit(Ledger::Discounts, m.amount), credit(receivable(&m), m.amount)])
        }
        MovementKind::WriteOff => {
            (EntryKind::WriteOff, vec![debit(Ledger::BadDebts, m.amount), credit(receivable(&m), m.amount)])
        }
        // Applications begin an entry of their own only when credit is
        // applied after the payment's day (on its day they follow the
        // payment's row); the advances' debit is added on closing.
        MovementKind::PaidOnReceipt | MovementKind::Applied => {
            let payer = m.payer.clone().unwrap_or_else(|| m.customer.clone());
            let mut e = Entry {
                date: m.date,
                kind: EntryKind::Applied,
                number: m.group.to_string(),
                customer: payer,
                note: None,
                postings: Vec::new(),
            };
            add(&mut e, m);
            return e;
        }
    };
    Entry { date: m.date, kind, number: m.number, customer: m.customer, note: m.note, postings }
}

/// A further row of the same entry: a part of the payment applied to an invoice.
fn add(e: &mut Entry, m: Movement) {
    let mut p = credit(receivable(&m), m.amount);
    p.invoice = Some(m.number);
    e.postings.push(p);
}

/// Finish an entry: what a payment did not settle on its day goes to the
/// customer's advances; credit applied later comes out of them.
fn close(mut e: Entry) -> Entry {
    let rest: Money = e.postings.iter().map(|p| p.amount).sum();
    let advances = Ledger::Advances(e.customer.clone());
    match e.kind {
        EntryKind::Payment if rest.is_positive() => e.postings.push(credit(advances, rest)),
        EntryKind::Applied => e.postings.insert(0, debit(advances, -rest)),
        _ => {}
    }
    e
}

fn debit(ledger: Ledger, amount: Money) -> Posting {
    Posting { ledger, amount, invoice: None }
}

fn credit(ledger: Ledger, amount: Money) -> Posting {
    Posting { ledger, amount: -amount, invoice: None }
}

/// Every entry dated from `from` to `to`, in date order, one at a time to `f`.
pub fn entries<E: From<StoreError>>(
    conn: &Connection,
    from: NaiveDate,
    to: NaiveDate,
    mut f: impl FnMut(Entry) -> Result<(), E>,
) -> Result<(), E> {
    let mut b = Builder::default();
    movements(conn, from, to, |m| match b.push(m) {
        Some(e) => f(e),
        None => Ok(()),
    })?;
    match b.finish() {
        Some(e) => f(e),
        None => Ok(()),
    }
}

/// The format account names are written for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    /// hledger: the settings as written, a customer's code as its part
    /// (a `:` in a code, which would start a sub-account, written `_`).
    Hledger,
    /// Beancount: a root of Assets, Liabilities, Equity, Income or Expenses
    /// and parts it accepts (see [`bean_part`]).
    Beancount,
    /// The voucher CSV: the settings as written without the customer's
    /// part; the customer goes in its own column (辅助核算).
    Csv,
}

/// Two customers whose codes would name one account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Clash {
    pub first: String,
    pub second: String,
    pub part: String,
}

/// The account names of one export.
#[derive(Clone, Debug)]
pub struct Chart {
    style: Style,
    accounts: Accounts,
    /// A customer code → the part that stands for it.
    parts: HashMap<String, String>,
}

impl Chart {
    /// The names for `style`, checking that no two of the book's customer
    /// codes name the same account.
    pub fn new(style: Style, accounts: &Accounts, codes: &[String]) -> Result<Chart, Clash> {
        let mut parts = HashMap::new();
        let mut seen: HashMap<String, &String> = HashMap::new();
        for code in codes {
            let part = code_part(style, code);
            if let Some(first) = seen.insert(part.clone(), code) {
                return Err(Clash { first: first.clone(), second: code.clone(), part });
            }
            parts.insert(code.clone(), part);
        }
        Ok(Chart { style, accounts: accounts.clone(), parts })
    }

    /// The account's name in this export.
    pub fn name(&self, l: &Ledger) -> String {
        let a = &self.accounts;
        let (template, code, root) = match l {
            Ledger::Receivable(c) => (&a.receivable, Some(c), "Assets"),
            Ledger::Advances(c) => (&a.advances, Some(c), "Liabilities"),
            Ledger::Bank => (&a.bank, None, "Assets"),
            Ledger::Sales => (&a.sales, None, "Income"),
            Ledger::Interest => (&a.interest, None, "Income"),
            Ledger::Discounts => (&a.discounts, None, "Expenses"),
            Ledger::BadDebts => (&a.bad_debts, None, "Expenses"),
        };
        let code_part = |c: &String| self.parts.get(c).cloned().unwrap_or_else(|| code_part(self.style, c));
        let mut parts: Vec<String> = Vec::new();
        for (i, p) in template.split(':').enumerate() {
            if p == CODE {
                if let (Some(c), false) = (code, self.style == Style::Csv) {
                    parts.push(code_part(c));
                }
                continue;
            }
            match self.style {
                Style::Beancount => {
                    let part = bean_part(p);
                    if i == 0 && !ROOTS.contains(&part.as_str()) {
                        parts.push(root.to_string());
                    }
                    parts.push(part);
                }
                Style::Hledger | Style::Csv => parts.push(p.to_string()),
            }
        }
        parts.join(":")
    }

    /// The customer an account belongs to, for the voucher's 辅助核算.
    pub fn customer_of(l: &Ledger) -> Option<&str> {
        match l {
            Ledger::Receivable(c) | Ledger::Advances(c) => Some(c),
            _ => None,
        }
    }
}

/// Beancount's account roots.
const ROOTS: [&str; 5] = ["Assets", "Liabilities", "Equity", "Income", "Expenses"];

fn code_part(style: Style, code: &str) -> String {
    match style {
        Style::Hledger => code.replace(':', "_"),
        Style::Beancount => bean_part(code),
        Style::Csv => code.to_string(),
    }
}

/// A part of a Beancount account name: a capital letter, a digit or any
/// non-ASCII character first, then letters, digits, `-` or non-ASCII. A part
/// that is one already (after its first ASCII letter is capitalised) is kept:
/// `hy` → `Hy`, `C-1` → `C-1`, `华远` → `华远`; in any other, each other ASCII
/// character (and `-`) is written `-` and its two hex digits, with `X-` in
/// front when it would start with `-` (`--` is never an escape, so no two
/// codes come out alike this way): `A.B` → `A-2EB`, `_x` → `X--5Fx`.
/// Different codes that come out alike are refused ([`Chart::new`]).
pub fn bean_part(s: &str) -> String {
    let mut chars = s.chars();
    let capital: String = chars.next().map(|c| c.to_ascii_uppercase()).into_iter().chain(chars).collect();
    let inner = |c: char| c.is_ascii_alphanumeric() || c == '-' || !c.is_ascii();
    let start = |c: char| c.is_ascii_uppercase() || c.is_ascii_digit() || !c.is_ascii();
    if capital.chars().next().is_some_and(start) && capital.chars().all(inner) {
        return capital;
    }
    let mut out = String::new();
    for c in capital.chars() {
        if c.is_ascii_alphanumeric() || !c.is_ascii() {
            out.push(c);
        } else {
            out.push_str(&format!("-{:02X}", c as u32));
        }
    }
    if out.starts_with('-') { format!("X-{out}") } else { out }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::example::{self, d, m};
    use proptest::prelude::*;

    fn accounts() -> Accounts {
        Accounts {
            receivable: "assets:receivable:{code}".into(),
            advances: "liabilities:customer-advances:{code}".into(),
            bank: "assets:bank".into(),
            sales: "income:sales".into(),
            interest: "income:late-interest".into(),
            discounts: "expenses:sales-discounts".into(),
            bad_debts: "expenses:bad-debts".into(),
        }
    }

    fn all(conn: &Connection, from: &str, to: &str) -> Vec<Entry> {
        let mut out = Vec::new();
        entries::<StoreError>(conn, d(from), d(to), |e| {
            out.push(e);
            Ok(())
        })
        .unwrap();
        out
    }

    /// Σ of every posting to `l` in `es`.
    fn balance(es: &[Entry], l: &Ledger) -> Money {
        es.iter().flat_map(|e| &e.postings).filter(|p| &p.ledger == l).map(|p| p.amount).sum()
    }

    #[test]
    fn the_hand_made_book_posts_balanced_entries_that_tie_to_its_aging() {
        let ex = example::book();
        let es = all(&ex.book.conn, "2026-01-01", "2026-12-31");
        assert!(es.iter().all(Entry::is_balanced), "{es:#?}");
        // Three invoices, two payments, one write-off.
        let kinds: Vec<EntryKind> = es.iter().map(|e| e.kind).collect();
        use EntryKind::*;
        assert_eq!(kinds, [Invoice, Invoice, Payment, Invoice, Payment, WriteOff]);
        // B's payment of 500.00 on 2026-03-05: 300.00 to B1, 200.00 to its advances.
        let pay_b = &es[4];
        assert_eq!(
            pay_b.postings,
            [
                Posting { ledger: Ledger::Bank, amount: m("500.00"), invoice: None },
                Posting { ledger: Ledger::Receivable("B".into()), amount: m("-300.00"), invoice: Some("B1".into()) },
                Posting { ledger: Ledger::Advances("B".into()), amount: m("-200.00"), invoice: None },
            ]
        );
        // As of 2026-04-15 (the aging tests): A owes 1,000.00, B nothing and has 200.00 of credit.
        assert_eq!(balance(&es, &Ledger::Receivable("A".into())), m("1000.00"));
        assert_eq!(balance(&es, &Ledger::Receivable("B".into())), Money::ZERO);
        assert_eq!(balance(&es, &Ledger::Advances("B".into())), m("-200.00"));
        assert_eq!(balance(&es, &Ledger::BadDebts), m("100.00"));
        // As of 2026-02-20: A 600.00, B 300.00.
        let feb = all(&ex.book.conn, "2026-01-01", "2026-02-20");
        assert_eq!(balance(&feb, &Ledger::Receivable("A".into())), m("600.00"));
        assert_eq!(balance(&feb, &Ledger::Receivable("B".into())), m("300.00"));
    }

    fn row(kind: MovementKind, entry: u8, group: i64, number: &str, amount: &str) -> Movement {
        Movement {
            date: d("2026-10-05"),
            kind,
            entry,
            group,
            number: number.into(),
            customer: "HY".into(),
            payer: Some("HY".into()),
            amount: m(amount),
            note: None,
        }
    }

    #[test]
    fn credit_applied_later_comes_out_of_the_advances() {
        let mut b = Builder::default();
        assert_eq!(b.push(row(MovementKind::Applied, 2, 7, "INV-1", "300.00")), None);
        assert_eq!(b.push(row(MovementKind::Applied, 2, 7, "INV-2", "50.00")), None);
        let e = b.push(row(MovementKind::Invoice, 0, 9, "INV-3", "10.00")).expect("the application is complete");
        assert_eq!((e.kind, e.number.as_str()), (EntryKind::Applied, "7"));
        let lines: Vec<(Ledger, Money)> = e.postings.iter().map(|p| (p.ledger.clone(), p.amount)).collect();
        assert_eq!(
            lines,
            [
                (Ledger::Advances("HY".into()), m("350.00")),
                (Ledger::Receivable("HY".into()), m("-300.00")),
                (Ledger::Receivable("HY".into()), m("-50.00")),
            ]
        );
        assert_eq!(b.finish().map(|e| e.kind), Some(EntryKind::Invoice));
    }

    #[test]
    fn a_payment_applied_in_full_on_its_day_leaves_nothing_in_the_advances() {
        let mut b = Builder::default();
        b.push(row(MovementKind::Payment, 1, 3, "3", "100.00"));
        b.push(row(MovementKind::PaidOnReceipt, 1, 3, "INV-1", "100.00"));
        let e = b.finish().unwrap();
        assert!(e.is_balanced());
        assert_eq!(e.postings.len(), 2);
    }

    #[test]
    fn names_follow_the_settings_and_the_format() {
        let codes = vec!["HY".to_string(), "a.b".to_string(), "华远".to_string(), "X:1".to_string()];
        let h = Chart::new(Style::Hledger, &accounts(), &codes).unwrap();
        assert_eq!(h.name(&Ledger::Receivable("HY".into())), "assets:receivable:HY");
        assert_eq!(h.name(&Ledger::Advances("X:1".into())), "liabilities:customer-advances:X_1");
        let b = Chart::new(Style::Beancount, &accounts(), &codes).unwrap();
        assert_eq!(b.name(&Ledger::Receivable("a.b".into())), "Assets:Receivable:A-2Eb");
        assert_eq!(b.name(&Ledger::Advances("华远".into())), "Liabilities:Customer-advances:华远");
        assert_eq!(b.name(&Ledger::Interest), "Income:Late-interest");
        let mut chart = accounts();
        chart.receivable = "1122:{code}".into();
        chart.bank = "1002.01".into();
        let b = Chart::new(Style::Beancount, &chart, &codes).unwrap();
        assert_eq!(b.name(&Ledger::Receivable("HY".into())), "Assets:1122:HY");
        assert_eq!(b.name(&Ledger::Bank), "Assets:1002-2E01");
        let c = Chart::new(Style::Csv, &chart, &codes).unwrap();
        assert_eq!(c.name(&Ledger::Receivable("HY".into())), "1122");
        assert_eq!(c.name(&Ledger::Bank), "1002.01");
    }

    #[test]
    fn two_codes_that_would_name_one_account_are_refused() {
        let codes = vec!["X.1".to_string(), "X-2E1".to_string()];
        let e = Chart::new(Style::Beancount, &accounts(), &codes).unwrap_err();
        assert_eq!(e, Clash { first: "X.1".into(), second: "X-2E1".into(), part: "X-2E1".into() });
        assert!(Chart::new(Style::Hledger, &accounts(), &codes).is_ok());
    }

    proptest! {
        /// Whatever a code holds, its Beancount part is one Beancount accepts.
        #[test]
        fn every_code_becomes_a_valid_beancount_part(code in "[^\\s,;]{1,32}") {
            let p = bean_part(&code);
            let mut cs = p.chars();
            let first = cs.next().unwrap();
            prop_assert!(first.is_ascii_uppercase() || first.is_ascii_digit() || !first.is_ascii(), "{p}");
            prop_assert!(cs.all(|c| c.is_ascii_alphanumeric() || c == '-' || !c.is_ascii()), "{p}");
        }

        /// Codes written with the escapes differ when the codes differ
        /// (ignoring ASCII case, as the book's codes do).
        #[test]
        fn escaped_codes_stay_apart(a in "[._/#a-z0-9]{1,6}", b in "[._/#a-z0-9]{1,6}") {
            let needs_escape = |s: &str| s.contains(['.', '_', '/', '#']);
            prop_assume!(needs_escape(&a) && needs_escape(&b) && !a.eq_ignore_ascii_case(&b));
            prop_assert_ne!(bean_part(&a), bean_part(&b));
        }
    }
}
