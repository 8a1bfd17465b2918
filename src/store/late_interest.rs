//! The interest earned by late parts of installments settled in full, kept
//! per installment (schema upgrade 9).
//!
//! Interest a part earned by being paid late stays owed after it is paid
//! (DESIGN §2), so the worklist's interest column needs every installment
//! ever settled late — most of the history. Once an installment is settled
//! in full its accrual no longer changes with the as-of date, so it is
//! computed once and kept in `late_interest`, and the worklist reads that
//! table instead of every settlement in the book.
//!
//! The table is a cache, never the record, and it is never trusted blindly:
//!
//! - triggers queue an installment in `late_interest_pending` whenever
//!   anything its interest is computed from changes (see upgrade 9);
//! - [`refresh`] recomputes what is queued, and every write transaction runs
//!   it before it commits ([`super::Tx::commit`]);
//! - a reader uses the table only when nothing is queued and the terms as of
//!   its date are the terms it was computed with ([`usable`]); otherwise it
//!   computes from the history, as before;
//! - `huikuan check` recomputes everything and names any installment whose
//!   kept figure differs ([`differences`]).

use std::collections::HashMap;

use chrono::NaiveDate;
use rusqlite::{Connection, params};

use super::interest::{Terms, dispute_spans};
use super::{Result, date_col, date_sql, money_col};
use crate::ledger::Money;
use crate::ledger::interest::{Settlement, installment_interest};

/// The last day the book knows: "as of the end of time", for the spans and
/// terms an installment settled in full is computed with.
const END: NaiveDate = NaiveDate::from_ymd_opt(9999, 12, 31).unwrap();

/// One kept figure: an installment settled in full with a part settled after
/// its due date, and the interest its late parts earned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Kept {
    pub installment_id: i64,
    pub customer_id: i64,
    /// It counts as settled late as of this day and after.
    pub counts_from: NaiveDate,
    pub accrued: Money,
}

/// Whether anything is queued for recomputation.
fn pending(conn: &Connection) -> Result<bool> {
    Ok(conn.prepare_cached("SELECT EXISTS (SELECT 1 FROM late_interest_pending)")?.query_row([], |r| r.get(0))?)
}

/// Whether the kept figures answer for `as_of`: nothing is queued, and the
/// grace days and book rate in force for that date (a closed month keeps
/// those it was closed with) are today's, which the figures were computed
/// with.
pub fn usable(conn: &Connection, as_of: NaiveDate) -> Result<bool> {
    if pending(conn)? {
        return Ok(false);
    }
    let then = super::settings::load_as_of(conn, as_of)?;
    let now = super::settings::load(conn)?;
    Ok(then.grace_days == now.grace_days && then.interest_rate == now.interest_rate)
}

/// The kept figures that count as of `as_of` (optionally of one customer).
/// Only meaningful when [`usable`] says so.
pub fn kept(conn: &Connection, as_of: NaiveDate, only: Option<i64>, mut f: impl FnMut(Kept)) -> Result<()> {
    let mut stmt = conn.prepare_cached(
        "SELECT installment_id, customer_id, counts_from, accrued FROM late_interest
         WHERE counts_from <= ?1 AND (?2 IS NULL OR customer_id = ?2)",
    )?;
    let mut rows = stmt.query(params![date_sql(as_of), only])?;
    while let Some(r) = rows.next()? {
        f(kept_row(r)?);
    }
    Ok(())
}

/// The kept figures that count as of `as_of` (optionally of one customer)
/// still owed, summed per customer: each installment's accrued interest
/// less what of it was posted or waived (`less`, by installment), never
/// below zero. Read from the totals kept per customer (schema upgrade 17),
/// one row each, less the figures that count only after the date (read by
/// date from their own index): never the half million figures of a large
/// book one by one. Only the installments in `less` are read singly, to
/// apply their deductions. Only meaningful when [`usable`] says so.
pub fn owed_by_customer(
    conn: &Connection,
    as_of: NaiveDate,
    only: Option<i64>,
    less: &HashMap<i64, Money>,
) -> Result<HashMap<i64, Money>> {
    let as_of_s = date_sql(as_of);
    // Each customer's kept total, less its figures that count only after
    // the date (settled later): those few are read from the index by date.
    let mut counting: HashMap<i64, (Money, i64)> = HashMap::new();
    // One customer's rows are sought in its own entries (each case has its
    // SQL: a plan for "every customer or this one" reads them all).
    let (totals, later) = match only {
        None => (
            "SELECT customer_id, accrued, items FROM late_interest_totals WHERE ?1 IS NULL",
            "SELECT customer_id, accrued FROM late_interest INDEXED BY late_interest_from
             WHERE counts_from > ?1 AND ?2 IS NULL",
        ),
        Some(_) => (
            "SELECT customer_id, accrued, items FROM late_interest_totals WHERE customer_id = ?1",
            "SELECT customer_id, accrued FROM late_interest INDEXED BY late_interest_customer
             WHERE customer_id = ?2 AND counts_from > ?1",
        ),
    };
    let mut stmt = conn.prepare_cached(totals)?;
    let mut rows = stmt.query([only])?;
    while let Some(r) = rows.next()? {
        counting.insert(r.get(0)?, (money_col(r, 1)?, r.get(2)?));
    }
    let mut stmt = conn.prepare_cached(later)?;
    let mut rows = stmt.query(params![as_of_s, only])?;
    while let Some(r) = rows.next()? {
        let kept = counting.entry(r.get(0)?).or_default();
        kept.0 -= money_col(r, 1)?;
        kept.1 -= 1;
    }
    // A customer none of whose figures counts by the date owes none.
    let mut owed: HashMap<i64, Money> =
        counting.into_iter().filter(|(_, (_, items))| *items > 0).map(|(c, (accrued, _))| (c, accrued)).collect();
    let mut one = conn.prepare_cached(
        "SELECT customer_id, accrued FROM late_interest
         WHERE installment_id = ?1 AND counts_from <= ?2 AND (?3 IS NULL OR customer_id = ?3)",
    )?;
    for (&installment, &less) in less {
        let mut rows = one.query(params![installment, as_of_s, only])?;
        if let Some(r) = rows.next()? {
            let accrued = money_col(r, 1)?;
            *owed.entry(r.get(0)?).or_default() += (accrued - less).max(Money::ZERO) - accrued;
        }
    }
    Ok(owed)
}

/// A kept figure from its columns (installment, customer, counts from,
/// accrued) at the start of a row.
fn kept_row(r: &rusqlite::Row) -> rusqlite::Result<Kept> {
    Ok(Kept {
        installment_id: r.get(0)?,
        customer_id: r.get(1)?,
        counts_from: date_col(r, 2)?,
        accrued: money_col(r, 3)?,
    })
}

/// A kept figure with the names a report prints it under.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeptNamed {
    pub kept: Kept,
    pub customer: String,
    pub invoice_id: i64,
    pub invoice: String,
}

/// [`kept`] with each installment's customer code and invoice, in the
/// installments' order (as the history gives them). Only meaningful when
/// [`usable`] says so.
pub fn kept_named(conn: &Connection, as_of: NaiveDate, only: Option<i64>, mut f: impl FnMut(KeptNamed)) -> Result<()> {
    // One customer's figures come from its own entries of the customer
    // index. (A plan made for "any customer or this one" scans them all:
    // the plans are kept whatever the parameters, so each case has its SQL.)
    let (from, customer) = match only {
        None => ("late_interest k", "?2 IS NULL"),
        Some(_) => ("late_interest k INDEXED BY late_interest_customer", "k.customer_id = ?2"),
    };
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT k.installment_id, k.customer_id, k.counts_from, k.accrued, c.code, i.invoice_id, v.number
         FROM {from} JOIN installments i ON i.id = k.installment_id
         JOIN invoices v ON v.id = i.invoice_id JOIN customers c ON c.id = k.customer_id
         WHERE k.counts_from <= ?1 AND {customer}
         ORDER BY k.installment_id"
    ))?;
    let mut rows = stmt.query(params![date_sql(as_of), only])?;
    while let Some(r) = rows.next()? {
        f(KeptNamed { kept: kept_row(r)?, customer: r.get(4)?, invoice_id: r.get(5)?, invoice: r.get(6)? });
    }
    Ok(())
}

/// An installment as the computation needs it.
struct Item {
    id: i64,
    customer_id: i64,
    invoice_id: i64,
    due: NaiveDate,
    amount: Money,
    settled: Money,
    issued: NaiveDate,
    sale: bool,
    voided: bool,
}

/// The figure to keep for an installment, from its settlements: `None`
/// unless it is a sale installment of a live invoice, settled in full, with
/// some settlement after its due date.
fn compute(
    item: &Item,
    settlements: &mut [Settlement],
    terms: &mut Terms,
    spans: &HashMap<i64, Vec<crate::ledger::interest::Span>>,
) -> Option<Kept> {
    if !item.sale || item.voided || item.settled != item.amount {
        return None;
    }
    let last = settlements.iter().map(|s| s.date).max()?;
    if last <= item.due {
        return None;
    }
    settlements.sort_by_key(|s| s.date);
    let t = terms.for_customer(item.customer_id);
    let excluded = spans.get(&item.invoice_id).map_or(&[][..], Vec::as_slice);
    let i = installment_interest(item.due, item.amount, settlements, last, &t, excluded);
    Some(Kept {
        installment_id: item.id,
        customer_id: item.customer_id,
        counts_from: last.max(item.issued),
        accrued: i.interest,
    })
}

/// The installments [`compute_all`] computes.
#[derive(Clone, Copy)]
enum Among {
    /// Those queued in `late_interest_pending`: usually a few, so they
    /// drive the reading (the CROSS JOINs keep SQLite from scanning every
    /// installment and every allocation for them, which it chose without
    /// statistics: seconds per payment on a book of 10^7 invoices). Read
    /// in the queue's own order, which is installment order: nothing sorted.
    Queued,
    /// Every installment settled in full, read whole in installment order.
    Settled,
}

/// [`compute_all`]'s two statements: the installments, and their
/// settlements, both in installment order.
fn queries(among: Among) -> (String, String) {
    const COLUMNS: &str =
        "i.id, i.customer_id, i.invoice_id, i.due_date, i.amount, i.settled, v.issue_date, v.kind, v.voided";
    match among {
        Among::Queued => (
            format!(
                "SELECT {COLUMNS} FROM late_interest_pending q CROSS JOIN installments i ON i.id = q.installment_id
                 JOIN invoices v ON v.id = i.invoice_id ORDER BY q.installment_id"
            ),
            "SELECT q.installment_id, a.effective_date, a.amount FROM late_interest_pending q
               CROSS JOIN allocations a INDEXED BY allocations_installment ON a.installment_id = q.installment_id
             UNION ALL
             SELECT q.installment_id, w.date, w.amount FROM late_interest_pending q
               CROSS JOIN write_offs w ON w.installment_id = q.installment_id
             ORDER BY 1"
                .to_string(),
        ),
        Among::Settled => {
            let settled = "SELECT id AS installment_id FROM installments WHERE settled = amount";
            (
                format!(
                    "SELECT {COLUMNS} FROM ({settled}) q JOIN installments i ON i.id = q.installment_id
                     JOIN invoices v ON v.id = i.invoice_id ORDER BY i.id"
                ),
                format!(
                    "SELECT a.installment_id, a.effective_date, a.amount FROM ({settled}) q
                       JOIN allocations a INDEXED BY allocations_installment ON a.installment_id = q.installment_id
                     UNION ALL
                     SELECT w.installment_id, w.date, w.amount FROM ({settled}) q
                       JOIN write_offs w ON w.installment_id = q.installment_id
                     ORDER BY 1"
                ),
            )
        }
    }
}

/// Compute the figures of the installments `among` says, in id order, and
/// hand each to `f` with `None` where nothing is to be kept.
fn compute_all(conn: &Connection, among: Among, mut f: impl FnMut(i64, Option<Kept>) -> Result<()>) -> Result<()> {
    let mut terms = Terms::load(conn, END)?;
    let spans = dispute_spans(conn, END)?;
    let (items, settlements) = queries(among);
    let mut items = conn.prepare(&items)?;
    let mut items = items.query([])?;
    let mut settlements = conn.prepare(&settlements)?;
    let mut settlements = settlements.query([])?;
    fn advance(rows: &mut rusqlite::Rows) -> Result<Option<(i64, Settlement)>> {
        Ok(match rows.next()? {
            Some(r) => Some((r.get(0)?, Settlement { date: date_col(r, 1)?, amount: money_col(r, 2)? })),
            None => None,
        })
    }
    let mut next = advance(&mut settlements)?;
    let mut mine = Vec::new();
    while let Some(r) = items.next()? {
        let item = Item {
            id: r.get(0)?,
            customer_id: r.get(1)?,
            invoice_id: r.get(2)?,
            due: date_col(r, 3)?,
            amount: money_col(r, 4)?,
            settled: money_col(r, 5)?,
            issued: date_col(r, 6)?,
            sale: r.get::<_, String>(7)? == "sale",
            voided: r.get(8)?,
        };
        while next.as_ref().is_some_and(|s| s.0 < item.id) {
            next = advance(&mut settlements)?;
        }
        mine.clear();
        while let Some((_, s)) = next.take_if(|s| s.0 == item.id) {
            mine.push(s);
            next = advance(&mut settlements)?;
        }
        f(item.id, compute(&item, &mut mine, &mut terms, &spans))?;
    }
    Ok(())
}

/// Recompute every queued installment's figure and empty the queue. Cheap
/// when nothing is queued (one lookup); run by every write transaction
/// before it commits.
pub fn refresh(conn: &Connection) -> Result<()> {
    if !pending(conn)? {
        return Ok(());
    }
    // The customers' totals lose what the queued installments kept and gain
    // what they keep now: the changes are summed here as the figures are
    // read and written (no sort), then applied once per customer.
    let mut change: HashMap<i64, (i64, i64)> = HashMap::new();
    let mut kept = conn.prepare_cached(
        "SELECT customer_id, accrued FROM late_interest
         WHERE installment_id IN (SELECT installment_id FROM late_interest_pending)",
    )?;
    let mut rows = kept.query([])?;
    while let Some(r) = rows.next()? {
        let c = change.entry(r.get(0)?).or_default();
        c.0 -= r.get::<_, i64>(1)?;
        c.1 -= 1;
    }
    drop(rows);
    conn.execute_batch(
        "DELETE FROM late_interest WHERE installment_id IN (SELECT installment_id FROM late_interest_pending)",
    )?;
    // Written as computed (the queries read other tables), never held: an
    // import can queue most of a million installments.
    let mut insert = conn.prepare_cached(
        "INSERT INTO late_interest (installment_id, customer_id, counts_from, accrued) VALUES (?1, ?2, ?3, ?4)",
    )?;
    compute_all(conn, Among::Queued, |_, k| {
        if let Some(k) = k {
            insert.execute(params![k.installment_id, k.customer_id, date_sql(k.counts_from), k.accrued.cents()])?;
            let c = change.entry(k.customer_id).or_default();
            c.0 += k.accrued.cents();
            c.1 += 1;
        }
        Ok(())
    })?;
    let mut total = conn.prepare_cached(
        "INSERT INTO late_interest_totals (customer_id, accrued, items) VALUES (?1, ?2, ?3)
         ON CONFLICT DO UPDATE SET accrued = accrued + excluded.accrued, items = items + excluded.items",
    )?;
    for (customer, (accrued, items)) in change {
        if accrued != 0 || items != 0 {
            total.execute(params![customer, accrued, items])?;
        }
    }
    conn.execute_batch(
        "DELETE FROM late_interest_totals WHERE items = 0;
         DELETE FROM late_interest_pending;",
    )?;
    Ok(())
}

/// The customers' totals summed afresh from the kept figures.
const TOTALS_FROM_THE_FIGURES: &str = "
    DELETE FROM late_interest_totals;
    INSERT INTO late_interest_totals (customer_id, accrued, items)
    SELECT customer_id, SUM(accrued), count(*) FROM late_interest GROUP BY customer_id;";

/// Queue every installment settled in full, and every one with a kept
/// figure, for recomputation (`huikuan check --rebuild-interest`): the
/// transaction's commit recomputes them all.
pub fn requeue_all(conn: &Connection) -> Result<()> {
    conn.execute_batch(&format!(
        "INSERT OR IGNORE INTO late_interest_pending SELECT id FROM installments WHERE settled = amount;
         INSERT OR IGNORE INTO late_interest_pending SELECT installment_id FROM late_interest;
         {TOTALS_FROM_THE_FIGURES}"
    ))?;
    Ok(())
}

/// A kept figure that differs from the figure computed afresh.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Difference {
    pub installment_id: i64,
    pub kept: Option<Kept>,
    pub computed: Option<Kept>,
}

/// Every installment whose kept figure differs from the one computed afresh
/// from its settlements (nothing while figures are queued: those are not
/// relied on).
pub fn differences(conn: &Connection) -> Result<Vec<Difference>> {
    if pending(conn)? {
        return Ok(Vec::new());
    }
    // The kept figures are read in installment order beside the computed
    // ones (also in installment order), a merge: nothing but the
    // differences is held, however many installments were settled late.
    let mut stmt = conn.prepare(
        "SELECT installment_id, customer_id, counts_from, accrued FROM late_interest ORDER BY installment_id",
    )?;
    let mut rows = stmt.query([])?;
    let mut advance = move || -> Result<Option<Kept>> { Ok(rows.next()?.map(kept_row).transpose()?) };
    let mut next = advance()?;
    let mut out = Vec::new();
    compute_all(conn, Among::Settled, |id, computed| {
        while let Some(k) = next.take_if(|k| k.installment_id < id) {
            out.push(Difference { installment_id: k.installment_id, kept: Some(k), computed: None });
            next = advance()?;
        }
        let kept = match next.take_if(|k| k.installment_id == id) {
            Some(k) => {
                next = advance()?;
                Some(k)
            }
            None => None,
        };
        if kept != computed {
            out.push(Difference { installment_id: id, kept, computed });
        }
        Ok(())
    })?;
    while let Some(k) = next {
        out.push(Difference { installment_id: k.installment_id, kept: Some(k), computed: None });
        next = advance()?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::store::example::{self, d, m};
    use crate::store::open_items::settled_late_installments;
    use crate::store::payments::{Method, NewPayment, Source};
    use crate::store::{disputes, interest, money::AllocateTo, payments, set_setting};

    /// Installment → accrued as of a date, from the history: what the
    /// reports computed before the figures were kept.
    fn from_history(conn: &Connection, as_of: NaiveDate) -> BTreeMap<i64, Money> {
        let mut terms = Terms::load(conn, as_of).unwrap();
        let spans = dispute_spans(conn, as_of).unwrap();
        let mut out = BTreeMap::new();
        settled_late_installments(conn, as_of, None, |i| {
            let t = terms.for_customer(i.customer_id);
            let excluded = spans.get(&i.invoice_id).map_or(&[][..], Vec::as_slice);
            let r = installment_interest(i.due_date, i.amount, &i.settlements, as_of, &t, excluded);
            out.insert(i.installment_id, r.interest);
            Ok(())
        })
        .unwrap();
        out
    }

    /// A payment that settles one installment queues one: its figure must
    /// be read through the queue, never by scanning every installment and
    /// allocation of the book (SQLite chose that, without statistics, and
    /// a payment took 8 s on a book of 10^7 invoices), nor sorted.
    #[test]
    fn the_queue_drives_the_recomputation_without_a_scan_or_a_sort() {
        let ex = example::book();
        let (items, settlements) = queries(Among::Queued);
        for sql in [items, settlements] {
            let plan = crate::store::query_plan(&ex.book.conn, &sql, []);
            for step in &plan {
                let scan = step.starts_with("SCAN ") && step != "SCAN late_interest_pending" && step != "SCAN q";
                assert!(!scan && !step.contains("TEMP B-TREE"), "{step} in {plan:?} for {sql}");
            }
            assert!(plan.iter().any(|s| s.starts_with("SCAN")), "the queue is read: {plan:?}");
        }
    }

    fn from_cache(conn: &Connection, as_of: NaiveDate) -> BTreeMap<i64, Money> {
        let mut out = BTreeMap::new();
        kept(conn, as_of, None, |k| {
            out.insert(k.installment_id, k.accrued);
        })
        .unwrap();
        out
    }

    /// The worklist's sums per customer equal the kept figures one by one,
    /// less deductions (posted or waived interest): half of one figure, more
    /// than another, and one for an installment with no figure.
    fn owed_agrees(conn: &Connection, as_of: NaiveDate, what: &str) {
        let mut one_by_one = Vec::new();
        kept(conn, as_of, None, |k| one_by_one.push(k)).unwrap();
        let mut less = HashMap::from([(-1, Money::from_cents(500))]);
        if let Some(k) = one_by_one.first() {
            less.insert(k.installment_id, Money::round(k.accrued.as_decimal() / rust_decimal::Decimal::from(2)));
        }
        if let Some(k) = one_by_one.get(1) {
            less.insert(k.installment_id, k.accrued + Money::from_cents(1));
        }
        let mut expected: HashMap<i64, Money> = HashMap::new();
        for k in &one_by_one {
            let less = less.get(&k.installment_id).copied().unwrap_or_default();
            *expected.entry(k.customer_id).or_default() += (k.accrued - less).max(Money::ZERO);
        }
        assert_eq!(owed_by_customer(conn, as_of, None, &less).unwrap(), expected, "{what}");
        for (&customer, owed) in &expected {
            let one = owed_by_customer(conn, as_of, Some(customer), &less).unwrap();
            assert_eq!(one, HashMap::from([(customer, *owed)]), "{what}, customer {customer}");
        }
    }

    /// After `refresh`, the kept figures answer for every date exactly as
    /// the history does, and check finds nothing; returns how many are kept
    /// as of the last date.
    fn agree(conn: &Connection, step: &str) -> usize {
        refresh(conn).unwrap();
        let mut last = 0;
        for as_of in ["2026-02-20", "2026-03-05", "2026-03-19", "2026-03-20", "2026-06-30", "2027-01-01"] {
            assert!(usable(conn, d(as_of)).unwrap(), "{step}: usable as of {as_of}");
            let cached = from_cache(conn, d(as_of));
            assert_eq!(cached, from_history(conn, d(as_of)), "{step}, as of {as_of}");
            owed_agrees(conn, d(as_of), &format!("{step}, as of {as_of}"));
            last = cached.len();
        }
        assert_eq!(differences(conn).unwrap(), [], "{step}");
        assert_eq!(
            rows(conn, "SELECT customer_id, accrued, items FROM late_interest_totals ORDER BY 1"),
            rows(conn, "SELECT customer_id, SUM(accrued), count(*) FROM late_interest GROUP BY 1 ORDER BY 1"),
            "{step}: the totals per customer"
        );
        last
    }

    fn rows(conn: &Connection, sql: &str) -> Vec<(i64, i64, i64)> {
        let mut stmt = conn.prepare(sql).unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).unwrap().map(Result::unwrap).collect()
    }

    fn queued(conn: &Connection) -> bool {
        pending(conn).unwrap()
    }

    #[test]
    fn kept_late_interest_follows_every_change_it_is_computed_from() {
        let ex = example::book();
        let c = &ex.book.conn;
        // B1 (300.00 due 02-15) was paid in full on 03-05: 18 days late.
        assert_eq!(agree(c, "the example"), 1);
        assert_eq!(from_cache(c, d("2027-01-01")).into_values().collect::<Vec<_>>(), [m("2.70")]);
        // A1's rest (600.00) paid late on 03-20 settles it in full.
        let late = NewPayment {
            customer_id: ex.a,
            date: d("2026-03-20"),
            amount: m("600.00"),
            method: Method::Bank,
            reference: None,
            source: Source::Manual,
            auto_apply: true,
        };
        let (paid, _) = payments::record(c, &late, &AllocateTo::Fifo).unwrap();
        assert!(queued(c));
        assert!(!usable(c, d("2027-01-01")).unwrap(), "a reader never uses figures still queued");
        assert_eq!(agree(c, "A1 paid late"), 2);
        interest::set_rate(c, None, d("2026-03-01"), Some(rust_decimal::Decimal::new(3, 4))).unwrap();
        assert!(queued(c));
        agree(c, "the book's rate changed");
        interest::set_rate(c, Some(ex.a), d("2026-02-15"), Some(rust_decimal::Decimal::new(1, 3))).unwrap();
        assert!(queued(c));
        agree(c, "A's own rate");
        let a1 = crate::store::invoices::id_of(c, "A1").unwrap().unwrap();
        disputes::open(c, a1, "A1", d("2026-02-12"), Some("short delivery")).unwrap();
        assert!(queued(c));
        agree(c, "A1 disputed");
        disputes::resolve(c, a1, "A1", d("2026-03-01")).unwrap();
        agree(c, "A1's dispute resolved");
        set_setting(c, "grace_days", "5").unwrap();
        assert!(queued(c));
        agree(c, "five days' grace");
        // Raw edits are caught by the triggers as well.
        c.execute_batch("UPDATE installments SET due_date = '2026-02-05' WHERE customer_id = (SELECT id FROM customers WHERE code = 'B')")
            .unwrap();
        assert!(queued(c));
        agree(c, "B1's due date moved");
        c.execute_batch(
            "UPDATE invoices SET customer_id = (SELECT id FROM customers WHERE code = 'A') WHERE number = 'B1';
             UPDATE installments SET customer_id = (SELECT id FROM customers WHERE code = 'A')
              WHERE invoice_id = (SELECT id FROM invoices WHERE number = 'B1');",
        )
        .unwrap();
        agree(c, "B1 moved to A");
        payments::void(c, paid).unwrap();
        assert!(queued(c));
        assert_eq!(agree(c, "A1's late payment voided"), 1);
    }

    #[test]
    fn a_kept_figure_edited_by_hand_is_found_and_rebuilt() {
        let ex = example::book();
        let c = &ex.book.conn;
        refresh(c).unwrap();
        c.execute_batch("UPDATE late_interest SET accrued = accrued + 1").unwrap();
        let found = differences(c).unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].kept.as_ref().map(|k| k.accrued), Some(m("2.71")));
        assert_eq!(found[0].computed.as_ref().map(|k| k.accrued), Some(m("2.70")));
        requeue_all(c).unwrap();
        refresh(c).unwrap();
        assert_eq!(differences(c).unwrap(), []);
    }

    #[test]
    fn a_kept_figure_missing_or_without_its_installment_is_found_in_installment_order() {
        let ex = example::book();
        let c = &ex.book.conn;
        refresh(c).unwrap();
        let kept: Vec<i64> = c
            .prepare("SELECT installment_id FROM late_interest")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        let others: Vec<i64> = c
            .prepare(
                "SELECT id FROM installments WHERE id NOT IN (SELECT installment_id FROM late_interest) ORDER BY id",
            )
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        let (first, last) = (others[0], others[others.len() - 1]);
        // A figure lost, and two kept for installments that earned none (the
        // first and last such, on either side of it or both after it).
        c.execute("DELETE FROM late_interest WHERE installment_id = ?1", [kept[0]]).unwrap();
        for id in [last, first] {
            c.execute(
                "INSERT INTO late_interest (installment_id, customer_id, counts_from, accrued)
                 SELECT id, customer_id, '2026-01-01', 100 FROM installments WHERE id = ?1",
                [id],
            )
            .unwrap();
        }
        let found = differences(c).unwrap();
        let ids: Vec<i64> = found.iter().map(|d| d.installment_id).collect();
        let mut want = vec![first, kept[0], last];
        want.sort_unstable();
        assert_eq!(ids, want);
        for d in &found {
            let lost = d.installment_id == kept[0];
            assert_eq!((d.kept.is_some(), d.computed.is_some()), (!lost, lost), "{d:?}");
        }
        requeue_all(c).unwrap();
        refresh(c).unwrap();
        assert_eq!(differences(c).unwrap(), []);
    }

    #[test]
    fn a_closed_month_with_other_terms_is_computed_from_the_history() {
        let ex = example::book();
        let c = &ex.book.conn;
        refresh(c).unwrap();
        assert!(usable(c, d("2026-03-31")).unwrap());
        // Terms as of a date are those it was closed with; when they differ
        // from today's, the kept figures do not answer for it.
        c.execute(
            "INSERT INTO closes (period, through, closed_at, aging_json, settings_json)
             VALUES ('2026-03', '2026-03-31', '2026-04-01T00:00:00', '{}', ?1)",
            [r#"{"grace_days":"9"}"#],
        )
        .unwrap();
        assert!(!usable(c, d("2026-03-31")).unwrap());
        assert!(usable(c, d("2026-04-30")).unwrap());
    }
}
