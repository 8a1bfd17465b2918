//! `huikuan log`: the audit trail.

use crate::context::Ctx;
use crate::error::Result;
use crate::output::Format;
use crate::render::{Cell, Table, write_json};
use crate::store::events;

/// Show the most recent changes to the book, oldest first.
///
/// Every command that changes the book appends one event in the same
/// transaction as the change; the trail can be added to, never edited.
/// In Chinese (--lang zh) the commands and texts are shown in Chinese;
/// --grep finds either language.
/// Examples:
///   huikuan log --limit 20
///   huikuan log --command pay --since 2026-11-01
///   huikuan log --grep INV-1001
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// How many events to show (the most recent)
    #[arg(long, default_value_t = 50)]
    pub limit: i64,
    /// Only this command, e.g. "pay" or "reconcile import"
    #[arg(long)]
    pub command: Option<String>,
    /// Only events whose text (English or Chinese) contains this
    #[arg(long, value_name = "TEXT")]
    pub grep: Option<String>,
    /// Only events on or after this day (UTC)
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    /// Only events on or before this day (UTC)
    #[arg(long, value_name = "DATE")]
    pub until: Option<String>,
}

pub fn run(ctx: &mut Ctx, a: Args) -> Result<()> {
    let mut book = ctx.open_book()?;
    let tx = book.read()?;
    let filter = events::Filter {
        command: a.command.clone(),
        text: a.grep.clone(),
        since: a.since.as_deref().map(|d| ctx.date("--since", d)).transpose()?,
        until: a.until.as_deref().map(|d| ctx.date("--until", d)).transpose()?,
        limit: a.limit.max(0),
    };
    let list = events::query(&tx, &filter)?;
    if ctx.format == Format::Json {
        return write_json(&mut ctx.out, &list);
    }
    let mut t = Table::new(ctx.lang, &[("#", "#"), ("at (UTC)", "时间 (UTC)"), ("command", "命令"), ("what", "内容")]);
    for e in &list {
        let command = crate::render::words::command(&e.command, ctx.lang);
        t.push(vec![Cell::Int(e.id), Cell::text(&e.at), Cell::text(command), Cell::text(e.text(ctx.lang))]);
    }
    t.write(&mut ctx.out, ctx.format)
}
