//! Payments and their allocations to installments.

use chrono::NaiveDate;
use rusqlite::{Connection, params};

use super::money::{self, AllocateTo};
use super::{Result, StoreError, date_col, date_sql, money_col};
use crate::ledger::Money;

/// How the money came in (also a bank profile's `method`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Method {
    Bank,
    Cash,
    Cheque,
    Alipay,
    Wechat,
    /// A bank acceptance bill (银行承兑汇票).
    Acceptance,
    Other,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Bank => "bank",
            Method::Cash => "cash",
            Method::Cheque => "cheque",
            Method::Alipay => "alipay",
            Method::Wechat => "wechat",
            Method::Acceptance => "acceptance",
            Method::Other => "other",
        }
    }

    /// Parse a method as written in a file (English or Chinese; empty → bank).
    pub fn parse(s: &str) -> Option<Method> {
        Some(match s.trim().to_lowercase().as_str() {
            "" | "bank" | "transfer" | "银行" | "转账" | "银行转账" => Method::Bank,
            "cash" | "现金" => Method::Cash,
            "cheque" | "check" | "支票" => Method::Cheque,
            "alipay" | "支付宝" => Method::Alipay,
            "wechat" | "weixin" | "微信" | "微信支付" => Method::Wechat,
            "acceptance" | "acceptance bill" | "bank acceptance bill" | "承兑汇票" | "承兑" | "银行承兑汇票" => {
                Method::Acceptance
            }
            "other" | "其他" => Method::Other,
            _ => return None,
        })
    }
}

/// Where a payment was entered from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    Manual,
    Import,
    Bank,
}

impl Source {
    fn as_str(self) -> &'static str {
        match self {
            Source::Manual => "manual",
            Source::Import => "import",
            Source::Bank => "bank",
        }
    }
}

pub struct NewPayment<'a> {
    pub customer_id: i64,
    pub date: NaiveDate,
    pub amount: Money,
    pub method: Method,
    pub reference: Option<&'a str>,
    pub source: Source,
    /// Whether what stays unapplied is applied automatically to later invoices.
    pub auto_apply: bool,
}

/// Record a payment and allocate it. Returns the payment id and what of it
/// stays unapplied.
pub fn record(conn: &Connection, p: &NewPayment, to: &AllocateTo) -> Result<(i64, Money)> {
    record_with(conn, p, to, None)
}

/// [`record`] a payment that keeps `import_print`, the fingerprint of the
/// import row it comes from (see `import::fingerprint`), written with it.
pub fn record_with(
    conn: &Connection,
    p: &NewPayment,
    to: &AllocateTo,
    import_print: Option<&str>,
) -> Result<(i64, Money)> {
    super::ensure_open(conn, p.date)?;
    conn.prepare_cached(
        "INSERT INTO payments (customer_id, date, amount, method, reference, source, auto_apply, import_print)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        p.customer_id,
        date_sql(p.date),
        p.amount.cents(),
        p.method.as_str(),
        p.reference,
        p.source.as_str(),
        p.auto_apply,
        import_print,
    ])?;
    let id = conn.last_insert_rowid();
    let unapplied = money::allocate_payment(conn, id, p.date, p.amount, p.customer_id, to)?;
    Ok((id, unapplied))
}

/// Apply what is unapplied of one payment (or `limit` of it), FIFO or to the
/// invoices named. Returns the amount applied.
pub fn apply(conn: &Connection, id: i64, to: &AllocateTo, limit: Option<Money>) -> Result<Money> {
    let p = get(conn, id)?;
    if p.voided {
        return Err(StoreError::PaymentVoid(id));
    }
    if !p.unapplied.is_positive() {
        return Err(StoreError::NoCredit(id));
    }
    let amount = match limit {
        Some(l) if l > p.unapplied => {
            return Err(StoreError::OverApply { id, asked: l, unapplied: p.unapplied });
        }
        Some(l) => l,
        None => p.unapplied,
    };
    let left = money::allocate_payment(conn, id, p.date, amount, p.customer_id, to)?;
    Ok(amount - left)
}

/// Void a payment: its allocations are removed, so the invoices it paid are
/// open again. A payment made from a bank line is voided with
/// [`super::bank::void_payment`], which also sends the line back to the queue.
pub fn void(conn: &Connection, id: i64) -> Result<Payment> {
    let p = get(conn, id)?;
    if p.voided {
        return Err(StoreError::PaymentVoid(id));
    }
    // The discounts it earned go with it: the invoice is open again in full.
    super::exec(conn, "DELETE FROM write_offs WHERE payment_id = ?1 AND kind = 'discount'", [id])?;
    super::exec(conn, "DELETE FROM allocations WHERE payment_id = ?1", [id])?;
    super::exec(conn, "UPDATE payments SET voided = 1 WHERE id = ?1", [id])?;
    Ok(p)
}

/// One allocation of a payment, for display.
#[derive(Clone, Debug, serde::Serialize)]
pub struct AllocationRow {
    pub invoice: String,
    pub due_date: NaiveDate,
    pub amount: Money,
    #[serde(skip)]
    pub effective_date: NaiveDate,
}

/// A payment with its allocations.
#[derive(Clone, Debug)]
pub struct Payment {
    pub id: i64,
    pub customer_id: i64,
    pub customer: String,
    pub date: NaiveDate,
    pub amount: Money,
    pub method: String,
    pub reference: Option<String>,
    pub source: String,
    pub voided: bool,
    pub unapplied: Money,
    pub allocations: Vec<AllocationRow>,
}

pub fn get(conn: &Connection, id: i64) -> Result<Payment> {
    let mut p = super::one(
        conn,
        "SELECT p.id, p.customer_id, c.code, p.date, p.amount, p.method, p.reference, p.source, p.voided,
                    p.amount - p.allocated
             FROM payments p JOIN customers c ON c.id = p.customer_id WHERE p.id = ?1",
        [id],
        |r| {
            Ok(Payment {
                id: r.get(0)?,
                customer_id: r.get(1)?,
                customer: r.get(2)?,
                date: date_col(r, 3)?,
                amount: money_col(r, 4)?,
                method: r.get(5)?,
                reference: r.get(6)?,
                source: r.get(7)?,
                voided: r.get(8)?,
                unapplied: money_col(r, 9)?,
                allocations: Vec::new(),
            })
        },
    )
    .map_err(|e| match e {
        rusqlite::Error::QueryReturnedNoRows => StoreError::UnknownPayment(id),
        e => e.into(),
    })?;
    if p.voided {
        p.unapplied = Money::ZERO;
    }
    let mut stmt = conn.prepare_cached(
        "SELECT v.number, i.due_date, a.amount, a.effective_date FROM allocations a
         JOIN installments i ON i.id = a.installment_id JOIN invoices v ON v.id = i.invoice_id
         WHERE a.payment_id = ?1 ORDER BY a.id",
    )?;
    p.allocations = stmt
        .query_map([id], |r| {
            Ok(AllocationRow {
                invoice: r.get(0)?,
                due_date: date_col(r, 1)?,
                amount: money_col(r, 2)?,
                effective_date: date_col(r, 3)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(p)
}

/// One line of the payment list.
#[derive(Clone, Debug)]
pub struct ListRow {
    pub id: i64,
    pub customer: String,
    pub date: NaiveDate,
    pub amount: Money,
    pub method: String,
    pub reference: Option<String>,
    pub unapplied: Money,
    pub voided: bool,
}

/// The payments (of one customer, or all), by date, handed to `each` one by
/// one as they are read (a book of millions is never held).
pub fn list<E: From<StoreError>>(
    conn: &Connection,
    customer_id: Option<i64>,
    mut each: impl FnMut(ListRow) -> std::result::Result<(), E>,
) -> std::result::Result<(), E> {
    // One customer's payments come from its entries of payments_customer.
    let customer = super::customer_filter(customer_id, "p.customer_id", 1);
    let mut stmt = conn
        .prepare(&format!(
            "SELECT p.id, c.code, p.date, p.amount, p.method, p.reference, p.amount - p.allocated, p.voided
             FROM payments p JOIN customers c ON c.id = p.customer_id
             WHERE {customer} ORDER BY p.date, p.id"
        ))
        .map_err(StoreError::from)?;
    let rows = stmt
        .query_map([customer_id], |r| {
            let voided: bool = r.get(7)?;
            Ok(ListRow {
                id: r.get(0)?,
                customer: r.get(1)?,
                date: date_col(r, 2)?,
                amount: money_col(r, 3)?,
                method: r.get(4)?,
                reference: r.get(5)?,
                unapplied: if voided { Money::ZERO } else { money_col(r, 6)? },
                voided,
            })
        })
        .map_err(StoreError::from)?;
    for row in rows {
        each(row.map_err(StoreError::from)?)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Book;
    use crate::store::invoices::fixtures::{customer, day, invoice, yuan};

    #[test]
    fn allocations_and_the_unapplied_remainder_add_up_to_the_amount() {
        let book = Book::in_memory();
        let c = customer(&book.conn, "HY", "华宇");
        invoice(&book.conn, c, "INV-1", "2026-01-01", &[("2026-01-31", 100), ("2026-02-28", 100)]);
        let p = NewPayment {
            customer_id: c,
            date: day("2026-03-01"),
            amount: yuan(260),
            method: Method::Alipay,
            reference: Some("ref 7"),
            source: Source::Manual,
            auto_apply: false,
        };
        let (id, unapplied) = record(&book.conn, &p, &AllocateTo::Fifo).unwrap();
        assert_eq!(unapplied, yuan(60));
        let got = get(&book.conn, id).unwrap();
        let amounts: Vec<Money> = got.allocations.iter().map(|a| a.amount).collect();
        assert_eq!(amounts, [yuan(100), yuan(100)]);
        assert_eq!(got.unapplied, yuan(60));
        assert_eq!(amounts.iter().fold(got.unapplied, |s, a| s + *a), got.amount);
        assert_eq!((got.method.as_str(), got.customer.as_str()), ("alipay", "HY"));
        // Voiding gives the invoices back and leaves nothing unapplied.
        void(&book.conn, id).unwrap();
        assert_eq!(get(&book.conn, id).unwrap().unapplied, Money::ZERO);
        assert_eq!(crate::store::invoices::get(&book.conn, "INV-1").unwrap().balance(), yuan(200));
    }
}

/// The money rule ([`super::money`]) through the payments that use it.
#[cfg(test)]
mod placing_money {
    use chrono::NaiveDate;
    use rusqlite::Connection;

    use super::{Method, NewPayment, Source};
    use crate::ledger::Money;
    use crate::store::invoices::fixtures::{customer, day, invoice, yuan};
    use crate::store::money::{AllocateTo, apply_credit_to_invoice, auto_credits, fifo_targets, fifo_targets_covering};
    use crate::store::{Book, invoices, payments};

    fn pay(conn: &Connection, customer_id: i64, date: &str, y: i64, to: &AllocateTo) -> (i64, Money) {
        let p = NewPayment {
            customer_id,
            date: day(date),
            amount: yuan(y),
            method: Method::Bank,
            reference: None,
            source: Source::Manual,
            auto_apply: true,
        };
        payments::record(conn, &p, to).expect("payment")
    }

    #[test]
    fn fifo_pays_the_oldest_due_installment_first() {
        let book = Book::in_memory();
        let c = customer(&book.conn, "HY", "华宇");
        let late = invoice(&book.conn, c, "INV-2", "2026-02-01", &[("2026-03-31", 300)]);
        let early = invoice(&book.conn, c, "INV-1", "2026-01-01", &[("2026-01-31", 100), ("2026-02-28", 100)]);
        let targets = fifo_targets(&book.conn, c).unwrap();
        let due: Vec<NaiveDate> = targets.iter().map(|t| t.due_date).collect();
        assert_eq!(due, [day("2026-01-31"), day("2026-02-28"), day("2026-03-31")]);
        // 150 covers the first installment and half the second; only those are read.
        assert_eq!(fifo_targets_covering(&book.conn, c, Some(yuan(150))).unwrap().len(), 2);
        let (_, unapplied) = pay(&book.conn, c, "2026-03-01", 150, &AllocateTo::Fifo);
        assert_eq!(unapplied, Money::ZERO);
        assert_eq!(invoices::get_by_id(&book.conn, early).unwrap().balance(), yuan(50));
        assert_eq!(invoices::get_by_id(&book.conn, late).unwrap().balance(), yuan(300));
    }

    #[test]
    fn named_invoices_are_paid_in_the_order_given_and_the_rest_stays_unapplied() {
        let book = Book::in_memory();
        let c = customer(&book.conn, "HY", "华宇");
        let a = invoice(&book.conn, c, "INV-1", "2026-01-01", &[("2026-01-31", 100)]);
        let b = invoice(&book.conn, c, "INV-2", "2026-02-01", &[("2026-02-28", 200)]);
        let (_, unapplied) = pay(&book.conn, c, "2026-03-01", 250, &AllocateTo::Invoices(vec![b]));
        assert_eq!(unapplied, yuan(50));
        assert_eq!(invoices::get_by_id(&book.conn, b).unwrap().balance(), Money::ZERO);
        assert_eq!(invoices::get_by_id(&book.conn, a).unwrap().balance(), yuan(100));
    }

    #[test]
    fn unapplied_credit_applies_itself_to_a_new_invoice() {
        let book = Book::in_memory();
        let c = customer(&book.conn, "HY", "华宇");
        let (_, unapplied) = pay(&book.conn, c, "2026-01-10", 80, &AllocateTo::Fifo);
        assert_eq!(unapplied, yuan(80));
        let inv = invoice(&book.conn, c, "INV-1", "2026-02-01", &[("2026-02-28", 100)]);
        assert_eq!(apply_credit_to_invoice(&book.conn, c, inv).unwrap(), yuan(80));
        assert_eq!(invoices::get_by_id(&book.conn, inv).unwrap().balance(), yuan(20));
        assert!(auto_credits(&book.conn, c).unwrap().is_empty());
    }
}
