//! `huikuan dun promise`.

use crate::context::Ctx;
use crate::error::{Error, Result};
use crate::parse::positive_amount;
use crate::reports;
use crate::store::{customers, dunning, events};

/// Record a promise to pay: the worklist waits until its date, and a broken
/// promise moves the customer one level up.
///
/// The amount defaults to what is overdue today. The promise is kept when
/// payments of at least the amount arrive from today up to the date.
/// Example:
///   huikuan dun promise HY --date 2026-11-28 --amount 50000
///   huikuan dun promise HY --date 2026-11-28 --reason cash-flow
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// Customer code
    pub customer: String,
    /// The date promised
    #[arg(long, value_name = "DATE")]
    pub date: String,
    /// The amount promised [default: all that is overdue]
    #[arg(long, value_name = "AMOUNT", allow_negative_numbers = true)]
    pub amount: Option<String>,
    #[arg(long)]
    pub note: Option<String>,
    /// Why the amount is overdue: cash-flow, quality, documents, internal,
    /// wilful or other (or the Chinese name)
    #[arg(long, value_name = "REASON")]
    pub reason: Option<String>,
}

pub fn run(ctx: &mut Ctx, a: Args) -> Result<()> {
    let date = ctx.date("--date", &a.date)?;
    if date < ctx.today {
        return Err(Error::user(
            format!("--date: {date} has passed; a promise is for a day to come"),
            format!("--date：{date} 已过；承诺付款日应在今天或以后"),
        ));
    }
    let amount = a.amount.as_deref().map(|m| positive_amount("--amount", m)).transpose()?;
    let reason = a.reason.as_deref().map(|r| crate::parse::overdue_reason("--reason", r)).transpose()?;
    let mut book = ctx.open_book_to_write()?;
    let tx = book.write()?;
    let c = customers::get(&tx, &a.customer)?;
    let amount = match amount {
        Some(m) => m,
        None => {
            let overdue = reports::worklist::undisputed_overdue(&tx, ctx.today, c.id)?;
            if !overdue.is_positive() {
                return Err(Error::user(
                    format!("{} has nothing overdue; give --amount", c.code),
                    format!("{} 没有逾期款项；请给出 --amount", c.code),
                ));
            }
            overdue
        }
    };
    let row = dunning::PromiseRow { customer_id: c.id, made: ctx.today, date, amount, note: a.note.as_deref() };
    dunning::add_promise_with_reason(&tx, row, reason)?;
    let (en, zh) =
        (format!("{} promised {amount} by {date}", c.code), format!("{} 承诺于 {date} 前付款 {amount}", c.code));
    events::record(&tx, "dun promise", &en, &zh, None)?;
    tx.commit()?;
    ctx.note(&format!("{} promised {amount} by {date}", c.code), &format!("{} 承诺于 {date} 前付款 {amount}", c.code));
    Ok(())
}
