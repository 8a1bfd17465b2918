//! `huikuan demo --generate DIR`: a large made-up book, written as the files
//! the real commands read, for the benchmark (`bench/run`) and for trying
//! huikuan at scale.
//!
//! - `customers.csv`: mixed terms (0/30/45/60/90 days), credit limits and
//!   scores, some aliases; a few customers do most of the business.
//! - `invoices.csv`: spread evenly over the three years before the as-of
//!   date, in issue-date order; some with a due date, most by terms.
//! - `payments.csv`: in date order. Most invoices paid in full, on time or
//!   late; some in two parts, some never; some dated after the as-of date;
//!   a quarter of the customers never name the invoice (oldest due first);
//!   some payments on account.
//! - `bank.csv`: a UTF-8 statement in the `generic-cn-bank` layout for the
//!   30 days up to the as-of date: credits paying what is still open (by
//!   invoice number in the memo, by exact amount, by the sum of several
//!   invoices, partly), under the legal name, the alias or a variant of it,
//!   with a misspelt name now and then; credits from strangers; debits.
//! - `actions.sh`: the disputes and holds, which are commands rather than
//!   import columns.
//!
//! The payments are put through the book's own allocation rules on the way
//! (a named invoice takes at most its balance and the rest stays credit;
//! otherwise the ledger's FIFO allocation, `ledger::allocation`), so the
//! file never names an invoice already paid and the statement pays exactly
//! what the book will show as open.
//!
//! The same seed, sizes and as-of date give byte-identical files: one
//! seeded `fastrand` generator, integer arithmetic only, and no hash-map
//! iteration order in the output.

use std::collections::HashSet;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use chrono::{Days, NaiveDate, TimeDelta};
use fastrand::Rng;

use crate::error::{Error, Result};
use crate::ledger::Money;
use crate::ledger::allocation::{Target, allocate};

/// What to generate.
pub struct Spec {
    pub customers: u32,
    pub invoices: u32,
    pub bank_lines: u32,
    pub seed: u64,
    pub as_of: NaiveDate,
}

/// What was written, for the closing note.
pub struct Summary {
    pub customers: usize,
    pub invoices: usize,
    pub payments: usize,
    /// Payments dated after the as-of date.
    pub after_as_of: usize,
    /// Invoices with a balance once every payment of the file is in.
    pub open: usize,
    pub bank_lines: usize,
    pub disputes: usize,
    pub holds: usize,
}

/// Invoices are issued over this many days up to the as-of date.
const ISSUE_SPAN: u32 = 3 * 365;
/// Payments run this many days past the as-of date.
const AFTER_AS_OF: i32 = 30;
/// The bank statement covers this many days up to the as-of date.
const STATEMENT_DAYS: u32 = 30;

const CITIES: &[&str] = &[
    "深圳", "上海", "北京", "广州", "杭州", "苏州", "南京", "宁波", "成都", "武汉", "天津", "重庆", "西安", "厦门",
    "青岛", "东莞", "佛山", "无锡", "合肥", "长沙",
];
const CORES: &[&str] = &[
    "华远", "东方", "新星", "明辉", "宏达", "金桥", "恒通", "瑞丰", "博远", "天成", "鼎盛", "嘉禾", "永利", "长城",
    "海润", "中兴", "汇通", "启明", "润泽", "凯达", "盛世", "联创", "信诚", "安泰", "百川", "正泰", "远航", "广源",
    "建华", "立信", "华鑫", "德润", "银河", "星辰", "锦程", "万和", "同创", "和顺", "众合", "卓越",
];
const TRADES: &[&str] = &[
    "电子",
    "贸易",
    "科技",
    "机械",
    "物流",
    "包装",
    "建材",
    "化工",
    "医疗器械",
    "食品",
    "纺织",
    "汽车配件",
    "软件",
    "能源",
    "家具",
];
const EN_FIRST: &[&str] = &[
    "Northwind",
    "Blue Harbor",
    "Contoso",
    "Fabrikam",
    "Silverline",
    "Redwood",
    "Greenfield",
    "Oakridge",
    "Summit",
    "Pioneer",
    "Atlas",
    "Harbor Point",
    "Evergreen",
    "Lakeside",
    "Crescent",
    "Ironbridge",
    "Westgate",
    "Bright Star",
    "Golden Gate",
    "Maple Leaf",
];
const EN_TRADES: &[&str] = &[
    "Traders",
    "Logistics",
    "Electronics",
    "Supplies",
    "Industries",
    "Systems",
    "Foods",
    "Textiles",
    "Machinery",
    "Components",
    "Packaging",
    "Solutions",
];
const EN_REGIONS: &[&str] = &["", " Asia", " Europe", " Pacific", " International", " Trading"];
const CN_SUFFIXES: &[&str] = &["有限公司", "有限公司", "有限公司", "有限公司", "股份有限公司", "集团有限公司"];
const EN_SUFFIXES: &[&str] = &[" Ltd.", " Inc.", " GmbH", " LLC", " Limited", " Co., Ltd."];
const DESCRIPTIONS: &[&str] = &[
    "服务器机柜",
    "光模块",
    "办公家具",
    "Hardware supply",
    "Software subscription",
    "包装材料",
    "设备维保",
    "Consulting services",
    "原材料",
    "运输服务",
    "Spare parts",
    "工程款",
];
const STRANGERS: &[&str] = &["张伟", "王芳", "李娜", "刘洋", "陈静", "个体户杨磊", "退款", "Zhang Wei"];
const SUPPLIERS: &[&str] = &["宁波港联供应链有限公司", "顺丰速运有限公司", "国网电力", "物业管理处", "中国电信"];

/// A uniform pick from a slice, by `u32` so the draw is the same on every platform.
fn pick<'a>(rng: &mut Rng, from: &[&'a str]) -> &'a str {
    from[rng.u32(0..from.len() as u32) as usize]
}

/// Fisher–Yates by `u64` draws (fastrand's own shuffle draws `usize`).
fn shuffle<T>(rng: &mut Rng, v: &mut [T]) {
    for i in (1..v.len()).rev() {
        v.swap(i, rng.u64(0..=i as u64) as usize);
    }
}

struct Customer {
    code: String,
    name: String,
    /// The name without its company suffix (what a statement often shows).
    stem: String,
    alias: Option<String>,
    english: bool,
    terms: u32,
    /// Pays oldest due first and never names the invoice.
    fifo: bool,
}

/// 20 bytes: the made-up book is held whole (10^7 invoices and their
/// payments in about 550 MB), so its records are kept small.
struct Invoice {
    customer: u32,
    /// Days after the calendar start: the span and the longest terms keep
    /// them below 1,300.
    issue: u16,
    due: u16,
    explicit_due: bool,
    /// Cents: below 2,000,000.00 ([`invoice_amount`]), within a u32.
    amount: u32,
    paid: u32,
}

/// 24 bytes.
struct Payment {
    day: i32,
    customer: u32,
    /// Cents: at most its invoice's amount, or 50,000.00 on account.
    amount: u32,
    /// The invoice the payment names, if it names one.
    invoice: Option<u32>,
    /// Index into [`METHODS`].
    method: u8,
    on_account: bool,
}

/// Dates as day numbers from a start, with their text made once.
struct Calendar {
    text: Vec<String>,
}

impl Calendar {
    fn new(start: NaiveDate, days: u32) -> Calendar {
        let text = (0..=days).map(|d| (start + Days::new(u64::from(d))).format("%Y-%m-%d").to_string()).collect();
        Calendar { text }
    }

    fn day(&self, d: i32) -> &str {
        &self.text[d as usize]
    }

    fn compact(&self, d: i32) -> String {
        self.day(d).replace('-', "")
    }
}

/// Cents of whole units (yuan).
const fn yuan(n: i64) -> i64 {
    n * 100
}

fn money(cents: i64) -> String {
    Money::from_cents(cents).plain()
}

/// A file being written, with its path for messages.
struct Out {
    path: PathBuf,
    csv: csv::Writer<BufWriter<File>>,
}

impl Out {
    fn create(dir: &Path, name: &str) -> Result<Out> {
        let path = dir.join(name);
        let file = File::create(&path).map_err(|e| io_error(&path, e))?;
        Ok(Out { csv: csv::Writer::from_writer(BufWriter::with_capacity(1 << 16, file)), path })
    }

    fn row<I, T>(&mut self, fields: I) -> Result<()>
    where
        I: IntoIterator<Item = T>,
        T: AsRef<[u8]>,
    {
        self.csv.write_record(fields).map_err(|e| io_error(&self.path, e.into()))
    }

    fn finish(self) -> Result<()> {
        let path = self.path;
        let inner = self.csv.into_inner().map_err(|e| io_error(&path, e.into_error()))?;
        inner.into_inner().map_err(|e| io_error(&path, e.into_error()))?;
        Ok(())
    }
}

fn io_error(path: &Path, e: std::io::Error) -> Error {
    let p = path.display();
    Error::user(format!("{p}: cannot write: {e}"), format!("{p}：无法写入：{e}"))
}

/// Write the five files into `dir` (created if needed; files in it replaced).
pub fn generate(dir: &Path, spec: &Spec) -> Result<Summary> {
    std::fs::create_dir_all(dir).map_err(|e| io_error(dir, e))?;
    let mut rng = Rng::with_seed(spec.seed);
    let start = spec.as_of - Days::new(u64::from(ISSUE_SPAN));
    let as_of = ISSUE_SPAN as i32;
    let customers = make_customers(&mut rng, spec.customers);
    let mut invoices = make_invoices(&mut rng, &customers, spec.invoices);
    let payments = settle(&mut rng, &customers, &mut invoices, start, as_of);
    let made = Made {
        dir: dir.to_path_buf(),
        // Due dates reach 90 days past the last issue date, explicit ones a little more.
        cal: Calendar::new(start, ISSUE_SPAN + 100),
        width: digits(invoices.len()).max(7),
        customers,
        invoices,
        as_of,
    };
    made.write_customers(&mut rng)?;
    made.write_invoices(&mut rng)?;
    made.write_payments(&mut rng, &payments)?;
    let mut open: Vec<u32> =
        (0..made.invoices.len() as u32).filter(|&i| balance(&made.invoices[i as usize]) > 0).collect();
    let (disputes, holds) = made.write_actions(&mut rng, &open)?;
    shuffle(&mut rng, &mut open);
    made.write_bank(&mut rng, &open, spec.bank_lines)?;
    Ok(Summary {
        customers: made.customers.len(),
        invoices: made.invoices.len(),
        payments: payments.len(),
        after_as_of: payments.iter().filter(|p| p.day > as_of).count(),
        open: open.len(),
        bank_lines: spec.bank_lines as usize,
        disputes,
        holds,
    })
}

/// The made-up book in memory, settled, ready to be written.
struct Made {
    dir: PathBuf,
    cal: Calendar,
    customers: Vec<Customer>,
    invoices: Vec<Invoice>,
    /// Digits of an invoice number.
    width: usize,
    /// The as-of date as a day of the calendar.
    as_of: i32,
}

fn digits(n: usize) -> usize {
    n.max(1).ilog10() as usize + 1
}

fn balance(i: &Invoice) -> i64 {
    i64::from(i.amount) - i64::from(i.paid)
}

/// Customers with unique names even after normalisation: the name stems are
/// a shuffled enumeration of every combination (a number is added past
/// them), and an alias is kept only if no other customer has it.
fn make_customers(rng: &mut Rng, n: u32) -> Vec<Customer> {
    let chinese = (CITIES.len() * CORES.len() * TRADES.len()) as u32;
    let english = (EN_FIRST.len() * EN_TRADES.len() * EN_REGIONS.len()) as u32;
    let mut stems: Vec<u32> = (0..chinese + english).collect();
    shuffle(rng, &mut stems);
    let width = digits(n as usize).max(5);
    let mut aliases = HashSet::new();
    (0..n)
        .map(|i| {
            let k = stems[i as usize % stems.len()];
            let again = i as usize / stems.len();
            let (mut stem, alias, english) = if k < chinese {
                let (city, rest) = (k as usize % CITIES.len(), k as usize / CITIES.len());
                let (core, trade) = (rest % CORES.len(), rest / CORES.len());
                (
                    format!("{}{}{}", CITIES[city], CORES[core], TRADES[trade]),
                    format!("{}{}", CORES[core], TRADES[trade]),
                    false,
                )
            } else {
                let k = (k - chinese) as usize;
                let (first, rest) = (k % EN_FIRST.len(), k / EN_FIRST.len());
                let (trade, region) = (rest % EN_TRADES.len(), rest / EN_TRADES.len());
                let stem = format!("{} {}{}", EN_FIRST[first], EN_TRADES[trade], EN_REGIONS[region]);
                (stem, EN_FIRST[first].to_uppercase(), true)
            };
            if again > 0 {
                stem = format!("{stem}{}", again + 1);
            }
            let suffix = pick(rng, if english { EN_SUFFIXES } else { CN_SUFFIXES });
            let alias = (rng.u32(0..100) < 40 && aliases.insert(alias.clone())).then_some(alias);
            let terms = match rng.u32(0..100) {
                0..5 => 0,
                5..45 => 30,
                45..60 => 45,
                60..90 => 60,
                _ => 90,
            };
            Customer {
                code: format!("C{:0width$}", i + 1),
                name: format!("{stem}{suffix}"),
                stem,
                alias,
                english,
                terms,
                fifo: rng.u32(0..100) < 25,
            }
        })
        .collect()
}

/// Invoices per unit of [`amount_scale`].
const INVOICES_AT_FULL_AMOUNTS: u32 = 5_000_000;

/// What the invoice amounts are divided by: 1 up to 5,000,000 invoices,
/// then so many that the book's total stays near 5 × 10^11. An invoice
/// averages about 103,000.00, and no total the book keeps may pass
/// 1,000,000,000,000.00 (DESIGN §2): 10^7 invoices at full amounts would
/// reach it at about the 9,690,000th. Dividing after the draw keeps every
/// other draw, so the files differ only in their amounts.
fn amount_scale(m: u32) -> u32 {
    m.div_ceil(INVOICES_AT_FULL_AMOUNTS).max(1)
}

/// Invoices in issue-date order, spread evenly over the span. A customer's
/// share follows 1/(rank + 20): the first customers are the big ones.
fn make_invoices(rng: &mut Rng, customers: &[Customer], m: u32) -> Vec<Invoice> {
    let scale = amount_scale(m);
    let mut cumulative = Vec::with_capacity(customers.len());
    let mut total = 0u64;
    for rank in 0..customers.len() as u64 {
        total += 10_000_000 / (rank + 20);
        cumulative.push(total);
    }
    (0..u64::from(m))
        .map(|k| {
            let draw = rng.u64(0..total);
            let customer = cumulative.partition_point(|&c| c <= draw) as u32;
            let issue = (k * u64::from(ISSUE_SPAN) / u64::from(m)) as u16;
            let amount = (invoice_amount(rng) / scale).max(1);
            let explicit_due = rng.u32(0..100) < 30;
            let due = if explicit_due {
                issue + [15, 30, 60, 90][rng.u32(0..4) as usize]
            } else {
                issue + customers[customer as usize].terms as u16
            };
            Invoice { customer, issue, due, explicit_due, amount, paid: 0 }
        })
        .collect()
}

/// Mostly thousands, some tens and hundreds of thousands, a few millions
/// (below 2,000,000.00); seven in ten in whole units.
fn invoice_amount(rng: &mut Rng) -> u32 {
    let (lo, hi) = match rng.u32(0..100) {
        0..40 => (yuan(100), yuan(5_000)),
        40..75 => (yuan(5_000), yuan(50_000)),
        75..95 => (yuan(50_000), yuan(300_000)),
        _ => (yuan(300_000), yuan(2_000_000)),
    };
    let cents = rng.i64(lo..hi);
    (if rng.u32(0..10) < 7 { cents / 100 * 100 } else { cents }) as u32
}

/// How many days after its due date an invoice is paid.
fn lateness(rng: &mut Rng) -> i32 {
    match rng.u32(0..100) {
        0..50 => -rng.i32(0..=20),
        50..78 => rng.i32(1..=30),
        78..92 => rng.i32(31..=90),
        _ => rng.i32(91..=400),
    }
}

const METHODS: &[&str] = &["bank", "cheque", "alipay", "wechat", "cash"];

/// An index into [`METHODS`].
fn method(rng: &mut Rng) -> u8 {
    match rng.u32(0..100) {
        0..85 => 0,
        85..90 => 1,
        90..94 => 2,
        94..98 => 3,
        _ => 4,
    }
}

/// Plan the payments, put them in date order and through the book's
/// allocation rules; returns them as the file will hold them.
fn settle(
    rng: &mut Rng,
    customers: &[Customer],
    invoices: &mut [Invoice],
    start: NaiveDate,
    as_of: i32,
) -> Vec<Payment> {
    let last = as_of + AFTER_AS_OF;
    let mut planned = Vec::with_capacity(invoices.len() + invoices.len() / 10);
    for (k, inv) in invoices.iter().enumerate() {
        let fate = rng.u32(0..100);
        let mut pay = |day: i32, amount: u32, rng: &mut Rng| {
            let day = day.max(i32::from(inv.issue));
            if day <= last {
                planned.push(Payment {
                    day,
                    customer: inv.customer,
                    amount,
                    invoice: Some(k as u32),
                    method: method(rng),
                    on_account: false,
                });
            }
        };
        match fate {
            0..3 => {}
            3..11 => {
                let first = (u64::from(inv.amount) * u64::from(rng.u32(30..=70)) / 100).max(1) as u32;
                let day = i32::from(inv.due) + lateness(rng);
                pay(day, first, rng);
                if rng.u32(0..10) < 6 {
                    pay(day + rng.i32(15..=120), inv.amount - first, rng);
                }
            }
            _ => pay(i32::from(inv.due) + lateness(rng), inv.amount, rng),
        }
    }
    // Payments on account: round sums, no invoice.
    for _ in 0..invoices.len() / 50 {
        let inv = &invoices[rng.u32(0..invoices.len() as u32) as usize];
        planned.push(Payment {
            day: rng.i32(i32::from(inv.issue)..=last),
            customer: inv.customer,
            amount: (rng.i64(1..=50) * yuan(1_000)) as u32,
            invoice: None,
            method: 0,
            on_account: true,
        });
    }
    planned.sort_by_key(|p| p.day);

    // Each customer's installments (one per invoice) in the ledger's FIFO
    // order (`ledger::allocation::sort_fifo`: due date, issue date, id), by
    // invoice index; and where the open ones start.
    let day = |d: u16| start + TimeDelta::days(i64::from(d));
    let mut queue: Vec<Vec<u32>> = customers.iter().map(|_| Vec::new()).collect();
    for (k, inv) in invoices.iter().enumerate() {
        queue[inv.customer as usize].push(k as u32);
    }
    for q in &mut queue {
        q.sort_by_key(|&k| (invoices[k as usize].due, invoices[k as usize].issue, k));
    }
    let mut first_open = vec![0usize; customers.len()];
    for p in &mut planned {
        let c = p.customer as usize;
        let named = p.invoice.filter(|&k| !customers[c].fifo && balance(&invoices[k as usize]) > 0);
        match named {
            Some(k) => {
                let inv = &mut invoices[k as usize];
                p.amount = p.amount.min(inv.amount - inv.paid);
                inv.paid += p.amount;
            }
            None => {
                p.invoice = None;
                let q = &queue[c];
                let mut at = first_open[c];
                while at < q.len() && balance(&invoices[q[at] as usize]) == 0 {
                    at += 1;
                }
                first_open[c] = at;
                // The open installments the payment can reach, with their
                // balances as they stand now.
                let mut reach = Vec::new();
                let mut covered = 0;
                for &k in &q[at..] {
                    if covered >= i64::from(p.amount) {
                        break;
                    }
                    let inv = &invoices[k as usize];
                    let open = balance(inv);
                    covered += open;
                    reach.push(Target {
                        id: i64::from(k),
                        due_date: day(inv.due),
                        issue_date: day(inv.issue),
                        balance: Money::from_cents(open),
                    });
                }
                for part in allocate(Money::from_cents(i64::from(p.amount)), &reach).parts {
                    invoices[part.target as usize].paid += part.amount.cents() as u32;
                }
            }
        }
    }
    planned
}

/// How a statement names a customer: the legal name without its suffix,
/// the alias, or the name in capitals (English).
fn payer_variant(rng: &mut Rng, c: &Customer) -> String {
    match (&c.alias, rng.u32(0..2)) {
        (Some(a), 0) => a.clone(),
        _ if c.english => format!("{} CO LTD", c.stem.to_uppercase()),
        _ => c.stem.clone(),
    }
}

/// A misspelt name: the first character lost. It matches no customer
/// exactly (every stem starts with a whole city or company word), only as
/// a similar name.
fn payer_typo(c: &Customer) -> String {
    let mut chars = c.stem.chars();
    chars.next();
    format!("{}{}", chars.as_str(), &c.name[c.stem.len()..])
}

impl Made {
    fn number(&self, k: u32) -> String {
        format!("INV-{:0width$}", k + 1, width = self.width)
    }

    /// Credit limits follow what each customer ends up owing (0.8 to 2.5 times
    /// it, in tens of thousands, at least 50,000), so some are over it.
    fn write_customers(&self, rng: &mut Rng) -> Result<()> {
        let (customers, invoices) = (&self.customers, &self.invoices);
        let mut owed = vec![0i64; customers.len()];
        for inv in invoices {
            owed[inv.customer as usize] += balance(inv);
        }
        let mut out = Out::create(&self.dir, "customers.csv")?;
        out.row(["code", "name", "terms_days", "credit_limit", "credit_score", "email", "phone", "aliases"])?;
        for (i, c) in customers.iter().enumerate() {
            let limit = if rng.u32(0..100) < 20 {
                String::new()
            } else {
                let tens = owed[i] * i64::from(rng.u32(80..=250)) / 100 / yuan(10_000) + 1;
                money(tens.max(5) * yuan(10_000))
            };
            let score = if rng.u32(0..100) < 15 { String::new() } else { rng.u32(35..=100).to_string() };
            let email = format!("ar{}@{}.example", i + 1, if c.english { "corp" } else { "gongsi" });
            let phone = format!("0{}-{:04} {:04}", rng.u32(10..=999), rng.u32(0..10_000), rng.u32(0..10_000));
            let terms = c.terms.to_string();
            out.row([&c.code, &c.name, &terms, &limit, &score, &email, &phone, c.alias.as_deref().unwrap_or("")])?;
        }
        out.finish()
    }

    fn write_invoices(&self, rng: &mut Rng) -> Result<()> {
        let (cal, customers) = (&self.cal, &self.customers);
        let mut out = Out::create(&self.dir, "invoices.csv")?;
        out.row(["number", "customer", "issue_date", "due_date", "amount", "description"])?;
        for (k, inv) in self.invoices.iter().enumerate() {
            let due = if inv.explicit_due { cal.day(i32::from(inv.due)) } else { "" };
            let desc = if rng.u32(0..10) < 7 { pick(rng, DESCRIPTIONS) } else { "" };
            out.row([
                self.number(k as u32).as_str(),
                customers[inv.customer as usize].code.as_str(),
                cal.day(i32::from(inv.issue)),
                due,
                &money(i64::from(inv.amount)),
                desc,
            ])?;
        }
        out.finish()
    }

    fn write_payments(&self, rng: &mut Rng, payments: &[Payment]) -> Result<()> {
        let (cal, customers) = (&self.cal, &self.customers);
        let mut out = Out::create(&self.dir, "payments.csv")?;
        out.row(["date", "customer", "amount", "method", "reference", "invoice"])?;
        for (k, p) in payments.iter().enumerate() {
            let invoice = p.invoice.map(|k| self.number(k)).unwrap_or_default();
            let reference = match (p.on_account, p.invoice, rng.u32(0..10)) {
                (true, _, _) => "预付款 / payment on account".to_string(),
                (false, Some(_), 0..5) => format!("货款 {invoice}"),
                (false, _, 0..8) => format!("{} {}", pick(rng, &["CMB", "ICBC", "CCB", "BOC"]), 100_000 + k),
                _ => String::new(),
            };
            out.row([
                cal.day(p.day),
                customers[p.customer as usize].code.as_str(),
                &money(i64::from(p.amount)),
                METHODS[usize::from(p.method)],
                &reference,
                &invoice,
            ])?;
        }
        out.finish()
    }

    /// Disputes on some overdue open invoices and holds on some customers with
    /// a balance over 90 days overdue, as a script of huikuan commands.
    fn write_actions(&self, rng: &mut Rng, open: &[u32]) -> Result<(usize, usize)> {
        let (customers, invoices, as_of) = (&self.customers, &self.invoices, self.as_of);
        let mut overdue: Vec<u32> =
            open.iter().copied().filter(|&k| i32::from(invoices[k as usize].due) < as_of - 30).collect();
        let mut late: Vec<u32> = overdue
            .iter()
            .filter(|&&k| i32::from(invoices[k as usize].due) < as_of - 90)
            .map(|&k| invoices[k as usize].customer)
            .collect();
        late.sort_unstable();
        late.dedup();
        let disputes = (invoices.len() / 5_000).clamp(2, 100).min(overdue.len());
        let holds = (customers.len() / 200).clamp(1, 50).min(late.len());
        shuffle(rng, &mut overdue);
        shuffle(rng, &mut late);

        let path = self.dir.join("actions.sh");
        let mut w = BufWriter::new(File::create(&path).map_err(|e| io_error(&path, e))?);
        let mut text = String::from(
            "#!/bin/sh\n\
             # Disputes and holds for the generated book: commands, not import columns.\n\
             # Run after the three imports, on the same book (HUIKUAN_DB or --db), with\n\
             # HUIKUAN set to the binary when it is not on PATH:\n\
             #   HUIKUAN=target/release/huikuan sh actions.sh\n\
             set -e\n\
             h=\"${HUIKUAN:-huikuan}\"\n",
        );
        const REASONS: &[&str] = &["quantity short on delivery", "price differs from the contract", "goods damaged"];
        for &k in &overdue[..disputes] {
            text.push_str(&format!("\"$h\" -q invoice dispute {} --reason '{}'\n", self.number(k), pick(rng, REASONS)));
        }
        for &c in &late[..holds] {
            let code = &customers[c as usize].code;
            text.push_str(&format!("\"$h\" -q customer hold {code} --reason 'over 90 days overdue'\n"));
        }
        w.write_all(text.as_bytes()).and_then(|()| w.flush()).map_err(|e| io_error(&path, e))?;
        Ok((disputes, holds))
    }

    /// The statement: `lines` rows over the days up to the as-of date, in date
    /// order, with a running balance. `open` is every open invoice, shuffled;
    /// each is paid by at most one line.
    fn write_bank(&self, rng: &mut Rng, open: &[u32], lines: u32) -> Result<()> {
        let (cal, customers, invoices) = (&self.cal, &self.customers, &self.invoices);
        let mut out = Out::create(&self.dir, "bank.csv")?;
        out.row(["交易日期", "摘要", "收入金额", "支出金额", "余额", "对方户名", "对方账号", "流水号"])?;
        let mut by_customer: Vec<Vec<u32>> = customers.iter().map(|_| Vec::new()).collect();
        for &k in open {
            by_customer[invoices[k as usize].customer as usize].push(k);
        }
        for v in &mut by_customer {
            v.sort_by_key(|&k| (invoices[k as usize].due, k));
        }
        let mut cursor = vec![0usize; customers.len()];
        let mut used = vec![false; invoices.len()];
        let mut next = 0usize;
        let mut running: i64 = yuan(8_000_000);
        let first_day = self.as_of + 1 - STATEMENT_DAYS as i32;
        for line in 0..lines {
            let day = first_day + (u64::from(line) * u64::from(STATEMENT_DAYS) / u64::from(lines)) as i32;
            let reference = format!("{}{:07}", cal.compact(day), line + 1);
            let kind = rng.u32(0..100);
            while next < open.len() && used[open[next] as usize] {
                next += 1;
            }
            let target = (kind >= 25 && next < open.len()).then(|| open[next]);
            let (memo, credit, payer, account): (String, i64, String, String) = match (kind, target) {
                (0..15, _) => {
                    let (memo, amount, payer) = match rng.u32(0..100) {
                        0..40 => ("手续费", rng.i64(yuan(1)..=yuan(50)), ""),
                        40..80 => ("采购款", rng.i64(yuan(1_000)..yuan(200_000)), pick(rng, SUPPLIERS)),
                        _ => ("代发工资", rng.i64(yuan(50_000)..yuan(500_000)), ""),
                    };
                    running -= amount;
                    out.row([cal.day(day), memo, "", &money(amount), &money(running), payer, "", &reference])?;
                    continue;
                }
                (15..25, _) => {
                    let memo = if rng.bool() { "转账" } else { "往来款" };
                    let payer = if rng.u32(0..5) == 0 { String::new() } else { pick(rng, STRANGERS).to_string() };
                    (memo.to_string(), rng.i64(yuan(100)..yuan(20_000)), payer, String::new())
                }
                // Nothing left open: a customer pays on account.
                (_, None) => {
                    let c = &customers[rng.u32(0..customers.len() as u32) as usize];
                    ("预付款".to_string(), rng.i64(1..=50) * yuan(1_000), c.name.clone(), String::new())
                }
                (_, Some(k)) => {
                    used[k as usize] = true;
                    let inv = &invoices[k as usize];
                    let c = &customers[inv.customer as usize];
                    let n = self.number(k);
                    let account = if rng.bool() {
                        format!("62220{:014}", (u64::from(inv.customer) + 1) * 7_919_993)
                    } else {
                        String::new()
                    };
                    let whole = balance(inv);
                    let (memo, amount, payer) = match rng.u32(0..100) {
                        0..40 => {
                            let memo = match rng.u32(0..4) {
                                0 => format!("货款 {n}"),
                                1 => n.clone(),
                                2 => format!("Payment {n}"),
                                _ => format!("付{n}款"),
                            };
                            (memo, whole, c.name.clone())
                        }
                        40..65 => ("货款".to_string(), whole, payer_variant(rng, c)),
                        65..80 => {
                            let mut sum = whole;
                            let mut named = vec![n];
                            let more = rng.u32(1..=2);
                            let list = &by_customer[inv.customer as usize];
                            let at = &mut cursor[inv.customer as usize];
                            while named.len() <= more as usize && *at < list.len() {
                                let other = list[*at];
                                *at += 1;
                                if !used[other as usize] {
                                    used[other as usize] = true;
                                    sum += balance(&invoices[other as usize]);
                                    named.push(self.number(other));
                                }
                            }
                            let memo =
                                if rng.bool() { format!("货款 {}", named.join(" ")) } else { "货款".to_string() };
                            (memo, sum, c.name.clone())
                        }
                        80..90 => {
                            let part = (whole * i64::from(rng.u32(30..=90)) / 100 / 100 * 100).max(1);
                            (format!("{n} 部分付款"), part, c.name.clone())
                        }
                        _ => ("货款".to_string(), whole, payer_typo(c)),
                    };
                    (memo, amount, payer, account)
                }
            };
            running += credit;
            out.row([cal.day(day), &memo, &money(credit), "", &money(running), &payer, &account, &reference])?;
        }
        out.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_divided_so_that_at_most_five_million_invoices_carry_full_amounts() {
        for m in [1, 1_000_000, INVOICES_AT_FULL_AMOUNTS] {
            assert_eq!(amount_scale(m), 1, "{m} invoices: the files as they always were");
        }
        for m in [INVOICES_AT_FULL_AMOUNTS + 1, 10_000_000, 12_345_678, u32::MAX] {
            let scale = amount_scale(m);
            assert!(scale > 1 && m.div_ceil(scale) <= INVOICES_AT_FULL_AMOUNTS, "{m} invoices, divided by {scale}");
        }
        // About 103,000.00 an invoice on average, 5 × 10^6 of them: half the limit.
        let mut rng = Rng::with_seed(1);
        let mean = (0..100_000).map(|_| i64::from(invoice_amount(&mut rng))).sum::<i64>() / 100_000;
        assert!((9_000_000..11_500_000).contains(&mean), "mean {mean} cents");
        let total = i128::from(mean) * i128::from(INVOICES_AT_FULL_AMOUNTS);
        assert!(total * 3 / 2 < i128::from(crate::ledger::money::MAX_AMOUNT_CENTS), "{total}");
    }
}
