//! `huikuan invoice import`.

use std::path::PathBuf;

use crate::context::Ctx;
use crate::error::Result;
use crate::import::csvfile::CsvFile;
use crate::import::fingerprint::skipped_note;
use crate::import::input::InputLimit;
use crate::import::invoices::{FORMATS, Format, load};
use crate::store::{customers, events};

/// Import invoices from a CSV file (UTF-8 or GBK), e.g. to load history.
///
/// Header row required, columns in any order:
/// number,customer,issue_date,due_date,amount,description
/// (due_date optional: the customer's terms apply), and optionally
/// net,tax,tax_rate,vat_number,contract,salesperson (amount is tax included;
/// net + tax must make it). The VAT e-invoice list exported from the tax
/// platform (数电发票/全电发票: 价税合计, 购买方名称, 开票日期, 发票号码 or
/// 数电票号码) imports as it is: the amount owed is 价税合计, the buyer is the
/// customer with that name or alias, the rows of one number make one invoice,
/// voided rows are left out and listed, red-letter (红冲) rows are refused.
/// Credit control does not refuse imported invoices; the import reports how
/// many customers end up over their limit. Unapplied credit is applied to the
/// new invoices. Any bad row stops the whole import and every bad row is
/// named as file:line. Other columns are ignored, with a notice. Rows
/// already imported are skipped, so importing a file again adds nothing; an
/// invoice number already in the book with other content is refused. CSV
/// (UTF-8 or GBK) or an XLSX workbook, or `-` for standard input. Examples:
///   huikuan invoice import invoices.csv
///   huikuan invoice import 数电发票明细.xlsx
///   cat invoices.csv | huikuan invoice import -
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// The CSV file
    pub file: PathBuf,
}

pub fn run(ctx: &mut Ctx, a: Args) -> Result<()> {
    let mut csv = CsvFile::read_one_of(&a.file, FORMATS, InputLimit::for_book_at(&ctx.db)?)?;
    let mut book = ctx.open_book_to_write()?;
    let tx = book.write_large(csv.len())?;
    let progress = ctx.track(&mut csv);
    let l = load(&tx, &csv, ctx.today)?;
    drop(progress);
    let over = customers::count_over_limit(&tx)?;
    let (n, total, tax) = (l.count, l.total, l.tax);
    let (fmt_en, fmt_zh) = l.format.name();
    let (skip_en, skip_zh) = skipped_note(l.skipped);
    let logged = match l.format {
        Format::Plain => format!("imported {n} invoices ({total}) from {}{skip_en}", csv.file),
        Format::VatList => {
            format!("imported {n} invoices ({total}, tax {tax}) from the {fmt_en} {}{skip_en}", csv.file)
        }
    };
    let logged_zh = match l.format {
        Format::Plain => format!("从 {} 导入 {n} 张发票（{total}）{skip_zh}", csv.file),
        Format::VatList => format!("从{fmt_zh} {} 导入 {n} 张发票（{total}，税额 {tax}）{skip_zh}", csv.file),
    };
    events::record(&tx, "invoice import", &logged, &logged_zh, None)?;
    tx.commit()?;
    if let Some((en, zh)) = csv.ignored_note() {
        ctx.note(&en, &zh);
    }
    let (read_en, read_zh) = csv.read_as();
    match l.format {
        Format::Plain => ctx.note(
            &format!("imported {n} invoices totalling {total} from {} ({read_en}){skip_en}", csv.file),
            &format!("已从 {} 导入 {n} 张发票，合计 {total}（{read_zh}）{skip_zh}", csv.file),
        ),
        Format::VatList => ctx.note(
            &format!(
                "imported {n} invoices from {} rows of the {fmt_en} {} ({read_en}): 价税合计 {total}, tax {tax}{skip_en}",
                l.rows, csv.file
            ),
            &format!("已从{fmt_zh} {}（{read_zh}）的 {} 行导入 {n} 张发票：价税合计 {total}，税额 {tax}{skip_zh}", csv.file, l.rows),
        ),
    }
    if !l.voided.is_empty() {
        let list: Vec<String> =
            l.voided.shown.iter().map(|s| format!("{}:{} {} ({})", csv.file, s.line, s.number, s.amount)).collect();
        let (more_en, more_zh) = match l.voided.more() {
            0 => (String::new(), String::new()),
            m => (format!(", … and {m} more"), format!("……另有 {m} 行")),
        };
        let n = l.voided.count;
        ctx.note(
            &format!("left out {n} voided row(s) (作废), never owed: {}{more_en}", list.join(", ")),
            &format!("未导入 {n} 行已作废发票（不构成应收）：{}{more_zh}", list.join("，")),
        );
    }
    for w in &l.warnings.shown {
        ctx.warn(&format!("warning: {}", w.en), &format!("警告：{}", w.zh));
    }
    if l.warnings.more() > 0 {
        let m = l.warnings.more();
        ctx.warn(
            &format!("warning: … and {m} more taxes off net × rate (the first {} are shown)", l.warnings.shown.len()),
            &format!("警告：……另有 {m} 处税额与不含税金额 × 税率不符（仅列出前 {} 处）", l.warnings.shown.len()),
        );
    }
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
