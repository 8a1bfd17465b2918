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
//!
//! The made-up book is not held: 10 bytes per invoice (due date, balance,
//! place in its customer's queue) and the payments of the days not yet
//! written, about 145 MB at 10^7 invoices. What is read more than once is
//! drawn again from a copy of the generator's state (see [`generate`]).

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

/// One invoice as [`InvoiceDraws`] draws it. The invoices are never held
/// as records: they are drawn again whenever they are read (see
/// [`InvoiceDraws`]).
#[derive(Clone, Copy)]
struct Invoice {
    customer: u32,
    /// Days after the calendar start: the span and the longest terms keep
    /// them below 1,300.
    issue: u16,
    due: u16,
    explicit_due: bool,
    /// Cents: below 2,000,000.00 ([`invoice_amount`]), within a u32.
    amount: u32,
}

/// 24 bytes; only the payments of the days not yet written are held.
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
///
/// One seeded generator makes every draw, in this order: the customers, the
/// invoices, the payments' plan, the payments on account, the customers'
/// rows, the invoices' rows, the payments' rows, the actions and the
/// statement. Nothing of the size of the book is held but three figures
/// per invoice (its due date, its balance and its place in its customer's
/// queue: 10 bytes) and the payments of the days not yet written: 145 MB
/// in all at 10^7 invoices, 23 MB at 10^6. What is
/// read more than once is drawn again from a copy of the generator's state
/// where it began: the invoices four times, the plan twice. The customers'
/// rows are drawn in their turn but written last, when what each customer
/// owes is known; their draws do not depend on it.
pub fn generate(dir: &Path, spec: &Spec) -> Result<Summary> {
    std::fs::create_dir_all(dir).map_err(|e| io_error(dir, e))?;
    let mut rng = Rng::with_seed(spec.seed);
    let start = spec.as_of - Days::new(u64::from(ISSUE_SPAN));
    let as_of = ISSUE_SPAN as i32;
    let customers = make_customers(&mut rng, spec.customers);
    let shares = Shares::new(&customers, spec.invoices);
    let draws = InvoiceDraws::new(&shares, &customers, rng.clone());
    // The first reading: what settling needs of every invoice.
    let m = spec.invoices as usize;
    let (mut due, mut balance, mut count) = (Vec::with_capacity(m), Vec::with_capacity(m), vec![0u32; customers.len()]);
    let mut reading = draws.clone();
    for inv in &mut reading {
        due.push(inv.due);
        balance.push(inv.amount);
        count[inv.customer as usize] += 1;
    }
    rng = reading.rng;
    let queue = Queue::new(draws.clone(), &count, &due);
    drop(count);
    let last = as_of + AFTER_AS_OF;
    let plan = rng.clone();
    // The plan's draws depend on the invoices' dates only: passing over it
    // with any customer and amount leaves the generator where it ends.
    for (k, &d) in due.iter().enumerate() {
        let inv =
            Invoice { customer: 0, issue: issue_day(k as u32, spec.invoices), due: d, explicit_due: false, amount: 0 };
        plan_payments(&mut rng, k as u32, &inv, last, |_| {});
    }
    let mut on_account = draw_on_account(&mut rng, spec.invoices, last);
    let customer_rows = draw_customer_rows(&mut rng, customers.len());
    let made = Made {
        dir: dir.to_path_buf(),
        // Due dates reach 90 days past the last issue date, explicit ones a little more.
        cal: Calendar::new(start, ISSUE_SPAN + 100),
        width: digits(m).max(7),
        customers: &customers,
        as_of,
    };
    made.write_invoices(&mut rng, draws.clone(), &mut on_account)?;
    let mut book = Settlement {
        customers: &customers,
        start,
        due: &due,
        balance: &mut balance,
        queue: &queue,
        first_open: vec![0; customers.len()],
    };
    let (payments, after_as_of) = made.write_payments(&mut rng, draws, plan, on_account, &mut book, last)?;
    drop(book);
    // What is open once every payment of the file is in, with its customer.
    let mut owed = vec![0i64; customers.len()];
    let mut open = Vec::new();
    for (c, owes) in owed.iter_mut().enumerate() {
        for &k in queue.of(c) {
            let left = balance[k as usize];
            if left > 0 {
                *owes += i64::from(left);
                open.push(Open { invoice: k, customer: c as u32 });
            }
        }
    }
    drop(queue);
    open.sort_unstable_by_key(|o| o.invoice);
    made.write_customers(&customer_rows, &owed)?;
    let (disputes, holds) = made.write_actions(&mut rng, &open, &due)?;
    shuffle(&mut rng, &mut open);
    made.write_bank(&mut rng, &open, &due, &balance, spec.bank_lines)?;
    Ok(Summary {
        customers: customers.len(),
        invoices: m,
        payments,
        after_as_of,
        open: open.len(),
        bank_lines: spec.bank_lines as usize,
        disputes,
        holds,
    })
}

/// What the files are written with.
struct Made<'a> {
    dir: PathBuf,
    cal: Calendar,
    customers: &'a [Customer],
    /// Digits of an invoice number.
    width: usize,
    /// The as-of date as a day of the calendar.
    as_of: i32,
}

/// An invoice left open, with its customer.
#[derive(Clone, Copy)]
struct Open {
    invoice: u32,
    customer: u32,
}

fn digits(n: usize) -> usize {
    n.max(1).ilog10() as usize + 1
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

/// Each customer's share of the invoices: it follows 1/(rank + 20), so the
/// first customers are the big ones.
struct Shares {
    cumulative: Vec<u64>,
    total: u64,
    m: u32,
    scale: u32,
}

impl Shares {
    fn new(customers: &[Customer], m: u32) -> Shares {
        let mut cumulative = Vec::with_capacity(customers.len());
        let mut total = 0u64;
        for rank in 0..customers.len() as u64 {
            total += 10_000_000 / (rank + 20);
            cumulative.push(total);
        }
        Shares { cumulative, total, m, scale: amount_scale(m) }
    }
}

/// The day invoice `k` of `m` is issued: they are spread evenly over the span.
fn issue_day(k: u32, m: u32) -> u16 {
    (u64::from(k) * u64::from(ISSUE_SPAN) / u64::from(m)) as u16
}

/// The invoices in issue-date order, drawn from the generator's state where
/// they begin: a copy draws the same invoices again.
#[derive(Clone)]
struct InvoiceDraws<'a> {
    rng: Rng,
    shares: &'a Shares,
    customers: &'a [Customer],
    next: u32,
}

impl<'a> InvoiceDraws<'a> {
    fn new(shares: &'a Shares, customers: &'a [Customer], rng: Rng) -> InvoiceDraws<'a> {
        InvoiceDraws { rng, shares, customers, next: 0 }
    }
}

impl Iterator for InvoiceDraws<'_> {
    type Item = Invoice;

    fn next(&mut self) -> Option<Invoice> {
        let (rng, shares, k) = (&mut self.rng, self.shares, self.next);
        if k == shares.m {
            return None;
        }
        self.next += 1;
        let draw = rng.u64(0..shares.total);
        let customer = shares.cumulative.partition_point(|&c| c <= draw) as u32;
        let issue = issue_day(k, shares.m);
        let amount = (invoice_amount(rng) / shares.scale).max(1);
        let explicit_due = rng.u32(0..100) < 30;
        let due = if explicit_due {
            issue + [15, 30, 60, 90][rng.u32(0..4) as usize]
        } else {
            issue + self.customers[customer as usize].terms as u16
        };
        Some(Invoice { customer, issue, due, explicit_due, amount })
    }
}

/// Each customer's invoices in the ledger's FIFO order
/// (`ledger::allocation::sort_fifo`: due date, issue date, id), in one
/// array: customer `c` has `invoices[start[c]..start[c + 1]]`.
struct Queue {
    start: Vec<usize>,
    invoices: Vec<u32>,
}

impl Queue {
    fn new(draws: InvoiceDraws, count: &[u32], due: &[u16]) -> Queue {
        let mut start = Vec::with_capacity(count.len() + 1);
        start.push(0);
        for &n in count {
            start.push(start[start.len() - 1] + n as usize);
        }
        let mut invoices = vec![0u32; due.len()];
        let mut at = start.clone();
        for (k, inv) in draws.enumerate() {
            let c = inv.customer as usize;
            invoices[at[c]] = k as u32;
            at[c] += 1;
        }
        let mut queue = Queue { start, invoices };
        for c in 0..count.len() {
            // Issue dates follow the index, so (due date, index) is the order.
            let range = queue.start[c]..queue.start[c + 1];
            queue.invoices[range].sort_unstable_by_key(|&k| (due[k as usize], k));
        }
        queue
    }

    fn of(&self, c: usize) -> &[u32] {
        &self.invoices[self.start[c]..self.start[c + 1]]
    }
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

/// The payments planned for invoice `k`, each given to `push` in order.
/// Most are paid in full, on time or late; some in two parts, some never.
/// The draws depend on the invoice's dates only.
fn plan_payments(rng: &mut Rng, k: u32, inv: &Invoice, last: i32, mut push: impl FnMut(Payment)) {
    let fate = rng.u32(0..100);
    let mut pay = |day: i32, amount: u32, rng: &mut Rng| {
        let day = day.max(i32::from(inv.issue));
        if day <= last {
            push(Payment {
                day,
                customer: inv.customer,
                amount,
                invoice: Some(k),
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
                pay(day + rng.i32(15..=120), inv.amount.saturating_sub(first), rng);
            }
        }
        _ => pay(i32::from(inv.due) + lateness(rng), inv.amount, rng),
    }
}

/// A payment on account, with the invoice whose customer makes it.
struct OnAccount {
    invoice: u32,
    payment: Payment,
}

/// Payments on account: round sums, no invoice, one for every 50 invoices,
/// each by the customer of an invoice drawn at random, on a day from its
/// issue date on. Their customers are filled in as the invoices are drawn
/// again ([`Made::write_invoices`]).
fn draw_on_account(rng: &mut Rng, m: u32, last: i32) -> Vec<OnAccount> {
    (0..m / 50)
        .map(|_| {
            let k = rng.u32(0..m);
            let day = rng.i32(i32::from(issue_day(k, m))..=last);
            let amount = (rng.i64(1..=50) * yuan(1_000)) as u32;
            let payment = Payment { day, customer: u32::MAX, amount, invoice: None, method: 0, on_account: true };
            OnAccount { invoice: k, payment }
        })
        .collect()
}

/// The book's balances as the payments go through its allocation rules,
/// in date order: a named invoice takes at most its balance; otherwise the
/// ledger's FIFO allocation (`ledger::allocation`).
struct Settlement<'a> {
    customers: &'a [Customer],
    start: NaiveDate,
    due: &'a [u16],
    balance: &'a mut [u32],
    queue: &'a Queue,
    /// Where each customer's open invoices start in its queue.
    first_open: Vec<usize>,
}

impl Settlement<'_> {
    /// Put `p` through the book: its amount and named invoice become what
    /// the file will hold.
    fn settle(&mut self, p: &mut Payment) {
        let c = p.customer as usize;
        let named = p.invoice.filter(|&k| !self.customers[c].fifo && self.balance[k as usize] > 0);
        match named {
            Some(k) => {
                let left = &mut self.balance[k as usize];
                p.amount = p.amount.min(*left);
                *left -= p.amount;
            }
            None => {
                p.invoice = None;
                let q = self.queue.of(c);
                let mut at = self.first_open[c];
                while at < q.len() && self.balance[q[at] as usize] == 0 {
                    at += 1;
                }
                self.first_open[c] = at;
                let day = |d: u16| self.start + TimeDelta::days(i64::from(d));
                // The open installments the payment can reach, with their
                // balances as they stand now.
                let mut reach = Vec::new();
                let mut covered = 0;
                for &k in &q[at..] {
                    if covered >= i64::from(p.amount) {
                        break;
                    }
                    let open = i64::from(self.balance[k as usize]);
                    covered += open;
                    reach.push(Target {
                        id: i64::from(k),
                        due_date: day(self.due[k as usize]),
                        issue_date: day(issue_day(k, self.due.len() as u32)),
                        balance: Money::from_cents(open),
                    });
                }
                for part in allocate(Money::from_cents(i64::from(p.amount)), &reach).parts {
                    self.balance[part.target as usize] -= part.amount.cents() as u32;
                }
            }
        }
    }
}

/// What the customers' rows draw: a credit limit's factor (none for one in
/// five), a credit score (none for about one in seven) and a phone number.
struct CustomerRow {
    limit: Option<u32>,
    score: Option<u32>,
    phone: (u32, u32, u32),
}

fn draw_customer_rows(rng: &mut Rng, n: usize) -> Vec<CustomerRow> {
    (0..n)
        .map(|_| {
            let limit = (rng.u32(0..100) >= 20).then(|| rng.u32(80..=250));
            let score = (rng.u32(0..100) >= 15).then(|| rng.u32(35..=100));
            let phone = (rng.u32(10..=999), rng.u32(0..10_000), rng.u32(0..10_000));
            CustomerRow { limit, score, phone }
        })
        .collect()
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

impl Made<'_> {
    fn number(&self, k: u32) -> String {
        format!("INV-{:0width$}", k + 1, width = self.width)
    }

    /// Credit limits follow what each customer ends up owing (0.8 to 2.5 times
    /// it, in tens of thousands, at least 50,000), so some are over it.
    fn write_customers(&self, rows: &[CustomerRow], owed: &[i64]) -> Result<()> {
        let mut out = Out::create(&self.dir, "customers.csv")?;
        out.row(["code", "name", "terms_days", "credit_limit", "credit_score", "email", "phone", "aliases"])?;
        for (i, (c, row)) in self.customers.iter().zip(rows).enumerate() {
            let limit = match row.limit {
                None => String::new(),
                Some(factor) => {
                    let tens = owed[i] * i64::from(factor) / 100 / yuan(10_000) + 1;
                    money(tens.max(5) * yuan(10_000))
                }
            };
            let score = row.score.map(|s| s.to_string()).unwrap_or_default();
            let email = format!("ar{}@{}.example", i + 1, if c.english { "corp" } else { "gongsi" });
            let (area, a, b) = row.phone;
            let phone = format!("0{area}-{a:04} {b:04}");
            let terms = c.terms.to_string();
            out.row([&c.code, &c.name, &terms, &limit, &score, &email, &phone, c.alias.as_deref().unwrap_or("")])?;
        }
        out.finish()
    }

    /// The invoices' rows; on the way, the customers of the payments on
    /// account (each took an invoice's).
    fn write_invoices(&self, rng: &mut Rng, draws: InvoiceDraws, on_account: &mut [OnAccount]) -> Result<()> {
        let cal = &self.cal;
        let mut by_invoice: Vec<u32> = (0..on_account.len() as u32).collect();
        by_invoice.sort_by_key(|&i| on_account[i as usize].invoice);
        let mut waiting = by_invoice.iter().peekable();
        let mut out = Out::create(&self.dir, "invoices.csv")?;
        out.row(["number", "customer", "issue_date", "due_date", "amount", "description"])?;
        for (k, inv) in draws.enumerate() {
            while let Some(&&i) = waiting.peek() {
                let pending = &mut on_account[i as usize];
                if pending.invoice != k as u32 {
                    break;
                }
                pending.payment.customer = inv.customer;
                waiting.next();
            }
            let due = if inv.explicit_due { cal.day(i32::from(inv.due)) } else { "" };
            let desc = if rng.u32(0..10) < 7 { pick(rng, DESCRIPTIONS) } else { "" };
            out.row([
                self.number(k as u32).as_str(),
                self.customers[inv.customer as usize].code.as_str(),
                cal.day(i32::from(inv.issue)),
                due,
                &money(i64::from(inv.amount)),
                desc,
            ])?;
        }
        out.finish()
    }

    /// The payments' rows in date order (within a day, the invoices' in
    /// their order, then those on account in theirs), each settled as it is
    /// written. A payment is never dated before its invoice's issue date, so
    /// the days before the invoice being planned are complete: only the
    /// payments of the later days are held. Returns how many were written
    /// and how many of them are dated after the as-of date.
    fn write_payments(
        &self,
        rng: &mut Rng,
        draws: InvoiceDraws,
        mut plan: Rng,
        on_account: Vec<OnAccount>,
        book: &mut Settlement,
        last: i32,
    ) -> Result<(usize, usize)> {
        let mut on_account: Vec<Payment> = on_account.into_iter().map(|o| o.payment).collect();
        on_account.sort_by_key(|p| p.day);
        let mut w = PaymentRows {
            out: Out::create(&self.dir, "payments.csv")?,
            on_account: on_account.into_iter().peekable(),
            written: 0,
            after_as_of: 0,
        };
        w.out.row(["date", "customer", "amount", "method", "reference", "invoice"])?;
        let mut days: Vec<Vec<Payment>> = (0..=last).map(|_| Vec::new()).collect();
        let mut done = 0i32;
        for (k, inv) in draws.enumerate() {
            while done < i32::from(inv.issue) {
                self.write_day(rng, &mut w, book, done, std::mem::take(&mut days[done as usize]))?;
                done += 1;
            }
            plan_payments(&mut plan, k as u32, &inv, last, |p| days[p.day as usize].push(p));
        }
        while done <= last {
            self.write_day(rng, &mut w, book, done, std::mem::take(&mut days[done as usize]))?;
            done += 1;
        }
        w.out.finish()?;
        Ok((w.written, w.after_as_of))
    }

    /// One day's payments: `planned`, then those on account.
    fn write_day(
        &self,
        rng: &mut Rng,
        w: &mut PaymentRows,
        book: &mut Settlement,
        day: i32,
        planned: Vec<Payment>,
    ) -> Result<()> {
        let on_account = std::iter::from_fn(|| w.on_account.next_if(|p| p.day == day)).collect::<Vec<_>>();
        for mut p in planned.into_iter().chain(on_account) {
            book.settle(&mut p);
            self.write_payment(rng, &mut w.out, w.written, &p)?;
            w.written += 1;
            w.after_as_of += usize::from(p.day > self.as_of);
        }
        Ok(())
    }

    /// Payment `n` of the file, as settled.
    fn write_payment(&self, rng: &mut Rng, out: &mut Out, n: usize, p: &Payment) -> Result<()> {
        let invoice = p.invoice.map(|k| self.number(k)).unwrap_or_default();
        let reference = match (p.on_account, p.invoice, rng.u32(0..10)) {
            (true, _, _) => "预付款 / payment on account".to_string(),
            (false, Some(_), 0..5) => format!("货款 {invoice}"),
            (false, _, 0..8) => format!("{} {}", pick(rng, &["CMB", "ICBC", "CCB", "BOC"]), 100_000 + n),
            _ => String::new(),
        };
        out.row([
            self.cal.day(p.day),
            self.customers[p.customer as usize].code.as_str(),
            &money(i64::from(p.amount)),
            METHODS[usize::from(p.method)],
            &reference,
            &invoice,
        ])
    }

    /// Disputes on some overdue open invoices and holds on some customers with
    /// a balance over 90 days overdue, as a script of huikuan commands.
    fn write_actions(&self, rng: &mut Rng, open: &[Open], due: &[u16]) -> Result<(usize, usize)> {
        let (customers, as_of) = (self.customers, self.as_of);
        let mut overdue: Vec<Open> =
            open.iter().copied().filter(|o| i32::from(due[o.invoice as usize]) < as_of - 30).collect();
        let mut late: Vec<u32> =
            overdue.iter().filter(|o| i32::from(due[o.invoice as usize]) < as_of - 90).map(|o| o.customer).collect();
        late.sort_unstable();
        late.dedup();
        let disputes = (due.len() / 5_000).clamp(2, 100).min(overdue.len());
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
        for o in &overdue[..disputes] {
            let n = self.number(o.invoice);
            text.push_str(&format!("\"$h\" -q invoice dispute {n} --reason '{}'\n", pick(rng, REASONS)));
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
    fn write_bank(&self, rng: &mut Rng, open: &[Open], due: &[u16], balance: &[u32], lines: u32) -> Result<()> {
        let (cal, customers) = (&self.cal, self.customers);
        let mut out = Out::create(&self.dir, "bank.csv")?;
        out.row(["交易日期", "摘要", "收入金额", "支出金额", "余额", "对方户名", "对方账号", "流水号"])?;
        let mut by_customer: Vec<Vec<u32>> = customers.iter().map(|_| Vec::new()).collect();
        for o in open {
            by_customer[o.customer as usize].push(o.invoice);
        }
        for v in &mut by_customer {
            v.sort_by_key(|&k| (due[k as usize], k));
        }
        let mut cursor = vec![0usize; customers.len()];
        let mut used = vec![false; due.len()];
        let mut next = 0usize;
        let mut running: i64 = yuan(8_000_000);
        let first_day = self.as_of + 1 - STATEMENT_DAYS as i32;
        for line in 0..lines {
            let day = first_day + (u64::from(line) * u64::from(STATEMENT_DAYS) / u64::from(lines)) as i32;
            let reference = format!("{}{:07}", cal.compact(day), line + 1);
            let kind = rng.u32(0..100);
            while next < open.len() && used[open[next].invoice as usize] {
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
                (_, Some(Open { invoice: k, customer })) => {
                    used[k as usize] = true;
                    let c = &customers[customer as usize];
                    let n = self.number(k);
                    let account = if rng.bool() {
                        format!("62220{:014}", (u64::from(customer) + 1) * 7_919_993)
                    } else {
                        String::new()
                    };
                    let whole = i64::from(balance[k as usize]);
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
                            let list = &by_customer[customer as usize];
                            let at = &mut cursor[customer as usize];
                            while named.len() <= more as usize && *at < list.len() {
                                let other = list[*at];
                                *at += 1;
                                if !used[other as usize] {
                                    used[other as usize] = true;
                                    sum += i64::from(balance[other as usize]);
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

/// The payments' file as it is written.
struct PaymentRows {
    out: Out,
    /// The payments on account not yet written, in date order.
    on_account: std::iter::Peekable<std::vec::IntoIter<Payment>>,
    written: usize,
    after_as_of: usize,
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
