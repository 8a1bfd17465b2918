//! `huikuan reconcile import`.

use std::collections::HashMap;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use serde::Serialize;

use crate::context::Ctx;
use crate::error::Result;
use crate::import::bank::{self, BankLine, Direction, ReadOptions};
use crate::ledger::Money;
use crate::ledger::matching::{CONFIDENT, candidates};
use crate::output::{Format, Lang};
use crate::render::{Cell, Table, write_json};
use crate::store::{bank as store_bank, events};

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

#[derive(Serialize)]
struct MatchJson {
    customer: String,
    invoices: Vec<String>,
    rule: &'static str,
    confidence: u8,
}

#[derive(Serialize)]
struct LineJson {
    line: u64,
    date: chrono::NaiveDate,
    amount: Money,
    direction: Direction,
    counterparty: Option<String>,
    account: Option<String>,
    memo: Option<String>,
    reference: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    fee: Option<Money>,
    duplicate: bool,
    applied: bool,
    #[serde(rename = "match")]
    matched: Option<MatchJson>,
}

#[derive(Serialize)]
struct ImportJson {
    file: String,
    profile: String,
    encoding: String,
    header_line: Option<u64>,
    batch: Option<i64>,
    dry_run: bool,
    rows: usize,
    credits: usize,
    credit_total: Money,
    debits: usize,
    debit_total: Money,
    neutral: usize,
    skipped: usize,
    duplicates: usize,
    matched: usize,
    queued: usize,
    balance_breaks: Vec<u64>,
    lines: Vec<LineJson>,
}

fn direction_str(d: Direction) -> &'static str {
    match d {
        Direction::Credit => "credit",
        Direction::Debit => "debit",
        Direction::Neutral => "neutral",
    }
}

/// The line's own fields, canonically joined. With its occurrence number
/// among identical lines of the same file, it identifies the line across
/// re-imports and overlapping statements.
fn canonical(l: &BankLine) -> String {
    let o = |s: &Option<String>| s.as_deref().unwrap_or("").trim().to_string();
    [
        l.date.to_string(),
        l.amount.plain(),
        direction_str(l.direction).to_string(),
        o(&l.counterparty),
        o(&l.account),
        o(&l.memo),
        o(&l.reference),
        l.balance.map(Money::plain).unwrap_or_default(),
    ]
    .join("\u{1f}")
}

pub fn run(ctx: &mut Ctx, a: Args) -> Result<()> {
    let user = super::user_profiles()?;
    let profile = a.profile.as_deref().map(|p| super::resolve_profile(p, &user)).transpose()?;
    let opts = ReadOptions { profile, encoding: a.encoding.clone(), user_profiles: user };
    let mut st = bank::read_statement(&a.file, &opts)?;
    let method = super::method_for(&st.profile);

    let mut book = ctx.open_book()?;
    let tx = book.write()?;
    let batch = store_bank::new_batch(&tx, &st.file, &st.profile, &st.encoding)?;
    let index = store_bank::match_index(&tx)?;
    let progress = (std::io::stderr().is_terminal() && st.lines.len() >= 2_000 && !ctx.quiet)
        .then(|| indicatif::ProgressBar::new(st.lines.len() as u64));
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut out = ImportJson {
        file: st.file.clone(),
        profile: st.profile.clone(),
        encoding: st.encoding.clone(),
        header_line: st.header_line,
        batch: (!a.dry_run).then_some(batch),
        dry_run: a.dry_run,
        rows: st.lines.len(),
        credits: 0,
        credit_total: Money::ZERO,
        debits: 0,
        debit_total: Money::ZERO,
        neutral: 0,
        skipped: st.skipped,
        duplicates: 0,
        matched: 0,
        queued: 0,
        balance_breaks: st.balance_breaks.clone(),
        lines: Vec::with_capacity(st.lines.len()),
    };
    // Each line's text moves into its output row: a large statement is held once.
    let lines = std::mem::take(&mut st.lines);
    for mut l in lines {
        if let Some(p) = &progress {
            p.inc(1);
        }
        match l.direction {
            Direction::Credit => {
                out.credits += 1;
                out.credit_total += l.amount;
            }
            Direction::Debit => {
                out.debits += 1;
                out.debit_total += l.amount;
            }
            Direction::Neutral => out.neutral += 1,
        }
        let base = canonical(&l);
        let n = seen.entry(base.clone()).or_insert(0);
        *n += 1;
        let fingerprint = format!("{base}\u{1e}{n}");
        let new = store_bank::NewLine {
            fingerprint: &fingerprint,
            line: l.line,
            date: l.date,
            amount: l.amount,
            direction: direction_str(l.direction),
            fee: l.fee,
            counterparty: l.counterparty.as_deref(),
            account: l.account.as_deref(),
            memo: l.memo.as_deref(),
            reference: l.reference.as_deref(),
        };
        let id = store_bank::insert_line(&tx, batch, &new)?;
        let mut row = LineJson {
            line: l.line,
            date: l.date,
            amount: l.amount,
            direction: l.direction,
            counterparty: l.counterparty.take(),
            account: l.account.take(),
            memo: l.memo.take(),
            reference: l.reference.take(),
            fee: l.fee,
            duplicate: id.is_none(),
            applied: false,
            matched: None,
        };
        match id {
            None => out.duplicates += 1,
            Some(id) if l.direction == Direction::Credit => {
                // The line as just stored, without reading it back.
                let stored = store_bank::Line {
                    id,
                    batch,
                    line: l.line,
                    date: l.date,
                    amount: l.amount,
                    counterparty: row.counterparty.clone(),
                    account: row.account.clone(),
                    memo: row.memo.clone(),
                    reference: row.reference.clone(),
                    status: "queued".to_string(),
                };
                let best = candidates(&index, row.counterparty.as_deref(), row.account.as_deref(), &stored.text())
                    .into_iter()
                    .next();
                if let Some(c) = best {
                    let (plan, invoices) = super::plan_for(&tx, l.amount, &c)?;
                    if a.auto && c.confidence >= CONFIDENT {
                        store_bank::apply_match(
                            &tx,
                            &stored,
                            c.customer,
                            &plan,
                            method,
                            c.rule.as_str(),
                            c.confidence,
                        )?;
                        row.applied = true;
                        out.matched += 1;
                    } else {
                        out.queued += 1;
                    }
                    row.matched = Some(MatchJson {
                        customer: index.customer(c.customer).map(|k| k.code.clone()).unwrap_or_default(),
                        invoices,
                        rule: c.rule.as_str(),
                        confidence: c.confidence,
                    });
                } else {
                    out.queued += 1;
                }
            }
            Some(_) => {}
        }
        out.lines.push(row);
    }
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
                "batch {batch}: {} ({}), {} rows, {} new credits matched, {} queued, {} duplicates",
                st.file, st.profile, out.rows, out.matched, out.queued, out.duplicates
            ),
            None,
        )?;
        tx.commit()?;
    }
    if !out.balance_breaks.is_empty() {
        let lines: Vec<String> = out.balance_breaks.iter().map(u64::to_string).collect();
        ctx.warn(
            &format!("warning: {}: the running balance does not follow at line(s) {}", st.file, lines.join(", ")),
            &format!("警告：{}：第 {} 行余额与上一行不衔接", st.file, lines.join("、")),
        );
    }
    if ctx.format == Format::Json {
        return write_json(&mut ctx.out, &out);
    }
    print_summary(ctx, &out)
}

fn print_summary(ctx: &mut Ctx, o: &ImportJson) -> Result<()> {
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
