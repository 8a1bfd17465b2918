//! `huikuan report confirmations`.

use crate::context::Ctx;
use crate::error::Result;
use crate::ledger::date::parse_month;
use crate::{render, reports};

/// The month's balance confirmations (询证函): sent, returned, agreed, differing, outstanding.
///
/// One line per customer whose slip for the month was sent (a statement to
/// the month's last day written with report statement --out): the balance
/// it stated (positive, the customer owes us; negative, we owe it), the
/// dates sent and returned, agreed or differing with the customer's own
/// balance and the difference (theirs − ours), or outstanding when no reply
/// is recorded (customer confirm records one). The totals line counts each.
/// Examples:
///   huikuan report confirmations --period 2026-10
///   huikuan report confirmations --period 2026-10 --format csv > confirmations.csv
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// The month, e.g. 2026-10
    #[arg(long, value_name = "YYYY-MM")]
    pub period: String,
}

pub fn run(ctx: &mut Ctx, a: Args) -> Result<()> {
    let period = parse_month(&a.period)?.format("%Y-%m").to_string();
    let mut book = ctx.open_book()?;
    let tx = book.read()?;
    let r = reports::confirmations::confirmations(&tx, &period)?;
    render::confirmations::write(&mut ctx.out, &r, ctx.lang, ctx.format)
}
