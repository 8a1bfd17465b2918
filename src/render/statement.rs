//! Customer statements (对账单) with a balance-confirmation slip (询证函),
//! as plain text, Markdown or HTML, in English or Chinese.

use std::fmt::Write as _;

use super::aging::bucket_headers;
use super::letters::html_escape as esc;
use crate::error::{Error, Result};
use crate::output::{Format, Lang, visible_lines};
use crate::render::display_width;
use crate::reports::statement::Statement;
use crate::store::statement::EntryKind;

/// A statement in the reader's language.
struct Page<'a> {
    s: &'a Statement,
    lang: Lang,
}

impl Page<'_> {
    fn kind(&self, k: EntryKind) -> &'static str {
        match (k, self.lang) {
            (EntryKind::Invoice, Lang::En) => "Invoice",
            (EntryKind::Invoice, Lang::Zh) => "发票",
            (EntryKind::Interest, Lang::En) => "Late interest",
            (EntryKind::Interest, Lang::Zh) => "违约金",
            (EntryKind::Payment, Lang::En) => "Payment",
            (EntryKind::Payment, Lang::Zh) => "收款",
            (EntryKind::Discount, Lang::En) => "Discount allowed",
            (EntryKind::Discount, Lang::Zh) => "现金折扣",
            (EntryKind::WriteOff, Lang::En) => "Write-off",
            (EntryKind::WriteOff, Lang::Zh) => "坏账核销",
        }
    }

    /// Rows: date, what, reference, charges, credits, balance.
    fn rows(&self) -> Vec<[String; 6]> {
        let t = |en: &str, zh: &str| self.lang.pick(en, zh).to_string();
        let s = self.s;
        let mut out = vec![[
            s.from.to_string(),
            t("Opening balance", "期初余额"),
            String::new(),
            String::new(),
            String::new(),
            s.opening.grouped(),
        ]];
        for e in &s.entries {
            let (dr, cr) = if e.amount.is_negative() {
                (String::new(), (-e.amount).grouped())
            } else {
                (e.amount.grouped(), String::new())
            };
            out.push([
                e.date.to_string(),
                self.kind(e.kind).to_string(),
                e.reference.clone(),
                dr,
                cr,
                e.balance.grouped(),
            ]);
        }
        out.push([
            s.to.to_string(),
            t("Closing balance", "期末余额"),
            String::new(),
            String::new(),
            String::new(),
            s.closing.grouped(),
        ]);
        out
    }

    fn headers(&self) -> [&'static str; 6] {
        match self.lang {
            Lang::En => ["Date", "Transaction", "Reference", "Charges", "Credits", "Balance"],
            Lang::Zh => ["日期", "摘要", "单号", "借方（应收增加）", "贷方（应收减少）", "余额"],
        }
    }

    fn title(&self) -> String {
        match self.lang {
            Lang::En => format!("Statement of account {} to {}", self.s.from, self.s.to),
            Lang::Zh => format!("对账单 {} 至 {}", self.s.from, self.s.to),
        }
    }

    fn slip(&self) -> Vec<String> {
        let s = self.s;
        let c = s.closing.grouped();
        match self.lang {
            Lang::En => vec![
                "Balance confirmation".into(),
                format!("To {}: please confirm that on {} you owed {} {c} {}.", s.company, s.to, s.company, s.currency),
                "[ ] The balance above is correct.".into(),
                "[ ] The balance differs; our records show: ____________ (details attached).".into(),
                format!("{} — signature and company seal: ______________   date: __________", s.customer),
            ],
            Lang::Zh => vec![
                "询证函".into(),
                format!("致 {}：截至 {}，我司欠贵司款项余额为 {c} {}。", s.company, s.to, s.currency),
                "[ ] 上述余额正确。".into(),
                "[ ] 上述余额不符，我司记录为：____________（附明细）。".into(),
                format!("{}（盖章）  经办人签字：______________  日期：__________", s.customer),
            ],
        }
    }

    /// The late interest owed beside the balance, when there is any.
    fn interest_line(&self) -> Option<String> {
        let i = self.s.interest_owed;
        i.is_positive().then(|| match self.lang {
            Lang::En => format!(
                "Late interest owed as of {}, not yet invoiced and not in the balance above: {} {}",
                self.s.to,
                i.grouped(),
                self.s.currency
            ),
            Lang::Zh => format!(
                "截至 {} 应付违约金（尚未开票，未计入上述余额）：{} {}",
                self.s.to,
                i.grouped(),
                self.s.currency
            ),
        })
    }

    fn aging_line(&self) -> String {
        let headers = bucket_headers(self.lang, &self.s.aging);
        let parts: Vec<String> =
            headers.iter().zip(self.s.closing_aging()).map(|(h, m)| format!("{h} {}", m.grouped())).collect();
        format!("{}: {}", self.lang.pick("Aging of the balance", "余额账龄"), parts.join(" · "))
    }
}

/// The statement as plain text, columns aligned by display width.
pub fn text(lang: Lang, statement: &Statement) -> String {
    let (s, page) = (statement, Page { s: statement, lang });
    let mut out = format!("{}\n{}\n\n{} ({})\n\n", s.company, page.title(), s.customer, s.customer_code);
    let rows = page.rows();
    let h = page.headers();
    let w: Vec<usize> = (0..6)
        .map(|i| rows.iter().map(|r| display_width(&r[i])).chain([display_width(h[i])]).max().unwrap_or(0))
        .collect();
    let mut line = |cells: [&str; 6]| {
        let mut l = String::new();
        for (i, c) in cells.iter().enumerate() {
            let pad = " ".repeat(w[i] - display_width(c));
            if i >= 3 {
                let _ = write!(l, "{pad}{c}  ");
            } else {
                let _ = write!(l, "{c}{pad}  ");
            }
        }
        out.push_str(l.trim_end());
        out.push('\n');
    };
    line(h);
    for r in &rows {
        line([&r[0], &r[1], &r[2], &r[3], &r[4], &r[5]]);
    }
    let _ = write!(out, "\n{}\n", page.aging_line());
    if let Some(i) = page.interest_line() {
        let _ = writeln!(out, "{i}");
    }
    let _ = write!(out, "\n{}\n", "-".repeat(60));
    for l in page.slip() {
        let _ = writeln!(out, "{l}");
    }
    out
}

/// The statement as Markdown.
pub fn markdown(lang: Lang, statement: &Statement) -> String {
    let (s, page) = (statement, Page { s: statement, lang });
    let mut out = format!(
        "# {}\n\n**{}** ({}) — {}\n\n| {} |\n|---|---|---|---:|---:|---:|\n",
        page.title(),
        s.customer,
        s.customer_code,
        s.company,
        page.headers().join(" | ")
    );
    for r in page.rows() {
        let _ = writeln!(out, "| {} |", r.iter().map(|c| c.replace('|', "\\|")).collect::<Vec<_>>().join(" | "));
    }
    let _ = write!(out, "\n{}\n", page.aging_line());
    if let Some(i) = page.interest_line() {
        let _ = write!(out, "\n{i}\n");
    }
    let _ = write!(out, "\n---\n\n");
    let slip = page.slip();
    let _ = writeln!(out, "## {}\n", slip[0]);
    for l in &slip[1..] {
        let _ = writeln!(out, "{l}\n");
    }
    out
}

/// The statement as a self-contained HTML page.
pub fn html(lang: Lang, statement: &Statement) -> String {
    let (s, page) = (statement, Page { s: statement, lang });
    let mut b = format!(
        "<h1>{}</h1>\n<p><strong>{}</strong> ({}) — {}</p>\n<table>\n<thead><tr>",
        esc(&page.title()),
        esc(&s.customer),
        esc(&s.customer_code),
        esc(&s.company)
    );
    for h in page.headers() {
        let _ = write!(b, "<th>{}</th>", esc(h));
    }
    b.push_str("</tr></thead>\n<tbody>\n");
    for r in page.rows() {
        let _ = writeln!(
            b,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            esc(&r[0]),
            esc(&r[1]),
            esc(&r[2]),
            esc(&r[3]),
            esc(&r[4]),
            esc(&r[5])
        );
    }
    let _ = write!(b, "</tbody>\n</table>\n<p>{}</p>\n", esc(&page.aging_line()));
    if let Some(i) = page.interest_line() {
        let _ = writeln!(b, "<p>{}</p>", esc(&i));
    }
    let _ = writeln!(b, "<hr>");
    let slip = page.slip();
    let _ = writeln!(b, "<h2>{}</h2>", esc(&slip[0]));
    for l in &slip[1..] {
        let _ = writeln!(b, "<p>{}</p>", esc(l));
    }
    format!(
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n<style>\n\
         body {{ font-family: sans-serif; max-width: 52em; margin: 2em auto; }}\n\
         table {{ border-collapse: collapse; width: 100%; }} th, td {{ border: 1px solid #999; padding: .25em .5em; }}\n\
         td.n {{ text-align: right; font-variant-numeric: tabular-nums; }}\n</style>\n</head>\n<body>\n{b}</body>\n</html>\n",
        if lang == Lang::Zh { "zh-CN" } else { "en" },
        esc(&format!("{} — {}", page.title(), s.customer))
    )
}

/// The statement in a statement format, with the file extension it takes;
/// txt and md show terminal controls from the book escaped, like tables.
pub fn render(lang: Lang, s: &Statement, f: Format) -> Result<(String, &'static str)> {
    Ok(match f {
        Format::Table | Format::Txt => (visible_lines(&text(lang, s)).into_owned(), "txt"),
        Format::Md => (visible_lines(&markdown(lang, s)).into_owned(), "md"),
        Format::Html => (html(lang, s), "html"),
        _ => {
            return Err(Error::usage(
                "statements are written as --format txt, md or html",
                "对账单格式为 --format txt、md 或 html",
            ));
        }
    })
}

/// `statement-<code>-<from>-<to>.<ext>`, the code made safe for a file name.
pub fn file_name(s: &Statement, ext: &str) -> String {
    format!("statement-{}-{}-{}.{ext}", super::letters::sanitize(&s.customer_code), s.from, s.to)
}
