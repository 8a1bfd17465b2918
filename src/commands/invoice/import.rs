//! `huikuan invoice import`.

use std::collections::HashMap;
use std::path::PathBuf;

use chrono::NaiveDate;

use crate::context::Ctx;
use crate::error::Result;
use crate::import::csvfile::{Column, CsvFile};
use crate::ledger::Money;
use crate::ledger::schedule::{DuePlan, build_schedule};
use crate::parse::{date, positive_amount};
use crate::store::invoices::{self, Kind, NewInvoice};
use crate::store::{customers, events};

/// Import invoices from a CSV file (UTF-8 or GBK), e.g. to load history.
///
/// Header row required, columns in any order:
/// number,customer,issue_date,due_date,amount,description
/// (due_date optional: the customer's terms apply). Credit control does not
/// refuse imported invoices; the import reports how many customers end up
/// over their limit. Unapplied credit is applied to the new invoices. Any bad
/// row stops the whole import and every bad row is named as file:line. Example:
///   huikuan invoice import invoices.csv
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The CSV file
    pub file: PathBuf,
}

pub const COLUMNS: &[Column] = &[
    Column {
        key: "number",
        names: &["number", "invoice", "invoice_number", "发票号", "发票号码", "单号"],
        required: true,
    },
    Column { key: "customer", names: &["customer", "customer_code", "客户", "客户代码"], required: true },
    Column { key: "issue_date", names: &["issue_date", "date", "开票日期", "日期"], required: true },
    Column { key: "due_date", names: &["due_date", "due", "到期日", "到期日期"], required: false },
    Column { key: "amount", names: &["amount", "金额"], required: true },
    Column { key: "description", names: &["description", "desc", "摘要", "说明"], required: false },
];

pub fn run(ctx: &mut Ctx, a: Args) -> Result<()> {
    let csv = CsvFile::read(&a.file, COLUMNS)?;
    let mut book = ctx.open_book()?;
    let tx = book.write()?;
    let l = load(&tx, &csv, ctx.today)?;
    let over = customers::count_over_limit(&tx)?;
    let (n, total) = (l.count, l.total);
    events::record(&tx, "invoice import", &format!("imported {n} invoices ({total}) from {}", csv.file), None)?;
    tx.commit()?;
    ctx.note(
        &format!("imported {n} invoices totalling {total} from {} ({})", csv.file, csv.encoding.name()),
        &format!("已从 {} 导入 {n} 张发票，合计 {total}（{}）", csv.file, csv.encoding.name()),
    );
    if l.credit_applied.is_positive() {
        let c = l.credit_applied;
        ctx.note(&format!("applied {c} of unapplied credit"), &format!("已核销未核销预收 {c}"));
    }
    if over > 0 {
        ctx.warn(
            &format!("warning: {over} customer(s) are now over their credit limit (see huikuan customer list)"),
            &format!("警告：{over} 个客户现已超出信用额度（见 huikuan customer list）"),
        );
    }
    Ok(())
}

/// What an import loaded.
pub struct Loaded {
    pub count: usize,
    pub total: Money,
    pub credit_applied: Money,
}

/// Insert every invoice of the file; all or nothing (the caller commits).
pub fn load(tx: &rusqlite::Connection, csv: &CsvFile, today: NaiveDate) -> Result<Loaded> {
    // Customer code → (id, terms): looked up once per customer.
    let mut known: HashMap<String, (i64, u32)> = HashMap::new();
    let mut total = Money::ZERO;
    let mut credit = Money::ZERO;
    let count = csv.each_row(|row| {
        let code = csv.require(row, "customer")?;
        let (customer_id, terms) = match known.get(code) {
            Some(k) => *k,
            None => {
                let c = customers::get(tx, code)?;
                known.insert(code.to_string(), (c.id, c.terms_days));
                (c.id, c.terms_days)
            }
        };
        let issue = date("issue_date", csv.require(row, "issue_date")?, today)?;
        let plan = match csv.get(row, "due_date") {
            Some(d) => DuePlan::On(date("due_date", d, today)?),
            None => DuePlan::Terms(terms),
        };
        let amount = positive_amount("amount", csv.require(row, "amount")?)?;
        let schedule = build_schedule(issue, amount, &plan)?;
        let new = NewInvoice {
            number: csv.require(row, "number")?,
            customer_id,
            issue_date: issue,
            amount,
            description: csv.get(row, "description"),
            kind: Kind::Sale,
            discount: None,
            schedule: &schedule,
        };
        let (_, applied) = invoices::create(tx, &new, true)?;
        total += amount;
        credit += applied;
        Ok(())
    })?;
    Ok(Loaded { count, total, credit_applied: credit })
}
