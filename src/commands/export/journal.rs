//! `huikuan export journal`.

use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;

use chrono::NaiveDate;

use crate::commands::files;
use crate::context::Ctx;
use crate::error::{Error, Result};
use crate::output::{Format, visible};
use crate::render::journal::Journal;
use crate::reports::journal::{Chart, Clash, Style, customer_codes, entries, first_uses};
use crate::store;

/// Write the period's entries for the general ledger (总账).
///
/// One balanced entry per invoice (Dr receivable:CODE, Cr sales), interest
/// invoice (Cr late interest), payment (Dr bank; Cr receivable for what it
/// settled that day, Cr advances:CODE for the rest), credit applied later
/// (Dr advances, Cr receivable, on the day it took effect), discount allowed
/// (Dr sales discounts) and write-off (Dr bad debts), dated as the book
/// dates them, from --from to --to inclusive. Void invoices and payments are
/// in no entry. Balances as of any day equal the aging report: receivable =
/// outstanding, advances = unapplied credit.
///
/// Adjacent periods join: exporting September, then October gives the
/// entries of exporting both at once, and nothing before --from is repeated
/// (start the first export at the book's first day). The accounts are the
/// settings account.* (see huikuan config). --format hledger (default),
/// beancount (with an `open` for each account on its first day of use in
/// the book; --opens also opens, at the top, the accounts first used before
/// --from, for a file that stands alone) or csv (a voucher list: 凭证日期,
/// 凭证字, 凭证号, 摘要, 科目, 借方, 贷方, 辅助核算). A period past the last
/// closed month is exported with a warning: its entries may still change.
/// Examples:
///   huikuan export journal --from 2026-10-01 --to 2026-10-31 > 2026-10.journal
///   huikuan export journal --from 2026-10-01 --to 2026-10-31 --format beancount --out 2026-10.beancount
///   huikuan export journal --from 2026-10-01 --to 2026-10-31 --format csv --lang zh --out 凭证-2026-10.csv
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// First day of the period
    #[arg(long, value_name = "DATE")]
    pub from: String,
    /// Last day of the period
    #[arg(long, value_name = "DATE")]
    pub to: String,
    /// Write into this new file (never overwritten) instead of printing
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Beancount: also open the accounts first used before --from, at the top
    #[arg(long)]
    pub opens: bool,
}

pub fn run(ctx: &mut Ctx, a: Args) -> Result<()> {
    let style = match ctx.format {
        Format::Table | Format::Hledger => Style::Hledger,
        Format::Beancount => Style::Beancount,
        Format::Csv => Style::Csv,
        other => return Err(crate::render::not_offered(other)),
    };
    let from = ctx.date("--from", &a.from)?;
    let to = ctx.date("--to", &a.to)?;
    if to < from {
        return Err(Error::user(format!("--to {to} is before --from {from}"), format!("--to {to} 早于 --from {from}")));
    }
    let mut book = ctx.open_book()?;
    let tx = book.read()?;
    let settings = store::book_settings(&tx)?;
    let chart = Chart::new(style, &settings.accounts, &customer_codes(&tx)?).map_err(|c| clash(style, &c))?;
    let first_use: HashMap<String, NaiveDate> = match style {
        Style::Beancount => {
            let mut by_name: HashMap<String, NaiveDate> = HashMap::new();
            for (ledger, date) in first_uses(&tx)? {
                let d = by_name.entry(chart.name(&ledger)).or_insert(date);
                *d = (*d).min(date);
            }
            by_name
        }
        _ => HashMap::new(),
    };
    match store::locked_through(&tx)? {
        Some(through) if through >= to => {}
        through => {
            let (en, zh) = match through {
                Some(t) => (
                    format!("the book is closed through {t}: the entries after it"),
                    format!("账本已结账至 {t}：其后的分录"),
                ),
                None => ("no month is closed: every entry".to_string(), "尚无已结账月份：所有分录".to_string()),
            };
            ctx.warn(
                &format!("warning: {en} may still change (export again after huikuan close)"),
                &format!("警告：{zh}仍可能变动（结账后请重新导出）"),
            );
        }
    }
    // Years of movements are sorted by date: bounded memory, not fast.
    store::sort_in_files(&tx)?;
    let mut journal = Journal::new(style, chart, ctx.lang, &settings.currency, first_use);
    let opens_before = (a.opens && style == Style::Beancount).then_some(from);
    match &a.out {
        None => {
            let out = &mut ctx.out;
            journal.start(out, opens_before)?;
            entries(&tx, from, to, |e| journal.entry(out, &e))?;
        }
        Some(path) => {
            // Years of entries are written as they come, never held.
            let bom = ctx.bom_prefix();
            let written = files::stream_or_refuse(path, |out| {
                out.write_all(bom)?;
                journal.start(out, opens_before)?;
                entries(&tx, from, to, |e| journal.entry(out, &e))
            })?;
            let p = visible(&written.display().to_string()).into_owned();
            ctx.note(&format!("wrote {p}"), &format!("已写入 {p}"));
        }
    }
    ctx.out.flush()?;
    Ok(())
}

/// Two customers whose codes would name one account in this format.
fn clash(style: Style, c: &Clash) -> Error {
    let format = match style {
        Style::Beancount => "beancount",
        _ => "hledger",
    };
    let (a, b, part) = (visible(&c.first), visible(&c.second), visible(&c.part));
    Error::user(
        format!(
            "customers {a} and {b} would share the account part {part} in {format}; export this book as csv or \
             {} instead",
            if format == "hledger" { "beancount" } else { "hledger" }
        ),
        format!(
            "客户 {a} 与 {b} 在 {format} 中会共用科目名 {part}；请改用 csv 或 {} 格式导出",
            if format == "hledger" { "beancount" } else { "hledger" }
        ),
    )
}
