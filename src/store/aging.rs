//! As-of queries behind the aging report and the interest calculation.
//!
//! As of a date, only invoices issued on or before it count, and only the
//! allocations and write-offs that took effect on or before it reduce them.
//! Void invoices and void payments count nowhere.

use chrono::NaiveDate;
use rusqlite::{Connection, params_from_iter, types::Value};

use super::{Result, date_col, date_sql, money_col};
use crate::ledger::Money;
use crate::ledger::aging::{AgingRule, Grid, TieOut};
use crate::ledger::interest::Settlement;

/// A customer's place in a report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CustomerRef {
    pub id: i64,
    pub code: String,
    pub name: String,
}

/// Everything the aging report needs, aggregated by SQLite.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AgingData {
    pub customers: Vec<CustomerRef>,
    /// `[customer][bucket]`, customers in the order of `customers`.
    pub grid: Grid,
    /// Unapplied credit per customer as of the date.
    pub unapplied: Vec<Money>,
    pub tie: TieOut,
}

/// Settled (paid or written off) per installment as of `?1`.
const SETTLED: &str = "SELECT installment_id, SUM(amount) AS settled FROM (
        SELECT installment_id, amount FROM allocations WHERE effective_date <= ?1
        UNION ALL
        SELECT installment_id, amount FROM write_offs WHERE date <= ?1)
     GROUP BY installment_id";

fn customers(conn: &Connection, only: Option<i64>) -> Result<Vec<CustomerRef>> {
    let mut stmt = conn.prepare("SELECT id, code, name FROM customers WHERE (?1 IS NULL OR id = ?1) ORDER BY code")?;
    let rows = stmt.query_map([only], |r| Ok(CustomerRef { id: r.get(0)?, code: r.get(1)?, name: r.get(2)? }))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The SQL expression giving a row's bucket number: how many of the rule's
/// thresholds (parameters `?3`, `?4`, …) its date falls before.
fn bucket_sql(rule: &AgingRule, thresholds: &[NaiveDate]) -> String {
    let column = match rule.basis {
        crate::ledger::aging::Basis::Due => "i.due_date",
        crate::ledger::aging::Basis::Invoice => "v.issue_date",
    };
    let parts: Vec<String> = (0..thresholds.len()).map(|k| format!("({column} < ?{})", k + 3)).collect();
    if parts.is_empty() { "0".to_string() } else { parts.join(" + ") }
}

/// The as-of date, the customer filter, then the thresholds: `?1`, `?2`, `?3`….
fn aging_args(as_of: NaiveDate, only: Option<i64>, thresholds: &[NaiveDate]) -> Vec<Value> {
    let mut args: Vec<Value> = vec![Value::Text(date_sql(as_of)), only.map_or(Value::Null, Value::Integer)];
    args.extend(thresholds.iter().map(|t| Value::Text(date_sql(*t))));
    args
}

/// Money per customer from a query returning `(customer_id, amount)` rows.
fn per_customer(
    conn: &Connection,
    sql: &str,
    args: &[Value],
    pos: &std::collections::HashMap<i64, usize>,
    out: &mut [Money],
) -> Result<()> {
    let mut stmt = conn.prepare(sql)?;
    let mut rows = stmt.query(params_from_iter(args.iter()))?;
    while let Some(r) = rows.next()? {
        if let Some(&c) = pos.get(&r.get::<_, i64>(0)?) {
            out[c] += money_col(r, 1)?;
        }
    }
    Ok(())
}

fn total(conn: &Connection, sql: &str, as_of: NaiveDate, only: Option<i64>) -> Result<Money> {
    Ok(super::one(conn, sql, rusqlite::params![date_sql(as_of), only], |r| money_col(r, 0))?)
}

/// What `table` (allocations or write-offs) settled by the as-of date, by its
/// `date` column: a range of its date index (of one customer's installments).
fn settled_total(conn: &Connection, table: &str, date: &str, as_of: NaiveDate, only: Option<i64>) -> Result<Money> {
    total(
        conn,
        &format!(
            "SELECT COALESCE(SUM(amount), 0) FROM {table} WHERE {date} <= ?1
               AND (?2 IS NULL OR installment_id IN (SELECT id FROM installments WHERE customer_id = ?2))"
        ),
        as_of,
        only,
    )
}

/// Aggregate the aging grid, unapplied credit and tie-out figures as of a date.
///
/// What was open at the as-of date is what is open now plus what was settled
/// after it, so only the open installments (a partial index) and the
/// settlements dated after the as-of date are read, never the whole history:
///
/// ```text
/// balance(as_of) = (amount − settled now) + Σ settlements dated after as_of
/// unapplied(as_of) = Σ (amount − allocated) of payments dated ≤ as_of
///                  + Σ allocations of those payments taking effect after as_of
/// ```
///
/// (Void invoices and void payments carry no allocations; `huikuan check`
/// verifies it.) The tie-out sums are read independently of the grid, so a
/// disagreement still shows. [`aging_by_scan`] computes the same from the
/// whole history and is kept as the reference the tests compare against.
pub fn aging(conn: &Connection, rule: &AgingRule, as_of: NaiveDate, only: Option<i64>) -> Result<AgingData> {
    let customers = customers(conn, only)?;
    let pos: std::collections::HashMap<i64, usize> = customers.iter().enumerate().map(|(i, c)| (c.id, i)).collect();
    let mut grid = Grid::new(customers.len(), rule.len());
    let thresholds = rule.thresholds(as_of);
    let bucket = bucket_sql(rule, &thresholds);
    let args = aging_args(as_of, only, &thresholds);
    let sql = format!(
        "SELECT customer_id, bucket, SUM(amount) FROM (
            SELECT i.customer_id, {bucket} AS bucket, i.amount - i.settled AS amount
            FROM installments i INDEXED BY installments_open
            JOIN invoices v ON v.id = i.invoice_id
            WHERE i.settled < i.amount AND v.voided = 0 AND v.issue_date <= ?1
              AND (?2 IS NULL OR i.customer_id = ?2)
            UNION ALL
            SELECT i.customer_id, {bucket}, s.amount
            FROM (SELECT installment_id, amount FROM allocations WHERE effective_date > ?1
                  UNION ALL
                  SELECT installment_id, amount FROM write_offs WHERE date > ?1) s
            JOIN installments i ON i.id = s.installment_id
            JOIN invoices v ON v.id = i.invoice_id
            WHERE v.voided = 0 AND v.issue_date <= ?1 AND (?2 IS NULL OR i.customer_id = ?2))
         GROUP BY customer_id, bucket"
    );
    let mut stmt = conn.prepare(&sql)?;
    let mut rows = stmt.query(params_from_iter(args.iter()))?;
    while let Some(r) = rows.next()? {
        if let Some(&c) = pos.get(&r.get::<_, i64>(0)?) {
            grid.add(c, r.get::<_, i64>(1)? as usize, money_col(r, 2)?);
        }
    }

    let mut unapplied = vec![Money::ZERO; customers.len()];
    per_customer(
        conn,
        "SELECT customer_id, SUM(amount - allocated) FROM payments INDEXED BY payments_credit
         WHERE allocated < amount AND voided = 0 AND date <= ?1 AND (?2 IS NULL OR customer_id = ?2)
         GROUP BY customer_id",
        &args[..2],
        &pos,
        &mut unapplied,
    )?;
    per_customer(
        conn,
        "SELECT p.customer_id, SUM(a.amount) FROM allocations a JOIN payments p ON p.id = a.payment_id
         WHERE a.effective_date > ?1 AND p.date <= ?1 AND (?2 IS NULL OR p.customer_id = ?2)
         GROUP BY p.customer_id",
        &args[..2],
        &pos,
        &mut unapplied,
    )?;
    let tie = TieOut {
        buckets: grid.totals().into_iter().sum(),
        invoiced: total(
            conn,
            // Two plans in one statement: all customers from the issued-invoice
            // index, one customer from its own index.
            "SELECT (SELECT COALESCE(SUM(amount), 0) FROM invoices
                     WHERE ?2 IS NULL AND voided = 0 AND issue_date <= ?1)
                  + (SELECT COALESCE(SUM(amount), 0) FROM invoices
                     WHERE voided = 0 AND issue_date <= ?1 AND customer_id = ?2)",
            as_of,
            only,
        )?,
        collected: settled_total(conn, "allocations", "effective_date", as_of, only)?,
        written_off: settled_total(conn, "write_offs", "date", as_of, only)?,
    };
    Ok(AgingData { customers, grid, unapplied, tie })
}

/// [`aging`] computed from the whole history: every installment with every
/// settlement up to the as-of date. Slower; the reference for tests.
pub fn aging_by_scan(conn: &Connection, rule: &AgingRule, as_of: NaiveDate, only: Option<i64>) -> Result<AgingData> {
    let customers = customers(conn, only)?;
    let pos: std::collections::HashMap<i64, usize> = customers.iter().enumerate().map(|(i, c)| (c.id, i)).collect();
    let mut grid = Grid::new(customers.len(), rule.len());
    let thresholds = rule.thresholds(as_of);
    let bucket = bucket_sql(rule, &thresholds);
    let sql = format!(
        "SELECT i.customer_id, {bucket} AS bucket, SUM(i.amount - COALESCE(s.settled, 0))
         FROM installments i
         JOIN invoices v ON v.id = i.invoice_id
         LEFT JOIN ({SETTLED}) s ON s.installment_id = i.id
         WHERE v.voided = 0 AND v.issue_date <= ?1 AND (?2 IS NULL OR i.customer_id = ?2)
         GROUP BY i.customer_id, bucket"
    );
    let args = aging_args(as_of, only, &thresholds);
    let mut stmt = conn.prepare(&sql)?;
    let mut rows = stmt.query(params_from_iter(args.iter()))?;
    while let Some(r) = rows.next()? {
        let cid: i64 = r.get(0)?;
        let bucket: i64 = r.get(1)?;
        if let Some(&c) = pos.get(&cid) {
            grid.add(c, bucket as usize, money_col(r, 2)?);
        }
    }

    let as_of_s = date_sql(as_of);
    let per_customer = |sql: &str| -> Result<Vec<Money>> {
        let mut out = vec![Money::ZERO; customers.len()];
        let mut stmt = conn.prepare(sql)?;
        let mut rows = stmt.query(rusqlite::params![as_of_s, only])?;
        while let Some(r) = rows.next()? {
            if let Some(&c) = pos.get(&r.get::<_, i64>(0)?) {
                out[c] = money_col(r, 1)?;
            }
        }
        Ok(out)
    };
    let invoiced = per_customer(
        "SELECT customer_id, SUM(amount) FROM invoices
         WHERE voided = 0 AND issue_date <= ?1 AND (?2 IS NULL OR customer_id = ?2) GROUP BY customer_id",
    )?;
    let collected = per_customer(
        "SELECT i.customer_id, SUM(a.amount) FROM allocations a
         JOIN installments i ON i.id = a.installment_id JOIN invoices v ON v.id = i.invoice_id
         WHERE v.voided = 0 AND a.effective_date <= ?1 AND (?2 IS NULL OR i.customer_id = ?2)
         GROUP BY i.customer_id",
    )?;
    let written_off = per_customer(
        "SELECT i.customer_id, SUM(w.amount) FROM write_offs w
         JOIN installments i ON i.id = w.installment_id JOIN invoices v ON v.id = i.invoice_id
         WHERE v.voided = 0 AND w.date <= ?1 AND (?2 IS NULL OR i.customer_id = ?2)
         GROUP BY i.customer_id",
    )?;
    let received = per_customer(
        "SELECT customer_id, SUM(amount) FROM payments
         WHERE voided = 0 AND date <= ?1 AND (?2 IS NULL OR customer_id = ?2) GROUP BY customer_id",
    )?;
    // Every allocation of a payment dated on or before the as-of date that took
    // effect by then is in `collected`, so what is left of the receipts is credit.
    let unapplied: Vec<Money> = received.iter().zip(&collected).map(|(r, c)| *r - *c).collect();
    let tie = TieOut {
        buckets: grid.totals().into_iter().sum(),
        invoiced: invoiced.into_iter().sum(),
        collected: collected.into_iter().sum(),
        written_off: written_off.into_iter().sum(),
    };
    Ok(AgingData { customers, grid, unapplied, tie })
}

/// An installment with a balance as of the date, and what settled it by then.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpenInstallment {
    pub installment_id: i64,
    pub customer_id: i64,
    pub customer: String,
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

/// Every installment with a balance as of `as_of` (optionally of one customer),
/// by customer code, due date, invoice, streamed to `f` with its settlements.
///
/// The installments open at the as-of date are those open now and those
/// settled after it (see [`aging`]), so the whole history is never read.
pub fn open_installments(
    conn: &Connection,
    as_of: NaiveDate,
    only: Option<i64>,
    f: impl FnMut(OpenInstallment) -> Result<()>,
) -> Result<()> {
    // The open installments come straight from the covering partial index;
    // only those settled after the as-of date are read from the table.
    let open = "SELECT k.id, k.customer_id, c.code, v.number, v.issue_date, k.due_date, k.amount, v.disputed, v.kind
        FROM (SELECT id, customer_id, due_date, invoice_id, amount FROM installments INDEXED BY installments_open
               WHERE settled < amount AND (?2 IS NULL OR customer_id = ?2)
              UNION
              SELECT id, customer_id, due_date, invoice_id, amount FROM installments
               WHERE id IN (SELECT installment_id FROM allocations WHERE effective_date > ?1
                            UNION
                            SELECT installment_id FROM write_offs WHERE date > ?1)
                 AND (?2 IS NULL OR customer_id = ?2)) k
        JOIN invoices v ON v.id = k.invoice_id
        JOIN customers c ON c.id = k.customer_id
        WHERE v.voided = 0 AND v.issue_date <= ?1";
    stream_open(conn, open, as_of, only, f)
}

/// [`open_installments`] from the whole history; the reference for tests.
pub fn open_installments_by_scan(
    conn: &Connection,
    as_of: NaiveDate,
    only: Option<i64>,
    f: impl FnMut(OpenInstallment) -> Result<()>,
) -> Result<()> {
    let open = format!(
        "SELECT i.id, i.customer_id, c.code, v.number, v.issue_date, i.due_date, i.amount, v.disputed, v.kind
         FROM installments i
         JOIN invoices v ON v.id = i.invoice_id
         JOIN customers c ON c.id = i.customer_id
         LEFT JOIN ({SETTLED}) s ON s.installment_id = i.id
         WHERE v.voided = 0 AND v.issue_date <= ?1 AND (?2 IS NULL OR i.customer_id = ?2)
           AND i.amount > COALESCE(s.settled, 0)"
    );
    stream_open(conn, &open, as_of, only, f)
}

/// Run `open` (installment rows, parameters `?1` as-of and `?2` customer) with
/// each row's settlements up to the as-of date, and stream them to `f`.
fn stream_open(
    conn: &Connection,
    open: &str,
    as_of: NaiveDate,
    only: Option<i64>,
    mut f: impl FnMut(OpenInstallment) -> Result<()>,
) -> Result<()> {
    // Each open installment's settlements are looked up by installment (an
    // index search per item), never by joining the whole history.
    let sql = format!(
        "WITH open AS MATERIALIZED ({open})
         SELECT o.*, a.effective_date AS date, a.amount FROM open o
           LEFT JOIN allocations a ON a.installment_id = o.id AND a.effective_date <= ?1
         UNION ALL
         SELECT o.*, w.date, w.amount FROM open o
           JOIN write_offs w ON w.installment_id = o.id AND w.date <= ?1
         ORDER BY 3, 6, 4, 1, 10"
    );
    let mut stmt = conn.prepare(&sql)?;
    let mut rows = stmt.query(rusqlite::params![date_sql(as_of), only])?;
    let mut current: Option<OpenInstallment> = None;
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        if current.as_ref().is_some_and(|c| c.installment_id != id)
            && let Some(done) = current.take()
        {
            f(done)?;
        }
        let item = current.get_or_insert(OpenInstallment {
            installment_id: id,
            customer_id: r.get(1)?,
            customer: r.get(2)?,
            invoice: r.get(3)?,
            issue_date: date_col(r, 4)?,
            due_date: date_col(r, 5)?,
            amount: money_col(r, 6)?,
            disputed: r.get(7)?,
            is_interest: r.get::<_, String>(8)? == "interest",
            settlements: Vec::new(),
        });
        if r.get::<_, Option<String>>(9)?.is_some() {
            item.settlements.push(Settlement { date: date_col(r, 9)?, amount: money_col(r, 10)? });
        }
    }
    if let Some(done) = current {
        f(done)?;
    }
    Ok(())
}

/// Per-customer daily interest rates that override the book's.
pub fn customer_rates(conn: &Connection) -> Result<std::collections::HashMap<i64, rust_decimal::Decimal>> {
    let mut stmt = conn.prepare("SELECT id, interest_rate FROM customers WHERE interest_rate IS NOT NULL")?;
    let mut rows = stmt.query([])?;
    let mut out = std::collections::HashMap::new();
    while let Some(r) = rows.next()? {
        let text: String = r.get(1)?;
        out.insert(r.get(0)?, crate::ledger::interest::parse_rate(&text)?);
    }
    Ok(out)
}

/// Payment history per customer as of a date, for the credit score suggestion:
/// every allocation and write-off by then with its days late, and every
/// balance still overdue then with its days late so far.
pub fn payment_history(
    conn: &Connection,
    as_of: NaiveDate,
    only: Option<i64>,
) -> Result<std::collections::HashMap<i64, Vec<crate::ledger::credit::PaymentRecord>>> {
    use crate::ledger::credit::PaymentRecord;
    let mut out: std::collections::HashMap<i64, Vec<PaymentRecord>> = std::collections::HashMap::new();
    let mut stmt = conn.prepare(
        "SELECT i.customer_id, x.amount, CAST(julianday(x.date) - julianday(i.due_date) AS INTEGER)
         FROM (SELECT installment_id, amount, effective_date AS date FROM allocations WHERE effective_date <= ?1
               UNION ALL
               SELECT installment_id, amount, date FROM write_offs WHERE date <= ?1) x
         JOIN installments i ON i.id = x.installment_id
         JOIN invoices v ON v.id = i.invoice_id
         WHERE v.voided = 0 AND v.kind = 'sale' AND (?2 IS NULL OR i.customer_id = ?2)",
    )?;
    let mut rows = stmt.query(rusqlite::params![date_sql(as_of), only])?;
    while let Some(r) = rows.next()? {
        out.entry(r.get(0)?).or_default().push(PaymentRecord { amount: money_col(r, 1)?, days_late: r.get(2)? });
    }
    open_installments(conn, as_of, only, |item| {
        let late = (as_of - item.due_date).num_days();
        if late > 0 && !item.is_interest {
            out.entry(item.customer_id).or_default().push(PaymentRecord { amount: item.balance(), days_late: late });
        }
        Ok(())
    })?;
    Ok(out)
}

/// Set a customer's credit score.
pub fn set_score(conn: &Connection, id: i64, score: u8) -> Result<()> {
    super::exec(conn, "UPDATE customers SET credit_score = ?1 WHERE id = ?2", rusqlite::params![score, id])?;
    Ok(())
}

/// Per-customer sums over a date range [from, to], by customer id.
fn sums(conn: &Connection, sql: &str, from: NaiveDate, to: NaiveDate) -> Result<std::collections::HashMap<i64, Money>> {
    let mut out = std::collections::HashMap::new();
    let mut stmt = conn.prepare(sql)?;
    let mut rows = stmt.query(rusqlite::params![date_sql(from), date_sql(to)])?;
    while let Some(r) = rows.next()? {
        out.insert(r.get(0)?, money_col(r, 1)?);
    }
    Ok(out)
}

/// Credit sales, collections, what fell due and what of it was collected by
/// the end, per customer, for the period [from, to].
pub struct PeriodSums {
    pub sales: std::collections::HashMap<i64, Money>,
    pub collected: std::collections::HashMap<i64, Money>,
    pub fell_due: std::collections::HashMap<i64, Money>,
    pub collected_on_due: std::collections::HashMap<i64, Money>,
}

pub fn period_sums(conn: &Connection, from: NaiveDate, to: NaiveDate) -> Result<PeriodSums> {
    Ok(PeriodSums {
        sales: sums(
            conn,
            "SELECT customer_id, SUM(amount) FROM invoices
             WHERE voided = 0 AND kind = 'sale' AND issue_date BETWEEN ?1 AND ?2 GROUP BY customer_id",
            from,
            to,
        )?,
        collected: sums(
            conn,
            "SELECT customer_id, SUM(amount) FROM payments WHERE voided = 0 AND date BETWEEN ?1 AND ?2
             GROUP BY customer_id",
            from,
            to,
        )?,
        fell_due: sums(
            conn,
            "SELECT i.customer_id, SUM(i.amount) FROM installments i JOIN invoices v ON v.id = i.invoice_id
             WHERE v.voided = 0 AND i.due_date BETWEEN ?1 AND ?2 GROUP BY i.customer_id",
            from,
            to,
        )?,
        collected_on_due: sums(
            conn,
            "SELECT i.customer_id, SUM(a.amount) FROM allocations a JOIN installments i ON i.id = a.installment_id
             JOIN invoices v ON v.id = i.invoice_id
             WHERE v.voided = 0 AND i.due_date BETWEEN ?1 AND ?2 AND a.effective_date <= ?2 GROUP BY i.customer_id",
            from,
            to,
        )?,
    })
}

/// One line of a customer statement.
#[derive(Clone, Debug)]
pub struct StatementLine {
    pub date: NaiveDate,
    /// invoice, interest, payment or write-off
    pub kind: &'static str,
    pub reference: String,
    /// Positive for what the customer owes more, negative for what reduces it.
    pub amount: Money,
}

const TRANSACTIONS: &str = "
    SELECT issue_date, CASE kind WHEN 'interest' THEN 1 ELSE 0 END, number, amount, id FROM invoices
     WHERE customer_id = ?1 AND voided = 0 AND issue_date BETWEEN ?2 AND ?3
    UNION ALL
    SELECT date, 2, COALESCE(reference, '#' || id), -amount, id FROM payments
     WHERE customer_id = ?1 AND voided = 0 AND date BETWEEN ?2 AND ?3
    UNION ALL
    SELECT w.date, 3, v.number, -w.amount, w.id FROM write_offs w
      JOIN installments i ON i.id = w.installment_id JOIN invoices v ON v.id = i.invoice_id
     WHERE i.customer_id = ?1 AND v.voided = 0 AND w.date BETWEEN ?2 AND ?3";

/// The customer's balance (invoiced − received − written off) before `from`,
/// and every transaction dated in [from, to], in date order.
pub fn statement(
    conn: &Connection,
    customer_id: i64,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<(Money, Vec<StatementLine>)> {
    let before = from.pred_opt().unwrap_or(from);
    let opening: Money = super::one(
        conn,
        &format!("SELECT COALESCE(SUM(amount), 0) FROM ({TRANSACTIONS})"),
        rusqlite::params![customer_id, "0000-01-01", date_sql(before)],
        |r| money_col(r, 0),
    )?;
    let mut stmt = conn.prepare(&format!("SELECT * FROM ({TRANSACTIONS}) ORDER BY 1, 2, 5"))?;
    let rows = stmt.query_map(rusqlite::params![customer_id, date_sql(from), date_sql(to)], |r| {
        let kind = match r.get::<_, i64>(1)? {
            0 => "invoice",
            1 => "interest",
            2 => "payment",
            _ => "write-off",
        };
        Ok(StatementLine { date: date_col(r, 0)?, kind, reference: r.get(2)?, amount: money_col(r, 3)? })
    })?;
    Ok((opening, rows.collect::<rusqlite::Result<_>>()?))
}
