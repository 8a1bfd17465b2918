//! `huikuan invoice import`.

use std::path::PathBuf;

use crate::context::Ctx;
use crate::error::Result;
use crate::import::csvfile::CsvFile;
use crate::import::input::InputLimit;
use crate::import::invoices::{COLUMNS, load};
use crate::store::{customers, events};

/// Import invoices from a CSV file (UTF-8 or GBK), e.g. to load history.
///
/// Header row required, columns in any order:
/// number,customer,issue_date,due_date,amount,description
/// (due_date optional: the customer's terms apply). Credit control does not
/// refuse imported invoices; the import reports how many customers end up
/// over their limit. Unapplied credit is applied to the new invoices. Any bad
/// row stops the whole import and every bad row is named as file:line. Example:
///   huikuan invoice import invoices.csv
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The CSV file
    pub file: PathBuf,
}

pub fn run(ctx: &mut Ctx, a: Args) -> Result<()> {
    let csv = CsvFile::read(&a.file, COLUMNS, InputLimit::for_book_at(&ctx.db)?)?;
    let mut book = ctx.open_book_to_write()?;
    let tx = book.write()?;
    let l = load(&tx, &csv, ctx.today)?;
    let over = customers::count_over_limit(&tx)?;
    let (n, total) = (l.count, l.total);
    events::record(&tx, "invoice import", &format!("imported {n} invoices ({total}) from {}", csv.file), None)?;
    tx.commit()?;
    ctx.note(
        &format!("imported {n} invoices totalling {total} from {} ({})", csv.file, csv.encoding.name()),
        &format!("已从 {} 导入 {n} 张发票，合计 {total}（{}）", csv.file, csv.encoding.name()),
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
