//! `huikuan reconcile match`.

use crate::context::Ctx;
use crate::error::{Error, Result};
use crate::reconcile::{self, Confirmation};
use crate::store::{bank, events};

/// Confirm who paid a queued line, and what it pays.
///
/// With --invoice, the line pays those invoices (of one customer); with
/// --customer, the customer's open installments (one equal to the amount, a
/// set summing to it, else oldest first); with neither, the best candidate.
/// With --learn the customer learns the line's name and account, so next
/// month's statement matches by itself; without it, a terminal asks, and
/// elsewhere nothing is learned (a third party may pay for a customer). A
/// name or account another customer holds is never learned: with --learn
/// the match is refused. Without LINE on a terminal, walks the queue and
/// asks about each line. Examples:
///   huikuan reconcile match 42 --customer HY --learn
///   huikuan reconcile match 43 --invoice INV-1001 --invoice INV-1002
///   huikuan reconcile match
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// The line id (see reconcile list)
    pub line: Option<i64>,
    /// The customer who paid
    #[arg(long, value_name = "CODE")]
    pub customer: Option<String>,
    /// An invoice the line pays (repeatable)
    #[arg(long, value_name = "NUMBER")]
    pub invoice: Vec<String>,
    /// Teach the customer the line's name (as an alias) and account
    #[arg(long)]
    pub learn: bool,
}

pub fn run(ctx: &mut Ctx, a: Args) -> Result<()> {
    match a.line {
        Some(line) => confirm_line(ctx, line, a.customer.as_deref(), &a.invoice, a.learn),
        None => review(ctx, a.learn),
    }
}

/// Apply one line for the customer and invoices given (or the best
/// candidate); with `learn`, teach the customer the line's name and account.
fn confirm_line(ctx: &mut Ctx, id: i64, customer: Option<&str>, numbers: &[String], learn: bool) -> Result<()> {
    let user = super::user_profiles()?;
    let mut book = ctx.open_book_to_write()?;
    let tx = book.write()?;
    let m = reconcile::confirm(&tx, id, Confirmation { customer, invoices: numbers }, &user, learn)?;
    let (code, payment, amount) = (&m.customer, m.payment, m.line.amount);
    let learned = if m.learned.is_empty() { String::new() } else { format!("; learned: {}", m.learned.join(", ")) };
    events::record(
        &tx,
        "reconcile match",
        &format!("line {id} ({amount}) → {code}, payment {payment}{learned}"),
        &format!(
            "流水 {id}（{amount}）→ {code}，收款 {payment}{}",
            if m.learned.is_empty() { String::new() } else { format!("；已记住 {}", m.learned.join("、")) }
        ),
        None,
    )?;
    tx.commit()?;
    drop(book);
    let inv = if m.invoices.is_empty() { String::new() } else { format!(" ({})", m.invoices.join(", ")) };
    ctx.note(
        &format!("line {id}: {amount} from {code}{inv} recorded as payment {payment}"),
        &format!("第 {id} 笔：{code} 付款 {amount}{inv}，记为收款 {payment}"),
    );
    if m.unapplied.is_positive() {
        let unapplied = m.unapplied;
        ctx.note(
            &format!("{unapplied} is unapplied credit on {code}"),
            &format!("{unapplied} 作为 {code} 的未核销预收"),
        );
    }
    let mut learned = m.learned.clone();
    if !m.not_learned.is_empty() {
        if ctx.interactive && !ctx.yes {
            // Asked after the match is committed: the book is not held while
            // the user thinks. The bank's text is shown with controls escaped.
            let what = crate::output::visible(&m.not_learned.join(", ")).into_owned();
            let asked = ctx.confirm(
                &format!("Remember {what} for {code}, so its next statements match by themselves?"),
                &format!("记住 {code} 的 {what}，以便下次自动匹配？"),
            );
            if asked.is_ok() {
                learned = learn_now(ctx, &m)?;
            }
        } else {
            ctx.note(
                &format!("not learned: the payer's name/account (add --learn to remember them for {code})"),
                &format!("未记住付款人户名/账号（加 --learn 可为 {code} 记住）"),
            );
        }
    }
    if !learned.is_empty() {
        ctx.note(&format!("{code} learned {}", learned.join(", ")), &format!("{code} 已记住 {}", learned.join("、")));
    }
    Ok(())
}

/// Teach the customer of a match just made the line's name and account (the
/// user said yes at the terminal), in a transaction of its own.
fn learn_now(ctx: &mut Ctx, m: &reconcile::MatchOutcome) -> Result<Vec<String>> {
    let mut book = ctx.open_book_to_write()?;
    let tx = book.write()?;
    let learned = bank::learn(&tx, m.customer_id, &m.line, true)?;
    if !learned.is_empty() {
        events::record(
            &tx,
            "reconcile match",
            &format!("line {} → {}: learned {}", m.line.id, m.customer, learned.join(", ")),
            &format!("流水 {} → {}：已记住 {}", m.line.id, m.customer, learned.join("、")),
            None,
        )?;
    }
    tx.commit()?;
    Ok(learned)
}

/// Walk the queue on a terminal: for each line choose a candidate, another
/// customer, ignore, skip, or stop.
fn review(ctx: &mut Ctx, learn: bool) -> Result<()> {
    if !ctx.interactive {
        return Err(Error::usage(
            "reconcile match needs a LINE (see reconcile list), or a terminal to review the queue",
            "reconcile match 需要 LINE（见 reconcile list），或在终端中逐笔确认",
        ));
    }
    let queue = {
        let mut book = ctx.open_book()?;
        let tx = book.read()?;
        super::list::queue(&tx)?
    };
    for q in queue {
        // The bank's counterparty and memo, shown with terminal controls escaped.
        let head = format!(
            "#{} {} {} {} {}",
            q.id,
            q.date,
            q.amount,
            q.counterparty.as_deref().unwrap_or("-"),
            q.memo.as_deref().unwrap_or("")
        );
        let mut items: Vec<String> = q
            .candidates
            .iter()
            .map(|c| format!("{} {} ({} {})", c.customer, c.invoices.join(","), c.rule, c.confidence))
            .collect();
        let other = items.len();
        items.push(ctx.t("another customer…", "其他客户……").to_string());
        items.push(ctx.t("ignore (not a customer payment)", "忽略（非客户付款）").to_string());
        items.push(ctx.t("skip", "跳过").to_string());
        items.push(ctx.t("stop", "结束").to_string());
        ctx.before_asking();
        let pick = dialoguer::Select::new()
            .with_prompt(crate::output::visible(&head))
            .items(&items)
            .default(0)
            .interact()
            .map_err(|e| Error::user(format!("no answer: {e}"), format!("未获得回答：{e}")))?;
        match pick {
            p if p < other => confirm_line(ctx, q.id, Some(&q.candidates[p].customer), &[], learn)?,
            p if p == other => {
                let code = ctx.prompt("Customer code", "客户代码", false)?;
                confirm_line(ctx, q.id, Some(code.trim()), &[], learn)?;
            }
            p if p == other + 1 => super::ignore::run(ctx, super::ignore::Args { line: q.id })?,
            p if p == other + 2 => continue,
            _ => break,
        }
    }
    Ok(())
}
