//! Customer statements (对账单) with a balance-confirmation slip (询证函),
//! as plain text, Markdown, HTML or JSON, in English or Chinese.
//!
//! The slip is a letter from our company to the customer: it names each
//! once, in its role (addressed to the customer, sent by us), and says who
//! owes whom in words, with an amount that is never negative: "you owed us"
//! / "贵司尚欠我司" when the customer owes, "we owed you" / "我司尚欠贵司" when
//! it is in credit, and that nobody owes anything when the balance is zero.
//!
//! Text from the book (names, codes, references) is data: HTML-escaped in
//! HTML and Markdown, its terminal controls shown as `\u{1b}` in every
//! format but JSON (where the JSON escape already makes them harmless).

use std::fmt::Write as _;

use serde::Serialize;

use super::aging::bucket_headers;
use super::letters::html_escape as esc;
use crate::error::Result;
use crate::ledger::Money;
use crate::output::{Format, Lang, visible_lines};
use crate::render::display_width;
use crate::reports::statement::{OwedBy, Statement};
use crate::store::statement::EntryKind;

/// A statement in the reader's language.
struct Page<'a> {
    s: &'a Statement,
    lang: Lang,
}

/// A table as rows of text, with the columns holding amounts.
struct Grid {
    headers: Vec<String>,
    rows: Vec<Vec<String>>,
    /// Columns from this one on are right-aligned.
    numbers_from: usize,
}

impl Page<'_> {
    fn t(&self, en: &'static str, zh: &'static str) -> String {
        self.lang.pick(en, zh).to_string()
    }

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

    /// The period's entries: date, what, reference, charges, credits, balance.
    fn entries(&self) -> Grid {
        let s = self.s;
        let balance_line = |date: chrono::NaiveDate, what: String, m: Money| {
            vec![date.to_string(), what, String::new(), String::new(), String::new(), m.grouped()]
        };
        let mut rows = vec![balance_line(s.from, self.t("Opening balance", "期初余额"), s.opening)];
        for e in &s.entries {
            let (dr, cr) = if e.amount.is_negative() {
                (String::new(), (-e.amount).grouped())
            } else {
                (e.amount.grouped(), String::new())
            };
            rows.push(vec![
                e.date.to_string(),
                self.kind(e.kind).to_string(),
                e.reference.clone(),
                dr,
                cr,
                e.balance.grouped(),
            ]);
        }
        rows.push(balance_line(s.to, self.t("Closing balance", "期末余额"), s.closing));
        let headers = match self.lang {
            Lang::En => ["Date", "Transaction", "Reference", "Charges", "Credits", "Balance"],
            Lang::Zh => ["日期", "摘要", "单号", "借方（应收增加）", "贷方（应收减少）", "余额"],
        };
        Grid { headers: headers.map(String::from).to_vec(), rows, numbers_from: 3 }
    }

    /// The installments open at the end of the period, then the unapplied
    /// credit and the closing balance they add up to.
    fn open_items(&self) -> Grid {
        let s = self.s;
        let mut rows: Vec<Vec<String>> = s
            .open_items
            .iter()
            .map(|i| vec![i.invoice.clone(), i.due.to_string(), i.days_past_due.to_string(), i.balance.grouped()])
            .collect();
        if !s.unapplied.is_zero() {
            let what = self.t("Received, not yet applied to an invoice", "已收款未核销");
            rows.push(vec![what, String::new(), String::new(), (-s.unapplied).grouped()]);
        }
        rows.push(vec![self.t("Closing balance", "期末余额"), String::new(), String::new(), s.closing.grouped()]);
        let headers = match self.lang {
            Lang::En => ["Invoice", "Due", "Days past due", "Balance"],
            Lang::Zh => ["发票", "到期日", "逾期天数", "余额"],
        };
        Grid { headers: headers.map(String::from).to_vec(), rows, numbers_from: 2 }
    }

    fn open_items_title(&self) -> String {
        match self.lang {
            Lang::En => format!("Open items as of {}", self.s.to),
            Lang::Zh => format!("截至 {} 的未结清款项", self.s.to),
        }
    }

    fn title(&self) -> String {
        match self.lang {
            Lang::En => format!("Statement of account {} to {}", self.s.from, self.s.to),
            Lang::Zh => format!("对账单 {} 至 {}", self.s.from, self.s.to),
        }
    }

    /// The confirmation slip: its title, then its lines. Our company and
    /// the customer are each named once, in their role.
    fn slip(&self) -> (String, Vec<String>) {
        let s = self.s;
        let c = s.confirmation();
        let (amount, cur, to) = (c.amount.grouped(), &s.currency, s.to);
        match self.lang {
            Lang::En => (
                "Balance confirmation".into(),
                vec![
                    format!("To: {}", s.customer),
                    format!("From: {}", s.company),
                    "This letter only asks you to confirm our records; it is not a demand for payment.".into(),
                    match c.owed_by {
                        Some(OwedBy::Customer) => {
                            format!("As of {to}, our records show that you owed us {amount} {cur}.")
                        }
                        Some(OwedBy::Company) => format!(
                            "As of {to}, our records show that we owed you {amount} {cur} (received from you beyond what was invoiced)."
                        ),
                        None => format!(
                            "As of {to}, our records show a balance of {amount} {cur}: neither of us owed the other anything."
                        ),
                    },
                    "Please tick one box, sign, seal and return this slip to us.".into(),
                    "[ ] Agreed: the balance above is correct.".into(),
                    "[ ] Not agreed: please state the balance in your books and the items that differ: ____________"
                        .into(),
                    "Signature and company seal: ______________   Date: __________".into(),
                ],
            ),
            Lang::Zh => (
                "询证函".into(),
                vec![
                    format!("致：{}", s.customer),
                    format!("发函单位：{}", s.company),
                    "本函仅为核对账目之用，并非催款结算。".into(),
                    match c.owed_by {
                        Some(OwedBy::Customer) => {
                            format!("经核对我司账面记录：截至 {to}，贵司尚欠我司 {amount} {cur}。")
                        }
                        Some(OwedBy::Company) => format!(
                            "经核对我司账面记录：截至 {to}，我司尚欠贵司 {amount} {cur}（贵司付款超出开票金额）。"
                        ),
                        None => format!("经核对我司账面记录：截至 {to}，双方往来余额为 {amount} {cur}，互不相欠。"),
                    },
                    "请在下列方框中勾选一项，签字盖章后寄回我司。".into(),
                    "[ ] 信息证明无误：上述余额正确。".into(),
                    "[ ] 信息不符，请列明贵司账面余额及不符明细：____________".into(),
                    "（盖章）  经办人签字：______________  日期：__________".into(),
                ],
            ),
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

/// A grid as text, columns aligned by display width.
fn aligned(g: &Grid) -> String {
    let n = g.headers.len();
    let w: Vec<usize> = (0..n)
        .map(|i| g.rows.iter().map(|r| display_width(&r[i])).chain([display_width(&g.headers[i])]).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for cells in std::iter::once(&g.headers).chain(&g.rows) {
        let mut l = String::new();
        for (i, c) in cells.iter().enumerate() {
            let pad = " ".repeat(w[i] - display_width(c));
            if i >= g.numbers_from {
                let _ = write!(l, "{pad}{c}  ");
            } else {
                let _ = write!(l, "{c}{pad}  ");
            }
        }
        out.push_str(l.trim_end());
        out.push('\n');
    }
    out
}

/// The statement as plain text.
pub fn text(lang: Lang, statement: &Statement) -> String {
    let (s, page) = (statement, Page { s: statement, lang });
    let mut out = format!("{}\n{}\n\n{} ({})\n\n", s.company, page.title(), s.customer, s.customer_code);
    out.push_str(&aligned(&page.entries()));
    let _ = write!(out, "\n{}\n", page.aging_line());
    if let Some(i) = page.interest_line() {
        let _ = writeln!(out, "{i}");
    }
    let _ = write!(out, "\n{}\n", page.open_items_title());
    out.push_str(&aligned(&page.open_items()));
    let _ = write!(out, "\n{}\n", "-".repeat(60));
    let (title, lines) = page.slip();
    let _ = writeln!(out, "{title}");
    for l in lines {
        let _ = writeln!(out, "{l}");
    }
    out
}

/// Text from the book as Markdown shows it: HTML-escaped (a Markdown viewer
/// renders raw HTML), and `|` escaped so a cell stays one cell.
fn md(s: &str) -> String {
    esc(s).replace('|', "\\|")
}

fn md_table(out: &mut String, g: &Grid) {
    let _ = writeln!(out, "| {} |", g.headers.join(" | "));
    let align: Vec<&str> = (0..g.headers.len()).map(|i| if i >= g.numbers_from { "---:" } else { "---" }).collect();
    let _ = writeln!(out, "|{}|", align.join("|"));
    for r in &g.rows {
        let _ = writeln!(out, "| {} |", r.iter().map(|c| md(c)).collect::<Vec<_>>().join(" | "));
    }
}

/// The statement as Markdown.
pub fn markdown(lang: Lang, statement: &Statement) -> String {
    let (s, page) = (statement, Page { s: statement, lang });
    let mut out =
        format!("# {}\n\n**{}** ({}) — {}\n\n", page.title(), md(&s.customer), md(&s.customer_code), md(&s.company));
    md_table(&mut out, &page.entries());
    let _ = write!(out, "\n{}\n", page.aging_line());
    if let Some(i) = page.interest_line() {
        let _ = write!(out, "\n{i}\n");
    }
    let _ = write!(out, "\n## {}\n\n", page.open_items_title());
    md_table(&mut out, &page.open_items());
    let (title, lines) = page.slip();
    let _ = write!(out, "\n---\n\n## {title}\n\n");
    for l in &lines {
        let _ = writeln!(out, "{}\n", md(l));
    }
    out
}

fn html_table(b: &mut String, g: &Grid) {
    b.push_str("<table>\n<thead><tr>");
    for h in &g.headers {
        let _ = write!(b, "<th>{}</th>", esc(h));
    }
    b.push_str("</tr></thead>\n<tbody>\n");
    for r in &g.rows {
        b.push_str("<tr>");
        for (i, c) in r.iter().enumerate() {
            let class = if i >= g.numbers_from { " class=\"n\"" } else { "" };
            let _ = write!(b, "<td{class}>{}</td>", esc(c));
        }
        b.push_str("</tr>\n");
    }
    b.push_str("</tbody>\n</table>\n");
}

/// The statement as a self-contained HTML page.
pub fn html(lang: Lang, statement: &Statement) -> String {
    let (s, page) = (statement, Page { s: statement, lang });
    let mut b = format!(
        "<h1>{}</h1>\n<p><strong>{}</strong> ({}) — {}</p>\n",
        esc(&page.title()),
        esc(&s.customer),
        esc(&s.customer_code),
        esc(&s.company)
    );
    html_table(&mut b, &page.entries());
    let _ = writeln!(b, "<p>{}</p>", esc(&page.aging_line()));
    if let Some(i) = page.interest_line() {
        let _ = writeln!(b, "<p>{}</p>", esc(&i));
    }
    let _ = writeln!(b, "<h2>{}</h2>", esc(&page.open_items_title()));
    html_table(&mut b, &page.open_items());
    let (title, lines) = page.slip();
    let _ = writeln!(b, "<hr>\n<h2>{}</h2>", esc(&title));
    for l in &lines {
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

fn kind_name(k: EntryKind) -> &'static str {
    match k {
        EntryKind::Invoice => "invoice",
        EntryKind::Interest => "interest",
        EntryKind::Payment => "payment",
        EntryKind::Discount => "discount",
        EntryKind::WriteOff => "write_off",
    }
}

#[derive(Serialize)]
struct EntryJson<'a> {
    date: chrono::NaiveDate,
    /// invoice, interest, payment, discount or write_off.
    kind: &'static str,
    reference: &'a str,
    /// Positive for what the customer owes more, negative for what reduces it.
    amount: Money,
    balance: Money,
}

#[derive(Serialize)]
struct OpenItemJson<'a> {
    invoice: &'a str,
    due: chrono::NaiveDate,
    days_past_due: i64,
    balance: Money,
}

#[derive(Serialize)]
struct ConfirmationJson {
    /// Never negative: who owes it is `owed_by`.
    balance: Money,
    /// "customer", "company", or null when the balance is zero.
    owed_by: Option<&'static str>,
    /// The month it confirms, when the statement ends on a month's last day.
    period: Option<String>,
}

#[derive(Serialize)]
struct StatementJson<'a> {
    customer: &'a str,
    name: &'a str,
    company: &'a str,
    currency: &'a str,
    lang: &'static str,
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
    opening_balance: Money,
    entries: Vec<EntryJson<'a>>,
    closing_balance: Money,
    open_items: Vec<OpenItemJson<'a>>,
    /// Received and not applied: Σ open_items − unapplied = closing_balance.
    unapplied: Money,
    interest_owed: Money,
    confirmation: ConfirmationJson,
}

/// The statement as JSON (DESIGN §5), text kept exact.
pub fn json(lang: Lang, s: &Statement) -> Result<String> {
    let c = s.confirmation();
    let value = StatementJson {
        customer: &s.customer_code,
        name: &s.customer,
        company: &s.company,
        currency: &s.currency,
        lang: lang.pick("en", "zh"),
        from: s.from,
        to: s.to,
        opening_balance: s.opening,
        entries: s
            .entries
            .iter()
            .map(|e| EntryJson {
                date: e.date,
                kind: kind_name(e.kind),
                reference: &e.reference,
                amount: e.amount,
                balance: e.balance,
            })
            .collect(),
        closing_balance: s.closing,
        open_items: s
            .open_items
            .iter()
            .map(|i| OpenItemJson {
                invoice: &i.invoice,
                due: i.due,
                days_past_due: i.days_past_due,
                balance: i.balance,
            })
            .collect(),
        unapplied: s.unapplied,
        interest_owed: s.interest_owed,
        confirmation: ConfirmationJson {
            balance: c.amount,
            owed_by: c.owed_by.map(|o| match o {
                OwedBy::Customer => "customer",
                OwedBy::Company => "company",
            }),
            period: s.period(),
        },
    };
    Ok(serde_json::to_string_pretty(&value)? + "\n")
}

/// The file extension of a statement format.
pub fn extension(f: Format) -> Result<&'static str> {
    Ok(match f {
        Format::Table | Format::Txt => "txt",
        Format::Md => "md",
        Format::Html => "html",
        Format::Json => "json",
        other => return Err(super::not_offered(other)),
    })
}

/// The statement in a statement format, with the file extension it takes.
/// Terminal controls from the book are shown escaped in txt, md and html.
pub fn render(lang: Lang, s: &Statement, f: Format) -> Result<(String, &'static str)> {
    let ext = extension(f)?;
    let content = match ext {
        "txt" => visible_lines(&text(lang, s)).into_owned(),
        "md" => visible_lines(&markdown(lang, s)).into_owned(),
        "html" => visible_lines(&html(lang, s)).into_owned(),
        _ => json(lang, s)?,
    };
    Ok((content, ext))
}

/// `statement-<stem>-<from>-<to>.<ext>`, the stem standing for the customer
/// (see `commands::files::customer_stems`).
pub fn file_name(stem: &str, s: &Statement, ext: &str) -> String {
    format!("statement-{stem}-{}-{}.{ext}", s.from, s.to)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reports::statement::statement;
    use crate::store::example::{self, d};

    fn slip_of(lang: Lang, st: &Statement) -> String {
        let t = text(lang, st);
        t[t.rfind(&"-".repeat(60)).unwrap()..].to_string()
    }

    #[test]
    fn the_slip_names_each_party_once_and_says_who_owes_whom_without_a_minus() {
        let ex = example::book();
        let owes = statement(&ex.book.conn, ex.a, d("2026-02-01"), d("2026-04-15")).unwrap();
        let credit = statement(&ex.book.conn, ex.b, d("2026-03-01"), d("2026-03-31")).unwrap();
        for (st, en, zh) in [
            (
                &owes,
                "As of 2026-04-15, our records show that you owed us 1,000.00 CNY.",
                "截至 2026-04-15，贵司尚欠我司 1,000.00 CNY",
            ),
            (
                &credit,
                "As of 2026-03-31, our records show that we owed you 200.00 CNY",
                "截至 2026-03-31，我司尚欠贵司 200.00 CNY",
            ),
        ] {
            for (lang, sentence) in [(Lang::En, en), (Lang::Zh, zh)] {
                let slip = slip_of(lang, st);
                assert!(slip.contains(sentence), "{slip}");
                assert_eq!(slip.matches(&st.customer).count(), 1, "{slip}");
                assert_eq!(slip.matches("Test Co.").count(), 1, "{slip}");
                assert!(!slip.contains(" -"), "never a negative amount in words: {slip}");
            }
        }
        assert!(
            slip_of(Lang::En, &credit)
                .starts_with(&format!("{}\nBalance confirmation\nTo: Customer B\nFrom: Test Co.\n", "-".repeat(60)))
        );
        let mut zero = credit.clone();
        zero.closing = Money::ZERO;
        assert!(slip_of(Lang::Zh, &zero).contains("双方往来余额为 0.00 CNY，互不相欠"));
        assert!(slip_of(Lang::En, &zero).contains("neither of us owed the other anything"));
    }

    #[test]
    fn the_json_carries_the_design_keys_and_the_signed_balance_in_owed_by() {
        let ex = example::book();
        let credit = statement(&ex.book.conn, ex.b, d("2026-03-01"), d("2026-03-31")).unwrap();
        let v: serde_json::Value = serde_json::from_str(&json(Lang::En, &credit).unwrap()).unwrap();
        for key in
            ["customer", "from", "to", "opening_balance", "entries", "closing_balance", "open_items", "confirmation"]
        {
            assert!(v.get(key).is_some(), "{key} in {v}");
        }
        assert_eq!(v["closing_balance"], "-200.00");
        assert_eq!(
            v["confirmation"],
            serde_json::json!({"balance": "200.00", "owed_by": "company", "period": "2026-03"})
        );
        assert_eq!(v["entries"][0]["kind"], "payment");
        assert_eq!(v["entries"][0]["amount"], "-500.00");
    }
}
