//! `huikuan pay list`.

use serde::Serialize;

use crate::context::Ctx;
use crate::error::Result;
use crate::ledger::Money;
use crate::output::Format;
use crate::render::{Cell, Table, write_json};
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
    let customer = a.customer.as_deref().map(|c| customers::require_id(&tx, c)).transpose()?;
    let rows: Vec<Row> = payments::list(&tx, customer)?
        .into_iter()
        .filter(|r| !a.unapplied || r.unapplied.is_positive())
        .map(|r| Row {
            id: r.id,
            customer: r.customer,
            date: r.date,
            amount: r.amount,
            method: r.method,
            reference: r.reference,
            unapplied: r.unapplied,
            void: r.voided,
        })
        .collect();
    if ctx.format == Format::Json {
        return write_json(&mut ctx.out, &rows);
    }
    let lang = ctx.lang;
    let mut t = Table::new(
        lang,
        &[
            ("id", "编号"),
            ("customer", "客户"),
            ("date", "日期"),
            ("amount", "金额"),
            ("method", "方式"),
            ("reference", "参考号"),
            ("unapplied", "未核销"),
            ("void", "作废"),
        ],
    );
    let yes = lang.pick("yes", "是");
    for r in rows {
        t.push(vec![
            Cell::Int(r.id),
            Cell::text(r.customer),
            Cell::Date(r.date),
            Cell::Money(r.amount),
            Cell::text(crate::render::words::method(&r.method, lang)),
            Cell::opt_text(r.reference.as_deref()),
            Cell::Money(r.unapplied),
            if r.void { Cell::text(yes) } else { Cell::Empty },
        ]);
    }
    t.write(&mut ctx.out, ctx.format)
}
