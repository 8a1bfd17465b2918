//! `huikuan report forecast`.

use std::collections::HashMap;
use std::io::Write;

use chrono::{Days, NaiveDate};
use serde::Serialize;

use crate::context::Ctx;
use crate::error::Result;
use crate::ledger::Money;
use crate::ledger::credit::suggest_score;
use crate::ledger::ladder::PromiseStatus;
use crate::output::Format;
use crate::render::{Cell, Table, write_json};
use crate::{reports, store};

/// Expected receipts per week, from due dates and open promises.
///
/// Each open installment is expected on its due date plus the customer's
/// historical average days late (amount-weighted, shown); an open promise
/// to pay is expected on its date, taken from what is overdue. What is
/// already overdue (and not promised) has its own row, as has what falls
/// beyond the last week. Disputed invoices are left out. Example:
///   huikuan report forecast --weeks 8
#[derive(Debug, clap::Args)]
pub struct Args {
    /// How many weeks ahead
    #[arg(long, default_value_t = 6, value_parser = clap::value_parser!(u32).range(1..=52))]
    pub weeks: u32,
}

#[derive(Serialize)]
struct CustomerJson {
    code: String,
    avg_days_late: String,
    overdue: Money,
    weeks: Vec<Money>,
    later: Money,
}

#[derive(Serialize)]
struct ForecastJson {
    as_of: NaiveDate,
    week_starts: Vec<NaiveDate>,
    overdue: Money,
    weeks: Vec<Money>,
    later: Money,
    customers: Vec<CustomerJson>,
}

pub fn run(ctx: &mut Ctx, a: Args) -> Result<()> {
    let as_of = ctx.as_of;
    let n = a.weeks as usize;
    let mut book = ctx.open_book()?;
    let tx = book.read()?;
    let history = store::aging::payment_history(&tx, as_of, None)?;
    let mut rows: HashMap<i64, CustomerJson> = HashMap::new();
    let mut codes: HashMap<i64, String> = HashMap::new();
    for c in store::customers::list(&tx)? {
        codes.insert(c.id, c.code);
    }
    let avg_late = |id: i64| -> i64 {
        history.get(&id).and_then(|h| suggest_score(h)).map_or(0, |s| s.avg_days_late.round().try_into().unwrap_or(0))
    };
    let mut lates: HashMap<i64, i64> = HashMap::new();
    reports::detail(&tx, as_of, None, |d| {
        if d.item.disputed {
            return Ok(());
        }
        let id = d.item.customer_id;
        let late = *lates.entry(id).or_insert_with(|| avg_late(id));
        let row = rows.entry(id).or_insert_with(|| CustomerJson {
            code: codes.get(&id).cloned().unwrap_or_default(),
            avg_days_late: late.to_string(),
            overdue: Money::ZERO,
            weeks: vec![Money::ZERO; n],
            later: Money::ZERO,
        });
        if d.days_past_due > 0 {
            row.overdue += d.balance;
        } else {
            let expected = d.item.due_date.checked_add_days(Days::new(late.max(0) as u64)).unwrap_or(d.item.due_date);
            let week = ((expected - as_of).num_days().max(0) / 7) as usize;
            match row.weeks.get_mut(week) {
                Some(w) => *w += d.balance,
                None => row.later += d.balance,
            }
        }
        Ok(())
    })?;
    // Open promises: expected on their date, out of what is overdue.
    for (id, row) in rows.iter_mut() {
        if let Some(p) = store::dunning::latest_promise(&tx, *id, as_of)?
            && p.status(as_of) == PromiseStatus::Open
        {
            let amount = (p.amount - p.paid_since).min(row.overdue).max(Money::ZERO);
            row.overdue -= amount;
            let week = ((p.date - as_of).num_days().max(0) / 7) as usize;
            match row.weeks.get_mut(week) {
                Some(w) => *w += amount,
                None => row.later += amount,
            }
        }
    }
    let mut customers: Vec<CustomerJson> = rows.into_values().collect();
    customers.sort_by(|a, b| a.code.cmp(&b.code));
    let out = ForecastJson {
        as_of,
        week_starts: (0..n).map(|i| as_of.checked_add_days(Days::new(7 * i as u64)).unwrap_or(as_of)).collect(),
        overdue: customers.iter().map(|c| c.overdue).sum(),
        weeks: (0..n).map(|i| customers.iter().map(|c| c.weeks[i]).sum()).collect(),
        later: customers.iter().map(|c| c.later).sum(),
        customers,
    };
    if ctx.format == Format::Json {
        return write_json(&mut ctx.out, &out);
    }
    let lang = ctx.lang;
    let mut t = Table::new(lang, &[("customer", "客户"), ("avg days late", "平均逾期天数"), ("overdue", "已逾期")]);
    t.headers.extend(out.week_starts.iter().map(|d| format!("{} {}", lang.pick("wk", "周"), d.format("%m-%d"))));
    t.headers.push(lang.pick("later", "以后").to_string());
    for c in &out.customers {
        let mut r = vec![Cell::text(&c.code), Cell::text(&c.avg_days_late), Cell::Money(c.overdue)];
        r.extend(c.weeks.iter().map(|m| Cell::Money(*m)));
        r.push(Cell::Money(c.later));
        t.push(r);
    }
    let mut r = vec![Cell::text(lang.pick("TOTAL", "合计")), Cell::Empty, Cell::Money(out.overdue)];
    r.extend(out.weeks.iter().map(|m| Cell::Money(*m)));
    r.push(Cell::Money(out.later));
    t.push(r);
    t.write(&mut ctx.out, ctx.format)?;
    if ctx.format == Format::Table {
        writeln!(
            ctx.out,
            "{}",
            lang.pick(
                "expected date = due date + the customer's average days late; open promises on their dates",
                "预计回款日 = 到期日 + 该客户历史平均逾期天数；承诺付款按承诺日期计"
            )
        )?;
    }
    Ok(())
}
