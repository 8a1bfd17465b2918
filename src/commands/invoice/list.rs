//! `huikuan invoice list`.

use crate::commands::sheet;
use crate::context::Ctx;
use crate::error::Result;
use crate::output::Format;
use crate::render::{Cell, JsonSeq, write_rows};
use crate::store::customers;
use crate::store::invoices::{self, ListFilter, Status};

/// List invoices, oldest first.
///
/// Examples:
///   huikuan invoice list --customer HW --status open
///   huikuan invoice list --overdue --as-of 2026-10-31 --format csv
///   huikuan invoice list --salesperson 张伟 --status open
///   huikuan invoice list --status open --format xlsx --out open.xlsx
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// Only this customer's invoices
    #[arg(long, value_name = "CODE")]
    pub customer: Option<String>,
    /// Only invoices in this state
    #[arg(long, value_enum)]
    pub status: Option<StatusArg>,
    /// Only invoices with an unpaid installment past due at the as-of date
    #[arg(long)]
    pub overdue: bool,
    /// Only the invoices credited to this salesperson (业务员)
    #[arg(long, value_name = "NAME")]
    pub salesperson: Option<String>,
    #[command(flatten)]
    pub out: crate::commands::sheet::Out,
}

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum StatusArg {
    Open,
    Paid,
    Void,
    Disputed,
}

pub fn run(ctx: &mut Ctx, a: Args) -> Result<()> {
    sheet::check(ctx, &a.out)?;
    let mut book = ctx.open_book()?;
    let tx = book.read()?;
    // The list is sorted by date, and no index holds the book's invoices in
    // that order: the sort goes to temporary files past 16 MiB (on the
    // 10^6 bench book it held every row in memory: about 160 MB, and ten
    // times that at 10^7).
    crate::store::sort_in_files(&tx)?;
    let filter = ListFilter {
        customer_id: a.customer.as_deref().map(|c| customers::require_id(&tx, c)).transpose()?,
        status: a.status.map(|s| match s {
            StatusArg::Open => Status::Open,
            StatusArg::Paid => Status::Paid,
            StatusArg::Void => Status::Void,
            StatusArg::Disputed => Status::Disputed,
        }),
        overdue_at: a.overdue.then_some(ctx.as_of),
    };
    let only = a.salesperson.as_deref().map(|n| customers::require_salesperson(&tx, n)).transpose()?;
    let wanted = |r: &invoices::ListRow| only.is_none() || r.facts.salesperson == only;
    // A book of millions of invoices is listed as it is read, never held.
    if ctx.format == Format::Json {
        let mut seq = JsonSeq::new(&mut ctx.out);
        invoices::list(&tx, &filter, |r| if wanted(&r) { seq.push(&r) } else { Ok(()) })?;
        return seq.finish();
    }
    let lang = ctx.lang;
    let rows = |emit: &mut dyn FnMut(Vec<Cell>) -> Result<()>| -> Result<()> {
        invoices::list(&tx, &filter, |r| {
            if !wanted(&r) {
                return Ok(());
            }
            emit(vec![
                Cell::text(r.number),
                Cell::text(r.customer),
                Cell::Date(r.issue_date),
                r.next_due.map_or(Cell::Empty, Cell::Date),
                Cell::Money(r.amount),
                Cell::Money(r.balance),
                Cell::text(lang.pick(r.status.as_str(), r.status.zh())),
            ])
        })
    };
    let headers = [
        ("invoice", "发票"),
        ("customer", "客户"),
        ("issued", "开票日"),
        ("next due", "下一到期日"),
        ("amount", "金额"),
        ("balance", "余额"),
        ("status", "状态"),
    ];
    let format = ctx.format;
    sheet::emit(ctx, &a.out, |w| write_rows(w, format, lang, &headers, &rows))
}
