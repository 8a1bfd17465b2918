//! `huikuan invoice reschedule`.

use crate::context::Ctx;
use crate::error::{Error, Result};
use crate::ledger::schedule::{PlanAsk, PlanRefusal, plan_schedule};
use crate::store::invoices::{self, Invoice};
use crate::store::{Connection, StoreError, dunning, events, plans};

/// Reschedule an invoice's open balance into a payment plan (分期还款协议).
///
/// On --from, the open balance (what is left on the open installments)
/// moves to the new installments, appended to the invoice: --split N gives
/// N equal monthly installments, the first one month after --from
/// (remainder cents on the last); --installment DATE:AMOUNT (repeatable)
/// gives them one by one, adding up to the open balance exactly. The old
/// schedule stays in the history (`invoice show`); interest accrued on it up
/// to --from stays owed; from --from on, aging and interest follow the plan's
/// due dates, and a missed plan installment counts as a broken promise in
/// `dun list`. Refused for a void, paid or disputed invoice, in a closed
/// period, and before the invoice's last payment or write-off. Asks for
/// confirmation; --yes for scripts. Examples:
///   huikuan invoice reschedule INV-1001 --split 3 --from 2026-11-30 --note "cash-flow plan" --yes
///   huikuan invoice reschedule INV-1001 --from 2026-11-30 --installment 2026-12-31:10000 --installment 2027-01-31:20000
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// Invoice number
    pub number: String,
    /// N equal monthly installments, the first one month after --from
    #[arg(long, value_name = "N", conflicts_with = "installment", required_unless_present = "installment")]
    pub split: Option<u32>,
    /// An installment DATE:AMOUNT (repeatable; they must add up to the open balance)
    #[arg(long, value_name = "DATE:AMOUNT")]
    pub installment: Vec<String>,
    /// The date the plan is agreed: the old schedule is replaced from then on
    #[arg(long, value_name = "DATE")]
    pub from: String,
    /// A note kept with the plan (the agreement, its reason)
    #[arg(long)]
    pub note: Option<String>,
}

pub fn run(ctx: &mut Ctx, a: Args) -> Result<()> {
    let from = ctx.date("--from", &a.from)?;
    let ask = match a.split {
        Some(n) => PlanAsk::Split(n),
        None => PlanAsk::Explicit(
            a.installment.iter().map(|i| super::parse_installment(ctx, i)).collect::<Result<Vec<_>>>()?,
        ),
    };
    let note = a.note.as_deref().map(str::trim).filter(|n| !n.is_empty());
    let mut book = ctx.open_book_to_write()?;
    // Check everything before asking; checked again when written.
    let (inv, schedule) = {
        let tx = book.read()?;
        plan(&tx, &a.number, from, &ask)?
    };
    let open = inv.balance();
    ctx.confirm(
        &format!(
            "reschedule {open} of invoice {} ({}) into {} installments from {from}?",
            inv.number,
            inv.customer,
            schedule.len()
        ),
        &format!(
            "将发票 {}（{}）未结余额 {open} 自 {from} 起改为分 {} 期还款？",
            inv.number,
            inv.customer,
            schedule.len()
        ),
    )?;
    let tx = book.write()?;
    let (inv, schedule) = plan(&tx, &a.number, from, &ask)?;
    let ladder = dunning::ladder(&tx)?;
    let oldest = inv.installments.iter().filter(|i| i.balance().is_positive()).map(|i| i.due_date).min();
    let level_before = match oldest {
        Some(due) => plans::highest_level(&tx, inv.customer_id, ladder.episode_start(due), from)?,
        None => None,
    };
    plans::reschedule(&tx, inv.id, from, &schedule, note, level_before)?;
    let parts: Vec<String> = schedule.iter().map(|i| format!("{} {}", i.due_date, i.amount)).collect();
    events::record(
        &tx,
        "invoice reschedule",
        &format!(
            "rescheduled {open} of {} on {from} into {}{}",
            inv.number,
            parts.join(", "),
            note.map(|n| format!(": {n}")).unwrap_or_default()
        ),
        &format!(
            "{from} 将 {} 的 {open} 改为分期：{}{}",
            inv.number,
            parts.join("，"),
            note.map(|n| format!("：{n}")).unwrap_or_default()
        ),
        None,
    )?;
    tx.commit()?;
    ctx.note(
        &format!("rescheduled {open} of invoice {} into {} installments", inv.number, schedule.len()),
        &format!("已将发票 {} 的 {open} 改为分 {} 期还款", inv.number, schedule.len()),
    );
    let number = inv.number.clone();
    super::show::print(ctx, &book.conn, &number)
}

/// The invoice and the plan's schedule, if the plan may be made.
fn plan(
    conn: &Connection,
    number: &str,
    from: chrono::NaiveDate,
    ask: &PlanAsk,
) -> Result<(Invoice, Vec<crate::ledger::schedule::Installment>)> {
    let inv = invoices::get(conn, number)?;
    if inv.voided {
        return Err(StoreError::InvoiceVoid(inv.number).into());
    }
    if inv.disputed {
        return Err(Error::user(
            format!(
                "invoice {} is in dispute: resolve the dispute (invoice undispute) before a payment plan",
                inv.number
            ),
            format!("发票 {} 处于争议中：请先解决争议（invoice undispute）再约定分期还款", inv.number),
        ));
    }
    let open = inv.balance();
    if !open.is_positive() {
        return Err(StoreError::InvoicePaid(inv.number).into());
    }
    crate::store::ensure_open(conn, from)?;
    let last = plans::last_settlement(conn, inv.id)?;
    if let Some(after) = last.filter(|d| *d > from).or(Some(inv.issue_date).filter(|d| *d > from)) {
        return Err(Error::user(
            format!(
                "a payment plan of {from} is before invoice {}'s last entry of {after}: date it {after} or later",
                inv.number
            ),
            format!("分期还款协议日 {from} 早于发票 {} 最近一笔记录的日期 {after}：请定在 {after} 或之后", inv.number),
        ));
    }
    let schedule = plan_schedule(from, open, ask).map_err(|r| match r {
        PlanRefusal::Mismatch { sum, open, by, over } => {
            let (en, zh) = if over { ("over", "多") } else { ("short of", "少") };
            Error::user(
                format!("the installments add up to {sum}, the open balance of {} is {open}: {by} {en} it", inv.number),
                format!("各期合计 {sum}，发票 {} 未结余额为 {open}：{zh} {by}", inv.number),
            )
        }
        PlanRefusal::DueBefore { due, from } => Error::user(
            format!("a plan installment due on {due} is before the plan's date {from}"),
            format!("分期到期日 {due} 早于协议日 {from}"),
        ),
        PlanRefusal::Schedule(e) => e.into(),
    })?;
    Ok((inv, schedule))
}
