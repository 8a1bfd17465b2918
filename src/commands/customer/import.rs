//! `huikuan customer import`.

use std::path::PathBuf;

use crate::context::Ctx;
use crate::error::Result;
use crate::import::csvfile::CsvFile;
use crate::import::customers::{COLUMNS, load};
use crate::import::input::InputLimit;
use crate::store::events;

/// Import customers from a CSV file (UTF-8 or GBK).
///
/// Header row required, columns in any order:
/// code,name,terms_days,credit_limit,credit_score,email,phone,aliases
/// (aliases separated by `;`; only code and name are required). Any bad row
/// stops the whole import and every bad row is named as file:line. Example:
///   huikuan customer import customers.csv
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The CSV file
    pub file: PathBuf,
}

pub fn run(ctx: &mut Ctx, a: Args) -> Result<()> {
    let csv = CsvFile::read(&a.file, COLUMNS, InputLimit::for_book_at(&ctx.db)?)?;
    let mut book = ctx.open_book_to_write()?;
    let tx = book.write()?;
    let n = load(&tx, &csv, ctx.today)?;
    events::record(&tx, "customer import", &format!("imported {n} customers from {}", csv.file), None)?;
    tx.commit()?;
    ctx.note(
        &format!("imported {n} customers from {} ({})", csv.file, csv.encoding.name()),
        &format!("已从 {} 导入 {n} 个客户（{}）", csv.file, csv.encoding.name()),
    );
    Ok(())
}
