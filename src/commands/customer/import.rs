//! `huikuan customer import`.

use std::path::PathBuf;

use crate::context::Ctx;
use crate::error::Result;
use crate::import::csvfile::CsvFile;
use crate::import::customers::{COLUMNS, Loaded, check_columns, import};
use crate::import::fingerprint::skipped_note;
use crate::import::input::InputLimit;
use crate::store::events;

/// Import customers from a CSV file (UTF-8 or GBK) or an XLSX workbook.
///
/// Header row required, columns in any order:
/// code,name,terms_days,credit_limit,credit_score,email,phone,aliases,accounts,contacts,
/// salesperson,lang (aliases and accounts separated by `;`; contacts
/// ROLE:NAME:PHONE:EMAIL separated by `;`, ROLE decision, acceptance or
/// payer; lang the customer's own language, en or zh; only code and name
/// are required). An unknown column is refused. Rows already imported are
/// skipped, so importing a file again adds nothing. Any bad row stops the
/// whole import and every bad row is named as file:line. Examples:
///   huikuan customer import customers.csv
///   huikuan customer import customers.xlsx
///   cat customers.csv | huikuan customer import -
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// The CSV or XLSX file, or - for standard input
    pub file: PathBuf,
}

pub fn run(ctx: &mut Ctx, a: Args) -> Result<()> {
    let mut csv = CsvFile::read(&a.file, COLUMNS, InputLimit::for_book_at(&ctx.db)?)?;
    check_columns(&csv)?;
    let mut book = ctx.open_book_to_write()?;
    let tx = book.write_large(0)?;
    let progress = ctx.track(&mut csv);
    let Loaded { count: n, skipped } = import(&tx, &csv, ctx.today)?;
    drop(progress);
    let (skip_en, skip_zh) = skipped_note(skipped);
    let (en, zh) = (
        format!("imported {n} customers from {}{skip_en}", csv.file),
        format!("从 {} 导入 {n} 个客户{skip_zh}", csv.file),
    );
    events::record(&tx, "customer import", &en, &zh, None)?;
    tx.commit()?;
    let (en, zh) = csv.read_as();
    ctx.note(
        &format!("imported {n} customers from {} ({en}){skip_en}", csv.file),
        &format!("已从 {} 导入 {n} 个客户（{zh}）{skip_zh}", csv.file),
    );
    Ok(())
}
