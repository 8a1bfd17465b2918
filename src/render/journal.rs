//! `export journal` as text: hledger journal entries, Beancount
//! transactions with their `open` directives, or a voucher CSV (凭证) for
//! Chinese general-ledger packages. Entries are written one at a time, as
//! they come.
//!
//! Amounts are written with a decimal point, two decimals, no thousands
//! separator and the book's currency after them (`1234.56 CNY`), which both
//! hledger and Beancount read without ambiguity. Text from the book (invoice
//! numbers, references, reasons) is written so that it cannot end a line,
//! start a comment or close a string early.

use std::collections::{HashMap, HashSet};
use std::io::Write;

use chrono::{Datelike, NaiveDate};

use crate::error::Result;
use crate::ledger::Money;
use crate::output::Lang;
use crate::render::{neutralise_formula, pad_right};
use crate::reports::journal::{Chart, Entry, EntryKind, Style};

/// Writes the entries of one export.
pub struct Journal {
    style: Style,
    chart: Chart,
    lang: Lang,
    currency: String,
    /// Beancount: each account's first day of use in the book, by name.
    first_use: HashMap<String, NaiveDate>,
    /// Beancount: the accounts this export has opened.
    opened: HashSet<String>,
    /// CSV: the month being numbered and its last voucher number.
    voucher: Option<((i32, u32), u32)>,
}

impl Journal {
    pub fn new(
        style: Style,
        chart: Chart,
        lang: Lang,
        currency: &str,
        first_use: HashMap<String, NaiveDate>,
    ) -> Journal {
        Journal { style, chart, lang, currency: currency.to_string(), first_use, opened: HashSet::new(), voucher: None }
    }

    /// What comes before the entries: the CSV's header row, and with
    /// `opens_before` (Beancount) the `open` directives of the accounts
    /// first used before that day, so an export of a later period stands
    /// alone.
    pub fn start(&mut self, out: &mut dyn Write, opens_before: Option<NaiveDate>) -> Result<()> {
        match self.style {
            Style::Csv => {
                let h: &[&str] = match self.lang {
                    Lang::En => {
                        &["date", "voucher type", "voucher no", "summary", "account", "debit", "credit", "customer"]
                    }
                    Lang::Zh => &["凭证日期", "凭证字", "凭证号", "摘要", "科目", "借方", "贷方", "辅助核算"],
                };
                csv_row(out, h.iter().map(|s| s.to_string()))?;
            }
            Style::Beancount => {
                if let Some(from) = opens_before {
                    let mut early: Vec<(NaiveDate, String)> =
                        self.first_use.iter().filter(|(_, d)| **d < from).map(|(n, d)| (*d, n.clone())).collect();
                    early.sort();
                    for (date, name) in early {
                        writeln!(out, "{date} open {name} {}", self.currency)?;
                        self.opened.insert(name);
                    }
                    if !self.opened.is_empty() {
                        writeln!(out)?;
                    }
                }
            }
            Style::Hledger => {}
        }
        Ok(())
    }

    /// Write one entry.
    pub fn entry(&mut self, out: &mut dyn Write, e: &Entry) -> Result<()> {
        match self.style {
            Style::Hledger => self.hledger(out, e),
            Style::Beancount => self.beancount(out, e),
            Style::Csv => self.csv(out, e),
        }
    }

    fn word(&self, kind: EntryKind) -> &'static str {
        let (en, zh) = match kind {
            EntryKind::Invoice => ("invoice", "销售发票"),
            EntryKind::Interest => ("late interest invoice", "违约金发票"),
            EntryKind::Payment => ("payment received", "收款"),
            EntryKind::Applied => ("credit applied", "预收冲应收"),
            EntryKind::Discount => ("discount allowed", "现金折扣"),
            EntryKind::WriteOff => ("written off", "坏账核销"),
        };
        self.lang.pick(en, zh)
    }

    /// The entry's reference: the invoice number, or `#` and the payment's id.
    fn reference(e: &Entry) -> String {
        match e.kind {
            EntryKind::Payment | EntryKind::Applied => format!("#{}", e.number),
            _ => e.number.clone(),
        }
    }

    /// The kind's word and the note: `payment received BANK-REF`.
    fn what(&self, e: &Entry) -> String {
        match &e.note {
            Some(n) if !n.trim().is_empty() => format!("{} {}", self.word(e.kind), n.trim()),
            _ => self.word(e.kind).to_string(),
        }
    }

    fn amount(&self, m: Money) -> String {
        format!("{} {}", m.plain(), self.currency)
    }

    fn postings(&self, out: &mut dyn Write, e: &Entry, indent: &str, clean: fn(&str) -> String) -> Result<()> {
        let names: Vec<String> = e.postings.iter().map(|p| self.chart.name(&p.ledger)).collect();
        let width = names.iter().map(|n| crate::render::display_width(n)).max().unwrap_or(0);
        for (p, name) in e.postings.iter().zip(&names) {
            let amount = self.amount(p.amount);
            match &p.invoice {
                Some(inv) => writeln!(out, "{indent}{}  {amount:>18}  ; {}", pad_right(name, width), clean(inv))?,
                None => writeln!(out, "{indent}{}  {amount:>18}", pad_right(name, width))?,
            }
        }
        writeln!(out)?;
        Ok(())
    }

    /// `2026-10-05 * INV-1001 HY | invoice`: the payee is the reference and
    /// the customer, the note what happened.
    fn hledger(&self, out: &mut dyn Write, e: &Entry) -> Result<()> {
        let payee = hledger_text(&format!("{} {}", Self::reference(e), e.customer));
        let what = hledger_text(&self.what(e));
        // A description that starts with `(` would be read as a code.
        let description = if payee.starts_with('(') { format!("{what} {payee}") } else { format!("{payee} | {what}") };
        writeln!(out, "{} * {description}", e.date)?;
        self.postings(out, e, "    ", hledger_text)
    }

    /// `2026-10-05 * "HY" "INV-1001 invoice"`, after the `open` of each
    /// account first used that day.
    fn beancount(&mut self, out: &mut dyn Write, e: &Entry) -> Result<()> {
        for l in e.ledgers() {
            let name = self.chart.name(l);
            if self.opened.contains(&name) {
                continue;
            }
            // Opened here on its first day; one used before --from was
            // opened by an earlier export (or at the top, with --opens). An
            // account the book does not date (never so) is opened now.
            match self.first_use.get(&name) {
                Some(d) if *d < e.date => continue,
                _ => {
                    writeln!(out, "{} open {name} {}", e.date, self.currency)?;
                    self.opened.insert(name);
                }
            }
        }
        let narration = format!("{} {}", Self::reference(e), self.what(e));
        writeln!(out, "{} * \"{}\" \"{}\"", e.date, bean_text(&e.customer), bean_text(&narration))?;
        self.postings(out, e, "  ", |s| s.replace(|c: char| c.is_control(), " "))
    }

    /// One row per posting, numbered vouchers from 1 in each month.
    fn csv(&mut self, out: &mut dyn Write, e: &Entry) -> Result<()> {
        let month = (e.date.year(), e.date.month());
        let no = match self.voucher {
            Some((m, n)) if m == month => n + 1,
            _ => 1,
        };
        self.voucher = Some((month, no));
        let kind = self.lang.pick("GJ", "记");
        let summary = match &e.note {
            Some(n) if !n.trim().is_empty() => {
                format!("{} {} {} {}", self.word(e.kind), Self::reference(e), e.customer, n.trim())
            }
            _ => format!("{} {} {}", self.word(e.kind), Self::reference(e), e.customer),
        };
        for p in &e.postings {
            let (debit, credit) = if p.amount.is_negative() {
                (String::new(), (-p.amount).plain())
            } else {
                (p.amount.plain(), String::new())
            };
            let summary = match &p.invoice {
                Some(inv) => format!("{summary} {inv}"),
                None => summary.clone(),
            };
            csv_row(
                out,
                [
                    e.date.to_string(),
                    kind.to_string(),
                    no.to_string(),
                    neutralise_formula(&summary),
                    neutralise_formula(&self.chart.name(&p.ledger)),
                    debit,
                    credit,
                    neutralise_formula(Chart::customer_of(&p.ledger).unwrap_or("")),
                ],
            )?;
        }
        Ok(())
    }
}

fn csv_row(out: &mut dyn Write, cells: impl IntoIterator<Item = String>) -> Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(cells)?;
    w.flush()?;
    Ok(())
}

/// Text in an hledger description or comment: no line breaks, no `;`
/// (a comment) and no `|` (which splits payee from note).
fn hledger_text(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            ';' => ',',
            '|' => '/',
            c if c.is_control() => ' ',
            c => c,
        })
        .collect()
}

/// Text in a Beancount string: quotes and backslashes escaped, no line breaks.
fn bean_text(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::Money;
    use crate::reports::journal::{Ledger, Posting};
    use crate::store::settings::Accounts;

    fn chart(style: Style) -> Chart {
        let a = Accounts {
            receivable: "assets:receivable:{code}".into(),
            advances: "liabilities:customer-advances:{code}".into(),
            bank: "assets:bank".into(),
            sales: "income:sales".into(),
            interest: "income:late-interest".into(),
            discounts: "expenses:sales-discounts".into(),
            bad_debts: "expenses:bad-debts".into(),
        };
        Chart::new(style, &a, &["HY".to_string()]).unwrap()
    }

    fn payment() -> Entry {
        let c = |cents| Money::from_cents(cents);
        Entry {
            date: NaiveDate::from_ymd_opt(2026, 10, 5).unwrap(),
            kind: EntryKind::Payment,
            number: "12".into(),
            customer: "HY".into(),
            note: Some("ref; \"x\"".into()),
            postings: vec![
                Posting { ledger: Ledger::Bank, amount: c(150_000), invoice: None },
                Posting { ledger: Ledger::Receivable("HY".into()), amount: c(-100_000), invoice: Some("INV-1".into()) },
                Posting { ledger: Ledger::Advances("HY".into()), amount: c(-50_000), invoice: None },
            ],
        }
    }

    fn write(style: Style, lang: Lang, first_use: HashMap<String, NaiveDate>) -> String {
        let mut j = Journal::new(style, chart(style), lang, "CNY", first_use);
        let mut out = Vec::new();
        j.start(&mut out, None).unwrap();
        j.entry(&mut out, &payment()).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn a_payment_as_an_hledger_entry() {
        assert_eq!(
            write(Style::Hledger, Lang::En, HashMap::new()),
            "2026-10-05 * #12 HY | payment received ref, \"x\"\n\
             \x20   assets:bank                              1500.00 CNY\n\
             \x20   assets:receivable:HY                    -1000.00 CNY  ; INV-1\n\
             \x20   liabilities:customer-advances:HY         -500.00 CNY\n\n"
        );
    }

    #[test]
    fn a_payment_as_a_beancount_transaction_opens_its_new_accounts() {
        let day = NaiveDate::from_ymd_opt(2026, 10, 5).unwrap();
        let earlier = NaiveDate::from_ymd_opt(2026, 1, 2).unwrap();
        let first_use =
            HashMap::from([("Assets:Bank".to_string(), earlier), ("Assets:Receivable:HY".to_string(), day)]);
        assert_eq!(
            write(Style::Beancount, Lang::En, first_use),
            "2026-10-05 open Assets:Receivable:HY CNY\n\
             2026-10-05 open Liabilities:Customer-advances:HY CNY\n\
             2026-10-05 * \"HY\" \"#12 payment received ref; \\\"x\\\"\"\n\
             \x20 Assets:Bank                              1500.00 CNY\n\
             \x20 Assets:Receivable:HY                    -1000.00 CNY  ; INV-1\n\
             \x20 Liabilities:Customer-advances:HY         -500.00 CNY\n\n"
        );
    }

    #[test]
    fn a_payment_as_voucher_rows_in_chinese() {
        assert_eq!(
            write(Style::Csv, Lang::Zh, HashMap::new()),
            "凭证日期,凭证字,凭证号,摘要,科目,借方,贷方,辅助核算\n\
             2026-10-05,记,1,\"收款 #12 HY ref; \"\"x\"\"\",assets:bank,1500.00,,\n\
             2026-10-05,记,1,\"收款 #12 HY ref; \"\"x\"\" INV-1\",assets:receivable,,1000.00,HY\n\
             2026-10-05,记,1,\"收款 #12 HY ref; \"\"x\"\"\",liabilities:customer-advances,,500.00,HY\n"
        );
    }
}
