//! `huikuan report provision`.

use crate::context::Ctx;
use crate::error::Result;
use crate::{render, reports};

/// The bad-debt provision (坏账准备): invoice-date aging × the book's rates.
///
/// Rates in percent for ≤1y, 1–2y, 2–3y, 3–4y, 4–5y, >5y, default
/// 5,10,30,50,80,100 (`config set provision_rates 5,10,30,50,80,100`).
/// Each customer's bucket is rounded to the cent, so customers add up to
/// the total. Example:
///   huikuan report provision --as-of 2026-10-31
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {}

pub fn run(ctx: &mut Ctx, _a: Args) -> Result<()> {
    let mut book = ctx.open_book()?;
    let tx = book.read()?;
    let p = reports::provision::compute(&tx, ctx.as_of)?;
    render::provision::write(&mut ctx.out, &p, ctx.lang, ctx.format)
}
