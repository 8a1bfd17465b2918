//! `huikuan customer show`.

use crate::context::Ctx;
use crate::error::Result;
use crate::output::Format;
use crate::render::{customer, write_json};
use crate::reports;

/// Show one customer: details, contacts, credit, balances and open invoices.
///
/// Lists the first 20 open invoices, oldest issued first, and says how many
/// more there are; `--all` lists every one. Examples:
///   huikuan customer show HW
///   huikuan customer show HW --all --format csv
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// Customer code
    pub code: String,
    /// List every open invoice (by default the first 20)
    #[arg(long)]
    pub all: bool,
}

pub fn run(ctx: &mut Ctx, a: Args) -> Result<()> {
    let mut book = ctx.open_book()?;
    let tx = book.read()?;
    let d = reports::customer::details(&tx, &a.code, ctx.as_of, a.all)?;
    if ctx.format == Format::Json {
        write_json(&mut ctx.out, &d)?;
    } else {
        customer::details(&mut ctx.out, ctx.lang, ctx.format, &d)?;
    }
    let more = d.invoices_open - d.invoices.len();
    if more > 0 {
        ctx.note(
            &format!("{more} more open invoices not listed: huikuan customer show {} --all", d.code),
            &format!("另有 {more} 张未结发票未列出：huikuan customer show {} --all", d.code),
        );
    }
    Ok(())
}
