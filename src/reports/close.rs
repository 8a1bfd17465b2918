//! Closing a month: which month may be closed or reopened, and the aging
//! stored at close that reprints a closed month-end exactly.

use chrono::NaiveDate;

use super::aging::{aging_report, from_snapshot, to_json};
use crate::error::{Error, Result};
use crate::ledger::aging::{AgingReport, AgingRule, Basis, Buckets};
use crate::ledger::date::month_end;
use crate::store::{self, Connection};

/// A calendar month as a closing period.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Period {
    /// `YYYY-MM`, the key of the close.
    pub name: String,
    /// Its last day: every date up to it is locked by the close.
    pub through: NaiveDate,
}

impl Period {
    /// The month a date falls in.
    pub fn of(day: NaiveDate) -> Period {
        Period { name: day.format("%Y-%m").to_string(), through: month_end(day) }
    }

    /// Only a month that has ended can be closed.
    pub fn ensure_ended(&self, today: NaiveDate) -> Result<()> {
        if self.through < today {
            return Ok(());
        }
        let (period, through) = (&self.name, self.through);
        let from = through.succ_opt().unwrap_or(through);
        Err(Error::user(
            format!("{period} has not ended yet (it runs to {through}); close it from {from} on"),
            format!("{period} 尚未结束（至 {through}）；请于 {from} 起结账"),
        ))
    }
}

/// What a close stores: the aging as of the period's last day, by due date
/// with the default buckets, and its JSON; the settings it was closed with
/// and the figures it printed (provision and interest per customer), with
/// the digest of the period's rows.
pub struct Closing {
    pub aging: AgingReport,
    /// [`to_json`] of the aging, as stored in the book.
    pub snapshot: String,
    pub kept: store::close::Kept,
}

/// The figures a close keeps besides the aging, as JSON: provision and
/// interest per customer as of the period's last day, and the digest of
/// the rows the period holds.
fn figures(conn: &Connection, through: NaiveDate) -> Result<serde_json::Value> {
    let p = super::provision::compute(conn, through)?;
    let i = super::interest::interest_totals(conn, through, None)?;
    let provision: serde_json::Map<String, serde_json::Value> =
        p.customers.iter().map(|c| (c.code.clone(), c.provision.plain().into())).collect();
    let interest: serde_json::Map<String, serde_json::Value> =
        i.customers.iter().map(|c| (c.code.clone(), c.total.plain().into())).collect();
    Ok(serde_json::json!({
        "digest": store::close::rows_digest(conn, through)?,
        "provision": { "total": p.provision.plain(), "customers": provision },
        "interest": { "total": i.total.plain(), "customers": interest },
    }))
}

/// What changed in the months still closed since they were closed, one
/// line each: the aging per customer and bucket, the provision and the
/// interest per customer, the rows of the period (due dates, amounts,
/// customers, dates) and the chain of close records itself.
pub fn drift(conn: &Connection) -> Result<Vec<String>> {
    let mut out = store::close::chain_problems(conn)?;
    let rule = AgingRule { basis: Basis::Due, buckets: Buckets::default() };
    for c in store::close::closing_agings(conn)? {
        let p = &c.period;
        let Some(then) = from_snapshot(&c.aging_json) else {
            out.push(format!("closed period {p}: the aging stored at close does not read"));
            continue;
        };
        let now = aging_report(conn, &rule, c.through, None)?;
        let line = |r: &AgingReport, code: &str| r.lines.iter().find(|l| l.code == code).cloned();
        let mut codes: Vec<&str> = then.lines.iter().chain(&now.lines).map(|l| l.code.as_str()).collect();
        codes.sort_unstable();
        codes.dedup();
        for code in codes {
            let (a, b) = (line(&then, code), line(&now, code));
            let cell = |l: &Option<crate::ledger::aging::AgingLine>, k: usize| {
                l.as_ref().and_then(|l| l.cells.get(k).copied()).unwrap_or_default()
            };
            for (k, label) in then.labels.iter().enumerate() {
                let (was, is) = (cell(&a, k), cell(&b, k));
                if was != is {
                    out.push(format!("closed period {p}: {code} {label} was {was} at close, is {is} now"));
                }
            }
            let credit =
                |l: &Option<crate::ledger::aging::AgingLine>| l.as_ref().map(|l| l.unapplied).unwrap_or_default();
            if credit(&a) != credit(&b) {
                out.push(format!(
                    "closed period {p}: {code} unapplied credit was {} at close, is {} now",
                    credit(&a),
                    credit(&b)
                ));
            }
        }
    }
    for k in store::close::kept(conn)? {
        let Some(json) = &k.figures_json else { continue };
        let p = &k.period;
        let then: serde_json::Value = serde_json::from_str(json).unwrap_or_default();
        let now = figures(conn, k.through)?;
        if then["digest"] != now["digest"] {
            out.push(format!(
                "closed period {p}: rows dated in it were changed behind the program's back \
                 (a due date, amount, customer or date of an invoice, installment, payment or settlement)"
            ));
        }
        for what in ["provision", "interest"] {
            let (a, b) = (&then[what], &now[what]);
            if a["total"] != b["total"] {
                out.push(format!(
                    "closed period {p}: {what} was {} at close, is {} now",
                    a["total"].as_str().unwrap_or("?"),
                    b["total"].as_str().unwrap_or("?")
                ));
            }
        }
    }
    Ok(out)
}

/// The closing aging of a period, refused when the period is already closed
/// or when the aging does not tie out.
pub fn closing(conn: &Connection, period: &Period) -> Result<Closing> {
    let through = period.through;
    if let Some(locked) = store::locked_through(conn)?
        && locked >= through
    {
        let p = &period.name;
        return Err(Error::user(
            format!("{p} is already closed (the book is closed through {locked})"),
            format!("{p} 已结账（账本已结账至 {locked}）"),
        ));
    }
    let rule = AgingRule { basis: Basis::Due, buckets: Buckets::default() };
    let aging = aging_report(conn, &rule, through, None)?;
    if !aging.tie.balanced() {
        return Err(Error::user(
            format!("the aging as of {through} does not tie out; run huikuan check before closing"),
            format!("截至 {through} 的账龄不平；请先运行 huikuan check"),
        ));
    }
    let snapshot = serde_json::to_string(&to_json(&aging))?;
    // Rates the book never changed are written out first, so that a
    // change after the close adds rows after it.
    let settings = store::settings::load(conn)?;
    store::close::settle_rate_histories(conn, &settings.interest_rate.normalize().to_string())?;
    let kept = store::close::Kept {
        settings_json: store::settings::snapshot_json(conn)?,
        figures_json: serde_json::to_string(&figures(conn, through)?)?,
    };
    Ok(Closing { aging, snapshot, kept })
}

/// Only the latest closed month can be reopened.
pub fn ensure_latest(conn: &Connection, period: &Period) -> Result<()> {
    let latest = store::close::latest(conn)?;
    if latest.as_deref() == Some(period.name.as_str()) {
        return Ok(());
    }
    Err(Error::user(
        format!("only the latest closed month can be reopened ({})", latest.as_deref().unwrap_or("none is closed")),
        format!("只能重开最近结账的月份（{}）", latest.as_deref().unwrap_or("没有已结账月份")),
    ))
}

/// The aging stored when the month ending on `as_of` was closed, if one
/// still closed ends on it: a closed month-end reprints as it was closed.
pub fn closed_aging(conn: &Connection, as_of: NaiveDate) -> Result<Option<AgingReport>> {
    Ok(store::close::snapshot(conn, as_of)?.and_then(|json| from_snapshot(&json)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::example::{self, d, m};

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 48, ..Default::default() })]

        /// Whatever happens to a book after a month is closed (payments,
        /// voids, write-offs, payment plans, disputes and rate changes, on
        /// any day before or after the close), what the close stored still
        /// stands: the store refuses what would change it, and `check`'s
        /// comparison finds nothing moved.
        #[test]
        fn a_closed_month_does_not_move_whatever_happens_after_it(
            before in proptest::collection::vec(crate::store::balances_tests::op(), 1..25),
            after in proptest::collection::vec(crate::store::balances_tests::op(), 1..25),
        ) {
            let mut played = crate::store::balances_tests::Played::new();
            played.apply(&before);
            let conn = &played.book.conn;
            let period = Period::of(d("2026-02-01"));
            let closing = closing(conn, &period).unwrap();
            store::close::record(conn, &period.name, period.through, &closing.snapshot, &closing.kept).unwrap();
            proptest::prop_assert_eq!(drift(conn).unwrap(), Vec::<String>::new());
            played.apply(&after);
            let conn = &played.book.conn;
            proptest::prop_assert_eq!(drift(conn).unwrap(), Vec::<String>::new());
        }
    }

    #[test]
    fn a_month_can_be_closed_only_once_it_has_ended() {
        let p = Period::of(d("2026-02-14"));
        assert_eq!(p, Period { name: "2026-02".into(), through: d("2026-02-28") });
        assert!(p.ensure_ended(d("2026-02-28")).is_err());
        p.ensure_ended(d("2026-03-01")).unwrap();
    }

    #[test]
    fn a_closed_month_end_reprints_the_stored_aging_until_reopened() {
        let ex = example::book();
        let april = Period::of(d("2026-04-01"));
        let c = closing(&ex.book.conn, &april).unwrap();
        assert_eq!((c.aging.total, c.aging.unapplied), (m("1000.00"), m("200.00")));
        store::close::record(&ex.book.conn, &april.name, april.through, &c.snapshot, &c.kept).unwrap();
        assert_eq!(closed_aging(&ex.book.conn, april.through).unwrap(), Some(c.aging));
        assert_eq!(closed_aging(&ex.book.conn, d("2026-04-29")).unwrap(), None);

        assert!(closing(&ex.book.conn, &april).is_err(), "closed twice");
        assert!(ensure_latest(&ex.book.conn, &Period::of(d("2026-03-01"))).is_err());
        ensure_latest(&ex.book.conn, &april).unwrap();
        store::close::reopen(&ex.book.conn, &april.name, "late credit note").unwrap();
        assert_eq!(closed_aging(&ex.book.conn, april.through).unwrap(), None);
    }
}
