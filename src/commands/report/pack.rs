//! `huikuan report pack` (and `report aging --format html`): the month-end pack.

use std::io::Write;
use std::path::PathBuf;

use crate::commands::files;
use crate::context::Ctx;
use crate::error::Result;
use crate::ledger::date::{month_end, parse_month};
use crate::{render, reports};

/// Write the month-end pack: one printable HTML page with the aging and a
/// chart of its buckets, the provision, the month's collection metrics, the
/// tie-out and the bank lines not yet matched. Open it in a browser and print.
/// The file is created readable by you only; a pack of that month already in
/// the folder is never overwritten (the command refuses, naming it).
/// Examples:
///   huikuan report pack --period 2026-10 --out packs/
///   huikuan report aging --format html > aging.html
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// The month, e.g. 2026-10 (the pack is drawn as of its last day)
    #[arg(long, value_name = "YYYY-MM")]
    pub period: String,
    /// The folder to write pack-<period>.html into
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}

pub fn run(ctx: &mut Ctx, a: Args) -> Result<()> {
    let end = month_end(parse_month(&a.period)?);
    let mut book = ctx.open_book()?;
    let tx = book.read()?;
    let page = render::pack::html(ctx.lang, &reports::pack::pack(&tx, end)?);
    std::fs::create_dir_all(&a.out)?;
    let path = files::create_or_refuse(&a.out.join(format!("pack-{}.html", end.format("%Y-%m"))), page.as_bytes())?;
    writeln!(ctx.out, "{}", path.display())?;
    Ok(())
}
