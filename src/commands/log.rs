//! `huikuan log`: the audit trail.

use crate::context::Ctx;
use crate::error::Result;
use crate::render::{Cell, Format, Table, write_json};
use crate::store::events;

/// Show the most recent changes to the book, oldest first.
///
/// Every command that changes the book appends one event in the same
/// transaction as the change. Example:
///   huikuan log --limit 20
#[derive(Debug, clap::Args)]
pub struct Args {
    /// How many events to show
    #[arg(long, default_value_t = 50)]
    pub limit: i64,
}

pub fn run(ctx: &mut Ctx, a: Args) -> Result<()> {
    let mut book = ctx.open_book()?;
    let tx = book.read()?;
    let list = events::recent(&tx, a.limit.max(0))?;
    if ctx.format == Format::Json {
        return write_json(&mut ctx.out, &list);
    }
    let mut t = Table::new(ctx.lang, &[("#", "#"), ("at (UTC)", "时间 (UTC)"), ("command", "命令"), ("what", "内容")]);
    for e in list {
        t.push(vec![Cell::Int(e.id), Cell::text(e.at), Cell::text(e.command), Cell::text(e.summary)]);
    }
    t.write(&mut ctx.out, ctx.format)
}
