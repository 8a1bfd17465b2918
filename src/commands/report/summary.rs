//! `huikuan report summary`: one screen.

use std::io::Write;

use serde::Serialize;

use crate::context::Ctx;
use crate::error::Result;
use crate::ledger::Money;
use crate::ledger::aging::{AgingRule, Basis, Buckets};
use crate::ledger::ladder::Next;
use crate::output::Format;
use crate::render::{display_width, pad_right, write_json};
use crate::{reports, store};

/// The state of receivables on one screen: total, overdue share, the
/// buckets as a bar chart, the top 10 debtors, today's worklist and the
/// bank lines waiting to be matched. Example:
///   huikuan report summary
#[derive(Debug, clap::Args)]
pub struct Args {}

#[derive(Serialize)]
struct Debtor {
    code: String,
    name: String,
    total: Money,
}

#[derive(Serialize)]
struct SummaryJson {
    as_of: chrono::NaiveDate,
    total: Money,
    overdue: Money,
    overdue_share: Option<String>,
    unapplied: Money,
    buckets: Vec<(String, Money)>,
    top_debtors: Vec<Debtor>,
    worklist: usize,
    unmatched_bank_lines: usize,
}

pub fn run(ctx: &mut Ctx, _a: Args) -> Result<()> {
    let mut book = ctx.open_book()?;
    let tx = book.read()?;
    let rule = AgingRule { basis: Basis::Due, buckets: Buckets::default() };
    let r = reports::aging_report(&tx, &rule, ctx.as_of, None)?;
    let overdue: Money = r.totals.iter().skip(1).copied().sum();
    let share = (!r.total.is_zero()).then(|| {
        let pct = overdue.as_decimal() / r.total.as_decimal() * rust_decimal::Decimal::ONE_HUNDRED;
        // Decimal's `{:.1}` truncates; round half away from zero first.
        format!("{:.1}", pct.round_dp_with_strategy(1, rust_decimal::RoundingStrategy::MidpointAwayFromZero))
    });
    let work = reports::worklist(&tx, ctx.as_of, None)?
        .iter()
        .filter(|w| !matches!(w.decision.next, Next::Wait { .. }))
        .count();
    let unmatched = store::bank::queued(&tx)?.len();
    let headers = super::aging::bucket_headers(ctx.lang, &r);
    let s = SummaryJson {
        as_of: ctx.as_of,
        total: r.total,
        overdue,
        overdue_share: share,
        unapplied: r.unapplied,
        buckets: headers.iter().cloned().zip(r.totals.iter().copied()).collect(),
        top_debtors: r
            .lines
            .iter()
            .filter(|l| l.total.is_positive())
            .take(10)
            .map(|l| Debtor { code: l.code.clone(), name: l.name.clone(), total: l.total })
            .collect(),
        worklist: work,
        unmatched_bank_lines: unmatched,
    };
    if ctx.format == Format::Json {
        return write_json(&mut ctx.out, &s);
    }
    if ctx.format != Format::Table {
        return Err(crate::render::not_a_list_format(ctx.format));
    }
    let t = |en: &'static str, zh: &'static str| ctx.lang.pick(en, zh);
    let mut o = String::new();
    o.push_str(&format!("{} {}\n\n", t("Receivables as of", "应收账款 截至"), s.as_of));
    o.push_str(&format!(
        "{} {}   {} {} ({}%)   {} {}\n\n",
        t("Total:", "合计："),
        s.total,
        t("Overdue:", "逾期："),
        s.overdue,
        s.overdue_share.as_deref().unwrap_or("—"),
        t("Unapplied credit:", "未核销预收："),
        s.unapplied
    ));
    let max = s.buckets.iter().map(|b| b.1).max().unwrap_or_default().max(Money::from_cents(1));
    let label_w = s.buckets.iter().map(|b| display_width(&b.0)).max().unwrap_or(0);
    for (label, m) in &s.buckets {
        let n = (m.cents().max(0) as i128 * 40 / max.cents() as i128) as usize;
        o.push_str(&format!("{}  {:>16}  {}\n", pad_right(label, label_w), m.grouped(), "█".repeat(n)));
    }
    o.push_str(&format!("\n{}\n", t("Top debtors", "欠款最多的客户")));
    for (i, d) in s.top_debtors.iter().enumerate() {
        o.push_str(&format!("{:>2}. {} {:>16}  {}\n", i + 1, pad_right(&d.code, 10), d.total.grouped(), d.name));
    }
    o.push_str(&format!(
        "\n{} {}   {} {}\n",
        t("Collection steps due today:", "今日待办催收："),
        s.worklist,
        t("Bank lines to match:", "待匹配银行流水："),
        s.unmatched_bank_lines
    ));
    ctx.out.write_all(o.as_bytes())?;
    Ok(())
}
