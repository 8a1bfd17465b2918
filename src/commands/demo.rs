//! `huikuan demo`: a demo book from the sample files in `examples/`; with
//! `--generate DIR`, the import files of a large made-up book instead.

mod generate;

use std::path::PathBuf;

use chrono::{Days, NaiveDate};

use std::io::Write;

use crate::commands::{dun, report};
use crate::context::{Ctx, data_dir};
use crate::error::{Error, Result};
use crate::import;
use crate::import::csvfile::CsvFile;
use crate::store::{Book, NewBook, customers, disputes, events, invoices};

/// Build a demo book from built-in sample data; print its aging report and
/// today's collection worklist.
///
/// Eight customers (Chinese and English names), two years of invoices,
/// on-time, late and partial payments, a prepayment left as credit, a
/// disputed invoice and a customer on hold. The sample files (in examples/
/// of the source tree, built into the program) are dated around 2026-11-22;
/// the demo moves every date so that day is today. Writes a fresh
/// demo.sqlite in the data directory, or the new file given with --db; never
/// your own book.
///
/// With --generate DIR it writes no book: it writes the import files of a
/// large made-up book (customers.csv, invoices.csv, payments.csv, a bank
/// statement bank.csv and actions.sh with disputes and holds) for the
/// benchmark, dated up to --as-of (default today); the same seed gives the
/// same files. Examples:
///   huikuan demo
///   huikuan --db /tmp/demo.sqlite demo --lang zh
///   huikuan demo --generate big/ --customers 10000 --invoices 1000000 --seed 1
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// Write the import files of a large made-up book into DIR instead
    #[arg(long, value_name = "DIR")]
    pub generate: Option<PathBuf>,
    /// With --generate: how many customers (at most 1,000,000)
    #[arg(long, requires = "generate", default_value_t = 10_000,
          value_parser = clap::value_parser!(u32).range(1..=i64::from(MAX_CUSTOMERS)))]
    pub customers: u32,
    /// With --generate: how many invoices (at most 100,000,000)
    #[arg(long, requires = "generate", default_value_t = 1_000_000,
          value_parser = clap::value_parser!(u32).range(..=i64::from(MAX_INVOICES)))]
    pub invoices: u32,
    /// With --generate: how many bank statement lines
    #[arg(long, requires = "generate", default_value_t = 100_000)]
    pub bank_lines: u32,
    /// With --generate: the random seed (the same seed gives the same files)
    #[arg(long, requires = "generate", default_value_t = 1)]
    pub seed: u64,
}

/// The largest made-up book `--generate` writes. It holds about 10 bytes
/// per invoice and 300 per customer (see `generate`: 322 MB for 10^6 of
/// each): past these, a typing slip would fill the memory before a single
/// file is complete, so it is refused at the command line instead.
pub const MAX_INVOICES: u32 = 100_000_000;
pub const MAX_CUSTOMERS: u32 = 1_000_000;

/// The date the sample files are written around.
pub const ANCHOR: (i32, u32, u32) = (2026, 11, 22);

const CUSTOMERS: &[u8] = include_bytes!("../../examples/customers.csv");
const INVOICES: &[u8] = include_bytes!("../../examples/invoices.csv");
const PAYMENTS: &[u8] = include_bytes!("../../examples/payments.csv");

/// The invoice the demo marks as disputed, and the customer it puts on hold.
const DISPUTED: &str = "INV-2026081";
const ON_HOLD: (&str, &str, &str) = ("MH", "over 90 days overdue, supply stopped", "逾期超过 90 天，停止供货");

pub fn run(ctx: &mut Ctx, a: Args) -> Result<()> {
    if let Some(dir) = &a.generate {
        return run_generate(ctx, dir, &a);
    }
    let path = demo_path(ctx)?;
    let anchor = NaiveDate::from_ymd_opt(ANCHOR.0, ANCHOR.1, ANCHOR.2).expect("valid anchor");
    let shift = (ctx.today - anchor).num_days();
    let move_date = move |d: &str| -> String {
        match NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d") {
            Ok(d) if shift >= 0 => d.checked_add_days(Days::new(shift as u64)).unwrap_or(d).to_string(),
            Ok(d) => d.checked_sub_days(Days::new(shift.unsigned_abs())).unwrap_or(d).to_string(),
            Err(_) => d.to_string(),
        }
    };
    let customers_csv = CsvFile::parse("examples/customers.csv", CUSTOMERS, import::customers::COLUMNS)?;
    let mut invoices_csv = CsvFile::parse("examples/invoices.csv", INVOICES, import::invoices::COLUMNS)?;
    let mut payments_csv = CsvFile::parse("examples/payments.csv", PAYMENTS, import::payments::COLUMNS)?;
    invoices_csv.map_column("issue_date", move_date);
    invoices_csv.map_column("due_date", move_date);
    payments_csv.map_column("date", move_date);

    let mut book = Book::create(&path, &NewBook { company: "示例贸易有限公司 (Demo Trading Co.)", currency: "CNY" })?;
    let tx = book.write()?;
    let nc = import::customers::load(&tx, &customers_csv, ctx.today)?;
    let inv = import::invoices::load(&tx, &invoices_csv, ctx.today)?;
    let np = import::payments::load(&tx, &payments_csv, ctx.today)?.count;
    let disputed = invoices::get(&tx, DISPUTED)?;
    // In dispute since it was issued: it bears no late interest.
    disputes::open(&tx, disputed.id, &disputed.number, disputed.issue_date, Some("3 units damaged / 3 台货损"))?;
    let held = customers::require_id(&tx, ON_HOLD.0)?;
    customers::set_hold(&tx, held, true, Some(ON_HOLD.1), Some(ON_HOLD.2), ctx.today)?;
    let ni = inv.count;
    let (en, zh) = (
        format!("demo book: {nc} customers, {ni} invoices, {np} payments"),
        format!("示例账簿：{nc} 个客户，{ni} 张发票，{np} 笔收款"),
    );
    events::record(&tx, "demo", &en, &zh, None)?;
    tx.commit()?;
    drop(book);

    let p = path.display();
    ctx.note(
        &format!(
            "demo book at {p}: {nc} customers, {} invoices, {np} payments (try: huikuan --db {p} customer list)",
            inv.count
        ),
        &format!(
            "示例账本 {p}：{nc} 个客户、{} 张发票、{np} 笔收款（试试：huikuan --db {p} customer list）",
            inv.count
        ),
    );
    ctx.db = path;
    report::aging::run(ctx, report::aging::Args::default())?;
    if ctx.format == crate::output::Format::Table {
        writeln!(ctx.out)?;
    }
    dun::list::run(ctx, dun::list::Args { customer: None, level: None, salesperson: None, out: Default::default() })
}

/// `--db PATH` (which must not exist yet), else `<data dir>/demo.sqlite`,
/// replaced if an earlier demo left one.
fn demo_path(ctx: &Ctx) -> Result<PathBuf> {
    if let Some(p) = &ctx.db_flag {
        if p.exists() {
            return Err(Error::user(
                format!("{} exists; the demo builds a new book — give a path that does not exist", p.display()),
                format!("{} 已存在；示例需要新建账本——请给出一个不存在的路径", p.display()),
            ));
        }
        return Ok(p.clone());
    }
    let dir = data_dir().ok_or_else(|| {
        Error::user("cannot find a data directory; pass --db PATH", "找不到数据目录；请使用 --db PATH")
    })?;
    let path = dir.join("demo.sqlite");
    for suffix in ["", "-wal", "-shm"] {
        let f = PathBuf::from(format!("{}{suffix}", path.display()));
        if f.exists() {
            std::fs::remove_file(&f).map_err(Error::from)?;
        }
    }
    Ok(path)
}

fn run_generate(ctx: &mut Ctx, dir: &std::path::Path, a: &Args) -> Result<()> {
    let spec = generate::Spec {
        customers: a.customers,
        invoices: a.invoices,
        bank_lines: a.bank_lines,
        seed: a.seed,
        as_of: ctx.as_of,
    };
    let generate::Summary { customers, invoices, payments, after_as_of, open, bank_lines, disputes, holds } =
        generate::generate(dir, &spec)?;
    let (d, as_of, seed) = (dir.display(), ctx.as_of, a.seed);
    ctx.note(
        &format!(
            "wrote to {d}: {customers} customers, {invoices} invoices, {payments} payments ({after_as_of} after \
             {as_of}), {bank_lines} bank lines; {open} invoices left open; actions.sh: {disputes} disputes, \
             {holds} holds (seed {seed})"
        ),
        &format!(
            "已写入 {d}：{customers} 个客户、{invoices} 张发票、{payments} 笔收款（{after_as_of} 笔在 {as_of} 之后）、\
             {bank_lines} 条银行流水；{open} 张发票未结清；actions.sh：{disputes} 张争议发票、{holds} 个停止供货（种子 {seed}）"
        ),
    );
    Ok(())
}
