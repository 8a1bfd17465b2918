//! VAT facts as typed or read from a file, and the VAT e-invoice list the tax
//! platform exports (数电发票/全电发票).
//!
//! [`read`] turns the texts of an invoice's facts (`invoice add --net …`, or
//! the cells of an import row) into checked [`Facts`] by the rules of
//! [`crate::ledger::vat`], with messages naming the option or column.
//!
//! [`gather`] reads a VAT e-invoice list into invoices, in this order:
//! 1. a row whose 发票状态 says it was voided (作废) is skipped and listed: it
//!    was never owed;
//! 2. a red-letter row (红冲: negative 价税合计, 是否正数发票 = 否) and a row
//!    whose status says it was reversed (已红冲, 部分红冲) are refused at their
//!    line: a reversal changes what is owed on an invoice that may or may not
//!    be in the book, so a person decides (remove the rows; void or correct
//!    the invoice in the book). Any other status than 正常 is refused too;
//! 3. the number is 数电票号码 when given, else 发票号码; it is also the VAT
//!    invoice number kept with the invoice;
//! 4. the buyer (购买方名称) is a customer whose legal name or alias equals
//!    it after the bank matcher's normalisation; an unknown buyer is refused
//!    naming it, one that names several customers too;
//! 5. the amount owed is 价税合计, never 金额 (net); 金额 + 税额 must make it;
//!    the issue date is 开票日期 (a time after it is dropped); the invoice is
//!    due by the customer's terms;
//! 6. rows of one number (an item export: one row per item line) are summed
//!    into one invoice; they must agree on buyer, date and 发票代码, else the
//!    later row is refused naming the first. Their rates, when they differ,
//!    are kept together (`13%,6%`).

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::error::{BadRows, Error, FirstOf, Result, echo};
use crate::import::csvfile::CsvFile;
use crate::ledger::Money;
use crate::ledger::matching::normalise_name;
use crate::ledger::money::MAX_AMOUNT_CENTS;
use crate::ledger::schedule::DuePlan;
use crate::ledger::vat::{TaxRate, VatError, check_split, tax_off};
use crate::parse::{amount_at_least_zero, date, positive_amount, within_horizon};
use crate::store::invoices::Facts;
use crate::store::vat_rows::{Head, ListRow, VatRows};
use crate::store::{Connection, customers};

/// What the facts are called where they were given: options or columns.
pub struct Names {
    pub net: &'static str,
    pub tax: &'static str,
    pub tax_rate: &'static str,
}

/// The options of `invoice add`.
pub const OPTIONS: Names = Names { net: "--net", tax: "--tax", tax_rate: "--tax-rate" };
/// The columns of the plain invoice import format.
pub const PLAIN_COLUMNS: Names = Names { net: "net", tax: "tax", tax_rate: "tax_rate" };
/// The columns of the VAT e-invoice list.
pub const LIST_COLUMNS: Names = Names { net: "金额", tax: "税额", tax_rate: "税率" };

/// The texts of an invoice's facts as given (`None`: not given).
#[derive(Default)]
pub struct Given<'a> {
    pub net: Option<&'a str>,
    pub tax: Option<&'a str>,
    pub tax_rate: Option<&'a str>,
    pub vat_number: Option<&'a str>,
    pub contract: Option<&'a str>,
    pub salesperson: Option<&'a str>,
}

/// A warning in English and Chinese (without the leading `warning: `).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Warning {
    pub en: String,
    pub zh: String,
}

impl Warning {
    /// The same warning prefixed with where it was found: `file:line: `.
    pub fn at(self, file: &str, line: u64) -> Warning {
        Warning { en: format!("{file}:{line}: {}", self.en), zh: format!("{file}:{line}: {}", self.zh) }
    }
}

fn vat_error(e: &VatError) -> Error {
    Error::user(e.to_string(), e.zh())
}

/// A text fact: trimmed, `None` when empty.
fn text(t: Option<&str>) -> Option<String> {
    t.map(str::trim).filter(|s| !s.is_empty()).map(str::to_string)
}

/// Read and check the facts of an invoice of `amount` (tax included): the
/// rate parsed to its canonical text, net + tax = amount. Returns the facts
/// and a warning when the tax is further from net × rate than the tolerance.
/// A tax written as asterisks (`***`, how the platform shows the tax of an
/// exempt line) is 0 when the rate is exempt or not taxable.
pub fn read(amount: Money, given: &Given, names: &Names) -> Result<(Facts, Option<Warning>)> {
    let rate = match given.tax_rate.map(str::trim).filter(|s| !s.is_empty()) {
        Some(t) => Some(TaxRate::parse(t).map_err(|e| match e {
            VatError::BadRate(_) => {
                let (en, zh) = echo(t);
                Error::user(
                    format!("{}: {}", names.tax_rate, VatError::BadRate(en)),
                    format!("{}：{}", names.tax_rate, VatError::BadRate(zh).zh()),
                )
            }
            other => Error::user(format!("{}: {other}", names.tax_rate), format!("{}：{}", names.tax_rate, other.zh())),
        })?),
        None => None,
    };
    let net = given.net.map(|t| amount_at_least_zero(names.net, t)).transpose()?;
    let untaxed = matches!(rate, Some(TaxRate::Exempt | TaxRate::NotTaxable));
    let tax = match given.tax.map(str::trim) {
        Some(t) if untaxed && !t.is_empty() && t.chars().all(|c| c == '*') => Some(Money::ZERO),
        Some(t) => Some(amount_at_least_zero(names.tax, t)?),
        None => None,
    };
    check_split(amount, net, tax).map_err(|e| vat_error(&e))?;
    let warning = match (net, tax, rate) {
        (Some(net), Some(tax), Some(rate)) => tax_off(net, tax, rate).map(|expected| {
            let (r, off) = (rate.canonical(), if tax > expected { tax - expected } else { expected - tax });
            Warning {
                en: format!("tax {tax} is {off} off net {net} × {r} = {expected} (more than the 1.00 rounding allows)"),
                zh: format!("税额 {tax} 与不含税金额 {net} × {r} = {expected} 相差 {off}（超出 1.00 的尾差）"),
            }
        }),
        _ => None,
    };
    let facts = Facts {
        net,
        tax,
        tax_rate: rate.map(TaxRate::canonical),
        vat_number: text(given.vat_number),
        contract: text(given.contract),
        salesperson: text(given.salesperson),
    };
    facts.validate()?;
    Ok((facts, warning))
}

/// One invoice read from an import file and checked, ready to book: one row
/// of the plain format, or the rows of one number of a VAT list.
#[derive(Clone, Debug)]
pub struct Record {
    /// The row it was read from (the first, for several rows).
    pub line: u64,
    pub number: String,
    pub customer_id: i64,
    pub issue: NaiveDate,
    pub plan: DuePlan,
    pub amount: Money,
    pub description: Option<String>,
    pub facts: Facts,
}

impl Record {
    /// What identifies this invoice of a VAT list across imports: its own
    /// figures, canonically written (the rows of one number are summed first,
    /// so a re-export with its items in another order is the same invoice).
    pub fn fingerprint_text(&self) -> String {
        let o = |s: &Option<String>| s.clone().unwrap_or_default();
        let m = |m: Option<Money>| m.map(Money::plain).unwrap_or_default();
        [
            "vat-list".to_string(),
            self.number.clone(),
            self.customer_id.to_string(),
            self.issue.to_string(),
            self.amount.plain(),
            m(self.facts.net),
            m(self.facts.tax),
            o(&self.facts.tax_rate),
            o(&self.facts.vat_number),
        ]
        .join("\u{1f}")
    }
}

/// A row of a VAT list left out: it was voided.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skipped {
    pub line: u64,
    pub number: String,
    pub amount: String,
}

/// What [`gather`] read from a VAT list.
pub struct Gathered {
    /// The voided rows left out.
    pub skipped: FirstOf<Skipped>,
    /// Taxes further from net × rate than rounding allows.
    pub warnings: FirstOf<Warning>,
    /// Rows booked (an invoice may span several).
    pub rows: usize,
}

/// What a row's 发票状态 and 是否正数发票 say about it.
enum Standing {
    Normal,
    Voided,
    Reversed(String),
    Red,
    Unknown(String),
}

fn standing(status: Option<&str>, positive: Option<&str>, amount: &str) -> Standing {
    let status = status.unwrap_or("");
    if status.contains("作废") {
        return Standing::Voided;
    }
    if amount.trim_start().starts_with('-') || positive.is_some_and(|p| matches!(p, "否" | "N" | "n" | "no" | "No")) {
        return Standing::Red;
    }
    if status.contains("红冲") || status.contains("冲红") {
        return Standing::Reversed(status.to_string());
    }
    if status.is_empty() || status.starts_with("正常") {
        Standing::Normal
    } else {
        Standing::Unknown(status.to_string())
    }
}

/// The customer a buyer name is: exactly one customer bears it.
fn buyer_customer(
    names: &HashMap<String, Vec<(i64, String)>>,
    terms: &HashMap<i64, u32>,
    buyer: &str,
) -> Result<(i64, u32)> {
    let (en, zh) = echo(buyer);
    match names.get(&normalise_name(buyer)).map(Vec::as_slice) {
        Some([(id, _)]) => Ok((*id, terms.get(id).copied().unwrap_or(customers::DEFAULT_TERMS_DAYS))),
        Some(many) if many.len() > 1 => {
            let codes: Vec<&str> = many.iter().map(|(_, c)| c.as_str()).collect();
            Err(Error::user(
                format!(
                    "buyer '{en}' is the name or alias of several customers ({}); keep it on one",
                    codes.join(", ")
                ),
                format!("购买方“{zh}”是多个客户的名称或别名（{}）；请只留给一个客户", codes.join("、")),
            ))
        }
        _ => Err(Error::user(
            format!(
                "unknown buyer '{en}': no customer has this name or alias (add the customer, or the name as an \
                 alias: huikuan customer alias add CODE \"{en}\")"
            ),
            format!(
                "未知购买方“{zh}”：没有客户使用此名称或别名（请添加客户，或将其添加为别名：huikuan customer alias add 代码 \"{zh}\"）"
            ),
        )),
    }
}

/// Read a VAT e-invoice list into invoices (see the module doc) and give
/// each to `book`, in the order the list first names them. The list is read
/// twice: once to check every row and put it aside ([`VatRows`]: the rows of
/// one number need not be together), then its invoices are summed from the
/// rows put aside, one at a time. A bad row stops the import after the
/// first reading, every bad row named as file:line; an invoice `book`
/// refuses is named at its first row, and the import stops after the last.
pub fn gather(
    tx: &Connection,
    csv: &CsvFile,
    today: NaiveDate,
    horizon: u32,
    mut book: impl FnMut(&Record) -> Result<()>,
) -> Result<Gathered> {
    if !csv.has("digital_number") && !csv.has("vat_number") {
        return Err(Error::user(
            "missing column '发票号码' (or '数电票号码') in the header row",
            "表头缺少“发票号码”（或“数电票号码”）列",
        )
        .at(&csv.file, 1));
    }
    let names = customers::by_name(tx)?;
    let terms: HashMap<i64, u32> = customers::entries(tx)?.into_iter().map(|c| (c.id, c.terms_days)).collect();
    let aside = VatRows::new(tx, csv.len())?;
    // The head of the number of the row before: most lists keep an
    // invoice's rows together, so it is looked up and kept once per invoice.
    let mut current: Option<(String, Head)> = None;
    let mut skipped = FirstOf::default();
    let mut warnings = FirstOf::default();
    let mut rows = 0;
    csv.each_row(|row| {
        let amount_text = csv.require(row, "amount")?;
        let number = match csv.get(row, "digital_number").or_else(|| csv.get(row, "vat_number")) {
            Some(n) => n,
            None => {
                return Err(Error::user(
                    "neither 数电票号码 nor 发票号码 is given",
                    "数电票号码与发票号码均为空",
                ));
            }
        };
        let (num_en, num_zh) = echo(number);
        match standing(csv.get(row, "status"), csv.get(row, "positive"), amount_text) {
            Standing::Normal => {}
            Standing::Voided => {
                skipped.push(Skipped { line: row.line, number: number.to_string(), amount: amount_text.to_string() });
                return Ok(());
            }
            Standing::Red => {
                return Err(Error::user(
                    format!(
                        "invoice {num_en} is a red-letter invoice (红冲, {amount_text}): it is not a receivable; remove \
                         the row and void or correct the invoice it reverses (huikuan invoice void)"
                    ),
                    format!(
                        "发票 {num_zh} 为红字发票（{amount_text}）：不是应收款；请删除此行，并作废或更正被冲销的发票（huikuan invoice void）"
                    ),
                ));
            }
            Standing::Reversed(s) => {
                let (s_en, s_zh) = echo(&s);
                return Err(Error::user(
                    format!(
                        "invoice {num_en} is marked '{s_en}': it was reversed (红冲) in part or in whole, so what is owed \
                         is not its 价税合计; remove the row and record what is owed by hand"
                    ),
                    format!("发票 {num_zh} 标记为“{s_zh}”：已全部或部分红冲，应收不等于价税合计；请删除此行并手工录入应收金额"),
                ));
            }
            Standing::Unknown(s) => {
                let (s_en, s_zh) = echo(&s);
                return Err(Error::user(
                    format!("invoice {num_en}: unknown 发票状态 '{s_en}' (expected 正常, 作废 or 红冲); check the invoice"),
                    format!("发票 {num_zh}：未知发票状态“{s_zh}”（应为 正常、作废 或 红冲）；请核实该发票"),
                ));
            }
        }
        let buyer = csv.require(row, "buyer")?;
        let (customer_id, terms_days) = buyer_customer(&names, &terms, buyer)?;
        let issued = csv.require(row, "issue_date")?;
        let issue = date("开票日期", issued.split([' ', 'T']).next().unwrap_or(issued), today)?;
        within_horizon("开票日期", issue, today, horizon)?;
        let amount = positive_amount("价税合计", amount_text)?;
        let given = Given {
            net: csv.get(row, "net"),
            tax: csv.get(row, "tax"),
            tax_rate: csv.get(row, "tax_rate"),
            vat_number: Some(number),
            ..Given::default()
        };
        let (facts, warning) = read(amount, &given, &LIST_COLUMNS)?;
        if let Some(w) = warning {
            warnings.push(w.at(&csv.file, row.line));
        }
        let code = csv.get(row, "invoice_code").map(str::to_string);
        let buyer = normalise_name(buyer);
        if current.as_ref().is_none_or(|(n, _)| n != number) {
            // Another number: keep the head left (its amount changed), find
            // this one's.
            if let Some((n, h)) = current.take() {
                aside.keep_head(&n, &h)?;
            }
            let head = match aside.head(number)? {
                Some(h) => h,
                None => Head { first: row.line, buyer: buyer.clone(), issue, code: code.clone(), amount: Money::ZERO },
            };
            current = Some((number.to_string(), head));
        }
        let Some((_, head)) = current.as_mut() else { unreachable!("set just above") };
        let first = head.first;
        let differ = |what_en: &str, what_zh: &str| {
            Error::user(
                format!("invoice {num_en}: {what_en} differs from line {first} (the rows of one invoice must agree)"),
                format!("发票 {num_zh}：{what_zh}与第 {first} 行不同（同一发票的各行须一致）"),
            )
        };
        if head.buyer != buyer {
            return Err(differ("the buyer (购买方名称)", "购买方名称"));
        }
        if head.issue != issue {
            return Err(differ("the date (开票日期)", "开票日期"));
        }
        if head.code != code {
            return Err(differ("发票代码", "发票代码"));
        }
        head.amount += amount;
        if head.amount > Money::from_cents(MAX_AMOUNT_CENTS) {
            return Err(Error::user(
                format!("invoice {num_en} adds up to more than 1,000,000,000,000.00"),
                format!("发票 {num_zh} 合计超过 1,000,000,000,000.00"),
            ));
        }
        rows += 1;
        aside.push(&ListRow {
            first,
            line: row.line,
            number: number.to_string(),
            customer_id,
            terms_days,
            issue,
            amount,
            net: facts.net,
            tax: facts.tax,
            rate: facts.tax_rate,
            item: csv.get(row, "item").map(str::to_string),
        })?;
        Ok(())
    })?;
    // The invoices, summed from their rows one at a time.
    let mut bad = BadRows::default();
    let mut summing: Option<Summing> = None;
    let mut done = |s: Summing| {
        let record = s.record();
        if let Err(e) = book(&record) {
            bad.push(e.at(&csv.file, record.line));
        }
    };
    aside.for_each(|r| -> Result<()> {
        match summing.as_mut() {
            Some(s) if s.record.line == r.first => s.add(r),
            _ => {
                if let Some(s) = summing.replace(Summing::new(r)) {
                    done(s);
                }
            }
        }
        Ok(())
    })?;
    if let Some(s) = summing {
        done(s);
    }
    bad.into_result(&csv.file)?;
    Ok(Gathered { skipped, warnings, rows })
}

/// An invoice being summed from its rows.
struct Summing {
    record: Record,
    rates: Vec<String>,
    /// Its item names, while they fit in the description.
    items: Vec<String>,
}

impl Summing {
    /// The invoice of its number's first row.
    fn new(r: ListRow) -> Summing {
        Summing {
            rates: r.rate.iter().cloned().collect(),
            items: r.item.into_iter().collect(),
            record: Record {
                line: r.line,
                number: r.number.clone(),
                customer_id: r.customer_id,
                issue: r.issue,
                plan: DuePlan::Terms(r.terms_days),
                amount: r.amount,
                description: None,
                facts: Facts { net: r.net, tax: r.tax, vat_number: Some(r.number), ..Facts::default() },
            },
        }
    }

    /// Add a later row of the same number.
    fn add(&mut self, r: ListRow) {
        let facts = &mut self.record.facts;
        self.record.amount += r.amount;
        facts.net = facts.net.zip(r.net).map(|(a, b)| a + b);
        facts.tax = facts.tax.zip(r.tax).map(|(a, b)| a + b);
        if let Some(rate) = r.rate
            && !self.rates.contains(&rate)
        {
            self.rates.push(rate);
        }
        // Past the description's length, more names change nothing.
        if let Some(item) = r.item
            && !self.items.contains(&item)
            && self.items.iter().map(|i| i.chars().count() + 1).sum::<usize>() <= DESCRIPTION_CHARS + 1
        {
            self.items.push(item);
        }
    }

    fn record(mut self) -> Record {
        self.record.facts.tax_rate = Some(self.rates.join(",")).filter(|r| !r.is_empty());
        self.record.description = description(&self.items);
        self.record
    }
}

/// How long a description from item names may be.
const DESCRIPTION_CHARS: usize = 200;

/// The item names of an invoice as its description: joined by `、`, at most
/// 200 characters (then cut with `…`).
fn description(items: &[String]) -> Option<String> {
    const MAX: usize = DESCRIPTION_CHARS;
    let all = items.join("、");
    if all.is_empty() {
        None
    } else if all.chars().count() > MAX {
        Some(all.chars().take(MAX).chain(['…']).collect())
    } else {
        Some(all)
    }
}
