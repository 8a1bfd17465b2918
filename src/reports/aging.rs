//! The aging report: buckets per customer, the unapplied credit and the
//! tie-out, as of a date.

use chrono::NaiveDate;

use crate::ledger::aging::{AgingReport, AgingRule};
use crate::store::{Connection, Result, aging};

/// The aging report as of a date, optionally for one customer.
pub fn aging_report(conn: &Connection, rule: &AgingRule, as_of: NaiveDate, only: Option<i64>) -> Result<AgingReport> {
    let data = aging::aging(conn, rule, as_of, only)?;
    let names = data.customers.into_iter().map(|c| (c.code, c.name)).collect();
    Ok(AgingReport::build(as_of, rule, names, &data.grid, &data.unapplied, data.tie))
}
