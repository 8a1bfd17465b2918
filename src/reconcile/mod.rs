//! Bank reconciliation as a service: a statement in, a named outcome out.
//!
//! The commands under `reconcile` read their arguments, call these functions
//! inside their transaction and render what comes back; the rules live here
//! and in `ledger::matching`, the SQL in `store::bank`.
//!
//! Import, line by line: count the line by direction; store it under its
//! re-import fingerprint (a line already in the book is a duplicate and goes
//! no further); for a new credit, find the best candidate and its allocation
//! plan; with `auto` and a confident candidate, make the payment, else queue
//! the line for a person. A refund, or a line in a currency other than the
//! book's, is stored and listed but never queued, matched or posted.

use crate::store::totals::Headroom;
use std::sync::Arc;

use chrono::NaiveDate;
use serde::{Serialize, Serializer};

use crate::error::{Error, Result};
use crate::import::bank::{
    BankLine, Declared, Direction, Opened, Profile, ReadLine, Summary, builtin_profiles, currency_code,
};
use crate::import::fingerprint::LinePrints;
use crate::ledger::Money;
use crate::ledger::matching::{CONFIDENT, Candidate, MatchIndex, Plan, Rule, candidates, plan};
use crate::store::Connection;
use crate::store::bank::{self as store_bank, LineStatus};
use crate::store::money::AllocateTo;
use crate::store::payments::Method;
use crate::store::{customers, invoices, settings};

mod kept;
pub use kept::KeptLines;

/// A candidate as shown to the user and in JSON: who, which invoices, why.
#[derive(Clone, Debug, Serialize)]
pub struct CandidateJson {
    pub customer: String,
    pub invoices: Vec<String>,
    pub rule: &'static str,
    pub confidence: u8,
}

/// Every candidate customer for a credit, best first: the open invoices
/// its memo and reference name are looked up in the book by number.
fn candidates_for(
    conn: &Connection,
    index: &MatchIndex,
    counterparty: Option<&str>,
    account: Option<&str>,
    memo_and_reference: &str,
) -> Result<Vec<Candidate>> {
    let named = index.named_in(memo_and_reference, |number| store_bank::open_invoice_numbered(conn, number))?;
    Ok(candidates(index, counterparty, account, &named))
}

/// Whether `--auto` may apply the best candidate by itself: it is
/// confident, and no other customer is. When the line's evidence points
/// confidently at two customers (a memo naming invoices of both, one's
/// invoice paid from the other's known account or under its exact name),
/// the line could mean two things: it waits in the queue, with both
/// candidates, for a person.
fn confident_alone(best: &Candidate, runner_up: Option<&Candidate>) -> bool {
    best.confidence >= CONFIDENT && runner_up.is_none_or(|r| r.confidence < CONFIDENT)
}

/// The allocation plan for a candidate and the invoice numbers it pays.
pub fn plan_for(conn: &Connection, amount: Money, c: &Candidate) -> Result<(Plan, Vec<String>)> {
    let open =
        if c.invoices.is_empty() { store_bank::open_installments(conn, c.customer, amount)? } else { Vec::new() };
    let p = plan(amount, &c.invoices, &open);
    let numbers = match &p {
        Plan::Invoices(ids) => {
            let mut v = Vec::new();
            for id in ids {
                v.push(invoices::number_of(conn, *id)?);
            }
            v
        }
        Plan::Installments(ids) => {
            let mut seen: Vec<i64> = Vec::new();
            let mut v = Vec::new();
            for id in ids {
                if let Some(o) = open.iter().find(|o| o.installment == *id)
                    && !seen.contains(&o.invoice)
                {
                    seen.push(o.invoice);
                    v.push(invoices::number_of(conn, o.invoice)?);
                }
            }
            v
        }
        Plan::Fifo => Vec::new(),
    };
    Ok((p, numbers))
}

/// Describe a candidate for display.
pub fn describe(conn: &Connection, index: &MatchIndex, amount: Money, c: &Candidate) -> Result<CandidateJson> {
    let (_, invoices) = plan_for(conn, amount, c)?;
    Ok(CandidateJson {
        customer: index.customer(c.customer).map(|k| k.code.clone()).unwrap_or_default(),
        invoices,
        rule: c.rule.as_str(),
        confidence: c.confidence,
    })
}

/// A credit waiting to be matched, with its candidates (also its JSON shape).
#[derive(Debug, Serialize)]
pub struct QueuedJson {
    /// The stored line's id: what `reconcile match` and `ignore` take.
    pub id: i64,
    pub batch: i64,
    /// The line of the statement file it came from.
    pub line: u64,
    pub date: NaiveDate,
    pub amount: Money,
    pub counterparty: Option<String>,
    pub account: Option<String>,
    pub memo: Option<String>,
    pub reference: Option<String>,
    pub candidates: Vec<CandidateJson>,
}

/// The queue with candidates, worked out afresh from the book.
pub fn queue(conn: &Connection) -> Result<Vec<QueuedJson>> {
    let mut out = Vec::new();
    each_queued(conn, |q| {
        out.push(q);
        Ok(())
    })?;
    Ok(out)
}

/// [`queue`], each line handed to `f` as its candidates are worked out
/// (a long queue is never held).
pub fn each_queued(conn: &Connection, mut f: impl FnMut(QueuedJson) -> Result<()>) -> Result<()> {
    let index = store_bank::match_index(conn)?;
    store_bank::each_queued(conn, |l| -> Result<()> {
        let mut cands = Vec::new();
        for c in candidates_for(conn, &index, l.counterparty.as_deref(), l.account.as_deref(), &l.text())? {
            cands.push(describe(conn, &index, l.amount, &c)?);
        }
        f(QueuedJson {
            id: l.id,
            batch: l.batch,
            line: l.line,
            date: l.date,
            amount: l.amount,
            counterparty: l.counterparty,
            account: l.account,
            memo: l.memo,
            reference: l.reference,
            candidates: cands,
        })
    })
}

/// The payment method of a stored batch's profile, found by name among the
/// user's profiles and the built-in ones (bank when the profile is gone).
pub fn method_of_profile(name: &str, user: &[Profile]) -> Method {
    user.iter()
        .cloned()
        .chain(builtin_profiles())
        .find(|p| p.name.eq_ignore_ascii_case(name))
        .map_or(Method::Bank, |p| p.method())
}

/// One statement line and what became of it (also its JSON shape).
#[derive(Debug, Serialize)]
pub struct LineOutcome {
    /// The stored line's id (what `reconcile match` takes); `None` for a
    /// duplicate and in a dry run.
    pub id: Option<i64>,
    /// The line of the file (the sheet row of a workbook).
    pub line: u64,
    pub date: NaiveDate,
    pub amount: Money,
    pub direction: Direction,
    pub counterparty: Option<String>,
    pub account: Option<String>,
    pub memo: Option<String>,
    pub reference: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fee: Option<Money>,
    /// The file marks it a refund: money in, never a customer's payment.
    pub refund: bool,
    /// Its currency (one code), the book's when the file states none.
    #[serde(serialize_with = "shared_str")]
    pub currency: Arc<str>,
    /// In a currency other than the book's: never matched or posted.
    #[serde(skip)]
    pub foreign: bool,
    /// Already in the book from an earlier import.
    pub duplicate: bool,
    /// Made into a payment.
    pub applied: bool,
    /// Left in the queue by `--auto` although its best candidate is
    /// confident, because another customer is too (see `confident_alone`).
    pub two_customers: bool,
    /// The best candidate of a new credit, applied or not.
    #[serde(rename = "match")]
    pub matched: Option<CandidateJson>,
}

/// A statement imported (also its JSON shape).
#[derive(Debug, Serialize)]
pub struct ImportOutcome {
    pub file: String,
    pub profile: String,
    pub encoding: String,
    pub header_line: Option<u64>,
    pub batch: Option<i64>,
    pub dry_run: bool,
    /// The book's currency.
    pub currency: String,
    pub rows: usize,
    pub credits: usize,
    pub credit_total: Money,
    pub debits: usize,
    pub debit_total: Money,
    pub neutral: usize,
    /// Credits the file marks as refunds (in `credits`, never matched).
    pub refunds: usize,
    /// Lines in a currency other than the book's (never matched or posted).
    pub foreign_currency: usize,
    pub skipped: usize,
    pub duplicates: usize,
    pub matched: usize,
    pub queued: usize,
    /// Of the queued, those that fit two customers confidently.
    pub two_customers: usize,
    pub balance_breaks: Vec<u64>,
    /// The totals the file states, held against its lines; `None` when it
    /// states none.
    pub declared: Option<Declared>,
    /// The currencies other than the book's that lines were in (one code
    /// each, in the order first met).
    #[serde(skip)]
    pub foreign_codes: Vec<String>,
    /// Every line, in file order: held, or kept in a temporary file past the
    /// first [`kept::HELD`].
    pub lines: KeptLines,
}

fn shared_str<S: Serializer>(v: &Arc<str>, s: S) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_str(v)
}

/// Each currency spelling of a statement as one code, and whether it is the
/// book's: worked out once per spelling, not once per line.
struct Currencies {
    book: Arc<str>,
    last: Option<(String, Arc<str>, bool)>,
}

impl Currencies {
    /// The line's currency code and whether it differs from the book's.
    fn of(&mut self, stated: Option<&str>) -> (Arc<str>, bool) {
        let Some(text) = stated else { return (self.book.clone(), false) };
        match &self.last {
            Some((t, code, foreign)) if t == text => (code.clone(), *foreign),
            _ => {
                let code: Arc<str> = currency_code(text).into();
                let foreign = *code != *self.book;
                self.last = Some((text.to_string(), code.clone(), foreign));
                (code, foreign)
            }
        }
    }
}

/// How to import.
#[derive(Clone, Copy, Debug)]
pub struct ImportOptions {
    /// Apply confident matches as payments.
    pub auto: bool,
    /// Nothing will be committed (the batch id is not reported).
    pub dry_run: bool,
}

/// Import a statement into a new batch: store its lines, skip those already
/// in the book, match the new credits. `tick` is called once per line (for a
/// progress bar). The caller commits, or drops the transaction for a dry run.
pub fn import_statement(
    conn: &Connection,
    statement: &Opened,
    st: Summary,
    opts: ImportOptions,
    mut tick: impl FnMut(),
) -> Result<ImportOutcome> {
    let batch = store_bank::new_batch(conn, &st.file, &st.profile, &st.encoding)?;
    let index = store_bank::match_index(conn)?;
    let mut headroom = Headroom::payments(conn)?;
    // The bulk path: the payments only add, and the kept balances are
    // brought up to date in batches.
    let mut bulk = crate::store::balances::Bulk::start(conn)?;
    let mut fingerprints = LinePrints::new(batch, st.line_count);
    let book_currency = currency_code(&settings::load(conn)?.currency);
    let mut currencies = Currencies { book: book_currency.as_str().into(), last: None };
    let mut out = ImportOutcome {
        file: st.file.clone(),
        profile: st.profile.clone(),
        encoding: st.encoding.clone(),
        header_line: st.header_line,
        batch: (!opts.dry_run).then_some(batch),
        dry_run: opts.dry_run,
        currency: book_currency,
        rows: st.line_count,
        credits: 0,
        credit_total: Money::ZERO,
        debits: 0,
        debit_total: Money::ZERO,
        neutral: 0,
        refunds: st.refund_count,
        foreign_currency: 0,
        skipped: st.skipped,
        duplicates: 0,
        matched: 0,
        queued: 0,
        two_customers: 0,
        balance_breaks: st.balance_breaks.clone(),
        declared: st.declared,
        foreign_codes: Vec::new(),
        lines: KeptLines::new(),
    };
    // The lines are read from the file one at a time; each one's text moves
    // into its outcome.
    statement.each_line(&st, |read: ReadLine| -> Result<()> {
        let ReadLine { line: l, refund, closed_refund } = read;
        tick();
        let stated = l.currency.as_deref().or(st.currency.as_deref());
        let (currency, foreign) = currencies.of(stated);
        if foreign {
            out.foreign_currency += 1;
            if !out.foreign_codes.iter().any(|c| **c == *currency) {
                out.foreign_codes.push(currency.to_string());
            }
        }
        match l.direction {
            Direction::Credit => {
                out.credits += 1;
                out.credit_total += l.amount;
            }
            Direction::Debit => {
                out.debits += 1;
                out.debit_total += l.amount;
            }
            Direction::Neutral => out.neutral += 1,
        }
        // A closed refund keeps the fingerprint it had as a neutral line.
        let fingerprint = if closed_refund {
            fingerprints.next(conn, &BankLine { direction: Direction::Neutral, ..l.clone() })?
        } else {
            fingerprints.next(conn, &l)?
        };
        let new = store_bank::NewLine {
            refund,
            currency: stated.is_some().then_some(&*currency),
            foreign,
            ..new_line(&fingerprint, &l)
        };
        let id = store_bank::insert_line(conn, batch, &new)?;
        if id.is_none() {
            fingerprints.found(conn, &fingerprint)?;
        }
        let mut row = outcome_of(l, id.is_none(), refund, currency, foreign);
        row.id = id.filter(|_| !opts.dry_run);
        match id {
            None => out.duplicates += 1,
            // Money in, but not a customer's: listed, never matched.
            Some(_) if refund || foreign => {}
            Some(id) if row.direction == Direction::Credit => {
                // The line as just stored, without reading it back.
                let stored = store_bank::Line {
                    id,
                    batch,
                    line: row.line,
                    date: row.date,
                    amount: row.amount,
                    counterparty: row.counterparty.clone(),
                    account: row.account.clone(),
                    memo: row.memo.clone(),
                    reference: row.reference.clone(),
                    status: LineStatus::Queued,
                };
                let mut found =
                    candidates_for(conn, &index, row.counterparty.as_deref(), row.account.as_deref(), &stored.text())?
                        .into_iter();
                let (best, runner_up) = (found.next(), found.next());
                if let Some(c) = best {
                    let (plan, invoices) = plan_for(conn, row.amount, &c)?;
                    if opts.auto && confident_alone(&c, runner_up.as_ref()) {
                        headroom.add(row.amount).map_err(|e| Error::from(e).at(&out.file, row.line))?;
                        store_bank::apply_match(
                            conn,
                            &stored,
                            c.customer,
                            &plan,
                            st.method,
                            c.rule.as_str(),
                            c.confidence,
                        )?;
                        bulk.row(conn)?;
                        row.applied = true;
                        out.matched += 1;
                    } else {
                        out.queued += 1;
                        if opts.auto && c.confidence >= CONFIDENT {
                            row.two_customers = true;
                            out.two_customers += 1;
                        }
                    }
                    row.matched = Some(CandidateJson {
                        customer: index.customer(c.customer).map(|k| k.code.clone()).unwrap_or_default(),
                        invoices,
                        rule: c.rule.as_str(),
                        confidence: c.confidence,
                    });
                } else {
                    out.queued += 1;
                }
            }
            Some(_) => {}
        }
        out.lines.push(row)
    })?;
    out.lines.finish()?;
    bulk.finish(conn)?;
    Ok(out)
}

fn new_line<'a>(fingerprint: &'a str, l: &'a BankLine) -> store_bank::NewLine<'a> {
    store_bank::NewLine {
        fingerprint,
        line: l.line,
        date: l.date,
        amount: l.amount,
        direction: l.direction,
        fee: l.fee,
        counterparty: l.counterparty.as_deref(),
        account: l.account.as_deref(),
        memo: l.memo.as_deref(),
        reference: l.reference.as_deref(),
        refund: false,
        currency: None,
        foreign: false,
    }
}

fn outcome_of(l: BankLine, duplicate: bool, refund: bool, currency: Arc<str>, foreign: bool) -> LineOutcome {
    LineOutcome {
        id: None,
        line: l.line,
        date: l.date,
        amount: l.amount,
        direction: l.direction,
        counterparty: l.counterparty,
        account: l.account,
        memo: l.memo,
        reference: l.reference,
        fee: l.fee,
        refund,
        currency,
        foreign,
        duplicate,
        applied: false,
        two_customers: false,
        matched: None,
    }
}

/// Who paid a queued line, as the user said (or not).
#[derive(Clone, Copy, Debug, Default)]
pub struct Confirmation<'a> {
    /// The customer's code.
    pub customer: Option<&'a str>,
    /// Invoice numbers the line pays (of one customer).
    pub invoices: &'a [String],
}

/// A queued line made into a payment.
#[derive(Clone, Debug)]
pub struct MatchOutcome {
    pub line: store_bank::Line,
    /// The customer's id and code.
    pub customer_id: i64,
    pub customer: String,
    pub payment: i64,
    pub unapplied: Money,
    /// The invoice numbers the payment went to.
    pub invoices: Vec<String>,
    /// What the customer learned (an alias, an account), when asked to.
    pub learned: Vec<String>,
    /// What it could have learned but was not asked to (what another
    /// customer holds left out).
    pub not_learned: Vec<String>,
}

/// Confirm a queued line: with invoices, it pays those (one customer's);
/// with a customer, that customer's open installments; with neither, the
/// best candidate. With `learn` the customer learns the line's name and
/// account, and a name or account another customer holds refuses the whole
/// match (nothing is written): a third party may pay for a customer (代付),
/// so the user matches it without learning. Without `learn` nothing is
/// learned, and the outcome says what could have been.
pub fn confirm(
    conn: &Connection,
    id: i64,
    who: Confirmation,
    user_profiles: &[Profile],
    learn: bool,
) -> Result<MatchOutcome> {
    let line = store_bank::get_line(conn, id)?;
    let index = store_bank::match_index(conn)?;
    let proposed = candidates_for(conn, &index, line.counterparty.as_deref(), line.account.as_deref(), &line.text())?;
    let numbers = who.invoices;
    let chosen = if !numbers.is_empty() {
        let (owner, code) = owner_of(conn, numbers)?;
        let asked = match who.customer {
            Some(c) => customers::require_id(conn, c)?,
            None => owner,
        };
        let ids = match invoices::allocation_targets_for(conn, asked, who.customer.unwrap_or(&code), numbers)? {
            AllocateTo::Invoices(ids) => ids,
            _ => Vec::new(),
        };
        Candidate { customer: owner, rule: Rule::Manual, confidence: 100, invoices: ids }
    } else if let Some(c) = who.customer {
        let cid = customers::require_id(conn, c)?;
        let named = proposed.iter().find(|p| p.customer == cid).map(|p| p.invoices.clone()).unwrap_or_default();
        Candidate { customer: cid, rule: Rule::Manual, confidence: 100, invoices: named }
    } else {
        // The best candidate, unless another is as likely: then the line
        // could mean either, and the user says which.
        if let [a, b, ..] = &proposed[..]
            && a.confidence == b.confidence
        {
            let code = |c: &Candidate| index.customer(c.customer).map(|k| k.code.clone()).unwrap_or_default();
            let (a, b, score) = (code(a), code(b), a.confidence);
            return Err(Error::user(
                format!(
                    "line {id} fits {a} and {b} equally ({score}); say who paid with --customer CODE or --invoice NUMBER"
                ),
                format!(
                    "第 {id} 笔同样符合 {a} 和 {b}（{score}）；请用 --customer CODE 或 --invoice NUMBER 指明付款人"
                ),
            ));
        }
        proposed.into_iter().next().ok_or_else(|| {
            Error::user(
                format!("line {id} has no candidate; say who paid with --customer CODE or --invoice NUMBER"),
                format!("第 {id} 笔没有候选客户；请用 --customer CODE 或 --invoice NUMBER 指明付款人"),
            )
        })?
    };
    let (plan, paid) = plan_for(conn, line.amount, &chosen)?;
    Headroom::payments(conn)?.add(line.amount)?;
    let method = method_of_profile(&store_bank::batch_profile(conn, line.batch)?, user_profiles);
    let (payment, unapplied) =
        store_bank::apply_match(conn, &line, chosen.customer, &plan, method, Rule::Manual.as_str(), chosen.confidence)?;
    let taught = store_bank::learn(conn, chosen.customer, &line, learn).map_err(|e| {
        if e.is_user_error() && learn {
            Error::user(
                format!(
                    "{e}; line {id} was not matched: one customer may pay for another, so match it without --learn"
                ),
                format!("{}；第 {id} 笔未匹配：可能是他人代付，请去掉 --learn 再匹配", e.zh()),
            )
        } else {
            e.into()
        }
    })?;
    let (learned, not_learned) = if learn { (taught, Vec::new()) } else { (Vec::new(), taught) };
    let customer = customers::get_by_id(conn, chosen.customer)?.code;
    Ok(MatchOutcome {
        line,
        customer_id: chosen.customer,
        customer,
        payment,
        unapplied,
        invoices: paid,
        learned,
        not_learned,
    })
}

/// The one customer the named invoices belong to (id and code).
fn owner_of(conn: &Connection, numbers: &[String]) -> Result<(i64, String)> {
    let mut owner: Option<(i64, String)> = None;
    for n in numbers {
        let inv = invoices::get(conn, n)?;
        match &owner {
            Some((o, code)) if *o != inv.customer_id => {
                return Err(Error::user(
                    format!(
                        "invoices {} and {} belong to different customers ({code}, {})",
                        numbers[0], n, inv.customer
                    ),
                    format!("发票 {} 与 {} 属于不同客户（{code}、{}）", numbers[0], n, inv.customer),
                ));
            }
            _ => owner = Some((inv.customer_id, inv.customer.clone())),
        }
    }
    Ok(owner.expect("at least one invoice"))
}
