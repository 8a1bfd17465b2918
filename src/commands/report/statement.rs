//! `huikuan report statement`.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::commands::files::{self, Written};
use crate::context::Ctx;
use crate::error::{Error, Result};
use crate::output::visible;
use crate::render::statement::{file_name, render};
use crate::reports;
use crate::reports::statement::Statement;
use crate::store::confirmations::{self, Sent};
use crate::store::{self, Connection, events};

/// A customer statement (对账单) with a balance-confirmation slip (询证函).
///
/// The opening balance, every invoice, payment, discount, write-off and
/// interest invoice of the period with a running balance, the closing
/// balance and its aging, the items open at the end of the period, and a
/// slip from us to the customer stating who owes whom, to tick, sign and
/// return. The balance is what was invoiced less what was received,
/// discounted and written off, so unapplied credit is netted in it: the open
/// items less the unapplied credit make the closing balance.
///
/// --format txt (default), md, html or json. The language is --lang when
/// given, else the customer's own (customer edit --language), else yours.
///
/// Printed, a statement is a preview and records nothing. Written with
/// --out DIR (one customer, or --all: every customer with a balance or any
/// transaction in the period), each file is created new, readable by you
/// only, and never overwrites a file already there (that one is named and
/// left). When --to is a month's last day, each slip written is recorded as
/// a confirmation sent today for that month (see report confirmations and
/// customer confirm). Examples:
///   huikuan report statement HY --from 2026-10-01 --to 2026-10-31
///   huikuan report statement --all --from 2026-10-01 --to 2026-10-31 --out statements/ --format html
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// Customer code (omit with --all)
    #[arg(required_unless_present = "all")]
    pub customer: Option<String>,
    /// First day of the period
    #[arg(long, value_name = "DATE")]
    pub from: String,
    /// Last day of the period
    #[arg(long, value_name = "DATE")]
    pub to: String,
    /// Every customer with a balance or activity (needs --out)
    #[arg(long, requires = "out", conflicts_with = "customer")]
    pub all: bool,
    /// Write files into this folder (and record the slips as sent) instead of printing
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

pub fn run(ctx: &mut Ctx, a: Args) -> Result<()> {
    let from = ctx.date("--from", &a.from)?;
    let to = ctx.date("--to", &a.to)?;
    if to < from {
        return Err(Error::user(format!("--to {to} is before --from {from}"), format!("--to {to} 早于 --from {from}")));
    }
    let mut book = ctx.open_book()?;
    let tx = if a.out.is_some() { book.write()? } else { book.read()? };
    let customers = store::customers::entries(&tx)?;
    let ids: Vec<i64> = match &a.customer {
        Some(code) => vec![store::customers::require_id(&tx, code)?],
        None => customers.iter().map(|c| c.id).collect(),
    };
    // A bar over the customers for --all (a statement each).
    let bar = ctx.progress_of(ids.len(), ids.len(), ("customers", "个客户"));
    let tick = || bar.iter().for_each(|b| b.inc());
    let Some(dir) = &a.out else {
        for id in ids {
            tick();
            let s = reports::statement::statement(&tx, id, from, to)?;
            let (content, _) = render(ctx.lang_for(s.lang), &s, ctx.format)?;
            ctx.out.write_all(content.as_bytes())?;
        }
        return Ok(());
    };
    let stems = files::customer_stems(customers.iter().map(|c| (c.id, c.code.as_str())));
    let period = reports::statement::period_ending(to);
    let mut recorded = 0;
    for id in ids {
        tick();
        let s = reports::statement::statement(&tx, id, from, to)?;
        if a.all && s.is_quiet() {
            continue;
        }
        let (content, ext) = render(ctx.lang_for(s.lang), &s, ctx.format)?;
        let stem = stems.get(&id).cloned().unwrap_or_else(|| format!("customer-{id}"));
        let written = match files::create_new(dir, &file_name(&stem, &s, ext), content.as_bytes())? {
            Written::New(path) => {
                writeln!(ctx.out, "{}", path.display())?;
                true
            }
            Written::Exists(path) => match &bar {
                Some(b) => b.suspend(|| left(ctx, &path, &content)),
                None => left(ctx, &path, &content),
            },
        };
        if written && let Some(p) = &period {
            recorded += record(ctx, &tx, &s, p)?;
        }
    }
    drop(bar);
    tx.commit()?;
    match period {
        Some(p) if recorded > 0 => ctx.note(
            &format!("{recorded} confirmation(s) for {p} recorded as sent on {} (report confirmations)", ctx.today),
            &format!("已记录 {recorded} 份 {p} 询证函于 {} 发出（见 report confirmations）", ctx.today),
        ),
        None => ctx.note(
            &format!("--to {to} is not a month's last day: no confirmation recorded (confirmations are per month-end)"),
            &format!("--to {to} 不是月末：未记录询证函（询证函按月末记录）"),
        ),
        _ => {}
    }
    Ok(())
}

/// A file of the statement's name was there already: left as it was. When
/// it holds this very statement (written by an earlier run), its slip
/// counts as written; otherwise it is named and nothing is recorded.
fn left(ctx: &Ctx, path: &Path, content: &str) -> bool {
    let p = visible(&path.display().to_string()).into_owned();
    if std::fs::read(path).is_ok_and(|b| b == content.as_bytes()) {
        ctx.note(&format!("{p} is already written (unchanged)"), &format!("{p} 已写好（未变）"));
        true
    } else {
        ctx.warn(
            &format!("{p} exists and is left as it was: remove it to write this statement again"),
            &format!("{p} 已存在，保持原样：如需重新生成此对账单，请先删除它"),
        );
        false
    }
}

/// Record the statement's slip as sent today for `period`; 1 when the book
/// changed.
fn record(ctx: &Ctx, conn: &Connection, s: &Statement, period: &str) -> Result<usize> {
    let (code, balance) = (&s.customer_code, s.closing);
    let detail = serde_json::json!({ "customer": code, "period": period, "balance": balance.plain() });
    match confirmations::record_sent(conn, s.customer_id, period, balance, ctx.today)? {
        Sent::Unchanged => return Ok(0),
        Sent::New => {
            let summary = format!("confirmation sent to {code} for {period}: balance {}", balance.grouped());
            let zh = format!("向 {code} 发出 {period} 询证函：余额 {}", balance.grouped());
            events::record(conn, "report statement", &summary, &zh, Some(&detail))?;
        }
        Sent::Replaced { old } => {
            let summary = format!(
                "confirmation sent again to {code} for {period}: balance {} (was {})",
                balance.grouped(),
                old.balance.grouped()
            );
            let zh = format!(
                "向 {code} 重新发出 {period} 询证函：余额 {}（原为 {}）",
                balance.grouped(),
                old.balance.grouped()
            );
            events::record(conn, "report statement", &summary, &zh, Some(&detail))?;
            if let Some((date, _)) = old.replied {
                let (c, was, now) = (visible(code), old.balance.grouped(), balance.grouped());
                ctx.warn(
                    &format!(
                        "{c} {period}: the reply of {date} answered a balance of {was}; the new slip states {now}, so that reply is cleared — record the new one with customer confirm"
                    ),
                    &format!(
                        "{c} {period}：{date} 的回函针对的余额为 {was}；新询证函余额为 {now}，原回函已清除——请用 customer confirm 记录新的回函"
                    ),
                );
            }
        }
    }
    Ok(1)
}
