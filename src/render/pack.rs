//! The month-end pack: one self-contained, printable HTML page — the aging
//! with an inline SVG chart of the buckets, the provision, the collection
//! metrics, the tie-out, and the bank lines still waiting to be matched.
//! Every text from the book is escaped.

use std::fmt::Write as _;

use super::aging::{bucket_headers, tie_out_line};
use super::letters::html_escape as esc;
use crate::ledger::Money;
use crate::output::Lang;
use crate::reports::pack::Pack;

/// Height in pixels of the tallest bar.
pub const CHART_HEIGHT: i64 = 200;

/// The bar chart of the aging buckets. Each bar carries its amount in
/// `data-amount`, and its height is proportional to it.
pub fn bucket_chart(labels: &[String], amounts: &[Money]) -> String {
    let max = amounts.iter().copied().max().unwrap_or_default().max(Money::from_cents(1));
    let (bar, gap) = (60, 30);
    let width = (bar + gap) * amounts.len() as i64 + gap;
    let mut s = format!(
        "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{}\" role=\"img\">\n",
        CHART_HEIGHT + 50
    );
    for (i, (label, m)) in labels.iter().zip(amounts).enumerate() {
        let h = (m.cents().max(0) as i128 * CHART_HEIGHT as i128 / max.cents() as i128) as i64;
        let x = gap + i as i64 * (bar + gap);
        let y = 10 + CHART_HEIGHT - h;
        let _ = writeln!(
            s,
            "<rect class=\"bar\" data-bucket=\"{l}\" data-amount=\"{a}\" x=\"{x}\" y=\"{y}\" width=\"{bar}\" height=\"{h}\" \
             fill=\"{fill}\"><title>{l}: {g}</title></rect>\n<text x=\"{tx}\" y=\"{ly}\" text-anchor=\"middle\" \
             font-size=\"12\">{l}</text>",
            l = esc(label),
            a = m.plain(),
            fill = if i == 0 { "#4a7" } else { "#c54" },
            g = m.grouped(),
            tx = x + bar / 2,
            ly = CHART_HEIGHT + 30,
        );
    }
    s.push_str("</svg>");
    s
}

/// The whole page, in the reader's language.
pub fn html(lang: Lang, p: &Pack) -> String {
    let t = |en: &'static str, zh: &'static str| lang.pick(en, zh);
    let mut b = String::new();
    let a = &p.aging;
    let headers = bucket_headers(lang, a);
    let _ =
        writeln!(b, "<h1>{} — {} {}</h1>", esc(&p.company), t("Accounts receivable as of", "应收账款 截至"), a.as_of);
    let _ = writeln!(b, "<h2>{}</h2>", t("Aging by due date", "账龄（按到期日）"));
    b.push_str(&bucket_chart(&headers, &a.totals));
    b.push_str("\n<table class=\"aging\">\n<thead><tr>");
    let mut heads = vec![t("Code", "代码").to_string(), t("Customer", "客户").to_string()];
    heads.extend(headers);
    heads.push(t("Total", "合计").into());
    heads.push(t("Unapplied credit", "未核销预收").into());
    for h in &heads {
        let _ = write!(b, "<th>{}</th>", esc(h));
    }
    b.push_str("</tr></thead>\n<tbody>\n");
    let money_cells =
        |cells: &[Money]| cells.iter().map(|m| format!("<td class=\"n\">{}</td>", m.grouped())).collect::<String>();
    for l in &a.lines {
        let _ = writeln!(
            b,
            "<tr><td>{}</td><td>{}</td>{}<td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            esc(&l.code),
            esc(&l.name),
            money_cells(&l.cells),
            l.total.grouped(),
            l.unapplied.grouped()
        );
    }
    let _ = writeln!(
        b,
        "</tbody>\n<tfoot><tr><th colspan=\"2\">{}</th>{}<td class=\"n\">{}</td><td class=\"n\">{}</td></tr></tfoot>\n</table>",
        t("TOTAL", "合计"),
        money_cells(&a.totals),
        a.total.grouped(),
        a.unapplied.grouped()
    );
    let _ = writeln!(b, "<p class=\"tie\">{}</p>", esc(&tie_out_line(lang, &a.tie)));

    let _ = writeln!(b, "<h2>{}</h2>\n<table class=\"provision\">", t("Bad-debt provision", "坏账准备"));
    let _ = writeln!(
        b,
        "<thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
        t("Age", "账龄"),
        t("Balance", "余额"),
        t("Rate %", "计提比例 %"),
        t("Provision", "坏账准备")
    );
    for row in super::provision::schedule(&p.provision, lang) {
        let _ = writeln!(
            b,
            "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            esc(row.label),
            row.balance.grouped(),
            esc(&row.rate),
            row.provision.grouped()
        );
    }
    let _ = writeln!(
        b,
        "</tbody><tfoot><tr><th colspan=\"3\">{}</th><td class=\"n\">{}</td></tr></tfoot></table>",
        t("TOTAL", "合计"),
        p.provision.provision.grouped()
    );

    let m = &p.metrics;
    let pct = |d: Option<rust_decimal::Decimal>| d.map_or("—".to_string(), |d| format!("{d:.1}"));
    let _ = writeln!(b, "<h2>{} {} – {}</h2>\n<table class=\"metrics\"><tbody>", t("Collection", "回款"), p.from, p.to);
    for (k, v) in [
        (t("Invoiced", "本期开票"), m.credit_sales.grouped()),
        (t("Collected", "本期回款"), m.collected.grouped()),
        (t("Fell due", "本期到期"), m.fell_due.grouped()),
        (t("Collected on what fell due", "到期已收"), m.collected_on_due.grouped()),
        ("回款率 %", pct(m.collection_rate())),
        (t("DSO (days)", "DSO（天）"), pct(m.dso())),
        ("CEI %", pct(m.cei())),
    ] {
        let _ = writeln!(b, "<tr><th>{}</th><td class=\"n\">{v}</td></tr>", esc(k));
    }
    b.push_str("</tbody></table>\n");

    let _ = writeln!(b, "<h2>{}</h2>", t("Bank lines not yet matched", "未匹配银行流水"));
    if p.unmatched.is_empty() {
        let _ = writeln!(b, "<p>{}</p>", t("None.", "无。"));
    } else {
        b.push_str("<table class=\"unmatched\"><tbody>\n");
        for u in &p.unmatched {
            let _ = writeln!(
                b,
                "<tr><td>#{}</td><td>{}</td><td class=\"n\">{}</td><td>{}</td><td>{}</td></tr>",
                u.id,
                u.date,
                u.amount.grouped(),
                esc(&u.counterparty),
                esc(&u.memo)
            );
        }
        b.push_str("</tbody></table>\n");
    }
    format!(
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<title>{} {}</title>\n<style>\n\
         body {{ font-family: sans-serif; margin: 2em; }} h1 {{ font-size: 1.4em; }} h2 {{ font-size: 1.1em; margin-top: 1.6em; }}\n\
         table {{ border-collapse: collapse; margin: .5em 0; }} th, td {{ border: 1px solid #aaa; padding: .25em .5em; }}\n\
         td.n {{ text-align: right; font-variant-numeric: tabular-nums; }} tfoot th, tfoot td {{ font-weight: bold; }}\n\
         .tie {{ font-family: monospace; }} @page {{ size: A4 landscape; margin: 12mm; }}\n\
         @media print {{ body {{ margin: 0; }} h2 {{ break-after: avoid; }} }}\n</style>\n</head>\n<body>\n{b}</body>\n</html>\n",
        if lang == Lang::Zh { "zh-CN" } else { "en" },
        esc(&p.company),
        a.as_of
    )
}
