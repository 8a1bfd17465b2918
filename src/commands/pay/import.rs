//! `huikuan pay import`.

use std::path::PathBuf;

use crate::context::Ctx;
use crate::error::Result;
use crate::import::csvfile::CsvFile;
use crate::import::input::InputLimit;
use crate::import::payments::{COLUMNS, Loaded, load};
use crate::store::events;

/// Import payments from a CSV file (UTF-8 or GBK).
///
/// Header row required, columns in any order:
/// date,customer,amount,method,reference,invoice
/// (method defaults to bank; with an invoice the payment goes to it, else to
/// the oldest due installments). Rows are applied in file order. Any bad row
/// stops the whole import and every bad row is named as file:line. Example:
///   huikuan pay import payments.csv
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The CSV file
    pub file: PathBuf,
}

pub fn run(ctx: &mut Ctx, a: Args) -> Result<()> {
    let csv = CsvFile::read(&a.file, COLUMNS, InputLimit::for_book_at(&ctx.db)?)?;
    let mut book = ctx.open_book_to_write()?;
    let tx = book.write()?;
    let Loaded { count: n, total } = load(&tx, &csv, ctx.today)?;
    events::record(&tx, "pay import", &format!("imported {n} payments ({total}) from {}", csv.file), None)?;
    tx.commit()?;
    ctx.note(
        &format!("imported {n} payments totalling {total} from {} ({})", csv.file, csv.encoding.name()),
        &format!("已从 {} 导入 {n} 笔收款，合计 {total}（{}）", csv.file, csv.encoding.name()),
    );
    Ok(())
}
