//! The book's totals, kept within the amount limit. DESIGN §2: every figure
//! written anywhere stays within 1,000,000,000,000.00, sums included. The
//! largest sums the book prints are what was ever invoiced and what was ever
//! received (the tie-out's lines; every customer's balance, bucket and
//! credit is bounded by them), so a write that would carry either past the
//! limit is refused before it is made, naming the total it would reach.

use rusqlite::Connection;

use super::{Result, StoreError};
use crate::ledger::Money;
use crate::ledger::money::MAX_AMOUNT_CENTS;

/// One of the book's two totals as it stands now, and what a run of
/// writes adds to it. Each write reads only the total it adds to: an
/// invoice never sums the payments.
#[derive(Debug, Clone, Copy)]
pub struct Headroom {
    total: i128,
    /// The total's name, in English and Chinese.
    what: (&'static str, &'static str),
}

/// One SUM. A sum past `i64` minor units (only a book changed by hand can
/// hold one) is refused with the way out, not reported as a database error.
fn total(conn: &Connection, sql: &str) -> Result<i128> {
    match conn.prepare_cached(sql)?.query_row([], |r| r.get::<_, Option<i64>>(0)) {
        Ok(sum) => Ok(i128::from(sum.unwrap_or(0))),
        Err(rusqlite::Error::SqliteFailure(_, Some(m))) if m.contains("integer overflow") => Err(StoreError::invalid(
            "the book's totals are past what it can hold; run huikuan check",
            "账簿合计已超出可存储范围；请运行 huikuan check",
        )),
        Err(e) => Err(e.into()),
    }
}

fn limit() -> Money {
    Money::from_cents(MAX_AMOUNT_CENTS)
}

fn shown(cents: i128) -> String {
    i64::try_from(cents).map(|c| Money::from_cents(c).to_string()).unwrap_or_else(|_| format!("{cents} minor units"))
}

impl Headroom {
    /// What the book's invoices total: from the daily totals the book
    /// keeps (one row a day, see `balances`), or from the covering index of
    /// issued invoices while an import defers those.
    pub fn invoices(conn: &Connection) -> Result<Headroom> {
        Headroom::kept_or_summed(
            conn,
            "SELECT SUM(invoiced) FROM daily_totals",
            "SELECT SUM(amount) FROM invoices WHERE voided = 0",
            ("invoices", "发票"),
        )
    }

    /// What the book's payments total: from the daily totals, or from the
    /// payments themselves while an import defers those.
    pub fn payments(conn: &Connection) -> Result<Headroom> {
        Headroom::kept_or_summed(
            conn,
            "SELECT SUM(received) FROM daily_totals",
            "SELECT SUM(amount) FROM payments WHERE voided = 0",
            ("payments", "收款"),
        )
    }

    /// The total `kept` reads, or `summed` while an import defers the kept
    /// figures (they lag behind its rows until it catches up).
    fn kept_or_summed(
        conn: &Connection,
        kept: &str,
        summed: &str,
        what: (&'static str, &'static str),
    ) -> Result<Headroom> {
        let sql = if super::balances::deferred(conn)? { summed } else { kept };
        Ok(Headroom { total: total(conn, sql)?, what })
    }

    /// Count an invoice or payment of `amount` in; refused when the total
    /// would then be more than the limit.
    pub fn add(&mut self, amount: Money) -> Result<()> {
        add_within_limit(&mut self.total, amount, self.what)
    }
}

/// Add `amount` to `total` unless that carries it past the limit; `what`
/// names the total in English and Chinese.
fn add_within_limit(total: &mut i128, amount: Money, (en, zh): (&str, &str)) -> Result<()> {
    let after = *total + i128::from(amount.cents());
    if after > i128::from(MAX_AMOUNT_CENTS) {
        let (after, limit) = (shown(after), limit());
        return Err(StoreError::invalid(
            format!("the book's {en} would total {after}, more than the limit of {limit}; nothing was written"),
            format!("账簿{zh}合计将达 {after}，超过上限 {limit}；未写入任何内容"),
        ));
    }
    *total = after;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Book;

    #[test]
    fn totals_are_refused_at_the_first_amount_past_the_limit() {
        let book = Book::in_memory();
        let mut h = Headroom::invoices(&book.conn).unwrap();
        let max = Money::from_cents(MAX_AMOUNT_CENTS);
        h.add(max - Money::from_cents(1)).unwrap();
        h.add(Money::from_cents(1)).unwrap();
        let e = h.add(Money::from_cents(1)).unwrap_err().to_string();
        assert!(
            e.contains("invoices would total 1,000,000,000,000.01, more than the limit of 1,000,000,000,000.00"),
            "{e}"
        );
        let mut h = Headroom::payments(&book.conn).unwrap();
        h.add(max).unwrap();
        assert!(h.add(Money::from_cents(1)).unwrap_err().to_string().contains("payments would total"));
    }
}
