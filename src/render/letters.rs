//! Collection letters: reminder, formal dunning letter (催款函), final notice
//! before stop of supply, lawyer's letter (律师函) or, without a law firm,
//! final notice before legal action — as plain text, Markdown, HTML, JSON or
//! an RFC 5322 e-mail, in English or Chinese, from one [`Letter`].
//!
//! The wording comes from a template: the built-in one per language, or
//! `letter.<en|zh>.txt` in the `templates` folder of the configuration
//! directory. A template is plain text with placeholders `{{name}}` (spaces
//! inside the braces allowed), read in one pass from left to right: each
//! placeholder is replaced by its value, and a value is never read again, so
//! a customer named `{{total}}` is printed as written. An unknown placeholder
//! or a `{{` never closed is an error naming it. Values are escaped for the
//! format where they are put in: HTML-escaped in HTML and Markdown (Markdown
//! punctuation too), terminal controls written visibly (`\u{1b}`) in every
//! format. See [`PLACEHOLDERS`].

use std::fmt::Write as _;

use rust_decimal::Decimal;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::ledger::Money;
use crate::output::{Format, Lang, visible, visible_lines};
use crate::render::display_width;
use crate::render::interest::percent;
use crate::reports::letter::{AdjustmentKind, Kind, Letter, Recipient};
use crate::store::customers::Role;

/// Every placeholder a letter template may use.
pub const PLACEHOLDERS: &[&str] = &[
    "letterhead",
    "company",
    "company_contact",
    "sender",
    "date",
    "recipient",
    "customer",
    "customer_code",
    "contact",
    "cc",
    "title",
    "opening",
    "table",
    "overdue",
    "interest",
    "total",
    "total_due",
    "currency",
    "formula",
    "not_yet_due",
    "not_yet_due_total",
    "pay_by",
    "bank",
    "consequence",
    "closing",
    "signature",
];

/// A letter template, read: its text between placeholders and the placeholders.
#[derive(Clone, Debug)]
pub struct Template {
    pieces: Vec<Piece>,
}

#[derive(Clone, Debug)]
enum Piece {
    Text(String),
    Field(&'static str),
}

impl Template {
    /// Read a template in one left-to-right pass. `origin` names it in errors
    /// (the file, or "built-in").
    pub fn parse(text: &str, origin: &str) -> Result<Template> {
        let mut pieces = Vec::new();
        let mut rest = text;
        while let Some(open) = rest.find("{{") {
            pieces.push(Piece::Text(rest[..open].to_string()));
            let line = text[..text.len() - rest.len() + open].matches('\n').count() + 1;
            let after = &rest[open + 2..];
            let Some(close) = after.find("}}") else {
                return Err(Error::user(
                    format!("{origin}:{line}: '{{{{' is not closed by '}}}}' in the letter template"),
                    format!("{origin}:{line}：函件模板中的“{{{{”没有对应的“}}}}”"),
                ));
            };
            let name = after[..close].trim();
            let field = PLACEHOLDERS.iter().find(|p| **p == name).ok_or_else(|| {
                let name = visible(name);
                Error::user(
                    format!(
                        "{origin}:{line}: unknown placeholder {{{{{name}}}}} in the letter template (the placeholders are {})",
                        PLACEHOLDERS.join(", ")
                    ),
                    format!("{origin}:{line}：函件模板中的占位符 {{{{{name}}}}} 无效（可用：{}）", PLACEHOLDERS.join("、")),
                )
            })?;
            pieces.push(Piece::Field(field));
            rest = &after[close + 2..];
        }
        pieces.push(Piece::Text(rest.to_string()));
        Ok(Template { pieces })
    }

    /// The built-in template of a language.
    pub fn built_in(lang: Lang) -> Template {
        Template::parse(default_template(lang), "built-in").expect("the built-in templates read")
    }
}

/// The built-in body template for a language.
pub fn default_template(lang: Lang) -> &'static str {
    match lang {
        Lang::En => include_str!("templates/letter.en.txt"),
        Lang::Zh => include_str!("templates/letter.zh.txt"),
    }
}

// ---- the wording ----

/// The title of a letter of `kind` in `lang` (also how the audit trail names it).
pub fn title(kind: Kind, lang: Lang) -> &'static str {
    match (kind, lang) {
        (Kind::Reminder, Lang::En) => "Payment reminder",
        (Kind::Reminder, Lang::Zh) => "付款提醒函",
        (Kind::Formal, Lang::En) => "Formal notice of overdue payment",
        (Kind::Formal, Lang::Zh) => "催款函",
        (Kind::FinalNotice, Lang::En) => "Final notice before stop of supply",
        (Kind::FinalNotice, Lang::Zh) => "停止供货前最后通知",
        (Kind::Lawyer, Lang::En) => "Lawyer's letter: demand for payment",
        (Kind::Lawyer, Lang::Zh) => "律师函",
        (Kind::LegalNotice, Lang::En) => "Final notice before legal action",
        (Kind::LegalNotice, Lang::Zh) => "法律行动前最后催告函",
    }
}

fn opening(l: &Letter) -> String {
    match (l.kind, l.lang) {
        (Kind::Reminder, Lang::En) => {
            "This is a friendly reminder of the amounts below, due or falling due soon.".into()
        }
        (Kind::Reminder, Lang::Zh) => "谨提醒贵司，以下款项已到期或即将到期，请按时安排付款。".into(),
        (Kind::Formal, Lang::En) => {
            "Despite our earlier reminders, the following amounts remain unpaid. Late interest accrues as agreed."
                .into()
        }
        (Kind::Formal, Lang::Zh) => "尽管我司此前已多次提醒，以下款项仍未支付。按约定，逾期款项计收违约金。".into(),
        (Kind::FinalNotice, Lang::En) => {
            "This is our final notice: the following amounts are seriously overdue and supply to you is stopped.".into()
        }
        (Kind::FinalNotice, Lang::Zh) => "特此最后通知：以下款项已严重逾期，我司已停止向贵司供货。".into(),
        (Kind::Lawyer, Lang::En) => format!(
            "We act for {} (\"our client\"). On our client's instructions we demand that you pay the following \
             overdue amounts, with the late interest accrued on them.",
            data(&l.company)
        ),
        (Kind::Lawyer, Lang::Zh) => format!(
            "{}受{}（以下简称“委托人”）委托，就贵司拖欠委托人款项一事致函贵司：贵司应付委托人的下列款项已经逾期，\
             现正式要求贵司支付该等款项及相应违约金。",
            data(l.sender()),
            data(&l.company)
        ),
        (Kind::LegalNotice, Lang::En) => "Despite our repeated reminders, the following amounts remain unpaid. \
                                          This is our final notice before we take legal action."
            .into(),
        (Kind::LegalNotice, Lang::Zh) => {
            "尽管我司已多次催告，贵司仍未支付以下逾期款项。特此向贵司发出采取法律行动前的最后通知。".into()
        }
    }
}

/// What happens at the next level if this letter goes unanswered.
fn consequence(l: &Letter) -> String {
    let pay_by = l.pay_by;
    match (l.kind, l.lang) {
        (Kind::Reminder, Lang::En) => {
            format!("If the amount is not paid by {pay_by}, a formal dunning letter with late interest will follow.")
        }
        (Kind::Reminder, Lang::Zh) => format!("如未能于 {pay_by} 前付款，我司将发出正式催款函并计收违约金。"),
        (Kind::Formal, Lang::En) => {
            format!("If payment is not received by {pay_by}, we will stop all further supply and hold your account.")
        }
        (Kind::Formal, Lang::Zh) => format!("如贵司未能于 {pay_by} 前付清，我司将停止供货。"),
        (Kind::FinalNotice, Lang::En) => {
            format!("If payment is not received by {pay_by}, we will take legal steps to recover the amount.")
        }
        (Kind::FinalNotice, Lang::Zh) => format!("如贵司未能于 {pay_by} 前付清，我司将通过法律途径追讨。"),
        (Kind::Lawyer, Lang::En) => format!(
            "If payment is not received by {pay_by}, we are instructed to take legal action against you without \
             further notice, at your cost."
        ),
        (Kind::Lawyer, Lang::Zh) => format!(
            "如贵司未能于 {pay_by} 前付清，本所将依委托人指示，不再另行通知，依法提起诉讼，由此产生的一切费用由贵司承担。"
        ),
        (Kind::LegalNotice, Lang::En) => format!(
            "If payment is not received by {pay_by}, we will take legal action or instruct a collection agency \
             without further notice, at your cost."
        ),
        (Kind::LegalNotice, Lang::Zh) => format!(
            "如贵司未能于 {pay_by} 前付清，我司将不再另行通知，直接提起诉讼或委托催收机构，由此产生的一切费用由贵司承担。"
        ),
    }
}

fn closing(l: &Letter) -> &'static str {
    match (l.kind, l.lang) {
        (Kind::Lawyer, Lang::En) => "If you have already paid, please send us proof of payment at once.",
        (Kind::Lawyer, Lang::Zh) => "如贵司已付款，请即将付款凭证发送本所。",
        (_, Lang::En) => "If you have already paid, please accept our thanks and disregard this letter.",
        (_, Lang::Zh) => "如贵司已付款，谨致谢意，请忽略本函。",
    }
}

fn signature(l: &Letter) -> String {
    match (&l.law_firm, l.lang) {
        (Some(f), Lang::En) => {
            let lawyer = f.lawyer.as_deref().map(|n| format!("{}\n", data(n))).unwrap_or_default();
            format!("Yours faithfully,\n{lawyer}{}\nfor {}", data(&f.firm), data(&l.company))
        }
        (Some(f), Lang::Zh) => {
            let lawyer = f.lawyer.as_deref().map(|n| format!("\n{} 律师", data(n))).unwrap_or_default();
            format!("此致\n敬礼\n\n{}{lawyer}", data(&f.firm))
        }
        (None, Lang::En) => format!("Yours faithfully,\n{} — Accounts Receivable", data(&l.company)),
        (None, Lang::Zh) => format!("此致\n敬礼\n\n{} 应收账款部", data(&l.company)),
    }
}

fn company_contact(l: &Letter) -> String {
    let parts: Vec<&str> = [l.company_email.as_deref(), l.company_phone.as_deref()].into_iter().flatten().collect();
    data(&parts.join(" · "))
}

/// The sender's name and contact lines: the law firm's for a lawyer's letter.
fn letterhead(l: &Letter) -> String {
    match &l.law_firm {
        Some(f) => {
            let contact = f.contact.as_deref().map(|c| format!("\n{}", data(c))).unwrap_or_default();
            let lawyer = match (&f.lawyer, l.lang) {
                (Some(n), Lang::En) => format!("\n{}, attorney at law", data(n)),
                (Some(n), Lang::Zh) => format!("\n{} 律师", data(n)),
                (None, _) => String::new(),
            };
            format!("{}{lawyer}{contact}", data(&f.firm))
        }
        None => {
            let contact = company_contact(l);
            if contact.is_empty() { data(&l.company) } else { format!("{}\n{contact}", data(&l.company)) }
        }
    }
}

fn role_name(role: Role, lang: Lang) -> &'static str {
    match (role, lang) {
        (Role::Decision, Lang::En) => "decision maker",
        (Role::Decision, Lang::Zh) => "决策人",
        (Role::Acceptance, Lang::En) => "acceptance",
        (Role::Acceptance, Lang::Zh) => "验收人",
        (Role::Payer, Lang::En) => "payer",
        (Role::Payer, Lang::Zh) => "付款人",
    }
}

fn person(r: &Recipient, lang: Lang) -> String {
    match (r.role, lang) {
        (Some(role), Lang::En) => format!("{} ({})", data(&r.name), role_name(role, lang)),
        (Some(role), Lang::Zh) => format!("{}（{}）", data(&r.name), role_name(role, lang)),
        (None, _) => data(&r.name),
    }
}

/// Who the letter is addressed to: the customer, the contact, the copies.
fn recipient(l: &Letter) -> String {
    let (to, attn, cc) = match l.lang {
        Lang::En => ("To: ", "Attn: ", "Cc: "),
        Lang::Zh => ("致：", "联系人：", "抄送："),
    };
    let mut out = format!("{to}{}", data(&l.customer));
    if l.to.role.is_some() {
        let _ = write!(out, "\n{attn}{}", person(&l.to, l.lang));
    }
    if !l.cc.is_empty() {
        let _ = write!(out, "\n{cc}{}", cc_names(l));
    }
    out
}

fn cc_names(l: &Letter) -> String {
    l.cc.iter().map(|r| person(r, l.lang)).collect::<Vec<_>>().join(l.lang.pick("; ", "；"))
}

fn formula(l: &Letter) -> String {
    let grace_en = if l.grace_days > 0 { format!(" less {} days' grace", l.grace_days) } else { String::new() };
    let grace_zh = if l.grace_days > 0 { format!("（扣除宽限 {} 天）", l.grace_days) } else { String::new() };
    let rates = |from: &str, sep: &str| -> String {
        l.rates.iter().map(|(day, r)| format!("{} {from} {day}", percent(*r))).collect::<Vec<_>>().join(sep)
    };
    let (rate_en, rate_zh) = match l.rates.as_slice() {
        [] => return String::new(),
        [(_, r)] => (format!("the daily rate ({})", percent(*r)), format!("日利率（{}）", percent(*r))),
        _ => (
            format!("the daily rate in force on those days ({})", rates("from", "; ")),
            format!("当日适用的日利率（{}）", rates("自", "；")),
        ),
    };
    match l.lang {
        Lang::En => format!(
            "Late interest on each line = interest on × days charged × {rate_en}, rounded to the cent. Days run \
             from the day after the due date{grace_en} to the day a part was paid, or to {} for what is still owed. \
             Each installment's interest is rounded once; a rounding line shows any difference from its lines.",
            l.date
        ),
        Lang::Zh => format!(
            "每行违约金 = 计息金额 × 计息天数 × {rate_zh}，四舍五入至分。天数自到期日次日起{grace_zh}，\
             计至该部分付款之日；未付部分计至 {}。每期违约金合计只舍入一次，与各行之和的差额列为“舍入”。",
            l.date
        ),
    }
}

// ---- the values, by format ----

/// Text from outside (a name, a number, a setting) as a letter prints it:
/// its terminal controls — line breaks included — written visibly, so it
/// can neither drive a terminal nor add a line of its own.
fn data(s: &str) -> String {
    visible(s).into_owned()
}

/// A table of a letter: headers, rows, and which columns are figures. Its
/// rows are written out when they are drawn, one at a time (`row(i)`, for
/// `i` below `len`), from the letter's own lines: a letter to a customer
/// with a long history lists a hundred thousand of them, which as cells of
/// text took about 60 MB more than the lines.
struct Grid<'a> {
    headers: Vec<&'static str>,
    len: usize,
    row: Box<dyn Fn(usize) -> Vec<String> + 'a>,
    numeric: Vec<bool>,
}

impl Grid<'_> {
    fn rows(&self) -> impl Iterator<Item = Vec<String>> + '_ {
        (0..self.len).map(|i| (self.row)(i))
    }
}

/// What a placeholder stands for.
enum Value<'a> {
    /// Text; may hold line breaks and blank lines (paragraphs).
    Text(String),
    /// The letter's title: a heading when it stands alone on its line.
    Title(String),
    /// Paragraphs and tables, in order.
    Blocks(Vec<Block<'a>>),
}

enum Block<'a> {
    Para(String),
    Table(Grid<'a>),
}

fn lines_grid(l: &Letter) -> Grid<'_> {
    let headers = match l.lang {
        Lang::En => {
            vec!["Invoice", "Due date", "Days late", "Owed", "Interest on", "Days charged", "Rate/day", "Interest"]
        }
        Lang::Zh => vec!["发票号", "到期日", "逾期天数", "欠款", "计息金额", "计息天数", "日利率", "违约金"],
    };
    let row = move |i: usize| {
        let x = &l.lines[i];
        {
            let invoice = match (x.paid_on, l.lang) {
                (Some(d), Lang::En) => format!("{}, paid {d}", data(&x.invoice)),
                (Some(d), Lang::Zh) => format!("{}（{d} 已付）", data(&x.invoice)),
                (None, _) => data(&x.invoice),
            };
            let rate = if x.days == 0 && x.rate.is_zero() { "-".to_string() } else { percent(x.rate) };
            vec![
                invoice,
                x.due.to_string(),
                x.days_late.to_string(),
                x.balance.grouped(),
                x.amount.grouped(),
                x.days.to_string(),
                rate,
                x.interest.grouped(),
            ]
        }
    };
    Grid {
        headers,
        len: l.lines.len(),
        row: Box::new(row),
        numeric: vec![false, false, true, true, true, true, true, true],
    }
}

fn adjustment_text(l: &Letter) -> Option<String> {
    if l.adjustments.is_empty() {
        return None;
    }
    let lines: Vec<String> = l
        .adjustments
        .iter()
        .map(|a| {
            let inv = data(&a.invoice);
            let what = match (a.kind, l.lang) {
                (AdjustmentKind::Rounding, Lang::En) => format!("Rounding of the interest on {inv} (rounded once)"),
                (AdjustmentKind::Rounding, Lang::Zh) => format!("{inv} 违约金舍入（每期只舍入一次）"),
                (AdjustmentKind::Posted, Lang::En) => format!("Interest on {inv} already invoiced"),
                (AdjustmentKind::Posted, Lang::Zh) => format!("{inv} 已开票的违约金"),
                (AdjustmentKind::Waived, Lang::En) => format!("Interest on {inv} waived"),
                (AdjustmentKind::Waived, Lang::Zh) => format!("{inv} 已免除的违约金"),
            };
            format!("{what}{}{}", l.lang.pick(": ", "："), a.interest.grouped())
        })
        .collect();
    Some(lines.join("\n"))
}

fn not_yet_due(l: &Letter) -> Vec<Block<'_>> {
    if l.not_yet_due.is_empty() {
        return Vec::new();
    }
    let heading = l.lang.pick(
        "Not yet due, for your information (not part of the total due):",
        "尚未到期款项（仅供参考，不计入应付合计）：",
    );
    let headers = match l.lang {
        Lang::En => vec!["Invoice", "Due date", "Amount"],
        Lang::Zh => vec!["发票号", "到期日", "金额"],
    };
    let row = move |i: usize| {
        let n = &l.not_yet_due[i];
        vec![data(&n.invoice), n.due.to_string(), n.balance.grouped()]
    };
    let subtotal = match l.lang {
        Lang::En => format!("Subtotal not yet due: {} {}", l.not_yet_due_total().grouped(), data(&l.currency)),
        Lang::Zh => format!("未到期小计：{} {}", l.not_yet_due_total().grouped(), data(&l.currency)),
    };
    vec![
        Block::Para(heading.into()),
        Block::Table(Grid { headers, len: l.not_yet_due.len(), row: Box::new(row), numeric: vec![false, false, true] }),
        Block::Para(subtotal),
    ]
}

fn value<'a>(l: &'a Letter, name: &str) -> Value<'a> {
    let text = Value::Text;
    match name {
        "letterhead" => text(letterhead(l)),
        "company" => text(data(&l.company)),
        "company_contact" => text(company_contact(l)),
        "sender" => text(data(l.sender())),
        "date" => text(l.date.to_string()),
        "recipient" => text(recipient(l)),
        "customer" => text(data(&l.customer)),
        "customer_code" => text(data(&l.customer_code)),
        "contact" => text(match l.to.role {
            Some(_) => data(&l.to.name),
            None => l.lang.pick("Sir or Madam", "财务负责人").into(),
        }),
        "cc" => text(cc_names(l)),
        "title" => Value::Title(title(l.kind, l.lang).into()),
        "opening" => text(opening(l)),
        "table" if l.lines.is_empty() => Value::Blocks(vec![Block::Para(match l.lang {
            Lang::En => format!("Nothing is overdue as of {}.", l.date),
            Lang::Zh => format!("截至 {} 无逾期款项。", l.date),
        })]),
        "table" => {
            let mut blocks = vec![Block::Table(lines_grid(l))];
            blocks.extend(adjustment_text(l).map(Block::Para));
            Value::Blocks(blocks)
        }
        "overdue" => text(l.overdue().grouped()),
        "interest" => text(l.interest().grouped()),
        "total" | "total_due" => text(l.total_due().grouped()),
        "currency" => text(data(&l.currency)),
        "formula" => text(formula(l)),
        "not_yet_due" => Value::Blocks(not_yet_due(l)),
        "not_yet_due_total" => text(l.not_yet_due_total().grouped()),
        "pay_by" => text(l.pay_by.to_string()),
        "bank" => text(data(&l.bank)),
        "consequence" => text(consequence(l)),
        "closing" => text(closing(l).into()),
        "signature" => text(signature(l)),
        _ => text(String::new()),
    }
}

/// The subject line of the e-mail and the title of the page.
pub fn subject(l: &Letter) -> String {
    format!("{} — {} ({})", title(l.kind, l.lang), l.sender(), l.customer_code)
}

/// Escape text for HTML.
pub fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}

/// Escape text for Markdown in one pass: `&`, `<` and `>` as HTML entities
/// (Markdown passes HTML through) and the punctuation that would format it
/// behind a backslash.
fn md_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '#' | '~' | '!' => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

/// At most one blank line in a row, none at the ends but a final newline:
/// a placeholder with nothing to say (no copies, nothing not yet due)
/// leaves no gap.
fn tidy(s: &str) -> String {
    let mut out = String::new();
    let mut blank = 0;
    for line in s.trim_matches('\n').lines() {
        let line = line.trim_end();
        if line.is_empty() {
            blank += 1;
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank > 0 { "\n\n" } else { "\n" });
        }
        blank = 0;
        out.push_str(line);
    }
    out.push('\n');
    out
}

fn text_table(g: &Grid) -> String {
    // Measured, then written: each row is made twice, never kept.
    let mut widths: Vec<usize> = g.headers.iter().map(|h| display_width(h)).collect();
    for r in g.rows() {
        for (w, c) in widths.iter_mut().zip(&r) {
            *w = (*w).max(display_width(c));
        }
    }
    let mut t = String::new();
    let header: Vec<String> = g.headers.iter().map(|h| h.to_string()).collect();
    for row in std::iter::once(header).chain(g.rows()) {
        for (i, c) in row.iter().enumerate() {
            let pad = " ".repeat(widths[i] - display_width(c));
            let _ = if g.numeric[i] { write!(t, "{pad}{c}  ") } else { write!(t, "{c}{pad}  ") };
        }
        t.truncate(t.trim_end().len());
        t.push('\n');
    }
    t.trim_end().to_string()
}

fn md_table(g: &Grid) -> String {
    let mut t = format!("| {} |\n|", g.headers.join(" | "));
    for n in &g.numeric {
        t.push_str(if *n { "---:|" } else { "---|" });
    }
    t.push('\n');
    for r in g.rows() {
        let _ = writeln!(t, "| {} |", r.iter().map(|c| md_escape(c)).collect::<Vec<_>>().join(" | "));
    }
    t.trim_end().to_string()
}

fn html_table(g: &Grid) -> String {
    let mut t = String::from("<table>\n<thead><tr>");
    for h in &g.headers {
        let _ = write!(t, "<th>{}</th>", html_escape(h));
    }
    t.push_str("</tr></thead>\n<tbody>\n");
    for r in g.rows() {
        t.push_str("<tr>");
        for (i, c) in r.iter().enumerate() {
            let class = if g.numeric[i] { " class=\"n\"" } else { "" };
            let _ = write!(t, "<td{class}>{}</td>", html_escape(c));
        }
        t.push_str("</tr>\n");
    }
    t.push_str("</tbody>\n</table>");
    t
}

/// The letter as plain text.
pub fn text(l: &Letter, t: &Template) -> String {
    let mut out = String::new();
    for piece in &t.pieces {
        match piece {
            Piece::Text(s) => out.push_str(s),
            Piece::Field(name) => match value(l, name) {
                Value::Text(s) | Value::Title(s) => out.push_str(&s),
                Value::Blocks(blocks) => {
                    let parts: Vec<String> = blocks
                        .iter()
                        .map(|b| match b {
                            Block::Para(p) => p.clone(),
                            Block::Table(g) => text_table(g),
                        })
                        .collect();
                    out.push_str(&parts.join("\n\n"));
                }
            },
        }
    }
    tidy(&visible_lines(&out))
}

/// The letter as Markdown: the title a heading, the tables Markdown tables,
/// every value escaped.
pub fn markdown(l: &Letter, t: &Template) -> String {
    let mut out = String::new();
    for piece in &t.pieces {
        match piece {
            Piece::Text(s) => out.push_str(s),
            Piece::Field(name) => match value(l, name) {
                Value::Text(s) => out.push_str(&md_escape(&s)),
                Value::Title(s) => {
                    if out.is_empty() || out.ends_with('\n') {
                        out.push_str("## ");
                    }
                    out.push_str(&md_escape(&s));
                }
                Value::Blocks(blocks) => {
                    let parts: Vec<String> = blocks
                        .iter()
                        .map(|b| match b {
                            Block::Para(p) => md_escape(p),
                            Block::Table(g) => md_table(g),
                        })
                        .collect();
                    out.push_str(&parts.join("\n\n"));
                }
            },
        }
    }
    // Lines of one paragraph stay lines (a hard break), tables and
    // headings as they are.
    let tidied = tidy(&visible_lines(&out));
    let lines: Vec<&str> = tidied.lines().collect();
    let mut md = String::new();
    for (i, line) in lines.iter().enumerate() {
        md.push_str(line);
        let next = lines.get(i + 1).copied().unwrap_or("");
        let plain = |s: &str| !s.is_empty() && !s.starts_with('|') && !s.starts_with('#');
        if plain(line) && plain(next) {
            md.push_str("  ");
        }
        md.push('\n');
    }
    md
}

/// The letter as one self-contained HTML page: the template's text and
/// every value escaped, paragraphs at blank lines, the tables as tables.
pub fn html(l: &Letter, t: &Template) -> String {
    // Tables and the title go in as markers (NUL, which escaped text can
    // no longer hold) and are put in place once the paragraphs are cut.
    let mut inserts: Vec<String> = Vec::new();
    let mut mark = |html: String, out: &mut String| {
        let _ = write!(out, "\u{0}{}\u{0}", inserts.len());
        inserts.push(html);
    };
    let esc = |s: &str| html_escape(&visible_lines(s));
    let mut out = String::new();
    for piece in &t.pieces {
        match piece {
            Piece::Text(s) => out.push_str(&esc(s)),
            Piece::Field(name) => match value(l, name) {
                Value::Text(s) => out.push_str(&esc(&s)),
                Value::Title(s) => mark(format!("<h1>{}</h1>", esc(&s)), &mut out),
                Value::Blocks(blocks) => {
                    for (i, b) in blocks.iter().enumerate() {
                        if i > 0 {
                            out.push_str("\n\n");
                        }
                        match b {
                            Block::Para(p) => out.push_str(&esc(p)),
                            Block::Table(g) => mark(html_table(g), &mut out),
                        }
                    }
                }
            },
        }
    }
    // The page is written around the paragraphs as they are cut, each table
    // moved in (a letter's table can be tens of megabytes: it is held
    // once, never copied into a body and then into the page).
    let mut page = format!(
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n<style>\n\
         body {{ font-family: sans-serif; max-width: 48em; margin: 2em auto; line-height: 1.5; }}\n\
         table {{ border-collapse: collapse; width: 100%; }} th, td {{ border: 1px solid #999; padding: .3em .6em; }}\n\
         td.n {{ text-align: right; font-variant-numeric: tabular-nums; }}\n\
         @media print {{ body {{ margin: 0; }} }}\n</style>\n</head>\n<body>\n",
        if l.lang == Lang::Zh { "zh-CN" } else { "en" },
        esc(&subject(l))
    );
    let mut take = |n: usize| inserts.get_mut(n).map(std::mem::take).unwrap_or_default();
    for para in tidy(&out).split("\n\n") {
        let para = para.trim_matches('\n');
        let alone = para.strip_prefix('\u{0}').and_then(|p| p.strip_suffix('\u{0}')).and_then(|n| n.parse().ok());
        match alone {
            Some(n) => page.push_str(&take(n)),
            None => {
                let mut p = String::new();
                for (i, part) in para.split('\u{0}').enumerate() {
                    match (i % 2, part.parse::<usize>()) {
                        (1, Ok(n)) => p.push_str(&take(n)),
                        _ => p.push_str(&part.replace('\n', "<br>\n")),
                    }
                }
                let _ = write!(page, "<p>{p}</p>");
            }
        }
        page.push('\n');
    }
    page.push_str("</body>\n</html>\n");
    page
}

// ---- JSON ----

fn who(r: &Recipient) -> RecipientJson<'_> {
    RecipientJson { role: r.role, name: &r.name, email: r.email.as_deref() }
}

#[derive(Serialize)]
struct RecipientJson<'a> {
    role: Option<Role>,
    name: &'a str,
    email: Option<&'a str>,
}

#[derive(Serialize)]
struct LineJson<'a> {
    invoice: &'a str,
    due: chrono::NaiveDate,
    days_late: i64,
    balance: Money,
    interest: Money,
    rate: String,
    amount: Money,
    days: i64,
    paid_on: Option<chrono::NaiveDate>,
    until: chrono::NaiveDate,
}

#[derive(Serialize)]
struct AdjustmentJson<'a> {
    invoice: &'a str,
    due: chrono::NaiveDate,
    kind: &'static str,
    interest: Money,
}

#[derive(Serialize)]
struct NotYetDueJson<'a> {
    invoice: &'a str,
    due: chrono::NaiveDate,
    balance: Money,
}

#[derive(Serialize)]
struct LetterJson<'a> {
    customer: &'a str,
    customer_name: &'a str,
    level: u8,
    kind: &'static str,
    lang: &'static str,
    date: chrono::NaiveDate,
    pay_by: chrono::NaiveDate,
    currency: &'a str,
    sender: &'a str,
    subject: String,
    to: RecipientJson<'a>,
    cc: Vec<RecipientJson<'a>>,
    lines: Vec<LineJson<'a>>,
    adjustments: Vec<AdjustmentJson<'a>>,
    overdue: Money,
    interest: Money,
    total_due: Money,
    not_yet_due: Vec<NotYetDueJson<'a>>,
    not_yet_due_total: Money,
}

fn rate_text(r: Decimal) -> String {
    r.normalize().to_string()
}

/// The letter's figures as JSON: each line reproduces its interest
/// (amount × days × rate, rounded to the cent), lines and adjustments add
/// up to `interest`, and `total_due` = `overdue` + `interest`.
pub fn json(l: &Letter) -> Result<String> {
    let j = LetterJson {
        customer: &l.customer_code,
        customer_name: &l.customer,
        level: l.level,
        kind: l.kind.slug(),
        lang: lang_code(l.lang),
        date: l.date,
        pay_by: l.pay_by,
        currency: &l.currency,
        sender: l.sender(),
        subject: subject(l),
        to: who(&l.to),
        cc: l.cc.iter().map(who).collect(),
        lines: l
            .lines
            .iter()
            .map(|x| LineJson {
                invoice: &x.invoice,
                due: x.due,
                days_late: x.days_late,
                balance: x.balance,
                interest: x.interest,
                rate: rate_text(x.rate),
                amount: x.amount,
                days: x.days,
                paid_on: x.paid_on,
                until: x.until,
            })
            .collect(),
        adjustments: l
            .adjustments
            .iter()
            .map(|a| AdjustmentJson { invoice: &a.invoice, due: a.due, kind: a.kind.slug(), interest: a.interest })
            .collect(),
        overdue: l.overdue(),
        interest: l.interest(),
        total_due: l.total_due(),
        not_yet_due: l
            .not_yet_due
            .iter()
            .map(|n| NotYetDueJson { invoice: &n.invoice, due: n.due, balance: n.balance })
            .collect(),
        not_yet_due_total: l.not_yet_due_total(),
    };
    let mut s = serde_json::to_string_pretty(&j)?;
    s.push('\n');
    Ok(s)
}

/// `en` or `zh`: the language as templates and the JSON name it.
pub fn lang_code(l: Lang) -> &'static str {
    match l {
        Lang::En => "en",
        Lang::Zh => "zh",
    }
}

/// The letter in a format, filled from a template: the text and the file
/// extension. Letters are txt (also for `table`), md, html or json here;
/// eml is the text and HTML as an e-mail (`mail::letter`).
pub fn render(l: &Letter, t: &Template, format: Format) -> Result<(String, &'static str)> {
    Ok(match format {
        Format::Table | Format::Txt => (text(l, t), "txt"),
        Format::Md => (markdown(l, t), "md"),
        Format::Html => (html(l, t), "html"),
        // An e-mail needs its sender and date: `mail::letter` builds it.
        Format::Eml => {
            return Err(Error::usage(
                "an e-mail letter is built with its sender: use huikuan dun letter --format eml",
                "电子邮件函件需有发件人：请用 huikuan dun letter --format eml",
            ));
        }
        Format::Json => (json(l)?, "json"),
        other @ (Format::Csv | Format::Hledger | Format::Beancount | Format::Xlsx) => {
            return Err(super::not_offered(other));
        }
    })
}

/// `<date>-<stem>-L<level>-<kind>.<ext>`, where the stem stands for the
/// customer (`commands::files::customer_stems`: unique in the book).
pub fn file_name(l: &Letter, stem: &str, ext: &str) -> String {
    format!("{}-{stem}-L{}-{}.{ext}", l.date, l.level, l.kind.slug())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reports::letter::{Line, NotYetDue};
    use chrono::NaiveDate;

    fn day(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, d).unwrap()
    }

    fn letter(lang: Lang) -> Letter {
        let rate = Decimal::new(5, 4);
        Letter {
            kind: Kind::Formal,
            level: 3,
            lang,
            date: day(11, 22),
            pay_by: day(11, 29),
            company: "示例 & Co".into(),
            company_email: Some("ar@example.com".into()),
            company_phone: None,
            bank: "Bank X 123".into(),
            law_firm: None,
            currency: "CNY".into(),
            customer_id: 1,
            customer_code: "../HY".into(),
            customer: "<script>华远</script> {{total}}".into(),
            to: Recipient { role: Some(Role::Payer), name: "王芳".into(), email: Some("wang@example.com".into()) },
            cc: Vec::new(),
            missing_cc: Vec::new(),
            lines: vec![Line {
                invoice: "INV-1".into(),
                due: day(10, 1),
                days_late: 52,
                balance: Money::from_cents(1_000_000),
                amount: Money::from_cents(1_000_000),
                paid_on: None,
                until: day(11, 22),
                days: 52,
                rate,
                interest: Money::from_cents(26_000),
            }],
            adjustments: Vec::new(),
            not_yet_due: vec![NotYetDue {
                invoice: "INV-9".into(),
                due: day(12, 15),
                balance: Money::from_cents(320_000),
            }],
            rates: vec![(day(10, 2), rate)],
            grace_days: 0,
        }
    }

    #[test]
    fn html_and_markdown_escape_customer_data_and_never_expand_it() {
        let l = letter(Lang::En);
        let t = Template::built_in(Lang::En);
        let h = html(&l, &t);
        assert!(!h.contains("<script>"), "{h}");
        assert!(h.contains("&lt;script&gt;华远&lt;/script&gt; {{total}}") && h.contains("示例 &amp; Co"), "{h}");
        assert!(h.contains("<table>") && h.contains("260.00") && h.contains("<h1>Formal notice"), "{h}");
        let md = markdown(&l, &t);
        assert!(md.contains("&lt;script&gt;") && !md.contains("<script>"), "{md}");
        assert!(md.contains("## Formal notice of overdue payment"), "{md}");
        let txt = text(&l, &t);
        assert!(txt.contains("To: <script>华远</script> {{total}}"), "{txt}");
    }

    #[test]
    fn the_total_due_leaves_out_what_is_not_yet_due() {
        for lang in [Lang::En, Lang::Zh] {
            let l = letter(lang);
            let t = text(&l, &Template::built_in(lang));
            assert!(t.contains("10,000.00") && t.contains("260.00") && t.contains("10,260.00"), "{t}");
            assert!(t.contains("3,200.00") && !t.contains("13,460.00"), "{t}");
        }
    }

    #[test]
    fn a_template_is_read_once_and_its_mistakes_are_named() {
        let t = Template::parse("Dear {{ contact }}, pay {{total}}.", "t.txt").unwrap();
        assert_eq!(text(&letter(Lang::En), &t), "Dear 王芳, pay 10,260.00.\n");
        let e = Template::parse("a\n{{totl}}", "t.txt").unwrap_err();
        assert!(e.to_string().starts_with("t.txt:2: unknown placeholder {{totl}}"), "{e}");
        let e = Template::parse("{{total", "t.txt").unwrap_err();
        assert!(e.to_string().contains("is not closed"), "{e}");
    }
}
