//! The month-end pack: the reports of a period on one printable page — the
//! aging by due date, the bad-debt provision, the month's collection
//! metrics and the bank lines still waiting to be matched.

use chrono::{Datelike, NaiveDate};

use super::aging::aging_report;
use super::provision::Provision;
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
    /// The bad-debt provision as of the pack date.
    pub provision: Provision,
    /// Queued bank lines dated up to the pack date.
    pub unmatched: Vec<Unmatched>,
}

/// The first day of the month a date falls in: where the pack's metrics start.
pub fn month_start(day: NaiveDate) -> NaiveDate {
    day.with_day(1).unwrap_or(day)
}

/// The pack as of a date: the aging, the month's collection figures and the
/// provision (each computed by its own report) and the unmatched bank lines.
pub fn pack(conn: &Connection, as_of: NaiveDate) -> Result<Pack> {
    let metrics = super::collection::figures(conn, month_start(as_of), as_of)?.total;
    let provision = super::provision::compute(conn, as_of)?;
    let rule = AgingRule { basis: Basis::Due, buckets: Buckets::default() };
    let aging = aging_report(conn, &rule, as_of, None)?;
    let mut unmatched = Vec::new();
    store::bank::each_queued(conn, |l| -> Result<()> {
        if l.date <= as_of {
            unmatched.push(Unmatched {
                id: l.id,
                date: l.date,
                amount: l.amount,
                counterparty: l.counterparty.unwrap_or_default(),
                memo: l.memo.unwrap_or_default(),
            });
        }
        Ok(())
    })?;
    Ok(Pack {
        company: store::settings::load_as_of(conn, as_of)?.company,
        aging,
        from: month_start(as_of),
        to: as_of,
        metrics,
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
        let p = pack(&ex.book.conn, d("2026-04-30")).unwrap();
        assert_eq!((p.company.as_str(), p.from, p.to), ("Test Co.", d("2026-04-01"), d("2026-04-30")));
        assert_eq!(p.aging.total, m("1000.00"));
        // Everything is under a year old: 1,000.00 at 5 %.
        assert_eq!(p.provision.balance, m("1000.00"));
        assert_eq!(p.provision.provision, m("50.00"));
        assert!(p.unmatched.is_empty());
    }
}
