//! `huikuan customer score`.

use crate::context::Ctx;
use crate::error::{Error, Result};
use crate::ledger::credit::Grade;
use crate::parse::score;
use crate::render::customer;
use crate::reports;
use crate::store::{customers, events, history};

/// Set a credit score, or suggest scores from payment history.
///
/// The suggestion (as of --as-of) weighs the share paid on time, the average
/// and the worst days late:
///   40 × on-time share + 40 × max(0, 1 − avg days late / 60) + 20 × max(0, 1 − worst / 180)
/// It writes nothing unless --apply. Examples:
///   huikuan customer score HW 75
///   huikuan customer score --suggest
///   huikuan customer score HW --suggest --apply
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// Customer code (all customers with --suggest when omitted)
    pub code: Option<String>,
    /// The new score, 0–100 (grade A ≥80, B 60–79, C 40–59, D <40)
    pub score: Option<u32>,
    /// Suggest a score from payment history
    #[arg(long, conflicts_with = "score")]
    pub suggest: bool,
    /// Store the suggested scores (asks for confirmation; --yes for scripts)
    #[arg(long, requires = "suggest")]
    pub apply: bool,
}

pub fn run(ctx: &mut Ctx, a: Args) -> Result<()> {
    if !a.suggest {
        let (Some(code), Some(n)) = (&a.code, a.score) else {
            return Err(Error::usage(
                "give CODE and SCORE to set a score, or --suggest (e.g. huikuan customer score HW 75)",
                "设置评分需给出 CODE 和 SCORE，或使用 --suggest（例如 huikuan customer score HW 75）",
            ));
        };
        let s = score("SCORE", n)?;
        let mut book = ctx.open_book_to_write()?;
        let tx = book.write()?;
        let id = customers::require_id(&tx, code)?;
        history::set_score(&tx, id, s)?;
        events::record(
            &tx,
            "customer score",
            &format!("score of {code} set to {s}"),
            &format!("{code} 评分设为 {s}"),
            None,
        )?;
        tx.commit()?;
        let g = Grade::from_score(s).letter();
        ctx.note(&format!("{code}: score {s}, grade {g}"), &format!("{code}：评分 {s}，等级 {g}"));
        return Ok(());
    }
    let mut book = if a.apply { ctx.open_book_to_write()? } else { ctx.open_book()? };
    let tx = book.read()?;
    let only = a.code.as_deref().map(|c| customers::require_id(&tx, c)).transpose()?;
    if only.is_none() {
        // Every customer's open installments are read in customer order:
        // the sort goes to files (on the 10^7 bench book it held 200 MB).
        crate::store::sort_in_files(&tx)?;
    }
    let rows = reports::customer::score_suggestions(&tx, ctx.as_of, only)?;
    drop(tx);
    if a.apply && !rows.is_empty() {
        // Asked before taking the write lock; what is stored is what was shown.
        ctx.confirm(
            &format!("store the suggested score of {} customer(s)?", rows.len()),
            &format!("保存 {} 个客户的建议评分？", rows.len()),
        )?;
        let tx = book.write()?;
        for r in &rows {
            history::set_score(&tx, r.id, r.suggestion.score)?;
        }
        let n = rows.len();
        let (en, zh) = (format!("applied suggested scores to {n} customers"), format!("采用 {n} 个客户的建议评分"));
        events::record(&tx, "customer score", &en, &zh, None)?;
        tx.commit()?;
    }
    customer::score_suggestions(&mut ctx.out, ctx.lang, ctx.format, &rows)
}
