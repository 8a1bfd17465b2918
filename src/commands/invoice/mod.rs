//! `huikuan invoice …`: invoices and their installments.

pub mod add;
pub mod dispute;
pub mod import;
pub mod list;
pub mod reschedule;
pub mod show;
pub mod void;
pub mod write_off;

use crate::context::Ctx;
use crate::error::{Error, Result};
use crate::ledger::schedule::{DuePlan, Installment};

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    // Boxed: its many options would make every other variant as large.
    Add(Box<add::Args>),
    List(list::Args),
    Show(show::Args),
    Void(void::Args),
    Dispute(dispute::DisputeArgs),
    Undispute(dispute::UndisputeArgs),
    WriteOff(write_off::Args),
    Reschedule(reschedule::Args),
    Import(import::Args),
}

pub fn run(ctx: &mut Ctx, c: Command) -> Result<()> {
    match c {
        Command::Add(a) => add::run(ctx, *a),
        Command::List(a) => list::run(ctx, a),
        Command::Show(a) => show::run(ctx, a),
        Command::Void(a) => void::run(ctx, a),
        Command::Dispute(a) => dispute::run_dispute(ctx, a),
        Command::Undispute(a) => dispute::run_undispute(ctx, a),
        Command::WriteOff(a) => write_off::run(ctx, a),
        Command::Reschedule(a) => reschedule::run(ctx, a),
        Command::Import(a) => import::run(ctx, a),
    }
}

/// Parse `--installment DATE:AMOUNT`.
pub fn parse_installment(ctx: &Ctx, text: &str) -> Result<Installment> {
    let (d, a) = text.split_once(':').ok_or_else(|| {
        Error::user(
            format!("--installment: '{text}' should be DATE:AMOUNT, e.g. 2026-12-31:5000"),
            format!("--installment：“{text}”应为 日期:金额，例如 2026-12-31:5000"),
        )
    })?;
    Ok(Installment {
        due_date: ctx.date("--installment", d)?,
        amount: crate::parse::positive_amount("--installment", a)?,
    })
}

/// The due plan from the options, in order of precedence: explicit
/// installments, a split, a due date, terms, the customer's terms.
pub fn due_plan(
    installments: Vec<Installment>,
    split: Option<u32>,
    due: Option<chrono::NaiveDate>,
    terms: Option<u32>,
    customer_terms: u32,
    issue: chrono::NaiveDate,
) -> Result<DuePlan> {
    let days = terms.unwrap_or(customer_terms);
    if !installments.is_empty() {
        if split.is_some() || due.is_some() || terms.is_some() {
            return Err(Error::usage(
                "--installment cannot be combined with --split, --due or --terms",
                "--installment 不能与 --split、--due 或 --terms 同用",
            ));
        }
        return Ok(DuePlan::Explicit(installments));
    }
    let first_due = match due {
        Some(d) => d,
        None => issue.checked_add_days(chrono::Days::new(u64::from(days))).unwrap_or(issue),
    };
    Ok(match split {
        Some(parts) => DuePlan::Split { parts, first_due },
        None if due.is_some() => DuePlan::On(first_due),
        None => DuePlan::Terms(days),
    })
}
