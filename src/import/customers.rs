//! The customer import format (`huikuan customer import`): CSV rows into
//! the book, every bad row named as file:line, all or nothing. A row the
//! book already holds (imported before, same content) is skipped; a column
//! the format does not know is refused, never dropped.

use std::collections::HashSet;

use chrono::NaiveDate;

use crate::error::{Error, Result};
use crate::import::csvfile::{Column, CsvFile};
use crate::import::fingerprint::RowPrints;
use crate::parse::{amount_at_least_zero, customer_code, score};
use crate::store::Connection;
use crate::store::customers::{self, NewCustomer};
use crate::store::imported::Kind;

/// The columns: code,name,terms_days,credit_limit,credit_score,email,phone,aliases,
/// accounts,contacts,salesperson,lang (lang: the customer's own language
/// for letters and statements, en or zh; aliases and accounts separated by `;`, contacts
/// `ROLE:NAME:PHONE:EMAIL` separated by `;`; only code and name are
/// required), each under its English or Chinese names.
pub const COLUMNS: &[Column] = &[
    Column { key: "code", names: &["code", "customer_code", "代码", "客户代码"], required: true },
    Column { key: "name", names: &["name", "legal_name", "名称", "客户名称", "公司名称"], required: true },
    Column { key: "terms_days", names: &["terms_days", "terms", "账期", "账期天数"], required: false },
    Column { key: "credit_limit", names: &["credit_limit", "limit", "信用额度"], required: false },
    Column { key: "credit_score", names: &["credit_score", "score", "信用评分", "评分"], required: false },
    Column { key: "email", names: &["email", "邮箱"], required: false },
    Column { key: "phone", names: &["phone", "电话"], required: false },
    Column { key: "aliases", names: &["aliases", "alias", "别名"], required: false },
    Column {
        key: "accounts",
        names: &["accounts", "account", "bank_accounts", "账号", "银行账号", "银行账户"],
        required: false,
    },
    Column { key: "contacts", names: &["contacts", "contact", "联系人"], required: false },
    Column { key: "salesperson", names: &["salesperson", "sales", "业务员", "销售"], required: false },
    Column { key: "lang", names: &["lang", "language", "语言"], required: false },
];

/// What an import loaded.
#[derive(Debug)]
pub struct Loaded {
    /// Customers added.
    pub count: usize,
    /// Rows skipped because the book already holds them.
    pub skipped: usize,
}

/// Insert every customer of the file the book does not hold yet; returns
/// how many were added. All or nothing (the caller commits).
pub fn load(tx: &Connection, csv: &CsvFile, today: NaiveDate) -> Result<usize> {
    import(tx, csv, today).map(|l| l.count)
}

/// Refuse a customer file with a column the format does not know (a column
/// is never dropped silently), naming it and the columns there are.
pub fn check_columns(csv: &CsvFile) -> Result<()> {
    if csv.unknown_columns().is_empty() {
        return Ok(());
    }
    let unknown = csv.unknown_columns().iter().map(|c| format!("'{c}'")).collect::<Vec<_>>().join(", ");
    let known = COLUMNS.iter().map(|c| c.key).collect::<Vec<_>>().join(", ");
    Err(Error::user(
        format!("unknown column(s) {unknown} in a customer file; the columns are {known}"),
        format!("客户文件中有未知列 {unknown}；可用的列为 {known}"),
    )
    .at(&csv.file, csv.header_line))
}

/// [`load`], saying how many rows were added and how many skipped.
pub fn import(tx: &Connection, csv: &CsvFile, today: NaiveDate) -> Result<Loaded> {
    check_columns(csv)?;
    let mut seen = HashSet::new();
    let mut prints = RowPrints::new(tx, Kind::Customer, today)?;
    // Every name and alias, read once: each row's aliases are checked against it.
    let mut holders = customers::Holders::load(tx)?;
    let rows = csv.each_row(|row| {
        let code = customer_code(csv.require(row, "code")?)?;
        if !seen.insert(code.to_lowercase()) {
            return Err(Error::user(
                format!("customer code '{code}' appears twice in the file"),
                format!("客户代码“{code}”在文件中重复"),
            ));
        }
        let print = prints.check(csv, row);
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
            aliases: list(csv.get(row, "aliases")),
            accounts: list(csv.get(row, "accounts")),
            contacts: list(csv.get(row, "contacts"))
                .iter()
                .map(|c| crate::parse::contact("contacts", c))
                .collect::<Result<_>>()?,
            salesperson: csv.get(row, "salesperson").map(str::to_string),
        };
        let lang = csv.get(row, "lang").map(language).transpose()?;
        let id = match customers::insert_checked(tx, &c, today, Some(&mut holders), Some(&print)) {
            Ok(id) => id,
            Err(e) if prints.already(tx, &e, &print)? => return Ok(()),
            Err(e) => return Err(prints.refused(tx, e)),
        };
        if lang.is_some() {
            customers::set_lang(tx, id, lang)?;
        }
        // The fingerprint went in with the customer.
        prints.kept(id);
        Ok(())
    })?;
    prints.finish(tx)?;
    Ok(Loaded { count: rows - prints.skipped, skipped: prints.skipped })
}

/// The `lang` column: the customer's own language for its letters and
/// statements, `en` or `zh` (also `English`, `中文` …).
fn language(cell: &str) -> Result<crate::output::Lang> {
    match cell.trim().to_lowercase().as_str() {
        "en" | "english" | "英文" | "英语" => Ok(crate::output::Lang::En),
        "zh" | "chinese" | "中文" | "汉语" => Ok(crate::output::Lang::Zh),
        _ => Err(Error::user(
            format!("lang: '{}' is not a language (en or zh)", crate::output::visible(cell)),
            format!("语言：“{}”不是可用的语言（en 或 zh）", crate::output::visible(cell)),
        )),
    }
}

/// A `;`-separated list (a full-width `；` too), blanks left out.
fn list(cell: Option<&str>) -> Vec<String> {
    cell.map(|s| s.split([';', '；']).map(str::trim).filter(|a| !a.is_empty()).map(str::to_string).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::test_book::TODAY;
    use crate::store::Book;
    use crate::store::customers::Role;

    fn file(text: &str) -> CsvFile {
        CsvFile::parse("customers.csv", text.as_bytes(), COLUMNS).unwrap()
    }

    #[test]
    fn a_customers_own_language_is_read_from_the_lang_column_and_anything_else_is_refused() {
        let mut book = Book::in_memory();
        let tx = book.conn.transaction().unwrap();
        let csv = file("code,name,语言\nACME,Acme Ltd.,English\n华远,深圳华远,zh\nBETA,Beta GmbH,\n");
        assert_eq!(import(&tx, &csv, TODAY).unwrap().count, 3);
        let lang = |code: &str| customers::lang_of(&tx, customers::require_id(&tx, code).unwrap()).unwrap();
        assert_eq!(
            (lang("ACME"), lang("华远"), lang("BETA")),
            (Some(crate::output::Lang::En), Some(crate::output::Lang::Zh), None)
        );
        let bad = file("code,name,lang\nGAMMA,Gamma,fr\n");
        let e = import(&tx, &bad, TODAY).unwrap_err();
        assert!(e.to_string().starts_with("customers.csv:2: lang: 'fr' is not a language (en or zh)"), "{e}");
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
    fn accounts_and_contacts_are_read_from_their_columns() {
        let mut book = Book::in_memory();
        let tx = book.conn.transaction().unwrap();
        let csv = file(
            "code,name,accounts,联系人\nACME,Acme Ltd.,6222 0001; 6222-0002,payer:王芳:13800000000:wang@acme.example；决策人:李雷\n",
        );
        assert_eq!(import(&tx, &csv, TODAY).unwrap().count, 1);
        let acme = customers::get(&tx, "ACME").unwrap();
        assert_eq!(acme.accounts.len(), 2, "{:?}", acme.accounts);
        let roles: Vec<_> = acme.contacts.iter().map(|c| (c.role, c.name.as_str())).collect();
        assert!(roles.contains(&(Role::Payer, "王芳")) && roles.contains(&(Role::Decision, "李雷")), "{roles:?}");
        let payer = acme.contacts.iter().find(|c| c.role == Role::Payer).unwrap();
        assert_eq!((payer.phone.as_deref(), payer.email.as_deref()), (Some("13800000000"), Some("wang@acme.example")));
    }

    #[test]
    fn an_unknown_column_is_refused_naming_it() {
        let mut book = Book::in_memory();
        let tx = book.conn.transaction().unwrap();
        let csv = file("code,name,cutoff_day\nACME,Acme Ltd.,25\n");
        let e = import(&tx, &csv, TODAY).unwrap_err().to_string();
        assert!(
            e.starts_with("customers.csv:1: unknown column(s) 'cutoff_day' in a customer file; the columns are code,"),
            "{e}"
        );
    }

    #[test]
    fn a_second_import_skips_the_rows_already_in_the_book() {
        let mut book = Book::in_memory();
        let tx = book.conn.transaction().unwrap();
        let first = import(&tx, &file("code,name,terms_days\nACME,Acme Ltd.,45\n"), TODAY).unwrap();
        assert_eq!((first.count, first.skipped), (1, 0));
        let again = import(&tx, &file("name,code,terms_days\nAcme Ltd.,ACME,045\nBETA,BETA\n"), TODAY).unwrap();
        assert_eq!((again.count, again.skipped), (1, 1));
        let e = import(&tx, &file("code,name,terms_days\nACME,Acme Ltd.,60\n"), TODAY).unwrap_err().to_string();
        assert!(e.contains("customers.csv:2: customer 'ACME' is already in the book with other content"), "{e}");
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
