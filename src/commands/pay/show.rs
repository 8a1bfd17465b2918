//! `huikuan pay show`.

use std::io::Write;

use crate::store::Connection;
use serde::Serialize;

use crate::context::Ctx;
use crate::error::Result;
use crate::ledger::Money;
use crate::output::Format;
use crate::render::{Cell, Table, write_json};
use crate::store::payments::{self, AllocationRow};

/// Show a payment and where its money went.
///
/// Example:
///   huikuan pay show 12 --format json
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// Payment id (see pay list)
    pub id: i64,
}

/// `pay show --format json` (the contract).
#[derive(Serialize)]
struct PaymentJson<'a> {
    id: i64,
    customer: &'a str,
    date: chrono::NaiveDate,
    amount: Money,
    unapplied: Money,
    allocations: &'a [AllocationRow],
}

pub fn run(ctx: &mut Ctx, a: Args) -> Result<()> {
    let mut book = ctx.open_book()?;
    let tx = book.read()?;
    print(ctx, &tx, a.id)
}

/// Print one payment in the context's format.
pub fn print(ctx: &mut Ctx, conn: &Connection, id: i64) -> Result<()> {
    let p = payments::get(conn, id)?;
    if ctx.format == Format::Json {
        let j = PaymentJson {
            id: p.id,
            customer: &p.customer,
            date: p.date,
            amount: p.amount,
            unapplied: p.unapplied,
            allocations: &p.allocations,
        };
        return write_json(&mut ctx.out, &j);
    }
    let lang = ctx.lang;
    let mut head = Table::new(lang, &[("field", "项目"), ("value", "内容")]);
    let mut kv = |en: &str, zh: &str, v: Cell| head.push(vec![Cell::text(lang.pick(en, zh)), v]);
    kv("payment", "收款", Cell::Int(p.id));
    kv("customer", "客户", Cell::text(&p.customer));
    kv("date", "日期", Cell::Date(p.date));
    kv("amount", "金额", Cell::Money(p.amount));
    kv("method", "方式", Cell::text(crate::render::words::method(&p.method, lang)));
    kv("reference", "参考号", Cell::opt_text(p.reference.as_deref()));
    kv("unapplied", "未核销", Cell::Money(p.unapplied));
    if p.voided {
        kv("status", "状态", Cell::text(lang.pick("void", "作废")));
    }
    head.write(&mut ctx.out, ctx.format)?;
    if p.allocations.is_empty() {
        return Ok(());
    }
    if ctx.format == Format::Table {
        writeln!(ctx.out)?;
    }
    let mut t =
        Table::new(lang, &[("invoice", "发票"), ("due", "到期日"), ("allocated", "核销金额"), ("effective", "生效日")]);
    for a in &p.allocations {
        t.push(vec![
            Cell::text(&a.invoice),
            Cell::Date(a.due_date),
            Cell::Money(a.amount),
            Cell::Date(a.effective_date),
        ]);
    }
    t.write(&mut ctx.out, ctx.format)
}
