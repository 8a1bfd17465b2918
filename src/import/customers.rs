//! The customer import format (`huikuan customer import`): CSV rows into
//! the book, every bad row named as file:line, all or nothing.

use std::collections::HashSet;

use chrono::NaiveDate;

use crate::error::{Error, Result};
use crate::import::csvfile::{Column, CsvFile};
use crate::parse::{amount_at_least_zero, customer_code, score};
use crate::store::Connection;
use crate::store::customers::{self, NewCustomer};

/// The columns: code,name,terms_days,credit_limit,credit_score,email,phone,aliases
/// (aliases separated by `;`; only code and name are required), each under
/// its English or Chinese names.
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

/// Insert every customer of the file; all or nothing (the caller commits).
pub fn load(tx: &Connection, csv: &CsvFile, today: NaiveDate) -> Result<usize> {
    let mut seen = HashSet::new();
    csv.each_row(|row| {
        let code = customer_code(csv.require(row, "code")?)?;
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
            salesperson: None,
        };
        customers::insert(tx, &c, today)?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::test_book::TODAY;
    use crate::store::Book;

    fn file(text: &str) -> CsvFile {
        CsvFile::parse("customers.csv", text.as_bytes(), COLUMNS).unwrap()
    }

    #[test]
    fn every_row_is_inserted_with_its_aliases() {
        let mut book = Book::in_memory();
        let tx = book.conn.transaction().unwrap();
        let csv = file("code,name,terms_days,aliases\nACME,Acme Ltd.,45,ACME CO;艾克米\nBETA,Beta GmbH,,\n");
        assert_eq!(load(&tx, &csv, TODAY).unwrap(), 2);
        let acme = customers::get(&tx, "ACME").unwrap();
        assert_eq!((acme.name.as_str(), acme.terms_days), ("Acme Ltd.", 45));
        assert!(customers::get(&tx, "BETA").is_ok());
    }

    #[test]
    fn a_bad_row_is_named_by_file_and_line_and_nothing_is_written() {
        let mut book = Book::in_memory();
        let csv = file("code,name,credit_score\nACME,Acme Ltd.,80\nBETA,Beta GmbH,101\nacme,Again,\n");
        let tx = book.conn.transaction().unwrap();
        let e = load(&tx, &csv, TODAY).unwrap_err().to_string();
        drop(tx);
        assert!(e.contains("customers.csv:3: credit_score: 101"), "{e}");
        assert!(e.contains("customers.csv:4: customer code 'acme' appears twice"), "{e}");
        assert!(customers::get(&book.conn, "ACME").is_err(), "the good row is rolled back with the rest");
    }
}
