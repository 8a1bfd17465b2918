//! `huikuan reconcile list`.

use serde::Serialize;

use crate::context::Ctx;
use crate::error::Result;
use crate::ledger::Money;
use crate::ledger::matching::candidates;
use crate::output::Format;
use crate::reconcile::{CandidateJson, describe};
use crate::render::{Cell, Table, write_json};
use crate::store::{Connection, bank as store_bank};

/// List the credit lines waiting to be matched, with candidate customers.
///
/// `id` is what `reconcile match` and `reconcile ignore` take. Candidates are
/// worked out afresh from the book (new aliases and accounts count). Example:
///   huikuan reconcile list
#[derive(Debug, clap::Args)]
pub struct Args {}

#[derive(Serialize)]
pub struct QueuedJson {
    pub id: i64,
    pub batch: i64,
    pub date: chrono::NaiveDate,
    pub amount: Money,
    pub counterparty: Option<String>,
    pub account: Option<String>,
    pub memo: Option<String>,
    pub reference: Option<String>,
    pub candidates: Vec<CandidateJson>,
}

/// The queue with candidates.
pub fn queue(conn: &Connection) -> Result<Vec<QueuedJson>> {
    let index = store_bank::match_index(conn)?;
    let mut out = Vec::new();
    for l in store_bank::queued(conn)? {
        let mut cands = Vec::new();
        for c in candidates(&index, l.counterparty.as_deref(), l.account.as_deref(), &l.text()) {
            cands.push(describe(conn, &index, l.amount, &c)?);
        }
        out.push(QueuedJson {
            id: l.id,
            batch: l.batch,
            date: l.date,
            amount: l.amount,
            counterparty: l.counterparty,
            account: l.account,
            memo: l.memo,
            reference: l.reference,
            candidates: cands,
        });
    }
    Ok(out)
}

pub fn run(ctx: &mut Ctx, _a: Args) -> Result<()> {
    let mut book = ctx.open_book()?;
    let tx = book.read()?;
    let q = queue(&tx)?;
    if ctx.format == Format::Json {
        return write_json(&mut ctx.out, &q);
    }
    let mut t = Table::new(
        ctx.lang,
        &[
            ("id", "编号"),
            ("batch", "批次"),
            ("date", "日期"),
            ("amount", "金额"),
            ("counterparty", "对方"),
            ("account", "账号"),
            ("memo", "摘要"),
            ("candidates", "候选客户"),
        ],
    );
    for l in q {
        let cands: Vec<String> = l
            .candidates
            .iter()
            .map(|c| {
                let inv = if c.invoices.is_empty() { String::new() } else { format!(" {}", c.invoices.join(",")) };
                format!("{}{inv} ({} {})", c.customer, c.rule, c.confidence)
            })
            .collect();
        t.push(vec![
            Cell::Int(l.id),
            Cell::Int(l.batch),
            Cell::Date(l.date),
            Cell::Money(l.amount),
            Cell::opt_text(l.counterparty.as_deref()),
            Cell::opt_text(l.account.as_deref()),
            Cell::opt_text(l.memo.as_deref()),
            Cell::text(cands.join("; ")),
        ]);
    }
    t.write(&mut ctx.out, ctx.format)
}
