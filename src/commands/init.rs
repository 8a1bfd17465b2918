//! `huikuan init`: create a book explicitly.

use crate::context::Ctx;
use crate::error::{Error, Result};
use crate::store::{Book, NewBook};

/// Create a new, empty book.
///
/// A book is also created on first use of any command; `init` lets you name
/// the company and the currency up front. Example:
///   huikuan init --company "上海示例贸易有限公司" --currency CNY
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// Your company's name, printed on letters and statements
    #[arg(long, default_value = "")]
    pub company: String,
    /// The book's one currency (ISO 4217 code)
    #[arg(long, default_value = "CNY")]
    pub currency: String,
}

pub fn run(ctx: &mut Ctx, a: Args) -> Result<()> {
    let currency = a.currency.trim().to_ascii_uppercase();
    if currency.len() != 3 || !currency.bytes().all(|b| b.is_ascii_alphabetic()) {
        return Err(Error::user(
            format!("--currency: '{}' is not a three-letter currency code such as CNY", a.currency),
            format!("--currency：“{}”不是三位币种代码（如 CNY）", a.currency),
        ));
    }
    Book::create(&ctx.db, &NewBook { company: a.company.trim(), currency: &currency })?;
    let p = ctx.db.display();
    ctx.note(&format!("created a new book at {p} ({currency})"), &format!("已在 {p} 新建账本（{currency}）"));
    Ok(())
}
