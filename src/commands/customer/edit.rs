//! `huikuan customer edit`.

use crate::context::Ctx;
use crate::error::{Error, Result};
use crate::parse::{amount_at_least_zero, score};
use crate::store::customers::{self, CustomerEdit};
use crate::store::{events, interest};

/// Change a customer's details; only the options given change.
///
/// A new --interest-rate is in force from --from (default today): the days
/// before keep the rate they had, so interest already accrued, posted or
/// closed does not change. Examples:
///   huikuan customer edit HW --terms 45 --limit 800000 --contact decision:李总
///   huikuan customer edit HW --interest-rate 0.03% --from 2026-12-01
///   huikuan customer edit XM --language en
///   huikuan customer edit HW --cutoff-day 25 --pay-days 10,25 --invoice-needs "PO number on the invoice"
///
/// --cutoff-day (扎账日) moves the pre-due reminders of `dun list` before the
/// customer's books close; --pay-days (付款日) and --invoice-needs are shown
/// by `customer show`. `none` (or "") removes each.
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// Customer code
    pub code: String,
    #[arg(long)]
    pub name: Option<String>,
    /// Payment terms in days
    #[arg(long, value_name = "DAYS")]
    pub terms: Option<u32>,
    /// Credit limit; `none` removes it
    #[arg(long, value_name = "AMOUNT", allow_negative_numbers = true)]
    pub limit: Option<String>,
    /// Credit score 0–100
    #[arg(long, value_name = "N")]
    pub score: Option<u32>,
    /// The customer's own late-interest rate per day (0.0005 or 0.05%); `none` for the book's
    #[arg(long, value_name = "RATE")]
    pub interest_rate: Option<String>,
    /// The day the new interest rate is in force from [default: today];
    /// days before it keep the rate they had
    #[arg(long, value_name = "DATE", requires = "interest_rate")]
    pub from: Option<String>,
    /// Set a contact: ROLE:NAME[:PHONE[:EMAIL]] (repeatable)
    #[arg(long, value_name = "CONTACT")]
    pub contact: Vec<String>,
    #[arg(long)]
    pub email: Option<String>,
    #[arg(long)]
    pub phone: Option<String>,
    #[arg(long)]
    pub notes: Option<String>,
    /// The salesperson (业务员); "" removes it. Invoices already issued keep theirs
    #[arg(long, value_name = "NAME")]
    pub salesperson: Option<String>,
    /// The customer's own language for its letters and statements, used
    /// when they are made without --lang: en or zh; `none` for the user's.
    /// (Not --lang, which every command takes for its own output.)
    #[arg(long, value_name = "en|zh|none")]
    pub language: Option<String>,
    /// The day the customer's books close each month (扎账日), 1–31 (past a
    /// short month's end: its last day); `none` removes it
    #[arg(long, value_name = "DAY")]
    pub cutoff_day: Option<String>,
    /// The days the customer pays on (付款日), e.g. 10,25; `none` removes them
    #[arg(long, value_name = "DAYS")]
    pub pay_days: Option<String>,
    /// What the customer's accounts payable needs on an invoice to book it; `none` removes it
    #[arg(long, value_name = "TEXT")]
    pub invoice_needs: Option<String>,
}

/// `none` or an empty text: remove the fact.
fn removes(text: &str) -> bool {
    text.trim().is_empty() || text.trim().eq_ignore_ascii_case("none")
}

pub fn run(ctx: &mut Ctx, a: Args) -> Result<()> {
    let limit = match a.limit.as_deref() {
        None => None,
        Some(l) if l.trim().eq_ignore_ascii_case("none") => Some(None),
        Some(l) => Some(Some(amount_at_least_zero("--limit", l)?)),
    };
    let interest_rate = match a.interest_rate.as_deref() {
        None => None,
        Some(r) if r.trim().eq_ignore_ascii_case("none") => Some(None),
        Some(r) => Some(Some(crate::ledger::interest::parse_rate(r)?)),
    };
    let from = match &a.from {
        Some(d) => ctx.date("--from", d)?,
        None => ctx.today,
    };
    let mut e = CustomerEdit {
        interest_rate,
        name: a.name,
        terms_days: a.terms,
        credit_limit: limit,
        credit_score: a.score.map(|s| score("--score", s)).transpose()?,
        email: a.email,
        phone: a.phone,
        notes: a.notes,
        salesperson: a.salesperson,
        contacts: Vec::new(),
    };
    for ct in &a.contact {
        e.contacts.push(crate::parse::contact("--contact", ct)?);
    }
    let lang = match a.language.as_deref().map(|l| l.trim().to_ascii_lowercase()) {
        None => None,
        Some(l) if l == "en" => Some(Some(crate::output::Lang::En)),
        Some(l) if l == "zh" => Some(Some(crate::output::Lang::Zh)),
        Some(l) if l == "none" => Some(None),
        Some(l) => {
            return Err(Error::usage(
                format!("--language: '{l}' is not a language (en, zh or none)"),
                format!("--language：“{l}”不是可用的语言（en、zh 或 none）"),
            ));
        }
    };
    let cutoff_day = match a.cutoff_day.as_deref() {
        None => None,
        Some(t) if removes(t) => Some(None),
        Some(t) => Some(Some(customers::parse_cutoff_day(t)?)),
    };
    let pay_days = match a.pay_days.as_deref() {
        None => None,
        Some(t) if removes(t) => Some(Vec::new()),
        Some(t) => Some(customers::parse_pay_days(t)?),
    };
    let invoice_needs = a.invoice_needs.as_deref().map(|t| Some(t).filter(|t| !removes(t)));
    let payables = cutoff_day.is_some() || pay_days.is_some() || invoice_needs.is_some();
    if e.is_empty() && lang.is_none() && !payables {
        return Err(Error::usage(
            "nothing to change: give at least one option (see huikuan customer edit --help)",
            "没有要修改的内容：请至少给出一个选项（见 huikuan customer edit --help）",
        ));
    }
    let mut book = ctx.open_book_to_write()?;
    let tx = book.write()?;
    let id = customers::require_id(&tx, &a.code)?;
    if let Some(rate) = e.interest_rate {
        interest::set_rate(&tx, Some(id), from, rate)?;
    }
    if !e.is_empty() {
        customers::update(&tx, id, &e)?;
    }
    if let Some(lang) = lang {
        customers::set_lang(&tx, id, lang)?;
    }
    if payables {
        customers::set_payables_facts(&tx, id, cutoff_day, pay_days, invoice_needs)?;
    }
    events::record(
        &tx,
        "customer edit",
        &format!("edited customer {}", a.code),
        &format!("修改客户 {}", a.code),
        None,
    )?;
    tx.commit()?;
    ctx.note(&format!("updated customer {}", a.code), &format!("已更新客户 {}", a.code));
    Ok(())
}
