//! `huikuan pay import`.

use std::path::PathBuf;

use crate::context::Ctx;
use crate::error::Result;
use crate::import::csvfile::CsvFile;
use crate::import::fingerprint::skipped_note;
use crate::import::input::InputLimit;
use crate::import::payments::{COLUMNS, Loaded, load};
use crate::store::events;

/// Import payments from a CSV file (UTF-8 or GBK) or an XLSX workbook.
///
/// Header row required, columns in any order:
/// date,customer,amount,method,reference,invoice
/// (method defaults to bank; with an invoice the payment goes to it, else to
/// the oldest due installments); other columns are ignored, with a notice.
/// Rows are applied in file order. Rows already imported are skipped, so
/// importing a file again adds nothing; two equal rows of one file are two
/// payments. Any bad row stops the whole import and every bad row is named
/// as file:line. Examples:
///   huikuan pay import payments.csv
///   huikuan pay import payments.xlsx
///   cat payments.csv | huikuan pay import -
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// The CSV or XLSX file, or - for standard input
    pub file: PathBuf,
}

pub fn run(ctx: &mut Ctx, a: Args) -> Result<()> {
    let mut csv = CsvFile::read(&a.file, COLUMNS, InputLimit::for_book_at(&ctx.db)?)?;
    let mut book = ctx.open_book_to_write()?;
    let tx = book.write_large(0)?;
    let progress = ctx.track(&mut csv);
    let Loaded { count: n, skipped, total } = load(&tx, &csv, ctx.today)?;
    drop(progress);
    let (skip_en, skip_zh) = skipped_note(skipped);
    let summary = format!("imported {n} payments ({total}) from {}{skip_en}", csv.file);
    let summary_zh = format!("从 {} 导入 {n} 笔收款（{total}）{skip_zh}", csv.file);
    events::record(&tx, "pay import", &summary, &summary_zh, None)?;
    tx.commit()?;
    if let Some((en, zh)) = csv.ignored_note() {
        ctx.note(&en, &zh);
    }
    let (en, zh) = csv.read_as();
    ctx.note(
        &format!("imported {n} payments totalling {total} from {} ({en}){skip_en}", csv.file),
        &format!("已从 {} 导入 {n} 笔收款，合计 {total}（{zh}）{skip_zh}", csv.file),
    );
    Ok(())
}
