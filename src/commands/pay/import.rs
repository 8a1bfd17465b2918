//! `huikuan pay import`.

use std::collections::HashMap;
use std::path::PathBuf;

use chrono::NaiveDate;

use crate::context::Ctx;
use crate::error::Result;
use crate::import::csvfile::{Column, CsvFile};
use crate::ledger::Money;
use crate::parse::{date, positive_amount};
use crate::store::payments::{self, Method, NewPayment, Source};
use crate::store::{customers, events};

/// Import payments from a CSV file (UTF-8 or GBK).
///
/// Header row required, columns in any order:
/// date,customer,amount,method,reference,invoice
/// (method defaults to bank; with an invoice the payment goes to it, else to
/// the oldest due installments). Rows are applied in file order. Any bad row
/// stops the whole import and every bad row is named as file:line. Example:
///   huikuan pay import payments.csv
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The CSV file
    pub file: PathBuf,
}

pub const COLUMNS: &[Column] = &[
    Column { key: "date", names: &["date", "payment_date", "日期", "收款日期"], required: true },
    Column { key: "customer", names: &["customer", "customer_code", "客户", "客户代码"], required: true },
    Column { key: "amount", names: &["amount", "金额"], required: true },
    Column { key: "method", names: &["method", "方式", "收款方式"], required: false },
    Column { key: "reference", names: &["reference", "ref", "参考号", "备注"], required: false },
    Column { key: "invoice", names: &["invoice", "invoice_number", "发票号", "发票号码"], required: false },
];

pub fn run(ctx: &mut Ctx, a: Args) -> Result<()> {
    let csv = CsvFile::read(&a.file, COLUMNS)?;
    let mut book = ctx.open_book()?;
    let tx = book.write()?;
    let (n, total) = load(&tx, &csv, ctx.today)?;
    events::record(&tx, "pay import", &format!("imported {n} payments ({total}) from {}", csv.file), None)?;
    tx.commit()?;
    ctx.note(
        &format!("imported {n} payments totalling {total} from {} ({})", csv.file, csv.encoding.name()),
        &format!("已从 {} 导入 {n} 笔收款，合计 {total}（{}）", csv.file, csv.encoding.name()),
    );
    Ok(())
}

/// Record and allocate every payment of the file, in file order; all or
/// nothing (the caller commits). Returns the count and the total.
pub fn load(tx: &rusqlite::Connection, csv: &CsvFile, today: NaiveDate) -> Result<(usize, Money)> {
    let mut known: HashMap<String, i64> = HashMap::new();
    let mut total = Money::ZERO;
    let n = csv.each_row(|row| {
        let code = csv.require(row, "customer")?;
        let customer_id = match known.get(code) {
            Some(id) => *id,
            None => {
                let id = customers::require_id(tx, code)?;
                known.insert(code.to_string(), id);
                id
            }
        };
        let date = date("date", csv.require(row, "date")?, today)?;
        let amount = positive_amount("amount", csv.require(row, "amount")?)?;
        let method = match csv.get(row, "method") {
            Some(m) => crate::parse::parse_method("method", m)?,
            None => Method::Bank,
        };
        let invoices: Vec<String> = csv.get(row, "invoice").map(|s| vec![s.to_string()]).unwrap_or_default();
        let to = super::allocate_to(tx, customer_id, code, &invoices)?;
        let p = NewPayment {
            customer_id,
            date,
            amount,
            method,
            reference: csv.get(row, "reference"),
            source: Source::Import,
            auto_apply: true,
        };
        payments::record(tx, &p, &to)?;
        total += amount;
        Ok(())
    })?;
    Ok((n, total))
}
