//! Collection metrics for a period: invoiced, collected, what fell due,
//! 回款率, DSO and CEI, per customer and in total.
//!
//!   回款率 = collected on what fell due in the period ÷ what fell due × 100
//!   DSO    = ending AR ÷ credit sales × days in the period
//!   CEI    = (beginning AR + credit sales − ending AR)
//!            ÷ (beginning AR + credit sales − ending current AR) × 100

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::ledger::Money;
use crate::ledger::aging::{AgingRule, Basis, Buckets};
use crate::ledger::metrics::PeriodFigures;
use crate::store::{Connection, Result, aging};

/// A customer's code, name and figures for the period.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CustomerFigures {
    pub code: String,
    pub name: String,
    pub figures: PeriodFigures,
}

/// The collection report of a period: the customers with any figures, and
/// the book's total.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Collection {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Days in the period, both ends counted.
    pub days: i64,
    pub customers: Vec<CustomerFigures>,
    pub total: PeriodFigures,
}

/// The figures of the period `from..=to` per customer (those with any) and
/// in total. Beginning AR is the due-date aging the day before `from`,
/// ending AR the aging on `to`, its current bucket the ending current AR.
pub fn figures(conn: &Connection, from: NaiveDate, to: NaiveDate) -> Result<Collection> {
    let days = (to - from).num_days() + 1;
    let rule = AgingRule { basis: Basis::Due, buckets: Buckets::default() };
    let begin = aging::aging(conn, &rule, from.pred_opt().unwrap_or(from), None)?;
    let end = aging::aging(conn, &rule, to, None)?;
    let sums = aging::period_sums(conn, from, to)?;
    let get = |m: &HashMap<i64, Money>, id: i64| m.get(&id).copied().unwrap_or_default();
    let mut total = PeriodFigures { days, ..PeriodFigures::default() };
    let mut customers = Vec::new();
    for (i, c) in end.customers.iter().enumerate() {
        let f = PeriodFigures {
            beginning_ar: begin.grid.row_total(i),
            ending_ar: end.grid.row_total(i),
            ending_current: end.grid.cells[i][0],
            credit_sales: get(&sums.sales, c.id),
            collected: get(&sums.collected, c.id),
            fell_due: get(&sums.fell_due, c.id),
            collected_on_due: get(&sums.collected_on_due, c.id),
            days,
        };
        total.add(&f);
        if f != (PeriodFigures { days, ..PeriodFigures::default() }) {
            customers.push(CustomerFigures { code: c.code.clone(), name: c.name.clone(), figures: f });
        }
    }
    Ok(Collection { from, to, days, customers, total })
}
