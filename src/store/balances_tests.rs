//! The kept balances (`balances`) against the book: the triggers, the
//! import's deferral and a rebuild give the same tables, whatever happens.
//! (Apart from `balances` so that its tests may use every store module.)

use proptest::prelude::*;
use rusqlite::Connection;

use super::balances::*;
use crate::ledger::Money;
use crate::ledger::aging::{AgingRule, Basis, Buckets};
use crate::ledger::schedule::Installment;
use crate::store::example::{self, d};
use crate::store::money::AllocateTo;
use crate::store::payments::{Method, NewPayment, Source};
use crate::store::{Book, aging, customers, invoices, payments, plans};

type OpenRow = (i64, String, String, String, i64, i64);
type DayRow = (String, i64, i64, i64, i64, i64);

fn kept(conn: &Connection) -> (Vec<OpenRow>, Vec<DayRow>) {
    let open = conn
        .prepare("SELECT * FROM open_balances ORDER BY 1, 2, 3, 4")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    let days = conn
        .prepare(
            "SELECT date, invoiced, collected, discounts, written_off, received FROM daily_totals
             WHERE invoiced OR collected OR discounts OR written_off OR received ORDER BY 1",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    (open, days)
}

/// What `check` says of the kept balances (the hand-made books have no
/// audit events, which check also reports).
fn problems(conn: &Connection) -> Vec<String> {
    let (all, _) = crate::store::check::run(conn, &mut || {}).unwrap();
    all.into_iter()
        .filter(|p| p.starts_with("open balances") || p.starts_with("daily totals") || p.starts_with("installments:"))
        .collect()
}

/// A sale invoice of `customer_id` issued on `issued` in `schedule`'s parts.
fn sale<'a>(
    number: &'a str,
    customer_id: i64,
    issued: chrono::NaiveDate,
    amount: Money,
    schedule: &'a [Installment],
) -> invoices::NewInvoice<'a> {
    invoices::NewInvoice {
        number,
        customer_id,
        issue_date: issued,
        amount,
        description: None,
        kind: invoices::Kind::Sale,
        discount: None,
        schedule,
        import_print: None,
    }
}

#[test]
fn the_triggers_keep_what_a_rebuild_computes_and_check_finds_an_edit() {
    let ex = example::book();
    let conn = &ex.book.conn;
    let by_triggers = kept(conn);
    assert!(!by_triggers.0.is_empty() && !by_triggers.1.is_empty());
    assert_eq!(problems(conn), Vec::<String>::new());

    conn.execute_batch(
        "UPDATE open_balances SET amount = amount + 1
           WHERE (customer_id, due_date) = (SELECT customer_id, due_date FROM open_balances LIMIT 1);
         UPDATE daily_totals SET collected = collected - 5 WHERE collected > 0;
         UPDATE daily_totals SET received = received + 7 WHERE date = (SELECT MIN(date) FROM daily_totals)",
    )
    .unwrap();
    let found = problems(conn);
    assert!(found.iter().any(|p| p.starts_with("open balances: customer ")), "{found:?}");
    assert!(found.iter().any(|p| p.starts_with("daily totals of ")), "{found:?}");
    assert!(found.iter().any(|p| p.starts_with("daily totals: the payments received are kept as ")), "{found:?}");

    rebuild(conn).unwrap();
    assert_eq!(kept(conn), by_triggers);
    assert_eq!(problems(conn), Vec::<String>::new());
}

/// (issue date, disputed, void, kind) of every installment, as carried
/// and as its invoice says.
fn copies(conn: &Connection) -> Vec<(String, i64, i64, String)> {
    conn.prepare("SELECT invoice_issued, invoice_disputed, invoice_voided, invoice_kind FROM installments ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
}

#[test]
fn installments_follow_their_invoice_and_check_finds_a_copy_edited() {
    let ex = example::book();
    let conn = &ex.book.conn;
    assert_eq!(problems(conn), Vec::<String>::new());
    // A dispute and a void: each followed by the invoice's installments.
    let (disputed, voided): (i64, i64) = conn
        .query_row("SELECT MIN(id), MAX(id) FROM invoices WHERE voided = 0 AND disputed = 0", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert_ne!(disputed, voided);
    crate::store::disputes::open(conn, disputed, "x", d("2026-03-01"), None).unwrap();
    invoices::set_void(conn, voided).unwrap();
    let carried: Vec<(i64, i64)> = conn
        .prepare("SELECT invoice_disputed, invoice_voided FROM installments WHERE invoice_id IN (?1, ?2) ORDER BY id")
        .unwrap()
        .query_map([disputed, voided], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    assert!(carried.contains(&(1, 0)) && carried.contains(&(0, 1)), "{carried:?}");
    assert_eq!(problems(conn), Vec::<String>::new());
    let right = copies(conn);

    // Another program's installment, written without the copies: named,
    // then given them by the rebuild.
    conn.execute_batch(
        "INSERT INTO installments (invoice_id, customer_id, seq, due_date, amount)
         SELECT id, customer_id, 99, '2026-12-31', 1 FROM invoices WHERE id = (SELECT MIN(id) FROM invoices)",
    )
    .unwrap();
    let found = problems(conn);
    assert!(found.iter().any(|p| p.starts_with("installments: installment 99 of invoice ")), "{found:?}");
    rebuild(conn).unwrap();
    assert_eq!(problems(conn), Vec::<String>::new());
    conn.execute_batch("DELETE FROM installments WHERE seq = 99").unwrap();
    rebuild(conn).unwrap();
    assert_eq!(copies(conn), right);

    conn.execute_batch(
        "UPDATE installments SET invoice_issued = '2000-01-01' WHERE id = (SELECT MIN(id) FROM installments)",
    )
    .unwrap();
    let found = problems(conn);
    assert!(
        found.iter().any(|p| p.starts_with("installments: installment 1 of invoice ") && p.contains("does not carry")),
        "{found:?}"
    );
    rebuild(conn).unwrap();
    assert_eq!(copies(conn), right);
    assert_eq!(problems(conn), Vec::<String>::new());
}

#[test]
fn an_import_that_defers_catches_up_to_what_a_rebuild_computes() {
    let ex = example::book();
    let conn = &ex.book.conn;
    defer(conn).unwrap();
    assert!(deferred(conn).unwrap());
    let schedule = [
        Installment { due_date: d("2026-03-31"), amount: Money::from_cents(40_000) },
        Installment { due_date: d("2026-04-30"), amount: Money::from_cents(60_000) },
    ];
    for (k, (who, issued)) in [(ex.a, "2026-03-01"), (ex.b, "2026-03-01"), (ex.b, "2026-03-20")].iter().enumerate() {
        let number = format!("D{k}");
        let new = sale(&number, *who, d(issued), Money::from_cents(100_000), &schedule);
        invoices::create_in(conn, &new, &Default::default(), true, None, true).unwrap();
    }
    let pay = |who: i64, date: &str, cents: i64| {
        let p = NewPayment {
            customer_id: who,
            date: d(date),
            amount: Money::from_cents(cents),
            method: Method::Bank,
            reference: None,
            source: Source::Import,
            auto_apply: true,
        };
        payments::record(conn, &p, &AllocateTo::Fifo).unwrap().0
    };
    pay(ex.a, "2026-04-02", 130_000);
    let paid = pay(ex.b, "2026-04-03", 45_000);
    // Not an addition: refused while deferred, as catch_up would miss it.
    let sp = conn.unchecked_transaction().unwrap();
    let refused = payments::void(&sp, paid).unwrap_err();
    assert!(format!("{refused:?}").contains("an import only adds records"), "{refused:?}");
    drop(sp);
    pay(ex.b, "2026-04-05", 20_000);
    // A long import catches up in batches: each batch from its own mark.
    catch_up(conn).unwrap();
    defer(conn).unwrap();
    pay(ex.a, "2026-04-06", 25_000);
    pay(ex.b, "2026-04-06", 90_000);
    catch_up(conn).unwrap();
    assert!(!deferred(conn).unwrap());
    let caught_up = kept(conn);
    rebuild(conn).unwrap();
    assert_eq!(kept(conn), caught_up);
    assert_eq!(problems(conn), Vec::<String>::new());
}

/// What can happen to a book, with days counted from 2026-01-01.
#[derive(Clone, Debug)]
pub(crate) enum Op {
    Invoice {
        customer: usize,
        day: i64,
        cents: i64,
        parts: usize,
        terms: i64,
    },
    Pay {
        customer: usize,
        day: i64,
        cents: i64,
    },
    VoidPayment(usize),
    WriteOff {
        invoice: usize,
        day: i64,
        cents: i64,
    },
    VoidInvoice(usize),
    Reschedule {
        invoice: usize,
        day: i64,
    },
    /// A dispute opened on `day`, resolved `days` later (left open at 0).
    Dispute {
        invoice: usize,
        day: i64,
        days: i64,
    },
    /// The book's rate (`customer` `None`) or a customer's own, from `day`,
    /// in hundredths of a per mille a day.
    Rate {
        customer: Option<usize>,
        day: i64,
        rate: i64,
    },
}

pub(crate) fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0..3usize, 0..120i64, 1..200_000i64, 1..4usize, 0..60i64)
            .prop_map(|(customer, day, cents, parts, terms)| Op::Invoice { customer, day, cents, parts, terms }),
        3 => (0..3usize, 0..150i64, 1..300_000i64).prop_map(|(customer, day, cents)| Op::Pay { customer, day, cents }),
        1 => (0..8usize).prop_map(Op::VoidPayment),
        1 => (0..8usize, 0..150i64, 1..100_000i64).prop_map(|(invoice, day, cents)| Op::WriteOff { invoice, day, cents }),
        1 => (0..8usize).prop_map(Op::VoidInvoice),
        1 => (0..8usize, 0..150i64).prop_map(|(invoice, day)| Op::Reschedule { invoice, day }),
        1 => (0..8usize, 0..150i64, 0..60i64).prop_map(|(invoice, day, days)| Op::Dispute { invoice, day, days }),
        1 => (prop::option::of(0..3usize), 0..150i64, 1..100i64)
            .prop_map(|(customer, day, rate)| Op::Rate { customer, day, rate }),
    ]
}

/// Apply `ops` through the store's own functions; an operation the store
/// refuses (a write-off above the balance, a void of a paid invoice …)
/// is skipped, as a refused command changes nothing.
pub(crate) fn play(ops: &[Op]) -> Book {
    let mut played = Played::new();
    played.apply(ops);
    played.book
}

/// A book being played: its three customers (A, B, C: ids 1, 2, 3) and the
/// invoices and payments made so far, which later operations name by
/// their place.
pub(crate) struct Played {
    pub(crate) book: Book,
    ids: Vec<i64>,
    invs: Vec<i64>,
    pays: Vec<i64>,
    /// Operations applied so far (invoice numbers are `I<n>`).
    made: usize,
}

impl Played {
    pub(crate) fn new() -> Played {
        let book = Book::in_memory();
        let ids: Vec<i64> = ["A", "B", "C"]
            .iter()
            .map(|c| {
                let new =
                    customers::NewCustomer { code: (*c).into(), name: format!("Customer {c}"), ..Default::default() };
                customers::insert(&book.conn, &new, d("2026-01-01")).unwrap()
            })
            .collect();
        Played { book, ids, invs: Vec::new(), pays: Vec::new(), made: 0 }
    }

    /// Apply `ops` after those applied already (see [`play`]).
    pub(crate) fn apply(&mut self, ops: &[Op]) {
        let Played { book, ids, invs, pays, made } = self;
        let first = *made;
        *made += ops.len();
        apply(book, ids, invs, pays, first, ops);
    }
}

fn apply(book: &Book, ids: &[i64], invs: &mut Vec<i64>, pays: &mut Vec<i64>, first: usize, ops: &[Op]) {
    let day = |n: i64| d("2026-01-01") + chrono::Duration::days(n);
    for (k, op) in ops.iter().enumerate() {
        let k = first + k;
        let tx = book.conn.unchecked_transaction().unwrap();
        let done = match op {
            Op::Invoice { customer, day: n, cents, parts, terms } => {
                let amount = Money::from_cents(*cents);
                let part = Money::from_cents(cents / *parts as i64);
                let schedule: Vec<Installment> = (0..*parts)
                    .map(|p| Installment {
                        due_date: day(n + terms + 30 * p as i64),
                        amount: if p + 1 == *parts {
                            Money::from_cents(cents - (cents / *parts as i64) * (*parts as i64 - 1))
                        } else {
                            part
                        },
                    })
                    .collect();
                let number = format!("I{k}");
                let new = sale(&number, ids[*customer], day(*n), amount, &schedule);
                invoices::create(&tx, &new, true).map(|(id, _)| invs.push(id)).is_ok()
            }
            Op::Pay { customer, day: n, cents } => {
                let p = NewPayment {
                    customer_id: ids[*customer],
                    date: day(*n),
                    amount: Money::from_cents(*cents),
                    method: Method::Bank,
                    reference: None,
                    source: Source::Manual,
                    auto_apply: true,
                };
                payments::record(&tx, &p, &AllocateTo::Fifo).map(|(id, _)| pays.push(id)).is_ok()
            }
            Op::VoidPayment(i) => pays.get(*i).is_some_and(|id| payments::void(&tx, *id).is_ok()),
            Op::WriteOff { invoice, day: n, cents } => invs.get(*invoice).is_some_and(|id| {
                invoices::check_write_off(&tx, *id, day(*n), Money::from_cents(*cents)).is_ok()
                    && invoices::write_off(&tx, *id, day(*n), Money::from_cents(*cents), "test").is_ok()
            }),
            Op::VoidInvoice(i) => invs.get(*i).is_some_and(|id| {
                let untouched: bool = tx
                    .query_row(
                        "SELECT COALESCE(SUM(settled), 0) = 0 FROM installments WHERE invoice_id = ?1",
                        [id],
                        |r| r.get(0),
                    )
                    .unwrap();
                untouched && invoices::set_void(&tx, *id).is_ok()
            }),
            Op::Reschedule { invoice, day: n } => invs.get(*invoice).is_some_and(|id| {
                let open: i64 = tx
                    .query_row(
                        "SELECT COALESCE(SUM(i.amount - i.settled), 0) FROM installments i
                         JOIN invoices v ON v.id = i.invoice_id WHERE i.invoice_id = ?1 AND v.voided = 0",
                        [id],
                        |r| r.get(0),
                    )
                    .unwrap();
                let last = plans::last_settlement(&tx, *id).unwrap();
                let issued = invoices::get_by_id(&tx, *id).unwrap().issue_date;
                let date = day(*n);
                open > 1
                    && date >= issued
                    && last.is_none_or(|l| l <= date)
                    && plans::reschedule(
                        &tx,
                        *id,
                        date,
                        &[
                            Installment {
                                due_date: date + chrono::Duration::days(30),
                                amount: Money::from_cents(open / 2),
                            },
                            Installment {
                                due_date: date + chrono::Duration::days(60),
                                amount: Money::from_cents(open - open / 2),
                            },
                        ],
                        None,
                        None,
                    )
                    .is_ok()
            }),
            Op::Dispute { invoice, day: n, days } => invs.get(*invoice).is_some_and(|id| {
                let number = invoices::get_by_id(&tx, *id).unwrap().number;
                crate::store::disputes::open(&tx, *id, &number, day(*n), None).is_ok()
                    && (*days == 0 || crate::store::disputes::resolve(&tx, *id, &number, day(n + days)).is_ok())
            }),
            Op::Rate { customer, day: n, rate } => {
                let rate = rust_decimal::Decimal::new(*rate, 5);
                crate::store::interest::set_rate(&tx, customer.map(|c| ids[c]), day(*n), Some(rate)).is_ok()
            }
        };
        if done {
            // As every command that writes: the kept late interest is
            // recomputed before the commit.
            crate::store::late_interest::refresh(&tx).unwrap();
            tx.commit().unwrap();
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Whatever happens to a book, the balances its triggers keep are
    /// what a recomputation gives, and the aging read from them equals
    /// the aging computed from the whole history, as of any date.
    #[test]
    fn kept_balances_equal_the_history_whatever_happens(ops in prop::collection::vec(op(), 1..40)) {
        let book = play(&ops);
        let conn = &book.conn;
        let by_triggers = kept(conn);
        prop_assert_eq!(problems(conn), Vec::<String>::new());
        rebuild(conn).unwrap();
        prop_assert_eq!(kept(conn), by_triggers);
        for basis in [Basis::Due, Basis::Invoice] {
            let rule = AgingRule { basis, buckets: Buckets::default() };
            for as_of in ["2025-12-31", "2026-01-20", "2026-02-15", "2026-03-31", "2026-05-10", "2027-01-01"] {
                for only in [None, Some(1)] {
                    let fast = aging::aging(conn, &rule, d(as_of), only).unwrap();
                    let scan = aging::aging_by_scan(conn, &rule, d(as_of), only).unwrap();
                    prop_assert_eq!(fast, scan, "as of {}, {:?}, {:?}", as_of, basis, only);
                }
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Whatever happens to a book (payment plans, voids and write-offs
    /// included), a period's collection figures per customer tie out
    /// (beginning AR + invoiced − ending AR = collected + discounts +
    /// written off), their AR at either end is the aging's, and summed per
    /// customer the salesperson split gives the same figures.
    #[test]
    fn the_period_figures_tie_out_and_agree_with_the_aging(ops in prop::collection::vec(op(), 1..40)) {
        use crate::ledger::metrics::PeriodFigures;
        use crate::store::split::{Split, period_cells};
        let book = play(&ops);
        let conn = &book.conn;
        conn.execute("UPDATE invoices SET salesperson = CASE id % 3 WHEN 0 THEN NULL ELSE 'S' || (id % 3) END", [])
            .unwrap();
        let rule = AgingRule { basis: Basis::Due, buckets: Buckets::default() };
        let ar = |as_of: chrono::NaiveDate, customer: i64| {
            let a = aging::aging(conn, &rule, as_of, Some(customer)).unwrap();
            a.grid.row_total(0)
        };
        let periods =
            [("2026-01-01", "2026-01-31"), ("2026-02-01", "2026-03-15"), ("2026-03-16", "2026-06-30"), ("2026-01-01", "2026-12-31")];
        for (from, to) in periods {
            let (from, to) = (d(from), d(to));
            let cells = period_cells(conn, from, to, Split::CustomerOnly).unwrap();
            let mut summed: std::collections::BTreeMap<(i64, Option<String>), PeriodFigures> =
                std::collections::BTreeMap::new();
            for ((customer, _), f) in period_cells(conn, from, to, Split::BySalesperson).unwrap() {
                summed.entry((customer, None)).or_insert(PeriodFigures { days: f.days, ..Default::default() }).add(&f);
            }
            prop_assert_eq!(&cells, &summed, "{} to {}", from, to);
            for customer in 1..=3i64 {
                let f = cells.get(&(customer, None)).copied().unwrap_or_default();
                prop_assert_eq!(f.beginning_ar, ar(from.pred_opt().unwrap(), customer), "beginning, {} {}", customer, from);
                prop_assert_eq!(f.ending_ar, ar(to, customer), "ending, {} {}", customer, to);
                prop_assert_eq!(
                    f.beginning_ar + f.credit_sales - f.ending_ar,
                    f.collected + f.discounts + f.written_off,
                    "tie-out, customer {} {} to {}", customer, from, to
                );
            }
        }
    }
}

/// Writing out a rate history that was implicit (before a close) queues
/// nothing for recomputation when it changes no rate on any day, and the
/// kept figures still give what a recomputation gives. When it may change
/// one (a book history whose first step reaches back, not written from
/// the first day), or something was queued before, the queue stays.
#[test]
fn settling_the_rate_histories_queues_a_recomputation_only_when_a_rate_may_change() {
    use crate::store::{close, late_interest};
    let pending = |conn: &Connection| -> bool {
        conn.query_row("SELECT EXISTS (SELECT 1 FROM late_interest_pending)", [], |r| r.get(0)).unwrap()
    };
    let figures = |conn: &Connection| {
        let mut all = Vec::new();
        late_interest::kept(conn, d("2026-12-31"), None, |k| all.push((k.installment_id, k.accrued))).unwrap();
        all
    };
    let recomputed = |conn: &Connection| {
        conn.execute("INSERT OR IGNORE INTO late_interest_pending SELECT id FROM installments", []).unwrap();
        late_interest::refresh(conn).unwrap();
        figures(conn)
    };
    // No history, no close; B has its own rate from before rates had one.
    let ex = example::book();
    let conn = &ex.book.conn;
    conn.execute("UPDATE customers SET interest_rate = '0.0007' WHERE id = ?1", [ex.b]).unwrap();
    late_interest::refresh(conn).unwrap();
    let before = figures(conn);
    assert!(!before.is_empty(), "the example book keeps a figure");
    close::settle_rate_histories(conn, "0.0005").unwrap();
    let rows: i64 = conn.query_row("SELECT count(*) FROM interest_rates", [], |r| r.get(0)).unwrap();
    assert_eq!(rows, 2, "the book's rate and B's written out");
    assert!(!pending(conn), "no rate changed: nothing to recompute");
    assert_eq!(recomputed(conn), before);
    // A book history whose first step reaches back: writing today's rate
    // from the first day may change the days before it.
    let ex = example::book();
    let conn = &ex.book.conn;
    conn.execute("INSERT INTO interest_rates (customer_id, from_date, rate) VALUES (NULL, '2026-03-01', '0.0003')", [])
        .unwrap();
    late_interest::refresh(conn).unwrap();
    close::settle_rate_histories(conn, "0.0005").unwrap();
    assert!(pending(conn), "the rates before 2026-03-01 may have changed");
    late_interest::refresh(conn).unwrap();
    let after = figures(conn);
    assert_eq!(recomputed(conn), after);
    // Something queued before stays queued.
    let ex = example::book();
    let conn = &ex.book.conn;
    conn.execute("INSERT INTO late_interest_pending SELECT id FROM installments LIMIT 1", []).unwrap();
    close::settle_rate_histories(conn, "0.0005").unwrap();
    assert!(pending(conn));
}
