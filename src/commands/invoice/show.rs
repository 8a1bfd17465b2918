//! `huikuan invoice show`.

use serde::Serialize;

use crate::context::Ctx;
use crate::error::Result;
use crate::ledger::Money;
use crate::output::Format;
use crate::render::{Cell, Table, write_json};
use crate::store::Connection;
use crate::store::disputes::{self, Dispute};
use crate::store::invoices::{self, Facts, Invoice, Status};
use crate::store::plans::{self, Plan};

/// Show an invoice with its installments and what is left on each.
///
/// A rescheduled invoice also shows each payment plan: its date, what it
/// moved from which installments, its installments and its note; the
/// installments it replaced stay listed with what was moved off them.
///
/// Example:
///   huikuan invoice show INV-1001 --format json
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// Invoice number
    pub number: String,
}

#[derive(Serialize)]
struct InstallmentJson {
    due_date: chrono::NaiveDate,
    amount: Money,
    balance: Money,
    /// What a payment plan moved off it (only when it did).
    #[serde(skip_serializing_if = "nothing_moved")]
    moved: Money,
}

/// `invoice show --format json` (the contract: English keys, amounts as strings).
#[derive(Serialize)]
struct InvoiceJson {
    number: String,
    customer: String,
    issue_date: chrono::NaiveDate,
    amount: Money,
    balance: Money,
    status: Status,
    /// What was sold, as the table shows it (null when none was given).
    description: Option<String>,
    #[serde(flatten)]
    facts: Facts,
    installments: Vec<InstallmentJson>,
    /// Every dispute, oldest first: `opened`, `resolved` (null while open), `reason`.
    disputes: Vec<DisputeJson>,
    /// Every payment plan, oldest first: `date`, `note`, `level_before`,
    /// `replaced` and `installments` (each `seq`, `due_date`, `amount`);
    /// only for a rescheduled invoice.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    plans: Vec<Plan>,
}

fn nothing_moved(m: &Money) -> bool {
    m.is_zero()
}

#[derive(Serialize)]
struct DisputeJson {
    opened: chrono::NaiveDate,
    resolved: Option<chrono::NaiveDate>,
    reason: Option<String>,
}

pub fn run(ctx: &mut Ctx, a: Args) -> Result<()> {
    let mut book = ctx.open_book()?;
    let tx = book.read()?;
    print(ctx, &tx, &a.number)
}

/// Print one invoice in the context's format.
pub fn print(ctx: &mut Ctx, conn: &Connection, number: &str) -> Result<()> {
    let inv = invoices::get(conn, number)?;
    let disputes = disputes::of_invoice(conn, inv.id)?;
    let plans = plans::of_invoice(conn, inv.id)?;
    if ctx.format == Format::Json {
        return write_json(&mut ctx.out, &to_json(&inv, &disputes, plans));
    }
    let lang = ctx.lang;
    let status = inv.status();
    let mut head = Table::new(lang, &[("field", "项目"), ("value", "内容")]);
    let mut kv = |en: &str, zh: &str, v: Cell| head.push(vec![Cell::text(lang.pick(en, zh)), v]);
    kv("invoice", "发票", Cell::text(&inv.number));
    kv("customer", "客户", Cell::text(&inv.customer));
    kv("issued", "开票日", Cell::Date(inv.issue_date));
    kv("amount", "金额", Cell::Money(inv.amount));
    kv("balance", "余额", Cell::Money(inv.balance()));
    kv("status", "状态", Cell::text(lang.pick(status.as_str(), status.zh())));
    if let Some(d) = &inv.description {
        kv("description", "摘要", Cell::text(d));
    }
    if let Some((pct, days)) = &inv.discount {
        kv("discount", "现金折扣", Cell::text(format!("{pct}% / {days}")));
    }
    let f = &inv.facts;
    if let Some(net) = f.net {
        kv("net", "不含税金额", Cell::Money(net));
    }
    if let Some(tax) = f.tax {
        kv("tax", "税额", Cell::Money(tax));
    }
    for (en, zh, v) in [
        ("tax rate", "税率", &f.tax_rate),
        ("VAT invoice no.", "增值税发票号码", &f.vat_number),
        ("contract", "合同号", &f.contract),
        ("salesperson", "业务员", &f.salesperson),
    ] {
        if let Some(v) = v {
            kv(en, zh, Cell::text(v));
        }
    }
    for d in &disputes {
        let until = d.resolved.map_or_else(|| lang.pick("open", "未解决").to_string(), |r| r.to_string());
        let why = d.reason.as_deref().map(|r| format!(": {r}")).unwrap_or_default();
        kv("dispute", "争议", Cell::text(format!("{} – {until}{why}", d.opened)));
    }
    for p in &plans {
        let moved = p.moved();
        let seqs =
            |parts: &[plans::PlanPart]| parts.iter().map(|r| format!("#{}", r.seq)).collect::<Vec<_>>().join(" ");
        let why = p.note.as_deref().map(|n| format!(" — {n}")).unwrap_or_default();
        kv(
            "payment plan",
            "分期还款协议",
            Cell::text(lang.pick(
                &format!("{}: {moved} moved from {} to {}{why}", p.date, seqs(&p.replaced), seqs(&p.installments)),
                &format!("{}：{moved} 由 {} 转为 {}{why}", p.date, seqs(&p.replaced), seqs(&p.installments)),
            )),
        );
    }
    head.write(&mut ctx.out, ctx.format)?;
    if ctx.format == Format::Table {
        writeln!(ctx.out)?;
    }
    let mut headers = vec![("#", "#"), ("due", "到期日"), ("amount", "金额"), ("paid", "已收"), ("balance", "余额")];
    if !plans.is_empty() {
        headers.push(("moved to plan", "转入分期"));
    }
    let mut t = Table::new(lang, &headers);
    for i in &inv.installments {
        let mut row = vec![
            Cell::Int(i64::from(i.seq)),
            Cell::Date(i.due_date),
            Cell::Money(i.amount),
            Cell::Money(i.paid),
            Cell::Money(if inv.voided { Money::ZERO } else { i.balance() }),
        ];
        if !plans.is_empty() {
            row.push(if i.moved.is_positive() { Cell::Money(i.moved) } else { Cell::Empty });
        }
        t.push(row);
    }
    t.write(&mut ctx.out, ctx.format)
}

fn to_json(inv: &Invoice, disputes: &[Dispute], plans: Vec<Plan>) -> InvoiceJson {
    InvoiceJson {
        number: inv.number.clone(),
        customer: inv.customer.clone(),
        issue_date: inv.issue_date,
        amount: inv.amount,
        balance: inv.balance(),
        status: inv.status(),
        description: inv.description.clone(),
        facts: inv.facts.clone(),
        installments: inv
            .installments
            .iter()
            .map(|i| InstallmentJson {
                due_date: i.due_date,
                amount: i.amount,
                balance: if inv.voided { Money::ZERO } else { i.balance() },
                moved: i.moved,
            })
            .collect(),
        disputes: disputes
            .iter()
            .map(|d| DisputeJson { opened: d.opened, resolved: d.resolved, reason: d.reason.clone() })
            .collect(),
        plans,
    }
}

use std::io::Write;
