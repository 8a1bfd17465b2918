//! `huikuan dun charge-interest`.

use std::collections::BTreeMap;

use crate::context::Ctx;
use crate::error::{Error, Result};
use crate::ledger::Money;
use crate::ledger::schedule::{DuePlan, build_schedule};
use crate::output::Format;
use crate::render::{Cell, Table, write_json};
use crate::reports;
use crate::store::invoices::{self, Kind, NewInvoice};
use crate::store::{customers, dunning, events};

/// Post the late interest accrued so far as interest invoices.
///
/// One invoice per customer and month, numbered INT-<CODE>-<YYYYMM>, issued
/// on the as-of date and due a week later, for the interest accrued and not
/// yet posted on each overdue installment. Running it again in the same
/// month adds nothing; next month posts only what accrued since. Interest
/// invoices bear no interest themselves. Examples:
///   huikuan dun charge-interest
///   huikuan dun charge-interest HY --as-of 2026-10-31
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only this customer
    pub customer: Option<String>,
}

#[derive(serde::Serialize)]
struct Posted {
    customer: String,
    invoice: String,
    amount: Money,
}

pub fn run(ctx: &mut Ctx, a: Args) -> Result<()> {
    if ctx.as_of > ctx.today {
        return Err(Error::user(
            "interest cannot be posted for a day to come; drop --as-of or give a past date",
            "不能为将来的日期计收违约金；请去掉 --as-of 或给出已过的日期",
        ));
    }
    let as_of = ctx.as_of;
    let mut book = ctx.open_book()?;
    let tx = book.write()?;
    let only = a.customer.as_deref().map(|c| customers::require_id(&tx, c)).transpose()?;
    // customer id → [(installment id, interest due)]
    let mut due: BTreeMap<i64, Vec<(i64, Money)>> = BTreeMap::new();
    reports::detail(&tx, as_of, only, |d| {
        let i = d.interest_due();
        if i.is_positive() {
            due.entry(d.item.customer_id).or_default().push((d.item.installment_id, i));
        }
        Ok(())
    })?;
    let mut posted = Vec::new();
    for (customer_id, parts) in due {
        let c = customers::get_by_id(&tx, customer_id)?;
        let number = format!("INT-{}-{}", c.code, as_of.format("%Y%m"));
        if invoices::id_of(&tx, &number)?.is_some() {
            continue; // posted already this month
        }
        let amount: Money = parts.iter().map(|p| p.1).sum();
        let due_date = as_of.checked_add_days(chrono::Days::new(7)).unwrap_or(as_of);
        let schedule = build_schedule(as_of, amount, &DuePlan::On(due_date))?;
        let desc = format!("Late interest to {as_of} / 截至 {as_of} 违约金");
        let new = NewInvoice {
            number: &number,
            customer_id,
            issue_date: as_of,
            amount,
            description: Some(&desc),
            kind: Kind::Interest,
            discount: None,
            schedule: &schedule,
        };
        let (invoice_id, _) = invoices::create(&tx, &new, true)?;
        for (installment, amt) in parts {
            dunning::record_interest_charge(&tx, installment, invoice_id, amt)?;
        }
        posted.push(Posted { customer: c.code, invoice: number, amount });
    }
    if !posted.is_empty() {
        let total: Money = posted.iter().map(|p| p.amount).sum();
        events::record(
            &tx,
            "dun charge-interest",
            &format!("posted {total} of late interest to {as_of} on {} invoices", posted.len()),
            None,
        )?;
    }
    tx.commit()?;
    if posted.is_empty() {
        ctx.note(
            &format!("no interest to post as of {as_of} (none accrued, or posted already this month)"),
            &format!("截至 {as_of} 无需计收违约金（未产生，或本月已计收）"),
        );
    }
    if ctx.format == Format::Json {
        return write_json(&mut ctx.out, &posted);
    }
    let mut t = Table::new(ctx.lang, &[("customer", "客户"), ("invoice", "发票"), ("interest", "违约金")]);
    for p in posted {
        t.push(vec![Cell::text(p.customer), Cell::text(p.invoice), Cell::Money(p.amount)]);
    }
    t.write(&mut ctx.out, ctx.format)
}
