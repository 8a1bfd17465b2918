//! `huikuan reconcile import`.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use crate::context::Ctx;
use crate::error::Result;
use crate::import::bank::{self, Direction, ReadOptions};
use crate::import::input::InputLimit;
use crate::output::{Format, Lang};
use crate::reconcile::{self, ImportOptions, ImportOutcome};
use crate::render::{Cell, Table, write_json};
use crate::store::events;

/// Import a bank statement and match its credits to customers and invoices.
///
/// CSV, TSV, XLS or XLSX, UTF-8, GBK or Latin-1; the bank's layout is
/// recognised from the header (see `reconcile profiles`, and
/// docs/bank-profiles.md to write your own). Lines already in the book (the
/// same or an overlapping statement) are skipped. Debits and neutral lines
/// are kept but never matched. Credits are matched by invoice number in the
/// memo, known account, customer name or alias; with --auto the confident
/// ones become payments, the rest wait in `reconcile list`. One file is one
/// transaction and one batch (`reconcile undo BATCH`). Examples:
///   huikuan reconcile import statement.csv --dry-run
///   huikuan reconcile import 202611.xlsx --auto
///   huikuan reconcile import export.csv --profile my-bank.toml
#[derive(Debug, clap::Args)]
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
    let st = bank::read_statement(&a.file, &opts)?;
    let mut book = if a.dry_run { ctx.open_book()? } else { ctx.open_book_to_write()? };
    let tx = book.write()?;
    let progress = (std::io::stderr().is_terminal() && st.lines.len() >= 2_000 && !ctx.quiet)
        .then(|| indicatif::ProgressBar::new(st.lines.len() as u64));
    let opts = ImportOptions { auto: a.auto, dry_run: a.dry_run };
    let out = reconcile::import_statement(&tx, st, opts, || {
        if let Some(p) = &progress {
            p.inc(1);
        }
    })?;
    if let Some(p) = progress {
        p.finish_and_clear();
    }
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
    if ctx.format == Format::Json {
        return write_json(&mut ctx.out, &out);
    }
    print_summary(ctx, &out)
}

fn print_summary(ctx: &mut Ctx, o: &ImportOutcome) -> Result<()> {
    let lang = ctx.lang;
    let mut t = Table::new(
        lang,
        &[
            ("line", "行"),
            ("date", "日期"),
            ("amount", "金额"),
            ("counterparty", "对方"),
            ("memo", "摘要"),
            ("customer", "客户"),
            ("invoices", "发票"),
            ("rule", "规则"),
            ("conf.", "置信度"),
            ("result", "结果"),
        ],
    );
    for l in o.lines.iter().filter(|l| l.direction == Direction::Credit) {
        let result = if l.duplicate {
            lang.pick("already in book", "已导入")
        } else if l.applied {
            lang.pick("applied", "已核销")
        } else {
            lang.pick("queued", "待确认")
        };
        let m = l.matched.as_ref();
        t.push(vec![
            Cell::Int(l.line as i64),
            Cell::Date(l.date),
            Cell::Money(l.amount),
            Cell::opt_text(l.counterparty.as_deref()),
            Cell::opt_text(l.memo.as_deref()),
            Cell::opt_text(m.map(|m| m.customer.as_str())),
            Cell::text(m.map(|m| m.invoices.join(" ")).unwrap_or_default()),
            Cell::opt_text(m.map(|m| m.rule)),
            m.map_or(Cell::Empty, |m| Cell::Int(i64::from(m.confidence))),
            Cell::text(result),
        ]);
    }
    t.write(&mut ctx.out, ctx.format)?;
    let (file, profile, encoding, rows) = (&o.file, &o.profile, &o.encoding, o.rows);
    let header = o.header_line.map_or("-".into(), |h| h.to_string());
    let (credits, credit_total, debits, debit_total) = (o.credits, o.credit_total, o.debits, o.debit_total);
    let (neutral, skipped, duplicates, matched, queued) = (o.neutral, o.skipped, o.duplicates, o.matched, o.queued);
    let summary = match lang {
        Lang::En => format!(
            "{}{file}: profile {profile}, {encoding}, header at line {header}; {rows} rows: {credits} credits \
             ({credit_total}), {debits} debits ({debit_total}), {neutral} neutral; {skipped} skipped, {duplicates} \
             already in the book; {matched} applied, {queued} queued",
            if o.dry_run { "dry run — nothing written — " } else { "" },
        ),
        Lang::Zh => format!(
            "{}{file}：配置 {profile}，{encoding}，表头在第 {header} 行；{rows} 笔交易：收入 {credits} 笔（{credit_total}），\
             支出 {debits} 笔（{debit_total}），不计收支 {neutral} 笔；跳过 {skipped} 行，已导入过 {duplicates} 笔；\
             已核销 {matched} 笔，待确认 {queued} 笔",
            if o.dry_run { "试运行——未写入——" } else { "" },
        ),
    };
    if ctx.format == Format::Table {
        writeln!(ctx.out, "{summary}")?;
    } else {
        ctx.note(&summary, &summary);
    }
    Ok(())
}
