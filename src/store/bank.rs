//! Bank statement batches and lines, and what matching needs from the book.

use chrono::NaiveDate;
use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, ValueRef};
use rusqlite::{Connection, OptionalExtension, params};

use super::{Result, StoreError, customers, date_col, date_sql, money_col, payments};
use crate::ledger::Money;
use crate::ledger::matching::{CustomerKey, MatchIndex, OpenInst, Plan, SUBSET_LIMIT, normalise_name};

/// Which way money moved, seen from the account holder.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// Money in.
    Credit,
    /// Money out.
    Debit,
    /// Neither: transfers between one's own accounts, closed, failed or
    /// refunded orders, zero amounts.
    Neutral,
}

impl Direction {
    /// The word stored in `bank_lines.direction` (and shown in JSON).
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Credit => "credit",
            Direction::Debit => "debit",
            Direction::Neutral => "neutral",
        }
    }

    fn parse(s: &str) -> Option<Direction> {
        [Direction::Credit, Direction::Debit, Direction::Neutral].into_iter().find(|d| d.as_str() == s)
    }
}

/// Where a stored line stands. Only credits are ever queued; debits and
/// neutral lines are kept as `Other`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineStatus {
    /// A credit waiting for a person (or `--auto`).
    Queued,
    /// Made into a payment.
    Matched,
    /// Set aside: not a customer payment.
    Ignored,
    /// A debit or neutral line: kept, never matched.
    Other,
}

impl LineStatus {
    /// The word stored in `bank_lines.status` (and shown in messages).
    pub fn as_str(self) -> &'static str {
        match self {
            LineStatus::Queued => "queued",
            LineStatus::Matched => "matched",
            LineStatus::Ignored => "ignored",
            LineStatus::Other => "other",
        }
    }

    fn parse(s: &str) -> Option<LineStatus> {
        [LineStatus::Queued, LineStatus::Matched, LineStatus::Ignored, LineStatus::Other]
            .into_iter()
            .find(|st| st.as_str() == s)
    }

    /// What a line of this direction starts as.
    pub fn initial(direction: Direction) -> LineStatus {
        if direction == Direction::Credit { LineStatus::Queued } else { LineStatus::Other }
    }
}

impl std::fmt::Display for LineStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Text in SQLite, the enum in Rust: the stored words never change.
fn text_enum<T>(v: ValueRef<'_>, parse: fn(&str) -> Option<T>) -> FromSqlResult<T> {
    let s = v.as_str()?;
    parse(s).ok_or_else(|| FromSqlError::Other(format!("unknown value '{s}'").into()))
}

/// `ToSql`/`FromSql` for an enum stored as its `as_str` word.
macro_rules! stored_as_text {
    ($($t:ty),*) => {$(
        impl ToSql for $t {
            fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
                Ok(ToSqlOutput::from(self.as_str()))
            }
        }

        impl FromSql for $t {
            fn column_result(v: ValueRef<'_>) -> FromSqlResult<Self> {
                text_enum(v, <$t>::parse)
            }
        }
    )*};
}

stored_as_text!(Direction, LineStatus);

/// Everything matching needs: customers (names, aliases, accounts) and the
/// numbers of open invoices. Loaded once per command.
pub fn match_index(conn: &Connection) -> Result<MatchIndex> {
    let mut keys: Vec<CustomerKey> = Vec::new();
    let mut pos = std::collections::HashMap::new();
    let mut stmt = conn.prepare("SELECT id, code, name FROM customers ORDER BY id")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        pos.insert(id, keys.len());
        keys.push(CustomerKey {
            id,
            code: r.get(1)?,
            names: vec![normalise_name(&r.get::<_, String>(2)?)],
            accounts: Vec::new(),
        });
    }
    let mut stmt = conn.prepare("SELECT customer_id, alias FROM customer_aliases ORDER BY id")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        if let Some(&i) = pos.get(&r.get::<_, i64>(0)?) {
            keys[i].names.push(normalise_name(&r.get::<_, String>(1)?));
        }
    }
    let mut stmt = conn.prepare("SELECT customer_id, account FROM customer_accounts ORDER BY id")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        if let Some(&i) = pos.get(&r.get::<_, i64>(0)?) {
            keys[i].accounts.push(r.get(1)?);
        }
    }
    // Only the open invoices whose number is not upper case: the others are
    // found by number as a memo names them (see `open_invoice_numbered`), so
    // the index does not grow with the book. They are read from their own
    // partial index (schema 18), not from every open installment.
    let mut stmt = conn.prepare(
        "SELECT v.number, v.id, v.customer_id FROM invoices v INDEXED BY invoices_number_cased
         WHERE v.number <> upper(v.number) AND v.voided = 0
           AND EXISTS (SELECT 1 FROM installments i WHERE i.invoice_id = v.id AND i.settled < i.amount)
         ORDER BY v.id",
    )?;
    let open: Vec<(String, i64, i64)> =
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect::<rusqlite::Result<_>>()?;
    Ok(MatchIndex::new(keys, open))
}

/// The open invoice numbered `number` exactly, as (invoice id, customer
/// id): not voided, with an installment still open.
pub fn open_invoice_numbered(conn: &Connection, number: &str) -> Result<Option<(i64, i64)>> {
    Ok(conn
        .prepare_cached(
            "SELECT v.id, v.customer_id FROM invoices v WHERE v.number = ?1 AND v.voided = 0
             AND EXISTS (SELECT 1 FROM installments i WHERE i.invoice_id = v.id AND i.settled < i.amount)",
        )?
        .query_row([number], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?)
}

/// What allocation of a bank credit looks at: the customer's oldest open
/// installments (at most [`SUBSET_LIMIT`], oldest due first), with the oldest
/// installment whose balance equals `amount` put first when it is further
/// down. Two small indexed queries, never the customer's whole history.
pub fn open_installments(conn: &Connection, customer_id: i64, amount: Money) -> Result<Vec<OpenInst>> {
    // Oldest-first allocation's order, which is the index's own (upgrade
    // 16): the first SUBSET_LIMIT rows are read, no more.
    // The index alone answers: the invoices' numbers are looked up only
    // for the installments a plan chooses (`reconcile::plan_for`).
    const OPEN: &str = "SELECT i.id, i.invoice_id, i.amount - i.settled
         FROM installments i INDEXED BY installments_open
         WHERE i.customer_id = ?1 AND i.settled < i.amount AND i.invoice_voided = 0 AND i.invoice_disputed = 0";
    const ORDER: &str = "ORDER BY i.due_date, COALESCE(i.since, i.invoice_issued), i.id";
    let row = |r: &rusqlite::Row| -> rusqlite::Result<OpenInst> {
        Ok(OpenInst { installment: r.get(0)?, invoice: r.get(1)?, balance: money_col(r, 2)? })
    };
    let mut stmt = conn.prepare_cached(&format!("{OPEN} {ORDER} LIMIT {SUBSET_LIMIT}"))?;
    let mut open: Vec<OpenInst> = stmt.query_map(params![customer_id], row)?.collect::<rusqlite::Result<_>>()?;
    if !open.iter().any(|o| o.balance == amount) {
        let mut stmt = conn.prepare_cached(&format!("{OPEN} AND i.amount - i.settled = ?2 {ORDER} LIMIT 1"))?;
        if let Some(equal) = stmt.query_row(params![customer_id, amount.cents()], row).optional()? {
            open.insert(0, equal);
        }
    }
    Ok(open)
}

/// The profile a batch was read with.
pub fn batch_profile(conn: &Connection, batch: i64) -> Result<String> {
    Ok(super::one(conn, "SELECT profile FROM bank_batches WHERE id = ?1", [batch], |r| r.get(0))?)
}

pub fn new_batch(conn: &Connection, file: &str, profile: &str, encoding: &str) -> Result<i64> {
    let at = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
    super::exec(
        conn,
        "INSERT INTO bank_batches (file, profile, encoding, at) VALUES (?1, ?2, ?3, ?4)",
        params![file, profile, encoding, at],
    )?;
    Ok(conn.last_insert_rowid())
}

/// A statement line to store.
pub struct NewLine<'a> {
    pub fingerprint: &'a str,
    pub line: u64,
    pub date: NaiveDate,
    pub amount: Money,
    pub direction: Direction,
    pub fee: Option<Money>,
    pub counterparty: Option<&'a str>,
    pub account: Option<&'a str>,
    pub memo: Option<&'a str>,
    pub reference: Option<&'a str>,
    /// The file marks it a refund: money in, never a customer's payment.
    pub refund: bool,
    /// The currency the file states for it (as one code), if any.
    pub currency: Option<&'a str>,
    /// In a currency other than the book's: never matched or posted.
    pub foreign: bool,
}

/// Store a line unless one with the same fingerprint is already in the book.
/// Returns the new line's id, or `None` for a duplicate.
pub fn insert_line(conn: &Connection, batch: i64, l: &NewLine) -> Result<Option<i64>> {
    // A refund or a foreign-currency credit is kept, never queued.
    let status = if l.refund || l.foreign { LineStatus::Other } else { LineStatus::initial(l.direction) };
    let n = conn
        .prepare_cached(
            "INSERT OR IGNORE INTO bank_lines (batch_id, fingerprint, line, date, amount, direction, fee,
                 counterparty, account, memo, reference, status, refund, currency)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
        )?
        .execute(params![
            batch,
            l.fingerprint,
            l.line as i64,
            date_sql(l.date),
            l.amount.cents(),
            l.direction,
            l.fee.map(Money::cents),
            l.counterparty,
            l.account,
            l.memo,
            l.reference,
            status,
            l.refund,
            l.currency,
        ])?;
    Ok((n > 0).then(|| conn.last_insert_rowid()))
}

/// The line (id, batch) stored under a fingerprint, if any.
pub fn with_fingerprint(conn: &Connection, fingerprint: &str) -> Result<Option<(i64, i64)>> {
    Ok(conn
        .prepare_cached("SELECT id, batch_id FROM bank_lines WHERE fingerprint = ?1")?
        .query_row([fingerprint], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?)
}

/// A stored credit line.
#[derive(Clone, Debug)]
pub struct Line {
    pub id: i64,
    pub batch: i64,
    pub line: u64,
    pub date: NaiveDate,
    pub amount: Money,
    pub counterparty: Option<String>,
    pub account: Option<String>,
    pub memo: Option<String>,
    pub reference: Option<String>,
    pub status: LineStatus,
}

impl Line {
    /// Memo and reference together, for finding invoice numbers.
    pub fn text(&self) -> String {
        format!("{} {}", self.memo.as_deref().unwrap_or(""), self.reference.as_deref().unwrap_or(""))
    }
}

const LINE_COLUMNS: &str = "id, batch_id, line, date, amount, counterparty, account, memo, reference, status";

fn line_row(r: &rusqlite::Row) -> rusqlite::Result<Line> {
    Ok(Line {
        id: r.get(0)?,
        batch: r.get(1)?,
        line: r.get::<_, i64>(2)? as u64,
        date: date_col(r, 3)?,
        amount: money_col(r, 4)?,
        counterparty: r.get(5)?,
        account: r.get(6)?,
        memo: r.get(7)?,
        reference: r.get(8)?,
        status: r.get(9)?,
    })
}

pub fn get_line(conn: &Connection, id: i64) -> Result<Line> {
    super::one(conn, &format!("SELECT {LINE_COLUMNS} FROM bank_lines WHERE id = ?1"), [id], line_row)
        .optional()?
        .ok_or_else(|| {
            StoreError::invalid(
                format!("no bank line {id} (see: huikuan reconcile list)"),
                format!("没有编号为 {id} 的银行流水（见：huikuan reconcile list）"),
            )
        })
}

/// How many credit lines wait to be matched, counted from their partial
/// index.
pub fn queued_count(conn: &Connection) -> Result<usize> {
    let n: i64 = super::one(
        conn,
        "SELECT count(*) FROM bank_lines INDEXED BY bank_lines_queued WHERE status = 'queued'",
        [],
        |r| r.get(0),
    )?;
    Ok(usize::try_from(n).unwrap_or(0))
}

/// Credit lines waiting for a person, oldest first, each handed to `f` as
/// it is read (a long queue is never held).
pub fn each_queued<E: From<StoreError>>(
    conn: &Connection,
    mut f: impl FnMut(Line) -> std::result::Result<(), E>,
) -> std::result::Result<(), E> {
    let mut stmt = conn
        .prepare(&format!(
            // The literal (not a parameter) lets SQLite use the partial index.
            "SELECT {LINE_COLUMNS} FROM bank_lines INDEXED BY bank_lines_queued WHERE status = 'queued' \
             ORDER BY date, id"
        ))
        .map_err(StoreError::from)?;
    let mut rows = stmt.query([]).map_err(StoreError::from)?;
    while let Some(r) = rows.next().map_err(StoreError::from)? {
        f(line_row(r).map_err(StoreError::from)?)?;
    }
    Ok(())
}

/// Make a payment of a credit line for a customer and allocate it by plan.
/// Returns the payment id and what stayed unapplied.
pub fn apply_match(
    conn: &Connection,
    line: &Line,
    customer_id: i64,
    plan: &Plan,
    method: payments::Method,
    rule: &str,
    confidence: u8,
) -> Result<(i64, Money)> {
    if line.status != LineStatus::Queued {
        return Err(StoreError::invalid(
            format!("bank line {} is {}, not waiting to be matched", line.id, line.status),
            format!("银行流水 {} 状态为 {}，不在待匹配队列中", line.id, line.status),
        ));
    }
    let reference = line.reference.as_deref().or(line.memo.as_deref());
    let to = match plan {
        Plan::Invoices(ids) => super::money::AllocateTo::Invoices(ids.clone()),
        Plan::Installments(ids) => super::money::AllocateTo::Installments(ids.clone()),
        Plan::Fifo => super::money::AllocateTo::Fifo,
    };
    let p = payments::NewPayment {
        customer_id,
        date: line.date,
        amount: line.amount,
        method,
        reference,
        source: payments::Source::Bank,
        auto_apply: true,
    };
    let (id, unapplied) = payments::record(conn, &p, &to)?;
    super::exec(
        conn,
        "UPDATE bank_lines SET status = ?1, payment_id = ?2, rule = ?3, confidence = ?4 WHERE id = ?5",
        params![LineStatus::Matched, id, rule, confidence, line.id],
    )?;
    Ok((id, unapplied))
}

/// What a confirmed line can teach its customer, so the next statement
/// matches by itself: the counterparty's name as an alias (unless the
/// customer already answers to it after normalisation) and its account
/// (unless already the customer's). Returns them as `alias '…'`,
/// `account …`. With `write` they are added, and a name or account another
/// customer holds is refused, naming that customer (it belongs to one
/// customer). Without, nothing is written and what another customer holds
/// is left out: a third party may pay for a customer (代付).
pub fn learn(conn: &Connection, customer_id: i64, line: &Line, write: bool) -> Result<Vec<String>> {
    let c = customers::get_by_id(conn, customer_id)?;
    let mut learned = Vec::new();
    if let Some(name) = line.counterparty.as_deref().map(str::trim) {
        let key = normalise_name(name);
        let known = key.is_empty() || std::iter::once(&c.name).chain(&c.aliases).any(|n| normalise_name(n) == key);
        let new = match (known, write) {
            (true, _) => false,
            (false, true) => customers::add_alias(conn, customer_id, name)?,
            (false, false) => customers::alias_holder(conn, customer_id, name)?.is_none(),
        };
        if new {
            learned.push(format!("alias '{name}'"));
        }
    }
    if let Some(acct) = line.account.as_deref().map(customers::account_key) {
        let known = acct.is_empty() || c.accounts.contains(&acct);
        let new = match (known, write) {
            (true, _) => false,
            (false, true) => customers::add_account(conn, customer_id, &acct)?,
            (false, false) => customers::account_holder(conn, customer_id, &acct)?.is_none(),
        };
        if new {
            learned.push(format!("account {acct}"));
        }
    }
    Ok(learned)
}

pub fn ignore(conn: &Connection, id: i64) -> Result<Line> {
    let line = get_line(conn, id)?;
    if line.status != LineStatus::Queued {
        return Err(StoreError::invalid(
            format!("bank line {id} is {}, not waiting to be matched", line.status),
            format!("银行流水 {id} 状态为 {}，不在待匹配队列中", line.status),
        ));
    }
    super::exec(conn, "UPDATE bank_lines SET status = ?1 WHERE id = ?2", params![LineStatus::Ignored, id])?;
    Ok(line)
}

/// Void a payment ([`payments::void`]); when it was made from a bank line,
/// the line goes back to the queue. Bank lines know their payments, not the
/// other way round, so this lives here.
pub fn void_payment(conn: &Connection, payment_id: i64) -> Result<payments::Payment> {
    let p = payments::void(conn, payment_id)?;
    requeue_payment(conn, payment_id)?;
    Ok(p)
}

/// A voided bank payment sends its line back to the queue.
fn requeue_payment(conn: &Connection, payment_id: i64) -> Result<()> {
    super::exec(
        conn,
        "UPDATE bank_lines SET status = ?1, payment_id = NULL, rule = NULL, confidence = NULL
         WHERE payment_id = ?2",
        params![LineStatus::Queued, payment_id],
    )?;
    Ok(())
}

/// Remove a batch: its lines, and the payments (with their allocations) it made.
/// Returns (lines removed, payments removed).
pub fn undo(conn: &Connection, batch: i64) -> Result<(usize, usize)> {
    let undone: Option<bool> =
        super::one(conn, "SELECT undone FROM bank_batches WHERE id = ?1", [batch], |r| r.get(0)).optional()?;
    match undone {
        None => {
            return Err(StoreError::invalid(
                format!("no bank import batch {batch}"),
                format!("没有编号为 {batch} 的银行导入批次"),
            ));
        }
        Some(true) => {
            return Err(StoreError::invalid(
                format!("batch {batch} was already undone"),
                format!("批次 {batch} 已撤销"),
            ));
        }
        Some(false) => {}
    }
    let pays: Vec<i64> = conn
        .prepare("SELECT payment_id FROM bank_lines WHERE batch_id = ?1 AND payment_id IS NOT NULL")?
        .query_map([batch], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let lines = super::exec(conn, "DELETE FROM bank_lines WHERE batch_id = ?1", [batch])?;
    for p in &pays {
        // A discount the payment earned goes with it (see store::money).
        super::exec(conn, "DELETE FROM write_offs WHERE payment_id = ?1 AND kind = 'discount'", [p])?;
        super::exec(conn, "DELETE FROM allocations WHERE payment_id = ?1", [p])?;
        super::exec(conn, "DELETE FROM payments WHERE id = ?1", [p])?;
    }
    super::exec(conn, "UPDATE bank_batches SET undone = 1 WHERE id = ?1", [batch])?;
    Ok((lines, pays.len()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::matching::Plan;
    use crate::store::Book;
    use crate::store::invoices::fixtures::{customer, day, invoice, yuan};
    use crate::store::payments::Method;

    fn credit<'a>(fingerprint: &'a str, memo: &'a str) -> NewLine<'a> {
        NewLine {
            fingerprint,
            line: 3,
            date: day("2026-03-02"),
            amount: yuan(100),
            direction: Direction::Credit,
            fee: None,
            counterparty: Some("华宇科技"),
            account: Some("6222"),
            memo: Some(memo),
            reference: None,
            refund: false,
            currency: None,
            foreign: false,
        }
    }

    #[test]
    fn a_memo_names_open_invoices_by_number_whatever_their_case() {
        let book = Book::in_memory();
        let c = &book.conn;
        let a = customer(c, "A", "华宇科技");
        let upper = invoice(c, a, "INV-1", "2026-03-01", &[("2026-03-31", 100)]);
        let lower = invoice(c, a, "inv-2", "2026-03-01", &[("2026-03-31", 100)]);
        let paid = invoice(c, a, "INV-3", "2026-03-01", &[("2026-03-31", 100)]);
        c.execute("UPDATE installments SET paid = amount, settled = amount WHERE invoice_id = ?1", [paid]).unwrap();
        let index = match_index(c).unwrap();
        let named = index.named_in("INV-1 / INV-2 / INV-3 / INV-4", |n| open_invoice_numbered(c, n)).unwrap();
        assert_eq!(named, [(upper, a), (lower, a)], "a paid invoice and an unknown number name nothing");
        assert_eq!(open_invoice_numbered(c, "INV-3").unwrap(), None);
    }

    #[test]
    fn a_credit_is_stored_queued_and_its_second_import_is_skipped() {
        let book = Book::in_memory();
        let batch = new_batch(&book.conn, "march.csv", "icbc", "UTF-8").unwrap();
        let id = insert_line(&book.conn, batch, &credit("fp-1", "INV-1")).unwrap().expect("a new line");
        let line = get_line(&book.conn, id).unwrap();
        assert_eq!((line.amount, line.status, line.memo.as_deref()), (yuan(100), LineStatus::Queued, Some("INV-1")));
        assert_eq!(batch_profile(&book.conn, batch).unwrap(), "icbc");
        let again = new_batch(&book.conn, "march.csv", "icbc", "UTF-8").unwrap();
        assert_eq!(insert_line(&book.conn, again, &credit("fp-1", "INV-1")).unwrap(), None);
        assert_eq!(queued_count(&book.conn).unwrap(), 1);
    }

    #[test]
    fn direction_and_status_are_stored_as_the_same_words() {
        let book = Book::in_memory();
        let batch = new_batch(&book.conn, "march.csv", "icbc", "UTF-8").unwrap();
        let debit = NewLine { direction: Direction::Debit, ..credit("fp-2", "rent") };
        let id = insert_line(&book.conn, batch, &debit).unwrap().unwrap();
        let (direction, status): (String, String) = book
            .conn
            .query_row("SELECT direction, status FROM bank_lines WHERE id = ?1", [id], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap();
        assert_eq!((direction.as_str(), status.as_str()), ("debit", "other"));
        for d in [Direction::Credit, Direction::Debit, Direction::Neutral] {
            let back: Direction = book.conn.query_row("SELECT ?1", [d], |r| r.get(0)).unwrap();
            assert_eq!(back, d);
        }
        for s in [LineStatus::Queued, LineStatus::Matched, LineStatus::Ignored, LineStatus::Other] {
            let back: LineStatus = book.conn.query_row("SELECT ?1", [s], |r| r.get(0)).unwrap();
            assert_eq!(back, s);
        }
        assert!(book.conn.query_row("SELECT 'lost'", [], |r| r.get::<_, LineStatus>(0)).is_err());
    }

    #[test]
    fn a_refund_or_a_foreign_credit_is_kept_but_never_queued() {
        let book = Book::in_memory();
        let batch = new_batch(&book.conn, "march.csv", "wechat", "UTF-8").unwrap();
        let refund = NewLine { refund: true, ..credit("fp-r", "退款") };
        let usd = NewLine { currency: Some("USD"), foreign: true, ..credit("fp-u", "INV-9") };
        let cny = NewLine { currency: Some("CNY"), ..credit("fp-c", "INV-8") };
        for l in [&refund, &usd, &cny] {
            insert_line(&book.conn, batch, l).unwrap().unwrap();
        }
        let stored: Vec<(String, bool, Option<String>)> = book
            .conn
            .prepare("SELECT status, refund, currency FROM bank_lines ORDER BY id")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(
            stored,
            [
                ("other".to_string(), true, None),
                ("other".to_string(), false, Some("USD".to_string())),
                ("queued".to_string(), false, Some("CNY".to_string()))
            ]
        );
        assert_eq!(queued_count(&book.conn).unwrap(), 1);
    }

    #[test]
    fn a_matched_line_becomes_a_payment_and_voiding_it_queues_the_line_again() {
        let book = Book::in_memory();
        let c = customer(&book.conn, "HY", "华宇");
        let inv = invoice(&book.conn, c, "INV-1", "2026-02-01", &[("2026-02-28", 60)]);
        let batch = new_batch(&book.conn, "march.csv", "alipay", "UTF-8").unwrap();
        let id = insert_line(&book.conn, batch, &credit("fp-1", "INV-1")).unwrap().unwrap();
        let line = get_line(&book.conn, id).unwrap();
        let (payment, unapplied) =
            apply_match(&book.conn, &line, c, &Plan::Invoices(vec![inv]), Method::Alipay, "invoice-ref", 95).unwrap();
        assert_eq!(unapplied, yuan(40));
        assert_eq!(get_line(&book.conn, id).unwrap().status, LineStatus::Matched);
        assert!(ignore(&book.conn, id).is_err(), "a matched line is not in the queue");
        let p = void_payment(&book.conn, payment).unwrap();
        assert_eq!(p.amount, yuan(100));
        assert_eq!(get_line(&book.conn, id).unwrap().status, LineStatus::Queued);
        assert_eq!(ignore(&book.conn, id).unwrap().id, id);
        assert_eq!(get_line(&book.conn, id).unwrap().status, LineStatus::Ignored);
    }
}
