//! The open installments one by one, as of a date, each with what settled it
//! by then: the rows the aging detail, the interest, the worklist, the
//! letters and the payment history are built from.
//!
//! As in `aging`, only invoices issued on or before the date count (and a
//! payment plan's installments only from the plan's date, `since`), and only
//! allocations and write-offs that took effect by then reduce them.

use chrono::NaiveDate;
use rusqlite::Connection;

use super::{Result, StoreError, date_col, date_sql, money_col};
use crate::ledger::Money;
use crate::ledger::interest::Settlement;

/// Settled (paid or written off) per installment as of `?1`: the whole
/// history, for the reference scans.
pub(super) const SETTLED: &str = "SELECT installment_id, SUM(amount) AS settled FROM (
        SELECT installment_id, amount FROM allocations WHERE effective_date <= ?1
        UNION ALL
        SELECT installment_id, amount FROM write_offs WHERE date <= ?1)
     GROUP BY installment_id";

/// An installment with a balance as of the date, and what settled it by then.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpenInstallment {
    pub installment_id: i64,
    pub customer_id: i64,
    pub customer: String,
    pub invoice_id: i64,
    pub invoice: String,
    pub issue_date: NaiveDate,
    pub due_date: NaiveDate,
    pub amount: Money,
    pub disputed: bool,
    /// A late-interest invoice (no interest is charged on interest).
    pub is_interest: bool,
    pub settlements: Vec<Settlement>,
}

impl OpenInstallment {
    pub fn balance(&self) -> Money {
        self.amount - self.settlements.iter().map(|s| s.amount).sum::<Money>()
    }
}

/// The condition that an installment (of `installments`, unaliased) had
/// something settled after the as-of date (`?1`): for the whole book, its
/// id among those the date indexes give (few: what was paid since); for
/// one customer, a search of each of its installments' settlements, never
/// the settlements of the whole book since the date.
fn settled_after(only: Option<i64>) -> &'static str {
    match only {
        None => {
            "installments.id IN (SELECT installment_id FROM allocations WHERE effective_date > ?1
                                 UNION
                                 SELECT installment_id FROM write_offs WHERE date > ?1)"
        }
        Some(_) => {
            "(EXISTS (SELECT 1 FROM allocations a WHERE a.installment_id = installments.id AND a.effective_date > ?1)
              OR EXISTS (SELECT 1 FROM write_offs w WHERE w.installment_id = installments.id AND w.date > ?1))"
        }
    }
}

/// Every installment with a balance as of `as_of` (optionally of one customer),
/// by customer code, due date, invoice, streamed to `f` with its settlements.
///
/// The installments open at the as-of date are those open now and those
/// settled after it (see [`aging`](super::aging::aging)), so the whole
/// history is never read.
pub fn open_installments<E: From<StoreError>>(
    conn: &Connection,
    as_of: NaiveDate,
    only: Option<i64>,
    f: impl FnMut(OpenInstallment) -> std::result::Result<(), E>,
) -> std::result::Result<(), E> {
    // The open installments come straight from the covering partial index;
    // only those settled after the as-of date are read from the table.
    stream_open(conn, &open_sql(only), as_of, only, f)
}

/// [`open_installments`]'s installments (see [`stream_open`] for the columns).
fn open_sql(only: Option<i64>) -> String {
    let (customer, after) = (super::customer_filter(only, "customer_id", 2), settled_after(only));
    format!(
        "SELECT k.id, k.customer_id, c.code, v.number, v.issue_date, k.due_date, k.amount, v.disputed, v.kind, v.id,
                k.settled
        FROM (SELECT id, customer_id, due_date, invoice_id, amount, since, settled
               FROM installments INDEXED BY installments_open
               WHERE settled < amount AND {customer}
              UNION
              SELECT id, customer_id, due_date, invoice_id, amount, since, settled FROM installments
               WHERE settled = amount AND {customer} AND {after}) k
        JOIN invoices v ON v.id = k.invoice_id
        JOIN customers c ON c.id = k.customer_id
        WHERE v.voided = 0 AND v.issue_date <= ?1 AND (k.since IS NULL OR k.since <= ?1)"
    )
}

/// [`open_installments`] for totals: the same installments with the same
/// settlements, but without the customer's code and the invoice's number
/// (left empty) and in no particular order. They are read from the index
/// of open installments alone, which holds what the invoice says of them
/// (upgrade 16): the morning worklist reads no invoice.
///
/// Nor is anything sorted or held: the installments are streamed as the
/// index gives them, and the settlements of one with something settled are
/// looked up by installment as it comes (its write-offs only when its
/// allocations do not make up what it has settled). A join of the
/// settlements sorted by installment took half a second of the 10^6
/// bench book's worklist.
pub fn open_installments_unnamed(
    conn: &Connection,
    as_of: NaiveDate,
    only: Option<i64>,
    mut f: impl FnMut(OpenInstallment) -> Result<()>,
) -> Result<()> {
    let open = unnamed_sql(only);
    let as_of_s = date_sql(as_of);
    let mut stmt = conn.prepare(&open)?;
    let mut allocations =
        conn.prepare_cached("SELECT effective_date, amount FROM allocations WHERE installment_id = ?1")?;
    let mut write_offs = conn.prepare_cached("SELECT date, amount FROM write_offs WHERE installment_id = ?1")?;
    // The settlements of an installment up to the as-of date (ISO dates
    // compare as text); the total of all of them, whatever their date.
    let read = |stmt: &mut rusqlite::CachedStatement, id: i64, into: &mut Vec<Settlement>| -> Result<i64> {
        let mut all = 0i64;
        let mut rows = stmt.query([id])?;
        while let Some(r) = rows.next()? {
            let amount: i64 = r.get(1)?;
            all += amount;
            if r.get_ref(0)?.as_str().map_err(rusqlite::Error::from)? <= as_of_s.as_str() {
                into.push(Settlement { date: date_col(r, 0)?, amount: Money::from_cents(amount) });
            }
        }
        Ok(all)
    };
    let mut rows = stmt.query(rusqlite::params![as_of_s, only])?;
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        let settled: i64 = r.get(8)?;
        let mut settlements = Vec::new();
        if settled > 0 && read(&mut allocations, id, &mut settlements)? < settled {
            read(&mut write_offs, id, &mut settlements)?;
        }
        f(OpenInstallment {
            installment_id: id,
            customer_id: r.get(1)?,
            customer: String::new(),
            invoice: String::new(),
            issue_date: date_col(r, 2)?,
            due_date: date_col(r, 3)?,
            amount: money_col(r, 4)?,
            disputed: r.get(5)?,
            is_interest: r.get_ref(6)?.as_str().map_err(rusqlite::Error::from)? == "interest",
            invoice_id: r.get(7)?,
            settlements,
        })?;
    }
    Ok(())
}

/// [`open_installments_unnamed`]'s installments.
fn unnamed_sql(only: Option<i64>) -> String {
    const COLUMNS: &str = "SELECT id, customer_id, invoice_issued, due_date, amount, invoice_disputed,
        invoice_kind, invoice_id, settled FROM installments";
    let live = format!(
        "invoice_voided = 0 AND invoice_issued <= ?1 AND (since IS NULL OR since <= ?1) AND {}",
        super::customer_filter(only, "customer_id", 2)
    );
    format!(
        "{COLUMNS} INDEXED BY installments_open WHERE settled < amount AND {live}
         UNION ALL
         {COLUMNS} WHERE settled = amount AND {live} AND {after}",
        after = settled_after(only)
    )
}

/// [`open_installments`] from the whole history; the reference for tests.
pub fn open_installments_by_scan(
    conn: &Connection,
    as_of: NaiveDate,
    only: Option<i64>,
    f: impl FnMut(OpenInstallment) -> Result<()>,
) -> Result<()> {
    let open = format!(
        "SELECT i.id, i.customer_id, c.code, v.number, v.issue_date, i.due_date, i.amount, v.disputed, v.kind, v.id,
                i.settled
         FROM installments i
         JOIN invoices v ON v.id = i.invoice_id
         JOIN customers c ON c.id = i.customer_id
         LEFT JOIN ({SETTLED}) s ON s.installment_id = i.id
         WHERE v.voided = 0 AND v.issue_date <= ?1 AND (i.since IS NULL OR i.since <= ?1)
           AND (?2 IS NULL OR i.customer_id = ?2) AND i.amount > COALESCE(s.settled, 0)"
    );
    stream_open(conn, &open, as_of, only, f)
}

/// Every sale installment settled in full by `as_of` with some part settled
/// after its due date (optionally of one customer), streamed like
/// [`open_installments`]: the late interest such a part earned stays owed
/// after it is paid (DESIGN §2), so the interest reports read these too.
pub fn settled_late_installments(
    conn: &Connection,
    as_of: NaiveDate,
    only: Option<i64>,
    f: impl FnMut(OpenInstallment) -> Result<()>,
) -> Result<()> {
    match only {
        Some(_) => settled_late_by_search(conn, as_of, only, f),
        None => settled_late_by_merge(conn, as_of, f),
    }
}

/// [`settled_late_installments`] for the whole book: the installments
/// settled in full now, and all settlements, each read once in installment
/// order (the allocations from their covering index) and merged, instead of
/// searching the settlements of every installment.
fn settled_late_by_merge(
    conn: &Connection,
    as_of: NaiveDate,
    mut f: impl FnMut(OpenInstallment) -> Result<()>,
) -> Result<()> {
    let as_of_s = date_sql(as_of);
    let mut items = conn.prepare(
        "SELECT i.id, i.customer_id, c.code, v.number, v.issue_date, i.due_date, i.amount, v.disputed, v.kind, v.id
         FROM installments i JOIN invoices v ON v.id = i.invoice_id JOIN customers c ON c.id = i.customer_id
         WHERE i.settled = i.amount AND v.voided = 0 AND v.kind = 'sale' AND v.issue_date <= ?1
         ORDER BY i.id",
    )?;
    let mut items = items.query([&as_of_s])?;
    let mut settlements = conn.prepare(
        "SELECT installment_id, effective_date, amount FROM allocations INDEXED BY allocations_installment
         UNION ALL SELECT installment_id, date, amount FROM write_offs
         ORDER BY 1",
    )?;
    let mut settlements = settlements.query([])?;
    fn advance(rows: &mut rusqlite::Rows) -> Result<Option<(i64, NaiveDate, Money)>> {
        Ok(match rows.next()? {
            Some(r) => Some((r.get(0)?, date_col(r, 1)?, money_col(r, 2)?)),
            None => None,
        })
    }
    let mut next = advance(&mut settlements)?;
    while let Some(r) = items.next()? {
        let id: i64 = r.get(0)?;
        let due = date_col(r, 5)?;
        // Skip the settlements of installments before this one.
        while next.as_ref().is_some_and(|s| s.0 < id) {
            next = advance(&mut settlements)?;
        }
        let mut mine = Vec::new();
        let (mut after, mut late) = (false, false);
        while let Some(s) = next.as_ref().filter(|s| s.0 == id) {
            after |= s.1 > as_of;
            late |= s.1 > due && s.1 <= as_of;
            if s.1 <= as_of {
                mine.push(Settlement { date: s.1, amount: s.2 });
            }
            next = advance(&mut settlements)?;
        }
        // Settled after the as-of date: open then (see open_installments).
        if after || !late {
            continue;
        }
        mine.sort_by_key(|s| s.date);
        f(OpenInstallment { settlements: mine, ..open_item(id, r)? })?;
    }
    Ok(())
}

/// [`settled_late_installments`] for one customer: its installments settled
/// in full with a settlement after their due date, searched by index.
fn settled_late_by_search(
    conn: &Connection,
    as_of: NaiveDate,
    only: Option<i64>,
    f: impl FnMut(OpenInstallment) -> Result<()>,
) -> Result<()> {
    let late =
        "SELECT k.id, k.customer_id, c.code, v.number, v.issue_date, k.due_date, k.amount, v.disputed, v.kind, v.id,
                k.settled
        FROM (SELECT i.id, i.customer_id, i.due_date, i.invoice_id, i.amount, i.settled
               FROM installments i INDEXED BY installments_customer
               WHERE i.settled = i.amount AND i.customer_id = ?2
                 AND (EXISTS (SELECT 1 FROM allocations a WHERE a.installment_id = i.id
                               AND a.effective_date > i.due_date AND a.effective_date <= ?1)
                      OR EXISTS (SELECT 1 FROM write_offs w WHERE w.installment_id = i.id
                               AND w.date > i.due_date AND w.date <= ?1))
                 AND NOT EXISTS (SELECT 1 FROM allocations a WHERE a.installment_id = i.id AND a.effective_date > ?1)
                 AND NOT EXISTS (SELECT 1 FROM write_offs w WHERE w.installment_id = i.id AND w.date > ?1)) k
        JOIN invoices v ON v.id = k.invoice_id
        JOIN customers c ON c.id = k.customer_id
        WHERE v.voided = 0 AND v.issue_date <= ?1 AND v.kind = 'sale'";
    stream_open(conn, late, as_of, only, f)
}

/// The order of the rows of [`stream_open`] (by their columns): customer
/// code, due date, invoice number, installment, then each settlement by date.
const BY_CUSTOMER: &str = "3, 6, 4, 1, 12";

/// Run `open` (installment rows, parameters `?1` as-of and `?2` customer:
/// id, customer id and code, invoice number, issue date, due date, amount,
/// disputed, kind, invoice id, settled now) with each row's settlements up
/// to the as-of date, and stream them to `f` by customer code, due date,
/// invoice number and installment.
fn stream_open<E: From<StoreError>>(
    conn: &Connection,
    open: &str,
    as_of: NaiveDate,
    only: Option<i64>,
    mut f: impl FnMut(OpenInstallment) -> std::result::Result<(), E>,
) -> std::result::Result<(), E> {
    // Each open installment's settlements are looked up by installment (an
    // index search per item, only for those with some settled now), never
    // by joining the whole history.
    let sql = format!(
        "WITH open AS MATERIALIZED ({open})
         SELECT o.*, a.effective_date AS date, a.amount FROM open o
           LEFT JOIN allocations a ON o.settled > 0 AND a.installment_id = o.id AND a.effective_date <= ?1
         UNION ALL
         SELECT o.*, w.date, w.amount FROM open o
           JOIN write_offs w ON o.settled > 0 AND w.installment_id = o.id AND w.date <= ?1
         ORDER BY {BY_CUSTOMER}"
    );
    // The caller's error passes through as it is; the rows' are the store's.
    let mut stmt = conn.prepare(&sql).map_err(StoreError::from)?;
    let mut rows = stmt.query(rusqlite::params![date_sql(as_of), only]).map_err(StoreError::from)?;
    let mut current: Option<OpenInstallment> = None;
    while let Some(r) = rows.next().map_err(StoreError::from)? {
        let id: i64 = r.get(0).map_err(StoreError::from)?;
        if current.as_ref().is_some_and(|c| c.installment_id != id)
            && let Some(done) = current.take()
        {
            f(done)?;
        }
        let item = match &mut current {
            Some(item) => item,
            None => current.insert(open_item(id, r).map_err(StoreError::from)?),
        };
        if let Some(s) = settlement(r).map_err(StoreError::from)? {
            item.settlements.push(s);
        }
    }
    if let Some(done) = current {
        f(done)?;
    }
    Ok(())
}

/// An installment from the first columns of a row of [`stream_open`] or
/// [`settled_late_installments`], without its settlements.
fn open_item(id: i64, r: &rusqlite::Row) -> rusqlite::Result<OpenInstallment> {
    Ok(OpenInstallment {
        installment_id: id,
        customer_id: r.get(1)?,
        customer: r.get(2)?,
        invoice: r.get(3)?,
        issue_date: date_col(r, 4)?,
        due_date: date_col(r, 5)?,
        amount: money_col(r, 6)?,
        disputed: r.get(7)?,
        is_interest: r.get::<_, String>(8)? == "interest",
        invoice_id: r.get(9)?,
        settlements: Vec::new(),
    })
}

/// The settlement a row of [`stream_open`] carries, if any.
fn settlement(r: &rusqlite::Row) -> rusqlite::Result<Option<Settlement>> {
    Ok(match r.get::<_, Option<String>>(11)? {
        Some(_) => Some(Settlement { date: date_col(r, 11)?, amount: money_col(r, 12)? }),
        None => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::example::{self, d, m};

    /// One customer's open items are read from its own index entries and
    /// its own settlements: no step of either plan scans a table or a
    /// whole index (as `(?2 IS NULL OR customer_id = ?2)` made them do).
    #[test]
    fn one_customers_open_items_are_searched_never_scanned() {
        let ex = example::book();
        for sql in [open_sql(Some(ex.a)), unnamed_sql(Some(ex.a))] {
            let plan = crate::store::query_plan(&ex.book.conn, &sql, rusqlite::params!["2026-06-01", ex.a]);
            // The compound's own steps (a scan of its subquery's rows) read nothing of the book.
            let book_scans: Vec<&String> =
                plan.iter().filter(|s| s.starts_with("SCAN ") && !s.starts_with("SCAN k")).collect();
            assert!(book_scans.is_empty(), "{book_scans:?} in {plan:?}");
        }
    }

    fn collect(conn: &Connection, as_of: &str, only: Option<i64>) -> Vec<OpenInstallment> {
        let mut out = Vec::new();
        open_installments(conn, d(as_of), only, |i| -> Result<()> {
            out.push(i);
            Ok(())
        })
        .unwrap();
        out
    }

    #[test]
    fn open_items_carry_the_settlements_dated_by_the_as_of_date() {
        let ex = example::book();
        let items = collect(&ex.book.conn, "2026-04-15", None);
        let shown: Vec<(&str, Money, Vec<Settlement>)> =
            items.iter().map(|i| (i.invoice.as_str(), i.balance(), i.settlements.clone())).collect();
        assert_eq!(
            shown,
            [
                ("A1", m("600.00"), vec![Settlement { date: d("2026-02-10"), amount: m("400.00") }]),
                ("A2", m("400.00"), vec![Settlement { date: d("2026-04-10"), amount: m("100.00") }]),
            ]
        );
        assert!(items.iter().all(|i| i.customer == "A" && i.customer_id == ex.a && !i.disputed && !i.is_interest));
    }

    #[test]
    fn an_item_settled_after_the_as_of_date_is_still_open_then() {
        let ex = example::book();
        let items = collect(&ex.book.conn, "2026-02-20", None);
        let shown: Vec<(&str, Money)> = items.iter().map(|i| (i.invoice.as_str(), i.balance())).collect();
        assert_eq!(shown, [("A1", m("600.00")), ("B1", m("300.00"))]);
        assert_eq!(collect(&ex.book.conn, "2026-02-20", Some(ex.b))[0].due_date, d("2026-02-15"));
    }

    #[test]
    fn installments_settled_late_are_found_alike_by_merge_and_by_search() {
        let ex = example::book();
        let c = &ex.book.conn;
        // A1 (due 01-31) was paid 400.00 on 02-10; pay the rest late, on 03-15.
        let p = crate::store::payments::NewPayment {
            customer_id: ex.a,
            date: d("2026-03-15"),
            amount: m("600.00"),
            method: crate::store::payments::Method::Bank,
            reference: None,
            source: crate::store::payments::Source::Manual,
            auto_apply: true,
        };
        crate::store::payments::record(c, &p, &crate::store::money::AllocateTo::Fifo).unwrap();
        let mut found_any = false;
        for as_of in ["2026-02-20", "2026-03-14", "2026-03-15", "2026-04-09", "2026-04-10", "2027-01-01"] {
            let mut merged = Vec::new();
            settled_late_by_merge(c, d(as_of), |i| {
                merged.push(i);
                Ok(())
            })
            .unwrap();
            for only in [Some(ex.a), Some(ex.b)] {
                let mut searched = Vec::new();
                settled_late_by_search(c, d(as_of), only, |i| {
                    searched.push(i);
                    Ok(())
                })
                .unwrap();
                let mine: Vec<OpenInstallment> =
                    merged.iter().filter(|i| Some(i.customer_id) == only).cloned().collect();
                assert_eq!(mine, searched, "as of {as_of}, {only:?}");
            }
            found_any |= !merged.is_empty();
        }
        assert!(found_any, "the example settles some installments late");
    }

    #[test]
    fn open_items_equal_the_whole_history_scan_on_the_hand_made_book() {
        let ex = example::book();
        for as_of in ["2025-12-31", "2026-02-10", "2026-03-05", "2026-04-09", "2026-04-10", "2027-01-01"] {
            for only in [None, Some(ex.a), Some(ex.b)] {
                let mut scan = Vec::new();
                open_installments_by_scan(&ex.book.conn, d(as_of), only, |i| {
                    scan.push(i);
                    Ok(())
                })
                .unwrap();
                assert_eq!(collect(&ex.book.conn, as_of, only), scan, "as of {as_of}, {only:?}");
                // The unnamed stream: the same installments and settlements,
                // in no particular order, without the names.
                let mut unnamed = Vec::new();
                open_installments_unnamed(&ex.book.conn, d(as_of), only, |i| {
                    unnamed.push(i);
                    Ok(())
                })
                .unwrap();
                for i in &mut scan {
                    i.customer.clear();
                    i.invoice.clear();
                }
                for list in [&mut scan, &mut unnamed] {
                    list.sort_by_key(|i| i.installment_id);
                    for i in list.iter_mut() {
                        i.settlements.sort_by_key(|s| (s.date, s.amount));
                    }
                }
                assert_eq!(unnamed, scan, "unnamed, as of {as_of}, {only:?}");
            }
        }
    }
}
