//! `huikuan report collection`.

use crate::commands::sheet;
use crate::context::Ctx;
use crate::error::{Error, Result};
use crate::ledger::date::{month_end, parse_month};
use crate::reports::collection::By;
use crate::store::customers;
use crate::{render, reports};

/// Collection metrics for a period: invoiced, collected, what fell due,
/// 回款率, DSO and CEI, per customer and in total.
///
///   回款率 = collected on what fell due in the period ÷ what fell due × 100
///   DSO    = ending AR ÷ credit sales × days in the period
///   CEI    = (beginning AR + credit sales − ending AR)
///            ÷ (beginning AR + credit sales − ending current AR) × 100
/// Examples:
///   huikuan report collection --period 2026-10
///   huikuan report collection --from 2026-07-01 --to 2026-09-30 --format csv
///   huikuan report collection --period 2026-10 --by salesperson
///   huikuan report collection --period 2026-10 --salesperson 张伟
///   huikuan report collection --period 2026-10 --format xlsx --out collection.xlsx
/// By salesperson, each figure of an invoice goes to the salesperson the
/// invoice is credited to ("(none)" for invoices without one); cash received
/// and not yet applied goes to the customer's salesperson.
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// A month, e.g. 2026-10
    #[arg(long, value_name = "YYYY-MM", conflicts_with_all = ["from", "to"])]
    pub period: Option<String>,
    /// First day of the period
    #[arg(long, value_name = "DATE", requires = "to")]
    pub from: Option<String>,
    /// Last day of the period
    #[arg(long, value_name = "DATE", requires = "from")]
    pub to: Option<String>,
    /// One line per customer (default) or per salesperson (业务员)
    #[arg(long, value_enum, default_value = "customer")]
    pub by: ByArg,
    /// Only the invoices credited to this salesperson
    #[arg(long, value_name = "NAME")]
    pub salesperson: Option<String>,
    #[command(flatten)]
    pub out: crate::commands::sheet::Out,
}

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum ByArg {
    Customer,
    Salesperson,
}

pub fn run(ctx: &mut Ctx, a: Args) -> Result<()> {
    sheet::check(ctx, &a.out)?;
    let (from, to) = match (&a.period, &a.from, &a.to) {
        (Some(p), _, _) => {
            let first = parse_month(p)?;
            (first, month_end(first))
        }
        (None, Some(f), Some(t)) => (ctx.date("--from", f)?, ctx.date("--to", t)?),
        _ => {
            let first = parse_month(&ctx.as_of.format("%Y-%m").to_string())?;
            (first, month_end(first))
        }
    };
    if to < from {
        return Err(Error::user(format!("--to {to} is before --from {from}"), format!("--to {to} 早于 --from {from}")));
    }
    let mut book = ctx.open_book()?;
    let tx = book.read()?;
    let only = a.salesperson.as_deref().map(|n| customers::require_salesperson(&tx, n)).transpose()?;
    let by = match a.by {
        ByArg::Customer => By::Customer,
        ByArg::Salesperson => By::Salesperson,
    };
    let c = reports::collection::figures_by(&tx, from, to, by, only.as_deref())?;
    let (lang, format) = (ctx.lang, ctx.format);
    sheet::emit(ctx, &a.out, |w| render::collection::write(w, &c, lang, format))
}
