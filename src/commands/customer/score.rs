//! `huikuan customer score`.

use serde::Serialize;

use crate::context::Ctx;
use crate::error::{Error, Result};
use crate::ledger::credit::{Grade, suggest_score};
use crate::output::Format;
use crate::parse::score;
use crate::render::{Cell, Table, customer, write_json};
use crate::store::{aging, customers, events};

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

#[derive(Serialize)]
struct SuggestionJson {
    code: String,
    name: String,
    current: Option<u8>,
    suggested: u8,
    grade: &'static str,
    on_time_share: String,
    avg_days_late: String,
    worst_days_late: i64,
    records: usize,
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
        let mut book = ctx.open_book()?;
        let tx = book.write()?;
        let id = customers::require_id(&tx, code)?;
        aging::set_score(&tx, id, s)?;
        events::record(&tx, "customer score", &format!("score of {code} set to {s}"), None)?;
        tx.commit()?;
        let g = Grade::from_score(s).letter();
        ctx.note(&format!("{code}: score {s}, grade {g}"), &format!("{code}：评分 {s}，等级 {g}"));
        return Ok(());
    }
    let mut book = ctx.open_book()?;
    let tx = book.read()?;
    let only = a.code.as_deref().map(|c| customers::require_id(&tx, c)).transpose()?;
    let history = aging::payment_history(&tx, ctx.as_of, only)?;
    let mut rows = Vec::new();
    for c in customers::list(&tx)? {
        let id = c.id;
        if only.is_some_and(|o| o != id) {
            continue;
        }
        let Some(s) = history.get(&id).and_then(|h| suggest_score(h)) else { continue };
        rows.push((
            id,
            SuggestionJson {
                code: c.code,
                name: c.name,
                current: c.credit_score,
                suggested: s.score,
                grade: Grade::from_score(s.score).letter(),
                on_time_share: customer::on_time_share(s.on_time_share),
                avg_days_late: format!("{:.1}", s.avg_days_late),
                worst_days_late: s.worst_days_late,
                records: s.records,
            },
        ));
    }
    drop(tx);
    if a.apply && !rows.is_empty() {
        // Asked before taking the write lock; what is stored is what was shown.
        ctx.confirm(
            &format!("store the suggested score of {} customer(s)?", rows.len()),
            &format!("保存 {} 个客户的建议评分？", rows.len()),
        )?;
        let tx = book.write()?;
        for (id, r) in &rows {
            aging::set_score(&tx, *id, r.suggested)?;
        }
        events::record(&tx, "customer score", &format!("applied suggested scores to {} customers", rows.len()), None)?;
        tx.commit()?;
    }
    let rows: Vec<SuggestionJson> = rows.into_iter().map(|(_, r)| r).collect();
    if ctx.format == Format::Json {
        return write_json(&mut ctx.out, &rows);
    }
    let mut t = Table::new(
        ctx.lang,
        &[
            ("code", "代码"),
            ("name", "名称"),
            ("current", "当前评分"),
            ("suggested", "建议评分"),
            ("grade", "等级"),
            ("on-time share", "按时比例"),
            ("avg days late", "平均逾期天数"),
            ("worst days late", "最长逾期天数"),
            ("records", "记录数"),
        ],
    );
    for r in rows {
        t.push(vec![
            Cell::text(r.code),
            Cell::text(r.name),
            r.current.map_or(Cell::Empty, |s| Cell::Int(i64::from(s))),
            Cell::Int(i64::from(r.suggested)),
            Cell::text(r.grade),
            Cell::text(r.on_time_share),
            Cell::text(r.avg_days_late),
            Cell::Int(r.worst_days_late),
            Cell::Int(r.records as i64),
        ]);
    }
    t.write(&mut ctx.out, ctx.format)
}
