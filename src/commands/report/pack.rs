//! `huikuan report pack` (and `report aging --format html`): the month-end pack.

use std::path::PathBuf;

use chrono::NaiveDate;

use crate::context::Ctx;
use crate::error::Result;
use crate::ledger::aging::{AgingRule, Basis, Buckets};
use crate::ledger::date::{month_end, parse_month};
use crate::render::html::{Pack, Unmatched, render};
use crate::{reports, store};

/// Write the month-end pack: one printable HTML page with the aging and a
/// chart of its buckets, the provision, the month's collection metrics, the
/// tie-out and the bank lines not yet matched. Open it in a browser and print.
/// Examples:
///   huikuan report pack --period 2026-10 --out packs/
///   huikuan report aging --format html > aging.html
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The month, e.g. 2026-10 (the pack is drawn as of its last day)
    #[arg(long, value_name = "YYYY-MM")]
    pub period: String,
    /// The folder to write pack-<period>.html into
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}

/// The pack as of a date, with the metrics of the month it falls in.
pub fn html(ctx: &Ctx, conn: &rusqlite::Connection, as_of: NaiveDate) -> Result<String> {
    let rule = AgingRule { basis: Basis::Due, buckets: Buckets::default() };
    let aging = reports::aging_report(conn, &rule, as_of, None)?;
    let first = parse_month(&as_of.format("%Y-%m").to_string())?;
    let (_, metrics) = super::collection::figures(conn, first, as_of)?;
    let unmatched = store::bank::queued(conn)?
        .into_iter()
        .filter(|l| l.date <= as_of)
        .map(|l| Unmatched {
            id: l.id,
            date: l.date,
            amount: l.amount,
            counterparty: l.counterparty.unwrap_or_default(),
            memo: l.memo.unwrap_or_default(),
        })
        .collect();
    let company = store::book_settings(conn)?.company;
    let pack = Pack {
        lang: ctx.lang,
        company: &company,
        bucket_headers: super::aging::bucket_headers(ctx.lang, &aging),
        tie_out: super::aging::tie_out_line(ctx.lang, &aging.tie),
        provision: super::provision::schedule(conn, as_of, ctx.lang)?,
        period: (first, as_of),
        metrics,
        unmatched,
        aging: &aging,
    };
    Ok(render(&pack))
}

pub fn run(ctx: &mut Ctx, a: Args) -> Result<()> {
    let end = month_end(parse_month(&a.period)?);
    let mut book = ctx.open_book()?;
    let tx = book.read()?;
    let page = html(ctx, &tx, end)?;
    std::fs::create_dir_all(&a.out)?;
    let path = a.out.join(format!("pack-{}.html", end.format("%Y-%m")));
    std::fs::write(&path, page)?;
    writeln!(ctx.out, "{}", path.display())?;
    Ok(())
}

use std::io::Write;
