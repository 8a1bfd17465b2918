//! `huikuan customer add`.

use crate::context::Ctx;
use crate::error::{Error, Result};
use crate::parse::{amount_at_least_zero, score};
use crate::store::customers::{self, NewCustomer};
use crate::store::events;

/// Add a customer.
///
/// CODE is the short name you type everywhere (unique, no spaces). When run on
/// a terminal without CODE or NAME, asks for each field. Example:
///   huikuan customer add HW "华为技术有限公司" --terms 60 --limit 500000 --score 85 \
///       --alias "华为" --account 6222020200001234567 --contact payer:王芳:13800000000 --salesperson 张伟
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// Short unique code, e.g. HW
    pub code: Option<String>,
    /// Legal name
    pub name: Option<String>,
    /// Payment terms in days (net)
    #[arg(long, value_name = "DAYS")]
    pub terms: Option<u32>,
    /// Credit limit (no limit when not given)
    #[arg(long, value_name = "AMOUNT", allow_negative_numbers = true)]
    pub limit: Option<String>,
    /// Credit score 0–100 (grade A ≥80, B 60–79, C 40–59, D <40)
    #[arg(long, value_name = "N")]
    pub score: Option<u32>,
    /// A name the customer appears under on bank statements (repeatable)
    #[arg(long, value_name = "NAME")]
    pub alias: Vec<String>,
    /// A bank account the customer pays from (repeatable)
    #[arg(long, value_name = "NO")]
    pub account: Vec<String>,
    /// A contact: ROLE:NAME[:PHONE[:EMAIL]], ROLE = decision|acceptance|payer (repeatable)
    #[arg(long, value_name = "CONTACT")]
    pub contact: Vec<String>,
    #[arg(long)]
    pub email: Option<String>,
    #[arg(long)]
    pub phone: Option<String>,
    #[arg(long)]
    pub notes: Option<String>,
    /// The salesperson (业务员) its invoices are credited to
    #[arg(long, value_name = "NAME")]
    pub salesperson: Option<String>,
}

pub fn run(ctx: &mut Ctx, mut a: Args) -> Result<()> {
    if a.code.is_none() || a.name.is_none() {
        if !ctx.interactive {
            return Err(Error::usage(
                "customer add needs CODE and NAME (e.g. huikuan customer add HW \"华为技术有限公司\")",
                "customer add 需要 CODE 和 NAME（例如 huikuan customer add HW \"华为技术有限公司\"）",
            ));
        }
        ask_missing(ctx, &mut a)?;
    }
    let code = crate::parse::customer_code(a.code.unwrap_or_default().trim())?.to_string();
    let name = a.name.unwrap_or_default().trim().to_string();
    let mut c = NewCustomer {
        code: code.clone(),
        name: name.clone(),
        terms_days: a.terms,
        credit_limit: a.limit.as_deref().map(|l| amount_at_least_zero("--limit", l)).transpose()?,
        credit_score: a.score.map(|s| score("--score", s)).transpose()?,
        email: a.email,
        phone: a.phone,
        notes: a.notes,
        salesperson: a.salesperson,
        aliases: a.alias,
        accounts: a.account,
        contacts: Vec::new(),
    };
    for ct in &a.contact {
        c.contacts.push(crate::parse::contact("--contact", ct)?);
    }
    let mut book = ctx.open_book_to_write()?;
    let tx = book.write()?;
    customers::insert(&tx, &c, ctx.today)?;
    events::record(
        &tx,
        "customer add",
        &format!("added customer {code} {name}"),
        &format!("添加客户 {code} {name}"),
        None,
    )?;
    tx.commit()?;
    ctx.note(&format!("added customer {code} ({name})"), &format!("已添加客户 {code}（{name}）"));
    Ok(())
}

/// Ask for every field on the terminal; empty answers leave optional fields unset.
fn ask_missing(ctx: &Ctx, a: &mut Args) -> Result<()> {
    if a.code.is_none() {
        a.code = Some(ctx.prompt("Code (short, unique)", "客户代码（简短、唯一）", false)?);
    }
    if a.name.is_none() {
        a.name = Some(ctx.prompt("Legal name", "客户全称", false)?);
    }
    if a.terms.is_none() {
        let t = ctx.prompt("Payment terms in days [30]", "账期天数 [30]", true)?;
        if !t.trim().is_empty() {
            a.terms = Some(
                t.trim()
                    .parse()
                    .map_err(|_| Error::user(format!("'{t}' is not a number of days"), format!("“{t}”不是天数")))?,
            );
        }
    }
    if a.limit.is_none() {
        a.limit = Some(ctx.prompt("Credit limit [none]", "信用额度 [不设]", true)?).filter(|s| !s.trim().is_empty());
    }
    if a.score.is_none() {
        let s = ctx.prompt("Credit score 0-100 [unscored]", "信用评分 0-100 [暂不评分]", true)?;
        if !s.trim().is_empty() {
            a.score = Some(
                s.trim().parse().map_err(|_| Error::user(format!("'{s}' is not a score"), format!("“{s}”不是评分")))?,
            );
        }
    }
    Ok(())
}
