//! Invoices and their installments.

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, params};

use super::money::AllocateTo;
use super::{Result, StoreError, date_col, date_sql, money_col};
use crate::ledger::Money;
use crate::ledger::schedule::Installment;

/// What an invoice is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Sale,
    /// Late interest posted as a receivable.
    Interest,
}

/// An invoice's state (DESIGN §2). Only `void` and `disputed` are stored;
/// `paid` and `open` follow from the balance.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Open,
    Paid,
    Void,
    Disputed,
    /// Nothing left to collect, and some of it was written off.
    #[serde(rename = "written off")]
    WrittenOff,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::Paid => "paid",
            Status::Void => "void",
            Status::Disputed => "disputed",
            Status::WrittenOff => "written off",
        }
    }

    pub fn zh(self) -> &'static str {
        match self {
            Status::Open => "未结",
            Status::Paid => "已结清",
            Status::Void => "作废",
            Status::Disputed => "争议",
            Status::WrittenOff => "已核销坏账",
        }
    }

    fn derive(voided: bool, disputed: bool, balance: Money, written_off: Money) -> Status {
        if voided {
            Status::Void
        } else if disputed {
            Status::Disputed
        } else if balance.is_zero() && written_off.is_positive() {
            Status::WrittenOff
        } else if balance.is_zero() {
            Status::Paid
        } else {
            Status::Open
        }
    }
}

/// A new invoice with its schedule.
pub struct NewInvoice<'a> {
    pub number: &'a str,
    pub customer_id: i64,
    pub issue_date: NaiveDate,
    pub amount: Money,
    pub description: Option<&'a str>,
    pub kind: Kind,
    /// Early-payment discount: percent and days (`2/10`).
    pub discount: Option<(String, u32)>,
    pub schedule: &'a [Installment],
    /// The fingerprint of the import row it comes from (see
    /// `import::fingerprint`), kept with it; `None` when typed.
    pub import_print: Option<&'a str>,
}

/// What an invoice states besides its amount (DESIGN §2 Invoice): its VAT
/// facts, contract and salesperson, each `None` when not known. The amount
/// stays what the customer owes, tax included; [`crate::ledger::vat`] holds
/// the rules that tie these to it. Also the JSON shape of these facts.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Facts {
    /// Net of tax (金额).
    pub net: Option<Money>,
    /// The tax (税额).
    pub tax: Option<Money>,
    /// The rate as one canonical text: `13%`, `免税`, `不征税`.
    pub tax_rate: Option<String>,
    /// The VAT invoice's own number (发票号码 / 数电票号码).
    pub vat_number: Option<String>,
    /// The contract number (合同号).
    pub contract: Option<String>,
    /// The salesperson (业务员); the customer's when not given.
    pub salesperson: Option<String>,
}

/// Check a text fact of an invoice: 1 to `max` printable characters.
fn validate_fact(value: &Option<String>, max: usize, en: &str, zh: &str) -> Result<()> {
    match value {
        Some(v) if v.is_empty() || v.chars().count() > max || v.trim() != v || v.chars().any(char::is_control) => {
            Err(StoreError::invalid(
                format!("{en} '{v}' must be 1 to {max} printable characters"),
                format!("{zh}“{v}”须为 1 至 {max} 个可打印字符"),
            ))
        }
        _ => Ok(()),
    }
}

impl Facts {
    /// Check the texts fit the book (its CHECKs), with a message naming the fact.
    pub fn validate(&self) -> Result<()> {
        validate_fact(&self.tax_rate, 16, "tax rate", "税率")?;
        validate_fact(&self.vat_number, 64, "VAT invoice number", "增值税发票号码")?;
        validate_fact(&self.contract, 64, "contract", "合同号")?;
        validate_fact(&self.salesperson, 64, "salesperson", "业务员")
    }
}

/// Check an invoice number: printable, no surrounding spaces.
pub fn validate_number(number: &str) -> Result<()> {
    let ok = !number.is_empty()
        && number.chars().count() <= 64
        && number.trim() == number
        && number.chars().all(|c| !c.is_control());
    if ok {
        Ok(())
    } else {
        Err(StoreError::invalid(
            format!("invoice number '{number}' must be 1 to 64 printable characters"),
            format!("发票编号“{number}”须为 1 至 64 个可打印字符"),
        ))
    }
}

pub fn id_of(conn: &Connection, number: &str) -> Result<Option<i64>> {
    Ok(conn
        .prepare_cached("SELECT id FROM invoices WHERE number = ?1")?
        .query_row([number.trim()], |r| r.get(0))
        .optional()?)
}

/// Insert an invoice and its installments; returns the invoice id.
pub fn insert(conn: &Connection, inv: &NewInvoice) -> Result<i64> {
    insert_with(conn, inv, &Facts::default())
}

/// Insert an invoice with its facts and its installments; returns the
/// invoice id. Without a salesperson of its own, the invoice takes the
/// customer's.
pub fn insert_with(conn: &Connection, inv: &NewInvoice, facts: &Facts) -> Result<i64> {
    insert_in(conn, inv, facts, super::locked_through(conn)?, true)
}

/// [`insert_with`] in a book closed through `closed_through` (what
/// `store::locked_through` answers; a run of inserts reads it once).
/// How the book writes an invoice's kind.
fn kind_word(kind: Kind) -> &'static str {
    match kind {
        Kind::Sale => "sale",
        Kind::Interest => "interest",
    }
}

/// `count`: count the installments in the kept open balances now (not
/// when an import deferred them, see `balances::defer`).
fn insert_in(
    conn: &Connection,
    inv: &NewInvoice,
    facts: &Facts,
    closed_through: Option<NaiveDate>,
    count: bool,
) -> Result<i64> {
    validate_number(inv.number)?;
    facts.validate()?;
    crate::ledger::vat::check_split(inv.amount, facts.net, facts.tax)
        .map_err(|e| StoreError::invalid(e.to_string(), e.zh()))?;
    if closed_through.is_some_and(|through| inv.issue_date <= through) {
        // Refused, with the book's own message.
        super::ensure_open(conn, inv.issue_date)?;
    }
    let (pct, days) = match &inv.discount {
        Some((p, d)) => (Some(p.as_str()), Some(*d)),
        None => (None, None),
    };
    conn.prepare_cached(
        "INSERT INTO invoices (number, customer_id, issue_date, amount, description, kind, discount_pct, discount_days,
                              net, tax, tax_rate, vat_number, contract, salesperson, import_print)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13,
                 COALESCE(?14, (SELECT salesperson FROM customers WHERE id = ?2)), ?15)",
    )?
    .execute(params![
        inv.number,
        inv.customer_id,
        date_sql(inv.issue_date),
        inv.amount.cents(),
        inv.description,
        kind_word(inv.kind),
        pct,
        days,
        facts.net.map(Money::cents),
        facts.tax.map(Money::cents),
        facts.tax_rate,
        facts.vat_number,
        facts.contract,
        facts.salesperson,
        inv.import_print,
    ])
    .map_err(|e| match e.sqlite_error_code() {
        // The UNIQUE index answers "is this number taken?" on the insert itself.
        Some(rusqlite::ErrorCode::ConstraintViolation) if e.to_string().contains("invoices.number") => {
            StoreError::DuplicateInvoice(inv.number.to_string())
        }
        _ => e.into(),
    })?;
    let id = conn.last_insert_rowid();
    // The installment carries its invoice's issue date and kind (a new
    // invoice is neither disputed nor void), so that the index of open
    // installments answers alone (upgrade 16).
    let mut stmt = conn.prepare_cached(
        "INSERT INTO installments (invoice_id, customer_id, seq, due_date, amount, invoice_issued, invoice_kind)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    let kind = kind_word(inv.kind);
    for (i, part) in inv.schedule.iter().enumerate() {
        stmt.execute(params![
            id,
            inv.customer_id,
            i as i64 + 1,
            date_sql(part.due_date),
            part.amount.cents(),
            date_sql(inv.issue_date),
            kind
        ])?;
        if count {
            super::balances::count_new_installment(
                conn,
                inv.customer_id,
                part.due_date,
                inv.issue_date,
                inv.issue_date,
                part.amount,
            )?;
        }
    }
    Ok(id)
}

/// One installment of an invoice, with what has been paid on it.
#[derive(Clone, Debug)]
pub struct InstallmentRow {
    pub id: i64,
    pub seq: u32,
    pub due_date: NaiveDate,
    pub amount: Money,
    pub paid: Money,
    /// Written off and discounts allowed (not what a payment plan moved).
    pub written_off: Money,
    /// What a payment plan moved off it into new installments.
    pub moved: Money,
    /// For an installment of a payment plan, the plan's date.
    pub since: Option<NaiveDate>,
}

impl InstallmentRow {
    pub fn balance(&self) -> Money {
        self.amount - self.paid - self.written_off - self.moved
    }
}

/// An invoice as stored, with its installments.
#[derive(Clone, Debug)]
pub struct Invoice {
    pub id: i64,
    pub number: String,
    pub customer_id: i64,
    pub customer: String,
    pub issue_date: NaiveDate,
    pub amount: Money,
    pub description: Option<String>,
    pub kind: Kind,
    pub voided: bool,
    pub disputed: bool,
    pub discount: Option<(String, u32)>,
    pub facts: Facts,
    pub installments: Vec<InstallmentRow>,
}

impl Invoice {
    pub fn paid(&self) -> Money {
        self.installments.iter().map(|i| i.paid).sum()
    }

    pub fn written_off(&self) -> Money {
        self.installments.iter().map(|i| i.written_off).sum()
    }

    /// What is still owed (Σ of the installments' balances, a payment plan's
    /// included); nothing for a void invoice.
    pub fn balance(&self) -> Money {
        if self.voided { Money::ZERO } else { self.installments.iter().map(InstallmentRow::balance).sum() }
    }

    pub fn status(&self) -> Status {
        Status::derive(self.voided, self.disputed, self.balance(), self.written_off())
    }
}

/// An invoice's number by id.
pub fn number_of(conn: &Connection, id: i64) -> Result<String> {
    super::one(conn, "SELECT number FROM invoices WHERE id = ?1", [id], |r| r.get(0))
        .optional()?
        .ok_or_else(|| StoreError::UnknownInvoice(format!("#{id}")))
}

pub fn get(conn: &Connection, number: &str) -> Result<Invoice> {
    let id = id_of(conn, number)?.ok_or_else(|| StoreError::UnknownInvoice(number.trim().to_string()))?;
    get_by_id(conn, id)
}

pub fn get_by_id(conn: &Connection, id: i64) -> Result<Invoice> {
    let mut inv = super::one(
        conn,
        "SELECT v.id, v.number, v.customer_id, c.code, v.issue_date, v.amount, v.description, v.kind, v.voided,
                v.disputed, v.discount_pct, v.discount_days,
                v.net, v.tax, v.tax_rate, v.vat_number, v.contract, v.salesperson
         FROM invoices v JOIN customers c ON c.id = v.customer_id WHERE v.id = ?1",
        [id],
        |r| {
            let pct: Option<String> = r.get(10)?;
            let days: Option<u32> = r.get(11)?;
            Ok(Invoice {
                id: r.get(0)?,
                number: r.get(1)?,
                customer_id: r.get(2)?,
                customer: r.get(3)?,
                issue_date: date_col(r, 4)?,
                amount: money_col(r, 5)?,
                description: r.get(6)?,
                kind: if r.get::<_, String>(7)? == "interest" { Kind::Interest } else { Kind::Sale },
                voided: r.get(8)?,
                disputed: r.get(9)?,
                discount: pct.zip(days),
                facts: facts_at(r, 12)?,
                installments: Vec::new(),
            })
        },
    )?;
    let mut stmt = conn.prepare_cached(
        "SELECT id, seq, due_date, amount, paid, written_off - moved, moved, since FROM (
            SELECT i.*, (SELECT COALESCE(SUM(w.amount), 0) FROM write_offs w
                          WHERE w.installment_id = i.id AND w.kind = 'reschedule') AS moved
            FROM installments i WHERE invoice_id = ?1)
         ORDER BY seq",
    )?;
    inv.installments = stmt
        .query_map([id], |r| {
            Ok(InstallmentRow {
                id: r.get(0)?,
                seq: r.get(1)?,
                due_date: date_col(r, 2)?,
                amount: money_col(r, 3)?,
                paid: money_col(r, 4)?,
                written_off: money_col(r, 5)?,
                moved: money_col(r, 6)?,
                since: match r.get::<_, Option<String>>(7)? {
                    Some(_) => Some(date_col(r, 7)?),
                    None => None,
                },
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(inv)
}

/// The six fact columns net, tax, tax_rate, vat_number, contract,
/// salesperson, read from column `at` on.
fn facts_at(r: &rusqlite::Row, at: usize) -> rusqlite::Result<Facts> {
    Ok(Facts {
        net: r.get::<_, Option<i64>>(at)?.map(Money::from_cents),
        tax: r.get::<_, Option<i64>>(at + 1)?.map(Money::from_cents),
        tax_rate: r.get(at + 2)?,
        vat_number: r.get(at + 3)?,
        contract: r.get(at + 4)?,
        salesperson: r.get(at + 5)?,
    })
}

pub fn set_void(conn: &Connection, id: i64) -> Result<()> {
    super::exec(conn, "UPDATE invoices SET voided = 1 WHERE id = ?1", [id])?;
    Ok(())
}

/// Where to allocate a customer's money: the invoices named (each must be
/// the customer's, not void and not paid; `customer` is the code named in the
/// error), or FIFO when none are named. The one check that an invoice belongs
/// to the customer paying it, for `pay` and for `reconcile match`.
pub fn allocation_targets_for(
    conn: &Connection,
    customer_id: i64,
    customer: &str,
    numbers: &[String],
) -> Result<AllocateTo> {
    if numbers.is_empty() {
        return Ok(AllocateTo::Fifo);
    }
    let mut ids = Vec::new();
    for n in numbers {
        let inv = named(conn, n)?;
        if inv.customer_id != customer_id {
            return Err(StoreError::InvoiceOfOtherCustomer {
                number: inv.number,
                owner: inv.customer,
                customer: customer.to_string(),
            });
        }
        if inv.voided {
            return Err(StoreError::InvoiceVoid(inv.number));
        }
        if inv.balance.is_zero() {
            return Err(StoreError::InvoicePaid(inv.number));
        }
        if !ids.contains(&inv.id) {
            ids.push(inv.id);
        }
    }
    Ok(AllocateTo::Invoices(ids))
}

/// What a payment naming an invoice checks of it: [`get`]'s figures without
/// its facts and installments (an import asks once per payment row).
struct Named {
    id: i64,
    number: String,
    customer_id: i64,
    customer: String,
    voided: bool,
    /// [`Invoice::balance`].
    balance: Money,
}

fn named(conn: &Connection, number: &str) -> Result<Named> {
    let found = conn
        .prepare_cached(
            "SELECT v.id, v.number, v.customer_id, c.code, v.voided,
                    (SELECT SUM(amount - settled) FROM installments WHERE invoice_id = v.id)
             FROM invoices v JOIN customers c ON c.id = v.customer_id WHERE v.number = ?1",
        )?
        .query_row([number.trim()], |r| {
            let voided: bool = r.get(4)?;
            let open = r.get::<_, Option<i64>>(5)?.map_or(Money::ZERO, Money::from_cents);
            Ok(Named {
                id: r.get(0)?,
                number: r.get(1)?,
                customer_id: r.get(2)?,
                customer: r.get(3)?,
                voided,
                balance: if voided { Money::ZERO } else { open },
            })
        })
        .optional()?;
    found.ok_or_else(|| StoreError::UnknownInvoice(number.trim().to_string()))
}

/// Filters for the invoice list.
#[derive(Clone, Debug, Default)]
pub struct ListFilter {
    pub customer_id: Option<i64>,
    pub status: Option<Status>,
    /// Only invoices with an unpaid installment due before this date.
    pub overdue_at: Option<NaiveDate>,
}

/// One line of the invoice list (also its JSON shape).
#[derive(Clone, Debug, serde::Serialize)]
pub struct ListRow {
    pub number: String,
    pub customer: String,
    pub issue_date: NaiveDate,
    pub next_due: Option<NaiveDate>,
    pub amount: Money,
    pub balance: Money,
    pub status: Status,
    #[serde(flatten)]
    pub facts: Facts,
}

/// The columns of a [`ListRow`], read by [`list_row`]; `v` is the invoice,
/// `c` its customer.
const LIST_COLUMNS: &str = "v.number, c.code, v.issue_date, v.amount, v.voided, v.disputed,
        (SELECT SUM(amount - settled) FROM installments WHERE invoice_id = v.id),
        (SELECT COALESCE(SUM(w.amount), 0) FROM write_offs w JOIN installments i ON i.id = w.installment_id
          WHERE i.invoice_id = v.id AND w.kind != 'reschedule'),
        (SELECT MIN(due_date) FROM installments WHERE invoice_id = v.id AND settled < amount),
        v.net, v.tax, v.tax_rate, v.vat_number, v.contract, v.salesperson";

fn list_row(r: &rusqlite::Row) -> rusqlite::Result<ListRow> {
    let amount = money_col(r, 3)?;
    let voided: bool = r.get(4)?;
    let open = money_col(r, 6)?;
    let written_off = money_col(r, 7)?;
    let balance = if voided { Money::ZERO } else { open };
    let next_due = match r.get::<_, Option<String>>(8)? {
        Some(_) if !voided => Some(date_col(r, 8)?),
        _ => None,
    };
    Ok(ListRow {
        number: r.get(0)?,
        customer: r.get(1)?,
        issue_date: date_col(r, 2)?,
        next_due,
        amount,
        balance,
        status: Status::derive(voided, r.get(5)?, balance, written_off),
        facts: facts_at(r, 9)?,
    })
}

/// The invoices `f` asks for, oldest issued first, handed to `each` one by
/// one as they are read (a book of millions is never held).
pub fn list<E: From<StoreError>>(
    conn: &Connection,
    f: &ListFilter,
    mut each: impl FnMut(ListRow) -> std::result::Result<(), E>,
) -> std::result::Result<(), E> {
    // One customer's invoices come from its entries of invoices_customer.
    let customer = super::customer_filter(f.customer_id, "v.customer_id", 1);
    let mut stmt = conn
        .prepare(&format!(
            "SELECT {LIST_COLUMNS}
             FROM invoices v JOIN customers c ON c.id = v.customer_id
             WHERE {customer}
               AND (?2 IS NULL OR EXISTS (SELECT 1 FROM installments i WHERE i.invoice_id = v.id
                                          AND i.settled < i.amount AND i.due_date < ?2))
             ORDER BY v.issue_date, v.number"
        ))
        .map_err(StoreError::from)?;
    let overdue = f.overdue_at.map(date_sql);
    let rows = stmt.query_map(params![f.customer_id, overdue], list_row).map_err(StoreError::from)?;
    for row in rows {
        let row = row.map_err(StoreError::from)?;
        if f.status.is_none_or(|s| s == row.status) && (f.overdue_at.is_none() || row.status != Status::Void) {
            each(row)?;
        }
    }
    Ok(())
}

/// A customer's open invoices (open or disputed: a live invoice with an
/// installment not settled), oldest issued first, the first `limit` of them
/// (all with `None`), and how many there are. Found from the customer's
/// open installments (a partial index), never from all its invoices.
pub fn open_of_customer(conn: &Connection, customer_id: i64, limit: Option<usize>) -> Result<(Vec<ListRow>, usize)> {
    const OPEN: &str = "SELECT invoice_id FROM installments INDEXED BY installments_open
                        WHERE customer_id = ?1 AND settled < amount";
    let mut stmt = conn.prepare(&format!(
        "SELECT {LIST_COLUMNS}
         FROM invoices v JOIN customers c ON c.id = v.customer_id
         WHERE v.id IN ({OPEN}) AND v.voided = 0
         ORDER BY v.issue_date, v.number
         LIMIT ?2"
    ))?;
    let limit = limit.map_or(-1, |l| i64::try_from(l).unwrap_or(i64::MAX));
    let rows = stmt.query_map(params![customer_id, limit], list_row)?.collect::<rusqlite::Result<Vec<_>>>()?;
    let count: i64 = super::one(
        conn,
        &format!("SELECT count(*) FROM invoices WHERE id IN ({OPEN}) AND voided = 0"),
        [customer_id],
        |r| r.get(0),
    )?;
    Ok((rows, usize::try_from(count).unwrap_or(0)))
}

/// Create an invoice and, when `apply_credit`, apply the customer's automatic
/// unapplied credit to it. Returns the invoice id and the credit applied.
pub fn create(conn: &Connection, inv: &NewInvoice, apply_credit: bool) -> Result<(i64, Money)> {
    create_with(conn, inv, &Facts::default(), apply_credit)
}

/// [`create`] an invoice with its facts.
pub fn create_with(conn: &Connection, inv: &NewInvoice, facts: &Facts, apply_credit: bool) -> Result<(i64, Money)> {
    create_in(conn, inv, facts, apply_credit, super::locked_through(conn)?, false)
}

/// [`create_with`] in a book closed through `closed_through` (what
/// `store::locked_through` answers): an import reads it once for all its
/// invoices, as no close is made while it runs. `deferred`: the caller
/// called `balances::defer`, so the installments are counted in the kept
/// open balances at its `balances::catch_up`, not one by one.
pub fn create_in(
    conn: &Connection,
    inv: &NewInvoice,
    facts: &Facts,
    apply_credit: bool,
    closed_through: Option<NaiveDate>,
    deferred: bool,
) -> Result<(i64, Money)> {
    let id = insert_in(conn, inv, facts, closed_through, !deferred)?;
    let applied =
        if apply_credit { super::money::apply_credit_to_invoice(conn, inv.customer_id, id)? } else { Money::ZERO };
    Ok((id, applied))
}

/// Whether `amount` of an invoice may be written off on `date`: not void,
/// not before the issue date, not in a closed period, not beyond the balance.
pub fn check_write_off(conn: &Connection, invoice_id: i64, date: NaiveDate, amount: Money) -> Result<Invoice> {
    let inv = get_by_id(conn, invoice_id)?;
    if inv.voided {
        return Err(StoreError::InvoiceVoid(inv.number));
    }
    super::ensure_open(conn, date)?;
    if let Some(plan) = inv.installments.iter().filter_map(|i| i.since).max()
        && date < plan
    {
        return Err(StoreError::invalid(
            format!("a write-off on {date} is before invoice {}'s payment plan of {plan}", inv.number),
            format!("核销日 {date} 早于发票 {} 的分期还款协议日 {plan}", inv.number),
        ));
    }
    if date < inv.issue_date {
        return Err(StoreError::invalid(
            format!("a write-off on {date} is before invoice {} was issued ({})", inv.number, inv.issue_date),
            format!("核销日 {date} 早于发票 {} 的开票日 {}", inv.number, inv.issue_date),
        ));
    }
    let balance = inv.balance();
    if amount > balance {
        return Err(StoreError::invalid(
            format!("cannot write off {amount} of invoice {}: its balance is {balance}", inv.number),
            format!("无法核销发票 {} 的 {amount}：余额仅 {balance}", inv.number),
        ));
    }
    Ok(inv)
}

/// Write off `amount` of an invoice on `date`, oldest due installment first
/// (checked by [`check_write_off`] first).
pub fn write_off(conn: &Connection, invoice_id: i64, date: NaiveDate, amount: Money, reason: &str) -> Result<()> {
    check_write_off(conn, invoice_id, date, amount)?;
    let targets = super::money::invoice_targets(conn, invoice_id)?;
    let a = crate::ledger::allocation::allocate(amount, &targets);
    let mut stmt =
        conn.prepare_cached("INSERT INTO write_offs (installment_id, date, amount, reason) VALUES (?1, ?2, ?3, ?4)")?;
    for p in &a.parts {
        stmt.execute(params![p.target, date_sql(date), p.amount.cents(), reason])?;
    }
    Ok(())
}

/// Customers and invoices for the store's unit tests on an in-memory book.
#[cfg(test)]
pub(super) mod fixtures {
    use chrono::NaiveDate;

    use crate::ledger::Money;
    use crate::ledger::schedule::Installment;
    use crate::store::Connection;
    use crate::store::{customers, invoices};

    pub fn day(d: &str) -> NaiveDate {
        d.parse().expect("a date")
    }

    pub fn yuan(y: i64) -> Money {
        Money::from_cents(y * 100)
    }

    pub fn customer(conn: &Connection, code: &str, name: &str) -> i64 {
        let c = customers::NewCustomer { code: code.into(), name: name.into(), ..Default::default() };
        customers::insert(conn, &c, day("2026-01-01")).expect("customer")
    }

    /// An invoice with one installment per `(due date, yuan)`.
    pub fn invoice(conn: &Connection, customer_id: i64, number: &str, issued: &str, due: &[(&str, i64)]) -> i64 {
        let schedule: Vec<Installment> =
            due.iter().map(|(d, y)| Installment { due_date: day(d), amount: yuan(*y) }).collect();
        let amount = schedule.iter().map(|i| i.amount).fold(Money::ZERO, |a, b| a + b);
        let inv = invoices::NewInvoice {
            number,
            customer_id,
            issue_date: day(issued),
            amount,
            description: None,
            kind: invoices::Kind::Sale,
            discount: None,
            schedule: &schedule,
            import_print: None,
        };
        invoices::create(conn, &inv, false).expect("invoice").0
    }
}

#[cfg(test)]
mod tests {
    use super::fixtures::{customer, day, invoice, yuan};
    use super::*;
    use crate::store::{Book, money};

    #[test]
    fn an_invoice_keeps_its_schedule_and_its_balance_falls_with_allocation() {
        let book = Book::in_memory();
        let c = customer(&book.conn, "HY", "华宇");
        let id = invoice(&book.conn, c, "INV-1", "2026-01-01", &[("2026-01-31", 400), ("2026-02-28", 600)]);
        let inv = get_by_id(&book.conn, id).unwrap();
        assert_eq!(inv.amount, yuan(1000));
        let due: Vec<(NaiveDate, Money)> = inv.installments.iter().map(|i| (i.due_date, i.amount)).collect();
        assert_eq!(due, [(day("2026-01-31"), yuan(400)), (day("2026-02-28"), yuan(600))]);
        // A payment row, placed by the money rule (payments::record does both).
        book.conn
            .execute(
                "INSERT INTO payments (customer_id, date, amount, method, source) VALUES (?1, '2026-02-10', 45000, 'bank', 'manual')",
                [c],
            )
            .unwrap();
        let payment = book.conn.last_insert_rowid();
        let left = money::allocate_payment(
            &book.conn,
            payment,
            day("2026-02-10"),
            yuan(450),
            c,
            &AllocateTo::Invoices(vec![id]),
        )
        .unwrap();
        assert_eq!(left, Money::ZERO);
        let inv = get_by_id(&book.conn, id).unwrap();
        assert_eq!((inv.paid(), inv.balance()), (yuan(450), yuan(550)));
        assert_eq!(inv.status(), Status::Open);
    }

    #[test]
    fn an_invoice_keeps_its_facts_and_takes_the_customers_salesperson_when_it_has_none() {
        let book = Book::in_memory();
        let c = customer(&book.conn, "HY", "华远");
        crate::store::customers::update(
            &book.conn,
            c,
            &crate::store::customers::CustomerEdit { salesperson: Some("张伟".into()), ..Default::default() },
        )
        .unwrap();
        let schedule = [Installment { due_date: day("2026-02-01"), amount: yuan(11_300) }];
        let new = |number| NewInvoice {
            number,
            customer_id: c,
            issue_date: day("2026-01-01"),
            amount: yuan(11_300),
            description: None,
            kind: Kind::Sale,
            discount: None,
            schedule: &schedule,
            import_print: None,
        };
        let facts = Facts {
            net: Some(yuan(10_000)),
            tax: Some(yuan(1_300)),
            tax_rate: Some("13%".into()),
            vat_number: Some("26442000000012345678".into()),
            contract: Some("HT-1".into()),
            salesperson: None,
        };
        let id = create_with(&book.conn, &new("INV-1"), &facts, false).unwrap().0;
        let got = get_by_id(&book.conn, id).unwrap().facts;
        assert_eq!(got, Facts { salesperson: Some("张伟".into()), ..facts.clone() });
        let own = Facts { salesperson: Some("王芳".into()), ..Facts::default() };
        create_with(&book.conn, &new("INV-2"), &own, false).unwrap();
        let mut rows = Vec::new();
        list(&book.conn, &ListFilter::default(), |r| {
            rows.push(r);
            Ok::<_, StoreError>(())
        })
        .unwrap();
        let sales: Vec<Option<&str>> = rows.iter().map(|r| r.facts.salesperson.as_deref()).collect();
        assert_eq!(sales, [Some("张伟"), Some("王芳")]);
        assert_eq!(rows[0].facts.net, Some(yuan(10_000)));

        let wrong = Facts { tax: Some(yuan(1_200)), ..facts };
        let e = create_with(&book.conn, &new("INV-3"), &wrong, false).unwrap_err().to_string();
        assert!(e.starts_with("net 10,000.00 + tax 1,200.00 = 11,200.00, not the amount 11,300.00"), "{e}");
        assert!(id_of(&book.conn, "INV-3").unwrap().is_none());
    }

    #[test]
    fn only_the_customers_own_open_invoices_are_allocation_targets() {
        let book = Book::in_memory();
        let hy = customer(&book.conn, "HY", "华宇");
        let other = customer(&book.conn, "XT", "新天");
        let a = invoice(&book.conn, hy, "INV-1", "2026-01-01", &[("2026-01-31", 100)]);
        invoice(&book.conn, other, "INV-2", "2026-01-01", &[("2026-01-31", 100)]);
        let named = |n: &[&str]| n.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!(matches!(allocation_targets_for(&book.conn, hy, "HY", &[]).unwrap(), AllocateTo::Fifo));
        match allocation_targets_for(&book.conn, hy, "HY", &named(&["INV-1", "INV-1"])).unwrap() {
            AllocateTo::Invoices(ids) => assert_eq!(ids, [a]),
            _ => panic!("the invoices named"),
        }
        let e = allocation_targets_for(&book.conn, hy, "HY", &named(&["INV-2"])).unwrap_err();
        assert!(matches!(e, StoreError::InvoiceOfOtherCustomer { ref owner, .. } if owner == "XT"), "{e}");
        set_void(&book.conn, a).unwrap();
        let e = allocation_targets_for(&book.conn, hy, "HY", &named(&["INV-1"])).unwrap_err();
        assert!(matches!(e, StoreError::InvoiceVoid(_)), "{e}");
    }
}
