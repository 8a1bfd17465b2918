//! The one-screen summary: figures, the buckets as a bar chart, the largest
//! debtors and the day's counts; or the same as JSON.

use std::io::Write;

use serde::Serialize;

use super::aging::bucket_headers;
use super::{display_width, pad_right, write_json};
use crate::error::Result;
use crate::ledger::Money;
use crate::output::{Format, Lang};
use crate::reports::summary::{Debtor, Summary};

/// Width of the longest bar, in characters.
const BAR_WIDTH: i128 = 40;

#[derive(Serialize)]
struct DebtorJson<'a> {
    code: &'a str,
    name: &'a str,
    total: Money,
}

#[derive(Serialize)]
struct SummaryJson<'a> {
    as_of: chrono::NaiveDate,
    total: Money,
    overdue: Money,
    overdue_share: Option<String>,
    unapplied: Money,
    /// (bucket header, amount) pairs, headers in the reader's language.
    buckets: Vec<(String, Money)>,
    top_debtors: Vec<DebtorJson<'a>>,
    worklist: usize,
    unmatched_bank_lines: usize,
}

fn to_json(lang: Lang, s: &Summary) -> SummaryJson<'_> {
    let a = &s.aging;
    SummaryJson {
        as_of: a.as_of,
        total: a.total,
        overdue: s.overdue,
        overdue_share: share(s),
        unapplied: a.unapplied,
        buckets: buckets(lang, s),
        top_debtors: s
            .top_debtors
            .iter()
            .map(|Debtor { code, name, total }| DebtorJson { code, name, total: *total })
            .collect(),
        worklist: s.worklist,
        unmatched_bank_lines: s.unmatched_bank_lines,
    }
}

/// Each bucket's header in the reader's language with its total.
fn buckets(lang: Lang, s: &Summary) -> Vec<(String, Money)> {
    bucket_headers(lang, &s.aging).into_iter().zip(s.aging.totals.iter().copied()).collect()
}

/// The overdue share with one decimal (it is rounded already: Decimal's
/// `{:.1}` would truncate).
fn share(s: &Summary) -> Option<String> {
    s.overdue_share.map(|pct| format!("{pct:.1}"))
}

/// The summary as a screen of text (`table`) or as JSON.
pub fn write(out: &mut dyn Write, lang: Lang, format: Format, s: &Summary) -> Result<()> {
    if format == Format::Json {
        return write_json(out, &to_json(lang, s));
    }
    if format != Format::Table {
        return Err(super::not_offered(format));
    }
    let t = |en: &'static str, zh: &'static str| lang.pick(en, zh);
    let a = &s.aging;
    let mut o = String::new();
    o.push_str(&format!("{} {}\n\n", t("Receivables as of", "应收账款 截至"), a.as_of));
    o.push_str(&format!(
        "{} {}   {} {} ({}%)   {} {}\n\n",
        t("Total:", "合计："),
        a.total,
        t("Overdue:", "逾期："),
        s.overdue,
        share(s).as_deref().unwrap_or("—"),
        t("Unapplied credit:", "未核销预收："),
        a.unapplied
    ));
    let buckets = buckets(lang, s);
    let max = buckets.iter().map(|b| b.1).max().unwrap_or_default().max(Money::from_cents(1));
    let label_w = buckets.iter().map(|b| display_width(&b.0)).max().unwrap_or(0);
    for (label, m) in &buckets {
        let n = (m.cents().max(0) as i128 * BAR_WIDTH / max.cents() as i128) as usize;
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
    out.write_all(crate::output::visible_lines(&o).as_bytes())?;
    Ok(())
}
