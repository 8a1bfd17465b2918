//! `huikuan dun charge-interest`.

use crate::context::Ctx;
use crate::error::{Error, Result};
use crate::store::invoices::{self, Kind, NewInvoice};
use crate::store::totals::Headroom;
use crate::store::{customers, dunning, events};
use crate::{render, reports};

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
#[command(verbatim_doc_comment)]
pub struct Args {
    /// Only this customer
    pub customer: Option<String>,
}

pub fn run(ctx: &mut Ctx, a: Args) -> Result<()> {
    if ctx.as_of > ctx.today {
        return Err(Error::user(
            "interest cannot be posted for a day to come; drop --as-of or give a past date",
            "不能为将来的日期计收违约金；请去掉 --as-of 或给出已过的日期",
        ));
    }
    let as_of = ctx.as_of;
    let mut book = ctx.open_book_to_write()?;
    let tx = book.write()?;
    let only = a.customer.as_deref().map(|c| customers::require_id(&tx, c)).transpose()?;
    let posted = reports::interest::charges(&tx, as_of, only)?;
    let desc = format!("Late interest to {as_of} / 截至 {as_of} 违约金");
    let mut headroom = Headroom::invoices(&tx)?;
    for c in &posted {
        headroom.add(c.amount)?;
        let new = NewInvoice {
            number: &c.number,
            customer_id: c.customer_id,
            issue_date: as_of,
            amount: c.amount,
            description: Some(&desc),
            kind: Kind::Interest,
            discount: None,
            schedule: &c.schedule,
            import_print: None,
        };
        let (invoice_id, _) = invoices::create(&tx, &new, true)?;
        for &(installment, amount) in &c.parts {
            dunning::record_interest_charge(&tx, installment, invoice_id, amount)?;
        }
    }
    if !posted.is_empty() {
        let total = reports::interest::charged(&posted);
        events::record(
            &tx,
            "dun charge-interest",
            &format!("posted {total} of late interest to {as_of} on {} invoices", posted.len()),
            &format!("计收截至 {as_of} 的违约金 {total}，共 {} 张发票", posted.len()),
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
    render::interest::write_charges(&mut ctx.out, &posted, ctx.lang, ctx.format)
}
