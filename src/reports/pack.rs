//! The month-end pack: the reports of a period on one printable page — the
//! aging by due date, the bad-debt provision, the month's collection
//! metrics and the bank lines still waiting to be matched.

use chrono::{Datelike, NaiveDate};

use super::aging::aging_report;
use crate::ledger::Money;
use crate::ledger::aging::{AgingReport, AgingRule, Basis, Buckets};
use crate::ledger::metrics::PeriodFigures;
use crate::store::{self, Connection, Result};

/// A bank line still waiting in the queue.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unmatched {
    pub id: i64,
    pub date: NaiveDate,
    pub amount: Money,
    pub counterparty: String,
    pub memo: String,
}

/// One age bucket of the provision schedule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProvisionRow {
    /// The age, in the reader's language.
    pub label: String,
    pub balance: Money,
    /// The rate in percent, as configured (`30`, `12.5`).
    pub rate: String,
    pub provision: Money,
}

impl From<(String, Money, String, Money)> for ProvisionRow {
    /// A row of `report provision`'s schedule: (label, balance, rate %, provision).
    fn from((label, balance, rate, provision): (String, Money, String, Money)) -> ProvisionRow {
        ProvisionRow { label, balance, rate, provision }
    }
}

/// Everything on the page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pack {
    pub company: String,
    /// The aging by due date with the default buckets, as of the pack date.
    pub aging: AgingReport,
    /// The period of the metrics: the month of the pack date, up to it.
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub metrics: PeriodFigures,
    pub provision: Vec<ProvisionRow>,
    pub provision_total: Money,
    /// Queued bank lines dated up to the pack date.
    pub unmatched: Vec<Unmatched>,
}

/// The first day of the month a date falls in: where the pack's metrics start.
pub fn month_start(day: NaiveDate) -> NaiveDate {
    day.with_day(1).unwrap_or(day)
}

/// The pack as of a date, given the month's collection figures and the
/// provision schedule (both computed by their own reports).
pub fn pack(conn: &Connection, as_of: NaiveDate, metrics: PeriodFigures, provision: Vec<ProvisionRow>) -> Result<Pack> {
    let rule = AgingRule { basis: Basis::Due, buckets: Buckets::default() };
    let aging = aging_report(conn, &rule, as_of, None)?;
    let unmatched = store::bank::queued(conn)?
        .into_iter()
        .filter(|l| l.date <= as_of)
        .map(|l| Unmatched {
            id: l.id,
            date: l.date,
            amount: l.amount,
            counterparty: l.counterparty.unwrap_or_default(),
            memo: l.memo.unwrap_or_default(),
        })
        .collect();
    Ok(Pack {
        company: store::book_settings(conn)?.company,
        aging,
        from: month_start(as_of),
        to: as_of,
        metrics,
        provision_total: provision.iter().map(|p| p.provision).sum(),
        provision,
        unmatched,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::example::{self, d, m};

    #[test]
    fn the_pack_totals_the_provision_and_ages_as_of_its_date() {
        let ex = example::book();
        let row = |label: &str, balance: &str, rate: &str, provision: &str| {
            ProvisionRow::from((label.to_string(), m(balance), rate.to_string(), m(provision)))
        };
        let provision = vec![row("<=1y", "1000.00", "5", "50.00"), row("1-2y", "0", "10", "0.00")];
        let p = pack(&ex.book.conn, d("2026-04-30"), PeriodFigures::default(), provision).unwrap();
        assert_eq!((p.company.as_str(), p.from, p.to), ("Test Co.", d("2026-04-01"), d("2026-04-30")));
        assert_eq!(p.provision_total, m("50.00"));
        assert_eq!(p.aging.total, m("1000.00"));
        assert!(p.unmatched.is_empty());
    }
}
