//! The collection report as a table, CSV or JSON.

use std::io::Write;

use rust_decimal::Decimal;
use serde::Serialize;

use super::{Cell, Table, write_json};
use crate::error::Result;
use crate::ledger::Money;
use crate::ledger::metrics::PeriodFigures;
use crate::output::{Format, Lang};
use crate::reports::collection::{By, Collection};

/// What a line is of: a customer (`code`, `name`), a salesperson
/// (`salesperson`, null for invoices without one) or the total.
#[derive(Serialize)]
#[serde(untagged)]
enum Key<'a> {
    Customer { code: &'a str, name: &'a str },
    Salesperson { salesperson: Option<&'a str> },
}

#[derive(Serialize)]
struct Line<'a> {
    #[serde(flatten)]
    key: Key<'a>,
    beginning_ar: Money,
    invoiced: Money,
    received: Money,
    collected: Money,
    discounts: Money,
    written_off: Money,
    fell_due: Money,
    collected_on_due: Money,
    ending_ar: Money,
    ending_current: Money,
    collection_rate: Option<String>,
    dso: Option<String>,
    cei: Option<String>,
}

#[derive(Serialize)]
struct CollectionJson<'a> {
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
    days: i64,
    /// The salesperson the report is limited to, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    salesperson: Option<&'a str>,
    total: Line<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    customers: Option<Vec<Line<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    salespeople: Option<Vec<Line<'a>>>,
}

/// The total's code in JSON (the table shows TOTAL or 合计).
const TOTAL: &str = "TOTAL";

fn line<'a>(key: Key<'a>, f: &PeriodFigures) -> Line<'a> {
    let s = |d: Option<Decimal>| d.map(|d| format!("{d:.1}"));
    Line {
        key,
        beginning_ar: f.beginning_ar,
        invoiced: f.credit_sales,
        received: f.received,
        collected: f.collected,
        discounts: f.discounts,
        written_off: f.written_off,
        fell_due: f.fell_due,
        collected_on_due: f.collected_on_due,
        ending_ar: f.ending_ar,
        ending_current: f.ending_current,
        collection_rate: s(f.collection_rate()),
        dso: s(f.dso()),
        cei: s(f.cei()),
    }
}

/// Write the collection report: one line per customer and the total, with
/// the title and the formulas in a table.
pub fn write(out: &mut dyn Write, c: &Collection, lang: Lang, format: Format) -> Result<()> {
    let by_salesperson = c.by == By::Salesperson;
    let json = CollectionJson {
        from: c.from,
        to: c.to,
        days: c.days,
        salesperson: c.salesperson.as_deref(),
        total: line(Key::Customer { code: TOTAL, name: "" }, &c.total),
        customers: (!by_salesperson).then(|| {
            c.customers.iter().map(|x| line(Key::Customer { code: &x.code, name: &x.name }, &x.figures)).collect()
        }),
        salespeople: by_salesperson.then(|| {
            c.salespeople
                .iter()
                .map(|x| line(Key::Salesperson { salesperson: x.salesperson.as_deref() }, &x.figures))
                .collect()
        }),
    };
    if format == Format::Json {
        return write_json(out, &json);
    }
    let keys: &[(&str, &str)] =
        if by_salesperson { &[("salesperson", "业务员")] } else { &[("code", "代码"), ("customer", "客户")] };
    let figures = [
        ("beginning AR", "期初应收"),
        ("invoiced", "本期开票"),
        ("received", "本期收款"),
        ("collected", "本期回款"),
        ("discounts", "现金折扣"),
        ("written off", "核销坏账"),
        ("fell due", "本期到期"),
        ("collected on due", "到期已收"),
        ("ending AR", "期末应收"),
        ("回款率 %", "回款率 %"),
        ("DSO", "DSO（天）"),
        ("CEI %", "CEI %"),
    ];
    let mut t = Table::new(lang, &[keys, &figures[..]].concat());
    let dash = |s: &Option<String>| Cell::text(s.clone().unwrap_or_else(|| "—".into()));
    let lines = json.customers.iter().chain(json.salespeople.iter()).flatten();
    for l in lines.chain(std::iter::once(&json.total)) {
        let mut row = match (&l.key, by_salesperson) {
            (Key::Customer { code: TOTAL, .. }, true) => vec![Cell::text(lang.pick("TOTAL", "合计"))],
            (Key::Customer { code: TOTAL, .. }, false) => vec![Cell::text(lang.pick("TOTAL", "合计")), Cell::Empty],
            (Key::Customer { code, name }, _) => vec![Cell::text(*code), Cell::text(*name)],
            (Key::Salesperson { salesperson }, _) => {
                vec![Cell::text(salesperson.unwrap_or(lang.pick("(none)", "（未指定）")))]
            }
        };
        row.extend([
            Cell::Money(l.beginning_ar),
            Cell::Money(l.invoiced),
            Cell::Money(l.received),
            Cell::Money(l.collected),
            Cell::Money(l.discounts),
            Cell::Money(l.written_off),
            Cell::Money(l.fell_due),
            Cell::Money(l.collected_on_due),
            Cell::Money(l.ending_ar),
            dash(&l.collection_rate),
            dash(&l.dso),
            dash(&l.cei),
        ]);
        t.push(row);
    }
    let (from, to, days) = (c.from, c.to, c.days);
    let mut title = match lang {
        Lang::En => format!("Collection {from} to {to} ({days} days)"),
        Lang::Zh => format!("回款统计 {from} 至 {to}（{days} 天）"),
    };
    if let Some(sp) = &c.salesperson {
        title += &match lang {
            Lang::En => format!(", salesperson {sp}"),
            Lang::Zh => format!("，业务员 {sp}"),
        };
    }
    let mut notes = vec![
        lang.pick(
            "received = cash dated in the period; collected = applied to invoices with effect in the period (as the aging tie-out)",
            "本期收款 = 本期日期的收款；本期回款 = 本期生效、已核销到发票的金额（同账龄核对）",
        ),
        lang.pick(
            "beginning AR + invoiced − ending AR = collected + discounts + written off",
            "期初应收 + 本期开票 − 期末应收 = 本期回款 + 现金折扣 + 核销坏账",
        ),
        lang.pick("回款率 = collected on what fell due ÷ what fell due × 100", "回款率 = 到期已收 ÷ 本期到期 × 100"),
        lang.pick("DSO = ending AR ÷ credit sales × days", "DSO = 期末应收 ÷ 本期赊销 × 天数"),
        lang.pick(
            "CEI = (beginning AR + credit sales − ending AR) ÷ (beginning AR + credit sales − ending current AR) × 100",
            "CEI = (期初应收 + 本期赊销 − 期末应收) ÷ (期初应收 + 本期赊销 − 期末未到期应收) × 100",
        ),
    ];
    if by_salesperson || c.salesperson.is_some() {
        notes.push(lang.pick(
            "by salesperson: an invoice's figures go to the salesperson it is credited to; cash not yet applied to the customer's",
            "按业务员：发票的各项数字计入该发票的业务员；尚未核销的收款计入客户的业务员",
        ));
    }
    match format {
        // The workbook: the title and the formulas under the table.
        Format::Xlsx => {
            let footer: Vec<String> = std::iter::once(title.as_str()).chain(notes).map(str::to_string).collect();
            t.write_xlsx(out, &footer)?;
        }
        Format::Table => {
            writeln!(out, "{title}")?;
            t.write(out, format)?;
            for f in notes {
                writeln!(out, "{f}")?;
            }
        }
        _ => t.write(out, format)?,
    }
    Ok(())
}
