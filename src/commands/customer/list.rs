//! `huikuan customer list`.

use serde::Serialize;

use crate::commands::sheet;
use crate::context::Ctx;
use crate::error::Result;
use crate::ledger::Money;
use crate::ledger::credit::Grade;
use crate::output::Format;
use crate::render::{Cell, Table, write_json};
use crate::store::customers;

/// List customers with grade, credit limit and balance.
///
/// Balance is open invoices minus unapplied credit. Examples:
///   huikuan customer list --format csv > customers.csv
///   huikuan customer list --salesperson 张伟
///   huikuan customer list --format xlsx --out customers.xlsx
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// Only customers on hold
    #[arg(long)]
    pub on_hold: bool,
    /// Only the customers of this salesperson (业务员)
    #[arg(long, value_name = "NAME")]
    pub salesperson: Option<String>,
    #[command(flatten)]
    pub out: crate::commands::sheet::Out,
}

/// One customer in `customer list --format json`.
#[derive(Serialize)]
struct Row {
    code: String,
    name: String,
    grade: Option<&'static str>,
    credit_limit: Option<Money>,
    balance: Money,
    on_hold: bool,
    /// Only when the customer has one (the list's contract is otherwise unchanged).
    #[serde(skip_serializing_if = "Option::is_none")]
    salesperson: Option<String>,
}

pub fn run(ctx: &mut Ctx, a: Args) -> Result<()> {
    sheet::check(ctx, &a.out)?;
    let mut book = ctx.open_book()?;
    let tx = book.read()?;
    let only = a.salesperson.as_deref().map(|n| customers::require_salesperson(&tx, n)).transpose()?;
    let salespeople = customers::salespeople(&tx)?;
    let rows: Vec<Row> = customers::list(&tx)?
        .into_iter()
        .filter(|r| !a.on_hold || r.on_hold)
        .filter(|r| only.is_none() || salespeople.get(&r.id) == only.as_ref())
        .map(|r| Row {
            salesperson: salespeople.get(&r.id).cloned(),
            grade: r.credit_score.map(|s| Grade::from_score(s).letter()),
            code: r.code,
            name: r.name,
            credit_limit: r.credit_limit,
            balance: r.balances.net(),
            on_hold: r.on_hold,
        })
        .collect();
    if ctx.format == Format::Json {
        return write_json(&mut ctx.out, &rows);
    }
    let mut t = Table::new(
        ctx.lang,
        &[
            ("code", "代码"),
            ("name", "名称"),
            ("grade", "等级"),
            ("credit limit", "信用额度"),
            ("balance", "余额"),
            ("on hold", "停止供货"),
        ],
    );
    let yes = ctx.t("yes", "是").to_string();
    for r in rows {
        t.push(vec![
            Cell::text(r.code),
            Cell::text(r.name),
            Cell::opt_text(r.grade),
            Cell::opt_money(r.credit_limit),
            Cell::Money(r.balance),
            if r.on_hold { Cell::text(yes.clone()) } else { Cell::Empty },
        ]);
    }
    sheet::table(ctx, &a.out, &t, &[])
}
