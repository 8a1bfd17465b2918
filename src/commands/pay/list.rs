//! `huikuan pay list`.

use serde::Serialize;

use crate::context::Ctx;
use crate::error::Result;
use crate::ledger::Money;
use crate::output::Format;
use crate::render::{Cell, JsonSeq, write_rows};
use crate::store::{customers, payments};

/// List payments, oldest first.
///
/// Example:
///   huikuan pay list --customer HW --unapplied
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// Only this customer's payments
    #[arg(long, value_name = "CODE")]
    pub customer: Option<String>,
    /// Only payments with unapplied credit left
    #[arg(long)]
    pub unapplied: bool,
}

#[derive(Serialize)]
struct Row {
    id: i64,
    customer: String,
    date: chrono::NaiveDate,
    amount: Money,
    method: String,
    reference: Option<String>,
    unapplied: Money,
    void: bool,
}

pub fn run(ctx: &mut Ctx, a: Args) -> Result<()> {
    let mut book = ctx.open_book()?;
    let tx = book.read()?;
    // The list is sorted by date, and no index holds the book's payments in
    // that order: the sort goes to temporary files past 16 MiB (on the
    // 10^6 bench book it held every row in memory: about 160 MB, and ten
    // times that at 10^7).
    crate::store::sort_in_files(&tx)?;
    let customer = a.customer.as_deref().map(|c| customers::require_id(&tx, c)).transpose()?;
    // A book of millions of payments is listed as it is read, never held.
    let each = |mut f: Box<dyn FnMut(Row) -> Result<()> + '_>| -> Result<()> {
        payments::list(&tx, customer, |r| {
            if a.unapplied && !r.unapplied.is_positive() {
                return Ok(());
            }
            f(Row {
                id: r.id,
                customer: r.customer,
                date: r.date,
                amount: r.amount,
                method: r.method,
                reference: r.reference,
                unapplied: r.unapplied,
                void: r.voided,
            })
        })
    };
    if ctx.format == Format::Json {
        let mut seq = JsonSeq::new(&mut ctx.out);
        each(Box::new(|r| seq.push(&r)))?;
        return seq.finish();
    }
    let lang = ctx.lang;
    let yes = lang.pick("yes", "是");
    let rows = |emit: &mut dyn FnMut(Vec<Cell>) -> Result<()>| -> Result<()> {
        each(Box::new(|r| {
            emit(vec![
                Cell::Int(r.id),
                Cell::text(r.customer),
                Cell::Date(r.date),
                Cell::Money(r.amount),
                Cell::text(crate::render::words::method(&r.method, lang)),
                Cell::opt_text(r.reference.as_deref()),
                Cell::Money(r.unapplied),
                if r.void { Cell::text(yes) } else { Cell::Empty },
            ])
        }))
    };
    let headers = [
        ("id", "编号"),
        ("customer", "客户"),
        ("date", "日期"),
        ("amount", "金额"),
        ("method", "方式"),
        ("reference", "参考号"),
        ("unapplied", "未核销"),
        ("void", "作废"),
    ];
    write_rows(&mut ctx.out, ctx.format, lang, &headers, &rows)
}
