//! `huikuan reconcile import`.

use std::io::Write;
use std::path::PathBuf;

use crate::context::Ctx;
use crate::error::Result;
use crate::import::bank::{self, ReadOptions};
use crate::import::input::InputLimit;
use crate::output::Format;
use crate::reconcile::{self, ImportOptions, ImportOutcome};
use crate::render::{self, write_json};
use crate::store::events;

/// Import a bank statement and match its credits to customers and invoices.
///
/// CSV, TSV, XLS or XLSX, UTF-8, GBK or Latin-1; the bank's layout is
/// recognised from the header (see `reconcile profiles`, and
/// docs/bank-profiles.md to write your own). Lines already in the book (the
/// same or an overlapping statement) are skipped. Debits and neutral lines
/// are kept but never matched, and so are refunds (money in that the file
/// marks 退款 / Refund) and lines in a currency other than the book's.
/// Credits are matched by invoice number in the memo, known account,
/// customer name or alias; with --auto the confident ones become payments,
/// the rest wait in `reconcile list`. When the file states its own totals
/// they are checked against its lines. One file is one transaction and one
/// batch, printed at the end (`reconcile undo BATCH`). Examples:
///   huikuan reconcile import statement.csv --dry-run
///   huikuan reconcile import 202611.xlsx --auto
///   huikuan reconcile import export.csv --profile my-bank.toml
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// The statement file
    pub file: PathBuf,
    /// A profile name (see reconcile profiles) or a profile file
    #[arg(long, value_name = "NAME|FILE")]
    pub profile: Option<String>,
    /// Force the text encoding: utf-8, gbk, gb18030 or latin-1
    #[arg(long, value_name = "ENCODING")]
    pub encoding: Option<String>,
    /// Apply confident matches (confidence ≥ 80) as payments
    #[arg(long)]
    pub auto: bool,
    /// Show everything, write nothing
    #[arg(long)]
    pub dry_run: bool,
}

pub fn run(ctx: &mut Ctx, a: Args) -> Result<()> {
    let user = super::user_profiles()?;
    let profile = a.profile.as_deref().map(|p| super::resolve_profile(p, &user)).transpose()?;
    let max_input = InputLimit::for_book_at(&ctx.db)?;
    let opts = ReadOptions { profile, encoding: a.encoding.clone(), user_profiles: user, max_input };
    // The statement is checked through before the book is opened, and read
    // once more line by line as it is imported.
    let statement = bank::open_statement(&a.file, &opts)?;
    let st = statement.summary()?;
    // A dry run imports in a transaction that is rolled back: the book is
    // never changed (and a missing book is an error, never a new one). A
    // copy of the book in memory would take as much memory as the book.
    let mut book = if a.dry_run { ctx.open_book()? } else { ctx.open_book_to_write()? };
    let tx = book.write_large(0)?;
    let progress = ctx.progress(st.line_count);
    let opts = ImportOptions { auto: a.auto, dry_run: a.dry_run };
    let out = reconcile::import_statement(&tx, &statement, st, opts, || {
        if let Some(p) = &progress {
            p.inc();
        }
    })?;
    drop(progress);
    if a.dry_run {
        drop(tx);
    } else {
        events::record(
            &tx,
            "reconcile import",
            &format!(
                "batch {}: {} ({}), {} rows, {} new credits matched, {} queued, {} duplicates",
                out.batch.unwrap_or_default(),
                out.file,
                out.profile,
                out.rows,
                out.matched,
                out.queued,
                out.duplicates
            ),
            &format!(
                "批次 {}：{}（{}），{} 行，新入账 {} 笔已匹配、{} 笔待处理，{} 笔重复",
                out.batch.unwrap_or_default(),
                out.file,
                out.profile,
                out.rows,
                out.matched,
                out.queued,
                out.duplicates
            ),
            None,
        )?;
        tx.commit()?;
    }
    if !out.balance_breaks.is_empty() {
        let lines: Vec<String> = out.balance_breaks.iter().map(u64::to_string).collect();
        ctx.warn(
            &format!("warning: {}: the running balance does not follow at line(s) {}", out.file, lines.join(", ")),
            &format!("警告：{}：第 {} 行余额与上一行不衔接", out.file, lines.join("、")),
        );
    }
    if let Some(d) = out.declared.as_ref().filter(|d| !d.agrees) {
        let (en, zh) = render::reconcile::declared_differs(&out.file, d);
        ctx.warn(&en, &zh);
    }
    if out.foreign_currency > 0 {
        let (en, zh) = render::reconcile::foreign_notice(&out);
        ctx.note(&en, &zh);
    }
    if let Some(batch) = out.batch {
        let (en, zh) = render::reconcile::batch_notice(batch);
        ctx.note(&en, &zh);
    }
    if ctx.format == Format::Json {
        return write_json(&mut ctx.out, &out);
    }
    print_summary(ctx, &out)
}

/// The table of credits, then the summary and the stated totals' check: on
/// stdout under a table, as notices under CSV (which stays a clean file).
fn print_summary(ctx: &mut Ctx, o: &ImportOutcome) -> Result<()> {
    let lang = ctx.lang;
    render::reconcile::write_import(&mut ctx.out, ctx.format, lang, o)?;
    let summary = render::reconcile::import_summary(lang, o);
    let agrees = o.declared.as_ref().filter(|d| d.agrees).map(render::reconcile::declared_agrees);
    if ctx.format == Format::Table {
        writeln!(ctx.out, "{summary}")?;
        if let Some((en, zh)) = agrees {
            writeln!(ctx.out, "{}", lang.pick(&en, &zh))?;
        }
    } else {
        ctx.note(&summary, &summary);
        if let Some((en, zh)) = agrees {
            ctx.note(&en, &zh);
        }
    }
    Ok(())
}
