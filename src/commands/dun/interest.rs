//! `huikuan dun interest`.

use std::io::Write;

use rust_decimal::Decimal;
use serde::Serialize;

use crate::context::Ctx;
use crate::error::Result;
use crate::ledger::Money;
use crate::output::{Format, Lang};
use crate::render::{Cell, Table, write_json};
use crate::reports;
use crate::store::customers;

/// Late interest (违约金) accrued as of a date, per customer and invoice.
///
/// Simple interest at the book's daily rate (default 0.05 %; a customer may
/// have its own) on each overdue installment that is still open at the
/// as-of date, from the day after its due date until each part of it was
/// paid, or until the as-of date; grace days are not charged; rounded once per
/// installment. Disputed invoices and interest invoices bear no interest.
/// Shown only: it becomes a receivable when posted with `dun charge-interest`,
/// and what was posted is not shown again. Examples:
///   huikuan dun interest --as-of 2026-10-31
///   huikuan dun interest HW --detail
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only this customer
    pub customer: Option<String>,
    /// Show each part of each installment with its days, rate and amount
    #[arg(long)]
    pub detail: bool,
}

#[derive(Serialize)]
struct InvoiceJson {
    number: String,
    interest: Money,
}

#[derive(Serialize)]
struct CustomerJson {
    code: String,
    rate_per_day: String,
    total: Money,
    invoices: Vec<InvoiceJson>,
}

#[derive(Serialize)]
struct InterestJson {
    as_of: chrono::NaiveDate,
    rate_per_day: String,
    grace_days: i64,
    total: Money,
    customers: Vec<CustomerJson>,
}

/// A rate as a percentage per day: 0.0005 → "0.05%".
pub fn percent(rate: Decimal) -> String {
    format!("{}%", (rate * Decimal::ONE_HUNDRED).normalize())
}

pub fn run(ctx: &mut Ctx, a: Args) -> Result<()> {
    let mut book = ctx.open_book()?;
    let tx = book.read()?;
    let only = a.customer.as_deref().map(|c| customers::require_id(&tx, c)).transpose()?;
    let terms = reports::Terms::load(&tx)?;
    let lang = ctx.lang;
    let mut summary = InterestJson {
        as_of: ctx.as_of,
        rate_per_day: terms.book().rate_per_day.normalize().to_string(),
        grace_days: terms.book().grace_days,
        total: Money::ZERO,
        customers: Vec::new(),
    };
    let mut detail = Table::new(
        lang,
        &[
            ("customer", "客户"),
            ("invoice", "发票"),
            ("due", "到期日"),
            ("part", "金额"),
            ("until", "计至"),
            ("days", "天数"),
            ("rate/day", "日利率"),
            ("exact", "精确值"),
            ("accrued", "累计违约金"),
            ("posted", "已入账"),
            ("interest due", "未入账违约金"),
        ],
    );
    reports::detail(&tx, ctx.as_of, only, |d| {
        let Some(i) = d.interest.as_ref() else { return Ok(()) };
        let due = d.interest_due();
        if due.is_zero() {
            return Ok(());
        }
        if summary.customers.last().is_none_or(|c| c.code != d.item.customer) {
            summary.customers.push(CustomerJson {
                code: d.item.customer.clone(),
                rate_per_day: d.terms.rate_per_day.normalize().to_string(),
                total: Money::ZERO,
                invoices: Vec::new(),
            });
        }
        let c = summary.customers.last_mut().expect("just pushed");
        c.total += due;
        summary.total += due;
        match c.invoices.iter_mut().find(|v| v.number == d.item.invoice) {
            Some(v) => v.interest += due,
            None => c.invoices.push(InvoiceJson { number: d.item.invoice.clone(), interest: due }),
        }
        for (k, acc) in i.accruals.iter().enumerate() {
            let last = k + 1 == i.accruals.len();
            detail.push(vec![
                Cell::text(&d.item.customer),
                Cell::text(&d.item.invoice),
                Cell::Date(d.item.due_date),
                Cell::Money(acc.amount),
                Cell::Date(acc.until),
                Cell::Int(acc.days),
                Cell::text(percent(d.terms.rate_per_day)),
                Cell::text(acc.exact.normalize().to_string()),
                if last { Cell::Money(i.interest) } else { Cell::Empty },
                if last { Cell::Money(d.posted) } else { Cell::Empty },
                if last { Cell::Money(due) } else { Cell::Empty },
            ]);
        }
        Ok(())
    })?;
    summary.customers.retain(|c| !c.total.is_zero());
    summary.customers.sort_by(|a, b| b.total.cmp(&a.total).then_with(|| a.code.cmp(&b.code)));
    if ctx.format == Format::Json {
        return write_json(&mut ctx.out, &summary);
    }
    if a.detail {
        detail.write(&mut ctx.out, ctx.format)?;
    } else {
        let mut t = Table::new(lang, &[("customer", "客户"), ("invoice", "发票"), ("interest", "违约金")]);
        for c in &summary.customers {
            for v in &c.invoices {
                t.push(vec![Cell::text(&c.code), Cell::text(&v.number), Cell::Money(v.interest)]);
            }
        }
        t.push(vec![Cell::text(lang.pick("TOTAL", "合计")), Cell::Empty, Cell::Money(summary.total)]);
        t.write(&mut ctx.out, ctx.format)?;
    }
    let grace = terms.book().grace_days;
    let formula = match lang {
        Lang::En => format!(
            "interest = Σ part × {} per day × (days late − {grace} grace), rounded once per installment; as of {}",
            percent(terms.book().rate_per_day),
            ctx.as_of
        ),
        Lang::Zh => format!(
            "违约金 = Σ 逾期金额 × 日利率 {} × （逾期天数 − 宽限 {grace} 天），每期四舍五入一次；截至 {}",
            percent(terms.book().rate_per_day),
            ctx.as_of
        ),
    };
    if ctx.format == Format::Table {
        writeln!(ctx.out, "{formula}")?;
    } else {
        ctx.note(&formula, &formula);
    }
    Ok(())
}
