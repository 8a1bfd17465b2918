//! `huikuan customer import`.

use std::collections::HashSet;
use std::path::PathBuf;

use crate::context::Ctx;
use crate::error::{Error, Result};
use crate::import::csvfile::{Column, CsvFile};
use crate::parse::{amount_at_least_zero, score};
use crate::store::customers::{self, NewCustomer};
use crate::store::events;

/// Import customers from a CSV file (UTF-8 or GBK).
///
/// Header row required, columns in any order:
/// code,name,terms_days,credit_limit,credit_score,email,phone,aliases
/// (aliases separated by `;`; only code and name are required). Any bad row
/// stops the whole import and every bad row is named as file:line. Example:
///   huikuan customer import customers.csv
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The CSV file
    pub file: PathBuf,
}

pub const COLUMNS: &[Column] = &[
    Column { key: "code", names: &["code", "customer_code", "代码", "客户代码"], required: true },
    Column { key: "name", names: &["name", "legal_name", "名称", "客户名称", "公司名称"], required: true },
    Column { key: "terms_days", names: &["terms_days", "terms", "账期", "账期天数"], required: false },
    Column { key: "credit_limit", names: &["credit_limit", "limit", "信用额度"], required: false },
    Column { key: "credit_score", names: &["credit_score", "score", "信用评分", "评分"], required: false },
    Column { key: "email", names: &["email", "邮箱"], required: false },
    Column { key: "phone", names: &["phone", "电话"], required: false },
    Column { key: "aliases", names: &["aliases", "alias", "别名"], required: false },
];

pub fn run(ctx: &mut Ctx, a: Args) -> Result<()> {
    let csv = CsvFile::read(&a.file, COLUMNS)?;
    let mut book = ctx.open_book()?;
    let tx = book.write()?;
    let n = load(&tx, &csv, ctx.today)?;
    events::record(&tx, "customer import", &format!("imported {n} customers from {}", csv.file), None)?;
    tx.commit()?;
    ctx.note(
        &format!("imported {n} customers from {} ({})", csv.file, csv.encoding.name()),
        &format!("已从 {} 导入 {n} 个客户（{}）", csv.file, csv.encoding.name()),
    );
    Ok(())
}

/// Insert every customer of the file; all or nothing (the caller commits).
pub fn load(tx: &rusqlite::Connection, csv: &CsvFile, today: chrono::NaiveDate) -> Result<usize> {
    let mut seen = HashSet::new();
    csv.each_row(|row| {
        let code = csv.require(row, "code")?;
        if !seen.insert(code.to_lowercase()) {
            return Err(Error::user(
                format!("customer code '{code}' appears twice in the file"),
                format!("客户代码“{code}”在文件中重复"),
            ));
        }
        let terms = csv
            .get(row, "terms_days")
            .map(|t| {
                t.parse::<u32>().map_err(|_| {
                    Error::user(format!("terms_days: '{t}' is not a number of days"), format!("账期：“{t}”不是天数"))
                })
            })
            .transpose()?;
        let limit = csv.get(row, "credit_limit").map(|l| amount_at_least_zero("credit_limit", l)).transpose()?;
        let score = csv
            .get(row, "credit_score")
            .map(|s| {
                s.parse::<u32>()
                    .map_err(|_| {
                        Error::user(format!("credit_score: '{s}' is not a number"), format!("评分：“{s}”不是数字"))
                    })
                    .and_then(|n| score("credit_score", n))
            })
            .transpose()?;
        let c = NewCustomer {
            code: code.to_string(),
            name: csv.require(row, "name")?.to_string(),
            terms_days: terms,
            credit_limit: limit,
            credit_score: score,
            email: csv.get(row, "email").map(str::to_string),
            phone: csv.get(row, "phone").map(str::to_string),
            notes: None,
            aliases: csv
                .get(row, "aliases")
                .map(|s| s.split([';', '；']).map(str::trim).filter(|a| !a.is_empty()).map(str::to_string).collect())
                .unwrap_or_default(),
            accounts: Vec::new(),
            contacts: Vec::new(),
        };
        customers::insert(tx, &c, today)?;
        Ok(())
    })
}
