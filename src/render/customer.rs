//! Customer figures as the customer commands show them.

use std::io::Write;

use rust_decimal::{Decimal, RoundingStrategy};

use serde::Serialize;

use super::{Cell, Table, write_json};
use crate::error::Result;
use crate::ledger::credit::Grade;
use crate::output::{Format, Lang};
use crate::reports::customer::{Details, ScoreRow};
use crate::store::customers::Role;

/// A suggested score's on-time share as shown: two decimals, half away from
/// zero (0.125 → "0.13"; the ledger keeps four).
pub fn on_time_share(share: Decimal) -> String {
    format!("{:.2}", share.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero))
}

/// The customer card as a table of fields, then the open invoices (a blank
/// line between the two tables in table format).
pub fn details(out: &mut dyn Write, lang: Lang, format: Format, d: &Details) -> Result<()> {
    let mut t = Table::new(lang, &[("field", "项目"), ("value", "内容")]);
    let mut kv = |en: &str, zh: &str, v: Cell| t.push(vec![Cell::text(lang.pick(en, zh)), v]);
    kv("code", "代码", Cell::text(&d.code));
    kv("name", "名称", Cell::text(&d.name));
    kv("terms (days)", "账期（天）", Cell::Int(i64::from(d.terms_days)));
    kv("credit limit", "信用额度", Cell::opt_money(d.credit_limit));
    let grade = match (d.credit_score, d.grade) {
        (Some(s), Some(g)) => {
            let (en, zh) = Grade::from_score(s).policy();
            Cell::text(format!("{s} → {g} ({})", lang.pick(en, zh)))
        }
        _ => Cell::text(lang.pick("unscored", "未评分")),
    };
    kv("score → grade", "评分 → 等级", grade);
    if d.on_hold {
        let why = match lang {
            Lang::Zh => d.hold_reason_zh.as_deref().or(d.hold_reason.as_deref()),
            Lang::En => d.hold_reason.as_deref(),
        }
        .unwrap_or("");
        kv("on hold", "停止供货", Cell::text(format!("{} {why}", lang.pick("yes", "是")).trim().to_string()));
    }
    kv("email", "邮箱", Cell::opt_text(d.email.as_deref()));
    kv("phone", "电话", Cell::opt_text(d.phone.as_deref()));
    kv("salesperson", "业务员", Cell::opt_text(d.salesperson.as_deref()));
    let p = &d.payables;
    if let Some(day) = p.cutoff_day {
        kv(
            "books close (cut-off day)",
            "扎账日",
            Cell::text(lang.pick(&format!("day {day}"), &format!("每月 {day} 日"))),
        );
    }
    if !p.pay_days.is_empty() {
        let days = p.pay_days.iter().map(u8::to_string).collect::<Vec<_>>().join(", ");
        kv("pay days", "付款日", Cell::text(days));
    }
    if let Some(needs) = &p.invoice_needs {
        kv("invoice needs", "开票要求", Cell::text(needs));
    }
    if let Some(r) = d.overdue_reason.and_then(crate::ledger::reason::OverdueReason::parse) {
        kv("overdue reason", "逾期原因", Cell::text(lang.pick(r.en(), r.zh())));
    }
    if !d.interest_rates.is_empty() {
        let steps: Vec<String> = d
            .interest_rates
            .iter()
            .map(|s| {
                let rate = s.rate.as_deref().map_or_else(
                    || lang.pick("the book's rate", "账本利率").to_string(),
                    |r| r.parse().map_or_else(|_| r.to_string(), super::interest::percent) + lang.pick("/day", "/天"),
                );
                match s.from {
                    Some(from) => format!("{rate} {} {from}", lang.pick("from", "自")),
                    None => rate,
                }
            })
            .collect();
        kv("interest rate", "违约金利率", Cell::text(steps.join("; ")));
    }
    kv("aliases", "别名", Cell::text(d.aliases.join("; ")));
    kv("bank accounts", "银行账号", Cell::text(d.accounts.join("; ")));
    for ct in &d.contacts {
        let role = match ct.role {
            Role::Decision => lang.pick("decision maker", "决策人"),
            Role::Acceptance => lang.pick("acceptance", "验收人"),
            Role::Payer => lang.pick("payer", "付款人"),
        };
        let bits: Vec<&str> =
            [Some(ct.name.as_str()), ct.phone.as_deref(), ct.email.as_deref()].into_iter().flatten().collect();
        kv(role, role, Cell::text(bits.join(", ")));
    }
    kv("notes", "备注", Cell::opt_text(d.notes.as_deref()));
    kv("open invoices", "未结发票", Cell::Money(d.open));
    kv("unapplied credit", "未核销预收", Cell::Money(d.unapplied));
    kv("balance", "余额", Cell::Money(d.balance));
    t.write(out, format)?;
    if !d.invoices.is_empty() {
        let mut inv = Table::new(
            lang,
            &[
                ("invoice", "发票"),
                ("issued", "开票日"),
                ("next due", "下一到期日"),
                ("amount", "金额"),
                ("balance", "余额"),
                ("status", "状态"),
            ],
        );
        for i in &d.invoices {
            inv.push(vec![
                Cell::text(&i.number),
                Cell::Date(i.issue_date),
                i.next_due.map_or(Cell::Empty, Cell::Date),
                Cell::Money(i.amount),
                Cell::Money(i.balance),
                Cell::text(lang.pick(i.status.as_str(), i.status.zh())),
            ]);
        }
        if format == Format::Table {
            writeln!(out)?;
        }
        inv.write(out, format)?;
    }
    Ok(())
}

#[derive(Serialize)]
/// A suggested score as JSON shows it: the figures as text, rounded.
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

/// Suggested scores as JSON or a table; the share with two decimals
/// ([`on_time_share`]), the average days late with one.
pub fn score_suggestions(out: &mut dyn Write, lang: Lang, format: Format, rows: &[ScoreRow]) -> Result<()> {
    let rows: Vec<SuggestionJson> = rows
        .iter()
        .map(|r| {
            let s = &r.suggestion;
            SuggestionJson {
                code: r.code.clone(),
                name: r.name.clone(),
                current: r.current,
                suggested: s.score,
                grade: Grade::from_score(s.score).letter(),
                on_time_share: on_time_share(s.on_time_share),
                avg_days_late: format!("{:.1}", s.avg_days_late),
                worst_days_late: s.worst_days_late,
                records: s.records,
            }
        })
        .collect();
    if format == Format::Json {
        return write_json(out, &rows);
    }
    let mut t = Table::new(
        lang,
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
    t.write(out, format)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_share_is_shown_with_two_decimals_rounded_half_away_from_zero() {
        assert_eq!(on_time_share(Decimal::new(1250, 4)), "0.13");
        assert_eq!(on_time_share(Decimal::ONE), "1.00");
        assert_eq!(on_time_share(Decimal::new(6667, 4)), "0.67");
    }
}
