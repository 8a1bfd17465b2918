//! `huikuan dun log` and `dun history`.

use crate::context::Ctx;
use crate::error::{Error, Result};
use crate::output::{Format, Lang};
use crate::render::{Cell, Table, write_json};
use crate::store::{customers, dunning, events};

/// Record a collection action: a call, an email, a visit, a letter.
///
/// Logging the stop-supply level (4) also puts the customer on hold.
/// Example:
///   huikuan dun log HY --step 2 --channel phone --note "spoke to 王芳; pays Friday" --outcome promised
///   huikuan dun log HY --step 3 --channel letter --reason cash-flow
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// Customer code
    pub customer: String,
    /// The ladder level of the step taken (0–6 by default)
    #[arg(long, value_name = "LEVEL")]
    pub step: u8,
    /// How: phone, email, sms, letter, visit, lawyer, legal …
    #[arg(long, value_name = "CHANNEL")]
    pub channel: String,
    /// What was said or done
    #[arg(long)]
    pub note: Option<String>,
    /// The result: reached, no answer, promised, refused …
    #[arg(long)]
    pub outcome: Option<String>,
    /// When [default: today]
    #[arg(long, value_name = "DATE")]
    pub date: Option<String>,
    /// Why the amount is overdue: cash-flow, quality, documents, internal,
    /// wilful or other (or the Chinese name, e.g. 客户资金困难)
    #[arg(long, value_name = "REASON")]
    pub reason: Option<String>,
}

/// Show the collection log.
///
/// Example: huikuan dun history HY
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct HistoryArgs {
    /// Only this customer
    pub customer: Option<String>,
}

pub fn run(ctx: &mut Ctx, a: Args) -> Result<()> {
    let date = match &a.date {
        Some(d) => ctx.date("--date", d)?,
        None => ctx.today,
    };
    if date > ctx.today {
        return Err(Error::user(
            format!("--date: {date} is in the future; log what was done"),
            format!("--date：{date} 是将来的日期；请记录已完成的催收"),
        ));
    }
    let reason = a.reason.as_deref().map(|r| crate::parse::overdue_reason("--reason", r)).transpose()?;
    let mut book = ctx.open_book_to_write()?;
    let tx = book.write()?;
    let ladder = dunning::ladder(&tx)?;
    if ladder.get(a.step).is_none() {
        return Err(Error::user(
            format!("--step: level {} is not on the ladder (0 to {})", a.step, ladder.max_level()),
            format!("--step：级别 {} 不在催收阶梯上（0 至 {}）", a.step, ladder.max_level()),
        ));
    }
    let c = customers::get(&tx, &a.customer)?;
    dunning::log_action_with_reason(
        &tx,
        &dunning::NewAction {
            customer_id: c.id,
            date,
            level: a.step,
            channel: a.channel.trim(),
            note: a.note.as_deref(),
            note_zh: None,
            outcome: a.outcome.as_deref(),
            source: "manual",
        },
        reason,
    )?;
    if a.step >= ladder.hold_level() && !c.on_hold {
        let (en, zh) = (format!("collection level {} on {date}", a.step), format!("{date} 达到第 {} 级催收", a.step));
        customers::set_hold(&tx, c.id, true, Some(&en), Some(&zh), date)?;
        ctx.note(&format!("{} is now on hold (stop supply)", c.code), &format!("{} 已停止供货", c.code));
    }
    let why = reason.map(|r| format!(" (overdue: {})", r.as_str())).unwrap_or_default();
    let why_zh = reason.map(|r| format!("（逾期原因：{}）", r.zh())).unwrap_or_default();
    let channel_zh = crate::render::words::channel(&a.channel, crate::output::Lang::Zh);
    let (en, zh) = (
        format!("{}: level {} by {} on {date}{why}", c.code, a.step, a.channel),
        format!("{}：{date} 第 {} 级催收，方式 {channel_zh}{why_zh}", c.code, a.step),
    );
    events::record(&tx, "dun log", &en, &zh, None)?;
    tx.commit()?;
    ctx.note(&format!("logged level {} for {}", a.step, c.code), &format!("已记录 {} 的第 {} 级催收", c.code, a.step));
    Ok(())
}

pub fn run_history(ctx: &mut Ctx, a: HistoryArgs) -> Result<()> {
    let mut book = ctx.open_book()?;
    let tx = book.read()?;
    let only = a.customer.as_deref().map(|c| customers::require_id(&tx, c)).transpose()?;
    let list = dunning::history(&tx, only)?;
    if ctx.format == Format::Json {
        return write_json(&mut ctx.out, &list);
    }
    let mut t = Table::new(
        ctx.lang,
        &[
            ("date", "日期"),
            ("customer", "客户"),
            ("level", "级别"),
            ("channel", "方式"),
            ("note", "记录"),
            ("outcome", "结果"),
            ("by", "来源"),
            ("overdue reason", "逾期原因"),
        ],
    );
    for x in list {
        t.push(vec![
            Cell::Date(x.date),
            Cell::text(x.customer),
            Cell::Int(i64::from(x.level)),
            Cell::text(crate::render::words::channel(&x.channel, ctx.lang)),
            // What huikuan wrote (a letter sent) in the output's language;
            // what the user typed as they typed it.
            Cell::opt_text(match ctx.lang {
                Lang::Zh => x.note_zh.as_deref().or(x.note.as_deref()),
                Lang::En => x.note.as_deref(),
            }),
            Cell::opt_text(x.outcome.as_deref()),
            Cell::text(crate::render::words::source(&x.source, ctx.lang)),
            reason_cell(x.overdue_reason, ctx.lang),
        ]);
    }
    t.write(&mut ctx.out, ctx.format)
}

/// An overdue reason (its code) in the language of the output; empty when none.
pub fn reason_cell(code: Option<&str>, lang: crate::output::Lang) -> Cell {
    match code.and_then(crate::ledger::reason::OverdueReason::parse) {
        Some(r) => Cell::text(lang.pick(r.en(), r.zh())),
        None => Cell::Empty,
    }
}
