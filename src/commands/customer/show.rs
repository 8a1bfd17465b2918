//! `huikuan customer show`.

use serde::Serialize;

use crate::context::Ctx;
use crate::error::Result;
use crate::ledger::Money;
use crate::ledger::credit::Grade;
use crate::output::Format;
use crate::render::{Cell, Table, write_json};
use crate::store::customers::{self, Contact};
use crate::store::invoices::{self, ListFilter, Status};

/// Show one customer: details, contacts, credit, balances and open invoices.
///
/// Example:
///   huikuan customer show HW
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Customer code
    pub code: String,
}

#[derive(Serialize)]
struct OpenInvoice {
    number: String,
    issue_date: chrono::NaiveDate,
    next_due: Option<chrono::NaiveDate>,
    amount: Money,
    balance: Money,
    status: Status,
}

#[derive(Serialize)]
struct Details {
    code: String,
    name: String,
    terms_days: u32,
    credit_limit: Option<Money>,
    credit_score: Option<u8>,
    grade: Option<&'static str>,
    on_hold: bool,
    hold_reason: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    notes: Option<String>,
    aliases: Vec<String>,
    accounts: Vec<String>,
    contacts: Vec<Contact>,
    open: Money,
    unapplied: Money,
    balance: Money,
    invoices: Vec<OpenInvoice>,
}

pub fn run(ctx: &mut Ctx, a: Args) -> Result<()> {
    let mut book = ctx.open_book()?;
    let tx = book.read()?;
    let c = customers::get(&tx, &a.code)?;
    let b = customers::balances(&tx, c.id)?;
    let invoices: Vec<OpenInvoice> =
        invoices::list(&tx, &ListFilter { customer_id: Some(c.id), ..ListFilter::default() })?
            .into_iter()
            .filter(|r| matches!(r.status, Status::Open | Status::Disputed))
            .map(|r| OpenInvoice {
                number: r.number,
                issue_date: r.issue_date,
                next_due: r.next_due,
                amount: r.amount,
                balance: r.balance,
                status: r.status,
            })
            .collect();
    let d = Details {
        grade: c.credit_score.map(|s| Grade::from_score(s).letter()),
        code: c.code,
        name: c.name,
        terms_days: c.terms_days,
        credit_limit: c.credit_limit,
        credit_score: c.credit_score,
        on_hold: c.on_hold,
        hold_reason: c.hold_reason,
        email: c.email,
        phone: c.phone,
        notes: c.notes,
        aliases: c.aliases,
        accounts: c.accounts,
        contacts: c.contacts,
        open: b.open,
        unapplied: b.credit,
        balance: b.net(),
        invoices,
    };
    if ctx.format == Format::Json {
        return write_json(&mut ctx.out, &d);
    }
    let lang = ctx.lang;
    let mut t = Table::new(lang, &[("field", "项目"), ("value", "内容")]);
    let mut kv = |en: &str, zh: &str, v: Cell| t.push(vec![Cell::text(lang.pick(en, zh)), v]);
    kv("code", "代码", Cell::text(&d.code));
    kv("name", "名称", Cell::text(&d.name));
    kv("terms (days)", "账期（天）", Cell::Int(i64::from(d.terms_days)));
    kv("credit limit", "信用额度", Cell::opt_money(d.credit_limit));
    let grade = match (d.credit_score, d.grade) {
        (Some(s), Some(g)) => {
            let (en, zh) = Grade::from_score(s).policy();
            Cell::text(format!("{s} → {g} ({})", lang.pick(en, zh)))
        }
        _ => Cell::text(lang.pick("unscored", "未评分")),
    };
    kv("score → grade", "评分 → 等级", grade);
    if d.on_hold {
        let why = d.hold_reason.as_deref().unwrap_or("");
        kv("on hold", "停止供货", Cell::text(format!("{} {why}", lang.pick("yes", "是")).trim().to_string()));
    }
    kv("email", "邮箱", Cell::opt_text(d.email.as_deref()));
    kv("phone", "电话", Cell::opt_text(d.phone.as_deref()));
    kv("aliases", "别名", Cell::text(d.aliases.join("; ")));
    kv("bank accounts", "银行账号", Cell::text(d.accounts.join("; ")));
    for ct in &d.contacts {
        let role = match ct.role {
            customers::Role::Decision => lang.pick("decision maker", "决策人"),
            customers::Role::Acceptance => lang.pick("acceptance", "验收人"),
            customers::Role::Payer => lang.pick("payer", "付款人"),
        };
        let bits: Vec<&str> =
            [Some(ct.name.as_str()), ct.phone.as_deref(), ct.email.as_deref()].into_iter().flatten().collect();
        kv(role, role, Cell::text(bits.join(", ")));
    }
    kv("notes", "备注", Cell::opt_text(d.notes.as_deref()));
    kv("open invoices", "未结发票", Cell::Money(d.open));
    kv("unapplied credit", "未核销预收", Cell::Money(d.unapplied));
    kv("balance", "余额", Cell::Money(d.balance));
    t.write(&mut ctx.out, ctx.format)?;
    if !d.invoices.is_empty() {
        let mut inv = Table::new(
            lang,
            &[
                ("invoice", "发票"),
                ("issued", "开票日"),
                ("next due", "下一到期日"),
                ("amount", "金额"),
                ("balance", "余额"),
                ("status", "状态"),
            ],
        );
        for i in &d.invoices {
            inv.push(vec![
                Cell::text(&i.number),
                Cell::Date(i.issue_date),
                i.next_due.map_or(Cell::Empty, Cell::Date),
                Cell::Money(i.amount),
                Cell::Money(i.balance),
                Cell::text(lang.pick(i.status.as_str(), i.status.zh())),
            ]);
        }
        if ctx.format == Format::Table {
            writeln!(ctx.out)?;
        }
        inv.write(&mut ctx.out, ctx.format)?;
    }
    Ok(())
}

use std::io::Write;
