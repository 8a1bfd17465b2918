//! Customer statements (对账单) with a balance-confirmation slip (询证函),
//! as plain text, Markdown or HTML, in English or Chinese.

use std::fmt::Write as _;

use chrono::NaiveDate;

use super::letters::html_escape as esc;
use crate::ledger::Money;
use crate::output::Lang;
use crate::render::display_width;
use crate::store::aging::StatementLine;

pub struct Statement {
    pub lang: Lang,
    pub company: String,
    pub customer_code: String,
    pub customer: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub opening: Money,
    pub lines: Vec<StatementLine>,
    /// The closing balance's aging: (bucket header, amount).
    pub aging: Vec<(String, Money)>,
    pub currency: String,
}

impl Statement {
    pub fn closing(&self) -> Money {
        self.opening + self.lines.iter().map(|l| l.amount).sum::<Money>()
    }

    fn kind(&self, k: &str) -> &'static str {
        match (k, self.lang) {
            ("invoice", Lang::En) => "Invoice",
            ("invoice", Lang::Zh) => "发票",
            ("interest", Lang::En) => "Late interest",
            ("interest", Lang::Zh) => "违约金",
            ("payment", Lang::En) => "Payment",
            ("payment", Lang::Zh) => "收款",
            (_, Lang::En) => "Write-off",
            (_, Lang::Zh) => "坏账核销",
        }
    }

    /// Rows: date, what, reference, charges, credits, balance.
    fn rows(&self) -> Vec<[String; 6]> {
        let t = |en: &str, zh: &str| self.lang.pick(en, zh).to_string();
        let mut bal = self.opening;
        let mut out = vec![[
            self.from.to_string(),
            t("Opening balance", "期初余额"),
            String::new(),
            String::new(),
            String::new(),
            bal.grouped(),
        ]];
        for l in &self.lines {
            bal += l.amount;
            let (dr, cr) = if l.amount.is_negative() {
                (String::new(), (-l.amount).grouped())
            } else {
                (l.amount.grouped(), String::new())
            };
            out.push([l.date.to_string(), self.kind(l.kind).to_string(), l.reference.clone(), dr, cr, bal.grouped()]);
        }
        out.push([
            self.to.to_string(),
            t("Closing balance", "期末余额"),
            String::new(),
            String::new(),
            String::new(),
            bal.grouped(),
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
            Lang::En => format!("Statement of account {} to {}", self.from, self.to),
            Lang::Zh => format!("对账单 {} 至 {}", self.from, self.to),
        }
    }

    fn slip(&self) -> Vec<String> {
        let c = self.closing().grouped();
        match self.lang {
            Lang::En => vec![
                "Balance confirmation".into(),
                format!(
                    "To {}: please confirm that on {} you owed {} {c} {}.",
                    self.company, self.to, self.company, self.currency
                ),
                "[ ] The balance above is correct.".into(),
                "[ ] The balance differs; our records show: ____________ (details attached).".into(),
                format!("{} — signature and company seal: ______________   date: __________", self.customer),
            ],
            Lang::Zh => vec![
                "询证函".into(),
                format!("致 {}：截至 {}，我司欠贵司款项余额为 {c} {}。", self.company, self.to, self.currency),
                "[ ] 上述余额正确。".into(),
                "[ ] 上述余额不符，我司记录为：____________（附明细）。".into(),
                format!("{}（盖章）  经办人签字：______________  日期：__________", self.customer),
            ],
        }
    }

    fn aging_line(&self) -> String {
        let parts: Vec<String> = self.aging.iter().map(|(h, m)| format!("{h} {}", m.grouped())).collect();
        format!("{}: {}", self.lang.pick("Aging of the balance", "余额账龄"), parts.join(" · "))
    }
}

pub fn text(s: &Statement) -> String {
    let mut out = format!("{}\n{}\n\n{} ({})\n\n", s.company, s.title(), s.customer, s.customer_code);
    let rows = s.rows();
    let h = s.headers();
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
    let _ = write!(out, "\n{}\n\n{}\n", s.aging_line(), "-".repeat(60));
    for l in s.slip() {
        let _ = writeln!(out, "{l}");
    }
    out
}

pub fn markdown(s: &Statement) -> String {
    let mut out = format!(
        "# {}\n\n**{}** ({}) — {}\n\n| {} |\n|---|---|---|---:|---:|---:|\n",
        s.title(),
        s.customer,
        s.customer_code,
        s.company,
        s.headers().join(" | ")
    );
    for r in s.rows() {
        let _ = writeln!(out, "| {} |", r.iter().map(|c| c.replace('|', "\\|")).collect::<Vec<_>>().join(" | "));
    }
    let _ = write!(out, "\n{}\n\n---\n\n", s.aging_line());
    let slip = s.slip();
    let _ = writeln!(out, "## {}\n", slip[0]);
    for l in &slip[1..] {
        let _ = writeln!(out, "{l}\n");
    }
    out
}

pub fn html(s: &Statement) -> String {
    let mut b = format!(
        "<h1>{}</h1>\n<p><strong>{}</strong> ({}) — {}</p>\n<table>\n<thead><tr>",
        esc(&s.title()),
        esc(&s.customer),
        esc(&s.customer_code),
        esc(&s.company)
    );
    for h in s.headers() {
        let _ = write!(b, "<th>{}</th>", esc(h));
    }
    b.push_str("</tr></thead>\n<tbody>\n");
    for r in s.rows() {
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
    let _ = write!(b, "</tbody>\n</table>\n<p>{}</p>\n<hr>\n", esc(&s.aging_line()));
    let slip = s.slip();
    let _ = writeln!(b, "<h2>{}</h2>", esc(&slip[0]));
    for l in &slip[1..] {
        let _ = writeln!(b, "<p>{}</p>", esc(l));
    }
    format!(
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n<style>\n\
         body {{ font-family: sans-serif; max-width: 52em; margin: 2em auto; }}\n\
         table {{ border-collapse: collapse; width: 100%; }} th, td {{ border: 1px solid #999; padding: .25em .5em; }}\n\
         td.n {{ text-align: right; font-variant-numeric: tabular-nums; }}\n</style>\n</head>\n<body>\n{b}</body>\n</html>\n",
        if s.lang == Lang::Zh { "zh-CN" } else { "en" },
        esc(&format!("{} — {}", s.title(), s.customer))
    )
}
