//! `huikuan pay add`.

use crate::context::Ctx;
use crate::error::Result;
use crate::parse::positive_amount;
use crate::store::payments::{self, NewPayment, Source};
use crate::store::totals::Headroom;
use crate::store::{customers, events};

/// Record a payment and allocate it.
///
/// To the invoices named with --invoice (in that order); otherwise to the
/// oldest due installments first. What is left is unapplied credit on the
/// customer, applied automatically to the customer's next invoices unless
/// --hold-credit. Examples:
///   huikuan pay add HW 50000 --date 2026-11-20 --ref "CMB 8812"
///   huikuan pay add HW 12000 --invoice INV-1001 --method cheque
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// Customer code
    pub customer: String,
    /// Amount received
    #[arg(allow_negative_numbers = true)]
    pub amount: String,
    /// Date received [default: today]
    #[arg(long, value_name = "DATE")]
    pub date: Option<String>,
    /// bank, cash, cheque, alipay, wechat, acceptance (承兑汇票) or other
    #[arg(long, default_value = "bank")]
    pub method: String,
    /// Bank reference or note
    #[arg(long = "ref", value_name = "TEXT")]
    pub reference: Option<String>,
    /// Allocate to this invoice (repeatable)
    #[arg(long, value_name = "NUMBER")]
    pub invoice: Vec<String>,
    /// Keep what is left as credit until applied with `pay apply`
    #[arg(long)]
    pub hold_credit: bool,
}

pub fn run(ctx: &mut Ctx, a: Args) -> Result<()> {
    let amount = positive_amount("AMOUNT", &a.amount)?;
    let date = match &a.date {
        Some(d) => ctx.date("--date", d)?,
        None => ctx.today,
    };
    let method = crate::parse::parse_method("--method", &a.method)?;
    let mut book = ctx.open_book_to_write()?;
    let tx = book.write()?;
    let customer = customers::get(&tx, &a.customer)?;
    Headroom::payments(&tx)?.add(amount)?;
    let to = crate::store::invoices::allocation_targets_for(&tx, customer.id, &customer.code, &a.invoice)?;
    let p = NewPayment {
        customer_id: customer.id,
        date,
        amount,
        method,
        reference: a.reference.as_deref(),
        source: Source::Manual,
        auto_apply: !a.hold_credit,
    };
    let (id, _) = payments::record(&tx, &p, &to)?;
    let unapplied = payments::get(&tx, id)?.unapplied;
    let code = &customer.code;
    let (en, zh) = (
        format!("payment {id} from {code} of {amount} on {date}"),
        format!("收款 {id}：{code} 于 {date} 付款 {amount}"),
    );
    events::record(&tx, "pay add", &en, &zh, None)?;
    tx.commit()?;
    super::note_unapplied(ctx, id, unapplied);
    super::show::print(ctx, &book.conn, id)
}
