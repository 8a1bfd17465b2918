//! `huikuan invoice import`.

use std::path::PathBuf;

use crate::context::Ctx;
use crate::error::Result;
use crate::import::csvfile::CsvFile;
use crate::import::fingerprint::skipped_note;
use crate::import::input::InputLimit;
use crate::import::invoices::{COLUMNS, load};
use crate::store::{customers, events};

/// Import invoices from a CSV file (UTF-8 or GBK) or an XLSX workbook, e.g.
/// to load history.
///
/// Header row required, columns in any order:
/// number,customer,issue_date,due_date,amount,description
/// (due_date optional: the customer's terms apply). Credit control does not
/// refuse imported invoices; the import reports how many customers end up
/// over their limit. Unapplied credit is applied to the new invoices. Any bad
/// row stops the whole import and every bad row is named as file:line. Other
/// columns are ignored, with a notice. Rows already imported are skipped, so
/// importing a file again adds nothing; an invoice number already in the book
/// with other content is refused. Examples:
///   huikuan invoice import invoices.csv
///   huikuan invoice import invoices.xlsx
///   cat invoices.csv | huikuan invoice import -
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The CSV or XLSX file, or - for standard input
    pub file: PathBuf,
}

pub fn run(ctx: &mut Ctx, a: Args) -> Result<()> {
    let csv = CsvFile::read(&a.file, COLUMNS, InputLimit::for_book_at(&ctx.db)?)?;
    let mut book = ctx.open_book_to_write()?;
    let tx = book.write()?;
    let l = load(&tx, &csv, ctx.today)?;
    let over = customers::count_over_limit(&tx)?;
    let (n, total) = (l.count, l.total);
    let (skip_en, skip_zh) = skipped_note(l.skipped);
    let summary = format!("imported {n} invoices ({total}) from {}{skip_en}", csv.file);
    events::record(&tx, "invoice import", &summary, None)?;
    tx.commit()?;
    if let Some((en, zh)) = csv.ignored_note() {
        ctx.note(&en, &zh);
    }
    let (en, zh) = csv.read_as();
    ctx.note(
        &format!("imported {n} invoices totalling {total} from {} ({en}){skip_en}", csv.file),
        &format!("已从 {} 导入 {n} 张发票，合计 {total}（{zh}）{skip_zh}", csv.file),
    );
    if l.credit_applied.is_positive() {
        let c = l.credit_applied;
        ctx.note(&format!("applied {c} of unapplied credit"), &format!("已核销未核销预收 {c}"));
    }
    if over > 0 {
        ctx.warn(
            &format!("warning: {over} customer(s) are now over their credit limit (see huikuan customer list)"),
            &format!("警告：{over} 个客户现已超出信用额度（见 huikuan customer list）"),
        );
    }
    Ok(())
}
