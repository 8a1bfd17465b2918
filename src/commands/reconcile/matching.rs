//! `huikuan reconcile match`.

use crate::context::Ctx;
use crate::error::{Error, Result};
use crate::ledger::matching::{Candidate, Rule, candidates};
use crate::store::{bank as store_bank, customers, events, invoices};

/// Confirm who paid a queued line, and what it pays.
///
/// With --invoice, the line pays those invoices (of one customer); with
/// --customer, the customer's open installments (one equal to the amount, a
/// set summing to it, else oldest first); with neither, the best candidate.
/// The customer learns the line's name and account, so next month's
/// statement matches by itself. Without LINE on a terminal, walks the queue
/// and asks about each line. Examples:
///   huikuan reconcile match 42 --customer HY
///   huikuan reconcile match 43 --invoice INV-1001 --invoice INV-1002
///   huikuan reconcile match
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The line id (see reconcile list)
    pub line: Option<i64>,
    /// The customer who paid
    #[arg(long, value_name = "CODE")]
    pub customer: Option<String>,
    /// An invoice the line pays (repeatable)
    #[arg(long, value_name = "NUMBER")]
    pub invoice: Vec<String>,
}

pub fn run(ctx: &mut Ctx, a: Args) -> Result<()> {
    match a.line {
        Some(line) => confirm_line(ctx, line, a.customer.as_deref(), &a.invoice),
        None => review(ctx),
    }
}

/// Apply one line for the customer and invoices given (or the best candidate).
fn confirm_line(ctx: &mut Ctx, id: i64, customer: Option<&str>, numbers: &[String]) -> Result<()> {
    let mut book = ctx.open_book()?;
    let tx = book.write()?;
    let line = store_bank::get_line(&tx, id)?;
    let index = store_bank::match_index(&tx)?;
    let proposed = candidates(&index, line.counterparty.as_deref(), line.account.as_deref(), &line.text());
    let chosen = if !numbers.is_empty() {
        let mut ids = Vec::new();
        let mut owner: Option<(i64, String)> = None;
        for n in numbers {
            let inv = invoices::get(&tx, n)?;
            match &owner {
                Some((o, code)) if *o != inv.customer_id => {
                    return Err(Error::user(
                        format!(
                            "invoices {} and {} belong to different customers ({code}, {})",
                            numbers[0], n, inv.customer
                        ),
                        format!("发票 {} 与 {} 属于不同客户（{code}、{}）", numbers[0], n, inv.customer),
                    ));
                }
                _ => owner = Some((inv.customer_id, inv.customer.clone())),
            }
            ids.push(inv.id);
        }
        let (cid, code) = owner.expect("at least one invoice");
        if let Some(c) = customer
            && customers::require_id(&tx, c)? != cid
        {
            return Err(crate::store::StoreError::InvoiceOfOtherCustomer {
                number: numbers[0].clone(),
                owner: code,
                customer: c.to_string(),
            }
            .into());
        }
        Candidate { customer: cid, rule: Rule::Manual, confidence: 100, invoices: ids }
    } else if let Some(c) = customer {
        let cid = customers::require_id(&tx, c)?;
        let named = proposed.iter().find(|p| p.customer == cid).map(|p| p.invoices.clone()).unwrap_or_default();
        Candidate { customer: cid, rule: Rule::Manual, confidence: 100, invoices: named }
    } else {
        proposed.into_iter().next().ok_or_else(|| {
            Error::user(
                format!("line {id} has no candidate; say who paid with --customer CODE or --invoice NUMBER"),
                format!("第 {id} 笔没有候选客户；请用 --customer CODE 或 --invoice NUMBER 指明付款人"),
            )
        })?
    };
    let (plan, numbers_paid) = super::plan_for(&tx, line.amount, &chosen)?;
    let profile: String = tx.query_row("SELECT profile FROM bank_batches WHERE id = ?1", [line.batch], |r| r.get(0))?;
    let (payment, unapplied) = store_bank::apply_match(
        &tx,
        &line,
        chosen.customer,
        &plan,
        super::method_for(&profile),
        Rule::Manual.as_str(),
        chosen.confidence,
    )?;
    let learned = store_bank::learn(&tx, chosen.customer, &line)?;
    let code = customers::get_by_id(&tx, chosen.customer)?.code;
    events::record(
        &tx,
        "reconcile match",
        &format!("line {id} ({}) → {code}, payment {payment}; learned: {}", line.amount, learned.join(", ")),
        None,
    )?;
    tx.commit()?;
    let inv = if numbers_paid.is_empty() { String::new() } else { format!(" ({})", numbers_paid.join(", ")) };
    ctx.note(
        &format!("line {id}: {} from {code}{inv} recorded as payment {payment}", line.amount),
        &format!("第 {id} 笔：{code} 付款 {}{inv}，记为收款 {payment}", line.amount),
    );
    if unapplied.is_positive() {
        ctx.note(
            &format!("{unapplied} is unapplied credit on {code}"),
            &format!("{unapplied} 作为 {code} 的未核销预收"),
        );
    }
    if !learned.is_empty() {
        ctx.note(&format!("{code} learned {}", learned.join(", ")), &format!("{code} 已记住 {}", learned.join("、")));
    }
    Ok(())
}

/// Walk the queue on a terminal: for each line choose a candidate, another
/// customer, ignore, skip, or stop.
fn review(ctx: &mut Ctx) -> Result<()> {
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
        let pick = dialoguer::Select::new()
            .with_prompt(&head)
            .items(&items)
            .default(0)
            .interact()
            .map_err(|e| Error::user(format!("no answer: {e}"), format!("未获得回答：{e}")))?;
        match pick {
            p if p < other => confirm_line(ctx, q.id, Some(&q.candidates[p].customer), &[])?,
            p if p == other => {
                let code = ctx.prompt("Customer code", "客户代码", false)?;
                confirm_line(ctx, q.id, Some(code.trim()), &[])?;
            }
            p if p == other + 1 => super::ignore::run(ctx, super::ignore::Args { line: q.id })?,
            p if p == other + 2 => continue,
            _ => break,
        }
    }
    Ok(())
}
