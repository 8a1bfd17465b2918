//! `huikuan customer show`.

use crate::context::Ctx;
use crate::error::Result;
use crate::output::Format;
use crate::render::{customer, write_json};
use crate::reports;

/// Show one customer: details, contacts, credit, balances and open invoices.
///
/// Example:
///   huikuan customer show HW
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// Customer code
    pub code: String,
}

pub fn run(ctx: &mut Ctx, a: Args) -> Result<()> {
    let mut book = ctx.open_book()?;
    let tx = book.read()?;
    let d = reports::customer::details(&tx, &a.code, ctx.as_of)?;
    if ctx.format == Format::Json {
        return write_json(&mut ctx.out, &d);
    }
    customer::details(&mut ctx.out, ctx.lang, ctx.format, &d)
}
