//! Collection letters: reminder, formal dunning letter (催款函), final notice
//! before stop of supply, lawyer's letter (律师函) — as plain text, Markdown,
//! HTML or an RFC 5322 e-mail, in English or Chinese.
//!
//! The body comes from a template with `{{placeholders}}`: the built-in one
//! per language, or `letter.<en|zh>.txt` in the `templates` folder of the
//! configuration directory. Placeholders: company, company_contact, date,
//! customer, contact, title, opening, table, overdue, interest, total,
//! currency, formula, pay_by, bank, consequence.

use std::fmt::Write as _;

use base64::Engine as _;
use chrono::NaiveDate;

use crate::error::{Error, Result};
use crate::output::{Format, Lang, visible_lines};
use crate::render::display_width;
use crate::render::interest::percent;
use crate::reports::letter::{Kind, Letter};

fn title(kind: Kind, lang: Lang) -> &'static str {
    match (kind, lang) {
        (Kind::Reminder, Lang::En) => "Payment reminder",
        (Kind::Reminder, Lang::Zh) => "付款提醒函",
        (Kind::Formal, Lang::En) => "Formal notice of overdue payment",
        (Kind::Formal, Lang::Zh) => "催款函",
        (Kind::FinalNotice, Lang::En) => "Final notice before stop of supply",
        (Kind::FinalNotice, Lang::Zh) => "停止供货前最后通知",
        (Kind::Lawyer, Lang::En) => "Lawyer's letter: demand for payment",
        (Kind::Lawyer, Lang::Zh) => "律师函",
    }
}

fn opening(kind: Kind, lang: Lang) -> &'static str {
    match (kind, lang) {
        (Kind::Reminder, Lang::En) => "This is a friendly reminder that the following amounts are due or overdue.",
        (Kind::Reminder, Lang::Zh) => "谨提醒贵司，以下款项已到期或即将到期。",
        (Kind::Formal, Lang::En) => {
            "Despite our earlier reminders, the following amounts remain unpaid. Late interest accrues as agreed."
        }
        (Kind::Formal, Lang::Zh) => "尽管我司此前已多次提醒，以下款项仍未支付。按约定，逾期款项计收违约金。",
        (Kind::FinalNotice, Lang::En) => {
            "This is our final notice: the following amounts are seriously overdue and supply to you is stopped."
        }
        (Kind::FinalNotice, Lang::Zh) => "特此最后通知：以下款项已严重逾期，我司已停止向贵司供货。",
        (Kind::Lawyer, Lang::En) => {
            "On behalf of our client we demand payment of the following overdue amounts with late interest."
        }
        (Kind::Lawyer, Lang::Zh) => "受委托人委托，现正式要求贵司支付以下逾期款项及违约金。",
    }
}

/// What happens at the next level if this letter goes unanswered.
fn consequence(kind: Kind, lang: Lang, pay_by: NaiveDate) -> String {
    match (kind, lang) {
        (Kind::Reminder, Lang::En) => {
            format!("If the amount is not paid by {pay_by}, a formal dunning letter with late interest will follow.")
        }
        (Kind::Reminder, Lang::Zh) => format!("如未能于 {pay_by} 前付款，我司将发出正式催款函并计收违约金。"),
        (Kind::Formal, Lang::En) => {
            format!("If payment is not received by {pay_by}, we will stop all further supply and hold your account.")
        }
        (Kind::Formal, Lang::Zh) => format!("如贵司未能于 {pay_by} 前付清，我司将停止供货。"),
        (Kind::FinalNotice, Lang::En) => {
            format!("If payment is not received by {pay_by}, we will refer the matter to our lawyers.")
        }
        (Kind::FinalNotice, Lang::Zh) => format!("如贵司未能于 {pay_by} 前付清，我司将委托律师处理。"),
        (Kind::Lawyer, Lang::En) => format!(
            "If payment is not received by {pay_by}, we will take legal action or instruct a collection agency, \
             at your cost."
        ),
        (Kind::Lawyer, Lang::Zh) => {
            format!("如贵司未能于 {pay_by} 前付清，将提起诉讼或委托催收机构，由此产生的费用由贵司承担。")
        }
    }
}

fn formula(l: &Letter) -> String {
    let grace_en = if l.grace_days > 0 { format!(" (less {} days' grace)", l.grace_days) } else { String::new() };
    let grace_zh = if l.grace_days > 0 { format!("（扣除宽限 {} 天）", l.grace_days) } else { String::new() };
    if l.rates.len() > 1 {
        // The rate changed on days the interest counts: each day at its own.
        let steps = |from: &str| -> Vec<String> {
            l.rates.iter().map(|(day, r)| format!("{} {from} {day}", percent(*r))).collect()
        };
        return match l.lang {
            Lang::En => format!(
                "Late interest = each overdue amount × the daily rate in force on each day late ({}){grace_en}, \
                 from the day after the due date.",
                steps("from").join("; ")
            ),
            Lang::Zh => format!(
                "违约金 = 各笔逾期金额 × 逾期各日适用的日利率（{}）{grace_zh}，自到期日次日起计。",
                steps("自").join("；")
            ),
        };
    }
    match l.lang {
        Lang::En => format!(
            "Late interest = each overdue amount × {} per day × days late{grace_en}, from the day after the due date.",
            percent(l.rate_per_day)
        ),
        Lang::Zh => format!(
            "违约金 = 各笔逾期金额 × 日利率 {} × 逾期天数{grace_zh}，自到期日次日起计。",
            percent(l.rate_per_day)
        ),
    }
}

fn headers(l: &Letter) -> [&'static str; 5] {
    match l.lang {
        Lang::En => ["Invoice", "Due date", "Days late", "Amount due", "Interest"],
        Lang::Zh => ["发票号", "到期日", "逾期天数", "应付金额", "违约金"],
    }
}

fn cells(l: &Letter) -> Vec<[String; 5]> {
    l.lines
        .iter()
        .map(|l| {
            [
                l.invoice.clone(),
                l.due_date.to_string(),
                l.days_late.max(0).to_string(),
                l.balance.grouped(),
                l.interest.grouped(),
            ]
        })
        .collect()
}

fn values(l: &Letter, table: String, esc: &dyn Fn(&str) -> String) -> Vec<(&'static str, String)> {
    let contact = l.contact.clone().unwrap_or_else(|| l.lang.pick("Sir or Madam", "财务负责人").to_string());
    let company_contact: Vec<&str> =
        [l.company_email.as_deref(), l.company_phone.as_deref()].into_iter().flatten().collect();
    vec![
        ("company", esc(&l.company)),
        ("company_contact", esc(&company_contact.join(" · "))),
        ("date", l.date.to_string()),
        ("customer", esc(&l.customer)),
        ("contact", esc(&contact)),
        ("title", esc(title(l.kind, l.lang))),
        ("opening", esc(opening(l.kind, l.lang))),
        ("table", table),
        ("overdue", l.overdue().grouped()),
        ("interest", l.interest().grouped()),
        ("total", l.total().grouped()),
        ("currency", esc(&l.currency)),
        ("formula", esc(&formula(l))),
        ("pay_by", l.pay_by.to_string()),
        ("bank", esc(&l.bank)),
        ("consequence", esc(&consequence(l.kind, l.lang, l.pay_by))),
    ]
}

/// The subject line of the e-mail and the title of the page.
pub fn subject(l: &Letter) -> String {
    format!("{} — {} ({})", title(l.kind, l.lang), l.company, l.customer_code)
}

/// The built-in body template for a language.
pub fn default_template(lang: Lang) -> &'static str {
    match lang {
        Lang::En => include_str!("templates/letter.en.txt"),
        Lang::Zh => include_str!("templates/letter.zh.txt"),
    }
}

fn fill(template: &str, values: &[(&str, String)]) -> String {
    let mut out = template.to_string();
    for (k, v) in values {
        out = out.replace(&format!("{{{{{k}}}}}"), v);
    }
    out
}

fn plain(s: &str) -> String {
    s.to_string()
}

/// Escape text for HTML.
pub fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}

/// The letter as plain text.
pub fn text(l: &Letter, template: &str) -> String {
    let mut t = String::new();
    let h = headers(l);
    let rows = cells(l);
    let widths: Vec<usize> = (0..5)
        .map(|i| rows.iter().map(|r| display_width(&r[i])).chain([display_width(h[i])]).max().unwrap_or(0))
        .collect();
    let line = |cells: [&str; 5], t: &mut String| {
        for (i, c) in cells.iter().enumerate() {
            let pad = widths[i] - display_width(c);
            if i >= 2 {
                let _ = write!(t, "{}{}  ", " ".repeat(pad), c);
            } else {
                let _ = write!(t, "{}{}  ", c, " ".repeat(pad));
            }
        }
        t.truncate(t.trim_end().len());
        t.push('\n');
    };
    line(h, &mut t);
    for r in &rows {
        line([&r[0], &r[1], &r[2], &r[3], &r[4]], &mut t);
    }
    fill(template, &values(l, t.trim_end().to_string(), &plain))
}

/// The letter as Markdown.
pub fn markdown(l: &Letter, template: &str) -> String {
    let h = headers(l);
    let mut t = format!("| {} |\n|---|---|---:|---:|---:|\n", h.join(" | "));
    for r in cells(l) {
        let _ = writeln!(t, "| {} |", r.iter().map(|c| c.replace('|', "\\|")).collect::<Vec<_>>().join(" | "));
    }
    let body = fill(template, &values(l, t.trim_end().to_string(), &plain));
    body.replacen(title(l.kind, l.lang), &format!("## {}", title(l.kind, l.lang)), 1)
}

/// The letter as one self-contained HTML page. Every value from the book is escaped.
pub fn html(l: &Letter, template: &str) -> String {
    let h = headers(l);
    let mut t = String::from("<table>\n<thead><tr>");
    for x in h {
        let _ = write!(t, "<th>{}</th>", html_escape(x));
    }
    t.push_str("</tr></thead>\n<tbody>\n");
    for r in cells(l) {
        let _ = writeln!(
            t,
            "<tr><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            html_escape(&r[0]),
            html_escape(&r[1]),
            html_escape(&r[2]),
            html_escape(&r[3]),
            html_escape(&r[4])
        );
    }
    t.push_str("</tbody>\n</table>");
    const TABLE_MARK: &str = "\u{1}TABLE\u{1}";
    // Escape the template's own text too (a user's template is plain text).
    let body = fill(&html_escape(template), &values(l, TABLE_MARK.into(), &html_escape));
    let mut out = String::new();
    for para in body.split("\n\n") {
        let para = para.trim_matches('\n');
        if para.is_empty() {
            continue;
        }
        if para == TABLE_MARK {
            out.push_str(&t);
        } else if para == html_escape(title(l.kind, l.lang)) {
            let _ = write!(out, "<h1>{para}</h1>");
        } else {
            let _ = write!(out, "<p>{}</p>", para.replace('\n', "<br>\n"));
        }
        out.push('\n');
    }
    format!(
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n<style>\n\
         body {{ font-family: sans-serif; max-width: 44em; margin: 2em auto; line-height: 1.5; }}\n\
         table {{ border-collapse: collapse; width: 100%; }} th, td {{ border: 1px solid #999; padding: .3em .6em; }}\n\
         td.n {{ text-align: right; font-variant-numeric: tabular-nums; }}\n\
         @media print {{ body {{ margin: 0; }} }}\n</style>\n</head>\n<body>\n{out}</body>\n</html>\n",
        if l.lang == Lang::Zh { "zh-CN" } else { "en" },
        html_escape(&subject(l))
    )
}

/// RFC 2047 encoded-word for a header value with non-ASCII text.
fn encode_header(s: &str) -> String {
    if s.is_ascii() && !s.contains(['\r', '\n']) {
        return s.to_string();
    }
    format!("=?UTF-8?B?{}?=", base64::engine::general_purpose::STANDARD.encode(s.as_bytes()))
}

/// A mailbox header: `"Name" <address>`, the name encoded when needed.
fn mailbox(name: &str, address: &str) -> String {
    let clean: String = address.chars().filter(|c| !c.is_whitespace() && *c != '<' && *c != '>').collect();
    if name.is_empty() { format!("<{clean}>") } else { format!("{} <{clean}>", encode_header(name)) }
}

/// The letter as an RFC 5322 message: UTF-8 text body in base64, encoded
/// headers, addressed to the customer's payer contact.
pub fn eml(l: &Letter, template: &str) -> String {
    let body = text(l, template).replace('\n', "\r\n");
    let encoded = base64::engine::general_purpose::STANDARD.encode(body.as_bytes());
    let mut wrapped = String::new();
    for chunk in encoded.as_bytes().chunks(76) {
        wrapped.push_str(std::str::from_utf8(chunk).unwrap_or(""));
        wrapped.push_str("\r\n");
    }
    let from = mailbox(&l.company, l.company_email.as_deref().unwrap_or("accounts@invalid"));
    let to = mailbox(
        l.contact.as_deref().unwrap_or(&l.customer),
        l.contact_email.as_deref().unwrap_or("undisclosed-recipients@invalid"),
    );
    let date = l.date.and_hms_opt(9, 0, 0).map(|d| d.and_utc().to_rfc2822()).unwrap_or_default();
    let id = format!("{}.{}.L{}@huikuan", l.date.format("%Y%m%d"), sanitize(&l.customer_code), l.level);
    format!(
        "From: {from}\r\nTo: {to}\r\nSubject: {}\r\nDate: {date}\r\nMessage-ID: <{id}>\r\nMIME-Version: 1.0\r\n\
         Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n{wrapped}",
        encode_header(&subject(l))
    )
}

/// The letter in a format, filled from a template: the text and the file
/// extension. Letters are txt (also for `table`), md, html or eml; txt and md
/// show terminal controls from the book escaped (`\u{1b}`), like tables.
pub fn render(l: &Letter, template: &str, format: Format) -> Result<(String, &'static str)> {
    Ok(match format {
        Format::Table | Format::Txt => (visible_lines(&text(l, template)).into_owned(), "txt"),
        Format::Md => (visible_lines(&markdown(l, template)).into_owned(), "md"),
        Format::Html => (html(l, template), "html"),
        Format::Eml => (eml(l, template), "eml"),
        Format::Csv | Format::Json => {
            return Err(Error::usage(
                "letters are written as --format txt, md, html or eml",
                "函件格式为 --format txt、md、html 或 eml",
            ));
        }
    })
}

/// `<date>-<code>-L<level>-<kind>.<ext>`, safe whatever the customer code holds.
pub fn file_name(l: &Letter, ext: &str) -> String {
    format!("{}-{}-L{}-{}.{ext}", l.date, sanitize(&l.customer_code), l.level, l.kind.slug())
}

/// A file-name-safe version of a customer code: letters, digits, `-` and `_`
/// only, so a letter can never be written outside its folder.
pub fn sanitize(s: &str) -> String {
    let out: String =
        s.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '_' }).collect();
    if out.is_empty() { "_".into() } else { out }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::Money;
    use crate::reports::letter::LetterLine;

    fn letter(lang: Lang) -> Letter {
        Letter {
            kind: Kind::Formal,
            level: 3,
            lang,
            date: NaiveDate::from_ymd_opt(2026, 11, 22).unwrap(),
            pay_by: NaiveDate::from_ymd_opt(2026, 11, 29).unwrap(),
            company: "示例 & Co".into(),
            company_email: Some("ar@example.com".into()),
            company_phone: None,
            bank: "Bank X 123".into(),
            currency: "CNY".into(),
            customer_code: "../HY".into(),
            customer: "<script>华远</script>".into(),
            contact: Some("王芳".into()),
            contact_email: Some("wang@example.com".into()),
            lines: vec![LetterLine {
                invoice: "INV-1".into(),
                due_date: NaiveDate::from_ymd_opt(2026, 10, 1).unwrap(),
                days_late: 52,
                balance: Money::from_cents(1_000_000),
                interest: Money::from_cents(26_000),
            }],
            rate_per_day: rust_decimal::Decimal::new(5, 4),
            rates: vec![(chrono::NaiveDate::MIN, rust_decimal::Decimal::new(5, 4))],
            grace_days: 0,
        }
    }

    #[test]
    fn html_escapes_customer_data() {
        let h = html(&letter(Lang::En), default_template(Lang::En));
        assert!(!h.contains("<script>"), "{h}");
        assert!(h.contains("&lt;script&gt;") && h.contains("示例 &amp; Co"));
        assert!(h.contains("<table>") && h.contains("260.00"));
    }

    #[test]
    fn file_names_cannot_escape_the_folder() {
        assert_eq!(sanitize("../HY"), "___HY");
        assert_eq!(sanitize("a/b\\c"), "a_b_c");
    }

    #[test]
    fn the_totals_add_up_in_both_languages() {
        for lang in [Lang::En, Lang::Zh] {
            let l = letter(lang);
            let t = text(&l, default_template(lang));
            assert!(t.contains("10,000.00") && t.contains("260.00") && t.contains("10,260.00"), "{t}");
            assert!(!t.contains("{{"), "every placeholder filled: {t}");
        }
    }
}
